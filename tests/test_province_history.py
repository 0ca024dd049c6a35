"""A province's coverage history, read (issue 15 over issue 12's one database per province): ``snapshot``,
``snapshots``, ``changes`` and ``report`` with ``--province KEY`` work on that province's database and the
history kept with it (``DATA_DIR/databases/<database>/snapshots/``), and the nation page draws each province's
rate per month from those histories.

Two generated street regions tagged A and B (test_province_databases' ``tagged``, test_province_snapshots'
provinces ``sa`` and ``sb``) are loaded through the province routing twice, as their ledgers stood on 2026-04-30
and then whole on 2026-05-31, each load taking its provinces' snapshots as a load does. The commands with
``--province sa`` must read sa's history only and answer what the same commands answer on a data dir whose one
graph is sa's database and whose own history is sa's (the server's ``prov_sa`` named as the database, the data
dir's ``snapshots/`` holding a copy of sa's for the while).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fixed_date import TODAY
from openpyxl import load_workbook
from test_app_language import data, data_strings, foreign, shown_texts  # noqa: F401  (fixtures)
from test_province_databases import province_config, tagged
from test_province_snapshots import PROVINCES
from typer.testing import CliRunner

from loaders.ledger_writer import write_ledgers
from orggraph.analysis.coverage import gap_report
from orggraph.analysis.history import read_snapshot, stored_snapshots
from orggraph.analysis.province_history import history_home, province_rules, province_trend
from orggraph.analysis.province_loads import load_by_province, snapshot_provinces
from orggraph.cli.main import app
from orggraph.graph import snapshot_files
from orggraph.graph.province_databases import open_provinces
from orggraph.ingest.demo_months import month_states
from orggraph.model.config import ProvinceDatabase, Settings
from orggraph.model.errors import ConfigError
from orggraph.model.records import EdgeRecord, NodeRecord

pytestmark = pytest.mark.provinces
MONTHS = (dt.date(2026, 4, 30), dt.date(2026, 5, 31))
runner = CliRunner()


@pytest.fixture(scope="module")
def histories(settings, tmp_path_factory) -> Iterator[tuple[Settings, Path]]:
    """Provinces sa and sb (emptied), loaded month by month with a snapshot per province after each load; the
    settings and the config file naming them. The provinces' histories are removed afterwards."""
    provinces = {k: ProvinceDatabase(database=f"prov_{k}", areas=(f"{t}D001",), name=f"省{k}") for k, (t, _) in
                 PROVINCES.items()}  # fmt: skip
    mapped = settings.model_copy(update={"provinces": provinces, "snapshot_after_load": True})
    folder = tmp_path_factory.mktemp("province_history")
    config = province_config(folder, PROVINCES)
    homes = [history_home(mapped, key).folder for key in provinces]
    for home in homes:
        shutil.rmtree(home, ignore_errors=True)
    nodes, edges = [], []
    for tag, seed in PROVINCES.values():
        n, e = tagged(tag, seed)
        nodes, edges = nodes + n, edges + e
    with open_provinces(mapped, start=False) as stores:
        for store in stores.values():
            store.clear()
        for as_of, (n, e) in zip(MONTHS, (_april(nodes, edges), (nodes, edges)), strict=True):
            write_ledgers(n, e, folder / as_of.isoformat(), "csv")
            reports = load_by_province(stores, mapped, folder / as_of.isoformat())
            taken = snapshot_provinces(stores, mapped, reports, as_of)
            assert sorted(taken) == ["sa", "sb"] and all(not isinstance(i, Exception) for i in taken.values())
    yield mapped, config
    for home in homes:
        shutil.rmtree(home, ignore_errors=True)


def _april(nodes: list[NodeRecord], edges: list[EdgeRecord]) -> tuple[list[NodeRecord], list[EdgeRecord]]:
    """The regions as the demo's months have them on 2026-04-30 (``month_states``), every party org kept: a routed
    load refuses a person whose only tie went to a withheld org (no province to place it in)."""
    first = month_states(nodes, edges, MONTHS)[0]
    kept = {n.id for n in first.nodes}
    gone = {n.id for n in nodes if n.id not in kept and n.label != "PartyOrg"}
    return [n for n in nodes if n.id not in gone], [e for e in edges if e.src_id not in gone and e.dst_id not in gone]


def _run(args: list[str], env: dict[str, str]) -> str:
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 0, (result.output, result.stderr)
    return result.stdout


