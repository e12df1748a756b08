"""Which fund a payment line's category names: the case's allowance or another fund."""

import duckdb
import pyarrow as pa
import pytest

from resolver.funds import ALLOWANCE, OTHER, UNKNOWN, fund_categories, fund_kind, other_fund_sql

KINDS = {
    # the allowance: 低保 and 特困's support, its 照料护理 part included
    "低保金": ALLOWANCE, "城市低保": ALLOWANCE, "农村低保金": ALLOWANCE, "特困供养金": ALLOWANCE,
    "基本生活费": ALLOWANCE, "基本生活补贴": ALLOWANCE, "分散供养金": ALLOWANCE,
    "集中供养": ALLOWANCE, "照料护理费": ALLOWANCE, "特困人员护理补贴": ALLOWANCE,
    "重残单独施保": ALLOWANCE, " ": ALLOWANCE,
    # one-offs, also when they name 低保
    "价格临时补贴": OTHER, "取暖费": OTHER, "春节慰问金": OTHER, "一次性生活补贴": OTHER,
    "低保对象价格临时补贴": OTHER, "临时救助": OTHER, "冬季采暖补贴": OTHER,
    # other programmes' subsidies
    "高龄津贴": OTHER, "困难残疾人生活补贴": OTHER, "重度残疾人护理补贴": OTHER,
    "护理补贴": OTHER, "孤儿基本生活费": OTHER, "医疗救助": OTHER,
    # neither: read as the allowance, asked about
    "补助": UNKNOWN, "生活费": UNKNOWN,
}  # fmt: skip


@pytest.mark.parametrize(("category", "kind"), KINDS.items())
def test_a_category_names_the_allowance_another_fund_or_neither(category, kind):
    assert fund_kind(category) == kind


def test_sql_reads_a_category_as_python_does():
    texts = [*KINDS, "价格 临时补贴", None]
    found = duckdb.sql(f"SELECT t, {other_fund_sql('t')} FROM unnest(?::VARCHAR[]) AS u(t)",
                       params=[texts]).fetchall()  # fmt: skip
    assert found == [(text, fund_kind(text) == OTHER) for text in texts]


def test_a_lines_category_is_the_first_fund_header_its_row_writes():
    extra = pa.array([[("备注", "一次性"), ("发放项目", "取暖费")], [("资金类别", "低保金")], None],
                     pa.map_(pa.string(), pa.string()))  # fmt: skip
    assert fund_categories(extra).to_pylist() == ["取暖费", "低保金", None]
