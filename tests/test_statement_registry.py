"""One statement registry (``statements``, ``statements_analysis``): no Cypher is written anywhere else in the
package, and the store refuses a statement that orggraph's own code built outside it — so the Neo4j parser check
(``test_cypher_lint``), which enumerates the registry, covers everything orggraph sends."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from orggraph.graph.statements import UnregisteredStatement

REPO = Path(__file__).resolve().parent.parent
REGISTRY = {"statements.py", "statements_analysis.py"}
STATEMENT_LIKE = re.compile(r"\b(MATCH|MERGE|CREATE|UNWIND|OPTIONAL MATCH)\s+[($(a-z]|\bCALL\s*\(\)\s*\{")


def _literals(path: Path) -> list[tuple[int, str]]:
    """The string constants of a module (f-strings' literal parts too), docstrings aside."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_no_cypher_is_written_outside_the_registry():
    found = [
        f"{path.relative_to(REPO)}:{line}: {text[:60]!r}"
        for package in ("orggraph", "loaders")
        for path in sorted((REPO / package).rglob("*.py"))
        if path.name not in REGISTRY
        for line, text in _literals(path)
        if STATEMENT_LIKE.search(text)
    ]
    assert found == []


def test_the_scan_would_find_a_statement():
    assert STATEMENT_LIKE.search("MATCH (n) RETURN n") and STATEMENT_LIKE.search("UNWIND $rows AS row")
    assert STATEMENT_LIKE.search("CALL () {\n MATCH (x) RETURN x }") and not STATEMENT_LIKE.search("CREATE")


def test_the_store_refuses_a_statement_built_outside_the_registry_by_orggraph_code(demo_store):
    """A module of the package (compiled under a path inside it) sending its own text is refused; the same text
    from a test is the test's own (tests send their own reads); a registry statement passes from anywhere."""
    inside = str(REPO / "orggraph" / "a_module_that_writes_cypher.py")
    code = compile("store.read('MATCH (s:Street) RETURN s.id AS id')", inside, "exec")
    with pytest.raises(UnregisteredStatement, match=r"a_module_that_writes_cypher\.py"):
        exec(code, {"store": demo_store})
    assert demo_store.read("MATCH (s:Street) RETURN s.id AS id")
    from orggraph.graph.statements import node_ids

    registered = compile("store.read(node_ids(store.schema, 'Street'))", inside, "exec")
    exec(registered, {"store": demo_store, "node_ids": node_ids})
