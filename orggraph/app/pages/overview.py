"""总览 Overview: headline counts, coverage rate per rule, rates per street for a chosen rule, the areas with
the most gaps and the agreements lapsing soon; each leads to the coverage-gaps page with the rule or the
area already chosen (through the ``gaps_rule`` / ``gaps_area`` session keys that page reads).

The coverage charts and tables are drawn the same way on the coverage-gaps page (``coverage_charts``)."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from orggraph.analysis.coverage import GapReport
from orggraph.analysis.geography import LEVEL_NAMES
from orggraph.analysis.province_history import history_home
from orggraph.analysis.query_catalogue import AGREEMENT_STATES
from orggraph.analysis.snapshot_report import report_from_snapshot, todays_snapshot
from orggraph.app.pages import gaps, nation, trends
from orggraph.app.pages.common import (
    lang,
    query,
    report,
    session_version,
    show_error,
    store_for,
    t,
    table_downloads,
    today,
    version_key,
    version_place,
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
from orggraph.model.config import load_settings
from orggraph.model.coverage_rules import load_rules
from orggraph.model.errors import HistoryError, LoadInProgress, OrgGraphError
from orggraph.model.schema import load_schema
from orggraph.present.gap_output import worst_areas

EXPIRING_DAYS = 90
AGREEMENT_RULES = ("community_agreement", "agreement_lapsed")
HEADLINE = [
    ("PartyOrg", "党组织", "Party orgs"),
    ("Community", "社区", "Communities"),
    ("Compound", "小区", "Compounds"),
    ("Unit", "单位", "Units"),
    ("Agreement", "共建协议", "Agreements"),
]
WORST_LEVELS = {label: LEVEL_NAMES[label] for label in ("Street", "Community")}


@st.cache_resource(max_entries=2, show_spinner=False)
def _stored_report(as_of: dt.date, version: str) -> GapReport | None:
    """Today's whole report as the snapshot the last load took keeps it (``snapshot_report``: the same figures and
    gaps, read from two files instead of every rule run again — on a province ~1 s for ~20 s); None when no such
    snapshot is stored, or for a street user (their live report reads their street only)."""
    province, area = version_place(version)
    if area:
        return None
    data_dir = history_home(load_settings(), province).folder  # a province's database keeps its own snapshots
    try:
        info = todays_snapshot(data_dir, store_for(version), as_of)
        return None if info is None else report_from_snapshot(data_dir, info)
    except HistoryError:  # an unreadable snapshot file: the live report answers, as with none
        return None


def _fetch_alongside_report(today: dt.date) -> tuple[dict[str, int], list[dict[str, Any]], GapReport]:
    """The lapsing agreements are fetched in a second thread while the gap report runs (cold, the report is
    most of the page's time; the small read need not wait for it); the counts come with the graph's version."""
    counts: dict[str, int] = session_version()["counts"]
    expiring: list[dict[str, Any]] = []
    errors: list[OrgGraphError] = []

    def small_reads() -> None:
        try:
            expiring.extend(query("agreements_expiring", as_of=today, days=EXPIRING_DAYS))
        except OrgGraphError as exc:
            errors.append(exc)

    worker = threading.Thread(target=small_reads, name="overview-small-reads")
    add_script_run_ctx(worker, get_script_run_ctx())  # so its cached calls run inside this page's session
    worker.start()
    try:
        rep = _stored_report(today, version_key()) or report(as_of=today, progress=True)
    finally:
        worker.join()
    if errors:
        raise errors[0]
    return counts, expiring, rep


def render() -> None:
    st.session_state.setdefault("overview_rule", load_rules().rules[0].id)
    st.session_state.setdefault("overview_level", "Street")
    st.session_state.setdefault("overview_show_lapsed", False)
    redraw_after_language_switch(["overview_rule", "overview_level", "overview_trend_rule"], "overview_lang")
    st.title(t("基层党建组织图谱 · 总览", "Grassroots party organizations · Overview"))
    day = today()
    try:
        with st.spinner(
            t("正在统计各类数量、覆盖率和到期协议……", "Counting records, coverage rates and lapsing agreements…")
        ):
            counts, expiring, rep = _fetch_alongside_report(day)
    except LoadInProgress:
        raise  # app.py's notice says so
    except OrgGraphError as exc:
        show_error(exc)
        return
    _headline(counts)
    nation.show(day)  # the provinces' databases added up, when the settings map provinces
    _gap_headline(rep, expiring, day)
    _rule_rates(rep)
    trends.show()
    _street_rates(rep)
    _worst(rep)
    _expiring(expiring, day)


def _headline(counts: dict[str, int]) -> None:
    for col, (label, zh, en) in zip(st.columns(len(HEADLINE)), HEADLINE, strict=True):
        col.metric(t(zh, en), f"{counts.get(label, 0):,}")
    schema = load_schema()
    rows = [
        {t("类型", "Label"): t(spec.zh, spec.en), t("数量", "Count"): counts.get(label, 0)}
        for label, spec in schema.nodes.items()
        if spec.group != "bookkeeping"
    ]
    with st.expander(t("各类节点数量", "Nodes per label")):
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", height=36 * (len(rows) + 1) + 2)


def _gap_headline(rep: GapReport, expiring: list[dict[str, Any]], today: dt.date) -> None:
    n_gaps = sum(len(o.gaps) for o in rep.outcomes)
    below = sum(1 for o in rep.outcomes if o.rate is not None and o.rate < 1)
    soon = sum(1 for a in expiring if a["expires"] >= today)
    cols = st.columns(4)
    cols[0].metric(t("覆盖缺口", "Coverage gaps"), f"{n_gaps:,}")
    cols[1].metric(t("未达标规则", "Rules below 100%"), f"{below} / {len(rep.outcomes)}")
    cols[2].metric(t(f"{EXPIRING_DAYS}天内到期协议", f"Agreements lapsing in {EXPIRING_DAYS} days"), f"{soon:,}")
    cols[3].metric(t("已过期协议", "Agreements lapsed"), f"{len(expiring) - soon:,}")
    st.caption(t(f"截至 {today.isoformat()},{whole_area()[0]}", f"as of {today.isoformat()}, {whole_area()[1]}"))


def _go_to_gaps(rules: list[str] | None, area: str | None) -> None:
    """Open the coverage-gaps page with these rules (all when None) and this area (everywhere when None)."""
    st.session_state["gaps_rule"] = rules
    st.session_state["gaps_area"] = area
    st.switch_page(gaps.page())


def _rule_rates(rep: GapReport) -> None:
    st.subheader(t("各规则覆盖率", "Coverage rate per rule"))
    rows = rule_rate_rows(rep)
    left, right = st.columns([2, 3])
    with left:
        st.altair_chart(rate_chart(rows, t("规则", "Rule")), width="stretch")
    with right:
        table = pd.DataFrame(rule_table(rep))
        event = st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            column_config=rate_column_config(),
            height=table_height(len(table)),
            on_select="rerun",
            selection_mode="single-row",
            key="overview_rules_table",
        )
        table_downloads(table, t("各规则覆盖率", "Coverage rate per rule"), "overview_rules", note=whole_area()[0])
        st.caption(t("点选一行查看该规则的缺口明细", "Select a row to see that rule's gaps"))
        picked = list(event.selection.rows)
        if picked:
            outcome = rep.outcomes[picked[0]]
            name = t(outcome.rule.zh, outcome.rule.en)
            if st.button(t(f"查看「{name}」的缺口 →", f"See the gaps of '{name}' →"), key="overview_rule_go"):
                _go_to_gaps([outcome.rule.id], None)


def _street_rates(rep: GapReport) -> None:
    st.subheader(t("各街道覆盖率", "Coverage rate per street"))
    ids = [o.rule.id for o in rep.outcomes]
    by_id = {o.rule.id: o for o in rep.outcomes}
    rule = st.selectbox(
        t("规则", "Rule"),
        ids,
        key="overview_rule",
        format_func={r: o.rule.name(lang()) for r, o in by_id.items()}.__getitem__,
    )
    rule = rule if rule in by_id else ids[0]
    outcome = by_id[rule]
    rows = area_rate_rows(outcome.areas.get("Street", ()))
    if not rows:
        st.info(t("该规则在各街道没有应覆盖的对象", "This rule has nothing to cover in any street"))
        return
    rows = fewest_bars(rows, "overview_all_streets", ("街道", "streets"))
    event = st.altair_chart(
        rate_chart(rows, t("街道", "Street"), select=True),
        width="stretch",
        on_select="rerun",
        key=f"overview_street_chart_{rule}",
    )
    street = picked_bar(event)
    names = {r["id"]: r["name"] for r in rows}
    name = t(outcome.rule.zh, outcome.rule.en)
    if street in names:
        label = t(f"查看「{names[street]}」的「{name}」缺口 →", f"See '{name}' gaps in {names[street]} →")
    else:
        street = None
        label = t(f"查看「{name}」的全部缺口 →", f"See every '{name}' gap →")
        st.caption(t("点击柱条可选定一个街道", "Click a bar to pick a street"))
    if st.button(label, key="overview_street_go"):
        _go_to_gaps([rule], street)


def _worst(rep: GapReport) -> None:
    st.subheader(t("缺口最多的区域", "Areas with the most gaps"))
    level = st.segmented_control(
        t("层级", "Level"),
        list(WORST_LEVELS),
        key="overview_level",
        format_func={lv: t(*names) for lv, names in WORST_LEVELS.items()}.__getitem__,
    )
    level = level or "Street"
    rows = worst_areas(rep, level, n=10)
    if not rows:
        st.info(t("没有可统计的区域", "No areas to rank"))
        return
    table = pd.DataFrame(
        [
            {
                t("区域", "Area"): r["区域 area"],
                t("编号", "Id"): r["区域编号 area id"],
                t("缺口", "Gaps"): r["缺口 gaps"],
                t("应覆盖", "To cover"): r["应覆盖 to cover"],
            }
            for r in rows
        ]
    )
    event = st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        height=table_height(len(table)),
        key=f"overview_worst_{level}",
    )
    table_downloads(table, t("缺口最多的区域", "Areas with the most gaps"), f"overview_worst_dl_{level}")
    picked = list(event.selection.rows)
    if not picked:
        st.caption(t("点选一行查看该区域的缺口明细", "Select a row to see that area's gaps"))
        return
    area = rows[picked[0]]
    if st.button(
        t(f"查看「{area['区域 area']}」的缺口 →", f"See the gaps in {area['区域 area']} →"), key="overview_worst_go"
    ):
        _go_to_gaps(None, area["区域编号 area id"])


def _expiring(expiring: list[dict[str, Any]], today: dt.date) -> None:
    st.subheader(t(f"{EXPIRING_DAYS} 天内到期的共建协议", f"Agreements lapsing within {EXPIRING_DAYS} days"))
    show_lapsed = st.toggle(t("同时显示已过期的协议", "Also show lapsed agreements"), key="overview_show_lapsed")
    rows = [a for a in expiring if show_lapsed or a["expires"] >= today]
    if rows:
        _agreements_shown(rows, today)
    elif show_lapsed:
        st.info(t("没有到期或即将到期的协议", "No agreement has lapsed or is about to"))
    else:
        st.info(
            t(
                f"{EXPIRING_DAYS} 天内没有到期的协议(已过期 {len(expiring):,} 份)",
                f"No agreement lapses within {EXPIRING_DAYS} days ({len(expiring):,} already lapsed)",
            )
        )
    if st.button(t("查看共建协议缺口 →", "See the agreement gaps →"), key="overview_agreements_go"):
        known = {r.id for r in load_rules().rules}
        _go_to_gaps([r for r in AGREEMENT_RULES if r in known], None)


def _agreements_shown(rows: list[dict[str, Any]], today: dt.date) -> None:
    """The agreements as a table whose parties and names wrap, with its downloads."""
    table = _agreement_table(rows, today)
    widths = {t("签署方", "Parties"): 360, t("协议", "Agreement"): 220}
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        row_height=WRAPPED_ROW,
        height=table_height(min(len(rows), 8), WRAPPED_ROW),
        column_config={name: st.column_config.TextColumn(width=w) for name, w in widths.items()},
    )
    title = t(f"{EXPIRING_DAYS} 天内到期的共建协议", f"Agreements lapsing within {EXPIRING_DAYS} days")
    table_downloads(table, title, "overview_agreements")


def _agreement_table(rows: list[dict[str, Any]], today: dt.date) -> pd.DataFrame:
    columns = [("协议", "Agreement"), ("编号", "Id"), ("签订日期", "Signed"), ("到期日期", "Expires")]
    columns += [("剩余天数", "Days left"), ("状态", "State"), ("签署方", "Parties")]
    data = [
        (
            a["name"],
            a["id"],
            a["signed"],
            a["expires"],
            (a["expires"] - today).days,
            t(*AGREEMENT_STATES.get(a["state"], (a["state"], a["state"]))),
            "、".join(sorted(a["parties"] or [])),
        )
        for a in rows
    ]
    return pd.DataFrame(data, columns=[t(*c) for c in columns])
