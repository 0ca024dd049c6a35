"""Every coverage-rule query (``queries/gap_*.cypher``) against the pure-Python reference in
``rule_reference.py``, row for row (id, covered, reason, place, detail), on the session's real server:

- generated street regions, loaded through the ledger loader, for Hypothesis-drawn seeds and as-of days
  (days that sit exactly on an expiry, a term's end or a post's end, and the day after, among them);
- a hand-built region whose gaps were worked out by hand (``data/regions/hand_region_expected.yaml``);
- minimal graphs for single cases, among them the ones where a query and what it means part (xfail).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import networkx as nx
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rule_reference import RULES, RefRow, add_years, build_graph, reference_chain, reference_rule

from orggraph.analysis.query_catalogue import QUERIES_DIR, find_query, run_query
from orggraph.analysis.service_circle import measured
from orggraph.graph.store import BoltStore
from orggraph.ingest.graph_export import export_records
from orggraph.ingest.load import ingest_records, load_demo_fixture, load_demo_region
from orggraph.model.coverage_rules import load_rules
from orggraph.model.records import EdgeRecord, NodeRecord

REGIONS = Path(__file__).resolve().parent / "data" / "regions"
HAND = REGIONS / "hand_region.yaml"
EXPECTED = yaml.safe_load((REGIONS / "hand_region_expected.yaml").read_text(encoding="utf-8"))
RULEBOOK = load_rules()
SCHEMA_RULES = [rule.id for rule in RULEBOOK.rules]


def server_rows(store: BoltStore, rule: str, as_of: dt.date) -> dict[str, RefRow]:
    """The rule's query on the server, as {id: RefRow}; one row per member (a measured rule's rows measured, as the
    gap engine does)."""
    spec = RULEBOOK.rule(rule)
    rows = measured(spec, run_query(store, find_query(spec.query), {"as_of": as_of}), store.read)
    by_id = {r["id"]: RefRow(r["covered"], r["reason"], r["place"], r["detail"]) for r in rows}
    assert len(by_id) == len(rows), f"{rule}: an id appears on more than one row"
    return by_id


def differences(server: dict[str, RefRow], reference: dict[str, RefRow]) -> list[tuple]:
    """(id, server row, reference row) wherever they differ; a missing row shows as None."""
    ids = sorted(set(server) | set(reference))
    return [(i, server.get(i), reference.get(i)) for i in ids if server.get(i) != reference.get(i)]


def graph_of(store: BoltStore) -> nx.MultiDiGraph:
    return build_graph(*export_records(store))


def gap_rows(rows: dict[str, RefRow]) -> dict[str, RefRow]:
    return {i: r for i, r in rows.items() if not r.covered}


def test_every_rule_has_its_query_its_reference_and_hand_written_gaps() -> None:
    assert len(SCHEMA_RULES) == 17
    assert sorted(r.query for r in RULEBOOK.rules) == sorted(p.stem for p in QUERIES_DIR.glob("gap_*.cypher"))
    assert sorted(SCHEMA_RULES) == sorted(RULES) == sorted(EXPECTED["rules"])
    for rule in SCHEMA_RULES:
        assert {e["reason"] for e in EXPECTED["rules"][rule]} <= set(RULEBOOK.rule(rule).reasons), rule


# --- the hand-built region ------------------------------------------------------------------------


@pytest.fixture
def hand(clean_store: BoltStore) -> tuple[BoltStore, nx.MultiDiGraph]:
    load_demo_fixture(clean_store, HAND)
    return clean_store, graph_of(clean_store)


@pytest.mark.parametrize("rule", SCHEMA_RULES)
def test_hand_region_gaps_are_the_hand_written_ones(hand: tuple[BoltStore, nx.MultiDiGraph], rule: str) -> None:
    store, graph = hand
    as_of = EXPECTED["as_of"]
    expected = {e["id"]: RefRow(False, e["reason"], e["place"], e["detail"]) for e in EXPECTED["rules"][rule]}
    server, reference = server_rows(store, rule, as_of), reference_rule(graph, rule, as_of)
    assert gap_rows(server) == expected, "the server's gaps"
    assert gap_rows(reference) == expected, "the reference's gaps"
    assert differences(server, reference) == [], "covered rows too"
    assert any(r.covered is True for r in server.values()), "the region has a covered member for every rule"


def test_reference_chain_walks_part_of_up_to_the_district(hand: tuple[BoltStore, nx.MultiDiGraph]) -> None:
    _, graph = hand
    assert reference_chain(graph, "BD21") == [
        ("Building", "BD21"),
        ("Compound", "K02"),
        ("Grid", "G01"),
        ("Community", "C01"),
        ("Street", "S01"),
        ("District", "D01"),
    ]
    assert reference_chain(graph, "K04") == [
        ("Compound", "K04"),
        ("Community", "C03"),
        ("Street", "S02"),
        ("District", "D01"),
    ]
    assert reference_chain(graph, "CB02") == [
        ("CommercialBuilding", "CB02"),
        ("CommercialZone", "Z01"),
        ("Street", "S01"),
        ("District", "D01"),
    ]
    assert reference_chain(graph, "D01") == [("District", "D01")]
    assert reference_chain(graph, None) == []
    with pytest.raises(KeyError):
        reference_chain(graph, "NO-SUCH-ID")


def test_a_compound_under_both_a_grid_and_its_community_chains_through_the_grid() -> None:
    nodes = [NodeRecord(label, i) for label, i in [("District", "D"), ("Street", "S"), ("Community", "C"),
                                                     ("Grid", "G"), ("Compound", "K")]]  # fmt: skip
    links = [("Street", "S", "District", "D"), ("Community", "C", "Street", "S"), ("Grid", "G", "Community", "C"),
             ("Compound", "K", "Community", "C"), ("Compound", "K", "Grid", "G")]  # fmt: skip
    graph = build_graph(nodes, [EdgeRecord("PART_OF", *link) for link in links])
    assert [k[1] for k in reference_chain(graph, "K")] == ["K", "G", "C", "S", "D"]


# --- generated regions ----------------------------------------------------------------------------


def boundary_days(graph: nx.MultiDiGraph) -> list[dt.date]:
    """Days a rule's answer turns on: expiries, ends and starts of posts, term due days — and the day after."""
    days = set()
    for _, data in graph.nodes(data=True):
        p = data["props"]
        days |= {p.get("expires"), p.get("signed")}
        if p.get("term_start") is not None and p.get("term_years") is not None:
            days.add(add_years(p["term_start"], p["term_years"]))
    for _, _, data in graph.edges(data=True):
        days |= {data["props"].get("until"), data["props"].get("since")}
    days.discard(None)
    return sorted(days | {d + dt.timedelta(days=1) for d in days})


