"""The clerk's own words for a need or resource category (``loaders/category_words.py``, the schema's
``synonyms``): a word is kept in 类别原文 and its group goes to 类别; matching (need_met) works on groups; a word
that is neither a group nor a known word is an error listing the groups; a load, export and reload keeps both."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from loaders.category_words import group_of, settle, word_parser
from loaders.cell_values import ValueProblem
from loaders.ledger_writer import write_ledgers
from orggraph.analysis.query_catalogue import find_query, run_query
from orggraph.graph.store import BoltStore
from orggraph.ingest.graph_export import export_records
from orggraph.ingest.load import load_ledgers, read_and_validate
from orggraph.model.records import EdgeRecord, NodeRecord
from orggraph.model.schema import load_schema

SCHEMA = load_schema()
GROUPS = SCHEMA.node("Need").property("category").enum


def test_the_table_has_enough_words_each_meaning_one_group() -> None:
    table = SCHEMA.synonyms["category"]
    words = [w for ws in table.values() for w in ws]
    assert len(words) >= 30 and len(set(words)) == len(words)
    assert set(table) == set(GROUPS) and not set(words) & set(GROUPS)
    pairs = (("义诊", "医疗健康"), ("老年助餐", "为老服务"), ("四点半课堂", "儿童托管"), ("加装电梯", "物业治理"))
    for word, group in pairs:
        assert group_of("category", word) == group
    assert SCHEMA.node("Resource").property("category").synonyms == "category"


@pytest.mark.parametrize(
    ("cell", "kept"),
    [("义诊", "义诊"), ("医疗健康", "医疗健康"), (" 老年 助餐 ", "老年 助餐"), ("\u3000义诊\u3000", "义诊")],
)
def test_a_group_or_a_known_word_is_read_as_written(cell: str, kept: str) -> None:
    assert word_parser(SCHEMA.node("Need").property("category"))(cell) == kept


def test_an_unknown_word_is_an_error_that_lists_the_groups() -> None:
    with pytest.raises(ValueProblem) as err:
        word_parser(SCHEMA.node("Resource").property("category"))("环境卫生")
    assert err.value.zh.startswith("“环境卫生”不是允许的取值:为老服务、儿童托管") and "类别原文" in err.value.zh
    assert err.value.en.startswith("'环境卫生' is not an allowed value: 为老服务, 儿童托管")
    assert "category_text" in err.value.en


def test_settle_puts_the_group_in_category_and_keeps_the_word() -> None:
    props = {"name": "巡回义诊", "category": "义诊"}
    settle("Need", props)
    assert props == {"name": "巡回义诊", "category": "医疗健康", "category_text": "义诊"}
    props = {"category": "老年 助餐", "category_text": "社区老年食堂每日午餐"}  # the clerk's own text wins
    settle("Resource", props)
    assert props == {"category": "为老服务", "category_text": "社区老年食堂每日午餐"}
    props = {"category": "医疗健康"}
    settle("Need", props)
    assert props == {"category": "医疗健康"}
    props = {"category": "义诊"}
    settle("Unit", props)  # no synonyms on this label: untouched
    assert props == {"category": "义诊"}


def _street(words: dict[str, str]) -> tuple[list[NodeRecord], list[EdgeRecord]]:
    """A street with one community; a need and a resource in it, their 类别 cells as the clerk wrote them."""
    nodes = [
        NodeRecord("District", "D1", {"name": "示范区"}),
        NodeRecord("Street", "S1", {"name": "太白街道"}),
        NodeRecord("Community", "C1", {"name": "太白社区"}),
        NodeRecord("Unit", "U1", {"name": "区人民医院", "kind": "事业单位", "stationed": True}),
        NodeRecord("Need", "N1", {"name": "老人体检", "category": words["need"], "status": "待认领"}),
        NodeRecord("Resource", "R1", {"name": "家庭医生上门", "category": words["resource"]}),
    ]
    edges = [
        EdgeRecord("PART_OF", "Street", "S1", "District", "D1"),
        EdgeRecord("PART_OF", "Community", "C1", "Street", "S1"),
        EdgeRecord("LOCATED_IN", "Unit", "U1", "Community", "C1"),
        EdgeRecord("RAISED_BY", "Need", "N1", "Community", "C1"),
        EdgeRecord("OFFERED_BY", "Resource", "R1", "Unit", "U1"),
    ]
    return nodes, edges


def test_a_ledger_with_the_clerks_words_validates_without_a_server(tmp_path: Path) -> None:
    write_ledgers(*_street({"need": "体检", "resource": "家庭医生"}), tmp_path, "csv")
    result, _, _ = read_and_validate(tmp_path, None, "L1")
    assert result.errors == []
    props = {n.id: n.props for n in result.nodes if n.label in ("Need", "Resource")}
    assert (props["N1"]["category"], props["N1"]["category_text"]) == ("医疗健康", "体检")
    assert (props["R1"]["category"], props["R1"]["category_text"]) == ("医疗健康", "家庭医生")


def test_an_unknown_word_in_a_ledger_is_an_error_naming_the_cell(tmp_path: Path) -> None:
    write_ledgers(*_street({"need": "义演", "resource": "家庭医生"}), tmp_path, "csv")
    result, _, _ = read_and_validate(tmp_path, None, "L1")
    (error,) = result.errors
    assert (error.column, error.value, error.sheet) == ("类别", "义演", "需求清单")
    assert "N1" not in {n.id for n in result.nodes}  # nothing of the row reaches the graph


def test_loaded_words_match_by_group_and_survive_export_and_reload(clean_store: BoltStore, tmp_path: Path) -> None:
    write_ledgers(*_street({"need": "体检", "resource": "家庭医生"}), tmp_path / "in", "xlsx")
    load_ledgers(clean_store, tmp_path / "in")
    rows = run_query(clean_store, find_query("gap_need_met"), {"as_of": dt.date(2026, 6, 30)})
    assert [(r["id"], r["covered"], r["detail"]) for r in rows] == [("N1", True, "医疗健康")]  # 体检 ~ 家庭医生
    nodes, edges = export_records(clean_store)
    write_ledgers(nodes, edges, tmp_path / "out", "xlsx")
    result, _, _ = read_and_validate(tmp_path / "out", None, "L2")
    again = {n.id: n.props for n in result.nodes if n.label == "Need"}
    assert (again["N1"]["category"], again["N1"]["category_text"]) == ("医疗健康", "体检")


def test_a_ledger_folder_that_does_not_exist_is_named_not_a_traceback(tmp_path):
    from orggraph.ingest.load import read_and_validate
    from orggraph.model.errors import OrgGraphError

    with pytest.raises(OrgGraphError) as raised:
        read_and_validate(tmp_path / "台账", None, "L1")
    assert str(tmp_path / "台账") in str(raised.value) and "找不到" in str(raised.value)
