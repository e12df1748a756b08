"""Cases: the list with filters, the detail a reviewer decides on, decisions, assignments
(责任人 and 整改时限) and history, and reviewers' labels on the identity links of a case.

Reads come from the published snapshot in memory (``api.published``) and are ``async``:
no thread hop, no query. Recording a decision, an assignment or a label writes to DuckDB and
is a sync route; each is stored with the caller's token id and written to the access log
(hash-chained) once stored.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, HTTPException, Query, status

from api.deps import (
    AccessLogDep,
    Auditor,
    CountyDep,
    Reviewer,
    ReviewsDep,
    SettingsDep,
    SnapshotDep,
    TownshipDep,
    VillageDep,
    answered,
    event_version,
    json_response,
)
from api.masking import holds_id_number, mask_numbers, mask_typed, masked
from api.published import SORT_KEYS, CaseFilter, id18_of
from api.schemas import (
    AssignmentIn,
    CaseDetail,
    CaseList,
    CaseType,
    DecisionEvent,
    DecisionIn,
    LinkLabel,
    LinkLabelIn,
)
from api.seals import sealed

router = APIRouter(prefix="/api/cases", tags=["cases"])
StatusFilter = Literal[
    "open", "in_review", "confirmed", "dismissed", "field_check", "resolved", "unclosed"
]


@router.get("", response_model=CaseList)
async def list_cases(
    snapshot: SnapshotDep,
    settings: SettingsDep,
    access: AccessLogDep,
    principal: Reviewer,
    county: CountyDep,
    township: TownshipDep,
    village: VillageDep,
    case_type: CaseType | None = None,
    min_score: Annotated[float | None, Query(ge=0, le=1)] = None,
    max_score: Annotated[float | None, Query(ge=0, le=1)] = None,
    status_: Annotated[
        StatusFilter | None,
        Query(
            alias="status",
            description="a review status; resolved (by data); unclosed (未结: neither resolved "
            "by data nor confirmed or dismissed). Without it, every case not resolved by data, "
            "and those confirmed (属实) before data resolved them (resolved_by_data true)",
        ),
    ] = None,
    run_id: Annotated[
        str | None, Query(description="the cases of one run, as it raised them")
    ] = None,
    overdue: Annotated[
        bool | None,
        Query(
            description="true: only cases past their 整改时限 and not closed (逾期); false: others"
        ),
    ] = None,
    who: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=40,
            description="a name, 救助证号, record id or case id on one of the case's rows, "
            "exactly; a text holding an ID number (an ID, DB and an ID) only for roles that "
            "see them (a search is logged, a refused one too)",
        ),
    ] = None,
    sort: Literal[tuple(SORT_KEYS)] = "risk",  # type: ignore[valid-type]
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1)] = 50,
    after: Annotated[
        str | None,
        Query(
            max_length=64,
            description="the `next_after` of the previous page: the page starts after that "
            "case in `sort` order, so that cases decided or closed meanwhile skip or repeat "
            "none (with `offset`, cases skipped after it)",
        ),
    ] = None,
) -> Any:
    """Cases, highest risk first by default; ``total`` counts every page. Page with
    ``next_after`` (``after``): a page by ``offset`` skips a case when one on an earlier page
    is closed meanwhile (it leaves ``status=unclosed``). No person is named
    (a 责任人 is staff, and any number typed into it is masked below auditor). A search for a
    person (``who``) says whether he has a lead: it is logged, and a text holding an ID or
    account number (an ID, a 救助证号 made of ``DB`` and an ID) is sought only for roles that
    see ID numbers: others would confirm a masked one (403, logged as refused); for them a
    case number or record id matches only where their masks leave it whole."""
    limit = min(limit, settings.max_page_size)
    who = who.strip() if who else None
    if who and holds_id_number(who) and not principal.sees_full_ids:
        access.record(principal.name, principal.role, "search_cases_refused", mask_typed(who))
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "按身份证号、银行账号等长号码（或含这些号码的救助证号等）查找疑点仅限审计员",
        )
    if who:
        access.record(principal.name, principal.role, "search_cases", mask_typed(who))
        who = _as_id_number(who) if principal.sees_full_ids else who
    where = CaseFilter(case_type, township, village, min_score, max_score, status_, run_id,
                       overdue, county, who, principal.sees_full_ids)  # fmt: skip
    if after is not None and after not in snapshot.published.cases:
        raise HTTPException(422, "查询参数 after：应为上一页的 next_after（一个已发布的疑点编号）")
    total, items = snapshot.published.list_cases(where, sort=sort, offset=offset,
                                                 limit=limit + 1, after=after)  # fmt: skip
    items, following = items[:limit], items[limit:]  # one more case: is there a next page
    next_after = items[-1]["case_id"] if following else None
    return json_response({"total": total, "offset": offset, "limit": limit,
                          "next_after": next_after, "items": masked(items, principal)})  # fmt: skip


def _as_id_number(who: str) -> str:
    """``who`` as the rows hold an ID number when it is one written otherwise (in groups,
    full-width, with dashes: as the consumer's ID lookup reads it); else as typed."""
    if who.isascii() and who.isalnum():
        return who
    return id18_of(who)[0] or who


@router.get("/{case_id}", response_model=CaseDetail)
async def case_detail(
    case_id: str, snapshot: SnapshotDep, access: AccessLogDep, principal: Reviewer
) -> Any:
    """A case with its evidence, the rows of every registry involved, the identity links and
    the household subgraph, its history, and for a case resolved by data why. Every read is
    logged. The ``ETag`` is the case's latest event: send it back as ``If-Match`` with a
    decision, so that any event recorded meanwhile (a colleague's note too) is a 412."""
    if case_id not in snapshot.published.cases:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"没有疑点 {mask_numbers(case_id)}")
    access.record(principal.name, principal.role, "read_case", case_id)
    if principal.sees_full_ids:
        response = json_response(snapshot.published.case_json(case_id))
    else:
        response = json_response(masked(snapshot.published.case(case_id), principal))
    response.headers["ETag"] = f'"{snapshot.published.last_event_id(case_id)}"'
    return response


