"""``orggraph serve``: the embedded server, the demo if the graph is empty, and Streamlit, together.

Ctrl-C stops Streamlit and then the server this command started (a server that was already
running, e.g. from ``orggraph db start``, is left running). The server is also told this process
owns it, so it stops itself if this process is killed outright.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, SpinnerColumn, Task, TextColumn, TimeElapsedColumn
from rich.text import Text

from orggraph.access.accounts import AccountStore, check_can_serve, is_loopback
from orggraph.analysis.history_demo import DemoHistory, load_demo_with_history
from orggraph.app.upload_folder import remove_uploads
from orggraph.graph.backends import open_store
from orggraph.graph.embedded_server import EmbeddedServer, check_port_free
from orggraph.graph.store import BoltStore
from orggraph.ingest.load import graph_is_empty
from orggraph.model.config import Settings

APP_SERVER = Path(__file__).resolve().parent / "app_server.py"  # app.py behind a server that warms its caches
STOP_GRACE_S = 10
STEPS = {"ledgers": "生成台账 ledgers", "month": "导入 load", "snapshot": "快照 snapshot"}  # the demo's steps


def _environment(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "ORGGRAPH_BACKEND": settings.backend,
            "ORGGRAPH_DATA_DIR": str(settings.resolved_data_dir()),
            "NEO4J_DATABASE": settings.database or "",  # none: the server's home database (read as unset)
            "NEO4J_URI": settings.neo4j_uri,
            "NEO4J_USER": settings.neo4j_user,
            "NEO4J_PASSWORD": settings.neo4j_password,
            "NEO4J_READER_USER": settings.neo4j_reader_user,
            "NEO4J_READER_PASSWORD": settings.neo4j_reader_password,
        }
    )
    return env


def streamlit_command(port: int, host: str = "127.0.0.1") -> list[str]:
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP_SERVER),
        "--server.address",
        host,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--global.developmentMode",
        "false",
        "--server.fileWatcherType",
        "none",
        "--client.toolbarMode",
        "minimal",
        # Streamlit's agent API (pages as JSON over HTTP, off by default) stays off whatever the environment says:
        # the login gate, the area scope and the audit are tested through the browser's way in only
        "--server.enableAgentApi",
        "false",
    ]


class RowsColumn(ProgressColumn):
    """Rows written (of how many) and rows per second: a load's progress in the unit a clerk's ledgers count."""

    def render(self, task: Task) -> Text:
        if task.fields.get("step"):  # a step that writes no rows (the ledgers written, a month with nothing new)
            return Text(task.fields.get("note", ""))
        # rows/s between the batches written (rich's own estimate); a load written in one batch: over its step
        speed = task.finished_speed or task.speed or (task.completed / task.elapsed if task.elapsed else None)
        done = min(task.completed, task.total) if task.total else task.completed  # a load's own record ticks too
        total = f" / {task.total:,.0f}" if task.total else ""
        rate = f"{speed:,.0f}" if speed else "–"
        return Text(f"{done:,.0f}{total} rows · {rate} rows/s")


def row_progress(console: Console) -> Progress:
    """The bar a demo load shows on stderr (issue 13: no silent stretch): the step, a spinner and the time that
    move even while a step reports no rows (reading, checking), and rows with rows/s while it writes. Kept on
    screen when done (a pipe, as under `make`, shows its last state)."""
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(bar_width=6),
        RowsColumn(),
        TimeElapsedColumn(),
        console=console,
    )


def load_demo(
    store: BoltStore, settings: Settings, scale: str, seed: int, out: Path, fmt: str | None, console: Console
) -> DemoHistory:
    """The demo loaded month by month with a snapshot after each (``history_demo``), under :func:`row_progress`:
    a line for writing its ledgers, then one bar per month's load."""
    with row_progress(console) as bar:

        def tick(phase: str, n: int, total: int | None) -> None:
            word, _, month = phase.partition(" ")
            if word in STEPS:
                for earlier in bar.tasks:  # the step before is over: its bar stops pulsing
                    _close(bar, earlier)
                bar.add_task(f"{STEPS[word]} {month}".strip(), total=None, step=word != "month")
                return
            bar.update(bar.tasks[-1].id, advance=n, total=total)

        done = load_demo_with_history(
            store, settings.resolved_data_dir(), scale, seed, out, settings.current_date(), fmt, progress=tick
        )
        for task in bar.tasks:
            _close(bar, task)
        return done


