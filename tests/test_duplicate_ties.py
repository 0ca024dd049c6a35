"""A tie listed twice is an error on the later row naming the earlier (the graph holds it once, so the repeat would
silently replace the first row's dates); two people in one single post of one body at once is a warning."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from loaders.fixture import read_fixture
from loaders.ledger_reader import ledger_files, read_ledgers
from loaders.ledger_validation import validate
from loaders.ledger_writer import write_ledgers
from orggraph.ingest.load import DEMO_FIXTURE


@pytest.fixture
def workbook(tmp_path) -> Path:
    write_ledgers(*read_fixture(DEMO_FIXTURE), tmp_path / "xlsx", "xlsx")
    return tmp_path / "xlsx" / "台账.xlsx"


def _append(path: Path, sheet: str, *rows: list) -> list[int]:
    """Rows appended to a sheet; their row numbers."""
    wb = load_workbook(path)
    ws = wb[sheet]
    numbers = []
    for row in rows:
        ws.append(row)
        numbers.append(ws.max_row)
    wb.save(path)
    return numbers


def _row_of(path: Path, sheet: str, *cells: str) -> int:
    ws = load_workbook(path)[sheet]
    return next(r[0].row for r in ws.iter_rows(min_row=2) if [c.value for c in r[: len(cells)]] == list(cells))


def _issues(*paths: Path):
    sheets, issues = read_ledgers([p for path in paths for p in ledger_files(path)])
    result = validate(sheets, issues=issues)
    errors = [i for i in result.issues if i.severity == "error"]
    return result, errors, [i for i in result.issues if i.severity != "error"]


def test_the_same_post_twice_is_an_error_on_the_second_row_naming_the_first(workbook):
    first = _row_of(workbook, "任职", "PS001", "O04")
    (row,) = _append(workbook, "任职", ["PS001", "O04", "书记", dt.date(2022, 1, 1), None])
    result, errors, warnings = _issues(workbook)
    assert [(e.sheet, e.row, e.value) for e in errors] == [("任职", row, "PS001 → O04 · 书记")]
    assert f"与第{first}行重复" in errors[0].zh and f"duplicates row {first}" in errors[0].en
    assert warnings == []
    posts = [e for e in result.edges if e.type == "HOLDS_POST" and e.src_id == "PS001"]
    assert [e.props["since"] for e in posts] == [dt.date(2021, 6, 1)], "the first row stands"


def test_another_post_in_the_same_body_is_no_duplicate(workbook):
    _append(workbook, "任职", ["PS001", "O04", "委员", dt.date(2016, 6, 1), dt.date(2021, 5, 31)])
    _, errors, warnings = _issues(workbook)
    assert errors == [] and warnings == []


def test_the_same_dual_reporting_and_signatory_twice(workbook):
    first_report = _row_of(workbook, "双报到", "O10", "C02")
    first_party = _row_of(workbook, "协议签约方", "A01", "O04")
    (report,) = _append(workbook, "双报到", ["O10", "C02", dt.date(2021, 3, 1), 46])
    (party,) = _append(workbook, "协议签约方", ["A01", "O04", "社区方"])
    _, errors, _ = _issues(workbook)
    found = {(e.sheet, e.row, e.en) for e in errors}
    assert found == {
        (
            "双报到",
            report,
            f"duplicates row {first_report} (the same 'reports to (dual reporting)' tie can be listed only once)",
        ),
        ("协议签约方", party, f"duplicates row {first_party} (the same 'signed by' tie can be listed only once)"),
    }


def test_a_duplicate_in_another_file_names_that_file_and_sheet(workbook, tmp_path):
    first = _row_of(workbook, "双报到", "O10", "C02")
    other = tmp_path / "csv"
    other.mkdir()
    text = "报到方编号,社区编号,报到日期,报到党员数\nO10,C02,2021-03-01,40\n"
    (other / "双报到.csv").write_text(text, encoding="utf-8")
    _, errors, _ = _issues(workbook, other)
    assert [(e.file, e.sheet, e.row) for e in errors] == [("双报到.csv", "双报到", 2)]
    assert f"与台账.xlsx·双报到·第{first}行重复" in errors[0].zh
    assert f"duplicates 台账.xlsx · 双报到 · row {first}" in errors[0].en


def test_a_bad_first_row_leaves_the_second_standing(workbook):
    """The first row is refused for its own fault; its repeat is then the row that counts, not a duplicate."""
    first = _row_of(workbook, "双报到", "O13", "C01")
    wb = load_workbook(workbook)
    wb["双报到"].cell(first, 4).value = "很多"
    wb.save(workbook)
    _append(workbook, "双报到", ["O13", "C01", dt.date(2022, 5, 1), 12])
    _, errors, _ = _issues(workbook)
    assert [(e.row, e.column) for e in errors] == [(first, "报到党员数")]


def test_a_many_id_cell_naming_an_id_twice_is_one_tie(workbook):
    wb = load_workbook(workbook)
    ws = wb["项目清单"]
    col = next(c.column for c in ws[1] if c.value == "使用资源编号")
    ws.cell(2, col).value = "R01;R01"
    wb.save(workbook)
    _, errors, _ = _issues(workbook)
    assert errors == []


def test_two_secretaries_at_once_is_a_warning_naming_both_rows(workbook):
    first = _row_of(workbook, "任职", "PS001", "O04")
    (row,) = _append(workbook, "任职", ["PS002", "O04", "书记", dt.date(2024, 1, 1), None])
    result, errors, warnings = _issues(workbook)
    assert errors == []
    assert [(w.sheet, w.row, w.value) for w in warnings] == [("任职", row, "O04 · 书记")]
    assert f"与第{first}行的书记任期重叠" in warnings[0].zh and "PS001、PS002" in warnings[0].zh
    assert f"overlaps the term of the 书记 at row {first}" in warnings[0].en
    assert sum(e.type == "HOLDS_POST" and e.dst_id == "O04" for e in result.edges) == 2, "a warning drops nothing"


@pytest.mark.parametrize(
    ("post", "since", "until", "warned"),
    [
        ("书记", dt.date(2026, 5, 31), None, False),  # handed over on the day the term ended
        ("书记", dt.date(2016, 6, 1), dt.date(2021, 6, 1), False),  # the one before, handing over
        ("书记", dt.date(2016, 6, 1), dt.date(2021, 6, 2), True),  # one day too long
        ("书记", None, None, True),  # no dates: serving, like the other
        ("副书记", dt.date(2024, 1, 1), None, False),  # a body may have several
        ("委员", dt.date(2024, 1, 1), None, False),
    ],
)
def test_which_terms_overlap(workbook, post, since, until, warned):
    _append(workbook, "任职", ["PS002", "O04", post, since, until])
    _, errors, warnings = _issues(workbook)
    assert errors == []
    assert bool(warnings) == warned, warnings


def test_a_second_secretary_post_of_one_org_by_the_same_person_is_the_duplicate_not_an_overlap(workbook):
    _append(workbook, "任职", ["PS004", "O03", "书记", dt.date(2015, 1, 1), dt.date(2021, 6, 1)])
    _, errors, warnings = _issues(workbook)
    assert len(errors) == 1 and "重复" in errors[0].zh and warnings == []
