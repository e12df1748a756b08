"""The published snapshot: every published case's latest version, each run's cases, the
decisions and assignments so far, the published runs in order and the latest run's persons,
held in memory (``api.published``) and updated by each recorded event; and the runs."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from api.published import Published
from api.store import Store
from models.publish import ensure_schema as ensure_publish_schema
from resolver.db import table_names
from resolver.ingest import county_aliases
from resolver.labels import labels_history

EVENT_COLUMNS = (
    "event_id, case_id, actor, role, recorded_at, from_status, to_status, note, reason, kind, "
    "assignee, due_date, token_id"
)
# Events with who minted each one's token: an admin can mint a token in an auditor's name.
EVENTS = (
    "SELECT "
    + ", ".join(f"e.{column.strip()}" for column in EVENT_COLUMNS.split(","))
    + ", t.created_by AS token_created_by FROM case_events e LEFT JOIN api_tokens t USING (token_id)"
)


class Snapshot:
    """What was published, as reviewers and consumers read it."""

    def __init__(self, store: Store) -> None:
        self.store = store
        ensure_publish_schema(store.con)

    @cached_property
    def published(self) -> Published:
        """Every published case's latest snapshot, each run's cases, the events so far
        (decisions, assignments, labels' notes), the published runs in order (with their
        as-of days, inputs, settings, policy and what their data could not judge), the latest
        run's persons, the drop's county names and the places its persons live in (loaded on
        first use)."""
        rows = self.store.rows
        latest = rows(
            "SELECT c.*, r.first_run, r.resolved_run, r.gone_records, r.paid_after_gone "
            "FROM case_registry r "
            "JOIN published_cases c ON c.case_id = r.case_id AND c.run_id = r.last_run"
        )
        by_run = rows(
            "SELECT run_id, case_id, case_type, risk_score, amount_at_risk, township, village, "
            "counties, person_ids, records, evidence FROM published_cases"
        )
        events = rows(f"{EVENTS} ORDER BY e.event_id")
        persons = self.store.cursor.execute(
            "SELECT person_id, id18, name FROM published_persons"
        ).fetchall()  # fmt: skip
        labels = labels_history(self.store.cursor, None)
        published_runs = rows(
            "SELECT run_id, started_at, finished_at, as_of, inputs, settings, policy, "
            "policy_name, policy_version, unjudged FROM runs WHERE status = 'published' "
            "ORDER BY finished_at"
        )
        places = (self.store.cursor.execute(
            "SELECT DISTINCT county, township, village FROM persons"
        ).fetchall() if "persons" in table_names(self.store.cursor) else [])  # fmt: skip
        return Published(latest, by_run, events, persons, labels, published_runs,
                         county_aliases(self.store.cursor), places=places)  # fmt: skip

    def latest_run(self) -> str | None:
        """The run published last.

        Returns
        -------
        str or None
            Its run_id (latest ``finished_at``); None before any run is published.
        """
        found = self.store.rows(
            "SELECT run_id FROM runs WHERE status = 'published' ORDER BY finished_at DESC LIMIT 1"
        )
        return found[0]["run_id"] if found else None

    def runs(self) -> list[dict[str, Any]]:
        """Every run, latest started first.

        Returns
        -------
        list of dict
            Each run's id, status, times, data directory, policy and ``counts`` (JSON text).
        """
        return self.store.rows(
            "SELECT run_id, status, started_at, finished_at, data_dir, policy_name, "
            "policy_version, counts FROM runs ORDER BY started_at DESC"
        )

    def run(self, run_id: str) -> dict[str, Any] | None:
        """One run, with all its columns.

        Parameters
        ----------
        run_id : str
            The run.

        Returns
        -------
        dict or None
            Its row of ``runs``; None for an unknown run.
        """
        found = self.store.rows("SELECT * FROM runs WHERE run_id = ?", [run_id])
        return found[0] if found else None
