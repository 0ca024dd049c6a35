"""服务覆盖 (service_circle): each compound within a service station's walking radius, measured in Python.

The k-d tree's answer against a plain NumPy haversine over every pair (the reference: small enough to loop); the
rule on a hand-built graph through the gap engine (its reasons, the nearest station named with its distance, a
blank coordinate never breaking a report); the CLI; and the datum conversion against the published vectors.
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest
from test_cli import invoke

from orggraph.analysis.coverage import gap_report
from orggraph.analysis.geodesy import EARTH_RADIUS_M, convert
from orggraph.analysis.service_circle import nearest_station, stations_box
from orggraph.graph.store import BoltStore
from orggraph.ingest.load import ingest_records
from orggraph.model.coverage_rules import CoverageRule, Measure, load_rules
from orggraph.model.records import EdgeRecord, NodeRecord

AS_OF = dt.date(2026, 6, 30)
RULE = load_rules().rule("service_circle")
HUANGZHOU = (114.879, 30.447)  # 黄冈市黄州区, the demo city's centre


def haversine_m(lon1: float, lat1: float, lon2: np.ndarray, lat2: np.ndarray) -> np.ndarray:
    """The reference: great-circle metres by the haversine formula, on the same sphere."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(a))


def _row(i: int) -> dict:
    return {"id": f"K{i:04d}", "name": f"K{i}", "place": f"K{i:04d}", "covered": None, "reason": None, "detail": None}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_nearest_station_equals_a_plain_haversine_over_every_pair(seed: int) -> None:
    rng = np.random.default_rng(seed)
    points = np.column_stack((HUANGZHOU[0] + rng.uniform(-0.2, 0.2, 400), HUANGZHOU[1] + rng.uniform(-0.15, 0.15, 400)))
    n = 60
    slon, slat = HUANGZHOU[0] + rng.uniform(-0.2, 0.2, n), HUANGZHOU[1] + rng.uniform(-0.15, 0.15, n)
    stations = [(f"SS{j:03d}", f"站{j}", float(slon[j]), float(slat[j])) for j in range(n)]
    measure = Measure(kind="nearest_station", radius_m=1000, nearest_within_m=5000)
    rows = nearest_station([_row(i) for i in range(len(points))], points, stations, measure)
    kinds = set()
    for (lon, lat), row in zip(points, rows, strict=True):
        d = haversine_m(lon, lat, slon, slat)
        j = int(np.argmin(d))
        if d[j] > 5000:
            assert (row["covered"], row["reason"], row["detail"]) == (False, "no_station_nearby", None)
        else:
            assert row["detail"] == {"station": f"站{j}", "station_id": f"SS{j:03d}", "metres": round(float(d[j]))}
            assert row["covered"] == (d[j] <= 1000)
            assert row["reason"] == (None if d[j] <= 1000 else "no_station_within_radius")
        kinds.add(row["reason"])
    assert kinds == {None, "no_station_within_radius", "no_station_nearby"}, "every outcome drawn"


def test_ties_go_to_the_smallest_station_id_and_no_station_means_none_nearby() -> None:
    measure = Measure(kind="nearest_station")
    points = np.array([[114.88, 30.45]])
    twins = [("SS9", "后", 114.881, 30.45), ("SS1", "先", 114.881, 30.45)]
    (row,) = nearest_station([_row(1)], points, twins, measure)
    assert row["detail"]["station_id"] == "SS1" and row["covered"] is True
    (alone,) = nearest_station([_row(1)], points, [], measure)
    assert (alone["covered"], alone["reason"]) == (False, "no_station_nearby")


def test_the_stations_box_holds_every_point_within_the_margin() -> None:
    points = np.array([[114.8, 30.4], [115.0, 30.6]])
    box = stations_box(points, 5000)
    rng = np.random.default_rng(0)
    lon, lat = rng.uniform(114.6, 115.2, 5000), rng.uniform(30.2, 30.8, 5000)
    near = (haversine_m(114.8, 30.4, lon, lat) <= 5000) | (haversine_m(115.0, 30.6, lon, lat) <= 5000)
    inside = (lon >= box["west"]) & (lon <= box["east"]) & (lat >= box["south"]) & (lat <= box["north"])
    assert near.any() and not (near & ~inside).any()


def test_a_radius_changed_without_its_words_is_refused() -> None:
    raw = RULE.model_dump()
    with pytest.raises(ValueError, match="must state the radius 800"):
        CoverageRule(**{**raw, "measure": {**raw["measure"], "radius_m": 800}})


# --- through the gap engine, on the server ----------------------------------------------------------------------

