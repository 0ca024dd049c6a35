"""The README's CLI reference, generated from the commands themselves; a test fails when it drifts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from orggraph.errors import OrgGraphError

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- cli-reference:start -->", "<!-- cli-reference:end -->"


def _commands(group: Any, prefix: str) -> list[tuple[str, Any]]:
    """Leaf commands with their full names (typer vendors click, so groups are found by shape)."""
    out = []
    for name, cmd in sorted(group.commands.items()):
        if getattr(cmd, "commands", None):
            out += _commands(cmd, f"{prefix} {name}")
        else:
            out.append((f"{prefix} {name}", cmd))
    return out


def render_reference(app: typer.Typer) -> str:
    lines = [START, "", "| 命令 command | 作用 what it does | 示例 example |", "|---|---|---|"]
    for name, cmd in _commands(typer.main.get_command(app), "orggraph"):
        help_text = (cmd.help or "").strip().splitlines()
        summary = help_text[0] if help_text else ""
        example = next((ln.split(":", 1)[1].strip() for ln in help_text if ln.strip().startswith("示例")), "")
        lines.append(f"| `{name}` | {summary} | `{example}` |")
    return "\n".join([*lines, "", END])


def _split(text: str) -> tuple[str, str]:
    if START not in text or END not in text:
        raise OrgGraphError("README 缺少 CLI 参考的标记", "README lacks the CLI reference markers")
    head, rest = text.split(START, 1)
    return head, rest.split(END, 1)[1]


def write_reference(app: typer.Typer, path: Path = README) -> None:
    head, tail = _split(path.read_text(encoding="utf-8"))
    path.write_text(head + render_reference(app) + tail, encoding="utf-8")


def check_reference(app: typer.Typer, path: Path = README) -> None:
    text = path.read_text(encoding="utf-8")
    head, tail = _split(text)
    if head + render_reference(app) + tail != text:
        raise OrgGraphError(
            "README 的 CLI 参考已过期,请运行 orggraph docs", "README's CLI reference drifted; run orggraph docs"
        )
