"""Every spreadsheet we write is inert: a ledger value a spreadsheet would run (``=HYPERLINK(…)``, ``+cmd|…``,
``@SUM(…)``, ``-2+3``, a tab-led text) is written to CSV behind an apostrophe and to xlsx as a string cell, never a
formula — ``orggraph export`` (xlsx and CSV) and ``orggraph gaps --format csv|xlsx``; and an exported ledger loads
back to the same graph."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from loaders.fixture import read_fixture
from loaders.ledger_writer import write_ledgers
from orggraph.cli.main import app
from orggraph.ingest.graph_export import export_records
from orggraph.ingest.load import DEMO_FIXTURE, ingest_records, load_ledgers
from orggraph.model.inert_cells import TRIGGERS
from orggraph.present.gap_output import rows_csv
from orggraph.present.output import render

runner = CliRunner()
HOSTILE = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3", "\t=1+1", "\r=2+2"]


# id → the hostile text put before its name (the compounds are what the compound_org gaps name)
PREFIXED = {"C01": HOSTILE[0], "C02": HOSTILE[1], "C03": HOSTILE[2], "K01": HOSTILE[2], "K02": HOSTILE[3]}
PREFIXED |= {"K03": HOSTILE[4], "K04": HOSTILE[5], "A01": HOSTILE[0], "A02": HOSTILE[3]}
CELLS = len(PREFIXED) + 1  # and U05's address
IN_XLSX = CELLS  # openpyxl writes through lxml, which keeps a carriage return ("&#13;"): "\r=2+2" comes back as typed


def hostile_records():
    """The demo region with hostile names (:data:`PREFIXED`) and U05's address a HYPERLINK formula."""
    nodes, edges = read_fixture(DEMO_FIXTURE)
    for i, n in enumerate(nodes):
        props = dict(n.props)
        if n.id in PREFIXED:
            props["name"] = PREFIXED[n.id] + props["name"]
        elif n.id == "U05":
            props["address"] = HOSTILE[0]
        nodes[i] = type(n)(n.label, n.id, props, n.source)
    return nodes, edges


def _runs(text: str) -> bool:
    """Would a spreadsheet take this CSV cell for a formula? (A plain number is a number, not a formula.)"""
    if not text.startswith(TRIGGERS):
        return False
    try:
        float(text)
    except ValueError:
        return True
    return False


def assert_inert_csv(text: str) -> int:
    """No cell runs; returns how many cells were neutralised (start with the apostrophe before a trigger)."""
    cells = [c for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for c in row]
    assert [c for c in cells if _runs(c)] == []
    return sum(c.startswith("'") and c[1:].startswith(TRIGGERS) for c in cells)


def assert_inert_xlsx(source: Path | bytes) -> int:
    """No formula cell anywhere; returns how many string cells hold a trigger-led text."""
    wb = load_workbook(io.BytesIO(source) if isinstance(source, bytes) else source)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    hostile = [c for c in cells if isinstance(c.value, str) and c.value.startswith(TRIGGERS)]
    assert all(c.data_type == "s" for c in hostile)
    return len(hostile)


def test_ledger_writer_xlsx_keeps_the_text_as_a_string_cell(tmp_path):
    nodes, edges = hostile_records()
    (path,) = write_ledgers(nodes, edges, tmp_path, "xlsx")
    assert assert_inert_xlsx(path) == IN_XLSX
    ws = load_workbook(path)["单位"]
    address = next(c for row in ws.iter_rows() for c in row if c.value == '=HYPERLINK("http://x","y")')
    assert address.data_type == "s"


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_ledger_writer_csv_prefixes_the_apostrophe(tmp_path, encoding):
    nodes, edges = hostile_records()
    paths = write_ledgers(nodes, edges, tmp_path, "csv", encoding)
    assert sum(assert_inert_csv(p.read_bytes().decode(encoding)) for p in paths) == CELLS
    text = (tmp_path / "小区.csv").read_bytes().decode(encoding)
    assert "\nK01,'@SUM(1+1)金城小区," in text and "\nK03,'\t=1+1运河人家," in text


