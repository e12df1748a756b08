"""A payment line for a range of months is its money for each month it covers, spread
evenly in whole fen that add up to it."""

from __future__ import annotations

import pytest

from resolver.db import connect
from resolver.payment_months import payment_months


def _spread(lines: list[tuple]) -> list[tuple]:
    con = connect(":memory:")
    con.execute("CREATE TABLE payments (record_id VARCHAR, pay_month VARCHAR, "
                "pay_month_last VARCHAR, amount DECIMAL(14, 2), base_amount DECIMAL(14, 2))")  # fmt: skip
    con.executemany("INSERT INTO payments VALUES (?, ?, ?, ?, ?)", lines)
    return [(record, month, float(amount), float(base) if base is not None else None, months)
            for record, month, amount, base, months in con.execute(
                "SELECT record_id, pay_month, amount, base_amount, line_months "
                f"FROM ({payment_months(con)}) ORDER BY record_id, pay_month").fetchall()]  # fmt: skip


def test_a_quarters_line_is_a_third_in_each_month_the_odd_fen_to_the_first():
    assert _spread([("F1", "2024-01", "2024-03", 1000, 700)]) == [
        ("F1", "2024-01", 333.34, 233.34, 3), ("F1", "2024-02", 333.33, 233.33, 3),
        ("F1", "2024-03", 333.33, 233.33, 3)]  # fmt: skip


@pytest.mark.parametrize("total", [1901.25, 0.02, -100.00, 8190.01, -0.01])
def test_the_parts_add_up_to_the_line_to_the_fen_a_refunds_too(total):
    parts = _spread([("F1", "2023-11", "2024-01", total, None)])
    assert [month for _, month, *_ in parts] == ["2023-11", "2023-12", "2024-01"]
    assert round(sum(amount for _, _, amount, *_ in parts), 2) == total
    assert max(abs(a) for _, _, a, *_ in parts) - min(abs(a) for _, _, a, *_ in parts) <= 0.011


def test_a_months_line_and_a_line_without_a_month_are_as_they_are():
    assert _spread([("F1", "2024-05", "2024-05", 7, None), ("F2", None, None, 5, None)]) == [
        ("F1", "2024-05", 7.0, None, 1), ("F2", None, 5.0, None, 1)]  # fmt: skip


def test_a_ledger_stored_before_ranges_were_read_is_a_line_a_month():
    con = connect(":memory:")
    con.execute("CREATE TABLE payments AS SELECT 'F1' AS record_id, '2024-05' AS pay_month, "
                "7.00::DECIMAL(14, 2) AS amount")  # fmt: skip
    assert con.execute(f"SELECT record_id, pay_month, line_months FROM ({payment_months(con)})"
                       ).fetchall() == [("F1", "2024-05", 1)]  # fmt: skip
