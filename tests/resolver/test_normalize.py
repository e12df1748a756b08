from datetime import date
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from resolver.idcard import check_char
from resolver.normalize import (
    _ADDRESS_TAIL,
    NORMALIZERS,
    RELATION_CODES,
    WAN,
    _address_tails,
    code_label,
    fold_all,
    fuzzy_pinyin,
    normalize_address,
    normalize_amount,
    normalize_date,
    normalize_distinct,
    normalize_month,
    normalize_months,
    normalize_name,
    normalize_township,
    normalize_village,
    outputs_of,
    pinyin_key,
    read_relation_code,
    relation_code_table,
)
from resolver.quality import problem_label


@pytest.mark.parametrize("raw", ["2020-03-02", "2020/3/2", "20200302", "2020年3月2日",
                                 "２０２０－０３－０２", "2020-03-02 00:00:00", "43892"])  # fmt: skip
def test_every_contract_date_format(raw):
    assert normalize_date(raw) == ((date(2020, 3, 2),), None)


@pytest.mark.parametrize("raw", ["Mon Mar 02 00:00:00 CST 2020", "2020-03-02T00:00:00.000+08:00",
                                 "2020-03-01T16:00:00.000Z", "2020-03-02T00:00:00Z",
                                 "20200302000000", "2020年03月02日 00时00分"])  # fmt: skip
def test_dates_as_java_and_javascript_systems_write_them(raw):
    # Date.toString, ISO 8601 instants (an XLSX t="d" cell too: the day it is in China) and
    # 14-digit stamps were all date_unparsed
    assert normalize_date(raw) == ((date(2020, 3, 2),), None)
    assert normalize_month(raw) == (("2020-03",), None)


@pytest.mark.parametrize("raw", ["20201302000000", "20200302250000", "532326195001101005",
                                 "Mon Foo 02 00:00:00 CST 2020"])  # fmt: skip
def test_digits_that_are_no_timestamp_are_no_date(raw):
    assert normalize_date(raw) == ((None,), "date_unparsed")


@pytest.mark.parametrize("raw", ["2020-13-01", "2020-02-30", "昨天", "2020"])
def test_unparsable_dates_are_findings(raw):
    assert normalize_date(raw) == ((None,), "date_unparsed")


@pytest.mark.parametrize("raw", ["1886-01-01", "1886年1月1日", "2206/5/1", "1/13/1886",
                                 "1886-01-01T00:00:00Z", "1886年1月", "99999"])  # fmt: skip
def test_a_date_read_but_out_of_range_is_implausible_not_unreadable(raw):
    # a blind tester's 出生日期 1886-01-01 was 日期无法识别: it reads, it is only no real date
    assert normalize_date(raw) == ((None,), "date_implausible")


@pytest.mark.parametrize("raw", ["2206-01", "220601", "2206年1月", "1889-12", "2101/1",
                                 "1/1/1882", "2206年第一季度"])  # fmt: skip
def test_a_month_of_a_year_out_of_range_is_implausible_as_such_a_date_is(raw):
    # a pay month 2206-01 read as written, and 1/1/1882 was no month of the unreadable ones
    assert normalize_months(raw) == ((None, None), "date_implausible")
    assert normalize_months("1890-01") == (("1890-01", "1890-01"), None)
    assert normalize_months("2100年10-12月") == (("2100-10", "2100-12"), None)


@pytest.mark.parametrize("raw", ["2024-03", "2024/3", "202403", "2024年3月", "2024-03-15"])
def test_months(raw):
    assert normalize_month(raw) == (("2024-03",), None)


@pytest.mark.parametrize("raw", ["'2020-03-02", '="2020-03-02"', "＇2020/3/2", " '2020年3月2日",
                                 "'20200302", "\u200b2020-03-02"])  # fmt: skip
def test_dates_a_spreadsheet_keeps_as_text_are_read_as_written(raw):
    # the quoting IDs and 救助证号 lose was left on dates: every such date was date_unparsed
    assert normalize_date(raw) == ((date(2020, 3, 2),), None)
    assert normalize_month(raw) == (("2020-03",), None)
    outputs, problems = normalize_distinct("date", pa.array([raw, "2020-03-02"]))
    assert (outputs[0].to_pylist(), problems.to_pylist()) == ([date(2020, 3, 2)] * 2, [None] * 2)
    assert normalize_month('="2024年3月"') == (("2024-03",), None)
    assert normalize_date("'") == ((None,), None)  # the quote alone is a blank cell


@pytest.mark.parametrize(("raw", "day"), [("23-5-6", date(2023, 5, 6)), ("24/11/6", date(2024, 11, 6)),
                                          ("29.1.31", date(2029, 1, 31)), ("30-1-31", date(1930, 1, 31)),
                                          ("56年3月2日", date(1956, 3, 2)), ("'24-11-6", date(2024, 11, 6))])  # fmt: skip
def test_a_two_digit_year_is_completed_as_excel_completes_it_and_says_so(raw, day):
    assert normalize_date(raw) == ((day,), "year_completed")
    assert normalize_month(raw) == ((f"{day:%Y-%m}",), "year_completed")


def test_a_month_with_a_two_digit_year_is_completed_and_says_so():
    assert normalize_month("24年11月") == (("2024-11",), "year_completed")
    assert normalize_month("98年1月份") == (("1998-01",), "year_completed")
    assert normalize_month("24年13月") == ((None,), "month_unparsed")
    assert normalize_date("23-13-6") == ((None,), "date_unparsed")
    assert normalize_month("24-11") == ((None,), "month_unparsed")  # 2024-11 or November 24?


@pytest.mark.parametrize(
    ("raw", "amount"),
    [("520", "520.00"), ("1,234.5元", "1234.50"), ("￥ 300", "300.00"), ("２８０", "280.00")],
)
def test_amounts_are_exact_decimals(raw, amount):
    assert normalize_amount(raw) == ((Decimal(amount),), None)


@pytest.mark.parametrize("raw", ["2021年12月", "2021.12", "202112", "2021-12"])
def test_a_month_alone_as_a_date_is_its_first_day_and_says_so(raw):
    assert normalize_date(raw) == ((date(2021, 12, 1),), "date_month_only")


