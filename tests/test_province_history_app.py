"""A province's history everywhere the app and the export read history (issue 15 over issue 12's one database per
province): the overview's trend lines, the coverage-gaps page's 整改跟踪 and 生成月度报告 and the print view read the
history of the user's area's province (``app/pages/history_place.py``), with that province's store; the whole nation
(no area) has none and says so in either language; ``snapshots --export/--import`` and ``orggraph export`` carry every
province's history and a later import (``snapshots --import``, or ``orggraph load`` of the export over provinces)
puts each back into its own.

The provinces are test_province_history's: two generated street regions (sa: ids tagged A, sb: B) loaded month by
month (2026-04-30, 2026-05-31) with a snapshot per province after each load (its module fixture ``histories``). The
app's own graph is the demo region (``app_env``), whose areas no province holds.
"""

from __future__ import annotations

import io
import json
import os
import shutil

import pytest
from app_harness import page_as_user, page_script, rerun, street_editor
from fixed_date import TODAY
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest
from test_app_language import data, data_strings, foreign, logged, shown_texts  # noqa: F401  (fixtures)
from test_province_history import MONTHS, histories  # noqa: F401  (fixture)
from typer.testing import CliRunner

from loaders.layout import load_layout
from orggraph.analysis import whatif_plans
from orggraph.analysis.history import read_snapshot, stored_snapshots
from orggraph.analysis.province_history import area_province, history_home
from orggraph.analysis.whatif import Proposal, what_if
from orggraph.analysis.whatif_plans import list_plans, save_plan
from orggraph.app.pages.history_place import NO_SINGLE_HISTORY
from orggraph.cli.main import app
from orggraph.graph import snapshot_files
from orggraph.graph.embedded_server import EmbeddedServer
from orggraph.graph.province_databases import open_provinces
from orggraph.model.coverage_rules import load_rules
from orggraph.present.history_view import period_name, rule_name
from orggraph.present.history_workbook import COVER

pytestmark = pytest.mark.provinces
STREET, USER = "AS0001", "sa_editor"
RULES = [r.id for r in load_rules().rules]
runner = CliRunner()


@pytest.fixture
def provinces_app(histories, app_env, monkeypatch):  # noqa: F811
    """The app over the provinces' mapping, its own graph the demo region."""
    mapped, config = histories
    monkeypatch.setenv("ORGGRAPH_CONFIG", str(config))
    return mapped


@pytest.fixture
def street_user(provinces_app, settings):
    with street_editor(settings.resolved_data_dir(), USER, STREET):
        yield provinces_app


def _sa_snapshots(mapped, area: str | None = STREET):
    folder = history_home(mapped, "sa").folder
    return [read_snapshot(folder, info, area) for info in stored_snapshots(folder)]


def _as_user(page: str, **state) -> AppTest:
    at = AppTest.from_function(page_as_user, args=(page, USER), default_timeout=120)
    for key, value in state.items():
        at.session_state[key] = value
    return rerun(at)


def test_an_area_is_read_from_the_province_holding_it(histories, settings):  # noqa: F811
    mapped, _ = histories
    assert area_province(mapped, "AD001") == "sa"  # a top-level area: the mapping says
    assert area_province(mapped, STREET) == "sa" and area_province(mapped, "BS0001") == "sb"  # asked of the databases
    assert area_province(mapped, "S01") is None  # held by no province: the one graph's
    assert area_province(settings, STREET) is None  # no provinces: the one graph's


def test_the_nation_has_no_single_history_and_says_so(provinces_app, data, settings):  # noqa: F811
    names = [*data, *logged(settings), "省sa", "省sb", "sa", "sb"]  # the provinces' names and keys are data
    for lang in ("zh", "en"):
        said = NO_SINGLE_HISTORY[0 if lang == "zh" else 1]
        for page, state in (("overview", {}), ("gaps", {"gaps_rules": RULES}), ("report_print", {})):
            at = AppTest.from_function(page_script, args=(page,), default_timeout=120)
            at.session_state["lang"] = lang
            for key, value in state.items():
                at.session_state[key] = value
            at = rerun(at)
            assert said in [i.value for i in at.info], (page, lang)
            assert not foreign(shown_texts(at), lang, names), (page, lang)


def test_a_street_user_of_a_province_follows_up_from_its_history(street_user):
    apr, may = (s.gap_keys() for s in _sa_snapshots(street_user))
    assert may - apr and apr - may, "the months open and close gaps in the street"
    names = {rule_name(r, "zh"): r for r in RULES}
    for mode, want in (("opened", may - apr), ("closed", apr - may)):
        at = _as_user("gaps", gaps_rules=RULES, gaps_history=mode)
        frame = next(d.value for d in at.dataframe if "首次出现" in d.value.columns)
        assert {(names[r["规则"]], r["编号"]) for r in frame.to_dict("records")} == want, mode
        assert "数据来自 省sa 数据库保存的快照" in [c.value for c in at.caption]


