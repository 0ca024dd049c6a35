"""What a synthetic region builds inside a community or village: grids, compounds, buildings, their orgs.

Why apart: the geography below a street and the orgs that cover it (grid and compound branches, building
groups, owners' committees, the property company managing each compound, the service stations) are one topic;
the units and ties drawn for the same street live in ``region_units`` and ``region_ties``.
"""

from __future__ import annotations

from typing import Any

from loaders import chinese_names as cn
from loaders.region_builder import Builder, Community, Ref, Street, org_form, weighted, years_after
from loaders.region_places import Spot, child, inside

_COMPOUND_MIX = {"商品房小区": 45, "老旧小区": 30, "单位院落": 10, "安置小区": 10, "开放式院落": 5}
_BUILDINGS = {"商品房小区": (6, 18), "老旧小区": (3, 10), "单位院落": (2, 6), "安置小区": (6, 14), "开放式院落": (1, 4)}


def service_station(b: Builder, st: Street, name: str, kind: str, where: Ref, org: Ref) -> None:
    """A service station at the place it serves (within half its radius of the centre: a street's or community's
    centre sits near the middle); centres and most stations carry coordinates (the 10-minute service circle)."""
    props: dict[str, Any] = {"name": name, "kind": kind}
    if kind == "党群服务中心" or b.rng.random() < 0.6:
        north, east = b.rng.uniform(-0.1, 0.1), b.rng.uniform(-0.1, 0.1)  # the draws of old, now an offset
        spot = b.spots[where[1]]
        props["lon"], props["lat"] = spot.at(east * 5 * spot.r, north * 5 * spot.r)
    ref = b.node("ServiceStation", props)
    b.edge("LOCATED_IN", ref, where)
    b.edge("RUN_BY", ref, org)


