"""数据导入 Import: upload ledger files (xlsx / csv, several at once), see every problem found (file, sheet, row,
column, value, message in Chinese and English) and what a load would change, then load — only when there are
no errors, or when the viewer chooses to skip the invalid rows — with a progress bar and a summary after.

UI only: the files are saved to a temporary folder and go through the loader itself (``ingest.preview_ledgers``
with the graph for reference checks and the plan, ``ingest.load_ledgers`` for the
write). ``check_folder`` and ``load_folder`` take a folder, so they run the same without an upload.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from loaders.layout import load_layout
from loaders.ledger_limits import LedgerLimits
from orggraph.app.pages import common, databases, session
from orggraph.app.pages.common import show_error, store_of, t
from orggraph.app.upload_folder import save_uploads, uploads_folder
from orggraph.graph.area_scope import warm
from orggraph.graph.store import BoltStore
from orggraph.ingest.load import LoadReport, Progress, load_ledgers, preview_ledgers
from orggraph.model.config import load_settings
from orggraph.model.errors import Issue, OrgGraphError, ValidationError
from orggraph.present.output import issue_rows, load_summary_rows, removal_rows

TYPES = ["xlsx", "xlsm", "csv", "xls"]  # .xls is taken so that the loader can say to save it as .xlsx


class ProgressBar:
    """``load_ledgers``' progress callback (phase, advance, total) drawn as an ``st.progress`` bar."""

    def __init__(self) -> None:
        self.done = 0
        self.bar = st.progress(0.0, text=t("校验并与图谱比对…", "Validating and comparing with the graph…"))

    def __call__(self, phase: str, advance: int, total: int | None) -> None:
        self.done += advance
        share = min(self.done / total, 1.0) if total else 0.0
        self.bar.progress(share, text=t(f"写入 {self.done}/{total or '?'}", f"Writing {self.done}/{total or '?'}"))

    def finish(self) -> None:
        self.bar.progress(1.0, text=t("完成", "Done"))


def ledger_limits() -> LedgerLimits:
    """The same caps as the CLI's (settings: max_file_mb, max_unzipped_mb, max_rows_per_sheet)."""
    return LedgerLimits.from_settings(load_settings())


def _target() -> BoltStore:
    """The graph an import writes (``databases.import_target``), as this user sees it."""
    return store_of(session.area(), databases.import_target())


def _say_target() -> None:
    """Over provinces, which database an import writes (the sidebar may read another)."""
    if load_settings().provinces:
        zh, en = databases.where(databases.import_target())
        st.caption(
            t(
                f"导入写入:{zh}。全区域台账请用 `orggraph load` 按省分库导入(每行写入其所在省的数据库)。",
                f"An import writes into {en}. Ledgers of the whole region go through `orggraph load`, which writes "
                "each row into its province's database.",
            )
        )


def check_folder(folder: Path) -> dict[str, Any]:
    """Validate the ledgers in ``folder`` against the schema and the graph, and plan the load (nothing written)."""
    session.require("import")
    result, files, plan, refused = preview_ledgers(_target(), folder, limits=ledger_limits())
    if refused:
        session.record("import_refused", files=files, rows=len(refused), reason="outside_area")
    names = {sheet.id: t(sheet.zh, sheet.en) for sheet in load_layout().sheets}
    return {
        "files": files,
        "issues": result.issues,
        "errors": len(result.errors),
        "rows": sum(result.rows.values()),
        "planned": load_summary_rows(LoadReport("preview", files, result, plan), common.lang()),
        "changes": plan.size,
        "removals": removal_rows(plan, lang=common.lang()),
        "removable": plan.removals.size,
        "shown": [
            {t("台账", "Sheet"): names[sheet], t("编号", "Id"): r["id"], t("名称", "Name"): r["name"]}
            for sheet, rows in plan.removals.shown.items()
            for r in rows
        ],
    }


def load_folder(
    folder: Path, skip_invalid: bool, progress: Progress | None = None, sync: bool = False
) -> dict[str, Any]:
    """Load the ledgers in ``folder`` (all or nothing, unless ``skip_invalid``; with ``sync`` what they no longer
    list is removed too); the summary of what was done."""
    session.require("import")
    try:
        report = load_ledgers(
            _target(), folder, skip_invalid=skip_invalid, progress=progress, sync=sync, limits=ledger_limits()
        )
    except OrgGraphError as exc:
        rows = len(getattr(exc, "issues", ()))
        reason = "invalid_rows" if isinstance(exc, ValidationError) else "refused"
        session.record("import_refused", files=sorted(p.name for p in folder.iterdir()), rows=rows, reason=reason)
        raise
    session.record_load(report)
    common.graph_version.clear()  # every page's caches are keyed by the graph's state: let them see the load
    warm(databases.base_store(databases.import_target()))  # the area scope's universe, before a street user asks
    return {
        "load_id": report.load_id,
        "written": report.written,
        "mode": report.mode,
        "seconds": round(sum(report.timings.values()), 2),
        "summary": load_summary_rows(report, common.lang()),
        "rejected": sum(report.result.rejected.values()),
        "removed": report.plan.removals.size if report.plan and report.plan.sync else 0,
    }


