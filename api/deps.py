"""FastAPI dependencies: the storage's parts, the settings, the access log and the caller's role;
and the JSON response of reads served from memory."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, Response

from api.analysis import Analysis
from api.audit import AccessLog
from api.auth import Principal, require
from api.reviews import DecisionError, Reviews
from api.settings import ApiSettings
from api.snapshot import Snapshot
from api.tokens import TokenStore
from models.publish import json_value


async def get_snapshot(request: Request) -> Snapshot:
    return request.app.state.storage.snapshot


async def get_reviews(request: Request) -> Reviews:
    return request.app.state.storage.reviews


async def get_tokens(request: Request) -> TokenStore:
    return request.app.state.storage.tokens


async def get_analysis(request: Request) -> Analysis:
    return request.app.state.storage.analysis


async def get_settings(request: Request) -> ApiSettings:
    return request.app.state.settings


async def get_access_log(request: Request) -> AccessLog:
    return request.app.state.access_log


def json_response(body: Any) -> Response:
    """``body`` (or JSON text) as JSON: reads already hold the shape their
    ``response_model`` documents, so they skip its validation, which would cost more than
    the read."""
    text = (
        body if isinstance(body, str) else json.dumps(body, ensure_ascii=False, default=json_value)
    )
    return Response(text, media_type="application/json")


# The HTTP answer to each kind of ``DecisionError``: the one place errors become HTTP.
HTTP_STATUS = {"invalid": 422, "missing": 404, "conflict": 409}


@contextmanager
def answered() -> Iterator[None]:
    """A ``DecisionError`` of the storage as the HTTP error of its kind."""
    try:
        yield
    except DecisionError as error:
        raise HTTPException(HTTP_STATUS[error.kind], error.message) from error


SnapshotDep = Annotated[Snapshot, Depends(get_snapshot)]
ReviewsDep = Annotated[Reviews, Depends(get_reviews)]
TokensDep = Annotated[TokenStore, Depends(get_tokens)]
AnalysisDep = Annotated[Analysis, Depends(get_analysis)]
SettingsDep = Annotated[ApiSettings, Depends(get_settings)]
AccessLogDep = Annotated[AccessLog, Depends(get_access_log)]
Reviewer = Annotated[Principal, Depends(require("auditor", "analyst"))]
Auditor = Annotated[Principal, Depends(require("auditor"))]
ScoreReader = Annotated[Principal, Depends(require("consumer", "auditor"))]
Analyst = Annotated[Principal, Depends(require("analyst", "auditor", "admin"))]
Admin = Annotated[Principal, Depends(require("admin"))]
