"""Every English text ``streamlit_words`` says in 中文 is one the installed Streamlit bundle holds (an upgrade that
rewords one fails here, not silently in a page), and every pattern turns a text the bundle builds into ours. The
words in place: the browser tests (``test_browser.py``, ``test_browser_login.py``)."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest
import streamlit

from orggraph.app.pages.streamlit_words import ATTRIBUTES, PATTERNS, WORDS, script

BUNDLE = Path(streamlit.__file__).parent / "static" / "static" / "js"

# Texts the bundle builds from pieces rather than holding whole: the pieces it holds.
BUILT = {
    "Press Enter to apply": ("`Press Enter to ${e}`", "`apply`"),
    "Press Enter to submit form": ("`Press Enter to ${e}`", "`submit form`"),
}

# Per pattern: the pieces the bundle builds such texts from, one such text, and what it says in 中文.
SAMPLES = [
    (
        ("`You have requested page /${e}, but no corresponding file was found in the app's pages/ directory`",
         "${t}. Running the app's main page.`"),
        "You have requested page /overview, but no corresponding file was found in the app's pages/ directory. "
        "Running the app's main page.",
        "所请求的页面 /overview 不存在,已打开首页。",
    ),
    (
        ("`The page that you have requested does not seem to exist`", "${t}. Running the app's main page.`"),
        "The page that you have requested does not seem to exist. Running the app's main page.",
        "所请求的页面不存在,已打开首页。",
    ),
    (("`View less`:`View ${x-m} more`",), "View 3 more", "另有 3 项"),
    (("`${v.results} result${v.results===1?``:`s`}`",), "12 results", "12 条结果"),
    (("`${v.selectedIndex+1} of ${e}`",), "2 of 12 results", "第 2 条,共 12 条"),
    (("`${v.selectedIndex+1} of ${e}`", "`over 1000`"), "5 of over 1000", "第 5 条,共 1000 余条"),
    (("`over 1000`",), "over 1000", "1000 余条"),
    (("`Remove ${e.name}`", "`Remove ${e}`"), "Remove 台账.xlsx", "移除 台账.xlsx"),
    (("`Help for ${t.replaceAll(",), "Help for 截至日期", "截至日期:说明"),
    (("`Cancel upload of ${e.name}`",), "Cancel upload of 台账.xlsx", "取消上传 台账.xlsx"),
    (("`Select ${p.length} matches`",), "Select 3 matches", "选择全部 3 项匹配"),
]  # fmt: skip

# A number box's range messages (1 to 10 here), each alone, as its error line and after its tip's **Error**
NUMBER_RANGE = [
    ("`Number is outside the allowed range. Please enter a value between ${n} and ${r}.`",
     "Number is outside the allowed range. Please enter a value between 1 and 10.",
     "数值超出允许范围,请输入 1 到 10 之间的数。"),
    ("`Number is below the allowed range. Please enter a value greater than or equal to ${n}.`",
     "Number is below the allowed range. Please enter a value greater than or equal to 1.",
     "数值低于允许范围,请输入不小于 1 的数。"),
    ("`Number is above the allowed range. Please enter a value less than or equal to ${r}.`",
     "Number is above the allowed range. Please enter a value less than or equal to 10.",
     "数值高于允许范围,请输入不大于 10 的数。"),
    ("`Number is below the allowed range.`", "Number is below the allowed range.", "数值低于允许范围。"),
    ("`Number is above the allowed range.`", "Number is above the allowed range.", "数值高于允许范围。"),
]  # fmt: skip
SAMPLES += [
    ((piece, *shown), f"{prefix}{english}", f"{said}{ours}")
    for piece, english, ours in NUMBER_RANGE
    for prefix, said, shown in (
        ("", "", ()), ("Error: ", "错误:", ("`Error: ${M}`",)), (": ", ":", ("`**Error**: ${M}`",))
    )
]  # fmt: skip


@cache
def bundle() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(BUNDLE.glob("*.js")))


@pytest.mark.parametrize("english", sorted(WORDS))
def test_each_word_is_one_the_bundle_shows(english):
    pieces = BUILT.get(english, tuple(f"{q}{english}{q}" for q in "`\"'"))
    found = [p in bundle() for p in pieces]
    assert all(found) if english in BUILT else any(found), f"{english!r} is not in Streamlit's bundle"


def test_each_pattern_says_a_text_the_bundle_builds():
    assert len(SAMPLES) == len(PATTERNS)
    for (pattern, replacement), (pieces, sample, said) in zip(PATTERNS, SAMPLES, strict=True):
        assert all(p in bundle() for p in pieces), pieces
        assert re.sub(pattern, re.sub(r"\$(\d)", r"\\\1", replacement), sample) == said


def test_the_words_said_are_chinese_but_for_names():
    names = re.compile(r"orggraph serve|CSV|PNG|SVG|Vega")  # a command, file formats, the chart library
    for said in [*WORDS.values(), *(r for _, r in PATTERNS)]:
        assert not re.search(r"[A-Za-z]", names.sub("", said)), said


def test_the_script_carries_the_language_and_the_words():
    for language in ("zh", "en"):
        page = script(language)
        config = json.loads(re.search(r"\}\)\((\{.*\})\);\s*</script>$", page, re.S)[1])
        assert config == {"lang": language, "words": WORDS, "patterns": [list(p) for p in PATTERNS],
                          "attributes": ATTRIBUTES}  # fmt: skip
