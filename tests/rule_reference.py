"""An independent pure-Python reference for the 16 coverage rules (``queries/gap_*.cypher``).

The graph is exported from the store into a networkx ``MultiDiGraph`` and every rule is written out
again, in plain Python, from what its query means: same population, same test for "covered", same
reason code, same ``place`` and ``detail``. Nothing here is translated from the Cypher mechanically, so
a query that says something else than it means disagrees with this file.

Nodes are keyed ``(label, id)`` and carry ``label``, ``id`` and ``props``; edges carry ``type`` and
``props``. ``reference_rule(graph, rule_id, as_of)`` gives ``{id: RefRow}`` for one rule and
``reference_chain(graph, place)`` the PART_OF chain from a place up to its District.

>>> from orggraph.model.records import EdgeRecord, NodeRecord
>>> g = build_graph(
...     [NodeRecord("Grid", "G1", {"households": 40}), NodeRecord("PartyOrg", "O1", {"kind": "网格党支部"})],
...     [EdgeRecord("COVERS", "PartyOrg", "O1", "Grid", "G1")],
... )
>>> reference_rule(g, "grid_branch", dt.date(2026, 1, 1))
{'G1': RefRow(covered=True, reason=None, place='G1', detail=40)}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

import networkx as nx
import numpy as np

from orggraph.model.coverage_rules import load_rules

Key = tuple[str, str]  # (label, id)

# Orgs of a village/community (and the county and street committees above them) serve 5-year terms;
# every other org 3 years, unless its own term length is recorded.
FIVE_YEAR_KINDS = frozenset(
    ("区县党委", "街道党工委", "街道大工委", "社区党委", "社区党总支", "社区党支部", "社区大党委", "社区联合党委")
)
BUILDING_COMMITTEES = frozenset(("楼宇党委", "商圈综合党委", "商圈联合党委"))
ZONE_COMMITTEES = frozenset(("商圈综合党委", "商圈联合党委"))
COMPOUND_ORGS = frozenset(("小区党支部", "楼栋党小组"))
COMMITTEE_POSTS = frozenset(("书记", "副书记", "委员", "兼职委员", "组长"))  # a branch's committee, for 交叉任职


class RefRow(NamedTuple):
    covered: bool
    reason: str | None
    place: str | None
    detail: Any


# --- the graph ------------------------------------------------------------------------------------


def build_graph(nodes: Iterable, edges: Iterable) -> nx.MultiDiGraph:
    """A MultiDiGraph from exported records (``NodeRecord``/``EdgeRecord`` or anything shaped like them)."""
    g = nx.MultiDiGraph()
    g.graph["by_id"] = {}
    for n in nodes:
        g.add_node((n.label, n.id), label=n.label, id=n.id, props=dict(n.props))
        g.graph["by_id"].setdefault(n.id, []).append((n.label, n.id))
    for e in edges:
        g.add_edge((e.src_label, e.src_id), (e.dst_label, e.dst_id), type=e.type, props=dict(e.props))
    return g


def _of(g: nx.MultiDiGraph, label: str) -> list[Key]:
    return sorted(k for k in g.nodes if k[0] == label)


def _prop(g: nx.MultiDiGraph, key: Key, name: str) -> Any:
    return g.nodes[key]["props"].get(name)


def _out(g: nx.MultiDiGraph, key: Key, rel: str, label: str | None = None) -> list[tuple[Key, dict]]:
    """(target, edge props) for each ``rel`` edge leaving ``key`` (one entry per edge)."""
    return [
        (dst, d["props"])
        for _, dst, d in g.out_edges(key, data=True)
        if d["type"] == rel and (label is None or dst[0] == label)
    ]


def _in(g: nx.MultiDiGraph, key: Key, rel: str, label: str | None = None) -> list[tuple[Key, dict]]:
    """(source, edge props) for each ``rel`` edge arriving at ``key``."""
    return [
        (src, d["props"])
        for src, _, d in g.in_edges(key, data=True)
        if d["type"] == rel and (label is None or src[0] == label)
    ]


def _min_id(keys: Iterable[Key]) -> str | None:
    ids = [k[1] for k in keys]
    return min(ids) if ids else None


def _located(g: nx.MultiDiGraph, unit: Key) -> str | None:
    """Where a unit sits: its LOCATED_IN place (the lowest id when a ledger gives several)."""
    return _min_id(t for t, _ in _out(g, unit, "LOCATED_IN"))


def _org_place(g: nx.MultiDiGraph, org: Key) -> str | None:
    """Where an org sits: the place it covers (lowest id), else where its own or member units are."""
    covered = _min_id(t for t, _ in _out(g, org, "COVERS"))
    if covered is not None:
        return covered
    units = [u for rel in ("HAS_ORG", "COVERED_BY") for u, _ in _in(g, org, rel, "Unit")]
    return _min_id(t for u in units for t, _ in _out(g, u, "LOCATED_IN"))


def _streets_within(g: nx.MultiDiGraph, start: Key, hops: int) -> set[Key]:
    """Streets reached from ``start`` going up PART_OF at most ``hops`` times (``start`` itself included)."""
    seen, frontier = {start}, [start]
    for _ in range(hops):
        frontier = [t for k in frontier for t, _ in _out(g, k, "PART_OF") if t not in seen]
        seen.update(frontier)
    return {k for k in seen if k[0] == "Street"}


def add_years(day: dt.date, years: int) -> dt.date:
    """A date ``years`` later; 29 February falls back to 28 February (Cypher's and Java's rule)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def reference_chain(g: nx.MultiDiGraph, place: str | None) -> list[Key]:
    """``[(label, id), …]`` from the place itself up PART_OF to its District; ``[]`` for no place.

    Where a node has several parents (a compound in a grid and its community), the parent with the
    longer way up is taken (the grid: its chain passes the community too); ties go to the lower id.
    """
    if place is None:
        return []
    keys = g.graph["by_id"].get(place)
    if not keys or len(keys) > 1:
        raise KeyError(f"no single node with id {place!r}: {keys}")
    chain, key = [keys[0]], keys[0]
    while key[0] != "District":
        parents = [t for t, _ in _out(g, key, "PART_OF") if t not in chain]
        if not parents:
            break
        key = max(sorted(parents, key=lambda p: p[1]), key=lambda p: _depth(g, p, set(chain)))
        chain.append(key)
    return chain


