"""一张图 The coverage map: the chosen area's sub-areas filled by one rule's coverage rate, the rule's members as points
(green covered, red a gap, its reason on hover), the service stations with their walking circle; a click on an area
drills down (区 → 街道 → 社区 → 网格), a button opens the gap list of what is shown.

Fully offline: pydeck (deck.gl, which Streamlit bundles) with no base map (``map_provider=None``), so no tile, CDN
or web font is fetched and nothing links outside; outlines come from the members' points
(``analysis.area_shapes``), computed once per graph state. Areas none of whose members has coordinates are listed
beside the map as 未标注位置.

The same rows come as a PNG for a report (``present.map_image``, drawn by Pillow when the button is pressed), as
``orggraph map`` writes them.
"""

from __future__ import annotations

from typing import Any

import pydeck as pdk
import streamlit as st
from pydeck.types import String  # a literal, not an expression of the row

from orggraph.analysis.area_shapes import (
    BOUNDARY_FILE,
    AreaShapes,
    PointRow,
    area_shapes,
    department_boundaries,
    fetch_points,
)
from orggraph.analysis.coverage import RuleOutcome
from orggraph.analysis.geography import LEVEL_NAMES, Geography
from orggraph.app.pages import gaps, hierarchy, session
from orggraph.app.pages.common import (
    STREET_INDEXES,
    area_picker,
    coverage_index,
    lang,
    of_a_street,
    rule_report,
    set_pickers,
    show_error,
    store_for,
    t,
    today,
    version_key,
    whole_area,
)
from orggraph.model.config import load_settings
from orggraph.model.coverage_rules import load_rules
from orggraph.model.errors import OrgGraphError
from orggraph.present.map_image import cjk_font_file, map_png
from orggraph.present.map_layers import MapRows, framing, legend, map_rows

PAGE_URL = "coverage_map"
PLACE_KEY = "map_place"  # the area pickers' session keys: map_place_0 … map_place_3
CLICKED = "map_clicked"  # an area clicked on the map, applied to the pickers on the next run


def _shapes(version: str, boundary: tuple[int, int] | None = None) -> tuple[AreaShapes, list[PointRow]]:
    """The outlines and points of one graph state and boundary file (``boundary``: its change time and size, the
    cache's key; computed once, shared by every session of that state). Whole regions and street users' streets
    kept apart, as the indexes are (``common.coverage_index``)."""
    return (_street_shapes if of_a_street(version) else _region_shapes)(version, boundary)


@st.cache_resource(max_entries=2, show_spinner=False)
def _region_shapes(version: str, boundary: tuple[int, int] | None) -> tuple[AreaShapes, list[PointRow]]:
    return _shapes_of(version)


@st.cache_resource(max_entries=STREET_INDEXES, show_spinner=False)
def _street_shapes(version: str, boundary: tuple[int, int] | None) -> tuple[AreaShapes, list[PointRow]]:
    return _shapes_of(version)


def _shapes_of(version: str) -> tuple[AreaShapes, list[PointRow]]:
    points = fetch_points(store_for(version))
    settings = load_settings()
    imported = department_boundaries(settings.resolved_data_dir(), settings.coordinate_datum)
    return area_shapes(coverage_index(version).geography, points, imported), points


def warm(version: str) -> None:
    """The outlines and points of this graph state in the cache, before anyone opens the map (the app's start)."""
    _shapes(version, _boundary_stamp())


def _boundary_stamp() -> tuple[int, int] | None:
    """When the department's boundary file last changed and its size (None: there is none)."""
    path = load_settings().resolved_data_dir() / BOUNDARY_FILE
    return (path.stat().st_mtime_ns, path.stat().st_size) if path.is_file() else None


def render() -> None:
    st.title(t("覆盖地图(一张图)", "Coverage map"))
    book = load_rules()
    names = {r.id: t(r.zh, r.en) for r in book.rules}
    rule_id = st.selectbox(t("覆盖规则", "Coverage rule"), list(names), key="map_rule", format_func=names.__getitem__)
    version = version_key()
    geography = coverage_index(version).geography
    _take_click(geography)
    area = area_picker(PLACE_KEY)
    try:
        shapes, points = _shapes(version, _boundary_stamp())
    except OrgGraphError as exc:  # a department's boundary file that cannot be read: said, the map not drawn
        show_error(exc)
        return
    outcome = rule_report(rule_id, area).outcomes[0]
    circle = book.rule("service_circle").measure
    rows = map_rows(outcome, shapes, points, geography, area, circle.radius_m if circle else 1000.0, lang())
    left, right = st.columns([4, 1])
    with left:
        # a chart of its own per area shown: a selection kept across a drill-down would mark (and dim) the new
        # areas by the old one's position, and a click on that position would only clear it
        event = st.pydeck_chart(_deck(rows), on_select="rerun", key=f"map_chart_{area or ''}", height=560)
        _legend()
    with right:
        where = geography.places[area].name if area else whole_area()[0 if lang() == "zh" else 1]
        _side(outcome, shapes, geography, area, where, len(rows.members))
        _png_button(rows, names[rule_id], where)
    _clicked(event)


