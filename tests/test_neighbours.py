"""A drawing's click-to-expand reads the graph (issue 13): each node's neighbours as the store gives them are the
ones a networkx graph of the exported records gives, cut to a street for a street user (no record outside it),
capped per node, and a person is named by their id."""

from __future__ import annotations

import networkx as nx
from test_area_scope import AREA, reference_homes

from orggraph.analysis.neighbours import neighbour_ties
from orggraph.graph.area_scope import ScopedStore
from orggraph.ingest.graph_export import export_records


def _reference(store) -> tuple[nx.MultiGraph, dict[str, str], dict[str, str]]:
    nodes, edges = export_records(store)
    graph = nx.MultiGraph()
    graph.add_nodes_from(n.id for n in nodes)
    for e in edges:
        graph.add_edge(e.src_id, e.dst_id, type=e.type, src=e.src_id)
    return graph, {n.id: n.label for n in nodes}, {n.id: n.props.get("name") for n in nodes}


def _expected(graph: nx.MultiGraph, node: str, keep=lambda m: True) -> set[tuple[str, str, bool]]:
    return {(m, data["type"], data["src"] == node) for _, m, data in graph.edges(node, data=True) if keep(m)}


def _found(ties) -> set[tuple[str, str, bool]]:
    return {(n.id, n.type, n.out) for n in ties}


def test_every_nodes_neighbours_are_the_graphs(demo_store):
    graph, labels, names = _reference(demo_store)
    drawn = [{"id": i, "label": label} for i, label in labels.items()]
    got = neighbour_ties(demo_store, drawn, cap=1000)
    for node in labels:
        assert _found(got.get(node, ())) == _expected(graph, node), node
    assert {n.label for ties in got.values() for n in ties} >= {"Person", "PartyOrg", "Community", "Unit"}
    persons = [n for ties in got.values() for n in ties if n.label == "Person"]
    assert persons and all(n.name == n.id for n in persons), "a person is named by their pseudonymous id"
    other = next(n for n in got["C01"] if n.label != "Person")
    assert other.name == names[other.id] and other.label == labels[other.id]


def test_neighbours_are_capped_per_node_by_id(demo_store):
    graph, labels, _ = _reference(demo_store)
    busiest = max(labels, key=graph.degree)
    got = neighbour_ties(demo_store, [{"id": busiest, "label": labels[busiest]}], cap=3)[busiest]
    assert len(got) == 3 < graph.degree(busiest)
    assert [n.id for n in got] == sorted(n.id for n in got)
    assert [n.id for n in got] == sorted(m for _, m in graph.edges(busiest))[:3]


def test_a_street_user_gets_only_neighbours_inside_the_street(demo_store):
    graph, labels, _ = _reference(demo_store)
    homes = reference_homes(demo_store)
    inside = {i for i, h in homes.items() if AREA in h}
    outside = set(labels) - inside
    assert inside and outside
    scoped = ScopedStore(demo_store, AREA)
    got = neighbour_ties(scoped, [{"id": i, "label": labels[i]} for i in sorted(inside)], cap=1000)
    for node in inside:
        assert _found(got.get(node, ())) == _expected(graph, node, lambda m: m in inside), node
    assert not {n.id for ties in got.values() for n in ties} & outside
    # the street's records have ties that reach outside it: none of them arrived
    assert any(m in outside for n in inside for m in graph.neighbors(n))
