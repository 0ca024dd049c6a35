"""Area scope: a user responsible for one street sees, searches and changes only that street's records.

What belongs to a street is data, ``placement.yaml`` (the rule that already scopes ``load --sync``): the street,
its communities, grids, compounds and buildings, the orgs covering them or led from them, the units located there
with their orgs, the agreements those orgs signed, the people holding posts in them, their needs, resources and
projects. A record reached from two streets (an agreement signed across them) belongs to both; one that reaches no
street (the district committee) belongs to no street's scope.

Enforced where every page and command reads, not in the pages: :class:`ScopedStore` stands in for the store,
runs each statement unchanged and cuts its answer to the area before anything above sees it. Every node id and
element id of the graph is known (:class:`Universe`), so a value naming a record outside the area is recognised
wherever it sits in an answer (:class:`Cut`):

* a record (a row, a map, a positional list such as ``[id, name, kind]``) that names an outside record among its
  own values is dropped whole (a tie to another street goes with it; nothing is left half-blank);
* a list of records or of ids inside a kept record loses the outside ones (a superior in another street drops
  out of an org's list of superiors; the org stays).

A catalogue query may declare another cut (``// scope:``): ``strict`` (a row naming any outside record goes whole:
a path through another street is not cut into pieces), ``aligned <column>`` (parallel lists, cut at the positions
of one column) or ``region`` (a statistic of the whole region: refused). A statement from outside the catalogue is
refused: its answer could count or name what the area may not see without naming an id.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from orggraph.access.accounts import PermissionDenied
from orggraph.graph import statements
from orggraph.graph.placement import READERS, Homes, graph_ties, load_placement
from orggraph.graph.store import BoltStore
from orggraph.model.errors import Issue, OrgGraphError
from orggraph.model.records import EdgeRecord, NodeRecord, Source

RECHECK_S = 1.0  # how old the universe's view of the graph may be before its key (loads, nodes) is read again
_DROP = object()


class Cut:
    """An answer cut to the records inside an area (see the module's rules)."""

    def __init__(self, known: frozenset[str], inside: frozenset[str]) -> None:
        self.known, self.inside = known, inside

    def outside(self, value: Any) -> bool:
        return type(value) is str and value in self.known and value not in self.inside

    def rows(self, rows: list[dict[str, Any]], shape: str = "") -> list[dict[str, Any]]:
        if shape == "strict":
            return [r for r in rows if not self._mentions(r)]
        if shape.startswith("aligned "):
            column = shape.split()[1]
            return [self._aligned(r, column) for r in rows]
        return [kept for r in rows if (kept := self._record(r)) is not _DROP]

    def _value(self, value: Any) -> Any:
        if type(value) is str:
            return _DROP if self.outside(value) else value
        if isinstance(value, dict):
            return self._record(value)
        if isinstance(value, list):
            if self._is_collection(value):
                return [kept for v in value if (kept := self._value(v)) is not _DROP]
            return self._record(value)
        return value

    def _is_collection(self, items: list[Any]) -> bool:
        """A list of records or of ids (cut element by element), as opposed to one positional record."""
        return all(isinstance(v, (list, dict)) for v in items) or all(type(v) is str and v in self.known for v in items)

    def _record(self, record: dict[str, Any] | list[Any]) -> Any:
        values = list(record.values()) if isinstance(record, dict) else record
        if any(self.outside(v) for v in values):
            return _DROP
        kept = [self._member(v) for v in values]
        return dict(zip(record, kept, strict=True)) if isinstance(record, dict) else kept

    def _member(self, value: Any) -> Any:
        """One value inside a kept record (outside ids blanked: only aligned lists have them), nested ones cut."""
        if type(value) is str:
            return None if self.outside(value) else value
        if isinstance(value, (list, dict)):
            kept = self._value(value)
            return None if kept is _DROP else kept
        return value

    def _mentions(self, value: Any) -> bool:
        if isinstance(value, dict):
            return any(self._mentions(v) for v in value.values())
        if isinstance(value, list):
            return any(self._mentions(v) for v in value)
        return self.outside(value)

    def _aligned(self, row: dict[str, Any], column: str) -> dict[str, Any]:
        keys = row[column]
        keep = [i for i, v in enumerate(keys) if not self.outside(v)]
        return {
            k: [self._member(v[i]) for i in keep] if isinstance(v, list) and len(v) == len(keys) else self._member(v)
            for k, v in row.items()
        }


@dataclass(frozen=True)
class Scope:
    """One area's records: ``inside`` holds their ids and element ids, ``counts`` how many of each label."""

    area: str
    name: str
    inside: frozenset[str]
    counts: dict[str, int]
    cut: Cut


@dataclass
class Universe:
    """Every record of the graph by id (label, element id) and the placing ties, for one state of the graph."""

    key: tuple[int, int, str | None]
    labels: dict[str, str]
    eids: dict[str, str]
    ties: list[tuple[str, str, str]]
    street_names: dict[str, str]
    known: frozenset[str]
    scopes: dict[str, Scope] = field(default_factory=dict)

    @classmethod
    def fetch(cls, store: BoltStore, key: tuple[int, int, str | None]) -> Universe:
        """Two aligned lists per label, three reads at a time, and the placing ties (measured on a city of 102k
        records: 4.2 s as one-record rows read one after another)."""
        schema, labels, eids = store.schema, {}, {}
        wanted = [label for label, node in schema.nodes.items() if node.group != "bookkeeping"]

        def read(label: str) -> dict[str, list[str]]:
            return store.read(statements.node_keys(schema, label), name="area_scope")[0]

        with ThreadPoolExecutor(READERS) as pool:
            answers = list(pool.map(read, wanted))
        for label, answer in zip(wanted, answers, strict=True):
            for node_id, eid in zip(answer["ids"], answer["eids"], strict=True):
                labels[node_id], eids[node_id] = label, eid
        placement = load_placement()
        _, ties = graph_ties(store, placement)
        found = store.read(statements.node_ids(schema, placement.street), name="area")
        streets = {r["id"]: r["name"] for r in statements.collected(found)}
        return cls(key, labels, eids, ties, streets, frozenset(labels) | frozenset(eids.values()))

    def homes(self, labels: dict[str, str] | None = None, ties: Iterable[tuple[str, str, str]] = ()) -> Homes:
        """The streets of each record; ``labels`` and ``ties`` add a ledger's own to the graph's (the graph's alone
        are indexed once per universe: 0.44 s on a city, measured, paid by every street placed before)."""
        if labels is None and not ties:
            return self.graph_homes
        return Homes(load_placement(), {**self.labels, **(labels or {})}, [*self.ties, *ties])

    @cached_property
    def graph_homes(self) -> Homes:
        return Homes(load_placement(), self.labels, self.ties)

    def scope(self, area: str) -> Scope:
        if area not in self.scopes:
            ids = {i for i in self.homes().members(area) if i in self.labels}
            inside = frozenset(ids) | frozenset(self.eids[i] for i in ids)
            counts = dict(Counter(self.labels[i] for i in ids))
            self.scopes[area] = Scope(area, self.street_names.get(area, area), inside, counts, Cut(self.known, inside))
        return self.scopes[area]


class _Universes:
    """The universe of each graph (server address and database: every store of one graph shares it, a store made
    again after the app's caches were cleared included), fetched again when its key changes — loads, node count,
    the first street's element id (records made again) — read at most once per ``RECHECK_S``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: dict[tuple[str, str], tuple[float, Universe]] = {}

    def of(self, store: BoltStore) -> Universe:
        graph = (store.uri, store.database)
        with self._lock:
            checked, universe = self._held.get(graph, (0.0, None))
            if universe is not None and time.monotonic() - checked < RECHECK_S:
                return universe
            key = self.key(store)
            if universe is None or universe.key != key:
                universe = Universe.fetch(store, key)
            self._held[graph] = (time.monotonic(), universe)
            return universe

    def forget(self) -> None:
        """Drop every universe (a test that empties the graph and writes outside a load: the key cannot see that
        records were tied differently when the load count, node count and first street all read as before)."""
        with self._lock:
            self._held.clear()

    @staticmethod
    def key(store: BoltStore) -> tuple[int, int, str | None]:
        probe = statements.first_element_id(store.schema, load_placement().street)
        first = store.read(probe, name="area_scope")[0]["probe"]
        return store.load_token(), sum(store.node_counts().values()), first


UNIVERSES = _Universes()


def warm(store: BoltStore) -> threading.Thread:
    """Fetch the universe of ``store`` in the background (the app does at start and after an import), so the first
    page a street user opens after a load does not wait for it."""

    def fetch() -> None:
        with contextlib.suppress(OrgGraphError):  # unreachable or a load in progress: the first page fetches
            UNIVERSES.of(store)

    thread = threading.Thread(target=fetch, name="orggraph-area-universe", daemon=True)
    thread.start()
    return thread


def area_homes(store: ScopedStore) -> Homes:
    """The streets of each record of the graph a scoped store reads."""
    return UNIVERSES.of(store.base).homes()


def area_streets(store: BoltStore) -> dict[str, str]:
    """The streets an account's area may be (id → name)."""
    return dict(UNIVERSES.of(store).street_names)


class ScopedStore:
    """The store as a user with an area sees it: every read cut to the area, statistics of the area only, no
    statement outside the catalogue, and no write but an import the loader has checked against the area
    (``ingest.load_ledgers`` calls :func:`outside_rows`). Anything else is the base store's."""

    def __init__(self, base: BoltStore, area: str) -> None:
        self.base, self.area = base, area

    def __getattr__(self, name: str) -> Any:  # schema, backend, load_token, server_info, ensure_schema, …
        return getattr(self.base, name)

    def scope(self) -> Scope:
        return UNIVERSES.of(self.base).scope(self.area)

    def read(
        self, statement: str, params: dict[str, Any] | None = None, name: str = "", *, shape: str = ""
    ) -> list[dict[str, Any]]:
        return self.scope().cut.rows(self.base.read(statement, params, name), shape)

    def read_only(
        self,
        statement: str,
        params: dict[str, Any] | None = None,
        name: str = "",
        check: bool = True,
        *,
        shape: str = "",
        catalogue: bool = False,
    ) -> list[dict[str, Any]]:
        if not catalogue:
            raise PermissionDenied(
                "限定区域的用户只能运行查询目录中的查询(自写语句的结果可能包含区域以外的统计)",
                "a user with an area may run only the catalogue's queries (a statement of one's own could count "
                "what lies outside the area)",
            )
        if shape == "region":
            raise PermissionDenied(
                f"查询 {name} 统计全区,限定区域的用户不能运行",
                f"query {name} counts the whole region: not for a user with an area",
            )
        return self.scope().cut.rows(self.base.read_only(statement, params, name, check), shape)

    def node_counts(self) -> dict[str, int]:
        counts = self.scope().counts
        return {label: counts.get(label, 0) for label in self.base.schema.nodes}

    def relationship_counts(self) -> dict[str, int]:
        """Ties with both ends inside the area, per type."""
        scope, schema = self.scope(), self.base.schema
        out = dict.fromkeys(schema.relationships, 0)
        for rel in schema.relationships.values():
            for src, dst in rel.pairs():
                ends = self.base.read(statements.pair_id_lists(schema, rel.type, src, dst), name="area_scope")[0]
                inside = scope.inside
                out[rel.type] += sum(
                    1 for a, b in zip(ends["src"], ends["dst"], strict=True) if a in inside and b in inside
                )
        return out

    @contextmanager
    def scratch(self, work: list[tuple[str, list[dict[str, Any]]]]) -> Iterator[Callable[..., list[dict[str, Any]]]]:
        """A what-if inside the area: it may add records and tie them to the area's, not change another street's."""
        cut = self.scope().cut
        for _, rows in work:
            for row in rows:
                if cut.outside(row.get("id")) or (cut.outside(row.get("src")) and cut.outside(row.get("dst"))):
                    what = row.get("id") or f"{row.get('src')} → {row.get('dst')}"
                    raise PermissionDenied(f"{what} 不在您负责的区域内", f"{what} is outside your area")
        with self.base.scratch(work) as read:
            yield lambda statement, params=None, name="": cut.rows(read(statement, params, name))

    def _refused(self, *_: Any, **__: Any) -> Any:
        raise PermissionDenied(
            "限定区域的用户只能通过导入写入,且只能写入本区域", "a user with an area writes only by an import within it"
        )

    write_batched = write_nodes = write_edges = clear = clear_data = _refused

    def close(self) -> None:
        """The base store is the app's, shared by every user: nothing to close here."""


def outside_rows(store: ScopedStore, nodes: list[NodeRecord], edges: list[EdgeRecord]) -> list[Issue]:
    """The ledger rows an import by a user with an area may not write: a record that would not belong to the area
    (by the graph's ties and the ledger's own), a tie with neither end in it. One issue per ledger row."""
    universe = UNIVERSES.of(store.base)
    homes = universe.homes({n.id: n.label for n in nodes}, [(e.type, e.src_id, e.dst_id) for e in edges])
    area, names = store.area, universe.street_names
    issues: dict[tuple[str, str | None, int | None], Issue] = {}

    def refuse(source: Source | None, value: str, streets: frozenset[str]) -> None:
        where = (source.file, source.sheet, source.row) if source else ("", None, None)
        if where in issues:
            return
        held = "、".join(sorted(names.get(s, s) for s in streets)) or "无街道"
        held_en = ", ".join(sorted(names.get(s, s) for s in streets)) or "no street"
        issues[where] = Issue(
            where[0], where[2], None, value,
            f"不属于您负责的区域 {names.get(area, area)}(属于 {held}),未导入",
            f"outside your area {names.get(area, area)} (belongs to {held_en}); not imported",
            sheet=where[1],
        )  # fmt: skip

    for node in nodes:
        if area not in (streets := homes.of(node.id)):
            refuse(node.source, node.id, streets)
    for edge in edges:
        streets = homes.of(edge.src_id) | homes.of(edge.dst_id)
        if area not in streets:
            refuse(edge.source, f"{edge.src_id} → {edge.dst_id}", streets)
    return list(issues.values())
