"""The built wheel works on its own: built from this checkout, installed into a fresh venv outside the source tree,
it lists the catalogue, loads a demo street and serves the app — everything it needs (queries, YAML, fixtures,
the Streamlit script) travels inside it. The dependencies come from this venv through a path file (no network in
a test), and the wheel's declared ranges are checked to admit the versions tested (constraints.txt)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from test_serve import _processes_mentioning, _wait_http

from orggraph.graph.embedded_server import free_port

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Built from a copy of the checkout (setuptools writes build/ and egg-info beside the sources)."""
    source, out = tmp_path_factory.mktemp("source") / "orggraph", tmp_path_factory.mktemp("dist")
    skip = shutil.ignore_patterns(".git", ".venv", "node_modules", "build", "data", "*.egg-info", "__pycache__",
                                  ".pytest_cache", ".ruff_cache", ".hypothesis", "artifacts", "results")  # fmt: skip
    shutil.copytree(REPO, source, ignore=skip)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation", "-q", "-w", str(out)],
        check=True,
        cwd=out,
        capture_output=True,
    )
    return next(out.glob("orggraph-*.whl"))


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh venv with the wheel alone installed; this venv's packages (the tested versions) on its path."""
    root = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(root)], check=True)
    python = root / "bin" / "python"
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True, capture_output=True)
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], capture_output=True, text=True
    ).stdout.strip()
    Path(site, "tested_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return root


def _run(venv: Path, cwd: Path, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(
        [str(venv / "bin" / "orggraph"), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


def test_the_wheel_carries_the_catalogue_the_data_and_the_app(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert sum(n.startswith("orggraph/queries/") and n.endswith(".cypher") for n in names) >= 30
    for needed in ("orggraph/model/schema.yaml", "orggraph/model/coverage_rules.yaml", "orggraph/model/placement.yaml",
                   "orggraph/ingest/fixtures/demo_small.yaml", "orggraph/app/entry/streamlit_app.py",
                   "loaders/ledger_layout.yaml"):  # fmt: skip
        assert needed in names


def test_the_declared_ranges_admit_the_tested_versions(wheel):
    meta = zipfile.ZipFile(wheel).read(next(n for n in zipfile.ZipFile(wheel).namelist() if n.endswith("METADATA")))
    requirements = [Requirement(line.split(":", 1)[1].strip()) for line in meta.decode().splitlines()
                    if line.startswith("Requires-Dist:")]  # fmt: skip
    runtime = [r for r in requirements if not r.marker]
    assert runtime and all("==" not in str(r.specifier) for r in runtime)  # ranges, not pins
    for r in runtime:
        assert r.specifier.contains(metadata.version(r.name), prereleases=True), (r, metadata.version(r.name))


def test_the_installed_wheel_lists_loads_and_serves_outside_the_checkout(venv, tmp_path):
    where = subprocess.run(
        [venv / "bin" / "python", "-c", "import orggraph, orggraph.queries as q; print(orggraph.__file__, q.__file__)"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert str(REPO) not in where and str(venv) in where
    listed = _run(venv, tmp_path, "queries")
    assert listed.returncode == 0 and "gap_compound_org" in listed.stdout, listed.stderr
    data = tmp_path / "data"
    loaded = _run(venv, tmp_path, "--data-dir", str(data), "demo", "--scale", "street", timeout=600)
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    port = free_port()
    proc = subprocess.Popen(
        [str(venv / "bin" / "orggraph"), "--data-dir", str(data), "serve", "--port", str(port)],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        status, _ = _wait_http(f"http://127.0.0.1:{port}/_stcore/health", proc)
        assert status == 200
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=60)
    assert not _processes_mentioning(str(data))
