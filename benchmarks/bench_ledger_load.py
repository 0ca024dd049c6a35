"""End-to-end load of generated ledgers, from files, next to a bare-driver ``UNWIND`` of the same rows.

The loader runs as a user runs it (``orggraph load DIR`` in its own process) on a fresh, empty graph;
its peak RSS and the server's are sampled while it runs. The reference sends the very statements and
parameter rows the loader prepared, straight through the driver in 10k batches, on the same server and
an emptied graph. The two alternate (after one untimed reference run warms the server up), and the best
of each is reported: whichever runs right after a large delete pays the server's garbage collection.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from neo4j import GraphDatabase

from benchmarks.harness import Figure, timed
from orggraph.graph.backends import open_store
from orggraph.ingest.load import read_and_validate, write_demo_ledgers
from orggraph.ingest.load_plan import plan_load

BATCH = 10_000


def _run_loader(settings, ledgers: Path) -> tuple[dict, float, float, float]:
    """The CLI load in its own process; returns its JSON report, wall time, peak loader and server RSS (MiB)."""
    env = {**os.environ, "ORGGRAPH_DATA_DIR": str(settings.data_dir), "ORGGRAPH_HEAP": settings.heap}
    server = psutil.Process(json.loads((Path(settings.data_dir) / "server.json").read_text())["pid"])
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "orggraph", "load", str(ledgers), "--format", "json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    loader, peak_loader, peak_server = psutil.Process(proc.pid), 0.0, 0.0
    while proc.poll() is None:
        try:
            peak_loader = max(peak_loader, loader.memory_info().rss / 2**20)
        except psutil.NoSuchProcess:
            break
        peak_server = max(peak_server, server.memory_info().rss / 2**20)
        time.sleep(0.2)
    out = proc.stdout.read()
    wall = time.perf_counter() - started
    assert proc.returncode == 0, out[-2000:]
    return json.loads(out), wall, peak_loader, peak_server


def _bare(state_uri: str, password: str, database: str, work: list[tuple[str, list[dict]]]) -> None:
    with GraphDatabase.driver(state_uri, auth=("root", password)) as driver:
        for statement, rows in work:
            for i in range(0, len(rows), BATCH):
                driver.execute_query(statement, rows=rows[i : i + BATCH], database_=database)


def _prepared_work(settings, ledgers: Path) -> list[tuple[str, list[dict]]]:
    """The loader's own statements and rows for these ledgers, prepared here, untimed."""
    with open_store(settings, start=False) as store:
        result, _, _ = read_and_validate(ledgers, None, "bench")
        return plan_load(store, result.nodes, result.edges, empty_graph=True).work(store)


def _reference_seconds(settings, server, work: list[tuple[str, list[dict]]]) -> float:
    """The prepared statements and rows sent bare into an emptied graph (with the loader's constraints)."""
    with open_store(settings, start=False) as store:
        store.clear_data()
        store.ensure_schema()
        state = server.status()
        seconds, _ = timed(lambda: _bare(state.uri, server.password(), settings.embedded_database(), work))
        store.clear_data()
    return seconds


def run(settings, server, scale: str, fmt: str, rounds: int = 1) -> list[Figure]:
    """A warm-up, then ``rounds`` of (bare reference, loader), alternating on an emptied graph so neither side
    always follows the other's garbage on the server; the best of each side is reported."""
    with tempfile.TemporaryDirectory(prefix=f"orggraph-{scale}-") as tmp:
        ledgers = Path(tmp)
        write_seconds, _ = timed(lambda: write_demo_ledgers(scale, 1, ledgers, fmt))
        work = _prepared_work(settings, ledgers)
        _reference_seconds(settings, server, work)  # warms the server's JIT up: untimed
        bare_seconds, loads = float("inf"), []
        for i in range(rounds):
            bare_seconds = min(bare_seconds, _reference_seconds(settings, server, work))
            if i == rounds - 1:
                work.clear()  # the rows go before the last load: a province's take gigabytes this process holds
            with open_store(settings, start=False) as store:
                store.clear_data()
            loads.append(_run_loader(settings, ledgers))
        report, wall, peak_loader, peak_server = min(loads, key=lambda x: x[1])
        rows = report["written"]
    t = report["timings"]
    snapshot = t.get("snapshot", 0.0)  # the snapshot the load takes after it commits (snapshot_after_load)
    label = f"{scale} ({fmt}): {rows:,} rows"
    return [
        Figure(
            f"{label}, end to end from files (CLI, wall, its snapshot aside)",
            rows / (wall - snapshot),
            "rows/s",
            rows / bare_seconds,
            "bare driver UNWIND of the same rows",
        ),
        Figure(f"  {scale}: wall time of `orggraph load`, its snapshot included", wall, "s", higher_is_better=False),
        Figure(
            f"  {scale}: read / validate / compare / write / snapshot after it",
            0,
            "s",
            higher_is_better=False,
            reference_name=f"{t['read']:.1f} / {t['validate']:.1f} / {t['plan']:.1f} / {t['write']:.1f} / "
            f"{snapshot:.1f}",
        ),
        Figure(
            f"  {scale}: peak RSS loader / server",
            peak_loader,
            "MiB",
            higher_is_better=False,
            reference_name=f"server {peak_server:,.0f} MiB",
        ),
        Figure(f"  {scale}: writing the ledgers (not in the load)", write_seconds, "s", higher_is_better=False),
    ]
