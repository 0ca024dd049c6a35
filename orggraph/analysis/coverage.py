"""The coverage-gap engine: runs each rule's query (``coverage_rules.yaml`` → ``queries/gap_*.cypher``) on
the graph server, places every row in its area chain, and gives per rule and per area covered / total /
rate and the gaps, each with why it is a gap and a suggested action.

Rule queries return one row per member of the population; they run side by side (the server has cores
to spare while one query runs) and each is wrapped to return one collected row, which ArcadeDB answers
about 40% faster than the same rows one by one. Scoping to an area happens here, from the place chain,
so every query stays a plain script an analyst can run in cypher-shell. A rule with a ``measure`` (服务覆盖) is
decided in Python once all its rows are in (``service_circle``): its query returns coordinates.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field

from orggraph.analysis.coverage_actions import Suggester
from orggraph.analysis.coverage_runs import CHUNK_MEMBERS as CHUNK_MEMBERS
from orggraph.analysis.coverage_runs import (
    ReadRows,
    RuleAnswer,
    area_statement,
    members_statement,
    rule_runs,
)
from orggraph.analysis.coverage_runs import RuleRow as RuleRow
from orggraph.analysis.coverage_runs import RuleRun as RuleRun
from orggraph.analysis.coverage_runs import fetch_rule_rows as fetch_rule_rows
from orggraph.analysis.coverage_runs import population_var as population_var
from orggraph.analysis.coverage_runs import rule_statement as rule_statement
from orggraph.analysis.geography import AREA_LEVELS, Geography, Place, area_label
from orggraph.analysis.service_circle import measured
from orggraph.graph.statements_analysis import AREA_LABELS
from orggraph.graph.store import BoltStore
from orggraph.model.coverage_rules import CoverageRule, load_rules
from orggraph.model.gc_pause import cyclic_gc_paused

PARALLEL_QUERIES = 3  # measured on 2 cores: 2–4 workers within noise once the server's JIT is warm


@dataclass(frozen=True)
class Gap:
    rule_id: str
    id: str
    name: str
    place: str | None
    chain: tuple[Place, ...]  # district › street › community › grid (those present)
    reason: str
    why_zh: str
    why_en: str
    detail: object
    action_zh: str
    action_en: str

    def chain_text(self, sep: str = " › ") -> str:
        return sep.join(p.name for p in self.chain)


@dataclass(frozen=True)
class AreaRate:
    area: Place
    covered: int
    total: int

    @property
    def rate(self) -> float | None:
        return self.covered / self.total if self.total else None


@dataclass(frozen=True)
class RuleOutcome:
    rule: CoverageRule
    covered: int
    total: int
    gaps: tuple[Gap, ...]
    areas: dict[str, tuple[AreaRate, ...]] = field(repr=False)  # level label → rates of every area at it

    @property
    def rate(self) -> float | None:
        return self.covered / self.total if self.total else None


@dataclass(frozen=True)
class GapReport:
    as_of: dt.date
    area: Place | None
    outcomes: tuple[RuleOutcome, ...]

    def gaps(self) -> list[Gap]:
        return [g for o in self.outcomes for g in o.gaps]


@dataclass(frozen=True)
class CoverageIndex:
    """What a report needs besides the rule rows, for one state of the graph (the app keeps it per load)."""

    geography: Geography
    suggester: Suggester

    @classmethod
    @cyclic_gc_paused()  # ~45k places and the suggestion indexes: no cycles to look for
    def fetch(cls, store: BoltStore, area: tuple[str, str] | None = None) -> CoverageIndex:
        """For the whole region, or (``area``: label and id) for reports within that area only."""
        geography = Geography.fetch(store, area)
        suggester = Suggester(store, geography, load_rules().joint_branch_max_units, area)
        suggester.prefetch()
        return cls(geography, suggester)


def _area_label(store: BoltStore, area_id: str | None, index: CoverageIndex | None) -> str | None:
    """The label of the area a report starts from (None: the whole region, or an id that is no area — the
    geography then says so in words)."""
    if area_id is None:
        return None
    if index is not None:
        place = index.geography.places.get(area_id)
        return place.label if place is not None and place.label in AREA_LEVELS else None
    return area_label(store, area_id)


@cyclic_gc_paused()  # tens of thousands of rows and gaps, no cycles among them
def gap_report(
    store: BoltStore,
    rule_ids: Iterable[str] | None = None,
    area_id: str | None = None,
    as_of: dt.date | None = None,
    index: CoverageIndex | Callable[[], CoverageIndex] | None = None,
    read: ReadRows | None = None,
) -> GapReport:
    """The report for the chosen rules (all by default) within an area (everywhere by default). Pass the
    ``index`` of an earlier report on the same graph to skip fetching the geography again (or a function
    that returns it, e.g. a cached loader: it is called alongside the rule queries), and ``read``
    to run the rule queries elsewhere than in their own read transactions (what-if: inside a scratch
    transaction, one query at a time)."""
    book = load_rules()
    rules = [book.rule(r) for r in rule_ids] if rule_ids else list(book.rules)
    as_of = as_of or dt.date.today()
    known = index if isinstance(index, CoverageIndex) else None
    start = area_id or getattr(store, "area", None)  # a street user's whole region is their street: read from it
    label = _area_label(store, start, known)
    runs = rule_runs(store, rules, label, start)
    rows: dict[str, RuleAnswer] = {r.id: RuleAnswer([], []) for r in rules}
    left = Counter(run.rule.id for run in runs)
    done: dict[str, RuleOutcome] = {}
    if read is None:  # the geography is fetched alongside the rule queries, and each rule's rows are placed
        with ThreadPoolExecutor(PARALLEL_QUERIES) as pool:  # once its last run is in, while others still run
            around = (label, area_id) if label and area_id else None  # a street's report reads its street only
            loader = index if callable(index) else (lambda: CoverageIndex.fetch(store, around))
            pending = pool.submit(loader) if known is None else None
            futures = {pool.submit(run.rows, store.read, as_of): run.rule for run in runs}
            index = pending.result() if pending else known
            assert index is not None
            area = index.geography.area(area_id) if area_id else None
            for future in as_completed(futures):
                rule = futures[future]
                _add(rows[rule.id], future.result())
                left[rule.id] -= 1
                if not left[rule.id]:  # a measured rule is decided now, on all its rows (service_circle)
                    done[rule.id] = _rule_outcome(rule, _measured(rule, rows.pop(rule.id), store.read), index, area)
    else:
        index = index() if callable(index) else index or CoverageIndex.fetch(store)
        area = index.geography.area(area_id) if area_id else None
        for run in runs:
            _add(rows[run.rule.id], run.rows(read, as_of))
        done = {r.id: _rule_outcome(r, _measured(r, rows[r.id], read), index, area) for r in rules}
    return GapReport(as_of, area, tuple(done[r.id] for r in rules))


def _add(rows: RuleAnswer, more: RuleAnswer) -> None:
    rows.covered.extend(more.covered)
    rows.rows.extend(more.rows)


def _measured(rule: CoverageRule, answer: RuleAnswer, read: ReadRows) -> RuleAnswer:
    """The answer with a measured rule's undecided rows decided (``service_circle``), the covered among them moved
    to the covered members."""
    if rule.measure is None:
        return answer
    rows = measured(rule, answer.rows, read)
    covered = [r["place"] for r in rows if r["covered"]]
    return RuleAnswer(answer.covered + covered, [r for r in rows if not r["covered"]])


def _rule_outcome(rule: CoverageRule, answer: RuleAnswer, index: CoverageIndex, area: Place | None) -> RuleOutcome:
    """One rule's rows scoped, placed, counted and explained."""
    geography, suggester = index.geography, index.suggester
    covered, rows = answer
    if area is not None:
        covered = [p for p in covered if geography.within(p, area.id)]
        rows = [r for r in rows if geography.within(r["place"], area.id)]
    rows = sorted(rows, key=lambda r: r["id"])
    joint = {code for code, reason in rule.reasons.items() if reason.action == "joint_branch"}
    partners = suggester.plan_joint_branches((r["id"], r["name"], r["place"]) for r in rows if r["reason"] in joint)
    outcome = _outcome(rule, covered, rows, geography, suggester, partners)
    # the areas above the scope would only repeat the scope's own numbers
    return outcome if area is None else _within(outcome, geography, area)


