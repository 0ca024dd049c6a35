"""orggraph's read-only check (no Node at run time) agrees with Neo4j's own parser on every statement the tests
try: tools/cypher-lint/classify.mjs reports the clauses, procedures, functions and statements Neo4j's grammar
finds, and a statement writes by Neo4j's reading exactly when ``write_clauses`` finds something."""

from __future__ import annotations

import json

import test_cypher_text
import test_read_only
from cypher_parser import run_parser

from orggraph.analysis.query_catalogue import load_catalogue
from orggraph.graph.cypher_text import READ_FUNCTION_NAMESPACES, READ_FUNCTIONS, READ_PROCEDURES, write_clauses

WRITE_RULES = frozenset(
    {"createClause", "insertClause", "mergeClause", "setClause", "removeClause", "deleteClause", "foreachClause"}
    | {"loadCSVClause", "subqueryInTransactionsParameters", "useClause", "createCommand", "alterCommand"}
    | {"dropCommand", "terminateCommand", "terminateTransactions", "renameCommand", "grantCommand", "denyCommand"}
    | {"revokeCommand", "enableServerCommand", "allocationCommand"}
)


def _classify(texts: dict[str, str]) -> dict[str, dict]:
    result = run_parser("classify.mjs", texts, timeout=300)
    assert result.returncode == 0, result.stderr
    return {r["id"]: r for r in json.loads(result.stdout)}


def _function_reads(name: str) -> bool:
    lowered = name.replace("`", "").lower()
    return "." not in lowered or lowered in READ_FUNCTIONS or lowered.rsplit(".", 1)[0] in READ_FUNCTION_NAMESPACES


def neo4j_says_it_writes(report: dict) -> bool:
    """Several statements, a write clause or admin command, a procedure off the read list, or a dotted function
    outside the pure namespaces, as Neo4j's parser finds them."""
    return (
        report["statements"] > 1
        or bool(WRITE_RULES & set(report["rules"]))
        or any(p.replace("`", "").lower() not in READ_PROCEDURES for p in report["procedures"])
        or not all(_function_reads(f) for f in report["functions"])
    )


def _corpus() -> dict[str, tuple[str, bool]]:
    """Every statement the read-only tests try, with whether the tests expect a refusal."""
    corpus = {f"write:{k}": (v, True) for k, v in test_read_only.WRITES.items()}
    corpus |= {f"read:{k}": (v[0], False) for k, v in test_read_only.READS_WITH_WRITE_WORDS.items()}
    corpus |= {f"unit_read:{i}": (text, False) for i, text in enumerate(test_cypher_text.READS)}
    corpus |= {f"unit_write:{i}": (text, True) for i, (text, _) in enumerate(test_cypher_text.WRITES)}
    corpus |= {f"query:{q.name}": (q.text, False) for q in load_catalogue().values()}
    return corpus


# Refused by the check though Neo4j's parser reads no write: an invisible character inside a keyword. The editor
# parser ignores the rest of the statement; what a server makes of it is not worth finding out.
REFUSED_TO_BE_SAFE = frozenset({"MATCH (n) DEL\u200bETE n"})


def test_the_check_agrees_with_neo4js_parser():
    corpus = _corpus()
    reports = _classify({k: text for k, (text, _) in corpus.items()})
    parsed = {k: r for k, r in reports.items() if r["errors"] == 0}
    assert len([k for k in parsed if k.startswith("write:")]) >= 25
    missed = [k for k, r in parsed.items() if neo4j_says_it_writes(r) and not write_clauses(corpus[k][0])]
    assert missed == []  # never a write the check lets through
    stricter = {corpus[k][0] for k, r in parsed.items() if not neo4j_says_it_writes(r) and write_clauses(corpus[k][0])}
    assert stricter == REFUSED_TO_BE_SAFE
    assert all(neo4j_says_it_writes(r) == corpus[k][1] for k, r in parsed.items() if corpus[k][0] not in stricter)
