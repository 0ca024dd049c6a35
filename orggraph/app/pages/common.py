"""What every page shares: the store, the caches keyed by the graph's state, the language and privacy
switches, and the sidebar (backend in use, when the data was loaded)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from orggraph.analysis.coverage import CoverageIndex, GapReport, gap_report, narrow
from orggraph.analysis.geography import AREA_LEVELS, LEVEL_NAMES, Geography
from orggraph.analysis.query_catalogue import find_query, run_query
from orggraph.app.pages import databases, session
from orggraph.app.pages.steps import Steps
from orggraph.graph.area_scope import warm
from orggraph.graph.store import BoltStore
from orggraph.model.config import load_settings
from orggraph.model.errors import LoadInProgress, OrgGraphError
from orggraph.model.privacy import mask_name
from orggraph.present.app_words import server_label
from orggraph.present.gap_output import rows_csv
from orggraph.present.output import local_time
from orggraph.present.table_workbook import frame_xlsx


def today() -> dt.date:
    """The date the pages mean by today: the settings' fixed date if one is set (tests, reproducing a report),
    else the calendar's."""
    return load_settings().current_date()


def base_store() -> BoltStore:
    """The app's own database, whole (``databases``: one store per database per app process, shared by sessions)."""
    return databases.base_store(None)


def store_of(area: str | None, province: str | None = None) -> BoltStore:
    """The graph of one database (a province's, or the app's own) as a user of ``area`` sees it (``area_scope``)."""
    return databases.store_of(area, province)


def store() -> BoltStore:
    """The graph as this session's user sees it, in the database the session reads (``databases.reading``): every
    page reads through this, so the area scope and the province hold below the pages."""
    return store_of(session.area(), databases.reading())


def whole_area() -> tuple[str, str]:
    """What "everywhere" is for this viewer (中文, English): the whole region, or their street."""
    area = session.area()
    if not area:
        return "全部区域", "all areas"
    name = area_label(area)
    return name, name


def area_label(area: str) -> str:
    """An area as the sidebar names it: the street's name and id (the id alone while the graph cannot say)."""
    try:
        return f"{databases.scoped(area, databases.province_of(area)).scope().name}({area})"
    except OrgGraphError:
        return area


@st.cache_data(ttl=15, show_spinner=False)
def graph_version(area: str | None = None, province: str | None = None) -> dict[str, Any]:
    """When the last load finished and how many nodes there are (in the area) in one database (a province's, or the
    app's own): every cache below is keyed by it, so a load (from the import page or the CLI) shows up within 15 s
    without a restart. Nodes are counted per label (a count store on Neo4j, an index on ArcadeDB: ~10 ms on a city,
    where one unlabelled count is a scan of ~70 ms); the counts are kept for the overview's headline."""
    base = databases.base_store(province)
    version = run_query(base, find_query("graph_version"))[0]
    if area is None and session.account_store().has_areas():
        warm(base)  # a load from the CLI shows here first: street users' universe, before one asks
    counts = store_of(area, province).node_counts()
    return {**version, "nodes": sum(counts.values()), "counts": counts}


def session_version() -> dict[str, Any]:
    """:func:`graph_version` of what this session reads (its database, its area)."""
    return graph_version(session.area(), databases.reading())


STREET_INDEXES = 64  # street users' indexes kept at once (each ~1k places and its suggestions)


def version_key() -> str:
    """The key of every cache below: the graph's state, the database the session reads and its area (the last two
    fields, which the cached functions read their store from: :func:`store_for`). The store's load token (0.25 s
    old at most) makes it change as soon as a load starts (it raises LoadInProgress: no key, no page on half a
    load) and ends."""
    return version_key_of(databases.reading())


def version_key_of(province: str | None) -> str:
    """:func:`version_key` of one database (a province's key; None: the app's own) for this session's area."""
    area = session.area()
    v = graph_version(area, province)
    token = databases.base_store(province).load_token()
    return f"{v['loaded']}|{v['loads']}|{v['nodes']}|{token}|{province or ''}|{area or ''}"


