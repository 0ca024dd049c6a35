"""Points on the Earth: great-circle distances through a k-d tree, and the one WGS-84 ↔ GCJ-02 conversion.

Distances. A point becomes a unit vector in 3-D (``unit_vectors``); the straight chord between two such vectors
grows with the great-circle distance, so a k-d tree over the vectors finds the nearest point by great-circle
distance exactly, anywhere in China, with no map projection and its error; ``chord_metres`` turns a chord back into
metres on the mean sphere (what a haversine gives, to rounding).

Datums. Chinese map services (Amap, Tencent) show GCJ-02, GPS and GeoJSON give WGS-84; the setting
``coordinate_datum`` says which the ledgers hold. GCJ-02 is WGS-84 shifted by a published formula (100–700 m,
smooth over a city, so distances within a city are the same in either); ``convert`` applies it or its inverse
(a fixed-point iteration, to 1e-9°). Nothing else converts.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

Datum = Literal["GCJ-02", "WGS-84"]
EARTH_RADIUS_M = 6_371_008.8  # the mean radius (IUGG): what a haversine on the sphere uses
_A = 6378245.0  # the GCJ-02 formula's ellipsoid (Krasovsky 1940) and eccentricity squared
_EE = 0.00669342162296594323
Floats = NDArray[np.float64]


def unit_vectors(lon: ArrayLike, lat: ArrayLike) -> Floats:
    """Points (degrees) as unit vectors, one row each.

    >>> unit_vectors([0.0], [90.0]).round(6).tolist()
    [[0.0, 0.0, 1.0]]
    """
    lam, phi = np.radians(np.asarray(lon, dtype=float)), np.radians(np.asarray(lat, dtype=float))
    return np.column_stack((np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)))


def chord_metres(chord: ArrayLike) -> Floats:
    """The great-circle distance, in metres, of a chord between unit vectors.

    >>> float(chord_metres(2.0).round())  # the antipode: half the circumference
    20015114.0
    """
    return np.asarray(2 * EARTH_RADIUS_M * np.arcsin(np.clip(np.asarray(chord, dtype=float) / 2, 0, 1)))


def metres_chord(metres: float) -> float:
    """The chord of a great-circle distance (the inverse of ``chord_metres``): a radius for the k-d tree."""
    return float(2 * np.sin(min(metres / EARTH_RADIUS_M, np.pi) / 2))


def _shift(lon: Floats, lat: Floats) -> tuple[Floats, Floats]:
    """The GCJ-02 offset (degrees of longitude, of latitude) at WGS-84 points."""
    x, y = lon - 105.0, lat - 35.0
    wave = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x)) + wave
    dlat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x)) + wave
    dlon += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    rad = np.radians(lat)
    magic = 1 - _EE * np.sin(rad) ** 2
    dlat = dlat * 180.0 / ((_A * (1 - _EE)) / (magic * np.sqrt(magic)) * np.pi)
    dlon = dlon * 180.0 / (_A / np.sqrt(magic) * np.cos(rad) * np.pi)
    return dlon, dlat


def convert(lon: ArrayLike, lat: ArrayLike, source: Datum, target: Datum) -> tuple[Floats, Floats]:
    """Points from one datum to the other (the same points when they agree).

    >>> lon, lat = convert([121.5272106], [31.1774276], "WGS-84", "GCJ-02")  # Shanghai, the published vector
    >>> round(float(lon[0]), 9), round(float(lat[0]), 9)
    (121.531541859, 31.175303984)
    """
    x, y = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    if source == target:
        return x, y
    if source == "WGS-84":
        dlon, dlat = _shift(x, y)
        return x + dlon, y + dlat
    wx, wy = x.copy(), y.copy()  # GCJ-02 → WGS-84: the WGS-84 point whose shifted image is the given point
    for _ in range(30):
        dlon, dlat = _shift(wx, wy)
        ex, ey = wx + dlon - x, wy + dlat - y
        wx, wy = wx - ex, wy - ey
        if max(float(np.max(np.abs(ex), initial=0)), float(np.max(np.abs(ey), initial=0))) < 1e-10:
            break
    return wx, wy
