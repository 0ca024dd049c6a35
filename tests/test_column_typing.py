"""The column-wise typing of ledger cells gives what the per-cell path gives: the same typed values and the same rows
with an issue for every kind of column, on generated columns with bad cells mixed in; and a whole sheet validated
through the columns gives the same records and the same issues, in the same order, as through the per-row path."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pytest
from fixed_date import TODAY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders import column_typing, sheet_records
from loaders.cell_values import cell_parser
from loaders.column_typing import CellRule, per_cell_column, type_column
from loaders.layout import Column, Sheet, load_layout
from loaders.ledger_reader import SheetData
from loaders.ledger_validation import ValidationResult, validate
from orggraph.model import credit_code

CODE = credit_code.with_check("91370800MA3C12345")
# cells people type, good and bad, for every kind of column; repeated often (a column of few distinct values) and
# drawn with free text (a column of many)
CELLS: list[object] = [
    "",
    " ",
    "  ",
    "\t",
    "\u3000",
    None,
    "`",
    "a`b",
    "2024-01-01",
    "2024/1/1",
    "2024年1月1日",
    "2024.1.1",
    "20240101",
    " 2024-01-01 ",
    "２０２４－０１－０１",
    "2024-02-30",
    "0000-01-01",
    "45292",
    "45292.0",
    "#VALUE!",
    "昨天",
    dt.date(2024, 1, 1),
    dt.date(1899, 1, 1),
    dt.datetime(2024, 1, 1, 8, 0),
    dt.time(8, 0),
    45292,
    45292.0,
    0,
    -3,
    1.5,
    True,
    False,
    2958466,
    "12",
    "１２",
    "12人",
    "1,200",
    " 12 ",
    "-5",
    "1.5",
    "12.0",
    "007",
    "1e3",
    "nan",
    "9007199254740993",
    "114.918482",
    "30.47",
    "200.5",
    "1.",
    ".5",
    "１１４.９",
    "是",
    "否",
    "Y",
    "n",
    "TRUE",
    "有",
    "√",
    "x",
    "社区党委",
    "区县党委",
    "党委",
    "其他",
    "义诊",
    "老年助餐",
    " 义诊",
    "医疗健康",
    CODE,
    CODE.lower(),
    CODE[:-1] + "0",
    f" {CODE}",
    CODE[:9] + " " + CODE[9:],
    "C00001",
    "P000001",
    "C00001;C00002",
    "C00001、C00002",
    "C00001, C00002",
    ";",
    "Ｃ００００１",
    "C 1",
    "13812345678",
    "138 1234 5678",
    "联系电话13912345678",
    "370802199001011234",
    13812345678,
    13812345678.0,
    "牡丹社区",
    "牡丹  社区",
    "ｆｕｌｌ",
    "e\u0301",
    "\u0301",
    "a\nb",
    "L20261130120000-abc123",
]


def _column(label: str | None, prop: str | None = None, edge: str | None = None) -> Column:
    sheet = load_layout().by_label(label) if label else next(s for s in load_layout().sheets if s.id == "posts")
    return next(c for c in sheet.all_columns if (prop is not None and c.prop == prop) or (edge and c.edge == edge))


COLUMNS = {
    "date": _column("PartyOrg", "founded"),
    "integer": _column("Community", "population"),
    "float in range": _column("Community", "lon"),
    "boolean": _column("Community", "demonstration"),
    "enumeration": _column("PartyOrg", "kind"),
    "words": _column("Need", "category"),
    "credit code": _column("Unit", "credit_code"),
    "text": _column("Community", "name"),
    "id (required)": _column("Community", "id"),
    "one id": _column("Street", edge="PART_OF"),
    "several ids": _column("PartyOrg", edge="COVERS"),
}


GOOD: dict[str, list[object]] = {
    "date": ["2024-01-01", "2023-12-31", ""] * 5,
    "integer": [str(i) for i in range(30)] + [""],
    "float in range": [f"114.{i:06d}" for i in range(30)] + [""],
    "boolean": ["是", "否", ""] * 5,
    "enumeration": list(COLUMNS["enumeration"].spec.enum or ())[:3] * 5,  # type: ignore[union-attr]
    "words": ["义诊", "医疗健康", "其他"] * 5,
    "credit code": [credit_code.with_check(f"9137080{i:02d}MA3C1234") for i in range(30)] + [""],
    "text": [f"牡丹社区{i}号" for i in range(30)],
    "id (required)": [f"C{i:05d}" for i in range(30)],
    "one id": [f"S{i:04d}" for i in range(30)],
    "several ids": ["D001", "D001;D002", ""] * 5,
}


def _rule(col: Column) -> CellRule:
    spec = col.spec
    personal = not (spec is not None and spec.format == "credit_code")
    return CellRule(col.prop, col.is_required, personal, cell_parser(spec) if col.prop and spec else None, col)


def _same(values: Sequence[object], col: Column) -> None:
    rule = _rule(col)
    fast, fast_dirty = type_column(values, rule)
    slow, slow_dirty = per_cell_column(values, rule)
    assert fast_dirty == slow_dirty
    clean = [i for i in range(len(values)) if i not in slow_dirty]
    # the type too: 1, 1.0 and True are equal, but a record must hold what the per-cell path makes
    assert [(type(fast[i]), fast[i]) for i in clean] == [(type(slow[i]), slow[i]) for i in clean]


ANY_CELL = st.sampled_from(CELLS) | st.text(max_size=12) | st.integers(-5, 10**12)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(COLUMNS)), values=st.lists(ANY_CELL, max_size=40), repeat=st.integers(1, 4))
def test_column_path_equals_per_cell_path(name: str, values: list[object], repeat: int) -> None:
    _same(values * repeat, COLUMNS[name])  # repeated: a column of few distinct values takes the per-value path


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(COLUMNS)), extra=st.lists(ANY_CELL, max_size=3), at=st.integers(0, 40))
def test_a_few_odd_cells_in_a_good_column(name: str, extra: list[object], at: int) -> None:
    """A good column (the fast paths' case) with one to three cells of anything: each odd cell must be caught by the
    whole-column checks, or the column handed to a slower path."""
    good = GOOD[name]
    _same([*good[:at], *extra, *good[at:]], COLUMNS[name])


@pytest.mark.parametrize("name", sorted(COLUMNS))
def test_clean_columns_take_the_fast_paths_and_agree(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Columns as the generator writes them (every cell good): the same answers, with nothing to report, and
    none of them read cell by cell."""
    assert not per_cell_column(GOOD[name], _rule(COLUMNS[name]))[1]
    fast = type_column(GOOD[name], _rule(COLUMNS[name]))
    if name != "several ids":  # two ids in a cell are split cell by cell
        monkeypatch.setattr(column_typing, "per_cell_column", _never)
        assert type_column(GOOD[name], _rule(COLUMNS[name])) == fast
    _same(GOOD[name], COLUMNS[name])


def _never(*_: object) -> None:
    raise AssertionError("a clean column read cell by cell")


@pytest.mark.parametrize(
    "values",
    [[1.5, 2, ""], [114.5, 30, ""], [3, 4, ""], [10**11, 1, ""], [float("nan"), 1.0], [False, 0, True, 1, 1.0] * 3],
)
@pytest.mark.parametrize("name", sorted(COLUMNS))
def test_workbook_numbers(values: list[object], name: str) -> None:
    """Numbers as calamine gives them (whole ones already int, blanks empty text); equal numbers of other types
    (0, 0.0, False) are not read as one."""
    _same(values, COLUMNS[name])


def _sheet(sheet: Sheet, rows: list[tuple[object, ...]]) -> SheetData:
    # headers as a clerk may write them (not the template's): the messages must name these
    columns = tuple((pos, col, f"{col.header}(本表)") for pos, col in enumerate(sheet.all_columns))
    return SheetData("f.csv", sheet.zh, sheet, 1, columns, tuple((i + 2, row) for i, row in enumerate(rows)))


def _per_row(sheet: SheetData, *_: object) -> tuple[dict[int, list[object]], set[int]]:
    """Every row to the per-row path: what validation did before the columns."""
    typed, _dirty = ORIGINAL(sheet, (), ())
    return typed, set(range(len(sheet.rows)))


ORIGINAL = sheet_records.type_sheet


def _result(result: ValidationResult) -> tuple[object, ...]:
    return (result.nodes, result.edges, result.issues, result.rows, result.rejected, result.owned, result.covered)


def _validate_both(sheets: list[SheetData], monkeypatch: pytest.MonkeyPatch) -> None:
    fast = validate(list(sheets), "L1", "2026-06-15T00:00:00")
    with monkeypatch.context() as patch:
        patch.setattr(sheet_records, "type_sheet", _per_row)
        slow = validate(list(sheets), "L1", "2026-06-15T00:00:00")
    assert _result(fast) == _result(slow)
    assert [list(n.props) for n in fast.nodes] == [list(n.props) for n in slow.nodes]  # the same key order too


ids = st.sampled_from(["C00001", "C00002", "C00003", "", " ", "C00001;C00002", "13812345678", "S0001"])


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.tuples(*(st.sampled_from(CELLS) | ids for _ in range(10))), min_size=1, max_size=25),
    ties=st.lists(st.tuples(*(st.sampled_from(CELLS) | ids for _ in range(5))), max_size=25),
)
def test_sheets_give_the_same_records_and_issues(
    rows: list[tuple[object, ...]], ties: list[tuple[object, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Communities (typed cells, a lon/lat pair, a tie column) and posts (an edge sheet, dates in order), cells
    good and bad, ids repeated: the column path and the per-row path agree on everything they return."""
    layout = load_layout()
    communities = layout.by_label("Community")
    posts = next(s for s in layout.sheets if s.id == "posts")
    good = [("C00001", "甲社区", "城市社区", "100", "20", "1.5", "是", "114.9", "30.4", "S0001")] * 3
    _validate_both([_sheet(communities, good + rows), _sheet(posts, ties)], monkeypatch)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_generated_district_gives_the_same_records(fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A generated district's ledgers, every sheet, as CSV (all text) and as a workbook (numbers, dates): records,
    ties and issues the same either way."""
    from loaders.ledger_reader import ledger_files, read_ledgers
    from loaders.ledger_writer import write_ledgers
    from loaders.region_generator import generate_region

    nodes, edges = generate_region("district", 1, TODAY)
    write_ledgers(nodes, edges, tmp_path, fmt)
    sheets, _ = read_ledgers(ledger_files(tmp_path))
    _validate_both(sheets, monkeypatch)
