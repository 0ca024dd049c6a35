"""The one personal-number detector: every way a clerk writes a phone or ID number is found, anywhere in a text;
real-looking numbers that are not personal (credit codes, our ids, dates, amounts, addresses) are not."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders.cell_values import may_be_personal, personal_number
from orggraph.model import credit_code
from orggraph.model.personal_numbers import Kind, fields_with_numbers, find, may_hold

ID, MOBILE, LANDLINE = Kind.ID_CARD, Kind.MOBILE, Kind.LANDLINE

POSITIVES = [
    ("13812345678", MOBILE),
    ("+86 13812345678", MOBILE),
    ("+8613812345678", MOBILE),
    ("86-13812345678", MOBILE),
    ("0086 138 1234 5678", MOBILE),
    ("138.1234.5678", MOBILE),
    ("138-1234-5678", MOBILE),
    ("138/1234/5678", MOBILE),
    ("(+86)138 1234 5678", MOBILE),
    ("１３８１２３４５６７８", MOBILE),
    ("＋８６　１３８－１２３４－５６７８", MOBILE),
    ("李四 +8613812345678", MOBILE),
    ("联系电话13912345678,王五", MOBILE),
    ("门卫 138-1234-5678", MOBILE),
    ("0531-88889999", LANDLINE),
    ("(0531)88889999", LANDLINE),
    ("（０５３１）８８８８９９９９", LANDLINE),
    ("010 8888 9999", LANDLINE),
    ("0531 8888999", LANDLINE),
    ("021-6234 5678", LANDLINE),
    ("+86 531 8888 9999", LANDLINE),
    ("值班室0537—2345678", LANDLINE),
    ("370802199001011234", ID),
    ("37080219900101123X", ID),
    ("37080219900101123x", ID),
    ("370802 19900101 1234", ID),
    ("370802-1990-0101-123X", ID),
    ("370802900101123", ID),
    ("370802 900101 123", ID),
    ("身份证:３７０８０２１９９００１０１１２３４", ID),
]

NEGATIVES = [
    "91370800MA3C0001XD",  # unified social credit codes
    "91370811MA3D0042AX",
    "12370800MB2837465K",
    "O0001",  # our ids
    "U03456",
    "S0009",
    "P000048",
    "K00008",
    "PS004",
    "L20261130120000-abc123",
    "2024-01-01",  # dates
    "20240101",
    "2024年1月1日",
    "2024/1/1",
    "2024.01.01-2026.12.31",
    "20240101-20261231",
    "2013.05.01—2016.04.30",
    "2021年3月1日至2024年2月29日",
    "45292",  # Excel serial dates
    "45292.5",
    "1,800,000",  # amounts
    "12345678.90",
    "1,234,567,890.00",
    "3800万元",
    "1200",  # counts
    "党员 138 人,其中预备党员 12 人",
    "2021-2026",  # year ranges
    "2019 2020 2021",
    "272000",  # postal code
    "山东省济宁市任城区 272000",
    "太白湖路18号3单元501室",  # addresses
    "古槐路街道 12 号楼 2 单元 1301",
    "太白湖新区凤凰城 5 号楼 1-2-301",
    "2024年度太白街道与济宁供电公司共建协议(2024-2026)",  # agreement names with years
    "第12届 2021-2026 任期",
    "ISBN 978-7-111-12345-6",
    "网格 G0012、G0013、G0014",
    "13:45-17:30",
    "0",
    "",
]


@pytest.mark.parametrize(("text", "kind"), POSITIVES, ids=[p[0] for p in POSITIVES])
def test_every_format_is_found(text, kind):
    assert find(text) is kind
    assert personal_number(text) == kind.label


@pytest.mark.parametrize("text", NEGATIVES)
def test_real_looking_numbers_that_are_not_personal_pass(text):
    assert find(text) is None
    assert personal_number(text) is None


def test_there_are_enough_negatives():
    assert len(NEGATIVES) >= 30


def test_numbers_typed_into_cells_are_looked_at():
    """A reader gives a number cell as int (or float): 13812345678 typed into a 备注 cell is a mobile."""
    assert find(13812345678) is MOBILE and find(13812345678.0) is MOBILE
    assert find(370802199001011234) is ID
    assert find(1800000) is None and find(45292.5) is None and find(12345678.9) is None
    assert not may_hold(True) and not may_hold(None) and not may_hold(dt.date(2024, 1, 1))


def test_the_pre_check_lets_every_positive_through():
    assert all(may_hold(t) and may_be_personal(t) for t, _ in POSITIVES)


def test_fields_are_named_and_nested_values_looked_into():
    found = fields_with_numbers({"name": "李四 13812345678", "covers": ["K01", "0531-88889999"], "members": 3})
    assert found == [("name", MOBILE), ("covers", LANDLINE)]
    assert fields_with_numbers({"name": "太白花园小区党支部", "props": {"since": "2024-01-01"}}) == []


def test_the_common_cell_costs_next_to_nothing():
    """Validation runs the check over every text cell of a city (~700k cells): the pre-check decides almost all."""
    cells = ["太白花园小区党支部", "O0001", "2024-01-01", "太白湖路18号3单元501室", "91370800MA3C0001XD", 1200] * 40_000
    start = time.perf_counter()
    assert not any(find(c) for c in cells)
    assert time.perf_counter() - start < 1.0


# --- generated formats ----------------------------------------------------------------------------

FULL_WIDTH = str.maketrans(
    {**{chr(ord("0") + i): chr(ord("０") + i) for i in range(10)}, " ": "\u3000", "-": "－", ".": "．", "(": "（"}
    | {")": "）", "/": "／", "+": "＋", "X": "Ｘ"}
)
SEPARATORS = st.sampled_from([" ", "-", ".", "/", " - ", "  ", "—", "\u3000", ") ", "-(", " / "])
# surrounding text: Chinese, punctuation that is no separator; never a digit or a Latin letter
SURROUNDING = st.text(alphabet="李四王五联系电话门卫值班室:,;、。电话号码是 ", max_size=8)


def _groups(draw, digits: str, splits: list[list[int]]) -> list[str]:
    """The digits cut as people cut them: one of the usual layouts, or a random cut into groups of ≥ 3."""
    if draw(st.booleans()):
        sizes = draw(st.sampled_from(splits))
    else:
        sizes, left = [], len(digits)
        while left:
            size = left if left < 6 else draw(st.integers(3, left - 3))
            sizes.append(size)
            left -= size
    out, at = [], 0
    for size in sizes:
        out.append(digits[at : at + size])
        at += size
    return out


def _join(draw, groups: list[str]) -> str:
    text = groups[0]
    for g in groups[1:]:
        text += draw(SEPARATORS) + g
    return text


@st.composite
def written(draw, number: str, splits: list[list[int]], prefixes: list[str]) -> str:
    text = draw(st.sampled_from(prefixes)) + _join(draw, _groups(draw, number, splits))
    if draw(st.booleans()):
        text = text.translate(FULL_WIDTH)
    return draw(SURROUNDING) + text + draw(SURROUNDING)


@st.composite
def mobiles(draw) -> str:
    number = "1" + draw(st.sampled_from("3456789")) + draw(st.text("0123456789", min_size=9, max_size=9))
    prefixes = ["", "+86", "+86 ", "86", "86-", "0086", "0086 ", "(+86)", "(+86) ", "+86-"]
    return draw(written(number, [[11], [3, 4, 4], [3, 8], [4, 3, 4], [7, 4]], prefixes))


@st.composite
def landlines(draw) -> str:
    area = draw(st.sampled_from(["010", "021", "022", "024", "0531", "0537", "0755", "0991", "0871"]))
    size = 8 if len(area) == 3 else draw(st.sampled_from([7, 8]))
    local = draw(st.sampled_from("23456789")) + draw(st.text("0123456789", min_size=size - 1, max_size=size - 1))
    layouts = [[len(area), size], [len(area), 4, size - 4], [len(area) + size]]
    form = draw(st.sampled_from(["plain", "parens", "country"]))
    if form == "parens":
        inner = _join(draw, _groups(draw, local, [[size], [4, size - 4]]))
        return draw(SURROUNDING) + f"({area})" + draw(st.sampled_from(["", " "])) + inner + draw(SURROUNDING)
    if form == "country":
        return draw(written(area[1:] + local, [[len(area) - 1, size]], ["+86 ", "0086 ", "+86-"]))
    return draw(written(area + local, layouts, [""]))


@st.composite
def births(draw) -> dt.date:
    return draw(st.dates(dt.date(1920, 1, 1), dt.date(2024, 12, 31)))


REGIONS = ["370802", "370811", "110105", "440305", "510104", "650102", "820000", "130102"]


@st.composite
def id_numbers(draw) -> str:
    region, born = draw(st.sampled_from(REGIONS)), draw(births())
    serial = draw(st.text("0123456789", min_size=3, max_size=3))
    if draw(st.booleans()):  # the old 15-digit number: two-digit year, no check character
        number = region + born.strftime("%y%m%d") + serial
        return draw(written(number, [[15], [6, 6, 3], [6, 9]], [""]))
    number = region + born.strftime("%Y%m%d") + serial + draw(st.sampled_from("0123456789Xx"))
    return draw(written(number, [[18], [6, 8, 4], [6, 4, 4, 4], [6, 12]], [""]))


@settings(max_examples=300, deadline=None)
@given(mobiles())
def test_generated_mobiles_are_found(text):
    assert find(text) is MOBILE, text


@settings(max_examples=300, deadline=None)
@given(landlines())
def test_generated_landlines_are_found(text):
    assert find(text) is LANDLINE, text


@settings(max_examples=300, deadline=None)
@given(id_numbers())
def test_generated_id_numbers_are_found(text):
    assert find(text) is ID, text


# --- generated negatives --------------------------------------------------------------------------


@st.composite
def dates(draw) -> str:
    d = draw(st.dates(dt.date(1949, 10, 1), dt.date(2099, 12, 31)))
    forms = [f"{d:%Y-%m-%d}", f"{d:%Y%m%d}", f"{d.year}年{d.month}月{d.day}日", f"{d.year}/{d.month}/{d.day}"]
    return draw(st.sampled_from([*forms, f"{d.year}.{d.month}.{d.day}", f"{d:%Y.%m.%d}"]))


@st.composite
def date_ranges(draw) -> str:
    return draw(dates()) + draw(st.sampled_from(["-", "—", " - ", "至", "~", " 至 "])) + draw(dates())


@st.composite
def credit_codes(draw) -> str:
    head = draw(st.sampled_from(["91", "92", "93", "11", "12", "51", "52", "53", "Y1"]))
    region = draw(st.sampled_from(REGIONS))
    body = draw(st.text(credit_code.ALPHABET, min_size=9, max_size=9).filter(lambda b: not b.isdigit()))
    return credit_code.with_check(head + region + body)


@st.composite
def our_ids(draw) -> str:
    letter = draw(st.sampled_from(["O", "U", "S", "P", "K", "C", "G", "A", "N", "R", "PS", "B"]))
    number = draw(st.integers(1, 99_999))
    width = draw(st.integers(2, 6))
    if draw(st.integers(0, 9)) == 0:
        stamp = draw(st.datetimes(dt.datetime(2020, 1, 1), dt.datetime(2030, 1, 1)))
        return f"L{stamp:%Y%m%d%H%M%S}-{draw(st.text('0123456789abcdef', min_size=6, max_size=6))}"
    return f"{letter}{number:0{width}d}"


@st.composite
def amounts(draw) -> str:
    value = draw(st.floats(0, 9_999_999_999, allow_nan=False))
    return draw(st.sampled_from([f"{value:,.2f}", f"{value:.2f}", f"{int(value):,}", f"{value / 10_000:.1f}万元"]))


@st.composite
def addresses(draw) -> str:
    road = draw(st.sampled_from(["太白湖路", "古槐路", "共青团路", "红星中路"]))
    n, unit, room = draw(st.integers(1, 999)), draw(st.integers(1, 9)), draw(st.integers(101, 3308))
    return draw(st.sampled_from([f"{road}{n}号{unit}单元{room}室", f"{road} {n} 号 {unit}-{room}", f"{road}{n}号"]))


@st.composite
def agreement_names(draw) -> str:
    y = draw(st.integers(2000, 2090))
    return f"{y}年度社区与驻区单位共建协议({y}-{y + draw(st.integers(1, 5))})"


NOT_PERSONAL = st.one_of(
    dates(),
    date_ranges(),
    credit_codes(),
    our_ids(),
    amounts(),
    addresses(),
    agreement_names(),
    st.integers(0, 2_958_465).map(str),  # Excel serials and counts
    st.integers(100_000, 999_999).map(str),  # postal codes
    st.tuples(st.integers(1949, 2100), st.integers(0, 10)).map(lambda t: f"{t[0]}-{t[0] + t[1]}"),  # year ranges
)


@settings(max_examples=1000, deadline=None)
@given(NOT_PERSONAL, SURROUNDING)
def test_generated_look_alikes_are_not_personal(text, around):
    assert find(text) is None, text
    assert find(around + text + around) is None, text
