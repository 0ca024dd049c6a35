"""The store as a cluster needs it: every statement that writes runs in a WRITE session or a WRITE-routed query
(a cluster sends those to the leader; ArcadeDB on one server accepts a write in a READ session, so only a record
of the sessions can tell), every session shares the store's bookmarks (read your own writes on any member), and
a ``neo4j://`` address with several seeds reaches the cluster through any of them.

The session's store speaks ``neo4j://`` here (tests/conftest.py): the embedded server routes to itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import neo4j
import pytest

from loaders.fixture import read_fixture
from loaders.ledger_writer import write_ledgers
from orggraph.analysis.whatif import Proposal, what_if
from orggraph.graph.backends import open_store
from orggraph.graph.cypher_text import write_clauses
from orggraph.ingest.load import DEMO_FIXTURE, load_ledgers
from orggraph.model.config import load_settings

AS_OF = dt.date(2026, 6, 15)


@dataclass
class Recorder:
    """What the driver was asked for: (access mode, statement) per statement run, and the bookmark managers."""

    runs: list[tuple[str, str]] = field(default_factory=list)
    managers: set[int] = field(default_factory=set)

    def writes_outside_write_mode(self) -> list[tuple[str, str]]:
        return [(mode, text) for mode, text in self.runs if write_clauses(text) and mode != neo4j.WRITE_ACCESS]


def _record(store: Any, rec: Recorder, monkeypatch: pytest.MonkeyPatch) -> None:
    """Wrap the real driver's entry points on this store (the calls still reach the server)."""
    driver = store.driver
    real_session, real_query = driver.session, driver.execute_query

    def session(**kwargs: Any) -> Any:
        mode = kwargs.get("default_access_mode", neo4j.WRITE_ACCESS)
        rec.managers.add(id(kwargs.get("bookmark_manager")))
        opened = real_session(**kwargs)
        real_begin = opened.begin_transaction

        def begin(*a: Any, **k: Any) -> Any:
            tx = real_begin(*a, **k)
            real_run = tx.run

            def run(text: str, *ra: Any, **rk: Any) -> Any:
                rec.runs.append((mode, text))
                return real_run(text, *ra, **rk)

            tx.run = run
            return tx

        real_write = opened.execute_write

        def execute_write(work: Any, *a: Any, **k: Any) -> Any:
            def recorded(tx: Any, *wa: Any, **wk: Any) -> Any:
                real_run = tx.run

                def run(text: str, *ra: Any, **rk: Any) -> Any:
                    rec.runs.append((mode, text))
                    return real_run(text, *ra, **rk)

                tx.run = run
                return work(tx, *wa, **wk)

            return real_write(recorded, *a, **k)

        opened.begin_transaction, opened.execute_write = begin, execute_write
        return opened

    def execute_query(text: str, *a: Any, **k: Any) -> Any:
        routing = k.get("routing_", neo4j.RoutingControl.WRITE)
        rec.runs.append((neo4j.WRITE_ACCESS if routing == neo4j.RoutingControl.WRITE else neo4j.READ_ACCESS, text))
        rec.managers.add(id(k.get("bookmark_manager_")))
        return real_query(text, *a, **k)

    monkeypatch.setattr(driver, "session", session)
    monkeypatch.setattr(driver, "execute_query", execute_query)


def test_the_session_store_speaks_the_routing_scheme_unless_told_otherwise(session_store):
    import os

    scheme = os.environ.get("ORGGRAPH_EMBEDDED_SCHEME", "neo4j")
    assert session_store.uri.startswith(f"{scheme}://")
    assert isinstance(session_store.driver, neo4j.Neo4jDriver if scheme == "neo4j" else neo4j.BoltDriver)


