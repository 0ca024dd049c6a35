"""The gap report as an Excel workbook for a monthly report (issue 13), in Chinese for the staff who file it.

Sheets: 汇总 (per rule: name, kind, severity, covered, total, rate, gaps, what counts as covered), 分区 (per
rule, level and area: covered, total, rate, gaps), then one sheet per rule named by the rule's Chinese name (its
gaps: id, name, the area chain, 原因 and 建议 wrapped). Every sheet opens with a title row (what, the area, the
as-of date, when it was generated in local time) and a note row; the header row below is frozen and carries an
autofilter; rates are numbers shown as ``0.0%``, counts integers; column widths fit Chinese text.

Inert: every text goes in as an explicit string cell, never a formula (a ledger name such as ``=HYPERLINK(…)``
stays text when a planner opens the file; see ``orggraph.model.inert_cells``).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from orggraph.analysis.coverage import GapReport, RuleOutcome
from orggraph.analysis.geography import AREA_LEVELS
from orggraph.model.schema import load_schema

if TYPE_CHECKING:
    from openpyxl.cell import Cell
    from openpyxl.styles.cell_style import StyleArray
    from openpyxl.workbook import Workbook
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

SEVERITY_ZH = {"high": "高", "medium": "中", "low": "低"}
WHOLE = "全部区域"
RATE_FORMAT = "0.0%"
COUNT_FORMAT = "#,##0"
WRAPPED = frozenset({"原因", "建议", "覆盖标准"})  # long texts: a fixed width, wrapped
WRAP_WIDTH = 40
MAX_WIDTH = 60
HEADER_ROW = 3  # 1 title, 2 note, 3 header; data from row 4
SUMMARY, AREAS = "汇总", "分区"
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Table:
    """One sheet: its name, title and note rows, header and rows; rate columns by header name."""

    sheet: str
    title: str
    note: str
    header: list[str]
    rows: list[list[Any]]
    rates: frozenset[str] = frozenset({"覆盖率"})
    formats: dict[str, str] = field(default_factory=dict)  # number formats of other columns, by header name


def report_xlsx(report: GapReport, generated: dt.datetime | None = None) -> bytes:
    """The workbook's bytes: 汇总, 分区, then one sheet per rule (see the module's docstring).

    ``generated`` is the time printed in the titles (now, in local time, unless given)."""
    stamp = _stamp(report, generated)
    names = sheet_names([o.rule.zh or o.rule.id for o in report.outcomes], reserved=(SUMMARY, AREAS))
    tables = [summary_table(report, stamp), area_table(report, stamp)]
    tables += [rule_table(o, name, stamp) for o, name in zip(report.outcomes, names, strict=True)]
    return workbook_bytes(f"覆盖缺口报告 · {stamp}", tables)


def workbook_bytes(title: str, tables: Sequence[Table]) -> bytes:
    """A workbook of ``tables``, a sheet each in the house style (``write_table``), as the bytes a download or a
    file gets; ``title`` is the file's own title (shown by spreadsheet programs' properties)."""
    from openpyxl import Workbook  # imported here: ~0.1 s that other commands would pay

    wb = Workbook(write_only=True)
    wb.properties.title = title
    wb.properties.creator = "orggraph"
    for table in tables:
        write_table(wb, table)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _stamp(report: GapReport, generated: dt.datetime | None) -> str:
    where = f"{report.area.name}({report.area.id})" if report.area else WHOLE
    at = (generated or dt.datetime.now()).astimezone().strftime("%Y-%m-%d %H:%M")
    return f"{where} · 截至 {report.as_of.isoformat()} · 生成于 {at}"


def summary_table(report: GapReport, stamp: str) -> Table:
    rows = [
        [
            o.rule.zh,
            o.rule.coverage,
            SEVERITY_ZH.get(o.rule.severity, o.rule.severity),
            o.covered,
            o.total,
            o.rate,
            len(o.gaps),
            o.rule.covered_zh,
        ]
        for o in report.outcomes
    ]
    return Table(
        SUMMARY,
        f"覆盖缺口报告 · {stamp}",
        "覆盖率 = 已覆盖 / 总数;各规则的缺口清单见同名工作表,各区域的覆盖率见「分区」",
        ["规则", "类别", "严重度", "已覆盖", "总数", "覆盖率", "缺口", "覆盖标准"],
        rows,
    )


def area_table(report: GapReport, stamp: str) -> Table:
    schema = load_schema()
    rows = [
        [o.rule.zh, schema.node(level).zh, a.area.id, a.area.name, a.covered, a.total, a.rate, a.total - a.covered]
        for o in report.outcomes
        for level in AREA_LEVELS
        for a in o.areas.get(level, ())
    ]
    return Table(
        AREAS,
        f"各区域覆盖率 · {stamp}",
        "每条规则在每一层级(区县旗、街道乡镇、社区村嘎查、网格)每个区域的覆盖情况;可按规则、层级筛选",
        ["规则", "层级", "区域编号", "区域", "已覆盖", "总数", "覆盖率", "缺口"],
        rows,
    )


def rule_table(outcome: RuleOutcome, sheet: str, stamp: str) -> Table:
    schema = load_schema()
    rows = []
    for g in outcome.gaps:
        names = {p.label: p.name for p in g.chain}
        rows.append([g.id, g.name, *(names.get(level, "") for level in AREA_LEVELS), g.why_zh, g.action_zh])
    rate = "" if outcome.rate is None else f"({outcome.rate:.1%})"
    covered = f"已覆盖 {outcome.covered:,}/{outcome.total:,}{rate}"
    return Table(
        sheet,
        f"{outcome.rule.zh} · 缺口 {len(outcome.gaps):,} 个 · {covered} · {stamp}",
        f"覆盖标准:{outcome.rule.covered_zh}",
        ["编号", "名称", *(schema.node(level).zh for level in AREA_LEVELS), "原因", "建议"],
        rows,
    )


def sheet_names(wanted: Sequence[str], reserved: Sequence[str] = ()) -> list[str]:
    """Excel sheet names for ``wanted``: no ``[]:*?/\\``, no apostrophe at either end, at most 31 characters, and
    unique among themselves and ``reserved`` (Excel compares them case-insensitively).

    >>> sheet_names(["a/b", "汇总", "x" * 40, "x" * 40], reserved=["汇总"])
    ['ab', '汇总(2)', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxx(2)']
    """
    taken = {r.casefold() for r in reserved}
    names = []
    for i, name in enumerate(wanted, 1):
        clean = _NOT_IN_SHEET_NAMES.sub("", name).strip().strip("'")[:31].strip("'") or f"规则{i}"
        candidate, n = clean, 1
        while candidate.casefold() in taken:
            n += 1
            suffix = f"({n})"
            candidate = clean[: 31 - len(suffix)] + suffix
        taken.add(candidate.casefold())
        names.append(candidate)
    return names


def text_width(value: object) -> int:
    """How many columns a value takes on screen: CJK (wide and full-width) characters count double.

    >>> text_width("太白社区"), text_width("S0009"), text_width(0.5), text_width(None)
    (8, 5, 5, 0)
    """
    if value is None:
        return 0
    text = f"{value:.1%}" if isinstance(value, float) else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def column_widths(table: Table) -> list[float]:
    """Widths that fit each column's header and values (plus a margin); long texts get a fixed, wrapped width."""
    widths = []
    for i, head in enumerate(table.header):
        if head in WRAPPED:
            widths.append(float(WRAP_WIDTH))
            continue
        widest = max([text_width(head), *(text_width(row[i]) for row in table.rows)])
        widths.append(float(min(max(widest + 2, 6), MAX_WIDTH)))
    return widths


def write_table(wb: Workbook, table: Table) -> Any:  # a WriteOnlyWorksheet (the stubs type create_sheet loosely)
    """One sheet of ``table`` in a write-only workbook (returned, e.g. to add a chart): title, note, frozen
    header with an autofilter, widths that fit, numbers formatted, texts inert."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(table.sheet)
    for i, width in enumerate(column_widths(table), 1):  # columns and panes go before the first row
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.append([_cell(ws, table.title, _style(ws, font=Font(bold=True, size=14)))])
    ws.append([_cell(ws, table.note, _style(ws, font=Font(color="595959")))])
    head = _style(
        ws,
        font=Font(bold=True),
        fill=PatternFill("solid", fgColor="D9E1F2"),
        alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
    )
    ws.append([_cell(ws, h, head) for h in table.header])
    styles = [_column_styles(ws, h, table) for h in table.header]  # (for a text, for a number) per column
    for row in table.rows:
        ws.append([_cell(ws, v, style[isinstance(v, int | float)]) for v, style in zip(row, styles, strict=True)])
    last = get_column_letter(len(table.header))
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + len(table.rows)}"
    return ws


def _column_styles(ws: WriteOnlyWorksheet, head: str, table: Table) -> tuple[StyleArray, StyleArray]:
    """A column's style for a text and for a number: rates as ``0.0%``, counts ``#,##0``; long texts wrapped."""
    from openpyxl.styles import Alignment

    top = Alignment(vertical="top", wrap_text=head in WRAPPED)
    number = table.formats.get(head) or (RATE_FORMAT if head in table.rates else COUNT_FORMAT)
    return _style(ws, alignment=top), _style(ws, alignment=top, number_format=number)


def _style(ws: WriteOnlyWorksheet, **settings: Any) -> StyleArray:
    """The workbook's style ids for these settings, looked up once (setting them cell by cell costs a lookup each:
    half the time of a large sheet)."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws)
    for name, setting in settings.items():
        setattr(cell, name, setting)
    style: StyleArray = cell._style  # type: ignore[attr-defined]  # openpyxl's own slot; the stubs leave it out
    return style


def _cell(ws: WriteOnlyWorksheet, value: Any, style: StyleArray) -> Cell:
    """A styled cell; a text is always a string cell (never a formula or an error code, whatever it starts with)."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value)
    if isinstance(value, str):
        cell.data_type = "s"  # set after the value: assigning a value picks the type again
    cell._style = copy(style)  # type: ignore[attr-defined]
    return cell
