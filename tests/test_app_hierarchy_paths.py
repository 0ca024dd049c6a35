"""The 组织架构 (hierarchy) and 联结路径 (linkage paths) pages through Streamlit's AppTest, on the session's
real server with the demo region (orggraph/ingest/fixtures/demo_small.yaml).

The app's pages are callables registered with ``st.navigation``; ``AppTest.switch_page`` (1.67) only
reaches pages backed by a file, so each page runs here as its own script: the sidebar, then the page.
"""

from __future__ import annotations

import json
import re

from app_harness import open_page as _open
from streamlit.testing.v1 import AppTest

from orggraph.analysis.linkage import PATH_ORDER
from orggraph.analysis.org_tree import tree_rows
from orggraph.model.schema import load_schema


def _texts(at: AppTest, kind: str) -> list[str]:
    return [e.value for e in getattr(at, kind)]


def _iframes(at: AppTest) -> list[str]:
    return [e.proto.srcdoc for e in at.get("iframe")]


def _drawn(html: str) -> tuple[list[dict], list[dict]]:
    """The nodes and edges a pyvis page draws."""
    found = re.findall(r"(nodes|edges) = new vis\.DataSet\((\[.*?\])\);", html)
    parsed = {name: json.loads(data) for name, data in found}
    return parsed["nodes"], parsed["edges"]


def _highlighted(html: str) -> set[str]:
    """The nodes marked (a path's: a yellow halo, their kind's colour kept)."""
    return {n["id"] for n in _drawn(html)[0] if n.get("marked")}


def _assert_offline(html: str) -> None:
    remote = re.findall(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//[^"'\s>]*""", html, re.IGNORECASE)
    assert not remote, remote
    assert "vis-network" in html or "vis.DataSet" in html  # the library is inlined, not fetched


# --- 组织架构 ------------------------------------------------------------------------------------------
def _pick_area(at: AppTest, *ids: str) -> AppTest:
    for i, area in enumerate(ids):
        at.selectbox(key=f"hier_area_{i}").set_value(area).run()
        assert not at.exception, at.exception
    return at


def test_tree_rows_hang_orgs_under_superiors_then_joint_committees_and_survive_cycles():
    def org(oid: str, kind: str, superiors=(), joined=()) -> list:
        return [oid, oid, kind, 1, [], list(superiors), list(joined), []]

    inside = {
        "R": org("R", "街道党工委", superiors=["OUTSIDE"]),
        "C": org("C", "社区党委", superiors=["R"]),
        "G": org("G", "网格党支部", superiors=["C"]),
        "M": org("M", "单位党支部", joined=["R"]),
        "A": org("A", "网格党支部", superiors=["B"]),
        "B": org("B", "网格党支部", superiors=["A"]),
    }
    rows = [(r["depth"], r["id"], r["tie"], r["subordinates"]) for r in tree_rows(inside)]
    assert rows == [
        (0, "R", "", 2),
        (1, "C", "LEADS", 1),
        (2, "G", "LEADS", 0),
        (1, "M", "MEMBER_OF", 0),
        (0, "A", "", 1),
        (1, "B", "LEADS", 0),
    ]


def test_hierarchy_asks_for_a_district_first_and_summarises_the_region(app_env):
    at = _open("hierarchy")
    assert at.title[0].value == "组织架构"
    assert any("请先选择区县" in v for v in _texts(at, "info"))
    region = at.dataframe[0].value
    assert region.to_dict("records") == [{"区县": "济宁市任城区", "编号": "D01", "街道数": 2, "社区数": 3, "网格数": 4}]
    assert not at.get("iframe")  # the whole region is never drawn
    assert at.selectbox(key="hier_area_0").options == ["(全部)", "济宁市任城区"]


def test_hierarchy_street_tree_counts_and_masked_secretaries(app_env):
    at = _pick_area(_open("hierarchy"), "D01", "S01")
    assert at.selectbox(key="hier_area_1").options == ["(全部)", "太白街道", "古槐街道"]
    assert any("济宁市任城区 › 太白街道" in c.value for c in at.caption)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"党组织": "12", "党员": "1668", "无在任书记": "10"}
    tree = at.dataframe[0].value
    assert list(tree["组织"]) == [
        "太白街道党工委",
        "\u3000└ 太白社区党委",
        "\u3000\u3000└ 太白社区第一网格党支部",
        "\u3000└ 金城社区党委",
        "\u3000\u3000└ 金城社区第一网格党支部",
        "\u3000\u3000\u3000└ 金城小区党支部",
        "\u3000\u3000\u3000\u3000└ 金城小区1号楼党小组",
        "\u3000└ 太白路商圈综合党委",
        "\u3000\u3000└ 贵和购物中心党支部(成员单位)",
        "国网济宁供电公司党委",
        "济宁市第一人民医院党委",
        "运河物业党支部",
    ]
    secretaries = dict(zip(tree["编号"], tree["书记"], strict=True))
    assert secretaries["O03"] == "刘**" and secretaries["O08"] == "张**"
    assert secretaries["O04"] == "—"  # 王建国's term ended 2026-05-31
    assert dict(zip(tree["编号"], tree["下级组织"], strict=True))["O01"] == 3
    kinds = at.dataframe[1].value
    assert dict(zip(kinds["组织类型"], kinds["数量"], strict=True)) == {
        "街道党工委": 1,
        "社区党委": 2,
        "商圈综合党委": 1,
        "网格党支部": 2,
        "小区党支部": 1,
        "楼栋党小组": 1,
        "单位党委": 2,
        "物业企业党组织": 1,
        "单位党支部": 1,
    }
    at.sidebar.toggle[0].set_value(True).run()
    tree = at.dataframe[0].value
    assert dict(zip(tree["编号"], tree["书记"], strict=True))["O03"] == "刘晓燕"


