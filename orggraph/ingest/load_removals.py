"""What the graph holds that a ledger no longer has, and which of it the ledger may remove.

The rule, the same for a removed row and a cleared cell: a load adds and updates what the ledger lists and
reports what it no longer lists ("台账中已无"); ``load --sync`` removes the reported records and ties in the
same all-or-nothing write. Only what the ledger is responsible for is a candidate at all:

* a sheet absent from the ledger removes nothing (no 单位 sheet: no unit is a candidate);
* a record or tie is removable only when it belongs wholly to the streets the ledger's own rows sit in
  (``placement.yaml``): a street's ledger never removes anything of another street, nor anything shared with
  one (an agreement signed across two streets), nor anything that belongs to no street (a district committee)
  — unless the ledger covers every street of the graph, when it speaks for the whole region;
* a record the ledger still refers to (a superior named in 上级党组织编号) is never removed.

Everything else absent from the ledger is counted as "out of scope" and left alone.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loaders.layout import Layout, header_key, load_layout
from orggraph.graph import statements
from orggraph.graph.bulk_reads import all_ties, chunks, label_ids, nodes_by_id
from orggraph.graph.placement import Homes
from orggraph.graph.store import BoltStore
from orggraph.ingest.removal_scope import Placed, members_by_label, placed_near, placed_whole, tie_ends
from orggraph.model.errors import Issue
from orggraph.model.records import EdgeRecord, NodeRecord, Source
from orggraph.model.schema import Schema

SHOWN = 20  # removals listed by name per sheet (the counts are complete)

Row = dict[str, Any]  # a row as read from or written to the graph (ids, props)
EdgeKey = tuple[str, str, str]  # (type, src label, dst label)
Cleared = tuple[str, Row, EdgeKey]  # (sheet, tie row, edge key) of a cleared cell in a row the ledger still has


@dataclass(frozen=True)
class StillNamed:
    """A record of the ledger's scope that its own sheet no longer lists while other rows of the ledger still name
    it: kept by a load (a named record is never removed), and a contradiction a sync must not settle silently."""

    sheet: str  # the sheet that no longer lists it
    label: str
    id: str
    name: str
    named_by: tuple[EdgeRecord, ...]  # the ledger's ties naming it (their sources say file, sheet and row)


@dataclass
class Removals:
    """Per ledger sheet (by sheet id): what the graph has and the ledger no longer lists, within its scope."""

    nodes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # label → ids
    edges: dict[EdgeKey, list[Row]] = field(default_factory=lambda: defaultdict(list))
    by_sheet: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    shown: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))  # first rows per sheet
    out_of_scope: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    still_named: list[StillNamed] = field(default_factory=list)  # gone from their sheet, still named elsewhere
    scope: tuple[str, ...] = ()  # the streets the ledger speaks for (empty: none found)
    whole_region: bool = False

    @property
    def size(self) -> int:
        return sum(map(len, self.nodes.values())) + sum(map(len, self.edges.values()))

    def outside(self, homes: Homes, street: str) -> list[str]:
        """What of these removals does not belong to ``street`` (a ``--sync`` by a street's editor may remove
        nothing else): node ids, and ties as "src → dst"."""
        nodes = [i for ids in self.nodes.values() for i in ids if street not in homes.of(i)]
        ties = [
            f"{r['src']} → {r['dst']}"
            for rows in self.edges.values()
            for r in rows
            if street not in homes.of(r["src"]) | homes.of(r["dst"])
        ]
        return nodes + ties

    def add(self, sheet: str, row: Row) -> None:
        self.by_sheet[sheet] += 1
        if len(self.shown[sheet]) < SHOWN:
            self.shown[sheet].append(row)


@dataclass
class LedgerSide:
    """What the ledger holds, as the removal check needs it."""

    sheets: set[str]  # ids of the sheets present
    nodes: list[NodeRecord]
    edges: list[EdgeRecord]
    # from the plan's comparison: per label and per tie kind, how many of the ledger's own the graph holds (what
    # the removal check counts against: required, so no caller can leave it out and get wrong counts)
    held: dict[str | EdgeKey, int]
    cleared: list[Cleared] = field(default_factory=list)  # from rows present

    @property
    def ids(self) -> set[str]:
        return {n.id for n in self.nodes}

    @property
    def referenced(self) -> set[str]:
        return {i for e in self.edges for i in (e.src_id, e.dst_id)}


def tie_key(rel_key: tuple[str, ...], src: str, dst: str, props: dict[str, Any]) -> tuple[object, ...]:
    """What tells two ties of one type apart: their ends and the type's key properties."""
    return (src, dst, *(props.get(k) for k in rel_key))


