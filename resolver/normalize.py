"""Value normalisers, one per column *kind* of ``resolver.registries``.

Every normaliser takes the raw text of one cell and returns ``(outputs, problem)``: a tuple of
cleaned values (one per output column of the kind, see ``OUTPUTS``) and a problem code or None.
Normalisers never raise, and normalising an already normalised value changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

import numpy as np
import opencc
import pyarrow as pa
import pyarrow.compute as pc

from resolver.idcard import INVISIBLE, USABLE, clean_text, clean_valid_ids, parse_id

Outputs = tuple[object, ...]
Result = tuple[Outputs, str | None]

_T2S = opencc.OpenCC("t2s")
_SPACES = re.compile(r"\s+")
_SPACES_IN_LINES = re.compile(r"[^\S\n]+")  # spaces, the line breaks between lines aside
# The separators offices write between a given name and a father's or clan name: dots (•, ・,
# ., ‧), the full stop a Chinese input method types for "." (。), and dashes where a system
# takes no dot (吐尔洪-买买提, 吐尔洪—买买提).
_DOTS = re.compile(r"[•・．.‧∙⋅。\-‐‑‒–—―]")
NAME_SEPARATOR = "·"
"""What a normalised name writes between a given name and a father's or clan name (吐尔洪·买买提;
``•``, ``.``, ``。``, ``-`` and the like become it, spaces go): one office writes it, the next
leaves it out, so linking compares names without it (``resolver.persons``)."""
# Notes in brackets beside a name (户主, 妻, 已故, 代领, an alias), after ``fold``: no name
# holds brackets. Only notes before or after it: 户主(曾云福), 李芳(妻)张三 or 王(强) are no
# name beside a note. After the notes, the marks a clerk adds to a row (*, √, 。) go with them.
_NAME_NOTE = r"[(\[【〔〖]([^()\[\]【】〔〕〖〗]*)[)\]】〕〗]"  # what it says, captured
_NOTES_BEFORE_NAME = re.compile(rf"^(?:{_NAME_NOTE})+")
_NOTES_AFTER_NAME = re.compile(rf"(?:{_NAME_NOTE})+[^\w()\[\]【】〔〕〖〗]*$")
# What stands before a bracket as a role, not a name: 户主(曾云福), 代领人(张三).
_ROLE_WORDS = frozenset({"代领人", "监护人", "领款人", "收款人", "申请人", "代理人", "联系人"})
# What a note before a name says of the row, beside a relation or a role: (已故)张三, [代领]李四.
# A note before a name is only one of these: in (张三)之妻 the name is in the brackets.
_STATUS_WORDS = frozenset({"已故", "故", "殁", "亡", "死亡", "已死亡", "代领", "代", "迁出",
                           "已迁出", "注销", "已注销", "停发", "新增", "新纳入", "退出"})  # fmt: skip
# A village's group in brackets after it (龙泉村（3组）, after ``fold``): the group.
_BRACKETED_GROUP = re.compile(r"\(([^()]+)\)$")
# Chinese characters (the basic block, extension A, compatibility ideographs, extensions B–F
# and G–H: 𠮷, 𬌗, names GB 18030 holds beyond GBK).
_HAN = r"\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002ebef\U00030000-\U0003134f"
# What a name is written in: Chinese characters, Latin letters and the middle dot.
_NAME_OK = re.compile(rf"^[{_HAN}A-Za-z·]+$")
# A name of Chinese characters alone: none is a bracket, a dot (``_DOTS``) nor a letter.
_HAN_ONLY = re.compile(rf"[{_HAN}]+")
_DATE_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# The day's mark may be 日 or, as people say it, 号 (2024年6月1号).
_DATE_SEPARATED = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?$")
# A two-digit year (23-5-6, 24年11月: Excel's short date), completed as Excel completes one
# typed so: below CENTURY_PIVOT it is 20xx (2000–2029), from it 19xx (1930–1999).
_DATE_SHORT_YEAR = re.compile(r"^(\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?$")
_MONTH_SHORT_YEAR = re.compile(r"^(\d{2})年(\d{1,2})月份?$")
CENTURY_PIVOT = 30
# A cell a spreadsheet or system keeps as text: '2016-05-23, ="2016-05-23" (codes lose the
# same quoting in ``resolver.idcard.clean_text``).
_SPREADSHEET_QUOTED = re.compile(r"^=[\"“](.*)[\"”]$|^['‘’`](.*)$")
# 20230101, and 20230101000000 as Java systems stamp it (a valid time: never an ID's digits)
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:(?:[01]\d|2[0-3])[0-5]\d[0-5]\d)?$")
# A time after the date: 0:00, 00:00:00.0, 00时00分(00秒).
_DATE_TIME = re.compile(r"^(.+?)(?:[T ]|(?<=[日号]))\d{1,2}"
                        r"(?::\d{2}(?::\d{2}(?:\.\d+)?)?|时(?:\d{1,2}分(?:\d{1,2}秒)?)?)$")  # fmt: skip
# ISO 8601 with its zone (Z, +08:00), as Java and JavaScript write an instant.
_DATE_ZONED = re.compile(r"^\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})$")
# Java's Date.toString: Sun Jan 01 00:00:00 CST 2023 (the day as written, in the zone named).
_DATE_JAVA = re.compile(r"^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) (\d{1,2}) "
                        r"\d{2}:\d{2}:\d{2} [A-Z]{2,5}(?:[+-]\d{1,2}(?::?\d{2})?)? (\d{4})$")  # fmt: skip
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                "Dec")  # fmt: skip
# The offices' own clock: an instant written in another zone falls on this day here.
CHINA_TIME = timezone(timedelta(hours=8))
# A date with the year last, as Excel's US locale shows one (6/13/2024): a part above 12 is
# the day; 6/5/2024 may be June 5 or May 6, and only the rest of its column can tell.
_DATE_YEAR_LAST = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
# A date written in Chinese numerals (二〇二四年六月一日, 二○二四年十二月三十一日, as formal
# letters and certificates write one): its year digit by digit, its month and day as numbers,
# January also as 元月.
_DATE_CHINESE = re.compile(r"^([〇○零一二三四五六七八九\d]{4})年(元|[一二三四五六七八九十\d]{1,3})月"
                           r"(?:([一二三四五六七八九十\d]{1,3})([日号]))?")  # fmt: skip
# The day of the week after a date (2024/6/1 星期六, 2024-06-01 周六, 2024年6月1日(礼拜六)),
# as a system or a clerk's template prints it.
_WEEKDAY = re.compile(r"\s*\(?(?:星期|周|礼拜)([一二三四五六日天])\)?\s*")
_WEEKDAYS = "一二三四五六日"
_EXCEL_SERIAL = re.compile(r"^\d{5}(?:\.0+)?$")
_MONTH_SEPARATED = re.compile(r"^(\d{4})[-/.年](\d{1,2})(?:月份?)?$")
_MONTH_COMPACT = re.compile(r"^(\d{4})(\d{2})$")
# 2025.10 typed as a number reads 2025.1: January or October, nobody can tell from the cell.
_MONTH_AMBIGUOUS = re.compile(r"^\d{4}\.1$")
# Its column can: one writing January to September with two digits (2025.01, 2025.09) and
# never with one (2025.2) would write a January 2025.01, so its 2025.1 is October.
_MONTH_TWO_DIGITS = re.compile(r"^\d{4}\.0[1-9]$")
_MONTH_ONE_DIGIT = re.compile(r"^\d{4}\.[2-9]$")
# A range of months (the 所属月份 of a quarter's line, or of a 补发 of several months): its
# first month or day with its year, a joiner, then its last month or day with its year
# (2024-01至2024-03, 202401-202403, 2024-01-01至2024-03-31, 2024/1/1-2024/3/31) or without
# (2024年1-3月, 2024-01~03, 2024年1月至3月31日: ``_RANGE_END``).
RANGE_JOIN = r"(?:至|到|-|—|–|~|～)"
_RANGE_JOINS = re.compile(RANGE_JOIN)
# A range's last month without its year: 3, 03, 3月, 03月份, 3月31日.
_RANGE_END = re.compile(r"^(\d{1,2})(月)?(?:份|\d{1,2}[日号])?$")
# A day written with one separator throughout (2024-1-3, 2024.01.03): a day, no range.
_ONE_DATE = re.compile(r"^\d{4}([-/.])\d{1,2}\1\d{1,2}$")
# A quarter of a year, its three months: 2024年第一季度, 2024年1季度, 2024年度第1季, 2024Q1.
_QUARTER = re.compile(r"^(\d{4})(?:年度?)?(?:第?([1-4一二三四])季度?|[Qq]([1-4]))$")
# A mark of back pay after the months a line is for (2024年1-3月补发): none of its months.
_BACK_PAY_MARK = re.compile(r"[(（]?补发?[)）]?$")
# A range without its year at its end may run into the next year (2024年12月-1月) only
# when its end says 月 and it is this short.
_MONTHS_ACROSS_YEAR = 6
MONTHS_IN_RANGE = 24
"""A range of more months than this is no payment line's (a typing slip), and not read."""
_AMOUNT_NOISE = re.compile(r"[\s元¥￥]|RMB|CNY|/月|每月|整$", re.IGNORECASE)
# An amount written as a rate per person or per household (333.00元/人, 元/人/月, 每人, 元/户):
# the number is read as written, with a finding (a household's line may be owed it per person).
_AMOUNT_PER_HEAD = re.compile(r"(?:/|每)(?:人|户)(?:[/·.]?月)?$|/月/(?:人|户)$")
_AMOUNT_BRACKETED = re.compile(r"^\((.*)\)$")
# A minus as offices write a refund (追回, 退回): the ASCII or typographic minus (U+2212, what
# Word and WPS autocorrect a hyphen into) or a dash before the number, 负 before it, or a
# minus after it (1000-, as some ledgers print a debit).
_MINUS = "-\u2212\u2012\u2013\u2014负"
_AMOUNT_NEGATIVE = re.compile(rf"^[{_MINUS}]([^{_MINUS}]+)$|^([^{_MINUS}]+)[-\u2212]$")
# Commas in an amount group thousands (1,234.50); any other comma (3,20 or 320,50: a decimal
# comma, or a slip) leaves the amount unknown rather than read a hundred times too large.
_AMOUNT_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$")
# An amount in 万元 (0.062万元, ￥1.2万): a number, its unit 万 last once 元 is gone; 大写
# numerals hold their own 万 (壹万贰仟), read by ``capital_amount``.
_AMOUNT_IN_WAN = re.compile(r"^([-+]?[\d,]*\.?\d+)万$")
WAN = Decimal(10_000)
YUAN = Decimal(1)
# A cell that names its own unit (620元, ￥620, 0.062万, RMB 620), after NFKC: read in it,
# whatever unit its column's header gives. A rate per person or household (0.45/人) names
# none: its number counts in the column's unit.
AMOUNT_UNIT_STATED = r"(?i)[元¥万]|RMB|CNY"
_AMOUNT_UNIT_STATED = re.compile(AMOUNT_UNIT_STATED)
# What the reader writes in a formula's cell when the file holds no result for it (a program
# wrote the workbook and nothing has calculated it): no value, a finding of its own.
FORMULA_WITHOUT_VALUE = "#公式无结果"
EXCEL_ERRORS = frozenset({"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!",
                          "#SPILL!", "#CALC!", "#GETTING_DATA", "#N/A!", FORMULA_WITHOUT_VALUE})  # fmt: skip
_CAPITAL_DIGITS = dict(zip("零壹贰叁肆伍陆柒捌玖", range(10), strict=True))
_CAPITAL_UNITS = {"拾": 10, "佰": 100, "仟": 1000}
_CAPITAL_SECTIONS = {"万": 10_000, "亿": 100_000_000}
_BRACKETED_NOTE = re.compile(r"\(.*?\)$")
_CAPITAL_SPLIT = re.compile(r"^(.*?)((?:[零壹贰叁肆伍陆柒捌玖][角分])*)$")
_COUNT_UNIT = re.compile(r"[人口个]$")
_TOWNSHIP_SUFFIX = re.compile(
    r"(?:(?:彝|傣|傈僳|回|苗|白|哈尼|壮|瑶|藏|蒙古|土家|满|侗|布依|纳西|景颇|佤|拉祜|达斡尔|鄂温克)族)*乡$"
    r"|街道办事处$|街道$|办事处$|镇$|苏木$"
)
# A village's own name without the word for a village: 村, 嘎查 (内蒙古), 社区, and the
# committees of either (村委会, 嘎查委员会, 居委会): 巴彦嘎查, 巴彦村 and 巴彦村委会 are one.
_VILLAGE_WORD = re.compile(r"(?:村民委员会|村委会|嘎查村民委员会|嘎查委员会|嘎查村|嘎查|"
                           r"社区居民委员会|社区居委会|社区|居民委员会|居委会|村)$")  # fmt: skip
# The committee written after the village word (新华社区居委会, 大坡村村委会, 巴彦嘎查嘎查委员会)
# is the committee of that village, not a second village word: replaced first, as a whole.
_VILLAGE_COMMITTEE = (
    ("社区居民委员会", "社区"),
    ("社区居委会", "社区"),
    ("村村民委员会", "村"),
    ("村村委会", "村"),
    ("嘎查嘎查委员会", "嘎查"),
    ("村民委员会", "村"),
    ("村委会", "村"),
    ("嘎查委员会", "嘎查"),
    ("居民委员会", "社区"),
    ("居委会", "社区"),
)
_VILLAGE_GROUP = re.compile(r"第?([〇零一二三四五六七八九十两\d]+)(?:组|社|队|村民小组|小组)$")
# A village known by its number (二村, 第十一村, 11村: 南疆 counties number theirs): its
# number is its name, in Arabic digits whichever way a file writes it.
_NUMBERED_VILLAGE = re.compile(r"^第?([〇零一二三四五六七八九十两\d]{1,3})$")
# A named hamlet after a village, as Guangxi and Guizhou write the village group: 东怀村那怀屯,
# 高坡村大寨 (寨), 东怀村那怀自然村. Its name is the group (那怀); a village whose own name
# ends in 屯 or 寨 (李家屯村, 王寨村) is the village, as the village word follows it.
_VILLAGE_WORDS = "村民委员会|村委会|嘎查委员会|嘎查|社区|居委会|村"
_HAMLET_NAME = "[^0-9组社队号村]{1,8}?"
_HAMLET_WORD = "屯|寨|自然村"
_VILLAGE_HAMLET = re.compile(rf"^(.+?(?:{_VILLAGE_WORDS}))({_HAMLET_NAME})(?:{_HAMLET_WORD})$")
# A village group known by its name, as Yunnan writes it: 大坝村委会小村村民小组, 大坝村新街组.
# Its name is the group (小村, 新街: a name may end in 村); without a village word before it
# (李家村民小组) it is no group of a village.
_GROUP_WORD = re.compile("(?:村民小组|小组|组)$")
_NAMED_GROUP = re.compile(rf"^(.+?(?:{_VILLAGE_WORDS}))([^0-9组社队号]{{1,8}})$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^(?:0\d{9,11}|\d{7,8})$")
# The holder's ID (18 digits, or 15 on a certificate issued against a first-generation ID),
# the type digit and the level digit; a certificate reissued (换证, 补发) carries a suffix of
# a letter and a digit or two (B1).
_CERT = re.compile(r"^(\d{17}[\dX]|\d{15})([1-7])([1-4])(?:[A-Z][0-9]{1,2})?$")
EXCEL_EPOCH = date(1899, 12, 30)
CENT = Decimal("0.01")
_FLOAT_NOISE = Decimal("0.000001")  # digits past this are a float's, not the clerk's
LARGEST_AMOUNT = Decimal("1e12")
EARLIEST, LATEST = date(1890, 1, 1), date(2100, 12, 31)
CHINESE_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
                  "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip


