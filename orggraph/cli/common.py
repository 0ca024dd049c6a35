"""What every ``orggraph`` command module shares: the typer app, the consoles, and the one place where
errors become a message and an exit code."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Collection
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from orggraph.graph import backends
from orggraph.model.config import Settings
from orggraph.model.errors import FileAccessError, OrgGraphError, QueryError

EXIT_ERROR = 2
P = ParamSpec("P")
R = TypeVar("R")
console = Console()
err_console = Console(stderr=True)

app = typer.Typer(
    help="orggraph:基层党建组织知识图谱 / knowledge graph of grassroots party organizations",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="嵌入式图数据库服务器 / the embedded graph server", no_args_is_help=True)
app.add_typer(db_app, name="db")


def fail(error: OrgGraphError) -> typer.Exit:
    err_console.print(f"[bold red]错误 Error:[/] {escape(error.one_line())}", highlight=False, soft_wrap=True)
    return typer.Exit(EXIT_ERROR)


def edge(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn orggraph errors, the file system's refusals and Ctrl-C into a message and an exit code, never a
    traceback."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except OrgGraphError as exc:
            raise fail(exc) from None
        except OSError as exc:  # a folder that is not there, no permission, a full disk: said, not traced
            raise fail(FileAccessError.of(exc)) from None
        except KeyboardInterrupt:
            err_console.print("已中断 / interrupted")
            raise typer.Exit(130) from None

    return wrapper


def choose(value: str, allowed: Collection[str], what_zh: str = "输出格式", what_en: str = "format") -> str:
    """``value`` if it is one of ``allowed``; a one-line error naming the choices otherwise — checked first thing in a
    command, so a mistyped choice is never taken for another (``--format nope`` printed a table, ``--ledger-format
    nope`` wrote CSV)."""
    if value not in allowed:
        valid = ", ".join(allowed)
        raise QueryError(f"未知{what_zh} {value};可选 {valid}", f"unknown {what_en} {value}; use {valid}")
    return value


def settings_of(ctx: typer.Context) -> Settings:
    settings: Settings = ctx.obj["settings"]  # put there by the app's callback
    return settings


def names_allowed(ctx: typer.Context, asked: bool) -> bool:
    """Whether this run shows person names: only when asked (``--with-names``) and allowed. The hook for
    accounts: today every CLI user is the machine's own admin, so asking is enough; once users have roles,
    ``--with-names`` by anyone but an admin must raise here (never fall back to showing names)."""
    return asked


def parse_day(text: str | None) -> dt.date | None:
    """A date option (2026-11-30) as a date; none given, None; anything else a one-line error."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise QueryError(
            f"日期应写成 2026-11-30,收到 '{text}'", f"dates are written 2026-11-30, got '{text}'"
        ) from None


def hold_server(ctx: typer.Context) -> None:
    """Keep the embedded server up until the command ends, over provinces: a command that first asks the databases
    which province holds an area and then reads that province's would start a server, stop it and start it again
    (~1.5 s, every cache cold)."""
    settings = settings_of(ctx)
    if settings.backend == "embedded" and settings.provinces:
        ctx.with_resource(backends.open_store(settings))
