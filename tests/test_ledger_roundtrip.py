"""Round trip (Hypothesis): records → ledgers (xlsx; CSV in UTF-8 and GB18030) → load → export → the
same records. Random regions, every property type, against the real embedded server."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.ledger_writer import write_ledgers
from orggraph.ingest.graph_export import export_records
from orggraph.ingest.load import load_ledgers
from orggraph.model.credit_code import ALPHABET, with_check
from orggraph.model.records import EdgeRecord, NodeRecord
from orggraph.model.schema import PropertySpec, load_schema

SCHEMA = load_schema()
TEXT = st.text(
    alphabet=st.sampled_from(list("太白金城社区街道小区网格阳光花园东西南北一二三四五ABCxyz012")),
    min_size=1,
    max_size=10,
)
SIMPLE = {
    "string": TEXT,
    "integer": st.integers(0, 10**6),
    "boolean": st.booleans(),
    "float": st.floats(-180, 1000, allow_nan=False, allow_infinity=False).map(lambda f: round(f, 5)),
    "date": st.dates(dt.date(1950, 1, 1), dt.date(2040, 12, 31)),
}


def value_of(spec: PropertySpec) -> st.SearchStrategy:
    if spec.enum:
        return st.sampled_from(spec.enum)
    if spec.format == "credit_code":
        return st.text(alphabet=st.sampled_from(ALPHABET), min_size=17, max_size=17).map(with_check)
    if spec.minimum is not None or spec.maximum is not None:  # a coordinate: within its range
        low, high = spec.minimum or 0.0, spec.maximum or 1000.0
        return st.floats(low, high, allow_nan=False).map(lambda f: min(max(round(f, 6), low), high))
    return SIMPLE[spec.type]


@st.composite
def properties(draw, specs: tuple[PropertySpec, ...], date_order=(), together=()) -> dict:
    props = {}
    for spec in specs:
        if spec.name != "id" and (spec.required or draw(st.booleans())):
            props[spec.name] = draw(value_of(spec))
    for first, second in date_order:
        if first in props and second in props and props[first] > props[second]:
            props[first], props[second] = props[second], props[first]
    for pair in together:  # both or neither (经度 and 纬度)
        if sum(name in props for name in pair) == 1:
            for name in pair:
                props.pop(name, None)
    return props


@st.composite
def regions(draw) -> tuple[list[NodeRecord], list[EdgeRecord]]:
    nodes, edges = [], []

    def node(label: str, node_id: str, **fixed) -> str:
        spec = SCHEMA.node(label)
        drawn = draw(properties(spec.properties, spec.date_order, spec.together))
        nodes.append(NodeRecord(label, node_id, {**drawn, **fixed}))
        return node_id

    def edge(rel: str, src: tuple[str, str], dst: tuple[str, str]) -> None:
        spec = SCHEMA.relationship(rel)
        edges.append(
            EdgeRecord(rel, src[0], src[1], dst[0], dst[1], draw(properties(spec.properties, spec.date_order)))
        )

    top = ("PartyOrg", node("PartyOrg", "O", kind="区县党委"))
    district = ("District", node("District", "D"))
    edge("COVERS", top, district)
    for s in range(draw(st.integers(1, 2))):
        street = ("Street", node("Street", f"S{s}"))
        edge("PART_OF", street, district)
        street_org = ("PartyOrg", node("PartyOrg", f"S{s}O", kind="街道党工委"))
        edge("LEADS", top, street_org)
        edge("COVERS", street_org, street)
        for c in range(draw(st.integers(0, 2))):
            community = ("Community", node("Community", f"S{s}C{c}"))
            edge("PART_OF", community, street)
            org = ("PartyOrg", node("PartyOrg", f"S{s}C{c}O", kind="社区党委"))
            edge("LEADS", street_org, org)
            edge("COVERS", org, community)
            for g in range(draw(st.integers(0, 2))):
                grid = ("Grid", node("Grid", f"S{s}C{c}G{g}"))
                edge("PART_OF", grid, community)
                compound = ("Compound", node("Compound", f"S{s}C{c}G{g}K"))
                edge("PART_OF", compound, grid if draw(st.booleans()) else community)
            unit = ("Unit", node("Unit", f"S{s}C{c}U"))
            unit_org = ("PartyOrg", node("PartyOrg", f"S{s}C{c}UO", kind="单位党支部"))
            edge("LOCATED_IN", unit, community)
            edge("HAS_ORG", unit, unit_org)
            agreement = ("Agreement", node("Agreement", f"S{s}C{c}A"))
            edge("SIGNED_BY", agreement, org)
            edge("SIGNED_BY", agreement, unit_org)
            person = ("Person", node("Person", f"P{s}{c}"))
            edge("HOLDS_POST", person, org)
            edge("WORKS_AT", person, unit)
    return nodes, edges


def as_sets(nodes, edges):
    return (
        {(n.label, n.id, tuple(sorted(n.props.items()))) for n in nodes},
        {(e.type, e.src_label, e.src_id, e.dst_label, e.dst_id, tuple(sorted(e.props.items()))) for e in edges},
    )


@pytest.mark.parametrize(("fmt", "encoding"), [("xlsx", "utf-8"), ("csv", "utf-8"), ("csv", "gb18030")])
def test_records_survive_ledgers_load_and_export(clean_store, fmt, encoding):
    @settings(
        max_examples=15,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(region=regions())
    def round_trip(region):
        nodes, edges = region
        clean_store.clear()
        with tempfile.TemporaryDirectory() as tmp:
            write_ledgers(nodes, edges, Path(tmp), fmt, encoding)
            load_ledgers(clean_store, Path(tmp))
        assert as_sets(*export_records(clean_store)) == as_sets(nodes, edges)

    round_trip()
