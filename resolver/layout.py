"""Where a registry's table sits in a grid, and which of its rows are data.

Offices put title lines above the header, merge a parent header over two rows, number the
columns in a 栏次 row, and end with 合计 rows and 制表人 footers. This module finds the header
row (or the two rows of a two-row header), recognises the registry from the headers, and sorts
the rows below it into data and rows that are not data, each with its reason, so that every
row a person sees is either read or named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import groupby, pairwise

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from resolver.headers import Recognition, Vocabulary, header_key, recognise
from resolver.idcard import ID_SHAPE, clean_text
from resolver.reading import Grid
from resolver.workbook_xml import column_letters

HEADER_SCAN_ROWS = 30
MIN_HEADER_COLUMNS = 2
# Who a row is about: a row with none of these filled is empty, one with only a 合计 or footer
# word in them is no person (a 合计 row carries counts and sums in its other columns). A table
# without a person's name or ID is identified by its codes instead.
PERSON = ("name", "id_number", "payee_name", "payee_id_number")
CODES = ("record_id", "case_no", "hukou_no", "poverty_hh_no", "cert_no")
_WHOSE = r"(?:以上|上页|前页|本页|本月|本表|全县|全旗|全镇|全乡|全村|总)"
SUMMARY = (
    rf"^\s*{_WHOSE}?\s*(?:户数|人数|金额|户|人)?\s*"
    r"(?:合\s*计|总\s*计|小\s*计|累\s*计|共\s*计|汇\s*总|总\s*(?:人数|户数|金额))"
    # 共51户152人, 以上共152人, 共13条: 共, a number and what it counts (no name holds a digit)
    rf"|^\s*{_WHOSE}?\s*共\s*[0-9]+\s*[户人条行笔名]"
    "|^\\s*[\u4e00-\u9fff]{0,10}(?:镇|乡|村|街道|社区|苏木|嘎查|组|社|片区|县|区|旗|市)\\s*"
    "(?:合\\s*计|总\\s*计|小\\s*计)\\s*[:：]?\\s*$"  # 城关镇小计, a place's subtotal
    # 2023-01小计, 2023.1 合计: a month's subtotal, its month written with a separator (2023年1月小计
    # is the alternative below's)
    r"|^\s*\d{4}\s*[.\-/]\s*\d{1,2}\s*(?:月份?)?\s*(?:合\s*计|总\s*计|小\s*计)\s*[:：]?[\s0-9.,，户人元个口名]*$"
    # 东风小计, 一组合计: a place or group written short, then its subtotal and counts alone
    "|^\\s*[\u4e00-\u9fff0-9]{2,10}\\s*(?:合\\s*计|总\\s*计|小\\s*计)\\s*[:：]?[\\s0-9.,，户人元个口名]*$"
    r"|^\s*(?:承|接|转|过)\s*(?:上|前|下|次)\s*页"  # 承上页, 过次页: a page's totals carried
)
# A footer line: who made, checked or signed the table, when, notes and contacts: the word
# then a colon, or then 签字/盖章 (in brackets or not, the colon then optional); a 意见 line
# of whoever approved it, 特此说明, a numbered note (1、本表由…), 以上对象经…评议.
# Who signs: 审核人, 单位负责人, 村委会主任.
_SIGNERS = (
    "制表人|制表|填表人|填报人|审核人|审核|复核人|复核|审批人|审批|负责人|单位负责人|经办人|"
    "统计人|联系人|分管领导|主管领导|领导|村委会主任|居委会主任|村[（(]居[)）]委会主任|主任|书记"
)
_FOOTER_WORDS = (_SIGNERS + "|制表日期|填报日期|填表日期|报送日期|"
                 "制表时间|填报时间|填表时间|填表说明|说明|备注|注|注意事项|填报单位|单位|联系电话|"
                 "公示时间|公示日期|公示期|公示期限|公示地点|监督电话|监督单位|举报电话|投诉电话|"
                 "咨询电话|附件|附表|附|打印日期|打印时间|打印人|导出日期|导出时间|数据来源|"
                 "资料来源|来源|统计日期|统计时间|截止日期|截止时间")  # fmt: skip
_SIGNED = r"(?:签字|签名|盖章|签章|公章)"
FOOTER = (rf"^\s*(?:{_FOOTER_WORDS})\s*(?:[（(]\s*{_SIGNED}\s*[)）]\s*[:：]?|{_SIGNED}\s*[:：]?|[:：])"
          r"|^\s*以下(?:空白|无数据|无)"
          r"|^\s*[^:：]{0,16}意见\s*(?:[:：]|[（(]\s*" + _SIGNED + r")"
          r"|^\s*特此(?:说明|证明|公示|报告)"
          r"|^\s*以上(?:对象|人员|名单|情况|信息|数据|内容|家庭|各户)"
          "|^\\s*[1-9][0-9]?\\s*[、.．]\\s*[\u4e00-\u9fff]{2}.{3,}")  # fmt: skip
# A signature line without a colon (审核人 | 王建国, 制表人 | 李红梅 | 审核人 | 王建国): its first
# cell a signer alone, at most SIGNER_CELLS cells filled.
SIGNER = rf"^\s*(?:{_SIGNERS})\s*(?:[（(]\s*{_SIGNED}\s*[)）]|{_SIGNED})?\s*[:：]?\s*$"
SIGNER_CELLS = 6
# A page's number, printed at a page break or under the table: 第1页 共2页.
PAGE = (r"^\s*第\s*[0-9]+\s*页\s*[,，、/]?\s*(?:共\s*[0-9]+\s*页)?\s*$"
        r"|^\s*共\s*[0-9]+\s*页\s*[,，、/]?\s*第\s*[0-9]+\s*页\s*$")  # fmt: skip
# A heading over a part of the table: 一、一组, （二）特困供养对象.
SECTION = ("^\\s*(?:[一二三四五六七八九十]+\\s*[、.．]|[（(]\\s*[一二三四五六七八九十0-9]+\\s*[)）])"
           "\\s*[\u4e00-\u9fff]")  # fmt: skip
# What each of those makes a row, the last that matches a cell of it; and any of them.
_PATTERNS = (("footer", FOOTER), ("page", PAGE), ("section", SECTION), ("summary", SUMMARY))
NOT_DATA = "|".join(f"(?:{pattern})" for _, pattern in _PATTERNS)
SKIP_REASONS = {
    "title": "表头上方的标题行",
    "column_numbers": "栏次行（列序号）",
    "field_codes": "表头下的字段代码行（如 XM、SFZHM 或 name、id_number）",
    "summary": "合计行",
    "footer": "表尾（制表人、审核人、说明等）",
    "page": "页码行（第…页 共…页）",
    "section": "分组标题行（如“一、一组”）",
    "text": "文字行（整行只有一段文字，如分组标题、说明；不是人员）",
    "repeated_header": "重复的表头行",
    "blank": "空行（没有姓名、证件号等标识）",
}
# A row of a 户籍注销 export cancelled for another reason than death: its code is this and
# the reason as written (``not_death:迁出``).
NOT_DEATH = "not_death"
# A row of a 户籍注销 export restoring a registration (恢复户口): its code is this and the
# reason as written (``restored:恢复户口``); the row is read apart, as evidence of life.
RESTORED = "restored"
# A payment line of a month another file of the drop lists too: this, the month and that
# file (``read_elsewhere:2026-10:发放记录.csv``: ``resolver.ingest._payments_read_once``).
READ_ELSEWHERE = "read_elsewhere"
# A row of a roster, 户籍, 建档立卡 or 残联 table that another table of the drop lists too, or
# a payment line of a workbook's summary sheet that another of its sheets lists: this and
# that table as a clerk finds it (``listed_elsewhere:「花名册.xlsx」工作表「汇总」``:
# ``resolver.ingest._snapshot_rows_read_once``, ``resolver.ingest._summary_sheets_read_once``).
LISTED_ELSEWHERE = "listed_elsewhere"


def skip_reason(code: str) -> str:
    """The Chinese reason a row was skipped for.

    Parameters
    ----------
    code : str
        A key of ``SKIP_REASONS``, ``not_death:`` or ``restored:`` and the cancellation
        reason written,
        ``read_elsewhere:``, the month and the file that lists the line too, or
        ``listed_elsewhere:`` and the table that lists the row too.

    Returns
    -------
    str
        The reason, as the summary and 数据问题清单 show it.

    Examples
    --------
    >>> skip_reason("blank"), skip_reason("not_death:迁出"), skip_reason("not_death:")
    ('空行（没有姓名、证件号等标识）', '注销原因为迁出，不是死亡记录', '注销原因为空，不能确定是死亡记录')
    """
    kind, _, written = code.partition(":")
    if kind == READ_ELSEWHERE:
        month, _, file = written.partition(":")
        return f"与「{file}」中 {month} 的发放记录完全相同，未重复计入"
    if kind == LISTED_ELSEWHERE:
        return f"与{written}中的一行是同一人的同一记录，只读取一次"
    if kind == RESTORED:
        return f"注销原因为{written}，不是死亡记录（户口已恢复：作为本人在世的证据，按有效身份证号对应本人）"
    if kind != NOT_DEATH:
        return SKIP_REASONS[code]
    return f"注销原因为{written}，不是死亡记录" if written else "注销原因为空，不能确定是死亡记录"


# The same text in this many cells of a row and nothing else: a line merged across the table
# (a heading, a note), not a person.
SPREAD_CELLS = 3
_COLUMN_NUMBER = re.compile(r"^(?:\d+|栏次|序号|[甲乙丙丁])$")


@dataclass(frozen=True)
class Header:
    """The header of a grid's table: its text per column and the grid indices it spans."""

    texts: list[str]
    indices: tuple[int, ...]
    notes: tuple[str, ...] = ()
    """How a two-row header was read where a clerk should check it: a sub-column read by its
    group's name (``_named_by_group``)."""


