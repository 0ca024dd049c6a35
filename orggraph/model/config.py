"""Settings: defaults, then a config file, then the environment, then flags; frozen once built.

Nothing reads the environment anywhere else, so a test or a page can build the exact settings it
needs and pass them down.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from orggraph.model.errors import ConfigError

BACKENDS = ("embedded", "neo4j")
CONFIG_FILE = "orggraph.toml"

# environment variable → settings field
ENVIRONMENT = {
    "ORGGRAPH_BACKEND": "backend",
    "ORGGRAPH_DATA_DIR": "data_dir",
    "ORGGRAPH_BOLT_PORT": "bolt_port",
    "ORGGRAPH_HTTP_PORT": "http_port",
    "ORGGRAPH_HEAP": "heap",
    "ORGGRAPH_EMBEDDED_SCHEME": "embedded_scheme",
    "ORGGRAPH_TRANSACTION_ROWS": "transaction_rows",
    "ORGGRAPH_SNAPSHOT_AFTER_LOAD": "snapshot_after_load",
    "NEO4J_URI": "neo4j_uri",
    "NEO4J_USER": "neo4j_user",
    "NEO4J_PASSWORD": "neo4j_password",
    "NEO4J_READER_USER": "neo4j_reader_user",
    "NEO4J_READER_PASSWORD": "neo4j_reader_password",
    "NEO4J_DATABASE": "database",
    "ORGGRAPH_TODAY": "today",
    "ORGGRAPH_MAX_FILE_MB": "max_file_mb",
    "ORGGRAPH_MAX_UNZIPPED_MB": "max_unzipped_mb",
    "ORGGRAPH_MAX_ROWS_PER_SHEET": "max_rows_per_sheet",
    "ORGGRAPH_LOAD_STALE_AFTER_S": "load_stale_after_s",
    "ORGGRAPH_SESSION_IDLE_MINUTES": "session_idle_minutes",
    "ORGGRAPH_LOGIN_REQUIRED": "login_required",
    "ORGGRAPH_COORDINATE_DATUM": "coordinate_datum",
}


BOLT_URI = r"^(bolt|neo4j)(\+s|\+ssc)?://\S+$"  # a server or a cluster's members, as the driver takes them


class ProvinceDatabase(BaseModel):
    """Where one province (any group of top-level areas, 区县) keeps its graph: a database on the configured server
    (embedded: a database of the one embedded server; Neo4j: ``uri`` names another server or cluster, or none
    for ``neo4j_uri``). Names are plain words (letters, digits, ``_``, ``-``): ArcadeDB creates them by command."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    database: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,62}$")
    areas: tuple[str, ...] = Field(min_length=1)  # the ids of the top-level areas (District) the province holds
    uri: str | None = Field(default=None, pattern=BOLT_URI)
    name: str | None = None  # how the province is shown (default: its key)


class Settings(BaseModel):
    """Everything orggraph needs to know to reach its graph."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    EMBEDDED_DATABASE: ClassVar[str] = "orggraph"

    backend: Literal["embedded", "neo4j"] = "embedded"
    data_dir: Path = Path("data")
    # None: the embedded server's database is "orggraph"; on Neo4j, the server's home database (Community has one,
    # "neo4j"; docker-compose.yml makes "orggraph" the default), named by `orggraph status`
    database: str | None = None
    bolt_port: int = Field(default=0, ge=0, le=65535)  # 0: the embedded server picks a free port
    http_port: int = Field(default=0, ge=0, le=65535)
    heap: str = Field(default="2g", pattern=r"^[1-9]\d*[kKmMgG]?$")  # the JVM's -Xmx: 2g, 6144m
    # how orggraph addresses the embedded server: bolt:// (direct) or neo4j:// (routing, as with a cluster; the
    # server routes to itself). CI runs the whole suite over neo4j:// once (.ci/run)
    embedded_scheme: Literal["bolt", "neo4j"] = "bolt"
    # the most rows one load writes in one transaction: a replicated engine caps what one transaction may log
    # (ArcadeDB Raft: ~64 MB, ~250 bytes per row). A bigger first load is journaled; a bigger update is refused
    transaction_rows: int = Field(default=200_000, gt=0)
    # every load that writes takes a snapshot of the whole gap report (`orggraph snapshot`, docs/history.md)
    snapshot_after_load: bool = True
    start_timeout_s: float = Field(default=90.0, gt=0)
    # bolt:// (one server) or neo4j:// (routing: a cluster's members, comma-separated), +s/+ssc with TLS; the
    # driver's http:// (a preview Query API) is not one orggraph speaks
    neo4j_uri: str = Field(default="bolt://127.0.0.1:7687", pattern=BOLT_URI)
    neo4j_user: str = "neo4j"
    neo4j_password: str = ""
    # a user holding only the reader role (Neo4j Enterprise): saved and user-written queries run as that user;
    # empty: they run in READ access mode alone, which Neo4j enforces too
    neo4j_reader_user: str = ""
    neo4j_reader_password: str = ""
    connect_timeout_s: float = Field(default=5.0, gt=0)
    # the date "today" means for every report, page default and saved query (None: the calendar's); set it to
    # reproduce a report as it stood, and in tests, which judge by a date they fix, never by the clock
    today: dt.date | None = None
    # caps on a ledger file, checked before it is parsed (see loaders.ledger_limits): its size on disk, what an xlsx
    # unzips to (read from the zip directory), and the rows of one sheet; the province demo's biggest sheet has 536k
    max_file_mb: float = Field(default=200.0, gt=0)
    max_unzipped_mb: float = Field(default=1024.0, gt=0)
    max_rows_per_sheet: int = Field(default=2_000_000, gt=0)
    # a journaled load whose heartbeat (every few seconds) is older than this is taken as cut off and rolled back by
    # the next reader (a load on this host whose process is gone is cut off at once)
    load_stale_after_s: float = Field(default=120.0, gt=0)
    # accounts (orggraph.access.accounts): an app session ends after this long without a click; this many failed logins
    # in a row lock an account for lockout_minutes (counted in users.json, so a restart does not reset them)
    session_idle_minutes: float = Field(default=480.0, gt=0)
    lockout_failures: int = Field(default=5, gt=0)
    lockout_minutes: float = Field(default=15.0, gt=0)
    # the app asks for a login even with no account (set by `orggraph serve` on a non-loopback address, so a
    # users.json removed while serving on the network leaves nobody in, instead of everyone in local mode)
    login_required: bool = False
    # the datum of the ledgers' 经度/纬度: GCJ-02, what Amap, Tencent and most Chinese map services show (a clerk copies
    # coordinates from them), or WGS-84 (GPS, GeoJSON). An imported boundary file (WGS-84, as GeoJSON is) is
    # converted to it (orggraph.analysis.area_shapes); distances within a city differ by well under a metre
    coordinate_datum: Literal["GCJ-02", "WGS-84"] = "GCJ-02"
    # one database per province (config file only, ``[orggraph.provinces.<key>]``; README "A province, the nation"):
    # loads go to the database of their rows' top-level area, reports and status read every database and add up.
    # Empty: one database, as ever
    provinces: dict[str, ProvinceDatabase] = Field(default_factory=dict)

    def current_date(self) -> dt.date:
        return self.today or dt.date.today()

    def embedded_database(self) -> str:
        """The database the embedded server holds the graph in."""
        return self.database or self.EMBEDDED_DATABASE

    def resolved_data_dir(self) -> Path:
        return self.data_dir.expanduser().resolve()

    def for_province(self, key: str) -> Settings:
        """The settings of one province's database alone (no mapping: a store of one database)."""
        province = self.provinces[key]
        update = {"database": province.database, "neo4j_uri": province.uri or self.neo4j_uri, "provinces": {}}
        return self.model_copy(update=update)

    def province_of_area(self, area_id: str) -> str | None:
        """The province a top-level area id is mapped to (None: unmapped, or no mapping at all)."""
        return next((key for key, p in self.provinces.items() if area_id in p.areas), None)


