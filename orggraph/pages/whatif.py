"""假设分析 What-if: build a proposal — a new branch covering places, a co-building agreement between two
orgs, a joint branch of small units — and see each coverage rule before and after (covered / total / rate,
gaps closed and opened). Nothing is written: ``orggraph.whatif.what_if`` runs the real rule queries inside
a transaction that is always rolled back.

UI only. The proposal is a list of plain items in ``st.session_state["whatif_items"]``, turned into an
``orggraph.whatif.Proposal`` when the comparison runs.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from orggraph.coverage_rules import load_rules
from orggraph.errors import OrgGraphError, ValidationError
from orggraph.pages.common import area_picker, coverage_index, entity_picker, report, store, t, version_key
from orggraph.schema import load_schema
from orggraph.whatif import Proposal, WhatIf, what_if

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
# The rules a proposal item can change (the default comparison when no rule is chosen).
ITEM_RULES = {
    "branch": ("compound_org", "grid_branch", "commercial_building_org", "org_superior", "org_secretary"),
    "agreement": ("community_agreement", "agreement_lapsed"),
    "joint": ("unit_org", "unit_work", "org_superior", "org_secretary"),
}
PREFIX = {"branch": "PROPOSED-B", "agreement": "PROPOSED-A", "joint": "PROPOSED-J"}
JOINT_MAX = load_rules().joint_branch_max_units  # the rules file's limit, not a second copy of it


def _error(exc: OrgGraphError) -> None:
    st.error(t(exc.zh, exc.en))


def _org_kinds() -> list[str]:
    return list(load_schema().node("PartyOrg").property("kind").enum or ())


def _gap_options(rule: str, area: str | None, reason: str | None = None) -> dict[str, str]:
    """Gap id → "name · area chain" for one rule's gaps inside the area (the cached gap report)."""
    gaps = [g for g in report((rule,), area).outcomes[0].gaps if reason is None or g.reason == reason]
    st.session_state["whatif_names"].update((g.id, g.name) for g in gaps)
    return {g.id: f"{g.name}({g.id} · {g.chain_text()})" for g in gaps}


def _name(node_id: str | None) -> str:
    """A node of the proposal shown by name (its id when the page never saw its name)."""
    return st.session_state["whatif_names"].get(node_id, node_id) if node_id else ""


def _picked(entity):
    """The picked entity, its name remembered for the proposal list."""
    if entity is not None:
        st.session_state["whatif_names"][entity.id] = entity.name
    return entity


def _add(item: dict) -> None:
    st.session_state["whatif_seq"] += 1
    item["id"] = f"{PREFIX[item['type']]}{st.session_state['whatif_seq']}"
    st.session_state["whatif_items"].append(item)
    st.session_state["whatif_result"] = None
    st.toast(t(f"已加入方案:{item['name']}", f"Added to the proposal: {item['name']}"))


def _org(entity, what_zh: str, what_en: str) -> str | None:
    """The id of a picked party org; anything else is a warning."""
    if _picked(entity) is None:
        return None
    if entity.label != "PartyOrg":
        st.warning(t(f"{what_zh}须为党组织:{entity.name} 不是", f"{what_en} must be a party org: {entity.name} is not"))
        return None
    return entity.id