def _depth(g: nx.MultiDiGraph, key: Key, seen: set[Key]) -> int:
    parents = [t for t, _ in _out(g, key, "PART_OF") if t not in seen]
    return 1 + max((_depth(g, p, seen | {key}) for p in parents), default=0)


# --- geography coverage ---------------------------------------------------------------------------


def compound_org(g: nx.MultiDiGraph, as_of: dt.date) -> dict[str, RefRow]:
    """A compound is covered by a compound branch or building group on it, or a building group on one of its
    buildings."""
    rows = {}
    for c in _of(g, "Compound"):
        orgs = [o for o, _ in _in(g, c, "COVERS") if _prop(g, o, "kind") in COMPOUND_ORGS]
        buildings = [b for b, _ in _in(g, c, "PART_OF", "Building")]
        groups = [o for b in buildings for o, _ in _in(g, b, "COVERS") if _prop(g, o, "kind") == "楼栋党小组"]
        ok = bool(orgs or groups)
        rows[c[1]] = RefRow(ok, None if ok else "no_branch", c[1], _prop(g, c, "households"))
    return rows


def grid_branch(g: nx.MultiDiGraph, as_of: dt.date) -> dict[str, RefRow]:
    """A grid is covered when a grid branch covers it."""
    rows = {}
    for grid in _of(g, "Grid"):
        ok = any(_prop(g, o, "kind") == "网格党支部" for o, _ in _in(g, grid, "COVERS"))
        rows[grid[1]] = RefRow(ok, None if ok else "no_grid_branch", grid[1], _prop(g, grid, "households"))
    return rows


