"""Rows shown to a person or a program: a rich table, CSV or JSON (dates as ISO text)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from loaders.layout import load_layout
from orggraph.model.inert_cells import neutralise
from orggraph.model.schema import load_schema

if TYPE_CHECKING:
    from orggraph.ingest.load import LoadReport
    from orggraph.ingest.load_plan import LoadPlan
    from orggraph.model.errors import Issue

FORMATS = ("table", "csv", "json")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _csv_text(value: Any) -> str:
    """A CSV cell that cannot run (``orggraph.model.inert_cells``): texts are neutralised, numbers stay numbers.

    >>> _csv_text("=1+1"), _csv_text(-5), _csv_text("太白社区")
    ("'=1+1", '-5', '太白社区')
    """
    return neutralise(value) if isinstance(value, str) else _text(value)


def render(rows: list[dict[str, Any]], fmt: str, console: Console, title: str | None = None) -> None:
    """Print rows in the asked format; columns in the order of the first row."""
    columns = list(rows[0]) if rows else []
    if fmt == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2, default=_text) + "\n")
    elif fmt == "csv":  # inert: a text a spreadsheet would run as a formula goes behind an apostrophe
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow([_csv_text(c) for c in columns])  # a saved query's own column aliases too
        writer.writerows([[_csv_text(r.get(c)) for c in columns] for r in rows])
    else:
        table = Table(title=title, show_lines=False)
        for c in columns:
            table.add_column(c)
        for r in rows:
            table.add_row(*[_text(r.get(c)) for c in columns])
        console.print(table)
        console.print(f"{len(rows)} 行 / rows")


ISSUE_COLUMNS = (("level", "级别", "Level"), ("file", "文件", "File"), ("sheet", "工作表", "Sheet"),
                 ("row", "行", "Row"), ("column", "列", "Column"), ("value", "值", "Value"))  # fmt: skip


def issue_rows(issues: list[Issue], lang: str | None = None) -> list[dict[str, Any]]:
    """Validation issues as rows: where (file, sheet, row, column), the value, and what is wrong. Both languages
    (the CLI's), or one (``lang`` "zh" or "en": the import page's)."""
    out = []
    for i in issues:
        level = ("错误", "error") if i.severity == "error" else ("提示", "warning")
        values = {"level": level, "file": i.file, "sheet": i.sheet or "", "row": i.row, "column": i.column or "",
                  "value": "" if i.value is None else str(i.value)}  # fmt: skip
        row: dict[str, Any] = {}
        for key, zh, en in ISSUE_COLUMNS:
            value = values[key]
            if lang is None:
                row[f"{zh} {en.lower()}"] = " ".join(value) if isinstance(value, tuple) else value
            else:
                row[zh if lang == "zh" else en] = value[lang != "zh"] if isinstance(value, tuple) else value
        if lang is None:
            row.update({"问题": i.zh, "problem": i.en})
        else:
            row["问题" if lang == "zh" else "Problem"] = i.zh if lang == "zh" else i.en
        out.append(row)
    return out


SUMMARY_COLUMNS = (("kind", "类型", "kind"), ("created", "新增", "created"), ("updated", "更新", "updated"),
                   ("unchanged", "未变", "unchanged"), ("deleted", "删除", "deleted"))  # fmt: skip


def load_summary_rows(report: LoadReport, lang: str | None = None) -> list[dict[str, Any]]:
    """Per label, then per relationship type (schema order): created, updated, unchanged, deleted; then the rows
    rejected per ledger sheet. Headers and names in both languages (the CLI), or in ``lang`` alone (the app)."""
    schema = load_schema()
    order = {k: i for i, k in enumerate([*schema.nodes, *schema.relationships])}
    counts = sorted(report.plan.counts.items(), key=lambda kc: order.get(kc[0], 999)) if report.plan else []
    sheets = {sheet.id: sheet for sheet in load_layout().sheets}

    def words(zh: str, en: str) -> str:
        return {"zh": zh, "en": en}.get(lang or "", f"{zh} {en}")

    def name(kind: str) -> str:
        spec = schema.nodes.get(kind) or schema.relationships.get(kind)
        return words(spec.zh, spec.en) if spec else kind

    def rejected(kind: str) -> str:
        sheet = sheets.get(kind)
        zh, en = (sheet.zh, sheet.en) if sheet else (kind, kind)
        both = f"{kind}(被拒绝的行 rejected rows)"  # the CLI: the sheet's key, as its file and --help name it
        return {"zh": f"{zh}(被拒绝的行)", "en": f"{en} (rejected rows)"}.get(lang or "", both)

    header = {key: words(zh, en) for key, zh, en in SUMMARY_COLUMNS}
    rows = [
        dict(zip(header.values(), (name(kind), c.created, c.updated, c.unchanged, c.deleted), strict=True))
        for kind, c in counts
    ]
    rows += [
        dict(zip(header.values(), (rejected(kind), "", "", n, ""), strict=True))
        for kind, n in sorted(report.result.rejected.items())
    ]
    return rows


REMOVAL_COLUMNS = (("sheet", "台账", "sheet"), ("missing", "台账中已无", "not in ledger"), ("action", "处理", "action"),
                   ("outside", "范围外未动", "outside scope"), ("named", "仍被引用未删", "still named, kept"),
                   ("first", "前几条", "first"))  # fmt: skip


def removal_rows(plan: LoadPlan | None, dry_run: bool = False, lang: str | None = None) -> list[dict[str, Any]]:
    """Per ledger sheet: how many records and ties the graph holds that the ledger no longer lists (within its
    scope), whether this load removes them, how many more were left alone as outside its scope, and which ones
    its own rows still name (kept by a load; a sync refuses them, ``load_removals.still_named_issues``). Headers
    and sheet names in both languages (the CLI), or in ``lang`` alone (the app)."""
    if plan is None:
        return []

    def words(zh: str, en: str) -> str:
        return {"zh": zh, "en": en}.get(lang or "", f"{zh} {en}")

    names = {s.id: words(s.zh, s.en) for s in load_layout().sheets}
    removals = plan.removals
    named: dict[str, list[str]] = {}
    for item in removals.still_named:
        named.setdefault(item.sheet, []).append(f"{item.id} {item.name}".strip())
    sheets = sorted(set(removals.by_sheet) | set(removals.out_of_scope) | set(named), key=list(names).index)
    if plan.sync:
        action = words("将删除", "would be removed") if dry_run else words("已删除", "removed")
    else:
        action = words("保留,--sync 时删除", "kept; --sync removes")
    header = [words(zh, en) for _, zh, en in REMOVAL_COLUMNS]
    return [
        dict(zip(header, (
            names[s],
            removals.by_sheet.get(s, 0),
            action if removals.by_sheet.get(s, 0) else "",
            removals.out_of_scope.get(s, 0),
            "、".join(named.get(s, [])[:5]),
            "、".join(f"{r['id']} {r['name']}".strip() for r in removals.shown.get(s, [])[:5]),
        ), strict=True))
        for s in sheets
    ]  # fmt: skip


def local_time(stamp: str | None) -> str:
    """An ISO time (the load history's, the audit log's UTC) as this machine's local time to the minute; what is not
    a time is shown as it is.

    >>> local_time(None), local_time("not a time")
    ('', 'not a time')
    """
    try:
        return dt.datetime.fromisoformat(stamp or "").astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return stamp or ""


def rate_text(rate: float | None) -> str:
    """A rate as every page and command shows one: a percentage to one decimal, "—" where there is nothing to cover.

    >>> rate_text(0.5015), rate_text(None)
    ('50.1%', '—')
    """
    return "—" if rate is None else f"{rate:.1%}"


def share_text(pair: tuple[int, int] | None, sep: str = " ") -> str:
    """``(covered, total)`` with its rate: ``2/3 66.7%``.

    >>> share_text((2, 3)), share_text((0, 0), " · "), share_text(None)
    ('2/3 66.7%', '0/0 · —', '—')
    """
    if pair is None:
        return "—"
    covered, total = pair
    return f"{covered}/{total}{sep}{rate_text(covered / total if total else None)}"
