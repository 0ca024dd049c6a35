"""Which database a session reads (issue 12 over one database per province): the one place that turns the settings
and the session's user — or an admin's choice of province — into the store every page reads.

Why one place: a province's records live only in its database (loads are routed by area), so a page reading the app's
own database shows nothing of a street that lives in a province's. Every page reads through ``common.store`` and the
cache key ``common.version_key``, and both ask :func:`reading` which database that is:

* a user with an area reads the province whose database holds their street (``province_history.area_province``),
  cut to the street as everywhere (``area_scope``);
* a user of the whole region reads the province chosen in the sidebar (:data:`CHOICE_KEY`), else the app's own
  database;
* a page may read another province for a while (:func:`reading_province`: the paths page reads the province its two
  ends were found in).

Without provinces configured nothing here asks anything: every session reads the app's own database, as before.
Stores are opened once per database per app process (``st.cache_resource``: a driver pool each) and shared by every
session, as the app's own always was.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import streamlit as st

from orggraph.analysis.province_history import area_province
from orggraph.app.pages import session
from orggraph.graph.area_scope import ScopedStore
from orggraph.graph.backends import open_store
from orggraph.graph.province_databases import province_names
from orggraph.graph.store import BoltStore
from orggraph.model.config import load_settings

CHOICE_KEY = "province"  # the sidebar's choice of province (a whole-region user's); None: the app's own database
PROVINCE_TTL_S = 300  # which province holds an area changes only with the mapping (part of the key) or a load
_OVERRIDE: ContextVar[tuple[str | None] | None] = ContextVar("orggraph_reading_province", default=None)


def mapping() -> str:
    """The provinces as configured, as text: part of every cache key below, so a changed mapping reads anew."""
    return repr(load_settings().provinces)


@st.cache_resource(show_spinner=False)
def _base(province: str | None, provinces: str) -> BoltStore:
    settings = load_settings()
    if province is None:
        return open_store(settings)
    return open_store(settings.for_province(province), start=False)  # the app's own store started the server


def base_store(province: str | None = None) -> BoltStore:
    """The whole graph of one database: a province's (its key), or the app's own (None)."""
    return _base(province, mapping() if province else "")


@st.cache_resource(show_spinner=False)
def _scoped(area: str, province: str | None, provinces: str) -> ScopedStore:
    return ScopedStore(base_store(province), area)


def scoped(area: str, province: str | None = None) -> ScopedStore:
    """The graph of one database cut to ``area`` (``area_scope``)."""
    return _scoped(area, province, mapping() if province else "")


def store_of(area: str | None, province: str | None = None) -> BoltStore:
    """The graph of one database as a user of ``area`` sees it: cut to the area, or whole (None)."""
    return base_store(province) if area is None else scoped(area, province)  # type: ignore[return-value]


@st.cache_data(ttl=PROVINCE_TTL_S, max_entries=1024, show_spinner=False)
def _province_of(area: str, provinces: str) -> str | None:
    return area_province(load_settings(), area)


def province_of(area: str) -> str | None:
    """The province whose database holds ``area`` (None: no provinces configured, or the app's own database holds
    it). Without provinces nothing is asked."""
    return _province_of(area, mapping()) if load_settings().provinces else None


def names() -> dict[str, str]:
    """Each configured province's key → how it is shown."""
    return province_names(load_settings())


def reading() -> str | None:
    """The province this run reads (None: the app's own database): a page's override, else the user's area's, else
    the sidebar's choice of a whole-region user."""
    override = _OVERRIDE.get()
    if override is not None:
        return override[0]
    provinces = load_settings().provinces
    if not provinces:
        return None
    area = session.area()
    if area:
        return province_of(area)
    chosen = st.session_state.get(CHOICE_KEY)
    return chosen if chosen in provinces else None


@contextmanager
def reading_province(province: str | None) -> Iterator[None]:
    """Every read in the block goes to ``province``'s database (None: the app's own), the session's area still cut."""
    token = _OVERRIDE.set((province,))
    try:
        yield
    finally:
        _OVERRIDE.reset(token)


def import_target() -> str | None:
    """The database an import from the app writes: a street user's province (every row is checked against their
    street, so it belongs there), else the app's own, whatever the sidebar reads — ledgers of a whole region are
    routed row by row to their provinces by ``orggraph load``, never written whole into one province."""
    area = session.area()
    return province_of(area) if area else None


def choices() -> list[str | None]:
    """What a whole-region user may read: the app's own database, then every province (none without provinces or
    for a user with an area, who reads their street's province only)."""
    provinces = load_settings().provinces
    if not provinces or session.area():
        return []
    return [None, *provinces]


def where(province: str | None) -> tuple[str, str]:
    """How a database is named to a person (中文, English): a province's name, or the app's own database."""
    if province is None:
        return "本应用数据库", "the app's own database"
    name = names()[province]
    return name, name
