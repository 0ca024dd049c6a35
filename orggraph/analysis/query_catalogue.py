"""The named Cypher scripts in ``queries/``: parsed from their headers, listed, run read-only.

A script is runnable unchanged in cypher-shell (``cypher-shell -f``) and Neo4j Browser: the header is
``//`` comments (name, 中文/English description, typed parameters) and the defaults are ``:param``
lines, which those tools execute and orggraph reads. A parameter without a ``:param`` default is
required.

A ``// person:`` line lists where the result holds a person's name: columns, or places inside nested values
(``orgs[*][7][*][1]``, see ``privacy.parse_name_path``). :func:`run_query` masks them unless asked for names;
a test fails when a catalogue query returns a name it does not declare. A script from outside the catalogue
(a user's own file) cannot be trusted to declare, so every known person's name in any of its strings is masked.
A ``// scope:`` line tells an area scope how to cut the answer (``area_scope``): ``strict``, ``aligned COLUMN``,
``region``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from orggraph.graph import statements
from orggraph.graph.cypher_text import ensure_read_only
from orggraph.graph.store import BoltStore
from orggraph.model.errors import QueryError
from orggraph.model.privacy import KnownNames, mask_known, mask_paths, parse_name_path

QUERIES_DIR = Path(str(resources.files("orggraph.queries")))  # queries/ in a checkout, package data in a wheel
TYPES = ("string", "integer", "float", "boolean", "date")
_HEADER = re.compile(r"^//\s*(name|zh|en|param|person|scope):\s*(.*)$")
_PARAM_DOC = re.compile(r"^(\w+)\s+(\w+)\s*(?:--\s*(.*))?$")
_PARAM_DEFAULT = re.compile(r"^:param\s+(\w+)\s*=>\s*(.+?);?\s*$")
LAPSED, LAPSING = "已过期", "即将到期"  # the states ``agreements_expiring`` answers, in the ledger's words
AGREEMENT_STATES = {LAPSED: ("已过期", "lapsed"), LAPSING: ("即将到期", "lapsing soon")}  # (中文, English)
_TRUE, _FALSE = {"true", "1", "yes", "是", "y"}, {"false", "0", "no", "否", "n"}


class _Today:
    """The default ``date()``: today, read when the query runs (not when the catalogue was loaded)."""

    def __repr__(self) -> str:
        return "date()"


TODAY = _Today()


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    description: str
    default: Any = None
    required: bool = True


@dataclass(frozen=True)
class Query:
    name: str
    zh: str
    en: str
    parameters: tuple[Parameter, ...]
    text: str
    path: Path
    person: tuple[str, ...] = ()  # where the result holds a person's name (``// person:``)
    scope: str = ""  # how an area scope cuts the answer (``// scope:``, see ``area_scope``); "" = by records

    @property
    def in_catalogue(self) -> bool:
        """A saved query of ``queries/`` (its names declared and tested), not a user's own file."""
        return self.path.resolve().parent == QUERIES_DIR


def _literal(text: str, where: str) -> Any:
    """A ``:param`` default written as a Cypher literal: 'text', 12, 1.5, true, date('2026-01-01'), date()."""
    text = text.strip()
    if re.fullmatch(r"date\(\s*\)", text):
        return TODAY
    if m := re.fullmatch(r"date\(\s*'([^']*)'\s*\)", text):
        return dt.date.fromisoformat(m.group(1))
    if m := re.fullmatch(r"'([^']*)'|\"([^\"]*)\"", text):
        return m.group(1) if m.group(1) is not None else m.group(2)
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    try:
        return float(text) if "." in text else int(text)
    except ValueError:
        raise QueryError(
            f"{where}:无法识别的参数默认值 {text}", f"{where}: unreadable parameter default {text}"
        ) from None


def parse_query(path: Path) -> Query:
    """Read one script; a missing or malformed header is an error naming the file."""
    header: dict[str, str] = {}
    params: list[tuple[str, str, str]] = []
    defaults: dict[str, Any] = {}
    person: list[str] = []
    body: list[str] = []
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise QueryError(
            f"{path.name}:不是 UTF-8 文本(第 {exc.start + 1} 个字节),请另存为 UTF-8",
            f"{path.name}: not UTF-8 text (byte {exc.start + 1}); save it as UTF-8",
        ) from None
    for line in text.splitlines():
        stripped = line.strip()
        if m := _HEADER.match(stripped):
            key, value = m.groups()
            if key == "param":
                doc = _PARAM_DOC.match(value.strip())
                if not doc or doc.group(2) not in TYPES:
                    raise QueryError(
                        f"{path.name}:参数声明格式错误:{value}",
                        f"{path.name}: malformed parameter declaration: {value} (types: {', '.join(TYPES)})",
                    )
                params.append((doc.group(1), doc.group(2), doc.group(3) or ""))
            elif key == "person":
                declared = [p.strip() for p in value.split(",") if p.strip()]
                person += [p for p in declared if parse_name_path(p)]  # malformed: an error naming the path
            else:
                header[key] = value.strip()
        elif m := _PARAM_DEFAULT.match(stripped):
            defaults[m.group(1)] = _literal(m.group(2), path.name)
        elif not stripped.startswith("//"):
            body.append(line)
    missing = [k for k in ("name", "zh", "en") if k not in header]
    if missing:
        raise QueryError(
            f"{path.name}:查询头缺少 {', '.join(missing)}", f"{path.name}: header lacks {', '.join(missing)}"
        )
    text = "\n".join(body).strip().rstrip(";").strip()
    parameters = tuple(Parameter(n, t, d, defaults.get(n), n not in defaults) for n, t, d in params)
    scope = header.get("scope", "")
    if scope and not re.fullmatch(r"strict|region|aligned \w+", scope):
        raise QueryError(
            f"{path.name}:无法识别的 scope 声明 {scope}",
            f"{path.name}: unknown scope {scope} (strict, region, aligned COLUMN)",
        )
    return Query(header["name"], header["zh"], header["en"], parameters, text, path, tuple(person), scope)


