"""Screenings (发放前审核): a month's payment list uploaded by an auditor, screened before it
goes to the bank and stored; the list of screenings, the held lines of one, and an auditor's
clearing of a held line (an event: nothing is deleted). A hold (暂缓) is a prompt to check
before paying, never a stop order.

Every upload, every read of a screening's held lines, every clearing of a held line and every
download of the list written back is written to the access log. Screening and writing are sync routes (DuckDB's work).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import (
    APIRouter,
    File,
    Path,
    Query,
    Response,
    UploadFile,
    status,
)

from api.auth import Principal
from api.deps import AccessLogDep, Auditor, Reviewer, ScreeningsDep, answered
from api.masking import masked
from api.schemas import ClearIn, ScreeningDetail, ScreeningEvent, ScreeningSummary
from api.screenings import safe_name

router = APIRouter(prefix="/api/screenings", tags=["screenings"])
ScreeningId = Annotated[int, Path(ge=1, le=2**62, description="发放前审核编号")]
LineNo = Annotated[int, Path(ge=1, le=2**31 - 1, description="暂缓记录在发放表中的序号")]
MEDIA = {".csv": "text/csv; charset=utf-8", ".tsv": "text/tab-separated-values",
         ".txt": "text/plain",
         ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12"}  # fmt: skip


@router.post("", response_model=ScreeningSummary, status_code=status.HTTP_201_CREATED)
def upload(
    file: Annotated[UploadFile, File(description="发放表：CSV 或 XLSX，如各乡镇导出的原样")],
    screenings: ScreeningsDep,
    access: AccessLogDep,
    principal: Auditor,
    county: Annotated[
        str | None, Query(description="the county the list is of (a province's database)")
    ] = None,
) -> dict[str, Any]:
    """Screen a payment list (发放表) against the published run, month by month, and store
    the screening: who, when, the file's name, months, counts, and each held line with its
    reasons (the file itself and full ID numbers are not kept). The list written back with
    审核结果 and 暂缓原因 can be downloaded from ``file_url`` while the server holds it. A file
    that cannot be used is a 422 naming file, sheet, rows and column, in Chinese. Bodies up
    to 20 MB are read on this route. The upload is written to the access log, whether it is
    screened, refused or fails."""
    content = file.file.read()
    try:
        with answered():
            found = screenings.screen(content, file.filename or "", actor=principal.name,
                                      role=principal.role, county=county)  # fmt: skip
    except Exception as error:  # a refused upload is logged too, and a failed one
        status_code = getattr(error, "status_code", 500)
        access.record(principal.name, principal.role, "screen_payments",
                      f"{safe_name(file.filename)} 未能审核 {status_code}")  # fmt: skip
        raise
    access.record(principal.name, principal.role, "screen_payments",
                  f"screening {found['screening_id']} {found['file_name']} "
                  f"{found['lines']}行 暂缓{found['held']}行")  # fmt: skip
    return found


@router.get("", response_model=list[ScreeningSummary])
def list_screenings(
    screenings: ScreeningsDep, access: AccessLogDep, principal: Reviewer
) -> list[dict[str, Any]]:
    """Every screening, newest first, with its counts (lines, 通过, 暂缓 by reason, per month,
    held lines cleared); logged."""
    found = screenings.list()
    access.record(principal.name, principal.role, "list_screenings", f"{len(found)}次审核")
    return [_shown(summary, principal) for summary in found]


@router.get("/{screening_id}", response_model=ScreeningDetail)
def screening_detail(
    screening_id: ScreeningId, screenings: ScreeningsDep, access: AccessLogDep,
    principal: Reviewer,
) -> dict[str, Any]:  # fmt: skip
    """A screening and its held lines in the list's order: position, sheet and row, case
    number, month, amount, reasons with their evidence, status (待核实, 核实后放行, 确认暂缓)
    and the events clearing it; reviewers' notes are hidden from analysts. Every read is
    written to the access log."""
    with answered():
        found = screenings.detail(screening_id)
    access.record(principal.name, principal.role, "read_screening",
                  f"screening {screening_id} {len(found['items'])}行")  # fmt: skip
    return _shown(found, principal)


def _shown(found: dict[str, Any], principal: Principal) -> dict[str, Any]:
    """A screening as ``principal`` may read it: below auditor every text masked
    (``api.masking.masked``: a screening stored before its sheet names and notes were masked
    is masked here too) and reviewers' notes hidden; the note that a hold is no stop order
    as it is."""
    if principal.sees_full_ids:
        return found
    return masked(found, principal) | {"note": found["note"]}


@router.post(
    "/{screening_id}/lines/{line_no}/clear",
    response_model=ScreeningEvent,
    status_code=status.HTTP_201_CREATED,
)
def clear_line(
    screening_id: ScreeningId, line_no: LineNo, body: ClearIn, screenings: ScreeningsDep,
    access: AccessLogDep, principal: Auditor,
) -> dict[str, Any]:  # fmt: skip
    """Clear a held line after checking it: 核实后放行 (``released``) or 确认暂缓 (``kept``),
    with a note. An event is appended with the caller's token id, and written to the access
    log; the line stays listed with its status and history."""
    with answered():
        event = screenings.clear(screening_id, line_no, outcome=body.outcome, note=body.note,
                                 actor=principal.name, role=principal.role,
                                 token_id=principal.token_id)  # fmt: skip
    access.record(principal.name, principal.role, "clear_screening_line",
                  f"screening {screening_id} 第{line_no}条 {event['outcome_label']} "
                  f"事件 {event['event_id']}")  # fmt: skip
    return event


@router.get("/{screening_id}/file", response_class=Response)
def screened_file(
    screening_id: ScreeningId, screenings: ScreeningsDep, access: AccessLogDep,
    principal: Auditor,
) -> Response:  # fmt: skip
    """The list written back (same format, same rows, 审核结果 and 暂缓原因 added), while the
    server holds it (the latest few screenings; 404 after a restart). The download is written
    to the access log."""
    with answered():
        name, content = screenings.file(screening_id)
    access.record(principal.name, principal.role, "download_screening",
                  f"screening {screening_id} {name}")  # fmt: skip
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    disposition = f"attachment; filename*=UTF-8''{quote('审核-' + name)}"
    return Response(content, media_type=MEDIA.get(suffix, "application/octet-stream"),
                    headers={"Content-Disposition": disposition})  # fmt: skip
