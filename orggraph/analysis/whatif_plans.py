"""Saved what-ifs: a proposal kept under a name with its before/after at the time it was saved, so that a street
can follow it as a plan — list it, run it again on today's graph (then vs now) and hand it on as a workbook.

Kept as one JSON file per plan under ``DATA_DIR/whatif_plans/`` (over provinces, a plan made on a province's
database under that database's folder, ``DATA_DIR/databases/<database>/whatif_plans/``, beside its snapshots: its
ids are that graph's), validated with pydantic when read, written atomically and owner-only (0600, the folder 0700)
like every other file of the data dir. Why files and not the
graph: a plan is a proposal that was *not* carried out, so it must never be a record the rules or the views could
see (the what-if's own promise: nothing written); and like the snapshots it has to outlive a reload of the graph.

Scope: a plan belongs to the street its area lies in (``street``; None for a plan over a district or the whole
region). A user answering for a street lists, runs again and exports only their street's plans, and saves only
there; a user without an area sees every plan. A plan is named uniquely within its street: saving a name again
replaces that plan, and deleting it removes its file.

Plans travel with an export as the snapshots do: ``orggraph export`` copies them into ``out/whatif_plans/`` (the
ledger load reads only the files at the top of a folder, so it passes them by) and loading that folder takes back
the plans this data dir does not hold yet.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from orggraph.access.accounts import PermissionDenied
from orggraph.analysis.coverage import CoverageIndex, Gap
from orggraph.analysis.geography import Geography
from orggraph.analysis.whatif import Proposal, WhatIf, what_if
from orggraph.graph.store import BoltStore
from orggraph.model.errors import QueryError
from orggraph.model.private_files import private_folder
from orggraph.model.records import NodeRecord, Source
from orggraph.model.schema import load_schema

FOLDER = "whatif_plans"
FORMAT_VERSION = 1
NAME_MAX = 60
FILE_MAX = 8 * 1024 * 1024  # a plan file read from an export: a proposal of a few thousand items fits well within


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PlanNode(_Model):
    """A new record of the proposal: its label, id and properties (dates as ISO text in the file)."""

    label: str
    id: str
    props: dict[str, Any] = Field(default_factory=dict)


class PlanTie(_Model):
    type: str
    src: str
    dst: str
    props: dict[str, Any] = Field(default_factory=dict)


class PlanGap(_Model):
    """A gap the proposal closed or opened, as it read when the plan was saved."""

    id: str
    name: str
    area: str  # the area chain, 区 › 街道 › 社区 › 网格
    why: str = ""


class PlanRule(_Model):
    """One rule's figures at save time: (covered, total) before and after, the gaps closed and opened."""

    rule: str
    name: str
    before: tuple[int, int]
    after: tuple[int, int]
    closed: list[PlanGap] = Field(default_factory=list)
    opened: list[PlanGap] = Field(default_factory=list)


class Plan(_Model):
    """A saved what-if: its name, scope, who saved it and when, the proposal and its figures then."""

    name: str = Field(min_length=1, max_length=NAME_MAX)
    street: str | None  # the scope: the street the area lies in
    area: str | None  # the area compared (None: everywhere)
    area_name: str = ""
    rules: list[str]
    as_of: dt.date
    saved_by: str
    saved_at: dt.datetime
    nodes: list[PlanNode]
    ties: list[PlanTie]
    items: list[dict[str, Any]] = Field(default_factory=list)  # the app's items, when saved from the app
    names: dict[str, str] = Field(default_factory=dict)  # the names of the graph's records the ties name
    figures: list[PlanRule]
    format: int = FORMAT_VERSION

    @field_validator("name")
    @classmethod
    def _stripped(cls, name: str) -> str:
        if not name.strip() or name != name.strip():
            raise ValueError("a plan's name is not blank and has no surrounding spaces")
        return name

    def proposal(self) -> Proposal:
        """The proposal as the what-if takes it, its dates dates again (by the schema's property types)."""
        schema = load_schema()
        proposal = Proposal()
        for node in self.nodes:
            spec = schema.nodes.get(node.label)
            props = _dates(node.props, spec.property if spec else None)
            proposal.nodes.append(NodeRecord(node.label, node.id, props, Source("what-if")))
        for tie in self.ties:
            rel = schema.relationships.get(tie.type)
            proposal.ties.append((tie.type, tie.src, tie.dst, _dates(tie.props, rel.property if rel else None)))
        return proposal

    def rates(self) -> tuple[float | None, float | None]:
        """The rate over every compared rule together (covered and total summed), before and after, when saved."""
        return overall([f.before for f in self.figures]), overall([f.after for f in self.figures])


