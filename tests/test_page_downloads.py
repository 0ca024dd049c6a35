"""The pages' CSV downloads (problems on the import page, query results, ledger tables) are inert and keep blanks."""

from __future__ import annotations

import csv
import io

import pandas as pd

from orggraph.app.pages.common import csv_bytes


def test_a_downloaded_table_runs_nothing_and_keeps_blanks():
    frame = pd.DataFrame(
        {
            "名称 name": ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "太白社区", None],
            "数量 n": [1, None, -3, 4],
            "备注 note": ["@SUM(1+1)", "\tx", "-2+3", ""],
        }
    )
    data = csv_bytes(frame)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["名称 name", "数量 n", "备注 note"]
    cells = [c for row in rows[1:] for c in row]
    assert all(not c.startswith(("=", "+", "@", "\t")) for c in cells)
    assert rows[1][0] == '\'=HYPERLINK("http://x","y")' and rows[3][0] == "太白社区" and rows[4][0] == ""
    assert rows[2][1] == "" and rows[3][2] == "'-2+3"
