"""How two entities are linked, and what can reach an entity within k hops — searched on the server.

**Paths.** Undirected, over every relationship type or only those in ``via``, at most ``max_hops``
long. First one ``shortestPath`` (the server picks among equally short ones): with ``k == 1``, or
when there is none, that is the answer. With ``k > 1``: every shortest path (``allShortestPaths``, at
most :data:`ALL_SHORTEST_CAP`, those with the smallest id sequences); if they are fewer than ``k``,
then for each interior node of the first of them in turn, the shortest path avoiding that node (the
one with the smallest id sequence), until there are ``k`` distinct paths. The answer is ranked ties of work
first: fewer geography steps (隶属, 位于) first, then shorter, then by the sequence of node ids
(:meth:`LinkagePath.rank_key`), so a longer path of 双报到 and 领导 can come before a shorter one of 隶属.

Why not ``shortestPath(...) WHERE none(n IN nodes(p) WHERE n.id IN $avoid)``: Neo4j evaluates such a
universal predicate during its bidirectional search and so finds a longer path around the node
(cypher-manual, "Shortest path planning"), but ArcadeDB 26.10 filters the one shortest path afterwards
and answers nothing (measured; ``all(...)`` and predicates on the relationships alike), and it does not
implement ``SHORTEST k``. So a path avoiding a node comes from a bidirectional breadth-first search
driven from here, one statement per hop, which both servers answer alike.

**Reach.** A breadth-first search from the entity, one statement per hop expanding the current
frontier (``UNWIND`` of element ids, a seek on both servers) and returning the neighbours as one
collected row; the client keeps the visited set. A variable-length ``[*1..k]`` pattern enumerates
every path and explodes on hubs (a community with hundreds of neighbours).

Relationship types and hop limits cannot be parameters: they are written into the statement text
only after validation against the schema (types) or as a checked integer (hops); every value is a
``$parameter``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from orggraph.analysis.entities import Entity, resolve_entities, resolve_entity
from orggraph.graph.statements_analysis import (
    all_statements,
    domain_labels,
    element_id,
    expand_edges,
    expand_nodes,
    node_details,
    shortest_paths,
)
from orggraph.graph.store import BoltStore
from orggraph.model.errors import QueryError
from orggraph.model.schema import Schema, load_schema

MAX_PATH_HOPS = 20
GEOGRAPHY = frozenset({"PART_OF", "LOCATED_IN"})  # ties of place, not of work: ranked after organisational ones
PATH_ORDER = (  # said wherever several paths are listed: a longer path can come first (LinkagePath.rank_key)
    "排序:组织联系在前——地理隶属(隶属、位于)步数少的在前,其次跳数少的在前",
    "Order: ties of work first — fewer geography steps (part of, located in) first, then fewer hops",
)
MAX_REACH_HOPS = 6
ALL_SHORTEST_CAP = 100
REACH_LABELS = ("Unit", "PartyOrg", "Resource")
_AGREEMENT, _SIGNED_BY = "Agreement", "SIGNED_BY"
PathKey = tuple[int, tuple[tuple[str, str], ...], tuple[tuple[str, bool], ...]]  # length, node keys, (type, backward)


@dataclass(frozen=True)
class Rel:
    """One step of a path: the relationship type and whether it is stored in the path's direction."""

    type: str
    forward: bool


