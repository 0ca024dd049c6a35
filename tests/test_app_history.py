"""Coverage over time in the app (issue 15), through AppTest on the real server with the demo region and three
monthly snapshots taken in the session's data dir at fixed dates: the overview's trend figures equal the
snapshots' figures; the coverage-gaps page's 新增 / 已整改 / 超过 N 个月未整改 lists equal Python set differences of
the snapshots' gap ids; its 生成月度报告 download opens in openpyxl with the cover naming the area and is audited;
the print view holds each rule's figures; a street user sees their street only; both languages."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from app_harness import open_page, page_as_user, page_script, rerun
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest
from test_app_language import data, data_strings, foreign, logged, shown_texts  # noqa: F401  (fixtures)
from test_history import _open_and_close_gaps
from test_name_masking import DEMO_NAMES

from orggraph.access import audit
from orggraph.access.accounts import AccountStore
from orggraph.analysis.coverage import gap_report
from orggraph.analysis.history import read_snapshot, take_snapshot
from orggraph.graph import snapshot_files
from orggraph.graph.area_scope import UNIVERSES
from orggraph.model.coverage_rules import load_rules
from orggraph.present.history_view import period_name, rule_name
from orggraph.present.history_workbook import COVER

APR, MAY, JUN = dt.date(2026, 4, 30), dt.date(2026, 5, 31), dt.date(2026, 6, 15)
AREA, OTHER = "S01", "S02"
RULES = [r.id for r in load_rules().rules]
Keys = set[tuple[str, str]]


def _change(store, day: dt.date) -> None:
    """Between two periods: one compound_org gap closes (its compound removed) and one covered compound loses
    its tie (a gap opens), as in test_history."""
    gap = next(g for g in gap_report(store, ["compound_org"], None, day).gaps())
    store.write("MATCH (c:Compound {id: $id}) DETACH DELETE c", {"id": gap.id})
    if day == APR:  # the demo has one covered compound: its tie goes once
        _open_and_close_gaps(store)
    UNIVERSES.forget()


@pytest.fixture
def periods(app_env, settings) -> Iterator[Path]:
    """April, May and June snapshots of the whole region, the graph changed between each."""
    where = settings.resolved_data_dir()
    shutil.rmtree(snapshot_files.folder(where), ignore_errors=True)  # this feature's folder only
    for day in (APR, MAY, JUN):
        take_snapshot(app_env, where, day, day)
        if day != JUN:
            _change(app_env, day)
    yield where
    shutil.rmtree(snapshot_files.folder(where), ignore_errors=True)


def _snapshots(where: Path, area: str | None = None):
    from orggraph.analysis.history import stored_snapshots

    return [read_snapshot(where, info, area) for info in stored_snapshots(where)]


def _table(at: AppTest, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_the_overview_trend_is_the_snapshots_figures(periods):
    at = open_page("overview")
    frame = _table(at, "统计期")
    shown = {(r["编号"], r["统计期"]): r["覆盖率"] for r in frame.to_dict("records")}
    expected = {
        (rule, period_name(snap.info, "zh")): snap.total(rule).rate
        for snap in _snapshots(periods)
        for rule in snap.info.rules
        if snap.total(rule) is not None and snap.total(rule).rate is not None
    }
    assert shown == pytest.approx(expected, abs=5e-4)  # shown to a tenth of a percent
    areas = next(d.value for d in at.dataframe if "区域" in d.value.columns and "统计期" in d.value.columns)
    rule = at.session_state["overview_trend_rule"]
    by_area = {(r["编号"], r["统计期"][:8]): r["覆盖率"] for r in areas.to_dict("records")}
    last = _snapshots(periods, "D01")[-1]  # the demo has one district: a line per street
    for figure in last.children(rule):
        if figure.total:
            assert by_area[(figure.area, "2026年6月(")] == pytest.approx(figure.rate, abs=5e-4)


def test_one_stored_period_says_a_trend_needs_two(app_env, settings):
    where = settings.resolved_data_dir()
    shutil.rmtree(snapshot_files.folder(where), ignore_errors=True)
    take_snapshot(app_env, where, JUN, JUN)
    try:
        at = open_page("overview")
        assert any("至少两个" in i.value and "orggraph snapshot" in i.value for i in at.info)
    finally:
        shutil.rmtree(snapshot_files.folder(where), ignore_errors=True)


def _gaps(mode: str, months: int = 3, lang: str = "zh") -> AppTest:
    at = AppTest.from_function(page_script, args=("gaps",), default_timeout=120)
    at.session_state["lang"] = lang
    at.session_state["gaps_rules"] = RULES
    at.session_state["gaps_history"] = mode
    at.session_state["gaps_history_months"] = months
    return rerun(at)


def _listed(at: AppTest) -> Keys:
    names = {rule_name(r, "zh"): r for r in RULES}
    frame = _table(at, "首次出现")
    return {(names[r["规则"]], r["编号"]) for r in frame.to_dict("records")}


def test_the_follow_up_lists_are_set_differences_of_the_snapshots(periods):
    apr, may, jun = (s.gap_keys() for s in _snapshots(periods))
    assert jun - may and may - jun, "the fixture opens and closes gaps"
    assert _listed(_gaps("opened")) == jun - may
    assert _listed(_gaps("closed")) == may - jun
    assert _listed(_gaps("long", months=1)) == jun & may & apr  # open since April 30: 46 days by June 15
    at = _gaps("long", months=2)  # 46 days is under two months: none
    assert not any("首次出现" in d.value.columns for d in at.dataframe) and at.success


def test_the_monthly_report_download_is_the_workbook_and_audited(periods, downloads):
    at = _gaps("live")
    assert at.session_state["gaps_report_period"] == "2026-06"
    books = []
    for handed in downloads:
        content = handed() if callable(handed) else handed
        if isinstance(content, bytes) and content[:2] == b"PK":
            wb = load_workbook(io.BytesIO(content))
            if wb.sheetnames[0] == COVER:
                books.append(wb)
    (wb,) = books
    assert "全部区域" in wb[COVER].cell(1, 1).value and "2026年6月" in wb[COVER].cell(1, 1).value
    events = [e for e in audit.read_events(periods) if e.get("what") == "report:xlsx"]
    assert events and events[-1]["rows"] == len(_snapshots(periods)[-1].gaps)


def test_the_print_view_holds_each_rules_figures(periods):
    at = AppTest.from_function(page_script, args=("report_print",), default_timeout=120)
    at.session_state["print_place_0"] = "D01"
    at.session_state["print_place_1"] = AREA
    html = "".join(m.value for m in rerun(at).markdown)
    snap = _snapshots(periods, AREA)[-1]
    assert "太白街道 · 党建覆盖月报" in html and "2026年5月" in html
    for rule in snap.info.rules:
        f = snap.total(rule)  # None: nothing of the rule's in the street
        covered, total = (f.covered, f.total) if f else (0, 0)
        rate = "—" if f is None or f.rate is None else f"{f.rate:.1%}"
        row = f'<td>{rule_name(rule, "zh")}</td><td class="num">{covered:,}</td><td class="num">{total:,}</td>'
        assert f'{row}<td class="num">{rate}</td>' in html, rule
    assert "@media print" in html and "break-before: page" in html
    assert not {n for n in DEMO_NAMES if n in html}, "person names masked"


def test_a_street_user_reads_their_streets_figures_only(periods, settings):
    users = AccountStore(settings.resolved_data_dir())
    users.path.unlink(missing_ok=True)
    users.add("ed", "editor", "correct horse 1", area=AREA)
    try:
        whole, mine = _snapshots(periods)[-1], _snapshots(periods, AREA)[-1]
        others = {i for _, i in whole.gap_keys() - mine.gap_keys()}
        at = AppTest.from_function(page_as_user, args=("report_print", "ed"), default_timeout=120).run()
        html = "".join(m.value for m in at.markdown)
        assert "太白街道 · 党建覆盖月报" in html and others and not any(f"<td>{i}</td>" in html for i in others)
        at = AppTest.from_function(page_as_user, args=("overview", "ed"), default_timeout=120).run()
        rule = at.session_state["overview_trend_rule"]
        areas = next(d.value for d in at.dataframe if "区域" in d.value.columns and "统计期" in d.value.columns)
        assert set(areas["编号"]) == {f.area for f in mine.children(rule) if f.total} and len(areas) % 3 == 0
        at = AppTest.from_function(page_as_user, args=("gaps", "ed"), default_timeout=120)
        at.session_state["gaps_rules"] = RULES
        at.session_state["gaps_history"] = "long"
        at.session_state["gaps_history_months"] = 1
        assert _listed(rerun(at)) == {k for k in mine.gap_keys() if k in _snapshots(periods, AREA)[0].gap_keys()}
    finally:
        users.path.unlink(missing_ok=True)


@pytest.mark.parametrize("lang", ("zh", "en"))
def test_the_history_parts_speak_one_language(periods, data, settings, lang):  # noqa: F811
    """The snapshots' gap names are names too (a gap closed by removing its record is no longer in the graph)."""
    problems, gone = [], sorted({g.name for s in _snapshots(periods) for g in s.gaps}, key=len, reverse=True)
    for page, mode in (("overview", None), ("report_print", None), ("gaps", "closed"), ("gaps", "long")):
        at = AppTest.from_function(page_script, args=(page,), default_timeout=120)
        at.session_state["lang"] = lang
        at.session_state["gaps_rules"] = RULES
        if mode:
            at.session_state["gaps_history"] = mode
        problems += foreign(
            shown_texts(rerun(at)), lang, sorted({*logged(settings), *gone, *data}, key=len, reverse=True)
        )
    assert not problems, "\n".join(dict.fromkeys(problems))


