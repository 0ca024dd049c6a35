"""The synthetic region generator: determinism, sizes, conformance to schema and ledger layout, calibration.

Pure Python, no database: the generator only yields records. Conformance is checked the way the store
and the ledgers will see the records (labels, properties, enums, types, endpoints, one-id columns), and
calibration against the figures in SEED_FIGURES.md, with tolerances, at city scale.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
import re
import statistics
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from loaders.layout import load_layout
from loaders.region_generator import SCALES, TODAY, generate_region
from orggraph.model.credit_code import is_valid
from orggraph.model.errors import ConfigError
from orggraph.model.records import EdgeRecord, NodeRecord
from orggraph.model.schema import PropertySpec, load_schema

REPO = Path(__file__).resolve().parent.parent
PY_TYPES = {"string": str, "integer": int, "float": float, "boolean": bool, "date": dt.date}
DATE_ORDER = {
    "Agreement": ("signed", "expires"),
    "Project": ("start", "end"),
    "OwnersCommittee": ("term_start", "term_end"),
}
ID_PATTERN = re.compile(r"^[A-Z]{1,2}\d{3,7}$")
LONG_DIGITS = re.compile(r"\d{11,}")  # a phone (11) or ID-card (18) number would match


@pytest.fixture(scope="module")
def street() -> tuple[list[NodeRecord], list[EdgeRecord]]:
    return generate_region("street", seed=1)


@pytest.fixture(scope="module")
def district() -> tuple[list[NodeRecord], list[EdgeRecord]]:
    return generate_region("district", seed=2)


@pytest.fixture(scope="module")
def city() -> tuple[list[NodeRecord], list[EdgeRecord]]:
    return generate_region("city", seed=3)


# ---- conformance checks (return a list of problems, so a failure shows all of them) ----


def node_problems(nodes: list[NodeRecord]) -> list[str]:
    """Labels, property names, types, enums, required properties, id shape, credit codes, privacy."""
    schema, problems = load_schema(), []
    codes: Counter[str] = Counter()
    for n in nodes:
        if n.label not in schema.nodes:
            problems.append(f"{n.id}: unknown label {n.label}")
            continue
        spec = schema.node(n.label)
        if not ID_PATTERN.match(n.id):
            problems.append(f"{n.id}: id is not a short ASCII id")
        for p in spec.properties:
            if p.required and p.name != "id" and p.name not in n.props:
                problems.append(f"{n.id}: missing required {p.name}")
        for key, value in n.props.items():
            problems += value_problems(n.id, spec.property(key), key, value)
        if "credit_code" in n.props:
            codes[n.props["credit_code"]] += 1
        first, last = DATE_ORDER.get(n.label, ("", ""))
        if first in n.props and last in n.props and n.props[first] > n.props[last]:
            problems.append(f"{n.id}: {first} after {last}")
    problems += [f"credit code {c} used {k} times" for c, k in codes.items() if k > 1]
    return problems


def value_problems(owner: str, spec: PropertySpec | None, key: str, value: object) -> list[str]:
    """One property value against its spec: declared, typed (bool is not an int), in its enum, not private."""
    if spec is None:
        return [f"{owner}: undeclared property {key}"]
    if type(value) is not PY_TYPES[spec.type]:
        return [f"{owner}: {key}={value!r} is not {spec.type}"]
    if spec.enum is not None and value not in spec.enum:
        return [f"{owner}: {key}={value!r} not in enum"]
    if spec.format == "credit_code" and not is_valid(value):
        return [f"{owner}: invalid credit code {value}"]
    if isinstance(value, str) and spec.format is None and LONG_DIGITS.search(value):
        return [f"{owner}: {key} holds a long digit string (phone or ID number?)"]
    return []


def edge_problems(nodes: list[NodeRecord], edges: list[EdgeRecord], labels: dict[str, str] | None = None) -> list[str]:
    """Endpoints exist and are allowed by the schema; properties typed; no duplicate (type, src, dst)."""
    schema, problems, seen = load_schema(), [], set()
    labels = labels if labels is not None else {n.id: n.label for n in nodes}
    for e in edges:
        rel = schema.relationships.get(e.type)
        if rel is None or not rel.allows(e.src_label, e.dst_label):
            problems.append(f"{e.type} not allowed {e.src_label}->{e.dst_label}")
        if labels.get(e.src_id) != e.src_label or labels.get(e.dst_id) != e.dst_label:
            problems.append(f"{e.type} {e.src_id}->{e.dst_id}: endpoint missing or label wrong")
        for key, value in e.props.items():
            problems += value_problems(f"{e.type} {e.src_id}->{e.dst_id}", rel and rel.property(key), key, value)
        if e.type == "HOLDS_POST":
            if "post" not in e.props:
                problems.append(f"HOLDS_POST {e.src_id}->{e.dst_id} without post")
            if "since" in e.props and "until" in e.props and e.props["since"] > e.props["until"]:
                problems.append(f"HOLDS_POST {e.src_id}->{e.dst_id}: since after until")
        key = (e.type, e.src_id, e.dst_id)
        if key in seen:
            problems.append(f"duplicate edge {key} (MERGE would collapse it)")
        seen.add(key)
    return problems


def layout_problems(edges: list[EdgeRecord]) -> list[str]:
    """Every edge fits a ledger column: node-sheet columns are owned by the source (or, reversed, the target)
    node and hold one id unless ``many``; edge sheets hold one relationship per row."""
    layout, problems = load_layout(), []
    columns = defaultdict(list)
    for sheet in layout.sheets:
        if sheet.edge_sheet is None:
            for col in sheet.columns:
                if col.edge:
                    columns[col.edge].append((sheet, col))
    edge_sheets = {s.edge_sheet.type: s.edge_sheet for s in layout.sheets if s.edge_sheet is not None}
    assert set(edge_sheets) == {"SIGNED_BY", "REPORTS_TO", "HOLDS_POST", "MANAGES", "GUIDES"}
    filled: Counter[tuple[str, str, str]] = Counter()
    for e in edges:
        if e.type in edge_sheets:
            es = edge_sheets[e.type]
            if e.src_label not in es.from_.targets or e.dst_label not in es.to.targets:
                problems.append(f"{e.type} {e.src_label}->{e.dst_label} does not fit its edge sheet")
            continue
        fits = [
            (sheet, col, e.dst_id if col.reverse else e.src_id)
            for sheet, col in columns[e.type]
            if sheet.label == (e.dst_label if col.reverse else e.src_label)
            and (e.src_label if col.reverse else e.dst_label) in col.targets
        ]
        if not fits:
            problems.append(f"{e.type} {e.src_label}->{e.dst_label} fits no ledger column")
            continue
        sheet, col, owner = fits[0]
        if not col.many:
            filled[(sheet.id, col.en, owner)] += 1
    problems += [f"{owner}: column {sheet}.{col} holds {k} ids" for (sheet, col, owner), k in filled.items() if k > 1]
    return problems


def structure_problems(edges: list[EdgeRecord]) -> list[str]:
    """PART_OF is a tree and LEADS a forest: at most one parent each, and no cycles."""
    problems = []
    for rel in ("PART_OF", "LEADS"):
        parent: dict[str, str] = {}
        for e in edges:
            if e.type == rel:
                child, up = (e.src_id, e.dst_id) if rel == "PART_OF" else (e.dst_id, e.src_id)
                if child in parent:
                    problems.append(f"{rel}: {child} has two parents")
                parent[child] = up
        for start in parent:
            node, steps = start, 0
            while node in parent and steps <= len(parent):
                node, steps = parent[node], steps + 1
            if steps > len(parent):
                problems.append(f"{rel}: cycle through {start}")
                break
    return problems


def all_problems(nodes: list[NodeRecord], edges: list[EdgeRecord]) -> list[str]:
    ids = [n.id for n in nodes]
    dupes = [f"id {i} used twice" for i, k in Counter(ids).items() if k > 1]
    return (
        dupes + node_problems(nodes) + edge_problems(nodes, edges) + layout_problems(edges) + structure_problems(edges)
    )


def digest(records: tuple[list[NodeRecord], list[EdgeRecord]]) -> str:
    return hashlib.sha256(repr(records).encode("utf-8")).hexdigest()


# ---- determinism and sizes ----


def test_same_seed_gives_identical_records(street: tuple[list[NodeRecord], list[EdgeRecord]]) -> None:
    assert generate_region("street", seed=1) == street
    assert generate_region("district", seed=5) == generate_region("district", seed=5)


def test_different_seeds_give_different_regions(street: tuple[list[NodeRecord], list[EdgeRecord]]) -> None:
    other = generate_region("street", seed=2)
    assert digest(other) != digest(street)
    assert {n.props["name"] for n in other[0] if n.label == "Community"} != {
        n.props["name"] for n in street[0] if n.label == "Community"
    }


def test_output_does_not_depend_on_hash_seed(street: tuple[list[NodeRecord], list[EdgeRecord]]) -> None:
    """Set or dict-of-str iteration order would change with PYTHONHASHSEED; the output must not."""
    code = "from loaders.region_generator import generate_region as g; from tests.test_region_generator import digest;"
    code += "print(digest(g('street', seed=1)))"
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == digest(street)


@pytest.mark.parametrize(("scale", "lo", "hi"), [("street", 1000, 3000), ("district", 10_000, 25_000)])
def test_sizes(scale: str, lo: int, hi: int) -> None:
    for seed in (1, 2, 3):
        nodes, edges = generate_region(scale, seed)
        assert lo <= len(nodes) <= hi, (scale, seed, len(nodes))
        assert len(edges) > len(nodes)


def test_street_scale_is_one_district_one_street(street: tuple[list[NodeRecord], list[EdgeRecord]]) -> None:
    labels = Counter(n.label for n in street[0])
    assert labels["District"] == 1 and labels["Street"] == 1


def test_city_size(city: tuple[list[NodeRecord], list[EdgeRecord]]) -> None:
    assert 85_000 <= len(city[0]) <= 115_000
    labels = Counter(n.label for n in city[0])
    assert labels["Building"] == max(labels[x] for x in ("Building", "Compound", "Grid", "Community"))


def test_unknown_scale_is_a_config_error() -> None:
    with pytest.raises(ConfigError) as err:
        generate_region("country")
    for scale in SCALES:
        assert scale in err.value.en and scale in err.value.zh


# ---- conformance ----


@pytest.mark.parametrize("scale", ["street", "district", "city"])
def test_conformance(scale: str, request: pytest.FixtureRequest) -> None:
    nodes, edges = request.getfixturevalue(scale)
    problems = all_problems(nodes, edges)
    assert not problems, problems[:20]


@pytest.mark.parametrize("seed", range(10, 20))
def test_conformance_across_seeds(seed: int) -> None:
    problems = all_problems(*generate_region("street", seed))
    assert not problems, problems[:20]


def test_banner_region_has_sumu_and_gacha() -> None:
    """A city in Inner Mongolia (seed 9) has 旗, 苏木 and 嘎查, and conforms like any other."""
    nodes, edges = generate_region("city", seed=9)
    kinds = {(n.label, n.props.get("kind")) for n in nodes}
    assert {("District", "旗"), ("Street", "苏木"), ("Community", "嘎查")} <= kinds
    problems = all_problems(nodes, edges)
    assert not problems, problems[:20]


def test_checks_catch_bad_records() -> None:
    """The conformance checks themselves fail on bad input, so a passing run means something."""
    nodes = [
        NodeRecord("Compound", "K1", {"name": "x", "kind": "别墅"}),
        NodeRecord("Unit", "U1", {"name": "y", "kind": "非公企业", "credit_code": "91370800MA3C123450"}),
        NodeRecord("Person", "P1", {"phone": "13800000000"}),
        NodeRecord("Agreement", "A1", {"name": "z", "signed": dt.date(2026, 1, 2), "expires": dt.date(2025, 1, 1)}),
    ]
    edges = [
        EdgeRecord("HAS_ORG", "Unit", "U1", "Compound", "K1"),
        EdgeRecord("PART_OF", "Compound", "K1", "Unit", "U1"),
    ]
    assert len(node_problems(nodes)) >= 4
    assert len(edge_problems(nodes, edges)) >= 2
    assert structure_problems(
        [
            EdgeRecord("LEADS", "PartyOrg", "O1", "PartyOrg", "O2"),
            EdgeRecord("LEADS", "PartyOrg", "O2", "PartyOrg", "O1"),
        ]
    )
    two = [EdgeRecord("LOCATED_IN", "Unit", "U1", "Community", c) for c in ("C1", "C2")]
    assert layout_problems(two)


def test_persons_are_pseudonymous(city: tuple[list[NodeRecord], list[EdgeRecord]]) -> None:
    persons = [n for n in city[0] if n.label == "Person"]
    assert all(re.fullmatch(r"P\d{6}", p.id) for p in persons)
    assert all(set(p.props) <= {"name", "party_member"} for p in persons)


# ---- calibration against SEED_FIGURES.md, at city scale ----


class Graph:
    """Just enough indexing of a record list to compute the seed ratios."""

    def __init__(self, records: tuple[list[NodeRecord], list[EdgeRecord]]) -> None:
        nodes, edges = records
        self.node = {n.id: n for n in nodes}
        self.by_label: dict[str, list[NodeRecord]] = defaultdict(list)
        for n in nodes:
            self.by_label[n.label].append(n)
        self.out: dict[tuple[str, str], list[EdgeRecord]] = defaultdict(list)
        self.into: dict[tuple[str, str], list[EdgeRecord]] = defaultdict(list)
        for e in edges:
            self.out[(e.type, e.src_id)].append(e)
            self.into[(e.type, e.dst_id)].append(e)

    def kind(self, node_id: str) -> str:
        return self.node[node_id].props.get("kind", "")

    def orgs(self, *kinds: str) -> list[NodeRecord]:
        return [o for o in self.by_label["PartyOrg"] if o.props["kind"] in kinds]

    def covered_by(self, node_id: str, *kinds: str) -> bool:
        return any(self.kind(e.src_id) in kinds for e in self.into[("COVERS", node_id)])

    def community_org(self, community_id: str) -> str:
        return next(e.src_id for e in self.into[("COVERS", community_id)] if self.kind(e.src_id).startswith("社区"))


@pytest.fixture(scope="module")
def g(city: tuple[list[NodeRecord], list[EdgeRecord]]) -> Graph:
    return Graph(city)


def rate(flags: list[bool]) -> float:
    assert flags, "empty population"
    return sum(flags) / len(flags)


def test_half_of_compounds_have_a_compound_branch_or_building_group(g: Graph) -> None:
    """Covered as queries/compounds_without_org.cypher sees it: a branch or group COVERS the compound itself."""
    covered = [g.covered_by(k.id, "小区党支部", "楼栋党小组") for k in g.by_label["Compound"]]
    assert 0.42 <= rate(covered) <= 0.58  # Jining 1,654 of ~3,300
    only_groups = [
        k for k in g.by_label["Compound"] if g.covered_by(k.id, "楼栋党小组") and not g.covered_by(k.id, "小区党支部")
    ]
    assert only_groups  # the rule's "or building group" case exists
    for k in g.by_label["Compound"]:  # every building group sits in a compound that counts as covered
        buildings = [e.src_id for e in g.into[("PART_OF", k.id)]]
        if any(g.covered_by(b, "楼栋党小组") for b in buildings):
            assert g.covered_by(k.id, "小区党支部", "楼栋党小组")


def test_most_grids_have_a_grid_branch(g: Graph) -> None:
    assert 0.85 <= rate([g.covered_by(x.id, "网格党支部") for x in g.by_label["Grid"]]) <= 0.95


def test_commercial_zone_committees_join_about_19_orgs_across_8_buildings(g: Graph) -> None:
    zones = [z for z in g.by_label["CommercialZone"] if z.props["kind"] == "商圈"]
    committees = [next(e.src_id for e in g.into[("COVERS", z.id)]) for z in zones]
    assert all(g.kind(c) == "商圈综合党委" for c in committees)
    members = statistics.mean(len(g.into[("MEMBER_OF", c)]) for c in committees)
    buildings = statistics.mean(len(g.into[("PART_OF", z.id)]) for z in zones)
    assert 15 <= members <= 23 and 7 <= buildings <= 9
    assert all(g.kind(e.dst_id) in ("商圈综合党委", "商圈联合党委", "楼宇党委") for e in _edges(g, "MEMBER_OF"))
    uncovered = [b for b in g.by_label["CommercialBuilding"] if not g.into[("COVERS", b.id)]]
    assert 0 < len(uncovered) < 0.3 * len(g.by_label["CommercialBuilding"])


def _edges(g: Graph, rel: str) -> list[EdgeRecord]:
    return [e for (t, _), es in g.out.items() if t == rel for e in es]


def test_unit_org_coverage(g: Graph) -> None:
    """83.1% of non-public firms with 3+ members have their own org (Chengdu); 1–2 mostly in a joint branch
    of at most 5 units; firms without members partly reached by an instructor (工作覆盖), partly not."""
    firms = [u for u in g.by_label["Unit"] if u.props["kind"] == "非公企业"]
    assert 0.78 <= rate([bool(g.out[("HAS_ORG", u.id)]) for u in firms if u.props["party_members"] >= 3]) <= 0.88
    small = [u for u in firms if 1 <= u.props["party_members"] <= 2]
    assert 0.7 <= rate([bool(g.out[("COVERED_BY", u.id)]) for u in small]) < 1
    joint = g.orgs("联合党支部")
    assert max(len(g.into[("COVERED_BY", o.id)]) for o in joint) <= 5
    assert all(g.kind(e.dst_id) == "联合党支部" for e in _edges(g, "COVERED_BY"))
    none = [u for u in g.by_label["Unit"] if u.props["party_members"] == 0]
    assert 0.3 <= rate([bool(g.into[("GUIDES", u.id)]) for u in none]) <= 0.8


def test_part_time_members(g: Graph) -> None:
    """≈5 兼职委员 per street committee and ≈3 per community org (Chengdu), each working at a stationed unit."""

    def part_time(org: NodeRecord) -> list[EdgeRecord]:
        return [e for e in g.into[("HOLDS_POST", org.id)] if e.props["post"] == "兼职委员"]

    assert 4.5 <= statistics.mean(len(part_time(o)) for o in g.orgs("街道党工委", "街道大工委")) <= 5.5
    community_orgs = [g.node[g.community_org(c.id)] for c in g.by_label["Community"]]
    assert 2.5 <= statistics.mean(len(part_time(o)) for o in community_orgs) <= 3.5
    posts = [e for o in community_orgs for e in part_time(o)]
    assert all(g.node[g.out[("WORKS_AT", e.src_id)][0].dst_id].props["stationed"] for e in posts)
    assert any(e.props["until"] < TODAY for e in posts)  # some terms have lapsed


def test_co_building_agreements(g: Graph) -> None:
    """≈8–9 co-building unit orgs per (urban) community and ≈1.9 commitments per agreement (the banner);
    most communities hold a current agreement, some none; some agreements lapsed unnoticed."""
    partners: dict[str, set[str]] = defaultdict(set)
    for a in g.by_label["Agreement"]:
        roles = {e.props["role"]: e.dst_id for e in g.out[("SIGNED_BY", a.id)]}
        assert set(roles) == {"社区方", "驻区单位方"}
        partners[roles["社区方"]].add(roles["驻区单位方"])
    urban = [g.community_org(c.id) for c in g.by_label["Community"] if c.props["kind"] == "城市社区"]
    assert 7.5 <= statistics.mean(len(partners[o]) for o in urban if partners[o]) <= 9.5
    agreements = g.by_label["Agreement"]
    commitments = sum(1 for a in agreements for e in g.into[("UNDER", a.id)] if e.src_label == "Commitment")
    per_agreement = commitments / len(agreements)
    assert per_agreement >= 1.75 and per_agreement <= 2.05
    current = {
        e.dst_id
        for a in agreements
        if a.props["status"] == "履行中" and a.props["expires"] >= TODAY
        for e in g.out[("SIGNED_BY", a.id)]
    }
    holding = rate([g.community_org(c.id) in current for c in g.by_label["Community"]])
    assert 0.6 <= holding < 0.95
    lapsed = [a for a in agreements if a.props["status"] == "履行中" and a.props["expires"] < TODAY]
    assert 0 < len(lapsed) < 0.2 * len(agreements)


def test_dual_reporting_for_most_stationed_orgs(g: Graph) -> None:
    stationed = [u for u in g.by_label["Unit"] if u.props["stationed"] and u.props["kind"] != "物业企业"]
    orgs = [g.out[("HAS_ORG", u.id)][0].dst_id for u in stationed]
    assert 0.75 <= rate([bool(g.out[("REPORTS_TO", o)]) for o in orgs]) <= 0.95
    reports = [e for o in orgs for e in g.out[("REPORTS_TO", o)]]
    assert all(0 < e.props["members_reported"] <= g.node[e.src_id].props["members"] for e in reports)


def test_needs_resources_and_projects(g: Graph) -> None:
    needs = g.by_label["Need"]
    met = [bool(g.into[("FULFILLS", n.id)]) for n in needs]
    assert 0.2 <= rate(met) <= 0.8
    for n in needs:
        for e in g.into[("FULFILLS", n.id)]:
            used = g.out[("USES", e.src_id)]
            assert used and g.node[used[0].dst_id].props["category"] == n.props["category"]
            assert g.out[("UNDER", e.src_id)]
    assert all(n.props["status"] == "待认领" for n, m in zip(needs, met, strict=True) if not m)


def test_red_property_is_partial(g: Graph) -> None:
    companies = [u for u in g.by_label["Unit"] if u.props["kind"] == "物业企业" and g.out[("MANAGES", u.id)]]
    organised = rate([bool(g.out[("HAS_ORG", u.id)] or g.out[("COVERED_BY", u.id)]) for u in companies])
    assert 0.55 <= organised <= 0.9
    modes = Counter(e.props["mode"] for e in _edges(g, "MANAGES"))
    assert modes["兜底"] > 0 and modes["市场化"] > modes["兜底"]


def test_service_stations_per_urban_community(g: Graph) -> None:
    """≈7–8 stations per urban community (Jining: 1,886 红帆驿站 / 248 communities), one centre each."""
    where = {e.src_id: e.dst_id for e in _edges(g, "LOCATED_IN") if e.src_label == "ServiceStation"}
    up = {e.src_id: e.dst_id for e in _edges(g, "PART_OF") if e.src_label in ("Grid", "Compound")}
    per: Counter[str] = Counter()
    for place in where.values():
        while place in up:
            place = up[place]
        per[place] += 1
    urban = [c for c in g.by_label["Community"] if c.props["kind"] == "城市社区"]
    assert 7 <= statistics.mean(per[c.id] for c in urban) <= 8.5
    centres = Counter(where[s.id] for s in g.by_label["ServiceStation"] if s.props["kind"] == "党群服务中心")
    assert all(centres[c.id] == 1 for c in g.by_label["Community"])


def test_owners_committees_with_one_shoulder_cases(g: Graph) -> None:
    """Some compound-branch secretaries also chair the owners' committee (一肩挑, Xianning)."""
    secretaries = {
        e.src_id for o in g.orgs("小区党支部") for e in g.into[("HOLDS_POST", o.id)] if e.props["post"] == "书记"
    }
    chairs = [e.src_id for e in _edges(g, "HOLDS_POST") if e.props["post"] == "业委会主任"]
    assert len(chairs) == len(g.by_label["OwnersCommittee"]) > 0
    assert 0.1 <= rate([c in secretaries for c in chairs]) <= 0.6


