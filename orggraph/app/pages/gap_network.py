"""The gaps page's network and its "why is this a gap" panel (issue 13): the gap selected in the table drawn on its
community (or street) with every gap of the page's rules bordered black and dashed, each node's neighbours a click
away, and for the selected gap (or any other gap drawn, picked below the drawing: a click in the drawing cannot
reach Python) its rules, what each rule asks, why it is not met and what to do, in the viewer's language."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import streamlit as st

from orggraph.analysis.area_view import Subgraph, area_subgraph
from orggraph.analysis.coverage import Gap, GapReport
from orggraph.analysis.geography import LEVEL_NAMES, Place
from orggraph.app.pages.common import lang, report, show_error, store_for, t, version_key
from orggraph.app.pages.network_view import show_network
from orggraph.model.coverage_rules import load_rules
from orggraph.model.errors import OrgGraphError

_MARKDOWN = str.maketrans({c: "\\" + c for c in "\\`*_~$#[]<>|"})
NAMED_RULES = 3  # the legend names the rules in force up to this many, and counts them beyond


@st.cache_data(max_entries=32, show_spinner=False)
def _subgraph(area_id: str, version: str) -> Subgraph:
    return area_subgraph(store_for(version), area_id)


def gap_marks(rep: GapReport) -> dict[str, str]:
    """Every gap of the report by id, with the names of the rules it fails (a node may fail several)."""
    names = {o.rule.id: t(o.rule.zh, o.rule.en) for o in rep.outcomes}
    marks: dict[str, list[str]] = {}
    for g in rep.gaps():
        if names[g.rule_id] not in marks.setdefault(g.id, []):
            marks[g.id].append(names[g.rule_id])
    return {i: t("、", "; ").join(rules) for i, rules in marks.items()}


def rules_note(rep: GapReport) -> str:
    """The rules in force, as the legend names them."""
    if len(rep.outcomes) == len(load_rules().rules):
        return t(f"全部 {len(rep.outcomes)} 条规则", f"all {len(rep.outcomes)} rules")
    if len(rep.outcomes) <= NAMED_RULES:
        return t("规则:", "rules: ") + t("、", "; ").join(t(o.rule.zh, o.rule.en) for o in rep.outcomes)
    return t(f"所选 {len(rep.outcomes)} 条规则", f"the {len(rep.outcomes)} rules chosen")


def every_rule_report(area: str | None = None) -> GapReport | None:
    """The gaps under every rule today, for a page with no rules of its own (the hierarchy, the paths); none when
    the report cannot be had (the drawing goes on without its gaps)."""
    try:
        return report((), area)
    except OrgGraphError:
        return None


def marks(rep: GapReport | None) -> tuple[dict[str, str] | None, str | None]:
    """:func:`network_view.show_network`'s ``gaps`` and ``gap_note`` for a report (none: no gap marked)."""
    return (gap_marks(rep), rules_note(rep)) if rep else (None, None)


def _drawing_for(gap: Gap, candidates: list[Place]) -> tuple[Place, Subgraph]:
    """The first candidate area whose drawing holds the gap (else the first candidate) and that drawing."""
    for place in candidates:
        sub = _subgraph(place.id, version_key())
        if any(n["id"] == gap.id for n in sub.nodes):
            return place, sub
    return candidates[0], _subgraph(candidates[0].id, version_key())


