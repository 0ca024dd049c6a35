"""The audit log: appended, 0600, filtered by user, action and day; written by the CLI's load, query, export and
what-if, and by the app's import, with counts and never a query's parameter values."""

from __future__ import annotations

import datetime as dt
import json
import stat
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from orggraph.access import audit
from orggraph.cli.main import app

T0 = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
PROPOSAL = """
nodes:
  PartyOrg:
    - {id: PROPOSED-B1, name: 审计测试小区党支部, kind: 小区党支部, members: 5, full_members: 5}
edges:
  COVERS:
    - [PROPOSED-B1, K04]
"""
runner = CliRunner()


def test_events_are_appended_as_json_lines_in_a_0600_file_and_filtered(tmp_path):
    audit.record(tmp_path, "li", "login", now=T0)
    audit.record(tmp_path, "li", "query", now=T0 + dt.timedelta(days=1), query="find_by_name", parameters=["q"])
    audit.record(tmp_path, "wang", "export", now=T0 + dt.timedelta(days=2), files=3)
    path = tmp_path / audit.AUDIT_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    first = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    assert first == {"at": "2026-03-01T09:30:00+00:00", "user": "li", "action": "login"}
    assert [e["action"] for e in audit.read_events(tmp_path)] == ["export", "query", "login"]  # newest first
    assert [e["action"] for e in audit.read_events(tmp_path, audit.AuditFilter(user="li"))] == ["query", "login"]
    day2 = audit.AuditFilter(since=dt.date(2026, 3, 2), until=dt.date(2026, 3, 2))
    assert [e["user"] for e in audit.read_events(tmp_path, day2)] == ["li"]
    assert audit.read_events(tmp_path, audit.AuditFilter(action="import")) == []


def test_a_cut_off_line_is_skipped_and_an_unknown_action_refused(tmp_path):
    audit.record(tmp_path, "li", "login", now=T0)
    with (tmp_path / audit.AUDIT_FILE).open("a", encoding="utf-8") as fh:
        fh.write('{"at": "2026-03-01T09:3')
    assert len(audit.read_events(tmp_path)) == 1
    with pytest.raises(ValueError):
        audit.record(tmp_path, "li", "delete_everything")


def test_a_query_is_recorded_by_name_and_parameter_names_never_values():
    detail = audit.query_detail("find_by_name", {"q": "王建国", "limit": 5}, 1)
    assert detail == {"query": "find_by_name", "parameters": ["limit", "q"], "rows": 1}


def _cli(args: list[str], env: dict[str, str]):
    result = runner.invoke(app, args, env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def _new_events(data_dir: Path, seen: int) -> list[dict]:
    return audit.read_events(data_dir)[: len(audit.read_events(data_dir)) - seen][::-1]


def test_cli_query_export_load_and_whatif_are_recorded(demo_store, cli_env, settings, tmp_path):
    data_dir = settings.resolved_data_dir()
    seen = len(audit.read_events(data_dir))
    _cli(["query", "find_by_name", "-p", "q=金城", "--format", "json"], cli_env)
    _cli(["export", str(tmp_path / "out"), "--ledger-format", "csv"], cli_env)
    _cli(["load", str(tmp_path / "out"), "--dry-run"], cli_env)  # nothing written: not recorded
    _cli(["load", str(tmp_path / "out"), "--format", "json"], cli_env)
    proposal = tmp_path / "proposal.yaml"
    proposal.write_text(PROPOSAL, encoding="utf-8")
    _cli(["whatif", str(proposal), "--format", "json"], cli_env)
    events = _new_events(data_dir, seen)
    assert [e["action"] for e in events] == ["query", "export", "import", "whatif"]
    assert all(e["user"].startswith("本机模式") for e in events)
    query, export, load, whatif = events
    assert query["query"] == "find_by_name" and "q" in query["parameters"] and query["rows"] >= 1
    assert export["files"] >= 1
    assert load["load_id"] and isinstance(load["written"], int) and load["removed"] == 0 and load["dry_run"] is False
    assert whatif["rules"] and whatif["closed"] >= 0
    assert "金城" not in (data_dir / audit.AUDIT_FILE).read_text(encoding="utf-8")


def test_cli_audit_prints_the_log_filtered(cli_env, settings):
    audit.record(settings.resolved_data_dir(), "audit-cli-test", "export", files=7)
    result = _cli(["audit", "--user", "audit-cli-test", "--format", "json"], cli_env)
    events = json.loads(result.stdout)
    assert events and {e["user"] for e in events} == {"audit-cli-test"} and events[0]["files"] == 7
    bad = runner.invoke(app, ["audit", "--since", "1 March"], env=cli_env)
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.stderr


def _import_from_the_app(folder: str) -> None:  # runs inside AppTest
    from pathlib import Path

    import streamlit as st

    from orggraph.app.pages import importer

    st.write(importer.load_folder(Path(folder), skip_invalid=False)["load_id"])


def test_an_import_from_the_app_is_recorded_with_its_load_id_and_counts(app_env, settings, tmp_path):
    from loaders.ledger_writer import write_ledgers
    from orggraph.model.records import EdgeRecord, NodeRecord

    nodes = [NodeRecord("Compound", "K06", {"name": "审计测试小区", "kind": "商品房小区", "households": 50})]
    write_ledgers(nodes, [EdgeRecord("PART_OF", "Compound", "K06", "Grid", "G01")], tmp_path)
    at = AppTest.from_function(_import_from_the_app, args=(str(tmp_path),), default_timeout=60).run()
    assert not at.exception, at.exception
    load_id = at.markdown[0].value
    (event,) = audit.read_events(settings.resolved_data_dir(), audit.AuditFilter(action="import"))[:1]
    assert event["load_id"] == load_id and event["user"] == "本机模式" and event["written"] >= 2


def _draw_a_download() -> None:  # runs inside AppTest
    import streamlit as st

    from orggraph.app.pages import session

    st.session_state["make"] = session.recorded_download("test:download", lambda: b"a,b\r\n1,2\r\n", rows=1)


def test_a_download_is_recorded_when_clicked_by_the_user_who_drew_it(app_env, settings):
    """Streamlit makes a deferred download outside any script run: the user is the one taken when drawn."""
    at = AppTest.from_function(_draw_a_download, default_timeout=60).run()
    assert not at.exception, at.exception
    keep = audit.AuditFilter(action="export")
    before = [e for e in audit.read_events(settings.resolved_data_dir(), keep) if e.get("what") == "test:download"]
    assert at.session_state["make"]() == b"a,b\r\n1,2\r\n"  # the click, outside the script run
    after = [e for e in audit.read_events(settings.resolved_data_dir(), keep) if e.get("what") == "test:download"]
    assert len(after) == len(before) + 1
    assert after[0]["user"] == "本机模式" and after[0]["rows"] == 1 and after[0]["bytes"] == 10
