"""The coverage-gaps page's follow-up filter and monthly report (issue 15), from the stored snapshots.

新增 lists the gaps of the latest stored period that the previous period did not have; 已整改 the previous period's
gaps that are gone (shown as that snapshot had them: they are no longer live); 超过 N 个月未整改 the latest period's
gaps open longer than N months (``history_changes.open_since``: the first snapshot of the gap's unbroken run). All
three are set differences of stored gap ids within the area picked (the user's area when none is), so they say what
was filed, not what the graph holds today. 生成月度报告 builds the workbook ``orggraph report`` writes, for the area
and a stored month, as a download audited like every other export. Both read the history ``history_place`` names
(with provinces: the area's province's, with that province's store; the whole nation has none, and says so).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import streamlit as st

from orggraph.analysis.history import SnapshotInfo, covering, gap_sets, scope_area
from orggraph.analysis.history_periods import GapFollowUp, gap_follow_up
from orggraph.analysis.history_report import monthly_report
from orggraph.app.pages import report_print, session
from orggraph.app.pages.common import XLSX, lang, t, table_downloads
from orggraph.app.pages.coverage_charts import WRAPPED_ROW, table_height
from orggraph.app.pages.history_place import HistoryPlace, history_place, say_no_single_history, say_whose
from orggraph.app.pages.trends import periods_of, stamp
from orggraph.present.history_view import FOLLOW_UP_COLUMNS, follow_up_rows, period_name, rule_name
from orggraph.present.history_workbook import monthly_xlsx

MODES = {
    "live": ("当前全部缺口", "Every gap now"),
    "opened": ("新增", "New"),
    "closed": ("已整改", "Closed"),
    "long": ("超过 N 个月未整改", "Open over N months"),
}
KEY, MONTHS_KEY, PERIOD_KEY = "gaps_history", "gaps_history_months", "gaps_report_period"


@st.cache_data(max_entries=32, show_spinner=False)
def _follow_up(where: str, area: str | None, rules: tuple[str, ...], months: int, _stamp: int) -> GapFollowUp | None:
    return gap_follow_up(Path(where), area, rules, months)


@st.cache_data(max_entries=32, show_spinner=False)
def _gap_count(where: str, area: str | None, snapshot_id: str, _stamp: int) -> int:
    """How many gaps the period's report lists (the audit's row count), two columns read."""
    info = next(i for i in covering(Path(where), area) if i.id == snapshot_id)
    return len(gap_sets(Path(where), [info], area)[0][1])


def show(area_id: str | None, area_name: str, rules: tuple[str, ...]) -> bool:
    """The filter and the report button; True when a follow-up list was chosen and drawn in place of the live
    gaps (the page then leaves its own list out)."""
    st.subheader(t("整改跟踪", "Follow-up"))
    place = history_place(area_id)
    if place is None:
        say_no_single_history()
        return False
    say_whose(place)
    where = place.folder
    area = scope_area(place.store, area_id)  # a street user's street when nothing is picked; another one refused
    periods = periods_of(str(where), area, stamp(where))
    if not periods:
        st.info(
            t(
                "按「新增 / 已整改 / 超过 N 个月未整改」筛选和生成月度报告需要已保存的快照,该区域还没有。"
                "用 `orggraph snapshot` 保存本期快照(每次导入后也会自动保存)。",
                "Filtering by new / closed / open over N months and the monthly report need stored snapshots; this "
                "area has none yet. `orggraph snapshot` stores this period's (every load also takes one).",
            )
        )
        return False
    _report_button(place, (area_id, area), area_name, periods)
    mode = st.segmented_control(
        t("按整改进度筛选", "Filter by follow-up"),
        list(MODES),
        default="live",
        key=KEY,
        format_func=lambda m: t(*MODES[m]),
    )
    if not mode or mode == "live":
        return False
    months = 3
    if mode == "long":
        months = int(st.number_input(t("N(月)", "N (months)"), 1, 60, 3, key=MONTHS_KEY))
    found = _follow_up(str(where), area, rules, months, stamp(where))
    if found is not None:
        _follow_up_list(found, mode)
    return True


def _follow_up_list(found: GapFollowUp, mode: str) -> None:
    latest, previous = found.latest, found.previous
    if mode in ("opened", "closed") and previous is None:
        st.info(
            t(
                f"只有一个统计期({period_name(latest, 'zh')}),没有上期可比,无法区分新增和已整改。",
                f"One stored period only ({period_name(latest, 'en')}): nothing to compare new and closed with.",
            )
        )
        return
    changes = {"opened": found.opened, "closed": found.closed, "long": found.long_open}[mode]
    if previous is not None and mode != "long":
        since = t(f"{period_name(previous, 'zh')} → {period_name(latest, 'zh')}",
                  f"{period_name(previous, 'en')} → {period_name(latest, 'en')}")  # fmt: skip
    else:
        since = t(f"截至 {period_name(latest, 'zh')}", f"as of {period_name(latest, 'en')}")
    st.caption(
        t(f"依据已保存的快照:{since};共 {len(changes):,} 条", f"From stored snapshots: {since}; {len(changes):,} gaps")
    )
    if found.not_compared and mode != "long":
        names = "、".join(rule_name(r, lang()) for r in found.not_compared)
        st.caption(t(f"上期快照没有这些规则,不计新增与已整改:{names}", f"Not held last period, not compared: {names}"))
    if not changes:
        st.success(t("没有符合条件的缺口。", "No gap is in this list."))
        return
    frame = pd.DataFrame(follow_up_rows(changes, latest.as_of, lang()), columns=[t(*c) for c in FOLLOW_UP_COLUMNS])
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        row_height=WRAPPED_ROW,
        height=table_height(min(len(frame), 8), WRAPPED_ROW),
    )
    table_downloads(frame, t(*MODES[mode]).replace("N", str(found.months)), f"gaps_history_{mode}")


def _report_button(
    place: HistoryPlace, areas: tuple[str | None, str | None], area_name: str, periods: list[SnapshotInfo]
) -> None:
    """A stored month to report on, and the workbook built when the button is clicked (deferred: the click runs it,
    and records the export under this session's user)."""
    months = [i.as_of.isoformat()[:7] for i in periods]
    by_month = dict(zip(months, periods, strict=True))
    if st.session_state.get(PERIOD_KEY) not in by_month:
        st.session_state[PERIOD_KEY] = months[-1]
    picked, area = areas  # the pickers' area (None: everywhere) and the one read (a street user's street)
    left, right, further = st.columns([3, 1, 1], vertical_alignment="bottom")
    month = left.selectbox(
        t("月度报告的统计期", "Period of the monthly report"),
        months[::-1],
        key=PERIOD_KEY,
        format_func=lambda m: period_name(by_month[m], lang()),
    )
    info, where = by_month[month], place.folder
    reader, rows = place.store, _gap_count(str(where), area, info.id, stamp(where))

    def build() -> bytes:
        return monthly_xlsx(monthly_report(reader, where, area, month), dt.datetime.now().astimezone())

    right.download_button(
        t("生成月度报告", "Make the monthly report"),
        data=session.recorded_download("report:xlsx", build, rows),
        file_name=t(f"{area_name}_{info.label}党建覆盖.xlsx", f"{area_name}_{month}_coverage_report.xlsx"),
        mime=XLSX,
        on_click="ignore",
        key="gaps_report_xlsx",
        help=t("与 `orggraph report` 相同的 Excel 工作簿", "The same workbook as `orggraph report`"),
    )
    if further.button(t("打印视图 →", "Print view →"), key="gaps_print_go"):
        st.session_state[report_print.HANDOFF] = (picked, month)
        st.switch_page(report_print.page())
