"""The broken-ledger corpus (tests/data/bad, made by tests/data/make_bad_ledgers.py): every file, loaded
through the CLI on top of the demo region, is refused with exit code 2 and one stderr line naming the
file, sheet, row and column of its one fault, and the graph is left exactly as it was."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from orggraph.cli.main import app
from orggraph.graph.area_scope import UNIVERSES
from orggraph.graph.store import BoltStore
from orggraph.ingest.graph_export import export_records
from orggraph.ingest.load import load_demo_fixture

DATA = Path(__file__).resolve().parent / "data"
BAD = DATA / "bad"
CASES = yaml.safe_load((BAD / "expected.yaml").read_text(encoding="utf-8"))["cases"]
runner = CliRunner()


def params(cases: list[dict]) -> list:
    return [
        pytest.param(
            c,
            id=c["id"],
            marks=[pytest.mark.xfail(strict=True, reason=c["xfail_reason"])] if c.get("xfail_reason") else [],
        )
        for c in cases
    ]


def invoke(args: list[str], env: dict[str, str]):
    return runner.invoke(app, args, env=env, catch_exceptions=False)


@pytest.fixture(scope="module")
def demo_store(session_store: BoltStore) -> BoltStore:
    """The demo region, loaded once for the module (conftest's ``demo_store`` reloads it for every test): every
    case is refused and each test checks that its own load left the graph as it found it, so none needs a fresh
    copy (reloaded for each of its 169 tests, the module took ~80 s; once, 30 s)."""
    session_store.clear()
    UNIVERSES.forget()
    load_demo_fixture(session_store)
    return session_store


def snapshot(store: BoltStore) -> tuple:
    """The whole graph as sets (provenance included), plus the counts per label (load runs too) and type."""
    nodes, edges = export_records(store, with_provenance=True)
    return (
        {(n.label, n.id, tuple(sorted(n.props.items()))) for n in nodes},
        {(e.type, e.src_id, e.dst_id, tuple(sorted(e.props.items()))) for e in edges},
        store.node_counts(),
        store.relationship_counts(),
    )


def location(c: dict) -> str:
    """Where the fault is, as ``Issue.one_line`` writes it: file · sheet · 第n行 row n · column."""
    row = f"第{c['row']}行 row {c['row']}" if c["row"] is not None else None
    return " · ".join(str(p) for p in (c["file"], c["sheet"], row, c["column"]) if p is not None)


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("错误 error ")]


def expected_line(c: dict, lines: list[str]) -> list[str]:
    """The error lines that give this case's location, value and both messages."""
    start = f"错误 error {location(c)} " + ("" if c["value"] is None else f"[{c['value']}] ")
    return [line for line in lines if line.startswith(start) and c["zh"] in line and c["en"] in line]


def test_the_corpus_is_what_the_script_makes(tmp_path):
    """The checked-in files are exactly what make_bad_ledgers.py writes (it is deterministic)."""
    spec = importlib.util.spec_from_file_location("make_bad_ledgers", DATA / "make_bad_ledgers.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being defined
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    module.main(tmp_path / "bad")
    made = {p.relative_to(tmp_path / "bad"): p.read_bytes() for p in (tmp_path / "bad").rglob("*") if p.is_file()}
    kept = {p.relative_to(BAD): p.read_bytes() for p in BAD.rglob("*") if p.is_file()}
    assert made.keys() == kept.keys()
    assert [k for k in made if made[k] != kept[k]] == [], "rerun: python tests/data/make_bad_ledgers.py"
    assert len(CASES) >= 60


@pytest.mark.parametrize("case", params(CASES))
def test_a_broken_ledger_is_refused_at_its_fault(demo_store, cli_env, case):
    before = snapshot(demo_store)
    result = invoke(["load", str(BAD / case["path"])], cli_env)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    assert snapshot(demo_store) == before, "a refused load changed the graph"
    lines = error_lines(result.stderr)
    assert expected_line(case, lines), f"no line for {location(case)}:\n{result.stderr}"
    assert len(lines) == case["errors"], result.stderr


@pytest.mark.parametrize("case", params(CASES))
def test_validate_reports_the_same_issue_as_json(demo_store, cli_env, case):
    before = snapshot(demo_store)
    result = invoke(["validate", str(BAD / case["path"]), "--format", "json", "--against-graph"], cli_env)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    issues = json.loads(result.stdout)
    found = [
        i
        for i in issues
        if i["文件 file"] == case["file"]
        and i["工作表 sheet"] == (case["sheet"] or "")
        and i["行 row"] == case["row"]
        and i["列 column"] == (case["column"] or "")
        and (case["value"] is None or i["值 value"] == case["value"])
        and case["zh"] in i["问题"]
        and case["en"] in i["problem"]
    ]
    assert found, json.dumps(issues, ensure_ascii=False, indent=1)
    assert all(i["级别 level"] == "错误 error" for i in found)
    assert sum(i["级别 level"] == "错误 error" for i in issues) == case["errors"]
    assert snapshot(demo_store) == before
