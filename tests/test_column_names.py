"""Every column a catalogue query returns has a 中文 and an English name (``model/column_names.yaml``), so the
Cypher page and its downloads never show a query's identifiers to a clerk; parameters read as words too."""

from __future__ import annotations

import pytest
from fixed_date import TODAY
from test_area_scope import SAMPLE_PARAMS

from orggraph.analysis.query_catalogue import load_catalogue, run_query
from orggraph.app.pages.cypher import param_label
from orggraph.present.column_names import column_names


@pytest.mark.parametrize("name", sorted(load_catalogue()))
def test_every_column_of_every_catalogue_query_is_named(name, demo_store):
    query = load_catalogue()[name]
    given = {**SAMPLE_PARAMS, "org_id": "O00", "q": "太白"}  # the district committee: it has subordinates
    params = {p.name: given[p.name] for p in query.parameters if p.required}
    rows = run_query(demo_store, query, params, TODAY)
    assert rows, name
    assert set(rows[0]) <= set(column_names()), sorted(set(rows[0]) - set(column_names()))


def test_parameters_read_as_words_in_either_language():
    query = load_catalogue()["agreements_expiring"]
    as_of = next(p for p in query.parameters if p.name == "as_of")
    assert param_label(as_of, "zh") == "截至日期" and param_label(as_of, "en") == "as-of date"
    labels = [param_label(p, "zh") for q in load_catalogue().values() for p in q.parameters]
    assert all(not any(c.isascii() and c.isalpha() for c in label) for label in labels), labels