def _within(outcome: RuleOutcome, geography: Geography, area: Place) -> RuleOutcome:
    areas = {
        level: tuple(a for a in rates if geography.within(a.area.id, area.id)) for level, rates in outcome.areas.items()
    }
    return RuleOutcome(outcome.rule, outcome.covered, outcome.total, outcome.gaps, areas)


def _outcome(
    rule: CoverageRule,
    covered: list[str | None],
    rows: list[RuleRow],
    geography: Geography,
    suggester: Suggester,
    partners: dict[str, list[str]],
) -> RuleOutcome:
    """Counts per area of the covered members' places and the other rows' (each of which is a gap, explained)."""
    covered_in = geography.area_counts(covered)
    totals = covered_in + geography.area_counts(r["place"] for r in rows)  # each place looked up once
    gaps = [_gap(rule, r, geography.areas(r["place"]), suggester, partners) for r in rows]
    areas: dict[str, list[AreaRate]] = {level: [] for level in AREA_LEVELS}
    for aid in sorted(totals):
        area = geography.places[aid]
        areas[area.label].append(AreaRate(area, covered_in[aid], totals[aid]))
    levels = {k: tuple(v) for k, v in areas.items()}
    return RuleOutcome(rule, len(covered), len(covered) + len(rows), tuple(gaps), levels)


