"""The nation page's trend in the viewer's language: a line per province of one rule's rate over the stored
months (``province_history.province_trend``), in the rows ``coverage_charts.trend_chart`` draws and its table shows.

Why a module apart from ``history_view``: that one shapes one graph's periods; these rows are provinces side by
side, each from its own database's history, with the same period names so the two charts read alike.
"""

from __future__ import annotations

from typing import Any

from orggraph.analysis.province_history import ProvincePoint
from orggraph.present.history_view import period_name, period_short


def province_trend_rows(points: list[ProvincePoint], lang: str) -> list[dict[str, Any]]:
    """One row per province and stored month: a line per province (its name; its key as the id).

    >>> from orggraph.analysis.history import SnapshotInfo
    >>> info = SnapshotInfo.of({"id": "x", "label": "2026年5月", "as_of": "2026-05-31", "taken": "", "rules": []})
    >>> [(r["series"], r["short"], r["rate"]) for r in province_trend_rows([ProvincePoint("hb", "湖北省", info, 3, 4)],
    ...                                                                    "en")]
    [('湖北省', '2026-05', 0.75)]
    """
    return [
        {"period": p.info.as_of.isoformat(), "label": period_name(p.info, lang), "short": period_short(p.info, lang),
         "series": p.name, "id": p.province, "rate": p.rate, "covered": p.covered, "total": p.total}
        for p in points
    ]  # fmt: skip
