import pytest

from models.evaluation.linking import score_clusters
from resolver.db import connect
from resolver.errors import DoudiError
from resolver.settings import LinkSettings


def test_settings_round_trip_through_json(tmp_path):
    settings = LinkSettings(threshold=0.97, shared_limit=3)
    settings.save(tmp_path / "s.json")
    assert LinkSettings.load(tmp_path / "s.json") == settings


def test_bad_settings_are_refused():
    with pytest.raises(DoudiError, match="threshold"):
        LinkSettings(threshold=1.5)
    with pytest.raises(DoudiError, match="没有这样的关联设置：colour"):
        LinkSettings.from_json('{"colour": 1}')


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('{"shared_limit": -1}', "关联设置 shared_limit 应为不小于 1 的整数，现为 -1"),
        ('{"related_limit": 0}', "关联设置 related_limit 应为不小于 1 的整数，现为 0"),
        ('{"min_labels": 0}', "关联设置 min_labels 应为不小于 1 的整数，现为 0"),
        ('{"u_max_pairs": 0}', "关联设置 u_max_pairs 应为不小于 1 的数，现为 0"),
        ('{"em_max_pairs": -5}', "关联设置 em_max_pairs 应为不小于 1 的数，现为 -5"),
        ('{"em_max_pairs": Infinity}', "关联设置 em_max_pairs 应为不小于 1 的数，现为 inf"),
        ('{"ambiguity_margin": -3}', "关联设置 ambiguity_margin 应为不小于 0 的数，现为 -3"),
    ],
)
def test_a_count_limit_or_margin_out_of_range_is_refused_in_chinese(text, said):
    with pytest.raises(DoudiError) as raised:
        LinkSettings.from_json(text)
    assert str(raised.value) == said


@pytest.mark.parametrize(
    ("text", "said"),
    [
        # a clerk's slips: a percentage, a name mistyped, a number in quotes
        ('{"threshold": 95}', "关联设置 threshold 应大于 0、不超过 1，现为 95（是否应为 0.95？）"),
        # 1.5 as 0.015 would link almost every pair: no percentage read below 2 (review)
        ('{"threshold": 1.5}', "关联设置 threshold 应大于 0、不超过 1，现为 1.5"),
        (
            '{"threshhold": 0.9}',
            "没有这样的关联设置：threshhold（是否应为 threshold？）（可用的有：",
        ),
        ('{"threshold": "0.9"}', '关联设置 threshold 应为数字，现为 "0.9"（数字不加引号）'),
    ],
)
def test_a_clerks_slip_in_the_settings_is_refused_saying_what_was_meant(text, said):
    with pytest.raises(DoudiError) as raised:
        LinkSettings.from_json(text)
    message = str(raised.value)
    assert message.startswith(said) and ("是否应为" in message) == ("是否应为" in said)


def test_a_word_in_quotes_is_not_told_to_drop_its_quotes():
    # only a number written in quotes is: 现为 "高"（数字不加引号） asked for a bare 高
    with pytest.raises(DoudiError) as raised:
        LinkSettings.from_json('{"threshold": "高"}')
    assert str(raised.value) == '关联设置 threshold 应为数字，现为 "高"'


def test_a_settings_file_saved_with_a_byte_order_mark_is_read(tmp_path):
    # WPS and Notepad save one: the file was refused as 不是有效的 JSON（第 1 行第 1 列有误）
    (tmp_path / "s.json").write_text('{"threshold": 0.9}', encoding="utf-8-sig")
    assert LinkSettings.load(tmp_path / "s.json").threshold == 0.9


def test_a_setting_written_twice_is_refused_naming_both_lines():
    with pytest.raises(DoudiError, match="键 threshold 重复出现（第 1、2 行）"):
        LinkSettings.from_json('{"threshold": 0.95,\n "threshold": 0.9}')


def test_a_margin_of_zero_and_a_limit_of_one_are_settings():
    settings = LinkSettings.from_json('{"ambiguity_margin": 0, "shared_limit": 1, "min_labels": 1}')
    assert (settings.ambiguity_margin, settings.shared_limit) == (0, 1)


def test_pairwise_and_bcubed_scores_on_a_hand_counted_example():
    con = connect(":memory:")
    # truth: {a1 a2 a3} {b1}; predicted: {a1 a2} {a3 b1}
    con.execute(
        "CREATE TABLE truth AS SELECT * FROM (VALUES ('hukou','a1','A'), ('deaths','a2','A'), "
        "('assistance','a3','A'), ('hukou','b1','B')) t(registry, record_id, cluster)"
    )
    con.execute(
        "CREATE TABLE predicted AS SELECT * FROM (VALUES ('hukou','a1','x'), ('deaths','a2','x'), "
        "('assistance','a3','y'), ('hukou','b1','y')) t(registry, record_id, cluster)"
    )
    con.execute(
        "CREATE TABLE persons AS SELECT registry, record_id, NULL AS id18, 'blank' AS id_status "
        "FROM truth"
    )
    scores = score_clusters(con, "predicted", "truth")
    # predicted pairs: (a1,a2) (a3,b1); true pairs: (a1,a2) (a1,a3) (a2,a3)
    assert scores.precision == pytest.approx(1 / 2)
    assert scores.recall == pytest.approx(1 / 3)
    # B-cubed precision: a1 1, a2 1, a3 1/2, b1 1/2; recall: a1 2/3, a2 2/3, a3 1/3, b1 1
    assert scores.bcubed_precision == pytest.approx(3 / 4)
    assert scores.bcubed_recall == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1) / 4)
    assert scores.recall_by_registry_pair == {
        "hukou-assistance": 0.0,
        "hukou-deaths": 1.0,
        "assistance-deaths": 0.0,
    }
    assert scores.true_pairs_ids_differ == 3