def load_catalogue(directory: Path = QUERIES_DIR) -> dict[str, Query]:
    """Every script of ``directory`` by name; a file unchanged since it was last parsed is not parsed again (a
    report looks its rules' queries up ~40 times: 0.3 s of parsing on a city's snapshot), an edited one is."""
    queries = [_parsed_as_of(p, _stamp(p)) for p in sorted(directory.glob("*.cypher"))]
    return {q.name: q for q in queries}


def _stamp(path: Path) -> tuple[int, int]:
    """What tells an edited file from the one parsed: its modification time (ns) and size."""
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


@functools.lru_cache(maxsize=512)
def _parsed_as_of(path: Path, stamp: tuple[int, int]) -> Query:
    """``parse_query`` of a file as it stood at ``stamp`` (a frozen ``Query``: safe to share)."""
    return parse_query(path)


def find_query(name_or_file: str, directory: Path = QUERIES_DIR) -> Query:
    """A catalogue query by name, or a script file by path."""
    path = Path(name_or_file)
    if path.suffix == ".cypher":  # a script of one's own, named by its path
        if not path.is_file():
            raise QueryError(f"找不到查询文件 {path}", f"no such query file: {path}")
        return parse_query(path)
    catalogue = load_catalogue(directory)
    if name_or_file not in catalogue:
        raise QueryError(
            f"没有名为 '{name_or_file}' 的查询;可用:{', '.join(catalogue)}",
            f"no query named '{name_or_file}'; available: {', '.join(catalogue)}",
        )
    return catalogue[name_or_file]


def convert(param: Parameter, raw: Any) -> Any:
    """A value given as text (CLI, form) converted to the parameter's declared type."""
    if not isinstance(raw, str):
        return raw
    value = raw.strip()
    try:
        if param.type == "integer":
            return int(value)
        if param.type == "float":
            return float(value)
        if param.type == "date":
            return dt.date.fromisoformat(value)
        if param.type == "boolean":
            if value.lower() in _TRUE | _FALSE:
                return value.lower() in _TRUE
            raise ValueError(value)
    except ValueError:
        raise QueryError(
            f"参数 {param.name} 应为 {param.type} 类型,收到 '{raw}'",
            f"parameter {param.name} must be a {param.type}, got '{raw}'",
        ) from None
    return value


def bind(query: Query, given: dict[str, Any], today: dt.date | None = None) -> dict[str, Any]:
    """Defaults (``date()`` is ``today``, the calendar's when None), then the given values (typed); unknown or
    missing parameters are errors."""
    declared = {p.name: p for p in query.parameters}
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise QueryError(
            f"查询 {query.name} 没有参数 {', '.join(unknown)};可用:{', '.join(declared) or '无'}",
            f"query {query.name} has no parameter {', '.join(unknown)}; declared: {', '.join(declared) or 'none'}",
        )
    values = {
        p.name: (today or dt.date.today()) if p.default is TODAY else p.default
        for p in query.parameters
        if not p.required
    }
    values.update({k: convert(declared[k], v) for k, v in given.items()})
    missing = [p.name for p in query.parameters if p.name not in values]
    if missing:
        raise QueryError(
            f"查询 {query.name} 缺少必填参数 {', '.join(missing)}",
            f"query {query.name} needs parameter {', '.join(missing)}",
        )
    return values


def run_query(
    store: BoltStore,
    query: Query,
    given: dict[str, Any] | None = None,
    today: dt.date | None = None,
    *,
    names: bool = False,
) -> list[dict[str, Any]]:
    """Run a catalogue query read-only (checked, then on the session the server keeps from writing) with typed
    parameters; rows of plain values, person names masked (declared ones; in a user's own file, every known
    one) unless ``names`` (the caller checked the user may)."""
    ensure_read_only(query.text, query.name)
    params = bind(query, given or {}, today)
    rows = store.read_only(query.text, params, name=query.name, shape=query.scope, catalogue=query.in_catalogue)
    return rows if names else mask_names(store, query, rows)


def mask_names(store: BoltStore, query: Query, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows with the names the query declares masked; for a script outside the catalogue, every known
    person's name found in any string (the names fetched once per run)."""
    rows = mask_paths(rows, [parse_name_path(p) for p in query.person])
    if query.in_catalogue or not rows:
        return rows
    known = KnownNames(r["name"] for r in store.read(statements.person_names(store.schema), name="person_names"))
    masked: list[dict[str, Any]] = mask_known(rows, known)  # the same shape: rows in, rows out
    return masked
