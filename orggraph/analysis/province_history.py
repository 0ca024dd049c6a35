"""Whose history a command or page reads: the one graph's, or one province's database's (issue 15 over issue 12's
one database per province).

A snapshot describes one graph, so a history is a pair: the store the figures come from and the folder its
snapshots are kept in (``snapshot_files.home``: ``DATA_DIR/databases/<database>[_<server hash>]/``). Every
snapshot function takes that folder where it takes a data dir, so once a command has the pair it runs as it does
on the one graph — :func:`history_home` is the one place that builds it from the settings and a province key,
and :func:`open_history` opens its store the way every province's store is opened (``open_provinces``: on the
embedded server the default database's store first, which starts and later stops the server for the command).

The nation page's trend (:func:`province_trend`) reads every province's stored months from files alone: a rate per
province per month for one rule, each month a province's last snapshot of it, as the overview's trend lines do.

An area's history (:func:`area_province`) is the province's whose database holds the area; the nation as a whole has
none (its figures are the provinces' sum, each kept apart). An export (:func:`export_histories`) carries every
history in the data dir's own layout — the one graph's ``snapshots/``, each province's under
``databases/<database>/snapshots/`` — so taking it back (:func:`import_histories`) puts each where it belongs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from orggraph.analysis.fan_out import province_holding
from orggraph.analysis.history import SnapshotInfo, covering
from orggraph.analysis.history_periods import last_per_month
from orggraph.graph import backends, snapshot_files
from orggraph.graph.province_databases import open_provinces, province_names
from orggraph.graph.store import BoltStore
from orggraph.model.config import Settings
from orggraph.model.errors import ConfigError, QueryError


@dataclass(frozen=True)
class HistoryHome:
    """One history: the settings of the graph it describes and the folder standing for its data dir (its
    ``snapshots/`` holds the snapshots). ``province`` None: the one graph of the settings."""

    province: str | None
    name: str
    settings: Settings
    folder: Path


def history_home(settings: Settings, province: str | None) -> HistoryHome:
    """The history of ``province`` (a key of ``[orggraph.provinces.<key>]``), or the one graph's when None; an
    unknown key, or a key with no provinces configured, is a ConfigError naming the keys there are."""
    if province is None:
        return HistoryHome(None, "", settings, settings.resolved_data_dir())
    if province not in settings.provinces:
        known = ", ".join(settings.provinces) or "—"
        if not settings.provinces:
            raise ConfigError(
                f"未配置任何省份([orggraph.provinces.<key>]),--province {province} 无从读取",
                f"no province is configured ([orggraph.provinces.<key>]): --province {province} names nothing",
            )
        raise ConfigError(f"未知省份 {province};已配置:{known}", f"unknown province {province}; configured: {known}")
    one = settings.provinces[province]
    folder = snapshot_files.home(settings.resolved_data_dir(), one.database, one.uri)
    return HistoryHome(province, province_names(settings)[province], settings.for_province(province), folder)


@contextmanager
def open_history(settings: Settings, home: HistoryHome) -> Iterator[BoltStore]:
    """The store of the graph ``home`` describes: the settings' own, or the province's database opened as
    ``open_provinces`` opens it (that province alone)."""
    if home.province is None:
        with backends.open_store(settings) as store:
            yield store
        return
    alone = settings.model_copy(update={"provinces": {home.province: settings.provinces[home.province]}})
    with open_provinces(alone) as stores:
        yield stores[home.province]


@dataclass(frozen=True)
class ProvincePoint:
    """One province's figure for one rule in one stored month (its last snapshot of that month)."""

    province: str
    name: str
    info: SnapshotInfo
    covered: int
    total: int

    @property
    def rate(self) -> float | None:
        return self.covered / self.total if self.total else None


def province_trend(settings: Settings, rule: str) -> list[ProvincePoint]:
    """Per province (in the settings' order) and stored month of its whole-region snapshots, ``rule``'s covered /
    total over the province; months whose snapshot does not hold the rule, or where it has nothing to cover, are
    left out. Reads the rule's total rows of each month's snapshot, never a database."""
    points = []
    for key in settings.provinces:
        home = history_home(settings, key)
        for info in last_per_month(covering(home.folder, None)):
            if rule not in info.rules:
                continue
            for row in snapshot_files.read_figures(home.folder, info.id, rule, ""):
                if row["total"]:
                    points.append(ProvincePoint(key, home.name, info, row["covered"], row["total"]))
    return points


