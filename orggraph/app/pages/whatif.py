"""假设分析 What-if: build a proposal — a new branch covering places, a co-building agreement between two
orgs, a joint branch of small units — and see each coverage rule before and after (covered / total / rate,
gaps closed and opened). Nothing is written: ``orggraph.analysis.whatif.what_if`` runs the real rule queries inside
a transaction that is always rolled back.

UI only. The proposal is a list of plain items in ``st.session_state["whatif_items"]``, turned into an
``orggraph.analysis.whatif.Proposal`` when the comparison runs. A comparison can be saved as a named plan, and the
saved plans run again and downloaded (``whatif_saved``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from orggraph.access.audit import whatif_detail
from orggraph.analysis.whatif import Proposal, WhatIf, what_if
from orggraph.app.pages import common, session, whatif_saved
from orggraph.app.pages.common import (
    area_picker,
    coverage_index,
    report,
    show_error,
    store,
    t,
    today,
    version_key,
)
from orggraph.app.pages.coverage_charts import WRAPPED_ROW
from orggraph.app.pages.steps import Steps
from orggraph.app.pages.whatif_forms import KINDS, agreement_form, branch_form, joint_form, proposed_name
from orggraph.model.coverage_rules import load_rules
from orggraph.model.errors import OrgGraphError, ValidationError
from orggraph.present.output import rate_text

# The rules a proposal item can change (the default comparison when no rule is chosen).
ITEM_RULES = {
    "branch": ("compound_org", "grid_branch", "commercial_building_org", "org_superior", "org_secretary"),
    "agreement": ("community_agreement", "agreement_lapsed"),
    "joint": ("unit_org", "unit_work", "org_superior", "org_secretary"),
}


def build_proposal(items: list[dict[str, Any]]) -> tuple[Proposal, list[int]]:
    """The proposal, and for each tie (in order) the number of the item it came from."""
    proposal, tie_item = Proposal(), list[int]()
    for n, item in enumerate(items, start=1):
        if item["type"] == "branch":
            proposal.add_branch(
                item["id"], item["name"], item["kind"], item["covers"], item["superior"], item["members"]
            )
        elif item["type"] == "agreement":
            proposal.add_agreement(item["id"], item["name"], item["parties"], item["signed"], item["expires"])
        else:
            proposal.add_joint_branch(item["id"], item["name"], item["units"], item["superior"])
        tie_item += [n] * (len(proposal.ties) - len(tie_item))
    return proposal, tie_item


def _describe(item: dict[str, Any]) -> str:
    superior = f" ← {proposed_name(item['superior'])}" if item.get("superior") else ""
    if item["type"] == "branch":
        return f"{item['kind']} · {t('覆盖', 'covers')} {'、'.join(map(proposed_name, item['covers']))}{superior}"
    if item["type"] == "agreement":
        return f"{' ⇄ '.join(map(proposed_name, item['parties']))} · {item['signed']} ~ {item['expires']}"
    return f"{t('纳入', 'takes in')} {'、'.join(map(proposed_name, item['units']))}{superior}"


def _proposal_list() -> None:
    items = st.session_state["whatif_items"]
    st.subheader(t(f"当前方案({len(items)} 项)", f"The proposal ({len(items)} items)"))
    if not items:
        st.info(
            t(
                "方案为空:在上方加入新建党组织、共建协议或联合党支部",
                "Empty: add a branch, an agreement or a joint branch above",
            )
        )
        return
    rows = [
        {
            t("序号", "No."): n,
            t("类型", "Type"): t(*KINDS[i["type"]]),
            t("编号", "Id"): i["id"],
            t("名称", "Name"): i["name"],
            t("内容", "Details"): _describe(i),
        }
        for n, i in enumerate(items, start=1)
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    c1, c2, _ = st.columns([1, 1, 4])
    if c1.button(t("移除最后一项", "Remove the last"), key="whatif_pop"):
        items.pop()
        st.session_state["whatif_result"] = None
        st.rerun()
    if c2.button(t("清空方案", "Clear the proposal"), key="whatif_clear"):
        items.clear()
        st.session_state["whatif_result"] = None
        st.rerun()


def _rules(items: list[dict[str, Any]]) -> list[str]:
    chosen = st.session_state.get("whatif_rules") or []
    if chosen:
        return list(chosen)
    wanted = {r for i in items for r in ITEM_RULES[i["type"]]}
    return [r.id for r in load_rules().rules if r.id in wanted]


def _compare(area: str | None) -> None:
    items = st.session_state["whatif_items"]
    book = load_rules()
    c1, c2 = st.columns([1, 3])
    as_of = c1.date_input(t("截至日期", "As of"), today(), key="whatif_as_of")
    c2.multiselect(
        t("比较的规则", "Rules compared"),
        [r.id for r in book.rules],
        key="whatif_rules",
        placeholder=t("不选:与方案相关的规则", "None chosen: the rules the proposal touches"),
        format_func=lambda r: t(book.rule(r).zh, book.rule(r).en),
    )
    if st.button(
        t("计算实施前后的覆盖率", "Compare coverage before and after"),
        key="whatif_run",
        type="primary",
        disabled=not items,
    ):
        proposal, tie_item = build_proposal(items)
        try:
            session.require("whatif")
            rows, result = _run_comparison(proposal, items, area, as_of)
            session.record("whatif", **whatif_detail([dict(c) for c in result.changes()], area))
            st.session_state["whatif_result"] = {"rows": rows, "problems": None, "whatif": result,
                                                 "proposal": proposal, "items": list(items), "area": area}  # fmt: skip
        except ValidationError as exc:
            st.session_state["whatif_result"] = {"rows": None, "problems": problem_rows(exc, items, tie_item)}
        except OrgGraphError as exc:
            show_error(exc)
    _show_result()


def _run_comparison(
    proposal: Proposal, items: list[dict[str, Any]], area: str | None, as_of: dt.date
) -> tuple[list[dict[str, Any]], WhatIf]:
    """The comparison's rows and result, its steps on a progress bar (removed when done, failed or not)."""
    steps = Steps(3, t("正在计算实施前的覆盖率……", "Computing coverage before…"))
    try:
        rules = _rules(items)
        before = report(tuple(rules or ()), area, as_of)  # cached: only "after" runs the rule queries
        steps.step(t("正在计算实施后的覆盖率(在回滚的事务中,不写入图谱)……", "Computing coverage after (rolled back)…"))
        result = what_if(store(), proposal, rules, area, as_of, coverage_index(version_key()), before)
        steps.step(t("正在比较实施前后……", "Comparing before and after…"))
        return change_rows(result), result
    finally:
        steps.close()


