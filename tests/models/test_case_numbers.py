"""A payment line's 救助证号 written otherwise than the roster's (``resolver.case_numbers``),
on tiny inline drops run end to end (a list screened against such a run:
``tests.api.test_screen``): zeros a bank's
workbook dropped and dashes a ledger added join the roster's case where the payee, a
covered member or the head, agrees; numbers alike only without the dashes the roster writes,
alike to two roster cases, or paid in a month the roster's number is paid too, join
nothing (``joined_otherwise`` itself on inline lines)."""

from __future__ import annotations

import json

import duckdb

from models.pipeline import run_pipeline
from models.policy import load_policy
from resolver.case_numbers import joined_otherwise
from resolver.idcard import check_char
from resolver.settings import LinkSettings

ROSTER_HEAD = ("记录编号,救助证号,姓名,身份证号码,与户主关系,救助类型,低保类别,是否保障对象,家庭人数,"
               "纳入日期,退出日期\n")  # fmt: skip
PAYMENTS_HEAD = "记录编号,救助证号,领款人姓名,领款人身份证号码,发放月份,发放金额（元）\n"
DEATHS_HEAD = "记录编号,姓名,身份证号码,死亡日期,数据来源\n"


def _id(number: int) -> str:
    first17 = f"110101195001{number:02d}001"
    return first17 + check_char(first17)


def _roster(*cases: tuple[str, int]) -> str:
    """One-person 低保 cases: (救助证号, n) for 人n."""
    return ROSTER_HEAD + "".join(f"A{n},{case},人{n},{_id(n)},本人,低保,B,是,1,2022-01-01,\n"
                                 for case, n in cases)  # fmt: skip


def _paid(case: str, n: int, months: range, *, with_id: bool = False) -> str:
    """412.00 a month to 人n as payee, the case written ``case``; his ID beside his name."""
    payee_id = _id(n) if with_id else ""
    return "".join(f"F{n}{case}{m},{case},人{n},{payee_id},2024-{m:02d},412.00\n" for m in months)


def _died(n: int) -> str:
    return DEATHS_HEAD + f"D{n},人{n},{_id(n)},2024-03-20,公安\n"


def _run(tmp_path, roster: str, payments: str, deaths: str, bank: str | None = None
         ) -> tuple[list[dict], str]:  # fmt: skip
    """The leads of a run of the drop (a bank's file of payments beside the ledger when
    ``bank``), and its database."""
    drop, out = tmp_path / "drop", tmp_path / "out"
    drop.mkdir()
    files = {
        "救助对象.csv": roster,
        "发放记录.csv": PAYMENTS_HEAD + payments,
        "死亡人员.csv": deaths,
    }
    if bank is not None:
        files["银行代发明细.csv"] = PAYMENTS_HEAD + bank
    for name, text in files.items():
        (drop / name).write_text(text, encoding="utf-8")
    result = run_pipeline(drop, out, policy=load_policy(), settings=LinkSettings())
    leads = [json.loads(line) for line in (out / "cases.jsonl").read_text().splitlines()]
    return leads, str(result.db_path)


def _deaths(leads: list[dict]) -> list[tuple[str, float]]:
    return [(lead["case_type"], lead["amount_at_risk"]) for lead in leads]


def _findings(db: str) -> list[tuple[str, str, str]]:
    with duckdb.connect(db, read_only=True) as con:
        return con.execute("SELECT record_id, problem, raw_value FROM dq_findings "
                           "WHERE column_name = 'case_no' ORDER BY ALL").fetchall()  # fmt: skip


def _notes(db: str) -> str:
    with duckdb.connect(db, read_only=True) as con:
        return "".join(con.execute("SELECT notes FROM ingest_sources WHERE registry = 'payments'")
                       .fetchone())  # fmt: skip


# 人1 died 2024-03-20 and is paid to June: the lead, with the roster's numbers as written
DEATH_LEAD = [("deceased_paid", 824.0)]  # May and June (April is within the grace)


def test_the_roster_s_numbers_as_written_give_the_death_lead(tmp_path):
    roster = _roster(("000121", 1), ("000122", 2))
    leads, _ = _run(tmp_path, roster, _paid("000121", 1, range(1, 7)) + _paid("000122", 2, range(1, 7)),
                    _died(1))  # fmt: skip
    assert _deaths(leads) == DEATH_LEAD


def test_numbers_a_bank_s_workbook_stripped_of_zeros_give_the_same_death_lead(tmp_path):
    # the roster's 000121 stored as the number 121: until 2026-12-07 every line was
    # 救助证号不在救助对象名册中 and the dead member's months paid raised nothing
    roster = _roster(("000121", 1), ("000122", 2))
    leads, db = _run(tmp_path, roster, _paid("121", 1, range(1, 7)) + _paid("122", 2, range(1, 7)),
                     _died(1))  # fmt: skip
    assert _deaths(leads) == DEATH_LEAD
    found = _findings(db)
    assert len(found) == 12
    assert ("F11211", "case_no_written_otherwise", "121（名册：000121）") in found
    assert (
        "：12 条发放记录与名册中唯一一个案件去掉前导 0、连字符等后相同、领款人也相符，按该案件读取（如 121 即名册的 000121）"
        in _notes(db)
    )


