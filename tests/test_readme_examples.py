"""Every ``orggraph`` example in README.md runs against the demo region ``make run`` loads (issue 13).

The examples are the command lines of the README's ```bash blocks and the example column of the generated
CLI table (the ``示例 Example:`` line of each command's docstring). ``make run`` runs ``orggraph serve``,
which loads ``load_demo_region(store, <serve's --demo-scale default>, 1, …)`` into an empty graph: the city
region, seed 1. The module fixture loads that same region (same function, scale and seed) once into the
session's embedded server, so a name or id in an example that the demo lacks fails here. The load takes
about a minute at city scale; a smaller scale is not used, so what is checked is what ``make run`` shows.

Each example runs in-process through typer's CliRunner, with the working directory a temporary folder and
its paths redirected: an output (``-o FILE``, a ``DIR/`` to write) goes into ``tmp_path``, the README's
ledger folder ``台账/`` is the demo's own ledgers, a repository file (``docs/whatif_example.yaml``) is read
from the repository. It must exit 0 and print something; a file or folder it writes must not be empty;
the examples in ``EXPECTED`` must also print what shows the answer is about the demo's own entities.

Some lines are not run (``SKIPPED``, each with its reason): they start the app or stop/start the session's
server, ask for a password, write the account store of the data dir every other test shares, load another
region over the one read here, or need a Neo4j server. They are still parsed, and a skip that no longer
matches any example fails, so the list cannot go stale.
"""

from __future__ import annotations

import inspect
import re
import shlex
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from orggraph.analysis.history import last_load
from orggraph.app import serve as serve_mod
from orggraph.cli import main as cli_main
from orggraph.graph.store import BoltStore
from orggraph.ingest.load import load_demo_region

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"

MAKE_RUN_SCALE: str = inspect.signature(cli_main.serve).parameters["demo_scale"].default  # "city"
MAKE_RUN_SEED = 1  # orggraph/app/serve.py: load_demo(store, settings, demo_scale, 1, …)

NEO4J_BLOCK = "ORGGRAPH_BACKEND=neo4j"
SKIPPED: dict[str, str] = {
    NEO4J_BLOCK: "the README's Neo4j block: its lines run against a Neo4j server (docker compose), none here",
    r"^serve\b": "starts Streamlit and blocks until Ctrl-C",
    r"^db start\b": "starts a server; the session's server is started and stopped by conftest",
    r"^db stop\b": "would stop the session's server under every test after this one",
    r"^user add\b": "asks for the password twice (or reads it from a pipe), and writes the account store of the "
    "session's shared data dir: an account there turns on login for the other tests",
    r"^user passwd\b": "asks for the password twice, and needs the account `user add` would have made",
    r"^user disable\b": "writes the account store of the shared data dir, and needs the account `user add` makes",
    r"^demo\b": "generates and loads a whole region over the one the other examples read (about a minute at city "
    "scale); the fixture loads the make-run region through the same function",
}

# What an answer about the demo's own entities shows (the exact example line, as parsed, without `orggraph`).
EXPECTED: dict[str, str] = {
    "path 国网黄冈供电公司 长沟馨园 --max-hops 6": "路径 path 1",
    "path 国网黄冈供电公司党总支 长沟馨园 --max-hops 6 --k 3": "路径 path 3",
    "reach 长沟馨园 --hops 3 --label Unit": "U00332",  # 黄冈宝相寺物业服务集团有限公司, one hop: it manages 长沟馨园
    "gaps --area S0009 --rule compound_org": "太白镇",
    "query find_by_name -p q=太白 --format json": '"name": "太白',
    "whatif docs/whatif_example.yaml -r compound_org -r community_agreement --as-of 2026-12-31": "C00030",
    "whatif docs/whatif_example.yaml --as-of 2026-12-31": "K00742",
    "status --format json": '"Compound"',
    "audit --action query --since 2026-11-01": "find_by_name",  # run last: the query examples are in the log
}

runner = CliRunner()


