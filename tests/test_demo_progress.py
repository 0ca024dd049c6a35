"""The demo's three months show progress (issue 15: "the demo generator produces plausible progress over three
months, so the trend lines and the report are populated on first start").

Pure-Python checks of ``loaders.region_progress`` (what it moves, what it leaves), then the district demo loaded
month by month on the test's fixed date through the real loader and server, its three snapshots read back: the org
rules' rates rise month on month and gaps close (已整改) between consecutive months.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter

import pytest
from fixed_date import TODAY

import loaders.region_generator as region_generator
from loaders.region_builder import years_after
from loaders.region_progress import window
from orggraph.analysis.history import read_snapshot, stored_snapshots
from orggraph.analysis.history_changes import compare
from orggraph.analysis.history_demo import load_demo_with_history
from orggraph.ingest.demo_months import month_ends
from orggraph.model.records import EdgeRecord, NodeRecord

ORG_RULES = ("compound_org", "grid_branch", "unit_org", "org_secretary")  # rising every month
FEW = ("red_property",)  # a district's dozen property companies' orgs: rising over the quarter, maybe not monthly
DATED = {"PartyOrg": "founded", "Agreement": "signed", "Need": "raised"}
Region = tuple[list[NodeRecord], list[EdgeRecord]]


@pytest.fixture(scope="module")
def with_and_without() -> tuple[Region, Region]:
    """The district drawn for the fixed date, with its progress dated and without (the pass made a no-op)."""
    progressed = region_generator.generate_region("district", 2, TODAY)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(region_generator, "date_progress", lambda *args: None)
        plain = region_generator.generate_region("district", 2, TODAY)
    return progressed, plain


def _in_window(nodes: list[NodeRecord]) -> Counter[str]:
    first, last = window(TODAY)
    days = ((n.label, n.props.get(DATED.get(n.label, ""))) for n in nodes)  # a building group may have no date
    return Counter(label for label, day in days if isinstance(day, dt.date) and first <= day <= last)


def test_progress_dates_a_share_inside_the_window_and_keeps_every_record(with_and_without):
    (nodes, edges), (plain_nodes, plain_edges) = with_and_without
    assert window(TODAY) == (dt.date(2026, 4, 1), dt.date(2026, 5, 31))
    assert [(n.label, n.id) for n in nodes] == [(n.label, n.id) for n in plain_nodes]
    assert [(e.type, e.src_id, e.dst_id) for e in edges] == [(e.type, e.src_id, e.dst_id) for e in plain_edges]
    moved, before = _in_window(nodes), _in_window(plain_nodes)
    assert moved["PartyOrg"] >= before["PartyOrg"] + 100, (moved, before)  # ~10 new branches per street
    assert moved["Agreement"] > before["Agreement"] and moved["Need"] > before["Need"], (moved, before)
    changed = sum(a != b for a, b in zip(nodes, plain_nodes, strict=True))
    assert changed < len(nodes) * 0.05  # a share, not the region redrawn


def _overdue(nodes: list[NodeRecord]) -> set[str]:
    return {
        n.id
        for n in nodes
        if n.label == "PartyOrg" and "term_start" in n.props
        if years_after(n.props["term_start"], n.props["term_years"]) < TODAY
    }


def _in_force(nodes: list[NodeRecord]) -> set[str]:
    return {
        n.id for n in nodes if n.label == "Agreement" and n.props["status"] == "履行中" if n.props["expires"] >= TODAY
    }


def test_progress_leaves_the_judgement_on_the_date_and_the_dates_consistent(with_and_without):
    (nodes, edges), (plain_nodes, _) = with_and_without
    assert _overdue(nodes) == _overdue(plain_nodes)
    assert _in_force(nodes) == _in_force(plain_nodes)
    by_id, plain = {n.id: n for n in nodes}, {n.id: n for n in plain_nodes}
    for n in nodes:
        if n.label == "PartyOrg" and "term_start" in n.props:
            assert n.props["founded"] <= n.props["term_start"], n
        if n.label == "Agreement":
            assert n.props["signed"] < n.props["expires"], n
    for e in edges:
        if e.type == "HOLDS_POST" and e.props.get("since") and e.props.get("until"):
            assert e.props["since"] <= e.props["until"], e
        if e.type == "FULFILLS":
            need = by_id[e.dst_id].props
            moved = need["raised"] != plain[e.dst_id].props["raised"]  # the generator's own draws may not agree
            assert need["raised"] <= by_id[e.src_id].props["start"] or not moved, e


def test_the_same_seed_and_date_give_the_same_region_and_another_date_moves_it():
    assert region_generator.generate_region("street", 3, TODAY) == region_generator.generate_region("street", 3, TODAY)
    later = region_generator.generate_region("street", 3, dt.date(2026, 12, 1))
    first, last = window(dt.date(2026, 12, 1))
    founded = [n.props["founded"] for n in later[0] if n.label == "PartyOrg" and "founded" in n.props]
    assert sum(first <= d <= last for d in founded) >= 10 and max(founded) <= dt.date(2026, 12, 1)


def test_the_district_demo_rises_month_on_month_and_closes_gaps(clean_store, tmp_path):
    done = load_demo_with_history(clean_store, tmp_path, "district", 1, tmp_path / "ledgers", TODAY)
    assert [i.as_of for i in done.snapshots] == month_ends(TODAY)
    snaps = [read_snapshot(tmp_path, i) for i in stored_snapshots(tmp_path)]
    assert [s.info.as_of for s in snaps] == month_ends(TODAY)
    rates = {rule: [s.total(rule).rate for s in snaps] for rule in ORG_RULES + FEW}  # type: ignore[union-attr]
    for rule, (a, b, c) in rates.items():
        assert (a < b < c) if rule in ORG_RULES else (a <= b <= c and a < c), (rule, rates[rule])
    assert rates["compound_org"][2] - rates["compound_org"][0] >= 0.03, rates["compound_org"]  # points, not a hair
    for older, newer in itertools.pairwise(snaps):
        changes = {rc.rule: rc for rc in compare(older, newer, {}).rules}
        closed = {rule for rule, rc in changes.items() if rc.closed}
        assert {"compound_org", "grid_branch", "unit_org"} <= closed, (newer.info.as_of, closed)
        assert sum(len(rc.opened) for rc in changes.values()) > 0  # and a few open (new needs, lapses)
        # closed is the set difference of the two snapshots' gap ids (issue 15's reference)
        for rule, rc in changes.items():
            assert {g.gap.id for g in rc.closed} == {i for r, i in older.gap_keys(rule) - newer.gap_keys(rule)}


def test_demo_without_history_is_drawn_for_the_settings_date(clean_store, cli_env, tmp_path):
    """``orggraph demo --no-history`` loads the region the month-by-month load ends with: drawn for the same day."""
    from test_cli import invoke

    result = invoke(["demo", "--scale", "street", "--seed", "3", "--no-history", "--out", str(tmp_path)], cli_env)
    assert result.exit_code == 0, result.output
    nodes, _ = region_generator.generate_region("street", 3, TODAY)
    founded = {n.id: n.props["founded"].isoformat() for n in nodes if n.label == "PartyOrg" and "founded" in n.props}
    rows = clean_store.read("MATCH (o:PartyOrg) WHERE o.founded IS NOT NULL RETURN o.id AS id, o.founded AS f")
    assert {r["id"]: str(r["f"])[:10] for r in rows} == founded
    first, last = window(TODAY)
    assert sum(first.isoformat() <= f <= last.isoformat() for f in founded.values()) >= 10


def test_demo_replace_says_the_replaced_graphs_snapshots_are_kept(cli_env, tmp_path):
    """History outlives the graph (``snapshot_files``): ``demo --replace`` keeps the snapshots and says how many."""
    from test_cli import invoke

    env = {**cli_env, "ORGGRAPH_DATA_DIR": str(tmp_path / "data")}  # its own server, started and stopped per command
    assert invoke(["demo", "--scale", "fixture"], env).exit_code == 0
    assert invoke(["snapshot", "--as-of", "2026-06-15"], env).exit_code == 0
    result = invoke(["demo", "--scale", "fixture", "--replace"], env)
    assert result.exit_code == 0 and "已保留替换前的 1 份快照" in result.output, result.output
