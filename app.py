"""orggraph 应用入口 / the Streamlit entry: navigation only; pages live in orggraph.pages."""

import streamlit as st

from orggraph.pages import common, overview

st.set_page_config(page_title="orggraph 基层党建图谱", layout="wide")
common.sidebar()
page = st.navigation([st.Page(overview.render, title="总览 Overview", url_path="overview", default=True)])
page.run()