def _vocabulary(groups: dict[str, tuple[str, ...]]) -> dict[str, object]:
    return {spelling.lower(): code for code, spellings in groups.items() for spelling in spellings}


# 保障状态 words the 民政 systems export (read as covered or not under a 是否保障对象 or 保障状态
# header), which a 户籍状态 or 人员状态 column writes too: a column of them alone never says
# that it is 是否保障对象 (``resolver.tables``: read as such, 注销 户口 read as not covered).
STATUS_WORDS = frozenset({"正常", "正常保障", "正常享受", "保障中", "享受中", "暂停", "暂停保障",
                          "已停保", "终止", "终止保障", "已终止", "注销", "已注销", "退出",
                          "已退出", "停发", "取消", "已取消"})  # fmt: skip

VOCABULARIES: dict[str, dict[str, object]] = {
    "gender": _vocabulary(
        {"M": ("男", "男性", "M", "male", "1"), "F": ("女", "女性", "F", "female", "2")}
    ),
    "program": _vocabulary(
        {
            "dibao": ("低保", "最低生活保障", "城市低保", "农村低保", "城乡低保", "dibao"),
            "tekun": ("特困", "特困供养", "特困人员", "特困人员供养", "五保", "tekun"),
            "temporary": ("临时救助", "临时救助对象", "temporary"),
        }
    ),
    "dibao_class": _vocabulary(
        {
            "A": ("A", "A类", "A档", "一类", "1", "1类", "一档", "1档", "甲类", "甲"),
            "B": ("B", "B类", "B档", "二类", "2", "2类", "二档", "2档", "乙类", "乙"),
            "C": ("C", "C类", "C档", "三类", "3", "3类", "三档", "3档", "丙类", "丙"),
        }
    ),
    "yes_no": _vocabulary(
        {
            "yes": (
                "是",
                "Y",
                "yes",
                "true",
                "1",
                "√",
                "✓",
                "✔",
                "享受",
                "保障",
                "在保",
                "保障对象",
                "是保障对象",
                "纳入",
                "有",
                # 保障状态 as the 社会救助信息系统 and 低收入人口 platforms export it
                "正常",
                "正常保障",
                "正常享受",
                "保障中",
                "享受中",
            ),
            "no": (
                "否",
                "N",
                "no",
                "false",
                "0",
                "×",
                "✗",
                "✘",
                "不享受",
                "未享受",
                "不保障",
                "非保障对象",
                "不是保障对象",
                "停保",
                "无",
                # a case suspended (暂停) is not covered that month; the others have ended
                "暂停",
                "暂停保障",
                "已停保",
                "终止",
                "终止保障",
                "已终止",
                "注销",
                "已注销",
                "退出",
                "已退出",
                "停发",
                "取消",
                "已取消",
            ),
        }
    ),
    "health": _vocabulary(
        {
            "healthy": ("健康",),
            "chronic": ("长期慢性病", "慢性病"),
            "serious_illness": ("患有大病", "患大病", "大病", "重病", "重大疾病"),
            "disabled": ("残疾", "残疾人"),
        }
    ),
    "poverty_status": _vocabulary(
        {
            "not_lifted": ("未脱贫", "未脱贫户", "贫困户"),
            "relapsed": ("返贫", "返贫户", "返贫人口", "已返贫", "脱贫后返贫"),
            "lifted": (
                "已脱贫",
                "已脱贫户",
                "脱贫户",
                "脱贫不享受政策",
                "脱贫享受政策",
                "脱贫户不享受政策",
                "脱贫户享受政策",
            ),
            "monitored": ("脱贫监测户", "监测户", "脱贫不稳定户", "突发严重困难户"),
            "marginal": ("边缘户", "边缘易致贫户"),
        }
    ),
    "labor_capacity": _vocabulary(
        {
            "ordinary": ("普通劳动力",),
            "skilled": ("技能劳动力",),
            # the 民政 and 扶贫 documents write capacity to work (劳动能力) where the 建档立卡
            # system writes labour (劳动力): 完全丧失劳动能力 is 丧失劳动力, 部分丧失劳动能力
            # 弱劳动力或半劳动力 (until 2026-12-07 (late) not read: a 大姚 household of
            # 丧失劳动能力 was no 零劳力 household and no 特困 lead); 无劳动能力 may be either
            # 丧失劳动力 or 无劳动力 (a child) and stays unread
            "weak": ("弱劳动力或半劳动力", "弱劳动力", "半劳动力", "部分丧失劳动能力"),
            "lost": ("丧失劳动力", "丧失劳动能力", "完全丧失劳动能力", "完全丧失劳动力"),
            "none": ("无劳动力",),
        }
    ),
    "disability_type": _vocabulary(
        {
            "visual": ("视力", "1"),
            "hearing": ("听力", "2"),
            "speech": ("言语", "3"),
            "physical": ("肢体", "4"),
            "intellectual": ("智力", "5"),
            "mental": ("精神", "6"),
            "multiple": ("多重", "7"),
        }
    ),
    "disability_level": {
        spelling: level
        for level, (word, spellings) in enumerate(
            (
                # Ⅱ级 folds to ii级; 贰级 is how an amount's digit is written; the word is the
                # national standard's (GB/T 26341: 一级 极重度, 二级 重度, 三级 中度, 四级 轻度),
                # alone or beside the level (二级重度, 重度二级)
                ("极重度", ("一级", "1", "1级", "一", "01", "壹级", "壹", "i级", "i")),
                ("重度", ("二级", "2", "2级", "二", "02", "贰级", "贰", "ii级", "ii")),
                ("中度", ("三级", "3", "3级", "三", "03", "叁级", "叁", "iii级", "iii")),
                ("轻度", ("四级", "4", "4级", "四", "04", "肆级", "肆", "iv级", "iv")),
            ),
            start=1,
        )
        for spelling in (
            *spellings,
            word,
            *(f"{level}{word}" for level in spellings[:3]),
            *(f"{word}{level}" for level in spellings[:3]),
        )
    },
    "death_source": _vocabulary(
        {
            "police": ("公安", "派出所", "公安局", "公安机关"),
            "funeral": ("殡葬", "民政殡葬", "殡仪馆", "火化", "火葬场", "殡葬管理所"),
            "health": (
                "卫健",
                "卫生健康",
                "卫生",
                "医院",
                "卫健局",
                "卫健委",
                "卫生健康局",
                "卫生院",
            ),
            "disability": ("残联", "残疾人联合会"),
        }
    ),
    "relation": _vocabulary(
        {
            "head": ("户主", "本人", "户主本人"),
            "spouse": ("配偶", "妻", "妻子", "夫", "丈夫", "老伴", "爱人", "之妻", "之夫"),
            "child": (
                "子",
                "女",
                "儿子",
                "女儿",
                "之子",
                "之女",
                "长子",
                "次子",
                "三子",
                "长女",
                "次女",
                "三女",
                "独生子",
                "独生女",
                "养子",
                "养女",
                "继子",
                "继女",
                "子女",
                "四子",
                "五子",
                "四女",
                "五女",
                "二子",
                "二女",
                "大儿子",
                "二儿子",
                "三儿子",
                "小儿子",
                "大女儿",
                "二女儿",
                "三女儿",
                "小女儿",
                "养子或继子",
                "养女或继女",
                "其他儿子",
                "其他女儿",
            ),
            "child_in_law": ("儿媳", "女婿", "儿媳或女婿", "儿媳妇", "之媳"),
            "grandchild": (
                "孙子",
                "孙女",
                "外孙子",
                "外孙女",
                "外孙",
                "孙子女",
                "外孙子女",
                "长孙",
                "次孙",
                "孙女儿",
                "外孙女儿",
                "之孙",
                "之孙女",
            ),
            "parent": (
                "父亲",
                "母亲",
                "父",
                "母",
                "岳父",
                "岳母",
                "公公",
                "婆婆",
                "父母",
                "继父",
                "继母",
                "养父",
                "养母",
                "继父或养父",
                "继母或养母",
                "爸爸",
                "妈妈",
                "其他父母关系",
                "之父",
                "之母",
            ),
            "grandparent": (
                "祖父",
                "祖母",
                "外祖父",
                "外祖母",
                "祖父母",
                "外祖父母",
                "爷爷",
                "奶奶",
                "外公",
                "外婆",
                "姥爷",
                "姥姥",
                "配偶的祖父母或外祖父母",
                "其他祖父母或外祖父母关系",
            ),
            "sibling": (
                "兄",
                "弟",
                "姐",
                "妹",
                "兄弟",
                "姐妹",
                "兄弟姐妹",
                "哥哥",
                "弟弟",
                "姐姐",
                "妹妹",
                "兄长",
                "其他兄弟姐妹",
            ),
            # a member of a collective hukou (集体户: a 社区公共户, a school's, an institution's),
            # related to no one in it; any relation naming 集体 is this (``COLLECTIVE_WORD``)
            "collective": ("集体户成员", "集体户", "集体户口", "集体户人员"),
            # a relative of the head no other code names (a nephew, an uncle, a cousin, an
            # in-law of a sibling; any other relation naming 亲属 or 亲戚 is this)
            "relative": (
                "其他亲属",
                "亲属",
                "亲戚",
                "侄子",
                "侄女",
                "侄儿",
                "外甥",
                "外甥女",
                "叔叔",
                "叔父",
                "伯父",
                "伯母",
                "婶婶",
                "婶母",
                "舅舅",
                "舅父",
                "舅妈",
                "舅母",
                "姑姑",
                "姑母",
                "姑父",
                "姨母",
                "姨妈",
                "姨父",
                "堂兄",
                "堂弟",
                "堂姐",
                "堂妹",
                "表兄",
                "表弟",
                "表姐",
                "表妹",
                "嫂子",
                "嫂嫂",
                "嫂",
                "弟媳",
                "弟妹",
                "姐夫",
                "妹夫",
                "孙媳妇",
                "孙媳",
                "孙女婿",
                "曾孙",
                "曾孙子",
                "曾孙女",
                "曾祖父",
                "曾祖母",
                "侄孙",
                "侄孙女",
                "侄媳",
                "侄媳妇",
                "侄孙子",
                "姨夫",
                "姑妈",
                "伯伯",
                "大伯",
                "婶子",
                "弟媳妇",
                "堂兄弟",
                "堂姐妹",
                "表兄弟",
                "表姐妹",
                "外孙媳妇",
                "外孙媳",
                "孙媳妇或外孙媳妇",
                "外孙女婿",
                "孙女婿或外孙女婿",
                "外曾孙",
                "外曾孙子",
                "外曾孙女",
                "曾孙子或外曾孙子",
                "曾孙女或外曾孙女",
                "重孙",
                "重孙子",
                "重孙女",
                "配偶的曾祖父母或外曾祖父母",
            ),
            # no relative of the head: a lodger or a stranger in the 户 (any relation naming
            # 非亲属 is this, ``NOT_KIN_WORD``)
            "not_kin": ("非亲属", "其他非亲属", "寄居", "借住", "寄住", "借居", "暂住", "租住"),
            # the 户口 code 其他: a relative or a stranger, which the 户 does not say
            "other": ("其他", "其它"),
        }
    ),
}

# The relations of the national family relation codes, GB/T 4761—2008 家庭关系代码, table 2
# (two digits: the first the group, 0 本人或户主, 1 配偶, 2 子, 3 女, 4 孙子女, 5 父母, 6 祖父母或外
# 祖父母, 7 兄弟姐妹, 8–9 其他; the second the relation in it), each the relation its word is:
# 28 女婿, 38 儿媳 children-in-law; 45 孙媳妇, 46 孙女婿, 47, 48 曾孙, 66, 67 曾祖父母, 68 配偶的曾
# 祖父母, 72 嫂, 74 弟媳, 76 姐夫, 78 妹夫, 81–96 伯父 … 外甥女, 97 其他亲属 other relatives; 65 配偶
# 的祖父母 a grandparent as 岳父 is a parent; 80 其他 the 户口's 其他; 99 非亲属 no relative.
RELATION_CODES = {
    code: relation
    for relation, codes in {
        "head": "01 02",
        "spouse": "10 11 12",
        "child": "20 21 22 23 24 25 26 27 29 30 31 32 33 34 35 36 37 39",
        "child_in_law": "28 38",
        "grandchild": "40 41 42 43 44 49",
        "parent": "50 51 52 53 54 55 56 57 58 59",
        "grandparent": "60 61 62 63 64 65 69",
        "sibling": "70 71 73 75 77 79",
        "relative": "45 46 47 48 66 67 68 72 74 76 78 81 82 83 84 85 86 87 88 89 90 91 92 93 94 "
        "95 96 97",
        "other": "80",
        "not_kin": "99",
    }.items()
    for code in codes.split()
}
# Its table 1, one digit: 0 本人或户主, 1 配偶, 2 子, 3 女, 4 孙子女, 5 父母, 6 祖父母或外祖父母,
# 7 兄弟姐妹, 8 其他.
RELATION_DIGITS = dict(zip("012345678", ("head", "spouse", "child", "child", "grandchild",
                                         "parent", "grandparent", "sibling", "other"),
                           strict=True))  # fmt: skip


def code_label(kind: str, code: object) -> str | None:
    """The usual Chinese spelling of a normalised code (``relation`` ``head`` → 户主).

    Parameters
    ----------
    kind : str
        A kind with a vocabulary (a key of ``VOCABULARIES``).
    code : object
        A normalised code of that kind.

    Returns
    -------
    str | None
        The code's label (``CODE_LABELS``: a code of spellings that differ by sex, 母亲 and 父亲,
        is labelled for both), else the first spelling listed for it; None if the code is
        unknown.

    Examples
    --------
    >>> code_label("relation", "parent"), code_label("relation", "other"), code_label("relation", "x")
    ('父母', '其他', None)
    """
    if (kind, code) in CODE_LABELS:
        return CODE_LABELS[kind, code]
    return next((spelling for spelling, value in VOCABULARIES[kind].items() if value == code), None)


