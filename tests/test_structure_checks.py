"""The cycle pre-filter of the chain checks against networkx: it must keep every node that lies on a cycle
(so no cycle goes unreported) and find nothing in an acyclic chain (so the common case stays cheap)."""

from __future__ import annotations

import networkx as nx
from hypothesis import given
from hypothesis import strategies as st

from loaders.structure_checks import _on_cycles

edges = st.lists(st.tuples(st.integers(0, 12).map(str), st.integers(0, 12).map(str)), max_size=40)


@given(edges)
def test_every_node_on_a_cycle_is_kept_and_acyclic_chains_keep_none(pairs):
    graph = nx.DiGraph(pairs)
    on_cycles = {n for cycle in nx.simple_cycles(graph) for n in cycle}
    suspects = _on_cycles(pairs)
    assert on_cycles <= suspects
    assert bool(suspects) == bool(on_cycles)


def test_a_tree_with_a_separate_ring_keeps_only_the_ring():
    pairs = [("b1", "c1"), ("b2", "c1"), ("c1", "s1"), ("x", "y"), ("y", "z"), ("z", "x"), ("w", "x")]
    assert _on_cycles(pairs) == {"x", "y", "z"}
