"""The governance geography as an in-memory tree: every gap row names only its place, and this turns a
place into its area chain (区 › 街道 › 社区 › 网格) and answers "is it inside this area?".

Fetched with one catalogue query (one row of lists: ArcadeDB answers a collected row ~3× faster than
the same data as rows) and kept for as long as the caller holds it — the app keeps one per graph load.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from orggraph.analysis.query_catalogue import find_query, run_query
from orggraph.graph.statements_analysis import AREA_LABEL, geography_around
from orggraph.graph.store import BoltStore
from orggraph.model.errors import QueryError

AREA_LEVELS = ("District", "Street", "Community", "Grid")  # the levels a report is broken down by
LEVEL_NAMES = {"District": ("区县", "District"), "Street": ("街道", "Street"), "Community": ("社区", "Community"),
               "Grid": ("网格", "Grid")}  # fmt: skip  # the one vocabulary of the area levels (中文, English)
_DEPTH = {"District": 0, "Street": 1, "Community": 2, "CommercialZone": 2, "Grid": 3, "Compound": 4}
_DEPTH_DEFAULT = 5  # Building, CommercialBuilding
_MAX_CHAIN = 12  # PART_OF cycles are refused by the loader; this only stops a walk on a hand-made graph
PlaceRow = tuple[str, str, str | None, str | None]  # id, label, name, parent


@dataclass(frozen=True)
class Place:
    id: str
    label: str
    name: str
    parent: str | None


class Geography:
    def __init__(self, places: dict[str, Place]) -> None:
        self.places = places
        self._chains: dict[str | None, tuple[Place, ...]] = {None: ()}
        self._areas: dict[str | None, tuple[Place, ...]] = {}

    @classmethod
    def fetch(cls, store: BoltStore, area: tuple[str, str] | None = None) -> Geography:
        """The whole region's places, or (``area``: its label and id) those of the area's street and above."""
        lists: Mapping[str, Any]
        if area is None:
            lists = run_query(store, find_query("geography_tree"))[0]  # flat lists: ~2× faster to decode than rows
        else:
            rows = store.read(geography_around(area[0]), {"area": area[1]}, shape="aligned ids")
            lists = rows[0] if rows else {"ids": [], "labels": [], "names": [], "parents": []}
        parents = [p or None for p in lists["parents"]]
        return cls.from_rows(list(zip(lists["ids"], lists["labels"], lists["names"], parents, strict=True)))

    @classmethod
    def from_rows(cls, rows: Sequence[PlaceRow]) -> Geography:
        """A place with two parents (a compound filed under its grid and its community) keeps the deeper one."""
        labels: dict[str | None, str] = {pid: label for pid, label, _, _ in rows}
        places: dict[str, Place] = {}
        for pid, label, name, parent in rows:
            known = places.get(pid)
            if known is None or (parent and _depth(labels.get(parent)) > _depth(labels.get(known.parent))):
                places[pid] = Place(pid, label, name or pid, parent if parent in labels else None)
        return cls(places)

    def chain(self, place_id: str | None) -> tuple[Place, ...]:
        """The place and its ancestors, root first (memoised: many gaps share a grid)."""
        if place_id in self._chains:
            return self._chains[place_id]
        out: list[Place] = []
        current = None if place_id is None else self.places.get(place_id)
        while current is not None and len(out) < _MAX_CHAIN:
            out.append(current)
            current = self.places.get(current.parent) if current.parent else None
        chain = tuple(reversed(out))
        self._chains[place_id] = chain
        return chain

    def areas(self, place_id: str | None) -> tuple[Place, ...]:
        """Only the report levels of the chain: district, street, community, grid (those present)."""
        if place_id not in self._areas:
            self._areas[place_id] = tuple(p for p in self.chain(place_id) if p.label in AREA_LEVELS)
        return self._areas[place_id]

    def area(self, area_id: str) -> Place:
        """An area by id, or an error saying what areas look like."""
        place = self.places.get(area_id)
        if place is None:
            sample = ", ".join(f"{p.id} {p.name}" for p in self.top_areas()[:5])
            raise QueryError(
                f"没有编号为 {area_id} 的地理单元(区、街道、社区或网格),例如:{sample}",
                f"no area with id {area_id} (district, street, community or grid); e.g. {sample}",
            )
        return place

    def area_counts(self, places: Iterable[str | None]) -> Counter[str]:
        """Per area (every report level), how many of ``places`` lie inside it: each place counted at its deepest
        area, then each area's count added to the areas above it — one step per area rather than per place and
        level (a province's whole report counts 1.08M rule rows at ~860k places in ~50k areas)."""
        deepest: Counter[str | None] = Counter(map(self._deepest.get, places))
        deepest.pop(None, None)
        totals: Counter[str] = Counter()
        above = self._above
        for aid, n in deepest.items():
            assert aid is not None
            totals[aid] += n
            for up in above[aid]:
                totals[up] += n
        return totals

    @cached_property
    def _deepest(self) -> dict[str | None, str | None]:
        """Each place's deepest area (its grid, community, street or district), None when it is in none — the last
        report level of its chain, found by a walk up that stops at the first area or at a place already answered,
        building no chains (a province's ~860k places: 2.7 → 0.7 s). Places are taken parents first (by their level's
        depth), so nearly every one is answered from its parent's answer (a city's ~45k: 0.3 → ~0.05 s)."""
        found: dict[str, tuple[str | None, int]] = {}  # place → its deepest area and the steps up to it
        places = self.places
        for pid in sorted(places, key=lambda p: _depth(places[p].label)):  # parents first, mostly: one step each
            place = places[pid]
            up = found.get(place.parent) if place.parent else (None, 0)
            if place.label in AREA_LEVELS:
                found[pid] = (pid, 0)
            elif up is None:  # its parent not answered yet (a hand-made graph's order): the walk
                _walk_up(places, pid, found)
            elif up[0] is None or up[1] + 1 < _MAX_CHAIN:  # what the walk would answer, one step from its parent
                found[pid] = (up[0], up[1] + 1 if up[0] else 0)
        return {pid: found[pid][0] if pid in found else None for pid in places}

    @cached_property
    def _above(self) -> dict[str, tuple[str, ...]]:
        """Each area's areas above it."""
        areas = (pid for pid, p in self.places.items() if p.label in AREA_LEVELS)
        return {pid: tuple(a.id for a in self.areas(pid)[:-1]) for pid in areas}

    def within(self, place_id: str | None, area_id: str) -> bool:
        return any(p.id == area_id for p in self.chain(place_id))

    def children(self, area_id: str | None) -> list[Place]:
        """The areas one report level below (the districts when area_id is None)."""
        return [p for p in self._by_parent.get(area_id, []) if p.label in AREA_LEVELS]

    def top_summary(self) -> list[dict[str, Any]]:
        """Per top area (the districts; a street user's street): its id, name, label and how many streets,
        communities and grids it holds."""
        tops = self.children(None)
        counts: dict[str, Counter[str]] = {p.id: Counter() for p in tops}
        for place in self.places.values():
            chain = self.areas(place.id)
            if len(chain) > 1 and chain[0].id in counts:
                counts[chain[0].id][place.label] += 1
        return [
            {"id": p.id, "name": p.name, "label": p.label, **{lv: counts[p.id][lv] for lv in AREA_LEVELS[1:]}}
            for p in sorted(tops, key=lambda p: p.id)
        ]

    def top_areas(self) -> list[Place]:
        return sorted((p for p in self.places.values() if p.label == "District"), key=lambda p: p.id)

    @cached_property
    def _by_parent(self) -> dict[str | None, list[Place]]:
        out: dict[str | None, list[Place]] = {}
        for p in sorted(self.places.values(), key=lambda p: p.id):
            out.setdefault(p.parent, []).append(p)
        return out

    def chain_text(self, place_id: str | None, sep: str = " › ") -> str:
        return sep.join(p.name for p in self.areas(place_id))


def _depth(label: str | None) -> int:
    return -1 if label is None else _DEPTH.get(label, _DEPTH_DEFAULT)


def area_label(store: BoltStore, area_id: str) -> str | None:
    """Which area level (District, Street, Community, Grid) ``area_id`` names in the graph, None when it names none
    (four id-index lookups: no geography read)."""
    rows = store.read(AREA_LABEL, {"id": area_id})
    return str(rows[0]["label"]) if rows else None


def _walk_up(places: dict[str, Place], pid: str, found: dict[str, tuple[str | None, int]]) -> None:
    """Answer ``pid`` and the places walked through on the way up, as :meth:`Geography.chain` would: an area counts
    only within ``_MAX_CHAIN`` places of the chain's start (a hand-made cycle or an over-long chain answers None, and
    such a None is not kept for the places above, whose own chains may reach further)."""
    below: list[str] = []
    current: str | None = pid
    hit: tuple[str | None, int] | None = None
    while current is not None and len(below) < _MAX_CHAIN:
        if current in found:
            hit = found[current]
            break
        place = places[current]
        if place.label in AREA_LEVELS:
            hit = found[current] = (current, 0)
            break
        below.append(current)
        current = place.parent
    if current is None:
        hit = (None, 0)  # the root reached with no area: none above any of them
    if hit is None:
        return
    area, steps = hit
    for i, place_id in enumerate(reversed(below), 1):
        if area is None or steps + i < _MAX_CHAIN:
            found[place_id] = (area, steps + i if area else 0)
