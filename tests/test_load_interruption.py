"""A load cut off at any point — loader or server killed with SIGKILL — leaves the graph, as readers
see it, exactly as it was; the rerun completes. Runs on its own server so it can be killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from ledger_factory import write_tree_ledgers

from orggraph.graph import load_runs, statements
from orggraph.graph.backends import open_store
from orggraph.graph.embedded_server import EmbeddedServer
from orggraph.ingest.graph_export import export_records
from orggraph.ingest.load import load_demo_fixture
from orggraph.model.config import load_settings

pytestmark = pytest.mark.slow


def snapshot(settings, provenance: bool = True) -> tuple[frozenset, frozenset]:
    """The graph as a reader sees it (opening the store first recovers any cut-off load)."""
    with open_store(settings) as store:
        nodes, edges = export_records(store, with_provenance=provenance)
    return (
        frozenset((n.label, n.id, tuple(sorted(n.props.items()))) for n in nodes),
        frozenset((e.type, e.src_id, e.dst_id, tuple(sorted(e.props.items()))) for e in edges),
    )


def difference(before: tuple[frozenset, frozenset], after: tuple[frozenset, frozenset]) -> str:
    """What a load cut off changed, a few of each kind: enough to tell a partial write from a changed property."""
    parts = {
        "nodes added": after[0] - before[0],
        "nodes gone": before[0] - after[0],
        "ties added": after[1] - before[1],
        "ties gone": before[1] - after[1],
    }
    return "; ".join(f"{k} {len(v)}: {sorted(v, key=str)[:3]}" for k, v in parts.items() if v)


def start_load(settings, ledgers: Path, *extra: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "ORGGRAPH_DATA_DIR": str(settings.data_dir),
        "ORGGRAPH_HEAP": settings.heap,
        "ORGGRAPH_SNAPSHOT_AFTER_LOAD": "false",  # the load alone: its write is what the kills aim at
    }
    return subprocess.Popen(
        [sys.executable, "-m", "orggraph", "load", str(ledgers), *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture(scope="module")
def ledgers(tmp_path_factory) -> Path:
    return write_tree_ledgers(
        tmp_path_factory.mktemp("ledgers"), streets=3, communities=8, grids=5, compounds=8, buildings=10
    )


@pytest.fixture
def server(tmp_path):
    settings = load_settings({"data_dir": tmp_path / "data", "heap": "1g"}, environ={})
    server = EmbeddedServer(settings)
    server.start(owner_pid=os.getpid())
    yield settings, server
    server.stop(force=True)


def full_load_seconds(settings, ledgers: Path, *extra: str) -> float:
    started = time.monotonic()
    proc = start_load(settings, ledgers, *extra)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    return time.monotonic() - started


def test_killing_the_loader_at_any_point_leaves_all_or_nothing(server, ledgers):
    settings, _ = server
    with open_store(settings) as store:
        load_demo_fixture(store)
    before = snapshot(settings, provenance=False)
    reading = full_load_seconds(settings, ledgers, "--dry-run")  # start-up, read, validate, compare: no write
    assert snapshot(settings, provenance=False) == before
    outcomes = []
    for fraction in (0.5, 1.0, 1.15, 1.3, 1.5, 2.0):
        proc = start_load(settings, ledgers)
        time.sleep(reading * fraction)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        after = snapshot(settings, provenance=False)
        if after != before:  # the load had committed before the kill: then it must be all there
            assert len(after[0]) == len(before[0]) + 1 + 3 + 24 + 120 + 960 + 9600, (
                f"partial load at {fraction}×: {difference(before, after)}"
            )
            break
        outcomes.append(fraction)
    assert any(f >= 1.0 for f in outcomes), "no kill landed after validation (during the write)"
    full_load_seconds(settings, ledgers)
    nodes, _ = snapshot(settings)
    assert len(nodes) == len(before[0]) + 1 + 3 + 24 + 120 + 960 + 9600


def _fixture_only(settings) -> None:
    with open_store(settings) as store:
        store.clear()
        load_demo_fixture(store)


def test_killing_the_server_mid_load_changes_nothing(server, ledgers):
    """The kill lands inside the write: between the end of a dry run (start-up, read, validate, compare) and the end
    of a whole load, both timed first; a load that committed before its kill is undone and the kill comes sooner —
    at last before the dry run's own time, for a machine quicker now than when it was timed (one run in five of a
    busy suite had every load commit first)."""
    settings, embedded = server
    _fixture_only(settings)
    before = snapshot(settings)
    ready = full_load_seconds(settings, ledgers, "--dry-run")
    done = full_load_seconds(settings, ledgers)
    delays = [ready + max(done - ready, 0.0) * share for share in (0.5, 0.3, 0.15, 0.05)] + [ready * 0.85, ready * 0.7]
    for delay in delays:
        _fixture_only(settings)
        assert snapshot(settings) == before
        proc = start_load(settings, ledgers)
        time.sleep(delay)
        os.kill(embedded.status().pid, signal.SIGKILL)
        _, err = proc.communicate(timeout=120)
        embedded.start(owner_pid=os.getpid())
        if proc.returncode == 0:  # it committed before the kill: try sooner
            continue
        assert "Traceback" not in err and "错误 Error" in err
        assert snapshot(settings) == before
        break
    else:
        pytest.fail(f"every load committed before its kill (dry run {ready:.1f} s, whole load {done:.1f} s)")
    full_load_seconds(settings, ledgers)
    assert len(snapshot(settings)[0]) > len(before[0])


def kill_once_written(settings, ledgers: Path, *extra: str) -> None:
    """Start a journaled load and SIGKILL it once its run is open and some of its buildings are committed: inside
    the write whatever the machine's speed (a kill timed by a fraction of a dry run missed it on a busy machine)."""
    with open_store(settings, start=False) as store:
        buildings = statements.count_nodes(store.schema, "Building")
        proc = start_load(settings, ledgers, *extra)
        deadline = time.monotonic() + 300
        while proc.poll() is None and time.monotonic() < deadline:
            runs = load_runs.recent(store, 1)
            if runs and runs[0]["status"] == "running" and store.read_ungated(buildings)[0]["n"] > 0:
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.02)
        proc.wait()


def test_a_journaled_first_load_cut_off_is_rolled_back_before_anyone_reads(server, ledgers):
    settings, _ = server
    empty = (frozenset(), frozenset())
    assert snapshot(settings) == empty
    journaled = ("--max-transaction-rows", "1000")
    kill_once_written(settings, ledgers, *journaled)
    assert snapshot(settings) == empty  # opening the store rolls the cut-off journaled load back
    with open_store(settings) as store:
        assert any(r["status"] == "rolled_back" for r in load_runs.recent(store)), "no kill landed mid-write"
    full_load_seconds(settings, ledgers, *journaled)
    with open_store(settings) as store:
        assert store.node_counts()["Building"] == 9600
        assert load_runs.recent(store, 1)[0]["status"] == "committed"