def commercial_building_org(g: nx.MultiDiGraph, as_of: dt.date) -> dict[str, RefRow]:
    """A commercial building is covered by a building or zone committee, or lies in a zone a zone committee
    covers."""
    rows = {}
    for b in _of(g, "CommercialBuilding"):
        direct = any(_prop(g, o, "kind") in BUILDING_COMMITTEES for o, _ in _in(g, b, "COVERS"))
        ok = direct
        rows[b[1]] = RefRow(ok, None if ok else "no_building_org", b[1], _prop(g, b, "tenants"))
    return rows


# --- units ----------------------------------------------------------------------------------------


def unit_org(g: nx.MultiDiGraph, as_of: dt.date) -> dict[str, RefRow]:
    """Units with 3+ full members need their own org; with 1–2 their own or a joint one. Recorded 0: not here.
    Count blank: an own org does for any count; without one the count is what is missing."""
    rows = {}
    for u in _of(g, "Unit"):
        members = _prop(g, u, "party_members")
        if members is not None and members < 1:
            continue
        own = bool(_out(g, u, "HAS_ORG", "PartyOrg"))
        joint = bool(_out(g, u, "COVERED_BY", "PartyOrg"))
        if members is None:
            reason = None if own else "members_not_recorded_joint" if joint else "members_not_recorded"
        elif members >= 3:
            reason = None if own else "own_org_required_joint" if joint else "own_org_required"
        else:
            reason = None if own or joint else "joint_branch_required"
        rows[u[1]] = RefRow(reason is None, reason, _located(g, u), members)
    return rows


def unit_work(g: nx.MultiDiGraph, as_of: dt.date) -> dict[str, RefRow]:
    """Party work reaches a unit through its own org, a joint branch or a party-work instructor."""
    rows = {}
    for u in _of(g, "Unit"):
        ok = bool(_out(g, u, "HAS_ORG") or _out(g, u, "COVERED_BY") or _in(g, u, "GUIDES"))
        rows[u[1]] = RefRow(ok, None if ok else "unreached", _located(g, u), _prop(g, u, "party_members"))
    return rows


def _unit_streets(g: nx.MultiDiGraph, unit: Key) -> set[Key]:
    """The streets a unit's places lie in (a place that is a street included)."""
    return {s for place, _ in _out(g, unit, "LOCATED_IN") for s in _streets_within(g, place, 5)}


def dual_reporting(g: nx.MultiDiGraph, as_of: dt.date) -> dict[str, RefRow]:
    """A stationed unit with its own org is covered when one of its orgs reports to a community. 驻区单位 blank:
    stationed when located inside a street; otherwise judged only if it reports, else not recorded."""
    rows = {}
    for u in _of(g, "Unit"):
        orgs = [o for o, _ in _out(g, u, "HAS_ORG", "PartyOrg")]
        flag = _prop(g, u, "stationed")
        if flag is False or not orgs:
            continue
        ok = any(_out(g, o, "REPORTS_TO", "Community") for o in orgs)
        stationed = flag is True or bool(_unit_streets(g, u))
        reason = None if ok else "not_reported" if stationed else "stationed_not_recorded"
        rows[u[1]] = RefRow(ok, reason, _located(g, u), _prop(g, u, "party_members"))
    return rows


def red_property(g: nx.MultiDiGraph, as_of: dt.date) -> dict[str, RefRow]:
    """A unit managing compounds must have, or be covered by, a party org; it sits where it is located,
    else at the lowest-id compound it manages."""
    rows = {}
    for u in _of(g, "Unit"):
        managed = {k for k, _ in _out(g, u, "MANAGES", "Compound")}
        if not managed:
            continue
        ok = bool(_out(g, u, "HAS_ORG", "PartyOrg") or _out(g, u, "COVERED_BY", "PartyOrg"))
        place = _located(g, u) or _min_id(managed)
        rows[u[1]] = RefRow(ok, None if ok else "no_org", place, len(managed))
    return rows


# --- orgs -----------------------------------------------------------------------------------------


