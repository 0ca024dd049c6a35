"""The graph back out: as records (for ledgers, round trips and backups) and as neo4j-admin import CSVs
(for national-scale first loads into a fresh Neo4j, which ``neo4j-admin database import`` does offline
far faster than any transaction)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from orggraph.graph.bulk_reads import all_ties, label_ids, nodes_by_id
from orggraph.graph.store import BoltStore
from orggraph.model.errors import LoadInProgress
from orggraph.model.records import EdgeRecord, NodeRecord
from orggraph.model.schema import PropertySpec, Schema

ADMIN_TYPES = {"string": "string", "integer": "long", "float": "double", "boolean": "boolean", "date": "date"}


def export_records(
    store: BoltStore, with_provenance: bool = False, names: bool = True
) -> tuple[list[NodeRecord], list[EdgeRecord]]:
    """Every node and relationship of the schema's kinds (the load history aside); without ``names``, no
    sensitive property (a person's name) at all: the person stays, by its pseudonymous id.

    The graph as one moment saw it: the labels and types are read one by one, so a load committed meanwhile would
    give the old nodes with the new ties (seen when a load's commit landed during a read); read again then."""
    for _ in range(3):
        token = store.load_token(fresh=True)
        records = _records(store, with_provenance, names)
        if store.load_token(fresh=True) == token:
            return records
    raise LoadInProgress()


def _records(store: BoltStore, with_provenance: bool, names: bool) -> tuple[list[NodeRecord], list[EdgeRecord]]:
    schema = store.schema
    drop = set() if with_provenance else {p.name for p in schema.provenance}
    ids = {label: label_ids(store, label) for label in schema.nodes if label != "LoadRun"}
    nodes = [
        NodeRecord(label, r["id"], {k: v for k, v in r["props"].items() if k != "id" and k not in drop | hidden})
        for label in ids
        for hidden in [set() if names else {p.name for p in schema.nodes[label].properties if p.sensitive}]
        for r in sorted(nodes_by_id(store, label, ids[label]), key=lambda r: str(r["id"]))
    ]
    edges = [
        EdgeRecord(rel.type, src, r["src"], dst, r["dst"], {k: v for k, v in r["props"].items() if k not in drop})
        for rel in schema.relationships.values()
        for src, dst in rel.pairs()
        for r in all_ties(store, (rel.type, src, dst), ids[src])
    ]
    return nodes, edges


def _header(spec: PropertySpec) -> str:
    return f"{spec.name}:{ADMIN_TYPES[spec.type]}"


def _value(value: object) -> object:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value.isoformat() if isinstance(value, dt.date) else value


def sensitive_columns(schema: Schema) -> tuple[tuple[str, str], ...]:
    """(label, property) of every property the schema marks sensitive (a person's name)."""
    return tuple((label, p.name) for label, node in schema.nodes.items() for p in node.properties if p.sensitive)


def write_neo4j_admin(store: BoltStore, out: Path, names: bool = False) -> list[Path]:
    """One nodes file per label and one relationships file per type, with typed neo4j-admin headers.

    These CSVs are not neutralised against formulas (``orggraph.model.inert_cells``), unlike every other CSV we write:
    they are machine input for ``neo4j-admin database import``, which stores each cell verbatim, so an apostrophe
    in front of ``=HYPERLINK(…)`` would become part of the value in Neo4j. They are not meant to be opened in a
    spreadsheet; the ledgers from ``orggraph export`` are. Person names are left blank unless ``names``."""
    schema = store.schema
    nodes, edges = export_records(store, with_provenance=True, names=names)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for label, spec in schema.nodes.items():
        props = [p for p in (*spec.properties, *schema.provenance) if p.name != "id"]
        path = out / f"nodes_{label}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["id:ID", *map(_header, props), ":LABEL"])
            w.writerows([n.id, *[_value(n.props.get(p.name)) for p in props], label] for n in nodes if n.label == label)
        paths.append(path)
    for rel_type, rel in schema.relationships.items():
        props = [*rel.properties, *schema.provenance]
        path = out / f"relationships_{rel_type}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow([":START_ID", ":END_ID", ":TYPE", *map(_header, props)])
            w.writerows(
                [e.src_id, e.dst_id, rel_type, *[_value(e.props.get(p.name)) for p in props]]
                for e in edges
                if e.type == rel_type
            )
        paths.append(path)
    return paths
