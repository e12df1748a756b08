"""The analysts' service: what another matching threshold would do to the latest published
run (``models.tuning``), and the open cases re-ranked by the reviewers' decisions so far
(``models.triage``)."""

from __future__ import annotations

import threading

from api.reviews import DecisionError
from api.snapshot import Snapshot
from api.store import Store
from models.publish import run_configuration, working_run
from models.triage import DECIDED, TriageReport, triage
from models.tuning import WhatIf, what_if
from resolver.errors import DoudiError


class Analysis:
    """What-if and triage over the file and the snapshot."""

    def __init__(self, store: Store, snapshot: Snapshot) -> None:
        self.store, self.snapshot = store, snapshot
        self._tuning = threading.Lock()
        self._what_if: tuple[tuple, WhatIf] | None = None  # the last answer, by its inputs

    def what_if(self, threshold: float) -> WhatIf:
        """The cases of the latest published run at another threshold, beside its own. The
        run's working tables must still be its own: a later run that did not publish may have
        rewritten them."""
        cursor = self.store.cursor
        try:
            run_id = working_run(cursor)
        except DoudiError as error:
            raise DecisionError("conflict", str(error)) from error
        configuration = run_configuration(cursor, run_id)
        possible = configuration.settings.possible_threshold
        if threshold < possible:
            raise DecisionError(
                "invalid", f"阈值不能低于 {possible} (the run kept no pairs below it)"
            )
        labels = cursor.execute("SELECT max(label_id) FROM link_labels").fetchall()[0][0]
        key = (run_id, threshold, labels)
        with self._tuning:
            if self._what_if is None or self._what_if[0] != key:
                found = what_if(
                    cursor, run_id, threshold, policy=configuration.policy,
                    settings=configuration.settings, risk=configuration.risk,
                )  # fmt: skip
                self._what_if = (key, found)
            return self._what_if[1]

    def triage(self) -> TriageReport:
        """Open cases re-ranked by a model of the reviewers' decisions so far."""
        published = self.snapshot.published
        status = {case_id: published.status(case_id) for case_id in published.cases}
        decided = [(case, status[case["case_id"]]) for case in published.cases.values()
                   if status[case["case_id"]] in DECIDED]  # fmt: skip
        undecided = [case for case in published.cases.values()
                     if not case["resolved"] and status[case["case_id"]] not in DECIDED]  # fmt: skip
        return triage(undecided, decided)
