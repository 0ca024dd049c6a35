"""Finding an entity by its id or by a (fuzzy) Chinese name.

An id is matched exactly, label by label (one ``UNION ALL`` branch per label, so each branch is a
seek on that label's uniqueness index); ``Label:id`` narrows it to one label. A name is matched on
their in-memory index (``name_index``) in four tiers, best first: the exact name, a name that starts with the
text, a name that contains it, and a name that holds all its characters in order (``太白社区`` finds
``太白路社区``). Within a tier shorter names come first, then name, label and id, so the ranking is deterministic.
Names of people are sensitive (schema ``sensitive``): they are never searched and never returned; a
person is shown by their pseudonymous id.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from orggraph.analysis.name_index import NameIndex, normalise
from orggraph.graph.statements_analysis import domain_labels, id_lookup
from orggraph.graph.store import BoltStore
from orggraph.model.errors import QueryError
from orggraph.model.schema import Schema

MAX_CANDIDATES_SHOWN = 10


@dataclass(frozen=True)
class Entity:
    """One node as people see it: its id, label, display name and kind (``None`` when it has none)."""

    id: str
    label: str
    name: str
    kind: str | None = None

    def key(self) -> tuple[str, str]:
        """The sort and identity key: ids are unique per label, not across labels."""
        return (self.id, self.label)


class AmbiguousEntity(QueryError):
    """The text matches two or more entities equally well; ``candidates`` lists them, best first."""

    def __init__(self, text: str, candidates: list[Entity], schema: Schema) -> None:
        shown = "; ".join(f"{c.label} {c.id} {c.name}" for c in candidates[:MAX_CANDIDATES_SHOWN])
        more = len(candidates) - MAX_CANDIDATES_SHOWN
        tail_zh, tail_en = (f" 等 {len(candidates)} 个", f" and {more} more") if more > 0 else ("", "")
        super().__init__(
            f"“{text}”匹配多个对象,请改用编号(或 标签:编号):{shown}{tail_zh}",
            f"'{text}' matches several entities equally well; give an id (or label:id): {shown}{tail_en}",
        )
        self.text = text
        self.candidates = list(candidates)


def _row_entity(row: Mapping[str, Any]) -> Entity:
    return Entity(row["id"], row["label"], row["name"] if row["name"] is not None else row["id"], row["kind"])


def _split_label(text: str, schema: Schema) -> tuple[str | None, str]:
    label, sep, rest = text.partition(":")
    if sep and label in domain_labels(schema) and rest.strip():
        return label, rest.strip()
    return None, text


def ranked_matches(
    store: BoltStore, text: str, limit: int = 20, index: NameIndex | Callable[[], NameIndex] | None = None
) -> list[tuple[Entity, int]]:
    """Entities matching ``text`` with their tier (0 id, 1 exact name … 4 characters in order), best first. Names
    are searched in ``index`` (fetched here when not given: the app keeps one per state of the graph)."""
    text = normalise(text)
    if not text:
        raise QueryError("请输入编号或名称", "give an id or a name")
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        raise QueryError(f"返回条数上限应为正整数,收到 {limit!r}", f"limit must be a positive integer, got {limit!r}")
    label, key = _split_label(text, store.schema)
    rows = store.read(id_lookup(store.schema), {"id": key}, name="entity_by_id")
    hits = [(_row_entity(r), 0) for r in rows if label in (None, r["label"])]
    if hits or label:
        return sorted(hits, key=lambda h: h[0].key())[:limit]
    names = index() if callable(index) else index or NameIndex.fetch(store)
    return [(Entity(n.id, n.label, n.name, n.kind), tier) for n, tier in names.search(text, limit)]


def find_entities(store: BoltStore, text: str, limit: int = 20, index: NameIndex | None = None) -> list[Entity]:
    """Entities whose id is ``text`` (or ``Label:id``), else whose name matches it; best first.

    An id match wins outright: the names are searched only when no id matches.
    """
    return [e for e, _ in ranked_matches(store, text, limit, index)]


def resolve_entities(store: BoltStore, *texts: str | Entity) -> list[Entity]:
    """Several entities named at once (a path's two ends, a detour's three): the name index is read at most once,
    and only if some text is a name rather than an id."""
    fetched: list[NameIndex] = []

    def index() -> NameIndex:
        if not fetched:
            fetched.append(NameIndex.fetch(store))
        return fetched[0]

    return [resolve_entity(store, text, index) for text in texts]


def resolve_entity(
    store: BoltStore, text: str | Entity, index: NameIndex | Callable[[], NameIndex] | None = None
) -> Entity:
    """The one entity ``text`` names; QueryError when nothing matches, AmbiguousEntity when the best
    match is shared (same tier and same name length: ``太白`` names both 太白街道 and 太白社区)."""
    if isinstance(text, Entity):
        return text
    matches = ranked_matches(store, text, limit=50, index=index)
    if not matches:
        shown = normalise(text)
        raise QueryError(f"找不到编号或名称为“{shown}”的对象", f"no entity has the id or a name matching '{shown}'")
    best, tier = matches[0]
    ties = [e for e, t in matches if t == tier and (tier == 0 or len(e.name) == len(best.name))]
    if len(ties) > 1:
        raise AmbiguousEntity(normalise(text), ties, store.schema)
    return best
