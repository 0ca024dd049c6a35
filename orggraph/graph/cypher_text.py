"""Reading Cypher text without a server: a statement tokenised, its write clauses and procedure calls found.

This is the first line of the read-only promise, not the last: user-written and catalogue queries also
run on a session the server itself keeps from writing (a read-only database user on the embedded
ArcadeDB server, READ access mode on Neo4j; see ``BoltStore.read_only``). ArcadeDB runs a write inside
a read transaction without complaint (measured), so on a root session this check is all there is.

The statement is tokenised, so that comments (``//``, ``/* */``), string literals (with escapes),
backticked names and any Unicode whitespace are read as the server reads them: ``RETURN {create: 1}``
and ``RETURN 'DELETE me'`` are reads, while ``CALL `apoc.do.when`(…)`` is the procedure
``apoc.do.when`` and is refused. When in doubt the check refuses (an alias named ``set`` must be
backticked); it never needs Node or a server.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from orggraph.model.errors import ReadOnlyViolation

_TOKEN = re.compile(
    r"""(?P<comment>//[^\n\r\u2028\u2029\x85]*|/\*.*?\*/)
    |(?P<string>'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*")
    |(?P<name>`(?:[^`]|``)*`)
    |(?P<param>\$(?:\w+|`(?:[^`]|``)*`))
    |(?P<number>0[xX][0-9a-fA-F]+|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
    |(?P<word>[^\W\d]\w*)
    |(?P<space>\s+)
    |(?P<punct>.)""",
    re.DOTALL | re.VERBOSE,
)
# Invisible format characters (zero-width space, joiners, BOM, bidi marks) are dropped before reading:
# a keyword split by one is then still seen whole, so the check errs on the side of refusing.
_INVISIBLE = re.compile(r"[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")

WRITE_WORDS = frozenset(
    {"CREATE", "MERGE", "SET", "DELETE", "DETACH", "REMOVE", "DROP", "FOREACH", "INSERT", "ALTER", "RENAME"}
    | {"GRANT", "REVOKE", "DENY", "TERMINATE", "USE", "DEALLOCATE", "REALLOCATE"}
)
WRITE_PAIRS = frozenset(
    {("LOAD", "CSV"), ("IN", "TRANSACTIONS"), ("PERIODIC", "COMMIT"), ("START", "DATABASE"), ("STOP", "DATABASE")}
    | {("ENABLE", "SERVER")}
)
READ_PROCEDURES = frozenset(
    {
        "db.labels",
        "db.relationshiptypes",
        "db.propertykeys",
        "dbms.components",
        "db.schema.visualization",
        "db.schema.nodetypeproperties",
        "db.schema.reltypeproperties",
        "db.info",
        "db.ping",
    }
)
# Dotted functions whose namespace only computes values (Cypher's temporal, spatial and vector functions,
# APOC's pure helpers). Any other dotted name called like a function may be a procedure and is refused.
READ_FUNCTION_NAMESPACES = frozenset(
    {"date", "datetime", "localdatetime", "time", "localtime", "duration", "point", "vector", "vector.similarity"}
    | {"apoc.text", "apoc.coll", "apoc.map", "apoc.convert", "apoc.date", "apoc.temporal", "apoc.math"}
    | {"apoc.number", "apoc.agg", "apoc.label", "apoc.node", "apoc.rel"}
)
READ_FUNCTIONS = frozenset({"db.nameFromElementId".lower()})


class Token(NamedTuple):
    kind: str  # comment string name param number word space punct
    text: str

    @property
    def value(self) -> str:
        """A name's own text: backticks removed (```a``b``` is a`b); other tokens as written."""
        return self.text[1:-1].replace("``", "`") if self.kind == "name" else self.text


def tokens(text: str, keep: bool = False) -> list[Token]:
    """The statement's tokens; comments and whitespace are left out unless ``keep``.

    >>> [t.text for t in tokens("RETURN {create: 1} // DELETE")]
    ['RETURN', '{', 'create', ':', '1', '}']
    """
    found = [Token(m.lastgroup or "punct", m.group()) for m in _TOKEN.finditer(_INVISIBLE.sub("", text))]
    return found if keep else [t for t in found if t.kind != "comment" and t.kind != "space"]


def _is_keyword(toks: list[Token], i: int) -> bool:
    """A bare word in a keyword's place: not a property (``n.set``), label (``:Create``) or map key."""
    if toks[i].kind != "word":
        return False
    before = toks[i - 1].text if i else ""
    after = toks[i + 1].text if i + 1 < len(toks) else ""
    return before not in (".", ":") and after != ":"


def _dotted_name(toks: list[Token], i: int) -> tuple[str, int]:
    """The (possibly dotted, possibly backticked) name starting at token i, and the index after it."""
    parts: list[str] = []
    while i < len(toks) and toks[i].kind in ("word", "name"):
        parts.append(toks[i].value)
        if i + 2 < len(toks) and toks[i + 1].text == "." and toks[i + 2].kind in ("word", "name"):
            i += 2
        else:
            i += 1
            break
    return ".".join(parts), i


def procedure_calls(text: str) -> list[str]:
    """The procedures a statement CALLs, by name as written (``CALL {`` and ``CALL (x) {`` are subqueries)."""
    return _procedure_calls(tokens(text))


def _procedure_calls(toks: list[Token]) -> list[str]:
    calls = []
    for i in range(len(toks) - 1):
        if _is_keyword(toks, i) and toks[i].text.upper() == "CALL" and toks[i + 1].text not in ("{", "("):
            name, _ = _dotted_name(toks, i + 1)
            calls.append(name or toks[i + 1].text)
    return calls


def _function_writes(toks: list[Token], i: int) -> str | None:
    """A dotted name invoked like a function that is not known to only read (``apoc.create.node(``)."""
    if i + 1 >= len(toks) or toks[i + 1].text != "." or toks[i].kind not in ("word", "name"):
        return None
    if i and toks[i - 1].text in (".", "$"):
        return None
    name, end = _dotted_name(toks, i)
    if "." not in name or end >= len(toks) or toks[end].text != "(":
        return None
    lowered = name.lower()
    namespace = lowered.rsplit(".", 1)[0]
    if lowered in READ_PROCEDURES | READ_FUNCTIONS or namespace in READ_FUNCTION_NAMESPACES:
        return None
    return f"{name}()"


def write_clauses(text: str) -> list[str]:
    """The write clauses and non-read procedure calls a statement contains (empty when it only reads).

    >>> write_clauses("CALL `apoc.do.when`(true, 'MATCH (b) DETACH DELETE b', '', {})")
    ['CALL apoc.do.when']
    >>> write_clauses("MATCH (n) WHERE n.name CONTAINS 'create' RETURN {set: n.set}")
    []
    """
    toks = tokens(text)
    found = [f"CALL {name}" for name in _procedure_calls(toks) if name.lower() not in READ_PROCEDURES]
    for i, tok in enumerate(toks):
        if tok.text == ";" and i + 1 < len(toks):
            found.append("; 多条语句 several statements")
        if (f := _function_writes(toks, i)) and not (i and toks[i - 1].text.upper() == "CALL"):
            found.append(f)
        if not _is_keyword(toks, i):
            continue
        word = tok.text.upper()
        following = toks[i + 1].text.upper() if i + 1 < len(toks) else ""
        if word in WRITE_WORDS:
            found.append(word)
        elif (word, following) in WRITE_PAIRS:
            found.append(f"{word} {following}")
    return found


def ensure_read_only(text: str, name: str = "") -> None:
    """Raise ReadOnlyViolation when the statement would write."""
    found = write_clauses(text)
    if found:
        what = ", ".join(dict.fromkeys(found))
        label = f"查询 {name} " if name else "该语句"
        raise ReadOnlyViolation(
            f"{label}包含写操作或未获准的过程调用({what}),只读查询不允许修改图谱",
            f"{'query ' + name if name else 'the statement'} would write or calls a procedure not known to "
            f"only read ({what}); queries here are read-only",
        )
