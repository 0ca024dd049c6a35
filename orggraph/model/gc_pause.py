"""Pausing Python's cyclic garbage collector around work that makes many short-lived, acyclic objects.

Reference counting still frees them; the cyclic collector would only re-scan them, and a full collection
scans every object the process holds: 0.45 s in the middle of a 1 s gap report in a process holding a
few million objects (measured), as a long-running app or the benchmark does. Pauses nest and may overlap
across threads (the app serves several sessions); the collector runs again when the last one ends.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_state = {"depth": 0, "was_enabled": True}


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    with _lock:
        if _state["depth"] == 0:
            _state["was_enabled"] = gc.isenabled()
            gc.disable()
        _state["depth"] += 1
    try:
        yield
    finally:
        with _lock:
            _state["depth"] -= 1
            if _state["depth"] == 0 and _state["was_enabled"]:
                gc.enable()