def province_rules(settings: Settings) -> list[str]:
    """The rules any province's stored whole-region snapshots hold, in the order first met (the trend's picker)."""
    found: dict[str, None] = {}
    for key in settings.provinces:
        for info in covering(history_home(settings, key).folder, None):
            found.update(dict.fromkeys(info.rules))
    return list(found)


def area_province(settings: Settings, area: str, start: bool = False) -> str | None:
    """The province whose database holds ``area``: a top-level area by the settings, any other by asking each
    province's database (``fan_out.province_holding``; ``start``: the embedded server started for the question when
    it is not running, as a command does). None when no province is configured or none holds it: the area is then
    the one graph's (the database the settings name), and so is its history."""
    if not settings.provinces:
        return None
    mapped = settings.province_of_area(area)
    if mapped is not None:
        return mapped
    with open_provinces(settings, start=start) as stores:
        try:
            return province_holding(stores, settings, area)
        except QueryError:
            return None


def _relative(settings: Settings, home: HistoryHome) -> Path:
    """Where a history sits below its data dir (``.`` for the one graph's): the same place below an export."""
    return home.folder.relative_to(settings.resolved_data_dir())


def every_home(settings: Settings) -> list[tuple[Path, Path]]:
    """Every database's folder standing for its data dir (the one graph's, then each province's) with where an export
    keeps it: what travels per database besides the snapshots (the saved what-ifs, whose ids are that graph's)."""
    return [(history_home(settings, key).folder, export_place(settings, key)) for key in [None, *settings.provinces]]


def export_place(settings: Settings, province: str | None) -> Path:
    """Where an export keeps what belongs to ``province``'s database (``.`` for the one graph's): its history, its
    plans, its neo4j-admin files."""
    return _relative(settings, history_home(settings, province))


def export_histories(settings: Settings, out: Path, province: str | None = None, every: bool = True) -> list[Path]:
    """Copy histories into ``out`` as the data dir holds them (``out/snapshots/``, each province's under
    ``out/databases/<database>/snapshots/``): every one (``every``), else ``province``'s alone (None: the one
    graph's). Returns the files written."""
    keys: list[str | None] = [None, *settings.provinces] if every else [province]
    copied: list[Path] = []
    for key in keys:
        home = history_home(settings, key)
        copied += snapshot_files.export_to(home.folder, out / _relative(settings, home))
    return copied


@dataclass(frozen=True)
class TakenHistories:
    """What :func:`import_histories` took: snapshot ids per history (None: the one graph's), and the folders of the
    export's province histories no configured province stands for (left where they are, said)."""

    taken: dict[str | None, list[str]]
    unplaced: list[str]

    @property
    def count(self) -> int:
        return sum(len(ids) for ids in self.taken.values())


def import_histories(
    settings: Settings, source: Path, province: str | None = None, every: bool = True
) -> TakenHistories:
    """Take back the snapshots of an export made by :func:`export_histories` that their histories do not hold yet:
    each province's into the history of the configured province with that database (the export's folder names
    it), the one graph's into the data dir's own; ``every`` False: ``province``'s alone (None: the one graph's)."""
    keys: list[str | None] = [None, *settings.provinces] if every else [province]
    taken: dict[str | None, list[str]] = {}
    placed = set()
    for key in keys:
        home = history_home(settings, key)
        where = source / _relative(settings, home)
        placed.add(where.resolve())
        if ids := snapshot_files.import_from(where, home.folder):
            taken[key] = ids
    held = sorted(p.parent for p in (source / snapshot_files.DATABASES).glob(f"*/{snapshot_files.FOLDER}"))
    unplaced = [p.name for p in held if every and p.resolve() not in placed and snapshot_files.stored(p)]
    return TakenHistories(taken, unplaced)
