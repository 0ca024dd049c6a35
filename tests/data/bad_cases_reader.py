"""Broken-ledger cases of the reader: what a clerk's file can be before any cell is typed — a typo in a header, an
empty or header-only file, a format we do not read, binary data under a ledger's name, an encoding we cannot
decode, a cell longer than its column allows. Each is one bilingual error naming the file (and sheet, row, column);
none is a raw Python or OS message, none is dropped in silence.

Not here, because they are not errors: merged data cells (read as their top-left value, see
``tests/test_ledger_merged_cells.py``); and because they would be big on disk: zip bombs, files over the size or row
caps (made inside ``tests/test_ledger_limits.py``).
"""

from __future__ import annotations

import io
import random
import zipfile

from bad_corpus import Raw, Registry, Where

CASES = Registry("r")
case = CASES.case
_FIXED_ZIP_TIME = (2025, 1, 1, 0, 0, 0)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _rename(t, old: str, new: str) -> Where:
    t.set(t.header_row, old, new)
    return Where(t.title, t.header_row, new, new)


@case(
    "typo_optional_header",
    "可选列表头笔误“上级党组织编码” / a typo in an optional header",
    "党组织",
    "未知列“上级党组织编码”,是否应为“上级党组织编号”?",
    "unknown column '上级党组织编码'; did you mean '上级党组织编号'?",
)
def _(s):
    return _rename(s["党组织"], "上级党组织编号", "上级党组织编码")


@case(
    "typo_required_header_csv",
    "必填列表头笔误“任职组织编码”,只报一次(CSV)/ a typo in a required header, reported once (CSV)",
    "任职",
    "未知列“任职组织编码”,是否应为“任职组织编号”?",
    "unknown column '任职组织编码'; did you mean '任职组织编号'?",
    encoding="utf-8",
)
def _(s):
    return _rename(s["任职"], "任职组织编号", "任职组织编码")


@case(
    "typo_header_gb18030",
    "表头写成“党员人数”(GB18030 CSV)/ a header written 党员人数 (GB18030 CSV)",
    "党组织",
    "未知列“党员人数”,是否应为“党员数”?",
    "unknown column '党员人数'; did you mean '党员数'?",
    encoding="gb18030",
)
def _(s):
    return _rename(s["党组织"], "党员数", "党员人数")


@case(
    "unknown_header_no_match",
    "多出一列“走访记录”,模板中无相近列 / an extra column like no column of the template",
    "单位",
    "未知列“走访记录”(模板中没有此列)",
    "unknown column '走访记录' (not in the template)",
)
def _(s):
    t = s["单位"]
    t.add_col("走访记录", {t.row_of("U01"): "2025-03-02 已走访"})
    return Where(t.title, t.header_row, "走访记录", "走访记录")


@case(
    "empty_csv",
    "0 字节的 项目清单.csv / a 0-byte 项目清单.csv",
    "",
    "文件为空(0 字节)",
    "the file is empty (0 bytes)",
)
def _():
    return Raw({"项目清单.csv": b""}, Where("项目清单", None, None), "项目清单.csv")


@case(
    "header_only_csv_bom",
    "只有表头的 项目清单.csv(UTF-8 带 BOM)/ a CSV with its header and no row (UTF-8 with BOM)",
    "项目清单",
    "只有表头,没有数据行",
    "header only, no data rows",
    encoding="utf-8-sig",
)
def _(s):
    t = s["项目清单"]
    del t.rows[t.header_row :]
    return Where(t.title, None, None)


@case(
    "header_only_xlsx_sheet",
    "工作簿唯一的表只有表头 / a workbook whose one sheet has its header and no row",
    "党组织",
    "只有表头,没有数据行",
    "header only, no data rows",
)
def _(s):
    t = s["党组织"]
    t.ws.delete_rows(t.header_row + 1, t.ws.max_row)
    return Where(t.title, None, None)


def _old_format(name: str) -> Raw:
    data = _OLE2 + random.Random(name).randbytes(4000)  # what an .xls or .et starts with, then anything
    return Raw({name: data}, Where(None, None, None), name)


@case(
    "xls_file",
    "Excel 97-2003 的 .xls 文件 / an Excel 97-2003 .xls file",
    "",
    "不读取 Excel 97-2003 .xls 文件,请另存为 .xlsx 后再导入",
    "save it as .xlsx (Excel 97-2003 .xls is not read)",
)
def _():
    return _old_format("台账.xls")


@case(
    "wps_et_file",
    "WPS 表格的 .et 文件 / a WPS Spreadsheets .et file",
    "",
    "不读取 WPS 表格 .et 文件,请另存为 .xlsx 后再导入",
    "save it as .xlsx (WPS Spreadsheets .et is not read)",
)
def _():
    return _old_format("台账.et")


