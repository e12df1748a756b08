"""Administration: bearer tokens and the access log."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, status

from api.deps import AccessLogDep, Admin, SettingsDep, TokensDep
from api.schemas import AccessLogPage, TokenIn, TokenInfo, TokenOut

router = APIRouter(prefix="/api", tags=["admin"])


@router.post("/tokens", response_model=TokenOut, status_code=status.HTTP_201_CREATED)
def create_token(body: TokenIn, tokens: TokensDep, _: Admin) -> dict[str, Any]:
    """Mint a token; it is shown once and stored only as a hash."""
    token = tokens.create(name=body.name, role=body.role)
    return {"name": body.name, "role": body.role, "token": token}


@router.get("/tokens", response_model=list[TokenInfo])
def list_tokens(tokens: TokensDep, _: Admin) -> list[dict[str, Any]]:
    return tokens.listed()


@router.delete("/tokens/{name}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_token(name: str, tokens: TokensDep, _: Admin) -> None:
    """Revoke every token of ``name``."""
    if tokens.revoke(name) == 0:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no active token named {name}")


@router.get("/access-log", response_model=AccessLogPage)
def access_log(
    tokens: TokensDep,
    access: AccessLogDep,
    settings: SettingsDep,
    _: Admin,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1)] = 100,
) -> dict[str, Any]:
    """Who read which case detail and who looked up scores by ID number, newest first."""
    access.flush()
    total, items = tokens.access_log(offset=offset, limit=min(limit, settings.max_page_size))
    return {"total": total, "items": items}