@pytest.mark.parametrize("raw", ["2025.1", "2025.1 "])
def test_a_month_that_may_be_january_or_october_is_never_read_as_january(raw):
    assert normalize_month(raw) == ((None,), "month_ambiguous")
    assert normalize_date(raw) == ((None,), "month_ambiguous")
    assert normalize_month("2025.10") == (("2025-10",), None)
    assert normalize_month("2024年11月份") == (("2024-11",), None)


@pytest.mark.parametrize(
    ("raw", "amount", "problem"),
    [("700元/月", "700", None), ("柒佰元整", "700", None), ("壹仟零伍拾元伍角", "1050.5", None),
     ("壹万贰仟叁佰肆拾伍元陆角柒分", "12345.67", None), ("(700.00)", "-700", "amount_in_brackets"),
     ("（1,200）", "-1200", "amount_in_brackets"), ("（430.00）", "-430", "amount_in_brackets"), ("(-430)", "-430", "amount_in_brackets"),
     ("350.456", "350.46", "amount_sub_cent"),
     ("333.335", "333.34", "amount_sub_cent"), ("1234.5000000000002", "1234.5", None)],
)  # fmt: skip
def test_amounts_as_offices_write_them(raw, amount, problem):
    assert normalize_amount(raw) == ((Decimal(amount).quantize(Decimal("0.01")),), problem)


@pytest.mark.parametrize(
    ("raw", "amount", "problem"),
    [("0.062万元", "620", "amount_in_wan"), ("￥1,234.5万", "12345000", "amount_in_wan"),
     (" 0.3 万元 ", "3000", "amount_in_wan"), ("-0.0455万", "-455", "amount_in_wan"),
     ("3万", "30000", "amount_in_wan"), ("0.0620001万", "620", "amount_sub_cent"),
     ("壹万贰仟", "12000", None)],
)  # fmt: skip
def test_an_amount_in_wan_yuan_is_read_in_yuan_exact_to_the_fen(raw, amount, problem):
    # 0.062万元 was unread (amount_unparsed): the payment lost, a death lead 620 元 short
    assert normalize_amount(raw) == ((Decimal(amount).quantize(Decimal("0.01")),), problem)


@pytest.mark.parametrize(
    ("raw", "amount", "problem"),
    [("0.062", "620", None), ("6.2E-02", "620", None), ("0", "0", None),
     ("(0.005)", "-50", "amount_in_brackets"), ("（0.005万）", "-50", "amount_in_brackets"),
     ("-0.005", "-50", None), ("0.0620001", "620", "amount_sub_cent"),
     ("620元", "620", None), ("620.00元", "620", None), ("￥620", "620", None),
     ("RMB 620", "620", None), ("333元/人", "333", "amount_per_head"),
     ("0.062万", "620", None), ("壹佰元", "100", None)],
)  # fmt: skip
def test_a_number_under_a_wan_yuan_header_is_scaled_exact_unless_it_names_its_unit(raw, amount,
                                                                                   problem):  # fmt: skip
    # the header's 万 was written after the cell's text: 620元 read 6,200,000.00, (0.005) and
    # 6.2E-02 unread; then each number, 0 too, had amount_in_wan beside the column's note
    assert normalize_amount(raw, WAN) == ((Decimal(amount).quantize(Decimal("0.01")),), problem)


@pytest.mark.parametrize(
    ("raw", "amount"),
    [("0.45/人", "4500"), ("0.062/户", "620"), ("0.45每人", "4500"), ("0.03/人/月", "300")],
)  # fmt: skip
def test_a_rate_per_head_under_a_wan_yuan_header_counts_in_wan_yuan(raw, amount):
    # /人 and /户 were taken for a unit of the cell's own: 0.45/人 read 0.45 元, not 4,500
    assert normalize_amount(raw, WAN) == ((Decimal(amount).quantize(Decimal("0.01")),),
                                          "amount_per_head")  # fmt: skip


@pytest.mark.parametrize("raw", ["-", "—", "万", "—万", "-万"])
def test_a_dash_or_a_lone_wan_is_no_amount(raw):
    # 万 alone read as 大写 0 (and —万 as -0): a dash under a 万元 header became a silent 0.00
    assert normalize_amount(raw, WAN) == ((None,), "amount_unparsed")
    assert normalize_amount(raw) == ((None,), "amount_unparsed")


@pytest.mark.parametrize(
    "raw", ["-1,000", "\u22121000.00元", "－1000", "负1000", "1000-", "负壹仟元"]
)
def test_a_refund_is_negative_however_its_minus_is_written(raw):
    # a 追回 line typed as −1000 (Word's minus), 负1000 or 1000- was unread, and the lead
    # reported the money it recovered as still at risk
    assert normalize_amount(raw) == ((Decimal("-1000.00"),), None)
    assert normalize_amount(f"-{raw}")[0] == (None,)  # never a double minus


@pytest.mark.parametrize("raw", ["999999999999.995", "1000000000000", "-999999999999.996", "1e30",
                                 "(999999999999.999)"])  # fmt: skip
def test_an_amount_past_the_largest_once_rounded_to_the_fen_is_a_finding(raw):
    # 999999999999.995 rounds to 1,000,000,000,000.00: more than DECIMAL(14,2) holds
    assert normalize_amount(raw) == ((None,), "amount_too_large")
    assert normalize_amount("999999999999.994") == (
        (Decimal("999999999999.99"),),
        "amount_sub_cent",
    )


@pytest.mark.parametrize("raw", ["3,20", "320,50", "1 234,50", "12,34.00", "1,2345"])
def test_a_comma_that_groups_no_thousands_leaves_the_amount_unknown(raw):
    assert normalize_amount(raw) == ((None,), "amount_comma")
    assert normalize_amount("1，234，567.8") == ((Decimal("1234567.80"),), None)


@pytest.mark.parametrize(("raw", "code"), [("享受", "yes"), ("保障", "yes"), ("是（户主）", "yes"),
                                           ("不享受", "no"), ("否(迁出)", "no"), ("正常", "yes"),
                                           ("正常保障", "yes"), ("保障中", "yes"), ("在保", "yes"),
                                           ("暂停", "no"), ("终止", "no"), ("注销", "no"),
                                           ("已退出", "no"), ("已停保", "no"), ("✓", "yes"),
                                           ("✔", "yes"), ("✗", "no"), ("✘", "no")])  # fmt: skip