def test_a_street_user_of_a_province_reads_its_trend_and_report(street_user, downloads):
    snaps = _sa_snapshots(street_user)
    at = _as_user("overview")
    frame = next(d.value for d in at.dataframe if "统计期" in d.value.columns and "规则" in d.value.columns)
    shown = {(r["编号"], r["统计期"]): r["覆盖率"] for r in frame.to_dict("records")}
    want = {(rule, period_name(s.info, "zh")): s.total(rule).rate for s in snaps for rule in s.info.rules
            if s.total(rule) is not None and s.total(rule).rate is not None}  # fmt: skip
    assert want and shown == pytest.approx(want, abs=5e-4)

    at = _as_user("gaps", gaps_rules=RULES)
    assert at.session_state["gaps_report_period"] == "2026-05"
    books = [load_workbook(io.BytesIO(c)) for h in downloads if isinstance(c := h() if callable(h) else h, bytes)
             and c[:2] == b"PK"]  # fmt: skip
    (book,) = [b for b in books if b.sheetnames[0] == COVER]
    assert "2026年5月" in book[COVER].cell(1, 1).value
    ledger = [r for r in book["本期台账变化"].iter_rows(min_row=2, values_only=True) if any(r)]
    assert ledger, "the April → May load's changes, read from sa's own load history"

    html = "".join(m.value for m in _as_user("report_print").markdown)
    last = snaps[-1]
    assert "统计期:2026年5月" in html
    for rule in last.info.rules:
        if (f := last.total(rule)) is not None:
            assert f'<td>{rule_name(rule, "zh")}</td><td class="num">{f.covered:,}</td>' in html, rule


def _run(args: list[str], env: dict[str, str]) -> str:
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 0, (result.output, result.stderr)
    return result.stdout


def _listed(env: dict[str, str]) -> dict[str, list[str]]:
    return {
        key: [r["编号 id"] for r in json.loads(_run(["snapshots", "--format", "json", *extra], env))]
        for key, extra in (("one", []), ("sa", ["--province", "sa"]), ("sb", ["--province", "sb"]))
    }


def test_an_export_carries_every_provinces_history_back_where_it_belongs(histories, cli_env, tmp_path):  # noqa: F811
    _, config = histories
    env = {**cli_env, "ORGGRAPH_CONFIG": str(config), "COLUMNS": "200"}
    held = _listed(env)
    assert len(held["sa"]) >= 2 and len(held["sb"]) >= 2
    out = tmp_path / "导出"
    said = _run(["export", str(out), "--ledger-format", "csv"], env)
    for key in ("sa", "sb"):
        assert snapshot_files.stored(out / "databases" / f"prov_{key}"), key
        assert f"省份 province 省{key}: " in said
    streets = (out / f"{load_layout().by_label('Street').zh}.csv").read_text(encoding="utf-8")
    assert "\nAS0001," in streets and "\nBS0001," in streets  # every province's records, one set a load routes back
    admin = tmp_path / "admin"
    _run(["export", str(admin), "--neo4j-admin"], env)  # one folder per database: neo4j-admin fills one at a time
    for key, tag in (("sa", "A"), ("sb", "B")):
        streets = (admin / "databases" / f"prov_{key}" / "nodes_Street.csv").read_text(encoding="utf-8")
        assert f"\n{tag}S0001," in streets

    fresh = {**env, "ORGGRAPH_DATA_DIR": str(tmp_path / "fresh")}  # a data dir of nothing: files only are read here
    said = _run(["snapshots", "--import", str(out)], fresh)
    assert f"已取回 {sum(len(v) for v in held.values())} 份快照" in said and "省sa: " in said
    assert _listed(fresh) == held
    again = _run(["snapshots", "--import", str(out)], fresh)
    assert "已取回 0 份快照" in again and _listed(fresh) == held  # held already: kept as they are

    alone = tmp_path / "sa_only"
    _run(["snapshots", "--province", "sa", "--export", str(alone)], env)
    assert not snapshot_files.stored(alone) and len(snapshot_files.stored(alone / "databases" / "prov_sa")) == len(
        held["sa"]
    )  # a province's history alone travels under its database's folder too: taken back, it is that province's

    (tmp_path / "none.toml").write_text("", encoding="utf-8")
    plain = {**fresh, "ORGGRAPH_DATA_DIR": str(tmp_path / "plain"), "ORGGRAPH_CONFIG": str(tmp_path / "none.toml")}
    said = _run(["snapshots", "--import", str(out)], plain)
    assert "未取回 databases/prov_sa" in said and "not taken: no configured province" in said
    assert json.loads(_run(["snapshots", "--format", "json"], plain)) == []  # never into the one graph's history


