"""Ledger files → located tables: which record kind each sheet holds, where its header is, its rows.

The files are read by :mod:`loaders.ledger_tables` (limits first, then .xlsx with calamine or .csv streamed; merged
ranges read as their top-left value everywhere). Here each table is matched to a record kind by its name or header
(a title row or a group-header row above the real header is skipped), its header cells to columns, and its data rows
kept. Nothing is dropped in silence: a file that cannot be read, an unknown column (with the closest known one as a
suggestion), a file or workbook with no data at all, a cell longer than its column allows — each is an error naming
the file, sheet, row and column. Values stay raw here; ``ledger_validation`` types them.
"""

from __future__ import annotations

import difflib
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from loaders.cell_values import CellParser, RawRow, cell_parser, is_blank, normalize_text
from loaders.layout import Column, Layout, OwnedKey, Sheet, header_key, load_layout
from loaders.ledger_limits import FileRefused, LedgerLimits, refusing_overlong, shorten_long_cells
from loaders.ledger_tables import CSV_SUFFIX, NOT_READ, WORKBOOK_SUFFIXES, Table, read_tables
from orggraph.model.errors import Issue, OrgGraphError
from orggraph.model.schema import PropertySpec, load_schema

HEADER_SCAN_ROWS = 12
SUFFIXES = (*WORKBOOK_SUFFIXES, CSV_SUFFIX)
# a column as each cell of it is read: position, property (or None), header, required, whether to look for
# personal numbers, and its parser (None for an id column)
CellPlan = tuple[int, str | None, str, bool, bool, CellParser | None]
Columns = tuple[tuple[int, Column, str], ...]  # (position, column, header as written)
SUGGEST_CUTOFF = 0.6  # difflib ratio: 上级党组织编码 → 上级党组织编号 is 0.86, 名字 → 名称 (one character of two) 0.5


@dataclass(frozen=True)
class SheetData:
    """One sheet whose kind and header are known: its columns by position and its data rows."""

    file: str
    sheet: str
    kind: Sheet
    header_row: int
    columns: Columns
    rows: tuple[tuple[int, RawRow], ...]  # (row number in the file, cell values)
    overlong: bool = False  # some cell is a ledger_limits.OverLong: its column's parser must refuse it

    @cached_property
    def cell_plan(self) -> tuple[CellPlan, ...]:
        """Per column: position, property (or None), header, required, whether to look for personal
        numbers, and its parser — decided once per sheet so each cell costs one call."""
        return tuple(
            (
                pos,
                col.prop,
                header,
                col.is_required,
                not (col.spec is not None and col.spec.format == "credit_code"),
                self._parser(col.spec) if col.prop and col.spec else None,  # a property column has its spec
            )
            for pos, col, header in self.columns
        )

    def _parser(self, spec: PropertySpec) -> CellParser:
        parse = cell_parser(spec)
        return refusing_overlong(parse) if self.overlong else parse

    @cached_property
    def edge_columns(self) -> tuple[tuple[int, Column, str, OwnedKey], ...]:
        """The columns that hold ids of other nodes: (position, column, header, key of the ties it owns); none on an
        edge sheet, whose rows are ties and own none."""
        label = self.kind.label
        if label is None:
            return ()
        return tuple(
            (pos, col, header, (label, col.edge, col.reverse, col.targets))
            for pos, col, header in self.columns
            if col.edge is not None
        )

    @cached_property
    def prop_headers(self) -> dict[str, str]:
        """Property name → the header as written (for messages)."""
        return {c.prop: h for _, c, h in self.columns if c.prop}


def ledger_files(directory: Path) -> list[Path]:
    """The ledger files of a folder (or the file itself), skipping Office lock files and hidden files.

    Formats we do not read (.xls, .et, .ods, .xlsb) are listed too, so that the reader names them ("save it as
    .xlsx") instead of the folder looking empty."""
    if directory.is_file():
        return [directory]
    wanted = (*SUFFIXES, *NOT_READ)
    return sorted(
        p
        for p in directory.iterdir()
        if p.suffix.lower() in wanted and not p.name.startswith(("~$", ".")) and p.is_file()
    )


def ledger_files_at(path: Path) -> list[Path]:
    """The ledger files under ``path``, or a two-language error naming the path when there are none: checked
    before anything slower (a server) is started, so a mistyped folder is said at once."""
    if not path.exists():
        raise OrgGraphError(f"找不到台账文件或文件夹:{path}", f"no such ledger file or folder: {path}")
    files = ledger_files(path)
    if not files:
        raise OrgGraphError(f"{path} 中没有台账文件(.xlsx/.csv)", f"no ledger files (.xlsx/.csv) in {path}")
    return files


def _score(sheet: Sheet, row: RawRow) -> int:
    keys = {header_key(c) for c in row if not is_blank(c)}
    return sum(1 for col in sheet.all_columns if col.aliases() & keys)


