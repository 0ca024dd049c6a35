"""Snapshots come with loads (issue 15 part 1): a CLI load that writes takes one of today's figures (the
``snapshot_after_load`` setting), an export carries the data dir's snapshots, and loading that export into a
graph takes them in. Real CLI, real server; the session's data dir is left without snapshots afterwards."""

from __future__ import annotations

import json
import shutil

import pytest
from test_cli import invoke

from loaders.fixture import read_fixture
from loaders.ledger_writer import write_ledgers
from orggraph.analysis.history import stored_snapshots
from orggraph.graph.snapshot_files import folder
from orggraph.ingest.load import DEMO_FIXTURE


@pytest.fixture
def snapshots_dir(settings):
    """The session data dir's snapshots folder, emptied before and after."""
    where = folder(settings.data_dir)
    shutil.rmtree(where, ignore_errors=True)
    yield where
    shutil.rmtree(where, ignore_errors=True)


def test_a_load_that_writes_takes_a_snapshot_and_an_export_carries_it_back(
    clean_store, cli_env, settings, snapshots_dir, tmp_path
):
    ledgers, exported = tmp_path / "ledgers", tmp_path / "export"
    write_ledgers(*read_fixture(DEMO_FIXTURE), ledgers, "xlsx")
    env = cli_env | {"ORGGRAPH_SNAPSHOT_AFTER_LOAD": "true"}
    loaded = invoke(["load", str(ledgers), "--format", "json"], env)
    assert loaded.exit_code == 0, loaded.output
    assert "snapshot stored" in json.loads(loaded.stdout)["snapshot"]
    (first,) = stored_snapshots(settings.data_dir)
    assert first.as_of.isoformat() == cli_env["ORGGRAPH_TODAY"] and first.area is None
    again = invoke(["load", str(ledgers), "--format", "json"], env)  # nothing to write: no second snapshot
    assert "snapshot" not in json.loads(again.stdout) and len(stored_snapshots(settings.data_dir)) == 1

    assert invoke(["export", str(exported)], cli_env).exit_code == 0
    assert sorted(p.name for p in (exported / "snapshots").iterdir())
    shutil.rmtree(snapshots_dir)  # a new place: an empty graph, no history
    clean_store.clear()
    back = invoke(["load", str(exported), "--format", "json"], cli_env)
    assert back.exit_code == 0, back.output
    assert "1" in json.loads(back.stdout)["snapshots_imported"]
    assert [s.id for s in stored_snapshots(settings.data_dir)] == [first.id]
