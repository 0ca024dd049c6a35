"""``orggraph validate DIR`` as a user runs it (its own process, no graph server), next to a bare read of the
same files in this process (calamine for xlsx, the csv module for CSV: every cell, nothing checked).

The figure is the validator's wall time and its peak RSS (sampled every 0.1 s); the ratio says what the checks
(types, ids, references, personal numbers, limits) cost over reading the cells at all.
"""

from __future__ import annotations

import csv
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from python_calamine import CalamineWorkbook

from benchmarks.harness import Figure, timed
from orggraph.ingest.load import write_demo_ledgers


def _bare_read(ledgers: Path) -> int:
    """Every cell of every file, read and dropped: the floor any validator stands on."""
    cells = 0
    for path in sorted(ledgers.iterdir()):
        if path.suffix == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as fh:
                cells += sum(len(row) for row in csv.reader(fh))
        elif path.suffix == ".xlsx":
            wb = CalamineWorkbook.from_path(str(path))
            for name in wb.sheet_names:
                cells += sum(len(row) for row in wb.get_sheet_by_name(name).to_python())
            wb.close()
    return cells


def _validate(ledgers: Path, data_dir: Path) -> tuple[float, float, str]:
    """Wall time and peak RSS (MiB) of ``orggraph validate`` in its own process; its last stderr line."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "orggraph", "--data-dir", str(data_dir), "validate", str(ledgers)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    watched, peak = psutil.Process(proc.pid), 0.0
    while proc.poll() is None:
        try:
            peak = max(peak, watched.memory_info().rss / 2**20)
        except psutil.NoSuchProcess:
            break
        time.sleep(0.1)
    wall = time.perf_counter() - started
    err = proc.stderr.read().strip().splitlines()
    assert proc.returncode == 0, err[-5:]
    return wall, peak, err[-1] if err else ""


def run(scale: str, fmt: str) -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix=f"orggraph-validate-{scale}-") as tmp:
        ledgers = Path(tmp) / "ledgers"
        write_demo_ledgers(scale, 1, ledgers, fmt)
        bare, _ = timed(lambda: _bare_read(ledgers))
        wall, peak, summary = _validate(ledgers, Path(tmp) / "data")
        assert not (Path(tmp) / "data").exists(), "validate must not start a server"
    return [
        Figure(
            f"validate {scale} ledgers ({fmt}), no server (CLI, wall)",
            wall,
            "s",
            bare,
            "bare read of every cell, same files",
            higher_is_better=False,
        ),
        Figure(f"  {scale}: peak RSS of validate", peak, "MiB", higher_is_better=False, reference_name=summary),
    ]
