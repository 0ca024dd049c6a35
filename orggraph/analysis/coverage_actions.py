"""Suggested actions for gaps: who could take a gap in, which small units could form a joint branch,
which stationed units a community could sign with. The kinds are named per reason in coverage_rules.yaml.

The two indexes (orgs covering each place, stationed units) are fetched only when a report has gaps
that need them, once per report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from orggraph.analysis.geography import Geography
from orggraph.analysis.query_catalogue import find_query, run_query
from orggraph.graph.statements_analysis import covers_around, stationed_around
from orggraph.graph.store import BoltStore
from orggraph.model.coverage_rules import Reason
from orggraph.model.schema import load_schema

MAX_NAMES = 5  # names listed in one suggestion
_SEP = {"zh": "、", "en": ", "}
_SUPERIOR = {"zh": "上级党组织", "en": "the superior org"}
_COMMUNITY_UP = frozenset({"Community", "Street", "District"})
_NEARBY = {"zh": "邻近的小微单位", "en": "small units nearby"}
_NONE_STATIONED = {"zh": "街道内的驻区单位", "en": "stationed units of the street"}


@dataclass(frozen=True)
class Suggestion:
    zh: str
    en: str


@dataclass(frozen=True)
class _Org:
    id: str
    name: str
    kind: str


class Suggester:
    """Holds the indexes for one state of the graph; keep it (with its Geography) between reports."""

    def __init__(
        self, store: BoltStore, geography: Geography, joint_max: int, area: tuple[str, str] | None = None
    ) -> None:
        self.store = store
        self.geography = geography
        self.joint_max = joint_max
        self.area = area  # (label, id): suggestions for reports within that area only, read around it
        self._nearest: dict[tuple[str | None, frozenset[str] | None], list[tuple[str, str]]] = {}

    def _rows(self, query: str, column: str, around: Callable[[str], str]) -> list[list[Any]]:
        """A suggestion index's rows: the catalogue query over the region, or its twin around the area."""
        if self.area is None:
            return list(run_query(self.store, find_query(query))[0][column])
        rows = self.store.read(around(self.area[0]), {"area": self.area[1]})
        return list(rows[0][column]) if rows else []

    @cached_property
    def _covering(self) -> dict[str, list[_Org]]:
        """Orgs covering each place, the most senior first (org levels from the schema), then by id."""
        levels = load_schema().org_levels
        out: dict[str, list[_Org]] = defaultdict(list)
        for place, oid, name, kind in self._rows("org_covers", "covers", covers_around):
            out[place].append(_Org(oid, name, kind))
        for orgs in out.values():
            orgs.sort(key=lambda o: (levels.get(o.kind, 99), o.id))
        return out

    @cached_property
    def _stationed(self) -> dict[str, list[str]]:
        """Names of stationed units with an org, under every area that contains them, most members first."""
        rows = self._rows("stationed_units", "units", stationed_around)
        out: dict[str, list[str]] = defaultdict(list)
        for _, name, place, _ in sorted(rows, key=lambda r: (-r[3], r[0])):
            for area in self.geography.chain(place):
                out[area.id].append(name)
        return out

    def nearest_org(self, place: str | None, exclude: str, labels: frozenset[str] | None = None) -> str | None:
        """The first org up the area chain (the place itself first) that is not the gap itself; only at
        places of the given labels when they are given."""
        for oid, name in self._nearest_two(place, labels):
            if oid != exclude:
                return name
        return None

    def _nearest_two(self, place: str | None, labels: frozenset[str] | None) -> list[tuple[str, str]]:
        """The first org up the chain and the first after it with another id: whichever gap asks, one of them is its
        answer. Kept per place (a province's report asks for ~115k gaps at far fewer places)."""
        key = (place, labels)
        if key in self._nearest:
            return self._nearest[key]
        found: list[tuple[str, str]] = []
        for p in reversed(self.geography.chain(place)):
            if labels is not None and p.label not in labels:
                continue
            for org in self._covering.get(p.id, ()):
                if not found or (len(found) == 1 and org.id != found[0][0]):
                    found.append((org.id, org.name))
            if len(found) == 2:
                break
        self._nearest[key] = found
        return found

    def plan_joint_branches(self, gaps: Iterable[tuple[str, str, str | None]]) -> dict[str, list[str]]:
        """Small units (id, name, place) grouped by community, in id order, into joint branches of at most
        ``joint_max``: each unit's partners, the others of its group. Returned, not kept: the suggester is shared
        (the app's cached index, a what-if's) by reports that run at once."""
        partners: dict[str, list[str]] = {}
        by_area: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for uid, name, place in sorted(gaps):
            areas = self.geography.areas(place)
            key = next((a.id for a in reversed(areas) if a.label in ("Community", "Street")), "")
            by_area[key].append((uid, name))
        for units in by_area.values():
            for i in range(0, len(units), self.joint_max):
                group = units[i : i + self.joint_max]
                for uid, _ in group:
                    partners[uid] = [n for other, n in group if other != uid]
        return partners

    def stationed_near(self, community: str | None) -> list[str]:
        """Stationed units with an org inside the community, else inside its street."""
        street = next((a.id for a in self.geography.areas(community) if a.label == "Street"), None)
        for scope in (community, street):
            if scope is not None and self._stationed.get(scope):
                return self._stationed[scope][:MAX_NAMES]
        return []

    def suggest(
        self, reason: Reason, gap_id: str, place: str | None, detail: object, partners: dict[str, list[str]]
    ) -> Suggestion:
        """The action for one gap; ``partners`` is the rule's :meth:`plan_joint_branches`."""
        org: str | None = None
        units: list[str] = []
        if reason.action in ("nearest_org", "community_org"):
            org = self.nearest_org(place, gap_id, _COMMUNITY_UP if reason.action == "community_org" else None)
        elif reason.action == "joint_branch":
            units = partners.get(gap_id, [])
        elif reason.action == "stationed_units":
            units = self.stationed_near(place)
        fallback = _NEARBY if reason.action == "joint_branch" else _NONE_STATIONED
        texts = {}
        for lang, template in (("zh", reason.action_zh), ("en", reason.action_en)):
            fill = {
                "detail": "" if detail is None else detail,
                "org": org or _SUPERIOR[lang],
                "units": _SEP[lang].join(units) or fallback[lang],
            }
            texts[lang] = template.format(**fill)
        return Suggestion(texts["zh"], texts["en"])

    def prefetch(self) -> None:
        """Fetch both indexes now (e.g. alongside a report's rule queries) rather than when first needed."""
        _ = self._covering, self._stationed
