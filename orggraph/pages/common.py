"""What every page shares: the cached store, the language switch and the sidebar."""

from __future__ import annotations

import streamlit as st

from orggraph.backends import open_store
from orggraph.config import load_settings
from orggraph.store import BoltStore


@st.cache_resource
def store() -> BoltStore:
    """One store (driver pool) per app process, shared by every session."""
    return open_store(load_settings())


def lang() -> str:
    st.session_state.setdefault("lang", "zh")
    return st.session_state["lang"]


def t(zh: str, en: str) -> str:
    """The label in the viewer's language."""
    return zh if lang() == "zh" else en


def sidebar() -> None:
    st.sidebar.radio(
        "语言 / Language",
        ["zh", "en"],
        key="lang",
        format_func=lambda v: "中文" if v == "zh" else "English",
        horizontal=True,
    )
    info = store().server_info()
    st.sidebar.caption(f"{t('后端', 'Backend')}: {info['backend']} · {info['agent']}")
