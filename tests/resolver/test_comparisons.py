"""The comparison library's levels as SQL, on pairs of names."""

from __future__ import annotations

import pytest

from resolver.comparisons import (
    CONTAINED,
    CONTAINED_INSIDE,
    CONTAINED_VARIANT,
    FORMER_NAME_AGREES,
    LONG_NAMES_CLOSE,
    MOSTLY_IN_PLACE,
    ONE_INSERTED,
    ONE_SPELLING,
    OTHER_NAMES,
    TRANSLITERATED,
    bounded_weights,
    dob_comparison,
    id_comparison,
    place_comparison,
)
from resolver.db import connect
from resolver.normalize import normalize_name
from resolver.persons import NAME_SOUND


def _holds(condition: str, left: str, right: str, former_l: str | None = None) -> bool:
    (_, pinyin_l, fuzzy_l), _ = normalize_name(left)
    (_, pinyin_r, fuzzy_r), _ = normalize_name(right)
    con = connect(":memory:")
    sound = NAME_SOUND.replace("name_fuzzy", "?")
    return con.execute(
        f"SELECT {condition} FROM (SELECT ? AS name_l, ? AS name_r, ? AS name_pinyin_l, "
        f"? AS name_pinyin_r, {sound} AS name_sound_l, {sound} AS name_sound_r, "
        "?::VARCHAR AS former_name_l, NULL::VARCHAR AS former_name_r, ? AS name_fuzzy_l, "
        "? AS name_fuzzy_r)",
        [left, right, pinyin_l, pinyin_r, fuzzy_l, fuzzy_r, former_l, fuzzy_l, fuzzy_r],
    ).fetchall()[0][0]


@pytest.mark.parametrize(
    ("left", "right", "variant"),
    [
        ("包额日敦", "额尔敦", True),  # a clan name written, 日 for 尔
        ("萨日娜", "包萨仁娜", True),
        ("博尔济吉特·满都呼", "满都拉", True),
        ("张晓明", "肖敏", False),  # a Han given name: too short to tell
        ("乌云萨日娜", "那日苏", False),
        ("包巴特尔", "巴特尔", True),  # the exact clan level comes first
    ],
)
def test_a_clan_name_and_a_syllable_spelt_by_another_sound(left, right, variant):
    assert _holds(CONTAINED_VARIANT, left, right) == variant
    assert _holds(CONTAINED_VARIANT, right, left) == variant


def test_the_exact_clan_level_needs_the_same_syllables():
    assert _holds(CONTAINED, "包巴特尔", "巴特尔")
    assert not _holds(CONTAINED, "包额日敦", "额尔敦")


@pytest.mark.parametrize(
    ("left", "right", "inside"),
    [
        ("宝其其格玛", "琪琪格", True),  # a clan name before, 玛 after, 琪 for 其
        ("其其格玛", "其其格", True),
        ("王伟", "王伟强", False),  # a Han given name: too short to tell
        ("其其格", "阿拉坦其其格", True),
        ("巴特尔", "巴图孟和", False),
        ("其其格", "齐齐格", False),  # same length: the homophone levels judge it
    ],
)
def test_a_name_inside_a_longer_one_in_whole_syllables(left, right, inside):
    assert _holds(CONTAINED_INSIDE, left, right) == inside
    assert _holds(CONTAINED_INSIDE, right, left) == inside


@pytest.mark.parametrize(
    ("left", "right", "inserted"),
    [
        ("冶哈三", "冶尕哈三", True),  # 尕 before the given name on one registry only
        ("妥梅花", "妥大梅花", True),
        ("韩阿舍", "韩阿依舍", True),
        ("拜麦", "拜尕麦", False),  # a Han-length name: too short to tell
        ("王建国", "王建华", False),  # one length: the levels of one character judge it
        ("冶哈三", "马尕哈三", False),  # the first character too
    ],
)
def test_a_name_with_one_character_more_inside_it(left, right, inserted):
    # 冶尕哈三 on a death notice without an ID fell to the last level against his roster
    # row 冶哈三, born the same day: no link, no lead (a blind tester's Hui county)
    assert _holds(ONE_INSERTED, left, right) == inserted
    assert _holds(ONE_INSERTED, right, left) == inserted
    assert _holds(ONE_SPELLING, left, right) == inserted
    assert not _holds(OTHER_NAMES, left, right) or not inserted


