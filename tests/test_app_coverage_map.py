"""The coverage map page (一张图, ``app/pages/coverage_map``) through AppTest on a generated street (real server):
the areas, members and stations drawn offline (no base map at all), a click drilling down, and the rows
it draws (``present/map_layers``), the PNG the page offers and ``orggraph map`` writes (``present/map_image``)."""

from __future__ import annotations

import io
import json

import pytest
from app_harness import open_page, rerun
from PIL import Image
from test_cli import assert_one_line_error, invoke

from orggraph.analysis.area_shapes import area_shapes, fetch_points
from orggraph.analysis.coverage import gap_report
from orggraph.analysis.geography import Geography
from orggraph.ingest.load import load_demo_region
from orggraph.present.map_image import HEIGHT, WIDTH, cjk_font_file, map_png
from orggraph.present.map_layers import area_rows, framing, legend, map_rows, member_rows, rate_fill, station_rows


@pytest.fixture
def street(app_env, tmp_path):
    app_env.clear()
    load_demo_region(app_env, "street", 3, tmp_path)
    return app_env


def _deck(at) -> dict:
    (chart,) = [e for e in at.get("deck_gl_json_chart")]
    return json.loads(chart.proto.json)


def test_the_map_draws_areas_members_and_stations_with_no_base_map(street) -> None:
    at = open_page("coverage_map")
    at.selectbox(key="map_rule").set_value("service_circle")
    at = rerun(at)
    deck = _deck(at)
    assert deck["mapStyle"] == "__MAP_STYLE__" and "mapProvider" not in deck, "no base map: nothing from a tile server"
    assert "http" not in json.dumps(deck), "no address outside the page anywhere in the map"
    layers = {layer["id"]: layer for layer in deck["layers"]}
    assert set(layers) == {"areas", "circles", "members", "stations"}
    assert layers["areas"]["data"] and layers["members"]["data"]
    assert layers["stations"]["data"] == [], "no station circles over a whole region: they would blot out the areas"
    assert {row["level"] for row in layers["areas"]["data"]} == {"District"}, "the whole region: its districts"
    assert all((row["fill"][0] > row["fill"][1]) == row["gap"] for row in layers["members"]["data"]), "red is a gap"
    at.session_state["map_clicked"] = next(p.id for p in Geography.fetch(street).places.values() if p.label == "Street")
    layers = {layer["id"]: layer for layer in _deck(rerun(at))["layers"]}
    assert layers["stations"]["data"] and layers["stations"]["data"] == layers["circles"]["data"], "a street's stations"


def test_a_click_on_an_area_drills_down(street) -> None:
    at = open_page("coverage_map")
    geography = Geography.fetch(street)
    (s,) = [p for p in geography.places.values() if p.label == "Street"]
    at.session_state["map_clicked"] = s.id
    at = rerun(at)
    levels = {row["level"] for row in {lay["id"]: lay for lay in _deck(at)["layers"]}["areas"]["data"]}
    assert levels == {"Community"}
    assert at.session_state["map_place_1"] == s.id


def test_the_rows_follow_the_report(street) -> None:
    geography = Geography.fetch(street)
    points = fetch_points(street)
    shapes = area_shapes(geography, points)
    outcome = gap_report(street, ["service_circle"]).outcomes[0]
    (s,) = [p for p in geography.places.values() if p.label == "Street"]
    communities = [c.id for c in geography.children(s.id)]
    rows = area_rows(shapes, outcome.areas["Community"], communities)
    rates = {r.area.id: r for r in outcome.areas["Community"]}
    assert rows and all(row["fill"] == list(rate_fill(rates[row["id"]].rate)) for row in rows)
    members = member_rows(outcome, points, geography, s.id)
    assert {m["id"] for m in members if m["gap"]} <= {g.id for g in outcome.gaps}
    located_gaps = {g.id for g in outcome.gaps if g.reason != "location_not_recorded"}
    assert located_gaps == {m["id"] for m in members if m["gap"]}
    stations = station_rows(points, geography, s.id, 1000)
    assert stations and all(row["radius"] == 1000 for row in stations)
    view = framing(shapes.shapes[s.id].outline.bounds)
    assert shapes.shapes[s.id].outline.contains(__import__("shapely").Point(view.lon, view.lat))


def _colours(png: bytes) -> set[tuple[int, int, int]]:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (WIDTH, HEIGHT)
    return {c for _, c in image.convert("RGB").getcolors(WIDTH * HEIGHT)}


