"""Person names are masked on every path unless asked for (README, Privacy): every catalogue query (run
directly, through the CLI and on the Cypher page), a user's own query file, ``orggraph export`` and every page
of the app, searched for the demo's person names — none with masking on, and they do appear when asked for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from app_harness import open_page, page_text, rerun
from fixed_date import TODAY
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from loaders.fixture import read_fixture
from loaders.region_generator import generate_region
from orggraph.analysis.query_catalogue import load_catalogue, parse_query, run_query
from orggraph.cli.main import app
from orggraph.ingest.graph_export import export_records
from orggraph.ingest.load import DEMO_FIXTURE, ingest_records, load_ledgers
from orggraph.model.errors import QueryError
from orggraph.model.privacy import KnownNames, mask_known, mask_paths, parse_name_path

runner = CliRunner()
CATALOGUE = load_catalogue()
DEMO_NAMES = {n.props["name"] for n in read_fixture(DEMO_FIXTURE)[0] if n.label == "Person" and n.props.get("name")}
PAGES = ("overview", "hierarchy", "gaps", "coverage_map", "report_print", "paths", "ledger", "whatif", "cypher",
         "importer")  # fmt: skip


def _given(query, area: str = "S01") -> dict[str, str]:
    """Values for the required parameters: an org for org ids, a need for need ids, an area otherwise."""
    out = {}
    for p in query.parameters:
        if p.required:
            out[p.name] = "O01" if "org" in p.name else "N01" if "need" in p.name else "q" if p.name == "q" else area
    return out


def _found(text: str, names: set[str]) -> set[str]:
    return {n for n in names if n in text}


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


# --- the masking itself ---------------------------------------------------------------------------------
def test_declared_paths_mask_nested_names_and_leave_the_rest():
    rows = [{"orgs": [["O1", "党委", [["P1", "王建国"], ["P2", None]]]], "n": 3}]
    masked = mask_paths(rows, [parse_name_path("orgs[*][2][*][1]")])
    assert masked == [{"orgs": [["O1", "党委", [["P1", "王**"], ["P2", None]]]], "n": 3}]
    assert rows[0]["orgs"][0][2][0][1] == "王建国"  # the given rows are left alone (they may be cached)
    assert mask_paths([{"who": ["李红梅", "张志强"]}], [("who",)]) == [{"who": ["李**", "张**"]}]
    with pytest.raises(QueryError, match="name path"):
        parse_name_path("orgs[x]")


def test_a_malformed_person_header_is_an_error_naming_the_file(tmp_path):
    bad = tmp_path / "bad.cypher"
    bad.write_text("// name: bad\n// zh: 坏\n// en: bad\n// person: a[", encoding="utf-8")
    with pytest.raises(QueryError, match="name path"):
        parse_query(bad)


def test_known_names_are_masked_anywhere_in_any_string():
    known = KnownNames(DEMO_NAMES)
    value = {"chain": "金城小区党支部 ←书记— 刘晓燕", "刘晓燕": ["王建国"]}
    assert not _found(_dump(mask_known(value, known)), DEMO_NAMES)


# --- every catalogue query ------------------------------------------------------------------------------
def _undeclared_names(store, names: set[str]) -> dict[str, set[str]]:
    """Per catalogue query, the person names its result shows with masking on (none expected)."""
    leaks = {}
    for name, query in CATALOGUE.items():
        for area in ("S01", "D01"):
            rows = run_query(store, query, _given(query, area), TODAY)
            if found := _found(_dump(rows), names):
                leaks[name] = found
    return leaks


def test_no_catalogue_query_shows_a_name_it_does_not_declare_on_the_demo(demo_store):
    assert len(DEMO_NAMES) == 4
    assert _undeclared_names(demo_store, DEMO_NAMES) == {}
    shown = run_query(demo_store, CATALOGUE["org_tree"], {}, TODAY, names=True)
    assert _found(_dump(shown), DEMO_NAMES) == {"刘晓燕", "张志强"}  # the serving secretaries, asked for
    assert CATALOGUE["org_tree"].person == ("orgs[*][7][*][1]",)


def test_no_catalogue_query_shows_a_name_it_does_not_declare_on_a_generated_street(clean_store):
    nodes, edges = generate_region("street", seed=3)
    ingest_records(clean_store, nodes, edges)
    names = {n.props["name"] for n in nodes if n.label == "Person" and n.props.get("name")}
    others = _dump([n.props.get("name") for n in nodes if n.label != "Person"])
    names = {n for n in names if n not in others}  # a name that is also part of a place's name proves nothing
    assert len(names) > 20
    assert _undeclared_names(clean_store, names) == {}
    shown = run_query(clean_store, CATALOGUE["org_tree"], {}, TODAY, names=True)
    assert len(_found(_dump(shown), names)) > 5


# --- the CLI --------------------------------------------------------------------------------------------
def _cli(args: list[str], env: dict[str, str]) -> str:
    result = runner.invoke(app, args, env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_cli_query_masks_every_catalogue_query_unless_with_names(demo_store, cli_env, fmt):
    for name, query in CATALOGUE.items():
        params = [x for k, v in _given(query).items() for x in ("-p", f"{k}={v}")]
        out = _cli(["query", name, *params, "--format", fmt], cli_env)
        assert not _found(out, DEMO_NAMES), name
    out = _cli(["query", "org_tree", "--format", "json", "--with-names"], cli_env)
    assert _found(out, DEMO_NAMES) == {"刘晓燕", "张志强"}


def test_the_other_cli_reports_show_no_names(demo_store, cli_env):
    """gaps, path, reach and network name people by their pseudonymous id only."""
    outputs = [
        _cli(["gaps", "--format", "json"], cli_env),
        _cli(["path", "金城小区党支部", "金城小区业主委员会", "--max-hops", "6"], cli_env),
        _cli(["reach", "金城小区党支部", "--hops", "3"], cli_env),
        _cli(["network", "--top", "50"], cli_env),
    ]
    assert not _found("\n".join(outputs), DEMO_NAMES)


def test_cli_query_from_a_users_file_masks_every_known_name(demo_store, cli_env, tmp_path):
    """A user's own file declares nothing: every person's name in any string is masked, wherever it sits."""
    own = tmp_path / "mine.cypher"
    own.write_text(
        "// name: mine\n// zh: 我的\n// en: mine\n"
        "MATCH (p:Person) RETURN p.id AS id, p.name AS who, '书记:' + p.name AS said, {n: [p.name]} AS nested",
        encoding="utf-8",
    )
    out = _cli(["query", str(own), "--format", "json"], cli_env)
    assert not _found(out, DEMO_NAMES) and "王**" in out and "书记:刘**" in out
    assert _found(_cli(["query", str(own), "--format", "json", "--with-names"], cli_env), DEMO_NAMES) == DEMO_NAMES


def _export_text(folder: Path) -> str:
    parts = []
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".csv":
            parts.append(path.read_text(encoding="utf-8-sig"))
        elif path.suffix == ".xlsx":
            book = load_workbook(path, read_only=True)
            parts += [_dump(list(book[s].values)) for s in book.sheetnames]
    return "\n".join(parts)


@pytest.mark.parametrize("args", [["--ledger-format", "xlsx"], ["--ledger-format", "csv"], ["--neo4j-admin"]])
def test_cli_export_leaves_names_out_unless_with_names(demo_store, cli_env, tmp_path, args):
    _cli(["export", str(tmp_path / "plain"), *args], cli_env)
    plain = _export_text(tmp_path / "plain")
    assert not _found(plain, DEMO_NAMES) and "PS001" in plain  # the person is there, by its pseudonymous id
    _cli(["export", str(tmp_path / "named"), *args, "--with-names"], cli_env)
    assert _found(_export_text(tmp_path / "named"), DEMO_NAMES) == DEMO_NAMES


def _graph(store) -> tuple[set, set]:
    nodes, edges = export_records(store)
    return (
        {(n.label, n.id, tuple(sorted(n.props.items()))) for n in nodes},
        {(e.type, e.src_id, e.dst_id, tuple(sorted(e.props.items()))) for e in edges},
    )


def test_an_export_without_names_loads_back_to_the_graph_without_names(demo_store, cli_env, tmp_path):
    """With --with-names the round trip is exact (tests/test_inert_exports.py); without, it is the same graph
    but for the persons' names, which are absent (never a masked 王** stored as a name)."""
    before_nodes, before_edges = _graph(demo_store)
    _cli(["export", str(tmp_path / "out")], cli_env)
    demo_store.clear()
    load_ledgers(demo_store, tmp_path / "out")
    after_nodes, after_edges = _graph(demo_store)
    assert after_edges == before_edges
    unnamed = {
        (label, nid, tuple(p for p in props if not (label == "Person" and p[0] == "name")))
        for label, nid, props in before_nodes
    }
    assert after_nodes == unnamed


