"""Broken-ledger cases: rows that repeat a tie of an earlier row (the same ends, type and key, e.g. the same person's
same post at the same org). The graph holds such a tie once, so the repeat would silently replace the first row's
values: it is an error on the later row, naming the earlier one.

(Overlapping terms of a single post — two 书记 of one org at once — are a warning, not a refusal, so they are tested
in ``tests/test_duplicate_ties.py``, not here.)
"""

from __future__ import annotations

import datetime as dt

from bad_corpus import Registry, Where

CASES = Registry("v")
case = CASES.case


def _repeat(t, values: dict, tie: str) -> Where:
    """Append ``values`` (repeating an earlier row's tie) as a new row of sheet ``t``."""
    return Where(t.title, t.append(values), None, tie)


@case(
    "duplicate_post_row",
    "同一人同一组织同一职务登记两次(日期不同)/ the same person's same post at the same org twice, other dates",
    "任职",
    "与第6行重复(同一条“任职”只能登记一次)",
    "duplicates row 6 (the same 'holds post' tie can be listed only once)",
)
def _(s):
    t = s["任职"]
    first = t.row_of("PS004")
    assert first == 6 and t.get(first, "任职组织编号") == "O03" and t.get(first, "职务") == "书记"
    values = {"人员编号": "PS004", "任职组织编号": "O03", "职务": "书记", "任职日期": dt.date(2018, 6, 1)}
    return _repeat(t, values, "PS004 → O03 · 书记")


@case(
    "duplicate_dual_reporting_row_csv",
    "同一党组织向同一社区双报到两次(CSV)/ the same dual reporting twice (CSV)",
    "双报到",
    "与第2行重复(同一条“双报到”只能登记一次)",
    "duplicates row 2 (the same 'reports to (dual reporting)' tie can be listed only once)",
    encoding="utf-8",
)
def _(s):
    t = s["双报到"]
    first = t.row_of("O10")
    assert first == 2 and t.get(first, "社区编号") == "C02"
    values = {"报到方编号": "O10", "社区编号": "C02", "报到日期": "2021-03-01", "报到党员数": "46"}
    return _repeat(t, values, "O10 → C02")


@case(
    "duplicate_signatory_row_gb18030",
    "同一协议同一签约方登记两次(GB18030 CSV)/ the same signatory of an agreement twice (GB18030 CSV)",
    "协议签约方",
    "与第4行重复(同一条“签约方”只能登记一次)",
    "duplicates row 4 (the same 'signed by' tie can be listed only once)",
    encoding="gb18030",
)
def _(s):
    t = s["协议签约方"]
    first = next(
        r for r in range(2, len(t.rows) + 1) if t.get(r, "协议编号") == "A02" and t.get(r, "党组织编号") == "O03"
    )
    assert first == 4
    values = {"协议编号": "A02", "党组织编号": "O03", "签约角色": "驻区单位方"}
    return _repeat(t, values, "A02 → O03")


@case(
    "duplicate_signatory_row_two_sheets",
    "另一工作表“协议签约方(补录)”重复登记签约方 / a signatory repeated in a second sheet of the same kind",
    "协议签约方",
    "与{file}·协议签约方·第2行重复",
    "duplicates {file} · 协议签约方 · row 2",
)
def _(s):
    t = s["协议签约方"]
    assert (t.get(2, "协议编号"), t.get(2, "党组织编号")) == ("A01", "O04")
    ws = t.ws.parent.create_sheet("协议签约方(补录)")
    ws.append(["协议编号", "党组织编号", "签约角色"])
    ws.append(["A01", "O04", "社区方"])
    return Where("协议签约方(补录)", 2, None, "A01 → O04")
