"""Which records a load added, changed and removed (issue 15 part 3), held to a Python reference: two real loads of
a generated street's ledgers, the second with records added, renamed and removed (``--sync``), and what the second
load kept on its ``LoadRun`` — and what ``ledger_period`` reads between two snapshots — compared per sheet with the
set differences of the two ledgers' rows (ids only in the second: added; only in the first: removed; in both with
another row: changed)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import shutil
from dataclasses import replace

from fixed_date import TODAY
from test_cli import invoke

from loaders.layout import load_layout
from loaders.ledger_writer import all_sheet_rows, write_ledgers
from loaders.region_generator import generate_region
from orggraph.analysis.history import read_snapshot, take_snapshot
from orggraph.analysis.history_ledger import ledger_period, ledger_rows
from orggraph.graph import load_runs
from orggraph.graph.snapshot_files import folder
from orggraph.ingest.demo_months import month_ends, month_states
from orggraph.ingest.load import load_ledgers
from orggraph.ingest.load_changes import KINDS, TIE, decode


def _rows(nodes, edges) -> dict[str, dict[str, tuple]]:
    """Sheet id → record id → its row as the ledger shows it (a tie sheet's record is ``src→dst``)."""
    out = {}
    for sheet, rows in all_sheet_rows(nodes, edges).items():
        key = (lambda r: f"{r[0]}{TIE}{r[1]}") if sheet.edge_sheet else (lambda r: str(r[0]))
        out[sheet.id] = {key(r): tuple(r) for r in rows}
    return out


def _reference(before, after) -> dict[str, dict[str, set[str]]]:
    out = {}
    for sheet in after:
        old, new = before.get(sheet, {}), after[sheet]
        found = {
            "added": set(new) - set(old),
            "removed": set(old) - set(new),
            "changed": {i for i in set(old) & set(new) if old[i] != new[i]},
        }
        if any(found.values()):
            out[sheet] = found
    return out


def _second_state(nodes, edges):
    """The street a month on: ten buildings more, five others gone (with every tie to them), three units renamed."""
    buildings = sorted(n.id for n in nodes if n.label == "Building")
    new, gone = set(buildings[-10:]), set(buildings[:5])
    renamed = sorted(n.id for n in nodes if n.label == "Unit")[:3]
    first = ([n for n in nodes if n.id not in new], [e for e in edges if e.src_id not in new and e.dst_id not in new])
    second_nodes = [replace(n, props={**n.props, "name": n.props["name"] + "(更名)"}) if n.id in renamed else n
                    for n in nodes if n.id not in gone]  # fmt: skip
    second = (second_nodes, [e for e in edges if e.src_id not in gone and e.dst_id not in gone])
    return first, second


def test_a_load_keeps_the_ids_it_added_changed_and_removed_per_sheet(clean_store, tmp_path):
    first, second = _second_state(*generate_region("street", 4))
    write_ledgers(*first, tmp_path / "v1", "csv")
    write_ledgers(*second, tmp_path / "v2", "csv")
    data_dir = tmp_path / "data"

    load_ledgers(clean_store, tmp_path / "v1")
    older = take_snapshot(clean_store, data_dir, TODAY, TODAY)
    report = load_ledgers(clean_store, tmp_path / "v2", sync=True)
    newer = take_snapshot(clean_store, data_dir, TODAY + dt.timedelta(days=31), TODAY)

    runs = load_runs.committed_changes(clean_store)
    initial, kept = (decode(r["id"], r["finished"], r["changes"]) for r in runs[-2:])
    assert initial.initial and kept.load_id == report.load_id and not kept.initial
    expected = _reference(_rows(*first), _rows(*second))
    assert set(expected) >= {"buildings", "units", "party_orgs"}, expected  # the orgs covering them changed too
    assert {s: {k: c.ids[k] for k in KINDS} for s, c in kept.sheets.items()} == expected
    assert expected["buildings"]["added"] and expected["buildings"]["removed"]

    period = ledger_period(clean_store, read_snapshot(data_dir, older), read_snapshot(data_dir, newer))
    assert period.known and period.loads == (report.load_id,)
    assert {s: {k: c.ids[k] for k in KINDS} for s, c in period.sheets.items()} == expected
    named = {r["id"]: r["name"] for r in ledger_rows(clean_store, period) if r["sheet"] == "units"}
    assert all(named[i].endswith("(更名)") for i in expected["units"]["changed"])


def test_the_demo_months_hold_what_their_dates_say_and_send_only_what_is_new():
    nodes, edges = generate_region("street", 1)
    ends = month_ends(dt.date(2026, 12, 1))
    states = month_states(nodes, edges, ends)
    assert [s.as_of for s in states] == ends and states[-1].nodes == nodes
    for state, later in itertools.pairwise(states):
        signed = {n.id for n in state.nodes if n.label == "Agreement"}
        assert all(n.props["signed"] <= state.as_of for n in nodes if n.id in signed)
        assert {n.id for n in nodes if n.label == "Agreement" and n.props["signed"] <= state.as_of} <= signed
        assert {n.id for n in state.nodes} <= {n.id for n in later.nodes}
        assert {n.id for n in later.delta_nodes} >= {n.id for n in later.nodes} - {n.id for n in state.nodes}


def test_cli_changes_lists_the_periods_ledger_changes(clean_store, cli_env, settings, tmp_path):
    """`orggraph changes --format json` carries the loads of the period and one row per record changed."""
    first, second = _second_state(*generate_region("street", 4))
    write_ledgers(*first, tmp_path / "v1", "csv")
    write_ledgers(*second, tmp_path / "v2", "csv")
    shutil.rmtree(folder(settings.data_dir), ignore_errors=True)
    try:
        load_ledgers(clean_store, tmp_path / "v1")
        take_snapshot(clean_store, settings.data_dir, dt.date(2026, 5, 31), TODAY, state_of_day=True)
        report = load_ledgers(clean_store, tmp_path / "v2", sync=True)
        take_snapshot(clean_store, settings.data_dir, TODAY, TODAY)
        done = invoke(["changes", "--from", "2026-05", "--to", "2026-06", "--format", "json"], cli_env)
    finally:
        shutil.rmtree(folder(settings.data_dir), ignore_errors=True)
    assert done.exit_code == 0, done.output
    ledger = json.loads(done.stdout)["ledger"]
    expected = _reference(_rows(*first), _rows(*second))
    assert ledger["loads"] == [report.load_id] and ledger["notes"] == []
    listed = {(r["台账 sheet"], r["变化 change"].split()[1], r["编号 id"]) for r in ledger["records"]}
    names = {s.id: s.zh for s in load_layout().sheets}
    assert listed == {(names[s], k, i) for s, found in expected.items() for k, ids in found.items() for i in ids}
