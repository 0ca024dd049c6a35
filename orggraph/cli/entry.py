"""The ``orggraph`` command's entry point: the command line, started without pandas.

The neo4j driver imports pandas whenever it is installed (the app needs it, through Streamlit), only to recognise
pandas values in parameters and to offer ``Result.to_df``; no command sends or reads a pandas value. That import
was ~0.5 s of every command's start (1.2 against 1.7 s to import the CLI, 2026-12-01). An import finder placed first
makes ``import pandas`` fail here as if it were not installed, which the driver (and pyarrow, which asks for pandas
on its own) take as such; a ``None`` in ``sys.modules`` does not do: pyarrow's compiled import returns it as the
module. The app (a Streamlit process of its own, started by ``serve``) and the tests that call ``cli.main`` in
their own process import pandas as usual; a test runs the commands that reach pyarrow, openpyxl, shapely and
matplotlib through this entry point and finds pandas never loaded.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType


class _WithoutPandas(importlib.abc.MetaPathFinder):
    """Refuses pandas and its submodules: every other import goes on to the next finder."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname == "pandas" or fullname.startswith("pandas."):
            raise ModuleNotFoundError("the orggraph command line does not use pandas", name=fullname)
        return None


def main() -> None:
    if "pandas" not in sys.modules:
        sys.meta_path.insert(0, _WithoutPandas())
    from orggraph.cli.main import main as run_cli

    run_cli()
