"""Coverage over time: snapshots of the gap report, kept so a later report can say what changed (issue 15).

A snapshot holds the whole report's figures on one day: per rule the total over its scope, per rule and area at
every level covered / total, and every gap with its reason and suggested action. It is taken from
:func:`orggraph.analysis.coverage.gap_report` (the same figures the ``gaps`` command prints that day) and kept as
Parquet under the data dir (``orggraph.graph.snapshot_files`` says why there and not in the graph).

**Past dates** (``snapshot --as-of`` before today): the graph holds today's records, with dates on agreements,
terms and posts. A rule whose query reads ``$as_of`` answers for a past day what those dates can tell; a rule that
looks only at structure (which compound has a branch) would give today's answer under a past date, so a
backfilled snapshot holds the date-driven rules only (:func:`date_driven_rules`, read from the rule queries
themselves; the table is in ``docs/history.md``). Records deleted since, or ties made since without a date, are
beyond what any backfill can know.

**Area scope.** A street user (a :class:`~orggraph.graph.area_scope.ScopedStore`) takes and reads snapshots of
their street only: :func:`scope_area` turns their request into an area inside it or refuses.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from orggraph.access.accounts import PermissionDenied
from orggraph.analysis import service_circle
from orggraph.analysis.coverage import GapReport, gap_report
from orggraph.analysis.query_catalogue import find_query, load_catalogue
from orggraph.graph import load_runs, snapshot_files
from orggraph.graph.area_scope import ScopedStore
from orggraph.graph.store import BoltStore
from orggraph.model.coverage_rules import load_rules
from orggraph.model.errors import HistoryError

_AS_OF_USE = re.compile(r"\$as_of\b")
_MONTH = re.compile(r"^\d{4}-\d{2}$")
MAX_DEPTH = 8


def date_driven_rules() -> tuple[str, ...]:
    """The rules whose query reads ``$as_of`` in its body (not only in its header): those a past date changes."""
    found = []
    for rule in load_rules().rules:
        body = [line for line in find_query(rule.query).text.splitlines() if not line.lstrip().startswith(("//", ":"))]
        if any(_AS_OF_USE.search(line) for line in body):
            found.append(rule.id)
    return tuple(found)


@dataclass(frozen=True)
class SnapshotInfo:
    """What names a stored snapshot: its id, label, as-of date, when it was taken, its scope (an area id, None for
    the whole region), the rules it holds, and whether it was backfilled (as-of before the day it was taken)."""

    id: str
    label: str
    as_of: dt.date
    taken: str
    area: str | None
    area_name: str
    rules: tuple[str, ...]
    backfilled: bool
    load_id: str | None = None  # the last committed load when it was taken: where its ledger changes end
    rules_fingerprint: str | None = None  # the rules it was taken under (snapshot_report reuses today's)

    @classmethod
    def of(cls, meta: dict[str, Any]) -> SnapshotInfo:
        return cls(
            meta["id"],
            meta["label"],
            dt.date.fromisoformat(meta["as_of"]),
            meta["taken"],
            meta.get("area"),
            meta.get("area_name") or "",
            tuple(meta["rules"]),
            bool(meta.get("backfilled")),
            meta.get("load_id"),
            meta.get("rules_fingerprint"),
        )

    def meta(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "as_of": self.as_of.isoformat(),
            "taken": self.taken,
            "area": self.area,
            "area_name": self.area_name,
            "rules": list(self.rules),
            "backfilled": self.backfilled,
            "load_id": self.load_id,
            "rules_fingerprint": self.rules_fingerprint,
        }


def period_label(as_of: dt.date) -> str:
    """The label a snapshot gets unless one is given: its month, as reports name periods.

    >>> period_label(dt.date(2026, 11, 30))
    '2026年11月'
    """
    return f"{as_of.year}年{as_of.month}月"


def scope_area(store: BoltStore | ScopedStore, area: str | None) -> str | None:
    """The area a request may read or write: a street user's street (or an area inside it), anyone else's as given.

    A street user asking for nothing gets their street; asking for another street is refused, never widened."""
    if not isinstance(store, ScopedStore):
        return area
    if area is None or area == store.area:
        return store.area
    if area not in store.scope().inside:
        raise PermissionDenied(f"{area} 不在您负责的区域内", f"{area} is outside your area")
    return area


def take_snapshot(
    store: BoltStore | ScopedStore,
    data_dir: Path,
    as_of: dt.date,
    today: dt.date,
    label: str | None = None,
    area: str | None = None,
    report: GapReport | None = None,
    state_of_day: bool = False,
) -> SnapshotInfo:
    """Run the gap report for ``as_of`` (all rules; only the date-driven ones for a past day) within the area the
    store may see, and store its figures. ``report`` is one already run for that day and scope (a load that just
    ran it). ``state_of_day``: the graph holds the ledgers as they stood on ``as_of`` (the demo's months), so every
    rule answers for it and nothing is backfilled. Returns what names the stored snapshot."""
    area = scope_area(store, area)
    backfilled = as_of < today and not state_of_day
    rules = date_driven_rules() if backfilled else tuple(r.id for r in load_rules().rules)
    if report is None:
        report = gap_report(store, rules, area, as_of)  # type: ignore[arg-type]  # a ScopedStore reads like one
    taken = dt.datetime.now(dt.UTC).astimezone()
    info = SnapshotInfo(
        f"{as_of.isoformat()}_{taken.strftime('%Y%m%dT%H%M%S%f')}",
        label or period_label(as_of),
        as_of,
        taken.isoformat(timespec="seconds"),
        report.area.id if report.area else None,
        report.area.name if report.area else "",
        tuple(o.rule.id for o in report.outcomes),
        backfilled,
        last_load(store),
        rules_fingerprint(),
    )
    snapshot_files.write(data_dir, info.meta(), area_columns(report), gap_rows(report))
    return info


def prepare_snapshot() -> None:
    """Read and import, ahead of time, what a snapshot needs besides the graph: the rules, the catalogue, the k-d tree
    of the measured rule — a load runs this beside its write, where the interpreter mostly waits on the server (a
    city's snapshot after its load: ~1 s of its 3.8 s)."""
    load_rules()
    load_catalogue()
    service_circle.prepare()


def rules_fingerprint() -> str:
    """What the rules answer by: the rules file as read and every rule's query text (a snapshot taken under other
    rules is not that day's report, whatever its date)."""
    book = load_rules()
    digest = hashlib.sha256(book.model_dump_json().encode())
    for rule in book.rules:
        digest.update(find_query(rule.query).text.encode())
    return digest.hexdigest()[:16]


def last_load(store: BoltStore | ScopedStore) -> str | None:
    """The id of the latest committed load (None before any): a snapshot names it, so the ledger changes between
    two snapshots are the loads between theirs."""
    runs = load_runs.committed_changes(store.base if isinstance(store, ScopedStore) else store)
    return str(runs[-1]["id"]) if runs else None


def snapshot_after_load(
    store: BoltStore, data_dir: Path, today: dt.date, report: GapReport | None = None
) -> SnapshotInfo:
    """The snapshot a load takes once it has committed (``orggraph load`` and a province-routed load, when
    ``snapshot_after_load`` is on): today's figures over the whole region, labelled by the month."""
    return take_snapshot(store, data_dir, today, today, report=report)


def area_columns(report: GapReport) -> dict[str, list[Any]]:
    """Per rule: its total over the report's scope (level ""), then every area at every level — as columns (a
    city's ~75k figures: a dict per figure cost a snapshot ~0.25 s more to build and to store)."""
    scope = report.area
    columns: dict[str, list[Any]] = {k: [] for k in ("rule", "level", "area", "name", "parent", "covered", "total")}
    for o in report.outcomes:
        figures: list[tuple[str, str, str, str | None, int, int]]
        figures = [("", scope.id if scope else "", scope.name if scope else "", None, o.covered, o.total)]
        figures += [(level, a.area.id, a.area.name, a.area.parent, a.covered, a.total)
                    for level, rates in o.areas.items() for a in rates]  # fmt: skip
        columns["rule"] += [o.rule.id] * len(figures)
        for name, values in zip(list(columns)[1:], zip(*figures, strict=True), strict=True):
            columns[name] += values
    return columns


def gap_rows(report: GapReport) -> list[dict[str, Any]]:
    return [
        {"rule": g.rule_id, "id": g.id, "name": g.name, "place": g.place, "area": g.chain[-1].id if g.chain else None,
         "reason": g.reason, "detail": _text(g.detail), "why_zh": g.why_zh, "why_en": g.why_en,
         "action_zh": g.action_zh, "action_en": g.action_en}
        for g in report.gaps()
    ]  # fmt: skip


def _text(detail: object) -> str | None:
    if detail is None or isinstance(detail, str):
        return detail
    return json.dumps(detail, ensure_ascii=False, default=str)


@dataclass(frozen=True)
class Figure:
    """Covered / total of one rule in one area of a snapshot."""

    rule: str
    level: str
    area: str
    name: str
    parent: str | None
    covered: int
    total: int

    @property
    def rate(self) -> float | None:
        return self.covered / self.total if self.total else None


@dataclass(frozen=True)
class StoredGap:
    rule: str
    id: str
    name: str
    place: str | None
    area: str | None
    reason: str
    detail: str | None
    why_zh: str
    why_en: str
    action_zh: str
    action_en: str


@dataclass(frozen=True)
class Snapshot:
    """One stored snapshot read for an area (the snapshot's whole scope when None)."""

    info: SnapshotInfo
    area: str | None
    figures: dict[tuple[str, str], Figure]  # (rule, area id; "" for the rule over the whole scope) → figure
    gaps: tuple[StoredGap, ...]

    def total(self, rule: str) -> Figure | None:
        """The rule over the area read (its whole scope when none was asked)."""
        return self.figures.get((rule, self.area or ""))

    def gap_keys(self, rule: str | None = None) -> set[tuple[str, str]]:
        return {(g.rule, g.id) for g in self.gaps if rule is None or g.rule == rule}

    @cached_property
    def _areas(self) -> dict[str, Figure]:
        """One figure per area (any rule's: the name, level and parent are the area's), built once."""
        return {f.area: f for f in self.figures.values() if f.level}

    def chain(self, area: str | None) -> list[Figure]:
        """The areas from the top of the snapshot down to ``area`` (their names and levels)."""
        by_id = self._areas
        out: list[Figure] = []
        while area is not None and area in by_id and len(out) < MAX_DEPTH:  # a loop in bad data ends
            out.insert(0, by_id[area])
            area = by_id[area].parent
        return out

    def children(self, rule: str) -> list[Figure]:
        """The rule's figures for the areas one level below the area read (the top areas when none was asked)."""
        top = self.area
        rows = [f for (r, _), f in self.figures.items() if r == rule and f.level]
        if top is None:
            parents = {f.area for f in rows}
            return sorted((f for f in rows if f.parent not in parents), key=lambda f: f.area)
        return sorted((f for f in rows if f.parent == top), key=lambda f: f.area)


def stored_snapshots(data_dir: Path) -> list[SnapshotInfo]:
    """Every stored snapshot, oldest as-of first."""
    return [SnapshotInfo.of(m) for m in snapshot_files.stored(data_dir)]


def covering(data_dir: Path, area: str | None) -> list[SnapshotInfo]:
    """The snapshots that hold ``area`` (whole-region ones, and those of a street that holds it), oldest first.
    Asking for everything (None) takes the whole-region ones only."""
    found = []
    for info in stored_snapshots(data_dir):
        holds = info.area is None if area is None else snapshot_files.holds_area(data_dir, info.id, area)
        if holds:
            found.append(info)
    return found


def pick(infos: list[SnapshotInfo], when: str, area: str | None = None) -> SnapshotInfo:
    """The snapshot a user means by ``when``: a date (the last one taken for it), a month ``2026-11`` (the latest
    as-of date in it), or a label (the latest with it)."""
    when = when.strip()
    if _MONTH.match(when):
        if not 1 <= int(when[5:]) <= 12:
            raise HistoryError(f"月份应写成 2026-11,收到 {when}", f"months are written 2026-11, got {when}")
        chosen = [i for i in infos if i.as_of.isoformat()[:7] == when]
    else:
        try:
            day = dt.date.fromisoformat(when)
            chosen = [i for i in infos if i.as_of == day]
        except ValueError:
            chosen = [i for i in infos if i.label == when]
    if not chosen:
        where = f"区域 {area} 的" if area else ""
        held = "、".join(f"{i.as_of.isoformat()}({i.label})" for i in infos[-6:]) or "无 none"
        raise HistoryError(
            f"没有{where}快照对应 {when};已有:{held}。可用 orggraph snapshot --as-of 日期 补录",
            f"no snapshot{' of area ' + area if area else ''} for {when}; held: {held}. "
            "`orggraph snapshot --as-of DATE` backfills one",
        )
    return max(chosen, key=lambda i: (i.as_of, i.taken))


def read_snapshot(data_dir: Path, info: SnapshotInfo, area: str | None = None, with_gaps: bool = True) -> Snapshot:
    """A stored snapshot, cut to ``area`` and the areas under it (its whole scope when None); its figures only
    unless ``with_gaps``."""
    within = area if area is not None and area != info.area else None
    rows = snapshot_files.read_areas(data_dir, info.id, within)
    figures = {}
    for r in rows:
        key = r["area"] if r["level"] else ""
        figures[(r["rule"], key)] = Figure(**r)
    if within is not None:  # the area's own row stands for the rule over what was read
        figures.update({(r, ""): f for (r, a), f in list(figures.items()) if a == within})
    if not with_gaps:
        return Snapshot(info, area, figures, ())
    areas = None if within is None else snapshot_files.area_ids(data_dir, info.id, within)
    gaps = tuple(StoredGap(**g) for g in snapshot_files.read_gaps(data_dir, info.id, areas))
    return Snapshot(info, area, figures, gaps)


def gap_sets(
    data_dir: Path, infos: Iterable[SnapshotInfo], area: str | None
) -> list[tuple[SnapshotInfo, set[tuple[str, str]]]]:
    """Each snapshot's (rule, gap id) pairs within ``area``: only two columns are read."""
    out = []
    for info in infos:
        areas = None if area is None or area == info.area else snapshot_files.area_ids(data_dir, info.id, area)
        rows = snapshot_files.read_gaps(data_dir, info.id, areas, columns=["rule", "id", "area"])
        out.append((info, {(r["rule"], r["id"]) for r in rows}))
    return out