@pytest.mark.slow
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(min_value=1, max_value=100_000),
    picks=st.lists(st.integers(min_value=0, max_value=2**20), min_size=3, max_size=3),
    free_day=st.dates(min_value=dt.date(2022, 1, 1), max_value=dt.date(2030, 12, 31)),
)
@example(seed=1, picks=[0, 1000, 100_000], free_day=dt.date(2026, 11, 22))  # the generator's snapshot day
def test_generated_region_queries_match_the_reference(
    session_store: BoltStore, seed: int, picks: list[int], free_day: dt.date
) -> None:
    session_store.clear()
    with tempfile.TemporaryDirectory() as out:
        load_demo_region(session_store, "street", seed, Path(out))
    graph = graph_of(session_store)
    candidates = boundary_days(graph)
    days = [candidates[p % len(candidates)] for p in picks] + [free_day]
    found, gaps = [], 0
    for as_of in days:
        for rule in SCHEMA_RULES:
            server, reference = server_rows(session_store, rule, as_of), reference_rule(graph, rule, as_of)
            found += [(as_of, rule, *d) for d in differences(server, reference)[:3]]
            gaps += len(gap_rows(reference))
    assert found == [], f"seed {seed}: query and reference differ (day, rule, id, server, reference)"
    assert gaps > 0 and graph.number_of_nodes() > 1000, "a generated street has gaps to find"
    places = {r.place for rule in SCHEMA_RULES for r in reference_rule(graph, rule, days[-1]).values()}
    unchained = sorted(p for p in places - {None} if reference_chain(graph, p)[-1][0] != "District")
    assert unchained == [], "every place leads up to the district"


# --- minimal cases --------------------------------------------------------------------------------

AS_OF = dt.date(2026, 6, 30)
_TREE = [("District", "D1"), ("Street", "S1"), ("Community", "C1"), ("CommercialZone", "Z1")]
_TREE_LINKS = [("Street", "S1", "District", "D1"), ("Community", "C1", "Street", "S1"),
               ("CommercialZone", "Z1", "Street", "S1")]  # fmt: skip


def _case(nodes: list[tuple], edges: list[tuple]) -> tuple[list[NodeRecord], list[EdgeRecord]]:
    """Records from (label, id, props) and (type, src label, src id, dst label, dst id[, props]) tuples,
    on a district → street → community (and zone) tree."""
    node_records = [NodeRecord(label, i, {"name": i}) for label, i in _TREE]
    node_records += [NodeRecord(label, i, {"name": i, **props}) for label, i, props in nodes]
    edge_records = [EdgeRecord("PART_OF", *link) for link in _TREE_LINKS] + [EdgeRecord(*e) for e in edges]
    return node_records, edge_records