@dataclass(frozen=True)
class Located:
    """A grid's table: header, registry, and the grid indices of its data rows; every other
    row of the grid is in ``skipped`` as (row number, reason)."""

    grid: Grid
    header: Header
    recognition: Recognition
    data: np.ndarray
    skipped: list[tuple[int, str]]
    foreign_headers: tuple[int, ...] = ()
    """Row numbers of rows that read as the header of another table (its columns in other
    places): the rows below them cannot be read by this header."""

    @property
    def header_rows(self) -> tuple[int, ...]:
        """The row numbers of the header (one row, or two), as a person sees them."""
        return tuple(self.grid.row_numbers[index] for index in self.header.indices)

    @property
    def title(self) -> str:
        """The text above the header (a title says the month or year of the table)."""
        first = self.header.indices[0]
        return " ".join(" ".join(dict.fromkeys(self.grid.row(i))) for i in range(first))


def _find_header(grid: Grid, vocabulary: Vocabulary) -> Header | None:
    """The row among the first ones with the most known headers (at least two), joined with
    the row above or below when the two read as one header (a parent over its children). A
    row holding a value only data holds (``reads_as_data``) is no header row, whatever words
    its other cells say (a 备注 of 低保金 is a header word); two rows are joined only when
    both look like header rows (``_header_like``), and read as more known headers than the row
    alone, or as many where the row is the lower of the two or a group's name in it heads a
    child of the other (发放金额（元） merged over 基本生活费 / 照料护理费 / 合计:
    ``_named_by_group``)."""
    rows = [grid.row(index) for index in range(min(grid.height, HEADER_SCAN_ROWS))]
    data = [reads_as_data(row) for row in rows]
    header_like = [_header_like(row) for row in rows]
    scores = [
        0 if of_data else _known(row, vocabulary) for row, of_data in zip(rows, data, strict=True)
    ]
    if not scores or max(scores) < MIN_HEADER_COLUMNS:
        return None
    best = scores.index(max(scores))
    chosen = Header(rows[best], (best,))
    for upper in (best - 1, best):
        if upper < 0 or upper + 1 >= len(rows) or not all(header_like[upper : upper + 2]):
            continue
        texts, named = _combined(rows[upper], rows[upper + 1], vocabulary)
        score = _known(texts, vocabulary)
        joins = score > _known(chosen.texts, vocabulary) or (
            score == scores[best] and texts != rows[best]
            and ((upper == best - 1 and scores[upper] > 0) or named))  # fmt: skip
        if joins:
            notes = tuple(_group_note(grid, *found) for found in named)
            chosen = Header(texts, (upper, upper + 1), notes)
    return chosen


