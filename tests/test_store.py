"""The Bolt store against the real embedded server: merges, provenance, plain values, read-only reads."""

from __future__ import annotations

import datetime as dt

import pytest
from neo4j.exceptions import ConstraintError

from orggraph.model.errors import QueryError, ReadOnlyViolation, SchemaError
from orggraph.model.records import EdgeRecord, NodeRecord, Source

SRC = Source("台账.xlsx", 7, load_id="L1", loaded_at="2026-11-01T08:00:00")


def _street_and_district(store):
    store.write_nodes(
        [
            NodeRecord("District", "D1", {"name": "任城区", "kind": "区"}, SRC),
            NodeRecord("Street", "S1", {"name": "太白街道"}, SRC),
        ]
    )
    store.write_edges([EdgeRecord("PART_OF", "Street", "S1", "District", "D1", {}, SRC)])


def test_written_nodes_come_back_as_plain_dicts_with_provenance(clean_store):
    _street_and_district(clean_store)
    rows = clean_store.read("MATCH (s:Street)-[r:PART_OF]->(d:District) RETURN s, r, d")
    assert rows == [
        {
            "s": {
                "_labels": ["Street"],
                "id": "S1",
                "name": "太白街道",
                "source_file": "台账.xlsx",
                "source_row": 7,
                "load_id": "L1",
                "loaded_at": "2026-11-01T08:00:00",
            },
            "r": {
                "_type": "PART_OF",
                "_start": "S1",
                "_end": "D1",
                "source_file": "台账.xlsx",
                "source_row": 7,
                "load_id": "L1",
                "loaded_at": "2026-11-01T08:00:00",
            },
            "d": {
                "_labels": ["District"],
                "id": "D1",
                "name": "任城区",
                "kind": "区",
                "source_file": "台账.xlsx",
                "source_row": 7,
                "load_id": "L1",
                "loaded_at": "2026-11-01T08:00:00",
            },
        }
    ]


def test_writing_twice_changes_nothing_and_a_changed_row_updates(clean_store):
    _street_and_district(clean_store)
    _street_and_district(clean_store)
    counts = clean_store.node_counts()
    assert (counts["District"], counts["Street"]) == (1, 1)
    assert clean_store.relationship_counts()["PART_OF"] == 1
    clean_store.write_nodes([NodeRecord("Street", "S1", {"name": "太白路街道", "population": 62000})])
    assert clean_store.read("MATCH (s:Street) RETURN s.name AS n, s.population AS p, s.load_id AS l") == [
        {"n": "太白路街道", "p": 62000, "l": "L1"}
    ]


def test_dates_and_hostile_strings_travel_as_parameters(clean_store):
    name = "协议'}) DETACH DELETE n //"
    clean_store.write_nodes([NodeRecord("Agreement", "A1", {"name": name, "signed": dt.date(2024, 1, 2)})])
    rows = clean_store.read("MATCH (a:Agreement {id: $id}) RETURN a.name AS name, a.signed AS signed", {"id": "A1"})
    assert rows == [{"name": name, "signed": dt.date(2024, 1, 2)}]


def test_unknown_property_or_label_never_reaches_the_database(clean_store):
    with pytest.raises(SchemaError, match="id_card"):
        clean_store.write_nodes([NodeRecord("Person", "P1", {"id_card": "370802199001011234"})])
    with pytest.raises(SchemaError):
        clean_store.write_nodes([NodeRecord("Secretary", "X1", {"name": "x"})])
    with pytest.raises(SchemaError, match="not allowed"):
        clean_store.write_edges([EdgeRecord("PART_OF", "District", "D1", "Street", "S1")])
    assert sum(clean_store.node_counts().values()) == 0


def test_reads_that_would_write_are_refused_before_sending(clean_store):
    with pytest.raises(ReadOnlyViolation):
        clean_store.read("CREATE (n:Street {id: 'x', name: 'x'}) RETURN n")
    assert clean_store.node_counts()["Street"] == 0


def test_a_statement_the_server_rejects_is_a_query_error(clean_store):
    with pytest.raises(QueryError) as err:
        clean_store.read("MATCH (n RETURN n")
    assert err.value.zh and err.value.en


def test_schema_setup_is_idempotent_and_visible(session_store):
    session_store.ensure_schema()
    assert session_store.ensure_schema() == []  # everything already there: nothing sent again
    names = {row["name"] for row in session_store.read("SHOW CONSTRAINTS")}
    assert {"partyorg_id_unique", "compound_id_unique"} <= names


def test_uniqueness_is_enforced_by_the_server(clean_store):
    clean_store.write_nodes([NodeRecord("Grid", "G1", {"name": "第一网格"})])
    with pytest.raises(ConstraintError):
        clean_store.driver.execute_query("CREATE (g:Grid {id: 'G1', name: 'dup'})", database_=clean_store.database)
    assert clean_store.node_counts()["Grid"] == 1


def test_large_batches_are_split(clean_store):
    rows = [NodeRecord("Building", f"B{i}", {"name": f"{i}号楼"}) for i in range(2_345)]
    assert clean_store.write_nodes(rows, batch_size=500) == 2_345
    assert clean_store.node_counts()["Building"] == 2_345


def test_server_info_names_the_backend(session_store):
    info = session_store.server_info()
    assert info["backend"] == "embedded" and "Neo4j/5" in info["agent"]
