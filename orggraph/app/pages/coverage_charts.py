"""The coverage charts and tables the overview and coverage-gaps pages share: rates per rule or per area as
bars (lowest first, red to green) and the rule table. Both pages read their report from ``common.report``
(one whole-region run per day and graph state, cut in memory)."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from orggraph.analysis.coverage import AreaRate, GapReport
from orggraph.app.pages.common import lang, t

COVERAGE_EN = {"组织覆盖": "organization coverage", "工作覆盖": "work coverage"}
SEVERITY = {"high": ("高", "high"), "medium": ("中", "medium"), "low": ("低", "low")}
MAX_BARS = 25  # a taller chart than this is scrolled past, not read


def redraw_after_language_switch(keys: list[str], marker: str) -> None:
    """A select widget keeps showing its choice in the language it was made in (the browser holds the chosen
    label): after a switch, hand these widgets their values again so the browser redraws them."""
    if st.session_state.get(marker) == lang():
        return
    for key in keys:
        if st.session_state.get(key) is not None:  # None would be drawn as "nothing chosen", not as its option
            st.session_state[key] = st.session_state[key]
    st.session_state[marker] = lang()


def rule_rate_rows(rep: GapReport) -> list[dict[str, Any]]:
    """One bar per rule that has anything to cover."""
    return [
        {
            "id": o.rule.id,
            "name": t(o.rule.zh, o.rule.en),
            "rate": o.rate,
            "covered": o.covered,
            "total": o.total,
            "gaps": len(o.gaps),
        }
        for o in rep.outcomes
        if o.total
    ]


def area_rate_rows(rates: tuple[AreaRate, ...] | list[AreaRate]) -> list[dict[str, Any]]:
    """One bar per area that has anything to cover."""
    return [
        {
            "id": a.area.id,
            "name": a.area.name,
            "rate": a.rate,
            "covered": a.covered,
            "total": a.total,
            "gaps": a.total - a.covered,
        }
        for a in rates
        if a.total
    ]


def rule_table(rep: GapReport) -> list[dict[str, Any]]:
    """One row per rule of the report, in the report's order."""
    return [
        {
            t("规则", "Rule"): t(o.rule.zh, o.rule.en),
            t("类别", "Kind"): t(o.rule.coverage, COVERAGE_EN[o.rule.coverage]),
            t("严重度", "Severity"): t(*SEVERITY[o.rule.severity]),
            t("已覆盖", "Covered"): o.covered,
            t("应覆盖", "To cover"): o.total,
            t("覆盖率", "Rate"): shown_rate(o.rate),
            t("缺口", "Gaps"): len(o.gaps),
        }
        for o in rep.outcomes
    ]


ROW = 35  # Streamlit's row height in pixels
WRAPPED_ROW = 78  # rows this tall wrap their texts (Streamlit wraps above 4rem): three lines of a long reason


def table_height(rows: int, row: int = ROW) -> int:
    """Pixels for a table showing every one of ``rows`` rows (``row`` px a row, 35 for the header)."""
    return row * rows + ROW + 3


def shown_rate(rate: float | None) -> float | None:
    """A rate to a tenth of a percent: Streamlit's "percent" format shows up to two decimals (50.15% beside 93%);
    rounded here, every table shows at most one, as the charts and exports do."""
    return None if rate is None else round(rate, 3)


def rate_column_config() -> dict[str, Any]:
    """Rates as bars in the table in one neutral colour: the chart beside it carries the red → green scale
    (the theme's red at every rate read as alarm; Streamlit's "auto" would paint 50% coverage green)."""
    return {
        t("覆盖率", "Rate"): st.column_config.ProgressColumn(
            t("覆盖率", "Rate"), format="percent", min_value=0.0, max_value=1.0, color="blue"
        )
    }


