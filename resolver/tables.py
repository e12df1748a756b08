"""One table of a drop (a sheet, or a CSV file) read, checked and normalised.

A located table (``resolver.layout``) becomes a ``Source``: the raw values as read, the
normalised columns beside them, and a data-quality finding for every problem in a row. Its
sheet name, file name and title are its context: the year and month of a payments file, the
program of a 特困 roster. Work is columnar: each column is normalised through its distinct
values only.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import partial
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from resolver.errors import InputError, raise_collected
from resolver.funds import INSTITUTIONS, OTHER, UNKNOWN, fund_categories, fund_kind
from resolver.headers import (
    PREFERRED,
    TYPE_AND_LEVEL,
    TYPE_AND_LEVEL_HEADER,
    Vocabulary,
    header_key,
)
from resolver.idcard import USABLE, mask_id, mask_phone, mask_typed, parse_id
from resolver.layout import NOT_DEATH, RESTORED, Located, is_blank
from resolver.normalize import (
    AMOUNT_UNIT_STATED,
    EXCEL_ERRORS,
    NORMALIZERS,
    NOT_A_PROGRAM,
    RANGE_JOIN,
    STATUS_WORDS,
    VOCABULARIES,
    Result,
    id_beside_name,
    months_with_two_digits,
    normalize_date,
    normalize_distinct,
    normalize_id,
    outputs_of,
    read_as_october,
    read_in_order,
    read_relation_code,
    relation_code_table,
    type_and_level,
    year_alone,
)
from resolver.reading import REPLACEMENT, Grid
from resolver.registries import (
    CANCEL_DATE_HEADERS,
    CANCEL_REASON_HEADERS,
    CERT_STATUS_HEADERS,
    COUNTY_HEADERS,
    FUND_HEADERS,
    HUKOU_STATUS_HEADERS,
    READ_EXTRAS,
    REGISTRIES,
    YEAR_HEADERS,
    Column,
    Registry,
)
from resolver.workbook_xml import column_letters

SENSITIVE = ("id_number", "payee_id_number", "cert_no", "bank_account")
# Kinds whose values say what a column is, whatever its header.
VALUE_KINDS = frozenset({"program", "yes_no", "disability_type", "disability_level"})


FINDINGS_SCHEMA = pa.schema(
    [
        ("registry", pa.string()),
        ("record_id", pa.string()),
        ("source_no", pa.int64()),
        ("row_no", pa.int64()),
        ("column_name", pa.string()),
        ("problem", pa.string()),
        ("raw_value", pa.string()),
    ]
)


# (column, column it must agree with, problem) for checks between the columns of one row.
AGREEMENTS = (
    ("birth_date", "id_number_birth_date", "birth_date_conflicts_id"),
    ("gender", "id_number_gender", "gender_conflicts_id"),
    ("cert_no_id_number", "id_number", "cert_conflicts_id"),
    ("cert_no_type", "disability_type", "cert_conflicts_type"),
    ("cert_no_level", "disability_level", "cert_conflicts_level"),
)
# Of those, the contradictions an ID's zeroed last digits make (its gender digit zeroed: a
# man's ID reads a woman's; the certificate holds the whole ID).
ZEROED_CONFLICTS = frozenset({"gender_conflicts_id", "cert_conflicts_id"})
_YEAR_MONTH = re.compile(r"(20\d{2}|19\d{2})\s*[年.\-_/]?\s*(1[0-2]|0?[1-9])\s*月")
_YEAR_MONTH_DASHED = re.compile(r"(20\d{2})[\-_.](1[0-2]|0[1-9])(?!\d)")
_YEAR = re.compile(r"(20\d{2}|19\d{2})\s*年")
# A year written alone in a name (2026发放记录, 发放记录_2026, a sheet 2026): four digits no
# other digit touches (not of a county's code 532326 nor an ID), no ordinal's (第2026号) nor a
# count's (2000人, 1950元).
_BARE_YEAR = re.compile(r"(?<![\d第])(20\d{2}|19\d{2})(?![\d人户元条号个名万项])")
# A date a title stamps its export with (导出时间：2025年1月6日, 制表日期 2024.07.03, 打印于
# 2024年7月3日) or its cut-off (截至2024年6月25日): when the table was made or how far it runs,
# not the month of its lines. A day or a 时间/日期 says it is a stamp; 导出2024年6月发放表,
# 截至2024年6月 or 统计2024年6月发放 name the lines' month.
_STAMP_YEAR_MONTH = r"(?:20|19)\d{2}\s*[年.\-_/]\s*\d{1,2}\s*"
_STAMP_DAY = r"\d{1,2}(?!\d)\s*[日号]?"
_DATE_STAMP = re.compile(
    rf"(?:导出|打印|制表|填报|报送)(?:时间|日期)\s*[:：]?\s*"
    rf"{_STAMP_YEAR_MONTH}(?:月|[.\-_/])?\s*(?:{_STAMP_DAY})?"
    rf"|(?:导出|打印|制表|填报|报送|截至|截止)于?\s*[:：]?\s*"
    rf"{_STAMP_YEAR_MONTH}(?:月|[.\-_/])\s*{_STAMP_DAY}"
)
# What after a name's month says it names several: a range (2023年1月—2023年3月, 2024年1月至12月,
# 2024.01-2024.03) or a list (2023年1月、2月).
_MORE_MONTHS = re.compile(
    r"\s*(?:-|—|–|~|～|至|到|、|,|，|和|及)\s*(?:\d{4}\s*[年.\-_/]\s*\d{1,2}|\d{1,2}\s*月)"
)
# The dates a file's name may give, which change every month: 2026年8月, 2026年度, 8月份,
# 2026-08, 2026.8.31, 202608, 20260831, an export's time 20260831153012.
_DATE_IN_NAME = re.compile(
    r"(?:19|20)\d{2}\s*年度?(?:\s*(?:1[0-2]|0?[1-9])\s*月(?:份|\s*[0-3]?\d\s*日)?)?"
    r"|(?<!\d)(?:1[0-2]|0?[1-9])\s*月(?:份|\s*[0-3]?\d\s*日)?"
    r"|(?<!\d)(?:19|20)\d{2}[-_.](?:1[0-2]|0?[1-9])(?:[-_.][0-3]?\d)?(?!\d)"
    r"|(?<!\d)(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:\d{2}){0,4}(?!\d)"
)
# A header's unit saying 万元: 发放金额（万元）, 人均纯收入(万元/年) (read after NFKC).
_WAN_UNIT = re.compile(r"\(\s*万元?\s*(?:/[^)]*)?\)")
_EMPTY_BRACKETS = re.compile(r"[(（\[【]\s*[)）\]】]")
# A year column's cell (2024, 2024年, 2024年度), and the month cell beside it (3, 03, 3月).
_YEAR_CELL = re.compile(r"^\s*(20\d{2}|19\d{2})\s*(?:年度?)?\s*$")
_MONTH_CELL = re.compile(r"^\s*(1[0-2]|0?[1-9])\s*(?:月份?)?\s*$")
# A month alone: 1月, 01月, 12月份 (a cell of a payments table, a sheet's or a column's name).
MONTH_ONLY = re.compile(r"^\s*(1[0-2]|0?[1-9])\s*月份?\s*$")
# A range of months or a quarter without its year (1-3月, 1月至3月, 第一季度, 1-3月补发: a
# quarter's line in a table whose name, or a year column, gives the year).
MONTHS_ONLY = re.compile(
    rf"^\s*(?:(?:1[0-2]|0?[1-9])\s*月?\s*{RANGE_JOIN}\s*(?:1[0-2]|0?[1-9])\s*月份?"
    r"|第?[1-4一二三四]季度?)\s*(?:[(（]?补发?[)）]?)?\s*$"
)
_AMBIGUOUS_MONTH = re.compile(r"^\s*(\d{4})\.1\s*$")
# A 所属月份 cell holding no month at all, read as a blank one (无, /, —, ？, 待核): no digit, no
# numeral, none of 年 月 季 补 and no Excel error (#N/A). A cell with any of them that could
# not be read (several months, a range running back) is never taken for the month paid.
_NO_MONTH = r"^[^0-9０-９〇○零一二两三四五六七八九十元年月季补#]*$"
# Words in a table's names that say its program, when it has no 救助类型 column.
_PROGRAM_WORDS = (("特困", ("特困", "五保", "供养")), ("低保", ("低保", "最低生活保障")))
# A township a name begins with (a sheet per township, a township's file or title), after the
# county's name if any: 六苴镇, 铁锁乡, 湾碧傣族傈僳族乡, 大姚县金碧镇2024年低保花名册, 城关镇_低保;
# two characters at least before the suffix, and not the word 乡镇, so 城乡低保 and 各乡镇汇总
# name none. The names of divisions above it the name begins with (each up to its first 省 /
# 州 / 盟 / 市 / 县 / 旗, or 区 for a city's district; three at most) are theirs whatever follows
# (atomic): 大姚县城乡低保花名册, 麒麟区城乡低保花名册 and 曲靖市麒麟区城乡… name none, not 大姚县城乡
# or 麒麟区城乡. A division's name holds no 镇, 乡, 街道 or 苏木: 金碧镇城区低保花名册 and
# 六苴镇山区低保 name 金碧镇 and 六苴镇, their 城区 and 山区 no district.
_TOWNSHIP_IN_NAME = re.compile(
    r"^(?>(?:(?:(?!街道|苏木|[镇乡])[\u4e00-\u9fff]){2,6}?[省州盟市县旗区]){0,3})(?![^镇乡]*乡镇)"
    r"([\u4e00-\u9fff]{2,8}?(?:镇|乡|街道|苏木))"
)


@dataclass
class Source:
    """One table of a file (a sheet, or the CSV itself), read, checked and normalised. Its
    tables are None while a worker process hands them over (``resolver.ingest``)."""

    registry: Registry
    path: Path
    sheet: str | None
    file_format: str
    encoding: str | None
    header_rows: tuple[int, ...]
    mapping: list[tuple[str, str]]
    unmapped: list[str]
    skipped: list[tuple[int, str]]
    notes: list[str]
    merged_cells: int
    raw: pa.Table | None
    normalised: pa.Table | None
    findings: list[pa.Table]
    spilled: Path | None = None  # where a worker wrote the tables
    number: int = -1  # source_no
    # Its source_no in the last ingest, whose stored rows it is (its tables then hold only the
    # columns the drop's checks read: ``resolver.ingest._checked``).
    previous: int | None = None
    first_column: int = 0  # the sheet's column (from 0) its first column is (``Grid``)
    # A payments table reading 实发 beside 应发: each row's 应发, read (``owed_amounts``).
    owed: pa.Table | None = None
    # A deaths table's rows whose registration was restored (``death_notices_only``), as
    # ``RESTORATIONS_SCHEMA``; None for any other table.
    restored: pa.Table | None = None
    # The months (YYYY-MM) its sheet name, file name and title each give (``Context``).
    named_months: tuple[str, ...] = ()

    @property
    def rows(self) -> int:
        """How many data rows the table gave (0 while its tables are handed over)."""
        return self.normalised.num_rows if self.normalised is not None else 0


@dataclass(frozen=True)
class Context:
    """What a table's sheet name, file name or title says of all its rows: the year and month
    (a month's payment file), the program (a 特困 roster)."""

    year: int | None = None
    month: int | None = None
    program: str | None = None
    id_name: str = ""
    """What derived record ids begin with (``_derived_ids``): the file's name and the sheet's,
    each without its dates (``undated_name``) unless a sibling differs only by them
    (``dated_apart``)."""
    township: str | None = None
    """The township a sheet, title or file is named for (a sheet per township)."""
    named_months: tuple[tuple[str, str], ...] = ()
    """Each of sheet name, file name and title that gives a month (a sheet named for a month
    alone, 12月, in the year the others give): what it is (工作表名, 文件名, 标题) and the
    month, ``YYYY-MM``."""
    office: str | None = None
    """The office a death notice table's sheet, title or file is named for (``named_office``),
    for a table without a 数据来源 column."""

    def fill(self, column: str) -> str | None:
        """The value a column the table lacks takes from the context, if any.

        Parameters
        ----------
        column : str
            A contract column's English name.

        Returns
        -------
        str | None
            ``YYYY-MM`` for ``pay_month`` when the year and month are known, the program
            for ``program``, the township for ``township``, the office for ``source``, else
            None.
        """
        if column == "pay_month" and self.year and self.month:
            return f"{self.year}-{self.month:02d}"
        return {"program": self.program, "township": self.township,
                "source": self.office}.get(column)  # fmt: skip


# The offices a death notice file is named for, and the words that name each (公安户籍注销.xlsx,
# 卫健死亡医学证明.csv, 殡葬火化记录.xlsx): until 2026-12-07 (late) a notice file without a
# 数据来源 column read 来源不明 on every notice, and two offices' reports of one death were no
# corroboration.
OFFICE_NAMES = (
    ("公安", ("公安", "派出所", "户籍注销")),
    ("卫健", ("卫健", "卫生", "医院", "死亡医学证明")),
    ("殡葬", ("殡葬", "殡仪", "火化", "火葬")),
    ("残联", ("残联", "残疾人联合会")),
)


def named_office(text: str) -> str | None:
    """The one office a name names (``OFFICE_NAMES``), written as the 数据来源 column writes
    it; None when it names none or several.

    Parameters
    ----------
    text : str
        A sheet name, title or file name.

    Returns
    -------
    str or None
        The office.

    Examples
    --------
    >>> named_office("卫健死亡医学证明"), named_office("公安户籍注销名单"), named_office("死亡人员")
    ('卫健', '公安', None)
    >>> named_office("公安与殡葬比对") is None
    True
    """
    offices = {office for office, words in OFFICE_NAMES if any(word in text for word in words)}
    return offices.pop() if len(offices) == 1 else None


def named_month(text: str) -> tuple[int, int] | None:
    """The year and month a name gives (``2026年11月发放``, ``发放_2026-11``), or None; none
    for a name of several months (``发放明细（2023年1月—2023年3月）``, ``2023年1月、2月``), nor
    from a date stamping its export or cut-off (``导出时间：2025年1月6日``, ``截至2024年6月``).

    Parameters
    ----------
    text : str
        A file, sheet or folder name.

    Returns
    -------
    tuple of (int, int) or None
        The year and the month.

    Examples
    --------
    >>> named_month("2026年11月发放"), named_month("发放_2026-11"), named_month("发放记录_导出")
    ((2026, 11), (2026, 11), None)
    >>> named_month("资金发放明细（2023年1月—2023年3月）"), named_month("2024.01-2024.03")
    (None, None)
    >>> named_month("低保资金发放台账（导出时间：2025年1月6日）"), named_month("2024年6月发放（截至2024年7月3日）")
    (None, (2024, 6))
    """
    if several_months_named(text):
        return None
    text = _DATE_STAMP.sub("", text)
    match = _first_month(text)
    if match is None or several_months_named(text):
        return None
    return int(match.group(1)), int(match.group(2))


def _first_month(text: str) -> re.Match | None:
    return _YEAR_MONTH.search(text) or _YEAR_MONTH_DASHED.search(text)


def several_months_named(text: str) -> bool:
    """Whether a name gives several months (``发放明细（2023年1月—2023年3月）``): it dates no
    table's lines (``named_month``).

    Parameters
    ----------
    text : str
        A file, sheet or title name.

    Returns
    -------
    bool
        True for a range or a list of months.

    Examples
    --------
    >>> several_months_named("2023年1月—2023年3月"), several_months_named("2026年11月发放")
    (True, False)
    """
    match = _first_month(text)
    return match is not None and _MORE_MONTHS.match(text, match.end()) is not None


# A month's number as a name writes it: 9, 09, 12, 九, 十, 十二.
_MONTH_NUMBER = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
# A month a name gives, its year written or not (9月, 10月份, 九月发放).
_MONTH_OF_NAME = re.compile(rf"(?<![\d一二三四五六七八九十])({_MONTH_NUMBER})\s*月")
# Months a name joins as a range or a list (1-3月, 1月至3月, 7、8月, 七至九月).
_MONTHS_JOINED = re.compile(
    rf"{_MONTH_NUMBER}\s*月?\s*(?:{RANGE_JOIN}|[、,，和及])\s*{_MONTH_NUMBER}\s*月"
)


def named_month_number(text: str) -> int | None:
    """The month a name gives, its year written or not (``10月``, ``九月``, ``2026年10月发放``),
    or None; none for a name of several months (``1-3月``, ``7、8月``) nor from a date stamping
    its export.

    Parameters
    ----------
    text : str
        A file, sheet or title name.

    Returns
    -------
    int or None
        The month, 1 to 12.

    Examples
    --------
    >>> [named_month_number(name) for name in ("10月", "九月发放", "2026年12月", "发放_2026-03")]
    [10, 9, 12, 3]
    >>> [named_month_number(name) for name in ("1-3月", "7、8月", "汇总", "导出时间：2025年1月6日")]
    [None, None, None, None]
    """
    text = _DATE_STAMP.sub("", text)
    if several_months_named(text) or _MONTHS_JOINED.search(text):
        return None
    found = named_month(text)
    if found is not None:
        return found[1]
    months = {_month_of_word(word) for word in _MONTH_OF_NAME.findall(text)}
    return months.pop() if len(months) == 1 else None


def _month_of_word(word: str) -> int:
    """A month's number written in digits or numerals (``09``, ``十一``)."""
    if word.isdigit():
        return int(word)
    return _CHINESE_NUMBERS.index(word[-1]) + 1 + (10 if len(word) == 2 else 0)


def named_township(text: str) -> str | None:
    """The township a name begins with (``六苴镇``, ``大姚县金碧镇2024年低保花名册``), or None.

    Parameters
    ----------
    text : str
        A file, sheet or title name.

    Returns
    -------
    str or None
        The township as written, suffix included.

    Examples
    --------
    >>> named_township("六苴镇"), named_township("大姚县金碧镇2024年12月低保花名册")
    ('六苴镇', '金碧镇')
    >>> named_township("城乡低保特困对象花名册"), named_township("各乡镇汇总")
    (None, None)
    >>> named_township("大姚县城乡低保对象花名册"), named_township("大姚县城镇居民低保")
    (None, None)
    >>> named_township("麒麟区城乡低保对象花名册"), named_township("曲靖市麒麟区城乡低保花名册")
    (None, None)
    >>> named_township("曲靖市麒麟区南宁街道低保花名册"), named_township("楚雄州大姚县新市镇")
    ('南宁街道', '新市镇')
    >>> named_township("金碧镇城区低保花名册"), named_township("六苴镇山区低保")
    ('金碧镇', '六苴镇')
    """
    match = _TOWNSHIP_IN_NAME.match(text.strip())
    return match.group(1) if match else None


def undated_name(stem: str) -> str:
    """A file's name without the dates it gives (``_DATE_IN_NAME``), which an office changes
    every month while the table stays the same one.

    Parameters
    ----------
    stem : str
        A file's name without its extension.

    Returns
    -------
    str
        The name with its dates, and the brackets and separators they leave, taken out.

    Examples
    --------
    >>> [undated_name(stem) for stem in ("救助对象花名册2026年8月", "低保名册_202608",
    ...  "特困（2026-08）", "8月份发放表", "花名册20260831153012", "城关镇低保对象")]
    ['救助对象花名册', '低保名册', '特困', '发放表', '花名册', '城关镇低保对象']
    """
    undated = _EMPTY_BRACKETS.sub("", _DATE_IN_NAME.sub("", stem))
    return undated.strip(" _-.—") if undated != stem else stem


def dated_apart(names: Iterable[str]) -> set[str]:
    """The names that differ from another of ``names`` only by dates: those keep their dates
    in derived record ids, so that two tables never number their rows alike.

    Parameters
    ----------
    names : Iterable[str]
        The names of one folder's files, or of one file's sheets.

    Returns
    -------
    set of str
        The names some other name equals once both lose their dates (``undated_name``).

    Examples
    --------
    >>> sorted(dated_apart(["2026年7月发放", "2026年8月发放", "低保名册2026年8月", "8月"]))
    ['2026年7月发放', '2026年8月发放']
    """
    alike: dict[str, set[str]] = {}
    for name in names:
        alike.setdefault(undated_name(name), set()).add(name)
    return {name for group in alike.values() if len(group) > 1 for name in group}


def table_context(grid: Grid, located: Located, id_stem: str | None = None,
                  sheet_dated: bool = False) -> Context:  # fmt: skip
    """What the sheet name, the file name and the title above the header say of a table.

    The township: that the first of sheet name, title and file name begins with
    (``named_township``), for a table without a 乡镇 column.

    The year and month: the first of sheet name, file name and title naming both, else the
    year of the first naming a year (2026年, or 2026 alone: ``_BARE_YEAR``) with the month of a
    sheet named for a month alone (1月, 12月份). The program: that of the first of sheet name,
    title and file name naming any (the sheet is the most particular: a sheet 低保对象 of
    城乡低保特困对象花名册.xlsx is 低保); none when that one names both, or another group
    (低保边缘家庭: ``NOT_A_PROGRAM``).

    Parameters
    ----------
    grid : Grid
        The sheet or CSV file the table is in.
    located : Located
        The table within the grid.
    id_stem : str | None
        The file name derived record ids begin with, when not its ``undated_name`` (a drop
        holding another file whose name differs from it only by dates: ``2026年7月发放``,
        ``2026年8月发放``); the registry's name when that is empty (``202608.xlsx``).
    sheet_dated : bool
        Whether the sheet's name goes into derived record ids whole (a workbook with another
        sheet whose name differs from it only by dates: ``7月``, ``8月``), rather than
        without its dates (a roster's one sheet renamed each month: ``2026年8月``).

    Returns
    -------
    Context
        The year, month and program found (None where none is), and the ids' name.
    """
    texts = (grid.sheet or "", grid.path.stem, located.title)
    year, month = next(filter(None, map(named_month, texts)), (None, None))
    for text in texts if year is None else ():
        match = _YEAR.search(text) or _BARE_YEAR.search(text)
        if match:
            year = int(match.group(1))
            break
    township = next(filter(None, map(named_township, (grid.sheet or "", located.title,
                                                      grid.path.stem))), None)  # fmt: skip
    only = MONTH_ONLY.match(grid.sheet or "")
    if month is None and year is not None and only:  # 2025年发放表.xlsx, a sheet per month
        month = int(only.group(1))
    named = _named_months(texts, year if only else None)
    office = next(filter(None, map(named_office, (grid.sheet or "", located.title,
                                                  grid.path.stem))), None)  # fmt: skip
    for text in (grid.sheet or "", located.title, grid.path.stem):
        programs = {program for program, words in _PROGRAM_WORDS
                    if any(word in text for word in words)}  # fmt: skip
        if programs:
            one = len(programs) == 1 and not NOT_A_PROGRAM.search(text)
            return Context(
                year,
                month,
                programs.pop() if one else None,
                _id_name(grid, located, id_stem, sheet_dated),
                township,
                named,
                office,
            )
    return Context(
        year, month, None, _id_name(grid, located, id_stem, sheet_dated), township, named, office
    )


# What each of the texts ``table_context`` reads is, in its order.
_NAME_KINDS = ("工作表名", "文件名", "标题")


BACK_PAY_WORD = "补发"


def _named_months(texts: tuple[str, str, str], sheet_year: int | None
                  ) -> tuple[tuple[str, str], ...]:  # fmt: skip
    """Each of sheet name, file name and title (``texts``) giving a month, with the month; a
    sheet named for a month alone gives it in ``sheet_year`` (None: it gives none). A name
    saying 补发 gives none: its lines are of the months they make up for (2026年2月补发1月低保金
    lists January's), not the month it names first."""
    named = []
    for kind, text in zip(_NAME_KINDS, texts, strict=True):
        if BACK_PAY_WORD in text:
            continue
        found = named_month(text)
        only = MONTH_ONLY.match(text) if kind == "工作表名" and sheet_year else None
        if found is None and only:
            found = (sheet_year, int(only.group(1)))
        if found is not None:
            named.append((kind, f"{found[0]}-{found[1]:02d}"))
    return tuple(named)


def _id_name(grid: Grid, located: Located, id_stem: str | None, sheet_dated: bool) -> str:
    """What a table's derived record ids begin with: its file's name (``id_stem``, else the
    name without its dates, else the registry's) and its sheet's (whole when
    ``sheet_dated``, else without its dates)."""
    stem = undated_name(grid.path.stem) if id_stem is None else id_stem
    stem = stem or located.recognition.registry.chinese
    sheet = grid.sheet if sheet_dated or not grid.sheet else undated_name(grid.sheet)
    return stem + (f"-{sheet}" if sheet else "")


def programs_apart(located: Located, vocabulary: Vocabulary) -> tuple[Located, list[str]]:
    """The table with no column read as another enumeration (低保类别 ...) whose values are
    programs instead (保障类别 or 类别 holding 低保, 特困): such a column is the 救助类型
    whatever its header (``found_by_values`` reads it so when the table has none, and a
    second one is noted as such: ``_read_as``); the column's meaning is read from the next
    header naming it whose values fit, if any, with a note.

    Parameters
    ----------
    located : Located
        A table with its headers mapped (``resolver.headers.recognise``).
    vocabulary : Vocabulary
        The headers known per registry, to find another column of the meaning.

    Returns
    -------
    tuple[Located, list[str]]
        The table with those columns unmapped, and a Chinese note per column read instead.
    """
    recognition = located.recognition
    registry, texts = recognition.registry, located.header.texts
    positions, notes = dict(recognition.positions), []
    for name, position in recognition.positions.items():
        if not _programs_in(located, position, name):
            continue
        del positions[name]
        header = registry.column(name).header
        others = [p for p, text in enumerate(texts)
                  if p not in positions.values() and p != position
                  and vocabulary.column(registry.name, text) == name
                  and not _programs_in(located, p, name)]  # fmt: skip
        if others:
            positions[name] = others[0]
            notes.append(f"列「{texts[position].strip()}」的取值是救助类型（低保、特困），不是{header}："
                         f"{header}读取列「{texts[others[0]].strip()}」")  # fmt: skip
    return replace(located, recognition=replace(recognition, positions=positions)), notes


# A street's name (人民路, 解放街, 东风巷, 建设大道) as an urban address writes it, not a
# township or a 街道 (its 办事处).
_STREET = re.compile(r"(?<!街)(?:路|街|巷|大道|胡同|弄)(?:\d+号)?$")


def streets_apart(located: Located) -> tuple[Located, list[str]]:
    """The table with no column headed 街道 read as the 乡镇 whose values are streets (a 户籍
    file's 街道 column holding 人民路, 解放街: the street of the address, not the 街道办事处),
    with a note.

    Parameters
    ----------
    located : Located
        A table with its headers mapped (``resolver.headers.recognise``).

    Returns
    -------
    tuple[Located, list[str]]
        The table with such a column unmapped (kept as an extra column), and a Chinese note.

    Examples
    --------
    >>> bool(_STREET.search("人民路")), bool(_STREET.search("南宁街道")), bool(_STREET.search("解放街"))
    (True, False, True)
    """
    recognition = located.recognition
    position = recognition.positions.get("township")
    if position is None or "街道" not in located.header.texts[position]:
        return located, []  # a 乡镇 column's 龙街 is a township
    distinct = _distinct_values(located, position)
    if not distinct or sum(bool(_STREET.search(v)) for v in distinct) < 0.9 * len(distinct):
        return located, []
    positions = {name: p for name, p in recognition.positions.items() if name != "township"}
    header = located.header.texts[position].strip()
    note = (
        f"列「{header}」的取值是街路名（如“{distinct[0]}”），不是乡镇（街道办事处）：作为附加列保留"
    )
    return replace(located, recognition=replace(recognition, positions=positions)), [note]


def _programs_in(located: Located, position: int, name: str) -> bool:
    """Whether the column at ``position``, mapped to enumeration ``name`` (not the program),
    holds programs (低保, 特困) and not values of ``name``, in a registry with a program."""
    registry = located.recognition.registry
    kind = registry.column(name).kind
    has_program = any(column.name == "program" for column in registry.columns)
    return (has_program and name != "program" and kind in VOCABULARIES
            and _values_fit(located, position, "program")
            and not _values_fit(located, position, kind))  # fmt: skip


def found_by_values(located: Located, context: Context) -> tuple[Located, list[str]]:
    """A required column no header names, found by its values when exactly one other column
    holds them (a column of 低保/特困 is the 救助类型 whatever its header says), and notes that
    say so. Only for columns whose values say what they are: enumerations, not names or dates;
    and the person's ID number, when no header names it and exactly one column no header maps
    holds ID numbers (公民身份证号; ``_own_id_column``).

    Parameters
    ----------
    located : Located
        A table whose headers may lack required columns.
    context : Context
        What the table's names say; a column the context fills is not looked for, but for a
        month (``_sought_by_values``).

    Returns
    -------
    tuple[Located, list[str]]
        The table with the columns found mapped, and a Chinese note per column found.
    """
    recognition = located.recognition
    registry, positions = recognition.registry, dict(recognition.positions)
    required = set(registry.required)
    notes = []
    for name in recognition.missing:
        column = registry.column(name)
        if not _sought_by_values(column.kind, context.fill(name)):
            continue
        spare = [p for p in range(len(located.header.texts))
                 if p not in positions.values() or (_name_at(positions, p) not in required)]  # fmt: skip
        if column.kind == "month":
            fitting = [p for p in spare if _months_fit(located, p, context.fill(name))]
        else:
            fitting = [p for p in spare if _values_fit(located, p, column.kind)]
        if len(fitting) == 1:
            [position] = fitting
            taken = _name_at(positions, position)
            if taken is not None:
                del positions[taken]
            positions[name] = position
            header = located.header.texts[position].strip() or f"列{position + 1}"
            notes.append(f"没有表头为{column.header}的列：列「{header}」的取值都是{column.header}的取值，"
                         f"按{column.header}读取")  # fmt: skip
    id_column = next((column for column in registry.columns if column.kind == "id"), None)
    if id_column is not None and id_column.name not in positions:
        position = _own_id_column(located, positions)
        if position is not None:
            positions[id_column.name] = position
            header = located.header.texts[position].strip()
            notes.append(f"没有表头为{id_column.header}的列：列「{header}」的取值是身份证号，"
                         f"按{id_column.header}读取（列名另有写法时，可用 --columns 对照文件指定）")  # fmt: skip
    return replace(located, recognition=replace(recognition, positions=positions)), notes


# Kinds whose values say whether a cell is in its column (a name holds no digits, a date
# reads as one); codes and free text fit anywhere and say nothing.
_TELLING_KINDS = frozenset({"name", "id", "gender", "date", "month", "amount", "yes_no",
                            "program", "dibao_class", "relation", "disability_type",
                            "disability_level", "poverty_status", "death_source", "count"})  # fmt: skip
# How many more cells of telling kinds a row must read in their columns once moved left than
# as written (fitting less wrong ones): a slip moves every value, not one or two.
_SHIFT_GAIN = 3


def shifted_rows_realigned(located: Located) -> tuple[Located, list[str]]:
    """The table with each row that a clerk shifted one column right (a cell inserted before
    its first: that cell blank, every value one column right, the last lost or past the
    header) read one column to the left, and a note naming the rows.

    A row is moved only when, read so, its values fit their columns clearly better
    (``_SHIFT_GAIN``) than as written, as written at least two do not, and its 记录编号, if the
    table has one, is then present and no other row's; a row that reads as written stays as
    written. Rows moved are the grid's ``shifted_rows``, each a finding (``row_shifted``).

    Parameters
    ----------
    located : Located
        A table as located.

    Returns
    -------
    tuple[Located, list[str]]
        The table, its shifted rows moved left, and a Chinese note when any were.
    """
    grid = located.grid
    texts = located.header.texts
    first = next((p for p, text in enumerate(texts) if text.strip()), None)
    data = np.asarray(located.data)
    if first is None or first + 1 >= len(grid.columns) or not len(data):
        return located, []
    candidates = data[is_blank(grid.columns[first].take(pa.array(data)))]
    if not len(candidates) or 2 * len(candidates) > len(data):  # a slip, not a layout
        return located, []
    moved = candidates[_read_better_moved(located, candidates, first)]
    if not len(moved):
        return located, []
    mask = np.zeros(grid.height, dtype=bool)
    mask[moved] = True
    chosen = pa.array(mask)
    columns = list(grid.columns)
    for position in range(first, len(columns)):
        right = columns[position + 1] if position + 1 < len(columns) else None
        columns[position] = pc.if_else(
            chosen, right if right is not None else pa.scalar(None, pa.string()), columns[position]
        )
    numbers = sorted(np.asarray(grid.row_numbers)[moved].tolist())
    shifted = replace(grid, columns=columns, shifted_rows=frozenset(numbers))
    rows = "、".join(map(str, numbers[:20])) + ("等" if len(numbers) > 20 else "")
    note = (f"第 {rows} 行（共 {len(numbers)} 行）整体右移一列（行首多一个空单元格），"
            "已按左移一列读取；请核对原表")  # fmt: skip
    return replace(located, grid=shifted), [note]


def _read_better_moved(located: Located, rows: np.ndarray, first: int) -> np.ndarray:
    """Which of ``rows`` (grid indexes) read clearly better one column to the left
    (``shifted_rows_realigned``)."""
    grid, positions = located.grid, located.recognition.positions
    picked = pa.array(rows)
    as_written = np.zeros(len(rows), dtype=int)
    moved = np.zeros(len(rows), dtype=int)
    unfit = np.zeros(len(rows), dtype=int)
    for column in located.recognition.registry.columns:
        position = positions.get(column.name)
        if column.kind not in _TELLING_KINDS or position is None or position < first:
            continue
        here = _fits(column.kind, grid.columns[position].take(picked))
        if position + 1 < len(grid.columns):
            moved += _fits(column.kind, grid.columns[position + 1].take(picked))
        as_written += here
        unfit += here < 0
    better = (moved - as_written >= _SHIFT_GAIN) & (unfit >= 2)
    position = positions.get("record_id")
    if position is None or position + 1 >= len(grid.columns):
        return better
    ids = pc.utf8_trim_whitespace(grid.columns[position + 1].take(picked))
    others = pc.utf8_trim_whitespace(grid.columns[position].take(pa.array(located.data)))
    taken = np.asarray(pc.fill_null(pc.is_in(ids, others), False))
    return better & ~is_blank(ids) & ~taken


def _fits(kind: str, values: pa.Array) -> np.ndarray:
    """Per cell: 1 when it reads as ``kind`` without a problem, -1 when it holds a value that
    does not, 0 when blank."""
    _, problems = _normalise_column(kind, values)
    blank = is_blank(values)
    return np.where(blank, 0, np.where(np.asarray(pc.is_null(problems)), 1, -1))


def _own_id_column(located: Located, positions: dict[str, int]) -> int | None:
    """The one column no header maps whose values are ID numbers (``_ids_fit``), or None.
    A roster's (each person on one row) must rarely repeat one: a 户主身份证号 written on
    every member's row is no member's own; a ledger's payee is paid every month. Nor is an
    agent's or a guardian's ID the person's (``_OTHER_PERSON``)."""
    rows = pa.array(located.data)
    once = located.recognition.registry.name != "payments"
    mapped = set(positions.values())
    fitting = [position for position, header in enumerate(located.header.texts)
               if position not in mapped and not _OTHER_PERSON.search(header)
               and _ids_fit(located.grid.columns[position].take(rows).to_pylist(), once)]  # fmt: skip
    return fitting[0] if len(fitting) == 1 else None


def holds_id_numbers(located: Located) -> bool:
    """Whether any column of the table holds ID numbers by their shape (nine in ten of its
    values, a check digit right or not), mapped or not: a table naming people, whatever its
    headers say.

    Parameters
    ----------
    located : Located
        A table with its headers read.

    Returns
    -------
    bool
        True when a column's values are ID numbers.
    """
    rows = pa.array(located.data)
    return any(_ids_shaped(column.take(rows).to_pylist()) for column in located.grid.columns)


def _ids_shaped(values: list[str | None]) -> bool:
    """Whether nine in ten of a column's distinct values are shaped as ID numbers."""
    return _shaped(_id_sample(values)[1])


def _ids_fit(values: list[str | None], once: bool) -> bool:
    """Whether a column's values are ID numbers: of its distinct ones, half at least valid
    and nine in ten shaped as one; if ``once``, nine in ten written on one row only."""
    written, parsed = _id_sample(values)
    valid = sum(outputs[1] in USABLE for outputs, _ in parsed)
    repeated = sum(count > 1 for count in written.values()) if once else 0
    return (_shaped(parsed) and valid >= 0.5 * len(parsed)
            and repeated <= 0.1 * len(written))  # fmt: skip


def _id_sample(values: list[str | None]) -> tuple[Counter, list]:
    """A column's written values counted, and the first ``_IDS_LOOKED_AT`` distinct ones
    read as ID numbers."""
    written = Counter(value.strip() for value in values if value and value.strip())
    return written, [NORMALIZERS["id"](value) for value in sorted(written)[:_IDS_LOOKED_AT]]


def _shaped(parsed: list) -> bool:
    """Whether nine in ten of IDs read (none: no) are shaped as one (a word for no ID, 不详,
    is not)."""
    shaped = sum(problem not in ("id_bad_shape", "id_placeholder") for _, problem in parsed)
    return bool(parsed) and shaped >= 0.9 * len(parsed)


# Headers naming someone other than the row's person: 代领人身份证号, 监护人证件号码, a death
# list's 家属身份证号 or 申报人身份证号 (the living relative who reported it), a roster's
# 赡养人身份证号.
_OTHER_PERSON = re.compile("代领|代理|委托|监护|联系人|经办|配偶|家属|亲属|申报|报告|承办|赡养|抚养|扶养"
                           "|父亲|母亲|子女")  # fmt: skip
# How many of a column's distinct values say whether it holds ID numbers.
_IDS_LOOKED_AT = 1000


# A cancellation reason that says the person died: 死亡, 因死亡注销, 病故, 宣告死亡.
_DEATH_REASON = re.compile("死|去世|病故|亡故|身故|逝世")
# A reason that undoes a cancellation (恢复户口, 户口恢复, 撤销注销, 撤销死亡注销): a notice
# found wrong, whatever else it says (误报死亡，恢复户口 is no death).
_RESTORED_REASON = re.compile("恢复|撤销注销|注销撤销|撤销死亡")
# A 户籍注销 row restoring a registration: its 记录编号 as written, row, the ID when valid (or
# a 15-digit one upgraded) and the date (the table's death or cancellation date column).
RESTORATIONS_SCHEMA = pa.schema([("record_id", pa.string()), ("row_no", pa.int64()),
                                 ("id_number", pa.string()), ("restored_on", pa.date32())])  # fmt: skip


def death_notices_only(located: Located) -> tuple[Located, list[str], pa.Table | None]:
    """A deaths table with only its death notices as data: in a 户籍注销 export (a column
    ``CANCEL_REASON_HEADERS`` names), a row cancelled for another reason (迁出, 参军) or none
    is skipped (``not_death:迁出``), and so is a row restoring a registration (恢复户口:
    ``restored:恢复户口``), kept apart as evidence that its person lives; and a note saying how
    many were.

    Parameters
    ----------
    located : Located
        A table of any registry.

    Returns
    -------
    tuple[Located, list[str], pa.Table | None]
        The table (unchanged unless a deaths table with a cancellation reason column), a
        Chinese note when rows were skipped, and the restorations (``RESTORATIONS_SCHEMA``;
        None for a table of another registry).
    """
    texts = located.header.texts
    position = next((position for position, text in enumerate(texts)
                     if _read_later("deaths", text) in CANCEL_REASON_HEADERS), None)  # fmt: skip
    if located.recognition.registry.name != "deaths":
        return located, [], None
    if position is None:
        return located, [], RESTORATIONS_SCHEMA.empty_table()
    header = texts[position].strip()
    cells = located.grid.columns[position].take(pa.array(located.data))
    reasons = [(text or "").strip() for text in cells.to_pylist()]
    # a blank reason in a file whose date is headed 死亡日期 (not 注销日期): a death whose 户口
    # nobody has cancelled yet, the one most likely still paid
    dated = located.recognition.positions.get("death_date")
    blank_is_death = dated is not None and bool(_DEATH_REASON.search(texts[dated]))
    restored = np.array([bool(_RESTORED_REASON.search(reason)) for reason in reasons], dtype=bool)
    death = ~restored & np.array([bool(_DEATH_REASON.search(reason))
                                  or (not reason and blank_is_death) for reason in reasons])  # fmt: skip
    numbers = np.asarray(located.grid.row_numbers, dtype=np.int64)[located.data]
    restorations = _restorations(located, numbers, restored)
    if death.all():
        return located, [], restorations
    skipped = [(int(number), f"{RESTORED if back else NOT_DEATH}:{reason}")
               for number, reason, kept, back in zip(numbers, reasons, death, restored, strict=True)
               if not kept]  # fmt: skip
    counts = "、".join(f"{reason or '空'} {n}" for reason, n in
                      Counter(reason for reason, kept in zip(reasons, death, strict=True)
                              if not kept).items())  # fmt: skip
    note = (f"按列「{header}」只读取死亡记录：{len(skipped)} 行的注销原因不是死亡（{counts}），"
            "未读取，列入未读取的行")  # fmt: skip
    kept = replace(located, data=located.data[death],
                   skipped=sorted(located.skipped + skipped))  # fmt: skip
    return kept, [note], restorations


def _restorations(located: Located, numbers: np.ndarray, restored: np.ndarray) -> pa.Table:
    """The rows of ``located``'s data marked ``restored`` (their row ``numbers``), as
    ``RESTORATIONS_SCHEMA``: a person's ID is only read when valid (or upgraded from 15
    digits), the only key a restoration is matched to its person by."""
    rows = located.data[restored]
    positions = located.recognition.positions

    def cells(name: str) -> list[str]:
        if name not in positions:
            return [""] * len(rows)
        column = located.grid.columns[positions[name]].take(pa.array(rows))
        return [text or "" for text in column.to_pylist()]

    ids = [normalize_id(text) for text in cells("id_number")]
    return pa.table([
        [text.strip() or None for text in cells("record_id")],
        numbers[restored].tolist(),
        [value if problem in (None, "id_upgraded_15") else None for (value, *_), problem in ids],
        [normalize_date(text)[0][0] for text in cells("death_date")],
    ], schema=RESTORATIONS_SCHEMA)  # fmt: skip


def _read_later(registry: str, header: str) -> str | None:
    """The name in ``READ_EXTRAS`` of a column Doudi reads from a table's extras (注销原因,
    年度, 区县 …) that ``header`` is however written (an invisible character, a bracketed
    note: 注销原因(公安)), or None."""
    key = header_key(header)
    return next((name for name in READ_EXTRAS.get(registry, ()) if header_key(name) == key), None)


# The office a registry's row cancelled for death is a notice of (``cancelled_for_death``).
DERIVED_SOURCES = {"hukou": "公安", "disability": "残联"}
# What the date of a notice derived from a registry's row cancelled for death is (``date_kind``).
DERIVED_DATE_KINDS = {"hukou": "户口注销日期", "disability": "证件注销日期"}
# What a deaths table's date is when its column is headed by another day than the death's,
# read as the death's for want of a 死亡日期 (火化时间, 注销日期: ``date_kind``).
OTHER_DAY_KINDS = ((re.compile("火化"), "火化日期"), (re.compile("注销|销户"), "注销日期"))
DEATH_DATE = "死亡日期"
# Every kind of day a notice may be dated by (``date_kind``).
DATE_KINDS = (DEATH_DATE, *(kind for _, kind in OTHER_DAY_KINDS), *DERIVED_DATE_KINDS.values())
# A status saying a registration or a certificate is cancelled (注销, 死亡注销, 已死亡, 销户).
_CANCELLED_STATUS = re.compile("注销|死|销户|去世|亡故")
# The columns a notice derived from a 户籍 or 残联 row takes from it.
_NOTICE_COLUMNS = ("name", "id_number", "gender", "birth_date", "township", "village", "address")


@dataclass(frozen=True)
class Derived:
    """The death notices ``cancelled_for_death`` finds in a 户籍人口 or 残疾人 table: the
    table read as 死亡人员 (its rows cancelled for death only, 注销日期 as 死亡日期), which of
    the origin table's data rows they are, and the office (公安, 残联)."""

    located: Located
    rows: np.ndarray
    source: str


def cancelled_for_death(located: Located) -> Derived | None:
    """The rows of a 户籍人口 or 残疾人 table whose registration or certificate was cancelled
    for death, as a deaths table: a row whose 注销原因 says death (``_DEATH_REASON``) while
    its status, when the table has one (户口状态, 证件状态), says it is cancelled, or whose
    status says death (死亡注销, 死亡) with no reason written; not one restored (恢复户口,
    撤销注销: ``_RESTORED_REASON``), nor one cancelled for another reason (迁出). Its
    注销日期 is the death's date, its person columns the notice's.

    Parameters
    ----------
    located : Located
        A table of any registry.

    Returns
    -------
    Derived | None
        The notices, or None when the table is of another registry or has none.
    """
    registry = located.recognition.registry.name
    if registry not in DERIVED_SOURCES:
        return None
    status = _position_headed(located, HUKOU_STATUS_HEADERS + CERT_STATUS_HEADERS)
    reason = _position_headed(located, CANCEL_REASON_HEADERS)
    if status is None and reason is None:
        return None
    statuses, reasons = ([text.strip() for text in _cells_of(located, position)]
                         for position in (status, reason))  # fmt: skip
    dead = np.array([_died(state, why, status is not None)
                     for state, why in zip(statuses, reasons, strict=True)], dtype=bool)  # fmt: skip
    if not dead.any():
        return None
    positions = {name: located.recognition.positions[name] for name in _NOTICE_COLUMNS
                 if name in located.recognition.positions}  # fmt: skip
    dated = _position_headed(located, CANCEL_DATE_HEADERS)
    if dated is not None:
        positions["death_date"] = dated
    recognition = replace(located.recognition, registry=REGISTRIES["deaths"], positions=positions)
    kept = replace(located, recognition=recognition, data=located.data[dead], skipped=[])
    return Derived(kept, np.flatnonzero(dead), DERIVED_SOURCES[registry])


def _died(status: str, reason: str, has_status: bool) -> bool:
    """Whether a row's status and 注销原因 (each as written, blank when absent) say it was
    cancelled for death."""
    if _RESTORED_REASON.search(status) or _RESTORED_REASON.search(reason):
        return False
    if reason:
        return bool(_DEATH_REASON.search(reason)) and (
            not has_status or bool(_CANCELLED_STATUS.search(status))
        )
    return bool(_DEATH_REASON.search(status))


def _position_headed(located: Located, headers: tuple[str, ...]) -> int | None:
    """The position of the first column of the table headed by one of ``headers`` however
    written (注销原因(公安)), or None."""
    keys = {header_key(header) for header in headers}
    return next((position for position, text in enumerate(located.header.texts)
                 if header_key(text) in keys), None)  # fmt: skip


def derived_notices(derived: Derived, origin: Source, notice: Source) -> Source:
    """The deaths table read from a 户籍人口 or 残疾人 table (``notice``, prepared from
    ``derived.located``) as death notices of ``derived.source``: each record id its origin
    row's with ``-死亡注销`` (stable as the origin's, unique beside it), its 数据来源 the
    office, and a note naming what it was derived from; the origin (``origin``) notes it too.

    Parameters
    ----------
    derived : Derived
        What ``cancelled_for_death`` found.
    origin : Source
        The 户籍人口 or 残疾人 table as read.
    notice : Source
        ``derived.located`` as read (``prepare_table``).

    Returns
    -------
    Source
        ``notice`` with its record ids, source and note.
    """
    ids = pc.binary_join_element_wise(
        origin.normalised["record_id"].take(pa.array(derived.rows)), DERIVED_ID_SUFFIX, ""
    )
    count = len(derived.rows)
    office = pa.array([derived.source] * count, pa.string())
    outputs, _ = _normalise_column("death_source", office)
    normalised = notice.normalised.set_column(
        notice.normalised.column_names.index("record_id"), "record_id", ids
    )
    normalised = normalised.set_column(
        normalised.column_names.index("source"), "source", outputs[0]
    )
    raw = notice.raw.set_column(notice.raw.column_names.index("source"), "source", office)
    chinese = origin.registry.chinese
    dated = "、".join(header for header, name in notice.mapping if name == "death_date")
    said = (
        f"，死亡日期取列「{dated}」（注销的日期，实际死亡可能更早）"
        if dated
        else "，表中没有注销日期列：死亡日期空缺"
    )
    origin.notes.append(
        f"其中 {count} 行注销原因为死亡：照常读作{chinese}，另读作死亡记录（来源：{derived.source}）"
    )
    notes = [f"由{chinese}表中注销原因为死亡的 {count} 行生成的死亡记录（来源：{derived.source}{said}；"
             f"行号为原表的行号，记录编号为原{chinese}记录编号加“{DERIVED_ID_SUFFIX}”）"]  # fmt: skip
    return replace(notice, normalised=normalised, raw=raw, unmapped=[], notes=notes)


def date_kind(header: str, origin: str | None) -> str:
    """What the day a death notice is dated by is: the 死亡日期, or another day read as the
    death's for want of one (the death was on or before it).

    Parameters
    ----------
    header : str
        The header of the column its 死亡日期 was read from, as written (blank when none).
    origin : str | None
        For a notice derived from a row cancelled for death (``derived_notices``), the
        registry of that row (``hukou``, ``disability``); else None.

    Returns
    -------
    str
        死亡日期, 火化日期, 注销日期, 户口注销日期 or 证件注销日期.

    Examples
    --------
    >>> date_kind("死亡日期", None), date_kind("火化时间", None), date_kind("注销日期", "hukou")
    ('死亡日期', '火化日期', '户口注销日期')
    """
    if origin is not None:
        return DERIVED_DATE_KINDS[origin]
    return next((kind for said, kind in OTHER_DAY_KINDS if said.search(header)), DEATH_DATE)


# What a derived death notice's record id adds to its origin row's (``derived_notices``).
DERIVED_ID_SUFFIX = "-死亡注销"


# A column of a household's numbered member, in a roster of a household per row (户主 under
# 姓名 / 身份证号码, then 成员1姓名, 成员1身份证号, 成员1与户主关系, 成员2姓名 …): the member's
# number (1 … 20, 一 … 十) and what the column holds (姓名, 身份证号码, 与户主关系, 性别 …).
_MEMBER_COLUMN = re.compile(
    r"^(?:家庭)?成员[(（]?([0-9]{1,2}|[一二三四五六七八九十])[)）]?[-_.、:：的]?(.+)$"
)
_CHINESE_NUMBERS = "一二三四五六七八九十"
MAX_MEMBERS = 20
# A person's own columns: on a member's row, the member's (blank where the member's columns
# lack one); every other column (case, program, dates, places, income, account) is the
# household's, the same on each of its rows.
OWN_COLUMNS = ("name", "id_number", "gender", "birth_date", "relation", "health")


def members_apart(located: Located, vocabulary: Vocabulary) -> tuple[Located, list[str]]:
    """A roster of a household per row, its members in numbered column groups (成员1姓名,
    成员1身份证号 … 成员2姓名 …) or listed in one cell (``member_list_column``: read as such
    groups, ``_listed_spread``), as a table of a row per person: the head's row as written,
    then a row per member whose columns are not all blank, holding the household's columns
    and the member's own (``OWN_COLUMNS``; the list's cell on the head's row only); each
    keeps its household's row number, and a 记录编号 gets the member's number appended. A
    note says how many members were read.

    Parameters
    ----------
    located : Located
        A table of any registry.
    vocabulary : Vocabulary
        The headers known per registry, to tell what a member's column holds.

    Returns
    -------
    tuple[Located, list[str]]
        The table (unchanged unless its head has a name column and some member group a name
        or ID column), and a Chinese note when members were read.
    """
    listed = member_list_column(located)
    if listed is not None:
        located = _listed_spread(located, listed)
    groups = _member_groups(located, vocabulary)
    positions = located.recognition.positions
    if not groups or "name" not in positions:
        return located, []
    texts = located.header.texts
    grouped = {position for fields in groups.values() for position in fields}
    kept = [position for position in range(len(texts)) if position not in grouped]
    moved = {position: index for index, position in enumerate(kept)}
    targets, added = _member_targets(located, vocabulary, groups, moved)
    own = [moved[position] for position in (positions.get(name) for name in OWN_COLUMNS)
           if position is not None] + ([moved[listed]] if listed is not None else [])  # fmt: skip
    parts = _member_parts(located, groups, own, kept, targets, len(added))
    long = _stacked(located, kept, added, parts)
    header = replace(located.header, texts=[texts[p] for p in kept] + added)
    recognition = replace(located.recognition, positions={
        **{name: moved[position] for name, position in positions.items()},
        **{name: len(kept) + index for index, text in enumerate(added)
           if (name := vocabulary.column(located.recognition.registry.name, text))},
    })  # fmt: skip
    members = sum(len(at) for at, _, _ in parts[1:])
    first = next(iter(groups[min(groups)]))
    where = (f"列「{texts[first].strip()}」等 {len(groups)} 组列中" if listed is None else
             f"列「{texts[listed].strip()}」的格中，每人写作 姓名（与户主关系，身份证号），"
             f"{_row_person_said(located, listed)}{_unlisted_said(located, listed)}")  # fmt: skip
    note = (f"一户一行的表（户主在列「{texts[positions['name']].strip()}」，家庭成员在{where}）："
            f"户主读作一行，{members} 名家庭成员各读作一行，户的各列（救助证号、救助类型、纳入日期等）"
            "照抄到成员行，行号为其户所在行；各列全空的成员不读")  # fmt: skip
    top = located.header.indices[-1] + 1
    table = replace(located, grid=long, header=header, recognition=recognition,
                    data=np.arange(top, long.height))  # fmt: skip
    return table, [note]


# A household's or a member's rows: the grid indices of the rows they come from, the member's
# number (0: the head) and the cells of each column of the table of a row per person.
_Part = tuple[np.ndarray, int, list[pa.Array]]


def _member_parts(located: Located, groups: dict[int, dict[int, str]], own: list[int],
                  kept: list[int], targets: dict[int, int], added: int) -> list[_Part]:  # fmt: skip
    """The heads' rows as written (the ``added`` columns blank), then each member number's
    rows: the household's cells, the head's ``own`` (by index among the ``kept`` columns)
    blank, the member's cells in their ``targets``, a 记录编号 with the number appended; a
    member's cells all blank, no row."""
    grid, positions = located.grid, located.recognition.positions
    rows = pa.array(located.data)
    blank = pa.array([""] * len(rows), pa.string())
    household = [grid.columns[position].take(rows).cast(pa.string()) for position in kept]
    parts = [(located.data, 0, household + [blank] * added)]
    record = kept.index(positions["record_id"]) if "record_id" in positions else None
    for number, fields in sorted(groups.items()):
        cells = [grid.columns[position].take(rows).cast(pa.string()) for position in fields]
        written = np.flatnonzero(~np.logical_and.reduce([is_blank(cell) for cell in cells]))
        taken = pa.array(written, pa.int64())
        values = [column.take(taken) for column in parts[0][2]]
        for index in own:
            values[index] = blank.take(taken)
        for position, cell in zip(fields, cells, strict=True):
            values[targets[position]] = cell.take(taken)
        if record is not None:
            numbered = pc.binary_join_element_wise(values[record], str(number), "-")
            values[record] = pc.if_else(pa.array(is_blank(values[record])), values[record],
                                        numbered)  # fmt: skip
        parts.append((located.data[written], number, values))
    return parts


def _stacked(located: Located, kept: list[int], added: list[str], parts: list[_Part]) -> Grid:
    """The grid of a row per person: the rows down to the header's last (the ``added``
    columns' headers on it), then the ``parts``' rows, each member after its head, numbered
    as the household's row; struck, hidden and merged cells where their columns went."""
    grid = located.grid
    top = located.header.indices[-1] + 1
    above = [grid.columns[position].slice(0, top).cast(pa.string()) for position in kept]
    above += [pa.array([""] * (top - 1) + [text], pa.string()) for text in added]
    indices = np.concatenate([at for at, _, _ in parts])
    order = np.lexsort((np.concatenate([[number] * len(at) for at, number, _ in parts]), indices))
    columns = [pa.concat_arrays([heading, pa.concat_arrays([part[2][index] for part in parts]
                                                           ).take(pa.array(order))])
               for index, heading in enumerate(above)]  # fmt: skip
    numbers = np.asarray(grid.row_numbers)[indices[order]]
    moved = {position: index for index, position in enumerate(kept)}
    return replace(
        grid, columns=columns, row_numbers=[*grid.row_numbers[:top], *numbers.tolist()],
        struck_cells=frozenset((row, moved[at]) for row, at in grid.struck_cells if at in moved),
        hidden_columns=frozenset(moved[at] for at in grid.hidden_columns if at in moved),
        merged_down=tuple((first, last, moved[left], moved[right])
                          for first, last, left, right in grid.merged_down
                          if all(at in moved for at in range(left, right + 1))),
    )  # fmt: skip


def _member_groups(located: Located, vocabulary: Vocabulary) -> dict[int, dict[int, str]]:
    """The numbered member groups among a table's unread columns (``_MEMBER_COLUMN``): per
    member number, each column's position and what it holds; only groups with a name or an
    ID column."""
    registry = located.recognition.registry.name
    read = set(located.recognition.positions.values())
    groups: dict[int, dict[int, str]] = {}
    for position, text in enumerate(located.header.texts):
        match = _MEMBER_COLUMN.match(re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)))
        if match is None or position in read:
            continue
        written = match.group(1)
        number = int(written) if written.isdigit() else _CHINESE_NUMBERS.index(written) + 1
        if 1 <= number <= MAX_MEMBERS:
            groups.setdefault(number, {})[position] = match.group(2)
    return {number: fields for number, fields in groups.items()
            if {"name", "id_number"} & {vocabulary.column(registry, f) for f in fields.values()}}  # fmt: skip


