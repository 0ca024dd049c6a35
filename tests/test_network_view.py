"""The network drawings read (issue 13): up to 150 nodes carry short names and their ties the relationship's name
in the viewer's language; a larger drawing names them on hover only; a kind's colour never changes meaning (a gap is
bordered black and dashed, a selection or a path has a halo and wide ties); a click adds the neighbours read ahead."""

from __future__ import annotations

import json
import re

from orggraph.analysis.neighbours import Neighbour
from orggraph.app.pages.network_view import GAP_BORDER, HIGHLIGHT, LABELLED_AT_MOST, STYLE, network_html


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


def _more(html: str) -> dict:
    """What a click may add: the data the page's click handler holds."""
    return json.loads(re.search(r"var more = (\{.*?\});\n", html, re.S).group(1))


def test_gaps_are_bordered_dashed_and_the_selection_keeps_its_kinds_colour():
    nodes, edges = _graph(3)
    html = network_html(
        nodes, edges, highlight_nodes=["K001"], gaps={"K001": "小区党组织覆盖", "K002": "小区党组织覆盖"}
    )
    drawn = {n["id"]: n for n in _drawn(html)[0]}
    kind_colour = STYLE["Compound"][0]
    assert drawn["K000"]["color"] == kind_colour and not drawn["K000"].get("gap")
    for gap in ("K001", "K002"):  # a gap's fill is its kind's; the border says gap
        assert drawn[gap]["gap"] and drawn[gap]["color"]["background"] == kind_colour
        assert drawn[gap]["color"]["border"] == GAP_BORDER and drawn[gap]["borderWidth"] == 4
        assert drawn[gap]["shapeProperties"]["borderDashes"]
        assert "覆盖缺口:小区党组织覆盖" in drawn[gap]["title"]
    assert drawn["K001"]["marked"] and drawn["K001"]["shadow"]["color"] == HIGHLIGHT
    assert [i for i, n in drawn.items() if n.get("marked")] == ["K001"]
    assert drawn["C01"]["color"] == STYLE["Community"][0]


def test_a_path_is_drawn_by_its_ties_not_by_recolouring_its_nodes():
    nodes, edges = _graph(2)
    html = network_html(nodes, edges, highlight_nodes=["K000", "C01"], highlight_edges=[("K000", "C01")])
    drawn_nodes, drawn_edges = _drawn(html)
    assert {n["color"] for n in drawn_nodes} == {STYLE["Compound"][0], STYLE["Community"][0]}
    widths = {(e["from"], e["to"]): (e["width"], e["color"]) for e in drawn_edges}
    assert widths[("K000", "C01")] == (5, HIGHLIGHT) and widths[("K001", "C01")][0] == 1


def test_a_click_adds_what_was_read_ahead_and_nothing_drawn_twice():
    nodes, edges = _graph(2)
    ahead = {
        "C01": (
            Neighbour("K000", "Compound", "富康小区第0号院东区北楼", None, "PART_OF", False),  # drawn already
            Neighbour("O01", "PartyOrg", "太白社区党委", "社区党委", "COVERS", False),
            Neighbour("P01", "Person", "P01", None, "HOLDS_POST", False),
        ),
        "K001": (Neighbour("O01", "PartyOrg", "太白社区党委", "社区党委", "COVERS", False),),
        "X9": (Neighbour("Z1", "Unit", "不在图中的节点的邻居", None, "LOCATED_IN", True),),  # not drawn: ignored
    }
    more = _more(network_html(nodes, edges, gaps={"O01": "党组织书记"}, ahead=ahead))
    assert set(more["nodes"]) == {"O01", "P01"}
    assert more["nodes"]["O01"]["gap"] and more["nodes"]["O01"]["label"] == "太白社区党委"
    ties = {(e["from"], e["to"], e["title"]) for e in more["edges"]}
    assert ties == {("O01", "C01", "覆盖"), ("P01", "C01", "任职"), ("O01", "K001", "覆盖")}
    touching = {
        i: sorted((more["edges"][k]["from"], more["edges"][k]["to"]) for k in ks) for i, ks in more["touching"].items()
    }
    assert touching["C01"] == [("O01", "C01"), ("P01", "C01")] and touching["K001"] == [("O01", "K001")]
    assert touching["O01"] == [("O01", "C01"), ("O01", "K001")]  # a new node brings its ties to drawn ones
    drawn = {n["id"]: n for n in _drawn(network_html(nodes, edges, ahead=ahead))[0]}
    assert "点击展开相邻节点" in drawn["C01"]["title"] and "点击展开" not in drawn["K000"]["title"]
