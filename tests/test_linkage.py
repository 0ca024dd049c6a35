"""Linkage paths, reach and entity search: hand-checked answers on the demo fixture, and the server's
answers against a networkx reference on generated street regions."""

from __future__ import annotations

import itertools
import random
import re

import networkx as nx
import pytest

from orggraph.analysis.entities import AmbiguousEntity, Entity, find_entities, resolve_entity
from orggraph.analysis.linkage import (
    GEOGRAPHY,
    LinkagePath,
    Rel,
    linkage_path_avoiding,
    linkage_paths,
    linkage_statements,
    reach,
)
from orggraph.analysis.query_catalogue import QUERIES_DIR, load_catalogue, run_query
from orggraph.ingest.graph_export import export_records
from orggraph.ingest.load import load_demo_region
from orggraph.model.errors import QueryError
from orggraph.model.schema import load_schema

CJK = re.compile(r"[\u4e00-\u9fff]")
AGREEMENT_A01 = "金城社区与国网济宁供电公司共建协议"


# --- the demo fixture, by hand ----------------------------------------------------------------------
def test_paths_between_a_unit_org_and_a_compound_written_out_by_hand(demo_store):
    """Organisational ties first (issue 13): the chain of orgs (双报到 → 覆盖 → 领导 → 领导 → 覆盖) comes before the
    shorter ones that only share a place, and a chain of nothing but 隶属/位于 comes last, flagged geographic."""
    paths = linkage_paths(demo_store, "国网济宁供电公司党委", "K01", k=3)
    assert [p.explain() for p in paths] == [
        "国网济宁供电公司党委 —双报到→ 金城社区 ←覆盖— 金城社区党委 —领导→ 金城社区第一网格党支部 "
        "—领导→ 金城小区党支部 —覆盖→ 金城小区",
        "国网济宁供电公司党委 —双报到→ 金城社区 ←位于— 济宁运河物业服务有限公司 —物业服务→ 金城小区",
        "国网济宁供电公司党委 —双报到→ 金城社区 ←隶属— 金城社区第一网格 ←隶属— 金城小区",
    ]
    assert [(p.length, p.geography_steps) for p in paths] == [(5, 0), (3, 1), (3, 2)]
    geo = paths[2]
    assert [n.id for n in geo.nodes] == ["O10", "C02", "G03", "K01"]
    assert geo.rels == (Rel("REPORTS_TO", True), Rel("PART_OF", False), Rel("PART_OF", False))
    assert geo.explain("en") == (
        "国网济宁供电公司党委 -[reports to (dual reporting)]-> 金城社区 <-[part of]- 金城社区第一网格 "
        "<-[part of]- 金城小区"
    )
    assert linkage_paths(demo_store, "O10", "K01", k=1)[0].geography_steps == 0
    agreement = linkage_paths(demo_store, "O10", "K01", k=5)
    assert any(f"共建协议「{AGREEMENT_A01}」" in p.explain() for p in agreement)


def test_a_path_over_chosen_relationship_types_by_hand(demo_store):
    (path,) = linkage_paths(demo_store, "O10", "金城小区", via=("SIGNED_BY", "LEADS", "COVERS"), k=3)
    assert path.explain() == (
        f"国网济宁供电公司党委 —共建协议「{AGREEMENT_A01}」→ 金城社区党委 —领导→ 金城社区第一网格党支部 "
        "—领导→ 金城小区党支部 —覆盖→ 金城小区"
    )
    assert path.explain("en").startswith(
        f'国网济宁供电公司党委 -[co-building agreement "{AGREEMENT_A01}"]-> 金城社区党委'
    )
    assert path.rels[:2] == (Rel("SIGNED_BY", False), Rel("SIGNED_BY", True))


def test_no_path_within_the_limit_is_an_empty_list(demo_store):
    assert linkage_paths(demo_store, "O10", "K01", via=("LEADS",)) == []
    assert linkage_paths(demo_store, "O10", "K01", max_hops=2) == []
    assert linkage_paths(demo_store, "O10", "K01", max_hops=3, k=1)[0].length == 3


def test_a_path_avoiding_a_node(demo_store):
    path = linkage_path_avoiding(demo_store, "O10", "K01", avoid="C02")
    assert [n.id for n in path.nodes] == ["O10", "A01", "O04", "O07", "G03", "K01"]
    assert linkage_path_avoiding(demo_store, "O10", "K01", avoid="C02", max_hops=4) is None