@router.get("/{case_id}/history", response_model=list[DecisionEvent])
async def case_history(
    case_id: str, snapshot: SnapshotDep, access: AccessLogDep, principal: Reviewer
) -> Any:
    """Every event of the case, oldest first (append-only): decisions, and labels on its
    rows. Every read is logged."""
    if case_id not in snapshot.published.cases:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"没有疑点 {mask_numbers(case_id)}")
    access.record(principal.name, principal.role, "read_history", case_id)
    return json_response(masked(snapshot.published.history.get(case_id, []), principal))


@router.post(
    "/{case_id}/decisions", response_model=DecisionEvent, status_code=status.HTTP_201_CREATED
)
def record_decision(
    case_id: str,
    decision: DecisionIn,
    reviews: ReviewsDep,
    access: AccessLogDep,
    principal: Auditor,
    if_match: Annotated[
        str | None, Header(description="the case's ETag as read: 412 if it has changed")
    ] = None,
) -> dict[str, Any]:
    """Move the case to a status (or stay, to add a note). 不属实 needs a reason, and so does
    reopening a decided case (属实 or 不属实 to another status); a stale
    ``expected_status`` or a transition the workflow does not allow is a 409, a stale
    ``If-Match`` a 412. The event keeps the caller's token id; the access log says so."""
    with answered():
        event = reviews.record_decision(
            case_id, actor=principal.name, role=principal.role, to_status=decision.to_status,
            note=decision.note, reason=decision.reason, expected_status=decision.expected_status,
            expected_event=event_version(if_match), token_id=principal.token_id,
        )  # fmt: skip
    access.record(principal.name, principal.role, "record_decision",
                  f"{case_id} {sealed('event', event['event_id'], event['seal'])} "
                  f"{event['from_status']}→{event['to_status']}")  # fmt: skip
    return event


@router.post(
    "/{case_id}/assignments", response_model=DecisionEvent, status_code=status.HTTP_201_CREATED
)
def record_assignment(
    case_id: str, assignment: AssignmentIn, reviews: ReviewsDep, access: AccessLogDep,
    principal: Auditor,
) -> dict[str, Any]:  # fmt: skip
    """指派: name who is responsible for the case (责任人) and by when it is to be dealt with
    (整改时限, today or later: an earlier day is a 422). The assignment is appended to the
    case's history; a later one supersedes it, and the case's status stays. A case past its
    整改时限 and not closed is overdue (逾期: ``GET /api/cases?overdue=true``). The event keeps
    the caller's token id; the access log says so."""
    with answered():
        event = reviews.record_assignment(
            case_id, actor=principal.name, role=principal.role, assignee=assignment.assignee,
            due_date=assignment.due_date, note=assignment.note, token_id=principal.token_id,
        )  # fmt: skip
    access.record(principal.name, principal.role, "record_assignment",
                  f"{case_id} {sealed('event', event['event_id'], event['seal'])} "
                  f"整改时限 {event['due_date']}")  # fmt: skip
    return event


@router.post(
    "/{case_id}/link-labels", response_model=LinkLabel, status_code=status.HTTP_201_CREATED
)
def label_link(
    case_id: str, label: LinkLabelIn, reviews: ReviewsDep, access: AccessLogDep,
    principal: Reviewer,
) -> dict[str, Any]:  # fmt: skip
    """Say whether two person rows of the case are the same person (同一人) or not
    (不是同一人). Labels are kept across re-runs and shown in the case's history; the next
    run links or separates the rows accordingly, and enough of them re-estimate the matching
    model. A label that would change how an open case's rows are linked needs an auditor
    (403 otherwise); parting two rows with the same valid ID number waits for a second
    auditor (``pending`` until then). The case's history event keeps the caller's token id;
    the access log says so."""
    with answered():
        stored = reviews.record_link_label(
            case_id, left=label.left, right=label.right, same_person=label.same_person,
            actor=principal.name, role=principal.role, note=label.note,
            token_id=principal.token_id,
        )  # fmt: skip
    verdict = "同一人" if stored["same_person"] else "不是同一人"
    event = stored["event"]
    access.record(principal.name, principal.role, "record_link_label",
                  f"{case_id} {sealed('label', stored['label_id'], stored['seal'])} "
                  f"{stored['unique_id_l']} {stored['unique_id_r']} {verdict} "
                  f"{sealed('event', event['event_id'], event['seal'])}")  # fmt: skip
    return stored


@router.get("/{case_id}/link-labels", response_model=list[LinkLabel])
def link_labels(
    case_id: str, reviews: ReviewsDep, access: AccessLogDep, principal: Reviewer
) -> list[dict[str, Any]]:
    """Every label on pairs of the case's person rows, oldest first. Every read is logged."""
    with answered():
        found = reviews.link_labels(case_id)
    access.record(principal.name, principal.role, "read_link_labels", case_id)
    return masked(found, principal)
