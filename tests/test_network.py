"""The co-building network analyses on hand-built graphs with answers worked out by hand, a brute-force
check of the cut-off definition on generated graphs, and the store's projection against one built
independently from the exported records of the demo region."""

from __future__ import annotations

import datetime as dt
import random

import networkx as nx
import pytest

from orggraph.analysis.network import (
    CriticalUnit,
    analyse_network,
    build_network,
    central_entities,
    collapse_units,
    critical_units,
    fetch_network,
    isolated_communities,
)
from orggraph.ingest.graph_export import export_records
from orggraph.model.errors import QueryError

COMMUNITY, ORG, UNIT, AGREEMENT = "Community", "PartyOrg", "Unit", "Agreement"


def node(id_: str, label: str, stationed: bool | None = None) -> dict:
    return {"id": id_, "label": label, "name": f"{id_}名", "kind": None, "stationed": stationed}


def edge(src: str, type_: str, dst: str) -> dict:
    return {"src": src, "dst": dst, "type": type_}


# A small region, drawn out:
#   C1 -COVERS- O1 -SIGNED_BY- A1 -SIGNED_BY- OU1 =HAS_ORG= U1 (stationed) -LOCATED_IN- C7 -COVERS- O7
#   OU1 -SIGNED_BY- A2 -SIGNED_BY- O2 -COVERS- C2; O2 -SIGNED_BY- A3 -SIGNED_BY- OU2 =HAS_ORG= U2 (stationed)
#   OU2 -REPORTS_TO- C2; U2 -LOCATED_IN- C8 -LOCATED_IN- U4 (stationed, no org)
#   OU1 -MEMBER_OF- Z1 -MEMBER_OF- OU8 =HAS_ORG= U8 (not stationed) -LOCATED_IN- C9
#   C5 -COVERS- O5;  U3 (stationed, no org) -LOCATED_IN- C5
#   C3 -COVERS- O3;  OU9 =HAS_ORG= U9 (not stationed), OU9 -REPORTS_TO- C3
#   C4 -COVERS- O4;  C6 alone
REGION_NODES = [
    *(node(c, COMMUNITY) for c in ("C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9")),
    *(node(o, ORG) for o in ("O1", "O2", "O3", "O4", "O5", "O7", "OU1", "OU2", "OU8", "OU9", "Z1")),
    node("U1", UNIT, True),
    node("U2", UNIT, True),
    node("U3", UNIT, True),
    node("U4", UNIT, True),
    node("U8", UNIT, False),
    node("U9", UNIT, None),
    *(node(a, AGREEMENT) for a in ("A1", "A2", "A3")),
]
REGION_EDGES = [
    edge("O1", "COVERS", "C1"),
    edge("O2", "COVERS", "C2"),
    edge("O3", "COVERS", "C3"),
    edge("O4", "COVERS", "C4"),
    edge("O5", "COVERS", "C5"),
    edge("O7", "COVERS", "C7"),
    edge("A1", "SIGNED_BY", "O1"),
    edge("A1", "SIGNED_BY", "OU1"),
    edge("A2", "SIGNED_BY", "OU1"),
    edge("A2", "SIGNED_BY", "O2"),
    edge("A3", "SIGNED_BY", "O2"),
    edge("A3", "SIGNED_BY", "OU2"),
    edge("U1", "HAS_ORG", "OU1"),
    edge("U2", "HAS_ORG", "OU2"),
    edge("U8", "HAS_ORG", "OU8"),
    edge("U9", "HAS_ORG", "OU9"),
    edge("OU2", "REPORTS_TO", "C2"),
    edge("OU9", "REPORTS_TO", "C3"),
    edge("U1", "LOCATED_IN", "C7"),
    edge("U2", "LOCATED_IN", "C8"),
    edge("U4", "LOCATED_IN", "C8"),
    edge("U3", "LOCATED_IN", "C5"),
    edge("U8", "LOCATED_IN", "C9"),
    edge("OU1", "MEMBER_OF", "Z1"),
    edge("OU8", "MEMBER_OF", "Z1"),
]


@pytest.fixture
def region() -> nx.Graph:
    return build_network(REGION_NODES, REGION_EDGES)


def test_build_network_keeps_attributes_and_merges_parallel_ties():
    g = build_network(
        [node("O1", ORG), node("C1", COMMUNITY), node("U1", UNIT, True), node("U2", UNIT, None)],
        [edge("O1", "REPORTS_TO", "C1"), edge("O1", "COVERS", "C1"), edge("O1", "COVERS", "C1")],
    )
    assert sorted(g.nodes) == ["C1", "O1", "U1", "U2"]
    assert g.nodes["O1"] == {"label": ORG, "name": "O1名", "kind": None, "stationed": False}
    assert [g.nodes[u]["stationed"] for u in ("U1", "U2")] == [True, False]
    assert list(g.edges(data="types")) == [("C1", "O1", ("COVERS", "REPORTS_TO"))]