def _member_targets(located: Located, vocabulary: Vocabulary, groups: dict[int, dict[int, str]],
                    moved: dict[int, int]) -> tuple[dict[int, int], list[str]]:  # fmt: skip
    """Where each member column's cells go in the table of a row per person (by its position
    in the table as written): the head's column of its meaning (a contract column, else a
    header alike), else a column added after the household's; and the added columns' headers."""
    registry = located.recognition.registry.name
    positions, texts = located.recognition.positions, located.header.texts
    unread = {header_key(texts[p]): moved[p] for p in moved if p not in positions.values()}
    targets, added = {}, []
    for fields in groups.values():
        for position, field in fields.items():
            name = vocabulary.column(registry, field)
            target = (
                moved.get(positions[name]) if name in positions else unread.get(header_key(field))
            )
            if target is None:
                key = name or header_key(field)
                found = next((index for index, text in enumerate(added)
                              if (vocabulary.column(registry, text) or header_key(text)) == key), None)  # fmt: skip
                if found is None:
                    added.append(field)
                    found = len(added) - 1
                target = len(moved) + found
            targets[position] = target
    return targets, added


# A column listing a household's members in one cell (家庭成员, 家庭成员情况, 成员信息,
# 共同生活家庭成员, 家庭成员及关系): each member a name, then in brackets (full- or half-width)
# the relation to the head and/or the ID, either order, the ID perhaps labelled (刘华（户主，
# 身份证号5323…）、王莉（妻，5323…）、刘小明（子）), members apart by 、，,；; or line breaks.
# A header counting them (家庭成员数, 家庭成员人数) is none.
_MEMBER_LIST_HEADER = re.compile(
    r"^(?:共同生活的?)?(?:家庭)?成员(?:情况|信息|名单|姓名|及关系|关系|姓名及关系)?$"
)
# One listed member, in a cell made NFKC (full-width brackets and commas half-width): a name
# of Chinese characters (extension B on: 𠮷), perhaps a dot between its parts (阿不都·热合曼,
# 买买提•吐尔逊, 古丽・艾山).
_LISTED_MEMBER = re.compile(
    r"([\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f·•・‧∙⋅]{2,15})\s*\(([^()]*)\)"
)
_LISTED_APART = re.compile(r"[、,;。\s]*")
_IN_BRACKETS_APART = re.compile(r"[、,;\s]+")
_ID_LABEL = re.compile(r"^(?:公民身份号码|身份证号码|身份证号|身份证|证件号码|证件号)[:]?")
_LISTED_ID = re.compile(r"[0-9][0-9Xx*]{14,17}")
# A listed member: name, relation and ID as written ("" where the brackets give none).
Listed = tuple[str, str, str]
# The numbered columns a listed member's fields go into (``_MEMBER_COLUMN``), in ``Listed``'s order.
_LISTED_FIELDS = ("姓名", "与户主关系", "身份证号码")


