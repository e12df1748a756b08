from datetime import date

import pytest

from resolver.idcard import check_char, mask_id, parse_id, upgrade_15

# The example of GB 11643 itself, and IDs of the synthetic county's region built by hand.
STANDARD_EXAMPLES = ["11010519491231002X", "440524188001010014", "532326199001011235"]


@pytest.mark.parametrize("value", STANDARD_EXAMPLES)
def test_check_char_of_known_ids(value):
    assert check_char(value[:17]) == value[17]


def test_valid_id_gives_birth_date_and_gender():
    parsed = parse_id("11010519491231002X")
    assert parsed.status == "valid"
    assert parsed.birth_date == date(1949, 12, 31)
    assert parsed.gender == "F"


def test_fifteen_digit_id_is_upgraded_to_its_eighteen_digit_form():
    assert upgrade_15("110105491231002") == "11010519491231002X"
    parsed = parse_id("110105491231002")
    assert (parsed.value, parsed.status, parsed.gender) == ("11010519491231002X", "upgraded", "F")


@pytest.mark.parametrize("raw", ["110105491231002.0", "1.10105491231002E+14"])
def test_a_fifteen_digit_id_written_as_a_float_is_the_id_itself(raw):
    parsed = parse_id(raw)  # a float holds 15 digits exactly: nothing was lost
    assert (parsed.value, parsed.status) == ("11010519491231002X", "upgraded")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" 11010519491231002x ", "11010519491231002X"),
        ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"),
        ("'532326199001011235", "532326199001011235"),
        ("\t532326 1990 0101 1235", "532326199001011235"),
        ("‘532326199001011235", "532326199001011235"),  # a Chinese keyboard's apostrophe
        ("532326199001011235\u200b", "532326199001011235"),  # a zero-width space
        ("\ufeff“532326199001011235”", "532326199001011235"),  # a byte-order mark, quotes
        ("11010519491231002×", "11010519491231002X"),  # the times sign for X
        ("532326-19900101-1235", "532326199001011235"),  # grouped with dashes
        ("５３２３２６－１９９００１０１－１２３５", "532326199001011235"),
        ("532326—19900101—1235", "532326199001011235"),
    ],
)
def test_cleaning_keeps_a_valid_id(raw, expected):
    parsed = parse_id(raw)
    assert (parsed.value, parsed.status) == (expected, "valid")


@pytest.mark.parametrize(
    ("raw", "problem", "prefix"),
    [
        ("5.32326E+17", "spreadsheet_damage", "532326"),
        # a spreadsheet's 15th digit is rounded: 5.32326199001012E+17 may be 5323261990010115…
        ("5.32326199001012E+17", "spreadsheet_damage", "53232619900101"),
        ("5.3232619930503E+17", "spreadsheet_damage", "53232619930503"),  # its 15th was 0
        ("5.323261990010115E+17", "spreadsheet_damage", "532326199001011"),  # a float's text
        ("532326199001011235.0", "spreadsheet_damage", "532326199001011"),
        ("532326199001011000", "zeroed_tail", "532326199001011"),
    ],
)
def test_spreadsheet_damage_is_unusable_but_keeps_reliable_digits(raw, problem, prefix):
    parsed = parse_id(raw)
    assert (parsed.value, parsed.status, parsed.problem, parsed.prefix) == (
        None,
        "damaged",
        problem,
        prefix,
    )


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("532326199001011236", "bad_check_digit"),  # one digit typed wrong
        ("532326199001101235", "bad_check_digit"),  # adjacent digits swapped
        ("532326199013011235", "bad_birth_date"),
        ("992326199001011235", "bad_region"),
        ("53232619900101123", "bad_shape"),
        ("532326-1990010-1123", "bad_shape"),  # dashes do not make a short number whole
        ("张三", "bad_shape"),
    ],
)
def test_invalid_ids_are_kept_as_text_but_not_trusted(raw, problem):
    parsed = parse_id(raw)
    assert parsed.status == "invalid"
    assert parsed.problem == problem
    assert parsed.birth_date is None


def test_blank():
    assert parse_id("  ").status == "blank"
    assert parse_id(None).status == "blank"


def test_mask_shows_the_region_and_the_check_digit_only():
    assert mask_id("532326199001011235") == "532326***********5"
    # an ID typed with a digit too few or too many shows no sequence digit either; one a
    # digit short, or a 15-digit one, ends in the digit that gives the gender: hidden too
    assert mask_id("53232619900101123") == "532326***********"
    assert mask_id("532326900101123") == "532326*********"
    assert mask_id("5323261990010112355") == "532326************5"
    assert mask_id("1234") == "****"
    assert mask_id(None) == ""
