"""The app as a real Streamlit process on a free port of 127.0.0.1, for the browser tests: started, waited for
until it answers its health check, and stopped (with every child) when the block ends."""

from __future__ import annotations

import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

from orggraph.app.serve import streamlit_command
from orggraph.graph.embedded_server import free_port


@contextmanager
def streamlit_app(env: dict[str, str], start_timeout_s: float = 60) -> Iterator[str]:
    """The app's URL while it runs."""
    port = free_port()
    proc = subprocess.Popen(streamlit_command(port), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
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
