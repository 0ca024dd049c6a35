"""Area outlines from members' points (``orggraph.analysis.area_shapes``): hand-made trees with exact expectations, an
imported boundary file (its datum, its errors), and the real server with blank coordinates and a generated street."""

from __future__ import annotations

import itertools
import json

import pytest
import shapely
from shapely.geometry import Point

from orggraph.analysis import area_shapes as shapes_module
from orggraph.analysis.area_shapes import BoundaryFileError, area_shapes, fetch_points, read_boundaries
from orggraph.analysis.geodesy import convert
from orggraph.analysis.geography import Geography
from orggraph.graph.store import BoltStore
from orggraph.ingest.load import load_demo_region

TREE = [("D", "District", "区", None), ("S", "Street", "街道", "D"), ("T", "Street", "空街道", "D"),
        ("C1", "Community", "甲", "S"), ("C2", "Community", "乙", "S"), ("C3", "Community", "丙", "S"),
        ("C4", "Community", "丁", "S"), ("G1", "Grid", "甲一", "C1"), ("G2", "Grid", "甲二", "C1"),
        ("K1", "Compound", "一", "G1"), ("K2", "Compound", "二", "G2"), ("K3", "Compound", "三", "C3")]  # fmt: skip
POINTS = [
    ("C1", "Community", 114.80, 30.40, "C1", "甲"),
    ("C2", "Community", 114.83, 30.40, "C2", "乙"),
    ("K1", "Compound", 114.795, 30.398, "K1", "一"),
    ("K2", "Compound", 114.805, 30.403, "K2", "二"),
    ("K3", "Compound", 114.815, 30.43, "K3", "三"),  # C3 has no coordinates of its own: its site is K3
    ("U1", "Unit", 114.84, 30.39, "C2", "单位"),  # a unit counts where it is located
]


@pytest.fixture
def made():
    return area_shapes(Geography.from_rows(TREE), POINTS)


def test_communities_split_their_street_and_grids_their_community(made) -> None:
    s = made.shapes
    assert {p.id for p in made.unplaced} == {"T", "C4"}, "no point: listed as 未标注位置"
    street = s["S"].outline
    cells = [s[c].outline for c in ("C1", "C2", "C3")]
    assert all(a.intersection(b).area < 1e-12 for a, b in itertools.combinations(cells, 2))
    assert shapely.union_all(cells).symmetric_difference(street).area < 1e-9 * street.area + 1e-12
    assert all(s[c].outline.contains(Point(lon, lat)) for c, _, lon, lat, *_ in POINTS[:2])
    assert s["C3"].outline.contains(Point(114.815, 30.43))
    assert all(s[g].outline.within(s["C1"].outline.buffer(1e-9)) for g in ("G1", "G2"))
    assert s["G1"].outline.contains(Point(114.795, 30.398)) and s["G2"].outline.contains(Point(114.805, 30.403))
    assert s["D"].outline.contains(street) and s["S"].points == 6 and s["C2"].points == 2
    assert {x.source for x in s.values()} == {"derived"}


def test_features_are_geojson_for_a_map_layer(made) -> None:
    (feature,) = made.features(["C1"])
    assert feature["properties"] == {"id": "C1", "name": "甲", "level": "Community", "source": "derived"}
    assert feature["geometry"]["type"] == "Polygon" and json.dumps(feature)
    assert len(made.features()) == len(made.shapes)


def test_no_point_anywhere_leaves_every_area_unplaced_and_nothing_breaks() -> None:
    empty = area_shapes(Geography.from_rows(TREE), [])
    assert empty.shapes == {} and len(empty.unplaced) == 9


# --- an imported boundary file ------------------------------------------------------------------------------------

SQUARE = [[114.78, 30.38], [114.86, 30.38], [114.86, 30.44], [114.78, 30.44], [114.78, 30.38]]


def _write(tmp_path, doc) -> object:
    path = tmp_path / "boundaries.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _collection(features) -> dict:
    return {"type": "FeatureCollection", "features": features}


def test_an_imported_boundary_replaces_the_derived_outline_and_cuts_the_areas_below(tmp_path) -> None:
    feature = {"type": "Feature", "properties": {"id": "S"}, "geometry": {"type": "Polygon", "coordinates": [SQUARE]}}
    path = _write(tmp_path, _collection([feature]))
    wgs = read_boundaries(path, "WGS-84")
    assert list(wgs) == ["S"] and wgs["S"].bounds == (114.78, 30.38, 114.86, 30.44)
    gcj = read_boundaries(path, "GCJ-02")["S"]  # GeoJSON is WGS-84: shifted into the ledgers' datum
    lon, lat = convert([c[0] for c in SQUARE], [c[1] for c in SQUARE], "WGS-84", "GCJ-02")
    got = [c for xy in sorted(gcj.exterior.coords[:-1]) for c in xy]
    assert got == pytest.approx([c for xy in sorted(zip(lon[:-1], lat[:-1], strict=True)) for c in xy], abs=1e-12)
    made = area_shapes(Geography.from_rows(TREE), POINTS, wgs)
    assert made.shapes["S"].source == "imported" and made.shapes["S"].outline.equals(wgs["S"])
    cells = [made.shapes[c].outline for c in ("C1", "C2", "C3")]
    assert shapely.union_all(cells).symmetric_difference(wgs["S"]).area < 1e-9


