"""Reading workbooks (``resolver.reading``): a sheet too large to lay out is refused before
the reader allocates it; the cells the reader loses are found however the sheet's XML is
written."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from resolver import reading
from resolver.errors import InputError
from resolver.normalize import FORMULA_WITHOUT_VALUE
from tests.resolver.test_workbook_xml import _workbook_with_sheet_xml


def test_a_value_typed_far_away_refuses_the_sheet_before_it_is_laid_out(monkeypatch):
    # a 5 KB workbook whose grid from A1 to XFD1048576 would take 550 GB: the reader would
    # end the process, so the sheet must be refused before it is laid out
    book = openpyxl.Workbook()
    book.active.title = "发放"
    book.active.append(["姓名", "金额"])
    book.active.append(["张三", 300])
    book.active["XFD1048576"] = "x"
    buffer = io.BytesIO()
    book.save(buffer)

    def laid_out(*args):
        pytest.fail("the sheet was laid out")

    monkeypatch.setattr(reading, "_sheet_grid", laid_out)
    with pytest.raises(InputError) as refused:
        reading.read_grids(Path("发放表.xlsx"), buffer.getvalue())
    message = str(refused.value)
    assert refused.value.sheet == "发放" and "发放表.xlsx" in message
    assert "第 1,048,576 行、第 16,384 列（XFD 列）" in message
    assert "删除多余的行和列后另存再试" in message


HTML_EXPORT = """<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head>
<meta http-equiv="Content-Type" content="text/html; charset=gbk"></head><body>
<table border=1><tr><td colspan=3>某县2024年12月农村低保对象花名册</td></tr>
<tr><th>救助证号</th><th>姓名</th><th>身份证号</th></tr>
<tr><td rowspan=2>DB001</td><td>张&nbsp;三</td><td style="mso-number-format:'@'">532326199001011234</td></tr>
<tr><td>李<br>四</td><td>532326199202021234</td></tr></table></body></html>"""


def test_an_html_table_saved_as_xls_reads_as_excel_shows_it(tmp_path):
    # government systems export .xls files that are HTML, here in GBK
    path = tmp_path / "export.xls"
    path.write_bytes(HTML_EXPORT.encode("gbk"))
    (grid,) = reading.read_grids(path)
    assert (grid.file_format, grid.encoding, grid.row_numbers) == ("html", "gb18030", [1, 2, 3, 4])
    assert grid.row(0)[0] == "某县2024年12月农村低保对象花名册"
    assert grid.row(2) == ["DB001", "张 三", "532326199001011234"]
    assert grid.row(3) == ["DB001", "李\n四", "532326199202021234"]  # the case merged down
    assert grid.merged_cells == 3


SPREADSHEET_2003 = """<?xml version="1.0" encoding="UTF-8"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"
 xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
