"""The what-if page's three forms — a new branch, a co-building agreement, a joint branch — each adding one
plain item to the proposal in ``st.session_state["whatif_items"]`` (the page turns the list into an
``orggraph.analysis.whatif.Proposal``). The places and units offered are the current gaps of the rule the item
would close, within the chosen area."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from orggraph.analysis.entities import Entity
from orggraph.app.pages.common import report, t, today
from orggraph.app.pages.entity_search import entity_picker
from orggraph.model.coverage_rules import load_rules
from orggraph.model.personal_numbers import fields_with_numbers
from orggraph.model.schema import load_schema

KINDS = {
    "branch": ("新建党组织", "New branch"),
    "agreement": ("共建协议", "Agreement"),
    "joint": ("联合党支部", "Joint branch"),
}
# The rule whose gaps a new org of this kind would close (its places are offered as a list).
KIND_RULE = {
    "小区党支部": "compound_org",
    "楼栋党小组": "compound_org",
    "网格党支部": "grid_branch",
    "楼宇党委": "commercial_building_org",
    "商圈综合党委": "commercial_building_org",
    "商圈联合党委": "commercial_building_org",
}
# A proposed item's id, in the language of the viewer who adds it (a result names it beside the item's name): no
# ledger's id (those are the ledgers' own codes)
PREFIX = {
    "branch": ("拟建支部-", "PROPOSED-B"),
    "agreement": ("拟签协议-", "PROPOSED-A"),
    "joint": ("拟建联合支部-", "PROPOSED-J"),
}
JOINT_MAX = load_rules().joint_branch_max_units  # the rules file's limit, not a second copy of it


def _org_kinds() -> list[str]:
    kind = load_schema().node("PartyOrg").property("kind")
    return list(kind.enum or ()) if kind is not None else []


def _gap_options(rule: str, area: str | None, reason: str | None = None) -> dict[str, str]:
    """Gap id → "name · area chain" for one rule's gaps inside the area (the cached gap report)."""
    gaps = [g for g in report((rule,), area).outcomes[0].gaps if reason is None or g.reason == reason]
    st.session_state["whatif_names"].update((g.id, g.name) for g in gaps)
    return {g.id: f"{g.name}({g.id} · {g.chain_text()})" for g in gaps}


def proposed_name(node_id: str | None) -> str:
    """A node of the proposal shown by name (its id when the page never saw its name)."""
    return st.session_state["whatif_names"].get(node_id, node_id) if node_id else ""


def _picked(entity: Entity | None) -> Entity | None:
    """The picked entity, its name remembered for the proposal list."""
    if entity is not None:
        st.session_state["whatif_names"][entity.id] = entity.name
    return entity


def _add(item: dict[str, Any]) -> None:
    st.session_state["whatif_seq"] += 1
    item["id"] = f"{t(*PREFIX[item['type']])}{st.session_state['whatif_seq']}"
    st.session_state["whatif_items"].append(item)
    st.session_state["whatif_result"] = None
    st.toast(t(f"已加入方案:{item['name']}", f"Added to the proposal: {item['name']}"))


def _has_personal_numbers(**fields: tuple[str, str, str]) -> bool:
    """Refuse typed text holding an ID-card or phone number: an error naming each such field (never echoing the
    number), and the item is not added. ``fields``: key → (中文 label, English label, text)."""
    hits = fields_with_numbers({key: text for key, (_, _, text) in fields.items()})
    for key, kind in hits:
        zh, en, _ = fields[key]
        st.error(
            t(
                f"“{zh}”中疑似{kind.zh},不得填写个人敏感号码,未加入方案",
                f"{en}: looks like {kind.en}; personal numbers must not be entered (not added)",
            )
        )
    return bool(hits)


def _org(entity: Entity | None, what_zh: str, what_en: str) -> str | None:
    """The id of a picked party org; anything else is a warning."""
    if _picked(entity) is None or entity is None:
        return None
    if entity.label != "PartyOrg":
        st.warning(t(f"{what_zh}须为党组织:{entity.name} 不是", f"{what_en} must be a party org: {entity.name} is not"))
        return None
    return entity.id


def branch_form(area: str | None) -> None:
    """A new org: its kind, name and members, the places it covers (the gaps its kind would close, a searched
    place or typed ids) and its superior."""
    kind, name, members = _branch_basics()
    covers = _gap_covers(kind, area)
    # search boxes at the page's width: a match reads in full (name · kind · 区 › 街道 › 社区 · id)
    place = _picked(entity_picker(t("另选覆盖对象(按名称搜索)", "Another place to cover (search)"), "whatif_place"))
    typed = st.text_input(t("或输入覆盖对象编号(逗号分隔)", "Or place ids (comma-separated)"), key="whatif_branch_ids")
    superior = _org(
        entity_picker(t("上级党组织(按名称搜索)", "Superior org (search)"), "whatif_superior"), "上级", "The superior"
    )
    if st.button(t("加入方案", "Add to proposal"), key="whatif_add_branch", type="primary"):
        places = [*covers, *([place.id] if place else []), *[x.strip() for x in typed.replace(",", ",").split(",")]]
        _add_branch(kind, name, int(members), list(dict.fromkeys(p for p in places if p)), typed, superior)


