"""A network drawn with pyvis, offline: vis.js inlined, every remote or relative ``src``/``href`` pyvis
adds removed, physics run until the layout settles and then switched off (no drifting on large views),
coloured and shaped by kind with a legend."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import streamlit as st
from pyvis.network import Network

from orggraph.analysis.neighbours import PER_NODE, Neighbour, neighbour_ties
from orggraph.app.pages.common import lang as common_lang
from orggraph.app.pages.common import show_error, store_for, t, version_key
from orggraph.model.errors import OrgGraphError
from orggraph.model.schema import load_schema

# label → (colour, shape); the legend is drawn from this table
STYLE = {
    "District": ("#7f3b08", "box"),
    "Street": ("#b35806", "box"),
    "Community": ("#e08214", "box"),
    "Grid": ("#fdb863", "box"),
    "Compound": ("#8073ac", "square"),
    "Building": ("#b2abd2", "square"),
    "CommercialZone": ("#c51b7d", "diamond"),
    "CommercialBuilding": ("#e9a3c9", "diamond"),
    "PartyOrg": ("#d7191c", "dot"),
    "Unit": ("#2c7bb6", "triangle"),
    "Agreement": ("#1a9641", "star"),
    "Commitment": ("#66bd63", "star"),
    "Need": ("#f46d43", "hexagon"),
    "Resource": ("#74add1", "hexagon"),
    "Project": ("#a6d96a", "hexagon"),
    "Person": ("#5e5e5e", "dot"),
    "OwnersCommittee": ("#4d9221", "box"),
    "ServiceStation": ("#de77ae", "star"),
}
OTHER = ("#999999", "dot")
HIGHLIGHT = "#ffd400"
_EXTERNAL = re.compile(r"<(?:link|script)\b[^>]*\b(?:href|src)=\"[^\"]*\"[^>]*>(?:\s*</script>)?", re.IGNORECASE)
_FREEZE = (
    "network.once('stabilizationIterationsDone', function () {"
    " network.setOptions({physics: false}); document.body.setAttribute('data-stabilized', '1'); });"
)
OPTIONS = """{
  "physics": {"solver": "forceAtlas2Based", "stabilization": {"enabled": true, "iterations": 300, "fit": true}},
  "interaction": {"hover": true, "navigationButtons": false, "tooltipDelay": 120},
  "edges": {"smooth": false, "arrows": {"to": {"enabled": true, "scaleFactor": 0.5}},
            "font": {"size": 10, "color": "#555555", "strokeWidth": 2, "align": "middle"}},
  "nodes": {"font": {"size": 13, "face": "Noto Sans CJK SC, WenQuanYi Zen Hei, sans-serif"}}
}"""


def _plain(text: str) -> str:
    """Names come from ledgers: no angle brackets may reach the page's inline script or tooltips."""
    return str(text).replace("<", "＜").replace(">", "＞")


LABELLED_AT_MOST = 150  # nodes: up to this many carry their (short) name and their ties' names on the drawing
SHORT = 8  # characters of a name written on the drawing (the whole name on hover)


def _short(name: str) -> str:
    return name if len(name) <= SHORT else name[: SHORT - 1] + "…"


# The border of a node that is a gap under the rules in force, in every drawing: black and dashed, as no kind's
# colour is (red would vanish on a party organization's red).
GAP_BORDER, GAP_DASHES = "#111111", [5, 3]
MARKED_SIZE, SIZE = 28, 16


def _kind_words(label: str, lang: str) -> str:
    spec = load_schema().nodes.get(label)
    return (spec.zh if lang == "zh" else spec.en) if spec else label


def node_spec(n: Mapping[str, Any], lang: str, named: bool, marked: bool, gap: str | None) -> dict[str, Any]:
    """One node as vis.js draws it: the kind's colour and shape always (a path or a selection never recolours it);
    a marked node (a path's, the selected gap) larger with a yellow halo; a gap a thick dashed border and its rules
    in the tooltip."""
    colour, shape = STYLE.get(n["label"], OTHER)
    name = str(n.get("name") or n["id"])
    title = f"{name}\n{_kind_words(n['label'], lang)} · {n['id']}" + (f" · {n['kind']}" if n.get("kind") else "")
    spec: dict[str, Any] = {
        "id": n["id"],
        "label": _plain(_short(name)) if named or marked else " ",
        "shape": shape,
        "color": colour,
        "size": MARKED_SIZE if marked else SIZE,
        "borderWidth": 1,
    }
    if gap:
        border = {"background": colour, "border": GAP_BORDER}
        spec.update(color={**border, "highlight": border, "hover": border}, borderWidth=4, borderWidthSelected=5)
        spec["shapeProperties"] = {"borderDashes": GAP_DASHES}
        spec["gap"] = True
        title += "\n" + (f"覆盖缺口:{gap}" if lang == "zh" else f"coverage gap: {gap}")
    if marked:
        spec.update(marked=True, shadow={"enabled": True, "color": HIGHLIGHT, "size": 24, "x": 0, "y": 0})
    spec["title"] = _plain(title)
    return spec