def _form_problem(kind: str, members: int | None, has_committee: bool | None, units: int) -> str | None:
    """The first form mismatch, in order of weight; then what is blank where a check needs it."""
    branch, general = kind.endswith("党支部"), kind.endswith("党总支")
    if members is not None:
        if branch and members > 100:
            return "branch_over_100"
        if branch and members > 50:
            return "branch_over_50"
        if general and members > 100:
            return "general_branch_over_100"
        if branch and members >= 7 and has_committee is False:
            return "no_committee"
    if kind == "联合党支部" and units > 5:
        return "joint_over_5"
    if members is None:
        return "members_not_recorded"
    if branch and members >= 7 and has_committee is None:
        return "committee_not_recorded"
    return None


def org_form(g: nx.MultiDiGraph, as_of: dt.date) -> dict[str, RefRow]:
    """Branches (支部) and general branches (总支) only: size against form, committee, joint-branch span."""
    rows = {}
    for o in _of(g, "PartyOrg"):
        kind = _prop(g, o, "kind") or ""
        if not (kind.endswith("党支部") or kind.endswith("党总支")):
            continue
        units = len(_in(g, o, "COVERED_BY", "Unit"))
        members = _prop(g, o, "members")
        reason = _form_problem(kind, members, _prop(g, o, "has_committee"), units)
        detail = units if reason == "joint_over_5" else members
        rows[o[1]] = RefRow(reason is None, reason, _org_place(g, o), detail)
    return rows


def _serving(post: dict, as_of: dt.date) -> bool:
    since, until = post.get("since"), post.get("until")
    return (since is None or since <= as_of) and (until is None or until >= as_of)


def org_secretary(g: nx.MultiDiGraph, as_of: dt.date) -> dict[str, RefRow]:
    """Every org has a 书记 serving on the as-of day (a building group: a 组长)."""
    rows = {}
    for o in _of(g, "PartyOrg"):
        kind = _prop(g, o, "kind")
        title = "组长" if kind == "楼栋党小组" else "书记"
        ok = any(p.get("post") == title and _serving(p, as_of) for _, p in _in(g, o, "HOLDS_POST", "Person"))
        rows[o[1]] = RefRow(ok, None if ok else "no_secretary", _org_place(g, o), kind)
    return rows


def org_superior(g: nx.MultiDiGraph, as_of: dt.date) -> dict[str, RefRow]:
    """Every org but a county committee is led by another org, or names a superior outside the area."""
    rows = {}
    for o in _of(g, "PartyOrg"):
        kind = _prop(g, o, "kind")
        if kind is None or kind == "区县党委":
            continue
        ok = bool(_in(g, o, "LEADS", "PartyOrg")) or _prop(g, o, "external_superior") is not None
        rows[o[1]] = RefRow(ok, None if ok else "orphan", _org_place(g, o), kind)
    return rows


def org_renewal(g: nx.MultiDiGraph, as_of: dt.date) -> dict[str, RefRow]:
    """Every org but a building group (which holds no elections): the term (recorded length, else 5 or 3 years)
    runs to ``start + years``; renewal is overdue once that day is past. No term start: not recorded."""
    rows = {}
    for o in _of(g, "PartyOrg"):
        if _prop(g, o, "kind") == "楼栋党小组":
            continue
        start = _prop(g, o, "term_start")
        if start is None:
            rows[o[1]] = RefRow(False, "term_not_recorded", _org_place(g, o), None)
            continue
        years = _prop(g, o, "term_years")
        if years is None:
            years = 5 if _prop(g, o, "kind") in FIVE_YEAR_KINDS else 3
        due = add_years(start, years)
        ok = due > as_of  # the term's last day is the day before
        rows[o[1]] = RefRow(ok, None if ok else "term_overdue", _org_place(g, o), due.isoformat())
    return rows


