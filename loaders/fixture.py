"""Records from a hand-written YAML fixture (the small demo region, hand-built test regions).

The fixture lists nodes per label and edges per type; an edge names only its two ids, which must be
unique across labels within the fixture. Yields records; knows nothing of any database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from orggraph.model.errors import Issue, ValidationError
from orggraph.model.records import EdgeRecord, NodeRecord, Source


def _plain(value: object) -> object:
    return value if not isinstance(value, dt.datetime) else value.date()


def read_fixture(path: Path, load_id: str | None = None) -> tuple[list[NodeRecord], list[EdgeRecord]]:
    """All records of a fixture file; an edge to an unknown id is a ValidationError naming it."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    nodes = list(_nodes(path, data.get("nodes", {}), load_id))
    labels = {n.id: n.label for n in nodes}
    edges, issues = [], []
    for rel_type, rows in data.get("edges", {}).items():
        for i, row in enumerate(rows, start=1):
            src, dst, *rest = row
            missing = [x for x in (src, dst) if x not in labels]
            if missing:
                issues.append(
                    Issue(path.name, i, rel_type, missing[0], "引用的编号不存在", "referenced id does not exist")
                )
                continue
            props = {k: _plain(v) for k, v in (rest[0] if rest else {}).items()}
            edges.append(
                EdgeRecord(
                    rel_type, labels[src], str(src), labels[dst], str(dst), props, Source(path.name, i, load_id=load_id)
                )
            )
    if issues:
        raise ValidationError(issues)
    return nodes, edges


def _nodes(path: Path, by_label: dict[str, list[dict[str, Any]]], load_id: str | None) -> Iterator[NodeRecord]:
    for label, rows in by_label.items():
        for i, row in enumerate(rows, start=1):
            props = {k: _plain(v) for k, v in row.items() if k != "id"}
            yield NodeRecord(label, str(row["id"]), props, Source(path.name, i, load_id=load_id))