def test_numbers_a_ledger_wrote_with_dashes_give_the_same_death_lead(tmp_path):
    roster = _roster(("DB5323260001", 1), ("DB5323260002", 2))
    payments = (_paid("DB-5323260001", 1, range(1, 7), with_id=True)
                + _paid("DB-5323260002", 2, range(1, 7), with_id=True))  # fmt: skip
    leads, db = _run(tmp_path, roster, payments, _died(1))
    assert _deaths(leads) == DEATH_LEAD
    assert {problem for _, problem, _ in _findings(db)} == {"case_no_written_otherwise"}


def test_a_closed_case_s_lines_alike_to_another_family_s_case_without_dashes_join_nothing(tmp_path):
    # a review of the reverted first version: DB-1-16, a closed case deleted from the roster,
    # still paid its own family, was joined to another family's DB-11-6 (both DB116); here
    # 人1 of DB-11-6 died and his case stopped, so joining would be a false death lead
    roster = _roster(("DB-11-6", 1), ("DB-2-2", 2))
    payments = (
        _paid("DB-11-6", 1, range(1, 4))
        + _paid("DB-2-2", 2, range(1, 7))
        + "".join(f"G{m},DB-1-16,人9,,2024-{m:02d},412.00\n" for m in range(1, 7))
    )
    leads, db = _run(tmp_path, roster, payments, _died(1))
    assert leads == []
    assert {(problem, value) for record, problem, value in _findings(db) if record.startswith("G")} == {
        ("case_not_in_roster", "DB-1-16")}  # fmt: skip


def test_a_number_alike_to_two_roster_cases_joins_neither(tmp_path):
    # DB-01-21 and DB-012-1 are both DB121: a line written DB121 to 人1 may be either's
    roster = _roster(("DB-01-21", 1), ("DB-012-1", 2))
    leads, db = _run(tmp_path, roster, _paid("DB121", 1, range(1, 7)) + _paid("DB-012-1", 2, range(1, 7)),
                     _died(1))  # fmt: skip
    assert leads == []
    assert {problem for _, problem, _ in _findings(db)} == {"case_not_in_roster"}


def _member(record: str, case: str, n: int, relation: str, covered: str, ended: str = "") -> str:
    """A roster row of 人n in ``case``, 2 members, ``ended`` its 退出日期."""
    return f"{record},{case},人{n},{_id(n)},{relation},低保,B,{covered},2,2022-01-01,{ended}\n"


def test_a_bank_s_file_beside_the_ledger_of_the_same_months_counts_each_month_once(tmp_path):
    # a review of 2026-12-07: the bank's 1 (its payee IDs given, the ledger's not, so no
    # month was a copy) joined the ledger's 000001 and each month counted twice, the death
    # 1,648.00 元; a case paid under its roster number in a month joins no line of that month
    roster = _roster(("000001", 1), ("000002", 2))
    ledger = _paid("000001", 1, range(1, 7)) + _paid("000002", 2, range(1, 7))
    bank = _paid("1", 1, range(1, 7), with_id=True) + _paid("2", 2, range(1, 7), with_id=True)
    leads, db = _run(tmp_path, roster, ledger, _died(1), bank)
    assert _deaths(leads) == DEATH_LEAD
    assert {(value, problem) for _, problem, value in _findings(db)} == {
        ("1", "case_not_in_roster"), ("2", "case_not_in_roster")}  # fmt: skip


def test_a_payee_listed_on_the_case_but_not_covered_joins_nothing(tmp_path):
    # a review of 2026-12-07: 人3, listed (not covered) on 人1's DB-11-6, collects the closed
    # DB-1-16 with her ID; the line joined DB-11-6 and 人1's death raised 600.00 元 and a
    # payment_mismatch of 900.00 元 (the roster writes dashes: they are kept now, too)
    roster = ROSTER_HEAD + (_member("A1", "DB-11-6", 1, "本人", "是")
                            + _member("A3", "DB-11-6", 3, "女儿", "否")
                            + _member("A2", "DB-2-2", 2, "本人", "是").replace(",2,2022", ",1,2022"))  # fmt: skip
    payments = (_paid("DB-11-6", 1, range(1, 4), with_id=True) + _paid("DB-2-2", 2, range(1, 7))
                + "".join(f"G{m},DB-1-16,人3,{_id(3)},2024-{m:02d},300.00\n" for m in range(1, 7)))  # fmt: skip
    leads, db = _run(tmp_path, roster, payments, _died(1))
    assert leads == []
    assert {(problem, value) for record, problem, value in _findings(db) if record.startswith("G")} == {
        ("case_not_in_roster", "DB-1-16")}  # fmt: skip


