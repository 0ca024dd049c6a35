"""The gap rules read area by area and chunk by chunk (a province's report must not group a whole population in
one query): every rule started from an area of each level equals its whole run cut to that area, and a whole
report read as chunks of members equals the one read whole. On a generated street-scale region, real server."""

from __future__ import annotations

import datetime as dt

import pytest

from orggraph.analysis import coverage
from orggraph.analysis.coverage import CoverageIndex, gap_report, narrow, population_var
from orggraph.ingest.load import load_demo_region
from orggraph.model.coverage_rules import CoverageRule, load_rules
from orggraph.model.errors import SchemaError

AS_OF = dt.date(2026, 11, 22)


@pytest.fixture(scope="module")
def region(session_store, tmp_path_factory):
    session_store.clear()
    load_demo_region(session_store, "street", 11, tmp_path_factory.mktemp("street"))
    return session_store


@pytest.fixture(scope="module")
def index(region):
    return CoverageIndex.fetch(region)


@pytest.fixture(scope="module")
def whole(region, index):
    return gap_report(region, as_of=AS_OF, index=index)


def _figures(report):
    return [(o.rule.id, o.covered, o.total, [g.id for g in o.gaps], o.areas) for o in report.outcomes]


def _areas_of_every_level(index):
    district = index.geography.top_areas()[0]
    streets = index.geography.children(district.id)
    communities = [c for s in streets for c in index.geography.children(s.id)]
    grids = [g for c in communities for g in index.geography.children(c.id)]
    assert streets and communities and grids, "the region lacks a level"
    return [district, *streets, *communities, *grids[:4]]


def test_every_rule_started_from_an_area_equals_its_whole_run_cut_to_the_area(region, index, whole):
    areas = _areas_of_every_level(index)
    reached = 0
    for area in areas:
        scoped = gap_report(region, area_id=area.id, as_of=AS_OF, index=index)
        assert scoped.area == area
        assert _figures(scoped) == _figures(narrow(whole, index.geography, (), area.id)), area
        reached += sum(o.total for o in scoped.outcomes)
    assert reached > 0


def test_an_area_report_reads_only_its_street_and_still_equals_the_whole_cut_to_it(region, index, whole):
    """Without an index, an area's report fetches the geography of the area's street and above only: the same
    figures, gaps, chains and suggested actions as the whole report cut to the area."""
    street = index.geography.children(index.geography.top_areas()[0].id)[0]
    community = index.geography.children(street.id)[0]
    grid = index.geography.children(community.id)[0]
    for area in (street, community, grid):
        alone = gap_report(region, area_id=area.id, as_of=AS_OF)
        cut = narrow(whole, index.geography, (), area.id)
        assert [(o.rule.id, o.covered, o.total, o.gaps, o.areas) for o in alone.outcomes] == [
            (o.rule.id, o.covered, o.total, o.gaps, o.areas) for o in cut.outcomes
        ], area


def test_a_whole_report_read_in_chunks_of_members_equals_it_read_whole(region, index, whole, monkeypatch):
    monkeypatch.setattr(coverage, "CHUNK_MEMBERS", 40)
    chunked = gap_report(region, as_of=AS_OF, index=index)
    assert _figures(chunked) == _figures(whole)
    assert max(o.total for o in whole.outcomes) > 40 * 3, "too small a region to read in several chunks"


def test_a_rule_query_that_does_not_start_from_its_population_is_refused():
    rule = load_rules().rule("compound_org")
    wrong = CoverageRule(**{**rule.model_dump(), "population": "Unit"})
    with pytest.raises(SchemaError, match="must start by matching its population"):
        population_var(wrong)
    assert {population_var(r) for r in load_rules().rules} <= set("abcgknou")


def test_an_area_geography_holds_its_street_and_what_is_above_it_not_the_other_streets(demo_store):
    """On the hand-made two-street fixture: S01's geography holds S01's places and its district, not S02's."""
    from orggraph.analysis.geography import Geography

    whole = Geography.fetch(demo_store)
    part = Geography.fetch(demo_store, ("Street", "S01"))
    assert part.places and set(part.places) < set(whole.places)
    assert all(whole.within(pid, "S01") or pid == whole.chain("S01")[0].id for pid in part.places)
    assert {p.id for p in whole.places.values() if whole.within(p.id, "S01")} <= set(part.places)
    full = gap_report(demo_store, as_of=AS_OF)
    for area in ("S01", "S02"):
        alone = gap_report(demo_store, area_id=area, as_of=AS_OF)
        cut = narrow(full, whole, (), area)
        assert [(o.covered, o.total, o.gaps) for o in alone.outcomes] == [
            (o.covered, o.total, o.gaps) for o in cut.outcomes
        ]