def test_gap_files_are_inert(app_env):
    from orggraph.analysis.coverage import gap_report
    from orggraph.present.gap_output import gap_rows, report_xlsx

    app_env.clear()
    ingest_records(app_env, *hostile_records())
    report = gap_report(app_env, ["compound_org", "community_agreement"])
    assert assert_inert_csv(rows_csv(gap_rows(report.outcomes))) >= 2
    workbook = report_xlsx(report)
    assert assert_inert_xlsx(workbook) >= 2
    names = [c.value for row in load_workbook(io.BytesIO(workbook))["小区党组织覆盖"].iter_rows() for c in row]
    assert any(isinstance(v, str) and v.startswith(HOSTILE[0]) for v in names)  # the text kept, as a string cell


def test_render_csv_is_inert(capsys):
    from rich.console import Console

    render([{"名称 name": "=1+1", "数 n": -5, "地址": "@x"}], "csv", Console())
    out = capsys.readouterr().out
    assert out.splitlines()[1] == "'=1+1,-5,'@x"


def test_rows_csv_neutralises_headers_too():
    """The query page's columns are the user's own aliases (RETURN 1 AS `=x`)."""
    text = rows_csv([{"=cmd|x": HOSTILE[4], "n": -1}])
    assert assert_inert_csv(text) == 2
    assert text.lstrip("\ufeff").splitlines()[0] == "'=cmd|x,n"


def test_cli_export_and_gaps_write_inert_files(clean_store, cli_env, tmp_path):
    ingest_records(clean_store, *hostile_records())
    for fmt in ("xlsx", "csv"):
        result = runner.invoke(app, ["export", str(tmp_path / fmt), "--ledger-format", fmt], env=cli_env)
        assert result.exit_code == 0, result.output
    assert assert_inert_xlsx(tmp_path / "xlsx" / "台账.xlsx") == IN_XLSX
    csv_files = sorted((tmp_path / "csv").glob("*.csv"))
    assert sum(assert_inert_csv(p.read_bytes().decode("utf-8")) for p in csv_files) == CELLS
    gaps_xlsx = tmp_path / "gaps.xlsx"
    args = ["gaps", "--rule", "compound_org", "--format"]
    assert runner.invoke(app, [*args, "xlsx", "-o", str(gaps_xlsx)], env=cli_env).exit_code == 0
    assert assert_inert_xlsx(gaps_xlsx) >= 1
    result = runner.invoke(app, [*args, "csv"], env=cli_env)
    assert result.exit_code == 0 and assert_inert_csv(result.stdout) >= 1


def test_neo4j_admin_files_keep_the_values_verbatim(clean_store, cli_env, tmp_path):
    """Machine input for neo4j-admin, not a spreadsheet: an apostrophe would become part of the value."""
    ingest_records(clean_store, *hostile_records())
    assert runner.invoke(app, ["export", str(tmp_path), "--neo4j-admin"], env=cli_env).exit_code == 0
    rows = list(csv.reader(io.StringIO((tmp_path / "nodes_Compound.csv").read_text(encoding="utf-8"))))
    assert {r[1] for r in rows[1:]} >= {"@SUM(1+1)金城小区"}


def _graph(store) -> tuple[set, set]:
    nodes, edges = export_records(store)
    return (
        {(n.label, n.id, tuple(sorted(n.props.items()))) for n in nodes},
        {(e.type, e.src_id, e.dst_id, tuple(sorted(e.props.items()))) for e in edges},
    )


@pytest.mark.parametrize(("fmt", "encoding"), [("xlsx", "utf-8"), ("csv", "utf-8"), ("csv", "gb18030")])
def test_exported_ledgers_load_back_to_the_same_graph(clean_store, cli_env, tmp_path, fmt, encoding):
    """Ledgers with formula-like values → load → export → load into an empty graph → the same records."""
    write_ledgers(*hostile_records(), tmp_path / "in", "xlsx")
    load_ledgers(clean_store, tmp_path / "in")
    first = _graph(clean_store)
    names = {dict(props).get("name") for _, _, props in first[0]}
    assert {"@SUM(1+1)金城小区", "-2+3太白花园", "=1+1运河人家", '=HYPERLINK("http://x","y")太白社区'} <= names
    args = ["export", str(tmp_path / "out"), "--ledger-format", fmt, "--encoding", encoding, "--with-names"]
    assert runner.invoke(app, args, env=cli_env).exit_code == 0  # without names, persons come back unnamed
    clean_store.clear()
    load_ledgers(clean_store, tmp_path / "out")
    assert _graph(clean_store) == first
