"""The what-if page's saved plans through AppTest on the session's real server with the demo region: a comparison
saved under a name, listed, run again (equal to a fresh what-if of the same proposal) and downloaded as a workbook;
a street's editor sees and runs only the street's plans."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator

import pytest
from app_harness import open_page, page_as_user, rerun
from fixed_date import TODAY
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from orggraph.access import audit
from orggraph.access.accounts import AccountStore
from orggraph.analysis.coverage import CoverageIndex
from orggraph.analysis.whatif import Proposal, what_if
from orggraph.analysis.whatif_plans import folder, list_plans, make_plan, save_plan, street_of, then_and_now

PASSWORD = "correct horse 1"


@pytest.fixture
def plans_dir(app_env, settings) -> Iterator:
    data_dir = settings.resolved_data_dir()
    shutil.rmtree(folder(data_dir), ignore_errors=True)
    yield data_dir
    shutil.rmtree(folder(data_dir), ignore_errors=True)


def _texts(at: AppTest, kind: str) -> str:
    return "\n".join(str(e.value) for e in getattr(at, kind))


def _table_with(at: AppTest, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_save_list_rerun_and_download_a_plan(app_env, plans_dir, downloads):
    at = open_page("whatif")
    assert "还没有保存的方案" in _texts(at, "info")
    at.multiselect(key="whatif_branch_covers").set_value(["K02"])
    at.text_input(key="whatif_branch_name").set_value("太白花园小区党支部")
    at.button(key="whatif_add_branch").click()
    rerun(at)
    at.button(key="whatif_run").click()
    rerun(at)
    at.text_input(key="whatif_plan_name").set_value("太白花园建支部")
    at.button(key="whatif_save").click()
    rerun(at)
    assert "已保存方案:太白花园建支部" in _texts(at, "success")
    listed = _table_with(at, "保存人")
    assert listed["方案"].tolist() == ["太白花园建支部"] and listed["区域"].item() == "全部区域"
    (plan,) = list_plans(plans_dir)
    assert plan.street is None and plan.items[0]["covers"] == ["K02"]
    at.button(key="whatif_rerun").click()
    rerun(at)
    shown = _table_with(at, "仍可消除").set_index("规则")
    assert shown.loc["小区党组织覆盖", "今日:实施前 → 实施后"] == "1/4 · 25.0% → 2/4 · 50.0%"
    assert shown.loc["小区党组织覆盖", "仍可消除"] == 1
    fresh = what_if(app_env, plan.proposal(), plan.rules, None, TODAY)
    assert [r["now_after"] for r in then_and_now(plan, fresh)] == [
        tuple(int(x) for x in cell.split(" → ")[1].split(" · ")[0].split("/")) for cell in shown["今日:实施前 → 实施后"]
    ]
    data = next(d for d in reversed(downloads) if callable(d))()  # the plan's workbook, made on the click
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["实施前后", "方案内容", "新增关系", "消除的缺口", "今日重算"]
    actions = [e["action"] for e in audit.read_events(plans_dir)[:3]]
    assert actions[0] == "export" and "whatif_save" in actions


def _save(store, data_dir, name: str, proposal: Proposal, area: str) -> None:
    index = CoverageIndex.fetch(store)
    result = what_if(store, proposal, ["compound_org", "community_agreement"], area, TODAY, index)
    save_plan(data_dir, make_plan(name, proposal, result, street_of(index.geography, area), "boss"))


def test_a_street_editor_sees_and_runs_only_the_streets_plans(app_env, plans_dir, settings):
    _save(
        app_env, plans_dir, "太白花园建支部", Proposal().add_branch("PROPOSED-B1", "支部", "小区党支部", ["K02"]), "S01"
    )
    agreement = Proposal().add_agreement("PROPOSED-A1", "协议", ["O05", "O11"], TODAY, TODAY.replace(year=2029))
    _save(app_env, plans_dir, "古槐社区签协议", agreement, "C03")
    users = AccountStore(settings.resolved_data_dir())
    users.path.unlink(missing_ok=True)
    users.add("ed", "editor", PASSWORD, area="S01")
    try:
        at = AppTest.from_function(page_as_user, args=("whatif", "ed"), default_timeout=120).run()
        assert not at.exception, at.exception
        assert _table_with(at, "保存人")["方案"].tolist() == ["太白花园建支部"]
        assert _table_with(at, "保存人")["区域"].item() == "太白街道(S01)"
        assert at.selectbox(key="whatif_plan").options == ["太白花园建支部 · 太白街道(S01)"]
        assert "古槐社区签协议" not in str(at._tree)
        at.button(key="whatif_rerun").click()
        rerun(at)
        assert _table_with(at, "仍可消除").set_index("规则").loc["小区党组织覆盖", "仍可消除"] == 1
        assert audit.read_events(plans_dir)[0]["user"] == "ed"
        at.multiselect(key="whatif_branch_covers").set_value(["K03"])
        at.text_input(key="whatif_branch_name").set_value("运河人家小区党支部")
        at.button(key="whatif_add_branch").click()
        rerun(at)
        at.button(key="whatif_run").click()
        rerun(at)
        at.text_input(key="whatif_plan_name").set_value("运河人家建支部")
        at.button(key="whatif_save").click()
        rerun(at)
        saved = {p.name: p.street for p in list_plans(plans_dir, "S01")}
        assert saved == {"太白花园建支部": "S01", "运河人家建支部": "S01"}  # saved in the editor's street, over it all
        assert "太白街道(S01)" in _table_with(at, "保存人").set_index("方案").loc["运河人家建支部", "区域"]
        assert audit.read_events(plans_dir)[0] | {"at": None} == {
            "at": None, "user": "ed", "action": "whatif_save", "plan": "运河人家建支部", "area": None,
            "replaced": False
        }  # fmt: skip
    finally:
        users.path.unlink(missing_ok=True)


def test_a_plan_is_deleted_after_a_confirm_and_the_deletion_audited(app_env, plans_dir):
    branch = Proposal().add_branch("PROPOSED-B1", "支部", "小区党支部", ["K02"])
    _save(app_env, plans_dir, "太白花园建支部", branch, "S01")
    agreement = Proposal().add_agreement("PROPOSED-A1", "协议", ["O05", "O11"], TODAY, TODAY.replace(year=2029))
    _save(app_env, plans_dir, "古槐社区签协议", agreement, "C03")
    at = open_page("whatif")
    at.selectbox(key="whatif_plan").set_value("S01|太白花园建支部")
    at.button(key="whatif_plan_delete").click()
    rerun(at)
    assert "确认删除方案“太白花园建支部”" in _texts(at, "warning")
    assert len(list_plans(plans_dir)) == 2  # asked, not yet deleted
    at.button(key="whatif_plan_delete_cancel").click()
    rerun(at)
    assert "确认删除" not in _texts(at, "warning") and len(list_plans(plans_dir)) == 2
    at.button(key="whatif_plan_delete").click()
    rerun(at)
    at.button(key="whatif_plan_delete_confirm").click()
    rerun(at)
    assert [p.name for p in list_plans(plans_dir)] == ["古槐社区签协议"]
    assert "已删除方案:太白花园建支部" in _texts(at, "success")
    assert _table_with(at, "保存人")["方案"].tolist() == ["古槐社区签协议"]
    event = audit.read_events(plans_dir)[0]
    assert (event["action"], event["plan"], event["street"]) == ("whatif_delete", "太白花园建支部", "S01")