def _branch_form(area: str | None) -> None:
    kinds = _org_kinds()
    st.session_state.setdefault("whatif_branch_kind", "小区党支部" if "小区党支部" in kinds else kinds[0])
    c1, c2, c3 = st.columns([1, 2, 1])
    kind = c1.selectbox(t("组织类型", "Kind"), kinds, key="whatif_branch_kind")
    name = c2.text_input(t("名称", "Name"), key="whatif_branch_name", placeholder=t("如:太白花园小区党支部", "e.g. …"))
    st.session_state.setdefault("whatif_branch_members", 3)
    members = c3.number_input(t("党员数", "Members"), 0, 10_000, key="whatif_branch_members")
    covers: list[str] = []
    if rule := KIND_RULE.get(kind):
        rule_name = load_rules().rule(rule)
        options = _gap_options(rule, area)
        covers = st.multiselect(
            t(
                f"覆盖(本区域“{rule_name.zh}”缺口,{len(options)} 个)",
                f"Covers ({rule_name.en} gaps here: {len(options)})",
            ),
            list(options),
            key="whatif_branch_covers",
            placeholder=t("选择要覆盖的对象", "Choose places to cover"),
            format_func=lambda i, o=options: o.get(i, i),
        )
    c1, c2 = st.columns(2)
    with c1:
        place = _picked(entity_picker(t("另选覆盖对象(按名称搜索)", "Another place to cover (search)"), "whatif_place"))
    typed = c2.text_input(t("或输入覆盖对象编号(逗号分隔)", "Or place ids (comma-separated)"), key="whatif_branch_ids")
    with st.columns(2)[0]:
        superior = _org(
            entity_picker(t("上级党组织(按名称搜索)", "Superior org (search)"), "whatif_superior"),
            "上级",
            "The superior",
        )
    if st.button(t("加入方案", "Add to proposal"), key="whatif_add_branch", type="primary"):
        places = [*covers, *([place.id] if place else []), *[x.strip() for x in typed.replace(",", ",").split(",")]]
        places = list(dict.fromkeys(p for p in places if p))
        if not name.strip():
            st.warning(t("请填写组织名称", "Give the org a name"))
        elif not places:
            st.warning(t("请至少选择一个覆盖对象", "Choose at least one place to cover"))
        else:
            _add(
                {
                    "type": "branch",
                    "name": name.strip(),
                    "kind": kind,
                    "covers": places,
                    "superior": superior,
                    "members": int(members),
                }
            )


def _agreement_form(area: str | None) -> None:
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
    c1, c2 = st.columns(2)
    with c1:
        a = _org(
            entity_picker(t("社区方党组织(按名称搜索)", "Community org (search)"), "whatif_party_a"),
            "签约方",
            "A party",
        )
    with c2:
        b = _org(
            entity_picker(t("驻区单位方党组织(按名称搜索)", "Unit org (search)"), "whatif_party_b"), "签约方", "A party"
        )
    st.session_state.setdefault("whatif_signed", dt.date.today())
    st.session_state.setdefault("whatif_expires", dt.date.today().replace(year=dt.date.today().year + 3))
    c1, c2, c3 = st.columns([2, 1, 1])
    name = c1.text_input(t("协议名称(可不填)", "Agreement name (optional)"), key="whatif_agreement_name")
    signed = c2.date_input(t("签订日期", "Signed"), key="whatif_signed")
    expires = c3.date_input(t("到期日期", "Expires"), key="whatif_expires")
    if st.button(t("加入方案", "Add to proposal"), key="whatif_add_agreement", type="primary"):
        if not (a and b):
            st.warning(t("请选择两个签约党组织", "Choose both parties"))
        elif a == b:
            st.warning(t("两个签约方不能相同", "The two parties must differ"))
        elif expires <= signed:
            st.warning(t("到期日期须晚于签订日期", "The expiry must come after the signing date"))
        else:
            label = name.strip() or f"{_name(a)}与{_name(b)}共建协议"
            _add({"type": "agreement", "name": label, "parties": [a, b], "signed": signed, "expires": expires})


def _joint_form(area: str | None) -> None:
    options = _gap_options("unit_org", area, reason="joint_branch_required")
    units = st.multiselect(
        t(
            f"纳入的单位(本区域应纳入联合党支部的单位,{len(options)} 个;最多 {JOINT_MAX} 个)",
            f"Units (here, needing a joint branch: {len(options)}; at most {JOINT_MAX})",
        ),
        list(options),
        key="whatif_joint_units",
        placeholder=t("选择单位", "Choose units"),
        max_selections=JOINT_MAX,
        format_func=lambda i: options.get(i, i),
    )
    c1, c2 = st.columns(2)
    name = c1.text_input(t("联合党支部名称", "Joint branch name"), key="whatif_joint_name")
    with c2:
        superior = _org(
            entity_picker(t("上级党组织(按名称搜索)", "Superior org (search)"), "whatif_joint_superior"),
            "上级",
            "The superior",
        )
    if st.button(t("加入方案", "Add to proposal"), key="whatif_add_joint", type="primary"):
        if not name.strip():
            st.warning(t("请填写联合党支部名称", "Give the joint branch a name"))
        elif len(units) < 2:
            st.warning(t("联合党支部至少纳入两个单位", "A joint branch takes in at least two units"))
        else:
            _add({"type": "joint", "name": name.strip(), "units": list(units), "superior": superior})