def version_place(version: str) -> tuple[str | None, str | None]:
    """The database (a province's key; None: the app's own) and the area a cache key of :func:`version_key` reads."""
    _, province, area = version.rsplit("|", 2)
    return province or None, area or None


def of_a_street(version: str) -> bool:
    """Whether a cache key is a street user's (their street's caches are kept apart from whole regions')."""
    return version_place(version)[1] is not None


def store_for(version: str) -> BoltStore:
    """The store a cached function keyed by ``version`` reads (callable from worker threads: no session)."""
    province, area = version_place(version)
    return store_of(area, province)


def coverage_index(version: str) -> CoverageIndex:
    """The geography and suggestion indexes for one state of the graph; a street user's are read around their
    street (a province's geography is 665k places, a street's under a thousand). Kept apart by size: two whole
    regions (this state and the one before), and the streets of many users at once — in one cache of two, a third
    street user evicted the admin's province index (3.3 s to fetch again) or another street user's."""
    return _street_index(version) if of_a_street(version) else _region_index(version)


@st.cache_resource(max_entries=2, show_spinner=False)
def _region_index(version: str) -> CoverageIndex:
    return CoverageIndex.fetch(store_for(version))


@st.cache_resource(max_entries=STREET_INDEXES, show_spinner=False)
def _street_index(version: str) -> CoverageIndex:
    return CoverageIndex.fetch(store_for(version), ("Street", version_place(version)[1] or ""))


def whole_report(as_of: dt.date, version: str) -> GapReport:
    """Every rule over the whole region (a street user's: their street) for one day and one state of the graph, kept
    as the object itself (frozen, so sharing it across sessions is safe; no unpickling on a warm page). Any choice of
    rules and area is cut from it in memory. Whole regions and streets are kept apart, as the indexes are."""
    if of_a_street(version):
        return _street_report(None, as_of, version)
    return _region_report(as_of, version)


def rule_report(rule: str, area: str | None = None) -> GapReport:
    """One rule's report for an area today, cut from that rule's whole-region report (kept per graph state; the map
    shows one rule: on a city 0.2 s, where every rule takes 3 s)."""
    version = version_key()
    kept = _street_report if of_a_street(version) else _region_rule_report
    return narrow(kept(rule, today(), version), coverage_index(version).geography, (rule,), area)


def _report_of(rule: str | None, as_of: dt.date, version: str) -> GapReport:
    return gap_report(store_for(version), [rule] if rule else None, None, as_of, lambda: coverage_index(version))


@st.cache_resource(max_entries=4, show_spinner=False)
def _region_report(as_of: dt.date, version: str) -> GapReport:
    return _report_of(None, as_of, version)


@st.cache_resource(max_entries=8, show_spinner=False)
def _region_rule_report(rule: str, as_of: dt.date, version: str) -> GapReport:
    return _report_of(rule, as_of, version)


@st.cache_resource(max_entries=4 * STREET_INDEXES, show_spinner=False)
def _street_report(rule: str | None, as_of: dt.date, version: str) -> GapReport:
    """A street user's reports: all rules (``rule`` None) and the map's one rule at a time."""
    return _report_of(rule, as_of, version)


def report(
    rules: tuple[str, ...] = (), area: str | None = None, as_of: dt.date | None = None, progress: bool = False
) -> GapReport:
    """The gap report for the current graph, some rules (all by default) in an area (everywhere by default);
    ``progress`` shows its steps on a bar (gone when done: a warm report only flashes it)."""
    version = version_key()
    steps = Steps(3, t("正在读取区域和规则索引……", "Reading the areas and rule indexes…")) if progress else None
    try:
        index = coverage_index(version)
        if steps:
            steps.step(t("正在计算各规则的覆盖缺口……", "Computing each rule's coverage gaps…"))
        whole = whole_report(as_of or today(), version)
        if steps:
            steps.step(t("正在按所选区域和规则汇总……", "Summing up for the chosen area and rules…"))
        return narrow(whole, index.geography, rules, area)
    finally:
        if steps:
            steps.close()


