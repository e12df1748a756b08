import duckdb

from resolver.errors import path_problem


def test_a_full_disk_said_in_duckdbs_error_under_splinks_is_named_in_chinese():
    try:
        try:
            raise duckdb.TransactionException('Failed to commit: Could not write file '
                                              '"/data/run/doudi.duckdb.wal": No space left on device')  # fmt: skip
        except duckdb.Error as error:
            raise RuntimeError("Error executing the following sql ...") from error
    except RuntimeError as wrapped:
        said = path_problem(wrapped)
    assert said == ("磁盘已满，无法写入 /data/run/doudi.duckdb.wal：请腾出磁盘空间，"
                    "或把输出写到另一个磁盘上的文件夹")  # fmt: skip


def test_a_read_only_folder_and_a_missing_file_are_named_and_a_defect_is_not(tmp_path):
    assert path_problem(OSError(30, "Read-only file system", "/mnt/u/out")) == (
        "无法写入 /mnt/u/out：所在的文件夹或磁盘是只读的。请换一个可以写入的文件夹"
    )
    assert path_problem(FileNotFoundError(2, "No such file", "nosuch.json")) == (
        "找不到 nosuch.json：请检查路径和文件名"
    )
    assert path_problem(FileExistsError(17, "File exists", str(tmp_path))) is None  # a folder
    assert path_problem(KeyError("types")) is None