@dataclass(frozen=True)
class LinkagePath:
    nodes: tuple[Entity, ...]
    rels: tuple[Rel, ...]

    @property
    def length(self) -> int:
        return len(self.rels)

    @property
    def geography_steps(self) -> int:
        """Steps that only say where things are (隶属 PART_OF, 位于 LOCATED_IN), not who works with whom."""
        return sum(r.type in GEOGRAPHY for r in self.rels)

    @property
    def geographic(self) -> bool:
        """Nothing but geography: the two ends merely lie in one area (同属一个区域), no linkage as staff mean it."""
        return self.geography_steps == self.length

    def sort_key(self) -> PathKey:
        return (self.length, tuple(n.key() for n in self.nodes), tuple((r.type, not r.forward) for r in self.rels))

    def rank_key(self) -> tuple[bool, int, *PathKey]:
        """Organisational ties before geography: fewer geography steps first, then shorter, then the stable key."""
        return (self.geographic, self.geography_steps, *self.sort_key())

    def explain(self, lang: str = "zh", schema: Schema | None = None) -> str:
        """The path as a chain: ``A —领导→ B ←覆盖— C`` (arrows in the stored direction); ``lang="en"``
        gives ``A -[leads]-> B <-[covers]- C``. ``org ←签约方— Agreement —签约方→ org`` reads
        ``org —共建协议「name」→ org``."""
        if lang not in ("zh", "en"):
            raise QueryError(f"不支持的语言 {lang!r},可选 zh、en", f"unsupported language {lang!r}; valid: zh, en")
        schema = schema or load_schema()
        parts, i = [self.nodes[0].name], 0
        while i < self.length:
            if self._agreement_at(i):
                spec = schema.node(_AGREEMENT)
                name = self.nodes[i + 1].name
                parts.append(f" —{spec.zh}「{name}」→ " if lang == "zh" else f' -[{spec.en} "{name}"]-> ')
                i += 2
            else:
                rel = schema.relationship(self.rels[i].type)
                word = rel.zh if lang == "zh" else rel.en
                forward = self.rels[i].forward
                arrow = (f" —{word}→ " if forward else f" ←{word}— ") if lang == "zh" else None
                parts.append(arrow or (f" -[{word}]-> " if forward else f" <-[{word}]- "))
                i += 1
            parts.append(self.nodes[i].name)
        return "".join(parts)

    def _agreement_at(self, i: int) -> bool:
        """org ←SIGNED_BY— Agreement —SIGNED_BY→ org starts at step ``i``."""
        if i + 1 >= self.length or self.nodes[i + 1].label != _AGREEMENT:
            return False
        a, b = self.rels[i], self.rels[i + 1]
        return a.type == b.type == _SIGNED_BY and not a.forward and b.forward


@dataclass(frozen=True)
class Reached:
    """An entity found within reach, its distance in hops, and for units whether they are stationed."""

    entity: Entity
    distance: int
    stationed: bool | None = None


# --- validation -----------------------------------------------------------------------------------
def check_via(schema: Schema, via: Iterable[str] | str) -> tuple[str, ...]:
    """The relationship types asked for, in schema order; unknown ones are a QueryError naming the valid."""
    asked = (via,) if isinstance(via, str) else tuple(via)
    unknown = [t for t in asked if t not in schema.relationships]
    if unknown:
        valid = ", ".join(schema.relationships)
        zh = "、".join(f"{t}({r.zh})" for t, r in schema.relationships.items())
        raise QueryError(
            f"未知的关系类型 {', '.join(map(str, unknown))};可选:{zh}",
            f"unknown relationship type {', '.join(map(str, unknown))}; valid: {valid}",
        )
    return tuple(t for t in schema.relationships if t in asked)