def test_who_can_reach_a_compound_by_hand(demo_store):
    found = reach(demo_store, "金城小区", hops=2)
    assert [(r.distance, r.entity.label, r.entity.id, r.stationed) for r in found] == [
        (1, "Unit", "U03", True),
        (1, "PartyOrg", "O08", None),
        (2, "PartyOrg", "O07", None),
        (2, "PartyOrg", "O12", None),
        (2, "PartyOrg", "O14", None),
    ]
    three = reach(demo_store, "K01", hops=3, labels=("Resource",))
    assert [(r.distance, r.entity.id, r.entity.name) for r in three] == [(3, "R01", "义诊与健康讲座")]
    assert [r.entity.id for r in reach(demo_store, "K01", hops=3, via=("PART_OF",), labels=("Community",))] == ["C02"]


def test_entity_search_ranks_exact_prefix_contains_and_in_order(demo_store):
    assert resolve_entity(demo_store, "太白社区") == Entity("C01", "Community", "太白社区", "城市社区")
    names = [e.name for e in find_entities(demo_store, "太白社区")]
    assert names[0] == "太白社区" and names[1:3] == ["太白社区党委", "太白社区第一网格"]
    assert [e.id for e in find_entities(demo_store, "太白商圈")] == ["Z01", "O09"]  # 太白路商圈 …综合党委
    assert resolve_entity(demo_store, "太白商圈").name == "太白路商圈"
    assert resolve_entity(demo_store, " 供电公司党委 ").id == "O10"  # contains
    assert resolve_entity(demo_store, "O10").name == "国网济宁供电公司党委"
    assert resolve_entity(demo_store, "PartyOrg:O10").id == "O10"
    assert find_entities(demo_store, "Ｏ１０") == find_entities(demo_store, "O10")  # full-width folded


@pytest.mark.parametrize(
    "text",
    [
        "国网济宁供电公司党委",  # a full official name (a server-side regex over every node timed out on such names)
        "济宁市第一人民医院党委" * 9,  # 99 characters
        "太白'社区\"",
        ".*(?i)[a-z]+$",
        "太白社区) RETURN 1 //",
        "\\d{3}",
        "　太白　",
    ],
)
def test_any_text_searches_without_error(demo_store, text):
    found = find_entities(demo_store, text)
    assert isinstance(found, list)
    if text.startswith("国网"):
        assert found[0].id == "O10"


def test_the_name_index_is_searched_tier_by_tier_and_only_as_far_as_needed(demo_store):
    from orggraph.analysis.name_index import NameIndex

    index = NameIndex.fetch(demo_store)
    assert [(n.name, tier) for n, tier in index.search("太白社区", 2)] == [("太白社区", 1), ("太白社区党委", 2)]
    assert [tier for _, tier in index.search("太白商圈", 5)] == [4, 4]
    assert not any(n.label == "Person" for n in index.entries)


def test_people_are_found_by_id_only_and_shown_by_id(demo_store):
    assert find_entities(demo_store, "王建国") == []
    assert find_entities(demo_store, "PS001") == [Entity("PS001", "Person", "PS001", None)]
    path = linkage_paths(demo_store, "PS003", "U03", k=1)[0]
    assert path.explain() == "PS003 —党建工作指导→ 济宁运河物业服务有限公司"


BAD_INPUT = {
    "unknown-entity": lambda s: resolve_entity(s, "不存在的单位"),
    "wrong-label": lambda s: resolve_entity(s, "Unit:O10"),
    "from-is-to": lambda s: linkage_paths(s, "O10", "国网济宁供电公司党委"),
    "hops-0": lambda s: linkage_paths(s, "O10", "K01", max_hops=0),
    "hops-99": lambda s: linkage_paths(s, "O10", "K01", max_hops=99),
    "unknown-type": lambda s: linkage_paths(s, "O10", "K01", via=("LEADS", "FRIENDS_WITH")),
    "reach-hops-0": lambda s: reach(s, "K01", hops=0),
    "reach-hops-99": lambda s: reach(s, "K01", hops=99),
    "unknown-label": lambda s: reach(s, "K01", labels=("Planet",)),
    "avoid-an-end": lambda s: linkage_path_avoiding(s, "O10", "K01", avoid="K01"),
    "language": lambda s: linkage_paths(s, "O10", "K01")[0].explain("fr"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUT))
def test_bad_input_is_a_query_error_in_chinese_and_english(demo_store, case):
    with pytest.raises(QueryError) as err:
        BAD_INPUT[case](demo_store)
    assert CJK.search(err.value.zh) and re.search(r"[a-z]{3,} [a-z]{2,}", err.value.en)


def test_an_ambiguous_name_lists_the_candidates(demo_store):
    with pytest.raises(AmbiguousEntity) as err:
        resolve_entity(demo_store, "金城")  # 金城社区 and 金城小区: both start with it, same length
    assert [(c.label, c.id) for c in err.value.candidates] == [("Compound", "K01"), ("Community", "C02")]
    for text in (err.value.zh, err.value.en):
        assert "Community C02 金城社区" in text and "Compound K01 金城小区" in text
    assert isinstance(err.value, QueryError)


