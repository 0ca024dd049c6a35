"""Area scope below the pages: a user of 太白街道 (S01) reads every catalogue query, the gap report, paths, reach,
search and counts through ``ScopedStore`` on the real server, and finds no id of 古槐街道 (S02) or of the district
in any of it; what is theirs is all there (checked against the whole graph's answer cut by an independent
reference: the area's members by the catalogue's ``area_members``, as networkx reaches them over the export).
Imports and what-ifs outside the area are refused, naming the rows."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import networkx as nx
import pytest
from fixed_date import TODAY

from loaders.ledger_writer import write_ledgers
from orggraph.access.accounts import PermissionDenied
from orggraph.analysis.coverage import gap_report
from orggraph.analysis.entities import find_entities
from orggraph.analysis.linkage import linkage_paths, reach
from orggraph.analysis.query_catalogue import find_query, load_catalogue, run_query
from orggraph.analysis.whatif import Proposal, what_if
from orggraph.graph.area_scope import Cut, ScopedStore
from orggraph.graph.placement import load_placement
from orggraph.ingest.graph_export import export_records
from orggraph.ingest.load import load_ledgers
from orggraph.model.errors import ValidationError

AREA, OTHER = "S01", "S02"
SAMPLE_PARAMS = {"area_id": AREA, "street_id": AREA, "org_id": "P01", "id": "C01", "need_id": "N01"}


def strings(value) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set().union(*map(strings, value.values())) if value else set()
    if isinstance(value, (list, tuple)):
        return set().union(*map(strings, value)) if value else set()
    return set()


def reference_homes(store) -> dict[str, set[str]]:
    """Each record's streets by networkx over the exported graph and ``placement.yaml`` (not ``Homes``)."""
    placement, graph = load_placement(), nx.DiGraph()
    nodes, edges = export_records(store)
    labels = {n.id: n.label for n in nodes}
    for e in edges:
        for here, there, out in ((e.src_id, e.dst_id, True), (e.dst_id, e.src_id, False)):
            if (e.type, out) in placement.steps.get(labels.get(here, ""), ()):
                graph.add_edge(here, there)
    streets = {i for i, label in labels.items() if label == placement.street}
    return {
        i: {s for s in streets if s == i or (i in graph and s in nx.descendants(graph, i))}
        for i in labels
        if labels[i] != "LoadRun"
    }


@pytest.fixture
def scoped(demo_store) -> ScopedStore:
    return ScopedStore(demo_store, AREA)


@pytest.fixture
def forbidden(demo_store) -> set[str]:
    homes = reference_homes(demo_store)
    assert any(AREA in h for h in homes.values()) and any(OTHER in h for h in homes.values())
    return {i for i, h in homes.items() if AREA not in h}


def test_the_scope_is_placement_yaml_as_networkx_reaches_it(scoped, demo_store):
    homes = reference_homes(demo_store)
    scope = scoped.scope()
    assert {i for i, h in homes.items() if AREA in h} == {i for i in scope.inside if i in homes}
    assert scoped.node_counts()["Street"] == 1 and sum(scoped.node_counts().values()) < sum(
        demo_store.node_counts().values()
    )


@pytest.mark.parametrize("name", sorted(load_catalogue()))
def test_every_catalogue_query_as_a_street_user_names_nothing_outside(name, scoped, demo_store, forbidden):
    query = find_query(name)
    params = {p.name: SAMPLE_PARAMS[p.name] for p in query.parameters if p.required}
    if query.scope == "region":
        with pytest.raises(PermissionDenied):
            run_query(scoped, query, params, TODAY)
        return
    rows = run_query(scoped, query, params, TODAY)
    leaked = strings(rows) & forbidden
    assert not leaked, f"{name} shows {sorted(leaked)[:5]}"
    whole = strings(run_query(demo_store, query, params, TODAY))
    kept_inside = whole - forbidden
    assert strings(rows) <= whole  # nothing made up
    if name in ("org_tree", "area_members", "geography_tree", "cobuilding_network", "area_children"):
        assert kept_inside & strings(rows), f"{name} lost the area's own records"
    if name in ("area_members", "geography_tree"):
        assert AREA in strings(rows)


def test_a_statement_of_ones_own_is_refused_for_a_street_user(scoped, tmp_path):
    own = tmp_path / "mine.cypher"
    own.write_text("// name: mine\n// zh: 自写\n// en: own\nMATCH (s:Street) RETURN count(s) AS n\n", encoding="utf-8")
    with pytest.raises(PermissionDenied, match="catalogue"):
        run_query(scoped, find_query(str(own)), {}, TODAY)


def test_gap_report_of_a_street_user_is_the_whole_reports_gaps_of_that_street(scoped, demo_store, forbidden):
    as_of = TODAY
    mine = gap_report(scoped, as_of=as_of)
    whole = gap_report(demo_store, as_of=as_of)
    for m, w in zip(mine.outcomes, whole.outcomes, strict=True):
        assert not {g.id for g in m.gaps} & forbidden
        assert {g.id for g in m.gaps} == {g.id for g in w.gaps} - forbidden, m.rule
    assert sum(len(o.gaps) for o in mine.outcomes) > 0


