"""Reads over one database per province, combined: the nation is the sum of its provinces.

Why it adds up: a province's database holds only its own top-level areas (loads are routed by area,
``province_loads``), so every rule's population, every area and every gap sits in exactly one database. The
national figures are sums of the provinces' (covered and total per rule, gaps side by side, the areas of each
level together), and a report on one area reads only the database holding it. A path runs within one province:
its two ends in different databases have no tie between them that any database holds (:func:`apart` says so), and a
search over several databases says which one each hit is in (:func:`matches_everywhere`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from orggraph.analysis.coverage import AreaRate, GapReport, RuleOutcome, gap_report
from orggraph.analysis.entities import AmbiguousEntity, Entity, resolve_entity
from orggraph.analysis.entity_places import Match
from orggraph.analysis.geography import area_label
from orggraph.analysis.linkage import LinkagePath, linkage_paths
from orggraph.graph.province_databases import open_provinces, province_names
from orggraph.graph.store import BoltStore
from orggraph.model.config import Settings
from orggraph.model.errors import QueryError


@dataclass(frozen=True)
class NationalReport:
    """The whole report of every province (``nation``: their sum) and each province's own."""

    nation: GapReport
    provinces: dict[str, GapReport]


def combined_counts(counts: Iterable[Mapping[str, int]]) -> dict[str, int]:
    """Counts per label added over the provinces (every label any province names).

    >>> combined_counts([{"Street": 2, "Grid": 0}, {"Street": 3}])
    {'Street': 5, 'Grid': 0}
    """
    total: Counter[str] = Counter()
    for one in counts:
        for label, n in one.items():
            total[label] += n
    return dict(total)


def combine_reports(reports: Iterable[GapReport], as_of: dt.date) -> GapReport:
    """One report of several provinces' whole reports: per rule, covered and total added, the gaps together (by id,
    as one database orders them), and each level's areas together (no area is in two provinces)."""
    merged: dict[str, list[RuleOutcome]] = {}
    for report in reports:
        for outcome in report.outcomes:
            merged.setdefault(outcome.rule.id, []).append(outcome)
    outcomes = []
    for parts in merged.values():
        levels: dict[str, tuple[AreaRate, ...]] = {}
        for part in parts:
            for level, rates in part.areas.items():
                levels[level] = levels.get(level, ()) + rates
        gaps = tuple(sorted((g for p in parts for g in p.gaps), key=lambda g: g.id))
        covered, total = sum(p.covered for p in parts), sum(p.total for p in parts)
        outcomes.append(RuleOutcome(parts[0].rule, covered, total, gaps, levels))
    return GapReport(as_of, None, tuple(outcomes))


def national_report(stores: Mapping[str, BoltStore], rule_ids: list[str] | None, as_of: dt.date) -> NationalReport:
    """Every province's whole report, one database after another (each already reads in parallel), and their sum."""
    provinces = {key: gap_report(store, rule_ids, None, as_of) for key, store in stores.items()}
    return NationalReport(combine_reports(provinces.values(), as_of), provinces)


def province_holding(stores: Mapping[str, BoltStore], settings: Settings, area_id: str) -> str:
    """The province whose database holds an area: a top-level area by the settings, any other by asking each
    database (an id index lookup each); QueryError when none does."""
    mapped = settings.province_of_area(area_id)
    if mapped is not None:
        return mapped
    for key, store in stores.items():
        if area_label(store, area_id):
            return key
    raise QueryError(f"没有哪个省的数据库含有区域 {area_id}", f"no province's database holds the area {area_id}")


def area_report(
    stores: Mapping[str, BoltStore], settings: Settings, rule_ids: list[str] | None, area_id: str, as_of: dt.date
) -> GapReport:
    """The report on one area, read from the one database holding it."""
    return gap_report(stores[province_holding(stores, settings, area_id)], rule_ids, area_id, as_of)


def _find(stores: Mapping[str, BoltStore], text: str) -> tuple[str, Entity]:
    """The one province and entity a text names; the not-found error of the last database when none has it."""
    found: dict[str, Entity] = {}
    missing: QueryError | None = None
    for key, store in stores.items():
        try:
            found[key] = resolve_entity(store, text)
        except AmbiguousEntity:
            raise
        except QueryError as exc:
            missing = exc
    if not found:
        raise missing or QueryError("没有配置任何省份", "no province is configured")
    if len(found) > 1:
        where = "; ".join(f"{e.name}({e.id}) ∈ {key}" for key, e in found.items())
        zh = f"“{text}”在多个省都有匹配,请改用编号:{where}"
        raise QueryError(zh, f"'{text}' matches in several provinces; give an id: {where}")
    return next(iter(found.items()))


