"""The stored periods as the app shows them, in the viewer's language: the trend lines' rows (a line per rule, a
line per child area), the follow-up table of the coverage-gaps page, and how a period is named.

Names come first and rates are fractions the charts format with one decimal; a period is its label in 中文 (the
label a snapshot was filed under, 2026年5月) and its as-of date in English (a label is the department's own words).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from orggraph.analysis.history import SnapshotInfo, StoredGap
from orggraph.analysis.history_changes import GapChange
from orggraph.analysis.history_periods import ChildPoint
from orggraph.analysis.history_report import TrendPoint
from orggraph.model.coverage_rules import load_rules


def _pick(zh: str, en: str, lang: str) -> str:
    return zh if lang == "zh" else en


def rule_name(rule: str, lang: str) -> str:
    """A rule in words; a rule taken out of the rules file since a snapshot keeps its id."""
    known = {r.id: r for r in load_rules().rules}
    return known[rule].name(lang) if rule in known else rule


def date_text(day: dt.date, lang: str) -> str:
    """A date as the viewer reads dates.

    >>> date_text(dt.date(2026, 5, 31), "zh"), date_text(dt.date(2026, 5, 31), "en")
    ('2026年5月31日', '2026-05-31')
    """
    return f"{day.year}年{day.month}月{day.day}日" if lang == "zh" else day.isoformat()


def period_name(info: SnapshotInfo, lang: str) -> str:
    """A period: its label and date in 中文, its month and date in English.

    >>> info = SnapshotInfo.of({"id": "x", "label": "2026年5月", "as_of": "2026-05-31", "taken": "", "rules": []})
    >>> period_name(info, "zh"), period_name(info, "en")
    ('2026年5月(截至 2026年5月31日)', '2026-05 (as of 2026-05-31)')
    """
    if lang == "zh":
        return f"{info.label}(截至 {date_text(info.as_of, lang)})"
    return f"{info.as_of.isoformat()[:7]} (as of {info.as_of.isoformat()})"


def period_short(info: SnapshotInfo, lang: str) -> str:
    """A period on a chart's axis: its label in 中文, its month in English."""
    return info.label if lang == "zh" else info.as_of.isoformat()[:7]


def rule_trend_rows(points: tuple[TrendPoint, ...] | list[TrendPoint], lang: str) -> list[dict[str, Any]]:
    """One row per period and rule held with something to cover: a line per rule."""
    return [
        {"period": p.info.as_of.isoformat(), "label": period_name(p.info, lang), "short": period_short(p.info, lang),
         "series": rule_name(rule, lang),
         "id": rule, "rate": rate}
        for p in points
        for rule, rate in p.rates.items()
        if rate is not None
    ]  # fmt: skip


def child_trend_rows(points: list[ChildPoint], lang: str) -> list[dict[str, Any]]:
    """One row per period and child area: a line per area (its name; the id beside it for the tooltip)."""
    return [
        {"period": p.info.as_of.isoformat(), "label": period_name(p.info, lang), "short": period_short(p.info, lang),
         "series": p.figure.name,
         "id": p.figure.area, "rate": p.figure.rate, "covered": p.figure.covered, "total": p.figure.total}
        for p in points
    ]  # fmt: skip


FOLLOW_UP_COLUMNS = (("名称", "Name"), ("规则", "Rule"), ("原因", "Why"), ("建议", "Suggested action"),
                     ("首次出现", "Open since"), ("已持续天数", "Days open"), ("编号", "Id"))  # fmt: skip


def follow_up_rows(changes: tuple[GapChange, ...], until: dt.date, lang: str) -> list[list[Any]]:
    """Rows under ``FOLLOW_UP_COLUMNS``, the longest open first: a closed gap has no action and no days open
    (it was open until its period), an open one counts days to ``until``."""
    rows = []
    for change in sorted(changes, key=lambda c: (c.since, c.gap.rule, c.gap.id)):
        gap: StoredGap = change.gap
        closed = change.status == "closed"
        rows.append([
            gap.name, rule_name(gap.rule, lang), _pick(gap.why_zh, gap.why_en, lang),
            "" if closed else _pick(gap.action_zh, gap.action_en, lang), date_text(change.since, lang),
            None if closed else change.days_open(until), gap.id,
        ])  # fmt: skip
    return rows