def test_search_paths_and_reach_stay_inside(scoped, demo_store, forbidden):
    names = {e.name for e in find_entities(demo_store, "街道", limit=20)}
    assert {"太白街道", "古槐街道"} <= names
    found = find_entities(scoped, "街道", limit=20)
    assert {e.id for e in found} and not {e.id for e in found} & forbidden
    other = next(e for e in find_entities(demo_store, "古槐", limit=20) if e.id in forbidden)
    assert not find_entities(scoped, other.id, limit=5)
    near = reach(scoped, find_entities(scoped, "太白社区", limit=1)[0], hops=4)
    assert near and not strings([vars(x) for x in near]) & forbidden
    with pytest.raises(Exception, match=other.id):  # the other street's record is unknown to this user
        linkage_paths(scoped, "C01", other.id)


def test_a_cut_drops_records_naming_outside_ids_and_prunes_lists():
    cut = Cut(frozenset({"a", "b", "x", "y"}), frozenset({"a", "b"}))
    rows = [
        {"id": "a", "name": "A", "superiors": ["x", "b"]},
        {"id": "x", "name": "X"},
        {"edges": [{"src": "a", "dst": "b"}, {"src": "a", "dst": "y"}], "nodes": [["a", "A", 1], ["y", "Y", 2]]},
    ]
    assert cut.rows(rows) == [
        {"id": "a", "name": "A", "superiors": ["b"]},
        {"edges": [{"src": "a", "dst": "b"}], "nodes": [["a", "A", 1]]},
    ]
    assert cut.rows([{"ids": ["a", "x", "b"], "parents": ["", "a", "x"]}], "aligned ids") == [
        {"ids": ["a", "b"], "parents": ["", None]}
    ]
    assert cut.rows([{"ids": ["a", "x"]}, {"ids": ["a", "b"]}], "strict") == [{"ids": ["a", "b"]}]


def _ledger(store, tmp_path: Path, keep) -> Path:
    """The graph's own records that ``keep`` picks, as a ledger, each name marked as edited."""
    nodes, edges = export_records(store)
    chosen = {n.id for n in nodes if keep(n)}
    nodes = [replace(n, props={**n.props, "name": f"{n.props['name']}(改)"}) if n.id in chosen else n for n in nodes]
    out = tmp_path / "ledger"
    write_ledgers(
        [n for n in nodes if n.id in chosen and n.label != "LoadRun"],
        [e for e in edges if e.src_id in chosen],
        out,
        "xlsx",
    )
    return out


def test_an_import_of_another_streets_rows_is_refused_naming_them_and_writes_nothing(scoped, demo_store, tmp_path):
    homes = reference_homes(demo_store)
    theirs = _ledger(demo_store, tmp_path, lambda n: homes.get(n.id) == {OTHER} and n.label == "Community")
    before = demo_store.node_counts()
    with pytest.raises(ValidationError) as refused:
        load_ledgers(scoped, theirs)
    lines = [i.one_line() for i in refused.value.issues]
    assert lines and all("不属于您负责的区域 太白街道" in line and "古槐街道" in line for line in lines)
    assert all(i.file and i.sheet and i.row for i in refused.value.issues)
    assert demo_store.node_counts() == before


def test_an_import_of_ones_own_street_is_written(scoped, demo_store, tmp_path):
    homes = reference_homes(demo_store)
    mine = _ledger(demo_store, tmp_path, lambda n: homes.get(n.id) == {AREA} and n.label in ("Community", "Grid"))
    report = load_ledgers(scoped, mine)
    assert report.written > 0 and report.mode == "transaction"


def test_a_what_if_touching_another_street_is_refused(scoped, demo_store, forbidden):
    other_compound = next(
        r["id"] for r in demo_store.read("MATCH (c:Compound) RETURN c.id AS id") if r["id"] in forbidden
    )
    proposal = Proposal().add_branch("NEW-1", "新支部", "小区党支部", covers=[other_compound])
    result = what_if(scoped, Proposal().add_branch("NEW-2", "新支部", "小区党支部", covers=["C01"]), as_of=TODAY)
    assert result.after.outcomes
    with pytest.raises((ValidationError, PermissionDenied)) as refused:  # to this user it does not even exist
        what_if(scoped, proposal, as_of=TODAY)
    said = [i.en for i in getattr(refused.value, "issues", [])] or [refused.value.en]
    assert any("unknown id" in s or "outside" in s for s in said) and other_compound in str(
        [i.value for i in getattr(refused.value, "issues", [])] + [refused.value.en]
    )


def test_the_universe_is_the_graphs_and_holds_records_made_again(demo_store):
    """A fixture loaded again (same counts, no load recorded): the universe the scope uses still holds the street's
    element id as it is now (the server reuses positions; where it does not, the first street's element id is part
    of the universe's key and it is fetched again)."""
    import time

    from orggraph.graph.area_scope import UNIVERSES
    from orggraph.ingest.load import load_demo_fixture

    assert ScopedStore(demo_store, AREA).scope().inside <= UNIVERSES.of(demo_store).known
    demo_store.clear()
    load_demo_fixture(demo_store)
    time.sleep(1.1)  # past the recheck interval (RECHECK_S): the universe's own clock, not a date judged
    now = demo_store.read("MATCH (s:Street {id: $id}) RETURN elementId(s) AS eid", {"id": AREA})[0]["eid"]
    assert now in ScopedStore(demo_store, AREA).scope().inside
