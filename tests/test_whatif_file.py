"""A proposal file (``orggraph whatif FILE``) that is not one is said in one line naming the file and the place; each
of these was a traceback (UnicodeDecodeError, yaml's ParserError, KeyError, ValueError) before anything was asked of
the graph."""

from __future__ import annotations

from pathlib import Path

import pytest

from orggraph.analysis.whatif import Proposal
from orggraph.model.errors import QueryError

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("nodes:\n  PartyOrg:\n    - name: 拟建支部\n".encode("gbk"), "byte 32 is not UTF-8"),
        (b"nodes: {PartyOrg: [\n", "line 2 is not valid YAML"),
        ("nodes:\n  PartyOrg:\n    - name: 拟建支部\n".encode(), "nodes.PartyOrg item 1 has no id"),
        (b"edges:\n  COVERS:\n    - [O01]\n", "edges.COVERS.0.1 does not fit the proposal format"),
        (b"- one\n- two\n", "its content does not fit the proposal format"),
        (b"node:\n  PartyOrg: []\n", "node does not fit the proposal format"),
    ],
    ids=["gbk", "yaml", "no_id", "short_tie", "a_list", "misspelt_key"],
)
def test_a_file_that_is_no_proposal_is_named_with_its_place(tmp_path, content, said):
    path = tmp_path / "方案.yaml"
    path.write_bytes(content)
    with pytest.raises(QueryError) as err:
        Proposal.from_yaml(path)
    assert err.value.en == f"proposal file 方案.yaml: {said}", err.value.en
    assert err.value.zh.startswith("方案文件 方案.yaml:")


def test_the_readme_s_example_file_reads():
    proposal = Proposal.from_yaml(REPO / "docs" / "whatif_example.yaml")
    assert proposal.nodes and proposal.ties
