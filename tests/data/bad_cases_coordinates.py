"""Broken-ledger cases: coordinates (经度/纬度) a clerk gets wrong — a longitude outside China's extent (a latitude typed
into it), and one of the pair without the other."""

from __future__ import annotations

from bad_corpus import Registry, Where

CASES = Registry("g")
case = CASES.case


@case(
    "longitude_outside_china",
    "经度超出中国范围(填成了纬度)/ a longitude outside China (the latitude typed into it)",
    "党群服务阵地",
    "经度应在 73 至 135.5 之间,收到 35.4146",
    "longitude must lie between 73 and 135.5, got 35.4146",
)
def _(s):
    t = s["党群服务阵地"]
    return Where(t.title, t.set(t.row_of("SS01"), "经度", 35.4146), "经度", "35.4146")


@case(
    "latitude_without_longitude",
    "只填纬度未填经度 / a latitude with no longitude",
    "党群服务阵地",
    "已填“纬度”(35.4146),“经度”为空:两者须同时填写或同时留空",
    "lat is given (35.4146) but lon is blank: give both or neither",
)
def _(s):
    t = s["党群服务阵地"]
    return Where(t.title, t.set(t.row_of("SS01"), "经度", None), "经度")
