"""Runs: what each run read, the settings and policy it used, its counts and data quality.
Files are named as the drop names them (the drop folder's name, each file's path inside it):
the server's own paths are not shown."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from fastapi import APIRouter, HTTPException, status

from api.deps import Analyst, SnapshotDep
from api.schemas import RunDetail, RunSummary
from api.storage import loads

router = APIRouter(prefix="/api/runs", tags=["runs"])
JSON_COLUMNS = ("counts", "inputs", "settings", "policy", "quality")


def _decoded(row: dict[str, Any]) -> dict[str, Any]:
    decoded = row | {key: loads(row[key]) for key in JSON_COLUMNS if key in row}
    if row.get("data_dir"):
        drop = PurePath(row["data_dir"])
        decoded["data_dir"] = drop.name
        for item in decoded.get("inputs") or []:
            path = PurePath(item["path"])
            item["path"] = str(path.relative_to(drop) if path.is_relative_to(drop) else path.name)
    return decoded


@router.get("", response_model=list[RunSummary])
def list_runs(snapshot: SnapshotDep, _: Analyst) -> list[dict[str, Any]]:
    """Every run, newest first; ``running`` marks one that has not published (or crashed)."""
    return [_decoded(row) for row in snapshot.runs()]


@router.get("/{run_id}", response_model=RunDetail)
def run_detail(run_id: str, snapshot: SnapshotDep, _: Analyst) -> dict[str, Any]:
    row = snapshot.run(run_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"没有运行记录 {run_id}")
    return _decoded(row)