def listed_members(text: str) -> list[Listed] | None:
    """The members a cell lists (``_MEMBER_LIST_HEADER``), or None when it is no such list:
    anything but listed members in it, a bracket saying neither a relation nor an ID (or two
    of either), more than ``MAX_MEMBERS`` members.

    Parameters
    ----------
    text : str
        A cell's text.

    Returns
    -------
    list[Listed] | None
        Each member's name, relation and ID as written, in the cell's order.

    Examples
    --------
    >>> listed_members("刘华（户主，身份证号532326199001011235）、王莉（妻）")
    [('刘华', '户主', '532326199001011235'), ('王莉', '妻', '')]
    >>> listed_members("3人") is None, listed_members("刘华、王莉") is None
    (True, True)
    """
    text = unicodedata.normalize("NFKC", text).strip()
    members, at = [], 0
    for match in _LISTED_MEMBER.finditer(text):
        member = _listed_member(match.group(1), match.group(2))
        if member is None or _LISTED_APART.fullmatch(text, at, match.start()) is None:
            return None
        members.append(member)
        at = match.end()
    if not members or len(members) > MAX_MEMBERS or not _LISTED_APART.fullmatch(text, at):
        return None
    return members


def _listed_member(name: str, bracketed: str) -> Listed | None:
    """A member from its name and what its brackets say (a relation, an ID, labelled or
    not), or None when they say anything else, or neither."""
    relation, id_number = "", ""
    for part in _IN_BRACKETS_APART.split(bracketed):
        bare = _ID_LABEL.sub("", part)
        if _LISTED_ID.fullmatch(bare) and not id_number:
            id_number = bare
        elif (VOCABULARIES["relation"].get(part) or part == "其他") and not relation:
            relation = part
        elif bare:
            return None
    return (name, relation, id_number) if relation or id_number else None


