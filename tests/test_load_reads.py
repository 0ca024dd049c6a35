"""No read answers on half a load: while a journaled first load is written, every read through a store (counts,
a gap report, a catalogue query) gives the graph as it was before, or raises LoadInProgress; a store already
open notices a cut-off load and has it rolled back, without a restart."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fixed_date import TODAY
from ledger_factory import write_tree_ledgers
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from orggraph.analysis.coverage import gap_report
from orggraph.analysis.query_catalogue import find_query, run_query
from orggraph.cli.main import app
from orggraph.graph import load_runs
from orggraph.graph.backends import open_store
from orggraph.ingest.load import HEARTBEAT_S, load_ledgers, write_demo_ledgers
from orggraph.model.errors import LoadInProgress

pytestmark = pytest.mark.slow
APP = str(Path(__file__).resolve().parent.parent / "app.py")


def snapshot(store) -> tuple:
    """What a reader sees: every count (but the load history's), the gap report's rows, a catalogue query's rows."""
    nodes = {label: n for label, n in store.node_counts().items() if label != "LoadRun"}
    counts = (nodes, store.relationship_counts())
    gaps = sorted((g.rule_id, g.id, g.reason) for g in gap_report(store, as_of=TODAY).gaps())
    tree = run_query(store, find_query("geography_tree"), {}, TODAY)
    return counts, gaps, sorted(map(repr, tree))


@pytest.fixture(scope="module")
def district(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("district")
    write_demo_ledgers("district", 1, out)
    return out


def test_readers_never_see_a_journaled_first_load_half_written(settings, clean_store, district):
    with open_store(settings, start=False) as reader, open_store(settings, start=False) as writer:
        before = snapshot(reader)
        assert sum(before[0][0].values()) == 0
        loader = threading.Thread(
            target=load_ledgers, args=(writer, district), kwargs={"batch_size": 500, "single_transaction_limit": 5_000}
        )
        outcomes: list[object] = []
        percents: list[int | None] = []
        started = time.monotonic()
        loader.start()
        while loader.is_alive():
            try:
                seen = snapshot(reader)
            except LoadInProgress as exc:
                outcomes.append("in progress")
                percents.append(exc.percent)
                time.sleep(0.01)
                continue
            outcomes.append(seen)  # judged once the load is over
        loader.join()
        took = time.monotonic() - started
        time.sleep(load_runs.CHECK_TTL_S)  # the reader trusts "a load is open" this long
        after = snapshot(reader)
        assert load_runs.recent(reader, 1)[0]["mode"] == "journaled"
    outcomes = [
        o if isinstance(o, str) else "before" if o == before else "after" if o == after else "partial" for o in outcomes
    ]
    print(f"{len(outcomes)} reads during the load:", {o: outcomes.count(o) for o in set(outcomes)})
    assert "partial" not in outcomes, outcomes
    assert outcomes.count("in progress") >= 3, outcomes
    assert all(p is None or 0 <= p <= 100 for p in percents), percents
    if took > 3 * HEARTBEAT_S:  # the share written is updated at each heartbeat: a quick load may show only 0 %
        assert any(p and p > 0 for p in percents), (took, percents)
    assert sum(after[0][0].values()) > 15_000 and after[1], "the loaded graph is read in full"


def start_load(env: dict[str, str], ledgers: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "orggraph", "load", str(ledgers), "--max-transaction-rows", "1000"],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_store_already_open_notices_a_cut_off_load_and_rolls_it_back(settings, clean_store, cli_env, tmp_path):
    ledgers = write_tree_ledgers(tmp_path, streets=3, communities=8, grids=5, compounds=8, buildings=10)
    with open_store(settings, start=False) as reader:
        before = snapshot(reader)
        proc = start_load(cli_env, ledgers)
        deadline = time.monotonic() + 120
        while not load_runs.running(reader) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert load_runs.running(reader), "the load never began its journaled write"
        time.sleep(load_runs.GRACE_S + 0.3)  # into the batches
        with pytest.raises(LoadInProgress):
            reader.node_counts()
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        time.sleep(load_runs.CHECK_TTL_S)
        assert snapshot(reader) == before  # the next read rolls it back: the loader's process is gone
        assert load_runs.recent(reader, 1)[0]["status"] == "rolled_back"


def test_a_load_on_another_host_whose_heartbeat_stopped_is_rolled_back_after_the_stale_limit(settings, clean_store):
    stale = settings.model_copy(update={"load_stale_after_s": 2.0})
    with open_store(stale, start=False) as reader:
        run = {**load_runs.new_run("Lelsewhere", "journaled", ["a.csv"], 100), "host": f"not-{socket.gethostname()}"}
        load_runs.begin(reader, run)
        reader.write("CREATE (:Street {id: 'S-half', name: '写了一半'})")
        time.sleep(load_runs.CHECK_TTL_S)
        with pytest.raises(LoadInProgress, match=r"正在导入 \(0%\)"):
            reader.node_counts()
        time.sleep(2.0)
        assert reader.node_counts()["Street"] == 0  # the half-written street is gone
        assert load_runs.recent(reader, 1)[0]["status"] == "rolled_back"


def test_a_journaled_load_interrupted_mid_write_is_rolled_back_at_once(settings, clean_store, district):
    """Ctrl-C between two batches of a journaled first load (the app's process would stay up): the graph is as
    before and answers at once, the run recorded as rolled back — not "load in progress" until the stale limit."""
    batches: list[int] = []

    def interrupt(phase: str, n: int, total: int | None) -> None:
        if phase == "write" and len(batches) == 3:
            raise KeyboardInterrupt
        batches.append(n)

    with open_store(settings, start=False) as store:
        before = snapshot(store)
        with pytest.raises(KeyboardInterrupt):
            load_ledgers(store, district, progress=interrupt, batch_size=500, single_transaction_limit=5_000)
        assert len(batches) == 3, "the load was cut off after its third batch"
        assert snapshot(store) == before
        assert [(r["mode"], r["status"]) for r in load_runs.recent(store)] == [("journaled", "rolled_back")]


def test_a_journaled_load_cut_off_before_its_first_batch_leaves_no_trace(settings, clean_store, district, monkeypatch):
    """The journal is announced before the load plans (the readers' grace runs meanwhile); a failure while the first
    rows are planned leaves no LoadRun behind: the graph is exactly as before, its load history too."""
    from orggraph.ingest import load

    def cut_off(*args: object) -> Iterator[object]:
        assert load_runs.running(store), "the journal is open while the load plans"
        raise KeyboardInterrupt
        yield

    monkeypatch.setattr(load, "first_load_work", cut_off)
    with open_store(settings, start=False) as store:
        before = snapshot(store)
        with pytest.raises(KeyboardInterrupt):
            load_ledgers(store, district, single_transaction_limit=5_000)
        assert snapshot(store) == before
        assert load_runs.recent(store) == []  # no LoadRun at all


@pytest.fixture
def open_load(settings, demo_store):
    """A journaled load open on another host, a quarter written, its heartbeat fresh: every reader waits for it."""
    run = {**load_runs.new_run("Lopen", "journaled", ["a.csv"], 200), "host": "elsewhere", "rows_written": 50}
    load_runs.begin(demo_store, run)
    time.sleep(load_runs.CHECK_TTL_S)
    yield
    demo_store.write("MATCH (l:LoadRun {id: 'Lopen'}) DETACH DELETE l")


@pytest.mark.parametrize("args", [["status"], ["gaps"], ["query", "agreements_expiring"], ["export", "OUT"]])
def test_the_cli_reports_nothing_while_a_load_is_open(open_load, cli_env, args, tmp_path):
    args = [str(tmp_path / "out") if a == "OUT" else a for a in args]
    result = CliRunner().invoke(app, args, env=cli_env, catch_exceptions=False)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert "正在导入 (25%)" in result.stderr and "load in progress (25%)" in result.stderr


def test_the_app_shows_the_load_in_progress_instead_of_a_page(open_load, app_env):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception and not at.error, (at.exception, at.error)
    assert any("正在导入 (25%)" in i.value for i in at.info), [i.value for i in at.info]


def test_a_read_that_outlives_its_answer_asks_again_when_it_ends(settings, clean_store):
    """A load that announces itself while a long read runs: the read's answer is not given (it may hold the
    load's first rows)."""
    slow = "UNWIND range(1, $n) AS i WITH i WHERE i % 7 = 3 RETURN count(i) AS n"
    with open_store(settings, start=False) as reader:
        started = time.monotonic()
        reader.read(slow, {"n": 3_000_000})
        took = time.monotonic() - started
        assert took > 2 * load_runs.CHECK_TTL_S, f"the statement is too quick to test with ({took:.2f} s)"
        failed: list[BaseException] = []

        def long_read() -> None:
            try:
                reader.read(slow, {"n": 3_000_000})
            except LoadInProgress as exc:
                failed.append(exc)

        worker = threading.Thread(target=long_read)
        worker.start()
        time.sleep(took / 4)
        load_runs.begin(clean_store, {**load_runs.new_run("Llate", "journaled", ["a.csv"], 10), "host": "elsewhere"})
        worker.join()
    clean_store.write("MATCH (l:LoadRun {id: 'Llate'}) DETACH DELETE l")
    assert failed, "the read began before the load and ended while it was open: it must not answer"


def test_an_export_is_one_moment_of_the_graph_when_a_load_commits_while_it_reads(
    settings, demo_store, monkeypatch, tmp_path
):
    """A load committed while the export reads label after label gave the old nodes with the new ties (a clean-clone
    run's killed-load test saw it): the export notices the load and reads again."""
    from orggraph.ingest import graph_export

    ledgers = write_tree_ledgers(tmp_path / "l", streets=1, communities=1, grids=1, compounds=1, buildings=1)
    real = graph_export._records
    reads: list[int] = []

    def loaded_meanwhile(store, with_provenance, names):
        nodes = real(store, with_provenance, names)[0]
        reads.append(len(nodes))
        if len(reads) == 1:  # the nodes read, then a one-transaction load commits before the ties are read
            with open_store(settings, start=False) as writer:
                load_ledgers(writer, ledgers)
        return nodes, real(store, with_provenance, names)[1]

    with open_store(settings, start=False) as reader:
        monkeypatch.setattr(graph_export, "_records", loaded_meanwhile)
        nodes, edges = graph_export.export_records(reader)
        monkeypatch.setattr(graph_export, "_records", real)
        assert len(reads) == 2 and reads[1] > reads[0], reads
        ids = {n.id for n in nodes}
        assert all(e.src_id in ids and e.dst_id in ids for e in edges), "a tie whose end the export does not hold"
        assert (sorted(map(repr, nodes)), sorted(map(repr, edges))) == tuple(
            sorted(map(repr, part)) for part in graph_export.export_records(reader)
        )


def test_a_what_if_begun_just_after_the_load_history_changed_is_not_refused(settings, clean_store):
    """The what-if's scratch reads compare the load history after each read with the count they began with: that
    count is asked when the scratch begins, not one trusted from before a load that has just ended (or a history just
    cleared), which would refuse every what-if in the quarter second after it (one CI run failed so)."""
    load_runs.begin(clean_store, load_runs.new_run("Ldone", "journaled", ["a.csv"], 10))
    load_runs.finish(clean_store, "Ldone", "committed", {})
    with open_store(settings, start=False) as store:
        assert store.gate is not None
        store.gate.ttl_s = 3600.0  # the count it has is trusted: as within the quarter second after a check
        store.gate.before()
        clean_store.write("MATCH (l:LoadRun {id: 'Ldone'}) DETACH DELETE l")  # the history changes meanwhile
        with store.scratch([]) as read:
            store.gate.ttl_s = 0.0  # every read asks again when it ends, as a read longer than the quarter second
            assert read("MATCH (n:District) RETURN count(n) AS n") == [{"n": 0}]
