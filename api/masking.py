"""What each role may read of a person: the masks applied to every answer that holds
personal data (case lists and details, subgraph nodes, what-if, triage, scores, ledgers).

| field | auditor | analyst, consumer |
|---|---|---|
| ID numbers (``id_number``, ``id18``, a certificate or bank account number) | full | region code and check digit: ``532326***********0`` (an account: ``622848************7``) |
| ``birth_date`` | full | the year only: ``1956-**-**`` |
| ``gender`` | shown | ``*`` (the last four digits already carry it, nothing more) |
| ``phone`` | full | first three and last four: ``138****5678`` |
| reviewers' ``note`` | full | ``（仅审计员可见）`` |

An 18-digit ID hides exactly its eight birth-date digits, so a full birth date beside a mask
would give the whole number back: the masks hold only because no lower role ever reads a
birth date finer than the year. With the year known, a mask still leaves every day of that
year whose check digit fits (about 33 numbers).
"""

from __future__ import annotations

import re
from typing import Any

from api.auth import Principal
from resolver.idcard import mask_id

__all__ = ["HIDDEN_NOTE", "mask_id", "mask_numbers", "mask_phone", "masked"]

# Fields that hold an ID number or an account number, wherever they appear.
SENSITIVE_SUFFIXES = ("id_number", "id18", "cert_no", "bank_account")
HIDDEN_NOTE = "（仅审计员可见）"


def masked(value: Any, principal: Principal) -> Any:
    """``value`` as ``principal`` may read it.

    Parameters
    ----------
    value : Any
        A dict, list or scalar, nested as an answer holds it.
    principal : Principal
        The caller; an auditor reads everything.

    Returns
    -------
    Any
        ``value`` itself for an auditor; otherwise a copy with every field of the table
        above masked.
    """
    if principal.sees_full_ids:
        return value
    return _mask(value)


# A run of digits long enough to be an ID or a bank account, wherever it stands in a text (a
# case number made of ``DB`` and an ID too); a case number's 12 digits are not one.
_NUMBER = re.compile(r"(?<!\d)\d{14,}[\dXx](?!\d)")


def mask_numbers(text: str) -> str:
    """A free text (a reason, a note, a file name) with every run of digits that could be an
    ID or account number masked as ``mask_id`` masks one.

    Parameters
    ----------
    text : str
        The text as written.

    Returns
    -------
    str
        The text, such runs as ``532326***********0``.

    Examples
    --------
    >>> mask_numbers("证号 532326195601016870，尾号 6870，案件 DB532326000004，DB532326195601016870")
    '证号 532326***********0，尾号 6870，案件 DB532326000004，DB532326***********0'
    """
    return _NUMBER.sub(lambda match: mask_id(match.group()), text)


def mask_phone(value: str | None) -> str:
    """A phone number with its middle hidden.

    Parameters
    ----------
    value : str or None
        The number as the registry holds it.

    Returns
    -------
    str
        The first three and last four characters around ``****`` (all hidden when shorter
        than eight), ``""`` for none.

    Examples
    --------
    >>> mask_phone("13812345678")
    '138****5678'
    >>> mask_phone("5678")
    '****'
    """
    if not value:
        return ""
    if len(value) < 8:
        return "*" * len(value)
    return f"{value[:3]}****{value[-4:]}"


# Graph nodes keyed by the value they stand for.
MASKED_NODES = {"account": mask_id, "phone": mask_phone}


def _mask(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        mask_key = MASKED_NODES.get(value.get("kind"))  # a graph node keyed by its value
        if mask_key is not None and "key" in value:
            return value | {"key": mask_key(value["key"]), "label": mask_key(value["label"])}
        return {k: _mask(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask(item, key) for item in value]
    return _mask_field(key, value)


def _mask_field(key: str, value: Any) -> Any:
    if value is None or value == "":
        return value
    if key.endswith(SENSITIVE_SUFFIXES) and isinstance(value, str):
        return mask_id(value)
    if key == "birth_date":
        return f"{str(value)[:4]}-**-**"
    if key == "gender":
        return "*"
    if key == "phone":
        return mask_phone(str(value))
    if key == "note":
        return HIDDEN_NOTE
    if key == "reason" and isinstance(value, str):
        return mask_numbers(value)
    return value
