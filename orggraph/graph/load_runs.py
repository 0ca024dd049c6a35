"""The load history (``LoadRun`` nodes) and the recovery of a load that was cut off.

A load small enough for one transaction records its ``LoadRun`` inside that transaction: it is
committed with the data or not at all. A first load too big for one transaction (journaled) writes a
``running`` LoadRun first, beats a heartbeat while it writes, and marks it committed at the end; if it
is cut off, the next process that opens the graph finds it stale and removes everything it wrote (the
graph was empty when it began), so readers never work on half a load.

While a journaled load is open, every read a store answers goes through its :class:`ReadGate`: the read
raises :class:`LoadInProgress` (with the share written so far) instead of answering on part of the load, and a
stale one is rolled back by the reader that finds it, without a restart. The gate trusts a "no load open"
answer for ``CHECK_TTL_S`` (two indexed reads of ~1 ms each when it asks again); a journaled load waits
``GRACE_S`` after announcing itself before its first batch, so an answer a reader still trusts was never
given while rows were being written, and a read that outlives the answer it began with asks again when it ends.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from orggraph.graph import statements
from orggraph.graph.embedded_server_files import pid_alive
from orggraph.graph.store import BoltStore
from orggraph.model.errors import LoadInProgress, OrgGraphError

T = TypeVar("T")
STALE_AFTER_S = 120.0  # a running load whose heartbeat is older is cut off (setting load_stale_after_s)
CHECK_TTL_S = 0.25  # how long a reader trusts "no load open" (or "a load is open")
GRACE_S = 2 * CHECK_TTL_S  # a journaled load waits this long after announcing itself (city load: +5%)
SETTLE_S = 0.5  # how long a cleared graph must stay empty before a rollback counts as done
SETTLE_ROUNDS = 20


def now() -> str:
    return dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds")


def new_run(
    load_id: str, mode: str, files: list[str], rows_total: int = 0, changes: str | None = None
) -> dict[str, Any]:
    """A load's ``LoadRun``; ``changes`` is what it adds, changes and removes per sheet (``ingest.load_changes``)."""
    return {
        "id": load_id,
        "status": "running",
        "mode": mode,
        "started": now(),
        "heartbeat": now(),
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "files": "; ".join(files),
        "rows_total": rows_total,
        "rows_written": 0,
        "changes": changes,
    }


def begin(store: BoltStore, run: dict[str, Any]) -> None:
    store.write(statements.LOAD_RUN_CREATE, {"rows": [run]})


def beat(store: BoltStore, load_id: str, rows_written: int) -> None:
    props = {"heartbeat": now(), "rows_written": rows_written}
    store.write(statements.LOAD_RUN_UPDATE, {"id": load_id, "props": props})


def finish(store: BoltStore, load_id: str, status: str, counts: dict[str, Any]) -> None:
    store.write(statements.LOAD_RUN_UPDATE, {"id": load_id, "props": {"status": status, "finished": now(), **counts}})
    ended(store)


def ended(store: BoltStore) -> None:
    """The store that ended a load reads the result at once: its gate asks again instead of answering from its
    last check (which counted one load fewer: a read begun on that answer would be taken for one that a load
    overtook — a what-if's scratch read, which is not retried, said "load in progress")."""
    if isinstance(store.gate, ReadGate):
        store.gate.forget()


class Journal:
    """A journaled load's ``LoadRun``, open from before the load plans until it commits (a context manager).

    Announced as soon as the load knows it will be journaled, so the readers' grace (``GRACE_S``) runs while it
    still plans: :meth:`sent` waits only what is left of it (a city's load: 0.5 s → ~0.1 s). If the work
    raises, or ends without :meth:`commit`, the load is rolled back at once, not left to the stale limit (an app
    that stays up would show "load in progress" for two minutes, then roll back); one that wrote nothing leaves
    no trace (its LoadRun deleted: a reader begun before it counts as many loads as one after)."""

    def __init__(self, store: BoltStore, run: dict[str, Any], heartbeat_s: float) -> None:
        self.store, self.load_id, self.heartbeat_s = store, run["id"], heartbeat_s
        self.committed = self.writing = False
        self.rows_total: int = run["rows_total"]  # what the load announced it writes (at most)
        self._run, self._opened, self._beat_at = run, 0.0, 0.0

    def __enter__(self) -> Journal:
        begin(self.store, self._run)
        self._opened = self._beat_at = time.monotonic()
        return self

    def sent(self, work: Iterable[T]) -> Iterator[T]:
        """``work`` as it goes to the server. Its first item waits out what is left of the grace (no reader may
        still trust a "no load open" answer given before the announcement); from then on a failure must roll the
        load back (a batch may have committed), before it there is nothing to roll back."""
        for item in work:
            if not self.writing:
                time.sleep(max(0.0, self._opened + GRACE_S - time.monotonic()))
                self.writing = True
            yield item

    def beat(self, rows_written: int) -> None:
        if time.monotonic() - self._beat_at > self.heartbeat_s:
            beat(self.store, self.load_id, rows_written)
            self._beat_at = time.monotonic()

    def commit(self, props: dict[str, Any]) -> None:
        finish(self.store, self.load_id, "committed", props)
        self.committed = True

    def __exit__(self, *exc: object) -> None:
        if self.committed:
            return
        try:
            if self.writing:
                clear_until_settled(self.store)
                finish(self.store, self.load_id, "rolled_back", {})
            else:
                self.store.write(statements.LOAD_RUN_DELETE, {"id": self.load_id})
                ended(self.store)
        except OrgGraphError:  # the server is gone: the first reader after it rolls the load back (recover)
            pass


