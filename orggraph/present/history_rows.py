"""Stored snapshots and the changes between two of them as rows (Chinese column names first), for the terminal,
CSV and JSON — one shape for the CLI now and the app's pages later."""

from __future__ import annotations

from typing import Any

from loaders.layout import load_layout
from orggraph.analysis.history import Figure, SnapshotInfo
from orggraph.analysis.history_changes import Changes
from orggraph.analysis.history_ledger import LedgerPeriod
from orggraph.model.coverage_rules import load_rules

STATUS = {"opened": "新增 opened", "closed": "已整改 closed", "open": "未整改 open"}
DAYS_PER_MONTH = 30
NOT_COMPARED_NOTE = (
    "起始期快照没有的规则(补录快照只含随日期变化的规则)只列出本期缺口,不计新增与已整改 / rules the first snapshot "
    "does not hold (a backfill keeps the date-driven ones) list the later gaps only, with no opened or closed"
)
LEDGER_NOTE = (
    "台账变化:有快照早于导入记录逐条增删改的保存,这两期之间的台账变化无法从导入历史得出 / "
    "ledger changes: a snapshot predates the loads keeping which records changed; this period cannot be told"
)
INITIAL_NOTE = (
    "本期含首次导入:首次导入只记数量(各表新增条数),不逐条列出 / the period holds a first load: its records are "
    "counted per sheet, not listed"
)
AREA_NOTE = "区域内只列新增与修改;已删除的记录不再属于任何区域,见全部区域 / within an area removals are not listed"
KIND_ZH_ONLY = {"added": "新增", "changed": "修改", "removed": "删除"}
LEDGER_KIND = {"added": "新增 added", "changed": "修改 changed", "removed": "删除 removed"}


def _rate(rate: float | None) -> str:
    return "" if rate is None else f"{rate:.1%}"


def _figure(figure: Figure | None) -> str:
    return "" if figure is None else f"{figure.covered}/{figure.total} {_rate(figure.rate)}".strip()


def _rule_zh(rule: str) -> str:
    known = {r.id: r.zh for r in load_rules().rules}
    return known.get(rule, rule)


def snapshot_rows(infos: list[SnapshotInfo]) -> list[dict[str, Any]]:
    return [
        {
            "名称 label": i.label,
            "截至 as of": i.as_of.isoformat(),
            "区域 area": f"{i.area_name}({i.area})" if i.area else "全部区域 all areas",
            "规则 rules": len(i.rules),
            "补录 backfilled": "是 yes" if i.backfilled else "",
            "保存于 taken": i.taken,
            "编号 id": i.id,
        }
        for i in infos
    ]


def changes_title(changes: Changes) -> str:
    older, newer = changes.older.info, changes.newer.info
    where = changes.area or "全部区域 all areas"
    return (
        f"覆盖变化 changes · {where} · {older.label}({older.as_of.isoformat()}) → "
        f"{newer.label}({newer.as_of.isoformat()})"
    )


def rule_change_rows(changes: Changes, months: int = 3) -> list[dict[str, Any]]:
    """Per rule: the two figures, the change, gaps opened, closed, still open and open longer than ``months``."""
    until = changes.newer.info.as_of
    rows = []
    for c in changes.rules:
        before, after = c.before.rate if c.before else None, c.after.rate if c.after else None
        delta = "" if before is None or after is None else f"{(after - before) * 100:+.1f}"
        long_open = sum(1 for g in c.still_open if g.days_open(until) > months * DAYS_PER_MONTH)
        rows.append({
            "规则 rule": c.rule, "名称 name": _rule_zh(c.rule), "上期 before": _figure(c.before),
            "本期 after": _figure(c.after), "变化 Δ pp": delta, "新增 opened": len(c.opened) if c.compared else "",
            "已整改 closed": len(c.closed) if c.compared else "", "未整改 still open": len(c.still_open),
            f"超过{months}个月 over {months} months": long_open,
        })  # fmt: skip
    return rows


def area_change_rows(changes: Changes) -> list[dict[str, Any]]:
    """Per rule and area one level below the one asked about (areas with nothing to report left out)."""
    return [
        {
            "规则 rule": a.rule,
            "区域 area": f"{a.name}({a.area})",
            "上期 before": _figure(a.before),
            "本期 after": _figure(a.after),
            "新增 opened": a.opened,
            "已整改 closed": a.closed,
            "未整改 still open": a.still_open,
        }
        for a in changes.areas
        if a.opened or a.closed or a.still_open or a.before != a.after
    ]


def gap_change_rows(changes: Changes, months: int = 3) -> list[dict[str, Any]]:
    """Every gap opened, closed or still open, the oldest open first."""
    until = changes.newer.info.as_of
    rows: list[dict[str, Any]] = []
    for c in changes.rules:
        for g in (*c.opened, *c.closed, *c.still_open):
            days = g.days_open(until) if g.status != "closed" else None
            rows.append({
                "状态 status": STATUS[g.status], "规则 rule": c.rule, "编号 id": g.gap.id, "名称 name": g.gap.name,
                "原因 why": g.gap.why_zh, "建议 action": g.gap.action_zh if g.status != "closed" else "",
                "首次出现 since": g.since.isoformat(), "已持续天数 days open": days,
                f"超过{months}个月 long open": "是" if days is not None and days > months * DAYS_PER_MONTH else "",
            })  # fmt: skip
    order = {STATUS["open"]: 0, STATUS["opened"]: 1, STATUS["closed"]: 2}
    rows.sort(key=lambda r: (order[str(r["状态 status"])], -int(r["已持续天数 days open"] or 0), str(r["编号 id"])))
    return rows


def sheet_zh(sheet: str) -> str:
    """A ledger sheet's Chinese name (its id when the layout no longer has it)."""
    return next((s.zh for s in load_layout().sheets if s.id == sheet), sheet)


def ledger_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records a period's loads changed (``history_ledger.ledger_rows``), Chinese column names first."""
    return [
        {"台账 sheet": sheet_zh(r["sheet"]), "变化 change": LEDGER_KIND[r["kind"]], "编号 id": r["id"],
         "名称 name": r["name"]}
        for r in rows
    ]  # fmt: skip


def ledger_count_rows(period: LedgerPeriod) -> list[dict[str, Any]]:
    """Per sheet: records added, changed and removed in the period."""
    return [
        {"台账 sheet": sheet_zh(sheet), "新增 added": c.counts["added"], "修改 changed": c.counts["changed"],
         "删除 removed": c.counts["removed"]}
        for sheet, c in sorted(period.sheets.items())
        if any(c.counts.values())
    ]  # fmt: skip


def ledger_notes(period: LedgerPeriod) -> list[str]:
    """What a reader of the period's ledger changes must know beside the rows."""
    if not period.known:
        return [LEDGER_NOTE]
    notes = [INITIAL_NOTE] if period.initial else []
    return notes + ([AREA_NOTE] if period.street else [])
