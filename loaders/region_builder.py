"""What every level of a synthetic region is built with: the record builder, the drafts passed down, shared draws.

Why one module: the district, street, community and unit levels (``region_generator``, ``region_communities``,
``region_units``, ``region_zones``, ``region_ties``) all write through one ``Builder`` — one random stream, one id
counter per label, one credit-code serial — which is what keeps a seed naming one region, draw for draw.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

from loaders import chinese_names as cn
from loaders.region_places import Spot, inside
from orggraph.model.credit_code import ALPHABET, with_check
from orggraph.model.records import EdgeRecord, NodeRecord
from orggraph.model.schema import load_schema

TODAY = dt.date(2026, 11, 22)  # a region's date unless given one: terms, expiries and lapses are judged on it
Ref = tuple[str, str]  # (label, id): all an edge needs, without looking the node up again
T = TypeVar("T")

_PREFIX = {"District": "D", "Street": "S", "Community": "C", "Grid": "G", "Compound": "K", "Building": "B",
           "CommercialZone": "Z", "CommercialBuilding": "CB", "PartyOrg": "O", "Unit": "U", "Agreement": "A",
           "Commitment": "CM", "Need": "N", "Resource": "R", "Project": "PJ", "Person": "P",
           "OwnersCommittee": "OC", "ServiceStation": "SS"}  # fmt: skip
_WIDTH = {"District": 3, "Street": 4, "Person": 6}
_FIVE_YEAR = frozenset(("区县党委", "街道党工委", "街道大工委")) | {k for k in cn.ORG_SUFFIX if k.startswith("社区")}
_BRANCHES = frozenset(("社区党支部", "网格党支部", "小区党支部", "单位党支部", "联合党支部", "物业企业党组织"))
UNIT_FORMS = ("单位党委", "单位党总支", "单位党支部")
_LOCATED = frozenset(label for label, spec in load_schema().nodes.items() if spec.property("lon"))  # with 经度/纬度
_REG = {"机关": "11", "事业单位": "12", "社会组织": "52", "非公企业": "91", "国有企业": "91", "物业企业": "91"}


class Unit(NamedTuple):
    """A unit as its street keeps it: enough to tie, organise or sign with it later without looking it up."""

    ref: Ref
    name: str
    full: int  # full party members
    prob: int  # probationary members
    org: Ref | None = None

    @property
    def own_org(self) -> Ref:
        """The unit's own org, for a unit known to have one (every stationed unit has)."""
        assert self.org is not None, f"unit {self.ref[1]} has no org"
        return self.org


