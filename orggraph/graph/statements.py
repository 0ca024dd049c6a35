"""The statement registry: every Cypher statement orggraph sends is built here (and in ``statements_analysis``),
from the schema and validated values only.

Labels and relationship types are checked against the schema before they are written into a statement;
values only ever travel as ``$parameters``. A builder is ``registered`` (a constant is ``static``): each text it
returns is known, and the store sends a statement from orggraph's own modules only if it is known
(:func:`vet`), so nothing is sent that the tests did not enumerate. :func:`all_statements` (with
``statements_analysis.all_statements``, the catalogue and the gap rules' wrappers) hands every shape to Neo4j's
parser in the tests. A user's own query (``orggraph query FILE``, the Cypher page) is not orggraph's statement:
it goes through ``BoltStore.read_only``, checked on its tokens and run where the server refuses writes.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from types import FrameType
from typing import Any, ParamSpec, TypeVar, cast

from orggraph.model.errors import OrgGraphError, SchemaError
from orggraph.model.schema import Schema

_KNOWN: set[str] = set()
_P = ParamSpec("_P")
_R = TypeVar("_R")
_PACKAGES = tuple(str(Path(__file__).resolve().parents[2] / name) + "/" for name in ("orggraph", "loaders"))
_RELAYS = (
    "/orggraph/graph/store.py",
    "/orggraph/graph/area_scope.py",
    "/contextlib.py",
)  # pass a caller's statement on


class UnregisteredStatement(OrgGraphError):
    """A module of orggraph sent a statement the registry did not build: a defect, caught by the tests."""


def registered(build: Callable[_P, _R]) -> Callable[_P, _R]:
    """A statement builder: every text it returns (or each of a list) is known to the registry."""

    @functools.wraps(build)
    def known_build(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        built = build(*args, **kwargs)
        _KNOWN.update([built] if isinstance(built, str) else cast(Iterable[str], built))
        return built

    return known_build


def static(text: str) -> str:
    """A constant statement, known to the registry."""
    _KNOWN.add(text)
    return text


def vet(statement: str) -> None:
    """Refuse a statement that orggraph's own code built outside the registry. A statement a test or a benchmark
    passes to the store itself is theirs (the first caller past the store decides); known ones cost one lookup."""
    if statement in _KNOWN:
        return
    frame: FrameType | None = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.endswith(_RELAYS):
        frame = frame.f_back
    caller = str(Path(frame.f_code.co_filename).resolve()) if frame is not None else ""
    if caller.startswith(_PACKAGES):
        first = statement.strip().splitlines()[0][:80] if statement.strip() else ""
        raise UnregisteredStatement(
            f"内部错误:{Path(caller).name} 发送了未登记的语句({first})",
            f"internal error: {Path(caller).name} sent a statement the registry does not know ({first})",
        )


def collected(result: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of a statement that returns them as one collected record (``… RETURN collect({…}) AS rows``): on
    ArcadeDB every record is a Bolt message of its own and a socket read on the client, so a sync's compare of a
    city (~500k records) took ~15 s of the client's time in the driver alone (docs/arcadedb_workarounds.md #4)."""
    return list(result[0]["rows"]) if result else []


# Statements that do not depend on a label.
SERVER_VERSION = static("CALL dbms.components() YIELD name, versions, edition RETURN name, versions, edition")
SHOW_CONSTRAINTS = static("SHOW CONSTRAINTS")
SHOW_INDEXES = static("SHOW INDEXES")
PING = static("RETURN 1 AS ok")
DELETE_ALL_BATCH = static("MATCH (n) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS deleted")


def constraint_name(label: str, prop: str) -> str:
    return f"{label.lower()}_{prop}_unique"


def index_name(label: str, prop: str) -> str:
    return f"{label.lower()}_{prop}_index"


def ddl_name(statement: str) -> str:
    """The name a CREATE CONSTRAINT/INDEX statement gives (its third word)."""
    return statement.split()[2]


@registered
def schema_ddl(schema: Schema) -> list[str]:
    """Constraints first (they bring their own index), then the plain indexes."""
    constraints, indexes = [], []
    for node in schema.nodes.values():
        for prop in node.properties:
            if prop.unique:
                constraints.append(
                    f"CREATE CONSTRAINT {constraint_name(node.label, prop.name)} IF NOT EXISTS "
                    f"FOR (n:{node.label}) REQUIRE n.{prop.name} IS UNIQUE"
                )
            elif prop.index:
                indexes.append(
                    f"CREATE INDEX {index_name(node.label, prop.name)} IF NOT EXISTS "
                    f"FOR (n:{node.label}) ON (n.{prop.name})"
                )
    return constraints + indexes


