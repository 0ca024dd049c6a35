"""Coverage over time on the command line: ``snapshot`` (store today's or a past day's figures), ``snapshots``
(list them, carry them with an export), ``changes`` (what changed between two periods) and ``report`` (a street's
monthly workbook).

Why a module of its own: these commands read the stored snapshots (``orggraph.analysis.history``) as much as the
graph, and share the way a period is named (a date, a month ``2026-11`` or a label). The CLI runs as the data
dir's owner, over the whole region; ``--area`` narrows every answer to an area and the areas under it.
``--province KEY`` (one database per province) runs each on that province's database and its own history
(``province_history.history_home``): the same answers a data dir holding that database alone would give. Without it,
with provinces configured, ``--area`` of a province's database reads that province's, as the app does.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from orggraph.access import audit
from orggraph.analysis.history import stored_snapshots, take_snapshot
from orggraph.analysis.history_changes import changes_between
from orggraph.analysis.history_ledger import LedgerPeriod, ledger_period, ledger_rows
from orggraph.analysis.history_report import monthly_report
from orggraph.analysis.province_history import (
    HistoryHome,
    TakenHistories,
    area_province,
    export_histories,
    history_home,
    import_histories,
    open_history,
)
from orggraph.cli.common import app, choose, console, edge, hold_server, parse_day, settings_of
from orggraph.graph.province_databases import province_names
from orggraph.model.config import Settings
from orggraph.present import history_rows
from orggraph.present.history_workbook import monthly_xlsx
from orggraph.present.output import render

Province = Annotated[
    str | None,
    typer.Option("--province", help="省份键,读该省数据库及其快照 / a province's key: its database and its history"),
]


def _home(ctx: typer.Context, province: str | None, area: str | None = None) -> HistoryHome:
    """``--province``'s history; without it, with provinces configured, the history of the province holding
    ``--area`` (``province_history.area_province``), else the one graph's."""
    settings = settings_of(ctx)
    if province is None and area is not None:
        hold_server(ctx)  # the province found is read next: one server start for both
        province = area_province(settings, area, start=True)
    return history_home(settings, province)


def _whose(home: HistoryHome) -> str:
    """How an answer names the province it is about (nothing for the one graph)."""
    return f"{home.name} · " if home.province else ""


@app.command()
@edge
def snapshot(
    ctx: typer.Context,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="截至日期,早于今天为补录 / as-of date (past: backfill)")
    ] = None,
    label: Annotated[str | None, typer.Option(help="名称,默认为月份 / label (default: the month, 2026年11月)")] = None,
    area: Annotated[str | None, typer.Option("--area", help="只存一个区域 / one area only")] = None,
    province: Province = None,
) -> None:
    """保存覆盖情况快照:每条规则、每个区域的覆盖率与缺口 / store a snapshot of the gap report's figures.

    早于今天的日期只重算随日期变化的规则(协议、任期、职务),见 docs/history.md。
    A past date recomputes the date-driven rules only (agreements, terms, posts): see docs/history.md.

    示例 Example: orggraph snapshot --as-of 2026-10-31 --label 2026年10月
    """
    settings, home = settings_of(ctx), _home(ctx, province, area)
    today = settings.current_date()
    when = parse_day(as_of) or today
    with open_history(settings, home) as store:
        info = take_snapshot(store, home.folder, when, today, label, area)
    kind = "补录 backfilled, date-driven rules only" if info.backfilled else "全部规则 all rules"
    console.print(
        f"{_whose(home)}已保存快照 snapshot stored: {info.label} · 截至 as of {info.as_of.isoformat()} · "
        f"{info.area_name or '全部区域 all areas'} · {len(info.rules)} 条规则 rules ({kind}) · {info.id}",
        highlight=False,
    )