def edge_spec(e: Mapping[str, Any], lang: str, named: bool, on_path: bool = False) -> dict[str, Any]:
    """One tie as vis.js draws it: the relationship's name in ``lang``; a path's tie wide and yellow."""
    rel = load_schema().relationships.get(e["type"])
    words = (rel.zh if lang == "zh" else rel.en) if rel else e["type"]
    return {
        "from": e["src"],
        "to": e["dst"],
        "title": words,
        "label": words if named else None,
        "color": HIGHLIGHT if on_path else "#9aa0a6",
        "width": 5 if on_path else 1,
    }


def network_html(
    nodes: Iterable[Mapping[str, Any]],
    edges: Iterable[Mapping[str, Any]],
    highlight_nodes: Iterable[str] = (),
    highlight_edges: Iterable[tuple[str, str]] = (),
    height: int = 560,
    lang: str = "zh",
    gaps: Mapping[str, str] | None = None,
    ahead: Mapping[str, Sequence[Neighbour]] | None = None,
) -> str:
    """The page for an st.iframe: nodes {id, label, name, kind}, edges {src, dst, type}. Up to
    ``LABELLED_AT_MOST`` nodes carry short names and their ties the relationship's name (in ``lang``); a larger
    drawing names them on hover only (hundreds of labels cover each other). ``gaps``: the gap nodes (id → the
    rules' names), bordered black and dashed; ``ahead``: each node's neighbours, added by a click on it."""
    nodes, edges = list(nodes), list(edges)
    labelled = len(nodes) <= LABELLED_AT_MOST
    marked, marked_edges, gaps = set(highlight_nodes), {frozenset(e) for e in highlight_edges}, gaps or {}
    net = Network(height=f"{height}px", width="100%", directed=True, cdn_resources="in_line")
    net.set_options(OPTIONS)
    extra = expansion(nodes, edges, ahead or {}, lang, gaps)
    for n in nodes:
        spec = node_spec(n, lang, labelled, n["id"] in marked, gaps.get(n["id"]))
        if extra["touching"].get(n["id"]):
            spec["title"] += "\n" + (_CLICK_ZH if lang == "zh" else _CLICK_EN)
        net.add_node(spec.pop("id"), **spec)
    for e in edges:
        spec = edge_spec(e, lang, labelled, frozenset((e["src"], e["dst"])) in marked_edges)
        net.add_edge(spec.pop("from"), spec.pop("to"), **spec)
    html = _EXTERNAL.sub("", net.generate_html())
    return html.replace("drawGraph();", "drawGraph();\n" + _FREEZE + "\n" + expand_script(extra), 1)


_CLICK_ZH, _CLICK_EN = "点击展开相邻节点", "click to add its neighbours"
# Added after the drawing: a click on a node adds the ties read ahead for it (``ahead``) and the neighbours they
# reach, on a ring around it (the layout is frozen by then), then any tie between a new node and one drawn.
_EXPAND = """(function () {
  var more = %s;
  function tie(k) { if (!edges.get(more.edges[k].id)) { edges.add(more.edges[k]); } }
  function count() { document.body.setAttribute('data-nodes', String(nodes.length)); }
  network.on('click', function (p) {
    if (p.nodes.length !== 1) { return; }
    var id = p.nodes[0], ks = more.touching[id] || [], fresh = [];
    ks.forEach(function (k) {
      [more.edges[k].from, more.edges[k].to].forEach(function (end) {
        if (!nodes.get(end) && fresh.indexOf(end) < 0 && more.nodes[end]) { fresh.push(end); }
      });
    });
    var c = network.getPositions([id])[id] || {x: 0, y: 0}, r = 110 + 6 * fresh.length;
    nodes.add(fresh.map(function (end, i) {
      var a = 2 * Math.PI * i / fresh.length;
      return Object.assign({}, more.nodes[end], {x: c.x + r * Math.cos(a), y: c.y + r * Math.sin(a)});
    }));
    ks.forEach(tie);
    fresh.forEach(function (end) {
      (more.touching[end] || []).forEach(function (k) {
        if (nodes.get(more.edges[k].from) && nodes.get(more.edges[k].to)) { tie(k); }
      });
    });
    document.body.setAttribute('data-expanded', String(id));
    count();
  });
  count();
})();"""


