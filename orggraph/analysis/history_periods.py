"""The stored periods as the app reads them: one snapshot per month, the rates of a rule's child areas over those
months (the overview's line per street), and the gaps of the latest period sorted into new, closed and long open
(the coverage-gaps page's follow-up filter).

Everything here reads stored snapshots only (:mod:`orggraph.analysis.history`), never the live graph: a trend and a
follow-up list say what was filed for each period, so they read the same next week. A month is one point — its
last snapshot — as in the monthly report (:func:`orggraph.analysis.history_report.trend`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from orggraph.analysis.history import Figure, Snapshot, SnapshotInfo, covering, read_snapshot
from orggraph.analysis.history_changes import GapChange, compare, open_since
from orggraph.analysis.history_report import TrendPoint
from orggraph.graph import snapshot_files

DAYS_PER_MONTH = 30  # as ``orggraph changes`` counts "over N months" (present.history_rows)


def last_per_month(infos: list[SnapshotInfo]) -> list[SnapshotInfo]:
    """The last snapshot of each month, oldest month first.

    >>> a, b = ({"id": d, "label": "", "as_of": d, "taken": d, "rules": ["r"]} for d in ("2026-05-31", "2026-05-01"))
    >>> [i.id for i in last_per_month([SnapshotInfo.of(a), SnapshotInfo.of(b)])]
    ['2026-05-31']
    """
    last: dict[str, SnapshotInfo] = {}
    for info in sorted(infos, key=lambda i: (i.as_of, i.taken)):
        last[info.as_of.isoformat()[:7]] = info
    return sorted(last.values(), key=lambda i: i.as_of)


@dataclass(frozen=True)
class ChildPoint:
    """One child area's figure for one rule in one period."""

    info: SnapshotInfo
    figure: Figure


def rule_trend(data_dir: Path, area: str | None) -> list[TrendPoint]:
    """Each stored month's rate per rule in ``area`` (the snapshots' whole scope when None): the figures of
    :func:`orggraph.analysis.history_report.trend`, reading only the rows of the area itself from each snapshot."""
    points = []
    for info in last_per_month(covering(data_dir, area)):
        own = area is None or area == info.area
        rows = snapshot_files.read_figures(data_dir, info.id, None, "" if own else area)
        rates = {r["rule"]: r["covered"] / r["total"] if r["total"] else None for r in rows}
        points.append(TrendPoint(info, {rule: rates.get(rule) for rule in info.rules}))
    return points


def child_trend(data_dir: Path, area: str | None, rule: str) -> list[ChildPoint]:
    """Per stored month, ``rule``'s figure in each area one level below ``area`` (the top areas when None), from
    the snapshots covering ``area``, reading that rule's rows only; months whose snapshot does not hold the rule
    are left out."""
    points = []
    for info in last_per_month(covering(data_dir, area)):
        if rule not in info.rules:
            continue
        rows = snapshot_files.read_figures(data_dir, info.id, rule)
        snap = Snapshot(info, area, {(rule, r["area"] if r["level"] else ""): Figure(**r) for r in rows}, ())
        points += [ChildPoint(info, f) for f in snap.children(rule) if f.total]
    return points


@dataclass(frozen=True)
class GapFollowUp:
    """The latest period's gaps sorted for follow-up: opened since the previous period, closed in it (as the
    previous snapshot had them) and open longer than ``months`` months at the latest period's date."""

    latest: SnapshotInfo
    previous: SnapshotInfo | None
    months: int
    opened: tuple[GapChange, ...]
    closed: tuple[GapChange, ...]
    long_open: tuple[GapChange, ...]
    not_compared: tuple[str, ...]  # rules the previous snapshot does not hold: no opened or closed for them


def gap_follow_up(data_dir: Path, area: str | None, rules: tuple[str, ...] = (), months: int = 3) -> GapFollowUp | None:
    """The follow-up sets of ``area`` (the snapshots' whole scope when None) for ``rules`` (all when empty); None
    when no snapshot covers the area. The previous period is the latest snapshot of an earlier month."""
    infos = covering(data_dir, area)
    if not infos:
        return None
    latest = max(infos, key=lambda i: (i.as_of, i.taken))
    month = latest.as_of.isoformat()[:7]
    earlier = [i for i in infos if i.as_of.isoformat()[:7] < month]
    previous = max(earlier, key=lambda i: (i.as_of, i.taken)) if earlier else None
    upto = [i for i in infos if (i.as_of, i.taken) <= (latest.as_of, latest.taken)]
    snap = read_snapshot(data_dir, latest, area)
    before = read_snapshot(data_dir, previous, area) if previous else snap
    before_upto = [i for i in upto if previous and (i.as_of, i.taken) <= (previous.as_of, previous.taken)]
    changes = compare(before, snap, open_since(data_dir, upto, area), open_since(data_dir, before_upto, area))
    kept = [c for c in changes.rules if not rules or c.rule in rules]
    days = months * DAYS_PER_MONTH
    return GapFollowUp(
        latest,
        previous,
        months,
        tuple(g for c in kept if previous for g in c.opened),
        tuple(g for c in kept if previous for g in c.closed),
        tuple(g for c in kept for g in (*c.opened, *c.still_open) if g.days_open(latest.as_of) > days),
        tuple(c.rule for c in kept if not c.compared),
    )
