"""A load routed to one database per province takes the snapshot a plain load takes (issue 15), one per province
database written, kept with that database's history (``snapshot_files.home``), never in the one graph's.

Two generated street regions tagged A and B (as in test_province_databases), written as one set of ledgers and
loaded through ``orggraph load`` with a province mapping and ``snapshot_after_load`` on: each province's snapshot
must equal its own database's live gap report on the day, the data dir's own ``snapshots/`` must stay untouched,
and a reload that writes nothing takes none.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fixed_date import TODAY
from test_province_databases import tagged
from typer.testing import CliRunner

from loaders.ledger_writer import write_ledgers
from orggraph.analysis.coverage import gap_report
from orggraph.analysis.history import read_snapshot, stored_snapshots
from orggraph.analysis.province_loads import snapshot_provinces
from orggraph.cli.main import app
from orggraph.graph import snapshot_files
from orggraph.graph.province_databases import open_provinces
from orggraph.model.config import ProvinceDatabase
from orggraph.model.errors import HistoryError

pytestmark = pytest.mark.provinces
PROVINCES = {"sa": ("A", 1), "sb": ("B", 2)}
runner = CliRunner()


@pytest.fixture
def mapped(settings, tmp_path):
    """The session's settings with two provinces of their own databases (emptied), and the config file saying so;
    their histories are removed afterwards."""
    provinces = {k: ProvinceDatabase(database=f"prov_{k}", areas=(f"{t}D001",), name=f"省{k}") for k, (t, _) in
                 PROVINCES.items()}  # fmt: skip
    with_provinces = settings.model_copy(update={"provinces": provinces, "snapshot_after_load": True})
    config = tmp_path / "orggraph.toml"
    config.write_text(
        "".join(f'[orggraph.provinces.{k}]\ndatabase = "prov_{k}"\nareas = ["{t}D001"]\n' for k, (t, _) in
                PROVINCES.items()),
        encoding="utf-8",
    )  # fmt: skip
    with open_provinces(with_provinces, start=False) as stores:
        for store in stores.values():
            store.clear()
    homes = [snapshot_files.home(settings.data_dir, p.database) for p in provinces.values()]
    for home in homes:
        shutil.rmtree(home, ignore_errors=True)
    yield with_provinces, config
    for home in homes:
        shutil.rmtree(home, ignore_errors=True)


def test_a_province_load_snapshots_each_database_into_its_own_history(mapped, cli_env, settings, tmp_path):
    with_provinces, config = mapped
    nodes, edges = [], []
    for tag, seed in PROVINCES.values():
        n, e = tagged(tag, seed)
        nodes, edges = nodes + n, edges + e
    write_ledgers(nodes, edges, tmp_path / "ledgers", "xlsx")
    own = sorted(p.name for p in snapshot_files.folder(settings.data_dir).glob("*"))  # the one graph's, if any
    env = {**cli_env, "ORGGRAPH_CONFIG": str(config), "ORGGRAPH_SNAPSHOT_AFTER_LOAD": "true", "COLUMNS": "200"}
    loaded = runner.invoke(app, ["load", str(tmp_path / "ledgers")], env=env)
    assert loaded.exit_code == 0, loaded.output
    assert loaded.output.count("已保存快照 snapshot stored: 2026年6月") == 2, loaded.output
    assert sorted(p.name for p in snapshot_files.folder(settings.data_dir).glob("*")) == own
    with open_provinces(with_provinces, start=False) as stores:
        for key, province in with_provinces.provinces.items():
            home = snapshot_files.home(settings.data_dir, province.database)
            (info,) = stored_snapshots(home)
            assert info.as_of == TODAY and info.area is None and not info.backfilled
            snap, live = read_snapshot(home, info), gap_report(stores[key], None, None, TODAY)
            for outcome in live.outcomes:
                figure = snap.total(outcome.rule.id)
                assert figure is not None and (figure.covered, figure.total) == (outcome.covered, outcome.total)
            assert snap.gap_keys() == {(o.rule.id, g.id) for o in live.outcomes for g in o.gaps}
            assert all(i.startswith(PROVINCES[key][0]) for _, i in snap.gap_keys())  # its province's only
    again = runner.invoke(app, ["load", str(tmp_path / "ledgers")], env=env)  # nothing written: no snapshot
    assert again.exit_code == 0 and "snapshot stored" not in again.output, again.output
    homes = [snapshot_files.home(settings.data_dir, p.database) for p in with_provinces.provinces.values()]
    assert [len(stored_snapshots(h)) for h in homes] == [1, 1]


def test_snapshots_off_take_none_and_a_database_name_is_a_plain_folder(mapped, settings):
    with_provinces, _ = mapped
    off = with_provinces.model_copy(update={"snapshot_after_load": False})
    with open_provinces(off, start=False) as stores:
        assert snapshot_provinces(stores, off, {}, TODAY) == {}
    on_server = snapshot_files.home(Path("/d"), "neo4j", "neo4j://a:7687")
    assert on_server != snapshot_files.home(Path("/d"), "neo4j", "neo4j://b:7687")
    assert on_server.parent == Path("/d/databases") and on_server.name.startswith("neo4j_")
    with pytest.raises(HistoryError):
        snapshot_files.home(settings.data_dir, "../elsewhere")
