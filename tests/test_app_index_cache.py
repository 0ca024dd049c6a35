"""The app keeps the geography and suggestion indexes of many street users at once beside the whole region's: a
street user's page never evicts the admin's province index (3.3 s to fetch again) or another street's."""

from __future__ import annotations

from orggraph.app.pages import common


def test_street_users_indexes_are_kept_beside_the_whole_regions(app_env):
    state = "2026-06-15T00:00:00|1|100|0"
    region = common.coverage_index(f"{state}||")
    streets = {area: common.coverage_index(f"{state}||{area}") for area in ("S01", "S02", "S03")}
    assert common.coverage_index(f"{state}||") is region  # a cache of two lost it to the third street
    assert all(common.coverage_index(f"{state}||{area}") is index for area, index in streets.items())
    assert {p.id for p in streets["S01"].geography.places.values() if p.label == "Street"} == {"S01"}
    assert len(region.geography.places) > len(streets["S01"].geography.places)