def member_list_column(located: Located) -> int | None:
    """The column of a roster of a household per row that lists each household's members in
    one cell (``_MEMBER_LIST_HEADER``, a cell of it at least ``listed_members``), or None:
    also when the table names no one, holds numbered member columns (``_MEMBER_COLUMN``), or
    it is a roster of a row per person: two rows listing members are of one household (the
    same 救助证号, or without one the same list: the household's list beside each), or half
    the members listed are rows of the table (``_listed_are_rows``: the list on the head's
    row only).

    Parameters
    ----------
    located : Located
        A table of any registry.

    Returns
    -------
    int | None
        The column's position.
    """
    positions, texts = located.recognition.positions, located.header.texts
    keys = [re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)) for text in texts]
    if "name" not in positions or any(_MEMBER_COLUMN.match(key) for key in keys):
        return None
    read = set(positions.values())
    for position, text in enumerate(texts):
        if position in read or not _MEMBER_LIST_HEADER.match(header_key(text)):
            continue
        cells = _cells_of(located, position)
        if not any(listed_members(cell) for cell in cells):
            continue
        households = _cells_of(located, positions["case_no"]) if "case_no" in positions else cells
        listing = [household for household, cell in zip(households, cells, strict=True)
                   if cell.strip()]  # fmt: skip
        if len(set(listing)) == len(listing) and not _listed_are_rows(located, position):
            return position
    return None


def _listed_are_rows(located: Located, listed: int) -> bool:
    """Whether half or more of the members the column ``listed`` lists, each row's own person
    aside (``_is_row_person``), are rows of the table themselves, of another row number (the
    same ID, or the same name where the list gives no ID): a roster of a row per person, not
    one whose members ``members_apart`` read as rows of their household's number."""
    people = _row_people(located)
    numbers = np.asarray(located.grid.row_numbers)[located.data].tolist()
    rows_of: dict[str, set[int]] = {}
    for (name, id_number, _), number in zip(people, numbers, strict=True):
        for key in (name, id_number):
            rows_of.setdefault(key, set()).add(number)
    others = [(_compared_id(member[2]) or member[0], number)
              for text, person, number in zip(_cells_of(located, listed), people, numbers,
                                              strict=True)
              for member in listed_members(text) or ()
              if not _is_row_person(member, person)]  # fmt: skip
    rows = sum(bool(rows_of.get(key, set()) - {number}) for key, number in others)
    return bool(others) and 2 * rows >= len(others)


def _listed_spread(located: Located, listed: int) -> Located:
    """``located`` with the members its column ``listed`` lists, the row's own person left out
    (``_is_row_person``), as numbered member columns (成员1姓名, 成员1与户主关系, 成员1身份证号码
    …) after its own; a cell no list, none."""
    grid = located.grid
    members = [[member for member in listed_members(text) or ()
                if not _is_row_person(member, person)]
               for text, person in zip(_cells_of(located, listed), _row_people(located),
                                       strict=True)]  # fmt: skip
    columns, texts = [], []
    for number in range(1, max(map(len, members), default=0) + 1):
        for index, field in enumerate(_LISTED_FIELDS):
            column = [""] * grid.height
            for row, found in zip(located.data, members, strict=True):
                if len(found) >= number:
                    column[row] = found[number - 1][index]
            columns.append(pa.array(column, pa.string()))
            texts.append(f"成员{number}{field}")
    return replace(located, grid=replace(grid, columns=[*grid.columns, *columns]),
                   header=replace(located.header, texts=[*located.header.texts, *texts]))  # fmt: skip


def _unlisted_said(located: Located, listed: int) -> str:
    """What a note adds on the cells of the column ``listed`` that list no members
    (``listed_members``): how many, their findings; nothing when there are none."""
    unlisted = sum(bool(cell.strip()) and listed_members(cell) is None
                   for cell in _cells_of(located, listed))  # fmt: skip
    return f"；{unlisted} 格无法拆分为各成员，其中的成员未读取，见问题清单" if unlisted else ""


# A row's person as a listed member is compared with it: name (no spaces), ID (upper case)
# and relation to the head (its code, "" where none is written).
_RowPerson = tuple[str, str, str]
# How many digits of an ID may differ from the row's for it to be the row's ID mistyped.
_MISTYPED_DIGITS = 2


def _row_people(located: Located) -> list[_RowPerson]:
    """The person each data row is of, as ``_is_row_person`` compares a listed member."""
    positions = located.recognition.positions
    relation = VOCABULARIES["relation"]
    return [(re.sub(r"\s+", "", unicodedata.normalize("NFKC", name)), _compared_id(id_number),
             str(relation.get(re.sub(r"\s+", "", written), "")))
            for name, id_number, written in zip(_cells_of(located, positions["name"]),
                                                _cells_of(located, positions.get("id_number")),
                                                _cells_of(located, positions.get("relation")),
                                                strict=True)]  # fmt: skip


def _is_row_person(member: Listed, person: _RowPerson) -> bool:
    """Whether a listed member is the person the row is of (the head, listed first as a
    rule): the same ID; or called 户主/本人 where the row's person is the head (a row of no
    relation: under the row's name); or the same
    name where either has no ID or the listed one is the row's mistyped (``_id_mistyped``),
    unless the list calls it a relative the row's person is not (子, 女, 父 … of the head) or
    its valid ID is of another birth date than the row's (a daughter named as her mother)."""
    listed_name, relation, listed_id = member
    name, id_number, row_relation = person
    listed_id, code = _compared_id(listed_id), VOCABULARIES["relation"].get(relation)
    if listed_id and listed_id == id_number:
        return True
    # without a relation of its own the row may be any member's (an applicant's): the one
    # called 户主 is the row's person only under its name, and the row's name under any
    if code == "head" and (row_relation == "head" or (not row_relation and listed_name == name)):
        return True
    allowed = (None, "head", row_relation) if row_relation else None
    if listed_name != name or (allowed and code not in allowed):
        return False
    if not listed_id or not id_number:
        return True
    listed, row = parse_id(listed_id), parse_id(id_number)
    if None not in (listed.birth_date, row.birth_date) and listed.birth_date != row.birth_date:
        return False
    return _id_mistyped(listed_id, id_number)


def _compared_id(written: str) -> str:
    """An ID as a listed member's and a row's are compared: its 18 characters where usable (a
    15-digit one upgraded), "" where a spreadsheet damaged it (no ID), else its cleaned text."""
    parsed = parse_id(written)
    if parsed.status == "damaged":
        return ""
    return parsed.value or ""


def _id_mistyped(listed_id: str, id_number: str) -> bool:
    """Whether a listed ID may be the row's mistyped: of 17 or 18 characters each, with the
    same birth date digits or at most ``_MISTYPED_DIGITS`` digits differing (a masked ``*``
    differing from none).

    Examples
    --------
    >>> _id_mistyped("532326199001011245", "532326199001011235")
    True
    >>> _id_mistyped("532326202101011235", "532326199001011235")
    False
    >>> _id_mistyped("532326********1235", "532326199001011235")
    True
    """
    if min(len(listed_id), len(id_number)) < 17 or abs(len(listed_id) - len(id_number)) > 1:
        return False
    pairs = [pair for pair in zip(listed_id, id_number, strict=False) if "*" not in pair]
    born = all(
        a == b or "*" in (a, b) for a, b in zip(listed_id[6:14], id_number[6:14], strict=True)
    )
    return born or sum(a != b for a, b in pairs) <= _MISTYPED_DIGITS


def _cells_of(located: Located, position: int | None) -> list[str]:
    """The text of a column's cell on each data row ("" where blank, or no column)."""
    if position is None:
        return [""] * len(located.data)
    column = located.grid.columns[position].take(pa.array(located.data)).cast(pa.string())
    return [text or "" for text in column.to_pylist()]


def _name_at(positions: dict[str, int], position: int) -> str | None:
    return next((name for name, p in positions.items() if p == position), None)


def _sought_by_values(kind: str, filled: str | None) -> bool:
    """Whether a missing column of ``kind`` is looked for by its values: an enumeration the
    table's names do not fill, and a month whatever they say (a ledger of several months
    under a month's title: its rows' own months are the truth, not the title's)."""
    return kind == "month" or (kind in VALUE_KINDS and filled is None)


# A column of months whose header names another month of the person's than one paid: a
# birth, an enrolment or an exit (出生年月, 纳入年月, 停保年月), never the month paid.
_NOT_PAID_MONTH = re.compile(r"出生|生日|纳入|批准|审批|认定|入保|享受|起始|开始|退出|停保|停发|注销|"
                             r"死亡|去世|登记|核定|办理|申请|到期")  # fmt: skip
# The months a ledger titled by its month (an export's) may hold: its latest within a year of it.
TITLE_MONTH_SPAN = 12


def _months_fit(located: Located, position: int, titled: str | None) -> bool:
    """Whether the column holds the rows' months paid: its values (nine in ten at least of
    its distinct ones) months written without a day (2024-03, 202403, 2024年3月), two
    different ones at least (a ledger's 年月 under a header no vocabulary names), under a
    header that names no other month (``_NOT_PAID_MONTH``: 出生年月, 纳入年月) and, when the
    table's name gives its month (``titled``), the latest within ``TITLE_MONTH_SPAN`` months of
    it (a ledger exported that month). A column of dates is not (an approval or a tabulation
    date is no month paid)."""
    if _NOT_PAID_MONTH.search(located.header.texts[position]):
        return False
    values = located.grid.columns[position].take(pa.array(located.data))
    distinct = [v for v in pc.unique(pc.utf8_trim_whitespace(values)).to_pylist() if v]
    months = [NORMALIZERS["month"](value) for value in distinct
              if NORMALIZERS["date"](value)[1] is not None]  # fmt: skip
    read = {outputs[0] for outputs, problem in months if problem is None and outputs[0]}
    if len(read) < 2 or sum(problem is None for _, problem in months) < 0.9 * len(distinct):
        return False
    return (
        titled is None or abs(_month_number(max(read)) - _month_number(titled)) <= TITLE_MONTH_SPAN
    )


def _month_number(month: str) -> int:
    """A ``YYYY-MM`` month as a count of months."""
    return int(month[:4]) * 12 + int(month[5:7])


def _values_fit(located: Located, position: int, kind: str) -> bool:
    """Whether the column's values (nine in ten at least, some not digits only) read as
    ``kind`` (a status word, 正常 or 注销, never says a column is 是否保障对象:
    ``STATUS_WORDS``)."""
    distinct = _distinct_values(located, position)
    if not distinct or all(value.isdigit() for value in distinct):
        return False
    fits = sum(NORMALIZERS[kind](value)[1] is None
               and not (kind == "yes_no" and value in STATUS_WORDS) for value in distinct)  # fmt: skip
    return fits >= 0.9 * len(distinct)


def _distinct_values(located: Located, position: int) -> list[str]:
    """The distinct values of a table's column, trimmed, blanks left out."""
    values = located.grid.columns[position].take(pa.array(located.data))
    return [v for v in pc.unique(pc.utf8_trim_whitespace(values)).to_pylist() if v]


