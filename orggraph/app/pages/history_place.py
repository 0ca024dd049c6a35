"""Which coverage history a page reads (issue 15 over issue 12's one database per province): the one every history
part of the app goes through — the overview's trend lines, the coverage-gaps page's 整改跟踪 and 生成月度报告, the
print view.

Why one place: a snapshot describes one graph, and with provinces configured each province's database keeps its own
history (``province_history.history_home``), never the data dir's own. So an area's history is its province's
(``databases.province_of``: the settings' mapping for a top-level area, else the database holding it), read
with that province's store — the monthly report's ledger changes and lapsing agreements come from the graph the
snapshots describe. A street user's store is cut to their street there as it is on the app's own graph. The whole
nation has no single history (its figures are the provinces' sum, each history kept apart): there a page says so
(:func:`say_no_single_history`) instead of reading one. Without provinces every area reads the one graph's history,
as before; an area no province holds is one of the app's own graph (its pickers list those), so its history is that
graph's too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from orggraph.analysis.province_history import history_home
from orggraph.app.pages import databases, session
from orggraph.app.pages.common import store, t
from orggraph.graph.area_scope import ScopedStore
from orggraph.graph.store import BoltStore
from orggraph.model.config import load_settings

NO_SINGLE_HISTORY = (
    "全国没有统一的覆盖历史:每个省的数据库保存自己的快照。请选择一个区域,读取它所在省的历史;"
    "各省的覆盖率趋势见总览的「全国 · 各省」。",
    "The nation has no single coverage history: each province's database keeps its own snapshots. Pick an area to "
    "read its province's history; the overview's Nation · provinces section shows each province's trend.",
)


@dataclass(frozen=True)
class HistoryPlace:
    """One history as a page reads it: the folder standing for its data dir (its ``snapshots/``), the store of the
    graph it describes as this session's user sees it, and the province's name (empty: the app's own graph)."""

    folder: Path
    store: BoltStore | ScopedStore
    name: str


def history_place(area: str | None) -> HistoryPlace | None:
    """The history of ``area`` (the one picked on the page; None: this user's own, their street or everywhere).
    None when that is the whole nation over provinces (no province chosen in the sidebar): it has no single history."""
    settings = load_settings()
    mine = session.area()
    area = area or mine
    own = HistoryPlace(settings.resolved_data_dir(), store(), "")
    if not settings.provinces:
        return own
    key = databases.province_of(area) if area else databases.reading()  # no area: the province the admin reads
    if area is None and key is None:
        return None
    if key is None:
        return own
    home = history_home(settings, key)
    return HistoryPlace(home.folder, databases.store_of(mine, key), home.name)  # the stores every page reads


def say_no_single_history() -> None:
    st.info(t(*NO_SINGLE_HISTORY))


def say_whose(place: HistoryPlace) -> None:
    """Which province's history the figures below are (nothing for the app's own graph)."""
    if place.name:
        st.caption(t(f"数据来自 {place.name} 数据库保存的快照", f"From the snapshots kept by {place.name}'s database"))
