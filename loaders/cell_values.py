"""Cell values as people type them, turned into the schema's types — or a reason in 中文 and English.

Handles full-width digits and letters, stray spaces, Excel serial dates, 2024-01-01 / 2024/1/1 /
2024年1月1日 / 2024.1.1 / 20240101, 是/否 booleans, thousands separators, and the credit-code check.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable

from orggraph.model import credit_code, personal_numbers
from orggraph.model.schema import PropertySpec

EXCEL_EPOCH = dt.date(1899, 12, 30)
FIRST_DAY = dt.date(1900, 1, 1)
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_TRUE = {"是", "有", "true", "yes", "y", "1", "√", "✓", "t"}
_FALSE = {"否", "无", "false", "no", "n", "0", "×", "✗", "f"}
_SEPARATOR = re.compile(r"[;,、\n；，]")


class ValueProblem(ValueError):
    """Why a cell cannot be read; carries both languages."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


def normalize_text(value: object) -> str:
    """NFKC (full-width → half-width), trimmed, inner runs of whitespace made one space."""
    text = value if isinstance(value, str) else str(value)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return " ".join(text.split())


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_date(value: object) -> dt.date:
    if isinstance(value, dt.time):  # what a zero or negative serial in a date-formatted cell reads as
        raise ValueProblem(
            f"单元格是时刻 {value} 而不是日期(日期序号为零或负数?)",
            f"the cell holds a time of day ({value}), not a date (a zero or negative serial?)",
        )
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        if value < FIRST_DAY:  # a zero or negative serial in a date-formatted cell
            raise ValueProblem(
                f"日期 {value} 早于 1900 年,可能是错误的日期序号", f"date {value} is before 1900: a bad serial?"
            )
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise ValueProblem(f"日期序号 {value} 超出范围", f"date serial {value} is out of range")
    text = normalize_text(value)
    match = _DATE.match(text) or _DATE_COMPACT.match(text)
    if match:
        try:
            return dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            raise ValueProblem(f"日期不存在:{text}", f"no such date: {text}") from None
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return parse_date(float(text))
    if text.startswith("#"):
        raise ValueProblem(
            f"单元格是 Excel 错误值 {text}(日期格式单元格中的序号超出范围?)",
            f"the cell holds the Excel error {text} (a serial out of range in a date cell?)",
        )
    raise ValueProblem(
        f"无法识别的日期:{text}(应如 2024-01-01、2024/1/1 或 2024年1月1日)",
        f"unreadable date: {text} (write 2024-01-01, 2024/1/1 or 2024年1月1日)",
    )


def parse_integer(value: object) -> int:
    if isinstance(value, bool):
        raise ValueProblem("应为整数", "must be a whole number")
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = normalize_text(value).replace(",", "").replace(" ", "")
        text = re.sub(r"(人|个|户|栋|家|名|年)$", "", text)
        try:
            number = float(text)
        except ValueError:
            raise ValueProblem(
                f"应为整数,收到“{normalize_text(value)}”", f"must be a whole number, got '{normalize_text(value)}'"
            ) from None
    if not math.isfinite(number) or number != int(number):  # "nan", "inf": no whole number (int() would raise)
        raise ValueProblem(f"应为整数,收到 {value}", f"must be a whole number, got {value}")
    if number < 0:
        raise ValueProblem(f"不能为负数:{value}", f"must not be negative: {value}")
    return int(number)


def parse_float(value: object) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    text = normalize_text(value).replace(",", "")
    try:
        return float(text)
    except ValueError:
        raise ValueProblem(f"应为数字,收到“{text}”", f"must be a number, got '{text}'") from None


