"""The area scope in a real browser (headless Debian Chromium) against the real app on 127.0.0.1: the street
editor "ed" (太白街道, S01) visits every page of the navigation and finds nothing of 古槐街道 (S02) — neither in
the page's text nor in the tables (drawn on a canvas, so read through the page's CSV / Excel downloads and the
grid's accessible cells) — but 太白街道's own records; imports a ledger of their own street (written) and one
of 古槐街道 (refused, the rows named, nothing written); the admin "boss" then finds ed's events in the audit log.

The forbidden names and ids are computed independently of the app's scope: ``reference_homes`` (networkx over
the exported graph and ``placement.yaml``), every record whose streets do not include S01."""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fixed_date import TODAY
from streamlit_process import streamlit_app
from test_area_scope import _ledger, reference_homes
from test_browser import ARTIFACTS, RUN_DONE, RUN_ENDS, _chromium, _pick, _settle
from test_browser_login import log_in

from orggraph.access import audit
from orggraph.access.accounts import AccountStore
from orggraph.ingest.graph_export import export_records

pytestmark = pytest.mark.slow
PASSWORD = "correct horse 1"
AREA, OTHER = "S01", "S02"
PAGES = {  # url path (see app.py) → the page's title in the navigation
    "overview": "总览",
    "hierarchy": "组织架构",
    "gaps": "覆盖缺口",
    "coverage_map": "覆盖地图",
    "paths": "联结路径",
    "ledger": "共建台账",
    "whatif": "假设分析",
    "cypher": "Cypher 查询",
    "import": "数据导入",
}
LEDGER_SECTIONS = ["协议到期", "无协议社区", "承诺事项", "三张清单", "共建网络"]
GRID_CELLS = """() => [...document.querySelectorAll('[data-testid="stDataFrame"] [role="gridcell"],'
  + '[data-testid="stDataFrame"] [role="columnheader"]')].map(c => c.textContent).join('\\n')"""


@dataclass(frozen=True)
class Reference:
    """What ed may not see (outside S01 by the reference) and what is theirs, by name and by id."""

    outside_ids: frozenset[str]
    outside_names: frozenset[str]
    inside_names: frozenset[str]

    def leaks(self, text: str) -> list[str]:
        names = [n for n in self.outside_names if n in text]
        ids = [i for i in self.outside_ids if re.search(rf"(?<![A-Za-z0-9]){re.escape(i)}(?![A-Za-z0-9])", text)]
        return sorted(names + ids)

    def own(self, text: str) -> list[str]:
        return sorted(n for n in self.inside_names if n in text)


@pytest.fixture(scope="module")
def area_app(settings, session_store) -> Iterator[tuple[str, Reference]]:
    """Streamlit on the session's server with the demo region and two accounts (removed afterwards): the admin
    "boss" and the editor "ed" of 太白街道."""
    from orggraph.ingest.load import load_demo_fixture

    session_store.clear()
    load_demo_fixture(session_store)
    homes = reference_homes(session_store)
    nodes, _ = export_records(session_store)
    names = {n.id: str(n.props.get("name") or "") for n in nodes if n.id in homes}
    inside = {names[i] for i, h in homes.items() if AREA in h and names[i]}
    outside = {i for i, h in homes.items() if AREA not in h}
    assert {"S02", "C03"} <= outside and "S01" not in outside
    reference = Reference(
        frozenset(outside),
        # a name that is part of one of ed's own names (a person's common name, say) would prove nothing
        frozenset(names[i] for i in outside if len(names[i]) >= 3 and not any(names[i] in n for n in inside)),
        frozenset(n for n in inside if len(n) >= 3),
    )
    assert {"古槐街道", "古槐社区"} <= reference.outside_names and "太白街道" in reference.inside_names
    accounts = AccountStore(settings.resolved_data_dir())
    accounts.path.unlink(missing_ok=True)
    (accounts.data_dir / audit.AUDIT_FILE).unlink(missing_ok=True)  # this module's events only (others log as ed too)
    accounts.add("boss", "admin", PASSWORD)
    accounts.add("ed", "editor", PASSWORD, area=AREA)
    env = {**os.environ, "ORGGRAPH_DATA_DIR": str(settings.data_dir), "ORGGRAPH_BACKEND": "embedded",
           "ORGGRAPH_TODAY": TODAY.isoformat()}  # fmt: skip
    try:
        with streamlit_app(env) as url:
            yield url, reference
    finally:
        accounts.path.unlink(missing_ok=True)