def _plan(mapped, province: str) -> whatif_plans.Plan:
    """A saved what-if made on ``province``'s graph (a branch proposed with nothing tied to it)."""
    proposal = Proposal().add_branch("AP9002", "试点小区党支部", "小区党支部")
    with open_provinces(mapped, start=False) as stores:
        result = what_if(stores[province], proposal, ["compound_org"], None, TODAY)
    return whatif_plans.make_plan("试点建支部", proposal, result, None, "tester")


def test_a_load_over_provinces_takes_the_exports_histories_back(histories, cli_env, tmp_path):  # noqa: F811
    """``orggraph load`` of an export folder over provinces: the load writes nothing new (the same May ledgers), and
    the histories moved aside come back from the export's copy, each into its province's."""
    mapped, config = histories
    env = {**cli_env, "ORGGRAPH_CONFIG": str(config), "COLUMNS": "200"}
    held = _listed(env)
    folder = tmp_path / "台账"
    shutil.copytree(config.parent / MONTHS[-1].isoformat(), folder)
    _run(["snapshots", "--export", str(folder)], env)
    homes = [snapshot_files.folder(history_home(mapped, key).folder) for key in ("sa", "sb")]
    plan = _plan(mapped, "sa")  # a saved what-if of sa's graph, in the export where sa's history sits
    save_plan(folder / "databases" / "prov_sa", plan)
    for home in homes:
        home.rename(home.with_name("snapshots.aside"))
    try:
        said = _run(["load", str(folder)], env)
        assert f"已导入快照 snapshots taken from the export: {len(held['sa']) + len(held['sb'])}" in said
        assert _listed(env) == held
        assert "已导入方案 saved what-ifs taken from the export: 1" in said
        assert [p.name for p in list_plans(history_home(mapped, "sa").folder)] == [plan.name]  # sa's, as its history
        assert list_plans(history_home(mapped, None).folder) == list_plans(history_home(mapped, "sb").folder) == []
        exported = tmp_path / "导出"
        _run(["export", str(exported), "--ledger-format", "csv"], env)
        assert [p.name for p in list_plans(exported / "databases" / "prov_sa")] == [plan.name]
        assert list_plans(exported) == []
    finally:
        shutil.rmtree(whatif_plans.folder(history_home(mapped, "sa").folder), ignore_errors=True)
        for home in homes:
            if home.with_name("snapshots.aside").exists():
                shutil.rmtree(home, ignore_errors=True)
                home.with_name("snapshots.aside").rename(home)


def test_an_area_of_a_province_reads_its_history_without_naming_the_province(histories, cli_env):  # noqa: F811
    """``changes --area`` of a province's street, no ``--province``: that province's history, as the app reads it."""
    _, config = histories
    env = {**cli_env, "ORGGRAPH_CONFIG": str(config), "COLUMNS": "200"}
    args = ["changes", "--from", "2026-04", "--to", "2026-05", "--area", STREET, "--format", "json"]
    by_area = json.loads(_run(args, env))
    assert by_area["gaps"] and by_area == json.loads(_run([*args, "--province", "sa"], env))
    assert "省sa · " in _run(args[:-2], env)  # the table names the province it read


def test_a_command_finding_an_areas_province_starts_the_server_once(histories, cli_env, settings, monkeypatch):  # noqa: F811
    """``changes --area`` of a province's street with no server up: the province holding it is asked, then its
    history read, under one server start (``hold_server``; two before, the second with every cache cold)."""
    _, config = histories
    starts: list[int] = []
    real = EmbeddedServer.start

    def counted(self, *args, **kwargs):
        starts.append(1)
        return real(self, *args, **kwargs)

    running = EmbeddedServer(settings).status()
    assert running is not None
    EmbeddedServer(settings).stop()
    try:
        monkeypatch.setattr(EmbeddedServer, "start", counted)
        env = {**cli_env, "ORGGRAPH_CONFIG": str(config)}
        _run(["changes", "--from", "2026-04", "--to", "2026-05", "--area", STREET], env)
        assert len(starts) == 1 and EmbeddedServer(settings).status() is None  # started once, and stopped
    finally:
        monkeypatch.undo()
        same = settings.model_copy(update={"bolt_port": running.bolt_port, "http_port": running.http_port})
        EmbeddedServer(same).start(owner_pid=os.getpid())  # the worker's server again, where its stores connect
