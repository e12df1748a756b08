"""Bearer tokens and roles (what each role may read of a person: ``api.masking``).

| role | may |
|---|---|
| ``auditor`` | review cases and record decisions; sees full ID numbers |
| ``analyst`` | runs, data quality, settings; cases read-only, ID numbers masked |
| ``consumer`` | risk scores only, ID numbers masked (``532326***********4``) |
| ``admin`` | tokens and the access log |

No token, or an unknown, revoked or expired one: 401 (a token presented and refused is a
failed sign-in, logged). A known token of the wrong role: 403, and the refusal logged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.audit import bind_token
from api.tokens import ROLE_NAMES, hash_token


@dataclass(frozen=True)
class Principal:
    """Who calls: the token's holder name, role and id."""

    name: str
    role: str
    token_id: str | None = None

    @property
    def sees_full_ids(self) -> bool:
        """Whether the role reads ID numbers, birth dates and phones unmasked (auditors)."""
        return self.role == "auditor"


REFUSED = {
    "malformed": "缺少访问令牌（请求头 Authorization: Bearer 令牌）",
    "unknown": "令牌无效或已吊销",
    "revoked": "令牌无效或已吊销",
    "expired": "令牌已过期，请管理员续期",
}


# The bearer token as /openapi.json declares it (Swagger's Authorize button sends it).
BEARER = HTTPBearer(auto_error=False, description="访问令牌（doudi token create 或管理员签发）")


async def authenticate(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)],
) -> Principal:
    """The caller, by their bearer token; a presented token that is refused is logged as a
    failed sign-in (never the token: the first 12 hex digits of its hash for an unknown one).
    Past ``failed_sign_ins_per_minute`` refusals from one address in a minute, the next is a
    429 and one ``sign_in_flood`` entry says so for the minute (a valid token still signs
    in: one address may be a county's proxy).

    Known tokens are looked up in memory; an unknown one in the file, off the event loop.

    Parameters
    ----------
    request : Request
        The request, with its ``Authorization`` header.
    credentials : HTTPAuthorizationCredentials or None
        The header read as a bearer token (None when it holds none).

    Returns
    -------
    Principal
        The token's name, role and id (the id is bound to the request's log entries).

    Raises
    ------
    HTTPException
        401 for no token, or an unknown, revoked or expired one.
    """
    if not request.headers.get("authorization", ""):
        raise _unauthorised(REFUSED["malformed"])
    token = credentials.credentials.strip() if credentials else ""
    tokens = request.app.state.storage.tokens
    found, problem = None, "malformed"
    if token:
        found = tokens.find_cached(token) or await run_in_threadpool(tokens.find, token)
        problem = "unknown" if found is None else found.problem(datetime.now())
    if problem:
        client = request.client.host if request.client else "?"
        limiter = request.app.state.sign_in_limiter
        retry_after = limiter.wait(client)
        if retry_after:  # logged once a minute, not each time: the log cannot be flooded
            if limiter.first_refusal(client):
                await request.app.state.access_log.log(
                    "anonymous", "none", "sign_in_flood",
                    f"client={client} 每分钟登录失败超过 {limiter.per_minute} 次，"
                    "本分钟内此后的失败只记这一条")  # fmt: skip
            raise HTTPException(429, "登录失败过于频繁，请稍后再试",
                                headers={"Retry-After": str(retry_after)})  # fmt: skip
        target = f"reason={problem} client={client} path={request.url.path}"
        if found is not None:
            actor, role, token_id = found.name, found.role, found.token_id
        else:
            actor, role, token_id = "anonymous", "none", None
            if token and problem == "unknown":
                target += f" token_hash={hash_token(token)[:12]}"
        await request.app.state.access_log.log(actor, role, "sign_in_failed", target,
                                               token_id=token_id)  # fmt: skip
        raise _unauthorised(REFUSED[problem])
    bind_token(found.token_id)
    return Principal(found.name, found.role, found.token_id)


def _unauthorised(detail: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail, headers={"WWW-Authenticate": "Bearer"}
    )


def require(*roles: str) -> Callable[..., Principal]:
    """A dependency admitting only ``roles``.

    Parameters
    ----------
    *roles : str
        The roles admitted.

    Returns
    -------
    Callable
        An async dependency giving the caller's ``Principal``; 403 for another role, the
        refusal logged (``role_refused``: who tried what).
    """

    async def check(
        request: Request,
        principal: Principal = Depends(authenticate),  # noqa: B008
    ) -> Principal:
        if principal.role not in roles:
            await request.app.state.access_log.log(
                principal.name, principal.role, "role_refused",
                f"{request.method} {request.url.path}", token_id=principal.token_id)  # fmt: skip
            raise HTTPException(status.HTTP_403_FORBIDDEN,
                                f"角色 {ROLE_NAMES[principal.role]}（{principal.role}）无权执行此操作")  # fmt: skip
        return principal

    return check
