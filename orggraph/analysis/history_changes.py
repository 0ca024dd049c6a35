"""What changed between two stored snapshots: per rule and area, the gaps opened, the gaps closed (整改完成) and
those still open with how long they have been open.

A gap is its rule and its member's id: a compound without a party org stays the same gap whatever the wording of
its reason. Opened and closed are plain set differences of the two snapshots' gap ids within the area (the tests
hold them to Python's own ``-``). How long a gap has been open counts from the first snapshot of its unbroken run
up to the later date: a gap closed in October and open again in November is new in November, not a year old.
Snapshots that do not hold a rule (a backfill keeps only the date-driven rules) neither start nor break its runs.

Ledger changes between two loads are not here but in ``history_ledger``: they come from the load history (what
each ``LoadRun`` kept), not from the snapshots (see ``docs/history.md``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from orggraph.analysis.history import (
    Figure,
    Snapshot,
    SnapshotInfo,
    StoredGap,
    covering,
    gap_sets,
    pick,
    read_snapshot,
)
from orggraph.model.errors import HistoryError

GapKey = tuple[str, str]  # (rule, member id)


@dataclass(frozen=True)
class GapChange:
    """One gap and what happened to it: ``opened``, ``closed`` or still ``open`` since ``since``."""

    gap: StoredGap
    status: str
    since: dt.date

    def days_open(self, until: dt.date) -> int:
        return (until - self.since).days


@dataclass(frozen=True)
class RuleChange:
    rule: str
    before: Figure | None
    after: Figure | None
    opened: tuple[GapChange, ...]
    closed: tuple[GapChange, ...]
    still_open: tuple[GapChange, ...]
    compared: bool = True  # False: the earlier snapshot does not hold the rule (opened and closed unknown)


@dataclass(frozen=True)
class AreaChange:
    """Counts for one area one level below the one asked about."""

    rule: str
    area: str
    name: str
    before: Figure | None
    after: Figure | None
    opened: int
    closed: int
    still_open: int


@dataclass(frozen=True)
class Changes:
    older: Snapshot
    newer: Snapshot
    area: str | None
    rules: tuple[RuleChange, ...]
    areas: tuple[AreaChange, ...]


def changes_between(data_dir: Path, older_when: str, newer_when: str, area: str | None = None) -> Changes:
    """The changes between the snapshots a user names by date, month or label (see :func:`history.pick`), within
    ``area`` (the snapshots' whole scope when None)."""
    infos = covering(data_dir, area)
    older_info, newer_info = pick(infos, older_when, area), pick(infos, newer_when, area)
    if (older_info.as_of, older_info.taken) > (newer_info.as_of, newer_info.taken):
        raise HistoryError(
            f"起始快照({older_info.as_of})晚于结束快照({newer_info.as_of})",
            f"the first snapshot ({older_info.as_of}) is later than the second ({newer_info.as_of})",
        )
    older, newer = read_snapshot(data_dir, older_info, area), read_snapshot(data_dir, newer_info, area)
    history = [i for i in infos if (i.as_of, i.taken) <= (newer_info.as_of, newer_info.taken)]
    earlier = [i for i in history if (i.as_of, i.taken) <= (older_info.as_of, older_info.taken)]
    return compare(older, newer, open_since(data_dir, history, area), open_since(data_dir, earlier, area))


def open_since(data_dir: Path, history: list[SnapshotInfo], area: str | None) -> dict[GapKey, dt.date]:
    """For each gap of the last snapshot of ``history`` (oldest first), the as-of date its unbroken run began."""
    sets = gap_sets(data_dir, history, area)
    if not sets:
        return {}
    last_info, last = sets[-1]
    since = {key: last_info.as_of for key in last}
    running = set(last)
    for info, keys in reversed(sets[:-1]):
        held = set(info.rules)
        for key in list(running):
            if key[0] not in held:
                continue  # this snapshot does not hold the rule: no evidence either way
            if key in keys:
                since[key] = info.as_of
            else:
                running.discard(key)
    return since


def compare(
    older: Snapshot,
    newer: Snapshot,
    since: dict[GapKey, dt.date],
    since_before: dict[GapKey, dt.date] | None = None,
) -> Changes:
    """Per rule of the later snapshot, and per area one level below the area read. A rule the earlier snapshot
    does not hold (a backfill keeps the date-driven ones) is not compared: its gaps are listed as open, no
    opened or closed. ``since`` dates the later snapshot's gaps, ``since_before`` the earlier one's (closed gaps)."""
    held_before, since_before = set(older.info.rules), since_before or {}
    rules, areas = [], []
    old_gaps = {(g.rule, g.id): g for g in older.gaps}
    new_gaps = {(g.rule, g.id): g for g in newer.gaps}
    for rule in newer.info.rules:
        after = newer.gap_keys(rule)
        if rule not in held_before:
            listed = tuple(GapChange(new_gaps[k], "open", since.get(k, newer.info.as_of)) for k in sorted(after))
            rules.append(RuleChange(rule, None, newer.total(rule), (), (), listed, compared=False))
            continue
        before = older.gap_keys(rule)
        opened = tuple(GapChange(new_gaps[k], "opened", newer.info.as_of) for k in sorted(after - before))
        closed = tuple(
            GapChange(old_gaps[k], "closed", since_before.get(k, older.info.as_of)) for k in sorted(before - after)
        )
        still = tuple(GapChange(new_gaps[k], "open", since.get(k, older.info.as_of)) for k in sorted(after & before))
        rules.append(RuleChange(rule, older.total(rule), newer.total(rule), opened, closed, still))
        areas += _area_changes(rule, older, newer, opened, closed, still)
    return Changes(older, newer, newer.area, tuple(rules), tuple(areas))


def _area_changes(
    rule: str,
    older: Snapshot,
    newer: Snapshot,
    opened: tuple[GapChange, ...],
    closed: tuple[GapChange, ...],
    still: tuple[GapChange, ...],
) -> list[AreaChange]:
    counts: dict[str, Counter[str]] = {"opened": Counter(), "closed": Counter(), "open": Counter()}
    for change in (*opened, *closed, *still):
        shown = newer if change.status != "closed" else older
        child = _child_of(shown, change.gap.area)
        if child is not None:
            counts[change.status][child] += 1
    old_children = {f.area: f for f in older.children(rule)}
    new_children = {f.area: f for f in newer.children(rule)}
    return [
        AreaChange(
            rule, aid, (new_children.get(aid) or old_children[aid]).name, old_children.get(aid), new_children.get(aid),
            counts["opened"][aid], counts["closed"][aid], counts["open"][aid],
        )
        for aid in sorted(old_children.keys() | new_children.keys())
    ]  # fmt: skip


def _child_of(snapshot: Snapshot, area: str | None) -> str | None:
    """The area one level below the one read that holds ``area`` (a gap's deepest area)."""
    chain = [f.area for f in snapshot.chain(area)]
    if snapshot.area is None:
        return chain[0] if chain else None
    if snapshot.area in chain:
        at = chain.index(snapshot.area)
        return chain[at + 1] if at + 1 < len(chain) else None
    return None
