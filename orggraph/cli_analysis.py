"""The analysis commands: ``gaps`` (coverage report), ``path`` and ``reach`` (linkage), ``network``
(co-building network structure) and ``whatif`` (a proposal's effect on coverage)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from orggraph import backends
from orggraph.cli_common import app, console, edge, settings_of
from orggraph.coverage import gap_report
from orggraph.errors import QueryError
from orggraph.gap_output import area_matrix, gap_rows, report_json, report_xlsx, rows_csv, summary_rows, worst_areas
from orggraph.geography import AREA_LEVELS
from orggraph.output import render
from orggraph.whatif import Proposal, what_if

GAP_FORMATS = ("table", "csv", "json", "xlsx")
LEVELS = {"district": "District", "street": "Street", "community": "Community", "grid": "Grid"}


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise QueryError(
            f"日期应写成 2026-11-22,收到 '{text}'", f"dates are written 2026-11-22, got '{text}'"
        ) from None


def _choice(value: str, allowed: tuple[str, ...] | dict, what_zh: str, what_en: str) -> str:
    if value not in allowed:
        valid = ", ".join(allowed)
        raise QueryError(f"未知{what_zh} {value};可选 {valid}", f"unknown {what_en} {value}; use {valid}")
    return value


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
    _choice(fmt, GAP_FORMATS, "输出格式", "format")
    level = LEVELS[_choice(by, LEVELS, "层级", "level")] if by else None
    when = _date(as_of)
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


def _print_report(report, level: str | None, limit: int) -> None:
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
        for r in summary_rows(report)
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


def _child_level(report) -> str | None:
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
) -> None:
    """假设分析:方案实施前后的覆盖率对比,不写入图谱 / coverage before and after a proposal, nothing written.

    方案文件与示例数据格式相同:nodes 按类型列出新节点,edges 按关系列出 [起点编号, 终点编号],编号可以是图谱中已有的。
    The file lists new nodes per label and ties per type as [src id, dst id]; ids may be the graph's.

    示例 Example: orggraph whatif docs/whatif_example.yaml --rule compound_org --rule community_agreement
    """
    _choice(fmt, ("table", "json"), "输出格式", "format")
    if not proposal.is_file():
        raise QueryError(f"找不到方案文件 {proposal}", f"no proposal file {proposal}")
    with backends.open_store(settings_of(ctx)) as store:
        result = what_if(store, Proposal.from_yaml(proposal), rule, area, _date(as_of))
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


def _pct(rate: float | None) -> str:
    return "" if rate is None else f"({rate:.1%})"
