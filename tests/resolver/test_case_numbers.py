"""A payment's 救助证号 written otherwise than the roster's (``resolver.case_numbers``), on
tiny inline arrays: the zeros of an all-digit number, dashes of any width, a province's
county before the number."""

from __future__ import annotations

import pyarrow as pa

from resolver.case_numbers import alike_on_roster, as_on_roster, case_keys, roster_spellings


def test_zeros_go_only_from_an_all_digit_number_and_dashes_of_any_width_from_any():
    written = ["000121", "0", "DB000121", "DB‐01", "DB–01", "DB—01", "1-23", None]
    assert case_keys(pa.array(written)).to_pylist() == [
        "121", "0", "DB000121", "DB01", "DB01", "DB01", "123", None]  # fmt: skip


def test_a_province_s_numbers_match_within_their_county_only():
    spellings = roster_spellings(pa.array(["532301/000121", "532302/DB7"]))
    spelled, ambiguous = as_on_roster(pa.array(["532301/121", "532302/121", None]), spellings)
    assert spelled.to_pylist() == ["532301/000121", "532302/121", None]
    assert ambiguous.to_pylist() == [False, False, False]


def test_numbers_a_roster_holds_alike_are_both_asked_about_and_a_third_spelling_matches_none():
    spellings = roster_spellings(pa.array(["1-23", "12-3", "DB01"]))
    assert alike_on_roster(pa.array(["1-23", "12-3", "DB01"]), spellings).to_pylist() == [
        True, True, False]  # fmt: skip
    spelled, ambiguous = as_on_roster(pa.array(["12-3", "123"]), spellings)
    assert spelled.to_pylist() == ["12-3", "123"]
    assert ambiguous.to_pylist() == [False, True]