def test_covered_flags_as_offices_write_them(raw, code):
    assert NORMALIZERS["yes_no"](raw) == ((code,), None)


def test_an_excel_error_is_a_finding_of_its_own_not_a_blank():
    outputs, problems = normalize_distinct("name", pa.array(["张三", "#N/A", " #REF! "]))
    assert outputs[0].to_pylist() == ["张三", None, None]
    assert problems.to_pylist() == [None, "excel_error", "excel_error"]


def test_names_are_simplified_without_spaces_with_a_pinyin_key():
    assert normalize_name(" 劉 華 ") == (("刘华", "liu hua", "liu hua"), None)
    assert normalize_name("李玲")[0] == ("李玲", "li ling", "li lin")
    assert normalize_name("阿依古丽•买买提")[0][0] == "阿依古丽·买买提"
    assert normalize_name("王丽2")[1] == "name_unusual_chars"


@pytest.mark.parametrize("raw", ["吐尔洪·买买提", "吐尔洪•买买提", "吐尔洪.买买提", "吐尔洪・买买提",
                                 "吐尔洪。买买提", "吐尔洪-买买提", "吐尔洪－买买提", "吐尔洪—买买提"])  # fmt: skip
def test_the_separator_before_a_fathers_name_is_the_dot_however_typed(raw):
    # 。 is what a Chinese input method types for "."; a dash where a system takes no dot
    assert normalize_name(raw) == (("吐尔洪·买买提", "tu er hong mai mai ti",
                                    "tu er hong mai mai ti"), None)  # fmt: skip


@pytest.mark.parametrize("raw", ["—", "-", "·", "。"])
def test_a_dash_or_a_dot_for_no_name_is_kept_as_written_and_a_finding(raw):
    assert normalize_name(raw) == ((raw, None, None), "name_unusual_chars")


@pytest.mark.parametrize("raw", ["赵\u200b六", "\ufeff赵六", "赵六\u2060", "赵\u00ad六"])
def test_names_lose_the_invisible_characters_a_copied_cell_carries(raw):
    assert normalize_name(raw) == (("赵六", "zhao liu", "zao liu"), None)


@pytest.mark.parametrize("raw", ["𠮷祥", "王𬌗", "李\U00030000"])
def test_names_in_the_cjk_extensions_beyond_gbk_are_chinese_names(raw):
    assert normalize_name(raw)[1] is None


def test_homophones_share_a_pinyin_key():
    assert pinyin_key("王丽") == pinyin_key("王莉") == "wang li"


@pytest.mark.parametrize(
    ("first", "second"), [("李玲芳", "李琳芳"), ("张成", "章琛"), ("牛兰", "刘岚")]
)
def test_sounds_merged_in_local_speech_share_a_fuzzy_key(first, second):
    assert fuzzy_pinyin(pinyin_key(first)) == fuzzy_pinyin(pinyin_key(second))


def test_fuzzy_key_still_tells_different_names_apart():
    assert fuzzy_pinyin(pinyin_key("王丽")) != fuzzy_pinyin(pinyin_key("汪磊"))


@pytest.mark.parametrize(("raw", "stem"), [("石羊镇", "石羊"), ("石羊", "石羊"), (" 石羊 鎮", "石羊"),
                                           ("湾碧傣族傈僳族乡", "湾碧"), ("金碧街道", "金碧")])  # fmt: skip
def test_township_suffixes(raw, stem):
    assert normalize_township(raw) == ((stem,), None)


@pytest.mark.parametrize("raw", ["石羊村委会第三组", "石羊村3组", "石羊村民委员会三社", "石羊村（3组）",
                                 "石羊村(三组)"])  # fmt: skip
def test_village_forms(raw):
    assert normalize_village(raw) == (("石羊村3组", "石羊|3"), None)


@pytest.mark.parametrize(
    ("raw", "name"),
    [("曾云福(户主)", "曾云福"), ("曾云福\n（户主）", "曾云福"), ("李芳（妻）", "李芳"),
     ("王强【已故】", "王强"), ("张伟 (代领)", "张伟"), ("刘华（刘化）", "刘华")],
)  # fmt: skip
def test_a_note_in_brackets_beside_a_name_is_no_part_of_the_name(raw, name):
    # 曾云福(户主) was compared with its brackets (name_unusual_chars): heads lost their link
    (read, key, _), problem = normalize_name(raw)
    assert (read, problem) == (name, "name_annotated")
    assert key == normalize_name(name)[0][1]
    assert normalize_name("(户主)")[1] == "name_unusual_chars"  # nothing outside: as written


@pytest.mark.parametrize(
    ("raw", "read"),
    [("户主(曾云福)", "户主(曾云福)"), ("代领人（张三）", "代领人(张三)"), ("王(强)", "王(强)"),
     ("李芳(妻)张三", "李芳(妻)张三"), ("玛丽·(Mary)", "玛丽·(Mary)"), ("(曾云福)户主", "(曾云福)户主"),
     ("(王)强", "(王)强"), ("(Mary)·玛丽", "(Mary)·玛丽"),
     # a review: the name is in the brackets, the word after it no name (之妻 read as a name)
     ("(张三)之妻", "(张三)之妻"), ("(张三)家属", "(张三)家属"), ("(大)次仁", "(大)次仁")],
)  # fmt: skip
def test_brackets_that_are_no_note_after_a_name_are_kept_as_written(raw, read):
    # the brackets were dropped wherever they stood: 户主(曾云福) read 户主, 王(强) 王,
    # 李芳(妻)张三 李芳张三, 玛丽·(Mary) 玛丽·, each as a name with a note beside it
    assert normalize_name(raw)[0][0] == read
    assert normalize_name(raw)[1] == "name_unusual_chars"


@pytest.mark.parametrize(
    ("raw", "name"),
    [("李芳（妻）（已故）", "李芳"), ("张三(曾用名张山)", "张三"), ("曾云福()", "曾云福")],
)
def test_notes_trailing_a_name_are_left_out_of_it(raw, name):
    assert normalize_name(raw)[0][0] == name
    assert normalize_name(raw)[1] == "name_annotated"