@pytest.mark.parametrize(
    ("left", "right", "one"),
    [
        ("吐尔逊", "吐尔逊亚森", True),  # the father's name left out
        ("帕提古丽", "帕提古丽肉孜", True),
        ("王伟", "王伟强", False),  # a Han given name with one character more
        ("吐尔逊", "吐尔洪亚森", False),
    ],
)
def test_a_name_written_without_the_fathers_name_is_one_spelling(left, right, one):
    # a blind tester's Uyghur second enrollments (no ID, the birth year alone) wrote the
    # given name alone, scored 0.68-0.89: no lead until 2026-12-07
    assert _holds(ONE_SPELLING, left, right) == one
    assert _holds(ONE_SPELLING, right, left) == one


def test_an_id_shared_by_a_name_and_the_name_inside_it_is_no_pair_of_other_names():
    # One person's ID on 宝其其格玛 (hukou) and 琪琪格 (disability certificate) is not the
    # "same ID, names wholly different" level of a relative's copied ID.
    assert not _holds(OTHER_NAMES, "宝其其格玛", "琪琪格")
    assert _holds(OTHER_NAMES, "宝其其格玛", "张晓明")


def test_a_name_that_is_the_other_rows_former_name_is_no_pair_of_other_names():
    # 李淑兰 (曾用名 李丽) on her hukou, her ID on a notice under 李丽: one person's ID, not
    # a relative's copied into the notice; a row without a former name is compared as before
    assert _holds(FORMER_NAME_AGREES, "李淑兰", "李丽", former_l="李丽")
    assert not _holds(FORMER_NAME_AGREES, "李淑兰", "李丽")
    assert not _holds(OTHER_NAMES, "李淑兰", "李丽", former_l="李丽")
    assert _holds(OTHER_NAMES, "李淑兰", "李丽")


@pytest.mark.parametrize(
    ("left", "right", "mostly"),
    [
        ("乌云萨日娜", "乌荣萨仁娜", True),  # two syllables by other sounds, three in place
        ("额尔登其木格", "额日登其木各", True),
        ("乌云萨日娜", "乌兰图雅娜", False),  # two of five in place
        ("欧阳明华", "欧阳明辉", False),  # four characters: the one-character level judges
        ("乌云萨日娜", "乌云萨日", False),  # not one length
        ("阿依古丽买买提", "阿依古丽吐尔逊", False),  # one given name, two fathers' names
        ("古丽努尔艾买提", "古丽努尔热合曼", False),
    ],
)
def test_two_long_names_with_most_characters_in_place(left, right, mostly):
    assert _holds(MOSTLY_IN_PLACE, left, right) == mostly
    if mostly:  # not "names wholly different" beside one ID
        assert not _holds(OTHER_NAMES, left, right)


@pytest.mark.parametrize(
    ("left", "right", "close"),
    [
        ("阿拉坦敖敦", "阿勒坦敖登", True),  # spellings of one name
        ("博尔济吉特满都呼", "博尔济吉特满都拉", True),
        ("额尔登其木格", "额日登其木格", True),
        ("扎西顿珠", "扎西东珠", True),
        ("阿依古丽买买提", "阿依古丽吐尔逊", False),  # one given name, two fathers' names
        ("吐尔洪买买提", "吐尔洪吐尔逊", False),
        ("买买提吐尔逊", "买买提阿不都", False),
        ("阿拉坦其其格", "阿拉坦图雅", False),  # one name before two others
        ("斯琴高娃", "斯琴图雅", False),
    ],
)
def test_two_long_names_are_close_from_their_start_and_their_end(left, right, close):
    assert _holds(LONG_NAMES_CLOSE, left, right) == close
    assert _holds(LONG_NAMES_CLOSE, right, left) == close
    assert _holds(ONE_SPELLING, left, right) == close  # nor one name written again


