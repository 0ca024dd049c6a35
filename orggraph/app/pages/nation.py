"""全国 · 各省 on the overview, when the settings map provinces to databases (``Settings.provinces``).

Why a section and not a page of its own: an app instance serves one database (its province's, or the default),
and every page reads that one; what one province's staff cannot see from their own database is how the nation
stands, so the overview adds a line per province and the nation's sum, read from every province's database
(``fan_out.national_figures``). Shown to users of the whole region only, never to a street user.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from orggraph.analysis.fan_out import ProvinceFigures, national_figures
from orggraph.app.pages import session
from orggraph.app.pages.common import show_error, t
from orggraph.model.config import load_settings
from orggraph.model.errors import OrgGraphError

TTL_S = 60  # a load into any province shows here within a minute (each province's report is a whole report)


@st.cache_data(ttl=TTL_S, show_spinner=False)
def _figures(day: dt.date, provinces: str) -> list[ProvinceFigures]:
    """Keyed by the day and the mapping as configured (``provinces``: its text), so a changed mapping reads anew."""
    return national_figures(load_settings(), day)


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
