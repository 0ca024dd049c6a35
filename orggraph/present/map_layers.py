"""The coverage map (一张图) as plain rows for a map layer: areas filled by one rule's rate, the rule's members as
points (covered or a gap, with the gap's reason), service stations with their walking circle, a legend and a view
that frames an area. No drawing library here: the page hands these rows to pydeck (``app/pages/coverage_map``), a
test reads them as they are.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from orggraph.analysis.area_shapes import AreaShapes, PointRow
from orggraph.analysis.coverage import AreaRate, RuleOutcome
from orggraph.analysis.geography import Geography

# the rate scale: (lowest rate of the step, RGBA fill, 中文, English); no rate (nothing to cover) is grey
RATE_STEPS = (
    (0.0, (215, 48, 39, 170), "低于 50%", "below 50%"),
    (0.5, (252, 141, 89, 170), "50%–70%", "50%–70%"),
    (0.7, (254, 224, 139, 170), "70%–85%", "70%–85%"),
    (0.85, (145, 207, 96, 170), "85%–95%", "85%–95%"),
    (0.95, (26, 152, 80, 170), "95% 以上", "95% and above"),
)
NO_RATE = (200, 200, 200, 110)
SUB_LEVEL = {None: "District", "District": "Street", "Street": "Community", "Community": "Grid"}  # what a map shows
# where stations and their walking circles are drawn: over a district or a city, hundreds of 1 km circles stack into
# blue blots that hide the areas' colours (seen on the city demo), so from a street down only
STATIONS_SHOWN = ("Street", "Community", "Grid")
COVERED, GAP, STATION = (26, 152, 80, 220), (215, 48, 39, 235), (44, 123, 182, 230)
CIRCLE = (44, 123, 182, 40)  # a station's walking circle


# every row carries every field the map's tooltip names (its name, rate, figures, reason, action): deck.gl shows a
# field a row lacks as its raw placeholder ("{why}" under an area's name, as seen in the browser)
_NO_RATE = {"rate": "", "figures": ""}
_NO_GAP = {"why": "", "action": ""}


def rate_fill(rate: float | None) -> tuple[int, int, int, int]:
    """The fill of an area at this rate (the step it falls in).

    >>> rate_fill(0.9), rate_fill(None)
    ((145, 207, 96, 170), (200, 200, 200, 110))
    """
    if rate is None:
        return NO_RATE
    return next(fill for low, fill, _, _ in reversed(RATE_STEPS) if rate >= low)


def legend(lang: str = "zh") -> list[tuple[str, tuple[int, int, int, int]]]:
    """The scale's steps as (words, fill), lowest first, then the grey of no rate."""
    steps = [(zh if lang == "zh" else en, fill) for _, fill, zh, en in RATE_STEPS]
    return [*steps, ("无须覆盖" if lang == "zh" else "nothing to cover", NO_RATE)]


def area_rows(shapes: AreaShapes, rates: Iterable[AreaRate], areas: Sequence[str]) -> list[dict[str, Any]]:
    """One row per area with an outline: its rings (pydeck's ``polygon``: outer ring then holes, of the largest
    part), its rate in words and its fill."""
    by_id = {r.area.id: r for r in rates}
    rows = []
    for aid in areas:
        shape = shapes.shapes.get(aid)
        if shape is None:
            continue
        rate = by_id.get(aid)
        value = rate.rate if rate is not None else None
        figures = f"{rate.covered}/{rate.total}" if rate is not None else "0/0"
        shown = "—" if value is None else f"{value:.1%}"
        rows.append({"id": aid, "name": shape.place.name, "level": shape.place.label, "polygon": _rings(shape.outline),
                     "rate": shown, "figures": figures, "fill": list(rate_fill(value)), **_NO_GAP})  # fmt: skip
    return rows


