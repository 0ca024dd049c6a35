"""Area outlines without a tile server: districts, streets, communities and grids drawn from their members' points.

No department hands over boundary files with its ledgers, but every community, compound, unit and station may carry
经度/纬度. From those points (``queries/place_points.cypher``, placed in the area tree by ``Geography``):

* a district's and a street's outline is the convex hull of its members' points, widened by ``MARGIN_M`` (one or
  two points: a disc or a capsule);
* the communities of a street split the street's outline into Voronoi cells around their sites (a community's own
  coordinates, else the centre of its members' points), and the grids of a community split its cell the same way;
* an imported boundary (:func:`read_boundaries`, GeoJSON keyed by area id) replaces the derived outline of its area,
  and the areas below are cut to it.

A blank coordinate never breaks anything: an area is outlined from whatever of its members has a point, and an area
none of whose members has one is listed in ``unplaced`` (未标注位置) instead. Geometry runs on longitudes scaled by
the cosine of the region's latitude, so cells are not stretched east–west. Computed once per graph state: the
functions return values, the caller keeps them.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import shapely
from shapely.geometry import MultiPoint, mapping, shape

from orggraph.analysis.geodesy import EARTH_RADIUS_M, Datum, convert
from orggraph.analysis.geography import Geography, Place, area_label
from orggraph.analysis.query_catalogue import find_query, run_query
from orggraph.graph.statements_analysis import points_in
from orggraph.graph.store import BoltStore
from orggraph.model.errors import OrgGraphError

MARGIN_M = 150.0  # how far a derived outline reaches beyond its outermost points
MAX_BOUNDARY_MB = 50.0  # a boundary file larger than this is refused before it is parsed
BOUNDARY_FILE = "boundaries.geojson"  # a department's own outlines, in the data dir: they replace the derived ones
Source = Literal["imported", "derived"]
PointRow = tuple[str, str, float, float, str, str]  # record id, label, longitude, latitude, its place, its name
_DEGREE_M = EARTH_RADIUS_M * math.pi / 180


class BoundaryFileError(OrgGraphError):
    """A boundary file that cannot be read as GeoJSON polygons keyed by area id."""


@dataclass(frozen=True)
class AreaShape:
    """One area's outline (a shapely polygon in longitude/latitude of the ledgers' datum) and where it came from."""

    place: Place
    outline: Any
    source: Source
    points: int  # member points it was derived from (0 for an imported outline of an area with none)


@dataclass(frozen=True)
class AreaShapes:
    shapes: dict[str, AreaShape]  # area id → its outline
    unplaced: tuple[Place, ...]  # areas none of whose members has a point: 未标注位置

    def features(self, ids: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """GeoJSON features (id, name, level, source) of the given areas (all by default), for a map layer."""
        wanted = self.shapes if ids is None else [i for i in ids if i in self.shapes]
        return [_feature(self.shapes[i]) for i in wanted]


def _feature(s: AreaShape) -> dict[str, Any]:
    properties = {"id": s.place.id, "name": s.place.name, "level": s.place.label, "source": s.source}
    return {"type": "Feature", "id": s.place.id, "properties": properties, "geometry": mapping(s.outline)}


def fetch_points(store: BoltStore) -> list[PointRow]:
    """Every record with coordinates and the place it sits in (one catalogue query, one row of aligned lists); a
    store with an area reads from the area's node, not the region's every point (``points_in``)."""
    area = getattr(store, "area", None)
    label = area_label(store, area) if area else None
    if area and label:
        rows = store.read(points_in(label), {"area": area}, shape="aligned ids")
    else:
        rows = run_query(store, find_query("place_points"))
    if not rows:
        return []
    r = rows[0]
    return list(zip(r["ids"], r["labels"], r["lons"], r["lats"], r["places"], r["names"], strict=True))


def area_shapes(
    geography: Geography, points: Sequence[PointRow], boundaries: Mapping[str, Any] | None = None
) -> AreaShapes:
    """The outline of every area (district, street, community, grid) of ``geography``.

    >>> from orggraph.analysis.geography import Geography
    >>> geo = Geography.from_rows([("D", "District", "区", None), ("S", "Street", "街道", "D"),
    ...     ("C1", "Community", "甲", "S"), ("C2", "Community", "乙", "S"), ("C3", "Community", "丙", "S")])
    >>> points = [("C1", "Community", 114.80, 30.40, "C1", "甲"), ("C2", "Community", 114.82, 30.40, "C2", "乙")]
    >>> shapes = area_shapes(geo, points)
    >>> sorted(shapes.shapes), [p.id for p in shapes.unplaced]
    (['C1', 'C2', 'D', 'S'], ['C3'])
    >>> shapes.shapes["C1"].outline.intersection(shapes.shapes["C2"].outline).area < 1e-12  # cells do not overlap
    True
    """
    scale = _scale(points)
    members = _members(geography, points, scale)
    own = {pid: (lon * scale, lat) for pid, label, lon, lat, *_ in points if label == "Community"}
    imported = {k: _scaled(v, scale) for k, v in (boundaries or {}).items()}
    outlines: dict[str, tuple[Any, Source]] = {}
    children = _children(geography)
    for top in geography.top_areas():
        _outline_tree(top, children, members, own, imported, outlines)
    shapes = {
        pid: AreaShape(geography.places[pid], _unscaled(outline, scale), source, len(members.get(pid, ())))
        for pid, (outline, source) in outlines.items()
    }
    unplaced = tuple(p for p in geography.places.values() if p.label in _LEVELS and p.id not in shapes)
    return AreaShapes(shapes, unplaced)


_LEVELS = ("District", "Street", "Community", "Grid")
_SPLIT = {"Street": "Community", "Community": "Grid"}  # a level whose outline its children split into cells


def _children(geography: Geography) -> dict[str, list[Place]]:
    out: dict[str, list[Place]] = defaultdict(list)
    for p in sorted(geography.places.values(), key=lambda p: p.id):
        if p.label in _LEVELS and p.parent is not None:
            out[p.parent].append(p)
    return out


def _outline_tree(
    area: Place,
    children: Mapping[str, list[Place]],
    members: Mapping[str, list[tuple[float, float]]],
    own: Mapping[str, tuple[float, float]],
    imported: Mapping[str, Any],
    outlines: dict[str, tuple[Any, Source]],
) -> None:
    """This area's outline (kept in ``outlines`` by whoever split it, or its hull), then its children's."""
    if area.id in imported:
        outlines[area.id] = (imported[area.id], "imported")
    elif area.id not in outlines and members.get(area.id):
        outlines[area.id] = (_hull(members[area.id]), "derived")
    below = children.get(area.id, [])
    if area.id in outlines and _SPLIT.get(area.label):
        split = [c for c in below if c.label == _SPLIT[area.label]]
        _split(outlines[area.id][0], split, members, own, imported, outlines)
    for child in below:
        _outline_tree(child, children, members, own, imported, outlines)


def _split(
    outline: Any,
    areas: list[Place],
    members: Mapping[str, list[tuple[float, float]]],
    own: Mapping[str, tuple[float, float]],
    imported: Mapping[str, Any],
    outlines: dict[str, tuple[Any, Source]],
) -> None:
    """Voronoi cells of the areas' sites, cut to the parent's outline (an imported outline is kept as it is)."""
    sites: dict[str, tuple[float, float]] = {}
    for a in areas:
        if a.id in own:
            sites[a.id] = own[a.id]
        elif members.get(a.id):
            xs, ys = zip(*members[a.id], strict=True)
            sites[a.id] = (sum(xs) / len(xs), sum(ys) / len(ys))
    cells = _cells(outline, sites)
    for aid, cell in cells.items():
        if aid not in imported and not cell.is_empty:
            outlines[aid] = (cell, "derived")


def _cells(outline: Any, sites: Mapping[str, tuple[float, float]]) -> dict[str, Any]:
    """Each site's Voronoi cell within ``outline``; sites at one spot share their cell."""
    if not sites:
        return {}
    spots = sorted(set(sites.values()))
    if len(spots) == 1:
        return dict.fromkeys(sites, outline)
    diagram = shapely.voronoi_polygons(MultiPoint(spots), extend_to=outline, ordered=True)
    by_spot = {spot: cell.intersection(outline) for spot, cell in zip(spots, diagram.geoms, strict=True)}
    return {aid: by_spot[spot] for aid, spot in sites.items()}


