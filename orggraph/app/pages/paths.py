"""联结路径 Linkage paths: how two entities are linked (the shortest paths and a few alternatives, over
chosen relationship types, within a hop limit), drawn and told as Chinese sentence chains; and who can
reach an entity within K hops (:func:`orggraph.analysis.linkage.reach`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from orggraph.analysis.entities import Entity
from orggraph.analysis.fan_out import apart
from orggraph.analysis.linkage import (
    MAX_PATH_HOPS,
    MAX_REACH_HOPS,
    PATH_ORDER,
    REACH_LABELS,
    LinkagePath,
    Reached,
    linkage_paths,
    reach,
)
from orggraph.app.pages import common, databases, entity_search, gap_network
from orggraph.app.pages.common import show_error, t
from orggraph.app.pages.network_view import show_network
from orggraph.model.errors import OrgGraphError
from orggraph.model.schema import load_schema

KEY = "paths"
MAX_K = 10
# each widget's first value, given to the widget itself: a number box left to its own default showed its minimum
# (the browser fell back to it once in CI, and sent 1 back as the clerk's choice)
DEFAULT_HOPS, DEFAULT_K, DEFAULT_REACH_HOPS = 8, 3, 3
# choices whose options are shown in the viewer's language (see _choice_key), with their defaults
CHOICES: dict[str, object] = {"via": [], "pick": 0, "reach_target": "dst", "reach_labels": list(REACH_LABELS)}
REACH_ROWS_SHOWN = 500
EntityTuple = tuple[str, str, str, str | None]  # an Entity as a cache key
_MARKDOWN = str.maketrans({c: "\\" + c for c in "\\`*_~$"})


# --- cached searches (keyed on the entities' ids and the state of the graph) -------------------------
@st.cache_data(max_entries=128, show_spinner=False)
def _paths(
    src: EntityTuple, dst: EntityTuple, via: tuple[str, ...], hops: int, k: int, version: str
) -> list[LinkagePath]:
    return linkage_paths(common.store_for(version), Entity(*src), Entity(*dst), via=via, max_hops=hops, k=k)


@st.cache_data(max_entries=128, show_spinner=False)
def _reach(
    entity: EntityTuple, hops: int, via: tuple[str, ...], labels: tuple[str, ...], version: str
) -> list[Reached]:
    return reach(common.store_for(version), Entity(*entity), hops=hops, via=via, labels=labels)


def _as_tuple(e: Entity) -> EntityTuple:
    return (e.id, e.label, e.name, e.kind)


def _label_name(label: str) -> str:
    spec = load_schema().node(label)
    return t(spec.zh, spec.en)


# --- controls ---------------------------------------------------------------------------------------
def _choice_key(name: str) -> str:
    """The widget key of a choice shown in the viewer's language (:func:`common.choice_key`)."""
    return common.choice_key(f"{KEY}_{name}", CHOICES[name])


def _remember(name: str, value: Any) -> Any:
    return common.remember(f"{KEY}_{name}", value)


def _controls() -> tuple[tuple[str, ...], int, int]:
    schema = load_schema()
    cols = st.columns([3, 2, 1])
    names = {r: t(spec.zh, spec.en) for r, spec in schema.relationships.items()}  # each name is one type's
    via = cols[0].multiselect(
        t("关系类型(不选即全部)", "Relationship types (none = all)"),
        list(names),
        key=_choice_key("via"),
        placeholder=t("全部关系类型", "all relationship types"),
        format_func=names.__getitem__,
    )
    hops = cols[1].slider(t("跳数上限", "Max hops"), 1, MAX_PATH_HOPS, DEFAULT_HOPS, key=f"{KEY}_hops")
    k = cols[2].number_input(t("路径条数", "Paths (k)"), 1, MAX_K, DEFAULT_K, key=f"{KEY}_k")
    return tuple(_remember("via", via)), int(hops), int(k)