@pytest.mark.parametrize(
    ("left", "right", "variant"),
    [
        ("巴特尔", "巴图尔", True),  # 特 te, 图 tu: one sound, two spellings
        ("额尔敦", "额日敦", True),  # 尔 er, 日 ri
        ("巴特尔", "巴特儿", True),  # a homophone: the pinyin level comes first
        ("王建国", "王建军", False),  # 国 guo, 军 jun
        ("巴特尔", "巴雅尔", False),  # 特 te, 雅 ya
        ("王丽", "王莉", False),  # two characters: too short to tell
    ],
)
def test_one_character_of_a_long_name_spelt_by_a_like_sound(left, right, variant):
    assert _holds(TRANSLITERATED, left, right) == variant
    assert _holds(TRANSLITERATED, right, left) == variant


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        (("532326198503030118", None, None), (None, None, "532326198503030"), "前段相同"),
        ((None, None, "532326198503030"), (None, None, "532326198503030"), "前段相同"),  # alike
        ((None, None, "53232619850303"), (None, None, "532326198503030"), "前段相同"),
        (("532326198503040118", None, None), (None, None, "532326198503030"), "前段"),
        ((None, None, "532326200508135"), (None, None, "532326202102287"), "前段"),
        ((None, "532326198503030117", None), (None, None, None), None),
    ],
)
def test_a_damaged_ids_reliable_digits_are_weighed_once(left, right, level):
    """The digits hold the birth date: the ID's levels weigh them, agreeing or not, and the
    birth date's level abstains (twins, one with an ID a spreadsheet zeroed, once scored the
    birth date twice and were made one person; a namesake in the household, once
    scored against by the birth date alone, was too near to tell apart)."""
    ids, dob = id_comparison(), dob_comparison()
    con = connect(":memory:")
    columns = ("id18", "id_text", "id_prefix", "name", "name_pinyin", "id_status", "former_name")
    names = [f"{column}_{side}" for side in "lr" for column in columns]
    select = ", ".join(f"?::VARCHAR AS {name}" for name in names)
    row = (f"SELECT *, DATE '1985-03-03' AS dob_l, DATE '1985-03-03' AS dob_r, 1985 AS "
           f"birth_year_l, 1985 AS birth_year_r FROM (SELECT {select})")  # fmt: skip
    cases = " ".join(f"WHEN {item['sql_condition']} THEN '{item['label_for_charts']}'"
                     for item in ids["comparison_levels"][1:-1])  # fmt: skip
    abstains = dob["comparison_levels"][0]["sql_condition"]
    found = con.execute(f"SELECT CASE {cases} ELSE '其他' END, {abstains} FROM ({row})",
                        [*left, "杨伟", "yang wei", "x", None, *right, "杨伟", "yang wei", "x", None]
                        ).fetchall()[0]  # fmt: skip
    assert found[1] is (level is not None)
    assert level is None or (level in found[0] and ("相同" in found[0]) == ("相同" in level))


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        (("deaths", "4", "19"), ("assistance", "4", "41"), "同村不同门牌"),
        (("deaths", "4", "19"), ("assistance", "4", "19"), "同一门牌"),
        (("deaths", "4", None), ("assistance", "4", "41"), "同村同组"),
        (("assistance", "4", "19"), ("assistance", "4", "41"), "同村同组"),
        (("deaths", "3", "19"), ("hukou", "4", "41"), "同村不同门牌"),
    ],
)
def test_two_houses_of_one_group_are_not_the_same_group(left, right, level):
    # a police notice for 王华红 of 那江村4组19号 merged a living namesake of 4组41号 at 0.96:
    # the same group came before two houses
    columns = ("registry", "address_area", "address_house")
    values = [value for registry, group, house in (left, right)
              for value in (registry, f"板升|那江|{group}", house and f"板升|那江|{group}|{house}")]  # fmt: skip
    select = ", ".join(f"?::VARCHAR AS {column}_{side}" for side in "lr" for column in columns)
    row = (f"SELECT *, '板升' AS township_l, '板升' AS township_r, '那江' AS village_l, "
           f"'那江' AS village_r FROM (SELECT {select})")  # fmt: skip
    levels = place_comparison()["comparison_levels"][1:-1]
    cases = " ".join(f"WHEN {item['sql_condition']} THEN '{item['label_for_charts']}'"
                     for item in levels)  # fmt: skip
    assert connect(":memory:").execute(f"SELECT CASE {cases} END FROM ({row})",
                                       values).fetchall() == [(level,)]  # fmt: skip


