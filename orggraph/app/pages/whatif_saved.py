"""The what-if page's saved plans: save the proposal just compared under a name, list the plans of the viewer's
area, run one again on today's graph (then vs now), download its workbook, delete it (after a confirm).

UI only: the plans are ``orggraph.analysis.whatif_plans`` (files under the data dir), the workbook
``orggraph.present.whatif_workbook``. A user answering for a street saves, sees and runs only that street's plans
(the module checks it again below the page); saves are audited as ``whatif_save``, deletions as ``whatif_delete``,
runs as ``whatif``, downloads as exports.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from orggraph.access.accounts import LOCAL_NAME
from orggraph.access.audit import whatif_detail
from orggraph.analysis.province_history import history_home
from orggraph.analysis.whatif import Proposal, WhatIf
from orggraph.analysis.whatif_plans import (
    Plan,
    delete_plan,
    list_plans,
    make_plan,
    rerun,
    save_plan,
    street_of,
    then_and_now,
)
from orggraph.app.pages import databases, session
from orggraph.app.pages.common import area_label, coverage_index, store, t, today, version_key
from orggraph.model.config import load_settings
from orggraph.model.coverage_rules import load_rules
from orggraph.present.output import local_time, rate_text, share_text
from orggraph.present.whatif_workbook import plan_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SEP = " · "  # between a share and its rate in a cell


def _data_dir() -> Path:
    """The folder of the database this session reads (with provinces, that province's own, as its history): a plan
    names that graph's records, so another province's graph must never list or run it."""
    return history_home(load_settings(), databases.reading()).folder


def _change(before: tuple[int, int] | None, after: tuple[int, int] | None) -> str:
    return f"{share_text(before, SEP)} → {share_text(after, SEP)}"


def _rule_name(rule_id: str) -> str:
    rule = next((r for r in load_rules().rules if r.id == rule_id), None)
    return t(rule.zh, rule.en) if rule else rule_id  # a rule since removed from the rules file: its id


def save_form(proposal: Proposal, items: list[dict[str, Any]], result: WhatIf, area: str | None) -> None:
    """Save the proposal just compared, with its figures, under a name (the same name again replaces it)."""
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    name = c1.text_input(t("方案名称", "Plan name"), key="whatif_plan_name", max_chars=60)
    if not c2.button(t("保存方案", "Save the plan"), key="whatif_save"):
        return
    if not name.strip():
        st.warning(t("请填写方案名称", "Give the plan a name"))
        return
    session.require("whatif")
    street = session.area() or street_of(coverage_index(version_key()).geography, area)
    names = dict(st.session_state.get("whatif_names") or {})
    plan = make_plan(name, proposal, result, street, session.user_name(), items=items, names=names)
    replaced = save_plan(_data_dir(), plan, session.area())
    session.record("whatif_save", plan=plan.name, area=plan.area, replaced=replaced)
    st.success(
        t(f"已替换同名方案:{plan.name}", f"Replaced the plan {plan.name}")
        if replaced
        else t(f"已保存方案:{plan.name}", f"Saved the plan {plan.name}")
    )


def _who(user: str) -> str:
    """Who saved a plan; the local mode (本机模式, from the app or 本机模式:<OS account> from the CLI) in words."""
    local, sep, account = user.partition(":")
    return t("本机模式", "local mode") + (f":{account}" if sep else "") if local == LOCAL_NAME else user


def _where(plan: Plan) -> str:
    """The area a plan compared: its own, else its street's whole (a street user's plan), else everywhere."""
    if plan.area:
        return f"{plan.area_name}({plan.area})"
    return area_label(plan.street) if plan.street else t("全部区域", "All areas")


def _plan_rows(plans: list[Plan]) -> list[dict[str, Any]]:
    rows = []
    for p in plans:
        before, after = p.rates()
        rows.append(
            {
                t("方案", "Plan"): p.name,
                t("区域", "Area"): _where(p),
                t("保存人", "Saved by"): _who(p.saved_by),
                t("保存于", "Saved at"): local_time(p.saved_at.isoformat()),
                t("截至日期", "As of"): p.as_of.isoformat(),
                t("覆盖率(实施前 → 实施后)", "Rate (before → after)"): f"{rate_text(before)} → {rate_text(after)}",
            }
        )
    return rows


def saved_plans() -> None:
    """The plans of the viewer's area: a table, one chosen to run again and to download."""
    st.subheader(t("已保存的方案", "Saved plans"))
    if deleted := st.session_state.pop("whatif_plan_deleted", None):
        st.success(t(f"已删除方案:{deleted}", f"Deleted the plan {deleted}"))
    plans = list_plans(_data_dir(), session.area())
    if not plans:
        st.info(t("还没有保存的方案:计算后可在上方保存", "No saved plans yet: compare, then save above"))
        return
    st.dataframe(pd.DataFrame(_plan_rows(plans)), hide_index=True, width="stretch")
    by_key = {f"{p.street or ''}|{p.name}": p for p in plans}  # two streets may each have a 方案一
    if st.session_state.get("whatif_plan") not in by_key:
        st.session_state["whatif_plan"] = next(iter(by_key))
    chosen = st.selectbox(
        t("选择方案", "Choose a plan"),
        list(by_key),
        key="whatif_plan",
        format_func={k: f"{p.name} · {_where(p)}" for k, p in by_key.items()}.__getitem__,  # worded now, once
    )
    plan = by_key[str(chosen)]
    c1, c2, c3, _ = st.columns([1, 1, 1, 2])
    if c1.button(t("今日重算", "Run again today"), key="whatif_rerun"):
        _rerun(plan, str(chosen))
    if c3.button(t("删除方案", "Delete the plan"), key="whatif_plan_delete"):
        st.session_state["whatif_plan_delete_pending"] = chosen
    shown = st.session_state.get("whatif_rerun_rows") or {}
    now, as_of = (shown["rows"], shown["as_of"]) if shown.get("plan") == chosen else (None, None)
    c2.download_button(
        t("下载方案 Excel", "Download the plan (Excel)"),
        session.recorded_download("whatif_plan:xlsx", lambda: plan_xlsx(plan, now, as_of), len(plan.figures)),
        file_name=f"{t('假设分析方案', 'what-if plan')}_{plan.name}.xlsx",
        mime=XLSX,
        key="whatif_plan_xlsx",
        on_click="ignore",
    )
    _confirm_delete(plan, str(chosen))
    if now is not None:
        _show_then_now(plan, now, as_of)