@pytest.fixture(scope="module")
def browser(area_app):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=_chromium(), args=["--disable-background-networking"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def editor(browser, area_app):
    """ed's page, logged in once for the module (a new URL would be a new session: pages are opened by link)."""
    return log_in(browser, area_app[0], "ed")


def _go(page, title: str) -> None:
    """Open a page of the navigation by its link in the sidebar (the same session)."""
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=title, exact=True).click()
    _settle(page)
    page.wait_for_selector("[data-testid='stMain'] h1", timeout=60_000)
    _settle(page)


def _shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def _file_text(path: Path) -> str:
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True)
        return "\n".join(
            "\t".join("" if v is None else str(v) for v in row)
            for sheet in book
            for row in sheet.iter_rows(values_only=True)
        )
    if path.suffix == ".png":  # the map's picture, drawn from the rows of the page's map (the map's JSON, which
        assert path.read_bytes().startswith(b"\x89PNG")  # test_app_area_scope reads): no text to search here
        return ""
    return path.read_bytes().decode("utf-8-sig")


def _downloads(page, tmp_path: Path) -> dict[str, str]:
    """Every download button shown clicked (one in a tab not open is not): the file's name → its text (every
    cell of a table)."""
    got = {}
    buttons = page.locator("[data-testid='stDownloadButton'] button")
    for n in range(buttons.count()):
        if not buttons.nth(n).is_visible():
            continue
        with page.expect_download(timeout=60_000) as info:
            buttons.nth(n).click()
        download = info.value
        path = tmp_path / f"{n}_{download.suggested_filename}"
        download.save_as(path)
        got[download.suggested_filename] = _file_text(path)
    return got


def _seen(page, tmp_path: Path) -> tuple[str, str, dict[str, str]]:
    """What the page shows: its whole text and that of the main area alone (the sidebar names the user's area),
    each with the grid cells drawn (the accessible cells of the canvas tables), and the files its download
    buttons give."""
    _settle(page)
    cells = page.evaluate(GRID_CELLS)
    body, main = page.inner_text("body"), page.inner_text("[data-testid='stMain']")
    return f"{body}\n{cells}", f"{main}\n{cells}", _downloads(page, tmp_path)


def _check(reference: Reference, where: str, text: str, files: dict[str, str]) -> list[str]:
    """The leaks on a page (empty: none); its own content asserted by the caller."""
    leaks = [f"{where}: {x}" for x in reference.leaks(text)]
    leaks += [f"{where} · {name}: {x}" for name, body in files.items() for x in reference.leaks(body)]
    return leaks


def _picker_labels(page) -> dict[str, str]:
    """The area pickers' labels and what each shows now."""
    boxes = page.locator("[data-testid='stSelectbox']")
    shown = {}
    for n in range(boxes.count()):
        label, *value = boxes.nth(n).inner_text().strip().split("\n")
        shown[label] = " ".join(value)
    return shown


