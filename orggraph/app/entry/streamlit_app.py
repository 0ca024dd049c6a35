"""The Streamlit script (navigation only; pages live in ``orggraph.app.pages``): ``orggraph serve`` runs this file
from the installed package; the checkout's ``app.py`` calls :func:`main` for ``streamlit run app.py`` and tests."""

import streamlit as st

from orggraph.app.pages import (
    admin,
    common,
    coverage_map,
    cypher,
    gaps,
    hierarchy,
    importer,
    ledger,
    login,
    overview,
    paths,
    report_print,
    streamlit_words,
    whatif,
)
from orggraph.app.pages.page_guard import guarded


def main() -> None:
    st.set_page_config(page_title="orggraph 基层党建图谱", layout="wide")
    streamlit_words.in_viewers_language()  # the login page's too
    user = None
    with guarded():  # the accounts file unreadable: said in words, and nothing else shown
        user = login.gate()  # the login page alone until someone logs in (local mode when no account exists)
    if user is None:
        st.stop()
    with guarded():  # the graph server gone: the sidebar's figures say so in words, the pages still listed
        common.sidebar()
    t = common.t
    page = st.navigation(
        [
            st.Page(overview.render, title=t("总览", "Overview"), url_path="overview", default=True),
            st.Page(hierarchy.render, title=t("组织架构", "Hierarchy"), url_path="hierarchy"),
            st.Page(gaps.render, title=t("覆盖缺口", "Coverage gaps"), url_path="gaps"),
            st.Page(coverage_map.render, title=t("覆盖地图", "Coverage map"), url_path=coverage_map.PAGE_URL),
            report_print.page(),
            st.Page(paths.render, title=t("联结路径", "Linkage paths"), url_path="paths"),
            st.Page(ledger.render, title=t("共建台账", "Co-building ledger"), url_path="ledger"),
            *(
                [st.Page(whatif.render, title=t("假设分析", "What-if"), url_path="whatif")]
                if user.may("whatif")
                else []
            ),
            st.Page(cypher.render, title=t("Cypher 查询", "Cypher queries"), url_path="cypher"),
            *(
                [st.Page(importer.render, title=t("数据导入", "Import"), url_path="import")]
                if user.may("import")
                else []
            ),
            *(
                [st.Page(admin.render, title=t("用户审计", "Users & audit"), url_path="admin")]
                if user.may("admin")
                else []
            ),
        ]
    )
    with guarded():  # a load open, the server gone, any failure: one message in words, never a stack trace
        page.run()


if __name__ == "__main__":  # how Streamlit runs a script
    main()