@app.command()
@edge
def snapshots(
    ctx: typer.Context,
    export_to: Annotated[
        Path | None, typer.Option("--export", help="复制到导出目录 / copy into an export folder")
    ] = None,
    import_from: Annotated[Path | None, typer.Option("--import", help="从导出目录取回 / take from an export")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table|json")] = "table",
    province: Province = None,
) -> None:
    """列出已保存的快照,随导出目录带走或取回 / list the stored snapshots; carry them with an export.

    分省分库时 --export / --import 带上每个省的历史(导出目录中 databases/<数据库>/snapshots/,取回时回到该省);
    加 --province 只带该省的。With provinces, --export / --import carry every province's history too (under
    databases/<database>/snapshots/ in the folder, taken back into that province's); --province carries its own only.

    示例 Example: orggraph snapshots --export 导出/
    """
    choose(fmt, ("table", "json"))
    settings, home = settings_of(ctx), _home(ctx, province)
    data_dir, every = home.folder, province is None
    if export_to is not None:
        files = export_histories(settings, export_to, province, every)
        console.print(f"已复制 {len(files) // 2} 份快照 snapshots → {export_to}", highlight=False)
    if import_from is not None:
        taken = import_histories(settings, import_from, province, every)
        console.print(f"已取回 {taken.count} 份快照 snapshots taken from {import_from}", highlight=False)
        _say_taken(settings, taken)
    rows = history_rows.snapshot_rows(stored_snapshots(data_dir))
    if fmt == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    elif export_to is None and import_from is None:
        render(rows, "table", console, title=f"{_whose(home)}已保存的快照 stored snapshots")


def _say_taken(settings: Settings, taken: TakenHistories) -> None:
    """Per province, how many snapshots went back into its history; an export's province history that no configured
    province stands for is said, not guessed at."""
    names = province_names(settings)
    for key, ids in taken.taken.items():
        if key is not None:
            console.print(f"  {names[key]}: {len(ids)}", highlight=False)
    for folder in taken.unplaced:
        console.print(
            f"  未取回 databases/{folder}:没有配置使用该数据库的省份 / not taken: no configured province uses that "
            "database",
            highlight=False,
        )


@app.command()
@edge
def changes(
    ctx: typer.Context,
    from_: Annotated[str, typer.Option("--from", help="起始期:日期、月份或名称 / from: date, month or label")],
    to: Annotated[str, typer.Option("--to", help="结束期 / to")],
    area: Annotated[str | None, typer.Option("--area", help="区域编号 / area id")] = None,
    months: Annotated[int, typer.Option(help="标出超过 N 个月未整改 / flag gaps open over N months")] = 3,
    limit: Annotated[int, typer.Option(help="列出的缺口数 / gaps listed")] = 30,
    fmt: Annotated[str, typer.Option("--format", help="table|csv|json")] = "table",
    province: Province = None,
) -> None:
    """两期之间的变化:新增缺口、已整改、仍未整改及持续时间 / what changed between two periods.

    示例 Example: orggraph changes --from 2026-10 --to 2026-11 --area S0009
    """
    choose(fmt, ("table", "csv", "json"))
    settings, home = settings_of(ctx), _home(ctx, province, area)
    result = changes_between(home.folder, from_, to, area)
    with open_history(settings, home) as store:
        period = ledger_period(store, result.older, result.newer, area)
        ledger = history_rows.ledger_rows(ledger_rows(store, period))
    summary = history_rows.rule_change_rows(result, months)
    listed = history_rows.gap_change_rows(result, months)
    if fmt == "json":
        doc: dict[str, Any] = {
            "rules": summary,
            "areas": history_rows.area_change_rows(result),
            "gaps": listed,
            "ledger": {"loads": list(period.loads), "records": ledger, "notes": history_rows.ledger_notes(period)},
        }
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n")
        return
    if fmt == "csv":
        render(listed, "csv", console)
        return
    render(summary, "table", console, title=_whose(home) + history_rows.changes_title(result))
    render(history_rows.area_change_rows(result), "table", console, title="各区域 per area")
    render(listed[:limit], "table", console, title="缺口变化 gaps")
    if len(listed) > limit:
        console.print(f"另有 {len(listed) - limit} 条未列出,用 --limit 或 --format csv / {len(listed) - limit} more")
    if not all(c.compared for c in result.rules):
        console.print(history_rows.NOT_COMPARED_NOTE, highlight=False)
    _show_ledger(period, ledger, limit)


def _show_ledger(period: LedgerPeriod, ledger: list[dict[str, Any]], limit: int) -> None:
    """The period's ledger changes: counts per sheet, then the records (ids, and names where the graph has them)."""
    title = f"台账变化 ledger changes · {len(period.loads)} 次导入 loads"
    if period.sheets:
        render(history_rows.ledger_count_rows(period), "table", console, title=title)
    if ledger:
        render(ledger[:limit], "table", console, title="变化的记录 records changed")
        if len(ledger) > limit:
            console.print(
                f"另有 {len(ledger) - limit} 条未列出,用 --limit 或 --format json / {len(ledger) - limit} more"
            )
    elif period.known and not period.sheets:
        console.print("本期台账没有变化 / no ledger changes in the period", highlight=False)
    for note in history_rows.ledger_notes(period):
        console.print(note, highlight=False)


@app.command()
@edge
def report(
    ctx: typer.Context,
    period: Annotated[str, typer.Option("--period", help="统计期:月份、日期或名称 / period: month, date or label")],
    out: Annotated[Path, typer.Option("--out", "-o", help="输出 xlsx 文件 / the xlsx file to write")],
    area: Annotated[str | None, typer.Option("--area", help="区域编号 / area id")] = None,
    province: Province = None,
) -> None:
    """月度党建覆盖报告(Excel):封面、各规则缺口、已整改、到期协议、趋势图 / the monthly coverage workbook.

    数字取自该期保存的快照 / the figures are the period's stored snapshot.

    示例 Example: orggraph report --area S0009 --period 2026-11 -o 太白湖街道_2026年11月党建覆盖.xlsx
    一个省的街道 A province's street: orggraph report --province sd --area S0009 --period 2026-11 -o 报告.xlsx
    """
    settings, home = settings_of(ctx), _home(ctx, province, area)
    with open_history(settings, home) as store:
        monthly = monthly_report(store, home.folder, area, period)
    out.write_bytes(monthly_xlsx(monthly))
    where = {"province": province} if province else {}
    label = monthly.period.info.label
    audit.by_cli(settings.resolved_data_dir(), "export", report="monthly", area=area, period=label, **where)
    console.print(f"已写出 written: {out}", highlight=False)
