"""The product on a province (the ``province`` demo: ~1.5M nodes, ~2.2M relationships), each figure beside the same
statements sent through the bare driver in the same run: ``status``, the whole province's gap report, one street's
report, one rule for one street.

Run by ``make bench-all`` after the province load, or on its own against a data dir already holding a province:
``python -m benchmarks.bench_province /path/to/data-dir``.
"""

from __future__ import annotations

import datetime as dt
import statistics
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from neo4j import GraphDatabase

from benchmarks.harness import Figure, loaded_server, print_table, timed
from orggraph.analysis import coverage
from orggraph.analysis.coverage import CoverageIndex, gap_report
from orggraph.graph import statements
from orggraph.graph.backends import open_store
from orggraph.model.coverage_rules import load_rules

AS_OF = dt.date(2026, 6, 15)
ONE_RULE = ("compound_org", "org_secretary", "need_met")


def _median_ms(fn: Callable[[], object], runs: int = 5) -> float:
    return statistics.median(timed(fn)[0] for _ in range(runs)) * 1000


def _bare(settings, server) -> Callable[[str, dict], list]:
    """A bare driver read on the same server: the reference of every figure."""
    state = server.status()
    driver = GraphDatabase.driver(state.uri, auth=("root", server.password()))
    database = settings.embedded_database()
    return lambda text, params: driver.execute_query(text, params, database_=database)[0]


def _runs_bare(bare, runs, parallel: int) -> None:
    params = {"as_of": AS_OF}
    with ThreadPoolExecutor(parallel) as pool:
        list(pool.map(lambda r: bare(r.statement or coverage.rule_statement(r.rule), params | (r.extra or {})), runs))


def _status_figure(settings, bare) -> Figure:
    env_dir = str(settings.data_dir)
    cli = [sys.executable, "-m", "orggraph", "--data-dir", env_dir, "status", "--format", "json"]
    ours = _median_ms(lambda: subprocess.run(cli, check=True, capture_output=True), runs=3)
    with open_store(settings, start=False) as store:
        counts = [statements.count_nodes(store.schema, label) for label in store.schema.nodes]
    ref = _median_ms(lambda: [bare(c, {}) for c in counts], runs=3)
    return Figure(
        "province: orggraph status (CLI process, node counts)",
        ours,
        "ms",
        ref,
        "bare node counts per label (no process start)",
        higher_is_better=False,
    )


def _snapshot_figure(store, whole_ms: float) -> Figure:
    """A snapshot of the whole province (issue 15): the gap report of every rule, its figures and gap ids stored
    as Parquet; beside the whole report alone, measured just before."""
    import tempfile

    from orggraph.analysis.history import take_snapshot

    with tempfile.TemporaryDirectory(prefix="orggraph-province-snapshot-") as tmp:
        ms = _median_ms(lambda: take_snapshot(store, Path(tmp), AS_OF, AS_OF), runs=1)
        size = sum(f.stat().st_size for f in Path(tmp).rglob("*") if f.is_file()) / 2**20
    return Figure(
        f"province: snapshot, every rule, every area ({size:.0f} MiB of Parquet)",
        ms, "ms", whole_ms, "the whole gap report alone", higher_is_better=False,
    )  # fmt: skip


def _service_circle_figure(store, index: CoverageIndex, bare) -> Figure:
    """服务覆盖 over the whole province: its statements read coordinates, the analysis layer measures the distances
    (issue 14: ≤ 2 s)."""
    runs = coverage.rule_runs(store, [load_rules().rule("service_circle")], None, None)
    return Figure(
        "province: 服务覆盖 rule (service_circle), whole province",
        _median_ms(lambda: gap_report(store, ["service_circle"], None, AS_OF, index), runs=3),
        "ms",
        _median_ms(lambda: _runs_bare(bare, runs, coverage.PARALLEL_QUERIES), runs=3),
        "its statements, bare driver (no distances measured)",
        higher_is_better=False,
    )


def run(settings, server) -> list[Figure]:
    bare = _bare(settings, server)
    figures = [_status_figure(settings, bare)]
    with open_store(settings, start=False) as store:
        index = CoverageIndex.fetch(store)
        whole_runs = coverage.rule_runs(store, list(load_rules().rules), None, None)
        whole = _median_ms(lambda: gap_report(store, as_of=AS_OF, index=index), runs=2)
        whole_bare = _median_ms(lambda: _runs_bare(bare, whole_runs, coverage.PARALLEL_QUERIES), runs=2)
        figures.append(
            Figure(
                f"province: whole gap report, {len(load_rules().rules)} rules ({len(whole_runs)} statements)",
                whole,
                "ms",
                whole_bare,
                "the same statements, bare driver, same parallelism",
                higher_is_better=False,
            )
        )
        figures.append(_snapshot_figure(store, whole))
        figures.append(_service_circle_figure(store, index, bare))
        street = index.geography.children(index.geography.top_areas()[0].id)[0].id
        street_runs = coverage.rule_runs(store, list(load_rules().rules), "Street", street)
        figures.append(
            Figure(
                f"province: one street's report, all rules ({street}, geography of its street fetched)",
                _median_ms(lambda: gap_report(store, area_id=street, as_of=AS_OF)),
                "ms",
                _median_ms(lambda: _runs_bare(bare, street_runs, coverage.PARALLEL_QUERIES)),
                "the same statements, bare driver",
                higher_is_better=False,
            )
        )
        for rule_id in ONE_RULE:
            (run_,) = coverage.rule_runs(store, [load_rules().rule(rule_id)], "Street", street)
            figures.append(
                Figure(
                    f"province: one rule for one street ({rule_id}), p50",
                    _median_ms(lambda r=rule_id: gap_report(store, [r], street, AS_OF, index), runs=9),
                    "ms",
                    _median_ms(lambda r=run_: _runs_bare(bare, [r], 1), runs=9),
                    "its statement, bare driver",
                    higher_is_better=False,
                )
            )
    return figures


def main(argv: list[str]) -> int:
    with loaded_server(Path(argv[0])) as (settings, server):
        print_table("orggraph on a province", run(settings, server))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
