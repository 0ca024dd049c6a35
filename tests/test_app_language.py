"""Every page in both languages, through AppTest on the real server with the demo region (issue 13: "a test walks
every page in both languages and fails on any string of the other language outside names").

Each page is driven to where it shows most (an area picked, a path searched, every ledger section, a what-if run, a
catalogue query run), then every text a person reads is gathered from the page's elements — titles, captions,
markdown, messages, labels, placeholders, help, the options of every picker, metrics, table headers and cells —
and the data is taken out of it: every string value of every record and tie (names, kinds, dates as stored) and
every value the schema allows. What is left must be in the viewer's language:

- 中文: no ASCII word other than an id (a word with a digit or an underscore: ``K01``, ``agreements_expiring``) or
  a product name (``NAMES``);
- English: no Han character at all.

Charts, drawn networks and Cypher code are left out: their words are names (the nodes), data or Cypher itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from app_harness import page_script, rerun
from google.protobuf.message import Message
from streamlit.testing.v1 import AppTest

from orggraph.ingest.graph_export import export_records
from orggraph.model.coverage_rules import load_rules
from orggraph.model.schema import load_schema

PAGES = ("overview", "hierarchy", "gaps", "coverage_map", "report_print", "paths", "ledger", "whatif", "cypher",
         "importer", "admin")  # fmt: skip
NAMES = {"Cypher", "CSV", "Excel", "PNG", "PDF", "MB", "ArcadeDB", "Neo4j", "orggraph", "queries", "xlsx",
         "csv"}  # fmt: skip  # products
# the ledger's own column (驻区单位) and the values a rule's detail takes (一肩挑, 交叉任职), quoted in the English
# descriptions of saved queries (queries/*.cypher) as a clerk sees them in the ledger and in the results
QUOTED = {"驻区单位", "一肩挑", "交叉任职"}
SWITCH = {"语言 / Language", "中文", "English"}  # the language switch names each language in its own
# markup in a markdown text (a legend's coloured swatches, a style sheet): not shown as words
TAG = re.compile(r"<style>.*?</style>|</?[a-z][^>]*>", re.S)
CODE = re.compile(r"`[^`]*`")  # a command or an identifier to type, marked as code
MASKED = re.compile(r"[\u3400-\u9fff]\*+")  # a person's name, masked (张**)
READ = {"body", "label", "placeholder", "help", "options", "captions", "content", "value", "caption", "text"}
SKIPPED = {"Code", "IFrame", "ArrowVegaLiteChart", "VegaLiteChart", "Json", "Html", "Progress", "Spinner"}
HAN = re.compile(r"[\u3400-\u9fff]")
WORD = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*")


def _strings(message: Message, wanted: bool = False) -> Iterator[str]:
    """The person-read strings of a proto: the fields named in READ, at any depth."""
    for field, value in message.ListFields():
        repeated = not isinstance(value, str | bytes | Message) and hasattr(value, "__len__")
        items = value if repeated else [value]
        for item in items:
            if isinstance(item, Message):
                yield from _strings(item, wanted or field.name in READ)
            elif isinstance(item, str) and (wanted or field.name in READ):
                yield item


def elements(at: AppTest) -> Iterator[Any]:
    """Every element of the page, depth first, less the ``SKIPPED`` kinds and what they hold."""
    stack = [at._tree]
    while stack:
        node = stack.pop()
        proto = getattr(node, "proto", None)
        if type(node).__name__ in SKIPPED or (proto is not None and proto.DESCRIPTOR.name in SKIPPED):
            continue
        yield node
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            stack.extend(reversed(list(children.values())))


def shown_texts(at: AppTest) -> list[str]:
    """Every text the page shows a person (see the module docstring), element by element."""
    texts: list[str] = []
    for node in elements(at):
        proto = getattr(node, "proto", None)
        if type(node).__name__ == "Dataframe":
            frame = node.value
            texts.extend(str(c) for c in frame.columns)
            texts.extend(str(v) for v in frame.to_numpy().ravel() if v is not None)
        elif proto is not None:
            texts.extend(_strings(proto))
    return texts


@pytest.fixture(scope="module")
def data_strings() -> list[str]:
    """Filled in by ``data`` (the store is a function-scoped fixture)."""
    return []


@pytest.fixture
def data(app_env, data_strings) -> list[str]:
    """Every string of the graph's records and ties and every value the schema allows, longest first."""
    if not data_strings:
        nodes, edges = export_records(app_env)
        values: set[str] = set()
        for props in [n.props for n in nodes] + [e.props for e in edges]:
            for value in props.values():
                values.update(v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str))
        schema = load_schema()
        for spec in [*schema.nodes.values(), *schema.relationships.values()]:
            values.update(e for p in spec.properties for e in (p.enum or ()))
        data_strings.extend(sorted((v for v in values | QUOTED if v.strip()), key=len, reverse=True))
    return data_strings


def bare_pickers(at: AppTest) -> list[str]:
    """The pickers that would show Streamlit's own English placeholder ("Choose an option", "No options to select"):
    a multiselect without a placeholder of ours, a selectbox without one and without options."""
    protos = [p for node in elements(at) if (p := getattr(node, "proto", None)) is not None]
    return [
        f"{p.DESCRIPTOR.name} {p.label!r}"
        for p in protos
        if p.DESCRIPTOR.name in ("MultiSelect", "Selectbox")
        and not p.placeholder
        and (p.DESCRIPTOR.name == "MultiSelect" or not p.options)
    ]