def test_an_export_without_names_loaded_back_over_the_graph_keeps_the_names(demo_store, cli_env, tmp_path):
    """The nameless export leaves the 姓名 column out (not blank): a sheet without a column does not touch that
    property, so loading the export over the graph writes nothing and the names stay."""
    from openpyxl import load_workbook

    before = _graph(demo_store)
    _cli(["export", str(tmp_path / "out")], cli_env)
    header = [c.value for c in load_workbook(tmp_path / "out" / "台账.xlsx")["人员"][1]]
    assert header and not any("姓名" in str(h) for h in header)
    report = load_ledgers(demo_store, tmp_path / "out")
    assert report.plan.counts["Person"].updated == 0
    names = {r["name"] for r in demo_store.read("MATCH (p:Person) RETURN p.name AS name")}
    assert None not in names and len(names) == 4
    assert report.written == 0 and _graph(demo_store) == before


# --- every page of the app ------------------------------------------------------------------------------
def _drive(name: str, at: AppTest, downloads: list) -> str:
    """All a page shows on its way to where it would show people if it ever did: each area of the hierarchy
    chosen in turn, a path asked for."""
    shown = [page_text(at, downloads)]
    if name == "hierarchy":
        for i, area in enumerate(("D01", "S01", "C02")):
            at.selectbox(key=f"hier_area_{i}").set_value(area)
            shown.append(page_text(rerun(at), downloads))
    elif name == "paths":
        at.text_input(key="paths_src_text").set_value("金城小区党支部")
        at.text_input(key="paths_dst_text").set_value("金城小区业主委员会")
        shown.append(page_text(rerun(at), downloads))
    return "\n".join(shown)


