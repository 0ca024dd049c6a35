"""The ``orggraph`` command line. 中文优先,English second.

Errors raised below are turned into one line (中文 | English) and a non-zero exit here, at the edge,
and nowhere else.

This module holds the global options and the commands on the graph as a whole (init, status, query, demo,
serve, docs); the other commands register themselves on the same ``app`` from ``accounts``, ``analysis``,
``ledgers`` (validate, load, template, export) and ``db`` (the embedded server).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress
from rich.table import Table

from loaders.ledger_writer import LEDGER_FORMATS
from loaders.region_generator import SCALES
from orggraph.access import audit
from orggraph.analysis import query_catalogue
from orggraph.analysis.history import stored_snapshots
from orggraph.analysis.history_demo import DemoHistory
from orggraph.app import serve as serve_mod
from orggraph.cli import accounts as cli_accounts  # noqa: F401  (registers user add|list|passwd|disable, audit)
from orggraph.cli import analysis as cli_analysis  # noqa: F401  (registers gaps, path, reach, network, whatif)
from orggraph.cli import provinces as cli_provinces
from orggraph.cli.common import app, choose, console, edge, err_console, fail, names_allowed, settings_of
from orggraph.graph import backends
from orggraph.graph.store import BoltStore
from orggraph.ingest import load as ingest
from orggraph.model.config import Settings, load_settings
from orggraph.model.errors import ConfigError, QueryError
from orggraph.model.schema import load_schema
from orggraph.present import readme_sections
from orggraph.present.model_docs import MODEL_DOC, check_model_doc, write_model_doc
from orggraph.present.output import FORMATS, render


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
    if settings_of(ctx).provinces:  # one database per province: each made ready
        cli_provinces.init(settings_of(ctx))
        return
    with backends.open_store(settings_of(ctx)) as store:
        ddl = store.ensure_schema()
        info = store.server_info()
    console.print(f"已就绪 ready: {info['agent']} @ {info['address']},新建 {len(ddl)} 条约束/索引 created")


@app.command()
@edge
def status(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="table|json")] = "table",
    relationships: Annotated[
        bool, typer.Option("--relationships", help="也逐类统计关系(读遍全部关系,省级约半分钟)/ count relationships too")
    ] = False,
) -> None:
    """服务器、版本与各类节点数量 / server, version and node counts per label.

    Node counts are kept by the server (instant on a province); relationship counts are not on every server
    (ArcadeDB counts them by reading every relationship: ~1.3 s per type on a province), so they are asked for.

    示例 Example: orggraph status --format json
    """
    choose(fmt, ("table", "json"))
    if settings_of(ctx).provinces:  # one database per province: each province's counts and the nation's
        cli_provinces.status(settings_of(ctx), fmt, relationships)
        return
    schema = load_schema()
    with backends.open_store(settings_of(ctx)) as store:
        info, nodes = store.server_info(), store.node_counts()
        rels = store.relationship_counts() if relationships else None
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
    if rels is None:
        loads = nodes.get("LoadRun", 0)
        console.print(f"导入批次 loads: {loads} · 关系数量 relationships: orggraph status --relationships")
    else:
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
    choose(fmt, FORMATS)
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
    scale: Annotated[str, typer.Option(help=f"规模 fixture|{'|'.join(SCALES)} / size")] = "city",
    seed: Annotated[int, typer.Option(help="随机种子(同种子同结果)/ seed")] = 1,
    out: Annotated[Path | None, typer.Option(help="台账输出目录 / where the ledgers go")] = None,
    fmt: Annotated[str | None, typer.Option("--ledger-format", help="台账文件格式 xlsx|csv / ledger files")] = None,
    replace: Annotated[bool, typer.Option(help="先清空图谱 / empty the graph first")] = False,
    if_empty: Annotated[bool, typer.Option(help="仅当图谱为空时 / only if the graph is empty")] = False,
    history: Annotated[
        bool, typer.Option(help="按近三个月逐月导入并保存月度快照 / load month by month with monthly snapshots")
    ] = True,
) -> None:
    """生成演示区域台账并经真实导入流程载入 / generate a demo region's ledgers and load them.

    默认按近三个月的月末逐月导入(按协议签订、组织成立、任职等日期),每月导入后保存一份快照,趋势与月报开箱可见;
    --no-history 一次导入。By default the region is loaded as it stood at the last three month-ends, with a
    snapshot after each month; --no-history loads it at once.

    示例 Example: orggraph demo --scale city --seed 1
    """
    choose(scale, ("fixture", *SCALES), "区域规模", "scale")
    if fmt is not None:
        choose(fmt, LEDGER_FORMATS, "台账文件格式", "ledger format")
    settings = settings_of(ctx)
    with backends.open_store(settings) as store:
        if if_empty and not ingest.graph_is_empty(store):
            console.print("图谱已有数据,跳过 / the graph already holds data; skipped")
            return
        if replace:
            store.clear_data()
            if kept := len(stored_snapshots(settings.resolved_data_dir())):  # history outlives the graph: say so
                console.print(f"已保留替换前的 {kept} 份快照(orggraph snapshots 可查看)/ the {kept} snapshot(s) of the "
                              "replaced graph are kept (see orggraph snapshots)", highlight=False)  # fmt: skip
        if scale == "fixture":
            summary = ingest.load_demo_fixture(store)
            console.print(f"演示区域已导入 demo loaded: {summary.nodes} 节点 nodes, {summary.relationships} 关系 rels")
            return
        target = out or settings.resolved_data_dir() / "demo" / f"{scale}-{seed}"
        if history:
            done = serve_mod.load_demo(store, settings, scale, seed, target, fmt, err_console)
            reports = done.reports
        else:
            reports = [_load_at_once(store, settings, scale, seed, target, fmt)]
    console.print(f"演示区域 {scale}(种子 seed {seed})台账 ledgers: {target}", highlight=False)
    _say_demo(reports, done if history else None)


def _load_at_once(
    store: BoltStore, settings: Settings, scale: str, seed: int, target: Path, fmt: str | None
) -> ingest.LoadReport:
    """``demo --no-history``: the region drawn for the day (as the month-by-month load's last month), in one load."""
    with Progress(console=err_console, transient=True) as bar:
        task = bar.add_task("写入 writing", total=None)

        def tick(_phase: str, n: int, total: int | None) -> None:
            bar.update(task, advance=n, total=total)

        return ingest.load_demo_region(store, scale, seed, target, fmt, progress=tick, today=settings.current_date())


def _say_demo(reports: list[ingest.LoadReport], done: DemoHistory | None) -> None:
    for report in reports:
        console.print(
            f"已写入 written: {report.written} ({report.mode}); "
            + ", ".join(f"{k} {v:.1f}s" for k, v in report.timings.items()),
            highlight=False,
        )
    if done is not None:
        console.print(
            f"月度快照 monthly snapshots: {'、'.join(i.label for i in done.snapshots)} · 快照用时 snapshots "
            f"{done.snapshot_s:.1f} s / 共 total {done.total_s:.1f} s",
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
    demo_scale: Annotated[str, typer.Option(help=f"演示区域规模 {'|'.join(SCALES)} / demo region size")] = "city",
) -> None:
    """启动浏览器应用 / start the Streamlit app on 127.0.0.1.

    示例 Example: orggraph serve --port 8501
    """
    choose(demo_scale, SCALES, "演示区域规模", "demo scale")
    scale = demo_scale if demo_if_empty else None
    serve_mod.serve(settings_of(ctx), port=port, demo_scale=scale, say=console.print, host=host)


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


# Imported after the commands above rather than at the top: typer lists commands in the order they are
# registered, and ``orggraph --help`` has always listed these after ``docs`` (in this order: not sorted).
# isort: off
from orggraph.cli import db as cli_db  # noqa: E402, F401  (registers db start|stop|status)
from orggraph.cli import ledgers as cli_ledgers  # noqa: E402, F401  (registers validate, load, template, export)
from orggraph.cli import history as cli_history  # noqa: E402, F401  (registers snapshot, snapshots, changes, report)
from orggraph.cli import maps as cli_maps  # noqa: E402, F401  (registers map)
# isort: on


def main() -> None:
    app()