@pytest.mark.parametrize(("left", "right", "level"), [
    (("东怀|3", "东怀|3|24"), ("东怀|那怀", "东怀|那怀|24"), "同村"),  # 那怀屯 may be 3组
    (("东怀|3", "东怀|3|24"), ("东怀|那怀", "东怀|那怀|70"), "同村不同门牌"),
    (("东怀|3", "东怀|3|24"), ("东怀|5", "东怀|5|24"), "同村不同门牌"),
    (("东怀|那怀", "东怀|那怀|24"), ("东怀|百良", "东怀|百良|24"), "同村不同门牌"),
    (("东怀|3", None), ("东怀|那怀", None), "同村"),
    (("东怀|3", None), ("东怀|5", None), "同村不同组"),
])  # fmt: skip
def test_a_named_hamlet_and_a_numbered_group_may_be_one_place(left, right, level):
    """A roster writes 东怀村3组24号 where the police notice writes 东怀村那怀屯24号: which
    number the hamlet has is not known, so only different house numbers are two houses."""
    con = connect(":memory:")
    keys = [f"'城关|{key}'" if key else "NULL::VARCHAR" for key in (*left, *right)]
    row = ("SELECT 'police' AS registry_l, 'assistance' AS registry_r, '城关' AS township_l, "
           "'城关' AS township_r, '东怀' AS village_l, '东怀' AS village_r, "
           f"{keys[0]} AS address_area_l, {keys[1]} AS address_house_l, "
           f"{keys[2]} AS address_area_r, {keys[3]} AS address_house_r")  # fmt: skip
    levels = place_comparison()["comparison_levels"][1:-1]
    cases = " ".join(f"WHEN {item['sql_condition']} THEN '{item['label_for_charts']}'"
                     for item in levels)  # fmt: skip
    assert con.execute(f"SELECT CASE {cases} END FROM ({row})").fetchall()[0][0] == level


def _place_model(levels: dict[str, tuple[float | None, float | None]]) -> dict:
    return {"comparisons": [{"output_column_name": "place", "comparison_levels": [
        {"label_for_charts": label, "m_probability": m, "u_probability": u}
        for label, (m, u) in levels.items()
    ]}]}  # fmt: skip


def _weights(model: dict) -> dict[str, float]:
    return {level["label_for_charts"]: level["m_probability"] / level["u_probability"]
            for level in model["comparisons"][0]["comparison_levels"]}  # fmt: skip


def test_a_finer_place_never_weighs_less_and_two_groups_never_more_than_a_village():
    # as trained on a 南疆 county whose roster writes 2村 and its hukou 2村1组: a notice of
    # 10村3组 linked to a namesake of 10村5组 over the man of 10村3组
    model = _place_model({
        "同一门牌": (0.2, 0.0002), "同村不同门牌": (0.02, 0.0058), "同村同组": (0.0012, 1.6e-5),
        "同村不同组": (0.02, 1.6e-5), "同村": (0.05, 0.00045), "其他": (0.1, 0.87),
    })  # fmt: skip
    weights = _weights(bounded_weights(model))
    assert weights["同一门牌"] >= weights["同村同组"] >= weights["同村"]
    assert weights["同村不同组"] < weights["同村"] and weights["同村不同门牌"] < weights["同村"]
    assert weights["其他"] == pytest.approx(0.1 / 0.87)


def test_a_group_agreement_em_never_trained_weighs_as_the_village():
    model = _place_model({"同村同组": (None, 0.015), "同村": (1.0, 0.17)})
    weights = _weights(bounded_weights(model))
    assert weights["同村同组"] == pytest.approx(weights["同村"])


