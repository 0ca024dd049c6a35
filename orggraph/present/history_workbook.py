"""A street's monthly coverage report as one workbook it can send upward (``orggraph report``, issue 15).

Sheets: 封面 (the area, the period and its as-of date, the previous period, when it was generated; per rule the
period's covered / total / rate, last period's rate, the change, gaps opened, closed and still open, and how many
have been open over 90 days), one sheet per rule (its gaps with reason, suggested action, since when and for how
many days open, new or not), 本期已整改 (gaps closed since the previous period), 即将到期协议 (agreements lapsing
in the next 90 days) and 趋势 (each period's rate per rule, with a line chart).

Sheets are written by ``gap_workbook.write_table`` — the same title row, note row, frozen header with a filter,
widths that fit Chinese text, rates as ``0.0%`` — so both reports look alike; texts are string cells, never
formulas (a ledger name such as ``=HYPERLINK(…)`` stays text), dates ISO text.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING, Any

from orggraph.analysis.geography import AREA_LEVELS
from orggraph.analysis.history import Snapshot, StoredGap
from orggraph.analysis.history_changes import RuleChange
from orggraph.analysis.history_report import EXPIRING_DAYS, MonthlyReport
from orggraph.model.coverage_rules import load_rules
from orggraph.model.schema import load_schema
from orggraph.present.gap_workbook import HEADER_ROW, RATE_FORMAT, Table, sheet_names, write_table

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

COVER, CLOSED, EXPIRING, TREND, LEDGER = "封面", "本期已整改", "即将到期协议", "趋势", "本期台账变化"
CHANGE_FORMAT = "+0.0%;-0.0%;0.0%"
LONG_OPEN_DAYS = 90
COVER_HEADER = ["规则", "类别", "已覆盖", "总数", "覆盖率", "上期覆盖率", "覆盖率变化", "本期缺口", "新增缺口",
                "已整改", f"超过{LONG_OPEN_DAYS}天未整改"]  # fmt: skip


def monthly_xlsx(report: MonthlyReport, generated: dt.datetime | None = None) -> bytes:
    """The workbook's bytes (see the module's docstring); ``generated`` is printed as the time it was made."""
    from openpyxl import Workbook  # ~0.1 s other commands need not pay

    stamp = _stamp(report, generated)
    changes = {c.rule: c for c in report.changes.rules}
    rules = list(report.period.info.rules)
    names = sheet_names([_rule_zh(r) for r in rules], reserved=(COVER, CLOSED, EXPIRING, TREND, LEDGER))
    tables = [cover_table(report, stamp)]
    tables += [
        rule_table(report, changes[r], name, stamp) for r, name in zip(rules, names, strict=True) if r in changes
    ]
    tables += [closed_table(report, stamp), expiring_table(report, stamp), ledger_table(report, stamp)]
    wb = Workbook(write_only=True)
    wb.properties.title = f"党建覆盖月报 · {stamp}"
    wb.properties.creator = "orggraph"
    for table in tables:
        write_table(wb, table)
    trend = trend_table(report, stamp)
    _add_chart(write_table(wb, trend), trend)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _rule_zh(rule: str) -> str:
    try:
        return load_rules().rule(rule).zh or rule
    except Exception:  # a rule taken out of the rules file since the snapshot: its id
        return rule


def _stamp(report: MonthlyReport, generated: dt.datetime | None) -> str:
    where = f"{report.area_name}({report.area})" if report.area else report.area_name
    info = report.period.info
    at = (generated or dt.datetime.now()).astimezone().strftime("%Y-%m-%d %H:%M")
    return f"{where} · {info.label}(截至 {info.as_of.isoformat()})· 生成于 {at}"


def _rate(figure: Any) -> float | None:
    return None if figure is None else figure.rate


def cover_table(report: MonthlyReport, stamp: str) -> Table:
    rows = []
    for change in report.changes.rules:
        after = change.after
        now, then = _rate(after), _rate(change.before) if report.previous else None
        long_open = sum(1 for g in change.still_open if report.age_days(g.gap.rule, g.gap.id) > LONG_OPEN_DAYS)
        compared = report.previous is not None and change.compared
        rows.append([
            _rule_zh(change.rule), _kind(change.rule), after.covered if after else 0, after.total if after else 0, now,
            then, None if now is None or then is None else now - then, len(change.opened) + len(change.still_open),
            len(change.opened) if compared else None, len(change.closed) if compared else None, long_open,
        ])  # fmt: skip
    last = report.previous.info if report.previous else None
    previous = f"上期 {last.label}(截至 {last.as_of.isoformat()})" if last else "无上期快照,不计变化"
    return Table(
        COVER,
        f"党建覆盖情况报告 · {stamp}",
        f"{previous};覆盖率 = 已覆盖 / 总数;上期快照没有的规则(补录只含随日期变化的规则)不计变化;缺口见同名工作表",
        COVER_HEADER,
        rows,
        rates=frozenset({"覆盖率", "上期覆盖率"}),
        formats={"覆盖率变化": CHANGE_FORMAT},
    )


def _kind(rule: str) -> str:
    try:
        return load_rules().rule(rule).coverage
    except Exception:  # see _rule_zh
        return ""


def _levels(report: MonthlyReport) -> list[str]:
    """The area levels below the report's area (a street's report lists community and grid)."""
    chain = report.period.chain(report.area) if report.area else []
    below = AREA_LEVELS.index(chain[-1].level) + 1 if chain and chain[-1].level in AREA_LEVELS else 0
    return list(AREA_LEVELS[below:])


def _places(snapshot: Snapshot, gap: StoredGap, levels: list[str]) -> list[str]:
    names = {f.level: f.name for f in snapshot.chain(gap.area)}
    return [names.get(level, "") for level in levels]


def rule_table(report: MonthlyReport, change: RuleChange, sheet: str, stamp: str) -> Table:
    levels = _levels(report)
    schema = load_schema()
    rows = []
    fresh = {g.gap.id for g in change.opened} if report.previous else set()
    for g in sorted((*change.opened, *change.still_open), key=lambda c: c.gap.id):
        gap = g.gap
        state = "新增" if gap.id in fresh else "未整改"
        places = _places(report.period, gap, levels)
        rows.append(
            [
                gap.id,
                gap.name,
                *places,
                gap.why_zh,
                gap.action_zh,
                g.since.isoformat(),
                report.age_days(gap.rule, gap.id),
                state,
            ]
        )
    after = change.after
    covered = f"已覆盖 {after.covered:,}/{after.total:,}" if after else ""
    return Table(
        sheet,
        f"{_rule_zh(change.rule)} · 缺口 {len(rows):,} 个 · {covered} · {stamp}",
        "首次出现:连续出现在各期快照中的第一期;已持续:至本期截至日期的天数",
        [
            "编号",
            "名称",
            *(schema.node(level).zh for level in levels),
            "原因",
            "建议",
            "首次出现",
            "已持续天数",
            "状态",
        ],
        rows,
    )


def closed_table(report: MonthlyReport, stamp: str) -> Table:
    levels = _levels(report)
    schema = load_schema()
    source = report.previous or report.period
    rows = [
        [_rule_zh(c.rule), g.gap.id, g.gap.name, *_places(source, g.gap, levels), g.gap.why_zh, g.since.isoformat()]
        for c in report.changes.rules
        for g in c.closed
    ]
    return Table(
        CLOSED,
        f"本期已整改 · {len(rows):,} 个 · {stamp}",
        "上期快照中有、本期快照中已没有的缺口(整改完成);原因为整改前的原因",
        ["规则", "编号", "名称", *(schema.node(level).zh for level in levels), "原因", "首次出现"],
        rows,
    )


def expiring_table(report: MonthlyReport, stamp: str) -> Table:
    as_of = report.period.info.as_of
    rows = []
    for r in report.expiring:
        expires = r["expires"] if isinstance(r["expires"], dt.date) else dt.date.fromisoformat(str(r["expires"])[:10])
        parties = "、".join(p for p in r.get("parties") or [] if p)
        rows.append([r["id"], r["name"], _iso(r.get("signed")), expires.isoformat(), (expires - as_of).days, parties])
    return Table(
        EXPIRING,
        f"{EXPIRING_DAYS} 天内到期的共建协议 · {len(rows):,} 份 · {stamp}",
        f"到期日期在 {as_of.isoformat()} 之后 {EXPIRING_DAYS} 天之内;请及时续签",
        ["编号", "名称", "签订日期", "到期日期", "剩余天数", "签约党组织"],
        rows,
    )


def ledger_table(report: MonthlyReport, stamp: str) -> Table:
    """The records the period's loads added, changed and removed, per ledger sheet (ids; names where the graph has
    them, never a person's)."""
    from orggraph.present.history_rows import KIND_ZH_ONLY, ledger_notes, sheet_zh

    period = report.ledger
    rows = [[sheet_zh(r["sheet"]), KIND_ZH_ONLY[r["kind"]], r["id"], r["name"]] for r in report.ledger_records]
    counts = "、".join(
        f"{sheet_zh(s)} 新增 {c.counts['added']:,} 修改 {c.counts['changed']:,} 删除 {c.counts['removed']:,}"
        for s, c in sorted(period.sheets.items())
    ) if period else ""  # fmt: skip
    notes = ";".join(n.split(" / ")[0] for n in ledger_notes(period)) if period else "无导入记录"
    loads = len(period.loads) if period else 0
    return Table(
        LEDGER,
        f"本期台账变化 · {loads} 次导入 · {len(rows):,} 条记录 · {stamp}",
        ";".join(x for x in (counts, notes) if x) or "本期台账没有变化",
        ["台账", "变化", "编号", "名称"],
        rows,
    )


