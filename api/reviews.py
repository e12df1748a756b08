"""What reviewers record: decisions on cases and labels on pairs of person rows.

Decisions are append-only events (``case_events``); a case's status is its latest event's.
Nothing here updates or deletes an event. Decisions are validated and appended under one
lock, so concurrent reviewers cannot both move a case from the same status; the in-memory
snapshot (``api.snapshot``) follows each one. Link labels (``resolver.labels``) steer the
next run's linking.
"""

from __future__ import annotations

import threading
from typing import Any

from api.snapshot import EVENT_COLUMNS, Snapshot
from api.store import Store
from resolver.errors import DoudiError
from resolver.labels import ensure_labels_table, labels_history, record_label
from resolver.registries import PERSON_REGISTRIES

SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS case_event_ids;
CREATE TABLE IF NOT EXISTS case_events (
    event_id BIGINT DEFAULT nextval('case_event_ids') PRIMARY KEY, case_id VARCHAR,
    actor VARCHAR, role VARCHAR, recorded_at TIMESTAMP, from_status VARCHAR,
    to_status VARCHAR, note VARCHAR, reason VARCHAR
);
"""
# Where a case may go from each status (staying put records a note).
TRANSITIONS = {
    "open": {"open", "in_review", "field_check"},
    "in_review": {"in_review", "confirmed", "dismissed", "field_check", "open"},
    "field_check": {"field_check", "in_review", "confirmed", "dismissed"},
    "confirmed": {"confirmed", "in_review"},
    "dismissed": {"dismissed", "in_review"},
}


class DecisionError(DoudiError):
    """A decision that cannot be recorded, and why: ``kind`` is ``invalid`` (the request is
    not one that can be recorded), ``missing`` (no such case) or ``conflict`` (the case is no
    longer where the request expects it). Only ``api.deps`` turns it into an HTTP answer."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


class Reviews:
    """Decisions and link labels, appended to the file and followed by the snapshot."""

    def __init__(self, store: Store, snapshot: Snapshot) -> None:
        self.store, self.snapshot = store, snapshot
        store.execute_script(SCHEMA)
        ensure_labels_table(store.con)
        self._decisions = threading.Lock()

    def record_decision(
        self, case_id: str, *, actor: str, role: str, to_status: str, note: str | None,
        reason: str | None, expected_status: str | None,
    ) -> dict[str, Any]:  # fmt: skip
        """Append a decision event after checking the case, the transition and the reason;
        the in-memory snapshot follows."""
        if to_status == "dismissed" and not (reason or "").strip():
            raise DecisionError("invalid", "不属实须填写理由 (a dismissal needs a reason)")
        published = self.snapshot.published
        with self._decisions:
            if case_id not in published.cases:
                raise DecisionError("missing", f"no case {case_id}")
            current = published.status(case_id)
            if expected_status is not None and expected_status != current:
                raise DecisionError("conflict", f"the case is now {current}, not {expected_status}")
            if to_status not in TRANSITIONS[current]:
                raise DecisionError("conflict", f"a case cannot go from {current} to {to_status}")
            event = self.store.rows(
                "INSERT INTO case_events (case_id, actor, role, recorded_at, from_status, "
                "to_status, note, reason) VALUES (?, ?, ?, now(), ?, ?, ?, ?) "
                f"RETURNING {EVENT_COLUMNS}",
                [case_id, actor, role, current, to_status, note, reason],
            )[0]
            published.add_event(event)
            return event

    def record_link_label(
        self, case_id: str, *, left: str, right: str, same_person: bool, actor: str, role: str,
        note: str | None,
    ) -> dict[str, Any]:  # fmt: skip
        """Append a reviewer's label on two person rows of the case; the next run's linking
        follows it."""
        rows = self._person_rows(case_id)
        if left not in rows or right not in rows or left == right:
            raise DecisionError(
                "invalid", "须为本案中两条不同的人员记录 (two person rows of this case)"
            )
        with self._decisions:
            return record_label(self.store.cursor, left, right, same_person=same_person,
                                actor=actor, role=role, case_id=case_id, note=note)  # fmt: skip

    def link_labels(self, case_id: str) -> list[dict[str, Any]]:
        """Every label on pairs of the case's person rows, oldest first."""
        return labels_history(self.store.cursor, sorted(self._person_rows(case_id)))

    def _person_rows(self, case_id: str) -> set[str]:
        case = self.snapshot.published.cases.get(case_id)
        if case is None:
            raise DecisionError("missing", f"no case {case_id}")
        return {row["unique_id"] for row in case["detail"]["rows"]
                if row["registry"] in PERSON_REGISTRIES}  # fmt: skip