def prepare_table(located: Located, vocabulary: Vocabulary, context: Context, notes: list[str]
             ) -> Source:  # fmt: skip
    """Read, check and normalise a located table: its raw and normalised columns, its
    findings, and notes on how it was read.

    Parameters
    ----------
    located : Located
        The table within its grid, with its registry and data rows.
    vocabulary : Vocabulary
        The headers known per registry, to tell a repeated column from an unmapped one.
    context : Context
        What the table's names say (``table_context``), for columns the table lacks.
    notes : list[str]
        Notes already made on the table (``found_by_values``); more are added.

    Returns
    -------
    Source
        The table read, with its source number not yet set.

    Raises
    ------
    InputError, InputErrors
        If record ids are blank or repeat within the table.
    """
    grid, recognition = located.grid, located.recognition
    registry, positions = recognition.registry, recognition.positions
    picked = pa.array(located.data)
    cells = [column.take(picked) for column in grid.columns]
    height = len(located.data)
    row_numbers = pa.array(np.asarray(grid.row_numbers, dtype=np.int64)[located.data])
    extras, unmapped, more = _extras(located, vocabulary, cells)
    relations = _relations(located, cells)  # read once: it places members' rows (FAMILY_KEYS)
    cells, filled = _case_cells_filled(registry, positions, cells, located.header.texts,
                                       relations)  # fmt: skip
    cells, paid_out = _paid_out_month_filled(located, vocabulary, cells)
    notes = [*notes, *more, *filled, *paid_out, *_two_row_header_note(located)]
    if not height:
        notes.append("表头下没有数据行：此表读作 0 行")
    if grid.merged_cells:
        notes.append(f"合并单元格：{grid.merged_cells} 个单元格按所在合并区域的值填充")
    counties = next((county_values(cells[position]) for position, label in extras
                     if label in COUNTY_HEADERS), None)  # fmt: skip
    years = next(((f"列「{label}」", cells[position]) for position, label in extras
                  if label in YEAR_HEADERS), None)  # fmt: skip
    years = years or _years_of_dates(located, vocabulary, cells)
    record_ids, repeats = _record_ids(located, cells, row_numbers, counties, context.id_name)
    if repeats is not None:
        notes.append(
            "表中没有记录编号列：记录编号按文件名、工作表和每行的姓名、证件号、案件号等生成"
            "（其他行增删、文件名换了年月时不变）"
        )
    lines_repeated = (_lines_repeated(located, cells, row_numbers)
                      if repeats is not None and registry.name == "payments" else None)  # fmt: skip
    if lines_repeated is not None and lines_repeated.null_count < height:
        notes.append(_repeated_lines_note(lines_repeated, row_numbers))
    blank = pa.array([""] * height, pa.string())
    raw: dict[str, pa.Array] = {"row_no": row_numbers}
    normalised: dict[str, pa.Array] = {"record_id": record_ids, "row_no": row_numbers}
    findings: list[pa.Table] = []
    apart = ids_apart(positions, cells)
    for column in registry.columns:
        position = positions.get(column.name)
        values = cells[position] if position is not None else None
        raw[column.name] = values if values is not None else pa.nulls(height, pa.string())
        if column.name == "record_id":
            continue
        read, filled = _in_context(column, values, context, years and years[1])
        read = apart.cells.get(column.name, read)
        read = _part_of_combined(column.name, located, position, read)
        if years and column.kind == "month" and read is not values:
            notes.append(f"{column.header}列只写了月：年份取同一行的{years[0]}")
        read, padded = _zeros_restored(read) if column.name in ZERO_PADDED else (read, None)
        read, dittoed = _ditto_filled(read) if column.name in DITTO_COLUMNS else (read, None)
        read, from_head = (_family_filled(read, relations)
                           if column.name in FAMILY_KEYS else (read, None))  # fmt: skip
        read, counted_on = (_counted_once(located, position, read, row_numbers)
                            if column.name in COUNTED_ONCE else (read, None))  # fmt: skip
        if values is None and (given := context.fill(column.name)) is not None:
            read = pa.array([given] * height, pa.string())
            notes.append(f"表中没有{column.header}列：按文件名、工作表名或标题取“{given}”")
        kind, unit_note = _amount_read_as(column, located, position, read)
        notes += [unit_note] if unit_note else []
        outputs, problems = _normalise_column(kind, blank if read is None else read)
        outputs, problems = _year_last_in_order(column.kind, read, outputs, problems)
        if column.name == "pay_month" and values is not None:
            outputs, problems = _unread_from_paid_out(located, vocabulary, context,
                                                      years and years[1], cells, outputs,
                                                      problems)  # fmt: skip
        # a 2025.1 its own 发放月份 settles (above) is not read by its column's other cells
        outputs, problems = _octobers_by_column(column.kind, read, outputs, problems)
        for (suffix, _), output in zip(outputs_of(column.kind), outputs, strict=True):
            normalised[column.name + suffix] = output
        if column.name == "birth_date":
            normalised["birth_year_only"], problems = _birth_years_alone(read, problems)
        if values is not None:
            _refuse_unreadable(located, column, (values, read), outputs[0], problems,
                               row_numbers, years and years[0])  # fmt: skip
            problems = _with_required_blanks(column, values if from_head is None else read,
                                             problems)  # fmt: skip
            problems = _from_certificate(column.name, normalised, problems)
            problems = _certificate_as_id(column.name, read, normalised, problems)
            problems, institution_note = _institution_payees(column.name, normalised, problems)
            notes += institution_note
            problems = _with_overlong(column, values, problems)
            if column.name in apart.problems:
                problems = pc.coalesce(apart.problems[column.name], problems)
            for changed, problem in (
                (filled, "month_from_context"),
                (padded, "leading_zeros_restored"),
                (dittoed, "ditto_filled"),
                (from_head, "family_filled"),
                (apart.taken.get(column.name), "id_from_name"),
            ):
                if changed is not None:
                    problems = pc.if_else(pc.and_(changed, pc.is_null(problems)), problem,
                                          problems)  # fmt: skip
            if grid.bad_lines:
                damaged = pc.fill_null(pc.match_substring(values, REPLACEMENT), False)
                problems = pc.if_else(damaged, "encoding_bad_bytes", problems)
            if column.name == _STRUCK_COLUMN.get(registry.name, "name"):
                struck = {row for row, at in grid.struck_cells if at == position}
                # a row struck out, read one column to the left, or saying what an earlier one
                # says of whom (pasted twice? a ledger may pay one case twice in a month: two
                # lines of it are no repeat, unless every cell is the same): each asked about
                # beside what else its cell says
                for rows, problem in ((struck, "row_struck"),
                                      (grid.shifted_rows, "row_shifted")):  # fmt: skip
                    if rows:
                        listed = pa.array(np.isin(row_numbers.to_numpy(), list(rows)))
                        findings.append(_findings_of_rows(registry, column.name, listed, problem,
                                                          values, normalised))  # fmt: skip
                if repeats is not None and registry.name != "payments":
                    findings.append(_findings_of_rows(registry, column.name, repeats, "row_repeated",
                                                      values, normalised))  # fmt: skip
                if lines_repeated is not None:
                    findings.append(_findings_naming_rows(registry, column.name, "payment_repeated",
                                                          lines_repeated, "与第 {} 行完全相同",
                                                          values, normalised))  # fmt: skip
                if grid.hidden_rows:  # a row a person hid: read, and asked about
                    hidden = pa.array(np.isin(row_numbers.to_numpy(), list(grid.hidden_rows)))
                    problems = pc.if_else(pc.and_(hidden, pc.is_null(problems)), "row_hidden",
                                          problems)  # fmt: skip
            # an ID cell given the ID its name cell held shows that ID
            shown = read if column.name in ID_OF_NAME.values() else values
            findings.append(findings_of(registry, column.name, problems, shown, normalised))
            if counted_on is not None:
                findings.append(_merged_findings(registry, column.name, counted_on, values,
                                                 normalised))  # fmt: skip
                notes.append(_merged_note(located, position, counted_on))
    raw["extra"] = _extra_map(cells, extras, height)
    normalised_table = pa.table(normalised)
    findings += _row_findings(registry, normalised_table)
    findings += _members_unlisted(located, cells, normalised)
    if grid.bad_lines:
        lines = "、".join(map(str, grid.bad_lines[:20]))
        notes.append(
            f"第 {lines} 行含不是文字的字节，已显示为“{REPLACEMENT}”并照常读取，请核对原文件"
        )
    if registry.name == "payments":
        notes += _month_notes(located, context, normalised_table)
        notes_on_funds, fund_findings = _fund_notes_and_findings(located, extras, raw["extra"],
                                                                 normalised)  # fmt: skip
        notes += notes_on_funds
        findings += fund_findings
    mapping = [(located.header.texts[position], name) for name, position in positions.items()]
    return Source(
        registry, grid.path, grid.sheet, grid.file_format, grid.encoding, located.header_rows,
        mapping, unmapped, located.skipped, notes, grid.merged_cells, pa.table(raw),
        normalised_table, findings, first_column=grid.first_column,
        owed=owed_amounts(located, vocabulary, cells, row_numbers),
        named_months=tuple(month for _, month in context.named_months),
    )  # fmt: skip


def _members_unlisted(located: Located, cells: list[pa.Array], normalised: dict) -> list[pa.Table]:
    """A finding on each cell of a column listing a household's members
    (``member_list_column``) that is written but lists none as ``listed_members`` reads them
    (its members are not read), or that lists the row's own person (``_is_row_person``) under
    another ID than the row's (that ID is not read)."""
    listed = member_list_column(located)
    if listed is None:
        return []
    written = cells[listed].cast(pa.string())
    problems = pa.array([_listing_problem(text, person) for text, person in
                         zip(_cells_of(located, listed), _row_people(located), strict=True)],
                        pa.string())  # fmt: skip
    header = located.header.texts[listed].strip()
    return [findings_of(located.recognition.registry, header, problems, written, normalised)]


def _listing_problem(text: str, person: _RowPerson) -> str | None:
    """What is wrong with a cell listing a household's members, if anything: it lists no one
    (``members_unlisted``), or the row's own person under another ID (``member_id_differs``)."""
    if not text.strip():
        return None
    members = listed_members(text)
    if members is None:
        return "members_unlisted"
    differs = any(_is_row_person(member, person) and member[2] and _compared_id(member[2]) != person[1]
                  for member in members)  # fmt: skip
    return "member_id_differs" if differs else None


def _row_person_said(located: Located, listed: int) -> str:
    """What a note says on the members of the column ``listed`` taken for their row's own
    person (``_is_row_person``): how many, and how many of them under another ID; that the
    lists name no row's own person where none is."""
    taken = [bool(member[2]) and _compared_id(member[2]) != person[1]
             for text, person in zip(_cells_of(located, listed), _row_people(located), strict=True)
             for member in listed_members(text) or () if _is_row_person(member, person)
             ]  # fmt: skip
    differing = sum(taken)
    if not taken:
        return "格中未列本行本人"
    return (f"格中与本行同一人（同一身份证号，或写作户主/本人，或同名而身份证号缺失或疑似录错）的 "
            f"{len(taken)} 人不重复读取" + (f"（其中 {differing} 人写的身份证号与本行不同，见问题清单）"
                                      if differing else ""))  # fmt: skip


def _two_row_header_note(located: Located) -> list[str]:
    """A note naming the rows of a header that spans two rows, neither of them read as data: a
    clerk whose first line of data was taken for a header's second row sees which it was; and
    the header's own notes (a column read by its group's name)."""
    if len(located.header_rows) < 2:
        return []
    rows = "、".join(map(str, located.header_rows))
    return [f"第 {rows} 行合为一个两行表头，这两行都不作为数据读取；如其中一行其实是数据，请核对",
            *located.header.notes]  # fmt: skip


def _month_notes(located: Located, context: Context, normalised: pa.Table) -> list[str]:
    """Notes on a payments table whose names give different months (file name 11月, title
    12月), on rows whose month column gives another month than its names, and on rows paying
    several months through the named one (2026-04至2026-06 in June's list: a quarter's, no
    补发: ``_through_named_month``)."""
    named = context.named_months
    given = context.fill("pay_month")
    position = located.recognition.positions.get("pay_month")
    notes = []
    if len({month for _, month in named}) > 1:
        said = "、".join(f"{kind} {month}" for kind, month in named)
        read = (f"各行的发放月份按列「{located.header.texts[position].strip()}」读取"
                if position is not None else f"表中没有发放月份列，各行按 {given} 读取")  # fmt: skip
        notes.append(f"文件名、工作表名、标题所写的月份不一致（{said}）：{read}，请核实")
    if position is None or given is None:
        return notes
    header = located.header.texts[position].strip()
    through = _through_named_month(normalised, given)
    notes += [f"列「{header}」有 {pc.sum(through).as_py()} 行是截至 {given} 的几个月一并发放"
              "（如按季发放），按所写各月读取"] if pc.any(through).as_py() else []  # fmt: skip
    months = pc.value_counts(pc.drop_null(normalised["pay_month"].filter(pc.invert(through))))
    other = sorted((item["values"], item["counts"]) for item in months.to_pylist()
                   if item["values"] != given)  # fmt: skip
    if other:
        counts = "、".join(f"{month} {count} 行" for month, count in other)
        elsewhere = sum(count for _, count in other)
        notes.append(
            f"列「{header}」所写月份与文件名、工作表名或标题的 {given} 不同（{counts}）："
            + _other_months_said(given, other, elsewhere, normalised.num_rows)
        )  # fmt: skip
    return notes


def _other_months_said(given: str, other: list[tuple[str, int]], elsewhere: int, rows: int
                       ) -> str:  # fmt: skip
    """What a payments table's rows of other months than its names' ``given`` month likely
    are: none of that month (a month column left from an old list), most of earlier months
    (the whole ledger exported that month: until 2026-12-08 a blind tester's 发放记录2026年10月
    导出.csv, 1,453 lines of earlier months, was asked about as 补发), else a few 补发."""
    if elsewhere == rows:
        return "整表没有一行是该月，可能是沿用旧表未改的月份列，请核实"
    if elsewhere * 2 > rows and all(month < given for month, _ in other):
        return f"表中多数行是往月的发放，视为截至 {given} 导出的发放台账，各行按所写月份读取"
    return "可能是补发的往月，请核实"


def _through_named_month(normalised: pa.Table, named: str) -> pa.Array:
    """Per row, whether its months are a range ending at ``named`` (2026-04至2026-06 in
    June's list): several months paid together, through the month the list pays.

    >>> table = pa.table({"pay_month": ["2026-04", "2026-04", "2026-06", None],
    ...                   "pay_month_last": ["2026-06", "2026-05", None, None]})
    >>> _through_named_month(table, "2026-06").to_pylist()
    [True, False, False, False]
    """
    ends = pc.equal(normalised["pay_month_last"], named)
    return pc.fill_null(pc.and_(ends, pc.less(normalised["pay_month"], named)), False)


# The categories a note on a column of classes names, the most lines first.
SHOWN_CATEGORIES = 10


def _fund_notes_and_findings(located: Located, extras: list[tuple[int, str]], extra: pa.Array,
                             normalised: dict) -> tuple[list[str], list[pa.Table]]:  # fmt: skip
    """The notes and findings on a payments table's fund categories, each line's as
    ``models.amounts.CASE_MONEY`` reads it (``resolver.funds.fund_categories``): its lines of
    other funds than the allowance (取暖费 …) counted by category, and a category naming
    neither asked about on its line (``fund_unknown``) — or in one note when most of the
    column's categories name no fund (a column of classes, A类, under 补助类别)."""
    headers = [located.header.texts[position].strip() for position, label in extras
               if label in FUND_HEADERS]  # fmt: skip
    if not headers:
        return [], []
    categories = fund_categories(extra)
    kinds = [fund_kind(text) for text in categories.to_pylist()]
    named = "、".join(f"「{header}」" for header in headers)
    notes = _other_fund_notes(named, categories, kinds)
    filled = [kind for text, kind in zip(categories.to_pylist(), kinds, strict=True) if text]
    if not filled or filled.count(UNKNOWN) < FUND_SHARE * len(filled):
        unknown = pc.if_else(pa.array([kind == UNKNOWN for kind in kinds], pa.bool_()),
                             "fund_unknown", pa.scalar(None, pa.string()))  # fmt: skip
        registry = located.recognition.registry
        return notes, [findings_of(registry, headers[0], unknown, categories, normalised)]
    counted = sorted(_counted(categories, kinds, UNKNOWN), key=lambda pair: -pair[1])
    shown = "、".join(f"{text} {count} 行" for text, count in counted[:SHOWN_CATEGORIES])
    shown += "等" if len(counted) > SHOWN_CATEGORIES else ""
    unnamed = f"列{named}大多不是资金类别（{shown}），这些行按低保、特困金额计：请说明是哪类资金"
    return [*notes, unnamed], []


def _other_fund_notes(named: str, categories: pa.Array, kinds: list[str]) -> list[str]:
    """The note counting a payments table's lines of other funds by category; none without."""
    counted = _counted(categories, kinds, OTHER)
    if not counted:
        return []
    listed = "、".join(f"{text} {count} 行" for text, count in counted)
    return [
        f"列{named}中其他资金 {sum(count for _, count in counted)} 行（{listed}）：不是低保金、"
        "特困供养金，照常读取，不计入低保、特困的发放金额，也不算作该月已发放"
    ]


def _counted(categories: pa.Array, kinds: list[str], kind: str) -> list[tuple[str, int]]:
    """The categories of one kind and their lines, by category."""
    counts = Counter(text.strip() for text, found in zip(categories.to_pylist(), kinds,
                                                         strict=True) if found == kind)  # fmt: skip
    return sorted(counts.items())


# The cell whose strike-through marks its row as struck, and where it is reported: the name
# (a ledger's case number, which it always has); a struck-out old phone number is no row
# struck.
_STRUCK_COLUMN = {"payments": "case_no"}
# Household numbers a spreadsheet stores as numbers, dropping their leading zeros.
ZERO_PADDED = ("hukou_no", "poverty_hh_no")
# A column restores them when this share of its all-digit values have one length.
ZERO_PADDED_SHARE = 0.9


# What a clerk types for "the same as the row above" (同上, a ditto mark) in a household's or
# a place's column. A person's own columns (name, ID, gender, birth date, relation, health)
# and amounts are never filled so: there it stays a value that cannot be read.
DITTO_MARKS = ("同上", "仝上", "同上行", "〃", "″", '"', "＂", "''")
DITTO_COLUMNS = ("hukou_no", "case_no", "poverty_hh_no", "township", "village", "address",
                 "program", "dibao_class", "covered", "household_size", "income_per_capita",
                 "start_date", "end_date", "phone", "bank_account", "pay_month",
                 "poverty_status", "poverty_cause", "income_per_capita_year", "source")  # fmt: skip


# A household's or case's number (and a case's program) an office writes on its head's row
# only: a member's row below it, blank there, is of the same household (``_family_filled``).
FAMILY_KEYS = ("hukou_no", "case_no", "poverty_hh_no", "program")


def _relations(located: Located, cells: list[pa.Array]) -> pa.Array | None:
    """Each row's 与户主关系 as its code (``head``, ``spouse``...), or None without one."""
    position = located.recognition.positions.get("relation")
    return None if position is None else _normalise_column("relation", cells[position])[0][0]


def _family_filled(values: pa.Array | None, relations: pa.Array | None
                   ) -> tuple[pa.Array | None, pa.Array | None]:  # fmt: skip
    """``values`` with a blank on a member's row (a 与户主关系 other than 户主) taken from the
    household's row above it: the nearest row with a value, no head's row between (a head's
    row, or a row of unknown relation, without a value starts a household without one); and
    which rows were filled (None: none).

    >>> values = pa.array(["DB1", "", None, "", "DB2", ""])
    >>> relations = pa.array(["head", "spouse", "child", "head", "head", None])
    >>> filled, changed = _family_filled(values, relations)
    >>> filled.to_pylist(), changed.to_pylist()
    (['DB1', 'DB1', 'DB1', '', 'DB2', ''], [False, True, True, False, False, False])
    """
    if values is None or relations is None:
        return values, None
    blanks = pc.fill_null(pc.equal(pc.utf8_trim_whitespace(values), ""), True)
    if not pc.any(blanks).as_py():  # nothing to fill: no walk over the rows
        return values, None
    filled, changed, current = [], [], None
    for value, blank, relation in zip(values.to_pylist(), blanks.to_pylist(),
                                      relations.to_pylist(), strict=True):  # fmt: skip
        if not blank:
            current = value
        elif relation in (None, "head"):
            current = None
        taken = blank and current is not None
        filled.append(current if taken else value)
        changed.append(taken)
    if not any(changed):
        return values, None
    return pa.array(filled, pa.string()), pa.array(changed)


def _ditto_filled(values: pa.Array | None) -> tuple[pa.Array | None, pa.Array | None]:
    """``values`` with each ditto mark (``DITTO_MARKS``) replaced by the value above it (the
    nearest row above that is neither blank nor a mark), and which were (None: none). A
    mark with nothing above it stays as it is.

    >>> values = pa.array(["DB1", "同上", " 〃 ", None, "DB2"])
    >>> filled, changed = _ditto_filled(values)
    >>> filled.to_pylist(), changed.to_pylist()
    (['DB1', 'DB1', 'DB1', None, 'DB2'], [False, True, True, False, False])
    """
    if values is None:
        return None, None
    marked = pc.fill_null(pc.is_in(pc.utf8_trim_whitespace(values), pa.array(DITTO_MARKS)), False)
    if not pc.any(marked).as_py():
        return values, None
    filled, above = values.to_pylist(), None
    for index, is_mark in enumerate(marked.to_pylist()):
        if is_mark and above is not None:
            filled[index] = above
        elif not is_mark and filled[index] and filled[index].strip():
            above = filled[index]
    changed = pa.array([a != b for a, b in zip(filled, values.to_pylist(), strict=True)])
    return pa.array(filled, pa.string()), changed


