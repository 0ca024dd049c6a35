"""One ledger file → its tables (sheet name, rows of raw cells), or :class:`FileRefused` saying why not, in one line.

What is read: ``.xlsx``/``.xlsm`` with calamine (visible worksheets; every merged range read as its top-left value,
see :func:`fill_merged`), and ``.csv`` in UTF-8 (with or without BOM), GB18030 or UTF-16 (with its BOM, or told by
where its NUL bytes fall), comma- or tab-separated, streamed row by row. A CSV cell the CSV writers made inert (an
apostrophe before ``= + - @``, see :mod:`orggraph.model.inert_cells`) reads back as it was. What is refused, naming the
file: the formats we do not read (``.xls``, ``.et``, ``.ods``, ``.xlsb``: save as .xlsx), a file that is not what its
name says (a workbook named .csv, binary data, an .xls or an encrypted workbook named .xlsx), a CSV in another
encoding, a file we may not open, and anything past the caps of :mod:`loaders.ledger_limits` — checked before the
parser starts.
"""

from __future__ import annotations

import codecs
import csv
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import TypeVar

from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from loaders.cell_values import RawRow, is_blank
from loaders.layout import load_layout
from loaders.ledger_limits import (
    FileRefused,
    LedgerLimits,
    check_file_size,
    check_workbook,
    shortest_text_limit,
    too_many_rows,
)
from orggraph.model.inert_cells import PREFIX, restore

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIX = ".csv"
# formats people save ledgers in that we do not read: each is refused by name, never skipped in silence
NOT_READ = {
    ".xls": "Excel 97-2003 .xls",
    ".xlsb": "Excel 二进制 .xlsb / Excel binary .xlsb",
    ".et": "WPS 表格 .et / WPS Spreadsheets .et",
    ".ett": "WPS 表格模板 .ett / WPS Spreadsheets template .ett",
    ".ods": "OpenDocument .ods",
}
PARSE_THREADS = 2
SNIFF_BYTES = 64 * 1024
_ZIP = b"PK\x03\x04"
_Cell = TypeVar("_Cell")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .et, and any password-protected Office file


@dataclass(frozen=True)
class Table:
    """One sheet (or CSV file) as read: its rows of raw cells, and which rows hold a text longer than the schema's
    shortest ``max_length`` (found while the rows are made, so the reader checks lengths only there)."""

    name: str
    rows: list[RawRow]
    long_rows: frozenset[int]
    hidden: bool = False  # a hidden worksheet named like a ledger: not read, and said so


