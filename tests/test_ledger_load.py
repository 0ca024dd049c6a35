"""Loading ledgers into the real graph: idempotent, incremental, --skip-invalid, --dry-run, export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from loaders.fixture import read_fixture
from loaders.ledger_writer import write_ledgers
from orggraph.cli.main import app
from orggraph.ingest.load import DEMO_FIXTURE, load_ledgers
from orggraph.ingest.load_plan import LoadPlan, first_load_work, made_ahead, plan_load
from orggraph.model.errors import SchemaError, ValidationError
from orggraph.model.records import NodeRecord

runner = CliRunner()


@pytest.fixture
def ledgers(tmp_path) -> Path:
    write_ledgers(*read_fixture(DEMO_FIXTURE), tmp_path, "xlsx")
    return tmp_path / "台账.xlsx"


def _edit(path: Path, sheet: str, cell: str, value) -> None:
    wb = load_workbook(path)
    wb[sheet][cell] = value
    wb.save(path)


def test_second_load_changes_nothing_and_an_edited_row_updates_only_its_node(clean_store, ledgers):
    first = load_ledgers(clean_store, ledgers)
    assert first.plan.counts["PartyOrg"].created == 15 and first.written > 100
    again = load_ledgers(clean_store, ledgers)
    assert again.written == 0 and again.plan.counts["PartyOrg"].unchanged == 15
    _edit(ledgers, "党组织", "D5", 140)  # 太白社区党委 members 132 → 140
    _edit(ledgers, "党组织", "F5", None)  # and its 设支部委员会 emptied
    third = load_ledgers(clean_store, ledgers)
    counts = third.plan.counts["PartyOrg"]
    assert (counts.created, counts.updated, counts.unchanged) == (0, 1, 14)
    row = clean_store.read(
        "MATCH (o:PartyOrg {id: 'O03'}) RETURN o.members AS m, o.has_committee AS c, o.load_id AS l"
    )[0]
    assert row["m"] == 140 and row["c"] is None and row["l"] == third.load_id
    untouched = clean_store.read("MATCH (o:PartyOrg {id: 'O04'}) RETURN o.load_id AS l")[0]
    assert untouched["l"] == first.load_id


def test_a_load_with_an_error_writes_nothing(clean_store, ledgers):
    _edit(ledgers, "党组织", "C6", "街道党委")
    with pytest.raises(ValidationError) as err:
        load_ledgers(clean_store, ledgers)
    assert any(i.row == 6 and i.column == "组织类型" for i in err.value.issues)
    assert sum(clean_store.node_counts().values()) == 0


def test_skip_invalid_writes_the_valid_rows_and_reports_the_rest(clean_store, ledgers, cli_env):
    _edit(ledgers, "党组织", "C6", "街道党委")  # row 6 is O04 金城社区党委
    result = runner.invoke(app, ["load", str(ledgers), "--skip-invalid", "--format", "json"], env=cli_env)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [(i["行 row"], i["列 column"]) for i in report["issues"]] == [(6, "组织类型")]
    assert clean_store.node_counts()["PartyOrg"] == 14
    assert not clean_store.read("MATCH (o:PartyOrg {id: 'O04'}) RETURN o")
    rejected = [r for r in report["summary"] if "rejected" in r["类型 kind"]]
    assert rejected and rejected[0]["未变 unchanged"] == 1


def test_dry_run_writes_nothing(clean_store, ledgers, cli_env):
    result = runner.invoke(app, ["load", str(ledgers), "--dry-run"], env=cli_env)
    assert result.exit_code == 0 and "dry run" in result.stdout
    assert sum(clean_store.node_counts().values()) == 0


def test_export_gives_back_loadable_ledgers_and_neo4j_admin_files(clean_store, ledgers, cli_env, tmp_path):
    load_ledgers(clean_store, ledgers)
    out = tmp_path / "export"
    assert (
        runner.invoke(
            app, ["export", str(out), "--ledger-format", "csv", "--encoding", "gb18030"], env=cli_env
        ).exit_code
        == 0
    )
    assert (out / "党组织.csv").read_bytes().decode("gb18030").startswith("编号,名称,组织类型")
    admin = tmp_path / "admin"
    assert runner.invoke(app, ["export", str(admin), "--neo4j-admin"], env=cli_env).exit_code == 0
    header = (admin / "nodes_PartyOrg.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("id:ID,name:string,kind:string,members:long") and header.endswith(":LABEL")
    assert len((admin / "relationships_LEADS.csv").read_text(encoding="utf-8").splitlines()) == 11


def test_template_writes_blank_and_example_ledgers_that_validate(tmp_path, cli_env):
    assert runner.invoke(app, ["template", str(tmp_path)], env=cli_env).exit_code == 0
    example = tmp_path / "示例 example" / "台账.xlsx"
    result = runner.invoke(app, ["validate", str(example)], env=cli_env)
    assert result.exit_code == 0, result.output
    assert load_workbook(tmp_path / "空白模板 blank" / "台账.xlsx")["党组织"].max_row == 1


def test_a_moved_tie_moves_and_a_cleared_one_goes_only_with_sync(clean_store, ledgers):
    """One rule for a cleared cell and a removed row (README, Ledgers): reported, removed by --sync. A changed id
    in a one-id column is not a removal: the tie moves on every load."""
    load_ledgers(clean_store, ledgers)
    _edit(ledgers, "小区", "I2", "G01")  # 金城小区 K01: grid G03 → G01 (所属网格或社区编号, after 经度 and 纬度)
    _edit(ledgers, "党组织", "J5", None)  # 太白社区党委 O03: superior O01 cleared
    report = load_ledgers(clean_store, ledgers)
    assert report.plan.counts["PART_OF"].deleted == 1 and report.plan.counts["LEADS"].deleted == 0
    parents = clean_store.read("MATCH (:Compound {id: 'K01'})-[:PART_OF]->(p) RETURN p.id AS p")
    assert parents == [{"p": "G01"}]
    kept = clean_store.read("MATCH (s:PartyOrg)-[:LEADS]->(:PartyOrg {id: 'O03'}) RETURN s.id AS s")
    assert kept == [{"s": "O01"}] and dict(report.plan.removals.by_sheet) == {"party_orgs": 1}
    synced = load_ledgers(clean_store, ledgers, sync=True)
    assert synced.plan.counts["LEADS"].deleted == 1
    assert not clean_store.read("MATCH (:PartyOrg)-[:LEADS]->(:PartyOrg {id: 'O03'}) RETURN 1 AS x")
    assert clean_store.read("MATCH (:PartyOrg {id: 'O03'})-[:LEADS]->(o) RETURN o.id AS o") == [{"o": "O06"}]
    assert load_ledgers(clean_store, ledgers, sync=True).written == 0


def test_two_posts_in_one_body_are_two_ties(clean_store, tmp_path):
    nodes, edges = read_fixture(DEMO_FIXTURE)
    second = next(e for e in edges if e.type == "HOLDS_POST" and e.src_id == "PS001")
    edges.append(type(second)("HOLDS_POST", "Person", "PS001", "PartyOrg", second.dst_id, {"post": "委员"}))
    write_ledgers(nodes, edges, tmp_path, "xlsx")
    load_ledgers(clean_store, tmp_path)
    posts = clean_store.read("MATCH (:Person {id: 'PS001'})-[r:HOLDS_POST]->(o) RETURN r.post AS post ORDER BY post")
    assert [p["post"] for p in posts] == ["书记", "委员"]
    assert load_ledgers(clean_store, tmp_path).written == 0


def test_a_sheet_without_a_column_leaves_that_property_as_stored(clean_store, ledgers):
    """An older template without a column (here 党员数) is not a clerk clearing every cell of it: the stored
    values stay, nothing is written; a blank cell in a column that is there still clears its property."""
    load_ledgers(clean_store, ledgers)
    wb = load_workbook(ledgers)
    ws = wb["党组织"]
    col = [c.value for c in ws[1]].index("党员数") + 1
    ws.delete_cols(col)
    wb.save(ledgers)
    again = load_ledgers(clean_store, ledgers)
    assert again.written == 0 and again.plan.counts["PartyOrg"].unchanged == 15
    members = clean_store.read("MATCH (o:PartyOrg {id: 'O03'}) RETURN o.members AS m")
    assert members == [{"m": 132}]


def test_a_first_load_stores_each_row_as_given_and_nothing_more(clean_store, ledgers):
    """The first load's CREATE names the schema's properties: a cell left empty stays absent (not null), and every
    value comes back as the ledger gave it."""
    nodes, edges = read_fixture(DEMO_FIXTURE)
    report = load_ledgers(clean_store, ledgers)
    assert report.plan.into_empty_graph
    stored = {r["id"]: r["p"] for r in clean_store.read("MATCH (o:PartyOrg) RETURN o.id AS id, properties(o) AS p")}
    for node in (n for n in nodes if n.label == "PartyOrg"):
        given = {k: v for k, v in node.props.items() if v is not None}
        assert {k: stored[node.id][k] for k in given} == given
        assert None not in stored[node.id].values()
    ties = clean_store.read("MATCH ()-[r:LEADS]->() RETURN properties(r) AS p")
    assert len(ties) == sum(e.type == "LEADS" for e in edges) and all(t["p"]["source_sheet"] for t in ties)


def test_a_first_load_refuses_a_property_the_schema_does_not_name(session_store):
    """A defect guard: the CREATE statements list the schema's names, so a key outside them would be dropped."""
    plan = LoadPlan(into_empty_graph=True)
    plan.node_rows["PartyOrg"].append({"id": "O1", "props": {"id": "O1", "name": "党委", "nickname": "x"}})
    with pytest.raises(SchemaError, match="nickname"):
        plan.work(session_store)


def test_a_first_load_planned_as_it_is_written_is_the_plan_of_a_first_load(session_store):
    """The journaled first load plans one label or tie kind at a time while the one before is written (in a thread,
    ``made_ahead``): the same statements, rows and counts, in the same order, as planning it whole."""
    nodes, edges = read_fixture(DEMO_FIXTURE)
    edges = [*edges, edges[0]]  # a tie listed twice is written once, either way
    whole = plan_load(session_store, nodes, edges, empty_graph=True)
    streamed = LoadPlan(into_empty_graph=True)
    work = list(made_ahead(first_load_work(streamed, session_store, nodes, edges)))
    assert work == whole.work(session_store)
    assert streamed.counts == whole.counts and streamed.size == whole.size == len(nodes) + len(edges) - 1
    assert streamed.created_nodes == whole.created_nodes and streamed.seconds > 0


def test_a_first_load_planned_as_it_is_written_refuses_a_property_the_schema_does_not_name(session_store):
    bad = NodeRecord("PartyOrg", "O1", {"name": "党委", "nickname": "x"})
    with pytest.raises(SchemaError, match="nickname"):
        list(made_ahead(first_load_work(LoadPlan(into_empty_graph=True), session_store, [bad], [])))