def _years_later(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later; a 29 February falls on the 28th in a common year (``replace`` raised there)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _branch_basics() -> tuple[str, str, int]:
    """The new org's kind (a 小区党支部 unless the schema has none), name and member count, on one row."""
    kinds = _org_kinds()
    first = kinds.index("小区党支部") if "小区党支部" in kinds else 0
    c1, c2, c3 = st.columns([1, 2, 1])
    kind = c1.selectbox(t("组织类型", "Kind"), kinds, first, key="whatif_branch_kind")
    name = c2.text_input(t("名称", "Name"), key="whatif_branch_name", placeholder=t("如:太白花园小区党支部", "e.g. …"))
    members = c3.number_input(t("党员数", "Members"), 0, 10_000, 3, key="whatif_branch_members")
    return kind, name, members


def _gap_covers(kind: str, area: str | None) -> list[str]:
    """The gaps in the area that an org of this kind would close, offered to pick from; none for other kinds."""
    rule = KIND_RULE.get(kind)
    if not rule:
        return []
    rule_name = load_rules().rule(rule)
    options = _gap_options(rule, area)
    return st.multiselect(
        t(
            f"覆盖(本区域“{rule_name.zh}”缺口,{len(options)} 个)",
            f"Covers ({rule_name.en} gaps here: {len(options)})",
        ),
        list(options),
        key="whatif_branch_covers",
        placeholder=t("选择要覆盖的对象", "Choose places to cover"),
        format_func=lambda i: options.get(i, i),
    )


def _add_branch(kind: str, name: str, members: int, places: list[str], typed: str, superior: str | None) -> None:
    """Add the new org to the proposal once it has a name and a place, and no personal number was typed."""
    if _has_personal_numbers(name=("名称", "Name", name), ids=("覆盖对象编号", "Place ids", typed)):
        return
    if not name.strip():
        st.warning(t("请填写组织名称", "Give the org a name"))
    elif not places:
        st.warning(t("请至少选择一个覆盖对象", "Choose at least one place to cover"))
    else:
        item = {"type": "branch", "name": name.strip(), "kind": kind, "covers": places, "superior": superior}
        _add({**item, "members": members})


def agreement_form(area: str | None) -> None:
    options = _gap_options("community_agreement", area)
    if options:
        gaps = report(("community_agreement",), area).outcomes[0].gaps
        with st.expander(
            t(f"本区域无有效协议的社区({len(gaps)})", f"Communities here without an agreement ({len(gaps)})")
        ):
            frame = pd.DataFrame(
                [
                    {t("社区", "Community"): options[g.id], t("建议", "Suggestion"): t(g.action_zh, g.action_en)}
                    for g in gaps
                ]
            )
            st.dataframe(frame, hide_index=True, width="stretch", height=min(36 * (len(gaps) + 1) + 2, 300))
    a = _org(
        entity_picker(t("社区方党组织(按名称搜索)", "Community org (search)"), "whatif_party_a"), "签约方", "A party"
    )
    b = _org(
        entity_picker(t("驻区单位方党组织(按名称搜索)", "Unit org (search)"), "whatif_party_b"), "签约方", "A party"
    )
    c1, c2, c3 = st.columns([2, 1, 1])
    name = c1.text_input(t("协议名称(可不填)", "Agreement name (optional)"), key="whatif_agreement_name")
    signed = c2.date_input(t("签订日期", "Signed"), today(), key="whatif_signed")
    expires = c3.date_input(t("到期日期", "Expires"), _years_later(today(), 3), key="whatif_expires")
    if st.button(t("加入方案", "Add to proposal"), key="whatif_add_agreement", type="primary"):
        if _has_personal_numbers(name=("协议名称", "Agreement name", name)):
            return
        if not (a and b):
            st.warning(t("请选择两个签约党组织", "Choose both parties"))
        elif a == b:
            st.warning(t("两个签约方不能相同", "The two parties must differ"))
        elif expires <= signed:
            st.warning(t("到期日期须晚于签订日期", "The expiry must come after the signing date"))
        else:
            label = name.strip() or f"{proposed_name(a)}与{proposed_name(b)}共建协议"
            _add({"type": "agreement", "name": label, "parties": [a, b], "signed": signed, "expires": expires})


def joint_form(area: str | None) -> None:
    options = _gap_options("unit_org", area, reason="joint_branch_required")
    units = st.multiselect(
        t(
            f"纳入的单位(本区域应纳入联合党支部的单位,{len(options)} 个;最多 {JOINT_MAX} 个)",
            f"Units (here, needing a joint branch: {len(options)}; at most {JOINT_MAX})",
        ),
        list(options),
        key="whatif_joint_units",
        placeholder=t("选择单位", "Choose units"),  # no max_selections: Streamlit says that limit in English only
        format_func=lambda i: options.get(i, i),
    )
    name = st.text_input(t("联合党支部名称", "Joint branch name"), key="whatif_joint_name")
    superior = _org(
        entity_picker(t("上级党组织(按名称搜索)", "Superior org (search)"), "whatif_joint_superior"),
        "上级",
        "The superior",
    )
    if st.button(t("加入方案", "Add to proposal"), key="whatif_add_joint", type="primary"):
        if _has_personal_numbers(name=("联合党支部名称", "Joint branch name", name)):
            return
        if not name.strip():
            st.warning(t("请填写联合党支部名称", "Give the joint branch a name"))
        elif len(units) < 2:
            st.warning(t("联合党支部至少纳入两个单位", "A joint branch takes in at least two units"))
        elif len(units) > JOINT_MAX:
            st.warning(
                t(
                    f"联合党支部最多纳入 {JOINT_MAX} 个单位(已选 {len(units)} 个)",
                    f"A joint branch takes in at most {JOINT_MAX} units ({len(units)} chosen)",
                )
            )
        else:
            _add({"type": "joint", "name": name.strip(), "units": list(units), "superior": superior})
