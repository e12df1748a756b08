"""Resident ID numbers (公民身份号码, GB 11643): cleaning, validation, 15→18 upgrade, damage.

An ID comes out of ``parse_id`` with one of these statuses:

- ``valid``: 18 characters, a known province code, a real birth date and the ISO 7064
  MOD 11-2 check character;
- ``upgraded``: a valid old 15-digit ID, rewritten as its 18-digit form;
- ``invalid``: looks like an ID but fails a check (most often a typo); its cleaned text is kept
  for fuzzy comparison but it must not be trusted as an exact key;
- ``damaged``: spreadsheet damage (``5.32326E+17``, a float's text, a zeroed tail); unusable,
  only its ``prefix`` of reliable leading digits is kept;
- ``blank``: nothing written, or a word for no ID (``NO_ID``: 无, 不详, 待补), problem
  ``placeholder``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from operator import mul

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
PROVINCES = frozenset(
    str(code)
    for code in (11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44,
                 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83)
)  # fmt: skip
USABLE = frozenset({"valid", "upgraded"})

_SCIENTIFIC = re.compile(r"^(\d)(?:\.(\d+))?E\+?(\d+)$")
_FLOAT_TEXT = re.compile(r"^(\d{15,18})\.\d+$")
ID_SHAPE = re.compile(r"^\d{17}[\dX]$|^\d{15}$")  # after clean_text
# The invisible characters a copied cell or header carries (zero-width spaces and joiners,
# word joiners, byte-order marks, soft hyphens): never part of what it says.
INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# Spaces, spreadsheet quoting (' " ` =, and the curly quotes a Chinese keyboard types), and
# the invisible characters.
_STRIP = re.compile(rf"[\s'\"`=‘’“”′″]|{INVISIBLE.pattern}")
# The dashes (hyphen, the Unicode hyphens and dashes) a clerk groups an ID's digits with.
_GROUP_DASHES = re.compile("[-‐‑‒–—―]")
# What a clerk writes in an ID cell for no ID (after ``clean_text``: spaces gone, full-width
# made half-width, upper case): 无, 不详, 待补, 暂无, 空, a dash or a slash, 未知, 无身份证,
# a note in brackets after it (无(未办证)). Not a mistyped ID: the cell says there is none.
NO_ID = re.compile(
    r"^(?:[-‐‑‒–—―/\\.…?*]+|无|暂无|没有|不详|未知|不知道|待补|待补录|待查|待填|待录入|空|空白|暂缺|缺"
    r"|无身份证号?码?|无证|未办|未办证|未办理|NULL|NONE|N/?A)(?:\([^()0-9]*\))?$"
)
# A 15-digit ID a spreadsheet wrote as a float (532326550723065.0, 5.32326550723065E+14): a
# float holds 15 digits exactly, so this is the old ID itself, not a mangled one.
_WHOLE_15 = re.compile(r"^(\d{15})\.0+$|^(\d)\.(\d{14})E\+?14$")


@dataclass(frozen=True)
class IdNumber:
    """A cleaned ID: ``value`` is the 18-character ID when usable, the cleaned text when
    invalid, None when damaged or blank."""

    value: str | None
    status: str
    problem: str | None = None
    birth_date: date | None = None
    gender: str | None = None
    prefix: str | None = None


def check_char(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits.

    Parameters
    ----------
    first17 : str
        The first 17 digits of an ID number.

    Returns
    -------
    str
        The check character: a digit or ``X``.
    """
    return CHECK_CHARS[sum(map(mul, map(int, first17), WEIGHTS)) % 11]


def upgrade_15(old: str) -> str:
    """The 18-digit form of a 15-digit ID (issued to people born in the 1900s).

    Parameters
    ----------
    old : str
        A 15-digit ID number.

    Returns
    -------
    str
        The 18-character ID: ``19`` inserted before the birth year, a check character added.
    """
    first17 = old[:6] + "19" + old[6:]
    return first17 + check_char(first17)


