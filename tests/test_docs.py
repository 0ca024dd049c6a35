"""Generated docs stay current, every command is documented with an example, the README opens right."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from orggraph.cli.main import app
from orggraph.present.readme_sections import check_readme, cli_reference

REPO = Path(__file__).resolve().parent.parent


def test_readme_cli_reference_is_current_and_every_command_has_an_example():
    check_readme(app)
    rows = [line for line in cli_reference(app).splitlines() if line.startswith("| `orggraph")]
    assert len(rows) >= 10
    assert all("``" not in row for row in rows), "a command lacks a 示例 Example line"


def test_readme_starts_with_the_two_commands():
    head = (REPO / "README.md").read_text(encoding="utf-8").split("```")[1]
    assert "make run" in head and "make test" in head
    assert "make test" in (REPO / ".ci" / "run").read_text()


def test_streamlit_sends_no_usage_statistics():
    assert "gatherUsageStats = false" in (REPO / ".streamlit" / "config.toml").read_text()


def test_import_layers_contract_holds():
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports")], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-2000:]