_NEED = ("Need", "N1", {"category": "其他"})
_RAISED = ("RAISED_BY", "Need", "N1", "Community", "C1")
_UNIT = ("Unit", "U1", {"kind": "非公企业", "party_members": 2})
_TWO_PLACES = [("LOCATED_IN", "Unit", "U1", "Community", "C1"), ("LOCATED_IN", "Unit", "U1", "CommercialZone", "Z1")]
_LEAP_ORG = ("PartyOrg", "O1", {"kind": "网格党支部", "term_start": dt.date(2024, 2, 29), "term_years": 3})

# name, rule, nodes, edges, as-of day, the member's intended row, why the query misses it (None: it does not)
MINIMAL_CASES = [
    ("need_no_status_unmet", "need_met", [_NEED], [_RAISED], AS_OF,
     RefRow(False, "no_resource_in_street", "C1", "其他"), None),
    ("need_no_resource_anywhere", "need_met", [(*_NEED[:2], {"category": "其他", "status": "待认领"})],
     [_RAISED], AS_OF, RefRow(False, "no_resource_in_street", "C1", "其他"), None),
    ("unit_org_two_places", "unit_org", [_UNIT], _TWO_PLACES, AS_OF,
     RefRow(False, "joint_branch_required", "C1", 2), None),
    ("unit_work_two_places", "unit_work", [_UNIT], _TWO_PLACES, AS_OF, RefRow(False, "unreached", "C1", 2), None),
    ("term_from_29_february_last_day", "org_renewal", [_LEAP_ORG], [], dt.date(2027, 2, 27),
     RefRow(True, None, None, "2027-02-28"), None),
    ("term_from_29_february_due_day", "org_renewal", [_LEAP_ORG], [], dt.date(2027, 2, 28),
     RefRow(False, "term_overdue", None, "2027-02-28"), None),
]  # fmt: skip


def _minimal_params(with_xfail: bool) -> list:
    params = []
    for name, rule, nodes, edges, as_of, row, bug in MINIMAL_CASES:
        marks = [pytest.mark.xfail(reason=bug, strict=True)] if bug and with_xfail else []
        params.append(pytest.param(rule, nodes, edges, as_of, row, id=name, marks=marks))
    return params


@pytest.mark.parametrize(("rule", "nodes", "edges", "as_of", "row"), _minimal_params(with_xfail=False))
def test_minimal_case_reference_gives_the_intended_row(rule, nodes, edges, as_of, row) -> None:
    member = nodes[0][1]
    assert reference_rule(build_graph(*_case(nodes, edges)), rule, as_of) == {member: row}


@pytest.mark.parametrize(("rule", "nodes", "edges", "as_of", "row"), _minimal_params(with_xfail=True))
def test_minimal_case_server_gives_the_intended_row(clean_store: BoltStore, rule, nodes, edges, as_of, row) -> None:
    ingest_records(clean_store, *_case(nodes, edges))
    assert server_rows(clean_store, rule, as_of) == {nodes[0][1]: row}


def test_generated_district_shows_cross_appointments_and_superiors_outside_the_area() -> None:
    """The demo has what the newer rules look for: cross-appointments (一肩挑 and 交叉任职) in some but not all
    compounds with an owners' committee, orgs led from outside the area, needs in the clerk's own words."""
    from loaders.region_generator import generate_region

    nodes, edges = generate_region("district", seed=2)
    graph = build_graph(nodes, edges)
    cross = reference_rule(graph, "cross_appointment", dt.date(2026, 11, 22))
    rate = sum(r.covered for r in cross.values()) / len(cross)
    assert 0.2 < rate < 0.8, rate
    assert {r.detail for r in cross.values() if r.covered} == {"一肩挑", "交叉任职"}
    assert {r.reason for r in cross.values()} >= {None, "no_compound_org", "no_cross_post"}
    outside = [n for n in nodes if n.label == "PartyOrg" and "external_superior" in n.props]
    assert outside and all(n.props["external_superior_level"] in ("省级", "市级") for n in outside)
    led = {e.dst_id for e in edges if e.type == "LEADS"}
    assert any(n.id not in led for n in outside), "some are led only from outside the area"
    superior = reference_rule(graph, "org_superior", dt.date(2026, 11, 22))
    assert all(superior[n.id].covered for n in outside) and any(not r.covered for r in superior.values())
    words = [n for n in nodes if n.label == "Need" and "category_text" in n.props]
    assert 0 < len(words) < 0.5 * sum(n.label == "Need" for n in nodes)
