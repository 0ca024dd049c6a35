"""The coverage map (一张图) as a clerk uses it, on the city demo ``make run`` loads: a real Streamlit process, headless
Debian Chromium with every request outside 127.0.0.1 blocked, whose first request is the map's own address. The map
opens on the city's districts; two clicks drill down (a district, then one of its streets: each click lands on a
spot of the area's outline away from any point drawn over it, projected to the canvas as deck.gl does from the view
the page frames); the gap list opens from the map for that street, and the map comes as a PNG. Screenshots go to
tests/artifacts/map_*.png."""

from __future__ import annotations

import contextlib
import io
import math
import os
import time
from collections.abc import Iterator

import pytest
from fixed_date import TODAY
from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from shapely import Point
from streamlit_process import streamlit_app
from test_browser import RUN_DONE, RUN_ENDS, _chromium, _ends, _english, _settle, _shot
from test_readme_examples import make_run_region  # noqa: F401  (a fixture: the city, loaded once per worker)

from orggraph.analysis.area_shapes import area_shapes, fetch_points
from orggraph.analysis.coverage import gap_report
from orggraph.analysis.geography import Geography
from orggraph.present.map_layers import framing, map_rows

pytestmark = pytest.mark.slow
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
PICKED = """() => [...document.querySelectorAll("[data-testid='stSelectbox'] input")].map(i => i.value)"""


@pytest.fixture(scope="module")
def city(settings, session_store, make_run_region) -> Iterator[tuple[str, object]]:  # noqa: F811
    """Streamlit on the session's server with the `make run` demo (the city), and what the map page draws from."""
    geography, points = Geography.fetch(session_store), fetch_points(session_store)
    report = gap_report(session_store, ["compound_org"], as_of=TODAY)  # the page's first rule
    drawn = (geography, points, area_shapes(geography, points), report)
    env = {**os.environ, "ORGGRAPH_DATA_DIR": str(settings.data_dir), "ORGGRAPH_BACKEND": "embedded",
           "ORGGRAPH_TODAY": TODAY.isoformat()}  # fmt: skip
    with streamlit_app(env) as url:
        yield url, drawn


@pytest.fixture(scope="module")
def page(city):
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []

    def guard(route) -> None:
        from urllib.parse import urlparse

        url = route.request.url
        if url.startswith(("data:", "blob:", "about:")) or urlparse(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), args=["--use-angle=swiftshader", "--no-first-run"])
        context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN", accept_downloads=True)
        context.route("**/*", guard)
        tab = context.new_page()
        tab.set_default_timeout(60_000)
        yield tab, blocked
        browser.close()


def _picked(tab) -> list[str]:
    """The pickers' current values (the rule, then the areas)."""
    return tab.evaluate(PICKED)