def part_time_term(g: nx.MultiDiGraph, as_of: dt.date) -> dict[str, RefRow]:
    """Orgs with part-time members (兼职委员): a gap while any of those terms ended before the as-of day."""
    rows = {}
    for o in _of(g, "PartyOrg"):
        posts = [p for _, p in _in(g, o, "HOLDS_POST", "Person") if p.get("post") == "兼职委员"]
        if not posts:
            continue
        lapsed = sum(1 for p in posts if p.get("until") is not None and p["until"] < as_of)
        open_ended = sum(1 for p in posts if p.get("until") is None)
        reason = "terms_lapsed" if lapsed else "term_end_not_recorded" if open_ended else None
        rows[o[1]] = RefRow(reason is None, reason, _org_place(g, o), lapsed or open_ended)
    return rows


# --- ties -----------------------------------------------------------------------------------------


def _is_current(agreement: dict, as_of: dt.date) -> bool:
    signed, expires = agreement.get("signed"), agreement.get("expires")
    in_force = signed is not None and signed <= as_of and (expires is None or expires >= as_of)
    return in_force and agreement.get("status") not in ("已到期", "已终止")


def _expired(agreement: dict, as_of: dt.date) -> bool:
    expires = agreement.get("expires")
    return (expires is not None and expires < as_of) or agreement.get("status") == "已到期"


def _partner(g: nx.MultiDiGraph, agreement: Key, community_side: tuple[Key, int], street: Key | None) -> str:
    """What the agreement's other signatories are, seen from one community signature: 'yes' a stationed unit's
    org (驻区单位 是, or blank with a place inside the community's street), 'unknown' a unit's org whose 驻区单位
    is blank and is not placed in that street, 'no' otherwise (units recorded 否, or no unit's org)."""
    seen = set()
    for _, org, k, d in g.out_edges(agreement, keys=True, data=True):
        if d["type"] != "SIGNED_BY" or org[0] != "PartyOrg" or (org, k) == community_side:
            continue
        for u, _ in _in(g, org, "HAS_ORG", "Unit"):
            flag = _prop(g, u, "stationed")
            if flag is None:
                flag = True if street is not None and street in _unit_streets(g, u) else None
            seen.add({True: "yes", False: "no", None: "unknown"}[flag])
    return "yes" if "yes" in seen else "unknown" if "unknown" in seen else "no"


def community_agreement(g: nx.MultiDiGraph, as_of: dt.date) -> dict[str, RefRow]:
    """A community is covered when an org covering it co-signed with a stationed unit's org an agreement in force
    on the as-of day (signed by then, not expired before it, not recorded as expired or ended). Otherwise, in
    this order: a current agreement whose partner's 驻区单位 is not recorded; current ones with no stationed
    partner; none signed at all; all expired; none in force."""
    rows = {}
    for c in _of(g, "Community"):
        street = next((t for t, _ in _out(g, c, "PART_OF", "Street")), None)
        partners: dict[Key, set[str]] = {}
        for org, _ in _in(g, c, "COVERS", "PartyOrg"):
            for a, _, k, d in g.in_edges(org, keys=True, data=True):
                if d["type"] == "SIGNED_BY" and a[0] == "Agreement":
                    partners.setdefault(a, set()).add(_partner(g, a, (org, k), street))
        kinds = {a: "yes" if "yes" in p else "unknown" if "unknown" in p else "no" for a, p in partners.items()}
        current = {kinds[a] for a in partners if _is_current(g.nodes[a]["props"], as_of)}
        expired = [a for a in partners if _expired(g.nodes[a]["props"], as_of)]
        if "yes" in current:
            reason = None
        elif "unknown" in current:
            reason = "stationed_not_recorded"
        elif current:
            reason = "partner_not_stationed"
        elif not partners:
            reason = "no_agreement"
        else:
            reason = "agreements_lapsed" if len(expired) == len(partners) else "agreement_not_current"
        rows[c[1]] = RefRow(reason is None, reason, c[1], len(partners))
    return rows


