"""The whole region's gap report read back from a stored snapshot, when that snapshot *is* today's report: taken
for today over the whole region with every rule, nothing loaded since, and the same rules and rule queries.

A load takes that snapshot anyway (``snapshot_after_load``), so the first overview after it reads two Parquet files
instead of running every rule again: on a province the live report is ~20 s of server and Python work (issue 12's
overview floor is 10 s). Every figure, gap, reason and suggested action comes back as the report had them; a
gap's ``detail`` comes back as the text the snapshot keeps (``history._text``), so only views that show no detail
(the overview) take a report from here. "Nothing loaded since" is the graph's state because the product writes to
the graph through loads only (the what-if's scratch write is rolled back); a write by hand in cypher-shell after the
snapshot would not be seen until the next load or snapshot.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from orggraph.analysis.coverage import AreaRate, Gap, GapReport, RuleOutcome
from orggraph.analysis.geography import AREA_LEVELS, Place
from orggraph.analysis.history import SnapshotInfo, last_load, rules_fingerprint, stored_snapshots
from orggraph.graph import snapshot_files
from orggraph.graph.store import BoltStore
from orggraph.model.coverage_rules import load_rules


def todays_snapshot(data_dir: Path, store: BoltStore, as_of: dt.date) -> SnapshotInfo | None:
    """The latest snapshot that is the whole report for ``as_of`` on the graph as it is now, if one is stored."""
    latest = last_load(store)
    if latest is None:
        return None
    every_rule = tuple(r.id for r in load_rules().rules)
    fingerprint = rules_fingerprint()
    for info in reversed(stored_snapshots(data_dir)):
        if (
            info.as_of == as_of
            and info.area is None
            and not info.backfilled
            and info.rules == every_rule
            and info.load_id == latest
            and info.rules_fingerprint == fingerprint
        ):
            return info
    return None


def report_from_snapshot(data_dir: Path, info: SnapshotInfo) -> GapReport:
    """The stored figures and gaps of ``info`` as a report. Its areas are the snapshot's own (id, level, name and
    parent are stored with every figure), so no geography is read: on a province the geography is 665k places and
    ~6 s, the snapshot's areas ~1 s. A gap's chain is its stored area and that area's parents, up to the top."""
    rates: dict[str, dict[str, list[AreaRate]]] = {r: {level: [] for level in AREA_LEVELS} for r in info.rules}
    totals: dict[str, tuple[int, int]] = {}
    places: dict[str, Place] = {}
    for row in snapshot_files.read_areas(data_dir, info.id):
        if not row["level"]:
            totals[row["rule"]] = (row["covered"], row["total"])
            continue
        area = places.get(row["area"]) or Place(row["area"], row["level"], row["name"], row["parent"])
        places[area.id] = area
        rates[row["rule"]][row["level"]].append(AreaRate(area, row["covered"], row["total"]))
    chains: dict[str | None, tuple[Place, ...]] = {None: ()}
    gaps: dict[str, list[Gap]] = {r: [] for r in info.rules}
    for g in snapshot_files.read_gaps(data_dir, info.id):
        chain = chains.get(g["area"]) or chains.setdefault(g["area"], _chain(places, g["area"]))
        texts = (g["why_zh"], g["why_en"], g["detail"], g["action_zh"], g["action_en"])
        gaps[g["rule"]].append(Gap(g["rule"], g["id"], g["name"], g["place"], chain, g["reason"], *texts))
    book = load_rules()
    outcomes = tuple(
        RuleOutcome(
            book.rule(r),
            *totals.get(r, (0, 0)),
            tuple(gaps[r]),
            {level: tuple(sorted(found, key=lambda a: a.area.id)) for level, found in rates[r].items()},
        )
        for r in info.rules
    )
    return GapReport(info.as_of, None, outcomes)


def _chain(places: dict[str, Place], area: str | None) -> tuple[Place, ...]:
    """``area`` and the areas above it, top first (``Geography.areas`` of a place in it)."""
    found: list[Place] = []
    while area is not None and area in places:
        found.append(places[area])
        area = places[area].parent
    return tuple(reversed(found))
