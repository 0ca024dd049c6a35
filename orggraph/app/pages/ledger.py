"""共建台账 Co-building ledger: agreements lapsing or lapsed (in an area picked: those an org of it signed),
communities without a current agreement and units that signed without reporting, commitments with no project, the
three lists (需求/资源/项目: unmet needs, a need matched to resources) and the co-building network's structure
(isolated communities, critical units, the most central units and orgs). UI only: rows come from catalogue queries
(``common.query``, cached per graph state) and the network analyses (``orggraph.analysis.network``, cached here per
graph state and date). One section is computed per run.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import networkx as nx
import pandas as pd
import streamlit as st

from orggraph.analysis.network import (
    Centrality,
    CriticalUnit,
    central_entities,
    critical_units,
    fetch_network,
    isolated_communities,
    network_counts,
)
from orggraph.analysis.query_catalogue import LAPSED
from orggraph.app.pages import common
from orggraph.app.pages.common import query, show_error, store_for, t, today, version_key
from orggraph.model.errors import OrgGraphError
from orggraph.model.schema import load_schema

SECTIONS = {
    "agreements": ("协议到期", "Agreements"),
    "communities": ("无协议社区", "Communities without agreement"),
    "commitments": ("承诺事项", "Commitments"),
    "lists": ("三张清单", "Needs & resources"),
    "network": ("共建网络", "Co-building network"),
}
TABLE_TITLES = {"agreements_lapsing": ("即将到期的共建协议", "Agreements lapsing"),
                "agreements_lapsed": ("已过期的共建协议", "Agreements lapsed"),
                "communities_without_agreement": ("无有效协议的社区", "Communities without an agreement"),
                "units_agreement_no_reporting": ("签约未报到的单位", "Units signed but not reporting"),
                "commitments_without_projects": ("无项目的承诺事项", "Commitments without projects"),
                "needs_unmet": ("未满足的需求", "Unmet needs"), "need_matches": ("需求匹配的资源", "Resources"),
                "isolated_communities": ("孤立社区", "Isolated communities"),
                "critical_units": ("关键驻区单位", "Critical units"),
                "central_betweenness": ("中介中心度最高的对象", "Highest betweenness"),
                "central_degree": ("度中心度最高的对象", "Highest degree")}  # fmt: skip  # the downloads' titles
ALL = ""  # the "(all)" choice of a filter (None would show as an empty choice)


COUNT_NAMES = {"nodes": ("网络节点", "Nodes"), "edges": ("联结", "Ties"), "communities": ("社区", "Communities"),
               "stationed_units": ("驻区单位", "Stationed units"), "components": ("连通片", "Components")}  # fmt: skip


@st.cache_resource(max_entries=2, show_spinner=False)
def _graph(as_of: dt.date, version: str) -> nx.Graph[str]:
    """The co-building network for one graph state and date (shared read-only by every session)."""
    return fetch_network(store_for(version), as_of)


@st.cache_data(max_entries=4, show_spinner=False)
def _structure(as_of: dt.date, version: str) -> dict[str, Any]:
    """Size, isolated communities and critical units (under a second on a city), with the names they list."""
    g = _graph(as_of, version)
    isolated, critical = isolated_communities(g), critical_units(g)
    listed = {*isolated, *(x for c in critical for x in (c.unit, *c.orgs, *c.cut_off))}
    counts = network_counts(g)
    return {
        "counts": [(counts[key], zh, en) for key, (zh, en) in COUNT_NAMES.items()],
        "isolated": isolated,
        "critical": critical,
        "names": {n: g.nodes[n].get("name") or n for n in listed},
    }


@st.cache_data(max_entries=4, show_spinner=False)
def _centrality(as_of: dt.date, version: str) -> Centrality:
    """Betweenness and degree (~2 s on a city: computed only when asked for)."""
    return central_entities(_graph(as_of, version))


def _table(
    rows: list[dict[str, Any]], columns: list[tuple[str, str, str]], key: str, height: int | None = None
) -> None:
    """Rows as a table with translated headers (key, 中文, English) and Excel and CSV downloads of what is shown."""
    frame = pd.DataFrame([{t(zh, en): r.get(k) for k, zh, en in columns} for r in rows])
    if frame.empty:
        frame = pd.DataFrame(columns=[t(zh, en) for _, zh, en in columns])
    st.dataframe(frame, hide_index=True, width="stretch", height=height or "auto", placeholder="—")
    common.table_downloads(frame, t(*TABLE_TITLES.get(key, (key, key))), f"ledger_dl_{key}")


def _agreements(as_of: dt.date) -> None:
    area = common.area_picker("ledger_place", levels=2)  # the agreements an org of the area signed
    c1, c2, c3 = st.columns(3)
    days = int(c1.number_input(t("到期提醒天数", "Days ahead"), 1, 3650, 90, step=30, key="ledger_days"))
    rows = sorted(common.query_in(area, "agreements_expiring", as_of=as_of, days=days), key=lambda r: r["expires"])
    for r in rows:
        r["left"] = (r["expires"] - as_of).days
        r["overdue"] = -r["left"]
        r["parties_text"] = "、".join(r["parties"] or [])
    lapsed = [r for r in rows if r["state"] == LAPSED]
    soon = [r for r in rows if r["state"] != LAPSED]
    c2.metric(t(f"{days} 天内到期", f"Lapsing within {days} days"), len(soon))
    c3.metric(t("已过期", "Lapsed"), len(lapsed))
    columns = [
        ("id", "编号", "Id"),
        ("name", "协议名称", "Agreement"),
        ("signed", "签订日期", "Signed"),
        ("expires", "到期日期", "Expires"),
        ("left", "剩余天数", "Days left"),
        ("parties_text", "签约方", "Parties"),
    ]
    st.subheader(t(f"即将到期({days} 天内)", f"Lapsing within {days} days"))
    if soon:
        _table(soon, columns, "agreements_lapsing")
    else:
        st.info(t("没有即将到期的协议", "No agreement lapses in that window"))
    st.subheader(t("已过期(最近过期的在前)", "Lapsed (most recent first)"))
    if lapsed:
        columns[4] = ("overdue", "已过期天数", "Days since expiry")
        _table(sorted(lapsed, key=lambda r: r["expires"], reverse=True), columns, "agreements_lapsed")
    else:
        st.info(t("没有已过期的协议", "No lapsed agreement"))


def _communities(as_of: dt.date) -> None:
    rows = query("communities_without_agreement", as_of=as_of)
    never = sum(1 for r in rows if not r["ever_signed"])
    c1, c2, c3 = st.columns(3)
    c1.metric(t("无有效协议的社区", "Communities without a current agreement"), len(rows))
    c2.metric(t("从未签订", "Never signed"), never)
    c3.metric(t("协议已全部到期", "All agreements lapsed"), len(rows) - never)
    streets = sorted({r["street"] for r in rows})
    st.session_state.setdefault("ledger_street", ALL)
    if st.session_state["ledger_street"] not in streets:
        st.session_state["ledger_street"] = ALL
    street = st.columns([1, 2])[0].selectbox(
        t("街道", "Street"), [ALL, *streets], key="ledger_street", format_func=lambda s: s or t("(全部)", "(all)")
    )
    shown = [r for r in rows if street == ALL or r["street"] == street]
    st.subheader(t("截至日期没有有效共建协议的社区", "Communities with no agreement current on the date"))
    if shown:
        _table(
            shown,
            [
                ("street", "街道", "Street"),
                ("id", "编号", "Id"),
                ("community", "社区", "Community"),
                ("ever_signed", "曾签协议数", "Agreements ever signed"),
                ("last_expiry", "最近到期日", "Last expiry"),
            ],
            "communities_without_agreement",
        )
    else:
        st.success(t("每个社区都有有效的共建协议", "Every community has a current agreement"))
    st.subheader(t("签了协议但未到社区报到的单位(双报到)", "Units that signed but do not report to a community"))
    units = query("units_agreement_no_reporting")
    if units:
        _table(
            units,
            [
                ("id", "编号", "Id"),
                ("unit", "单位", "Unit"),
                ("org", "党组织", "Org"),
                ("agreements", "协议数", "Agreements"),
            ],
            "units_agreement_no_reporting",
        )
    else:
        st.success(t("签约单位的党组织都已报到", "Every signing unit's org reports to a community"))


def _commitments(as_of: dt.date) -> None:
    rows = query("commitments_without_projects")
    open_rows = [r for r in rows if r["status"] != "已完成"]
    overdue = [r for r in open_rows if r["due"] and r["due"] < as_of]
    c1, c2, c3 = st.columns(3)
    c1.metric(t("无项目支撑的承诺", "Commitments without a project"), len(rows))
    c2.metric(t("其中未完成", "Not finished"), len(open_rows))
    c3.metric(t("未完成且已逾期", "Unfinished and overdue"), len(overdue))
    st.caption(t("所依托的共建协议下没有任何项目的承诺事项,未完成的在前", "Unfinished first"))
    if rows:
        _table(
            rows,
            [
                ("id", "编号", "Id"),
                ("commitment", "承诺事项", "Commitment"),
                ("status", "状态", "Status"),
                ("due", "完成时限", "Due"),
                ("agreement", "共建协议", "Agreement"),
                ("committed_by", "承诺方", "Committed by"),
            ],
            "commitments_without_projects",
        )
    else:
        st.success(t("每项承诺都有项目支撑", "Every commitment is backed by a project"))


def _lists(_as_of: dt.date) -> None:
    needs = query("needs_unmet")
    categories = sorted({n["category"] for n in needs if n["category"]})
    st.metric(t("未满足的需求", "Unmet needs"), len(needs))
    if not needs:
        st.success(t("所有需求都已对接或完成", "Every need is met or done"))
        return
    st.session_state.setdefault("ledger_category", ALL)
    if st.session_state["ledger_category"] not in categories:
        st.session_state["ledger_category"] = ALL
    category = st.columns([1, 2])[0].selectbox(
        t("需求类别", "Category"),
        [ALL, *categories],
        key="ledger_category",
        format_func=lambda c: c or t("(全部)", "(all)"),
    )
    shown = [n for n in needs if category == ALL or n["category"] == category]
    _table(
        shown,
        [
            ("id", "编号", "Id"),
            ("need", "需求", "Need"),
            ("category", "类别", "Category"),
            ("status", "状态", "Status"),
            ("raised", "提出日期", "Raised"),
            ("raised_by", "提出方", "Raised by"),
        ],
        "needs_unmet",
        height=320,
    )
    _matches(shown)


def _matches(needs: list[dict[str, Any]]) -> None:
    st.subheader(t("需求匹配:为一条需求找同类资源", "Match a need to resources"))
    ids = [n["id"] for n in needs]
    by_id = {n["id"]: n for n in needs}
    st.session_state.setdefault("ledger_need", ids[0])
    if st.session_state["ledger_need"] not in by_id:
        st.session_state["ledger_need"] = ids[0]
    c1, c2 = st.columns([3, 1])
    need_id = c1.selectbox(
        t("需求", "Need"),
        ids,
        key="ledger_need",
        format_func=lambda i: f"{by_id[i]['need']}({i} · {by_id[i]['category']})",
    )
    limit = int(c2.number_input(t("条数", "Rows"), 1, 50, 10, key="ledger_limit"))
    matches = query("need_matches", need_id=need_id, limit=limit)
    if not matches:
        st.info(t("没有同类别的资源", "No resource of this category"))
        return
    for m in matches:
        m["same_text"] = t("是", "yes") if m["same_street"] else t("否", "no")
        m["hops_text"] = m["hops"] if m["hops"] is not None else t("8 跳内不可达", "not within 8 hops")
    st.caption(t("同一街道的在前,再按关系跳数由近到远", "Same street first, then by hops through ties"))
    _table(
        matches,
        [
            ("id", "编号", "Id"),
            ("resource", "资源", "Resource"),
            ("provider", "提供方", "Provider"),
            ("capacity", "供给能力", "Capacity"),
            ("same_text", "同一街道", "Same street"),
            ("hops_text", "跳数", "Hops"),
        ],
        "need_matches",
    )


def _network_section(as_of: dt.date) -> None:
    with st.spinner(t("正在分析共建网络…", "Analysing the co-building network…")):
        found = _structure(as_of, version_key())
    for col, (value, zh, en) in zip(st.columns(len(found["counts"])), found["counts"], strict=True):
        col.metric(t(zh, en), value)
    isolated, names = found["isolated"], found["names"]
    st.subheader(t(f"孤立社区({len(isolated)})", f"Isolated communities ({len(isolated)})"))
    st.caption(t("无论经过多少层联结,都联系不到任何驻区单位的社区", "Communities that reach no stationed unit at all"))
    if isolated:
        rows = [{"id": c, "name": names.get(c, c)} for c in isolated]
        _table(rows, [("id", "编号", "Id"), ("name", "社区", "Community")], "isolated_communities")
    else:
        st.success(t("没有孤立社区", "No isolated community"))
    _critical(found["critical"], names)
    st.subheader(t("最核心的单位和党组织", "Most central units and orgs"))
    st.session_state.setdefault("ledger_central", False)
    if st.toggle(
        t("计算中心度(城市规模约需 2–3 秒)", "Compute centrality (2–3 s at city scale)"), key="ledger_central"
    ):
        with st.spinner(t("正在计算中心度…", "Computing centrality…")):
            central = _centrality(as_of, version_key())
        _central(central)


def _critical(critical: tuple[CriticalUnit, ...], names: dict[str, str]) -> None:
    st.subheader(t(f"关键驻区单位({len(critical)})", f"Critical stationed units ({len(critical)})"))
    st.caption(
        t(
            "失去该单位(连同其党组织)后,这些社区将联系不到任何驻区单位",
            "Losing the unit (with its orgs) leaves these communities with no stationed unit in reach",
        )
    )
    if not critical:
        st.success(t("没有关键单位", "No critical unit"))
        return
    rows = [
        {
            "id": c.unit,
            "name": names.get(c.unit, c.unit),
            "orgs": "、".join(names.get(o, o) for o in c.orgs),
            "n": len(c.cut_off),
            "cut": "、".join(names.get(x, x) for x in c.cut_off),
        }
        for c in critical
    ]
    _table(
        rows,
        [
            ("id", "编号", "Id"),
            ("name", "单位", "Unit"),
            ("orgs", "本单位党组织", "Own orgs"),
            ("n", "将被切断的社区数", "Communities cut off"),
            ("cut", "将被切断的社区", "Would cut off"),
        ],
        "critical_units",
    )


def _central(central: Centrality) -> None:
    if central.sample:
        st.caption(
            t(
                f"大连通片中的中介中心度由 {central.sample} 个抽样起点估算",
                f"Betweenness in large components is estimated from {central.sample} sampled sources",
            )
        )
    labels = load_schema().nodes
    by_betweenness, by_degree = st.tabs([t("按中介中心度", "By betweenness"), t("按联结数", "By degree")])
    for tab, entities, key in (
        (by_betweenness, central.by_betweenness, "central_betweenness"),
        (by_degree, central.by_degree, "central_degree"),
    ):
        rows = [
            {
                "id": e.id,
                "name": e.name,
                "label": t(labels[e.label].zh, labels[e.label].en) if e.label in labels else e.label,
                "ties": e.ties,
                "degree": round(e.degree, 5),
                "betweenness": round(e.betweenness, 5),
            }
            for e in entities
        ]
        with tab:
            _table(
                rows,
                [
                    ("id", "编号", "Id"),
                    ("name", "名称", "Name"),
                    ("label", "类型", "Kind"),
                    ("ties", "联结数", "Ties"),
                    ("degree", "度中心度", "Degree centrality"),
                    ("betweenness", "中介中心度", "Betweenness"),
                ],
                key,
            )


RENDERERS = {
    "agreements": _agreements,
    "communities": _communities,
    "commitments": _commitments,
    "lists": _lists,
    "network": _network_section,
}


def render() -> None:
    st.title(t("共建台账", "Co-building ledger"))
    c1, c2 = st.columns([4, 1])
    section = c1.segmented_control(
        t("查看", "View"),
        list(SECTIONS),
        default="agreements",
        key="ledger_section",
        format_func=lambda s: t(*SECTIONS[s]),
        required=True,
    )
    as_of = c2.date_input(t("截至日期", "As of"), today(), key="ledger_as_of")
    try:
        section = section or "agreements"
        zh, en = SECTIONS[section]
        with st.spinner(t(f"正在读取“{zh}”……", f"Reading {en.lower()}…")):
            RENDERERS[section](as_of)
    except OrgGraphError as exc:
        show_error(exc)
