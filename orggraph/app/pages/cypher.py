"""Cypher 查询 Saved queries: pick a named script from ``queries/``, fill a form generated from its declared
parameters (text, number, date or checkbox by type; defaults from its ``:param`` lines), run it read-only,
see the rows as a table and download them as CSV.

UI only: the catalogue is ``orggraph.analysis.query_catalogue`` and the run goes through ``common.query`` (cached per
graph state; ``run_query`` refuses any statement that would write).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd
import streamlit as st

from orggraph.access.audit import query_detail
from orggraph.analysis.query_catalogue import TODAY, Parameter, Query, load_catalogue
from orggraph.app.pages import common, session
from orggraph.app.pages.common import choice_key, lang, query, remember, show_error, t, today
from orggraph.model.errors import OrgGraphError
from orggraph.present.app_words import column_words, parameter_help, parameter_label, value_words
from orggraph.present.column_names import column_title

MAX_SHOWN = 10_000  # rows drawn in the table; the CSV holds them all
MAX_CELL = 300  # characters of a nested value shown in a cell


@st.cache_resource(ttl=60, show_spinner=False)
def _catalogue() -> dict[str, Query]:
    return load_catalogue()


def _default(p: Parameter) -> Any:
    if p.default is TODAY:
        return today()
    if p.type == "boolean":
        return bool(p.default)
    if p.type == "string":
        return "" if p.default is None else str(p.default)
    return p.default


def _widget(q: Query, p: Parameter) -> Any:
    """One form field for a parameter, typed by its declaration; its session key names query and parameter. Its
    default is the widget's own value: the browser falls back to it (a number box to its minimum otherwise)."""
    key = f"cypher_p_{q.name}_{p.name}"
    value = _default(p)
    label = param_label(p, lang())
    help_text = parameter_help(p, lang())
    if p.type == "integer":
        return st.number_input(label, value=value, step=1, key=key, help=help_text)
    if p.type == "float":
        return st.number_input(label, value=value, key=key, help=help_text, format="%g")
    if p.type == "date":
        return st.date_input(
            label, value, key=key, help=help_text, min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 1, 1)
        )
    if p.type == "boolean":
        return st.checkbox(label, value, key=key, help=help_text)
    return st.text_input(label, value, key=key, help=help_text)


def param_label(p: Parameter, language: str) -> str:
    """A parameter as a clerk reads it (``app_words.parameter_label``); its identifier and type are in the help."""
    return parameter_label(p, language)


def given_values(q: Query, values: dict[str, Any]) -> dict[str, Any]:
    """The values to bind: a blank field is left out (its default applies, or a required one is reported)."""
    out = {}
    for p in q.parameters:
        value = values.get(p.name)
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "":
            continue
        out[p.name] = int(value) if p.type == "integer" else value
    return out


def _cell(value: Any) -> Any:
    """A list of plain values as one text (、 between them); anything more nested as JSON."""
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return "、".join(map(str, value))
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def result_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Rows as a table: nested values as JSON text, and a column holding values of several types as text (so
    every column has one type). The person names the query declares come masked from ``common.query``."""
    shown = [{k: _cell(value_words(v, lang())) for k, v in r.items()} for r in rows]
    frame = pd.DataFrame(shown, columns=list(rows[0]) if rows else None)
    frame.columns = [column_title(c, lang()) for c in frame.columns]
    for col in frame.columns:
        kinds = {type(v) for v in frame[col] if v is not None and not (isinstance(v, float) and pd.isna(v))}
        if len(kinds) > 1:
            frame[col] = frame[col].map(lambda v: None if v is None else str(v))
    return frame


def _describe(q: Query) -> None:
    st.markdown(f"**{column_words(q.zh if lang() == 'zh' else q.en, lang())}**")
    with st.expander(t("查看 Cypher 语句(只读执行)", "Show the Cypher (run read-only)")):
        st.code(q.text, language="cypher")


def _form(q: Query) -> None:
    with st.form(f"cypher_form_{q.name}"):
        if q.parameters:
            st.caption(t("带 * 的参数必填", "Parameters marked * are required"))
        values = {p.name: _widget(q, p) for p in q.parameters}
        if not q.parameters:
            st.caption(t("此查询没有参数", "This query takes no parameters"))
        if st.form_submit_button(t("运行查询", "Run"), type="primary"):
            st.session_state["cypher_run"] = {"name": q.name, "params": given_values(q, values)}


def _results(q: Query) -> None:
    run = st.session_state.get("cypher_run")
    if not run or run["name"] != q.name:
        return
    try:
        with st.spinner(t(f"正在只读执行查询 {q.name}……", f"Running {q.name} read-only…")):
            rows = query(q.name, **run["params"])
    except OrgGraphError as exc:
        show_error(exc)
        return
    if not run.get("logged"):
        session.record("query", **query_detail(q.name, run["params"], len(rows)))
        run["logged"] = True
    if not rows:
        st.info(t("查询没有返回结果", "The query returned no rows"))
        return
    frame = result_frame(rows)
    st.success(t(f"共 {len(rows)} 行", f"{len(rows)} rows"))
    if len(frame) > MAX_SHOWN:
        st.caption(
            t(f"表格只显示前 {MAX_SHOWN} 行,下载的 CSV 含全部", f"Showing the first {MAX_SHOWN}; the CSV has all")
        )
    shown = frame.head(MAX_SHOWN).map(lambda v: v[:MAX_CELL] + "…" if isinstance(v, str) and len(v) > MAX_CELL else v)
    st.dataframe(shown, hide_index=True, width="stretch", placeholder="—")
    common.table_downloads(frame, t(f"查询结果 {q.name}", f"Query result {q.name}"), "cypher_download")


def render() -> None:
    st.title(t("Cypher 查询", "Cypher queries"))
    st.caption(
        t(
            "选择 queries/ 中保存的查询,填写参数后只读执行",
            "Pick a saved query from queries/, fill in its parameters, run it read-only",
        )
    )
    try:
        with st.spinner(t("正在读取查询目录……", "Reading the query catalogue…")):
            catalogue = _catalogue()
    except OrgGraphError as exc:
        show_error(exc)
        return
    names = list(catalogue)
    first = "agreements_expiring" if "agreements_expiring" in names else names[0]
    language = lang()  # this run's: the selectbox keeps the texts it was drawn with
    shown = {
        n: f"{n} · {column_words(catalogue[n].zh if language == 'zh' else catalogue[n].en, language)}" for n in names
    }
    name = remember(
        "cypher_query",
        st.selectbox(t("查询", "Query"), names, key=choice_key("cypher_query", first), format_func=shown.__getitem__),
    )
    q = catalogue[name if name in catalogue else first]
    _describe(q)
    _form(q)
    _results(q)