@pytest.mark.parametrize(
    ("raw", "name"),
    [("(户主)曾云福", "曾云福"), ("（已故）张三", "张三"), ("[代领]李四", "李四"), ("（妻）王莉", "王莉"),
     ("(户主)曾云福(已故)", "曾云福")],
)  # fmt: skip
def test_notes_before_a_name_are_left_out_of_it(raw, name):
    # read as written (姓名含异常字符) since the rule kept only trailing notes: a county writing
    # （户主） before each head's name lost its heads' links
    assert normalize_name(raw)[0][0] == name
    assert normalize_name(raw)[1] == "name_annotated"


@pytest.mark.parametrize("mark", ["*", "√", "。", "✓", "★", "、"])
def test_a_mark_a_clerk_added_after_a_names_note_goes_with_the_note(mark):
    # 张三(户主)* was read as written (姓名含异常字符): the mark hid the note
    assert normalize_name(f"张三(户主){mark}")[0][0] == "张三"
    assert normalize_name(f"张三(户主){mark}")[1] == "name_annotated"


def test_a_mark_after_a_name_without_a_note_is_still_asked_about():
    assert normalize_name("张三*") == (("张三*", "zhang san *", "zang san *"), "name_unusual_chars")


@pytest.mark.parametrize("raw", ["巴彦嘎查", "巴彦村", "巴彦嘎查委员会", "巴彦村委会"])
def test_a_gacha_and_a_village_of_one_name_are_one_village(raw):
    assert normalize_village(raw)[0][1] == "巴彦"


@pytest.mark.parametrize("raw", [
    "金碧镇大坪村3组25号", "云南省楚雄彝族自治州大姚县金碧镇大坪村3组25号", "大姚县金碧镇大坪村三组25",
    "金碧镇大坪村委会第三组25号", "金碧镇 大坪村 3社 25号",
])  # fmt: skip
def test_one_house_written_many_ways_gives_one_set_of_parts(raw):
    assert normalize_address(raw)[0][1:] == ("金碧", "大坪", "3", "25")


@pytest.mark.parametrize(("raw", "parts"), [
    ("四川省甘孜藏族自治州理塘县村戈乡雄坝村4组12号", ("村戈", "雄坝", "4", "12")),
    ("理塘县村戈乡雄坝村", ("村戈", "雄坝", None, None)),
    ("新村镇新村村2组7号", ("新村", "新村", "2", "7")),
])  # fmt: skip
def test_a_township_whose_name_holds_cun_is_a_township(raw, parts):
    # 村戈乡 was read as the village 村戈乡雄坝, no township: a police notice lost its 同村
    assert normalize_address(raw)[0][1:] == parts


@pytest.mark.parametrize(("raw", "parts"), [
    ("红水县城关镇东怀村那怀屯12号", ("城关", "东怀", "那怀", "12")),
    ("城关镇东怀村委会那怀屯12", ("城关", "东怀", "那怀", "12")),
    ("高坡乡高坡村大寨5号", ("高坡", "高坡", "大", "5")),
    ("东怀村那怀自然村12号", (None, "东怀", "那怀", "12")),
    ("东怀村那怀屯", (None, "东怀", "那怀", None)),
    ("东怀村那怀屯3组12号", (None, "东怀", "3", "12")),  # a hamlet of numbered groups
    ("东怀村3组那怀屯12号", (None, "东怀", "3", "12")),
])  # fmt: skip
def test_a_hamlet_named_after_its_village_is_the_village_group(raw, parts):
    # Guangxi and Guizhou write 村XX屯: nothing was read, and a police notice lost its village
    assert normalize_address(raw)[0][1:] == parts


@pytest.mark.parametrize(("raw", "parts"), [
    ("李家屯村5组12号", (None, "李家屯", "5", "12")),
    ("李家屯村12号", (None, "李家屯", None, "12")),
    ("李家屯村那怀屯12号", (None, "李家屯", "那怀", "12")),
    ("王寨村3组8号", (None, "王寨", "3", "8")),
    ("寨子村12号", (None, "寨子", None, "12")),
    ("屯堡镇寨子村那怀寨3号", ("屯堡", "寨子", "那怀", "3")),
    ("屯堡镇王家寨12号", (None, None, None, None)),  # no village word: no hamlet of one
])  # fmt: skip
def test_a_village_or_township_named_with_tun_or_zhai_is_no_hamlet(raw, parts):
    assert normalize_address(raw)[0][1:] == parts


@pytest.mark.parametrize(("raw", "key"), [
    ("东怀村那怀屯", "东怀|那怀"), ("东怀村委会那怀屯", "东怀|那怀"), ("东怀村那怀自然村", "东怀|那怀"),
    ("巴彦嘎查那怀屯", "巴彦|那怀"), ("李家屯村大寨", "李家屯|大"), ("李家屯村", "李家屯"),
    ("王寨村", "王寨"), ("寨子村", "寨子"), ("东怀村3组", "东怀|3"),
])  # fmt: skip
def test_a_villages_hamlet_is_its_group_key(raw, key):
    assert normalize_village(raw)[0][1] == key


