"""Runs: what each run read, the settings and policy it used, its counts and data quality.
Files are named as the drop names them (the drop folder's name, each file's path inside it):
the server's own paths are not shown. A name may name a person (``死亡人员补报（蒋桂兰5323…）.csv``):
below auditor its ID and account numbers and dates are masked (``api.masking.masked_field``),
as an uploaded payment list's name is; and every read of a run's files is logged."""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import Any

from fastapi import APIRouter, HTTPException, status

from api.auth import Principal
from api.deps import AccessLogDep, Analyst, SnapshotDep
from api.masking import mask_numbers, masked_field
from api.schemas import RunDetail, RunSummary
from api.storage import loads

router = APIRouter(prefix="/api/runs", tags=["runs"])
JSON_COLUMNS = ("counts", "inputs", "settings", "policy", "quality")
# A run's id as ``models.publish`` makes one (r-20261205-203000-1a2b): named as typed, though
# its digits in groups would read as an ID to ``mask_numbers``. Its day and time must be one:
# an ID typed in its shape (r-53232619-840811-9489) starts with no year and is masked.
RUN_ID_SHAPE = re.compile(
    r"r-(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])-(?:[01]\d|2[0-3])[0-5]\d[0-5]\d"
    r"-[0-9a-f]{4}"
)


def _decoded(row: dict[str, Any], principal: Principal) -> dict[str, Any]:
    """The run as ``principal`` may read it: files named inside the drop, masked below
    auditor."""
    decoded = row | {key: loads(row[key]) for key in JSON_COLUMNS if key in row}
    shown = str if principal.sees_full_ids else masked_field
    if row.get("data_dir"):
        drop = PurePath(row["data_dir"])
        decoded["data_dir"] = shown(drop.name)
        for item in decoded.get("inputs") or []:
            path = PurePath(item["path"])
            named = path.relative_to(drop) if path.is_relative_to(drop) else path.name
            item["path"] = shown(str(named))
    return decoded


@router.get("", response_model=list[RunSummary])
def list_runs(snapshot: SnapshotDep, principal: Analyst) -> list[dict[str, Any]]:
    """Every run, newest first; ``running`` marks one that has not published (or crashed)."""
    return [_decoded(row, principal) for row in snapshot.runs()]


@router.get("/{run_id}", response_model=RunDetail)
def run_detail(
    run_id: str, snapshot: SnapshotDep, access: AccessLogDep, principal: Analyst
) -> dict[str, Any]:
    """A run: the files it read (by name, masked below auditor), its settings, policy, counts
    and data quality. Every read is written to the access log."""
    row = snapshot.run(run_id)
    if row is None:
        shown = run_id if RUN_ID_SHAPE.fullmatch(run_id) else mask_numbers(run_id)
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"没有运行记录 {shown}")
    found = _decoded(row, principal)
    access.record(principal.name, principal.role, "read_run",
                  f"{len(found.get('inputs') or [])}个文件", run_id=run_id)  # fmt: skip
    return found
