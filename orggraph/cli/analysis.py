"""The analysis commands: ``gaps`` (coverage report), ``path`` and ``reach`` (linkage), ``network``
(co-building network structure) and ``whatif`` (a proposal's effect on coverage; ``--save`` keeps it as a plan,
which ``orggraph.cli.plans`` lists, runs again and exports)."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Annotated, Any, cast

import typer

from orggraph.access import audit
from orggraph.analysis.coverage import CoverageIndex, GapReport, gap_report
from orggraph.analysis.entities import resolve_entities, resolve_entity
from orggraph.analysis.geography import AREA_LEVELS
from orggraph.analysis.linkage import PATH_ORDER, linkage_paths
from orggraph.analysis.linkage import reach as reach_from
from orggraph.analysis.name_index import NameIndex
from orggraph.analysis.whatif import Proposal, what_if
from orggraph.cli import provinces as cli_provinces
from orggraph.cli.common import app, choose, console, edge, err_console, parse_day, settings_of
from orggraph.cli.plans import save_result  # registers plans
from orggraph.graph import backends
from orggraph.model.errors import QueryError
from orggraph.model.schema import load_schema
from orggraph.present.gap_output import (
    area_matrix,
    gap_rows,
    report_json,
    report_xlsx,
    rows_csv,
    rule_summary_rows,
    worst_areas,
)
from orggraph.present.output import render

GAP_FORMATS = ("table", "csv", "json", "xlsx")
LEVELS = {"district": "District", "street": "Street", "community": "Community", "grid": "Grid"}


def _write(data: str | bytes, out: Path | None) -> None:
    if out is None:
        if isinstance(data, bytes):
            raise QueryError("xlsx 格式需要 --out 文件", "the xlsx format needs --out FILE")
        sys.stdout.write(data)
        return
    out.write_bytes(data) if isinstance(data, bytes) else out.write_text(data, encoding="utf-8")
    console.print(f"已写出 written: {out}")


@app.command()
@edge
def gaps(
    ctx: typer.Context,
    area: Annotated[str | None, typer.Option("--area", help="区、街道、社区或网格编号 / area id")] = None,
    rule: Annotated[list[str] | None, typer.Option("--rule", "-r", help="规则编号,可重复 / rule id")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="截至日期 / as-of date (YYYY-MM-DD)")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table|csv|json|xlsx")] = "table",
    by: Annotated[str | None, typer.Option(help="按层级列出覆盖率 district|street|community|grid")] = None,
    limit: Annotated[int, typer.Option(help="表格中列出的缺口数 / gaps listed in the table")] = 20,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="写入文件 / write to file")] = None,
) -> None:
    """覆盖缺口报告:每条规则、每个区域的覆盖率与缺口清单 / coverage-gap report per rule and area.

    示例 Example: orggraph gaps --area S0009 --rule compound_org --format xlsx -o gaps.xlsx
    """
    choose(fmt, GAP_FORMATS)
    level = LEVELS[choose(by, LEVELS, "层级", "level")] if by else None
    when = parse_day(as_of) or settings_of(ctx).current_date()
    if settings_of(ctx).provinces:  # one database per province: the nation is their sum, an area its one database
        report = cli_provinces.report(settings_of(ctx), rule, area, when, show=fmt == "table")
    else:
        with backends.open_store(settings_of(ctx)) as store:
            report = gap_report(store, rule, area, when)
    if fmt == "json":
        _write(report_json(report) + "\n", out)
    elif fmt == "csv":
        _write(rows_csv(gap_rows(report.outcomes)), out)
    elif fmt == "xlsx":
        _write(report_xlsx(report), out)
    else:
        _print_report(report, level, limit)


def _print_report(report: GapReport, level: str | None, limit: int) -> None:
    """Narrow tables for a terminal; every column (and English) is in --format csv|json|xlsx."""
    where = f"{report.area.name}({report.area.id})" if report.area else "全部区域 all areas"
    title = f"覆盖缺口 coverage gaps · {where} · 截至 as of {report.as_of.isoformat()}"
    summary = [
        {
            "规则 rule": r["规则 rule"],
            "名称 name": r["名称"],
            "类别": r["类别 kind"],
            "覆盖 covered": f"{r['已覆盖 covered']}/{r['总数 total']}",
            "覆盖率 rate": r["覆盖率 rate"],
            "缺口 gaps": r["缺口 gaps"],
        }
        for r in rule_summary_rows(report)
    ]
    render(summary, "table", console, title=title)
    child = level or _child_level(report)
    if child:
        rows = area_matrix(report, child) if level else worst_areas(report, child)
        what = "各区域覆盖率 rate per area" if level else "缺口最多的区域 areas with the most gaps"
        render(rows, "table", console, title=what)
    listed = [g for o in report.outcomes for g in o.gaps]
    if listed and limit > 0:
        rows = [
            {"规则 rule": g.rule_id, "名称 name": g.name, "区域 area": g.chain_text(), "原因 why": g.why_zh,
             "建议 action": g.action_zh}
            for g in listed[:limit]
        ]  # fmt: skip
        render(rows, "table", console, title="缺口清单 gaps")
        if len(listed) > limit:
            console.print(
                f"另有 {len(listed) - limit} 个缺口未列出,用 --limit 或 --format csv|xlsx 查看全部 / "
                f"{len(listed) - limit} more gaps: use --limit or --format csv|xlsx"
            )


def _child_level(report: GapReport) -> str | None:
    if report.area is None:
        return "Street"
    below = AREA_LEVELS.index(report.area.label) + 1 if report.area.label in AREA_LEVELS else len(AREA_LEVELS)
    return AREA_LEVELS[below] if below < len(AREA_LEVELS) else None


@app.command()
@edge
def whatif(
    ctx: typer.Context,
    proposal: Annotated[Path, typer.Argument(help="方案文件 YAML(新党组织、协议、联合支部)/ proposal file")],
    area: Annotated[str | None, typer.Option("--area", help="区域编号 / area id")] = None,
    rule: Annotated[list[str] | None, typer.Option("--rule", "-r", help="规则编号 / rule id")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="截至日期 / as-of date")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table|json")] = "table",
    save: Annotated[str | None, typer.Option("--save", help="以此名称保存方案 / save as a named plan")] = None,
) -> None:
    """假设分析:方案实施前后的覆盖率对比,不写入图谱 / coverage before and after a proposal, nothing written.

    方案文件与示例数据格式相同:nodes 按类型列出新节点,edges 按关系列出 [起点编号, 终点编号],编号可以是图谱中已有的。
    The file lists new nodes per label and ties per type as [src id, dst id]; ids may be the graph's.

    --save 名称:保存方案及其前后对比,之后用 orggraph plans 列出、重算、导出。
    --save NAME keeps the proposal and its figures: list, run again and export them with orggraph plans.

    示例 Example: orggraph whatif docs/whatif_example.yaml -r compound_org -r community_agreement --as-of 2026-12-31
    """
    choose(fmt, ("table", "json"))
    if not proposal.is_file():
        raise QueryError(f"找不到方案文件 {proposal}", f"no proposal file {proposal}")
    plan = Proposal.from_yaml(proposal)
    with backends.open_store(settings_of(ctx)) as store:
        index = CoverageIndex.fetch(store)
        result = what_if(store, plan, rule, area, parse_day(as_of) or settings_of(ctx).current_date(), index)
        names = NameIndex.fetch(store) if save is not None else None  # the plan keeps the names its ties point at
    changes = cast(list[dict[str, Any]], result.changes())  # RuleChange dicts; whatif_detail asks for plain dicts
    audit.by_cli(settings_of(ctx).resolved_data_dir(), "whatif", **audit.whatif_detail(changes, area))
    saved = ""
    if save is not None and names is not None:
        saved = save_result(settings_of(ctx).resolved_data_dir(), save, plan, result, index, area, names)
    rows = [
        {
            "规则 rule": c["rule"].id,
            "名称 name": c["rule"].zh,
            "之前 before": f"{c['before'][0]}/{c['before'][1]} {_pct(c['before'][2])}",
            "之后 after": f"{c['after'][0]}/{c['after'][1]} {_pct(c['after'][2])}",
            "消除缺口 closed": ", ".join(c["closed"]),
            "新增缺口 opened": ", ".join(c["opened"]),
        }
        for c in result.changes()
    ]
    if fmt == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    else:
        render(rows, "table", console, title=f"假设分析 what-if · 截至 as of {result.before.as_of.isoformat()}")
    if saved:
        err_console.print(saved, highlight=False)  # stderr: --format json keeps stdout to the JSON


def _pct(rate: float | None) -> str:
    return "" if rate is None else f"({rate:.1%})"


def _types(via: list[str] | None) -> tuple[str, ...]:
    """--via given repeatedly or comma-separated."""
    return tuple(t.strip() for v in via or [] for t in v.split(",") if t.strip())


@app.command()
@edge
def path(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="起点:编号或名称 / from: id or name")],
    target: Annotated[str, typer.Argument(help="终点:编号或名称 / to: id or name")],
    via: Annotated[list[str] | None, typer.Option(help="只经过这些关系类型 / only these relationship types")] = None,
    max_hops: Annotated[int, typer.Option(help="最多跳数 1-20 / hop limit")] = 8,
    k: Annotated[int, typer.Option("--k", help="最多给出几条路径 / paths to show")] = 3,
    lang: Annotated[str, typer.Option(help="说明语言 zh|en / language of the chains")] = "zh",
    fmt: Annotated[str, typer.Option("--format", help="table|json")] = "table",
) -> None:
    """联结路径:两个对象之间的联结(组织关系优先)及备选,以中文链条说明 / linkage paths, organisational ties first.

    名称可模糊匹配;匹配多个时列出候选,请改用编号。没有路径时退出码为 1。
    Names are matched fuzzily; an ambiguous name lists the candidates. Exit code 1 when there is no path.

    示例 Example: orggraph path 国网黄冈供电公司 长沟馨园 --max-hops 6
    """
    choose(fmt, ("table", "json"))
    choose(lang, ("zh", "en"), "语言", "language")
    if settings_of(ctx).provinces:  # one database per province: a path runs within one
        src, dst, found = cli_provinces.paths(settings_of(ctx), source, target, _types(via), max_hops, k)
    else:
        with backends.open_store(settings_of(ctx)) as store:
            src, dst = resolve_entities(store, source, target)
            found = linkage_paths(store, src, dst, _types(via), max_hops, k)
    if fmt == "json":
        doc = [
            {
                "length": p.length,
                "geography_steps": p.geography_steps,
                "chain": p.explain(lang),
                "nodes": [{"id": n.id, "label": n.label, "name": n.name} for n in p.nodes],
                "relationships": [{"type": r.type, "forward": r.forward} for r in p.rels],
            }
            for p in found
        ]
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    else:
        console.print(f"{src.name}({src.id}) → {dst.name}({dst.id})")
        for i, p in enumerate(found, start=1):
            console.print(f"[bold]路径 path {i}[/](共 {p.length} 跳 hops):{p.explain(lang)}", soft_wrap=True)
        if len(found) > 1:
            console.print(" / ".join(PATH_ORDER), style="dim")
    if not found:
        console.print(f"{max_hops} 跳之内没有联结 / no linkage within {max_hops} hops")
        raise typer.Exit(1)


@app.command()
@edge
def reach(
    ctx: typer.Context,
    entity: Annotated[str, typer.Argument(help="对象:编号或名称 / entity: id or name")],
    hops: Annotated[int, typer.Option(help="跳数 1-6 / hops")] = 3,
    via: Annotated[list[str] | None, typer.Option(help="只经过这些关系类型 / only these relationship types")] = None,
    label: Annotated[
        list[str] | None, typer.Option("--label", help="列出的类型 / kinds to list (Unit, PartyOrg, Resource)")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="table|csv|json")] = "table",
) -> None:
    """可达范围:K 跳之内能联结到该对象的驻区单位、党组织和资源 / who can reach an entity within K hops.

    示例 Example: orggraph reach 长沟馨园 --hops 3 --label Unit
    """
    choose(fmt, ("table", "csv", "json"))
    labels = tuple(label) if label else ("Unit", "PartyOrg", "Resource")
    schema = load_schema()
    with backends.open_store(settings_of(ctx)) as store:
        target = resolve_entity(store, entity)
        found = reach_from(store, target, hops, _types(via), labels)
    rows = [
        {
            "跳数 hops": r.distance,
            "类型 kind": f"{schema.node(r.entity.label).zh} {r.entity.label}",
            "编号 id": r.entity.id,
            "名称 name": r.entity.name,
            "驻区 stationed": {True: "是 yes", False: "否 no", None: ""}[r.stationed],
        }
        for r in found
    ]
    title = f"{hops} 跳之内可联结 {target.name}({target.id})的对象 / within {hops} hops of {target.name}"
    render(rows, fmt, console, title=title)


@app.command()
@edge
def network(
    ctx: typer.Context,
    top: Annotated[int, typer.Option(help="列出最核心的前几名 / how many central entities")] = 10,
    fmt: Annotated[str, typer.Option("--format", help="table|json")] = "table",
) -> None:
    """共建网络结构:孤立社区、关键驻区单位、最核心的单位和党组织 / the co-building network's structure.

    示例 Example: orggraph network --top 10
    """
    from orggraph.analysis.network import analyse_network, fetch_network  # networkx: ~0.1 s other commands need not pay

    choose(fmt, ("table", "json"))
    with backends.open_store(settings_of(ctx)) as store:
        graph = fetch_network(store, settings_of(ctx).current_date())
    report = analyse_network(graph, top=top)
    if fmt == "json":
        sys.stdout.write(json.dumps(dataclasses.asdict(report), ensure_ascii=False, indent=2) + "\n")
        return

    def name(node: str) -> str:
        return f"{graph.nodes[node].get('name') or node}({node})"

    console.print(
        f"共建网络 co-building network: {report.nodes:,} 个节点 nodes, {report.edges:,} 条联结 ties, "
        f"{report.communities:,} 个社区 communities, {report.stationed_units:,} 个驻区单位 stationed units, "
        f"{report.components:,} 个连通块 components"
    )
    sections: list[tuple[str, list[dict[str, Any]]]] = [
        ("孤立社区(无驻区单位可联结)/ isolated communities", [{"社区 community": name(c)} for c in report.isolated]),
        (
            "关键驻区单位(失去后有社区被隔断)/ critical stationed units",
            [
                {"单位 unit": name(c.unit), "被隔断的社区 cut off": "、".join(map(name, c.cut_off))}
                for c in report.critical
            ],
        ),
        (
            "最核心的单位和党组织 / most central units and orgs",
            [{"名称 name": name(e.id), "类型 kind": e.label, "联结 ties": e.ties,
              "中介中心度 betweenness": f"{e.betweenness:.4f}"} for e in report.central.by_betweenness],
        ),
    ]  # fmt: skip
    for title, rows in sections:
        if rows:
            render(rows, "table", console, title=title)
        else:
            console.print(f"{title}:无 / none")
