"""Bulk work in Python without the cyclic garbage collector.

Building millions of small objects (rows, links, graph nodes) makes the collector rescan
every live object again and again, a third or more of the time, for no gain: these objects
hold no reference cycles worth collecting before the work ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector for the block (reference counting still frees memory).

    The collector is enabled again afterwards only if it was enabled before.

    Yields
    ------
    None
        Nothing; the block runs with the collector paused.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
