"""总览 Overview: what the graph holds (coverage rates arrive with the gap engine)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from orggraph.pages.common import store, t
from orggraph.schema import load_schema


@st.cache_data(ttl=60)
def _counts() -> dict[str, int]:
    return store().node_counts()


def render() -> None:
    schema = load_schema()
    st.title(t("基层党建组织图谱 · 总览", "Grassroots party organizations · Overview"))
    counts = _counts()
    cols = st.columns(4)
    headline = [
        ("PartyOrg", "党组织", "Party orgs"),
        ("Community", "社区", "Communities"),
        ("Compound", "小区", "Compounds"),
        ("Unit", "单位", "Units"),
    ]
    for col, (label, zh, en) in zip(cols, headline, strict=True):
        col.metric(t(zh, en), counts.get(label, 0))
    rows = [
        {t("类型", "Label"): t(spec.zh, spec.en), "label": label, t("数量", "Count"): counts.get(label, 0)}
        for label, spec in schema.nodes.items()
        if spec.group != "bookkeeping"
    ]
    st.subheader(t("各类节点数量", "Nodes per label"))
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", height=36 * (len(rows) + 1) + 2)
