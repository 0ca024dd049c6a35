"""The child process that hosts the embedded ArcadeDB server (run as ``python -m``).

The JVM lives here and nowhere else: a JVM inside the CLI or Streamlit process crashed on SIGTERM
and ignored SIGINT when measured. This process holds an exclusive lock on the data dir for its whole
life, announces its ports in ``server.json`` once the database answers, and stops cleanly when it
sees a stop request file, gets SIGTERM/SIGINT (the JVM runs with ``-Xrs`` so Python keeps those
signals), or when the process that owns it has gone.

It sets umask 077 before anything is written and tightens a data dir left by an older version, so the
databases, WAL, security files and logs are the owner's alone (folders 0700, files 0600), and it
creates or refreshes the read-only database user before it announces itself ready.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Protocol

from orggraph.graph.embedded_server_files import ServerFiles, hold_lock, pid_alive, restrict, write_json_atomic
from orggraph.graph.embedded_server_users import ensure_reader

POLL_S = 0.3


def _parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="orggraph-embedded-server")
    p.add_argument("--data-dir", required=True, type=Path)
    p.add_argument("--database", required=True)
    p.add_argument("--bolt-port", required=True, type=int)
    p.add_argument("--http-port", required=True, type=int)
    p.add_argument("--heap", default="2g")
    p.add_argument("--owner-pid", type=int, default=0)
    return p.parse_args(argv)


class _Server(Protocol):
    """What is used of arcadedb_embedded's server once started (the package ships no types)."""

    def start(self) -> None: ...

    def create_database(self, name: str) -> object: ...

    def stop(self) -> None: ...


def _start_arcadedb(files: ServerFiles, args: argparse.Namespace) -> _Server:
    os.environ.setdefault("ARCADEDB_JVM_ERROR_FILE", str(files.log_dir / "hs_err_pid%p.log"))
    from arcadedb_embedded.jvm import start_jvm
    from arcadedb_embedded.server import create_server

    start_jvm(heap_size=args.heap, jvm_args=["-Xrs"])
    server: _Server = create_server(
        str(files.arcadedb_root),
        root_password=files.password(),
        config={
            "host": "127.0.0.1",
            "http_port": args.http_port,
            "server_plugins": "Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
            "bolt_port": args.bolt_port,
        },
    )
    server.start()
    server.create_database(args.database)  # public API, idempotent: the server's getDatabase(create if missing)
    ensure_reader(args.http_port, files.password(), args.database, files.reader_password())
    return server


def _wait_for_stop(files: ServerFiles, owner_pid: int, stop: threading.Event) -> str:
    while not stop.wait(POLL_S):
        if files.stop_request.exists():
            return "stop request"
        if owner_pid and not pid_alive(owner_pid):
            return f"owner process {owner_pid} has gone"
    return "signal"


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(sys.argv[1:] if argv is None else argv)
    os.umask(0o077)  # the JVM runs in this process: ArcadeDB's files are created 0600 in 0700 folders
    files = ServerFiles(args.data_dir)
    files.prepare()
    os.chdir(files.data_dir)  # ArcadeDB writes ./log relative to the working directory
    lock = hold_lock(files.lock)
    if lock is None:
        files.write_error("数据目录已被另一个服务器进程占用", "the data dir is held by another server process")
        return 3
    restrict(files.data_dir)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda *_: stop.set())
    files.stop_request.unlink(missing_ok=True)
    files.error.unlink(missing_ok=True)
    started = time.monotonic()
    try:
        server = _start_arcadedb(files, args)
    except Exception as exc:  # the parent shows this message; the JVM's own error is in server.out
        files.write_error(f"嵌入式服务器启动失败:{exc}", f"embedded server failed to start: {exc}")
        return 4
    state = {
        "pid": os.getpid(),
        "bolt_port": args.bolt_port,
        "http_port": args.http_port,
        "database": args.database,
        "owner_pid": args.owner_pid,
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "start_seconds": round(time.monotonic() - started, 3),
    }
    write_json_atomic(files.state, state)
    reason = _wait_for_stop(files, args.owner_pid, stop)
    print(json.dumps({"stopping": reason}), flush=True)
    files.state.unlink(missing_ok=True)
    server.stop()
    files.stop_request.unlink(missing_ok=True)
    lock.close()
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    # The server is down and its databases closed, but Bolt connection threads of clients that have
    # not hung up yet are non-daemon JVM threads blocked on their sockets: a normal interpreter exit
    # would wait for them forever (measured). Nothing is left to flush, so leave at once.
    os._exit(code)