def test_the_page_offers_the_map_as_a_png_and_logs_the_export(street, downloads, settings) -> None:
    from orggraph.access import audit

    at = open_page("coverage_map")
    assert [b for b in at.get("download_button") if "PNG" in b.proto.label]
    png = downloads[-1]() if callable(downloads[-1]) else downloads[-1]
    exports = [e for e in audit.read_events(settings.resolved_data_dir()) if e.get("what") == "coverage_map:png"]
    assert exports and exports[0]["action"] == "export" and exports[0]["bytes"] == len(png)  # newest first
    colours = _colours(png)
    assert (215, 48, 39) in colours or (26, 152, 80) in colours, "gaps (red) or covered members (green) drawn"
    assert cjk_font_file() is not None, "make browser installs fonts-noto-cjk: the PNG writes its Chinese names"


def test_the_png_frames_what_the_page_shows_and_names_it(street) -> None:
    geography = Geography.fetch(street)
    points = fetch_points(street)
    outcome = gap_report(street, ["compound_org"]).outcomes[0]
    (s,) = [p for p in geography.places.values() if p.label == "Street"]
    rows = map_rows(outcome, area_shapes(geography, points), points, geography, s.id, 1000)
    assert rows.level == "Community" and {r["level"] for r in rows.areas} == {"Community"}
    drawn = map_png("标题", rows.areas, rows.members, rows.stations, legend(), rows.bounds)
    blank = map_png("标题", [], [], [], legend(), None)
    assert drawn.lettered and drawn.png != blank.png and len(_colours(drawn.png)) > len(_colours(blank.png))
    assert map_png("标题", rows.areas, rows.members, rows.stations, legend(), rows.bounds).png == drawn.png


def test_orggraph_map_writes_the_png_and_refuses_what_it_cannot_draw(street, cli_env, tmp_path) -> None:
    geography = Geography.fetch(street)
    (s,) = [p for p in geography.places.values() if p.label == "Street"]
    out = tmp_path / "服务覆盖.png"
    result = invoke(["map", "--rule", "service_circle", "--area", s.id, "-o", str(out)], cli_env)
    assert result.exit_code == 0, result.output
    assert "已写出 written" in result.stdout and _colours(out.read_bytes())
    assert_one_line_error(invoke(["map", "--rule", "nope", "-o", str(out)], cli_env))
    assert_one_line_error(invoke(["map", "-o", str(tmp_path / "map.jpg")], cli_env))
    assert_one_line_error(invoke(["map", "--area", "S9999", "-o", str(out)], cli_env))


@pytest.fixture
def boundaries(settings):
    """A department's boundary file in the session's data dir, removed after the test (every test shares the dir)."""
    from orggraph.analysis.area_shapes import BOUNDARY_FILE

    path = settings.resolved_data_dir() / BOUNDARY_FILE
    yield path
    path.unlink(missing_ok=True)


def test_a_departments_boundary_file_replaces_the_derived_outline(street, boundaries, cli_env, tmp_path) -> None:
    geography = Geography.fetch(street)
    (s,) = [p for p in geography.places.values() if p.label == "Street"]
    west, south, east, north = area_shapes(geography, fetch_points(street)).shapes[s.id].outline.bounds
    square = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    feature = {"type": "Feature", "properties": {"id": s.id}, "geometry": {"type": "Polygon", "coordinates": [square]}}
    boundaries.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8")
    at = open_page("coverage_map")
    at.session_state["map_clicked"] = s.parent  # the district: its streets drawn
    rows = {r["id"]: r for r in {x["id"]: x for x in _deck(rerun(at))["layers"]}["areas"]["data"]}
    ring = rows[s.id]["polygon"][0]
    assert len(ring) == 5, "the imported square, not the derived hull (a buffered polygon of many corners)"
    assert abs(ring[0][0] - west) < 0.01 and abs(ring[0][1] - south) < 0.01  # WGS-84 shifted into GCJ-02: < 1 km
    boundaries.write_text("{not json", encoding="utf-8")  # a broken file: said, in words, on the page and by the CLI
    at = open_page("coverage_map")
    assert any("boundaries.geojson" in e.value for e in at.error), [e.value for e in at.error]
    result = invoke(["map", "-o", str(tmp_path / "map.png")], cli_env)
    assert_one_line_error(result)
    assert "boundaries.geojson" in result.stderr
