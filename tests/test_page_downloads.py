"""The pages' CSV downloads (problems on the import page, query results, ledger tables) are inert and keep blanks."""

from __future__ import annotations

import csv
import io

import pandas as pd

from orggraph.app.pages.common import csv_bytes


def test_a_downloaded_table_runs_nothing_and_keeps_blanks():
    frame = pd.DataFrame(
        {
            "名称 name": ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "太白社区", None],
            "数量 n": [1, None, -3, 4],
            "备注 note": ["@SUM(1+1)", "\tx", "-2+3", ""],
        }
    )
    data = csv_bytes(frame)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["名称 name", "数量 n", "备注 note"]
    cells = [c for row in rows[1:] for c in row]
    assert all(not c.startswith(("=", "+", "@", "\t")) for c in cells)
    assert rows[1][0] == '\'=HYPERLINK("http://x","y")' and rows[3][0] == "太白社区" and rows[4][0] == ""
    assert rows[2][1] == "" and rows[3][2] == "'-2+3"


def test_a_table_as_excel_is_titled_filtered_and_inert():
    from openpyxl import load_workbook

    from orggraph.present.table_workbook import frame_xlsx

    frame = pd.DataFrame({"名称": ["=1+1", "太白社区"], "数量": [3, None], "覆盖率": [0.5, 1.0]})
    book = load_workbook(io.BytesIO(frame_xlsx(frame, "测试表格", note="说明")))
    sheet = book.active
    assert (
        sheet.title == "测试表格" and sheet["A1"].value.startswith("测试表格 · 生成于 ") and sheet["A2"].value == "说明"
    )
    assert [c.value for c in sheet[3]] == ["名称", "数量", "覆盖率"]
    assert [c.value for c in sheet[4]] == ["=1+1", 3, 0.5] and sheet["A4"].data_type == "s"  # text, never a formula
    assert sheet["B5"].value is None and sheet["C4"].number_format == "0.0%"
    assert sheet.freeze_panes == "A4" and sheet.auto_filter.ref == "A3:C5"


def test_every_page_table_download_comes_as_excel_too(app_env, downloads):
    """The ledger, Cypher and what-if pages hand an Excel workbook beside each CSV (made on the click)."""
    from app_harness import open_page, rerun
    from openpyxl import load_workbook

    at = open_page("ledger")
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["下载 Excel", "下载 CSV"] * (len(labels) // 2) and labels
    excel = downloads[0]() if callable(downloads[0]) else downloads[0]
    sheet = load_workbook(io.BytesIO(excel)).active
    assert sheet.title == "已过期的共建协议" and [c.value for c in sheet[3]][:2] == ["编号", "协议名称"]
    at = open_page("cypher")
    at.button[0].click()
    rerun(at)
    assert [b.label for b in at.get("download_button")] == ["下载 Excel", "下载 CSV"]
