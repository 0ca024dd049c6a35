"""Whole-load structure checks: cycles in the LEADS and PART_OF chains, and superiors deeper than
their subordinates (a compound branch leading a street committee). Each issue points at the cell
that made the offending edge."""

from __future__ import annotations

from orggraph.schema import load_schema

CHAIN_TYPES = ("LEADS", "PART_OF")


def _rotated(cycle: list[str]) -> list[str]:
    """The cycle starting at its smallest id, so the message is the same on every run."""
    i = cycle.index(min(cycle))
    return cycle[i:] + cycle[:i]


def cycle_issues(located: list) -> list[tuple]:
    """One issue per edge on a cycle of a chain relationship (located: ``Located`` edges)."""
    import networkx as nx  # imported here, not at the top: ~0.1 s that every other CLI command would pay

    out = []
    for rel_type in CHAIN_TYPES:
        graph = nx.DiGraph()
        for x in located:
            if x.edge.type == rel_type:
                graph.add_edge(x.edge.src_id, x.edge.dst_id, cell=x)
        for cycle in sorted(_rotated(c) for c in nx.simple_cycles(graph)):
            ring = " → ".join([*cycle, cycle[0]])
            for a, b in zip(cycle, [*cycle[1:], cycle[0]], strict=True):
                x = graph.edges[a, b]["cell"]
                out.append(
                    (
                        x.where,
                        x.header,
                        x.cell_id,
                        f"{rel_type} 关系成环:{ring}",
                        f"{rel_type} chain forms a cycle: {ring}",
                    )
                )
    return out


def level_issues(located: list, known: dict[str, dict]) -> list[tuple]:
    """LEADS from an org whose kind sits at the same or a deeper level than the org it leads."""
    levels = load_schema().org_levels
    out = []
    for x in located:
        if x.edge.type != "LEADS":
            continue
        upper, lower = (known.get(i, {}).get("kind") for i in (x.edge.src_id, x.edge.dst_id))
        if upper in levels and lower in levels and levels[upper] >= levels[lower]:
            out.append(
                (
                    x.where,
                    x.header,
                    x.cell_id,
                    f"{upper}不能领导{lower}(层级倒置)",
                    f"a {upper} cannot lead a {lower} (levels inverted)",
                )
            )
    return out