# The word that makes a relation however written (集体户口成员, 单位集体户) a collective
# hukou's member: no relative of anyone in the 户号.
COLLECTIVE_WORD = "集体"
# The word that makes a relation however written (户主的非亲属) no relative of the head.
NOT_KIN_WORD = "非亲属"
# Codes whose spellings differ by sex (母亲 and 父亲 are both ``parent``): a label right for
# either; and the code of a relation no spelling names.
CODE_LABELS = {("relation", "child"): "子女", ("relation", "parent"): "父母",
               ("relation", "sibling"): "兄弟姐妹", ("relation", "grandchild"): "孙子女",
               ("relation", "child_in_law"): "儿媳或女婿", ("relation", "spouse"): "配偶",
               ("relation", "grandparent"): "祖父母", ("relation", "relative"): "其他亲属",
               ("relation", "other"): "其他"}  # fmt: skip


# Words a spelling may end with, dropped one after the other: 肢体类残疾, 二级残疾, 低保对象.
_ENUM_SUFFIXES = {"disability_type": ("残疾", "类"), "disability_level": ("残疾",),
                  "program": ("对象",)}  # fmt: skip
# A disability's type as a cell of one column holding its type and level (残疾类别和等级)
# writes it: its word, with 残疾 or 类 after it (多重残疾三级, 二级肢体残疾); and what may stand
# between the two parts (肢体 二级 folds to 肢体二级; 肢体/二级, 视力一级(极重度)).
_TYPE_WORD = re.compile(
    "(" + "|".join(word for word in VOCABULARIES["disability_type"] if not word.isdigit())
    + ")(?:残疾)?类?"
)  # fmt: skip
_BETWEEN_PARTS = re.compile(r"[,、/\-—:;()\[\]【】]")


def type_and_level(raw: str) -> tuple[str, str]:
    """A disability's type and level as one cell of a combined column (残疾类别和等级) writes
    them: the one type word it names and what is left beside it, each read as its column's
    value; the whole cell for both where it names no type, two, or nothing beside it (read
    so, a part it lacks is a value of its column not read: a finding); ``UNSPLIT`` for both
    where it is digits alone.

    Parameters
    ----------
    raw : str
        A cell's text.

    Returns
    -------
    tuple[str, str]
        The type's text and the level's.

    Examples
    --------
    >>> type_and_level("肢体二级"), type_and_level("二级肢体残疾"), type_and_level("多重残疾 3级")
    (('肢体', '二级'), ('肢体', '二级'), ('多重', '3级'))
    >>> type_and_level("视力一级（极重度）"), type_and_level("肢体"), type_and_level("不详")
    (('视力', '一级极重度'), ('肢体', '肢体'), ('不详', '不详'))
    >>> type_and_level("2")
    ('无法拆分', '无法拆分')
    """
    text = fold(raw, keep_spaces=False).lower()
    if text.isdigit():  # a type's code or a level's: which, the cell does not say
        return UNSPLIT, UNSPLIT
    words = list(_TYPE_WORD.finditer(text))
    level = _BETWEEN_PARTS.sub("", _TYPE_WORD.sub("", text)) if len(words) == 1 else ""
    return (words[0].group(1), level) if level else (raw, raw)


# Each part of a combined cell of digits alone (2 is 听力 as a type's code, 二级 as a level):
# no value of either column, so both are findings on the cell and fall back to the 残疾证号
UNSPLIT = "无法拆分"


# A program written in a longer form (农村特困供养人员, 城市居民最低生活保障) by its key word.
_PROGRAM_WORDS = (
    ("临时救助", "temporary"),
    ("特困", "tekun"),
    ("五保", "tekun"),
    ("分散供养", "tekun"),
    ("集中供养", "tekun"),
    ("低保", "dibao"),
    ("最低生活保障", "dibao"),
)
# A program's word in the name of another group, which is no program of Doudi's: 低保边缘家庭
# (the marginal families just above the 低保 line), 非低保, 不是特困.
NOT_A_PROGRAM = re.compile("边缘|(?:非|不是)(?:低保|特困|五保|最低生活保障)")


# Whether a case is urban or rural: the optional 城乡属性 column's spellings, and the words of
# a program written in full (城市低保, 农村特困供养人员) that say it.
AREA_SPELLINGS = _vocabulary(
    {
        "urban": ("城市", "城镇", "城", "城市低保", "城镇低保", "市区", "城市居民", "urban"),
        "rural": ("农村", "乡村", "农", "农村低保", "农村牧区", "牧区", "农牧区", "rural"),
    }
)
_AREA_WORDS = (("城市", "urban"), ("城镇", "urban"), ("农村", "rural"), ("牧区", "rural"))


def urban_or_rural(marker: str | None, program: str | None) -> str | None:
    """Whether an assistance row is urban or rural: from the optional 城乡属性 column, else
    from the program as written (城市低保, 农村特困供养人员); None when neither says.

    Parameters
    ----------
    marker : str or None
        The row's 城乡属性 cell (城市, 城镇, 农村...), None when the column is absent.
    program : str or None
        The row's 救助类型 cell as written, before normalising (城乡低保 says neither).

    Returns
    -------
    str or None
        ``urban``, ``rural``, or None when unknown.

    Examples
    --------
    >>> urban_or_rural("城镇", "低保"), urban_or_rural(None, "农村低保"), urban_or_rural("", "低保")
    ('urban', 'rural', None)
    """
    if marker and marker.strip():
        code = AREA_SPELLINGS.get(fold(marker, keep_spaces=False).lower())
        if code is not None:
            return code
    text = fold(program, keep_spaces=False) if program else ""
    found = {code for word, code in _AREA_WORDS if word in text}
    return found.pop() if len(found) == 1 else None


# A 特困 member's care level (护理等级) as the optional roster column writes it, and the level
# it says (``care_level``): 基本生活费 plus the 照料护理费 of his level is what he is owed.
CARE_LEVELS = ("全自理", "半护理", "全护理")
CARE_SPELLINGS = _vocabulary(
    {
        "全自理": (
            "全自理",
            "生活能自理",
            "自理",
            "生活自理",
            "完全自理",
            "生活完全自理",
            "能自理",
            "具备生活自理能力",
            "有生活自理能力",
        ),
        "半护理": (
            "半护理",
            "半失能",
            "部分失能",
            "部分护理",
            "半自理",
            "部分自理",
            "部分丧失",
            "部分丧失生活自理能力",
            "部分丧失自理能力",
            "生活部分自理",
        ),
        "全护理": (
            "全护理",
            "全失能",
            "完全失能",
            "完全不能自理",
            "完全丧失",
            "完全丧失生活自理能力",
            "完全丧失自理能力",
            "生活完全不能自理",
        ),
    }
)


def care_level(written: str | None) -> str | None:
    """The care level (``CARE_LEVELS``) a roster's 护理等级 cell says; None when blank or
    written otherwise (生活不能自理 says no level: 半 or 全).

    Parameters
    ----------
    written : str or None
        The cell as written.

    Returns
    -------
    str or None
        全自理, 半护理, 全护理, or None.

    Examples
    --------
    >>> care_level(" 生活能自理"), care_level("半失能"), care_level("全护理"), care_level("不能自理")
    ('全自理', '半护理', '全护理', None)
    >>> care_level("部分丧失生活自理能力"), care_level("完全丧失生活自理能力"), care_level("半自理")
    ('半护理', '全护理', '半护理')
    """
    if not written or not written.strip():
        return None
    return CARE_SPELLINGS.get(fold(written, keep_spaces=False).lower())


def fold(raw: str, *, keep_spaces: bool = True) -> str:
    """Trim, full-width to half-width (NFKC), invisible characters (zero-width spaces,
    byte-order marks) removed, traditional to simplified, inner spaces collapsed to one or
    removed; repeated until nothing changes, so folding is idempotent.

    Parameters
    ----------
    raw : str
        A cell's text.
    keep_spaces : bool
        Collapse inner spaces to one (True) or remove them (False).

    Returns
    -------
    str
        The folded text.
    """
    return fold_all([raw], keep_spaces=keep_spaces)[0]


def fold_all(raws: list[str], *, keep_spaces: bool = True) -> list[str]:
    """``fold`` of each value. NFKC, the conversion to simplified and the trimming of spaces
    run once over all the values joined by line breaks (none changes or spans a line break),
    not once per value; a value holding a line break of its own is folded alone.

    Parameters
    ----------
    raws : list[str]
        Cells' texts.
    keep_spaces : bool
        Collapse inner spaces to one (True) or remove them (False).

    Returns
    -------
    list[str]
        The folded texts, in the order given.
    """
    space = " " if keep_spaces else ""
    texts = list(raws)
    pending = range(len(texts))  # the values that changed in the last round
    while pending:
        folded = _folded_once([texts[index] for index in pending], space)
        changed = []
        for index, text in zip(pending, folded, strict=True):
            if text != texts[index]:
                texts[index] = text
                changed.append(index)
        pending = changed
    return texts


def _folded_once(texts: list[str], space: str) -> list[str]:
    """One round of ``fold_all``: the texts joined by line breaks, converted, trimmed and their
    inner spaces collapsed (to ``space``) at once; a text holding a line break of its own is
    folded alone."""
    if not texts:
        return []
    joined = "\n".join(texts)
    if joined.count("\n") == len(texts) - 1:  # no text holds a line break: the common case
        lines = _SPACES_IN_LINES.sub(space, _convert(joined))
        if space:  # collapsed, a line has at most one space left at either end
            lines = lines.replace(" \n", "\n").replace("\n ", "\n").strip(" ")
        return lines.split("\n")
    joinable = iter(_folded_once([text for text in texts if "\n" not in text], space))
    return [_SPACES.sub(space, _convert(text).strip()) if "\n" in text else next(joinable)
            for text in texts]  # fmt: skip


def _convert(text: str) -> str:
    return _T2S.convert(INVISIBLE.sub("", unicodedata.normalize("NFKC", text)))


def _ok(*values: object) -> Result:
    return values, None


def _bad(problem: str, *values: object) -> Result:
    return values, problem


# Excel's scientific notation always writes the exponent's sign (5.13431E+11): a code such
# as 3E12 or 0E0 is an office's own.
_CODE_DAMAGED = re.compile(r"^\d(?:\.\d+)?E\+\d+$", re.IGNORECASE)


def normalize_code(raw: str) -> Result:
    """An identifier of the registry (记录编号, 户号, 救助证号): spaces and quoting removed. A
    number a spreadsheet rewrote in scientific notation (``5.13431E+11``: a 12-digit 户号 of a
    re-saved CSV) is unusable: its last digits are gone, and many households would share it.

    Parameters
    ----------
    raw : str
        A cell's text.

    Returns
    -------
    Result
        The cleaned code, upper-cased (None when empty or damaged); problem
        ``code_damaged``.

    Examples
    --------
    >>> normalize_code(" db-01 ")
    (('DB-01',), None)
    >>> normalize_code("5.13431E+11")
    ((None,), 'code_damaged')
    """
    text = clean_text(raw)
    if _CODE_DAMAGED.match(text):
        return _bad("code_damaged", None)
    return _ok(text or None)


def normalize_text(raw: str) -> Result:
    """Free text, folded (``fold``, inner spaces collapsed to one).

    Parameters
    ----------
    raw : str
        A cell's text.

    Returns
    -------
    Result
        The folded text (None when empty); never a problem.
    """
    return _text_of(fold(raw))


def _text_of(folded: str) -> Result:
    return _ok(folded or None)


def normalize_name(raw: str) -> Result:
    """A person's name without spaces, in simplified characters, with a toneless pinyin key
    and its fuzzy form (``fuzzy_pinyin``).

    Parameters
    ----------
    raw : str
        A cell's text.

    Returns
    -------
    Result
        The name, its pinyin key and fuzzy key (all None when empty); problem
        ``name_unusual_chars`` for characters other than Chinese, Latin letters and ``·``,
        ``name_annotated`` for a note in brackets before or after the name (曾云福(户主),
        李芳（妻）, （已故）王强, 张三(户主)* with the mark a clerk added): the name is the
        text outside them, the note stays in the raw cell.

    Examples
    --------
    >>> normalize_name("曾云福（户主）")[0][0], normalize_name("曾云福（户主）")[1]
    ('曾云福', 'name_annotated')
    """
    return _name_of(fold(raw, keep_spaces=False))


def _name_of(folded: str) -> Result:
    if _HAN_ONLY.fullmatch(folded):  # most names: no note, dot nor letter to read apart
        key = pinyin_key(folded)
        return (folded, key, fuzzy_pinyin(key)), None
    after = _NOTES_AFTER_NAME.search(folded)
    end = after.start() if after else len(folded)
    before = _NOTES_BEFORE_NAME.match(folded[:end])
    if before and not _notes_of_the_row(before.group()):
        return _bare_name_of(folded)
    if before or after:
        (name, *keys), problem = _bare_name_of(folded[before.end() if before else 0 : end])
        if problem is None and _a_name_beside_notes(name):
            return (name, *keys), "name_annotated"
    return _bare_name_of(folded)


def _notes_of_the_row(notes: str) -> bool:
    """Whether every note in ``notes`` (brackets before a name) is a relation, a role or a
    status (``_ROLE_WORDS``, ``_STATUS_WORDS``), not a name: (户主)曾云福, not (张三)之妻."""
    words = re.findall(_NAME_NOTE, notes)
    return all(word in VOCABULARIES["relation"] or word in _ROLE_WORDS or word in _STATUS_WORDS
               for word in words)  # fmt: skip


def _a_name_beside_notes(name: str | None) -> bool:
    """Whether the text outside a name cell's notes in brackets reads as a name: two or more
    characters, no separator at either end (玛丽·(Mary)), no relation nor role (户主(曾云福))."""
    return (
        name is not None
        and len(name.replace(NAME_SEPARATOR, "")) >= 2
        and name.strip(NAME_SEPARATOR) == name
        and name not in VOCABULARIES["relation"]
        and name not in _ROLE_WORDS
    )


def _bare_name_of(folded: str) -> Result:
    if not folded:
        return _ok(None, None, None)
    name = _DOTS.sub(NAME_SEPARATOR, folded)
    if not name.strip(NAME_SEPARATOR):  # a dash or a dot for no name: kept as written
        return _bad("name_unusual_chars", folded, None, None)
    key = pinyin_key(name)
    return (name, key, fuzzy_pinyin(key)), (None if _NAME_OK.match(name) else "name_unusual_chars")


