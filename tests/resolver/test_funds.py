"""Which fund a payment line's category names: the case's allowance or another fund."""

import duckdb
import pyarrow as pa
import pytest

from resolver.funds import (
    ALLOWANCE,
    OTHER,
    PLAIN_ALLOWANCE,
    UNKNOWN,
    fund_categories,
    fund_category_sql,
    fund_kind,
    other_fund_sql,
)

KINDS = {
    # the allowance: 低保 and 特困's support, its 照料护理 part included
    "低保金": ALLOWANCE, "城市低保": ALLOWANCE, "农村低保金": ALLOWANCE, "特困供养金": ALLOWANCE,
    "基本生活费": ALLOWANCE, "基本生活补贴": ALLOWANCE, "分散供养金": ALLOWANCE,
    "集中供养": ALLOWANCE, "照料护理费": ALLOWANCE, "特困人员护理补贴": ALLOWANCE,
    "重残单独施保": ALLOWANCE, " ": ALLOWANCE, "低保金（含分类施保）": ALLOWANCE,
    "城乡低保资金": ALLOWANCE, "特困人员救助供养金": ALLOWANCE, "农村特困分散供养金": ALLOWANCE,
    "特困照料护理补贴": ALLOWANCE, "五保金": ALLOWANCE, "最低生活保障金": ALLOWANCE,
    "残疾人低保金": ALLOWANCE,
    # its add-ons (分类施保) and back-pay, also beside a condition or written 一次性 / 临时
    "重度残疾人加发": ALLOWANCE, "残疾人加发": ALLOWANCE, "重残加发": ALLOWANCE,
    "高龄老人加发": ALLOWANCE, "分类施保金": ALLOWANCE, "低保金一次性补发": ALLOWANCE,
    "低保一次性补发": ALLOWANCE, "一次性补发": ALLOWANCE, "低保临时补发": ALLOWANCE,
    "低保提标补发": ALLOWANCE, "低保调标补差": ALLOWANCE,
    # one-offs, also when they name 低保
    "价格临时补贴": OTHER, "取暖费": OTHER, "春节慰问金": OTHER, "一次性生活补贴": OTHER,
    "低保对象价格临时补贴": OTHER, "临时救助": OTHER, "冬季采暖补贴": OTHER,
    # other programmes' subsidies
    "高龄津贴": OTHER, "困难残疾人生活补贴": OTHER, "重度残疾人护理补贴": OTHER,
    "护理补贴": OTHER, "孤儿基本生活费": OTHER, "医疗救助": OTHER, "一次性补贴": OTHER,
    "取暖费补发": OTHER, "临时补助": OTHER, "高龄补贴": OTHER,
    # also when they name 低保 or 特困
    "特困人员丧葬补助": OTHER, "低保家庭残疾人生活补贴": OTHER, "低保对象残疾人护理补贴": OTHER,
    "低保户医疗救助": OTHER, "特困人员高龄津贴": OTHER, "事实无人抚养儿童基本生活费": OTHER,
    # the allowance's names beside a condition (a review: 8 death leads lost on a county
    # whose 特困 lines said 特困人员基本生活费（残疾）)
    "特困人员基本生活费（残疾）": ALLOWANCE, "残疾特困人员照料护理费": ALLOWANCE,
    "特困人员照料护理费（重度残疾）": ALLOWANCE, "高龄特困人员基本生活费": ALLOWANCE,
    "城市低保保障金（高龄）": ALLOWANCE,
    # a person's class or condition alone names no fund (a 人员类别 or 施保类别 column)
    "重度残疾": UNKNOWN, "残疾人": UNKNOWN, "一级残疾": UNKNOWN, "残疾户": UNKNOWN,
    "高龄": UNKNOWN, "高龄老人": UNKNOWN, "A类": UNKNOWN,
    # neither: read as the allowance, asked about
    "补助": UNKNOWN, "生活费": UNKNOWN,
}  # fmt: skip


@pytest.mark.parametrize(("category", "kind"), KINDS.items())
def test_a_category_names_the_allowance_another_fund_or_neither(category, kind):
    assert fund_kind(category) == kind


def test_sql_reads_a_category_as_python_does():
    # the texts read without a regular expression too (PLAIN_ALLOWANCE, for speed)
    texts = [*KINDS, *PLAIN_ALLOWANCE, "价格 临时补贴", None]
    found = duckdb.sql(f"SELECT t, {other_fund_sql('t')} FROM unnest(?::VARCHAR[]) AS u(t)",
                       params=[texts]).fetchall()  # fmt: skip
    assert found == [(text, fund_kind(text) == OTHER) for text in texts]


def test_a_lines_category_is_the_first_fund_header_its_row_fills():
    # a blank cell of an earlier header is none (the later one's 取暖费 is the line's)
    extra = pa.array([[("备注", "一次性"), ("发放项目", "取暖费")], [("资金类别", "低保金")],
                      [("资金类别", " "), ("发放项目", "取暖费")], None],
                     pa.map_(pa.string(), pa.string()))  # fmt: skip
    expected = ["取暖费", "低保金", "取暖费", None]
    assert fund_categories(extra).to_pylist() == expected
    lines = pa.table({"e": extra})  # noqa: F841 (read by DuckDB)
    found = duckdb.sql(f"SELECT {fund_category_sql('e')} FROM lines").fetchall()
    assert [category for (category,) in found] == expected
