"""The records' faster constructors (``orggraph.model.records``) make the same frozen records the dataclass did:
defaults, a fresh props dict each, equality, hashing, replace, pickling, and no assignment afterwards."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from orggraph.model.records import EdgeRecord, NodeRecord, Source


def test_records_keep_their_dataclass_behaviour() -> None:
    where = Source("f.csv", 3, "社区", "L1")
    assert where == Source(file="f.csv", row=3, sheet="社区", load_id="L1", loaded_at=None)
    assert hash(where) == hash(Source("f.csv", 3, "社区", "L1", None))
    assert Source("f.csv").row is None and Source("f.csv").as_properties() == {"source_file": "f.csv"}
    node = NodeRecord("Community", "C1", {"name": "甲"}, where)
    edge = EdgeRecord("PART_OF", "Community", "C1", "Street", "S1", source=where)
    assert (
        NodeRecord("Community", "C2").props == {}
        and NodeRecord("Community", "C2").props is not NodeRecord("X", "Y").props
    )
    assert edge.props == {} and edge.properties() == where.as_properties()
    assert dataclasses.replace(node, id="C9") == NodeRecord("Community", "C9", {"name": "甲"}, where)
    assert pickle.loads(pickle.dumps([where, node, edge])) == [where, node, edge]
    for record, field in ((where, "row"), (node, "id"), (edge, "dst_id")):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(record, field, "x")
