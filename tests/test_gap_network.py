"""The gaps page's network as a clerk reads it (issue 13): every gap of the page's rules drawn is bordered (and
nothing else is), a click on any drawn node adds exactly its ties in the graph (a networkx graph of the exported
demo is the reference), a street user's drawing can add nothing outside the street, and the 为什么是缺口 panel gives
the rule, what it asks, why and what to do in the viewer's language."""

from __future__ import annotations

import json
import re

import networkx as nx
import pytest
from app_harness import open_page, rerun
from fixed_date import TODAY
from test_app_area_scope import _open, editor  # noqa: F401  (a fixture)
from test_app_hierarchy_paths import _search
from test_app_overview_gaps import gap_ids, gaps_page, select_gap
from test_area_scope import AREA, reference_homes

from orggraph.analysis.coverage import GapReport, gap_report
from orggraph.analysis.neighbours import PER_NODE
from orggraph.app.pages.network_view import GAP_BORDER, STYLE
from orggraph.ingest.graph_export import export_records
from orggraph.model.coverage_rules import load_rules
from orggraph.model.schema import load_schema


@pytest.fixture
def expected(app_env) -> GapReport:
    return gap_report(app_env, as_of=TODAY)


def _page(at) -> tuple[list[dict], list[dict], dict]:
    """The drawn nodes, the drawn ties and what a click may add, from the (last) drawing on the page."""
    html = at.get("iframe")[-1].proto.srcdoc
    found = dict(re.findall(r"(nodes|edges) = new vis\.DataSet\((\[.*?\])\);", html))
    more = json.loads(re.search(r"var more = (\{.*?\});\n", html, re.S).group(1))
    return json.loads(found["nodes"]), json.loads(found["edges"]), more


def _ties_of(node: str, edges: list[dict], more: dict) -> set[tuple[str, str, str]]:
    """Every tie of a node the drawing shows or a click on it adds: (from, to, the relationship's words)."""
    drawn = {(e["from"], e["to"], e["title"]) for e in edges if node in (e["from"], e["to"])}
    added = {
        (more["edges"][k]["from"], more["edges"][k]["to"], more["edges"][k]["title"])
        for k in more["touching"].get(node, [])
    }
    assert not drawn & added, "a tie drawn is not added again"
    return drawn | added


def _reference(store) -> nx.MultiDiGraph:
    words = {t: r.zh for t, r in load_schema().relationships.items()}
    graph = nx.MultiDiGraph()
    for e in export_records(store)[1]:
        graph.add_edge(e.src_id, e.dst_id, words=words[e.type])
    return graph


def _expected(graph: nx.MultiDiGraph, node: str, keep=lambda m: True) -> set[tuple[str, str, str]]:
    out = {(node, m, d["words"]) for _, m, d in graph.out_edges(node, data=True) if keep(m)}
    return out | {(m, node, d["words"]) for m, _, d in graph.in_edges(node, data=True) if keep(m)}


def test_a_click_adds_each_drawn_nodes_real_neighbours(expected, app_env):
    at = select_gap(gaps_page(), gap_ids(gaps_page()).index("K02"))
    nodes, edges, more = _page(at)
    graph = _reference(app_env)
    assert more["edges"] and len(nodes) > 10
    for n in nodes:
        if graph.degree(n["id"]) <= PER_NODE:
            assert _ties_of(n["id"], edges, more) == _expected(graph, n["id"]), n["id"]
    added = set(more["nodes"])
    assert added and not added & {n["id"] for n in nodes}
    kinds = {i: spec["title"].split("\n")[1].split(" · ")[0] for i, spec in more["nodes"].items()}
    persons = [i for i, kind in kinds.items() if kind == load_schema().node("Person").zh]
    assert persons and all(more["nodes"][i]["label"] == i for i in persons), "a person is named by their id"


def test_gap_nodes_carry_the_gap_border_under_the_pages_rules(expected):
    at = select_gap(gaps_page(), gap_ids(gaps_page()).index("K02"))
    nodes, _, more = _page(at)
    gaps = {g.id for g in expected.gaps()}
    bordered = {n["id"] for n in nodes if n.get("gap")}
    assert bordered == {n["id"] for n in nodes} & gaps and "K02" in bordered
    assert all(n["color"]["border"] == GAP_BORDER for n in nodes if n.get("gap"))
    assert {i for i, spec in more["nodes"].items() if spec.get("gap")} == set(more["nodes"]) & gaps
    one = gaps_page(every_rule=False)  # the page starts with one rule: only that rule's gaps are bordered
    first = load_rules().rules[0].id
    select_gap(one, 0)
    nodes, _, _ = _page(one)
    assert {n["id"] for n in nodes if n.get("gap")} == {g.id for g in expected.gaps() if g.rule_id == first} & {
        n["id"] for n in nodes
    }


