"""The app with accounts, through AppTest on the session's real server: local mode without accounts, the login
page (Chinese, English by the switch), failures counted and recorded, the idle time-out, role checks below the
pages, and the admin page listing the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from app_harness import open_page
from streamlit.testing.v1 import AppTest

from orggraph.access import audit
from orggraph.access.accounts import AccountStore

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PASSWORD = "correct horse 1"


@pytest.fixture
def accounts(app_env, settings) -> Iterator[AccountStore]:
    """Accounts in the session's data dir (a boss, an editor of S01 太白街道, a viewer), removed afterwards so the
    other app tests run in local mode."""
    store = AccountStore(settings.resolved_data_dir())
    store.path.unlink(missing_ok=True)
    store.add("boss", "admin", PASSWORD)
    store.add("ed", "editor", PASSWORD, area="S01")
    store.add("vi", "viewer", PASSWORD)
    yield store
    store.path.unlink(missing_ok=True)


def _events(store: AccountStore, user: str, action: str) -> list[dict]:
    return audit.read_events(store.data_dir, audit.AuditFilter(user=user, action=action))


def _log_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input[0].input(name)
    at.text_input[1].input(password)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


def test_without_accounts_the_app_runs_in_local_mode(app_env):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception and at.title[0].value == "基层党建组织图谱 · 总览"
    assert any("本机模式" in c.value for c in at.sidebar.caption)


def test_served_beyond_loopback_the_app_never_falls_back_to_local_mode(app_env, settings, monkeypatch):
    """`orggraph serve --host 0.0.0.0` sets login_required: a users.json removed meanwhile lets nobody in."""
    (settings.resolved_data_dir() / "users.json").unlink(missing_ok=True)
    monkeypatch.setenv("ORGGRAPH_LOGIN_REQUIRED", "1")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception and at.title[0].value == "登录"


def test_with_accounts_the_app_asks_to_log_in_and_records_each_attempt(accounts):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert at.title[0].value == "登录" and not at.metric  # nothing of the graph before a login
    assert not any("后端" in c.value or "数据导入时间" in c.value for c in at.sidebar.caption)
    before = len(_events(accounts, "boss", "login_failed"))
    _log_in(at, "boss", "not the password")
    assert at.error[0].value == "用户名或密码错误" and at.title[0].value == "登录"
    assert len(_events(accounts, "boss", "login_failed")) == before + 1
    assert accounts.path.read_text(encoding="utf-8").count('"failures": 1') == 1  # counted towards the lock-out
    _log_in(at, "boss", PASSWORD)
    assert at.title[0].value == "基层党建组织图谱 · 总览"
    assert any("boss" in c.value and "管理员" in c.value for c in at.sidebar.caption)
    assert _events(accounts, "boss", "login") and PASSWORD not in (accounts.data_dir / audit.AUDIT_FILE).read_text()


def test_the_login_page_in_english(accounts):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.sidebar.radio[0].set_value("en").run()
    assert at.title[0].value == "Log in"
    _log_in(at, "vi", "wrong password")
    assert at.error[0].value == "wrong user name or password"
    _log_in(at, "vi", PASSWORD)
    assert at.title[0].value == "Grassroots party organizations · Overview"  # the choice carried over


def test_five_failures_lock_the_account_even_for_the_right_password(accounts):
    at = AppTest.from_file(APP, default_timeout=60).run()
    for _ in range(5):
        _log_in(at, "ed", "wrong password")
    _log_in(at, "ed", PASSWORD)
    assert "锁定" in at.error[0].value and at.title[0].value == "登录"
    assert _events(accounts, "ed", "login_failed")[0]["reason"] == "locked"


def test_an_idle_session_expires(accounts):
    at = AppTest.from_file(APP, default_timeout=60).run()
    _log_in(at, "vi", PASSWORD)
    assert at.title[0].value == "基层党建组织图谱 · 总览"
    at.session_state["auth_seen"] = 0.0  # last click at the epoch: longer ago than any idle limit
    at.run()
    assert at.title[0].value == "登录" and "重新登录" in at.info[0].value


def test_a_disabled_user_is_out_at_the_next_click(accounts):
    at = AppTest.from_file(APP, default_timeout=60).run()
    _log_in(at, "ed", PASSWORD)
    accounts.disable("ed")
    at.run()
    assert at.title[0].value == "登录"


def _act_as(name: str, action: str) -> None:  # runs inside AppTest
    from pathlib import Path

    import streamlit as st

    from orggraph.access.accounts import PermissionDenied
    from orggraph.app.pages import importer, session

    st.session_state.update(auth_user=name, auth_seen=9e18)
    try:
        if action == "import":
            importer.load_folder(Path("/nonexistent"), skip_invalid=False)
        else:
            session.require(action)
        st.write("allowed")
    except PermissionDenied as exc:
        st.write(f"denied: {exc.en}")


@pytest.mark.parametrize(
    ("name", "action", "allowed"),
    [("vi", "import", False), ("vi", "whatif", False), ("vi", "read", True), ("ed", "whatif", True),
     ("ed", "admin", False), ("boss", "admin", True)],
)  # fmt: skip
def test_roles_are_checked_where_the_action_happens_not_only_by_hiding_pages(accounts, name, action, allowed):
    at = AppTest.from_function(_act_as, args=(name, action), default_timeout=60).run()
    assert not at.exception, at.exception
    shown = at.markdown[0].value
    assert shown == "allowed" if allowed else shown.startswith("denied")


def test_the_admin_page_lists_users_and_filters_the_audit_log(accounts):
    audit.record(accounts.data_dir, "ed", "import", load_id="L-test", written=3)
    audit.record(accounts.data_dir, "vi", "query", query="find_by_name", parameters=["q"], rows=2)
    at = AppTest.from_function(_admin_page, default_timeout=60).run()
    assert not at.exception, at.exception
    users = at.dataframe[0].value
    assert set(users["用户"]) == {"boss", "ed", "vi"} and list(users.columns) == ["用户", "角色", "负责区域", "状态"]
    assert set(users["角色"]) == {"管理员", "编辑", "查看"} and "太白街道(S01)" in set(users["负责区域"])
    log = at.dataframe[1].value
    assert {"ed", "vi"} <= set(log["用户"])
    at.selectbox(key="admin_user").set_value("ed").run()
    log = at.dataframe[1].value
    assert set(log["用户"]) == {"ed"} and any("批次:L-test" in d and "写入:3" in d for d in log["详情"])
    at.selectbox(key="admin_action").set_value("query").run()
    assert len(at.dataframe) == 1  # ed ran no query: no table


def _admin_page() -> None:  # runs inside AppTest
    import streamlit as st

    from orggraph.app.pages import admin, common

    st.session_state.setdefault("auth_user", "boss")
    st.session_state["auth_seen"] = 9e18
    common.sidebar()
    admin.render()


def test_the_admin_page_refuses_without_a_login(accounts):
    at = open_page("admin")  # no one logged in: refused below the navigation too
    assert at.error and "登录" in at.error[0].value


def _names_switch(name: str) -> None:  # runs inside AppTest
    import streamlit as st

    from orggraph.app.pages import common

    st.session_state.update(auth_user=name, auth_seen=9e18, show_names=True)
    st.write(f"names shown: {common.names_shown()}")


@pytest.mark.parametrize(("name", "shown"), [("vi", False), ("ed", False), ("boss", True)])
def test_person_names_only_for_an_admin_even_with_the_switch_on(accounts, name, shown):
    at = AppTest.from_function(_names_switch, args=(name,), default_timeout=60).run()
    assert not at.exception, at.exception
    assert at.markdown[0].value == f"names shown: {shown}"


def test_the_names_switch_is_disabled_for_a_viewer(accounts):
    at = AppTest.from_file(APP, default_timeout=60).run()
    _log_in(at, "vi", PASSWORD)
    assert at.sidebar.toggle(key="show_names").disabled


@pytest.mark.parametrize("content", ["{not json", "[]"])
def test_an_unreadable_accounts_file_is_said_in_words_not_a_stack_trace(app_env, settings, content):
    """users.json damaged (cut short by a full disk, edited by hand into another shape): the app says which file it
    cannot read, in words, and shows nothing of the graph; no exception reaches the page."""
    path = AccountStore(settings.resolved_data_dir()).path
    path.write_text(content, encoding="utf-8")
    try:
        at = AppTest.from_file(APP, default_timeout=60).run()
        assert not at.exception, at.exception
        assert [e.value for e in at.error] and "无法读取账号文件" in at.error[0].value, [e.value for e in at.error]
        assert not at.metric  # no figure of the graph for someone not known
    finally:
        path.unlink(missing_ok=True)
