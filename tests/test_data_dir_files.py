"""The data dir is the owner's alone: after a start and a write, every folder is 0700 and every file (databases,
WAL, security files, passwords, state, logs) 0600 or stricter; a data dir left wide open is tightened on start."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from orggraph.graph.backends import open_store
from orggraph.graph.embedded_server import EmbeddedServer
from orggraph.model.config import load_settings
from orggraph.model.records import NodeRecord


def _loose(root: Path) -> list[str]:
    """Everything under ``root`` (itself included) that a group or other user could read, or that is executable."""
    found = []
    for path in [root, *root.rglob("*")]:
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode):
            continue
        expected_max = 0o700 if stat.S_ISDIR(mode) else 0o600
        if stat.S_IMODE(mode) & ~expected_max or (stat.S_ISDIR(mode) and stat.S_IMODE(mode) != 0o700):
            found.append(f"{path.relative_to(root.parent)} {oct(stat.S_IMODE(mode))}")
    return found


def test_every_file_of_the_session_server_is_private_after_a_write(clean_store, settings):
    clean_store.write_nodes([NodeRecord("Street", "S-files", {"name": "文件街道"})])
    data_dir = settings.resolved_data_dir()
    names = {p.name for p in data_dir.rglob("*")}
    assert {"server.out", "arcadedb.log.0", "server-users.jsonl", "reader_password", "root_password"} <= names
    assert any(p.suffix == ".wal" for p in data_dir.rglob("*"))
    assert _loose(data_dir) == []


def test_a_wide_open_data_dir_is_tightened_when_the_server_starts(tmp_path):
    data_dir = tmp_path / "data"
    (data_dir / "log").mkdir(parents=True, mode=0o755)
    old_log = data_dir / "log" / "old.log"
    old_log.write_text("from an older version\n")
    os.chmod(data_dir, 0o755)
    os.chmod(old_log, 0o644)
    server = EmbeddedServer(load_settings({"data_dir": data_dir, "heap": "512m"}, environ={}))
    server.start(owner_pid=os.getpid())
    try:
        with open_store(server.settings, start=False) as store:
            store.ensure_schema()
            store.write_nodes([NodeRecord("Street", "S1", {"name": "太白街道"})])
        assert _loose(data_dir) == []
        assert stat.S_IMODE(old_log.stat().st_mode) == 0o600
    finally:
        server.stop()
    assert _loose(data_dir) == []


def test_a_province_history_folder_and_every_folder_above_it_are_private(tmp_path):
    """A CLI or app process keeps its umask (0022 here): mkdir's mode reached only the last folder, and a province's
    history left ``databases/`` 0755."""
    import os

    from orggraph.graph import snapshot_files

    old = os.umask(0o022)
    try:
        home = snapshot_files.home(tmp_path / "data", "prov_sd")
        snapshot_files.write(home, {"id": "s1"}, [], [])
    finally:
        os.umask(old)
    assert (home / "snapshots").is_dir() and _loose(tmp_path / "data") == []
