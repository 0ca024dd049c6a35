"""The files through which orggraph and its embedded server process talk, all under the data dir.

``server.json`` (ports, pid; present only while the server answers), ``server.lock`` (held by the
live server), ``server.stop`` (a stop request), ``server.error`` (why a start failed),
``root_password`` and ``reader_password`` (the read-only database user's) and ``log/server.out`` (the
JVM's own output).

Everything under the data dir is the owner's alone: folders 0700, files 0600. The server process sets
umask 077 before the JVM starts (so ArcadeDB's databases, WAL and logs are created 0600/0700) and
:func:`restrict` tightens a data dir written before that rule; files orggraph writes itself are opened
with mode 0600 whatever the caller's umask.
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

    @property
    def reader_password_file(self) -> Path:
        return self.data_dir / "reader_password"

    def prepare(self) -> None:
        for folder in (self.data_dir, self.log_dir):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            folder.chmod(0o700)

    def password(self) -> str:
        """The root password, generated on first use and kept readable by the owner only."""
        return self._secret(self.password_file)

    def reader_password(self) -> str:
        """The read-only database user's password, generated on first use, readable by the owner only."""
        return self._secret(self.reader_password_file)

    def _secret(self, path: Path) -> str:
        if not path.exists():
            self.prepare()
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(24))
        return path.read_text().strip()

    def read_state(self) -> dict[str, Any] | None:
        try:
            state: dict[str, Any] = json.loads(self.state.read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return None
        return state

    def write_error(self, zh: str, en: str) -> None:
        write_json_atomic(self.error, {"zh": zh, "en": en})

    def read_error(self) -> dict[str, str] | None:
        try:
            error: dict[str, str] = json.loads(self.error.read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return None
        return error


def restrict(root: Path) -> None:
    """Every folder under ``root`` (itself included) 0700 and every file at most 0600 (never widened)."""
    root.chmod(0o700)
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            os.chmod(os.path.join(folder, name), 0o700)
        for name in files:
            path = os.path.join(folder, name)
            mode = os.lstat(path).st_mode
            if not os.path.islink(path) and mode & 0o177:
                os.chmod(path, mode & 0o600)


def open_private(path: Path, flags: int = os.O_WRONLY | os.O_CREAT | os.O_TRUNC) -> int:
    """A file descriptor on ``path``, created 0600 whatever the umask (an existing file is tightened too)."""
    fd = os.open(path, flags, 0o600)
    os.fchmod(fd, 0o600)
    return fd


def write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    with os.fdopen(open_private(tmp), "w") as fh:
        fh.write(json.dumps(data, ensure_ascii=False))
    os.replace(tmp, path)


def hold_lock(path: Path) -> IO[str] | None:
    """Take the exclusive lock on ``path``; None when another process holds it."""
    fh = os.fdopen(open_private(path, os.O_RDWR | os.O_CREAT), "a+")
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
