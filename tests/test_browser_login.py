"""The login in a real browser (headless Debian Chromium) against the real app on 127.0.0.1: an editor logs in,
sees no admin page; an admin logs in and finds both logins on the audit page."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest
from fixed_date import TODAY
from streamlit_process import streamlit_app
from test_browser import HINT, _chromium, _open, _settle, said

from orggraph.access import audit
from orggraph.access.accounts import AccountStore
from orggraph.app.pages.streamlit_words import ENTER_IN_FORM

pytestmark = pytest.mark.slow
PASSWORD = "correct horse 1"


@pytest.fixture(scope="module")
def login_app(settings, session_store) -> Iterator[str]:
    """Streamlit on the session's server with the demo region and three accounts (removed afterwards)."""
    from orggraph.ingest.load import load_demo_fixture

    session_store.clear()
    load_demo_fixture(session_store)
    accounts = AccountStore(settings.resolved_data_dir())
    accounts.path.unlink(missing_ok=True)
    accounts.add("boss", "admin", PASSWORD)
    accounts.add("ed", "editor", PASSWORD, area="S01")
    env = {**os.environ, "ORGGRAPH_DATA_DIR": str(settings.data_dir), "ORGGRAPH_BACKEND": "embedded",
           "ORGGRAPH_TODAY": TODAY.isoformat()}  # fmt: skip
    try:
        with streamlit_app(env) as url:
            yield url
    finally:
        accounts.path.unlink(missing_ok=True)


@pytest.fixture
def browser(login_app):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=_chromium(), args=["--disable-background-networking"])
        yield chromium
        chromium.close()


def log_in(browser, url: str, name: str, password: str = PASSWORD):
    """A new browser context (1440 px, zh-CN, downloads accepted) logged in as ``name``; its page on 总览."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    _open(page, url)
    assert "登录" in page.inner_text("[data-testid='stMain'] h1")
    page.get_by_label("用户名").fill(name)
    hint, *counts = said(page, HINT)  # the form's hint, in 中文
    assert hint == ENTER_IN_FORM
    assert counts == [f"{len(name)}/64"]  # the name's length against its limit: figures only
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_selector("text=总览", timeout=60_000)
    _settle(page)
    return page


def test_an_editor_logs_in_and_an_admin_finds_both_logins_in_the_audit(login_app, browser, settings):
    editor = log_in(browser, login_app, "ed")
    sidebar = editor.inner_text("[data-testid='stSidebar']")
    assert "ed · 编辑" in sidebar and "数据导入" in sidebar and "用户审计" not in sidebar
    admin = log_in(browser, login_app, "boss")
    assert "用户审计" in admin.inner_text("[data-testid='stSidebar']")
    admin.get_by_role("link", name="用户审计").click()  # a link, not a new URL: that would be a new session
    admin.wait_for_selector("text=审计日志", timeout=60_000)
    _settle(admin)
    main = admin.inner_text("[data-testid='stMain']")
    assert re.search(r"共 \d+ 条", main), main  # the table itself is drawn on a canvas
    logins = audit.read_events(settings.resolved_data_dir(), audit.AuditFilter(action="login"))
    assert {"ed", "boss"} <= {e["user"] for e in logins}
