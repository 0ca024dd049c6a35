"""The parts every module of the broken-ledger corpus shares: sheets as editable tables, cases, registries.

``make_bad_ledgers.py`` holds the first cases and writes the corpus; topic modules ``bad_cases_*.py`` beside it
add theirs through their own :class:`Registry` (each with a letter prefix, so adding a case to one topic never
renumbers another's files).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

# --- sheets as editable tables ------------------------------------------------------------------


class XlsxSheet:
    """An openpyxl worksheet addressed by record id and header text (header in ``header_row``)."""

    def __init__(self, ws) -> None:
        self.ws, self.header_row = ws, 1

    @property
    def title(self) -> str:
        return self.ws.title

    def col_of(self, header: str) -> int:
        for cell in self.ws[self.header_row]:
            if cell.value == header:
                return cell.column
        raise KeyError(header)

    def row_of(self, record_id: str, column: int = 1) -> int:
        for row in range(self.header_row + 1, self.ws.max_row + 1):
            if self.ws.cell(row, column).value == record_id:
                return row
        raise KeyError(record_id)

    def get(self, row: int, header: str) -> object:
        return self.ws.cell(row, self.col_of(header)).value

    def set(self, row: int, header: str, value: object) -> int:
        self.ws.cell(row, self.col_of(header)).value = value
        return row

    def insert_row(self, values: list) -> None:
        """A new first row (above the header)."""
        self.ws.insert_rows(1)
        for col, value in enumerate(values, start=1):
            self.ws.cell(1, col).value = value
        self.header_row += 1

    def delete_col(self, header: str) -> None:
        self.ws.delete_cols(self.col_of(header))

    def add_col(self, header: str, values: dict[int, object] | None = None) -> None:
        col = self.ws.max_column + 1
        self.ws.cell(self.header_row, col).value = header
        for row, value in (values or {}).items():
            self.ws.cell(row, col).value = value

    def append(self, values: dict[str, object]) -> int:
        row = self.ws.max_row + 1
        for header, value in values.items():
            self.set(row, header, value)
        return row

    @property
    def width(self) -> int:
        return self.ws.max_column


class CsvSheet:
    """One CSV file's rows (lists of text), addressed like ``XlsxSheet``; row n is line n."""

    def __init__(self, title: str, rows: list[list[str]]) -> None:
        self.title, self.rows, self.header_row = title, rows, 1

    def col_of(self, header: str) -> int:
        return self.rows[self.header_row - 1].index(header) + 1

    def row_of(self, record_id: str, column: int = 1) -> int:
        for i in range(self.header_row, len(self.rows)):
            if self.rows[i][column - 1] == record_id:
                return i + 1
        raise KeyError(record_id)

    def get(self, row: int, header: str) -> object:
        return self.rows[row - 1][self.col_of(header) - 1]

    def set(self, row: int, header: str, value: object) -> int:
        self.rows[row - 1][self.col_of(header) - 1] = "" if value is None else str(value)
        return row

    def insert_row(self, values: list) -> None:
        self.rows.insert(0, [str(v) for v in values] + [""] * (self.width - len(values)))
        self.header_row += 1

    def delete_col(self, header: str) -> None:
        col = self.col_of(header) - 1
        for row in self.rows:
            del row[col]

    def add_col(self, header: str, values: dict[int, object] | None = None) -> None:
        for i, row in enumerate(self.rows, start=1):
            row.append(header if i == self.header_row else str((values or {}).get(i, "")))

    def append(self, values: dict[str, object]) -> int:
        self.rows.append([""] * self.width)
        row = len(self.rows)
        for header, value in values.items():
            self.set(row, header, value)
        return row

    @property
    def width(self) -> int:
        return len(self.rows[self.header_row - 1])


# --- cases --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Where:
    """Where the fault is, as the loader must report it."""

    sheet: str
    row: int | None
    column: str | None
    value: object = None


@dataclass(frozen=True)
class Case:
    name: str
    fault: str
    fmt: str  # xlsx | csv
    sheets: tuple[str, ...]  # the sheets kept, in order (for csv: one file each)
    make: Callable[[dict[str, XlsxSheet | CsvSheet]], Where]
    zh: str
    en: str
    errors: int = 1
    encoding: str = "utf-8"  # csv only: utf-8, utf-8-sig or gb18030
    stem: dict[str, str] | None = None  # csv only: file stem per sheet when not the Chinese name
    xfail_reason: str | None = None


@dataclass(frozen=True)
class Raw:
    """What a raw case writes: file name → bytes (one folder per case), and where the fault is reported."""

    files: dict[str, bytes]
    where: Where
    file: str  # the file name the loader reports


@dataclass
class Registry:
    """The cases of one corpus module, numbered ``{prefix}{n:02d}_{name}`` in order of registration."""

    prefix: str = ""
    cases: list[Case] = field(default_factory=list)

    def case(self, name: str, fault: str, sheets: str, zh: str, en: str, **kw) -> Callable:
        """Register the function below as the fault of case ``name``.

        CSV when an encoding or a stem is given, ``raw`` when ``sheets`` is empty (the function takes nothing and
        returns :class:`Raw`), else xlsx; ``{file}`` in ``zh``/``en`` is the reported file name.
        """

        def register(make: Callable) -> Callable:
            fmt = "raw" if not sheets.strip() else "csv" if kw.get("encoding") or kw.get("stem") else "xlsx"
            numbered = f"{self.prefix}{len(self.cases) + 1:02d}_{name}"
            self.cases.append(Case(numbered, fault, fmt, tuple(sheets.split()), make, zh, en, **kw))
            return make

        return register