def _hull(points: list[tuple[float, float]]) -> Any:
    return MultiPoint(points).convex_hull.buffer(MARGIN_M / _DEGREE_M, quad_segs=4)


def _members(geography: Geography, points: Sequence[PointRow], scale: float) -> dict[str, list[tuple[float, float]]]:
    """Each area's member points (scaled), from every record whose place lies in it."""
    out: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for _, _, lon, lat, place, *_ in points:
        for area in geography.areas(place):
            out[area.id].append((lon * scale, lat))
    return out


def _scale(points: Sequence[PointRow]) -> float:
    """The cosine of the points' middle latitude: longitudes times this are as long as latitudes."""
    if not points:
        return 1.0
    lats = [p[3] for p in points]
    return math.cos(math.radians((min(lats) + max(lats)) / 2))


def _scaled(geometry: Any, scale: float) -> Any:
    return shapely.transform(geometry, lambda c: c * np.array([scale, 1.0]))


def _unscaled(geometry: Any, scale: float) -> Any:
    return shapely.transform(geometry, lambda c: c / np.array([scale, 1.0]))


def department_boundaries(data_dir: Path, datum: Datum) -> dict[str, Any] | None:
    """The outlines a department put in its data dir (``BOUNDARY_FILE``), or None when it has put none."""
    path = data_dir / BOUNDARY_FILE
    return read_boundaries(path, datum) if path.is_file() else None


