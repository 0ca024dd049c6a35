"""The CLI through its runner, against the session's real server: answers, and one-line errors."""

from __future__ import annotations

import json
import os
import socket

import pytest
from typer.testing import CliRunner

from orggraph.cli.main import app
from orggraph.model.schema import load_schema

runner = CliRunner()


def invoke(args: list[str], env: dict[str, str]):
    return runner.invoke(app, args, env=env, catch_exceptions=False)


def assert_one_line_error(result) -> None:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("错误 Error:") and " | " in lines[0]
    assert "Traceback" not in result.output


def test_status_counts_every_label(demo_store, cli_env):
    result = invoke(["status", "--format", "json"], cli_env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["nodes"]["PartyOrg"] == 15 and data["nodes"]["Compound"] == 4
    assert data["server"]["backend"] == "embedded"
    assert data["relationships"] is None  # not kept by every server: asked for
    table = invoke(["status"], cli_env)
    assert "党组织" in table.stdout and "合计 total" in table.stdout and "--relationships" in table.stdout
    counted = json.loads(invoke(["status", "--format", "json", "--relationships"], cli_env).stdout)
    assert counted["relationships"]["COVERS"] > 0 and set(counted["relationships"]) == set(load_schema().relationships)


def test_query_returns_rows_as_json_and_csv(demo_store, cli_env):
    result = invoke(["query", "find_by_name", "--param", "q=金城", "--format", "json"], cli_env)
    assert result.exit_code == 0, result.output
    names = {row["name"] for row in json.loads(result.stdout)}
    assert {"金城社区", "金城小区", "金城社区党委"} <= names
    csv_out = invoke(["query", "compounds_without_org", "--format", "csv"], cli_env).stdout.splitlines()
    assert csv_out[0] == "street,id,compound" and len(csv_out) == 4


def test_queries_lists_the_catalogue(cli_env):
    result = invoke(["queries"], cli_env)
    assert result.exit_code == 0 and "compounds_without_org" in result.stdout


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["query", "no_such_query"], "no query named"),
        (["query", "org_subordinates"], "needs parameter org_id"),
        (["query", "find_by_name", "-p", "limit=many"], "must be a integer"),
        (["query", "find_by_name", "-p", "nolimit"], "name=value"),
        (["query", "find_by_name", "--format", "xml"], "unknown format"),
    ],
)
def test_bad_query_requests_get_one_line(demo_store, cli_env, args, needle):
    result = invoke(args, cli_env)
    assert_one_line_error(result)
    assert needle in result.stderr


def test_a_write_statement_in_query_is_refused(demo_store, cli_env, tmp_path):
    script = tmp_path / "w.cypher"
    script.write_text("// name: w\n// zh: 写\n// en: write\nMATCH (n) DETACH DELETE n\n", encoding="utf-8")
    result = invoke(["query", str(script)], cli_env)
    assert_one_line_error(result)
    assert "read-only" in result.stderr
    assert invoke(["status", "--format", "json"], cli_env).stdout.count('"PartyOrg": 15') == 1


def test_unknown_backend(cli_env):
    result = invoke(["--backend", "mysql", "status"], cli_env)
    assert_one_line_error(result)
    assert "valid backends: embedded, neo4j" in result.stderr


def test_unreachable_neo4j(cli_env):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = invoke(["--backend", "neo4j", "--neo4j-uri", f"bolt://127.0.0.1:{port}", "status"], cli_env)
    assert_one_line_error(result)
    assert "cannot reach the graph server" in result.stderr