def _zeros_restored(values: pa.Array | None) -> tuple[pa.Array | None, pa.Array | None]:
    """``values`` with the leading zeros a spreadsheet dropped put back: an all-digit value
    shorter than the length ``ZERO_PADDED_SHARE`` of the column's all-digit values have
    (``300900003`` among ``0300900003``), and which values were changed (None: none)."""
    if values is None:
        return None, None
    text = pc.utf8_trim_whitespace(values)
    digits = pc.fill_null(pc.match_substring_regex(text, r"^[0-9]+$"), False)
    lengths = pc.utf8_length(text.filter(digits)).to_numpy(zero_copy_only=False)
    if not len(lengths):
        return values, None
    common = int(np.bincount(lengths).argmax())
    short = pc.and_(digits, pc.less(pc.utf8_length(text), common))
    if (lengths == common).mean() < ZERO_PADDED_SHARE or not pc.any(short).as_py():
        return values, None
    return pc.if_else(short, pc.utf8_lpad(text, width=common, padding="0"), values), short


# Columns whose value merged down over a household's lines is the household's sum: a
# payment's amount, counted once (on the first line of the merged range read), not on every
# member's line. What a merged cell says of each member alike stays filled: a case number, a
# date, a 家庭人数, a per-capita income (each member's household has that income per head).
COUNTED_ONCE = ("amount",)


def _counted_once(located: Located, position: int | None, read: pa.Array | None,
                  row_numbers: pa.Array) -> tuple[pa.Array | None, pa.Array | None]:  # fmt: skip
    """``read`` with a value merged down over several rows left on the first row read of its
    range only, and per row the number of the row it is counted on where it was taken away
    (null elsewhere; None when none was)."""
    ranges = sorted((top, bottom) for top, bottom, left, right in located.grid.merged_down
                    if position is not None and left <= position <= right)  # fmt: skip
    if not ranges or read is None:
        return read, None
    tops, bottoms = (np.asarray(ends, dtype=np.int64) for ends in zip(*ranges, strict=True))
    numbers = row_numbers.to_numpy()
    within = np.searchsorted(tops, numbers, side="right") - 1
    inside = (within >= 0) & (numbers <= bottoms[np.maximum(within, 0)])
    first = np.full(len(tops), -1, dtype=np.int64)
    ranges_read, first_rows = np.unique(within[inside], return_index=True)
    first[ranges_read] = numbers[inside][first_rows]
    counted_on = np.where(inside, first[within], -1)
    moved = inside & (counted_on != numbers)
    if not moved.any():
        return read, None
    taken = pa.array(moved)
    counted = pa.array(np.where(moved, counted_on, 0), mask=~moved)
    return pc.if_else(taken, "", read), counted


def owed_amounts(located: Located, vocabulary: Vocabulary, cells: list[pa.Array],
                 row_numbers: pa.Array) -> pa.Table | None:  # fmt: skip
    """The amount owed (应发) of each row of a payments table whose amount is read from the
    amount paid (实发: ``resolver.headers.PREFERRED``) beside it, read as an amount, a value
    merged down over a household's rows counted once, on the first row of its range, as the
    amount is; None for any other table. Ingest never reads it (a ledger is of money paid);
    screening a list before the bank is paid reads it where 实发 is still blank.

    Parameters
    ----------
    located : Located
        The table within its grid.
    vocabulary : Vocabulary
        The headers known per registry (which columns are amounts).
    cells : list of pa.Array
        The table's cells by column, as read.
    row_numbers : pa.Array
        Each row's number in the sheet.

    Returns
    -------
    pa.Table or None
        Per row ``amount`` (DECIMAL, null where blank, unreadable or counted on another row)
        and ``merged`` (True where counted on another row of its merged range); or None.
    """
    registry, positions = located.recognition.registry, located.recognition.positions
    texts, paid = located.header.texts, PREFERRED["amount"]
    position = positions.get("amount")
    if registry.name != "payments" or position is None or not paid.search(texts[position]):
        return None
    owed = next((at for at, text in enumerate(texts) if at != position and not paid.search(text)
                 and vocabulary.column(registry.name, text) == "amount"), None)  # fmt: skip
    if owed is None:
        return None
    counted, counted_on = _counted_once(located, owed, cells[owed], row_numbers)
    kind, _ = _amount_read_as(registry.column("amount"), located, owed, counted)
    outputs, _ = _normalise_column(kind, counted)
    merged = (pa.array([False] * len(counted)) if counted_on is None
              else pc.is_valid(counted_on))  # fmt: skip
    return pa.table({"amount": outputs[0], "merged": merged})


def _merged_findings(registry: Registry, column: str, counted_on: pa.Array, values: pa.Array,
                     normalised: dict) -> pa.Table:  # fmt: skip
    """A finding per row whose merged value is counted on another row, naming that row."""
    return _findings_naming_rows(registry, column, "amount_merged_once", counted_on,
                                 "合并单元格，计在第 {} 行", values, normalised)  # fmt: skip


def _findings_naming_rows(registry: Registry, column: str, problem: str, others: pa.Array,
                          wording: str, values: pa.Array, normalised: dict) -> pa.Table:  # fmt: skip
    """A finding ``problem`` per row with a number in ``others``, its value followed by
    ``wording`` naming that other row in brackets (null: no finding)."""
    before, after = wording.split("{}")
    where = pc.binary_join_element_wise(f"（{before}", pc.cast(others, pa.string()), f"{after}）",
                                        "")  # fmt: skip
    shown = pc.binary_join_element_wise(pc.utf8_trim_whitespace(values), where, "")
    problems = pc.if_else(pc.is_valid(others), problem, pa.scalar(None, pa.string()))
    return findings_of(registry, column, problems, shown, normalised)


# The headers of a column numbering a table's lines, which a line pasted twice is given anew.
LINE_NUMBER_HEADERS = ("序号", "顺序号")


def _lines_repeated(located: Located, cells: list[pa.Array], row_numbers: pa.Array) -> pa.Array:
    """Per row, the number of the earlier row that says what it says cell for cell (its 序号
    aside, ``LINE_NUMBER_HEADERS``); null for a row that repeats none."""
    texts = located.header.texts
    written = [pc.fill_null(pc.utf8_trim_whitespace(column), "")
               for position, column in enumerate(cells)
               if header_key(texts[position]) not in LINE_NUMBER_HEADERS]  # fmt: skip
    keys = pc.binary_join_element_wise(*written, "\x1f")
    kinds = np.asarray(pc.index_in(keys, pc.unique(keys)))
    _, firsts = np.unique(kinds, return_index=True)
    first = firsts[kinds]
    repeated = first != np.arange(len(kinds))
    return pa.array(np.asarray(row_numbers)[first], pa.int64(), mask=~repeated)


def _repeated_lines_note(lines_repeated: pa.Array, row_numbers: pa.Array) -> str:
    """The note on a payments table some of whose lines repeat an earlier one cell for cell,
    naming the first five pairs."""
    repeating = pc.filter(row_numbers, pc.is_valid(lines_repeated)).to_pylist()
    firsts = lines_repeated.drop_null().to_pylist()
    pairs = [f"第 {row} 行同第 {first} 行" for row, first in zip(repeating, firsts, strict=True)]
    shown = "、".join(pairs[:5]) + ("等" if len(pairs) > 5 else "")
    return (f"{len(pairs)} 行与前面一行每一格都相同（{shown}），又没有记录编号可以区分：可能是重复录入，"
            "也可能确实发放了两次；金额按所写的行数计入，逐行列入问题清单，请核对")  # fmt: skip


def _findings_of_rows(registry: Registry, column: str, listed: pa.Array, problem: str,
                      values: pa.Array, normalised: dict) -> pa.Table:  # fmt: skip
    """A finding ``problem`` per row ``listed`` (a row struck, shifted or repeated): one of its
    own, beside what else its cell says (a name's note, a hidden row)."""
    problems = pc.if_else(listed, problem, pa.scalar(None, pa.string()))
    return findings_of(registry, column, problems, values, normalised)


def _merged_note(located: Located, position: int, counted_on: pa.Array) -> str:
    """The note on a column whose merged values are each counted once."""
    header = located.header.texts[position].strip()
    lines = pc.count(counted_on).as_py()
    ranges = len(pc.unique(counted_on.drop_null()))
    return (
        f"列「{header}」有 {ranges} 个跨行合并的单元格（一户一个金额）：每个只计一次，计在合并区域"
        f"的第一行，其余 {lines} 行不计金额，逐行列入问题清单"
    )


# A roster's columns that belong to the case, not the member: an office may write them on a
# household's first row only (not merged, blank below). The 低保类别 too: a case whose rows
# give one class is of that class; members of several classes (分类施保) are left as written.
CASE_COLUMNS = ("program", "dibao_class", "household_size", "income_per_capita", "start_date",
                "bank_account")  # fmt: skip


# Of the case columns, the one a member the case does not cover (是否保障对象 否) has none
# of: his blank 低保类别 is his, not a cell the office left to the first row (until
# 2026-12-07 a blind tester's 17 such members were given their family's class).
MEMBERS_OWN = frozenset({"dibao_class"})
_NOT_COVERED = pa.array([word for word, code in VOCABULARIES["yes_no"].items() if code == "no"])


def _uncovered(positions: dict[str, int], cells: list[pa.Array]) -> np.ndarray:
    """Whether each row's 是否保障对象 says its member is not covered (all False without
    the column)."""
    position = positions.get("covered")
    if position is None:
        return np.zeros(len(cells[0]), dtype=bool)
    said = pc.utf8_lower(pc.utf8_trim_whitespace(cells[position]))
    return pc.fill_null(pc.is_in(said, value_set=_NOT_COVERED), False).to_numpy(
        zero_copy_only=False
    )


def _case_cells_filled(registry, positions: dict[str, int], cells: list[pa.Array],
                       headers: list[str], relations: pa.Array | None
                       ) -> tuple[list[pa.Array], list[str]]:  # fmt: skip
    """The cells with a roster's blank case cells filled from the case's other rows, where
    they all say one thing (rows that disagree are left as they are), and a note per column
    filled. A member's row whose 救助证号 is blank is of the case its household's row above
    gives (``_family_filled``, as the number itself is read): until 2026-12-07 such rows
    took no case cell, a blind tester's 321 members none of their 银行账号. Such a row's
    columns of ``FAMILY_KEYS`` are left to that fill, which says so cell by cell."""
    if registry.name != "assistance" or "case_no" not in positions:
        return cells, []
    numbers = cells[positions["case_no"]]
    keys = pc.utf8_trim_whitespace(_family_filled(numbers, relations)[0])
    cased = ~is_blank(keys)
    by_household = cased & is_blank(numbers)
    uncovered = _uncovered(positions, cells)
    cells, notes = list(cells), []
    for name in CASE_COLUMNS:
        position = positions.get(name)
        if position is None:
            continue
        column = cells[position]
        left = (uncovered & (name in MEMBERS_OWN)) | (by_household & (name in FAMILY_KEYS))
        blank = is_blank(column) & cased & ~left
        if not blank.any():
            continue
        written = pa.array(~is_blank(column) & cased)
        known = pa.table({"key": keys.filter(written), "value": column.filter(written)})
        one = known.group_by("key").aggregate([("value", "count_distinct"), ("value", "min")])
        one = one.filter(pc.equal(one["value_count_distinct"], 1))
        found = one["value_min"].combine_chunks().take(pc.index_in(keys, value_set=one["key"]))
        fill = pc.and_(pa.array(blank), pc.is_valid(found))
        count = pc.sum(fill).as_py() or 0
        if count:
            cells[position] = pc.if_else(fill, found, column)
            notes.append(f"列「{headers[position].strip()}」有 {count} 个空格按同一救助证号其他行"
                         "所填的值填入（一户只在首行填写）")  # fmt: skip
    return cells, notes


def _paid_out_month_filled(located: Located, vocabulary: Vocabulary, cells: list[pa.Array]
                           ) -> tuple[list[pa.Array], list[str]]:  # fmt: skip
    """The cells with the month a payment is for (所属月份, read: ``resolver.headers.PREFERRED``)
    taken, where blank, from the month it was paid out (发放月份) beside it: a ledger often
    fills 所属月份 only on its back-pay (补发) lines, or on its lines paying several months
    through the month paid out (a quarter's: ``_filled_on``); and a note saying how many
    were."""
    position, other = _paid_out_position(located, vocabulary)
    texts = located.header.texts
    if other is None:
        return cells, []
    blank = is_blank(cells[position])
    if not blank.any():
        return cells, []
    filled_on = _filled_on(cells[position], cells[other])
    cells = list(cells)
    cells[position] = pc.if_else(pa.array(blank), cells[other], cells[position])
    return cells, [f"列「{texts[position].strip()}」有 {int(blank.sum())} 个空格按同一行的列"
                   f"「{texts[other].strip()}」读取（{filled_on}才填写所属月份）"]  # fmt: skip


def _filled_on(written: pa.Array, paid_out: pa.Array) -> str:
    """Which lines a table writes its 所属月份 on, as its note says: 补发行 where none is a
    range ending at its month paid out (发放月份), 按季等跨月发放的行 where each is
    (2026-04至2026-06 paid in 2026-06: a quarter's), else both.

    >>> _filled_on(pa.array(["2026-04至2026-06", None]), pa.array(["2026-06", "2026-06"]))
    '按季等跨月发放的行'
    >>> _filled_on(pa.array(["2026-04至2026-05", "2026-04至2026-06"]), pa.array(["2026-06"] * 2))
    '补发行、按季等跨月发放的行'
    """
    (first, last), _ = _normalise_column("month", written)
    (paid, _), _ = _normalise_column("month", paid_out)
    through = pc.fill_null(pc.and_(pc.equal(last, paid), pc.less(first, paid)), False)
    kinds = {bool(row) for row, cell in zip(through.to_pylist(), is_blank(written), strict=True)
             if not cell}  # fmt: skip
    words = {False: "补发行", True: "按季等跨月发放的行"}
    return "、".join(words[kind] for kind in sorted(kinds)) or words[False]


def _paid_out_position(located: Located, vocabulary: Vocabulary) -> tuple[int | None, int | None]:
    """The positions of a payments table's 所属月份 column (the month a payment is for, read:
    ``resolver.headers.PREFERRED``) and of its 发放月份 column beside it; (None, None) when
    the table has not both."""
    position = located.recognition.positions.get("pay_month")
    texts = located.header.texts
    if position is None or not PREFERRED["pay_month"].search(texts[position]):
        return None, None
    other = next((p for p, text in enumerate(texts) if p != position
                  and vocabulary.column(located.recognition.registry.name, text) == "pay_month"), None)  # fmt: skip
    return (position, other) if other is not None else (None, None)


def _unread_from_paid_out(located: Located, vocabulary: Vocabulary, context: Context,
                          years: pa.Array | None, cells: list[pa.Array], outputs: list[pa.Array],
                          problems: pa.Array) -> tuple[list[pa.Array], pa.Array]:  # fmt: skip
    """The months of a payments table's rows whose 所属月份 cell is read from the row's
    发放月份 beside it: a cell holding no month at all (a placeholder, ``_NO_MONTH``: 无, /,
    待核) as a blank one is (``_paid_out_month_filled``), with a finding
    (``month_from_paid_out``); a ``2024.1`` (``month_ambiguous``) as the one of January and
    October not after its 发放月份 when only one is, with a finding
    (``month_ambiguous_by_paid_out``). Any other cell not read (a range that runs back, an
    Excel error, a 2024.1 both months fit) stays unread, with its finding; all stay as they
    were where the table has no such pair of columns."""
    position, other = _paid_out_position(located, vocabulary)
    if other is None:
        return outputs, problems
    column = located.recognition.registry.column("pay_month")
    written, _ = _in_context(column, cells[other], context, years)
    (paid_out, _), _ = _normalise_column(column.kind, written)
    placeholder = pc.and_(pc.equal(problems, "month_unparsed"),
                          pc.match_substring_regex(cells[position], _NO_MONTH))  # fmt: skip
    taken = pc.fill_null(pc.and_(placeholder, pc.is_valid(paid_out)), False)
    month = pc.if_else(taken, paid_out, _ambiguous_by_paid_out(cells[position], paid_out, problems))
    read = pc.is_valid(month)
    found = pc.if_else(taken, "month_from_paid_out", "month_ambiguous_by_paid_out")
    return ([pc.if_else(read, month, output) for output in outputs],
            pc.if_else(read, found, problems))  # fmt: skip


def _ambiguous_by_paid_out(cells: pa.Array, paid_out: pa.Array, problems: pa.Array) -> pa.Array:
    """Per row, the month of a ``month_ambiguous`` cell (``2024.1``: January, or October typed
    as a number) that its month paid out (``paid_out``) leaves alone: the one of the two not
    after it, when only one is; null elsewhere."""
    months: list[str | None] = [None] * len(cells)
    for row in pc.indices_nonzero(pc.fill_null(pc.equal(problems, "month_ambiguous"),
                                               False)).to_pylist():  # fmt: skip
        written, paid = _AMBIGUOUS_MONTH.match(cells[row].as_py()), paid_out[row].as_py()
        fits = [month for month in (f"{written[1]}-01", f"{written[1]}-10")
                if written and paid and month <= paid]  # fmt: skip
        months[row] = fits[0] if len(fits) == 1 else None
    return pa.array(months, pa.string())


def _extras(located: Located, vocabulary: Vocabulary, cells: list[pa.Array]
            ) -> tuple[list[tuple[int, str]], list[str], list[str]]:  # fmt: skip
    """The columns kept as extras (position, a header unique within the table), the headers
    no contract column took, and notes on columns that repeat a mapped one."""
    registry, positions = located.recognition.registry, located.recognition.positions
    texts = located.header.texts
    taken = set(positions.values())
    extras, unmapped, notes = [], [], []
    seen: Counter[str] = Counter()
    by_values = _fund_by_values(located, vocabulary, cells)
    listed = member_list_column(located)  # read: its members are rows (``members_apart``)
    for position, text in enumerate(texts):
        if position in taken:
            continue
        # Doudi reads it from extras, by this name
        later = _read_later(registry.name, text) or (FUND_HEADERS[0] if position == by_values
                                                     else None)  # fmt: skip
        if position == by_values:
            notes.append(f"列「{text.strip()}」按内容读作{FUND_HEADERS[0]}")
        label = later or text.strip() or f"列{position + 1}"
        if not text.strip() and bool(np.all(is_blank(cells[position]))):
            continue  # an empty column beside the table
        name = _read_as(located, vocabulary, position)
        read_later = later is not None
        apart = _another_quantity(registry, text)
        if name in positions and not read_later:
            notes.append(_second_column_note(located, label, position, name))
        elif apart is not None:
            column, what = apart
            notes.append(f"列「{label}」是{what}，不是{column}：不按{column}读取，作为附加列保留")
        elif not read_later and position != listed:
            unmapped.append(label)
        seen[label] += 1
        extras.append((position, label if seen[label] == 1 else f"{label}（{seen[label]}）"))
    return extras, unmapped, notes


# Headers of a column of free notes (备注 一次性补发), never a fund category by its values.
NOTE_HEADERS = ("备注", "摘要", "说明", "附注", "情况说明")
# A column whose header names nothing Doudi knows is a payments table's fund categories
# (``FUND_HEADERS``) when most of its rows write one and this share of them names a fund by
# its words (``resolver.funds``) and as a fund does (``FUND_NAME``).
FUND_SHARE = 0.9
# A fund's name ends in what it pays (低保金, 取暖费, 价格临时补贴, 医疗救助, 城乡低保资金), a bracket
# aside (低保金（含分类施保）); a person's class (重度残疾, 高龄老人, 低保) or a case's event
# (临时救助转低保, 一次性补发) does not.
FUND_NAME = re.compile(r"(金|费|补贴|津贴|补助|救助)(\s*[(（][^)）]*[)）])?\s*$")


