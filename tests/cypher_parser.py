"""Neo4j's own Cypher parser (tools/cypher-lint, @neo4j-cypher/language-support under the machine's Node.js), run
from the tests over a batch of statements: one place that finds Node, checks the install and exchanges JSON."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

LINTER = Path(__file__).resolve().parent.parent / "tools" / "cypher-lint"


def run_parser(script: str, texts: dict[str, str], timeout: int = 600) -> subprocess.CompletedProcess[str]:
    """``tools/cypher-lint/<script>`` over ``texts`` (id → statement), fed as JSON on stdin; a large batch is split
    over one Node process per core (the semantic analysis takes ~0.1 s a statement: ~1,000 statements took 52 s in
    one process), and the answers are joined in the order given: one JSON array, the worst exit code."""
    if not (LINTER / "node_modules").exists():
        pytest.fail("tools/cypher-lint is not installed: run `npm ci --prefix tools/cypher-lint` (make test does)")
    node = shutil.which("node")
    assert node, "Node.js is needed for Neo4j's Cypher parser"
    items = [{"id": k, "text": v} for k, v in texts.items()]
    parts = max(1, min(os.cpu_count() or 1, len(items) // 50))

    def one(part: int) -> subprocess.CompletedProcess[str]:
        payload = json.dumps(items[part::parts], ensure_ascii=False)
        return subprocess.run(
            [node, str(LINTER / script)], input=payload, capture_output=True, text=True, timeout=timeout
        )

    with ThreadPoolExecutor(parts) as pool:
        done = list(pool.map(one, range(parts)))
    code, errors = max(r.returncode for r in done), "".join(r.stderr for r in done)
    if parts == 1 or code not in (0, 1):
        return subprocess.CompletedProcess(done[0].args, code, done[0].stdout, errors)
    answers = {a["id"]: a for r in done for a in json.loads(r.stdout)}
    joined = json.dumps([answers[item["id"]] for item in items if item["id"] in answers], ensure_ascii=False)
    return subprocess.CompletedProcess(done[0].args, code, joined, errors)
