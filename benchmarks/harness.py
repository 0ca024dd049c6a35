"""What every benchmark shares: a fresh embedded server in a temp dir, timing, and the result table.

Each figure is reported next to a reference measured in the same run (the bare driver, networkx, the
raw engine), with the ratio, so a slower machine shifts both and the ratio still means something.
"""

from __future__ import annotations

import platform
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil
from rich.console import Console
from rich.table import Table

from orggraph.graph.embedded_server import EmbeddedServer
from orggraph.model.config import Settings, load_settings


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    reference: float | None = None
    reference_name: str = ""
    higher_is_better: bool = True

    @property
    def ratio(self) -> float | None:
        if not self.reference:
            return None
        return self.value / self.reference


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def server_rss_mb(pid: int) -> float:
    proc = psutil.Process(pid)
    return (proc.memory_info().rss + sum(c.memory_info().rss for c in proc.children(recursive=True))) / 2**20


@contextmanager
def fresh_server(data_dir: Path, heap: str = "4g") -> Iterator[tuple[Settings, EmbeddedServer, float]]:
    """A new embedded server on an empty data dir; yields settings, server and its cold start time (s)."""
    settings = load_settings({"data_dir": data_dir, "heap": heap}, environ={})
    server = EmbeddedServer(settings)
    seconds, _ = timed(server.start)
    try:
        yield settings, server, seconds
    finally:
        server.stop()


@contextmanager
def loaded_server(data_dir: Path) -> Iterator[tuple[Settings, EmbeddedServer]]:
    """The server of a data dir that holds a loaded region (the province): the running one, left running, or one
    started for the block and stopped after it."""
    settings = load_settings({"data_dir": data_dir}, environ={})
    server = EmbeddedServer(settings)
    started = server.status() is None
    if started:
        server.start()
    try:
        yield settings, server
    finally:
        if started:
            server.stop()


def machine() -> str:
    mem = psutil.virtual_memory().total / 2**30
    return f"{platform.machine()}, {psutil.cpu_count()} cores, {mem:.0f} GiB RAM, Python {platform.python_version()}"


def print_table(title: str, figures: list[Figure], console: Console | None = None) -> None:
    console = console or Console(width=150)
    table = Table(title=title)
    for col in ("figure", "value", "unit", "reference (same run)", "ratio"):
        table.add_column(col)
    for f in figures:
        ref = f"{f.reference:,.1f} ({f.reference_name})" if f.reference is not None else f.reference_name or "—"
        ratio = f"{f.ratio:.2f}" if f.ratio is not None else "—"
        table.add_row(f.name, f"{f.value:,.1f}" if f.value else "", f.unit, ref, ratio)
    console.print(table)
    console.print(f"machine: {machine()}")
