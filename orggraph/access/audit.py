"""The audit log: who did what, when, with what counts — one JSON object per line in ``audit.jsonl`` under the
data dir (0600), only ever appended to.

Recorded: logins (success and failure), imports (load id, counts, removals) and refused ones (rows outside the user's
area, errors), what-ifs and saved ones (plans), query runs and exports,
from the CLI and the app alike, through ``record``. Nothing personal beyond the user name: a query is recorded
by its name and the names of the parameters given, never their values (a search text can be a person's name).
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orggraph.access.accounts import LOCAL_NAME
from orggraph.model.private_files import private_folder

AUDIT_FILE = "audit.jsonl"
ACTIONS = ("login", "login_failed", "import", "import_refused", "sync_removal", "whatif", "whatif_save",
           "whatif_delete", "query", "export")  # fmt: skip


def cli_user() -> str:
    """Who runs a CLI command: the single-user mode, with the OS account it runs under."""
    try:
        return f"{LOCAL_NAME}:{getpass.getuser()}"
    except (OSError, KeyError):
        return LOCAL_NAME


def record(data_dir: Path, user: str, action: str, now: dt.datetime | None = None, **detail: Any) -> dict[str, Any]:
    """Append one event. ``detail`` holds what was done and counts (plain JSON values); returns the event.

    The file is opened for appending only (``O_APPEND``), so concurrent writers never overwrite each other's
    lines, and created 0600."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    event = {"at": _utc(now or dt.datetime.now(dt.UTC)), "user": user, "action": action, **detail}
    line = json.dumps(event, ensure_ascii=False, default=str, sort_keys=False) + "\n"
    data_dir = Path(data_dir)
    private_folder(data_dir)
    fd = os.open(data_dir / AUDIT_FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode("utf-8"))
    finally:
        os.close(fd)
    return event


def _utc(now: dt.datetime) -> str:
    return now.astimezone(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class AuditFilter:
    """Which events to list: by user, by action, by day (inclusive, UTC dates)."""

    user: str | None = None
    action: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None

    def keeps(self, event: dict[str, Any]) -> bool:
        day = str(event.get("at", ""))[:10]
        return (
            (self.user is None or event.get("user") == self.user)
            and (self.action is None or event.get("action") == self.action)
            and (self.since is None or day >= self.since.isoformat())
            and (self.until is None or day <= self.until.isoformat())
        )


def read_events(data_dir: Path, keep: AuditFilter | None = None) -> list[dict[str, Any]]:
    """The events kept by ``keep``, newest first. A line that is not JSON (a cut-off write) is skipped."""
    keep = keep or AuditFilter()
    return [e for e in _lines(Path(data_dir) / AUDIT_FILE) if keep.keeps(e)][::-1]


def _lines(path: Path) -> Iterable[dict[str, Any]]:
    try:
        fh = path.open(encoding="utf-8")
    except FileNotFoundError:
        return
    with fh:
        for line in fh:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if isinstance(event, dict):
                yield event


def query_detail(name: str, params: Iterable[str], rows: int) -> dict[str, Any]:
    """A query run as the log keeps it: the query's name, the parameter names given (never their values)."""
    return {"query": name, "parameters": sorted(params), "rows": rows}


def load_detail(load_id: str, mode: str | None, written: int, removed: int, dry_run: bool) -> dict[str, Any]:
    return {"load_id": load_id, "mode": mode, "written": written, "removed": removed, "dry_run": dry_run}


def by_cli(data_dir: Path, action: str, **detail: Any) -> dict[str, Any]:
    """``record`` for a CLI command: the user is the single-user mode with the OS account."""
    return record(data_dir, cli_user(), action, **detail)


def whatif_detail(changes: list[dict[str, Any]], area: str | None) -> dict[str, Any]:
    """A what-if as the log keeps it: the rules compared, the area, how many gaps it closed and opened."""
    closed, opened = sum(len(c["closed"]) for c in changes), sum(len(c["opened"]) for c in changes)
    return {"rules": [c["rule"].id for c in changes], "area": area, "closed": closed, "opened": opened}


def record_load(data_dir: Path, user: str, report: Any, dry_run: bool) -> None:
    """An import (an ``ingest.LoadReport``) in the log, with its ``--sync`` removals as their own event; a dry
    run writes nothing and is not recorded."""
    if dry_run:
        return
    removed = report.plan.removals.size if report.plan and report.plan.sync else 0
    detail = load_detail(report.load_id, report.mode, report.written, removed, dry_run)
    record(data_dir, user, "import", rejected=sum(report.result.rejected.values()), **detail)
    if removed:
        record(data_dir, user, "sync_removal", load_id=report.load_id, removed=removed)
