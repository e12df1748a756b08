"""Administration: bearer tokens (by id) and the access log. Every token change and every
read of the log is itself logged."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from api.auth import Principal
from api.deps import AccessLogDep, Admin, SettingsDep, TokensDep, answered
from api.schemas import AccessLogPage, TokenIn, TokenInfo, TokenOut, TokenRenewIn
from api.tokens import Actor

router = APIRouter(prefix="/api", tags=["admin"])


def _actor(admin: Principal) -> Actor:
    return Actor(admin.name, admin.role, admin.token_id)


@router.post("/tokens", response_model=TokenOut, status_code=status.HTTP_201_CREATED)
def create_token(body: TokenIn, tokens: TokensDep, admin: Admin) -> dict[str, Any]:
    """Mint a token, valid for ``days`` (90 by default); it is shown once and stored only as
    a hash. Its ``token_id`` names it from then on."""
    with answered():
        return tokens.mint(name=body.name, role=body.role, by=_actor(admin), days=body.days)


@router.get("/tokens", response_model=list[TokenInfo])
def list_tokens(tokens: TokensDep, _: Admin) -> list[dict[str, Any]]:
    """Every token, oldest first: id, holder, role, status, who minted and revoked it."""
    return tokens.listed()


@router.delete("/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_token(token_id: str, tokens: TokensDep, admin: Admin) -> None:
    """Revoke one token by its id. 404 for no such token; 409 when it is already revoked or
    is the last active admin token."""
    with answered():
        tokens.revoke(token_id, by=_actor(admin))


@router.post("/tokens/{token_id}/renew", response_model=TokenInfo)
def renew_token(
    token_id: str, tokens: TokensDep, admin: Admin, body: TokenRenewIn | None = None
) -> dict[str, Any]:
    """Extend a token (active or expired) to ``days`` (90 by default) from now. 409 for a
    revoked token."""
    days = body.days if body is not None else TokenRenewIn().days
    with answered():
        return tokens.renew(token_id, by=_actor(admin), days=days)


@router.get("/access-log", response_model=AccessLogPage)
def access_log(
    tokens: TokensDep,
    access: AccessLogDep,
    settings: SettingsDep,
    admin: Admin,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1)] = 100,
) -> dict[str, Any]:
    """The access log, newest first: case, history and label reads, score lookups, ledger
    downloads, failed sign-ins, token changes and reads of this log (this one included).
    Each entry carries its place in the hash chain (``doudi audit verify`` checks it)."""
    limit = min(limit, settings.max_page_size)
    access.record(admin.name, admin.role, "read_access_log", f"offset={offset} limit={limit}")
    total, items = tokens.access_log(offset=offset, limit=limit)
    return {"total": total, "items": items}
