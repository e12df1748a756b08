"""What each role may read of a person: the masks applied to every answer that holds
personal data (case lists and details, subgraph nodes, what-if, triage, scores, ledgers).

| field | auditor | analyst, consumer |
|---|---|---|
| ID numbers (``id_number``, ``id18``, a certificate or bank account number) | full | region code and check digit: ``532326***********0`` (an account: ``622848************7``) |
| ``birth_date`` | full | the year only: ``1956-**-**`` |
| ``gender`` | shown | ``*`` (the last four digits already carry it, nothing more) |
| ``phone`` | full | first three and last four: ``138****5678`` |
| reviewers' ``note`` | full | ``（仅审计员可见）`` |
| any other text (evidence, a case number, a reason, an assignee) | full | every ID, account or mobile number in it masked as above (``mask_numbers``) |

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
# case number made of ``DB`` and an ID too), also written in groups (``532326 19560101 6870``,
# ``532326-19560101-6870``); a case number's 12 digits are not one. And a mobile number, in
# groups or not (``138 1234 5678``).
_GAP = r"[ \-\u3000]?"
_NUMBER = re.compile(
    rf"(?<!\d)(?:\d{{6}}{_GAP}\d{{8}}{_GAP}\d{{3}}[\dXx]|\d{{6}}{_GAP}\d{{6}}{_GAP}\d{{3}}"
    rf"|\d{{14,}}[\dXx])(?!\d)"
)
_MOBILE = re.compile(rf"(?<!\d)1[3-9]\d{_GAP}\d{{4}}{_GAP}\d{{4}}(?!\d)")
_GAPS = re.compile(r"[ \-\u3000]")


def mask_numbers(text: str) -> str:
    """A free text (a reason, a note, a file name, a case number, evidence) with every run of
    digits that could be an ID or account number masked as ``mask_id`` masks one, and every
    mobile number as ``mask_phone`` masks one, however the digits are grouped.

    Parameters
    ----------
    text : str
        The text as written.

    Returns
    -------
    str
        The text, such runs as ``532326***********0`` and ``138****5678``.

    Examples
    --------
    >>> mask_numbers("证号 532326195601016870，尾号 6870，案件 DB532326000004，DB532326195601016870")
    '证号 532326***********0，尾号 6870，案件 DB532326000004，DB532326***********0'
    >>> mask_numbers("户主 532326 19560101 6870（532326-19560101-6870），电话 138 1234 5678")
    '户主 532326***********0（532326***********0），电话 138****5678'
    """
    ids = _NUMBER.sub(lambda match: mask_id(_GAPS.sub("", match.group())), text)
    return _MOBILE.sub(lambda match: mask_phone(_GAPS.sub("", match.group())), ids)


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
    if isinstance(value, str):  # a reason, an assignee, a case number, evidence, a label
        return mask_numbers(value)
    return value
