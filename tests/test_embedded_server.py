"""The embedded server's life: start, reuse, stop, restart with data intact, and its bad states."""

from __future__ import annotations

import ipaddress
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from orggraph.graph.backends import open_store
from orggraph.graph.embedded_server import EmbeddedServer
from orggraph.graph.embedded_server_files import pid_alive, write_json_atomic
from orggraph.model.config import load_settings
from orggraph.model.errors import ServerError
from orggraph.model.records import NodeRecord


def _server(data_dir: Path, **flags) -> EmbeddedServer:
    return EmbeddedServer(load_settings({"data_dir": data_dir, "heap": "512m", **flags}, environ={}))


def _children_of(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def test_reused_while_running_stopped_cleanly_and_data_survives_a_restart(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # ArcadeDB must not write ./log into the working directory
    server = _server(tmp_path / "data")
    state, started = server.start()
    try:
        assert started and server.start() == (state, False)
        assert (server.files.password_file.stat().st_mode & 0o777) == 0o600
        with open_store(server.settings, start=False) as store:
            store.ensure_schema()
            store.write_nodes([NodeRecord("Street", "S1", {"name": "太白街道"})])
    finally:
        assert server.stop()
    assert server.status() is None and not server.files.state.exists()
    assert not (tmp_path / "log").exists()
    state2, started2 = server.start()
    try:
        assert started2 and state2.pid != state.pid
        with open_store(server.settings, start=False) as store:
            assert store.read("MATCH (s:Street) RETURN s.name AS n") == [{"n": "太白街道"}]
    finally:
        server.stop()


def test_stale_state_from_a_killed_server_is_replaced(tmp_path):
    server = _server(tmp_path / "data")
    server.files.prepare()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    write_json_atomic(
        server.files.state,
        {
            "pid": dead.pid,
            "bolt_port": 1,
            "http_port": 2,
            "database": "orggraph",
            "started_at": "x",
            "start_seconds": 0,
        },
    )
    assert server.status() is None
    state, started = server.start()
    try:
        assert started and state.pid != dead.pid
    finally:
        server.stop()


def test_a_data_dir_held_by_another_process_is_refused(tmp_path):
    server = _server(tmp_path / "data")
    server.files.prepare()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import fcntl, sys, time; f = open(sys.argv[1], 'a'); fcntl.flock(f, fcntl.LOCK_EX); "
                "f.write('4242'); f.flush(); print('held', flush=True); time.sleep(60)"
            ),
            str(server.files.lock),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(ServerError) as err:
            server.start()
        assert "占用" in err.value.zh and "held by another server process" in err.value.en
    finally:
        holder.kill()
        holder.wait()


def test_a_port_in_use_is_reported_before_starting(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(ServerError) as err:
            _server(tmp_path / "data", bolt_port=port).start()
    assert str(port) in err.value.zh and "already in use" in err.value.en
    assert "listener" not in err.value.zh and "服务" not in err.value.en, "each language names the listener alone"


def test_server_owned_by_a_process_stops_when_that_process_dies(tmp_path):
    data_dir = tmp_path / "data"
    code = (
        f"import sys; sys.path.insert(0, {str(Path.cwd())!r}); import os; "
        "from orggraph.model.config import load_settings; from orggraph.graph.embedded_server import EmbeddedServer; "
        f"s = EmbeddedServer(load_settings({{'data_dir': {str(data_dir)!r}, 'heap': '512m'}}, environ={{}})); "
        "st, _ = s.start(owner_pid=os.getpid()); print(st.pid, flush=True); import time; time.sleep(120)"
    )
    owner = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    server_pid = int(owner.stdout.readline())
    owner.kill()
    owner.wait()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and pid_alive(server_pid):
        time.sleep(0.2)
    assert not pid_alive(server_pid)
    assert _server(data_dir).status() is None


def test_every_listener_of_the_server_is_on_loopback(settings):
    import psutil

    state = EmbeddedServer(settings).status()
    listening = [
        c.laddr for c in psutil.Process(state.pid).net_connections(kind="inet") if c.status == psutil.CONN_LISTEN
    ]
    assert {a.port for a in listening} >= {state.bolt_port, state.http_port}
    addresses = [ipaddress.ip_address(a.ip) for a in listening]
    assert all((getattr(a, "ipv4_mapped", None) or a).is_loopback for a in addresses), listening


def test_stop_is_prompt_while_a_client_is_still_connected(tmp_path):
    """An app left connected must not keep the server process alive after its stop (it did, once)."""
    from neo4j import GraphDatabase

    server = _server(tmp_path / "data")
    state, _ = server.start()
    with GraphDatabase.driver(state.uri, auth=("root", server.password())) as driver:
        driver.execute_query("RETURN 1", database_="orggraph")
        started = time.monotonic()
        assert server.stop(timeout_s=15)
        assert time.monotonic() - started < 10
    assert not pid_alive(state.pid)
