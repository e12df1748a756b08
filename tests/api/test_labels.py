"""The words the page shows for codes."""

from __future__ import annotations

from api.labels import page_labels


def test_the_page_shows_a_relation_right_for_either_sex_and_other_in_chinese():
    shown = page_labels()["codes"]["relation"]
    assert (shown["parent"], shown["child"], shown["other"]) == ("父母", "子女", "其他")


def test_the_page_says_a_total_of_amounts_may_count_one_payment_under_two_leads():
    """The overview's 涉及金额 adds the leads' amounts, as the 汇总表 does: the page says what
    the 汇总表's note says, that one payment may rest under two leads."""
    note = page_labels()["amount_note"]
    assert "可能重复计算" in note and "超标准家庭中有成员死亡" in note
