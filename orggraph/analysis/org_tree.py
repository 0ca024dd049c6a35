"""The party organizations of an area as a tree (隶属 chain): each org under its first superior in the area,
else under a joint committee it belongs to (成员单位); the others are roots. Built from one row of the catalogue's
``org_tree`` query, cut to the area by the geography, so choosing another area costs no round trip.
"""

from __future__ import annotations

from typing import Any, TypedDict

from orggraph.analysis.geography import Geography
from orggraph.model.schema import load_schema

# columns of an org_tree row
_ID, _NAME, _KIND, _MEMBERS, _PLACES, _SUPERIORS, _JOINED, _LEADERS = range(8)
OrgRow = list[Any]  # one org as the org_tree query gives it: the columns above, of several types


class TreeRow(TypedDict):
    """One org in the tree, depth first."""

    id: str
    name: str | None
    kind: str | None
    members: int | None
    leaders: list[list[Any]]  # [person id, name] as the query gave them (masked or not)
    depth: int
    tie: str  # LEADS, MEMBER_OF, or "" for a root
    subordinates: int


def area_tree(orgs: list[OrgRow], geography: Geography, area: str) -> list[TreeRow]:
    """The orgs placed in the area (one of their places within it), depth first: id, name, kind, members,
    leaders ([person id, name] as the query gave them: masked or not), depth, tie, subordinates."""
    return tree_rows({r[_ID]: r for r in orgs if any(geography.within(p, area) for p in r[_PLACES])})


def tree_rows(inside: dict[str, OrgRow]) -> list[TreeRow]:
    """Depth-first rows of the orgs: each under its first superior in the set (领导), else under a joint
    committee it belongs to (成员单位); the others are roots. Orgs in a LEADS cycle become roots."""
    children: dict[str | None, list[tuple[str, str]]] = {}
    for oid, row in inside.items():
        boss = next((s for s in row[_SUPERIORS] if s in inside and s != oid), None)
        tie = "LEADS"
        if boss is None:
            boss, tie = next((j for j in row[_JOINED] if j in inside and j != oid), None), "MEMBER_OF"
        children.setdefault(boss, []).append((oid, tie if boss else ""))
    levels = load_schema().org_levels
    for kids in children.values():
        kids.sort(key=lambda k: (levels.get(inside[k[0]][_KIND], 9), k[0]))
    out: list[TreeRow] = []
    seen: set[str] = set()
    roots = [(oid, tie) for oid, tie in children.get(None, [])]
    for start in [*roots, *((oid, "") for oid in sorted(inside))]:  # then orgs only reachable through a cycle
        stack = [(*start, 0)]
        while stack:
            oid, tie, depth = stack.pop()
            if oid in seen:
                continue
            seen.add(oid)
            kids = [k for k in children.get(oid, []) if k[0] not in seen]
            out.append(_row(inside[oid], depth, tie, len(kids)))
            stack.extend((kid, kid_tie, depth + 1) for kid, kid_tie in reversed(kids))
    return out


def _row(row: OrgRow, depth: int, tie: str, subordinates: int) -> TreeRow:
    return {
        "id": row[_ID],
        "name": row[_NAME],
        "kind": row[_KIND],
        "members": row[_MEMBERS],
        "leaders": [list(x) for x in row[_LEADERS]],
        "depth": depth,
        "tie": tie,
        "subordinates": subordinates,
    }