def test_build_network_refuses_an_id_under_two_labels_or_an_edge_to_nowhere():
    with pytest.raises(QueryError, match="both a Community and a Unit"):
        build_network([node("X1", UNIT, True), node("X1", COMMUNITY)], [])
    with pytest.raises(QueryError, match="missing from the node list"):
        build_network([node("O1", ORG)], [edge("O1", "COVERS", "C404")])


def test_isolated_communities_are_those_without_a_stationed_unit_in_their_component(region):
    # C3 reaches only a non-stationed unit, C4 only its own org, C6 nothing; C9 reaches U1 through Z1.
    assert isolated_communities(region) == ("C3", "C4", "C6")


def test_collapse_merges_each_unit_with_its_own_org(region):
    h, orgs = collapse_units(region)
    assert orgs == {"U1": ("OU1",), "U2": ("OU2",), "U8": ("OU8",), "U9": ("OU9",)}
    assert not {"OU1", "OU2", "OU8", "OU9"} & set(h)
    assert sorted(h["U1"]) == ["A1", "A2", "C7", "Z1"]
    assert sorted(h["U2"]) == ["A3", "C2", "C8"]
    assert h.nodes["U1"]["stationed"] and not h.nodes["U8"]["stationed"]
    assert h.number_of_nodes() == region.number_of_nodes() - 4


def test_critical_units_by_hand(region):
    # U1 (with OU1) holds C1 (via A1), C7 (located there) and C9 (via Z1 and U8) on to stationed units.
    # U3 is the only stationed unit C5 has. U2 is an articulation point, but C8 keeps U4 and C2 keeps U1.
    # Z1 and U8 also cut C9 off, but they are not stationed units.
    assert critical_units(region) == (
        CriticalUnit("U1", ("OU1",), ("C1", "C7", "C9")),
        CriticalUnit("U3", (), ("C5",)),
    )


def test_critical_units_ignores_a_pair_of_stationed_units_that_back_each_other_up():
    g = build_network(
        [node("C1", COMMUNITY), node("U1", UNIT, True), node("U2", UNIT, True), node("U3", UNIT, False)],
        [edge("U1", "LOCATED_IN", "C1"), edge("U2", "LOCATED_IN", "C1"), edge("U3", "LOCATED_IN", "C1")],
    )
    assert critical_units(g) == ()
    g.nodes["U2"]["stationed"] = False
    assert critical_units(g) == (CriticalUnit("U1", (), ("C1",)),)


def _cut_off_by_definition(g: nx.Graph) -> dict[str, tuple[str, ...]]:
    """Straight from the definition: remove each stationed unit with its own orgs and compare reach."""
    h, _ = collapse_units(g)
    stationed = {n for n, s in h.nodes(data="stationed") if s}
    communities = [n for n, label in h.nodes(data="label") if label == COMMUNITY]
    answer = {}
    for unit in stationed:
        rest = h.subgraph(set(h) - {unit})
        cut = tuple(
            c
            for c in sorted(communities)
            if nx.node_connected_component(h, c) & stationed and not nx.node_connected_component(rest, c) & stationed
        )
        if cut:
            answer[unit] = cut
    return answer


def _random_region(seed: int) -> nx.Graph:
    rnd = random.Random(seed)
    nodes = [node(f"C{i}", COMMUNITY) for i in range(12)] + [node(f"O{i}", ORG) for i in range(10)]
    nodes += [node(f"U{i}", UNIT, rnd.random() < 0.5) for i in range(10)] + [node(f"A{i}", AGREEMENT) for i in range(6)]
    edges = [edge(f"U{i}", "HAS_ORG", f"O{i}") for i in range(10) if rnd.random() < 0.6]
    ids = [n["id"] for n in nodes]
    edges += [edge(rnd.choice(ids), "TIE", rnd.choice(ids)) for _ in range(30)]
    return build_network(nodes, edges)


@pytest.mark.parametrize("seed", range(40))
def test_critical_units_agree_with_the_definition_on_generated_graphs(seed):
    g = _random_region(seed)
    assert {c.unit: c.cut_off for c in critical_units(g)} == _cut_off_by_definition(g)


