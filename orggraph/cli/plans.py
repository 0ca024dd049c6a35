"""Saved what-ifs on the command line: ``whatif … --save NAME`` keeps a proposal and its figures
(:func:`save_result`), ``plans`` lists them, runs one again on today's graph (``--rerun``), writes one as a
workbook (``--export``), deletes one (``--delete``, audited as ``whatif_delete``) and carries them all with an export
folder (``--export-all``, ``--import``; ``orggraph export`` and loading an export do it by themselves). The CLI
runs as the data dir's owner, over the whole region: it sees every street's plans;
``--area`` picks the street when two streets named their plans alike (``orggraph.analysis.whatif_plans``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from orggraph.access import audit
from orggraph.analysis.coverage import CoverageIndex
from orggraph.analysis.name_index import NameIndex
from orggraph.analysis.whatif import Proposal, WhatIf
from orggraph.analysis.whatif_plans import (
    Plan,
    delete_plan,
    export_plans,
    find_plan,
    import_plans,
    list_plans,
    make_plan,
    rerun,
    save_plan,
    street_of,
)
from orggraph.analysis.whatif_plans import then_and_now as then_now_rows
from orggraph.cli.common import app, choose, console, edge, settings_of
from orggraph.graph import backends
from orggraph.model.errors import QueryError
from orggraph.present.output import local_time, rate_text, render, share_text
from orggraph.present.whatif_workbook import plan_xlsx


def save_result(
    data_dir: Path,
    name: str,
    proposal: Proposal,
    result: WhatIf,
    index: CoverageIndex,
    area: str | None,
    names: NameIndex,
) -> str:
    """``whatif --save NAME``: the proposal and its figures kept as a plan (replacing one of the same name in the
    same street), recorded in the audit log; returns what to tell the user."""
    known = {e.id: e.name for e in names.entries}
    plan = make_plan(name, proposal, result, street_of(index.geography, area), audit.cli_user(), names=known)
    replaced = save_plan(data_dir, plan)
    audit.by_cli(data_dir, "whatif_save", plan=plan.name, area=plan.area, replaced=replaced)
    verb = "已替换同名方案 replaced" if replaced else "已保存方案 saved"
    return f"{verb}: {plan.name}(orggraph plans --rerun {plan.name})"


def _list_rows(plans: list[Plan]) -> list[dict[str, Any]]:
    rows = []
    for p in plans:
        before, after = p.rates()
        rows.append(
            {
                "名称 name": p.name,
                "区域 area": f"{p.area_name}({p.area})" if p.area else "全部区域 all",
                "街道 street": p.street or "—",
                "保存人 saved by": p.saved_by,
                "保存于 saved at": local_time(p.saved_at.isoformat()),
                "截至 as of": p.as_of.isoformat(),
                "项 items": len(p.nodes),
                "覆盖率 rate": f"{rate_text(before)} → {rate_text(after)}",
            }
        )
    return rows


def _then_now(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "规则 rule": r["name"],
            "当时 then": f"{share_text(r['then_before'])} → {share_text(r['then_after'])}",
            "今日 now": f"{share_text(r['now_before'])} → {share_text(r['now_after'])}",
            "消除缺口 closed then/now": f"{r['closed_then']}/{r['closed_now']}",
            "仍可消除 still closes": r["still_closes"],
        }
        for r in rows
    ]


@app.command()
@edge
def plans(
    ctx: typer.Context,
    rerun_name: Annotated[
        str | None, typer.Option("--rerun", help="在今天的图谱上重新计算该方案 / run a plan again today")
    ] = None,
    export_name: Annotated[str | None, typer.Option("--export", help="导出该方案为 Excel / export a plan")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="导出文件 .xlsx / workbook to write")] = None,
    delete_name: Annotated[str | None, typer.Option("--delete", help="删除该方案 / delete a plan")] = None,
    export_all: Annotated[
        Path | None, typer.Option("--export-all", help="全部方案复制到导出目录 / copy every plan into an export folder")
    ] = None,
    import_from: Annotated[Path | None, typer.Option("--import", help="从导出目录取回 / take from an export")] = None,
    area: Annotated[str | None, typer.Option("--area", help="只看该街道的方案 / one street's plans")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table|json")] = "table",
) -> None:
    """已保存的假设分析方案:列出、今日重算、导出、删除、随导出带走 / saved what-ifs: list, rerun, export, delete.

    用 orggraph whatif 方案.yaml --save 名称 保存。导出时同时给出 --rerun 同名方案,工作簿多一页“今日重算”。
    orggraph export 会把方案一并写入导出目录,导入该目录时取回本机没有的方案。
    Save one with orggraph whatif FILE --save NAME; --export with --rerun of the same plan adds a then-vs-now sheet.
    orggraph export copies the plans along; loading that folder takes back the plans not held here.

    示例 Example: orggraph plans --rerun 盛世馨园建支部 --export 盛世馨园建支部 -o 盛世馨园建支部.xlsx
    """
    _check_options(fmt, rerun_name, export_name, out, delete_name)
    data_dir = settings_of(ctx).resolved_data_dir()
    if delete_name or export_all or import_from:
        _carry(data_dir, delete_name, area, export_all, import_from)
        return
    if not (rerun_name or export_name):
        _list(data_dir, area, fmt)
        return
    plan = find_plan(data_dir, str(rerun_name or export_name), street=area)
    now = _rerun(ctx, plan, fmt) if rerun_name else None
    if export_name and out is not None:
        data = plan_xlsx(plan, now, settings_of(ctx).current_date())
        out.write_bytes(data)
        audit.by_cli(data_dir, "export", what="whatif_plan:xlsx", plan=plan.name, rows=len(plan.figures),
                     bytes=len(data))  # fmt: skip
        console.print(f"已写出 written: {out}", highlight=False)


def _check_options(
    fmt: str, rerun_name: str | None, export_name: str | None, out: Path | None, delete_name: str | None
) -> None:
    choose(fmt, ("table", "json"))
    if export_name and out is None:
        raise QueryError("导出需要 --out 文件(.xlsx)", "--export needs --out FILE (.xlsx)")
    if rerun_name and export_name and rerun_name != export_name:
        raise QueryError("--rerun 与 --export 须为同一方案", "--rerun and --export must name the same plan")
    if delete_name and (rerun_name or export_name):
        raise QueryError("--delete 不能与 --rerun、--export 同用", "--delete goes alone, not with --rerun or --export")


def _list(data_dir: Path, area: str | None, fmt: str) -> None:
    rows = _list_rows([p for p in list_plans(data_dir) if area is None or p.street == area])
    if fmt == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    elif rows:
        render(rows, "table", console, title="已保存的假设分析方案 saved what-ifs")
    else:
        console.print("还没有保存的方案 / no saved plans (orggraph whatif FILE --save NAME)")


def _carry(
    data_dir: Path, delete_name: str | None, area: str | None, export_all: Path | None, import_from: Path | None
) -> None:
    """``--delete`` (audited), ``--export-all`` and ``--import``: what happens to the plan files themselves."""
    if delete_name:
        plan = delete_plan(data_dir, delete_name, street=area)
        audit.by_cli(data_dir, "whatif_delete", plan=plan.name, area=plan.area, street=plan.street)
        console.print(f"已删除方案 deleted: {plan.name}", highlight=False)
    if export_all is not None:
        files = export_plans(data_dir, export_all)
        console.print(f"已复制 {len(files)} 个方案 plans → {export_all / 'whatif_plans'}", highlight=False)
    if import_from is not None:
        taken = import_plans(import_from, data_dir)
        console.print(f"已取回 {len(taken)} 个方案 plans taken from {import_from}", highlight=False)


def _rerun(ctx: typer.Context, plan: Plan, fmt: str) -> list[dict[str, Any]]:
    """The plan run again on today's graph, shown then vs now (recorded as a what-if)."""
    settings = settings_of(ctx)
    with backends.open_store(settings) as store:
        result = rerun(store, plan, settings.current_date())
    changes = [dict(c) for c in result.changes()]
    audit.by_cli(settings.resolved_data_dir(), "whatif", plan=plan.name, **audit.whatif_detail(changes, plan.area))
    rows = then_now_rows(plan, result)
    if fmt == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2, default=list) + "\n")
    else:
        title = f"方案 plan “{plan.name}” · 当时 then {plan.as_of.isoformat()} · 今日 now {result.before.as_of}"
        render(_then_now(rows), "table", console, title=title)
    return rows
