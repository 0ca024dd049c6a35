"""Placeholder until the page is written."""

from __future__ import annotations

import streamlit as st

from orggraph.pages.common import t


def render() -> None:
    st.title(t("建设中", "Coming soon"))
