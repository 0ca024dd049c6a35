"""A deterministic synthetic region of grassroots party building, from one street up to a province.

Why: demos, load tests and the gap reports need data shaped like the real thing — geography down to
buildings, the LEADS chain from district committee to building group, units with and without orgs,
co-building agreements, and real gaps for every coverage rule in the schema — at sizes no hand-written
fixture reaches. Proportions follow ``SEED_FIGURES.md`` (Jining, Chengdu, Xianning, a banner). One
``random.Random(seed)`` drives every draw, so a seed names a region; a second stream, seeded from the same
seed, draws only the details added later (orgs led from outside the area, cross-appointments, the clerk's
own words for categories), so adding them left every earlier draw where it was. Records carry no source:
the ledger loader adds provenance when it reads them back.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from loaders import chinese_names as cn
from orggraph.model.credit_code import ALPHABET, with_check
from orggraph.model.errors import ConfigError
from orggraph.model.records import EdgeRecord, NodeRecord
from orggraph.model.schema import load_schema

SCALES = ("street", "district", "city", "province")
TODAY = dt.date(2026, 11, 22)  # the snapshot date terms, expiries and lapses are judged against
Ref = tuple[str, str]  # (label, id): all an edge needs, without looking the node up again

_PREFIX = {"District": "D", "Street": "S", "Community": "C", "Grid": "G", "Compound": "K", "Building": "B",
           "CommercialZone": "Z", "CommercialBuilding": "CB", "PartyOrg": "O", "Unit": "U", "Agreement": "A",
           "Commitment": "CM", "Need": "N", "Resource": "R", "Project": "PJ", "Person": "P",
           "OwnersCommittee": "OC", "ServiceStation": "SS"}  # fmt: skip
_WIDTH = {"District": 3, "Street": 4, "Person": 6}
_FIVE_YEAR = frozenset(("区县党委", "街道党工委", "街道大工委")) | {k for k in cn.ORG_SUFFIX if k.startswith("社区")}
_BRANCHES = frozenset(("社区党支部", "网格党支部", "小区党支部", "单位党支部", "联合党支部", "物业企业党组织"))
_UNIT_FORMS = ("单位党委", "单位党总支", "单位党支部")
_REG = {"机关": "11", "事业单位": "12", "社会组织": "52", "非公企业": "91", "国有企业": "91", "物业企业": "91"}
_STATIONED_MEMBERS = {"机关": (8, 90), "事业单位": (15, 400), "国有企业": (10, 300)}
_COMMUNITY_MIX = {"街道": {"城市社区": 9, "农村社区": 1}, "镇": {"村": 14, "农村社区": 5, "城市社区": 1},
                  "乡": {"村": 17, "农村社区": 3}, "苏木": {"嘎查": 9, "农村社区": 1}}  # fmt: skip
_COMPOUND_MIX = {"商品房小区": 45, "老旧小区": 30, "单位院落": 10, "安置小区": 10, "开放式院落": 5}
_BUILDINGS = {"商品房小区": (6, 18), "老旧小区": (3, 10), "单位院落": (2, 6), "安置小区": (6, 14), "开放式院落": (1, 4)}
_ZONE = {"商圈": (7, 9, ("商业综合体", "商务楼宇")), "街区": (3, 5, ("商业综合体",)), "园区": (4, 7, ("产业园楼宇",)),
         "市场": (1, 3, ("专业市场",))}  # fmt: skip


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


def generate_region(scale: str, seed: int = 1) -> tuple[list[NodeRecord], list[EdgeRecord]]:
    """All node and edge records of a synthetic region; the same (scale, seed) gives identical lists.

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
    plan, b = _PLANS[scale], _Builder(random.Random(seed), random.Random(f"details:{seed}"))
    provinces = [p for p in cn.PROVINCES if len(p.cities) >= plan.cities]
    province = provinces[b.rng.randrange(len(provinces))]
    for city in b.rng.sample(province.cities, plan.cities):
        _city(b, plan, province, city)
    return b.nodes, b.edges


class _Unit(NamedTuple):
    ref: Ref
    name: str
    full: int  # full party members
    prob: int  # probationary members
    org: Ref | None = None


