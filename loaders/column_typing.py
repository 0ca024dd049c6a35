"""A sheet's cells typed a column at a time, and which rows the per-cell path must look at.

Validating row by row cost ~15 µs a row on a province (2M rows): a Python call per cell for the blank test, the
personal-number scan and the parser, most of it repeated on values seen a thousand times. Here each column is
typed at once: a text column joined into one string answers "any odd whitespace, anything to normalise, any
eleven digits close together" with one C-level scan each; a column of few distinct values (dates, counts,
enumerations, 是/否) is parsed once per distinct value; decimals go through one pattern check and ``float``.

What comes out is, per column, the typed values (``ABSENT`` where the row gives nothing) and the rows that the
fast path does not vouch for: a cell the parser refuses, a personal number, a blank required cell, two ids in a
single-id column, two dates out of order, a longitude without its latitude. Those rows go through the validator's
own per-cell path, which files their issues exactly as before (so every message and its order stay the same);
every other row is clean, and its cells here equal what the per-cell path would give (``per_cell_column`` is that
path for one column: the property tests hold the two equal).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import zip_longest
from operator import mul

from loaders.cell_values import CellParser, ValueProblem, _plain_text, split_ids
from loaders.layout import Column
from orggraph.model import credit_code, personal_numbers
from orggraph.model.schema import PropertySpec

ABSENT = ""  # a typed cell the row does not give (blank): no parsed value is ever the empty string
# joins a column's cells: printable ASCII, no digit, no space, no separator of a number or of ids, stable under
# NFKC, so no scan matches across it (a column whose cells hold it takes the slower paths)
SEP = "`"
_ID_SEPARATOR = re.compile(r"[;,、\n；，]")  # split_ids' separators: a cell with none holds one id
_DECIMALS = re.compile(r"(?:[0-9]{1,15}(?:\.[0-9]{1,15})?)?(?:`(?:[0-9]{1,15}(?:\.[0-9]{1,15})?)?)*")
_WHOLES = re.compile(r"(?:[0-9]{1,15})?(?:`(?:[0-9]{1,15})?)*")  # below 2**53: float → int is exact
_NUMBERS = frozenset({bool, int, float})  # types whose equal values hash alike (1 == 1.0 == True)
# what the readers give; a str subclass (ledger_limits.OverLong) equals its text but is read otherwise
_PLAIN_KINDS = frozenset({str, int, float, bool, type(None), dt.date, dt.datetime, dt.time})
_NOT_DIGIT_BYTES = bytes(b for b in range(256) if not (48 <= b <= 57 or b == ord(SEP)))  # deleted to count digits
_WIDE_DIGITS = "０１２３４５６７８９"
CANDIDATE_DIGITS = 11  # personal_numbers.may_hold looks for eleven digits close together, all in one cell
_CODE_VALUE = {c: i for i, c in enumerate(credit_code.ALPHABET)}
_CODE_CHARS = frozenset(credit_code.ALPHABET + SEP)
MEMO_SHARE = 2  # a column parsed per distinct value when at most 1/MEMO_SHARE of its cells are distinct


@dataclass(frozen=True)
class CellRule:
    """How one column's cells are read: property (None for an id column), required, whether to look for
    personal numbers, the parser (None for an id column) and the column (its spec, and for an id column whether
    it takes several ids)."""

    prop: str | None
    required: bool
    check_personal: bool
    parse: CellParser | None
    col: Column

    @property
    def blank_is_bad(self) -> bool:
        """Does a blank cell make an issue? A required property's, or a required id column's."""
        return self.required if self.prop is not None else self.col.edge is not None and self.col.is_required


Outcome = tuple[object, bool]  # (typed value or ABSENT, whether the per-cell path reports something)


def cell_outcome(value: object, rule: CellRule) -> Outcome:
    """One cell as ``ledger_validation`` reads it: the reference every fast path here must equal."""
    if value is None or value == "" or (type(value) is str and not value.strip()):
        return ABSENT, rule.blank_is_bad
    if rule.check_personal and personal_numbers.find(value) is not None:
        return ABSENT, True
    if rule.prop is None:
        if rule.col.edge is None:
            return ABSENT, False
        ids = split_ids(value)
        if len(ids) > 1 and not rule.col.many:
            return ABSENT, True
        return (ids[0] if len(ids) == 1 else tuple(ids) if ids else ABSENT), False
    assert rule.parse is not None  # a property column has its parser
    try:
        return rule.parse(value), False
    except ValueProblem:
        return ABSENT, True


def per_cell_column(values: Sequence[object], rule: CellRule) -> tuple[list[object], set[int]]:
    """The column typed cell by cell (the slow path, and the reference): typed values, and rows with an issue."""
    typed: list[object] = []
    dirty: set[int] = set()
    for i, value in enumerate(values):
        out, bad = cell_outcome(value, rule)
        typed.append(out)
        if bad:
            dirty.add(i)
    return typed, dirty


def type_column(values: Sequence[object], rule: CellRule) -> tuple[list[object], set[int]]:
    """The column typed, the fastest way that gives what :func:`per_cell_column` gives: a typed column of few
    distinct values one value at a time, text by whole-column scans, workbook numbers as they are."""
    kinds = set(map(type, values))
    typed_kind = rule.prop is not None and rule.parse is not _plain_text
    distinct = _few_distinct(values) if typed_kind and kinds <= _PLAIN_KINDS and len(kinds & _NUMBERS) <= 1 else None
    if distinct is not None:
        return _per_distinct(values, distinct, rule)
    found = None
    if kinds <= {str} and _scans_text(rule):
        found = _text_column(values, rule)  # type: ignore[arg-type]  # every cell is a str (kinds)
    elif kinds <= {int, float, str} and rule.col.spec is not None and rule.col.spec.type in ("integer", "float"):
        found = _number_column(values, rule, kinds)
    return found if found is not None else per_cell_column(values, rule)


def _scans_text(rule: CellRule) -> bool:
    """Has the column's kind a whole-column path for text (ids, free text, numbers, credit codes)?"""
    spec = rule.col.spec
    if spec is None:
        return rule.prop is None and rule.col.edge is not None
    return rule.parse is _plain_text or spec.type in ("integer", "float") or _is_credit_code(spec)


