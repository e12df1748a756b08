"""A table an exporter split over several sheets, its header on the first sheet only."""

import openpyxl
import pytest

from resolver.db import connect
from resolver.ingest import ingest_drop

HEADER = ["记录编号", "户号", "姓名", "性别", "身份证号码", "与户主关系", "乡镇", "村"]


def _row(number: int) -> list:
    return [f"H{number}", f"HH{number}", f"人员{number}", "男", None, "户主", "金碧镇", "大坡村"]


def _ingest(tmp_path, first_header_only: bool, widths_differ: bool = False):
    drop = tmp_path / "drop"
    drop.mkdir()
    book = openpyxl.Workbook()
    sheets = [book.active, book.create_sheet("Sheet2"), book.create_sheet("Sheet3")]
    for index, sheet in enumerate(sheets):
        if index == 0 or not first_header_only:
            sheet.append(HEADER)
        for number in range(index * 3, index * 3 + 3):
            row = _row(number)
            sheet.append([*row, "多余"] if widths_differ and index == 2 else row)
    book.save(drop / "户籍人口.xlsx")
    con = connect(":memory:")
    ingest_drop(con, drop)
    return con


@pytest.mark.parametrize("first_header_only", [True, False])
def test_every_sheet_of_a_split_table_is_read(tmp_path, first_header_only):
    con = _ingest(tmp_path, first_header_only)
    assert con.execute("SELECT count(*) FROM hukou").fetchall() == [(9,)]
    notes = [note for (note,) in con.execute("SELECT notes FROM ingest_sources").fetchall()
             if note and "没有表头" in note]  # fmt: skip
    assert len(notes) == (2 if first_header_only else 0)
    if first_header_only:
        assert all("按工作表「Sheet」的表头读取" in note for note in notes)


def test_a_sheet_of_another_width_is_not_read_under_the_first_sheets_header(tmp_path):
    con = _ingest(tmp_path, first_header_only=True, widths_differ=True)
    assert con.execute("SELECT count(*) FROM hukou").fetchall() == [(6,)]
    [(reason,)] = con.execute("SELECT DISTINCT reason FROM ingest_skipped").fetchall()
    assert "未找到表头" in reason


def _ingest_sheets(tmp_path, *later: list[list]):
    """A 户籍人口 workbook: the header and a row on the first sheet, then sheets ``later``."""
    drop = tmp_path / "drop"
    drop.mkdir()
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    book.active.append(_row(0))
    for index, rows in enumerate(later, start=2):
        sheet = book.create_sheet(f"Sheet{index}")
        for row in rows:
            sheet.append(row)
    book.save(drop / "户籍人口.xlsx")
    con = connect(":memory:")
    ingest_drop(con, drop)
    return con


def test_a_sheet_whose_trailing_columns_are_empty_continues_the_table(tmp_path):
    narrower = [_row(1)[:-1], _row(2)[:-1]]  # 村 blank on every row of the sheet
    wider = [[*_row(3), " "], [*_row(4), None]]  # a trailing column of spaces
    con = _ingest_sheets(tmp_path, narrower, wider)
    rows = con.execute("SELECT record_id, village FROM hukou ORDER BY record_id").fetchall()
    assert rows == [("H0", "大坡村"), ("H1", None), ("H2", None), ("H3", "大坡村"),
                    ("H4", "大坡村")]  # fmt: skip


def test_a_narrow_sheet_short_of_the_tables_required_columns_is_not_a_continuation(tmp_path):
    con = _ingest_sheets(tmp_path, [["1", "户号按派出所登记填写"], ["2", "姓名与身份证一致"]])
    assert con.execute("SELECT count(*) FROM hukou").fetchall() == [(1,)]
    [(reason,)] = con.execute("SELECT DISTINCT reason FROM ingest_skipped").fetchall()
    assert "未找到表头" in reason


def test_a_single_file_read_as_a_registry_reads_its_headerless_sheet_as_ingest_does(tmp_path):
    # what screening reads: ``read_registry_file`` continues the table on Sheet2 as ingest does
    from resolver.ingest import read_registry_file

    book = openpyxl.Workbook()
    book.active.append(["序号", "救助证号", "领款人姓名", "发放月份", "发放金额"])
    book.active.append([1, "DB001", "刘华", "2024-06", 441])
    book.create_sheet("Sheet2").append([2, "DB002", "王莉", "2024-06", 530])
    book.save(tmp_path / "2024年6月发放表.xlsx")
    first, second = read_registry_file(tmp_path / "2024年6月发放表.xlsx", "payments")
    assert second.sheet == "Sheet2" and second.header_rows == (0,)
    assert second.normalised.select(["row_no", "case_no"]).to_pylist() == [
        {"row_no": 1, "case_no": "DB002"}]  # fmt: skip
    assert any("按工作表「Sheet」的表头读取" in note for note in second.notes)
    assert not any("未读取" in note for note in first.notes)


