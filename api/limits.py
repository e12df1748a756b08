"""Per-caller rate limits: how many score lookups a token may make per minute, so that a
consumer cannot walk the county by guessing identifiers."""

from __future__ import annotations

import math
import threading
import time
from collections import deque

__all__ = ["RateLimiter"]


class RateLimiter:
    """At most ``per_minute`` calls per caller in any sliding minute.

    Parameters
    ----------
    per_minute : int
        Calls a caller may make within 60 seconds.
    clock : callable, optional
        Seconds as a float (``time.monotonic``); given in tests.

    Examples
    --------
    >>> now = [0.0]
    >>> limiter = RateLimiter(2, clock=lambda: now[0])
    >>> limiter.wait("c"), limiter.wait("c"), limiter.wait("c")
    (0, 0, 60)
    >>> now[0] = 60.5
    >>> limiter.wait("c")
    0
    """

    def __init__(self, per_minute: int, clock=time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._calls: dict[str, deque[float]] = {}
        self._noted: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, caller: str) -> int:
        """Count a call of ``caller`` if the limit admits it.

        Parameters
        ----------
        caller : str
            Who calls (a token's id).

        Returns
        -------
        int
            0 when the call is admitted (and counted); otherwise the whole seconds until
            the caller's oldest call of the minute leaves the window (``Retry-After``).
        """
        now = self.clock()
        with self._lock:
            calls = self._calls.setdefault(caller, deque())
            while calls and calls[0] <= now - 60:
                calls.popleft()
            if len(calls) >= self.per_minute:
                return max(1, math.ceil(calls[0] + 60 - now))
            calls.append(now)
            return 0

    def first_refusal(self, caller: str) -> bool:
        """Whether this refusal of ``caller`` is the first in a minute (to be noted once).

        Parameters
        ----------
        caller : str
            Who was refused.

        Returns
        -------
        bool
            True at most once in any 60 seconds per caller.

        Examples
        --------
        >>> now = [0.0]
        >>> limiter = RateLimiter(1, clock=lambda: now[0])
        >>> limiter.first_refusal("c"), limiter.first_refusal("c")
        (True, False)
        >>> now[0] = 61.0
        >>> limiter.first_refusal("c")
        True
        """
        now = self.clock()
        with self._lock:
            if now - self._noted.get(caller, -math.inf) < 60:
                return False
            self._noted[caller] = now
            return True
