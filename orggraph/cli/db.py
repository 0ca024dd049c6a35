"""``orggraph db start|stop|status``: the embedded ArcadeDB server's life, by hand.

Why apart: these are the only commands that manage a process rather than read or write the graph, and they
refuse when the settings point at a server orggraph does not own (a user's Neo4j).
"""

from __future__ import annotations

from typing import Annotated

import typer

from orggraph.cli.common import console, db_app, edge, settings_of
from orggraph.graph.embedded_server import EmbeddedServer
from orggraph.model.errors import ConfigError


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
