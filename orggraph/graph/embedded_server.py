"""Start, find, reuse and stop the embedded ArcadeDB server that runs in its own child process.

The server outlives the command that started it (``orggraph db start``) unless an owner pid is
given, in which case it stops itself when that process is gone (``serve``, the test session).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass

from orggraph.graph.embedded_server_files import ServerFiles, lock_holder, open_private, pid_alive
from orggraph.graph.embedded_server_users import ensure_reader
from orggraph.model.config import Settings
from orggraph.model.errors import ServerError


@dataclass(frozen=True)
class ServerState:
    """A running embedded server as announced in ``server.json``."""

    pid: int
    bolt_port: int
    http_port: int
    database: str
    started_at: str
    start_seconds: float
    owner_pid: int = 0

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def check_port_free(port: int, what: tuple[str, str]) -> None:
    """Fail early, in words, when a fixed port is already taken; ``what`` listens there, in Chinese and English.
    A port whose last connections are still closing (TIME_WAIT, for a minute after a stop) is free: the servers bind
    with SO_REUSEADDR, and so does this probe (a `db stop` then `db start` on a fixed port was refused)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            raise ServerError(
                f"端口 {port} 已被占用,无法启动{what[0]}", f"port {port} is already in use; cannot start {what[1]}"
            ) from None


class EmbeddedServer:
    """The embedded server of one data dir."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.files = ServerFiles(settings.resolved_data_dir())

    def password(self) -> str:
        return self.files.password()

    def reader_password(self) -> str:
        """The password of the read-only database user (``embedded_server_users.READER``)."""
        return self.files.reader_password()

    def ensure_reader(self, state: ServerState) -> None:
        """Create or refresh the read-only database user on a running server (every start does it too;
        this is for a server started before the user existed)."""
        ensure_reader(state.http_port, self.password(), state.database, self.reader_password())

    def status(self) -> ServerState | None:
        """The live server of this data dir, or None; stale state from a dead server is cleared."""
        state = self.files.read_state()
        if state is None:
            return None
        if pid_alive(state["pid"]) and lock_holder(self.files.lock) is not None:
            return ServerState(**state)
        self.files.state.unlink(missing_ok=True)  # the server died without cleaning up
        return None

    def start(self, owner_pid: int = 0) -> tuple[ServerState, bool]:
        """Reuse the running server or start one; returns (state, whether this call started it)."""
        running = self.status()
        if running is not None:
            return running, False
        holder = lock_holder(self.files.lock)
        if holder is not None:
            raise ServerError(
                f"数据目录 {self.files.data_dir} 正被另一个服务器进程(pid {holder})占用且未响应;"
                "请先停止它(orggraph db stop --force)",
                f"data dir {self.files.data_dir} is held by another server process (pid {holder}) that "
                "does not answer; stop it first (orggraph db stop --force)",
            )
        return self._spawn(owner_pid), True

    def _ports(self) -> tuple[int, int]:
        s = self.settings
        listeners = ((s.bolt_port, ("Bolt 服务", "the Bolt listener")), (s.http_port, ("HTTP 服务", "the HTTP port")))
        for port, what in listeners:
            if port:
                check_port_free(port, what)
        return s.bolt_port or free_port(), s.http_port or free_port()

    def _spawn(self, owner_pid: int) -> ServerState:
        self.files.prepare()
        self.files.password()
        self.files.error.unlink(missing_ok=True)
        bolt, http = self._ports()
        cmd = [
            sys.executable,
            "-m",
            "orggraph.graph.embedded_server_process",
            "--data-dir",
            str(self.files.data_dir),
            "--database",
            self.settings.embedded_database(),
            "--bolt-port",
            str(bolt),
            "--http-port",
            str(http),
            "--heap",
            self.settings.heap,
            "--owner-pid",
            str(owner_pid),
        ]
        with os.fdopen(open_private(self.files.output, os.O_WRONLY | os.O_CREAT | os.O_APPEND), "ab") as out:
            proc = subprocess.Popen(
                cmd,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=self.files.data_dir,
                start_new_session=True,
            )
        return self._await_ready(proc)

    def _await_ready(self, proc: subprocess.Popen[bytes]) -> ServerState:
        deadline = time.monotonic() + self.settings.start_timeout_s
        while time.monotonic() < deadline:
            state = self.files.read_state()
            if state is not None and state["pid"] == proc.pid:
                return ServerState(**state)
            if proc.poll() is not None:
                err = self.files.read_error() or {"zh": "服务器进程意外退出", "en": "server process exited"}
                raise ServerError(f"{err['zh']}(日志:{self.files.output})", f"{err['en']} (log: {self.files.output})")
            time.sleep(0.1)
        proc.kill()
        raise ServerError(
            f"嵌入式服务器在 {self.settings.start_timeout_s:.0f} 秒内未就绪",
            f"embedded server not ready within {self.settings.start_timeout_s:.0f} s",
        )

    def stop(self, timeout_s: float = 30.0, force: bool = False) -> bool:
        """Ask the server to stop and wait; SIGTERM, then SIGKILL, only if it will not. False if none ran."""
        state = self.files.read_state()
        pid = state["pid"] if state else lock_holder(self.files.lock)
        if not pid or pid < 0 or not pid_alive(pid):
            self.files.state.unlink(missing_ok=True)
            return False
        self.files.stop_request.touch()
        for sig in (None, signal.SIGTERM, signal.SIGKILL) if force else (None, signal.SIGTERM):
            if sig is not None:
                os.kill(pid, sig)
            if _wait_gone(pid, timeout_s):
                break
        else:
            raise ServerError(
                f"服务器进程 {pid} 未能在 {timeout_s:.0f} 秒内停止",
                f"server process {pid} did not stop within {timeout_s:.0f} s",
            )
        self.files.state.unlink(missing_ok=True)
        self.files.stop_request.unlink(missing_ok=True)
        return True


def _wait_gone(pid: int, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return True
        time.sleep(0.1)
    return not pid_alive(pid)
