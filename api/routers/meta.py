"""What the review page needs to speak Chinese: who is signed in, and the labels of
registries, columns, codes, case types, statuses and comparisons."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from api.auth import Principal, authenticate
from api.published import STATUS_LABELS
from api.schemas import Me
from models.case_types import CASE_LABELS
from resolver.comparisons import doudi_comparisons
from resolver.normalize import VOCABULARIES, code_label
from resolver.registries import REGISTRIES

router = APIRouter(prefix="/api", tags=["meta"])
SignedIn = Annotated[Principal, Depends(authenticate)]
ID_STATUS_LABELS = {"valid": "有效", "upgraded": "15位已升级", "invalid": "校验未通过",
                    "damaged": "表格损坏", "blank": "空白"}  # fmt: skip


@router.get("/me", response_model=Me)
async def me(principal: SignedIn) -> dict[str, Any]:
    return {"name": principal.name, "role": principal.role,
            "sees_full_ids": principal.sees_full_ids}  # fmt: skip


@router.get("/meta")
async def meta(_: SignedIn) -> dict[str, Any]:
    """Chinese labels: registries, their columns, normalised codes, case types, review
    statuses and identity comparisons."""
    return {
        "registries": {name: registry.chinese for name, registry in REGISTRIES.items()},
        "columns": {name: {column.name: column.header for column in registry.columns}
                    for name, registry in REGISTRIES.items()},
        "kinds": {name: {column.name: column.kind for column in registry.columns}
                  for name, registry in REGISTRIES.items()},
        "codes": {kind: {str(code): _shown(kind, code) for code in set(spellings.values())}
                  for kind, spellings in VOCABULARIES.items()},
        "id_statuses": ID_STATUS_LABELS,
        "case_types": CASE_LABELS,
        "statuses": STATUS_LABELS,
        "comparisons": {comparison["output_column_name"]: comparison["comparison_description"]
                        for comparison in doudi_comparisons()},
    }  # fmt: skip


def _shown(kind: str, code: object) -> str:
    """A code's Chinese label; a code that is itself what people write (低保类别 A) as is."""
    label = code_label(kind, code) or str(code)
    return str(code) if label.isascii() else label
