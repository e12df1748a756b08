"""FastAPI dependencies: the storage's parts, the settings, the access log and the caller's role;
and the JSON response of reads served from memory."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Query, Request, Response

from api.analysis import Analysis
from api.audit import AccessLog
from api.auth import Principal, require
from api.reviews import DecisionError, Reviews
from api.screenings import Screenings
from api.settings import ApiSettings
from api.snapshot import Snapshot
from api.tokens import TokenError, TokenStore
from models.publish import json_value
from resolver.errors import DoudiError
from resolver.normalize import normalize_township


async def get_snapshot(request: Request) -> Snapshot:
    """The published snapshot (``api.snapshot``), for the request.

    Parameters
    ----------
    request : Request
        The request.

    Returns
    -------
    Snapshot
        The app's part of the storage.
    """
    return request.app.state.storage.snapshot


async def get_reviews(request: Request) -> Reviews:
    """The decisions and link labels (``api.reviews``), for the request.

    Parameters
    ----------
    request : Request
        The request.

    Returns
    -------
    Reviews
        The app's part of the storage.
    """
    return request.app.state.storage.reviews


async def get_tokens(request: Request) -> TokenStore:
    """The bearer tokens (``api.tokens``), for the request.

    Parameters
    ----------
    request : Request
        The request.

    Returns
    -------
    TokenStore
        The app's part of the storage.
    """
    return request.app.state.storage.tokens


async def get_analysis(request: Request) -> Analysis:
    """The analysts' what-if and triage (``api.analysis``), for the request.

    Parameters
    ----------
    request : Request
        The request.

    Returns
    -------
    Analysis
        The app's part of the storage.
    """
    return request.app.state.storage.analysis


async def get_screenings(request: Request) -> Screenings:
    """The stored screenings of payment lists (``api.screenings``), for the request.

    Parameters
    ----------
    request : Request
        The request.

    Returns
    -------
    Screenings
        The app's part of the storage.
    """
    return request.app.state.storage.screenings


async def get_settings(request: Request) -> ApiSettings:
    """The server's settings, for the request.

    Parameters
    ----------
    request : Request
        The request.

    Returns
    -------
    ApiSettings
        The app's settings.
    """
    return request.app.state.settings


async def get_access_log(request: Request) -> AsyncIterator[AccessLog]:
    """The access log, for the request: entries it records are committed before its response
    is sent (``AccessLogDep`` ends with the route function, before the response).

    Parameters
    ----------
    request : Request
        The request.

    Yields
    ------
    AccessLog
        The app's access log.
    """
    async with request.app.state.access_log.durable() as access:
        yield access


async def score_lookup(request: Request, principal: ScoreReader) -> Principal:
    """A score reader whose lookups this minute are within the limit (429 beyond it).

    Parameters
    ----------
    request : Request
        The request.
    principal : Principal
        The authenticated caller, a consumer or an auditor.

    Returns
    -------
    Principal
        The same caller; a 429 with ``Retry-After`` when over the per-minute limit.
    """
    retry_after = request.app.state.score_limiter.wait(principal.token_id or principal.name)
    if retry_after:
        raise HTTPException(
            429, "查询过于频繁，请稍后再试",
            headers={"Retry-After": str(retry_after)},
        )  # fmt: skip
    return principal


async def id_lookup(request: Request, principal: ScoreLookup, access: AccessLogDep) -> Principal:
    """A score reader who may look a person up by ID number: an auditor, or a caller whose
    lookups today that found no open lead are under ``id_lookup_misses_per_day`` (429 past
    it until midnight, noted as ``suspected_enumeration`` in the access log once a minute).

    Parameters
    ----------
    request : Request
        The request.
    principal : Principal
        The caller, within the per-minute limit.
    access : AccessLog
        Where a refusal is noted.

    Returns
    -------
    Principal
        The same caller.
    """
    misses = request.app.state.id_lookup_misses
    caller = principal.token_id or principal.name
    if principal.sees_full_ids or not misses.reached(caller):
        return principal
    if request.app.state.enumeration_noted.first_refusal(caller):
        access.record(principal.name, principal.role, "suspected_enumeration",
                      f"今日按身份证号查询未查到未结疑点 {misses.per_day} 次，已达上限，疑似逐个试号")  # fmt: skip
    raise HTTPException(
        429, f"本令牌今日按身份证号查询、未查到未结疑点的次数已达上限（{misses.per_day} 次），"
        "疑似逐个试号，已记入访问日志：今日起按身份证号的查询（包括有疑点的人员）一律暂停，请明日再试；"
        "核对整份发放名单请用发放前审核（确需更多请联系管理员调高上限）",
        headers={"Retry-After": str(misses.seconds_left())},
    )  # fmt: skip


def json_response(body: Any) -> Response:
    """``body`` (or JSON text) as JSON: reads already hold the shape their
    ``response_model`` documents, so they skip its validation, which would cost more than
    the read.

    Parameters
    ----------
    body : Any
        The value to send, or text already in JSON.

    Returns
    -------
    Response
        An ``application/json`` response of it.
    """
    text = (
        body if isinstance(body, str) else json.dumps(body, ensure_ascii=False, default=json_value)
    )
    return Response(text, media_type="application/json")


# The HTTP answer to each kind of ``DecisionError``: the one place errors become HTTP.
HTTP_STATUS = {
    "invalid": 422,
    "missing": 404,
    "conflict": 409,
    "stale": 412,
    "forbidden": 403,
    "busy": 429,
}


@contextmanager
def answered() -> Iterator[None]:
    """A ``DecisionError`` or ``TokenError`` of the storage as the HTTP error of its kind
    (``HTTP_STATUS``); a ``busy`` one (``api.analysis.BusyError``) with its ``Retry-After``
    header.

    Yields
    ------
    None
        The block whose storage errors are answered.
    """
    try:
        yield
    except (DecisionError, TokenError) as error:
        retry_after = getattr(error, "retry_after", None)  # busy: when to ask again
        headers = {"Retry-After": str(retry_after)} if retry_after else None
        raise HTTPException(HTTP_STATUS[error.kind], error.message, headers=headers) from error


def event_version(if_match: str | None) -> int | None:
    """The case version an ``If-Match`` header names (an ``ETag`` of a case detail).

    Parameters
    ----------
    if_match : str or None
        The header as sent, e.g. ``"12"`` or ``W/"12"``.

    Returns
    -------
    int or None
        The event id, None when no header was sent; an unreadable header is a 412.
    """
    if if_match is None:
        return None
    text = if_match.strip().removeprefix("W/").strip('"')
    if not re.fullmatch(r"[0-9]{1,18}", text):
        raise HTTPException(412, "If-Match 不是本案的版本号：应为本案详情的 ETag")
    return int(text)


SnapshotDep = Annotated[Snapshot, Depends(get_snapshot)]


def known_township(
    snapshot: SnapshotDep, township: Annotated[str | None, Depends(township_as_stored)]
) -> str | None:
    """The ``township`` filter (``township_as_stored``), refused (422, naming the drop's
    townships nearest it) when no case or person of the drop is of it: an empty workbook, page
    or feed would read as a township without leads.

    Parameters
    ----------
    snapshot : Snapshot
        The published snapshot.
    township : str or None
        The township asked for, as stored; None for all.

    Returns
    -------
    str or None
        The township as stored; None for None.
    """
    return _known_place(snapshot, "township", township)


def known_village(
    snapshot: SnapshotDep,
    village: Annotated[
        str | None, Query(description="a village (村、社区) as the drop writes it")
    ] = None,
) -> str | None:
    """The ``village`` filter, refused (422) as ``known_township`` refuses a township.

    Parameters
    ----------
    snapshot : Snapshot
        The published snapshot.
    village : str or None
        The village asked for; None for all.

    Returns
    -------
    str or None
        The village; None for None.
    """
    return _known_place(snapshot, "village", village.strip() if village else None)


def _known_place(snapshot: Snapshot, name: str, asked: str | None) -> str | None:
    """``Published.known_place``, its refusal a 422."""
    try:
        return snapshot.published.known_place(name, asked)
    except DoudiError as error:
        raise HTTPException(422, str(error)) from error


def known_county(
    snapshot: SnapshotDep,
    county: Annotated[
        str | None, Query(description="only the cases of this county (a province drop)")
    ] = None,
) -> str | None:
    """The ``county`` a download or the case queue is of, by its division code or its name
    (``Published.resolve_county``, from the aliases read once with the run), refused (422,
    naming the drop's counties) when the drop holds no such county: an empty workbook or
    queue would read as a county without leads.

    Parameters
    ----------
    snapshot : Snapshot
        The published snapshot.
    county : str or None
        The county asked for, or None for all.

    Returns
    -------
    str or None
        The county as the drop stores it; None for None.
    """
    try:
        return snapshot.published.resolve_county(county)
    except DoudiError as error:
        raise HTTPException(422, str(error)) from error


def township_as_stored(
    township: Annotated[
        str | None, Query(description="a township, as the office writes it (回龙镇) or not (回龙)")
    ] = None,
) -> str | None:
    """A township asked for as ingest stores it: without 镇, 乡, 街道 (回龙镇 is 回龙); after
    its county's name as the views of a drop of several counties label it (大姚县 城关).

    Parameters
    ----------
    township : str or None
        The township asked for, or None for all.

    Returns
    -------
    str or None
        The township as stored.

    Examples
    --------
    >>> township_as_stored("回龙镇"), township_as_stored("回龙"), township_as_stored(None)
    ('回龙', '回龙', None)
    >>> township_as_stored("大姚县 城关镇")  # a drop of several counties labels it so
    '大姚县 城关'
    """
    if township is None:
        return None
    county, _, place = township.strip().rpartition(" ")  # 大姚县 城关镇: as the views label it
    (stored,), _ = normalize_township(place)
    return f"{county} {stored or place}" if county else stored or place


ReviewsDep = Annotated[Reviews, Depends(get_reviews)]
TokensDep = Annotated[TokenStore, Depends(get_tokens)]
AnalysisDep = Annotated[Analysis, Depends(get_analysis)]
ScreeningsDep = Annotated[Screenings, Depends(get_screenings)]
SettingsDep = Annotated[ApiSettings, Depends(get_settings)]
AccessLogDep = Annotated[AccessLog, Depends(get_access_log, scope="function")]
Reviewer = Annotated[Principal, Depends(require("auditor", "analyst"))]
Auditor = Annotated[Principal, Depends(require("auditor"))]
ScoreReader = Annotated[Principal, Depends(require("consumer", "auditor"))]
ScoreLookup = Annotated[Principal, Depends(score_lookup)]
IdLookup = Annotated[Principal, Depends(id_lookup)]
Analyst = Annotated[Principal, Depends(require("analyst", "auditor", "admin"))]
Admin = Annotated[Principal, Depends(require("admin"))]
CountyDep = Annotated[str | None, Depends(known_county)]
TownshipDep = Annotated[str | None, Depends(known_township)]
VillageDep = Annotated[str | None, Depends(known_village)]
