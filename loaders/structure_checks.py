"""Whole-load structure checks: cycles in the LEADS and PART_OF chains, and superiors deeper than
their subordinates (a compound branch leading a street committee)."""

from __future__ import annotations

import networkx as nx

from orggraph.schema import load_schema

CHAIN_TYPES = ("LEADS", "PART_OF")


def cycle_issues(located: list) -> list[tuple]:
    """One issue per edge on a cycle of a chain relationship (located: (EdgeRecord, where) pairs)."""
    out = []
    for rel_type in CHAIN_TYPES:
        graph = nx.DiGraph()
        for edge, where in located:
            if edge.type == rel_type:
                graph.add_edge(edge.src_id, edge.dst_id, where=where)
        for component in nx.simple_cycles(graph):
            ring = " → ".join([*component, component[0]])
            for a, b in zip(component, [*component[1:], component[0]], strict=True):
                where = graph.edges[a, b]["where"]
                out.append(
                    (where, rel_type, b, f"{rel_type} 关系成环:{ring}", f"{rel_type} chain forms a cycle: {ring}")
                )
    return out


def level_issues(located: list, known: dict[str, dict]) -> list[tuple]:
    """LEADS from an org whose kind sits at the same or a deeper level than the org it leads."""
    levels = load_schema().org_levels
    out = []
    for edge, where in located:
        if edge.type != "LEADS":
            continue
        upper, lower = (known.get(i, {}).get("kind") for i in (edge.src_id, edge.dst_id))
        if upper in levels and lower in levels and levels[upper] >= levels[lower]:
            out.append(
                (
                    where,
                    "LEADS",
                    edge.src_id,
                    f"{upper}不能领导{lower}(层级倒置)",
                    f"a {upper} cannot lead a {lower} (levels inverted)",
                )
            )
    return out
