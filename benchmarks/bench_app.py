"""The app on the city-scale region: each page's script run cold (caches cleared, after one untimed pass over
every page) and warm through Streamlit's AppTest, a 300-node network view rendered and stabilised in headless
Chromium, and the RSS of a real Streamlit process after every page has been visited in the browser.

Every page is timed in three modes side by side, in this process on the same graph: the local mode (no
``users.json``), logged in as an admin of the whole region (login and audit, no scope) and as an editor of one
street (its answers cut by ``area_scope``); the logged-in times are reported with the local mode's as reference.
A street user's cold page makes a new scoped store when every cache is cleared, so it is also timed with the store
kept. The area scope's universe (every node id and placing tie) belongs to the graph, not to the store: clearing
Streamlit's caches keeps it while its key holds, so no page figure pays its fetch (that is what a served app does
once per graph state); ``_universe_seconds`` times the fetch and a street's placing on their own.
``users.json`` exists only while the pages are timed."""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psutil

from benchmarks.harness import Figure, timed
from orggraph.app.serve import streamlit_command

PAGES = ("overview", "hierarchy", "gaps", "coverage_map", "paths", "ledger", "whatif", "cypher", "importer")
URLS = ("overview", "hierarchy", "gaps", "coverage_map", "paths", "ledger", "whatif", "cypher", "import")


def _page_script(module: str) -> None:  # runs inside AppTest: imports happen in the script
    import importlib
    import time

    import streamlit as st

    from orggraph.app.pages import common, login

    page = importlib.import_module(f"orggraph.app.pages.{module}")
    started = time.perf_counter()
    login.gate()  # as app.py: the account read again, the user's sidebar line (local mode: no account file)
    common.sidebar()
    page.render()
    st.session_state["bench_seconds"] = time.perf_counter() - started  # the page itself, not AppTest's harness


@dataclass(frozen=True)
class Mode:
    """Who uses the app in a measurement: the local mode (no users.json) or a logged-in account."""

    key: str
    label: str
    user: str | None = None  # None: the local mode


LOCAL = Mode("local", "local mode")
MODES = (
    LOCAL,
    Mode("street", "editor of one street", "bench_street"),
    Mode("region", "admin of the whole region", "bench_region"),
)
PASSWORD = "bench-password-1"


def _accounts(settings, street: str) -> tuple[Path, Path]:
    """users.json with the two bench accounts, and the name it is moved to while the local mode is measured."""
    from orggraph.access.accounts import USERS_FILE, AccountStore

    data_dir = settings.resolved_data_dir()
    users, parked = data_dir / USERS_FILE, data_dir / (USERS_FILE + ".bench-off")
    assert not users.exists() and not parked.exists(), f"{users} exists: the bench would change real accounts"
    accounts = AccountStore(data_dir)
    accounts.add("bench_street", "editor", PASSWORD, area=street)
    accounts.add("bench_region", "admin", PASSWORD, area=None)
    return users, parked


def _switch(mode: Mode, users: Path, parked: Path) -> None:
    if mode.user is None and users.exists():
        users.rename(parked)
    elif mode.user is not None and parked.exists():
        parked.rename(users)


def _app(module: str, mode: Mode):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_page_script, args=(module,), default_timeout=120)
    if mode.user:  # logged in, as login.log_in leaves the session
        at.session_state["auth_user"] = mode.user
        at.session_state["auth_seen"] = time.time()
    return at


def _clear(keep_store: bool) -> None:
    """Every Streamlit cache, or (``keep_store``) every cache but the store and the scoped stores: a page visited
    first after a load, when another page has already been visited since (the connection pool already made). An
    area user's universe is kept either way: it belongs to the graph, not to the store (``area_scope.UNIVERSES``)."""
    import streamlit as st

    from orggraph.app.pages import common, cypher, ledger

    st.cache_data.clear()
    if keep_store:
        for cached in (common.coverage_index, common.whole_report, common.server_info, cypher._catalogue):
            cached.clear()
        ledger._graph.clear()
    else:
        st.cache_resource.clear()
    gc.collect()