def check_hops(value: object, upper: int, what_zh: str, what_en: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= upper:
        raise QueryError(
            f"{what_zh}应为 1 到 {upper} 之间的整数,收到 {value!r}",
            f"{what_en} must be an integer from 1 to {upper}, got {value!r}",
        )
    return value


def check_labels(schema: Schema, labels: Iterable[str]) -> tuple[str, ...]:
    asked, valid = tuple(labels), domain_labels(schema)
    unknown = [x for x in asked if x not in valid]
    if unknown or not asked:
        raise QueryError(
            f"未知的节点类型 {', '.join(unknown) or '(空)'};可选:{', '.join(valid)}",
            f"unknown node label {', '.join(unknown) or '(none given)'}; valid: {', '.join(valid)}",
        )
    return asked


def linkage_statements(schema: Schema | None = None) -> dict[str, str]:
    """Every statement this module and :mod:`orggraph.analysis.entities` can send, for representative inputs (the Neo4j
    parser check)."""
    schema = schema or load_schema()
    return all_statements(schema, check_via(schema, ("LEADS", "COVERS", "SIGNED_BY")), MAX_PATH_HOPS)


# --- paths ----------------------------------------------------------------------------------------
def _row_path(row: Mapping[str, Any]) -> tuple[LinkagePath, tuple[str, ...]]:
    """A path row as a LinkagePath and its nodes' element ids (kept apart: they mean nothing outside)."""
    eids = tuple(n[0] for n in row["nodes"])
    nodes = tuple(Entity(n[2], n[1], n[3] if n[3] is not None else n[2], n[4]) for n in row["nodes"])
    rels = tuple(Rel(t, start == eids[i]) for i, (t, start) in enumerate(row["rels"]))
    return LinkagePath(nodes, rels), eids


def linkage_paths(
    store: BoltStore,
    src: str | Entity,
    dst: str | Entity,
    via: tuple[str, ...] = (),
    max_hops: int = 8,
    k: int = 3,
) -> list[LinkagePath]:
    """Up to ``k`` paths from ``src`` to ``dst`` (ids, names or entities), shortest first; ``[]`` when
    none is within ``max_hops`` (1..20). See the module docstring for which paths."""
    schema = store.schema
    types = check_via(schema, via)
    hops = check_hops(max_hops, MAX_PATH_HOPS, "跳数上限", "max_hops")
    check_hops(k, ALL_SHORTEST_CAP, "路径条数", "k")
    a, b = resolve_entities(store, src, dst)
    if a.key() == b.key():
        raise QueryError(
            f"起点与终点是同一对象({a.label} {a.id} {a.name})",
            f"the start and the end are the same entity ({a.label} {a.id} {a.name})",
        )
    params = {"src": a.id, "dst": b.id, "cap": ALL_SHORTEST_CAP}
    rows = store.read(
        shortest_paths(schema, a.label, b.label, types, hops, False), params, name="linkage_path", shape="strict"
    )
    if rows and k > 1:  # allShortestPaths costs 3× shortestPath when there is no path (measured): ask second
        rows = store.read(
            shortest_paths(schema, a.label, b.label, types, hops, True),
            params,
            name="linkage_paths",
            shape="strict",
        )
    found = {p.sort_key(): (p, eids) for p, eids in map(_row_path, rows)}
    if not types and any(p.geography_steps for p, _ in found.values()):  # the best chain of organisational ties too,
        organisational = tuple(t for t in schema.relationships if t not in GEOGRAPHY)  # even when it is longer
        statement = shortest_paths(schema, a.label, b.label, organisational, hops, False)
        for p, eids in map(_row_path, store.read(statement, params, name="linkage_path", shape="strict")):
            found.setdefault(p.sort_key(), (p, eids))
    if found and len(found) < k:
        first, eids = found[min(found)]
        keys = {eids[0]: first.nodes[0].key(), eids[-1]: first.nodes[-1].key()}
        for avoid in eids[1:-1]:
            detour = _avoiding_path(store, (eids[0], eids[-1]), types, hops, avoid, dict(keys))
            if detour is not None:
                found.setdefault(detour.sort_key(), (detour, ()))
            if len(found) >= k:
                break
    return sorted((p for p, _ in found.values()), key=LinkagePath.rank_key)[:k]


def linkage_path_avoiding(
    store: BoltStore,
    src: str | Entity,
    dst: str | Entity,
    avoid: str | Entity,
    via: tuple[str, ...] = (),
    max_hops: int = 8,
) -> LinkagePath | None:
    """The shortest path from ``src`` to ``dst`` that does not pass through ``avoid`` (the one with the
    smallest id sequence among equally short ones), or None within ``max_hops``: what is left of the
    linkage if that organization or unit dropped out."""
    types = check_via(store.schema, via)
    hops = check_hops(max_hops, MAX_PATH_HOPS, "跳数上限", "max_hops")
    a, b, v = resolve_entities(store, src, dst, avoid)
    if len({a.key(), b.key(), v.key()}) < 3:
        raise QueryError(
            "起点、终点和要避开的对象须各不相同", "the start, the end and the entity to avoid must all differ"
        )
    eids = [_element_id(store, x) for x in (a, b, v)]
    return _avoiding_path(store, (eids[0], eids[1]), types, hops, eids[2], {eids[0]: a.key(), eids[1]: b.key()})


def _element_id(store: BoltStore, entity: Entity) -> str:
    rows = store.read(element_id(store.schema, entity.label), {"id": entity.id}, name="element_id")
    if not rows:
        raise QueryError(
            f"图中没有 {entity.label} {entity.id}", f"the graph holds no {entity.label} with id {entity.id}"
        )
    eid: str = rows[0]["eid"]
    return eid


class _Tree:
    """One side of a bidirectional search: each node's distance and its parent ties (parent → {(type,
    parent is the stored start)})."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.dist: dict[str, int] = {root: 0}
        self.parents: dict[str, dict[str, set[tuple[str, bool]]]] = {root: {}}
        self.frontier, self.level = [root], 0

    def expand(self, found: list[list[Any]], avoid: str, keys: dict[str, tuple[str, str]]) -> list[str]:
        new: list[str] = []
        for parent, child, cid, label, rtype, parent_is_start in found:
            if child == avoid or self.dist.get(child, self.level + 1) != self.level + 1:
                continue
            if child not in self.dist:
                self.dist[child], self.parents[child] = self.level + 1, {}
                new.append(child)
                keys[child] = (cid, label)
            self.parents[child].setdefault(parent, set()).add((rtype, parent_is_start))
        self.frontier, self.level = new, self.level + 1
        return new


def _avoiding_path(
    store: BoltStore,
    ends: tuple[str, str],
    via: tuple[str, ...],
    max_hops: int,
    avoid: str,
    keys: dict[str, tuple[str, str]],
) -> LinkagePath | None:
    """The shortest path (smallest id sequence among equals) between the ends (element ids) not through
    ``avoid``; ``keys`` holds the ends' (id, label) and gathers every node's as it is found."""
    statement = expand_edges(store.schema, via)
    fwd, bwd = _Tree(ends[0]), _Tree(ends[1])
    while fwd.frontier and bwd.frontier and fwd.level + bwd.level < max_hops:
        side, other = (fwd, bwd) if len(fwd.frontier) <= len(bwd.frontier) else (bwd, fwd)
        found = store.read(statement, {"frontier": side.frontier}, name="linkage_expand")[0]["found"]
        meet = [m for m in side.expand(found, avoid, keys) if m in other.dist]
        if meet:
            nearest = min(other.dist[m] for m in meet)
            return _smallest_path(store, fwd, bwd, [m for m in meet if other.dist[m] == nearest], keys)
    return None


def _smallest_path(
    store: BoltStore, fwd: _Tree, bwd: _Tree, meet: list[str], keys: dict[str, tuple[str, str]]
) -> LinkagePath:
    """Among the shortest paths through the meeting nodes, the one with the smallest id sequence:
    greedy from the start over the forward tree (only towards meeting nodes), then down the backward tree."""
    children: dict[str, set[str]] = {}
    todo, useful = list(meet), set(meet)
    while todo:
        node = todo.pop()
        for parent in fwd.parents[node]:
            children.setdefault(parent, set()).add(node)
            if parent not in useful:
                useful.add(parent)
                todo.append(parent)
    path, steps = [fwd.root], []
    while path[-1] in children:  # the forward half, up to a meeting node
        node = min(children[path[-1]], key=keys.__getitem__)
        steps.append(min((t, not s) for t, s in fwd.parents[node][path[-1]]))
        path.append(node)
    while bwd.parents[path[-1]]:  # the backward half: each parent is one hop nearer the end
        node = min(bwd.parents[path[-1]], key=keys.__getitem__)
        steps.append(min((t, s) for t, s in bwd.parents[path[-1]][node]))
        path.append(node)
    details = {r["eid"]: r for r in store.read(node_details(store.schema), {"ids": path}, name="linkage_nodes")}
    nodes = tuple(_entity(details[e]) for e in path)
    return LinkagePath(nodes, tuple(Rel(t, not backward) for t, backward in steps))


def _entity(row: Mapping[str, Any]) -> Entity:
    return Entity(row["id"], row["label"], row["name"] if row["name"] is not None else row["id"], row["kind"])


# --- reach ----------------------------------------------------------------------------------------
def reach(
    store: BoltStore,
    entity_id: str | Entity,
    hops: int = 3,
    via: tuple[str, ...] = (),
    labels: tuple[str, ...] = REACH_LABELS,
) -> list[Reached]:
    """The entities of ``labels`` within ``hops`` (1..6) of the entity, undirected, nearest first (then in
    the order of ``labels``, then by id); the entity itself is left out."""
    schema = store.schema
    types, wanted_labels = check_via(schema, via), check_labels(schema, labels)
    hops = check_hops(hops, MAX_REACH_HOPS, "可达跳数", "hops")
    eid = _element_id(store, resolve_entity(store, entity_id))
    statement = expand_nodes(schema, types)
    dist, frontier, wanted = {eid: 0}, [eid], {}
    for distance in range(1, hops + 1):
        if not frontier:
            break
        found = store.read(statement, {"frontier": frontier}, name="reach_expand")[0]["found"]
        frontier = []
        for node, label in found:
            if node not in dist:
                dist[node] = distance
                frontier.append(node)
                if label in wanted_labels:
                    wanted[node] = distance
    rows = store.read(node_details(schema), {"ids": list(wanted)}, name="reach_nodes") if wanted else []
    out = [Reached(_entity(r), wanted[r["eid"]], bool(r["stationed"]) if r["label"] == "Unit" else None) for r in rows]
    rank = {label: i for i, label in enumerate(wanted_labels)}
    return sorted(out, key=lambda x: (x.distance, rank[x.entity.label], x.entity.id))
