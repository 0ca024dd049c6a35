"""Running one page of the app through AppTest: the sidebar and the page's render(), as app.py does.
(AppTest.switch_page in Streamlit 1.67 finds only file-backed pages; ours are functions.)"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from streamlit.testing.v1 import AppTest


def page_script(name: str) -> None:  # runs inside AppTest, so it imports for itself
    import importlib

    from orggraph.app.pages import common

    common.sidebar()
    importlib.import_module(f"orggraph.app.pages.{name}").render()


def page_as_user(name: str, user: str) -> None:  # runs inside AppTest, so it imports for itself
    """One page for a logged-in account: the login gate, the sidebar and the page, as app.py runs them."""
    import importlib
    import time

    import streamlit as st

    from orggraph.app.pages import common, login

    st.session_state.setdefault("auth_user", user)
    st.session_state["auth_seen"] = time.time()  # the idle time-out's own clock, not a date a test judges by
    login.gate()
    common.sidebar()
    importlib.import_module(f"orggraph.app.pages.{name}").render()


def open_page(name: str, timeout: float = 120) -> AppTest:
    at = AppTest.from_function(page_script, args=(name,), default_timeout=timeout).run()
    assert not at.exception, at.exception
    return at


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def page_text(at: AppTest, downloads: list) -> str:
    """Everything the page shows: every element's message (text, charts, drawn networks), every table's
    cells and every download's data."""
    from google.protobuf.text_format import MessageToString

    parts = []

    def walk(node) -> None:
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                walk(child)
            return
        if type(node).__name__ in ("Dataframe", "Table"):
            parts.append(node.value.to_csv())
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(MessageToString(proto, as_utf8=True))

    walk(at._tree)
    for data in downloads:
        data = data() if callable(data) else data
        parts.append(data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data))
    return "\n".join(parts)


@contextmanager
def street_editor(data_dir: Path, name: str, area: str, password: str = "correct horse 1") -> Iterator[None]:
    """An editor of one street in the data dir's account store for the block, and no account store after it (an
    account there turns on login for every other test of the session)."""
    from orggraph.access.accounts import AccountStore

    users = AccountStore(data_dir)
    users.path.unlink(missing_ok=True)
    users.add(name, "editor", password, area=area)
    try:
        yield
    finally:
        users.path.unlink(missing_ok=True)
