"""A sheet's rows → records, its cells typed a column at a time (:mod:`loaders.column_typing`).

The rows the columns vouch for become records here with no per-cell work left: a props dict from the typed
columns, the row's provenance, its record and its ties. Every other row — a cell with an issue, two dates out of
order, a longitude without its latitude, an id seen before — goes through the validator's per-row path
(``node_row`` / ``edge_row``), in its place in the sheet, so the issues come out as they always did, in the same
order, and so do the records.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import repeat
from typing import TYPE_CHECKING, Any

from loaders.category_words import has_words
from loaders.category_words import settle as settle_words
from loaders.column_typing import ABSENT, CellRule, columns_of, type_column
from loaders.layout import Column
from loaders.pending_edges import NO_PROPS, PendingEdge
from orggraph.model.records import NodeRecord, Source

if TYPE_CHECKING:
    from loaders.ledger_reader import SheetData
    from loaders.ledger_validation import _Validator

Typed = dict[str, list[object]]  # property (or, for an id column, its header) → typed cells


def type_sheet(
    sheet: SheetData, date_pairs: Iterable[tuple[str, str]], together: Iterable[tuple[str, str]]
) -> tuple[dict[int, list[object]], set[int]]:
    """Each column's typed cells by position, and the rows the per-row path must take (an issue in a cell, or
    across the row: ``date_pairs`` out of order, one of a ``together`` pair without the other)."""
    n = len(sheet.rows)
    columns = columns_of(row for _, row in sheet.rows)
    typed: dict[int, list[object]] = {}
    dirty: set[int] = set()
    by_pos = {pos: col for pos, col, _ in sheet.columns}
    for pos, prop, _, required, check_personal, parse in sheet.cell_plan:
        values: Sequence[object] = columns[pos] if pos < len(columns) else (None,) * n
        rule = CellRule(prop, required, check_personal, parse, by_pos[pos])
        typed[pos], bad = type_column(values, rule)
        dirty |= bad
    by_prop = {prop: typed[pos] for pos, prop, *_ in sheet.cell_plan if prop is not None}
    dirty.update(_out_of_order(by_prop, date_pairs))
    dirty.update(_half_pairs(by_prop, together, n))
    return typed, dirty


def _out_of_order(by_prop: Typed, pairs: Iterable[tuple[str, str]]) -> Iterator[int]:
    """Rows whose second date of a pair is before the first (``row_rules.date_order``)."""
    for first, second in pairs:
        if first in by_prop and second in by_prop:
            for i, (a, b) in enumerate(zip(by_prop[first], by_prop[second], strict=True)):
                if a != ABSENT and b != ABSENT and a > b:  # type: ignore[operator]  # two dates
                    yield i


def _half_pairs(by_prop: Typed, pairs: Iterable[tuple[str, str]], n: int) -> Iterator[int]:
    """Rows that give one property of a pair and not the other (``row_rules.together``)."""
    for a, b in pairs:
        blank: list[object] = [ABSENT] * n
        first, second = by_prop.get(a, blank), by_prop.get(b, blank)
        for i, (x, y) in enumerate(zip(first, second, strict=True)):
            if (x == ABSENT) != (y == ABSENT):
                yield i


def _row_values(typed: dict[int, list[object]], sheet: SheetData) -> tuple[tuple[str, ...], Iterator[tuple[Any, ...]]]:
    """The property names (the id apart) and, row by row, their typed values."""
    wanted = [(prop, typed[pos]) for pos, prop, *_ in sheet.cell_plan if prop is not None and prop != "id"]
    names = tuple(prop for prop, _ in wanted)
    return names, (zip(*(cells for _, cells in wanted), strict=True) if wanted else repeat(()))


def _props(names: tuple[str, ...], values: tuple[Any, ...]) -> dict[str, Any]:
    if ABSENT not in values:
        return dict(zip(names, values, strict=True))
    return {name: value for name, value in zip(names, values, strict=True) if value != ABSENT}


def _ids(value: object) -> Sequence[str]:
    """A typed id cell → its ids (one string, several as a tuple, or none)."""
    if type(value) is str:
        return (value,) if value else ()
    return value  # type: ignore[return-value]  # a tuple of ids


def node_rows(v: _Validator, sheet: SheetData, load_id: str | None, loaded_at: str | None) -> None:
    """The rows of a node sheet, in order: records straight from the typed columns, the per-row path for the rest."""
    label = sheet.kind.label
    assert label is not None  # a node sheet's
    id_pos = next((pos for pos, prop, *_ in sheet.cell_plan if prop == "id"), None)
    if id_pos is None:  # no id column (reported at the header): nothing to vouch for
        for row_no, row in sheet.rows:
            v.node_row(sheet, row, Source(sheet.file, row_no, sheet.sheet, load_id, loaded_at))
        return
    spec = v.schema.node(label)
    typed, dirty = type_sheet(sheet, spec.date_order, spec.together)
    names, values = _row_values(typed, sheet)
    had = set(v.owned)  # a tie kind's list is made up front: dropped again below if no row of this sheet owns it
    edges = [
        (typed[pos], v.owned.setdefault(key, []) if v.keep_props else [], *_ends(col, label, header))
        for pos, col, header, key in sheet.edge_columns
    ]
    _node_loop(v, sheet, (typed[id_pos], values, names, dirty, edges), load_id, loaded_at)
    for key in [key for key, ids in v.owned.items() if not ids and key not in had]:
        del v.owned[key]


def _node_loop(
    v: _Validator, sheet: SheetData, columns: tuple[Any, ...], load_id: str | None, loaded_at: str | None
) -> None:
    """The row loop of :func:`node_rows` (``columns``: the ids, the rows' values, their names, the rows for the
    per-row path, and each id column with the list of nodes owning its ties and how it makes them)."""
    ids, values, names, dirty, edges = columns
    label, keep, nodes, tie = sheet.kind.label, v.keep_props, v.nodes, v.pending.append
    assert label is not None  # a node sheet's
    words, kind_at = has_words(label), names.index("kind") if "kind" in names else None
    for i, (row_no, row), node_id, vals in zip(range(len(sheet.rows)), sheet.rows, ids, values, strict=False):
        where = Source(sheet.file, row_no, sheet.sheet, load_id, loaded_at)
        if i in dirty or node_id == ABSENT or node_id in nodes:
            v.node_row(sheet, row, where)
            continue
        if keep:
            props = dict(zip(names, vals, strict=True)) if ABSENT not in vals else _props(names, vals)
            if words:
                settle_words(label, props)
        else:  # checking only: the kind is all a later check reads
            props = NO_PROPS if kind_at is None or vals[kind_at] == ABSENT else {"kind": vals[kind_at]}
        nodes[node_id] = NodeRecord(label, node_id, props, where)
        for cells, owned, rel, reverse, src_targets, dst_targets, header in edges:
            if keep:  # which ties a row owns matters only to a load
                owned.append(node_id)
            for other in _ids(cells[i]):
                src, dst = (other, node_id) if reverse else (node_id, other)
                tie(PendingEdge(rel, src, dst, src_targets, dst_targets, NO_PROPS, where, header, header, other))


def _ends(col: Column, label: str, header: str) -> tuple[str, bool, tuple[str, ...], tuple[str, ...], str]:
    """An id column's ties as a row of a ``label`` sheet makes them: type, reversed, the labels at each end, and
    the column's header as written (for messages)."""
    assert col.edge is not None  # an id column's
    mine = (label,)
    return col.edge, col.reverse, *((col.targets, mine) if col.reverse else (mine, col.targets)), header