def test_an_address_that_does_not_read_as_places_is_text_only():
    assert normalize_address("县城北门外老粮站宿舍") == (("县城北门外老粮站宿舍", None, None, None, None),
                                                      None)  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "raw", "code"),
    [
        ("disability_level", "一级", 1),
        ("disability_level", "4", 4),
        ("disability_type", "智力残疾", "intellectual"),
        ("yes_no", "是", "yes"),
        ("dibao_class", "B类", "B"),
        ("program", "农村低保", "dibao"),
        ("program", "特困供养", "tekun"),
        ("program", "农村特困供养人员", "tekun"),
        ("program", "城市居民最低生活保障", "dibao"),
        ("program", "临时救助", "temporary"),
        ("program", "临时救助对象", "temporary"),
        ("disability_level", "二级残疾", 2),
        ("poverty_status", "突发严重困难户", "monitored"),
        ("dibao_class", "B档", "B"),
        ("poverty_status", "脱贫监测户", "monitored"),
        ("poverty_status", "返贫", "relapsed"),
        ("poverty_status", "返贫户", "relapsed"),
        ("health", "患有大病", "serious_illness"),
        ("gender", "女", "F"),
        ("relation", "长子", "child"),
        ("relation", "外甥", "relative"),
        # a collective hukou's member (集体户), however written: related to no one in it
        ("relation", "集体户成员", "collective"),
        ("relation", "集体户口", "collective"),
        ("relation", "单位集体户人员", "collective"),
        # no relative of the head: a lodger or a stranger in the 户
        ("relation", "非亲属", "not_kin"),
        ("relation", "借住", "not_kin"),
        ("relation", "户主的非亲属", "not_kin"),
        ("relation", "其他", "other"),
        # as offices write them: Roman and 大写 numerals, a trailing 类, 档 and 甲乙丙 classes
        ("disability_level", "Ⅱ级", 2),
        ("disability_level", "Ⅳ级", 4),
        ("disability_level", "贰级", 2),
        ("disability_level", "壹级", 1),
        ("disability_level", "02", 2),
        ("disability_type", "肢体类", "physical"),
        ("disability_type", "视力类残疾", "visual"),
        ("dibao_class", "一档", "A"),
        ("dibao_class", "丙类", "C"),
        ("dibao_class", "低保A类", "A"),  # the class beside its program (until 2026-12-06
        ("dibao_class", "城市低保二类", "B"),  # 取值不在标准代码中)
        ("dibao_class", "C类低保", "C"),
        ("death_source", "卫健局", "health"),
        ("death_source", "火化", "funeral"),
        ("death_source", "公安机关", "police"),
        ("poverty_status", "脱贫不享受政策", "lifted"),
        ("health", "残疾人", "disabled"),
        ("relation", "侄子", "relative"),  # a relative no other code names (until the
        ("relation", "其他亲属", "relative"),  # review of 2026-12-06 ``other``, as 其他 is)
        ("relation", "远房亲戚", "relative"),
        ("relation", "其他", "other"),
        ("count", "三", 3),
        ("count", "十二人", 12),
    ],
)
def test_enumerations_map_to_codes(kind, raw, code):
    assert NORMALIZERS[kind](raw) == ((code,), None)


@pytest.mark.parametrize(("raw", "level"), [
    ("极重度", 1), ("重度", 2), ("中度", 3), ("轻度", 4), ("重度残疾", 2), ("二级重度", 2),
    ("极重度一级", 1), ("三级（中度）", 3), ("4级轻度", 4),
])  # fmt: skip
def test_the_standards_severity_words_are_levels(raw, level):
    # GB/T 26341: 一级 极重度, 二级 重度, 三级 中度, 四级 轻度; until 2026-12-06 取值不在标准代码中
    assert NORMALIZERS["disability_level"](raw) == ((level,), None)


@pytest.mark.parametrize(("raw", "code"), [
    ("丧失劳动能力", "lost"), ("完全丧失劳动能力", "lost"), ("部分丧失劳动能力", "weak"),
])  # fmt: skip
def test_the_documents_words_for_capacity_to_work_are_labour_codes(raw, code):
    # 大姚 and 兴安盟 write 丧失劳动能力; until 2026-12-07 (late) 取值不在标准代码中, and a
    # household of such members was no 零劳力 household nor a 特困 lead
    assert NORMALIZERS["labor_capacity"](raw) == ((code,), None)


def test_an_unread_labour_capacity_says_what_it_costs():
    # 无劳动能力 may be 丧失劳动力 or 无劳动力 (a child): left to the office to write
    assert NORMALIZERS["labor_capacity"]("无劳动能力") == ((None,), "labor_capacity_unknown")
    said = problem_label("labor_capacity_unknown")
    assert "零劳力" in said and "特困" in said


def test_unknown_enumeration_value_is_a_finding():
    assert NORMALIZERS["disability_level"]("五级") == ((None,), "disability_level_unknown")


@pytest.mark.parametrize(
    ("raw", "code"),
    [("子女", "child"), ("父母", "parent"), ("孙子女", "grandchild"), ("户主本人", "head"),
     ("儿媳或女婿", "child_in_law"), ("兄弟姐妹", "sibling")],
)  # fmt: skip
def test_the_relation_labels_doudi_writes_read_back(raw, code):
    assert NORMALIZERS["relation"](raw) == ((code,), None)
    assert NORMALIZERS["relation"](code_label("relation", code)) == ((code,), None)


@pytest.mark.parametrize(("code", "relation"), [
    ("01", "head"), ("02", "head"), ("11", "spouse"), ("27", "child"), ("28", "child_in_law"),
    ("38", "child_in_law"), ("44", "grandchild"), ("45", "relative"), ("55", "parent"),
    ("65", "grandparent"), ("66", "relative"), ("73", "sibling"), ("74", "relative"),
    ("80", "other"), ("93", "relative"), ("97", "relative"), ("99", "not_kin"),
])  # fmt: skip
def test_a_national_relation_code_is_the_relation_its_word_is(code, relation):
    # GB/T 4761-2008 表 2: 28 女婿, 45 孙媳妇, 55 岳父, 66 曾祖父, 74 弟媳, 80 其他, 93 侄子
    assert read_relation_code(code, RELATION_CODES) == ((relation,), None)
    word = {"28": "女婿", "45": "孙媳妇", "55": "岳父", "66": "曾祖父", "74": "弟媳", "80": "其他",
            "93": "侄子", "99": "非亲属"}.get(code)  # fmt: skip
    assert word is None or NORMALIZERS["relation"](word) == ((relation,), None)


@pytest.mark.parametrize(("raw", "relation"), [
    ("姐姐", "sibling"), ("哥哥", "sibling"), ("四子", "child"), ("五女", "child"),
    ("二儿子", "child"), ("养子或继子", "child"), ("儿媳妇", "child_in_law"), ("之妻", "spouse"),
    ("老伴", "spouse"), ("继父", "parent"), ("养母", "parent"), ("奶奶", "grandparent"),
    ("外婆", "grandparent"), ("之孙", "grandchild"), ("堂兄弟", "relative"),
    ("外孙媳妇", "relative"), ("重孙", "relative"), ("姨夫", "relative"),
])  # fmt: skip
def test_the_standards_words_and_common_spellings_are_read_without_a_finding(raw, relation):
    # GB/T 4761 writes 75 姐姐, 77 妹妹, 25 四子, 57 继父或养父 …, offices 哥哥, 儿媳妇, 奶奶:
    # each was 其他, and for the 2026-12-07 change a finding (与户主关系无法识别) on every
    # such cell of a real 户籍 file
    assert NORMALIZERS["relation"](raw) == ((relation,), None)


