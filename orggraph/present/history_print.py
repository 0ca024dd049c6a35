"""The monthly report (:class:`~orggraph.analysis.history_report.MonthlyReport`) as plain HTML for the app's print
view: headings and bordered tables in black on white, one rule a page, sized for A4 portrait from the browser.

The same figures as the workbook (``history_workbook``): the period's rates beside the previous period's, every gap
of every rule with why, the suggested action and since when it has been open, the gaps closed in the period, the
agreements lapsing within 90 days and the trend. Every text from the data is escaped; a rule's list stops at
``MAX_ROWS`` gaps with a note (a region's list is the workbook's job, not paper's).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape
from typing import Any

from orggraph.analysis.history_changes import GapChange, RuleChange
from orggraph.analysis.history_report import EXPIRING_DAYS, MonthlyReport
from orggraph.present.history_view import date_text, period_name, rule_name

MAX_ROWS = 300
LONG_OPEN_DAYS = 90
CSS = """
.og-print { color: #000; background: #fff; font-size: 10.5pt; }
.og-print h1 { font-size: 17pt; margin: 0 0 4pt 0; }
.og-print h2 { font-size: 13pt; margin: 14pt 0 4pt 0; }
.og-print p { margin: 2pt 0 6pt 0; }
.og-print table { border-collapse: collapse; width: 100%; margin-bottom: 8pt; }
.og-print th, .og-print td { border: 1px solid #777; padding: 2pt 4pt; text-align: left; vertical-align: top; }
.og-print th { background: #f0f0f0; }
.og-print td.num { text-align: right; white-space: nowrap; }
.og-print tr { page-break-inside: avoid; break-inside: avoid; }
@media print {
  @page { size: A4 portrait; margin: 14mm 12mm; }
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
  [data-testid="stStatusWidget"], [data-testid="stSidebarCollapsedControl"], header, footer {
    display: none !important;
  }
  [data-testid="stMain"] [data-testid="stElementContainer"]:not(:has(.og-print)) { display: none !important; }
  [data-testid="stMainBlockContainer"] { padding: 0 !important; max-width: 100% !important; }
  html, body, .stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] { background: #fff !important; }
  .og-print { font-size: 9.5pt; }
  .og-print .og-rule { break-before: page; page-break-before: always; }
  .og-print thead { display: table-header-group; }
}
"""


def _w(zh: str, en: str, lang: str) -> str:
    return zh if lang == "zh" else en


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _table(header: Sequence[str], rows: list[list[Any]], numeric: frozenset[int] = frozenset()) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(_cell(v, i in numeric) for i, v in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell(value: Any, numeric: bool) -> str:
    text = "" if value is None else f"{value:,}" if isinstance(value, int) else str(value)
    return f'<td class="num">{escape(text)}</td>' if numeric else f"<td>{escape(text)}</td>"


def report_html(report: MonthlyReport, lang: str, generated: dt.datetime) -> str:
    """The whole print view: a title block, the summary, a page per rule, the closed gaps, the lapsing agreements
    and the trend."""
    parts = [_title(report, lang, generated), _summary(report, lang)]
    parts += [_rule_section(report, change, lang) for change in report.changes.rules]
    parts += [_closed(report, lang), _expiring(report, lang), _trend(report, lang)]
    return '<div class="og-print">' + "".join(parts) + "</div>"


def _title(report: MonthlyReport, lang: str, generated: dt.datetime) -> str:
    period, previous = report.period.info, report.previous
    before = (
        _w(f"上期:{period_name(previous.info, 'zh')}", f"Previous period: {period_name(previous.info, 'en')}", lang)
        if previous
        else _w("无上期快照,不计变化", "No previous period: no changes", lang)
    )
    made = generated.astimezone().strftime("%Y-%m-%d %H:%M")
    where = report.area_name if report.area else _w("全部区域", "All areas", lang)
    return (
        f"<h1>{escape(where)} · {escape(_w('党建覆盖月报', 'Coverage report', lang))}</h1>"
        f"<p>{escape(_w('统计期:', 'Period: ', lang))}{escape(period_name(period, lang))} · {escape(before)} · "
        f"{escape(_w('生成于', 'made', lang))} {escape(made)}</p>"
    )


def _summary(report: MonthlyReport, lang: str) -> str:
    header = [_w(*c, lang) for c in (("规则", "Rule"), ("已覆盖", "Covered"), ("总数", "Total"), ("覆盖率", "Rate"),
              ("上期", "Previous"), ("变化(百分点)", "Change (pp)"), ("缺口", "Gaps"), ("新增", "New"),
              ("已整改", "Closed"), (f"超过{LONG_OPEN_DAYS}天", f"Over {LONG_OPEN_DAYS} days"))]  # fmt: skip
    rows = []
    for c in report.changes.rules:
        now = c.after.rate if c.after else None
        then = c.before.rate if c.before and report.previous else None
        change = "—" if now is None or then is None else f"{(now - then) * 100:+.1f}"
        compared = report.previous is not None and c.compared
        rows.append([
            rule_name(c.rule, lang), c.after.covered if c.after else 0, c.after.total if c.after else 0, _rate(now),
            _rate(then), change, len(c.opened) + len(c.still_open), len(c.opened) if compared else "—",
            len(c.closed) if compared else "—", sum(1 for g in (*c.opened, *c.still_open) if _age(report, g) > 90),
        ])  # fmt: skip
    return f"<h2>{escape(_w('各规则覆盖率', 'Coverage per rule', lang))}</h2>" + _table(
        header, rows, frozenset(range(1, 10))
    )


def _age(report: MonthlyReport, change: GapChange) -> int:
    return report.age_days(change.gap.rule, change.gap.id)


def _place(report: MonthlyReport, area: str | None) -> str:
    return " › ".join(f.name for f in report.period.chain(area)[-2:])


def _rule_section(report: MonthlyReport, change: RuleChange, lang: str) -> str:
    gaps = sorted((*change.opened, *change.still_open), key=lambda g: (-_age(report, g), g.gap.id))
    fresh = {g.gap.id for g in change.opened} if report.previous else set()
    header = [_w(*c, lang) for c in (("名称", "Name"), ("所在区域", "Area"), ("原因", "Why"),
              ("建议", "Suggested action"), ("首次出现", "Since"), ("天数", "Days"), ("状态", "State"),
              ("编号", "Id"))]  # fmt: skip
    rows = [
        [g.gap.name, _place(report, g.gap.area), _w(g.gap.why_zh, g.gap.why_en, lang),
         _w(g.gap.action_zh, g.gap.action_en, lang), date_text(report.since.get((g.gap.rule, g.gap.id),
         report.period.info.as_of), lang), _age(report, g),
         _w("新增", "new", lang) if g.gap.id in fresh else _w("未整改", "open", lang), g.gap.id]
        for g in gaps[:MAX_ROWS]
    ]  # fmt: skip
    figure = change.after
    head = f"{rule_name(change.rule, lang)} · {_rate(figure.rate if figure else None)} · " + _w(
        f"缺口 {len(gaps):,} 条", f"{len(gaps):,} gaps", lang
    )
    cut = _w(f"仅列出前 {MAX_ROWS} 条,完整清单见 Excel 月报", f"The first {MAX_ROWS}; the Excel report holds all", lang)
    more = f"<p>{escape(cut)}</p>" if len(gaps) > MAX_ROWS else ""
    table = _table(header, rows, frozenset({5})) if rows else f"<p>{escape(_w('没有缺口', 'No gaps', lang))}</p>"
    return f'<div class="og-rule"><h2>{escape(head)}</h2>{table}{more}</div>'


def _closed(report: MonthlyReport, lang: str) -> str:
    title = f"<h2>{escape(_w('本期已整改', 'Closed this period', lang))}</h2>"
    if report.previous is None:
        return title + f"<p>{escape(_w('无上期快照', 'No previous period', lang))}</p>"
    rows = [
        [
            g.gap.name,
            rule_name(c.rule, lang),
            _place(report, g.gap.area),
            _w(g.gap.why_zh, g.gap.why_en, lang),
            g.gap.id,
        ]
        for c in report.changes.rules
        for g in c.closed
    ]
    if not rows:
        return title + f"<p>{escape(_w('本期没有已整改的缺口', 'No gap was closed', lang))}</p>"
    header = [_w(*c, lang) for c in (("名称", "Name"), ("规则", "Rule"), ("所在区域", "Area"), ("原因", "Why"),
              ("编号", "Id"))]  # fmt: skip
    return title + _table(header, rows)


def _expiring(report: MonthlyReport, lang: str) -> str:
    title = _w(f"{EXPIRING_DAYS} 天内到期的共建协议", f"Agreements lapsing within {EXPIRING_DAYS} days", lang)
    if not report.expiring:
        return f"<h2>{escape(title)}</h2><p>{escape(_w('没有', 'None', lang))}</p>"
    header = [
        _w(*c, lang) for c in (("协议", "Agreement"), ("到期日期", "Expires"), ("签署方", "Parties"), ("编号", "Id"))
    ]
    rows = [
        [a.get("name"), date_text(dt.date.fromisoformat(str(a["expires"])[:10]), lang),
         "、".join(sorted(a.get("parties") or [])), a.get("id")]
        for a in report.expiring
    ]  # fmt: skip
    return f"<h2>{escape(title)}</h2>" + _table(header, rows)


def _trend(report: MonthlyReport, lang: str) -> str:
    """A row per rule and a column per period (a report holds a few periods and many rules: A4 is taller)."""
    periods = list(report.trend)
    header = [_w("规则", "Rule", lang), *(period_name(p.info, lang) for p in periods)]
    rows = [[rule_name(r, lang), *(_rate(p.rates.get(r)) for p in periods)] for r in report.period.info.rules]
    return f"<h2>{escape(_w('覆盖率趋势', 'Coverage rate over time', lang))}</h2>" + _table(
        header, rows, frozenset(range(1, len(periods) + 1))
    )