def is_stale(run: dict[str, Any], stale_after_s: float = STALE_AFTER_S) -> bool:
    """Its process is gone (same host) or its heartbeat stopped."""
    if run.get("host") == socket.gethostname() and run.get("pid") and not pid_alive(run["pid"]):
        return True
    beat_at = dt.datetime.fromisoformat(run.get("heartbeat") or run["started"])
    return (dt.datetime.now(beat_at.tzinfo) - beat_at).total_seconds() > stale_after_s


def percent(run: dict[str, Any]) -> int | None:
    """How much of a running load is written (never 100: it is not over)."""
    total = run.get("rows_total")
    return min(99, 100 * (run.get("rows_written") or 0) // total) if total else None


def clear_until_settled(store: BoltStore) -> None:
    """Clear the data, then again while anything reappears: a killed loader's last COMMIT can still be
    in flight on the server and land just after the first clear (seen in CI, once in a few hundred kills)."""
    store.clear_data()
    for _ in range(SETTLE_ROUNDS):
        time.sleep(SETTLE_S)
        if not store.clear_data():
            return


def running(store: BoltStore) -> list[dict[str, Any]]:
    return [r["run"] for r in store.read_ungated(statements.LOAD_RUNS_RUNNING)]


def recover(store: BoltStore, stale_after_s: float | None = None) -> list[str]:
    """Roll back every stale unfinished load; returns their ids. The stale limit is the store's gate's
    (setting ``load_stale_after_s``) unless given."""
    if stale_after_s is None:
        stale_after_s = store.gate.stale_after_s if isinstance(store.gate, ReadGate) else STALE_AFTER_S
    rolled = []
    for run in running(store):
        if is_stale(run, stale_after_s):
            clear_until_settled(store)
            finish(store, run["id"], "rolled_back", {})
            rolled.append(run["id"])
    return rolled


def committed_changes(store: BoltStore) -> list[dict[str, Any]]:
    """Every committed load's id, times and ``changes`` (ids per sheet), oldest first."""
    return store.read_ungated(statements.LOAD_RUNS_CHANGES)


def recent(store: BoltStore, limit: int = 20) -> list[dict[str, Any]]:
    return [r["run"] for r in store.read_ungated(statements.LOAD_RUNS_RECENT, {"limit": limit})]


class ReadGate:
    """What a store asks before and after each read (see the module's docstring): raises LoadInProgress while a
    journaled load is open, rolls back a stale one first (through ``store``, which may write, whichever store's
    read it guards). Shared by a store's threads."""

    def __init__(self, store: BoltStore, stale_after_s: float = STALE_AFTER_S, ttl_s: float = CHECK_TTL_S) -> None:
        self.store, self.stale_after_s, self.ttl_s = store, stale_after_s, ttl_s
        self._lock = threading.Lock()
        self._checked_at = -float("inf")  # monotonic time the last check was sent
        self._loads = -1  # how many LoadRuns there were: a load that began since changes it
        self._open: tuple[int | None, str] | None = None

    def _check(self) -> None:
        store = self.store
        # the count first: a load that begins between the two reads is seen running, not counted as ended
        sent, loads, runs = time.monotonic(), self._count(store), running(store)
        if runs and any(is_stale(r, self.stale_after_s) for r in runs):
            recover(store, self.stale_after_s)
            sent, loads, runs = time.monotonic(), self._count(store), running(store)
        self._checked_at, self._loads = sent, loads
        self._open = (percent(runs[0]), runs[0]["id"]) if runs else None

    @staticmethod
    def _count(store: BoltStore) -> int:
        loads: int = store.read_ungated(statements.LOAD_RUNS_COUNT)[0]["loads"]
        return loads

    def forget(self) -> None:
        """Ask again at the next read (a plain assignment: safe without the lock, and under it)."""
        self._checked_at = -float("inf")

    def before(self, fresh: bool = False) -> int:
        """Before a read: raises while a load is open; returns a token for :meth:`after` (``fresh``: the load
        history asked now, not up to ``ttl_s`` ago)."""
        with self._lock:
            if fresh or time.monotonic() - self._checked_at > self.ttl_s:
                self._check()
            if self._open:
                raise LoadInProgress(*self._open)
            return self._loads

    def after(self, token: int) -> bool:
        """After a read begun with ``token``: raises if a load is open now; False if one began and ended
        meanwhile (read again), True if no load's rows can have been seen."""
        with self._lock:
            if time.monotonic() - self._checked_at > self.ttl_s:
                self._check()
            if self._open:
                raise LoadInProgress(*self._open)
            return self._loads == token
