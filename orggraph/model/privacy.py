"""Person names are masked wherever they are shown, unless the viewer may see them and asked to.

One masking rule (:func:`mask_name`) for every output. Where the names sit is *declared*, never guessed:
a saved query lists the result columns (or places inside nested values) that hold a person's name in a
``// person:`` header line, as paths (:func:`parse_name_path`), and :func:`mask_paths` masks them. A
user-written query cannot be declared, so :func:`mask_known` masks every occurrence of a known person's
name in any string of its result.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from orggraph.model.errors import QueryError

_PATH = re.compile(r"^([^\s\[\].]+)((?:\[\*\]|\[\d+\]|\.[^\s\[\].]+)*)$")
_SEGMENT = re.compile(r"\[(\*|\d+)\]|\.([^\s\[\].]+)")


def mask_name(name: str | None) -> str:
    """The family name kept, the rest starred: 张三丰 → 张**; empty stays empty.

    >>> mask_name("张三丰"), mask_name("李四"), mask_name("")
    ('张**', '李*', '')
    """
    if not name:
        return ""
    return name[0] + "*" * (len(name) - 1)


def parse_name_path(text: str) -> tuple[str | int, ...]:
    """A declared place of a name: a column, then ``[*]`` (every item of a list or value of a map), ``[n]``
    (item n of a list) or ``.key`` (a map's key), any number of times.

    >>> parse_name_path("orgs[*][7][*][1]"), parse_name_path("members.name")
    (('orgs', '*', 7, '*', 1), ('members', 'name'))
    """
    m = _PATH.match(text.strip())
    if not m:
        raise QueryError(
            f"无法识别的姓名位置 {text}", f"unreadable name path {text} (e.g. secretary, orgs[*][7][*][1])"
        )
    steps: list[str | int] = [m.group(1)]
    for index, key in _SEGMENT.findall(m.group(2)):
        steps.append(key if key else ("*" if index == "*" else int(index)))
    return tuple(steps)


def _masked(value: Any, mask: Callable[[str], str]) -> Any:
    """A name, or a list of names, masked; anything else as it is."""
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, (list, tuple)):
        return [_masked(v, mask) for v in value]
    return value


def _at(value: Any, steps: tuple[str | int, ...], mask: Callable[[str], str]) -> Any:
    if not steps:
        return _masked(value, mask)
    step, rest = steps[0], steps[1:]
    if isinstance(value, (list, tuple)):
        if step == "*":
            return [_at(v, rest, mask) for v in value]
        if isinstance(step, int) and step < len(value):
            return [_at(v, rest, mask) if i == step else v for i, v in enumerate(value)]
    if isinstance(value, dict):
        if step == "*":
            return {k: _at(v, rest, mask) for k, v in value.items()}
        if step in value:
            return {**value, step: _at(value[step], rest, mask)}
    return value


def mask_paths(rows: list[dict[str, Any]], paths: Iterable[tuple[str | int, ...]]) -> list[dict[str, Any]]:
    """Rows with the names at the declared paths masked (new rows; the given ones are left alone).

    >>> mask_paths([{"org": "O1", "leaders": [["P1", "张三丰"]]}], [("leaders", "*", 1)])
    [{'org': 'O1', 'leaders': [['P1', '张**']]}]
    """
    paths = list(paths)
    if not paths:
        return rows
    out = []
    for row in rows:
        row = dict(row)
        for column, *steps in paths:
            if column in row:
                row[column] = _at(row[column], tuple(steps), mask_name)
        out.append(row)
    return out


class KnownNames:
    """Every occurrence of a known person's name in a text, masked (longest name first at each place).

    >>> KnownNames(["张三丰", "张三"]).mask("书记张三丰、张三")
    '书记张**、张*'
    """

    def __init__(self, names: Iterable[str]) -> None:
        self.names = frozenset(n for n in names if n)
        self.lengths = sorted({len(n) for n in self.names}, reverse=True)

    def mask(self, text: str) -> str:
        if not self.names:
            return text
        out, i = [], 0
        while i < len(text):
            hit = next((n for n in self.lengths if text[i : i + n] in self.names), 0)
            out.append(mask_name(text[i : i + hit]) if hit else text[i])
            i += hit or 1
        return "".join(out)


def mask_known(value: Any, known: KnownNames) -> Any:
    """Any value (rows, lists, maps, text) with every known name in every string masked, keys included.

    >>> mask_known([{"who": "李四", "note": {"李四": 1}}], KnownNames(["李四"]))
    [{'who': '李*', 'note': {'李*': 1}}]
    """
    if isinstance(value, str):
        return known.mask(value)
    if isinstance(value, (list, tuple)):
        return [mask_known(v, known) for v in value]
    if isinstance(value, dict):
        return {mask_known(k, known): mask_known(v, known) for k, v in value.items()}
    return value