NodeCandidate = tuple[str, str, str, str]  # (sheet, label, id, name)
TieCandidate = tuple[str, EdgeKey, Row]  # (sheet, (type, src label, dst label), tie row)
MOST = 0.5  # a ledger listing at least this share of its sheets' records is compared with them whole


def find_removals(store: BoltStore, ledger: LedgerSide, layout: Layout | None = None) -> Removals:
    """What the graph holds and the ledger no longer lists, sorted into removable (within its streets) and out of
    scope. A ledger listing most of its sheets' records is compared with all of them (candidates first: a ledger
    that still lists everything never works out streets); a smaller one — a street's — reads only what lies in its
    streets and counts the rest, so its cost follows the ledger, not the region."""
    layout, count = layout or load_layout(), Counts(store)
    if _lists_most(count, ledger, layout):
        nodes, ties = _node_candidates(store, count, ledger, layout), _tie_candidates(store, count, ledger, layout)
        if not (nodes or ties or ledger.cleared):
            return Removals()
        return _sorted_out(store, ledger, placed_whole(store, ledger.nodes, ledger.edges), nodes, ties, {})
    placed = placed_near(store, ledger.nodes, ledger.edges) or placed_whole(store, ledger.nodes, ledger.edges)
    if placed.whole_region:
        nodes, ties = _node_candidates(store, count, ledger, layout), _tie_candidates(store, count, ledger, layout)
        return _sorted_out(store, ledger, placed, nodes, ties, {})
    members = members_by_label(placed)
    nodes, outside = _scoped_node_candidates(store, count, ledger, layout, members)
    ties, outside_ties = _scoped_tie_candidates(store, count, ledger, layout, members)
    for sheet, n in outside_ties.items():
        outside[sheet] = outside.get(sheet, 0) + n
    placed.reach(tie_ends(ties))  # a tie's other end may lie outside the streets: where it belongs is read too
    return _sorted_out(store, ledger, placed, nodes, ties, outside)


class Counts:
    """How many records of a label (or ties of a kind) the graph holds, each read once per removal check."""

    def __init__(self, store: BoltStore) -> None:
        self.store, self.known = store, dict[str | EdgeKey, int]()

    def __call__(self, kind: str | EdgeKey) -> int:
        if kind not in self.known:
            schema = self.store.schema
            if isinstance(kind, str):
                query = statements.count_nodes(schema, kind)
            else:
                query = statements.count_pair(schema, *kind)
            self.known[kind] = int(self.store.read(query, name="sync")[0]["n"])
        return self.known[kind]


def _lists_most(count: Counts, ledger: LedgerSide, layout: Layout) -> bool:
    """Whether the ledger lists at least ``MOST`` of the graph's records of its node sheets' labels."""
    labels = {sheet.label for sheet in layout.sheets if sheet.id in ledger.sheets and sheet.label}
    return sum(1 for n in ledger.nodes if n.label in labels) >= MOST * sum(map(count, labels))


def _sorted_out(
    store: BoltStore,
    ledger: LedgerSide,
    placed: Placed,
    node_candidates: list[NodeCandidate],
    tie_candidates: list[TieCandidate],
    outside: dict[str, int],
) -> Removals:
    """The candidates sorted into removals, records still named by the ledger and out of scope (``outside``: those
    counted without being read)."""
    schema, out = store.schema, Removals()
    out.scope, out.whole_region = tuple(sorted(placed.scope)), placed.whole_region
    for sheet, n in outside.items():
        out.out_of_scope[sheet] += n
    referenced = ledger.referenced
    for sheet, label, node_id, name in node_candidates:
        if node_id in referenced:  # named by the ledger's own rows: never removed; said when in its scope
            if placed.holds(node_id):
                naming = tuple(e for e in ledger.edges if node_id in (e.src_id, e.dst_id))
                out.still_named.append(StillNamed(sheet, label, node_id, name, naming))
            continue
        if placed.holds(node_id):
            out.nodes[label].append(node_id)
            out.add(sheet, {"id": node_id, "name": name})
        else:
            out.out_of_scope[sheet] += 1
    for sheet, key, row in tie_candidates:
        if placed.holds(row["src"], row["dst"]):
            out.edges[key].append({"src": row["src"], "dst": row["dst"], "props": row.get("props", {})})
            out.add(sheet, {"id": f"{row['src']} → {row['dst']}", "name": schema.relationship(key[0]).zh})
        else:
            out.out_of_scope[sheet] += 1
    for sheet, row, key in ledger.cleared:  # a cleared cell of a row the ledger still has: its own to say
        out.edges[key].append(row)
        out.add(sheet, {"id": f"{row['src']} → {row['dst']}", "name": schema.relationship(key[0]).zh})
    return out


