"""`orggraph path`, `reach` and `network` through the CLI on the demo region: the chains a person reads,
the JSON a program reads, and one-line errors for bad input."""

from __future__ import annotations

import json

import pytest
from test_cli import assert_one_line_error, invoke


@pytest.fixture
def env(demo_store, cli_env):
    return {**cli_env, "COLUMNS": "250"}


def test_path_prints_organisational_chains_first(env):
    result = invoke(["path", "国网济宁供电公司党委", "K01", "--k", "3"], env)
    assert result.exit_code == 0, result.output
    assert (
        "路径 path 1(共 5 跳 hops):国网济宁供电公司党委 —双报到→ 金城社区 ←覆盖— 金城社区党委 —领导→ "
        "金城社区第一网格党支部 —领导→ 金城小区党支部 —覆盖→ 金城小区" in result.stdout
    )
    assert "路径 path 3(共 3 跳 hops):国网济宁供电公司党委 —双报到→ 金城社区 ←隶属— 金城社区第一网格" in result.stdout
    doc = json.loads(invoke(["path", "O10", "K01", "--format", "json", "--lang", "en"], env).stdout)
    assert [p["length"] for p in doc] == [5, 3, 3]
    assert doc[0]["chain"].startswith("国网济宁供电公司党委 -[reports to (dual reporting)]-> 金城社区 <-[covers]-")
    assert [n["id"] for n in doc[0]["nodes"]] == ["O10", "C02", "O04", "O07", "O08", "K01"]


def test_no_path_within_the_limit_says_so_and_exits_1(env):
    result = invoke(["path", "O10", "K01", "--max-hops", "2"], env)
    assert result.exit_code == 1 and "2 跳之内没有联结 / no linkage within 2 hops" in result.stdout
    only_leads = invoke(["path", "O10", "K01", "--via", "LEADS"], env)
    assert only_leads.exit_code == 1


def test_reach_lists_units_and_orgs_by_distance(env):
    result = invoke(["reach", "金城小区", "--hops", "2", "--format", "json"], env)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows and [r["跳数 hops"] for r in rows] == sorted(r["跳数 hops"] for r in rows)
    assert {r["编号 id"] for r in rows} >= {"U06"} or any(r["类型 kind"].endswith("PartyOrg") for r in rows)
    units = json.loads(invoke(["reach", "K01", "--hops", "3", "--label", "Unit", "--format", "json"], env).stdout)
    assert units and all(r["类型 kind"] == "单位 Unit" for r in units)


def test_network_reports_structure(env):
    result = invoke(["network", "--format", "json"], env)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["communities"] == 3 and doc["nodes"] > doc["communities"]
    assert set(doc) >= {"isolated", "critical", "central"}
    table = invoke(["network"], env)
    assert "孤立社区" in table.stdout and "关键驻区单位" in table.stdout


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["path", "金城", "K01"], "matches several entities"),
        (["path", "K01", "K01"], "the same entity"),
        (["path", "O10", "K01", "--max-hops", "0"], "from 1 to 20"),
        (["path", "O10", "K01", "--max-hops", "99"], "from 1 to 20"),
        (["path", "O10", "K01", "--via", "FRIENDS_WITH"], "FRIENDS_WITH"),
        (["path", "没有这个单位", "K01"], "没有这个单位"),
        (["reach", "K01", "--hops", "0"], "hops"),
        (["reach", "K01", "--label", "Planet"], "Planet"),
        (["path", "O10", "K01", "--lang", "fr"], "unknown language fr"),
    ],
)
def test_bad_input_is_one_line(env, args, needle):
    result = invoke(args, env)
    assert_one_line_error(result)
    assert needle in result.stderr