# Values no header holds: a day (2026/11/30, 2026年11月30日, 20261130), an amount with fen or
# jiao (960.00, 1,950.5), an amount with its unit (412元, ￥412.00, 412.00 元).
_DATA_VALUE = re.compile(
    r"^\d{4}\s*[-/.年]\s*\d{1,2}\s*(?:月份?)?(?:\s*[-/.]\s*\d{1,2}|\s*\d{1,2}\s*日)$"
    r"|^\d{8}$|^[-+]?\d[\d,]*\.\d+$|^[¥￥]\s*[-+]?\d[\d,]*(?:\.\d+)?$|^[-+]?\d[\d,]*(?:\.\d+)?\s*元$"
)
# A number or a code (412, 3, DB01, F1, 2024-001): a data row's, or a 栏次 row's; a row of a
# two-row header holds words, a year or a month aside (a parent 2026 over a column per month).
_NUMBER_OR_CODE = re.compile(r"^[A-Za-z]{0,6}\s*[-_]?\s*\d[\d,.\-/_]*$")
_YEAR_VALUE = re.compile(r"^(?:19|20)\d{2}$")
# A month (2026-11, 2026年11月, 202611): a data row's pay month, or one of a header's months
# (a ledger of a column per month, 2026年1月 … 2026年12月).
_MONTH_VALUE = re.compile(r"^\d{4}\s*[-/.年]\s*\d{1,2}\s*(?:月份?)?$|^\d{6}$")


def reads_as_data(texts: list[str]) -> bool:
    """Whether a row holds a value only a data row holds: an ID number, a day, an amount with
    fen or jiao, or one month (a header of a column per month names several).

    Parameters
    ----------
    texts : list of str
        A row's cells.

    Returns
    -------
    bool
        True when some cell is such a value.

    Examples
    --------
    >>> reads_as_data(["1", "DB01", "张国华", "532326196003051237", "960", "低保金"])
    True
    >>> reads_as_data(["3", "DB03", "陈明", "", "960", "2026年11月", "低保金"])
    True
    >>> reads_as_data(["序号", "救助证号", "姓名", "身份证号码", "发放金额（元）", "备注"])
    False
    >>> reads_as_data(["1", "2", "3", "4"])  # a 栏次 row
    False
    >>> reads_as_data(["救助证号", "姓名", "2025年12月", "2026年1月"])
    False
    """
    months = sum(bool(_MONTH_VALUE.match(text.strip())) for text in texts if text)
    return months == 1 or any(ID_SHAPE.match(clean_text(text)) or _DATA_VALUE.match(text.strip())
                              for text in texts if text)  # fmt: skip


