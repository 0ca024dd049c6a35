"""Pauses of the cyclic collector nest and overlap across threads; it runs again when the last one ends."""

from __future__ import annotations

import gc
import threading

from orggraph.model.gc_pause import cyclic_gc_paused


def test_nested_pauses_resume_collection_only_at_the_outermost_end():
    assert gc.isenabled()
    with cyclic_gc_paused():
        with cyclic_gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_overlapping_pauses_in_two_threads_leave_collection_on():
    entered, release = threading.Event(), threading.Event()

    def other() -> None:
        with cyclic_gc_paused():
            entered.set()
            release.wait(5)

    worker = threading.Thread(target=other)
    with cyclic_gc_paused():
        worker.start()
        entered.wait(5)
    assert not gc.isenabled()  # the other thread's pause still holds
    release.set()
    worker.join(5)
    assert gc.isenabled()


def test_a_pause_left_by_an_exception_still_resumes_collection():
    try:
        with cyclic_gc_paused():
            raise ValueError("boom")
    except ValueError:
        pass
    assert gc.isenabled()


def test_as_a_decorator_each_call_pauses_and_resumes():
    @cyclic_gc_paused()
    def collecting() -> bool:
        return gc.isenabled()

    assert collecting() is False and collecting() is False
    assert gc.isenabled()
