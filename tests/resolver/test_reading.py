"""Reading workbooks (``resolver.reading``): a sheet too large to lay out is refused before
the reader allocates it."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from resolver import reading
from resolver.errors import InputError


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
