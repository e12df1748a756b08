"""A payment line's 救助证号 written otherwise than the roster's (``resolver.case_numbers``),
on tiny inline drops run end to end (a list screened against such a run:
``tests.api.test_screen``): zeros a bank's
workbook dropped and dashes a ledger added join the roster's case where the payee agrees;
numbers alike only without their dashes, or alike to two roster cases, join nothing."""

from __future__ import annotations

import json

import duckdb

from models.pipeline import run_pipeline
from models.policy import load_policy
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


def _run(tmp_path, roster: str, payments: str, deaths: str) -> tuple[list[dict], str]:
    """The leads of a run of the drop, and its database."""
    drop, out = tmp_path / "drop", tmp_path / "out"
    drop.mkdir()
    files = {
        "救助对象.csv": roster,
        "发放记录.csv": PAYMENTS_HEAD + payments,
        "死亡人员.csv": deaths,
    }
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
        "：12 行按名册中写法相同、领款人也相符的唯一案件对应（如 121 即名册的 000121）"
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
