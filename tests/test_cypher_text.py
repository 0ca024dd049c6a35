"""Write clauses are found in statement text, whatever the case, but not inside strings or comments."""

from __future__ import annotations

import pytest

from orggraph.cypher_text import ensure_read_only, write_clauses
from orggraph.errors import ReadOnlyViolation

READS = [
    "MATCH (n:PartyOrg) RETURN n.name",
    "MATCH (n) WHERE n.name = 'CREATE (x)' RETURN n",
    "MATCH (n) // DELETE n\nRETURN n",
    "MATCH (n) RETURN n.set AS settings, n.created AS c",
    "CALL db.labels() YIELD label RETURN label",
    "MATCH (n) CALL { WITH n RETURN count(*) AS c } RETURN c",
    "MATCH (n) WHERE n.`merge` = $create RETURN n",
    "SHOW CONSTRAINTS",
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
