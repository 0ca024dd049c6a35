"""Every reason a rule can give says something true of the graph it is given for.

For each reason code in ``coverage_rules.yaml`` there is a hand-built graph below on which the rule's query
gives that code to one member, and a check, written from the reason's words, that those words are true of
that graph: "台账中无该社区签订的共建协议" only for a community no agreement names, "状态未填写" only for an
agreement with no status, and so on. The same graph goes through the Python reference, and through the gap
engine, whose rendered text must be the reason's own words with the detail filled in. A last set of tests
pins the blanks the rules derive rather than report (a blank 驻区单位 inside the street counts as stationed,
an explicit 否 does not; a superior outside the area counts).

Static checks: every code a query's ``CASE … END AS reason`` can return is in the rules file, every code in
the rules file has its case here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

import networkx as nx
import pytest
from rule_reference import _haversine_m, _in, _out, _prop, _serving, _streets_within, build_graph, reference_rule

from orggraph.analysis.coverage import gap_report
from orggraph.analysis.query_catalogue import find_query, run_query
from orggraph.analysis.service_circle import CODES as MEASURED_CODES
from orggraph.analysis.service_circle import measured
from orggraph.graph.store import BoltStore
from orggraph.ingest.load import ingest_records
from orggraph.model.coverage_rules import load_rules
from orggraph.model.records import EdgeRecord, NodeRecord

AS_OF = dt.date(2026, 6, 30)
BEFORE, AFTER = dt.date(2026, 6, 29), dt.date(2026, 7, 1)
BOOK = load_rules()

# District D1 › street S1 › community C1 (its committee OC) and a second street S2 › C2; a compound K1 in C1.
_BASE_NODES = [
    ("District", "D1", {}),
    ("Street", "S1", {}),
    ("Street", "S2", {}),
    ("Community", "C1", {}),
    ("Community", "C2", {}),
    ("Compound", "K1", {}),
    ("PartyOrg", "OC", {"kind": "社区党委"}),
]
_BASE_EDGES = [
    ("PART_OF", "Street", "S1", "District", "D1"),
    ("PART_OF", "Street", "S2", "District", "D1"),
    ("PART_OF", "Community", "C1", "Street", "S1"),
    ("PART_OF", "Community", "C2", "Street", "S2"),
    ("PART_OF", "Compound", "K1", "Community", "C1"),
    ("COVERS", "PartyOrg", "OC", "Community", "C1"),
]


def records(nodes: list[tuple], edges: list[tuple]) -> tuple[list[NodeRecord], list[EdgeRecord]]:
    """Records from (label, id, props) and (type, src label, src id, dst label, dst id[, props]), on the base."""
    node_records = [NodeRecord(label, i, {"name": i, **props}) for label, i, props in _BASE_NODES + nodes]
    return node_records, [EdgeRecord(*e) for e in _BASE_EDGES + edges]


# --- small builders ---------------------------------------------------------------------------------------------


def unit(uid: str, **props) -> tuple:
    return ("Unit", uid, {"kind": "国有企业", **props})


def org(oid: str, kind: str, **props) -> tuple:
    return ("PartyOrg", oid, {"kind": kind, **props})


def has_org(uid: str, oid: str) -> tuple:
    return ("HAS_ORG", "Unit", uid, "PartyOrg", oid)


def located(uid: str, label: str, place: str) -> tuple:
    return ("LOCATED_IN", "Unit", uid, label, place)


def agreement(aid: str, signed: dt.date, expires: dt.date | None = None, status: str | None = None) -> tuple:
    props = {"signed": signed, "expires": expires, "status": status}
    return ("Agreement", aid, {k: v for k, v in props.items() if v is not None})


def signed_by(aid: str, oid: str) -> tuple:
    return ("SIGNED_BY", "Agreement", aid, "PartyOrg", oid)


def post(pid: str, body_label: str, body: str, title: str, **dates) -> tuple:
    return ("HOLDS_POST", "Person", pid, body_label, body, {"post": title, **dates})


def person(pid: str) -> tuple:
    return ("Person", pid, {})


def stationed_partner(uid: str, oid: str, **props) -> tuple[list[tuple], list[tuple]]:
    """A unit with its own org, as a co-signing partner."""
    return [unit(uid, **props), org(oid, "单位党支部")], [has_org(uid, oid)]


# --- what the words say, checked on the graph -------------------------------------------------------------------

G = nx.MultiDiGraph
Key = tuple[str, str]


def node(g: G, i: str) -> Key:
    (key,) = g.graph["by_id"][i]
    return key


def kinds_covering(g: G, place: Key) -> set[str]:
    return {_prop(g, o, "kind") for o, _ in _in(g, place, "COVERS", "PartyOrg")}


def community_agreements(g: G, c: Key) -> set[Key]:
    return {a for o, _ in _in(g, c, "COVERS", "PartyOrg") for a, _ in _in(g, o, "SIGNED_BY", "Agreement")}


def current(g: G, a: Key) -> bool:
    p = g.nodes[a]["props"]
    in_dates = p["signed"] <= AS_OF and (p.get("expires") is None or p["expires"] >= AS_OF)
    return in_dates and p.get("status") not in ("已到期", "已终止")


def partner_units(g: G, a: Key, c: Key) -> list[Key]:
    community_orgs = {o for o, _ in _in(g, c, "COVERS", "PartyOrg")}
    return [u for o, _ in _out(g, a, "SIGNED_BY") if o not in community_orgs for u, _ in _in(g, o, "HAS_ORG", "Unit")]


def in_street(g: G, u: Key, street: str) -> bool:
    return any(s[1] == street for t, _ in _out(g, u, "LOCATED_IN") for s in _streets_within(g, t, 5))


def serving(g: G, body: Key, titles: frozenset[str] | None = None) -> set[Key]:
    return {
        p for p, e in _in(g, body, "HOLDS_POST", "Person") if _serving(e, AS_OF) and (not titles or e["post"] in titles)
    }


COMMITTEE = frozenset(("书记", "副书记", "委员", "兼职委员", "组长"))


def compound_orgs(g: G, k: Key) -> list[Key]:
    orgs = [o for o, _ in _in(g, k, "COVERS", "PartyOrg") if _prop(g, o, "kind") in ("小区党支部", "楼栋党小组")]
    for b, _ in _in(g, k, "PART_OF", "Building"):
        orgs += [o for o, _ in _in(g, b, "COVERS", "PartyOrg") if _prop(g, o, "kind") == "楼栋党小组"]
    return orgs


def board(g: G, k: Key) -> set[Key]:
    return {p for oc, _ in _in(g, k, "REPRESENTS", "OwnersCommittee") for p in serving(g, oc)}


# --- the cases ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    rule: str
    code: str
    member: str
    nodes: list[tuple]
    edges: list[tuple]
    true: Callable[[G, Key, object], bool]  # (graph, the member, the row's detail) → the reason's words hold


def _unit_case(code: str, members: int | None, joint: bool) -> Case:
    props = {} if members is None else {"party_members": members}
    nodes = [unit("U1", **props), org("J1", "联合党支部", members=5, has_committee=False)]
    edges = [("COVERED_BY", "Unit", "U1", "PartyOrg", "J1")] if joint else []

    def true(g: G, u: Key, detail: object) -> bool:
        count = _prop(g, u, "party_members")
        in_joint = bool(_out(g, u, "COVERED_BY"))
        no_own = not _out(g, u, "HAS_ORG")
        if code == "own_org_required":
            return count >= 3 and no_own and not in_joint
        if code == "own_org_required_joint":
            return count >= 3 and no_own and in_joint
        if code == "joint_branch_required":
            return 1 <= count <= 2 and no_own and not in_joint
        if code == "members_not_recorded":
            return count is None and no_own and not in_joint
        return count is None and no_own and in_joint  # members_not_recorded_joint

    return Case("unit_org", code, "U1", nodes, edges, true)


def _form_case(code: str, kind: str, units: int = 0, **props) -> Case:
    nodes = [org("O1", kind, **props)] + [unit(f"U{i}", party_members=1) for i in range(units)]
    edges = [("COVERED_BY", "Unit", f"U{i}", "PartyOrg", "O1") for i in range(units)]

    def true(g: G, o: Key, detail: object) -> bool:
        members, committee = _prop(g, o, "members"), _prop(g, o, "has_committee")
        branch = _prop(g, o, "kind").endswith("党支部")
        return {
            "branch_over_100": lambda: branch and members > 100 and detail == members,
            "branch_over_50": lambda: branch and 50 < members <= 100 and detail == members,
            "general_branch_over_100": lambda: _prop(g, o, "kind").endswith("党总支") and members > 100,
            "no_committee": lambda: branch and members >= 7 and committee is False and detail == members,
            "joint_over_5": lambda: len(_in(g, o, "COVERED_BY", "Unit")) == detail > 5,
            "members_not_recorded": lambda: members is None,
            "committee_not_recorded": lambda: branch and members >= 7 and committee is None and detail == members,
        }[code]()

    return Case("org_form", code, "O1", nodes, edges, true)


def _agreement_case(code: str, partner: dict, agreement_dates: tuple | None, place: tuple | None) -> Case:
    """C1's committee OC signs A1 (dates given) with unit U1's org UO (U1's props given, placed at ``place``)."""
    nodes, edges = stationed_partner("U1", "UO", **partner)
    if place is not None:
        edges.append(located("U1", *place))
    if agreement_dates is not None:
        nodes.append(agreement("A1", *agreement_dates))
        edges += [signed_by("A1", "OC"), signed_by("A1", "UO")]

    def true(g: G, c: Key, detail: object) -> bool:
        signed = community_agreements(g, c)
        live = [a for a in signed if current(g, a)]
        stationed = [
            a for a in live if any(_prop(g, u, "stationed") is True or (
                _prop(g, u, "stationed") is None and in_street(g, u, "S1")) for u in partner_units(g, a, c))
        ]  # fmt: skip
        if code == "no_agreement":  # no agreement names any org covering the community
            return not signed and detail == 0
        if code == "stationed_not_recorded":  # a current agreement whose partner's 驻区单位 is blank, placed elsewhere
            return not stationed and any(
                _prop(g, u, "stationed") is None and not in_street(g, u, "S1")
                for a in live
                for u in partner_units(g, a, c)
            )
        if code == "partner_not_stationed":  # current agreements exist, none with a stationed unit
            return bool(live) and all(_prop(g, u, "stationed") is False for a in live for u in partner_units(g, a, c))
        if code == "agreements_lapsed":  # every agreement signed has expired
            return len(signed) == detail > 0 and all(g.nodes[a]["props"]["expires"] < AS_OF for a in signed)
        return len(signed) == detail > 0 and not live  # agreement_not_current: none in force

    return Case("community_agreement", code, "C1", nodes, edges, true)


def _lapsed_case(code: str, status: str | None) -> Case:
    nodes = [agreement("A1", dt.date(2024, 1, 1), BEFORE, status)]

    def true(g: G, a: Key, detail: object) -> bool:
        expires, recorded = _prop(g, a, "expires"), _prop(g, a, "status")
        expected = "履行中" if code == "lapsed_unnoticed" else None
        return expires < AS_OF and detail == expires.isoformat() and recorded == expected

    return Case("agreement_lapsed", code, "A1", nodes, [signed_by("A1", "OC")], true)


def _dual_case(code: str, stationed: bool | None, place: tuple | None) -> Case:
    nodes, edges = stationed_partner("U1", "UO", **({} if stationed is None else {"stationed": stationed}))
    if place is not None:
        edges.append(located("U1", *place))

    def true(g: G, u: Key, detail: object) -> bool:
        reports = [c for o, _ in _out(g, u, "HAS_ORG") for c, _ in _out(g, o, "REPORTS_TO")]
        if code == "not_reported":  # in the population: stationed, recorded so or placed inside a street
            placed = any(_streets_within(g, t, 5) for t, _ in _out(g, u, "LOCATED_IN"))
            return not reports and (_prop(g, u, "stationed") is True or placed)
        return not reports and _prop(g, u, "stationed") is None and not _out(g, u, "LOCATED_IN")

    return Case("dual_reporting", code, "U1", nodes, edges, true)


def _renewal_case(code: str, **props) -> Case:
    def true(g: G, o: Key, detail: object) -> bool:
        start = _prop(g, o, "term_start")
        if code == "term_not_recorded":
            return start is None and _prop(g, o, "kind") != "楼栋党小组"
        return start.replace(year=start.year + _prop(g, o, "term_years")).isoformat() == detail <= AS_OF.isoformat()

    return Case("org_renewal", code, "O1", [org("O1", "网格党支部", **props)], [], true)


def _part_time_case(code: str, **dates) -> Case:
    edges = [post("P1", "PartyOrg", "O1", "兼职委员", since=dt.date(2024, 1, 1), **dates)]

    def true(g: G, o: Key, detail: object) -> bool:
        posts = [e for _, e in _in(g, o, "HOLDS_POST") if e["post"] == "兼职委员"]
        if code == "terms_lapsed":
            return sum(1 for e in posts if e.get("until") and e["until"] < AS_OF) == detail > 0
        return sum(1 for e in posts if e.get("until") is None) == detail > 0 and all(
            e["until"] >= AS_OF for e in posts if e.get("until")
        )

    return Case("part_time_term", code, "O1", [org("O1", "社区党委"), person("P1")], edges, true)


def _need_case(code: str, props: dict, raiser: tuple) -> Case:
    nodes = [("Need", "N1", props), org("OX", "单位党支部")]

    def true(g: G, n: Key, detail: object) -> bool:
        open_need = not _in(g, n, "FULFILLS") and _prop(g, n, "status") != "已完成"
        category = _prop(g, n, "category")
        offered = {_prop(g, r, "category") for r in g.nodes if r[0] == "Resource"}
        raisers = [r for r, _ in _out(g, n, "RAISED_BY")]
        if code == "category_not_recorded":
            return open_need and category is None
        if code == "street_unknown":
            return open_need and all(not _out(g, r, "COVERS") and not _streets_within(g, r, 4) for r in raisers)
        return open_need and category is not None and category == detail and category not in offered

    return Case("need_met", code, "N1", nodes, [("RAISED_BY", "Need", "N1", *raiser)], true)


def _cross_case(code: str, branch: bool, branch_post: bool, board_post: bool, same: bool = False) -> Case:
    nodes = [("OwnersCommittee", "OW1", {}), person("P1"), person("P2")]
    edges = [("REPRESENTS", "OwnersCommittee", "OW1", "Compound", "K1")]
    if branch:
        nodes.append(org("O1", "小区党支部"))
        edges.append(("COVERS", "PartyOrg", "O1", "Compound", "K1"))
        if branch_post:
            edges.append(post("P1", "PartyOrg", "O1", "书记", since=dt.date(2024, 1, 1)))
    if board_post:
        edges.append(post("P1" if same else "P2", "OwnersCommittee", "OW1", "业委会主任", since=dt.date(2024, 1, 1)))

    def true(g: G, k: Key, detail: object) -> bool:
        orgs = compound_orgs(g, k)
        members = {p for o in orgs for p in serving(g, o, COMMITTEE)}
        return {
            "no_compound_org": lambda: not orgs and bool(_in(g, k, "REPRESENTS")),
            "board_posts_not_recorded": lambda: bool(orgs) and not board(g, k),
            "branch_posts_not_recorded": lambda: bool(orgs) and bool(board(g, k)) and not members,
            "no_cross_post": lambda: bool(members) and bool(board(g, k)) and not members & board(g, k),
        }[code]()

    return Case("cross_appointment", code, "K1", nodes, edges, true)


def _circle_case(code: str, compound: tuple[float, float] | None, station: tuple[float, float] | None) -> Case:
    """K2 (or, with no coordinates, the base compound K1) and one station, both in C1, at these (lon, lat)."""
    measure = BOOK.rule("service_circle").measure
    nodes = [("Compound", "K2", {"lon": compound[0], "lat": compound[1]})] if compound else []
    edges = [("PART_OF", "Compound", "K2", "Community", "C1")] if compound else []
    props = {"lon": station[0], "lat": station[1]} if station else {}
    nodes.append(("ServiceStation", "SS1", {"kind": "红帆驿站", **props}))
    edges.append(("LOCATED_IN", "ServiceStation", "SS1", "Community", "C1"))

    def true(g: G, k: Key, detail: object) -> bool:
        here = (_prop(g, k, "lon"), _prop(g, k, "lat"))
        if None in here:
            return code == "location_not_recorded" and detail is None
        located = [s for s in g.nodes if s[0] == "ServiceStation" and _prop(g, s, "lon") is not None]
        metres = [_haversine_m(*here, _prop(g, s, "lon"), _prop(g, s, "lat")) for s in located]
        if code == "no_station_nearby":
            return all(m > measure.nearest_within_m for m in metres) and detail is None
        nearest = min(metres)
        said = isinstance(detail, dict) and detail["metres"] == round(nearest) and detail["station_id"] == "SS1"
        return measure.radius_m < nearest <= measure.nearest_within_m and said  # no_station_within_radius

    return Case("service_circle", code, "K2" if compound else "K1", nodes, edges, true)


def _simple(rule: str, code: str, member: str, nodes: list, edges: list, true: Callable) -> Case:
    return Case(rule, code, member, nodes, edges, true)


CASES = [
    _simple("compound_org", "no_branch", "K1", [org("O1", "网格党支部")],
            [("COVERS", "PartyOrg", "O1", "Compound", "K1")],
            lambda g, k, d: not kinds_covering(g, k) & {"小区党支部", "楼栋党小组"} and not _in(g, k, "PART_OF")),
    _simple("grid_branch", "no_grid_branch", "G1", [("Grid", "G1", {}), org("O1", "小区党支部")],
            [("PART_OF", "Grid", "G1", "Community", "C1"), ("COVERS", "PartyOrg", "O1", "Grid", "G1")],
            lambda g, x, d: "网格党支部" not in kinds_covering(g, x)),
    _simple("commercial_building_org", "no_building_org", "CB1",
            [("CommercialZone", "Z1", {}), ("CommercialBuilding", "CB1", {}), org("O1", "商圈综合党委")],
            [("PART_OF", "CommercialZone", "Z1", "Street", "S1"), ("PART_OF", "CommercialBuilding", "CB1",
             "CommercialZone", "Z1"), ("COVERS", "PartyOrg", "O1", "CommercialZone", "Z1")],
            lambda g, b, d: not kinds_covering(g, b) & {"楼宇党委", "商圈综合党委", "商圈联合党委"}),
    _unit_case("own_org_required", 4, joint=False),
    _unit_case("own_org_required_joint", 3, joint=True),
    _unit_case("joint_branch_required", 2, joint=False),
    _unit_case("members_not_recorded", None, joint=False),
    _unit_case("members_not_recorded_joint", None, joint=True),
    _simple("unit_work", "unreached", "U1", [unit("U1")], [],
            lambda g, u, d: not (_out(g, u, "HAS_ORG") or _out(g, u, "COVERED_BY") or _in(g, u, "GUIDES"))),
    _form_case("branch_over_100", "小区党支部", members=101, has_committee=True),
    _form_case("branch_over_50", "网格党支部", members=51, has_committee=True),
    _form_case("general_branch_over_100", "社区党总支", members=101, has_committee=True),
    _form_case("no_committee", "网格党支部", members=7, has_committee=False),
    _form_case("joint_over_5", "联合党支部", units=6, members=9, has_committee=True),
    _form_case("members_not_recorded", "网格党支部", has_committee=True),
    _form_case("committee_not_recorded", "网格党支部", members=8),
    _agreement_case("no_agreement", {"stationed": True}, None, ("Community", "C1")),
    # blank 驻区单位, placed in another street: not derivable
    _agreement_case("stationed_not_recorded", {}, (dt.date(2025, 1, 1), dt.date(2027, 1, 1)), ("Community", "C2")),
    # 否 stays 否 even placed in the community itself
    _agreement_case("partner_not_stationed", {"stationed": False}, (dt.date(2025, 1, 1), None), ("Community", "C1")),
    _agreement_case("agreements_lapsed", {"stationed": True}, (dt.date(2024, 1, 1), BEFORE, "履行中"), None),
    _agreement_case("agreement_not_current", {"stationed": True}, (AFTER, dt.date(2028, 1, 1)), None),
    _lapsed_case("lapsed_unnoticed", "履行中"),
    _lapsed_case("lapsed_status_blank", None),
    _dual_case("not_reported", True, None),
    _dual_case("stationed_not_recorded", None, None),
    _simple("red_property", "no_org", "U1", [unit("U1", kind="物业企业")],
            [("MANAGES", "Unit", "U1", "Compound", "K1")],
            lambda g, u, d: not (_out(g, u, "HAS_ORG") or _out(g, u, "COVERED_BY")) and d == 1),
    _simple("org_secretary", "no_secretary", "O1", [org("O1", "网格党支部"), person("P1")],
            [post("P1", "PartyOrg", "O1", "书记", until=BEFORE)],
            lambda g, o, d: not serving(g, o, frozenset({"书记"}))),
    _simple("org_superior", "orphan", "O1", [org("O1", "网格党支部", external_superior_level="市级")], [],
            lambda g, o, d: not _in(g, o, "LEADS") and _prop(g, o, "external_superior") is None),
    _renewal_case("term_overdue", term_start=dt.date(2023, 6, 29), term_years=3),
    _renewal_case("term_not_recorded", term_years=3),
    _part_time_case("terms_lapsed", until=BEFORE),
    _part_time_case("term_end_not_recorded"),
    _need_case("no_resource_in_street", {"category": "医疗健康", "status": "待认领"}, ("Community", "C1")),
    _need_case("category_not_recorded", {"status": "待认领"}, ("Community", "C1")),
    _need_case("street_unknown", {"category": "其他"}, ("PartyOrg", "OX")),
    _cross_case("no_compound_org", branch=False, branch_post=False, board_post=True),
    _cross_case("board_posts_not_recorded", branch=True, branch_post=True, board_post=False),
    _cross_case("branch_posts_not_recorded", branch=True, branch_post=False, board_post=True),
    _cross_case("no_cross_post", branch=True, branch_post=True, board_post=True),
    _circle_case("no_station_within_radius", (114.88, 30.45), (114.88, 30.465)),  # 1.7 km north
    _circle_case("no_station_nearby", (114.88, 30.45), (114.98, 30.45)),  # 9.6 km east
    _circle_case("location_not_recorded", None, (114.88, 30.45)),
]  # fmt: skip


def _reason_literals(text: str) -> set[str]:
    """The codes a query's ``CASE … END AS reason`` can give (lower-case literals inside it)."""
    end = text.index("END AS reason")
    start = text.rindex("CASE", 0, end)
    return set(re.findall(r"'([a-z][a-z0-9_]*)'", text[start:end]))


@pytest.mark.parametrize("rule", [r.id for r in BOOK.rules])
def test_every_code_a_query_returns_is_explained_and_has_a_wording_case(rule: str) -> None:
    declared, measure = set(BOOK.rule(rule).reasons), BOOK.rule(rule).measure
    measured_codes = set(MEASURED_CODES[measure.kind]) if measure else set()  # given in Python, after the query
    assert _reason_literals(find_query(BOOK.rule(rule).query).text) | measured_codes == declared
    assert {c.code for c in CASES if c.rule == rule} == declared


@pytest.mark.parametrize("case", CASES, ids=[f"{c.rule}:{c.code}" for c in CASES])
def test_the_reason_given_is_true_of_the_graph(clean_store: BoltStore, case: Case) -> None:
    nodes, edges = records(case.nodes, case.edges)
    ingest_records(clean_store, nodes, edges)
    rule = BOOK.rule(case.rule)
    answered = run_query(clean_store, find_query(rule.query), {"as_of": AS_OF})
    rows = {r["id"]: r for r in measured(rule, answered, clean_store.read)}  # a measured rule: as the engine does
    row = rows[case.member]
    assert (row["covered"], row["reason"]) == (False, case.code)
    graph = build_graph(nodes, edges)
    assert reference_rule(graph, case.rule, AS_OF)[case.member].reason == case.code
    assert case.true(graph, node(graph, case.member), row["detail"]), "the reason's words do not hold here"
    (gap,) = [g for g in gap_report(clean_store, [case.rule], as_of=AS_OF).outcomes[0].gaps if g.id == case.member]
    reason = BOOK.rule(case.rule).reasons[case.code]
    fill = {"detail": "" if row["detail"] is None else row["detail"]}
    assert (gap.why_zh, gap.why_en) == (reason.zh.format(**fill), reason.en.format(**fill))
    assert "{" not in gap.why_zh + gap.why_en + gap.action_zh + gap.action_en


# --- blanks the rules derive ---------------------------------------------------------------------------------


def _rows(store: BoltStore, rule: str) -> dict[str, dict]:
    return {r["id"]: r for r in run_query(store, find_query(BOOK.rule(rule).query), {"as_of": AS_OF})}


def test_a_blank_stationed_flag_inside_the_street_counts_as_stationed(clean_store: BoltStore) -> None:
    """The case the issue found: 驻区单位 left blank, two current agreements — covered, and both units are in
    the dual-reporting population (one reports, one does not)."""
    nodes, edges = [], []
    for i, place in ((1, ("Community", "C1")), (2, ("Compound", "K1"))):
        n, e = stationed_partner(f"U{i}", f"UO{i}")
        nodes += [*n, agreement(f"A{i}", dt.date(2025, 1, 1), dt.date(2027, 12, 31))]
        edges += [*e, located(f"U{i}", *place), signed_by(f"A{i}", "OC"), signed_by(f"A{i}", f"UO{i}")]
    edges.append(("REPORTS_TO", "PartyOrg", "UO1", "Community", "C1"))
    ingest_records(clean_store, *records(nodes, edges))
    community = _rows(clean_store, "community_agreement")["C1"]
    assert (community["covered"], community["reason"], community["detail"]) == (True, None, 2)
    dual = _rows(clean_store, "dual_reporting")
    assert {i: (r["covered"], r["reason"]) for i, r in dual.items()} == {
        "U1": (True, None),
        "U2": (False, "not_reported"),
    }
    graph = build_graph(*records(nodes, edges))
    assert reference_rule(graph, "community_agreement", AS_OF)["C1"].covered
    assert {i: r.reason for i, r in reference_rule(graph, "dual_reporting", AS_OF).items()} == {
        "U1": None,
        "U2": "not_reported",
    }


def test_an_explicit_no_stays_not_stationed_and_is_not_judged_for_dual_reporting(clean_store: BoltStore) -> None:
    nodes, edges = stationed_partner("U1", "UO", stationed=False)
    nodes.append(agreement("A1", dt.date(2025, 1, 1)))
    edges += [located("U1", "Community", "C1"), signed_by("A1", "OC"), signed_by("A1", "UO")]
    ingest_records(clean_store, *records(nodes, edges))
    assert _rows(clean_store, "community_agreement")["C1"]["reason"] == "partner_not_stationed"
    assert _rows(clean_store, "dual_reporting") == {}


def test_a_superior_outside_the_area_counts(clean_store: BoltStore) -> None:
    nodes = [org("O1", "单位党委", external_superior="国网某省电力公司党委", external_superior_level="省级")]
    ingest_records(clean_store, *records(nodes, []))
    assert _rows(clean_store, "org_superior")["O1"]["covered"] is True


@pytest.mark.parametrize(
    ("same", "title", "detail"),
    [(True, "书记", "一肩挑"), (True, "委员", "交叉任职")],
    ids=["secretary_chairs", "member_sits"],
)
def test_cross_appointment_detail_says_which(clean_store: BoltStore, same: bool, title: str, detail: str) -> None:
    case = _cross_case("covered", branch=True, branch_post=False, board_post=True, same=same)
    edges = [*case.edges, post("P1", "PartyOrg", "O1", title, since=dt.date(2024, 1, 1))]
    ingest_records(clean_store, *records(case.nodes, edges))
    row = _rows(clean_store, "cross_appointment")["K1"]
    assert (row["covered"], row["detail"]) == (True, detail)
    graph = build_graph(*records(case.nodes, edges))
    assert reference_rule(graph, "cross_appointment", AS_OF)["K1"].detail == detail