# A name cell holding an ID too, after the name or before it (刘梅532326196203072788,
# 532326 19620307 2788 刘梅, 刘梅（532326196203072788）): the ID's characters, in groups or not,
# and what may stand between it and the name (after NFKC: spaces, a comma, a colon, brackets,
# a word saying what follows: 刘梅（身份证号：532326196203072788）).
_ID_WRITTEN = r"[0-9][0-9 \-]*[0-9Xx]"
_ID_LABEL = r"(?:公民身份号码|身份证号码|身份证号|身份证|证件号码|证件号)?"
_NAME_THEN_ID = re.compile(
    rf"(?P<name>[^0-9]+?)[\s,;:/(]*{_ID_LABEL}[\s,;:]*(?P<id>{_ID_WRITTEN})\)?"
)
_ID_THEN_NAME = re.compile(rf"\(?(?P<id>{_ID_WRITTEN})[\s,;:/)]*(?P<name>[^0-9]+)")
_ID_DIGITS = re.compile(r"[0-9]{15}|[0-9]{17}[0-9X]")


def id_beside_name(raw: str) -> tuple[str, str] | None:
    """A name cell's name and the ID written beside it, before or after (15 or 18
    characters, in groups or not): the name to read as ``normalize_name`` reads one, the ID
    as ``normalize_id``; None for any other cell (a name alone, a name with a phone number).

    Parameters
    ----------
    raw : str
        A name cell's text.

    Returns
    -------
    tuple[str, str] | None
        The name and the ID as written, or None.

    Examples
    --------
    >>> id_beside_name("刘梅532326196203072788")
    ('刘梅', '532326196203072788')
    >>> id_beside_name("532326 620307 278 刘梅")
    ('刘梅', '532326 620307 278')
    >>> id_beside_name("刘梅（身份证号：532326196203072788）")
    ('刘梅', '532326196203072788')
    >>> id_beside_name("刘梅13812345678") is None, id_beside_name("刘梅") is None
    (True, True)
    """
    text = unicodedata.normalize("NFKC", raw).strip()
    found = _NAME_THEN_ID.fullmatch(text) or _ID_THEN_NAME.fullmatch(text)
    if found is None or not _ID_DIGITS.fullmatch(re.sub(r"[ \-]", "", found["id"]).upper()):
        return None
    name = found["name"].strip()
    return (name, found["id"]) if re.search(r"[^\W\d_]", name) else None


def compared_name(name: str | None) -> str | None:
    """A normalised name as linking compares it (``persons.name``): without the separator
    before a father's or clan name, which one office writes and the next leaves out.

    Parameters
    ----------
    name : str | None
        A normalised name (``normalize_name``).

    Returns
    -------
    str | None
        The name without ``NAME_SEPARATOR``; None when that leaves nothing.

    Examples
    --------
    >>> compared_name("吐尔洪·买买提"), compared_name("吐尔洪买买提"), compared_name("·")
    ('吐尔洪买买提', '吐尔洪买买提', None)
    """
    return (name or "").replace(NAME_SEPARATOR, "") or None


# What separates the names of a cell listing several (李丽、李莉; 李丽,李莉).
_NAME_LIST = re.compile(r"[、,，;；/／]")


def normalize_former_name(raw: str) -> Result:
    """A 户籍 曾用名 cell: the first name it lists (a cell may list several, 李丽、李莉 or
    李丽 李莉; spaces separate names only when each part is a name of two characters or more:
    李 丽 is one name), normalised as ``normalize_name`` does.

    Parameters
    ----------
    raw : str
        A cell's text.

    Returns
    -------
    Result
        The name (None when empty, or of one character: 无, a dash); problem
        ``name_unusual_chars`` as ``normalize_name`` says it.

    Examples
    --------
    >>> normalize_former_name("李丽、李莉"), normalize_former_name("李 丽")
    ((('李丽',), None), (('李丽',), None))
    >>> normalize_former_name("李丽 李莉")[0], normalize_former_name("无")[0]
    (('李丽',), (None,))
    """
    first = next((part for part in _NAME_LIST.split(raw) if part.strip()), "")
    words = first.split()
    if len(words) > 1 and all(len(word) >= 2 for word in words):
        first = words[0]
    (name, _, _), problem = normalize_name(first)
    if name is None or len(name) < 2:
        return _ok(None)
    return (name,), problem


def pinyin_key(name: str) -> str:
    """Toneless pinyin, one syllable per character: 王丽 and 王莉 both give ``wang li``.

    Each character is read alone, in its most common reading, so that a character gets the
    same syllable in every name whatever stands beside it; but the first character of a name
    of two or three characters, a surname, takes its reading as one (``SURNAME_READINGS``):
    a clerk who hears Zēng writes 曾 or 增, and one who hears Qín writes 覃 or 秦.

    Parameters
    ----------
    name : str
        A normalised name.

    Returns
    -------
    str
        Lower-case syllables separated by spaces (``·`` left out).

    Examples
    --------
    >>> pinyin_key("曾芳"), pinyin_key("覃芳"), pinyin_key("区志强"), pinyin_key("单")
    ('zeng fang', 'qin fang', 'ou zhi qiang', 'dan')
    """
    if 2 <= len(name) <= 3 and name[0] in SURNAME_READINGS:
        return f"{SURNAME_READINGS[name[0]]} {name[1:].translate(_SYLLABLES)}"[:-1]
    return name.translate(_SYLLABLES)[:-1]  # each syllable is followed by a space


# Surnames whose reading as a surname is not the character's most common one. Not 查 (zhā
# as a surname, chá in 查干, a Mongolian name's "white") nor 乐 (yuè and lè both).
SURNAME_READINGS = {"曾": "zeng", "翟": "zhai", "单": "shan", "区": "ou", "仇": "qiu", "解": "xie",
                    "朴": "piao", "盖": "ge", "缪": "miao", "覃": "qin", "召": "shao",
                    "种": "chong", "秘": "bi", "员": "yun", "繁": "po"}  # fmt: skip


class _Syllables(dict):
    """A ``str.translate`` table: each character's syllable followed by a space, looked up on
    first use and kept (no more entries than characters met); ``NAME_SEPARATOR`` left out."""

    def __missing__(self, code: int) -> str:
        # imported on first use: loading pypinyin's dictionaries takes a third of a second,
        # which the detection workers and the command line's start, reading no name, need not
        # pay
        from pypinyin import lazy_pinyin

        self[code] = syllable = f"{lazy_pinyin(chr(code))[0].lower()} "
        return syllable


_SYLLABLES = _Syllables({ord(NAME_SEPARATOR): None})


_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("n", "l"))
_FUZZY_FINALS = (("ing", "in"), ("eng", "en"))


def fuzzy_pinyin(key: str) -> str:
    """A pinyin key with the sounds local speech merges (zh/z, ch/c, sh/s, n/l, ing/in,
    eng/en), so that 玲 and 琳 written down from hearing compare as one: ``li lin fang``.

    Parameters
    ----------
    key : str
        A pinyin key (``pinyin_key``).

    Returns
    -------
    str
        The key with each syllable in its merged form.
    """
    return " ".join(map(_fuzzy_syllable, key.split(" ")))


@lru_cache(maxsize=10_000)
def _fuzzy_syllable(syllable: str) -> str:
    for long_form, short_form in _FUZZY_INITIALS:
        if syllable.startswith(long_form):
            syllable = short_form + syllable[len(long_form) :]
            break
    for long_form, short_form in _FUZZY_FINALS:
        if syllable.endswith(long_form):
            return syllable[: -len(long_form)] + short_form
    return syllable


def normalize_id(raw: str) -> Result:
    """Outputs: id, status, problem-free prefix, birth date and gender derived from the ID.

    Parameters
    ----------
    raw : str
        A cell's text.

    Returns
    -------
    Result
        The five outputs of ``resolver.idcard.parse_id``; problem None for a valid ID,
        ``id_upgraded_15`` for a 15-digit one, else ``id_`` and what is wrong (``id_blank``,
        ``id_placeholder`` for a word for no ID such as 不详, read as blank,
        ``id_bad_check_digit``, ``id_zeroed_tail`` ...).

    Examples
    --------
    >>> normalize_id("不详")
    ((None, 'blank', None, None, None), 'id_placeholder')
    """
    parsed = parse_id(raw)
    outputs = (parsed.value, parsed.status, parsed.prefix, parsed.birth_date, parsed.gender)
    if parsed.status == "upgraded":
        return outputs, "id_upgraded_15"
    if parsed.status == "valid":
        return outputs, None
    return outputs, f"id_{parsed.problem or parsed.status}"


def parse_date(raw: str) -> date | None:
    """A date written as 2020-03-02, 2020/3/2, 20200302, 2020年3月2日, with a time
    (``00:00:00.0``, ``00时00分``, ``20200302000000``), as an instant with its zone (ISO 8601
    ending ``Z`` or ``+08:00``: the day it is in China), as Java's ``Date.toString`` writes it
    (``Mon Mar 02 00:00:00 CST 2020``), or an Excel serial day number; kept as text by a
    spreadsheet (``'2020-03-02``, ``="2020-03-02"``) too, or with a two-digit year (``20-3-2``:
    00–29 are 2000–2029, 30–99 are 1930–1999, as Excel reads them), in Chinese numerals
    (``二〇二〇年三月二日``), with the weekday after it (``2020/3/2 星期一``, ``2020-03-02 周一``),
    or with the year last when a part above 12 says which is the day (``3/13/2020``, Excel's
    US locale; ``3/2/2020`` is None: March 2 or February 3?); None when it is none of these.

    Parameters
    ----------
    raw : str
        A cell's text.

    Returns
    -------
    date | None
        The date, or None when unreadable or outside 1890–2100.

    Examples
    --------
    >>> [str(parse_date(text)) for text in ("二〇二四年六月一日", "二○二四年十二月三十一日",
    ...  "2024/6/1 星期六", "2024-06-01 周六", "6/13/2024", "13/6/2024", "6/5/2024")]
    ['2024-06-01', '2024-12-31', '2024-06-01', '2024-06-01', '2024-06-13', '2024-06-13', 'None']
    """
    return _parse_date(raw)[0]


def _parse_date(raw: str, month_first: bool | None = None) -> tuple[date | None, str | None]:
    """``parse_date``, and the problem of how it was read: ``year_completed`` (a two-digit
    year), ``date_month_first`` or ``date_day_first`` (the year last: a part above 12 says
    which is the day), ``date_weekday_mismatch`` (the weekday written is not the date's);
    ``date_order_ambiguous`` when the year is last and either part may be the month, unless
    ``month_first`` says which (``date_order_from_column``); ``date_implausible`` for a
    date read but outside ``EARLIEST``–``LATEST`` (no date)."""
    if raw.isascii() and _DATE_ISO.match(raw):  # most values
        try:
            parsed = date.fromisoformat(raw)
        except ValueError:
            return None, None
        return _plausible(parsed)
    written = _date_text(raw)
    if _DATE_ZONED.match(written):
        return _zoned_date(written)
    weekday = _WEEKDAY.search(written)
    if weekday:
        written = (written[: weekday.start()] + " " + written[weekday.end() :]).strip()
    parsed, problem = _written_date(written, month_first)
    if parsed and weekday and _WEEKDAYS.index(weekday[1].replace("天", "日")) != parsed.weekday():
        return parsed, problem or "date_weekday_mismatch"
    return parsed, problem


def _written_date(written: str, month_first: bool | None) -> tuple[date | None, str | None]:
    """A date cell's text without its quoting and weekday, read (``_parse_date``)."""
    java = _DATE_JAVA.match(written)
    text = written.replace(" ", "")
    timed = _DATE_TIME.match(written)
    if timed:
        text = timed.group(1)
    year_last = _DATE_YEAR_LAST.match(text)
    if year_last:
        first, second, year = (int(part) for part in year_last.groups())
        return _year_last_date(first, second, year, month_first)
    short = _DATE_SHORT_YEAR.match(text)
    match = _DATE_SEPARATED.match(text) or _DATE_COMPACT.match(text) or short
    if match or java:
        year, month, day = (int(part) for part in match.groups()) if match else _java_day(java)
        try:
            parsed = date(_full_year(year) if short else year, month, day)
        except ValueError:
            return None, None
    elif _EXCEL_SERIAL.match(text):
        parsed = EXCEL_EPOCH + timedelta(days=int(float(text)))
    else:
        return None, None
    return _plausible(parsed, "year_completed" if short else None)


def _year_last_date(first: int, second: int, year: int, month_first: bool | None
                    ) -> tuple[date | None, str | None]:  # fmt: skip
    """A date written day and month before the year: month first when the second part is
    above 12 (6/13/2024), day first when the first is (13/6/2024), no problem when they are
    equal; else as ``month_first`` says, and ambiguous, no date, when it says nothing
    (6/5/2024)."""
    if first == second:
        month, day, problem = first, second, None
    elif second > 12:
        month, day, problem = first, second, "date_month_first"
    elif first > 12:
        month, day, problem = second, first, "date_day_first"
    elif month_first is None:
        return None, "date_order_ambiguous"
    else:
        month, day = (first, second) if month_first else (second, first)
        problem = "date_order_from_column"
    try:
        parsed = date(year, month, day)
    except ValueError:
        return None, None
    return _plausible(parsed, problem)


def _plausible(parsed: date, problem: str | None = None) -> tuple[date | None, str | None]:
    """A date read, with the ``problem`` of how; none, ``date_implausible``, when it is
    before ``EARLIEST`` or after ``LATEST`` (1886-01-01: a year typed wrong, no date)."""
    if EARLIEST <= parsed <= LATEST:
        return parsed, problem
    return None, "date_implausible"


def _date_text(raw: str) -> str:
    """A date or month cell's text without the quoting a spreadsheet keeps text in
    (``'2020-03-02``, ``="2020-03-02"``) and invisible characters, half-width, trimmed."""
    text = INVISIBLE.sub("", unicodedata.normalize("NFKC", raw)).strip()
    quoted = _SPREADSHEET_QUOTED.match(text)
    if quoted is not None:
        text = (quoted[1] if quoted[1] is not None else quoted[2]).strip()
    return _DATE_CHINESE.sub(_arabic_date, text, count=1)


def _arabic_date(found: re.Match[str]) -> str:
    """A date in Chinese numerals in Arabic ones (二〇二四年六月一日 is 2024年6月1日, 二〇二四年
    元月 is 2024年1月); as written when a part is no number."""
    year = "".join(str(CHINESE_DIGITS.get(char, char)) for char in found[1].replace("○", "〇"))
    month = 1 if found[2] == "元" else _chinese_number(found[2])
    day = _chinese_number(found[3]) if found[3] else None
    if month is None or (found[3] and day is None):
        return found[0]
    return f"{year}年{month}月" + (f"{day}日" if found[3] else "")


