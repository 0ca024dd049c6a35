"""Open the store the settings ask for: the embedded ArcadeDB server or a user's Neo4j.

The registry names the valid backends, so a wrong name is answered with the list of right ones.
"""

from __future__ import annotations

from collections.abc import Callable

from orggraph.graph import load_runs
from orggraph.graph.embedded_server import EmbeddedServer, ServerState
from orggraph.graph.embedded_server_users import READER
from orggraph.graph.store import BoltStore
from orggraph.model.config import BACKENDS, Settings
from orggraph.model.errors import AuthFailed, ConfigError, StoreUnavailable
from orggraph.model.schema import load_schema


def _open_embedded(settings: Settings, start: bool, owner_pid: int) -> BoltStore:
    server = EmbeddedServer(settings)
    state = server.status()
    if state is None:
        if not start:
            raise StoreUnavailable(
                "嵌入式服务器未运行(orggraph db start)", "the embedded server is not running (orggraph db start)"
            )
        state, started = server.start(owner_pid=owner_pid)
        if started and not owner_pid:  # started only for this command: it ends with it

            def stop() -> None:  # the store closing has no use for whether there was a server to stop
                server.stop()

            return _connect_embedded(settings, server, state, on_close=stop)
    return _connect_embedded(settings, server, state)


def _connect_embedded(
    settings: Settings, server: EmbeddedServer, state: ServerState, on_close: Callable[[], None] | None = None
) -> BoltStore:
    try:
        store = BoltStore.connect(
            embedded_uri(settings, state),
            ("root", server.password()),
            settings.embedded_database(),
            load_schema(),
            backend="embedded",
            timeout_s=settings.connect_timeout_s,
            on_close=on_close,
        )
    except Exception:
        if on_close:
            on_close()
        raise
    try:
        store.reader = _connect_reader(settings, server, state)
    except Exception:
        store.close()
        raise
    store.share_bookmarks(store.reader)
    return store


def embedded_uri(settings: Settings, state: ServerState) -> str:
    """The embedded server's address in the scheme the settings ask for: ``neo4j://`` (routing: the server
    answers the routing table with itself, as a one-member cluster) or ``bolt://`` (direct)."""
    return f"{settings.embedded_scheme}://127.0.0.1:{state.bolt_port}"


def _connect_reader(settings: Settings, server: EmbeddedServer, state: ServerState) -> BoltStore:
    """The same graph as the read-only database user; created on demand when a server started before it
    existed refuses the credentials (every start creates it)."""

    def connect() -> BoltStore:
        auth = (READER, server.reader_password())
        return BoltStore.connect(
            embedded_uri(settings, state),
            auth,
            settings.embedded_database(),
            load_schema(),
            backend="embedded",
            timeout_s=settings.connect_timeout_s,
        )

    try:
        return connect()
    except AuthFailed:
        server.ensure_reader(state)
    return connect()


def _open_neo4j(settings: Settings, start: bool, owner_pid: int) -> BoltStore:
    """The user's Neo4j; saved and user-written queries run in READ access mode (Neo4j refuses a write there)
    and, when ``neo4j_reader_user`` is set, as that user (the reader role, on editions that have roles)."""

    def connect(user: str, password: str) -> BoltStore:
        return BoltStore.connect(
            settings.neo4j_uri,
            (user, password),
            settings.database,
            load_schema(),
            backend="neo4j",
            timeout_s=settings.connect_timeout_s,
        )

    store = connect(settings.neo4j_user, settings.neo4j_password)
    if settings.neo4j_reader_user:
        try:
            store.reader = connect(settings.neo4j_reader_user, settings.neo4j_reader_password)
        except Exception:
            store.close()
            raise
        store.share_bookmarks(store.reader)
    return store


OPENERS: dict[str, Callable[[Settings, bool, int], BoltStore]] = {"embedded": _open_embedded, "neo4j": _open_neo4j}
assert set(OPENERS) == set(BACKENDS)


def open_store(settings: Settings, start: bool = True, owner_pid: int | None = None) -> BoltStore:
    """Connect to the configured graph; the embedded server is started on demand when ``start``.

    An embedded server that was not running is started for this store alone and stopped when the store is
    closed, unless ``owner_pid`` names a process whose end should stop it instead (``serve``, the test session).
    A server already running (``orggraph db start``) is reused and left running.
    """
    opener = OPENERS.get(settings.backend)
    if opener is None:
        raise ConfigError(
            f"未知的存储后端 '{settings.backend}'", f"unknown backend '{settings.backend}'; valid: {', '.join(OPENERS)}"
        )
    owner = owner_pid or 0
    store = opener(settings, start, owner)
    store.gate = load_runs.ReadGate(store, settings.load_stale_after_s)  # no read answers on a half-written load
    store.transaction_rows = settings.transaction_rows
    try:
        load_runs.recover(store)  # a cut-off load is rolled back before anyone reads
    except Exception:
        store.close()
        raise
    return store