def build_proposal(items: list[dict]) -> tuple[Proposal, list[int]]:
    """The proposal, and for each tie (in order) the number of the item it came from."""
    proposal, tie_item = Proposal(), []
    for n, item in enumerate(items, start=1):
        if item["type"] == "branch":
            proposal.add_branch(
                item["id"], item["name"], item["kind"], item["covers"], item["superior"], item["members"]
            )
        elif item["type"] == "agreement":
            proposal.add_agreement(item["id"], item["name"], item["parties"], item["signed"], item["expires"])
        else:
            proposal.add_joint_branch(item["id"], item["name"], item["units"], item["superior"])
        tie_item += [n] * (len(proposal.ties) - len(tie_item))
    return proposal, tie_item


def _describe(item: dict) -> str:
    superior = f" ← {_name(item['superior'])}" if item.get("superior") else ""
    if item["type"] == "branch":
        return f"{item['kind']} · {t('覆盖', 'covers')} {'、'.join(map(_name, item['covers']))}{superior}"
    if item["type"] == "agreement":
        return f"{' ⇄ '.join(map(_name, item['parties']))} · {item['signed']} ~ {item['expires']}"
    return f"{t('纳入', 'takes in')} {'、'.join(map(_name, item['units']))}{superior}"


def _proposal_list() -> None:
    items = st.session_state["whatif_items"]
    st.subheader(t(f"当前方案({len(items)} 项)", f"The proposal ({len(items)} items)"))
    if not items:
        st.info(
            t(
                "方案为空:在上方加入新建党组织、共建协议或联合党支部",
                "Empty: add a branch, an agreement or a joint branch above",
            )
        )
        return
    rows = [
        {
            t("序号", "No."): n,
            t("类型", "Type"): t(*KINDS[i["type"]]),
            t("编号", "Id"): i["id"],
            t("名称", "Name"): i["name"],
            t("内容", "Details"): _describe(i),
        }
        for n, i in enumerate(items, start=1)
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    c1, c2, _ = st.columns([1, 1, 4])
    if c1.button(t("移除最后一项", "Remove the last"), key="whatif_pop"):
        items.pop()
        st.session_state["whatif_result"] = None
        st.rerun()
    if c2.button(t("清空方案", "Clear the proposal"), key="whatif_clear"):
        items.clear()
        st.session_state["whatif_result"] = None
        st.rerun()


def _rules(items: list[dict]) -> list[str]:
    chosen = st.session_state.get("whatif_rules") or []
    if chosen:
        return list(chosen)
    wanted = {r for i in items for r in ITEM_RULES[i["type"]]}
    return [r.id for r in load_rules().rules if r.id in wanted]


def _compare(area: str | None) -> None:
    items = st.session_state["whatif_items"]
    book = load_rules()
    c1, c2 = st.columns([1, 3])
    as_of = c1.date_input(t("截至日期", "As of"), key="whatif_as_of")
    c2.multiselect(
        t("比较的规则", "Rules compared"),
        [r.id for r in book.rules],
        key="whatif_rules",
        placeholder=t("不选:与方案相关的规则", "None chosen: the rules the proposal touches"),
        format_func=lambda r: t(book.rule(r).zh, book.rule(r).en),
    )
    if st.button(
        t("计算实施前后的覆盖率", "Compare coverage before and after"),
        key="whatif_run",
        type="primary",
        disabled=not items,
    ):
        proposal, tie_item = build_proposal(items)
        try:
            with st.spinner(t("正在计算(不写入图谱)…", "Comparing (nothing is written)…")):
                rules = _rules(items)
                before = report(tuple(rules or ()), area, as_of)  # cached: only "after" runs the rule queries
                result = what_if(store(), proposal, rules, area, as_of, coverage_index(version_key()), before)
            st.session_state["whatif_result"] = {"rows": change_rows(result), "problems": None}
        except ValidationError as exc:
            st.session_state["whatif_result"] = {"rows": None, "problems": problem_rows(exc, items, tie_item)}
        except OrgGraphError as exc:
            _error(exc)
    _show_result()


def change_rows(result: WhatIf) -> list[dict]:
    """Per rule: covered / total / rate before and after, and the gaps closed and opened (with names)."""
    names = {g.id: g.name for g in [*result.before.gaps(), *result.after.gaps()]}
    rows = []
    for c in result.changes():
        (cb, tb, rb), (ca, ta, ra) = c["before"], c["after"]
        rows.append(
            {
                "rule": c["rule"].id,
                "name": t(c["rule"].zh, c["rule"].en),
                "before": f"{cb}/{tb}",
                "before_rate": _pct(rb),
                "after": f"{ca}/{ta}",
                "after_rate": _pct(ra),
                "delta": f"{ca - cb:+d}",
                "change": f"{(ra - rb) * 100:+.2f}" if ra is not None and rb is not None else "",
                "closed": "、".join(f"{names.get(i, i)}({i})" for i in c["closed"]),
                "opened": "、".join(f"{names.get(i, i)}({i})" for i in c["opened"]),
            }
        )
    return rows


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.1%}"


