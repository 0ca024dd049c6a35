"""Running one page of the app through AppTest: the sidebar and the page's render(), as app.py does.
(AppTest.switch_page in Streamlit 1.67 finds only file-backed pages; ours are functions.)"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def page_script(name: str) -> None:  # runs inside AppTest, so it imports for itself
    import importlib

    from orggraph.pages import common

    common.sidebar()
    importlib.import_module(f"orggraph.pages.{name}").render()


def open_page(name: str, timeout: float = 120) -> AppTest:
    at = AppTest.from_function(page_script, args=(name,), default_timeout=timeout).run()
    assert not at.exception, at.exception
    return at


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at
