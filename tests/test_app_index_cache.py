"""The app keeps the geography and suggestion indexes, the reports and the map's outlines of many street users at
once beside the whole region's: a street user's page never evicts the admin's province index (3.3 s to fetch again),
its report (11–30 s) or another street's."""

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


def test_street_users_reports_are_kept_beside_the_whole_regions(app_env):
    state, day = "2026-06-15T00:00:00|1|100|0", common.today()
    region = common.whole_report(day, f"{state}||")
    streets = {area: common.whole_report(day, f"{state}||{area}") for area in ("S01", "S02", "S03", "S04", "S05")}
    assert common.whole_report(day, f"{state}||") is region  # a cache of four lost it to the fifth street
    assert all(common.whole_report(day, f"{state}||{area}") is report for area, report in streets.items())
    assert streets["S01"].area is None and region.area is None  # each is its whole region, the street's its street
    assert sum(o.total for o in streets["S01"].outcomes) < sum(o.total for o in region.outcomes)
