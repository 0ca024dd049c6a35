"""The co-building network (共驻共建网络) and what its structure says.

The network joins communities, party orgs, units and current agreements by the ties that let a
stationed unit (驻区单位) take part in a community's work: an agreement signed by the two orgs
(SIGNED_BY), a unit's own org (HAS_ORG), a community org (COVERS), dual reporting (REPORTS_TO), the
place a unit stands in (LOCATED_IN, climbed up to its community), a joint committee (MEMBER_OF) and a
joint branch (COVERED_BY). :func:`fetch_network` pulls it from the store with the catalogue query
``cobuilding_network``; every analysis is a pure function over the resulting undirected
:class:`networkx.Graph` (node attributes ``label``, ``name``, ``kind``, ``stationed``; edge attribute
``types``, the sorted relationship types that join the pair).

Two communities or units are "within reach" of each other when a chain of such ties joins them,
whatever its length: the analyses read the network's connected components.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import networkx as nx

from orggraph.analysis.query_catalogue import find_query, run_query
from orggraph.model.errors import QueryError

if TYPE_CHECKING:
    from orggraph.graph.store import BoltStore

QUERY = "cobuilding_network"
# Betweenness is exact in a component of up to this many nodes (networkx: ~6 s for 2k nodes, ~33 s for 5k,
# on a sparse graph) and estimated from BETWEENNESS_SAMPLE sampled sources in a larger one.
EXACT_BETWEENNESS_UP_TO = 2_000
BETWEENNESS_SAMPLE = 300
SEED = 20_26  # fixed, so the sampled betweenness is the same on every run


@dataclass(frozen=True)
class CriticalUnit:
    """A stationed unit whose loss (with its own orgs) leaves communities with no stationed unit in reach."""

    unit: str
    orgs: tuple[str, ...]
    cut_off: tuple[str, ...]


@dataclass(frozen=True)
class CentralEntity:
    """A unit or party org: its number of ties, degree centrality and (possibly sampled) betweenness."""

    id: str
    label: str
    name: str | None  # None when the row named none
    ties: int
    degree: float
    betweenness: float


@dataclass(frozen=True)
class Centrality:
    """The top units and orgs two ways; ``sample`` is the sources sampled per large component, None when exact."""

    by_betweenness: tuple[CentralEntity, ...]
    by_degree: tuple[CentralEntity, ...]
    sample: int | None


@dataclass(frozen=True)
class NetworkReport:
    """The co-building network's size and structure in one answer."""

    nodes: int
    edges: int
    communities: int
    stationed_units: int
    components: int
    isolated: tuple[str, ...]
    critical: tuple[CriticalUnit, ...]
    central: Centrality


def build_network(nodes: Iterable[Mapping[str, Any]], edges: Iterable[Mapping[str, Any]]) -> nx.Graph[str]:
    """The undirected network from node rows (id, label, name, kind, stationed) and edge rows (src, dst, type).

    Nodes and edges are added in sorted order so that anything order-dependent (sampled betweenness)
    gives the same answer on every run; a pair joined by several relationships gets one edge whose
    ``types`` lists them all. ``stationed`` is True only for units marked stationed (the query derives a blank
    驻区单位 as the gap rules do: stationed when the unit has its own org and a place). Ids are unique
    within a label in the store; the network needs them unique across its four labels, and an id
    under two labels, or an edge to a node not listed, is a :class:`QueryError`.

    Examples
    --------
    >>> g = build_network(
    ...     [{"id": "U1", "label": "Unit", "name": "u", "kind": "国有企业", "stationed": True},
    ...      {"id": "C1", "label": "Community", "name": "c", "kind": None, "stationed": None}],
    ...     [{"src": "U1", "dst": "C1", "type": "LOCATED_IN"}])
    >>> g.nodes["U1"]["stationed"], g.nodes["C1"]["stationed"], g.edges["C1", "U1"]["types"]
    (True, False, ('LOCATED_IN',))
    """
    g: nx.Graph[str] = nx.Graph()
    for n in sorted(nodes, key=lambda row: (row["id"], row["label"])):
        if n["id"] in g and g.nodes[n["id"]]["label"] != n["label"]:
            raise QueryError(
                f"编号 {n['id']} 同时属于 {g.nodes[n['id']]['label']} 和 {n['label']},共建网络要求编号跨标签唯一",
                f"id {n['id']} is both a {g.nodes[n['id']]['label']} and a {n['label']}; "
                "the co-building network needs ids unique across labels",
            )
        stationed = n["label"] == "Unit" and n.get("stationed") is True
        g.add_node(n["id"], label=n["label"], name=n.get("name"), kind=n.get("kind"), stationed=stationed)
    for e in sorted(edges, key=lambda row: (row["src"], row["dst"], row["type"])):
        a, b = e["src"], e["dst"]
        if a not in g or b not in g:
            raise QueryError(
                f"共建网络的边 {a} -{e['type']}-> {b} 指向不在节点表中的节点",
                f"co-building network edge {a} -{e['type']}-> {b} names a node missing from the node list",
            )
        if a == b:
            continue  # an org "member of" itself ties nothing together
        types = g.edges[a, b]["types"] if g.has_edge(a, b) else ()
        g.add_edge(a, b, types=tuple(sorted({*types, e["type"]})))
    return g


