"""The overview of open cases, and the ledgers (台账) as XLSX."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Response

from api.deps import AccessLogDep, Reviewer, SnapshotDep, json_response
from api.labels import CASE_LABELS
from api.ledgers import ledger_size, ledger_workbook, summary_rows, summary_workbook
from api.schemas import CaseType, Overview

router = APIRouter(prefix="/api", tags=["ledgers"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/overview", response_model=Overview)
async def overview(snapshot: SnapshotDep, _: Reviewer) -> Any:
    """Open cases and amount at risk by case type and by township, cases by review status."""
    return json_response(snapshot.published.overview())


@router.get("/ledgers/summary.xlsx", response_class=Response)
def summary_ledger(snapshot: SnapshotDep, access: AccessLogDep, principal: Reviewer) -> Response:
    """The township summary (汇总表). The download is written to the access log."""
    published = snapshot.published
    content = summary_workbook(published)
    townships = max(len(summary_rows(published)) - 1, 0)  # less the 合计 row
    access.record(principal.name, principal.role, "download_ledger", f"summary 全部 {townships}行")
    return _xlsx(content, "兜底疑点汇总表.xlsx")


@router.get("/ledgers/{case_type}.xlsx", response_class=Response)
def case_ledger(
    case_type: CaseType,
    snapshot: SnapshotDep,
    access: AccessLogDep,
    principal: Reviewer,
    township: Annotated[str | None, Query()] = None,
) -> Response:
    """The 摸排台账 of one case type, a sheet per township (ID numbers masked for roles that
    may not see them). Every text is a text cell, never a formula. The download (type,
    township, rows) is written to the access log."""
    published = snapshot.published
    content = ledger_workbook(published, case_type, township=township,
                              masked=not principal.sees_full_ids)  # fmt: skip
    rows = ledger_size(published, case_type, township)
    access.record(principal.name, principal.role, "download_ledger",
                  f"{case_type} {township or '全部'} {rows}行")  # fmt: skip
    return _xlsx(content, f"{township or ''}{CASE_LABELS[case_type]}摸排台账.xlsx")


def _xlsx(content: bytes, filename: str) -> Response:
    disposition = f"attachment; filename*=UTF-8''{quote(filename)}"
    return Response(content, media_type=XLSX, headers={"Content-Disposition": disposition})