def test_a_household_split_off_paid_under_its_new_number_joins_nothing(tmp_path):
    # a review of 2026-12-07: 人3 left DB-2-15 on 2024-01-31 (her row kept, with its 退出日期)
    # for her own DB-21-5, not yet on the roster; both are DB215 without dashes and her ID is
    # on DB-2-15's rows, so DB-21-5's lines joined DB-2-15: a false payment_mismatch of
    # 2,060.00 元 on a case paid right
    roster = ROSTER_HEAD + "".join(
        f"A{n},{case},人{n},{_id(n)},{relation},低保,B,是,1,2022-01-01,{ended}\n"
        for n, case, relation, ended in ((1, "DB-2-15", "本人", ""), (3, "DB-2-15", "女儿", "2024-01-31"),
                                         (2, "DB-3-3", "本人", ""), (9, "DB-9-9", "本人", "")))  # fmt: skip
    payments = (f"F11,DB-2-15,人1,{_id(1)},2024-01,824.00\n" + _paid("DB-2-15", 1, range(2, 7), with_id=True)
                + _paid("DB-3-3", 2, range(1, 7), with_id=True) + _paid("DB-9-9", 9, range(1, 7), with_id=True)
                + _paid("DB-21-5", 3, range(2, 7), with_id=True))  # fmt: skip
    leads, db = _run(tmp_path, roster, payments, _died(9).replace("2024-03-20", "2024-06-20"))
    assert leads == []
    assert {problem for _, problem, _ in _findings(db)} == {"case_not_in_roster"}


def _joined(lines: list[tuple], roster: list[tuple]) -> list[tuple[str, str, str]]:
    """``joined_otherwise`` of inline lines (line, file, case_no, pay_month, payee_name,
    payee_id_number) and roster rows (case_no, name, id_number, covered, relation, end_date)."""
    with duckdb.connect() as con:
        con.execute("CREATE TABLE l (line VARCHAR, file VARCHAR, case_no VARCHAR, pay_month VARCHAR, "
                    "payee_name VARCHAR, payee_id_number VARCHAR)")  # fmt: skip
        con.execute("CREATE TABLE r (case_no VARCHAR, name VARCHAR, id_number VARCHAR, covered VARCHAR, "
                    "relation VARCHAR, start_date DATE, end_date DATE)")  # fmt: skip
        con.executemany("INSERT INTO l VALUES (?, ?, ?, ?, ?, ?)", lines)
        con.executemany("INSERT INTO r VALUES (?, ?, ?, ?, ?, ?, ?)", roster)
        found = joined_otherwise(con, "SELECT *, '' AS scope, NULL AS pay_month_last FROM l",
                                 "SELECT *, '' AS scope FROM r")  # fmt: skip
        return list(zip(*found.to_pydict().values(), strict=True))


JOIN_ROSTER = [("000121", "人1", "ID1", "yes", "head", None, None),
               ("000121", "人3", "ID3", "no", "child", None, None),
               ("000121", "人4", "ID4", "yes", "child", None, "2024-02-29"),
               ("000121", "人5", "ID5", "yes", "child", "2024-03-01", None)]  # fmt: skip


def test_a_line_joins_only_where_its_case_is_paid_under_no_other_writing_to_a_member_in_cover():
    lines = [
        ("a", "ledger", "000121", "2024-01", "人1", "ID1"),
        ("b", "bank", "121", "2024-01", "人1", "ID1"),  # the ledger pays the case that month
        ("c", "bank", "121", "2024-02", "人1", "ID1"),  # joins
        ("d", "bank", "121", "2024-02", "人3", "ID3"),  # listed, not covered
        ("e", "bank", "121", "2024-03", "人4", "ID4"),  # exited in February
        ("f", "bank", "121", "2024-03", "人4", None),  # by name: exited in February
        ("g", "bank", "121", "2024-02", "人4", "ID4"),  # joins: before she exited
        ("h", "list", "121", "2024-03", "人1", "ID1"),  # its file writes the case two ways
        ("i", "list", "0121", "2024-04", "人1", "ID1"),
        # a review: a closed case 0121 paid to a payee before she joined case 000121 read as
        # the new case's (a false payment_mismatch of six months before it began)
        ("j", "bank", "121", "2024-02", "人5", "ID5"),  # before she joined
        ("k", "bank", "121", "2024-03", "人5", "ID5"),  # joins: in the case by then
    ]
    assert _joined(lines, JOIN_ROSTER) == [("c", "121", "000121"), ("g", "121", "000121"),
                                           ("k", "121", "000121")]  # fmt: skip


def test_a_roster_writing_dashes_keeps_them_apart():
    # DB-21-5 (a new case, a household split off) is not the roster's DB-2-15, though both
    # are DB215; DB.02.15 is DB-2-15 written otherwise
    roster = [("DB-2-15", "人1", "ID1", "yes", "head", None, None)]
    lines = [
        ("a", "f", "DB-21-5", "2024-02", "人1", "ID1"),
        ("b", "g", "DB.02.15", "2024-03", "人1", "ID1"),
    ]
    assert _joined(lines, roster) == [("b", "DB.02.15", "DB-2-15")]