<Worksheet ss:Name="一村"><Table>
<Row><Cell><Data ss:Type="String">姓名</Data></Cell><Cell><Data ss:Type="String">身份证号</Data></Cell></Row>
<Row ss:Index="3"><Cell><Data ss:Type="String">王五</Data></Cell>
<Cell ss:Index="2"><Data ss:Type="String">532326199001011234</Data></Cell></Row>
</Table></Worksheet>
<Worksheet ss:Name="二村"><Table><Row><Cell><Data ss:Type="String">姓名</Data></Cell></Row>
</Table></Worksheet></Workbook>"""


def test_an_xml_spreadsheet_2003_reads_sheet_by_sheet_and_a_broken_one_is_refused(tmp_path):
    path = tmp_path / "导出.xls"
    path.write_text(SPREADSHEET_2003, encoding="utf-8")
    first, second = reading.read_grids(path)
    assert (first.sheet, first.file_format, first.row_numbers) == ("一村", "xml", [1, 3])
    assert first.row(1) == ["王五", "532326199001011234"] and second.sheet == "二村"
    path.write_text(SPREADSHEET_2003[:-20], encoding="utf-8")
    with pytest.raises(InputError, match="XML 表格（XML 电子表格 2003）格式错误"):
        reading.read_grids(path)


ID = "532326195001101005"


def _sheet_data(p: str, place: str) -> str:
    """A header row and a row holding an 18-digit ID stored as a number and a formula
    without its result, with element prefix ``p`` and each cell's reference ``first``,
    ``last`` or ``none``."""

    def cell(reference: str, attributes: str, body: str) -> str:
        named = {"first": f' r="{reference}"{attributes}', "last": f'{attributes} r="{reference}"',
                 "none": attributes}[place]  # fmt: skip
        return f"<{p}c{named}>{body}</{p}c>"

    def text(value: str) -> str:
        return f"<{p}is><{p}t>{value}</{p}t></{p}is>"

    def row(number: int, cells: str) -> str:
        named = "" if place == "none" else f' r="{number}"'
        return f"<{p}row{named}>{cells}</{p}row>"

    header = cell("A1", ' t="inlineStr"', text("证件号码")) + cell(
        "B1", ' t="inlineStr"', text("金额")
    )
    values = cell("A2", ' t="n"', f"<{p}v>{ID}</{p}v>") + cell(
        "B2", ' s="0"', f"<{p}f>400*1</{p}f>"
    )
    return f"<{p}sheetData>{row(1, header)}{row(2, values)}</{p}sheetData>"


@pytest.mark.parametrize(("p", "place"), [("", "first"), ("x:", "first"), ("", "last"),
                                          ("", "none"), ("x:", "none")])  # fmt: skip
def test_an_id_stored_as_a_number_keeps_its_digits_however_the_sheet_xml_is_written(p, place):
    # the .NET OpenXML SDK writes <x:c>; some writers put r= after t= or leave it out: every
    # ID was read as calamine's rounded float (marked damaged) and the formula as a blank
    content = _workbook_with_sheet_xml(_sheet_data(p, place), prefix=p)
    (grid,) = reading.read_grids(Path("救助对象.xlsx"), content)
    assert [column[1].as_py() for column in grid.columns] == [ID, FORMULA_WITHOUT_VALUE]


@pytest.mark.parametrize("content", [b"\n\n", b"\r\n\r\n", b"\xef\xbb\xbf\n"])
def test_a_csv_of_blank_lines_is_refused_as_empty_not_an_internal_error(content):
    # a file of line breaks alone (an export that wrote no rows) had no cell on any line:
    # Arrow read it as one column of nulls and the blank-row check failed on it (内部错误)
    with pytest.raises(InputError) as refused:
        reading.read_grids(Path("死亡人员.csv"), content)
    assert "死亡人员.csv" in str(refused.value) and "文件是空的" in str(refused.value)


_HEADER = "记录编号,姓名,身份证号码,住址,联系电话\n"
_ROWS = [
    f"H{n:04d},张{n},53232619800101{n:04d},大姚县金碧镇{n}号,1394256{n:04d}\n" for n in (1, 2, 3)
]


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_quote_never_closed_refuses_the_csv_instead_of_swallowing_the_rows_below(encoding):
    # a blind tester's 户籍人口.csv: one 住址 opened a quote it never closed, and 312 rows were
    # read as one 29,163-character cell while check passed
    opened = _ROWS[0].replace(",大姚县", ',"大姚县')
    content = (_HEADER + opened + "".join(_ROWS[1:])).encode(encoding)
    with pytest.raises(InputError) as refused:
        reading.read_grids(Path("户籍人口.csv"), content)
    assert str(refused.value) == (
        "户籍人口.csv（第 2 行；列「住址」）：该格以英文引号开头，但直到文件末尾都没有配对的引号，"
        "其后 2 行都被并入这一格：请删去或补全该引号后重新导出"
    )


def test_a_stray_quote_closed_by_another_lines_below_refuses_the_csv():
    # the two quotes pair up: read as written, rows 3 and 4 are inside row 2's 住址
    opened = _ROWS[0].replace(",大姚县", ',"大姚县')
    closed = _ROWS[2].replace("3号,", '3号",')
    content = (_HEADER + opened + _ROWS[1] + closed).encode()
    with pytest.raises(InputError) as refused:
        reading.read_grids(Path("户籍人口.csv"), content)
    assert refused.value.rows == (2,) and refused.value.column == "住址"
    assert "与 2 行之后的另一个引号配成了一对" in refused.value.reason


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_an_address_broken_over_lines_inside_its_quotes_is_read(encoding):
    broken = _ROWS[0].replace(",大姚县金碧镇1号,", ',"大姚县金碧镇\n1号",')
    content = (_HEADER + broken + "".join(_ROWS[1:])).encode(encoding)
    grid = reading.read_grids(Path("户籍人口.csv"), content)[0]
    assert grid.height == 4 and grid.row(1)[3] == "大姚县金碧镇\n1号"
    assert grid.row(3)[0] == "H0003"