def logged(settings: Any) -> list[str]:
    """The account names, load ids and query names in the audit log (other tests' too): names and ids, as the admin
    page shows (a saved query's name is the analyst's own, e.g. test_read_only's ``string``; a CLI load's files are
    named by their paths)."""
    from orggraph.access import audit

    events = audit.read_events(settings.resolved_data_dir())
    named = {str(e[k]) for e in events for k in ("user", "load_id", "query") if e.get(k)}
    listed = [e["files"] for e in events if isinstance(e.get("files"), list)]  # (an export's is a count)
    files = {str(f) for names in listed for f in names}  # the ledgers a CLI load read, by their paths
    return sorted(named | files, key=len, reverse=True)


def strip_data(text: str, data: Iterable[str]) -> str:
    """``text`` less every data string in it (an ASCII one only as a whole word: the user ed is not in need_matches)."""
    for value in data:
        if value not in text:
            continue
        if value.isascii():
            text = re.sub(rf"(?<![\w-]){re.escape(value)}(?![\w-])", " ", text)
        else:
            text = text.replace(value, " ")
    return text


def foreign(texts: list[str], lang: str, data: list[str]) -> list[str]:
    """The texts holding a word of the other language once the data is taken out (the word shown after ⟶)."""
    found = []
    for text in dict.fromkeys(texts):
        if text in SWITCH or text in ("<NA>", "nan", "NaT"):
            continue
        rest = TAG.sub(" ", MASKED.sub(" ", CODE.sub(" ", strip_data(text, data))))
        if lang == "en":
            bad = HAN.findall(rest)
        else:
            bad = [
                w
                for w in WORD.findall(rest)
                if sum(c.isalpha() for c in w) >= 2 and not re.search(r"[\d_]", w) and w not in NAMES
            ]
        if bad:
            found.append(f"{text!r} ⟶ {bad[:3]}")
    return found


def _run(at: AppTest) -> AppTest:
    return rerun(at)


def drive(page: str, at: AppTest) -> Iterator[AppTest]:
    """The page at each place it is looked at (each yielded state is read)."""
    yield at
    if page == "hierarchy":
        for i, area in enumerate(("D01", "S01", "C01")):
            at.selectbox(key=f"hier_area_{i}").set_value(area)
            yield _run(at)
    elif page == "gaps":
        at.session_state["gaps_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
        yield _run(at)
    elif page == "coverage_map":
        at.session_state["map_clicked"] = "S01"  # a click on the street: its communities, their names and rates
        yield _run(at)
        at.selectbox(key="map_rule").set_value("service_circle")  # gaps with reasons and actions in the tooltips
        yield _run(at)
    elif page == "paths":
        at.text_input(key="paths_src_text").input("金城")
        yield _run(at)  # several matches listed: nothing chosen yet
        lang = "" if at.session_state["lang"] == "zh" else "_en"
        at.selectbox(key=f"paths_src_choice{lang}").set_value("PartyOrg:O04")
        at.text_input(key="paths_dst_text").input("金城小区")
        yield _run(at)
    elif page == "ledger":
        for section in ("communities", "commitments", "lists", "network"):
            at.segmented_control(key="ledger_section").set_value(section)
            yield _run(at)
    elif page == "whatif":
        at.multiselect(key="whatif_branch_covers").set_value(["K02"])
        at.text_input(key="whatif_branch_name").set_value("太白花园小区党支部")
        _run(at)
        at.button(key="whatif_add_branch").click()
        _run(at)
        at.button(key="whatif_run").click()
        yield _run(at)
        at.text_input(key="whatif_plan_name").set_value("太白花园")  # saved, listed and run again: a name of the data
        at.button(key="whatif_save").click()
        _run(at)
        at.button(key="whatif_rerun").click()
        yield _run(at)
    elif page == "cypher":
        at.button[0].click()
        yield _run(at)


@pytest.mark.parametrize("lang", ("zh", "en"))
@pytest.mark.parametrize("page", PAGES)
def test_every_page_speaks_one_language(data, settings, page, lang):
    at = AppTest.from_function(page_script, args=(page,), default_timeout=120)
    at.session_state["lang"] = lang
    at.session_state["gaps_rules"] = [r.id for r in load_rules().rules]  # every kind of reason shown
    problems: list[str] = []
    for state in drive(page, _run(at)):
        problems += foreign(shown_texts(state), lang, [*logged(settings), *data])
        problems += [f"{picker}: no placeholder of ours" for picker in bare_pickers(state)]
    assert not problems, f"{page} ({lang}) shows the other language:\n" + "\n".join(dict.fromkeys(problems))


def test_the_check_itself_finds_the_other_language_and_passes_names_and_ids():
    data = ["金城小区", "小区党支部"]
    assert foreign(
        ["覆盖缺口 Rule", "缺口 · K01 · agreements_expiring", "金城小区 · `orggraph user add`"], "zh", data
    ) == ["'覆盖缺口 Rule' ⟶ ['Rule']"]
    assert foreign(["Gaps of 金城小区 (小区党支部)", "张** · O10", "Gaps 缺口"], "en", data) == [
        "'Gaps 缺口' ⟶ ['缺', '口']"
    ]
