"""Which embedded graph servers are running, found from the process table (not from our own state files, which a
crashed server may have left behind or never written)."""

from __future__ import annotations

from pathlib import Path

import psutil

SERVER_MODULE = "orggraph.graph.embedded_server_process"


def servers_under(folder: Path) -> list[tuple[int, str]]:
    """(pid, data dir) of every live embedded server whose data dir lies under ``folder``."""
    found = []
    for proc in psutil.process_iter(["pid", "cmdline"]):
        cmd = proc.info["cmdline"] or []
        if SERVER_MODULE in cmd and "--data-dir" in cmd:
            data_dir = Path(cmd[cmd.index("--data-dir") + 1])
            if data_dir.is_relative_to(folder):
                found.append((proc.info["pid"], str(data_dir)))
    return found