def test_hierarchy_community_network_narrowed_by_kind_and_limit(app_env):
    at = _pick_area(_open("hierarchy"), "D01", "S01", "C02")
    tree = at.dataframe[0].value
    assert list(tree["编号"]) == ["O04", "O07", "O08", "O14", "O10", "O12"]
    html = _iframes(at)
    assert len(html) == 1
    _assert_offline(html[0])
    nodes, edges = _drawn(html[0])
    names = {n["title"].split("\n")[0] for n in nodes}  # the whole name on hover, a short one on the drawing
    assert {"金城社区", "金城小区", "国网济宁供电公司", "金城社区与国网济宁供电公司共建协议"} <= names
    assert {"金城社区", "金城社区与国网…"} <= {n["label"] for n in nodes}
    assert {"隶属", "签约方"} & {e.get("label") for e in edges}, "ties named in Chinese on a small drawing"
    assert len(nodes) == 14
    assert {(e["from"], e["to"]) for e in edges} >= {("O04", "C02"), ("O04", "O07"), ("A01", "O10"), ("K01", "G03")}
    assert any(c.value == "共 14 个节点" for c in at.caption)
    at.multiselect(key="hier_labels").set_value(["PartyOrg", "Unit"]).run()
    assert any(c.value == "共 8 个节点" for c in at.caption)
    at.slider(key="hier_limit").set_value(10).run()
    assert any(c.value == "共 8 个节点" for c in at.caption)
    at.multiselect(key="hier_labels").set_value(list(at.multiselect(key="hier_labels").options)).run()
    assert any(c.value.startswith("显示 10 / 14 个节点") for c in at.caption)
    at.multiselect(key="hier_labels").set_value([]).run()
    assert any("请至少选择一种类型" in w for w in _texts(at, "warning"))
    assert not at.exception


def test_hierarchy_grid_and_english(app_env):
    at = _pick_area(_open("hierarchy"), "D01", "S02", "C03", "G04")
    assert any("该区域内没有党组织" in w for w in _texts(at, "warning"))
    _pick_area(at, "D01", "S01", "C02", "G03")
    assert list(at.dataframe[0].value["编号"]) == ["O07", "O08", "O14"]
    at.multiselect(key="hier_labels").set_value(["PartyOrg", "Grid"]).run()
    assert any(c.value == "共 4 个节点" for c in at.caption)
    at.sidebar.radio[0].set_value("en").run()
    assert at.title[0].value == "Hierarchy"
    assert list(at.dataframe[0].value.columns)[:3] == ["Organization", "Kind", "Members"]
    assert at.multiselect(key="hier_labels_en").value == ["PartyOrg", "Grid"]  # the choice survives the switch
    assert any(c.value == "4 nodes" for c in at.caption)
    at.sidebar.radio[0].set_value("zh").run()
    assert at.multiselect(key="hier_labels").value == ["PartyOrg", "Grid"]


