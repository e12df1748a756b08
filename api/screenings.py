"""Screenings of payment lists (发放表) before the bank, as the review API keeps them.

An auditor uploads a list; it is screened against the published run (``api.screen_file``,
``models.screening``) and stored: who, when, the file's name, its months and counts
(``screenings``), and one row per held line — its position, case number, pay month, amount
and reasons (``screening_lines``). Neither the uploaded file nor any full ID number is kept:
an ID or account number in a case number, a reason, a sheet's name (a held line's, a row's
not read), a skipped row's reason or the reader's notes is masked before it is stored
(``mask_numbers``).
The list written back (审核结果, 暂缓原因) is held in memory for the latest few screenings, to
download, and lost on restart.

A held line is cleared by an auditor with an event (``screening_events``: 核实后放行 or
确认暂缓, and a note); nothing updates or deletes a line or an event, so no lead disappears
without a trace. A hold is a prompt to check before paying, never a stop order.
"""

from __future__ import annotations

import io
import json
import tempfile
import threading
import zipfile
from collections import OrderedDict
from dataclasses import replace
from datetime import datetime
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import pyarrow as pa

from api.masking import mask_numbers
from api.reviews import DecisionError
from api.screen_file import OUT_SUFFIXES, Screening, release_keys, screen_file, write_screened
from api.store import Store
from api.validation import says_nothing
from models.screening import HOLD_LABELS, NOTE, Decision
from resolver.errors import DoudiError
from resolver.identity import database_key

SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS screening_ids;
CREATE TABLE IF NOT EXISTS screenings (
    screening_id BIGINT DEFAULT nextval('screening_ids') PRIMARY KEY, actor VARCHAR,
    role VARCHAR, screened_at TIMESTAMP, file_name VARCHAR, run_id VARCHAR, months VARCHAR,
    lines INTEGER, passed INTEGER, held INTEGER, summary VARCHAR
);
CREATE TABLE IF NOT EXISTS screening_lines (
    screening_id BIGINT, line_no INTEGER, sheet VARCHAR, row_no INTEGER, case_no VARCHAR,
    pay_month VARCHAR, amount DOUBLE, kinds VARCHAR, reasons VARCHAR,
    PRIMARY KEY (screening_id, line_no)
);
ALTER TABLE screening_lines ADD COLUMN IF NOT EXISTS payee_name VARCHAR;
ALTER TABLE screening_lines ADD COLUMN IF NOT EXISTS release_keys VARCHAR;
CREATE SEQUENCE IF NOT EXISTS screening_event_ids;
CREATE TABLE IF NOT EXISTS screening_events (
    event_id BIGINT DEFAULT nextval('screening_event_ids') PRIMARY KEY, screening_id BIGINT,
    line_no INTEGER, actor VARCHAR, role VARCHAR, recorded_at TIMESTAMP, outcome VARCHAR,
    note VARCHAR
);
ALTER TABLE screening_events ADD COLUMN IF NOT EXISTS token_id VARCHAR;
"""
# How a held line may be cleared, and what a line's status is called.
OUTCOMES = {"released": "核实后放行", "kept": "确认暂缓"}
STATUS_LABELS = {"pending": "待核实", **OUTCOMES}
KEPT_FILES = 8  # written-back lists held in memory (the oldest dropped first)
SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls")
# Runs of digits long enough to be an ID (15 or 18) or an account number (16 to 19); a case
# number's digits (after its letters, e.g. DB532326000004) are not one.
_SUMMARY_COLUMNS = ("screening_id, actor, role, screened_at, file_name, run_id, months, lines, "
                    "passed, held, summary")  # fmt: skip
_EVENT_COLUMNS = ("event_id, screening_id, line_no, actor, role, recorded_at, outcome, note, "
                  "token_id")  # fmt: skip


class Screenings:
    """Stored screenings, their held lines and the events clearing them.

    Parameters
    ----------
    store : Store
        The run's file (the server is its one writer).
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        store.execute_script(SCHEMA)
        self._lock = threading.Lock()  # one screening or clearing at a time
        # recent lists as uploaded, with their screening: written back when downloaded
        self._files: OrderedDict[int, tuple[str, bytes, Screening]] = OrderedDict()

    def screen(self, content: bytes, file_name: str, *, actor: str, role: str,
               county: str | None = None) -> dict[str, Any]:  # fmt: skip
        """Screen an uploaded payment list and store the screening.

        Parameters
        ----------
        content : bytes
            The file as uploaded (CSV or XLSX as offices export it).
        file_name : str
            Its name as sent (only the last part is kept; the suffix says the format).
        actor, role : str
            Who uploads it.
        county : str or None
            The county the list is of, in a province's database.

        Returns
        -------
        dict
            The stored screening's summary (``summary``); an ``invalid`` ``DecisionError``,
            in Chinese, for a file that cannot be used or a database without a published run.
        """
        name = safe_name(file_name)
        _check_unpacked_size(content)
        with self._lock, tempfile.TemporaryDirectory(prefix="doudi-screen-") as folder:
            path = Path(folder) / name
            path.write_bytes(content)
            try:
                screening = screen_file(self.store.cursor, path, county=county)
                writable = _written_back(screening, Path(folder), name) is not None
            except DecisionError:
                raise
            except DoudiError as error:  # reading or writing back: the file cannot be used
                raise DecisionError("invalid", str(error).replace(folder + "/", "")) from error
            screening_id = self._store(screening, name, actor, role)
            if writable:
                self._files[screening_id] = (name, content, screening)
                while len(self._files) > KEPT_FILES:
                    self._files.popitem(last=False)
        return self.summary(screening_id)

    def _store(self, screening: Screening, name: str, actor: str, role: str) -> int:
        """Write the screening and its held lines in one transaction; its id."""
        found = screening.summary
        kept = {key: found[key] for key in ("lines", "passed", "held", "by_reason",
                                            "released_before", "unlisted", "months",
                                            "note")}  # fmt: skip
        kept |= masked_texts(found)
        lines = screening.payments.lines
        sheets = {source.number: source.sheet for source in screening.payments.sources}
        wanted = ("source_no", "row_no", "case_no", "pay_month", "amount", "payee_name")
        columns = {column: lines.column(column).to_pylist() if column in lines.column_names
                   else [None] * lines.num_rows for column in wanted}  # fmt: skip
        held = [decision for decision in screening.decisions if decision.holds]
        secret = database_key(self.store.cursor)
        table = pa.table({
            "line_no": pa.array([d.line + 1 for d in held], pa.int32()),
            "sheet": pa.array([_masked(sheets.get(columns["source_no"][d.line]))
                               for d in held], pa.string()),
            "row_no": pa.array([columns["row_no"][d.line] for d in held], pa.int32()),
            "case_no": pa.array([mask_numbers(columns["case_no"][d.line] or "") or None
                                 for d in held], pa.string()),
            "pay_month": pa.array([columns["pay_month"][d.line] for d in held], pa.string()),
            "amount": pa.array([_number(columns["amount"][d.line]) for d in held], pa.float64()),
            "payee_name": pa.array([_text(columns["payee_name"][d.line]) for d in held],
                                   pa.string()),
            "kinds": pa.array([",".join(h.kind for h in d.holds) for d in held], pa.string()),
            "reasons": pa.array([mask_numbers(d.reasons) for d in held], pa.string()),
            "release_keys": pa.array([_keys(d, screening.case_nos[d.line], secret) for d in held],
                                     pa.string()),
        })  # fmt: skip
        cursor = self.store.cursor
        cursor.begin()
        try:
            (screening_id,) = cursor.execute(
                "INSERT INTO screenings (actor, role, screened_at, file_name, run_id, months, "
                "lines, passed, held, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "RETURNING screening_id",
                [actor, role, datetime.now(), name, found.get("run_id"),
                 json.dumps(list(found["months"]), ensure_ascii=False), found["lines"],
                 found["passed"], found["held"], json.dumps(kept, ensure_ascii=False)],
            ).fetchone()  # fmt: skip
            cursor.register("_screening_held", table)
            cursor.execute(
                "INSERT INTO screening_lines (screening_id, line_no, sheet, row_no, case_no, "
                "pay_month, amount, kinds, reasons, payee_name, release_keys) SELECT ?, "
                "line_no, sheet, row_no, case_no, pay_month, amount, kinds, reasons, payee_name, "
                "release_keys "
                "FROM _screening_held", [screening_id]
            )  # fmt: skip
            cursor.unregister("_screening_held")
            cursor.commit()
        except BaseException:
            cursor.rollback()
            raise
        return screening_id

    def list(self) -> list[dict[str, Any]]:
        """Every screening, newest first, with its counts.

        Returns
        -------
        list of dict
            Each screening's summary (``summary``).
        """
        rows = self.store.rows(f"SELECT {_SUMMARY_COLUMNS} FROM screenings "
                               "ORDER BY screening_id DESC")  # fmt: skip
        cleared = self._cleared()
        return [self._summary(row, cleared.get(row["screening_id"], 0)) for row in rows]

    def summary(self, screening_id: int) -> dict[str, Any]:
        """One screening's summary.

        Parameters
        ----------
        screening_id : int
            The screening.

        Returns
        -------
        dict
            Who, when, the file's name, the run, months, counts (by reason, per month), held
            lines cleared so far, the note that a hold is no stop order, and the written-back
            file's URL while it is held; a ``missing`` ``DecisionError`` for no such screening.
        """
        rows = self.store.rows(f"SELECT {_SUMMARY_COLUMNS} FROM screenings "
                               "WHERE screening_id = ?", [screening_id])  # fmt: skip
        if not rows:
            raise DecisionError("missing", f"没有发放前审核 {screening_id}")
        return self._summary(rows[0], self._cleared(screening_id).get(screening_id, 0))

    def detail(self, screening_id: int) -> dict[str, Any]:
        """A screening with its held lines, each with its status and the events clearing it.

        Parameters
        ----------
        screening_id : int
            The screening.

        Returns
        -------
        dict
            The summary and ``items``: the held lines in the list's order; a ``missing``
            ``DecisionError`` for no such screening.
        """
        found = self.summary(screening_id)
        lines = self.store.rows(
            "SELECT line_no, sheet, row_no, case_no, payee_name, pay_month, amount, kinds, "
            "reasons FROM screening_lines WHERE screening_id = ? ORDER BY line_no", [screening_id]
        )  # fmt: skip
        events: dict[int, list[dict[str, Any]]] = {}
        for event in self._events(screening_id):
            events.setdefault(event["line_no"], []).append(event)
        items = []
        for line in lines:
            history = events.get(line["line_no"], [])
            status = history[-1]["outcome"] if history else "pending"
            kinds = line.pop("kinds").split(",") if line["kinds"] else []
            items.append({**line, "labels": [HOLD_LABELS[kind] for kind in kinds],
                          "status": status, "status_label": STATUS_LABELS[status],
                          "history": history})  # fmt: skip
        return {**found, "items": items}

    def clear(
        self, screening_id: int, line_no: int, *, outcome: str, note: str, actor: str, role: str,
        token_id: str | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        """Record how a held line was cleared: an event appended, nothing changed or deleted.

        Parameters
        ----------
        screening_id : int
            The screening.
        line_no : int
            The held line's position in the list (1 for the first data line).
        outcome : str
            ``released`` (核实后放行) or ``kept`` (确认暂缓).
        note : str
            What was checked.
        actor, role : str
            Who clears it.
        token_id : str or None
            The id of the token it is cleared with.

        Returns
        -------
        dict
            The event; a ``missing`` ``DecisionError`` for no such held line, an ``invalid``
            one for an unknown outcome or an empty note.
        """
        if outcome not in OUTCOMES:
            raise DecisionError("invalid", f"处理结果须为 {'、'.join(OUTCOMES.values())}")
        if says_nothing(note):
            raise DecisionError("invalid", "请填写核实情况说明")
        with self._lock:
            found = self.store.rows(
                "SELECT 1 FROM screening_lines WHERE screening_id = ? AND line_no = ?",
                [screening_id, line_no],
            )  # fmt: skip
            if not found:
                raise DecisionError("missing",
                                    f"发放前审核 {screening_id} 中没有暂缓的第 {line_no} 条")  # fmt: skip
            event = self.store.rows(
                "INSERT INTO screening_events (screening_id, line_no, actor, role, recorded_at, "
                f"outcome, note, token_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                f"RETURNING {_EVENT_COLUMNS}",
                [screening_id, line_no, actor, role, datetime.now(), outcome, note.strip(),
                 token_id],
            )[0]  # fmt: skip
        return _labelled(event)

    def file(self, screening_id: int) -> tuple[str, bytes]:
        """The written-back list of a recent screening, while it is held in memory, with the
        held lines reviewers cleared since as cleared (核实后放行: 通过; 确认暂缓: 暂缓, each
        with what was checked).

        Parameters
        ----------
        screening_id : int
            The screening.

        Returns
        -------
        tuple of (str, bytes)
            The file's name and content; a ``missing`` ``DecisionError`` when it is not held
            (an older screening, a restart, or an ``.xls`` list, which cannot be written back).
        """
        self.summary(screening_id)  # a missing screening: 404
        held = self._files.get(screening_id)
        if held is None:
            raise DecisionError("missing", "审核结果文件已不在服务器上，请重新上传发放表")
        name, content, screening = held
        cleared = _cleared_cells(screening, self._events(screening_id))
        with tempfile.TemporaryDirectory(prefix="doudi-screen-") as folder:
            path = Path(folder) / name
            path.write_bytes(content)
            moved = replace(screening, payments=replace(screening.payments, path=path))
            write_screened(moved, Path(folder) / "out" / name, cleared)
            return name, (Path(folder) / "out" / name).read_bytes()

    def _events(self, screening_id: int) -> list[dict[str, Any]]:
        rows = self.store.rows(
            f"SELECT {_EVENT_COLUMNS} FROM screening_events WHERE screening_id = ? "
            "ORDER BY event_id", [screening_id]
        )  # fmt: skip
        return [_labelled(row) for row in rows]

    def _cleared(self, screening_id: int | None = None) -> dict[int, int]:
        """Held lines with at least one clearing event, per screening."""
        where = "WHERE screening_id = ?" if screening_id is not None else ""
        rows = self.store.rows(
            f"SELECT screening_id, count(DISTINCT line_no) AS n FROM screening_events {where} "
            "GROUP BY screening_id", [screening_id] if screening_id is not None else []
        )  # fmt: skip
        return {row["screening_id"]: row["n"] for row in rows}

    def _summary(self, row: dict[str, Any], cleared: int) -> dict[str, Any]:
        kept = json.loads(row["summary"])
        screening_id = row["screening_id"]
        held_file = screening_id in self._files
        return {
            "screening_id": screening_id, "actor": row["actor"], "role": row["role"],
            "screened_at": row["screened_at"], "file_name": row["file_name"],
            "run_id": row["run_id"], "months": json.loads(row["months"]),
            "lines": row["lines"], "passed": row["passed"], "held": row["held"],
            "cleared": cleared, "released_before": kept.get("released_before", 0),
            "unlisted": kept.get("unlisted", 0),
            "by_reason": kept["by_reason"], "by_month": kept["months"],
            "note": kept.get("note", NOTE), "skipped": kept.get("skipped", []),
            "notes": kept.get("notes", []), "problems": kept.get("problems", []),
            "file_url": f"/api/screenings/{screening_id}/file" if held_file else None,
        }  # fmt: skip


# What an uploaded workbook may unpack to: some 400,000 lines of a list with inline text (a
# 50,000-line list unpacks to 26 MB); a small upload that unpacks to gigabytes (a zip bomb)
# would hold the server's memory.
MAX_UNPACKED = 200_000_000


def _check_unpacked_size(content: bytes) -> None:
    """Refuse a workbook (a zip) whose parts unpack to more than ``MAX_UNPACKED`` bytes."""
    if not content.startswith(b"PK\x03\x04"):
        return
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        return  # the reader names what is wrong with it
    if unpacked > MAX_UNPACKED:
        raise DecisionError("invalid", f"表格解压后有 {unpacked / 1e6:,.0f} MB，超过上传核对的上限 "
                            f"{MAX_UNPACKED / 1e6:,.0f} MB（约 40 万行）：请按乡镇或月份拆分后上传，"
                            "或在本机用 doudi screen 核对")  # fmt: skip


def _cleared_cells(screening: Screening, events: list[dict[str, Any]]
                   ) -> dict[int, tuple[str, str]]:  # fmt: skip
    """The two cells of each held line as its latest clearing (``events``, oldest first) left
    it, by line."""
    latest = {event["line_no"] - 1: event for event in events}
    cells = {}
    for line, event in latest.items():
        reasons = screening.decisions[line].reasons
        who = f"（{event['actor']}，{event['recorded_at']:%Y-%m-%d}）"
        if event["outcome"] == "released":
            cells[line] = (
                "通过",
                f"{OUTCOMES['released']}：{event['note']}{who}；原暂缓原因：{reasons}",
            )
        else:
            cells[line] = ("暂缓", f"{OUTCOMES['kept']}：{event['note']}{who}；{reasons}。{NOTE}")
    return cells


def _written_back(screening: Screening, folder: Path, name: str) -> bytes | None:
    """The list written back with its two columns, when its name says its format (an
    ``.xls`` list, or a CSV named otherwise, is not written)."""
    file_format = screening.payments.sources[0].file_format
    if not name.lower().endswith(OUT_SUFFIXES.get(file_format, ())):
        return None
    out = folder / "out" / name
    write_screened(screening, out)
    return out.read_bytes()


def safe_name(file_name: str | None) -> str:
    """An uploaded file's name as stored: its last part, without path separators, an ID or
    account number in it masked (with full-width stars: ``*`` is no file name's character).

    Parameters
    ----------
    file_name : str or None
        The name the client sent.

    Returns
    -------
    str
        The last part of the name (at most 120 characters, its suffix kept); ``发放表.csv``
        when none was sent.

    Examples
    --------
    >>> safe_name("C:\\\\发放\\\\2026年10月发放表.xlsx")
    '2026年10月发放表.xlsx'
    >>> safe_name("../../etc/passwd.csv")
    'passwd.csv'
    >>> safe_name("低保532326196508202993.csv")
    '低保532326＊＊＊＊＊＊＊＊＊＊＊3.csv'
    """
    name = PureWindowsPath(PurePosixPath(file_name or "").name).name.strip()
    name = "".join(c for c in name if c.isprintable() and c not in '<>:"/\\|?*')
    name = mask_numbers(name).replace("*", "＊")
    if not name or name.startswith("."):
        name = f"发放表{name}" if name.lower().endswith(SUFFIXES) else "发放表.csv"
    stem, dot, suffix = name.rpartition(".")
    return f"{stem[: 119 - len(suffix)]}.{suffix}" if dot and len(name) > 120 else name[:120]


def masked_texts(found: dict[str, Any]) -> dict[str, Any]:
    """A screening summary's texts read from the file (sheet names, the reader's notes, the
    rows not read and the columns' problems) with every ID or account number in them masked
    (``mask_numbers``): a sheet may be named by a person (``户主532326195308294219``).

    Parameters
    ----------
    found : dict
        A screening's summary, with ``skipped``, ``notes`` and ``problems`` (each may be
        missing).

    Returns
    -------
    dict
        ``skipped``, ``notes`` and ``problems``, masked.

    Examples
    --------
    >>> masked_texts({"notes": ["工作表「户主532326195308294219」未读取：不是发放表"],
    ...               "skipped": [{"sheet": "户主532326195308294219", "row": 3, "reason": "合计行"}]})
    {'skipped': [{'sheet': '户主532326***********9', 'row': 3, 'reason': '合计行'}], 'notes': ['工作表「户主532326***********9」未读取：不是发放表'], 'problems': []}
    """
    return {
        "skipped": [{**row, "sheet": _masked(row.get("sheet")),
                     "reason": _masked(row.get("reason"))} for row in found.get("skipped", [])],
        "notes": [mask_numbers(note) for note in found.get("notes", [])],
        "problems": [{**item, "column": _masked(item.get("column")),
                      "problem": _masked(item.get("problem")),
                      "rows": [mask_numbers(row) for row in item.get("rows", [])]}
                     for item in found.get("problems", [])],
    }  # fmt: skip


def _keys(decision: Decision, case_no: str | None, secret: str) -> str | None:
    """The ``release_keys`` of a held line's holds a release carries over, as a JSON list;
    None when it has none."""
    keys = release_keys(decision, case_no, secret)
    return json.dumps(keys) if keys else None


def _masked(text: str | None) -> str | None:
    """A text with its ID and account numbers masked; None for none."""
    return None if text is None else mask_numbers(text)


def _number(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def _text(value: Any) -> str | None:
    """A written value as stored: trimmed, any ID or account number in it masked."""
    text = "" if value is None else str(value).strip()
    return mask_numbers(text) or None


def _labelled(event: dict[str, Any]) -> dict[str, Any]:
    return {**event, "outcome_label": OUTCOMES.get(event["outcome"], event["outcome"])}
