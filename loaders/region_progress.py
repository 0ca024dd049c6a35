"""A quarter's work dated into the months before the demo's date: branches founded, agreements signed, needs raised.

Why: the demo is loaded as its ledgers stood at the last three month-ends (``orggraph.ingest.demo_months`` withholds
what is dated after each), and its trend lines and monthly report are only worth showing if those months differ.
The region's own dates are drawn over years, so only a sliver falls inside two months. This pass takes a share of
the records a street plausibly adds in that time — compound, grid, unit and joint branches and property companies'
orgs (with their secretaries appointed the same day), co-building agreements, needs — and dates them inside the
window between the first and the last of those month-ends, so each month's snapshot shows org coverage a few points
up, gaps closed (整改) and a few opened (new needs).

What stays: no record is added or removed, and what the rules judge on the region's date does not move — only orgs
whose term has not run out and agreements in force are re-dated, and they stay so — so the final state, its totals
and the ``SEED_FIGURES.md`` calibration are the region's as before. A stream of its own (``progress:{seed}``) draws
the choices, so the region's other draws stay where they were, and a (seed, date) names the same region.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterable

from loaders.region_builder import years_after
from orggraph.model.records import EdgeRecord, NodeRecord

# share of each kind of org (of those that can move: see _movable) founded inside the window
ORG_SHARES = {"小区党支部": 0.2, "网格党支部": 0.15, "单位党支部": 0.12, "单位党总支": 0.08, "联合党支部": 0.14,
              "物业企业党组织": 0.15, "楼宇党委": 0.3}  # fmt: skip
AGREEMENT_SHARE = 0.05  # of the agreements in force
NEED_SHARE = 0.12
_DATED = frozenset(("PartyOrg", "Agreement", "Need"))  # what is re-dated: whose ties are looked at
_FIXED_TIES = frozenset(("SIGNED_BY", "COMMITTED_BY", "REPORTS_TO", "MEMBER_OF", "OFFERED_BY", "RUN_BY", "RAISED_BY"))


def window(today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day progress is dated in: after the first of the three month-ends before ``today``'s month,
    up to the last of them (the demo's snapshots compare those months).

    >>> window(dt.date(2026, 12, 1))
    (datetime.date(2026, 10, 1), datetime.date(2026, 11, 30))
    """
    last = today.replace(day=1) - dt.timedelta(days=1)
    first = (last.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    return first, last


class _Region:
    """The records being re-dated: nodes by id, ties by end, and the draws."""

    def __init__(self, nodes: list[NodeRecord], edges: list[EdgeRecord], today: dt.date, seed: int) -> None:
        self.nodes, self.edges, self.today = nodes, edges, today
        self.rng = random.Random(f"progress:{seed}")
        self.first, self.last = window(today)
        self.by_id = {n.id: i for i, n in enumerate(nodes)}
        self.ties: dict[str, list[int]] = defaultdict(list)  # of the orgs, agreements and needs only: all it asks of
        for i, e in enumerate(edges):  # (a province's 2.2M ties indexed at both ends cost ~3 s of its ~20)
            if e.src_label in _DATED:
                self.ties[e.src_id].append(i)
            if e.dst_label in _DATED:
                self.ties[e.dst_id].append(i)

    def day(self) -> dt.date:
        return self.first + dt.timedelta(days=self.rng.randint(0, (self.last - self.first).days))

    def node(self, node_id: str) -> NodeRecord:
        return self.nodes[self.by_id[node_id]]

    def set_node(self, node_id: str, **props: object) -> None:
        n = self.node(node_id)
        self.nodes[self.by_id[node_id]] = NodeRecord(n.label, n.id, {**n.props, **props}, n.source)

    def set_edge(self, index: int, **props: object) -> None:
        e = self.edges[index]
        self.edges[index] = EdgeRecord(e.type, e.src_label, e.src_id, e.dst_label, e.dst_id, {**e.props, **props},
                                       e.source)  # fmt: skip

    def touching(self, node_id: str) -> Iterable[EdgeRecord]:
        return (self.edges[i] for i in self.ties[node_id])

    def sample(self, ids: list[str], share: float) -> list[str]:
        return self.rng.sample(ids, round(len(ids) * share))


def date_progress(nodes: list[NodeRecord], edges: list[EdgeRecord], today: dt.date, seed: int) -> None:
    """Re-date, in place, a share of what a street adds in two months into the window before ``today`` (see the
    module)."""
    r = _Region(nodes, edges, today, seed)
    orgs: dict[str, list[str]] = defaultdict(list)
    for n in nodes:
        if n.label == "PartyOrg" and n.props["kind"] in ORG_SHARES and _movable(r, n):
            orgs[n.props["kind"]].append(n.id)
    for kind, share in ORG_SHARES.items():
        for org_id in r.sample(orgs[kind], share):
            _found(r, org_id, r.day())
    in_force = [n.id for n in nodes if n.label == "Agreement" and _in_force(n, today)]
    for agreement_id in r.sample(in_force, AGREEMENT_SHARE):
        _sign(r, agreement_id, r.day())
    for need_id in r.sample([n.id for n in nodes if n.label == "Need"], NEED_SHARE):
        _raise(r, need_id, r.day())


def _movable(r: _Region, org: NodeRecord) -> bool:
    """An org whose term has not run out, tied to nothing dated apart from it (no agreement, report, resource,
    station), leading only building groups (founded with it), and whose posts other than the secretary's are
    open-ended."""
    start, years = org.props.get("term_start"), org.props.get("term_years")
    if not isinstance(start, dt.date) or not isinstance(years, int) or years_after(start, years) < r.today:
        return False
    for e in r.touching(org.id):
        joins = e.type == "MEMBER_OF" and e.dst_id == org.id  # an org joining it (a building committee's members)
        if (e.type in _FIXED_TIES and not joins) or (
            e.type == "HOLDS_POST" and e.props.get("since") != start and "until" in e.props
        ):
            return False
        if e.type == "LEADS" and e.src_id == org.id and r.node(e.dst_id).props.get("kind") != "楼栋党小组":
            return False
    return True


def _found(r: _Region, org_id: str, day: dt.date) -> None:
    """An org founded on ``day`` with its first term, its secretary appointed and its building groups set up then."""
    org = r.node(org_id)
    old_start, years = org.props["term_start"], org.props["term_years"]
    r.set_node(org_id, founded=day, term_start=day)
    for i in list(r.ties[org_id]):
        e = r.edges[i]
        if e.type == "HOLDS_POST" and e.dst_id == org_id:
            since = e.props.get("since")
            if since == old_start:
                r.set_edge(i, since=day, until=years_after(day, years))
            elif isinstance(since, dt.date) and since < day:
                r.set_edge(i, since=day)
        elif e.type == "LEADS" and e.src_id == org_id:
            r.set_node(e.dst_id, founded=day)


def _in_force(n: NodeRecord, today: dt.date) -> bool:
    expires = n.props.get("expires")
    return n.props.get("status") == "履行中" and isinstance(expires, dt.date) and expires >= today


def _sign(r: _Region, agreement_id: str, day: dt.date) -> None:
    """An agreement signed on ``day`` for as many years as before; its commitments fall due as much later."""
    props = r.node(agreement_id).props
    signed, expires = props["signed"], props["expires"]
    r.set_node(agreement_id, signed=day, expires=years_after(day, max(1, round((expires - signed).days / 365))))
    shift = day - signed
    for e in r.touching(agreement_id):
        if e.type == "UNDER" and e.src_label == "Commitment":
            due = r.node(e.src_id).props.get("due")
            if isinstance(due, dt.date):
                r.set_node(e.src_id, due=due + shift)


def _raise(r: _Region, need_id: str, day: dt.date) -> None:
    """A need raised on ``day``; a project meeting it starts after it (and ends as much later)."""
    r.set_node(need_id, raised=day)
    for e in r.touching(need_id):
        if e.type == "FULFILLS":
            project = r.node(e.src_id).props
            start, end = project["start"], project["end"]
            if start < day:
                later = min(day + dt.timedelta(days=r.rng.randint(0, 20)), r.today)
                r.set_node(e.src_id, start=later, end=end + (later - start))