def clean_text(raw: str) -> str:
    """Trim, full-width to half-width, drop spreadsheet quoting and inner spaces, upper-case.

    Repeated until nothing changes, since NFKC can itself expose a space (``´`` becomes a
    space and an accent), so that cleaning twice gives what cleaning once gave.

    Parameters
    ----------
    raw : str
        A cell's text.

    Returns
    -------
    str
        The cleaned text (empty if nothing is left).
    """
    if raw.isascii() and raw.isalnum():
        return raw.upper()
    text = raw
    while True:
        cleaned = _STRIP.sub("", unicodedata.normalize("NFKC", text)).upper()
        if cleaned == text:
            return cleaned
        text = cleaned


def parse_id(raw: str | None) -> IdNumber:
    """Clean and classify one raw ID value; never raises.

    Parameters
    ----------
    raw : str | None
        The ID as written in a file, or None.

    Returns
    -------
    IdNumber
        The cleaned value with its status, problem, and the birth date and gender when usable.
    """
    text = clean_text((raw or "").replace("×", "X"))  # the times sign typed for X
    if not text:
        return IdNumber(None, "blank")
    if not text[0].isdigit() and NO_ID.match(text):  # a word: most cells are digits
        return IdNumber(None, "blank", "placeholder")
    whole = _WHOLE_15.match(text)
    if whole:
        text = "".join(part for part in whole.groups() if part)
    damage = _damage_prefix(text)
    if damage is not None:
        return IdNumber(None, "damaged", "spreadsheet_damage", prefix=damage)
    if not ID_SHAPE.match(text):
        grouped = _GROUP_DASHES.sub("", text)  # 350524-19770207-1146: grouped as written out
        if not ID_SHAPE.match(grouped):
            return IdNumber(text, "invalid", "bad_shape")
        text = grouped
    if len(text) == 15:
        return _check(upgrade_15(text), "upgraded", original=text)
    return _check(text, "valid", original=text)


def _check(candidate: str, status: str, original: str) -> IdNumber:
    born = _birth_date(candidate[6:14])
    if candidate[:2] not in PROVINCES:
        return IdNumber(original, "invalid", "bad_region")
    if born is None:
        return IdNumber(original, "invalid", "bad_birth_date")
    if check_char(candidate[:17]) != candidate[17]:
        if len(original) == 18 and original.endswith("000"):
            return IdNumber(None, "damaged", "zeroed_tail", prefix=original[:15])
        return IdNumber(original, "invalid", "bad_check_digit")
    return IdNumber(candidate, status, None, born, gender_of(candidate))


def _damage_prefix(text: str) -> str | None:
    """The reliable leading digits of a number a spreadsheet mangled, or None if not mangled."""
    scientific = _SCIENTIFIC.match(text)
    if scientific:
        # a spreadsheet shows 15 digits, the 15th rounded (5.32326200812175E+17 for
        # 532326200812174623), and drops the zeros after the last it shows (5.3232619930503E+17
        # for 532326199305030806: all 14 hold); a program's float shows 16 or 17, 15 holding
        mantissa = scientific.group(1) + (scientific.group(2) or "")
        return mantissa[: 14 if len(mantissa) == 15 else 15].rstrip("0") or mantissa[:1]
    float_text = _FLOAT_TEXT.match(text)
    if float_text:
        return float_text.group(1)[:15]
    return None


def birth_date_of(id18: str) -> date | None:
    """The birth date an 18-digit ID number carries (digits 7 to 14).

    Parameters
    ----------
    id18 : str
        An 18-digit ID number.

    Returns
    -------
    date | None
        The date, or None when those digits are no date.

    Examples
    --------
    >>> birth_date_of("532326196301057609")
    datetime.date(1963, 1, 5)
    """
    return _birth_date(id18[6:14])


def gender_of(id18: str) -> str:
    """The gender an 18-digit ID number carries (its 17th digit: odd for men).

    Parameters
    ----------
    id18 : str
        An 18-digit ID number.

    Returns
    -------
    str
        ``M`` or ``F``.

    Examples
    --------
    >>> gender_of("532326196807197039"), gender_of("532326197003020021")
    ('M', 'F')
    """
    return "M" if int(id18[16]) % 2 else "F"