def change_rows(result: WhatIf) -> list[dict[str, Any]]:
    """Per rule: covered / total / rate before and after, and the gaps closed and opened (with names)."""
    names = {g.id: g.name for g in [*result.before.gaps(), *result.after.gaps()]}
    rows = []
    for c in result.changes():
        (cb, tb, rb), (ca, ta, ra) = c["before"], c["after"]
        rows.append(
            {
                "rule": c["rule"].id,
                "name": t(c["rule"].zh, c["rule"].en),
                "before": f"{cb}/{tb}",
                "before_rate": rate_text(rb),
                "after": f"{ca}/{ta}",
                "after_rate": rate_text(ra),
                "delta": f"{ca - cb:+d}",
                "change": f"{(ra - rb) * 100:+.1f}" if ra is not None and rb is not None else "",
                "closed": "、".join(f"{names.get(i, i)}({i})" for i in c["closed"]),
                "opened": "、".join(f"{names.get(i, i)}({i})" for i in c["opened"]),
            }
        )
    return rows


def problem_rows(exc: ValidationError, items: list[dict[str, Any]], tie_item: list[int]) -> list[dict[str, Any]]:
    """The proposal's problems, each named by the item (number and name) it came from."""
    rows = []
    for issue in exc.issues:
        n = tie_item[issue.row - 1] if issue.row and issue.row <= len(tie_item) else None
        rows.append(
            {
                t("方案项", "Item"): f"{n}. {items[n - 1]['name']}" if n else "",
                t("关系", "Tie"): issue.column or "",
                t("值", "Value"): "" if issue.value is None else str(issue.value),
                "问题": issue.zh,
                "problem": issue.en,
            }
        )
    return rows