def _fund_by_values(located: Located, vocabulary: Vocabulary, cells: list[pa.Array]
                    ) -> int | None:  # fmt: skip
    """The position of a payments table's column of fund categories (类别: 低保金, 取暖费)
    under a header naming nothing Doudi knows: the first such column, none when a column's
    header is one of ``FUND_HEADERS`` (it is the fund column)."""
    registry, texts = located.recognition.registry, located.header.texts
    taken = set(located.recognition.positions.values())
    if registry.name != "payments" or any(_read_later(registry.name, text) in FUND_HEADERS
                                          for text in texts):  # fmt: skip
        return None
    return next((position for position, text in enumerate(texts)
                 if position not in taken and _names_funds(vocabulary, text, cells[position])),
                None)  # fmt: skip


def _names_funds(vocabulary: Vocabulary, header: str, values: pa.Array) -> bool:
    """Whether a column of an unknown header holds fund categories (see ``FUND_SHARE``)."""
    if vocabulary.known(header) or any(word in header for word in NOTE_HEADERS):
        return False
    texts = [text.strip() for text in values.to_pylist() if text and text.strip()]
    if not texts or len(texts) * 2 < len(values):
        return False
    named = sum(fund_kind(text) != UNKNOWN and FUND_NAME.search(text) is not None
                for text in texts)  # fmt: skip
    return named >= FUND_SHARE * len(texts)


# Headers of a quantity beside a contract column's, never read as it: the column and what the
# header counts. 保障人数 is how many of a household are covered, 家庭人数 how many it has (a
# household partly covered is what the coverage detectors look for).
NOT_THE_COLUMN = {header_key(header): (name, what) for header, name, what in (
    ("保障人数", "household_size", "保障（在保）的人数"),
    ("在保人数", "household_size", "保障（在保）的人数"),
    ("享受人数", "household_size", "保障（在保）的人数"),
)}  # fmt: skip


def _another_quantity(registry: Registry, header: str) -> tuple[str, str] | None:
    """The header of the registry's column and what a header counts beside it, when the header
    names such a quantity (``NOT_THE_COLUMN``), else None."""
    found = NOT_THE_COLUMN.get(header_key(header))
    if found is None or not any(column.name == found[0] for column in registry.columns):
        return None
    return registry.column(found[0]).header, found[1]


def _read_as(located: Located, vocabulary: Vocabulary, position: int) -> str | None:
    """The contract column a column's header names; the program when its values are
    programs and not that column's (``_programs_in``: 保障类别 holding 低保, 特困)."""
    name = vocabulary.column(located.recognition.registry.name, located.header.texts[position])
    return "program" if name is not None and _programs_in(located, position, name) else name


def _second_column_note(located: Located, label: str, position: int, name: str) -> str:
    """The note on a column kept as an extra because another column of its meaning is read
    (a hidden column beside a visible one is not read: ``resolver.headers.recognise``), each
    column named by its letter too: two columns may have one header."""
    read = located.recognition.positions[name]
    first = located.header.texts[read].strip()
    header = located.recognition.registry.column(name).header
    kept, taken = _letter(located, position), _letter(located, read)
    if position in located.grid.hidden_columns:
        return (
            f"列「{label}」（{kept} 列）是隐藏列，与列「{first}」（{taken} 列）都是{header}：读取未隐藏的"
            f" {taken} 列「{first}」，隐藏列未读取，作为附加列保留"
        )
    return (f"列「{label}」（{kept} 列）与列「{first}」（{taken} 列）都是{header}：读取 {taken} 列"
            f"「{first}」，{kept} 列作为附加列保留")  # fmt: skip


def _letter(located: Located, position: int) -> str:
    """The letter a column of a table has on its sheet (a CSV opened in a spreadsheet too)."""
    return column_letters(located.grid.first_column + position + 1)


def county_values(values: pa.Array) -> pa.Array:
    """The county a column of a province's file names on each row: the 6-digit division code
    a code begins with (a village's 12-digit code begins with its county's), else the name.

    Parameters
    ----------
    values : pa.Array
        The column's cells.

    Returns
    -------
    pa.Array
        The county of each row (strings), null when blank.

    Examples
    --------
    >>> county_values(pa.array([" 532326 ", "532326101201", "大姚县", "", None])).to_pylist()
    ['532326', '532326', '大姚县', None, None]
    """
    text = pc.utf8_trim_whitespace(values.cast(pa.string()))
    coded = pc.match_substring_regex(text, r"^[0-9]{6}")
    county = pc.if_else(coded, pc.utf8_slice_codeunits(text, 0, 6), text)
    return pc.if_else(pc.equal(county, ""), pa.scalar(None, pa.string()), county)


def _record_ids(located: Located, cells: list[pa.Array], row_numbers: pa.Array,
                counties: pa.Array | None, id_name: str) -> tuple[pa.Array, pa.Array | None]:  # fmt: skip
    """The record ids of the rows and, when they were derived (no 记录编号 column:
    ``_derived_ids``, beginning with ``id_name``), which rows repeat an earlier one; None when
    a column gave them. A table whose rows say their county (``counties``) may repeat a
    number in two counties."""
    grid = located.grid
    position = located.recognition.positions.get("record_id")
    if position is None:
        return _derived_ids(located, cells, row_numbers, id_name)
    (record_ids,), problems = _normalise_column("code", cells[position])
    numbers = np.asarray(row_numbers)
    damaged = np.asarray(pc.fill_null(pc.equal(problems, "code_damaged"), False))
    keys = record_ids if counties is None else pc.binary_join_element_wise(
        pc.fill_null(counties, ""), record_ids, "/")  # fmt: skip
    counts = pc.value_counts(keys)
    repeated = pc.drop_null(
        pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))
    )
    header = located.header.texts[position]
    errors = []
    blank = np.asarray(pc.is_null(record_ids)) & ~damaged
    for rows, reason in ((numbers[blank], "记录编号为空"),
                         (numbers[damaged], "记录编号被表格软件转成科学计数法，末几位已丢失：请用原始导出文件"),
                         (numbers[np.asarray(pc.is_in(keys, repeated).fill_null(False))],
                          "记录编号重复")):  # fmt: skip
        if len(rows):
            errors.append(InputError(grid.path, rows.tolist(), header, reason, grid.sheet))
    raise_collected(errors)
    return record_ids, None


# What says which row a row is, when no 记录编号 does: its person, case or household, and
# the date its record begins (not an income or an address, which next month may change).
ROW_KEY = ("name", "id_number", "payee_name", "payee_id_number", "case_no", "hukou_no",
           "poverty_hh_no", "cert_no", "start_date", "death_date", "pay_month")  # fmt: skip


def _derived_ids(located: Located, cells: list[pa.Array], row_numbers: pa.Array, prefix: str
                 ) -> tuple[pa.Array, pa.Array]:  # fmt: skip
    """Record ids from the file name without its dates and the sheet (``prefix``) and what
    the row says of whom (``ROW_KEY``, as written), a repeat numbered (``-2``): a row keeps
    its id when others are added or taken away next month, or the file is named by the next
    month, so its person and cases keep theirs. Without any such column, the row number.
    With them, which rows repeat an earlier one."""
    positions = located.recognition.positions
    keyed = [pc.fill_null(cells[positions[name]], "") for name in ROW_KEY if name in positions]
    if not keyed:
        ids = pc.binary_join_element_wise(prefix, pc.cast(row_numbers, pa.string()), "-")
        return ids, pa.array([False] * len(row_numbers))
    seen: Counter[str] = Counter()
    ids, repeats = [], []
    for text in pc.binary_join_element_wise(*keyed, "\x1f").to_pylist():
        digest = hashlib.sha256(text.encode()).hexdigest()[:10]
        seen[digest] += 1
        repeats.append(seen[digest] > 1)
        ids.append(f"{prefix}-{digest}" + (f"-{seen[digest]}" if seen[digest] > 1 else ""))
    return pa.array(ids, pa.string()), pa.array(repeats)


def _in_context(column: Column, values: pa.Array | None, context: Context,
                years: pa.Array | None) -> tuple[pa.Array | None, pa.Array | None]:  # fmt: skip
    """A month column as it reads in the table's context: ``11月`` (or ``11``) in a row whose
    year column says 2024 is 2024-11, and in a table whose name says 2024 too (a range,
    ``1-3月``, is 2024年1-3月 so); ``2025.1``
    (2025.10 typed as a number loses its 0) is the table's month when that is January or
    October, else stays ambiguous. Returns the values to normalise and which took their year
    from the table's name (None when none did); a month still without a year stays as
    written, to be a finding."""
    pattern = f"{_MONTH_CELL.pattern}|{_AMBIGUOUS_MONTH.pattern}|{MONTHS_ONLY.pattern}"
    if column.kind != "month" or values is None or (context.year is None and years is None):
        return values, None
    if not pc.any(pc.match_substring_regex(values, pattern)).as_py():
        return values, None
    row_years = years.to_pylist() if years is not None else [None] * len(values)
    read, filled = [], []
    for text, row_year in zip(values.to_pylist(), row_years, strict=True):
        only = MONTH_ONLY.match(text or "")
        ambiguous = _AMBIGUOUS_MONTH.match(text or "")
        year, month = _YEAR_CELL.match(row_year or ""), _MONTH_CELL.match(text or "")
        months = MONTHS_ONLY.match(text or "")
        if year and month:
            read.append(f"{year.group(1)}-{int(month.group(1)):02d}")
        elif year and months:
            read.append(f"{year.group(1)}年{text.strip()}")
        elif only and context.year:
            read.append(f"{context.year}-{int(only.group(1)):02d}")
        elif months and context.year:
            read.append(f"{context.year}年{text.strip()}")
        elif ambiguous and int(ambiguous.group(1)) == context.year and context.month in (1, 10):
            read.append(f"{context.year}-{context.month:02d}")
        else:
            read.append(text)
        filled.append(read[-1] != text and not (year and (month or months)))
    return pa.array(read, pa.string()), pa.array(filled, pa.bool_())


def _part_of_combined(name: str, located: Located, position: int | None,
                      read: pa.Array | None) -> pa.Array | None:  # fmt: skip
    """Column ``name``'s part of each cell (``type_and_level``) where it is read from the column
    at ``position`` and that holds both of ``TYPE_AND_LEVEL`` (残疾类别和等级: 肢体二级 is 肢体
    to the type, 二级 to the level); the values as they are otherwise."""
    header = located.header.texts[position] if position is not None else ""
    if name not in TYPE_AND_LEVEL or read is None or not TYPE_AND_LEVEL_HEADER.match(
            header_key(header)):  # fmt: skip
        return read
    index = TYPE_AND_LEVEL.index(name)
    distinct = pc.unique(read)
    parts = pa.array([None if text is None else type_and_level(text)[index]
                      for text in distinct.to_pylist()], pa.string())  # fmt: skip
    return parts.take(pc.index_in(read, distinct))


def _years_of_dates(located: Located, vocabulary: Vocabulary, cells: list[pa.Array]
                    ) -> tuple[str, pa.Array] | None:  # fmt: skip
    """Where a payments table's month column writes a month alone (9月, 9), the year another
    column of the month gives it on the row with a date of that month (发放日期 2026-09-15
    beside 9月: 2026), and what says so (列「发放日期」（两列月份相同时）); None without such a
    column. A row whose two months differ is given no year: 12月 paid on 2027-01-05 may be
    December of 2026 paid late or of 2027 noted early, a back pay of any year."""
    position = located.recognition.positions.get("pay_month")
    registry, texts = located.recognition.registry, located.header.texts
    others = [other for other, text in enumerate(texts)
              if position is not None and other != position
              and vocabulary.column(registry.name, text) == "pay_month"]  # fmt: skip
    if not others or not pc.any(pc.match_substring_regex(cells[position],
                                                         _MONTH_CELL.pattern)).as_py():  # fmt: skip
        return None
    alone = [_MONTH_CELL.match(text or "") for text in cells[position].to_pylist()]
    for other in others:
        (dated, _), _ = _normalise_column("month", cells[other])
        years = [month[:4] if written and month and int(month[5:]) == int(written[1]) else None
                 for written, month in zip(alone, dated.to_pylist(), strict=True)]  # fmt: skip
        if any(years):
            return f"列「{texts[other].strip()}」（两列月份相同时）", pa.array(years, pa.string())
    return None


def _amount_read_as(column: Column, located: Located, position: int | None,
                    values: pa.Array | None) -> tuple[str, str | None]:  # fmt: skip
    """The kind a column is read as, and a note on it: an amount column whose header gives
    its unit as 万元 (发放金额（万元）, 人均纯收入(万元/年)) is read as ``amount_in_wan`` (each
    number without a unit of its own counts ten thousand 元), unless its numbers are plainly
    元-sized (``_yuan_sized``): then as written."""
    if column.kind != "amount" or values is None or position is None:
        return column.kind, None
    header = located.header.texts[position]
    if not _WAN_UNIT.search(unicodedata.normalize("NFKC", header)):
        return column.kind, None
    if _yuan_sized(values):
        return column.kind, f"列「{header}」表头写万元，但数值像是以元为单位，按元读取：请核对"
    return "amount_in_wan", f"列「{header}」以万元为单位：各行金额已换算为元，请核对"


# A number in a 万元 column of YUAN_SIZED or more is 100,000 元 or more: no month's payment nor
# a person's yearly income, which in 万元 are below 10; 元 amounts are 10 and more.
_YUAN_SIZED = Decimal(10)


def _yuan_sized(values: pa.Array) -> bool:
    """Whether at least half the non-zero amounts written without a unit of their own (620
    or 620/人, not 620元 nor 0.062万) are ``_YUAN_SIZED`` or more."""
    stated = pc.match_substring_regex(pc.utf8_normalize(values, "NFKC"), AMOUNT_UNIT_STATED)
    [amounts], _ = _normalise_column("amount", values.filter(pc.invert(pc.fill_null(stated, True))))
    sizes = pc.abs(amounts.drop_null())
    nonzero = pc.sum(pc.not_equal(sizes, pa.scalar(Decimal(0), sizes.type))).as_py() or 0
    large = pc.sum(pc.greater_equal(sizes, pa.scalar(_YUAN_SIZED, sizes.type))).as_py() or 0
    return nonzero > 0 and 2 * large >= nonzero


def _normalise_column(kind: str, values: pa.Array) -> tuple[list[pa.Array], pa.Array]:
    """Normalise a column of text through its distinct values: one array per output column
    of the kind, and the problem of each row (null when none); a 与户主关系 column's codes
    read by the column (``_relation_codes_by_column``)."""
    encoded = pc.dictionary_encode(values)
    outputs, problems = normalize_distinct(kind, encoded.dictionary)
    outputs = [output.take(encoded.indices) for output in outputs]
    return _relation_codes_by_column(kind, values, outputs, problems.take(encoded.indices))


def _relation_codes_by_column(kind: str, values: pa.Array, outputs: list[pa.Array],
                              problems: pa.Array) -> tuple[list[pa.Array], pa.Array]:  # fmt: skip
    """A 与户主关系 column's cells written as numbers (``relation_code``) read as the national
    codes (``relation_code_table``) when they are more than half its cells written; in a
    column mostly of words, where a 1 or a 20 says nothing sure, each is 其他 with a finding
    (``relation_code_among_words``). Other columns as they were."""
    codes = pc.fill_null(pc.equal(problems, "relation_code"), False)
    if kind != "relation" or not pc.any(codes).as_py():
        return outputs, problems
    written = int(np.count_nonzero(~is_blank(values)))
    written_codes = pc.unique(values.filter(codes)).to_pylist()
    table = relation_code_table(written_codes) if 2 * pc.sum(codes).as_py() > written else None
    return _read_again(values, outputs, problems, codes, partial(read_relation_code, table=table))


def _year_last_in_order(kind: str, values: pa.Array | None, outputs: list[pa.Array],
                        problems: pa.Array) -> tuple[list[pa.Array], pa.Array]:  # fmt: skip
    """A date or month column's cells written with the year last whose order is ambiguous
    (``6/5/2024``) read in the order its other such cells show (``6/13/2024``: month first),
    each with a finding; when the column shows neither order, or both, they stay unread,
    each a finding of its own (``date_order_ambiguous``)."""
    ambiguous = pc.fill_null(pc.equal(problems, "date_order_ambiguous"), False)
    if kind not in ("date", "month") or not pc.any(ambiguous).as_py():
        return outputs, problems
    orders = set(pc.unique(problems).to_pylist()) & {"date_month_first", "date_day_first"}
    if len(orders) != 1:
        return outputs, problems
    month_first = orders == {"date_month_first"}
    return _read_again(values, outputs, problems, ambiguous,
                       lambda text: read_in_order(kind, text, month_first))  # fmt: skip


def _octobers_by_column(kind: str, values: pa.Array | None, outputs: list[pa.Array],
                        problems: pa.Array) -> tuple[list[pa.Array], pa.Array]:  # fmt: skip
    """A date or month column's ``2025.1`` cells (``month_ambiguous``) read as October when
    the column writes its other months with two digits (``months_with_two_digits``:
    ``2025.01`` … ``2025.09``), each with a finding (``month_october_by_column``); as they
    were otherwise. A column without such a cell is not looked at again."""
    ambiguous = pc.fill_null(pc.equal(problems, "month_ambiguous"), False)
    if kind not in ("date", "month") or not pc.any(ambiguous).as_py():
        return outputs, problems
    if not months_with_two_digits(pc.unique(values).to_pylist()):
        return outputs, problems
    # only the cells still ambiguous: not a 2025.1 its 发放月份 settled
    return _read_again(values, outputs, problems, ambiguous, partial(read_as_october, kind))


def _read_again(values: pa.Array, outputs: list[pa.Array], problems: pa.Array,
                chosen: pa.Array, read: Callable[[str], Result]
                ) -> tuple[list[pa.Array], pa.Array]:  # fmt: skip
    """``outputs`` and ``problems`` with the cells ``chosen`` read again by ``read`` (a
    cell's text to its outputs and problem), once per distinct text; the others as they
    were."""
    written = pc.unique(values.filter(chosen))
    again = [read(text) for text in written.to_pylist()]
    at = pc.index_in(values, written)
    read_outputs = [pa.array([result[index] for result, _ in again], output.type).take(at)
                    for index, output in enumerate(outputs)]  # fmt: skip
    found = pa.array([problem for _, problem in again], pa.string()).take(at)
    return ([pc.if_else(chosen, new, old) for new, old in zip(read_outputs, outputs, strict=True)],
            pc.if_else(chosen, found, problems))  # fmt: skip


# A required column fewer of whose values read than one in NEARLY_NONE of those it does not
# know is written in a way Doudi does not read: its few values read are the exception, and
# reading on would leave nearly every row without the value.
NEARLY_NONE = 20


# The problems of a value not read because Doudi does not know it, or because what it reads
# cannot be (a date or month of a year before 1890 or after 2100).
_UNREAD = r"_unknown$|_unparsed$|^date_implausible$"


