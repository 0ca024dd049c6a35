"""The words result columns are shown under, in both languages (``model/column_names.yaml``): a clerk reads 签订日期,
not ``signed``. An unnamed column keeps its identifier (a user's own query may return anything)."""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml


@cache
def column_names() -> dict[str, tuple[str, str]]:
    raw = yaml.safe_load(resources.files("orggraph.model").joinpath("column_names.yaml").read_text(encoding="utf-8"))
    return {column: (zh, en) for column, (zh, en) in raw.items()}


def column_title(column: str, lang: str) -> str:
    """``column`` as the viewer reads it: its 中文 or English name, or the identifier when none is declared.

    >>> column_title("signed", "zh"), column_title("signed", "en"), column_title("x1", "zh")
    ('签订日期', 'Signed', 'x1')
    """
    zh, en = column_names().get(column, (column, column))
    return zh if lang == "zh" else en
