"""Which province each ledger row belongs to: the top-level area (区县) its records reach.

A row's records are followed up the placing ties of ``placement.yaml`` (a compound to its grid, an org to what it
covers or who leads it, a person to their post …) and on from a street to its district (``PART_OF``), over the
ledger's own ties; an id the ledger names without defining is placed by the province database that holds it. The
district reached names the province (``Settings.provinces``). A row that reaches an unmapped district, no
district at all, or districts of two provinces (a tie across provinces: no one database could hold it) is an
issue naming its file, sheet, row, column and value.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from orggraph.graph.placement import load_placement
from orggraph.model.config import Settings
from orggraph.model.records import EdgeRecord, NodeRecord, Source

TOP = "District"  # the top-level area: a province is a set of them
RowKey = tuple[str, str | None, int | None]  # file, sheet, row


def row_key(source: Source | None) -> RowKey:
    return (source.file, source.sheet, source.row) if source else ("", None, None)


@dataclass
class Routing:
    """Each ledger row's province, and the rows that have none (with the value that says why)."""

    rows: dict[RowKey, str] = field(default_factory=dict)
    unmapped: dict[RowKey, str] = field(default_factory=dict)  # row → the district no province holds
    unplaced: dict[RowKey, str] = field(default_factory=dict)  # row → a record that reaches no district
    spanning: dict[RowKey, tuple[str, ...]] = field(default_factory=dict)  # row → the provinces it reaches
    # row → the ids whose cell names where the row sits: the places its records lead to first, then their own ids
    pointers: dict[RowKey, list[str]] = field(default_factory=dict)

    def provinces(self) -> list[str]:
        return sorted(set(self.rows.values()))


class _Places:
    """The provinces each record reaches, over the ledger's ties and the databases' answer for outside ids."""

    def __init__(self, settings: Settings, nodes: list[NodeRecord], edges: list[EdgeRecord], held: dict[str, str]):
        self.settings, self.held = settings, held
        self.labels = {n.id: n.label for n in nodes}
        for e in edges:
            self.labels.setdefault(e.src_id, e.src_label)
            self.labels.setdefault(e.dst_id, e.dst_label)
        steps = {label: set(s) for label, s in load_placement().steps.items()}
        steps.setdefault("Street", set()).add(("PART_OF", True))  # placement stops at the street; a province does not
        self.up: dict[str, set[str]] = defaultdict(set)
        for e in edges:
            if (e.type, True) in steps.get(e.src_label, ()):
                self.up[e.src_id].add(e.dst_id)
            if (e.type, False) in steps.get(e.dst_label, ()):
                self.up[e.dst_id].add(e.src_id)
        self.memo: dict[str, tuple[frozenset[str], frozenset[str]]] = {}

    def of(self, node_id: str) -> tuple[frozenset[str], frozenset[str]]:
        """(provinces reached, unmapped districts reached) from one record."""
        if node_id in self.memo:
            return self.memo[node_id]
        provinces, unmapped, seen, stack = set(), set(), {node_id}, [node_id]
        while stack:
            current = stack.pop()
            if self.labels.get(current) == TOP:
                key = self.settings.province_of_area(current) or self.held.get(current)
                (provinces.add(key) if key else unmapped.add(current))
                continue
            if current in self.held:
                provinces.add(self.held[current])
            for nxt in self.up.get(current, ()):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        self.memo[node_id] = (frozenset(provinces), frozenset(unmapped))
        return self.memo[node_id]


def outside_ids(nodes: list[NodeRecord], edges: list[EdgeRecord]) -> set[str]:
    """The ids a ledger names (in a tie) without defining them: the databases are asked where they are."""
    defined = {n.id for n in nodes}
    return {i for e in edges for i in (e.src_id, e.dst_id) if i not in defined}


def route_rows(
    settings: Settings,
    nodes: list[NodeRecord],
    edges: list[EdgeRecord],
    held: dict[str, str],
) -> Routing:
    """Each row's province from its records (``held``: outside id → the province whose database holds it)."""
    places = _Places(settings, nodes, edges, held)
    reached: dict[RowKey, set[str]] = defaultdict(set)
    routing = Routing()

    def take(source: Source | None, ids: list[str]) -> None:
        key, found = row_key(source), False
        ups = [up for node_id in ids for up in sorted(places.up.get(node_id, ()))]
        routing.pointers.setdefault(key, []).extend([*ups, *ids])
        for node_id in ids:
            provinces, unmapped = places.of(node_id)
            reached[key] |= provinces
            found = found or bool(provinces)
            if unmapped:
                routing.unmapped.setdefault(key, min(unmapped))
        if not found and key not in routing.unmapped:
            routing.unplaced.setdefault(key, ids[0])

    for node in nodes:
        take(node.source, [node.id])
    for edge in edges:
        take(edge.source, [edge.src_id, edge.dst_id])
    for key, provinces in reached.items():
        if key in routing.unmapped:
            continue
        if len(provinces) > 1:
            routing.spanning[key] = tuple(sorted(provinces))
        elif provinces:
            routing.rows[key] = next(iter(provinces))
    for key in routing.spanning:
        routing.unplaced.pop(key, None)
    for key in routing.rows:
        routing.unplaced.pop(key, None)
    return routing


def held_by(lookups: dict[str, Callable[[set[str]], dict[str, object]]], ids: set[str]) -> dict[str, str]:
    """Which province's database holds each of ``ids`` (``lookups``: province → a graph lookup of ids)."""
    held: dict[str, str] = {}
    if not ids:
        return held
    for key, lookup in lookups.items():
        for found in lookup(ids):
            held.setdefault(found, key)
    return held
