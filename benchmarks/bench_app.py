"""The app on the city-scale region: each page's script run cold (caches cleared, after one untimed pass over
every page) and warm through Streamlit's AppTest, a 300-node network view rendered and stabilised in headless
Chromium, and the RSS of a real Streamlit process after every page has been visited in the browser."""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import time
import urllib.request

import psutil

from benchmarks.harness import Figure, timed
from orggraph.serve import streamlit_command

PAGES = ("overview", "hierarchy", "gaps", "paths", "ledger", "whatif", "cypher", "importer")
URLS = ("overview", "hierarchy", "gaps", "paths", "ledger", "whatif", "cypher", "import")


def _page_script(module: str) -> None:  # runs inside AppTest: imports happen in the script
    import importlib
    import time

    import streamlit as st

    from orggraph.pages import common

    page = importlib.import_module(f"orggraph.pages.{module}")
    started = time.perf_counter()
    common.sidebar()
    page.render()
    st.session_state["bench_seconds"] = time.perf_counter() - started  # the page itself, not AppTest's harness


def _page_times() -> list[Figure]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    for module in PAGES:  # one untimed pass: module imports, Streamlit's bare-mode start-up (a stack walk a
        # served app never makes) and the server's JIT for each page's queries — what a serving app has paid
        # once its first visitor has come
        AppTest.from_function(_page_script, args=(module,), default_timeout=120).run()
    figures = []
    for module in PAGES:
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_function(_page_script, args=(module,), default_timeout=120)
        harness, _ = timed(at.run)
        cold = at.session_state["bench_seconds"]
        warm = min(at.run().session_state["bench_seconds"] for _ in range(3))
        problem = f" · exception: {at.exception[0].message[:60]}" if at.exception else ""
        name = f"page {module}: sidebar + page, cold / warm (whole AppTest run cold: {harness * 1000:,.0f} ms)"
        figures.append(Figure(name, cold * 1000, "ms", warm * 1000, f"warm{problem}", higher_is_better=False))
    return figures


def _network_render_seconds(settings) -> tuple[float, int]:
    from playwright.sync_api import sync_playwright

    from orggraph.area_view import area_subgraph
    from orggraph.backends import open_store
    from orggraph.geography import Geography
    from orggraph.pages.network_view import network_html

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

    from orggraph.embedded_server import free_port

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
    figures = _page_times()
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
