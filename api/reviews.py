"""What reviewers record: decisions on cases, assignments (责任人 and 整改时限) and labels on
pairs of person rows.

Decisions and assignments are append-only events (``case_events``); a case's status is its
latest event's, its assignment its latest assignment's. Each event names who recorded it by
token name, role and token id (``token_id``: names need not be unique; NULL for events
recorded before the id was kept). Nothing here updates or deletes an
event. Decisions are validated and appended under one
lock, so concurrent reviewers cannot both move a case from the same status; the in-memory
snapshot (``api.snapshot``) follows each one. Link labels (``resolver.labels``) steer the
next run's linking.
"""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

from api.masking import mask_numbers
from api.published import STATUS_LABELS, TRUSTED_IDS
from api.seals import row_seal
from api.snapshot import EVENTS, Snapshot
from api.store import Store
from api.validation import says_nothing
from resolver.errors import DoudiError
from resolver.labels import ensure_labels_table, labels_history, record_label
from resolver.registries import PERSON_REGISTRIES, REGISTRIES

SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS case_event_ids;
CREATE TABLE IF NOT EXISTS case_events (
    event_id BIGINT DEFAULT nextval('case_event_ids') PRIMARY KEY, case_id VARCHAR,
    actor VARCHAR, role VARCHAR, recorded_at TIMESTAMP, from_status VARCHAR,
    to_status VARCHAR, note VARCHAR, reason VARCHAR
);
ALTER TABLE case_events ADD COLUMN IF NOT EXISTS kind VARCHAR DEFAULT 'decision';
ALTER TABLE case_events ADD COLUMN IF NOT EXISTS assignee VARCHAR;
ALTER TABLE case_events ADD COLUMN IF NOT EXISTS due_date DATE;
ALTER TABLE case_events ADD COLUMN IF NOT EXISTS token_id VARCHAR;
"""
# Where a case may go from each status (staying put records a note).
TRANSITIONS = {
    "open": {"open", "in_review", "field_check"},
    "in_review": {"in_review", "confirmed", "dismissed", "field_check", "open"},
    "field_check": {"field_check", "in_review", "confirmed", "dismissed"},
    "confirmed": {"confirmed", "in_review"},
    "dismissed": {"dismissed", "in_review"},
}
# Decided statuses: leaving one (reopening) needs a written reason, as dismissing does.
DECIDED = frozenset({"confirmed", "dismissed"})


# Leads that rest on two rows being one person: a death notice and a roster row, two roster
# rows. An uncertain one rests on two persons' rows below the threshold.
IDENTITY_LEADS = frozenset({"deceased_paid", "duplicate_enrollment"})


def label_may_end_lead(case_type: str, persons: tuple[str | None, str | None],
                       same_person: bool) -> bool:  # fmt: skip
    """Whether a link label on two rows of a lead may make the lead go away (only an auditor
    may record it): it parts one person's rows or joins two persons'; it is on a row linked
    to no one (a possible match a lead may rest on); or it says "not the same person" on a
    lead resting on identity (``IDENTITY_LEADS``: an uncertain one rests on two persons' rows
    that may be one).

    Parameters
    ----------
    case_type : str
        The lead's type.
    persons : tuple of (str or None, str or None)
        The person ids of the two rows (None: linked to no one).
    same_person : bool
        The label's verdict.

    Returns
    -------
    bool
        True when only an auditor may record it.

    Examples
    --------
    >>> label_may_end_lead("split_household", ("p1", "p2"), False)
    False
    >>> label_may_end_lead("deceased_paid", ("p1", "p2"), False)
    True
    >>> label_may_end_lead("split_household", ("p1", None), True)
    True
    """
    return ((persons[0] == persons[1]) != same_person or None in persons
            or (case_type in IDENTITY_LEADS and not same_person))  # fmt: skip


class DecisionError(DoudiError):
    """A decision that cannot be recorded, and why: ``kind`` is ``invalid`` (the request is
    not one that can be recorded), ``missing`` (no such case), ``conflict`` (the case is no
    longer where the request expects it), ``stale`` (the case has an event the caller has not
    seen) or ``forbidden`` (the caller's role may not record it). Only ``api.deps`` turns it
    into an HTTP answer."""

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
        reason: str | None, expected_status: str | None, expected_event: int | None = None,
        token_id: str | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        """Append a decision event after checking the case, the transition and the reason;
        the in-memory snapshot follows.

        Parameters
        ----------
        case_id : str
            The case decided on.
        actor, role : str
            Who decides.
        to_status : str
            The status the case moves to (its own status: a note only, refused blank).
        note, reason : str or None
            The reviewer's note; the reason, required when dismissing and when reopening a
            decided case (属实 or 不属实 to another status).
        expected_status : str or None
            The status the reviewer saw: a conflict if the case has moved since.
        expected_event : int or None
            The id of the last event the reviewer saw (``ETag``/``If-Match``; 0 for none):
            stale if anyone has added an event since, a colleague's note included.
        token_id : str or None
            The id of the token the decision is made with.

        Returns
        -------
        dict
            The stored event.
        """
        if to_status == "dismissed" and says_nothing(reason):
            raise DecisionError("invalid", "不属实须填写理由")
        published = self.snapshot.published
        with self._decisions:
            if case_id not in published.cases:
                raise DecisionError("missing", f"没有疑点 {mask_numbers(case_id)}")
            current = published.status(case_id)
            if expected_event is not None and expected_event != published.last_event_id(case_id):
                raise DecisionError("stale", "本案已有新的核查记录，请刷新后再提交")
            if expected_status is not None and expected_status != current:
                raise DecisionError(
                    "conflict",
                    f"本案现为「{_label(current)}」，不是「{_label(expected_status)}」，请刷新后再提交",
                )
            if to_status not in TRANSITIONS[current]:
                raise DecisionError(
                    "conflict", f"疑点不能从「{_label(current)}」直接改为「{_label(to_status)}」"
                )
            if to_status == current and says_nothing(note) and says_nothing(reason):
                # a permanent event (and a new case version) that says nothing
                raise DecisionError("invalid", "仅添加备注时须填写备注内容")
            if current in DECIDED and to_status != current and says_nothing(reason):
                # reopening takes a finding (and its money) out of the 属实/不属实 counts
                raise DecisionError(
                    "invalid", f"重新打开已核实「{_label(current)}」的疑点须填写理由"
                )
            return self._append_event(case_id, (actor, role, token_id), to_status, note, reason)

    def record_assignment(
        self, case_id: str, *, actor: str, role: str, assignee: str, due_date: date,
        note: str | None, today: date | None = None, token_id: str | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        """Append an assignment event: who is responsible for the case (责任人) and by when
        it is to be dealt with (整改时限). A later assignment supersedes it; the status stays.

        Parameters
        ----------
        case_id : str
            The case assigned.
        actor, role : str
            Who assigns.
        assignee : str
            The responsible person, as free text (a name); blank is refused.
        due_date : date
            The deadline: today or later.
        note : str or None
            The assigner's note.
        today : date, optional
            The day the deadline is checked against; the server's today when None.
        token_id : str or None
            The id of the token the assignment is made with.

        Returns
        -------
        dict
            The stored event (``kind`` ``assignment``).
        """
        assignee = assignee.strip()
        if says_nothing(assignee):
            raise DecisionError("invalid", "责任人不能为空")
        today = today or date.today()
        if due_date < today:
            raise DecisionError("invalid", f"整改时限 {due_date} 早于今天（{today}），请重新选择")
        with self._decisions:
            if case_id not in self.snapshot.published.cases:
                raise DecisionError("missing", f"没有疑点 {mask_numbers(case_id)}")
            status = self.snapshot.published.status(case_id)
            return self._append_event(case_id, (actor, role, token_id), status, note, None,
                                      kind="assignment", assignee=assignee, due_date=due_date)  # fmt: skip

    def _append_event(
        self, case_id: str, who: tuple[str, str, str | None], to_status: str, note: str | None,
        reason: str | None, kind: str = "decision", assignee: str | None = None,
        due_date: date | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        """Store an event of the case by ``who`` (name, role and token id; the caller holds
        the lock) and apply it to the snapshot."""
        published = self.snapshot.published
        actor, role, token_id = who
        (stored,) = self.store.cursor.execute(
            "INSERT INTO case_events (case_id, actor, role, recorded_at, from_status, "
            "to_status, note, reason, kind, assignee, due_date, token_id) "
            "VALUES (?, ?, ?, now(), ?, ?, ?, ?, ?, ?, ?, ?) RETURNING event_id",
            [case_id, actor, role, published.status(case_id), to_status, note, reason, kind,
             assignee, due_date, token_id],
        ).fetchone()  # fmt: skip
        event = self.store.rows(f"{EVENTS} WHERE e.event_id = ?", [stored])[0]
        published.add_event(event)
        return {**event, "seal": row_seal(self.store.cursor, "event", stored)}

    def record_link_label(
        self, case_id: str, *, left: str, right: str, same_person: bool, actor: str, role: str,
        note: str | None, token_id: str | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        """Append a reviewer's label on two person rows of the case; the next run's linking
        follows it, and the case's history shows it.

        A label that would change how the case's rows are linked (part the rows of one
        person, or join two persons), any label on a row linked to no one, and any "not the
        same person" on a lead that rests on identity (``IDENTITY_LEADS``: an uncertain one
        rests on two persons' rows that may be one, which the label would settle) needs an
        auditor: it can make a lead go away. So does
        any label on a resolved case, whose rows are shown as they were linked when it was
        raised: the label holds for the pair in every later run. Parting two rows
        that hold the same valid ID number needs two auditors (four eyes): the first label
        waits, and is in force once another auditor records the same (the history says which
        label the second confirms). A label reversing the one in force on the pair (the
        latest, which the next run follows) needs that label's authority: reversing an
        auditor's label takes an auditor, joining again two rows with one valid ID that two
        auditors parted takes two (the first waits). A label agreeing with the one in force
        changes nothing and never waits.

        Parameters
        ----------
        case_id : str
            The case whose rows are labelled.
        left, right : str
            Two person rows of the case, as ``registry:record_id``.
        same_person : bool
            True: 同一人; False: 不是同一人.
        actor, role : str
            Who labels.
        note : str or None
            The reviewer's note.
        token_id : str or None
            The id of the token the label is recorded with (on the case's history event).

        Returns
        -------
        dict
            The stored label (``pending`` while it waits for a second auditor).
        """
        rows = self._person_rows(case_id)
        if left not in rows or right not in rows or left == right:
            raise DecisionError("invalid", "须为本案中两条不同的人员记录")
        # a resolved case's rows are as they were linked when it was raised: any label there
        # may change the linking now
        resolved = self.snapshot.published.cases[case_id]["resolved"]
        case_type = self.snapshot.published.cases[case_id]["case_type"]
        persons = rows[left]["person_id"], rows[right]["person_id"]
        changes_case = label_may_end_lead(case_type, persons, same_person)
        same_id = _same_valid_id(rows[left], rows[right])
        with self._decisions:
            history = labels_history(self.store.cursor, sorted({left, right}))
            in_force = next((label for label in reversed(history) if not label["pending"]), None)
            # reversing the label in force needs its authority: an auditor's, two auditors'
            # for two rows with one valid ID (parting them, or joining them again)
            reverses = in_force is not None and in_force["same_person"] != same_person
            four_eyes = same_id and (reverses or (in_force is None and not same_person))
            if role != "auditor" and reverses and in_force["role"] == "auditor":
                raise DecisionError(
                    "forbidden",
                    f"现行的标注 #{in_force['label_id']} 由审计员作出，改判须由审计员作出",
                )
            if role != "auditor" and (changes_case or four_eyes or resolved):
                raise DecisionError(
                    "forbidden", "改变记录关联或拆分同一证号记录的标注须由审计员作出"
                )
            if four_eyes and says_nothing(note):
                raise DecisionError("invalid", "拆分或重新合并同一证号的两条记录须写明依据（备注）")
            confirmed = (_confirmed(history, same_person, actor, token_id, self._issued(token_id))
                         if four_eyes else [])  # fmt: skip
            label = record_label(self.store.cursor, left, right, same_person=same_person,
                                 actor=actor, role=role, case_id=case_id, note=note,
                                 pending=four_eyes and not confirmed, token_id=token_id)  # fmt: skip
            self.snapshot.published.labels.append(label)  # a resolved case's reasons follow
            event = self._append_event(case_id, (actor, role, token_id),
                                       self.snapshot.published.status(case_id),
                                       _label_note(label, rows, confirmed), None,
                                       kind="link_label")  # fmt: skip
            return {**label, "seal": row_seal(self.store.cursor, "label", label["label_id"]),
                    "event": event}  # fmt: skip

    def link_labels(self, case_id: str) -> list[dict[str, Any]]:
        """Every label on pairs of the case's person rows, oldest first.

        Parameters
        ----------
        case_id : str
            The case.

        Returns
        -------
        list of dict
            The labels, pending ones included; a ``missing`` ``DecisionError`` for an
            unknown case.
        """
        return labels_history(self.store.cursor, sorted(self._person_rows(case_id)))

    def _issued(self, token_id: str | None) -> Any:
        """When the token ``token_id`` was issued (None without one, or an unknown one)."""
        if token_id is None:
            return None
        found = self.store.cursor.execute(
            "SELECT created_at FROM api_tokens WHERE token_id = ?", [token_id]).fetchone()  # fmt: skip
        return found[0] if found else None

    def _person_rows(self, case_id: str) -> dict[str, dict[str, Any]]:
        case = self.snapshot.published.cases.get(case_id)
        if case is None:
            raise DecisionError("missing", f"没有疑点 {mask_numbers(case_id)}")
        return {row["unique_id"]: row for row in case["detail"]["rows"]
                if row["registry"] in PERSON_REGISTRIES}  # fmt: skip


def _confirmed(history: list[dict[str, Any]], same_person: bool, actor: str,
               token_id: str | None, issued: Any) -> list[dict[str, Any]]:  # fmt: skip
    """The labels on a pair (``history``, oldest first) that a four-eyes label by ``actor``
    (with token ``token_id``, issued at ``issued``) of this verdict confirms: other auditors'
    labels of the verdict that wait for a second (none: it waits itself). Another auditor is
    another name on another token, issued before the label it confirms: a token minted after
    it (an administrator minting a second auditor on demand) confirms nothing. A conflict
    when only labels the caller cannot confirm wait."""
    waiting = [label for label in history
               if label["pending"] and label["same_person"] == same_person
               and label["role"] == "auditor"]  # fmt: skip
    others = [label for label in waiting
              if label["actor"] != actor
              and (label["token_id"] is None or label["token_id"] != token_id)
              and (issued is None or issued < label["recorded_at"])]  # fmt: skip
    if waiting and not others:
        raise DecisionError("conflict", "同一证号两条记录的这一标注须由另一位审计员确认（确认所用的令牌"
                                        "须为另一人所有，且签发早于待确认的标注）")  # fmt: skip
    return others


def _same_valid_id(left: dict[str, Any], right: dict[str, Any]) -> bool:
    return (
        left.get("id_number_status") in TRUSTED_IDS
        and right.get("id_number_status") in TRUSTED_IDS
        and left.get("id_number") == right.get("id_number")
    )


def _label_note(
    label: dict[str, Any], rows: dict[str, dict[str, Any]], confirmed: list[dict[str, Any]]
) -> str:
    """The label as the case's history tells it: waiting for a second auditor, or confirming
    the labels that waited."""
    names = [f"{REGISTRIES[rows[uid]['registry']].chinese} {rows[uid]['record_id']}"
             for uid in (label["unique_id_l"], label["unique_id_r"])]  # fmt: skip
    verdict = "是同一人" if label["same_person"] else "不是同一人"
    ids = "、".join(f"#{waited['label_id']}" for waited in confirmed)
    waiting = ("（待另一位审计员确认后生效）" if label["pending"]
               else f"（确认标注 {ids}，已生效）" if confirmed else "")  # fmt: skip
    note = f"：{label['note']}" if label["note"] else ""
    return f"标注 #{label['label_id']}：{names[0]} 与 {names[1]} {verdict}{waiting}{note}"


def _label(status: str) -> str:
    """A review status as the page names it (待核查, 核查中, …)."""
    return STATUS_LABELS.get(status, status)
