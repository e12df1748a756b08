"""The review API's storage: published runs and cases (``models.publish``), and what
reviewers and administrators record — decisions, tokens, the access log — in the run's
DuckDB file.

Decisions are append-only events (``case_events``); a case's status is its latest event's.
Nothing here updates or deletes an event. The server is the file's one writer: each request
thread gets its own cursor, and decisions are validated and appended under one lock, so
concurrent reviewers cannot both move a case from the same status.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from models.publish import ensure_schema as ensure_publish_schema
from resolver.db import connect

log = logging.getLogger(__name__)

REVIEW_SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS case_event_ids;
CREATE TABLE IF NOT EXISTS case_events (
    event_id BIGINT DEFAULT nextval('case_event_ids') PRIMARY KEY, case_id VARCHAR,
    actor VARCHAR, role VARCHAR, recorded_at TIMESTAMP, from_status VARCHAR, to_status VARCHAR,
    note VARCHAR, reason VARCHAR
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
STATUSES = {
    "open": "待核查",
    "in_review": "核查中",
    "confirmed": "属实",
    "dismissed": "不属实",
    "field_check": "需入户核查",
}
# Where a case may go from each status (staying put records a note).
TRANSITIONS = {
    "open": {"open", "in_review", "field_check"},
    "in_review": {"in_review", "confirmed", "dismissed", "field_check", "open"},
    "field_check": {"field_check", "in_review", "confirmed", "dismissed"},
    "confirmed": {"confirmed", "in_review"},
    "dismissed": {"dismissed", "in_review"},
}
SORTS = {
    "risk": "risk_score DESC, case_id",
    "-risk": "risk_score ASC, case_id",
    "amount": "amount_at_risk DESC NULLS LAST, case_id",
    "case_id": "case_id",
}

# Every case ever raised, with its latest snapshot, status and whether data resolved it.
_CASES = """
WITH latest AS (
    SELECT case_id, arg_max(to_status, event_id) AS status FROM case_events GROUP BY case_id
)
SELECT c.run_id, c.case_id, c.case_type, c.risk_score, c.amount_at_risk, c.township,
       c.village, c.person_ids, c.records, c.evidence, coalesce(latest.status, 'open') AS status,
       r.resolved_run, r.first_run
