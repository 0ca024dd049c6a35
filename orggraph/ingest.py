"""The one place where loaders meet the store: records in, graph written, a summary out."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from loaders.fixture import read_fixture
from orggraph.records import EdgeRecord, NodeRecord
from orggraph.store import BoltStore

DEMO_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "demo_small.yaml"


@dataclass(frozen=True)
class IngestSummary:
    nodes: int
    relationships: int


def ingest_records(
    store: BoltStore, nodes: list[NodeRecord], edges: list[EdgeRecord], batch_size: int = 10_000
) -> IngestSummary:
    """Schema first, then nodes, then the edges between them; idempotent (everything merges)."""
    store.ensure_schema()
    n = store.write_nodes(nodes, batch_size)
    r = store.write_edges(edges, batch_size)
    return IngestSummary(n, r)


def graph_is_empty(store: BoltStore) -> bool:
    return not store.read("MATCH (n) RETURN n.id AS id LIMIT 1")


def load_demo_fixture(store: BoltStore, path: Path = DEMO_FIXTURE) -> IngestSummary:
    """The small hand-written demo region (until the region generator exists)."""
    nodes, edges = read_fixture(path, load_id="demo")
    return ingest_records(store, nodes, edges)
