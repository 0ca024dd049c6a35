"""Every saved query has a proper header, binds typed parameters, and answers on the demo region."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from orggraph.analysis.query_catalogue import bind, find_query, load_catalogue, parse_query, run_query
from orggraph.model.errors import QueryError, ReadOnlyViolation

CATALOGUE = load_catalogue()


def test_catalogue_is_not_empty_and_names_are_file_names():
    assert len(CATALOGUE) >= 5
    for q in CATALOGUE.values():
        assert q.path.stem == q.name
        assert q.zh and q.en and q.text


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_query_runs_on_the_demo_with_its_defaults(demo_store, name):
    query = CATALOGUE[name]
    given = {p.name: "O01" if "org" in p.name else "S01" for p in query.parameters if p.required}
    rows = run_query(demo_store, query, given)
    assert isinstance(rows, list)
    if name in ("label_counts", "find_by_name", "org_subordinates", "compounds_without_org"):
        assert rows, f"{name} returned nothing on the demo region"


def test_known_answers_on_the_demo(demo_store):
    gaps = run_query(demo_store, CATALOGUE["compounds_without_org"], {})
    assert sorted(r["id"] for r in gaps) == ["K02", "K03", "K04"]
    in_street = run_query(demo_store, CATALOGUE["compounds_without_org"], {"street_id": "S02"})
    assert [r["compound"] for r in in_street] == ["古槐小区"]
    subs = run_query(demo_store, CATALOGUE["org_subordinates"], {"org_id": "O04"})
    assert [(r["id"], r["level"]) for r in subs] == [("O07", 1), ("O08", 2), ("O14", 3)]
    lapsing = run_query(demo_store, CATALOGUE["agreements_expiring"], {"as_of": "2026-11-22", "days": "120"})
    assert {(r["id"], r["state"]) for r in lapsing} == {("A01", "即将到期"), ("A02", "已过期")}


def test_parameters_are_typed_and_checked():
    q = CATALOGUE["agreements_expiring"]
    assert bind(q, {"as_of": "2025-01-31"}) == {"as_of": dt.date(2025, 1, 31), "days": 90}
    with pytest.raises(QueryError, match="integer"):
        bind(q, {"days": "ninety"})
    with pytest.raises(QueryError, match="no parameter"):
        bind(q, {"dayz": "3"})
    with pytest.raises(QueryError, match="needs parameter org_id"):
        bind(CATALOGUE["org_subordinates"], {})


def test_unknown_query_lists_the_known_ones():
    with pytest.raises(QueryError) as err:
        find_query("no_such_query")
    assert "label_counts" in err.value.en and "没有名为" in err.value.zh


def test_a_script_file_that_writes_is_refused(demo_store, tmp_path: Path):
    script = tmp_path / "sneaky.cypher"
    script.write_text(
        "// name: sneaky\n// zh: 偷偷写\n// en: sneaky write\nMATCH (n:Street) SET n.name = 'x'\n", encoding="utf-8"
    )
    with pytest.raises(ReadOnlyViolation):
        run_query(demo_store, parse_query(script))
    assert demo_store.read("MATCH (s:Street {id: 'S01'}) RETURN s.name AS n") == [{"n": "太白街道"}]


def test_a_script_without_header_is_rejected(tmp_path: Path):
    script = tmp_path / "bare.cypher"
    script.write_text("MATCH (n) RETURN n\n", encoding="utf-8")
    with pytest.raises(QueryError, match="header lacks name"):
        parse_query(script)


def test_a_script_file_missing_or_not_utf8_is_said_so(tmp_path: Path):
    """A mistyped path was reported as "no query named …/查询.cypher", and a GBK-saved script as a traceback."""
    with pytest.raises(QueryError, match="no such query file"):
        find_query(str(tmp_path / "没有这个.cypher"))
    script = tmp_path / "gbk.cypher"
    script.write_bytes("// name: gbk\n// zh: 按名称\n// en: by name\nMATCH (n) RETURN n\n".encode("gbk"))
    with pytest.raises(QueryError, match=r"gbk\.cypher: not UTF-8 text") as err:
        find_query(str(script))
    assert "请另存为 UTF-8" in err.value.zh


def test_person_header_declares_where_names_sit(tmp_path: Path):
    """``// person:`` lists result columns or nested places (comma-separated, several lines allowed) holding a
    person's name; tests/test_name_masking.py fails when a catalogue query returns a name it does not declare."""
    script = tmp_path / "names.cypher"
    script.write_text(
        "// name: names\n// zh: 姓名\n// en: names\n// person: secretary, members[*]\n// person: orgs[*][7][*][1]\n"
        "MATCH (p:Person) RETURN p.name AS secretary\n",
        encoding="utf-8",
    )
    assert parse_query(script).person == ("secretary", "members[*]", "orgs[*][7][*][1]")
    assert not parse_query(script).in_catalogue  # a user's own file: every known name is masked besides
    assert CATALOGUE["org_tree"].person == ("orgs[*][7][*][1]",) and CATALOGUE["org_tree"].in_catalogue
    assert [q.name for q in CATALOGUE.values() if q.person] == ["org_tree"]


def test_a_catalogue_file_is_parsed_again_only_when_it_changed(tmp_path: Path):
    script = tmp_path / "mine.cypher"
    script.write_text("// name: mine\n// zh: 我的\n// en: mine\nMATCH (n) RETURN count(n) AS n\n", encoding="utf-8")
    first = load_catalogue(tmp_path)["mine"]
    assert load_catalogue(tmp_path)["mine"] is first  # unchanged: the parse is reused
    script.write_text("// name: mine\n// zh: 我的\n// en: mine\nMATCH (n:Street) RETURN count(n) AS n\n", "utf-8")
    assert load_catalogue(tmp_path)["mine"].text == "MATCH (n:Street) RETURN count(n) AS n"  # edited: read anew