def details_not_of_id(id18: str, birth_date: date | None, gender: str | None) -> list[str]:
    """What a row writes of its person (its own birth date and gender) that the 18-digit ID
    it carries contradicts. A renamed person keeps both, so a notice under another name
    whose own are not its ID's is another's, typed with that ID.

    Parameters
    ----------
    id18 : str
        The valid 18-digit ID the row carries.
    birth_date : date or None
        The row's own birth date, None when blank.
    gender : str or None
        The row's own gender, ``M`` or ``F``, None when blank.

    Returns
    -------
    list of str
        ``出生日期`` and ``性别``, those that are not the ID's, in that order; empty when
        neither is.

    Examples
    --------
    >>> details_not_of_id("532326196807197039", None, "F")
    ['性别']
    """
    stated = (("出生日期", birth_date is not None and birth_date != birth_date_of(id18)),
              ("性别", gender is not None and gender != gender_of(id18)))  # fmt: skip
    return [what for what, differs in stated if differs]


def _birth_date(digits: str) -> date | None:
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None
    return born if date(1870, 1, 1) <= born <= date(2030, 12, 31) else None


_DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def clean_valid_ids(values: pa.Array) -> np.ndarray:
    """Which values are already clean, valid 18-character IDs — what ``parse_id`` would
    return unchanged with status ``valid`` — checked as arrays (most of a column is).

    Parameters
    ----------
    values : pa.Array
        A column's raw ID texts (``pa.string()``; a null is not an ID).

    Returns
    -------
    np.ndarray
        One bool per value: True where it is a clean, valid 18-character ID.
    """
    shaped = pc.fill_null(pc.match_substring_regex(values, r"^[0-9]{17}[0-9X]$"), False)
    shaped = shaped.to_numpy(zero_copy_only=False).copy()
    positions = np.flatnonzero(shaped)
    if len(positions) == 0:
        return shaped
    ids = values.filter(shaped)
    start = np.frombuffer(ids.buffers()[1], np.int32)[ids.offset]
    text = np.frombuffer(ids.buffers()[2], np.uint8)[start : start + 18 * len(ids)]
    chars = text.reshape(len(ids), 18)
    digits = chars[:, :17].astype(np.int32) - ord("0")
    checks = np.frombuffer(CHECK_CHARS.encode("ascii"), dtype=np.uint8)
    good = checks[(digits @ np.array(WEIGHTS, np.int32)) % 11] == chars[:, 17]
    good &= np.isin(digits[:, 0] * 10 + digits[:, 1], [int(code) for code in PROVINCES])
    year = digits[:, 6:10] @ np.array([1000, 100, 10, 1], np.int32)
    month = digits[:, 10] * 10 + digits[:, 11]
    day = digits[:, 12] * 10 + digits[:, 13]
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_days = _DAYS_IN_MONTH[np.clip(month, 0, 12)] + ((month == 2) & leap)
    good &= (year >= 1870) & (year <= 2030) & (month >= 1) & (month <= 12)
    good &= (day >= 1) & (day <= month_days)
    shaped[positions] = good
    return shaped


def mask_id(value: str | None) -> str:
    """An ID for people who may not see it: the region code and the check digit of an
    18-digit number, ``532326***********4``.

    The birth date and the three sequence digits of an 18-digit number are hidden (and with
    them the gender, the 17th digit's parity): a birth date shown or guessed elsewhere (a
    newborn enrolled the day it was born) still leaves some 90 numbers, the year alone tens
    of thousands. A longer value that begins with one (a disability certificate: the ID and
    two digits) hides the same characters. A 15-digit ID, or an 18-digit one typed a digit
    short (17 digits), shows its region only: its last digit is the sequence digit that
    gives the gender. Any other value of 15 characters or more (a bank account, an ID typed
    with a digit too many) shows its region and last character only: its sequence digits
    are never shown beside a birth date. A shorter one (a damaged number such as
    ``5.32326E+17``) shows its region and last four.

    Parameters
    ----------
    value : str | None
        An ID number (or a certificate or account number), or None.

    Returns
    -------
    str
        The masked text; all stars if it has ten characters or fewer, empty if there is none.

    Examples
    --------
    >>> mask_id("532326199001011235")
    '532326***********5'
    >>> mask_id("53232619900101123521")
    '532326***********521'
    >>> mask_id("6228481614944890177")
    '622848************7'
    >>> mask_id("53232619900101123")
    '532326***********'
    >>> mask_id("532326900101123")
    '532326*********'
    >>> mask_id("5.32326E+17")
    '5.3232*E+17'
    """
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    if len(value) < 15:
        return value[:6] + "*" * (len(value) - 10) + value[-4:]
    if _ID_OR_CERTIFICATE.match(value):
        return value[:6] + "*" * 11 + value[17:]
    if _GENDER_LAST.match(value):
        return value[:6] + "*" * (len(value) - 6)
    return value[:6] + "*" * (len(value) - 7) + value[-1]


