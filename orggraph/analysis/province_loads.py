"""A load over one database per province: the ledgers' rows split by province, each part loaded by the one loader.

The ledgers are read and checked once as a whole (a file's own errors are named once, in its own rows); each row
is given its province (``province_rows``); then every province gets a copy of the ledger files holding only its
rows, each at its own row number (the others left blank, which the reader skips), so every record's provenance
(file, sheet, row) is the original's. Each copy goes through ``ingest.load_ledgers`` against its province's
database: first all as a dry run (every province checked against its own graph), then written, one province after
another, each all-or-nothing. Nothing is written unless every province's rows pass. Ledgers of one province (a
province's office loading its own) skip the dry run: their one load is all-or-nothing by itself.

After the load, every province whose database it wrote takes the snapshot a plain load takes
(``snapshot_after_load``; :func:`snapshot_provinces`), kept with that database's history
(``province_history.history_home``), never in the one graph's.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from loaders.ledger_limits import LedgerLimits
from loaders.ledger_reader import LedgerStream, ledger_files, ledger_files_at
from loaders.ledger_tables import Table, read_tables
from loaders.ledger_validation import validate
from loaders.ledger_writer import inert_xlsx_row
from orggraph.analysis.history import SnapshotInfo, snapshot_after_load
from orggraph.analysis.province_history import history_home
from orggraph.analysis.province_rows import Routing, RowKey, route_rows
from orggraph.graph.store import BoltStore
from orggraph.ingest.load import LoadReport, Progress, graph_lookup, load_ledgers
from orggraph.model.config import Settings
from orggraph.model.errors import Issue, OrgGraphError, ValidationError

CSV_SUFFIX = ".csv"


def route_ledgers(
    stores: Mapping[str, BoltStore], settings: Settings, path: Path, limits: LedgerLimits | None = None
) -> Routing:
    """Each row's province; the ledgers' own errors, or a row no province takes, as a ValidationError. The ids the
    ledgers name without defining are looked up in every province's database (which one holds each is kept)."""
    held: dict[str, str] = {}
    lookups = {key: graph_lookup(store) for key, store in stores.items()}

    def lookup(ids: set[str]) -> dict[str, dict[str, str | None]]:
        found: dict[str, dict[str, str | None]] = {}
        for key, one in lookups.items():
            for node_id, what in one(ids).items():
                found.setdefault(node_id, what)
                held.setdefault(node_id, key)
        return found

    files = ledger_files_at(path)
    stream = LedgerStream(files, limits=limits)
    result = validate(stream, "routing", None, lookup, stream.issues, False)
    if result.errors:
        raise ValidationError(result.issues)
    routing = route_rows(settings, result.nodes, result.edges, held)
    if routing.unmapped or routing.unplaced or routing.spanning:  # the cells are read again only to name them
        raise ValidationError(routing_issues(routing, settings, _tables(path, limits)))
    return routing


def _tables(path: Path, limits: LedgerLimits | None) -> dict[str, list[Table]]:
    return {f.name: read_tables(f, limits or LedgerLimits()) for f in ledger_files(path)}


def _cell(tables: dict[str, list[Table]], key: RowKey, wanted: list[str], first: int) -> tuple[str | None, str]:
    """The header and value of the row's first cell naming one of ``wanted`` (in their order). The header is the
    last filled row above the sheet's first row of records (``first``): a ledger's header row, whatever title rows
    sit above it."""
    file, sheet, row = key
    table = next((t for t in tables.get(file, []) if t.name == sheet), None)
    if table is None or row is None or row > len(table.rows):
        return None, wanted[0] if wanted else ""
    cells = [str(c).strip() if c is not None else "" for c in table.rows[row - 1]]
    filled = [i for i in range(min(first, row) - 1) if any(c not in (None, "") for c in table.rows[i])]
    header = table.rows[filled[-1]] if filled else ()
    for value in wanted:
        if value in cells and cells.index(value) < len(header):
            return str(header[cells.index(value)]), value
    return None, wanted[0] if wanted else ""


def routing_issues(routing: Routing, settings: Settings, tables: dict[str, list[Table]]) -> list[Issue]:
    """One issue per row no province takes, in both languages, at its file, sheet, row, column and value."""
    known = "、".join(f"{k}({', '.join(p.areas)})" for k, p in settings.provinces.items())
    found: list[tuple[RowKey, str, str]] = []
    for key, district in routing.unmapped.items():
        zh = f"属于区县 {district},该区县不在任何已配置的省份中(已配置:{known})"
        en = f"sits in district {district}, which is in no configured province (configured: {known})"
        found.append((key, zh, en))
    for key, record in routing.unplaced.items():
        zh = f"{record} 连不到任何区县,无法确定所属省份:请填写其所属区域"
        found.append((key, zh, f"{record} reaches no district, so its province is unknown: fill in its area"))
    for key, provinces in routing.spanning.items():
        zh = f"此行连接多个省份({'、'.join(provinces)}),一个省的数据库无法保存跨省联结"
        found.append((key, zh, f"this row ties provinces {', '.join(provinces)}: no one database holds it"))
    firsts: dict[tuple[str, str | None], int] = {}
    for file, sheet, row in [*routing.rows, *routing.unmapped, *routing.unplaced, *routing.spanning]:
        firsts[(file, sheet)] = min(firsts.get((file, sheet), row or 1), row or 1)
    issues = []
    for key, zh, en in found:
        wanted = [routing.unmapped[key]] if key in routing.unmapped else []
        column, value = _cell(tables, key, [*wanted, *routing.pointers.get(key, [])], firsts[key[:2]])
        issues.append(Issue(key[0], key[2], column, value or None, zh, en, sheet=key[1]))
    return issues


