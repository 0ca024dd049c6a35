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


def _on_cycles(pairs: list[tuple[str, str]]) -> set[str]:
    """Nodes that may lie on a cycle: what is left after repeatedly removing nodes with no incoming or no
    outgoing edge. Chains are trees, so this is usually empty and costs one pass (~20× a networkx graph)."""
    succ: dict[str, set[str]] = {}
    pred: dict[str, set[str]] = {}
    for a, b in pairs:
        succ.setdefault(a, set()).add(b)
        pred.setdefault(b, set()).add(a)
    alive = succ.keys() & pred.keys()
    stack = list((succ.keys() | pred.keys()) - alive)
    removed = set(stack)
    while stack:
        node = stack.pop()
        for neighbours, back in ((succ.get(node, ()), pred), (pred.get(node, ()), succ)):
            for other in neighbours:
                back[other].discard(node)
                if other not in removed and not back[other]:
                    removed.add(other)
                    stack.append(other)
    return alive - removed


def cycle_issues(located: list) -> list[tuple]:
    """One issue per edge on a cycle of a chain relationship (located: ``Located`` edges)."""
    out = []
    for rel_type in CHAIN_TYPES:
        chain = [x for x in located if x.edge.type == rel_type]
        suspects = _on_cycles([(x.edge.src_id, x.edge.dst_id) for x in chain])
        if not suspects:
            continue
        import networkx as nx  # only when there is a cycle to name: ~0.1 s to import

        graph = nx.DiGraph()
        for x in chain:
            if x.edge.src_id in suspects and x.edge.dst_id in suspects:
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


def level_issues(located: list, known: dict[str, tuple]) -> list[tuple]:
    """LEADS from an org whose kind sits at the same or a deeper level than the org it leads (known: id →
    (label, kind))."""
    levels = load_schema().org_levels
    out = []
    for x in located:
        if x.edge.type != "LEADS":
            continue
        upper, lower = (known.get(i, (None, None))[1] for i in (x.edge.src_id, x.edge.dst_id))
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