def _full_year(year: int) -> int:
    """A two-digit year's full year, as Excel completes it (``CENTURY_PIVOT``)."""
    return year + (2000 if year < CENTURY_PIVOT else 1900)


def _java_day(found: re.Match[str]) -> tuple[int, int, int]:
    """Year, month and day of a ``Date.toString`` (month 0 when its name is none)."""
    month = _MONTH_NAMES.index(found[1]) + 1 if found[1] in _MONTH_NAMES else 0
    return int(found[3]), month, int(found[2])


def _zoned_date(text: str) -> tuple[date | None, str | None]:
    """The day in China of an instant written with its zone (``2022-12-31T16:00:00Z`` is
    2023-01-01: a day a system kept as midnight here, written in UTC), as ``_plausible``
    gives it."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None, None
    return _plausible(moment.astimezone(CHINA_TIME).date())


def normalize_date(raw: str) -> Result:
    """A date (``parse_date``); a month alone (2021年12月, 2021.12, 202112) is its first day,
    with a finding that says so; 2021.1 is refused (January or October?).

    Parameters
    ----------
    raw : str
        A cell's text.

    Returns
    -------
    Result
        The date (None when blank or unreadable); problem ``year_completed`` (a two-digit
        year: ``23-5-6``), ``date_month_first`` / ``date_day_first`` (the year last:
        ``6/13/2024``, ``13/6/2024``), ``date_weekday_mismatch`` (read by its date),
        ``date_month_only``, ``month_ambiguous``, ``date_order_ambiguous`` (``6/5/2024``: no
        date; ``resolver.tables`` reads it by its column when the column's other dates say
        which part is the month), ``date_implausible`` (a date before 1890 or after 2100: no
        date) or ``date_unparsed``.

    Examples
    --------
    >>> normalize_date("2024/6/1 星期五"), normalize_date("6/5/2024")
    (((datetime.date(2024, 6, 1),), 'date_weekday_mismatch'), ((None,), 'date_order_ambiguous'))
    >>> normalize_date("1886-01-01"), normalize_date("1886年1月1日")
    (((None,), 'date_implausible'), ((None,), 'date_implausible'))
    """
    if not _date_text(raw):
        return _ok(None)
    parsed, problem = _parse_date(raw)
    if parsed is not None or problem is not None:
        return (parsed,), problem
    (month,), problem = normalize_month(raw)
    if month is not None:
        return _bad("date_month_only", date.fromisoformat(f"{month}-01"))
    kept = problem in ("month_ambiguous", "date_implausible")
    return _bad(problem if kept else "date_unparsed", None)


# A year written alone: 1973, 1973年, or 1973.0 as a column of numbers with blanks is exported.
_YEAR_ALONE = re.compile(r"^([0-9]{4})(?:年|\.0)?$")


def year_alone(raw: str) -> int | None:
    """The year a cell writes alone, with no month nor day (``1973``, ``1973年``, ``1973.0``):
    of a birth date, what a roster often writes. ``normalize_date`` reads no date there.

    Parameters
    ----------
    raw : str
        A cell's text.

    Returns
    -------
    int | None
        The year, between ``EARLIEST`` and ``LATEST``; None when the cell writes anything else.

    Examples
    --------
    >>> year_alone("1973"), year_alone("１９７３年"), year_alone("1973.0")
    (1973, 1973, 1973)
    >>> year_alone("1973-05"), year_alone("1886"), year_alone("73年"), year_alone("")
    (None, None, None, None)
    """
    found = _YEAR_ALONE.match(_date_text(raw))
    year = int(found[1]) if found else None
    return year if year is not None and EARLIEST.year <= year <= LATEST.year else None


def written_month(raw: str) -> str | None:
    """The year and month a date cell writes, whatever its day: a day the month lacks
    (``2025-11-31``, ``2025年2月30日``, ``20250229``) or none (``2025-11-00``) is a slip of the
    day, the month still written; a time after it (``2025-11-31 00:00:00``) changes nothing.
    With the year last, the month is the part that can be one where the other can only be
    the day (``31/11/2025``, ``11/31/2025``); a valid date there is ``normalize_date``'s.

    Parameters
    ----------
    raw : str
        A cell's text.

    Returns
    -------
    str | None
        The month as ``YYYY-MM``; None when the cell writes no year, month and day of at
        most 31, nor says which part is the month.

    Examples
    --------
    >>> written_month("2025-11-31"), written_month("二〇二五年二月三十日"), written_month("20251100")
    ('2025-11', '2025-02', '2025-11')
    >>> written_month("2025-11-31 00:00:00"), written_month("31/11/2025"), written_month("11/31/2025")
    ('2025-11', '2025-11', '2025-11')
    >>> written_month("2025-13-01"), written_month("6/5/2025"), written_month("32/11/2025"), written_month("")
    (None, None, None, None)
    """
    written = _date_text(raw)
    timed = _DATE_TIME.match(written)
    text = (timed.group(1) if timed else written).replace(" ", "")
    year_last = _DATE_YEAR_LAST.match(text)
    if year_last:
        first, second, year = (int(part) for part in year_last.groups())
        month, day = (first, second) if _only_a_day(second) else (second, first)
        if not (_only_a_day(day) and 1 <= month <= 12):
            return None
    else:
        match = _DATE_SEPARATED.match(text) or _DATE_COMPACT.match(text)
        if match is None:
            return None
        year, month, day = (int(part) for part in match.groups())
        if not (1 <= month <= 12 and day <= 31):
            return None
    return f"{year:04d}-{month:02d}" if EARLIEST.year <= year <= LATEST.year else None


def _only_a_day(part: int) -> bool:
    """Whether a part of a date written with its year last can be its day and not its month."""
    return part == 0 or 12 < part <= 31


def read_in_order(kind: str, raw: str, month_first: bool) -> Result:
    """A date or month cell read with its year last and its month first or second, as the
    rest of its column says (``6/5/2024`` is June 5 in a column that writes ``6/13/2024``).

    Parameters
    ----------
    kind : str
        ``date`` or ``month``.
    raw : str
        A cell's text.
    month_first : bool
        Whether the month comes before the day.

    Returns
    -------
    Result
        The date (or the month as ``YYYY-MM``, first and last as ``normalize_months``
        gives them) and problem ``date_order_from_column`` when the order decided it; as
        ``normalize_date`` or ``normalize_months`` reads it otherwise.

    Examples
    --------
    >>> read_in_order("date", "6/5/2024", True), read_in_order("month", "6/5/2024", False)
    (((datetime.date(2024, 6, 5),), 'date_order_from_column'), (('2024-05', '2024-05'), 'date_order_from_column'))
    """
    parsed, problem = _parse_date(raw, month_first)
    if parsed is None:
        return NORMALIZERS[kind](raw)
    return ((parsed,) if kind == "date" else (f"{parsed:%Y-%m}",) * 2), problem


def months_with_two_digits(values: Iterable[str | None]) -> bool:
    """Whether a date or month column writes months January to September with two digits
    after a dot (``2025.01`` … ``2025.09``) and never with one (``2025.2``): then its
    ``2025.1`` (``month_ambiguous``) can only be October typed as a number, its trailing 0
    lost, since it would write a January ``2025.01``.

    Parameters
    ----------
    values : Iterable[str | None]
        The column's distinct cells' text.

    Returns
    -------
    bool
        Whether the column writes its months so.

    Examples
    --------
    >>> months_with_two_digits(["2025.01", "2025.1", "2025.12"]), months_with_two_digits(["2025.1"])
    (True, False)
    >>> months_with_two_digits(["2025.01", "2025.2"]), months_with_two_digits(["2025.01.05"])
    (False, False)
    """
    written = [_date_text(value).replace(" ", "") for value in values if value]
    return any(map(_MONTH_TWO_DIGITS.match, written)) and not any(
        map(_MONTH_ONE_DIGIT.match, written)
    )


def read_as_october(kind: str, raw: str) -> Result:
    """A ``2025.1`` cell (``month_ambiguous``) read as October of its year, as its column
    writing its other months with two digits (``months_with_two_digits``) says it is.

    Parameters
    ----------
    kind : str
        ``date`` (the month's first day) or ``month``.
    raw : str
        A cell's text.

    Returns
    -------
    Result
        The date, or the first and last month, with problem ``month_october_by_column``;
        as ``normalize_date`` or ``normalize_months`` reads ``2025.10`` when it is no date
        (``date_implausible``: a year before 1890 or after 2100).

    Examples
    --------
    >>> read_as_october("month", "2025.1"), read_as_october("date", "2025.1")
    ((('2025-10', '2025-10'), 'month_october_by_column'), ((datetime.date(2025, 10, 1),), 'month_october_by_column'))
    >>> read_as_october("month", "1885.1")
    ((None, None), 'date_implausible')
    """
    read, problem = NORMALIZERS[kind](_date_text(raw).replace(" ", "") + "0")
    return read, problem if read[0] is None else "month_october_by_column"


def normalize_month(raw: str) -> Result:
    """A month as ``YYYY-MM``; accepts 2020-03, 2020/3, 202003, 2020年3月(份) or a full date,
    kept as text by a spreadsheet (``'2020-03``) too. ``2025.1`` is ambiguous (2025.10 typed
    as a number shows so) and never read as January (its column may say October:
    ``read_as_october``). A two-digit year (``24年11月``,
    ``24-11-6``) is completed as ``parse_date`` completes it. A month of a year before
    ``EARLIEST``'s or after ``LATEST``'s (``2206-01``, ``1/1/1882``) is no month, as such a
    date is none (``date_implausible``).

    Parameters
    ----------
    raw : str
        A cell's text.

    Returns
    -------
    Result
        The month as ``YYYY-MM`` (None when blank or unreadable); problem
        ``year_completed``, ``month_ambiguous``, ``month_unparsed``, ``date_implausible`` or
        one of a date's read with its year last or its weekday (``normalize_date``).

    Examples
    --------
    >>> normalize_month("2026年9月"), normalize_month("2206-01"), normalize_month("1/1/1882")
    ((('2026-09',), None), ((None,), 'date_implausible'), ((None,), 'date_implausible'))
    """
    text = _date_text(raw).replace(" ", "")
    if not text:
        return _ok(None)
    if _MONTH_AMBIGUOUS.match(text):
        return _bad("month_ambiguous", None)
    match = _MONTH_SEPARATED.match(text) or _MONTH_COMPACT.match(text)
    if match and 1 <= int(match.group(2)) <= 12:
        year = int(match.group(1))
        if not EARLIEST.year <= year <= LATEST.year:
            return _bad("date_implausible", None)
        return _ok(f"{year:04d}-{int(match.group(2)):02d}")
    short = _MONTH_SHORT_YEAR.match(text)
    if short and 1 <= int(short.group(2)) <= 12:
        return _bad(
            "year_completed", f"{_full_year(int(short.group(1)))}-{int(short.group(2)):02d}"
        )
    parsed, problem = _parse_date(raw)
    if parsed is None:
        return _bad(problem or "month_unparsed", None)
    return _bad(problem, f"{parsed:%Y-%m}")


# A time of day after a date, as database and spreadsheet exports write a date cell
# (2024-01-01 00:00:00, 2024/1/1 0:00): no part of the months.
_TIME_OF_DAY = re.compile(r"(?<=\d)\s+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")


def normalize_months(raw: str) -> Result:
    """The months a payment line is for, the first and the last (``YYYY-MM``): a range
    (``2024-01至2024-03``, ``202401-202403``, ``2024-01-01至2024-03-31``, ``2024年1-3月``,
    ``2024-01~03``, ``2024年12月-1月`` into the next year) or a quarter (``2024年第一季度``,
    ``2024年1季度``, ``2024Q1``) the months it covers, a mark of back pay after it
    (``补发``, ``补``) aside; a month (``normalize_month``) itself twice. In a range
    ``2024.1`` is January, at either end (``2024.1-3``, ``2024.1-2024.1``). A range ending
    before it begins (unless into the next year: ``_MONTHS_ACROSS_YEAR``), or of more than
    ``MONTHS_IN_RANGE`` months, is ``month_unparsed``; a quarter of a year a month cannot be
    in (``normalize_month``: ``2206年第一季度``) is ``date_implausible``.

    Parameters
    ----------
    raw : str
        A cell's text.

    Returns
    -------
    Result
        The first and the last month (None when blank or unreadable), and the problem as
        ``normalize_month`` says it.

    Examples
    --------
    >>> normalize_months("2024-01至2024-03"), normalize_months("2024年11月—2025年1月")
    ((('2024-01', '2024-03'), None), (('2024-11', '2025-01'), None))
    >>> normalize_months("2024年1-3月"), normalize_months("2024-03"), normalize_months("2024年3-1月")
    ((('2024-01', '2024-03'), None), (('2024-03', '2024-03'), None), ((None, None), 'month_unparsed'))
    >>> normalize_months("2024年第二季度"), normalize_months("2024/1/1-2024/3/31")
    ((('2024-04', '2024-06'), None), (('2024-01', '2024-03'), None))
    >>> normalize_months("2024年12月-1月补发"), normalize_months("2024.1-3")
    ((('2024-12', '2025-01'), None), (('2024-01', '2024-03'), None))
    >>> normalize_months("2024.1-2024.1"), normalize_months("2023.11-2024.1")
    ((('2024-01', '2024-01'), None), (('2023-11', '2024-01'), None))
    >>> normalize_months("2024-01-01 00:00:00"), normalize_months("2024/1/1 0:00")
    ((('2024-01', '2024-01'), None), (('2024-01', '2024-01'), None))
    """
    text = _TIME_OF_DAY.sub("", _date_text(raw)).replace(" ", "")
    unmarked = _BACK_PAY_MARK.sub("", text) if text[:1].isdigit() else text
    span = _quarter(unmarked) or (None if _ONE_DATE.match(unmarked) else _month_range(unmarked))
    if span is None:
        (month,), problem = normalize_month(unmarked)
        return (month, month), problem
    first, last = span
    if not 0 <= last - first < MONTHS_IN_RANGE:
        return _bad("month_unparsed", None, None)
    if not EARLIEST.year * 12 <= first <= last < (LATEST.year + 1) * 12:
        return _bad("date_implausible", None, None)
    return _ok(*(f"{m // 12:04d}-{m % 12 + 1:02d}" for m in (first, last)))


def _quarter(text: str) -> tuple[int, int] | None:
    """The first and last month (counted from year 0) of a quarter written ``2024年第一季度``;
    None when ``text`` is none."""
    found = _QUARTER.match(text)
    if found is None:
        return None
    number = found[2] or found[3]
    quarter = int(number) if number.isdigit() else CHINESE_DIGITS[number]
    first = int(found[1]) * 12 + (quarter - 1) * 3
    return first, first + 2


def _month_range(text: str) -> tuple[int, int] | None:
    """The first and last month (counted from year 0) of a range of months ``text`` (see
    ``RANGE_JOIN``), at the first joiner both sides of which read as months (the last may be
    before the first: a range running back); None when ``text`` is no range."""
    for joiner in _RANGE_JOINS.finditer(text):
        first = _dated_month(text[: joiner.start()])
        last = None if first is None else _range_end(text[joiner.end() :], first)
        if last is not None:
            return first, last
    return None


def _dated_month(text: str) -> int | None:
    """A range's first or last month (counted from year 0) written with its year: a month or
    a day, ``2024.1`` January (typed as text, beside the range's other end, not the number
    2024.10: ``2024.1-2024.1``, ``2023.11-2024.1``); None when no month."""
    if _MONTH_AMBIGUOUS.match(text):
        return int(text[:4]) * 12
    if not text[:4].isdigit() or len(text) < 5:
        return None
    (month,), _ = normalize_month(text)
    return None if month is None else int(month[:4]) * 12 + int(month[5:]) - 1


def _range_end(text: str, first: int) -> int | None:
    """A range's last month (counted from year 0) from its end ``text`` and its ``first``
    month: a month or day with its year, or a month of ``first``'s year (of the next year
    when written with 月 and the range stays short: ``_MONTHS_ACROSS_YEAR``); None when no
    month."""
    bare = _RANGE_END.match(text)
    if bare is None:
        return _dated_month(text)
    if not 1 <= int(bare[1]) <= 12:
        return None
    last = first // 12 * 12 + int(bare[1]) - 1
    across = last < first and bare[2] and last + 12 - first < _MONTHS_ACROSS_YEAR
    return last + 12 if across else last


def normalize_amount(raw: str, unit: Decimal = YUAN) -> Result:
    """Money in 元 to the cent: ``1,234.5元``, ``￥333.00``, ``700元/月`` or 大写 ``柒佰元整``;
    a refund as ``-1,000``, ``−1000`` (U+2212), ``负1000`` or ``1000-``, or in brackets as
    accountants write a minus, ``(700.00)`` or ``（700.00）``: read as negative, and flagged
    (``amount_in_brackets``; a minus written inside them too, ``(-700.00)``, is the same one). A rate per person or household (``333.00元/人``, ``元/人/月``,
    ``元/户``) is read as written, and flagged.

    Parameters
    ----------
    raw : str
        A cell's text.
    unit : Decimal, default YUAN
        What a number without a unit of its own counts in 元: ``WAN`` in a column whose
        header gives 万元 (``resolver.tables``). A cell naming its unit (``620元``, ``￥620``,
        ``0.062万``) is read in it; a rate per head without one (``0.45/人``) counts ``unit``.

    Returns
    -------
    Result
        The amount as a Decimal to the cent, halves up (None when blank or unreadable);
        problem ``amount_in_brackets``, ``amount_per_head``, ``amount_unparsed``, ``amount_too_large`` (a
        trillion 元 or more once rounded to the cent: more than the stored amount holds),
        ``amount_comma`` (a comma that groups no thousands: ``3,20``), ``amount_sub_cent``
        (a part of a fen rounded away; a spreadsheet's float noise, ``1234.5000000000002``,
        is no problem: the cell shows 1234.50) or, when none of those, ``amount_in_wan``
        (written in 万元, ``0.062万元``, and read as that many ten-thousands of 元: 620.00).
        Under a 万元 header (``unit`` ``WAN``) no cell has ``amount_in_wan``: the header says
        it of every row, and ``resolver.tables`` notes it once on the table.

    Examples
    --------
    >>> [normalize_amount(text) for text in ("￥333.00", "1,240.50", "３３３元", "333.00元/人")]
    ... # doctest: +NORMALIZE_WHITESPACE
    [((Decimal('333.00'),), None), ((Decimal('1240.50'),), None), ((Decimal('333.00'),), None),
     ((Decimal('333.00'),), 'amount_per_head')]
    >>> normalize_amount("（430.00）"), normalize_amount("(-430.00)")
    (((Decimal('-430.00'),), 'amount_in_brackets'), ((Decimal('-430.00'),), 'amount_in_brackets'))
    >>> normalize_amount("(0.005)", WAN), normalize_amount("620元", WAN)
    (((Decimal('-50.00'),), 'amount_in_brackets'), ((Decimal('620.00'),), None))
    >>> normalize_amount("0.062", WAN), normalize_amount("0.062万元")
    (((Decimal('620.00'),), None), ((Decimal('620.00'),), 'amount_in_wan'))
    """
    text = unicodedata.normalize("NFKC", raw)
    outputs, problem = _amount_of(
        _AMOUNT_NOISE.sub("", text), YUAN if _AMOUNT_UNIT_STATED.search(text) else unit
    )
    # the column's header gives 万元: its note says so once, for every row
    return outputs, (None if unit == WAN and problem == "amount_in_wan" else problem)


def _amount_of(text: str, unit: Decimal) -> Result:
    """``normalize_amount`` of a cell's text without its noise (元, ￥, spaces), each number
    without a unit of its own counting ``unit`` 元."""
    if not text:
        return _ok(None)
    per_head = _AMOUNT_PER_HEAD.search(text)
    if per_head and per_head.start():
        (amount,), problem = _amount_of(text[: per_head.start()], unit)
        return _bad(_cell_problem(problem, "amount_per_head"), amount)
    negative = _AMOUNT_NEGATIVE.match(text)
    if negative:
        (amount,), problem = _amount_of(negative.group(1) or negative.group(2), unit)
        return (-amount if amount is not None else None,), problem
    bracketed = _AMOUNT_BRACKETED.match(text)
    if bracketed:
        (amount,), problem = _amount_of(bracketed.group(1), unit)
        return _bad(_cell_problem(problem, "amount_in_brackets"),
                    -abs(amount) if amount is not None else None)  # fmt: skip
    in_wan = _AMOUNT_IN_WAN.match(text)
    text, unit = (in_wan.group(1), WAN) if in_wan else (text, unit)
    if "," in text:
        if not _AMOUNT_THOUSANDS.match(text):
            return _bad("amount_comma", None)
        text = text.replace(",", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        amount = capital_amount(text)  # 大写 numerals hold their own 万: never scaled
        if amount is None:
            return _bad("amount_unparsed", None)
        unit = YUAN
    if not amount.is_finite():
        return _bad("amount_unparsed", None)
    amount = amount * unit
    # the limit checked again once rounded: 999999999999.995 rounds to 1,000,000,000,000.00
    cents = amount.quantize(CENT, rounding=ROUND_HALF_UP) if abs(amount) < LARGEST_AMOUNT else None
    if cents is None or abs(cents) >= LARGEST_AMOUNT:
        return _bad("amount_too_large", None)
    if amount.quantize(_FLOAT_NOISE, rounding=ROUND_HALF_UP) != cents:
        return _bad("amount_sub_cent", cents)
    return _bad("amount_in_wan", cents) if unit == WAN else _ok(cents)


def _cell_problem(problem: str | None, own: str) -> str:
    """The problem of a cell whose number read with ``problem`` is written ``own`` way (in
    brackets, per head): the number's own problem, else the way it is written (its unit,
    ``amount_in_wan``, the least of them)."""
    return own if problem in (None, "amount_in_wan") else problem


def capital_amount(text: str) -> Decimal | None:
    """An amount in 大写 numerals: ``壹仟零伍拾元伍角`` is 1050.50; None when it is not one.

    Parameters
    ----------
    text : str
        An amount in 大写 numerals, with or without 元 (or 圆), 角 and 分.

    Returns
    -------
    Decimal | None
        The amount in 元, or None.

    Examples
    --------
    >>> capital_amount("柒佰"), capital_amount("壹万贰仟叁佰肆拾伍元陆角柒分"), capital_amount("七百")
    (Decimal('700'), Decimal('12345.67'), None)
    """
    split = _CAPITAL_SPLIT.match(text.replace("元", "").replace("圆", ""))
    yuan, rest = split.group(1), split.group(2)
    total, section, digit = 0, 0, None
    for char in yuan:
        if char in _CAPITAL_DIGITS:
            digit = _CAPITAL_DIGITS[char]
        elif char in _CAPITAL_UNITS:
            section += (1 if digit is None else digit) * _CAPITAL_UNITS[char]
            digit = None
        elif char in _CAPITAL_SECTIONS:
            if not section and digit is None:  # 万 of nothing (a lone 万, —万): no amount
                return None
            total += (section + (digit or 0)) * _CAPITAL_SECTIONS[char]
            section, digit = 0, None
        else:
            return None
    cents = sum(_CAPITAL_DIGITS[char] * (10 if unit == "角" else 1)
                for char, unit in zip(rest[::2], rest[1::2], strict=True))  # fmt: skip
    if not (yuan or rest):
        return None
    return Decimal(total + section + (digit or 0)) + Decimal(cents) / 100


def normalize_count(raw: str) -> Result:
    """A count of people: a whole number from 0 to 100 (or written 三, 十二), a trailing 人, 口
    or 个 dropped.

    Parameters
    ----------
    raw : str
        A cell's text.

    Returns
    -------
    Result
        The count as an int (None when blank or unreadable); problem ``count_unparsed``.
    """
    text = _COUNT_UNIT.sub("", unicodedata.normalize("NFKC", raw).strip())
    if not text:
        return _ok(None)
    try:
        count = float(text)
    except ValueError:
        written = _chinese_number(text)  # 三, 十二
        if written is None:
            return _bad("count_unparsed", None)
        count = float(written)
    if not count.is_integer() or not 0 <= count <= 100:
        return _bad("count_unparsed", None)
    return _ok(int(count))


def _unlisted_relation(text: str) -> Result:
    """A relation no spelling lists: a collective hukou's member, no relative, or a relative
    by its word; a number of one or two digits, a national code its column reads
    (``relation_code``: ``read_relation_code``); else ``other``, a finding
    (``relation_unlisted``)."""
    if COLLECTIVE_WORD in text:
        return _ok("collective")
    if NOT_KIN_WORD in text:
        return _ok("not_kin")
    if re.search("亲属|亲戚", text):
        return _ok("relative")
    return _bad("relation_code" if _relation_code(text) else "relation_unlisted", "other")


def _relation_code(raw: str) -> str | None:
    """A cell's text as a family relation code, one or two ASCII digits (０２ is 02), or None
    when it is not one."""
    text = fold(raw, keep_spaces=False)
    return text if re.fullmatch("[0-9]{1,2}", text) else None


def relation_code_table(codes: Iterable[str]) -> dict[str, str]:
    """The table a 与户主关系 column written in the national codes (GB/T 4761—2008) is read
    by, given its codes: the two-digit table (``RELATION_CODES``) when one code has two
    digits, a 1 or a 2 then being 01 本人 or 02 户主 whose 0 a spreadsheet dropped; else the
    one-digit table (``RELATION_DIGITS``) when one code is 0, the head's; else none (1, 2,
    3 … without a 0 may number the members).

    Parameters
    ----------
    codes : Iterable[str]
        The column's cells written as codes (``relation_code``), each once.

    Returns
    -------
    dict[str, str]
        Each code's relation (empty: none is read).

    Examples
    --------
    >>> [relation_code_table(codes).get("2") for codes in (["2", "20"], ["0", "2"], ["1", "2"])]
    ['head', 'child', None]
    """
    folded = {_relation_code(code) for code in codes}
    if any(code and len(code) == 2 for code in folded):
        return RELATION_CODES | {"1": "head", "2": "head"}
    return RELATION_DIGITS if "0" in folded else {}


def read_relation_code(raw: str, table: dict[str, str] | None) -> Result:
    """A 与户主关系 cell written as a code (``relation_code``) read by its column's table
    (``relation_code_table``; None when the column is mostly words: no code is read).

    Parameters
    ----------
    raw : str
        A cell's text.
    table : dict[str, str] | None
        The column's table of codes, or None.

    Returns
    -------
    Result
        The relation; ``other`` with problem ``relation_code_among_words`` (a column mostly
        of words) or ``relation_unlisted`` (a code the table has not) when it is not read.

    Examples
    --------
    >>> read_relation_code("２０", RELATION_CODES), read_relation_code("20", None)
    ((('child',), None), (('other',), 'relation_code_among_words'))
    """
    if table is None:
        return _bad("relation_code_among_words", "other")
    relation = table.get(_relation_code(raw) or "")
    return _ok(relation) if relation else _bad("relation_unlisted", "other")


# The program written with a 低保 class (低保A类, 城市低保一类, A类低保).
_CLASS_PROGRAM = re.compile(r"^(?:城市|农村|城乡)?低保|低保$")


def _normalize_enum(kind: str) -> Callable[[str], Result]:
    vocabulary = VOCABULARIES[kind]
    suffixes = _ENUM_SUFFIXES.get(kind, ())

    def normalize(raw: str) -> Result:
        text = fold(raw, keep_spaces=False).lower()
        if not text:
            return _ok(None)
        if text in vocabulary.values():
            return _ok(text)
        code = vocabulary.get(text)
        if code is None and _BRACKETED_NOTE.search(text):  # 是（户主）
            return normalize(_BRACKETED_NOTE.sub("", text))
        for suffix in suffixes:
            if code is None and text.endswith(suffix):
                text = text.removesuffix(suffix)
                code = vocabulary.get(text)
        bare = _CLASS_PROGRAM.sub("", text) if code is None and kind == "dibao_class" else text
        if bare not in ("", text):  # 低保A类, 城市低保一类, A类低保: the class beside its program
            return normalize(bare)
        if code is None and kind == "program" and not NOT_A_PROGRAM.search(text):
            code = next((c for word, c in _PROGRAM_WORDS if word in text), None)
        if code is None and kind == "relation":
            return _unlisted_relation(text)
        if code is None:
            return _bad(f"{kind}_unknown", None)
        return _ok(code)

    normalize.__doc__ = f"Map a {kind} spelling to its canonical code."
    return normalize


def normalize_township(raw: str) -> Result:
    """A township without its 镇/乡/街道 suffix: 石羊镇 and 石羊 are one township.

    Parameters
    ----------
    raw : str
        A cell's text.

    Returns
    -------
    Result
        The township's stem (None when empty); never a problem.
    """
    text = fold(raw, keep_spaces=False)
    stem = _TOWNSHIP_SUFFIX.sub("", text)
    return _ok((stem or text) or None)


def normalize_village(raw: str) -> Result:
    """A village with 村委会 written as 村 and its group number in Arabic digits (三组 → 3组),
    and its key: the village's own name and group (巴彦嘎查 and 巴彦村 are one village), the
    group a number or the name of a hamlet after the village (东怀村那怀屯: 屯, 寨, 自然村).

    Parameters
    ----------
    raw : str
        A cell's text.

    Returns
    -------
    Result
        The village and its key (both None when empty); never a problem.

    Examples
    --------
    >>> normalize_village("巴彦嘎查三组")[0], normalize_village("巴彦村委会")[0]
    (('巴彦嘎查3组', '巴彦|3'), ('巴彦村', '巴彦'))
    >>> normalize_village("东怀村那怀屯")[0][1], normalize_village("李家屯村")[0][1]
    ('东怀|那怀', '李家屯')
    >>> [normalize_village(text)[0][1] for text in ("新华社区居委会", "新华社区", "大坡村村委会",
    ...                                          "大坡村", "巴彦嘎查嘎查委员会")]
    ['新华', '新华', '大坡', '大坡', '巴彦']
    >>> [normalize_village(text)[0][1] for text in ("大坝村委会小村村民小组", "大坝村新街组",
    ...                                          "大坝村委会", "新村村民小组")]
    ['大坝|小村', '大坝|新街', '大坝', '新村村民小组']
    """
    text = fold(raw, keep_spaces=False)
    for long_form, short_form in _VILLAGE_COMMITTEE:
        text = text.replace(long_form, short_form)
    bracketed = _BRACKETED_GROUP.search(text)
    if bracketed and _VILLAGE_GROUP.fullmatch(bracketed.group(1)):
        text = text[: bracketed.start()] + bracketed.group(1)
    group = _VILLAGE_GROUP.search(text)
    number = _chinese_number(group.group(1)) if group else None
    hamlet = (_VILLAGE_HAMLET.match(text) or _named_group(text)) if number is None else None
    if number is not None:
        text = f"{text[: group.start()]}{number}组"
    village = text[: group.start()] if number is not None else text
    village = hamlet.group(1) if hamlet else village
    stem = village_stem(village)
    group_key = number if number is not None else hamlet and hamlet.group(2)
    key = f"{stem}|{group_key}" if group_key is not None else stem
    return _ok(text or None, key or None)


def _named_group(text: str) -> re.Match[str] | None:
    """The village and the group's name of a village group written by its name
    (``_NAMED_GROUP``), as a match of two groups; None for any other text. Until 2026-12-08
    such a village was one village of its whole text: a blind tester's 公安 notice naming
    大坝村委会 found no one of 大坝村委会新街村民小组, its only namesake in the village."""
    word = _GROUP_WORD.search(text)
    return _NAMED_GROUP.match(text[: word.start()]) if word else None


# An address as its parts: the administrative levels above the township (省, 自治区, 州, 盟,
# 市, 县, 旗, 区), often written and often not, then the township, the village, the village
# group (a number, or a hamlet named after the village word: 东怀村那怀屯 is group 那怀), the
# name of a hamlet or courtyard (张家坝, 老屋基: not compared) and the house number (the 号
# often left out). The group and house end the address
# and are split off by Arrow's regular expressions over a whole column (RE2, no Python per
# value); what comes before them repeats from house to house of a village and is parsed
# once per distinct text (``_address_head``). It is matched once per shape of address, its
# ASCII digits all 0 (``_address_tails``), and the groups cut back out of the address by
# position (``_digit_group_spans``): so it must treat every ASCII digit alike (``0-9``,
# never ``\d`` or one digit apart), the head must begin the address, and only an optional 第
# may come before the group and an optional 号 after the house.
_ADDRESS_TAIL = (
    r"^(?P<head>.*?)(?:第?(?P<group>[〇零一二三四五六七八九十两0-9]{1,3})(?:村民小组|小组|组|社|队)"
    r"[^0-9组社队号村]{0,6}?"
    rf"|(?P<village_word>{_VILLAGE_WORDS})(?P<hamlet>{_HAMLET_NAME})"
    # after 寨 a courtyard never begins with 屯: the hamlet of 新塘村上寨屯 is 上寨, as the
    # village column reads it, not 上 (寨) with a courtyard 屯; after 屯 it may (那坡屯屯尾)
    r"(?:(?:屯|自然村)[^0-9组社队号村]{0,6}?|寨(?:[^0-9组社队号村屯][^0-9组社队号村]{0,5}?)?))?"
    r"(?P<house>[0-9]{1,5}(?:[-之][0-9]{1,4})?)?号?$"
)
_ADDRESS_HEAD = re.compile(
    r"^(?:[^镇乡村组社号]{1,12}?(?:省|自治区))?"
    r"(?:[^镇乡村组社号]{1,12}?(?:自治州|地区|盟|市))?"
    r"(?:[^镇乡村组社号]{1,12}?(?:自治县|县|自治旗|旗|区))?"
    r"(?P<town>[^组社号]{1,12}?(?:镇|乡|苏木|街道))?"
    rf"(?:(?P<village>(?:[^组社号\d]{{1,12}}?|第?[0-9]{{1,3}})(?:{_VILLAGE_WORDS}))"
    rf"(?:{_HAMLET_NAME}(?:{_HAMLET_WORD}))?)?$"  # a hamlet before a numbered group
)


def normalize_address(raw: str) -> Result:
    """An address as written (folded), and its parts for comparison: the township and the
    village without their suffixes, the group number and the house number (None where
    absent). Whether the province, prefecture and county are written, 三组 or 3社, 号 or
    not, one house gives one set of parts.

    Parameters
    ----------
    raw : str
        A cell's text.

    Returns
    -------
    Result
        The folded address, its township, village, group and house; never a problem.

    Examples
    --------
    >>> normalize_address("云南省楚雄彝族自治州大姚县金碧镇大坪村委会三社25号")[0][1:]
    ('金碧', '大坪', '3', '25')
    >>> normalize_address("金碧镇大坪村3组25")[0][1:], normalize_address("某村八组")[0][1:]
    (('金碧', '大坪', '3', '25'), (None, '某', '8', None))
    >>> normalize_address("石羊镇新村坝村12号")[0][1:], normalize_address("巴彦嘎查十二组")[0][1:]
    (('石羊', '新村坝', None, '12'), (None, '巴彦', '12', None))
    >>> normalize_address("红狮镇马鞍村2组黄泥塝79号")[0][1:]
    ('红狮', '马鞍', '2', '79')
    >>> normalize_address("红水县城关镇东怀村那怀屯12号")[0][1:]
    ('城关', '东怀', '那怀', '12')
    >>> normalize_address("屯堡镇李家屯村5组12号")[0][1:], normalize_address("王寨村8号")[0][1:]
    (('屯堡', '李家屯', '5', '12'), (None, '王寨', None, '8'))
    >>> normalize_address("大安镇新塘村上寨屯112号")[0][1:], normalize_village("新塘村上寨屯")[0][1]
    (('大安', '新塘', '上寨', '112'), '新塘|上寨')
    >>> normalize_address("新塘村那坡屯屯尾12号")[0][1:], normalize_address("新塘村上寨屯寨脚3号")[0][1:]
    ((None, '新塘', '那坡', '12'), (None, '新塘', '上寨', '3'))
    """
    parts = address_parts(pa.array([fold(raw) or None], pa.string()))
    return _ok(*(part[0].as_py() for part in parts))


def address_parts(folded: pa.Array) -> list[pa.Array]:
    """The outputs of the address kind for folded addresses: the text, and its township,
    village, group and house (null where absent, and all four null for an address that
    does not read as levels of places: it is compared as text only).

    Parameters
    ----------
    folded : pa.Array
        Folded addresses (``fold``), null where blank.

    Returns
    -------
    list[pa.Array]
        Five string arrays: ``folded`` itself, then township, village, group and house.
    """
    tail = _address_tails(pc.replace_substring(folded, " ", ""))
    heads = pc.dictionary_encode(
        pc.binary_join_element_wise(tail["head"], tail["village_word"], "")
    )
    parsed = [_address_head(head) for head in heads.dictionary.to_pylist()]
    readable = pc.fill_null(pa.array([item is not None for item in parsed], pa.bool_())
                            .take(heads.indices),
                            False)  # fmt: skip
    town, village = (
        pa.array([item and item[index] for item in parsed], pa.string()).take(heads.indices)
        for index in (0, 1)
    )
    groups = pc.dictionary_encode(tail["group"])
    numbers = [_chinese_number(text) if text else None for text in groups.dictionary.to_pylist()]
    number = pa.array([None if n is None else str(n) for n in numbers], pa.string())
    hamlet = pc.if_else(pc.equal(tail["hamlet"], ""), None, tail["hamlet"])
    group = pc.coalesce(number.take(groups.indices), hamlet)
    house = pc.if_else(pc.equal(tail["house"], ""), None, tail["house"])
    parts = [town, village, group, house]
    return [folded, *(pc.if_else(readable, part, None) for part in parts)]


def _address_tails(addresses: pa.Array) -> dict[str, pa.Array]:
    """The groups of ``_ADDRESS_TAIL`` in each address (empty where a group, or the whole
    pattern, does not match, and for a null address), matched once per shape of address:
    the address with each digit written 0, as the pattern tells no digit from another
    (三台乡白田村1组1号 and 三台乡白田村2组17号 are one shape). The groups that may hold digits
    (the head, the group, the house) are then cut from the address itself, where its shape
    has them; the others hold none."""
    shapes = pc.dictionary_encode(_digits_as_zero(addresses))
    matched = pc.extract_regex(shapes.dictionary, _ADDRESS_TAIL)
    texts = {name: matched.field(name).to_pylist() for name in ("head", "group", "house")}
    spans = [_digit_group_spans(*shape) for shape in zip(shapes.dictionary.to_pylist(),
                                                          *texts.values(), strict=True)]  # fmt: skip
    of_row = pc.fill_null(shapes.indices, len(spans))  # a null address: empty groups
    spans_of_rows = np.array([*spans, [0] * 6], np.int64)[of_row.to_numpy()]
    cut = {name: _byte_slices(addresses, spans_of_rows[:, 2 * at], spans_of_rows[:, 2 * at + 1])
           for at, name in enumerate(texts)}  # fmt: skip
    empty = pa.array([""], pa.string())
    kept = {name: pa.concat_arrays([matched.field(name), empty]).take(of_row)
            for name in ("village_word", "hamlet")}  # fmt: skip
    return cut | kept


def _digits_as_zero(texts: pa.Array) -> pa.Array:
    """``texts`` with each digit 0 to 9 written 0 (a UTF-8 byte of a digit is never part of
    another character)."""
    validity, offsets, data = texts.buffers()
    if data is None:
        return texts
    digits = np.frombuffer(data, np.uint8).copy()
    digits[(digits >= ord("0")) & (digits <= ord("9"))] = ord("0")
    return pa.StringArray.from_buffers(len(texts), offsets, pa.py_buffer(digits), validity,
                                       texts.null_count, texts.offset)  # fmt: skip


def _digit_group_spans(shape: str, head: str, group: str, house: str) -> list[int]:
    """Where (start and end in UTF-8 bytes) an address of ``shape`` has its head, group and
    house, as ``_ADDRESS_TAIL`` matched them in the shape: the head begins the address, the
    group follows it (after a 第 that opens it), the house ends it (before a 号 that closes it)."""
    head_end = len(head.encode())
    group_start = head_end + (len("第".encode()) if shape[len(head) : len(head) + 1] == "第" else 0)
    house_end = len(shape.encode()) - (len("号".encode()) if shape.endswith("号") else 0)
    return [0, head_end, group_start, group_start + len(group.encode()),
            house_end - len(house.encode()), house_end]  # fmt: skip


def _byte_slices(texts: pa.Array, starts: np.ndarray, ends: np.ndarray) -> pa.Array:
    """The bytes from ``starts`` to ``ends`` of each of ``texts`` (a null text: empty). Byte
    positions are 32-bit, as a string array's offsets are: half the memory to go through."""
    offsets = np.frombuffer(texts.buffers()[1], np.int32)[texts.offset :][: len(texts) + 1]
    data = texts.buffers()[2]
    lengths = (ends - starts).astype(np.int32)
    sliced_offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
    firsts = (offsets[:-1] + starts - sliced_offsets[:-1]).astype(np.int32)
    positions = np.repeat(firsts, lengths)
    positions += np.arange(sliced_offsets[-1], dtype=np.int32)
    sliced = np.frombuffer(data, np.uint8)[positions] if data is not None else np.empty(0, np.uint8)
    return pa.StringArray.from_buffers(len(texts), pa.py_buffer(sliced_offsets),
                                       pa.py_buffer(sliced))  # fmt: skip