@case(
    "old_xls_or_encrypted_named_xlsx",
    "改名为 .xlsx 的旧版 .xls 或加密工作簿 / an .xls or a password-protected workbook named .xlsx",
    "",
    "文件实为旧版 .xls 格式或已设密码,请另存为不加密的 .xlsx",
    "the file is in the old .xls format or password-protected; save it as an unprotected .xlsx",
)
def _():
    return Raw({"台账.xlsx": _OLE2 + random.Random(1).randbytes(4000)}, Where(None, None, None), "台账.xlsx")


@case(
    "binary_garbage_xlsx",
    "二进制乱码,文件名为 .xlsx / binary garbage named .xlsx",
    "",
    "不是有效的 .xlsx 工作簿(文件内容不是 Excel 格式)",
    "not a valid .xlsx workbook (the content is not Excel)",
)
def _():
    return Raw({"台账.xlsx": random.Random(2).randbytes(6000)}, Where(None, None, None), "台账.xlsx")


@case(
    "truncated_xlsx",
    "只传了一半的工作簿 / a workbook cut off half-way",
    "",
    "工作簿已损坏或不是有效的 .xlsx 文件,无法读取",
    "the workbook is damaged or not a valid .xlsx file",
)
def _():
    return Raw({"台账.xlsx": _small_zip()[:300]}, Where(None, None, None), "台账.xlsx")


@case(
    "binary_garbage_csv",
    "二进制乱码,文件名为 党组织.csv / binary garbage named 党组织.csv",
    "",
    "不是文本文件(含二进制数据),无法作为 CSV 读取",
    "not a text file (binary data): cannot be read as CSV",
)
def _():
    return Raw({"党组织.csv": random.Random(3).randbytes(6000)}, Where("党组织", None, None), "党组织.csv")


def _small_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in ("[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"):
            zf.writestr(zipfile.ZipInfo(name, _FIXED_ZIP_TIME), f"<{name}/>" * 40)
    return buf.getvalue()


@case(
    "workbook_named_csv",
    "扩展名写成 .csv 的工作簿 / a workbook named .csv",
    "",
    "文件实为 Excel 工作簿,请将扩展名改为 .xlsx",
    "the file is an Excel workbook: rename it to .xlsx",
)
def _():
    return Raw({"党组织.csv": _small_zip()}, Where("党组织", None, None), "党组织.csv")


@case(
    "undecodable_csv",
    "UTF-8 的 CSV 中夹着无法解码的字节 / a UTF-8 CSV with bytes no encoding we read can decode",
    "",
    "第 18 行无法按 UTF-8 解码:CSV 应为 UTF-8 或 GB18030 编码",
    "line 18 cannot be decoded as UTF-8: a CSV must be UTF-8 or GB18030",
)
def _():
    rows = "".join(f"O{n:02d},太白社区第{n}网格党支部,网格党支部\n" for n in range(1, 17))
    data = ("编号,名称,组织类型\n" + rows).encode("utf-8") + b"O17,\xff\xfe\xfd\xfc,\xc0\xc1\n"
    return Raw({"党组织.csv": data}, Where("党组织", 18, None), "党组织.csv")


@case(
    "name_201_characters",
    "名称 201 个字符(上限 200)/ a name of 201 characters (the limit is 200)",
    "党组织",
    "内容过长:201 个字符,此列最多 200 个",
    "too long: 201 characters, this column takes at most 200",
)
def _(s):
    t = s["党组织"]
    name = "太白社区党委" + "党建" * 97 + "组"
    assert len(name) == 201
    return Where(t.title, t.set(t.row_of("O05"), "名称", name), "名称", name[:20] + "…")


@case(
    "free_text_2001_characters_csv",
    "地址 2001 个字符(上限 2000,CSV)/ an address of 2,001 characters (the limit is 2,000; CSV)",
    "小区",
    "内容过长:2,001 个字符,此列最多 2,000 个",
    "too long: 2,001 characters, this column takes at most 2,000",
    encoding="utf-8",
)
def _(s):
    t = s["小区"]
    address = "太白路" * 667
    return Where(t.title, t.set(t.row_of("K02"), "地址", address), "地址", address[:20] + "…")


@case(
    "hidden_ledger_sheet",
    "名为台账的工作表被隐藏 / a sheet named like a ledger is hidden",
    "党组织 社区",
    "工作表“社区”已隐藏,未读取:取消隐藏后再导入,或删除它",
    "sheet '社区' is hidden and was not read: unhide it to load it, or delete it",
)
def _(s):
    s["社区"].ws.sheet_state = "hidden"
    return Where("社区", None, None)


@case(
    "remarks_column_not_in_the_template",
    "多出一列“备注”(模板中没有)/ an extra 备注 column the template does not have",
    "单位",
    "未知列“备注”",
    "unknown column '备注'",
)
def _(s):
    t = s["单位"]
    t.add_col("备注", {t.row_of("U02"): "已联系"})
    return Where(t.title, 1, "备注", "备注")
