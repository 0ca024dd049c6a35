"""Streamlit's own English words, replaced in 中文 (style only; the widgets themselves are Streamlit's).

Streamlit draws a few words of its own that no argument changes: a picker's empty list ("No results" when the typed
text matches no option), a text field's hint while it is being typed in ("Press Enter to apply", in a form "Press
Enter to submit form") and the file uploader's button and note ("Browse files", "200MB per file • XLSX, …").
Pickers' placeholders ("Choose an option") are ours to pass: every multiselect passes one (a test holds the pages
to it). The empty lists are found by the class names Streamlit's bundle gives them (``EMPTY_LIST_CLASSES``, read
from the installed bundle by a test, so an upgrade that renames them fails there, not silently in a page).
"""

from __future__ import annotations

import streamlit as st

from orggraph.app.pages.common import lang

EMPTY_LIST_CLASSES = {"Selectbox": "equpb2c9", "Multiselect": "eo2qvtu11"}  # their renderEmptyState's element
NO_MATCH = "无匹配项"
ENTER = "按回车键确认"
ENTER_IN_FORM = "按回车键提交"
BROWSE = "选择文件"

_EMPTY = ", ".join(f".{name}" for name in EMPTY_LIST_CLASSES.values())
_EMPTY_AFTER = ", ".join(f".{name}::after" for name in EMPTY_LIST_CLASSES.values())
_HINT = "[data-testid='InputInstructions'] > span:first-child"  # a field's "2/64" count comes after it: figures
_BROWSE = "[data-testid='stFileUploaderDropzone'] button[data-testid='stBaseButton-secondary']"
# The uploader's browse button keeps its icon and loses its word; once files are chosen the zone also holds each
# file's remove button and an add-more icon, which keep their icons (only this button is matched).
CHINESE = f"""<style>
{_EMPTY} {{ font-size: 0; }}
{_EMPTY_AFTER} {{ content: '{NO_MATCH}'; font-size: 0.875rem; }}
{_HINT} {{ font-size: 0; }}
{_HINT}::after {{ content: '{ENTER}'; font-size: 0.75rem; }}
[data-testid='stForm'] {_HINT}::after {{ content: '{ENTER_IN_FORM}'; }}
[data-testid='stFileUploaderDropzoneInstructions'] {{ display: none; }}
{_BROWSE} [data-testid='stMarkdownContainer'] {{ display: none; }}
{_BROWSE}::after {{ content: '{BROWSE}'; font-size: 0.875rem; margin-left: 0.5rem; }}
</style>"""


def in_viewers_language() -> None:
    """Every page, in 中文: Streamlit's own words replaced (a style sheet taking no room in the page)."""
    if lang() == "zh":
        st.html(CHINESE)