def test_unknown_type_error_names_the_valid_ones(demo_store):
    with pytest.raises(QueryError) as err:
        linkage_paths(demo_store, "O10", "K01", via=("FRIENDS_WITH",))
    assert "FRIENDS_WITH" in err.value.en and "LEADS" in err.value.en and "领导" in err.value.zh


def test_the_catalogue_scripts_agree_with_the_engine(demo_store):
    catalogue = load_catalogue()
    rows = run_query(demo_store, catalogue["linkage_paths"], {"from_id": "O10", "to_id": "K01"})
    shortest = sorted(linkage_paths(demo_store, "O10", "K01", k=3), key=lambda p: p.sort_key())  # by ids, as the script
    engine = [p.explain() for p in shortest if p.length == 3]
    assert [r["chain"] for r in rows] == engine
    rows = run_query(demo_store, catalogue["reach_within"], {"id": "K01"})
    assert [(r["distance"], r["label"], r["id"]) for r in rows] == sorted(
        (r.distance, r.entity.label, r.entity.id) for r in reach(demo_store, "K01", hops=3)
    )


def test_the_relationship_names_in_the_linkage_script_are_the_schemas():
    text = (QUERIES_DIR / "linkage_paths.cypher").read_text(encoding="utf-8")
    in_script = dict(re.findall(r"(\w+): '([^']+)'", text.split("AS names,")[1].split("AS zh")[0]))
    assert in_script == {t: r.zh for t, r in load_schema().relationships.items()}


def test_statements_are_built_from_validated_values_only():
    texts = linkage_statements()
    assert {"shortest:PartyOrg->Compound", "all_shortest:Unit->PartyOrg:via", "expand_edges", "entity_by_id"} <= set(
        texts
    )
    assert "[:LEADS|COVERS|SIGNED_BY*..20]" in texts["shortest:Unit->PartyOrg:via"]
    for text in texts.values():
        assert "'O10'" not in text and "K01" not in text  # values travel as parameters


# --- generated regions against networkx -----------------------------------------------------------
SEEDS = (3, 11, 29)
VIA_CHOICES = ((), ("LEADS", "COVERS"), ("PART_OF", "LOCATED_IN", "HAS_ORG", "SIGNED_BY"), ("LEADS",))


def reference(store) -> tuple[nx.Graph, dict, dict]:
    """The graph as networkx sees it: nodes (label, id); per node pair the stored ties (type, forward)."""
    nodes, edges = export_records(store)
    graph, ties = nx.Graph(), {}
    graph.add_nodes_from(((n.label, n.id), {"stationed": n.props.get("stationed")}) for n in nodes)
    for e in edges:
        a, b = (e.src_label, e.src_id), (e.dst_label, e.dst_id)
        graph.add_edge(a, b)
        ties.setdefault((a, b), set()).add((e.type, True))
        ties.setdefault((b, a), set()).add((e.type, False))
    return graph, ties, {n: d for n, d in graph.nodes(data=True)}


def restricted(graph: nx.Graph, ties: dict, via: tuple[str, ...]) -> nx.Graph:
    if not via:
        return graph
    sub = nx.Graph()
    sub.add_nodes_from(graph.nodes)
    sub.add_edges_from((a, b) for (a, b), ts in ties.items() if any(t in via for t, _ in ts))
    return sub


def nx_length(graph: nx.Graph, a, b, cutoff: int) -> int | None:
    try:
        length = nx.shortest_path_length(graph, a, b)
    except nx.NetworkXNoPath:
        return None
    return length if length <= cutoff else None


def assert_valid(path: LinkagePath, ties: dict, via: tuple[str, ...]) -> None:
    keys = [(n.label, n.id) for n in path.nodes]
    assert len(set(keys)) == len(keys), "a path never repeats a node"
    for (a, b), rel in zip(itertools.pairwise(keys), path.rels, strict=True):
        assert (rel.type, rel.forward) in ties[(a, b)], (a, b, rel)
        assert not via or rel.type in via


def smallest_shortest(graph: nx.Graph, a, b, limit: int = 5000):
    """The shortest path with the smallest (id, label) sequence, or None when there are too many to list."""
    paths = list(itertools.islice(nx.all_shortest_paths(graph, a, b), limit + 1))
    if len(paths) > limit:
        return None
    return min(paths, key=lambda p: [(i, label) for label, i in p])


@pytest.fixture(params=SEEDS)
def region(request, clean_store, tmp_path):
    load_demo_region(clean_store, "street", request.param, tmp_path / "ledgers", fmt="csv")
    graph, ties, data = reference(clean_store)
    return clean_store, graph, ties, data, random.Random(request.param)


