"""Neo4j's own Cypher parser (tools/cypher-lint, @neo4j-cypher/language-support under the machine's Node.js), run
from the tests over a batch of statements: one place that finds Node, checks the install and exchanges JSON."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

LINTER = Path(__file__).resolve().parent.parent / "tools" / "cypher-lint"


def run_parser(script: str, texts: dict[str, str], timeout: int = 600) -> subprocess.CompletedProcess:
    """``tools/cypher-lint/<script>`` over ``texts`` (id → statement), fed as JSON on stdin."""
    if not (LINTER / "node_modules").exists():
        pytest.fail("tools/cypher-lint is not installed: run `npm ci --prefix tools/cypher-lint` (make test does)")
    node = shutil.which("node")
    assert node, "Node.js is needed for Neo4j's Cypher parser"
    payload = json.dumps([{"id": k, "text": v} for k, v in texts.items()], ensure_ascii=False)
    return subprocess.run([node, str(LINTER / script)], input=payload, capture_output=True, text=True, timeout=timeout)