def _header_like(texts: list[str]) -> bool:
    """Whether a row may be one of the two rows of a header: it holds no value only data holds
    (``reads_as_data``) and no number or code but a year or a month (a first data line of
    低保金 and 412 is no header's second row, nor is a 栏次 row)."""
    cells = [text.strip() for text in texts if text.strip()]
    return not reads_as_data(texts) and not any(
        _NUMBER_OR_CODE.match(cell) and not (_MONTH_VALUE.match(cell) or _YEAR_VALUE.match(cell))
        for cell in cells
    )


def _known(texts: list[str], vocabulary: Vocabulary) -> int:
    return len({text for text in texts if vocabulary.known(text)})


def _combined(parent: list[str], child: list[str], vocabulary: Vocabulary
              ) -> tuple[list[str], list[tuple[int, str, str, list[str]]]]:  # fmt: skip
    """Two header rows as one: per column the parent and child joined, the child, the child
    and its parent's head word (``_compounds``; a merged parent's too, over children in the
    cells after it), or the parent over that one child alone, the first that is a known
    header (the child when none is). A group's name (a parent over several children) says
    whom or what they are about, not what each is, so it never overrides a child's own
    header (领款人 over 户主姓名, 身份证号 and 开户行账号: the account is no payee's name); it
    heads one child only where its children leave its meaning to it (``_named_by_group``).
    Under a parent that is the household head's (户主 over 姓名 and 身份证号码) beside a
    members' parent over the same child (家庭成员 over 姓名 and 身份证号码), the joined text
    stands: the head's ID is not the member's. Also returns each child a group's name heads,
    as ``_named_by_group`` gives it."""
    spans = _spans(parent, child)
    groups = _groups(spans)
    grouped = {position for group in groups for position in group}
    members = {lower.strip() for over, lower in zip(spans, child, strict=True)
               if _MEMBER_PARENT.search(over)}  # fmt: skip
    texts = []
    for position, (upper, over, lower) in enumerate(zip(parent, spans, child, strict=True)):
        if _is_head_parent(over) and lower.strip() in members:
            texts.append(over + lower.strip())
            continue
        if not lower or upper == lower:
            texts.append(lower or upper)
            continue
        joined = (upper.strip() + lower.strip(),) if upper.strip() else ()
        alone = () if position in grouped else (upper,)
        options = (*joined, lower, *_compounds(lower.strip(), over.strip()), *alone)
        texts.append(next((text for text in options if text and vocabulary.known(text)), lower))
    named = [found for group in groups
             if (found := _named_by_group(group, spans, child, texts, vocabulary))]  # fmt: skip
    for position, name, _, _ in named:
        texts[position] = name
    return texts, named


def _groups(spans: list[str]) -> list[list[int]]:
    """The positions under each group's name: a parent spanning several children side by
    side."""
    runs = [[position for position, _ in run]
            for over, run in groupby(enumerate(spans), key=lambda pair: pair[1]) if over]  # fmt: skip
    return [run for run in runs if len(run) > 1]


# A child that totals its group's (合计, 小计, 总计 under 发放金额 over 基本生活费 and 照料护理费)
# is what the group's name names; one that is a part of another (其中：分类施保金) never is.
_TOTAL = re.compile(r"[合小总]\s*计")
_PART = re.compile(r"^\s*其中")


def _named_by_group(group: list[int], spans: list[str], child: list[str], texts: list[str],
                    vocabulary: Vocabulary) -> tuple[int, str, str, list[str]] | None:  # fmt: skip
    """The child a group's name heads, when the name is a known header whose column no child
    of the group is read as already and some child's own header names nothing known (保障金额
    over 月保障金 / 其中：分类施保金): the child that totals the others, else the first that is
    no part of another. Returns its position, the group's name, its own header and those of
    the group's other children no header names; None when the name heads none."""
    name = spans[group[0]].strip()
    meaning = vocabulary.columns_named(name)
    if not meaning or any(vocabulary.columns_named(texts[position]) & meaning
                          for position in group):  # fmt: skip
        return None
    unknown = [position for position in group if not vocabulary.known(texts[position])]
    open_to = [position for position in unknown if not _PART.match(child[position])]
    if not open_to:
        return None
    chosen = next((p for p in open_to if _TOTAL.search(child[p])), open_to[0])
    others = [child[position].strip() for position in unknown if position != chosen]
    return chosen, name, child[chosen].strip(), others