@registered
def upsert_nodes(schema: Schema, label: str) -> str:
    """Merge nodes of one label by id and overwrite the given properties (idempotent)."""
    label = schema.node(label).label
    return f"UNWIND $rows AS row MERGE (n:{label} {{id: row.id}}) SET n += row.props"


def _allowed_pair(schema: Schema, rel_type: str, src: str, dst: str) -> tuple[str, str, str]:
    """The relationship type and its two labels, checked against the schema's allowed endpoints."""
    rel = schema.relationship(rel_type)
    src, dst = schema.node(src).label, schema.node(dst).label
    if not rel.allows(src, dst):
        raise SchemaError(
            f"关系 {rel.type} 不允许从 {src} 指向 {dst}", f"relationship {rel.type} is not allowed from {src} to {dst}"
        )
    return rel.type, src, dst


@registered
def upsert_edges(schema: Schema, rel_type: str, src: str, dst: str) -> str:
    """Merge one relationship per (src, dst) pair and overwrite its properties (idempotent)."""
    rel, src, dst = _allowed_pair(schema, rel_type, src, dst)
    key = ", ".join(f"{k}: row.props.{k}" for k in schema.relationship(rel).key)
    return (
        f"UNWIND $rows AS row MATCH (a:{src} {{id: row.src}}) MATCH (b:{dst} {{id: row.dst}}) "
        f"MERGE (a)-[r:{rel}{' {' + key + '}' if key else ''}]->(b) SET r += row.props"
    )


@registered
def count_nodes(schema: Schema, label: str) -> str:
    return f"MATCH (n:{schema.node(label).label}) RETURN count(n) AS n"


@registered
def count_relationships(schema: Schema, rel_type: str) -> str:
    return f"MATCH ()-[r:{schema.relationship(rel_type).type}]->() RETURN count(r) AS n"


def all_statements(schema: Schema) -> dict[str, str]:
    """Every statement the store can send, keyed by a readable id (for the Neo4j parser check)."""
    out = {
        "server_version": SERVER_VERSION,
        "show_constraints": SHOW_CONSTRAINTS,
        "show_indexes": SHOW_INDEXES,
        "ping": PING,
        "delete_all_batch": DELETE_ALL_BATCH,
    }
    out.update({f"ddl:{i}": s for i, s in enumerate(schema_ddl(schema))})
    out["person_names"] = person_names(schema)
    for label in schema.nodes:
        for name, build in (
            ("upsert_nodes", upsert_nodes),
            ("replace_nodes", replace_nodes),
            ("fetch_nodes", fetch_nodes),
            ("lookup_ids", lookup_ids),
            ("count_nodes", count_nodes),
            ("delete_nodes", delete_nodes),
            ("node_ids", node_ids),
            ("node_keys", node_keys),
            ("first_element_id", first_element_id),
            ("create_nodes", create_nodes),
        ):
            out[f"{name}:{label}"] = build(schema, label)
    for rel in schema.relationships.values():
        out[f"count_relationships:{rel.type}"] = count_relationships(schema, rel.type)
        for src, dst in rel.pairs():
            out[f"upsert_edges:{rel.type}:{src}->{dst}"] = upsert_edges(schema, rel.type, src, dst)
            out[f"fetch_edges:{rel.type}:{src}->{dst}"] = fetch_edges(schema, rel.type, src, dst)
            out[f"create_edges:{rel.type}:{src}->{dst}"] = create_edges(schema, rel.type, src, dst)
            out[f"delete_edges:{rel.type}:{src}->{dst}"] = delete_edges(schema, rel.type, src, dst)
            out[f"pair_id_lists:{rel.type}:{src}->{dst}"] = pair_id_lists(schema, rel.type, src, dst)
            out[f"owned_edges:{rel.type}:{src}"] = owned_edges(schema, src, rel.type, False)
            out[f"owned_edges:{rel.type}:<-{dst}"] = owned_edges(schema, dst, rel.type, True)
            out[f"ties_from:{rel.type}:{src}->{dst}"] = ties_from(schema, rel.type, src, dst)
            out[f"ties_to:{rel.type}:{src}->{dst}"] = ties_to(schema, rel.type, src, dst)
            out[f"count_pair:{rel.type}:{src}->{dst}"] = count_pair(schema, rel.type, src, dst)
    out.update(BOOKKEEPING)
    return out


@registered
def replace_nodes(schema: Schema, label: str) -> str:
    """Merge by id and make the stored properties exactly the given ones (an emptied cell is removed)."""
    return f"UNWIND $rows AS row MERGE (n:{schema.node(label).label} {{id: row.id}}) SET n = row.props"


