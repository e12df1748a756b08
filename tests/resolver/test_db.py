import os
from pathlib import Path

import duckdb
import pytest

from resolver.db import (
    MEMORY_SHARE,
    MEMORY_VARIABLE,
    SCHEMA_TABLE,
    SCHEMA_VERSION,
    connect,
    memory_limit,
)
from resolver.errors import DoudiError


def _setting(con, name: str) -> str:
    return con.execute("SELECT current_setting(?)", [name]).fetchall()[0][0]


def test_each_connection_holds_a_share_of_the_machine_unless_the_environment_says(monkeypatch):
    monkeypatch.delenv(MEMORY_VARIABLE, raising=False)
    machine = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    assert memory_limit() == f"{int(machine * MEMORY_SHARE) // 2**20}MB"
    monkeypatch.setenv(MEMORY_VARIABLE, "300MB")
    con = connect(":memory:")
    assert _setting(con, "memory_limit") == "286.1 MiB"  # DuckDB shows 300 MB in MiB


def test_a_size_duckdb_cannot_read_is_refused_in_chinese(monkeypatch):
    monkeypatch.setenv(MEMORY_VARIABLE, "lots")
    with pytest.raises(DoudiError, match=f"{MEMORY_VARIABLE} 的值 'lots' 不是有效的内存大小"):
        connect(":memory:")


def test_a_database_in_memory_spills_past_its_limit_into_its_own_folder_removed_on_close(
    monkeypatch,
):
    monkeypatch.setenv(MEMORY_VARIABLE, "64MB")
    con, other = connect(":memory:"), connect(":memory:")
    spill = Path(_setting(con, "temp_directory"))
    assert spill != Path(_setting(other, "temp_directory"))
    assert spill.name.startswith("doudi-spill-") and not spill.exists()
    con.execute("CREATE TABLE t AS SELECT md5(range::VARCHAR) AS s FROM range(2000000)")
    ordered = con.execute("SELECT count(*), min(s), max(s) FROM (SELECT s FROM t ORDER BY s)")
    assert ordered.fetchall()[0][0] == 2_000_000
    assert any(spill.iterdir())  # 2 million texts do not fit in 64 MB
    con.close()
    assert not spill.exists()


def test_a_database_another_process_holds_or_that_is_no_database_is_said_in_chinese(tmp_path):
    import subprocess
    import sys

    db, junk = tmp_path / "d.duckdb", tmp_path / "x.duckdb"
    connect(db).close()
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb, sys; c = duckdb.connect("
                               f"{str(db)!r}); print('held', flush=True); sys.stdin.read()"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert holder.stdout.readline() == "held\n"
        with pytest.raises(DoudiError, match=rf"数据库 .*d\.duckdb 正被另一个进程使用（进程号 "
                           rf"{holder.pid}），通常是正在运行的审核服务（doudi serve）"):  # fmt: skip
            connect(db)
    finally:
        holder.communicate("")
    junk.write_bytes(b"not a database " * 500)
    with pytest.raises(DoudiError, match=r"x\.duckdb 不是兜底的数据库"):
        connect(junk)


def test_another_programs_database_is_refused_untouched_and_doudis_or_a_new_one_opens(tmp_path):
    foreign = tmp_path / "sales.duckdb"
    made = connect(foreign)
    made.execute("CREATE TABLE sales (amount INTEGER)")
    made.close()
    with pytest.raises(DoudiError, match="不是兜底的数据库（其中是其他程序的表：sales）"):
        connect(foreign)
    reopened = connect(tmp_path / "ours.duckdb")  # new: Doudi's once it writes its tables
    reopened.execute("CREATE TABLE runs (run_id VARCHAR)")
    reopened.execute("CREATE TABLE scratch_extra (x INTEGER)")
    reopened.close()
    assert connect(tmp_path / "ours.duckdb").execute("SELECT count(*) FROM runs").fetchall()
    untouched = duckdb.connect(str(foreign), read_only=True)
    assert untouched.execute("SELECT table_name FROM duckdb_tables()").fetchall() == [("sales",)]


def _schema(path: Path) -> list[tuple[int]]:
    held = duckdb.connect(str(path), read_only=True)
    try:
        return held.execute(f"SELECT version FROM {SCHEMA_TABLE}").fetchall()
    finally:
        held.close()


def test_a_doudi_database_remembers_its_version_and_a_later_versions_is_refused_untouched(
    tmp_path,
):
    path = tmp_path / "doudi.duckdb"
    made = connect(path)  # new and empty: not yet Doudi's, so not marked
    made.execute("CREATE TABLE runs (run_id VARCHAR)")
    made.close()
    connect(path, read_only=True).close()  # reading marks nothing
    with pytest.raises(duckdb.CatalogException):
        _schema(path)
    connect(path).close()
    assert _schema(path) == [(SCHEMA_VERSION,)]
    later = duckdb.connect(str(path))
    later.execute(f"UPDATE {SCHEMA_TABLE} SET version = {SCHEMA_VERSION + 1}")
    later.close()
    for read_only in (False, True):
        with pytest.raises(DoudiError, match=f"由较新版本的兜底写入（数据结构第 {SCHEMA_VERSION + 1} "
                                             f"版），当前使用的兜底只认识到第 {SCHEMA_VERSION} 版"):  # fmt: skip
            connect(path, read_only=read_only)
    assert _schema(path) == [(SCHEMA_VERSION + 1,)]