def agreement_lapsed(g: nx.MultiDiGraph, as_of: dt.date) -> dict[str, RefRow]:
    """An agreement past its expiry on the as-of day and still recorded as current is a lapse nobody noticed;
    with no status recorded it is a lapse whose status is blank. No expiry: it cannot lapse. It sits in a
    community a signatory covers, else anywhere a signatory covers."""
    rows = {}
    for a in _of(g, "Agreement"):
        expires, status = _prop(g, a, "expires"), _prop(g, a, "status")
        reason = None
        if expires is not None and expires < as_of:
            reason = {"履行中": "lapsed_unnoticed", None: "lapsed_status_blank"}.get(status)
        covered = [t for org, _ in _out(g, a, "SIGNED_BY", "PartyOrg") for t, _ in _out(g, org, "COVERS")]
        place = _min_id(t for t in covered if t[0] == "Community") or _min_id(covered)
        detail = expires.isoformat() if expires is not None else None
        rows[a[1]] = RefRow(reason is None, reason, place, detail)
    return rows


def _offers_by_street(g: nx.MultiDiGraph) -> dict[Key, set[str]]:
    """Resource categories on offer per street. A resource sits where its provider is: a unit where it is
    located (an org's resource where the org's unit is), an org with no unit where it covers."""
    offers: dict[Key, set[str]] = {}
    for res in _of(g, "Resource"):
        category = _prop(g, res, "category")
        for p, _ in _out(g, res, "OFFERED_BY"):
            providers = [u for u, _ in _in(g, p, "HAS_ORG", "Unit")] or [p]
            for provider in providers:
                sites = [t for rel in ("LOCATED_IN", "COVERS") for t, _ in _out(g, provider, rel)]
                for street in {s for site in sites for s in _streets_within(g, site, 5)}:
                    offers.setdefault(street, set())
                    if category is not None:
                        offers[street].add(category)
    return offers


def need_met(g: nx.MultiDiGraph, as_of: dt.date) -> dict[str, RefRow]:
    """A need is met by a project, by being done, or by a resource of its category in its street. It sits where
    it was raised (an org raising it: where that org covers); its street is the lowest-id street above."""
    offers, rows = _offers_by_street(g), {}
    for n in _of(g, "Need"):
        sites = []
        for r, _ in _out(g, n, "RAISED_BY"):
            sites += [t for t, _ in _out(g, r, "COVERS")] or [r]
        streets = {s for site in sites for s in _streets_within(g, site, 4)}
        street = min(streets, key=lambda k: k[1]) if streets else None
        category = _prop(g, n, "category")
        nearby = street is not None and category in offers.get(street, set())
        ok = bool(_in(g, n, "FULFILLS", "Project")) or _prop(g, n, "status") == "已完成" or nearby
        reason = None
        if not ok:
            reason = (
                "category_not_recorded"
                if category is None
                else "street_unknown"
                if street is None
                else "no_resource_in_street"
            )
        rows[n[1]] = RefRow(ok, reason, _min_id(sites), category)
    return rows


def _compound_orgs(g: nx.MultiDiGraph, compound: Key) -> list[Key]:
    """The orgs compound_org counts for a compound: a compound branch or building group on it, or a building
    group on one of its buildings."""
    orgs = [o for o, _ in _in(g, compound, "COVERS", "PartyOrg") if _prop(g, o, "kind") in COMPOUND_ORGS]
    for b, _ in _in(g, compound, "PART_OF", "Building"):
        orgs += [o for o, _ in _in(g, b, "COVERS", "PartyOrg") if _prop(g, o, "kind") == "楼栋党小组"]
    return orgs