def test_every_write_runs_in_a_write_session_and_every_session_shares_the_bookmarks(
    clean_store, settings, tmp_path, monkeypatch
):
    with open_store(settings, start=False) as store:
        rec = Recorder()
        _record(store, rec, monkeypatch)
        if store.reader is not None:
            _record(store.reader, rec, monkeypatch)
        write_ledgers(*read_fixture(DEMO_FIXTURE), tmp_path, "xlsx")
        load_ledgers(store, tmp_path)  # the load and its load run
        load_ledgers(store, tmp_path, sync=True)  # a second load: compared with the graph, nothing to write
        proposal = Proposal().add_branch("P-NEW", "新支部", "小区党支部", covers=["K04"])
        what_if(store, proposal, as_of=AS_OF)  # the always-rolled-back scratch write
        store.node_counts()
    assert any(write_clauses(text) for _, text in rec.runs), "nothing was written: the test proves nothing"
    assert any(mode == neo4j.READ_ACCESS for mode, _ in rec.runs)
    assert rec.writes_outside_write_mode() == []
    assert rec.managers == {id(store.bookmarks)}, "a session or query without the store's bookmarks"


def test_a_neo4j_address_with_several_seeds_reaches_the_graph_through_the_first_that_answers(settings, demo_store):
    """The first seed is a closed port: the driver asks the next for the routing table."""
    from orggraph.graph.embedded_server import free_port

    port = demo_store.uri.rsplit(":", 1)[1]
    dead = free_port()
    uri = f"neo4j://127.0.0.1:{dead},127.0.0.1:{port}"
    from orggraph.graph.embedded_server import EmbeddedServer

    server = EmbeddedServer(settings)
    flags = {"backend": "neo4j", "neo4j_uri": uri, "neo4j_user": "root", "neo4j_password": server.password()}
    flags["database"] = settings.embedded_database()
    with open_store(load_settings(flags, environ={})) as store:
        assert store.node_counts()["Compound"] == 4


def test_a_load_over_the_transaction_cap_is_journaled_when_first_and_refused_as_an_update(
    clean_store, settings, tmp_path
):
    """``transaction_rows`` bounds one transaction (a Raft log ceiling): a first load over it is journaled (batches,
    rolled back by emptying the graph), an update over it is refused before anything is written."""
    from orggraph.ingest.load import TransactionTooLarge, write_demo_ledgers
    from orggraph.model.config import load_settings as settings_of

    capped = settings_of({"data_dir": settings.data_dir, "transaction_rows": 50}, environ={})
    first, second = tmp_path / "first", tmp_path / "second"
    write_ledgers(*read_fixture(DEMO_FIXTURE), first, "xlsx")
    write_demo_ledgers("street", 3, second, "xlsx")
    with open_store(capped, start=False) as store:
        assert store.transaction_rows == 50
        assert load_ledgers(store, first).mode == "journaled"
        before = store.node_counts()
        with pytest.raises(TransactionTooLarge, match="transaction cap"):
            load_ledgers(store, second)
        assert store.node_counts() == before


def test_a_server_gone_for_a_whole_retry_window_fails_the_next_steps_at_once(settings):
    """A load whose server died mid-way: the batch waits out the retry window, then the journal's rollback and the
    load record each ask once whether the server is back instead of waiting out windows of their own (a killed
    server's load once took over two minutes to say so)."""
    from socket import socket

    from orggraph.graph.store import BoltStore
    from orggraph.model.errors import StoreUnavailable
    from orggraph.model.schema import load_schema

    with socket() as probe:  # a port nobody answers on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    driver = neo4j.GraphDatabase.driver(f"bolt://127.0.0.1:{port}", auth=("x", "y"), max_transaction_retry_time=0.5)
    store = BoltStore(driver, "orggraph", load_schema(), "arcadedb")
    attempts: list[str] = []
    real_query = driver.execute_query

    def counted(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args[0])
        return real_query(*args, **kwargs)

    driver.execute_query = counted  # type: ignore[method-assign]
    try:
        with pytest.raises(StoreUnavailable):
            store.write("MATCH (n:Street {id: 'S01'}) SET n.name = n.name")
        assert len(attempts) == 1
        with pytest.raises(StoreUnavailable, match=r"127\.0\.0\.1"):
            store.write("MATCH (n:Street {id: 'S01'}) SET n.name = n.name")
        assert len(attempts) == 1, "the second step asked the gone server again instead of failing at once"
    finally:
        driver.close()


def test_a_store_that_saw_its_server_gone_works_again_once_it_is_back(session_store):
    session_store._gone = True  # as after a whole retry window without the server
    try:
        assert session_store.read("RETURN 1 AS n") == [{"n": 1}]
        assert session_store._gone is False
    finally:
        session_store._gone = False