def test_the_trend_read_of_the_area_rows_alone_equals_the_reports_trend(periods):
    from orggraph.analysis.history import covering
    from orggraph.analysis.history_periods import last_per_month, rule_trend
    from orggraph.analysis.history_report import trend

    for area in (None, "D01", AREA, "C01"):
        whole = trend(periods, last_per_month(covering(periods, area)), area)
        assert [(p.info, p.rates) for p in rule_trend(periods, area)] == [(p.info, p.rates) for p in whole], area


def test_the_gaps_page_opens_the_print_view_on_its_area_and_month(periods):
    """Through the app's own script (its navigation): overview → coverage gaps of 太白街道 → 打印视图."""
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=120).run()
    at.button(key="overview_street_go").click()
    rerun(at)
    assert at.title[0].value == "覆盖缺口"
    for i, area in enumerate(("D01", AREA)):
        at.selectbox(key=f"gaps_place_{i}").set_value(area)
        rerun(at)
    at.selectbox(key="gaps_report_period").set_value("2026-05")
    at.button(key="gaps_print_go").click()
    rerun(at)
    assert at.title[0].value == "打印报告"
    assert [at.session_state[f"print_place_{i}"] for i in range(2)] == ["D01", AREA]
    html = "".join(m.value for m in at.markdown)
    assert "太白街道 · 党建覆盖月报" in html and "统计期:2026年5月" in html