def _forget_folder() -> None:
    folder = st.session_state.get("import_dir")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
    st.session_state.update(import_dir=None, import_sig=None, import_check=None, import_done=None)


def _uploader_words() -> None:
    """Streamlit's note under the uploader (its size limit and file types, in English) is hidden in 中文
    (``streamlit_words``): ours says the same."""
    limit = load_settings().max_file_mb
    st.caption(t(f"每个文件不超过 {limit:g} MB;可选多个文件;格式 .xlsx 或 .csv",
                 f"Up to {limit:g} MB per file; several files at once; .xlsx or .csv"))  # fmt: skip


def _take_uploads(files: list[UploadedFile]) -> None:
    """A new set of files: saved to a fresh folder and checked once (kept until the files change)."""
    sig = tuple((f.file_id, f.name, f.size) for f in files)
    if sig == st.session_state["import_sig"]:
        return
    _forget_folder()
    folder = Path(tempfile.mkdtemp(prefix="import-", dir=uploads_folder(load_settings().resolved_data_dir())))
    repeated = save_uploads([(f.name, f.getvalue()) for f in files], folder)
    st.session_state.update(import_dir=str(folder), import_sig=sig, import_repeated=repeated)


def _issues_table(issues: list[Issue]) -> None:
    frame = pd.DataFrame(issue_rows(issues, common.lang()))
    st.dataframe(frame, hide_index=True, width="stretch", height=min(36 * (len(frame) + 1) + 2, 420), placeholder="—")
    common.table_downloads(frame, t("台账问题清单", "Ledger problems"), "import_issues")


def _show_check(check: dict[str, Any]) -> None:
    warnings = len(check["issues"]) - check["errors"]
    cols = st.columns(4)
    for col, (value, zh, en) in zip(
        cols,
        [
            (len(check["files"]), "文件", "Files"),
            (check["rows"], "数据行", "Rows read"),
            (check["errors"], "错误", "Errors"),
            (warnings, "提示", "Warnings"),
        ],
        strict=True,
    ):
        col.metric(t(zh, en), value)
    if check["errors"]:
        st.error(
            t(
                f"发现 {check['errors']} 处错误:修正后重新上传,或选择跳过有错误的行",
                f"{check['errors']} error(s): fix and upload again, or choose to skip the invalid rows",
            )
        )
    elif check["rows"] == 0 and not check["issues"]:
        st.warning(t("没有在文件中找到任何台账数据", "No ledger rows found in the files"))
    else:
        st.success(t("校验通过,没有错误", "Validated: no errors"))
    if check["issues"]:
        st.subheader(t("问题清单", "Problems found"))
        _issues_table(check["issues"])
    st.subheader(t("计划写入(与图谱比对)", "Planned changes (compared with the graph)"))
    if check["planned"]:
        _counts_table(check["planned"])
    else:
        st.info(t("没有可导入的记录", "Nothing to load"))
    if check["removable"]:
        st.subheader(t("台账中已无(图谱中有,台账中没有)", "In the graph, no longer in the ledgers"))
        st.caption(
            t(
                "这些记录和关系只在勾选“同步删除”并确认后删除;不在台账所及街道内的不会被删除。",
                "These records and ties are removed only if you tick “remove” and confirm; nothing outside the "
                "streets the ledgers cover is touched.",
            )
        )
        counts = pd.DataFrame(check["removals"]).drop(columns=[t("处理", "action")])  # the CLI's words (--sync)
        st.dataframe(counts, hide_index=True, width="stretch")
        shown = pd.DataFrame(check["shown"])
        st.dataframe(shown, hide_index=True, width="stretch", height=min(36 * (len(shown) + 1) + 2, 400))