def show(gap: Gap, rep: GapReport) -> None:
    """The selected gap on the network of its community (or grid, or the last area of its chain), then why."""
    st.subheader(t(f"网络图:{gap.name}", f"On the network: {gap.name}"))
    community = [p for p in gap.chain if p.label == "Community"]
    candidates = community + [p for p in gap.chain if p.label == "Grid"] if community else list(gap.chain[-1:])
    if not candidates:
        st.info(t("该缺口没有所在区域,无法在网络图中显示。", "This gap has no area to draw."))
        why_panel(gap, rep, set())
        return
    try:
        with st.spinner(t(f"正在绘制“{gap.name}”所在区域的网络图……", f"Drawing the network around {gap.name}…")):
            place, sub = _drawing_for(gap, candidates)
    except OrgGraphError as exc:
        show_error(exc)
        return
    drawn = {n["id"] for n in sub.nodes}
    level = t(*LEVEL_NAMES.get(place.label, (place.label, place.label)))
    st.caption(
        t(
            f"{gap.name}({gap.id})位于 {gap.chain_text() or '—'};下图为{level}「{place.name}」,黄色光晕为该缺口",
            f"{gap.name} ({gap.id}) is in {gap.chain_text() or '—'}; drawn: {level} {place.name}, "
            "the gap with a yellow halo",
        )
    )
    marked = gap.id
    if gap.id not in drawn:
        marked = gap.place if gap.place in drawn else place.id
        st.caption(
            t(
                "该缺口对象不在网络图中(此类对象不绘制,或超出显示上限),黄色光晕标出其所在位置。",
                "The gap itself is not drawn (a kind left out, or over the limit); its place has the yellow halo.",
            )
        )
    show_network(list(sub.nodes), list(sub.edges), sub.total, [marked], gaps=gap_marks(rep), gap_note=rules_note(rep))
    why_panel(gap, rep, drawn)


def _gaps_by_id(rep: GapReport) -> Mapping[str, list[Gap]]:
    by_id: dict[str, list[Gap]] = {}
    for g in rep.gaps():
        by_id.setdefault(g.id, []).append(g)
    return by_id


def _label(by_id: Mapping[str, list[Gap]]) -> Callable[[str], str]:
    return lambda i: f"{by_id[i][0].name} · {i}"  # the same in both languages


def why_panel(selected: Gap, rep: GapReport, drawn: set[str]) -> None:
    """为什么是缺口: the selected gap, or another gap drawn beside it, with each rule it fails."""
    st.subheader(t("为什么是缺口", "Why is this a gap"))
    by_id = _gaps_by_id(rep)
    choices = [selected.id, *sorted(i for i in by_id if i in drawn and i != selected.id)]
    chosen = choices[0]
    if len(choices) > 1:
        chosen = st.selectbox(
            t(f"图中的缺口({len(choices)} 个)", f"Gaps in the drawing ({len(choices)})"),
            choices,
            key=f"gaps_why_{selected.id}",  # a new selection in the table starts on its own gap
            format_func=_label(by_id),
        )
    _reasons(by_id.get(chosen, [selected]), rep)


def why_in_drawing(rep: GapReport | None, drawn: Iterable[str], key: str) -> None:
    """为什么是缺口 on a page without a gap of its own (the hierarchy, the paths): the gaps drawn, one picked."""
    if rep is None:
        return
    by_id = _gaps_by_id(rep)
    here = sorted(set(drawn) & set(by_id))
    if not here:
        return
    with st.expander(t(f"为什么是缺口(图中 {len(here)} 个)", f"Why is this a gap ({len(here)} in the drawing)")):
        chosen = st.selectbox(t("图中的缺口", "Gaps in the drawing"), here, key=key, format_func=_label(by_id))
        _reasons(by_id[chosen if chosen in by_id else here[0]], rep)


def _reasons(gaps: list[Gap], rep: GapReport) -> None:
    """One box per rule a node fails: the rule, what it asks, why, the suggested action, the area."""
    rules = {o.rule.id: o.rule for o in rep.outcomes}
    zh = lang() == "zh"
    for g in gaps:
        rule = rules[g.rule_id]
        with st.container(border=True):
            lines = [
                t("要求:", "Asks: ") + (rule.covered_zh if zh else rule.covered_en),
                t("原因:", "Why: ") + (g.why_zh if zh else g.why_en),
                t("建议:", "Suggested action: ") + (g.action_zh if zh else g.action_en),
                t("所在区域:", "Area: ") + (g.chain_text() or "—"),
            ]
            name = g.name.translate(_MARKDOWN)
            st.markdown(t(f"规则:**{rule.zh}** · {name}({g.id})", f"Rule: **{rule.en}** · {name} ({g.id})"))
            st.markdown("  \n".join(line.translate(_MARKDOWN) for line in lines))
