"""Bulk load through the store vs a bare driver ``UNWIND`` of the same prepared rows.

200k nodes and 300k relationships shaped like a region (streets → communities → grids → compounds
→ buildings; orgs leading orgs and covering areas; units with their orgs). Both sides run against
the same fresh server with the same constraints and the same batch size; each side runs twice and
keeps its best, alternating, so neither gets the warmer JVM.
"""

from __future__ import annotations

import random
from collections import defaultdict

from neo4j import GraphDatabase

from benchmarks.harness import Figure, server_rss_mb, timed
from orggraph.graph import statements
from orggraph.graph.backends import open_store
from orggraph.model.records import EdgeRecord, NodeRecord, Source
from orggraph.model.schema import load_schema

LEVELS = [
    ("District", 1),
    ("Street", 100),
    ("Community", 2_000),
    ("Grid", 10_000),
    ("Compound", 30_000),
    ("Building", 120_000),
]
ORGS, UNITS, EXTRA_COVERS = 30_000, 7_899, 62_103
BATCH = 10_000


def make_records(seed: int = 7) -> tuple[list[NodeRecord], list[EdgeRecord]]:
    rnd = random.Random(seed)
    src = Source("bench.xlsx", 1, load_id="bench")
    nodes, edges, ids = [], [], {}
    for label, n in LEVELS:
        ids[label] = [f"{label[:2]}{i}" for i in range(n)]
        nodes += [NodeRecord(label, i, {"name": f"{label}{i}号"}, src) for i in ids[label]]
    for (child, _), (parent, _) in zip(LEVELS[1:], LEVELS, strict=False):
        edges += [EdgeRecord("PART_OF", child, c, parent, rnd.choice(ids[parent]), {}, src) for c in ids[child]]
    orgs = [f"O{i}" for i in range(ORGS)]
    nodes += [NodeRecord("PartyOrg", o, {"name": f"党组织{o}", "kind": "小区党支部", "members": 8}, src) for o in orgs]
    edges += [
        EdgeRecord("LEADS", "PartyOrg", orgs[rnd.randrange(i)], "PartyOrg", o, {}, src) for i, o in enumerate(orgs) if i
    ]
    edges += [EdgeRecord("COVERS", "PartyOrg", o, "Compound", ids["Compound"][i], {}, src) for i, o in enumerate(orgs)]
    pairs = set()
    while len(pairs) < EXTRA_COVERS:
        pairs.add((rnd.choice(orgs), rnd.choice(ids["Building"])))
    edges += [EdgeRecord("COVERS", "PartyOrg", o, "Building", b, {}, src) for o, b in sorted(pairs)]
    units = [f"U{i}" for i in range(UNITS)]
    nodes += [NodeRecord("Unit", u, {"name": f"单位{u}", "kind": "非公企业", "party_members": 3}, src) for u in units]
    edges += [EdgeRecord("HAS_ORG", "Unit", u, "PartyOrg", orgs[i], {}, src) for i, u in enumerate(units)]
    edges += [EdgeRecord("LOCATED_IN", "Unit", u, "Compound", rnd.choice(ids["Compound"]), {}, src) for u in units]
    return nodes, edges


def prepared_rows(nodes: list[NodeRecord], edges: list[EdgeRecord]) -> list[tuple[str, list[dict]]]:
    """The statements and parameter rows a hand-written loader would send: built once, outside the timing."""
    schema = load_schema()
    by_node, by_edge = defaultdict(list), defaultdict(list)
    for n in nodes:
        by_node[n.label].append({"id": n.id, "props": n.properties()})
    for e in edges:
        by_edge[(e.type, e.src_label, e.dst_label)].append({"src": e.src_id, "dst": e.dst_id, "props": e.properties()})
    work = [(statements.upsert_nodes(schema, label), rows) for label, rows in by_node.items()]
    work += [(statements.upsert_edges(schema, *key), rows) for key, rows in by_edge.items()]
    return work


def bare_driver_load(uri: str, auth: tuple[str, str], database: str, work: list[tuple[str, list[dict]]]) -> None:
    with GraphDatabase.driver(uri, auth=auth) as driver:
        for statement, rows in work:
            for i in range(0, len(rows), BATCH):
                driver.execute_query(statement, rows=rows[i : i + BATCH], database_=database)


def run(settings, server, start_seconds: float) -> list[Figure]:
    nodes, edges = make_records()
    work = prepared_rows(nodes, edges)
    best_store, best_bare = float("inf"), float("inf")
    split = (0.0, 0.0)
    with open_store(settings, start=False) as store:
        state = server.status()
        for _ in range(2):
            store.clear()
            store.ensure_schema()
            t_bare, _ = timed(
                lambda: bare_driver_load(state.uri, ("root", server.password()), settings.embedded_database(), work)
            )
            best_bare = min(best_bare, t_bare)
            store.clear()
            store.ensure_schema()
            t_nodes, _ = timed(lambda: store.write_nodes(nodes, BATCH))
            t_edges, _ = timed(lambda: store.write_edges(edges, BATCH))
            if t_nodes + t_edges < best_store:
                best_store, split = t_nodes + t_edges, (t_nodes, t_edges)
        counts = sum(store.node_counts().values()), sum(store.relationship_counts().values())
        assert counts == (len(nodes), len(edges)), counts
        rss = server_rss_mb(state.pid)
    rows = len(nodes) + len(edges)
    return [
        Figure(
            f"load {len(nodes):,} nodes + {len(edges):,} rels through the store",
            rows / best_store,
            "rows/s",
            rows / best_bare,
            "bare driver UNWIND",
        ),
        Figure("  nodes through the store", len(nodes) / split[0], "nodes/s"),
        Figure("  relationships through the store", len(edges) / split[1], "rels/s"),
        Figure("embedded server cold start (new database)", start_seconds, "s", higher_is_better=False),
        Figure("embedded server RSS after the load", rss, "MiB", higher_is_better=False),
    ]
