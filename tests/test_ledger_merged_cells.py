"""Merged cells below the header: a vertically merged block means its top-left value for every row of the block.

Offices group rows that way (equal 上级党组织编号 cells merged down rows 13–30); read as blanks, the load would clear
ties in silence. Blocks in required and optional columns, at row 13, row 500 and the last row, in a node sheet
(党组织) and an edge sheet (任职), written by openpyxl and read through ``read_ledgers`` and ``validate``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

from loaders.ledger_reader import read_ledgers
from loaders.ledger_validation import validate

ORG_HEADER = ["编号", "名称", "组织类型", "党员数", "成立日期", "上级党组织编号"]
POST_HEADER = ["人员编号", "任职组织编号", "职务", "任职日期"]
LAST = 602  # the last row of each sheet: header on row 1, 601 records


def _merge(ws, column: int, first: int, last: int, value) -> None:
    """Write ``value`` in the block's top cell only, as Excel keeps it, and merge the block."""
    for row in range(first, last + 1):
        ws.cell(row, column).value = value if row == first else None
    ws.merge_cells(start_row=first, start_column=column, end_row=last, end_column=column)


def _org_sheet(ws) -> dict[str, tuple[int, int, object]]:
    """党组织: O000 leads every 联合党支部 unless a block says otherwise; blocks in 组织类型 (required) at rows 13–30,
    上级党组织编号 (optional) at rows 495–505, 成立日期 (optional) over the last four rows."""
    ws.title = "党组织"
    ws.append(ORG_HEADER)
    ws.append(["O000", "太白街道党工委", "街道党工委", 96, None, None])
    for n in range(1, LAST - 1):
        ws.append([f"O{n:03d}", f"第{n}联合党支部", "联合党支部", 10, None, "O000"])
    blocks = {
        "组织类型": (13, 30, "小区党支部"),
        "上级党组织编号": (495, 505, "O001"),
        "成立日期": (LAST - 3, LAST, dt.datetime(2019, 3, 1)),
    }
    for header, (first, last, value) in blocks.items():
        _merge(ws, ORG_HEADER.index(header) + 1, first, last, value)
    return blocks


def _post_sheet(ws) -> dict[str, tuple[int, int, object]]:
    """任职: blocks in 任职组织编号 (required edge end) at rows 13–30, 职务 (required) at 495–505, 任职日期
    (optional) over the last four rows."""
    ws.append(POST_HEADER)
    for n in range(1, LAST):
        ws.append([f"P{n:03d}", "O000", "委员", None])
    blocks = {
        "任职组织编号": (13, 30, "O001"),
        "职务": (495, 505, "书记"),
        "任职日期": (LAST - 3, LAST, dt.datetime(2021, 6, 1)),
    }
    for header, (first, last, value) in blocks.items():
        _merge(ws, POST_HEADER.index(header) + 1, first, last, value)
    return blocks


def _workbook(tmp_path: Path) -> tuple[Path, dict, dict]:
    wb = Workbook()
    orgs = _org_sheet(wb.active)
    posts = _post_sheet(wb.create_sheet("任职"))
    path = tmp_path / "台账.xlsx"
    wb.save(path)
    return path, orgs, posts


def _lookup(ids: set[str]) -> dict[str, dict]:
    """The people of 任职 are in the graph already."""
    return {i: {"label": "Person"} for i in ids if i.startswith("P")}


def test_every_row_of_a_merged_block_reads_its_top_left_value(tmp_path):
    path, orgs, posts = _workbook(tmp_path)
    sheets, issues = read_ledgers([path])
    assert issues == []
    by_name = {s.sheet: s for s in sheets}
    for sheet, header, blocks in (("党组织", ORG_HEADER, orgs), ("任职", POST_HEADER, posts)):
        rows = dict(by_name[sheet].rows)
        assert min(rows) == 2 and max(rows) == LAST and len(rows) == LAST - 1
        for column, (first, last, value) in blocks.items():
            value = value.date() if isinstance(value, dt.datetime) else value  # calamine reads a date cell as a date
            cells = {rows[r][header.index(column)] for r in range(first, last + 1)}
            assert cells == {value}, (sheet, column)
            assert rows[first - 1][header.index(column)] != value, "the row above the block is its own"


def test_validate_gives_every_row_of_a_block_its_value(tmp_path):
    path, _, _ = _workbook(tmp_path)
    sheets, issues = read_ledgers([path])
    result = validate(sheets, "L", lookup=_lookup, issues=issues)
    assert result.errors == []
    orgs_by_row = {n.source.row: n for n in result.nodes if n.label == "PartyOrg"}
    assert {orgs_by_row[r].props["kind"] for r in range(13, 31)} == {"小区党支部"}
    assert {orgs_by_row[r].props["founded"] for r in range(LAST - 3, LAST + 1)} == {dt.date(2019, 3, 1)}
    superiors = {e.dst_id: e.src_id for e in result.edges if e.type == "LEADS"}
    assert {superiors[orgs_by_row[r].id] for r in range(495, 506)} == {"O001"}
    assert superiors[orgs_by_row[494].id] == superiors[orgs_by_row[506].id] == "O000"
    posts_by_row = {e.source.row: e for e in result.edges if e.type == "HOLDS_POST"}
    assert len(posts_by_row) == LAST - 1
    assert {posts_by_row[r].dst_id for r in range(13, 31)} == {"O001"}
    assert {posts_by_row[r].props["post"] for r in range(495, 506)} == {"书记"}
    assert {posts_by_row[r].props["since"] for r in range(LAST - 3, LAST + 1)} == {dt.date(2021, 6, 1)}
    assert posts_by_row[LAST - 4].props == {"post": "委员"}


def test_a_block_reaching_past_the_last_record_adds_no_rows(tmp_path):
    """Rows blank apart from the merge hold no record of their own: they are not read as records."""
    wb = Workbook()
    ws = wb.active
    ws.title = "党组织"
    ws.append(ORG_HEADER)
    ws.append(["O000", "太白街道党工委", "街道党工委", 96, None, None])
    ws.append(["O001", "太白社区党委", "社区党委", 30, None, "O000"])
    ws.append(["O002", "古槐社区党委", "社区党委", 30, None, None])
    _merge(ws, ORG_HEADER.index("上级党组织编号") + 1, 3, 9, "O000")
    wb.save(tmp_path / "台账.xlsx")
    sheets, issues = read_ledgers([tmp_path / "台账.xlsx"])
    result = validate(sheets, "L", issues=issues)
    assert result.issues == []
    assert [n.source.row for n in result.nodes] == [2, 3, 4]
    assert sorted((e.src_id, e.dst_id) for e in result.edges) == [("O000", "O001"), ("O000", "O002")]


def test_a_horizontal_block_in_a_data_row_gives_each_of_its_cells_the_value(tmp_path):
    """A merge across columns is read the same way: here 党员数 and 正式党员数 of one org, both 30."""
    wb = Workbook()
    ws = wb.active
    ws.title = "党组织"
    ws.append(["编号", "名称", "组织类型", "党员数", "正式党员数"])
    ws.append(["O001", "太白社区党委", "社区党委", 30, None])
    ws.merge_cells("D2:E2")
    wb.save(tmp_path / "台账.xlsx")
    sheets, issues = read_ledgers([tmp_path / "台账.xlsx"])
    result = validate(sheets, "L", issues=issues)
    assert result.issues == []
    assert result.nodes[0].props == {"name": "太白社区党委", "kind": "社区党委", "members": 30, "full_members": 30}