def test_paths_match_networkx_on_generated_regions(region):
    store, graph, ties, _, rng = region
    pool = sorted(n for n in graph.nodes if n[0] in ("PartyOrg", "Unit", "Compound", "Community", "Person"))
    seen_none = seen_some = 0
    for i in range(30):
        via, hops = VIA_CHOICES[i % len(VIA_CHOICES)], rng.choice((3, 5, 8))
        sub = restricted(graph, ties, via)
        a, b = rng.sample(pool, 2)
        near = sorted(n for n in nx.single_source_shortest_path_length(sub, a, cutoff=hops) if n != a)
        if i % 3 and near:  # two pairs in three are linked within the limit (random pairs mostly are not)
            b = rng.choice(near)
        expected = nx_length(sub, a, b, hops)
        src, dst = Entity(a[1], a[0], a[1]), Entity(b[1], b[0], b[1])
        paths = linkage_paths(store, src, dst, via=via, max_hops=hops, k=3)
        if expected is None:
            seen_none += 1
            assert paths == [] and linkage_paths(store, src, dst, via=via, max_hops=hops, k=1) == []
            continue
        seen_some += 1
        assert len(paths) <= 3 and len(set(paths)) == len(paths)
        for p in paths:
            assert_valid(p, ties, via)
            assert expected <= p.length <= hops
        shortest = list(itertools.islice(nx.all_shortest_paths(sub, a, b), 3))
        if not via:  # every type: organisational ties ranked before geography (issue 13), not shortest first
            assert paths == sorted(paths, key=LinkagePath.rank_key)
            organisational = tuple({t for ts in ties.values() for t, _ in ts} - GEOGRAPHY)
            org_length = nx_length(restricted(graph, ties, organisational), a, b, hops)
            if org_length is not None:  # a chain of organisational ties exists: it is the first answer
                assert (paths[0].geography_steps, paths[0].length) == (0, org_length)
            continue
        assert linkage_paths(store, src, dst, via=via, max_hops=hops, k=1)[0].length == expected
        assert paths[0].length == expected
        assert paths == sorted(paths, key=LinkagePath.sort_key)
        assert sum(p.length == expected for p in paths) >= len(shortest)  # allShortestPaths misses none
        if (smallest := smallest_shortest(sub, a, b)) is not None:
            assert [(n.label, n.id) for n in paths[0].nodes] == smallest
    assert seen_none and seen_some


def test_paths_avoiding_a_node_match_networkx(region):
    store, graph, ties, _, rng = region
    pool = sorted(n for n in graph.nodes if n[0] in ("PartyOrg", "Unit", "Compound"))
    checked = 0
    while checked < 8:
        a, b = rng.sample(pool, 2)
        if nx_length(graph, a, b, 8) is None or nx.shortest_path_length(graph, a, b) < 2:
            continue
        avoid = rng.choice(nx.shortest_path(graph, a, b)[1:-1])
        sub = graph.subgraph(n for n in graph.nodes if n != avoid)
        path = linkage_path_avoiding(
            store, Entity(a[1], a[0], ""), Entity(b[1], b[0], ""), Entity(avoid[1], avoid[0], ""), max_hops=8
        )
        expected = nx_length(sub, a, b, 8)
        assert (path.length if path else None) == expected
        if path is not None:
            assert_valid(path, ties, ())
            if (smallest := smallest_shortest(sub, a, b)) is not None:
                assert [(n.label, n.id) for n in path.nodes] == smallest
        checked += 1


def test_reach_matches_networkx_on_generated_regions(region):
    store, graph, ties, data, rng = region
    labels = ("Unit", "PartyOrg", "Resource")
    sources = rng.sample(sorted(n for n in graph.nodes if n[0] == "Compound"), 3) + rng.sample(
        sorted(n for n in graph.nodes if n[0] in ("Need", "Community", "Unit")), 2
    )
    for i, source in enumerate(sources):
        hops, via = 1 + i % 3, VIA_CHOICES[i % 3]
        sub = restricted(graph, ties, via)
        distances = nx.single_source_shortest_path_length(sub, source, cutoff=hops)
        expected = {(n[0], n[1], d) for n, d in distances.items() if n[0] in labels and n != source}
        found = reach(store, Entity(source[1], source[0], ""), hops=hops, via=via)
        assert {(r.entity.label, r.entity.id, r.distance) for r in found} == expected
        assert len(found) == len(expected)
        for r in found:
            node = data[(r.entity.label, r.entity.id)]
            assert r.stationed == (bool(node["stationed"]) if r.entity.label == "Unit" else None)