# A tree with a second component:  C1 -- O1 -- C2,  O1 -- A1 -- OU1 -- U1;  U2 -- OU2.
CENTRAL_NODES = [
    node("C1", COMMUNITY),
    node("C2", COMMUNITY),
    node("O1", ORG),
    node("A1", AGREEMENT),
    node("OU1", ORG),
    node("U1", UNIT, True),
    node("U2", UNIT, True),
    node("OU2", ORG),
]
CENTRAL_EDGES = [
    edge("O1", "COVERS", "C1"),
    edge("O1", "COVERS", "C2"),
    edge("A1", "SIGNED_BY", "O1"),
    edge("A1", "SIGNED_BY", "OU1"),
    edge("U1", "HAS_ORG", "OU1"),
    edge("U2", "HAS_ORG", "OU2"),
]


def test_central_entities_by_hand():
    # n = 8, so 21 unordered pairs of other nodes. O1 separates {C1}, {C2} and {A1, OU1, U1}: 1 + 3 + 3 = 7
    # pairs; A1 separates 3 x 2 = 6 (but is an agreement, not ranked); OU1 separates 4 x 1 = 4. Degree / 7.
    central = central_entities(build_network(CENTRAL_NODES, CENTRAL_EDGES), top=5)
    assert central.sample is None
    assert [(e.id, e.ties, e.degree, e.betweenness) for e in central.by_betweenness[:2]] == [
        ("O1", 3, pytest.approx(3 / 7), pytest.approx(7 / 21)),
        ("OU1", 2, pytest.approx(2 / 7), pytest.approx(4 / 21)),
    ]
    # The three with one tie and no betweenness come in id order.
    assert [e.id for e in central.by_betweenness] == ["O1", "OU1", "OU2", "U1", "U2"]
    assert [e.id for e in central.by_degree] == ["O1", "OU1", "OU2", "U1", "U2"]
    assert central.by_degree[2].label == ORG and central.by_degree[3].name == "U1名"


def test_central_entities_equal_networkx_on_the_whole_graph(region):
    expected = nx.betweenness_centrality(region)
    central = central_entities(region, top=100)
    assert {e.id: e.betweenness for e in central.by_betweenness} == pytest.approx(
        {n: b for n, b in expected.items() if region.nodes[n]["label"] in (UNIT, ORG)}
    )


def test_sampled_betweenness_is_the_same_whatever_the_insertion_order():
    forward = build_network(CENTRAL_NODES, CENTRAL_EDGES)
    backward = nx.Graph()
    backward.add_nodes_from(reversed(list(forward.nodes(data=True))))
    backward.add_edges_from(reversed(list(forward.edges(data=True))))
    one = central_entities(forward, exact_up_to=3, sample=2)
    two = central_entities(backward, exact_up_to=3, sample=2)
    assert one.sample == 2
    assert one == two
    assert central_entities(forward, exact_up_to=3, sample=2, seed=1) == central_entities(
        backward, exact_up_to=3, sample=2, seed=1
    )


def test_analyse_network_sums_up(region):
    report = analyse_network(region, top=3)
    assert (report.nodes, report.edges, report.communities, report.stationed_units) == (29, 25, 9, 4)
    # {C1,C2,C7,C8,C9,...}, {C3,O3,OU9,U9}, {C4,O4}, {C5,O5,U3}, {C6}
    assert report.components == 5
    assert report.isolated == ("C3", "C4", "C6")
    assert [c.unit for c in report.critical] == ["U1", "U3"]
    assert len(report.central.by_degree) == 3


def _current(props: dict, as_of: dt.date) -> bool:
    return (
        props["signed"] <= as_of
        and (props.get("expires") is None or props["expires"] >= as_of)
        and props.get("status", "履行中") not in ("已到期", "已终止")
    )


def _reference_network(store, as_of: dt.date) -> tuple[set, set]:
    """The co-building network built straight from the exported records, without the catalogue query."""
    nodes, edges = export_records(store)
    by_id = {n.id: n for n in nodes if n.label in (COMMUNITY, ORG, UNIT, AGREEMENT)}
    parent = {e.src_id: e.dst_id for e in edges if e.type == "PART_OF"}
    current = {n.id for n in nodes if n.label == AGREEMENT and _current(n.props, as_of)}
    ties = set()
    for e in edges:
        if e.type == "LOCATED_IN" and e.src_label == UNIT:
            place = e.dst_id
            for _ in range(4):  # the place itself and up to three PART_OF steps
                if place in by_id and by_id[place].label == COMMUNITY:
                    ties.add((e.src_id, e.type, place))
                    break
                place = parent.get(place)
        elif (
            (e.type == "SIGNED_BY" and e.src_id in current)
            or e.type in ("HAS_ORG", "MEMBER_OF", "COVERED_BY")
            or (e.type == "COVERS" and e.dst_label == COMMUNITY)
            or (e.type == "REPORTS_TO" and e.src_label == ORG)
        ):
            ties.add((e.src_id, e.type, e.dst_id))
    members = {n for n, m in by_id.items() if m.label in (COMMUNITY, UNIT)} | {x for t in ties for x in (t[0], t[2])}
    props = {n: by_id[n].props for n in members}
    rows = {(n, by_id[n].label, p.get("name"), p.get("kind"), p.get("stationed") is True) for n, p in props.items()}
    return rows, ties