def apart(src: Entity, src_where: tuple[str, str], dst: Entity, dst_where: tuple[str, str]) -> QueryError:
    """Why no path joins two entities of different provinces (each database holds no tie to another's), in words;
    ``*_where`` names each end's database (中文, English)."""
    return QueryError(
        f"{src.name}({src.id})属于 {src_where[0]},{dst.name}({dst.id})属于 {dst_where[0]}:"
        "联结路径只在一个省的数据库内查找",
        f"{src.name} ({src.id}) is in {src_where[1]} and {dst.name} ({dst.id}) in {dst_where[1]}: paths are found "
        "within one province's database",
    )


def province_paths(
    stores: Mapping[str, BoltStore], source: str, target: str, via: tuple[str, ...], max_hops: int, k: int
) -> tuple[Entity, Entity, list[LinkagePath]]:
    """Linkage paths between two entities of one province (both ends found in their databases first)."""
    (src_key, src), (dst_key, dst) = _find(stores, source), _find(stores, target)
    if src_key != dst_key:
        raise apart(src, (src_key, src_key), dst, (dst_key, dst_key))
    return src, dst, linkage_paths(stores[src_key], src, dst, via, max_hops, k)


@dataclass(frozen=True)
class ProvinceMatch:
    """A search hit in one of several databases: ``province`` its key (None: the app's own database), ``where`` how
    that database is named (中文, English)."""

    province: str | None
    where: tuple[str, str]
    match: Match

    @property
    def key(self) -> str:
        """What a picker keeps: the database and the entity (the same id may be in two databases)."""
        return f"{self.province or ''}/{self.match.key}"

    @property
    def entity(self) -> Entity:
        return self.match.entity

    def describe(self, lang: str) -> str:
        """The match as one database describes it, and which database it is in.

        >>> hit = ProvinceMatch("hb", ("湖北省", "Hubei"), Match(Entity("K1", "Compound", "金城小区", "小区"), 1, ()))
        >>> hit.describe("en"), hit.key
        ('金城小区 · 小区 · K1 · Hubei', 'hb/Compound:K1')
        """
        return f"{self.match.describe(lang)} · {self.where[0 if lang == 'zh' else 1]}"


def matches_everywhere(
    found: Mapping[str | None, list[Match]], where: Mapping[str | None, tuple[str, str]]
) -> list[ProvinceMatch]:
    """Every database's matches as one list, best first (by how well each matched; databases in the given order
    where they tie), each saying which database it is in."""
    hits = [ProvinceMatch(key, where[key], m) for key, matches in found.items() for m in matches]
    return sorted(hits, key=lambda h: h.match.tier)


@dataclass(frozen=True)
class ProvinceFigures:
    """One province's line of the national overview (``key`` None: the nation, the sum of the lines above)."""

    key: str | None
    name: str
    nodes: int
    covered: int
    total: int
    gaps: int

    @property
    def rate(self) -> float | None:
        return self.covered / self.total if self.total else None


def province_figures(
    national: NationalReport, counts: Mapping[str, Mapping[str, int]], names: Mapping[str, str]
) -> list[ProvinceFigures]:
    """A line per province (records, the rules' covered / total, gaps) and the nation's last: what the app's
    overview shows over the provinces."""
    lines: list[ProvinceFigures] = []
    for key, one in national.provinces.items():
        covered, total = sum(o.covered for o in one.outcomes), sum(o.total for o in one.outcomes)
        nodes = sum(n for label, n in counts[key].items() if label != "LoadRun")
        lines.append(ProvinceFigures(key, names[key], nodes, covered, total, sum(len(o.gaps) for o in one.outcomes)))
    total_line = ProvinceFigures(
        None,
        "",
        sum(p.nodes for p in lines),
        sum(p.covered for p in lines),
        sum(p.total for p in lines),
        sum(p.gaps for p in lines),
    )
    return [*lines, total_line]


def national_figures(settings: Settings, as_of: dt.date) -> list[ProvinceFigures]:
    """Every province's line and the nation's, read from the provinces' databases (the app's overview)."""
    with open_provinces(settings, start=False) as stores:
        counts = {key: store.node_counts() for key, store in stores.items()}
        national = national_report(stores, None, as_of)
    return province_figures(national, counts, province_names(settings))
