"""A province drop: one folder per county. Each county's record ids, 户号, 救助证号 and 户编号
are numbered within it; a file outside every county folder is refused, in Chinese."""

from __future__ import annotations

import csv

import pytest

from resolver.db import connect
from resolver.errors import InputError
from resolver.ingest import drop_counties, ingest_drop

HUKOU = [["记录编号", "户号", "姓名"], ["H1", "001", "张三"], ["H2", "001", "李四"]]


def _write(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


def test_each_county_numbers_its_own_rows_and_households(tmp_path):
    _write(tmp_path / "drop" / "532301楚雄市" / "户籍人口.csv", HUKOU)
    _write(tmp_path / "drop" / "科右前旗" / "公安" / "户籍人口.csv", HUKOU)
    con = connect(tmp_path / "doudi.duckdb")
    ingest_drop(con, tmp_path / "drop")
    assert con.execute("SELECT record_id, hukou_no, county FROM hukou ORDER BY ALL").fetchall() == [
        ("532301/H1", "532301/001", "532301"), ("532301/H2", "532301/001", "532301"),
        ("科右前旗/H1", "科右前旗/001", "科右前旗"), ("科右前旗/H2", "科右前旗/001", "科右前旗"),
    ]  # fmt: skip
    assert drop_counties(con) == ["532301", "科右前旗"]


def test_a_one_county_drop_has_no_county(tmp_path):
    _write(tmp_path / "drop" / "民政" / "户籍人口.csv", HUKOU)
    con = connect(tmp_path / "doudi.duckdb")
    ingest_drop(con, tmp_path / "drop")
    assert con.execute("SELECT DISTINCT record_id LIKE 'H%', county FROM hukou").fetchall() == [
        (True, None)
    ]
    assert drop_counties(con) == []


def test_a_file_outside_every_county_folder_is_refused(tmp_path):
    _write(tmp_path / "drop" / "532301楚雄市" / "户籍人口.csv", HUKOU)
    _write(tmp_path / "drop" / "户籍人口.csv", HUKOU)
    con = connect(tmp_path / "doudi.duckdb")
    with pytest.raises(InputError) as raised:
        ingest_drop(con, tmp_path / "drop")
    assert raised.value.path == tmp_path / "drop" / "户籍人口.csv"
    assert "不在任何区县文件夹内" in str(raised.value)
