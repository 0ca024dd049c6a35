"""The graph store: one Bolt client over the official neo4j driver, for ArcadeDB and Neo4j alike.

Writes are parameterised ``UNWIND`` batches in managed write transactions (the driver retries
transient failures); reads run in read transactions routed as reads and come back as plain Python
values, so nothing above this module knows which server answered.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

import neo4j
from neo4j import GraphDatabase, RoutingControl
from neo4j import exceptions as neo4j_errors

from orggraph.graph import statements
from orggraph.graph.bolt import (
    DRIVER_CONFIG,
    RETRY_S,
    SERVER_FILTER,
    batches,
    plain,
    retried,
    seed_addresses,
    translate,
)
from orggraph.graph.cypher_text import ensure_read_only
from orggraph.model.errors import (
    LoadInProgress,
    OrgGraphError,
    SchemaError,
    StoreUnavailable,
)
from orggraph.model.records import EdgeRecord, NodeRecord
from orggraph.model.schema import Schema

DEFAULT_BATCH = 10_000


class ReadGate(Protocol):
    """What stands before every read (``orggraph.graph.load_runs.ReadGate``): no answer on half a load."""

    def before(self, fresh: bool = False) -> int: ...

    def after(self, token: int) -> bool: ...


class BoltStore:
    """A graph behind Bolt. Build it with :func:`orggraph.graph.backends.open_store`, which sets its read gate: every
    read (``read``, the counts, ``scratch``) passes it, so none answers on a load that is half written."""

    def __init__(
        self,
        driver: neo4j.Driver,
        database: str,
        schema: Schema,
        backend: str,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        self.driver, self.database, self.schema, self.backend = driver, database, schema, backend
        self._on_close = on_close
        self.reader: BoltStore | None = None  # the same graph as a user the server keeps from writing
        self.gate: ReadGate | None = None
        self.home_database = False  # whether ``database`` is the server's home database (none was configured)
        self.uri = ""  # where the server answers: with ``database``, which graph this is
        # every session and query of this store (and of its reader, ``share_bookmarks``) waits for the writes it
        # has seen: a read right after a load answers on the load, whichever cluster member serves it
        self.bookmarks = GraphDatabase.bookmark_manager()
        self.transaction_rows = 200_000  # the most rows one load writes in one transaction (Settings.transaction_rows)
        self._gone = False  # the server stayed unreachable through a whole retry window (see ``_translated``)

    @classmethod
    def connect(
        cls,
        uri: str,
        auth: tuple[str, str],
        database: str | None,
        schema: Schema,
        backend: str,
        timeout_s: float = 5.0,
        on_close: Callable[[], None] | None = None,
    ) -> BoltStore:
        """``database`` None: the server's home database, resolved here (``database`` then names it and
        ``home_database`` is True). Server notifications (hints, deprecations, "null value eliminated") are not
        asked for where the protocol can say so (Neo4j, Bolt 5.2+) and never logged: they are not the user's."""
        first, seeds = seed_addresses(uri)
        try:
            config = {**DRIVER_CONFIG, **SERVER_FILTER.get(backend, {})}
            if seeds:  # neo4j://a:7687,b:7687: the driver asks the first, then the others, for the routing table
                config["resolver"] = lambda address: [address, *seeds]
            driver = GraphDatabase.driver(first, auth=auth, **config, connection_timeout=timeout_s)
        except (ValueError, neo4j_errors.ConfigurationError) as exc:
            raise StoreUnavailable(f"图数据库地址无效:{uri}", f"invalid graph server address: {uri} ({exc})") from exc
        store = cls(driver, database or "", schema, backend, on_close)
        store.uri = uri
        store.home_database = database is None
        try:
            driver.verify_connectivity()
            if database is None:
                store.database = store._home_database()
            store.ping()
        except OrgGraphError:
            driver.close()
            raise
        except Exception as exc:
            driver.close()
            raise translate(exc, uri) from exc
        return store

    def close(self) -> None:
        if self.reader is not None:
            self.reader.close()
        self.driver.close()
        if self._on_close:
            self._on_close()

    def __enter__(self) -> BoltStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _translated(self) -> Iterator[None]:
        """Driver and server errors as orggraph errors, in words. A server gone through a whole retry window is
        asked once whether it is back before the next step, which would wait out a window of its own (a load whose
        server died: its batch, the journal's rollback and the load record each did)."""
        try:
            if self._gone:
                self.driver.verify_connectivity()
            yield
        except (neo4j_errors.DriverError, neo4j_errors.Neo4jError) as exc:
            self._gone = isinstance(exc, neo4j_errors.ServiceUnavailable)
            raise translate(exc, self.backend) from exc
        self._gone = False

    def share_bookmarks(self, other: BoltStore) -> None:
        """``other`` (the same graph as another user) reads after this store's writes and this after its own."""
        other.bookmarks = self.bookmarks

    def session(self, access: str) -> neo4j.Session:
        """A session of this store: its database, its bookmarks, and the access mode said out loud (a cluster
        sends a WRITE session to the leader; a write in a READ session is refused, never forwarded)."""
        return self.driver.session(database=self.database, default_access_mode=access, bookmark_manager=self.bookmarks)

    # --- reading -----------------------------------------------------------------------------
    def _execute(self, statement: str, params: dict[str, Any], routing: RoutingControl) -> list[dict[str, Any]]:
        with self._translated():
            records, _, keys = self.driver.execute_query(
                statement, params, database_=self.database, routing_=routing, bookmark_manager_=self.bookmarks
            )
        return [{k: plain(v) for k, v in zip(keys, r.values(), strict=True)} for r in records]

    def read(
        self, statement: str, params: dict[str, Any] | None = None, name: str = "", *, shape: str = ""
    ) -> list[dict[str, Any]]:
        """Run a read-only statement (checked before sending) and return rows of plain values. (``shape``: how an
        area scope cuts the answer, ``area_scope``; here the whole graph.) From orggraph's own code, only a statement
        of the registry (``statements.vet``)."""
        statements.vet(statement)
        return self._checked_read(statement, params, name)

    def _checked_read(self, statement: str, params: dict[str, Any] | None, name: str) -> list[dict[str, Any]]:
        ensure_read_only(statement, name)
        return self._gated(statement, params or {})

    def load_token(self, fresh: bool = False) -> int:
        """How many loads the graph has seen (≤ 0.25 s old, or asked now if ``fresh``); raises LoadInProgress while a
        journaled load is open. Equal before and after several reads: no load landed between them."""
        return self.gate.before(fresh) if self.gate else 0

    def read_ungated(self, statement: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """A read of the load history itself (``LoadRun``), which the gate consults: never gated."""
        statements.vet(statement)
        ensure_read_only(statement, "load_runs")
        return self._execute(statement, params or {}, RoutingControl.READ)

    def _gated(self, statement: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        """A read between the gate's two checks; read again if a load began and ended while it ran."""
        if self.gate is None:
            return self._execute(statement, params, RoutingControl.READ)
        for _ in range(3):
            token = self.gate.before()
            rows = self._execute(statement, params, RoutingControl.READ)
            if self.gate.after(token):
                return rows
        raise LoadInProgress()

    def read_only(
        self,
        statement: str,
        params: dict[str, Any] | None = None,
        name: str = "",
        check: bool = True,
        *,
        shape: str = "",
        catalogue: bool = False,
    ) -> list[dict[str, Any]]:
        """A user-written or catalogue statement, on a session the server itself keeps from writing. (``shape``
        and ``catalogue`` say how an area scope cuts the answer: ``area_scope.ScopedStore``; here the whole graph.)

        On the embedded server that is the read-only database user (``embedded_server_users``), whose rights
        ArcadeDB enforces; on Neo4j, READ access mode (``routing_=READ``), which Neo4j enforces. The statement
        check runs first unless ``check`` is False (for tests proving the server's own refusal).
        """
        target = self.reader or self
        if self.reader is not None:
            self.reader.gate = getattr(self, "gate", None)  # the reader answers under this store's load gate
        if not check:
            return target._execute(statement, params or {}, RoutingControl.READ)
        return target._checked_read(statement, params, name)

    def _home_database(self) -> str:
        with self._translated():
            _, summary, _ = self.driver.execute_query(statements.PING, routing_=RoutingControl.READ)
        return summary.database or ""

    def ping(self) -> None:
        self._execute(statements.PING, {}, RoutingControl.READ)

    def server_info(self) -> dict[str, str]:
        with self._translated():
            info = self.driver.get_server_info()
        return {
            "backend": self.backend,
            "agent": info.agent,
            "address": str(info.address),
            "protocol": ".".join(map(str, info.protocol_version)),
            "database": self.database + (" (服务器默认 the server's home database)" if self.home_database else ""),
        }

    def node_counts(self) -> dict[str, int]:
        """Nodes per schema label (every label, zeros included)."""
        return {
            label: self._gated(statements.count_nodes(self.schema, label), {})[0]["n"] for label in self.schema.nodes
        }

    def relationship_counts(self) -> dict[str, int]:
        return {
            t: self._gated(statements.count_relationships(self.schema, t), {})[0]["n"]
            for t in self.schema.relationships
        }

    # --- writing -----------------------------------------------------------------------------
    def ensure_schema(self) -> list[str]:
        """Create the constraints and indexes the schema declares that the server lacks (by name); returns
        the DDL sent. Two reads instead of ~40 idempotent writes on every load."""
        present = {
            row.get("name")
            for query in (statements.SHOW_CONSTRAINTS, statements.SHOW_INDEXES)
            for row in self._execute(query, {}, RoutingControl.READ)
        }
        ddl = [s for s in statements.schema_ddl(self.schema) if statements.ddl_name(s) not in present]
        for statement in ddl:
            self._execute(statement, {}, RoutingControl.WRITE)
        return ddl

    def _writebatches(
        self,
        statement: str,
        rows: Iterable[dict[str, Any]],
        batch_size: int,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        statements.vet(statement)

        def work(tx: neo4j.ManagedTransaction, batch: list[dict[str, Any]]) -> None:
            tx.run(statement, rows=batch).consume()

        written = 0
        with self._translated(), self.session(neo4j.WRITE_ACCESS) as session:
            for batch in batches(rows, batch_size):
                session.execute_write(work, batch)
                written += len(batch)
                if progress:
                    progress(len(batch))
        return written

    def _checked_props(self, allowed: frozenset[str], props: dict[str, Any], what: str) -> dict[str, Any]:
        unknown = props.keys() - allowed
        if unknown:
            names = ", ".join(sorted(unknown))
            raise SchemaError(f"{what} 没有属性 {names}(模型未声明)", f"{what} has no property {names} in the schema")
        return props

    def node_work(self, records: Iterable[NodeRecord]) -> list[tuple[str, list[dict[str, Any]]]]:
        """Upsert statements and their rows for some nodes, properties checked against the schema."""
        by_label: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for rec in records:
            allowed = self.schema.node_property_names(rec.label)
            by_label[rec.label].append(
                {"id": rec.id, "props": self._checked_props(allowed, rec.properties(), rec.label)}
            )
        return [(statements.upsert_nodes(self.schema, label), rows) for label, rows in by_label.items()]

    def edge_work(self, records: Iterable[EdgeRecord]) -> list[tuple[str, list[dict[str, Any]]]]:
        """Upsert statements and their rows for some relationships (endpoints checked by the schema)."""
        groups: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
        for rec in records:
            allowed = self.schema.relationship_property_names(rec.type)
            props = self._checked_props(allowed, rec.properties(), rec.type)
            groups[(rec.type, rec.src_label, rec.dst_label)].append(
                {"src": rec.src_id, "dst": rec.dst_id, "props": props}
            )
        return [(statements.upsert_edges(self.schema, *key), rows) for key, rows in groups.items()]

    def write_nodes(self, records: Iterable[NodeRecord], batch_size: int = DEFAULT_BATCH) -> int:
        """Merge nodes by (label, id); properties given overwrite, others stay. Returns rows written."""
        return sum(self._writebatches(st, rows, batch_size) for st, rows in self.node_work(records))

    def write_edges(self, records: Iterable[EdgeRecord], batch_size: int = DEFAULT_BATCH) -> int:
        """Merge relationships by (type, source node, target node); endpoints must already exist."""
        return sum(self._writebatches(st, rows, batch_size) for st, rows in self.edge_work(records))

    @contextmanager
    def scratch(self, work: list[tuple[str, list[dict[str, Any]]]]) -> Iterator[Callable[..., list[dict[str, Any]]]]:
        """Apply some writes in a transaction that is always rolled back and yield a read function that
        sees them: what-if questions get the real queries' answers, and nothing is ever committed."""
        token = self.gate.before(fresh=True) if self.gate else 0  # not a count from before a load that just ended
        for statement, _ in work:
            statements.vet(statement)
        with self._translated(), self.session(neo4j.WRITE_ACCESS) as session:  # a scratch write: on the leader
            tx = session.begin_transaction()
            try:
                for statement, rows in work:
                    tx.run(statement, rows=rows).consume()

                def read(statement: str, params: dict[str, Any] | None = None, name: str = "") -> list[dict[str, Any]]:
                    statements.vet(statement)
                    ensure_read_only(statement, name)
                    result = tx.run(statement, params or {})
                    keys = result.keys()
                    rows = [{k: plain(v) for k, v in zip(keys, r.values(), strict=True)} for r in result]
                    if self.gate and not self.gate.after(token):
                        raise LoadInProgress()
                    return rows

                yield read
            finally:
                tx.rollback()

    def write(self, statement: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """One write statement in its own (retried) transaction."""
        statements.vet(statement)
        return self._execute(statement, params or {}, RoutingControl.WRITE)

    def write_atomically(
        self,
        work: list[tuple[str, list[dict[str, Any]]]],
        batch_size: int = DEFAULT_BATCH,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Every batch of every statement in ONE transaction: all of it becomes visible, or none.

        A killed client or server leaves nothing behind (the server drops an uncommitted transaction).
        Memory on the server grows with the transaction: ~1 GB per 200k nodes on ArcadeDB (measured).
        """
        for statement, _ in work:
            statements.vet(statement)

        def attempt() -> int:
            written = 0
            with self.session(neo4j.WRITE_ACCESS) as session, session.begin_transaction() as tx:
                for statement, rows in work:
                    for batch in batches(rows, batch_size):
                        tx.run(statement, rows=batch).consume()
                        written += len(batch)
                        if progress:
                            progress(len(batch))
                tx.commit()
            return written

        with self._translated():  # a leader change mid-load: the whole transaction again (nothing of it stayed)
            return retried(attempt, RETRY_S)

    def write_batched(
        self,
        work: Iterable[tuple[str, list[dict[str, Any]]]],
        batch_size: int = DEFAULT_BATCH,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Each batch its own managed (retried) transaction (a journaled first load's; ``work`` made as it goes)."""
        return sum(self._writebatches(statement, rows, batch_size, progress) for statement, rows in work)

    def clear_data(self, batch: int = 20_000) -> int:
        """Delete every node but the load history, in batches; returns how many were deleted."""
        total = 0
        while deleted := self._execute(statements.DELETE_DATA_BATCH, {"limit": batch}, RoutingControl.WRITE)[0][
            "deleted"
        ]:
            total += deleted
        return total

    def clear(self, batch: int = 20_000) -> None:
        """Delete every node and relationship, in batches (used by tests and `demo --replace`)."""
        while self._execute(statements.DELETE_ALL_BATCH, {"limit": batch}, RoutingControl.WRITE)[0]["deleted"]:
            pass
