"""The plain XLSX writer: cells as a clerk opening the workbook reads them."""

from __future__ import annotations

import openpyxl
import pyarrow as pa

from resolver.xlsx import write_workbook


def _read(path) -> dict[str, list[list]]:
    book = openpyxl.load_workbook(path)
    return {name: [[cell.value for cell in row] for row in book[name].iter_rows()]
            for name in book.sheetnames}  # fmt: skip


def test_texts_numbers_and_blanks_read_back_as_written(tmp_path):
    """A blank, a null, markup characters, control characters XML forbids (dropped), a text
    starting like a formula (quote-prefixed, still text) and numbers, in two sheets."""
    texts = ["a<b&c>d", "", None, "\x01见\x1f下", "=SUM(A1)", "-3", "\t空格", "普通"]
    table = pa.table({"原值": texts, "行号": [1, 2, None, 4, 5, 6, 7, 2**40]})
    write_workbook(tmp_path / "b.xlsx", {"数据问题": table, "空": table.slice(0, 0)})
    read = _read(tmp_path / "b.xlsx")
    assert read["数据问题"] == [
        ["原值", "行号"], ["a<b&c>d", 1], [None, 2], [None, None], ["见下", 4],
        ["=SUM(A1)", 5], ["-3", 6], ["\t空格", 7], ["普通", 2**40],
    ]  # fmt: skip
    assert read["空"] == [["原值", "行号"]]
    sheet = openpyxl.load_workbook(tmp_path / "b.xlsx")["数据问题"]
    assert [sheet[f"A{row}"].quotePrefix for row in (2, 6, 7, 8, 9)] == [
        False,
        True,
        True,
        True,
        False,
    ]


def test_a_slice_of_a_table_is_written_from_its_own_rows(tmp_path):
    """Arrow shares a sliced table's buffers with the whole: only the slice's rows are written."""
    table = pa.table({"姓名": ["甲", "乙", "丙", "丁"], "数": [1, 2, 3, 4]})
    write_workbook(tmp_path / "s.xlsx", {"表": table.slice(1, 2)})
    assert _read(tmp_path / "s.xlsx")["表"] == [["姓名", "数"], ["乙", 2], ["丙", 3]]