def _find_header(name: str, rows: list[RawRow], layout: Layout) -> tuple[Sheet, int] | None:
    named = layout.sheet_for_name(name)
    candidates = [named] if named else list(layout.sheets)
    best: tuple[int, Sheet | None, int] = (0, None, -1)
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        for sheet in candidates:
            score = _score(sheet, row)
            if score > best[0]:
                best = (score, sheet, i)
    score, found, index = best
    if found is None or score < min(2, len(found.all_columns)):
        return None
    return found, index


def _closest(sheet: Sheet, key: str, taken: dict[int, str]) -> int | None:
    """The column of ``sheet`` (not yet in the header) whose name is closest to an unknown header, if any is close."""
    options = {alias: i for i, col in enumerate(sheet.all_columns) if i not in taken for alias in col.aliases()}
    found = difflib.get_close_matches(key, list(options), n=1, cutoff=SUGGEST_CUTOFF)
    return options[found[0]] if found else None


def _unknown_column(file: str, row_no: int, name: str, text: str, suggestion: str | None) -> Issue:
    if suggestion is None:
        zh, en = f"未知列“{text}”(模板中没有此列)", f"unknown column '{text}' (not in the template)"
    else:
        zh, en = f"未知列“{text}”,是否应为“{suggestion}”?", f"unknown column '{text}'; did you mean '{suggestion}'?"
    return Issue(file, row_no, text, text, zh, en, name)


def _map_columns(file: str, name: str, sheet: Sheet, header: RawRow, row_no: int) -> tuple[Columns, list[Issue]]:
    """Header cells → columns, with issues for personal-data, unknown, repeated and missing columns.

    An unknown column is an error (its cells would reach nothing), with the closest missing column as a
    suggestion; a required column suggested so is not reported missing a second time."""
    forbidden = {header_key(f) for f in load_schema().forbidden_properties}
    row_numbers = load_layout().row_number_keys
    mapped: list[tuple[int, Column, str]] = []
    issues: list[Issue] = []
    seen: dict[int, str] = {}  # column index → the header as written
    unknown: list[tuple[str, str]] = []  # (key, header as written)
    for pos, cell in enumerate(header):
        if is_blank(cell) or header_key(cell) in row_numbers:
            continue
        key, text = header_key(cell), normalize_text(cell)
        col = next((i for i, c in enumerate(sheet.all_columns) if key in c.aliases()), None)
        if any(f in key for f in forbidden):
            issues.append(
                Issue(
                    file,
                    row_no,
                    text,
                    text,
                    "不得登记身份证号、电话等个人敏感信息,请删除此列",
                    "ID-card and phone numbers must not be recorded; remove this column",
                    name,
                )
            )
        elif col is None:
            unknown.append((key, text))
        elif col in seen:
            issues.append(
                Issue(file, row_no, text, text, f"与“{seen[col]}”重复的列", f"repeats column '{seen[col]}'", name)
            )
        else:
            seen[col] = text
            mapped.append((pos, sheet.all_columns[col], text))
    suggested: set[int | None] = set()
    for key, text in unknown:
        match = _closest(sheet, key, seen)
        suggested.add(match)
        issues.append(
            _unknown_column(file, row_no, name, text, None if match is None else sheet.all_columns[match].header)
        )
    missing = [c.header for i, c in enumerate(sheet.all_columns) if c.is_required and i not in seen.keys() | suggested]
    issues += [
        Issue(file, row_no, m, None, f"缺少必填列“{m}”", f"required column '{m}' is missing", name) for m in missing
    ]
    return tuple(mapped), issues


def _data_rows(
    table: Table, header: int, columns: Columns, all_text: bool
) -> tuple[tuple[tuple[int, RawRow], ...], bool]:
    """The rows below the header that hold something, as (row number, cells); a text cell longer than its
    property's ``max_length`` is replaced by an OverLong, which its parser refuses. Also: whether there is one."""
    limits = tuple((pos, col.spec.max_length) for pos, col, _ in columns if col.spec and col.spec.max_length)
    rows, long_rows = table.rows, table.long_rows if limits else ()
    data, overlong = [], False
    for i in range(header + 1, len(rows)):
        row = rows[i]
        # all_text: a CSV row, every cell a str (one C-level join; no per-cell call, no per-row cast)
        if not ("".join(row).strip() if all_text else any(not is_blank(c) for c in row)):  # type: ignore[arg-type]
            continue
        if i in long_rows:
            shortened = shorten_long_cells(row, limits)
            if shortened is not None:
                row, overlong = shortened, True
        data.append((i + 1, row))
    return tuple(data), overlong


def _unrecognised(file: str, name: str) -> Issue:
    return Issue(
        file,
        None,
        None,
        name,
        "无法识别该表的台账类型(表名或表头不匹配任何模板)",
        "cannot tell which ledger this sheet is (name and header match no template)",
        name,
    )


