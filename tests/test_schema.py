"""The schema file is the single source of labels, properties, rules and the generated docs."""

from __future__ import annotations

import re

import pytest

from orggraph.analysis.query_catalogue import load_catalogue
from orggraph.analysis.service_circle import CODES as MEASURED_CODES
from orggraph.graph import statements
from orggraph.model.coverage_rules import load_rules
from orggraph.model.errors import SchemaError
from orggraph.model.schema import load_schema
from orggraph.present.model_docs import check_model_doc, render_model

DESIGN_LABELS = {
    "District",
    "Street",
    "Community",
    "Grid",
    "Compound",
    "Building",
    "CommercialZone",
    "CommercialBuilding",
    "PartyOrg",
    "Unit",
    "Agreement",
    "Need",
    "Resource",
    "Project",
    "Person",
    "OwnersCommittee",
    "ServiceStation",
}
DESIGN_RELATIONSHIPS = {
    "PART_OF",
    "LEADS",
    "COVERS",
    "MEMBER_OF",
    "HAS_ORG",
    "COVERED_BY",
    "LOCATED_IN",
    "SIGNED_BY",
    "FULFILLS",
    "USES",
    "REPORTS_TO",
    "HOLDS_POST",
    "WORKS_AT",
}


def test_schema_models_the_whole_domain_of_the_design():
    schema = load_schema()
    assert set(schema.nodes) >= DESIGN_LABELS
    assert set(schema.relationships) >= DESIGN_RELATIONSHIPS
    rules = load_rules().rules
    assert {r.coverage for r in rules} == {"组织覆盖", "工作覆盖"}
    assert len({r.id for r in rules}) == len(rules) >= 15


def test_every_coverage_rule_names_a_catalogue_query_and_explains_each_reason():
    catalogue = load_catalogue()
    for rule in load_rules().rules:
        assert rule.query in catalogue, rule.id
        assert [p.name for p in catalogue[rule.query].parameters] == ["as_of"], rule.id
        codes = set(re.findall(r"'([a-z][a-z_0-9]*_[a-z_0-9]+|orphan|unreached)'", catalogue[rule.query].text))
        codes |= set(MEASURED_CODES[rule.measure.kind]) if rule.measure else set()  # given in Python after the query
        assert codes == set(rule.reasons), (rule.id, codes)


def test_every_label_and_property_has_chinese_and_english_names():
    schema = load_schema()
    for node in schema.nodes.values():
        assert node.zh and node.en
        for prop in node.properties:
            assert prop.zh and prop.en, (node.label, prop.name)
    for rel in schema.relationships.values():
        assert rel.zh and rel.en and rel.verb_zh


def test_no_declared_property_is_a_forbidden_personal_field():
    schema = load_schema()
    forbidden = {f.lower() for f in schema.forbidden_properties}
    declared = {p.name.lower() for n in schema.nodes.values() for p in n.properties}
    declared |= {p.name.lower() for r in schema.relationships.values() for p in r.properties}
    assert not declared & forbidden
    person = schema.node("Person")
    assert person.property("name").sensitive and not person.property("name").required


def test_ddl_has_one_uniqueness_constraint_per_label():
    schema = load_schema()
    ddl = statements.schema_ddl(schema)
    constraints = [s for s in ddl if s.startswith("CREATE CONSTRAINT")]
    assert len(constraints) == len(schema.nodes)
    assert any("FOR (n:PartyOrg) ON (n.kind)" in s for s in ddl)


def test_statements_refuse_what_the_schema_does_not_declare():
    schema = load_schema()
    with pytest.raises(SchemaError, match="unknown node label 'Gird'"):
        statements.upsert_nodes(schema, "Gird")
    with pytest.raises(SchemaError):
        statements.upsert_edges(schema, "OWNS", "Unit", "Compound")
    with pytest.raises(SchemaError, match="not allowed"):
        statements.upsert_edges(schema, "PART_OF", "District", "Street")


def test_model_doc_is_generated_from_the_schema_and_current():
    check_model_doc()
    text = render_model(load_schema())
    assert "### `PartyOrg` — 党组织 / party organization" in text
    assert "`compound_org`" in text
