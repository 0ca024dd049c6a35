"""The cycle pre-filter of the chain checks against networkx: it must keep every node that lies on a cycle
(so no cycle goes unreported) and find nothing in an acyclic chain (so the common case stays cheap)."""

from __future__ import annotations

import networkx as nx
from hypothesis import given
from hypothesis import strategies as st

from loaders.structure_checks import PEEL_ROUNDS, _on_cycles, _on_functional_cycles, _walked_cycles

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


@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), max_size=40))
def test_one_successor_each_walks_to_what_the_peel_leaves(pairs: list[tuple[int, int]]) -> None:
    """A chain of single ids (one successor per node) is walked, not peeled: the same nodes either way."""
    successor = {f"n{a}": f"n{b}" for a, b in pairs}  # one successor each
    functional = list(successor.items())
    assert _on_cycles(functional) == _on_cycles([*functional, *functional[:1]])  # a repeated pair: the peel


@given(st.lists(st.tuples(st.integers(0, 300), st.integers(0, 300)), max_size=400))
def test_a_chain_deeper_than_the_rounds_is_walked_to_the_same_answer(pairs: list[tuple[int, int]]) -> None:
    """Long chains (deeper than the peel's rounds) and cycles hanging off trees: peeled, walked, the same."""
    successor = {f"n{a}": f"n{b}" for a, b in pairs}
    chain = {f"c{i}": f"c{i + 1}" for i in range(PEEL_ROUNDS * 2)} | {f"c{PEEL_ROUNDS * 2}": "c7"}  # ends in a loop
    both = successor | chain
    assert _on_functional_cycles(both) == _walked_cycles(both) == _on_cycles([*both.items(), *list(both.items())[:1]])