@dataclass(frozen=True)
class Example:
    where: str  # README.md:LINE or the CLI table's command
    argv: tuple[str, ...]  # after `orggraph`
    context: str  # the code block it is in ("" for the table)

    @property
    def command(self) -> str:
        return " ".join(self.argv)

    def skip_reason(self) -> str | None:
        for pattern, reason in SKIPPED.items():
            if pattern == NEO4J_BLOCK:
                if NEO4J_BLOCK in self.context:
                    return reason
            elif re.search(pattern, self.command):
                return reason
        return None


def _commands(line: str) -> list[tuple[str, ...]]:
    """The orggraph commands of one shell line: `a; b` is two, `echo x | orggraph …` is the last stage."""
    found = []
    for part in line.split(";"):
        stage = part.split("|")[-1]
        tokens = shlex.split(stage, comments=True)
        if tokens and tokens[0] == "orggraph":
            found.append(tuple(tokens[1:]))
    return found


def readme_examples(text: str | None = None) -> list[Example]:
    text = README.read_text(encoding="utf-8") if text is None else text
    examples: list[Example] = []
    for block in re.finditer(r"^```bash\n(.*?)^```", text, re.S | re.M):
        first = text.count("\n", 0, block.start(1)) + 1
        for offset, line in enumerate(block.group(1).splitlines()):
            for argv in _commands(line):
                examples.append(Example(f"README.md:{first + offset}", argv, block.group(1)))
    table = text.split("<!-- cli-reference:start -->", 1)[1].split("<!-- cli-reference:end -->", 1)[0]
    for row in table.splitlines():
        cell = re.search(r"\|\s*`(orggraph [^`]*)`\s*\|\s*$", row)
        if cell:
            name = re.match(r"\|\s*`([^`]*)`", row)
            for argv in _commands(cell.group(1)):
                examples.append(Example(f"CLI table: {name.group(1) if name else row}", argv, ""))
    return examples


def _redirected(argv: tuple[str, ...], tmp: Path, ledgers: Path) -> tuple[list[str], list[Path]]:
    """The example's arguments with its paths moved off the repository, and what it should write."""
    args: list[str] = []
    writes: list[Path] = []
    for i, arg in enumerate(argv):
        if i and argv[i - 1] in ("-o", "--out", "--output"):
            writes.append(tmp / arg)
            args.append(str(tmp / arg))
        elif arg == "台账/":  # the README's ledger folder: the demo's own ledgers, read only
            args.append(str(ledgers))
        elif arg.endswith("/"):  # a folder the command writes
            writes.append(tmp / arg)
            args.append(str(tmp / arg))
        elif "/" in arg and (REPO / arg).is_file():  # docs/whatif_example.yaml
            args.append(str(REPO / arg))
        else:
            args.append(arg)
    return args, writes


def _run_order(examples: list[Example]) -> list[Example]:
    """README order, with `audit` last so it reads the entries the other examples wrote."""
    return sorted(examples, key=lambda e: e.argv[:1] == ("audit",))


_LOADED: dict[str, Any] = {}  # the region this worker loaded last: its ledgers and the graph's state after it


def _graph_state(store: BoltStore) -> tuple[object, ...]:
    return tuple(sorted(store.node_counts().items())), last_load(store)


