"""覆盖缺口 Coverage gaps: pick an area, rules and an as-of date; rates per rule and per sub-area as charts;
the gaps as a sortable, filterable table with why and the suggested action; Excel and CSV downloads; a
selected gap drawn on the network of its community (or street) with the gap highlighted, and why it is a gap
(``gap_network``).

Other pages open this one with a rule or an area chosen by setting ``gaps_rule`` (a rule id or a list of
them; None: every rule) and ``gaps_area`` (an area id; None: everywhere) in the session, then switching
to ``page()``; the keys are read once and removed.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd
import streamlit as st

from orggraph.analysis.coverage import Gap, GapReport, RuleOutcome
from orggraph.analysis.geography import AREA_LEVELS, LEVEL_NAMES, Geography, Place
from orggraph.app.pages import gap_history, gap_network, session
from orggraph.app.pages.common import (
    area_picker,
    coverage_index,
    lang,
    report,
    set_pickers,
    show_error,
    t,
    today,
    version_key,
    whole_area,
)
from orggraph.app.pages.coverage_charts import (
    WRAPPED_ROW,
    area_rate_rows,
    fewest_bars,
    picked_bar,
    rate_chart,
    rate_column_config,
    redraw_after_language_switch,
    rule_rate_rows,
    rule_table,
    table_height,
)
from orggraph.model.coverage_rules import load_rules
from orggraph.model.errors import OrgGraphError
from orggraph.present.gap_output import gap_rows, report_xlsx, rows_csv

PAGE_URL = "gaps"  # the url_path app.py gives this page
SUB_LEVEL = {"District": "Street", "Street": "Community", "Community": "Grid"}
PLACE_KEY = "gaps_place"  # the area pickers' session keys: gaps_place_0 … gaps_place_3


def page() -> st.Page:
    """This page as a destination for ``st.switch_page`` (the same url_path as in app.py)."""
    return st.Page(render, title=t("覆盖缺口", "Coverage gaps"), url_path=PAGE_URL)


# ---- the page --------------------------------------------------------------------------------------------


def render() -> None:
    st.title(t("覆盖缺口", "Coverage gaps"))
    book = load_rules()
    ids = [r.id for r in book.rules]
    geography = coverage_index(version_key()).geography
    _take_handoff(geography, ids)
    st.session_state.setdefault("gaps_rules", ids[:1])  # one rule to start with: its gaps read at once
    st.session_state.setdefault("gaps_filter", "")
    widgets = ["gaps_rules", "gaps_chart_rule", "gaps_reasons", *(f"{PLACE_KEY}_{i}" for i in range(len(AREA_LEVELS)))]
    redraw_after_language_switch(widgets, "gaps_lang")
    left, right = st.columns([4, 1])
    with left:
        area_id = area_picker(PLACE_KEY)
    as_of = right.date_input(t("截至日期", "As of"), today(), key="gaps_as_of")
    names = {r.id: t(r.zh, r.en) for r in book.rules}
    chosen = st.multiselect(
        t("覆盖规则", "Coverage rules"),
        ids,
        key="gaps_rules",
        format_func=names.__getitem__,
        wrap=True,
        placeholder=t("选择覆盖规则", "Choose coverage rules"),
    )
    if not chosen:
        st.warning(t("请至少选择一条覆盖规则。", "Choose at least one coverage rule."))
        return
    rules = () if set(chosen) == set(ids) else tuple(r for r in ids if r in chosen)  # all: the shared cache
    try:
        rep = report(tuple(rules), area_id, as_of, progress=True)
    except OrgGraphError as exc:
        show_error(exc)
        return
    area = geography.places.get(area_id) if area_id else None
    _headline(rep, area)
    _charts(rep, area, geography)
    if not gap_history.show(area_id, area.name if area else whole_area()[0], rules):  # a follow-up list instead
        _gap_section(rep, area, (rules, area_id, as_of))


def _take_handoff(geography: Geography, ids: list[str]) -> None:
    """Apply the rule and area another page chose (see the module docstring), once."""
    if "gaps_rule" not in st.session_state and "gaps_area" not in st.session_state:
        return
    rules = st.session_state.pop("gaps_rule", None)
    area_id = st.session_state.pop("gaps_area", None)
    rules = [rules] if isinstance(rules, str) else list(rules or ())
    st.session_state["gaps_rules"] = [r for r in ids if r in rules] or list(ids)
    known = area_id in geography.places
    if area_id and not known:
        st.warning(t(f"没有编号为 {area_id} 的区域,显示全部区域。", f"No area {area_id}; showing every area."))
    set_pickers(PLACE_KEY, geography, area_id if known else None)
    st.session_state["gaps_filter"] = ""
    st.session_state.pop("gaps_reasons", None)


def _headline(rep: GapReport, area: Place | None) -> None:
    where = area.name if area else t(*whole_area())
    st.caption(t(f"{where} · 截至 {rep.as_of.isoformat()}", f"{where} · as of {rep.as_of.isoformat()}"))
    cols = st.columns(3)
    cols[0].metric(t("所选规则", "Rules chosen"), len(rep.outcomes))
    cols[1].metric(t("缺口", "Gaps"), f"{sum(len(o.gaps) for o in rep.outcomes):,}")
    rated = [o for o in rep.outcomes if o.rate is not None]
    if rated:
        worst = min(rated, key=lambda o: (o.rate, o.rule.id))
        cols[2].metric(t("最低覆盖率", "Lowest rate"), f"{worst.rate:.1%}", help=t(worst.rule.zh, worst.rule.en))
        cols[2].caption(t(worst.rule.zh, worst.rule.en))
    else:
        cols[2].metric(t("最低覆盖率", "Lowest rate"), "—")


def _charts(rep: GapReport, area: Place | None, geography: Geography) -> None:
    left, right = st.columns(2)
    with left:
        st.subheader(t("各规则覆盖率", "Rate per rule"))
        rows = rule_rate_rows(rep)
        if rows:
            st.altair_chart(rate_chart(rows, t("规则", "Rule")), width="stretch")
        else:
            st.info(t("所选区域没有应覆盖的对象", "Nothing to cover in this area"))
        with st.expander(t("各规则明细", "Per rule, in numbers")):
            st.dataframe(
                pd.DataFrame(rule_table(rep)),
                hide_index=True,
                width="stretch",
                column_config=rate_column_config(),
                height=table_height(len(rep.outcomes)),
            )
    with right:
        _sub_area_chart(rep, area, geography)


def _sub_area_chart(rep: GapReport, area: Place | None, geography: Geography) -> None:
    # the whole region: by district, or by street when there is one district
    whole = "District" if len(geography.top_areas()) > 1 else "Street"
    level = whole if area is None else SUB_LEVEL.get(area.label)
    if level is None:
        st.subheader(t("下级区域覆盖率", "Rate per sub-area"))
        st.info(t("网格是最小的统计区域。", "A grid is the smallest area rates are kept for."))
        return
    st.subheader(t(f"各{LEVEL_NAMES[level][0]}覆盖率", f"Rate per {LEVEL_NAMES[level][1].lower()}"))
    by_id = {o.rule.id: o for o in rep.outcomes}
    if st.session_state.get("gaps_chart_rule") not in by_id:
        st.session_state["gaps_chart_rule"] = rep.outcomes[0].rule.id
    names = {r: o.rule.name(lang()) for r, o in by_id.items()}
    rule_ids = list(by_id)
    rule = st.selectbox(t("规则", "Rule"), rule_ids, key="gaps_chart_rule", format_func=names.__getitem__)
    rule = rule if rule in by_id else rule_ids[0]
    rows = area_rate_rows(by_id[rule].areas.get(level, ()))
    if not rows:
        st.info(t("该规则在下级区域没有应覆盖的对象", "This rule has nothing to cover in the sub-areas"))
        return
    name_zh, name_en = LEVEL_NAMES[level]
    rows = fewest_bars(rows, "gaps_all_bars", (name_zh, name_en.lower() + "s"))
    depth = len(geography.areas(area.id)) if area else 0
    key = f"gaps_sub_chart_{area.id if area else 'all'}_{rule}"
    st.altair_chart(
        rate_chart(rows, t(*LEVEL_NAMES[level]), select=True),
        width="stretch",
        key=key,
        on_select=lambda: _drill(key, depth),
    )
    st.caption(t("点击柱条进入该区域", "Click a bar to open that area"))


def _drill(chart_key: str, depth: int) -> None:
    """A bar clicked in the sub-area chart: choose that area in the pickers (a callback, before the rerun)."""
    area_id = picked_bar(st.session_state.get(chart_key))
    if not area_id:
        return
    st.session_state[f"{PLACE_KEY}_{depth}"] = area_id
    for i in range(depth + 1, len(AREA_LEVELS)):
        st.session_state.pop(f"{PLACE_KEY}_{i}", None)


def _reason_label(rep: GapReport, key: str) -> str:
    rule_id, code = key.split(":", 1)
    rule = next(o.rule for o in rep.outcomes if o.rule.id == rule_id)
    reason = rule.reasons[code]
    return f"{t(rule.zh, rule.en)} · {t(reason.zh, reason.en).replace('{detail}', '…')}"


def _matches(gap: Gap, text: str, rule_name: str) -> bool:
    fields = (gap.id, gap.name, gap.chain_text(), gap.why_zh, gap.why_en, gap.action_zh, gap.action_en, rule_name)
    return any(text in (f or "").lower() for f in fields)


def _filtered(rep: GapReport) -> list[Gap]:
    """The gaps that pass the text and reason filters (widgets drawn here)."""
    options = sorted({f"{g.rule_id}:{g.reason}" for g in rep.gaps()})
    kept = [v for v in st.session_state.get("gaps_reasons", []) if v in options]
    st.session_state["gaps_reasons"] = kept
    left, right = st.columns(2)
    text = left.text_input(
        t("筛选", "Filter"),
        key="gaps_filter",
        placeholder=t("名称、编号、区域、原因或建议中的文字", "text in the name, id, area, why or action"),
    )
    reasons = right.multiselect(
        t("原因", "Reason"),
        options,
        key="gaps_reasons",
        format_func={k: _reason_label(rep, k) for k in options}.__getitem__,
        placeholder=t("全部原因", "every reason"),
    )
    text = text.strip().lower()
    if not text and not reasons:
        return rep.gaps()
    names = {o.rule.id: f"{o.rule.zh} {o.rule.en}".lower() for o in rep.outcomes}
    return [
        g
        for g in rep.gaps()
        if (not reasons or f"{g.rule_id}:{g.reason}" in reasons) and (not text or _matches(g, text, names[g.rule_id]))
    ]


GAP_COLUMNS = (  # names first, the id last; the widths (and the row picker's ~32 px) fit the ~790 px a 1280 px
    (("名称", "Name"), 110),  # screen leaves beside the sidebar (looked at in the browser test's screenshot)
    (("规则", "Rule"), 80),
    (("所在区域", "Area"), 130),
    (("原因", "Why"), 150),
    (("建议", "Suggested action"), 230),
    (("编号", "Id"), 50),
)


def _gap_columns() -> dict[str, Any]:
    """Every column sized; rows tall enough that long reasons and actions wrap instead of being cut off."""
    return {t(*c): st.column_config.TextColumn(width=w) for c, w in GAP_COLUMNS}


def _gap_table(rep: GapReport, gaps: list[Gap]) -> pd.DataFrame:
    names = {o.rule.id: t(o.rule.zh, o.rule.en) for o in rep.outcomes}
    zh = lang() == "zh"
    rows = [
        (
            g.name,
            names[g.rule_id],
            g.chain_text(),
            g.why_zh if zh else g.why_en,
            g.action_zh if zh else g.action_en,
            g.id,
        )
        for g in gaps
    ]
    return pd.DataFrame(rows, columns=[t(*c) for c, _ in GAP_COLUMNS])


def _gap_section(rep: GapReport, area: Place | None, scope: tuple[object, ...]) -> None:
    total = len(rep.gaps())
    st.subheader(t(f"缺口清单({total:,})", f"Gaps ({total:,})"))
    if not total:
        st.success(t("所选规则在该区域没有缺口。", "No gaps for these rules in this area."))
        return
    gaps = _filtered(rep)
    signature = repr((scope, st.session_state.get("gaps_filter"), st.session_state.get("gaps_reasons")))
    if st.session_state.get("gaps_table_sig") != signature:  # the rows changed: a selection would point elsewhere
        st.session_state.pop("gaps_table", None)
        st.session_state["gaps_table_sig"] = signature
    _downloads(rep, gaps, area)
    if not gaps:
        st.info(t("没有符合筛选条件的缺口。", "No gap matches the filter."))
        return
    st.caption(
        t(
            f"显示 {len(gaps):,} / {total:,} 条;点选一行在网络图中查看",
            f"{len(gaps):,} of {total:,}; select a row to see it on the network",
        )
    )
    event = st.dataframe(
        _gap_table(rep, gaps),
        hide_index=True,
        width="stretch",
        column_config=_gap_columns(),
        height=table_height(min(len(gaps), 8), WRAPPED_ROW),
        row_height=WRAPPED_ROW,
        on_select="rerun",
        selection_mode="single-row",
        key="gaps_table",
    )
    picked = [i for i in event.selection.rows if i < len(gaps)]
    if picked:
        gap_network.show(gaps[picked[0]], rep)


def _shown(rep: GapReport, gaps: list[Gap]) -> list[RuleOutcome]:
    """The report's outcomes holding only the gaps shown (built when the CSV is asked for)."""
    kept = {id(g) for g in gaps}
    return [dataclasses.replace(o, gaps=tuple(g for g in o.gaps if id(g) in kept)) for o in rep.outcomes]


def _downloads(rep: GapReport, gaps: list[Gap], area: Place | None) -> None:
    stem = f"覆盖缺口_{area.name if area else whole_area()[0]}_{rep.as_of.isoformat()}"
    left, right, _ = st.columns([5, 3, 1])  # the Excel button's label whole at 1280 px (cut short at [1, 1, 2])
    left.download_button(
        t("下载 Excel 报告(汇总、分区、每条规则的缺口)", "Download the Excel report (summary, areas, gaps per rule)"),
        data=session.recorded_download("gaps:xlsx", lambda: report_xlsx(rep), sum(len(o.gaps) for o in rep.outcomes)),
        file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
        key="gaps_xlsx",
    )
    right.download_button(
        t(f"下载 CSV(当前 {len(gaps):,} 条)", f"Download CSV ({len(gaps):,} shown)"),
        data=session.recorded_download(
            "gaps:csv", lambda: rows_csv(gap_rows(_shown(rep, gaps))).encode("utf-8"), len(gaps)
        ),
        file_name=f"{stem}.csv",
        mime="text/csv",
        on_click="ignore",
        key="gaps_csv",
    )
