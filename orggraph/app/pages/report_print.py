"""打印报告 Print report: the monthly report of an area and a stored month as headings and plain tables, for the
browser's own print (Ctrl+P) to A4: the sidebar, the header, the toolbar and this page's pickers are hidden on paper,
each rule starts a page, black on white whatever the screen's theme. The figures are the stored snapshots' (the
same report as ``orggraph report`` and the coverage-gaps page's 生成月度报告), within the user's area, from the history
``history_place`` names (with provinces: the area's province's; the whole nation has none, and says so)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from orggraph.analysis.history import scope_area
from orggraph.analysis.history_report import monthly_report
from orggraph.app.pages.common import area_picker, coverage_index, lang, set_pickers, show_error, t, version_key
from orggraph.app.pages.history_place import history_place, say_no_single_history, say_whose
from orggraph.app.pages.trends import periods_of, stamp
from orggraph.model.errors import OrgGraphError
from orggraph.present.history_print import CSS, report_html
from orggraph.present.history_view import period_name

PAGE_URL = "print"
PLACE_KEY, PERIOD_KEY = "print_place", "print_period"
HANDOFF = "print_handoff"  # (area id or None, month): set by the coverage-gaps page before it switches here


def page() -> st.Page:
    """This page as a destination for ``st.switch_page`` (the same url_path as in the app's script)."""
    return st.Page(render, title=t("打印报告", "Print report"), url_path=PAGE_URL)


def _take_handoff() -> None:
    """The area and month another page chose, applied to this page's pickers once."""
    handoff = st.session_state.pop(HANDOFF, None)
    if handoff is None:
        return
    area, month = handoff
    set_pickers(PLACE_KEY, coverage_index(version_key()).geography, area)
    st.session_state[PERIOD_KEY] = month


def render() -> None:
    _take_handoff()
    st.title(t("打印报告", "Print report"))
    st.caption(
        t(
            "选择区域和统计期后,用浏览器的打印(`Ctrl+P`)打印或另存为 PDF:纸面上只留报告,A4 纵向,每条规则另起一页。",
            "Pick an area and a period, then print with the browser (`Ctrl+P`) or save as PDF: only the report is "
            "printed, A4 portrait, each rule on a page of its own.",
        )
    )
    left, right = st.columns([2, 1])
    with left:
        picked = area_picker(PLACE_KEY)
    place = history_place(picked)
    if place is None:
        say_no_single_history()
        return
    say_whose(place)
    where = place.folder
    area = scope_area(place.store, picked)  # a street user's street when nothing is picked
    periods = periods_of(str(where), area, stamp(where))
    if not periods:
        st.info(
            t(
                "该区域还没有已保存的快照,无法生成报告。用 `orggraph snapshot` 保存本期快照(每次导入后也会自动保存)。",
                "This area has no stored snapshot to report on. `orggraph snapshot` stores this period's (every load "
                "also takes one).",
            )
        )
        return
    by_month = {i.as_of.isoformat()[:7]: i for i in periods}
    if st.session_state.get(PERIOD_KEY) not in by_month:
        st.session_state[PERIOD_KEY] = max(by_month)
    month = right.selectbox(
        t("统计期", "Period"),
        sorted(by_month, reverse=True),
        key=PERIOD_KEY,
        format_func=lambda m: period_name(by_month[m], lang()),
    )
    try:
        with st.spinner(t("正在生成报告……", "Making the report…")):
            report = monthly_report(place.store, where, area, month)
    except OrgGraphError as exc:
        show_error(exc)
        return
    st.markdown(f"<style>{CSS}</style>", unsafe_allow_html=True)
    st.markdown(report_html(report, lang(), dt.datetime.now().astimezone()), unsafe_allow_html=True)
