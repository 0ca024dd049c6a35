"""组织架构 Hierarchy explorer: pick an area (区 → 街道 → 社区 → 网格), see the tree of the party
organizations placed in it (隶属 chain, members, secretary masked, counts per kind) and a network of
the area (places, orgs, units, agreements), narrowed by kind and node limit.

The tree comes from one cached whole-graph query (``org_tree``) cut to the area in memory
(:func:`orggraph.analysis.org_tree.area_tree`), so choosing another area costs no round trip; the network is
:func:`orggraph.analysis.area_view.area_subgraph`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from orggraph.analysis.area_view import DEFAULT_LIMIT, PRIORITY, Subgraph, area_subgraph
from orggraph.analysis.geography import AREA_LEVELS, LEVEL_NAMES, Geography
from orggraph.analysis.org_tree import area_tree
from orggraph.app.pages import common, gap_network
from orggraph.app.pages.common import t
from orggraph.app.pages.network_view import show_network
from orggraph.model.schema import load_schema

KEY = "hier"
PICKER = f"{KEY}_area"  # the area pickers' keys: hier_area_0 … (another page opens this one on an area by them)
LIMIT_RANGE = (10, 500)


def _geography() -> Geography:
    return common.coverage_index(common.version_key()).geography


# --- data (cached per state of the graph) ------------------------------------------------------------
@st.cache_data(max_entries=8, show_spinner=False)
def _top_summary(version: str) -> list[dict[str, Any]]:
    return common.coverage_index(version).geography.top_summary()


@st.cache_data(max_entries=64, show_spinner=False)
def _area_tree(area: str, as_of: dt.date, version: str, names: bool) -> Sequence[Mapping[str, Any]]:
    """The orgs placed in the area, depth first along 领导 (or 成员单位) ties: id, name, kind, members,
    leaders ([person id, name], the name masked unless ``names``: the viewer's switch, part of the cache key)."""
    return area_tree(common.query("org_tree", as_of=as_of)[0]["orgs"], common.coverage_index(version).geography, area)


@st.cache_data(max_entries=32, show_spinner=False)
def _subgraph(area: str, limit: int, labels: tuple[str, ...], version: str) -> Subgraph:
    return area_subgraph(common.store_for(version), area, limit=limit, labels=labels)


# --- view ---------------------------------------------------------------------------------------------
def _secretary(leaders: list[list[Any]]) -> str:
    """Serving secretaries, masked unless the viewer turned names on (the pseudonymous id when unnamed)."""
    return "、".join(common.person(name) if name else pid for pid, name in leaders) or "—"


def _tree_table(rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    member = t("(成员单位)", " (member)")
    return pd.DataFrame(
        {
            t("组织", "Organization"): [
                "\u3000" * r["depth"]
                + ("└ " if r["depth"] else "")
                + r["name"]
                + (member if r["tie"] == "MEMBER_OF" else "")
                for r in rows
            ],
            t("类型", "Kind"): [r["kind"] for r in rows],
            t("党员数", "Members"): pd.array([r["members"] for r in rows], dtype="Int64"),
            t("书记", "Secretary"): [_secretary(r["leaders"]) for r in rows],
            t("下级组织", "Subordinates"): [r["subordinates"] for r in rows],
            t("编号", "Id"): [r["id"] for r in rows],
        }
    )


def _kind_table(rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    levels = load_schema().org_levels
    kinds = Counter(r["kind"] for r in rows)
    members: Counter[str] = Counter()
    for r in rows:
        members[r["kind"]] += r["members"] or 0
    order = sorted(kinds, key=lambda k: (levels.get(k, 9), -kinds[k], k))
    return pd.DataFrame(
        {
            t("组织类型", "Kind"): order,
            t("数量", "Count"): [kinds[k] for k in order],
            t("党员数", "Members"): [members[k] for k in order],
        }
    )


def _show_region() -> None:
    with st.spinner(t("正在统计各区域的街道、社区和网格……", "Counting each area's streets, communities and grids…")):
        rows = _top_summary(common.version_key())
    levels = [label for label in AREA_LEVELS if any(r["label"] == label for r in rows)] or ["District"]
    top, below = levels[0], AREA_LEVELS[AREA_LEVELS.index(levels[0]) + 1 :]
    zh_path = "、".join(LEVEL_NAMES[label][0] for label in below)
    en_path = ", ".join(LEVEL_NAMES[label][1].lower() for label in below)
    st.info(
        t(
            f"请先选择{LEVEL_NAMES[top][0]},再逐级选择{zh_path},查看该区域的党组织架构和关系网络。",
            f"Choose a {LEVEL_NAMES[top][1].lower()} first, then a {en_path}, to see the area's organizations and "
            "network.",
        )
    )
    counted = {"Street": ("街道数", "Streets"), "Community": ("社区数", "Communities"), "Grid": ("网格数", "Grids")}
    table = pd.DataFrame(
        {
            t(*LEVEL_NAMES[top]): [r["name"] for r in rows],
            t("编号", "Id"): [r["id"] for r in rows],
            **{t(*counted[label]): [r[label] for r in rows] for label in below},
        }
    )
    st.subheader(t("区域概况", "The areas"))
    st.dataframe(table, hide_index=True, width="stretch")


def _show_tree(area: str) -> None:
    with st.spinner(t("正在读取该区域的党组织架构……", "Reading the area's party organizations…")):
        rows = _area_tree(area, common.today(), common.version_key(), common.names_shown())
    st.subheader(t("党组织架构", "Party organizations"))
    if not rows:
        st.warning(t("该区域内没有党组织覆盖的记录。", "No party organization is placed in this area."))
        return
    no_secretary = sum(1 for r in rows if not r["leaders"])
    cols = st.columns(3)
    cols[0].metric(t("党组织", "Organizations"), len(rows))
    cols[1].metric(t("党员", "Party members"), sum(r["members"] or 0 for r in rows))
    cols[2].metric(t("无在任书记", "Without a secretary"), no_secretary)
    left, right = st.columns([3, 1])
    with left:
        st.caption(t("按隶属关系缩进(└ 为下级);书记姓名默认隐去", "Indented by the chain of leadership; names masked"))
        tree = _tree_table(rows)
        st.dataframe(tree, hide_index=True, width="stretch", height=min(560, 35 * len(rows) + 38))
        common.table_downloads(tree, t(f"党组织架构 {area}", f"Party organizations {area}"), "hier_tree")
    with right:
        st.caption(t("各类型党组织数量", "Organizations per kind"))
        st.dataframe(_kind_table(rows), hide_index=True, width="stretch")


def _show_network(area: str) -> None:
    schema = load_schema()
    st.subheader(t("关系网络", "Network"))
    cols = st.columns([3, 1])
    # one widget key per language: Streamlit matches chosen options by their displayed text, which
    # changes with the language; the choice carries over through hier_labels_value
    key = f"{KEY}_labels" + ("" if common.lang() == "zh" else f"_{common.lang()}")
    st.session_state.setdefault(key, st.session_state.get(f"{KEY}_labels_value", list(PRIORITY)))
    names = {label: t(schema.node(label).zh, schema.node(label).en) for label in PRIORITY}
    labels = cols[0].multiselect(
        t("显示的类型", "Kinds shown"),
        list(names),
        key=key,
        placeholder=t("请选择类型", "choose kinds"),
        format_func=names.__getitem__,
    )
    st.session_state[f"{KEY}_labels_value"] = labels
    limit = cols[1].slider(t("节点上限", "Node limit"), *LIMIT_RANGE, value=DEFAULT_LIMIT, step=10, key=f"{KEY}_limit")
    if not labels:
        st.warning(t("请至少选择一种类型。", "Choose at least one kind."))
        return
    with st.spinner(t("正在读取该区域的关系网络……", "Reading the area's network…")):
        sub = _subgraph(area, limit, tuple(label for label in PRIORITY if label in labels), common.version_key())
    if not sub.nodes:
        st.warning(t("所选类型在该区域内没有节点。", "The area holds nothing of the chosen kinds."))
        return
    shown = [label for label in PRIORITY if label in sub.by_label]
    counts = " · ".join(f"{t(schema.node(k).zh, schema.node(k).en)} {sub.by_label[k]}" for k in shown)
    st.caption(t("区域内各类节点:", "In the area: ") + counts)
    rep = gap_network.every_rule_report(area)
    gaps, note = gap_network.marks(rep)
    show_network(list(sub.nodes), list(sub.edges), total=sub.total, gaps=gaps, gap_note=note)
    gap_network.why_in_drawing(rep, (n["id"] for n in sub.nodes), f"{KEY}_why")


def page() -> st.Page:
    """This page as a destination for ``st.switch_page`` (the same url_path as in the navigation)."""
    return st.Page(render, title=t("组织架构", "Hierarchy"), url_path="hierarchy")


def render() -> None:
    st.title(t("组织架构", "Hierarchy"))
    with st.spinner(t("正在读取区域列表……", "Reading the areas…")):
        area = common.area_picker(PICKER)
    if area is None:
        _show_region()
        return
    geography = _geography()
    place = geography.places[area]
    spec = load_schema().node(place.label)
    st.caption(f"{t(spec.zh, spec.en)} · {geography.chain_text(area)}({area})")
    _show_tree(area)
    _show_network(area)
