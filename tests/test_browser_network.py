"""Click a node to expand it, as in Neo4j Bloom (issue 13), in the real thing: Streamlit on the demo region, headless
Debian Chromium with every request outside 127.0.0.1 blocked. On the hierarchy of 太白社区 a click on a drawn node
(the one standing furthest from the others, so the click cannot land on a neighbour) adds exactly the neighbours
the page read ahead for it, which are its neighbours in the graph (networkx over the exported records) not drawn
yet; the screenshots before and after go to tests/artifacts/network_expand_*.png. A path drawn is a yellow halo
and wide ties on nodes that keep their kind's colour (tests/artifacts/network_path.png)."""

from __future__ import annotations

import json
import re

import networkx as nx
import pytest
from test_browser import _ends, _open, _pick, _settle, _shot, app_url, browser_page  # noqa: F401  (fixtures)

from orggraph.app.pages.network_view import HIGHLIGHT, STYLE
from orggraph.ingest.graph_export import export_records

pytestmark = pytest.mark.slow
# the node whose drawn position is furthest from every other (a click on it hits it and nothing else), among ids
LONELY = """ids => { const at = network.getPositions(); const all = Object.keys(at);
  const gap = id => Math.min(...all.filter(o => o !== id).map(o => Math.hypot(at[o].x - at[id].x, at[o].y - at[id].y)));
  const best = ids.slice().sort((a, b) => gap(b) - gap(a))[0];
  const box = document.getElementById('mynetwork').getBoundingClientRect(), dom = network.canvasToDOM(at[best]);
  return {id: best, x: box.left + dom.x, y: box.top + dom.y}; }"""


def _frame(page):
    handle = page.wait_for_selector("iframe")
    frame = handle.content_frame()
    frame.wait_for_selector("body[data-stabilized='1']", state="attached", timeout=60_000)
    return handle, frame


def test_a_click_on_a_node_adds_its_neighbours(app_url, browser_page, session_store):  # noqa: F811
    page, blocked = browser_page
    _open(page, f"{app_url}/hierarchy")
    _pick(page, "区", "济宁市任城区")
    _pick(page, "街道", "太白街道")
    _pick(page, "社区", "太白社区")
    handle, frame = _frame(page)
    html = frame.content()
    more = json.loads(re.search(r"var more = (\{.*?\});\n", html, re.S).group(1))
    drawn = set(frame.evaluate("() => nodes.getIds()"))
    assert int(frame.evaluate("() => document.body.getAttribute('data-nodes')")) == len(drawn)
    adds = {  # what a click on each drawn node would add
        i: {end for k in ks for end in (more["edges"][k]["from"], more["edges"][k]["to"])} - drawn
        for i, ks in more["touching"].items()
        if i in drawn
    }
    candidates = sorted(i for i, new in adds.items() if new)
    assert candidates, "some drawn node has neighbours not drawn"
    target = frame.evaluate(LONELY, candidates)
    handle.scroll_into_view_if_needed()
    _shot(page, "network_expand_before")
    box = handle.bounding_box()
    page.mouse.click(box["x"] + target["x"], box["y"] + target["y"])
    frame.wait_for_selector(f"body[data-expanded='{target['id']}']", state="attached", timeout=10_000)
    _settle(page)
    _shot(page, "network_expand_after")
    now = set(frame.evaluate("() => nodes.getIds()"))
    assert now - drawn == adds[target["id"]]
    graph = nx.MultiGraph()
    graph.add_edges_from((e.src_id, e.dst_id) for e in export_records(session_store)[1])
    assert now - drawn == set(graph.neighbors(target["id"])) - drawn, "the neighbours the graph has, not drawn yet"
    shown = frame.evaluate(f"() => edges.get().filter(e => [e.from, e.to].includes('{target['id']}')).length")
    assert shown == graph.degree(target["id"])  # every tie of the node is on the drawing now
    assert blocked == []


def test_a_path_is_a_halo_and_wide_ties_on_nodes_of_their_kinds_colour(app_url, browser_page):  # noqa: F811
    page, blocked = browser_page
    _open(page, f"{app_url}/paths")
    _ends(page, "国网济宁供电公司党委", "金城小区")
    handle, frame = _frame(page)
    handle.scroll_into_view_if_needed()
    _shot(page, "network_path")
    drawn = frame.evaluate("() => nodes.get().map(n => [n.id, n.marked === true, n.color, n.shadow || null])")
    on_path = {i for i, marked, _, _ in drawn if marked}
    assert on_path == {"O10", "C02", "O04", "O07", "O08", "K01"}
    fills = {i: colour["background"] if isinstance(colour, dict) else colour for i, _, colour, _ in drawn}
    assert fills["O10"] == fills["O04"] == STYLE["PartyOrg"][0] and fills["K01"] == STYLE["Compound"][0]
    assert all(halo and halo["color"] == HIGHLIGHT for i, _, _, halo in drawn if i in on_path)
    assert blocked == []
