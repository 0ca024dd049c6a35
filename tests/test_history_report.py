"""The monthly report (``orggraph report``) and the history commands through the CLI, on the demo region: the
workbook is opened with openpyxl and its sheets, headers, number formats and numbers are checked against the
stored snapshots; ledger text stays text; a street user's report stays in their street; errors are one line."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil

import pytest
from fixed_date import TODAY
from openpyxl import load_workbook
from test_cli import assert_one_line_error, invoke

from orggraph.access.accounts import PermissionDenied
from orggraph.analysis.history import read_snapshot, take_snapshot
from orggraph.analysis.history_report import monthly_report
from orggraph.graph import snapshot_files
from orggraph.graph.area_scope import ScopedStore
from orggraph.present.gap_workbook import HEADER_ROW, RATE_FORMAT
from orggraph.present.history_workbook import CLOSED, COVER, COVER_HEADER, EXPIRING, LEDGER, TREND, monthly_xlsx

AREA, OTHER = "S01", "S02"
OCT, NOV = dt.date(2026, 10, 31), dt.date(2026, 11, 30)


def _rows(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True)]


@pytest.fixture
def two_months(demo_store, tmp_path):
    """October and November snapshots, a gap closed and a ledger name that reads like a formula in between."""
    gaps = read_snapshot(tmp_path, take_snapshot(demo_store, tmp_path, OCT, OCT), AREA).gaps
    closed = next(g for g in gaps if g.rule == "compound_org")
    demo_store.write("MATCH (c:Compound {id: $id}) DETACH DELETE c", {"id": closed.id})
    still = next(g for g in gaps if g.rule == "compound_org" and g.id != closed.id)
    demo_store.write("MATCH (c:Compound {id: $id}) SET c.name = $name", {"id": still.id, "name": '=HYPERLINK("x")'})
    take_snapshot(demo_store, tmp_path, NOV, NOV)
    return tmp_path, closed, still


def test_the_workbook_holds_the_snapshot_figures(demo_store, two_months):
    data_dir, closed, still = two_months
    report = monthly_report(demo_store, data_dir, AREA, "2026-11")
    assert report.previous is not None and report.previous.info.as_of == OCT
    wb = load_workbook(io.BytesIO(monthly_xlsx(report, dt.datetime(2026, 12, 1, 9, 30))))
    assert wb.sheetnames[0] == COVER and wb.sheetnames[-4:] == [CLOSED, EXPIRING, LEDGER, TREND]
    # the fixture is written without a load (no LoadRun): the period's ledger changes cannot be told, and it says so
    ledger = [list(r) for r in wb[LEDGER].iter_rows(values_only=True)]
    assert ledger[0][0].startswith("本期台账变化 · 0 次导入") and "无法从导入历史得出" in ledger[1][0]
    assert ledger[HEADER_ROW - 1][:4] == ["台账", "变化", "编号", "名称"] and len(ledger) == HEADER_ROW
    cover = wb[COVER]
    title = cover.cell(1, 1).value
    assert "太白街道(S01)" in title and "2026年11月" in title and "2026-11-30" in title and "2026-12-01 09:30" in title
    assert "上期 2026年10月" in cover.cell(2, 1).value
    assert [c.value for c in cover[HEADER_ROW]] == COVER_HEADER
    by_rule = {r[0]: r for r in _rows(cover)}
    now, then = report.period, report.previous
    for change in report.changes.rules:
        row = by_rule[next(k for k in by_rule if k == _zh(change.rule))]
        after, before = now.total(change.rule), then.total(change.rule)
        assert row[2:4] == [after.covered, after.total]
        assert row[4:6] == [pytest.approx(after.rate), pytest.approx(before.rate)]
        assert row[7:10] == [len(change.opened) + len(change.still_open), len(change.opened), len(change.closed)]
    rate_cells = [cover.cell(HEADER_ROW + i, 5) for i in range(1, len(by_rule) + 1)]
    assert all(c.number_format == RATE_FORMAT for c in rate_cells if c.value is not None)
    assert cover.cell(HEADER_ROW + 1, 3).number_format == "#,##0"
    sheet = wb[_zh("compound_org")]
    rows = {r[0]: r for r in _rows(sheet)}
    november = {g.id for g in now.gaps if g.rule == "compound_org"}
    assert set(rows) == november and closed.id not in rows
    assert rows[still.id][1] == '=HYPERLINK("x")' and sheet.cell(HEADER_ROW + 1, 2).data_type == "s"
    assert rows[still.id][-3:] == ["2026-10-31", 30, "未整改"]
    assert (_zh("compound_org"), closed.id) in {(r[0], r[1]) for r in _rows(wb[CLOSED])}
    trend = wb[TREND]
    assert [r[1] for r in _rows(trend)] == ["2026-10-31", "2026-11-30"]
    assert len(trend._charts) == 1


def _zh(rule: str) -> str:
    from orggraph.model.coverage_rules import load_rules

    return load_rules().rule(rule).zh


def test_a_street_users_report_is_their_street_only(demo_store, two_months):
    data_dir, _, _ = two_months
    scoped = ScopedStore(demo_store, AREA)
    mine = monthly_report(scoped, data_dir, None, "2026-11")
    assert mine.area == AREA
    theirs = monthly_report(demo_store, data_dir, AREA, "2026-11")
    assert mine.period.gap_keys() == theirs.period.gap_keys()
    assert mine.expiring == theirs.expiring
    with pytest.raises(PermissionDenied):
        monthly_report(scoped, data_dir, OTHER, "2026-11")
    whole = read_snapshot(data_dir, mine.period.info)
    others = {(g.rule, g.id) for g in whole.gaps} - mine.period.gap_keys()
    assert others, "the other street has gaps the report must leave out"


@pytest.fixture
def env(demo_store, cli_env, settings):
    shutil.rmtree(snapshot_files.folder(settings.data_dir), ignore_errors=True)  # this feature's folder only
    yield {**cli_env, "COLUMNS": "250"}
    shutil.rmtree(snapshot_files.folder(settings.data_dir), ignore_errors=True)


def test_cli_snapshot_changes_and_report(env, tmp_path):
    assert invoke(["snapshot", "--as-of", "2026-10-31", "--label", "2026年10月"], env).exit_code == 0
    result = invoke(["snapshot", "--as-of", "2026-11-30"], env)
    assert result.exit_code == 0 and "2026年11月" in result.stdout
    past = invoke(["snapshot", "--as-of", (TODAY - dt.timedelta(days=30)).isoformat()], env)
    assert past.exit_code == 0 and "补录 backfilled" in past.stdout
    listed = json.loads(invoke(["snapshots", "--format", "json"], env).stdout)
    assert [r["名称 label"] for r in listed] == ["2026年5月", "2026年10月", "2026年11月"]
    changes = invoke(["changes", "--from", "2026-10", "--to", "2026-11", "--area", AREA, "--format", "json"], env)
    assert changes.exit_code == 0, changes.output
    doc = json.loads(changes.stdout)
    assert {r["规则 rule"] for r in doc["rules"]} and all(g["状态 status"] for g in doc["gaps"])
    table = invoke(["changes", "--from", "2026年10月", "--to", "2026-11-30"], env)
    assert table.exit_code == 0 and "台账变化" in table.stdout
    out = tmp_path / "太白街道_2026年11月党建覆盖.xlsx"
    report = invoke(["report", "--area", AREA, "--period", "2026-11", "-o", str(out)], env)
    assert report.exit_code == 0, report.output
    assert load_workbook(out).sheetnames[0] == COVER
    exported = invoke(["snapshots", "--export", str(tmp_path / "导出")], env)
    assert exported.exit_code == 0 and len(list((tmp_path / "导出" / "snapshots").iterdir())) == 6


@pytest.mark.parametrize(
    "args",
    [
        ["changes", "--from", "2025-01", "--to", "2026-11"],
        ["report", "--period", "2026-13", "-o", "x.xlsx"],
        ["snapshot", "--as-of", "30/11/2026"],
        ["changes", "--from", "2026-11", "--to", "2026-10"],
    ],
)
def test_cli_history_errors_are_one_line(env, args, tmp_path):
    invoke(["snapshot", "--as-of", "2026-10-31"], env)
    invoke(["snapshot", "--as-of", "2026-11-30"], env)
    assert_one_line_error(invoke([a.replace("x.xlsx", str(tmp_path / "x.xlsx")) for a in args], env))


def test_a_backfilled_previous_month_compares_only_its_rules(demo_store, tmp_path):
    """October backfilled in November (date-driven rules only): November's report still lists every rule; the rules
    October lacks show no previous rate, no opened and no closed, their gaps all open."""
    take_snapshot(demo_store, tmp_path, OCT, NOV)
    take_snapshot(demo_store, tmp_path, NOV, NOV)
    report = monthly_report(demo_store, tmp_path, AREA, "2026-11")
    assert {c.rule for c in report.changes.rules if c.compared} == set(report.previous.info.rules)
    wb = load_workbook(io.BytesIO(monthly_xlsx(report)))
    rows = {r[0]: r for r in _rows(wb[COVER])}
    assert set(rows) == {_zh(r) for r in report.period.info.rules}
    assert rows[_zh("compound_org")][5:7] == [None, None] and rows[_zh("compound_org")][8:10] == [None, None]
    assert rows[_zh("org_renewal")][8:10] == [0, 0]
    assert _zh("compound_org") in wb.sheetnames