def test_a_street_editor_sees_only_their_street_on_every_page(area_app, editor, tmp_path):
    _, reference = area_app
    page = editor
    nav = page.inner_text("[data-testid='stSidebarNav']")
    assert all(title in nav for title in PAGES.values()) and "用户审计" not in nav, nav
    leaks: list[str] = []
    own: dict[str, list[str]] = {}
    for path, title in PAGES.items():
        _go(page, title)
        assert title.split()[0] in page.inner_text("[data-testid='stMain'] h1") or path == "overview", path
        texts = []
        if path in ("hierarchy", "gaps", "whatif"):  # the area pickers start at ed's street, labelled so
            assert next(iter(_picker_labels(page))) == "街道", (path, _picker_labels(page))
        if path == "hierarchy":
            # the pickers list what ed may choose; choose 太白街道 in whichever picker offers it
            boxes = page.locator("[data-testid='stSelectbox']")
            for n in range(boxes.count()):
                ended = page.evaluate(RUN_ENDS)
                boxes.nth(n).click()
                page.get_by_role("option").first.wait_for()  # the list is open before it is read
                options = page.get_by_role("option").all_inner_texts()
                if "太白街道" in options:
                    page.get_by_role("option", name="太白街道", exact=True).click()
                    page.wait_for_function(RUN_DONE, arg=ended, timeout=60_000)
                    _settle(page)
                    break
                page.keyboard.press("Escape")
        if path == "paths":
            for box, text in (("起点", "古槐"), ("终点", "金城小区")):
                page.get_by_label(box).fill(text)
                page.keyboard.press("Enter")
                _settle(page)
            texts.append(page.inner_text("body"))
            assert "没有找到“古槐”" in texts[-1], f"a search for 古槐 found something: {texts[-1]}"
            page.get_by_label("起点").fill("国网济宁供电公司党委")
            page.keyboard.press("Enter")
            _settle(page)
        if path == "whatif":  # what a new branch could cover: the street's gaps, listed in the picker
            page.locator("[data-testid='stMultiSelect']").filter(has_text="覆盖").first.click()
            page.get_by_role("option").first.wait_for()  # the list is open (and holds the street's gaps) when read
            texts.append("\n".join(page.get_by_role("option").all_inner_texts()))
            page.keyboard.press("Escape")
            _settle(page)
        if path == "cypher":
            page.get_by_role("button", name="运行查询").click()
            _settle(page)
        if path == "ledger":
            for section in LEDGER_SECTIONS:
                page.locator("[data-testid='stMain'] [data-testid='stButtonGroup'] button").filter(
                    has_text=section
                ).click()
                _settle(page)
                if section == "共建网络":  # the most central units and orgs: computed when asked for
                    page.get_by_text("计算中心度").click()
                    _settle(page)
                text, main, files = _seen(page, tmp_path)
                if section == "共建网络":  # the second tab of the central ones
                    page.get_by_role("tab", name="按联结数").click()
                    more = _seen(page, tmp_path)
                    text, main, files = f"{text}\n{more[0]}", f"{main}\n{more[1]}", {**files, **more[2]}
                _shot(page, f"area_ed_ledger_{section}")
                leaks += _check(reference, f"ledger/{section}", text, files)
                own[f"ledger/{section}"] = reference.own(main + "\n".join(files.values()))
            continue
        text, main, files = _seen(page, tmp_path)
        shot = _shot(page, f"area_ed_{path}")
        text = "\n".join([*texts, text])
        leaks += _check(reference, path, text, files)
        own[path] = reference.own("\n".join([*texts, main, *files.values()]))
        assert "Traceback" not in text, f"{path}: {shot}"
        shot.with_suffix(".txt").write_text("\n====\n".join([text, *files.values()]), encoding="utf-8")
    assert not leaks, f"古槐街道 (or the district) shown to ed of 太白街道: {leaks}"
    # the import page shows the street's records only once a ledger is uploaded (the next test)
    empty = [where for where, names in own.items() if not names and where != "import"]
    assert not empty, f"pages with nothing of 太白街道 on them: {empty}"


def _names(store) -> dict[str, str]:
    nodes, _ = export_records(store)
    return {n.id: n.props.get("name") for n in nodes if n.label != "LoadRun"}


NO_FILES = "请上传一个或多个台账文件"  # the import page with nothing uploaded


def _upload(page, folder: Path) -> str:
    """Upload the ledgers in ``folder`` (any files already uploaded removed first); the page's text after the check."""
    chips = page.locator("[data-testid='stFileChipDeleteBtn']")
    while chips.count():
        chips.first.click()
        _settle(page)
    page.wait_for_selector(f"text={NO_FILES}", timeout=60_000)  # the page has run without files: no earlier check
    files = sorted(str(p) for p in folder.iterdir())  # left to match below
    assert files
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(files)
    page.wait_for_function(
        "([gone, shown]) => { const t = document.querySelector(\"[data-testid='stMain']\").innerText;"
        " return !t.includes(gone) && t.includes(shown); }",
        arg=[NO_FILES, "计划写入"],
        timeout=60_000,
    )
    _settle(page)
    return page.inner_text("[data-testid='stMain']") + "\n" + page.evaluate(GRID_CELLS)