_TREE = [("District", "D1", {}), ("Street", "S1", {}), ("Community", "C1", {})]
_TREE_EDGES = [("PART_OF", "Street", "S1", "District", "D1"), ("PART_OF", "Community", "C1", "Street", "S1")]


def _graph() -> tuple[list[NodeRecord], list[EdgeRecord]]:
    """Four compounds around one centre station: 500 m east (covered), ~2 km north (gap, nearest named), no
    coordinates (gap, not recorded), ~20 km away (gap, none nearby); a station without coordinates serves no one."""
    lon, lat = HUANGZHOU
    compounds = {"K1": (lon + 0.0052, lat), "K2": (lon, lat + 0.018), "K3": None, "K4": (lon + 0.2, lat + 0.05)}
    nodes = [NodeRecord(label, i, {"name": i, **p}) for label, i, p in _TREE]
    edges = [EdgeRecord(*e) for e in _TREE_EDGES]
    for cid, at in compounds.items():
        nodes.append(NodeRecord("Compound", cid, {"name": cid, **({"lon": at[0], "lat": at[1]} if at else {})}))
        edges.append(EdgeRecord("PART_OF", "Compound", cid, "Community", "C1"))
    nodes += [NodeRecord("ServiceStation", "SS1", {"name": "C1党群服务中心", "lon": lon, "lat": lat}),
              NodeRecord("ServiceStation", "SS2", {"name": "无坐标驿站"})]  # fmt: skip
    edges += [EdgeRecord("LOCATED_IN", "ServiceStation", s, "Community", "C1") for s in ("SS1", "SS2")]
    return nodes, edges


@pytest.fixture
def circle_store(clean_store: BoltStore) -> BoltStore:
    ingest_records(clean_store, *_graph())
    return clean_store


def test_gaps_say_why_and_name_the_nearest_station(circle_store: BoltStore) -> None:
    (outcome,) = gap_report(circle_store, ["service_circle"], as_of=AS_OF).outcomes
    assert (outcome.covered, outcome.total) == (1, 4)
    gaps = {g.id: g for g in outcome.gaps}
    assert {k: g.reason for k, g in gaps.items()} == {
        "K2": "no_station_within_radius", "K3": "location_not_recorded", "K4": "no_station_nearby"}  # fmt: skip
    metres = round(float(haversine_m(HUANGZHOU[0], HUANGZHOU[1] + 0.018, np.array([HUANGZHOU[0]]),
                                     np.array([HUANGZHOU[1]]))[0]))  # fmt: skip
    assert gaps["K2"].detail == {"station": "C1党群服务中心", "station_id": "SS1", "metres": metres}
    assert f"C1党群服务中心(相距{metres}米)" in gaps["K2"].action_zh
    assert f"C1党群服务中心 ({metres} m away)" in gaps["K2"].action_en
    assert all("{" not in g.why_zh + g.why_en + g.action_zh + g.action_en for g in gaps.values())
    assert [a.rate for a in outcome.areas["Community"]] == [0.25]


def test_a_street_report_equals_the_whole_one(circle_store: BoltStore) -> None:
    whole = gap_report(circle_store, ["service_circle"], as_of=AS_OF).outcomes[0]
    street = gap_report(circle_store, ["service_circle"], area_id="S1", as_of=AS_OF).outcomes[0]
    assert (street.covered, street.total, street.gaps) == (whole.covered, whole.total, whole.gaps)


def test_cli_gaps_runs_the_rule_like_any_other(circle_store: BoltStore, cli_env: dict[str, str]) -> None:
    result = invoke(["gaps", "--rule", "service_circle", "--format", "json", "--as-of", "2026-06-30"], cli_env)
    doc = json.loads(result.stdout)
    (rule,) = doc["rules"]
    assert rule["id"] == "service_circle" and (rule["covered"], rule["total"]) == (1, 4)


# --- the datum ------------------------------------------------------------------------------------------------

# eviltransform's published vectors: WGS-84 (lat, lon) → GCJ-02 (lat, lon): Shanghai, Shenzhen, Beijing
VECTORS = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),
]


@pytest.mark.parametrize(("wlat", "wlon", "glat", "glon"), VECTORS)
def test_wgs84_to_gcj02_and_back(wlat: float, wlon: float, glat: float, glon: float) -> None:
    lon, lat = convert([wlon], [wlat], "WGS-84", "GCJ-02")
    assert abs(lon[0] - glon) < 1e-9 and abs(lat[0] - glat) < 1e-9
    back_lon, back_lat = convert(lon, lat, "GCJ-02", "WGS-84")
    assert abs(back_lon[0] - wlon) < 1e-8 and abs(back_lat[0] - wlat) < 1e-8
    same = convert([wlon], [wlat], "WGS-84", "WGS-84")
    assert same[0][0] == wlon and same[1][0] == wlat