def _group_note(grid: Grid, position: int, name: str, written: str, others: list[str]) -> str:
    """The note on a child read by its group's name (``_named_by_group``), naming it by its
    column letter and the group's other children no header names, kept as extra columns."""
    letter = column_letters(grid.first_column + position + 1)
    listed = "、".join(f"「{other}」" for other in others)
    kept = f"，同在其下的{listed}作为附加列保留" if others else ""
    return f"两行表头「{name}」下的列「{written}」（{letter} 列）按「{name}」读取{kept}：请核对"


def _compounds(child: str, parent: str) -> tuple[str, ...]:
    """A child header followed by its parent's head word, longest first: 应发 under 发放金额
    is 应发发放金额, 应发放金额, 应发金额 (应发金额 the known one); 成员 under 身份证号码 is
    成员身份证号码 first."""
    return tuple(child + parent[start:] for start in range(len(parent) - 1))


# A members' parent names them (家庭成员, 共同生活家庭成员信息, 保障成员, 保障对象); a head's parent
# names the head or the applicant and not the members (户主基本信息, 低保户户主, 申请人基本情况;
# not 户主及家庭成员情况).
_MEMBER_PARENT = re.compile(r"成员|保障对象")
_HEAD_PARENT = re.compile(r"户主|申请人")


def _is_head_parent(text: str) -> bool:
    return bool(_HEAD_PARENT.search(text)) and not _MEMBER_PARENT.search(text)


def _spans(parent: list[str], child: list[str]) -> list[str]:
    """The parent over each child: a parent cell's text carried right over the blank cells
    after it (a merged parent's span, in a CSV), as long as there are children under it."""
    spans, over = [], ""
    for upper, lower in zip(parent, child, strict=True):
        over = upper.strip() or (over if lower.strip() else "")
        spans.append(over if lower.strip() else "")
    return spans


def side_by_side(grid: Grid, vocabulary: Vocabulary) -> list[Grid]:
    """The tables of a grid placed side by side (a 低保 table, an empty column, a 特困 table
    under the same headers), each as a grid of its own with the rows it fills; the grid
    alone when it holds one. An empty column splits the grid only where the known headers
    on both sides of it are nearly the same (``SIDE_BY_SIDE_SHARE`` of the larger side's, at
    least ``SIDE_BY_SIDE_HEADERS``), or where each side holds every required column of one
    registry and they share that many: a spacer column inside one table, between its own
    columns and an agent's 姓名 / 身份证号码, splits nothing. The column need be empty only
    from the first row naming that many known headers down: a title above the tables (merged
    across both, so filling the spacer too) or a date line is no table's.

    Parameters
    ----------
    grid : Grid
        A sheet or a CSV file.
    vocabulary : Vocabulary
        The headers known per registry.

    Returns
    -------
    list[Grid]
        The grids, left to right.
    """
    top = min(grid.height, HEADER_SCAN_ROWS)
    heads = [[cell.strip() if cell and vocabulary.known(cell.strip()) else ""
              for cell in column.slice(0, top).to_pylist()] for column in grid.columns]  # fmt: skip
    known = [set(column) - {""} for column in heads]
    header = next((row for row in range(top)
                   if sum(bool(column[row]) for column in heads) >= SIDE_BY_SIDE_HEADERS), 0)  # fmt: skip
    empty = [
        index
        for index, column in enumerate(grid.columns)  # (the top first: it is short)
        if is_blank(column.slice(header, top - header)).all()
        and is_blank(column.slice(header)).all()
    ]
    cuts, start = [], 0
    for index in empty:
        left = set().union(*known[start:index])
        right = set().union(*known[index + 1 :])
        shared = len(left & right)
        if shared >= max(SIDE_BY_SIDE_HEADERS, SIDE_BY_SIDE_SHARE * max(len(left), len(right))) or (
            shared >= SIDE_BY_SIDE_HEADERS and _tables_of_one_registry(vocabulary, left, right)
        ):
            cuts.append(index)
            start = index + 1
    if not cuts:
        return [grid]
    edges = [-1, *cuts, len(grid.columns)]
    return [
        _part(grid, first + 1, last, keep_notes=position == 0)
        for position, (first, last) in enumerate(pairwise(edges))
    ]


SIDE_BY_SIDE_HEADERS, SIDE_BY_SIDE_SHARE = 3, 0.8


def _tables_of_one_registry(vocabulary: Vocabulary, left: set[str], right: set[str]) -> bool:
    """Whether the known headers on each side of an empty column are each a whole table of
    one registry (every required column): a 特困 table beside a 低保 one with columns of its
    own (供养方式) and without some of the 低保 table's (低保类别, 家庭人均收入)."""
    sides = [recognise(vocabulary, sorted(headers), None) for headers in (left, right)]
    return not any(side.missing for side in sides) and sides[0].registry == sides[1].registry


