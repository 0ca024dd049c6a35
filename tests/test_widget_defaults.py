"""Every number box, slider and date field of the app is handed its first value.

Left without one, the browser's copy of the widget starts from Streamlit's own default — a number box and a slider
from their minimum, a date field from the *browser's* today — while the page meant another value (set in session
state). CI once saw the paths page's 路径条数 at 1 instead of 3 that way: the browser sent its 1 back with the next
run, and the clerk got one path instead of three. Passing the value to the widget makes both defaults one."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

import orggraph.app

PAGES = Path(orggraph.app.__file__).parent
# widget -> position of its value argument after the label (st.number_input(label, min, max, value), ...)
VALUE_AT = {"number_input": 3, "slider": 3, "date_input": 1}


def _calls() -> list[tuple[str, ast.Call]]:
    found = []
    for path in sorted(PAGES.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in VALUE_AT:
                found.append((f"{path.relative_to(PAGES)}:{node.lineno}", node))
    return found


def test_the_app_has_such_widgets():
    assert len(_calls()) >= 15


@pytest.mark.parametrize(("where", "call"), _calls(), ids=[w for w, _ in _calls()])
def test_each_is_given_its_value(where, call):
    given = len(call.args) > VALUE_AT[call.func.attr] or any(k.arg == "value" for k in call.keywords)
    assert given, f"{where}: {call.func.attr} without its value falls back to Streamlit's default in the browser"


def test_a_three_year_agreement_from_29_february():
    from orggraph.app.pages.whatif_forms import _years_later

    assert _years_later(dt.date(2028, 2, 29), 3) == dt.date(2031, 2, 28)
    assert _years_later(dt.date(2026, 6, 15), 3) == dt.date(2029, 6, 15)