def _load_controls(check: dict[str, Any]) -> None:
    skip = False
    if check["errors"]:
        st.session_state.setdefault("import_skip", False)
        skip = st.checkbox(
            t("跳过有错误的行,只导入有效的行", "Skip the invalid rows and load the valid ones"), key="import_skip"
        )
    blocked = bool(check["errors"]) and not skip
    sync = _sync_controls(check) if not check["errors"] else False
    if sync is None:
        st.warning(t("勾选“我已核对”后才能导入", "Tick “I have checked them” to load"))
    elif not check["changes"] and not sync:
        st.info(t("图谱已与这些台账一致,无需导入", "The graph already matches these ledgers: nothing to load"))
    if st.button(
        t("导入图谱", "Load into the graph"),
        key="import_load",
        type="primary",
        disabled=blocked or not (check["changes"] or sync) or sync is None,
    ):
        bar = ProgressBar()
        try:
            done = load_folder(Path(st.session_state["import_dir"]), skip, bar, bool(sync))
        except ValidationError as exc:
            show_error(exc)
            _issues_table(exc.issues)
            return
        except OrgGraphError as exc:
            show_error(exc)
            return
        bar.finish()
        st.session_state.update(import_done=done, import_check=None)
        st.rerun()


def _sync_controls(check: dict[str, Any]) -> bool | None:
    """Whether to remove what the ledgers no longer list: True, False, or None while the removal is ticked but
    not yet confirmed (the load button waits)."""
    if not check["removable"]:
        return False
    st.session_state.setdefault("import_sync", False)
    st.session_state.setdefault("import_sync_confirm", False)
    n = check["removable"]
    if not st.checkbox(
        t(f"同步删除台账中已无的 {n} 项", f"Also remove the {n} item(s) no longer in the ledgers"), key="import_sync"
    ):
        return False
    confirmed = st.checkbox(
        t(f"我已核对,确认删除这 {n} 项", f"I have checked them: remove these {n} item(s)"), key="import_sync_confirm"
    )
    return True if confirmed else None


def _show_done(done: dict[str, Any]) -> None:
    st.success(
        t(
            f"已导入:批次 {done['load_id']},写入 {done['written']} 项,用时 {done['seconds']} 秒",
            f"Loaded: load {done['load_id']}, {done['written']} items written in {done['seconds']} s",
        )
    )
    if done["removed"]:
        st.info(
            t(f"已删除台账中已无的 {done['removed']} 项", f"Removed {done['removed']} item(s) no longer in the ledgers")
        )
    if done["rejected"]:
        st.warning(t(f"{done['rejected']} 行因有错误未导入", f"{done['rejected']} invalid row(s) were not loaded"))
    st.subheader(t("导入结果", "Load summary"))
    _counts_table(done["summary"])


def _counts_table(rows: list[dict[str, Any]]) -> None:
    """A load's counts per kind: a rejected-rows line leaves the counts that do not apply to it blank (the CLI's
    ""), shown as — in whole-number columns (a column of numbers and "" made Streamlit log a conversion traceback)."""
    frame = pd.DataFrame(rows).replace("", None)
    counts = {c: "Int64" for c in frame.columns[1:]}
    st.dataframe(frame.astype(counts), hide_index=True, width="stretch", placeholder="—")


def render() -> None:
    st.title(t("数据导入", "Import ledgers"))
    st.caption(
        t(
            "上传台账(.xlsx,或以工作表命名的 .csv,如“党组织.csv”;UTF-8 或 GB18030),先校验,确认后再导入。",
            "Upload ledgers (.xlsx, or .csv named after its sheet, e.g. party_orgs.csv; UTF-8 or GB18030); "
            "they are validated first and loaded only when you confirm.",
        )
    )
    _say_target()
    for key in ("import_dir", "import_sig", "import_check", "import_done"):
        st.session_state.setdefault(key, None)
    st.session_state.setdefault("import_repeated", [])
    files = st.file_uploader(t("台账文件", "Ledger files"), type=TYPES, accept_multiple_files=True, key="import_files")
    _uploader_words()
    if not files:
        _forget_folder()
        st.info(t("请上传一个或多个台账文件", "Upload one or more ledger files"))
        return
    _take_uploads(files)
    if st.session_state["import_repeated"]:
        names = "、".join(st.session_state["import_repeated"])
        st.warning(t(f"同名文件只保留第一个:{names}", f"Files with a repeated name were skipped: {names}"))
    try:
        if st.session_state["import_check"] is None:
            with st.spinner(t("正在校验…", "Validating…")):
                st.session_state["import_check"] = check_folder(Path(st.session_state["import_dir"]))
        check = st.session_state["import_check"]
    except OrgGraphError as exc:
        show_error(exc)
        return
    if st.session_state["import_done"]:
        _show_done(st.session_state["import_done"])
        st.divider()
    _show_check(check)
    _load_controls(check)