def community(b: Builder, st: Street, kind: str, spot: Spot) -> Community:
    """A community or village with its org and committee, grids, compounds and service stations."""
    rng, urban = b.rng, kind == "城市社区"
    name = cn.unique(rng, lambda r: cn.community_name(r, kind), st.used)
    pop = rng.randint(4000, 15000) if urban else rng.randint(800, 4000)
    funds = round(rng.uniform(10, 30) if urban else rng.uniform(3, 12), 1)
    props = {"name": name, "kind": kind, "population": pop, "households": pop * 10 // 28, "work_funds": funds}
    ref = b.place("Community", {**props, "demonstration": rng.random() < 0.05}, spot)
    b.edge("PART_OF", ref, st.ref)
    full = rng.randint(60, 300) if urban else rng.randint(15, 110)
    okind = org_form(rng, full, ("社区党委", "社区党总支", "社区党支部"))
    if okind == "社区党委" and urban and rng.random() < 0.2:
        okind = weighted(rng, {"社区大党委": 3, "社区联合党委": 1})
    org, _ = b.org(okind, name + cn.ORG_SUFFIX[okind], st.org, (ref,), full, rng.randint(0, 4))
    cm = Community(ref, name, org, urban, [b.person() for _ in range(rng.randint(3, 5) if urban else 2)], spot)
    for i, member in enumerate(cm.committee):
        b.edge("HOLDS_POST", member, org, post="副书记" if i == 0 else "委员")
    if not urban and rng.random() < 0.25:  # a 第一书记 dispatched from a stationed unit
        since = b.ago(30, 700)
        first = b.person(works_at=b.pick(st.stationed).ref)
        b.edge("HOLDS_POST", first, org, post="第一书记", since=since, until=years_after(since, 2))
    grids, turn = rng.randint(4, 8) if urban else rng.randint(1, 3), b.geo.uniform(0, 6.3)
    for i in range(1, grids + 1):
        _grid(b, st, cm, kind, i, child(spot, i - 1, grids, turn))
    service_station(b, st, f"{name}党群服务中心", "党群服务中心", ref, org)
    skind = "红帆驿站" if urban else "党群服务站"  # Jining: ~7–8 stations per urban community
    for place, pname, porg in rng.sample(
        cm.places, min(rng.randint(6, 7) if urban else rng.random() < 0.3, len(cm.places))
    ):
        service_station(b, st, pname + skind, skind, place, porg or org)
    return cm


def _grid(b: Builder, st: Street, cm: Community, kind: str, i: int, spot: Spot) -> None:
    """A grid, mostly with a grid branch led by a community committee member (交叉任职), and its compounds."""
    rng, name = b.rng, f"{cm.name}{cn.ordinal(i)}网格"
    households = rng.randint(200, 900) if cm.urban else rng.randint(80, 400)
    ref = b.place("Grid", {"name": name, "households": households}, spot)
    b.edge("PART_OF", ref, cm.ref)
    branch = None
    if rng.random() < (0.92 if cm.urban else 0.85):
        leader = cm.committee[i - 1] if i <= len(cm.committee) else None
        full = rng.randint(8, 40) if cm.urban else rng.randint(5, 20)
        branch, _ = b.org("网格党支部", name + "党支部", cm.org, (ref,), full, leader=leader)
        if cm.urban and rng.random() < 0.5:  # a 民情书记 from a stationed unit, who also reports in person
            person = b.person(works_at=b.pick(st.stationed).ref)
            b.edge("HOLDS_POST", person, branch, post="民情书记", since=b.ago(30, 1500))
            b.edge("REPORTS_TO", person, cm.ref, since=b.ago(30, 1500), members_reported=1)
    cm.places.append((ref, name, branch))
    count = rng.randint(1, 3) if cm.urban else int(rng.random() < (0.5 if kind == "农村社区" else 0.12))
    for _ in range(count):
        _compound(b, st, cm, ref if rng.random() < 0.9 else cm.ref, branch or cm.org, spot)


def _compound(b: Builder, st: Street, cm: Community, parent: Ref, superior: Ref, grid: Spot) -> None:
    """A compound and its buildings; about half get a compound branch or building groups (Jining 1,654 / 3,300)."""
    rng = b.rng
    kind = weighted(rng, _COMPOUND_MIX) if cm.urban else weighted(rng, {"安置小区": 6, "开放式院落": 3, "老旧小区": 1})
    name = cn.unique(rng, lambda r: cn.compound_name(r, kind), cm.used)
    households = [rng.randint(18, 120) for _ in range(rng.randint(*_BUILDINGS[kind]))]
    props = {"name": name, "kind": kind, "households": sum(households), "buildings": len(households)}
    at = Spot(*inside(b.geo, grid), 40.0 + 3.0 * len(households))  # in its grid; ~3% not recorded in the ledger
    ref = b.place("Compound", {**props, "address": f"{st.stem}路{rng.randint(1, 300)}号"}, at, b.geo.random() > 0.03)
    b.edge("PART_OF", ref, parent)
    buildings = []
    for j, hh in enumerate(households, start=1):
        buildings.append((b.node("Building", {"name": f"{name}{j}号楼", "households": hh}), f"{name}{j}号楼"))
        b.edge("PART_OF", buildings[-1][0], ref)
    branch = secretary = None
    if (r := rng.random()) < 0.45:
        full = rng.randint(3, 14)  # Jining: 13,000 members in 1,654 compound branches, ≈ 8 each
        branch, secretary = b.org(
            "小区党支部", name + "党支部", superior if rng.random() > 0.02 else None, (ref,), full
        )
        _building_groups(b, branch, buildings[: full // 3], full)
    elif r < 0.51:  # no compound branch yet: a party group under the grid covers the compound and a building
        covers = (ref, buildings[0][0])
        b.org("楼栋党小组", name + "党小组", superior, covers, rng.randint(3, 8), post="组长")
    cm.places.append((ref, name, branch))
    _manage(b, st, ref, kind, secretary)
    if rng.random() < {"商品房小区": 0.45, "安置小区": 0.2}.get(kind, 0.0):
        _owners_committee(b, ref, name, secretary, branch)


def _building_groups(b: Builder, superior: Ref, buildings: list[tuple[Ref, str]], most: int) -> None:
    """楼栋党小组 in some buildings, each led by a 组长 (a 党小组 has a group leader, not a 书记)."""
    for building, name in buildings:
        if b.rng.random() < 0.7:
            b.org("楼栋党小组", name + "党小组", superior, (building,), b.rng.randint(3, min(8, most)), post="组长")


def _manage(b: Builder, st: Street, compound: Ref, kind: str, secretary: Ref | None) -> None:
    """Property service, market-run or by the street's company as fallback (兜底) for old compounds. A
    compound-branch secretary becomes instructor of a company with no members (Xianning practice)."""
    if kind == "开放式院落" or (kind == "单位院落" and b.rng.random() < 0.5):
        return
    fallback = kind == "老旧小区" and b.rng.random() < 0.7
    co = st.companies[0] if fallback else b.pick(st.companies)
    b.edge("MANAGES", co.ref, compound, since=b.ago(100, 5000), mode="兜底" if fallback else "市场化")
    if secretary is not None and co.full == 0 and co.ref[1] not in st.guided:
        b.edge("GUIDES", secretary, co.ref)
        st.guided.add(co.ref[1])


def _owners_committee(b: Builder, compound: Ref, name: str, secretary: Ref | None, branch: Ref | None) -> None:
    """An owners' committee; often its director is the compound-branch secretary (一肩挑), and now and then
    another director, a party member, sits on the branch committee as a 委员 (交叉任职)."""
    start = b.ago(30, 5 * 365 + 300)
    end = years_after(start, 5)
    ref = b.node("OwnersCommittee", {"name": name + "业主委员会", "term_start": start, "term_end": end})
    b.edge("REPRESENTS", ref, compound)
    one = secretary is not None and b.rng.random() < 0.6
    member = one or b.rng.random() < 0.5
    chair = secretary if one and secretary is not None else b.person(party_member=member)
    b.edge("HOLDS_POST", chair, ref, post="业委会主任", since=start, until=end)
    if branch is not None and not one and member and b.side.random() < 0.5:
        b.edge("HOLDS_POST", chair, branch, post="委员", since=start, until=end)
