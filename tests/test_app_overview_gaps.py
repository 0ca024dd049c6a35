"""The overview and coverage-gaps pages through AppTest, on the session's real server with the demo region.

Expected numbers come from the gap engine run on the same store (and, for the areas ranked by gaps and
the agreements, from the store's own rows added up here), not from the pages' own helpers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from app_harness import rerun
from fixed_date import TODAY
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

from orggraph.analysis.coverage import GapReport, gap_report
from orggraph.model.coverage_rules import load_rules

APP = str(Path(__file__).resolve().parent.parent / "app.py")
# the gaps page as app.py runs it (the sidebar, then the page function), without going through the overview
GAPS_PAGE = "from orggraph.app.pages import common, gaps\ncommon.sidebar()\ngaps.render()\n"


@pytest.fixture
def expected(app_env, demo_store) -> GapReport:
    return gap_report(demo_store, as_of=TODAY)


def overview() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    return at


def gaps_page(every_rule: bool = True) -> AppTest:
    """The gaps page with every rule chosen (it starts with one: ``every_rule=False``)."""
    at = AppTest.from_string(GAPS_PAGE, default_timeout=60)
    if every_rule:
        at.session_state["gaps_rules"] = [r.id for r in load_rules().rules]
    return rerun(at)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.main.caption]


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    """The (last) table on the page that has this column."""
    tables = [d.value for d in at.dataframe if column in d.value.columns]
    assert tables, f"no table with a column {column!r}"
    return tables[-1]


def chart_frames(at: AppTest) -> list[pd.DataFrame]:
    """The data behind each vega-lite chart on the page, in page order."""
    frames = []
    for chart in at.get("vega_lite_chart"):
        if chart.proto.datasets:
            frames.append(dataframe_util.convert_arrow_bytes_to_pandas_df(chart.proto.datasets[0].data.data))
        else:
            spec = json.loads(chart.proto.spec)
            frames.append(pd.DataFrame(next(iter(spec["datasets"].values()))))
    return frames


def gap_ids(at: AppTest) -> list[str]:
    return list(table_with(at, "建议")["编号"]) if any("建议" in d.value.columns for d in at.dataframe) else []


def drawn_nodes(at: AppTest) -> list[dict]:
    """The nodes in the pyvis drawing on the page."""
    frames = at.get("iframe")
    assert frames, "no network drawn"
    html = frames[-1].proto.srcdoc
    return json.loads(re.search(r"nodes = new vis\.DataSet\((\[.*?\])\);", html, re.S).group(1))


def select_gap(at: AppTest, row: int) -> AppTest:
    at.session_state["gaps_table"] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    return rerun(at)


def rule_name(rule_id: str) -> str:
    return load_rules().rule(rule_id).zh


# ---- overview ------------------------------------------------------------------------------------------


def test_overview_headline_and_rates_per_rule(expected, demo_store):
    at = overview()
    shown = metrics(at)
    n_gaps = sum(len(o.gaps) for o in expected.outcomes)
    assert n_gaps == 44  # the demo region's hand-checked total (43, and the county committee O00 with no term start)
    assert shown["覆盖缺口"] == str(n_gaps)
    assert shown["未达标规则"] == f"{sum(o.covered < o.total for o in expected.outcomes)} / 17" == "14 / 17"
    assert shown["共建协议"] == "2" and shown["党组织"] == "15"
    expires = [r["e"] for r in demo_store.read("MATCH (a:Agreement) RETURN a.expires AS e")]
    soon = sum(TODAY <= e <= TODAY + dt.timedelta(days=90) for e in expires)
    assert shown["90天内到期协议"] == str(soon)
    assert shown["已过期协议"] == str(sum(e < TODAY for e in expires))
    rules = table_with(at, "覆盖率")
    assert list(rules["规则"]) == [o.rule.zh for o in expected.outcomes]
    assert list(rules["缺口"]) == [len(o.gaps) for o in expected.outcomes]
    assert list(rules["覆盖率"]) == pytest.approx([o.rate for o in expected.outcomes], abs=5e-4)  # shown to 0.1%
    bars = chart_frames(at)[0]  # the rate-per-rule chart: one bar per rule with anything to cover
    assert dict(zip(bars["id"], bars["rate"], strict=True)) == pytest.approx(
        {o.rule.id: o.rate for o in expected.outcomes if o.total}
    )
    assert [s.value for s in at.subheader][:4] == ["各规则覆盖率", "覆盖率趋势", "各街道覆盖率", "缺口最多的区域"]


def test_overview_rates_per_street_follow_the_chosen_rule_and_lead_to_its_gaps(expected):
    at = overview()
    at.selectbox(key="overview_rule").set_value("grid_branch")
    rerun(at)
    streets = chart_frames(at)[1]
    outcome = next(o for o in expected.outcomes if o.rule.id == "grid_branch")
    want = {a.area.name: a.covered / a.total for a in outcome.areas["Street"]}
    assert dict(zip(streets["name"], streets["rate"], strict=True)) == pytest.approx(want)
    assert want == pytest.approx({"太白街道": 2 / 3, "古槐街道": 0.0})
    at.button(key="overview_street_go").click()
    rerun(at)
    assert at.title[0].value == "覆盖缺口"
    assert at.multiselect(key="gaps_rules").value == ["grid_branch"]
    assert gap_ids(at) == [g.id for g in outcome.gaps] == ["G02", "G04"]


def test_overview_rule_row_leads_to_that_rules_gaps(expected):
    at = overview()
    at.session_state["overview_rules_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    rerun(at)
    go = at.button(key="overview_rule_go")
    assert go.label == "查看「小区党组织覆盖」的缺口 →"
    go.click()
    rerun(at)
    assert at.multiselect(key="gaps_rules").value == ["compound_org"]
    assert gap_ids(at) == ["K02", "K03", "K04"]


def _gaps_per_area(report: GapReport, level: str) -> dict[str, int]:
    out: Counter[str] = Counter()
    for o in report.outcomes:
        for a in o.areas.get(level, ()):
            out[a.area.name] += a.total - a.covered
    return dict(out)


def test_overview_areas_with_most_gaps_by_street_and_community(expected, demo_store):
    at = overview()
    worst = table_with(at, "应覆盖")
    assert dict(zip(worst["区域"], worst["缺口"], strict=True)) == _gaps_per_area(expected, "Street")
    assert list(worst["区域"]) == ["太白街道", "古槐街道"] and list(worst["缺口"]) == [35, 7]
    at.segmented_control(key="overview_level").set_value("Community")
    rerun(at)
    worst = table_with(at, "应覆盖")
    assert list(worst["区域"]) == ["太白社区", "金城社区", "古槐社区"]
    assert dict(zip(worst["区域"], worst["缺口"], strict=True)) == _gaps_per_area(expected, "Community")
    assert not [b for b in at.button if b.key == "overview_worst_go"]  # nothing picked yet: no link
    at.session_state["overview_worst_Community"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    rerun(at)
    go = at.button(key="overview_worst_go")
    assert go.label == "查看「太白社区」的缺口 →"
    go.click()
    rerun(at)
    assert [at.selectbox(key=f"gaps_place_{i}").value for i in range(3)] == ["D01", "S01", "C01"]
    in_c01 = gap_report(demo_store, area_id="C01", as_of=TODAY)
    assert metrics(at)["缺口"] == str(len(in_c01.gaps())) == "14"
    assert gap_ids(at) == [g.id for g in in_c01.gaps()]


def test_overview_agreements_lapsing_and_lapsed(expected, demo_store):
    at = overview()
    assert any("90 天内没有到期的协议(已过期 1 份)" in i.value for i in at.info)
    at.toggle(key="overview_show_lapsed").set_value(True)
    rerun(at)
    table = table_with(at, "签署方")
    row = table.iloc[0]
    assert (row["编号"], row["状态"]) == ("A02", "已过期")
    assert row["剩余天数"] == (dt.date(2025, 5, 9) - TODAY).days
    assert row["签署方"] == "太白社区党委、济宁市第一人民医院党委"
    at.button(key="overview_agreements_go").click()
    rerun(at)
    assert at.multiselect(key="gaps_rules").value == ["community_agreement", "agreement_lapsed"]
    assert gap_ids(at) == ["C01", "C03", "A02"]


# ---- coverage gaps -------------------------------------------------------------------------------------


def test_gaps_page_starts_with_one_rule_everywhere(expected):
    at = gaps_page(every_rule=False)
    assert at.title[0].value == "覆盖缺口"
    first_rule = expected.outcomes[0]
    assert at.multiselect(key="gaps_rules").value == [first_rule.rule.id]
    assert metrics(at)["所选规则"] == "1" and metrics(at)["缺口"] == str(len(first_rule.gaps))
    assert gap_ids(at) == [g.id for g in first_rule.gaps]
    shown_table = next(d for d in at.dataframe if "建议" in d.value.columns)
    assert shown_table.proto.row_height > 64  # tall enough that Streamlit wraps a long reason or action
    widths = {name: spec.get("width", 0) for name, spec in json.loads(shown_table.proto.columns).items()}
    assert widths["建议"] >= 230 and sum(widths.values()) <= 750  # the ~790 px a 1280 px screen leaves
    at.multiselect(key="gaps_rules").set_value([r.id for r in load_rules().rules])
    shown = metrics(rerun(at))
    assert shown["所选规则"] == "17" and shown["缺口"] == "44"
    worst = min((o for o in expected.outcomes if o.total), key=lambda o: (o.rate, o.rule.id))
    assert shown["最低覆盖率"] == f"{worst.rate:.1%}" == "0.0%"
    per_rule, per_street = chart_frames(at)
    assert dict(zip(per_rule["name"], per_rule["rate"], strict=True)) == pytest.approx(
        {o.rule.zh: o.rate for o in expected.outcomes if o.total}
    )
    # one district in the demo region: the whole region is broken down by street
    assert "各街道覆盖率" in [s.value for s in at.subheader]
    compound = expected.outcomes[0]
    assert dict(zip(per_street["id"], per_street["rate"], strict=True)) == pytest.approx(
        {a.area.id: a.rate for a in compound.areas["Street"]}
    )
    table = table_with(at, "建议")
    assert list(table.columns) == ["名称", "规则", "所在区域", "原因", "建议", "编号"]
    assert len(table) == 44
    first = expected.outcomes[0].gaps[0]
    assert table.iloc[0].to_dict() == {
        "规则": "小区党组织覆盖",
        "编号": first.id,
        "名称": first.name,
        "所在区域": "济宁市任城区 › 太白街道 › 太白社区 › 太白社区第一网格",
        "原因": first.why_zh,
        "建议": first.action_zh,
    }
    labels = [b.label for b in at.download_button]
    assert labels == ["下载 Excel 报告(汇总、分区、每条规则的缺口)", "下载 CSV(当前 44 条)"]


def test_gaps_page_area_rules_and_date(app_env, demo_store):
    at = gaps_page()
    at.selectbox(key="gaps_place_0").set_value("D01")
    rerun(at)
    at.selectbox(key="gaps_place_1").set_value("S02")
    rerun(at)
    in_s02 = gap_report(demo_store, area_id="S02", as_of=TODAY)
    assert metrics(at)["缺口"] == str(len(in_s02.gaps())) == "7"
    assert gap_ids(at) == [g.id for g in in_s02.gaps()]
    assert "各社区覆盖率" in [s.value for s in at.subheader]
    assert f"古槐街道 · 截至 {TODAY.isoformat()}" in captions(at)
    at.multiselect(key="gaps_rules").set_value(["grid_branch", "compound_org"])
    rerun(at)
    assert gap_ids(at) == ["K04", "G04"]  # in the rules file's order, whatever order they were picked in
    # as-of date: before agreement A02 lapsed, 太白社区 still had an agreement in force
    at.selectbox(key="gaps_place_1").set_value(None)
    at.multiselect(key="gaps_rules").set_value(["community_agreement", "agreement_lapsed"])
    rerun(at)
    assert gap_ids(at) == ["C01", "C03", "A02"]
    earlier = dt.date(2025, 1, 1)
    at.date_input(key="gaps_as_of").set_value(earlier)
    rerun(at)
    then = gap_report(demo_store, ["community_agreement", "agreement_lapsed"], as_of=earlier)
    assert gap_ids(at) == [g.id for g in then.gaps()] == ["C02", "C03"]  # A02 in force; C02 not signed yet
    assert "济宁市任城区 · 截至 2025-01-01" in captions(at)


def test_gaps_page_text_and_reason_filters(expected):
    at = gaps_page()
    at.text_input(key="gaps_filter").input("太白花园")
    rerun(at)
    table = table_with(at, "建议")
    gap = next(g for g in expected.gaps() if g.name == "太白花园")
    assert list(table["编号"]) == ["K02"] and table.iloc[0]["建议"] == gap.action_zh
    assert "下载 CSV(当前 1 条)" in [b.label for b in at.download_button]
    at.text_input(key="gaps_filter").input("")
    at.multiselect(key="gaps_reasons").set_value(["org_secretary:no_secretary"])
    rerun(at)
    secretaries = [g.id for g in expected.gaps() if g.rule_id == "org_secretary"]
    assert gap_ids(at) == secretaries and len(secretaries) == 13
    assert at.multiselect(key="gaps_reasons").format_func("org_secretary:no_secretary") == "班子健全(书记) · 无在任书记"
    assert any(c.value.startswith("显示 13 / 44 条") for c in at.caption)
    at.text_input(key="gaps_filter").input("没有这个名字")
    rerun(at)
    assert [i.value for i in at.info][-1:] == ["没有符合筛选条件的缺口。"]  # after 整改跟踪's (no snapshot here)
    assert not gap_ids(at)


def test_gaps_page_selected_gap_is_highlighted_on_its_community(expected):
    at = gaps_page()
    assert not at.get("iframe")  # nothing selected, nothing drawn
    row = gap_ids(at).index("K02")
    select_gap(at, row)
    assert "网络图:太白花园" in [s.value for s in at.subheader]
    assert any("下图为社区「太白社区」" in c.value for c in at.caption)
    nodes = drawn_nodes(at)
    assert [n["id"] for n in nodes if n.get("marked")] == ["K02"]
    assert {"C01", "G01", "G02", "K02", "K03"} <= {n["id"] for n in nodes}
    assert "C02" not in {n["id"] for n in nodes}  # another community stays out


def test_gaps_page_gap_outside_a_community_or_not_drawn(expected):
    at = gaps_page()
    ids = gap_ids(at)
    select_gap(at, ids.index("CB02"))  # a commercial building: in a street, in no community
    assert any("下图为街道「太白街道」" in c.value for c in at.caption)
    assert [n["id"] for n in drawn_nodes(at) if n.get("marked")] == ["CB02"]
    select_gap(at, ids.index("N02"))  # a need: the network does not draw needs, so its place is marked
    need = next(g for g in expected.gaps() if g.id == "N02")
    assert any("该缺口对象不在网络图中" in c.value for c in at.caption)
    assert [n["id"] for n in drawn_nodes(at) if n.get("marked")] == [need.place]


def test_gaps_page_changed_filter_drops_the_selection(app_env):
    at = gaps_page()
    select_gap(at, 0)
    assert at.get("iframe")
    at.text_input(key="gaps_filter").input("网格")
    rerun(at)
    assert not at.get("iframe")  # row 0 is another gap now: nothing is shown until the viewer picks again


def test_gaps_page_without_rules_says_so(app_env):
    at = gaps_page()
    at.multiselect(key="gaps_rules").set_value([])
    rerun(at)
    assert [w.value for w in at.warning] == ["请至少选择一条覆盖规则。"]
    assert not at.dataframe and not at.metric


def test_gaps_page_unknown_area_from_another_page_is_a_message(app_env):
    at = AppTest.from_string(GAPS_PAGE, default_timeout=60)
    at.session_state["gaps_area"] = "NO_SUCH_AREA"
    rerun(at)
    assert [w.value for w in at.warning] == ["没有编号为 NO_SUCH_AREA 的区域,显示全部区域。"]
    assert metrics(at)["缺口"] == "44"


def test_gaps_page_in_english(expected):
    at = gaps_page()
    at.sidebar.radio[0].set_value("en")
    rerun(at)
    assert at.title[0].value == "Coverage gaps"
    assert metrics(at)["Gaps"] == "44"
    table = table_with(at, "Suggested action")
    assert list(table.columns) == ["Name", "Rule", "Area", "Why", "Suggested action", "Id"]
    first = expected.outcomes[0].gaps[0]
    assert (table.iloc[0]["Rule"], table.iloc[0]["Why"]) == ("compound party-org coverage", first.why_en)
    at.multiselect(key="gaps_rules").set_value([])
    rerun(at)
    assert [w.value for w in at.warning] == ["Choose at least one coverage rule."]


def test_gaps_page_downloads_hold_the_report_and_the_shown_rows(monkeypatch, expected):
    """The files are made when the viewer clicks (deferred); the callables Streamlit was handed are run here."""
    from openpyxl import load_workbook
    from streamlit.runtime.media_file_manager import MediaFileManager

    handed: dict[str, object] = {}
    real = MediaFileManager.add_deferred

    def keep(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        handed[file_name] = data_callable
        return real(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", keep)
    at = gaps_page()
    at.text_input(key="gaps_filter").input("太白社区")
    rerun(at)
    shown = [g for g in expected.gaps() if "太白社区" in " ".join((g.name, g.chain_text(), g.why_zh, g.action_zh))]
    assert 0 < len(shown) < len(expected.gaps())
    stem = f"覆盖缺口_全部区域_{TODAY.isoformat()}"
    csv_text = handed[f"{stem}.csv"]().decode("utf-8")
    assert csv_text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff"))))
    assert [r["编号 id"] for r in rows] == gap_ids(at) == [g.id for g in shown]
    assert rows[0]["原因"] == shown[0].why_zh and rows[0]["建议"] == shown[0].action_zh
    book = load_workbook(io.BytesIO(handed[f"{stem}.xlsx"]()), read_only=True)
    assert book.sheetnames == ["汇总", "分区", *(o.rule.zh for o in expected.outcomes)]
    sheet_rows = {name: list(book[name].values) for name in book.sheetnames}
    for o in expected.outcomes:  # the whole report, whatever the filter: title, note, header, then the gaps
        assert [r[0] for r in sheet_rows[o.rule.zh][3:]] == [g.id for g in o.gaps]
    assert [r[0] for r in sheet_rows["汇总"][3:]] == [o.rule.zh for o in expected.outcomes]
    assert "全部区域" in sheet_rows["汇总"][0][0] and TODAY.isoformat() in sheet_rows["汇总"][0][0]


def test_overview_street_picked_on_the_chart_leads_to_that_street(app_env, demo_store):
    at = overview()
    at.session_state["overview_street_chart_compound_org"] = {"selection": {"pick": [{"id": "S02"}]}}
    rerun(at)
    go = at.button(key="overview_street_go")
    assert go.label == "查看「古槐街道」的「小区党组织覆盖」缺口 →"
    go.click()
    rerun(at)
    assert [at.selectbox(key=f"gaps_place_{i}").value for i in range(2)] == ["D01", "S02"]
    assert gap_ids(at) == [g.id for g in gap_report(demo_store, ["compound_org"], "S02", TODAY).gaps()] == ["K04"]


def test_overview_in_english(expected):
    at = overview()
    at.sidebar.radio[0].set_value("en")
    rerun(at)
    assert [s.value for s in at.subheader] == [
        "Coverage rate per rule",
        "Coverage rate over time",
        "Coverage rate per street",
        "Areas with the most gaps",
        "Agreements lapsing within 90 days",
    ]
    assert metrics(at)["Coverage gaps"] == "44"
    assert list(table_with(at, "Rate")["Rule"]) == [o.rule.en for o in expected.outcomes]
    assert list(table_with(at, "To cover")["Area"]) == ["太白街道", "古槐街道"]
