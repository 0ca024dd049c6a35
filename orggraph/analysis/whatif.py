"""What-if: the coverage report before and after a proposal (a new branch, agreement or joint branch, given
as records), without changing the graph.

The proposal is written inside a transaction that is always rolled back, and the very rule queries of
the gap report run inside it: the "after" column is what the real rules would say, not a second
implementation of them, and no reader ever sees the proposal. The area chains and suggested actions
come from the graph as it is (a proposal adds organizations and ties, not geography).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict, cast

import yaml
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticError

from orggraph.analysis.coverage import CoverageIndex, GapReport, gap_report
from orggraph.graph.store import BoltStore
from orggraph.ingest.load import graph_lookup
from orggraph.model.coverage_rules import CoverageRule, load_rules
from orggraph.model.errors import Issue, QueryError, ValidationError
from orggraph.model.personal_numbers import fields_with_numbers
from orggraph.model.records import EdgeRecord, NodeRecord, Source
from orggraph.model.schema import load_schema

PROPOSAL_SOURCE = "what-if"


@dataclass
class Proposal:
    """New nodes and ties; ties may name nodes of the proposal or of the graph (by id)."""

    nodes: list[NodeRecord] = field(default_factory=list)
    ties: list[tuple[str, str, str, dict[str, Any]]] = field(default_factory=list)  # (type, src id, dst id, props)

    def add_branch(self, org_id: str, name: str, kind: str, covers: Iterable[str] = (), superior: str | None = None,
                   members: int | None = None) -> Proposal:  # fmt: skip
        """A new party org (e.g. a compound branch) covering some places, led by a superior."""
        props = {"name": name, "kind": kind, "members": members, "full_members": members}
        self.nodes.append(NodeRecord("PartyOrg", org_id, props, Source(PROPOSAL_SOURCE)))
        self.ties += [("COVERS", org_id, place, {}) for place in covers]
        if superior:
            self.ties.append(("LEADS", superior, org_id, {}))
        return self

    def add_joint_branch(self, org_id: str, name: str, units: Iterable[str], superior: str | None = None) -> Proposal:
        """A 联合党支部 taking in several small units."""
        self.add_branch(org_id, name, "联合党支部", superior=superior)
        self.ties += [("COVERED_BY", unit, org_id, {}) for unit in units]
        return self

    def add_agreement(self, agreement_id: str, name: str, parties: Iterable[str], signed: dt.date,
                      expires: dt.date | None = None) -> Proposal:  # fmt: skip
        """A co-building agreement signed by some orgs (a community's and a unit's)."""
        props = {"name": name, "signed": signed, "expires": expires, "status": "履行中"}
        self.nodes.append(NodeRecord("Agreement", agreement_id, props, Source(PROPOSAL_SOURCE)))
        self.ties += [("SIGNED_BY", agreement_id, org, {}) for org in parties]
        return self

    @classmethod
    def from_yaml(cls, path: Path) -> Proposal:
        """The fixture format (nodes per label, edges per type as [src, dst, {props}]); ids may be the graph's. A file
        that is not that (not UTF-8, not YAML, a row without its id) is an error naming the file and the place."""
        data = _ProposalFile.read(path)
        proposal = cls()
        for label, rows in data.nodes.items():
            for i, row in enumerate(rows, start=1):
                props = {k: v for k, v in row.items() if k != "id"}
                proposal.nodes.append(NodeRecord(label, str(row["id"]), props, Source(path.name, i)))
        for rel_type, ties in data.edges.items():
            for src, dst, *rest in ties:
                proposal.ties.append((rel_type, str(src), str(dst), rest[0] if rest else {}))
        return proposal


class _ProposalFile(BaseModel):
    """A proposal file's shape: ``nodes: {Label: [{id: …, …}]}``, ``edges: {TYPE: [[src, dst], [src, dst, {…}]]}``."""

    model_config = ConfigDict(extra="forbid")

    nodes: dict[str, list[dict[str, Any]]] = Field(default_factory=dict)
    edges: dict[str, list[tuple[Any, Any] | tuple[Any, Any, dict[str, Any]]]] = Field(default_factory=dict)

    @classmethod
    def read(cls, path: Path) -> _ProposalFile:
        try:
            found = cls.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
        except UnicodeDecodeError as exc:
            byte = exc.start + 1
            raise _unreadable(path, f"第 {byte} 个字节不是 UTF-8", f"byte {byte} is not UTF-8") from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{mark.line + 1}" if mark is not None else "?"
            raise _unreadable(path, f"第 {where} 行不是有效的 YAML", f"line {where} is not valid YAML") from None
        except PydanticError as exc:
            place = ".".join(str(p) for p in exc.errors()[0]["loc"] if "[" not in str(p))  # not a union's branch
            zh, en = (place, place) if place else ("文件内容", "its content")
            raise _unreadable(path, f"{zh} 不符合方案格式", f"{en} does not fit the proposal format") from None
        for label, rows in found.nodes.items():
            for i, row in enumerate(rows, start=1):
                if row.get("id") in (None, ""):
                    raise _unreadable(path, f"nodes.{label} 第 {i} 条缺少 id", f"nodes.{label} item {i} has no id")
        return found


def _unreadable(path: Path, zh: str, en: str) -> QueryError:
    return QueryError(f"方案文件 {path.name}:{zh}", f"proposal file {path.name}: {en}")


