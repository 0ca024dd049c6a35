"""The files through which orggraph and its embedded server process talk, all under the data dir.

``server.json`` (ports, pid; present only while the server answers), ``server.lock`` (held by the
live server), ``server.stop`` (a stop request), ``server.error`` (why a start failed),
``root_password`` (0600) and ``server.out`` (the JVM's own output).
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any


@dataclass(frozen=True)
class ServerFiles:
    data_dir: Path

    @property
    def arcadedb_root(self) -> Path:
        return self.data_dir / "arcadedb"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "log"

    @property
    def state(self) -> Path:
        return self.data_dir / "server.json"

    @property
    def lock(self) -> Path:
        return self.data_dir / "server.lock"

    @property
    def stop_request(self) -> Path:
        return self.data_dir / "server.stop"

    @property
    def error(self) -> Path:
        return self.data_dir / "server.error"

    @property
    def output(self) -> Path:
        return self.log_dir / "server.out"

    @property
    def password_file(self) -> Path:
        return self.data_dir / "root_password"

    def prepare(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(exist_ok=True)

    def password(self) -> str:
        """The root password, generated on first use and kept readable by the owner only."""
        if not self.password_file.exists():
            self.prepare()
            fd = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(24))
        return self.password_file.read_text().strip()

    def read_state(self) -> dict[str, Any] | None:
        try:
            return json.loads(self.state.read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return None

    def write_error(self, zh: str, en: str) -> None:
        write_json_atomic(self.error, {"zh": zh, "en": en})

    def read_error(self) -> dict[str, str] | None:
        try:
            return json.loads(self.error.read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return None


def write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False))
    os.replace(tmp, path)


def hold_lock(path: Path) -> IO[str] | None:
    """Take the exclusive lock on ``path``; None when another process holds it."""
    fh = path.open("a+")
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.close()
        return None
    fh.seek(0)
    fh.truncate()
    fh.write(str(os.getpid()))
    fh.flush()
    return fh


def lock_holder(path: Path) -> int | None:
    """The pid holding the lock, or None if nobody holds it (a stale lock file is harmless)."""
    if not path.exists():
        return None
    fh = hold_lock(path)
    if fh is not None:
        fh.close()
        return None
    try:
        return int(path.read_text().strip() or 0) or -1
    except (ValueError, OSError):
        return -1


def pid_alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie (a dead child not yet reaped counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True
