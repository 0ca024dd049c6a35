"""``docs/model.md``, generated from the schema; a test fails when the file drifts from it."""

from __future__ import annotations

from pathlib import Path

from orggraph.model.coverage_rules import load_rules
from orggraph.model.errors import SchemaError
from orggraph.model.schema import PropertySpec, Schema, load_schema

MODEL_DOC = Path(__file__).resolve().parents[2] / "docs" / "model.md"


def _flags(p: PropertySpec) -> str:
    flags = [
        f
        for f, on in (
            ("必填 required", p.required),
            ("唯一 unique", p.unique),
            ("索引 index", p.index),
            ("敏感 sensitive", p.sensitive),
        )
        if on
    ]
    if p.format:
        flags.append(f"格式 format: {p.format}")
    return ", ".join(flags)


def _property_rows(props: tuple[PropertySpec, ...]) -> list[str]:
    rows = ["| 属性 property | 中文 | English | 类型 type | 约束 flags | 取值 values |", "|---|---|---|---|---|---|"]
    rows += [f"| `{p.name}` | {p.zh} | {p.en} | {p.type} | {_flags(p)} | {' / '.join(p.enum or ())} |" for p in props]
    return rows


def render_model(schema: Schema) -> str:
    out = [
        "# 数据模型 / The graph model",
        "",
        "_Generated from `orggraph/model/schema.yaml` by `orggraph docs`; do not edit by hand._",
        "",
    ]
    for group_id, group in schema.groups.items():
        out += [f"## {group.zh} / {group.en}", ""]
        for node in (n for n in schema.nodes.values() if n.group == group_id):
            out += [f"### `{node.label}` — {node.zh} / {node.en}", "", *_property_rows(node.properties), ""]
    out += ["## 来源追溯 / Provenance (on every node and relationship)", "", *_property_rows(schema.provenance), ""]
    out += [
        "## 关系 / Relationships",
        "",
        "| 类型 type | 中文 | English | 从 from → 到 to | 属性 properties |",
        "|---|---|---|---|---|",
    ]
    for rel in schema.relationships.values():
        ends = "; ".join(f"{'/'.join(e.from_)} → {'/'.join(e.to)}" for e in rel.endpoints)
        props = ", ".join(f"`{p.name}` ({p.zh})" for p in rel.properties)
        out.append(f"| `{rel.type}` | {rel.zh} | {rel.en} | {ends} | {props} |")
    out += [
        "",
        "## 覆盖规则 / Coverage rules",
        "",
        "_From `orggraph/model/coverage_rules.yaml`; each rule's gaps are found by its query in `queries/`._",
        "",
        "| id | 规则 | rule | 对象 population | 类别 kind | 严重度 severity | 覆盖标准 | covered when | 查询 query |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    out += [
        f"| `{r.id}` | {r.zh} | {r.en} | `{r.population}` | {r.coverage} | {r.severity} | {r.covered_zh} | "
        f"{r.covered_en} | `{r.query}` |"
        for r in load_rules().rules
    ]
    out += ["", "## 禁止存储的字段 / Never stored", "", ", ".join(f"`{f}`" for f in schema.forbidden_properties), ""]
    return "\n".join(out)


def write_model_doc(path: Path = MODEL_DOC) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_model(load_schema()), encoding="utf-8")


def check_model_doc(path: Path = MODEL_DOC) -> None:
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    if current != render_model(load_schema()):
        raise SchemaError(
            f"{path} 与模型不一致,请运行 orggraph docs", f"{path} has drifted from the schema; run orggraph docs"
        )