def _gap(
    rule: CoverageRule, row: RuleRow, chain: tuple[Place, ...], suggester: Suggester, partners: dict[str, list[str]]
) -> Gap:
    code = row["reason"]
    reason = None if code is None else rule.reasons.get(code)
    if code is None or reason is None:  # a query that answers a code the rules file does not explain: a bug, say so
        raise KeyError(f"rule {rule.id}: query answered an unknown reason {code!r}")
    detail = row["detail"]
    fill = {"detail": "" if detail is None else detail}
    action = suggester.suggest(reason, row["id"], row["place"], detail, partners)
    return Gap(
        rule.id,
        row["id"],
        row["name"],
        row["place"],
        chain,
        code,
        reason.zh.format(**fill),
        reason.en.format(**fill),
        detail,
        action.zh,
        action.en,
    )


def lint_statements() -> dict[str, str]:
    """Every shape of every rule statement (whole, a chunk of members, from an area of each level), for the
    Neo4j-parser lint test."""
    out = {}
    for rule in load_rules().rules:
        out[f"coverage:{rule.id}"] = rule_statement(rule)
        out[f"coverage:{rule.id}:members"] = members_statement(rule)
        out.update({f"coverage:{rule.id}:{label}": area_statement(rule, label) for label in AREA_LABELS})
    return out


def narrow(
    report: GapReport, geography: Geography, rule_ids: Iterable[str] = (), area_id: str | None = None
) -> GapReport:
    """A whole-region report cut to some rules and an area, in memory: the same numbers a scoped run of the
    rule queries gives (a test holds the two equal), without running them again. Joint-branch partners
    stay those planned over the whole region (they are grouped within one community either way)."""
    wanted = set(rule_ids)
    outcomes = [o for o in report.outcomes if not wanted or o.rule.id in wanted]
    if wanted and len(outcomes) != len(wanted):
        load_rules().rule(next(iter(wanted - {o.rule.id for o in outcomes})))  # raises, naming the valid ones
    if area_id is None:
        return GapReport(report.as_of, None, tuple(outcomes))
    area = geography.area(area_id)
    return GapReport(report.as_of, area, tuple(_narrow_outcome(o, geography, area) for o in outcomes))


def _narrow_outcome(outcome: RuleOutcome, geography: Geography, area: Place) -> RuleOutcome:
    own = next((a for a in outcome.areas.get(area.label, ()) if a.area.id == area.id), None)
    covered, total = (own.covered, own.total) if own else (0, 0)
    gaps = tuple(g for g in outcome.gaps if any(p.id == area.id for p in g.chain))
    return _within(RuleOutcome(outcome.rule, covered, total, gaps, outcome.areas), geography, area)
