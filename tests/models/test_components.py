"""The graph's rows split by household: a part holds whole households, with everything that
ties them (families, cases, accounts, shared phones) and the payments of its cases."""

from __future__ import annotations

from datetime import date

import pyarrow as pa

from models.components import split_rows
from models.graph import GraphRows

# As many parts as nodes: every component can have a part of its own (the one of case K9,
# paid but on no roster, holds its payment row alone).
ALONE = 14


def _rows(shared: frozenset) -> GraphRows:
    hukou = pa.table({"person_id": ["a", "b", "c", "d"], "hukou_no": ["F1", "F2", "F3", "F4"]})
    assistance = pa.table({
        "person_id": ["a", "b", "c", "d"],
        "case_no": ["K1", "K2", "K3", "K4"],
        "phone": ["138", "138", None, "139"],
        "address": [None, None, None, None],
        "bank_account": [None, None, "62A", None],
    })  # fmt: skip
    payments = pa.table({"case_no": ["K4", "K1", "K9"], "pay_month": ["2026-01"] * 3})
    accounts = pa.table({"case_no": ["K4"], "bank_account": ["62A"]})
    tables = {"hukou": hukou, "assistance": assistance, "payments": payments,
              "payment_accounts": accounts}  # fmt: skip
    return GraphRows(date(2026, 1, 31), {}, shared, tables)


def _persons(part: GraphRows) -> set[str]:
    return set(part.tables["hukou"]["person_id"].to_pylist())


def test_a_shared_phone_and_a_shared_account_keep_households_in_one_part():
    parts = list(split_rows(_rows(frozenset({("phone", "138")})), ALONE))
    assert sorted(map(sorted, map(_persons, parts))) == [[], ["a", "b"], ["c", "d"]]
    for part in parts:  # each case's payments go with it
        cases = set(part.tables["assistance"]["case_no"].to_pylist())
        assert set(part.tables["payments"]["case_no"].to_pylist()) <= cases | {"K9"}


def test_a_phone_nobody_else_uses_ties_nothing():
    parts = list(split_rows(_rows(frozenset()), ALONE))
    assert sorted(map(sorted, map(_persons, parts))) == [[], ["a"], ["b"], ["c", "d"]]


def test_every_row_lands_in_exactly_one_part():
    whole = _rows(frozenset({("phone", "138")}))
    parts = list(split_rows(whole, 3))
    for name, table in whole.tables.items():
        assert sum(part.tables[name].num_rows for part in parts) == table.num_rows


def test_only_the_components_holding_a_case_table_row_are_kept():
    whole = _rows(frozenset())
    hukou = pa.concat_tables(
        [whole.tables["hukou"], pa.table({"person_id": ["e"], "hukou_no": ["F5"]})]
    )
    rows = GraphRows(whole.as_of, {}, frozenset(), {**whole.tables, "hukou": hukou})
    every = list(split_rows(rows, ALONE))
    assert ["e"] in [sorted(_persons(part)) for part in every]
    held = list(split_rows(rows, ALONE, holding=("assistance",)))
    assert sorted(map(sorted, map(_persons, held))) == [["a"], ["b"], ["c", "d"]]
    with_payments = list(split_rows(rows, ALONE, holding=("assistance", "payments")))
    assert len(with_payments) == len(held) + 1  # case K9's payment, on no roster