def _confirm_delete(plan: Plan, key: str) -> None:
    """The delete button asks first; only the confirm removes the plan's file (audited), then the list is redrawn."""
    if st.session_state.get("whatif_plan_delete_pending") != key:
        return
    st.warning(t(f"确认删除方案“{plan.name}”?删除后无法恢复。", f"Delete the plan {plan.name}? It cannot be undone."))
    c1, c2, _ = st.columns([1, 1, 3])
    if c1.button(t("确认删除", "Delete it"), key="whatif_plan_delete_confirm", type="primary"):
        session.require("whatif")
        delete_plan(_data_dir(), plan.name, session.area(), plan.street)
        session.record("whatif_delete", plan=plan.name, area=plan.area, street=plan.street)
        for gone in ("whatif_plan_delete_pending", "whatif_rerun_rows"):
            st.session_state.pop(gone, None)
        st.session_state["whatif_plan_deleted"] = plan.name
        st.rerun()
    if c2.button(t("取消", "Cancel"), key="whatif_plan_delete_cancel"):
        st.session_state.pop("whatif_plan_delete_pending", None)
        st.rerun()


def _rerun(plan: Plan, key: str) -> None:
    session.require("whatif")
    viewer = session.area()
    result = rerun(store(), plan, today(), coverage_index(version_key()), viewer_area=viewer)
    session.record("whatif", plan=plan.name, **whatif_detail([dict(c) for c in result.changes()], plan.area))
    st.session_state["whatif_rerun_rows"] = {"plan": key, "rows": then_and_now(plan, result), "as_of": today()}


def _show_then_now(plan: Plan, rows: list[dict[str, Any]], as_of: Any) -> None:
    st.caption(
        t(
            f"“{plan.name}”:保存时(截至 {plan.as_of})与今天(截至 {as_of})分别计算的实施前后覆盖情况",
            f"{plan.name}: before and after as saved (as of {plan.as_of}) and today (as of {as_of})",
        )
    )
    frame = pd.DataFrame(
        [
            {
                t("规则", "Rule"): _rule_name(r["rule"]),
                t("当时:实施前 → 实施后", "Then: before → after"): _change(r["then_before"], r["then_after"]),
                t("今日:实施前 → 实施后", "Now: before → after"): _change(r["now_before"], r["now_after"]),
                t("当时消除缺口", "Closed then"): r["closed_then"],
                t("今日消除缺口", "Closed now"): r["closed_now"],
                t("仍可消除", "Still closes"): r["still_closes"],
            }
            for r in rows
        ]
    )
    st.dataframe(frame, hide_index=True, width="stretch")