def test_a_sheet_per_township_without_a_township_column_gives_its_rows_the_township(tmp_path):
    # a county roster compiled from its townships' sheets, no 乡镇 column: the sheet's name
    # (or the title above the header, or the file's name) is the township. Its rows had
    # none: a namesake's death notice in the same township could no longer be told apart
    # by place, and a living person was raised as 死亡后仍发放
    drop = tmp_path / "drop"
    drop.mkdir()
    book = openpyxl.Workbook()
    book.active.title = "金碧镇"
    header = ["救助证号", "姓名", "身份证号码", "救助类型", "是否保障对象", "纳入日期", "村组"]
    book.active.append(header)
    book.active.append(
        ["DB1", "周强勇", "532326195501010012", "低保", "是", "2021-03-02", "马坪村"]
    )
    titled = book.create_sheet("Sheet2")
    titled.append(["大姚县铁锁乡2024年12月低保对象花名册"])
    titled.append(header)
    titled.append(["DB2", "李红", "532326196001010027", "低保", "是", "2021-03-02", "大坡村"])
    county = book.create_sheet("城乡低保")
    county.append([*header, "乡镇"])
    county.append(["DB3", "王芳", "532326197001010046", "低保", "是", "2021-03-02", "大坡村", None])
    book.save(drop / "救助对象.xlsx")
    con = connect(":memory:")
    ingest_drop(con, drop)
    assert sorted(con.execute("SELECT case_no, township FROM assistance").fetchall()) == [
        ("DB1", "金碧"), ("DB2", "铁锁"), ("DB3", None)
    ]  # fmt: skip
    notes = " ".join(note for (note,) in con.execute("SELECT notes FROM ingest_sources").fetchall())
    assert "表中没有乡镇列：按文件名、工作表名或标题取“金碧镇”" in notes
    assert "取“铁锁乡”" in notes


def test_a_title_beginning_with_the_county_and_城乡_names_no_township(tmp_path):
    # 大姚县城乡低保对象花名册 above a county's roster without a 乡镇 column: its rows took the
    # township 大姚县城乡 (read 大姚县城), the county's name and half of 城乡
    drop = tmp_path / "drop"
    drop.mkdir()
    book = openpyxl.Workbook()
    for title in ("大姚县城乡低保对象花名册", "大姚县城镇居民最低生活保障花名册"):
        sheet = book.create_sheet()
        sheet.append([title])
        sheet.append(
            ["救助证号", "姓名", "身份证号码", "救助类型", "是否保障对象", "纳入日期", "村组"]
        )
        sheet.append([f"DB{len(book.sheetnames)}", "周强勇", "532326195501010012", "低保", "是",
                      "2021-03-02", "马坪村"])  # fmt: skip
    del book["Sheet"]
    book.save(drop / "救助对象.xlsx")
    con = connect(":memory:")
    ingest_drop(con, drop)
    assert con.execute("SELECT DISTINCT township FROM assistance").fetchall() == [(None,)]


@pytest.mark.parametrize("name", ["填表说明", "示例", "样表", "填报说明（示例）"])
def test_a_sheet_of_instructions_or_an_example_is_not_read_as_people(tmp_path, name):
    drop = tmp_path / "drop"
    drop.mkdir()
    book = openpyxl.Workbook()
    book.active.title = "户籍人口"
    book.active.append(HEADER)
    book.active.append(_row(1))
    example = book.create_sheet(name)  # the template's sample row: 张三 and a made-up ID
    example.append(HEADER)
    example.append(["H0", "HH0", "张三", "男", "110101199001011234", "户主", "某某镇", "某某村"])
    book.save(drop / "户籍人口.xlsx")
    con = connect(":memory:")
    ingest_drop(con, drop)
    assert con.execute("SELECT name FROM hukou").fetchall() == [("人员1",)]
    assert con.execute("SELECT sheet, reason FROM ingest_skipped").fetchall() == [
        (name, "填表说明或示例工作表")]  # fmt: skip
