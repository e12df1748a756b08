"""The analysts' service: what another matching threshold would do to the latest published
run (``models.tuning``), and the open cases re-ranked by the reviewers' decisions so far
(``models.triage``).

Both are expensive (a what-if re-clusters and re-detects: 12 s at 650,000 people), so:

- thresholds are rounded to ``WHAT_IF_DECIMALS`` places (0.0001 steps), and the last
  ``WHAT_IF_ANSWERS`` what-ifs are kept by run, threshold and link labels;
- triage is kept until the next decision (by the newest decision event);
- one computation runs at a time (``OneAtATime``): a caller whose answer is kept gets it at
  once, one who needs a computation while another runs gets ``BusyError`` (HTTP 429 with
  ``Retry-After``) instead of a queue of threads holding the server's cores.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from api.reviews import DecisionError
from api.snapshot import Snapshot
from api.store import Store
from models.publish import run_configuration, working_run
from models.triage import DECIDED, TriageReport, triage
from models.tuning import WhatIf, what_if
from resolver.errors import DoudiError

WHAT_IF_DECIMALS = 4  # a proposed threshold is rounded to 0.0001
WHAT_IF_ANSWERS = 8  # what-ifs kept (least recently used dropped first)
FIRST_GUESS_SECONDS = 5.0  # how long a computation not yet timed is expected to take
Answer = TypeVar("Answer")


class BusyError(DecisionError):
    """Another what-if or triage is being computed (kind ``busy``): ``retry_after`` is the
    whole seconds it is expected to take still, at least 1 (HTTP ``Retry-After``)."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__("busy", message)
        self.retry_after = retry_after


def quantised(threshold: float) -> float:
    """A proposed threshold on the grid of thresholds answered (0.0001 steps). A threshold
    under 1 stays under 1: at 1 nothing links, which no one asking 0.99996 means.

    Parameters
    ----------
    threshold : float
        A match threshold as asked.

    Returns
    -------
    float
        ``threshold`` rounded to ``WHAT_IF_DECIMALS`` places, at most the largest step
        under 1 unless it is 1.

    Examples
    --------
    >>> quantised(0.93491), quantised(0.995), quantised(0.999), quantised(0.99999), quantised(1.0)
    (0.9349, 0.995, 0.999, 0.9999, 1.0)
    """
    if threshold >= 1:
        return round(threshold, WHAT_IF_DECIMALS)
    return min(round(threshold, WHAT_IF_DECIMALS), 1 - 10**-WHAT_IF_DECIMALS)