@st.cache_data(max_entries=256, show_spinner=False)
def cached_query(
    name: str, params: tuple[tuple[str, Any], ...], version: str, day: dt.date, names: bool = False
) -> list[dict[str, Any]]:
    return run_query(store_for(version), find_query(name), dict(params), day, names=names)


def names_shown() -> bool:
    """Whether this viewer sees person names: they turned the sidebar's switch on and their role may (an admin,
    or the local mode); never on the switch alone."""
    return bool(st.session_state.get("show_names")) and session.may("names")


def query(name: str, **params: Any) -> list[dict[str, Any]]:
    """A catalogue query's rows for the current graph (cached until the graph changes), the person names it
    declares masked unless this viewer sees names (:func:`names_shown`)."""
    return cached_query(name, tuple(sorted(params.items())), version_key(), today(), names_shown())


def query_in(area: str | None, name: str, **params: Any) -> list[dict[str, Any]]:
    """A catalogue query's rows within an area picked on a page (None: everywhere, as :func:`query`): as a user of
    each of its streets sees them (cut by ``area_scope``: a record tied to two streets is in both), each row once.
    A viewer with an area of their own reads theirs, whatever is picked."""
    if area is None or session.area():
        return query(name, **params)
    geography = coverage_index(version_key()).geography
    below = [p.id for p in geography.children(area) if p.label == "Street"]
    streets = [area] if geography.places[area].label == "Street" else below
    base, key = version_key().rsplit("|", 1)[0], tuple(sorted(params.items()))
    rows: dict[Any, dict[str, Any]] = {}
    for street in streets:
        for row in cached_query(name, key, f"{base}|{street}", today(), names_shown()):
            rows.setdefault(row.get("id") or tuple(row.items()), row)
    return list(rows.values())


@st.cache_resource(show_spinner=False)
def server_info() -> dict[str, str]:
    return base_store().server_info()


def lang() -> str:
    st.session_state.setdefault("lang", "zh")
    return str(st.session_state["lang"])


def t(zh: str, en: str) -> str:
    """The label in the viewer's language."""
    return zh if lang() == "zh" else en


def show_error(exc: OrgGraphError) -> None:
    """An error as every page shows one: its message in the viewer's language, never a stack trace."""
    st.error(t(exc.zh, exc.en))


def person(name: str | None) -> str:
    """A person's name as this viewer may see it: masked unless they turned masking off."""
    return name or "" if names_shown() else mask_name(name)


def language_switch() -> None:
    """The sidebar's 中文/English switch (one widget key, so a choice made on the login page carries over)."""
    st.sidebar.radio(
        "语言 / Language",
        ["zh", "en"],
        key="lang",
        format_func=lambda v: "中文" if v == "zh" else "English",
        horizontal=True,
    )


def sidebar() -> None:
    language_switch()
    st.sidebar.toggle(
        t("显示人员姓名", "Show person names"), key="show_names", value=False, disabled=not session.may("names")
    )
    province_choice()
    info = server_info()
    st.sidebar.caption(f"{t('后端', 'Backend')}: {server_label(info['backend'], info['agent'], lang())}")
    try:
        loaded = graph_version(None, databases.reading())["loaded"]
    except LoadInProgress as exc:
        st.sidebar.caption(t(exc.zh, exc.en))
        return
    st.sidebar.caption(f"{t('数据导入时间', 'Data loaded')}: {local_time(loaded) or t('未记录', 'not recorded')}")


def province_choice() -> None:
    """With provinces configured: a whole-region user picks the database every page reads (the app's own, or a
    province's); a user with an area is told their street's province (``databases.reading``)."""
    options = databases.choices()
    if options:
        st.sidebar.selectbox(
            t("省份(数据库)", "Province (database)"),
            options,
            key=databases.CHOICE_KEY,
            format_func=lambda k: t(*databases.where(k)),
        )
    elif (mine := databases.reading()) is not None:
        st.sidebar.caption(f"{t('省份', 'Province')}: {t(*databases.where(mine))}")


