"""The schema, loaded from ``schema.yaml`` into frozen models: the one place labels live.

Constraints, indexes, loader validation, display names and the model table in ``docs/`` all derive
from these models; a label, relationship type or property that is not declared cannot reach the
database (see :mod:`orggraph.graph.statements`).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from orggraph.model.errors import SchemaError

PropertyType = Literal["string", "integer", "float", "boolean", "date"]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PropertySpec(Frozen):
    """One property: its type, whether it is required, and how people call it."""

    name: str
    type: PropertyType
    zh: str
    en: str
    required: bool = False
    unique: bool = False
    index: bool = False
    enum: tuple[str, ...] | None = None
    format: Literal["credit_code"] | None = None
    sensitive: bool = False
    synonyms: str | None = None  # a table in the schema's `synonyms`: the clerk's words for the enum's groups
    max_length: int | None = Field(default=None, gt=0)  # characters a cell may hold; set from text_limits on load
    single_holder: tuple[str, ...] = ()  # values one body has one holder of at a time (a post: 书记); overlaps warned
    minimum: float | None = None  # a number's range (a coordinate within China's extent); a cell outside is refused
    maximum: float | None = None

    @model_validator(mode="after")
    def _single_holder_in_enum(self) -> PropertySpec:
        if self.single_holder and not set(self.single_holder) <= set(self.enum or ()):
            raise ValueError(f"{self.name}: single_holder values must be in its enum")
        return self


class NodeSpec(Frozen):
    label: str
    zh: str
    en: str
    group: str
    properties: tuple[PropertySpec, ...]
    date_order: tuple[tuple[str, str], ...] = ()
    together: tuple[tuple[str, str], ...] = ()  # properties given both or neither (longitude and latitude)

    @model_validator(mode="after")
    def _has_unique_id(self) -> NodeSpec:
        ids = [p for p in self.properties if p.name == "id"]
        if not ids or not (ids[0].required and ids[0].unique):
            raise ValueError(f"node {self.label} must declare a required, unique 'id'")
        if any(self.property(name) is None for pair in self.together for name in pair):
            raise ValueError(f"node {self.label}: `together` names a property it does not have")
        return self

    def property(self, name: str) -> PropertySpec | None:
        return next((p for p in self.properties if p.name == name), None)


class Endpoints(Frozen):
    from_: tuple[str, ...] = Field(alias="from")
    to: tuple[str, ...]


class RelationshipSpec(Frozen):
    type: str
    zh: str
    en: str
    verb_zh: str
    endpoints: tuple[Endpoints, ...]
    properties: tuple[PropertySpec, ...] = ()
    date_order: tuple[tuple[str, str], ...] = ()
    key: tuple[str, ...] = ()  # properties that, with the two ends, tell two ties apart

    def pairs(self) -> list[tuple[str, str]]:
        """Every allowed (from label, to label) pair."""
        return [(a, b) for e in self.endpoints for a in e.from_ for b in e.to]

    def allows(self, src: str, dst: str) -> bool:
        return (src, dst) in self.pairs()

    def property(self, name: str) -> PropertySpec | None:
        return next((p for p in self.properties if p.name == name), None)


class Group(Frozen):
    zh: str
    en: str


class TextLimits(Frozen):
    """The most characters a ledger cell may hold: a ``name`` property, and any other."""

    name: int = Field(default=200, gt=0)
    text: int = Field(default=2000, gt=0)


class Schema(Frozen):
    version: int
    provenance: tuple[PropertySpec, ...]
    org_levels: dict[str, int]
    forbidden_properties: tuple[str, ...]
    text_limits: TextLimits = TextLimits()
    groups: dict[str, Group]
    nodes: dict[str, NodeSpec]
    relationships: dict[str, RelationshipSpec]
    synonyms: dict[str, dict[str, tuple[str, ...]]] = {}  # table → group → the words that mean it

    @model_validator(mode="after")
    def _references_resolve(self) -> Schema:
        self._synonyms_consistent()
        for rel in self.relationships.values():
            for src, dst in rel.pairs():
                for label in (src, dst):
                    if label not in self.nodes:
                        raise ValueError(f"relationship {rel.type} names unknown label {label}")
        for node in self.nodes.values():
            if node.group not in self.groups:
                raise ValueError(f"node {node.label} is in unknown group {node.group}")
        return self

    def _synonyms_consistent(self) -> None:
        """Each table's groups are the enum of every property that uses it; a word means one group and is no group."""
        for node in self.nodes.values():
            for p in node.properties:
                if p.synonyms is None:
                    continue
                table = self.synonyms.get(p.synonyms)
                if table is None or p.enum is None:
                    raise ValueError(f"{node.label}.{p.name}: synonyms {p.synonyms} need an enum and a table")
                if not set(table) <= set(p.enum):
                    extra = set(table) - set(p.enum)
                    raise ValueError(f"{node.label}.{p.name}: synonym groups {extra} not in its enum")
        for name, table in self.synonyms.items():
            words = [w for group in table.values() for w in group]
            repeated = {w for w in words if words.count(w) > 1}
            groups = {w for w in words if w in table}
            if repeated or groups:
                raise ValueError(f"synonyms {name}: words repeated {repeated or ''} or naming a group {groups or ''}")

    def word_groups(self, table: str) -> dict[str, str]:
        """A synonyms table as word → group (the groups' own names included)."""
        words = {w: group for group, ws in self.synonyms.get(table, {}).items() for w in ws}
        return words | {g: g for g in self.synonyms.get(table, {})}

    def node(self, label: str) -> NodeSpec:
        """The spec of a label, or a SchemaError naming the valid ones."""
        try:
            return self.nodes[label]
        except KeyError:
            raise SchemaError(
                f"模型中没有节点类型 '{label}'", f"unknown node label '{label}'; known: {', '.join(self.nodes)}"
            ) from None

    def relationship(self, rel_type: str) -> RelationshipSpec:
        try:
            return self.relationships[rel_type]
        except KeyError:
            raise SchemaError(
                f"模型中没有关系类型 '{rel_type}'",
                f"unknown relationship type '{rel_type}'; known: {', '.join(self.relationships)}",
            ) from None

    def node_property_names(self, label: str) -> frozenset[str]:
        own = {p.name for p in self.node(label).properties}
        return frozenset(own | {p.name for p in self.provenance})

    def relationship_property_names(self, rel_type: str) -> frozenset[str]:
        own = {p.name for p in self.relationship(rel_type).properties}
        return frozenset(own | {p.name for p in self.provenance})


def _with_max_lengths(raw: dict[str, Any]) -> dict[str, Any]:
    """Every property gets its ``max_length`` from ``text_limits`` unless it sets its own, so the limit travels with
    the property spec to every reader of it."""
    limits = TextLimits(**raw.get("text_limits", {}))

    def props(specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{"max_length": limits.name if p["name"] == "name" else limits.text, **p} for p in specs]

    def owners(section: dict[str, Any]) -> dict[str, Any]:
        return {k: {**v, "properties": props(v.get("properties", []))} for k, v in section.items()}

    return {**raw, "nodes": owners(raw["nodes"]), "relationships": owners(raw["relationships"])}


def _parse(raw: dict[str, Any]) -> Schema:
    raw = _with_max_lengths(raw)
    nodes = {label: NodeSpec(label=label, **spec) for label, spec in raw["nodes"].items()}
    rels = {t: RelationshipSpec(type=t, **spec) for t, spec in raw["relationships"].items()}
    return Schema(**{**raw, "nodes": nodes, "relationships": rels})


@cache
def load_schema() -> Schema:
    """The packaged schema, parsed once per process."""
    text = resources.files("orggraph.model").joinpath("schema.yaml").read_text(encoding="utf-8")
    return _parse(yaml.safe_load(text))
