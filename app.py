"""orggraph 应用入口 / the Streamlit entry: navigation only; pages live in orggraph.pages."""

import streamlit as st

from orggraph.pages import common, cypher, gaps, hierarchy, importer, ledger, overview, paths, whatif

st.set_page_config(page_title="orggraph 基层党建图谱", layout="wide")
common.sidebar()
t = common.t
page = st.navigation(
    [
        st.Page(overview.render, title=t("总览", "Overview"), url_path="overview", default=True),
        st.Page(hierarchy.render, title=t("组织架构", "Hierarchy"), url_path="hierarchy"),
        st.Page(gaps.render, title=t("覆盖缺口", "Coverage gaps"), url_path="gaps"),
        st.Page(paths.render, title=t("联结路径", "Linkage paths"), url_path="paths"),
        st.Page(ledger.render, title=t("共建台账", "Co-building ledger"), url_path="ledger"),
        st.Page(whatif.render, title=t("假设分析", "What-if"), url_path="whatif"),
        st.Page(cypher.render, title=t("Cypher 查询", "Cypher queries"), url_path="cypher"),
        st.Page(importer.render, title=t("数据导入", "Import"), url_path="import"),
    ]
)
page.run()