def test_a_street_editor_imports_their_own_street_and_is_refused_the_other(
    area_app, editor, session_store, settings, tmp_path
):
    page = editor
    homes = reference_homes(session_store)
    mine = _ledger(session_store, tmp_path / "mine", lambda n: homes.get(n.id) == {AREA} and n.label == "Community")
    theirs = _ledger(
        session_store, tmp_path / "theirs", lambda n: homes.get(n.id) == {OTHER} and n.label == "Community"
    )
    before = _names(session_store)
    _go(page, "数据导入")

    text = _upload(page, mine)
    _shot(page, "area_ed_import_own_checked")
    assert "校验通过,没有错误" in text and "不属于您负责的区域" not in text, text
    page.get_by_role("button", name="导入图谱").click()
    page.wait_for_selector("text=已导入", timeout=60_000)
    _settle(page)
    _shot(page, "area_ed_import_own_loaded")
    text = page.inner_text("[data-testid='stMain']")
    loaded = re.search(r"已导入:批次 (\S+?),写入 (\d+) 项", text)
    assert loaded and int(loaded[2]) > 0, text
    after = _names(session_store)
    changed = {i for i in before if after.get(i) != before[i]}
    own_communities = {i for i, h in homes.items() if h == {AREA} and i.startswith("C")}
    assert changed and changed <= own_communities, changed
    assert all(after[i] == f"{before[i]}(改)" for i in changed)
    logged = audit.read_events(settings.resolved_data_dir(), audit.AuditFilter(user="ed", action="import"))
    assert [e.get("load_id") for e in logged] == [loaded[1]], logged  # the batch the page named

    text = _upload(page, theirs)
    shot = _shot(page, "area_ed_import_other_refused")
    files = _downloads(page, tmp_path)
    problems = "\n".join(files.values())
    refused_ids = sorted(i for i, h in homes.items() if h == {OTHER} and i.startswith("C"))
    # the refusal on the page: the error and the problem list (a canvas: its cells and its CSV download)
    assert re.search(r"发现 \d+ 处错误", text), f"no error shown for 古槐街道's rows: {shot}"
    assert "不属于您负责的区域" in problems, f"the problem list does not say why: {problems!r} ({shot})"
    rows = [r for r in csv.DictReader(io.StringIO(problems)) if "不属于您负责的区域" in "".join(map(str, r.values()))]
    assert rows and all(
        "太白街道" in "".join(map(str, r.values())) and "古槐街道" in "".join(map(str, r.values())) for r in rows
    )
    named = "\n".join("".join(map(str, r.values())) for r in rows)
    assert all(before[i] in named or i in named for i in refused_ids), named
    assert "不属于您负责的区域" in text, f"the refusal is only in the canvas table, not readable on the page: {shot}"
    assert page.get_by_role("button", name="导入图谱").is_disabled()
    assert _names(session_store) == after  # nothing of 古槐街道 written


def test_the_admin_finds_the_editors_import_and_refused_import_in_the_audit(area_app, browser, settings, tmp_path):
    url, reference = area_app
    logged = audit.read_events(settings.resolved_data_dir(), audit.AuditFilter(user="ed"))
    loads = [e for e in logged if e["action"] == "import"]
    assert len(loads) == 1 and loads[0].get("load_id"), logged
    load_id = loads[0]["load_id"]
    admin = log_in(browser, url, "boss")
    # the control: the whole region's page, read the same way, names 古槐街道's records
    _go(admin, "覆盖缺口")
    text, _, files = _seen(admin, tmp_path)
    assert {"古槐街道", "古槐社区"} <= set(reference.leaks("\n".join([text, *files.values()])))
    admin.get_by_role("link", name="用户审计").click()  # a link, not a new URL: that would be a new session
    admin.wait_for_selector("text=审计日志", timeout=60_000)
    _settle(admin)
    _pick(admin, "用户", "ed")
    seen = {}
    for action in ("导入", "导入被拒"):
        _pick(admin, "操作", action)
        seen[action] = admin.inner_text("[data-testid='stMain']") + "\n" + admin.evaluate(GRID_CELLS)
        _shot(admin, f"area_boss_audit_{action}")
    assert "共 1 条" in seen["导入"] and load_id in seen["导入"], seen["导入"]
    assert re.search(r"共 [1-9]\d* 条", seen["导入被拒"]), (
        f"ed's refused import is not in the audit: {seen['导入被拒']}"
    )
    assert "ed" in seen["导入被拒"] and "不在负责区域内" in seen["导入被拒"], seen["导入被拒"]


HEADLINE = {"党组织": "PartyOrg", "社区": "Community", "小区": "Compound", "单位": "Unit", "共建协议": "Agreement"}


def test_the_overview_counts_only_the_editors_street(area_app, editor, session_store):
    """The headline counts of 总览 are 太白街道's (the reference's records of S01 by label), not the region's."""
    homes = reference_homes(session_store)
    nodes, _ = export_records(session_store)
    label = {n.id: n.label for n in nodes}
    expected = {zh: sum(1 for i, h in homes.items() if AREA in h and label[i] == en) for zh, en in HEADLINE.items()}
    region = {zh: sum(1 for i in homes if label[i] == en) for zh, en in HEADLINE.items()}
    assert expected != region  # the demo tells them apart (古槐街道 has its own community, compound, orgs)
    page = editor
    _go(page, "总览")
    metrics = page.locator("[data-testid='stMetric']")
    shown = {}
    for n in range(metrics.count()):
        name = metrics.nth(n).locator("[data-testid='stMetricLabel']").inner_text().strip()
        if name in HEADLINE:
            shown[name] = int(metrics.nth(n).locator("[data-testid='stMetricValue']").inner_text().strip())
    shot = _shot(page, "area_ed_overview_counts")
    assert shown == expected, (
        f"DEFECT: 总览's headline counts for ed of 太白街道 are {shown}; the street has {expected} "
        f"(the whole region: {region}) — {shot}"
    )
