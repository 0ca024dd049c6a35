"""Generated sections of the README (architecture, CLI reference, ledger columns), kept between marker comments;
``orggraph docs`` rewrites them and a test fails when they drift. The architecture table is the layer contract
of ``pyproject.toml`` read top to bottom, each package described by its own docstring: it cannot drift from
the code."""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from loaders.layout import load_layout
from orggraph.model.errors import OrgGraphError

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"


def _markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def _commands(group: Any, prefix: str) -> list[tuple[str, Any]]:
    """Leaf commands with their full names (typer vendors click, so groups are found by shape)."""
    out = []
    for name, cmd in sorted(group.commands.items()):
        if getattr(cmd, "commands", None):
            out += _commands(cmd, f"{prefix} {name}")
        else:
            out.append((f"{prefix} {name}", cmd))
    return out


def cli_reference(app: typer.Typer) -> str:
    lines = ["| 命令 command | 作用 what it does | 示例 example |", "|---|---|---|"]
    for name, cmd in _commands(typer.main.get_command(app), "orggraph"):
        help_text = (cmd.help or "").strip().splitlines()
        summary = help_text[0] if help_text else ""
        example = next((ln.split(":", 1)[1].strip() for ln in help_text if ln.strip().startswith("示例")), "")
        lines.append(f"| `{name}` | {summary} | `{example}` |")
    return "\n".join(lines)


def ledger_columns() -> str:
    """Every ledger sheet and column: header (中文 / English alias), what it holds, whether required."""
    out = []
    for sheet in load_layout().sheets:
        what = (
            f"节点 `{sheet.label}`"
            if sheet.edge_sheet is None
            else f"关系 `{sheet.edge_sheet.type}`(每行一条 one per row)"
        )
        out += [
            f"**{sheet.zh}** (`{sheet.en}`) — {what}",
            "",
            "| 列 column | English | 内容 holds | 必填 required |",
            "|---|---|---|---|",
        ]
        for col in sheet.all_columns:
            if col.spec is not None:
                holds = f"{col.spec.type}" + (f":{' / '.join(col.spec.enum)}" if col.spec.enum else "")
                en = col.spec.name
            else:
                many = ",可填多个 several allowed" if col.many else ""
                holds = f"编号 id → {' / '.join(col.targets)} (`{col.edge}`){many}"
                en = col.en
            out.append(f"| {col.header} | `{en}` | {holds} | {'是 yes' if col.is_required else ''} |")
        out.append("")
    return "\n".join(out).rstrip()


def architecture() -> str:
    """One row per package of the layer contract (top layer first): its folder, its docstring, its modules."""
    contract = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    layers = contract["contracts"][0]["layers"]
    lines = ["| layer (top first) | folder | what it holds | modules |", "|---|---|---|---|"]
    for depth, layer in enumerate(layers, start=1):
        for name in (n.strip() for n in layer.split(":")):
            folder = ROOT / name.replace(".", "/")  # read, not imported: a docs tool imports no upper layer
            doc = " ".join(
                (ast.get_docstring(ast.parse((folder / "__init__.py").read_text(encoding="utf-8"))) or "").split()
            )
            modules = ", ".join(f"`{p.stem}`" for p in sorted(folder.glob("*.py")) if p.stem != "__init__")
            subpackages = ", ".join(f"`{p.parent.name}/`" for p in sorted(folder.glob("*/__init__.py")))
            where = folder.relative_to(ROOT).as_posix()
            lines.append(f"| {depth} | `{where}/` | {doc} | {', '.join(x for x in (modules, subpackages) if x)} |")
    return "\n".join(lines)


def sections(app: typer.Typer) -> dict[str, Callable[[], str]]:
    return {"architecture": architecture, "cli-reference": lambda: cli_reference(app), "ledger-columns": ledger_columns}


def _replace(text: str, name: str, body: str) -> str:
    start, end = _markers(name)
    if start not in text or end not in text:
        raise OrgGraphError(f"README 缺少 {name} 标记", f"README lacks the {name} markers")
    head, rest = text.split(start, 1)
    return f"{head}{start}\n\n{body}\n\n{end}{rest.split(end, 1)[1]}"


def render_readme(app: typer.Typer, path: Path = README) -> str:
    text = path.read_text(encoding="utf-8")
    for name, build in sections(app).items():
        text = _replace(text, name, build())
    return text


def write_readme(app: typer.Typer, path: Path = README) -> None:
    path.write_text(render_readme(app, path), encoding="utf-8")


def check_readme(app: typer.Typer, path: Path = README) -> None:
    if render_readme(app, path) != path.read_text(encoding="utf-8"):
        raise OrgGraphError(
            "README 的生成部分已过期,请运行 orggraph docs", "README's generated sections drifted; run orggraph docs"
        )
