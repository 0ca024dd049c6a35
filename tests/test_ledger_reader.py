"""Reading what people really send: encodings, title rows, merged headers, hidden sheets, odd dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

from loaders.cell_values import ValueProblem, parse_boolean, parse_date, parse_integer, personal_number
from loaders.ledger_reader import read_ledgers
from loaders.ledger_validation import validate

HEADER = ["编号", "名称", "组织类型", "党员数", "成立日期", "上级党组织编号"]


def _read(path: Path):
    sheets, issues = read_ledgers([path])
    return validate(sheets, "L", issues=issues)


def test_gb18030_utf8_and_bom_csv_all_read_the_same(tmp_path):
    text = "编号,名称,组织类型,党员数\nO1,太白社区党委,社区党委,１２\n"
    results = []
    for encoding in ("gb18030", "utf-8", "utf-8-sig"):
        folder = tmp_path / encoding
        folder.mkdir()
        (folder / "党组织.csv").write_bytes(text.encode(encoding))
        result = _read(folder / "党组织.csv")
        assert not result.issues
        results.append([(n.id, n.props) for n in result.nodes])
    assert (
        results[0] == results[1] == results[2] == [("O1", {"name": "太白社区党委", "kind": "社区党委", "members": 12})]
    )


def test_title_row_merged_group_header_hidden_sheet_and_trailing_blank_rows(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "某街道党组织台账"
    ws.append(["太白街道党组织情况统计表(2026年)"])
    ws.merge_cells("A1:F1")
    ws.append(["基本信息", None, None, "党员情况", "时间", "隶属"])
    ws.merge_cells("A2:C2")
    ws.append(HEADER)
    ws.append(["  O1 ", "太白街道党工委", "街道党工委", "96人", "2019年3月1日", None])
    ws.append(["O2", "太白社区党委", "社区党委", 130, 43525, "O1"])
    ws.append([None] * 6)
    ws.append([None] * 6)
    hidden = wb.create_sheet("隐藏的旧表")
    hidden.append(HEADER)
    hidden.append(["X1", "不应读取", "社区党委", 1, None, None])
    hidden.sheet_state = "hidden"
    wb.save(tmp_path / "台账.xlsx")
    result = _read(tmp_path / "台账.xlsx")
    assert not result.issues
    assert {n.id: (n.props["members"], n.props["founded"], n.source.row) for n in result.nodes} == {
        "O1": (96, dt.date(2019, 3, 1), 4),
        "O2": (130, dt.date(2019, 3, 1), 5),
    }
    assert [(e.type, e.src_id, e.dst_id) for e in result.edges] == [("LEADS", "O1", "O2")]


def test_english_headers_are_accepted(tmp_path):
    folder = tmp_path / "en"
    folder.mkdir()
    (folder / "party_orgs.csv").write_text("id,name,kind,members\nO1,太白社区党委,社区党委,12\n", encoding="utf-8")
    assert [n.id for n in _read(folder / "party_orgs.csv").nodes] == ["O1"]


@pytest.mark.parametrize(
    "text",
    [
        "2024-01-01",
        "2024/1/1",
        "2024年1月1日",
        "2024.1.1",
        "20240101",
        "２０２４－０１－０１",
        45292,
        45292.0,
        "45292",
        dt.datetime(2024, 1, 1, 8, 30),
    ],
)
def test_dates_as_people_write_them(text):
    assert parse_date(text) == dt.date(2024, 1, 1)


@pytest.mark.parametrize("text", ["2024-02-30", "昨天", 9_999_999, "13/13/2024"])
def test_impossible_dates_are_explained(text):
    with pytest.raises(ValueProblem) as err:
        parse_date(text)
    assert err.value.zh and err.value.en


def test_numbers_and_booleans_as_people_write_them():
    assert [parse_integer(v) for v in ("1,200", "１２", 12.0, "30人")] == [1200, 12, 12, 30]
    assert [parse_boolean(v) for v in ("是", "否", "有", "无", "√", "×", "TRUE", "n")] == [
        True,
        False,
        True,
        False,
        True,
        False,
        True,
        False,
    ]
    with pytest.raises(ValueProblem):
        parse_integer(-3)


def test_personal_numbers_are_recognised_but_credit_codes_and_ids_are_not():
    assert personal_number("370802199001011234").startswith("身份证")
    assert personal_number("联系电话 138 1234 5678").startswith("手机")
    assert personal_number("91370800MA3C0001XD") is None
    assert personal_number("P000123") is None


def test_edge_sheet_columns_are_found_by_name_not_position(tmp_path):
    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "任职.csv").write_text("任职组织编号,职务,人员编号\nO1,书记,P1\n", encoding="utf-8")
    sheets, issues = read_ledgers([folder / "任职.csv"])
    result = validate(
        sheets,
        "L",
        lookup=lambda ids: {"O1": {"label": "PartyOrg"}, "P1": {"label": "Person"}} if ids else {},
        issues=issues,
    )
    assert not result.issues
    assert [(e.src_label, e.src_id, e.dst_label, e.dst_id, e.props) for e in result.edges] == [
        ("Person", "P1", "PartyOrg", "O1", {"post": "书记"})
    ]
