"""Limits checked before a ledger file is parsed: its size, what a workbook unzips to, its rows, a cell's length.

A ledger comes from outside. A 5.9 MB workbook can unzip to 1.7 GB (a zip bomb: calamine then needs several times
that in memory), a CSV can hold millions of rows, a cell 100,000 characters (the graph refuses it at commit, with no
row or column). Each is refused here with one bilingual error naming the file (and sheet, row, column) before the
parser spends memory on it. The caps come from settings (``max_file_mb``, ``max_unzipped_mb``,
``max_rows_per_sheet``) through :class:`LedgerLimits`; a cell's length limit is its property's ``max_length`` in the
schema (``text_limits``: a name 200 characters, other text 2,000).

>>> LedgerLimits().max_rows_per_sheet
2000000
>>> cell = OverLong("太白社区" * 100, 200)
>>> cell.length, str(cell)
(400, '太白社区太白社区太白社区太白社区太白社区…')
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from functools import cache
from pathlib import Path, PurePosixPath

from pydantic import BaseModel, ConfigDict, Field

from loaders.cell_values import CellParser, RawRow, ValueProblem
from orggraph.model.config import Settings
from orggraph.model.errors import OrgGraphError
from orggraph.model.schema import NodeSpec, RelationshipSpec, load_schema

MB = 1024 * 1024
CHUNK = MB
PREVIEW_CHARS = 20
_SHEET_DATA = re.compile(rb"<(\w+:)?sheetData[ >/]")
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


class LedgerLimits(BaseModel):
    """The caps a ledger file must stay within; built from settings by :meth:`from_settings`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_file_mb: float = Field(default=200.0, gt=0)  # a file on disk
    max_unzipped_mb: float = Field(default=1024.0, gt=0)  # what one xlsx unzips to, all its entries together
    max_rows_per_sheet: int = Field(default=2_000_000, gt=0)  # a CSV file or one worksheet, header rows included
    max_zip_ratio: float = Field(default=200.0, gt=1)  # one big entry compressed more than this: a zip bomb
    zip_ratio_from_mb: float = Field(default=16.0, ge=0)  # entries smaller than this unzipped are never judged by ratio

    @classmethod
    def from_settings(cls, settings: Settings) -> LedgerLimits:
        return cls(
            max_file_mb=settings.max_file_mb,
            max_unzipped_mb=settings.max_unzipped_mb,
            max_rows_per_sheet=settings.max_rows_per_sheet,
        )


class FileRefused(OrgGraphError):
    """A ledger file (or one of its sheets) that is not read at all: why, in both languages, and which sheet."""

    def __init__(self, zh: str, en: str, sheet: str | None = None, row: int | None = None) -> None:
        super().__init__(zh, en)
        self.sheet, self.row = sheet, row


def check_file_size(path: Path, limits: LedgerLimits) -> int:
    """The file's size in bytes, or FileRefused when it is over ``max_file_mb``."""
    size = path.stat().st_size
    if size > limits.max_file_mb * MB:
        raise FileRefused(
            f"文件大小 {size / MB:,.0f} MB,超过上限 {limits.max_file_mb:,.0f} MB(设置 max_file_mb),未读取",
            f"the file is {size / MB:,.0f} MB, over the {limits.max_file_mb:,.0f} MB limit (setting max_file_mb); "
            "not read",
        )
    return size


def too_many_rows(limits: LedgerLimits, sheet: str | None) -> FileRefused:
    """A sheet found to hold more rows than ``max_rows_per_sheet`` (counted as far as the cap, no further)."""
    cap = limits.max_rows_per_sheet
    return FileRefused(
        f"超过每表 {cap:,} 行的上限(设置 max_rows_per_sheet),未读取",
        f"more than {cap:,} rows, the limit per sheet (setting max_rows_per_sheet); not read",
        sheet,
    )


def check_workbook(path: Path, limits: LedgerLimits) -> None:
    """Refuse a workbook that would unzip past the caps, before calamine opens it.

    First the zip directory: the declared sizes of all entries together, and each big entry's compression ratio.
    Then every entry is inflated in 1 MB chunks and thrown away, counting the bytes (a directory can lie about
    them) and each worksheet's ``<row>`` elements; nothing is kept, so this costs time (~0.1 s for a city
    workbook), not memory."""
    try:
        with zipfile.ZipFile(path) as zf:
            entries = zf.infolist()
            _check_directory(entries, limits)
            names = _sheet_names(zf)
            total = 0
            for info in entries:
                total = _inflate(zf, info, names.get(info.filename), total, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, ValueError, OSError) as exc:
        raise FileRefused(
            "工作簿已损坏或不是有效的 .xlsx 文件,无法读取", "the workbook is damaged or not a valid .xlsx file"
        ) from exc