def _merc(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _target(drawn, area: str | None) -> tuple[str, str, float, float]:
    """A sub-area of ``area`` as the page shows it, and a spot (lon, lat) inside its outline as far as can be from
    the members' points drawn over it (a click on a point picks the point, not the area)."""
    geography, points, shapes, report = drawn
    rows = map_rows(report.outcomes[0], shapes, points, geography, area, 1000)
    best = (-1.0, "", "", 0.0, 0.0)
    for row in rows.areas:
        outline = shapes.shapes[row["id"]].outline
        west, south, east, north = outline.bounds
        for i in range(1, 12):
            for j in range(1, 12):
                lon, lat = west + (east - west) * i / 12, south + (north - south) * j / 12
                if not outline.contains(Point(lon, lat)):
                    continue
                room = min((math.hypot(m["lon"] - lon, m["lat"] - lat) for m in rows.members), default=1.0)
                best = max(best, (room, row["id"], row["name"], lon, lat))
    assert best[1], f"nothing to click under {area}"
    return best[1], best[2], best[3], best[4]


def _click(tab, drawn, area: str | None) -> tuple[str, str]:
    """Click a sub-area of ``area`` on the map (at the spot ``_target`` chose); the area clicked."""
    aid, name, lon, lat = _target(drawn, area)
    geography, points, shapes, report = drawn
    view = framing(map_rows(report.outcomes[0], shapes, points, geography, area, 1000).bounds)
    chart = tab.locator("[data-testid='stDeckGlJsonChart'] canvas").first
    chart.wait_for(state="visible")
    time.sleep(1.5)  # deck.gl draws its layers after the canvas appears
    box = chart.bounding_box()
    assert box, "the map has no size"
    scale = 512 * 2**view.zoom  # Web Mercator: the world is 512 px wide at zoom 0
    x = box["x"] + box["width"] / 2 + (lon - view.lon) / 360 * scale
    y = box["y"] + box["height"] / 2 + (_merc(view.lat) - _merc(lat)) / (2 * math.pi) * scale
    before = _picked(tab)
    for _ in range(3):  # a click before deck.gl can pick (just after it drew) does nothing: hover, then click again
        tab.mouse.move(x, y)
        tab.wait_for_selector(".deck-tooltip", state="visible", timeout=20_000)
        ended = tab.evaluate(RUN_ENDS)
        tab.mouse.click(x, y)
        with contextlib.suppress(PlaywrightTimeout):  # no run at all: the click was not picked, click again
            tab.wait_for_function(RUN_DONE, arg=ended, timeout=20_000)
        _settle(tab)  # the run the click started, however long a loaded machine takes: a click during it (which
        deadline = time.monotonic() + 10  # restarts it, and on the same area clears the selection) is not sent
        while _picked(tab) == before and time.monotonic() < deadline:
            time.sleep(0.3)
        if _picked(tab) != before:
            break
    return aid, name


def test_the_map_drills_down_twice_opens_the_gap_list_and_exports_a_png(city, page):
    url, drawn = city
    tab, blocked = page
    tab.goto(f"{url}/coverage_map")  # the first request of this browser: a bookmarked page's address
    tab.wait_for_selector("[data-testid='stMain'] h1")
    _settle(tab)
    assert "覆盖地图" in tab.inner_text("[data-testid='stMain'] h1")
    _shot(tab, "map_city")
    district, district_name = _click(tab, drawn, None)
    _shot(tab, "map_district")
    assert _picked(tab)[1:3] == [district_name, "(全部)"], _picked(tab)
    _, street_name = _click(tab, drawn, district)
    _shot(tab, "map_street")
    assert _picked(tab)[1:4] == [district_name, street_name, "(全部)"], _picked(tab)
    with tab.expect_download() as download:
        tab.get_by_role("button", name="下载地图图片(PNG)").click()
    with open(download.value.path(), "rb") as fh:
        png = Image.open(io.BytesIO(fh.read()))
    assert png.format == "PNG" and png.size == (1600, 1200)
    assert street_name in download.value.suggested_filename
    tab.get_by_role("button", name="打开缺口清单").click()
    tab.wait_for_url(f"{url}/gaps")
    _settle(tab)
    body = tab.inner_text("[data-testid='stMain']")
    _shot(tab, "map_gap_list")
    assert "覆盖缺口" in body and "Traceback" not in body and _english(tab) == []
    assert street_name in _picked(tab), "the gap list opens on the street chosen on the map"
    assert blocked == [], f"the browser tried to fetch from outside: {blocked}"


def test_a_path_from_a_full_named_unit_to_a_compound_picked_among_ten_of_the_same_name(city, page):
    """Issue 13's clerk: 国网黄冈供电公司 typed in full (one match: taken), 富康小区 typed (ten compounds of that
    name: each listed with its kind and area chain, none taken until one is picked); the one in the unit's own
    district listed first is picked, and the answer is about that one."""
    url, _ = city
    tab, blocked = page
    tab.goto(f"{url}/paths")
    tab.wait_for_selector("[data-testid='stMain'] h1")
    _settle(tab)
    _ends(tab, "国网黄冈供电公司", "富康小区")
    text = tab.inner_text("[data-testid='stMain']")
    assert "找到" not in text and "Traceback" not in text, "nothing searched before the compound is picked"
    box = tab.locator("[data-testid='stSelectbox']").filter(has_text="终点 · 匹配结果").first
    ended = tab.evaluate(RUN_ENDS)
    box.click()
    tab.get_by_role("option").first.wait_for()  # the list is open before it is read
    options = [o.inner_text() for o in tab.get_by_role("option").all()]
    compounds = [o for o in options if o.startswith("富康小区 · ") and o.split(" · ")[1].endswith("小区")]
    assert len(compounds) == 10 and len(set(compounds)) == 10, options  # told apart by their area chains
    _shot(tab, "clerk_path_ten_same_named")
    tab.get_by_role("option", name=compounds[0], exact=True).click()
    tab.wait_for_function(RUN_DONE, arg=ended, timeout=60_000)  # the search the pick starts, however late it starts
    _settle(tab)
    text = tab.inner_text("[data-testid='stMain']")
    _shot(tab, "clerk_path_picked")
    assert ("找到" in text or "没有找到" in text) and "富康小区" in text and "Traceback" not in text
    assert _english(tab) == []
    assert blocked == []


def test_the_hierarchy_of_an_area_clicked_on_the_map(city, page):
    url, drawn = city
    tab, blocked = page
    tab.goto(f"{url}/coverage_map")
    tab.wait_for_selector("[data-testid='stMain'] h1")
    _settle(tab)
    _, district_name = _click(tab, drawn, None)
    tab.get_by_role("button", name="打开组织架构").click()
    tab.wait_for_url(f"{url}/hierarchy")
    _settle(tab)
    _shot(tab, "map_hierarchy")
    assert "组织架构" in tab.inner_text("[data-testid='stMain'] h1")
    assert _picked(tab)[:2] == [district_name, "(全部)"], _picked(tab)
    assert "Traceback" not in tab.inner_text("[data-testid='stMain']") and _english(tab) == [] and blocked == []
