"""The app through Streamlit's AppTest, on the session's real server with the demo region."""

from __future__ import annotations

from pathlib import Path

from fixed_date import TODAY
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def test_overview_shows_counts_in_chinese_then_english(app_env):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "基层党建组织图谱 · 总览"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["党组织"] == "15" and metrics["小区"] == "4"
    table = at.dataframe[0].value
    assert table.loc[table["类型"] == "党组织", "数量"].item() == 15
    assert any("内置图数据库 · ArcadeDB" in c.value for c in at.sidebar.caption)  # below who is using the app
    at.sidebar.radio[0].set_value("en").run()
    assert at.title[0].value == "Grassroots party organizations · Overview"
    assert {m.label for m in at.metric} >= {"Party orgs", "Compounds"}


def test_the_app_server_fills_the_caches_the_first_pages_read(app_env):
    """What `orggraph serve` computes before the first visitor is the very object the pages then read."""
    from orggraph.app.app_server import warm_caches
    from orggraph.app.pages import common

    warmed = warm_caches()
    assert warmed is not None and sum(len(o.gaps) for o in warmed.outcomes) > 0
    assert common.whole_report(TODAY, common.version_key()) is warmed
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception and at.title[0].value == "基层党建组织图谱 · 总览"


def test_the_app_server_script_is_found_as_an_asgi_app():
    """`streamlit run orggraph/app/app_server.py` must see the st.App (found by reading the file, not running it)."""
    from streamlit.web.server.app_discovery import discover_asgi_app

    from orggraph.app.serve import APP_SERVER

    found = discover_asgi_app(APP_SERVER)
    assert found.is_asgi_app and found.app_name == "app"