class Builder:
    """One region's records in the making: the random stream, the lists, id counters, the credit-code serial."""

    def __init__(
        self,
        rng: random.Random,
        side: random.Random | None = None,
        geo: random.Random | None = None,
        today: dt.date = TODAY,
    ) -> None:
        self.rng = rng
        self.today = today  # every drawn date is counted back from it
        self.side = side or random.Random(0)  # later details only: draws here leave ``rng`` untouched
        self.geo = geo or random.Random(0)  # where things lie (``region_places``): draws here leave ``rng`` untouched
        self.nodes: list[NodeRecord] = []
        self.edges: list[EdgeRecord] = []
        self.spots: dict[str, Spot] = {}  # place id → its disc, for what is placed in it later
        self._unplaced: dict[str, dict[str, Any]] = {}  # units made before their place: their props, to place
        self._counts = dict.fromkeys(_PREFIX, 0)
        self._serial = 0

    def node(self, label: str, props: dict[str, Any], at: tuple[float, float] | None = None) -> Ref:
        """A node; ``at`` (longitude, latitude) becomes its 经度/纬度."""
        self._counts[label] += 1
        node_id = f"{_PREFIX[label]}{self._counts[label]:0{_WIDTH.get(label, 5)}d}"
        if at is not None:
            props["lon"], props["lat"] = at
        self.nodes.append(NodeRecord(label, node_id, props))
        return label, node_id

    def place(self, label: str, props: dict[str, Any], spot: Spot, recorded: bool = True) -> Ref:
        """A place (a community, a compound…) with its disc kept for what lies in it; its centre is its 经度/纬度
        when ``recorded`` and the label has them."""
        at = (round(spot.lon, 6), round(spot.lat, 6)) if recorded and label in _LOCATED else None
        ref = self.node(label, props, at)
        self.spots[ref[1]] = spot
        return ref

    def point(self, place: Ref, share: float = 0.8) -> tuple[float, float] | None:
        """A point inside a known place (None for a place never placed)."""
        spot = self.spots.get(place[1])
        return None if spot is None else inside(self.geo, spot, share)

    def locate(self, unit: Ref, place: Ref) -> None:
        """Give a unit made before its place (a stationed unit) its 经度/纬度 now."""
        props, at = self._unplaced.pop(unit[1], None), self.point(place)
        if props is not None and at is not None:
            props["lon"], props["lat"] = at

    def edge(self, rel: str, src: Ref, dst: Ref, **props: Any) -> None:
        props = {k: v for k, v in props.items() if v is not None} if props else props
        self.edges.append(EdgeRecord(rel, src[0], src[1], dst[0], dst[1], props))

    def ago(self, lo: int, hi: int) -> dt.date:
        """A day between ``hi`` and ``lo`` days before the region's date."""
        return self.today - dt.timedelta(days=self.rng.randint(lo, hi))

    def pick(self, seq: Sequence[T]) -> T:
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
            props["has_committee"] = kind not in _BRANCHES or (  # every branch is given its members
                full is not None and full + prob >= 7 and self.rng.random() > 0.05
            )
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
            until = years_after(start, props["term_years"]) if start else None
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
             reg: str | None = None) -> Unit:  # fmt: skip
        prob = self.rng.randint(0, full // 15)
        props = {"name": name, "kind": kind, "credit_code": self.credit_code(kind, code, reg),
                 "employees": max(full * self.rng.randint(2, 12), self.rng.randint(3, 60)),
                 "party_members": full, "probationary_members": prob, "stationed": stationed}  # fmt: skip
        ref = self.node("Unit", props, self.point(where) if where is not None else None)
        if where is not None:
            self.edge("LOCATED_IN", ref, where)
        else:
            self._unplaced[ref[1]] = props
        return Unit(ref, name, full, prob)

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
class Area:
    """What a district passes down: names for its children, its area code, its committee, where it lies."""

    province: cn.Province
    city: str
    name: str
    kind: str
    code: str
    ref: Ref
    org: Ref
    spot: Spot
    units: set[str]  # unit names, shared by the whole city: one city has one 中医院, one 供电公司


@dataclass
class Street:
    """A street's state while its communities are built: the pools that ties are later drawn from."""

    area: Area
    ref: Ref
    name: str
    stem: str
    org: Ref
    urban: bool
    spot: Spot
    used: set[str] = field(default_factory=set)  # place names, unique within the street
    stationed: list[Unit] = field(default_factory=list)
    companies: list[Unit] = field(default_factory=list)
    guided: set[str] = field(default_factory=set)  # companies that already have an instructor
    resources: dict[str, list[tuple[Ref, Unit]]] = field(default_factory=dict)
    leftover: list[Unit] = field(default_factory=list)  # small units no community joint branch took in


@dataclass
class Community:
    """A community's state: its committee (who also lead grids), places, and agreements by partner unit."""

    ref: Ref
    name: str
    org: Ref
    urban: bool
    committee: list[Ref]
    spot: Spot
    places: list[tuple[Ref, str, Ref | None]] = field(default_factory=list)  # grids and compounds, their org
    used: set[str] = field(default_factory=set)
    partners: dict[str, Ref] = field(default_factory=dict)  # stationed unit id -> agreement


def years_after(start: dt.date, years: int) -> dt.date:
    return dt.date(start.year + years, start.month, min(start.day, 28)) - dt.timedelta(days=1)


def weighted(rng: random.Random, weights: Mapping[str, float]) -> str:
    return rng.choices(tuple(weights), tuple(weights.values()))[0]


def org_form(rng: random.Random, members: int, kinds: tuple[str, ...]) -> str:
    """党委 from 100 members, 总支 from 50, else 支部 — and a few orgs not yet re-formed (form mismatch)."""
    level = 0 if members >= 100 else 1 if members >= 50 else 2
    return kinds[level + (level < 2 and rng.random() < 0.04)]


def small_members(rng: random.Random, bigger: float = 0.0) -> int:
    """Full members of a non-public unit: a third none, a third one or two, a third three or more."""
    r = rng.random() + bigger
    if r < 0.33:
        return 0
    if r < 0.62:
        return rng.randint(1, 2)
    return rng.randint(3, 12) if r < 0.92 else rng.randint(13, 130)
