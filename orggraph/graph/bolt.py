"""What the store needs from the driver, apart from the store itself: its configuration (notifications neither
asked for nor printed), driver values as plain Python, and driver errors as orggraph errors a person can act on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any, TypeVar

import neo4j
from neo4j import exceptions as neo4j_errors

from orggraph.model.errors import AuthFailed, OrgGraphError, QueryError, ReadOnlyViolation, StoreUnavailable

RETRY_S = 15.0  # how long a transaction is retried on a leader change or a busy server
DRIVER_CONFIG: dict[str, Any] = {
    "max_transaction_retry_time": RETRY_S,
    "user_agent": "orggraph",
    "warn_notification_severity": "OFF",
}
# Neo4j (Bolt 5.2+) is asked not to send notifications at all; a server that cannot filter (older Bolt) still sends
# them, and the driver's notification logger, silenced here, would print them on stderr (its last-resort handler)
SERVER_FILTER: dict[str, dict[str, Any]] = {"neo4j": {"notifications_min_severity": "OFF"}}
_notifications = logging.getLogger("neo4j.notifications")
_notifications.addHandler(logging.NullHandler())
_notifications.propagate = False
T = TypeVar("T")
_SCALARS = frozenset({str, int, float, bool, type(None)})


def seed_addresses(uri: str) -> tuple[str, list[neo4j.Address]]:
    """``neo4j://a:7687,b:7687,c:7687`` (a cluster's members) as the URI of the first and the others' addresses,
    which the driver asks for the routing table when the first does not answer. A single address: no others.

    >>> seed_addresses("neo4j://a:7687,b:7688")
    ('neo4j://a:7687', [IPv4Address(('b', 7688))])
    >>> seed_addresses("bolt://127.0.0.1:7687")
    ('bolt://127.0.0.1:7687', [])
    """
    scheme, sep, rest = uri.partition("://")
    hosts = rest.split(",")
    if not sep or len(hosts) == 1:
        return uri, []
    others = [neo4j.Address.parse(h.strip(), default_port=7687) for h in hosts[1:] if h.strip()]
    return f"{scheme}://{hosts[0].strip()}", others


RETRYABLE = (neo4j_errors.TransientError, neo4j_errors.SessionExpired, neo4j_errors.ServiceUnavailable)


def retried(work: Callable[[], T], retry_s: float, pause_s: float = 0.5) -> T:
    """``work`` (one whole explicit transaction) again while the cluster answers that it may succeed later (a
    leader election, a member restarting), for at most ``retry_s``; then the last error, which ``translate`` turns
    into words. The managed transactions get the same from the driver (``max_transaction_retry_time``).

    >>> calls = []
    >>> def flaky():
    ...     calls.append(1)
    ...     if len(calls) < 3:
    ...         raise neo4j_errors.TransientError("leader switched")
    ...     return "done"
    >>> retried(flaky, retry_s=5, pause_s=0), len(calls)
    ('done', 3)
    """
    deadline = time.monotonic() + retry_s
    while True:
        try:
            return work()
        except RETRYABLE:
            if time.monotonic() + pause_s > deadline:
                raise
            time.sleep(pause_s)


def plain(value: Any) -> Any:
    """A driver value as plain Python: nodes and relationships as dicts, temporal values native. Only for values
    the driver has just made (a result's): its own maps and lists are converted in place."""
    if type(value) in _SCALARS:  # most values: answered before the isinstance chain (2× faster on wide results)
        return value
    if type(value) is dict:  # then collected rows' maps and lists, before the driver's types' (ABC) checks: each
        for k, v in value.items():  # made by the driver for this result alone, so converted in place, not copied
            if type(v) not in _SCALARS:  # (a city's reload compare reads ~500k maps: 2× faster, measured)
                value[k] = plain(v)
        return value
    if type(value) is list:
        for i, v in enumerate(value):
            if type(v) not in _SCALARS:
                value[i] = plain(v)
        return value
    if isinstance(value, neo4j.graph.Node):
        return {"_labels": sorted(value.labels), **{k: plain(v) for k, v in value.items()}}
    if isinstance(value, neo4j.graph.Relationship):
        return {
            "_type": value.type,
            "_start": value.start_node.get("id") if value.start_node is not None else None,
            "_end": value.end_node.get("id") if value.end_node is not None else None,
            **{k: plain(v) for k, v in value.items()},
        }
    if isinstance(value, neo4j.graph.Path):
        return {"nodes": [plain(n) for n in value.nodes], "relationships": [plain(r) for r in value.relationships]}
    if isinstance(value, list):
        return [v if type(v) in _SCALARS else plain(v) for v in value]
    if isinstance(value, dict):
        return {k: v if type(v) in _SCALARS else plain(v) for k, v in value.items()}
    if hasattr(value, "to_native"):
        return value.to_native()
    return value


class Rows(list[dict[str, Any]]):
    """A batch of parameter rows whose ``repr`` is its size: the driver formats every RUN's parameters for its debug
    log even when nothing logs them (neo4j 6.4), ~14 ms a 10k-row batch: 1.3 s of a city's load (measured)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<{len(self)} rows>"


def batches(rows: Iterable[dict[str, Any]], size: int) -> Iterator[Rows]:
    it = iter(rows)
    while batch := Rows(islice(it, size)):
        yield batch


def translate(exc: Exception, where: str) -> OrgGraphError:
    """A driver exception as an orggraph error with a message a person can act on."""
    if isinstance(exc, neo4j_errors.AuthError):
        return AuthFailed(f"图数据库拒绝了用户名或密码({where})", f"the graph server refused the credentials ({where})")
    if isinstance(exc, (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired, OSError)):
        return StoreUnavailable(f"无法连接图数据库 {where}:{exc}", f"cannot reach the graph server at {where}: {exc}")
    if isinstance(exc, neo4j_errors.Neo4jError):
        msg = (exc.message or str(exc)).splitlines()[0]
        if isinstance(exc, neo4j_errors.Forbidden) or exc.code == "Neo.ClientError.Statement.AccessMode":
            return ReadOnlyViolation(
                f"图数据库拒绝了只读会话中的写操作:{msg}", f"the server refused a write on a read-only session: {msg}"
            )
        return QueryError(f"图数据库拒绝执行语句:{msg}", f"the graph server rejected the statement: {msg}")
    return StoreUnavailable(f"图数据库出错({where}):{exc}", f"graph server error ({where}): {exc}")
