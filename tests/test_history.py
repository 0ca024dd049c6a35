"""Coverage over time (issue 15) on the demo region and the session's real server: a snapshot holds exactly the
live report of its day; the changes between two snapshots are Python's own set differences of their gap ids; a
past-date snapshot equals the live rules run with that as-of date; a street user's snapshots and reports stay in
their street; snapshots travel with an export."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from fixed_date import TODAY

from orggraph.access.accounts import PermissionDenied
from orggraph.analysis.coverage import GapReport, gap_report
from orggraph.analysis.history import (
    date_driven_rules,
    read_snapshot,
    stored_snapshots,
    take_snapshot,
)
from orggraph.analysis.history_changes import changes_between
from orggraph.graph import snapshot_files
from orggraph.graph.area_scope import ScopedStore
from orggraph.model.coverage_rules import load_rules
from orggraph.model.errors import HistoryError

AREA, OTHER = "S01", "S02"
REPO = Path(__file__).resolve().parent.parent
LATER = TODAY + dt.timedelta(days=400)


def assert_snapshot_equals(data_dir: Path, info, report: GapReport) -> None:
    """Every figure and gap of the stored snapshot against the live report."""
    snap = read_snapshot(data_dir, info)
    assert info.rules == tuple(o.rule.id for o in report.outcomes)
    for o in report.outcomes:
        total = snap.total(o.rule.id)
        assert total is not None and (total.covered, total.total) == (o.covered, o.total), o.rule.id
        for level, rates in o.areas.items():
            for a in rates:
                f = snap.figures[(o.rule.id, a.area.id)]
                assert (f.level, f.name, f.parent, f.covered, f.total) == (
                    level, a.area.name, a.area.parent, a.covered, a.total,
                )  # fmt: skip
        stored_levels = {f.area for (r, _), f in snap.figures.items() if r == o.rule.id and f.level}
        assert stored_levels == {a.area.id for rates in o.areas.values() for a in rates}
    live = {(g.rule_id, g.id): (g.reason, g.why_zh, g.action_zh, g.chain[-1].id if g.chain else None)
            for g in report.gaps()}  # fmt: skip
    assert {(g.rule, g.id): (g.reason, g.why_zh, g.action_zh, g.area) for g in snap.gaps} == live


def test_a_snapshot_equals_the_live_report_of_its_day(demo_store, tmp_path):
    info = take_snapshot(demo_store, tmp_path, TODAY, TODAY, label="2026年6月")
    assert (info.label, info.as_of, info.area, info.backfilled) == ("2026年6月", TODAY, None, False)
    report = gap_report(demo_store, None, None, TODAY)
    assert report.gaps(), "the demo region has gaps to keep"
    assert_snapshot_equals(tmp_path, info, report)
    assert [i.id for i in stored_snapshots(tmp_path)] == [info.id]
    assert oct(next(snapshot_files.folder(tmp_path).iterdir()).stat().st_mode & 0o777) == "0o600"


def test_a_street_snapshot_equals_the_street_report(demo_store, tmp_path):
    info = take_snapshot(demo_store, tmp_path, TODAY, TODAY, area=AREA)
    assert info.area == AREA and info.area_name == "太白街道"
    assert_snapshot_equals(tmp_path, info, gap_report(demo_store, None, AREA, TODAY))


def test_a_past_date_snapshot_equals_the_live_rules_run_with_that_date(demo_store, tmp_path):
    past = TODAY - dt.timedelta(days=800)
    info = take_snapshot(demo_store, tmp_path, past, TODAY)
    assert info.backfilled and info.rules == date_driven_rules()
    assert_snapshot_equals(tmp_path, info, gap_report(demo_store, date_driven_rules(), None, past))
    today = gap_report(demo_store, date_driven_rules(), None, TODAY)
    assert {(g.rule_id, g.id) for g in today.gaps()} != {(g.rule, g.id) for g in read_snapshot(tmp_path, info).gaps}


def test_date_driven_rules_are_those_documented(demo_store):
    """docs/history.md lists, per rule, whether a past date can be recomputed: the list must match the queries."""
    text = (REPO / "docs" / "history.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `(\w+)` \|[^|]*\| (是|否)", text, re.MULTILINE))
    assert set(rows) == {r.id for r in load_rules().rules}
    assert {r for r, yes in rows.items() if yes == "是"} == set(date_driven_rules())


def _open_and_close_gaps(store) -> None:
    """The graph changes between two periods: one covered compound loses its tie (a gap opens), one gap's
    compound is removed (its gap closes)."""
    covered = store.read("MATCH (o:PartyOrg)-[r:COVERS]->(c:Compound) RETURN c.id AS id ORDER BY id LIMIT 1")[0]["id"]
    store.write("MATCH (:PartyOrg)-[r:COVERS]->(c:Compound {id: $id}) DELETE r", {"id": covered})
    store.write("MATCH (:Building)-[r]->(c:Compound {id: $id}) DELETE r", {"id": covered})


def test_changes_between_two_snapshots_are_set_differences(demo_store, tmp_path):
    first = take_snapshot(demo_store, tmp_path, TODAY, TODAY, label="一月")
    gap = next(g for g in gap_report(demo_store, ["compound_org"], None, TODAY).gaps())
    demo_store.write("MATCH (c:Compound {id: $id}) DETACH DELETE c", {"id": gap.id})
    _open_and_close_gaps(demo_store)
    second = take_snapshot(demo_store, tmp_path, LATER, LATER, label="二月")
    before = {(g.rule, g.id) for g in read_snapshot(tmp_path, first).gaps}
    after = {(g.rule, g.id) for g in read_snapshot(tmp_path, second).gaps}
    result = changes_between(tmp_path, "一月", "二月")
    opened = {(c.rule, g.gap.id) for c in result.rules for g in c.opened}
    closed = {(c.rule, g.gap.id) for c in result.rules for g in c.closed}
    still = {(c.rule, g.gap.id) for c in result.rules for g in c.still_open}
    assert opened == after - before and closed == before - after and still == after & before
    assert ("compound_org", gap.id) in closed and any(r == "compound_org" for r, _ in opened)
    assert opened and any(r != "compound_org" for r, _ in opened), "the later date lapses agreements or terms"
    assert all(g.since == TODAY for c in result.rules for g in c.still_open)
    assert all(g.days_open(LATER) == 400 for c in result.rules for g in c.still_open)
    for c in result.rules:
        assert c.before is not None and c.after is not None
        assert len(c.opened) + len(c.still_open) == c.after.total - c.after.covered


def test_changes_within_a_street_and_open_since_the_first_of_an_unbroken_run(demo_store, tmp_path):
    take_snapshot(demo_store, tmp_path, TODAY, TODAY)
    middle = TODAY + dt.timedelta(days=31)
    take_snapshot(demo_store, tmp_path, middle, middle)
    take_snapshot(demo_store, tmp_path, LATER, LATER)
    whole = changes_between(tmp_path, TODAY.isoformat(), LATER.isoformat())
    street = changes_between(tmp_path, TODAY.isoformat()[:7], LATER.isoformat()[:7], AREA)
    whole_open = {(c.rule, g.gap.id): g.since for c in whole.rules for g in c.still_open}
    street_open = {(c.rule, g.gap.id): g.since for c in street.rules for g in c.still_open}
    street_gaps = {(g.rule, g.id) for g in read_snapshot(tmp_path, stored_snapshots(tmp_path)[-1], AREA).gaps}
    assert street_open and set(street_open) <= set(whole_open) and set(street_open) <= street_gaps
    assert all(since == TODAY for since in street_open.values())
    assert {a.area for a in street.areas} <= {"C01", "C02", "C03", "C04", "C05"} and street.areas


def test_a_period_without_a_snapshot_is_a_clear_error(demo_store, tmp_path):
    take_snapshot(demo_store, tmp_path, TODAY, TODAY)
    with pytest.raises(HistoryError, match="2026-01"):
        changes_between(tmp_path, "2026-01", TODAY.isoformat())
    with pytest.raises(HistoryError):
        changes_between(tmp_path, TODAY.isoformat(), "2026-01", AREA)
    with pytest.raises(HistoryError, match="months are written 2026-11, got 2026-13"):
        changes_between(tmp_path, "2026-13", TODAY.isoformat())


def test_a_street_user_snapshots_and_reads_only_their_street(demo_store, tmp_path):
    scoped = ScopedStore(demo_store, AREA)
    info = take_snapshot(scoped, tmp_path, TODAY, TODAY)
    assert info.area == AREA
    admin = take_snapshot(demo_store, tmp_path, TODAY, TODAY, area=AREA)
    mine, theirs = read_snapshot(tmp_path, info), read_snapshot(tmp_path, admin)
    assert mine.gap_keys() == theirs.gap_keys()
    assert {k: (f.covered, f.total) for k, f in mine.figures.items()} == {
        k: (f.covered, f.total) for k, f in theirs.figures.items()
    }
    with pytest.raises(PermissionDenied):
        take_snapshot(scoped, tmp_path, TODAY, TODAY, area=OTHER)


def test_snapshots_travel_with_an_export(demo_store, tmp_path):
    home, out, elsewhere = tmp_path / "data", tmp_path / "export", tmp_path / "other"
    info = take_snapshot(demo_store, home, TODAY, TODAY)
    assert len(snapshot_files.export_to(home, out)) == 2
    assert snapshot_files.import_from(out, elsewhere) == [info.id]
    assert snapshot_files.import_from(out, elsewhere) == []  # already held: kept as it is
    again = stored_snapshots(elsewhere)[0]
    assert again == info
    assert read_snapshot(elsewhere, again) == read_snapshot(home, info)


def test_an_unreadable_snapshot_file_is_a_clear_error(demo_store, tmp_path):
    info = take_snapshot(demo_store, tmp_path, TODAY, TODAY)
    (snapshot_files.folder(tmp_path) / f"{info.id}{snapshot_files.GAPS}").write_bytes(b"not parquet")
    with pytest.raises(HistoryError, match="cannot be read"):
        read_snapshot(tmp_path, info)
