"""One real embedded ArcadeDB server per test session, with its data in a temporary folder.

Tests that write take ``clean_store`` (the graph emptied first) or ``demo_store`` (the small demo
region loaded). The server is told the pytest process owns it, so it stops even if pytest is killed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fixed_date import TODAY

from orggraph.graph.area_scope import UNIVERSES
from orggraph.graph.backends import open_store
from orggraph.graph.embedded_server import EmbeddedServer
from orggraph.graph.store import BoltStore
from orggraph.ingest.load import load_demo_fixture
from orggraph.model.config import Settings, load_settings

REPO = Path(__file__).resolve().parent.parent
# pytest-xdist's workers inherit COLUMNS=80/LINES=24 from execnet: rich's console, made when the CLI is imported,
# would fix its width at 80 for every test, whatever COLUMNS a test hands the command (as a terminal's would)
for _fixed in ("COLUMNS", "LINES"):
    os.environ.pop(_fixed, None)
# Every graph server the tests start (the session's, a test's own, one behind a CLI subprocess) lives seconds to
# minutes: the JVM's optimising compiler (C2) and its parallel collector cost more CPU than they return there.
# The client compiler alone and the serial collector halved the servers' CPU (test_coverage + test_linkage: 30.7 →
# 14.6 CPU-s; the city README examples 114 → 79 CPU-s, wall no slower) on this 2-core machine. arcadedb_embedded
# reads ARCADEDB_JVM_ARGS in each server process; `make run` and the benchmarks keep the JVM's defaults.
os.environ.setdefault("ARCADEDB_JVM_ARGS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    data_dir = tmp_path_factory.mktemp("graph") / "data"
    # the session's store speaks neo4j:// (routing, as to a cluster: the server routes to itself) unless
    # ORGGRAPH_EMBEDDED_SCHEME says bolt; tests that build their own settings use the product's default, bolt://
    scheme = os.environ.get("ORGGRAPH_EMBEDDED_SCHEME", "neo4j")
    settings = load_settings({"data_dir": data_dir, "heap": "1g", "embedded_scheme": scheme}, environ={})
    server = EmbeddedServer(settings)
    server.start(owner_pid=os.getpid())
    yield settings
    server.stop()


@pytest.fixture(scope="session")
def session_store(settings: Settings) -> Iterator[BoltStore]:
    with open_store(settings, start=False) as store:
        store.ensure_schema()
        yield store


@pytest.fixture
def clean_store(session_store: BoltStore) -> BoltStore:
    """The session's graph emptied (its load history too) — and the area scope's universes forgotten: tests write
    outside loads, which the universe's key cannot see (the product writes only through loads)."""
    session_store.clear()
    UNIVERSES.forget()
    return session_store


@pytest.fixture
def demo_store(clean_store: BoltStore) -> BoltStore:
    load_demo_fixture(clean_store)
    return clean_store


@pytest.fixture
def cli_env(settings: Settings) -> dict[str, str]:
    """Environment that points the CLI at the session's server."""
    return {
        "ORGGRAPH_DATA_DIR": str(settings.data_dir),
        "ORGGRAPH_BACKEND": "embedded",
        "ORGGRAPH_EMBEDDED_SCHEME": settings.embedded_scheme,
        "ORGGRAPH_SNAPSHOT_AFTER_LOAD": "false",  # a snapshot is a gap report more per load: asked for where tested
        "ORGGRAPH_HEAP": "1g",
        "ORGGRAPH_TODAY": TODAY.isoformat(),
    }


@pytest.fixture
def app_env(monkeypatch, cli_env, demo_store) -> BoltStore:
    """The app pointed at the session's server with the demo region, and no answer cached from an earlier
    test's graph (a reloaded demo has the same load count and node count, so the cache keys would match), nor
    a what-if plan an earlier test saved in the shared data dir (the page lists them)."""
    import shutil

    import streamlit as st

    shutil.rmtree(Path(cli_env["ORGGRAPH_DATA_DIR"]) / "whatif_plans", ignore_errors=True)

    for key, value in cli_env.items():
        monkeypatch.setenv(key, value)
    st.cache_data.clear()
    st.cache_resource.clear()
    return demo_store


@pytest.fixture
def downloads(monkeypatch) -> list:
    """What every download button was handed (the deferred ones as the callables Streamlit would run)."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    handed: list = []
    real_add, real_deferred = MediaFileManager.add, MediaFileManager.add_deferred

    def add(self, data, *args, **kwargs):
        handed.append(data)
        return real_add(self, data, *args, **kwargs)

    def add_deferred(self, data_callable, *args, **kwargs):
        handed.append(data_callable)
        return real_deferred(self, data_callable, *args, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add", add)
    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    return handed


SERVER_FIXTURES = {"settings", "session_store", "clean_store", "demo_store", "cli_env", "app_env"}
STARTS_SERVERS = {"test_browser", "test_browser_area", "test_browser_login", "test_data_dir_files",
                  "test_embedded_server", "test_load_interruption", "test_load_reads", "test_no_stray_servers",
                  "test_read_only", "test_serve", "test_wheel"}  # fmt: skip  # start one themselves


# The modules that take a minute or more, longest first: `make test` runs modules on parallel workers (pytest-xdist,
# --dist loadfile) in collection order, and a long module handed out last would keep one worker busy alone at the end
LONGEST_FIRST = ("test_readme_examples", "test_browser_map", "test_load_interruption", "test_cypher_lint",
                 "test_browser_area", "test_browser", "test_region_generator", "test_app_language",
                 "test_gap_reference", "test_province_databases", "test_cli", "test_serve")  # fmt: skip


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """``server`` on every test that needs a graph server (a fixture of one, or a module that starts its own):
    ``pytest -m "not server"`` runs the rest in seconds. The longest modules first (``LONGEST_FIRST``)."""
    for item in items:
        if SERVER_FIXTURES & set(getattr(item, "fixturenames", ())) or item.module.__name__ in STARTS_SERVERS:
            item.add_marker(pytest.mark.server)
    rank = {name: n for n, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.module.__name__, len(rank)))  # stable: the rest keep their order


# Modules that share a costly state of the session's graph, run as one unit on one worker, one after the other:
# both read the `make run` city, which test_readme_examples' fixture loads once per worker (~30 s a load)
SHARED_UNITS = {"test_readme_examples.py": "make-run-city", "test_browser_map.py": "make-run-city"}


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """``--dist loadfile`` (``make test``) with ``SHARED_UNITS`` kept together; any other mode as xdist makes it."""
    if config.getoption("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class SharedUnits(LoadFileScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            scope: str = super()._split_scope(nodeid)
            return SHARED_UNITS.get(scope.rsplit("/", 1)[-1], scope)

    return SharedUnits(config, log)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: one worker more than the cores, at most four (each worker starts its own graph server: a 1 GB
    heap). The suite waits on servers, browsers and subprocesses ~40% of the time: on 2 cores, 3 workers ran it in
    444.9 and 463.8 s against 2 workers' 466.6 s (clean clones, quiet machine, 2026-12-01: a small gain, within the
    runs' spread)."""
    return max(1, min((os.cpu_count() or 1) + 1, 4))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """No embedded server outlives the test session: one still running under its temp folders fails the run."""
    from stray_servers import servers_under

    base = session.config._tmp_path_factory.getbasetemp() if hasattr(session.config, "_tmp_path_factory") else None
    left = servers_under(base) if base else []
    if left:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        print(f"\nembedded servers left running after the tests: {left}", file=sys.stderr)
