"""The units of a synthetic street and how they are organised: stationed units, property companies, firms, tenants.

Why apart: 应建尽建 (an org wherever three members work, joint branches for the small, an instructor for the
rest) is one rule applied to every batch of units, whichever place they sit in; this module holds the batches
and the rule, ``region_communities`` the places.
"""

from __future__ import annotations

from loaders import chinese_names as cn
from loaders.region_builder import (
    UNIT_FORMS,
    Area,
    Builder,
    Community,
    Ref,
    Street,
    Unit,
    org_form,
    small_members,
    weighted,
    years_after,
)

_STATIONED_MEMBERS = {"机关": (8, 90), "事业单位": (15, 400), "国有企业": (10, 300)}

# 条条管理: stationed units led by their own system from outside the area, by name → that system's committee.
_VERTICAL = (
    ("供电", "国网{province}电力有限公司党委", "省级"),
    ("税务", "国家税务总局{city}市税务局党委", "市级"),
    ("银行", "{bank}{province}分行党委", "省级"),
    ("人民法院", "{city}市中级人民法院党组", "市级"),
    ("消防", "{city}市消防救援支队党委", "市级"),
    ("医院", "{city}市卫生健康委员会党组", "市级"),
    ("中国移动", "中国移动{province}有限公司党委", "省级"),
    ("中国联通", "中国联通{province}分公司党委", "省级"),
    ("中国电信", "中国电信{province}分公司党委", "省级"),
    ("中国邮政", "中国邮政集团{province}分公司党委", "省级"),
    ("中国石化", "中国石化{province}石油分公司党委", "省级"),
)
_FALLBACK = {"机关": ("{city}市直机关工委", "市级"), "事业单位": ("{city}市教育和体育局党组", "市级"),
             "国有企业": ("{city}市国资委党委", "市级")}  # fmt: skip


def stationed_units(b: Builder, st: Street) -> None:
    """机关, 事业单位 and 国有企业 with their own orgs; they offer resources and lend part-time members."""
    rng, area = b.rng, st.area
    categories = rng.sample(tuple(cn.NEEDS), 7)  # what this street's units can offer; other needs go unmet
    for _ in range(rng.randint(14, 20) if st.urban else rng.randint(9, 12)):
        kind = weighted(rng, {"机关": 3, "事业单位": 4, "国有企业": 3})
        make = lambda r, k=kind: cn.stationed_unit_name(r, k, area.city, area.name, st.name)  # noqa: E731
        lo, hi = _STATIONED_MEMBERS[kind]
        name = cn.unique(rng, make, area.units, "分部")
        unit = b.unit(kind, name, area.code, int(lo * (hi / lo) ** rng.random()), stationed=True)  # log-uniform
        okind = org_form(rng, unit.full + unit.prob, UNIT_FORMS)
        boss = {"district": area.org, "street": st.org}.get(weighted(rng, {"district": 70, "street": 25, "-": 5}))
        outside = _outside_superior(b, kind, name, area, boss is None)
        boss = None if outside else boss
        org, _ = b.org(okind, unit.name + cn.ORG_SUFFIX[okind], boss, (), unit.full, unit.prob, works_at=unit.ref,
                       outside=outside)  # fmt: skip
        b.edge("HAS_ORG", unit.ref, org)
        st.stationed.append(unit := unit._replace(org=org))
        for _ in range(rng.randint(1, 2)):
            cat = cn.pick(rng, categories)
            props = {"name": cn.pick(rng, cn.RESOURCES[cat]), "category": cat, "capacity": cn.pick(rng, cn.CAPACITIES)}
            res = b.node("Resource", props)
            b.edge("OFFERED_BY", res, unit.ref if rng.random() < 0.8 else org)
            st.resources.setdefault(cat, []).append((res, unit))
    part_time(b, st.org, rng.randint(4, 6), st.stationed)


def _outside_superior(b: Builder, kind: str, name: str, area: Area, orphan: bool) -> tuple[str, str] | None:
    """For a stationed unit's org, now and then a superior outside the area (name, level): most that the ledgers
    leave without a superior, and a quarter of those of a vertical system (power, tax, banks, courts…)."""
    found = next(((t, lvl) for key, t, lvl in _VERTICAL if key in name), None)
    if b.side.random() >= (0.7 if orphan else 0.25 if found else 0.0):
        return None
    template, level = found or _FALLBACK[kind]
    bank = name[: name.index("银行") + 2] if "银行" in name else ""
    return template.format(province=area.province.short, city=area.city, bank=bank), level


def part_time(b: Builder, org: Ref, n: int, pool: list[Unit]) -> None:
    """兼职委员 from stationed units (≈5 per street, ≈3 per community committee); some terms have lapsed."""
    for _ in range(n):
        person = b.person(works_at=b.pick(pool).ref)
        since = b.ago(3 * 365 + 30, 4 * 365 + 200) if b.rng.random() < 0.12 else b.ago(30, 3 * 365 - 30)
        b.edge("HOLDS_POST", person, org, post="兼职委员", since=since, until=years_after(since, 3))


