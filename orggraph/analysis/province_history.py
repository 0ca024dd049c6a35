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
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from orggraph.analysis.history import SnapshotInfo, covering
from orggraph.analysis.history_periods import last_per_month
from orggraph.graph import backends, snapshot_files
from orggraph.graph.province_databases import open_provinces, province_names
from orggraph.graph.store import BoltStore
from orggraph.model.config import Settings
from orggraph.model.errors import ConfigError


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