@lru_cache(maxsize=100_000)
def _address_head(head: str) -> tuple[str | None, str | None] | None:
    """The township and village stems of what an address says before its group and house;
    None when it does not read as levels of places."""
    parts = _ADDRESS_HEAD.match(head)
    if parts is None:
        return None
    town, village = parts.group("town"), parts.group("village")
    if town:
        town = _TOWNSHIP_SUFFIX.sub("", town) or town
    if village:
        village = village_stem(village)
    return town, village


def village_stem(village: str) -> str:
    """A village's own name, without the word for a village (村, 嘎查, 社区, 村委会), a
    numbered village's number in Arabic digits (二村, 第二村 and 2村 are one village).

    Parameters
    ----------
    village : str
        A village as written, folded, without its group.

    Returns
    -------
    str
        The village's own name; the text itself when it is only the word for a village.

    Examples
    --------
    >>> village_stem("巴彦嘎查"), village_stem("十一村"), village_stem("第2村"), village_stem("八一村")
    ('巴彦', '11', '2', '81')
    """
    stem = _VILLAGE_WORD.sub("", village) or village
    numbered = _NUMBERED_VILLAGE.match(stem)
    number = _chinese_number(numbered.group(1)) if numbered else None
    return stem if number is None else str(number)


def _chinese_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if "十" not in text:
        digits = [CHINESE_DIGITS.get(char) for char in text]
        return None if None in digits else int("".join(str(digit) for digit in digits))
    tens, _, units = text.partition("十")
    tens_value = CHINESE_DIGITS.get(tens) if tens else 1
    units_value = CHINESE_DIGITS.get(units) if units else 0
    if tens_value is None or units_value is None:
        return None
    return tens_value * 10 + units_value


