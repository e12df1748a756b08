"""Values and headers as county offices' exports write them, read through an ingest."""

import csv

from resolver.db import connect
from resolver.idcard import check_char
from resolver.ingest import ingest_drop

DEAD = [first + check_char(first) for first in ("53232619500101011", "53232619600202022")]
HEADS = [first + check_char(first) for first in ("53232619200101001", "53232619210101001")]


def _ingest(tmp_path, file_name, rows, **more):
    drop = tmp_path / "drop"
    drop.mkdir(parents=True)
    for name, table in {file_name: rows, **more}.items():
        with open(drop / name, "w", encoding="utf-8-sig", newline="") as file:
            csv.writer(file).writerows(table)
    con = connect(":memory:")
    ingest_drop(con, drop)
    return con


def test_the_deceaseds_id_column_is_read_beside_the_household_heads(tmp_path):
    # two columns of IDs and no 身份证号 header: until 2026-12-06 neither was read, and the
    # notices matched by name alone
    rows = [["死者姓名", "逝者身份证号码", "户主姓名", "户主身份证号", "死亡日期"],
            ["王建国", DEAD[0], "王大山", HEADS[0], "2024-02-10"],
            ["李秀英", DEAD[1], "赵四", HEADS[1], "2024-02-11"]]  # fmt: skip
    con = _ingest(tmp_path, "死亡人员.csv", rows)
    assert con.execute("SELECT id_number FROM deaths ORDER BY row_no").fetchall() == [
        (DEAD[0],),
        (DEAD[1],),
    ]
