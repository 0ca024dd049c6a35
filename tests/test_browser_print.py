"""The print view (打印报告) in headless Chromium, as a clerk prints it: a real Streamlit process on the demo region
with three monthly snapshots; on screen the page shows its pickers and the report; printed (print media, A4) the
sidebar, header and pickers are gone, the report is black on white and each rule starts a page. Screenshots of both
and the printed PDF are saved under tests/artifacts/."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import time
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest
from fixed_date import TODAY
from streamlit_process import streamlit_app
from test_browser import ARTIFACTS, LOCAL_HOSTS, _chromium, _open

from orggraph.analysis.history import take_snapshot
from orggraph.graph import snapshot_files

pytestmark = pytest.mark.slow
MONTHS = (dt.date(2026, 4, 30), dt.date(2026, 5, 31), TODAY)


@pytest.fixture(scope="module")
def app_url(settings, session_store) -> Iterator[str]:
    from orggraph.ingest.load import load_demo_fixture

    session_store.clear()
    load_demo_fixture(session_store)
    shutil.rmtree(snapshot_files.folder(settings.data_dir), ignore_errors=True)
    for day in MONTHS:
        take_snapshot(session_store, settings.data_dir, day, day)
    env = {
        **os.environ,
        "ORGGRAPH_DATA_DIR": str(settings.data_dir),
        "ORGGRAPH_BACKEND": "embedded",
        "ORGGRAPH_TODAY": TODAY.isoformat(),
    }
    try:
        with streamlit_app(env) as url:
            yield url
    finally:
        shutil.rmtree(snapshot_files.folder(settings.data_dir), ignore_errors=True)


def _local_only(route, outside: list[str]) -> None:
    """Requests to 127.0.0.1 pass; any other is refused and recorded (nothing may be fetched from outside)."""
    url = route.request.url
    if url.startswith(("data:", "blob:", "about:")) or urlparse(url).hostname in LOCAL_HOSTS:
        route.continue_()
    else:
        outside.append(url)
        route.abort()


VISIBLE = "s => { const e = document.querySelector(s); return !!e && e.getClientRects().length > 0; }"
BREAKS = "() => [...document.querySelectorAll('.og-rule')].map(e => getComputedStyle(e).breakBefore)"
BACKGROUND = "() => getComputedStyle(document.querySelector('[data-testid=\"stMain\"]')).backgroundColor"


def test_the_print_view_prints_the_report_alone_on_a4(app_url, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), args=["--no-first-run"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="zh-CN")
            page.set_default_timeout(30_000)
            outside: list[str] = []
            page.route("**/*", lambda route: _local_only(route, outside))
            _open(page, f"{app_url}/print")
            page.wait_for_selector(".og-print h1", timeout=60_000)
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "print_screen.png"), full_page=True)
            assert "党建覆盖月报" in page.inner_text(".og-print h1")
            assert page.evaluate(VISIBLE, "[data-testid='stSidebar']")
            page.emulate_media(media="print")
            page.screenshot(path=str(ARTIFACTS / "print_paper.png"), full_page=True)
            for hidden in ("[data-testid='stSidebar']", "[data-testid='stHeader']", "[data-testid='stSelectbox']"):
                assert not page.evaluate(VISIBLE, hidden), hidden
            assert page.evaluate(VISIBLE, ".og-print")
            breaks = page.evaluate(BREAKS)
            assert breaks and set(breaks) == {"page"}, breaks
            assert page.evaluate(BACKGROUND) in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)")
            pdf = page.pdf(format="A4", print_background=True)
            (ARTIFACTS / "print_report.pdf").write_bytes(pdf)
            pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
            assert pages > len(breaks), pages  # the summary, then a page (at least) per rule
            assert outside == [], f"the print view fetched from outside: {outside}"
        finally:
            browser.close()


def test_the_trend_lines_and_the_follow_up_filter_in_the_browser(app_url):
    """The overview's trend charts draw offline; the gaps page's 整改跟踪 lists the gaps new since May."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), args=["--no-first-run"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="zh-CN")
            page.set_default_timeout(30_000)
            _open(page, app_url)
            heading = page.get_by_text("覆盖率趋势", exact=True)
            heading.scroll_into_view_if_needed()
            page.wait_for_selector(".vega-embed", timeout=30_000)
            time.sleep(1.0)
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "overview_trend.png"))
            _open(page, f"{app_url}/gaps")
            page.get_by_text("新增", exact=True).click()
            page.wait_for_selector("text=依据已保存的快照", timeout=30_000)
            time.sleep(1.0)
            page.get_by_text("整改跟踪", exact=True).scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "gaps_follow_up.png"))
        finally:
            browser.close()
