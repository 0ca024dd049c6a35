"""The search box every page picks an entity with (a path's ends, a what-if's places and orgs): names and ids of the
graph the session reads, each match told apart by its kind and area chain.

With provinces configured a whole-region user may search every database at once (``everywhere``: the paths page),
each match saying which province it is in (``fan_out.matches_everywhere``); the pick then carries its database, so the
page reads that one. A user with an area searches their street only, in their province, as every read of theirs.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from orggraph.analysis.entities import Entity
from orggraph.analysis.entity_places import EntityPlaces, Match, clear_choice, search_matches
from orggraph.analysis.fan_out import ProvinceMatch, matches_everywhere
from orggraph.analysis.name_index import NameIndex
from orggraph.app.pages import databases
from orggraph.app.pages.common import (
    coverage_index,
    lang,
    remember,
    show_error,
    store_for,
    t,
    version_key,
    version_key_of,
)
from orggraph.model.errors import OrgGraphError

INDEXES_KEPT = 8  # a few databases' name indexes at once (the app's own and the provinces an admin searches)


@st.cache_resource(max_entries=INDEXES_KEPT, show_spinner=False)
def name_index(version: str) -> NameIndex:
    """Every searchable name for one state of the graph (its database and the viewer's area: the version carries
    both)."""
    return NameIndex.fetch(store_for(version))


@st.cache_resource(max_entries=INDEXES_KEPT, show_spinner=False)
def entity_places(version: str) -> EntityPlaces:
    """Where every record sits (its area chain) for one state of the graph, as this viewer's geography names it."""
    return EntityPlaces.fetch(store_for(version), coverage_index(version).geography)


@st.cache_data(max_entries=256, show_spinner=False)
def _search(text: str, version: str) -> list[Match]:
    return search_matches(store_for(version), text, name_index(version), entity_places(version))


@dataclass(frozen=True)
class Picked:
    """An entity picked, and the database it was found in (a province's key; None: the app's own)."""

    entity: Entity
    province: str | None


def _found(text: str, everywhere: bool) -> list[Match] | list[ProvinceMatch]:
    """The matches in the database the session reads, or (``everywhere``, a whole-region user over provinces) in
    every database, each naming its own."""
    options = databases.choices() if everywhere else []
    if not options:
        return _search(text, version_key())
    where = {key: databases.where(key) for key in options}
    return matches_everywhere({key: _search(text, version_key_of(key)) for key in options}, where)


def pick(label: str, key: str, placeholder: str = "", everywhere: bool = False) -> Picked | None:
    """A search box over the names (and ids) and, below it, the matches listed as name · kind · area chain · id (and
    the province, searching ``everywhere``). The best match is chosen only when it is clearly the one meant (the only
    match, or alone in matching the id or the exact name); otherwise the viewer picks, and nothing is chosen until
    they do."""
    text = st.text_input(label, key=f"{key}_text", placeholder=placeholder).strip()
    if not text:
        return None
    try:
        with st.spinner(t(f"正在查找“{text}”……", f"Searching for '{text}'…")):
            found = _found(text, everywhere)
    except OrgGraphError as exc:
        show_error(exc)
        return None
    if not found:
        st.warning(t(f"没有找到“{text}”,请换一个名称或编号。", f"nothing matches '{text}'; try another name or id"))
        return None
    by_key = {m.key: m for m in found}
    clear = clear_choice([m.match if isinstance(m, ProvinceMatch) else m for m in found])
    base, language = f"{key}_choice", lang()
    widget = base + ("" if lang() == "zh" else f"_{lang()}")
    remembered = st.session_state.get(f"{base}_value")
    if st.session_state.get(widget) not in by_key:  # a new search: the choice made for the last one is gone
        st.session_state[widget] = (
            remembered if remembered in by_key else (found[clear].key if clear is not None else None)
        )
    picked = st.selectbox(
        t(f"{label} · 匹配结果({len(found)} 个)", f"{label} · matches ({len(found)})"),
        list(by_key),
        key=widget,
        format_func=lambda k: by_key[k].describe(language),  # this run's language: the widget keeps its texts
        placeholder=t("有多个匹配,请选择一个", "several match: choose one"),
    )
    remember(base, picked)
    if picked not in by_key:
        return None
    hit = by_key[picked]
    province = hit.province if isinstance(hit, ProvinceMatch) else databases.reading()
    return Picked(hit.entity, province)


def entity_picker(label: str, key: str, placeholder: str = "") -> Entity | None:
    """:func:`pick` in the database the session reads: the entity alone."""
    picked = pick(label, key, placeholder)
    return picked.entity if picked else None