def test_a_relation_code_outside_its_table_is_other_and_a_finding():
    table = relation_code_table(["02", "20"])
    assert read_relation_code("2", table) == (("head",), None)  # 02 without its 0
    assert read_relation_code("98", table) == (("other",), "relation_unlisted")
    assert read_relation_code("5", table) == (("other",), "relation_unlisted")


@pytest.mark.parametrize("raw", ["祖父", "祖母", "外祖父", "外祖母", "祖父母", "外祖父母"])
def test_a_grandparent_is_a_grandparent_not_other(raw):
    # A grandparent raising the grandchildren is shown 祖父母 on the ledger and the 两评 forms.
    assert NORMALIZERS["relation"](raw) == (("grandparent",), None)
    assert code_label("relation", "grandparent") == "祖父母"


@pytest.mark.parametrize(
    "raw", ["低保边缘", "低保边缘家庭", "低保边缘家庭成员", "非低保", "不是特困"]
)
def test_a_group_named_after_a_program_is_no_program(raw):
    assert NORMALIZERS["program"](raw) == ((None,), "program_unknown")


def test_phone_and_account():
    assert NORMALIZERS["phone"]("+86 138-0000-1234") == (("13800001234",), None)
    assert NORMALIZERS["phone"]("12345")[1] == "phone_malformed"
    assert NORMALIZERS["account"]("6.22848E+18") == ((None,), "account_damaged")
    assert NORMALIZERS["account"]("6228 4800 1234 5678 901") == (("6228480012345678901",), None)


def test_cert_number_holds_the_holders_id_type_and_level():
    outputs, problem = NORMALIZERS["cert"]("53232619900101123562")
    assert outputs == ("53232619900101123562", "532326199001011235", "mental", 2)
    assert problem is None


@pytest.mark.parametrize(("written", "holder", "level"), [
    ("53232619850802158554B1", "532326198508021585", 4),  # reissued (换证): a suffix
    ("53232619850802158554b2", "532326198508021585", 4),
    ("53232685080215854", "532326198508021585", 4),  # on a first-generation 15-digit ID
])  # fmt: skip
def test_a_reissued_certificate_or_one_on_a_15_digit_id_is_read(written, holder, level):
    # until 2026-12-07 both were 残疾证号格式错误: a blank 残疾等级 was not read from them
    outputs, problem = NORMALIZERS["cert"](written)
    assert outputs[1:] == (holder, "intellectual", level) and problem is None


ANY_TEXT = st.text(
    alphabet=st.characters(codec="utf-8")
    | st.sampled_from(list("0123456789Xx年月日-/.,元镇乡村组第一二三劉華 \t　１２")),
    max_size=30,
)


@settings(deadline=None, max_examples=300)
@given(kind=st.sampled_from(sorted(NORMALIZERS)), raw=ANY_TEXT)
def test_no_input_crashes_a_normaliser(kind, raw):
    outputs, problem = NORMALIZERS[kind](raw)
    assert isinstance(outputs, tuple)
    assert problem is None or isinstance(problem, str)


TEXT_KINDS = ["code", "text", "name", "id", "township", "village", "phone", "account", "cert"]


@settings(deadline=None, max_examples=300)
@given(kind=st.sampled_from([*TEXT_KINDS, "month", "date", "amount", "count", "relation"]),
       raw=ANY_TEXT)  # fmt: skip
@example(kind="id", raw="×¨")  # the times sign read as X before NFKC joins the accent to it
def test_normalising_is_idempotent(kind, raw):
    normalize = NORMALIZERS[kind]
    first = normalize(raw)[0][0]
    if first is None:
        return
    assert normalize(str(first))[0][0] == first


# First 17 characters of an ID: real and unreal regions, birth dates and leap days.
FIRST17 = st.from_regex(
    r"\A[0-9]{6}(18|19|20|21)[0-9]{2}(0[0-9]|1[0-3])([0-2][0-9]|3[0-2])[0-9]{3}\Z"
)
ID_LIKE = st.one_of(
    FIRST17.map(lambda first: first + check_char(first)),
    st.builds(lambda first, last: first + last, FIRST17, st.sampled_from("0123456789Xx")),
    st.sampled_from(["53232620000229123X", "532326190002291234", "53232619000101123"]),
    st.text(max_size=20),
)


def one_at_a_time(kind: str, values: list[str]) -> tuple[list[list], list]:
    results = [NORMALIZERS[kind](value) for value in values]
    outputs = [[result[0][index] for result in results] for index in range(len(outputs_of(kind)))]
    return outputs, [result[1] for result in results]


def all_at_once(kind: str, values: list[str]) -> tuple[list[list], list]:
    outputs, problems = normalize_distinct(kind, pa.array(values, pa.string()))
    return [output.to_pylist() for output in outputs], problems.to_pylist()


CODE_LIKE = st.one_of(st.from_regex(r"\A[0-9A-Za-z]{1,12}\Z"), st.text(max_size=12))
PHONE_LIKE = st.one_of(st.from_regex(r"\A1[0-9]{10}\Z"), st.from_regex(r"\A[0-9+ -]{0,14}\Z"),
                       st.text(max_size=14))  # fmt: skip


DATE_LIKE = st.one_of(
    st.from_regex(r"\A(18|19|20|21)[0-9]{2}-(0[0-9]|1[0-3])-([0-2][0-9]|3[0-2])\Z"),
    st.from_regex(r"\A[0-9]{4}[-/.年][0-9]{1,2}[-/.月][0-9]{1,2}[日号]?\Z"),
    st.from_regex(r"\A(18|19|20|21)[0-9]{2}(0[0-9]|1[0-3])([0-2][0-9]|3[0-2])\Z"),
    st.text(max_size=12),
)


