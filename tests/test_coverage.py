"""The gap engine and `orggraph gaps` on a generated street-scale region, on the session's real server:
rates add up across levels, scoping equals filtering, every gap is explained, every output format reads
back, and bad input gets a one-line message."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json

import pytest
from openpyxl import load_workbook
from test_cli import assert_one_line_error, invoke

from orggraph.analysis.coverage import CoverageIndex, gap_report
from orggraph.ingest.load import load_demo_region
from orggraph.model.coverage_rules import load_rules
from orggraph.model.inert_cells import TRIGGERS
from orggraph.present.gap_workbook import HEADER_ROW, report_xlsx

AS_OF = dt.date(2026, 11, 22)


@pytest.fixture(scope="module")
def region(session_store, tmp_path_factory):
    """One generated street region for the whole module (loading it per test would dominate the runtime)."""
    session_store.clear()
    load_demo_region(session_store, "street", 7, tmp_path_factory.mktemp("street"))
    return session_store


@pytest.fixture(scope="module")
def full(region):
    return gap_report(region, as_of=AS_OF)


def test_every_rule_reports_and_finds_gaps_in_a_generated_region(full):
    assert [o.rule.id for o in full.outcomes] == [r.id for r in load_rules().rules]
    for o in full.outcomes:
        assert o.total > 0, o.rule.id
        assert 0 <= o.covered <= o.total and len(o.gaps) == o.total - o.covered, o.rule.id
    assert sum(len(o.gaps) for o in full.outcomes) > 20
    assert all(o.gaps for o in full.outcomes if o.rule.id != "commercial_building_org"), "a rule found nothing"


def test_area_rates_add_up_level_by_level(full):
    index = {o.rule.id: o for o in full.outcomes}
    for o in index.values():
        streets = {a.area.id: a for a in o.areas["Street"]}
        for district in o.areas["District"]:
            inside = [s for s in streets.values() if s.area.parent == district.area.id]
            assert district.total >= sum(s.total for s in inside), o.rule.id
        for street in o.areas["Street"]:
            communities = [c for c in o.areas["Community"] if c.area.parent == street.area.id]
            assert street.total >= sum(c.total for c in communities)
            assert street.covered >= sum(c.covered for c in communities)
        placed = sum(d.total for d in o.areas["District"])
        assert placed <= o.total


def test_a_street_report_equals_the_full_report_filtered_to_that_street(region, full):
    index = CoverageIndex.fetch(region)
    street = index.geography.children(index.geography.top_areas()[0].id)[0]
    scoped = gap_report(region, area_id=street.id, as_of=AS_OF, index=index)
    assert scoped.area == street
    for whole, part in zip(full.outcomes, scoped.outcomes, strict=True):
        expected = {g.id for g in whole.gaps if street in g.chain}
        assert {g.id for g in part.gaps} == expected, whole.rule.id
        rate = next((a for a in whole.areas["Street"] if a.area.id == street.id), None)
        assert (part.covered, part.total) == ((rate.covered, rate.total) if rate else (0, 0))


def test_one_rule_report_equals_that_rule_in_the_full_report(region, full):
    one = gap_report(region, ["grid_branch"], as_of=AS_OF)
    (outcome,) = one.outcomes
    whole = next(o for o in full.outcomes if o.rule.id == "grid_branch")
    assert outcome.gaps == whole.gaps and outcome.areas == whole.areas


def test_every_gap_is_placed_explained_and_has_an_action(full):
    for g in full.gaps():
        assert g.why_zh and g.why_en and g.action_zh and g.action_en, g
        assert "{" not in g.action_zh + g.action_en + g.why_zh, g  # every template slot filled
        if g.chain:
            assert g.chain[0].label == "District" and g.chain_text().count(" › ") == len(g.chain) - 1


def test_joint_branch_suggestions_group_at_most_five_units_of_one_community(full):
    unit_gaps = next(o for o in full.outcomes if o.rule.id == "unit_org").gaps
    small = [g for g in unit_gaps if g.reason == "joint_branch_required"]
    assert small, "the generated region should have small units outside any joint branch"
    for g in small:
        partners = [n for n in g.action_zh.split("与", 1)[1].split("组建")[0].split("、") if n != "邻近的小微单位"]
        assert len(partners) <= load_rules().joint_branch_max_units - 1


def test_a_later_as_of_date_finds_more_lapsed_agreements(region):
    lapsed = [
        len(gap_report(region, ["agreement_lapsed"], as_of=d).outcomes[0].gaps)
        for d in (dt.date(2020, 1, 1), AS_OF, dt.date(2031, 1, 1))
    ]
    assert lapsed[0] <= lapsed[1] <= lapsed[2] and lapsed[2] > lapsed[0]


def test_cli_gaps_in_every_format(region, cli_env, tmp_path):
    table = invoke(["gaps", "--as-of", "2026-11-22", "--limit", "3"], {**cli_env, "COLUMNS": "200"})
    assert table.exit_code == 0, table.output
    assert "小区党组织覆盖" in table.stdout and "缺口清单 gaps" in table.stdout and "缺口最多的区域" in table.stdout
    doc = json.loads(invoke(["gaps", "--format", "json", "--as-of", "2026-11-22"], cli_env).stdout)
    assert doc["as_of"] == "2026-11-22" and len(doc["rules"]) == len(load_rules().rules)
    first_gap = next(g for r in doc["rules"] for g in r["gaps"])
    assert {"id", "chain", "why_zh", "action_zh", "action_en"} <= set(first_gap)
    csv_text = invoke(["gaps", "--format", "csv", "--rule", "compound_org"], cli_env).stdout
    header = csv_text.lstrip("\ufeff").splitlines()[0]
    assert header.startswith("规则 rule,规则名称,编号 id,名称 name,区县旗 district")
    out = tmp_path / "gaps.xlsx"
    result = invoke(["gaps", "--format", "xlsx", "--out", str(out), "--as-of", "2026-11-22"], cli_env)
    assert result.exit_code == 0, result.output
    wb = load_workbook(io.BytesIO(out.read_bytes()), read_only=True)
    assert wb.sheetnames == ["汇总", "分区", *(r["zh"] for r in doc["rules"])]
    for r in doc["rules"]:  # title, note and header rows, then one row per gap
        assert sum(1 for _ in wb[r["zh"]].iter_rows()) == HEADER_ROW + len(r["gaps"]), r["id"]
    by = invoke(["gaps", "--by", "community", "--rule", "grid_branch"], cli_env)
    assert by.exit_code == 0 and "各区域覆盖率" in by.stdout


def test_cli_gaps_xlsx_reads_as_a_monthly_report(region, full, cli_env, tmp_path):
    """Issue 13: a title naming the area and the as-of date, Chinese headers, frozen header rows, autofilters,
    rates as numbers in a % format, one sheet per rule named by its Chinese name, and no live formula anywhere."""
    street = full.outcomes[0].areas["Street"][0].area
    out = tmp_path / "gaps.xlsx"
    args = ["gaps", "--area", street.id, "--as-of", AS_OF.isoformat(), "--format", "xlsx", "-o", str(out)]
    assert invoke(args, cli_env).exit_code == 0
    wb = load_workbook(out)
    rules = load_rules().rules
    assert wb.sheetnames == ["汇总", "分区", *(r.zh for r in rules)]
    for ws in wb.worksheets:
        title = ws["A1"].value
        assert street.name in title and street.id in title and f"截至 {AS_OF.isoformat()}" in title, ws.title
        assert "生成于" in title
        assert ws.freeze_panes == f"A{HEADER_ROW + 1}" and ws.auto_filter.ref.startswith(f"A{HEADER_ROW}:"), ws.title
        assert all(ws.column_dimensions[c].width for c in "ABCDEFGH"), ws.title
    summary = wb["汇总"]
    header = [c.value for c in summary[HEADER_ROW]]
    assert header[:7] == ["规则", "类别", "严重度", "已覆盖", "总数", "覆盖率", "缺口"]
    first = summary[HEADER_ROW + 1]
    assert first[0].value == rules[0].zh  # the rule's name, not its code
    covered, total, rate = first[3], first[4], first[5]
    assert isinstance(covered.value, int) and isinstance(total.value, int) and total.value > 0
    assert isinstance(rate.value, int | float) and rate.number_format == "0.0%"
    assert rate.value == pytest.approx(covered.value / total.value)
    assert summary.column_dimensions["A"].width >= 2 * max(len(r.zh) for r in rules)  # CJK counts double
    areas = wb["分区"]
    assert [c.value for c in areas[HEADER_ROW]] == [
        "规则",
        "层级",
        "区域编号",
        "区域",
        "已覆盖",
        "总数",
        "覆盖率",
        "缺口",
    ]
    assert {row[2] for row in areas.iter_rows(min_row=HEADER_ROW + 1, values_only=True)} >= {street.id}
    gaps = wb[rules[0].zh]
    assert [c.value for c in gaps[HEADER_ROW]][-2:] == ["原因", "建议"]
    why = gaps.cell(HEADER_ROW + 1, gaps.max_column - 1)
    assert why.value and why.alignment.wrap_text
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert all(c.data_type == "s" for c in cells if isinstance(c.value, str) and c.value.startswith(TRIGGERS))


def test_gap_sheet_names_are_cleaned_and_unique(full):
    """A rule name Excel would refuse as a sheet name ([]:*?/\\, over 31 characters, a taken name) is cleaned."""
    long = "很长的规则名称" * 6
    renamed = {0: "a/b:c*d?[e]\\f", 1: long, 2: long, 3: "汇总"}
    outcomes = tuple(
        dataclasses.replace(o, rule=o.rule.model_copy(update={"zh": renamed.get(i, o.rule.zh)}))
        for i, o in enumerate(full.outcomes)
    )
    wb = load_workbook(io.BytesIO(report_xlsx(dataclasses.replace(full, outcomes=outcomes))), read_only=True)
    assert wb.sheetnames[:6] == ["汇总", "分区", "abcdef", long[:31], long[:28] + "(2)", "汇总(2)"]
    assert all(len(n) <= 31 for n in wb.sheetnames)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["gaps", "--rule", "no_such_rule"], "no coverage rule no_such_rule"),
        (["gaps", "--area", "NOWHERE"], "no area with id NOWHERE"),
        (["gaps", "--as-of", "2026-13-40"], "dates are written"),
        (["gaps", "--format", "pdf"], "unknown format pdf"),
        (["gaps", "--format", "xlsx"], "needs --out"),
        (["gaps", "--by", "planet"], "unknown level planet"),
    ],
)
def test_cli_gaps_bad_input_is_one_line(region, cli_env, args, needle):
    result = invoke(args, cli_env)
    assert_one_line_error(result)
    assert needle in result.stderr


def test_what_if_closes_the_gaps_a_proposal_addresses_and_writes_nothing(region, full):
    from orggraph.analysis.whatif import Proposal, what_if
    from orggraph.ingest.graph_export import export_records

    compound = next(o for o in full.outcomes if o.rule.id == "compound_org").gaps[0]
    community = next(o for o in full.outcomes if o.rule.id == "community_agreement").gaps[0]
    community_org = region.read(
        "MATCH (o:PartyOrg)-[:COVERS]->(c:Community {id: $id}) RETURN min(o.id) AS id", {"id": community.id}
    )[0]["id"]
    unit_org = region.read("MATCH (:Unit {stationed: true})-[:HAS_ORG]->(o:PartyOrg) RETURN min(o.id) AS id")[0]["id"]
    unit_gaps = next(o for o in full.outcomes if o.rule.id == "unit_org").gaps
    small = [g.id for g in unit_gaps if g.reason == "joint_branch_required"][:6]
    proposal = (
        Proposal()
        .add_branch("P-B1", "试点小区党支部", "小区党支部", covers=[compound.id], superior=community_org, members=8)
        .add_agreement("P-A1", "试点共建协议", [community_org, unit_org], signed=dt.date(2026, 1, 1))
        .add_joint_branch("P-J1", "试点联合党支部", small, superior=community_org)
    )
    before = {n.id for n in export_records(region)[0]}
    result = what_if(region, proposal, as_of=AS_OF)
    changes = {c["rule"].id: c for c in result.changes()}
    assert compound.id in changes["compound_org"]["closed"]
    assert community.id in changes["community_agreement"]["closed"]
    assert small and changes["unit_org"]["closed"] == sorted(small)
    assert changes["org_form"]["opened"] == ["P-B1", "P-J1"]
    form = {g.id: g.reason for o in result.after.outcomes if o.rule.id == "org_form" for g in o.gaps}
    assert form["P-B1"] == "committee_not_recorded"  # 8 members; the proposal says nothing of a committee
    assert form["P-J1"] == ("joint_over_5" if len(small) > 5 else "members_not_recorded")  # no member count
    assert "P-B1" in changes["org_secretary"]["opened"]  # the proposed branch has no secretary yet
    assert changes["compound_org"]["after"][0] == changes["compound_org"]["before"][0] + 1
    assert {n.id for n in export_records(region)[0]} == before  # rolled back: the graph is as it was
    assert gap_report(region, ["compound_org"], as_of=AS_OF).outcomes[0].covered == changes["compound_org"]["before"][0]


def test_what_if_refuses_a_proposal_naming_unknown_ids_or_impossible_ties(region):
    from orggraph.analysis.whatif import Proposal, what_if
    from orggraph.model.errors import ValidationError

    bad = Proposal().add_branch("P-X", "无效支部", "小区党支部", covers=["NO-SUCH-PLACE"])
    bad.ties.append(("LEADS", "P-X", "P-X-UNKNOWN", {}))
    bad.ties.append(("MANAGES", "P-X", "P-X", {}))
    with pytest.raises(ValidationError) as err:
        what_if(region, bad, as_of=AS_OF)
    text = " ".join(i.one_line() for i in err.value.issues)
    assert "NO-SUCH-PLACE" in text and "P-X-UNKNOWN" in text and "PartyOrg→PartyOrg" in text


def test_cli_whatif_prints_before_and_after(region, cli_env, full, tmp_path):
    compound = next(o for o in full.outcomes if o.rule.id == "compound_org").gaps[0]
    path = tmp_path / "proposal.yaml"
    path.write_text(
        "nodes:\n  PartyOrg:\n    - {id: P-B2, name: 新建小区党支部, kind: 小区党支部}\n"
        f"edges:\n  COVERS:\n    - [P-B2, {compound.id}]\n",
        encoding="utf-8",
    )
    result = invoke(["whatif", str(path), "--rule", "compound_org", "--format", "json"], cli_env)
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert row["消除缺口 closed"] == compound.id and row["新增缺口 opened"] == ""
    assert_one_line_error(invoke(["whatif", str(tmp_path / "missing.yaml")], cli_env))


@pytest.fixture(scope="module")
def exported(region):
    from orggraph.ingest.graph_export import export_records

    return export_records(region)


def _query(store, name, **params):
    from orggraph.analysis.query_catalogue import find_query, run_query

    return run_query(store, find_query(name), params)


def test_ledger_queries_agree_with_python_over_the_exported_graph(region, full, exported):
    nodes, edges = exported
    by_id = {n.id: n for n in nodes}
    out: dict[str, set] = {}
    for e in edges:
        out.setdefault((e.type, e.src_id), set()).add(e.dst_id)
        out.setdefault((e.type, "<-", e.dst_id), set()).add(e.src_id)
    without = {r["id"] for r in _query(region, "communities_without_agreement", as_of=AS_OF)}
    assert without == {g.id for o in full.outcomes if o.rule.id == "community_agreement" for g in o.gaps}
    signed_orgs = {e.dst_id for e in edges if e.type == "SIGNED_BY"}
    expected = {
        u.id
        for u in nodes
        if u.label == "Unit"
        and any(o in signed_orgs and not out.get(("REPORTS_TO", o)) for o in out.get(("HAS_ORG", u.id), ()))
    }
    assert {r["id"] for r in _query(region, "units_agreement_no_reporting")} == expected
    with_projects = {a for e in edges if e.type == "UNDER" and by_id[e.src_id].label == "Project" for a in [e.dst_id]}
    expected = {e.src_id for e in edges if e.type == "UNDER" and by_id[e.src_id].label == "Commitment"} - {
        e.src_id for e in edges if e.type == "UNDER" and e.dst_id in with_projects
    }
    assert {r["id"] for r in _query(region, "commitments_without_projects")} == expected
    fulfilled = {e.dst_id for e in edges if e.type == "FULFILLS"}
    expected = {
        n.id for n in nodes if n.label == "Need" and n.props.get("status") != "已完成" and n.id not in fulfilled
    }
    assert {r["id"] for r in _query(region, "needs_unmet")} == expected


def test_need_matches_offer_the_need_category_same_street_first_nearest_next(region, exported):
    import networkx as nx

    nodes, edges = exported
    graph = nx.Graph((e.src_id, e.dst_id) for e in edges)
    by_id = {n.id: n for n in nodes}
    need = next(n for n in sorted(nodes, key=lambda n: n.id) if n.label == "Need" and n.props.get("category"))
    rows = _query(region, "need_matches", need_id=need.id, limit=50)
    assert rows, "a need of a generated region should have candidate resources"
    assert all(by_id[r["id"]].props.get("category") == need.props["category"] for r in rows)
    flags = [r["same_street"] for r in rows]
    assert flags == sorted(flags, reverse=True)  # same street first
    for r in rows:
        try:
            length = nx.shortest_path_length(graph, need.id, r["id"])
        except nx.NetworkXNoPath:
            length = None
        assert r["hops"] == (length if length is not None and length <= 8 else None), r


def test_a_report_narrowed_in_memory_equals_a_scoped_run(region, full):
    from orggraph.analysis.coverage import narrow

    index = CoverageIndex.fetch(region)
    whole = gap_report(region, as_of=AS_OF, index=index)
    district = index.geography.top_areas()[0]
    for area in (district, *index.geography.children(district.id)[:2]):
        for rules in ((), ("compound_org", "unit_org")):
            cut = narrow(whole, index.geography, rules, area.id)
            scoped = gap_report(region, rules or None, area.id, AS_OF, index)
            assert cut.area == scoped.area
            for a, b in zip(cut.outcomes, scoped.outcomes, strict=True):
                assert (a.rule.id, a.covered, a.total) == (b.rule.id, b.covered, b.total)
                assert [g.id for g in a.gaps] == [g.id for g in b.gaps]
                assert a.areas == b.areas
    with pytest.raises(Exception, match="no_such_rule"):
        narrow(whole, index.geography, ("no_such_rule",))


def test_reports_sharing_one_index_in_threads_at_once_equal_serial_runs(region):
    """The app shares one CoverageIndex across sessions and what-if passes it in: reports of different areas and
    rules running at once on it must each equal the same report run alone (nothing kept between them)."""
    from concurrent.futures import ThreadPoolExecutor

    index = CoverageIndex.fetch(region)
    streets = [p.id for p in index.geography.children(index.geography.top_areas()[0].id)]
    asks = [(None, None), *((("unit_org",), s) for s in streets), (None, streets[0])]
    serial = [gap_report(region, rules, area, AS_OF, CoverageIndex.fetch(region)) for rules, area in asks]
    with ThreadPoolExecutor(len(asks)) as pool:
        together = list(pool.map(lambda ask: gap_report(region, ask[0], ask[1], AS_OF, index), asks * 2))
    for got, want in zip(together, serial * 2, strict=True):
        assert [(o.rule.id, o.covered, o.total, o.gaps) for o in got.outcomes] == [
            (o.rule.id, o.covered, o.total, o.gaps) for o in want.outcomes
        ]
    assert any(g.reason == "joint_branch_required" for r in serial for o in r.outcomes for g in o.gaps)
