"""Each place's deepest area, as ``Geography.area_counts`` counts by it, equals the last report level of the place's
chain (``Geography.areas``), which it no longer builds for every place: on a generated district, and on hand-made
places with a PART_OF cycle, a place in no area and a chain longer than a walk follows."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from loaders.region_generator import generate_region
from orggraph.analysis.geography import AREA_LEVELS, Geography

LABELS = (*AREA_LEVELS, "Compound", "Building", "CommercialZone")


def _by_chains(g: Geography) -> dict[str | None, str | None]:
    return {pid: chain[-1].id if (chain := g.areas(pid)) else None for pid in g.places}


def test_a_generated_district_counts_each_place_at_the_last_area_of_its_chain():
    nodes, edges = generate_region("district", seed=3)
    labels = {n.id: n.label for n in nodes if n.label in LABELS}
    parents = {e.src_id: e.dst_id for e in edges if e.type == "PART_OF" and e.src_id in labels}
    g = Geography.from_rows([(pid, label, pid, parents.get(pid)) for pid, label in labels.items()])
    assert g._deepest == _by_chains(g)
    assert sum(v is None for v in g._deepest.values()) == 0 and len(g._deepest) == len(labels)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(LABELS), st.integers(0, 40)), min_size=1, max_size=40))
def test_hand_made_places_cycles_and_long_chains_included(spec):
    rows = [(f"P{i}", label, f"P{i}", f"P{parent}" if parent < len(spec) else None) for i, (label, parent) in
            enumerate(spec)]  # fmt: skip
    g = Geography.from_rows(rows)
    assert g._deepest == _by_chains(g)


def _building_chain(n: int) -> list[tuple[str, str, str, str | None]]:
    chain = [(f"B{i}", "Building", f"B{i}", f"B{i - 1}" if i else "A") for i in range(n)]
    return [("A", "District", "A", None), *chain]


def test_a_chain_longer_than_a_walk_and_a_cycle_answer_as_their_chains_do():
    for n in (10, 11, 12, 13, 30):  # an area counts within _MAX_CHAIN (12) places of a chain's start, in any order
        for rows in (_building_chain(n), list(reversed(_building_chain(n)))):
            g = Geography.from_rows(rows)
            assert g._deepest == _by_chains(g), n
    cycle = Geography.from_rows([("X", "Building", "X", "Y"), ("Y", "Building", "Y", "X"), ("Z", "Grid", "Z", "X")])
    assert cycle._deepest == _by_chains(cycle) == {"X": None, "Y": None, "Z": "Z"}