def _iso(value: Any) -> str:
    return "" if value is None else value.isoformat() if isinstance(value, dt.date) else str(value)


def trend_table(report: MonthlyReport, stamp: str) -> Table:
    rules = list(report.period.info.rules)
    names = [_rule_zh(r) for r in rules]
    rows = [[p.info.label, p.info.as_of.isoformat(), *(p.rates.get(r) for r in rules)] for p in report.trend]
    return Table(
        TREND,
        f"覆盖率趋势 · {stamp}",
        "每期取该月最后一份快照;补录的历史快照只含随日期变化的规则,其余规则在该期留空",
        ["统计期", "截至日期", *names],
        rows,
        rates=frozenset(names),
    )


def _add_chart(ws: WriteOnlyWorksheet, table: Table) -> None:
    """A line per rule over the periods, placed right of the table."""
    from openpyxl.chart import LineChart, Reference
    from openpyxl.utils import get_column_letter

    first, last = HEADER_ROW + 1, HEADER_ROW + max(len(table.rows), 1)
    chart = LineChart()
    chart.title = "各规则覆盖率趋势"
    chart.y_axis.title = "覆盖率"
    chart.y_axis.number_format = RATE_FORMAT
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
    chart.x_axis.title = "统计期"
    chart.height, chart.width = 10, 24
    data = Reference(ws, min_col=3, max_col=len(table.header), min_row=HEADER_ROW, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, max_col=1, min_row=first, max_row=last))
    ws.add_chart(chart, f"{get_column_letter(len(table.header) + 2)}{HEADER_ROW}")  # type: ignore[misc]  # stubs: Worksheet only
