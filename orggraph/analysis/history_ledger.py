"""The ledger changes of a period: which records the loads between two snapshots added, changed and removed, per
ledger sheet (issue 15, part 3), from what each load kept on its ``LoadRun`` (``orggraph.ingest.load_changes``).

A snapshot names the last load committed when it was taken; the period's loads are those after the earlier
snapshot's load up to the later one's, combined in order. Names are looked up in the graph for the records it
still holds (never a person's: ids only, as DESIGN.md's privacy rules ask). Within an area, a record counts when it
belongs to the street that holds the area (``placement.yaml``); a removed record is no longer placed, so an area's
list leaves removals out and says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from orggraph.analysis.history import Snapshot, SnapshotInfo
from orggraph.graph import load_runs, statements
from orggraph.graph.area_scope import ScopedStore, area_homes
from orggraph.graph.store import BoltStore
from orggraph.ingest.load_changes import KINDS, TIE, SheetChanges, combine, decode, label_sheet

KIND_ZH = {"added": "新增", "changed": "修改", "removed": "删除"}
PRIVATE_LABELS = frozenset({"Person"})  # ids only, never names


@dataclass(frozen=True)
class LedgerPeriod:
    """The loads of a period and their net changes per sheet; ``known`` is False when a snapshot predates the
    changes being kept (the period cannot be told); ``initial`` when a first load (counts only) is among them."""

    loads: tuple[str, ...]
    sheets: dict[str, SheetChanges]
    known: bool = True
    initial: bool = False
    street: str | None = None  # the street the rows were kept to (None: the whole region)


def period_loads(runs: list[dict[str, Any]], older: SnapshotInfo | None, newer: SnapshotInfo) -> list[dict[str, Any]]:
    """The committed loads after ``older``'s (all, when there is none) up to ``newer``'s, in order."""
    ids = [str(r["id"]) for r in runs]
    if newer.load_id not in ids:
        return []
    end = ids.index(newer.load_id) + 1
    start = ids.index(older.load_id) + 1 if older is not None and older.load_id in ids else 0
    return runs[start:end]


def ledger_period(
    store: BoltStore | ScopedStore, older: Snapshot | None, newer: Snapshot, area: str | None = None
) -> LedgerPeriod:
    """The net ledger changes between two snapshots, kept to the street holding ``area`` when one is given."""
    base = store.base if isinstance(store, ScopedStore) else store
    if newer.info.load_id is None or (older is not None and older.info.load_id is None):
        return LedgerPeriod((), {}, known=False)
    loads = [decode(str(r["id"]), str(r["finished"]), r["changes"]) for r in period_loads(
        load_runs.committed_changes(base), older.info if older else None, newer.info)]  # fmt: skip
    sheets = combine(loads)
    street = next((f.area for f in newer.chain(area) if f.level == "Street"), None) if area else None
    if isinstance(store, ScopedStore) and street is None:
        street = store.area
    if street is not None:
        sheets = _within(ScopedStore(base, street), street, sheets)
    return LedgerPeriod(tuple(c.load_id for c in loads), sheets, True, any(c.initial for c in loads), street)


def _within(scoped: ScopedStore, street: str, sheets: dict[str, SheetChanges]) -> dict[str, SheetChanges]:
    homes = area_homes(scoped)

    def ours(rid: str) -> bool:
        return any(street in homes.of(part) for part in rid.split(TIE))

    out = {}
    for sheet, c in sheets.items():
        ids = {k: {i for i in c.ids[k] if ours(i)} if k != "removed" else set() for k in KINDS}
        out[sheet] = SheetChanges(ids, {k: len(ids[k]) for k in KINDS}, c.truncated)
    return out


def ledger_rows(store: BoltStore | ScopedStore, period: LedgerPeriod) -> list[dict[str, Any]]:
    """One row per record changed: sheet, what happened, id and the name the graph has for it (none for a person
    or a tie; none for a removed record)."""
    base = store.base if isinstance(store, ScopedStore) else store
    names = _names(base, {i for c in period.sheets.values() for k in ("added", "changed") for i in c.ids[k]})
    rows = []
    for sheet in sorted(period.sheets):
        for kind in KINDS:
            rows += [
                {"sheet": sheet, "kind": kind, "id": i, "name": names.get(i, "") if kind != "removed" else ""}
                for i in sorted(period.sheets[sheet].ids[kind])
            ]
    return rows


def _names(store: BoltStore, ids: set[str]) -> dict[str, str]:
    """The names of the records among ``ids`` the graph holds (persons and ties left out)."""
    wanted = sorted(i for i in ids if TIE not in i)
    found: dict[str, str] = {}
    if not wanted:
        return found
    for label in store.schema.nodes:
        if label in PRIVATE_LABELS or label_sheet(label) == label:
            continue
        for r in statements.collected(store.read(statements.fetch_nodes(store.schema, label), {"ids": wanted})):
            found[str(r["id"])] = str(r["props"].get("name") or "")
    return found
