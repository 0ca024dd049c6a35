"""Every page of the app as an editor of 太白街道 (S01), through AppTest on the real server: driven to where it shows
most (each level of the pickers, a search for the other street by name, every catalogue query on the Cypher page)
and searched — text, tables, charts, drawn networks, every download — for any id or name of a record outside the
street (by the networkx reference of ``test_area_scope``). The street's own records are there."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from app_harness import page_as_user, page_text, rerun
from streamlit.testing.v1 import AppTest
from test_area_scope import AREA, reference_homes

from orggraph.access.accounts import AccountStore
from orggraph.analysis.query_catalogue import load_catalogue
from orggraph.graph.area_scope import ScopedStore
from orggraph.ingest.graph_export import export_records

PAGES = ("overview", "hierarchy", "gaps", "coverage_map", "report_print", "paths", "ledger", "whatif", "cypher",
         "importer")  # fmt: skip
PASSWORD = "correct horse 1"
CATALOGUE = load_catalogue()


@pytest.fixture
def editor(app_env, settings) -> Iterator[str]:
    users = AccountStore(settings.resolved_data_dir())
    users.path.unlink(missing_ok=True)
    users.add("ed", "editor", PASSWORD, area=AREA)
    users.add("boss", "admin", PASSWORD)
    yield "ed"
    users.path.unlink(missing_ok=True)


@pytest.fixture
def outside(app_env) -> tuple[set[str], set[str], set[str]]:
    """The ids and the distinctive names of the records outside the street, and the names inside it."""
    homes = reference_homes(app_env)
    nodes, _ = export_records(app_env)
    ids = {i for i, h in homes.items() if AREA not in h}
    inside = {n.props.get("name") for n in nodes if n.id not in ids and n.props.get("name")}
    names = {
        n.props["name"]
        for n in nodes
        if n.id in ids and len(n.props.get("name") or "") >= 3 and not any(n.props["name"] in i for i in inside)
    }
    assert "古槐街道" in names and ids
    return ids, names, inside


def _leaks(text: str, ids: set[str], names: set[str]) -> set[str]:
    found = {n for n in names if n in text}
    return found | {i for i in ids if re.search(rf"(?<![A-Za-z0-9_]){re.escape(i)}(?![A-Za-z0-9_])", text)}


def _open(page: str, user: str) -> AppTest:
    at = AppTest.from_function(page_as_user, args=(page, user), default_timeout=120).run()
    assert not at.exception, at.exception
    return at


def _drive(page: str, at: AppTest, downloads: list) -> str:
    shown = [page_text(at, downloads)]
    if page == "hierarchy":  # a street user's pickers start at the street
        for i, area in enumerate((AREA, "C01")):
            at.selectbox(key=f"hier_area_{i}").set_value(area)
            shown.append(page_text(rerun(at), downloads))
    elif page == "paths":
        for text in ("古槐", "街道", "太白社区"):
            at.text_input(key="paths_src_text").set_value(text)
            shown.append(page_text(rerun(at), downloads))
    elif page == "cypher":
        for name, query in CATALOGUE.items():
            at.selectbox(key="cypher_query").set_value(name)
            rerun(at)
            for p in query.parameters:
                if p.required:
                    value = {"org_id": "O01", "need_id": "N01", "q": "古槐", "id": "C01"}.get(p.name, AREA)
                    at.text_input(key=f"cypher_p_{name}_{p.name}").set_value(value)
            at.button[0].click()
            shown.append(page_text(rerun(at), downloads))
    return "\n".join(shown)


@pytest.mark.parametrize("page", PAGES)
def test_no_page_shows_another_streets_records_to_a_street_editor(editor, outside, downloads, page):
    ids, names, inside = outside
    at = _open(page, editor)
    assert any("太白街道" in c.value for c in at.sidebar.caption)  # the sidebar names the user's area
    text = _drive(page, at, downloads)
    assert not _leaks(text, ids, names), page
    if page in ("overview", "hierarchy", "gaps", "cypher"):
        assert {n for n in inside if n in text}, f"{page} shows nothing of the street"


def test_the_cypher_page_refuses_a_statement_of_ones_own_and_region_counts_to_a_street_user(editor):
    at = _open("cypher", editor)
    at.selectbox(key="cypher_query").set_value("label_counts")
    rerun(at)
    at.button[0].click()
    rerun(at)
    assert any("统计全区" in e.value for e in at.error)


def test_the_overview_counts_the_street_only(editor, app_env):
    at = _open("overview", editor)
    shown = {m.label: m.value for m in at.metric}
    street = ScopedStore(app_env, AREA).node_counts()
    assert shown["党组织"] == str(street["PartyOrg"]) != str(app_env.node_counts()["PartyOrg"])
    assert any("太白街道" in c.value for c in at.caption) and not any("全部区域" in c.value for c in at.caption)


@pytest.mark.parametrize("page", ("gaps", "cypher"))
def test_the_same_pages_show_the_other_street_to_an_admin(editor, outside, downloads, page):
    """The control: the search above finds the other street when it is there to find."""
    ids, names, _ = outside
    assert _leaks(_drive(page, _open(page, "boss"), downloads), ids, names)


def test_a_street_users_hierarchy_starts_at_the_street(editor):
    at = _open("hierarchy", editor)
    assert any("请先选择街道" in i.value for i in at.info)
    assert at.dataframe[0].value.to_dict("records") == [{"街道": "太白街道", "编号": AREA, "社区数": 2, "网格数": 3}]
    assert at.selectbox(key="hier_area_0").label == "街道"
