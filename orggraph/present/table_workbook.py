"""Any table the app shows as an Excel workbook a clerk can file: one sheet with a title row (what the table is, where
and when it was made), a note row, a frozen header with a filter, widths that fit Chinese text, numbers as numbers
and every text an inert string cell. The layout is the gap report's (``gap_workbook.write_table``): one look for
every download.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd

from orggraph.present.gap_workbook import Table, sheet_names, workbook_bytes

RATE_HEADERS = frozenset({"覆盖率", "Rate", "rate"})


def _plain(value: Any) -> Any:
    """A cell as openpyxl takes it: blanks empty, dates and numbers as they are, anything else as its text."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | dt.date):
        return value
    if hasattr(value, "item"):  # a numpy number
        return _plain(value.item())
    return str(value)


def table_xlsx(
    title: str,
    header: list[str],
    rows: list[list[Any]],
    note: str = "",
    generated: dt.datetime | None = None,
) -> bytes:
    """The workbook's bytes: one sheet named after ``title``, its title row stamped with the time it was made (local
    time, to the minute; now unless ``generated`` is given).

    >>> import io
    >>> from openpyxl import load_workbook
    >>> data = table_xlsx("共建协议", ["协议", "剩余天数"], [["=1+1", 3]], generated=dt.datetime(2026, 5, 1, 9, 30))
    >>> sheet = load_workbook(io.BytesIO(data)).active
    >>> sheet.title, sheet["A1"].value, [c.value for c in sheet[3]], [c.value for c in sheet[4]], sheet["A4"].data_type
    ('共建协议', '共建协议 · 生成于 2026-05-01 09:30', ['协议', '剩余天数'], ['=1+1', 3], 's')
    """
    at = (generated or dt.datetime.now()).astimezone().strftime("%Y-%m-%d %H:%M")
    table = Table(
        sheet_names([title])[0],
        f"{title} · 生成于 {at}",
        note,
        [str(h) for h in header],
        [[_plain(v) for v in row] for row in rows],
        rates=RATE_HEADERS,
    )
    return workbook_bytes(title, [table])


def frame_xlsx(frame: pd.DataFrame, title: str, note: str = "", generated: dt.datetime | None = None) -> bytes:
    """A table as shown (its headers and cells) in :func:`table_xlsx`'s workbook."""
    rows = [list(row) for row in frame.itertuples(index=False, name=None)]
    return table_xlsx(title, [str(c) for c in frame.columns], rows, note, generated)