# --- paths ------------------------------------------------------------------------------------------
def _drawing(paths: list[LinkagePath]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The paths' nodes and ties, each once, in the order they appear."""
    nodes: dict[str, dict[str, Any]] = {}
    edges: dict[tuple[str, str, str], dict[str, Any]] = {}
    for path in paths:
        for n in path.nodes:
            nodes.setdefault(n.id, {"id": n.id, "label": n.label, "name": n.name, "kind": n.kind})
        for i, rel in enumerate(path.rels):
            a, b = path.nodes[i].id, path.nodes[i + 1].id
            src, dst = (a, b) if rel.forward else (b, a)
            edges.setdefault((src, dst, rel.type), {"src": src, "dst": dst, "type": rel.type})
    return list(nodes.values()), list(edges.values())


def _no_path(src: Entity, dst: Entity, via: tuple[str, ...], hops: int) -> None:
    schema = load_schema()
    types_zh = "、".join(schema.relationship(r).zh for r in via)
    types_en = ", ".join(schema.relationship(r).en for r in via)
    st.warning(
        t(
            f"在 {hops} 跳之内没有找到从“{src.name}”到“{dst.name}”的路径"
            + (f"(仅限关系:{types_zh})" if via else "")
            + "。可以提高跳数上限或放宽关系类型。",
            f"No path from '{src.name}' to '{dst.name}' within {hops} hops"
            + (f" (only: {types_en})" if via else "")
            + ". Raise the hop limit or allow more relationship types.",
        )
    )


def _show_paths(paths: list[LinkagePath]) -> None:
    lang = common.lang()
    st.subheader(t(f"找到 {len(paths)} 条路径", f"{len(paths)} path(s) found"))
    if len(paths) > 1:  # a longer path can come first: say why (linkage.LinkagePath.rank_key)
        st.caption(t(*PATH_ORDER))
    for i, path in enumerate(paths, 1):
        hops = t(f"({path.length} 跳)", f" ({path.length} hop" + ("s)" if path.length != 1 else ")"))
        if path.geographic:  # nothing but 隶属/位于: the ends share a place, no tie of work links them
            hops += t("〔同属一个区域〕", " [same area only]")
        elif path.geography_steps:
            n = path.geography_steps
            hops += t(f"〔含 {n} 步地理隶属〕", f" [{n} of them geography]")
        st.markdown(f"**{i}.**{hops} {path.explain(lang).translate(_MARKDOWN)}")
    cols = st.columns([3, 1])
    names = [t(f"路径 {i}", f"path {i}") for i in range(1, len(paths) + 1)]
    picked = cols[0].radio(
        t("高亮显示", "Highlight"),
        range(len(paths)),
        key=_choice_key("pick"),
        horizontal=True,
        format_func=names.__getitem__,
    )
    picked = _remember("pick", picked if picked is not None and picked < len(paths) else 0)
    alternatives = cols[1].checkbox(t("显示备选路径", "Show alternatives"), True, key=f"{KEY}_alternatives")
    chosen = paths[picked]
    drawn = paths if alternatives else [chosen]
    nodes, edges = _drawing(drawn)
    marked_edges = [(chosen.nodes[i].id, chosen.nodes[i + 1].id) for i in range(chosen.length)]
    rep = gap_network.every_rule_report()
    gaps, note = gap_network.marks(rep)
    marked = [n.id for n in chosen.nodes]
    show_network(nodes, edges, None, marked, marked_edges, height=420, gaps=gaps, gap_note=note)
    gap_network.why_in_drawing(rep, (n["id"] for n in nodes), f"{KEY}_why")


def _path_section(src: Entity | None, dst: Entity | None, via: tuple[str, ...], hops: int, k: int) -> None:
    if src is None or dst is None:
        st.info(t("请在上方输入起点和终点的名称或编号。", "Type the names or ids of the start and the end above."))
        return
    if src.key() == dst.key():
        st.error(t("起点和终点是同一个对象,请换一个。", "The start and the end are the same entity; pick another."))
        return
    try:
        with st.spinner(
            t(f"正在查找“{src.name}”到“{dst.name}”的联结路径……", f"Searching paths from {src.name} to {dst.name}…")
        ):
            paths = _paths(_as_tuple(src), _as_tuple(dst), via, hops, k, common.version_key())
    except OrgGraphError as e:
        show_error(e)
        return
    if not paths:
        _no_path(src, dst, via, hops)
        return
    search = (src.key(), dst.key(), via, hops, k)
    if st.session_state.get(f"{KEY}_search") != search:  # a new search starts on its first path
        st.session_state[f"{KEY}_search"] = search
        _remember("pick", 0)
        st.session_state[_choice_key("pick")] = 0
    _show_paths(paths)


# --- reach ------------------------------------------------------------------------------------------
def _reach_table(found: list[Reached]) -> pd.DataFrame:
    yes, no = t("是", "yes"), t("否", "no")
    return pd.DataFrame(
        {
            t("距离(跳)", "Distance (hops)"): [r.distance for r in found],
            t("类型", "Label"): [_label_name(r.entity.label) for r in found],
            t("名称", "Name"): [r.entity.name for r in found],
            t("种类", "Kind"): [r.entity.kind or "" for r in found],
            t("驻区", "Stationed"): ["—" if r.stationed is None else (yes if r.stationed else no) for r in found],
            t("编号", "Id"): [r.entity.id for r in found],
        }
    )


def _reach_target(col: DeltaGenerator, only: Entity, src: Entity | None, dst: Entity | None) -> Entity:
    """The end to search around: the end (终点) unless the viewer picks the start."""
    if src is None or dst is None or src.key() == dst.key():
        col.caption(t("对象", "Entity"))
        col.markdown(only.name.translate(_MARKDOWN))
        return only
    ends, names = {"dst": dst, "src": src}, {"dst": t("终点", "To"), "src": t("起点", "From")}
    side = col.radio(
        t("对象", "Entity"),
        list(ends),
        key=_choice_key("reach_target"),
        format_func=names.__getitem__,
        captions=[dst.name, src.name],
    )
    return ends[_remember("reach_target", side if side in ends else "dst")]


def _reach_section(
    src: Entity | None, dst: Entity | None, via: tuple[str, ...], ends: dict[tuple[str, str], str | None]
) -> None:
    st.subheader(t("谁能在 K 跳之内联结到这里", "Who can reach here within K hops"))
    only = dst or src
    if only is None:
        st.info(
            t(
                "输入起点或终点后,可查看其周边可联结的单位、党组织和资源。",
                "Choose an entity above to see who can reach it.",
            )
        )
        return
    cols = st.columns([2, 2, 3])
    target = _reach_target(cols[0], only, src, dst)
    hops = cols[1].slider(t("可达跳数 K", "Hops K"), 1, MAX_REACH_HOPS, DEFAULT_REACH_HOPS, key=f"{KEY}_reach_hops")
    names = {label: _label_name(label) for label in REACH_LABELS}
    labels = cols[2].multiselect(
        t("对象类型", "Kinds"),
        list(names),
        key=_choice_key("reach_labels"),
        format_func=names.__getitem__,
        placeholder=t("请选择对象类型", "Choose kinds"),
    )
    _remember("reach_labels", labels)
    if not labels:
        st.warning(t("请至少选择一种对象类型。", "Choose at least one kind."))
        return
    try:
        with (
            st.spinner(
                t(f"正在查找 {hops} 跳之内可联结到“{target.name}”的对象……", f"Finding who reaches {target.name}…")
            ),
            databases.reading_province(ends[target.key()]),  # the database the target was found in
        ):
            found = _reach(_as_tuple(target), int(hops), via, tuple(labels), common.version_key())
    except OrgGraphError as e:
        show_error(e)
        return
    if not found:
        st.warning(
            t(f"“{target.name}”{hops} 跳之内没有可联结的对象。", f"Nothing reaches '{target.name}' within {hops} hops.")
        )
        return
    _show_reached(found, int(hops))


def _show_reached(found: list[Reached], hops: int) -> None:
    """How many reach the target (units, stationed ones) and the nearest of them as a table."""
    units = [r for r in found if r.entity.label == "Unit"]
    stationed = sum(1 for r in units if r.stationed)
    st.caption(
        t(
            f"{hops} 跳之内共 {len(found)} 个,其中单位 {len(units)} 个(驻区单位 {stationed} 个)",
            f"{len(found)} within {hops} hops, of which {len(units)} units ({stationed} stationed)",
        )
        + (
            t(f";显示最近的 {REACH_ROWS_SHOWN} 个", f"; showing the nearest {REACH_ROWS_SHOWN}")
            if len(found) > REACH_ROWS_SHOWN
            else ""
        )
    )
    st.dataframe(_reach_table(found[:REACH_ROWS_SHOWN]), hide_index=True, width="stretch")
    common.table_downloads(
        _reach_table(found), t(f"{hops} 跳之内可联结的对象", f"Reached within {hops} hops"), "paths_reach"
    )


def render() -> None:
    st.title(t("联结路径", "Linkage paths"))
    st.caption(
        t(
            "查找两个对象(党组织、单位、社区、小区……)之间的最短联结路径及备选路径,并用中文链条说明。",
            "Find how two entities (orgs, units, communities, compounds…) are linked: shortest paths and alternatives.",
        )
    )
    # one above the other, each the page's width: a match reads in full (name · kind · 区 › 街道 › 社区 · id), and
    # over provinces a whole-region user's search reads every database, each match naming its province
    src = entity_search.pick(
        t("起点", "From"),
        f"{KEY}_src",
        placeholder=t("例如:国网济宁供电公司党委", "a name or an id, e.g. 国网济宁供电公司党委"),
        everywhere=True,
    )
    dst = entity_search.pick(
        t("终点", "To"), f"{KEY}_dst", placeholder=t("例如:金城小区", "a name or an id, e.g. 金城小区"), everywhere=True
    )
    via, hops, k = _controls()
    ends = {p.entity.key(): p.province for p in (src, dst) if p}
    s, d = (src.entity if src else None), (dst.entity if dst else None)
    if src and dst and src.province != dst.province:  # no database holds a tie between two provinces
        show_error(apart(src.entity, databases.where(src.province), dst.entity, databases.where(dst.province)))
    else:
        with databases.reading_province(next(iter(ends.values()), databases.reading())):
            _path_section(s, d, via, hops, k)
    st.divider()
    _reach_section(s, d, via, ends)
