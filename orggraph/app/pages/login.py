"""登录 Log in: the page everyone sees first once accounts exist, and the sidebar line saying who is using the app
("本机模式" when no account exists: this machine's single user, admin over the whole region)."""

from __future__ import annotations

import streamlit as st

from orggraph.access.accounts import ROLE_NAMES, LoginFailed, User
from orggraph.app.pages import common, session
from orggraph.app.pages.common import language_switch, show_error, t

NOTICES = {
    "expired": ("长时间未操作,已自动退出,请重新登录", "Your session expired; please log in again"),
    "disabled": ("账号已停用或已删除", "This account is disabled or removed"),
    "logged_out": ("已退出", "Logged out"),
}


def gate() -> User:
    """The current user; when a login is needed, the login page alone is shown (with the language switch and
    nothing of the graph: no query runs for a visitor who has not logged in) and the run stops here."""
    user = session.current_user()
    if user is None:
        language_switch()
        st.navigation([st.Page(render, title=t("登录", "Log in"), url_path="login", default=True)]).run()
        st.stop()
    _sidebar(user)
    return user


def _sidebar(user: User) -> None:
    if user.local:
        st.sidebar.caption(
            t("本机模式 · 管理员 · 全区域(未设账号)", "Local mode · admin · whole region (no accounts set up)")
        )
        return
    zh, en = ROLE_NAMES[user.role]
    area = common.area_label(user.area) if user.area else t("全区域", "whole region")
    st.sidebar.caption(f"{t('用户', 'User')}: {user.name} · {t(zh, en)} · {area}")
    if st.sidebar.button(t("退出登录", "Log out"), key="auth_logout"):
        session.log_out("logged_out")
        st.rerun()


def render() -> None:
    st.title(t("登录", "Log in"))
    st.caption(t("orggraph 基层党建图谱", "orggraph party-building graph"))
    notice = st.session_state.get(session.NOTICE_KEY)
    if notice in NOTICES:
        st.info(t(*NOTICES[notice]))
    with st.form("login_form"):
        name = st.text_input(t("用户名", "User name"), max_chars=64)
        password = st.text_input(t("密码", "Password"), type="password", max_chars=256)
        submitted = st.form_submit_button(t("登录", "Log in"), type="primary")
    if not submitted:
        return
    if not name.strip() or not password:
        st.error(t("请输入用户名和密码", "Enter a user name and a password"))
        return
    try:
        session.log_in(name.strip(), password)
    except LoginFailed as exc:
        show_error(exc)
        return
    st.rerun()
