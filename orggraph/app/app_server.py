"""The Streamlit server for ``entry/streamlit_app.py``, with a start-up hook (``st.App``'s lifespan): before anyone
visits, a background thread imports the pages and computes the whole-region gap report, the area index and the map's
outlines into the app's caches. Without it the first visitor after a start paid all of that (the overview took ~4.6 s
in the browser on a freshly started city region, measured). A visitor who comes while it runs waits for
the same computation (the caches lock per key) rather than starting a second one."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import streamlit as st

from orggraph.analysis.coverage import GapReport
from orggraph.graph.area_scope import warm
from orggraph.model.errors import OrgGraphError

APP = Path(__file__).resolve().parent / "entry" / "streamlit_app.py"  # no pages/ beside it: see entry/__init__


def warm_caches() -> GapReport | None:
    """The report and index the overview, gaps and what-if pages read first, now in the app's caches; None
    when the graph could not be reached (the pages then say so themselves)."""
    from orggraph.app.entry import streamlit_app  # noqa: F401  (imports every page, as the first visit would)
    from orggraph.app.pages import common, coverage_map, session

    try:
        if session.account_store().has_areas():
            warm(common.base_store())  # street users read through the area scope: its universe, alongside
        version = common.version_key()
        common.coverage_index(version)
        report = common.whole_report(common.today(), version)
        coverage_map.warm(version)  # the map's outlines and points (a few seconds on a city), once per graph state
        return report
    except OrgGraphError:
        return None


def _warm_quietly() -> None:
    """``warm_caches`` in the background. Cut off by the app's shutdown (which refuses new worker threads
    once it has begun: a RuntimeError), it just ends: the next start warms again."""
    with contextlib.suppress(RuntimeError):
        warm_caches()


@contextlib.asynccontextmanager
async def _lifespan(_app: st.App) -> AsyncIterator[None]:
    threading.Thread(target=_warm_quietly, name="orggraph-warm-caches", daemon=True).start()
    yield


app = st.App(str(APP), lifespan=_lifespan)
