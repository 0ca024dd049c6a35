"""Rows shown to a person or a program: a rich table, CSV or JSON (dates as ISO text)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from typing import Any

from rich.console import Console
from rich.table import Table

FORMATS = ("table", "csv", "json")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def render(rows: list[dict], fmt: str, console: Console, title: str | None = None) -> None:
    """Print rows in the asked format; columns in the order of the first row."""
    columns = list(rows[0]) if rows else []
    if fmt == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2, default=_text) + "\n")
    elif fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[_text(r.get(c)) for c in columns] for r in rows])
    else:
        table = Table(title=title, show_lines=False)
        for c in columns:
            table.add_column(c)
        for r in rows:
            table.add_row(*[_text(r.get(c)) for c in columns])
        console.print(table)
        console.print(f"{len(rows)} 行 / rows")