def overall(pairs: list[tuple[int, int]]) -> float | None:
    """Covered / total summed over rules (None when nothing is counted)."""
    covered, total = sum(c for c, _ in pairs), sum(t for _, t in pairs)
    return covered / total if total else None


def _dates(props: dict[str, Any], spec: Any) -> dict[str, Any]:
    """Text of a date-typed property read back as a date (the file holds ISO text)."""
    out = dict(props)
    for key, value in props.items():
        prop = spec(key) if spec else None
        if prop is not None and prop.type == "date" and isinstance(value, str):
            out[key] = dt.date.fromisoformat(value)
    return out


def street_of(geography: Geography, area: str | None) -> str | None:
    """The street an area lies in (itself when it is one); None for a district, the whole region or an unknown id."""
    return next((p.id for p in geography.chain(area) if p.label == "Street"), None) if area else None


def _gap(gap: Gap) -> PlanGap:
    return PlanGap(id=gap.id, name=gap.name, area=gap.chain_text(), why=gap.why_zh)


def figures_of(result: WhatIf) -> list[PlanRule]:
    """Per rule: covered / total before and after, the gaps closed (as they read before) and opened (after)."""
    before = {(g.rule_id, g.id): g for g in result.before.gaps()}
    after = {(g.rule_id, g.id): g for g in result.after.gaps()}
    return [
        PlanRule(
            rule=c["rule"].id,
            name=c["rule"].zh,
            before=c["before"][:2],
            after=c["after"][:2],
            closed=[_gap(before[(c["rule"].id, i)]) for i in c["closed"]],
            opened=[_gap(after[(c["rule"].id, i)]) for i in c["opened"]],
        )
        for c in result.changes()
    ]


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def make_plan(name: str, proposal: Proposal, result: WhatIf, street: str | None, saved_by: str, **extra: Any) -> Plan:
    """A plan of a what-if just run. ``extra``: ``items`` (the app's), ``names`` (id → name of graph records: those
    the ties name are kept, so that the plan reads in names later), ``saved_at`` (a fixed time)."""
    area = result.before.area
    own = {n.id for n in proposal.nodes}
    known: Mapping[str, str] = extra.get("names") or {}
    ends = {end for _, src, dst, _ in proposal.ties for end in (src, dst) if end not in own and end in known}
    try:
        return Plan(
            name=name.strip(),
            street=street,
            area=area.id if area else None,
            area_name=area.name if area else "",
            rules=[o.rule.id for o in result.before.outcomes],
            as_of=result.before.as_of,
            saved_by=saved_by,
            saved_at=extra.get("saved_at") or dt.datetime.now(dt.UTC),
            nodes=[PlanNode(label=n.label, id=n.id, props={k: _plain(v) for k, v in n.props.items()})
                   for n in proposal.nodes],
            ties=[PlanTie(type=t, src=s, dst=d, props={k: _plain(v) for k, v in p.items()})
                  for t, s, d, p in proposal.ties],
            items=[{k: _plain(v) for k, v in item.items()} for item in extra.get("items") or []],
            names={end: known[end] for end in sorted(ends)},
            figures=figures_of(result),
        )  # fmt: skip
    except ValidationError:
        raise QueryError(
            f"方案名称须为 1 至 {NAME_MAX} 个字符", f"a plan's name has 1 to {NAME_MAX} characters"
        ) from None


def folder(data_dir: Path) -> Path:
    return Path(data_dir) / FOLDER


def _file(data_dir: Path, street: str | None, name: str) -> Path:
    """One file per (street, name): a hash, so any name (Chinese, slashes) makes a safe file name."""
    digest = hashlib.sha256(f"{street or ''}\n{name}".encode()).hexdigest()[:24]
    return folder(data_dir) / f"{digest}.json"


def _check_scope(viewer_area: str | None, plan: Plan) -> None:
    if viewer_area is not None and plan.street != viewer_area:
        raise PermissionDenied(f"方案“{plan.name}”不在您负责的区域内", f"the plan {plan.name!r} is outside your area")


def save_plan(data_dir: Path, plan: Plan, viewer_area: str | None = None) -> bool:
    """Store the plan (a user with an area: only within it); True when it replaced one of the same name."""
    _check_scope(viewer_area, plan)
    where = folder(data_dir)
    private_folder(where)
    path = _file(data_dir, plan.street, plan.name)
    replaced = path.exists()
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(plan.model_dump_json(indent=1))
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return replaced


