"""The demo with a history (issue 15: ``make run`` shows trend lines and a report on first start): the generated
region loaded month by month as its ledgers stood at the last three month-ends (``ingest.demo_months``), with a
snapshot of every rule after each month's load, as of that month-end.

The snapshots are the rules' own answers on the graph as it then stood and on that date (``state_of_day``): not
backfills of today's graph, and no figure written by hand. Timings are kept so the cost can be said (the issue's
floor: snapshots ≤ 10% of a city's load).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

from orggraph.analysis.history import SnapshotInfo, period_label, take_snapshot
from orggraph.graph.store import BoltStore
from orggraph.ingest.demo_months import month_ends
from orggraph.ingest.load import LoadReport, Progress, load_demo_months

MONTHS = 3


@dataclass
class DemoHistory:
    reports: list[LoadReport] = field(default_factory=list)
    snapshots: list[SnapshotInfo] = field(default_factory=list)
    snapshot_s: float = 0.0
    total_s: float = 0.0

    @property
    def written(self) -> int:
        return sum(r.written for r in self.reports)


def load_demo_with_history(
    store: BoltStore,
    data_dir: Path,
    scale: str,
    seed: int,
    out: Path,
    today: dt.date,
    fmt: str | None = None,
    progress: Progress | None = None,
    months: int = MONTHS,
) -> DemoHistory:
    """Load the demo over the ``months`` month-ends before ``today`` and snapshot each (see the module)."""
    done = DemoHistory()
    t0 = time.perf_counter()

    def snapshot(as_of: dt.date, report: LoadReport | None) -> None:
        if progress:
            progress(f"snapshot {as_of.isoformat()[:7]}", 0, None)
        t1 = time.perf_counter()
        info = take_snapshot(store, data_dir, as_of, today, period_label(as_of), state_of_day=True)
        done.snapshot_s += time.perf_counter() - t1
        if report is not None:
            done.reports.append(report)
        done.snapshots.append(info)

    load_demo_months(store, scale, seed, out, month_ends(today, months), snapshot, fmt, progress, today)
    done.total_s = time.perf_counter() - t0
    return done
