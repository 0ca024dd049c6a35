"""Read-only is held twice: the statement check refuses writes through ``orggraph query FILE`` with the graph
unchanged, and reads that merely mention a write word run; the server itself refuses a write on the store's
read-only session when the check is bypassed (the embedded server's read-only database user)."""

from __future__ import annotations

import json
import os

import pytest
from neo4j import RoutingControl
from typer.testing import CliRunner

from orggraph.cli.main import app
from orggraph.graph.backends import open_store
from orggraph.graph.embedded_server import EmbeddedServer
from orggraph.graph.embedded_server_users import READER, server_api
from orggraph.model.config import load_settings
from orggraph.model.errors import ReadOnlyViolation

runner = CliRunner()

DELETE_3 = "MATCH (b:Building) WITH b LIMIT 3 DETACH DELETE b RETURN 1 AS a"
WRITES = {
    "backticked_do_when": f"CALL `apoc.do.when`(true, \"{DELETE_3}\", '', {{}})",
    "backticked_parts": f"CALL `apoc`.`do`.`when`(true, \"{DELETE_3}\", '', {{}}) YIELD value RETURN value",
    "dotted_do_when": f"CALL apoc.do.when(true, '{DELETE_3}', '', {{}}) YIELD value RETURN value",
    "backticked_merge_node": "CALL `apoc.merge.node`(['Street'], {id: 'x1'}) YIELD node RETURN node",
    "merge_node": "CALL apoc.merge.node(['Street'], {id: 'x1'}) YIELD node RETURN node",
    "create_node": "CALL apoc.create.node(['Street'], {id: 'x2'}) YIELD node RETURN node",
    "periodic_iterate": "CALL apoc.periodic.iterate('MATCH (b:Building) RETURN b', 'DETACH DELETE b', {})",
    "cypher_do_it": "CALL apoc.cypher.doIt('MATCH (b:Building) DETACH DELETE b', {}) YIELD value RETURN value",
    "procedure_as_function": "RETURN apoc.create.node(['Street'], {id: 'x3'}) AS n",
    "dbms_kill": "CALL dbms.killQueries(['query-1'])",
    "dbms_set_config": "CALL dbms.setConfigValue('db.logs.query.enabled', 'OFF')",
    "db_create_label": "CALL db.createLabel('Intruder')",
    "create": "CREATE (n:Street {id: 'x4'})",
    "merge_lowercase": "merge (n:Street {id: 'x5'}) return n.id",
    "mixed_case_delete": "MATCH (b:Building) DeTaCh DeLeTe b",
    "set": "MATCH (s:Street) SET s.name = 'x' RETURN s.id",
    "remove": "MATCH (s:Street) REMOVE s.name RETURN s.id",
    "foreach": "MATCH (s:Street) FOREACH (x IN [1] | SET s.name = 'x')",
    "call_subquery": "MATCH (b:Building) CALL { WITH b DETACH DELETE b } RETURN count(*) AS n",
    "call_in_transactions": "MATCH (b:Building) CALL (b) { DETACH DELETE b } IN TRANSACTIONS OF 10 ROWS",
    "union_write_branch": "MATCH (s:Street) RETURN s.id AS id UNION CREATE (n:Street {id: 'x6'}) RETURN n.id AS id",
    "load_csv": "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
    "several_statements": "MATCH (s:Street) RETURN s.id;\nMATCH (b:Building) DETACH DELETE b",
    "nbsp_whitespace": "MATCH\u00a0(b:Building)\u00a0DETACH\u00a0DELETE\u00a0b",
    "ideographic_space": "MATCH\u3000(b:Building)\u3000DETACH\u3000DELETE\u3000b",
    "zero_width_split": "MATCH (b:Building) DETACH DEL\u200bETE b",
    "comment_hides_keyword": "MATCH (b:Building) /* RETURN b */ DETACH DELETE b",
    "comment_line_then_write": "MATCH (b:Building) // only reading\nDETACH DELETE b",
    "string_then_write": "MATCH (b:Building) WHERE b.name <> 'it\\'s /* not a comment' DETACH DELETE b",
    "drop_constraint": "DROP CONSTRAINT street_id IF EXISTS",
    "create_index": "CREATE INDEX intruder IF NOT EXISTS FOR (n:Street) ON (n.name)",
}
READS_WITH_WRITE_WORDS = {
    "map_key": ("RETURN {create: 1} AS m", [{"m": {"create": 1}}]),
    "string": ("RETURN 'DELETE me' AS s", [{"s": "DELETE me"}]),
    "property_named_set": ("MATCH (s:Street) RETURN s.set AS set_value, s.id AS id ORDER BY id LIMIT 1", None),
    "comment_with_merge": ("// MERGE is not run here\nMATCH (s:Street) RETURN count(s) AS n /* CREATE */", None),
    "contains_create": ("MATCH (n) WHERE n.name CONTAINS 'create' RETURN n.id AS id", []),
    "backticked_alias": ("RETURN 1 AS `delete`", [{"delete": 1}]),
    "read_procedure": ("CALL db.labels() YIELD label RETURN count(label) > 0 AS some", [{"some": True}]),
}


def _script(tmp_path, name: str, text: str):
    path = tmp_path / f"{name}.cypher"
    path.write_text(f"// name: {name}\n// zh: 测试\n// en: test\n{text}\n", encoding="utf-8")
    return path


