"""Which ledger records a load added, changed and removed, per sheet: kept on its ``LoadRun`` (property ``changes``)
so that the changes between two loads can be listed later (``orggraph changes``, the monthly report).

Why on the ``LoadRun`` and as ids only: the record is committed in the same transaction as the data it describes
(never a list of changes for a load that was rolled back), it survives a clear like the rest of the load history,
and every way of loading (CLI, import page, demo) writes it without knowing the data dir. It holds ids, never a
name, a phone number or any other cell (DESIGN.md's privacy rules): names are looked up in the graph when shown.

What counts, per sheet (a record sheet's row is its record; a tie sheet's row is its tie, named ``src→dst``):

* **added**: a record (tie) the graph did not hold;
* **changed**: a record whose cells changed, or whose row's id columns gained, moved or (synced) lost a tie;
* **removed**: what a ``--sync`` removed. What the ledger no longer lists without ``--sync`` stays in the graph
  and is not a change of it.

A first load into an empty graph adds everything: it keeps the counts only (``initial``), not every id of a city.
Each list keeps at most ``KEEP`` ids (the counts stay complete, ``truncated`` says so): a load run stays small.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from loaders.layout import load_layout
from orggraph.ingest.load_plan import LoadPlan

KEEP = 2000  # ids kept per sheet and kind
KINDS = ("added", "changed", "removed")
TIE = "→"


@cache
def _owners() -> tuple[dict[str, str], dict[tuple[str, str, str], tuple[str, bool]], dict[str, str]]:
    """(tie type → its tie sheet), ((type, src label, dst label) → (sheet, whether the dst's row holds it)), and
    (label → its sheet), from the ledger layout."""
    layout = load_layout()
    tie_sheets = {s.edge_sheet.type: s.id for s in layout.sheets if s.edge_sheet is not None}
    columns: dict[tuple[str, str, str], tuple[str, bool]] = {}
    for sheet in layout.sheets:
        for col in sheet.columns if sheet.label else ():
            for target in col.targets if col.edge else ():
                key = (col.edge, target, sheet.label) if col.reverse else (col.edge, sheet.label, target)
                columns.setdefault(key, (sheet.id, col.reverse))  # type: ignore[arg-type]  # col.edge is set
    return tie_sheets, columns, {s.label: s.id for s in layout.sheets if s.label}


def tie_row(key: tuple[str, str, str], row: dict[str, Any]) -> tuple[str, str] | None:
    """(sheet, record id) of the ledger row that holds a tie: its tie sheet's row, or the record whose id column
    lists it (None for a tie no ledger row holds)."""
    tie_sheets, columns, _ = _owners()
    if key[0] in tie_sheets:
        return tie_sheets[key[0]], f"{row['src']}{TIE}{row['dst']}"
    held = columns.get(key)
    if held is None:
        return None
    return held[0], str(row["dst"] if held[1] else row["src"])


def label_sheet(label: str) -> str:
    return _owners()[2].get(label, label)


@dataclass
class SheetChanges:
    """One sheet's ids added, changed and removed, with the full counts."""

    ids: dict[str, set[str]] = field(default_factory=lambda: {k: set() for k in KINDS})
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    truncated: bool = False


def plan_changes(plan: LoadPlan) -> dict[str, SheetChanges]:
    """Per sheet, what a load's plan writes (see the module's docstring)."""
    out: dict[str, SheetChanges] = defaultdict(SheetChanges)
    for label, rows in plan.node_rows.items():
        sheet, made = label_sheet(label), plan.created_nodes.get(label, set())
        for r in rows:
            out[sheet].ids["added" if r["id"] in made else "changed"].add(str(r["id"]))
    _tie_changes(out, plan.edge_rows, plan.created_edges, "written")
    _tie_changes(out, plan.stale_edges, {}, "removed")
    if plan.sync:
        _tie_changes(out, plan.removals.edges, {}, "removed")
        for label, removed in plan.removals.nodes.items():
            out[label_sheet(label)].ids["removed"].update(removed)
    for changes in out.values():
        held = changes.ids
        held["changed"] -= held["added"] | held["removed"]
        changes.counts = {k: len(held[k]) for k in KINDS}
    return dict(out)


def _tie_changes(
    out: dict[str, SheetChanges],
    groups: dict[tuple[str, str, str], list[dict[str, Any]]],
    created: dict[tuple[str, str, str], set[tuple[str, str]]],
    how: str,
) -> None:
    """A tie sheet's row is added, changed or removed with its tie; a record's row whose id column gained, moved or
    lost a tie is changed."""
    tie_sheets = set(_owners()[0].values())
    for key, rows in groups.items():
        made = created.get(key, set())
        for r in rows:
            held = tie_row(key, r)
            if held is None:
                continue
            sheet, rid = held
            if sheet not in tie_sheets:
                kind = "changed"
            elif how == "removed":
                kind = "removed"
            else:
                kind = "added" if (r["src"], r["dst"]) in made else "changed"
            out[sheet].ids[kind].add(rid)


def encode(plan: LoadPlan) -> str:
    """The compact JSON kept on the load's ``LoadRun``."""
    if plan.into_empty_graph:
        counts = {label_sheet(label): len(rows) for label, rows in plan.node_rows.items() if rows}
        return json.dumps({"v": 1, "initial": True, "sheets": {s: {"n": {"added": n}} for s, n in counts.items()}})
    sheets = {}
    for sheet, c in sorted(plan_changes(plan).items()):
        if not any(c.counts.values()):
            continue
        entry: dict[str, Any] = {"n": {k: v for k, v in c.counts.items() if v}}
        entry.update({k: sorted(c.ids[k])[:KEEP] for k in KINDS if c.ids[k]})
        if any(v > KEEP for v in c.counts.values()):
            entry["truncated"] = True
        sheets[sheet] = entry
    return json.dumps({"v": 1, "initial": False, "sheets": sheets}, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class LoadChanges:
    """What one committed load changed, read back from its ``LoadRun``."""

    load_id: str
    finished: str
    initial: bool
    sheets: dict[str, SheetChanges]


def decode(load_id: str, finished: str, text: str | None) -> LoadChanges:
    """A ``LoadRun``'s ``changes`` (a load from before they were kept reads as an initial load of unknown size)."""
    doc: dict[str, Any] = json.loads(text) if text else {"initial": True, "sheets": {}}
    sheets = {}
    for sheet, entry in dict(doc.get("sheets") or {}).items():
        ids = {k: set(entry.get(k, ())) for k in KINDS}
        counts = {k: int(entry.get("n", {}).get(k, 0)) for k in KINDS}
        sheets[sheet] = SheetChanges(ids, counts, bool(entry.get("truncated")) or bool(doc.get("initial")))
    return LoadChanges(load_id, finished, bool(doc.get("initial")), sheets)


def combine(loads: Iterable[LoadChanges]) -> dict[str, SheetChanges]:
    """The net changes of several loads in order: added then removed is nothing, removed then added is changed."""
    out: dict[str, SheetChanges] = defaultdict(SheetChanges)
    for load in loads:
        for sheet, c in load.sheets.items():
            net = out[sheet]
            net.truncated = net.truncated or c.truncated
            added, changed, removed = (net.ids[k] for k in KINDS)
            for i in c.ids["added"]:
                (changed if i in removed else added).add(i)
                removed.discard(i)
            changed.update(i for i in c.ids["changed"] if i not in added)
            for i in c.ids["removed"]:
                if i in added:
                    added.discard(i)
                else:
                    changed.discard(i)
                    removed.add(i)
            for k in KINDS:
                net.counts[k] += c.counts[k]
    for net in out.values():
        if not net.truncated:
            net.counts = {k: len(net.ids[k]) for k in KINDS}
    return dict(out)
