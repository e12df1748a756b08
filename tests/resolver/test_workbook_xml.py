"""An office's workbook with text cells set in its sheet XML (``with_text_cells``): what the
office made stays as it was, rows and cells land in order, and odd but valid XML is read."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from resolver.reading import read_grids
from resolver.workbook_xml import sheet_extent, sheet_members, table_width, with_text_cells


def _saved(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _values(content: bytes, sheet: str) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [list(row) for row in book[sheet].iter_rows(values_only=True)]


def test_styles_merges_widths_other_sheets_and_validations_stay():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "发放"
    sheet.append(["某县发放花名册"])
    sheet.merge_cells("A1:C1")
    sheet.append(["姓名", "账号", "金额"])
    sheet["A2"].font = Font(bold=True)
    sheet.column_dimensions["B"].width = 30
    sheet.append(["张三", "6221", 300])
    sheet.append(["李四", "6222", 450, None, "备注在外"])  # a cell beyond the header's last
    rule = DataValidation(type="whole", sqref="C3:C4")
    sheet.add_data_validation(rule)
    book.create_sheet("说明").append(["本表由乡镇填报"])
    before = _saved(book)
    after = with_text_cells(before, {"发放": {(2, 4): "结果", (3, 4): "通过", (4, 4): "暂缓"}},
                            {"发放": {(2, 4): "仅为提示"}})  # fmt: skip
    edited = openpyxl.load_workbook(io.BytesIO(after))
    sheet = edited["发放"]
    assert _values(after, "发放") == [
        ["某县发放花名册", None, None, None, None],
        ["姓名", "账号", "金额", "结果", None],
        ["张三", "6221", 300, "通过", None],
        ["李四", "6222", 450, "暂缓", "备注在外"],
    ]
    assert {str(merged) for merged in sheet.merged_cells.ranges} == {"A1:C1"}
    assert sheet["A2"].font.bold and sheet.column_dimensions["B"].width == 30
    assert all(sheet[ref].data_type == "s" for ref in ("D2", "D3", "D4"))
    validations = {str(v.sqref): (v.type, v.prompt) for v in sheet.data_validations.dataValidation}
    assert validations == {"C3:C4": ("whole", None), "D2": (None, "仅为提示")}
    assert _values(after, "说明") == [["本表由乡镇填报"]]
    with zipfile.ZipFile(io.BytesIO(before)) as old, zipfile.ZipFile(io.BytesIO(after)) as new:
        assert old.namelist() == new.namelist()
        changed = [name for name in old.namelist() if old.read(name) != new.read(name)]
    assert changed == ["xl/worksheets/sheet1.xml"]


def _workbook_with_sheet_xml(sheet_data: str, prefix: str = "", rel_prefix: str = "r") -> bytes:
    """A minimal workbook whose one sheet holds ``sheet_data`` as written (its elements
    named with ``prefix``, as some programs write them; the relationships namespace bound
    to ``rel_prefix`` in the workbook part)."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
            'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.worksheet+xml"/></Types>'))  # fmt: skip
        archive.writestr("_rels/.rels", (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"))  # fmt: skip
        # the sheet's name holds a character reference (&#34920; is 表), as some programs write
        archive.writestr("xl/workbook.xml", (
            f'<workbook xmlns="{main}" xmlns:{rel_prefix}="{rel}"><sheets>'
            f'<sheet name="&#34920;&amp;一" sheetId="1" {rel_prefix}:id="rId1"/></sheets></workbook>'
        ))  # fmt: skip
        archive.writestr("xl/_rels/workbook.xml.rels", (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="/xl/worksheets/sheet1.xml"/>'
            "</Relationships>"))  # fmt: skip
        declared = f'xmlns:{prefix[:-1]}="{main}"' if prefix else f'xmlns="{main}"'
        archive.writestr("xl/worksheets/sheet1.xml", (
            f'<{prefix}worksheet {declared}><{prefix}dimension ref="A1:B3"/>{sheet_data}'
            f'<{prefix}pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" '
            f'header="0.3" footer="0.3"/></{prefix}worksheet>'))  # fmt: skip
    return buffer.getvalue()


def test_rows_and_cells_without_references_and_rows_not_written_are_placed_in_order():
    # rows and cells may leave out their references (each is the one after the last); a row
    # the office did not write at all gets one, in its place
    content = _workbook_with_sheet_xml(
        '<sheetData><row spans="1:2"><c t="inlineStr"><is><t>姓名</t></is></c><c><v>1</v></c>'
        '</row><row r="3"><c r="B3"><v>2</v></c></row></sheetData>'
    )
    assert table_width(content, "表&一", 1) == 2
    edited = with_text_cells(content, {"表&一": {(1, 3): "结果", (2, 3): "通过", (3, 1): "a<b"}},
                             {"表&一": {(1, 3): '说"明'}})  # fmt: skip
    assert _values(edited, "表&一") == [["姓名", 1, "结果"], [None, None, "通过"],
                                       ["a<b", 2, None]]  # fmt: skip
    sheet = openpyxl.load_workbook(io.BytesIO(edited))["表&一"]
    assert sheet.data_validations.dataValidation[0].prompt == '说"明'
    with zipfile.ZipFile(io.BytesIO(edited)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert '<dimension ref="A1:C3"/>' in xml and "spans" not in xml
    assert xml.index("<dataValidations") < xml.index("<pageMargins")


def test_an_empty_sheet_gets_its_rows():
    content = _workbook_with_sheet_xml("<sheetData/>")
    edited = with_text_cells(content, {"表&一": {(2, 2): "通过"}})
    assert _values(edited, "表&一") == [[None, None], [None, "通过"]]


def test_a_sheet_written_with_a_namespace_prefix_is_edited_in_its_own_names():
    content = _workbook_with_sheet_xml(
        '<x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>姓名</x:t></x:is></x:c>'
        '</x:row><x:row r="2"><x:c r="A2" t="inlineStr"><x:is><x:t>张三</x:t></x:is></x:c>'
        "</x:row></x:sheetData>",
        prefix="x:",
    )
    assert table_width(content, "表&一", 1) == 1
    edited = with_text_cells(content, {"表&一": {(1, 2): "结果", (2, 2): "通过", (3, 2): "暂缓"}},
                             {"表&一": {(1, 2): "仅为提示"}})  # fmt: skip
    assert _values(edited, "表&一") == [["姓名", "结果"], ["张三", "通过"], [None, "暂缓"]]
    with zipfile.ZipFile(io.BytesIO(edited)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<row" not in xml and "<c " not in xml and "<x:dataValidation allowBlank" in xml


def test_a_cell_set_among_a_rows_cells_replaces_it_and_one_past_them_is_appended():
    # a row's cells past the columns set are kept in place; a styled empty cell is a cell
    content = _workbook_with_sheet_xml(
        '<sheetData><row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c>'
        '<c r="D1"><v>4</v></c></row><row r="2"><c r="A2"><v>5</v></c><c r="C2" s="0"/>'
        "</row></sheetData>"
    )
    edited = with_text_cells(content, {"表&一": {(1, 2): "", (1, 3): "三", (1, 5): "五",
                                                 (2, 4): "四"}})  # fmt: skip
    assert _values(edited, "表&一") == [[1, None, "三", 4, "五"], [5, None, None, "四", None]]
    with zipfile.ZipFile(io.BytesIO(edited)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert '<c r="C2" s="0"/><c r="D2" t="inlineStr">' in xml


def test_long_numbers_and_errors_are_read_in_their_own_cells_merged_ones_copied_whole():
    # a formula cell with a short value before a long number does not take the number; an
    # 18-digit ID written as a number keeps every digit, in each row of its merged range
    content = _workbook_with_sheet_xml(
        '<sheetData><row r="1"><c r="A1"><f>1+1</f><v>2</v></c><c r="B1" t="e"><f>1/0</f>'
        '<v>#DIV/0!</v></c></row><row r="2"><c r="A2"><f>C2</f><v>532326199001011235</v></c>'
        '<c r="B2"><f t="shared" si="0"/><v>7</v></c></row><row r="3"><c r="A3"/>'
        '<c r="B3"><v>1</v></c></row></sheetData><mergeCells count="1">'
        '<mergeCell ref="A2:A3"/></mergeCells>'
    )
    (grid,) = read_grids(Path("表.xlsx"), content)
    assert [column.to_pylist() for column in grid.columns] == [
        ["2", "532326199001011235", "532326199001011235"],
        ["#DIV/0!", "7", "1"],
    ]


def test_the_table_width_counts_notes_beside_rows_and_merged_headers_but_not_the_title():
    # new columns go after everything the table shows: a note beside a data row, the hidden
    # part of a header merged across two columns, a header merged down two rows; a title
    # above the table, merged wide, and a cell with only a style do not count
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["某县发放花名册", *[None] * 9, "制表日期"])
    sheet.merge_cells("A1:J1")
    sheet.append(["姓名", "金额", "备注"])
    sheet.merge_cells("C2:C3")
    sheet.append([None, "元"])
    sheet.append(["张三", 300])
    sheet["H4"].number_format = "0.00"
    content = _saved(book)
    assert table_width(content, "Sheet", 2) == 3
    sheet.merge_cells("C2:D3")
    assert table_width(_saved(book), "Sheet", 2) == 4
    sheet["F4"] = "已核实"
    assert table_width(_saved(book), "Sheet", 2) == 6
    assert table_width(_saved(book), "Sheet", 1) == 11


def test_a_workbook_binding_the_relationships_namespace_to_another_prefix_is_edited():
    # the sheet's id is found by its namespace, not by the prefix Excel happens to use
    content = _workbook_with_sheet_xml('<sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
                                       "</sheetData>", rel_prefix="rel")  # fmt: skip
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert sheet_members(archive) == {"表&一": "xl/worksheets/sheet1.xml"}
    assert table_width(content, "表&一", 1) == 1
    edited = with_text_cells(content, {"表&一": {(1, 2): "通过"}})
    assert _values(edited, "表&一") == [[1, "通过"]]


def _sheet(rows: str) -> bytes:
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    return f'<worksheet xmlns="{main}"><sheetData>{rows}</sheetData></worksheet>'.encode()


@pytest.mark.parametrize(("rows", "extent"), [
    ('<row r="1"><c r="A1"><v>1</v></c></row><row r="9"><c r="C9"><v>1</v></c></row>', None),
    ('<row r="1"><c r="A1"/></row><row r="9"><c r="E9"><v>1</v></c></row>', (9, 5)),
    # rows out of order: the last row written is not the last row
    ('<row r="20"><c r="A20"><v>1</v></c></row><row r="2"><c r="B2"><v>1</v></c></row>', (20, 2)),
    # cells without a reference are the ones after the last; a row without one, the next row
    ('<row r="9"><c r="A9"><v>1</v></c></row><row><c/><c/><c/><c><v>1</v></c></row>', (10, 4)),
    ('<row r="9"><c s="1" r="F9"><v>1</v></c></row>', (9, 6)),
])  # fmt: skip
def test_the_extent_of_a_sheet_is_found_in_its_xml_however_its_cells_are_written(rows, extent):
    assert sheet_extent(_sheet(rows), 30) == extent  # at most 30 cells


def test_a_text_set_that_starts_like_a_formula_is_quote_prefixed_and_other_styles_stay():
    book = openpyxl.Workbook()
    book.active.title = "表"
    book.active.append(["姓名", "金额"])
    book.active.append(["=1+1", 300])
    book.active["B2"].font = Font(bold=True)
    content = with_text_cells(_saved(book), {"表": {(1, 3): "结果", (2, 3): "@SUM(1,2)"}})
    sheet = openpyxl.load_workbook(io.BytesIO(content))["表"]
    assert (sheet["C2"].value, sheet["C2"].data_type, sheet["C2"].quotePrefix) == (
        "@SUM(1,2)", "s", True
    )  # fmt: skip
    assert not sheet["C1"].quotePrefix and sheet["B2"].font.bold and sheet["A2"].value == "=1+1"
    again = with_text_cells(content, {"表": {(2, 3): "=1", (2, 4): "+2"}})  # written back again
    formats = [zipfile.ZipFile(io.BytesIO(book)).read("xl/styles.xml").count(b'quotePrefix="1"')
               for book in (content, again)]  # fmt: skip
    assert formats == [1, 1]
    assert openpyxl.load_workbook(io.BytesIO(again))["表"]["D2"].quotePrefix
