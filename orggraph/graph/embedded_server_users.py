"""The embedded ArcadeDB server's read-only database user, kept through the server's own security API.

ArcadeDB keeps server users in ``<root>/config/server-users.jsonl`` (name, PBKDF2 password hash, and
the groups each user holds per database) and groups in ``<root>/config/server-groups.json`` (per
database: server-level ``access`` such as ``updateSchema``, and per-type record rights
``createRecord`` / ``readRecord`` / ``updateRecord`` / ``deleteRecord``). Both are managed by root
over HTTP: ``POST /api/v1/server/groups`` creates or replaces a group, ``POST /api/v1/server/users``
creates a user (409 when it exists), ``PUT /api/v1/server/users?name=…`` changes its password and
databases (read from the server jar's OpenAPI spec, ``SecurityAdminApiSpec``, and tried on 26.10.2).

The reader holds one group on orggraph's database with ``readRecord`` on every type and nothing else.
Measured over Bolt on 26.10.2, as that user: ``CREATE``/``MERGE`` of a known label are refused ("not
allowed to create records on type"), of a new label ("not allowed to update schema"), ``SET`` and
``DETACH DELETE`` are refused, ``CALL apoc.do.when`` / ``apoc.merge.node`` wrapping writes are refused,
index and constraint DDL are refused; reads, ``db.labels()`` and ``dbms.components()`` run.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from typing import Any

from orggraph.model.errors import ServerError

READER = "orggraph_reader"
READER_GROUP = "orggraph_reader"


def server_api(
    port: int, root_password: str, method: str, path: str, body: dict[str, Any] | None, timeout_s: float
) -> Any:
    """One call to the server's HTTP API as root; the JSON answer (an HTTP error status raises HTTPError)."""
    token = base64.b64encode(f"root:{root_password}".encode()).decode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Basic {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=timeout_s) as response:
        return json.loads(response.read() or b"{}")


def ensure_reader(
    http_port: int, root_password: str, database: str, reader_password: str, timeout_s: float = 15.0
) -> None:
    """Create or refresh the read-only group and user on ``database`` (idempotent; the password is reset to
    ``reader_password``, so a regenerated password file takes effect)."""
    group = {"database": database, "name": READER_GROUP, "access": [], "resultSetLimit": -1, "readTimeout": -1}
    group["types"] = {"*": {"access": ["readRecord"]}}
    user = {"password": reader_password, "databases": {database: [READER_GROUP]}}
    try:
        server_api(http_port, root_password, "POST", "/api/v1/server/groups", group, timeout_s)
        try:
            server_api(http_port, root_password, "POST", "/api/v1/server/users", {"name": READER, **user}, timeout_s)
        except urllib.error.HTTPError as exc:
            if exc.code != 409:  # 409: the user exists; its password and rights are set below
                raise
            server_api(http_port, root_password, "PUT", f"/api/v1/server/users?name={READER}", user, timeout_s)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        detail = exc.read().decode(errors="replace")[:300] if isinstance(exc, urllib.error.HTTPError) else str(exc)
        raise ServerError(
            f"无法在嵌入式服务器上建立只读用户 {READER}:{detail}",
            f"cannot set up the read-only user {READER} on the embedded server: {detail}",
        ) from exc