def test_urban_rural_mix(g: Graph) -> None:
    kinds = Counter(c.props["kind"] for c in g.by_label["Community"])
    assert 0.25 <= kinds["城市社区"] / sum(kinds.values()) <= 0.35  # Jining 350 urban / 867 rural
    assert {"街道", "镇", "乡"} <= {s.props["kind"] for s in g.by_label["Street"]}


def test_org_hierarchy_follows_the_chain(g: Graph) -> None:
    allowed = {
        "街道党工委": {"区县党委"}, "街道大工委": {"区县党委"},
        "社区党委": {"街道党工委", "街道大工委"}, "社区党支部": {"街道党工委", "街道大工委"},
        "网格党支部": {"社区党委", "社区党总支", "社区党支部", "社区大党委", "社区联合党委"},
        "小区党支部": {"网格党支部", "社区党委", "社区党总支", "社区党支部", "社区大党委", "社区联合党委"},
        "商圈综合党委": {"街道党工委", "街道大工委"},
        "单位党支部": {"区县党委", "街道党工委", "街道大工委"},
    }  # fmt: skip
    for o in g.by_label["PartyOrg"]:
        superiors = [g.kind(e.src_id) for e in g.into[("LEADS", o.id)]]
        if o.props["kind"] in allowed and superiors:
            assert superiors[0] in allowed[o.props["kind"]], (o.props["name"], superiors)
    group_superiors = {g.kind(e.src_id) for o in g.orgs("楼栋党小组") for e in g.into[("LEADS", o.id)]}
    assert group_superiors <= {
        "小区党支部",
        "网格党支部",
        "社区党委",
        "社区党总支",
        "社区党支部",
        "社区大党委",
        "社区联合党委",
    }


