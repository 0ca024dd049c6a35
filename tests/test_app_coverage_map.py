"""The coverage map page (一张图, ``app/pages/coverage_map``) through AppTest on a generated street (real server):
the areas, members and stations drawn offline (a blank inline base map style), a click drilling down, and the rows
it draws (``present/map_layers``). The page is not in the app's navigation yet: it is run on its own here."""

from __future__ import annotations

import json

import pytest
from app_harness import open_page, rerun

from orggraph.analysis.area_shapes import area_shapes, fetch_points
from orggraph.analysis.coverage import gap_report
from orggraph.analysis.geography import Geography
from orggraph.ingest.load import load_demo_region
from orggraph.present.map_layers import area_rows, framing, member_rows, rate_fill, station_rows


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
    assert deck["mapStyle"].startswith("data:"), "a blank style inline: nothing fetched from a tile server"
    assert "http" not in json.dumps(deck), "no address outside the page anywhere in the map"
    layers = {layer["id"]: layer for layer in deck["layers"]}
    assert set(layers) == {"areas", "circles", "members", "stations"}
    assert layers["areas"]["data"] and layers["members"]["data"] and layers["stations"]["data"]
    assert {row["level"] for row in layers["areas"]["data"]} == {"District"}, "the whole region: its districts"
    assert all((row["fill"][0] > row["fill"][1]) == row["gap"] for row in layers["members"]["data"]), "red is a gap"


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
