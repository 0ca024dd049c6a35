"""Removals: what the graph holds and a ledger no longer lists is reported by a load and removed only by
``--sync``, within the streets the ledger's rows sit in — one rule for a removed row and a cleared cell.

Expected answers come from the records themselves and from a networkx reference of "which streets does a
record belong to", never from ``load_removals``' own helpers.
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
import yaml
from openpyxl import load_workbook
from typer.testing import CliRunner

from loaders.fixture import read_fixture
from loaders.ledger_writer import write_ledgers
from loaders.region_generator import generate_region
from orggraph.cli.main import app
from orggraph.graph.placement import Homes, load_placement
from orggraph.ingest.graph_export import export_records
from orggraph.ingest.load import DEMO_FIXTURE, load_ledgers
from orggraph.model.records import EdgeRecord

runner = CliRunner()
PLACEMENT = Path(__file__).resolve().parent.parent / "orggraph" / "model" / "placement.yaml"


def graph_state(store) -> tuple[set, set]:
    """Every node and tie with its properties (provenance included: an untouched record keeps its load id)."""
    nodes, edges = export_records(store, with_provenance=True)
    return (
        {(n.label, n.id, tuple(sorted(n.props.items()))) for n in nodes},
        {(e.type, e.src_id, e.dst_id, tuple(sorted(e.props.items()))) for e in edges},
    )


def ids_of(state: tuple[set, set]) -> tuple[set, set]:
    return {(label, i) for label, i, _ in state[0]}, {(t, a, b) for t, a, b, _ in state[1]}


@pytest.fixture
def fixture_ledger(clean_store, tmp_path) -> Path:
    """The demo region loaded from its own ledger; the ledger is returned for editing."""
    write_ledgers(*read_fixture(DEMO_FIXTURE), tmp_path, "xlsx")
    load_ledgers(clean_store, tmp_path)
    return tmp_path / "台账.xlsx"


def _delete_row(path: Path, sheet: str, first: str, second: str | None = None) -> None:
    wb = load_workbook(path)
    ws = wb[sheet]
    for row in range(2, ws.max_row + 1):
        if ws.cell(row, 1).value == first and (second is None or ws.cell(row, 2).value == second):
            ws.delete_rows(row)
            break
    else:
        raise KeyError((sheet, first, second))
    wb.save(path)


def _set_cell(path: Path, sheet: str, record: str, header: str, value) -> None:
    wb = load_workbook(path)
    ws = wb[sheet]
    col = [c.value for c in ws[1]].index(header) + 1
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == record)
    ws.cell(row, col).value = value
    wb.save(path)


def _edit_demo(path: Path) -> None:
    """A removed unit row, a removed 任职 row, a cleared superior and an id dropped from a list."""
    _delete_row(path, "单位", "U05")
    _delete_row(path, "任职", "PS001", "O04")
    _set_cell(path, "党组织", "O08", "上级党组织编号", None)
    _set_cell(path, "党组织", "O09", "覆盖对象编号", "Z01")  # was Z01;CB01


def test_a_load_reports_what_the_ledger_no_longer_lists_and_removes_nothing(clean_store, fixture_ledger):
    _edit_demo(fixture_ledger)
    before = graph_state(clean_store)
    report = load_ledgers(clean_store, fixture_ledger)
    assert report.written == 0 and graph_state(clean_store)[0] == before[0]
    assert ids_of(graph_state(clean_store))[1] == ids_of(before)[1]
    removals = report.plan.removals
    assert dict(removals.by_sheet) == {"units": 1, "posts": 1, "party_orgs": 2}
    assert removals.nodes == {"Unit": ["U05"]}
    assert sorted((k[0], r["src"], r["dst"]) for k, rows in removals.edges.items() for r in rows) == [
        ("COVERS", "O09", "CB01"),
        ("HOLDS_POST", "PS001", "O04"),
        ("LEADS", "O07", "O08"),
    ]


def test_sync_removes_exactly_that_and_a_second_sync_nothing(clean_store, fixture_ledger, cli_env):
    _edit_demo(fixture_ledger)
    nodes_before, ties_before = ids_of(graph_state(clean_store))
    dry = runner.invoke(app, ["load", str(fixture_ledger), "--sync", "--dry-run", "--format", "json"], env=cli_env)
    assert dry.exit_code == 0, dry.output
    assert ids_of(graph_state(clean_store)) == (nodes_before, ties_before)
    assert {r["台账 sheet"]: r["台账中已无 not in ledger"] for r in json.loads(dry.stdout)["removals"]} == {
        "党组织 party_orgs": 2,
        "单位 units": 1,
        "任职 posts": 1,
    }
    done = runner.invoke(app, ["load", str(fixture_ledger), "--sync"], env=cli_env)
    assert done.exit_code == 0, done.output
    nodes_after, ties_after = ids_of(graph_state(clean_store))
    assert nodes_before - nodes_after == {("Unit", "U05")}
    u05_ties = {t for t in ties_before if "U05" in t[1:]}
    assert u05_ties, "the removed unit had ties"
    assert ties_before - ties_after == u05_ties | {
        ("COVERS", "O09", "CB01"),
        ("HOLDS_POST", "PS001", "O04"),
        ("LEADS", "O07", "O08"),
    }
    assert not ties_after - ties_before
    again = load_ledgers(clean_store, fixture_ledger, sync=True)
    assert again.written == 0 and again.plan.removals.size == 0


def test_a_changed_single_id_moves_the_tie_without_sync(clean_store, fixture_ledger):
    _set_cell(fixture_ledger, "党组织", "O08", "上级党组织编号", "O04")  # was O07
    report = load_ledgers(clean_store, fixture_ledger)
    superiors = clean_store.read("MATCH (s:PartyOrg)-[:LEADS]->(:PartyOrg {id: 'O08'}) RETURN s.id AS id")
    assert [r["id"] for r in superiors] == ["O04"]
    assert report.plan.removals.size == 0


def test_a_sheet_absent_from_the_ledger_removes_nothing(clean_store, fixture_ledger, tmp_path):
    wb = load_workbook(fixture_ledger)
    for name in wb.sheetnames:
        if name != "需求清单":
            del wb[name]
    wb["需求清单"].delete_rows(2)  # and one need removed from the sheet that is there
    only = tmp_path / "only" / "需求.xlsx"
    only.parent.mkdir()
    wb.save(only)
    before = ids_of(graph_state(clean_store))
    report = load_ledgers(clean_store, only, sync=True)
    nodes_after, _ = ids_of(graph_state(clean_store))
    assert before[0] - nodes_after == {("Need", "N01")}
    assert report.plan.removals.nodes == {"Need": ["N01"]}


# --- a street's ledger inside a district -------------------------------------------------------------


def reference_homes(nodes, edges) -> dict[str, frozenset[str]]:
    """Which streets each record belongs to: networkx reachability over the placing ties of placement.yaml."""
    raw = yaml.safe_load(PLACEMENT.read_text(encoding="utf-8"))
    steps = {label: [(s.strip("<>"), s.endswith(">")) for s in items] for label, items in raw["steps"].items()}
    label = {n.id: n.label for n in nodes}
    g = nx.DiGraph()
    g.add_nodes_from(label)
    for e in edges:
        for rel, out in steps.get(e.src_label, []):
            if rel == e.type and out:
                g.add_edge(e.src_id, e.dst_id)
        for rel, out in steps.get(e.dst_label, []):
            if rel == e.type and not out:
                g.add_edge(e.dst_id, e.src_id)
    streets = {i for i, lab in label.items() if lab == "Street"}
    homes = {}
    for node in label:
        reach = {node} | nx.descendants(g, node) if label[node] != "Street" else {node}
        homes[node] = frozenset(s for s in reach & streets if s == node or label[node] != "Street")
    return homes


@pytest.fixture(scope="module")
def district():
    return generate_region("district", 5)


def test_homes_agree_with_the_networkx_reference(district):
    nodes, edges = district
    expected = reference_homes(nodes, edges)
    homes = Homes(load_placement(), {n.id: n.label for n in nodes}, [(e.type, e.src_id, e.dst_id) for e in edges])
    assert {i: homes.of(i) for i in expected} == expected
    assert sum(len(h) == 1 for h in expected.values()) > 0.8 * len(expected)
    assert any(not h for h in expected.values()), "district-level records belong to no street"


def test_a_record_reached_from_two_streets_belongs_to_both():
    labels = {"S1": "Street", "S2": "Street", "C1": "Community", "C2": "Community", "D": "District"}
    labels |= {"O1": "PartyOrg", "O2": "PartyOrg", "OD": "PartyOrg", "A": "Agreement", "P": "Person"}
    ties = [("PART_OF", "C1", "S1"), ("PART_OF", "C2", "S2"), ("PART_OF", "S1", "D"), ("COVERS", "O1", "C1")]
    ties += [("COVERS", "O2", "C2"), ("COVERS", "OD", "D"), ("SIGNED_BY", "A", "O1"), ("SIGNED_BY", "A", "O2")]
    ties += [("HOLDS_POST", "P", "OD"), ("LEADS", "OD", "O1"), ("LEADS", "O1", "OD")]  # a cycle in bad data
    homes = Homes(load_placement(), labels, ties)
    assert homes.of("A") == {"S1", "S2"} and homes.of("O2") == {"S2"}
    assert homes.of("OD") == {"S1"}  # led by O1 in that bad cycle; no loop forever
    assert homes.of("D") == frozenset() and homes.of("P") == {"S1"}


def test_a_streets_ledger_with_sync_changes_nothing_outside_that_street(clean_store, district, tmp_path):
    """The district loaded whole; then one street's own ledger (its records, less one unit and one post) with
    --sync: exactly that unit (with its ties) and that post go, nothing of any other street changes."""
    nodes, edges = district
    write_ledgers(nodes, edges, tmp_path / "full", "xlsx")
    load_ledgers(clean_store, tmp_path / "full")
    homes = reference_homes(nodes, edges)
    street = sorted(i for i, h in homes.items() if h == {i})[1]
    kept = {n.id for n in nodes if homes[n.id] == {street}}
    pointed_at = {e.dst_id for e in edges}
    unit = min(n.id for n in nodes if n.label == "Unit" and n.id in kept and n.id not in pointed_at)
    post = next(e for e in edges if e.type == "HOLDS_POST" and e.src_id in kept and e.dst_id in kept)
    ledger_edges = [e for e in edges if (e.src_id in kept or e.dst_id in kept) and e.src_id != unit and e is not post]
    write_ledgers([n for n in nodes if n.id in kept - {unit}], ledger_edges, tmp_path / "street", "xlsx")
    before = graph_state(clean_store)
    report = load_ledgers(clean_store, tmp_path / "street", sync=True)
    after = graph_state(clean_store)
    assert report.plan.removals.scope == (street,)
    assert sum(report.plan.removals.out_of_scope.values()) > 1000, "other streets' records were left alone"
    assert ids_of(before)[0] - ids_of(after)[0] == {("Unit", unit)}
    unit_ties = {t for t in ids_of(before)[1] if unit in t[1:]}
    assert ids_of(before)[1] - ids_of(after)[1] == unit_ties | {(post.type, post.src_id, post.dst_id)}
    assert not ids_of(after)[1] - ids_of(before)[1]
    outside = {i for i, h in homes.items() if h != {street}}
    assert {n for n in before[0] if n[1] in outside} == {n for n in after[0] if n[1] in outside}
    assert {t for t in before[1] if outside & {t[1], t[2]}} - {t for t in after[1]} <= {
        t for t in before[1] if unit in t[1:3]
    }


def test_a_row_gone_from_its_sheet_but_still_named_is_reported_and_a_sync_refuses_it(clean_store, fixture_ledger):
    """The grid G04's row is deleted while the compound K04 still names it as its grid: a load keeps G04 (a named
    record is never removed) and says so; a sync can neither remove nor keep it silently, so it is an error naming
    the row, the column and the id — and nothing is written."""
    from orggraph.model.errors import ValidationError

    _delete_row(fixture_ledger, "网格", "G04")
    before = graph_state(clean_store)
    report = load_ledgers(clean_store, fixture_ledger.parent, dry_run=True)
    (named,) = report.plan.removals.still_named
    assert (named.sheet, named.label, named.id) == ("grids", "Grid", "G04")
    assert {(e.type, e.src_id) for e in named.named_by} == {("PART_OF", "K04")}
    with pytest.raises(ValidationError) as raised:
        load_ledgers(clean_store, fixture_ledger.parent, sync=True)
    (issue,) = raised.value.issues
    assert (issue.file, issue.sheet, issue.column, issue.value) == ("台账.xlsx", "小区", "所属网格或社区编号", "G04")
    assert issue.row is not None and "网格表中已无 G04" in issue.zh and "no longer in the" in issue.en
    assert graph_state(clean_store) == before


def _removals_both_ways(store, folder: Path, monkeypatch) -> tuple:
    """The removal check of a ledger done both ways: every record of its sheets read and sorted out (as for a
    ledger listing most of them), and only what lies in its streets read, the rest counted."""
    from orggraph.ingest import load_removals
    from orggraph.ingest.load import plan_ledgers, read_and_validate

    result, _, _ = read_and_validate(folder, store, "both")
    assert not result.errors, result.errors[:3]
    answers = []
    for most in (0.0, float("inf")):
        monkeypatch.setattr(load_removals, "MOST", most)
        r = plan_ledgers(store, result, False).removals
        answers.append(
            (
                {label: sorted(ids) for label, ids in r.nodes.items() if ids},
                {key: sorted((x["src"], x["dst"], str(x.get("props"))) for x in rows) for key, rows in r.edges.items()},
                {k: v for k, v in r.by_sheet.items() if v},
                {k: v for k, v in r.out_of_scope.items() if v},
                sorted((s.sheet, s.label, s.id, s.name, len(s.named_by)) for s in r.still_named),
                {k: sorted(map(str, rows)) for k, rows in r.shown.items() if rows},
                r.scope,
                r.whole_region,
            )
        )
    return tuple(answers)


def test_a_small_ledgers_removals_read_in_its_streets_equal_those_read_whole(clean_store, district, tmp_path,
                                                                               monkeypatch):  # fmt: skip
    """Street ledgers — one street less a unit, a post, a grid still named and a cleared superior; two streets;
    one sheet of one street — give the same removals, still-named records, shown rows and out-of-scope counts
    whether the check reads every record of the sheets or only those of the ledger's streets."""
    nodes, edges = district
    homes = reference_homes(nodes, edges)
    streets = sorted(i for i, h in homes.items() if h == {i})
    one = {n.id for n in nodes if homes[n.id] == {streets[1]}}
    reporter = min(n.id for n in nodes if n.label == "PartyOrg" and homes[n.id] == {streets[2]})
    community = min(n.id for n in nodes if n.label == "Community" and n.id in one)
    cross = EdgeRecord("REPORTS_TO", "PartyOrg", reporter, "Community", community)  # 双报到 from another street
    edges = [*edges, cross]  # street one's ledger leaves it out: another street's tie, never its to remove
    write_ledgers(nodes, edges, tmp_path / "full", "xlsx")
    load_ledgers(clean_store, tmp_path / "full")
    two = {n.id for n in nodes if homes[n.id] and homes[n.id] <= set(streets[1:3])}
    unit = min(n.id for n in nodes if n.label == "Unit" and n.id in one and n.id not in {e.dst_id for e in edges})
    post = next(e for e in edges if e.type == "HOLDS_POST" and e.src_id in one and e.dst_id in one)
    named_grid = next(e.dst_id for e in edges if e.dst_label == "Grid" and e.src_id in one and e.dst_id in one)
    led = next(e for e in edges if e.type == "LEADS" and e.dst_id in one)
    cases = {
        "one": ([n for n in nodes if n.id in one - {unit, named_grid}],
                [e for e in edges if one & {e.src_id, e.dst_id} and unit != e.src_id and e is not post
                 and e is not led and e is not cross]),
        "two": ([n for n in nodes if n.id in two][:-1], [e for e in edges if two & {e.src_id, e.dst_id}]),
        "needs": ([n for n in nodes if n.id in one and n.label == "Need"][1:],
                  [e for e in edges if e.src_label == "Need" and e.src_id in one]),
    }  # fmt: skip
    for name, (ledger_nodes, ledger_edges) in cases.items():
        write_ledgers(ledger_nodes, ledger_edges, tmp_path / name, "xlsx")
        if name == "needs":  # the needs sheet alone
            wb = load_workbook(tmp_path / name / "台账.xlsx")
            for sheet in [s for s in wb.sheetnames if s != "需求清单"]:
                del wb[sheet]
            wb.save(tmp_path / name / "台账.xlsx")
        whole, scoped = _removals_both_ways(clean_store, tmp_path / name, monkeypatch)
        assert scoped == whole, name
        assert whole[0] or whole[1] or whole[4], f"{name}: the case removes nothing"
        assert sum(whole[3].values()) > 0, f"{name}: nothing out of scope"
        reports = whole[1].get(("REPORTS_TO", "PartyOrg", "Community"), [])
        assert all((reporter, community) != r[:2] for r in reports), f"{name}: another street's tie removed"
