"""Personal numbers never enter a what-if proposal: a form refuses them with an error naming the field (the number
is not echoed, the item is not added), and a proposal built in code or read from YAML is refused before anything
reaches the graph."""

from __future__ import annotations

import datetime as dt

import pytest
from app_harness import open_page as _open
from app_harness import rerun as _run

from orggraph.analysis.whatif import Proposal, personal_issues, resolve
from orggraph.model.errors import ValidationError


def _errors(at) -> str:
    return "\n".join(str(e.value) for e in at.error)


def test_a_branch_named_with_a_mobile_is_not_added(app_env):
    at = _open("whatif")
    at.text_input(key="whatif_branch_name").set_value("太白花园小区党支部 联系人李四 +86 138-1234-5678")
    at.text_input(key="whatif_branch_ids").set_value("K01")
    at.button(key="whatif_add_branch").click()
    _run(at)
    assert "“名称”中疑似手机号,不得填写个人敏感号码,未加入方案" in _errors(at)
    assert "1234" not in _errors(at)
    assert at.session_state["whatif_items"] == []


def test_place_ids_with_an_id_number_and_a_joint_branch_with_a_landline(app_env):
    at = _open("whatif")
    at.text_input(key="whatif_branch_name").set_value("太白花园小区党支部")
    at.text_input(key="whatif_branch_ids").set_value("K01, 370802 19900101 1234")
    at.button(key="whatif_add_branch").click()
    _run(at)
    assert "“覆盖对象编号”中疑似身份证号" in _errors(at)
    at.segmented_control(key="whatif_kind").set_value("joint")
    _run(at)
    at.text_input(key="whatif_joint_name").set_value("老运河商户联合党支部(0537)2345678")
    at.button(key="whatif_add_joint").click()
    _run(at)
    assert "“联合党支部名称”中疑似固定电话" in _errors(at)
    assert at.session_state["whatif_items"] == []


def test_an_agreement_name_in_english(app_env):
    at = _open("whatif")
    at.segmented_control(key="whatif_kind").set_value("agreement")
    _run(at)
    at.sidebar.radio[0].set_value("en")
    _run(at)
    at.text_input(key="whatif_agreement_name").set_value("共建协议 王五１３９１２３４５６７８")
    at.button(key="whatif_add_agreement").click()
    _run(at)
    assert "Agreement name: looks like a mobile phone number; personal numbers must not be entered" in _errors(at)
    assert at.session_state["whatif_items"] == []


def test_a_proposal_with_a_number_is_refused_before_the_graph_is_asked(tmp_path):
    path = tmp_path / "proposal.yaml"
    path.write_text(
        "nodes:\n  PartyOrg:\n    - {id: NEW1, name: 新党支部, kind: 小区党支部, contact: '0531-88889999'}\n"
        "edges:\n  COVERS:\n    - [NEW1, K01, {note: '身份证370802199001011234'}]\n",
        encoding="utf-8",
    )
    proposal = Proposal.from_yaml(path)
    issues = personal_issues(proposal)
    assert [(i.file, i.row, i.column, i.value) for i in issues] == [
        ("proposal.yaml", 1, "contact", "***"),
        ("what-if", 1, "COVERS note", "***"),
    ]
    assert issues[0].en == "looks like a landline phone number; personal numbers must not be entered in a proposal"
    with pytest.raises(ValidationError) as caught:
        resolve(None, proposal)  # no store: refused before any lookup
    assert len(caught.value.issues) == 2


def test_a_clean_proposal_has_no_personal_issues():
    proposal = Proposal().add_branch("NEW1", "太白花园小区党支部", "小区党支部", ["K01"], "O06", 3)
    proposal.add_agreement("NEW2", "2024年度共建协议(2024-2026)", ["O04", "O10"], dt.date(2024, 1, 1))
    assert personal_issues(proposal) == []