def test_every_coverage_rule_finds_gaps(g: Graph) -> None:
    """Each org-level rule has real gaps to find, and few enough that the data still looks healthy."""
    orgs = [o for o in g.by_label["PartyOrg"] if o.props["kind"] != "楼栋党小组"]
    secretaries = {e.dst_id for e in _edges(g, "HOLDS_POST") if e.props["post"] == "书记"}
    no_secretary = [o for o in orgs if o.id not in secretaries]
    orphans = [o for o in orgs if o.props["kind"] != "区县党委" and not g.into[("LEADS", o.id)]]

    def overdue(o: NodeRecord) -> bool:
        start, years = o.props["term_start"], o.props["term_years"]
        return dt.date(start.year + years, start.month, min(start.day, 28)) <= TODAY

    late = [o for o in orgs if overdue(o)]
    for gaps in (no_secretary, orphans, late):
        assert 0 < len(gaps) < 0.1 * len(orgs)
    community_kinds = ("社区党委", "社区党总支", "社区党支部", "社区大党委", "社区联合党委")
    assert {o.props["term_years"] for o in g.orgs(*community_kinds)} == {5}
    assert {o.props["term_years"] for o in g.orgs("网格党支部", "单位党支部")} == {3}
    branches = [
        o for o in orgs if o.props["kind"] in ("社区党支部", "网格党支部", "小区党支部", "单位党支部", "联合党支部")
    ]
    big = [o for o in branches if o.props["members"] >= 50]
    no_committee = [o for o in branches if o.props["members"] >= 7 and not o.props["has_committee"]]
    assert 0 < len(big) < 0.05 * len(branches) and 0 < len(no_committee) < 0.1 * len(branches)
    general = g.orgs("社区党总支", "单位党总支")
    assert 0 < sum(o.props["members"] >= 100 for o in general) < 0.15 * len(general)
    branch_members = statistics.mean(o.props["members"] for o in g.orgs("小区党支部"))
    assert 6 <= branch_members <= 10  # Jining: ≈8 members per compound branch


