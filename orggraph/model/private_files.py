"""Folders of the data dir made private: the owner's alone (0700), every folder made on the way too.

``Path.mkdir(mode=0o700, parents=True)`` gives the mode to the last folder only; the ones it makes above it get
the process's umask (0755 in a CLI or app process; only the graph server's process sets umask 077). A province's
history (``databases/<name>/snapshots``) left ``databases/`` readable to every user of the machine.
"""

from __future__ import annotations

from pathlib import Path


def private_folder(path: Path) -> Path:
    """``path`` made if missing, with every missing folder above it, each 0700; returns ``path``.

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> made = private_folder(root / "a" / "b")
    >>> [oct(p.stat().st_mode & 0o777) for p in (root / "a", made)]
    ['0o700', '0o700']
    """
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
        folder.chmod(0o700)  # mkdir's mode is narrowed by the umask, never widened: set it whatever the umask
    return path
