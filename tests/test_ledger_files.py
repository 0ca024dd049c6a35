"""Nothing dropped in silence at the file level: every file we cannot read, or that holds nothing, is one bilingual
error line naming it — never a raw Python or OS message, never "no ledger files"."""

from __future__ import annotations

import codecs
import io
import os
import random
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from loaders.ledger_reader import ledger_files, read_ledgers
from loaders.ledger_validation import validate

ORGS = "编号,名称,组织类型,党员数\nO1,太白社区党委,社区党委,12\n"
RAW_MESSAGES = ("Errno", "Traceback", "zip file", "codec", "Error", "line contains", "NUL")


def _only_issue(paths: list[Path]):
    sheets, issues = read_ledgers(paths)
    assert len(issues) == 1, [i.one_line() for i in issues]
    issue = issues[0]
    assert issue.severity == "error"
    assert not any(raw in issue.zh + issue.en for raw in RAW_MESSAGES), issue.one_line()
    return sheets, issue


def _folder(tmp_path: Path, files: dict[str, bytes]) -> Path:
    folder = tmp_path / "ledgers"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


@pytest.mark.parametrize(
    ("name", "expected"),
    [("台账.xls", "Excel 97-2003 .xls"), ("台账.et", "WPS Spreadsheets .et"), ("台账.ods", "OpenDocument .ods")],
)
def test_a_format_we_do_not_read_is_named_with_save_as_xlsx(tmp_path, name, expected):
    folder = _folder(tmp_path, {name: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500)})
    assert [p.name for p in ledger_files(folder)] == [name], "a folder with only an .xls must not look empty"
    _, issue = _only_issue(ledger_files(folder))
    assert (issue.file, issue.sheet, issue.row) == (name, None, None)
    assert "请另存为 .xlsx 后再导入" in issue.zh and issue.en == f"save it as .xlsx ({expected} is not read)"


def test_lock_files_hidden_files_and_folders_are_not_ledgers(tmp_path):
    folder = _folder(tmp_path, {"~$台账.xlsx": b"x", ".台账.csv": b"x", "说明.txt": b"x", "党组织.csv": ORGS.encode()})
    (folder / "旧台账.csv").mkdir()
    assert [p.name for p in ledger_files(folder)] == ["党组织.csv"]


@pytest.mark.parametrize("name", ["项目清单.csv", "台账.xlsx"])
def test_a_zero_byte_file_is_an_error(tmp_path, name):
    folder = _folder(tmp_path, {name: b"", "党组织.csv": ORGS.encode()})
    sheets, issue = _only_issue(ledger_files(folder))
    assert [s.file for s in sheets] == ["党组织.csv"]
    assert (issue.file, issue.zh, issue.en) == (name, "文件为空(0 字节)", "the file is empty (0 bytes)")
    assert issue.sheet == ("项目清单" if name.endswith(".csv") else None)


def test_a_csv_of_blank_lines_and_an_empty_workbook_hold_nothing(tmp_path):
    Workbook().save(tmp_path / "空.xlsx")
    (tmp_path / "党组织.csv").write_bytes(b",,,\n \n\n")
    sheets, issues = read_ledgers([tmp_path / "空.xlsx", tmp_path / "党组织.csv"])
    assert sheets == []
    assert [(i.file, i.sheet, i.en) for i in issues] == [
        ("空.xlsx", None, "the workbook holds nothing (no visible sheet has a cell with a value)"),
        ("党组织.csv", "党组织", "the file holds nothing (no cell has a value)"),
    ]


def test_header_only_csv_files_with_no_data_anywhere_are_each_an_error(tmp_path):
    header = codecs.BOM_UTF8 + ORGS.splitlines()[0].encode()
    folder = _folder(tmp_path, {"党组织.csv": header, "项目清单.csv": b"id,name\n"})
    _, issues = read_ledgers(ledger_files(folder))
    assert [(i.file, i.sheet, i.zh, i.en) for i in issues] == [
        ("党组织.csv", "党组织", "只有表头,没有数据行", "header only, no data rows"),
        ("项目清单.csv", "项目清单", "只有表头,没有数据行", "header only, no data rows"),
    ]


def test_a_header_only_csv_beside_csv_files_with_data_is_an_empty_record_kind(tmp_path):
    """As an export of a graph without projects has it: nothing could be lost, so nothing is said."""
    folder = _folder(tmp_path, {"党组织.csv": ORGS.encode(), "项目清单.csv": b"id,name\n"})
    sheets, issues = read_ledgers(ledger_files(folder))
    assert issues == []
    assert {s.sheet: len(s.rows) for s in sheets} == {"党组织": 1, "项目清单": 0}


