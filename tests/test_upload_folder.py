"""Uploaded ledgers do not outlive the app that received them (they carry people's names): they live in the data
dir, private, and the folders of apps that are gone are swept by the next app that starts."""

from __future__ import annotations

import stat
import subprocess
import sys

from orggraph.app.upload_folder import remove_uploads, save_uploads, sweep, uploads_folder


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_the_folder_is_private_and_in_the_data_dir(tmp_path):
    folder = uploads_folder(tmp_path)
    assert folder.parent == tmp_path / "uploads" and folder.is_dir()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700 and stat.S_IMODE(folder.parent.stat().st_mode) == 0o700


def test_a_gone_apps_uploads_are_swept_and_a_running_apps_are_kept(tmp_path):
    gone = tmp_path / "uploads" / str(_dead_pid())
    (gone / "import-x").mkdir(parents=True)
    (gone / "import-x" / "台账.xlsx").write_bytes(b"names")
    stray = tmp_path / "uploads" / "not-a-pid"
    stray.mkdir()
    running = uploads_folder(tmp_path)  # this process: alive
    (running / "台账.xlsx").write_bytes(b"names")
    assert not gone.exists() and not stray.exists()
    assert sweep(tmp_path) == [] and (running / "台账.xlsx").is_file()


def test_an_app_that_stopped_leaves_nothing(tmp_path):
    pid = _dead_pid()
    folder = uploads_folder(tmp_path, pid)
    (folder / "台账.xlsx").write_bytes(b"names")
    remove_uploads(tmp_path, pid)
    assert list((tmp_path / "uploads").iterdir()) == []


def test_an_uploaded_ledger_is_readable_by_this_account_alone(tmp_path):
    folder = uploads_folder(tmp_path)
    assert save_uploads([("台账.xlsx", b"a"), ("台账.xlsx", b"b")], folder) == ["台账.xlsx"]
    assert (folder / "台账.xlsx").read_bytes() == b"a"
    assert stat.S_IMODE((folder / "台账.xlsx").stat().st_mode) == 0o600
