"""The ledger layout agrees with the schema: every label has a sheet, every edge column is allowed."""

from __future__ import annotations

from loaders.layout import header_key, load_layout
from orggraph.model.schema import load_schema


def test_every_label_and_relationship_type_can_be_written_in_some_ledger():
    layout, schema = load_layout(), load_schema()
    labels = {s.label for s in layout.sheets if s.label}
    types = {c.edge for s in layout.sheets for c in s.all_columns if c.edge}
    assert labels == set(schema.nodes) - {"LoadRun"}
    assert types == set(schema.relationships)


def test_every_edge_column_points_where_the_schema_allows():
    schema = load_schema()
    for sheet in load_layout().sheets:
        if sheet.edge_sheet:
            e = sheet.edge_sheet
            rel = schema.relationship(e.type)
            assert all(rel.allows(a, b) for a in e.from_.targets for b in e.to.targets), sheet.id
            continue
        for col in sheet.columns:
            if col.edge:
                rel = schema.relationship(col.edge)
                pairs = [(t, sheet.label) if col.reverse else (sheet.label, t) for t in col.targets]
                assert all(rel.allows(*p) for p in pairs), (sheet.id, col.zh)


def test_headers_are_unique_within_each_sheet():
    for sheet in load_layout().sheets:
        keys = [header_key(c.header) for c in sheet.all_columns]
        assert len(keys) == len(set(keys)), sheet.id