def fetch_network(store: BoltStore, as_of: dt.date | None = None) -> nx.Graph[str]:
    """The co-building network from the store: one read of the catalogue query ``cobuilding_network``.

    Only agreements current on ``as_of`` (default: today) tie their parties; a lapsed agreement is a
    tie that no longer holds.
    """
    as_of = as_of or dt.date.today()
    rows = run_query(store, find_query(QUERY), {"as_of": as_of})
    g = build_network(rows[0]["nodes"], rows[0]["edges"])
    g.graph["as_of"] = as_of
    return g


def _is(g: nx.Graph[str], node: str, label: str) -> bool:
    return g.nodes[node].get("label") == label


def isolated_communities(g: nx.Graph[str]) -> tuple[str, ...]:
    """Communities with no stationed unit anywhere in reach, sorted by id.

    Why: 共驻共建 works through stationed units — their agreements, their orgs' dual reporting, their
    presence in the community. A community whose connected component holds no stationed unit has no
    such tie at all, however long the chain: the planner's first list of communities to pair up.

    Examples
    --------
    >>> g = nx.Graph([("C1", "O1"), ("O1", "A1"), ("A1", "O2"), ("O2", "U1")])
    >>> g.add_node("C2")
    >>> nx.set_node_attributes(g, {"C1": "Community", "C2": "Community", "U1": "Unit"}, "label")
    >>> nx.set_node_attributes(g, {"U1": True}, "stationed")
    >>> isolated_communities(g)
    ('C2',)
    """
    isolated: list[str] = []
    for component in nx.connected_components(g):
        if not any(g.nodes[n].get("stationed") for n in component):
            isolated.extend(n for n in component if _is(g, n, "Community"))
    return tuple(sorted(isolated))


def collapse_units(g: nx.Graph[str]) -> tuple[nx.Graph[str], dict[str, tuple[str, ...]]]:
    """The network with every unit merged with its own orgs (HAS_ORG), and each merged unit's orgs.

    A unit and its own org stand and fall together (the org is the unit's party presence), so for
    "what if this unit were lost" they are one node, named by the unit. Should one org belong to
    several units, they merge into one node named by the smallest unit id. The merged node keeps the
    unit's attributes and is stationed when any of its units is.

    Examples
    --------
    >>> g = nx.Graph([("U1", "O1"), ("O1", "A1"), ("U1", "C1")])
    >>> nx.set_node_attributes(g, {"U1": "Unit", "O1": "PartyOrg", "A1": "Agreement", "C1": "Community"}, "label")
    >>> g.edges["U1", "O1"]["types"] = ("HAS_ORG",)
    >>> h, orgs = collapse_units(g)
    >>> sorted(h.edges), orgs
    ([('U1', 'A1'), ('U1', 'C1')], {'U1': ('O1',)})
    """
    ownership: nx.Graph[str] = nx.Graph()
    ownership.add_edges_from((a, b) for a, b, types in g.edges(data="types", default=()) if "HAS_ORG" in types)
    rep: dict[str, str] = {}
    orgs: dict[str, tuple[str, ...]] = {}
    stationed: dict[str, bool] = {}
    for group in nx.connected_components(ownership):
        if not (units := [n for n in group if _is(g, n, "Unit")]):
            continue  # HAS_ORG between two non-units: nothing to merge
        unit = min(units)
        orgs[unit] = tuple(sorted(n for n in group if not _is(g, n, "Unit")))
        stationed[unit] = any(g.nodes[n].get("stationed") for n in group)
        rep.update(dict.fromkeys(group, unit))
    h: nx.Graph[str] = nx.Graph()
    h.add_nodes_from((n, attrs) for n, attrs in g.nodes(data=True) if rep.get(n, n) == n)
    nx.set_node_attributes(h, stationed, "stationed")
    h.add_edges_from((rep.get(a, a), rep.get(b, b)) for a, b in g.edges if rep.get(a, a) != rep.get(b, b))
    return h, orgs