# --- 联结路径 ------------------------------------------------------------------------------------------
def _search(at: AppTest, src: str | None = None, dst: str | None = None) -> AppTest:
    if src is not None:
        at.text_input(key="paths_src_text").input(src).run()
    if dst is not None:
        at.text_input(key="paths_dst_text").input(dst).run()
    assert not at.exception, at.exception
    return at


def _chains(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("**")]


def test_paths_explains_the_shortest_path_and_draws_it_offline(app_env):
    at = _open("paths")
    assert at.title[0].value == "联结路径"
    assert any("请在上方输入起点和终点" in v for v in _texts(at, "info"))
    _search(at, "国网济宁供电公司党委", "金城小区")
    assert _chains(at)[0] == (  # organisational ties first (issue 13), though longer than a chain through places
        "**1.**(5 跳) 国网济宁供电公司党委 —双报到→ 金城社区 ←覆盖— 金城社区党委 —领导→ 金城社区第一网格党支部 "
        "—领导→ 金城小区党支部 —覆盖→ 金城小区"
    )
    html = _iframes(at)
    assert len(html) == 1
    _assert_offline(html[0])
    assert _highlighted(html[0]) == {"O10", "C02", "O04", "O07", "O08", "K01"}
    at.sidebar.radio[0].set_value("en").run()
    assert _chains(at)[0] == (
        "**1.** (5 hops) 国网济宁供电公司党委 -[reports to (dual reporting)]-> 金城社区 <-[covers]- 金城社区党委 "
        "-[leads]-> 金城社区第一网格党支部 -[leads]-> 金城小区党支部 -[covers]-> 金城小区"
    )


def test_paths_alternatives_are_listed_and_toggled(app_env):
    at = _search(_open("paths"), "国网济宁供电公司党委", "金城小区")
    assert _chains(at) == [
        "**1.**(5 跳) 国网济宁供电公司党委 —双报到→ 金城社区 ←覆盖— 金城社区党委 —领导→ 金城社区第一网格党支部 "
        "—领导→ 金城小区党支部 —覆盖→ 金城小区",
        "**2.**(3 跳)〔含 1 步地理隶属〕 国网济宁供电公司党委 —双报到→ 金城社区 ←位于— 济宁运河物业服务有限公司 "
        "—物业服务→ 金城小区",
        "**3.**(3 跳)〔含 2 步地理隶属〕 国网济宁供电公司党委 —双报到→ 金城社区 ←隶属— 金城社区第一网格 "
        "←隶属— 金城小区",
    ]
    assert at.subheader[0].value == "找到 3 条路径"
    assert PATH_ORDER[0] in [c.value for c in at.caption]  # why a 5-hop path comes before the 3-hop ones
    assert {n["id"] for n in _drawn(_iframes(at)[0])[0]} == {"O10", "C02", "O04", "O07", "O08", "K01", "U03", "G03"}
    at.checkbox(key="paths_alternatives").uncheck().run()
    only_first = _iframes(at)[0]
    assert (
        {n["id"] for n in _drawn(only_first)[0]}
        == _highlighted(only_first)
        == {"O10", "C02", "O04", "O07", "O08", "K01"}
    )
    at.radio(key="paths_pick").set_value(2).run()
    assert _highlighted(_iframes(at)[0]) == {"O10", "C02", "G03", "K01"}
    at.sidebar.radio[0].set_value("en").run()  # the choice survives a language switch
    assert at.radio(key="paths_pick_en").value == 2
    assert _highlighted(_iframes(at)[0]) == {"O10", "C02", "G03", "K01"}
    at.sidebar.radio[0].set_value("zh").run()
    at.slider(key="paths_hops").set_value(4).run()  # a new search starts on its first path
    assert len(_chains(at)) == 2 and at.radio(key="paths_pick").value == 0