def _birth_years_alone(written: pa.Array | None, problems: pa.Array
                       ) -> tuple[pa.Array, pa.Array]:  # fmt: skip
    """The years a 出生日期 column writes alone (``year_alone``: 1973, 1973年), where no date was
    read, and the problems with ``date_year_only`` for ``date_unparsed`` there: linking
    compares the year, and no day is made up (a 1 January against the true day would count
    against the match)."""
    unread = pc.fill_null(pc.equal(problems, "date_unparsed"), False)
    if written is None or not pc.any(unread).as_py():
        return pa.nulls(len(problems), pa.int64()), problems
    years = [
        year_alone(text) if is_unread else None
        for text, is_unread in zip(written.to_pylist(), unread.to_pylist(), strict=True)
    ]
    alone = pa.array(years, pa.int64())
    return alone, pc.if_else(pc.is_valid(alone), "date_year_only", problems)


def _refuse_unreadable(located: Located, column: Column, cells: tuple[pa.Array, pa.Array],
                       read: pa.Array, problems: pa.Array, row_numbers: pa.Array,
                       years_said: str | None) -> None:  # fmt: skip
    """Refuse a required column none (or nearly none: ``NEARLY_NONE``) of whose values could
    be read, where these are values Doudi does not know (a status, a date or a month every
    row writes in a way it does not read, a month without a year no name of the table nor a
    年度 or date column gives: 9月, 1-3月) or that cannot be (a pay month 1/1/1882): its rows
    would all lack it, as if the table lacked the column. ``cells`` are the values as written
    and as read (a month given its year: ``_in_context``); ``years_said`` what gives a row's
    month its year, if anything (列「年度」). The error names the rows of the first values
    shown. Blank cells, Excel errors, formulas without results and ambiguous months stay
    findings of their own, and so does a group that is no program (低保边缘: its rows are no
    低保 members, read but placed nowhere)."""
    if not column.required:
        return
    unknown = pc.fill_null(pc.match_substring_regex(problems, _UNREAD), False)
    if not pc.any(unknown).as_py():
        return
    written = pc.utf8_trim_whitespace(cells[0])
    placed_nowhere = pc.fill_null(pc.match_substring_regex(written, NOT_A_PROGRAM.pattern), False)
    unread = pc.and_(unknown, pc.invert(placed_nowhere))
    unread_count, read_count = pc.sum(unread).as_py() or 0, pc.count(read).as_py()
    if not unread_count or read_count * NEARLY_NONE >= unread_count:
        return
    first_rows: dict[str, tuple[int, str, str]] = {}
    for value, row, as_read, problem in zip(
        *(array.filter(unread).to_pylist() for array in (written, row_numbers, cells[1], problems)),
        strict=True,
    ):
        first_rows.setdefault(value, (row, as_read, problem))
    examples = {row: (value, as_read, problem)
                for value, (row, as_read, problem) in list(first_rows.items())[:3]}  # fmt: skip
    header = located.header.texts[located.recognition.positions[column.name]].strip()
    grid = located.grid
    raise InputError(grid.path, list(examples), header,
                     _unreadable_reason(located, column, header, examples, read_count,
                                        years_said), grid.sheet)  # fmt: skip


def _unreadable_reason(located: Located, column: Column, header: str,
                       examples: dict[int, tuple[str, str, str]], read_count: int,
                       years_said: str | None) -> str:  # fmt: skip
    """Why ``_refuse_unreadable`` refuses a column, with the ``examples`` (by row: the value,
    as read, and its problem), and what to write instead: a month with its year where the
    values are months no name of the table nor a column of the row (``years_said``) gives the
    year of; a right year where they are of years no date can be."""
    start = f"{located.recognition.registry.chinese}的必填列{column.header}（列「{header}」）"
    shown = "、".join(f"第 {row} 行“{value}”" for row, (value, _, _) in examples.items())
    few = f"，能读取的只有 {read_count} 个" if read_count else ""
    if all(MONTH_ONLY.match(as_read or "") or MONTHS_ONLY.match(as_read or "")
           for _, as_read, _ in examples.values()):  # fmt: skip
        given = f"，同一行的{years_said}也没有给出" if years_said else ""
        return (f"{start}只写了月、没有年份（如{shown}{few}），文件名、工作表名和标题中没有能读出的"
                f"年份（如 2026、2026年）{given}，无法确定是哪一年：请写成带年份的月份（如 2026-09、"
                "2026年9月），或在文件名、工作表名或标题中写明年份（如“2026年发放记录”），或加一列"
                "“年度”")  # fmt: skip
    if all(problem == "date_implausible" for _, _, problem in examples.values()):
        return (f"{start}的年份不合理（早于 1890 年或晚于 2100 年，如{shown}{few}）：可能年份填错，"
                "请核对")  # fmt: skip
    said = f"几乎没有能读取的值（只有 {read_count} 个）" if read_count else "没有一个能读取的值"
    return (f"{start}{said}（如{shown}，取值不在标准写法中）：请按标准写法填写，或核对该列是否"
            "就是此列")  # fmt: skip


# The ID column of each name column: an ID written in a name cell is read into it.
ID_OF_NAME = {"name": "id_number", "payee_name": "payee_id_number"}


@dataclass(frozen=True)
class IdsApart:
    """A table's name cells that held an ID too (``id_beside_name``), read apart: the cells
    to read in place of those written, by column (the names without their IDs; the ID cells
    given them), the finding on each such name cell, by name column, and which ID cells were
    given one, by ID column."""

    cells: dict[str, pa.Array]
    problems: dict[str, pa.Array]
    taken: dict[str, pa.Array]


def ids_apart(positions: dict[str, int], cells: list[pa.Array]) -> IdsApart:
    """The name cells of a table that hold an ID beside the name, read apart from it. The ID
    is read into the row's ID cell where that is blank or says there is none (不详:
    ``name_id_taken``); where that holds the same ID it is dropped (``name_id_same``); where
    another, the ID cell's is read (``name_id_other``). An ID cell given one is a finding too
    (``id_from_name``, unless the ID read is of a problem of its own: 校验位错误).

    Parameters
    ----------
    positions : dict[str, int]
        The table's columns' positions, by name.
    cells : list[pa.Array]
        The table's data cells, by position.

    Returns
    -------
    IdsApart
        The cells to read, the name cells' findings and the ID cells given an ID; empty
        where no name cell holds one.
    """
    apart = IdsApart({}, {}, {})
    for name_column, id_column in ID_OF_NAME.items():
        if name_column not in positions:
            continue
        written = cells[positions[name_column]]
        digits = pc.greater_equal(pc.count_substring_regex(written, "[0-9０-９]"), 15)
        texts = pc.unique(written.filter(pc.fill_null(digits, False))).to_pylist()
        found = {text: split for text in texts if (split := id_beside_name(text))}
        if not found:
            continue
        split = [found.get(text, (text, None)) for text in written.to_pylist()]
        names = pa.array([name for name, _ in split], pa.string())
        ids = pa.array([held for _, held in split], pa.string())
        own = (cells[positions[id_column]] if id_column in positions
               else pa.nulls(len(written), pa.string()))  # fmt: skip
        problems = [None if held is None else _id_beside_name_problem(held, cell)
                    for (_, held), cell in zip(split, own.to_pylist(), strict=True)]  # fmt: skip
        taken = pa.array([problem == "name_id_taken" for problem in problems])
        apart.cells[name_column] = names
        apart.cells[id_column] = pc.if_else(taken, ids, own)
        apart.problems[name_column] = pa.array(problems, pa.string())
        apart.taken[id_column] = taken
    return apart


def _id_beside_name_problem(held: str, cell: str | None) -> str:
    """What is done with an ID written beside a name, given the row's own ID cell."""
    own = parse_id(cell)
    if own.status == "blank":
        return "name_id_taken"
    return "name_id_same" if own.value == parse_id(held).value else "name_id_other"


# The kinds of the columns a certificate in the ID column is read into.
KINDS_OF = {"id_number": "id", "cert_no": "cert"}
# A certificate's category and level where its row's cell is blank or unreadable: the
# digits its number ends with (contract: ID number + type digit + level digit).
FROM_CERTIFICATE = {"disability_type": ("cert_no_type", "type_from_cert"),
                    "disability_level": ("cert_no_level", "level_from_cert")}  # fmt: skip


def _from_certificate(name: str, normalised: dict[str, pa.Array], problems: pa.Array
                      ) -> pa.Array:  # fmt: skip
    """The problems of column ``name`` once its values the row's certificate number gives
    (``FROM_CERTIFICATE``) replace those not read in ``normalised``: each so read is a
    finding that says so."""
    derived, problem = FROM_CERTIFICATE.get(name, (None, None))
    if derived not in normalised:
        return problems
    taken = pc.and_(pc.is_null(normalised[name]), pc.is_valid(normalised[derived]))
    normalised[name] = pc.if_else(taken, normalised[derived], normalised[name])
    return pc.if_else(taken, problem, problems)


def _certificate_as_id(name: str, read: pa.Array, normalised: dict[str, pa.Array],
                       problems: pa.Array) -> pa.Array:  # fmt: skip
    """The problems of the ID column of a certificates table once each ID cell holding a whole
    残疾证号 (an ID unread, the row's own 残疾证号 blank) is read as both in ``normalised``: its
    first 18 characters the ID, the whole the certificate number; each so read is a finding
    that says so."""
    if name != "id_number" or "cert_no" not in normalised:
        return problems
    unread = pc.and_(pc.is_valid(problems), pc.is_null(normalised["cert_no"]))
    certificates, _ = _normalise_column("cert", pc.if_else(unread, read, ""))
    taken = pc.is_valid(certificates[1])  # the holder's ID is usable
    if not pc.any(taken).as_py():
        return problems
    ids, _ = _normalise_column("id", pc.if_else(taken, certificates[1], ""))
    for column, outputs in (("id_number", ids), ("cert_no", certificates)):
        for (suffix, _), output in zip(outputs_of(KINDS_OF[column]), outputs, strict=True):
            normalised[column + suffix] = pc.if_else(taken, output, normalised[column + suffix])
    return pc.if_else(taken, "cert_in_id_column", problems)


def _institution_payees(name: str, normalised: dict[str, pa.Array], problems: pa.Array
                        ) -> tuple[pa.Array, list[str]]:  # fmt: skip
    """The problems of a payment ledger's 领款人身份证号 column without ``id_blank`` on a line
    whose payee is an institution (``INSTITUTIONS``: 集中供养 money paid to a 敬老院), which has
    no 身份证号, nor ``id_bad_shape`` where its cell holds no digit (“/”, “无”: none either);
    and the table's one note saying how many such lines it holds."""
    if name != "payee_id_number":
        return problems, []
    institution = pc.match_substring_regex(normalised["payee_name"], "|".join(INSTITUTIONS))
    no_digit = pc.invert(pc.match_substring_regex(normalised["payee_id_number"], r"\d"))
    none_given = pc.or_kleene(pc.is_in(problems, pa.array(["id_blank", "id_placeholder"])),
                              pc.and_kleene(pc.equal(problems, "id_bad_shape"), no_digit))  # fmt: skip
    excused = pc.fill_null(pc.and_(institution, none_given), False)
    lines = pc.sum(excused).as_py() or 0
    if not lines:
        return problems, []
    note = (f"领款人为供养机构（敬老院、福利院等，集中供养）的 {lines} 行没有领款人身份证号"
            "（空白或写“/”“无”等）：机构领款，不是个人，不列为数据问题"
            "（数据质量报告的身份证号统计仍计入这些行）")  # fmt: skip
    return pc.if_else(excused, pa.scalar(None, pa.string()), problems), [note]


def _with_required_blanks(column: Column, values: pa.Array, problems: pa.Array) -> pa.Array:
    if not column.required:
        return problems
    blank = pc.equal(pc.utf8_trim_whitespace(values), "")
    return pc.if_else(pc.and_(blank, pc.is_null(problems)), "required_blank", problems)


# The most characters a real value of a kind of column holds: a name (the longest Chinese
# names, with a minority's transliteration and its ·, stay under 20) and an address.
TEXT_LIMITS = {"name": 30, "address": 200}


def _with_overlong(column: Column, values: pa.Array, problems: pa.Array) -> pa.Array:
    """``<kind>_too_long`` where a name or an address holds more characters than any real
    one (``TEXT_LIMITS``): another text pasted in, or a cell gone wrong. The value is read
    as it is; the finding names the file, sheet, row and column."""
    limit = TEXT_LIMITS.get(column.kind)
    if limit is None:
        return problems
    overlong = pc.fill_null(pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(values)), limit),
                            False)  # fmt: skip
    return pc.if_else(overlong, f"{column.kind}_too_long", problems)


# The most characters of a value a finding shows (a spreadsheet cell holds 32,767).
SHOWN_LIMIT = 300


def _shown(value: str | None) -> str | None:
    """A finding's value, cut to ``SHOWN_LIMIT`` characters with how long it was."""
    if value is None or len(value) <= SHOWN_LIMIT:
        return value
    return f"{value[:SHOWN_LIMIT]}…（共 {len(value):,} 个字符）"


def findings_of(
    registry: Registry, column: str, problems: pa.Array, shown: pa.Array, normalised: dict
) -> pa.Table:
    """The findings of the rows whose ``problems`` entry is set, with the value ``shown``.

    ID numbers, certificate numbers and bank accounts are masked (``mask_id``; a word for
    none, 不详 or 无, is shown as written), and so is
    any ID, account or mobile number in another column's value (``mask_typed``); a phone
    column's value holding none of them is masked as a phone (``mask_phone``: a landline,
    a number a digit short or two numbers in one cell). A value longer than ``SHOWN_LIMIT``
    characters is cut, saying its length.

    Parameters
    ----------
    registry : Registry
        The table's registry.
    column : str
        The column the findings are about.
    problems : pa.Array
        One problem code per row, null where there is none.
    shown : pa.Array
        One value per row to show in the finding (the raw text, as a rule).
    normalised : dict
        The table's columns by name; its ``record_id`` and ``row_no`` are used.

    Returns
    -------
    pa.Table
        One finding per row with a problem (``FINDINGS_SCHEMA``), ``source_no`` null.
    """
    rows = pc.indices_nonzero(pc.is_valid(problems))
    values = shown.take(rows).cast(pa.string()).to_pylist()
    if column.startswith(SENSITIVE) or column.endswith("id_number"):
        values = [value if value in EXCEL_ERRORS or _says_none(value)
                  else mask_id((value or "").strip()) for value in values]  # fmt: skip
    elif column == "phone":
        values = [value and _masked_phone(value) for value in values]
    else:  # an ID or a phone typed into a date or an amount column is no less personal
        values = [value and mask_typed(value) for value in values]
    values = [_shown(value) for value in values]
    columns = [
        pa.array([registry.name] * len(rows), pa.string()),
        normalised["record_id"].take(rows),
        pa.nulls(len(rows), pa.int64()),
        normalised["row_no"].take(rows),
        pa.array([column] * len(rows), pa.string()),
        problems.take(rows),
        pa.array(values, pa.string()),
    ]
    return pa.Table.from_arrays(columns, schema=FINDINGS_SCHEMA)


def _says_none(value: str | None) -> bool:
    """Whether a number's cell says there is none (不详, 无, a dash): shown as written."""
    return parse_id(value).problem == "placeholder"


def _masked_phone(value: str) -> str:
    """A phone cell's value with its ID and mobile numbers masked, or, holding none but
    holding digits, the whole value masked as a phone (a ditto mark stays as written)."""
    masked = mask_typed(value)
    if masked != value or not any(char.isdigit() for char in value):
        return masked
    return mask_phone(value.strip())


def _row_findings(registry: Registry, normalised: pa.Table) -> list[pa.Table]:
    """Problems between the columns of one row: an ID that contradicts the birth date or
    gender given beside it, a certificate of another person, an end before the start (a date
    after the month the drop describes is the drop's: ``resolver.ingest._dates_ahead``)."""
    columns = {name: normalised.column(name) for name in normalised.column_names}
    findings = []
    for column, other, problem in AGREEMENTS:
        if column not in columns or other not in columns:
            continue
        differs = pc.fill_null(pc.not_equal(columns[column], columns[other]), False)
        if other == "id_number":
            differs = pc.and_(differs, pc.is_in(columns["id_number_status"], pa.array(USABLE)))
        flagged = pc.if_else(differs, _zeroed_or(problem, columns), pa.scalar(None, pa.string()))
        shown = _gender_words(columns[column]) if column == "gender" else columns[column]
        findings.append(findings_of(registry, column, flagged, shown, columns))
    findings.extend(_year_alone_conflicts(registry, columns))
    if "end_date" in columns:
        before = pc.fill_null(pc.less(columns["end_date"], columns["start_date"]), False)
        flagged = pc.if_else(before, "end_before_start", pa.scalar(None, pa.string()))
        findings.append(findings_of(registry, "end_date", flagged, columns["end_date"], columns))
    return findings


def _year_alone_conflicts(registry: Registry, columns: dict[str, pa.Array]) -> list[pa.Table]:
    """A birth year written alone (``_birth_years_alone``) that is not the year of the usable
    ID beside it: ``birth_date_conflicts_id``, as a whole date would be (the ID's date is the
    row's; the year written is shown). None where the table has no such columns."""
    if "birth_year_only" not in columns or "id_number_birth_date" not in columns:
        return []
    written = columns["birth_year_only"]
    differs = pc.fill_null(pc.not_equal(written, pc.year(columns["id_number_birth_date"])), False)
    flagged = pc.if_else(differs, "birth_date_conflicts_id", pa.scalar(None, pa.string()))
    return [findings_of(registry, "birth_date", flagged, written, columns)]


def _gender_words(genders: pa.Array) -> pa.Array:
    """Genders as a finding shows them (男 / 女), not as stored (M / F)."""
    return pc.if_else(
        pc.equal(genders, "M"), "男", pc.if_else(pc.equal(genders, "F"), "女", genders)
    )


def _zeroed_or(problem: str, columns: dict[str, pa.Array]) -> pa.Array | str:
    """A gender or certificate that contradicts an ID ending in 000 says the ID lost its
    last digits to a spreadsheet (which passes the check digit one time in eleven): that,
    not the contradiction, is the finding on such a row."""
    if problem not in ZEROED_CONFLICTS or "id_number" not in columns:
        return problem
    zeroed = pc.fill_null(pc.ends_with(columns["id_number"], "000"), False)
    return pc.if_else(zeroed, "id_zeroed_suspected", problem)


def _extra_map(cells: list[pa.Array], extras: list[tuple[int, str]], height: int) -> pa.Array:
    """The unlisted columns of every row as a map from header to the text as read (null when
    the table has none: storing an empty map per row costs as much as a column of text)."""
    width = len(extras)
    if not width:
        return pa.nulls(height, pa.map_(pa.string(), pa.string()))
    offsets = pa.array(np.arange(height + 1, dtype=np.int32) * width)
    headers = pa.array([header for _, header in extras], pa.string())
    keys = headers.take(pa.array(np.tile(np.arange(width), height)))
    # the unlisted columns one after another, taken row by row
    stacked = pa.concat_arrays([cells[position].cast(pa.string()) for position, _ in extras])
    row_by_row = np.arange(width) * height + np.arange(height)[:, None]
    values = stacked.take(pa.array(row_by_row.ravel()))
    return pa.MapArray.from_arrays(offsets, keys, values)