def rate_chart(rows: list[dict[str, Any]], title: str, select: bool = False) -> alt.LayerChart | alt.FacetChart:
    """Horizontal bars of coverage rate on a grey 100% track, lowest first, red to green. ``select``: a
    click anywhere on a row (a 0% bar has no width to click) picks it; the selection is named ``pick``
    and holds the row's ``id``."""
    axis_name = alt.Y("name:N", title=None, sort=alt.EncodingSortField("rate", order="ascending"))
    base = alt.Chart(pd.DataFrame(rows)).encode(
        y=axis_name.axis(labelLimit=260, labelOverlap=False),
        x=alt.X("rate:Q", title=t("覆盖率", "Coverage rate"), scale=alt.Scale(domain=[0, 1])).axis(format="%"),
        tooltip=[
            alt.Tooltip("name:N", title=title),
            alt.Tooltip("rate:Q", title=t("覆盖率", "Rate"), format=".1%"),
            alt.Tooltip("covered:Q", title=t("已覆盖", "Covered")),
            alt.Tooltip("total:Q", title=t("应覆盖", "To cover")),
            alt.Tooltip("gaps:Q", title=t("缺口", "Gaps")),
        ],
    )
    colour = alt.Color(
        "rate:Q", scale=alt.Scale(domain=[0, 0.6, 1], range=["#d7191c", "#fdae61", "#1a9641"]), legend=None
    )
    track = base.mark_bar(color="#eceef2").encode(x=alt.datum(1.0))
    bars = base.mark_bar().encode(color=colour)
    labels = base.mark_text(align="left", dx=3, fontSize=11).encode(text=alt.Text("rate:Q", format=".0%"))
    layers = [track, bars, labels]
    if select:
        pick = alt.selection_point(name="pick", fields=["id"])
        layers[1] = bars.encode(opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45)))
        layers.append(base.mark_bar(color="#000000", opacity=0.01).encode(x=alt.datum(1.0)).add_params(pick))
    return alt.layer(*layers).properties(height=alt.Step(22))


def fewest_bars(rows: list[dict[str, Any]], key: str, what: tuple[str, str]) -> list[dict[str, Any]]:
    """The ``MAX_BARS`` lowest rates, unless the viewer asks for all (a toggle under ``key``)."""
    if len(rows) <= MAX_BARS:
        return rows
    st.session_state.setdefault(key, False)
    if st.toggle(t(f"显示全部 {len(rows)} 个{what[0]}", f"Show all {len(rows)} {what[1]}"), key=key):
        return rows
    st.caption(
        t(
            f"显示覆盖率最低的 {MAX_BARS} 个{what[0]}(共 {len(rows)} 个)",
            f"the {MAX_BARS} lowest of {len(rows)} {what[1]}",
        )
    )
    return sorted(rows, key=lambda r: (r["rate"], r["id"]))[:MAX_BARS]


def picked_bar(event: object) -> str | None:
    """The id of the bar clicked in a ``rate_chart(select=True)``, if any."""
    if not event:
        return None
    selection = event.get("selection", {}) if isinstance(event, dict) else getattr(event, "selection", {})
    points = selection.get("pick") or []
    return points[0].get("id") if points else None


def trend_chart(rows: list[dict[str, Any]], series_title: str, legend: bool = True) -> alt.Chart:
    """A line per series (a rule, or an area) of coverage rate over the stored periods, each period a point on
    the x axis in date order (its short name; the full one in the tooltip); rates on a fixed 0–100% scale so two
    charts compare, tooltips with one decimal. The legend sits on the right, one name a line."""
    order = [r["short"] for r in sorted(rows, key=lambda r: r["period"])]
    height = max(260, 22 * len({r["series"] for r in rows})) if legend else 260
    colour = alt.Legend(orient="right", labelLimit=220, symbolLimit=0) if legend else None
    chart: alt.Chart = (
        alt.Chart(pd.DataFrame(rows))
        .mark_line(point=True)
        .encode(
            x=alt.X("short:N", title=None, sort=list(dict.fromkeys(order))).axis(labelAngle=0),
            y=alt.Y("rate:Q", title=None, scale=alt.Scale(domain=[0, 1])).axis(format="%"),
            color=alt.Color("series:N", title=series_title, legend=colour, scale=alt.Scale(scheme="tableau20")),
            tooltip=[
                alt.Tooltip("series:N", title=series_title),
                alt.Tooltip("label:N", title=t("统计期", "Period")),
                alt.Tooltip("rate:Q", title=t("覆盖率", "Rate"), format=".1%"),
            ],
        )
        .properties(height=height)
    )
    return chart