def _show_result() -> None:
    result = st.session_state.get("whatif_result")
    if not result:
        return
    if result["problems"]:
        st.error(t("方案有误,未计算:", "The proposal has problems; nothing was compared:"))
        st.dataframe(pd.DataFrame(result["problems"]), hide_index=True, width="stretch")
        return
    st.subheader(t("实施前后的覆盖情况(未写入图谱)", "Coverage before and after (nothing written)"))
    columns = [
        ("name", "规则", "Rule"),
        ("before", "实施前 覆盖/总数", "Before covered/total"),
        ("before_rate", "实施前覆盖率", "Rate before"),
        ("after", "实施后 覆盖/总数", "After covered/total"),
        ("after_rate", "实施后覆盖率", "Rate after"),
        ("delta", "覆盖数变化", "Covered change"),
        ("change", "覆盖率变化(百分点)", "Rate change (points)"),
        ("closed", "消除的缺口", "Gaps closed"),
        ("opened", "新增的缺口", "Gaps opened"),
    ]
    frame = pd.DataFrame([{t(zh, en): r[k] for k, zh, en in columns} for r in result["rows"]])
    shown = pd.DataFrame([_compact(r) for r in result["rows"]])
    widths = dict(zip(shown.columns, (120, 110, 110, 130, 145, 165), strict=True))  # ~790 px beside the sidebar
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        row_height=WRAPPED_ROW,
        column_config={name: st.column_config.TextColumn(width=w) for name, w in widths.items()},
    )
    title = t("假设分析 实施前后的覆盖情况", "What-if coverage before and after")
    common.table_downloads(frame, title, "whatif_result")  # every figure in its own column


def _compact(row: dict[str, Any]) -> dict[str, str]:
    """A rule's comparison in six columns that fit the screen: before, after and the change each in one cell."""
    points = f" · {row['change']} {t('个百分点', 'points')}" if row["change"] else ""
    return {
        t("规则", "Rule"): row["name"],
        t("实施前", "Before"): f"{row['before']} · {row['before_rate']}",
        t("实施后", "After"): f"{row['after']} · {row['after_rate']}",
        t("变化", "Change"): f"{row['delta']}{points}",
        t("消除的缺口", "Gaps closed"): row["closed"],
        t("新增的缺口", "Gaps opened"): row["opened"],
    }


def _save_and_plans() -> None:
    """Save the comparison just shown (for the area it was run in); below, the saved plans of the viewer's area."""
    result = st.session_state.get("whatif_result")
    if result and result.get("whatif") is not None:
        whatif_saved.save_form(result["proposal"], result["items"], result["whatif"], result["area"])
    st.divider()
    whatif_saved.saved_plans()


def render() -> None:
    st.title(t("假设分析", "What-if"))
    st.caption(
        t(
            "设想新建党组织、签订共建协议或组建联合党支部,看覆盖率如何变化;不会写入图谱。",
            "Propose a branch, an agreement or a joint branch and see coverage change; nothing is written.",
        )
    )
    st.session_state.setdefault("whatif_items", [])
    st.session_state.setdefault("whatif_names", {})
    st.session_state.setdefault("whatif_seq", 0)
    st.session_state.setdefault("whatif_result", None)
    try:
        st.caption(t("区域:缩小可选的缺口和比较范围", "Area: narrows the gaps offered and the comparison"))
        area = area_picker("whatif_area")
        kind = st.segmented_control(
            t("加入方案", "Add"),
            list(KINDS),
            default="branch",
            key="whatif_kind",
            required=True,
            format_func=lambda k: t(*KINDS[k]),
        )
        {"branch": branch_form, "agreement": agreement_form, "joint": joint_form}[kind or "branch"](area)
        st.divider()
        _proposal_list()
        _compare(area)
        _save_and_plans()
    except OrgGraphError as exc:
        show_error(exc)