def _is_credit_code(spec: PropertySpec) -> bool:
    return spec.type == "string" and spec.format == "credit_code" and spec.enum is None


def _number_column(values: Sequence[object], rule: CellRule, kinds: set[type]) -> tuple[list[object], set[int]] | None:
    """Numbers as a workbook gives them (whole ones as int), blanks as empty text: each number is its own value
    (a float column's whole numbers made float), when none could be a personal number (ten digits or more)."""
    spec = rule.col.spec
    assert spec is not None  # a number column's
    if str in kinds and any(type(v) is str and v != "" for v in values):
        return None  # text among the numbers (whitespace, a typed number): the other paths read it
    numbers: list[float] = [v for v in values if v != ""]  # type: ignore[misc]  # the rest are int or float
    if not numbers:
        return None
    if spec.type == "integer" and (float in kinds or min(numbers) < 0):
        return None
    if max(numbers) >= 10**10 or any(v != v for v in numbers):
        return None
    typed: list[object] = list(values) if spec.type == "integer" else [float(v) if v != "" else ABSENT for v in values]  # type: ignore[arg-type]
    if _in_range(typed, spec.minimum, spec.maximum) is None:
        return None
    return typed, {i for i, v in enumerate(values) if v == ""} if rule.blank_is_bad else set()


def _few_distinct(values: Sequence[object]) -> set[object] | None:
    """The column's distinct values, when they are few enough to read one at a time."""
    try:
        distinct = set(values)
    except TypeError:  # an unhashable cell: no file reader makes one, but the per-cell path takes anything
        return None
    return distinct if len(distinct) * MEMO_SHARE <= len(values) else None


def _per_distinct(values: Sequence[object], distinct: set[object], rule: CellRule) -> tuple[list[object], set[int]]:
    """Each distinct value read once (cells of equal value and type read alike: every parser is pure)."""
    memo = {value: cell_outcome(value, rule) for value in distinct}
    bad = {value for value, (_, is_bad) in memo.items() if is_bad}
    typed = list(map({value: out for value, (out, _) in memo.items()}.__getitem__, values))
    return typed, ({i for i, value in enumerate(values) if value in bad} if bad else set())


