"""A network drawn with pyvis, offline: vis.js inlined, every remote or relative ``src``/``href`` pyvis
adds removed, physics run until the layout settles and then switched off (no drifting on large views),
coloured and shaped by kind with a legend."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import streamlit as st
from pyvis.network import Network

from orggraph.app.pages.common import lang as common_lang
from orggraph.app.pages.common import t
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
  "edges": {"smooth": false, "arrows": {"to": {"enabled": true, "scaleFactor": 0.5}}},
  "nodes": {"font": {"size": 13, "face": "Noto Sans CJK SC, WenQuanYi Zen Hei, sans-serif"}}
}"""


def _plain(text: str) -> str:
    """Names come from ledgers: no angle brackets may reach the page's inline script or tooltips."""
    return str(text).replace("<", "＜").replace(">", "＞")


LABELLED_AT_MOST = 150  # nodes: up to this many carry their (short) name and their ties' names on the drawing
SHORT = 8  # characters of a name written on the drawing (the whole name on hover)


def _short(name: str) -> str:
    return name if len(name) <= SHORT else name[: SHORT - 1] + "…"


def network_html(
    nodes: Iterable[Mapping[str, Any]],
    edges: Iterable[Mapping[str, Any]],
    highlight_nodes: Iterable[str] = (),
    highlight_edges: Iterable[tuple[str, str]] = (),
    height: int = 560,
    lang: str = "zh",
) -> str:
    """The page for an st.iframe: nodes {id, label, name, kind}, edges {src, dst, type}. Up to
    ``LABELLED_AT_MOST`` nodes carry short names and their ties the relationship's name (in ``lang``); a larger
    drawing names them on hover only (hundreds of labels cover each other)."""
    schema = load_schema()
    nodes, edges = list(nodes), list(edges)
    labelled = len(nodes) <= LABELLED_AT_MOST
    marked, marked_edges = set(highlight_nodes), {frozenset(e) for e in highlight_edges}
    net = Network(height=f"{height}px", width="100%", directed=True, cdn_resources="in_line")
    net.set_options(OPTIONS)
    for n in nodes:
        colour, shape = STYLE.get(n["label"], OTHER)
        spec = schema.nodes.get(n["label"])
        kind = (spec.zh if lang == "zh" else spec.en) if spec else n["label"]
        name = str(n.get("name") or n["id"])
        net.add_node(
            n["id"],
            label=_plain(_short(name)) if labelled or n["id"] in marked else " ",
            title=_plain(f"{name}\n{kind} · {n['id']}" + (f" · {n['kind']}" if n.get("kind") else "")),
            color=HIGHLIGHT if n["id"] in marked else colour,
            shape=shape,
            size=28 if n["id"] in marked else 16,
            borderWidth=3 if n["id"] in marked else 1,
        )
    for e in edges:
        rel = schema.relationships.get(e["type"])
        words = (rel.zh if lang == "zh" else rel.en) if rel else e["type"]
        on_path = frozenset((e["src"], e["dst"])) in marked_edges
        net.add_edge(
            e["src"],
            e["dst"],
            title=words,
            label=words if labelled else None,
            font={"size": 10, "color": "#555555", "strokeWidth": 2, "align": "middle"},
            color=HIGHLIGHT if on_path else "#9aa0a6",
            width=5 if on_path else 1,
        )
    html = _EXTERNAL.sub("", net.generate_html())
    return html.replace("drawGraph();", "drawGraph();\n" + _FREEZE, 1)


def legend(labels: Iterable[str]) -> None:
    """One coloured marker per kind shown."""
    schema = load_schema()
    shapes = {"box": "■", "square": "■", "diamond": "◆", "dot": "●", "triangle": "▲", "star": "★", "hexagon": "⬢"}
    parts = []
    for label in labels:
        colour, shape = STYLE.get(label, OTHER)
        name = t(schema.nodes[label].zh, schema.nodes[label].en) if label in schema.nodes else label
        parts.append(f"<span style='color:{colour};font-size:1.1em'>{shapes[shape]}</span> {name}")
    st.html("<div style='line-height:1.8'>" + " &nbsp; ".join(parts) + "</div>")


def show_network(
    nodes: Sequence[Mapping[str, Any]],
    edges: Sequence[Mapping[str, Any]],
    total: int | None = None,
    highlight_nodes: Iterable[str] = (),
    highlight_edges: Iterable[tuple[str, str]] = (),
    height: int = 560,
) -> None:
    """Legend, "showing N of M", and the drawing."""
    labels = [label for label in STYLE if any(n["label"] == label for n in nodes)]
    legend(labels)
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
    html = network_html(nodes, edges, highlight_nodes, highlight_edges, height, common_lang())
    st.iframe(html, height=height + 40)