# ---- province ----


@pytest.mark.slow
def test_province_size_and_sampled_conformance() -> None:
    nodes, edges = generate_region("province", seed=1)
    assert len(nodes) >= 1_000_000 and len(edges) >= 2_000_000
    labels = {n.id: n.label for n in nodes}
    assert len(labels) == len(nodes), "ids must be unique across labels"
    rng = random.Random(0)
    node_sample, edge_sample = rng.sample(nodes, 20_000), rng.sample(edges, 20_000)
    problems = node_problems(node_sample) + edge_problems(node_sample, edge_sample, labels)
    assert not problems, problems[:20]
    codes = [n.props["credit_code"] for n in nodes if n.label == "Unit"]
    assert len(set(codes)) == len(codes)


def test_some_needs_have_no_resource_in_their_street(g: Graph) -> None:
    """The need_met rule's gap: no resource of the need's category offered in the same street."""

    def street_of(node_id: str) -> str:
        node = g.node[node_id]
        if node.label == "PartyOrg":
            node_id = g.out[("COVERS", node_id)][0].dst_id
        elif node.label == "Unit":
            node_id = g.out[("LOCATED_IN", node_id)][0].dst_id
        while g.node[node_id].label != "Street":
            node_id = g.out[("PART_OF", node_id)][0].dst_id
        return node_id

    def offerer(resource_id: str) -> str:
        owner = g.out[("OFFERED_BY", resource_id)][0].dst_id
        return g.into[("HAS_ORG", owner)][0].src_id if g.node[owner].label == "PartyOrg" else owner

    offered = {(street_of(offerer(r.id)), r.props["category"]) for r in g.by_label["Resource"]}
    needs = g.by_label["Need"]
    reachable = rate([(street_of(g.out[("RAISED_BY", n.id)][0].dst_id), n.props["category"]) in offered for n in needs])
    assert 0.5 <= reachable <= 0.9


