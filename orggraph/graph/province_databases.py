"""One database per province: the databases made ready, and every province's store opened together.

The settings map each province (any group of top-level areas) to a database (``Settings.provinces``). On the
embedded server every province is a database of the one server: ArcadeDB creates one on root's command over
HTTP (``POST /api/v1/server {"command": "create database NAME"}``; 409 when it exists, measured on 26.10.2), and
the read-only user is given its group on each (groups are per database; the user's database list is replaced
whole, so it is written with every database at once). On Neo4j a database is made by its administrator
(``CREATE DATABASE`` on the ``system`` database, Enterprise only; Community has exactly one database, so there a
province needs a server of its own, named by its ``uri``): orggraph checks that each one answers and says which
does not.
"""

from __future__ import annotations

import urllib.error
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from orggraph.graph.backends import open_store
from orggraph.graph.embedded_server import EmbeddedServer
from orggraph.graph.embedded_server_users import READER, READER_GROUP, server_api
from orggraph.graph.store import BoltStore
from orggraph.model.config import Settings
from orggraph.model.errors import OrgGraphError, ServerError, StoreUnavailable

TIMEOUT_S = 15.0
NEO4J_HINT = (
    "。Neo4j 企业版:由管理员在 system 数据库上执行 CREATE DATABASE 建立;"
    "社区版只有一个数据库,每个省需一台自己的服务器(uri)",
    ". Neo4j Enterprise: an administrator creates it (CREATE DATABASE on the system database); Community has one "
    "database, so each province needs a server of its own (its uri)",
)


def province_names(settings: Settings) -> dict[str, str]:
    """Each province's key → how it is shown (its name, else its key)."""
    return {key: p.name or key for key, p in settings.provinces.items()}


def ensure_databases(settings: Settings) -> list[str]:
    """Make every province's database ready; returns the databases this call created (embedded server only)."""
    if settings.backend != "embedded":
        return []
    server = EmbeddedServer(settings)
    state = server.status()
    if state is None:
        raise StoreUnavailable(
            "嵌入式服务器未运行(orggraph db start)", "the embedded server is not running (orggraph db start)"
        )
    wanted = [p.database for p in settings.provinces.values()]
    try:
        answer = server_api(state.http_port, server.password(), "GET", "/api/v1/databases", None, TIMEOUT_S)
        held = set(answer["result"])
        created = [name for name in wanted if name not in held]
        for name in created:
            command = {"command": f"create database {name}"}  # the name is checked in the settings: plain words
            server_api(state.http_port, server.password(), "POST", "/api/v1/server", command, TIMEOUT_S)
        _share_reader(settings, server, state.http_port, [settings.embedded_database(), *wanted])
    except (urllib.error.URLError, OSError, ValueError, KeyError) as exc:
        detail = exc.read().decode(errors="replace")[:300] if isinstance(exc, urllib.error.HTTPError) else str(exc)
        raise ServerError(
            f"无法在嵌入式服务器上建立各省数据库:{detail}", f"cannot set up the provinces' databases: {detail}"
        ) from exc
    return created


def _share_reader(settings: Settings, server: EmbeddedServer, port: int, databases: list[str]) -> None:
    """The read-only user reads every province's database (``readRecord`` on each, nothing more). Only what is
    missing is written, and the user without its password: a user written with one ends every open connection of
    it ("The credentials of this connection are no longer valid", measured on 26.10.2), the app's among them."""
    password = server.password()
    groups = server_api(port, password, "GET", "/api/v1/server/groups", None, TIMEOUT_S)["result"]["databases"]
    for name in databases:
        if READER_GROUP not in groups.get(name, {}).get("groups", {}):
            group = {"database": name, "name": READER_GROUP, "access": [], "resultSetLimit": -1, "readTimeout": -1}
            group["types"] = {"*": {"access": ["readRecord"]}}
            server_api(port, password, "POST", "/api/v1/server/groups", group, TIMEOUT_S)
    users = server_api(port, password, "GET", "/api/v1/server/users", None, TIMEOUT_S)["result"]
    held: dict[str, list[str]] = next((u.get("databases", {}) for u in users if u.get("name") == READER), {})
    if any(READER_GROUP not in held.get(name, []) for name in databases):
        update = {"databases": {**held, **{name: [READER_GROUP] for name in databases}}}
        server_api(port, password, "PUT", f"/api/v1/server/users?name={READER}", update, TIMEOUT_S)


@contextmanager
def open_provinces(
    settings: Settings, start: bool = True, created: list[str] | None = None
) -> Iterator[dict[str, BoltStore]]:
    """Every province's store (key → store, in the settings' order), opened together and closed together; the
    databases created on the way are added to ``created``.

    On the embedded server the default database's store is opened first and closed last: when it started the
    server for this command alone, the server stops after every province's store has closed."""
    with ExitStack() as stack:
        if settings.backend == "embedded":
            stack.enter_context(open_store(settings, start))
            made = ensure_databases(settings)
            if created is not None:
                created += made
        stores: dict[str, BoltStore] = {}
        for key, province in settings.provinces.items():
            try:
                stores[key] = stack.enter_context(open_store(settings.for_province(key), start=False))
            except OrgGraphError as exc:
                zh, en = NEO4J_HINT if settings.backend == "neo4j" else ("", "")
                raise ServerError(
                    f"省份 {key} 的数据库 {province.database} 无法打开:{exc.zh}{zh}",
                    f"the database {province.database} of province {key} cannot be opened: {exc.en}{en}",
                ) from exc
        yield stores
