"""Which fund a payment line's money is, by the category a ledger writes beside it (资金类别,
发放项目 …: ``resolver.registries.FUND_HEADERS``): the case's monthly allowance or another fund
the same ledger pays.

The allowance is 低保金 (城市/农村低保 …) and 特困 support: 特困供养金, 基本生活费 (基本生活补贴,
分散供养, 集中供养) and 照料护理费, which the national 特困 standard counts as part of it
(基本生活标准 + 照料护理标准). Every other fund is not: a one-off (价格临时补贴, 取暖费, 春节慰问金,
一次性生活补贴 …, also when it names 低保 or 特困: 低保对象价格临时补贴), 临时救助, and the
subsidies of other programmes (残疾人两项补贴: 困难残疾人生活补贴 and 重度残疾人护理补贴; a
护理补贴 that names no 特困 or 低保; 高龄津贴; 医疗救助 …). A category naming neither is read as
the allowance, and the office is asked about it (``UNKNOWN``).
"""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

from resolver.registries import FUND_HEADERS

# Words of a one-off or 临时救助: another fund even beside 低保 or 特困 (低保对象价格临时补贴).
ONE_OFF_WORDS = "临时|一次性|慰问|春节|节日|中秋|过节|取暖|采暖|燃煤|价格|物价"
# Words of another programme's subsidy: another fund unless it names the allowance's programme.
OTHER_PROGRAMME_WORDS = "护理补贴|高龄|残疾|两项补贴|医疗|丧葬|殡葬|孤儿|教育|助学|住房|就业"
# 施保: 单独施保, the 低保 of a severely disabled member enrolled alone.
ALLOWANCE_PROGRAMME_WORDS = "低保|最低生活保障|特困|五保|供养|施保"
ALLOWANCE_WORDS = f"{ALLOWANCE_PROGRAMME_WORDS}|基本生活|照料护理|保障金"
ALLOWANCE, OTHER, UNKNOWN = "allowance", "other", "unknown"


def fund_kind(category: str | None) -> str:
    """Whether a line's fund category names the case's allowance, another fund, or neither.

    Parameters
    ----------
    category : str or None
        The category as written (资金类别 …); blank or None when the line writes none.

    Returns
    -------
    str
        ``allowance`` (also for a blank category), ``other`` or ``unknown`` (read as the
        allowance, and asked about).

    Examples
    --------
    >>> [fund_kind(t) for t in ("低保金", "特困人员照料护理费", "春节慰问金", "护理补贴", "补助", None)]
    ['allowance', 'allowance', 'other', 'other', 'unknown', 'allowance']
    """
    text = re.sub(r"\s+", "", category or "")
    if not text:
        return ALLOWANCE
    if is_other_fund(text):
        return OTHER
    return ALLOWANCE if re.search(ALLOWANCE_WORDS, text) else UNKNOWN


def is_other_fund(text: str) -> bool:
    """Whether a category (or a 救助类型 written out) names another fund than the allowance.

    Parameters
    ----------
    text : str
        The text as written.

    Returns
    -------
    bool
        True for a one-off, 临时救助 or another programme's subsidy (see the module docstring).

    Examples
    --------
    >>> is_other_fund("重度残疾人护理补贴"), is_other_fund("特困人员护理补贴")
    (True, False)
    """
    other_programme = re.search(OTHER_PROGRAMME_WORDS, text) and not re.search(
        ALLOWANCE_PROGRAMME_WORDS, text
    )
    return bool(re.search(ONE_OFF_WORDS, text) or other_programme)


def other_fund_sql(text: str) -> str:
    """SQL for ``is_other_fund`` of a text expression (false where it is null).

    Parameters
    ----------
    text : str
        A SQL expression of a category's text.

    Returns
    -------
    str
        A boolean SQL expression.

    Examples
    --------
    >>> "'临时|一次性" in other_fund_sql("t.c")
    True
    """
    value = f"regexp_replace(coalesce({text}, ''), '\\s', '', 'g')"
    return (f"(regexp_matches({value}, '{ONE_OFF_WORDS}') "
            f"OR regexp_matches({value}, '{OTHER_PROGRAMME_WORDS}') "
            f"AND NOT regexp_matches({value}, '{ALLOWANCE_PROGRAMME_WORDS}'))")  # fmt: skip


def fund_categories(extra: pa.Array) -> pa.Array:
    """Each payment line's fund category as written: the first of ``FUND_HEADERS`` its row's
    columns beside the contract's hold (as ``models.amounts.CASE_MONEY`` reads it).

    Parameters
    ----------
    extra : pa.Array
        A payments table's ``extra`` column (header -> text per row; null without extras).

    Returns
    -------
    pa.Array
        One string per row, null where it writes none.
    """
    found = [pc.map_lookup(extra, query_key=header, occurrence="first") for header in FUND_HEADERS]
    return pc.coalesce(*found)
