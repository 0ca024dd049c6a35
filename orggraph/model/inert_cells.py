"""Spreadsheet cells we write can never run: the OWASP rule against CSV/formula injection, and its inverse.

A cell whose text starts with ``= + - @``, a tab or a carriage return is read by Excel, WPS and LibreOffice as a
formula (``=HYPERLINK(...)``, ``+cmd|...``, ``@SUM(...)``). Every CSV we write prefixes such a text with an
apostrophe (the OWASP recommendation: the spreadsheet then shows it as text); every xlsx we write stores it as a
string cell, never a formula. The ledger reader undoes the CSV prefix, so an exported ledger loads back unchanged.

>>> neutralise("=HYPERLINK(\\"http://x\\")")
'\\'=HYPERLINK("http://x")'
>>> neutralise("-5"), neutralise(-5), neutralise("太白社区")
("'-5", -5, '太白社区')
>>> restore(neutralise("@SUM(A1)")), restore(neutralise("'=x"))
('@SUM(A1)', "'=x")
"""

from __future__ import annotations

from typing import TypeVar, overload

_T = TypeVar("_T")

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PREFIX = "'"


@overload
def neutralise(value: str) -> str: ...
@overload
def neutralise(value: _T) -> _T: ...
def neutralise(value: object) -> object:
    """The value as a CSV cell that cannot run: texts starting with a trigger get an apostrophe in front.

    Numbers, dates and other non-text values are returned as they are (a negative number is a number, not a
    formula)."""
    if isinstance(value, str) and (
        value.startswith(TRIGGERS) or (value.startswith(PREFIX) and restore(value) != value)
    ):
        return PREFIX + value  # the second case: a text that already reads like a neutralised one keeps its apostrophe
    return value


def restore(text: str) -> str:
    """The inverse of :func:`neutralise` for a CSV cell read back: one apostrophe is dropped from apostrophes that
    lead to a trigger."""
    if text.startswith(PREFIX) and text[1:].lstrip(PREFIX).startswith(TRIGGERS):
        return text[1:]
    return text
