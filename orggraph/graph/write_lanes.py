"""A first load's node batches sent over two sessions at once; everything else one batch after another.

The bare driver sends a batch, waits while the server writes it, then packs the next: the client's share (~20% of a
city's write here: 3.4 CPU-s of 16.7 s) and the server's never overlap. New nodes of an empty graph touch nothing
another batch touches (own records, own keys), so two batches may be written at once; a tie appends to both its
nodes' edge lists, and two batches of ties at once conflicted on ArcadeDB (``Edge-append rebase not possible``,
measured), so ties go one at a time, after every node batch has committed. Results, progress and the journal's
heartbeat stay on the caller's thread; a failure lets the batches already sent finish before it is raised, so the
journal that rolls the load back never races a write still under way.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from orggraph.graph.bolt import batches
from orggraph.graph.store import BoltStore

LANES = 2  # sessions writing at once: a city's node batches 6.1–6.9 → 3.8–5.2 s on 2 cores (measured 2026-12-01)
Work = Iterable[tuple[str, list[dict[str, Any]]]]


def write_in_lanes(
    store: BoltStore,
    work: Work,
    alongside: Callable[[str], bool],
    batch_size: int,
    progress: Callable[[int], None] | None = None,
    lanes: int = LANES,
) -> int:
    """Write ``work`` batch by batch, each its own transaction; consecutive batches whose statement ``alongside``
    accepts go ``lanes`` at a time, any other waits until those before it have committed. Returns rows written."""
    pending: deque[Future[int]] = deque()
    written = 0

    def settle(keep: int) -> None:
        nonlocal written
        while len(pending) > keep:
            n = pending.popleft().result()
            written += n
            if progress:
                progress(n)

    with ThreadPoolExecutor(lanes, thread_name_prefix="write-lane") as pool:
        try:
            for statement, rows in work:
                if not alongside(statement):
                    settle(0)
                    written += store.write_batched([(statement, rows)], batch_size, progress)
                    continue
                for batch in batches(rows, batch_size):
                    settle(lanes - 1)
                    pending.append(pool.submit(store.write_batched, [(statement, batch)], batch_size))
            settle(0)
        except BaseException:
            for future in pending:
                future.cancel()
            raise
    return written