# An 18-digit ID (its birth date typed right or not), alone or with a certificate's two
# digits after it; not a 19-digit bank account.
_ID_OR_CERTIFICATE = re.compile(r"\d{17}[\dXx](?:\d\d)?$")
# A 15-digit ID, or an 18-digit one typed a digit short: its last digit gives the gender.
_GENDER_LAST = re.compile(r"\d{15}$|\d{17}$")


# Digits in groups, separated by one to three characters that are neither a letter nor a digit
# (a space of any width, a tab, ``_``, a dash, ``/``, ``.``, a comma or ``，``, ``|``, ``:``,
# ``+``, a bracket, an invisible character): an ID or an account written as
# ``532326 19560101 6870``, ``532326,19560101,6870``, ``5323 2619 5601 0168 70`` or
# ``6228 4800 1234 5678 901``. Within a run of groups, each longest stretch of groups (all
# but its last of three digits or more: a date's ``01`` and an amount's ``.50`` are no part of
# one) that holds 15 to 19 digits is masked, as is any run of 15 or more digits wherever it
# stands (a case number made of ``DB`` and an ID too). A case number's 12 digits, a date, an
# amount (``1,234.50``) stay.
_SEPARATOR = r"[\W_]{1,3}"
_DIGIT_GROUPS = re.compile(rf"(?<!\d)\d+(?:{_SEPARATOR}\d+)*(?:(?:{_SEPARATOR})?[Xx])?(?!\d)")
_SPLIT = re.compile(rf"({_SEPARATOR})")
_LONG_RUN = re.compile(r"\d{14,}[\dXx]")


def mask_numbers(text: str) -> str:
    """A text (evidence, a case number, a label, a file name) with every ID or account number
    in it masked as ``mask_id`` masks one, however its digits are grouped.

    Parameters
    ----------
    text : str
        The text as written.

    Returns
    -------
    str
        The text, such numbers as ``532326***********0``.

    Examples
    --------
    >>> mask_numbers("证号 532326195601016870，尾号 6870，案件 DB532326000004，DB532326195601016870")
    '证号 532326***********0，尾号 6870，案件 DB532326000004，DB532326***********0'
    >>> mask_numbers("户主 532326 19560101 6870，卡号 6228 4800 1234 5678 901，2021-10-11 发放 455.00")
    '户主 532326***********0，卡号 622848************1，2021-10-11 发放 455.00'
    >>> mask_numbers("2021-10-11 532326 19560101 6870 2021")
    '2021-10-11 532326***********0 2021'
    >>> mask_numbers("350524——19770207——1146，３５０５２４－１９７７０２０７－１１４６，350524−19770207−1146")
    '350524***********6，３５０５２４***********６，350524***********6'
    >>> mask_numbers("532326_19900907_7407，532326 _19900907_ 7407")
    '532326***********7，532326***********7'
    """
    return _DIGIT_GROUPS.sub(lambda match: _masked_groups(match.group()), text)


