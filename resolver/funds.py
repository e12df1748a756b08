"""Which fund a payment line's money is, by the category a ledger writes beside it (资金类别,
发放项目 …: ``resolver.registries.FUND_HEADERS``) or its 救助类型 / 人员类别 written out: the
case's monthly allowance or another fund the same ledger pays.

The allowance is 低保金 (城市/农村低保, 单独施保, 分类施保 and its 加发 …), its back-pay (补发,
补差, also 一次性 or 临时: 低保金一次性补发) and 特困 support: 特困供养金, 基本生活费 (基本生活补贴,
分散供养, 集中供养) and 照料护理费, which the national 特困 standard counts as part of it
(基本生活标准 + 照料护理标准). Every other fund is not, also when it names 低保 or 特困: a one-off
(价格临时补贴, 取暖费, 春节慰问金, 一次性生活补贴 …), 临时救助, another programme (丧葬补助,
医疗救助, 助学金, 残疾人两项补贴; a 护理补贴 that names no 特困 or 照料) and a subsidy for a
person's condition (残疾, 高龄, 孤儿, 儿童) that names a fund (补贴, 津贴, 补助, 救助, 费, 金):
困难残疾人生活补贴, 特困人员高龄津贴, 孤儿基本生活费. A condition alone (重度残疾, 高龄 in a
人员类别 column), or with 加发 or 施保 (重度残疾人加发: 分类施保), is no fund of its own. A
category naming neither the allowance nor another fund is read as the allowance, and the office
is asked about it (``UNKNOWN``).
"""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

from resolver.registries import FUND_HEADERS

INSTITUTIONS = ("敬老院", "福利院", "养老院", "供养中心", "供养服务中心", "养老服务中心", "光荣院",
                "幸福院", "颐养院", "福利中心", "托养中心", "护理院")  # fmt: skip
"""Words naming a care institution (集中供养) as a payee (领款人): its residents' money goes to
its one account."""
# Words of another fund wherever they stand: one-offs, 临时救助 and other programmes.
OTHER_FUND_WORDS = ("慰问|春节|节日|中秋|过节|取暖|采暖|燃煤|价格|物价|临时救助"
                    "|丧葬|殡葬|医疗|教育|助学|住房|就业|两项补贴|孤儿|无人抚养")  # fmt: skip
# 护理补贴 is the 残疾人 subsidy unless it names 特困's care (特困人员护理补贴, 照料护理补贴).
CARE_WORDS, TEKUN_CARE_WORDS = "护理补贴", "特困|供养|五保|照料"
# A one-off unless it is the allowance's back-pay (低保金一次性补发), which names no 补贴.
ONCE_WORDS, BACK_PAY_WORDS = "临时|一次性", "补发|补差|加发|施保"
# A person's condition: another fund when it names one (高龄津贴), not alone (重度残疾) nor as
# the allowance's add-on (重度残疾人加发, 重残单独施保: 分类施保).
CONDITION_WORDS, ADD_ON_WORDS = "残疾|重残|高龄|老年|孤儿|儿童", "加发|施保"
FUND_NOUNS = "补贴|津贴|补助|救助|费|金"
# The allowance's own fund names, whose 金 names no condition's fund (残疾人低保金).
ALLOWANCE_FUNDS = (
    "低保金|低保资金|最低生活保障金|救助供养金|供养金|五保金|施保金|保障金|"
    "基本生活费|基本生活补贴|照料护理费|照料护理补贴"
)
ALLOWANCE_WORDS = f"低保|最低生活保障|特困|五保|供养|施保|基本生活|照料护理|保障金|{BACK_PAY_WORDS}"
ALLOWANCE, OTHER, UNKNOWN = "allowance", "other", "unknown"
# Texts most lines write, none of them another fund: ``other_fund_sql`` reads them without a
# regular expression (the ledger's 700,000 lines of a 650,000-person county took 2.6 s each
# time they were matched).
PLAIN_ALLOWANCE = ("", "低保", "特困", "城市低保", "农村低保", "城乡低保", "低保金", "特困供养",
                   "特困供养金", "分散供养", "集中供养", "五保")  # fmt: skip


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
        True for a one-off, 临时救助, another programme or a condition's subsidy (see the
        module docstring).

    Examples
    --------
    >>> [is_other_fund(t) for t in ("重度残疾人护理补贴", "特困人员护理补贴", "重度残疾", "低保一次性补发")]
    [True, False, False, False]
    """
    text = re.sub(r"\s+", "", text)

    def has(words: str, within: str = text) -> bool:
        return re.search(words, within) is not None

    condition_fund = has(FUND_NOUNS, re.sub(ALLOWANCE_FUNDS, "", text))
    return (has(OTHER_FUND_WORDS)
            or (has(CARE_WORDS) and not has(TEKUN_CARE_WORDS))
            or (has(ONCE_WORDS) and (not has(BACK_PAY_WORDS) or has("补贴")))
            or (has(CONDITION_WORDS) and condition_fund and not has(ADD_ON_WORDS)))  # fmt: skip


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
    >>> "'临时|一次性'" in other_fund_sql("t.c")
    True
    """
    value = f"regexp_replace(coalesce({text}, ''), '\\s', '', 'g')"

    def has(words: str, within: str = value) -> str:
        return f"regexp_matches({within}, '{words}')"

    condition_fund = has(FUND_NOUNS, f"regexp_replace({value}, '{ALLOWANCE_FUNDS}', '', 'g')")
    plain = ", ".join(f"'{word}'" for word in PLAIN_ALLOWANCE)
    return (f"(CASE WHEN coalesce({text}, '') IN ({plain}) THEN false ELSE"  # no regex per line
            f" ({has(OTHER_FUND_WORDS)}"
            f" OR ({has(CARE_WORDS)} AND NOT {has(TEKUN_CARE_WORDS)})"
            f" OR ({has(ONCE_WORDS)} AND (NOT {has(BACK_PAY_WORDS)} OR {has('补贴')}))"
            f" OR ({has(CONDITION_WORDS)} AND {condition_fund} AND NOT {has(ADD_ON_WORDS)})) END)")  # fmt: skip


