"""Whole labels and tie types read back in chunks of ids, each chunk one collected record.

A record per row costs the client a Bolt message and a socket read each (``docs/arcadedb_workarounds.md`` #4): an
export of the city (250k records) spent ~7 s of client time in the driver. Here a label's ids come first (one
record, ``statements.node_keys``), then its records by id, ``CHUNK`` at a time, through the id index; the order
is made on the client (by id; ties by their ends), so no statement sorts a whole label.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol, TypeVar

from orggraph.graph import statements
from orggraph.model.schema import Schema

CHUNK = 20_000
Row = dict[str, Any]
_T = TypeVar("_T")


class Reader(Protocol):
    """A store or an area-scoped store: what is read here passes its cut."""

    schema: Schema

    def read(self, statement: str, params: dict[str, Any] | None = None, name: str = "") -> list[Row]: ...


def chunks(items: list[_T], size: int = CHUNK) -> Iterator[list[_T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def label_ids(store: Reader, label: str, name: str = "") -> list[str]:
    """Every id of a label, sorted."""
    rows = store.read(statements.node_keys(store.schema, label), name=name)
    return sorted(rows[0]["ids"]) if rows else []


def nodes_by_id(store: Reader, label: str, ids: list[str], name: str = "") -> list[Row]:
    """``{id, props}`` of the records of a label among ``ids``, in the order of ``ids``' chunks."""
    query = statements.fetch_nodes(store.schema, label)
    return [r for chunk in chunks(ids) for r in statements.collected(store.read(query, {"ids": chunk}, name))]


def all_ties(store: Reader, key: tuple[str, str, str], src_ids: list[str], name: str = "") -> list[Row]:
    """Every tie of one (type, source label, target label) as ``{src, dst, props}``, by its ends; ``src_ids``:
    the source label's ids (:func:`label_ids`, read once for all its types)."""
    query = statements.ties_from(store.schema, *key)
    rows = [r for chunk in chunks(src_ids) for r in statements.collected(store.read(query, {"ids": chunk}, name))]
    return sorted(rows, key=lambda r: (str(r["src"]), str(r["dst"])))
