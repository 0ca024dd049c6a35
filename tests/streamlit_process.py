"""The app as a real Streamlit process on a free port of 127.0.0.1, for the browser tests: started, waited for
until it answers its health check, and stopped (with every child) when the block ends. What it prints goes to a
log file (a pipe nobody read could fill and stop it), and a traceback there fails the block: a page that works for
the viewer while the app logs a stack trace (Streamlit's dataframe conversion did) is a defect too."""

from __future__ import annotations

import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from orggraph.app.serve import streamlit_command
from orggraph.graph.embedded_server import free_port

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@contextmanager
def streamlit_app(env: dict[str, str], start_timeout_s: float = 60) -> Iterator[str]:
    """The app's URL while it runs."""
    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / f"streamlit_{port}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(streamlit_command(port), env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout_s
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
    printed = log.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in printed, f"the app logged a traceback ({log}):\n{printed[-3000:]}"
    log.unlink()