class _Builder:
    """One region's records in the making: the random stream, the lists, id counters, the credit-code serial."""

    def __init__(self, rng: random.Random, side: random.Random | None = None) -> None:
        self.rng = rng
        self.side = side or random.Random(0)  # later details only: draws here leave ``rng`` untouched
        self.nodes: list[NodeRecord] = []
        self.edges: list[EdgeRecord] = []
        self._counts = dict.fromkeys(_PREFIX, 0)
        self._serial = 0

    def node(self, label: str, props: dict[str, Any]) -> Ref:
        self._counts[label] += 1
        node_id = f"{_PREFIX[label]}{self._counts[label]:0{_WIDTH.get(label, 5)}d}"
        self.nodes.append(NodeRecord(label, node_id, props))
        return label, node_id

    def edge(self, rel: str, src: Ref, dst: Ref, **props: Any) -> None:
        props = {k: v for k, v in props.items() if v is not None} if props else props
        self.edges.append(EdgeRecord(rel, src[0], src[1], dst[0], dst[1], props))

    def ago(self, lo: int, hi: int) -> dt.date:
        """A day between ``hi`` and ``lo`` days before the snapshot."""
        return TODAY - dt.timedelta(days=self.rng.randint(lo, hi))

    def pick(self, seq: list | tuple) -> Any:
        return seq[self.rng.randrange(len(seq))]

    def person(self, works_at: Ref | None = None, party_member: bool = True) -> Ref:
        """A pseudonymous person; most carry a fictitious name, none an ID-card or phone number."""
        props: dict[str, Any] = {"party_member": party_member}
        if self.rng.random() < 0.85:
            props["name"] = cn.person_name(self.rng)
        ref = self.node("Person", props)
        if works_at is not None:
            self.edge("WORKS_AT", ref, works_at)
        return ref

    def org(self, kind: str, name: str, superior: Ref | None, covers: tuple[Ref, ...] = (), full: int | None = None,
            prob: int = 0, leader: Ref | None = None, post: str = "书记", works_at: Ref | None = None,
            outside: tuple[str, str] | None = None) -> tuple[Ref, Ref | None]:  # fmt: skip
        """A party org with its LEADS and COVERS edges and its leader (now and then a vacant secretary post);
        ``outside`` names a superior outside the area (name, level) for an org led by its own system."""
        props: dict[str, Any] = {"name": name, "kind": kind}
        if outside is not None:
            props.update(external_superior=outside[0], external_superior_level=outside[1])
        if full is not None:
            props.update(members=full + prob, full_members=full)
        if kind != "楼栋党小组":  # a 党小组 elects no committee and has no term
            props["has_committee"] = kind not in _BRANCHES or (full + prob >= 7 and self.rng.random() > 0.05)
            props.update(self._term(kind))
        ref = self.node("PartyOrg", props)
        if superior is not None:
            self.edge("LEADS", superior, ref)
        for target in covers:
            self.edge("COVERS", ref, target)
        if leader is None and (post != "书记" or self.rng.random() > 0.015):
            leader = self.person(works_at)
        if leader is not None:
            start = props.get("term_start")
            until = _years_after(start, props["term_years"]) if start else None
            self.edge("HOLDS_POST", leader, ref, post=post, since=start, until=until)
        return ref, leader

    def _term(self, kind: str) -> dict[str, Any]:
        """Current term: 5 years for community/village (and street, county) orgs, 3 otherwise; ~7% overdue."""
        years = 5 if kind in _FIVE_YEAR else 3
        late = self.rng.random() < 0.07
        start = self.ago(years * 365 + 30, years * 365 + 700) if late else self.ago(20, years * 365 - 20)
        founded = start - dt.timedelta(days=self.rng.randint(0, 7000))
        return {"founded": founded, "term_start": start, "term_years": years}

    def unit(self, kind: str, name: str, code: str, full: int, where: Ref | None = None, stationed: bool = False,
             reg: str | None = None) -> _Unit:  # fmt: skip
        prob = self.rng.randint(0, full // 15)
        props = {"name": name, "kind": kind, "credit_code": self.credit_code(kind, code, reg),
                 "employees": max(full * self.rng.randint(2, 12), self.rng.randint(3, 60)),
                 "party_members": full, "probationary_members": prob, "stationed": stationed}  # fmt: skip
        ref = self.node("Unit", props)
        if where is not None:
            self.edge("LOCATED_IN", ref, where)
        return _Unit(ref, name, full, prob)

    def credit_code(self, kind: str, area_code: str, reg: str | None = None) -> str:
        """A valid, region-unique 统一社会信用代码: the 9-character body is a bijection of a serial number."""
        self._serial += 1
        s = self._serial
        if kind in ("机关", "事业单位", "社会组织"):
            body = f"{(s * 7919 + 1_234_567) % 10**8:08d}{ALPHABET[s % 31]}"
        else:
            n = (s * 7919 + 104_729) % 31**7
            body = "MA" + "".join(ALPHABET[n // 31**i % 31] for i in range(6, -1, -1))
        return with_check((reg or _REG[kind]) + area_code + body)


@dataclass(frozen=True)
class _Area:
    """What a district passes down: names for its children, its area code, its committee, its map centre."""

    province: cn.Province
    city: str
    name: str
    kind: str
    code: str
    ref: Ref
    org: Ref
    lat: float
    lon: float
    units: set[str]  # unit names, shared by the whole city: one city has one 中医院, one 供电公司


@dataclass
class _Street:
    """A street's state while its communities are built: the pools that ties are later drawn from."""

    area: _Area
    ref: Ref
    name: str
    stem: str
    org: Ref
    urban: bool
    used: set[str] = field(default_factory=set)  # place names, unique within the street
    stationed: list[_Unit] = field(default_factory=list)
    companies: list[_Unit] = field(default_factory=list)
    guided: set[str] = field(default_factory=set)  # companies that already have an instructor
    resources: dict[str, list[tuple[Ref, _Unit]]] = field(default_factory=dict)
    leftover: list[_Unit] = field(default_factory=list)  # small units no community joint branch took in


@dataclass
class _Community:
    """A community's state: its committee (who also lead grids), places, and agreements by partner unit."""

    ref: Ref
    name: str
    org: Ref
    urban: bool
    committee: list[Ref]
    places: list[tuple[Ref, str, Ref | None]] = field(default_factory=list)  # grids and compounds, their org
    used: set[str] = field(default_factory=set)
    partners: dict[str, Ref] = field(default_factory=dict)  # stationed unit id -> agreement


def _years_after(start: dt.date, years: int) -> dt.date:
    return dt.date(start.year + years, start.month, min(start.day, 28)) - dt.timedelta(days=1)


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(tuple(weights), tuple(weights.values()))[0]


def _form(rng: random.Random, members: int, kinds: tuple[str, ...]) -> str:
    """党委 from 100 members, 总支 from 50, else 支部 — and a few orgs not yet re-formed (form mismatch)."""
    level = 0 if members >= 100 else 1 if members >= 50 else 2
    return kinds[level + (level < 2 and rng.random() < 0.04)]


def _small_members(rng: random.Random, bigger: float = 0.0) -> int:
    """Full members of a non-public unit: a third none, a third one or two, a third three or more."""
    r = rng.random() + bigger
    if r < 0.33:
        return 0
    if r < 0.62:
        return rng.randint(1, 2)
    return rng.randint(3, 12) if r < 0.92 else rng.randint(13, 130)


def _city(b: _Builder, plan: _Plan, province: cn.Province, city: str) -> None:
    rng, used, units, streets = b.rng, set(), set(), set()
    code = f"{province.code:02d}{province.cities.index(city) + 1:02d}"
    counties = ("旗", "旗", "县", "县级市") if province.short == "内蒙古" else ("县", "县", "县级市")
    for di in range(plan.districts):
        kind = "区" if di < plan.urban_districts else cn.pick(rng, counties)
        name = cn.unique(rng, lambda r: cn.pick(r, cn.DISTRICT_STEMS), used) + {"县级市": "市"}.get(kind, kind)
        props = {"name": f"{city}市{name}", "kind": kind, "population": rng.randint(300, 1300) * 1000}
        ref = b.node("District", props)
        org, _ = b.org("区县党委", f"中共{city}市{name}委员会", None, (ref,))
        lat, lon = province.lat + rng.uniform(-2, 2), province.lon + rng.uniform(-2, 2)
        area = _Area(province, city, name, kind, f"{code}{di + 1:02d}", ref, org, lat, lon, units)
        count = rng.randint(*plan.streets)
        urban = round(count * plan.urban_share[kind != "区"])  # a fixed share keeps sizes steady across seeds
        for i in range(count):
            _street(b, area, i < urban, streets)  # street names are unique within a city


def _street(b: _Builder, area: _Area, urban: bool, used: set[str]) -> None:
    """A street (urban) or township: its committee, stationed units, companies, communities, zones and ties."""
    rng = b.rng
    kind = (
        "街道" if urban else "苏木" if area.kind == "旗" and rng.random() < 0.5 else _weighted(rng, {"镇": 7, "乡": 3})
    )
    stem = cn.unique(rng, cn.mongolian_name if kind == "苏木" else cn.stem, used)
    ref = b.node("Street", {"name": stem + kind, "kind": kind, "population": rng.randint(15, 90) * 1000})
    b.edge("PART_OF", ref, area.ref)
    big = urban and rng.random() < 0.15
    name = stem + kind + ("大工委" if big else "党工委" if urban else "党委")
    org, _ = b.org("街道大工委" if big else "街道党工委", name, area.org, (ref,), full=rng.randint(40, 160))
    st = _Street(area, ref, stem + kind, stem, org, urban)
    _station(b, st, f"{st.name}党群服务中心", "党群服务中心", ref, org)
    _stationed_units(b, st)
    _property_companies(b, st)
    count = rng.randint(7, 10) if urban else rng.randint(10, 18)
    comms = [_community(b, st, _weighted(rng, _COMMUNITY_MIX[kind])) for _ in range(count)]
    _place_stationed(b, st, comms)
    if rng.random() < (0.6 if urban else 0.3):
        _zone(b, st, comms)
    if urban and rng.random() < 0.5:
        _office_building(b, st, b.pick(comms))
    for cm in comms:
        _firms(b, st, cm)
        _co_building(b, st, cm)
        _part_time(b, cm.org, rng.randint(2, 4), [s for s in st.stationed if s.ref[1] in cm.partners] or st.stationed)
        _needs(b, st, cm)
    _joint_branches(b, st, st.leftover, f"{st.name}非公企业", org)  # the street gathers what communities left


def _station(b: _Builder, st: _Street, name: str, kind: str, where: Ref, org: Ref) -> None:
    """A service station; centres and most stations carry coordinates (the 10-minute service circle)."""
    props: dict[str, Any] = {"name": name, "kind": kind}
    if kind == "党群服务中心" or b.rng.random() < 0.6:
        props["lat"] = round(st.area.lat + b.rng.uniform(-0.1, 0.1), 5)
        props["lon"] = round(st.area.lon + b.rng.uniform(-0.1, 0.1), 5)
    ref = b.node("ServiceStation", props)
    b.edge("LOCATED_IN", ref, where)
    b.edge("RUN_BY", ref, org)


def _stationed_units(b: _Builder, st: _Street) -> None:
    """机关, 事业单位 and 国有企业 with their own orgs; they offer resources and lend part-time members."""
    rng, area = b.rng, st.area
    categories = rng.sample(tuple(cn.NEEDS), 7)  # what this street's units can offer; other needs go unmet
    for _ in range(rng.randint(14, 20) if st.urban else rng.randint(9, 12)):
        kind = _weighted(rng, {"机关": 3, "事业单位": 4, "国有企业": 3})
        make = lambda r, k=kind: cn.stationed_unit_name(r, k, area.city, area.name, st.name)  # noqa: E731
        lo, hi = _STATIONED_MEMBERS[kind]
        name = cn.unique(rng, make, area.units, "分部")
        unit = b.unit(kind, name, area.code, int(lo * (hi / lo) ** rng.random()), stationed=True)  # log-uniform
        okind = _form(rng, unit.full + unit.prob, _UNIT_FORMS)
        boss = {"district": area.org, "street": st.org}.get(_weighted(rng, {"district": 70, "street": 25, "-": 5}))
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
    _part_time(b, st.org, rng.randint(4, 6), st.stationed)


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
_WORDS = {group: tuple(words) for group, words in load_schema().synonyms["category"].items()}
_FALLBACK = {"机关": ("{city}市直机关工委", "市级"), "事业单位": ("{city}市教育和体育局党组", "市级"),
             "国有企业": ("{city}市国资委党委", "市级")}  # fmt: skip


def _outside_superior(b: _Builder, kind: str, name: str, area: _Area, orphan: bool) -> tuple[str, str] | None:
    """For a stationed unit's org, now and then a superior outside the area (name, level): most that the ledgers
    leave without a superior, and a quarter of those of a vertical system (power, tax, banks, courts…)."""
    found = next(((t, lvl) for key, t, lvl in _VERTICAL if key in name), None)
    if b.side.random() >= (0.7 if orphan else 0.25 if found else 0.0):
        return None
    template, level = found or _FALLBACK[kind]
    bank = name[: name.index("银行") + 2] if "银行" in name else ""
    return template.format(province=area.province.short, city=area.city, bank=bank), level


def _part_time(b: _Builder, org: Ref, n: int, pool: list[_Unit]) -> None:
    """兼职委员 from stationed units (≈5 per street, ≈3 per community committee); some terms have lapsed."""
    for _ in range(n):
        person = b.person(works_at=b.pick(pool).ref)
        since = b.ago(3 * 365 + 30, 4 * 365 + 200) if b.rng.random() < 0.12 else b.ago(30, 3 * 365 - 30)
        b.edge("HOLDS_POST", person, org, post="兼职委员", since=since, until=_years_after(since, 3))


def _place_stationed(b: _Builder, st: _Street, comms: list[_Community]) -> None:
    """Stationed units sit in a community (or one of its grids); most of their orgs report there (双报到)."""
    for s in st.stationed:
        cm = b.pick(comms)
        grids = [p[0] for p in cm.places if p[0][0] == "Grid"]
        b.edge("LOCATED_IN", s.ref, b.pick(grids) if grids and b.rng.random() < 0.5 else cm.ref)
        if b.rng.random() < 0.85:
            reported = max(1, int(s.full * b.rng.uniform(0.3, 0.9)))
            b.edge("REPORTS_TO", s.org, cm.ref, since=b.ago(60, 2500), members_reported=reported)


def _property_companies(b: _Builder, st: _Street) -> None:
    """Property companies serving the street's compounds; most, not all, have or join a party org (红色物业).
    The first is the street-run company that takes old compounds no market company will (兜底)."""
    rng, area = b.rng, st.area
    for i in range(rng.randint(3, 6) if st.urban else rng.randint(1, 2)):
        make = lambda r: cn.property_company_name(r, area.city)  # noqa: E731
        name = cn.unique(rng, make if i else lambda r: f"{st.name}物业服务中心", area.units, "分公司")
        st.companies.append(b.unit("物业企业", name, area.code, _small_members(rng, 0.25), st.ref))
    _organise(b, st, st.companies, st.org, f"{st.name}物业行业", st.org, kinds=("物业企业党组织",) * 3)


def _organise(b: _Builder, st: _Street, batch: list[_Unit], superior: Ref, joint_prefix: str, joint_superior: Ref,
              instructor: Ref | None = None, member_of: Ref | None = None, kinds: tuple[str, ...] = _UNIT_FORMS
              ) -> None:  # fmt: skip
    """应建尽建 for a batch of units: 3+ full members → own org (≈83%); 1–2 → a joint branch (≈88%);
    none → an instructor reaches about half. The orgs formed join ``member_of`` when given."""
    rng, orgs, small = b.rng, [], []
    for u in batch:
        if u.full >= 3 and rng.random() < 0.83:
            kind = _form(rng, u.full + u.prob, kinds)
            boss = superior if rng.random() > 0.03 else None  # a few orphans: the superior is not recorded
            org, _ = b.org(kind, u.name + cn.ORG_SUFFIX[kind], boss, (), u.full, u.prob, works_at=u.ref)
            b.edge("HAS_ORG", u.ref, org)
            orgs.append(org)
        elif 0 < u.full < 3 and rng.random() < 0.88:
            small.append(u)
        elif u.full == 0 and instructor is not None and rng.random() < 0.55:
            b.edge("GUIDES", instructor, u.ref)
    orgs += _joint_branches(b, st, small, joint_prefix, joint_superior)
    for org in orgs if member_of is not None else ():
        b.edge("MEMBER_OF", org, member_of)


def _joint_branches(b: _Builder, st: _Street, small: list[_Unit], prefix: str, superior: Ref) -> list[Ref]:
    """Joint branches of 2–5 small units once they muster three full members; leftovers go to the street."""
    orgs: list[Ref] = []
    group: list[_Unit] = []
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


def _community(b: _Builder, st: _Street, kind: str) -> _Community:
    """A community or village with its org and committee, grids, compounds and service stations."""
    rng, urban = b.rng, kind == "城市社区"
    name = cn.unique(rng, lambda r: cn.community_name(r, kind), st.used)
    pop = rng.randint(4000, 15000) if urban else rng.randint(800, 4000)
    funds = round(rng.uniform(10, 30) if urban else rng.uniform(3, 12), 1)
    props = {"name": name, "kind": kind, "population": pop, "households": pop * 10 // 28, "work_funds": funds}
    ref = b.node("Community", {**props, "demonstration": rng.random() < 0.05})
    b.edge("PART_OF", ref, st.ref)
    full = rng.randint(60, 300) if urban else rng.randint(15, 110)
    okind = _form(rng, full, ("社区党委", "社区党总支", "社区党支部"))
    if okind == "社区党委" and urban and rng.random() < 0.2:
        okind = _weighted(rng, {"社区大党委": 3, "社区联合党委": 1})
    org, _ = b.org(okind, name + cn.ORG_SUFFIX[okind], st.org, (ref,), full, rng.randint(0, 4))
    cm = _Community(ref, name, org, urban, [b.person() for _ in range(rng.randint(3, 5) if urban else 2)])
    for i, member in enumerate(cm.committee):
        b.edge("HOLDS_POST", member, org, post="副书记" if i == 0 else "委员")
    if not urban and rng.random() < 0.25:  # a 第一书记 dispatched from a stationed unit
        since = b.ago(30, 700)
        first = b.person(works_at=b.pick(st.stationed).ref)
        b.edge("HOLDS_POST", first, org, post="第一书记", since=since, until=_years_after(since, 2))
    for i in range(1, (rng.randint(4, 8) if urban else rng.randint(1, 3)) + 1):
        _grid(b, st, cm, kind, i)
    _station(b, st, f"{name}党群服务中心", "党群服务中心", ref, org)
    skind = "红帆驿站" if urban else "党群服务站"  # Jining: ~7–8 stations per urban community
    for place, pname, porg in rng.sample(
        cm.places, min(rng.randint(6, 7) if urban else rng.random() < 0.3, len(cm.places))
    ):
        _station(b, st, pname + skind, skind, place, porg or org)
    return cm


def _grid(b: _Builder, st: _Street, cm: _Community, kind: str, i: int) -> None:
    """A grid, mostly with a grid branch led by a community committee member (交叉任职), and its compounds."""
    rng, name = b.rng, f"{cm.name}{cn.ordinal(i)}网格"
    ref = b.node("Grid", {"name": name, "households": rng.randint(200, 900) if cm.urban else rng.randint(80, 400)})
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
        _compound(b, st, cm, ref if rng.random() < 0.9 else cm.ref, branch or cm.org)


def _compound(b: _Builder, st: _Street, cm: _Community, parent: Ref, superior: Ref) -> None:
    """A compound and its buildings; about half get a compound branch or building groups (Jining 1,654 / 3,300)."""
    rng = b.rng
    kind = (
        _weighted(rng, _COMPOUND_MIX) if cm.urban else _weighted(rng, {"安置小区": 6, "开放式院落": 3, "老旧小区": 1})
    )
    name = cn.unique(rng, lambda r: cn.compound_name(r, kind), cm.used)
    households = [rng.randint(18, 120) for _ in range(rng.randint(*_BUILDINGS[kind]))]
    props = {"name": name, "kind": kind, "households": sum(households), "buildings": len(households)}
    ref = b.node("Compound", {**props, "address": f"{st.stem}路{rng.randint(1, 300)}号"})
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


def _building_groups(b: _Builder, superior: Ref, buildings: list[tuple[Ref, str]], most: int) -> None:
    """楼栋党小组 in some buildings, each led by a 组长 (a 党小组 has a group leader, not a 书记)."""
    for building, name in buildings:
        if b.rng.random() < 0.7:
            b.org("楼栋党小组", name + "党小组", superior, (building,), b.rng.randint(3, min(8, most)), post="组长")


def _manage(b: _Builder, st: _Street, compound: Ref, kind: str, secretary: Ref | None) -> None:
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


def _owners_committee(b: _Builder, compound: Ref, name: str, secretary: Ref | None, branch: Ref | None) -> None:
    """An owners' committee; often its director is the compound-branch secretary (一肩挑), and now and then
    another director, a party member, sits on the branch committee as a 委员 (交叉任职)."""
    start = b.ago(30, 5 * 365 + 300)
    end = _years_after(start, 5)
    ref = b.node("OwnersCommittee", {"name": name + "业主委员会", "term_start": start, "term_end": end})
    b.edge("REPRESENTS", ref, compound)
    one = secretary is not None and b.rng.random() < 0.6
    member = one or b.rng.random() < 0.5
    chair = secretary if one else b.person(party_member=member)
    b.edge("HOLDS_POST", chair, ref, post="业委会主任", since=start, until=end)
    if branch is not None and not one and member and b.side.random() < 0.5:
        b.edge("HOLDS_POST", chair, branch, post="委员", since=start, until=end)


def _zone(b: _Builder, st: _Street, comms: list[_Community]) -> None:
    """A commercial zone whose committee covers it and (all but perhaps a new one of) its buildings; the
    tenants' orgs and joint branches join it (太白路商圈综合党委: 19 orgs across 8 complexes)."""
    rng = b.rng
    kind = _weighted(rng, {"商圈": 7, "街区": 3}) if st.urban else _weighted(rng, {"园区": 1, "市场": 1})
    lo, hi, building_kinds = _ZONE[kind]
    name = cn.unique(rng, lambda r: cn.stem(r) + cn.ZONE_SUFFIX[kind], st.used)
    ref = b.node("CommercialZone", {"name": name, "kind": kind})
    b.edge("PART_OF", ref, st.ref if rng.random() < 0.8 else b.pick(comms).ref)
    buildings = [_commercial_building(b, st, cn.pick(rng, building_kinds), ref) for _ in range(rng.randint(lo, hi))]
    covered = buildings[:-1] if len(buildings) > 2 and rng.random() < 0.3 else buildings
    okind = "商圈综合党委" if st.urban else "商圈联合党委"
    covers = (ref, *(c for c, _ in covered))
    org, leader = b.org(okind, name + cn.ORG_SUFFIX[okind], st.org, covers, rng.randint(60, 200))
    for building, bname in buildings:  # tenants of a building not yet brought in do not join
        joins = (building, bname) in covered
        _tenants(b, st, building, bname, org if joins else None, leader if joins else None, rng.randint(5, 7))


def _commercial_building(b: _Builder, st: _Street, kind: str, parent: Ref) -> tuple[Ref, str]:
    name = cn.unique(b.rng, lambda r: cn.commercial_building_name(r, kind), st.used)
    props = {"name": name, "kind": kind, "tenants": b.rng.randint(20, 300)}
    ref = b.node("CommercialBuilding", {**props, "address": f"{st.stem}路{b.rng.randint(1, 300)}号"})
    b.edge("PART_OF", ref, parent)
    return ref, name


def _office_building(b: _Builder, st: _Street, cm: _Community) -> None:
    """A stand-alone office tower in a community, with a 楼宇党委 about half the time."""
    ref, name = _commercial_building(b, st, _weighted(b.rng, {"商务楼宇": 3, "商业综合体": 1}), cm.ref)
    org = leader = None
    if b.rng.random() < 0.5:
        org, leader = b.org("楼宇党委", name + "党委", st.org, (ref,), b.rng.randint(20, 120))
    _tenants(b, st, ref, name, org, leader, b.rng.randint(3, 6))


def _tenants(b: _Builder, st: _Street, building: Ref, name: str, committee: Ref | None, instructor: Ref | None,
             count: int) -> None:  # fmt: skip
    """Non-public tenants of a commercial building, organised and joined to the building's or zone's committee."""
    area, batch = st.area, []
    for _ in range(count):
        uname = cn.unique(b.rng, lambda r: cn.enterprise_name(r, area.province.short, area.city), area.units, "分公司")
        batch.append(b.unit("非公企业", uname, area.code, _small_members(b.rng, 0.05), building))
    _organise(b, st, batch, st.org, name, committee or st.org, instructor, committee)


def _firms(b: _Builder, st: _Street, cm: _Community) -> None:
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
        batch.append(b.unit(kind, name, area.code, _small_members(rng), b.pick(places), reg=reg))
    _organise(b, st, batch, st.org, cm.name, cm.org, cm.committee[-1])


def _co_building(b: _Builder, st: _Street, cm: _Community) -> None:
    """共驻共建: an urban community signs with ~6–11 stationed units' orgs (≈8–9), a village with 0–4."""
    rng = b.rng
    if cm.urban:
        count = 0 if rng.random() < 0.03 else rng.randint(6, 11)
    else:
        count = 0 if rng.random() < 0.12 else rng.randint(1, 4)
    for s in rng.sample(st.stationed, min(count, len(st.stationed))):
        cm.partners[s.ref[1]] = _agreement(b, cm, s)


def _agreement(b: _Builder, cm: _Community, s: _Unit) -> Ref:
    """An agreement signed by both orgs, with 1–3 commitments (≈1.9); some have lapsed unnoticed."""
    rng = b.rng
    signed = b.ago(20, 4 * 365)
    expires = _years_after(signed, rng.choice((1, 2, 2, 3, 3)))
    if expires >= TODAY:
        status = "已终止" if rng.random() < 0.03 else "履行中"
    else:  # 履行中 past its expiry: lapsed unnoticed
        status = _weighted(rng, {"已到期": 75, "履行中": 20, "已终止": 5})
    props = {"name": f"{cm.name}与{s.name}共建协议", "signed": signed, "expires": expires, "status": status}
    ref = b.node("Agreement", props)
    b.edge("SIGNED_BY", ref, cm.org, role="社区方")
    b.edge("SIGNED_BY", ref, s.org, role="驻区单位方")
    for _ in range(rng.choices((1, 2, 3), (3, 5, 2))[0]):
        due = signed + dt.timedelta(days=rng.randint(60, (expires - signed).days))
        done = (
            ("已完成" if rng.random() < 0.8 else "进行中")
            if due < TODAY
            else _weighted(rng, {"进行中": 3, "未开始": 1})
        )
        commitment = b.node("Commitment", {"name": cn.pick(rng, cn.COMMITMENTS), "due": due, "status": done})
        b.edge("UNDER", commitment, ref)
        b.edge("COMMITTED_BY", commitment, s.org if rng.random() < 0.8 else cm.org)
    return ref


def _needs(b: _Builder, st: _Street, cm: _Community) -> None:
    """需求清单: a need a partner's resource can meet becomes a project under that agreement; the rest wait,
    and needs in a category nobody in the street offers stay unmet."""
    rng = b.rng
    raisers = [(cm.ref, cm.name), (cm.org, cm.name)] + [(p[0], p[1]) for p in cm.places]
    for _ in range(rng.randint(2, 5) if cm.urban else rng.randint(1, 2)):
        cat = cn.pick(rng, tuple(cn.NEEDS))
        raiser, place = b.pick(raisers)
        name = cn.unique(rng, lambda r, c=cat, p=place: p + cn.pick(r, cn.NEEDS[c]), cm.used)
        offers = [(res, cm.partners[s.ref[1]]) for res, s in st.resources.get(cat, ()) if s.ref[1] in cm.partners]
        met = bool(offers) and rng.random() < 0.85
        status = _weighted(rng, {"已认领": 1, "已完成": 1}) if met else "待认领"
        props = {"name": name, "category": cat, "raised": b.ago(60, 900), "status": status}
        if b.side.random() < 0.2:  # the clerk wrote their own word (类别原文), mapped to its group
            props["category_text"] = cn.pick(b.side, _WORDS[cat])
        need = b.node("Need", props)
        b.edge("RAISED_BY", need, raiser)
        if met:
            start = b.ago(10, 700)
            state = "已完成" if status == "已完成" else "实施中"
            props = {"name": name + "项目", "start": start, "end": start + dt.timedelta(days=rng.randint(60, 500))}
            project = b.node("Project", {**props, "status": state})
            resource, agreement = offers[0]
            b.edge("UNDER", project, agreement)
            b.edge("FULFILLS", project, need)
            b.edge("USES", project, resource)
