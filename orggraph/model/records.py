"""The typed records loaders yield and the store writes: nodes and edges with provenance.

Plain frozen dataclasses (slots) rather than pydantic models: a province-scale load makes millions
of them, and validation happens once, against the schema, in the loaders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Source:
    """Where a fact came from: the ledger file and row, and the load that brought it."""

    file: str
    row: int | None = None
    sheet: str | None = None
    load_id: str | None = None
    loaded_at: str | None = None

    def as_properties(self) -> dict[str, Any]:
        props: dict[str, Any] = {"source_file": self.file}
        for key, value in (
            ("source_sheet", self.sheet),
            ("source_row", self.row),
            ("load_id", self.load_id),
            ("loaded_at", self.loaded_at),
        ):
            if value is not None:
                props[key] = value
        return props


@dataclass(frozen=True, slots=True)
class NodeRecord:
    """A node: its label, its id (unique within the label) and its other properties."""

    label: str
    id: str
    props: dict[str, Any] = field(default_factory=dict)
    source: Source | None = None

    def properties(self) -> dict[str, Any]:
        """Everything stored on the node except the id, provenance included; None values dropped."""
        props = {k: v for k, v in self.props.items() if v is not None and k != "id"}
        if self.source is not None:
            props.update(self.source.as_properties())
        return props


@dataclass(frozen=True, slots=True)
class EdgeRecord:
    """A relationship between two nodes named by label and id."""

    type: str
    src_label: str
    src_id: str
    dst_label: str
    dst_id: str
    props: dict[str, Any] = field(default_factory=dict)
    source: Source | None = None

    def properties(self) -> dict[str, Any]:
        props = {k: v for k, v in self.props.items() if v is not None}
        if self.source is not None:
            props.update(self.source.as_properties())
        return props