def _cut_off_without(h: nx.Graph[str], gone: str, stationed: set[str]) -> list[str]:
    """Communities that reach no stationed unit once ``gone`` is removed from ``h``.

    Each neighbour of ``gone`` starts a search of its piece of the rest of the network; a search stops
    at the first stationed unit, or on meeting an earlier search (whose piece had one, or it would
    have swept this neighbour up). A search that runs out of nodes swept a piece with none.
    """
    owner = {gone: -1}  # node -> the search that reached it
    cut: list[str] = []
    for search, start in enumerate(h[gone]):
        if start in owner:
            continue
        owner[start] = search
        piece, queue, reached = [start], deque([start]), start in stationed
        while queue and not reached:
            for nxt in h[queue.popleft()]:
                if nxt not in owner:
                    owner[nxt] = search
                    piece.append(nxt)
                    queue.append(nxt)
                    reached = reached or nxt in stationed
                elif owner[nxt] not in (search, -1):
                    reached = True
        if not reached:
            cut.extend(n for n in piece if _is(h, n, "Community"))
    return sorted(cut)


def critical_units(g: nx.Graph[str]) -> tuple[CriticalUnit, ...]:
    """Stationed units whose loss would leave some community with no stationed unit in reach.

    Why: a community that reaches stationed units only through one of them depends on it — if that
    unit moves away or its org lapses, the community is cut off from 共驻共建 altogether. Those are
    the ties to secure first (a second agreement, dual reporting by another unit).

    A unit is removed together with its own orgs (see :func:`collapse_units`). A community is cut off
    when it reached at least one stationed unit before and reaches none after. Only articulation
    points of the collapsed network can split a component, plus the sole stationed unit of a
    component (whose loss leaves it none, split or not); each candidate is then checked exactly.
    Sorted by the number of communities cut off (most first), then by unit id.

    Examples
    --------
    >>> g = nx.Graph([("C1", "U1"), ("U1", "C2"), ("C2", "U2"), ("U1", "O1")])
    >>> nx.set_node_attributes(g, {"C1": "Community", "C2": "Community", "U1": "Unit", "U2": "Unit"}, "label")
    >>> nx.set_node_attributes(g, {"O1": "PartyOrg"}, "label")
    >>> nx.set_node_attributes(g, {"U1": True, "U2": True}, "stationed")
    >>> g.edges["U1", "O1"]["types"] = ("HAS_ORG",)
    >>> critical_units(g)
    (CriticalUnit(unit='U1', orgs=('O1',), cut_off=('C1',)),)
    """
    h, orgs = collapse_units(g)
    stationed = {n for n, is_stationed in h.nodes(data="stationed") if is_stationed}
    candidates = set(nx.articulation_points(h)) & stationed
    for component in nx.connected_components(h):
        if len(alone := component & stationed) == 1:
            candidates |= alone
    found = [
        CriticalUnit(unit, orgs.get(unit, ()), tuple(cut))
        for unit in sorted(candidates)
        if (cut := _cut_off_without(h, unit, stationed))
    ]
    return tuple(sorted(found, key=lambda c: (-len(c.cut_off), c.unit)))


def _canonical(g: nx.Graph[str]) -> nx.Graph[str]:
    """A copy with nodes and adjacency in sorted order, so sampling and summing go the same way every run."""
    ordered: nx.Graph[str] = nx.Graph()
    ordered.add_nodes_from(sorted(g))
    ordered.add_edges_from(sorted((min(a, b), max(a, b)) for a, b in g.edges))
    return ordered


