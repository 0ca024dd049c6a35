"""Never a stack trace (issue 13): every page, with the graph server failing under it (each read raising what the
store raises when the server is gone), shows one message in words in the viewer's language — no exception, no
traceback text."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest
from test_app_language import PAGES

from orggraph.graph.store import BoltStore
from orggraph.model.errors import StoreUnavailable

DOWN = StoreUnavailable("图数据库无法连接(测试中注入的故障)", "the graph database cannot be reached (injected)")


def _down(*args, **kwargs):
    raise DOWN


def guarded_page(name: str) -> None:  # runs inside AppTest: the app's script around one page, as entry/streamlit_app
    import importlib

    from orggraph.app.pages import common
    from orggraph.app.pages.page_guard import guarded

    with guarded():
        common.sidebar()
    with guarded():
        importlib.import_module(f"orggraph.app.pages.{name}").render()


@pytest.mark.parametrize("lang", ("zh", "en"))
@pytest.mark.parametrize("page", PAGES)
def test_every_page_says_the_server_is_down_in_words(app_env, monkeypatch, page, lang):
    for method in ("read", "read_only", "node_counts", "relationship_counts", "load_token"):
        if hasattr(BoltStore, method):
            monkeypatch.setattr(BoltStore, method, _down)
    at = AppTest.from_function(guarded_page, args=(page,), default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, f"{page}: {[e.value for e in at.exception]}"
    shown = [e.value for e in at.error] + [w.value for w in at.warning]
    words = DOWN.zh if lang == "zh" else DOWN.en
    assert any(words in text for text in shown), f"{page} ({lang}) shows: {shown}"
    assert not any("Traceback" in text for text in shown)


def test_the_apps_own_script_says_the_server_is_down_in_words(app_env, monkeypatch):
    """The same through app.py (the navigation, the sidebar, the default page), as `streamlit run app.py`."""
    from pathlib import Path

    for method in ("read", "read_only", "node_counts", "relationship_counts", "load_token"):
        if hasattr(BoltStore, method):
            monkeypatch.setattr(BoltStore, method, _down)
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(DOWN.zh in e.value for e in at.error), [e.value for e in at.error]


@pytest.mark.parametrize("page", ("overview", "gaps", "coverage_map"))
def test_a_defect_of_ours_is_said_in_words_and_its_traceback_logged(app_env, monkeypatch, page, caplog):
    def broken(*args, **kwargs):
        raise ValueError("a defect deep inside")

    monkeypatch.setattr(BoltStore, "read", broken)
    at = AppTest.from_function(guarded_page, args=(page,), default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    shown = " ".join(e.value for e in at.error)
    assert "页面出现意外错误" in shown and "defect" not in shown and "ValueError" not in shown, shown
    assert any("a defect deep inside" in (r.exc_text or str(r.exc_info)) for r in caplog.records), "logged"


def test_a_file_the_system_refuses_is_named_with_why(app_env, monkeypatch):
    """A page that meets the file system's refusal (a data folder it may not write, a full disk) names the path and
    the reason in the viewer's language, not the unexpected-error sentence."""
    import errno

    def refused(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", "/srv/orggraph/data/whatif_plans")

    monkeypatch.setattr(BoltStore, "read", refused)
    at = AppTest.from_function(guarded_page, args=("overview",), default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    shown = " ".join(e.value for e in at.error)
    assert "无法访问 /srv/orggraph/data/whatif_plans:没有权限" in shown and "页面出现意外错误" not in shown, shown
