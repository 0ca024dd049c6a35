"""The ``orggraph`` command line. 中文优先,English second.

Errors raised below are turned into one line (中文 | English) and a non-zero exit here, at the edge,
and nowhere else.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError as PydanticValidationError
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table

from loaders.ledger_limits import LedgerLimits
from loaders.ledger_writer import write_ledgers, write_templates
from orggraph.access import audit
from orggraph.analysis import query_catalogue
from orggraph.app import serve as serve_mod
from orggraph.cli import accounts as cli_accounts  # noqa: F401  (registers user add|list|passwd|disable, audit)
from orggraph.cli import analysis as cli_analysis  # noqa: F401  (registers gaps, path, reach, network, whatif)
from orggraph.cli.common import (
    EXIT_ERROR,
    app,
    console,
    db_app,
    edge,
    err_console,
    fail,
    names_allowed,
    settings_of,
)
from orggraph.graph import backends
from orggraph.graph.embedded_server import EmbeddedServer
from orggraph.ingest import graph_export
from orggraph.ingest import load as ingest
from orggraph.model.config import load_settings
from orggraph.model.errors import ConfigError, QueryError, ValidationError
from orggraph.model.schema import load_schema
from orggraph.present import readme_sections
from orggraph.present.model_docs import MODEL_DOC, check_model_doc, write_model_doc
from orggraph.present.output import FORMATS, issue_rows, load_summary_rows, removal_rows, render


@app.callback()
def main_options(
    ctx: typer.Context,
    backend: Annotated[str | None, typer.Option(help="存储后端 embedded|neo4j / backend")] = None,
    data_dir: Annotated[Path | None, typer.Option(help="嵌入式数据目录 / embedded data dir")] = None,
    config: Annotated[Path | None, typer.Option(help="配置文件 orggraph.toml / config file")] = None,
    neo4j_uri: Annotated[str | None, typer.Option(help="Neo4j Bolt 地址 / Neo4j URI")] = None,
    neo4j_user: Annotated[str | None, typer.Option(help="Neo4j 用户 / user")] = None,
    neo4j_password: Annotated[str | None, typer.Option(help="Neo4j 密码 / password")] = None,
    database: Annotated[str | None, typer.Option(help="数据库名 / database name")] = None,
) -> None:
    """基层党建组织知识图谱 / grassroots party-building knowledge graph."""
    flags = {
        "backend": backend,
        "data_dir": data_dir,
        "neo4j_uri": neo4j_uri,
        "neo4j_user": neo4j_user,
        "neo4j_password": neo4j_password,
        "database": database,
    }
    try:
        ctx.obj = {"settings": load_settings(flags, config_path=config)}
    except ConfigError as exc:
        raise fail(exc) from None


@app.command()
@edge
def init(ctx: typer.Context) -> None:
    """建立图谱:启动服务器并创建约束和索引 / set up the graph: server, constraints and indexes.

    示例 Example: orggraph init
    """
    with backends.open_store(settings_of(ctx)) as store:
        ddl = store.ensure_schema()
        info = store.server_info()
    console.print(f"已就绪 ready: {info['agent']} @ {info['address']},新建 {len(ddl)} 条约束/索引 created")


@app.command()
@edge
def status(ctx: typer.Context, fmt: Annotated[str, typer.Option("--format", help="table|json")] = "table") -> None:
    """服务器、版本与各类节点数量 / server, version and node counts per label.

    示例 Example: orggraph status --format json
    """
    schema = load_schema()
    with backends.open_store(settings_of(ctx)) as store:
        info, nodes, rels = store.server_info(), store.node_counts(), store.relationship_counts()
    if fmt == "json":
        typer.echo(json.dumps({"server": info, "nodes": nodes, "relationships": rels}, ensure_ascii=False, indent=2))
        return
    console.print(
        f"后端 backend: {info['backend']}  服务器 server: {info['agent']}  地址 address: {info['address']}"
        f"  数据库 database: {info['database']}",
        highlight=False,
    )
    table = Table("类型 label", "中文", "数量 count")
    data = {label: n for label, n in nodes.items() if schema.nodes[label].group != "bookkeeping"}
    for label, n in data.items():
        table.add_row(label, schema.nodes[label].zh, str(n))
    table.add_row("[b]合计 total[/b]", "", f"[b]{sum(data.values())}[/b]")
    console.print(table)
    console.print(f"关系 relationships: {sum(rels.values())} · 导入批次 loads: {nodes.get('LoadRun', 0)}")


def _parse_params(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise QueryError(f"参数应写成 名称=值,收到 '{pair}'", f"parameters are written name=value, got '{pair}'")
        out[key.strip()] = value
    return out


@app.command()
@edge
def query(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="查询名或 .cypher 文件 / query name or .cypher file")],
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="参数 k=v / parameter")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table|csv|json")] = "table",
    with_names: Annotated[bool, typer.Option("--with-names", help="显示人员姓名 / show person names")] = False,
) -> None:
    """运行只读查询(目录中的或文件)/ run a read-only query from the catalogue or a file.

    人员姓名默认隐去(张**),--with-names 显示 / person names are masked unless --with-names.

    示例 Example: orggraph query find_by_name -p q=太白 --format json
    """
    if fmt not in FORMATS:
        raise QueryError(
            f"未知输出格式 {fmt};可选 {', '.join(FORMATS)}", f"unknown format {fmt}; use {', '.join(FORMATS)}"
        )
    q = query_catalogue.find_query(name)
    values = query_catalogue.bind(q, _parse_params(param or []), settings_of(ctx).current_date())
    with backends.open_store(settings_of(ctx)) as store:
        rows = query_catalogue.run_query(store, q, values, names=names_allowed(ctx, with_names))
    audit.by_cli(settings_of(ctx).resolved_data_dir(), "query", **audit.query_detail(q.name, values, len(rows)))
    render(rows, fmt, console, title=f"{q.zh} / {q.en}")


@app.command("queries")
@edge
def list_queries() -> None:
    """列出查询目录 / list the saved queries.

    示例 Example: orggraph queries
    """
    table = Table("名称 name", "说明 description", "参数 parameters")
    for q in query_catalogue.load_catalogue().values():
        params = ", ".join(f"{p.name}:{p.type}" + ("" if p.required else f"={p.default}") for p in q.parameters)
        table.add_row(q.name, f"{q.zh}\n{q.en}", params)
    console.print(table)


@app.command()
@edge
def demo(
    ctx: typer.Context,
    scale: Annotated[str, typer.Option(help="规模 fixture|street|district|city|province / size")] = "city",
    seed: Annotated[int, typer.Option(help="随机种子(同种子同结果)/ seed")] = 1,
    out: Annotated[Path | None, typer.Option(help="台账输出目录 / where the ledgers go")] = None,
    fmt: Annotated[str | None, typer.Option("--ledger-format", help="台账文件格式 xlsx|csv / ledger files")] = None,
    replace: Annotated[bool, typer.Option(help="先清空图谱 / empty the graph first")] = False,
    if_empty: Annotated[bool, typer.Option(help="仅当图谱为空时 / only if the graph is empty")] = False,
) -> None:
    """生成演示区域台账并经真实导入流程载入 / generate a demo region's ledgers and load them.

    示例 Example: orggraph demo --scale city --seed 7
    """
    settings = settings_of(ctx)
    with backends.open_store(settings) as store:
        if if_empty and not ingest.graph_is_empty(store):
            console.print("图谱已有数据,跳过 / the graph already holds data; skipped")
            return
        if replace:
            store.clear_data()
        if scale == "fixture":
            summary = ingest.load_demo_fixture(store)
            console.print(f"演示区域已导入 demo loaded: {summary.nodes} 节点 nodes, {summary.relationships} 关系 rels")
            return
        target = out or settings.resolved_data_dir() / "demo" / f"{scale}-{seed}"
        with Progress(console=err_console, transient=True) as bar:
            task = bar.add_task("写入 writing", total=None)
            report = ingest.load_demo_region(
                store, scale, seed, target, fmt, progress=lambda _p, n, total: bar.update(task, advance=n, total=total)
            )
    console.print(f"演示区域 {scale}(种子 seed {seed})台账 ledgers: {target}", highlight=False)
    console.print(
        f"已写入 written: {report.written} ({report.mode}); "
        + ", ".join(f"{k} {v:.1f}s" for k, v in report.timings.items()),
        highlight=False,
    )


@app.command()
@edge
def serve(
    ctx: typer.Context,
    port: Annotated[int, typer.Option(help="端口 / port")] = 8501,
    host: Annotated[
        str, typer.Option(help="监听地址;非本机地址需先有管理员账号 / address; beyond loopback needs an admin")
    ] = "127.0.0.1",
    demo_if_empty: Annotated[bool, typer.Option(help="空图谱时导入演示 / load the demo if empty")] = True,
    demo_scale: Annotated[str, typer.Option(help="演示区域规模 / demo region size")] = "city",
) -> None:
    """启动浏览器应用 / start the Streamlit app on 127.0.0.1.

    示例 Example: orggraph serve --port 8501
    """
    demo_scale = demo_scale if demo_if_empty else None
    serve_mod.serve(settings_of(ctx), port=port, demo_scale=demo_scale, say=console.print, host=host)


@app.command()
@edge
def docs(check: Annotated[bool, typer.Option(help="只检查是否过期 / only check for drift")] = False) -> None:
    """生成模型说明与命令参考 / generate docs/model.md and the README CLI reference.

    示例 Example: orggraph docs --check
    """
    if check:
        check_model_doc()
        readme_sections.check_readme(app)
        console.print(f"{MODEL_DOC} 与 README 命令参考均为最新 / both up to date")
    else:
        write_model_doc()
        readme_sections.write_readme(app)
        console.print(f"已写入 written: {MODEL_DOC}, {readme_sections.README}")


def _show_issues(issues: list, fmt: str) -> None:
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
    limits = _limits(ctx, max_file_mb, max_unzipped_mb, max_rows_per_sheet)
    if against_graph:
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
    with backends.open_store(settings_of(ctx)) as store, Progress(console=err_console, transient=True) as bar:
        task = bar.add_task("写入 writing", total=None)
        try:
            report = ingest.load_ledgers(
                store,
                path,
                dry_run,
                skip_invalid,
                progress=lambda _phase, n, total: bar.update(task, advance=n, total=total),
                single_transaction_limit=max_transaction_rows,
                sync=sync,
                limits=_limits(ctx, max_file_mb, max_unzipped_mb, max_rows_per_sheet),
            )
        except ValidationError as exc:
            bar.stop()
            _show_issues(exc.issues, fmt)
            audit.record(settings_of(ctx).resolved_data_dir(), audit.cli_user(), "import_refused",
                         files=[str(path)], rows=len(exc.issues), reason=exc.en)  # fmt: skip
            raise
    audit.record_load(settings_of(ctx).resolved_data_dir(), audit.cli_user(), report, dry_run)
    if fmt == "json":
        data = {
            "load_id": report.load_id,
            "mode": report.mode,
            "written": report.written,
            "summary": load_summary_rows(report),
            "removals": removal_rows(report.plan, dry_run),
            "issues": issue_rows(report.result.issues),
            "timings": report.timings,
        }
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return
    _show_issues(report.result.issues, fmt)
    render(load_summary_rows(report), "table", console, title=f"导入 load {report.load_id}")
    _show_removals(report, dry_run)
    verb = "试运行,未写入 dry run, nothing written" if dry_run else f"已写入 written: {report.written}"
    console.print(f"{verb}; " + ", ".join(f"{k} {v:.1f}s" for k, v in report.timings.items()), highlight=False)


def _show_removals(report: ingest.LoadReport, dry_run: bool) -> None:
    rows = removal_rows(report.plan, dry_run)
    if not any(r["台账中已无 not in ledger"] or r["范围外未动 outside scope"] for r in rows):
        return
    render(rows, "table", console, title="台账中已无 / in the graph, no longer in the ledger")
    removals = report.plan.removals
    if removals.by_sheet and not report.plan.sync:
        console.print(
            f"台账中已无: {sum(removals.by_sheet.values())} 条,未删除;确认后用 --sync 删除"
            f" | {sum(removals.by_sheet.values())} no longer in the ledger, kept; --sync removes them",
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

    示例 Example: orggraph export 导出/ --neo4j-admin
    """
    names = names_allowed(ctx, with_names)
    with backends.open_store(settings_of(ctx)) as store:
        if neo4j_admin:
            paths = graph_export.write_neo4j_admin(store, out, names=names)
        else:
            # without names the column is left out, not written blank: loading such an export keeps the names
            hidden = () if names else graph_export.sensitive_columns(store.schema)
            paths = write_ledgers(*graph_export.export_records(store, names=names), out, fmt, encoding, hidden)
    audit.by_cli(settings_of(ctx).resolved_data_dir(), "export", files=len(paths), neo4j_admin=neo4j_admin)
    console.print(f"已写入 {len(paths)} 个文件 files → {out}", highlight=False)


