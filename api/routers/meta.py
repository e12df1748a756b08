"""What the review page needs to speak Chinese: who is signed in, and the labels of
registries, columns, codes, case types, statuses and comparisons."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from api.auth import Principal, authenticate
from api.labels import page_labels
from api.schemas import Me

router = APIRouter(prefix="/api", tags=["meta"])
SignedIn = Annotated[Principal, Depends(authenticate)]


@router.get("/me", response_model=Me)
async def me(principal: SignedIn) -> dict[str, Any]:
    return {"name": principal.name, "role": principal.role,
            "sees_full_ids": principal.sees_full_ids}  # fmt: skip


@router.get("/meta")
async def meta(_: SignedIn) -> dict[str, Any]:
    """Chinese labels: registries, their columns, normalised codes, case types, review
    statuses and identity comparisons."""
    return page_labels()
