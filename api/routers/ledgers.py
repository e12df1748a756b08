"""The overview of open cases (with the month's changes), and the ledgers (台账) and the
monthly report as XLSX."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Response

from api.deps import (
    AccessLogDep,
    CountyDep,
    Reviewer,
    SnapshotDep,
    TownshipDep,
    answered,
    json_response,
)
from api.labels import CASE_LABELS
from api.ledgers import (
    ledger_households,
    ledger_size,
    ledger_workbook,
    summary_rows,
    summary_workbook,
)
from api.liangping_forms import liangping_form
from api.monthly_report import monthly_report
from api.period_report import period_movements, period_report_workbook
from api.schemas import CaseType, Overview

router = APIRouter(prefix="/api", tags=["ledgers"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/overview", response_model=Overview)
async def overview(snapshot: SnapshotDep, _: Reviewer) -> Any:
    """Open cases and amount at risk by case type and by township, cases by review status;
    the month's changes (本月变化: the latest published run against the one before, per
    township: new, resolved by data, still raised) and the count of overdue cases (逾期未处置)."""
    return json_response(snapshot.published.overview())


@router.get("/ledgers/summary.xlsx", response_class=Response)
def summary_ledger(
    snapshot: SnapshotDep, access: AccessLogDep, principal: Reviewer, county: CountyDep
) -> Response:
    """The township summary (汇总表), of one county of a province drop when asked. The
    download is written to the access log."""
    published = snapshot.published
    content = summary_workbook(published, county)
    townships = max(len(summary_rows(published, county)) - 1, 0)  # less the 合计 row
    access.record(principal.name, principal.role, "download_ledger",
                  f"summary 全部 {townships}行{_of(county)}")  # fmt: skip
    return _xlsx(content, f"{county or ''}兜底疑点汇总表.xlsx")


# Declared before ``/ledgers/{case_type}.xlsx``, which would otherwise take the path.
@router.get("/ledgers/movements.xlsx", response_class=Response)
def movements_ledger(
    snapshot: SnapshotDep,
    access: AccessLogDep,
    principal: Reviewer,
    start: Annotated[date, Query(alias="from", description="起始日期（含），YYYY-MM-DD")],
    end: Annotated[date, Query(alias="to", description="截止日期（含），YYYY-MM-DD")],
    county: CountyDep,
) -> Response:
    """新纳入和退出低保、特困人员分类梳理表: who entered and who left 低保 and 特困 between
    ``from`` and ``to`` (both included), by township and reason — a summary sheet and the two
    lists. The reasons are inferred from the registries (据数据推断，需核实). ID numbers are
    masked for roles that may not see them; every text is a text cell, never a formula. Of
    one county of a province drop when asked. The download (period, rows, county) is written
    to the access log. A start after the end is a 422."""
    with answered():
        movements = period_movements(snapshot.store.cursor, start, end, county)
    content = period_report_workbook(movements, start, end, masked=not principal.sees_full_ids)
    access.record(principal.name, principal.role, "download_ledger",
                  f"movements {start}~{end} {len(movements)}行{_of(county)}")  # fmt: skip
    return _xlsx(content, f"{county or ''}{start}至{end}新纳入和退出低保特困人员分类梳理表.xlsx")


# Declared before ``/ledgers/{case_type}.xlsx`` too.
@router.get("/ledgers/monthly.xlsx", response_class=Response)
def monthly_ledger(
    snapshot: SnapshotDep, access: AccessLogDep, principal: Reviewer, county: CountyDep
) -> Response:
    """月度分析报告 (一月一分析一报告): the latest published run against the one before — 汇总
    (per case type: new, resolved by data, still raised; the cases confirmed in the period and
    their reported amounts as 追回/止付金额), 逾期未处置, 超过30天未处置 and 乡镇变化. It names
    no person of the cases; a number typed into a 责任人 is masked for roles that may not see
    it; every text is a text cell, never a formula. Of one county of a province drop when
    asked (the 兴安盟 banner's own comparison). The download (run, rows of the two lists,
    county) is written to the access log."""
    report = monthly_report(snapshot.published.of_county(county),
                            masked=not principal.sees_full_ids, county=county)  # fmt: skip
    access.record(principal.name, principal.role, "download_ledger",
                  f"monthly 逾期{report.overdue}行 超过30天{report.long_open}行{_of(county)}",
                  run_id=report.run_id)  # fmt: skip
    return _xlsx(report.content,
                 f"{county or ''}{date.today():%Y年%m月}兜底疑点月度分析报告.xlsx")  # fmt: skip


# Declared before ``/ledgers/{case_type}.xlsx`` too.
@router.get("/ledgers/liangping/{form}.xlsx", response_class=Response)
def liangping_ledger(
    form: Annotated[int, Path(ge=1, le=4, description="附件编号：1–4")],
    snapshot: SnapshotDep,
    access: AccessLogDep,
    principal: Reviewer,
    county: CountyDep,
) -> Response:
    """梁平表式附件1–4: 1 未脱贫 (with 返贫), 2 边缘户, 3 脱贫监测户 — 社会救助兜底脱贫调查摸排台账,
    every member of the 建档立卡 group whether enrolled or not, a sheet per township, 通过排查拟纳入救助
    and 未纳入原因 from the reviewers' decisions; 4 城乡低保摸排处理汇总表, per township. ID and
    phone numbers are masked for roles that may not see them; every text is a text cell, never
    a formula. Of one county of a province drop when asked. The download (form, rows,
    county) is written to the access log."""
    with answered():
        filled = liangping_form(snapshot.store.cursor, snapshot.published, form,
                                masked=not principal.sees_full_ids, county=county)  # fmt: skip
    access.record(principal.name, principal.role, "download_ledger",
                  f"liangping附件{form} {filled.rows}行{_of(county)}")  # fmt: skip
    return _xlsx(filled.content, filled.name)


@router.get("/ledgers/{case_type}.xlsx", response_class=Response)
def case_ledger(
    case_type: CaseType,
    snapshot: SnapshotDep,
    access: AccessLogDep,
    principal: Reviewer,
    county: CountyDep,
    township: TownshipDep,
) -> Response:
    """The 摸排台账 of one case type, a sheet per township, of one county of a province drop
    when asked (ID numbers masked for roles that may not see them). Every text is a text
    cell, never a formula. The download (type, county, township, rows) is written to the
    access log."""
    published = snapshot.published
    households = ledger_households(snapshot.store.cursor)  # 家庭人数 off any roster
    content = ledger_workbook(published, case_type, township=township, county=county,
                              masked=not principal.sees_full_ids,
                              households=households)  # fmt: skip
    rows = ledger_size(published, case_type, township, county)
    access.record(principal.name, principal.role, "download_ledger",
                  f"{case_type} {township or '全部'} {rows}行{_of(county)}")  # fmt: skip
    return _xlsx(content, f"{county or ''}{township or ''}{CASE_LABELS[case_type]}摸排台账.xlsx")


def _of(county: str | None) -> str:
    """The county a download was of, for the access log (nothing for every county)."""
    return f" 区县 {county}" if county else ""


def _xlsx(content: bytes, filename: str) -> Response:
    disposition = f"attachment; filename*=UTF-8''{quote(filename)}"
    return Response(content, media_type=XLSX, headers={"Content-Disposition": disposition})