def normalize_phone(raw: str) -> Result:
    """Digits only, without a +86 prefix; a mobile (11 digits) or a landline.

    Parameters
    ----------
    raw : str
        A cell's text.

    Returns
    -------
    Result
        The digits (None when there are none); problem ``phone_malformed`` for digits that
        are neither a mobile nor a landline number.
    """
    if raw.isascii() and _MOBILE.match(raw):  # most values: a clean mobile number
        return _ok(raw)
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", raw))
    if not digits:
        return _ok(None)
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and _MOBILE.match(digits[len(prefix) :]):
            digits = digits[len(prefix) :]
    valid = _MOBILE.match(digits) or _LANDLINE.match(digits)
    return _ok(digits) if valid else _bad("phone_malformed", digits)


def normalize_account(raw: str) -> Result:
    """A bank account as digits; spreadsheet damage (``6.2E+18``) makes it unusable.

    Parameters
    ----------
    raw : str
        A cell's text.

    Returns
    -------
    Result
        The digits (None when blank or damaged); problem ``account_damaged``, or
        ``account_malformed`` for fewer than 10 or more than 25 digits (kept), or for
        letters or a mask (``*``) among them: then no account, so that it ties no case to another
        (``6217AAAA`` and ``6217BBBB`` are not one account ``6217``).

    Examples
    --------
    >>> normalize_account("6217 0000 1111 2222 333"), normalize_account("6217AAAA")
    ((('6217000011112222333',), None), ((None,), 'account_malformed'))
    >>> normalize_account("622123456")
    (('622123456',), 'account_malformed')
    """
    text = clean_text(raw)
    if not text:
        return _ok(None)
    if re.search(r"E\+?\d+$|\.\d+$", text):
        return _bad("account_damaged", None)
    if re.search(
        r"[A-Za-z*]", unicodedata.normalize("NFKC", text)
    ):  # letters, a mask: no digits to trust
        return _bad("account_malformed", None)
    digits = re.sub(r"\D", "", text)
    return _ok(digits) if 10 <= len(digits) <= 25 else _bad("account_malformed", digits or None)


