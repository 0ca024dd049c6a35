"""A tie whose far end is still only an id, as a ledger row makes it: the validator's unit between reading the rows
and resolving the ids (:mod:`loaders.ledger_validation`, :mod:`loaders.sheet_records`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from orggraph.model.records import EdgeRecord, Source

# the properties of a tie from an id column: none. One shared dict instead of a new one per tie (millions at province
# scale); nothing downstream mutates a record's props (records are frozen, writers copy them)
NO_PROPS: dict[str, Any] = {}

# Where a row is: its provenance. One object per row serves both as the place an issue names (file, sheet, row) and
# as the source of the records the row makes (a province has millions of rows: one object each, not two).
Where = Source


@dataclass(slots=True)  # slots: ~3M at province scale, 0.5 GB less than with a __dict__ each (measured)
class PendingEdge:
    """An edge whose far end is still only an id; once resolved, ``edge`` holds its record (and this object says
    which cell it came from, for the structure checks' messages)."""

    type: str
    src_id: str
    dst_id: str
    src_targets: tuple[str, ...]
    dst_targets: tuple[str, ...]
    props: dict[str, Any]
    where: Where
    src_header: str
    dst_header: str
    cell_id: str  # the id as written in the cell this edge came from (for reporting)
    edge: EdgeRecord | None = None

    @property
    def header(self) -> str:
        """The header of the cell this edge came from."""
        return self.src_header if self.cell_id == self.src_id else self.dst_header
