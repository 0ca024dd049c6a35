"""Every server a command starts, it also stops: a CLI command run with no server running leaves none behind,
and ``validate`` (files only) starts none. The whole test session is checked the same way at its end
(``pytest_sessionfinish`` in conftest)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from stray_servers import servers_under

from loaders.fixture import read_fixture
from loaders.ledger_writer import write_ledgers
from orggraph.ingest.load import DEMO_FIXTURE


def orggraph(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ORGGRAPH_", "NEO4J_"))}
    env |= {"ORGGRAPH_DATA_DIR": str(data_dir), "ORGGRAPH_HEAP": "512m", "ORGGRAPH_TODAY": "2026-06-15"}
    return subprocess.run(
        [sys.executable, "-m", "orggraph", *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_a_command_that_starts_the_server_stops_it(tmp_path):
    data_dir = tmp_path / "data"
    ledgers = tmp_path / "ledgers"
    write_ledgers(*read_fixture(DEMO_FIXTURE), ledgers, "xlsx")
    done = orggraph(data_dir, "load", str(ledgers))
    assert done.returncode == 0, done.stderr
    assert servers_under(tmp_path) == []
    status = orggraph(data_dir, "status", "--format", "json")
    assert status.returncode == 0 and '"PartyOrg": 15' in status.stdout, status.stderr
    assert servers_under(tmp_path) == []


def test_validate_reads_files_without_any_server(tmp_path):
    ledgers = tmp_path / "ledgers"
    write_ledgers(*read_fixture(DEMO_FIXTURE), ledgers, "xlsx")
    done = orggraph(tmp_path / "data", "validate", str(ledgers))
    assert done.returncode == 0, done.stderr
    assert "0 个错误 errors" in done.stderr
    assert not (tmp_path / "data").exists(), "validate touched the data dir"