def _read_config_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"配置文件 {path} 格式错误:{exc}", f"config file {path} is malformed: {exc}") from exc
    except UnicodeDecodeError as exc:  # TOML is UTF-8; a file saved as GBK (Notepad's ANSI) is not
        raise ConfigError(
            f"配置文件 {path} 不是 UTF-8 文本(第 {exc.start + 1} 个字节),请另存为 UTF-8",
            f"config file {path} is not UTF-8 text (byte {exc.start + 1}); save it as UTF-8",
        ) from None
    return dict(data.get("orggraph", data))


def _check_backend(values: dict[str, Any]) -> None:
    backend = values.get("backend")
    if backend is not None and backend not in BACKENDS:
        valid = ", ".join(BACKENDS)
        raise ConfigError(
            f"未知的存储后端 '{backend}',可选:{valid}",
            f"unknown backend '{backend}'; valid backends: {valid}",
        )


def _check_provinces(settings: Settings) -> None:
    """A top-level area in two provinces, two provinces in one database, or a ``uri`` on the embedded server
    (it holds every province's database itself) are errors in words, not a silent choice."""
    seen: dict[str, str] = {}
    places: dict[tuple[str | None, str], str] = {}
    for key, province in settings.provinces.items():
        if province.uri and settings.backend == "embedded":
            raise ConfigError(
                f"省份 {key}:嵌入式服务器自己保存各省数据库,不能设置 uri",
                f"province {key}: the embedded server holds every province's database itself; uri is for Neo4j",
            )
        for area in province.areas:
            if area in seen:
                zh = f"区域 {area} 同时属于省份 {seen[area]} 和 {key}"
                raise ConfigError(zh, f"area {area} is in provinces {seen[area]} and {key}")
            seen[area] = key
        where = (province.uri or settings.neo4j_uri, province.database)
        if where in places or province.database == settings.embedded_database():
            other = places.get(where, "默认 the default")
            raise ConfigError(
                f"省份 {key} 与 {other} 使用同一个数据库 {province.database}",
                f"provinces {key} and {other} use the same database {province.database}",
            )
        places[where] = key


def load_settings(
    flags: dict[str, Any] | None = None,
    environ: dict[str, str] | None = None,
    config_path: Path | None = None,
) -> Settings:
    """Build settings from the four layers; later layers win, unset flags (None) are ignored."""
    environ = dict(os.environ if environ is None else environ)
    values: dict[str, Any] = {}
    path = config_path or Path(environ.get("ORGGRAPH_CONFIG", CONFIG_FILE))
    if config_path is not None and not path.exists():
        raise ConfigError(f"找不到配置文件 {path}", f"config file {path} not found")
    if path.exists():
        values.update(_read_config_file(path))
    values.update({field: environ[var] for var, field in ENVIRONMENT.items() if environ.get(var)})
    values.update({k: v for k, v in (flags or {}).items() if v is not None})
    _check_backend(values)
    try:
        settings = Settings(**values)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        raise ConfigError(
            f"配置项 {field} 的值无效:{err.get('input')!r}",
            f"invalid value for setting {field}: {err.get('input')!r} ({err['msg']})",
        ) from exc
    _check_provinces(settings)
    return settings
