"""Run every benchmark and print one table: ``make bench`` (``python -m benchmarks.run [--province]``).

The province-scale load (≥ 1M nodes, ≥ 2M relationships) adds several minutes; ``make bench-all`` runs it.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from benchmarks import (
    bench_analysis,
    bench_app,
    bench_first_answer,
    bench_history,
    bench_ledger_load,
    bench_load,
    bench_province,
    bench_province_app,
    bench_search,
    bench_validate,
)
from benchmarks.harness import fresh_server, machine, print_table

RESULTS = Path(__file__).resolve().parent / "results"


def main(argv: list[str]) -> int:
    """``--only-city`` skips the 200k synthetic load (the city load, analyses and app still run); ``--only-app``
    runs the city load once and the app benchmark on it, nothing else."""
    figures = []
    with (
        tempfile.TemporaryDirectory(prefix="orggraph-bench-") as tmp,
        fresh_server(Path(tmp) / "data") as (settings, server, start_seconds),
    ):
        if "--only-app" in argv:
            figures += bench_ledger_load.run(settings, server, "city", "xlsx")
            figures += bench_app.run(settings, server)
        else:
            if "--only-city" not in argv:
                figures += bench_load.run(settings, server, start_seconds)
            figures += bench_validate.run("city", "xlsx")
            figures += bench_ledger_load.run(settings, server, "city", "xlsx", rounds=2)
            figures += bench_analysis.run(settings, server)  # on the city region the load left behind
            figures += bench_search.run(settings, server)
            figures += bench_history.run(settings, server)  # snapshots, changes, a street's monthly report
            figures += bench_app.run(settings, server)
            if "--province" in argv:
                figures += bench_validate.run("province", "csv")
                figures += bench_ledger_load.run(settings, server, "province", "csv")
                figures += bench_province.run(settings, server)  # on the province the load left behind
                figures += bench_province_app.run(settings)  # the app's pages on it: a street editor, the admin
    if "--only-app" not in argv:
        figures += bench_first_answer.run()  # its own clone, make run, server and app
    print_table("orggraph benchmarks", figures)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(
        json.dumps(
            {"machine": machine(), "figures": [f.__dict__ | {"ratio": f.ratio} for f in figures]},
            ensure_ascii=False,
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
