"""`orggraph serve` as `make run` uses it: a real Streamlit on 127.0.0.1, Ctrl-C leaves nothing behind."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from orggraph.analysis.history import stored_snapshots
from orggraph.graph.backends import open_store
from orggraph.graph.embedded_server import EmbeddedServer, free_port
from orggraph.ingest.demo_months import month_ends
from orggraph.model.config import load_settings
from orggraph.model.coverage_rules import load_rules

REPO = Path(__file__).resolve().parent.parent


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as resp:
        return resp.status, resp.read().decode("utf-8", "replace")


def _wait_http(url: str, proc: subprocess.Popen, timeout_s: float = 120) -> tuple[int, str]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stdout.read()
        try:
            return _get(url)
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {timeout_s} s")


def _processes_mentioning(text: str) -> list[str]:
    out = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if text in line and "ps -eo" not in line]


def _start_serve(tmp_path, data_dir, port) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "orggraph", "--data-dir", str(data_dir), "serve", "--port", str(port),
         "--demo-scale", "street"],
        cwd=tmp_path,
        env={**os.environ, "ORGGRAPH_HEAP": "512m"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )  # fmt: skip


def test_a_kill_of_serve_alone_stops_the_app_and_the_server(tmp_path):
    """`kill PID` (SIGTERM to the serve process only, not its group) leaves nothing running either; a second kill
    while it stops (as `make run` passes on its own) does not cut the stop short."""
    data_dir, port = tmp_path / "data", free_port()
    proc = _start_serve(tmp_path, data_dir, port)
    try:
        _wait_http(f"http://127.0.0.1:{port}/_stcore/health", proc)
    finally:
        proc.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=60)
    assert "server stopped" in output and "Aborted" not in output, output
    assert "Traceback" not in output, output  # the cache warm-up, cut off by the stop, ends quietly
    assert _processes_mentioning(str(data_dir)) == [] and _processes_mentioning(f"--server.port {port}") == []


def test_serve_answers_http_200_offline_and_ctrl_c_stops_everything(tmp_path):
    data_dir, port = tmp_path / "data", free_port()
    env = {**os.environ, "ORGGRAPH_HEAP": "512m"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "orggraph",
            "--data-dir",
            str(data_dir),
            "serve",
            "--port",
            str(port),
            "--demo-scale",
            "street",
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        status, html = _wait_http(f"http://127.0.0.1:{port}/", proc)
        assert status == 200
        assert _get(f"http://127.0.0.1:{port}/_stcore/health") == (200, "ok")
        remote = [u for u in re.findall(r'(?:src|href)="([^"]+)"', html) if re.match(r"(https?:)?//", u)]
        assert remote == [], f"page references outside resources: {remote}"
    finally:
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in the terminal sends to the foreground group
        output, _ = proc.communicate(timeout=60)
    assert proc.returncode in (0, 130), output
    assert "server stopped" in output
    assert "Traceback" not in output, output
    # issue 13: the demo load shows its progress (rows and rows/s) on stderr, each month's load a bar
    assert re.search(r"导入 load \d{4}-\d{2} .*[\d,]+ / [\d,]+ rows · [\d,]+ rows/s", output), output
    # issue 15: three monthly snapshots of every rule, one per month-end, taken after that month's load
    shots = stored_snapshots(data_dir)
    assert [s.as_of for s in shots] == month_ends(shots[-1].as_of + dt.timedelta(days=1)), shots
    assert all(not s.backfilled and len(s.rules) == len(load_rules().rules) and s.load_id for s in shots)
    assert "monthly snapshots" in output
    assert _processes_mentioning(str(data_dir)) == [] and _processes_mentioning(f"--server.port {port}") == []
    assert not (tmp_path / "log").exists()
    settings = load_settings({"data_dir": data_dir, "heap": "512m"}, environ={})
    try:
        with open_store(settings) as store:
            assert store.node_counts()["PartyOrg"] > 20  # the demo was loaded and survived the stop
    finally:
        EmbeddedServer(settings).stop()
