"""The app over one database per province (issue 12 part 4): every page reads the database of the chosen area's
province (``app/pages/databases.py``), through AppTest on test_province_databases' three provinces (a, b, c: three
generated street regions tagged A, B, C, each in its own database of the session's server). The app's own database
holds the demo region, which no province holds.

- an admin picks each province in the sidebar and a street of it: the gaps page, the coverage map and the hierarchy
  show that province's figures, equal to the CLI's ``gaps --area`` answer and to the province's own store;
- a street user of province b reads b's database on every page, cut to their street, and never an id of a or c;
- the paths page's search reads every database and names the province of each hit; two ends in different provinces
  have no path, and the page says why in either language.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest
from app_harness import page_as_user, page_script, page_text, rerun, street_editor
from fixed_date import TODAY
from streamlit.testing.v1 import AppTest
from test_app_language import data, data_strings, foreign, shown_texts  # noqa: F401  (fixtures)
from test_province_databases import TAGS, ledgers, loaded, province_config, records  # noqa: F401  (fixtures)
from test_province_history import histories  # noqa: F401  (fixture)
from typer.testing import CliRunner

from orggraph.access.accounts import AccountStore
from orggraph.analysis import whatif_plans
from orggraph.analysis.coverage import CoverageIndex
from orggraph.analysis.org_tree import area_tree
from orggraph.analysis.province_history import history_home
from orggraph.analysis.query_catalogue import find_query, run_query
from orggraph.analysis.whatif import Proposal, what_if
from orggraph.analysis.whatif_plans import make_plan, save_plan
from orggraph.app.pages.history_place import NO_SINGLE_HISTORY
from orggraph.cli.main import app
from orggraph.graph.area_scope import ScopedStore
from orggraph.graph.province_databases import open_provinces
from orggraph.model.coverage_rules import load_rules

pytestmark = pytest.mark.provinces
RULES = [r.id for r in load_rules().rules]
USER, STREET = "sb_editor", "BS0001"
OTHERS = re.compile(r"(?<![A-Za-z0-9#])[AC][A-Z]{1,2}\d{3,}(?![A-Za-z0-9])")  # an id of a or c (AS0001; not #CD853F)
SHOWS_IDS = ("gaps", "coverage_map", "hierarchy", "paths")
runner = CliRunner()


@pytest.fixture
def provinces_app(loaded, app_env, cli_env, monkeypatch, tmp_path):  # noqa: F811
    """The app (and the CLI's environment) over the three provinces' mapping; its own graph the demo region."""
    config = province_config(tmp_path, TAGS)
    monkeypatch.setenv("ORGGRAPH_CONFIG", str(config))
    return {**cli_env, "ORGGRAPH_CONFIG": str(config), "COLUMNS": "200"}


@pytest.fixture
def street_user(provinces_app, settings):
    with street_editor(settings.resolved_data_dir(), USER, STREET):
        yield provinces_app


def _cli_gaps(env: dict[str, str], area: str) -> dict:
    result = runner.invoke(app, ["gaps", "--area", area, "--format", "json"], env=env)
    assert result.exit_code == 0, (result.output, result.stderr)
    return json.loads(result.stdout)


def _admin(page: str, **state) -> AppTest:
    at = AppTest.from_function(page_script, args=(page,), default_timeout=120)
    for key, value in state.items():
        at.session_state[key] = value
    return rerun(at)


def _metric(at: AppTest, label: str):
    return next(m for m in at.metric if m.label == label)


def test_an_admin_reads_a_street_of_each_province(provinces_app, loaded):  # noqa: F811
    for key, (tag, _) in TAGS.items():
        district, street = f"{tag}D001", f"{tag}S0001"
        cli = _cli_gaps(provinces_app, street)
        assert cli["area"]["id"] == street
        picked = {"province": key}
        at = _admin("gaps", **picked, gaps_rules=RULES, gaps_place_0=district, gaps_place_1=street)
        assert at.sidebar.selectbox(key="province").value == key
        assert _metric(at, "缺口").value == f"{sum(len(r['gaps']) for r in cli['rules']):,}", key
        table = next(d.value for d in at.dataframe if "编号" in d.value.columns and "原因" in d.value.columns)
        assert sorted(table["编号"]) == sorted(g["id"] for r in cli["rules"] for g in r["gaps"]), key

        rule = next(r for r in cli["rules"] if r["total"])
        at = _admin("coverage_map", **picked, map_rule=rule["id"], map_place_0=district, map_place_1=street)
        shown = next(m for m in at.metric if m.label.endswith("覆盖率"))
        assert shown.proto.help == f"{rule['covered']}/{rule['total']}", (key, rule["id"])

        at = _admin("hierarchy", **picked, hier_area_0=district, hier_area_1=street)
        with open_provinces(loaded, start=False) as stores:
            orgs = run_query(stores[key], find_query("org_tree"), {"as_of": TODAY})[0]["orgs"]
            geography = CoverageIndex.fetch(stores[key]).geography
        want = [r["id"] for r in area_tree(orgs, geography, street)]
        tree = next(d.value for d in at.dataframe if "组织" in d.value.columns)
        assert want and list(tree["编号"]) == want, key
        assert all(i.startswith(tag) for i in tree["编号"]), key


def test_the_app_own_database_stays_the_default(provinces_app, app_env):
    """No province chosen: the pickers list the app's own areas (the demo's districts), as without provinces."""
    at = _admin("gaps", gaps_rules=RULES)
    assert at.sidebar.selectbox(key="province").value is None
    own = [p.name for p in CoverageIndex.fetch(app_env).geography.children(None)]
    assert at.selectbox(key="gaps_place_0").options == ["(全部)", *own]


def _as_user(page: str, **state) -> AppTest:
    at = AppTest.from_function(page_as_user, args=(page, USER), default_timeout=120)
    for key, value in state.items():
        at.session_state[key] = value
    return rerun(at)


def test_a_street_user_of_b_reads_b_on_every_page_and_nothing_of_a(street_user, loaded, downloads):  # noqa: F811
    with open_provinces(loaded, start=False) as stores:
        counts = ScopedStore(stores["b"], STREET).node_counts()
    cli = _cli_gaps(street_user, STREET)
    pages = {
        "overview": {},
        "gaps": {"gaps_rules": RULES},
        "coverage_map": {},
        "hierarchy": {"hier_area_0": STREET},
        "paths": {"paths_src_text": "中海街道党工委"},
        "ledger": {},
        "whatif": {},
        "cypher": {},
        "report_print": {},
        "importer": {},
    }
    for page, state in pages.items():
        at = _as_user(page, **state)
        text = page_text(at, downloads)
        assert not OTHERS.findall(text), (page, OTHERS.findall(text)[:5])
        assert "省a" not in text and "省c" not in text, page
        assert "省份: 省b" in [c.value for c in at.sidebar.caption], page
        if page == "overview":
            assert _metric(at, "党组织").value == f"{counts['PartyOrg']:,}"
        if page == "gaps":
            assert _metric(at, "缺口").value == f"{sum(len(r['gaps']) for r in cli['rules']):,}"
        if page in SHOWS_IDS:
            assert re.search(r"(?<![A-Za-z0-9])B[A-Z]{1,2}\d{3,}", text), page  # b's records are there
        if page == "paths":
            found = at.selectbox(key="paths_src_choice")
            assert [o for o in found.options if "BO00002" in o], found.options  # b's, never a's namesake


def test_search_finds_a_name_in_each_province_and_says_which(provinces_app):
    at = _admin("paths", paths_src_text="中海街道党工委")  # a name of a's and b's street committees (and c's?)
    options = at.selectbox(key="paths_src_choice").options
    assert any("AO00002" in o and o.endswith("省a") for o in options), options
    assert any("BO00002" in o and o.endswith("省b") for o in options), options
    for key, (tag, _) in TAGS.items():
        at = _admin("paths", paths_src_text=f"{tag}S0001")
        (only,) = at.selectbox(key="paths_src_choice").options
        assert only.endswith(f"省{key}") and f"{tag}S0001" in only


def test_a_path_across_provinces_says_it_cannot_be_found_and_why(provinces_app, data, records):  # noqa: F811
    held = {v for ns, es in records.values() for r in [*ns, *es] for v in r.props.values() if isinstance(v, str)}
    names = sorted({*data, *held, "省a", "省b", "省c"}, key=len, reverse=True)  # the provinces' records are data too
    for lang, said in (
        ("zh", "联结路径只在一个省的数据库内查找"),
        ("en", "paths are found within one province's database"),
    ):
        at = _admin("paths", lang=lang, paths_src_text="AK00001", paths_dst_text="BS0001")
        errors = [e.value for e in at.error]
        assert any(said in e and "AK00001" in e and "BS0001" in e and "省a" in e and "省b" in e for e in errors), errors
        assert not foreign(shown_texts(at), lang, names), lang
    at = _admin("paths", paths_src_text="AK00001", paths_dst_text="AS0001")  # one province: found there
    assert not at.error and any("条路径" in s.value for s in at.subheader)


def test_an_admin_reading_a_province_sees_its_history(histories, app_env, monkeypatch):  # noqa: F811
    """The overview's trend of an admin who chose a province in the sidebar is that province's history; with none
    chosen, the nation has none (``history_place``)."""
    mapped, config = histories
    monkeypatch.setenv("ORGGRAPH_CONFIG", str(config))
    with open_provinces(mapped, start=False) as stores:
        orgs = stores["sa"].node_counts()["PartyOrg"]
    at = _admin("overview", province="sa")
    assert NO_SINGLE_HISTORY[0] not in [i.value for i in at.info]
    assert "数据来自 省sa 数据库保存的快照" in [c.value for c in at.caption]
    assert _metric(at, "党组织").value == f"{orgs:,}"  # sa's records, not the demo's
    assert NO_SINGLE_HISTORY[0] in [i.value for i in _admin("overview").info]


def _plans_listed(at: AppTest) -> list[str]:
    tables = [d.value for d in at.dataframe if "保存人" in d.value.columns]
    return tables[0]["方案"].tolist() if tables else []


def test_a_plan_saved_over_a_province_is_listed_over_that_province_alone(histories, app_env, monkeypatch):  # noqa: F811
    """A saved what-if names its graph's records: it is kept with the database it was made on (the province's folder,
    beside its snapshots) and the what-if page lists it only while that database is read, never over another."""
    mapped, config = histories
    monkeypatch.setenv("ORGGRAPH_CONFIG", str(config))
    home = history_home(mapped, "sa").folder
    proposal = Proposal().add_branch("AP9001", "试点小区党支部", "小区党支部")
    with open_provinces(mapped, start=False) as stores:
        result = what_if(stores["sa"], proposal, ["compound_org"], None, TODAY)
    save_plan(home, make_plan("试点建支部", proposal, result, None, "tester"))
    try:
        assert _plans_listed(_admin("whatif", province="sa")) == ["试点建支部"]
        assert _plans_listed(_admin("whatif", province="sb")) == []
        assert _plans_listed(_admin("whatif")) == []  # the app's own graph: the data dir's folder
    finally:
        shutil.rmtree(whatif_plans.folder(home))


def test_another_province_chosen_clears_the_pickers(provinces_app):
    """The areas picked in one province's database are not the next one's: the pickers start over, no error."""
    at = _admin("gaps", province="a", gaps_rules=RULES, gaps_place_0="AD001", gaps_place_1="AS0001")
    assert at.selectbox(key="gaps_place_1").value == "AS0001"
    at.sidebar.selectbox(key="province").set_value("b")
    at = rerun(at)
    assert at.selectbox(key="gaps_place_0").value is None
    assert "黄冈市黄州区" not in at.selectbox(key="gaps_place_0").options  # a's district; b's is 淄博市梁山区
    assert "淄博市梁山区" in at.selectbox(key="gaps_place_0").options


def test_a_province_street_is_named_as_the_sidebar_and_the_users_table_name_it(provinces_app):
    from orggraph.app.pages import common

    assert common.area_label(STREET) == f"中海街道({STREET})"  # read from b's database, which holds the street
    assert common.area_label("S01") == "太白街道(S01)"  # no province holds it: the app's own database


def test_user_add_takes_a_street_of_a_province_and_refuses_one_no_database_holds(provinces_app, settings):
    """``orggraph user add --area`` checks the street in the database of its province, as the app reads it."""
    users = AccountStore(settings.resolved_data_dir())
    users.path.unlink(missing_ok=True)
    try:
        ok = runner.invoke(app, ["user", "add", "李强", "--area", STREET, "--password-stdin"], env=provinces_app,
                           input="x" * 9)  # fmt: skip
        assert ok.exit_code == 0 and STREET in ok.stdout, ok.output
        bad = runner.invoke(app, ["user", "add", "赵敏", "--area", "QS9999", "--password-stdin"], env=provinces_app,
                            input="x" * 9)  # fmt: skip
        assert bad.exit_code == 2 and "不是图中的街道" in bad.stderr
        assert [u.name for u in users.users()] == ["李强"]
    finally:
        users.path.unlink(missing_ok=True)
