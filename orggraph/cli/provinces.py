"""The commands over one database per province (``Settings.provinces``): ``init``, ``status``, ``gaps``, ``path``
and ``load`` call these when a mapping is configured, and keep their one-database path otherwise.

Why apart: the one-database commands stay as they were, and the fan-out lives in one place (``fan_out``,
``province_loads``, ``province_databases``), so a command answers the same shapes with or without provinces.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from loaders.ledger_limits import LedgerLimits
from orggraph.analysis.coverage import GapReport
from orggraph.analysis.entities import Entity
from orggraph.analysis.fan_out import area_report, combined_counts, national_report, province_paths
from orggraph.analysis.linkage import LinkagePath
from orggraph.analysis.province_history import export_place
from orggraph.analysis.province_loads import load_by_province, snapshot_provinces
from orggraph.cli.common import console
from orggraph.graph.province_databases import open_provinces, province_names
from orggraph.ingest.graph_export import export_records, write_neo4j_admin
from orggraph.ingest.load import LoadReport
from orggraph.model.config import Settings
from orggraph.model.errors import OrgGraphError
from orggraph.model.records import EdgeRecord, NodeRecord
from orggraph.model.schema import load_schema
from orggraph.present.output import load_summary_rows, render


def init(settings: Settings) -> None:
    """Every province's database made ready (created on the embedded server), with its constraints and indexes."""
    created: list[str] = []
    with open_provinces(settings, created=created) as stores:
        for key, store in stores.items():
            ddl = store.ensure_schema()
            console.print(f"省份 province {key}: 数据库 database {store.database},新建 {len(ddl)} 条约束/索引 created")
        info = next(iter(stores.values())).server_info()
    made = "、".join(created) or "无 none"
    console.print(f"已就绪 ready: {info['agent']} @ {info['address']};新建数据库 databases created: {made}")


def status(settings: Settings, fmt: str, relationships: bool) -> None:
    """Node counts per province and their national sum (relationships when asked)."""
    schema, names = load_schema(), province_names(settings)
    with open_provinces(settings) as stores:
        info = next(iter(stores.values())).server_info()
        per = {key: store.node_counts() for key, store in stores.items()}
        rels = {key: store.relationship_counts() for key, store in stores.items()} if relationships else None
        databases = {key: store.database for key, store in stores.items()}
    nodes = combined_counts(per.values())
    if fmt == "json":
        provinces = {
            key: {"name": names[key], "database": databases[key], "nodes": per[key]}
            | ({"relationships": rels[key]} if rels else {})
            for key in per
        }
        doc = {"server": info, "nodes": nodes, "relationships": combined_counts(rels.values()) if rels else None}
        typer.echo(json.dumps(doc | {"provinces": provinces}, ensure_ascii=False, indent=2))
        return
    console.print(f"后端 backend: {info['backend']}  服务器 server: {info['agent']}  地址 address: {info['address']}")
    table = Table("类型 label", "中文", *[f"{names[k]} ({databases[k]})" for k in per], "全国 nation")
    shown = [label for label in nodes if schema.nodes[label].group != "bookkeeping"]
    for label in shown:
        table.add_row(label, schema.nodes[label].zh, *[str(per[k].get(label, 0)) for k in per], str(nodes[label]))
    sums = [str(sum(per[k].get(label, 0) for label in shown)) for k in per]
    table.add_row("[b]合计 total[/b]", "", *sums, f"[b]{sum(nodes[label] for label in shown)}[/b]")
    console.print(table)
    if rels is not None:
        console.print(f"关系 relationships: {sum(combined_counts(rels.values()).values())}")


def report(
    settings: Settings, rule_ids: list[str] | None, area_id: str | None, as_of: dt.date, show: bool
) -> GapReport:
    """The whole report (the provinces' sum, each province's line shown when ``show``) or one area's."""
    with open_provinces(settings) as stores:
        if area_id:
            return area_report(stores, settings, rule_ids, area_id, as_of)
        national = national_report(stores, rule_ids, as_of)
    if show:
        names = province_names(settings)
        rows = [_province_row(names[key], one) for key, one in national.provinces.items()]
        render([*rows, _province_row("全国 nation", national.nation)], "table", console, title="各省 provinces")
    return national.nation


def _province_row(name: str, one: GapReport) -> dict[str, Any]:
    covered, total = sum(o.covered for o in one.outcomes), sum(o.total for o in one.outcomes)
    rate = f"{covered / total:.1%}" if total else "—"
    gaps = sum(len(o.gaps) for o in one.outcomes)
    return {"省份 province": name, "覆盖 covered": f"{covered}/{total}", "覆盖率 rate": rate, "缺口 gaps": gaps}


def paths(
    settings: Settings, source: str, target: str, via: tuple[str, ...], max_hops: int, k: int
) -> tuple[Entity, Entity, list[LinkagePath]]:
    with open_provinces(settings) as stores:
        return province_paths(stores, source, target, via, max_hops, k)


def load(settings: Settings, path: Path, dry_run: bool, sync: bool, limits: LedgerLimits) -> dict[str, LoadReport]:
    """The ledgers' rows loaded into their provinces' databases; a line per province, and its snapshot's
    (``snapshot_after_load``: each province written takes one, kept with its database's history)."""
    timings: dict[str, float] = {}
    with open_provinces(settings) as stores:
        reports = load_by_province(stores, settings, path, dry_run=dry_run, sync=sync, limits=limits, timings=timings)
        taken = {} if dry_run else snapshot_provinces(stores, settings, reports, settings.current_date())
    names = province_names(settings)
    for key, one in reports.items():
        render(load_summary_rows(one), "table", console, title=f"{names[key]} · 导入 load {one.load_id}")
        verb = "试运行,未写入 dry run, nothing written" if dry_run else f"已写入 written: {one.written}"
        console.print(f"{names[key]}: {verb}", highlight=False)
        if isinstance(info := taken.get(key), OrgGraphError):
            console.print(f"{names[key]}: 导入已完成,快照未保存 the load stands, no snapshot: {info.one_line()}")
        elif info is not None:
            console.print(f"{names[key]}: 已保存快照 snapshot stored: {info.label} · {info.id}", highlight=False)
    steps = {"route": "分省 route", "split": "拆分 split", "check": "校验 check", "write": "写入 write"}
    console.print("; ".join(f"{steps[k]} {v:.1f}s" for k, v in timings.items()), highlight=False)
    return reports


def province_records(settings: Settings, names: bool) -> tuple[list[NodeRecord], list[EdgeRecord]]:
    """Every province's records, for ``orggraph export``: with provinces configured a load routes each row to its
    province's database, so the settings' own holds none of them; one set of ledgers of all, which a load over the
    provinces routes back. Each province's count is said."""
    nodes: list[NodeRecord] = []
    edges: list[EdgeRecord] = []
    names_of = province_names(settings)
    with open_provinces(settings) as stores:
        for key, store in stores.items():
            more, ties = export_records(store, names=names)
            console.print(f"省份 province {names_of[key]}: {len(more)} 条记录 records, {len(ties)} 条关系 ties")
            nodes += more
            edges += ties
    return nodes, edges


def province_admin_files(settings: Settings, out: Path, names: bool) -> list[Path]:
    """``export --neo4j-admin`` over provinces: each province's database in its own folder (``databases/<database>``,
    where its history travels too), since ``neo4j-admin database import`` fills one database at a time."""
    paths: list[Path] = []
    with open_provinces(settings) as stores:
        for key, store in stores.items():
            paths += write_neo4j_admin(store, out / export_place(settings, key), names=names)
    return paths
