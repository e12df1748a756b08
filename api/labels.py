"""The Chinese labels the review page and the ledgers speak: registries, their columns,
normalised codes, ID statuses, case types, review statuses and identity comparisons."""

from __future__ import annotations

from typing import Any

from api.ledgers import SHARED_PAYMENTS_NOTE
from api.published import STATUS_LABELS
from api.reviews import IDENTITY_LEADS
from models.case_types import CASE_LABELS, MONEY_TYPES
from models.cases import LIKELY_SCORE
from resolver.comparisons import doudi_comparisons
from resolver.normalize import CODE_LABELS, VOCABULARIES, code_label
from resolver.registries import REGISTRIES

__all__ = ["CASE_LABELS", "ID_STATUS_LABELS", "page_labels"]

ID_STATUS_LABELS = {"valid": "有效", "upgraded": "15位已升级", "invalid": "校验未通过",
                    "damaged": "表格损坏", "blank": "空白"}  # fmt: skip


def page_labels() -> dict[str, Any]:
    """Every label the page shows, by what it labels.

    Returns
    -------
    dict
        Registry names, column headers and kinds by registry, code labels by vocabulary,
        ID-status, case-type and status labels, what a total of amounts at risk counts
        (``amount_note``), the score a likely lead reaches (``likely_score``), the lead
        types resting on identity (``identity_leads``: a "not the same person" label on one
        needs an auditor), the types whose cases carry an amount at risk (``money_types``: any other's
        amount is shown as —), and the comparisons' descriptions.
    """
    return {
        "registries": {name: registry.chinese for name, registry in REGISTRIES.items()},
        "columns": {name: {column.name: column.header for column in registry.columns}
                    for name, registry in REGISTRIES.items()},
        "kinds": {name: {column.name: column.kind for column in registry.columns}
                  for name, registry in REGISTRIES.items()},
        "codes": {kind: {str(code): _shown(kind, code) for code in _codes(kind, spellings)}
                  for kind, spellings in VOCABULARIES.items()},
        "id_statuses": ID_STATUS_LABELS,
        "case_types": CASE_LABELS,
        "statuses": STATUS_LABELS,
        "amount_note": SHARED_PAYMENTS_NOTE,
        "likely_score": LIKELY_SCORE,
        "identity_leads": sorted(IDENTITY_LEADS),
        "money_types": sorted(MONEY_TYPES),
        "comparisons": {comparison["output_column_name"]: comparison["comparison_description"]
                        for comparison in doudi_comparisons()},
    }  # fmt: skip


def _codes(kind: str, spellings: dict[str, object]) -> set[object]:
    """A kind's codes: those its spellings give, and those labelled though none spells them
    (a relation no spelling names is ``other``)."""
    return set(spellings.values()) | {code for labelled, code in CODE_LABELS if labelled == kind}


def _shown(kind: str, code: object) -> str:
    """A code's Chinese label; a code that is itself what people write (低保类别 A) as is."""
    label = code_label(kind, code) or str(code)
    return str(code) if label.isascii() else label
