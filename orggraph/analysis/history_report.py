"""What a street's monthly report holds (``orggraph report``), gathered from the stored snapshots and the graph.

The period's figures are the stored snapshot's — what was filed for that month — not a fresh run: a report sent
upward must say the same thing when it is produced again next week. The previous period is the latest snapshot of
an earlier month that holds the area; the trend is every such snapshot up to the period. Only the agreements
lapsing soon are read from the graph (the catalogue's ``agreements_expiring``, through the area scope of the
street that holds the area, so no other street's agreement is listed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orggraph.analysis.history import Snapshot, SnapshotInfo, covering, pick, read_snapshot, scope_area
from orggraph.analysis.history_changes import Changes, compare, open_since
from orggraph.analysis.history_ledger import LedgerPeriod, ledger_period, ledger_rows
from orggraph.analysis.query_catalogue import find_query, run_query
from orggraph.graph.area_scope import ScopedStore
from orggraph.graph.store import BoltStore
from orggraph.model.errors import HistoryError

EXPIRING_DAYS = 90


@dataclass(frozen=True)
class TrendPoint:
    info: SnapshotInfo
    rates: dict[str, float | None]  # rule → rate in the area (None: nothing to cover, or the rule not held)


@dataclass(frozen=True)
class MonthlyReport:
    area: str | None
    area_name: str
    period: Snapshot
    previous: Snapshot | None
    changes: Changes  # previous → period; against the period itself when there is no previous one
    since: dict[tuple[str, str], dt.date]  # (rule, gap id) → first as-of date of its unbroken run
    trend: tuple[TrendPoint, ...]
    expiring: list[dict[str, Any]]
    ledger: LedgerPeriod | None = None  # the ledger changes of the period (loads since the previous snapshot's)
    ledger_records: tuple[dict[str, Any], ...] = ()  # one per record: sheet, kind, id, name

    def age_days(self, rule: str, gap_id: str) -> int:
        return (self.period.info.as_of - self.since.get((rule, gap_id), self.period.info.as_of)).days


def monthly_report(store: BoltStore | ScopedStore, data_dir: Path, area: str | None, period: str) -> MonthlyReport:
    """The report of ``area`` (a street user's street when None) for ``period`` (a month, a date or a label)."""
    area = scope_area(store, area)
    infos = covering(data_dir, area)
    current = pick(infos, period, area)
    before = [i for i in infos if i.as_of.isoformat()[:7] < current.as_of.isoformat()[:7]]
    upto = [i for i in infos if (i.as_of, i.taken) <= (current.as_of, current.taken)]
    snap = read_snapshot(data_dir, current, area)
    previous = read_snapshot(data_dir, before[-1], area) if before else None
    since = open_since(data_dir, upto, area)
    earlier = [i for i in upto if before and (i.as_of, i.taken) <= (before[-1].as_of, before[-1].taken)]
    changes = compare(previous or snap, snap, since, open_since(data_dir, earlier, area))
    name = _area_name(snap, area)
    ledger = ledger_period(store, previous, snap, area)
    return MonthlyReport(
        area, name, snap, previous, changes, since, trend(data_dir, upto, area), expiring(store, snap, area),
        ledger, tuple(ledger_rows(store, ledger)),
    )  # fmt: skip


def _area_name(snap: Snapshot, area: str | None) -> str:
    if area is None:
        return snap.info.area_name or "全部区域"
    chain = snap.chain(area)
    return chain[-1].name if chain else area


def trend(data_dir: Path, infos: list[SnapshotInfo], area: str | None) -> tuple[TrendPoint, ...]:
    """Each period's rates in the area: the last snapshot of each month (a month holds one point)."""
    last_of_month: dict[str, SnapshotInfo] = {}
    for info in infos:
        last_of_month[info.as_of.isoformat()[:7]] = info
    points = []
    for info in sorted(last_of_month.values(), key=lambda i: i.as_of):
        snap = read_snapshot(data_dir, info, area, with_gaps=False)
        rates = {rule: f.rate if (f := snap.total(rule)) else None for rule in info.rules}
        points.append(TrendPoint(info, rates))
    return tuple(points)


def expiring(store: BoltStore | ScopedStore, snap: Snapshot, area: str | None) -> list[dict[str, Any]]:
    """Agreements lapsing within ``EXPIRING_DAYS`` after the period's date, of the street holding the area."""
    street = next((f.area for f in snap.chain(area) if f.level == "Street"), None) if area else None
    if isinstance(store, ScopedStore):
        reader: BoltStore | ScopedStore = store
    elif street is not None:
        reader = ScopedStore(store, street)
    elif area is not None and snap.chain(area) and snap.chain(area)[-1].level != "District":
        raise HistoryError(f"找不到区域 {area} 所在的街道", f"no street holds area {area}")
    else:
        reader = store
    as_of = snap.info.as_of
    query = find_query("agreements_expiring")
    rows = run_query(reader, query, {"as_of": as_of, "days": EXPIRING_DAYS})  # type: ignore[arg-type]
    return [r for r in rows if r["expires"] is not None and _day(r["expires"]) >= as_of]


def _day(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
