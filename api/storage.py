"""The review API's storage: published runs and cases (``models.publish``), and what
reviewers and administrators record — decisions, link labels (``resolver.labels``), tokens,
the access log — in the run's DuckDB file; and the analysts' what-if and triage
(``models.tuning``, ``models.triage``).

Decisions are append-only events (``case_events``); a case's status is its latest event's.
Nothing here updates or deletes an event. The server is the file's one writer: each request
thread gets its own cursor, and decisions are validated and appended under one lock, so
concurrent reviewers cannot both move a case from the same status. Reads of cases and scores
are served from memory (``api.published``), which each recorded decision updates.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import duckdb

from api.published import Published
from models.publish import ensure_schema as ensure_publish_schema
from models.publish import run_configuration, working_run
from models.triage import DECIDED, TriageReport, triage
from models.tuning import WhatIf, what_if
from resolver.db import connect
from resolver.errors import DoudiError
from resolver.labels import ensure_labels_table, labels_history, record_label
from resolver.registries import PERSON_REGISTRIES

log = logging.getLogger(__name__)

REVIEW_SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS case_event_ids;
CREATE TABLE IF NOT EXISTS case_events (
    event_id BIGINT DEFAULT nextval('case_event_ids') PRIMARY KEY, case_id VARCHAR,
    actor VARCHAR, role VARCHAR, recorded_at TIMESTAMP, from_status VARCHAR,
    to_status VARCHAR, note VARCHAR, reason VARCHAR
);
CREATE TABLE IF NOT EXISTS api_tokens (
    token_hash VARCHAR PRIMARY KEY, name VARCHAR, role VARCHAR, created_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS access_log (
    accessed_at TIMESTAMP, actor VARCHAR, role VARCHAR, action VARCHAR, target VARCHAR
);
"""

ROLES = ("auditor", "analyst", "consumer", "admin")
# Where a case may go from each status (staying put records a note).
TRANSITIONS = {
    "open": {"open", "in_review", "field_check"},
    "in_review": {"in_review", "confirmed", "dismissed", "field_check", "open"},
    "field_check": {"field_check", "in_review", "confirmed", "dismissed"},
    "confirmed": {"confirmed", "in_review"},
    "dismissed": {"dismissed", "in_review"},
}
EVENT_COLUMNS = "event_id, case_id, actor, role, recorded_at, from_status, to_status, note, reason"


