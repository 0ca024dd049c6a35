"""The coverage rules, kept as data in ``coverage_rules.yaml``: what must be covered, what counts as covered,
which query in ``queries/`` finds the gaps, and for each kind of gap the reason and suggested action."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from orggraph.model.errors import SchemaError
from orggraph.model.schema import load_schema

RULES_FILE = Path(__file__).with_name("coverage_rules.yaml")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Reason(_Frozen):
    """Why a member is a gap, and how its suggested action is found (see the file's header)."""

    zh: str
    en: str
    action: Literal["nearest_org", "community_org", "joint_branch", "stationed_units", "none"]
    action_zh: str
    action_en: str


class Measure(_Frozen):
    """A rule judged in Python after its query: the query gives each member's coordinates (``covered`` null while
    unmeasured) and ``kind`` names the measure (``orggraph.analysis.service_circle``): Neo4j and ArcadeDB share no
    geodesic distance function."""

    kind: Literal["nearest_station"]
    radius_m: float = Field(default=1000.0, gt=0)  # straight-line walking radius (10 minutes ≈ 1,000 m)
    nearest_within_m: float = Field(default=5000.0, gt=0)  # the nearest station is named when it lies this near


class CoverageRule(_Frozen):
    id: str
    zh: str
    en: str
    population: str
    coverage: Literal["组织覆盖", "工作覆盖"]
    severity: Literal["high", "medium", "low"]
    query: str
    covered_zh: str
    covered_en: str
    reasons: dict[str, Reason]
    measure: Measure | None = None

    @model_validator(mode="after")
    def _radius_said(self) -> CoverageRule:
        """A measured rule's words state its radius: a radius changed in the file without its words is refused."""
        if self.measure is not None:
            radius = f"{self.measure.radius_m:g}"
            if radius not in self.covered_zh or radius not in self.covered_en:
                raise ValueError(f"rule {self.id}: covered_zh and covered_en must state the radius {radius} m")
            if self.measure.nearest_within_m < self.measure.radius_m:
                raise ValueError(f"rule {self.id}: nearest_within_m must not be below radius_m")
        return self

    def name(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


class RuleBook(_Frozen):
    joint_branch_max_units: int
    area_starts: dict[str, tuple[str, ...]]  # population label → patterns from `area` to its members `m`
    rules: tuple[CoverageRule, ...]

    @model_validator(mode="after")
    def _consistent(self) -> RuleBook:
        labels = load_schema().nodes
        ids = [r.id for r in self.rules]
        if len(set(ids)) != len(ids):
            raise ValueError("rule ids repeat")
        for rule in self.rules:
            if rule.population not in labels:
                raise ValueError(f"rule {rule.id} covers unknown label {rule.population}")
            if not self.area_starts.get(rule.population):
                raise ValueError(f"rule {rule.id}: no area_starts for its population {rule.population}")
        for label, patterns in self.area_starts.items():
            if label not in labels or any(f"(m:{label})" not in p or not p.startswith("(area)") for p in patterns):
                raise ValueError(f"area_starts of {label}: each pattern leads from (area) to (m:{label})")
        return self

    def rule(self, rule_id: str) -> CoverageRule:
        """A rule by id, or an error naming the valid ones."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        valid = ", ".join(r.id for r in self.rules)
        raise SchemaError(f"没有覆盖规则 {rule_id};可用:{valid}", f"no coverage rule {rule_id}; valid: {valid}")


@cache
def load_rules(path: Path = RULES_FILE) -> RuleBook:
    try:
        return RuleBook.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except ValidationError as exc:
        raise SchemaError(f"覆盖规则文件有误:{exc}", f"the coverage rules file is invalid: {exc}") from exc
