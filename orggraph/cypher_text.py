"""Reading Cypher text without a server: comments and literals stripped, write clauses found.

ArcadeDB runs a write inside a read transaction without complaint (measured), so "read-only" cannot
be left to the server: every statement sent as a read is checked here first.
"""

from __future__ import annotations

import re

from orggraph.errors import ReadOnlyViolation

_LITERALS = re.compile(
    r"//[^\n]*|/\*.*?\*/|'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"|`[^`]*`",
    re.DOTALL,
)
_WRITE = re.compile(
    r"(?<![\w.$])(CREATE|MERGE|SET|DELETE|DETACH|REMOVE|DROP|FOREACH|LOAD\s+CSV|ALTER|RENAME|GRANT|"
    r"REVOKE|DENY|TERMINATE|IN\s+TRANSACTIONS)(?![\w])",
    re.IGNORECASE,
)
_PROCEDURE = re.compile(r"(?<![\w.$])CALL\s+([A-Za-z_][\w.]*)", re.IGNORECASE)
READ_PROCEDURES = frozenset(
    {
        "db.labels",
        "db.relationshiptypes",
        "db.propertykeys",
        "dbms.components",
        "db.schema.visualization",
        "db.info",
        "db.ping",
    }
)


def strip_literals(text: str) -> str:
    """The statement with comments, string literals and quoted names blanked out."""
    return _LITERALS.sub(lambda m: " " * len(m.group(0)), text)


def write_clauses(text: str) -> list[str]:
    """The write clauses and non-read procedure calls a statement contains (empty when it only reads)."""
    code = strip_literals(text)
    found = [" ".join(m.group(1).upper().split()) for m in _WRITE.finditer(code)]
    found += [f"CALL {m.group(1)}" for m in _PROCEDURE.finditer(code) if m.group(1).lower() not in READ_PROCEDURES]
    return found


def ensure_read_only(text: str, name: str = "") -> None:
    """Raise ReadOnlyViolation when the statement would write."""
    found = write_clauses(text)
    if found:
        what = ", ".join(dict.fromkeys(found))
        label = f"查询 {name} " if name else "该语句"
        raise ReadOnlyViolation(
            f"{label}包含写操作({what}),只读查询不允许修改图谱",
            f"{'query ' + name if name else 'the statement'} would write ({what}); queries here are read-only",
        )