@pytest.mark.parametrize("command", [["load"], ["load", "--dry-run"], ["validate", "--against-graph"]])
def test_a_mistyped_ledger_folder_is_said_before_any_server_is_reached(cli_env, tmp_path, command):
    """The path is checked first: with an unreachable server configured, the error is still the folder's."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = ["--backend", "neo4j", "--neo4j-uri", f"bolt://127.0.0.1:{port}"]
    result = invoke([*server, *command, str(tmp_path / "台帐")], cli_env)
    assert_one_line_error(result)
    assert "找不到台账文件或文件夹" in result.stderr and "no such ledger file or folder" in result.stderr
    (tmp_path / "空").mkdir()
    empty = invoke([*server, *command, str(tmp_path / "空")], cli_env)
    assert_one_line_error(empty)
    assert "no ledger files (.xlsx/.csv)" in empty.stderr


def test_wrong_password(session_store, settings, cli_env):
    uri = f"bolt://{session_store.server_info()['address']}"
    result = invoke(
        [
            "--backend",
            "neo4j",
            "--neo4j-uri",
            uri,
            "--neo4j-user",
            "root",
            "--neo4j-password",
            "not-the-password",
            "status",
        ],
        cli_env,
    )
    assert_one_line_error(result)
    assert "refused the credentials" in result.stderr


def test_db_status_shows_the_running_server(cli_env, session_store):
    result = invoke(["db", "status"], cli_env)
    assert result.exit_code == 0 and "运行中 running" in result.stdout


def test_db_commands_refuse_a_server_orggraph_does_not_manage(cli_env):
    result = invoke(["--backend", "neo4j", "db", "stop"], cli_env)
    assert_one_line_error(result)


def test_ledger_limits_come_from_settings_and_flags(cli_env, tmp_path):
    """The caps on a ledger file: the environment (settings) and a command's flags, the flag winning."""
    from loaders.fixture import read_fixture
    from loaders.ledger_writer import write_ledgers
    from orggraph.ingest.load import DEMO_FIXTURE

    write_ledgers(*read_fixture(DEMO_FIXTURE), tmp_path, "xlsx")
    flagged = invoke(["validate", str(tmp_path), "--max-rows-per-sheet", "5"], cli_env)
    assert flagged.exit_code == 2 and "超过每表 5 行的上限" in flagged.stderr and "max_rows_per_sheet" in flagged.stderr
    env = cli_env | {"ORGGRAPH_MAX_ROWS_PER_SHEET": "3"}
    assert "超过每表 3 行的上限" in invoke(["validate", str(tmp_path)], env).stderr
    assert invoke(["validate", str(tmp_path), "--max-rows-per-sheet", "100"], env).exit_code == 0
    wrong = invoke(["validate", str(tmp_path), "--max-file-mb", "0"], cli_env)
    assert wrong.exit_code == 2 and "上限必须是正数" in wrong.stderr and "Traceback" not in wrong.output


def test_commands_on_the_embedded_server_leave_stderr_clean(demo_store, cli_env, tmp_path):
    """Nothing but what a command means to say reaches stderr: no server notifications, driver warnings or logs
    (on Neo4j they came through the driver's notification logger: 12 lines per `orggraph gaps`)."""
    import subprocess
    import sys

    commands = [["status"], ["queries"], ["query", "org_tree"], ["gaps", "--limit", "3"], ["path", "C01", "U01"],
                ["reach", "C01", "--hops", "2"], ["network"], ["export", str(tmp_path / "out")],
                ["load", str(tmp_path / "out"), "--dry-run"], ["init"]]  # fmt: skip
    for args in commands:
        done = subprocess.run(
            [sys.executable, "-m", "orggraph", *args], env={**os.environ, **cli_env}, capture_output=True, text=True
        )
        assert done.returncode in (0, 1), (args, done.stderr)
        assert done.stderr.strip() == "", (args, done.stderr)


def test_the_command_line_runs_without_importing_pandas(demo_store, cli_env, tmp_path):
    """The entry point keeps pandas out (the driver imported it for nothing: ~0.5 s of every start); the commands
    that reach pyarrow, openpyxl, shapely and matplotlib still work through it, and pandas is never loaded."""
    import subprocess
    import sys

    commands = {
        ("gaps", "--format", "xlsx", "-o", str(tmp_path / "gaps.xlsx")): tmp_path / "gaps.xlsx",
        ("map", "--area", "S01", "-o", str(tmp_path / "map.png")): tmp_path / "map.png",
        ("template", str(tmp_path / "tpl")): tmp_path / "tpl",
        ("snapshots",): None,
        ("status",): None,
    }
    for args, written in commands.items():
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "orggraph", *args],
            env={**os.environ, **cli_env},
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, (args, done.stderr[-2000:])
        imported = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import")]
        assert "neo4j" in imported and not [m for m in imported if m.startswith("pandas.")], args
        assert [line for line in done.stderr.splitlines() if not line.startswith("import time:")] == [], args
        assert written is None or written.exists(), args
