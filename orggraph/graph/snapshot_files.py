"""Where coverage snapshots are kept: two Parquet files per snapshot under ``DATA_DIR/snapshots/``.

A snapshot is the gap report's figures on one day — per rule and area covered / total, and every gap with its
reason — kept so that later reports can say what changed (``orggraph.analysis.history`` builds and reads them).

Why files in the data dir and not nodes in the graph (measured, ``benchmarks/bench_history.py``; figures in
README's Benchmarks):

* **History must outlive the graph it describes.** The graph is rebuilt from the ledgers (``demo --replace``, a
  cut-off first load rolled back by clearing everything but ``LoadRun``, a department reloading its export into
  a fresh server); a snapshot cannot be rebuilt from ledgers. Like ``users.json`` and ``audit.jsonl`` it sits
  beside the graph, untouched by a clear, a ``--sync`` or a reload.
* **Columnar and compact.** A province is ~15 rules × ~200k areas and tens of thousands of gaps per snapshot,
  monthly for years. Parquet stores the repeated texts (rule ids, reasons, suggested actions) once per column
  chunk (dictionary encoding) and the counts as int32, zstd-compressed; a period's figures are read column by
  column with a filter. Measured on the city (37,891 area rows, 8,863 gaps): 0.4 MiB against 2.2 MiB for the same
  values uncompressed, stored in 87 ms against 121 ms as one graph node per rule with list properties — speed
  decides nothing here, size and the points around it do. In the graph the same figures would need list-typed
  properties the schema has no type for, a ledger sheet the export has no layout for, and labels that every
  "all but ``LoadRun``" statement (clearing, emptiness, export) would have to learn to leave alone.
* **The cost** — said so that nobody is surprised: several app instances sharing one Neo4j server each keep
  the snapshots of their own data dir (take them from one instance, or point the instances at one data dir);
  ``orggraph export`` / ``load`` carry them as files (:func:`export_to` / :func:`import_from`), not as ledger rows.

Writes are atomic (a temporary file renamed into place; the areas file, written last, marks a snapshot complete)
and owner-only (0600), like every other file in the data dir.

**One history per database.** A snapshot describes one graph. The data dir's own ``snapshots/`` holds the one
graph's (the embedded server's database, or the Neo4j database the settings name); a province's database, in a
load routed over one database per province, keeps its snapshots under ``databases/<its database>/snapshots/``
(:func:`home`; a database on a server of its own, ``uri``, gets the server's hash after its name: two Neo4j
Community servers both call theirs ``neo4j``), so two provinces' figures are never read as one history, nor as the
one graph's.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from orggraph.model.errors import HistoryError
from orggraph.model.private_files import private_folder

FOLDER = "snapshots"
DATABASES = "databases"
_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
AREAS, GAPS = ".areas.parquet", ".gaps.parquet"
META_KEY = b"orggraph.snapshot"
FORMAT_VERSION = 1

Rows = list[dict[str, Any]] | dict[str, list[Any]]  # a snapshot part as rows, or as columns
AREA_SCHEMA = pa.schema(
    [
        ("rule", pa.string()),
        ("level", pa.string()),  # "" for the rule's total over the snapshot's whole scope
        ("area", pa.string()),
        ("name", pa.string()),
        ("parent", pa.string()),
        ("covered", pa.int32()),
        ("total", pa.int32()),
    ]
)
GAP_SCHEMA = pa.schema(
    [
        ("rule", pa.string()),
        ("id", pa.string()),
        ("name", pa.string()),
        ("place", pa.string()),
        ("area", pa.string()),  # the deepest area (grid, community, …) the gap lies in
        ("reason", pa.string()),
        ("detail", pa.string()),
        ("why_zh", pa.string()),
        ("why_en", pa.string()),
        ("action_zh", pa.string()),
        ("action_en", pa.string()),
    ]
)


def folder(data_dir: Path) -> Path:
    return Path(data_dir) / FOLDER


def home(data_dir: Path, database: str, uri: str | None = None) -> Path:
    """The folder standing for the data dir of one province's database (on the server ``uri``, when it has one of
    its own): its ``snapshots/`` is that database's history (every function here takes it for a data dir).

    >>> home(Path("/data"), "prov_sd").as_posix()
    '/data/databases/prov_sd'
    """
    if not _PLAIN.match(database):  # settings check the name already; a path is built from it here
        raise HistoryError(f"数据库名称 {database!r} 不能用作目录名", f"database name {database!r} is not a plain name")
    server = f"_{hashlib.sha256(uri.encode()).hexdigest()[:8]}" if uri else ""
    return Path(data_dir) / DATABASES / f"{database}{server}"


def write(data_dir: Path, meta: dict[str, Any], areas: Rows, gaps: Rows) -> Path:
    """Store one snapshot (``meta['id']`` names it); returns its areas file. Each part as rows or as columns."""
    where = folder(data_dir)
    private_folder(where)
    tag = {META_KEY: json.dumps({**meta, "format": FORMAT_VERSION}, ensure_ascii=False).encode()}
    paths = []
    for suffix, schema, rows in ((GAPS, GAP_SCHEMA, gaps), (AREAS, AREA_SCHEMA, areas)):
        build = pa.Table.from_pydict if isinstance(rows, dict) else pa.Table.from_pylist
        table = build(rows, schema=schema.with_metadata(tag))
        path = where / f"{meta['id']}{suffix}"
        _write_atomic(table, path)
        paths.append(path)
    return paths[-1]


def _write_atomic(table: pa.Table, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp, compression="zstd", use_dictionary=True)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def stored(data_dir: Path) -> list[dict[str, Any]]:
    """The metadata of every complete snapshot (read from the files' footers only), oldest first by as-of date
    and time taken."""
    metas = []
    for path in folder(data_dir).glob(f"*{AREAS}"):
        if (path.parent / path.name.replace(AREAS, GAPS)).is_file():
            metas.append(_meta(path))
    return sorted(metas, key=lambda m: (m["as_of"], m["taken"]))


def _meta(path: Path) -> dict[str, Any]:
    try:
        metadata = pq.read_schema(path).metadata or {}
        meta: dict[str, Any] = json.loads(metadata[META_KEY])
    except (OSError, pa.ArrowException, KeyError, ValueError) as exc:
        raise _unreadable(path, exc) from None
    return meta


def _unreadable(path: Path, exc: Exception) -> HistoryError:
    return HistoryError(f"快照文件 {path.name} 无法读取({exc})", f"snapshot file {path.name} cannot be read ({exc})")


def _table(path: Path, columns: list[str] | None = None) -> pa.Table:
    try:
        return pq.read_table(path, columns=columns)
    except (OSError, pa.ArrowException) as exc:
        raise _unreadable(path, exc) from None


def read_areas(data_dir: Path, snapshot_id: str, within: str | None = None) -> list[dict[str, Any]]:
    """A snapshot's area rows (rule totals have level ""), those of ``within`` and the areas below it only if
    given (the areas' parent links walked once, the rows filtered in Arrow)."""
    table = _table(folder(data_dir) / f"{snapshot_id}{AREAS}")
    if within is not None:
        table = table.filter(pc.is_in(table["area"], value_set=pa.array(sorted(_below(table, within)), pa.string())))
    rows: list[dict[str, Any]] = table.to_pylist()
    return rows


def read_figures(
    data_dir: Path, snapshot_id: str, rule: str | None = None, area: str | None = None
) -> list[dict[str, Any]]:
    """The area rows of one rule (every rule when None) and, when ``area`` is given, those of that area only at its
    own level (an empty ``area``: the rule totals, level ""), filtered in Arrow before any Python object: the
    app's trend lines read a few rows of each snapshot, not the whole table (a city's 60k rows took 1 s each)."""
    table = _table(folder(data_dir) / f"{snapshot_id}{AREAS}")
    if rule is not None:
        table = table.filter(pc.equal(table["rule"], rule))
    if area == "":
        table = table.filter(pc.equal(table["level"], ""))
    elif area is not None:
        table = table.filter(pc.and_(pc.equal(table["area"], area), pc.not_equal(table["level"], "")))
    rows: list[dict[str, Any]] = table.to_pylist()
    return rows


def _below(table: pa.Table, area: str) -> set[str]:
    """``area`` and every area under it, by the parent links of the snapshot's area rows."""
    children: dict[str, set[str]] = {}
    links = table.select(["area", "parent"]).group_by(["area", "parent"]).aggregate([])
    for child, parent in zip(links["area"].to_pylist(), links["parent"].to_pylist(), strict=True):
        if parent is not None and child is not None:
            children.setdefault(parent, set()).add(child)
    found, todo = {area}, [area]
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def holds_area(data_dir: Path, snapshot_id: str, area: str) -> bool:
    """Whether a snapshot has figures for ``area`` (one column read, compared in Arrow)."""
    column = _table(folder(data_dir) / f"{snapshot_id}{AREAS}", columns=["area"])["area"]
    return bool(pc.any(pc.equal(column, area)).as_py())


def area_ids(data_dir: Path, snapshot_id: str, within: str) -> set[str]:
    """The ids of ``within`` and every area under it in a snapshot (empty when the snapshot does not hold it)."""
    table = _table(folder(data_dir) / f"{snapshot_id}{AREAS}", columns=["area", "parent"])
    found = _below(table, within)
    return found if within in set(table["area"].to_pylist()) else set()


def read_gaps(
    data_dir: Path, snapshot_id: str, areas: Iterable[str] | None = None, columns: list[str] | None = None
) -> list[dict[str, Any]]:
    """A snapshot's gaps, those lying in ``areas`` only if given (filtered in Arrow, before any Python object)."""
    table = _table(folder(data_dir) / f"{snapshot_id}{GAPS}", columns=columns)
    if areas is not None:
        table = table.filter(pc.is_in(table["area"], value_set=pa.array(sorted(set(areas)), pa.string())))
    rows: list[dict[str, Any]] = table.to_pylist()
    return rows


def remove(data_dir: Path, snapshot_id: str) -> None:
    for suffix in (AREAS, GAPS):
        (folder(data_dir) / f"{snapshot_id}{suffix}").unlink(missing_ok=True)


def export_to(data_dir: Path, out: Path) -> list[Path]:
    """Copy every snapshot into ``out/snapshots/`` (beside an export's ledgers: ``load`` reads only the files at the
    top of a folder, so it passes them by)."""
    target = folder(out)
    copied = []
    for meta in stored(data_dir):
        target.mkdir(parents=True, exist_ok=True)
        for suffix in (GAPS, AREAS):
            copied.append(Path(shutil.copy2(folder(data_dir) / f"{meta['id']}{suffix}", target)))
    return copied


def import_from(source: Path, data_dir: Path) -> list[str]:
    """Take the snapshots of an export (``source/snapshots/``) that this data dir does not hold yet; returns
    their ids. A snapshot already held is kept as it is (same id: the same day and time taken)."""
    held = {m["id"] for m in stored(data_dir)}
    taken = []
    for meta in stored(source):
        if meta["id"] in held:
            continue
        for suffix in (GAPS, AREAS):  # the areas file last: it marks the snapshot complete
            table = _table(folder(source) / f"{meta['id']}{suffix}")
            private_folder(folder(data_dir))
            _write_atomic(table, folder(data_dir) / f"{meta['id']}{suffix}")
        taken.append(meta["id"])
    return taken
