"""The demo region as it stood at three month-ends: earlier states of its ledgers, so that ``make run`` can load it
month by month and store a snapshot after each (issue 15: trend lines and a report on first start).

Why from the records' own dates, not invented figures: the generator dates agreements (signed), party orgs
(founded), posts (since) and needs (raised). The state at a month-end holds what was dated on or before it;
what a withheld record carries with it (an agreement's commitments and projects, a project of a need raised later,
every tie to a withheld record) is withheld too, and a record whose required column names a withheld one is
withheld with it, so every earlier state is a valid ledger. The last state is the whole region.

Each later month is loaded as the rows that month adds (a delta ledger, as a street sends its new rows): the new
records' rows, the new rows of tie sheets, and the full rows of existing records that gained a tie. Loading the
earlier states whole again would cost a city another full read and comparison per month.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from loaders.layout import Layout, load_layout
from orggraph.model.records import EdgeRecord, NodeRecord

DATED_NODES = {"Agreement": "signed", "PartyOrg": "founded", "Need": "raised"}
DATED_EDGES = {"HOLDS_POST": "since"}


def month_ends(today: dt.date, months: int = 3) -> list[dt.date]:
    """The last day of each of the ``months`` months before ``today``'s, oldest first.

    >>> month_ends(dt.date(2026, 12, 1))
    [datetime.date(2026, 9, 30), datetime.date(2026, 10, 31), datetime.date(2026, 11, 30)]
    """
    ends: list[dt.date] = []
    day = today.replace(day=1)
    for _ in range(months):
        day -= dt.timedelta(days=1)
        ends.insert(0, day)
        day = day.replace(day=1)
    return ends


@dataclass(frozen=True)
class MonthState:
    """The ledger rows of one month: ``nodes``/``edges`` the whole state at ``as_of``; ``delta_*`` what a load of
    that month sends (the whole state for the first month)."""

    as_of: dt.date
    nodes: list[NodeRecord]
    edges: list[EdgeRecord]
    delta_nodes: list[NodeRecord]
    delta_edges: list[EdgeRecord]


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def _later(props: dict[str, object], key: str, as_of: dt.date) -> bool:
    day = _date(props.get(key))
    return day is not None and day > as_of


class _Owners:
    """Which ledger row holds a tie (layout): an edge sheet's own row, or a record's id column."""

    def __init__(self, layout: Layout) -> None:
        self.edge_sheets = {s.edge_sheet.type for s in layout.sheets if s.edge_sheet is not None}
        self.columns: dict[tuple[str, str, bool], list[tuple[tuple[str, ...], bool]]] = {}
        for sheet in layout.sheets:
            for col in sheet.columns if sheet.label else ():
                if col.edge and sheet.label:
                    key = (col.edge, sheet.label, col.reverse)
                    self.columns.setdefault(key, []).append((col.targets, col.is_required))

    def owner(self, e: EdgeRecord) -> tuple[str, bool] | None:
        """(owner id, whether its column is required) of a tie held in a record's row; None for a tie sheet's."""
        if e.type in self.edge_sheets:
            return None
        for targets, required in self.columns.get((e.type, e.src_label, False), []):
            if e.dst_label in targets:
                return e.src_id, required
        for targets, required in self.columns.get((e.type, e.dst_label, True), []):
            if e.src_label in targets:
                return e.dst_id, required
        return None


def _withheld(nodes: list[NodeRecord], into: dict[str, list[EdgeRecord]], as_of: dt.date, owners: _Owners) -> set[str]:
    """The ids of records not yet there at ``as_of``: dated later, or carried by (or requiring) one that is.
    ``into``: each record's incoming ties."""
    out = {n.id for n in nodes if n.label in DATED_NODES and _later(n.props, DATED_NODES[n.label], as_of)}
    carried = {("UNDER", "Agreement"), ("FULFILLS", "Need")}  # a commitment or project goes with its agreement/need
    todo = list(out)
    while todo:
        for e in into.get(todo.pop(), ()):
            if e.src_id in out:
                continue
            held = owners.owner(e)
            if (e.type, e.dst_label) in carried or (held is not None and held == (e.src_id, True)):
                out.add(e.src_id)
                todo.append(e.src_id)
    return out


def month_states(nodes: list[NodeRecord], edges: list[EdgeRecord], ends: Iterable[dt.date]) -> list[MonthState]:
    """The region at each month-end (the last one whole), with what each month's load sends."""
    owners, days = _Owners(load_layout()), sorted(ends)
    into: dict[str, list[EdgeRecord]] = {}
    for e in edges:
        into.setdefault(e.dst_id, []).append(e)
    states: list[MonthState] = []
    for i, as_of in enumerate(days):
        if i == len(days) - 1:
            now_nodes, now_edges = nodes, edges
        else:
            gone = _withheld(nodes, into, as_of, owners)
            now_nodes = [n for n in nodes if n.id not in gone]
            now_edges = [
                e
                for e in edges
                if e.src_id not in gone
                and e.dst_id not in gone
                and not (e.type in DATED_EDGES and _later(e.props, DATED_EDGES[e.type], as_of))
            ]
        if not states:
            states.append(MonthState(as_of, now_nodes, now_edges, now_nodes, now_edges))
            continue
        delta_nodes, delta_edges = _delta(states[-1], now_nodes, now_edges, owners)
        states.append(MonthState(as_of, now_nodes, now_edges, delta_nodes, delta_edges))
    return states


def _edge_key(e: EdgeRecord) -> tuple[str, str, str]:
    return (e.type, e.src_id, e.dst_id)


def _delta(
    before: MonthState, nodes: list[NodeRecord], edges: list[EdgeRecord], owners: _Owners
) -> tuple[list[NodeRecord], list[EdgeRecord]]:
    """The rows a month adds: new records, new tie-sheet rows, and the whole row of a record that gained a tie."""
    had_nodes = {n.id for n in before.nodes}
    had_edges = {_edge_key(e) for e in before.edges}
    rows = {n.id for n in nodes if n.id not in had_nodes}
    fresh_ties = []
    for e in edges:
        if _edge_key(e) in had_edges:
            continue
        held = owners.owner(e)
        if held is None:
            fresh_ties.append(e)
        else:
            rows.add(held[0])
    held_ties = [e for e in edges if (o := owners.owner(e)) is not None and o[0] in rows]
    return [n for n in nodes if n.id in rows], held_ties + fresh_ties
