"""``make run`` in a fresh clone to the overview's first figures in a browser (issue 13: ≤ 3 min on an idle 2-core
machine): the repository cloned into a temp folder, ``make run`` started there as a newcomer would (its own
``.venv``, ``./data``, no ORGGRAPH_* settings), the time taken until Streamlit answers and until headless Chromium
shows the overview's first rate. Beside it, the same app started again in that clone (installed, demo loaded):
what the install and the demo's first load add. pip's download cache is the machine's: a machine that has never
downloaded the wheels pays that on top (not measurable here, no internet).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from benchmarks.harness import Figure
from orggraph.graph.embedded_server import free_port

REPO = Path(__file__).resolve().parent.parent
FLOOR_S = 180.0
FIRST_FIGURE = "覆盖率"  # the overview's rate section, drawn from the gap report


def _answering(url: str, until: float) -> bool:
    while time.monotonic() < until:
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return True
        except OSError:
            time.sleep(0.5)
    return False


def _first_figures(url: str) -> None:
    """Headless Chromium opens the overview and waits for its rates (the app computes the report at its start)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium") or "chromium", args=["--no-first-run"])
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(url)
            page.get_by_text(FIRST_FIGURE, exact=False).first.wait_for(timeout=FLOOR_S * 2 * 1000)
        finally:
            browser.close()


def _make_run(clone: Path, port: int, log: Path) -> float:
    """Seconds from ``make run`` to the overview's first figures; the app and its server stopped after."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ORGGRAPH_", "VIRTUAL_ENV"))}
    started = time.monotonic()
    with log.open("ab") as out:
        proc = subprocess.Popen(
            ["make", "run", f"PORT={port}"], cwd=clone, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        try:
            url = f"http://127.0.0.1:{port}/"
            if not _answering(url, started + FLOOR_S * 2):
                raise RuntimeError(f"make run did not answer within {FLOOR_S * 2:.0f} s: see {log}")
            _first_figures(url)
            return time.monotonic() - started
        finally:
            os.killpg(proc.pid, signal.SIGTERM)  # serve stops Streamlit and its graph server
            proc.wait(timeout=120)


def run() -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="orggraph-first-answer-") as tmp:
        clone = Path(tmp) / "orggraph"
        subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
        log = Path(tmp) / "make_run.log"
        first = _make_run(clone, free_port(), log)
        again = _make_run(clone, free_port(), log)
    return [
        Figure(
            "make run in a fresh clone → the overview's first figures in Chromium (install, demo with three months)",
            first, "s", again, "make run again in that clone (installed, demo loaded)", higher_is_better=False,
        ),
    ]  # fmt: skip


if __name__ == "__main__":
    from benchmarks.harness import print_table

    print_table("make run, first answer", run())
