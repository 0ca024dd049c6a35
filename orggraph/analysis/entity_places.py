"""Where a found entity sits, so a search's matches can be told apart: its area chain (区 › 街道 › 社区 › 网格)
beside its kind. Four compounds called 金城小区 in four districts read the same by name; by place they do not.

A place (a community, a grid, a compound …) sits in its own chain above it; anything else (an org, a unit, an
agreement) sits where the nearest place reached along ``placement.yaml``'s placing ties sits (a unit's org →
the unit → the community it is located in). The placing ties are the area scope's, read once per state of
the graph (``area_scope.UNIVERSES``); nothing here reads the graph per search.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from orggraph.analysis.entities import Entity, ranked_matches
from orggraph.analysis.geography import Geography, Place
from orggraph.analysis.name_index import NameIndex
from orggraph.graph.area_scope import UNIVERSES
from orggraph.graph.store import BoltStore
from orggraph.model.schema import load_schema

CHAIN_LEVELS = ("District", "Street", "Community")  # what a match is told apart by: 区 › 街道 › 社区
MAX_STEPS = 200  # records visited looking for a place: placing ties are short; this only stops bad data


class EntityPlaces:
    """The area chain of any record, from the geography and the placing ties (record → the records it sits in)."""

    def __init__(self, geography: Geography, up: Mapping[str, Iterable[str]]) -> None:
        self.geography, self.up = geography, up

    @classmethod
    def fetch(cls, store: BoltStore, geography: Geography) -> EntityPlaces:
        """The placing ties of the whole graph (an area-scoped store reads its base's: the chain of a record
        inside the area is the same) with ``geography`` (the viewer's)."""
        base: BoltStore = getattr(store, "base", store)
        return cls(geography, UNIVERSES.of(base).graph_homes.up)

    def chain(self, entity_id: str) -> tuple[Place, ...]:
        """The areas ``entity_id`` sits in, top first, itself left out (empty when it reaches no place).

        >>> geo = Geography.from_rows([["D1", "District", "任城区", None], ["S1", "Street", "太白街道", "D1"],
        ...                            ["C1", "Community", "金城社区", "S1"], ["K1", "Compound", "金城小区", "C1"]])
        >>> places = EntityPlaces(geo, {"O1": ["U1"], "U1": ["C1"]})
        >>> [p.name for p in places.chain("O1")], [p.name for p in places.chain("K1")], places.chain("X")
        (['任城区', '太白街道', '金城社区'], ['任城区', '太白街道', '金城社区'], ())
        """
        place = self._nearest_place(entity_id)
        return tuple(p for p in self.geography.areas(place) if p.id != entity_id) if place else ()

    def _nearest_place(self, entity_id: str) -> str | None:
        if entity_id in self.geography.places:
            return entity_id
        seen, queue = {entity_id}, deque([entity_id])
        while queue and len(seen) < MAX_STEPS:
            for up in sorted(self.up.get(queue.popleft(), ())):
                if up in self.geography.places:
                    return up
                if up not in seen:
                    seen.add(up)
                    queue.append(up)
        return None


@dataclass(frozen=True)
class Match:
    """One search result: the entity, how well it matched (0 its id, 1 its exact name … 4 characters in order)
    and the areas it sits in."""

    entity: Entity
    tier: int
    chain: tuple[Place, ...]

    @property
    def key(self) -> str:
        """A stable text naming the entity (ids are unique per label): what a picker keeps."""
        return f"{self.entity.label}:{self.entity.id}"

    def describe(self, lang: str) -> str:
        """Name · kind · 区 › 街道 › 社区 · id, short enough to read in a picker: the kind as stored (社区党委,
        商品房小区) or else the label in the viewer's language; the grid left out of the chain.

        >>> place = Place("C1", "Community", "金城社区", None)
        >>> Match(Entity("K01", "Compound", "金城小区", "商品房小区"), 1, (place,)).describe("en")
        '金城小区 · 商品房小区 · 金城社区 · K01'
        >>> Match(Entity("BD1", "Building", "1号楼"), 1, ()).describe("zh")
        '1号楼 · 楼栋 · BD1'
        """
        spec = load_schema().node(self.entity.label)
        kind = self.entity.kind or (spec.zh if lang == "zh" else spec.en)
        chain = " › ".join(p.name for p in self.chain if p.label in CHAIN_LEVELS)
        return " · ".join(part for part in (self.entity.name, kind, chain, self.entity.id) if part)


def search_matches(
    store: BoltStore,
    text: str,
    index: NameIndex | Callable[[], NameIndex],
    places: EntityPlaces,
    limit: int = 20,
) -> list[Match]:
    """The entities ``text`` names (``entities.ranked_matches``: id, then names in four tiers), best first, each
    with its area chain."""
    return [Match(e, tier, places.chain(e.id)) for e, tier in ranked_matches(store, text, limit, index)]


def clear_choice(matches: list[Match]) -> int | None:
    """The match to choose without asking: the best, when it is the only one found or the only one matching the id
    or the exact name; None when the viewer must pick (several equally good, or only partial matches).

    >>> a, b = Entity("K1", "Compound", "金城小区"), Entity("K2", "Compound", "金城小区")
    >>> clear_choice([Match(a, 1, ())]), clear_choice([Match(a, 1, ()), Match(b, 1, ())])
    (0, None)
    >>> clear_choice([Match(a, 1, ()), Match(b, 3, ())]), clear_choice([Match(a, 3, ()), Match(b, 3, ())])
    (0, None)
    """
    if len(matches) == 1:
        return 0
    if matches and matches[0].tier <= 1 and matches[1].tier > matches[0].tier:
        return 0
    return None
