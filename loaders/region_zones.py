"""Commercial zones and office towers of a synthetic street, with the committees their tenants join.

Why apart: a zone is a place of its own kind (商圈, 街区, 园区, 市场) whose committee covers buildings and takes in
the tenants' orgs (太白路商圈综合党委); the tenants themselves are organised by ``region_units``.
"""

from __future__ import annotations

from loaders import chinese_names as cn
from loaders.region_builder import Builder, Community, Ref, Street, weighted
from loaders.region_places import Spot
from loaders.region_units import tenants

_ZONE = {"商圈": (7, 9, ("商业综合体", "商务楼宇")), "街区": (3, 5, ("商业综合体",)), "园区": (4, 7, ("产业园楼宇",)),
         "市场": (1, 3, ("专业市场",))}  # fmt: skip


def zone(b: Builder, st: Street, comms: list[Community]) -> None:
    """A commercial zone whose committee covers it and (all but perhaps a new one of) its buildings; the
    tenants' orgs and joint branches join it (太白路商圈综合党委: 19 orgs across 8 complexes)."""
    rng = b.rng
    kind = weighted(rng, {"商圈": 7, "街区": 3}) if st.urban else weighted(rng, {"园区": 1, "市场": 1})
    lo, hi, building_kinds = _ZONE[kind]
    name = cn.unique(rng, lambda r: cn.stem(r) + cn.ZONE_SUFFIX[kind], st.used)
    parent = st.ref if rng.random() < 0.8 else b.pick(comms).ref
    ref = b.place("CommercialZone", {"name": name, "kind": kind}, Spot(*_point(b, parent, 0.6), 400.0))
    b.edge("PART_OF", ref, parent)
    buildings = [_commercial_building(b, st, cn.pick(rng, building_kinds), ref) for _ in range(rng.randint(lo, hi))]
    covered = buildings[:-1] if len(buildings) > 2 and rng.random() < 0.3 else buildings
    okind = "商圈综合党委" if st.urban else "商圈联合党委"
    covers = (ref, *(c for c, _ in covered))
    org, leader = b.org(okind, name + cn.ORG_SUFFIX[okind], st.org, covers, rng.randint(60, 200))
    for building, bname in buildings:  # tenants of a building not yet brought in do not join
        joins = (building, bname) in covered
        tenants(b, st, building, bname, org if joins else None, leader if joins else None, rng.randint(5, 7))


def _commercial_building(b: Builder, st: Street, kind: str, parent: Ref) -> tuple[Ref, str]:
    name = cn.unique(b.rng, lambda r: cn.commercial_building_name(r, kind), st.used)
    props = {"name": name, "kind": kind, "tenants": b.rng.randint(20, 300)}
    address = f"{st.stem}路{b.rng.randint(1, 300)}号"
    ref = b.place("CommercialBuilding", {**props, "address": address}, Spot(*_point(b, parent), 50.0))
    b.edge("PART_OF", ref, parent)
    return ref, name


def _point(b: Builder, place: Ref, share: float = 0.8) -> tuple[float, float]:
    at = b.point(place, share)
    assert at is not None, f"{place[1]} was never placed"  # streets, communities and zones always are
    return at


def office_building(b: Builder, st: Street, cm: Community) -> None:
    """A stand-alone office tower in a community, with a 楼宇党委 about half the time."""
    ref, name = _commercial_building(b, st, weighted(b.rng, {"商务楼宇": 3, "商业综合体": 1}), cm.ref)
    org = leader = None
    if b.rng.random() < 0.5:
        org, leader = b.org("楼宇党委", name + "党委", st.org, (ref,), b.rng.randint(20, 120))
    tenants(b, st, ref, name, org, leader, b.rng.randint(3, 6))
