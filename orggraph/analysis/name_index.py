"""Names of the graph's records in memory, searched in four tiers without a server-side regex.

A clerk types an official name in full (``昌邑区玉泉中心卫生院``, 11 characters); a regex of "these characters in
order" over every node backtracks on ArcadeDB until its regex timeout and the page failed. Here the names are
read once per state of the graph (one statement per label, an index scan) and searched in Python, best tier
first: 1 the exact name, 2 a name that starts with the text, 3 a name that contains it, 4 a name that holds all
its characters in order (``太白社区`` finds ``太白路社区``); within a tier shorter names first, then name, label
and id. A tier is only searched while the ones above it have not filled the limit. Any text is safe: nothing
of it is ever compiled (quotes, regex characters, 100 characters alike). Names of people (schema
``sensitive``) are never read.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from orggraph.graph.statements_analysis import names_of, searchable_labels
from orggraph.graph.store import BoltStore


def normalise(text: str) -> str:
    """Full-width forms folded (NFKC), outer spaces dropped: what a person typed, as stored names are."""
    return unicodedata.normalize("NFKC", text or "").strip()


@dataclass(frozen=True)
class Named:
    id: str
    label: str
    name: str
    kind: str | None


class NameIndex:
    """Every searchable name, lowered once; read-only after it is built (shared by the app's sessions)."""

    def __init__(self, entries: list[Named]) -> None:
        self.entries = sorted(entries, key=lambda e: (len(e.name), e.name, e.label, e.id))
        self.lowered = [normalise(e.name).lower() for e in self.entries]

    @classmethod
    def fetch(cls, store: BoltStore) -> NameIndex:
        schema = store.schema
        return cls(
            [
                Named(r["id"], label, r["name"], r["kind"])
                for label in searchable_labels(schema)
                for r in store.read(names_of(schema, label), name="name_index")
            ]
        )

    def search(self, text: str, limit: int) -> list[tuple[Named, int]]:
        """The best ``limit`` entries for ``text`` with their tier (1 exact … 4 characters in order)."""
        wanted = normalise(text).lower()
        chars = [c for c in wanted if not c.isspace()]
        tiers: tuple[Callable[[str], bool], ...] = (
            lambda name: name == wanted,
            lambda name: name.startswith(wanted),
            lambda name: wanted in name,
            lambda name: _in_order(chars, name),
        )
        found: list[tuple[Named, int]] = []
        taken: set[int] = set()
        for tier, test in enumerate(tiers, start=1):
            for i, name in enumerate(self.lowered):
                if i not in taken and test(name):
                    taken.add(i)
                    found.append((self.entries[i], tier))
            if len(found) >= limit:
                break
        return found[:limit]


def _in_order(chars: list[str], name: str) -> bool:
    """Whether ``name`` holds ``chars`` in this order (not necessarily side by side).

    >>> _in_order(list("太白社区"), "太白路社区"), _in_order(list("太白社区"), "白太社区")
    (True, False)
    """
    rest = iter(name)
    return all(c in rest for c in chars)
