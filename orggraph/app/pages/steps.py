"""A progress bar over a few named steps of long work (the gap report, a what-if), removed when the work is done:
the page says what it is doing while the server computes (the province overview: ~10 s)."""

from __future__ import annotations

import streamlit as st


class Steps:
    """The bar, its first step's words already in the page's language (``common.t``)."""

    def __init__(self, total: int, text: str) -> None:
        self.total, self.done = total, 0
        self.bar = st.progress(0.0, text=text)

    def step(self, text: str) -> None:
        self.done += 1
        self.bar.progress(min(self.done / self.total, 1.0), text=text)

    def close(self) -> None:
        self.bar.empty()