def _refused(path: Path, refused: FileRefused) -> Issue:
    sheet = refused.sheet if refused.sheet is not None else (path.stem if path.suffix.lower() == CSV_SUFFIX else None)
    return Issue(path.name, refused.row, None, None, refused.zh, refused.en, sheet)


def _read_file(path: Path, layout: Layout, limits: LedgerLimits) -> tuple[list[SheetData], list[Issue]]:
    """The located sheets of one file, and what is wrong with it."""
    try:
        tables = read_tables(path, limits)
    except FileRefused as refused:
        return [], [_refused(path, refused)]
    all_text = path.suffix.lower() == CSV_SUFFIX
    sheets: list[SheetData] = []
    issues: list[Issue] = []
    for table in tables:
        name, rows = table.name, table.rows
        if table.hidden:
            issues.append(
                Issue(
                    path.name,
                    None,
                    None,
                    None,
                    f"工作表“{name}”已隐藏,未读取:取消隐藏后再导入,或删除它",
                    f"sheet '{name}' is hidden and was not read: unhide it to load it, or delete it",
                    name,
                )
            )
            continue
        if not any(not is_blank(c) for r in rows for c in r):
            continue
        found = _find_header(name, rows, layout)
        if found is None:
            issues.append(_unrecognised(path.name, name))
            continue
        kind, index = found
        columns, header_issues = _map_columns(path.name, name, kind, rows[index], index + 1)
        issues += header_issues
        data, overlong = _data_rows(table, index, columns, all_text)
        sheets.append(SheetData(path.name, name, kind, index + 1, columns, data, overlong))
    if not sheets and not issues:
        issues.append(_nothing(path, all_text))
    return sheets, issues


def _nothing(path: Path, csv_file: bool) -> Issue:
    if csv_file:
        return Issue(
            path.name, None, None, None, "文件中没有任何内容", "the file holds nothing (no cell has a value)", path.stem
        )
    return Issue(
        path.name,
        None,
        None,
        None,
        "工作簿的可见工作表中没有任何内容",
        "the workbook holds nothing (no visible sheet has a cell with a value)",
    )


def _header_only(sheets: list[_Seen], sets: dict[str, str]) -> list[Issue]:
    """A ledger set — one workbook, or all the CSV files read together — whose sheets have headers but no data row
    at all: an error for each such sheet (a wrong export, or a blank template). A sheet with only its header beside
    sheets with data is an empty record kind, as a partly filled template or an export of a graph without that kind
    has: nothing in it could be lost, so nothing is said."""
    with_data = {sets[s.file] for s in sheets if s.rows}
    return [
        Issue(s.file, None, None, None, "只有表头,没有数据行", "header only, no data rows", s.sheet)
        for s in sheets
        if sets[s.file] not in with_data
    ]


def read_ledgers(
    paths: Iterable[Path], layout: Layout | None = None, limits: LedgerLimits | None = None
) -> tuple[list[SheetData], list[Issue]]:
    """Locate every sheet of every file; sheets that match no record kind are reported, not guessed.

    ``limits`` caps each file before it is parsed (defaults: :class:`LedgerLimits`)."""
    stream = LedgerStream(paths, layout, limits)
    sheets = list(stream)
    return sheets, stream.issues


class LedgerStream:
    """The sheets of the ledgers, file by file, as an iterator: a validator that takes each sheet as it comes (and
    lets it go) never holds more than one file's cells (a province's are ~1 GB together; its largest file ~0.25 GB).
    ``issues`` is complete once the iteration is."""

    def __init__(self, paths: Iterable[Path], layout: Layout | None = None, limits: LedgerLimits | None = None) -> None:
        self.paths, self.layout, self.limits = list(paths), layout or load_layout(), limits or LedgerLimits()
        self.issues: list[Issue] = []
        self.seconds = 0.0  # spent reading files (the rest of a validation's time is the checks')

    def __iter__(self) -> Iterator[SheetData]:
        seen: list[_Seen] = []
        sets: dict[str, str] = {}  # file → the ledger set it belongs to (a workbook; all CSV files together)
        for path in self.paths:
            started = time.perf_counter()
            found, problems = _read_file(path, self.layout, self.limits)
            self.seconds += time.perf_counter() - started
            self.issues += problems
            sets[path.name] = CSV_SUFFIX if path.suffix.lower() == CSV_SUFFIX else path.name
            seen += [_Seen(s.file, s.sheet, bool(s.rows)) for s in found]
            found.reverse()
            while found:  # handed over one by one: a sheet the consumer has finished with is not kept here
                yield found.pop()
        self.issues += _header_only(seen, sets)


@dataclass(frozen=True)
class _Seen:
    """What the header-only check needs of a sheet once its cells are gone."""

    file: str
    sheet: str
    rows: bool
