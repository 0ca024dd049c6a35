"""The 共建台账 (co-building ledger), 假设分析 (what-if), Cypher 查询 and 数据导入 (import) pages through Streamlit's
AppTest, on the session's real server with the demo region (orggraph/ingest/fixtures/demo_small.yaml).

The app's pages are callables registered with ``st.navigation``; ``AppTest.switch_page`` (1.67) only reaches
pages backed by a file, so each page runs as its own script: the sidebar, then the page. ``st.file_uploader``
is driven by AppTest itself (``FileUploader.set_value``), so the import page is tested through real uploads.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from app_harness import open_page as _open
from app_harness import rerun as _run
from streamlit.testing.v1 import AppTest

from loaders.ledger_writer import write_ledgers
from orggraph.ingest.load import ingest_records
from orggraph.model.records import EdgeRecord, NodeRecord

BAD = Path(__file__).resolve().parent / "data" / "bad"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _texts(at: AppTest, kind: str) -> str:
    return "\n".join(str(e.value) for e in getattr(at, kind))


def _table_with(at: AppTest, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


# --- 共建台账 ------------------------------------------------------------------------------------------
def test_ledger_agreements_lapsing_and_lapsed(app_env):
    at = _open("ledger")
    assert at.title[0].value == "共建台账"
    at.date_input(key="ledger_as_of").set_value(dt.date(2026, 1, 1))
    at.number_input(key="ledger_days").set_value(500)
    _run(at)
    assert _metrics(at) == {"500 天内到期": "1", "已过期": "1"}
    lapsing, lapsed = (d.value for d in at.dataframe)
    assert lapsing["编号"].tolist() == ["A01"] and lapsing["剩余天数"].item() == 423
    assert set(lapsing["签约方"].item().split("、")) == {"金城社区党委", "国网济宁供电公司党委"}
    assert lapsed["编号"].tolist() == ["A02"] and lapsed["已过期天数"].item() == 237
    assert [b.label for b in at.get("download_button")] == ["下载 Excel", "下载 CSV"] * 2
    at.number_input(key="ledger_days").set_value(30)
    _run(at)
    assert _metrics(at)["30 天内到期"] == "0"
    assert "没有即将到期的协议" in _texts(at, "info")
    at.sidebar.radio[0].set_value("en")
    _run(at)
    assert at.title[0].value == "Co-building ledger" and _metrics(at)["Lapsed"] == "1"


def test_ledger_communities_without_agreement_and_units_not_reporting(app_env):
    at = _open("ledger")
    at.date_input(key="ledger_as_of").set_value(dt.date(2026, 1, 1))
    at.segmented_control(key="ledger_section").set_value("communities")
    _run(at)
    assert _metrics(at) == {"无有效协议的社区": "2", "从未签订": "1", "协议已全部到期": "1"}
    table = _table_with(at, "社区")
    assert table["社区"].tolist() == ["古槐社区", "太白社区"]  # by street: 古槐街道, 太白街道
    assert table.set_index("社区").loc["太白社区", "曾签协议数"] == 1
    assert table.set_index("社区").loc["太白社区", "最近到期日"] == dt.date(2025, 5, 9)
    units = _table_with(at, "单位")
    assert units["单位"].tolist() == ["济宁市第一人民医院"] and units["协议数"].item() == 1
    at.selectbox(key="ledger_street").set_value("古槐街道")
    _run(at)
    assert _table_with(at, "社区")["社区"].tolist() == ["古槐社区"]
    at.segmented_control(key="ledger_section").set_value("commitments")
    _run(at)
    assert _metrics(at)["无项目支撑的承诺"] == "1"
    assert _table_with(at, "承诺事项")["承诺事项"].tolist() == ["每季度开展一次安全用电进社区"]


def test_ledger_needs_matched_to_resources(app_env):
    ingest_records(
        app_env,
        [NodeRecord("Need", "N03", {"name": "慢病随访", "category": "医疗健康", "status": "待认领"})],
        [EdgeRecord("RAISED_BY", "Need", "N03", "Community", "C02")],
    )
    at = _open("ledger")
    at.segmented_control(key="ledger_section").set_value("lists")
    _run(at)
    assert _metrics(at)["未满足的需求"] == "2"
    assert _table_with(at, "需求")["编号"].tolist() == [
        "N03",
        "N02",
    ]  # by category (医疗健康, 环境整治), as the server sorts
    assert at.selectbox(key="ledger_need").value == "N03"
    matches = _table_with(at, "资源")
    assert matches["资源"].tolist() == ["义诊与健康讲座"]
    assert matches["提供方"].item() == "济宁市第一人民医院" and matches["同一街道"].item() == "是"
    at.selectbox(key="ledger_need").set_value("N02")
    _run(at)
    assert "没有同类别的资源" in _texts(at, "info")  # nobody offers 环境整治
    at.selectbox(key="ledger_category").set_value("环境整治")
    _run(at)
    assert _table_with(at, "需求")["编号"].tolist() == ["N02"] and at.selectbox(key="ledger_need").value == "N02"


def test_ledger_network_analyses(app_env):
    at = _open("ledger")
    at.segmented_control(key="ledger_section").set_value("network")
    _run(at)
    metrics = _metrics(at)
    assert metrics["社区"] == "3" and metrics["驻区单位"] == "4"
    assert at.subheader[0].value == "孤立社区(1)"
    assert _table_with(at, "社区")["社区"].tolist() == ["古槐社区"]
    assert "关键驻区单位(0)" in _texts(at, "subheader") and "没有关键单位" in _texts(at, "success")
    assert not any("中介中心度" in d.value.columns for d in at.dataframe)  # ~2 s on a city: only when asked for
    at.toggle(key="ledger_central").set_value(True)
    _run(at)
    central = _table_with(at, "中介中心度")
    assert set(central["类型"]) <= {"单位", "党组织"} and len(central) > 0
    # cutting 济宁市第一人民医院's tie to 太白社区 would not isolate it (贵和购物中心党支部 reports there too)


# --- 假设分析 ------------------------------------------------------------------------------------------
def _pick(at: AppTest, key: str, text: str) -> AppTest:
    at.text_input(key=f"{key}_text").set_value(text)
    return _run(at)


def test_whatif_new_branch_closes_a_compound_gap_without_writing(app_env):
    at = _open("whatif")
    assert at.title[0].value == "假设分析"
    covers = at.multiselect(key="whatif_branch_covers")
    assert set(covers.options) == {
        "太白花园(K02 · 济宁市任城区 › 太白街道 › 太白社区 › 太白社区第一网格)",
        "运河人家(K03 · 济宁市任城区 › 太白街道 › 太白社区 › 太白社区第二网格)",
        "古槐小区(K04 · 济宁市任城区 › 古槐街道 › 古槐社区 › 古槐社区第一网格)",
    }
    covers.set_value(["K02"])
    at.text_input(key="whatif_branch_name").set_value("太白花园小区党支部")
    _pick(at, "whatif_superior", "太白社区第一网格党支部")
    assert at.selectbox(key="whatif_superior_choice").value == "PartyOrg:O06"
    at.button(key="whatif_add_branch").click()
    _run(at)
    proposal = _table_with(at, "内容")
    assert proposal["编号"].tolist() == ["拟建支部-1"]
    assert proposal["内容"].item() == "小区党支部 · 覆盖 太白花园 ← 太白社区第一网格党支部"
    at.button(key="whatif_run").click()
    _run(at)
    result = _table_with(at, "规则").set_index("规则")
    compound = result.loc["小区党组织覆盖"]
    assert (compound["实施前"], compound["实施后"]) == ("1/4 · 25.0%", "2/4 · 50.0%")
    assert compound["消除的缺口"] == "太白花园(K02)" and compound["变化"] == "+1 · +25.0 个百分点"
    assert "拟建支部-1" in result.loc["班子健全(书记)", "新增的缺口"]  # a new branch has no secretary yet
    assert not app_env.read("MATCH (o:PartyOrg) WHERE o.id STARTS WITH '拟建' RETURN o.id AS id")


def test_whatif_agreement_for_a_community_without_one(app_env):
    at = _open("whatif")
    at.segmented_control(key="whatif_kind").set_value("agreement")
    _run(at)
    assert "古槐社区" in _table_with(at, "建议")["社区"].str.cat()
    _pick(at, "whatif_party_a", "古槐社区党总支")
    _pick(at, "whatif_party_b", "济宁市第一人民医院党委")
    at.button(key="whatif_add_agreement").click()
    _run(at)
    proposal = _table_with(at, "内容")
    assert proposal["名称"].item() == "古槐社区党总支与济宁市第一人民医院党委共建协议"
    assert proposal["内容"].item().startswith("古槐社区党总支 ⇄ 济宁市第一人民医院党委")
    at.button(key="whatif_run").click()
    _run(at)
    row = _table_with(at, "规则").set_index("规则").loc["社区共驻共建协议"]
    assert row["实施前"].startswith("1/3 · ") and row["实施后"].startswith("2/3 · ")
    assert row["消除的缺口"] == "古槐社区(C03)"


def test_whatif_bad_input_is_explained(app_env):
    at = _open("whatif")
    at.button(key="whatif_add_branch").click()
    _run(at)
    assert "请填写组织名称" in _texts(at, "warning")
    at.text_input(key="whatif_branch_name").set_value("虚构小区党支部")
    at.text_input(key="whatif_branch_ids").set_value("K99, U05")
    at.button(key="whatif_add_branch").click()
    _run(at)
    at.button(key="whatif_run").click()
    _run(at)
    assert "方案有误,未计算:" in _texts(at, "error")
    problems = _table_with(at, "问题")
    assert problems["值"].tolist() == ["K99", "PartyOrg→Unit"]
    assert problems["问题"].tolist() == ["编号在方案和图谱中都不存在", "模型不允许这两类对象之间有此关系"]
    assert set(problems["方案项"]) == {"1. 虚构小区党支部"}
    at.segmented_control(key="whatif_kind").set_value("joint")
    _run(at)
    units = at.multiselect(key="whatif_joint_units")
    assert units.options == ["老运河餐饮店(U05 · 济宁市任城区 › 太白街道 › 太白社区)"]
    units.set_value(["U05"])
    at.text_input(key="whatif_joint_name").set_value("太白社区联合党支部")
    at.button(key="whatif_add_joint").click()
    _run(at)
    assert "联合党支部至少纳入两个单位" in _texts(at, "warning")
    _pick(at, "whatif_joint_superior", "不存在的组织名称")
    assert "没有找到“不存在的组织名称”" in _texts(at, "warning")
    at.button(key="whatif_clear").click()
    _run(at)
    assert "方案为空" in _texts(at, "info")


# --- Cypher 查询 ---------------------------------------------------------------------------------------
def test_cypher_form_from_the_header_runs_read_only(app_env):
    at = _open("cypher")
    assert at.title[0].value == "Cypher 查询"
    assert at.selectbox(key="cypher_query").value == "agreements_expiring"
    assert "在截至日期后若干天内到期或已过期的共建协议" in _texts(at, "markdown")
    assert at.date_input(key="cypher_p_agreements_expiring_as_of").value == dt.date(2026, 11, 22)
    assert at.number_input(key="cypher_p_agreements_expiring_days").value == 90
    at.button[0].click()  # the form's submit button
    _run(at)
    rows = at.dataframe[0].value
    assert rows["编号"].tolist() == ["A02"] and rows["状态"].item() == "已过期"
    assert "共 1 行" in _texts(at, "success")
    assert [b.label for b in at.get("download_button")] == ["下载 Excel", "下载 CSV"]
    at.number_input(key="cypher_p_agreements_expiring_days").set_value(120)
    at.button[0].click()
    _run(at)
    assert at.dataframe[0].value["编号"].tolist() == ["A02", "A01"]
    assert "、太白社区党委" in at.dataframe[0].value["签约方"][0]  # a list of names, shown as one text


def test_cypher_required_parameter_empty_result_and_masked_names(app_env):
    at = _open("cypher")
    at.selectbox(key="cypher_query").set_value("need_matches")
    _run(at)
    at.button[0].click()
    _run(at)
    assert "查询 need_matches 缺少必填参数 need_id" in _texts(at, "error")
    at.text_input(key="cypher_p_need_matches_need_id").set_value("N01")
    at.button[0].click()
    _run(at)
    assert at.dataframe[0].value["资源"].tolist() == ["义诊与健康讲座"]
    at.text_input(key="cypher_p_need_matches_need_id").set_value("N99")
    at.button[0].click()
    _run(at)
    assert "查询没有返回结果" in _texts(at, "info") and not at.dataframe
    at.selectbox(key="cypher_query").set_value("find_by_name")
    _run(at)
    at.text_input(key="cypher_p_find_by_name_q").set_value("王")
    at.button[0].click()
    _run(at)
    found = at.dataframe[0].value["编号"].tolist() if at.dataframe else []
    assert "PS001" not in found  # people are never found by name (王建国 is PS001): only by pseudonymous id


# --- 数据导入 ------------------------------------------------------------------------------------------
def _upload(at: AppTest, *files: tuple[str, bytes, str]) -> AppTest:
    at.file_uploader(key="import_files").set_value(list(files))
    return _run(at)


def _new_compound_workbook(folder: Path) -> tuple[str, bytes, str]:
    nodes = [NodeRecord("Compound", "K05", {"name": "测试新小区", "kind": "商品房小区", "households": 90})]
    edges = [EdgeRecord("PART_OF", "Compound", "K05", "Grid", "G01")]
    (workbook,) = write_ledgers(nodes, edges, folder)
    return ("新建小区.xlsx", workbook.read_bytes(), XLSX)


def test_import_shows_every_problem_and_loads_only_when_told_to_skip(app_env, tmp_path):
    at = _open("importer")
    assert "请上传一个或多个台账文件" in _texts(at, "info")
    gb = (BAD / "09_bad_enum_need_category_gb18030" / "需求清单.csv").read_bytes()
    _upload(
        at,
        ("07_bad_enum_org_kind.xlsx", (BAD / "07_bad_enum_org_kind.xlsx").read_bytes(), XLSX),
        ("需求清单.csv", gb, "text/csv"),
        ("broken.xlsx", b"this is not a workbook", XLSX),
        _new_compound_workbook(tmp_path),
    )
    metrics = _metrics(at)
    assert (metrics["文件"], metrics["错误"], metrics["提示"]) == ("4", "3", "0")
    issues = _table_with(at, "问题").set_index("文件")
    assert not any(c.isascii() and c.isalpha() for column in issues.columns for c in column)  # 中文 only in 中文 mode
    org = issues.loc["07_bad_enum_org_kind.xlsx"]
    assert (org["工作表"], org["行"], org["列"], org["值"]) == (
        "党组织",
        8,
        "组织类型",
        "网格党小组",
    )
    assert "不是允许的取值" in org["问题"] and org["级别"] == "错误"
    need = issues.loc["需求清单.csv"]  # GB18030, read as such
    assert (need["工作表"], need["行"], need["列"], need["值"]) == (
        "需求清单",
        3,
        "类别",
        "环境卫生",
    )
    assert issues.loc["broken.xlsx", "问题"].startswith("不是有效的 .xlsx 工作簿")
    assert "发现 3 处错误" in _texts(at, "error")
    planned = _table_with(at, "未变").set_index("类型")
    assert all(str(planned[c].dtype) == "Int64" for c in planned.columns)  # whole numbers, no "" among them
    rejected = planned.loc["党组织(被拒绝的行)"]
    assert rejected["未变"] == 1 and rejected[["新增", "更新", "删除"]].isna().all()
    assert at.button(key="import_load").disabled
    at.checkbox(key="import_skip").check()
    _run(at)
    assert not at.button(key="import_load").disabled
    at.button(key="import_load").click()
    _run(at)
    assert "已导入:批次" in _texts(at, "success") and "行因有错误未导入" in _texts(at, "warning")
    assert app_env.read("MATCH (k:Compound {id: 'K05'}) RETURN k.name AS name") == [{"name": "测试新小区"}]
    assert not app_env.read("MATCH (o:PartyOrg) WHERE o.kind = '网格党小组' RETURN o.id AS id")
    at.file_uploader(key="import_files").set_value(None)
    _run(at)
    assert at.session_state["import_dir"] is None


def test_import_loads_a_valid_ledger_with_progress_and_summary(app_env, tmp_path):
    at = _open("importer")
    _upload(at, _new_compound_workbook(tmp_path))
    assert "校验通过,没有错误" in _texts(at, "success")
    planned = _table_with(at, "类型").set_index("类型")
    assert planned.loc["小区院落", "新增"] == 1
    assert planned.loc["隶属", "新增"] == 1
    assert not at.button(key="import_load").disabled
    at.button(key="import_load").click()
    _run(at)
    assert "已导入:批次" in _texts(at, "success")
    summary = _table_with(at, "类型").set_index("类型")
    assert summary.loc["小区院落", "新增"] == 1
    assert app_env.read("MATCH (k:Compound {id: 'K05'})-[:PART_OF]->(g:Grid) RETURN g.id AS g") == [{"g": "G01"}]
    assert "图谱已与这些台账一致,无需导入" in _texts(at, "info")
    assert at.button(key="import_load").disabled
    folder = Path(at.session_state["import_dir"])
    assert folder.is_dir()
    at.file_uploader(key="import_files").set_value(None)
    _run(at)
    assert not folder.exists()  # the uploaded copies go when the files are removed


def test_import_shows_what_the_ledger_no_longer_lists_and_removes_it_only_when_confirmed(app_env, tmp_path):
    """The demo's own units less 老运河餐饮店 (U05): reported; kept on a plain load; removed after tick + confirm."""
    from loaders.fixture import read_fixture
    from orggraph.ingest.load import DEMO_FIXTURE

    nodes, edges = read_fixture(DEMO_FIXTURE)
    units = [n for n in nodes if n.label == "Unit" and n.id != "U05"]
    (workbook,) = write_ledgers(units, [e for e in edges if e.src_id in {u.id for u in units}], tmp_path)
    at = _open("importer")
    _upload(at, ("单位.xlsx", workbook.read_bytes(), XLSX))
    shown = _table_with(at, "编号")
    assert list(shown["编号"]) == ["U05"] and list(shown["名称"]) == ["老运河餐饮店"]
    assert _table_with(at, "台账中已无").iloc[0]["台账中已无"] == 1
    at.checkbox(key="import_sync").check()
    _run(at)
    assert at.button(key="import_load").disabled, "ticked but not confirmed: nothing may be written yet"
    at.checkbox(key="import_sync_confirm").check()
    _run(at)
    assert not at.button(key="import_load").disabled
    at.button(key="import_load").click()
    _run(at)
    assert "已删除台账中已无的 1 项" in _texts(at, "info")
    assert app_env.read("MATCH (u:Unit {id: 'U05'}) RETURN u.id AS id") == []
    assert len(app_env.read("MATCH (u:Unit) RETURN u.id AS id")) == len(units)