@pytest.fixture(scope="module")
def make_run_region(session_store: BoltStore, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `make run` demo region in the session's server; its ledgers folder. Loaded once per worker while the
    graph stays as loaded (node counts and last load unchanged): test_browser_map reads the same region, and
    conftest's scheduler hands the two modules to one worker, one after the other (a city load is ~30 s)."""
    if _LOADED.get("state") != _graph_state(session_store):
        ledgers = tmp_path_factory.mktemp("make_run") / f"{MAKE_RUN_SCALE}-{MAKE_RUN_SEED}"
        session_store.clear()
        load_demo_region(session_store, MAKE_RUN_SCALE, MAKE_RUN_SEED, ledgers)
        _LOADED.update(ledgers=ledgers, state=_graph_state(session_store))
    return Path(_LOADED["ledgers"])


def test_the_fixture_loads_what_make_run_loads():
    assert MAKE_RUN_SCALE == "city"
    makefile = (REPO / "Makefile").read_text()
    assert re.search(r"^run:.*\n\t\$\(VENV\)/bin/orggraph serve --port \$\(PORT\)$", makefile, re.M)
    # serve loads the region month by month (ingest.demo_months): its last month is the whole region, the records
    # load_demo_region loads at once (tests/test_ledger_changes.py holds the months to it)
    source = inspect.getsource(serve_mod)
    assert re.search(rf"load_demo\(\s*store,\s*settings,\s*demo_scale,\s*{MAKE_RUN_SEED},", source)


def test_the_readme_examples_are_found_and_every_skip_and_expectation_is_used():
    examples = readme_examples()
    commands = {e.command for e in examples}
    assert len(examples) >= 30, [e.where for e in examples]
    assert {"path", "reach", "gaps", "whatif", "query", "network"} <= {e.argv[0] for e in examples}
    for pattern in SKIPPED:
        assert any(e.skip_reason() == SKIPPED[pattern] for e in examples), (
            f"no README example is skipped for {pattern!r}: drop it from SKIPPED"
        )
    assert set(EXPECTED) <= commands, set(EXPECTED) - commands
    assert sum(e.skip_reason() is None for e in examples) >= 20


def test_the_parser_reads_shell_lines_as_the_shell_does():
    text = (
        "```bash\n"
        'echo "$PW" | orggraph user add 王芳 --password-stdin   # from a script\n'
        "orggraph user list; orggraph user passwd 李明\n"
        "make run    # not orggraph\n"
        "```\n<!-- cli-reference:start -->\n| `orggraph gaps` | 缺口 / gaps. | `orggraph gaps --area S0009` |\n"
        "<!-- cli-reference:end -->\n"
    )
    assert [(e.where, e.command) for e in readme_examples(text)] == [
        ("README.md:2", "user add 王芳 --password-stdin"),
        ("README.md:3", "user list"),
        ("README.md:3", "user passwd 李明"),
        ("CLI table: orggraph gaps", "gaps --area S0009"),
    ]


@pytest.mark.timeout(900)  # ~35 commands on a city, one after another: 170 s alone on a slow 2-core machine, over
# 300 s there beside two other workers (the suite's 300 s is for a hang, not for this test's length)
def test_every_readme_example_answers_on_the_make_run_demo(make_run_region, cli_env, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # anything written to a relative path lands here, never in the repository
    failures: list[str] = []
    timings: list[str] = []
    ran: set[str] = set()
    for n, example in enumerate(_run_order(readme_examples())):
        if example.skip_reason() or example.command in ran:  # the same line twice (README and CLI table): once
            continue
        ran.add(example.command)
        out = tmp_path / f"example-{n}"
        out.mkdir()
        args, writes = _redirected(example.argv, out, make_run_region)
        started = time.perf_counter()
        result = runner.invoke(cli_main.app, args, env=cli_env)
        timings.append(f"{time.perf_counter() - started:5.1f} s  {example.command}")
        said = f"{example.where}: orggraph {example.command}"
        if result.exit_code != 0:
            failures.append(f"{said}\n  exit {result.exit_code}: {result.output[-800:]} {result.exception!r}")
            continue
        if not result.output.strip():
            failures.append(f"{said}\n  printed nothing")
        for path in writes:
            if (
                not path.exists()
                or (path.is_file() and path.stat().st_size == 0)
                or (path.is_dir() and not any(path.iterdir()))
            ):
                failures.append(f"{said}\n  wrote nothing to {path.name}")
        expected = EXPECTED.get(example.command)
        if expected and expected not in result.output:
            failures.append(f"{said}\n  no {expected!r} in: {result.output[-800:]}")
    print("\n".join(timings))
    assert not failures, "\n".join(failures)
