"""Limits checked before parsing: file size, what a workbook unzips to (zip bombs, lying zip directories), rows per
sheet, and the length of a cell (the schema's ``text_limits``). Bombs and huge files are made here, small on disk."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from loaders.ledger_limits import LedgerLimits, OverLong
from loaders.ledger_reader import read_ledgers
from loaders.ledger_validation import validate
from orggraph.model.config import load_settings
from orggraph.model.schema import load_schema

MB = 1024 * 1024


def _workbook_bytes(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "党组织"
    for row in [["编号", "名称", "组织类型"], *rows]:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _with_entry(workbook: bytes, name: str, size: int) -> bytes:
    """The workbook with one more entry of ``size`` zero bytes (deflated to ~1/1000 of that), written in chunks."""
    buf = io.BytesIO(workbook)
    with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED) as zf, zf.open(name, "w", force_zip64=True) as fh:
        for _ in range(size // MB):
            fh.write(bytes(MB))
    return buf.getvalue()


def _one_error(path: Path, limits: LedgerLimits | None = None):
    sheets, issues = read_ledgers([path], limits=limits)
    assert sheets == [] and len(issues) == 1, [i.one_line() for i in issues]
    return issues[0]


def test_limits_come_from_settings_and_the_environment():
    settings = load_settings(
        environ={"ORGGRAPH_MAX_FILE_MB": "5", "ORGGRAPH_MAX_UNZIPPED_MB": "50", "ORGGRAPH_MAX_ROWS_PER_SHEET": "1000"},
        config_path=None,
    )
    limits = LedgerLimits.from_settings(settings)
    assert (limits.max_file_mb, limits.max_unzipped_mb, limits.max_rows_per_sheet) == (5, 50, 1000)
    assert LedgerLimits() == LedgerLimits.from_settings(load_settings(environ={}))
    with pytest.raises(ValueError):
        LedgerLimits(max_rows_per_sheet=0)


def test_a_file_over_the_size_cap_is_not_read(tmp_path):
    path = tmp_path / "党组织.csv"
    path.write_text("编号,名称,组织类型\n" + "O1,太白社区党委,社区党委\n" * 50_000, encoding="utf-8")
    issue = _one_error(path, LedgerLimits(max_file_mb=1))
    assert (issue.file, issue.sheet) == ("党组织.csv", "党组织")
    assert issue.en == "the file is 2 MB, over the 1 MB limit (setting max_file_mb); not read"


def test_a_workbook_declaring_more_than_the_unzipped_cap_is_not_opened(tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(_with_entry(_workbook_bytes([["O1", "太白社区党委", "社区党委"]]), "xl/media/big.bin", 12 * MB))
    issue = _one_error(path, LedgerLimits(max_unzipped_mb=10))
    assert (issue.file, issue.sheet, issue.row) == ("台账.xlsx", None, None)
    assert issue.en == "the workbook unzips to 12 MB, over the 10 MB limit (setting max_unzipped_mb); not opened"


def test_a_zip_bomb_entry_is_refused_by_its_ratio_under_the_default_limits(tmp_path):
    """32 MB of zeros deflate to ~32 KB: a ratio no real sheet has (a city workbook's sheets are 6–12:1)."""
    path = tmp_path / "台账.xlsx"
    path.write_bytes(
        _with_entry(_workbook_bytes([["O1", "太白社区党委", "社区党委"]]), "xl/worksheets/sheet9.xml", 32 * MB)
    )
    assert path.stat().st_size < 100_000
    issue = _one_error(path)
    assert issue.zh.startswith("工作簿中的“xl/worksheets/sheet9.xml”压缩比为 ")
    assert "(a zip bomb?); not opened" in issue.en


def _lie_about_sizes(data: bytes, name: bytes, size: int) -> bytes:
    """Patch the uncompressed size of entry ``name`` in its local header and its central directory entry."""
    out = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = out.find(signature)
        while at != -1:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if out[name_at : name_at + len(name)] == name:
                out[at + offset : at + offset + 4] = struct.pack("<I", size)
            at = out.find(signature, at + 4)
    return bytes(out)


def test_a_zip_directory_that_lies_about_sizes_is_caught_while_inflating(tmp_path):
    """The directory says 1 KB; inflating it chunk by chunk finds otherwise before calamine is let near it."""
    buf = io.BytesIO(_workbook_bytes([["O1", "太白社区党委", "社区党委"]]))
    with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/big.bin", bytes(20 * MB))
    path = tmp_path / "台账.xlsx"
    path.write_bytes(_lie_about_sizes(buf.getvalue(), b"xl/media/big.bin", 1024))
    with zipfile.ZipFile(path) as zf:
        assert sum(i.file_size for i in zf.infolist()) < MB
    issue = _one_error(path, LedgerLimits(max_unzipped_mb=5))
    assert issue.en == "the workbook is damaged or not a valid .xlsx file"


def test_rows_past_the_cap_are_not_read_csv_and_xlsx(tmp_path):
    rows = [[f"O{n}", f"第{n}党支部", "联合党支部"] for n in range(100)]
    (tmp_path / "党组织.csv").write_text(
        "编号,名称,组织类型\n" + "".join(",".join(r) + "\n" for r in rows), encoding="utf-8"
    )
    (tmp_path / "台账.xlsx").write_bytes(_workbook_bytes(rows))
    limits = LedgerLimits(max_rows_per_sheet=100)  # 101 rows with the header
    for name in ("党组织.csv", "台账.xlsx"):
        issue = _one_error(tmp_path / name, limits)
        assert (issue.file, issue.sheet) == (name, "党组织")
        assert issue.en == "more than 100 rows, the limit per sheet (setting max_rows_per_sheet); not read"
    sheets, issues = read_ledgers(
        [tmp_path / "党组织.csv", tmp_path / "台账.xlsx"], limits=LedgerLimits(max_rows_per_sheet=101)
    )
    assert issues == [] and [len(s.rows) for s in sheets] == [100, 100]


def test_the_schema_gives_names_200_characters_and_other_text_2000():
    org = load_schema().node("PartyOrg")
    assert org.property("name").max_length == 200
    assert org.property("kind").max_length == 2000
    assert load_schema().node("Compound").property("address").max_length == 2000


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_cell_longer_than_its_column_allows_is_an_error_showing_only_its_start(tmp_path, fmt):
    rows = [
        ["K1", "金" * 200, "商品房小区", "太白路" * 666 + "1号", "C1"],  # 200 and 2,000 characters: fine
        ["K2", "金" * 201, "商品房小区", "古槐路", "C1"],
        ["K3", "银城小区", "商品房小区", "古槐路" * 667, "C1"],  # 2,001 characters
    ]
    header = ["编号", "名称", "类型", "地址", "所属网格或社区编号"]
    if fmt == "csv":
        path = tmp_path / "小区.csv"
        path.write_text("".join(",".join(r) + "\n" for r in [header, *rows]), encoding="utf-8")
    else:
        wb = Workbook()
        wb.active.title = "小区"
        for row in [header, *rows]:
            wb.active.append(row)
        path = tmp_path / "台账.xlsx"
        wb.save(path)
    sheets, issues = read_ledgers([path])
    result = validate(sheets, "L", lookup=lambda ids: {i: {"label": "Community"} for i in ids}, issues=issues)
    found = [(i.file, i.sheet, i.row, i.column, str(i.value), i.zh, i.en) for i in result.errors]
    assert found == [
        (
            path.name,
            "小区",
            3,
            "名称",
            "金" * 20 + "…",
            "内容过长:201 个字符,此列最多 200 个",
            "too long: 201 characters, this column takes at most 200",
        ),
        (
            path.name,
            "小区",
            4,
            "地址",
            "古槐路" * 6 + "古槐…",
            "内容过长:2,001 个字符,此列最多 2,000 个",
            "too long: 2,001 characters, this column takes at most 2,000",
        ),
    ]
    assert [n.id for n in result.nodes] == ["K1"], "a row with a cell too long does not reach the graph"
    assert len(result.nodes[0].props["address"]) == 2000


def test_a_long_cell_that_may_hold_a_phone_number_is_not_echoed():
    assert str(OverLong("联系 13812345678 " + "x" * 300, 200)) == "联系 *********** xxxxx…"


def test_a_csv_cell_past_the_csv_field_limit_refuses_the_file_at_its_line(tmp_path):
    path = tmp_path / "小区.csv"
    path.write_text("编号,名称,类型\nK1,金城小区,商品房小区\nK2," + "x" * 140_000 + ",商品房小区\n", encoding="utf-8")
    issue = _one_error(path)
    assert (issue.file, issue.sheet, issue.row) == ("小区.csv", "小区", 3)
    assert issue.en == "line 3 holds a cell longer than 131,072 characters; the file was not read"
