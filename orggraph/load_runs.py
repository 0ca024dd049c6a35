"""The load history (``LoadRun`` nodes) and the recovery of a load that was cut off.

A load small enough for one transaction records its ``LoadRun`` inside that transaction: it is
committed with the data or not at all. A first load too big for one transaction (journaled) writes a
``running`` LoadRun first, beats a heartbeat while it writes, and marks it committed at the end; if it
is cut off, the next process that opens the graph finds it stale and removes everything it wrote (the
graph was empty when it began), so readers never work on half a load.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import time

from orggraph import statements
from orggraph.embedded_server_files import pid_alive
from orggraph.store import BoltStore

STALE_AFTER_S = 120
SETTLE_S = 0.5  # how long a cleared graph must stay empty before a rollback counts as done
SETTLE_ROUNDS = 20


def now() -> str:
    return dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds")


def new_run(load_id: str, mode: str, files: list[str]) -> dict:
    return {
        "id": load_id,
        "status": "running",
        "mode": mode,
        "started": now(),
        "heartbeat": now(),
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "files": "; ".join(files),
    }


def begin(store: BoltStore, run: dict) -> None:
    store.write(statements.LOAD_RUN_CREATE, {"rows": [run]})


def beat(store: BoltStore, load_id: str) -> None:
    store.write(statements.LOAD_RUN_UPDATE, {"id": load_id, "props": {"heartbeat": now()}})


def finish(store: BoltStore, load_id: str, status: str, counts: dict) -> None:
    store.write(statements.LOAD_RUN_UPDATE, {"id": load_id, "props": {"status": status, "finished": now(), **counts}})


def is_stale(run: dict) -> bool:
    """Its process is gone (same host) or its heartbeat stopped."""
    if run.get("host") == socket.gethostname() and run.get("pid") and not pid_alive(run["pid"]):
        return True
    beat_at = dt.datetime.fromisoformat(run.get("heartbeat") or run["started"])
    return (dt.datetime.now(beat_at.tzinfo) - beat_at).total_seconds() > STALE_AFTER_S


def clear_until_settled(store: BoltStore) -> None:
    """Clear the data, then again while anything reappears: a killed loader's last COMMIT can still be
    in flight on the server and land just after the first clear (seen in CI, once in a few hundred kills)."""
    store.clear_data()
    for _ in range(SETTLE_ROUNDS):
        time.sleep(SETTLE_S)
        if not store.clear_data():
            return


def recover(store: BoltStore) -> list[str]:
    """Roll back every stale unfinished load; returns their ids."""
    rolled = []
    for row in store.read(statements.LOAD_RUNS_RUNNING):
        run = row["run"]
        if is_stale(run):
            clear_until_settled(store)
            finish(store, run["id"], "rolled_back", {})
            rolled.append(run["id"])
    return rolled


def recent(store: BoltStore, limit: int = 20) -> list[dict]:
    return [r["run"] for r in store.read(statements.LOAD_RUNS_RECENT, {"limit": limit})]
