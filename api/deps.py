"""FastAPI dependencies: the storage, the settings, the access log and the caller's role."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.audit import AccessLog
from api.auth import Principal, require
from api.settings import ApiSettings
from api.storage import Storage


def get_storage(request: Request) -> Storage:
    return request.app.state.storage


def get_settings(request: Request) -> ApiSettings:
    return request.app.state.settings


def get_access_log(request: Request) -> AccessLog:
    return request.app.state.access_log


StorageDep = Annotated[Storage, Depends(get_storage)]
SettingsDep = Annotated[ApiSettings, Depends(get_settings)]
AccessLogDep = Annotated[AccessLog, Depends(get_access_log)]
Reviewer = Annotated[Principal, Depends(require("auditor", "analyst"))]
Auditor = Annotated[Principal, Depends(require("auditor"))]
ScoreReader = Annotated[Principal, Depends(require("consumer", "auditor"))]
Analyst = Annotated[Principal, Depends(require("analyst", "auditor", "admin"))]
Admin = Annotated[Principal, Depends(require("admin"))]
