"""Neo4j's own parser accepts every statement the store can send and every catalogue query.

ArcadeDB accepts some Cypher that Neo4j rejects, so passing on the embedded server proves nothing
about Neo4j; this runs ``@neo4j-cypher/language-support`` (tools/cypher-lint) over all of it.
"""

from __future__ import annotations

import json

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


def _lint(texts: dict[str, str]) -> list[dict]:
    result = run_parser("lint.mjs", texts)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def lint_report() -> list[dict]:
    return _lint(_every_statement())


def test_neo4j_parser_accepts_every_statement_and_query(lint_report):
    assert len(lint_report) >= 150
    problems = {r["id"]: r["errors"] + r["warnings"] for r in lint_report if r["errors"] or r["warnings"]}
    assert problems == {}


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
