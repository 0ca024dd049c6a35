"""共驻共建 in a synthetic street: agreements between communities and stationed units, needs, and projects.

Why apart: these ties are drawn once a community's places and the street's stationed units exist, from the
pools the street kept (its stationed units, their resources); they are what the coverage and linkage analyses
read.
"""

from __future__ import annotations

import datetime as dt
import random

from loaders import chinese_names as cn
from loaders.region_builder import Builder, Community, Ref, Street, Unit, weighted, years_after
from orggraph.model.schema import load_schema

_WORDS = {group: tuple(words) for group, words in load_schema().synonyms["category"].items()}


def co_building(b: Builder, st: Street, cm: Community) -> None:
    """共驻共建: an urban community signs with ~6–11 stationed units' orgs (≈8–9), a village with 0–4."""
    rng = b.rng
    if cm.urban:
        count = 0 if rng.random() < 0.03 else rng.randint(6, 11)
    else:
        count = 0 if rng.random() < 0.12 else rng.randint(1, 4)
    for s in rng.sample(st.stationed, min(count, len(st.stationed))):
        cm.partners[s.ref[1]] = _agreement(b, cm, s)


def _agreement(b: Builder, cm: Community, s: Unit) -> Ref:
    """An agreement signed by both orgs, with 1–3 commitments (≈1.9); some have lapsed unnoticed."""
    rng = b.rng
    signed = b.ago(20, 4 * 365)
    expires = years_after(signed, rng.choice((1, 2, 2, 3, 3)))
    if expires >= b.today:
        status = "已终止" if rng.random() < 0.03 else "履行中"
    else:  # 履行中 past its expiry: lapsed unnoticed
        status = weighted(rng, {"已到期": 75, "履行中": 20, "已终止": 5})
    props = {"name": f"{cm.name}与{s.name}共建协议", "signed": signed, "expires": expires, "status": status}
    ref = b.node("Agreement", props)
    b.edge("SIGNED_BY", ref, cm.org, role="社区方")
    b.edge("SIGNED_BY", ref, s.own_org, role="驻区单位方")
    for _ in range(rng.choices((1, 2, 3), (3, 5, 2))[0]):
        due = signed + dt.timedelta(days=rng.randint(60, (expires - signed).days))
        done = (
            ("已完成" if rng.random() < 0.8 else "进行中")
            if due < b.today
            else weighted(rng, {"进行中": 3, "未开始": 1})
        )
        commitment = b.node("Commitment", {"name": cn.pick(rng, cn.COMMITMENTS), "due": due, "status": done})
        b.edge("UNDER", commitment, ref)
        b.edge("COMMITTED_BY", commitment, s.own_org if rng.random() < 0.8 else cm.org)
    return ref


def needs(b: Builder, st: Street, cm: Community) -> None:
    """需求清单: a need a partner's resource can meet becomes a project under that agreement; the rest wait,
    and needs in a category nobody in the street offers stay unmet."""
    rng = b.rng
    raisers = [(cm.ref, cm.name), (cm.org, cm.name)] + [(p[0], p[1]) for p in cm.places]
    for _ in range(rng.randint(2, 5) if cm.urban else rng.randint(1, 2)):
        cat = cn.pick(rng, tuple(cn.NEEDS))
        raiser, place = b.pick(raisers)

        def make(r: random.Random, c: str = cat, p: str = place) -> str:
            return p + cn.pick(r, cn.NEEDS[c])

        name = cn.unique(rng, make, cm.used)
        offers = [(res, cm.partners[s.ref[1]]) for res, s in st.resources.get(cat, ()) if s.ref[1] in cm.partners]
        met = bool(offers) and rng.random() < 0.85
        status = weighted(rng, {"已认领": 1, "已完成": 1}) if met else "待认领"
        props = {"name": name, "category": cat, "raised": b.ago(60, 900), "status": status}
        if b.side.random() < 0.2:  # the clerk wrote their own word (类别原文), mapped to its group
            props["category_text"] = cn.pick(b.side, _WORDS[cat])
        need = b.node("Need", props)
        b.edge("RAISED_BY", need, raiser)
        if met:
            start = b.ago(10, 700)
            state = "已完成" if status == "已完成" else "实施中"
            props = {"name": name + "项目", "start": start, "end": start + dt.timedelta(days=rng.randint(60, 500))}
            project = b.node("Project", {**props, "status": state})
            resource, agreement = offers[0]
            b.edge("UNDER", project, agreement)
            b.edge("FULFILLS", project, need)
            b.edge("USES", project, resource)