@pytest.mark.parametrize(
    ("doc", "words"),
    [
        ({"type": "Feature"}, "FeatureCollection"),
        (_collection([{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [SQUARE]}}]),
         "feature 1: needs an area id"),
        (_collection([{"type": "Feature", "properties": {"id": "S"}, "geometry": {"type": "Point",
                                                                                "coordinates": [114.8, 30.4]}}]),
         "feature 1: needs an area id"),
    ],
)  # fmt: skip
def test_a_bad_boundary_file_is_refused_naming_the_feature(tmp_path, doc, words) -> None:
    with pytest.raises(BoundaryFileError, match=words):
        read_boundaries(_write(tmp_path, doc), "WGS-84")


def test_a_boundary_file_too_large_is_refused_before_it_is_parsed(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(shapes_module, "MAX_BOUNDARY_MB", 1e-6)
    with pytest.raises(BoundaryFileError, match="over the"):
        read_boundaries(_write(tmp_path, "not even json"), "WGS-84")
    (tmp_path / "bad.geojson").write_text("{not json", encoding="utf-8")
    monkeypatch.setattr(shapes_module, "MAX_BOUNDARY_MB", 50.0)
    with pytest.raises(BoundaryFileError, match="no GeoJSON"):
        read_boundaries(tmp_path / "bad.geojson", "WGS-84")


# --- on the server ------------------------------------------------------------------------------------------------


def test_the_demo_fixture_is_outlined_where_its_records_have_coordinates(demo_store: BoltStore) -> None:
    """Communities and compounds carry coordinates, units do not, one station does: grids outline from their
    compounds, and a unit's blank coordinates leave nothing unplaced that has another located member."""
    points = fetch_points(demo_store)
    assert {p[0] for p in points} == {"C01", "C02", "C03", "K01", "K02", "K03", "K04", "SS01"}
    assert dict((p[0], p[4]) for p in points)["SS01"] == "C01"
    made = area_shapes(Geography.fetch(demo_store), points)
    assert set(made.shapes) == {"D01", "S01", "S02", "C01", "C02", "C03", "G01", "G02", "G03", "G04"}
    assert made.unplaced == ()


def test_a_generated_street_is_tiled_by_its_communities(clean_store: BoltStore, tmp_path) -> None:
    load_demo_region(clean_store, "street", 5, tmp_path)
    geography = Geography.fetch(clean_store)
    made = area_shapes(geography, fetch_points(clean_store))
    (street,) = [p for p in geography.places.values() if p.label == "Street"]
    communities = [p for p in geography.children(street.id) if p.label == "Community"]
    assert communities and all(c.id in made.shapes for c in communities)
    cells = [made.shapes[c.id].outline for c in communities]
    assert all(a.intersection(b).area < 1e-12 for a, b in itertools.combinations(cells, 2))
    assert shapely.union_all(cells).symmetric_difference(made.shapes[street.id].outline).area < 1e-9


def _scoped_points(store: BoltStore, street: str) -> tuple[set, set]:
    """A street user's points read from the street's node, and the region's points cut to the street (the whole
    catalogue query through the same scope: what the map read before)."""
    from orggraph.analysis.query_catalogue import find_query, run_query
    from orggraph.graph.area_scope import UNIVERSES, ScopedStore

    UNIVERSES.forget()
    scoped = ScopedStore(store, street)
    whole = run_query(scoped, find_query("place_points"))[0]
    columns = ("ids", "labels", "lons", "lats", "places", "names")
    cut = set(zip(*(whole[c] for c in columns), strict=True))
    return set(fetch_points(scoped)), cut


def test_a_street_users_points_are_read_from_the_street_and_equal_the_region_cut_to_it(demo_store, tmp_path):
    for street in ("S01", "S02"):
        mine, cut = _scoped_points(demo_store, street)
        assert mine == cut and (mine or street == "S02"), street
    load_demo_region(demo_store, "street", 5, tmp_path)  # a generated street: units, stations, buildings
    (street,) = {r["id"] for r in demo_store.read("MATCH (s:Street) RETURN s.id AS id")} - {"S01", "S02"}
    mine, cut = _scoped_points(demo_store, street)
    assert mine == cut and len(mine) > 100
