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


def _header_issues(tmp_path: Path, name: str, text: str):
    folder = tmp_path / "h"
    folder.mkdir(parents=True)
    (folder / name).write_text(text, encoding="utf-8")
    sheets, issues = read_ledgers([folder / name])
    return sheets, [(i.row, i.column, i.zh, i.en, i.severity) for i in issues]


def test_an_unknown_optional_column_is_an_error_naming_the_closest_known_one(tmp_path):
    """A typo must not drop a whole column with a warning: the load would clear every tie it held."""
    _, issues = _header_issues(
        tmp_path, "党组织.csv", "编号,名称,组织类型,上级党组织编码\nO2,太白社区党委,社区党委,O1\n"
    )
    assert issues == [
        (
            1,
            "上级党组织编码",
            "未知列“上级党组织编码”,是否应为“上级党组织编号”?",
            "unknown column '上级党组织编码'; did you mean '上级党组织编号'?",
            "error",
        )
    ]


def test_a_typo_in_a_required_column_is_reported_once_with_its_suggestion(tmp_path):
    _, issues = _header_issues(tmp_path, "任职.csv", "人员编号,任职组织编码,职务\nP1,O1,书记\n")
    assert [(column, en) for _, column, _, en, _ in issues] == [
        ("任职组织编码", "unknown column '任职组织编码'; did you mean '任职组织编号'?")
    ]


def test_an_unknown_column_with_nothing_close_says_so_and_english_headers_get_suggestions_too(tmp_path):
    _, issues = _header_issues(tmp_path, "党组织.csv", "编号,名称,组织类型,走访记录\nO2,太白社区党委,社区党委,已走访\n")
    assert [(zh, en) for _, _, zh, en, _ in issues] == [
        ("未知列“走访记录”(模板中没有此列)", "unknown column '走访记录' (not in the template)")
    ]
    _, issues = _header_issues(tmp_path / "en", "party_orgs.csv", "id,name,kind,memberz\nO2,太白社区党委,社区党委,3\n")
    assert [en for *_, en, _ in issues] == ["unknown column 'memberz'; did you mean '党员数'?"]


def test_a_suggestion_never_names_a_column_the_header_already_has(tmp_path):
    _, issues = _header_issues(
        tmp_path, "党组织.csv", "编号,名称,组织类型,党员数,党员数量\nO2,太白社区党委,社区党委,3,3\n"
    )
    assert [en for *_, en, _ in issues] == ["unknown column '党员数量'; did you mean '正式党员数'?"]


def test_inert_csv_cells_read_back_as_written_and_xlsx_cells_stay_as_they_are(tmp_path):
    """The CSV writers put an apostrophe before = + - @ (so a spreadsheet cannot run them): the reader undoes it."""
    names = ['=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "-党支部", "@SUM(A1)", "'不变", "Xi'an 党委"]
    written = [f"'{n}" if n[0] in "=+-@" else n for n in names]
    rows = [f'O{n},"{w.replace(chr(34), chr(34) * 2)}",社区党委' for n, w in enumerate(written)]
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "党组织.csv").write_text("编号,名称,组织类型\n" + "\n".join(rows) + "\n", encoding="utf-8")
    sheets, issues = read_ledgers([folder / "党组织.csv"])
    assert issues == []
    assert [r[1] for _, r in sheets[0].rows] == names
    wb = Workbook()
    wb.active.title = "党组织"
    for row in [["编号", "名称", "组织类型"], ["O1", "'=SUM(A1)", "社区党委"]]:
        wb.active.append(row)
    wb.save(tmp_path / "台账.xlsx")
    sheets, issues = read_ledgers([tmp_path / "台账.xlsx"])
    assert [r[1] for _, r in sheets[0].rows] == ["'=SUM(A1)"]


def test_a_row_counter_column_is_read_as_nothing_and_a_hidden_ledger_sheet_is_an_error(tmp_path):
    """序号 (a row counter offices put first) holds no data; a hidden sheet named like a ledger is not read and
    says so, while other hidden sheets (lookup lists, old copies) are not read at all."""
    wb = Workbook()
    ws = wb.active
    ws.title = "党组织"
    ws.append(["序号", *HEADER])
    ws.append([1, "O1", "太白街道党工委", "街道党工委", 96, None, None])
    hidden = wb.create_sheet("单位")
    hidden.append(["编号", "名称", "单位类型"])
    hidden.append(["U1", "某公司", "非公企业"])
    hidden.sheet_state = "hidden"
    wb.save(tmp_path / "台账.xlsx")
    result = _read(tmp_path / "台账.xlsx")
    assert [n.id for n in result.nodes] == ["O1"]
    assert [(i.sheet, i.zh, i.severity) for i in result.issues] == [
        ("单位", "工作表“单位”已隐藏,未读取:取消隐藏后再导入,或删除它", "error")
    ]