def _counts(store) -> tuple[dict, dict, list]:
    names = store.read("MATCH (s:Street) RETURN s.id AS id, s.name AS name ORDER BY id")
    return store.node_counts(), store.relationship_counts(), names


def test_every_write_attempt_is_refused_through_the_cli_and_changes_nothing(demo_store, cli_env, tmp_path):
    before = _counts(demo_store)
    for name, text in WRITES.items():
        result = runner.invoke(app, ["query", str(_script(tmp_path, name, text))], env=cli_env)
        assert result.exit_code == 2, (name, result.output)
        assert "只读" in result.stderr and "read-only" in result.stderr, (name, result.stderr)
    assert len(WRITES) >= 25
    assert _counts(demo_store) == before


@pytest.mark.parametrize("name", list(READS_WITH_WRITE_WORDS))
def test_reads_with_write_words_run_through_the_cli(demo_store, cli_env, tmp_path, name):
    text, expected = READS_WITH_WRITE_WORDS[name]
    result = runner.invoke(app, ["query", str(_script(tmp_path, name, text)), "--format", "json"], env=cli_env)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    if expected is not None:
        assert rows == expected
    else:
        assert rows


@pytest.mark.parametrize(
    "text",
    [
        "CREATE (n:Street {id: 'x7'})",
        "MERGE (n:Street {id: 'x8'}) RETURN n.id",
        "CREATE (n:Intruder)",
        "MATCH (s:Street) SET s.name = 'x' RETURN s.id",
        "MATCH (b:Building) WITH b LIMIT 1 DETACH DELETE b",
        f"CALL `apoc.do.when`(true, \"{DELETE_3}\", '', {{}})",
        "CALL apoc.merge.node(['Street'], {id: 'x9'}) YIELD node RETURN node",
        "CREATE INDEX intruder IF NOT EXISTS FOR (n:Street) ON (n.name)",
    ],
)
def test_the_server_refuses_a_write_on_the_read_only_session(demo_store, text):
    """The token check is bypassed (``check=False``): the refusal is the server's own, for the reader user."""
    before = _counts(demo_store)
    with pytest.raises(ReadOnlyViolation) as err:
        demo_store.read_only(text, check=False)
    assert "read-only session" in err.value.en and "只读" in err.value.zh
    assert _counts(demo_store) == before


def test_the_same_write_on_the_root_session_is_not_refused_by_arcadedb(clean_store):
    """Why the reader exists: ArcadeDB runs a write sent in a READ transaction by root (the check is all)."""
    clean_store._execute("CREATE (n:Street {id: 'root-write'})", {}, RoutingControl.READ)
    assert clean_store.node_counts()["Street"] == 1


def test_the_read_only_session_reads_and_is_the_reader_user(demo_store):
    assert demo_store.reader is not None and demo_store.reader.driver is not demo_store.driver
    assert demo_store.read_only("MATCH (s:Street) RETURN count(s) AS n", check=False)[0]["n"] > 0
    assert demo_store.read_only("RETURN 1 AS one") == [{"one": 1}]


def test_a_neo4j_reader_user_is_used_for_queries_when_configured(demo_store, settings):
    """The neo4j backend with ``neo4j_reader_user``: queries go to that user (here the embedded server's reader,
    reached as a plain Bolt server), writes stay with the main user."""
    server = EmbeddedServer(settings)
    state = server.status()
    flags = {"backend": "neo4j", "neo4j_uri": state.uri, "neo4j_user": "root", "neo4j_password": server.password()}
    flags |= {"neo4j_reader_user": READER, "neo4j_reader_password": server.reader_password()}
    with open_store(load_settings({**flags, "data_dir": settings.data_dir}, environ={})) as store:
        assert store.reader is not None and store.backend == "neo4j"
        assert store.read_only("MATCH (s:Street) RETURN count(s) AS n")[0]["n"] > 0
        with pytest.raises(ReadOnlyViolation):
            store.read_only("CREATE (n:Street {id: 'neo4j-reader'})", check=False)
    assert demo_store.read("MATCH (s:Street {id: 'neo4j-reader'}) RETURN s.id AS id") == []


def test_a_missing_reader_user_is_created_on_demand(tmp_path):
    """A server started before the reader existed (or whose users file lost it): opening a store creates it. On a
    server of its own: deleting the reader ends every open reader connection (the session's too)."""
    settings = load_settings({"data_dir": tmp_path / "data", "heap": "512m"}, environ={})
    server = EmbeddedServer(settings)
    state, _ = server.start(owner_pid=os.getpid())
    try:
        server_api(state.http_port, server.password(), "DELETE", f"/api/v1/server/users?name={READER}", None, 15.0)
        users = server_api(state.http_port, server.password(), "GET", "/api/v1/server/users", None, 15.0)["result"]
        assert READER not in {u["name"] for u in users}
        with open_store(settings, start=False) as store:
            store.ensure_schema()
            assert store.read_only("MATCH (s:Street) RETURN count(s) AS n")[0]["n"] == 0
            with pytest.raises(ReadOnlyViolation):
                store.read_only("CREATE (n:Street {id: 'on-demand'})", check=False)
            assert store.read("MATCH (s:Street {id: 'on-demand'}) RETURN s.id AS id") == []
        users = server_api(state.http_port, server.password(), "GET", "/api/v1/server/users", None, 15.0)["result"]
        assert {READER: {settings.embedded_database(): ["orggraph_reader"]}} == {
            u["name"]: u["databases"] for u in users if u["name"] == READER
        }
    finally:
        server.stop()
