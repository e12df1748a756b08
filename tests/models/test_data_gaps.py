"""The case types a run cannot judge for lack of data (``models.data_gaps``), on tiny inline
tables: a registry absent, a township of the roster a registry holds no row of."""

from __future__ import annotations

import pytest

from models.case_types import CASE_TYPES
from models.data_gaps import unjudged
from models.policy import load_policy
from resolver.db import connect
from resolver.quality import RegistryGap, registry_gaps
from resolver.registries import REGISTRIES


def _county(**townships: tuple[int, int, int]):
    """A roster of ``cases`` cases and ``rows`` rows per township, and ``hukou`` 户籍 rows
    there; a disability, a poverty, a death and a payment row in the first township."""
    con = connect(":memory:")
    con.execute("CREATE TABLE assistance (record_id VARCHAR, case_no VARCHAR, township VARCHAR, "
                "county VARCHAR)")  # fmt: skip
    con.execute("CREATE TABLE hukou (record_id VARCHAR, township VARCHAR, county VARCHAR)")
    for town, (cases, rows, hukou) in townships.items():
        con.executemany("INSERT INTO assistance VALUES (?, ?, ?, NULL)",
                        [(f"{town}{i}", f"{town}-DB{i % cases}", town) for i in range(rows)])  # fmt: skip
        con.execute(
            "INSERT INTO hukou SELECT ? || i, ?, NULL FROM range(?) t(i)", [f"{town}H", town, hukou]
        )
    first = next(iter(townships))
    for table in ("disability", "poverty", "deaths"):
        con.execute(f"CREATE TABLE {table} AS SELECT 'X1' AS record_id, '{first}' AS township, "
                    "NULL::VARCHAR AS county")  # fmt: skip
    con.execute("CREATE TABLE payments AS SELECT 'P1' AS record_id, NULL::VARCHAR AS county")
    return con


def test_a_registry_absent_leaves_the_types_resting_on_it_unjudged():
    # a blind tester's county run without 户籍人口: 拆户保障 0 of 10 true, nothing said
    con = _county(石羊=(12, 30, 90))
    con.execute("DROP TABLE hukou")
    [gap] = unjudged(con, load_policy())
    assert gap.case_types == ("split_household", "suspected_split")
    assert gap.text().startswith("本次数据未包含户籍人口：无法判断拆户保障、疑似人为分户")


def test_a_township_the_registry_lacks_is_named_with_the_roster_s_cases_and_rows():
    # 铁锁乡's 派出所 never sent its extract: 69 cases on the roster, no 户籍 row
    con = _county(金碧=(20, 60, 400), 龙街=(20, 60, 380), 铁锁=(12, 40, 0))
    [gap] = unjudged(con, load_policy())
    assert gap.gap == RegistryGap("hukou", None, "铁锁", 12, 40)
    assert gap.text() == (
        "户籍人口中没有铁锁的记录（名册中该乡镇有 12 个案件、40 条记录）："
        "该乡镇的拆户保障、疑似人为分户无法判断，请补充该乡镇的户籍人口数据"
    )
    assert gap.row()[:6] == ["户籍人口", "", "铁锁", 12, 40, "拆户保障、疑似人为分户"]


@pytest.mark.parametrize("small", [(3, 8, 0), (12, 40, 1)])
def test_a_small_township_or_one_with_few_rows_is_no_gap(small):
    # three cases may all be 人户分离; one row held is a registry that has the township
    con = _county(金碧=(20, 60, 400), 龙街=(20, 60, 380), 铁锁=small)
    assert registry_gaps(con) == []


def test_few_rows_due_where_the_registry_is_thin_are_no_gap():
    # a registry holding a row for one roster row in ten: 4 due in a township of 40 rows
    con = _county(金碧=(20, 60, 6), 龙街=(20, 60, 6), 铁锁=(12, 40, 0))
    assert registry_gaps(con) == []


def test_a_type_the_policy_does_not_look_for_is_not_called_unjudged():
    con = _county(石羊=(12, 30, 90))
    con.execute("DROP TABLE poverty")
    assert unjudged(con, load_policy()) == []  # the default policy runs no 建档立卡 type
    [gap] = unjudged(con, load_policy("兴安盟"))
    assert "exit_without_gradual" in gap.case_types


def test_every_needed_registry_is_one_the_contract_names():
    needed = {name for spec in CASE_TYPES.values() for name in spec.needs}
    assert needed <= set(REGISTRIES) - {"assistance"}