def read_tables(path: Path, limits: LedgerLimits) -> list[Table]:
    """The tables of one file, every limit checked first; FileRefused (never a raw OS or parser error) if not."""
    suffix = path.suffix.lower()
    if suffix in NOT_READ:
        name = NOT_READ[suffix]
        raise FileRefused(
            f"不读取 {name.split(' / ')[0]} 文件,请另存为 .xlsx 后再导入",
            f"save it as .xlsx ({name.split(' / ')[-1]} is not read)",
        )
    if suffix not in (*WORKBOOK_SUFFIXES, CSV_SUFFIX):
        raise FileRefused("不是台账文件(应为 .xlsx 或 .csv)", "not a ledger file (.xlsx or .csv expected)")
    try:
        size = check_file_size(path, limits)
        with path.open("rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except PermissionError:
        raise FileRefused("没有读取此文件的权限", "permission denied: the file cannot be read") from None
    except OSError:
        raise FileRefused("无法打开此文件", "the file cannot be opened") from None
    if size == 0:
        raise FileRefused(
            "文件为空(0 字节)", "the file is empty (0 bytes)", path.stem if suffix == CSV_SUFFIX else None
        )
    if suffix == CSV_SUFFIX:
        return [csv_table(path, head, limits)]
    _check_is_workbook(head)
    check_workbook(path, limits)
    return xlsx_tables(path, limits)


def _check_is_workbook(head: bytes) -> None:
    if head.startswith(_OLE2):
        raise FileRefused(
            "文件实为旧版 .xls 格式或已设密码,请另存为不加密的 .xlsx 后再导入",
            "the file is in the old .xls format or password-protected; save it as an unprotected .xlsx",
        )
    if not head.startswith(_ZIP):
        raise FileRefused(
            "不是有效的 .xlsx 工作簿(文件内容不是 Excel 格式)", "not a valid .xlsx workbook (the content is not Excel)"
        )


# --- CSV ----------------------------------------------------------------------------------------------------------


def csv_table(path: Path, head: bytes, limits: LedgerLimits) -> Table:
    """Every row of a CSV file, decoded as it streams (a 100 MB file is never one string)."""
    sheet = path.stem
    encodings = _csv_encodings(head, sheet)
    for encoding in encodings:
        try:
            return _parse_csv(path, encoding, _delimiter(head, encoding), limits)
        except _Undecodable as exc:
            if encoding == encodings[-1]:
                name = {"utf-8-sig": "UTF-8"}.get(encoding, encoding.upper())
                raise FileRefused(
                    f"第 {exc.line} 行无法按 {name} 解码:CSV 应为 UTF-8 或 GB18030 编码,请在 Excel 中另存为“CSV UTF-8”",
                    f"line {exc.line} cannot be decoded as {name}: a CSV must be UTF-8 or GB18030; "
                    "save it from Excel as 'CSV UTF-8'",
                    sheet,
                    exc.line,
                ) from None
        except PermissionError:
            raise FileRefused("没有读取此文件的权限", "permission denied: the file cannot be read", sheet) from None
    raise AssertionError("unreachable: the last encoding returns or raises")


class _Undecodable(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def _csv_encodings(head: bytes, sheet: str) -> tuple[str, ...]:
    """Encodings to try, in order, decided from the first 64 KB. A BOM decides alone. A head whose non-ASCII text
    is almost all valid UTF-8 is UTF-8, so a damaged byte is reported, not read as GB18030 mojibake (GB18030 text
    read as UTF-8 is almost all invalid, an odd pair of its bytes aside); any other is GB18030, which takes any
    GBK/GB2312 file (Excel's CSV on Chinese Windows). An ASCII head (English headers) may be followed by either."""
    _refuse_other_formats(head, sheet)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return ("utf-16",)
    if b"\x00" in head:
        return (_utf16_without_bom(head, sheet),)
    if head.startswith(codecs.BOM_UTF8):
        return ("utf-8-sig",)
    if head.isascii():
        return ("utf-8-sig", "gb18030")
    text = codecs.getincrementaldecoder("utf-8")(errors="replace").decode(head)  # a character cut at 64 KB is fine
    bad = text.count("\ufffd")
    good = sum(1 for c in text if c > "\x7f") - bad
    return ("utf-8-sig",) if good >= 10 * bad else ("gb18030",)


def _refuse_other_formats(head: bytes, sheet: str) -> None:
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise FileRefused(
            "不支持 UTF-32 编码的 CSV,请另存为“CSV UTF-8”", "UTF-32 CSV is not read; save it as 'CSV UTF-8'", sheet
        )
    if head.startswith(_ZIP):
        raise FileRefused(
            "文件实为 Excel 工作簿,请将扩展名改为 .xlsx", "the file is an Excel workbook: rename it to .xlsx", sheet
        )
    if head.startswith(_OLE2):
        raise FileRefused(
            "文件实为旧版 .xls 工作簿,请另存为 .xlsx", "the file is an old .xls workbook: save it as .xlsx", sheet
        )


def _utf16_without_bom(head: bytes, sheet: str) -> str:
    """UTF-16 text without a BOM has its NUL bytes almost all on one side (the high byte of ASCII characters; a few
    CJK characters such as 一 U+4E00 put one on the other); anything else with NUL bytes is binary."""
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if odd > 4 * even:
        return "utf-16-le"
    if even > 4 * odd:
        return "utf-16-be"
    raise FileRefused(
        "不是文本文件(含二进制数据),无法作为 CSV 读取", "not a text file (binary data): cannot be read as CSV", sheet
    )


def _delimiter(head: bytes, encoding: str) -> str:
    """Tab when the first lines hold more tabs than commas (Excel's "Unicode text" is tab-separated), else comma."""
    text = head[:4096].decode(encoding, errors="ignore")
    first = "\n".join(text.splitlines()[:5])
    return "\t" if first.count("\t") > first.count(",") else ","


def _parse_csv(path: Path, encoding: str, delimiter: str, limits: LedgerLimits) -> Table:
    cap = limits.max_rows_per_sheet
    with path.open(encoding=encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        try:
            rows = list(islice(reader, cap + 1))  # stops one row past the cap
        except UnicodeDecodeError:
            raise _Undecodable(_first_bad_line(path, encoding)) from None
        except csv.Error as exc:
            raise _csv_error(exc, path.stem, reader.line_num) from None
    if len(rows) > cap:
        raise too_many_rows(limits, path.stem)
    threshold, long_rows = shortest_text_limit(), []
    for i, r in enumerate(rows):
        joined = "".join(r)  # one C-level join answers both questions for the common row
        if PREFIX in joined:
            rows[i] = r = _restored(r)
        if len(joined) > threshold and max(map(len, r)) > threshold:
            long_rows.append(i)
    return Table(path.stem, list(map(tuple, rows)), frozenset(long_rows))


def _first_bad_line(path: Path, encoding: str) -> int:
    """The line where decoding fails (the text stream fails a chunk at a time, so its line count is not exact)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    line = 0
    with path.open("rb") as fh:
        for line, raw in enumerate(fh, start=1):
            try:
                decoder.decode(raw)
            except UnicodeDecodeError:
                return line
    return line


def _restored(row: list[str]) -> list[str]:
    """Undo the CSV writers' inert prefix (only rows holding an apostrophe get here)."""
    return [restore(c) for c in row]


def _csv_error(exc: csv.Error, sheet: str, line: int) -> FileRefused:
    if "field larger than field limit" in str(exc):
        return FileRefused(
            f"第 {line} 行有一格超过 {csv.field_size_limit():,} 个字符,文件未读取",
            f"line {line} holds a cell longer than {csv.field_size_limit():,} characters; the file was not read",
            sheet,
            line,
        )
    return FileRefused(
        f"CSV 格式错误(第 {line} 行),无法读取", f"malformed CSV (line {line}): the file cannot be read", sheet, line
    )


# --- xlsx ---------------------------------------------------------------------------------------------------------


def xlsx_tables(path: Path, limits: LedgerLimits) -> list[Table]:
    """Visible worksheets, read with calamine (Rust; ~50× openpyxl on a city-scale workbook, measured), two
    sheets at a time: calamine parses without holding the GIL (0.45 → 0.25 s on a city workbook, measured)."""
    try:
        with CalamineWorkbook.from_path(str(path)) as wb:
            sheets = [m for m in wb.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
        names = [m.name for m in sheets if m.visible == SheetVisibleEnum.Visible]
        layout = load_layout()
        hidden = [
            Table(m.name, [], frozenset(), hidden=True)
            for m in sheets
            if m.visible != SheetVisibleEnum.Visible and layout.sheet_for_name(m.name)
        ]
        with ThreadPoolExecutor(PARSE_THREADS) as pool:
            return hidden + list(pool.map(lambda name: _xlsx_table(path, name, limits), names))
    except FileRefused:
        raise
    except Exception as exc:  # calamine's own errors: a damaged entry, an unreadable cell
        raise FileRefused(
            "工作簿已损坏或不是有效的 .xlsx 文件,无法读取", "the workbook is damaged or not a valid .xlsx file"
        ) from exc


def _xlsx_table(path: Path, name: str, limits: LedgerLimits) -> Table:
    """One worksheet's cells, with its own workbook handle so that sheets can be parsed in parallel (and this
    Python part of one overlaps calamine's parse of the other). Calamine gives every number as a float; a whole one
    is shown and typed as the integer it was."""
    with CalamineWorkbook.from_path(str(path)) as wb:
        sheet = wb.get_sheet_by_name(name)
        rows = sheet.to_python(skip_empty_area=False)
        if len(rows) > limits.max_rows_per_sheet:  # the row count before parsing can miss rows written oddly
            raise too_many_rows(limits, name)
        fill_merged(sheet.merged_cell_ranges or [], rows)
    threshold = shortest_text_limit()
    cells: list[RawRow] = [tuple([int(v) if type(v) is float and v.is_integer() else v for v in r]) for r in rows]
    long_rows = frozenset(i for i, r in enumerate(cells) if any(type(c) is str and len(c) > threshold for c in r))
    return Table(name, cells, long_rows)


def fill_merged(ranges: list[tuple[tuple[int, int], tuple[int, int]]], rows: list[list[_Cell]]) -> None:
    """Give every cell of every merged range the value of its top-left cell, in the header and in data rows.

    That is what a merge means in a ledger: offices merge equal 上级党组织编号 cells down a block of rows, or a group
    header across columns; read as blanks they would silently clear ties. A row blank apart from the merge (the
    block reaching past the last record) stays blank: it holds no record of its own. Ranges are 0-based, absolute
    (row, column) pairs, as calamine gives them (``skip_empty_area=False`` keeps rows aligned with them)."""
    own_blank = {
        r
        for (r0, _), (r1, _) in ranges
        for r in range(r0 + 1, min(r1, len(rows) - 1) + 1)
        if all(is_blank(c) for c in rows[r])
    }
    for (r0, c0), (r1, c1) in ranges:
        if r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            if r in own_blank:
                continue
            row = rows[r]
            for c in range(c0, min(c1, len(row) - 1) + 1):
                row[c] = value
