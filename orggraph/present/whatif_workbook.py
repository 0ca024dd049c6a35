"""A saved what-if (``orggraph.analysis.whatif_plans.Plan``) as a workbook a street can file and follow, in Chinese.

Sheets: 实施前后 (per rule: covered / total / rate before and after, the change, gaps closed and opened, as saved),
方案内容 (the proposal's new records, one a row, with their ties in words), 新增关系 (every tie of the proposal),
消除的缺口 (the gaps the plan closes: rule, id, name, area chain, why it was a gap) and, when the plan was run again,
今日重算 (then vs now per rule). The house style of every workbook (``gap_workbook.write_table``): a title row
(the plan, its area, its date, when generated), a note row, a frozen header with a filter, widths that fit Chinese
text, numbers as numbers, every text an inert string cell.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from orggraph.analysis.whatif_plans import Plan, overall
from orggraph.model.schema import load_schema
from orggraph.present.gap_workbook import WHOLE, Table, workbook_bytes
from orggraph.present.output import local_time

SUMMARY, ITEMS, TIES, CLOSED, NOW = "实施前后", "方案内容", "新增关系", "消除的缺口", "今日重算"
RATES = frozenset({"实施前覆盖率", "实施后覆盖率", "当时实施前覆盖率", "当时实施后覆盖率", "今日实施前覆盖率",
                   "今日实施后覆盖率"})  # fmt: skip
POINTS = "+0.0%;-0.0%;0.0%"


def _rate(pair: tuple[int, int] | None) -> float | None:
    return overall([pair]) if pair else None


def summary_table(plan: Plan, stamp: str) -> Table:
    rows: list[list[Any]] = []
    for f in plan.figures:
        before, after = _rate(f.before), _rate(f.after)
        change = after - before if after is not None and before is not None else None
        closed = "、".join(f"{g.name}({g.id})" for g in f.closed)
        opened = "、".join(f"{g.name}({g.id})" for g in f.opened)
        rows.append([f.name, f.before[0], f.before[1], before, f.after[0], f.after[1], after, change, closed, opened])
    header = ["规则", "实施前已覆盖", "实施前总数", "实施前覆盖率", "实施后已覆盖", "实施后总数", "实施后覆盖率"]
    return Table(
        SUMMARY,
        f"假设分析方案“{plan.name}” · {stamp}",
        f"保存人 {plan.saved_by} · 保存于 {local_time(plan.saved_at.isoformat())} · 数字为保存时的计算结果;"
        "覆盖率 = 已覆盖 / 总数;方案未写入图谱",
        [*header, "覆盖率变化", "消除的缺口", "新增的缺口"],
        rows,
        rates=RATES,
        formats={"覆盖率变化": POINTS},
    )


def items_table(plan: Plan, stamp: str) -> Table:
    """One row per new record: its kind (the schema's name, and the org's kind), id, name and ties in words."""
    schema = load_schema()
    names = _names(plan)
    rows: list[list[Any]] = []
    for n, node in enumerate(plan.nodes, start=1):
        spec = schema.nodes.get(node.label)
        kind = " · ".join(str(x) for x in (spec.zh if spec else node.label, node.props.get("kind")) if x)
        ties = [_tie_words(t.type, names.get(t.src, t.src), names.get(t.dst, t.dst)) for t in plan.ties
                if node.id in (t.src, t.dst)]  # fmt: skip
        rows.append([n, kind, node.id, str(node.props.get("name") or ""), ";".join(ties)])
    return Table(ITEMS, f"方案内容 · {stamp}", "方案拟新建的组织、协议等(编号为方案内的临时编号)",
                 ["序号", "类型", "编号", "名称", "关联"], rows)  # fmt: skip


def ties_table(plan: Plan, stamp: str) -> Table:
    schema = load_schema()
    names = _names(plan)
    rows: list[list[Any]] = []
    for n, tie in enumerate(plan.ties, start=1):
        rel = schema.relationships.get(tie.type)
        rows.append([n, rel.zh if rel else tie.type, tie.src, names.get(tie.src, ""), tie.dst, names.get(tie.dst, "")])
    return Table(TIES, f"新增关系 · {stamp}", "方案中的每一条关系;编号可以是图谱中已有的对象",
                 ["序号", "关系", "起点编号", "起点名称", "终点编号", "终点名称"], rows)  # fmt: skip


def closed_table(plan: Plan, stamp: str) -> Table:
    rows: list[list[Any]] = [[f.name, g.id, g.name, g.area, g.why] for f in plan.figures for g in f.closed]
    return Table(CLOSED, f"方案消除的缺口 · {stamp}", "按保存时的图谱:实施方案后不再是缺口的对象",
                 ["规则", "编号", "名称", "所在区域", "原因"], rows)  # fmt: skip


def now_table(rows: list[dict[str, Any]], stamp: str, as_of: dt.date) -> Table:
    """Then vs now per rule (``whatif_plans.then_and_now``)."""
    body: list[list[Any]] = [
        [r["name"], _rate(r["then_before"]), _rate(r["then_after"]), _rate(r["now_before"]), _rate(r["now_after"]),
         r["closed_then"], r["closed_now"], r["still_closes"]]
        for r in rows
    ]  # fmt: skip
    header = ["规则", "当时实施前覆盖率", "当时实施后覆盖率", "今日实施前覆盖率", "今日实施后覆盖率"]
    return Table(
        NOW,
        f"今日重算 · 截至 {as_of.isoformat()} · {stamp}",
        "同一方案在今天的图谱上重新计算;“仍可消除”为保存时消除、今天仍会消除的缺口数",
        [*header, "当时消除缺口", "今日消除缺口", "仍可消除"],
        body,
        rates=RATES,
    )


def _names(plan: Plan) -> dict[str, str]:
    """The names the plan knows: its own records' and those of the gaps it closes or opens."""
    names = {**plan.names, **{g.id: g.name for f in plan.figures for g in (*f.closed, *f.opened)}}
    names.update({n.id: str(n.props["name"]) for n in plan.nodes if n.props.get("name")})
    return names


def _tie_words(rel_type: str, src: str, dst: str) -> str:
    rel = load_schema().relationships.get(rel_type)
    return f"{src} {rel.verb_zh if rel else rel_type} {dst}"


def plan_xlsx(
    plan: Plan, now: list[dict[str, Any]] | None = None, now_as_of: dt.date | None = None,
    generated: dt.datetime | None = None,
) -> bytes:  # fmt: skip
    """The workbook's bytes (``now``: the then-vs-now rows of a run again on ``now_as_of``, as a last sheet)."""

    at = (generated or dt.datetime.now()).astimezone().strftime("%Y-%m-%d %H:%M")
    where = f"{plan.area_name}({plan.area})" if plan.area else WHOLE
    stamp = f"{where} · 截至 {plan.as_of.isoformat()} · 生成于 {at}"
    tables = [summary_table(plan, stamp), items_table(plan, stamp), ties_table(plan, stamp), closed_table(plan, stamp)]
    if now is not None:
        tables.append(now_table(now, f"生成于 {at}", now_as_of or plan.as_of))
    return workbook_bytes(f"假设分析方案 {plan.name}", tables)
