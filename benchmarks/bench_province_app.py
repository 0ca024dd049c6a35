"""The app's pages on the province (issue 12: a street user's pages ≤ 2 s cold, the province overview ≤ 10 s with
progress shown), through Streamlit's AppTest on a graph already loaded, as ``bench_app`` does on the city.

Each page is run once untimed (module imports, the server's JIT for its queries), then cold: every Streamlit cache
cleared, a new store. Two users: an editor of the first street of the first district, and an admin of the whole
province. The area scope's universe (every node id and placing tie, fetched once per graph state by a served app
for all its street users) is timed on its own, the way ``bench_app`` reports it.

Usage: ``python -m benchmarks.bench_province_app DATA_DIR [PAGE ...]`` on a data dir holding the province demo
(``python -m benchmarks.bench_province DATA_DIR`` builds one); the server is started if it is not running and
stopped again if this started it. Prints one table.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from benchmarks.bench_app import LOCAL, MODES, PAGES, Mode, _accounts, _app, _clear, _street, _switch
from benchmarks.harness import Figure, loaded_server, print_table, timed

STREET, REGION = MODES[1], MODES[2]
FLOORS_S = {STREET.key: 2.0, REGION.key: 10.0}  # issue 12: a street user's page cold; the province overview


def _cold_seconds(module: str, mode: Mode) -> tuple[float, str]:
    """One page cold, run in AppTest: the page's own seconds, and the first exception it showed, if any."""
    _clear(keep_store=False)
    at = _app(module, mode).run()
    problem = f" · exception: {at.exception[0].message[:60]}" if at.exception else ""
    return float(at.session_state["bench_seconds"]), problem


def _overview_from_snapshot(settings) -> list[Figure]:
    """The admin's overview cold twice: live (every rule run), and from today's snapshot (the one a load takes;
    taken here first when none is stored)."""
    from orggraph.analysis.history import take_snapshot
    from orggraph.analysis.snapshot_report import todays_snapshot
    from orggraph.app.pages import overview
    from orggraph.graph.backends import open_store

    data_dir, today = settings.resolved_data_dir(), settings.current_date()
    with open_store(settings, start=False) as store:
        if todays_snapshot(data_dir, store, today) is None:
            take_snapshot(store, data_dir, today, today)
    found = overview.todays_snapshot
    overview.todays_snapshot = lambda *_: None  # type: ignore[assignment]
    try:
        live, _ = _cold_seconds("overview", REGION)
    finally:
        overview.todays_snapshot = found  # type: ignore[assignment]
    stored, problem = _cold_seconds("overview", REGION)
    return [Figure(f"page overview cold, admin of the province, from today's snapshot{problem}", stored, "s", live,
                   "the same page live (every rule run)", higher_is_better=False)]  # fmt: skip


def _universe_seconds(settings) -> float:
    from orggraph.graph.area_scope import UNIVERSES, Universe
    from orggraph.graph.backends import open_store

    with open_store(settings, start=False) as store:
        seconds, _ = timed(lambda: Universe.fetch(store, UNIVERSES.key(store)))
    return seconds


def run(settings, pages: tuple[str, ...] = PAGES) -> list[Figure]:
    os.environ["ORGGRAPH_DATA_DIR"] = str(settings.data_dir)
    os.environ["ORGGRAPH_BACKEND"] = "embedded"
    street, street_name = _street(settings)
    figures = [Figure("area scope's universe fetched (once per graph state)", _universe_seconds(settings), "s",
                      higher_is_better=False)]  # fmt: skip
    users, parked = _accounts(settings, street)
    try:
        for mode in (STREET, REGION):
            _switch(mode, users, parked)
            for module in pages:
                _app(module, mode).run()  # untimed: imports, the server's JIT, the street's universe placed
                seconds, problem = _cold_seconds(module, mode)
                who = f"editor of {street_name}" if mode is STREET else "admin of the province"
                figures.append(
                    Figure(
                        f"page {module} cold, {who}{problem}",
                        seconds,
                        "s",
                        FLOORS_S[mode.key],
                        "floor (issue 12)",
                        higher_is_better=False,
                    )
                )
        if "overview" in pages:
            figures += _overview_from_snapshot(settings)
    finally:
        _switch(LOCAL, users, parked)
        for path in (users, parked, users.parent / (users.name + ".lock")):
            path.unlink(missing_ok=True)
    return figures


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    with loaded_server(Path(argv[0])) as (settings, _):
        print_table("orggraph app on the province", run(settings, tuple(argv[1:]) or PAGES))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
