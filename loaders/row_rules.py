"""Checks across the cells of one ledger row, from the schema: dates in order (``date_order``) and properties given
both or neither (``together``: 经度 and 纬度). Each problem is (column header, value, 中文, English) for the
validator to file with the row's file, sheet and row number."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

RowProblem = tuple[str | None, object, str, str]  # the column it names, the value shown, 中文, English


def date_order(
    pairs: Iterable[tuple[str, str]], props: Mapping[str, Any], headers: Mapping[str, str]
) -> Iterator[RowProblem]:
    """The second date of each pair before the first."""
    for first, second in pairs:
        if first in props and second in props and props[first] > props[second]:
            yield (
                headers.get(second),
                props[second],
                f"“{headers.get(second, second)}”早于“{headers.get(first, first)}”",
                f"{second} ({props[second]}) is before {first} ({props[first]})",
            )


def together(
    pairs: Iterable[tuple[str, str]], props: Mapping[str, Any], headers: Mapping[str, str]
) -> Iterator[RowProblem]:
    """One property of a pair given without the other (a longitude with no latitude places nothing). The problem
    names the blank column: that is the cell to fill (or the given one to clear)."""
    for pair in pairs:
        given = [name for name in pair if name in props]
        if len(given) == 1:
            (have,) = given
            (blank,) = [name for name in pair if name != have]
            shown, missing = headers.get(have, have), headers.get(blank, blank)
            yield (
                missing,
                None,
                f"已填“{shown}”({props[have]}),“{missing}”为空:两者须同时填写或同时留空",
                f"{have} is given ({props[have]}) but {blank} is blank: give both or neither",
            )
