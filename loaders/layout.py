"""The ledger layout (``ledger_layout.yaml``) as frozen models, with headers derived from the schema.

Each sheet is one record kind: a node label with property and edge columns, or an edge sheet with one
relationship per row. Header text, aliases and value types all come from here and the schema.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, cached_property
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from orggraph.model.schema import PropertySpec, load_schema

# (label, edge type, reverse, targets): which ties an id column of a node sheet owns
OwnedKey = tuple[str, str, bool, tuple[str, ...]]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def header_key(text: object) -> str:
    """A header as compared: NFKC (full-width → half-width), lower case, no spaces or punctuation marks."""
    norm = unicodedata.normalize("NFKC", str(text or "")).lower()
    return re.sub(r"[\s_\-()()*::/]+", "", norm)


class EdgeEnd(Frozen):
    zh: str
    en: str
    targets: tuple[str, ...]


class EdgeSheet(Frozen):
    type: str
    from_: EdgeEnd = Field(alias="from")
    to: EdgeEnd


class Column(Frozen):
    """One column: a property of the row's node or edge, or an edge to the record an id names."""

    prop: str | None = None
    edge: str | None = None
    zh: str = ""
    en: str = ""
    targets: tuple[str, ...] = ()
    reverse: bool = False
    many: bool = False
    required: bool = False
    spec: PropertySpec | None = None

    def aliases(self) -> set[str]:
        names = {self.zh, self.en}
        if self.spec is not None:
            names |= {self.spec.zh, self.spec.en, self.spec.name}
        return {header_key(n) for n in names if n}

    @property
    def header(self) -> str:
        return self.zh or (self.spec.zh if self.spec else self.en)

    @cached_property
    def is_required(self) -> bool:
        return self.required or bool(self.spec and self.spec.required)


class Sheet(Frozen):
    id: str
    zh: str
    en: str
    label: str | None = None
    edge_sheet: EdgeSheet | None = None
    columns: tuple[Column, ...]

    @model_validator(mode="after")
    def _one_kind(self) -> Sheet:
        if (self.label is None) == (self.edge_sheet is None):
            raise ValueError(f"sheet {self.id}: give exactly one of label or edge_sheet")
        return self

    @cached_property
    def all_columns(self) -> tuple[Column, ...]:
        """Every column; edge sheets start with their two id columns (as required edge columns)."""
        if self.edge_sheet is None:
            return self.columns
        e = self.edge_sheet
        ends = (
            Column(edge=e.type, zh=e.from_.zh, en=e.from_.en, targets=e.from_.targets, required=True),
            Column(edge=e.type, zh=e.to.zh, en=e.to.en, targets=e.to.targets, required=True),
        )
        return ends + self.columns

    def names(self) -> set[str]:
        return {header_key(n) for n in (self.id, self.zh, self.en)}


class Layout(Frozen):
    sheets: tuple[Sheet, ...]
    row_number_headers: tuple[str, ...] = ()  # 序号 and the like: a row counter, read as nothing

    @cached_property
    def row_number_keys(self) -> frozenset[str]:
        return frozenset(header_key(h) for h in self.row_number_headers)

    def sheet_for_name(self, name: str) -> Sheet | None:
        key = header_key(name)
        return next((s for s in self.sheets if key in s.names()), None)

    def by_label(self, label: str) -> Sheet:
        return next(s for s in self.sheets if s.label == label)


def _with_specs(raw_sheet: dict[str, Any]) -> dict[str, Any]:
    schema = load_schema()
    edge_sheet = raw_sheet.get("edge_sheet")
    owner_props = (
        schema.relationship(edge_sheet["type"]).properties if edge_sheet else schema.node(raw_sheet["label"]).properties
    )
    columns = []
    for col in raw_sheet["columns"]:
        if "prop" in col:
            spec = next((p for p in owner_props if p.name == col["prop"]), None)
            if spec is None:
                raise ValueError(f"sheet {raw_sheet['id']}: property {col['prop']} is not in the schema")
            col = {**col, "spec": spec}
        columns.append(col)
    return {**raw_sheet, "columns": columns}


@cache
def load_layout() -> Layout:
    text = resources.files("loaders").joinpath("ledger_layout.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    return Layout(
        sheets=tuple(Sheet(**_with_specs(s)) for s in raw["sheets"]),
        row_number_headers=tuple(raw.get("row_number_headers", ())),
    )