class DecisionError(DoudiError):
    """A decision that cannot be recorded, and why: ``kind`` is ``invalid`` (the request is
    not one that can be recorded), ``missing`` (no such case) or ``conflict`` (the case is no
    longer where the request expects it). Only ``api.deps`` turns it into an HTTP answer."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Storage:
    """The run's DuckDB file as the API sees it, and its published cases in memory."""

    def __init__(self, db_path: Path) -> None:
        self.con = connect(db_path)
        ensure_publish_schema(self.con)
        for statement in REVIEW_SCHEMA.split(";"):
            if statement.strip():
                self.con.execute(statement)
        ensure_labels_table(self.con)
        self._local = threading.local()
        self._decisions = threading.Lock()
        self._tuning = threading.Lock()
        self._what_if: tuple[tuple, WhatIf] | None = None  # the last answer, by its inputs
        self._principals: dict[str, tuple[str, str] | None] = {}

    def close(self) -> None:
        self.con.close()

    @property
    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor on the file."""
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            cursor = self._local.cursor = self.con.cursor()
        return cursor

    def _rows(self, sql: str, params: list | None = None) -> list[dict[str, Any]]:
        result = self.cursor.execute(sql, params or [])
        names = [column[0] for column in result.description]
        return [dict(zip(names, values, strict=True)) for values in result.fetchall()]

    # ------------------------------------------------------------------ published

    @cached_property
    def published(self) -> Published:
        """Every published case's latest snapshot, each run's cases, the decisions so far
        and the latest run's persons (loaded on first use)."""
        latest = self._rows(
            "SELECT c.*, r.resolved_run FROM case_registry r "
            "JOIN published_cases c ON c.case_id = r.case_id AND c.run_id = r.last_run"
        )
        by_run = self._rows(
            "SELECT run_id, case_id, case_type, risk_score, amount_at_risk, township, village, "
            "person_ids, records, evidence FROM published_cases"
        )
        events = self._rows(f"SELECT {EVENT_COLUMNS} FROM case_events ORDER BY event_id")
        persons = self.cursor.execute(
            "SELECT person_id, id18, name FROM published_persons"
        ).fetchall()  # fmt: skip
        return Published(latest, by_run, events, persons)

    def latest_run(self) -> str | None:
        rows = self._rows(
            "SELECT run_id FROM runs WHERE status = 'published' ORDER BY finished_at DESC LIMIT 1"
        )
        return rows[0]["run_id"] if rows else None

    def runs(self) -> list[dict[str, Any]]:
        return self._rows(
            "SELECT run_id, status, started_at, finished_at, data_dir, policy_name, "
            "policy_version, counts FROM runs ORDER BY started_at DESC"
        )

    def run(self, run_id: str) -> dict[str, Any] | None:
        rows = self._rows("SELECT * FROM runs WHERE run_id = ?", [run_id])
        return rows[0] if rows else None

    def record_decision(
        self, case_id: str, *, actor: str, role: str, to_status: str, note: str | None,
        reason: str | None, expected_status: str | None,
    ) -> dict[str, Any]:  # fmt: skip
        """Append a decision event after checking the case, the transition and the reason;
        the in-memory snapshot follows."""
        if to_status == "dismissed" and not (reason or "").strip():
            raise DecisionError("invalid", "不属实须填写理由 (a dismissal needs a reason)")
        with self._decisions:
            if case_id not in self.published.cases:
                raise DecisionError("missing", f"no case {case_id}")
            current = self.published.status(case_id)
            if expected_status is not None and expected_status != current:
                raise DecisionError("conflict", f"the case is now {current}, not {expected_status}")
            if to_status not in TRANSITIONS[current]:
                raise DecisionError("conflict", f"a case cannot go from {current} to {to_status}")
            event = self._rows(
                "INSERT INTO case_events (case_id, actor, role, recorded_at, from_status, "
                "to_status, note, reason) VALUES (?, ?, ?, now(), ?, ?, ?, ?) "
                f"RETURNING {EVENT_COLUMNS}",
                [case_id, actor, role, current, to_status, note, reason],
            )[0]
            self.published.add_event(event)
            return event

    # ------------------------------------------------------------------ link labels

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
            return record_label(self.cursor, left, right, same_person=same_person, actor=actor,
                                role=role, case_id=case_id, note=note)  # fmt: skip

    def link_labels(self, case_id: str) -> list[dict[str, Any]]:
        """Every label on pairs of the case's person rows, oldest first."""
        return labels_history(self.cursor, sorted(self._person_rows(case_id)))

    def _person_rows(self, case_id: str) -> set[str]:
        case = self.published.cases.get(case_id)
        if case is None:
            raise DecisionError("missing", f"no case {case_id}")
        return {row["unique_id"] for row in case["detail"]["rows"]
                if row["registry"] in PERSON_REGISTRIES}  # fmt: skip

    # ------------------------------------------------------------------ analysts' tools

    def what_if(self, threshold: float) -> WhatIf:
        """The cases of the latest published run at another threshold, beside its own. The
        run's working tables must still be its own: a later run that did not publish may have
        rewritten them."""
        try:
            run_id = working_run(self.cursor)
        except DoudiError as error:
            raise DecisionError("conflict", str(error)) from error
        configuration = run_configuration(self.cursor, run_id)
        possible = configuration.settings.possible_threshold
        if threshold < possible:
            raise DecisionError(
                "invalid", f"阈值不能低于 {possible} (the run kept no pairs below it)"
            )
        labels = self.cursor.execute("SELECT max(label_id) FROM link_labels").fetchall()[0][0]
        key = (run_id, threshold, labels)
        with self._tuning:
            if self._what_if is None or self._what_if[0] != key:
                found = what_if(
                    self.cursor, run_id, threshold, policy=configuration.policy,
                    settings=configuration.settings, risk=configuration.risk,
                )  # fmt: skip
                self._what_if = (key, found)
            return self._what_if[1]

    def triage(self) -> TriageReport:
        """Open cases re-ranked by a model of the reviewers' decisions so far."""
        published = self.published
        status = {case_id: published.status(case_id) for case_id in published.cases}
        decided = [(case, status[case["case_id"]]) for case in published.cases.values()
                   if status[case["case_id"]] in DECIDED]  # fmt: skip
        undecided = [case for case in published.cases.values()
                     if not case["resolved"] and status[case["case_id"]] not in DECIDED]  # fmt: skip
        return triage(undecided, decided)

    # ------------------------------------------------------------------ tokens and log

    def create_token(self, *, name: str, role: str) -> str:
        """A new bearer token; only its hash is stored, the token is returned once."""
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}: one of {', '.join(ROLES)}")
        token = secrets.token_urlsafe(32)
        self.cursor.execute(
            "INSERT INTO api_tokens VALUES (?, ?, ?, now(), NULL)", [hash_token(token), name, role]
        )
        log.info("token created for %s (%s)", name, role)
        return token

    def principal(self, token: str) -> tuple[str, str] | None:
        """(name, role) of an active token, None for an unknown or revoked one (cached: the
        server is the one writer of the token table)."""
        digest = hash_token(token)
        if digest not in self._principals:
            rows = self._rows(
                "SELECT name, role FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL",
                [digest],
            )
            self._principals[digest] = (rows[0]["name"], rows[0]["role"]) if rows else None
        return self._principals[digest]

    def tokens(self) -> list[dict[str, Any]]:
        return self._rows(
            "SELECT name, role, created_at, revoked_at FROM api_tokens ORDER BY created_at"
        )

    def revoke_tokens(self, name: str) -> int:
        rows = self._rows(
            "UPDATE api_tokens SET revoked_at = now() WHERE name = ? AND revoked_at IS NULL "
            "RETURNING name",
            [name],
        )
        self._principals.clear()
        return len(rows)

    def log_access(self, entries: list[tuple[datetime, str, str, str, str]]) -> None:
        if entries:
            self.cursor.executemany("INSERT INTO access_log VALUES (?, ?, ?, ?, ?)", entries)

    def access_log(self, *, offset: int, limit: int) -> tuple[int, list[dict[str, Any]]]:
        total = self._rows("SELECT count(*) AS n FROM access_log")[0]["n"]
        items = self._rows(
            "SELECT * FROM access_log ORDER BY accessed_at DESC LIMIT ? OFFSET ?", [limit, offset]
        )
        return total, items


@contextmanager
def opened(db_path: Path) -> Iterator[Storage]:
    storage = Storage(db_path)
    try:
        yield storage
    finally:
        storage.close()


def loads(value: str | None) -> Any:
    return json.loads(value) if value else None
