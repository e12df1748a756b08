"""A payments ledger's column of fund categories (资金类别 …): recognised by its header or by
its values, its other funds counted in a note, a category naming no fund asked about."""

import csv

from resolver.db import connect
from resolver.ingest import ingest_drop

ROSTER = [["record_id", "case_no", "name", "program", "covered", "start_date"],
          ["A1", "DB1", "张福", "低保", "是", "2020-01-01"],
          ["A2", "TK1", "杨贵", "特困", "是", "2020-01-01"]]  # fmt: skip


def _ingest(tmp_path, payments: list[list[str]]):
    drop = tmp_path / "drop"
    drop.mkdir()
    for name, rows in (("救助对象", ROSTER), ("发放记录", payments)):
        with (drop / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
    con = connect(":memory:")
    ingest_drop(con, drop)
    return con


def _ledger(header: str, categories: list[str], note: str = "") -> list[list[str]]:
    rows = [["记录编号", "救助证号", "发放月份", "发放金额（元）", header, "备注"]]
    for number, category in enumerate(categories, 1):
        case_no = "TK1" if "特困" in category else "DB1"
        rows.append([f"F{number}", case_no, "2024-03", "300", category, note])
    return rows


def _read(con) -> tuple[list, str, str]:
    categories = con.execute(
        "SELECT extra['资金类别'] FROM raw_payments ORDER BY row_no"
    ).fetchall()
    notes, unmapped = con.execute("SELECT notes, unmapped FROM ingest_sources "
                                  "WHERE registry = 'payments'").fetchone()  # fmt: skip
    return [category for (category,) in categories], notes or "", unmapped or ""


def test_a_fund_column_is_read_by_its_header_and_its_other_funds_counted(tmp_path):
    con = _ingest(tmp_path, _ledger("资金项目", ["低保金", "取暖费", "特困供养金", "取暖费",
                                                "春节慰问金"]))  # fmt: skip
    categories, notes, unmapped = _read(con)
    assert categories == [None] * 5  # kept under its own header, 资金项目
    assert con.execute("SELECT count(*) FROM raw_payments WHERE extra['资金项目'] IS NOT NULL"
                       ).fetchone() == (5,)  # fmt: skip
    assert "资金项目" not in unmapped
    assert "列「资金项目」中其他资金 3 行（取暖费 2 行、春节慰问金 1 行）" in notes


def test_a_column_of_an_unknown_header_whose_values_are_funds_is_the_fund_column(tmp_path):
    con = _ingest(tmp_path, _ledger("类型", ["低保金", "价格临时补贴", "特困供养金", "低保金"]))
    categories, notes, unmapped = _read(con)
    assert categories == ["低保金", "价格临时补贴", "特困供养金", "低保金"]
    assert "类型" not in unmapped and "其他资金 1 行（价格临时补贴 1 行）" in notes


def test_notes_or_a_column_of_other_words_are_no_fund_column(tmp_path):
    # a 备注 of 一次性 (a 补发 paid at once) says nothing of the fund; nor a column of names
    notes_only = _ingest(tmp_path, _ledger("经办人", ["李四"] * 3, note="一次性"))
    categories, notes, unmapped = _read(notes_only)
    assert categories == [None] * 3 and "其他资金" not in notes
    assert "经办人" in unmapped and "备注" in unmapped


def test_a_category_naming_no_fund_is_read_as_the_allowance_and_asked_about(tmp_path):
    con = _ingest(tmp_path, _ledger("资金类别", ["低保金", "生活补助", "低保金"]))
    found = con.execute("SELECT record_id, column_name, raw_value FROM dq_findings "
                        "WHERE problem = 'fund_unknown'").fetchall()  # fmt: skip
    assert found == [("F2", "资金类别", "生活补助")]
    assert "其他资金" not in _read(con)[1]


def test_a_column_of_persons_conditions_is_no_fund_column(tmp_path):
    # 分类施保 classes (重度残疾人, 高龄) name a person's condition, not a fund his line pays
    con = _ingest(tmp_path, _ledger("施保类别", ["重度残疾人", "高龄", "高龄老人", "重度残疾",
                                                "残疾人"]))  # fmt: skip
    categories, notes, unmapped = _read(con)
    assert categories == [None] * 5 and "其他资金" not in notes
    assert "施保类别" in unmapped


def test_a_fund_column_by_its_values_is_named_by_its_header_in_the_notes(tmp_path):
    con = _ingest(tmp_path, _ledger("类型", ["低保金", "取暖费", "低保金"]))
    notes = _read(con)[1]
    assert "列「类型」按内容读作资金类别" in notes and "列「类型」中其他资金 1 行" in notes


def test_a_column_before_the_fund_column_is_not_taken_for_it_by_its_values(tmp_path):
    # 供养方式 (分散供养) names the allowance's words; the 资金类别 beside it is the fund column
    rows = [["记录编号", "救助证号", "发放月份", "发放金额（元）", "供养方式", "资金类别"]]
    rows += [[f"F{n}", "TK1", "2024-03", "300", "分散供养", fund]
             for n, fund in enumerate(["特困供养金", "取暖费", "春节慰问金"])]  # fmt: skip
    categories, notes, unmapped = _read(_ingest(tmp_path, rows))
    assert categories == ["特困供养金", "取暖费", "春节慰问金"] and "供养方式" in unmapped
    assert "列「资金类别」中其他资金 2 行（取暖费 1 行、春节慰问金 1 行）" in notes


def test_a_column_of_classes_under_a_fund_header_is_asked_about_once(tmp_path):
    con = _ingest(tmp_path, _ledger("补助类别", ["A类"] * 10))
    assert con.execute("SELECT count(*) FROM dq_findings WHERE problem = 'fund_unknown'"
                       ).fetchone() == (0,)  # fmt: skip
    assert "列「补助类别」大多不是资金类别（A类 10 行）" in _read(con)[1]


def test_an_institution_payee_without_an_id_is_no_finding_but_a_person_without_one_is(tmp_path):
    ledger = [["记录编号", "救助证号", "领款人", "领款人身份证号", "发放月份", "发放金额（元）"],
              ["F1", "TK1", "青山乡敬老院", "", "2024-03", "700"],
              ["F2", "TK1", "县社会福利院", "", "2024-04", "700"],
              ["F3", "DB1", "张福", "", "2024-03", "300"]]  # fmt: skip
    con = _ingest(tmp_path, ledger)
    findings = con.execute("SELECT record_id, problem FROM dq_findings "
                           "WHERE registry = 'payments'").fetchall()  # fmt: skip
    assert findings == [("F3", "id_blank")]
    assert con.execute("SELECT count(*) FROM payments").fetchone() == (3,)
    note = "领款人为供养机构（敬老院、福利院等，集中供养）的 2 行没有领款人身份证号"
    assert note in _read(con)[1]


def test_an_institution_payees_id_written_as_a_slash_or_none_is_no_finding(tmp_path):
    # an office writes “/” or “无” where a cell does not apply: a home has no ID either way
    ledger = [["记录编号", "救助证号", "领款人", "领款人身份证号", "发放月份", "发放金额（元）"],
              ["F1", "TK1", "青山乡敬老院", "/", "2024-03", "700"],
              ["F2", "TK1", "青山乡敬老院", "无", "2024-04", "700"],
              ["F3", "TK1", "青山乡敬老院", "5325", "2024-05", "700"],
              ["F4", "DB1", "张福", "/", "2024-03", "300"]]  # fmt: skip
    con = _ingest(tmp_path, ledger)
    findings = con.execute("SELECT record_id, problem FROM dq_findings WHERE registry = "
                           "'payments' ORDER BY record_id").fetchall()  # fmt: skip
    # a person's “/” stays a finding: a word for no ID (since 2026-12-07, id_placeholder)
    assert findings == [("F3", "id_bad_shape"), ("F4", "id_placeholder")]
    assert (
        "领款人为供养机构（敬老院、福利院等，集中供养）的 2 行没有领款人身份证号" in _read(con)[1]
    )