def problem_rows(exc: ValidationError, items: list[dict], tie_item: list[int]) -> list[dict]:
    """The proposal's problems, each named by the item (number and name) it came from."""
    rows = []
    for issue in exc.issues:
        n = tie_item[issue.row - 1] if issue.row and issue.row <= len(tie_item) else None
        rows.append(
            {
                t("方案项", "Item"): f"{n}. {items[n - 1]['name']}" if n else "",
                t("关系", "Tie"): issue.column or "",
                t("值", "Value"): "" if issue.value is None else str(issue.value),
                "问题": issue.zh,
                "problem": issue.en,
            }
        )
    return rows


def _show_result() -> None:
    result = st.session_state.get("whatif_result")
    if not result:
        return
    if result["problems"]:
        st.error(t("方案有误,未计算:", "The proposal has problems; nothing was compared:"))
        st.dataframe(pd.DataFrame(result["problems"]), hide_index=True, width="stretch")
        return
    st.subheader(t("实施前后的覆盖情况(未写入图谱)", "Coverage before and after (nothing written)"))
    columns = [
        ("name", "规则", "Rule"),
        ("before", "实施前 覆盖/总数", "Before covered/total"),
        ("before_rate", "实施前覆盖率", "Rate before"),
        ("after", "实施后 覆盖/总数", "After covered/total"),
        ("after_rate", "实施后覆盖率", "Rate after"),
        ("delta", "覆盖数变化", "Covered change"),
        ("change", "覆盖率变化(百分点)", "Rate change (points)"),
        ("closed", "消除的缺口", "Gaps closed"),
        ("opened", "新增的缺口", "Gaps opened"),
    ]
    frame = pd.DataFrame([{t(zh, en): r[k] for k, zh, en in columns} for r in result["rows"]])
    st.dataframe(frame, hide_index=True, width="stretch")


def render() -> None:
    st.title(t("假设分析", "What-if"))
    st.caption(
        t(
            "设想新建党组织、签订共建协议或组建联合党支部,看覆盖率如何变化;不会写入图谱。",
            "Propose a branch, an agreement or a joint branch and see coverage change; nothing is written.",
        )
    )
    st.session_state.setdefault("whatif_items", [])
    st.session_state.setdefault("whatif_names", {})
    st.session_state.setdefault("whatif_seq", 0)
    st.session_state.setdefault("whatif_result", None)
    st.session_state.setdefault("whatif_kind", "branch")
    st.session_state.setdefault("whatif_as_of", dt.date.today())
    try:
        st.caption(t("区域:缩小可选的缺口和比较范围", "Area: narrows the gaps offered and the comparison"))
        area = area_picker("whatif_area")
        kind = st.segmented_control(
            t("加入方案", "Add"), list(KINDS), key="whatif_kind", required=True, format_func=lambda k: t(*KINDS[k])
        )
        {"branch": _branch_form, "agreement": _agreement_form, "joint": _joint_form}[kind or "branch"](area)
        st.divider()
        _proposal_list()
        _compare(area)
    except OrgGraphError as exc:
        _error(exc)