def fund_categories(extra: pa.Array) -> pa.Array:
    """Each payment line's fund category as written: the first of ``FUND_HEADERS`` its row
    fills among its columns beside the contract's (as ``CASE_MONEY`` reads it).

    Parameters
    ----------
    extra : pa.Array
        A payments table's ``extra`` column (header -> text per row; null without extras).

    Returns
    -------
    pa.Array
        One string per row, null where it writes none (a blank cell is none).
    """
    found = [_filled(pc.map_lookup(extra, query_key=header, occurrence="first"))
             for header in FUND_HEADERS]  # fmt: skip
    return pc.coalesce(*found)


def fund_category_sql(extra: str) -> str:
    """SQL for ``fund_categories`` of a row's extras.

    Parameters
    ----------
    extra : str
        A SQL expression of a payments row's ``extra`` map.

    Returns
    -------
    str
        A string SQL expression, null where the row fills no ``FUND_HEADERS`` column.

    Examples
    --------
    >>> fund_category_sql("r.extra").startswith("coalesce(nullif(trim(r.extra['资金类别']), '')")
    True
    """
    filled = (f"nullif(trim({extra}['{header}']), '')" for header in FUND_HEADERS)
    return f"coalesce({', '.join(filled)})"


def _filled(texts: pa.Array) -> pa.Array:
    """``texts`` with a blank one null."""
    blank = pc.equal(pc.utf8_trim(texts, characters=" "), "")  # as SQL's trim
    return pc.if_else(blank, pa.scalar(None, pa.string()), texts)


# SQL joining each line of ``payments`` to the raw row it was read from, as ``raw_line``:
# what ``CASE_MONEY`` (and ``models.amounts``' ``BASE_APART`` and ``LINE_MONEY``) read beside
# the line.
RAW_LINE = """LEFT JOIN raw_payments raw_line
    ON raw_line.source_no = payments.source_no AND raw_line.row_no = payments.row_no"""
# SQL (beside ``RAW_LINE``): whether a line of the table ``payments`` is a case's 低保 or 特困
# money. A line whose 救助类型 as written (also one read as 低保 or 特困: 特困人员丧葬补助), or
# whose fund category (资金类别 …: ``fund_category_sql``), names another fund
# (取暖费, 春节慰问金, 临时救助, 残疾人两项补贴 …) is not: it never makes,
# nor prices, a lead of the money a class is paid (a funeral grant paid after the death is no
# 特困 money paid after it), nor makes its case paid that month. A line of no program written,
# or of one Doudi does not know (分散供养 before it was read as 特困, A类 or 重度残疾 in a 人员类别
# column), is the case's.


def case_money_sql(program: str, program_text: str, fund: str) -> str:
    """SQL: whether a payment line is its case's 低保 or 特困 money (see ``CASE_MONEY``).

    Parameters
    ----------
    program : str
        SQL of the line's program as normalised (``dibao``, ``tekun``, ``temporary`` or null).
    program_text : str
        SQL of its 救助类型 as written.
    fund : str
        SQL of its fund category as written (资金类别 …), null where it has none.

    Returns
    -------
    str
        A boolean SQL expression.
    """
    return (
        f"(coalesce({program} IN ('dibao', 'tekun'), true) "
        f"AND NOT {other_fund_sql(program_text)} AND NOT {other_fund_sql(fund)})"
    )


CASE_MONEY = case_money_sql(
    "payments.program", "raw_line.program", fund_category_sql("raw_line.extra")
)