def _cold_warm(module: str, mode: Mode) -> tuple[float, float, float, float, str]:
    """One page cold (every Streamlit cache cleared: a new store; an area user's universe, held per graph, is kept
    while its key holds), cold with the store kept, and warm (best of 3); seconds, and the whole AppTest run cold."""
    _clear(keep_store=False)
    at = _app(module, mode)
    harness, _ = timed(at.run)
    cold = at.session_state["bench_seconds"]
    warm = min(at.run().session_state["bench_seconds"] for _ in range(3))
    problem = f" · exception: {at.exception[0].message[:60]}" if at.exception else ""
    _clear(keep_store=True)
    kept = _app(module, mode).run().session_state["bench_seconds"]
    return cold, kept, warm, harness, problem


def _page_times(settings, street: str, street_name: str, rounds: int = 2) -> list[Figure]:
    """Every page in every mode, side by side in this process on the same graph: an untimed pass over every page
    in each mode first, then per page each mode in turn, ``rounds`` times; the best of each is kept."""
    users, parked = _accounts(settings, street)
    try:
        for mode in MODES:  # one untimed pass per mode: module imports, Streamlit's bare-mode start-up (a stack
            # walk a served app never makes) and the server's JIT for each page's queries (an area user's too:
            # the universe's) — what a serving app has paid once its first visitor has come
            _switch(mode, users, parked)
            for module in PAGES:
                _app(module, mode).run()
        best: dict[tuple[str, str], list[float]] = {}
        problems: dict[tuple[str, str], str] = {}
        for _ in range(rounds):
            for module in PAGES:
                for mode in MODES:
                    _switch(mode, users, parked)
                    *times, problem = _cold_warm(module, mode)
                    old = best.get((module, mode.key), [float("inf")] * len(times))
                    best[(module, mode.key)] = [min(a, b) for a, b in zip(old, times, strict=True)]
                    problems[(module, mode.key)] = problems.get((module, mode.key), "") or problem
    finally:
        users.unlink(missing_ok=True)
        parked.unlink(missing_ok=True)
        (users.parent / (users.name + ".lock")).unlink(missing_ok=True)
    figures = []
    for module in PAGES:
        cold, _, warm, harness = best[(module, LOCAL.key)]
        name = f"page {module}: sidebar + page, cold / warm (whole AppTest run cold: {harness * 1000:,.0f} ms)"
        figures.append(
            Figure(name, cold * 1000, "ms", warm * 1000, f"warm{problems[(module, LOCAL.key)]}", higher_is_better=False)
        )
    for mode in MODES[1:]:
        where = f" ({street_name})" if mode.key == "street" else ""
        phases = ("cold", "cold, store kept", "warm") if mode.key == "street" else ("cold", "warm")
        for phase in phases:
            i = ("cold", "cold, store kept", "warm").index(phase)
            for module in PAGES:
                ours, local = best[(module, mode.key)][i], best[(module, LOCAL.key)][i]
                figures.append(
                    Figure(
                        f"page {module} {phase}, logged in: {mode.label}{where}{problems[(module, mode.key)]}",
                        ours * 1000,
                        "ms",
                        local * 1000,
                        f"local mode {phase}",
                        higher_is_better=False,
                    )
                )
            total = sum(best[(m, mode.key)][i] for m in PAGES)
            local_total = sum(best[(m, LOCAL.key)][i] for m in PAGES)
            figures.append(
                Figure(
                    f"every page {phase}, summed, logged in: {mode.label}",
                    total * 1000,
                    "ms",
                    local_total * 1000,
                    f"local mode {phase}, floor ratio 1.10",
                    higher_is_better=False,
                )
            )
    return figures


def _street(settings) -> tuple[str, str]:
    """The street an area user answers for: the first street of the first district (as the network view's)."""
    from orggraph.analysis.geography import Geography
    from orggraph.graph.backends import open_store

    with open_store(settings, start=False) as store:
        geography = Geography.fetch(store)
        street = geography.children(geography.top_areas()[0].id)[0]
    return street.id, street.name