def split_ledgers(path: Path, routing: Routing, out: Path, limits: LedgerLimits | None = None) -> dict[str, Path]:
    """Per province, a folder of copies of the ledger files holding only its rows (others blank, numbers kept);
    a sheet without a row of the province is left out of its copy (a header alone would read as a sheet emptied)."""
    by_sheet: dict[tuple[str, str | None], dict[int, str]] = {}
    for (name, sheet, row), key in routing.rows.items():
        by_sheet.setdefault((name, sheet), {})[row or 0] = key
    folders: dict[str, Path] = {}
    for file in ledger_files(path):
        parts: dict[str, list[tuple[str, list[tuple[object, ...]]]]] = {}
        for table in read_tables(file, limits or LedgerLimits()):
            owner = by_sheet.get((file.name, table.name), {})
            for key in sorted(set(owner.values())):
                rows = [() if owner.get(n + 1, key) != key else row for n, row in enumerate(table.rows)]
                parts.setdefault(key, []).append((table.name, rows))
        for key, sheets in parts.items():
            folders[key] = out / key
            _write_copy(folders[key] / file.name, sheets)
    return folders


def _write_copy(path: Path, sheets: list[tuple[str, list[tuple[object, ...]]]]) -> None:
    """A province's copy of one ledger file (CSV: the file is its one sheet), every text cell inert."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == CSV_SUFFIX:
        with path.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(["" if c is None else c for c in row] for row in sheets[0][1])
        return
    from openpyxl import Workbook  # imported here: ~0.1 s that other commands would not pay

    wb = Workbook(write_only=True)
    for name, rows in sheets:
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(inert_xlsx_row(ws, ["" if c is None else c for c in row]))
    wb.save(path)


def load_by_province(
    stores: Mapping[str, BoltStore],
    settings: Settings,
    path: Path,
    dry_run: bool = False,
    sync: bool = False,
    limits: LedgerLimits | None = None,
    progress: Progress | None = None,
    timings: dict[str, float] | None = None,
) -> dict[str, LoadReport]:
    """Route, split, check every province's part against its database, then write each (unless ``dry_run``);
    the seconds of each step go to ``timings`` (route, split, check, write)."""
    clock = _Clock(timings if timings is not None else {})
    routing = route_ledgers(stores, settings, path, limits)
    clock.lap("route")
    with tempfile.TemporaryDirectory(prefix="orggraph-provinces-") as tmp:
        folders = split_ledgers(path, routing, Path(tmp), limits)
        clock.lap("split")
        checked, issues = {}, []
        for key, folder in folders.items() if dry_run or len(folders) > 1 else ():  # one: its load is all-or-nothing
            try:
                checked[key] = load_ledgers(stores[key], folder, dry_run=True, sync=sync, limits=limits)
            except ValidationError as exc:
                issues += exc.issues
        if issues:
            raise ValidationError(issues)
        if checked:
            clock.lap("check")
        if dry_run:
            return checked
        written: dict[str, LoadReport] = {}
        for key, folder in folders.items():
            try:
                written[key] = load_ledgers(stores[key], folder, sync=sync, limits=limits, progress=progress)
            except OrgGraphError as exc:
                done = ", ".join(written) or "-"
                raise OrgGraphError(
                    f"省份 {key} 的导入未写入({exc.zh});已写入的省份:{done}",
                    f"province {key} was not written ({exc.en}); provinces written: {done}",
                ) from exc
        clock.lap("write")
        return written


def snapshot_provinces(
    stores: Mapping[str, BoltStore], settings: Settings, reports: Mapping[str, LoadReport], today: dt.date
) -> dict[str, SnapshotInfo | OrgGraphError]:
    """Per province whose database the load wrote (``reports``), today's snapshot of that database, stored with its
    history — when ``settings.snapshot_after_load``, as a plain load. A snapshot that cannot be taken does not undo
    its province's load: the error stands in its place, and the other provinces still take theirs."""
    taken: dict[str, SnapshotInfo | OrgGraphError] = {}
    if not settings.snapshot_after_load:
        return taken
    for key, report in reports.items():
        if not report.written:
            continue
        try:
            taken[key] = snapshot_after_load(stores[key], history_home(settings, key).folder, today)
        except OrgGraphError as exc:
            taken[key] = exc
    return taken


class _Clock:
    """Seconds per step, into the caller's dict."""

    def __init__(self, into: dict[str, float]) -> None:
        self.into, self.last = into, time.perf_counter()

    def lap(self, step: str) -> None:
        now = time.perf_counter()
        self.into[step], self.last = now - self.last, now
