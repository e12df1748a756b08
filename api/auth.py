"""Bearer tokens and roles, and the masking of ID numbers for roles that may not see them.

| role | may |
|---|---|
| ``auditor`` | review cases and record decisions; sees full ID numbers |
| ``analyst`` | runs, data quality, settings; cases read-only, ID numbers masked |
| ``consumer`` | risk scores only, ID numbers masked (``532326********1234``) |
| ``admin`` | tokens and the access log |

No token, or an unknown or revoked one: 401. A known token of the wrong role: 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, HTTPException, Request, status

from resolver.idcard import mask_id

# Fields that hold an ID number or an account number, wherever they appear.
SENSITIVE_SUFFIXES = ("id_number", "id18", "cert_no", "bank_account")


@dataclass(frozen=True)
class Principal:
    name: str
    role: str

    @property
    def sees_full_ids(self) -> bool:
        return self.role == "auditor"


async def authenticate(request: Request) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise _unauthorised("missing bearer token")
    found = request.app.state.storage.tokens.principal(token.strip())
    if found is None:
        raise _unauthorised("unknown or revoked token")
    return Principal(*found)


def _unauthorised(detail: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail, headers={"WWW-Authenticate": "Bearer"}
    )


def require(*roles: str) -> Callable[..., Principal]:
    """A dependency admitting only ``roles``."""

    async def check(principal: Principal = Depends(authenticate)) -> Principal:  # noqa: B008
        if principal.role not in roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"role {principal.role} may not")
        return principal

    return check


def masked(value: Any, principal: Principal) -> Any:
    """``value`` (a dict, list or scalar) with every sensitive field masked, unless the
    principal may see full ID numbers."""
    if principal.sees_full_ids:
        return value
    return _mask(value)


def _mask(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        if value.get("kind") == "account":  # a graph node keyed by its account number
            return value | {"key": mask_id(value["key"]), "label": mask_id(value["label"])}
        return {k: _mask(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask(item, key) for item in value]
    if isinstance(value, str) and key.endswith(SENSITIVE_SUFFIXES):
        return mask_id(value)
    return value
