"""Risk scores for API consumers: per person, per case, and a bulk export (from memory)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request, status

from api.auth import Principal
from api.deps import (
    AccessLogDep,
    CountyDep,
    IdLookup,
    ScoreLookup,
    ScoreReader,
    SettingsDep,
    SnapshotDep,
    TownshipDep,
    json_response,
)
from api.masking import mask_id, mask_numbers
from api.published import CaseFilter, Published, id18_of
from api.schemas import CaseScore, CaseType, PersonScore, ScoreChanges, ScoreExport

router = APIRouter(prefix="/api/scores", tags=["scores"])
CASE_SCORE_FIELDS = ("case_id", "case_type", "risk_score", "status")
EXPORT_FIELDS = (*CASE_SCORE_FIELDS, "amount_at_risk", "counties", "person_ids", "run_id")
CHANGE_FIELDS = ("change", "previous_risk_score", "previous_amount_at_risk", "gone_reason",
                 "gone_label", "gone_run_id", "gone_at")  # fmt: skip
AFTER_QUERY = Query(max_length=64, description="the `next_after` of the previous page")


def _person(found: dict[str, Any] | None) -> dict[str, Any]:
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "该人员没有未结的疑点")
    cases = [{key: case[key] for key in CASE_SCORE_FIELDS} for case in found["cases"]]
    return {"person_id": found["person_id"], "risk_score": found["risk_score"], "cases": cases}


@router.get("/persons/{person_id}", response_model=PersonScore)
async def person_score(
    person_id: Annotated[str, Path(max_length=64)],
    snapshot: SnapshotDep,
    access: AccessLogDep,
    principal: ScoreLookup,
) -> Any:
    """The open cases of a person with a published open case (未结: neither resolved by data
    nor confirmed or dismissed), and the highest of their scores (404 for anyone else). No
    name, no ID number; every lookup is logged, and lookups per token are rate-limited (429
    with ``Retry-After``)."""
    found = snapshot.published.person(person_id=person_id)
    access.record(principal.name, principal.role, "score_by_person",
                  f"{person_id} {'有疑点' if found else '无疑点'}")  # fmt: skip
    return json_response(_person(found))


@router.get("/id-numbers/{id_number}", response_model=PersonScore)
async def score_by_id_number(
    id_number: Annotated[str, Path(min_length=15, max_length=40)],
    request: Request,
    snapshot: SnapshotDep,
    access: AccessLogDep,
    principal: IdLookup,
) -> Any:
    """The same, looked up by an ID number as the registries' rows are: 18 digits, or the
    old 15 (found under its 18-digit form), full-width or in groups. A number that is no
    valid ID (a wrong check digit, a bad date) is a 422 saying why: it cannot say whether
    anyone has a lead. Every lookup is logged with the person it resolved to (the number
    itself masked). Below auditor, lookups that find no open lead (an invalid number too)
    are counted per token and day: past ``id_lookup_misses_per_day`` (``doudi serve
    --id-lookup-misses-per-day``, 1,000 by default) a 429 until midnight, the refusal
    logged as ``suspected_enumeration``."""
    id18, problem = id18_of(id_number)
    if id18 is None:
        _missed(request, principal)
        access.record(principal.name, principal.role, "score_by_id_number",
                      f"{mask_id(id_number)} -> 无效号码")  # fmt: skip
        raise HTTPException(422, f"路径参数 id_number：不是有效的身份证号（{problem}），无法查询")
    found = snapshot.published.person(id18=id18)
    if found is None:
        _missed(request, principal)
    resolved = found["person_id"] if found else "无疑点"
    access.record(principal.name, principal.role, "score_by_id_number",
                  f"{mask_id(id18)} -> {resolved}")  # fmt: skip
    return json_response(_person(found))


def _missed(request: Request, principal: Principal) -> None:
    """Count a lookup by ID number that found no open lead against the caller's day."""
    if not principal.sees_full_ids:
        request.app.state.id_lookup_misses.add(principal.token_id or principal.name)


@router.get("/cases/{case_id}", response_model=CaseScore)
async def case_score(
    case_id: Annotated[str, Path(max_length=64)],
    snapshot: SnapshotDep,
    access: AccessLogDep,
    principal: ScoreReader,
) -> Any:
    """An open case's type, score and status (404 for a closed or unknown one: resolved by
    data, confirmed or dismissed); logged."""
    case = snapshot.published.cases.get(case_id)
    access.record(principal.name, principal.role, "score_by_case", case_id)
    if case is None or snapshot.published.closed(case_id):
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            f"没有未结的疑点 {mask_numbers(case_id)}（不存在、已因数据变化消除，或已核实为属实或不属实）",
        )
    summary = snapshot.published.summary(case)
    return json_response({key: summary[key] for key in CASE_SCORE_FIELDS})


