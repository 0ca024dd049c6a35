"""Saved what-ifs (``orggraph.analysis.whatif_plans``, ``orggraph plans``, the workbook) on the demo region: a plan
saved, listed and run again equals a fresh what-if of the same proposal; its file is the owner's; its workbook
opens with the right sheets, headers and numbers; a street's plans are that street's alone."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import stat
from functools import partial

import pytest
from fixed_date import TODAY
from openpyxl import load_workbook
from typer.testing import CliRunner

from orggraph.access import audit
from orggraph.access.accounts import PermissionDenied
from orggraph.analysis.coverage import CoverageIndex
from orggraph.analysis.name_index import NameIndex
from orggraph.analysis.whatif import Proposal, what_if
from orggraph.analysis.whatif_plans import (
    delete_plan,
    export_plans,
    figures_of,
    find_plan,
    folder,
    import_plans,
    list_plans,
    make_plan,
    rerun,
    save_plan,
    street_of,
    then_and_now,
)
from orggraph.cli.main import app
from orggraph.graph.area_scope import ScopedStore
from orggraph.model.errors import OrgGraphError, QueryError
from orggraph.present.whatif_workbook import plan_xlsx

RULES = ["compound_org", "org_secretary", "community_agreement"]
SAVED_AT = dt.datetime(2026, 6, 15, 8, 30, tzinfo=dt.UTC)

RUNNER = CliRunner()


def _succeeds(env: dict[str, str], *args: str) -> str:
    """``orggraph ARGS`` in process; it must exit 0: its output."""
    result = RUNNER.invoke(app, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.output


def _branch() -> Proposal:
    return Proposal().add_branch("PROPOSED-B1", "太白花园小区党支部", "小区党支部", ["K02"], "O06", 5)


def _agreement() -> Proposal:
    expires = TODAY.replace(year=TODAY.year + 3)
    return Proposal().add_agreement("PROPOSED-A1", "古槐社区医院共建协议", ["O05", "O11"], TODAY, expires)


def _saved(store, data_dir, name, proposal, area):
    index = CoverageIndex.fetch(store)
    result = what_if(store, proposal, RULES, area, TODAY, index)
    names = {e.id: e.name for e in NameIndex.fetch(store).entries}
    plan = make_plan(name, proposal, result, street_of(index.geography, area), "tester", saved_at=SAVED_AT, names=names)
    save_plan(data_dir, plan)
    return plan, result


def test_saved_listed_and_run_again_equals_a_fresh_what_if(demo_store, tmp_path):
    branch, _ = _saved(demo_store, tmp_path, "太白花园建支部", _branch(), "S01")
    agreement, _ = _saved(demo_store, tmp_path, "古槐社区签协议", _agreement(), "C03")
    assert (branch.street, agreement.street, agreement.area_name) == ("S01", "S02", "古槐社区")
    assert {p.name for p in list_plans(tmp_path)} == {"太白花园建支部", "古槐社区签协议"}
    for plan, proposal in ((branch, _branch()), (agreement, _agreement())):
        stored = find_plan(tmp_path, plan.name)
        assert stored == plan  # dates, tuples and all come back from the file as they were saved
        again = rerun(demo_store, stored, TODAY)
        fresh = what_if(demo_store, proposal, RULES, plan.area, TODAY)
        assert again.changes() == fresh.changes()
        assert stored.figures == figures_of(fresh)
        assert all(r["still_closes"] == r["closed_then"] == r["closed_now"] for r in then_and_now(stored, again))
    assert (branch.names, agreement.names) == ({"K02": "太白花园", "O06": "太白社区第一网格党支部"},
                                               {"O05": "古槐社区党总支", "O11": "济宁市第一人民医院党委"})  # fmt: skip
    compound = next(f for f in branch.figures if f.rule == "compound_org")
    assert (compound.before, compound.after) == ((1, 3), (2, 3))  # 太白街道's three compounds
    assert [(g.id, g.name) for g in compound.closed] == [("K02", "太白花园")]
    assert branch.rates()[1] > branch.rates()[0]
    assert next(f for f in agreement.figures if f.rule == "community_agreement").closed[0].id == "C03"
    files = list(folder(tmp_path).iterdir())
    assert len(files) == 2 and all(stat.S_IMODE(os.stat(f).st_mode) == 0o600 for f in files)
    assert stat.S_IMODE(os.stat(folder(tmp_path)).st_mode) == 0o700
    assert not demo_store.read("MATCH (o:PartyOrg) WHERE o.id STARTS WITH 'PROPOSED' RETURN o.id AS id")


def test_saving_a_name_again_replaces_and_a_bad_name_is_refused(demo_store, tmp_path):
    proposal = _branch()
    result = what_if(demo_store, proposal, RULES, "S01", TODAY)
    first = make_plan("方案一", proposal, result, "S01", "tester")
    assert save_plan(tmp_path, first) is False and save_plan(tmp_path, first) is True
    assert save_plan(tmp_path, first.model_copy(update={"street": "S02"})) is False  # another street's own 方案一
    assert len(list_plans(tmp_path)) == 2
    with pytest.raises(QueryError, match="several plans"):
        find_plan(tmp_path, "方案一")
    assert find_plan(tmp_path, "方案一", street="S02").street == "S02"
    for bad in ("", "   ", "名" * 61):
        with pytest.raises(QueryError, match="方案名称须为"):
            make_plan(bad, proposal, result, "S01", "tester")


def test_a_street_user_neither_lists_nor_runs_nor_saves_another_streets_plan(demo_store, tmp_path):
    taibai, _ = _saved(demo_store, tmp_path, "太白花园建支部", _branch(), "S01")
    guhuai, _ = _saved(demo_store, tmp_path, "古槐社区签协议", _agreement(), "C03")
    assert [p.name for p in list_plans(tmp_path, "S01")] == ["太白花园建支部"]
    assert [p.name for p in list_plans(tmp_path, "S02")] == ["古槐社区签协议"]
    with pytest.raises(QueryError, match="没有名为“古槐社区签协议”的方案"):  # as if there were none
        find_plan(tmp_path, "古槐社区签协议", "S01")
    with pytest.raises(PermissionDenied):
        save_plan(tmp_path, guhuai, viewer_area="S01")
    with pytest.raises(PermissionDenied):
        rerun(ScopedStore(demo_store, "S01"), guhuai, TODAY, viewer_area="S01")
    with pytest.raises(OrgGraphError):  # its proposal, run through the street's store, names no record it can see
        rerun(ScopedStore(demo_store, "S01"), guhuai, TODAY)
    mine = find_plan(tmp_path, "太白花园建支部", "S01")
    scoped = rerun(ScopedStore(demo_store, "S01"), mine, TODAY, viewer_area="S01")
    assert scoped.changes() == rerun(demo_store, taibai, TODAY).changes()


def test_the_workbook_has_the_sheets_headers_and_numbers(demo_store, tmp_path):
    plan, _ = _saved(demo_store, tmp_path, "太白花园建支部", _branch(), "S01")
    now = then_and_now(plan, rerun(demo_store, plan, TODAY))
    book = load_workbook(io.BytesIO(plan_xlsx(plan, now, TODAY, dt.datetime(2026, 6, 15, 9, 0))))
    assert book.sheetnames == ["实施前后", "方案内容", "新增关系", "消除的缺口", "今日重算"]
    summary = book["实施前后"]
    assert summary["A1"].value.startswith("假设分析方案“太白花园建支部” · 太白街道(S01) · 截至 2026-06-15")
    assert summary.freeze_panes == "A4" and summary.auto_filter.ref == "A3:J6"
    assert [c.value for c in summary[3]][:7] == ["规则", "实施前已覆盖", "实施前总数", "实施前覆盖率", "实施后已覆盖",
                                               "实施后总数", "实施后覆盖率"]  # fmt: skip
    row = next(r for r in summary.iter_rows(min_row=4, values_only=True) if r[0] == "小区党组织覆盖")
    assert row[1:8] == pytest.approx((1, 3, 1 / 3, 2, 3, 2 / 3, 1 / 3)) and row[8] == "太白花园(K02)"
    assert summary["D4"].number_format == "0.0%"
    items = [r for r in book["方案内容"].iter_rows(min_row=4, values_only=True)]
    assert items == [(1, "党组织 · 小区党支部", "PROPOSED-B1", "太白花园小区党支部",
                      "太白花园小区党支部 覆盖 太白花园;太白社区第一网格党支部 领导 太白花园小区党支部")]  # fmt: skip
    closed = [r for r in book["消除的缺口"].iter_rows(min_row=4, values_only=True)]
    assert closed[0][:3] == ("小区党组织覆盖", "K02", "太白花园") and "太白街道" in closed[0][3]
    assert [c.value for c in book["今日重算"][3]][-1] == "仍可消除"


def test_cli_save_list_rerun_export(demo_store, cli_env, settings, tmp_path):
    data_dir = settings.resolved_data_dir()
    shutil.rmtree(folder(data_dir), ignore_errors=True)
    proposal = tmp_path / "p.yaml"
    proposal.write_text(
        "nodes:\n  PartyOrg:\n    - {id: PROPOSED-B1, name: 太白花园小区党支部, kind: 小区党支部}\n"
        "edges:\n  COVERS:\n    - [PROPOSED-B1, K02]\n  LEADS:\n    - [O06, PROPOSED-B1]\n",
        encoding="utf-8",
    )
    runner, run = RUNNER, partial(_succeeds, cli_env)

    try:
        args = ["whatif", str(proposal), "--area", "S01", "-r", "compound_org", "--format", "json"]
        saved = runner.invoke(app, [*args, "--save", "太白花园"], env=cli_env)
        assert saved.exit_code == 0 and json.loads(saved.stdout)[0]["之后 after"] == "2/3 (66.7%)"
        assert "已保存方案 saved: 太白花园" in saved.stderr  # stdout stays the JSON
        listed = json.loads(run("plans", "--format", "json"))
        assert [(r["名称 name"], r["覆盖率 rate"]) for r in listed] == [("太白花园", "33.3% → 66.7%")]
        again = json.loads(run("plans", "--rerun", "太白花园", "--format", "json"))
        assert [(r["then_before"], r["now_after"], r["still_closes"]) for r in again] == [([1, 3], [2, 3], 1)]
        out = tmp_path / "plan.xlsx"
        run("plans", "--rerun", "太白花园", "--export", "太白花园", "-o", str(out))
        assert load_workbook(out).sheetnames[-1] == "今日重算"
        missing = runner.invoke(app, ["plans", "--rerun", "没有这个方案"], env=cli_env)
        assert missing.exit_code != 0 and "没有名为“没有这个方案”的方案" in missing.output
        assert "Traceback" not in missing.output
        actions = [e["action"] for e in audit.read_events(data_dir)[:4]]
        assert actions[0] == "export" and "whatif_save" in actions
    finally:
        shutil.rmtree(folder(data_dir), ignore_errors=True)


def test_a_plan_is_deleted_only_where_its_viewer_may_see_it(demo_store, tmp_path):
    _saved(demo_store, tmp_path, "太白花园建支部", _branch(), "S01")
    _saved(demo_store, tmp_path, "古槐社区签协议", _agreement(), "C03")
    with pytest.raises(QueryError, match="没有名为“古槐社区签协议”的方案"):  # another street's: as if there were none
        delete_plan(tmp_path, "古槐社区签协议", "S01")
    gone = delete_plan(tmp_path, "太白花园建支部", "S01")
    assert gone.name == "太白花园建支部" and [p.name for p in list_plans(tmp_path)] == ["古槐社区签协议"]
    with pytest.raises(QueryError, match="没有名为“太白花园建支部”的方案"):
        delete_plan(tmp_path, "太白花园建支部")
    assert len(list(folder(tmp_path).glob("*.json"))) == 1


def test_plans_travel_with_an_export_and_a_held_plan_is_kept(demo_store, tmp_path):
    here, there, out = tmp_path / "here", tmp_path / "there", tmp_path / "export"
    taibai, _ = _saved(demo_store, here, "太白花园建支部", _branch(), "S01")
    _saved(demo_store, here, "古槐社区签协议", _agreement(), "C03")
    assert len(export_plans(here, out)) == 2 and export_plans(tmp_path / "none", out) == []
    kept = taibai.model_copy(update={"saved_by": "there"})
    save_plan(there, kept)
    assert import_plans(out, there) == ["古槐社区签协议"]
    assert {p.name: p.saved_by for p in list_plans(there)} == {"太白花园建支部": "there", "古槐社区签协议": "tester"}
    assert find_plan(there, "古槐社区签协议") == find_plan(here, "古槐社区签协议")  # the same plan, field for field
    assert stat.S_IMODE(os.stat(next(folder(there).glob("*.json"))).st_mode) == 0o600
    bad = next(folder(out).glob("*.json"))
    bad.write_text("{}", encoding="utf-8")
    with pytest.raises(QueryError, match="无法读取"):  # a bad file refuses the lot: nothing taken
        import_plans(out, tmp_path / "elsewhere")
    assert not folder(tmp_path / "elsewhere").exists()


def test_cli_delete_and_plans_riding_with_export_and_load(demo_store, cli_env, settings, tmp_path):
    data_dir = settings.resolved_data_dir()
    shutil.rmtree(folder(data_dir), ignore_errors=True)
    runner, run = RUNNER, partial(_succeeds, cli_env)

    try:
        _saved(demo_store, data_dir, "太白花园建支部", _branch(), "S01")
        _saved(demo_store, data_dir, "古槐社区签协议", _agreement(), "C03")
        run("export", str(tmp_path / "export"))
        assert len(list(folder(tmp_path / "export").glob("*.json"))) == 2  # `orggraph export` carries them
        assert "已删除方案 deleted: 太白花园建支部" in run("plans", "--delete", "太白花园建支部")
        event = audit.read_events(data_dir)[0]
        assert (event["action"], event["plan"], event["street"]) == ("whatif_delete", "太白花园建支部", "S01")
        assert [r["名称 name"] for r in json.loads(run("plans", "--format", "json"))] == ["古槐社区签协议"]
        refused = runner.invoke(app, ["plans", "--delete", "太白花园建支部", "--rerun", "太白花园建支部"], env=cli_env)
        assert refused.exit_code != 0 and "--delete" in refused.output and "Traceback" not in refused.output
        back = json.loads(run("load", str(tmp_path / "export"), "--format", "json"))  # loading the export: back
        assert "1" in back["plans_imported"]
        assert sorted(p.name for p in list_plans(data_dir)) == ["古槐社区签协议", "太白花园建支部"]
        run("plans", "--export-all", str(tmp_path / "again"))
        shutil.rmtree(folder(data_dir))
        assert "已取回 2 个方案" in run("plans", "--import", str(tmp_path / "again"))
        assert len(list_plans(data_dir)) == 2
    finally:
        shutil.rmtree(folder(data_dir), ignore_errors=True)
