"""What each role may read of a person: the masks applied to every answer that holds
personal data (case lists and details, subgraph nodes, what-if, triage, scores, ledgers).

| field | auditor | analyst, consumer |
|---|---|---|
| ID numbers (``id_number``, ``id18``, a certificate or bank account number) | full | region code and check digit: ``532326***********0`` (an account: ``622848************7``) |
| ``birth_date`` | full | the year only: ``1956-**-**`` |
| ``gender`` | shown | ``*`` (the last four digits already carry it, nothing more) |
| ``phone`` | full | first three and last four: ``138****5678`` |
| reviewers' ``note`` | full | ``（仅审计员可见）`` |
| a value that is a date or a time alone (``start_date``, ``death_date``, a decision's time) | full | full: its field says what day it is, and a birth date is ``birth_date`` |
| any other text (evidence, a case number, a screening's lines, a graph node's key and label) | full | every ID or account number in it masked as above, however its digits are grouped (``mask_numbers``), and every date as ``birth_date`` is: ``1950-**-**``, ``1950年**月**日`` (``mask_text``) |
| text a person typed (a reviewer's ``reason``, a 责任人 ``assignee``, a row's ``address``) | full | the same, and mobile numbers too (``mask_typed``) |
| identifiers a client sends back (``case_id``, keys ending ``_id`` or ``_ids``, ``unique_id_l``/``_r``) | full | full |

An 18-digit ID hides exactly its eight birth-date digits, so a full birth date beside a mask
would give the whole number back: the masks hold only because no lower role ever reads a
birth date finer than the year: a date inside a text may be one (a death record's
出生日期 quoted in evidence), so no text keeps a date's month and day. With the year known, a
mask still leaves every day of that year and every sequence number whose check digit fits.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from resolver.idcard import clean_text, mask_id, mask_numbers, mask_phone, mask_text, mask_typed

if TYPE_CHECKING:  # the command line masks file names without loading the web stack
    from api.auth import Principal

__all__ = ["HIDDEN_NOTE", "logged_target", "mask_id", "mask_numbers", "mask_phone", "mask_text",
           "mask_typed", "masked", "masked_field", "masked_row"]  # fmt: skip

# Fields that hold an ID number or an account number, wherever they appear.
SENSITIVE_SUFFIXES = ("id_number", "id18", "cert_no", "bank_account")
# Fields a person types: mobile numbers in them are masked too (``mask_typed``).
# Text a person typed, where an 11-digit number is a phone: a reviewer's, and a clerk's 住址
# (offices write the contact's mobile into it: 金碧镇一村1号 电话13912345678).
TYPED = {"reason", "assignee", "address"}
# Keys a client sends back (a case id to open, a row's unique id to label): never changed;
# and every key ending ``_id`` or ``_ids``.
IDENTIFIERS = {"unique_id_l", "unique_id_r"}
HIDDEN_NOTE = "（仅审计员可见）"
# A value that is a day or a time alone: a field named for what it holds.
DAY_OR_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)


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


# Graph nodes keyed by the value they stand for.
MASKED_NODES = {"account": mask_id, "phone": mask_phone, "address": mask_typed}


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
    if key in TYPED:
        return mask_typed(str(value))
    if key in IDENTIFIERS or key.endswith(("_id", "_ids")):
        return value
    if isinstance(value, str):  # evidence, a case number, a graph node's key and label
        return masked_field(value)
    return value


def masked_field(value: str) -> str:
    """A text field (a cell of a ledger, a value of an answer) as a role that reads masks
    reads it: a day or a time alone as it is (its field says which day it is: 纳入日期,
    ``death_date``), any other text with its ID and account numbers and its dates masked.

    Parameters
    ----------
    value : str
        The field's text.

    Returns
    -------
    str
        ``value``, masked unless it is a day or a time alone (``mask_text``).

    Examples
    --------
    >>> masked_field("2021-10-11"), masked_field("2021-10-11 至 2023-04-02 发放")
    ('2021-10-11', '2021-**-** 至 2023-**-** 发放')
    """
    return value if DAY_OR_TIME.fullmatch(value) else mask_text(value)


# The columns of a ledger or a report, by header: an ID, a mobile number, text a reviewer
# typed (a reason not to enroll, a 责任人, Doudi's note quoting one), a case id a reader types
# back. Every other text cell (a name, a village, a case number, a basis) is ``masked_field``.
ID_HEADERS = {"身份证号码"}
PHONE_HEADERS = {"联系电话"}
TYPED_HEADERS = {"未纳入原因", "责任人", "说明"}
KEPT_HEADERS = {"疑点编号"}


def masked_row(row: list, columns: Sequence[str]) -> list:
    """A row of a ledger or a report as a role that reads masks reads it: the one way every
    sheet that names people masks its cells, whatever column a number was written into (a
    name typed as 姓名（身份证号）, a case number made of an ID).

    Parameters
    ----------
    row : list
        The row's cells.
    columns : sequence of str
        The header of each cell, in order.

    Returns
    -------
    list
        The row with an ID column masked (``mask_id``), a phone column (``mask_phone``),
        typed text (``mask_typed``), the case id kept, and every other text masked
        (``masked_field``); empty cells and numbers and dates as they were.

    Examples
    --------
    >>> masked_row(["李芳（532326197903120028）", "532326197903120028", 2], ["姓名", "身份证号码", "家庭人数"])
    ['李芳（532326***********8）', '532326***********8', 2]
    """
    return [_masked_cell(column, cell) for column, cell in zip(columns, row, strict=True)]


def _masked_cell(column: str, cell: Any) -> Any:
    if not isinstance(cell, str) or not cell or column in KEPT_HEADERS:
        return cell
    if column in ID_HEADERS:
        return mask_id(cell)
    if column in PHONE_HEADERS:
        return mask_phone(cell)
    if column in TYPED_HEADERS:
        return mask_typed(cell)
    return masked_field(cell)


def logged_target(target: str, *, run_id: str | None = None) -> str:
    """What the access log keeps of a read's target: every ID or account number in it masked
    (``mask_numbers``), as the admin who reads the log may see none, whether the caller typed
    it into a path, a query or a file's name.

    Parameters
    ----------
    target : str
        Which data and how much of it.
    run_id : str, optional
        The run read, put before the target as it is: its date and time digits are no ID,
        and masked they would no longer name the run.

    Returns
    -------
    str
        The entry's target.

    Examples
    --------
    >>> logged_target("532326196301212449 无疑点", run_id="20261205-203000-1234")
    '20261205-203000-1234 532326***********9 无疑点'
    """
    return " ".join(filter(None, [run_id, mask_numbers(target)]))


def holds_id_number(text: str) -> bool:
    """Whether ``text`` holds an ID or account number anywhere in it, as typed or once cleaned
    (spaces dropped, full-width digits made half-width: ``clean_text``): a run of 15 or more
    digits, or a stretch of digit groups the masks hide (``mask_numbers``). What a role that
    sees masks may not look up: a case number made of ``DB`` and an ID is masked too, and
    finding it by a guess would confirm the guess.

    Parameters
    ----------
    text : str
        What was typed.

    Returns
    -------
    bool
        True when a mask would hide part of ``text``, whether a check digit holds or not.

    Examples
    --------
    >>> holds_id_number("５３２３２６ 19560101 687x"), holds_id_number("DB53232619560101687X")
    (True, True)
    >>> holds_id_number("张三"), holds_id_number("DB532326000004"), holds_id_number("JZ0000027")
    (False, False, False)
    """
    return any(mask_numbers(form) != form for form in (text, clean_text(text)))
