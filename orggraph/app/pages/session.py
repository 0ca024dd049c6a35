"""Who is using this app session: the logged-in user (or the local single-user mode when no account exists),
the idle time-out, the role checks the pages' actions go through, and the audit records they write.

Kept in ``st.session_state`` (per browser session, never module state): ``auth_user`` (a name) and
``auth_seen`` (seconds since the epoch, UTC, of the last run). The account is read again on every run, so a
disabled user is out at their next click. A reload of the browser tab starts a new session: log in again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from orggraph.access import accounts, audit
from orggraph.access.accounts import LOCAL_USER, AccountStore, LockoutPolicy, LoginFailed, PermissionDenied, User
from orggraph.model.config import load_settings

USER_KEY, SEEN_KEY, NOTICE_KEY = "auth_user", "auth_seen", "auth_notice"


def account_store() -> AccountStore:
    settings = load_settings()
    policy = LockoutPolicy(failures=settings.lockout_failures, minutes=settings.lockout_minutes)
    return AccountStore(settings.resolved_data_dir(), policy)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def current_user() -> User | None:
    """The user of this session; the local mode when no account exists (unless the settings' ``login_required``,
    set when serving beyond loopback); None when a login is needed (never logged in, idle longer than
    ``session_idle_minutes``, or the account disabled or removed)."""
    store = account_store()
    if not store.login_required() and not load_settings().login_required:
        return LOCAL_USER
    name = st.session_state.get(USER_KEY)
    if not name:
        return None
    now = _now().timestamp()
    idle_s = load_settings().session_idle_minutes * 60
    if now - float(st.session_state.get(SEEN_KEY) or 0) > idle_s:
        log_out("expired")
        return None
    user = store.get(name)
    if user is None or user.disabled:
        log_out("disabled")
        return None
    st.session_state[SEEN_KEY] = now
    return user


def log_in(name: str, password: str) -> User:
    """Check the password (counting failures towards the lock-out), record the attempt, start the session."""
    try:
        user = account_store().verify(name, password, _now())
    except LoginFailed as exc:
        reason = "locked" if isinstance(exc, accounts.AccountLocked) else "refused"
        audit.record(_data_dir(), name[:64], "login_failed", reason=reason)
        raise
    audit.record(_data_dir(), user.name, "login")
    st.session_state.update({USER_KEY: user.name, SEEN_KEY: _now().timestamp(), NOTICE_KEY: None})
    return user


def log_out(notice: str | None = None) -> None:
    st.session_state.update({USER_KEY: None, SEEN_KEY: None, NOTICE_KEY: notice})


def require(right: str) -> User:
    """The current user, if they may ``right``; else ``PermissionDenied``. The pages' actions call this before
    they act, so hiding a page is not the only guard."""
    user = current_user()
    if user is None:
        raise PermissionDenied("请先登录", "please log in first")
    accounts.require(user, right)
    return user


def area() -> str | None:
    """The area this session's user answers for (None: the whole region, or nobody logged in, who reads nothing:
    the login gate stops the run first)."""
    user = current_user()
    return user.area if user else None


def may(right: str) -> bool:
    """Whether this session's user has ``right`` (False when nobody is logged in)."""
    user = current_user()
    return user is not None and user.may(right)


def _data_dir() -> Path:
    return load_settings().resolved_data_dir()


def user_name() -> str:
    user = current_user()
    return user.name if user else "?"


def record(action: str, **detail: Any) -> None:
    """One event in the audit log, by this session's user."""
    audit.record(_data_dir(), user_name(), action, **detail)


def record_load(report: Any) -> None:
    """An import from the app (an ``ingest.LoadReport``), with its removals."""
    audit.record_load(_data_dir(), user_name(), report, dry_run=False)


def recorded_download(what: str, make: Callable[[], bytes], rows: int) -> Callable[[], bytes]:
    """A download's deferred ``data`` that records an ``export`` when it runs. Streamlit runs it on a click, outside
    any script run (no session state there), so the user and the data dir are taken now, when the button is drawn.
    ``what`` names the table (a page and a query or rule name), ``rows`` how many rows it holds."""
    who, data_dir = user_name(), _data_dir()

    def make_and_record() -> bytes:
        data = make()
        audit.record(data_dir, who, "export", what=what, rows=rows, bytes=len(data))
        return data

    return make_and_record
