"""Per-caller rate limits: how many score lookups a token may make per minute, so that a
consumer cannot walk the county by guessing identifiers."""

from __future__ import annotations

import math
import threading
import time
from collections import Counter, deque
from datetime import date, datetime, timedelta

__all__ = ["DailyCount", "RateLimiter"]


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


class DailyCount:
    """How many times each caller did something (an ID lookup that found no open lead) this
    calendar day, against a cap of ``per_day``; counts start again at midnight.

    Parameters
    ----------
    per_day : int
        The most a caller may do in a day.
    now : callable, optional
        The local time (``datetime.now``); given in tests.

    Examples
    --------
    >>> clock = [datetime(2026, 12, 6, 23, 0)]
    >>> misses = DailyCount(2, now=lambda: clock[0])
    >>> misses.add("c"), misses.add("c"), misses.reached("c"), misses.reached("d")
    (1, 2, True, False)
    >>> misses.seconds_left()
    3600
    >>> clock[0] = datetime(2026, 12, 7, 0, 0, 1)
    >>> misses.reached("c")
    False
    """

    def __init__(self, per_day: int, now=datetime.now) -> None:
        self.per_day = per_day
        self.now = now
        self._day: date | None = None
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def add(self, caller: str) -> int:
        """Count one more for ``caller`` today.

        Parameters
        ----------
        caller : str
            Who did it (a token's id).

        Returns
        -------
        int
            The caller's count today, this one included.
        """
        with self._lock:
            self._roll()
            self._counts[caller] += 1
            return self._counts[caller]

    def reached(self, caller: str) -> bool:
        """Whether ``caller`` has used up today's ``per_day``.

        Parameters
        ----------
        caller : str
            Who asks.

        Returns
        -------
        bool
            True once the caller's count today is ``per_day`` or more.
        """
        with self._lock:
            self._roll()
            return self._counts[caller] >= self.per_day

    def seconds_left(self) -> int:
        """Whole seconds until midnight, when the counts start again (``Retry-After``).

        Returns
        -------
        int
            At least 1.
        """
        now = self.now()
        midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time())
        return max(1, math.ceil((midnight - now).total_seconds()))

    def _roll(self) -> None:
        today = self.now().date()
        if today != self._day:
            self._day, self._counts = today, Counter()