def read_boundaries(path: Path, datum: Datum) -> dict[str, Any]:
    """An imported boundary file: a GeoJSON FeatureCollection (WGS-84, as RFC 7946 has it) of Polygon or
    MultiPolygon features, each naming its area by ``properties.id`` (or the feature's ``id``), converted to the
    ledgers' ``datum`` (the setting ``coordinate_datum``). Its size is checked before it is parsed."""
    size_mb = path.stat().st_size / 1e6
    if size_mb > MAX_BOUNDARY_MB:
        raise BoundaryFileError(
            f"边界文件 {path.name} 有 {size_mb:.0f} MB,超过上限 {MAX_BOUNDARY_MB:.0f} MB",
            f"boundary file {path.name} is {size_mb:.0f} MB, over the {MAX_BOUNDARY_MB:.0f} MB limit",
        )
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BoundaryFileError(
            f"边界文件 {path.name} 不是 GeoJSON:{exc}", f"{path.name} is no GeoJSON: {exc}"
        ) from exc
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise BoundaryFileError(
            f"边界文件 {path.name} 应为 GeoJSON FeatureCollection", f"{path.name} must be a GeoJSON FeatureCollection"
        )
    return dict(_boundary(path.name, n, feature, datum) for n, feature in enumerate(doc.get("features") or [], 1))


def _boundary(file: str, n: int, feature: Any, datum: Datum) -> tuple[str, Any]:
    """One feature as (area id, polygon in ``datum``), or an error naming the file and the feature's number."""
    feature = feature if isinstance(feature, dict) else {}
    props = feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
    area_id = props.get("id") or feature.get("id")
    try:
        geometry = shape(feature["geometry"])
    except (KeyError, TypeError, ValueError, AttributeError, shapely.errors.GEOSException):
        geometry = None
    if not area_id or geometry is None or geometry.geom_type not in ("Polygon", "MultiPolygon"):
        raise BoundaryFileError(
            f"边界文件 {file} 第 {n} 个要素应有区域编号(properties.id)和面(Polygon 或 MultiPolygon)",
            f"{file}, feature {n}: needs an area id (properties.id) and a Polygon or MultiPolygon",
        )
    return str(area_id), shapely.make_valid(shapely.transform(geometry, lambda c: _to_datum(c, datum)))


def _to_datum(coords: np.ndarray[Any, Any], datum: Datum) -> np.ndarray[Any, Any]:
    lon, lat = convert(coords[:, 0], coords[:, 1], "WGS-84", datum)
    return np.column_stack((lon, lat))