def _part(grid: Grid, start: int, stop: int, *, keep_notes: bool) -> Grid:
    """The columns ``start``..``stop`` of ``grid``, with the rows they fill."""
    columns = grid.columns[start:stop]
    filled = np.zeros(grid.height, dtype=bool)
    for column in columns:
        filled |= ~is_blank(column)
    rows = pa.array(np.flatnonzero(filled))
    numbers = np.asarray(grid.row_numbers)[filled].tolist()
    return Grid(grid.path, grid.sheet, grid.file_format, grid.encoding,
                [column.take(rows) for column in columns], numbers,
                merged_cells=grid.merged_cells if keep_notes else 0,
                bad_lines=grid.bad_lines, hidden=grid.hidden,
                blank_rows=grid.blank_rows if keep_notes else (),
                struck_cells=frozenset((row, column - start) for row, column in grid.struck_cells
                                       if start <= column < stop),
                hidden_columns=frozenset(column - start for column in grid.hidden_columns
                                         if start <= column < stop),
                hidden_rows=grid.hidden_rows,
                merged_down=tuple((top, bottom, max(left, start) - start, min(right, stop - 1) - start)
                                  for top, bottom, left, right in grid.merged_down
                                  if left < stop and right >= start),
                first_column=grid.first_column + start)  # fmt: skip


def locate(grid: Grid, vocabulary: Vocabulary, hint: str | None) -> Located | None:
    """The grid's table, or None when no row of it reads as a header.

    Parameters
    ----------
    grid : Grid
        A CSV file's or a sheet's cells.
    vocabulary : Vocabulary
        The headers known per registry.
    hint : str | None
        The registry the file, folder or sheet name hints at, or None.

    Returns
    -------
    Located | None
        The header, registry and data rows, with every other row and why it was skipped.
    """
    header = _find_header(grid, vocabulary)
    if header is None:
        return None
    recognition = recognise(vocabulary, header.texts, hint, grid.hidden_columns)
    skipped = [(grid.row_numbers[i], "title") for i in range(header.indices[0])]
    start = header.indices[-1] + 1
    if start < grid.height and _field_codes(grid.row(start), header, vocabulary):
        skipped.append((grid.row_numbers[start], "field_codes"))
        start += 1
    if start < grid.height and _column_numbers(grid.row(start)):
        skipped.append((grid.row_numbers[start], "column_numbers"))
        start += 1
    reasons = _row_reasons(grid, start, header, recognition)
    foreign = _foreign_headers(grid, start, header, recognition, vocabulary)
    numbers = np.asarray(grid.row_numbers[start:], dtype=np.int64)
    for reason in SKIP_REASONS:
        skipped += [(int(n), reason) for n in numbers[reasons == reason]]
    skipped += [(number, "blank") for number in grid.blank_rows]  # above the header too
    data = np.flatnonzero(reasons == "") + start
    return Located(grid, header, recognition, data, sorted(skipped),
                   tuple(grid.row_numbers[index] for index in foreign))  # fmt: skip