@settings(max_examples=200)
@given(st.lists(DATE_LIKE, max_size=30, unique=True))
def test_normalising_many_dates_agrees_with_one_at_a_time(values):
    assert all_at_once("date", values) == one_at_a_time("date", values)


@settings(max_examples=300)
@given(st.lists(ID_LIKE, max_size=40, unique=True))
def test_normalising_many_ids_agrees_with_one_at_a_time(values):
    assert all_at_once("id", values) == one_at_a_time("id", values)


@settings(max_examples=200)
@given(
    st.lists(CODE_LIKE, max_size=30, unique=True), st.lists(PHONE_LIKE, max_size=30, unique=True)
)
def test_normalising_many_codes_and_phones_agrees_with_one_at_a_time(codes, phones):
    assert all_at_once("code", codes) == one_at_a_time("code", codes)
    assert all_at_once("phone", phones) == one_at_a_time("phone", phones)


# Addresses sharing a shape (their digits aside): their groups, houses and numbered villages
# each cut from the address itself.
ADDRESS_LIKE = st.text(alphabet=st.sampled_from(list("第村组社队号屯寨之-镇乡大坪一三十0123456789 \n")),
                       max_size=16)  # fmt: skip


@settings(max_examples=300)
@given(st.lists(ADDRESS_LIKE, max_size=40))
def test_an_address_tail_is_matched_once_per_shape_as_it_is_alone(values):
    addresses = pa.array([*values, None], pa.string())
    matched = pc.extract_regex(addresses, _ADDRESS_TAIL)
    tails = _address_tails(addresses)
    assert {name: tails[name].to_pylist() for name in sorted(tails)} == {
        name: matched.field(name).to_pylist() for name in sorted(tails)
    }


# Names and addresses as clerks type them: traditional characters and phrases (乾隆, 頭髮),
# full-width letters, spaces and line breaks inside a cell.
NAME_LIKE = st.text(
    alphabet=st.sampled_from(list("劉華乾隆頭髮發里裡王丽麗·•．ＡＢab \t\n　０１村镇鎮")),
    max_size=12,
)


@settings(max_examples=200)
@given(st.lists(NAME_LIKE, max_size=40, unique=True))
def test_normalising_many_names_and_texts_agrees_with_one_at_a_time(values):
    assert all_at_once("name", values) == one_at_a_time("name", values)
    assert all_at_once("text", values) == one_at_a_time("text", values)


def test_folding_many_values_at_once_keeps_each_value_apart():
    values = ["劉 華", "乾隆\n年間", "", "  頭髮  "]
    assert fold_all(values) == ["刘 华", "乾隆 年间", "", "头发"]
    assert fold_all(values, keep_spaces=False) == ["刘华", "乾隆年间", "", "头发"]


def test_a_relation_is_labelled_right_for_either_sex_and_other_is_chinese():
    """母亲 and 父亲 are one code: it is labelled 父母, never 父亲 for a mother."""
    assert NORMALIZERS["relation"]("母亲") == (("parent",), None)
    # a relation no spelling names is other, and since 2026-12-07 a finding
    assert NORMALIZERS["relation"]("干亲") == (("other",), "relation_unlisted")
    labels = [code_label("relation", code) for code in ("parent", "child", "sibling", "other")]
    assert labels == ["父母", "子女", "兄弟姐妹", "其他"]


@pytest.mark.parametrize(("written", "heard"), [("覃芳", "秦芳"), ("曾丽华", "增丽华"),
                                                ("区志强", "欧志强"), ("翟红", "宅红")])  # fmt: skip
def test_a_surname_is_read_as_a_surname(written, heard):
    # 覃芳 (read qín in Guangxi) enrolled again as 秦芳 was no duplicate: 覃 was read tán
    assert pinyin_key(written) == pinyin_key(heard)
    assert pinyin_key(f"芳{written[0]}") != pinyin_key(f"芳{heard[0]}")  # only as a surname


@pytest.mark.parametrize(
    "raw",
    ["二〇二四年六月一日", "二零二四年六月一日", "二○二四年六月一日", "二〇二四年6月1日",
     "2024/6/1 星期六", "2024-06-01 周六", "2024年6月1日（礼拜六）", "2024年6月1日星期六",
     "2024年6月1日 00:00:00", "2024/6/1 星期六 00:00:00", "2024年6月1号", "二〇二四年六月一号"],
)  # fmt: skip
def test_dates_in_chinese_numerals_or_with_their_weekday_are_read(raw):
    # until 2026-12-06 each was 日期无法识别, and a 死亡日期 column of them was refused
    assert normalize_date(raw) == ((date(2024, 6, 1),), None)
    assert normalize_month(raw) == (("2024-06",), None)


def test_january_written_as_the_first_month_is_read():
    assert normalize_date("二〇二四年元月三日") == ((date(2024, 1, 3),), None)
    assert normalize_month("2024年元月") == (("2024-01",), None)


def test_a_weekday_that_is_not_the_dates_is_read_by_the_date_and_said():
    assert normalize_date("2024/6/1 星期五") == ((date(2024, 6, 1),), "date_weekday_mismatch")
    assert normalize_date("二〇二四年十三月一日") == ((None,), "date_unparsed")


@pytest.mark.parametrize(
    ("raw", "day", "problem"),
    [("6/13/2024", date(2024, 6, 13), "date_month_first"),
     ("13/6/2024", date(2024, 6, 13), "date_day_first"),
     ("6/6/2024", date(2024, 6, 6), None),
     ("6/5/2024", None, "date_order_ambiguous"),
     ("13/13/2024", None, "date_unparsed")],
)  # fmt: skip
def test_a_date_with_its_year_last_is_read_only_when_a_part_says_which_is_the_day(raw, day,
                                                                                 problem):  # fmt: skip
    assert normalize_date(raw) == ((day,), problem)