def test_a_workbook_is_judged_as_a_whole_a_partly_filled_template_is_normal(tmp_path):
    filled, blank = Workbook(), Workbook()
    for wb, rows in ((filled, [["O1", "太白社区党委", "社区党委"]]), (blank, [])):
        orgs, projects = wb.active, wb.create_sheet("项目清单")
        orgs.title = "党组织"
        for row in [["编号", "名称", "组织类型"], *rows]:
            orgs.append(row)
        projects.append(["编号", "项目"])
        wb.create_sheet("Sheet3")
    filled.save(tmp_path / "台账.xlsx")
    blank.save(tmp_path / "空白模板.xlsx")
    sheets, issues = read_ledgers([tmp_path / "台账.xlsx", tmp_path / "空白模板.xlsx"])
    assert [(i.file, i.sheet, i.en) for i in issues] == [
        ("空白模板.xlsx", "党组织", "header only, no data rows"),
        ("空白模板.xlsx", "项目清单", "header only, no data rows"),
    ]
    assert validate([s for s in sheets if s.file == "台账.xlsx"], "L").issues == []


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "en"),
    [
        ("台账.xlsx", bytes(range(256)) * 40, "not a valid .xlsx workbook (the content is not Excel)"),
        ("台账.xlsx", ORGS.encode(), "not a valid .xlsx workbook (the content is not Excel)"),
        ("台账.xlsx", _zip({"readme.txt": b"hello"}), "the workbook is damaged or not a valid .xlsx file"),
        ("台账.xlsx", b"PK\x03\x04" + bytes(2000), "the workbook is damaged or not a valid .xlsx file"),
        (
            "台账.xlsx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000),
            "the file is in the old .xls format or password-protected; save it as an unprotected .xlsx",
        ),
        ("党组织.csv", random.Random(9).randbytes(4000), "not a text file (binary data): cannot be read as CSV"),
        ("党组织.csv", _zip({"xl/workbook.xml": b"<workbook/>"}), "the file is an Excel workbook: rename it to .xlsx"),
        ("党组织.csv", ORGS.encode("utf-32"), "UTF-32 CSV is not read; save it as 'CSV UTF-8'"),
    ],
    ids=["garbage", "csv-named-xlsx", "zip-not-workbook", "truncated-zip", "ole2", "binary", "xlsx-named-csv", "utf32"],
)
def test_a_file_that_is_not_what_its_name_says_is_one_line_naming_it(tmp_path, name, data, en):
    (tmp_path / name).write_bytes(data)
    _, issue = _only_issue([tmp_path / name])
    assert (issue.file, issue.en) == (name, en)


def test_a_csv_in_neither_utf8_nor_gb18030_names_the_line(tmp_path):
    rows = "".join(f"O{n},太白社区第{n}党支部,社区党支部,3\n" for n in range(2, 22))
    (tmp_path / "党组织.csv").write_bytes((ORGS + rows).encode("utf-8") + b"O99,\xff\xfe\xfd,x,3\n")
    _, issue = _only_issue([tmp_path / "党组织.csv"])
    assert (issue.sheet, issue.row) == ("党组织", 23)
    assert issue.en.startswith("line 23 cannot be decoded as UTF-8: a CSV must be UTF-8 or GB18030")


def test_an_ascii_header_with_gb18030_rows_falls_back_to_gb18030(tmp_path):
    (tmp_path / "party_orgs.csv").write_bytes("id,name,kind\nO1,太白社区党委,社区党委\n".encode("gb18030"))
    sheets, issues = read_ledgers([tmp_path / "party_orgs.csv"])
    assert issues == [] and sheets[0].rows == ((2, ("O1", "太白社区党委", "社区党委")),)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("delimiter", [",", "\t"])
def test_utf16_csv_with_or_without_bom_comma_or_tab_separated_is_read(tmp_path, encoding, delimiter):
    """Excel's "Unicode text" is UTF-16 with a BOM and tabs; 一 (U+4E00) puts a NUL byte on the other side."""
    text = ORGS.replace(",", delimiter) + delimiter.join(["O2", "一心社区党委", "社区党委", "7"]) + "\n"
    (tmp_path / "党组织.csv").write_bytes(text.encode(encoding))
    sheets, issues = read_ledgers([tmp_path / "党组织.csv"])
    assert issues == []
    assert [r for _, r in sheets[0].rows] == [
        ("O1", "太白社区党委", "社区党委", "12"),
        ("O2", "一心社区党委", "社区党委", "7"),
    ]


def test_a_folder_named_like_a_ledger_is_one_line(tmp_path):
    (tmp_path / "党组织.csv").mkdir()
    _, issue = _only_issue([tmp_path / "党组织.csv"])
    assert (issue.file, issue.en) == ("党组织.csv", "the file cannot be opened")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode")
def test_a_file_we_may_not_read_is_one_line(tmp_path):
    path = tmp_path / "党组织.csv"
    path.write_text(ORGS, encoding="utf-8")
    path.chmod(0)
    try:
        _, issue = _only_issue([path])
    finally:
        path.chmod(0o600)
    assert issue.en == "permission denied: the file cannot be read"


def test_a_file_not_a_ledger_given_by_name_is_refused(tmp_path):
    (tmp_path / "台账.pdf").write_bytes(b"%PDF-1.4")
    _, issue = _only_issue([tmp_path / "台账.pdf"])
    assert issue.en == "not a ledger file (.xlsx or .csv expected)"