class RuleChange(TypedDict):
    """One rule's answer before and after: (covered, total, rate) each, and the gap ids closed and opened."""

    rule: CoverageRule
    before: tuple[int, int, float | None]
    after: tuple[int, int, float | None]
    closed: list[str]
    opened: list[str]


@dataclass(frozen=True)
class WhatIf:
    before: GapReport
    after: GapReport

    def changes(self) -> list[RuleChange]:
        """Per rule: covered and rate before and after, gaps closed and opened."""
        out: list[RuleChange] = []
        for b, a in zip(self.before.outcomes, self.after.outcomes, strict=True):
            before_ids, after_ids = {g.id for g in b.gaps}, {g.id for g in a.gaps}
            out.append(
                {
                    "rule": b.rule,
                    "before": (b.covered, b.total, b.rate),
                    "after": (a.covered, a.total, a.rate),
                    "closed": sorted(before_ids - after_ids),
                    "opened": sorted(after_ids - before_ids),
                }
            )
        return out


def personal_issues(proposal: Proposal) -> list[Issue]:
    """Every field of the proposal that holds an ID-card or phone number (``orggraph.model.personal_numbers``), named
    by item and field, the number shown as ``***``: a proposal, like a ledger, records organisations, not people's
    numbers.

    >>> [i.column for i in personal_issues(Proposal().add_joint_branch("J1", "联系人 13812345678", ["U01"]))]
    ['name']
    """
    found = [
        (n.source.file if n.source else PROPOSAL_SOURCE, i, field, kind)
        for i, n in enumerate(proposal.nodes, start=1)
        for field, kind in fields_with_numbers({"id": n.id, **n.props})
    ]
    found += [
        (PROPOSAL_SOURCE, i, f"{rel_type} {field}", kind)
        for i, (rel_type, src, dst, props) in enumerate(proposal.ties, start=1)
        for field, kind in fields_with_numbers({"src": src, "dst": dst, **props})
    ]
    zh, en = "方案中不得填写个人敏感号码", "personal numbers must not be entered in a proposal"
    return [Issue(f, row, field, "***", f"疑似{k.zh},{zh}", f"looks like {k.en}; {en}") for f, row, field, k in found]


def resolve(store: BoltStore, proposal: Proposal) -> tuple[list[NodeRecord], list[EdgeRecord]]:
    """Records for the proposal's ties, with each end's label from the proposal or the graph; an unknown
    id, a tie the schema does not allow, or a label the schema lacks is an error naming it. A personal number
    anywhere is refused first, before anything is sent to the graph."""
    if personal := personal_issues(proposal):
        raise ValidationError(personal)
    schema = load_schema()
    issues = [
        Issue(PROPOSAL_SOURCE, i, "label", n.label, "模型中没有此类型", "no such label in the schema")
        for i, n in enumerate(proposal.nodes, start=1)
        if n.label not in schema.nodes
    ]
    labels = {n.id: n.label for n in proposal.nodes}
    wanted = {end for _, src, dst, _ in proposal.ties for end in (src, dst)} - labels.keys()
    # graph_lookup always names the label (only the kind may be None)
    labels.update({i: cast(str, found["label"]) for i, found in graph_lookup(store)(wanted).items()} if wanted else {})
    edges: list[EdgeRecord] = []
    for i, (rel_type, src, dst, props) in enumerate(proposal.ties, start=1):
        missing = next((x for x in (src, dst) if x not in labels), None)
        if rel_type not in schema.relationships:
            issues.append(Issue(PROPOSAL_SOURCE, i, "type", rel_type, "模型中没有此关系", "no such relationship"))
        elif missing is not None:
            issues.append(Issue(PROPOSAL_SOURCE, i, rel_type, missing, "编号在方案和图谱中都不存在", "unknown id"))
        elif not schema.relationship(rel_type).allows(labels[src], labels[dst]):
            issues.append(
                Issue(
                    PROPOSAL_SOURCE,
                    i,
                    rel_type,
                    f"{labels[src]}→{labels[dst]}",
                    "模型不允许这两类对象之间有此关系",
                    "the schema does not allow this tie between these kinds",
                )
            )
        else:
            edges.append(EdgeRecord(rel_type, labels[src], src, labels[dst], dst, props, Source(PROPOSAL_SOURCE, i)))
    if issues:
        raise ValidationError(issues)
    return proposal.nodes, edges


def what_if(
    store: BoltStore,
    proposal: Proposal,
    rule_ids: Iterable[str] | None = None,
    area_id: str | None = None,
    as_of: dt.date | None = None,
    index: CoverageIndex | None = None,
    before: GapReport | None = None,
) -> WhatIf:
    """``before``: the same rules, area and date already reported (the app has it cached), else run here."""
    nodes, edges = resolve(store, proposal)
    index = index or CoverageIndex.fetch(store)
    order = [r.id for r in load_rules().rules]
    rule_ids = sorted(rule_ids, key=lambda r: order.index(r) if r in order else -1) if rule_ids else None
    before = before or gap_report(store, rule_ids, area_id, as_of, index)
    if [o.rule.id for o in before.outcomes] != (rule_ids or order):
        raise ValueError("what_if: the given 'before' report covers other rules")
    with store.scratch(store.node_work(nodes) + store.edge_work(edges)) as read:
        after = gap_report(store, rule_ids, area_id, before.as_of, index, read=read)
    return WhatIf(before, after)
