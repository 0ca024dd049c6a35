"""The one place where loaders meet the store: ledgers read, validated, compared, and written whole.

A load with any error writes nothing (``skip_invalid`` writes the valid rows and reports the rest).
The write is one transaction when it fits (see ``BoltStore.write_atomically``); a first load into an
empty graph too big for that is journaled (see ``load_runs``).
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from loaders.fixture import read_fixture
from loaders.ledger_limits import LedgerLimits
from loaders.ledger_reader import LedgerStream, ledger_files_at
from loaders.ledger_validation import ValidationResult, validate
from loaders.ledger_writer import all_sheet_rows, write_csv_dir, write_ledgers
from orggraph.access.accounts import PermissionDenied
from orggraph.graph import load_runs, statements
from orggraph.graph.area_scope import ScopedStore, area_homes, outside_rows
from orggraph.graph.statements_analysis import GRAPH_HAS_DATA
from orggraph.graph.store import BoltStore
from orggraph.graph.write_lanes import write_in_lanes
from orggraph.ingest import load_changes
from orggraph.ingest.demo_months import month_states
from orggraph.ingest.load_plan import LoadPlan, first_load_work, made_ahead, plan_load
from orggraph.ingest.load_removals import Row, still_named_issues
from orggraph.model.errors import Issue, OrgGraphError, ValidationError
from orggraph.model.gc_pause import cyclic_gc_paused
from orggraph.model.records import EdgeRecord, NodeRecord, Source

DEMO_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "demo_small.yaml"
SINGLE_TRANSACTION_LIMIT = 50_000  # rows; a bigger first load is journaled: batches run ~1.4× faster (measured)
HEARTBEAT_S = 2.0  # a journaled load's heartbeat, with the rows written so far (readers show the share)
Progress = Callable[[str, int, int | None], None]  # phase, advance, total


@dataclass(frozen=True)
class IngestSummary:
    nodes: int
    relationships: int


@dataclass
class LoadReport:
    load_id: str
    files: list[str]
    result: ValidationResult
    plan: LoadPlan | None = None
    timings: dict[str, float] = field(default_factory=dict)
    mode: str | None = None
    written: int = 0


def graph_is_empty(store: BoltStore) -> bool:
    return not store.read(GRAPH_HAS_DATA)


def graph_lookup(store: BoltStore) -> Callable[[set[str]], dict[str, dict[str, str | None]]]:
    """Which of some ids the graph holds, with their label and kind (for reference checks)."""

    def lookup(ids: set[str]) -> dict[str, dict[str, str | None]]:
        wanted, found = sorted(ids), dict[str, dict[str, str | None]]()
        for label in store.schema.nodes:
            for row in statements.collected(store.read(statements.lookup_ids(store.schema, label), {"ids": wanted})):
                found[row["id"]] = {"label": label, "kind": row["kind"]}
        return found

    return lookup


def read_and_validate(
    path: Path,
    store: BoltStore | None,
    load_id: str,
    loaded_at: str | None = None,
    limits: LedgerLimits | None = None,
    keep_props: bool = True,
) -> tuple[ValidationResult, list[str], dict[str, float]]:
    """Read every ledger under ``path`` and validate it against the schema, and against the graph when a store
    is given (without one, references to ids outside the files are counted, not judged: ``validate``). Without
    ``keep_props`` the records keep only what the checks need: for a check that writes nothing."""
    files = ledger_files_at(path)  # a mistyped folder: said, not a traceback
    with cyclic_gc_paused():  # millions of acyclic records: validating a city 3.1 → 1.6 s (measured)
        t0 = time.perf_counter()
        stream = LedgerStream(files, limits=limits)  # read file by file as validation takes them: one file's cells
        lookup = graph_lookup(store) if store else None  # in memory at a time
        result = validate(stream, load_id, loaded_at, lookup, stream.issues, store is None, keep_props=keep_props)
        t1 = t0 + stream.seconds
    return result, [f.name for f in files], {"read": t1 - t0, "validate": time.perf_counter() - t1}


def whole_graph(store: BoltStore) -> BoltStore:
    """The graph a load checks references against and plans over: the whole of it, for a user with an area too
    (a street's ledger names the district committee as a superior); what they may write is checked apart
    (:func:`area_issues`)."""
    return store.base if isinstance(store, ScopedStore) else store


def area_issues(store: BoltStore, result: ValidationResult) -> list[Issue]:
    """The rows an import by a user with an area may not write, one issue each (none for the whole region)."""
    return outside_rows(store, result.nodes, result.edges) if isinstance(store, ScopedStore) else []


def preview_ledgers(
    store: BoltStore, path: Path, limits: LedgerLimits | None = None
) -> tuple[ValidationResult, list[str], LoadPlan, list[Issue]]:
    """What a load of the ledgers in ``path`` would find and do, nothing written (the import page's check): the
    rows outside the user's area among the issues, as the load would raise them, and apart."""
    graph = whole_graph(store)
    result, files, _ = read_and_validate(path, graph, "preview", limits=limits)
    refused = area_issues(store, result)
    result.issues.extend(refused)
    rows = {(i.file, i.sheet, i.row) for i in refused}
    planned = replace(  # the plan shows what a load would write: nothing of a refused row
        result,
        nodes=[n for n in result.nodes if not _from(n.source, rows)],
        edges=[e for e in result.edges if not _from(e.source, rows)],
    )
    return result, files, plan_ledgers(graph, planned, graph_is_empty(graph)), refused


def _from(source: Source | None, rows: set[tuple[str, str | None, int | None]]) -> bool:
    return source is not None and (source.file, source.sheet, source.row) in rows


def plan_ledgers(
    store: BoltStore, result: ValidationResult, empty_graph: bool, sync: bool = False, removals: bool = True
) -> LoadPlan:
    """What loading validated ledgers would change (the import page's preview and the load itself): with any
    error the removal check is off, since a rejected row would look removed; ``removals`` off for ledgers that
    send new rows only (the demo's later months)."""
    return plan_load(
        store,
        result.nodes,
        result.edges,
        empty_graph=empty_graph,
        owned=result.owned,
        sheets=None if result.errors or not removals else result.sheets_with_rows(),
        sync=sync and not result.errors,
        covered=result.covered,
    )


def load_ledgers(
    store: BoltStore,
    path: Path,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Progress | None = None,
    sync: bool = False,
    limits: LedgerLimits | None = None,
    batch_size: int = 10_000,
    single_transaction_limit: int = SINGLE_TRANSACTION_LIMIT,
    removals: bool = True,
) -> LoadReport:
    """Validate, compare with the graph and write all-or-nothing; returns what was (or would be) done.

    What the graph holds and the ledger no longer lists (within its scope, see ``load_removals``) is reported in
    ``plan.removals``; with ``sync`` it is removed in the same write. A load with rejected rows (``skip_invalid``)
    never removes: a rejected row would look removed. Without ``removals`` nothing is looked for (rows that add
    only). The ``LoadRun`` keeps which ids the load added, changed and removed per sheet (``load_changes``)."""
    graph = whole_graph(store)
    load_runs.recover(graph)
    graph.ensure_schema()
    load_id = f"L{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:6]}"
    result, files, timings = read_and_validate(path, graph, load_id, load_runs.now(), limits)
    report = LoadReport(load_id, files, result, timings=timings)
    if result.errors and not skip_invalid:
        raise ValidationError(result.issues)
    if refused := area_issues(store, result):  # never skipped: a row outside the area is not "invalid", it is not yours
        raise ValidationError(refused)
    empty = graph_is_empty(graph)
    rows = len(result.nodes) + len(result.edges)  # ties listed twice are written once: at most this
    if empty and rows > min(single_transaction_limit, graph.transaction_rows) and not dry_run:
        if isinstance(store, ScopedStore):
            raise PermissionDenied("首次导入整个区域须由管理员进行", "the first load of a region is an administrator's")
        run = load_runs.new_run(load_id, "journaled", report.files, rows)
        with load_runs.Journal(store, run, HEARTBEAT_S) as journal:  # announced before it plans: see Journal
            _plan_while_writing(store, report, journal, progress, batch_size)
    else:
        _plan_and_write(store, report, sync, removals, empty, progress, batch_size, dry_run)
    return report


def _plan_and_write(
    store: BoltStore,
    report: LoadReport,
    sync: bool,
    removals: bool,
    empty: bool,
    progress: Progress | None,
    batch_size: int,
    dry_run: bool = False,
) -> None:
    """Compare with the graph and write in one transaction; a dry run stops after the comparison."""
    graph, timings = whole_graph(store), report.timings
    t0 = time.perf_counter()
    with cyclic_gc_paused():
        plan = report.plan = plan_ledgers(graph, report.result, empty, sync, removals and not empty)
    timings["plan"] = time.perf_counter() - t0
    if plan.sync and plan.removals.still_named:
        raise ValidationError(still_named_issues(plan.removals.still_named))
    if dry_run or plan.size == 0:
        return
    report.mode = "transaction"
    if plan.size > graph.transaction_rows:
        raise TransactionTooLarge(plan.size, graph.transaction_rows)
    if isinstance(store, ScopedStore):
        _check_area_write(store, plan)
    t0 = time.perf_counter()
    with cyclic_gc_paused():  # the loader holds every record while it writes: no re-scanning them
        report.written = _write(store, report, plan, progress, batch_size)
    timings["write"] = time.perf_counter() - t0


class TransactionTooLarge(OrgGraphError):
    """An update of a graph that holds data, bigger than one transaction may be (``Settings.transaction_rows``):
    it cannot be journaled (a journal rolls back by emptying the graph), so it is refused before anything is
    written."""

    def __init__(self, rows: int, cap: int) -> None:
        super().__init__(
            f"本次导入要写入 {rows} 行,超过单个事务上限 {cap} 行(transaction_rows),未写入任何数据:请按街道分批导入,"
            "或由管理员调高上限",
            f"this load writes {rows} rows, over the {cap}-row transaction cap (transaction_rows); nothing was"
            " written: load it street by street, or have an administrator raise the cap",
        )


def _plan_while_writing(
    store: BoltStore, report: LoadReport, journal: load_runs.Journal, progress: Progress | None, batch_size: int
) -> None:
    """A journaled first load: each label's (then each tie kind's) rows are planned in a thread while the one
    before is written, the first during the journal's grace (a city: the 0.9 s comparison hidden in the write).
    ``compare`` times the planning alone; ``write`` the whole of it, planning overlapped."""
    plan = report.plan = LoadPlan(into_empty_graph=True)
    total = journal.rows_total
    tick = (lambda n: progress("write", n, total)) if progress else None
    t0 = time.perf_counter()
    with cyclic_gc_paused():
        work = made_ahead(first_load_work(plan, whole_graph(store), report.result.nodes, report.result.edges))
        written = _journaled_write(store, journal, work, tick, batch_size)
    report.mode, report.written = "journaled", written
    report.timings.update(plan=plan.seconds, write=time.perf_counter() - t0)
    nodes = sum(map(len, plan.node_rows.values()))
    journal.commit(
        {
            "nodes_written": nodes,
            "relationships_written": plan.size - nodes,
            "rows_total": plan.size,
            "changes": load_changes.encode(plan),
        }
    )


def _check_area_write(store: ScopedStore, plan: LoadPlan) -> None:
    """A user with an area (who writes in one transaction: a journaled first load is the whole region's) removes
    nothing outside the area."""
    if plan.sync and (outside := plan.removals.outside(area_homes(store), store.area)):
        shown = "、".join(outside[:10])
        raise PermissionDenied(
            f"同步将删除您负责区域以外的 {len(outside)} 条记录({shown}),未写入任何数据",
            f"the sync would remove {len(outside)} record(s) outside your area ({shown}); nothing was written",
        )


def _write(store: BoltStore, report: LoadReport, plan: LoadPlan, progress: Progress | None, batch_size: int) -> int:
    """An update (or a first load small enough) in one transaction, its ``LoadRun`` inside it."""
    work = plan.work(whole_graph(store))
    nodes = sum(map(len, plan.node_rows.values()))
    counts = {"nodes_written": nodes, "relationships_written": plan.size - nodes}
    run = load_runs.new_run(report.load_id, "transaction", report.files, plan.size, load_changes.encode(plan))
    done = {**run, **counts, "status": "committed", "finished": load_runs.now()}
    tick = (lambda n: progress("write", n, plan.size)) if progress else None
    written = store.write_atomically([*work, (statements.LOAD_RUN_CREATE, [done])], batch_size, tick) - 1
    load_runs.ended(store)
    return written


def _journaled_write(
    store: BoltStore,
    journal: load_runs.Journal,
    work: Iterable[tuple[str, list[Row]]],
    tick: Callable[[int], None] | None,
    batch_size: int,
) -> int:
    """Batches, each its own transaction, once the journal's grace is over, the nodes' two at a time (``write_lanes``);
    a heartbeat as they go."""
    so_far = [0]

    def tick_and_beat(n: int) -> None:
        so_far[0] += n
        if tick:
            tick(n)
        journal.beat(so_far[0])

    nodes = {statements.create_nodes(store.schema, label) for label in store.schema.nodes}
    return write_in_lanes(store, journal.sent(work), nodes.__contains__, batch_size, tick_and_beat)


def ingest_records(
    store: BoltStore, nodes: list[NodeRecord], edges: list[EdgeRecord], batch_size: int = 10_000
) -> IngestSummary:
    """Records straight to the graph (fixtures, tests); ledgers go through :func:`load_ledgers`."""
    store.ensure_schema()
    n = store.write_nodes(nodes, batch_size)
    r = store.write_edges(edges, batch_size)
    return IngestSummary(n, r)


def _generated(scale: str, seed: int, today: dt.date | None) -> tuple[list[NodeRecord], list[EdgeRecord]]:
    """The demo's generated region; its generator is imported here, not with the loader (~0.1 s of every other
    command's start)."""
    from loaders.region_generator import generate_region

    return generate_region(scale, seed, today)


def write_demo_ledgers(
    scale: str, seed: int, out: Path, fmt: str | None = None, today: dt.date | None = None
) -> list[Path]:
    """A generated region written as the ledgers a real user would send (CSV at province scale); ``today``: the date
    it is drawn for (the generator's own when None)."""
    nodes, edges = _generated(scale, seed, today)
    return write_ledgers(nodes, edges, out, fmt or ("csv" if scale == "province" else "xlsx"))


def load_demo_region(
    store: BoltStore,
    scale: str,
    seed: int,
    out: Path,
    fmt: str | None = None,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> LoadReport:
    """Generate a region (drawn for ``today``), write its ledgers, and load them through the real loader."""
    write_demo_ledgers(scale, seed, out, fmt, today)
    return load_ledgers(store, out, progress=progress)


def load_demo_months(
    store: BoltStore,
    scale: str,
    seed: int,
    out: Path,
    ends: list[dt.date],
    after_month: Callable[[dt.date, LoadReport | None], None],
    fmt: str | None = None,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> list[LoadReport]:
    """A generated region loaded month by month through the real loader (``demo_months``): its whole ledgers in
    ``out`` as :func:`write_demo_ledgers` writes them, each month's rows (CSV) in ``out/months/YYYY-MM``, loaded in
    order; ``after_month(month-end, report)`` runs after each load (the demo's snapshot). ``today``: the date the
    region is drawn for (its last months' progress falls between ``ends``). ``progress`` hears of
    each step first (phase ``ledgers``, then ``month YYYY-MM``, with no rows), then of the rows each load writes."""
    if progress:
        progress("ledgers", 0, None)
    nodes, edges = _generated(scale, seed, today)
    write_ledgers(nodes, edges, out, fmt or ("csv" if scale == "province" else "xlsx"))
    reports = []
    for state in month_states(nodes, edges, ends):
        if progress:
            progress(f"month {state.as_of.isoformat()[:7]}", 0, None)
        folder = out / "months" / state.as_of.isoformat()[:7]
        sheets = {s: rows for s, rows in all_sheet_rows(state.delta_nodes, state.delta_edges).items() if rows}
        for old in folder.glob("*.csv"):  # a rerun's month may send fewer sheets: none of its files is stale
            old.unlink()
        report = None
        if sheets:  # a month that added nothing is loaded as nothing (a sheet without rows is an error)
            write_csv_dir(folder, sheets)
            report = load_ledgers(store, folder, progress=progress, removals=False)
            reports.append(report)
        after_month(state.as_of, report)
    return reports


def load_demo_fixture(store: BoltStore, path: Path = DEMO_FIXTURE) -> IngestSummary:
    """The small hand-written demo region."""
    nodes, edges = read_fixture(path, load_id="demo")
    return ingest_records(store, nodes, edges)
