"""Gaps, paths, reach and the network analyses on the city-scale region, each next to networkx on the
same graph in the same run (and, for one rule in one street, next to the rule's bare query).

Runs on the graph the city ledger-load benchmark leaves behind. The networkx side gets the whole graph
in memory for free (pulling it is timed separately): it is the yardstick, not a rival design.
"""

from __future__ import annotations

import datetime as dt
import gc
import random
import statistics
import time
from collections.abc import Callable

import networkx as nx

from benchmarks.harness import Figure, timed
from orggraph.analysis.coverage import CoverageIndex, fetch_rule_rows, gap_report
from orggraph.graph.backends import open_store
from orggraph.ingest.graph_export import export_records
from orggraph.model.coverage_rules import load_rules
from tests.rule_reference import build_graph, reference_rule

AS_OF = dt.date(2026, 11, 22)
PAIRS = 200
REACH_STARTS = 50
SEED = 7
WARM_UP_REPORTS = 3


def _median_ms(fn: Callable[[], object], runs: int = 3) -> float:
    return statistics.median(timed(fn)[0] for _ in range(runs)) * 1000


def _quantiles_ms(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[int(0.95 * (len(ordered) - 1))] * 1000


def _gap_figures(store, ref_graph) -> list[Figure]:
    rules = [r.id for r in load_rules().rules]
    for _ in range(WARM_UP_REPORTS):  # untimed: the server's JIT compiles these query shapes over the first
        gap_report(store, as_of=AS_OF)  # few runs (3.3, 1.8, 1.4 s, then ~1.1 s after a fresh load, measured)
    cold = _median_ms(lambda: gap_report(store, as_of=AS_OF))
    index = CoverageIndex.fetch(store)
    warm = _median_ms(lambda: gap_report(store, as_of=AS_OF, index=index))
    reference = _median_ms(lambda: [reference_rule(ref_graph, r, AS_OF) for r in rules], runs=1)
    street = index.geography.children(index.geography.top_areas()[0].id)[0].id
    one = {r: _median_ms(lambda r=r: gap_report(store, [r], street, AS_OF, index)) for r in rules}
    worst = max(one, key=one.get)
    bare = _median_ms(lambda: fetch_rule_rows(store.read, load_rules().rule(worst), AS_OF))
    return [
        Figure(
            f"full gap report, all {len(rules)} rules (geography fetched: cold)",
            cold,
            "ms",
            reference,
            "networkx reference rules, graph in memory",
            higher_is_better=False,
        ),
        Figure("  the same with the area index kept (the app's case)", warm, "ms", higher_is_better=False),
        Figure(
            f"one rule, one street: slowest rule ({worst})",
            one[worst],
            "ms",
            bare,
            "that rule's bare query, whole city",
            higher_is_better=False,
        ),
        Figure(
            f"  one rule, one street: median over the {len(rules)} rules",
            statistics.median(one.values()),
            "ms",
            higher_is_better=False,
        ),
    ]


def _pairs(nodes, undirected: nx.Graph, rng: random.Random) -> list[tuple[str, str]]:
    """Random org/unit/compound pairs that are linked at all (the city's districts are not linked to one
    another, so most fully random pairs would only time a quick "no path")."""
    ids = sorted(n.id for n in nodes if n.label in ("PartyOrg", "Unit", "Compound") and n.id in undirected)
    component = {n: i for i, c in enumerate(nx.connected_components(undirected)) for n in c}
    by_component: dict[int, list[str]] = {}
    for i in ids:
        by_component.setdefault(component[i], []).append(i)
    pairs = []
    while len(pairs) < PAIRS:
        a = rng.choice(ids)
        b = rng.choice(by_component[component[a]])
        if a != b:
            pairs.append((a, b))
    return pairs


def _path_figures(store, nodes, undirected: nx.Graph) -> list[Figure]:
    from orggraph.analysis.linkage import linkage_paths, reach

    rng = random.Random(SEED)
    pairs = _pairs(nodes, undirected, rng)
    ours, ours_k3, theirs = [], [], []
    for a, b in pairs:
        ours.append(timed(lambda a=a, b=b: linkage_paths(store, a, b, k=1))[0])
        theirs.append(timed(lambda a=a, b=b: _nx_path(undirected, a, b))[0])
    for a, b in pairs[:50]:
        ours_k3.append(timed(lambda a=a, b=b: linkage_paths(store, a, b, k=3))[0])
    p50, p95 = _quantiles_ms(ours)
    n50, n95 = _quantiles_ms(theirs)
    k50, k95 = _quantiles_ms(ours_k3)
    ids = sorted(n.id for n in nodes if n.label in ("PartyOrg", "Unit", "Compound") and n.id in undirected)
    anywhere = [tuple(rng.sample(ids, 2)) for _ in range(PAIRS)]  # fully random: mostly in different districts
    any_ours = [timed(lambda a=a, b=b: linkage_paths(store, a, b, k=1))[0] for a, b in anywhere]
    any_nx = [timed(lambda a=a, b=b: _nx_path(undirected, a, b))[0] for a, b in anywhere]
    a50, a95 = _quantiles_ms(any_ours)
    an50, an95 = _quantiles_ms(any_nx)
    compounds = sorted(n.id for n in nodes if n.label == "Compound")
    starts = rng.sample(compounds, min(REACH_STARTS, len(compounds)))
    reach_ours = [timed(lambda s=s: reach(store, s, hops=3))[0] for s in starts]
    reach_nx = [timed(lambda s=s: nx.single_source_shortest_path_length(undirected, s, cutoff=3))[0] for s in starts]
    r50, r95 = _quantiles_ms(reach_ours)
    x50, _ = _quantiles_ms(reach_nx)
    return [
        Figure(
            f"linkage path p50 ({PAIRS} fully random pairs, k=1)",
            a50,
            "ms",
            an50,
            "networkx bidirectional BFS p50",
            higher_is_better=False,
        ),
        Figure("  fully random pairs p95", a95, "ms", an95, "networkx p95", higher_is_better=False),
        Figure(
            f"linkage path p50 ({PAIRS} random linked pairs, k=1)",
            p50,
            "ms",
            n50,
            "networkx bidirectional BFS p50",
            higher_is_better=False,
        ),
        Figure("  linkage path p95", p95, "ms", n95, "networkx p95", higher_is_better=False),
        Figure(
            "  linkage paths with 2 alternatives (k=3), p50 / p95",
            k50,
            "ms",
            reference_name=f"p95 {k95:.1f} ms",
            higher_is_better=False,
        ),
        Figure(
            f"reach within 3 hops p50 ({len(starts)} compounds)",
            r50,
            "ms",
            x50,
            "networkx BFS, cutoff 3",
            higher_is_better=False,
        ),
        Figure("  reach within 3 hops p95", r95, "ms", higher_is_better=False),
    ]


def _nx_path(g: nx.Graph, a: str, b: str) -> list | None:
    try:
        return nx.bidirectional_shortest_path(g, a, b)
    except nx.NetworkXNoPath:
        return None


def _network_figures(store) -> list[Figure]:
    from orggraph.analysis.network import critical_units, fetch_network, isolated_communities

    fetch_ms, g = timed(lambda: fetch_network(store))
    iso_ms, _ = timed(lambda: isolated_communities(g))
    crit_ms, _ = timed(lambda: critical_units(g))
    return [
        Figure(
            "co-building network: fetch from the server",
            fetch_ms * 1000,
            "ms",
            higher_is_better=False,
            reference_name=f"{g.number_of_nodes():,} nodes, {g.number_of_edges():,} edges",
        ),
        Figure(
            "  isolated communities / critical units",
            iso_ms * 1000,
            "ms",
            higher_is_better=False,
            reference_name=f"critical units {crit_ms * 1000:,.0f} ms",
        ),
    ]


def _map_figures(store) -> list[Figure]:
    """The coverage map's outlines (every district, street, community and grid of the city, from the points) and its
    PNG, beside the fetch of the points they are drawn from."""
    from orggraph.analysis.area_shapes import area_shapes, fetch_points
    from orggraph.analysis.geography import Geography
    from orggraph.present.map_image import map_png
    from orggraph.present.map_layers import legend, map_rows

    geography = Geography.fetch(store)
    fetch_ms = statistics.median(timed(lambda: fetch_points(store))[0] for _ in range(3)) * 1000
    points = fetch_points(store)
    shapes_ms = statistics.median(timed(lambda: area_shapes(geography, points))[0] for _ in range(3)) * 1000
    shapes = area_shapes(geography, points)
    outcome = gap_report(store, ["compound_org"]).outcomes[0]
    rows = map_rows(outcome, shapes, points, geography, None, 1000)
    png_ms = timed(lambda: map_png("map", rows.areas, rows.members, rows.stations, legend(), rows.bounds))[0] * 1000
    where = f"{len(shapes.shapes):,} areas from {len(points):,} points"
    return [
        Figure(f"city: map outlines, every area ({where})", shapes_ms, "ms", fetch_ms, "fetching the points",
               higher_is_better=False),
        Figure(f"city: map as PNG (districts, {len(rows.members):,} points)", png_ms, "ms", shapes_ms,
               "the outlines it draws", higher_is_better=False),
    ]  # fmt: skip


def run(settings, server) -> list[Figure]:
    """Gaps, paths, reach and the network analyses on whatever region the graph holds (the city)."""
    with open_store(settings, start=False) as store:
        pulled = time.perf_counter()
        nodes, edges = export_records(store, with_provenance=False)
        pull_ms = (time.perf_counter() - pulled) * 1000
        ref_graph = build_graph(nodes, edges)
        undirected = nx.Graph((e.src_id, e.dst_id) for e in edges)
        gc.collect()
        gc.freeze()  # the references' millions of objects must not make our code pay for cyclic GC scans of them
        figures = [
            Figure(
                "whole graph pulled into networkx (for the references)",
                pull_ms,
                "ms",
                higher_is_better=False,
                reference_name=f"{len(nodes):,} nodes, {len(edges):,} relationships",
            ),
        ]
        figures += _gap_figures(store, ref_graph)
        figures += _path_figures(store, nodes, undirected)
        figures += _network_figures(store)
        figures += _map_figures(store)
    gc.unfreeze()
    return figures