def _names_on(at: AppTest) -> AppTest:
    at.sidebar.toggle[0].set_value(True)
    return rerun(at)


@pytest.mark.parametrize("page", PAGES)
def test_no_page_shows_a_persons_name_with_masking_on(app_env, downloads, page):
    assert not _found(_drive(page, open_page(page), downloads), DEMO_NAMES), page


def test_the_hierarchy_shows_names_only_when_the_viewer_turns_them_on(app_env, downloads):
    at = open_page("hierarchy")
    for i, area in enumerate(("D01", "S01")):
        at.selectbox(key=f"hier_area_{i}").set_value(area)
        rerun(at)
    assert not _found(page_text(at, downloads), DEMO_NAMES)
    assert _found(page_text(_names_on(at), downloads), DEMO_NAMES) == {"刘晓燕", "张志强"}


def _run_query_on_page(at: AppTest, name: str) -> AppTest:
    at.selectbox(key="cypher_query").set_value(name)
    rerun(at)
    for key, value in _given(CATALOGUE[name]).items():
        at.text_input(key=f"cypher_p_{name}_{key}").set_value(value)
    at.button[0].click()
    return rerun(at)


def test_every_catalogue_query_on_the_cypher_page_masks_names_in_table_and_csv(app_env, downloads):
    at = open_page("cypher")
    for name in CATALOGUE:
        downloads.clear()
        _run_query_on_page(at, name)
        assert not _found(page_text(at, downloads), DEMO_NAMES), name
    downloads.clear()
    _run_query_on_page(at, "org_tree")
    shown = page_text(_names_on(at), downloads)
    assert _found(shown, DEMO_NAMES) == {"刘晓燕", "张志强"}
