"""The streets a ledger speaks for and where the graph's records belong, for the removal check (``load_removals``).

Read one of two ways, the same answers (``tests/test_ledger_sync.py``): every placing tie of the region
(:func:`placed_whole`, for a ledger of most of the region), or only the ties around the ledger's own records and
its streets (:func:`placed_near`, for a street's ledger: its cost follows the street, not the region). What is
placed near is completed by :meth:`Placed.reach` for the records a removal candidate leads to outside the streets.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from orggraph.graph.bulk_reads import label_ids
from orggraph.graph.placement import Homes, graph_ties, load_placement
from orggraph.graph.placement_walk import NearTies
from orggraph.graph.store import BoltStore
from orggraph.model.records import EdgeRecord, NodeRecord


@dataclass
class Placed:
    """The streets of the graph's records (and the ledger's), and the ones the ledger speaks for."""

    homes: Homes
    scope: set[str]
    whole_region: bool
    near: NearTies | None = None  # what was read around the ledger (None: the whole region's ties)
    ledger: tuple[dict[str, str], list[tuple[str, str, str]]] = field(default_factory=lambda: ({}, []))

    def holds(self, *ids: str) -> bool:
        """Whether a record (or a tie, by its ends) belongs wholly to the ledger's streets."""
        if self.whole_region:
            return True
        reached = frozenset().union(*(self.homes.of(i) for i in ids))
        return bool(reached) and reached <= self.scope

    def reach(self, records: dict[str, str]) -> None:
        """Place these records too (id → label) when only the ties near the ledger were read."""
        if self.near is not None and any(i not in self.near.labels for i in records):
            self.near.up(records)
            self.homes = self.near.homes(*self.ledger)


def ledger_scope(homes: Homes, nodes: list[NodeRecord]) -> set[str]:
    """The streets a ledger speaks for: those its located rows sit in; failing any, the single street of each
    other row that has exactly one."""
    located = [n for n in nodes if n.label in homes.placement.located]
    if located:
        return set().union(*(homes.of(n.id) for n in located))
    return set().union(*(h for n in nodes if len(h := homes.of(n.id)) == 1))


def _own(nodes: list[NodeRecord], edges: list[EdgeRecord]) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """The ledger's records (id → label) and placing ties as the graph will hold them."""
    return {n.id: n.label for n in nodes}, [(e.type, e.src_id, e.dst_id) for e in edges]


def placed_whole(store: BoltStore, nodes: list[NodeRecord], edges: list[EdgeRecord]) -> Placed:
    """Placed over every placing tie of the region."""
    placement = load_placement()
    labels, ties = graph_ties(store, placement)
    own_labels, own_ties = _own(nodes, edges)
    homes = Homes(placement, {**labels, **own_labels}, ties + own_ties)
    scope = ledger_scope(homes, nodes)
    streets = {i for i, label in labels.items() if label == placement.street}
    return Placed(homes, scope, bool(streets) and streets <= scope)


def placed_near(store: BoltStore, nodes: list[NodeRecord], edges: list[EdgeRecord]) -> Placed | None:
    """Placed over the ties above the ledger's records and below its streets (and above everything there, for the
    streets it also reaches); None when the ledger speaks for every street (the whole region is read then)."""
    placement = load_placement()
    near, own = NearTies(store, placement), _own(nodes, edges)
    ends = {e.src_id: e.src_label for e in edges} | {e.dst_id: e.dst_label for e in edges}
    near.up(ends | own[0])
    scope = ledger_scope(near.homes(*own), nodes)
    streets = set(label_ids(store, placement.street, name="placement"))
    if streets and streets <= scope:
        return None
    members = near.down(scope)
    near.up({m: near.labels[m] for m in members})
    return Placed(near.homes(*own), scope, False, near, own)


def members_by_label(placed: Placed) -> dict[str, list[str]]:
    """The records of the ledger's streets, per label, sorted (found walking down from each street)."""
    members: dict[str, set[str]] = defaultdict(set)
    labels = placed.homes.labels
    for street in placed.scope:
        for node_id in placed.homes.members(street):
            members[labels[node_id]].add(node_id)
    return {label: sorted(ids) for label, ids in members.items()}


def tie_ends(candidates: list[tuple[str, tuple[str, str, str], dict[str, Any]]]) -> dict[str, str]:
    """The records at both ends of some tie candidates (sheet, (type, src label, dst label), row), id → label."""
    return {row[end]: key[i] for _, key, row in candidates for i, end in ((1, "src"), (2, "dst"))}