def test_a_village_em_saw_no_true_pair_in_neither_argues_against_nor_vetoes_two_houses():
    """A generator copying one address to every registry: EM gave 同村 an m of 6e-20, and
    two houses of one village, capped by it, vetoed a death notice carrying the member's
    exact ID (a blind tester's 650,000-person county: 五社41号 against 五社42号)."""
    model = _place_model({
        "同一门牌": (0.0681, 9.17e-7), "同村不同门牌": (0.02, 0.000116), "同村同组": (0.928, 0.00044),
        "同村不同组": (0.02, 0.00277), "同村": (6.01e-20, 1.93e-5), "其他": (0.1, 0.939),
    })  # fmt: skip
    weights = _weights(bounded_weights(model))
    assert weights["同村"] == pytest.approx(1.0)
    assert weights["同村不同门牌"] == pytest.approx(0.02)
    assert weights["同村不同组"] == pytest.approx(0.02)
    assert weights["同一门牌"] >= weights["同村同组"] >= weights["同村"]


def test_a_differing_phone_and_agreeing_damaged_id_digits_keep_their_floors():
    model = {"comparisons": [
        {"output_column_name": "phone", "comparison_levels": [
            {"label_for_charts": "电话相同", "m_probability": 0.997, "u_probability": 0.0003},
            {"label_for_charts": "其他", "m_probability": 0.003, "u_probability": 0.988}]},
        {"output_column_name": "id", "comparison_levels": [
            {"label_for_charts": "表格损坏的号码前段相同", "m_probability": 1.84e-8,
             "u_probability": 3e-6}]},
    ]}  # fmt: skip
    phone, id_levels = (item["comparison_levels"] for item in bounded_weights(model)["comparisons"])
    assert [level["m_probability"] for level in phone] == [0.997, 0.05]
    assert id_levels[0]["m_probability"] == 0.001
    trained = {"comparisons": [{"output_column_name": "phone", "comparison_levels": [
        {"label_for_charts": "其他", "m_probability": 0.3, "u_probability": 0.99}]}]}  # fmt: skip
    [level] = bounded_weights(trained)["comparisons"][0]["comparison_levels"]
    assert level["m_probability"] == 0.3


@pytest.mark.parametrize(("left", "right", "level"), [
    ((None, 1986), ("1986-06-12", 1986), "出生年份相同（一方只写了年份）"),
    ((None, 1986), ("1987-06-12", 1987), "其他"),
    ((None, 1986), (None, 1986), "出生年份相同（一方只写了年份）"),
    ((None, None), ("1986-06-12", 1986), "空值"),
    (("1986-01-01", 1986), ("1986-06-12", 1986), "同年"),
])  # fmt: skip
def test_a_birth_year_written_alone_is_compared_by_its_year(left, right, level):
    """A blind tester's roster rows writing the birth year alone (1986) were weighed as
    rows without a birth date (空值), the year of the other row's date unseen: second
    enrollments spelt another way scored too low to be leads. The same year is evidence for
    the pair's own level, neutral (a reviewer's stranger of one name and year was merged
    while it weighed +6 bits: ``test_link``); another year, evidence against. A made-up
    1 January would have been the weak 同年."""
    levels = dob_comparison()["comparison_levels"]
    cases = " ".join(f"WHEN {item['sql_condition']} THEN '{item['label_for_charts']}'"
                     for item in levels[:-1])  # fmt: skip
    row = ("SELECT ?::DATE AS dob_l, ?::INT AS birth_year_l, ?::DATE AS dob_r, "
           "?::INT AS birth_year_r, NULL::VARCHAR AS id18_l, NULL::VARCHAR AS id18_r, "
           "NULL::VARCHAR AS id_prefix_l, NULL::VARCHAR AS id_prefix_r, "
           "NULL::VARCHAR AS id_text_l, NULL::VARCHAR AS id_text_r")  # fmt: skip
    found = connect(":memory:").execute(f"SELECT CASE {cases} ELSE '其他' END FROM ({row})",
                                        [*left, *right]).fetchall()  # fmt: skip
    assert found == [(level,)]
    same_year = next(item for item in levels if "只写了年份" in item["label_for_charts"])
    assert same_year["m_probability"] == same_year["u_probability"]
    assert same_year["fix_m_probability"] and same_year["fix_u_probability"]