def normalize_cert(raw: str) -> Result:
    """A disability certificate number: the holder's ID, a type digit and a level digit, and
    on a reissued certificate a suffix (``_CERT``: until 2026-12-07 a 22-character 换证 number
    or one on a 15-digit ID was ``cert_malformed``, its level and ID unread).

    Parameters
    ----------
    raw : str
        A cell's text.

    Returns
    -------
    Result
        The number, the holder's usable ID, the disability type and level (all None when
        blank); problem ``cert_malformed``, or ``cert_bad_id`` when the ID is not usable.

    Examples
    --------
    >>> normalize_cert("53232619850802158554B1")[0][1:]
    ('532326198508021585', 'intellectual', 4)
    >>> normalize_cert("53232685080215862")[0][1:]
    ('532326198508021585', 'mental', 2)
    """
    text = clean_text(raw).upper()
    if not text:
        return _ok(None, None, None, None)
    match = _CERT.match(text)
    if not match:
        return _bad("cert_malformed", text, None, None, None)
    holder = parse_id(match.group(1))
    holder_id = holder.value if holder.status in USABLE else None
    type_code = VOCABULARIES["disability_type"][match.group(2)]
    outputs = (text, holder_id, type_code, int(match.group(3)))
    return outputs, (None if holder_id else "cert_bad_id")


def _error_problem(text: str) -> str:
    return "formula_no_value" if text == FORMULA_WITHOUT_VALUE else "excel_error"


def _excel_errors_apart(kind: str, normalize: Callable[[str], Result]) -> Callable[[str], Result]:
    """``normalize`` for which an Excel error (``#N/A``) is no value and a finding of its own."""

    def normalized(raw: str) -> Result:
        if raw.strip() in EXCEL_ERRORS:
            return (None,) * len(outputs_of(kind)), _error_problem(raw.strip())
        return normalize(raw)

    normalized.__doc__ = normalize.__doc__
    return normalized


def _amount_under_wan_header(raw: str) -> Result:
    """``normalize_amount`` of a cell in a column whose header gives 万元 (``resolver.tables``
    reads such a column as the kind ``amount_in_wan``)."""
    return normalize_amount(raw, WAN)


_NORMALIZERS: dict[str, Callable[[str], Result]] = {
    "code": normalize_code,
    "text": normalize_text,
    "name": normalize_name,
    "former_name": normalize_former_name,
    "id": normalize_id,
    "date": normalize_date,
    "month": normalize_months,
    "amount": normalize_amount,
    "amount_in_wan": _amount_under_wan_header,
    "count": normalize_count,
    "township": normalize_township,
    "village": normalize_village,
    "address": normalize_address,
    "phone": normalize_phone,
    "account": normalize_account,
    "cert": normalize_cert,
    **{kind: _normalize_enum(kind) for kind in VOCABULARIES},
}
NORMALIZERS = {kind: _excel_errors_apart(kind, fn) for kind, fn in _NORMALIZERS.items()}


def normalize_distinct(kind: str, values: pa.Array) -> tuple[list[pa.Array], pa.Array]:
    """``NORMALIZERS[kind]`` over distinct text ``values``, as arrays: one per output column
    of the kind (``outputs_of``), and the problem of each value (null when none). Values
    written plainly (most of a column: clean valid IDs, plain codes, mobile numbers, accounts
    in digits, certificate numbers, dates written year first in ASCII digits) are recognised
    as arrays and skip the per-value Python. An Excel error (``#N/A``, ``#REF!``) is no
    value, and a finding of its own.

    Parameters
    ----------
    kind : str
        A column kind (a key of ``NORMALIZERS``).
    values : pa.Array
        Distinct text values of a column (``pa.string()``, as a column's dictionary).

    Returns
    -------
    tuple[list[pa.Array], pa.Array]
        One array per output column of the kind, and the problem codes, each aligned with
        ``values``.
    """
    errors = pc.is_in(pc.utf8_trim_whitespace(values), pa.array(sorted(EXCEL_ERRORS)))
    if pc.any(errors).as_py():
        kept = pc.if_else(errors, pa.scalar("", pa.string()), values)
        outputs, problems = normalize_distinct(kind, kept)
        formulas = pc.equal(pc.utf8_trim_whitespace(values), FORMULA_WITHOUT_VALUE)
        found = pc.if_else(formulas, "formula_no_value", "excel_error")
        return ([pc.if_else(errors, pa.scalar(None, output.type), output) for output in outputs],
                pc.if_else(errors, found, problems))  # fmt: skip
    if kind == "address":  # parsed as a column: see address_parts
        folded = pa.array([text or None for text in fold_all(values.to_pylist())], pa.string())
        return address_parts(folded), pa.nulls(len(values), pa.string())
    handled, quick = _quick(kind, values)
    slow_positions = pc.indices_nonzero(pc.invert(handled))
    slow_values = values.take(slow_positions).to_pylist()
    if kind in _FOLDED:
        keep_spaces, finish = _FOLDED[kind]
        results = [finish(text) for text in fold_all(slow_values, keep_spaces=keep_spaces)]
    else:
        results = [_NORMALIZERS[kind](value) for value in slow_values]  # Excel errors are apart
    slow = [pa.array([result[0][index] for result in results], ARROW_TYPES[sql_type])
            for index, (_, sql_type) in enumerate(outputs_of(kind))]  # fmt: skip
    problems = pa.array([result[1] for result in results], pa.string())
    quick_positions = pc.indices_nonzero(handled)
    # where each value's results are in the quick-then-slow concatenation
    order = np.argsort(np.concatenate([quick_positions.to_numpy(), slow_positions.to_numpy()]))
    placed = pa.array(order)
    outputs = [pa.concat_arrays([first.cast(second.type), second]).take(placed)
               for first, second in zip(quick, slow, strict=True)]  # fmt: skip
    unproblematic = pa.nulls(len(quick_positions), pa.string())
    return outputs, pa.concat_arrays([unproblematic, problems]).take(placed)


# Kinds whose normaliser folds the whole value first: their values are folded all at once
# (``fold_all``), then finished one by one. (keep_spaces, finish)
_FOLDED = {"text": (True, _text_of), "name": (False, _name_of)}

ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "DATE": pa.date32(),
    "DECIMAL(14,2)": pa.decimal128(14, 2),
    "INTEGER": pa.int64(),
}


def _quick(kind: str, values: pa.Array) -> tuple[pa.Array, list[pa.Array]]:
    """Which values are read as whole columns (clean valid IDs, a lower-case x included;
    codes; mobile numbers; accounts in digits; disability certificate numbers; dates written
    year first in ASCII digits: ISO, ``2024/6/1``, ``2024年6月1日``, ``20240601``), and the
    outputs of those values."""
    if kind == "id":
        upper = pc.ascii_upper(values)  # 53232619990519306x: parse_id upper-cases an ASCII ID
        handled = pa.array(clean_valid_ids(upper), pa.bool_())
        ids = upper.filter(handled)
        born = pc.strptime(pc.utf8_slice_codeunits(ids, 6, 14), format="%Y%m%d", unit="s")
        digit = pc.cast(pc.utf8_slice_codeunits(ids, 16, 17), pa.int64())
        male = pc.equal(pc.bit_wise_and(digit, 1), 1)
        count = len(ids)
        return handled, [ids, pa.array(["valid"] * count), pa.nulls(count, pa.string()),
                         born.cast(pa.date32()), pc.if_else(male, "M", "F")]  # fmt: skip
    if kind == "cert":
        return _quick_certs(values)
    if kind == "date":
        iso = pc.coalesce(*(_iso_date(values, pattern) for pattern in _DATE_DIGITS))
        parsed = pc.strptime(iso, format="%Y-%m-%d", unit="s", error_is_null=True)
        parsed = parsed.cast(pa.date32())
        in_range = pc.and_(pc.greater_equal(parsed, pa.scalar(EARLIEST)),
                           pc.less_equal(parsed, pa.scalar(LATEST)))  # fmt: skip
        # strptime rolls 02-30 over into March: a real date prints back as it was written
        real = pc.equal(pc.strftime(parsed, format="%Y-%m-%d"), iso)
        handled = pc.fill_null(pc.and_(in_range, real), False)
        return handled, [parsed.filter(handled)]
    pattern = _QUICK_PATTERNS.get(kind)
    if pattern is None:
        handled = pa.array([False] * len(values), pa.bool_())
        return handled, [pa.nulls(0, ARROW_TYPES[t]) for _, t in outputs_of(kind)]
    handled = pc.fill_null(pc.match_substring_regex(values, pattern), False)
    chosen = values.filter(handled)
    return handled, [pc.utf8_upper(chosen) if kind == "code" else chosen]


# A disability certificate number as most are written: an ID in ASCII digits, a type digit
# and a level digit (what ``normalize_cert`` reads unchanged, when the ID is valid).
_PLAIN_CERT = r"^[0-9]{17}[0-9X][1-7][1-4]$"
# Each type digit's code, from 1.
_CERT_TYPES = pa.array([VOCABULARIES["disability_type"][str(digit)] for digit in range(1, 8)])


def _quick_certs(values: pa.Array) -> tuple[pa.Array, list[pa.Array]]:
    """Which certificate numbers are written plainly (``_PLAIN_CERT``) with a clean, valid
    ID, and their outputs: the number, the ID, the type and the level."""
    plain = pc.fill_null(pc.match_substring_regex(values, _PLAIN_CERT), False)
    ids = pc.utf8_slice_codeunits(values.filter(plain), 0, 18)
    valid = clean_valid_ids(ids)
    handled = plain.to_numpy(zero_copy_only=False).copy()
    handled[np.flatnonzero(handled)] = valid
    certs = values.filter(handled)
    type_index = pc.subtract(pc.cast(pc.utf8_slice_codeunits(certs, 18, 19), pa.int64()), 1)
    level = pc.cast(pc.utf8_slice_codeunits(certs, 19, 20), pa.int64())
    return pa.array(handled), [certs, ids.filter(valid), _CERT_TYPES.take(type_index), level]


# Dates in ASCII digits, year first (2024-06-01, 2024/6/1, 2024年6月1日, 20240601): what
# ``normalize_date`` reads as the date they write, without a problem, when it is a real date
# between EARLIEST and LATEST.
_DATE_DIGITS = (
    r"^(?P<year>[0-9]{4})[-/.年](?P<month>[0-9]{1,2})[-/.月](?P<day>[0-9]{1,2})[日号]?$",
    r"^(?P<year>[0-9]{4})(?P<month>[0-9]{2})(?P<day>[0-9]{2})$",
)


def _iso_date(values: pa.Array, pattern: str) -> pa.Array:
    """The values ``pattern`` (one of ``_DATE_DIGITS``) matches written as ISO dates (month
    and day in two digits, not checked), null for the others."""
    parts = pc.extract_regex(values, pattern)
    year, month, day = (pc.struct_field(parts, name) for name in ("year", "month", "day"))
    return pc.binary_join_element_wise(year, pc.utf8_lpad(month, 2, "0"),
                                       pc.utf8_lpad(day, 2, "0"), "-")  # fmt: skip


# Values that are their own normal form (codes are upper-cased): plain codes, mobile numbers,
# accounts of 10 to 25 ASCII digits.
_QUICK_PATTERNS = {"code": r"^[0-9A-Za-z]+$", "phone": r"^1[3-9][0-9]{9}$",
                   "account": r"^[0-9]{10,25}$"}  # fmt: skip


# The output columns of each kind: (suffix appended to the column name, DuckDB type).
OUTPUTS: dict[str, tuple[tuple[str, str], ...]] = {
    "name": (("", "VARCHAR"), ("_pinyin", "VARCHAR"), ("_fuzzy", "VARCHAR")),
    "id": (
        ("", "VARCHAR"),
        ("_status", "VARCHAR"),
        ("_prefix", "VARCHAR"),
        ("_birth_date", "DATE"),
        ("_gender", "VARCHAR"),
    ),
    "cert": (
        ("", "VARCHAR"),
        ("_id_number", "VARCHAR"),
        ("_type", "VARCHAR"),
        ("_level", "INTEGER"),
    ),
    "date": (("", "DATE"),),
    # a payment line's first month and its last (a range: ``normalize_months``)
    "month": (("", "VARCHAR"), ("_last", "VARCHAR")),
    "village": (("", "VARCHAR"), ("_key", "VARCHAR")),
    "address": (
        ("", "VARCHAR"),
        ("_town", "VARCHAR"),
        ("_village", "VARCHAR"),
        ("_group", "VARCHAR"),
        ("_house", "VARCHAR"),
    ),
    "amount": (("", "DECIMAL(14,2)"),),
    "amount_in_wan": (("", "DECIMAL(14,2)"),),
    "count": (("", "INTEGER"),),
    "disability_level": (("", "INTEGER"),),
}


def outputs_of(kind: str) -> tuple[tuple[str, str], ...]:
    """The output columns of a kind.

    Parameters
    ----------
    kind : str
        A column kind (a key of ``NORMALIZERS``).

    Returns
    -------
    tuple[tuple[str, str], ...]
        (suffix appended to the column name, DuckDB type) per output; one VARCHAR column
        for a kind not in ``OUTPUTS``.
    """
    return OUTPUTS.get(kind, (("", "VARCHAR"),))
