"""Personal numbers — ID-card, mobile and landline numbers — found anywhere in a text, however typed.

One detector for every place a person's number could slip in: ledger cells, the what-if proposal, the
app's forms. Ledgers record organisations, not people's contact details, so such a number is refused,
never stored (and never echoed back: callers show ``***``).

What counts, after full-width digits and punctuation are made half-width:

- mobile: ``1[3-9]`` + 9 digits, with or without ``+86`` / ``0086`` / ``86`` in front;
- landline: an area code (``010``, ``02x``, ``0xxx``) + a 7–8 digit number starting 2–9, or the same
  after ``+86`` without the area code's 0;
- ID card: 18 digits (the last may be ``X``) or the old 15, each region + birth date + serial.

A number is written as groups of at least three digits joined by up to three of space ``. - / ( )`` (or
a dash): ``138 1234 5678``, ``(0531)8888-9999``, ``370802-1990-0101-123X``; a prefix group ``86`` /
``0086`` and a two-digit area code after it (``+86 10 8888 9999``) may be shorter. Digits touching a Latin
letter belong to a code, not a number. Only whole groups make a number — a digit run is never cut — which is what keeps
dates (``2024-01-01``), date ranges, amounts (``12345678.90``), credit codes (``91370800MA3C0001XD``),
our ids (``L20261130120000-abc123``) and addresses (``太白湖路18号3单元501室``) from matching.

Speed: validation asks this of every text cell of a city (~700k cells). A cell without eleven digits
close together cannot hold any of these numbers; one regex scan decides that, and only the rare rest is
looked at group by group.

>>> find("李四 +8613812345678").zh, find("(0531)88889999").zh, find("370802-1990-0101-123X").zh
('手机号', '固定电话', '身份证号')
>>> find("91370800MA3C0001XD"), find("2024-01-01 至 2026-12-31"), find("太白湖路18号3单元501室")
(None, None, None)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from enum import Enum


class Kind(Enum):
    """What a personal number is, in both languages."""

    ID_CARD = ("身份证号", "an ID-card number")
    MOBILE = ("手机号", "a mobile phone number")
    LANDLINE = ("固定电话", "a landline phone number")

    @property
    def zh(self) -> str:
        return self.value[0]

    @property
    def en(self) -> str:
        return self.value[1]

    @property
    def label(self) -> str:
        """``身份证号 / an ID-card number``."""
        return f"{self.zh} / {self.en}"


_DIGITS = "0-9０-９"
# between two groups of digits; full-width forms are listed too because the pre-check runs on raw text
_SEPARATOR = r"\s\-./()（）－．／\u2010-\u2015"
_CANDIDATE = re.compile(rf"[{_DIGITS}](?:[{_SEPARATOR}]{{0,3}}[{_DIGITS}]){{10}}")
_SPAN = re.compile(rf"\d+(?:[Xx](?![A-Za-z0-9]))?(?:[{_SEPARATOR}]{{1,3}}\d+(?:[Xx](?![A-Za-z0-9]))?)*", re.ASCII)
_GROUP = re.compile(r"\d+[Xx]?", re.ASCII)
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015", "-"))

_DATE = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_ID18 = re.compile(rf"[1-8]\d{{5}}(?:18|19|20)\d\d{_DATE}\d{{3}}[\dXx]")
_ID15 = re.compile(rf"[1-8]\d{{5}}\d\d{_DATE}\d{{3}}")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0(?:10|2\d|[3-9]\d\d)[2-9]\d{6,7}")
_PREFIXES = ("0086", "86")
MIN_GROUP = 3  # digits in a group (138 1234 5678); a shorter one breaks a number (dates: 2024-01-01)
MAX_DIGITS = 22  # the longest number with its prefix and an X: 0086 + 18


def may_hold(value: object) -> bool:
    """A cheap first look: only text with eleven digits close together, or a whole number of eleven digits
    or more, can hold a personal number."""
    if type(value) is str:  # type() and not isinstance: a bool is no number here
        return _CANDIDATE.search(value) is not None
    if type(value) is int:
        return value >= 10**10
    return type(value) is float and value >= 1e10 and value.is_integer()


def find(value: object) -> Kind | None:
    """The first personal number in a value (text, or a number typed into a cell), or None."""
    if not may_hold(value):
        return None
    if isinstance(value, float):
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value)).translate(_DASHES)
    for span in _SPAN.finditer(text):
        groups = [_unglued(text, m) for m in _GROUP.finditer(text, span.start(), span.end())]
        kind = _in_groups(groups)
        if kind is not None:
            return kind
    return None


def _unglued(text: str, match: re.Match[str]) -> str:
    """The group's digits, or "" when a Latin letter touches it: then it is part of a code (a credit code
    ``Y1370802…``, a load id ``L2026…``), which no number may use."""
    start, end = match.span()
    if (start and text[start - 1] in _LETTERS) or (end < len(text) and text[end] in _LETTERS):
        return ""
    return match.group()


def _in_groups(groups: list[str]) -> Kind | None:
    """The longest number made of consecutive whole groups, each long enough (see :func:`_short_allowed`):
    the longest, so that ``130 10220000 101 0000`` is the ID number it is, not the mobile at its start."""
    best: tuple[int, Kind] | None = None
    for start in range(len(groups)):
        digits = ""
        for end in range(start, len(groups)):
            group = groups[end]
            if len(group) < MIN_GROUP and not _short_allowed(groups, start, end):
                break
            digits += group
            if len(digits) > MAX_DIGITS:
                break
            kind = classify(digits)
            if kind is not None and (best is None or len(digits) > best[0]):
                best = (len(digits), kind)
            if group[-1] in "Xx":  # an X ends an ID number: nothing follows it
                break
    return None if best is None else best[1]


def _short_allowed(groups: list[str], start: int, end: int) -> bool:
    """A short group is a country prefix (``86`` / ``0086``) or, right after it, a two-digit area code
    without its 0 (``+86 10 8888 9999``)."""
    if end == start:
        return groups[end] in _PREFIXES
    return end == start + 1 and groups[start] in _PREFIXES and len(groups[end]) == 2


def classify(digits: str) -> Kind | None:
    """What a run of digits (no separators) is, if it is a whole personal number.

    >>> [classify(d).name for d in ("13812345678", "008613812345678", "862588889999", "370802900101123")]
    ['MOBILE', 'MOBILE', 'LANDLINE', 'ID_CARD']
    >>> classify("20240101") is None and classify("91370800613004781X") is None
    True
    """
    if _ID18.fullmatch(digits) or _ID15.fullmatch(digits):
        return Kind.ID_CARD
    if _MOBILE.fullmatch(digits):
        return Kind.MOBILE
    if _LANDLINE.fullmatch(digits):
        return Kind.LANDLINE
    for prefix in _PREFIXES:
        if digits.startswith(prefix):
            rest = digits[len(prefix) :]
            if _MOBILE.fullmatch(rest):
                return Kind.MOBILE
            if _LANDLINE.fullmatch("0" + rest):
                return Kind.LANDLINE
    return None


def fields_with_numbers(fields: dict[str, object]) -> list[tuple[str, Kind]]:
    """(field, kind) for every field whose value holds a personal number (lists and dicts looked into), for
    forms and proposals: the caller names the field and shows ``***``, never the number."""
    found = []
    for name, value in fields.items():
        kind = next((k for k in map(find, _leaves(value)) if k is not None), None)
        if kind is not None:
            found.append((name, kind))
    return found


def _leaves(value: object) -> Iterator[object]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(key)
            yield from _leaves(item)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _leaves(item)
    else:
        yield value