def parse_boolean(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = normalize_text(value).lower()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise ValueProblem(f"应填“是”或“否”,收到“{text}”", f"must be 是/否 (yes/no), got '{text}'")


def parse_string(spec: PropertySpec, value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code typed into a numeric cell
    text = normalize_text(value)
    if spec.format == "credit_code":
        text = text.replace(" ", "").upper()
        if not credit_code.is_valid(text):
            raise ValueProblem(
                f"统一社会信用代码无效(18位且校验位正确):{text}",
                f"invalid unified social credit code (18 characters, valid check digit): {text}",
            )
    if spec.enum is not None and text not in spec.enum:
        raise ValueProblem(
            f"“{text}”不是允许的取值:{'、'.join(spec.enum)}",
            f"'{text}' is not an allowed value: {', '.join(spec.enum)}",
        )
    return text


RawRow = tuple[object, ...]  # one row of cells as a file gives them (text, numbers, dates, booleans, None)
CellParser = Callable[[object], object]  # a cell as read → its typed value (raises ValueProblem)
_PARSERS: dict[str, CellParser] = {
    "date": parse_date,
    "integer": parse_integer,
    "float": parse_float,
    "boolean": parse_boolean,
}


def split_ids(value: object) -> list[str]:
    """Ids from an edge cell: one, or several separated by ; , 、 or newlines."""
    if type(value) is str and value.isascii() and not _SEPARATOR.search(value):
        return [value.strip()] if value.strip() else []
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value))
    return [part.strip() for part in re.split(r"[;,、\n]+", text) if part.strip()]


def personal_number(value: object) -> str | None:
    """What kind of personal number a cell holds (ID card, mobile, landline), as "中文 / English", if any:
    those must not be stored. The one detector is ``orggraph.model.personal_numbers``."""
    kind = personal_numbers.find(value)
    return None if kind is None else kind.label


def _plain_text(value: object) -> str:
    """parse_string for a free-text column, inlined: the commonest cell of every ledger."""
    if type(value) is str:
        if value.isascii() or unicodedata.is_normalized("NFKC", value):
            return " ".join(value.split())
        return normalize_text(value)
    return parse_string(_FREE_TEXT, value)


_FREE_TEXT = PropertySpec(name="text", type="string", zh="文本", en="text")


# the usual slips behind a coordinate out of range, said with the range
_RANGE_HINTS = {
    name: ("(经纬度是否填反?是否填成了度分秒?)", " (longitude and latitude swapped? degrees-minutes-seconds?)")
    for name in ("lon", "lat")
}


def in_range(spec: PropertySpec, parse: CellParser) -> CellParser:
    """``parse`` with the spec's range checked (``minimum``/``maximum``: a longitude within China's extent)."""
    lo = -float("inf") if spec.minimum is None else spec.minimum
    hi = float("inf") if spec.maximum is None else spec.maximum
    hint_zh, hint_en = _RANGE_HINTS.get(spec.name, ("", ""))

    def ranged(value: object) -> object:
        number = parse(value)
        assert isinstance(number, (int, float))  # a range is declared on numbers only
        if not lo <= number <= hi:  # NaN too
            raise ValueProblem(
                f"{spec.zh}应在 {lo:g} 至 {hi:g} 之间,收到 {number:g}{hint_zh}",
                f"{spec.en} must lie between {lo:g} and {hi:g}, got {number:g}{hint_en}",
            )
        return number

    return ranged


def cell_parser(spec: PropertySpec) -> CellParser:
    """The fastest correct parser for one column (picked once per column, not once per cell)."""
    if spec.type != "string":
        parse = _PARSERS[spec.type]
        return parse if spec.minimum is None and spec.maximum is None else in_range(spec, parse)
    if spec.synonyms is not None:  # a group or the clerk's own word for one (loaders/category_words.py)
        from loaders.category_words import word_parser

        return word_parser(spec)
    if spec.enum is None and spec.format is None:
        return _plain_text
    if spec.format is None and spec.enum is not None:  # (an enum: with neither, plain text above)
        allowed = frozenset(spec.enum)

        def enum_value(value: object) -> str:
            if type(value) is str and value in allowed:
                return value
            return parse_string(spec, value)

        return enum_value
    return lambda value: parse_string(spec, value)


def may_be_personal(value: object) -> bool:
    """A cheap first look (one regex scan): only text with eleven digits close together, or a whole number of
    eleven digits, can hold a personal number."""
    return personal_numbers.may_hold(value)