def _close(bar: Progress, task: Task) -> None:
    """A step is over: its bar full, and a month whose rows the graph already held says it wrote none."""
    if not task.completed and not task.fields.get("step"):
        bar.update(task.id, note="0 rows · 无新增 nothing new", step=True)
    done = task.total or max(task.completed, 1)  # a load's own record ticks once more than its rows
    bar.update(task.id, total=done, completed=done)


def serve(
    settings: Settings, port: int, demo_scale: str | None, say: Callable[[str], None], host: str = "127.0.0.1"
) -> None:
    check_can_serve(host, AccountStore(settings.resolved_data_dir()))  # before anything starts
    check_port_free(port, ("应用", "the app"))
    server = EmbeddedServer(settings) if settings.backend == "embedded" else None
    started = server.start(owner_pid=os.getpid())[1] if server else False
    try:
        with open_store(settings) as store:
            store.ensure_schema()
            if demo_scale and graph_is_empty(store):
                say(f"图谱为空,正在生成并逐月导入演示区域({demo_scale})… / empty graph: loading a {demo_scale} demo…")
                out = settings.resolved_data_dir() / "demo" / f"{demo_scale}-1"
                done = load_demo(store, settings, demo_scale, 1, out, None, Console(stderr=True))
                say(
                    f"演示区域已导入 / demo loaded: {done.written:,} rows, {len(done.snapshots)} 个月度快照 monthly "
                    f"snapshots ({'、'.join(i.label for i in done.snapshots)}) in {done.total_s:.0f} s "
                    f"(快照 snapshots {done.snapshot_s:.1f} s)"
                )
        say(f"应用地址 app: http://{host}:{port}  (Ctrl-C 停止 / to stop)")
        env = {**_environment(settings), "ORGGRAPH_LOGIN_REQUIRED": "" if is_loopback(host) else "1"}
        proc = subprocess.Popen(streamlit_command(port, host), env=env, cwd=settings.resolved_data_dir())
        signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops the app and the server like Ctrl-C does
        try:
            proc.wait()
        except KeyboardInterrupt as exc:
            _stop(proc, told=not isinstance(exc, _Terminated))
        finally:
            remove_uploads(settings.resolved_data_dir(), proc.pid)  # ledgers uploaded and never loaded
    finally:
        if server and started:
            server.stop()
            say("服务器已停止 / server stopped")


class _Terminated(KeyboardInterrupt):
    """A SIGTERM sent to this process alone: the app has not been told to stop."""


def _interrupt(signum: int, frame: object) -> None:
    raise _Terminated


def _stop(proc: subprocess.Popen[bytes], told: bool) -> None:
    """Ctrl-C in a terminal reaches Streamlit too (``told``): it gets time to stop by itself, since a second
    signal would cut its own shutdown short; a ``kill`` of this process alone is passed on at once, as SIGTERM:
    Streamlit's server (uvicorn) raises a SIGINT again once it has stopped, and Streamlit's command line then
    prints click's "Aborted!" where the stop's own lines should be. Once stopping, a further SIGINT or SIGTERM to
    this process (`make run` stopped passes its own on) is ignored: each wait below is bounded."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)
    if told:
        try:
            proc.wait(timeout=STOP_GRACE_S)
            return
        except subprocess.TimeoutExpired:
            pass
    if proc.poll() is None:
        proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
