"""The words the page shows for codes."""

from __future__ import annotations

from api.labels import page_labels


def test_the_page_shows_a_relation_right_for_either_sex_and_other_in_chinese():
    shown = page_labels()["codes"]["relation"]
    assert (shown["parent"], shown["child"], shown["other"]) == ("父母", "子女", "其他")