def area_picker(key: str, levels: int = 4) -> str | None:
    """Cascading pickers 区 → 街道 → 社区 → 网格, each list filtered by the one above; returns the id of
    the deepest area chosen (None: everywhere). ``key`` prefixes the widgets' session keys."""
    geography = coverage_index(version_key()).geography
    roots = geography.children(None)  # a user with an area: their street is the top (its district is not theirs)
    start = AREA_LEVELS.index(roots[0].label) if roots else 0
    names = [LEVEL_NAMES[label] for label in AREA_LEVELS[start:levels]]
    chosen: str | None = None
    cols = st.columns(len(names))
    for i, (col, (zh, en)) in enumerate(zip(cols, names, strict=True)):
        options = geography.children(chosen) if (i == 0 or chosen) else []
        if i > 0 and not chosen:
            col.selectbox(t(zh, en), [t("(全部)", "(all)")], key=f"{key}_{i}", disabled=True)
            continue
        ids: list[str | None] = [None, *[p.id for p in options]]
        if st.session_state.get(f"{key}_{i}") not in ids:  # an area of another database (the province changed)
            st.session_state.pop(f"{key}_{i}", None)
        label_of = {p.id: p.name for p in options}

        def shown(v: str | None, lo: dict[str, str] = label_of) -> str:
            return t("(全部)", "(all)") if v is None else lo.get(v, v)

        picked: str | None = col.selectbox(t(zh, en), ids, key=f"{key}_{i}", format_func=shown)
        if picked is None:
            break
        chosen = picked
    return chosen


def set_pickers(key: str, geography: Geography, area: str | None) -> None:
    """The pickers of :func:`area_picker` under ``key`` set to ``area``'s chain (None: everywhere), for another page
    or a click that chooses the area."""
    roots = geography.children(None)
    start = AREA_LEVELS.index(roots[0].label) if roots else 0
    chain = [p for p in geography.areas(area) if AREA_LEVELS.index(p.label) >= start] if area else []
    for i in range(len(AREA_LEVELS)):
        if i < len(chain):
            st.session_state[f"{key}_{i}"] = chain[i].id
        else:
            st.session_state.pop(f"{key}_{i}", None)


def choice_key(key: str, default: object) -> str:
    """The widget key of a choice whose options are shown in the viewer's language: one key per language, because
    Streamlit matches a chosen option by its displayed text and would lose it when the language switches; the
    choice itself carries over (kept under ``<key>_value`` by :func:`remember`)."""
    widget = key + ("" if lang() == "zh" else f"_{lang()}")
    st.session_state.setdefault(widget, st.session_state.get(f"{key}_value", default))
    return widget


def remember(key: str, value: Any) -> Any:
    """Keep a choice made through :func:`choice_key` for the other language's widget."""
    st.session_state[f"{key}_value"] = value
    return value


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_downloads(frame: pd.DataFrame, title: str, key: str, csv: bool = True, note: str = "") -> None:
    """A table's downloads side by side: Excel (``table_workbook``: titled, filtered, inert) and, unless ``csv`` is
    False, CSV. Both are made on the click and recorded in the audit log as ``<key>``'s export."""
    row = st.container(horizontal=True)  # each button as wide as its words (a column's share cut "下载 Excel" short)
    row.download_button(
        t("下载 Excel", "Download Excel"),
        session.recorded_download(f"{key}:xlsx", lambda: frame_xlsx(frame, title, note), len(frame)),
        file_name=f"{title}.xlsx",
        mime=XLSX,
        key=f"{key}_xlsx",
        on_click="ignore",
    )
    if csv:
        row.download_button(
            t("下载 CSV", "Download CSV"),
            session.recorded_download(f"{key}:csv", lambda: csv_bytes(frame), len(frame)),
            file_name=f"{title}.csv",
            mime="text/csv",
            key=f"{key}_csv",
            on_click="ignore",
        )


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A table as the CSV a download gives: UTF-8 with a BOM for Excel, blanks as empty cells, and no cell that a
    spreadsheet would run as a formula (``gap_output.rows_csv``)."""
    rows = [
        {str(k): v for k, v in row.items()}
        for row in frame.astype(object).where(frame.notna(), None).to_dict("records")
    ]
    return rows_csv(rows).encode("utf-8")
