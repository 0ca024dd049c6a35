"""Where the import page keeps the ledgers a clerk uploads until they are loaded: ``<data dir>/uploads/<app pid>``.

Ledgers carry people's names; they must not outlive the app that received them, nor sit in a folder other accounts
can read. A folder in /tmp removed at interpreter exit was not enough: Streamlit stopped by a signal never runs that
exit, and 58 uploaded ledgers were found left in /tmp after a day of runs. So the uploads live in the data dir
(0700), ``orggraph serve`` removes its app's folder when the app stops, and any app that starts sweeps the folders of
apps no longer running (killed outright, or a machine that lost power).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from orggraph.graph.embedded_server_files import open_private, pid_alive
from orggraph.model.private_files import private_folder

UPLOADS = "uploads"


def uploads_folder(data_dir: Path, pid: int | None = None) -> Path:
    """This app process's folder for uploads (created private), after the folders of dead app processes are gone."""
    root = data_dir / UPLOADS
    private_folder(root)
    sweep(data_dir)
    mine = root / str(pid or os.getpid())
    mine.mkdir(mode=0o700, exist_ok=True)
    os.chmod(mine, 0o700)
    return mine


def sweep(data_dir: Path) -> list[Path]:
    """Remove the upload folders of app processes that are gone; the folders removed."""
    root = data_dir / UPLOADS
    gone = [
        folder
        for folder in (root.iterdir() if root.is_dir() else ())
        if folder.is_dir() and not (folder.name.isdigit() and pid_alive(int(folder.name)))
    ]
    for folder in gone:
        shutil.rmtree(folder, ignore_errors=True)
    return gone


def remove_uploads(data_dir: Path, pid: int) -> None:
    """The folder of an app process that has stopped, with whatever was still uploaded in it."""
    shutil.rmtree(data_dir / UPLOADS / str(pid), ignore_errors=True)


def save_uploads(files: Iterable[tuple[str, bytes]], folder: Path) -> list[str]:
    """The uploaded files (name, content) written into ``folder`` under their own names, readable by this account
    alone (0600, as every file of the data dir); returns the names skipped as repeats."""
    repeated = []
    for name, content in files:
        path = folder / Path(name).name
        if path.exists():
            repeated.append(name)
            continue
        fd = open_private(path)
        with os.fdopen(fd, "wb") as out:
            out.write(content)
    return repeated