def _cells(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every sheet's values, the cover's generated time left out (it is the moment of writing)."""
    book = load_workbook(path)
    return {
        ws.title: [row for row in ws.iter_rows(values_only=True) if not any("生成时间" in str(c) for c in row)]
        for ws in book.worksheets
    }


def _answers(env: dict[str, str], extra: list[str], out: Path) -> dict[str, object]:
    """What the history commands answer in ``env`` (``extra``: the options naming the province, if any)."""
    listed = json.loads(_run(["snapshots", "--format", "json", *extra], env))
    changed = json.loads(_run(["changes", "--from", "2026-04", "--to", "2026-05", "--format", "json", *extra], env))
    street = json.loads(
        _run(["changes", "--from", "2026-04", "--to", "2026-05", "--area", "AS0001", "--format", "json", *extra], env)
    )
    _run(["report", "--area", "AS0001", "--period", "2026-05", "-o", str(out), *extra], env)
    return {"snapshots": listed, "changes": changed, "street": street, "report": _cells(out)}


def test_the_history_commands_read_one_provinces_history_as_if_it_were_alone(histories, cli_env, settings, tmp_path):
    mapped, config = histories
    env = {**cli_env, "ORGGRAPH_CONFIG": str(config), "COLUMNS": "200"}
    own = snapshot_files.folder(settings.data_dir)
    held = sorted(p.name for p in own.glob("*"))  # the one graph's history, if another test left one
    sa, sb = history_home(mapped, "sa").folder, history_home(mapped, "sb").folder
    stored = _run(["snapshot", "--province", "sa"], env)
    assert "省sa · 已保存快照 snapshot stored: 2026年6月" in stored and "全部规则 all rules" in stored
    assert [i.as_of for i in stored_snapshots(sa)] == [*MONTHS, TODAY] and len(stored_snapshots(sb)) == 2
    assert sorted(p.name for p in own.glob("*")) == held  # nothing of a province in the one graph's history
    with open_provinces(mapped, start=False) as stores:  # the new snapshot is sa's database's report of the day
        live, snap = gap_report(stores["sa"], None, None, TODAY), read_snapshot(sa, stored_snapshots(sa)[-1])
    assert snap.gap_keys() == {(o.rule.id, g.id) for o in live.outcomes for g in o.gaps}
    assert all((snap.total(o.rule.id).covered, snap.total(o.rule.id).total) == (o.covered, o.total)
               for o in live.outcomes)  # fmt: skip

    mine = _answers(env, ["--province", "sa"], tmp_path / "sa.xlsx")
    assert [r["编号 id"] for r in mine["snapshots"]] == [i.id for i in stored_snapshots(sa)]
    gaps = mine["changes"]["gaps"]
    assert gaps and all(g["编号 id"].startswith("A") for g in gaps), gaps[:3]  # sa's gaps only, never sb's
    assert mine["changes"]["ledger"]["records"]  # the April → May load changed rows
    assert mine["report"]["本期已整改"][1:] and mine["report"]["本期台账变化"][1:]

    alone = {**cli_env, "ORGGRAPH_CONFIG": str(tmp_path / "none.toml"), "NEO4J_DATABASE": "prov_sa"}
    (tmp_path / "none.toml").write_text("", encoding="utf-8")
    aside = own.with_name("snapshots.aside")
    if own.exists():
        own.rename(aside)
    try:
        shutil.copytree(snapshot_files.folder(sa), own)
        theirs = _answers(alone, [], tmp_path / "alone.xlsx")
    finally:
        shutil.rmtree(own, ignore_errors=True)
        if aside.exists():
            aside.rename(own)
    assert mine == theirs


def test_an_unknown_province_is_said_with_the_known_ones(histories, cli_env, tmp_path):
    _, config = histories
    env = {**cli_env, "ORGGRAPH_CONFIG": str(config)}
    for args in (["snapshots"], ["snapshot"], ["changes", "--from", "2026-04", "--to", "2026-05"],
                 ["report", "--period", "2026-05", "-o", str(tmp_path / "x.xlsx")]):  # fmt: skip
        result = runner.invoke(app, [*args, "--province", "zz"], env=env)
        assert result.exit_code == 2, result.output
        assert "unknown province zz; configured: sa, sb" in result.stderr and "未知省份 zz" in result.stderr
    (tmp_path / "none.toml").write_text("", encoding="utf-8")
    plain = runner.invoke(
        app, ["snapshots", "--province", "sa"], env={**cli_env, "ORGGRAPH_CONFIG": str(tmp_path / "none.toml")}
    )
    assert plain.exit_code == 2 and "no province is configured" in plain.stderr
    with pytest.raises(ConfigError, match="未配置任何省份"):
        history_home(histories[0].model_copy(update={"provinces": {}}), "sa")


def test_the_nation_page_draws_each_provinces_rate_per_month(histories, data, monkeypatch):  # noqa: F811
    from app_harness import open_page, rerun

    mapped, config = histories
    monkeypatch.setenv("ORGGRAPH_CONFIG", str(config))
    rules = province_rules(mapped)
    names = [*data, *(f"省{k}" for k in PROVINCES), *PROVINCES]  # the provinces' names and keys are data
    at = open_page("overview")
    assert "**各省覆盖率趋势**" in [m.value for m in at.markdown]
    picker = next(s for s in at.selectbox if s.key == "nation_trend_rule")
    assert picker.value == rules[0]
    for rule in (rules[0], rules[-1]):
        picker = next(s for s in at.selectbox if s.key == "nation_trend_rule")
        picker.set_value(rule)
        at = rerun(at)
        table = next(d.value for d in at.dataframe if "省份" in d.value.columns and "统计期" in d.value.columns)
        want = province_trend(mapped, rule)
        assert want and len(table) == len(want)
        got = {(row["省份"], row["编号"], round(row["覆盖率"], 3)) for _, row in table.iterrows()}
        assert got == {(p.name, p.province, round(p.rate or 0, 3)) for p in want}
        assert {p.info.as_of for p in want if p.province == "sa"} >= set(MONTHS)
    assert not foreign(shown_texts(at), "zh", names)
    at.sidebar.radio[0].set_value("en")
    at = rerun(at)
    assert "**Coverage rate per province over time**" in [m.value for m in at.markdown]
    table = next(d.value for d in at.dataframe if "Province" in d.value.columns and "Period" in d.value.columns)
    assert set(table["Province"]) <= {"省sa", "省sb"} and len(table) == len(province_trend(mapped, rules[-1]))
    assert not foreign(shown_texts(at), "en", names)