FROM case_registry r
JOIN published_cases c ON c.case_id = r.case_id AND c.run_id = r.last_run
LEFT JOIN latest ON latest.case_id = r.case_id
"""


class DecisionError(Exception):
    """A decision that cannot be recorded: ``status`` is the HTTP status to answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class CaseFilter:
    case_type: str | None = None
    township: str | None = None
    village: str | None = None
    min_score: float | None = None
    max_score: float | None = None
    status: str | None = None  # a decision status, or "resolved" (by data)
    run_id: str | None = None

    def where(self) -> tuple[str, list[Any]]:
        """A WHERE clause over ``_CASES`` with its parameters (values only as parameters)."""
        clauses, params = [], []
        for column, value in (("case_type", self.case_type), ("township", self.township),
                              ("village", self.village), ("run_id", self.run_id)):  # fmt: skip
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        if self.min_score is not None:
            clauses.append("risk_score >= ?")
            params.append(self.min_score)
        if self.max_score is not None:
            clauses.append("risk_score <= ?")
            params.append(self.max_score)
        if self.status == "resolved":
            clauses.append("resolved_run IS NOT NULL")
        else:
            if self.run_id is None:
                clauses.append("resolved_run IS NULL")
            if self.status is not None:
                clauses.append("status = ?")
                params.append(self.status)
        return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Storage:
    """The run's DuckDB file as the API sees it."""

    def __init__(self, db_path: Path) -> None:
        self.con = connect(db_path)
        ensure_publish_schema(self.con)
        for statement in REVIEW_SCHEMA.split(";"):
            if statement.strip():
                self.con.execute(statement)
        self._local = threading.local()
        self._decisions = threading.Lock()

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

    # ------------------------------------------------------------------ runs

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

    # ------------------------------------------------------------------ cases

    def list_cases(
        self, where: CaseFilter, *, sort: str, offset: int, limit: int
    ) -> tuple[int, list[dict[str, Any]]]:
        clause, params = where.where()
        base = _CASES if where.run_id is None else _CASES.replace(
            "c.run_id = r.last_run", "c.run_id = ?"
        )  # fmt: skip
        base_params = [] if where.run_id is None else [where.run_id]
        total = self._rows(f"SELECT count(*) AS n FROM ({base}) {clause}", base_params + params)
        items = self._rows(
            f"SELECT * FROM ({base}) {clause} ORDER BY {SORTS[sort]} LIMIT ? OFFSET ?",
            base_params + params + [limit, offset],
        )
        return total[0]["n"], items

    def case(self, case_id: str) -> dict[str, Any] | None:
        """A case's latest snapshot with its detail, status and resolution."""
        rows = self._rows(
            f"SELECT cases.*, p.detail FROM ({_CASES}) cases "
            "JOIN published_cases p USING (run_id, case_id) WHERE case_id = ?",
            [case_id],
        )
        return rows[0] if rows else None

    def history(self, case_id: str) -> list[dict[str, Any]]:
        return self._rows(
            "SELECT event_id, case_id, actor, role, recorded_at, from_status, to_status, note, reason "
            "FROM case_events WHERE case_id = ? ORDER BY event_id",
            [case_id],
        )

    def record_decision(
        self, case_id: str, *, actor: str, role: str, to_status: str, note: str | None,
        reason: str | None, expected_status: str | None,
    ) -> dict[str, Any]:  # fmt: skip
        """Append a decision event after checking the case, the transition and the reason."""
        if to_status == "dismissed" and not (reason or "").strip():
            raise DecisionError(422, "不属实须填写理由 (a dismissal needs a reason)")
        with self._decisions:
            found = self._rows(
                f"SELECT status FROM ({_CASES}) cases WHERE case_id = ?", [case_id]
            )  # fmt: skip
            if not found:
                raise DecisionError(404, f"no case {case_id}")
            current = found[0]["status"]
            if expected_status is not None and expected_status != current:
                raise DecisionError(409, f"the case is now {current}, not {expected_status}")
            if to_status not in TRANSITIONS[current]:
                raise DecisionError(409, f"a case cannot go from {current} to {to_status}")
            return self._rows(
                "INSERT INTO case_events (case_id, actor, role, recorded_at, from_status, to_status, "
                "note, reason) VALUES (?, ?, ?, now(), ?, ?, ?, ?) RETURNING *",
                [case_id, actor, role, current, to_status, note, reason],
            )[0]

    # ------------------------------------------------------------------ scores

    def person(self, *, person_id: str | None = None, id18: str | None = None) -> dict | None:
        """A person of the latest run with their cases' scores (None if unknown)."""
        column, value = ("person_id", person_id) if person_id else ("id18", id18)
        found = self._rows(
            f"SELECT person_id, any_value(id18) AS id18, any_value(name) AS name "
            f"FROM published_persons WHERE {column} = ? GROUP BY person_id",
            [value],
        )
        if not found and person_id:
            found = [{"person_id": person_id, "id18": None, "name": None}]
        person = found[0] if found else None
        if person is None:
            return None
        cases = self._rows(
            f"SELECT case_id, case_type, risk_score, status FROM ({_CASES}) cases "
            "WHERE resolved_run IS NULL AND list_contains(person_ids, ?) ORDER BY risk_score DESC",
            [person["person_id"]],
        )
        if not cases and person["id18"] is None:
            return None
        return person | {"cases": cases}

    def export_scores(self, *, after: str | None, limit: int) -> tuple[int, list[dict]]:
        """Open cases' scores in case_id order, from after ``after`` (keyset pagination)."""
        total = self._rows(f"SELECT count(*) AS n FROM ({_CASES}) c WHERE resolved_run IS NULL")
        items = self._rows(
            f"SELECT case_id, case_type, risk_score, amount_at_risk, person_ids, status, run_id "
            f"FROM ({_CASES}) c WHERE resolved_run IS NULL AND case_id > ? "
            "ORDER BY case_id LIMIT ?",
            [after or "", limit],
        )
        return total[0]["n"], items

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
        rows = self._rows(
            "SELECT name, role FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL",
            [hash_token(token)],
        )
        return (rows[0]["name"], rows[0]["role"]) if rows else None

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
