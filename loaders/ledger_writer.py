"""Records → ledgers: the sheets a street or community would keep, as xlsx or CSV (UTF-8 or GB18030).

The inverse of the reader; used by the region generator (the demo goes through the real loader),
by ``orggraph template`` (blank ledgers) and by ``orggraph export``.

What we write is inert (``orggraph.model.inert_cells``): a text a spreadsheet would run as a formula (``=HYPERLINK(…)``,
``+cmd|…``, ``@SUM(…)``) goes into a CSV behind an apostrophe, which the reader takes off again, and into an xlsx
as a string cell, exactly as it was.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from loaders.layout import Column, Layout, Sheet, load_layout
from orggraph.model.errors import SchemaError
from orggraph.model.inert_cells import TRIGGERS, neutralise
from orggraph.model.records import EdgeRecord, NodeRecord

if TYPE_CHECKING:
    from openpyxl.cell import Cell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

WORKBOOK = "台账.xlsx"
MANY_SEPARATOR = ";"


def cell_text(value: object) -> object:
    """A value as a ledger cell: booleans as 是/否, everything else as itself."""
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


class _EdgeIndex:
    """Edges grouped the way node sheets show them: by (type, reverse, owner id)."""

    def __init__(self, edges: Iterable[EdgeRecord]) -> None:
        self.by_owner: dict[tuple[str, bool, str], list[EdgeRecord]] = defaultdict(list)
        self.by_type: dict[str, list[EdgeRecord]] = defaultdict(list)
        for e in edges:
            self.by_owner[(e.type, False, e.src_id)].append(e)
            self.by_owner[(e.type, True, e.dst_id)].append(e)
            self.by_type[e.type].append(e)

    def cell(self, col: Column, owner: NodeRecord) -> str | None:
        if col.edge is None:  # not an id column: no ties to show
            return None
        found = self.by_owner.get((col.edge, col.reverse, owner.id), [])
        found = [e for e in found if (e.src_label if col.reverse else e.dst_label) in col.targets]
        ids = [e.src_id if col.reverse else e.dst_id for e in found]
        if len(ids) > 1 and not col.many:
            raise SchemaError(
                f"{owner.id} 的“{col.header}”只能填一个编号,却有 {len(ids)} 个",
                f"{owner.id}: column {col.en} holds one id, got {len(ids)}",
            )
        return MANY_SEPARATOR.join(ids) or None


def sheet_rows(sheet: Sheet, nodes: list[NodeRecord], index: _EdgeIndex) -> list[list[object]]:
    """The data rows of one sheet (no header)."""
    columns = sheet.all_columns
    if sheet.edge_sheet is not None:
        return [
            [e.src_id, e.dst_id, *[cell_text(e.props.get(c.prop)) if c.prop else None for c in columns[2:]]]
            for e in index.by_type.get(sheet.edge_sheet.type, [])
        ]
    rows = []
    for n in nodes:
        values = {"id": n.id, **n.props}
        rows.append([cell_text(values.get(c.prop)) if c.prop else index.cell(c, n) for c in columns])
    return rows


def all_sheet_rows(
    nodes: Iterable[NodeRecord], edges: Iterable[EdgeRecord], layout: Layout | None = None
) -> dict[Sheet, list[list[object]]]:
    layout = layout or load_layout()
    by_label: dict[str, list[NodeRecord]] = defaultdict(list)
    for n in nodes:
        by_label[n.label].append(n)
    index = _EdgeIndex(edges)
    return {s: sheet_rows(s, [] if s.label is None else by_label.get(s.label, []), index) for s in layout.sheets}


def inert_xlsx_row(ws: WriteOnlyWorksheet, row: Iterable[object]) -> list[object]:
    """A row for a write-only openpyxl sheet in which no text becomes a live cell.

    openpyxl stores a text starting with ``=`` as a formula and ``#N/A`` and the like as error cells; such texts
    (and every other formula trigger, for good measure) go in as explicit string cells, which Excel, WPS and
    LibreOffice show as the text they are. Other values pass through untouched."""
    return [_string_cell(ws, v) if type(v) is str and v.startswith(_LIVE) else v for v in row]


_LIVE = (*TRIGGERS, "#")  # "#" only for openpyxl's error codes (#N/A, #REF!, …); a string cell for "#3" is harmless


def _string_cell(ws: WriteOnlyWorksheet, text: str) -> Cell:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, text)
    cell.data_type = "s"  # set after the value: assigning a value picks the type again
    return cell


def write_xlsx(path: Path, sheets: dict[Sheet, list[list[object]]]) -> Path:
    from openpyxl import Workbook  # imported here: ~0.1 s that every other CLI command would pay

    path.parent.mkdir(parents=True, exist_ok=True)  # first: a folder that cannot be made leaves no workbook half-built
    wb = Workbook(write_only=True)
    for sheet, rows in sheets.items():
        ws = wb.create_sheet(sheet.zh)
        ws.append([c.header for c in sheet.all_columns])
        for row in rows:
            ws.append(inert_xlsx_row(ws, row))
    wb.save(path)
    return path


def _csv_value(value: object) -> object:
    """Dates as ISO text; a text a spreadsheet would run as a formula behind an apostrophe."""
    return value.isoformat() if isinstance(value, dt.date) else neutralise(value)


def write_csv_dir(directory: Path, sheets: dict[Sheet, list[list[object]]], encoding: str = "utf-8") -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for sheet, rows in sheets.items():
        path = directory / f"{sheet.zh}.csv"
        with path.open("w", encoding=encoding, newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow([c.header for c in sheet.all_columns])
            writer.writerows([[_csv_value(v) for v in row] for row in rows])
        paths.append(path)
    return paths


def without_columns(omit: Iterable[tuple[str, str]], layout: Layout | None = None) -> Layout:
    """The layout less some (label, property) columns: a ledger that does not have a column leaves that property
    as the graph holds it when loaded (an export without names keeps the names in the graph)."""
    layout, omit = layout or load_layout(), set(omit)
    return Layout(
        sheets=tuple(
            Sheet(
                id=s.id,
                zh=s.zh,
                en=s.en,
                label=s.label,
                edge_sheet=s.edge_sheet,
                columns=tuple(c for c in s.columns if (s.label, c.prop) not in omit),
            )
            for s in layout.sheets
        ),
        row_number_headers=layout.row_number_headers,
    )


LEDGER_FORMATS = ("xlsx", "csv")
CSV_ENCODINGS = ("utf-8", "gb18030")  # the encodings a ledger CSV is read in (loaders.ledger_tables)


def write_ledgers(
    nodes: Iterable[NodeRecord],
    edges: Iterable[EdgeRecord],
    out: Path,
    fmt: str = "xlsx",
    encoding: str = "utf-8",
    omit: Iterable[tuple[str, str]] = (),
) -> list[Path]:
    """Write every sheet (empty ones too) as one workbook or one CSV per sheet; returns the files. ``omit``: the
    (label, property) columns left out altogether (not written blank)."""
    sheets = all_sheet_rows(nodes, edges, without_columns(omit) if omit else None)
    if fmt == "xlsx":
        return [write_xlsx(out / WORKBOOK, sheets)]
    return write_csv_dir(out, sheets, encoding)


def write_templates(out: Path, example: Path, fmt: str = "xlsx") -> list[Path]:
    """Blank ledgers (headers only) and a filled example from a fixture (the small demo region)."""
    from loaders.fixture import read_fixture

    blank = write_ledgers([], [], out / "空白模板 blank", fmt)
    filled = write_ledgers(*read_fixture(example), out / "示例 example", fmt)
    return blank + filled
