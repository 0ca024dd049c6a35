"""The network drawings read (issue 13): up to 150 nodes carry short names and their ties the relationship's name
in the viewer's language; a larger drawing names them on hover only; nothing in the page links outside."""

from __future__ import annotations

import json
import re

from orggraph.app.pages.network_view import LABELLED_AT_MOST, network_html


def _drawn(html: str) -> tuple[list[dict], list[dict]]:
    nodes = json.loads(re.search(r"nodes = new vis\.DataSet\((\[.*?\])\);", html, re.S).group(1))
    edges = json.loads(re.search(r"edges = new vis\.DataSet\((\[.*?\])\);", html, re.S).group(1))
    return nodes, edges


def _graph(n: int) -> tuple[list[dict], list[dict]]:
    nodes = [{"id": f"K{i:03d}", "label": "Compound", "name": f"富康小区第{i}号院东区北楼"} for i in range(n)]
    nodes.append({"id": "C01", "label": "Community", "name": "太白社区"})
    edges = [{"src": f"K{i:03d}", "dst": "C01", "type": "PART_OF"} for i in range(n)]
    return nodes, edges


def test_a_small_network_names_its_nodes_and_ties_in_the_viewers_language():
    nodes, edges = _graph(20)
    drawn_nodes, drawn_edges = _drawn(network_html(nodes, edges, lang="zh"))
    labels = {n["id"]: n["label"] for n in drawn_nodes}
    assert labels["C01"] == "太白社区" and labels["K001"] == "富康小区第1号…", "short names, the whole on hover"
    assert {e["label"] for e in drawn_edges} == {"隶属"} and "富康小区第1号院东区北楼" in drawn_nodes[1]["title"]
    _, english = _drawn(network_html(nodes, edges, lang="en"))
    assert {e["label"] for e in english} != {"隶属"} and all(e["label"].isascii() for e in english)


def test_a_large_network_names_on_hover_only_but_always_the_marked_ones():
    nodes, edges = _graph(LABELLED_AT_MOST + 1)
    drawn_nodes, drawn_edges = _drawn(network_html(nodes, edges, highlight_nodes=["C01"]))
    assert {n["label"] for n in drawn_nodes if n["id"] != "C01"} == {" "}
    assert [n["label"] for n in drawn_nodes if n["id"] == "C01"] == ["太白社区"]
    assert all("label" not in e or e["label"] is None for e in drawn_edges)
    assert all(n["title"] for n in drawn_nodes)
