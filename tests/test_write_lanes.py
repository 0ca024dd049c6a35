"""A first load's node batches go two at a time, its ties one at a time after every node batch has committed, and a
failure is raised only once the batches already sent have finished (the journal then rolls back a quiet graph)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from orggraph.graph import statements
from orggraph.graph.write_lanes import write_in_lanes

STREETS = [{"id": f"S{i:03}", "name": f"街道{i}", "kind": "街道"} for i in range(40)]
TIES = [{"src": f"S{i:03}", "dst": "D1"} for i in range(40)]


def _work(store) -> list[tuple[str, list[dict[str, Any]]]]:
    """A district, 40 streets and their ties, as a first load's plan gives them (rows of ``props``)."""
    schema = store.schema
    district = {"props": {"id": "D1", "name": "区", "kind": "区"}}
    return [
        (statements.create_nodes(schema, "District"), [district]),
        (statements.create_nodes(schema, "Street"), [{"props": s} for s in STREETS]),
        (statements.create_edges(schema, "PART_OF", "Street", "District"), [{**t, "props": {}} for t in TIES]),
    ]


class Recorder:
    """The store's ``write_batched`` as it is, with who was in flight when each batch began and ended."""

    def __init__(self, store, monkeypatch, fail_at: int | None = None) -> None:
        self.real, self.lock = store.write_batched, threading.Lock()
        self.flight: list[str] = []
        self.events: list[tuple[str, str, tuple[str, ...]]] = []
        self.fail_at, self.sent = fail_at, 0
        self.pair = threading.Barrier(2, timeout=30)  # two node batches must be in flight together to pass it
        monkeypatch.setattr(store, "write_batched", self)

    def __call__(self, work, batch_size, progress=None) -> int:
        [(statement, rows)] = list(work)
        kind = "tie" if "MATCH" in statement else "node"
        with self.lock:
            self.sent += 1
            number = self.sent
            self.events.append(("begin", kind, tuple(self.flight)))
            self.flight.append(kind)
        try:
            if kind == "node" and number <= 2:
                self.pair.wait()  # the first two node batches meet here: proof they run at once
            if number == self.fail_at:
                raise RuntimeError("batch refused")
            return self.real([(statement, rows)], batch_size, progress)
        finally:
            with self.lock:
                self.flight.remove(kind)
                self.events.append(("end", kind, tuple(self.flight)))


def test_node_batches_go_two_at_a_time_and_ties_after_them(clean_store, monkeypatch):
    recorder = Recorder(clean_store, monkeypatch)
    creates = {statements.create_nodes(clean_store.schema, label) for label in clean_store.schema.nodes}
    ticks: list[int] = []
    written = write_in_lanes(clean_store, _work(clean_store), creates.__contains__, 10, ticks.append)
    assert written == sum(ticks) == 1 + 40 + 40
    counts = clean_store.read("MATCH (s:Street)-[:PART_OF]->(:District {id: 'D1'}) RETURN count(s) AS n")
    assert counts[0]["n"] == 40
    tie_begins = [flight for event, kind, flight in recorder.events if event == "begin" and kind == "tie"]
    assert tie_begins and all(flight == () for flight in tie_begins), "a tie batch began beside another batch"
    node_ends = [i for i, (event, kind, _) in enumerate(recorder.events) if event == "end" and kind == "node"]
    first_tie = next(i for i, (event, kind, _) in enumerate(recorder.events) if kind == "tie")
    assert max(node_ends) < first_tie  # every node batch committed before the first tie was sent
    assert max(len(flight) for _, _, flight in recorder.events) == 1  # never more than two at once


def test_a_failed_batch_is_raised_after_the_batches_in_flight_finished(clean_store, monkeypatch):
    recorder = Recorder(clean_store, monkeypatch, fail_at=3)
    creates = {statements.create_nodes(clean_store.schema, label) for label in clean_store.schema.nodes}
    with pytest.raises(RuntimeError, match="batch refused"):
        write_in_lanes(clean_store, _work(clean_store), creates.__contains__, 10)
    assert recorder.flight == []  # nothing was still being written when the error came up
    assert recorder.sent <= 4  # the batches after the failure were not sent (one may have been under way)
    assert not any(kind == "tie" for _, kind, _ in recorder.events)
