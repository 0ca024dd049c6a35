"""Size limits on the code (issue 11): no module over 400 lines, no function or method over 50.

Why a test: a size rule written only in CONVENTIONS.md rots one long function at a time; this fails the first
time a module or function grows past the limit and names every offender at once. A function's length is
counted from its ``def`` line to its last line (``end_lineno - lineno + 1``), its decorators left out.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("orggraph", "loaders")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 50


def python_files() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (REPO / package).rglob("*.py"))


def long_functions(tree: ast.AST) -> Iterator[tuple[str, int, int]]:
    """(qualified name, first line, length) of every function or method longer than the limit, nested ones too."""

    def walk(node: ast.AST, prefix: str) -> Iterator[tuple[str, int, int]]:
        for child in ast.iter_child_nodes(node):
            name = f"{prefix}{getattr(child, 'name', '')}"
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                length = child.end_lineno - child.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    yield name, child.lineno, length
                yield from walk(child, f"{name}.")
            elif isinstance(child, ast.ClassDef):
                yield from walk(child, f"{name}.")
            else:
                yield from walk(child, prefix)

    yield from walk(tree, "")


def test_the_walk_finds_the_code() -> None:
    """Guards the test itself: a wrong root would find nothing and pass."""
    names = {p.relative_to(REPO).as_posix() for p in python_files()}
    assert {"orggraph/cli/main.py", "loaders/region_generator.py"} <= names


def test_counts_function_lines_without_decorators() -> None:
    """A decorated function of exactly the limit passes (its decorators not counted); a method one longer fails."""
    body = [f"x{i} = {i}" for i in range(MAX_FUNCTION_LINES - 1)]  # plus the def line: exactly the limit
    fits = ["@decorator", "@another", "def fits():", *(f"    {x}" for x in body)]
    method = ["class C:", "    def too_long(self):", *(f"        {x}" for x in body), "        pass"]
    source = "\n".join([*fits, "", *method]) + "\n"
    method_line = len(fits) + 3
    assert list(long_functions(ast.parse(source))) == [("C.too_long", method_line, MAX_FUNCTION_LINES + 1)]


def test_no_module_over_400_lines() -> None:
    too_long = []
    for path in python_files():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_MODULE_LINES:
            too_long.append(f"{path.relative_to(REPO)}: {lines} lines")
    assert not too_long, f"modules over {MAX_MODULE_LINES} lines:\n" + "\n".join(too_long)


def test_no_function_over_50_lines() -> None:
    too_long = []
    for path in python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for name, line, length in long_functions(tree):
            too_long.append(f"{path.relative_to(REPO)}:{line} {name}: {length} lines")
    assert not too_long, f"functions over {MAX_FUNCTION_LINES} lines:\n" + "\n".join(too_long)