def _read(path: Path) -> Plan:
    try:
        if path.stat().st_size > FILE_MAX:
            raise ValueError(f"larger than {FILE_MAX // 2**20} MiB")
        return Plan.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:  # pydantic's ValidationError is a ValueError
        first = str(exc).splitlines()[0]
        raise QueryError(
            f"方案文件 {path.name} 无法读取({first})", f"plan file {path.name} cannot be read ({first})"
        ) from None


def list_plans(data_dir: Path, viewer_area: str | None = None) -> list[Plan]:
    """The plans a viewer may see (their street's; every plan without an area), newest first."""
    plans = [_read(p) for p in sorted(folder(data_dir).glob("*.json"))]
    seen = [p for p in plans if viewer_area is None or p.street == viewer_area]
    return sorted(seen, key=lambda p: p.saved_at, reverse=True)


def find_plan(data_dir: Path, name: str, viewer_area: str | None = None, street: str | None = None) -> Plan:
    """The plan of that name the viewer may see (``street`` picks one when streets share a name); a plan of
    another street reads as no plan at all."""
    found = [p for p in list_plans(data_dir, viewer_area) if p.name == name and (street is None or p.street == street)]
    if not found:
        raise QueryError(f"没有名为“{name}”的方案", f"no plan named {name!r}")
    if len(found) > 1:
        where = ", ".join(sorted(p.street or "—" for p in found))
        raise QueryError(
            f"有多个名为“{name}”的方案(街道 {where}),请用 --area 指定街道",
            f"several plans are named {name!r} (streets {where}); name the street with --area",
        )
    return found[0]


def rerun(
    store: BoltStore, plan: Plan, as_of: dt.date, index: CoverageIndex | None = None, viewer_area: str | None = None
) -> WhatIf:
    """The plan's proposal against the graph as it is now: the same rules and area, on ``as_of`` (a viewer with an
    area: only their street's plan; their store refuses a proposal reaching outside it besides)."""
    _check_scope(viewer_area, plan)
    return what_if(store, plan.proposal(), plan.rules, plan.area, as_of, index)


def then_and_now(plan: Plan, now: WhatIf) -> list[dict[str, Any]]:
    """Per rule: covered / total before and after when saved, and now; and how many of the gaps it closed then
    are still open today (so the plan would still close them)."""
    saved = {f.rule: f for f in plan.figures}
    rows = []
    for c in now.changes():
        then = saved.get(c["rule"].id)
        still = {g.id for g in then.closed} & set(c["closed"]) if then else set()
        rows.append(
            {
                "rule": c["rule"].id,
                "name": c["rule"].zh,
                "then_before": then.before if then else None,
                "then_after": then.after if then else None,
                "now_before": c["before"][:2],
                "now_after": c["after"][:2],
                "closed_then": len(then.closed) if then else 0,
                "closed_now": len(c["closed"]),
                "still_closes": len(still),
            }
        )
    return rows


def delete_plan(data_dir: Path, name: str, viewer_area: str | None = None, street: str | None = None) -> Plan:
    """Remove the plan of that name the viewer may see (see :func:`find_plan`); returns it as it was."""
    plan = find_plan(data_dir, name, viewer_area, street)
    _check_scope(viewer_area, plan)
    _file(data_dir, plan.street, plan.name).unlink(missing_ok=True)
    return plan


def export_plans(data_dir: Path, out: Path) -> list[Path]:
    """Copy every plan into ``out/whatif_plans/`` (beside an export's ledgers and snapshots)."""
    copied = []
    for path in sorted(folder(data_dir).glob("*.json")):
        folder(out).mkdir(parents=True, exist_ok=True)
        copied.append(Path(shutil.copy2(path, folder(out) / path.name)))
    return copied


def import_plans(source: Path, data_dir: Path) -> list[str]:
    """Take the plans of an export (``source/whatif_plans/``) that this data dir does not hold yet (a plan is held
    when its street has one of that name: that one is kept as it is); returns their names. Every file is read and
    validated before anything is written: a bad file refuses the lot."""
    plans = [_read(p) for p in sorted(folder(source).glob("*.json"))]
    taken = []
    for plan in plans:
        if not _file(data_dir, plan.street, plan.name).exists():
            save_plan(data_dir, plan)
            taken.append(plan.name)
    return taken
