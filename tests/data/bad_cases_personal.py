"""Broken-ledger cases: personal numbers in cells — every phone and ID format a clerk types, in different sheets,
in xlsx and CSV. Each is refused at its cell with the number shown as ``***``.

(Formula-like values are not here: they are not errors, and the export tests in ``tests/test_inert_exports.py``
cover them.)
"""

from __future__ import annotations

from bad_corpus import Registry, Where

CASES = Registry("p")
case = CASES.case

REFUSED = ",不得登记个人敏感号码", "; personal numbers must not be recorded"
MOBILE = ("疑似手机号" + REFUSED[0], "looks like a mobile phone number" + REFUSED[1])
LANDLINE = ("疑似固定电话" + REFUSED[0], "looks like a landline phone number" + REFUSED[1])
ID_CARD = ("疑似身份证号" + REFUSED[0], "looks like an ID-card number" + REFUSED[1])


def _put(s, sheet: str, record: str, column: str, value: object, id_column: int = 1) -> Where:
    t = s[sheet]
    return Where(t.title, t.set(t.row_of(record, id_column), column, value), column, "***")


@case("mobile_plus86_space", "地址格里是“+86 13812345678” / a +86 mobile in an address", "单位", *MOBILE)
def _(s):
    return _put(s, "单位", "U05", "地址", "+86 13812345678")


@case(
    "mobile_86_dash_csv",
    "名称格里是“86-13812345678”(CSV)/ an 86- mobile in a name (CSV)",
    "党组织",
    *MOBILE,
    encoding="utf-8",
)
def _(s):
    return _put(s, "党组织", "O13", "名称", "贵和购物中心党支部 86-13812345678")


@case("mobile_dotted", "地址格里是“138.1234.5678” / a dotted mobile in an address", "小区", *MOBILE)
def _(s):
    return _put(s, "小区", "K03", "地址", "物业值班 138.1234.5678")


@case("name_with_plus86_mobile", "姓名格里是“李四 +8613812345678” / a name cell with a mobile", "人员", *MOBILE)
def _(s):
    return _put(s, "人员", "PS004", "姓名(默认隐去)", "李四 +8613812345678")


@case(
    "mobile_full_width_gb18030",
    "协议名称里有全角手机号(GB18030 CSV)/ a full-width mobile in an agreement name (GB18030 CSV)",
    "共建协议",
    *MOBILE,
    encoding="gb18030",
)
def _(s):
    return _put(s, "共建协议", "A02", "名称", "共建协议(联系人１３８１２３４５６７８)")


@case("mobile_typed_as_number", "地址格里是数字 13812345678 / a mobile typed as a number", "商务楼宇", *MOBILE)
def _(s):
    return _put(s, "商务楼宇", "CB01", "地址", 13812345678)


@case("id_number_with_spaces", "需求格里是“370802 19900101 1234” / a spaced ID number", "需求清单", *ID_CARD)
def _(s):
    return _put(s, "需求清单", "N01", "需求", "独居老人体检 370802 19900101 1234")


@case(
    "id_number_15_digits_bom",
    "资源格里是 15 位旧身份证号(UTF-8 带 BOM CSV)/ an old 15-digit ID number (UTF-8 with BOM CSV)",
    "资源清单",
    *ID_CARD,
    encoding="utf-8-sig",
)
def _(s):
    return _put(s, "资源清单", "R02", "资源", "电力抢修 370802900101123")


@case("id_number_dashes_x", "项目格里是“370802-1990-0101-123X” / a dashed ID number with X", "项目清单", *ID_CARD)
def _(s):
    return _put(s, "项目清单", "P01", "项目", "370802-1990-0101-123X")


@case(
    "landline_area_code_csv",
    "小区名称里是“0531-88889999”(CSV)/ a landline in a compound name (CSV)",
    "小区",
    *LANDLINE,
    encoding="utf-8",
)
def _(s):
    return _put(s, "小区", "K02", "名称", "太白花园 0531-88889999")


@case("landline_parens", "阵地名称里是“(0531)88889999” / a bracketed area code", "党群服务阵地", *LANDLINE)
def _(s):
    return _put(s, "党群服务阵地", "SS01", "名称", "太白社区党群服务中心(0531)88889999")


@case(
    "mobile_in_edge_sheet_id_cell",
    "任职表人员编号里是手机号(只报一次,不当作编号去查)/ a mobile in an edge sheet's id cell (reported once)",
    "任职",
    *MOBILE,
)
def _(s):
    t = s["任职"]
    return Where(t.title, t.set(t.row_of("PS004"), "人员编号", "138 1234 5678"), "人员编号", "***")
