"""One hop around the nodes of a drawing, read ahead so a click on a node can add its neighbours at once (as in
Neo4j Bloom) in a page that cannot call back into Python (a network drawn in an iframe).

One statement for every drawn node (``node_neighbours``: an index seek per id, at most ``cap`` ties per node, by
the neighbour's id). Read through the session's store, so a street user's answer is cut to their street before it
arrives here (``area_scope``: a tie to a record outside is dropped whole), and a person is named by their id
(``name_expr``): nothing a drawing adds on a click is more than the viewer may see anyway.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from orggraph.graph.statements_analysis import domain_labels, node_neighbours
from orggraph.graph.store import BoltStore

PER_NODE = 30  # ties read ahead per drawn node: a district's thousands would bury the drawing


@dataclass(frozen=True)
class Neighbour:
    """A node one tie away, and the tie: ``out`` when it leaves the node clicked."""

    id: str
    label: str
    name: str
    kind: str | None
    type: str
    out: bool


def neighbour_ties(
    store: BoltStore, nodes: Iterable[Mapping[str, str]], cap: int = PER_NODE
) -> dict[str, tuple[Neighbour, ...]]:
    """Each node's (``{id, label}``) neighbours, at most ``cap`` each, by the neighbour's id then the tie's type.

    A node with no tie the store shows is left out of the answer.
    """
    labels = [store.schema.node(name).label for name in domain_labels(store.schema)]
    params: dict[str, object] = {label: [] for label in labels}
    for n in nodes:
        bucket = params.get(n["label"])
        if isinstance(bucket, list):
            bucket.append(n["id"])
    if not any(params.values()):
        return {}
    params["cap"] = int(cap)
    rows = store.read(node_neighbours(store.schema), params, name="node_neighbours")
    out: dict[str, tuple[Neighbour, ...]] = {}
    for row in rows:
        found = tuple(
            Neighbour(str(m_id), str(label), str(name or m_id), kind, str(kind_of_tie), bool(leaves))
            for m_id, label, name, kind, kind_of_tie, leaves in row["found"]
        )
        if found:
            out[row["id"]] = found
    return out
