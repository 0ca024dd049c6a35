"""全国 · 各省 on the overview, when the settings map provinces to databases (``Settings.provinces``).

Why a section and not a page of its own: an app instance serves one database (its province's, or the default),
and every page reads that one; what one province's staff cannot see from their own database is how the nation
stands, so the overview adds a line per province and the nation's sum, read from every province's database
(``fan_out.national_figures``). Shown to users of the whole region only, never to a street user.

Below it, each province's rate per stored month for a chosen rule, a line per province: every province keeps its
own history (the snapshots its loads take, ``DATA_DIR/databases/<database>/snapshots/``), which the overview's own
trend lines (the served database's history) never read. Read from those files alone
(``province_history.province_trend``), cached until a province's history changes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from orggraph.analysis.fan_out import ProvinceFigures, national_figures
from orggraph.analysis.province_history import history_home, province_rules, province_trend
from orggraph.app.pages import session, trends
from orggraph.app.pages.common import lang, show_error, t
from orggraph.app.pages.coverage_charts import redraw_after_language_switch, trend_chart
from orggraph.model.config import Settings, load_settings
from orggraph.model.errors import OrgGraphError
from orggraph.present.history_view import rule_name
from orggraph.present.province_trend_view import province_trend_rows

TTL_S = 60  # a load into any province shows here within a minute (each province's report is a whole report)


@st.cache_data(ttl=TTL_S, show_spinner=False)
def _figures(day: dt.date, provinces: str) -> list[ProvinceFigures]:
    """Keyed by the day and the mapping as configured (``provinces``: its text), so a changed mapping reads anew."""
    return national_figures(load_settings(), day)


def _stamps(settings: Settings) -> tuple[int, ...]:
    """Each province's history folder's time: the trend's cache key (a snapshot stored anywhere reads anew)."""
    return tuple(trends.stamp(history_home(settings, key).folder) for key in settings.provinces)


@st.cache_data(max_entries=8, show_spinner=False)
def _rules(provinces: str, _stamps: tuple[int, ...]) -> list[str]:
    return province_rules(load_settings())


@st.cache_data(max_entries=32, show_spinner=False)
def _trend_rows(rule: str, language: str, provinces: str, _stamps: tuple[int, ...]) -> list[dict[str, Any]]:
    return province_trend_rows(province_trend(load_settings(), rule), language)


def show(day: dt.date) -> None:
    settings = load_settings()
    if not settings.provinces or session.area():
        return
    try:
        with st.spinner(t("正在汇总各省数据库……", "Adding up the provinces' databases…")):
            figures = _figures(day, repr(settings.provinces))
    except OrgGraphError as exc:
        show_error(exc)
        return
    st.subheader(t("全国 · 各省", "Nation · provinces"))
    rows = [
        {
            t("省份", "Province"): f.name if f.key else t("全国", "Nation"),
            t("记录数", "Records"): f.nodes,
            t("已覆盖", "Covered"): f.covered,
            t("应覆盖", "To cover"): f.total,
            t("覆盖率", "Rate"): None if f.rate is None else round(100 * f.rate, 1),
            t("缺口", "Gaps"): f.gaps,
        }
        for f in figures
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True)
    st.caption(
        t(
            "全国为各省之和(覆盖率为百分比,各规则合计);每个省的数据保存在它自己的数据库中。",
            "The nation is the sum of the provinces (rates in percent, all rules together); each province's data "
            "is kept in its own database.",
        )
    )
    _trend(settings)


def _trend(settings: Settings) -> None:
    """A line per province of one rule's rate over the months each province's history holds."""
    st.markdown(t("**各省覆盖率趋势**", "**Coverage rate per province over time**"))
    mapping, stamps = repr(settings.provinces), _stamps(settings)
    rules = _rules(mapping, stamps)
    if not rules:
        st.info(
            t(
                "各省尚未保存快照:每次分省导入后自动保存,或用 `orggraph snapshot --province 省份键` 保存。",
                "No province has a stored snapshot yet: every province load takes one, and "
                "`orggraph snapshot --province KEY` stores one.",
            )
        )
        return
    redraw_after_language_switch(["nation_trend_rule"], "nation_lang")
    st.session_state.setdefault("nation_trend_rule", rules[0])
    if st.session_state["nation_trend_rule"] not in rules:
        st.session_state["nation_trend_rule"] = rules[0]
    rule = st.selectbox(t("规则", "Rule"), rules, key="nation_trend_rule", format_func=lambda r: rule_name(r, lang()))
    rows = _trend_rows(rule, lang(), mapping, stamps)
    if not rows:
        st.info(t("各省快照中该规则没有应覆盖的对象", "This rule has nothing to cover in the provinces' snapshots"))
        return
    st.altair_chart(trend_chart(rows, t("省份", "Province")), width="stretch")
    trends.figures_table(rows, t("省份", "Province"), "nation_trend")
