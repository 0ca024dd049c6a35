"""The whole report read back from today's snapshot (orggraph/analysis/snapshot_report.py), as the overview reads
it: equal to the live report in every figure, area, gap, reason and action (a gap's detail as the snapshot's
text), and never taken from a snapshot of another day, scope or rule set, or from before a later load."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from app_harness import open_page
from fixed_date import TODAY

from orggraph.analysis import snapshot_report
from orggraph.analysis.coverage import CoverageIndex, GapReport, gap_report
from orggraph.analysis.history import _text, last_load, take_snapshot
from orggraph.analysis.snapshot_report import report_from_snapshot, todays_snapshot
from orggraph.graph import snapshot_files
from orggraph.ingest.load import load_demo_region
from orggraph.model.private_files import private_folder

SEED = 3


@pytest.fixture
def street_store(clean_store, tmp_path):
    """A street-scale demo loaded through the ledger loader: its load run names the graph's state."""
    load_demo_region(clean_store, "street", SEED, tmp_path / "ledgers")
    return clean_store


def assert_same_report(stored: GapReport, live: GapReport) -> None:
    assert (stored.as_of, stored.area) == (live.as_of, live.area)
    for mine, theirs in zip(stored.outcomes, live.outcomes, strict=True):
        assert (mine.rule, mine.covered, mine.total, mine.areas) == (theirs.rule, theirs.covered, theirs.total,
                                                                     theirs.areas)  # fmt: skip
        assert [dataclasses.replace(g, detail=None) for g in mine.gaps] == [
            dataclasses.replace(g, detail=None) for g in theirs.gaps
        ], mine.rule.id
        assert [g.detail for g in mine.gaps] == [_text(g.detail) for g in theirs.gaps], mine.rule.id


def test_todays_snapshot_reads_back_as_the_live_report(street_store, tmp_path):
    demo_store = street_store
    assert last_load(demo_store)
    info = take_snapshot(demo_store, tmp_path, TODAY, TODAY)
    assert todays_snapshot(tmp_path, demo_store, TODAY) == info
    index = CoverageIndex.fetch(demo_store)
    live = gap_report(demo_store, None, None, TODAY, index)
    assert live.gaps() and any(a for o in live.outcomes for a in o.areas.values())
    assert_same_report(report_from_snapshot(tmp_path, info), live)


def test_only_the_whole_region_of_today_under_these_rules_and_the_last_load_is_reused(
    street_store, tmp_path, monkeypatch
):
    demo_store = street_store
    take_snapshot(demo_store, tmp_path, TODAY - dt.timedelta(days=1), TODAY)  # a past day: backfilled
    street = demo_store.read("MATCH (s:Street) RETURN s.id AS id ORDER BY id LIMIT 1")[0]["id"]
    take_snapshot(demo_store, tmp_path, TODAY, TODAY, area=street)  # one street
    assert todays_snapshot(tmp_path, demo_store, TODAY) is None
    whole = take_snapshot(demo_store, tmp_path, TODAY, TODAY)
    assert todays_snapshot(tmp_path, demo_store, TODAY) == whole
    assert todays_snapshot(tmp_path, demo_store, TODAY + dt.timedelta(days=1)) is None  # rules read the date
    with monkeypatch.context() as m:
        m.setattr(snapshot_report, "rules_fingerprint", lambda: "other rules")
        assert todays_snapshot(tmp_path, demo_store, TODAY) is None
    before = last_load(demo_store)
    load_demo_region(demo_store, "street", SEED + 1, tmp_path / "next")  # a load since the snapshot
    assert last_load(demo_store) != before
    assert todays_snapshot(tmp_path, demo_store, TODAY) is None


def test_the_overview_shows_the_same_figures_from_the_snapshot(app_env, settings, tmp_path):
    load_demo_region(app_env, "street", SEED, tmp_path / "ledgers")
    where = settings.resolved_data_dir()
    for old in private_folder(snapshot_files.folder(where)).iterdir():
        old.unlink()
    live = open_page("overview")
    take_snapshot(app_env, where, TODAY, TODAY)
    import streamlit as st

    st.cache_resource.clear()
    calls = []
    monkeypatched = snapshot_report.report_from_snapshot

    def counted(*args, **kwargs):
        calls.append(args)
        return monkeypatched(*args, **kwargs)

    from orggraph.app.pages import overview

    overview.report_from_snapshot = counted  # type: ignore[assignment]
    try:
        stored = open_page("overview")
    finally:
        overview.report_from_snapshot = monkeypatched  # type: ignore[assignment]
        for made in snapshot_files.folder(where).iterdir():
            made.unlink()
    assert len(calls) == 1, "the overview did not read today's snapshot"
    shown = [[m.label, m.value] for m in stored.metric]
    assert shown == [[m.label, m.value] for m in live.metric] and shown
    assert [str(d.value) for d in stored.dataframe] == [str(d.value) for d in live.dataframe]
