"""The app through Streamlit's AppTest, on the session's real server with the demo region."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def test_overview_shows_counts_in_chinese_then_english(app_env):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "基层党建组织图谱 · 总览"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["党组织"] == "15" and metrics["小区"] == "4"
    table = at.dataframe[0].value
    assert table.loc[table["label"] == "PartyOrg", "数量"].item() == 15
    assert "embedded" in at.sidebar.caption[0].value
    at.sidebar.radio[0].set_value("en").run()
    assert at.title[0].value == "Grassroots party organizations · Overview"
    assert {m.label for m in at.metric} >= {"Party orgs", "Compounds"}