def test_paths_restricted_types_and_hop_limit(app_env):
    at = _search(_open("paths"), "国网济宁供电公司党委", "金城小区")
    at.slider(key="paths_hops").set_value(2).run()
    assert any("在 2 跳之内没有找到从“国网济宁供电公司党委”到“金城小区”的路径" in w for w in _texts(at, "warning"))
    at.slider(key="paths_hops").set_value(8).run()
    at.multiselect(key="paths_via").set_value(["LEADS"]).run()
    assert any("仅限关系:领导" in w for w in _texts(at, "warning"))
    at.multiselect(key="paths_via").set_value(["LEADS", "COVERS"]).run()
    at.number_input(key="paths_k").set_value(1).run()
    _search(at, "太白街道党工委")
    assert _chains(at) == [
        "**1.**(4 跳) 太白街道党工委 —领导→ 金城社区党委 —领导→ 金城社区第一网格党支部 —领导→ 金城小区党支部 "
        "—覆盖→ 金城小区"
    ]


def test_paths_bad_input_gives_clear_messages(app_env):
    at = _search(_open("paths"), "完全不存在的名字", "金城小区")
    assert any("没有找到“完全不存在的名字”" in w for w in _texts(at, "warning"))
    assert any("请在上方输入起点和终点" in v for v in _texts(at, "info"))
    _search(at, "金城小区")
    assert any("起点和终点是同一个对象" in e for e in _texts(at, "error"))
    assert not at.get("iframe") and not at.exception


def test_reach_within_k_hops_table(app_env):
    at = _search(_open("paths"), dst="金城小区")
    assert at.subheader[0].value == "谁能在 K 跳之内联结到这里"
    table = at.dataframe[0].value
    assert list(table.columns) == ["距离(跳)", "类型", "名称", "种类", "驻区", "编号"]
    assert [tuple(r) for r in table[["距离(跳)", "类型", "驻区", "编号"]].itertuples(index=False)] == [
        (1, "单位", "是", "U03"),
        (1, "党组织", "—", "O08"),
        (2, "党组织", "—", "O07"),
        (2, "党组织", "—", "O12"),
        (2, "党组织", "—", "O14"),
        (3, "单位", "是", "U01"),
        (3, "党组织", "—", "O04"),
        (3, "党组织", "—", "O10"),
        (3, "资源清单", "—", "R01"),
    ]
    assert table["名称"][0] == "济宁运河物业服务有限公司"
    at.slider(key="paths_reach_hops").set_value(1).run()
    assert list(at.dataframe[0].value["编号"]) == ["U03", "O08"]
    assert any(c.value == "1 跳之内共 2 个,其中单位 1 个(驻区单位 1 个)" for c in at.caption)
    at.multiselect(key="paths_reach_labels").set_value(["Unit"]).run()
    assert list(at.dataframe[0].value["编号"]) == ["U03"]
    _search(at, src="国网济宁供电公司党委")
    target = at.radio(key="paths_reach_target")
    assert target.value == "dst" and target.options == ["终点", "起点"]
    target.set_value("src").run()
    assert list(at.dataframe[0].value["名称"]) == ["国网济宁供电公司"]
    at.multiselect(key="paths_reach_labels").set_value([]).run()
    assert any("请至少选择一种对象类型" in w for w in _texts(at, "warning"))


def test_several_matches_are_listed_with_kind_and_area_and_nothing_is_chosen_for_the_viewer(app_env):
    """Issue 13: a name that several entities share in part lists each as name · kind · area chain · id, and no
    path is searched until the viewer picks one; the pick survives a language switch."""
    at = _search(_open("paths"), "金城", "国网济宁供电公司党委")
    box = at.selectbox(key="paths_src_choice")
    assert box.value is None and len(box.options) > 1  # nothing picked silently
    assert "金城小区 · 商品房小区 · 济宁市任城区 › 太白街道 › 金城社区 · K01" in box.options
    assert "金城社区党委 · 社区党委 · 济宁市任城区 › 太白街道 › 金城社区 · O04" in box.options
    assert any("请在上方输入起点和终点" in v for v in _texts(at, "info")) and not _chains(at)
    box.set_value("Compound:K01").run()
    assert _chains(at)[0].endswith("国网济宁供电公司党委")
    dst = at.selectbox(key="paths_dst_choice")
    assert dst.value == "PartyOrg:O10"  # the only exact name: chosen, and shown
    at.sidebar.radio[0].set_value("en").run()
    assert at.selectbox(key="paths_src_choice_en").value == "Compound:K01"
    building = load_schema().node("Building").en  # a record with no kind is told by its label, in English here
    assert f"金城小区1号楼 · {building} · 济宁市任城区 › 太白街道 › 金城社区 · BD01" in (
        at.selectbox(key="paths_src_choice_en").options
    )
    assert _chains(at)