def _personal_rows(joined: str, values: Sequence[str]) -> set[int]:
    """Rows whose cell holds a personal number. Such a number has eleven digits in one cell: the joined column's
    digits, counted per cell at C speed, rule out almost every column; only then is each cell looked at."""
    if joined.isascii() or not any(map(joined.__contains__, _WIDE_DIGITS)):  # digits are then single bytes
        digits = joined.encode("utf-8").translate(None, _NOT_DIGIT_BYTES).split(SEP.encode("ascii"))
        if max(map(len, digits)) < CANDIDATE_DIGITS:
            return set()
    if not personal_numbers.may_hold(joined):
        return set()
    return {i for i, value in enumerate(values) if personal_numbers.find(value) is not None}


def _plain_spacing(joined: str) -> bool:
    """No cell of the joined column has whitespace its normalisation would change: no whitespace but single inner
    spaces (every other whitespace character is unprintable, and so is every control character)."""
    return (
        joined.isprintable()
        and "  " not in joined
        and SEP + " " not in joined
        and " " + SEP not in joined
        and not joined.startswith(" ")
        and not joined.endswith(" ")
    )


def _blank_rows(values: Sequence[str], rule: CellRule) -> set[int]:
    """Rows whose cell is empty (a column with no odd whitespace has no other blank), when that is an issue."""
    if not rule.blank_is_bad or ABSENT not in values:
        return set()
    return {i for i, value in enumerate(values) if not value}


def _text_column(values: Sequence[str], rule: CellRule) -> tuple[list[object], set[int]] | None:
    """A column of text cells through whole-column scans, or None when a cell needs the slower paths."""
    joined = SEP.join(values)
    if joined.count(SEP) != max(len(values) - 1, 0) or not _plain_spacing(joined):
        return None  # a cell holding the separator itself, or whitespace to normalise: not for this path
    dirty = _personal_rows(joined, values) if rule.check_personal else set()
    typed = _typed_text(joined, values, rule)
    if typed is None:
        return None
    return typed, dirty | _blank_rows(values, rule)


def _typed_text(joined: str, values: Sequence[str], rule: CellRule) -> list[object] | None:
    """The typed values of a text column with nothing to normalise, when its kind has a whole-column path."""
    spec = rule.col.spec
    if rule.prop is None:  # ids: one per cell when no separator, as split_ids reads it
        return (
            list(values)
            if rule.col.edge is not None and joined.isascii() and not _ID_SEPARATOR.search(joined)
            else None
        )
    assert spec is not None  # a property column has its spec
    if rule.parse is _plain_text:
        return list(values) if joined.isascii() or unicodedata.is_normalized("NFKC", joined) else None
    if _is_credit_code(spec):  # nothing to normalise, upper case, no space: each code as written, if valid
        if " " in joined or not joined.isascii() or joined != joined.upper():
            return None
        return list(values) if _valid_codes(joined, values) else None
    if spec.type == "float" and _DECIMALS.fullmatch(joined):
        return _in_range([float(v) if v else ABSENT for v in values], spec.minimum, spec.maximum)
    if spec.type == "integer" and _WHOLES.fullmatch(joined):
        return _in_range([int(v) if v else ABSENT for v in values], spec.minimum, spec.maximum)
    return None


def _valid_codes(joined: str, values: Sequence[str]) -> bool:
    """Every code of the column valid, as ``credit_code.is_valid`` says of each: its characters checked for the
    whole column at once, then each check digit (summed through C-level maps)."""
    if not set(joined) <= _CODE_CHARS:
        return False
    value, weights, alphabet = _CODE_VALUE.__getitem__, credit_code.WEIGHTS, credit_code.ALPHABET
    for code in filter(None, values):
        if len(code) != 18 or alphabet[(31 - sum(map(mul, map(value, code[:17]), weights)) % 31) % 31] != code[17]:
            return False
    return True


def _in_range(typed: list[object], lo: float | None, hi: float | None) -> list[object] | None:
    """The typed numbers when all lie within the column's range (else None: the per-cell path names each)."""
    if lo is None and hi is None:
        return typed
    numbers: list[float] = [v for v in typed if v != ABSENT]  # type: ignore[misc]  # the rest are numbers
    if numbers and ((lo is not None and min(numbers) < lo) or (hi is not None and max(numbers) > hi)):
        return None
    return typed


def columns_of(rows: Iterable[Sequence[object]]) -> list[tuple[object, ...]]:
    """A sheet's rows as columns; a short row's missing cells are None, as the per-cell path reads them."""
    return list(zip_longest(*rows, fillvalue=None))