def test_names_are_chinese_and_unique_within_an_area(g: Graph) -> None:
    cjk = re.compile(r"[\u4e00-\u9fff]")
    named = [n for n in g.node.values() if "name" in n.props]
    assert all(cjk.search(n.props["name"]) for n in named)
    for parent_label, child_label in (("Street", "Community"), ("Community", "Grid"), ("Compound", "Building")):
        for parent in g.by_label[parent_label]:
            names = [
                g.node[e.src_id].props["name"] for e in g.into[("PART_OF", parent.id)] if e.src_label == child_label
            ]
            assert len(names) == len(set(names)), (parent.props["name"], Counter(names).most_common(2))
    units = Counter(u.props["name"] for u in g.by_label["Unit"])
    assert len(units) > 0.99 * len(g.by_label["Unit"]), units.most_common(5)  # one city: one 中医院


def test_org_names_derive_from_what_they_cover(g: Graph) -> None:
    for kind, suffix in (("小区党支部", "党支部"), ("网格党支部", "党支部"), ("楼栋党小组", "党小组")):
        for o in g.orgs(kind):
            covered = g.node[g.out[("COVERS", o.id)][0].dst_id]
            assert o.props["name"] == covered.props["name"] + suffix
    for c in g.by_label["Community"]:
        assert g.node[g.community_org(c.id)].props["name"].startswith(c.props["name"])
    for e in _edges(g, "HAS_ORG"):
        assert g.node[e.dst_id].props["name"].startswith(g.node[e.src_id].props["name"])