# A day as Doudi and the registries write one: ``1963-01-21``, ``1963/1/21``, ``1963.1.21``,
# ``1963年1月21日``, ``19630121`` (not after a letter: a case number ``DB20210115`` is none).
# A month alone (``2021-10``) is no day.
_YEAR = r"(?<!\d)((?:18|19|20)\d\d)"
_MONTH, _DAY = r"(0?[1-9]|1[0-2])", r"(0?[1-9]|[12]\d|3[01])(?!\d)"
_DAYS = (
    re.compile(rf"{_YEAR}([\-/.]){_MONTH}(\2){_DAY}"),
    re.compile(rf"{_YEAR}(\s*年\s*){_MONTH}(\s*月\s*){_DAY}"),
    re.compile(r"(?<![\dA-Za-z])((?:18|19|20)\d\d)()(0[1-9]|1[0-2])()(0[1-9]|[12]\d|3[01])(?!\d)"),
    # in Chinese numerals: 一九六三年一月二十一日
    re.compile(
        r"([〇○零一二三四五六七八九]{4})(\s*年\s*)(元|[一二三四五六七八九十]{1,2})(\s*月\s*)"
        r"([一二三四五六七八九十]{1,3})(?=\s*[日号])"
    ),
)
# A day with the year last, as Excel's US locale shows one: 3/13/1963, 13.3.1963.
_YEAR_LAST_DAY = re.compile(
    r"(?<![\d/.\-])(?:0?[1-9]|[12]\d|3[01])([\-/.])(?:0?[1-9]|[12]\d|3[01])"
    r"\1((?:18|19|20)\d\d)(?!\d)"
)


def mask_dates(text: str) -> str:
    """A text with the month and day of every date in it hidden, the year kept, as a birth
    date is shown (``1956-**-**``): a date in a text may be a birth date, and with the
    region and check digit a mask shows it would leave a few dozen ID numbers.

    Parameters
    ----------
    text : str
        The text as written.

    Returns
    -------
    str
        The text, its dates as ``1950-**-**``, ``1950年**月**日``, ``1950****``,
        ``一九五〇年**月**日``, ``**/**/1950``.

    Examples
    --------
    >>> mask_dates("死亡记录的出生日期（1950-01-21）与本人身份证号所示（1963年1月21日）不同")
    '死亡记录的出生日期（1950-**-**）与本人身份证号所示（1963年**月**日）不同'
    >>> mask_dates("出生 19630121，2021/10/11 发放，2022-01 至 2024-06，金额 20210.50")
    '出生 1963****，2021/**/** 发放，2022-01 至 2024-06，金额 20210.50'
    >>> mask_dates("出生 一九六三年一月二十一日，或 1/21/1963、21.1.1963，1963年1月21号")
    '出生 一九六三年**月**日，或 **/**/1963、**.**.1963，1963年**月**号'
    """
    for pattern in _DAYS:
        text = pattern.sub(_masked_day, text)
    return _YEAR_LAST_DAY.sub(lambda day: f"**{day[1]}**{day[1]}{day[2]}", text)


def _masked_day(day: re.Match) -> str:
    year, first, _, second, _ = day.groups()
    return f"{year}{first}**{second}**"


def mask_text(text: str) -> str:
    """A free text (evidence, a reason, a note, a screening's line) as a role that reads masks
    reads it: its ID and account numbers masked (``mask_numbers``) and its dates too
    (``mask_dates``).

    Parameters
    ----------
    text : str
        The text as written.

    Returns
    -------
    str
        The text, such numbers as ``532326***********0`` and dates as ``1956-**-**``.

    Examples
    --------
    >>> mask_text("户主 532326 19560101 6870 生于 1956-01-01")
    '户主 532326***********0 生于 1956-**-**'
    """
    return mask_dates(mask_numbers(text))


# A mobile number, with or without +86: grouped by spaces or dashes anywhere
# (``138 1234 5678``, ``1381-234-5678``), or 3-4-4 by any separator an ID may be grouped with
# (``153,3066,0260``, ``153|3066|0260``). Only there: two amounts (``1500.00 200.00``) are no
# phone.
_MOBILE = re.compile(
    rf"(?<!\d)(?:\+?86[ \-]?)?(1[3-9]\d(?:(?:[ \-]?\d){{8}}|(?:{_SEPARATOR}?\d{{4}}){{2}}))(?!\d)"
)


