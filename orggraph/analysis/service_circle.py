"""The rules measured in Python (``measure:`` in ``coverage_rules.yaml``): 服务覆盖, every compound within a service
station's walking radius.

Neo4j and ArcadeDB share no geodesic distance function, so the rule's query (``gap_service_circle``) returns each
compound's coordinates with ``covered`` null, and :func:`measured` decides those rows here, after all of a rule's
runs are in: it reads the stations with coordinates in the rows' box widened by ``nearest_within_m``
(``service_stations_within``; a street's report reads its neighbourhood, not the province) and finds each compound's
nearest station in a k-d tree over unit vectors (``geodesy``): exact great-circle distances, no all-pairs loop.
Only stations within ``nearest_within_m`` are ever named, so a report of one area and the whole report cut to that
area name the same station (ties at one distance go to the smallest id).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from orggraph.analysis.geodesy import EARTH_RADIUS_M, chord_metres, metres_chord, unit_vectors
from orggraph.analysis.query_catalogue import bind, find_query
from orggraph.graph.statements_analysis import catalogue_statement
from orggraph.model.coverage_rules import CoverageRule, Measure

if TYPE_CHECKING:  # the engine's row and reader types (coverage imports this module)
    from orggraph.analysis.coverage_runs import ReadRows, RuleRow

STATIONS_QUERY = "service_stations_within"
CODES = {"nearest_station": ("no_station_within_radius", "no_station_nearby")}  # the reasons a measure gives
_NEAREST_OF = 4  # candidates asked of the tree, to break ties at one distance by id
_DEGREE_M = EARTH_RADIUS_M * np.pi / 180  # metres in one degree of latitude
Station = tuple[str, str, float, float]  # id, name, longitude, latitude


def measured(rule: CoverageRule, rows: list[RuleRow], read: ReadRows) -> list[RuleRow]:
    """A rule's rows with the unmeasured ones (``covered`` null) measured; a rule with no measure as it is."""
    if rule.measure is None:
        return rows
    todo = [r for r in rows if r["covered"] is None]
    if not todo:
        return rows
    points = np.array([r["detail"] for r in todo], dtype=float)
    query = find_query(STATIONS_QUERY)
    box = stations_box(points, rule.measure.nearest_within_m)
    found = read(catalogue_statement(query.text), bind(query, box), name=query.name)
    stations = [(s[0], s[1], float(s[2]), float(s[3])) for s in (found[0]["stations"] if found else [])]
    done = nearest_station(todo, points, stations, rule.measure)
    return [r for r in rows if r["covered"] is not None] + done


def prepare() -> None:
    """Import the k-d tree now (~0.7 s on a slow machine): a load imports it while it writes, not in its snapshot."""
    import scipy.spatial  # noqa: F401


def stations_box(points: np.ndarray[Any, Any], margin_m: float) -> dict[str, float]:
    """The rows' longitude/latitude box widened by ``margin_m`` on every side (a little more, never less)."""
    lon, lat = points[:, 0], points[:, 1]
    dlat = margin_m / _DEGREE_M * 1.01
    north, south = min(float(lat.max()) + dlat, 89.0), max(float(lat.min()) - dlat, -89.0)
    dlon = dlat / np.cos(np.radians(max(abs(north), abs(south))))
    return {"west": float(lon.min()) - dlon, "east": float(lon.max()) + dlon, "south": south, "north": north}


def nearest_station(
    rows: Sequence[RuleRow], points: np.ndarray[Any, Any], stations: Sequence[Station], measure: Measure
) -> list[RuleRow]:
    """Each row (at ``points``: longitude, latitude) covered when its nearest station lies within the radius; the
    nearest within ``nearest_within_m`` is its detail (``{station, station_id, metres}``)."""
    stations = sorted(stations)
    best = np.full(len(rows), -1)
    metres = np.full(len(rows), np.inf)
    if stations:
        from scipy.spatial import cKDTree  # here: scipy.spatial is ~0.16 s of every CLI command's start-up

        tree = cKDTree(unit_vectors([s[2] for s in stations], [s[3] for s in stations]))
        k = min(_NEAREST_OF, len(stations))
        bound = metres_chord(measure.nearest_within_m) * (1 + 1e-9)
        chords, index = tree.query(unit_vectors(points[:, 0], points[:, 1]), k=k, distance_upper_bound=bound)
        chords, index = np.reshape(chords, (len(rows), k)), np.reshape(index, (len(rows), k))
        tied = (index < len(stations)) & (chords <= chords[:, :1] * (1 + 1e-12))  # the nearest, and any as near
        best = np.where(tied, index, len(stations)).min(axis=1)  # the smallest id among them (stations by id)
        best[best >= len(stations)] = -1  # none within nearest_within_m
        metres = chord_metres(chords[:, 0])
    return [_row(row, int(j), float(m), stations, measure) for row, j, m in zip(rows, best, metres, strict=True)]


def _row(row: RuleRow, index: int, metres: float, stations: Sequence[Station], measure: Measure) -> RuleRow:
    if index < 0:
        return {**row, "covered": False, "reason": "no_station_nearby", "detail": None}
    detail = {"station": stations[index][1], "station_id": stations[index][0], "metres": round(metres)}
    covered = metres <= measure.radius_m
    return {**row, "covered": covered, "reason": None if covered else "no_station_within_radius", "detail": detail}
