"""One database per province (issue 12 part 4), on three databases of the session's embedded server.

Three generated street regions (seeds 1, 2, 3) with their ids tagged A, B and C are written as one set of
ledgers, the rows of the three intermixed in every sheet, as a national office would send them. Loaded through the
province routing, each database must hold exactly its province's records (at their original file, sheet and row);
the combined report must equal the Python reference over the union of the three and the one-database report of the
same ledgers; an area reads the one database holding it; a path stays within a province; a row of an unmapped
district is refused at its cell. Without a mapping, nothing changes (the rest of the suite runs that way).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from fixed_date import TODAY
from rule_reference import build_graph, reference_rule
from typer.testing import CliRunner

from loaders.ledger_writer import write_ledgers
from loaders.region_generator import generate_region
from orggraph.analysis.coverage import gap_report
from orggraph.analysis.fan_out import area_report, national_report, province_paths
from orggraph.analysis.province_loads import load_by_province
from orggraph.cli.main import app
from orggraph.graph.embedded_server import EmbeddedServer
from orggraph.graph.embedded_server_users import server_api
from orggraph.graph.province_databases import open_provinces
from orggraph.ingest.load import load_ledgers, read_and_validate
from orggraph.model.config import ProvinceDatabase, Settings, load_settings
from orggraph.model.coverage_rules import load_rules
from orggraph.model.errors import ConfigError, QueryError, ValidationError
from orggraph.model.records import EdgeRecord, NodeRecord

pytestmark = pytest.mark.provinces  # make test runs them with the rest; pytest -m provinces alone
TAGS = {"a": ("A", 1), "b": ("B", 2), "c": ("C", 3)}
runner = CliRunner()


def tagged(tag: str, seed: int) -> tuple[list[NodeRecord], list[EdgeRecord]]:
    """A street region whose every id starts with ``tag`` (D001 → AD001): regions of one generator, told apart."""
    nodes, edges = generate_region("street", seed)
    return (
        [replace(n, id=tag + n.id) for n in nodes],
        [replace(e, src_id=tag + e.src_id, dst_id=tag + e.dst_id) for e in edges],
    )


def province_settings(settings: Settings, keys: tuple[str, ...] = ("a", "b", "c")) -> Settings:
    provinces = {k: ProvinceDatabase(database=f"prov_{k}", areas=(f"{TAGS[k][0]}D001",), name=f"省{k}") for k in keys}
    return settings.model_copy(update={"provinces": provinces})


@pytest.fixture(scope="module")
def records() -> dict[str, tuple[list[NodeRecord], list[EdgeRecord]]]:
    return {key: tagged(tag, seed) for key, (tag, seed) in TAGS.items()}


@pytest.fixture(scope="module")
def ledgers(records, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("provinces") / "ledgers"
    nodes = [n for ns, _ in records.values() for n in ns]
    edges = [e for _, es in records.values() for e in es]
    write_ledgers(nodes, edges, out, "xlsx")
    return out


@pytest.fixture(scope="module")
def loaded(settings, ledgers) -> Settings:
    """The three provinces loaded through the routing, once for the module (each database emptied first)."""
    mapped = province_settings(settings)
    with open_provinces(mapped, start=False) as stores:
        for store in stores.values():
            store.clear()
        reports = load_by_province(stores, mapped, ledgers)
    assert sorted(reports) == ["a", "b", "c"]
    return mapped


def province_config(folder: Path, tags: dict[str, tuple[str, object]]) -> Path:
    """``orggraph.toml`` naming each province (``省k``), its database (``prov_k``) and its district (``<tag>D001``)."""
    config = folder / "orggraph.toml"
    config.write_text(
        "".join(f'[orggraph.provinces.{k}]\nname = "省{k}"\ndatabase = "prov_{k}"\nareas = ["{t}D001"]\n'
                for k, (t, _) in tags.items()),
        encoding="utf-8",
    )  # fmt: skip
    return config


def test_each_database_holds_only_its_province(loaded, records, ledgers):
    with open_provinces(loaded, start=False) as stores:
        for key, store in stores.items():
            counts = {label: n for label, n in store.node_counts().items() if n and label != "LoadRun"}
            assert counts == dict(Counter(n.label for n in records[key][0]))
            ids = {r["id"] for r in store.read("MATCH (n) WHERE n.id IS NOT NULL AND NOT n:LoadRun RETURN n.id AS id")}
            assert ids == {n.id for n in records[key][0]}
            rels = sum(store.relationship_counts().values())
            assert rels == len(records[key][1])
        # provenance is the original ledgers' own: the copies kept every row at its number
        result, _, _ = read_and_validate(ledgers, None, "check")
        sources = {n.id: n.source for n in result.nodes}
        rows = stores["b"].read("MATCH (n:Compound) RETURN n.id AS id, n.source_file AS f, n.source_row AS r")
        assert rows and all((sources[r["id"]].file, sources[r["id"]].row) == (r["f"], r["r"]) for r in rows)


def test_the_nation_is_the_reference_over_the_union_and_the_one_database_report(loaded, records, ledgers, clean_store):
    with open_provinces(loaded, start=False) as stores:
        national = national_report(stores, None, TODAY)
    union = build_graph([n for ns, _ in records.values() for n in ns], [e for _, es in records.values() for e in es])
    for outcome in national.nation.outcomes:
        ref = reference_rule(union, outcome.rule.id, TODAY)
        assert (outcome.covered, outcome.total) == (sum(r.covered for r in ref.values()), len(ref)), outcome.rule.id
        assert {g.id for g in outcome.gaps} == {i for i, r in ref.items() if not r.covered}, outcome.rule.id
        parts = [p for one in national.provinces.values() for p in one.outcomes if p.rule.id == outcome.rule.id]
        assert outcome.covered == sum(p.covered for p in parts) and outcome.total == sum(p.total for p in parts)
    load_ledgers(clean_store, ledgers)  # the same ledgers in one database: the same report, area by area
    single = gap_report(clean_store, None, None, TODAY)
    for one, combined in zip(single.outcomes, national.nation.outcomes, strict=True):
        assert (one.covered, one.total, [g.id for g in one.gaps]) == (combined.covered, combined.total,
                                                                      [g.id for g in combined.gaps])  # fmt: skip
        for level, rates in one.areas.items():
            mine = {a.area.id: (a.covered, a.total) for a in combined.areas[level]}
            assert mine == {a.area.id: (a.covered, a.total) for a in rates}, (one.rule.id, level)


def test_an_area_reads_the_one_database_holding_it(loaded):
    rules = [load_rules().rules[0].id]
    with open_provinces(loaded, start=False) as stores:
        community = stores["b"].read("MATCH (c:Community) RETURN c.id AS id ORDER BY c.id LIMIT 1")[0]["id"]
        for area in ("BD001", "BS0001", community):
            got = area_report(stores, loaded, rules, area, TODAY)
            direct = gap_report(stores["b"], rules, area, TODAY)
            assert got.area is not None and got.area.id == area
            assert [(o.covered, o.total) for o in got.outcomes] == [(o.covered, o.total) for o in direct.outcomes]
            assert got.outcomes[0].total > 0
        with pytest.raises(QueryError, match="no province's database holds the area XS9"):
            area_report(stores, loaded, rules, "XS9", TODAY)


def test_paths_run_within_one_province(loaded):
    with open_provinces(loaded, start=False) as stores:
        src, dst, found = province_paths(stores, "AK00001", "AS0001", (), 6, 2)
        assert (src.id, dst.id) == ("AK00001", "AS0001") and found
        assert all(n.id.startswith("A") for p in found for n in p.nodes)
        with pytest.raises(QueryError) as crossed:
            province_paths(stores, "AK00001", "BS0001", (), 6, 2)
    assert "AK00001" in crossed.value.en and "BS0001" in crossed.value.en and "within one province" in crossed.value.en
    assert "只在一个省的数据库内" in crossed.value.zh


def test_a_row_of_an_unmapped_district_is_refused_at_its_cell(loaded, records, tmp_path):
    nodes, edges = records["a"]
    d_nodes, d_edges = tagged("D", 4)
    write_ledgers([*nodes, *d_nodes], [*edges, *d_edges], tmp_path / "mixed", "csv")
    with open_provinces(loaded, start=False) as stores:
        before = {key: store.node_counts() for key, store in stores.items()}
        with pytest.raises(ValidationError) as refused:
            load_by_province(stores, loaded, tmp_path / "mixed")
        assert {key: store.node_counts() for key, store in stores.items()} == before  # nothing written anywhere
    issues = refused.value.issues
    street = next(i for i in issues if i.file == "街道.csv")
    assert (street.value, street.column) == ("DD001", "所属区县编号")
    assert street.row is not None and "DD001" in street.zh and "no configured province" in street.en
    building = next(i for i in issues if i.file == "楼栋.csv")
    assert building.column == "所属小区编号" and str(building.value).startswith("DK")
    rows = {(i.file, i.row) for i in issues}
    assert len(rows) == len(issues)  # one issue per row
    expected = {(n.source.file, n.source.row) for n in read_and_validate(tmp_path / "mixed", None, "x")[0].nodes
                if n.id.startswith("D")}  # fmt: skip
    assert expected <= rows


def test_cli_status_gaps_and_path_over_provinces(loaded, records, cli_env, tmp_path):
    config = tmp_path / "orggraph.toml"
    config.write_text(
        "".join(
            f'[orggraph.provinces.{k}]\nname = "省{k}"\ndatabase = "prov_{k}"\nareas = ["{t}D001"]\n'
            for k, (t, _) in TAGS.items()
        ),
        encoding="utf-8",
    )
    env = {**cli_env, "ORGGRAPH_CONFIG": str(config), "COLUMNS": "200"}
    status = json.loads(runner.invoke(app, ["status", "--format", "json"], env=env, catch_exceptions=False).stdout)
    assert status["nodes"]["Building"] == sum(Counter(n.label for n in ns)["Building"] for ns, _ in records.values())
    assert {k: v["database"] for k, v in status["provinces"].items()} == {"a": "prov_a", "b": "prov_b", "c": "prov_c"}
    table = runner.invoke(app, ["status"], env=env, catch_exceptions=False).stdout
    assert "省a (prov_a)" in table and "全国 nation" in table
    gaps = runner.invoke(app, ["gaps", "--limit", "0"], env=env, catch_exceptions=False).stdout
    assert "各省 provinces" in gaps and "省b" in gaps and "AS0001" in gaps and "CS0001" in gaps
    crossed = runner.invoke(app, ["path", "AK00001", "BS0001"], env=env)
    assert crossed.exit_code == 2 and "within one province" in crossed.stderr


def test_init_creates_a_province_database(settings, cli_env, tmp_path):
    config = tmp_path / "orggraph.toml"
    config.write_text('[orggraph.provinces.new]\ndatabase = "prov_new"\nareas = ["ND001"]\n', encoding="utf-8")
    result = runner.invoke(app, ["init"], env={**cli_env, "ORGGRAPH_CONFIG": str(config)}, catch_exceptions=False)
    assert result.exit_code == 0 and "prov_new" in result.stdout
    server = EmbeddedServer(settings)
    state = server.status()
    assert state is not None
    held = server_api(state.http_port, server.password(), "GET", "/api/v1/databases", None, 10)["result"]
    assert "prov_new" in held and settings.embedded_database() in held


def test_no_mapping_is_one_database_and_a_bad_mapping_is_said(tmp_path, cli_env, demo_store):
    assert load_settings({}, environ={}).provinces == {}
    plain = json.loads(runner.invoke(app, ["status", "--format", "json"], env=cli_env, catch_exceptions=False).stdout)
    assert "provinces" not in plain and plain["nodes"]["District"] == 1
    config = tmp_path / "orggraph.toml"
    config.write_text(
        '[orggraph.provinces.x]\ndatabase = "px"\nareas = ["D1"]\n[orggraph.provinces.y]\ndatabase = "py"\n'
        'areas = ["D1"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="area D1 is in provinces x and y"):
        load_settings(config_path=config, environ={})
    config.write_text('[orggraph.provinces.x]\ndatabase = "px"\nareas = ["D1"]\nuri = "bolt://h:1"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="uri is for Neo4j"):
        load_settings(config_path=config, environ={})
    config.write_text('[orggraph.provinces.x]\ndatabase = "p x; drop"\nareas = ["D1"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"provinces\.x\.database"):
        load_settings(config_path=config, environ={})


def test_the_overview_adds_up_the_provinces_in_both_languages(loaded, app_env, monkeypatch, tmp_path):
    from app_harness import open_page, rerun

    monkeypatch.setenv("ORGGRAPH_CONFIG", str(province_config(tmp_path, TAGS)))
    with open_provinces(loaded, start=False) as stores:
        national = national_report(stores, None, TODAY)
    at = open_page("overview")
    assert "全国 · 各省" in [s.value for s in at.subheader]
    table = next(d.value for d in at.dataframe if "省份" in d.value.columns)
    assert list(table["省份"]) == ["省a", "省b", "省c", "全国"]
    for key, row in zip(["a", "b", "c"], table.itertuples(index=False), strict=False):
        one = national.provinces[key]
        assert (row[2], row[3], row[5]) == (sum(o.covered for o in one.outcomes), sum(o.total for o in one.outcomes),
                                            sum(len(o.gaps) for o in one.outcomes))  # fmt: skip
    nation = table.iloc[-1]
    assert nation["已覆盖"] == sum(o.covered for o in national.nation.outcomes)
    assert nation["缺口"] == sum(len(o.gaps) for o in national.nation.outcomes)
    at.sidebar.radio[0].set_value("en")
    at = rerun(at)
    assert "Nation · provinces" in [s.value for s in at.subheader]
    table = next(d.value for d in at.dataframe if "Province" in d.value.columns)
    assert list(table["Province"])[-1] == "Nation" and list(table.columns)[1:] == ["Records", "Covered", "To cover",
                                                                                   "Rate", "Gaps"]  # fmt: skip


def test_one_provinces_ledgers_load_once_into_its_database(loaded, records, tmp_path):
    """A province's office loading its own ledgers: no dry run first (its one load is all-or-nothing), and a
    reload of what is there changes nothing."""
    write_ledgers(*records["c"], tmp_path / "c", "xlsx")
    timings: dict[str, float] = {}
    with open_provinces(loaded, start=False) as stores:
        reports = load_by_province(stores, loaded, tmp_path / "c", timings=timings)
    assert list(reports) == ["c"] and reports["c"].written == 0
    assert list(timings) == ["route", "split", "write"]
