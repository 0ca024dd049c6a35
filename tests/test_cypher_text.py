"""Write clauses are found in statement text, whatever the case, but not inside strings or comments."""

from __future__ import annotations

import pytest

from orggraph.graph.cypher_text import ensure_read_only, write_clauses
from orggraph.model.errors import ReadOnlyViolation

READS = [
    "MATCH (n:PartyOrg) RETURN n.name",
    "MATCH (n) WHERE n.name = 'CREATE (x)' RETURN n",
    "MATCH (n) // DELETE n\nRETURN n",
    "MATCH (n) RETURN n.set AS settings, n.created AS c",
    "CALL db.labels() YIELD label RETURN label",
    "MATCH (n) CALL { WITH n RETURN count(*) AS c } RETURN c",
    "MATCH (n) WHERE n.`merge` = $create RETURN n",
    "SHOW CONSTRAINTS",
    "RETURN {create: 1, `delete`: 2, merge : 3} AS m",
    "MATCH (n:Create)-[r:MERGE]->(m) RETURN n.set, r.remove, $delete",
    "MATCH (n) WHERE n.name = 'it\\'s a \\\\ CREATE' RETURN n;",
    'MATCH (n) WHERE n.name = "say \\"SET\\" " RETURN n // trailing ; DELETE',
    "MATCH (n)\u00a0RETURN\u3000n.id AS `set`",
    "RETURN duration.between(date('2026-01-01'), date()) AS d, date.truncate('month', date()) AS m",
    "CALL dbms.components() YIELD name RETURN name",
]
WRITES = [
    ("CREATE (n:X)", "CREATE"),
    ("match (n) detach delete n", "DELETE"),
    ("MATCH (n) SET n.x = 1", "SET"),
    ("MERGE (n:X {id: 1})", "MERGE"),
    ("MATCH (n) REMOVE n.x", "REMOVE"),
    ("DROP CONSTRAINT x", "DROP"),
    ("LOAD CSV FROM 'file:///x' AS row RETURN row", "LOAD CSV"),
    ("MATCH (n) FOREACH (x IN [1] | SET n.y = x)", "FOREACH"),
    ("CALL apoc.create.node(['X'], {})", "CALL apoc.create.node"),
    ("UNWIND [1] AS i CALL { CREATE (:X) } IN TRANSACTIONS", "IN TRANSACTIONS"),
    ("CALL `apoc.do.when`(true, 'MATCH (n) DETACH DELETE n', '', {})", "CALL apoc.do.when"),
    ("CALL `apoc`.`merge`.`node`(['X'], {})", "CALL apoc.merge.node"),
    ("RETURN apoc.create.node(['X'], {}) AS n", "apoc.create.node()"),
    ("MATCH (n) RETURN n; MATCH (m) RETURN m", "; 多条语句 several statements"),
    ("MATCH (n)\u3000SET\u00a0n.x = 1", "SET"),
    ("MATCH (n) /* RETURN */ DETACH DELETE n", "DELETE"),
    ("MATCH (n) WHERE n.x = 'a\\'' DELETE n", "DELETE"),
    ("MATCH (n) DEL\u200bETE n", "DELETE"),
    ("CALL db.createLabel('X')", "CALL db.createLabel"),
]


@pytest.mark.parametrize("text", READS)
def test_reads_pass(text):
    assert write_clauses(text) == []
    ensure_read_only(text)


@pytest.mark.parametrize(("text", "clause"), WRITES)
def test_writes_are_refused_in_both_languages(text, clause):
    assert clause in write_clauses(text)
    with pytest.raises(ReadOnlyViolation) as err:
        ensure_read_only(text, "q")
    assert "只读" in err.value.zh and "read-only" in err.value.en
