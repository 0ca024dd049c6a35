"""The overview's trend lines (issue 15): each rule's rate over the stored periods, and for a chosen rule a line per
area one level below the user's area (the streets of a district or of the only district; a street user's
communities). Read only from the snapshots covering the user's area (``history.covering``), a month one point;
with fewer than two stored periods the section says so and how to take one. The history is the one
``history_place`` names: with provinces, the user's province's; for a user of the whole nation there is none to draw
(the 全国 · 各省 section below draws each province's)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from orggraph.analysis.history import SnapshotInfo, covering
from orggraph.analysis.history_periods import child_trend, last_per_month, rule_trend
from orggraph.app.pages import session
from orggraph.app.pages.common import lang, t, table_downloads
from orggraph.app.pages.coverage_charts import shown_rate, trend_chart
from orggraph.app.pages.history_place import history_place, say_no_single_history, say_whose
from orggraph.graph import snapshot_files
from orggraph.present.history_view import child_trend_rows, rule_name, rule_trend_rows


def stamp(where: Path) -> int:
    """Changes when a snapshot is stored or removed (the folder's own time): the cached reads' key."""
    folder = snapshot_files.folder(where)
    return folder.stat().st_mtime_ns if folder.exists() else 0


@st.cache_data(max_entries=32, show_spinner=False)
def periods_of(where: str, area: str | None, _stamp: int) -> list[SnapshotInfo]:
    """The stored months covering ``area`` (a month's last snapshot each), for the pages' period pickers."""
    return last_per_month(covering(Path(where), area))


@st.cache_data(max_entries=32, show_spinner=False)
def _rule_rows(where: str, area: str | None, language: str, _stamp: int) -> list[dict[str, Any]]:
    return rule_trend_rows(rule_trend(Path(where), area), language)


@st.cache_data(max_entries=64, show_spinner=False)
def _child_rows(
    where: str, area: str | None, rule: str, language: str, _stamp: int
) -> tuple[str | None, list[dict[str, Any]]]:
    """The rows and the area they are the children of: the only top area's children when the whole region has one
    (a line per district would be one line)."""
    points = child_trend(Path(where), area, rule)
    tops = {p.figure.area for p in points}
    if area is None and len(tops) == 1:
        area = tops.pop()
        points = child_trend(Path(where), area, rule)
    return area, child_trend_rows(points, language)


def show() -> None:
    st.subheader(t("覆盖率趋势", "Coverage rate over time"))
    place = history_place(None)
    if place is None:
        say_no_single_history()
        return
    say_whose(place)
    where, area = place.folder, session.area()
    rows = _rule_rows(str(where), area, lang(), stamp(where))
    periods = sorted({r["period"] for r in rows})
    if len(periods) < 2:
        st.info(
            t(
                f"已保存的统计期 {len(periods)} 个,至少两个才能画出趋势。用 `orggraph snapshot` 保存本期快照"
                "(每次导入后也会自动保存),或用 `orggraph snapshot --as-of 日期` 补录过去的月份。",
                f"{len(periods)} stored period(s): a trend needs two. `orggraph snapshot` stores this period's "
                "figures (every load also takes one); `orggraph snapshot --as-of DATE` backfills a past month.",
            )
        )
        return
    st.altair_chart(trend_chart(rows, t("规则", "Rule")), width="stretch")
    figures_table(rows, t("规则", "Rule"), "overview_trend")
    _child_lines(where, area, sorted({r["id"] for r in rows}))


def _child_lines(where: Path, area: str | None, rules: list[str]) -> None:
    st.session_state.setdefault("overview_trend_rule", rules[0])
    if st.session_state["overview_trend_rule"] not in rules:
        st.session_state["overview_trend_rule"] = rules[0]
    st.markdown(t("**各下级区域的趋势**", "**Per area one level down**"))
    rule = st.selectbox(t("规则", "Rule"), rules, key="overview_trend_rule", format_func=lambda r: rule_name(r, lang()))
    _, rows = _child_rows(str(where), area, rule, lang(), stamp(where))
    if not rows:
        st.info(t("该规则在下级区域没有应覆盖的对象", "This rule has nothing to cover in the sub-areas"))
        return
    st.altair_chart(trend_chart(rows, t("区域", "Area")), width="stretch")
    figures_table(rows, t("区域", "Area"), "overview_trend_areas")


def figures_table(rows: list[dict[str, Any]], series: str, key: str) -> None:
    """The chart's numbers as a table (names first, one row per line and period) with its downloads (the nation
    page's per-province trend shows its own the same way)."""
    rate = t("覆盖率", "Rate")
    frame = pd.DataFrame(
        [{series: r["series"], t("统计期", "Period"): r["label"], rate: shown_rate(r["rate"]), t("编号", "Id"): r["id"]}
         for r in sorted(rows, key=lambda r: (r["id"], r["period"]))]
    )  # fmt: skip
    with st.expander(t("趋势明细", "The figures")):
        config = {rate: st.column_config.NumberColumn(rate, format="percent")}
        st.dataframe(frame, hide_index=True, width="stretch", column_config=config, key=f"{key}_table")
        table_downloads(frame, t("覆盖率趋势", "Coverage rate over time"), key)