def _check_directory(entries: list[zipfile.ZipInfo], limits: LedgerLimits) -> None:
    declared = sum(i.file_size for i in entries)
    if declared > limits.max_unzipped_mb * MB:
        raise _unzips_to(declared, limits)
    for info in entries:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.zip_ratio_from_mb * MB and ratio > limits.max_zip_ratio:
            raise FileRefused(
                f"工作簿中的“{info.filename}”压缩比为 {ratio:,.0f}:1,远超正常表格(疑似压缩炸弹),未打开",
                f"entry '{info.filename}' is compressed {ratio:,.0f}:1, far beyond any real sheet (a zip bomb?); "
                "not opened",
            )


def _unzips_to(size: int, limits: LedgerLimits) -> FileRefused:
    return FileRefused(
        f"工作簿解压后达 {size / MB:,.0f} MB,超过上限 {limits.max_unzipped_mb:,.0f} MB(设置 max_unzipped_mb),未打开",
        f"the workbook unzips to {size / MB:,.0f} MB, over the {limits.max_unzipped_mb:,.0f} MB limit "
        "(setting max_unzipped_mb); not opened",
    )


def _inflate(zf: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: str | None, total: int, limits: LedgerLimits) -> int:
    """Inflate one entry chunk by chunk; the running total of bytes, or FileRefused past a cap."""
    rows, tail, tag = 0, b"", None
    is_sheet = info.filename.startswith("xl/worksheets/")
    with zf.open(info) as fh:
        while chunk := fh.read(CHUNK):
            total += len(chunk)
            if total > limits.max_unzipped_mb * MB:
                raise _unzips_to(total, limits)
            if is_sheet:
                tag = tag or _row_tag(chunk)
                window = tail + chunk  # a tag cut by the chunk boundary is whole here; the tail holds no whole tag
                rows += window.count(tag)
                tail = chunk[-(len(tag) - 1) :]
                if rows > limits.max_rows_per_sheet:
                    raise too_many_rows(limits, sheet or info.filename)
    return total


def _row_tag(head: bytes) -> bytes:
    """``<row``, with the namespace prefix the sheet uses if any (``<x:row``): one per row element (one count of
    one tag: counting several costs 45 ms each on a city workbook, measured)."""
    found = _SHEET_DATA.search(head)
    return b"<" + ((found.group(1) or b"") if found else b"") + b"row"


def _sheet_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet entry → the sheet's name as the user sees it (for messages); empty when the workbook is odd."""
    try:
        rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
        book = ET.fromstring(zf.read("xl/workbook.xml"))
    except (KeyError, ET.ParseError):
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    names = {}
    for sheet in book.iter("{http://schemas.openxmlformats.org/spreadsheetml/2006/main}sheet"):
        target = targets.get(sheet.get(_REL), "")
        entry = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        names[entry] = sheet.get("name", "")
    return names


@cache
def shortest_text_limit() -> int:
    """The smallest ``max_length`` of any property in the schema: a row with no longer text needs no closer look."""
    schema = load_schema()
    owners: list[NodeSpec | RelationshipSpec] = [*schema.nodes.values(), *schema.relationships.values()]
    specs = [p for owner in owners for p in owner.properties]
    return min((p.max_length for p in specs if p.max_length), default=schema.text_limits.name)


class OverLong(str):
    """A cell longer than its column allows, standing in for it in the row: it reads as its first characters (so a
    message never echoes 100,000 of them) and the cell parser refuses it with :attr:`problem`."""

    length: int  # the cell's characters
    limit: int  # its column's max_length

    def __new__(cls, text: str, limit: int) -> OverLong:
        preview = text[:PREVIEW_CHARS]
        if sum(c.isdigit() for c in preview) >= 7:  # could be someone's phone or ID number: not echoed
            preview = re.sub(r"\d", "*", preview)
        self = super().__new__(cls, f"{preview}…")
        self.length, self.limit = len(text), limit
        return self

    @property
    def problem(self) -> ValueProblem:
        return ValueProblem(
            f"内容过长:{self.length:,} 个字符,此列最多 {self.limit:,} 个",
            f"too long: {self.length:,} characters, this column takes at most {self.limit:,}",
        )


def refusing_overlong(parse: CellParser) -> CellParser:
    """A cell parser that first refuses an :class:`OverLong` cell (used only for sheets that hold one)."""

    def parse_or_refuse(value: object) -> object:
        if type(value) is OverLong:
            raise value.problem
        return parse(value)

    return parse_or_refuse


def shorten_long_cells(row: RawRow, cell_limits: tuple[tuple[int, int], ...]) -> RawRow | None:
    """The row with every text cell longer than its column's limit replaced by :class:`OverLong`; None when it has
    none. ``cell_limits`` holds (position, max characters) of each property column."""
    width, cells = len(row), None
    for pos, limit in cell_limits:
        value = row[pos] if pos < width else None
        if isinstance(value, str) and len(value) > limit:
            cells = cells or list(row)
            cells[pos] = OverLong(value, limit)
    return None if cells is None else tuple(cells)
