"""Where a synthetic region's places lie: every city at its real centre, its districts spread over the city's extent,
streets inside their district, communities inside their street, grids inside their community, compounds clustered
in their grid, units and buildings at their place, service stations at the place they serve.

Why apart: placement is geometry, not party building. Each area is a disc (a :class:`Spot`); its children take the
slots of a sunflower (Vogel) spiral inside it, so siblings never overlap and fill their parent evenly whatever their
number, and a point inside a place is drawn uniformly in its disc. Every draw comes from the builder's ``geo``
stream, so placing things moved no draw of the main stream: a seed names the same region, now with places.

Extents: the demo's city (seed 1, 黄冈) uses its real box; every other city its real centre and a box of typical
size (±0.6° × ±0.45°) around it. Urban 区 ring the city centre; counties spread over the rest of the box.
"""

from __future__ import annotations

import math
import random
from typing import NamedTuple

_M_PER_DEG = 6_371_008.8 * math.pi / 180  # metres per degree of latitude (mean sphere)
_GOLDEN = math.pi * (3 - math.sqrt(5))  # the sunflower's turn between slots
_URBAN_RING_M, _URBAN_R_M = 6_000.0, 4_000.0  # urban 区 around the centre: ring radius, each district's radius
_COUNTY_MAX_R_M = 25_000.0
_DEFAULT_HALF = (0.6, 0.45)  # a city box's half-width, half-height in degrees where its own is not written here

# The cities of loaders.chinese_names, at their real centres (lon, lat of the main urban district)
CENTRES = {
    "济南": (117.00, 36.65), "青岛": (120.38, 36.07), "淄博": (118.05, 36.81), "枣庄": (117.32, 34.81),
    "东营": (118.67, 37.43), "烟台": (121.45, 37.46), "潍坊": (119.16, 36.71), "济宁": (116.59, 35.41),
    "泰安": (117.09, 36.20), "威海": (122.12, 37.51), "日照": (119.53, 35.42), "临沂": (118.36, 35.10),
    "德州": (116.36, 37.44), "聊城": (115.99, 36.46), "滨州": (118.02, 37.38), "菏泽": (115.48, 35.23),
    "武汉": (114.31, 30.59), "黄石": (115.04, 30.20), "十堰": (110.80, 32.63), "宜昌": (111.29, 30.69),
    "襄阳": (112.14, 32.04), "鄂州": (114.89, 30.39), "荆门": (112.20, 31.04), "孝感": (113.92, 30.92),
    "荆州": (112.24, 30.33), "黄冈": (114.87, 30.45), "咸宁": (114.32, 29.84), "随州": (113.38, 31.69),
    "成都": (104.07, 30.57), "自贡": (104.78, 29.34), "攀枝花": (101.72, 26.58), "泸州": (105.44, 28.87),
    "德阳": (104.40, 31.13), "绵阳": (104.68, 31.47), "广元": (105.84, 32.44), "遂宁": (105.59, 30.53),
    "内江": (105.06, 29.58), "乐山": (103.77, 29.55), "南充": (106.08, 30.80), "眉山": (103.85, 30.08),
    "宜宾": (104.64, 28.75), "广安": (106.63, 30.46), "达州": (107.47, 31.21), "雅安": (103.01, 29.98),
    "呼和浩特": (111.75, 40.84), "包头": (109.84, 40.66), "乌海": (106.79, 39.66), "赤峰": (118.89, 42.26),
    "通辽": (122.24, 43.65), "鄂尔多斯": (109.78, 39.61), "呼伦贝尔": (119.77, 49.21), "巴彦淖尔": (107.39, 40.74),
    "乌兰察布": (113.13, 41.00),
}  # fmt: skip
BOXES = {"黄冈": (114.42, 29.75, 116.13, 31.58)}  # west, south, east, north: the demo city's real extent


class Spot(NamedTuple):
    """A place as a disc: its centre (degrees) and radius (metres)."""

    lon: float
    lat: float
    r: float

    def at(self, east_m: float, north_m: float) -> tuple[float, float]:
        """The point ``east_m``, ``north_m`` metres from the centre, rounded as a ledger keeps it (6 decimals)."""
        lat = self.lat + north_m / _M_PER_DEG
        lon = self.lon + east_m / (_M_PER_DEG * math.cos(math.radians(self.lat)))
        return round(lon, 6), round(lat, 6)


def city_box(city: str) -> tuple[float, float, float, float]:
    lon, lat = CENTRES[city]
    return BOXES.get(
        city, (lon - _DEFAULT_HALF[0], lat - _DEFAULT_HALF[1], lon + _DEFAULT_HALF[0], lat + _DEFAULT_HALF[1])
    )


def districts(rng: random.Random, city: str, urban: int, rural: int) -> list[Spot]:
    """The city's districts: the urban ones ringing the centre (one: at the centre), then the counties, each
    placed where it has the most room (the best of 64 candidates in the box), away from those placed before
    and from the box's edge."""
    lon, lat = CENTRES[city]
    centre = Spot(lon, lat, _URBAN_R_M)
    turn = rng.uniform(0, 2 * math.pi)
    spots = [centre] if urban == 1 else []
    for i in range(urban if urban > 1 else 0):
        east, north = (
            _URBAN_RING_M * math.cos(turn + 2 * math.pi * i / urban),
            _URBAN_RING_M * math.sin(turn + 2 * math.pi * i / urban),
        )
        spots.append(Spot(*centre.at(east, north), _URBAN_R_M))
    west, south, east_edge, north_edge = city_box(city)
    taken = [*spots] if spots else [centre]
    for _ in range(rural):
        candidates = [(rng.uniform(west, east_edge), rng.uniform(south, north_edge)) for _ in range(64)]
        room = {p: min(min(_metres(p, (s.lon, s.lat)) - s.r for s in taken), _edge_metres(p, city)) for p in candidates}
        best = max(candidates, key=lambda p: room[p])  # the most room: away from the others and from the edge
        spot = Spot(best[0], best[1], max(2_000.0, min(_COUNTY_MAX_R_M, room[best] * 0.9)))
        spots.append(spot)
        taken.append(spot)
    return spots


def child(parent: Spot, i: int, n: int, turn: float, shrink: float = 0.9) -> Spot:
    """Slot ``i`` of ``n`` in the parent's sunflower, as a disc that stays inside the parent and off its
    neighbours' slots."""
    distance = parent.r * math.sqrt((i + 0.5) / n) * (0.85 if n > 1 else 0.0)
    angle = turn + i * _GOLDEN
    radius = min(parent.r / math.sqrt(n) * shrink, parent.r - distance)
    return Spot(*parent.at(distance * math.cos(angle), distance * math.sin(angle)), radius)


def inside(rng: random.Random, spot: Spot, share: float = 0.8) -> tuple[float, float]:
    """A point drawn uniformly in the inner ``share`` of the disc."""
    radius, angle = spot.r * share * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi)
    return spot.at(radius * math.cos(angle), radius * math.sin(angle))


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance between two points, flat at the pair's latitude (placement only: no rule reads it)."""
    dx = (a[0] - b[0]) * math.cos(math.radians((a[1] + b[1]) / 2))
    return math.hypot(dx, a[1] - b[1]) * _M_PER_DEG


def _edge_metres(p: tuple[float, float], city: str) -> float:
    west, south, east, north = city_box(city)
    cos = math.cos(math.radians(p[1]))
    return min((p[0] - west) * cos, (east - p[0]) * cos, p[1] - south, north - p[1]) * _M_PER_DEG
