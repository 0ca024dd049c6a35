"""用户与审计 Users & audit (admins only): the accounts (no passwords; they are changed with ``orggraph user``) and
the audit log, filtered by user, action and date."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from orggraph.access import audit
from orggraph.access.accounts import LOCAL_NAME, ROLE_NAMES, User
from orggraph.app.pages import session
from orggraph.app.pages.common import area_label, choice_key, lang, remember, show_error, t, table_downloads
from orggraph.model.config import load_settings
from orggraph.model.errors import OrgGraphError
from orggraph.present.app_words import export_words, parameter_words
from orggraph.present.output import local_time

ACTION_NAMES = {
    "login": ("登录", "login"),
    "login_failed": ("登录失败", "failed login"),
    "import": ("导入", "import"),
    "import_refused": ("导入被拒", "import refused"),
    "sync_removal": ("同步删除", "sync removal"),
    "whatif": ("假设分析", "what-if"),
    "whatif_save": ("保存方案", "plan saved"),
    "whatif_delete": ("删除方案", "plan deleted"),
    "query": ("查询", "query"),
    "export": ("导出", "export"),
}


DETAIL_NAMES = {"load_id": ("批次", "load"), "mode": ("方式", "mode"), "written": ("写入", "written"),
                "removed": ("删除", "removed"), "rejected": ("被拒行", "rejected rows"), "rows": ("行数", "rows"),
                "files": ("文件", "files"), "reason": ("原因", "reason"), "what": ("内容", "what"),
                "bytes": ("字节", "bytes"), "query": ("查询", "query"), "parameters": ("参数", "parameters"),
                "rules": ("规则", "rules"), "area": ("区域", "area"), "closed": ("消除缺口", "gaps closed"),
                "opened": ("新增缺口", "gaps opened"), "dry_run": ("试运行", "dry run"), "plan": ("方案", "plan"),
                "replaced": ("替换同名", "replaced")}  # fmt: skip
VALUE_NAMES = {"transaction": ("单事务", "one transaction"), "journaled": ("分批(有日志)", "journaled"),
               "outside_area": ("不在负责区域内", "outside the area"), "invalid_rows": ("台账有错误", "invalid rows"),
               "refused": ("被拒绝", "refused"),
               "locked": ("已锁定", "locked"), True: ("是", "yes"), False: ("否", "no"), None: ("—", "—")}  # fmt: skip


def _value(value: object) -> str:
    if isinstance(value, list):
        return "、".join(map(str, value)) if value else "—"
    if isinstance(value, (bool, str, type(None))) and value in VALUE_NAMES:
        return t(*VALUE_NAMES[value])
    return str(value)


def _details(event: dict[str, Any]) -> str:
    """What was done, in words: a query's parameters by their descriptions, not their identifiers."""
    shown = []
    for k, v in event.items():
        if k in ("at", "user", "action"):
            continue
        if k == "parameters" and isinstance(v, list):
            v = parameter_words(str(event.get("query")), v, lang())
        elif k == "what":
            v = export_words(str(v), lang())
        shown.append(f"{t(*DETAIL_NAMES.get(k, (k, k)))}:{_value(v)}")
    return ";".join(shown)


def _user(name: object) -> str:
    """A user as the log names them; the local mode ("本机模式:<OS account>") in the viewer's language."""
    text = str(name)
    local, sep, account = text.partition(":")
    if local == LOCAL_NAME:
        return t("本机模式", "local mode") + (f":{account}" if sep else "")
    return text


def audit_rows(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events as table rows: local time, user, action, and what was done, in the viewer's language."""
    return [
        {
            t("时间", "Time"): local_time(e.get("at")),
            t("用户", "User"): _user(e.get("user")),
            t("操作", "Action"): _action_name(str(e.get("action"))),
            t("详情", "Detail"): _details(e),
        }
        for e in events
    ]


def _action_name(action: str) -> str:
    return t(*ACTION_NAMES.get(action, (action, action)))


def user_rows(users: list[User]) -> list[dict[str, Any]]:
    """Accounts as the admin reads them: name, role, area (the street's name), state."""
    return [
        {
            t("用户", "User"): u.name,
            t("角色", "Role"): t(*ROLE_NAMES[u.role]),
            t("负责区域", "Area"): area_label(u.area) if u.area else t("全区域", "whole region"),
            t("状态", "State"): t("停用", "disabled") if u.disabled else t("正常", "active"),
        }
        for u in users
    ]


def _filters(events: list[dict[str, Any]]) -> audit.AuditFilter:
    c1, c2, c3, c4 = st.columns(4)
    users = sorted({str(e.get("user")) for e in events})
    every = t("全部", "all")
    names: dict[str | None, str] = {None: every, **{a: _action_name(a) for a in audit.ACTIONS}}
    user_options: list[str | None] = [None, *users]
    user = remember(
        "admin_user",
        c1.selectbox(
            t("用户", "User"),
            user_options,
            key=choice_key("admin_user", None),
            format_func=lambda u: _user(u) if u else every,
        ),
    )
    action_options: list[str | None] = [None, *audit.ACTIONS]
    action = remember(
        "admin_action",
        c2.selectbox(
            t("操作", "Action"), action_options, key=choice_key("admin_action", None), format_func=names.__getitem__
        ),
    )
    since = c3.date_input(t("起始日期", "From"), value=None, key="admin_since")
    until = c4.date_input(t("截止日期", "To"), value=None, key="admin_until")
    return audit.AuditFilter(user, action, _day(since), _day(until))


def _day(value: object) -> dt.date | None:
    return value if isinstance(value, dt.date) else None


def render() -> None:
    st.title(t("用户与审计", "Users & audit"))
    try:
        session.require("admin")
    except OrgGraphError as exc:
        show_error(exc)
        return
    data_dir = load_settings().resolved_data_dir()
    st.subheader(t("用户", "Users"))
    with st.spinner(t("正在读取用户和审计日志……", "Reading the users and the audit log…")):
        users = session.account_store().users()
        every = audit.read_events(data_dir)
    if users:
        st.dataframe(pd.DataFrame(user_rows(users)), hide_index=True, width="stretch")
    else:
        st.info(
            t(
                "尚无账号(本机模式)。添加账号:在命令行运行 `orggraph user add`",
                "No accounts yet (local mode): run `orggraph user add` to add one",
            )
        )
    st.subheader(t("审计日志", "Audit log"))
    keep = _filters(every)
    shown = [e for e in every if keep.keeps(e)]
    st.caption(t(f"共 {len(shown)} 条(最新在前)", f"{len(shown)} events, newest first"))
    if shown:
        log = pd.DataFrame(audit_rows(shown))
        st.dataframe(log, hide_index=True, width="stretch")
        table_downloads(log, t("审计日志", "Audit log"), "admin_audit")