def place_stationed(b: Builder, st: Street, comms: list[Community]) -> None:
    """Stationed units sit in a community (or one of its grids); most of their orgs report there (双报到)."""
    for s in st.stationed:
        cm = b.pick(comms)
        grids = [p[0] for p in cm.places if p[0][0] == "Grid"]
        place = b.pick(grids) if grids and b.rng.random() < 0.5 else cm.ref
        b.edge("LOCATED_IN", s.ref, place)
        b.locate(s.ref, place)
        if b.rng.random() < 0.85:
            reported = max(1, int(s.full * b.rng.uniform(0.3, 0.9)))
            b.edge("REPORTS_TO", s.own_org, cm.ref, since=b.ago(60, 2500), members_reported=reported)


def property_companies(b: Builder, st: Street) -> None:
    """Property companies serving the street's compounds; most, not all, have or join a party org (红色物业).
    The first is the street-run company that takes old compounds no market company will (兜底)."""
    rng, area = b.rng, st.area
    for i in range(rng.randint(3, 6) if st.urban else rng.randint(1, 2)):
        make = lambda r: cn.property_company_name(r, area.city)  # noqa: E731
        name = cn.unique(rng, make if i else lambda r: f"{st.name}物业服务中心", area.units, "分公司")
        st.companies.append(b.unit("物业企业", name, area.code, small_members(rng, 0.25), st.ref))
    organise(b, st, st.companies, st.org, f"{st.name}物业行业", st.org, kinds=("物业企业党组织",) * 3)


def organise(b: Builder, st: Street, batch: list[Unit], superior: Ref, joint_prefix: str, joint_superior: Ref,
              instructor: Ref | None = None, member_of: Ref | None = None, kinds: tuple[str, ...] = UNIT_FORMS
              ) -> None:  # fmt: skip
    """应建尽建 for a batch of units: 3+ full members → own org (≈83%); 1–2 → a joint branch (≈88%);
    none → an instructor reaches about half. The orgs formed join ``member_of`` when given."""
    rng, orgs, small = b.rng, [], []
    for u in batch:
        if u.full >= 3 and rng.random() < 0.83:
            kind = org_form(rng, u.full + u.prob, kinds)
            boss = superior if rng.random() > 0.03 else None  # a few orphans: the superior is not recorded
            org, _ = b.org(kind, u.name + cn.ORG_SUFFIX[kind], boss, (), u.full, u.prob, works_at=u.ref)
            b.edge("HAS_ORG", u.ref, org)
            orgs.append(org)
        elif 0 < u.full < 3 and rng.random() < 0.88:
            small.append(u)
        elif u.full == 0 and instructor is not None and rng.random() < 0.55:
            b.edge("GUIDES", instructor, u.ref)
    orgs += joint_branches(b, st, small, joint_prefix, joint_superior)
    if member_of is not None:
        for org in orgs:
            b.edge("MEMBER_OF", org, member_of)


def joint_branches(b: Builder, st: Street, small: list[Unit], prefix: str, superior: Ref) -> list[Ref]:
    """Joint branches of 2–5 small units once they muster three full members; leftovers go to the street."""
    orgs: list[Ref] = []
    group: list[Unit] = []
    for i, unit in enumerate(small):
        group.append(unit)
        total = sum(u.full for u in group)
        if total >= 3 and len(group) >= 2 and (len(group) == 5 or i == len(small) - 1 or b.rng.random() < 0.5):
            org, _ = b.org("联合党支部", f"{prefix}{cn.ordinal(len(orgs) + 1)}联合党支部", superior, (), total)
            for u in group:
                b.edge("COVERED_BY", u.ref, org)
            orgs.append(org)
            group = []
    if small is not st.leftover:
        st.leftover.extend(group)
    return orgs


def tenants(b: Builder, st: Street, building: Ref, name: str, committee: Ref | None, instructor: Ref | None,
             count: int) -> None:  # fmt: skip
    """Non-public tenants of a commercial building, organised and joined to the building's or zone's committee."""
    area, batch = st.area, []
    for _ in range(count):
        uname = cn.unique(b.rng, lambda r: cn.enterprise_name(r, area.province.short, area.city), area.units, "分公司")
        batch.append(b.unit("非公企业", uname, area.code, small_members(b.rng, 0.05), building))
    organise(b, st, batch, st.org, name, committee or st.org, instructor, committee)


def firms(b: Builder, st: Street, cm: Community) -> None:
    """Firms, co-operatives and social organisations in a community; a committee member is their instructor."""
    rng, area, batch = b.rng, st.area, []
    places = [cm.ref] + [p[0] for p in cm.places]
    for _ in range(rng.randint(5, 10) if cm.urban else rng.randint(1, 3)):
        kind, reg, r = "非公企业", None, rng.random()
        if r < 0.1:
            kind, make = "社会组织", lambda g: cn.social_org_name(g, area.name)
        elif not cm.urban and r < 0.55:
            reg, make = "93", lambda g: cn.cooperative_name(g, cm.name)
        else:
            make = lambda g: cn.enterprise_name(g, area.province.short, area.city)  # noqa: E731
        name = cn.unique(rng, make, area.units, "分公司")
        batch.append(b.unit(kind, name, area.code, small_members(rng), b.pick(places), reg=reg))
    organise(b, st, batch, st.org, cm.name, cm.org, cm.committee[-1])