def test_the_why_panel_gives_rule_reason_and_action_in_both_languages(expected):
    at = gaps_page()
    select_gap(at, gap_ids(at).index("K02"))
    assert "为什么是缺口" in [s.value for s in at.subheader]
    k02 = [g for g in expected.gaps() if g.id == "K02"]
    shown = "\n".join(m.value for m in at.markdown)
    for g in k02:
        rule = load_rules().rule(g.rule_id)
        assert rule.zh in shown and g.why_zh in shown and g.action_zh in shown, g.rule_id
    drawn_gaps = sorted(n["id"] for n in _page(at)[0] if n.get("gap") and n["id"] != "K02")
    assert drawn_gaps and at.selectbox(key="gaps_why_K02").value == "K02"
    at.selectbox(key="gaps_why_K02").set_value(drawn_gaps[0])
    rerun(at)
    shown = "\n".join(m.value for m in at.markdown)
    other = [g for g in expected.gaps() if g.id == drawn_gaps[0]]
    assert other and all(g.why_zh in shown for g in other) and not any(g.why_zh in shown for g in k02 if g not in other)
    at.selectbox(key="gaps_why_K02").set_value("K02")
    at.sidebar.radio[0].set_value("en").run()
    assert "Why is this a gap" in [s.value for s in at.subheader]
    shown = "\n".join(m.value for m in at.markdown)
    for g in k02:
        assert load_rules().rule(g.rule_id).en in shown and g.why_en in shown and g.action_en in shown


def test_a_street_users_drawing_adds_nothing_outside_the_street(editor, app_env):  # noqa: F811
    at = _open("hierarchy", editor)
    at.selectbox(key="hier_area_0").set_value(AREA)
    rerun(at)
    nodes, edges, more = _page(at)
    homes = reference_homes(app_env)
    inside = {i for i, h in homes.items() if AREA in h}
    graph = _reference(app_env)
    assert set(more["nodes"]) and set(more["nodes"]) <= inside
    assert {e["from"] for e in more["edges"]} | {e["to"] for e in more["edges"]} <= inside
    reaching_out = [n["id"] for n in nodes if any(m not in inside for m in nx.all_neighbors(graph, n["id"]))]
    assert reaching_out, "the street's drawing has ties that reach outside it"
    for n in nodes:
        if graph.degree(n["id"]) <= PER_NODE:
            assert _ties_of(n["id"], edges, more) == _expected(graph, n["id"], inside.__contains__), n["id"]


def test_a_path_keeps_its_nodes_colours_and_borders_the_gaps_of_every_rule(expected, app_env):
    at = _search(open_page("paths"), "国网济宁供电公司党委", "金城小区")
    nodes, edges, _ = _page(at)
    labels = {n.id: n.label for n in export_records(app_env)[0]}
    for n in nodes:  # a path is its halo and its wide ties: every node keeps its kind's colour
        fill = n["color"]["background"] if isinstance(n["color"], dict) else n["color"]
        assert fill == STYLE[labels[n["id"]]][0], n["id"]
    assert {n["id"] for n in nodes if n.get("gap")} == {n["id"] for n in nodes} & {g.id for g in expected.gaps()}
    assert any(n.get("gap") for n in nodes)
    path = {"O10", "C02", "O04", "O07", "O08", "K01"}  # the first path; the alternatives drawn beside it
    assert {n["id"] for n in nodes if n.get("marked")} == path < {n["id"] for n in nodes}
    assert {e["width"] for e in edges if {e["from"], e["to"]} <= path} == {5} and 1 in {e["width"] for e in edges}
    legend = [h.proto.body for h in at.get("html") if "黑色虚线粗边框" in h.proto.body]
    assert legend and f"全部 {len(load_rules().rules)} 条规则" in legend[0] and "黄色光晕" in legend[0]


def test_the_hierarchy_says_why_each_gap_drawn_is_one(expected):
    at = open_page("hierarchy")
    for i, area in enumerate(("D01", "S01", "C01")):
        at.selectbox(key=f"hier_area_{i}").set_value(area)
        rerun(at)
    nodes, _, _ = _page(at)
    drawn_gaps = sorted({n["id"] for n in nodes} & {g.id for g in expected.gaps()})
    assert drawn_gaps == sorted(n["id"] for n in nodes if n.get("gap"))
    picker = at.selectbox(key="hier_why")
    assert picker.options == [f"{next(g.name for g in expected.gaps() if g.id == i)} · {i}" for i in drawn_gaps]
    assert any(e.label == f"为什么是缺口(图中 {len(drawn_gaps)} 个)" for e in at.expander)
    for gap_id in drawn_gaps[:2]:
        at.selectbox(key="hier_why").set_value(gap_id)
        rerun(at)
        shown = "\n".join(m.value for m in at.markdown)
        assert all(g.why_zh in shown and g.action_zh in shown for g in expected.gaps() if g.id == gap_id), gap_id
    at.sidebar.radio[0].set_value("en").run()
    shown = "\n".join(m.value for m in at.markdown)
    assert any(e.label.startswith("Why is this a gap") for e in at.expander)
    assert any(g.why_en in shown for g in expected.gaps() if g.id in drawn_gaps)