@router.get("/export", response_model=ScoreExport)
async def export_scores(
    snapshot: SnapshotDep,
    settings: SettingsDep,
    access: AccessLogDep,
    principal: ScoreReader,
    county: CountyDep,
    township: TownshipDep,
    case_type: CaseType | None = None,
    min_score: Annotated[float | None, Query(ge=0, le=1)] = None,
    after: Annotated[str | None, AFTER_QUERY] = None,
    limit: Annotated[int, Query(ge=1)] = 500,
) -> Any:
    """Every open case's score (未结: a closed case is left out) in case_id order, a page at
    a time, of one type, county or township, or at least a score, when asked (each item's
    township as the views label it: 大姚县 城关 in a drop of several counties; when it was
    first raised, and the data month its amount is reckoned to): pass ``next_after`` back
    as ``after`` until it is null (on the last page, never on an empty one after it); an
    ``after`` that is no published case is refused (422), never read as the end. Keep the
    first page's ``feed_at`` for ``/api/scores/changes``. Every page is logged."""
    feed_at = datetime.now()
    limit = min(limit, settings.max_page_size)
    after = _cursor(snapshot.published, after)
    where = CaseFilter(case_type=case_type, township=township, county=county,
                       min_score=min_score, status="unclosed")  # fmt: skip
    total, items = snapshot.published.list_cases(where, sort="case_id", offset=0,
                                                 limit=limit + 1, after=after)  # fmt: skip
    items, following = items[:limit], items[limit:]  # one more case: is there a next page
    access.record(principal.name, principal.role, "export_scores",
                  f"after={after or '-'} {len(items)}条")  # fmt: skip
    published = snapshot.published
    rows = [_item(published, published.cases[item["case_id"]]) | {"status": item["status"]}
            for item in items]  # fmt: skip
    return json_response({"run_id": published.run_pair()[0], "feed_at": feed_at, "total": total,
                          "next_after": items[-1]["case_id"] if following else None,
                          "items": rows})  # fmt: skip


@router.get("/changes", response_model=ScoreChanges)
async def score_changes(
    snapshot: SnapshotDep,
    settings: SettingsDep,
    access: AccessLogDep,
    principal: ScoreReader,
    since: Annotated[
        str,
        Query(
            max_length=64,
            description="a published run's id (the feed as that run "
            "published it) or a moment, ISO 8601 (the `feed_at` of the last pull; a date "
            "alone is its midnight), in server time unless it names its zone",
        ),
    ],
    after: Annotated[str | None, AFTER_QUERY] = None,
    limit: Annotated[int, Query(ge=1)] = 500,
) -> Any:
    """What changed in the export since a consumer's last pull (``Published.feed_changes``),
    in case_id order, paged as the export is: leads new, changed (score or amount, with the
    previous values) and gone, each gone one with why (因数据变化消除, 政策或阈值调整 naming
    the run; 核实属实, 核实不属实) and when. Apply them as upserts and deletes: a ``since``
    earlier than the pull repeats a change, harmlessly. Every page is logged."""
    feed_at = datetime.now()
    published = snapshot.published
    moment = _moment(published, since)
    limit = min(limit, settings.max_page_size)
    after = _cursor(published, after)
    changes = published.feed_changes(moment)
    found = [case for case in changes if after is None or case["case_id"] > after]
    items, following = found[:limit], found[limit:]
    access.record(principal.name, principal.role, "score_changes",
                  f"since={since} after={after or '-'} {len(items)}条")  # fmt: skip
    rows = [_item(published, case) | {"status": published.status(case["case_id"])}
            | {key: case.get(key) for key in CHANGE_FIELDS} for case in items]  # fmt: skip
    return json_response({"run_id": published.run_pair()[0], "since": moment, "feed_at": feed_at,
                          "total": len(changes),
                          "next_after": items[-1]["case_id"] if following else None,
                          "items": rows})  # fmt: skip


def _cursor(published: Published, after: str | None) -> str | None:
    """A page's ``after``: None for the first page (absent or empty), else a published case
    id (422 for anything else: a cursor corrupted is never read as the end)."""
    if not after:
        return None
    if after not in published.cases:
        raise HTTPException(422, "查询参数 after：应为上一页的 next_after（一个已发布的疑点编号）")
    return after


def _moment(published: Published, since: str) -> datetime:
    """The moment ``since`` names: a published run's publication, or a time (server time;
    one with a zone is converted to it)."""
    finished = {run["run_id"]: run["finished_at"] for run in published.published_runs}
    if since in finished:
        return finished[since]
    try:  # a zone taking the moment past year 1 or 9999 overflows: refused as unread
        moment = datetime.fromisoformat(since)
        return moment.astimezone().replace(tzinfo=None) if moment.tzinfo else moment
    except (ValueError, OverflowError):
        raise HTTPException(422, "查询参数 since：应为已发布的运行编号，或日期时间"
                                 "（如 2026-12-07T08:00:00，上次拉取的 feed_at）") from None  # fmt: skip


def _item(published: Published, case: dict[str, Any]) -> dict[str, Any]:
    """A case as the consumers' feed serves it (no name, no ID number): its township as the
    views label it, the data month of its amount, when first raised."""
    return {key: case[key] for key in EXPORT_FIELDS if key != "status"} | {
        "township": published.township_of(case), "amount_as_of": published.amount_as_of(case),
        "first_raised": published.first_raised(published.cases[case["case_id"]]),
    }  # fmt: skip
