"""The placing ties around some records, read from the graph by id: up from records towards their streets, or down
from streets to everything placed under them (``placement.yaml``'s steps, each read starting at the records found
by id). What a street's ledger needs to know of where records belong then costs what its streets hold; the whole
region's placing ties (:func:`orggraph.graph.placement.graph_ties`) took 1.2–3 s on the city and grow with the
region.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

from orggraph.graph import statements
from orggraph.graph.bulk_reads import chunks
from orggraph.graph.placement import READERS, Homes, Placement
from orggraph.graph.store import BoltStore

Tie = tuple[str, str, str]  # (type, src id, dst id)


class Step(NamedTuple):
    """One read from records of a label to their neighbours along one placing tie type, in one direction."""

    statement: str
    rel: str
    incoming: bool  # the ties end at the records read from (their other end is the tie's source)
    others: frozenset[str] | None  # the labels walked on to (None: any)


class NearTies:
    """The labels and placing ties read so far around some records; :meth:`homes` places them."""

    def __init__(self, store: BoltStore, placement: Placement) -> None:
        self.store, self.placement = store, placement
        self.labels: dict[str, str] = {}
        self.ties: set[Tie] = set()
        self._up, self._down = _steps(store, placement, down=False), _steps(store, placement, down=True)
        self._walked_up: set[str] = set()
        self._walked_down: set[str] = set()

    def up(self, records: Mapping[str, str]) -> None:
        """Read every placing tie above these records (id → label), up to the streets they reach."""
        self._walk(records, self._up, self._walked_up)

    def down(self, streets: Iterable[str]) -> set[str]:
        """Read every placing tie below these streets; returns every record placed under them."""
        return self._walk({s: self.placement.street for s in streets}, self._down, self._walked_down)

    def homes(self, labels: Mapping[str, str], ties: Iterable[Tie]) -> Homes:
        """The streets of the records read, with a ledger's own records and ties besides the graph's."""
        return Homes(self.placement, {**self.labels, **labels}, [*self.ties, *ties])

    def _walk(self, start: Mapping[str, str], steps: dict[str, list[Step]], walked: set[str]) -> set[str]:
        self.labels.update(start)
        reached: set[str] = set()
        frontier = {i: label for i, label in start.items() if i not in walked}
        while frontier:
            walked.update(frontier)
            by_label: dict[str, list[str]] = defaultdict(list)
            for node_id, label in frontier.items():
                by_label[label].append(node_id)
            jobs = [(step, part) for label, ids in by_label.items() for step in steps.get(label, ())
                    for part in chunks(sorted(ids))]  # fmt: skip
            with ThreadPoolExecutor(READERS) as pool:
                answers = list(pool.map(self._read, jobs))
            frontier = {}
            for (step, _), rows in zip(jobs, answers, strict=True):
                for row in rows:
                    found, label = row["other"], row["label"]
                    if step.others is not None and label not in step.others:
                        continue
                    self.ties.add((step.rel, found, row["owner"]) if step.incoming else (step.rel, row["owner"], found))
                    self.labels[found] = label
                    reached.add(found)
                    if found not in walked:
                        frontier[found] = label
        return reached

    def _read(self, job: tuple[Step, list[str]]) -> list[dict[str, str]]:
        step, ids = job
        return statements.collected(self.store.read(step.statement, {"ids": ids}, name="placement"))


def _steps(store: BoltStore, placement: Placement, down: bool) -> dict[str, list[Step]]:
    """Per label, the reads that find the records a record of that label is placed under (``down``: the records
    placed under it), one per tie type and direction, each starting at the records found by id."""
    schema, table = store.schema, defaultdict[str, list[Step]](list)
    if not down:
        for label, steps in placement.steps.items():
            for rel, outgoing in steps:
                table[label].append(
                    Step(statements.owned_edges(schema, label, rel, not outgoing), rel, not outgoing, None)
                )
        return dict(table)
    below: dict[tuple[str, str, bool], set[str]] = defaultdict(set)  # (label, type, incoming) → labels placed under
    for label, steps in placement.steps.items():
        for rel, outgoing in steps:
            for src, dst in schema.relationship(rel).pairs():
                if outgoing and src == label:  # label -rel-> dst: placed under dst
                    below[(dst, rel, True)].add(label)
                if not outgoing and dst == label:  # src -rel-> label: placed under src
                    below[(src, rel, False)].add(label)
    for (label, rel, incoming), others in below.items():
        table[label].append(
            Step(statements.owned_edges(schema, label, rel, incoming), rel, incoming, frozenset(others))
        )
    return dict(table)
