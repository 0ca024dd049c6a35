"""Located ledger rows → typed, validated node and edge records, with every problem found.

Checks, all driven by the schema and the layout: required cells, types, enumerations, the credit-code
check digit, personal numbers (refused), duplicate ids, ties listed twice (refused) and overlapping terms of a
single post (warned), references to ids that exist nowhere (in this
load or in the graph, asked through ``lookup``), endpoint kinds, cycles in LEADS and PART_OF, a
superior of a deeper level than its subordinate, dates in the wrong order, and a longitude without its latitude
(or the other way round).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, cast

from loaders import row_rules
from loaders.category_words import settle as settle_words
from loaders.cell_values import RawRow, ValueProblem, is_blank, split_ids
from loaders.layout import Column, OwnedKey
from loaders.ledger_reader import SheetData
from loaders.pending_edges import NO_PROPS, PendingEdge, Where
from loaders.sheet_records import edge_rows, node_rows
from loaders.structure_checks import cycle_issues, duplicate_ties, level_issues, overlapping_terms
from orggraph.model import personal_numbers
from orggraph.model.errors import Issue
from orggraph.model.personal_numbers import may_hold
from orggraph.model.records import EdgeRecord, NodeRecord
from orggraph.model.schema import load_schema

# ids → {"label": ..., "kind": ...} for ids the graph already holds (the label always given, the kind may be None)
Lookup = Callable[[set[str]], Mapping[str, Mapping[str, str | None]]]
Known = tuple[str, str | None]  # a node's (label, kind)
Located = PendingEdge  # a resolved one


@dataclass
class ValidationResult:
    nodes: list[NodeRecord]
    edges: list[EdgeRecord]
    issues: list[Issue]
    rows: dict[str, int] = field(default_factory=dict)  # per sheet kind
    rejected: dict[str, int] = field(default_factory=dict)
    # (label, type, reverse, target labels) → ids of nodes whose row holds that edge column: in the graph,
    # those nodes' ties of that kind are exactly what the ledger now says (a cleared cell removes the tie)
    owned: dict[OwnedKey, list[str]] = field(default_factory=dict)
    # (file, sheet) → the properties its columns hold: a property whose column a sheet does not have is not the
    # sheet's to change (a load keeps the stored value), as a sheet absent from a load removes nothing
    covered: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)

    def sheets_with_rows(self) -> set[str]:
        """The sheet kinds that hold at least one data row: an empty sheet (a template's leftover) says nothing,
        so it removes nothing."""
        return {kind for kind, n in self.rows.items() if n}

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]


class _Validator:
    def __init__(self, load_id: str | None, loaded_at: str | None) -> None:
        self.schema = load_schema()
        self.load_id, self.loaded_at = load_id, loaded_at
        self.issues: list[Issue] = []
        self.bad_rows: set[Where] = set()
        self.nodes: dict[str, NodeRecord] = {}  # a node's source is the row (Where) it came from
        self.pending: list[PendingEdge] = []
        self.keep_props = True  # False: nothing will be written, so a node keeps only its kind
        # the ties of edge sheets (one per row): the only ones two rows can repeat, since a node row's ties start
        # or end at its own id and ids are unique
        self.sheet_ties: list[PendingEdge] = []
        self.owned: dict[OwnedKey, list[str]] = {}
        self.refused: set[tuple[Where, str]] = set()  # cells refused as personal numbers: not read as ids either
        # (file, sheet, column) → references to ids outside these files, when no graph is asked (pure validate)
        self.unchecked: dict[tuple[str, str | None, str], int] | None = None

    def issue(self, where: Where, column: str | None, value: object, zh: str, en: str) -> None:
        self.issues.append(Issue(where.file, where.row, column, value, zh, en, where.sheet))
        self.bad_rows.add(where)

    def warn(self, where: Where, column: str | None, value: object, zh: str, en: str) -> None:
        """Reported, not blocking: the row still loads."""
        self.issues.append(Issue(where.file, where.row, column, value, zh, en, where.sheet, "warning"))

    def _personal(self, value: object, header: str, where: Where) -> bool:
        """Refuse a cell holding an ID-card or phone number; the number itself is shown as ``***``, never echoed."""
        kind = personal_numbers.find(value)
        if kind is not None:
            self.refused.add((where, header))
            self.issue(
                where,
                header,
                "***",
                f"疑似{kind.zh},不得登记个人敏感号码",
                f"looks like {kind.en}; personal numbers must not be recorded",
            )
        return kind is not None

    def _props(self, sheet: SheetData, row: RawRow, where: Where) -> dict[str, Any]:
        props: dict[str, Any] = {}
        width = len(row)
        for pos, prop, header, required, check_personal, parse in sheet.cell_plan:
            value = row[pos] if pos < width else None
            if value is None or value == "" or (type(value) is str and not value.strip()):
                if prop is not None and required:
                    self.issue(where, header, value, "必填项为空", "required value is empty")
                continue
            if check_personal and may_hold(value) and self._personal(value, header, where):
                continue
            if prop is None:
                continue
            assert parse is not None  # a property column has its parser (SheetData.cell_plan)
            try:
                props[prop] = parse(value)
            except ValueProblem as p:
                self.issue(where, header, value, p.zh, p.en)
        return props

    def _row_rules(self, date_pairs: Iterable[tuple[str, str]], props: dict[str, Any], where: Where,
                   headers: dict[str, str], pairs: Iterable[tuple[str, str]] = ()) -> None:  # fmt: skip
        """Dates in order, and the properties given both or neither (``loaders.row_rules``)."""
        for column, value, zh, en in (*row_rules.date_order(date_pairs, props, headers),
                                      *row_rules.together(pairs, props, headers)):  # fmt: skip
            self.issue(where, column, value, zh, en)

    def _edge_ids(self, col: Column, value: object, header: str, where: Where) -> list[str]:
        if is_blank(value):
            if col.is_required:
                self.issue(where, header, value, "必填编号为空", "required id is empty")
            return []
        if self.refused and (where, header) in self.refused:  # reported once, never sent to the graph as an id
            return []
        ids = split_ids(value)
        if len(ids) > 1 and not col.many:
            self.issue(where, header, value, "此列只能填一个编号", "this column takes a single id")
            return []
        return ids

    def node_row(self, sheet: SheetData, row: RawRow, where: Where) -> None:
        label = sheet.kind.label
        assert label is not None  # a node sheet's (an edge sheet's rows go to edge_row)
        props = self._props(sheet, row, where)
        settle_words(label, props)  # 义诊 → category 医疗健康, category_text 义诊
        node_id = props.pop("id", None)
        headers = sheet.prop_headers
        spec = self.schema.node(label)  # a pair is not judged on a row refused already (its cell may be the bad one)
        self._row_rules(spec.date_order, props, where, headers, () if where in self.bad_rows else spec.together)
        if node_id is None:
            return
        if node_id in self.nodes:
            first = self.nodes[node_id].source
            assert first is not None  # every node here is made with its row
            self.issue(
                where,
                headers.get("id"),
                node_id,
                f"编号重复,已见于 {first.file}·{first.sheet}·第{first.row}行",
                f"duplicate id, already used at {first.file} · {first.sheet} · row {first.row}",
            )
            return
        if not self.keep_props:  # checking only: the kind is all a later check reads (~0.5 GB less on a province)
            props = {"kind": props["kind"]} if "kind" in props else NO_PROPS
        self.nodes[node_id] = NodeRecord(label, node_id, props, where)
        for pos, col, header, owned_key in sheet.edge_columns:
            rel_type = owned_key[1]  # col.edge, never None here: only edge columns are listed
            if self.keep_props:  # which ties a row owns matters only to a load
                self.owned.setdefault(owned_key, []).append(node_id)
            for other in self._edge_ids(col, row[pos] if pos < len(row) else None, header, where):
                if col.reverse:
                    tie = PendingEdge(
                        rel_type, other, node_id, col.targets, (label,), NO_PROPS, where, header, header, other
                    )
                else:
                    tie = PendingEdge(
                        rel_type, node_id, other, (label,), col.targets, NO_PROPS, where, header, header, other
                    )
                self.pending.append(tie)

    def edge_row(self, sheet: SheetData, row: RawRow, where: Where) -> None:
        """One relationship per row; its two id columns are found by what they are, not where they stand."""
        edge_sheet = sheet.kind.edge_sheet
        assert edge_sheet is not None  # an edge sheet's (a node sheet's rows go to node_row)
        props = self._props(sheet, row, where)
        rel = self.schema.relationship(edge_sheet.type)
        self._row_rules(rel.date_order, props, where, sheet.prop_headers)
        ends: list[tuple[str | None, Column, str]] = []
        for end in sheet.kind.all_columns[:2]:
            pos, col, header = next(((p, c, h) for p, c, h in sheet.columns if c is end), (None, end, end.header))
            if pos is None:  # the whole column is missing: reported once, at the header
                return
            ids = self._edge_ids(col, row[pos] if pos < len(row) else None, header, where)
            ends.append((ids[0] if ids else None, col, header))
        (src, c1, h1), (dst, c2, h2) = ends
        if src and dst:
            tie = PendingEdge(rel.type, src, dst, c1.targets, c2.targets, props, where, h1, h2, dst)
            self.pending.append(tie)
            self.sheet_ties.append(tie)

    def resolve(self, lookup: Lookup | None) -> list[Located]:
        """Give every pending edge the labels of its ends, from this load or the graph."""
        label_of = {i: n.label for i, n in self.nodes.items()}  # no (label, kind) per id: ~1.5M on a province
        graph: dict[str, Known] = {}
        if lookup is not None:  # the graph always names the label (cast): only the kind may be None
            ends = set(map(attrgetter("src_id"), self.pending)) | set(map(attrgetter("dst_id"), self.pending))
            wanted = ends - label_of.keys()
            found = lookup(wanted).items() if wanted else ()
            graph = {i: (cast(str, f["label"]), f.get("kind")) for i, f in found}
            label_of.update((i, k[0]) for i, k in graph.items())
        edges: list[Located] = []
        get, keep, append, pending = label_of.get, self.keep_props, edges.append, self.pending
        src_labels = map(get, map(attrgetter("src_id"), pending))  # looked up at C speed, alongside the loop
        dst_labels = map(get, map(attrgetter("dst_id"), pending))
        for e, src, dst in zip(pending, src_labels, dst_labels, strict=True):
            if not (src in e.src_targets and dst in e.dst_targets):  # else the common case, without the reporting path
                src = self._label(label_of, e.src_id, e.src_targets, e, e.src_header)
                dst = self._label(label_of, e.dst_id, e.dst_targets, e, e.dst_header)
                if src is None or dst is None:
                    continue
            if keep:  # a check that writes nothing needs no records (2M fewer objects on a province)
                e.edge = EdgeRecord(e.type, src, e.src_id, dst, e.dst_id, e.props, e.where)
            append(e)
        self.known = _Known(self.nodes, graph)
        self.pending = []  # resolved: their memory goes to what the structure checks build next
        return edges

    def _label(
        self, known: dict[str, str], node_id: str, targets: tuple[str, ...], e: PendingEdge, header: str
    ) -> str | None:
        if node_id not in known and self.unchecked is not None:  # no graph to ask: counted, not judged
            key = (e.where.file, e.where.sheet, header)
            self.unchecked[key] = self.unchecked.get(key, 0) + 1
            return None
        if node_id not in known:
            self.issue(
                e.where,
                header,
                node_id,
                "引用的编号在本次导入和图谱中都不存在",
                "the referenced id exists neither in this load nor in the graph",
            )
            return None
        label = known[node_id]
        if label not in targets:
            names = "、".join(self.schema.node(t).zh for t in targets)
            self.issue(
                e.where,
                header,
                node_id,
                f"该编号是{self.schema.node(label).zh},此处应为{names}",
                f"this id is a {label}; expected {', '.join(targets)}",
            )
            return None
        return label


class _Known(Mapping[str, Known]):
    """id → (label, kind) of this load's nodes, then of the graph's, looked up when asked: the level check asks of
    LEADS ends only, and a dict of every id would be ~1.5M entries on a province."""

    def __init__(self, nodes: dict[str, NodeRecord], graph: dict[str, Known]) -> None:
        self.nodes, self.graph = nodes, graph

    def __getitem__(self, node_id: str) -> Known:
        node = self.nodes.get(node_id)
        return (node.label, node.props.get("kind")) if node is not None else self.graph[node_id]

    def __iter__(self) -> Iterator[str]:
        yield from self.nodes
        yield from self.graph

    def __len__(self) -> int:
        return len(self.nodes) + len(self.graph)


def validate(
    sheets: Iterable[SheetData],
    load_id: str | None = None,
    loaded_at: str | None = None,
    lookup: Lookup | None = None,
    issues: list[Issue] | None = None,
    unchecked_outside: bool = False,
    consume: bool = False,
    keep_props: bool = True,
) -> ValidationResult:
    """Type and check every row; ``lookup`` answers which ids the graph already holds.

    With ``unchecked_outside`` there is no graph to ask: references to ids that are not in these files are counted
    per column and reported as one warning each (``validate`` without a server), not judged.

    ``sheets`` may be a :class:`~loaders.ledger_reader.LedgerStream` (files read as they are needed); with
    ``consume`` a list is emptied as it goes. Either way the raw cells go while the records are made (a province's
    cells are ~1 GB). Without ``keep_props`` the nodes come back with their kind only:
    enough for a check that writes nothing (``orggraph validate``), in far less memory."""
    v = _Validator(load_id, loaded_at)
    v.keep_props = keep_props
    if unchecked_outside:
        v.unchecked = {}
    rows, kinds, covered = _check_rows(v, sheets, consume, load_id, loaded_at)
    v.issues[:0] = issues or []  # the reader's, first (a stream's are complete only now)
    _check_ties(v)
    located = v.resolve(lookup)
    v.issues += _unchecked_warnings(v.unchecked or {})
    for where, column, value, zh, en in cycle_issues(located) + level_issues(located, v.known):
        v.issue(where, column, value, zh, en)
    result = _result(v, located, rows, kinds)
    result.covered = covered
    return result


def _check_rows(
    v: _Validator, sheets: Iterable[SheetData], consume: bool, load_id: str | None, loaded_at: str | None
) -> tuple[dict[str, int], dict[tuple[str, str], str], dict[tuple[str, str], frozenset[str]]]:
    """Type and check each row of each sheet, one sheet at a time so a stream's cells can go as they are read.

    Returns rows per ledger kind, each sheet's kind and the properties each sheet has a column for (what a
    sheet leaves out is not taken as cleared)."""
    rows: dict[str, int] = {}
    kinds: dict[tuple[str, str], str] = {}
    covered: dict[tuple[str, str], frozenset[str]] = {}
    for sheet in _each(sheets, consume):
        kinds[(sheet.file, sheet.sheet)] = sheet.kind.id
        covered[(sheet.file, sheet.sheet)] = frozenset(c.prop for _, c, _ in sheet.columns if c.prop)
        rows[sheet.kind.id] = rows.get(sheet.kind.id, 0) + len(sheet.rows)
        (edge_rows if sheet.kind.edge_sheet else node_rows)(v, sheet, load_id, loaded_at)  # typed column-wise
    return rows, kinds, covered


def _check_ties(v: _Validator) -> None:
    """Repeated ties are errors, overlapping terms of one post warnings; repeats first, so that a repeated
    row is not also reported as a second holder of the post."""
    for where, column, value, zh, en in duplicate_ties(v.sheet_ties, v.bad_rows):
        v.issue(where, column, value, zh, en)
    for where, column, value, zh, en in overlapping_terms(v.sheet_ties, v.bad_rows):
        v.warn(where, column, value, zh, en)


def _unchecked_warnings(unchecked: dict[tuple[str, str | None, str], int]) -> list[Issue]:
    """One warning per column whose ids were not in these files and, with no graph to ask, were left unjudged."""
    return [
        Issue(
            file,
            None,
            column,
            None,
            f"{n} 个编号不在这些文件中,未与图谱核对(用 --against-graph 核对)",
            f"{n} id(s) are not in these files and were not checked against the graph (use --against-graph)",
            sheet,
            "warning",
        )
        for (file, sheet, column), n in sorted(unchecked.items())
    ]


def _each(sheets: Iterable[SheetData], consume: bool) -> Iterator[SheetData]:
    """The sheets in order; with ``consume`` a list is emptied as it goes (an iterator always is)."""
    if not (consume and isinstance(sheets, list)):
        yield from sheets
        return
    sheets.reverse()
    while sheets:
        yield sheets.pop()


def _result(
    v: _Validator, located: list[Located], rows: dict[str, int], kind_of: dict[tuple[str, str], str]
) -> ValidationResult:
    """Keep only rows without errors, and edges whose own row and both ends survived."""
    rejected: dict[str, int] = {}
    for where in v.bad_rows:
        sheet = where.sheet or ""  # every row here was read from a named sheet
        kind = kind_of.get((where.file, sheet), sheet)
        rejected[kind] = rejected.get(kind, 0) + 1
    if not v.bad_rows:  # the common case: every record stands (one pass each, no lookups)
        edges = [x.edge for x in located if x.edge is not None]
        return ValidationResult(list(v.nodes.values()), edges, v.issues, rows, rejected, dict(v.owned))
    dropped = {i for i, n in v.nodes.items() if n.source in v.bad_rows}
    nodes = [n for i, n in v.nodes.items() if i not in dropped]
    edges = [
        x.edge
        for x in located
        if x.edge is not None and x.where not in v.bad_rows and x.src_id not in dropped and x.dst_id not in dropped
    ]
    owned = {key: [i for i in ids if i not in dropped] for key, ids in v.owned.items()}
    return ValidationResult(nodes, edges, v.issues, rows, rejected, owned)
