"""组织架构 Hierarchy explorer: pick an area (区 → 街道 → 社区 → 网格), see the tree of the party
organizations placed in it (隶属 chain, members, secretary masked, counts per kind) and a network of
the area (places, orgs, units, agreements), narrowed by kind and node limit.

The tree comes from one cached whole-graph query (``org_tree``) cut to the area in memory, so choosing
another area costs no round trip; the network is :func:`orggraph.area_view.area_subgraph`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pandas as pd
import streamlit as st

from orggraph.area_view import DEFAULT_LIMIT, PRIORITY, Subgraph, area_subgraph
from orggraph.geography import Geography
from orggraph.pages import common
from orggraph.pages.common import t
from orggraph.pages.network_view import show_network
from orggraph.schema import load_schema

KEY = "hier"
LIMIT_RANGE = (10, 500)
# columns of an org_tree row
_ID, _NAME, _KIND, _MEMBERS, _PLACES, _SUPERIORS, _JOINED, _LEADERS = range(8)


def _geography() -> Geography:
    return common.coverage_index(common.version_key()).geography


# --- data (cached per state of the graph) ------------------------------------------------------------
@st.cache_data(max_entries=8, show_spinner=False)
def _district_summary(version: str) -> list[dict]:
    """Per district: how many streets, communities and grids it holds (from the geography index)."""
    geography = common.coverage_index(version).geography
    counts: dict[str, Counter] = {d.id: Counter() for d in geography.top_areas()}
    for place in geography.places.values():
        chain = geography.areas(place.id)
        if len(chain) > 1 and chain[0].id in counts:
            counts[chain[0].id][place.label] += 1
    return [
        {"id": d.id, "name": d.name, **{label: counts[d.id][label] for label in ("Street", "Community", "Grid")}}
        for d in geography.top_areas()
    ]


@st.cache_data(max_entries=64, show_spinner=False)
def _area_tree(area: str, as_of: dt.date, version: str, names: bool) -> list[dict]:
    """The orgs placed in the area, depth first along 领导 (or 成员单位) ties: id, name, kind, members,
    leaders ([person id, name], the name masked unless ``names``: the viewer's switch, part of the cache key)."""
    orgs = common.query("org_tree", as_of=as_of)[0]["orgs"]
    geography = common.coverage_index(version).geography
    inside = {r[_ID]: r for r in orgs if any(geography.within(p, area) for p in r[_PLACES])}
    return tree_rows(inside)


def tree_rows(inside: dict[str, list]) -> list[dict]:
    """Depth-first rows of the orgs: each under its first superior in the set (领导), else under a joint
    committee it belongs to (成员单位); the others are roots. Orgs in a LEADS cycle become roots."""
    children: dict[str | None, list[tuple[str, str]]] = {}
    for oid, row in inside.items():
        boss = next((s for s in row[_SUPERIORS] if s in inside and s != oid), None)
        tie = "LEADS"
        if boss is None:
            boss, tie = next((j for j in row[_JOINED] if j in inside and j != oid), None), "MEMBER_OF"
        children.setdefault(boss, []).append((oid, tie if boss else ""))
    levels = load_schema().org_levels
    for kids in children.values():
        kids.sort(key=lambda k: (levels.get(inside[k[0]][_KIND], 9), k[0]))
    out: list[dict] = []
    seen: set[str] = set()
    roots = [(oid, tie) for oid, tie in children.get(None, [])]
    for start in [*roots, *((oid, "") for oid in sorted(inside))]:  # then orgs only reachable through a cycle
        stack = [(*start, 0)]
        while stack:
            oid, tie, depth = stack.pop()
            if oid in seen:
                continue
            seen.add(oid)
            kids = [k for k in children.get(oid, []) if k[0] not in seen]
            out.append(_row(inside[oid], depth, tie, len(kids)))
            stack.extend((kid, kid_tie, depth + 1) for kid, kid_tie in reversed(kids))
    return out


def _row(row: list, depth: int, tie: str, subordinates: int) -> dict:
    return {
        "id": row[_ID],
        "name": row[_NAME],
        "kind": row[_KIND],
        "members": row[_MEMBERS],
        "leaders": [list(x) for x in row[_LEADERS]],
        "depth": depth,
        "tie": tie,
        "subordinates": subordinates,
    }


@st.cache_data(max_entries=32, show_spinner=False)
def _subgraph(area: str, limit: int, labels: tuple[str, ...], version: str) -> Subgraph:
    return area_subgraph(common.store(), area, limit=limit, labels=labels)


# --- view ---------------------------------------------------------------------------------------------
def _secretary(leaders: list[list]) -> str:
    """Serving secretaries, masked unless the viewer turned names on (the pseudonymous id when unnamed)."""
    return "、".join(common.person(name) if name else pid for pid, name in leaders) or "—"


def _tree_table(rows: list[dict]) -> pd.DataFrame:
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


def _kind_table(rows: list[dict]) -> pd.DataFrame:
    levels = load_schema().org_levels
    kinds = Counter(r["kind"] for r in rows)
    members = Counter()
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
    st.info(
        t(
            "请先选择区县,再逐级选择街道、社区和网格,查看该区域的党组织架构和关系网络。",
            "Choose a district first, then a street, community and grid, to see the area's organizations and network.",
        )
    )
    rows = _district_summary(common.version_key())
    table = pd.DataFrame(
        {
            t("区县", "District"): [r["name"] for r in rows],
            t("编号", "Id"): [r["id"] for r in rows],
            t("街道", "Streets"): [r["Street"] for r in rows],
            t("社区", "Communities"): [r["Community"] for r in rows],
            t("网格", "Grids"): [r["Grid"] for r in rows],
        }
    )
    st.subheader(t("全区域概况", "The whole region"))
    st.dataframe(table, hide_index=True, width="stretch")


def _show_tree(area: str) -> None:
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
        st.dataframe(_tree_table(rows), hide_index=True, width="stretch", height=min(560, 35 * len(rows) + 38))
    with right:
        st.caption(t("各类型党组织数量", "Organizations per kind"))
        st.dataframe(_kind_table(rows), hide_index=True, width="stretch")


def _show_network(area: str) -> None:
    schema = load_schema()
    st.subheader(t("关系网络", "Network"))
    cols = st.columns([3, 1])
    st.session_state.setdefault(f"{KEY}_limit", DEFAULT_LIMIT)
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
    limit = cols[1].slider(t("节点上限", "Node limit"), *LIMIT_RANGE, step=10, key=f"{KEY}_limit")
    if not labels:
        st.warning(t("请至少选择一种类型。", "Choose at least one kind."))
        return
    sub = _subgraph(area, limit, tuple(label for label in PRIORITY if label in labels), common.version_key())
    if not sub.nodes:
        st.warning(t("所选类型在该区域内没有节点。", "The area holds nothing of the chosen kinds."))
        return
    shown = [label for label in PRIORITY if label in sub.by_label]
    counts = " · ".join(f"{t(schema.node(k).zh, schema.node(k).en)} {sub.by_label[k]}" for k in shown)
    st.caption(t("区域内各类节点:", "In the area: ") + counts)
    show_network(list(sub.nodes), list(sub.edges), total=sub.total)


def render() -> None:
    st.title(t("组织架构", "Hierarchy"))
    area = common.area_picker(f"{KEY}_area")
    if area is None:
        _show_region()
        return
    geography = _geography()
    place = geography.places[area]
    spec = load_schema().node(place.label)
    st.caption(f"{t(spec.zh, spec.en)} · {geography.chain_text(area)}({area})")
    _show_tree(area)
    _show_network(area)