def _embedded(ctx: typer.Context) -> EmbeddedServer:
    settings = settings_of(ctx)
    if settings.backend != "embedded":
        raise ConfigError(
            "当前后端不是嵌入式服务器,orggraph 不管理它的启停",
            f"backend is {settings.backend}: orggraph does not start or stop it",
        )
    return EmbeddedServer(settings)


@db_app.command("start")
@edge
def db_start(ctx: typer.Context) -> None:
    """启动嵌入式服务器(已运行则复用)/ start the embedded server (reuse a running one).

    示例 Example: orggraph db start
    """
    state, started = _embedded(ctx).start()
    verb = "已启动 started" if started else "已在运行 already running"
    console.print(f"{verb}: pid {state.pid}, {state.uri}, HTTP 127.0.0.1:{state.http_port}", highlight=False)


@db_app.command("stop")
@edge
def db_stop(
    ctx: typer.Context, force: Annotated[bool, typer.Option(help="必要时强制结束 / kill if it will not stop")] = False
) -> None:
    """停止嵌入式服务器 / stop the embedded server.

    示例 Example: orggraph db stop
    """
    stopped = _embedded(ctx).stop(force=force)
    console.print("已停止 stopped" if stopped else "服务器未运行 / not running")


@db_app.command("status")
@edge
def db_status(ctx: typer.Context) -> None:
    """嵌入式服务器状态 / embedded server status.

    示例 Example: orggraph db status
    """
    server = _embedded(ctx)
    state = server.status()
    if state is None:
        console.print(f"未运行 not running(数据目录 data dir: {server.files.data_dir})", highlight=False)
        raise typer.Exit(1)
    console.print(
        f"运行中 running: pid {state.pid}, {state.uri}, 启动于 since {state.started_at}, "
        f"数据目录 data dir: {server.files.data_dir}",
        highlight=False,
    )


def main() -> None:
    app()
