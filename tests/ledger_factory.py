"""Synthetic ledgers big enough that a load takes seconds (for interruption tests)."""

from __future__ import annotations

from pathlib import Path

from loaders.ledger_writer import write_ledgers
from orggraph.model.records import EdgeRecord, NodeRecord


def tree_records(streets: int = 4, communities: int = 10, grids: int = 6, compounds: int = 8, buildings: int = 10):
    """A district → streets → … → buildings tree: about streets×communities×grids×compounds×(1+buildings) nodes."""
    nodes = [NodeRecord("District", "D1", {"name": "测试区", "kind": "区"})]
    edges = []

    def add(label: str, node_id: str, name: str, parent_label: str, parent: str) -> None:
        nodes.append(NodeRecord(label, node_id, {"name": name}))
        edges.append(EdgeRecord("PART_OF", label, node_id, parent_label, parent))

    for s in range(streets):
        sid = f"S{s}"
        add("Street", sid, f"第{s}街道", "District", "D1")
        for c in range(communities):
            cid = f"{sid}C{c}"
            add("Community", cid, f"{cid}社区", "Street", sid)
            for g in range(grids):
                gid = f"{cid}G{g}"
                add("Grid", gid, f"{gid}网格", "Community", cid)
                for k in range(compounds):
                    kid = f"{gid}K{k}"
                    add("Compound", kid, f"{kid}小区", "Grid", gid)
                    for b in range(buildings):
                        add("Building", f"{kid}B{b}", f"{b}号楼", "Compound", kid)
    return nodes, edges


def write_tree_ledgers(out: Path, **sizes) -> Path:
    write_ledgers(*tree_records(**sizes), out, "csv")
    return out
