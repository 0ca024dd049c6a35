"""Commands on ledger files: ``validate``, ``load``, ``template`` and ``export``.

Why apart: they share the file-size caps (``--max-file-mb`` …) and the way issues are printed, and they are
the commands a clerk uses; the commands on the graph as a whole stay in ``main``.
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError as PydanticValidationError
from rich.markup import escape
from rich.progress import Progress

from loaders.ledger_limits import LedgerLimits
from loaders.ledger_reader import ledger_files_at
from loaders.ledger_writer import CSV_ENCODINGS, LEDGER_FORMATS, write_ledgers, write_templates
from orggraph.access import audit
from orggraph.analysis import history, whatif_plans
from orggraph.analysis.province_history import every_home, export_histories, import_histories
from orggraph.cli import provinces as cli_provinces
from orggraph.cli.common import EXIT_ERROR, app, choose, console, edge, err_console, names_allowed, settings_of
from orggraph.graph import backends
from orggraph.graph.store import BoltStore
from orggraph.ingest import graph_export
from orggraph.ingest import load as ingest
from orggraph.model.errors import ConfigError, Issue, OrgGraphError, ValidationError
from orggraph.present.output import issue_rows, load_summary_rows, removal_rows, render


def _show_issues(issues: list[Issue], fmt: str) -> None:
    if fmt == "json":
        typer.echo(json.dumps(issue_rows(issues), ensure_ascii=False, indent=2, default=str))
    else:
        for issue in issues:
            style = "red" if issue.severity == "error" else "yellow"
            err_console.print(
                f"[{style}]{'错误 error' if style == 'red' else '提示 warning'}[/] {escape(issue.one_line())}",
                highlight=False,
                soft_wrap=True,
            )


def _limits(ctx: typer.Context, file_mb: float | None, unzipped_mb: float | None, rows: int | None) -> LedgerLimits:
    """The settings' caps on a ledger file, with this command's flags on top."""
    flags = {"max_file_mb": file_mb, "max_unzipped_mb": unzipped_mb, "max_rows_per_sheet": rows}
    limits = LedgerLimits.from_settings(settings_of(ctx))
    try:
        return LedgerLimits(**(limits.model_dump() | {k: v for k, v in flags.items() if v is not None}))
    except PydanticValidationError as exc:
        raise ConfigError("上限必须是正数", f"limits must be positive numbers ({exc.errors()[0]['msg']})") from None


@app.command("validate")
@edge
def validate_cmd(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="台账文件或目录 / ledger file or folder")],
    fmt: Annotated[str, typer.Option("--format", help="table|json")] = "table",
    against_graph: Annotated[
        bool, typer.Option(help="同时核对引用的编号是否在图谱中(需连接图谱)/ also check references against the graph")
    ] = False,
    max_file_mb: Annotated[float | None, typer.Option(help="单个文件上限 MB / max file size (MB)")] = None,
    max_unzipped_mb: Annotated[float | None, typer.Option(help="xlsx 解压后上限 MB / max unzipped xlsx (MB)")] = None,
    max_rows_per_sheet: Annotated[int | None, typer.Option(help="每表行数上限 / max rows per sheet")] = None,
) -> None:
    """校验台账,不写入 / validate ledgers without writing anything.

    Reads and checks the files alone, with no graph server; ``--against-graph`` also checks references to
    records that are only in the graph.

    示例 Example: orggraph validate 台账/ --format json
    """
    choose(fmt, ("table", "json"))
    limits = _limits(ctx, max_file_mb, max_unzipped_mb, max_rows_per_sheet)
    if against_graph:
        ledger_files_at(path)  # a mistyped folder is said before a server is started for it
        with backends.open_store(settings_of(ctx)) as store:
            result, files, _ = ingest.read_and_validate(path, store, "validate", limits=limits, keep_props=False)
    else:
        result, files, _ = ingest.read_and_validate(path, None, "validate", limits=limits, keep_props=False)
    _show_issues(result.issues, fmt)
    errors = len(result.errors)
    err_console.print(
        f"{len(files)} 个文件 files, {sum(result.rows.values())} 行 rows, {errors} 个错误 errors, "
        f"{len(result.issues) - errors} 个提示 warnings"
    )
    if errors:
        raise typer.Exit(EXIT_ERROR)


@app.command("load")
@edge
def load_cmd(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="台账文件或目录 / ledger file or folder")],
    dry_run: Annotated[bool, typer.Option(help="只比较不写入 / compare only")] = False,
    sync: Annotated[
        bool, typer.Option(help="删除台账中已无的记录和关系(仅限台账所及街道)/ remove what the ledger no longer lists")
    ] = False,
    skip_invalid: Annotated[bool, typer.Option(help="只导入有效行 / write only the valid rows")] = False,
    max_file_mb: Annotated[float | None, typer.Option(help="单个文件上限 MB / max file size (MB)")] = None,
    max_unzipped_mb: Annotated[float | None, typer.Option(help="xlsx 解压后上限 MB / max unzipped xlsx (MB)")] = None,
    max_rows_per_sheet: Annotated[int | None, typer.Option(help="每表行数上限 / max rows per sheet")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table|json")] = "table",
    max_transaction_rows: Annotated[
        int, typer.Option(help="单个事务的最大行数,超出的首次导入分批记账写入 / rows per transaction")
    ] = ingest.SINGLE_TRANSACTION_LIMIT,
) -> None:
    """导入台账(全部成功或全部不写)/ load ledgers, all or nothing.

    What the graph holds and the ledger no longer lists (a removed row, a cleared id cell) is reported per
    sheet; ``--sync`` removes it in the same all-or-nothing write, only within the streets the ledger's rows sit
    in.

    示例 Example: orggraph load 台账/ --dry-run --sync
    """
    choose(fmt, ("table", "json"))
    caps = (max_file_mb, max_unzipped_mb, max_rows_per_sheet)
    ledger_files_at(path)  # a mistyped folder is said before a server is started for it
    if settings_of(ctx).provinces:  # one database per province: the rows split by province, each part loaded
        _load_provinces(ctx, path, dry_run, skip_invalid, sync, fmt, _limits(ctx, *caps))
        return
    with (
        backends.open_store(settings_of(ctx)) as store,  # one server session for the load and its snapshot
        ThreadPoolExecutor(1, thread_name_prefix="snapshot-ahead") as ahead,
    ):
        if not dry_run and settings_of(ctx).snapshot_after_load:
            ahead.submit(history.prepare_snapshot)  # while the load writes; its errors are the snapshot's own
        report = _load_with_progress(ctx, store, path, fmt, dry_run, skip_invalid, sync, max_transaction_rows, caps)
        audit.record_load(settings_of(ctx).resolved_data_dir(), audit.cli_user(), report, dry_run)
        after = _after_load(ctx, store, path, report, dry_run)
    if fmt == "json":
        data = _load_report_data(report, dry_run) | after
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return
    _show_load_report(report, dry_run, fmt)
    for line in after.values():
        console.print(line, highlight=False)


def _load_provinces(
    ctx: typer.Context, path: Path, dry_run: bool, skip_invalid: bool, sync: bool, fmt: str, limits: LedgerLimits
) -> None:
    if skip_invalid:
        zh = "按省分库导入时不支持 --skip-invalid:请先改正台账"
        raise ConfigError(zh, "--skip-invalid is not offered over provinces: fix the rows first")
    try:
        reports = cli_provinces.load(settings_of(ctx), path, dry_run, sync, limits)
    except ValidationError as exc:
        _show_issues(exc.issues, fmt)
        audit.record(settings_of(ctx).resolved_data_dir(), audit.cli_user(), "import_refused",
                     files=[str(path)], rows=len(exc.issues), reason="invalid_rows")  # fmt: skip
        raise
    for report in reports.values():
        audit.record_load(settings_of(ctx).resolved_data_dir(), audit.cli_user(), report, dry_run)
    for line in ({} if dry_run else _export_extras(ctx, path)).values():
        console.print(line, highlight=False)


def _export_extras(ctx: typer.Context, path: Path) -> dict[str, str]:
    """The snapshots (each back into its own history: the one graph's, or its province's) and the saved plans of an
    export folder, taken after a committed load of it."""
    settings, said = settings_of(ctx), {}
    if path.is_dir() and (taken := import_histories(settings, path)).count:
        said["snapshots_imported"] = f"已导入快照 snapshots taken from the export: {taken.count}"
    homes = every_home(settings) if path.is_dir() else []  # each database's plans back into its folder, as snapshots
    if plans := [name for home, rel in homes for name in whatif_plans.import_plans(path / rel, home)]:
        said["plans_imported"] = f"已导入方案 saved what-ifs taken from the export: {len(plans)}"
    return said


def _after_load(
    ctx: typer.Context, store: BoltStore, path: Path, report: ingest.LoadReport, dry_run: bool
) -> dict[str, str]:
    """What a committed load brings along (issue 15): the snapshots and saved plans of an export it was given, and a
    snapshot of today's figures (``snapshot_after_load``) through the load's own store (a server the command started
    stops only after it: opened again, it started afresh, ~1.5 s and every cache cold). A snapshot that cannot be
    taken does not undo the load; it is said."""
    if dry_run:
        return {}
    settings = settings_of(ctx)
    data_dir = settings.resolved_data_dir()
    said = _export_extras(ctx, path)
    if report.written and settings.snapshot_after_load:
        try:
            started = time.perf_counter()
            info = history.snapshot_after_load(store, data_dir, settings.current_date())
            report.timings["snapshot"] = time.perf_counter() - started  # its share of a load: issue 15's figure
            said["snapshot"] = f"已保存快照 snapshot stored: {info.label} · {info.id}"
        except OrgGraphError as exc:
            said["snapshot"] = f"导入已完成,快照未保存 the load stands, no snapshot: {exc.one_line()}"
    return said


def _load_with_progress(
    ctx: typer.Context,
    store: BoltStore,
    path: Path,
    fmt: str,
    dry_run: bool,
    skip_invalid: bool,
    sync: bool,
    max_transaction_rows: int,
    caps: tuple[float | None, float | None, int | None],
) -> ingest.LoadReport:
    """Load under a progress bar. A refused load shows its issues and is written to the audit log before the
    error goes up, so a clerk sees why and the log says a load was tried."""
    with Progress(console=err_console, transient=True) as bar:
        task = bar.add_task("写入 writing", total=None)
        try:
            return ingest.load_ledgers(
                store,
                path,
                dry_run,
                skip_invalid,
                progress=lambda _phase, n, total: bar.update(task, advance=n, total=total),
                single_transaction_limit=max_transaction_rows,
                sync=sync,
                limits=_limits(ctx, *caps),
            )
        except ValidationError as exc:
            bar.stop()
            _show_issues(exc.issues, fmt)
            audit.record(settings_of(ctx).resolved_data_dir(), audit.cli_user(), "import_refused",
                         files=[str(path)], rows=len(exc.issues), reason="invalid_rows")  # fmt: skip
            raise


def _load_report_data(report: ingest.LoadReport, dry_run: bool) -> dict[str, Any]:
    """The load report as ``--format json`` prints it: one object a script can read instead of the tables."""
    return {
        "load_id": report.load_id,
        "mode": report.mode,
        "written": report.written,
        "summary": load_summary_rows(report),
        "removals": removal_rows(report.plan, dry_run),
        "issues": issue_rows(report.result.issues),
        "timings": report.timings,
    }


def _show_load_report(report: ingest.LoadReport, dry_run: bool, fmt: str) -> None:
    """The load report for a person: issues, rows per sheet, what is no longer in the ledger, then the timings."""
    _show_issues(report.result.issues, fmt)
    render(load_summary_rows(report), "table", console, title=f"导入 load {report.load_id}")
    _show_removals(report, dry_run)
    verb = "试运行,未写入 dry run, nothing written" if dry_run else f"已写入 written: {report.written}"
    console.print(f"{verb}; " + ", ".join(f"{k} {v:.1f}s" for k, v in report.timings.items()), highlight=False)


def _show_removals(report: ingest.LoadReport, dry_run: bool) -> None:
    plan = report.plan
    rows = removal_rows(plan, dry_run)  # none without a plan
    if plan is None or not any(
        r["台账中已无 not in ledger"] or r["范围外未动 outside scope"] or r["仍被引用未删 still named, kept"]
        for r in rows
    ):
        return
    render(rows, "table", console, title="台账中已无 / in the graph, no longer in the ledger")
    removals = plan.removals
    if removals.by_sheet and not plan.sync:
        console.print(
            f"台账中已无: {sum(removals.by_sheet.values())} 条,未删除;确认后用 --sync 删除"
            f" | {sum(removals.by_sheet.values())} no longer in the ledger, kept; --sync removes them",
            highlight=False,
        )
    if removals.still_named:
        console.print(
            f"已从本表删去却仍被其他行引用: {len(removals.still_named)} 条,保留;同步前请恢复其行或改掉引用"
            f" | {len(removals.still_named)} gone from their sheet but still named by other rows: kept; restore"
            " their rows or change the references before a sync",
            highlight=False,
        )


@app.command()
@edge
def template(
    out: Annotated[Path, typer.Argument(help="输出目录 / output folder")],
    fmt: Annotated[str, typer.Option("--ledger-format", help="台账文件格式 xlsx|csv / ledger files")] = "xlsx",
) -> None:
    """写出空白台账模板和填好的示例 / write blank ledger templates and a filled example.

    示例 Example: orggraph template 模板/
    """
    choose(fmt, LEDGER_FORMATS, "台账文件格式", "ledger format")
    paths = write_templates(out, ingest.DEMO_FIXTURE, fmt)
    console.print("已写入 written: " + ", ".join(str(p) for p in paths), highlight=False)


@app.command()
@edge
def export(
    ctx: typer.Context,
    out: Annotated[Path, typer.Argument(help="输出目录 / output folder")],
    fmt: Annotated[str, typer.Option("--ledger-format", help="台账文件格式 xlsx|csv / ledger files")] = "xlsx",
    encoding: Annotated[str, typer.Option(help="CSV 编码 utf-8|gb18030")] = "utf-8",
    neo4j_admin: Annotated[bool, typer.Option(help="写出 neo4j-admin import CSV")] = False,
    with_names: Annotated[bool, typer.Option("--with-names", help="含人员姓名 / include person names")] = False,
) -> None:
    """导出图谱为台账或 neo4j-admin 导入文件 / export the graph as ledgers or neo4j-admin CSVs.

    人员只有化名编号,姓名留空,除非 --with-names / persons by pseudonymous id, names blank unless --with-names.
    配置了省份时各省数据库的记录一并导出(导入时按省分回),--neo4j-admin 则每省一个目录 databases/<库名>/。
    With provinces configured every province's records are exported too (a load routes them back); with
    --neo4j-admin each province's database goes to its own folder, databases/<database>/.

    示例 Example: orggraph export 导出/ --neo4j-admin
    """
    choose(fmt, LEDGER_FORMATS, "台账文件格式", "ledger format")
    choose(encoding, CSV_ENCODINGS, "CSV 编码", "CSV encoding")
    names, settings = names_allowed(ctx, with_names), settings_of(ctx)
    with backends.open_store(settings) as store:
        if neo4j_admin:
            paths = graph_export.write_neo4j_admin(store, out, names=names)
            if settings.provinces:  # each province's database in its own folder: one import each
                paths += cli_provinces.province_admin_files(settings, out, names)
        else:
            # without names the column is left out, not written blank: loading such an export keeps the names
            hidden = () if names else graph_export.sensitive_columns(store.schema)
            nodes, edges = graph_export.export_records(store, names=names)
            if settings.provinces:  # the provinces' records too, as one set of ledgers a routed load takes back
                more, ties = cli_provinces.province_records(settings, names)
                nodes, edges = nodes + more, edges + ties
            paths = write_ledgers(nodes, edges, out, fmt, encoding, hidden)
            paths += export_histories(settings, out)  # history travels along, every province's too
            homes = every_home(settings)  # and the saved plans, each database's as its snapshots
            paths += [p for home, rel in homes for p in whatif_plans.export_plans(home, out / rel)]
    audit.by_cli(settings_of(ctx).resolved_data_dir(), "export", files=len(paths), neo4j_admin=neo4j_admin)
    console.print(f"已写入 {len(paths)} 个文件 files → {out}", highlight=False)
