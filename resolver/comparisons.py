"""Doudi's comparison library: one function per field of ``persons``, each a Splink
comparison as plain data (a dict), built from null / exact / fuzzy / else levels.

Chinese records need their own comparisons:

- two different *valid* IDs are strong evidence of two people, while an invalid ID one
  substitution or one adjacent transposition away from another is evidence of a typo;
- the birth date and gender are inside a usable ID, so when both rows have one the date and
  gender comparisons abstain instead of counting the same fact twice;
- names are compared by character and by pinyin (DuckDB's string distances work on UTF-8
  bytes, which makes 王丽/王莉 look unrelated), and a name may be written with or without
  the surname or clan name before it (a Mongolian name: 包巴特尔 and 巴特尔), and with or
  without the dot between a given name and a father's or clan name (吐尔洪·买买提 and
  吐尔洪买买提: ``persons.name`` leaves it out);
- the place compares the house an address names before the village and township, however
  the address was written; and two roster rows in different places are what a duplicate
  enrollment looks like, so for them a different place or phone is no evidence of two
  people;
- a disagreement that a clerk's slip explains (gender, birth date) has a floor on its m
  probability, so a single typo cannot veto a match the rest of the record supports;
- a roster row that ended in the month of a death is the office's own record of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Level = dict[str, Any]
Comparison = dict[str, Any]


@dataclass(frozen=True)
class BirthDates:
    """How often two different people of a county share a birth date, counted from its rows
    (``resolver.link.birth_dates``): on a day many are registered as born on when no one knew
    the birthday (1 January, 1 July: ``common_days``, as month * 100 + day), and on any other
    day; each None when too few pairs share one to count it (Splink samples it then)."""

    common_days: tuple[int, ...] = ()
    on_common_day: float | None = None
    on_other_day: float | None = None


BOTH_IDS_USABLE = "(id18_l IS NOT NULL AND id18_r IS NOT NULL)"
# A damaged ID's reliable digits (14 or more: the region and the birth date) against the
# other row's valid number or reliable digits: the ID's levels weigh the birth date then.
PREFIX_COMPARED = (
    "((id_prefix_l IS NOT NULL AND coalesce(id18_r, id_prefix_r) IS NOT NULL) "
    "OR (id_prefix_r IS NOT NULL AND coalesce(id18_l, id_prefix_l) IS NOT NULL))"
)
# A damaged ID's reliable digits (14 or more: the region and the birth date) begin the other
# row's number, or its reliable digits (two rows of one number a spreadsheet zeroed alike).
PREFIX_AGREES = (
    "((id_prefix_l IS NOT NULL AND starts_with(coalesce(id18_r, id_text_r, id_prefix_r), "
    "id_prefix_l)) OR (id_prefix_r IS NOT NULL AND starts_with(coalesce(id18_l, id_text_l, "
    "id_prefix_l), id_prefix_r)))"
)
BOTH_ON_ROSTERS = "(registry_l = 'assistance' AND registry_r = 'assistance')"
# One person's rows at two houses of a village (a hukou address, the place a person lives):
# less likely than at one, never impossible.
OTHER_HOUSE = {"m_probability": 0.02, "fix_m_probability": True}


def _groups_alike(column: str) -> str:
    """Both groups of an address key (``address_area``, ``address_house``: township, village,
    group[, house]) are numbered, or both are named hamlets (东怀村那怀屯: group 那怀).
    Offices write one place either way (东怀村3组), and which number a hamlet has is not
    known: a named group and a numbered one are not two groups."""
    named = "translate(split_part({}, '|', 3), '0123456789', '') <> ''"
    return f"(({named.format(column + '_l')}) = ({named.format(column + '_r')}))"


# Two houses: their groups are alike and the keys differ, or the house numbers differ (in
# whichever groups: 3组24号 and 那怀屯70号 are two houses, 3组24号 and 那怀屯24号 may be one).
OTHER_HOUSE_NUMBER = (
    f"({_groups_alike('address_house')} "
    "OR split_part(address_house_l, '|', 4) <> split_part(address_house_r, '|', 4))"
)


# Neither for nor against: m = u.
NEUTRAL = {"m_probability": 0.5, "fix_m_probability": True, "u_probability": 0.5,
           "fix_u_probability": True}  # fmt: skip
# Characters at the same position that differ, for names of one length of at most
# NAME_POSITIONS characters, written out position by position: plain SQL that DuckDB and
# Spark both run (no list lambdas, no UDF).
NAME_POSITIONS = 10
CHARS_DIFFERING = " + ".join(
    f"CASE WHEN substr(name_l, {i}, 1) <> substr(name_r, {i}, 1) THEN 1 ELSE 0 END"
    for i in range(1, NAME_POSITIONS + 1)
)


# An ID number belongs to one person: random sampling cannot see how rarely two different
# people share one (its sample holds true matches too), so the u of agreeing IDs is set:
# one in 10^10 pairs for a clerk's misuse of another's ID; one edit apart needs the same
# region, birth date and all but one digit; 15 leading digits alike happen to neighbours
# born on one day (about 3 in 10^6 pairs of a county).
UNIQUE_KEY = {"u_probability": 1e-10, "fix_u_probability": True}
ONE_EDIT = {"u_probability": 1e-7, "fix_u_probability": True}
SAME_PREFIX = {"u_probability": 3e-6, "fix_u_probability": True}
# Two birth dates, one the other with day and month swapped, by chance: about a third as
# often as one same date (the day must be 12 or less, and not the month). The sample that
# estimates u almost never holds such a pair; a level it never saw would be weighed by
# Splink's placeholder for its position, 0.7 bits, not by what the swap says.
SWAPPED_BY_CHANCE = {"u_probability": 3e-6, "fix_u_probability": True}
# One number on two rows when one of them does not trust it (it failed its check, or it
# contradicts the row's own birth date, as a relative's ID copied into the row does): some
# evidence, never enough to outweigh a different name and birth date.
SAME_UNTRUSTED = {"m_probability": 0.005, "fix_m_probability": True, "u_probability": 1e-6,
                  "fix_u_probability": True}  # fmt: skip


# Levels rarely seen in training start from (and, if EM never sees them, keep) a stated m.


def _null_level(condition: str) -> Level:
    return {"sql_condition": condition, "label_for_charts": "空值", "is_null_level": True}


def _slip(m_probability: float) -> dict[str, Any]:
    """A level of a clerk's slip (a birth date one digit off, a row filed in another village):
    its m is set, not trained. Few true pairs fall in it, and EM, left to itself, drove such
    an m to 1e-10 on one county and 1e-24 on another, a veto of 22 and 67 bits no slip
    deserves (the typical trained value is taken instead).

    >>> _slip(0.005)
    {'m_probability': 0.005, 'fix_m_probability': True}
    """
    return {"m_probability": m_probability, "fix_m_probability": True}


def _counted_u(u_probability: float | None) -> dict[str, Any]:
    """A level's u counted from the data (fixed: sampling does not replace it), or nothing.

    >>> _counted_u(None), _counted_u(3e-05)
    ({}, {'u_probability': 3e-05, 'fix_u_probability': True})
    """
    if u_probability is None:
        return {}
    return {"u_probability": u_probability, "fix_u_probability": True}


def _level(condition: str, label: str, **options: Any) -> Level:
    return {"sql_condition": condition, "label_for_charts": label, **options}


def _else_level(**options: Any) -> Level:
    return {"sql_condition": "ELSE", "label_for_charts": "其他", **options}


def _comparison(output_column: str, description: str, levels: list[Level]) -> Comparison:
    return {
        "output_column_name": output_column,
        "comparison_description": description,
        "comparison_levels": levels,
    }


def id_comparison() -> Comparison:
    """ID number: the same number on rows of two entirely different names (the informant's or
    another's ID typed into a death notice: some evidence, never enough alone); exact; equal
    after 15→18; a damaged ID whose reliable digits agree; the same number that one row does
    not trust; one substitution or adjacent transposition; a damaged ID whose reliable digits
    (region and birth date) differ from the other number's; two different valid IDs; else.

    Returns
    -------
    Comparison
        The Splink comparison of output column ``id``.
    """
    zeroed_but_valid = (
        f"{BOTH_IDS_USABLE} AND left(id18_l, 15) = left(id18_r, 15) "
        "AND (right(id18_l, 3) = '000' OR right(id18_r, 3) = '000')"
    )
    one_edit = (
        "length(coalesce(id18_l, id_text_l)) = 18 AND length(coalesce(id18_r, id_text_r)) = 18 "
        "AND NOT " + BOTH_IDS_USABLE + " AND "
        "damerau_levenshtein(coalesce(id18_l, id_text_l), coalesce(id18_r, id_text_r)) = 1"
    )
    return _comparison(
        "id",
        "身份证号码",
        [
            _null_level(
                "coalesce(id18_l, id_text_l, id_prefix_l) IS NULL "
                "OR coalesce(id18_r, id_text_r, id_prefix_r) IS NULL"
            ),
            _level(
                f"id18_l = id18_r AND {OTHER_NAMES}", "号码相同但姓名完全不同", **SAME_UNTRUSTED
            ),
            _level(
                "id18_l = id18_r AND id_status_l <> 'upgraded' AND id_status_r <> 'upgraded'",
                "身份证号相同",
                **UNIQUE_KEY,
            ),
            _level("id18_l = id18_r", "15位升级后相同", **UNIQUE_KEY),
            _level(
                f"{PREFIX_AGREES} OR ({zeroed_but_valid})",
                "表格损坏的号码前段相同",
                **SAME_PREFIX,
            ),
            _level(
                "coalesce(id18_l, id_text_l) = coalesce(id18_r, id_text_r)",
                "号码相同，但一方未通过校验或与出生日期不符",
                **SAME_UNTRUSTED,
            ),
            _level(one_edit, "一位之差或相邻两位颠倒", **ONE_EDIT),
            _level(
                f"{PREFIX_COMPARED} AND left(coalesce(id18_l, id_prefix_l), 14) "
                "<> left(coalesce(id18_r, id_prefix_r), 14)",
                "损坏号码的前段与另一号码不同",
                # a number damaged (about one in a hundred) and mistyped in its first 14
                # digits too (as often as two valid IDs of one person differ): 1e-2 * 1e-4
                m_probability=1e-6,
                fix_m_probability=True,
            ),
            _level(
                BOTH_IDS_USABLE,
                "两个不同的有效身份证号",
                m_probability=0.0001,
                fix_m_probability=True,
            ),
            _else_level(),
        ],
    )


# Pinyin is ASCII, so DuckDB's string similarity works on it (not on the characters).
SIMILAR_PINYIN = "jaro_winkler_similarity(name_pinyin_l, name_pinyin_r) >= 0.85"
# Two long names whose pinyin is close from its start and from its end: spellings of one name
# (阿拉坦敖敦, 阿勒坦敖登: 0.86 and, reversed, 0.85). Jaro–Winkler rewards a shared start, and
# two people's names alike only in a whole first part are close from the start alone: a
# Uyghur given name before two fathers' names (阿依古丽买买提, 阿依古丽吐尔逊: 0.86, reversed
# 0.69), a Mongolian name before two others (阿拉坦其其格, 阿拉坦图雅: 0.86, 0.70).
LONG_NAMES_CLOSE = (
    f"least(length(name_l), length(name_r)) >= 4 AND {SIMILAR_PINYIN} AND "
    "jaro_winkler_similarity(reverse(name_pinyin_l), reverse(name_pinyin_r)) >= 0.85"
)
# One name is the other after a surname or clan name (the shorter of two characters or more).
CONTAINED = (
    "length(name_l) <> length(name_r) AND least(length(name_l), length(name_r)) >= 2 AND "
    "(ends_with(name_pinyin_l, ' ' || name_pinyin_r) "
    "OR ends_with(name_pinyin_r, ' ' || name_pinyin_l))"
)


def _last_syllables(longer: str, shorter: str) -> str:
    """SQL: the last syllables of the pinyin ``longer``, as many as ``shorter`` has (from the
    reversed list of syllables: a slice from the start reads the same in Spark's SQL, one
    from the end does not)."""
    return (f"array_to_string(list_reverse(array_slice(list_reverse(string_split({longer}, ' ')), "
            f"1, array_length(string_split({shorter}, ' ')))), ' ')")  # fmt: skip


# One name is the other after a clan name, a syllable written by another sound (包萨仁娜,
# 萨日娜; 博尔济吉特·满都呼, 满都拉): the shorter, of three characters or more (not a Han
# given name), against as many last syllables of the longer.
CONTAINED_VARIANT = (
    "length(name_l) <> length(name_r) AND least(length(name_l), length(name_r)) >= 3 AND "
    "CASE WHEN length(name_l) > length(name_r) THEN jaro_winkler_similarity("
    f"{_last_syllables('name_pinyin_l', 'name_pinyin_r')}, name_pinyin_r) "
    f"ELSE jaro_winkler_similarity({_last_syllables('name_pinyin_r', 'name_pinyin_l')}, "
    "name_pinyin_l) END >= 0.85"
)
# One name runs inside the other, in whole syllables (the shorter of three characters or
# more): a clan name before it and a suffix after it (宝其其格玛, 琪琪格: 玛 ends many a
# Mongolian woman's name and is as often left out). A Han name of three characters inside a
# longer one is rare.
CONTAINED_INSIDE = (
    "length(name_l) <> length(name_r) AND least(length(name_l), length(name_r)) >= 3 AND "
    "(contains(' ' || name_pinyin_l || ' ', ' ' || name_pinyin_r || ' ') "
    "OR contains(' ' || name_pinyin_r || ' ', ' ' || name_pinyin_l || ' '))"
)
# Where two names of one length first differ, and where they last agree in place.
FIRST_DIFFERING = "least(" + ", ".join(
    f"CASE WHEN substr(name_l, {i}, 1) <> substr(name_r, {i}, 1) THEN {i} ELSE 99 END"
    for i in range(1, NAME_POSITIONS + 1)) + ")"  # fmt: skip
LAST_AGREEING = "greatest(" + ", ".join(
    f"CASE WHEN substr(name_l, {i}, 1) = substr(name_r, {i}, 1) AND length(name_l) >= {i} "
    f"THEN {i} ELSE 0 END"
    for i in range(1, NAME_POSITIONS + 1)) + ")"  # fmt: skip
# Two long names of one length (five characters or more: transliterated), more than half of
# their characters the same in place, and some after the first that differs: the others
# written by other sounds (乌云萨日娜, 乌荣萨仁娜), too far apart for the pinyin's
# Jaro–Winkler. Not two names alike only in a whole first part: two people's given name
# before two fathers' names (阿依古丽买买提, 阿依古丽吐尔逊). A Han name is never this long.
MOSTLY_IN_PLACE = (
    "length(name_l) = length(name_r) AND length(name_l) BETWEEN 5 AND "
    f"{NAME_POSITIONS} AND ({CHARS_DIFFERING}) * 2 < length(name_l) "
    f"AND {LAST_AGREEING} > {FIRST_DIFFERING}"
)
# One character of a name of three or more written by another character of a like sound (the
# same first letter, ``er`` and ``r*`` alike): a transliterated name's spellings (巴特尔,
# 巴图尔; 额尔敦, 额日敦). Han names of three characters meet it too (王建华, 王建辉): the
# level's weight is learned, like every level's.
TRANSLITERATED = (
    f"length(name_l) = length(name_r) AND length(name_l) BETWEEN 3 AND {NAME_POSITIONS} "
    f"AND ({CHARS_DIFFERING}) = 1 AND name_sound_l = name_sound_r"
)
# One name is the other with one character more after its first, the shorter of three
# characters or more: a prefix of the given name written on one registry only (尕 "little",
# 大: 冶尕哈三, 冶哈三, as 临夏 writes a Hui name), or a character dropped in typing. One left
# out at the end is the name inside the other (``CONTAINED_INSIDE``), which comes first.
ONE_INSERTED = (
    "length(name_l) + length(name_r) >= 7 AND abs(length(name_l) - length(name_r)) = 1 AND ("
    + " OR ".join(
        f"substr(name_l, 1, {i - 1}) || substr(name_l, {i + 1}) = name_r "
        f"OR substr(name_r, 1, {i - 1}) || substr(name_r, {i + 1}) = name_l"
        for i in range(2, NAME_POSITIONS + 1)
    )
    + ")"
)
# Two names of one sound, or one name with a surname or clan name left out: the name as a
# clerk writes it again from hearing (the same name; the same pinyin, in local speech too; a
# long name's pinyin close; one character of three or more by one of a like sound; 包巴特尔,
# 巴特尔, the rest written alike). Not a name with two changes (a clan name left out and a
# syllable spelt another way; a surname left out and the rest by other characters of its
# sound: 毛莉美, 李媚), nor one character of a different sound (王建华, 王建国). Since
# 2026-12-07 also a name of two or more characters written alone where the other row adds two
# or more after it: a Uyghur name with the father's name left out (吐尔逊, 吐尔逊亚森), as a
# blind tester's second enrollments without an ID, their birth year alone, were written; not
# a Han given name with one character more (王伟, 王伟强).
ONE_SPELLING = (
    "(name_l = name_r OR name_pinyin_l = name_pinyin_r OR name_fuzzy_l = name_fuzzy_r "
    "OR (length(name_l) <> length(name_r) AND least(length(name_l), length(name_r)) >= 2 "
    "AND (ends_with(name_l, name_r) OR ends_with(name_r, name_l))) "
    "OR (abs(length(name_l) - length(name_r)) >= 2 AND least(length(name_l), length(name_r)) >= 2 "
    "AND (starts_with(name_l, name_r) OR starts_with(name_r, name_l))) "
    f"OR ({LONG_NAMES_CLOSE}) OR ({TRANSLITERATED}) OR ({ONE_INSERTED}))"
)
# One row's former name (a hukou row's 曾用名) is the other's name: a police notice or a
# roster row still written under the name a person had before.
FORMER_NAME_AGREES = "coalesce(former_name_l = name_r OR former_name_r = name_l, false)"
# Its m and u: of a row with a former name, the other row carrying it is evidence as strong as
# two rows of one name (m / u about 3,000 on our counties: 0.95 / 3e-4), both scaled down by
# the few rows with a former name. m starts small and EM trains it where it meets the level;
# u is set, since random sampling almost never meets it (Splink's placeholder for its
# position weighed it 0.8 bits). Term frequencies weigh a common former name (张伟) less.
FORMER_NAME = {"m_probability": 0.001, "u_probability": 3e-7, "fix_u_probability": True}
# Two names no clerk's slip turns into each other (陈海敏, 熊春华), nor one the other's former
# name.
OTHER_NAMES = (f"NOT ({SIMILAR_PINYIN}) AND NOT ({CONTAINED}) AND NOT ({CONTAINED_VARIANT}) "
               f"AND NOT ({CONTAINED_INSIDE}) AND NOT ({MOSTLY_IN_PLACE}) AND NOT ({ONE_INSERTED}) "
               f"AND NOT {FORMER_NAME_AGREES}")  # fmt: skip


def name_comparison() -> Comparison:
    """Name: exact (term-frequency adjusted); one row's former name is the other's name (a
    hukou row's 曾用名 on a police notice; its m starts small, for EM to train); same pinyin (homophone); same pinyin in local
    speech (n/l, in/ing ...); one name is the other after a surname or clan name (包巴特尔,
    巴特尔; the shorter of two characters or more); the same with a syllable written by
    another sound (包萨仁娜, 萨日娜; the shorter of three or more); two long names (four
    characters or more: a transliterated Mongolian or Tibetan name) whose pinyin is close
    from its start and from its end (阿拉坦敖敦, 阿勒坦敖登; not 阿依古丽买买提, 阿依古丽吐尔逊); one name inside the other (宝其其格玛, 琪琪格; the shorter of
    three or more); one character of three or more written by one of a like sound (巴特尔,
    巴图尔); one with a character more after its first (冶尕哈三, 冶哈三; the shorter of
    three or more); one character different; two long names of one length with more than
    half of their characters in place, not only a first part (乌云萨日娜, 乌荣萨仁娜); else.

    Returns
    -------
    Comparison
        The Splink comparison of output column ``name``.
    """
    return _comparison(
        "name",
        "姓名",
        [
            _null_level("name_l IS NULL OR name_r IS NULL"),
            _level("name_l = name_r", "姓名相同", tf_adjustment_column="name"),
            _level(
                FORMER_NAME_AGREES, "曾用名与姓名相同", tf_adjustment_column="name", **FORMER_NAME
            ),
            _level("name_pinyin_l = name_pinyin_r", "同音字", tf_adjustment_column="name_pinyin"),
            _level(
                "name_fuzzy_l = name_fuzzy_r",
                "近音字",
                tf_adjustment_column="name_fuzzy",
                m_probability=0.001,
            ),
            _level(CONTAINED, "一方多写姓氏或氏族名", m_probability=0.002),
            _level(CONTAINED_VARIANT, "一方多写氏族名且有音译异写", m_probability=0.002),
            _level(LONG_NAMES_CLOSE, "长名拼音相近", m_probability=0.002),
            _level(CONTAINED_INSIDE, "一方姓名含于另一方之中", m_probability=0.002),
            _level(TRANSLITERATED, "一字音译异写", m_probability=0.002),
            _level(ONE_INSERTED, "一方名中多一字", m_probability=0.002),
            _level(
                f"length(name_l) = length(name_r) AND length(name_l) BETWEEN 2 AND {NAME_POSITIONS} "
                f"AND ({CHARS_DIFFERING}) = 1",
                "一字之差",
                m_probability=0.001,
            ),
            _level(MOSTLY_IN_PLACE, "长名过半字相同", m_probability=0.001),
            _else_level(m_probability=0.002, fix_m_probability=True),
        ],
    )


# Neither a birth date nor a year on one row (a year written alone, 1973, is a birth year
# without a date: ``resolver.persons``).
NO_BIRTH_YEAR = (
    "(dob_l IS NULL OR dob_r IS NULL) AND (birth_year_l IS NULL OR birth_year_r IS NULL)"
)
# A year written alone against the other row's year: neutral, 0 bits (m and u equal, both
# set, so training does not move them; their value is any). The year alone must never carry
# a pair to a merge: a stranger's roster row without an ID, written 1969, of a name one other
# person carries, born that year, scored 0.97 against him when the year weighed +6 bits and
# was merged into him (review). A pair of one year merges on what else agrees (a phone, an
# address, ID digits), else ``possible_roster_duplicates`` takes it (``same_birth_year``); a
# different year still counts against (其他).
YEAR_ALONE_NEUTRAL = {"m_probability": 0.05, "fix_m_probability": True, "u_probability": 0.05,
                      "fix_u_probability": True}  # fmt: skip


def dob_comparison(birth_dates: BirthDates | None = None) -> Comparison:
    """Birth date, when not both rows have a usable ID and no damaged ID's reliable digits
    (which hold the birth date) are compared with the other row's number (the ID's levels
    weigh it then, agreeing or not):
    exact on a day many are registered on (1 January, 1 July, where the county has such days);
    exact; day and month swapped; one digit typed wrong; same year and month; same year;
    one row writing the year alone and the other the same year (``YEAR_ALONE_NEUTRAL``, 0
    bits); else,
    a year alone against another year included (the m of every level but the exact ones
    set, not trained: ``_slip``).

    Parameters
    ----------
    birth_dates : BirthDates | None
        How often two different people share a birth date, counted over the county: the
        exact levels' u, set rather than sampled, or None to sample the one exact level.
        Random sampling meets these levels only on pairs where a row lacks a usable ID, a few
        in a million: on counties of one age structure its estimate strayed from 13.7 to 16.9
        bits (the count says 14.7), and a county where nearly every row has an ID left the
        level unobserved, weighed by Splink's placeholder, 10 bits. Where many elderly
        people's birthdays were registered as 1 January or 1 July, one u for every day
        would weigh any other shared day 4 bits too little (a Tibetan county: 10.7 bits for
        14.9).

    Returns
    -------
    Comparison
        The Splink comparison of output column ``dob``.
    """
    dates = birth_dates or BirthDates()
    swapped = (
        "year(dob_l) = year(dob_r) AND month(dob_l) = day(dob_r) AND day(dob_l) = month(dob_r)"
    )
    common_day = ([_level(
        f"dob_l = dob_r AND month(dob_l) * 100 + day(dob_l) IN "
        f"({', '.join(str(day) for day in dates.common_days)})",
        "出生日期相同（常见登记日）", **_counted_u(dates.on_common_day))]
        if dates.common_days else [])  # fmt: skip
    return _comparison(
        "dob",
        "出生日期",
        [
            _null_level(
                f"{NO_BIRTH_YEAR} OR {BOTH_IDS_USABLE} OR {PREFIX_COMPARED} OR {PREFIX_AGREES}"
            ),
            *common_day,
            _level("dob_l = dob_r", "出生日期相同", **_counted_u(dates.on_other_day)),
            _level(
                swapped,
                "月日颠倒",
                m_probability=0.002,
                fix_m_probability=True,
                **SWAPPED_BY_CHANCE,
            ),
            _level(
                "damerau_levenshtein(strftime(dob_l, '%Y%m%d'), strftime(dob_r, '%Y%m%d')) = 1",
                "一位之差",
                **_slip(0.005),
            ),
            _level(
                "date_trunc('month', dob_l) = date_trunc('month', dob_r)",
                "同年同月",
                **_slip(0.0015),
            ),
            _level("year(dob_l) = year(dob_r)", "同年", **_slip(0.0015)),
            _level(
                "birth_year_l = birth_year_r",
                "出生年份相同（一方只写了年份）",
                **YEAR_ALONE_NEUTRAL,
            ),
            _else_level(m_probability=0.01, fix_m_probability=True),
        ],
    )


def gender_comparison() -> Comparison:
    """Gender, when not both rows have a usable ID: exact; else (with a floor).

    Returns
    -------
    Comparison
        The Splink comparison of output column ``gender``.
    """
    return _comparison(
        "gender",
        "性别",
        [
            _null_level(f"gender_l IS NULL OR gender_r IS NULL OR {BOTH_IDS_USABLE}"),
            _level("gender_l = gender_r", "性别相同"),
            _else_level(m_probability=0.02, fix_m_probability=True),
        ],
    )


def place_comparison() -> Comparison:
    """Address and place, however the address was written: the same house; two houses of the
    same village, even of one group (a notice naming house 19 says less for the namesake at
    house 41 of its group than a group alone would; a named hamlet and a numbered group may
    be one place: two houses only when the house numbers differ); the same village group;
    two groups; the same village; two roster rows in different villages (neutral: a
    duplicate enrollment is set up in another place); the same township where one row names
    no village (a police notice often does not); the same township; else (with a floor: many
    people live away from their hukou).

    Returns
    -------
    Comparison
        The Splink comparison of output column ``place``.
    """
    same_village = "township_l = township_r AND village_l = village_r"
    return _comparison(
        "place",
        "住址乡镇村组",
        [
            _null_level("township_l IS NULL OR township_r IS NULL"),
            _level("address_house_l = address_house_r", "同一门牌"),
            _level(
                f"{same_village} AND NOT {BOTH_ON_ROSTERS} AND address_house_l IS NOT NULL "
                f"AND address_house_r IS NOT NULL AND {OTHER_HOUSE_NUMBER}",
                "同村不同门牌",
                **OTHER_HOUSE,
            ),
            _level("address_area_l = address_area_r", "同村同组"),
            _level(
                f"{same_village} AND NOT {BOTH_ON_ROSTERS} AND address_area_l IS NOT NULL "
                f"AND address_area_r IS NOT NULL AND {_groups_alike('address_area')}",
                "同村不同组",
                **OTHER_HOUSE,
            ),
            _level(same_village, "同村"),
            _level(BOTH_ON_ROSTERS, "两条救助记录地点不同（不作否定）", **NEUTRAL),
            _level(
                "township_l = township_r AND (village_l IS NULL OR village_r IS NULL)",
                "同乡镇（一方无村名）",
                m_probability=0.05,
            ),
            _level("township_l = township_r", "同乡镇", **_slip(0.0035)),
            _else_level(m_probability=0.1, fix_m_probability=True),
        ],
    )


# What EM may not train an m below, however consistent the county it trains on: a phone
# that differs (one office writes the family's number, another the member's own, and numbers
# change from month to month) and a damaged ID's reliable digits agreeing (about one row in a
# hundred is damaged by a spreadsheet). On a blind tester's 650,000-person county, whose
# registries all carried one phone, EM gave a differing phone an m of 0.003 (8 bits against)
# and the agreeing reliable digits 2e-8 (a veto), so that a monthly update whose 户籍 phones
# had changed cut 52 people's links that a fresh run kept.
TRAINED_M_FLOORS = {("phone", "其他"): 0.05, ("id", "表格损坏的号码前段相同"): 0.001}
# The place's agreements from the coarsest (同村) to the finest, and its disagreements
# within a village. Trained levels are exclusive, so a level's m is the share of true pairs
# that fall in it: where one office writes no 组 (a 南疆 roster: 2村; its police notices),
# almost every true pair is 同村 and EM gave 同村同组 an m of 0.001, a weight of 1 against
# 同村's 170, and 同村不同组 (m fixed, u from the few sampled pairs with a group on both
# sides) a weight of 1,288: a notice of 10村3组 linked to a namesake of 10村5组.
PLACE_AGREEMENTS = ("同村", "同村同组", "同一门牌")
PLACE_DISAGREEMENTS = ("同村不同门牌", "同村不同组")


def bounded_weights(model: dict[str, Any]) -> dict[str, Any]:
    """A trained model whose place levels weigh in their order (``_order_levels``) and
    whose levels EM may not train below a floor keep it (``TRAINED_M_FLOORS``). Only m
    changes; levels without a u are left as they are.

    Parameters
    ----------
    model : dict[str, Any]
        A Splink model as its JSON dict (``save_model_to_json``).

    Returns
    -------
    dict[str, Any]
        The model, its m raised or lowered where they were out of order or below a floor.

    Examples
    --------
    >>> model = {"comparisons": [{"output_column_name": "phone", "comparison_levels": [
    ...     {"label_for_charts": "其他", "m_probability": 0.003, "u_probability": 0.99}]}]}
    >>> bounded_weights(model)["comparisons"][0]["comparison_levels"][0]["m_probability"]
    0.05
    """
    for comparison in model.get("comparisons", []):
        name = comparison.get("output_column_name")
        if name == "place":
            _order_levels(comparison["comparison_levels"])
        for level in comparison["comparison_levels"]:
            floor = TRAINED_M_FLOORS.get((name, level.get("label_for_charts")))
            if floor is not None and (level.get("m_probability") or 0.0) < floor:
                level["m_probability"] = floor
    return model


def _order_levels(levels: list[Level]) -> None:
    """Each place agreement weighs at least as much as the coarser one it refines (the same
    group says no less than the same village), the coarsest no less than nothing (an
    agreement is never evidence against), and a disagreement within a village (two groups,
    two houses) at most the share of the village's weight that ``OTHER_HOUSE`` gives true
    pairs at two houses. An agreement's m that EM never trained is set too."""
    by_label = {level.get("label_for_charts"): level for level in levels}
    village = by_label.get(PLACE_AGREEMENTS[0])
    floor = _bayes_factor(village)
    if floor is None:
        return
    if floor < 1.0:  # EM saw no true pair there: the village agrees, and says no less than 1
        village["m_probability"], floor = min(1.0, village["u_probability"]), 1.0
    for label in PLACE_AGREEMENTS[1:]:
        level = by_label.get(label)
        if not level or not level.get("u_probability"):
            continue
        weight = _bayes_factor(level) or 0.0  # an m EM never trained weighs as too little
        if weight < floor:
            level["m_probability"] = min(1.0, floor * level["u_probability"])
        floor = max(floor, weight)
    ceiling = _bayes_factor(village) * OTHER_HOUSE["m_probability"]
    for label in PLACE_DISAGREEMENTS:
        weight = _bayes_factor(by_label.get(label))
        if weight is not None and weight > ceiling:
            by_label[label]["m_probability"] = ceiling * by_label[label]["u_probability"]


def _bayes_factor(level: Level | None) -> float | None:
    """m / u of a trained level; None when either is missing."""
    if not level or not level.get("m_probability") or not level.get("u_probability"):
        return None
    return level["m_probability"] / level["u_probability"]


MONTHS_APART = (
    "(year(CAST(ended_l AS DATE)) * 12 + month(CAST(ended_l AS DATE))) "
    "- (year(CAST(ended_r AS DATE)) * 12 + month(CAST(ended_r AS DATE)))"
)


def ending_comparison() -> Comparison:
    """A death notice beside a roster row that ended: within a month of the death (the
    office ended the row because its member died); at another time (neutral: the member may
    have left the roster long before).

    Returns
    -------
    Comparison
        The Splink comparison of output column ``ending``.
    """
    notice_and_row = (
        "((registry_l = 'deaths' AND registry_r = 'assistance') "
        "OR (registry_l = 'assistance' AND registry_r = 'deaths'))"
    )
    return _comparison(
        "ending",
        "救助退出与死亡日期",
        [
            _null_level(f"ended_l IS NULL OR ended_r IS NULL OR NOT {notice_and_row}"),
            # typed: Splink's chart of one pair writes its values as untyped literals; months
            # counted as calendar months apart, in SQL that DuckDB and Spark read alike
            _level(f"abs({MONTHS_APART}) <= 1", "死亡当月前后退出救助"),
            _else_level(**NEUTRAL),  # a row that ended for another reason says nothing
        ],
    )


def phone_comparison() -> Comparison:
    """Phone, only where few rows share it: exact (term-frequency adjusted); two roster rows
    with different phones (neutral: each case gives its own contact); else.

    Returns
    -------
    Comparison
        The Splink comparison of output column ``phone``.
    """
    return _comparison(
        "phone",
        "联系电话",
        [
            _null_level("phone_rare_l IS NULL OR phone_rare_r IS NULL"),
            _level("phone_rare_l = phone_rare_r", "电话相同", tf_adjustment_column="phone_rare"),
            _level(BOTH_ON_ROSTERS, "两条救助记录电话不同（不作否定）", **NEUTRAL),
            _else_level(),
        ],
    )


def doudi_comparisons(birth_dates: BirthDates | None = None) -> list[Comparison]:
    """Doudi's comparisons of two rows of ``persons``: one per field, as Splink settings take them.

    Parameters
    ----------
    birth_dates : BirthDates | None
        The birth date's exact levels' u (``dob_comparison``), or None to sample it.

    Returns
    -------
    list[Comparison]
        The ID, name, birth date, gender, place, phone and ending comparisons.
    """
    return [
        id_comparison(),
        name_comparison(),
        dob_comparison(birth_dates),
        gender_comparison(),
        place_comparison(),
        phone_comparison(),
        ending_comparison(),
    ]


# Rules are SQL that Splink also evaluates, negated, on every candidate pair of each later
# rule (so that no pair is scored twice): they compare precomputed columns (``name_end``,
# ``birth_day``, ``id15``), not expressions, which would be computed again pair by pair.
# Two rows with different valid IDs are two people (clustering refuses to merge them), so
# after the exact-ID rule only pairs where one ID is missing, mistyped or damaged — or where
# one valid ID is the other with its last digits changed (a zeroed tail) — are worth
# comparing. Each candidate rule is written once per side whose ID may be missing, so that
# DuckDB filters that side before joining: one rule with an OR joins every pair of namesakes
# born in one year first and filters after, which makes prediction about 40 % slower.
ID_MISSING = ("l.id18 IS NULL", "r.id18 IS NULL")
# A rule about rows without a birth date is written once per side without one instead: rows
# without a birth date are few, rows without an ID many (joining them to every row of their
# village group was most of prediction's work). A row without a birth date has no usable ID
# either, so the pairs are the same.
NO_BIRTH_DATE = "(l.dob IS NULL OR r.dob IS NULL)"
DOB_MISSING = ("l.dob IS NULL", "r.dob IS NULL")
IN_COUNTY_OR_NOTICE = "(l.county = r.county OR l.registry = 'deaths' OR r.registry = 'deaths')"
NOTICE_SIDES = ("l.registry = 'deaths'", "r.registry = 'deaths'")
# Candidate pairs: each rule catches what the others miss when an ID is mistyped, old,
# damaged or blank. A typo in a birth date changes one of year, month and day, so name with
# date, with year, and with month and day together catch it. A name with one syllable
# written differently (巴特尔, 巴图尔) or with its surname or clan name left out (包巴特尔,
# 巴特尔) still shares its first or last syllable: with the birth date, that catches it
# (no rule assumes a surname of one or two characters). A row with no birth date at all (a
# police notice with a name, a township and an address) is caught by name and township, by
# the house its address names, and by its village group with a syllable of the name. The
# first 14 characters of an ID (region and birth date) are shared by everyone born that
# day, so the first or last character of the name must agree too. The birth date with a
# syllable is two rules, one per syllable, each an equality DuckDB joins on: written with
# an OR, every row without an ID was joined to everyone born that day and filtered after,
# which grows with the square of a province (56 million joined pairs at 4 million people).
# The birth date with one syllable, and the name with the birth year or with month and day
# (a typo in the date), look within a county, or from a death notice: across a province,
# those born one day who share a syllable, and the namesakes born in one year, are too many,
# and grow with its square (37 million pairs at 12 million people; 6 million at 4 million,
# and 9 times as many at 12). Two roster rows of different counties, one without an ID, are
# compared when their birth dates and the first and last syllables of their names agree (a
# syllable in between may differ), or by an ID; a death, the costliest lead to miss, is
# looked for everywhere. Each side is written apart (the county, or the notice's side,
# filtered or joined on before the rest). A hukou row's former name (曾用名) is another's
# name with the birth date, or in the township for a row without one (a police notice under
# the name a person had before): each way round, since Splink pairs a row only with the rows
# after it; few rows have a former name, so these rules add few pairs.
CANDIDATE_RULES = (
    "l.id14 = r.id14 AND (l.surname = r.surname OR l.name_end = r.name_end)",
    "l.id_tail = r.id_tail",
    f"l.dob = r.dob AND l.name_first = r.name_first AND {IN_COUNTY_OR_NOTICE}",
    f"l.dob = r.dob AND l.name_last = r.name_last AND {IN_COUNTY_OR_NOTICE}",
    "l.dob = r.dob AND l.name_first = r.name_first AND l.name_last = r.name_last",
    f"l.name_fuzzy = r.name_fuzzy AND l.birth_year = r.birth_year AND {IN_COUNTY_OR_NOTICE}",
    f"l.name_fuzzy = r.name_fuzzy AND l.birth_day = r.birth_day AND {IN_COUNTY_OR_NOTICE}",
    f"l.name_fuzzy = r.name_fuzzy AND l.township = r.township AND {NO_BIRTH_DATE}",
    f"l.address_house = r.address_house AND {NO_BIRTH_DATE}",
    "l.address_area = r.address_area AND (l.name_first = r.name_first "
    f"OR l.name_last = r.name_last) AND {NO_BIRTH_DATE}",
    "l.phone_rare = r.phone_rare",
    "l.former_name = r.name AND l.dob = r.dob",
    "l.name = r.former_name AND l.dob = r.dob",
    f"l.former_name = r.name AND l.township = r.township AND {NO_BIRTH_DATE}",
    f"l.name = r.former_name AND l.township = r.township AND {NO_BIRTH_DATE}",
)
# The candidate rules for two usable IDs alike in their first 15 characters, in one join on
# those characters: both rows' birth dates and first 14 characters come from their IDs and
# agree, so the rules reduce to surname, name or phone; the last-12 and no-birth-date rules
# cannot hold. (Written per rule, each would join every pair of rows sharing an ID again.)
TAIL_DIFFERS = (
    "l.id15 = r.id15 AND l.id18 <> r.id18 AND "
    "(l.surname = r.surname OR l.name_fuzzy = r.name_fuzzy OR l.phone_rare = r.phone_rare)"
)


def _variants(rule: str) -> list[str]:
    """A candidate rule written once per side that may lack an ID (or, for a rule about rows
    without a birth date, once per side without one), that side filtered before the join."""
    either = " OR ".join(ID_MISSING)
    if rule.endswith(f" AND {NO_BIRTH_DATE}"):
        base = rule.removesuffix(f" AND {NO_BIRTH_DATE}")
        return [f"{base} AND {side} AND ({either})" for side in DOB_MISSING]
    if rule.endswith(f" AND {IN_COUNTY_OR_NOTICE}"):
        base = rule.removesuffix(f" AND {IN_COUNTY_OR_NOTICE}")
        return [*(f"{base} AND l.county = r.county AND {side}" for side in ID_MISSING),
                *(f"{base} AND {side} AND ({either})" for side in NOTICE_SIDES)]  # fmt: skip
    return [f"{rule} AND {side}" for side in ID_MISSING]


_CANDIDATE_OF = {variant: rule for rule in CANDIDATE_RULES for variant in _variants(rule)}
# Splink tests each pair a rule finds against every rule before it, negated. The join on 15
# characters finds every pair of one ID again before keeping those whose IDs differ, so it
# comes second: ahead of the candidate rules, which are about rows without a usable ID and
# cannot hold for its pairs, it is tested against one rule, not 31 (a fifth of blocking's
# time at 15.7 million rows).
BLOCKING_RULES = ["l.id18 = r.id18", TAIL_DIFFERS, *_CANDIDATE_OF]


def candidate_rule(blocking_rule: str) -> str:
    """The candidate rule a blocking rule is a variant of (the exact-ID rule and the rule of
    IDs alike in their first 15 characters are their own).

    Parameters
    ----------
    blocking_rule : str
        One of ``BLOCKING_RULES``.

    Returns
    -------
    str
        The candidate rule, without the side its variant filters first.

    Examples
    --------
    >>> candidate_rule("l.phone_rare = r.phone_rare AND r.id18 IS NULL")
    'l.phone_rare = r.phone_rare'
    >>> candidate_rule("l.address_house = r.address_house AND l.dob IS NULL "
    ...                "AND (l.id18 IS NULL OR r.id18 IS NULL)")
    'l.address_house = r.address_house AND (l.dob IS NULL OR r.dob IS NULL)'
    >>> candidate_rule("l.name_fuzzy = r.name_fuzzy AND l.birth_year = r.birth_year "
    ...                "AND r.registry = 'deaths' AND (l.id18 IS NULL OR r.id18 IS NULL)")[-47:]
    "l.registry = 'deaths' OR r.registry = 'deaths')"
    >>> candidate_rule("l.id18 = r.id18")
    'l.id18 = r.id18'
    """
    return _CANDIDATE_OF.get(blocking_rule, blocking_rule)


# EM sessions: each blocks on some fields and learns the m values of the others.
TRAINING_RULES = [
    "l.name_fuzzy = r.name_fuzzy AND l.dob = r.dob",
    "l.id18 = r.id18",
    "l.name_fuzzy = r.name_fuzzy AND l.township = r.township AND l.village = r.village",
]