@pytest.mark.parametrize(
    ("raw", "amount", "problem"),
    [("333元", "333", None), ("￥333.00", "333", None), ("333.00元/月", "333", None),
     ("1,240.50", "1240.5", None), ("３３３．００", "333", None),
     ("333.00元/人", "333", "amount_per_head"), ("333.00 元/人/月", "333", "amount_per_head"),
     ("333元/户", "333", "amount_per_head"), ("-333元/人", "-333", "amount_per_head")],
)  # fmt: skip
def test_amounts_with_a_unit_or_a_sign_are_exact(raw, amount, problem):
    # 333.00元/人 was 金额无法识别 until 2026-12-06: the line's money unread
    assert normalize_amount(raw) == ((Decimal(amount).quantize(Decimal("0.01")),), problem)
    assert normalize_amount("333元/年") == ((None,), "amount_unparsed")  # a year's, not a month's


@pytest.mark.parametrize(("raw", "key"), [
    ("2村", "2"), ("二村", "2"), ("第二村", "2"), ("十一村", "11"), ("11村", "11"),
    ("二村一组", "2|1"), ("2村1组", "2|1"), ("2村八小组", "2|8"), ("五星村", "五星"),
])  # fmt: skip
def test_a_numbered_village_is_its_number_in_digits(raw, key):
    # 南疆 counties number their villages: a police notice of 二村 was no notice of 2村
    assert normalize_village(raw)[0][1] == key


@pytest.mark.parametrize(("raw", "parts"), [
    ("新疆和田地区墨玉县托胡拉乡11村6组48号", ("托胡拉", "11", "6", "48")),
    ("托胡拉乡十一村六组48号", ("托胡拉", "11", "6", "48")),
    ("托胡拉乡第11村6小组48号", ("托胡拉", "11", "6", "48")),
    ("托胡拉乡2村", ("托胡拉", "2", None, None)),
])  # fmt: skip
def test_an_address_in_a_numbered_village_is_read(raw, parts):
    # an address of 11村 was read as no place at all: its 组 and house never compared
    assert normalize_address(raw)[0][1:] == parts


@pytest.mark.parametrize(("raw", "first", "last"), [
    ("2024-01至2024-03", "2024-01", "2024-03"), ("2024.01-2024.03", "2024-01", "2024-03"),
    ("2024年1-3月", "2024-01", "2024-03"), ("2024年1月至3月", "2024-01", "2024-03"),
    ("2024年1月—2024年3月", "2024-01", "2024-03"), ("2024/01～2024/03", "2024-01", "2024-03"),
    ("2023年11月至2024年1月", "2023-11", "2024-01"), ("2024-03至2024-04", "2024-03", "2024-04"),
    ("2024-03", "2024-03", "2024-03"), ("2024-03至2024-03", "2024-03", "2024-03"),
])  # fmt: skip
def test_a_range_of_months_is_read_as_its_first_and_last_month(raw, first, last):
    # a quarter's 所属月份 (2024-01至2024-03) was month_unparsed: its line's money left out
    assert NORMALIZERS["month"](raw) == ((first, last), None)
    assert normalize_months(raw) == ((first, last), None)


@pytest.mark.parametrize("raw", ["2024年3-1月", "2024-03至2023-12", "2020-01至2024-12",
                                 "2024年1-13月", "2024-01-03至"])  # fmt: skip
def test_a_range_ending_before_it_begins_or_of_years_is_no_months(raw):
    assert normalize_months(raw) == ((None, None), "month_unparsed")


def test_a_date_is_no_range_of_months():
    assert normalize_months("2024-01-03") == (("2024-01", "2024-01"), None)


@pytest.mark.parametrize(("raw", "first", "last"), [
    ("2024年第一季度", "2024-01", "2024-03"), ("2024年1季度", "2024-01", "2024-03"),
    ("2024年度第4季", "2024-10", "2024-12"), ("2024Q2", "2024-04", "2024-06"),
    ("2024-01-01至2024-03-31", "2024-01", "2024-03"), ("2024/1/1-2024/3/31", "2024-01", "2024-03"),
    ("20240101-20240331", "2024-01", "2024-03"), ("202401-202403", "2024-01", "2024-03"),
    ("2024-01至03", "2024-01", "2024-03"), ("2024-01~03", "2024-01", "2024-03"),
    ("2024年1-3月补发", "2024-01", "2024-03"), ("2024年1月-2月补发", "2024-01", "2024-02"),
    ("2024年1月1日至3月31日", "2024-01", "2024-03"), ("2024年12月-1月", "2024-12", "2025-01"),
    ("2024.1-3", "2024-01", "2024-03"), ("2024.10-12", "2024-10", "2024-12"),
    ("2024-06补发", "2024-06", "2024-06"),
])  # fmt: skip
def test_a_quarter_a_range_of_days_or_a_back_pay_of_months_is_its_months(raw, first, last):
    # all were month_unparsed (then read as one month paid out, carrying three months'
    # money: a payment_mismatch of 5,070 a case); 2024.1-3 was the day 2024-01-03
    assert normalize_months(raw) == ((first, last), None)


@pytest.mark.parametrize(("raw", "first", "last"), [
    ("2026.1-2026.1", "2026-01", "2026-01"), ("2026.1至2026.3", "2026-01", "2026-03"),
    ("2025.11-2026.1", "2025-11", "2026-01"), ("2026.1-2026.10", "2026-01", "2026-10"),
])  # fmt: skip
def test_a_range_ending_in_january_written_year_dot_one_is_read(raw, first, last):
    # a blind tester's ledger of quarters wrote one month as 2026.1-2026.1: its end, 2026.1,
    # was taken for the ambiguous number 2026.10, and the line was 月份无法识别; a range is
    # text, so 2026.1 is January at its end as at its start
    assert normalize_months(raw) == ((first, last), None)


@pytest.mark.parametrize("raw", ["2024年第五季度", "2024-01-01至2024-13-01", "2024.12-1",
                                 "2024年6月-1月"])  # fmt: skip
def test_a_quarter_or_range_of_no_months_is_unread(raw):
    # a range into the next year without its year says 月 and stays short (2024年12月-1月)
    assert normalize_months(raw) == ((None, None), "month_unparsed")


@pytest.mark.parametrize("raw", ["2024-1-3", "2024.01.03", "2024/1/3"])
def test_a_day_written_with_one_separator_is_its_month_no_range(raw):
    assert normalize_months(raw) == (("2024-01", "2024-01"), None)