def _shows_name(store: BoltStore, label: str) -> bool:
    spec = store.schema.node(label).property("name")
    return spec is not None and not spec.sensitive


def _scoped_node_candidates(
    store: BoltStore, count: Counts, ledger: LedgerSide, layout: Layout, members: dict[str, list[str]]
) -> tuple[list[NodeCandidate], dict[str, int]]:
    """The records of the sheets present that lie in the ledger's streets and that it does not list, read by id;
    and per sheet how many others it does not list (out of scope, counted: the label's count less those the graph
    holds of the ledger's own ids of that label, less the ones read)."""
    listed, referenced = ledger.ids, ledger.referenced
    named_as: dict[str, set[str]] = defaultdict(set)  # validated: an id the ledger names as L is L in the graph
    for e in ledger.edges:
        named_as[e.src_label].update({e.src_id} - listed)
        named_as[e.dst_label].update({e.dst_id} - listed)
    out, outside = list[NodeCandidate](), dict[str, int]()
    for sheet in layout.sheets:
        if sheet.id not in ledger.sheets or not sheet.label:
            continue
        label, shown = sheet.label, _shows_name(store, sheet.label)
        read = nodes_by_id(store, label, [i for i in members.get(label, []) if i not in listed], "sync")
        out += [(sheet.id, label, r["id"], (r["props"].get("name") or "") if shown else "") for r in read]
        known = ledger.held.get(label, 0) + len(_held_ids(store, label, sorted(named_as[label])))
        outside[sheet.id] = count(label) - known - sum(1 for r in read if r["id"] not in referenced)
    return out, outside


def _held_ids(store: BoltStore, label: str, ids: list[str]) -> set[str]:
    query = statements.lookup_ids(store.schema, label)
    return {r["id"] for chunk in chunks(ids) for r in statements.collected(store.read(query, {"ids": chunk}, "sync"))}


def _scoped_tie_candidates(
    store: BoltStore, count: Counts, ledger: LedgerSide, layout: Layout, members: dict[str, list[str]]
) -> tuple[list[TieCandidate], dict[str, int]]:
    """The ties of the edge sheets present that touch a record of the ledger's streets and that it does not list;
    and per sheet how many others it does not list (counted: the ties of the kind less those of the ledger's
    own the graph holds, less the ones read)."""
    schema, out, outside = store.schema, list[TieCandidate](), dict[str, int]()
    listed = _listed_ties(schema, ledger)
    for sheet, key in _edge_sheet_keys(ledger, layout, schema):
        rel_key = schema.relationship(key[0]).key
        read: dict[tuple[object, ...], Row] = {}
        for query, ids in (
            (statements.ties_from(schema, *key), members.get(key[1], [])),
            (statements.ties_to(schema, *key), members.get(key[2], [])),
        ):
            for chunk in chunks(ids):
                for r in statements.collected(store.read(query, {"ids": chunk}, "sync")):
                    read.setdefault(tie_key(rel_key, r["src"], r["dst"], r["props"]), r)
        unlisted = [r for k, r in read.items() if (key[0], *k) not in listed]
        out += [(sheet, key, r) for r in sorted(unlisted, key=lambda r: (str(r["src"]), str(r["dst"])))]
        outside[sheet] = outside.get(sheet, 0) + count(key) - ledger.held.get(key, 0) - len(unlisted)
    return out, outside


def _listed_ties(schema: Schema, ledger: LedgerSide) -> set[tuple[object, ...]]:
    return {(e.type, *tie_key(schema.relationship(e.type).key, e.src_id, e.dst_id, e.props)) for e in ledger.edges}


