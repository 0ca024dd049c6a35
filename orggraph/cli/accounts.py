"""``orggraph user add|list|passwd|disable`` and ``orggraph audit``: accounts and the audit log.

A password is typed at a hidden prompt (twice) or read from stdin with ``--password-stdin``; it is never a
flag, so it never lands in a shell's history or a process list.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Annotated

import typer
from rich.table import Table

from orggraph.access import audit
from orggraph.access.accounts import ROLES, AccountStore, LockoutPolicy, public_rows
from orggraph.analysis.province_history import area_province
from orggraph.cli.common import app, choose, console, edge, hold_server, settings_of
from orggraph.graph import backends
from orggraph.graph.area_scope import area_streets
from orggraph.model.config import Settings
from orggraph.model.errors import ConfigError

user_app = typer.Typer(help="账号与角色 / accounts and roles", no_args_is_help=True)
app.add_typer(user_app, name="user")


def account_store(settings: Settings) -> AccountStore:
    policy = LockoutPolicy(failures=settings.lockout_failures, minutes=settings.lockout_minutes)
    return AccountStore(settings.resolved_data_dir(), policy)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password: str = typer.prompt("密码 password", hide_input=True, confirmation_prompt="再输入一次 repeat")
    return password


@user_app.command("add")
@edge
def user_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="用户名 / user name")],
    role: Annotated[str, typer.Option(help=f"角色 {'|'.join(ROLES)} / role")] = "viewer",
    area: Annotated[str | None, typer.Option(help="负责区域编号,不填为全区域 / area id, none = whole region")] = None,
    password_stdin: Annotated[bool, typer.Option(help="从标准输入读密码 / read the password from stdin")] = False,
) -> None:
    """新增用户(密码输入两次)/ add a user (the password is asked twice).

    示例 Example: orggraph user add 李明 --role editor --area S0009
    """
    choose(role, ROLES, "角色", "role")
    if area:
        hold_server(ctx)  # over provinces: the province holding the area is found, then read
        _check_area(settings_of(ctx), area)
    user = account_store(settings_of(ctx)).add(name, role, _password(password_stdin), area)
    console.print(f"已添加 added: {user.name} ({user.role}, {user.area or '全区域 whole region'})", highlight=False)


def _check_area(settings: Settings, area: str) -> None:
    """An area is a street of the graph (what ``placement.yaml`` scopes by): anything else would be an account
    that sees nothing, in silence. Over provinces, of the province's database holding it (the app reads it there)."""
    if (key := area_province(settings, area, start=True)) is not None:
        settings = settings.for_province(key)
    with backends.open_store(settings) as store:
        streets = area_streets(store)
    if area not in streets:
        known = "、".join(f"{i} {n}" for i, n in sorted(streets.items())[:20]) or "无 none"
        raise ConfigError(
            f"区域 {area} 不是图中的街道;可选:{known}", f"area {area} is not a street of the graph; streets: {known}"
        )


@user_app.command("list")
@edge
def user_list(ctx: typer.Context, fmt: Annotated[str, typer.Option("--format", help="table|json")] = "table") -> None:
    """列出用户(不含密码)/ list the users (no passwords).

    示例 Example: orggraph user list --format json
    """
    choose(fmt, ("table", "json"))
    rows = public_rows(account_store(settings_of(ctx)).users())
    if fmt == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("用户 user", "角色 role", "区域 area", "状态 state")
    for r in rows:
        table.add_row(
            r["name"], r["role"], r["area"] or "全区域 whole region", "停用 disabled" if r["disabled"] else ""
        )
    console.print(table)


@user_app.command("passwd")
@edge
def user_passwd(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="用户名 / user name")],
    password_stdin: Annotated[bool, typer.Option(help="从标准输入读密码 / read the password from stdin")] = False,
) -> None:
    """设置新密码(并解除锁定)/ set a new password (and lift a lock-out).

    示例 Example: orggraph user passwd 李明
    """
    store = account_store(settings_of(ctx))
    store.set_password(name, _password(password_stdin))
    console.print(f"已更改密码 password changed: {name}", highlight=False)


@user_app.command("disable")
@edge
def user_disable(ctx: typer.Context, name: Annotated[str, typer.Argument(help="用户名 / user name")]) -> None:
    """停用用户(记录保留)/ disable a user (the account is kept).

    示例 Example: orggraph user disable 李明
    """
    account_store(settings_of(ctx)).disable(name)
    console.print(f"已停用 disabled: {name}", highlight=False)


@app.command("audit")
@edge
def audit_cmd(
    ctx: typer.Context,
    user: Annotated[str | None, typer.Option(help="只看该用户 / only this user")] = None,
    action: Annotated[str | None, typer.Option(help=f"只看该操作 {'|'.join(audit.ACTIONS)} / only this action")] = None,
    since: Annotated[str | None, typer.Option(help="起始日期 YYYY-MM-DD (UTC) / from")] = None,
    until: Annotated[str | None, typer.Option(help="截止日期 YYYY-MM-DD (UTC) / to")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table|json")] = "table",
) -> None:
    """审计日志:登录、导入、删除、假设分析、查询与导出 / the audit log, newest first.

    示例 Example: orggraph audit --action query --since 2026-11-01
    """
    choose(fmt, ("table", "json"))
    if action is not None:
        choose(action, audit.ACTIONS, "操作", "action")
    keep = audit.AuditFilter(user, action, _day(since), _day(until))
    events = audit.read_events(settings_of(ctx).resolved_data_dir(), keep)
    if fmt == "json":
        typer.echo(json.dumps(events, ensure_ascii=False, indent=2))
        return
    table = Table("时间 at (UTC)", "用户 user", "操作 action", "详情 detail")
    for e in events:
        rest = {k: v for k, v in e.items() if k not in ("at", "user", "action")}
        table.add_row(e.get("at", ""), e.get("user", ""), e.get("action", ""), json.dumps(rest, ensure_ascii=False))
    console.print(table)


def _day(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"日期应写成 YYYY-MM-DD,收到 {text}", f"dates are written YYYY-MM-DD, got {text}") from None