def _inline_props(names: frozenset[str]) -> str:
    """A map of every property the schema allows, read from each row's ``props`` (a missing key is null, and a
    null property is not stored, on Neo4j and ArcadeDB alike)."""
    return "{" + ", ".join(f"{name}: row.props.{name}" for name in sorted(names)) + "}"


@registered
def create_nodes(schema: Schema, label: str) -> str:
    """For a first load into an empty graph, where MERGE can only ever create (and costs a lookup). The properties
    go in the CREATE itself: ``CREATE … SET n = row.props`` writes each record twice on ArcadeDB (city, warm server,
    the loader's write phase 8.2–10.9 → 6.6 s with both builders inline, measured 2026-12-01). A row's key outside
    the schema would be dropped: ``LoadPlan.work`` refuses one."""
    node = schema.node(label)
    return f"UNWIND $rows AS row CREATE (n:{node.label} {_inline_props(schema.node_property_names(label))})"


@registered
def create_edges(schema: Schema, rel_type: str, src: str, dst: str) -> str:
    """As :func:`create_nodes`, for the ties between the nodes it wrote."""
    rel, src, dst = _allowed_pair(schema, rel_type, src, dst)
    props = _inline_props(schema.relationship_property_names(rel))
    return (
        f"UNWIND $rows AS row MATCH (a:{src} {{id: row.src}}) "
        f"MATCH (b:{dst} {{id: row.dst}}) CREATE (a)-[r:{rel} {props}]->(b)"
    )


@registered
def owned_edges(schema: Schema, label: str, rel_type: str, reverse: bool) -> str:
    """The ties of one type that some nodes hold (outgoing, or incoming when ``reverse``)."""
    rel = schema.relationship(rel_type).type
    arrow = f"<-[r:{rel}]-" if reverse else f"-[r:{rel}]->"
    return (
        f"UNWIND $ids AS i MATCH (a:{schema.node(label).label} {{id: i}}){arrow}(b) "
        "RETURN collect({owner: a.id, other: b.id, label: labels(b)[0]}) AS rows"
    )


@registered
def delete_edges(schema: Schema, rel_type: str, src: str, dst: str) -> str:
    """Delete ties by their ends; for a type with key properties (two posts of one person in one body), only
    the tie whose key matches ``row.props`` (a missing key matches a missing key)."""
    rel, src, dst = _allowed_pair(schema, rel_type, src, dst)
    match = f"UNWIND $rows AS row MATCH (a:{src} {{id: row.src}})-[r:{rel}]->(b:{dst} {{id: row.dst}})"
    keys = schema.relationship(rel).key
    if not keys:
        return f"{match} DELETE r"
    same = " AND ".join(f"(r.{k} = row.props.{k} OR (r.{k} IS NULL AND row.props.{k} IS NULL))" for k in keys)
    return f"{match} WHERE {same} DELETE r"


@registered
def delete_nodes(schema: Schema, label: str) -> str:
    """Remove records and every tie they hold (``load --sync``: what a ledger no longer lists)."""
    return f"UNWIND $rows AS row MATCH (n:{schema.node(label).label} {{id: row.id}}) DETACH DELETE n"


@registered
def node_ids(schema: Schema, label: str) -> str:
    """Every record of a label, by id and name (what a removal report shows), collected (:func:`collected`)."""
    return f"MATCH (n:{schema.node(label).label}) RETURN collect({{id: n.id, name: n.name}}) AS rows"


@registered
def node_keys(schema: Schema, label: str) -> str:
    """Every record of a label by id and element id, as two aligned lists (one row decodes ~2× faster than as
    many rows): what an area scope tells inside from outside by."""
    return f"MATCH (n:{schema.node(label).label}) RETURN collect(n.id) AS ids, collect(elementId(n)) AS eids"


@registered
def first_element_id(schema: Schema, label: str) -> str:
    """The smallest element id of a label: it changes when the records are deleted and made again, which counts
    and the load history may not show (a fixture reloaded)."""
    return f"MATCH (n:{schema.node(label).label}) RETURN min(elementId(n)) AS probe"


@registered
def pair_id_lists(schema: Schema, rel_type: str, src: str, dst: str) -> str:
    """The ends of every tie of one type between two labels, as two aligned lists (the placing ties of a region)."""
    rel, src, dst = _allowed_pair(schema, rel_type, src, dst)
    return f"MATCH (a:{src})-[:{rel}]->(b:{dst}) RETURN collect(a.id) AS src, collect(b.id) AS dst"


@registered
def fetch_nodes(schema: Schema, label: str) -> str:
    """Some records by id with their properties, collected (:func:`collected`)."""
    return (
        f"UNWIND $ids AS i MATCH (n:{schema.node(label).label} {{id: i}}) "
        "RETURN collect({id: n.id, props: properties(n)}) AS rows"
    )


