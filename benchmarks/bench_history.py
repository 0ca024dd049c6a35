"""Coverage over time on the city region: a snapshot's cost next to the gap report it keeps, its size as Parquet
next to the same figures written into the graph (one node per snapshot × rule with list properties: the design
the graph would have used), the changes between two snapshots, and one street's monthly report.

Runs on the graph the city ledger-load benchmark leaves behind, or alone (``python -m benchmarks.bench_history``:
a fresh server, the city demo loaded first). The graph-side alternative writes a throwaway label the schema does
not know, sent by this benchmark itself, and removes it again.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.harness import Figure, fresh_server, print_table, timed
from orggraph.analysis.coverage import CoverageIndex, gap_report
from orggraph.analysis.history import area_rows, gap_rows, take_snapshot
from orggraph.analysis.history_changes import changes_between
from orggraph.analysis.history_report import monthly_report
from orggraph.graph import snapshot_files
from orggraph.graph.backends import open_store
from orggraph.present.history_workbook import monthly_xlsx

OCT, NOV = dt.date(2026, 10, 31), dt.date(2026, 11, 30)
WARM_UP_REPORTS = 3
GRAPH_WRITE = (
    "UNWIND $rows AS row CREATE (s:BenchSnapshotRule) SET s.snapshot = $id, s.rule = row.rule, s.areas = row.areas, "
    "s.levels = row.levels, s.covered = row.covered, s.total = row.total, s.gap_ids = row.gap_ids, "
    "s.gap_areas = row.gap_areas, s.reasons = row.reasons, s.why = row.why, s.actions = row.actions"
)
GRAPH_DELETE = "MATCH (s:BenchSnapshotRule) DELETE s"


def _graph_rows(areas: list[dict], gaps: list[dict]) -> list[dict]:
    rows: dict[str, dict[str, list]] = {}
    keys = ("areas", "levels", "covered", "total", "gap_ids", "gap_areas", "reasons", "why", "actions")
    for a in areas:
        r = rows.setdefault(a["rule"], {k: [] for k in keys})
        r["areas"].append(a["area"])
        r["levels"].append(a["level"])
        r["covered"].append(a["covered"])
        r["total"].append(a["total"])
    for g in gaps:
        r = rows.setdefault(g["rule"], {k: [] for k in keys})
        r["gap_ids"].append(g["id"])
        r["gap_areas"].append(g["area"] or "")
        r["reasons"].append(g["reason"])
        r["why"].append(g["why_zh"])
        r["actions"].append(g["action_zh"])
    return [{"rule": rule, **cols} for rule, cols in rows.items()]


def _folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def _graph_side(store, report) -> tuple[float, float]:
    """Seconds to write one snapshot's figures as nodes (one per rule, one transaction each), and the size of what
    is sent (the values as JSON, uncompressed: about what the graph would keep; ArcadeDB's own folder grows by
    preallocated pages, which says nothing at this size)."""
    rows = _graph_rows(area_rows(report), gap_rows(report))
    started = time.perf_counter()
    for row in rows:
        store.write(GRAPH_WRITE, {"rows": [row], "id": "bench"})
    seconds = time.perf_counter() - started
    store.write(GRAPH_DELETE)
    return seconds, len(json.dumps(rows, ensure_ascii=False).encode()) / 2**20


def run(settings, server) -> list[Figure]:
    """Snapshot, changes and one street's report on whatever region the graph holds (the city)."""
    with open_store(settings, start=False) as store, tempfile.TemporaryDirectory(prefix="orggraph-history-") as tmp:
        data_dir = Path(tmp)
        for _ in range(WARM_UP_REPORTS):  # untimed: the server's JIT compiles the rule queries over the first runs
            gap_report(store, as_of=OCT)
        index = CoverageIndex.fetch(store)
        report_s, report = timed(lambda: gap_report(store, as_of=OCT, index=index))
        write_s = statistics.median(
            timed(lambda: take_snapshot(store, data_dir / "w", OCT, OCT, report=report))[0] for _ in range(3)
        )
        whole_s, _ = timed(lambda: take_snapshot(store, data_dir, OCT, OCT))
        parquet_mb = _folder_mb(snapshot_files.folder(data_dir))
        graph_s, graph_mb = _graph_side(store, report)
        take_snapshot(store, data_dir, NOV, NOV)
        street = index.geography.children(index.geography.top_areas()[0].id)[0].id
        changes_s, _ = timed(lambda: changes_between(data_dir, "2026-10", "2026-11"))
        street_changes_s, _ = timed(lambda: changes_between(data_dir, "2026-10", "2026-11", street))
        report_street_s, monthly = timed(lambda: monthly_report(store, data_dir, street, "2026-11"))
        again_s, _ = timed(lambda: monthly_report(store, data_dir, street, "2026-11"))
        xlsx_s, _ = timed(lambda: monthly_xlsx(monthly))
    areas, gaps = len(area_rows(report)), len(report.gaps())
    return [
        Figure(
            f"snapshot of the city, stored ({areas:,} area rows, {gaps:,} gaps; report given)",
            write_s * 1000, "ms", graph_s * 1000, "same figures as nodes with list properties", higher_is_better=False,
        ),
        Figure(
            "  snapshot on disk: Parquet (zstd)", parquet_mb, "MiB", graph_mb,
            "the same values uncompressed (JSON), as list properties would hold them", higher_is_better=False,
        ),
        Figure(
            "snapshot of the city end to end (gap report + store)", whole_s * 1000, "ms", report_s * 1000,
            "the gap report alone, index kept", higher_is_better=False,
        ),
        Figure("changes between two city snapshots, whole city", changes_s * 1000, "ms", higher_is_better=False),
        Figure(f"  the same for one street ({street})", street_changes_s * 1000, "ms", higher_is_better=False),
        Figure(
            f"monthly report of one street ({street}): gather + workbook", (report_street_s + xlsx_s) * 1000, "ms",
            reference_name=f"workbook {xlsx_s * 1000:,.0f} ms; gathered again {again_s * 1000:,.0f} ms",
            higher_is_better=False,
        ),
    ]  # fmt: skip


def main() -> int:
    from orggraph.ingest.load import load_demo_region

    with (
        tempfile.TemporaryDirectory(prefix="orggraph-bench-") as tmp,
        fresh_server(Path(tmp) / "data", heap="2g") as (settings, server, _),
    ):
        with open_store(settings, start=False) as store:
            store.ensure_schema()
            load_s, _ = timed(lambda: load_demo_region(store, "city", 1, Path(tmp) / "ledgers"))
        figures = [Figure("city demo generated and loaded (for scale)", load_s, "s", higher_is_better=False)]
        figures += run(settings, server)
    print_table("coverage over time", figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