def mask_typed(text: str) -> str:
    """A text a person typed (a reviewer's reason, a 责任人, a cell a data-quality finding
    shows) with its ID and account numbers and its dates masked (``mask_text``) and its
    mobile numbers too (``mask_phone``): only in typed text, where an 11-digit number is a
    phone and not a case number.

    Parameters
    ----------
    text : str
        The text as typed.

    Returns
    -------
    str
        The text, such numbers as ``532326***********0`` and ``138****5678``.

    Examples
    --------
    >>> mask_typed("户主 532326-19560101-6870，电话 +86 138 1234 5678，1956年1月1日生")
    '户主 532326***********0，电话 138****5678，1956年**月**日生'
    """
    return _MOBILE.sub(lambda match: mask_phone(re.sub(r"\D", "", match.group(1))),
                       mask_text(text))  # fmt: skip


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


def _masked_groups(run: str) -> str:
    """A run of digit groups with each stretch of groups that is an ID or account masked."""
    parts = _SPLIT.split(run)  # group, separator, group, ...
    groups, shown, start = parts[::2], [], 0
    while start < len(groups):
        end = _number_end(groups, parts[1::2], start)
        if end is None:
            shown.append(_LONG_RUN.sub(lambda long: mask_id(long.group()), groups[start]))
            end = start + 1
        else:
            shown.append(mask_id("".join(groups[start:end])))
        if end < len(groups):
            shown.append(parts[2 * end - 1])
        start = end
    return "".join(shown)


# What a clerk groups an ID's or an account's digits with (a space of any width, a tab, ``_``,
# a dash, ``/``, ``.``, an invisible character); digits joined by anything else (a list's
# ``，`` or ``、``, ``|``, ``:``) are one number only where they read as an ID (``_reads_as_id``):
# ``2021、2022、2023、2024`` or ``202101、202102、202103`` is a list.
_GROUPING = re.compile(rf"(?:[\s_\-/.\u2010-\u2015\u2212\ufe58\ufe63\uff0d]|{INVISIBLE.pattern})+")


def _number_end(groups: list[str], separators: list[str], start: int) -> int | None:
    """The end of the longest stretch of two or more groups from ``start`` that is an ID or
    an account (15 to 19 digits, every group but the last of three or more; joined otherwise
    than ``_GROUPING`` groups digits, an ID's province and birth date), or None."""
    found, digits = None, len(groups[start])
    for end in range(start + 1, len(groups)):
        if len(groups[end - 1]) < 3:
            break
        digits += len(groups[end])
        if digits > 19:
            break
        grouped = all(_GROUPING.fullmatch(mark) for mark in separators[start:end])
        if digits >= 15 and (grouped or _reads_as_id("".join(groups[start : end + 1]))):
            found = end + 1
    return found


def _reads_as_id(digits: str) -> bool:
    """Whether digits begin with a province's code and hold a birth date where an ID holds
    one (15 digits: its 6 after the region; more, a digit short or over too: its 8), whatever
    their check digit."""
    born = f"19{digits[6:12]}" if len(digits) == 15 else digits[6:14]
    return digits[:2] in PROVINCES and _birth_date(born) is not None


# Characters that show nothing: format and control characters, combining marks, spaces and
# line breaks, and the fillers a font draws blank (Hangul fillers, the blank Braille pattern).
_SHOWING_NOTHING = frozenset({"Cc", "Cf", "Mn", "Me", "Zs", "Zl", "Zp"})
_FILLERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def shows_nothing(char: str) -> bool:
    """Whether a character shows nothing where it stands: whitespace, a format or control
    character (a zero-width space, a BOM), a combining mark with nothing to combine with
    (U+034F, a variation selector) or a filler (U+3164, U+2800).

    Parameters
    ----------
    char : str
        One character.

    Returns
    -------
    bool
        True when it shows nothing.

    Examples
    --------
    >>> [shows_nothing(c) for c in " \u3000\u200b\u3164\u2800\ufe0f\u034f\u17b5核1"]
    [True, True, True, True, True, True, True, True, False, False]
    """
    return (char.isspace() or char in _FILLERS
            or unicodedata.category(char) in _SHOWING_NOTHING)  # fmt: skip