class Answers:
    """The last ``size`` answers by their inputs; the least recently used is dropped first.

    Parameters
    ----------
    size : int
        How many answers are kept.

    Examples
    --------
    >>> kept = Answers(2)
    >>> kept.put("a", 1); kept.put("b", 2); kept.get("a"); kept.put("c", 3)
    1
    >>> kept.get("b") is None, kept.get("a"), kept.get("c")
    (True, 1, 3)
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._answers: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        """The answer kept for ``key``, now the most recently used.

        Parameters
        ----------
        key : Hashable
            The answer's inputs.

        Returns
        -------
        Any or None
            The answer, or None when none is kept for ``key``.
        """
        with self._lock:
            if key not in self._answers:
                return None
            self._answers.move_to_end(key)
            return self._answers[key]

    def put(self, key: Hashable, answer: Any) -> None:
        """Keep ``answer`` for ``key``, dropping the least recently used beyond ``size``.

        Parameters
        ----------
        key : Hashable
            The answer's inputs.
        answer : Any
            The answer (not None).
        """
        with self._lock:
            self._answers[key] = answer
            self._answers.move_to_end(key)
            while len(self._answers) > self.size:
                self._answers.popitem(last=False)


class OneAtATime:
    """Expensive computations one at a time: a caller who finds one running is not queued
    but told how long it may still take (``BusyError``), from how long the last computation
    of its kind took.

    Parameters
    ----------
    first_guess : float
        Seconds a kind of computation not yet timed is expected to take.
    clock : callable
        Seconds as a float (``time.monotonic``).

    Examples
    --------
    >>> gate = OneAtATime()
    >>> gate.run("sum", lambda: sum(range(4)))
    6
    >>> gate.run("nested", lambda: gate.run("sum", lambda: 1))
    Traceback (most recent call last):
    ...
    api.analysis.BusyError: 正在计算另一个分析，请稍后再试
    """

    def __init__(self, first_guess: float = FIRST_GUESS_SECONDS, clock=time.monotonic) -> None:
        self.first_guess = first_guess
        self.clock = clock
        self._lock = threading.Lock()
        self._seconds: dict[str, float] = {}  # how long each kind took last time
        self._running: tuple[str, float] | None = None  # the kind running, since when

    @property
    def busy(self) -> bool:
        """Whether a computation is running."""
        return self._lock.locked()

    def run(self, kind: str, compute: Callable[[], Answer]) -> Answer:
        """``compute()``, unless another computation is running.

        Parameters
        ----------
        kind : str
            What is computed (``what_if``, ``triage``): its last duration is the estimate
            given to those who find it running.
        compute : callable
            The computation.

        Returns
        -------
        Answer
            What ``compute`` returned.

        Raises
        ------
        BusyError
            When another computation is running, with the seconds it may still take.
        """
        if not self._lock.acquire(blocking=False):
            raise BusyError(
                "正在计算另一个分析，请稍后再试",
                self.retry_after(),
            )
        try:
            started = self.clock()
            self._running = (kind, started)
            answer = compute()
            self._seconds[kind] = self.clock() - started
            return answer
        finally:
            self._running = None
            self._lock.release()

    def retry_after(self) -> int:
        """Whole seconds the running computation is expected to take still.

        Returns
        -------
        int
            The last duration of its kind (``first_guess`` if never timed) less the time it
            has run, rounded up; at least 1.
        """
        running = self._running
        if running is None:
            return 1
        kind, started = running
        left = self._seconds.get(kind, self.first_guess) - (self.clock() - started)
        return max(1, math.ceil(left))


class Analysis:
    """What-if and triage over the file and the snapshot, kept and computed one at a time.

    Parameters
    ----------
    store : Store
        The run's file.
    snapshot : Snapshot
        The published cases and the decisions so far.
    what_if_answers : int
        How many what-if answers are kept.
    """

    def __init__(
        self, store: Store, snapshot: Snapshot, *, what_if_answers: int = WHAT_IF_ANSWERS
    ) -> None:
        self.store, self.snapshot = store, snapshot
        self.computing = OneAtATime()
        self._what_ifs = Answers(what_if_answers)
        self._triage = Answers(1)

    def what_if(self, threshold: float) -> WhatIf:
        """The cases of the latest published run at another threshold, beside its own. The
        run's working tables must still be its own: a later run that did not publish may have
        rewritten them.

        Parameters
        ----------
        threshold : float
            The proposed match threshold; rounded to 0.0001 (``quantised``), which is the
            threshold of the answer (``proposal.threshold``).

        Returns
        -------
        WhatIf
            The counts per case type and the cases that would appear and disappear; kept for
            the run, threshold and link labels, so asking again costs nothing.

        Raises
        ------
        DecisionError
            ``invalid`` below the run's possible-match threshold, ``conflict`` when the
            run's working tables are another run's, ``busy`` (``BusyError``) when the answer
            is not kept and another analysis is being computed.
        """
        threshold = quantised(threshold)
        cursor = self.store.cursor
        try:
            run_id = working_run(cursor)
        except DoudiError as error:
            raise DecisionError("conflict", str(error)) from error
        configuration = run_configuration(cursor, run_id)
        possible = configuration.settings.possible_threshold
        if threshold < possible:
            raise DecisionError(
                "invalid", f"阈值不能低于 {possible}：本次运行未保留低于此值的记录对"
            )
        labels = cursor.execute("SELECT max(label_id) FROM link_labels").fetchall()[0][0]
        return self._answer(
            self._what_ifs, (run_id, threshold, labels), "what_if",
            lambda: what_if(
                self.store.cursor, run_id, threshold, policy=configuration.policy,
                settings=configuration.settings, risk=configuration.risk,
            ),
        )  # fmt: skip

    def triage(self) -> TriageReport:
        """Open cases re-ranked by a model of the reviewers' decisions so far.

        Returns
        -------
        TriageReport
            The ranking and the model's cross-validated ROC AUC; kept until the next
            decision, so asking again costs nothing.

        Raises
        ------
        BusyError
            When the answer is not kept and another analysis is being computed.
        """
        published = self.snapshot.published
        histories = list(published.history.values())
        newest = max((events[-1]["event_id"] for events in histories if events), default=None)
        return self._answer(self._triage, (id(published), newest), "triage",
                            lambda: self._triage_of(published))  # fmt: skip

    def _answer(
        self, kept: Answers, key: Hashable, kind: str, compute: Callable[[], Answer]
    ) -> Answer:
        found = kept.get(key)
        if found is not None:
            return found

        def computed() -> Answer:
            again = kept.get(key)  # computed by the caller who just held the gate
            if again is not None:
                return again
            answer = compute()
            kept.put(key, answer)
            return answer

        return self.computing.run(kind, computed)

    @staticmethod
    def _triage_of(published) -> TriageReport:
        status = {case_id: published.status(case_id) for case_id in published.cases}
        decided = [(case, status[case["case_id"]]) for case in published.cases.values()
                   if status[case["case_id"]] in DECIDED]  # fmt: skip
        undecided = [case for case in published.cases.values()
                     if not case["resolved"] and status[case["case_id"]] not in DECIDED]  # fmt: skip
        return triage(undecided, decided)