def _deck(rows: MapRows) -> pdk.Deck:
    """The areas, the rule's members and the stations as pydeck layers."""
    layers = [
        pdk.Layer("PolygonLayer", rows.areas, id="areas", get_polygon="polygon", get_fill_color="fill",
                  pickable=True, stroked=True, get_line_color=[80, 80, 80, 200], line_width_min_pixels=1),
        pdk.Layer("ScatterplotLayer", rows.stations, id="circles", get_position=["lon", "lat"], get_radius="radius",
                  radius_units=String("meters"), get_fill_color="circle", pickable=False),
        pdk.Layer("ScatterplotLayer", rows.members, id="members", get_position=["lon", "lat"], get_fill_color="fill",
                  get_radius=4, radius_units=String("pixels"), pickable=True),
        pdk.Layer("ScatterplotLayer", rows.stations, id="stations", get_position=["lon", "lat"],
                  get_fill_color="fill", get_radius=5, radius_units=String("pixels"), pickable=True),
    ]  # fmt: skip
    view = framing(rows.bounds)
    tooltip = {"html": "<b>{name}</b><br/>{rate} {figures}<br/>{why}<br/>{action}", "style": {"fontSize": "13px"}}
    state = pdk.ViewState(longitude=view.lon, latitude=view.lat, zoom=view.zoom)
    # no base map at all (map_provider=None): Streamlit's frontend then neither fills in Carto's basemap (as it does
    # for a missing style) nor starts Mapbox GL (which a style of our own needed, and which linked to mapbox.com)
    return pdk.Deck(layers=layers, map_provider=None, tooltip=tooltip, initial_view_state=state)


def _png_button(rows: MapRows, rule_name: str, place: str) -> None:
    """The map as a PNG for a report, drawn when the button is pressed (``present.map_image``)."""
    title = t(f"{place} · {rule_name} · 截至 {today():%Y-%m-%d}", f"{place} · {rule_name} · as of {today():%Y-%m-%d}")

    def png() -> bytes:
        return map_png(title, rows.areas, rows.members, rows.stations, legend(lang()), rows.bounds).png

    data = session.recorded_download("coverage_map:png", png, len(rows.members))  # an export, in the audit log
    st.download_button(t("下载地图图片(PNG)", "Download the map (PNG)"), data, mime="image/png",
                       file_name=f"{place}_{rule_name}_覆盖地图.png", key="map_png", on_click="ignore")  # fmt: skip
    if cjk_font_file() is None:
        st.caption(
            t("服务器没有中文字体(如 fonts-noto-cjk),图片中不写文字", "No CJK font on the server: no words in the PNG")
        )


def _legend() -> None:
    swatches = " ".join(
        f'<span style="color:rgb({r},{g},{b})">■</span> {words}' for words, (r, g, b, _) in legend(lang())
    )
    points = t("● 绿:已覆盖 ● 红:缺口 ● 蓝:党群服务阵地(浅蓝圈为步行半径)",
               "● green: covered ● red: gap ● blue: service station (light circle: walking radius)")  # fmt: skip
    st.markdown(f"{t('覆盖率', 'Coverage rate')}: {swatches}<br/>{points}", unsafe_allow_html=True)


def _side(
    outcome: RuleOutcome, shapes: AreaShapes, geography: Geography, area: str | None, where: str, drawn: int
) -> None:
    """The area's figures, the gap list's door, and what the map cannot place."""
    rate = "—" if outcome.rate is None else f"{outcome.rate:.1%}"
    st.metric(t(f"{where} · 覆盖率", f"{where} · coverage rate"), rate, help=f"{outcome.covered}/{outcome.total}")
    if st.button(t("打开缺口清单", "Open the gap list"), key="map_open_gaps"):
        st.session_state["gaps_rule"], st.session_state["gaps_area"] = outcome.rule.id, area
        st.switch_page(gaps.page())
    if st.button(t("打开组织架构", "Open the hierarchy"), key="map_open_hierarchy"):
        set_pickers(hierarchy.PICKER, geography, area)
        st.switch_page(hierarchy.page())
    unplaced = [p for p in shapes.unplaced if area is None or geography.within(p.id, area)]
    missing = outcome.total - drawn if outcome.rule.population in ("Compound", "Unit", "CommercialBuilding") else 0
    with st.expander(t(f"未标注位置({len(unplaced)} 个区域)", f"Not located ({len(unplaced)} areas)")):
        for p in unplaced[:50]:
            zh, en = LEVEL_NAMES.get(p.label, (p.label, p.label))
            st.write(f"{t(zh, en)} · {p.name}")
        if missing > 0:
            st.caption(t(f"另有 {missing} 个对象未填写经纬度,未画在图上", f"{missing} more have no coordinates"))


def _clicked(event: Any) -> None:
    """A click on an area drills down into it (applied to the pickers at the start of the next run)."""
    objects = (getattr(event, "selection", None) or {}).get("objects", {}) if event else {}
    picked = objects.get("areas") or []
    if picked and picked[0].get("id"):
        st.session_state[CLICKED] = picked[0]["id"]
        st.rerun()


def _take_click(geography: Geography) -> None:
    """Set the area pickers to the clicked area's chain, once."""
    clicked = st.session_state.pop(CLICKED, None)
    if clicked is not None and clicked in geography.places:
        set_pickers(PLACE_KEY, geography, clicked)
