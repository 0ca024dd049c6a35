"""The app's search box on the city (issue 13: p95 ≤ 200 ms for any name): ``search_matches`` as the pages call it
(the id lookup on the server, then the name index in memory, each match with its area chain), over every kind of
input a clerk types: full official names, their first characters, a fragment from the middle, a name with one
character dropped (found by characters in order), 100 characters, regex and quote characters, and ids. Beside it,
the bare driver's indexed lookup of the same full names (``n.name = $q`` on one label), the least any search pays.
"""

from __future__ import annotations

import random
import statistics
import time

from benchmarks.harness import Figure, timed
from orggraph.analysis.entity_places import EntityPlaces, search_matches
from orggraph.analysis.geography import Geography
from orggraph.analysis.name_index import NameIndex
from orggraph.graph.backends import open_store

SAMPLES = 60  # names drawn per kind of input


def _inputs(index: NameIndex, rng: random.Random) -> dict[str, list[str]]:
    names = [e.name for e in index.entries if len(e.name) >= 4]
    picked = rng.sample(names, min(SAMPLES, len(names)))
    return {
        "full name": picked,
        "first two characters": [n[:2] for n in picked],
        "middle fragment": [n[len(n) // 3 : len(n) // 3 + 3] for n in picked],
        "one character dropped": [n[:2] + n[3:] for n in picked],
        "100 characters": [(n * 20)[:100] for n in picked[:10]],
        "regex and quotes": [".*(", "'\"\\", "[a-z]+$", "a' OR 1=1 --", "${x}", "社区)(*"],
        "ids": [e.id for e in rng.sample(index.entries, min(SAMPLES, len(index.entries)))],
    }


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else values[0]


def run(settings, server) -> list[Figure]:
    rng = random.Random(13)
    with open_store(settings, start=False) as store:
        index = NameIndex.fetch(store)
        places = EntityPlaces.fetch(store, Geography.fetch(store))
        inputs = _inputs(index, rng)
        texts = [text for kind in inputs.values() for text in kind]
        seconds = [timed(lambda t=text: search_matches(store, t, index, places))[0] for text in texts]
        by_label = {e.name: e.label for e in index.entries}
        bare = []
        for name in inputs["full name"]:
            started = time.perf_counter()
            store.read(f"MATCH (n:{by_label[name]}) WHERE n.name = $q RETURN n.id AS id LIMIT 20", {"q": name})
            bare.append(time.perf_counter() - started)
    where = f"{len(index.entries):,} names, {len(seconds)} inputs of {len(inputs)} kinds"
    return [
        Figure(f"city: search box, p95 ({where})", _p95(seconds) * 1000, "ms", _p95(bare) * 1000,
               "bare indexed name lookup, p95", higher_is_better=False),
        Figure("city: search box, slowest input", max(seconds) * 1000, "ms", max(bare) * 1000,
               "bare indexed name lookup, slowest", higher_is_better=False),
    ]  # fmt: skip
