"""Where a record belongs: the street (街道) it sits in, by ``placement.yaml`` (which relationships lead from
each label towards its street) over the graph's placing ties and, for a load, the ledger's own. The scope of
``load --sync`` (``load_removals``) and of a user's area (``area_scope``) are both this.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources

import yaml

from orggraph.graph import statements
from orggraph.graph.store import BoltStore
from orggraph.model.schema import load_schema

READERS = 3  # reads at once when the whole region's ties are fetched


@dataclass(frozen=True)
class Placement:
    """``placement.yaml``: how a record reaches its street."""

    street: str
    located: frozenset[str]
    steps: dict[str, tuple[tuple[str, bool], ...]]  # label → (relationship type, outgoing)

    def relationship_types(self) -> set[str]:
        return {rel for steps in self.steps.values() for rel, _ in steps}


@cache
def load_placement() -> Placement:
    raw = yaml.safe_load(resources.files("orggraph.model").joinpath("placement.yaml").read_text(encoding="utf-8"))
    schema = load_schema()
    steps = {}
    for label, items in raw["steps"].items():
        schema.node(label)  # an unknown label is a SchemaError here, not a silent no-op later
        parsed = tuple((s.strip("<>"), s.endswith(">")) for s in items)
        for rel, _ in parsed:
            schema.relationship(rel)
        steps[label] = parsed
    return Placement(schema.node(raw["street"]).label, frozenset(raw["located"]), steps)


class Homes:
    """The streets each record belongs to, over the graph's placing ties and the ledger's own."""

    def __init__(self, placement: Placement, labels: dict[str, str], ties: Iterable[tuple[str, str, str]]) -> None:
        self.placement, self.labels = placement, labels
        wanted = {(label, rel, out) for label, steps in placement.steps.items() for rel, out in steps}
        self.up: dict[str, set[str]] = defaultdict(set)
        for rel, src, dst in ties:
            if (labels.get(src), rel, True) in wanted:
                self.up[src].add(dst)
            if (labels.get(dst), rel, False) in wanted:
                self.up[dst].add(src)
        self.memo: dict[str, frozenset[str]] = {}

    @cached_property
    def _down(self) -> dict[str, set[str]]:
        down: dict[str, set[str]] = defaultdict(set)
        for node, ups in self.up.items():
            for up in ups:
                down[up].add(node)
        return down

    def members(self, street: str) -> set[str]:
        """Every record whose streets include ``street`` (what :meth:`of` answers record by record), found by
        walking down the placing ties from the street: the cost follows the street, not the region."""
        found, stack = {street}, [street]
        while stack:
            for below in self._down.get(stack.pop(), ()):
                if below not in found and self.labels.get(below) != self.placement.street:
                    found.add(below)
                    stack.append(below)
        return found

    def of(self, node_id: str) -> frozenset[str]:
        """The streets of one record (iterative, with a guard against cycles in bad data)."""
        if node_id in self.memo:
            return self.memo[node_id]
        found, seen, stack = set(), {node_id}, [node_id]
        while stack:
            current = stack.pop()
            if self.labels.get(current) == self.placement.street:
                found.add(current)
                continue
            if current in self.memo and current != node_id:
                found |= self.memo[current]
                continue
            for nxt in self.up.get(current, ()):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        self.memo[node_id] = frozenset(found)
        return self.memo[node_id]


def graph_ties(
    store: BoltStore, placement: Placement, workers: int = READERS
) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """Every placing tie in the graph, with the labels of the records at its ends: one read per (type, labels)
    pair, each answering two aligned lists, ``workers`` at a time (the server has cores to spare)."""
    schema = store.schema
    pairs = [
        (rel, src, dst)
        for rel in sorted(placement.relationship_types())
        for src, dst in schema.relationship(rel).pairs()
    ]

    def read(pair: tuple[str, str, str]) -> dict[str, list[str]]:
        return store.read(statements.pair_id_lists(schema, *pair), name="placement")[0]

    with ThreadPoolExecutor(workers) as pool:
        answers = list(pool.map(read, pairs))
    labels: dict[str, str] = {}
    ties: list[tuple[str, str, str]] = []
    for (rel, src, dst), answer in zip(pairs, answers, strict=True):
        for a, b in zip(answer["src"], answer["dst"], strict=True):
            labels[a], labels[b] = src, dst
            ties.append((rel, a, b))
    for street in statements.collected(store.read(statements.node_ids(schema, placement.street), name="placement")):
        labels[street["id"]] = placement.street
    return labels, ties
