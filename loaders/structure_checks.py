"""Whole-load structure checks: cycles in the LEADS and PART_OF chains, superiors deeper than their
subordinates (a compound branch leading a street committee), ties listed twice, and overlapping terms of a
single post (two 书记 of one org at once). Each issue points at the cell or row that made the offending edge."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from orggraph.model.records import Source
from orggraph.model.schema import load_schema

CHAIN_TYPES = ("LEADS", "PART_OF")
PEEL_ROUNDS = 64  # levels of a chain dropped a round at a time before the rest is walked (a region has ~8)
# (where, column header or None, the value shown, message zh, message en)
CheckIssue = tuple[Source, str | None, str, str, str]


class Tie(Protocol):
    """A tie as the checks read it: ``ledger_validation.PendingEdge`` (a resolved one is a ``Located``)."""

    type: str
    src_id: str
    dst_id: str
    props: dict[str, Any]
    where: Source
    cell_id: str

    @property
    def header(self) -> str: ...


def _rotated(cycle: list[str]) -> list[str]:
    """The cycle starting at its smallest id, so the message is the same on every run."""
    i = cycle.index(min(cycle))
    return cycle[i:] + cycle[:i]


def _on_cycles(pairs: list[tuple[str, str]]) -> set[str]:
    """Nodes that may lie on a cycle: what is left after repeatedly removing nodes with no incoming or no
    outgoing edge. Chains are trees, so this is usually empty and costs one pass (~20× a networkx graph)."""
    for one_each in (dict(pairs), {b: a for a, b in pairs}):  # one successor (PART_OF) or one predecessor (LEADS)
        if len(one_each) == len(pairs):  # each node's one tie, as a chain column of single ids gives: no sets
            return _on_functional_cycles(one_each)  # (the reversed graph has the same cycles)
    succ: dict[str, set[str]] = {}
    pred: dict[str, set[str]] = {}
    for a, b in pairs:
        succ.setdefault(a, set()).add(b)
        pred.setdefault(b, set()).add(a)
    alive = succ.keys() & pred.keys()
    stack = list((succ.keys() | pred.keys()) - alive)
    removed = set(stack)
    while stack:
        node = stack.pop()
        for neighbours, back in ((succ.get(node, ()), pred), (pred.get(node, ()), succ)):
            for other in neighbours:
                back[other].discard(node)
                if other not in removed and not back[other]:
                    removed.add(other)
                    stack.append(other)
    return alive - removed


def _on_functional_cycles(successor: dict[str, str]) -> set[str]:
    """The nodes on a cycle when each node has one successor at most (exactly what :func:`_on_cycles` leaves then).

    Nodes nothing points to are dropped, a level of the tree per round, with set operations at C speed; when none
    is left to drop, every node left has one successor and one predecessor among them: they are cycles. A chain
    deeper than ``PEEL_ROUNDS`` is walked for the rest (a province's PART_OF, 665k ties, in ~0.1 s; the general
    peel takes ~0.8 s)."""
    successor = dict(successor)
    for _ in range(PEEL_ROUNDS):
        heads = successor.keys() - set(successor.values())
        if not heads:
            return set(successor)
        for node in heads:
            del successor[node]
    return _walked_cycles(successor)


def _walked_cycles(successor: dict[str, str]) -> set[str]:
    """The same by walking: from each node not yet seen to a node seen before, a cycle if this walk saw it."""
    seen: dict[str, int] = {}
    on: set[str] = set()
    for walk, start in enumerate(successor):
        node: str | None = start
        path: list[str] = []
        while node is not None and node not in seen:
            seen[node] = walk
            path.append(node)
            node = successor.get(node)
        if node is not None and seen[node] == walk:
            on.update(path[path.index(node) :])
    return on


def cycle_issues(located: Sequence[Tie]) -> list[CheckIssue]:
    """One issue per edge on a cycle of a chain relationship (located: ``Located`` edges)."""
    out: list[CheckIssue] = []
    for rel_type in CHAIN_TYPES:
        chain = [x for x in located if x.type == rel_type]
        suspects = _on_cycles([(x.src_id, x.dst_id) for x in chain])
        if not suspects:
            continue
        import networkx as nx  # only when there is a cycle to name: ~0.1 s to import

        graph: nx.DiGraph[str] = nx.DiGraph()
        for x in chain:
            if x.src_id in suspects and x.dst_id in suspects:
                graph.add_edge(x.src_id, x.dst_id, cell=x)
        for cycle in sorted(_rotated(c) for c in nx.simple_cycles(graph)):
            ring = " → ".join([*cycle, cycle[0]])
            for a, b in zip(cycle, [*cycle[1:], cycle[0]], strict=True):
                x = graph.edges[a, b]["cell"]
                out.append(
                    (
                        x.where,
                        x.header,
                        x.cell_id,
                        f"{rel_type} 关系成环:{ring}",
                        f"{rel_type} chain forms a cycle: {ring}",
                    )
                )
    return out


def level_issues(located: Iterable[Tie], known: Mapping[str, tuple[str | None, str | None]]) -> list[CheckIssue]:
    """LEADS from an org whose kind sits at the same or a deeper level than the org it leads (known: id →
    (label, kind))."""
    levels = load_schema().org_levels
    out: list[CheckIssue] = []
    for x in located:
        if x.type != "LEADS":
            continue
        upper, lower = (known.get(i, (None, None))[1] for i in (x.src_id, x.dst_id))
        if (
            upper is not None
            and lower is not None
            and upper in levels
            and lower in levels
            and levels[upper] >= levels[lower]
        ):
            out.append(
                (
                    x.where,
                    x.header,
                    x.cell_id,
                    f"{upper}不能领导{lower}(层级倒置)",
                    f"a {upper} cannot lead a {lower} (levels inverted)",
                )
            )
    return out


# Posts that one body fills with one person at a time (a 党委 may have several 副书记 and 委员; a 党小组 has
# one 组长, a community one 第一书记, a residents' or owners' committee one 主任). Two rows of one of these
# whose terms overlap are a warning: a handover not yet entered, or a mistyped date.
def single_posts() -> tuple[str, ...]:
    """The posts one body has one holder of at a time (the schema's ``single_holder`` of HOLDS_POST.post)."""
    post = load_schema().relationship("HOLDS_POST").property("post")
    return post.single_holder if post is not None else ()  # no post property: no post to hold alone


def _row_ref(first: Source, where: Source) -> tuple[str, str]:
    """How a message names another row: by number in the same sheet of the same file, else in full."""
    if (first.file, first.sheet) == (where.file, where.sheet):
        return f"第{first.row}行", f"row {first.row}"
    return f"{first.file}·{first.sheet}·第{first.row}行", f"{first.file} · {first.sheet} · row {first.row}"


def _tie_text(tie: Tie, key: tuple[str, ...]) -> str:
    return " · ".join([f"{tie.src_id} → {tie.dst_id}", *(str(tie.props[k]) for k in key if tie.props.get(k))])


def duplicate_ties(ties: Iterable[Tie], bad_rows: set[Source]) -> list[CheckIssue]:
    """One issue for each row that repeats a tie of an earlier row: same type, same ends, same key properties
    (the schema's relationship ``key``, e.g. the post of a 任职). The graph holds such a tie once, so a repeat
    would silently replace the first row's dates; it is an error on the later row, naming the earlier.

    ``ties``: the edge sheets' pending edges, one per row, in row order (``type``, ``src_id``, ``dst_id``,
    ``props``, ``where``) — a node row's ties all touch its own id, and ids are unique, so only edge sheets can
    repeat a tie. Rows already in ``bad_rows`` are left out, so the first good row stands."""
    schema = load_schema()
    keys = {t: rel.key for t, rel in schema.relationships.items()}
    first: dict[tuple[object, ...], Source] = {}
    out: list[CheckIssue] = []
    for tie in ties:
        if bad_rows and tie.where in bad_rows:
            continue
        key = keys[tie.type]
        found: tuple[object, ...] = (tie.type, tie.src_id, tie.dst_id, *(tie.props.get(k) for k in key)) if key else (
            tie.type, tie.src_id, tie.dst_id)  # fmt: skip
        seen = first.setdefault(found, tie.where)
        if seen is tie.where:
            continue
        rel = schema.relationship(tie.type)
        zh, en = _row_ref(seen, tie.where)
        out.append(
            (
                tie.where,
                None,
                _tie_text(tie, key),
                f"与{zh}重复(同一条“{rel.zh}”只能登记一次)",
                f"duplicates {en} (the same '{rel.en}' tie can be listed only once)",
            )
        )
    return out


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Do two terms overlap? A blank start or end is open; the day one ends and the next begins is a handover,
    not an overlap."""
    return (a.get("since") is None or b.get("until") is None or a["since"] < b["until"]) and (
        b.get("since") is None or a.get("until") is None or b["since"] < a["until"]
    )


def overlapping_terms(ties: Iterable[Tie], bad_rows: set[Source]) -> list[CheckIssue]:
    """One warning per pair of 任职 rows that put two people in the same single post of one body at once
    (:func:`single_posts`), on the later row, naming the earlier (``ties`` as for :func:`duplicate_ties`)."""
    by_post: dict[tuple[str, str], list[Tie]] = {}
    posts = single_posts()
    for tie in ties:
        single = tie.type == "HOLDS_POST" and tie.props.get("post") in posts
        if single and not (bad_rows and tie.where in bad_rows):
            by_post.setdefault((tie.dst_id, tie.props["post"]), []).append(tie)
    out: list[CheckIssue] = []
    for (body, post), holders in by_post.items():
        for i, later in enumerate(holders):
            for earlier in holders[:i]:
                if earlier.src_id != later.src_id and _overlap(earlier.props, later.props):
                    zh, en = _row_ref(earlier.where, later.where)
                    out.append(
                        (
                            later.where,
                            None,
                            f"{body} · {post}",
                            f"与{zh}的{post}任期重叠:同一组织同时有两位{post}({earlier.src_id}、{later.src_id})",
                            f"overlaps the term of the {post} at {en}: one body with two at once "
                            f"({earlier.src_id}, {later.src_id})",
                        )
                    )
    return out
