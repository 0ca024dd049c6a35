"""Where the generated region's places lie (``loaders.region_places``): inside the real city's box, communities in
their street, compounds clustered in their community, units at their place, stations where they serve, the same
seed the same places — and placing them moved no draw of the main stream. Pure Python, no server."""

from __future__ import annotations

import math
import statistics
from collections import defaultdict

import pytest

from loaders.region_generator import generate_region
from loaders.region_places import CENTRES, city_box

HUANGGANG = (114.42, 29.75, 116.13, 31.58)  # the demo city's real extent (west, south, east, north)


@pytest.fixture(scope="module")
def city():
    return generate_region("city", seed=1)


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    dx = (a[0] - b[0]) * math.cos(math.radians(a[1]))
    return math.hypot(dx, a[1] - b[1]) * 111_195


def _at(n) -> tuple[float, float] | None:
    return (n.props["lon"], n.props["lat"]) if "lon" in n.props else None


def _community_of(edges) -> dict[str, str]:
    """Every place and located record → its community."""
    up = {e.src_id: e.dst_id for e in edges if e.type in ("PART_OF", "LOCATED_IN")}
    out = {}
    for start in up:
        node = start
        while node in up and not (node.startswith("C") and not node.startswith("CB")):
            node = up[node]
        out[start] = node
    return out


def test_the_demo_city_lies_in_its_real_box_and_every_city_has_a_real_centre(city) -> None:
    nodes, _ = city
    assert nodes[0].props["name"].startswith("黄冈市") and city_box("黄冈") == HUANGGANG
    west, south, east, north = HUANGGANG
    located = [_at(n) for n in nodes if _at(n)]
    assert len(located) > 10_000 and all(west <= x <= east and south <= y <= north for x, y in located)
    from loaders.chinese_names import PROVINCES

    assert {c for p in PROVINCES for c in p.cities} <= set(CENTRES)


def test_compounds_cluster_in_their_community_and_units_stations_sit_at_their_place(city) -> None:
    nodes, edges = city
    community = _community_of(edges)
    centre = {n.id: _at(n) for n in nodes if n.label == "Community"}
    compounds = [n for n in nodes if n.label == "Compound" and _at(n)]
    own = [_metres(_at(k), centre[community[k.id]]) for k in compounds]
    assert statistics.median(own) < 800 and max(own) < 6_000
    nearest_is_own = sum(
        min(centre, key=lambda c: _metres(_at(k), centre[c])) == community[k.id] for k in compounds[:400]
    )
    assert nearest_is_own / 400 > 0.8, "a compound lies in its own community's area"
    placed = [n for n in nodes if n.label in ("Unit", "ServiceStation") and _at(n) and n.id in community]
    far = [_metres(_at(n), centre[community[n.id]]) for n in placed if community[n.id] in centre]
    assert len(far) > 5_000 and statistics.median(far) < 1_000
    assert 0.01 < sum(not _at(k) for k in nodes if k.label == "Compound") / len(compounds) < 0.06


def test_streets_and_districts_do_not_overlap(city) -> None:
    nodes, edges = city
    up = {e.src_id: e.dst_id for e in edges if e.type == "PART_OF"}
    points = defaultdict(list)
    for n in nodes:
        if n.label == "Community":
            points[up[n.id]].append(_at(n))
    centres = {s: (statistics.fmean(p[0] for p in ps), statistics.fmean(p[1] for p in ps)) for s, ps in points.items()}
    wrong = 0
    for street, ps in points.items():
        for p in ps:
            wrong += min(centres, key=lambda s: _metres(p, centres[s])) != street
    assert wrong / sum(len(ps) for ps in points.values()) < 0.1, "a community lies nearest its own street's middle"


def test_the_same_seed_gives_the_same_places_and_another_seed_others() -> None:
    one, again, other = (generate_region("street", seed=s)[0] for s in (4, 4, 5))
    assert [_at(n) for n in one] == [_at(n) for n in again]
    assert [_at(n) for n in one if _at(n)] != [_at(n) for n in other if _at(n)]
