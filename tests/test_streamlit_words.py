"""The class names ``streamlit_words`` styles are the ones the installed Streamlit bundle gives its pickers' empty
lists: read from the bundle itself, so an upgrade that renames them fails here (the browser test shows the words)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import streamlit

from orggraph.app.pages.streamlit_words import EMPTY_LIST_CLASSES

BUNDLE = Path(streamlit.__file__).parent / "static" / "static" / "js"


def empty_list_class(component: str) -> str:
    """The emotion target class of the element a picker's ``renderEmptyState`` draws, in its bundle file."""
    (source,) = [p.read_text(encoding="utf-8") for p in BUNDLE.glob(f"{component}.*.js")]
    element = re.search(r"renderEmptyState:\(\)=>\w+\((\w+),", source)
    assert element, f"{component}: no renderEmptyState in the bundle"
    target = re.search(rf"\b{re.escape(element[1])}=\w+\(`span`,\{{target:`(\w+)`\}}\)", source)
    assert target, f"{component}: the empty list's element {element[1]} has no target class"
    return target[1]


@pytest.mark.parametrize("component", sorted(EMPTY_LIST_CLASSES))
def test_the_styled_class_is_the_bundles_empty_list(component):
    assert empty_list_class(component) == EMPTY_LIST_CLASSES[component]
