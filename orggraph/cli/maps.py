"""``orggraph map``: the coverage map (一张图) of one rule over one area as a PNG, the picture the app's map page
offers for download, for a report made without the app."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from orggraph.analysis.area_shapes import area_shapes, department_boundaries, fetch_points
from orggraph.analysis.coverage import CoverageIndex, gap_report
from orggraph.cli.common import app, console, edge, parse_day, settings_of
from orggraph.graph import backends
from orggraph.model.coverage_rules import load_rules
from orggraph.model.errors import QueryError
from orggraph.present.map_image import map_png
from orggraph.present.map_layers import legend, map_rows


@app.command(name="map")
@edge
def coverage_map(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", "-o", help="PNG 文件 / PNG file")],
    rule: Annotated[str, typer.Option("--rule", "-r", help="规则编号 / rule id")] = "compound_org",
    area: Annotated[str | None, typer.Option("--area", help="区、街道或社区编号 / area id")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="截至日期 / as-of date (YYYY-MM-DD)")] = None,
) -> None:
    """覆盖地图图片:下级区域按覆盖率着色,标出缺口和服务阵地 / the coverage map of one rule as a PNG.

    示例 Example: orggraph map --rule service_circle --area S0009 -o 服务覆盖.png
    """
    book = load_rules()
    if rule not in {r.id for r in book.rules}:
        valid = ", ".join(r.id for r in book.rules)
        raise QueryError(f"未知规则 {rule};可选 {valid}", f"unknown rule {rule}; use {valid}")
    if out.suffix.lower() != ".png":
        raise QueryError(f"输出文件应以 .png 结尾:{out}", f"the output file must end in .png: {out}")
    settings = settings_of(ctx)
    imported = department_boundaries(settings.resolved_data_dir(), settings.coordinate_datum)  # before any query
    when = parse_day(as_of) or settings.current_date()
    with backends.open_store(settings) as store:
        index = CoverageIndex.fetch(store)
        outcome = gap_report(store, [rule], area, when, index).outcomes[0]
        points = fetch_points(store)
    geography = index.geography
    circle = book.rule("service_circle").measure
    shapes = area_shapes(geography, points, imported)
    rows = map_rows(outcome, shapes, points, geography, area, circle.radius_m if circle else 1e3)
    place = geography.places[area].name if area else "全部区域"
    title = f"{place} · {outcome.rule.zh} · 截至 {when:%Y-%m-%d}"
    image = map_png(title, rows.areas, rows.members, rows.stations, legend("zh"), rows.bounds)
    out.write_bytes(image.png)
    console.print(f"已写出 written: {out}({len(rows.areas)} 个区域 areas, {len(rows.members)} 个点 points)")
    if not image.lettered:
        console.print("本机没有中文字体,图中未写文字 / no CJK font on this machine: the picture carries no words")
