"""A gap report as rows (summary, per area, gaps) and as files (CSV, JSON, Excel) — one shape for the CLI
and for the app's downloads, Chinese column names first. The Excel workbook is a formatted report of its own
(``orggraph.present.gap_workbook``, re-exported here as :func:`report_xlsx`).

The files are inert: names and reasons come from ledgers, and a ledger value such as ``=HYPERLINK(…)`` must not
run when a planner opens the download (CSV: an apostrophe in front; xlsx: a string cell; see
``orggraph.model.inert_cells``)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from orggraph.analysis.coverage import GapReport, RuleOutcome
from orggraph.analysis.geography import AREA_LEVELS, Place
from orggraph.model.inert_cells import neutralise
from orggraph.model.schema import load_schema
from orggraph.present.gap_workbook import report_xlsx as report_xlsx  # the callers' import

SEVERITY = {"high": "高 high", "medium": "中 medium", "low": "低 low"}


def _rate(rate: float | None) -> str:
    return "" if rate is None else f"{rate:.1%}"


def rule_summary_rows(report: GapReport) -> list[dict[str, Any]]:
    """One row per rule: covered, total, rate, gaps."""
    return [
        {
            "规则 rule": o.rule.id,
            "名称": o.rule.zh,
            "name": o.rule.en,
            "类别 kind": o.rule.coverage,
            "严重度 severity": SEVERITY[o.rule.severity],
            "已覆盖 covered": o.covered,
            "总数 total": o.total,
            "覆盖率 rate": _rate(o.rate),
            "缺口 gaps": len(o.gaps),
        }
        for o in report.outcomes
    ]


def area_rows(report: GapReport, level: str | None = None) -> list[dict[str, Any]]:
    """Per rule and per area (every report level, or one): covered / total / rate."""
    schema = load_schema()
    levels = [level] if level else list(AREA_LEVELS)
    return [
        {
            "规则 rule": o.rule.id,
            "层级 level": f"{schema.node(lvl).zh} {lvl}",
            "区域编号 area id": a.area.id,
            "区域 area": a.area.name,
            "已覆盖 covered": a.covered,
            "总数 total": a.total,
            "覆盖率 rate": _rate(a.rate),
            "缺口 gaps": a.total - a.covered,
        }
        for o in report.outcomes
        for lvl in levels
        for a in o.areas.get(lvl, ())
    ]


def area_matrix(report: GapReport, level: str) -> list[dict[str, Any]]:
    """One row per area at a level, one rate column per rule (the per-street view planners ask for)."""
    by_area: dict[str, dict[str, Any]] = {}
    for o in report.outcomes:
        for a in o.areas.get(level, ()):
            row = by_area.setdefault(a.area.id, {"区域编号 area id": a.area.id, "区域 area": a.area.name})
            row[o.rule.id] = _rate(a.rate)
    rules = [o.rule.id for o in report.outcomes]
    return [{**row, **{r: row.get(r, "") for r in rules}} for _, row in sorted(by_area.items())]


def worst_areas(report: GapReport, level: str, n: int = 10) -> list[dict[str, Any]]:
    """The areas at a level with the most gaps over all rules."""
    totals: dict[str, tuple[Place, int, int]] = {}  # area id → (the area as first met, gaps, to cover)
    for o in report.outcomes:
        for a in o.areas.get(level, ()):
            place, gaps, total = totals.get(a.area.id, (a.area, 0, 0))
            totals[a.area.id] = (place, gaps + a.total - a.covered, total + a.total)
    ranked = sorted(totals.values(), key=lambda e: (-e[1], e[0].id))[:n]
    return [
        {"区域编号 area id": p.id, "区域 area": p.name, "缺口 gaps": gaps, "应覆盖 to cover": total}
        for p, gaps, total in ranked
    ]


def _chain_columns(chain: tuple[Place, ...]) -> dict[str, str]:
    names = {p.label: p.name for p in chain}
    schema = load_schema()
    return {f"{schema.node(lvl).zh} {lvl.lower()}": names.get(lvl, "") for lvl in AREA_LEVELS}


def gap_rows(outcomes: tuple[RuleOutcome, ...] | list[RuleOutcome]) -> list[dict[str, Any]]:
    """Every gap: rule, entity, area chain, why, suggested action."""
    return [
        {
            "规则 rule": g.rule_id,
            "规则名称": o.rule.zh,
            "编号 id": g.id,
            "名称 name": g.name,
            **_chain_columns(g.chain),
            "原因": g.why_zh,
            "why": g.why_en,
            "建议": g.action_zh,
            "suggested action": g.action_en,
        }
        for o in outcomes
        for g in o.gaps
    ]


def report_json(report: GapReport) -> str:
    doc = {
        "as_of": report.as_of.isoformat(),
        "area": None if report.area is None else {"id": report.area.id, "name": report.area.name},
        "rules": [
            {
                "id": o.rule.id,
                "zh": o.rule.zh,
                "en": o.rule.en,
                "coverage": o.rule.coverage,
                "severity": o.rule.severity,
                "covered": o.covered,
                "total": o.total,
                "rate": o.rate,
                "areas": [
                    {"level": lvl, "id": a.area.id, "name": a.area.name, "covered": a.covered, "total": a.total}
                    for lvl in AREA_LEVELS
                    for a in o.areas.get(lvl, ())
                ],
                "gaps": [
                    {
                        "id": g.id,
                        "name": g.name,
                        "place": g.place,
                        "chain": [{"label": p.label, "id": p.id, "name": p.name} for p in g.chain],
                        "reason": g.reason,
                        "why_zh": g.why_zh,
                        "why_en": g.why_en,
                        "detail": g.detail,
                        "action_zh": g.action_zh,
                        "action_en": g.action_en,
                    }
                    for g in o.gaps
                ],
            }
            for o in report.outcomes
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2, default=str)


def rows_csv(rows: list[dict[str, Any]]) -> str:
    """CSV text with a UTF-8 BOM so that Excel on a Chinese Windows opens it without mangling; a text that a
    spreadsheet would run as a formula (a header too) is written behind an apostrophe.

    >>> rows_csv([{"名称 name": "@SUM(1+1)", "缺口 gaps": -1}]).splitlines()[1]
    "'@SUM(1+1),-1"
    """
    out = io.StringIO()
    out.write("\ufeff")
    if rows:
        csv.writer(out, lineterminator="\r\n").writerow([neutralise(k) for k in rows[0]])  # a query's own aliases
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writerows({k: neutralise(v) for k, v in row.items()} for row in rows)
    return out.getvalue()