_TIE_ROWS = "RETURN collect({src: a.id, dst: b.id, props: properties(r)}) AS rows"  # a tie as its ends and props


@registered
def fetch_edges(schema: Schema, rel_type: str, src: str, dst: str) -> str:
    rel = schema.relationship(rel_type)
    return (
        f"UNWIND $rows AS row MATCH (a:{schema.node(src).label} {{id: row.src}})-[r:{rel.type}]->"
        f"(b:{schema.node(dst).label} {{id: row.dst}}) " + _TIE_ROWS
    )


@registered
def lookup_ids(schema: Schema, label: str) -> str:
    """Which of some ids a label holds, with their kind, collected (:func:`collected`)."""
    label = schema.node(label).label
    return f"UNWIND $ids AS i MATCH (n:{label} {{id: i}}) RETURN collect({{id: n.id, kind: n.kind}}) AS rows"


@registered
def person_names(schema: Schema) -> str:
    """Every value of a sensitive ``name`` (a person's), to mask them in a result no header declares."""
    labels = [label for label, spec in schema.nodes.items() if (p := spec.property("name")) and p.sensitive]
    parts = [f"MATCH (n:{schema.node(label).label}) WHERE n.name IS NOT NULL RETURN n.name AS name" for label in labels]
    return "\nUNION\n".join(parts) or "RETURN null AS name LIMIT 0"


@registered
def ties_from(schema: Schema, rel_type: str, src: str, dst: str) -> str:
    """The ties of one type from some records of ``src`` to ``dst``, with their properties, collected
    (:func:`collected`; ``bulk_reads.all_ties``)."""
    rel, src, dst = _allowed_pair(schema, rel_type, src, dst)
    return f"UNWIND $ids AS i MATCH (a:{src} {{id: i}})-[r:{rel}]->(b:{dst}) " + _TIE_ROWS


@registered
def ties_to(schema: Schema, rel_type: str, src: str, dst: str) -> str:
    """The ties of one type from ``src`` to some records of ``dst``, with their properties, collected (the ties
    reaching a street's records from outside it: ``load_removals``). The pattern starts at the record found by id:
    ArcadeDB begins at the left node, and from ``(a:Person)`` it scanned every person (500 ids: 33 s → 0.2 s,
    docs/arcadedb_workarounds.md)."""
    rel, src, dst = _allowed_pair(schema, rel_type, src, dst)
    return f"UNWIND $ids AS i MATCH (b:{dst} {{id: i}})<-[r:{rel}]-(a:{src}) " + _TIE_ROWS


@registered
def count_pair(schema: Schema, rel_type: str, src: str, dst: str) -> str:
    """How many ties of one type run between two labels."""
    rel, src, dst = _allowed_pair(schema, rel_type, src, dst)
    return f"MATCH (:{src})-[r:{rel}]->(:{dst}) RETURN count(r) AS n"


LOAD_RUN_CREATE = static("UNWIND $rows AS row CREATE (l:LoadRun) SET l = row")
LOAD_RUN_UPDATE = static("MATCH (l:LoadRun {id: $id}) SET l += $props")
LOAD_RUN_DELETE = static("MATCH (l:LoadRun {id: $id}) DELETE l")
LOAD_RUNS_RUNNING = static("MATCH (l:LoadRun) WHERE l.status = 'running' RETURN properties(l) AS run")
LOAD_RUNS_COUNT = static("MATCH (l:LoadRun) RETURN count(l) AS loads")
LOAD_RUNS_CHANGES = static(
    "MATCH (l:LoadRun) WHERE l.status = 'committed' "
    "RETURN l.id AS id, l.started AS started, l.finished AS finished, l.changes AS changes ORDER BY l.started"
)
LOAD_RUNS_RECENT = static("MATCH (l:LoadRun) RETURN properties(l) AS run ORDER BY l.started DESC LIMIT $limit")
DELETE_DATA_BATCH = static(
    "MATCH (n) WHERE NOT n:LoadRun WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS deleted"
)
BOOKKEEPING = {
    "load_run_create": LOAD_RUN_CREATE,
    "load_run_update": LOAD_RUN_UPDATE,
    "load_run_delete": LOAD_RUN_DELETE,
    "load_runs_running": LOAD_RUNS_RUNNING,
    "load_runs_count": LOAD_RUNS_COUNT,
    "load_runs_recent": LOAD_RUNS_RECENT,
    "load_runs_changes": LOAD_RUNS_CHANGES,
    "delete_data_batch": DELETE_DATA_BATCH,
}