def _universe_seconds(settings, street: str) -> tuple[float, float, int, int, int]:
    """What a scoped store pays once per graph state: every node id and the placing ties fetched (the universe),
    then the street's records placed; seconds of each (best of 3, after an untimed fetch for the server's JIT),
    the graph's ids, its placing ties and the street's records."""
    from orggraph.graph.area_scope import UNIVERSES, Universe
    from orggraph.graph.backends import open_store

    with open_store(settings, start=False) as store:
        key = UNIVERSES.key(store)  # the app's own key: loads, node count, the first street's element id
        Universe.fetch(store, key)  # untimed: the server's JIT
        fetch, place = float("inf"), float("inf")
        for _ in range(3):
            seconds, universe = timed(lambda: Universe.fetch(store, key))
            fetch = min(fetch, seconds)
            seconds, scope = timed(lambda u=universe: u.scope(street))  # a new universe: the street placed afresh
            place = min(place, seconds)
    return fetch, place, len(universe.labels), len(universe.ties), len(scope.inside) // 2


def _network_render_seconds(settings) -> tuple[float, int]:
    from playwright.sync_api import sync_playwright

    from orggraph.analysis.area_view import area_subgraph
    from orggraph.analysis.geography import Geography
    from orggraph.app.pages.network_view import network_html
    from orggraph.graph.backends import open_store

    with open_store(settings, start=False) as store:
        geography = Geography.fetch(store)
        street = geography.children(geography.top_areas()[0].id)[0]
        sub = area_subgraph(store, street.id, limit=300)
    html = network_html(list(sub.nodes), list(sub.edges))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"))
        page = browser.new_page()
        started = time.perf_counter()
        page.set_content(html)
        page.wait_for_selector("body[data-stabilized='1']", timeout=60_000)
        seconds = time.perf_counter() - started
        browser.close()
    return seconds, len(sub.nodes)


def _served_rss_mb(settings) -> float:
    """Peak RSS of a real Streamlit process while a browser visits every page twice."""
    from playwright.sync_api import sync_playwright

    from orggraph.graph.embedded_server import free_port

    port = free_port()
    env = {**os.environ, "ORGGRAPH_DATA_DIR": str(settings.data_dir), "ORGGRAPH_BACKEND": "embedded"}
    proc = subprocess.Popen(streamlit_command(port), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0.0
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(url + "/_stcore/health", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        app = psutil.Process(proc.pid)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"))
            page = browser.new_page()
            for _ in range(2):
                for path in URLS:
                    page.goto(f"{url}/{'' if path == 'overview' else path}")
                    page.wait_for_selector("[data-testid='stMain'] h1", timeout=120_000)
                    page.wait_for_function(
                        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000
                    )
                    peak = max(peak, app.memory_info().rss / 2**20)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return peak


def run(settings, server) -> list[Figure]:
    gc.collect()  # start from what a fresh app process holds, not from the earlier benchmarks' garbage
    os.environ["ORGGRAPH_DATA_DIR"] = str(settings.data_dir)
    os.environ["ORGGRAPH_BACKEND"] = "embedded"
    street, street_name = _street(settings)
    figures = _page_times(settings, street, street_name)
    fetch, place, ids, ties, inside = _universe_seconds(settings, street)
    figures.append(
        Figure(
            f"area scope, once per graph state: universe fetched ({ids:,} node ids + {ties:,} placing ties) · "
            f"{street_name} placed ({inside:,} records)",
            fetch * 1000,
            "ms",
            higher_is_better=False,
            reference_name=f"placed in {place * 1000:,.0f} ms",
        )
    )
    seconds, drawn = _network_render_seconds(settings)
    figures.append(
        Figure(
            f"network view of {drawn} nodes: render + stabilise in Chromium",
            seconds * 1000,
            "ms",
            higher_is_better=False,
            reference_name="floor 3,000 ms",
        )
    )
    figures.append(
        Figure(
            "Streamlit process peak RSS, every page visited twice",
            _served_rss_mb(settings),
            "MiB",
            higher_is_better=False,
            reference_name="floor 1,536 MiB",
        )
    )
    return figures