def member_rows(
    outcome: RuleOutcome, points: Sequence[PointRow], geography: Geography, within: str | None, lang: str = "zh"
) -> list[dict[str, Any]]:
    """The rule's members that have coordinates (within the area), red where a gap (with its reason), green where
    covered. A member without coordinates is not drawn: the page lists how many."""
    gaps = {g.id: g for g in outcome.gaps}
    label = outcome.rule.population
    rows = []
    for pid, plabel, lon, lat, place, name in points:
        if plabel != label or (within is not None and not geography.within(place, within)):
            continue
        gap = gaps.get(pid)
        why = "" if gap is None else (gap.why_zh if lang == "zh" else gap.why_en)
        action = "" if gap is None else (gap.action_zh if lang == "zh" else gap.action_en)
        rows.append({"id": pid, "name": name, **_NO_RATE,
                     "lon": lon, "lat": lat, "gap": gap is not None, "why": why, "action": action,
                     "fill": list(GAP if gap else COVERED)})  # fmt: skip
    return rows


def station_rows(
    points: Sequence[PointRow], geography: Geography, within: str | None, radius_m: float
) -> list[dict[str, Any]]:
    """Service stations with coordinates (within the area: by where they are located) and their walking circle."""
    return [
        {
            "id": pid,
            "name": name,
            "lon": lon,
            "lat": lat,
            "radius": radius_m,
            "fill": list(STATION),
            "circle": list(CIRCLE),
            **_NO_RATE,
            **_NO_GAP,
        }
        for pid, label, lon, lat, place, name in points
        if label == "ServiceStation" and (within is None or geography.within(place, within))
    ]


@dataclass(frozen=True)
class MapRows:
    """What one map of one rule over one area draws (the page's layers and the PNG alike)."""

    areas: list[dict[str, Any]]  # the area's sub-areas (or the area itself when it has none), filled by rate
    members: list[dict[str, Any]]
    stations: list[dict[str, Any]]
    bounds: tuple[float, float, float, float] | None  # west, south, east, north of what is outlined
    level: str | None  # the sub-areas' level


def map_rows(
    outcome: RuleOutcome,
    shapes: AreaShapes,
    points: Sequence[PointRow],
    geography: Geography,
    area: str | None,
    radius_m: float,
    lang: str = "zh",
) -> MapRows:
    """The rows of the map of ``outcome`` within ``area`` (everywhere: None), its sub-areas filled by their rate;
    the service stations only within a street (``STATIONS_SHOWN``)."""
    label = geography.places[area].label if area else None
    level = SUB_LEVEL.get(label)
    shown = [p.id for p in geography.children(area) if p.label == level] or ([area] if area else [])
    rates = outcome.areas.get(level or "", ()) if level else ()
    outlines = [shapes.shapes[i].outline for i in ([area] if area else shown) if i in shapes.shapes]
    bounds = None
    if outlines:
        west, south, east, north = zip(*(o.bounds for o in outlines), strict=True)
        bounds = (min(west), min(south), max(east), max(north))
    return MapRows(
        area_rows(shapes, rates, shown),
        member_rows(outcome, points, geography, area, lang),
        station_rows(points, geography, area, radius_m) if label in STATIONS_SHOWN else [],
        bounds,
        level,
    )


@dataclass(frozen=True)
class View:
    """Where the map looks: the centre and a zoom that frames the bounds (Web Mercator tiles of 512 px)."""

    lon: float
    lat: float
    zoom: float


def framing(bounds: tuple[float, float, float, float] | None, width_px: int = 800, height_px: int = 560) -> View:
    """The view that shows ``bounds`` (west, south, east, north) whole; China's middle when there are none.

    >>> framing((114.8, 30.4, 114.9, 30.5)).zoom > 10
    True
    """
    if bounds is None:
        return View(105.0, 35.0, 3.0)
    west, south, east, north = bounds
    lat = (south + north) / 2
    span_x = max(east - west, 1e-4) / 360 * math.cos(math.radians(lat))
    span_y = max(north - south, 1e-4) / 360
    zoom = math.log2(min(width_px / 512 / span_x, height_px / 512 / span_y))
    return View((west + east) / 2, lat, max(1.0, min(zoom - 0.2, 17.0)))


def _rings(outline: Any) -> list[list[list[float]]]:
    """The outer ring and holes of an outline's largest part, as [[lon, lat], …] lists."""
    part = max(getattr(outline, "geoms", [outline]), key=lambda g: g.area)
    rings = [part.exterior, *part.interiors]
    return [[[round(x, 6), round(y, 6)] for x, y in ring.coords] for ring in rings]