def cross_appointment(g: nx.MultiDiGraph, as_of: dt.date) -> dict[str, RefRow]:
    """Compounds with an owners' committee: covered when someone serves on the as-of day both on a committee post
    of the compound's org and on the owners' committee; 一肩挑 when that is the org's leader (书记, a group's 组长)
    chairing the owners' committee. Otherwise: no compound org; no serving owners'-committee member recorded;
    no serving org committee member recorded; or no overlap."""
    rows = {}
    for k in _of(g, "Compound"):
        committees = [oc for oc, _ in _in(g, k, "REPRESENTS", "OwnersCommittee")]
        if not committees:
            continue
        board = {(p, post["post"]) for oc in committees for p, post in _in(g, oc, "HOLDS_POST", "Person")
                 if _serving(post, as_of)}  # fmt: skip
        orgs = _compound_orgs(g, k)
        branch = set()
        for o in orgs:
            lead = "组长" if _prop(g, o, "kind") == "楼栋党小组" else "书记"
            for p, post in _in(g, o, "HOLDS_POST", "Person"):
                if post.get("post") in COMMITTEE_POSTS and _serving(post, as_of):
                    branch.add((p, post["post"] == lead))
        members = {p for p, _ in board}
        chairs = {p for p, post in board if post == "业委会主任"}
        cross = [(p, leads) for p, leads in branch if p in members]
        if cross:
            reason = None
        elif not orgs:
            reason = "no_compound_org"
        elif not board:
            reason = "board_posts_not_recorded"
        elif not branch:
            reason = "branch_posts_not_recorded"
        else:
            reason = "no_cross_post"
        one = any(leads and p in chairs for p, leads in cross)
        detail = "一肩挑" if one else "交叉任职" if cross else None
        rows[k[1]] = RefRow(reason is None, reason, k[1], detail)
    return rows


def _haversine_m(lon1: float, lat1: float, lon2: np.ndarray, lat2: np.ndarray) -> np.ndarray:
    """Great-circle metres by the haversine formula (mean sphere, 6,371,008.8 m)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6_371_008.8 * np.arcsin(np.sqrt(a))


def service_circle(g: nx.MultiDiGraph, as_of: dt.date) -> dict[str, RefRow]:
    """Every compound with coordinates is covered when a station with coordinates lies within the radius; the
    nearest station within ``nearest_within_m`` (smallest id at a tie) is the detail. A plain haversine to every
    station: the reference for the k-d tree."""
    measure = load_rules().rule("service_circle").measure
    stations = sorted((s[1], _prop(g, s, "name"), _prop(g, s, "lon"), _prop(g, s, "lat"))
                      for s in _of(g, "ServiceStation") if _prop(g, s, "lon") is not None)  # fmt: skip
    slon = np.array([s[2] for s in stations], dtype=float)
    slat = np.array([s[3] for s in stations], dtype=float)
    rows = {}
    for k in _of(g, "Compound"):
        lon, lat = _prop(g, k, "lon"), _prop(g, k, "lat")
        if lon is None or lat is None:
            rows[k[1]] = RefRow(False, "location_not_recorded", k[1], None)
            continue
        d = _haversine_m(lon, lat, slon, slat)
        if not len(d) or d.min() > measure.nearest_within_m:
            rows[k[1]] = RefRow(False, "no_station_nearby", k[1], None)
            continue
        j = int(np.argmin(d))  # the first of equals: stations are in id order
        detail = {"station": stations[j][1], "station_id": stations[j][0], "metres": round(float(d[j]))}
        covered = bool(d[j] <= measure.radius_m)
        rows[k[1]] = RefRow(covered, None if covered else "no_station_within_radius", k[1], detail)
    return rows


RULES: dict[str, Callable[[nx.MultiDiGraph, dt.date], dict[str, RefRow]]] = {
    f.__name__: f
    for f in (
        compound_org,
        grid_branch,
        commercial_building_org,
        unit_org,
        unit_work,
        org_form,
        community_agreement,
        agreement_lapsed,
        dual_reporting,
        red_property,
        org_secretary,
        org_superior,
        org_renewal,
        part_time_term,
        need_met,
        cross_appointment,
        service_circle,
    )
}


def reference_rule(g: nx.MultiDiGraph, rule_id: str, as_of: dt.date) -> dict[str, RefRow]:
    """One row per member of the rule's population, keyed by id."""
    if rule_id not in RULES:
        raise KeyError(f"unknown rule {rule_id!r}; known: {', '.join(RULES)}")
    return RULES[rule_id](g, as_of)


def gaps(rows: dict[str, RefRow]) -> Iterator[tuple[str, str | None]]:
    """(id, reason) of the members not covered, by id."""
    return ((i, r.reason) for i, r in sorted(rows.items()) if not r.covered)