def _edge_sheet_keys(ledger: LedgerSide, layout: Layout, schema: Schema) -> list[tuple[str, EdgeKey]]:
    """(sheet id, (type, src label, dst label)) of every tie kind the edge sheets present hold."""
    keys = []
    for sheet in layout.sheets:
        if sheet.id in ledger.sheets and sheet.edge_sheet is not None:
            e, rel = sheet.edge_sheet, schema.relationship(sheet.edge_sheet.type)
            keys += [(sheet.id, (rel.type, a, b)) for a in e.from_.targets for b in e.to.targets if rel.allows(a, b)]
    return keys


def _node_candidates(store: BoltStore, count: Counts, ledger: LedgerSide, layout: Layout) -> list[NodeCandidate]:
    """(sheet, label, id, name) of records of the sheets present that the ledger does not list (those it still
    refers to among them: ``find_removals``); a name the schema marks sensitive (a person's) is not shown."""
    listed = ledger.ids
    out = []
    for sheet in layout.sheets:
        if sheet.id in ledger.sheets and sheet.label and not _all_listed(count, ledger, sheet.label):
            shown = _shows_name(store, sheet.label)
            for r in statements.collected(store.read(statements.node_ids(store.schema, sheet.label), name="sync")):
                if r["id"] not in listed:
                    out.append((sheet.id, sheet.label, r["id"], (r["name"] or "") if shown else ""))
    return out


def _all_listed(count: Counts, ledger: LedgerSide, kind: str | EdgeKey) -> bool:
    """Whether the graph holds no record of a label (or tie of a kind) but the ledger's own: its count is theirs
    (a ledger that still lists everything reads nothing more; a count is one cheap read)."""
    return kind in ledger.held and count(kind) == ledger.held[kind]


def _tie_candidates(store: BoltStore, count: Counts, ledger: LedgerSide, layout: Layout) -> list[TieCandidate]:
    """(sheet, (type, src label, dst label), row) of ties of the edge sheets present that the ledger no longer
    lists (a tie's identity: its ends and its type's key properties)."""
    schema, out, ids = store.schema, list[TieCandidate](), dict[str, list[str]]()
    listed = _listed_ties(schema, ledger)
    for sheet, (rel_type, src, dst) in _edge_sheet_keys(ledger, layout, schema):
        if _all_listed(count, ledger, (rel_type, src, dst)):
            continue
        if src not in ids:
            ids[src] = label_ids(store, src, "sync")
        rel_key = schema.relationship(rel_type).key
        for r in all_ties(store, (rel_type, src, dst), ids[src], "sync"):
            if (rel_type, *tie_key(rel_key, r["src"], r["dst"], r["props"])) not in listed:
                out.append((sheet, (rel_type, src, dst), r))
    return out


def still_named_issues(items: list[StillNamed], layout: Layout | None = None) -> list[Issue]:
    """A sync cannot remove what the ledger still names nor keep what its sheet dropped: one error per row naming
    it (file, sheet, row, column, the id), saying which sheet no longer lists it."""
    layout = layout or load_layout()
    sheets = {s.id: s for s in layout.sheets}
    issues = []
    for item in items:
        gone = sheets[item.sheet]
        for edge in item.named_by:
            where = edge.source or Source("")
            issues.append(
                Issue(
                    where.file,
                    where.row,
                    _naming_column(layout, edge, item.id),
                    item.id,
                    f"{gone.zh}表中已无 {item.id} {item.name}".rstrip()
                    + ",但本行仍引用它:同步既不能删除也不能保留它。请恢复该行,或改掉这里的引用",
                    f"{item.id} is no longer in the {gone.en} sheet but this row still names it: a sync can neither"
                    " remove nor keep it. Restore its row or change this reference",
                    where.sheet,
                )
            )
    return issues


def _naming_column(layout: Layout, edge: EdgeRecord, named: str) -> str | None:
    """The header of the column whose id made ``edge`` point at ``named`` (None when it cannot be told)."""
    source = edge.source
    if source is None:
        return None
    key = header_key(source.sheet or Path(source.file).stem)
    sheet = next((s for s in layout.sheets if key in s.names()), None)
    label = edge.dst_label if edge.dst_id == named else edge.src_label
    columns = sheet.all_columns if sheet is not None else ()
    return next((c.header for c in columns if c.edge == edge.type and label in c.targets), None)