def expansion(
    nodes: Sequence[Mapping[str, Any]],
    edges: Sequence[Mapping[str, Any]],
    ahead: Mapping[str, Sequence[Neighbour]],
    lang: str,
    gaps: Mapping[str, str],
) -> dict[str, Any]:
    """What a click may add: the ties read ahead for the drawn nodes that are not drawn (``edges``, each with an id),
    the nodes they reach that are not drawn (``nodes``, drawn as any other: named, coloured by kind, a gap
    bordered), and each node's ties by index (``touching``)."""
    drawn = {n["id"] for n in nodes}
    seen = {(e["src"], e["dst"], e["type"]) for e in edges}
    more: dict[str, dict[str, Any]] = {}
    ties: list[dict[str, Any]] = []
    touching: dict[str, list[int]] = {}
    for node_id, found in ahead.items():
        for m in found if node_id in drawn else ():
            src, dst = (node_id, m.id) if m.out else (m.id, node_id)
            if (src, dst, m.type) in seen:
                continue
            seen.add((src, dst, m.type))
            if m.id not in drawn and m.id not in more:
                n = {"id": m.id, "label": m.label, "name": m.name, "kind": m.kind}
                more[m.id] = node_spec(n, lang, True, False, gaps.get(m.id))
            ties.append({**edge_spec({"src": src, "dst": dst, "type": m.type}, lang, True), "id": f"more{len(ties)}"})
            for end in (src, dst):
                touching.setdefault(end, []).append(len(ties) - 1)
    return {"nodes": more, "edges": ties, "touching": touching}


def expand_script(extra: Mapping[str, Any]) -> str:
    """The click handler with its data inlined (names already free of angle brackets: no tag can close the script)."""
    return _EXPAND % json.dumps(extra, ensure_ascii=False)


def legend(labels: Iterable[str], gap_note: str | None = None, marked: bool = False) -> None:
    """One coloured marker per kind shown; the gap border (``gap_note``: which rules) and the selection's halo when
    the drawing has them."""
    schema = load_schema()
    shapes = {"box": "■", "square": "■", "diamond": "◆", "dot": "●", "triangle": "▲", "star": "★", "hexagon": "⬢"}
    parts = []
    for label in labels:
        colour, shape = STYLE.get(label, OTHER)
        name = t(schema.nodes[label].zh, schema.nodes[label].en) if label in schema.nodes else label
        parts.append(f"<span style='color:{colour};font-size:1.1em'>{shapes[shape]}</span> {name}")
    ring = "display:inline-block;width:0.8em;height:0.8em;border-radius:50%;vertical-align:middle;"
    if gap_note is not None:
        words = t("黑色虚线粗边框:覆盖缺口", "thick dashed black border: coverage gap")
        words += t(f"({gap_note})", f" ({gap_note})") if gap_note else ""
        parts.append(f"<span style='{ring}border:3px dashed {GAP_BORDER}'></span> {_plain(words)}")
    if marked:
        words = t("黄色光晕和粗线:所选对象或路径", "yellow halo and wide line: the selection or path")
        parts.append(f"<span style='{ring}background:#ccc;box-shadow:0 0 5px 3px {HIGHLIGHT}'></span> {words}")
    st.html("<div style='line-height:1.8'>" + " &nbsp; ".join(parts) + "</div>")


@st.cache_data(max_entries=32, show_spinner=False)
def _ahead(drawn: tuple[tuple[str, str], ...], version: str) -> dict[str, tuple[Neighbour, ...]]:
    """The drawn nodes' neighbours through the session's (area-scoped) store, per graph state."""
    return neighbour_ties(store_for(version), [{"id": i, "label": label} for i, label in drawn])


def show_network(
    nodes: Sequence[Mapping[str, Any]],
    edges: Sequence[Mapping[str, Any]],
    total: int | None = None,
    highlight_nodes: Iterable[str] = (),
    highlight_edges: Iterable[tuple[str, str]] = (),
    height: int = 560,
    gaps: Mapping[str, str] | None = None,
    gap_note: str | None = None,
) -> None:
    """Legend, "showing N of M", and the drawing, each node's neighbours read ahead for a click. ``gaps``: the
    gap nodes (id → their rules' names) under ``gap_note`` (the rules in force, named in the legend)."""
    marked = list(highlight_nodes)
    labels = [label for label in STYLE if any(n["label"] == label for n in nodes)]
    legend(labels, gap_note if gaps is not None else None, bool(marked))
    if total is not None and total > len(nodes):
        st.caption(
            t(
                f"显示 {len(nodes)} / {total} 个节点;请选择更小的区域或减少类型以查看全部",
                f"showing {len(nodes)} of {total} nodes; pick a smaller area or fewer kinds to see all",
            )
        )
    else:
        st.caption(t(f"共 {len(nodes)} 个节点", f"{len(nodes)} nodes"))
    if len(nodes) > LABELLED_AT_MOST:
        st.caption(t(f"节点多于 {LABELLED_AT_MOST} 个:名称和关系在鼠标悬停时显示",
                     f"over {LABELLED_AT_MOST} nodes: names and ties show on hover"))  # fmt: skip
    try:
        ahead = _ahead(tuple(sorted((n["id"], n["label"]) for n in nodes)), version_key())
        st.caption(t(f"点击节点可展开其相邻节点(每个最多 {PER_NODE} 个)",
                     f"click a node to add its neighbours (up to {PER_NODE} each)"))  # fmt: skip
    except OrgGraphError as exc:
        ahead = {}
        show_error(exc)
    html = network_html(nodes, edges, marked, highlight_edges, height, common_lang(), gaps, ahead)
    st.iframe(html, height=height + 40)