def _betweenness(g: nx.Graph[str], exact_up_to: int, sample: int, seed: int) -> tuple[dict[str, float], int | None]:
    """Betweenness normalised over the whole graph as networkx does, computed one component at a time.

    networkx sets up per-node state for the whole graph at every source, so on a city network of ~14k
    nodes in ~900 small components the whole-graph call takes minutes; per component it takes a
    second, with the same values. A component over ``exact_up_to`` nodes is estimated from ``sample``
    sources (networkx's ``k``) drawn with ``seed``; the second value says whether any was.
    """
    n = len(g)
    scale = 2 / ((n - 1) * (n - 2)) if n > 2 else 1.0  # unordered pairs -> networkx's normalised value
    result = dict.fromkeys(g, 0.0)
    sampled = None
    for component in nx.connected_components(g):
        if len(component) < 3:
            continue
        k = sample if len(component) > max(exact_up_to, sample) else None
        sampled = sampled or k
        raw = nx.betweenness_centrality(_canonical(g.subgraph(component)), k=k, normalized=False, seed=seed)
        result.update((v, b * scale) for v, b in raw.items())
    return result, sampled


def central_entities(
    g: nx.Graph[str],
    top: int = 20,
    exact_up_to: int = EXACT_BETWEENNESS_UP_TO,
    sample: int = BETWEENNESS_SAMPLE,
    seed: int = SEED,
) -> Centrality:
    """The most central units and party orgs, by betweenness and by degree centrality.

    Why: a unit or org with high betweenness sits on many of the shortest chains between others — a
    broker whose ties hold the network together (a 大党委 member unit, a busy commercial-zone
    committee); high degree means many direct ties (agreements, reporting, members). Both point to
    where the network is strong and to whom a new community could be introduced.

    Betweenness is networkx's normalised value over the whole graph, exact in every connected
    component of up to ``exact_up_to`` nodes and estimated in a larger one from ``sample`` sources
    drawn with a fixed ``seed`` (the same answer every run). Communities and agreements count
    as waypoints but are not ranked. Ties are broken by the other measure, then by id.

    Examples
    --------
    >>> g = nx.Graph([("C1", "O1"), ("C2", "O1"), ("O1", "U1"), ("U1", "C3")])
    >>> nx.set_node_attributes(g, {"O1": "PartyOrg", "U1": "Unit"}, "label")
    >>> [(e.id, e.ties, e.degree, round(e.betweenness, 2)) for e in central_entities(g, top=2).by_betweenness]
    [('O1', 3, 0.75, 0.83), ('U1', 2, 0.5, 0.5)]
    """
    betweenness, k = _betweenness(g, exact_up_to, sample, seed)
    degree = nx.degree_centrality(g)
    entities = [
        CentralEntity(n, label, attrs.get("name"), g.degree(n), degree[n], betweenness[n])
        for n, attrs in g.nodes(data=True)
        if (label := attrs.get("label")) in ("Unit", "PartyOrg")
    ]
    by_betweenness = sorted(entities, key=lambda e: (-e.betweenness, -e.degree, e.id))
    by_degree = sorted(entities, key=lambda e: (-e.degree, -e.betweenness, e.id))
    return Centrality(tuple(by_betweenness[:top]), tuple(by_degree[:top]), k)


def network_counts(g: nx.Graph[str]) -> dict[str, int]:
    """How big the network is: nodes, edges, communities, stationed units, components."""
    return {
        "nodes": g.number_of_nodes(),
        "edges": g.number_of_edges(),
        "communities": sum(1 for n in g if _is(g, n, "Community")),
        "stationed_units": sum(1 for n in g if g.nodes[n].get("stationed")),
        "components": nx.number_connected_components(g),
    }


def analyse_network(g: nx.Graph[str], top: int = 20) -> NetworkReport:
    """Every analysis of this module over one network.

    Why: the planner's view of 共驻共建 structure in one answer — how big the network is, which
    communities no stationed unit reaches, which units hold communities on by a thread, and who sits
    at its centre.
    """
    return NetworkReport(
        **network_counts(g),
        isolated=isolated_communities(g),
        critical=critical_units(g),
        central=central_entities(g, top=top),
    )