def _foreign_headers(grid: Grid, start: int, header: Header, recognition: Recognition,
                     vocabulary: Vocabulary) -> list[int]:  # fmt: skip
    """Grid indices from ``start`` of rows that read as another table's header: in the
    mapped columns, as many of the registry's header names as a repeated header holds, but
    not each in the place this header has it (a second table stacked below the first, its
    columns in another order or one more)."""
    mapped = list(recognition.positions.values())
    names = {header_key(text) for text in header.texts}
    names |= set(vocabulary.columns[recognition.registry.name])
    known = pa.array(sorted(name for name in names if name), pa.string())
    hits = np.zeros(max(grid.height - start, 0), dtype=int)
    for position in mapped:
        cells = pc.utf8_trim_whitespace(grid.columns[position].slice(start))
        hits += np.asarray(pc.fill_null(pc.is_in(cells, value_set=known), False))
    own = [{position: header_key(header.texts[position]) for position in mapped}]
    # the header's rows and those above it repeated (a two-row header's upper row is there)
    own += [{position: header_key(grid.row(index)[position]) for position in mapped}
            for index in range(header.indices[-1] + 1)]  # fmt: skip
    found = []
    for index in np.flatnonzero(hits >= max(MIN_HEADER_COLUMNS, len(mapped) // 2)) + start:
        row = grid.row(int(index))
        if not any(all(not row[p].strip() or header_key(row[p]) == key for p, key in keys.items())
                   for keys in own):  # fmt: skip
            found.append(int(index))
    return found


# A system's code for a field (XM, SFZHM, JZ_ZH): two or more upper-case letters, no digit (a
# data row's codes hold some: A0001, DB01); a row of them fills at least FIELD_CODE_CELLS.
_FIELD_CODE = re.compile(r"^[A-Z][A-Z_]+$")
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
FIELD_CODE_CELLS = 3


def _field_codes(row: list[str], header: Header, vocabulary: Vocabulary) -> bool:
    """A row of field codes under the header, as systems export it: its filled cells, under
    more than half of the header's filled columns and at least ``FIELD_CODE_CELLS``, each a
    field code (``_FIELD_CODE``) or a contract column's English name (``id_number``). Such a
    cell holds no CJK and starts with a letter, so none is an ID number, a date, an amount or
    a name written in Chinese; a name in Latin letters (Aynur) is neither."""
    cells = [cell.strip() for cell in row if cell.strip()]
    under = sum(bool(cell.strip()) for cell, above in zip(row, header.texts, strict=True)
                if above.strip())  # fmt: skip
    headed = sum(bool(text.strip()) for text in header.texts)
    return (len(cells) == under >= max(FIELD_CODE_CELLS, headed // 2 + 1)
            and all(_FIELD_CODE.match(cell)
                    or (_IDENTIFIER.match(cell) and vocabulary.known(cell)) for cell in cells))  # fmt: skip


def _column_numbers(row: list[str], *, consecutive: bool = False) -> bool:
    """A 栏次 row: its filled cells are column numbers (1, 2, 3 … or 甲, 乙 …), rising; with
    ``consecutive`` (a row among the data, not right under the header), three or more
    numbers, each one more than the one before."""
    cells = [cell.strip() for cell in row if cell.strip()]
    if len(cells) < MIN_HEADER_COLUMNS or not all(_COLUMN_NUMBER.match(c) for c in cells):
        return False
    numbers = [int(cell) for cell in cells if cell.isdigit()]
    if consecutive:
        return len(numbers) >= 3 and numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    return len(numbers) >= MIN_HEADER_COLUMNS and numbers == sorted(set(numbers))


def _row_reasons(grid: Grid, start: int, header: Header, recognition: Recognition) -> np.ndarray:
    """Per grid row from ``start``: "" for data, else why it is not data. A row whose ID cell
    holds an ID number (its check digit right or not) is data, whatever else it says: a
    person is never skipped for a name like 王小计."""
    height = grid.height - start
    reasons = np.full(height, "", dtype=object)
    if height <= 0:
        return reasons
    region = [column.slice(start) for column in grid.columns]
    trimmed = [pc.utf8_trim_whitespace(column) for column in region]
    blanks = [np.asarray(pc.fill_null(pc.equal(text, ""), True)) for text in trimmed]
    positions = recognition.positions
    mapped = list(positions.values())
    codes = [positions[name] for name in CODES if name in positions and name != "record_id"]
    identity = [positions[name] for name in PERSON if name in positions] or codes or [
        position for name, position in positions.items() if name != "record_id"
    ]  # fmt: skip
    blank = np.ones(height, dtype=bool)
    for position in identity:  # a numbered row of an empty template, a merged cell's tail
        blank &= blanks[position]
    line = np.zeros(height, dtype=bool)
    if "amount" in positions and codes:  # a payment line without its payee is a line, but
        for position in codes:  # not a 小计 typed where its 救助证号 goes
            line |= ~blanks[position]
        for position in codes:
            line &= ~_matches(region[position], SUMMARY)
        paid = ~blanks[positions["amount"]]  # its amount or its month: a blank amount is
        if "pay_month" in positions:  # the line's finding, not a blank row
            paid |= ~blanks[positions["pay_month"]]
        line &= paid
    blank &= ~line
    reasons[blank] = "blank"
    # a row that starts with 合计, a footer word, a page number or a heading, or whose identity
    # cells hold nothing else (but a payment line: its 备注 may well start 注：)
    first = _first_filled(region, blanks)
    candidates = _matches(first, NOT_DATA)
    person = ~line
    for position in identity:
        person &= blanks[position] | _matches(region[position], NOT_DATA)
    rows = np.flatnonzero(candidates | person)
    if len(rows):
        picked = pa.array(rows)
        for reason, pattern in _PATTERNS:  # the last that matches a cell of the row
            hit = np.zeros(len(rows), dtype=bool)
            for column in region:
                hit |= _matches(column.take(picked), pattern)
            reasons[rows[hit]] = reason
    _one_text(reasons, trimmed, blanks, identity, first)
    _signature_lines(reasons, trimmed, blanks, codes, first)
    _repeated_column_numbers(reasons, grid, start, trimmed, blanks, identity)
    repeated = np.zeros(height, dtype=int)
    for position in mapped:
        text = header.texts[position].strip()
        repeated += np.asarray(pc.equal(trimmed[position], text))
    reasons[(repeated >= max(MIN_HEADER_COLUMNS, len(mapped) // 2)) & (reasons == "")] = (
        "repeated_header"
    )
    _keep_persons(reasons, region, positions)
    return reasons


def _one_text(reasons: np.ndarray, trimmed: list[pa.Array], blanks: list[np.ndarray],
              identity: list[int], first: pa.Array) -> None:  # fmt: skip
    """Mark (in place) the rows whose filled cells all hold one text, the row's first: in three
    or more, a line merged across the table (a merged cell gives each of its cells its
    value); in a row without a name or ID, words (特困人员 in the 序号 column: a heading)."""
    text = pc.utf8_trim_whitespace(first)
    maybe = np.isin(reasons, ("", "blank"))
    for position in identity:  # a person's row has a name or ID unlike its first cell
        equal = pc.fill_null(pc.equal(trimmed[position], text), False)
        maybe &= blanks[position] | np.asarray(equal)
    rows = np.flatnonzero(maybe)
    if not len(rows):
        return
    picked = pa.array(rows)
    first_text = text.take(picked)
    same = np.ones(len(rows), dtype=bool)
    filled = np.zeros(len(rows), dtype=int)
    for column, blank in zip(trimmed, blanks, strict=True):
        cells = column.take(picked)
        empty = blank[rows]
        same &= empty | np.asarray(pc.fill_null(pc.equal(cells, first_text), False))
        filled += ~empty
    words = _matches(first_text, "[\u4e00-\u9fff].*[\u4e00-\u9fff]")
    spread = same & (filled >= SPREAD_CELLS) & (reasons[rows] == "")
    headed = same & (filled > 0) & words & (reasons[rows] == "blank")
    reasons[rows[spread | headed]] = "text"


def _signature_lines(reasons: np.ndarray, trimmed: list[pa.Array], blanks: list[np.ndarray],
                     codes: list[int], first: pa.Array) -> None:  # fmt: skip
    """Mark (in place) as footers the rows read as data that are a signature line without a
    colon (``SIGNER``: the signer's name lands in the 姓名 column), unless a code cell of the
    row holds a case number another data row has (a person's row, whatever its first cell)."""
    filled = np.sum([~blank for blank in blanks], axis=0)
    signed = (reasons == "") & (filled <= SIGNER_CELLS) & _matches(first, SIGNER)
    rows = np.flatnonzero(signed)
    if not len(rows):
        return
    others = pa.array(np.flatnonzero((reasons == "") & ~signed))
    for position in codes:
        known = pc.unique(trimmed[position].take(others))
        cells = trimmed[position].take(pa.array(rows))
        shared = np.asarray(pc.fill_null(pc.is_in(cells, value_set=known), False))
        rows = rows[~(shared & ~blanks[position][rows])]
    reasons[rows] = "footer"


def _repeated_column_numbers(reasons: np.ndarray, grid: Grid, start: int, trimmed: list[pa.Array],
                             blanks: list[np.ndarray], identity: list[int]) -> None:  # fmt: skip
    """Mark (in place) the 栏次 rows among the data (repeated at a page break): rows of
    consecutive column numbers, three or more, and nothing else."""
    maybe = np.isin(reasons, ("", "blank"))
    for position in identity:  # a person's row has a name or ID, not a column number
        maybe &= blanks[position] | np.asarray(pc.fill_null(pc.utf8_is_digit(trimmed[position]),
                                                            False))  # fmt: skip
    for row in np.flatnonzero(maybe):
        if _column_numbers(grid.row(start + int(row)), consecutive=True):
            reasons[row] = "column_numbers"


def _keep_persons(reasons: np.ndarray, region: list[pa.Array], positions: dict[str, int]) -> None:
    """Set back to data (in place) the rows skipped as not data whose ID cell holds an ID
    number."""
    ids = [positions[name] for name in ("id_number", "payee_id_number") if name in positions]
    skipped = np.flatnonzero(~np.isin(reasons, ("", "blank", "repeated_header")))
    if not ids or not len(skipped):
        return
    picked = pa.array(skipped)
    for position in ids:
        cells = region[position].take(picked).to_pylist()
        shaped = [bool(ID_SHAPE.match(clean_text(cell or "").replace("×", "X"))) for cell in cells]
        reasons[skipped[np.asarray(shaped, dtype=bool)]] = ""


def _first_filled(region: list[pa.Array], blanks: list[np.ndarray]) -> pa.Array:
    """Each row's first cell that is not blank."""
    filled = ~np.stack(blanks)
    first = pa.array(np.argmax(filled, axis=0), mask=~filled.any(axis=0))
    return pc.choose(first, *region)


def is_blank(column: pa.Array) -> np.ndarray:
    """Per cell: empty, spaces only, or null.

    Parameters
    ----------
    column : pa.Array
        A column of text cells.

    Returns
    -------
    np.ndarray
        One bool per cell: True where it is blank.
    """
    return np.asarray(pc.fill_null(pc.equal(pc.utf8_trim_whitespace(column), ""), True))


def _matches(column: pa.Array, *patterns: str) -> np.ndarray:
    """Per cell: whether it matches any of ``patterns`` (a null cell does not)."""
    hit = np.zeros(len(column), dtype=bool)
    for pattern in patterns:
        hit |= np.asarray(pc.fill_null(pc.match_substring_regex(column, pattern), False))
    return hit
