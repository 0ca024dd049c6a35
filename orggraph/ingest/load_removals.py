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
from orggraph.graph.bulk_reads import all_ties, label_ids
from orggraph.graph.placement import Homes, graph_ties, load_placement
from orggraph.graph.store import BoltStore
from orggraph.model.errors import Issue
from orggraph.model.records import EdgeRecord, NodeRecord, Source

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


def ledger_scope(homes: Homes, nodes: list[NodeRecord]) -> set[str]:
    """The streets a ledger speaks for: those its located rows sit in; failing any, the single street of each
    other row that has exactly one."""
    located = [n for n in nodes if n.label in homes.placement.located]
    if located:
        return set().union(*(homes.of(n.id) for n in located))
    return set().union(*(h for n in nodes if len(h := homes.of(n.id)) == 1))


@dataclass
class LedgerSide:
    """What the ledger holds, as the removal check needs it."""

    sheets: set[str]  # ids of the sheets present
    nodes: list[NodeRecord]
    edges: list[EdgeRecord]
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


def find_removals(store: BoltStore, ledger: LedgerSide, layout: Layout | None = None) -> Removals:
    """Candidates first (cheap: ids per label present); streets are only worked out when there are some."""
    layout, schema = layout or load_layout(), store.schema
    node_candidates = _node_candidates(store, ledger, layout)
    tie_candidates = _tie_candidates(store, ledger, layout)
    out = Removals()
    if not (node_candidates or tie_candidates or ledger.cleared):
        return out
    placement = load_placement()
    labels, ties = graph_ties(store, placement)
    labels.update({n.id: n.label for n in ledger.nodes})
    ties += [(e.type, e.src_id, e.dst_id) for e in ledger.edges]
    homes = Homes(placement, labels, ties)
    scope = ledger_scope(homes, ledger.nodes)
    streets = {i for i, label in labels.items() if label == placement.street}
    out.scope, out.whole_region = tuple(sorted(scope)), bool(streets) and streets <= scope

    def in_scope(*ids: str) -> bool:
        if out.whole_region:
            return True
        reached = frozenset().union(*(homes.of(i) for i in ids))
        return bool(reached) and reached <= scope

    referenced = ledger.referenced
    for sheet, label, node_id, name in node_candidates:
        if node_id in referenced:  # named by the ledger's own rows: never removed; said when in its scope
            if in_scope(node_id):
                naming = tuple(e for e in ledger.edges if node_id in (e.src_id, e.dst_id))
                out.still_named.append(StillNamed(sheet, label, node_id, name, naming))
            continue
        if in_scope(node_id):
            out.nodes[label].append(node_id)
            out.add(sheet, {"id": node_id, "name": name})
        else:
            out.out_of_scope[sheet] += 1
    for sheet, key, row in tie_candidates:
        if in_scope(row["src"], row["dst"]):
            out.edges[key].append({"src": row["src"], "dst": row["dst"], "props": row.get("props", {})})
            out.add(sheet, {"id": f"{row['src']} → {row['dst']}", "name": schema.relationship(key[0]).zh})
        else:
            out.out_of_scope[sheet] += 1
    for sheet, row, key in ledger.cleared:  # a cleared cell of a row the ledger still has: its own to say
        out.edges[key].append(row)
        out.add(sheet, {"id": f"{row['src']} → {row['dst']}", "name": schema.relationship(key[0]).zh})
    return out


def _node_candidates(store: BoltStore, ledger: LedgerSide, layout: Layout) -> list[tuple[str, str, str, str]]:
    """(sheet, label, id, name) of records of the sheets present that the ledger does not list (those it still
    refers to among them: ``find_removals``); a name the schema marks sensitive (a person's) is not shown."""
    listed = ledger.ids
    out = []
    for sheet in layout.sheets:
        if sheet.id in ledger.sheets and sheet.label:
            spec = store.schema.node(sheet.label).property("name")
            shown = spec is not None and not spec.sensitive
            for r in statements.collected(store.read(statements.node_ids(store.schema, sheet.label), name="sync")):
                if r["id"] not in listed:
                    out.append((sheet.id, sheet.label, r["id"], (r["name"] or "") if shown else ""))
    return out


def _tie_candidates(store: BoltStore, ledger: LedgerSide, layout: Layout) -> list[tuple[str, EdgeKey, Row]]:
    """(sheet, (type, src label, dst label), row) of ties of the edge sheets present that the ledger no longer
    lists (a tie's identity: its ends and its type's key properties)."""
    schema, out, ids = store.schema, [], dict[str, list[str]]()
    listed = {(e.type, *tie_key(schema.relationship(e.type).key, e.src_id, e.dst_id, e.props)) for e in ledger.edges}
    for sheet in layout.sheets:
        if sheet.id not in ledger.sheets or sheet.edge_sheet is None:
            continue
        e = sheet.edge_sheet
        rel = schema.relationship(e.type)
        for src in e.from_.targets:
            for dst in e.to.targets:
                if not rel.allows(src, dst):
                    continue
                if src not in ids:
                    ids[src] = label_ids(store, src, "sync")
                for r in all_ties(store, (rel.type, src, dst), ids[src], "sync"):
                    if (rel.type, *tie_key(rel.key, r["src"], r["dst"], r["props"])) not in listed:
                        out.append((sheet.id, (rel.type, src, dst), r))
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
