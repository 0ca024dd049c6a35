"""Neo4j's own parser accepts every statement the store can send and every catalogue query.

ArcadeDB accepts some Cypher that Neo4j rejects, so passing on the embedded server proves nothing
about Neo4j; this runs ``@neo4j-cypher/language-support`` (tools/cypher-lint) over all of it.

Most of the ~1,000 statements are one statement written for each label or relationship type of the schema
(``MERGE (n:Street {id: row.id})`` … ``MERGE (n:Compound {id: row.id})``). Analysed without a database schema, as
here, a label or type is a name like any other: statements that differ only in which of the schema's names stand
in those places get the same verdict. One of each such family is analysed (~190; the semantic analysis costs
~0.1 s a statement, most of this module's time) and its verdict holds for the family, each member named.
"""

from __future__ import annotations

import json
import re

import pytest
from cypher_parser import run_parser

from orggraph.analysis import coverage, linkage
from orggraph.analysis.query_catalogue import load_catalogue
from orggraph.graph.cypher_text import READ_PROCEDURES, procedure_calls
from orggraph.graph.statements import all_statements
from orggraph.model.schema import load_schema


def _every_statement() -> dict[str, str]:
    texts = dict(all_statements(load_schema()))
    texts.update({f"query:{q.name}": q.text for q in load_catalogue().values()})
    texts.update(coverage.lint_statements())
    texts.update(linkage.linkage_statements())
    return texts


def families(texts: dict[str, str]) -> dict[str, list[str]]:
    """The statements' ids grouped by their text with every schema label and relationship type in a label or type
    position (after ``:`` or ``|``) written as one name, and a constraint's or an index's own name too (its third
    word: ``statements.ddl_name``); the first id of each group stands for it."""
    schema = load_schema()
    names = sorted({*schema.nodes, *schema.relationships}, key=len, reverse=True)
    assert all(re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", n) for n in names), "a schema name that is not a plain one"
    position = re.compile(r"(?<=[:|])(" + "|".join(names) + r")\b")
    ddl_name = re.compile(r"^(CREATE (?:CONSTRAINT|INDEX)) [a-z][a-z0-9_]*(?= IF NOT EXISTS )")
    groups: dict[str, list[str]] = {}
    for key, text in texts.items():
        groups.setdefault(ddl_name.sub(r"\1 name", position.sub("Label", text)), []).append(key)
    return {ids[0]: ids for ids in groups.values()}


def _lint(texts: dict[str, str]) -> list[dict]:
    result = run_parser("lint.mjs", texts)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def lint_report() -> list[dict]:
    """Every statement's verdict: its family's (``families``), under its own id."""
    texts = _every_statement()
    family = families(texts)
    analysed = {r["id"]: r for r in _lint({first: texts[first] for first in family})}
    return [{**analysed[first], "id": key} for first, ids in family.items() for key in ids]


def test_neo4j_parser_accepts_every_statement_and_query(lint_report):
    assert len(lint_report) == len(_every_statement()) >= 900
    problems = {r["id"]: r["errors"] + r["warnings"] for r in lint_report if r["errors"] or r["warnings"]}
    assert problems == {}


def test_a_family_differs_only_in_schema_names_and_anything_else_is_analysed_on_its_own():
    texts = {
        "street": "MATCH (n:Street {id: $id})-[:PART_OF]->(d:District) RETURN d.name",
        "compound": "MATCH (n:Compound {id: $id})-[:PART_OF]->(d:Grid) RETURN d.name",
        "unknown_label": "MATCH (n:NotInSchema {id: $id})-[:PART_OF]->(d:District) RETURN d.name",
        "other_variable": "MATCH (m:Street {id: $id})-[:PART_OF]->(d:District) RETURN d.name",
        "broken": "MATCH (n:Street {id: $id}-[:PART_OF]->(d:District) RETURN d.name",
        "street_id": "CREATE CONSTRAINT street_id_unique IF NOT EXISTS FOR (n:Street) REQUIRE n.id IS UNIQUE",
        "grid_id": "CREATE CONSTRAINT grid_id_unique IF NOT EXISTS FOR (n:Grid) REQUIRE n.id IS UNIQUE",
        "grid_name": "CREATE CONSTRAINT grid_name_unique IF NOT EXISTS FOR (n:Grid) REQUIRE n.name IS UNIQUE",
        "bad_name": "CREATE CONSTRAINT street-id IF NOT EXISTS FOR (n:Street) REQUIRE n.id IS UNIQUE",
    }
    assert sorted(families(texts).values()) == [
        ["bad_name"],
        ["broken"],
        ["grid_name"],
        ["other_variable"],
        ["street", "compound"],
        ["street_id", "grid_id"],
        ["unknown_label"],
    ]


def test_the_parser_really_rejects_what_neo4j_rejects():
    report = _lint(
        {
            "arcadedb_sql": "SELECT FROM Street",
            "typo": "MATCH (n RETURN n",
            "old_constraint": "CREATE CONSTRAINT ON (n:Street) ASSERT n.id IS UNIQUE",
        }
    )
    assert all(r["errors"] for r in report), report


def test_no_procedure_outside_neo4j_builtins():
    calls = {name.lower() for text in _every_statement().values() for name in procedure_calls(text)}
    assert calls <= READ_PROCEDURES
