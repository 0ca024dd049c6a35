"""The words the app shows for things the program names by identifier: the graph server in use, a saved query's
parameters, and the result columns a query's description mentions. A clerk reading 中文 reads 截至日期, not
``as_of``; 内置图数据库 ArcadeDB 26.10.2, not ``embedded · Neo4j/5.26.0 compatible (ArcadeDB 26.10.2)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from orggraph.analysis.query_catalogue import AGREEMENT_STATES, Parameter, find_query
from orggraph.model.errors import OrgGraphError
from orggraph.present.column_names import column_names

BACKENDS = {"embedded": ("内置图数据库", "embedded graph database"), "neo4j": ("Neo4j", "Neo4j")}
TYPES = {"string": ("文本", "text"), "integer": ("整数", "integer"), "float": ("数值", "number"),
         "date": ("日期", "date"), "boolean": ("是/否", "yes/no"), "list": ("列表", "list")}  # fmt: skip
_SERVER = re.compile(r"(ArcadeDB|Neo4j)[ /]v?(\d[\w.\-]*)")
_IDENTIFIER = re.compile(r"(?<![\w`])[a-z][a-z0-9_]*(?![\w`])")


def _pick(words: tuple[str, str], lang: str) -> str:
    return words[0] if lang == "zh" else words[1]


def server_label(backend: str, agent: str, lang: str) -> str:
    """The graph server as the sidebar names it: the backend in words and the server's product and version (the
    last one the agent string names: ArcadeDB answers as "Neo4j/5.26.0 compatible (ArcadeDB 26.10.2)").

    >>> server_label("embedded", "Neo4j/5.26.0 compatible (ArcadeDB 26.10.2)", "zh")
    '内置图数据库 · ArcadeDB 26.10.2'
    >>> server_label("neo4j", "Neo4j/5.26.3", "en")
    'Neo4j · Neo4j 5.26.3'
    """
    found = _SERVER.findall(agent or "")
    server = f"{found[-1][0]} {found[-1][1]}" if found else agent
    return f"{_pick(BACKENDS.get(backend, (backend, backend)), lang)} · {server}"


def parameter_label(p: Parameter, lang: str) -> str:
    """A parameter as a clerk reads it: its description in the viewer's language ("截至日期 / as-of date" in the
    query's header), marked * when required."""
    zh, _, en = (p.description or "").partition("/")  # "截至日期 / as-of date", "编号(区、街道……)/ area id"
    words = (zh if lang == "zh" else en or zh).strip() or p.name
    return f"{words}{' *' if p.required else ''}"


def parameter_help(p: Parameter, lang: str) -> str:
    """A parameter's identifier (as code) and type in words, for its help text.

    >>> parameter_help(Parameter("as_of", "date", "截至日期 / as-of date"), "zh")
    '参数 `as_of`,类型:日期'
    """
    kind = _pick(TYPES.get(p.type, (p.type, p.type)), lang)
    return f"参数 `{p.name}`,类型:{kind}" if lang == "zh" else f"parameter `{p.name}`, type: {kind}"


def parameter_words(query: str, names: Iterable[str], lang: str) -> list[str]:
    """The parameters of a saved query named in words (an unknown query or parameter keeps its identifier)."""
    try:
        declared = {p.name: p for p in find_query(query).parameters}
    except OrgGraphError:
        declared = {}
    return [parameter_label(declared[n], lang).rstrip(" *") if n in declared else n for n in names]


def value_words(value: object, lang: str) -> object:
    """A value a query computes in words of its own (an agreement's state: 已过期) in the viewer's language; any
    other value as it is (names and data stay as stored).

    >>> value_words("已过期", "en"), value_words("已过期", "zh"), value_words("金城小区", "en")
    ('lapsed', '已过期', '金城小区')
    """
    if isinstance(value, str) and value in AGREEMENT_STATES:
        return _pick(AGREEMENT_STATES[value], lang)
    return value


# the pages' names, by the first word of their download keys
PAGES = {"overview": ("总览", "Overview"), "hier": ("组织架构", "Hierarchy"), "gaps": ("覆盖缺口", "Coverage gaps"),
         "paths": ("联结路径", "Linkage paths"), "ledger": ("共建台账", "Co-building ledger"),
         "whatif": ("假设分析", "What-if"), "cypher": ("Cypher 查询", "Cypher queries"),
         "import": ("数据导入", "Import"), "admin": ("用户审计", "Users & audit"),
         "coverage": ("覆盖地图", "Coverage map"), "report": ("月度报告", "Monthly report"),
         "print": ("打印报告", "Print report")}  # fmt: skip
FORMATS = {"xlsx": "Excel", "csv": "CSV", "png": "PNG"}


def export_words(what: str, lang: str) -> str:
    """What a download held, as the audit log records it (``<page key>:<format>``), in words.

    >>> export_words("gaps:xlsx", "zh"), export_words("ledger_dl_agreements_lapsed:csv", "en")
    ('覆盖缺口 Excel', 'Co-building ledger CSV')
    >>> export_words("cypher:agreements_expiring", "zh"), export_words("coverage_map:png", "zh")
    ('Cypher 查询 agreements_expiring', '覆盖地图 PNG')
    """
    head, *rest = what.split(":")
    page = PAGES.get(head.split("_")[0])
    return " ".join([_pick(page, lang) if page else head, *(FORMATS.get(part, part) for part in rest)])


def column_words(text: str, lang: str) -> str:
    """A query's description with the result columns it mentions by identifier named in the viewer's language.

    >>> column_words("一行一个小区,covered 为否即缺口", "zh")
    '一行一个小区,「已覆盖」为否即缺口'
    """
    names = column_names()

    def word(match: re.Match[str]) -> str:
        column = match.group(0)
        return f"「{_pick(names[column], lang)}」" if column in names else column

    return re.sub(r"\s*「", "「", re.sub(r"」\s*", "」", _IDENTIFIER.sub(word, text))) if lang == "zh" else text