def test_fetch_network_matches_an_independent_projection_of_the_demo(demo_store):
    for as_of in (dt.date(2026, 11, 22), dt.date(2024, 6, 1)):
        g = fetch_network(demo_store, as_of)
        ref_nodes, ref_ties = _reference_network(demo_store, as_of)
        got_nodes = {(n, a["label"], a["name"], a["kind"], a["stationed"]) for n, a in g.nodes(data=True)}
        assert got_nodes == ref_nodes
        merged: dict[frozenset, set] = {}
        for src, type_, dst in ref_ties:
            merged.setdefault(frozenset((src, dst)), set()).add(type_)
        assert {frozenset((a, b)): set(t) for a, b, t in g.edges(data="types")} == merged
        assert g.graph["as_of"] == as_of


def test_the_demo_network_by_hand(demo_store):
    g = fetch_network(demo_store, dt.date(2026, 11, 22))
    # A01 (2025-03-01..2027-02-28) is current, A02 lapsed on 2025-05-09; U04 stands in a commercial
    # building whose zone belongs to a street, not a community, so it reaches C01 only by dual reporting.
    assert g.edges["A01", "O10"]["types"] == ("SIGNED_BY",) and "A02" not in g
    assert g.edges["U01", "C02"]["types"] == ("LOCATED_IN",)
    assert g.edges["O10", "C02"]["types"] == ("REPORTS_TO",)
    assert g.edges["O13", "C01"]["types"] == ("REPORTS_TO",)
    assert not [n for n in g["U04"] if g.nodes[n]["label"] == COMMUNITY]
    assert sorted(n for n, s in g.nodes(data="stationed") if s) == ["U01", "U02", "U03", "U04"]
    assert sorted(nx.node_connected_component(g, "C02")) == ["A01", "C02", "O04", "O10", "O12", "U01", "U03"]
    assert sorted(nx.node_connected_component(g, "C01")) == ["C01", "O03", "O09", "O11", "O13", "U02", "U04", "U05"]
    report = analyse_network(g)
    assert report.isolated == ("C03",)  # only its own 古槐社区党总支
    assert report.critical == ()  # C01 and C02 each have two stationed units in reach
    # O13 and O10 have three ties each; O13 alone joins U04 and O09 to the rest: 1 + 5 + 5 = 11 pairs of 120.
    # O10 carries U01-A01 wholly and half of A01-C02, A01-U03, A01-O12 (the other half go by O04): 2.5.
    assert [(e.id, e.ties, e.betweenness) for e in report.central.by_degree[:2]] == [
        ("O13", 3, pytest.approx(11 / 120)),
        ("O10", 3, pytest.approx(2.5 / 120)),
    ]
    before = fetch_network(demo_store, dt.date(2024, 6, 1))
    assert before.edges["A02", "O11"]["types"] == ("SIGNED_BY",) and "A01" not in before


def test_a_unit_whose_stationed_cell_is_blank_is_derived_as_the_rules_do(demo_store):
    """驻区单位 left blank: stationed when the unit has its own org and a place; an explicit 否 stays not stationed."""
    demo_store.write(
        "MATCH (u:Unit) WHERE (u)-[:HAS_ORG]->() AND (u)-[:LOCATED_IN]->() "
        "WITH u ORDER BY u.id LIMIT 1 REMOVE u.stationed"
    )
    demo_store.write("MATCH (u:Unit) WHERE NOT (u)-[:HAS_ORG]->() WITH u ORDER BY u.id LIMIT 1 REMOVE u.stationed")
    rows = demo_store.read(
        "MATCH (u:Unit) RETURN u.id AS id, u.stationed AS s, size([(u)-[:HAS_ORG]->(o) | o]) > 0 AS org"
    )
    g = fetch_network(demo_store, dt.date(2026, 6, 15))
    blank_with_org = [r["id"] for r in rows if r["s"] is None and r["org"]]
    blank_without = [r["id"] for r in rows if r["s"] is None and not r["org"]]
    assert blank_with_org and blank_without
    assert all(g.nodes[u]["stationed"] for u in blank_with_org)
    assert not any(g.nodes[u]["stationed"] for u in blank_without)
    assert not any(g.nodes[r["id"]]["stationed"] for r in rows if r["s"] is False)
