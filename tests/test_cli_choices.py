"""A mistyped choice is refused before anything runs, and a file the system refuses is said in one line.

Found by typing ``--format nope``: ``status``, ``user list``, ``audit``, ``validate`` and ``load`` printed their
table as if asked for it, ``template`` and ``export --ledger-format nope`` wrote CSV, and ``template`` into a folder
that cannot be made printed a traceback. Every option whose help names its values (table|json) is tried here, on
every command that has one, with an unreachable server configured: the choice is checked before the server is asked
for anything."""

from __future__ import annotations

import re
import socket

import pytest
import typer
from test_cli import assert_one_line_error, invoke

from orggraph.cli.main import app

CHOICE = re.compile(r"\b[\w-]+(?:\|[\w-]+)+\b")  # an option's help naming its values: table|json


def _commands(
    group: typer.Typer, prefix: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], str, int, tuple[str, ...]]]:
    """Every command with such an option: its words, the option, and what it needs besides: how many arguments, and
    its required options (given a value each)."""
    command = typer.main.get_command(group)
    found = []

    def walk(cmd, words: tuple[str, ...]) -> None:
        for name, sub in getattr(cmd, "commands", {}).items():
            walk(sub, (*words, name))
        arguments = sum(1 for p in cmd.params if p.param_type_name == "argument" and p.required)
        required = tuple(p.opts[0] for p in cmd.params if p.param_type_name == "option" and p.required)
        for p in cmd.params:
            if words and p.param_type_name == "option" and CHOICE.search(p.help or ""):
                found.append((words, p.opts[0], arguments, required))

    walk(command, prefix)
    return sorted(found)


COMMANDS = _commands(app)


def test_the_choices_are_found():
    assert len(COMMANDS) >= 20, COMMANDS


@pytest.fixture
def unreachable() -> list[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return ["--backend", "neo4j", "--neo4j-uri", f"bolt://127.0.0.1:{port}"]


@pytest.mark.parametrize(
    ("words", "option", "arguments", "required"), COMMANDS, ids=[f"{' '.join(w)} {o}" for w, o, _, _ in COMMANDS]
)
def test_a_mistyped_choice_is_refused_first(cli_env, tmp_path, unreachable, words, option, arguments, required):
    given = [str(tmp_path / f"参数{i}") for i in range(arguments)] + [v for o in required for v in (o, "2026-11")]
    result = invoke([*unreachable, *words, *given, option, "nope"], cli_env)
    assert_one_line_error(result)
    assert "未知" in result.stderr and "nope" in result.stderr and "unknown" in result.stderr
    assert not any(tmp_path.iterdir()), "something was written"


def test_a_folder_that_cannot_be_made_is_said_in_one_line(cli_env, tmp_path):
    (tmp_path / "文件").write_text("不是文件夹", encoding="utf-8")
    result = invoke(["template", str(tmp_path / "文件" / "模板")], cli_env)
    assert_one_line_error(result)
    assert f"无法访问 {tmp_path / '文件'}" in result.stderr and "路径中有一项不是文件夹" in result.stderr


def test_a_folder_that_cannot_be_made_leaves_no_workbook_half_built(tmp_path):
    """The ledger writer makes its folder before it builds the workbook: an openpyxl write-only workbook dropped
    unsaved raised in its generators when collected (44 'Exception ignored' warnings later in a full run)."""
    import gc
    import warnings

    from loaders.ledger_writer import write_ledgers

    (tmp_path / "文件").write_text("不是文件夹", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(NotADirectoryError):
            write_ledgers([], [], tmp_path / "文件" / "模板")
        gc.collect()