def edge_rows(v: _Validator, sheet: SheetData, load_id: str | None, loaded_at: str | None) -> None:
    """The rows of an edge sheet (one tie each), in order, as :func:`node_rows` does a node sheet's."""
    edge_sheet = sheet.kind.edge_sheet
    assert edge_sheet is not None  # an edge sheet's
    ends = [next(((p, c, h) for p, c, h in sheet.columns if c is end), None) for end in sheet.kind.all_columns[:2]]
    if ends[0] is None or ends[1] is None:  # an id column missing (reported at the header): no tie from any row
        for row_no, row in sheet.rows:
            v.edge_row(sheet, row, Source(sheet.file, row_no, sheet.sheet, load_id, loaded_at))
        return
    (p1, c1, h1), (p2, c2, h2) = ends  # type: ignore[misc]  # neither is None (above)
    rel = v.schema.relationship(edge_sheet.type)
    typed, dirty = type_sheet(sheet, rel.date_order, ())
    names, values = _row_values(typed, sheet)
    for i, (row_no, row), src_cell, dst_cell, vals in zip(
        range(len(sheet.rows)), sheet.rows, typed[p1], typed[p2], values, strict=False
    ):
        where = Source(sheet.file, row_no, sheet.sheet, load_id, loaded_at)
        if i in dirty:
            v.edge_row(sheet, row, where)
            continue
        src, dst = _ids(src_cell), _ids(dst_cell)
        if src and dst:
            tie = PendingEdge(
                rel.type, src[0], dst[0], c1.targets, c2.targets, _props(names, vals), where, h1, h2, dst[0]
            )
            v.pending.append(tie)
            v.sheet_ties.append(tie)
