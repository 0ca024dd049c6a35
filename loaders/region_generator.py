"""A deterministic synthetic region of grassroots party building, from one street up to a province.

Why: demos, load tests and the gap reports need data shaped like the real thing — geography down to
buildings, the LEADS chain from district committee to building group, units with and without orgs,
co-building agreements, and real gaps for every coverage rule in the schema — at sizes no hand-written
fixture reaches. Proportions follow ``SEED_FIGURES.md`` (Jining, Chengdu, Xianning, a banner). One
``random.Random(seed)`` drives every draw, so a seed names a region; a second stream, seeded from the same
seed, draws only the details added later (orgs led from outside the area, cross-appointments, the clerk's
own words for categories), so adding them left every earlier draw where it was. Records carry no source:
the ledger loader adds provenance when it reads them back.

This module walks the levels (province, city, district, street); what is built below a street lives in
``region_communities``, ``region_units``, ``region_zones`` and ``region_ties``, all through ``region_builder``; where
things lie, in ``region_places`` (a third stream, ``places:{seed}``, so placing them moved no earlier draw). Every
date is drawn back from the region's date; ``region_progress`` then dates the last two months' work inside them (a
fourth stream), so the demo's month-by-month load shows progress.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import NamedTuple

from loaders import chinese_names as cn
from loaders import region_places as places
from loaders.region_builder import TODAY, Area, Builder, Street, weighted
from loaders.region_communities import community, service_station
from loaders.region_progress import date_progress
from loaders.region_ties import co_building, needs
from loaders.region_units import firms, joint_branches, part_time, place_stationed, property_companies, stationed_units
from loaders.region_zones import office_building, zone
from orggraph.model.errors import ConfigError
from orggraph.model.records import EdgeRecord, NodeRecord

__all__ = ["SCALES", "TODAY", "generate_region"]

SCALES = ("street", "district", "city", "province")
_COMMUNITY_MIX = {"街道": {"城市社区": 9, "农村社区": 1}, "镇": {"村": 14, "农村社区": 5, "城市社区": 1},
                  "乡": {"村": 17, "农村社区": 3}, "苏木": {"嘎查": 9, "农村社区": 1}}  # fmt: skip


class _Plan(NamedTuple):
    cities: int
    districts: int  # per city; the first `urban_districts` are 区, the others 县/县级市/旗
    urban_districts: int
    streets: tuple[int, int]  # per district
    urban_share: tuple[float, float]  # share of 街道 among the streets of a 区, and of the others


_PLANS = {
    "street": _Plan(1, 1, 1, (1, 1), (1.0, 1.0)),
    "district": _Plan(1, 1, 1, (10, 12), (0.6, 0.2)),
    "city": _Plan(1, 10, 4, (8, 9), (0.75, 0.25)),
    "province": _Plan(15, 10, 4, (8, 9), (0.75, 0.25)),
}


def generate_region(
    scale: str, seed: int = 1, today: dt.date | None = None
) -> tuple[list[NodeRecord], list[EdgeRecord]]:
    """All node and edge records of a synthetic region as it stands on ``today`` (:data:`TODAY` if not given): every
    date is drawn back from it, and the last two months' work is dated inside them (``region_progress``), so a demo
    loaded month by month shows progress. The same (scale, seed, today) gives identical lists.

    >>> nodes, edges = generate_region("street", seed=7)
    >>> nodes[0].label, 1000 <= len(nodes) <= 3000
    ('District', True)
    """
    if scale not in _PLANS:
        zh, en = (
            f"未知的区域规模“{scale}”,可选:{'、'.join(SCALES)}",
            f"unknown scale {scale!r}; valid: {', '.join(SCALES)}",
        )
        raise ConfigError(zh, en)
    plan = _PLANS[scale]
    day = today or TODAY
    b = Builder(random.Random(seed), random.Random(f"details:{seed}"), random.Random(f"places:{seed}"), day)
    provinces = [p for p in cn.PROVINCES if len(p.cities) >= plan.cities]
    province = provinces[b.rng.randrange(len(provinces))]
    for city in b.rng.sample(province.cities, plan.cities):
        _city(b, plan, province, city)
    date_progress(b.nodes, b.edges, day, seed)
    return b.nodes, b.edges


def _city(b: Builder, plan: _Plan, province: cn.Province, city: str) -> None:
    rng = b.rng
    used: set[str] = set()
    local: set[str] = set()  # the city's own district names taken (cn.local_district)
    units: set[str] = set()
    streets: set[str] = set()
    code = f"{province.code:02d}{province.cities.index(city) + 1:02d}"
    counties = ("旗", "旗", "县", "县级市") if province.short == "内蒙古" else ("县", "县", "县级市")
    spots = places.districts(b.geo, city, plan.urban_districts, plan.districts - plan.urban_districts)
    for di in range(plan.districts):
        kind = "区" if di < plan.urban_districts else cn.pick(rng, counties)
        drawn = cn.unique(rng, lambda r: cn.pick(r, cn.DISTRICT_STEMS), used)
        name = cn.local_district(city, kind, drawn, local) + {"县级市": "市"}.get(kind, kind)
        props = {"name": f"{city}市{name}", "kind": kind, "population": rng.randint(300, 1300) * 1000}
        ref = b.place("District", props, spots[di])
        org, _ = b.org("区县党委", f"中共{city}市{name}委员会", None, (ref,))
        _old_centre = rng.uniform(-2, 2), rng.uniform(-2, 2)  # drawn as before (unused): later draws stay put
        area = Area(province, city, name, kind, f"{code}{di + 1:02d}", ref, org, spots[di], units)
        count = rng.randint(*plan.streets)
        urban = round(count * plan.urban_share[kind != "区"])  # a fixed share keeps sizes steady across seeds
        turn = b.geo.uniform(0, 6.3)
        for i in range(count):  # a county seat's 街道 is compact; a township spreads over its slot
            spot = places.child(area.spot, i, count, turn, 0.9 if kind == "区" or i >= urban else 0.35)
            _street(b, area, i < urban, streets, spot)  # street names are unique within a city


def _street(b: Builder, area: Area, urban: bool, used: set[str], spot: places.Spot) -> None:
    """A street (urban) or township: its committee, stationed units, companies, communities, zones and ties."""
    rng = b.rng
    kind = (
        "街道" if urban else "苏木" if area.kind == "旗" and rng.random() < 0.5 else weighted(rng, {"镇": 7, "乡": 3})
    )
    stem = cn.unique(rng, cn.mongolian_name if kind == "苏木" else cn.stem, used)
    ref = b.place("Street", {"name": stem + kind, "kind": kind, "population": rng.randint(15, 90) * 1000}, spot)
    b.edge("PART_OF", ref, area.ref)
    big = urban and rng.random() < 0.15
    name = stem + kind + ("大工委" if big else "党工委" if urban else "党委")
    org, _ = b.org("街道大工委" if big else "街道党工委", name, area.org, (ref,), full=rng.randint(40, 160))
    st = Street(area, ref, stem + kind, stem, org, urban, spot)
    service_station(b, st, f"{st.name}党群服务中心", "党群服务中心", ref, org)
    stationed_units(b, st)
    property_companies(b, st)
    count = rng.randint(7, 10) if urban else rng.randint(10, 18)
    turn = b.geo.uniform(0, 6.3)
    slots = [places.child(spot, i, count, turn) for i in range(count)]
    comms = [community(b, st, weighted(rng, _COMMUNITY_MIX[kind]), slots[i]) for i in range(count)]
    place_stationed(b, st, comms)
    if rng.random() < (0.6 if urban else 0.3):
        zone(b, st, comms)
    if urban and rng.random() < 0.5:
        office_building(b, st, b.pick(comms))
    for cm in comms:
        firms(b, st, cm)
        co_building(b, st, cm)
        part_time(b, cm.org, rng.randint(2, 4), [s for s in st.stationed if s.ref[1] in cm.partners] or st.stationed)
        needs(b, st, cm)
    joint_branches(b, st, st.leftover, f"{st.name}非公企业", org)  # the street gathers what communities left
