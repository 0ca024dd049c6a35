"""What to draw for an area: its places, orgs, units and agreements, and the ties among them, cut down to
a few hundred nodes for the browser (the most structural kinds first) with the count of what was left out.

Two reads: the members (one catalogue query, one collected row), then the ties among them, looked up
from each member by element id (an index lookup on both servers; an id lookup without a label would
scan every node).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TypedDict

from orggraph.analysis.query_catalogue import find_query, run_query
from orggraph.graph.statements_analysis import AREA_TIES
from orggraph.graph.store import BoltStore

DEFAULT_LIMIT = 300
# Drawn first to last when an area holds more than the limit: the structure, then what hangs off it.
PRIORITY = (
    "District",
    "Street",
    "Community",
    "PartyOrg",
    "Grid",
    "CommercialZone",
    "Unit",
    "Agreement",
    "Compound",
    "CommercialBuilding",
    "Building",
)


class AreaNode(TypedDict):
    id: str
    label: str
    name: str | None
    kind: str | None


class AreaTie(TypedDict):
    src: str
    dst: str
    type: str


@dataclass(frozen=True)
class Subgraph:
    nodes: tuple[AreaNode, ...]
    edges: tuple[AreaTie, ...]
    total: int  # members of the area before the cut
    by_label: dict[str, int]  # members per label before the cut


def area_subgraph(
    store: BoltStore, area_id: str, limit: int = DEFAULT_LIMIT, labels: tuple[str, ...] | None = None
) -> Subgraph:
    """The area's members of the chosen labels (all by default), at most ``limit`` of them."""
    members = run_query(store, find_query("area_members"), {"area_id": area_id})[0]["members"]
    by_label = Counter(m["label"] for m in members)
    wanted = [m for m in members if labels is None or m["label"] in labels]
    rank = {label: i for i, label in enumerate(PRIORITY)}
    wanted.sort(key=lambda m: (rank.get(m["label"], len(rank)), m["id"]))
    kept = wanted[:limit]
    by_eid = {m["eid"]: m for m in kept}
    ties = store.read(AREA_TIES, {"eids": list(by_eid)}, name="area_ties")[0]["ties"] if kept else []
    edges: list[tuple[str, str, str]] = sorted(
        {(by_eid[a]["id"], by_eid[b]["id"], t) for a, t, b in ties if a in by_eid and b in by_eid},
    )
    nodes = tuple(AreaNode(id=m["id"], label=m["label"], name=m["name"], kind=m["kind"]) for m in kept)
    return Subgraph(nodes, tuple(AreaTie(src=s, dst=d, type=t) for s, d, t in edges), len(wanted), dict(by_label))
