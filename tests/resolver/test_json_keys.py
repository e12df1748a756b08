from resolver.json_keys import key_lines, repeated_keys


def test_keys_are_placed_by_path_and_line_whatever_their_strings_hold():
    text = '{"a": "{\\"b\\": 1}",\n "list": [{"x": 1}, {"x": 2,\n "x": 3}], "c:": ":"}'
    assert key_lines(text) == {
        ("a",): [1], ("list",): [2], ("list", 0, "x"): [2], ("list", 1, "x"): [2, 3], ("c:",): [3],
    }  # fmt: skip


def test_the_same_key_in_two_objects_is_no_repeat():
    assert repeated_keys('{"A": {"2025-07": 680}, "B": {"2025-07": 505}}') == []
    (said,) = repeated_keys('{"A": {"2025-07": 680},\n "A": {"2025-07": 690}}')
    assert said.startswith("键 A 重复出现（第 1、2 行）")
