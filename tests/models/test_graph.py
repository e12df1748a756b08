"""The household graph built from an ingested drop and a person assignment."""

from __future__ import annotations

import csv
from datetime import date

import openpyxl
import pytest

from models.components import split_rows
from models.detection import find_cases
from models.detectors.common import enrolled_now
from models.graph import (
    build_household_graph,
    drop_as_of,
    families_of,
    graph_of,
    graph_rows,
    neighbours,
    nodes_of,
    notice_date_kinds,
    paid_through,
    person,
)
from models.periods import month_text
from models.policy import load_policy
from resolver.db import connect
from resolver.idcard import check_char
from resolver.ingest import ingest_drop
from resolver.persons import build_persons


def _id(born: str, sequence: str) -> str:
    first17 = "110105" + born + sequence
    return first17 + check_char(first17)


MOTHER, SON, LONER = _id("19600101", "002"), _id("19900505", "013"), _id("19700707", "025")
DROP = {
    "hukou": [
        ["record_id", "hukou_no", "name", "id_number", "birth_date"],
        ["H1", "F1", "李秀兰", MOTHER, "1960-01-01"],
        ["H2", "F1", "李强", SON, "1990-05-05"],
        ["H3", "F2", "赵独", LONER, "1970-07-07"],
    ],
    "assistance": [
        ["record_id", "case_no", "name", "id_number", "birth_date", "program", "covered",
         "start_date", "收入核定日期", "城乡属性", "备注"],
        # the son's ID typed into his mother's roster row: contradicts her birth date
        ["A1", "DB1", "李秀兰", SON, "1960-01-01", "低保", "是", "2024-01-01", "2025年9月10日", "",
         ""],
        ["A2", "DB2", "王城", "", "1950-02-02", "城市低保", "是", "2024-01-01", "", "",
         "渐退期（2026年9月起6个月）"],
        ["A3", "DB3", "张农", "", "1951-03-03", "低保", "是", "2024-01-01", "", "农村", "渐退期满"],
        # one-off help for the son: read, but no case of the household graph
        ["A4", "LS1", "李强", SON, "1990-05-05", "临时救助", "是", "2025-03-01", "", "", ""],
    ],
    "poverty": [
        ["record_id", "poverty_hh_no", "name", "id_number", "扶贫低保户"],
        ["P1", "PH1", "李秀兰", MOTHER, " 是 "],
    ],
}  # fmt: skip
PERSON_OF = {"H1": "p-mother", "A1": "p-mother", "P1": "p-mother", "H2": "p-son", "H3": "p-loner",
             "A2": "p-urban", "A3": "p-rural", "A4": "p-son"}  # fmt: skip
REGISTRY_OF = {"H": "hukou", "A": "assistance", "P": "poverty", "C": "disability"}


def _linked(tmp_path, tables: dict[str, list[list[str]]], books=None, person_of=PERSON_OF):
    """The drop ``tables`` (and workbooks ``books``: registry -> sheet -> rows) ingested, its
    persons as ``person_of`` says."""
    drop = tmp_path / "drop"
    drop.mkdir()
    for registry, rows in tables.items():
        with (drop / f"{registry}.csv").open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
    for registry, sheets in (books or {}).items():
        book = openpyxl.Workbook()
        book.remove(book.active)
        for sheet, rows in sheets.items():
            page = book.create_sheet(sheet)
            for row in rows:
                page.append(row)
        book.save(drop / f"{registry}.xlsx")
    con = connect(tmp_path / "doudi.duckdb")
    ingest_drop(con, drop)
    build_persons(con, shared_limit=5)
    con.execute("CREATE TABLE entities (registry VARCHAR, record_id VARCHAR, person_id VARCHAR)")
    con.executemany(
        "INSERT INTO entities VALUES (?, ?, ?)",
        [(REGISTRY_OF[rid[0]], rid, pid) for rid, pid in person_of.items()],
    )  # fmt: skip
    return con


@pytest.fixture()
def graph(tmp_path):
    return build_household_graph(_linked(tmp_path, DROP), links=None)


def test_a_family_with_a_member_on_a_roster_is_drawn_whole(graph):
    members = {other for other, _ in neighbours(graph, ("hukou_family", "F1"), "member_of")}
    assert members == {person("p-mother"), person("p-son")}
    assert [case for case, _ in neighbours(graph, person("p-mother"), "enrolled_in")] == [
        ("case", "DB1")
    ]


def test_a_family_in_no_other_registry_is_left_out(graph):
    assert ("hukou_family", "F2") not in graph
    assert person("p-loner") not in graph


def test_an_untrusted_id_is_not_a_persons_id(graph):
    ((_, row),) = neighbours(graph, person("p-mother"), "enrolled_in")
    assert row["id18"] is None
    assert graph.nodes[person("p-mother")]["id18"] == MOTHER


def test_the_optional_income_assessment_date_reaches_the_roster_row(graph):
    ((_, row),) = neighbours(graph, person("p-mother"), "enrolled_in")
    assert row["income_since"] == date(2025, 9, 10)


def test_a_gradual_exit_the_roster_note_dates_reaches_the_roster_row(graph):
    ((_, dated),) = neighbours(graph, person("p-urban"), "enrolled_in")
    ((_, undated),) = neighbours(graph, person("p-rural"), "enrolled_in")
    assert (month_text(dated["gradual_until"]), undated["gradual_until"]) == ("2027-02", None)


def test_a_gradual_exit_a_column_of_its_own_dates_reaches_the_roster_row_with_its_header(
    tmp_path,
):
    # an office writes the 渐退 in a column of its own (渐退起止时间 2026.09-2027.02, the value
    # without the word 渐退): read with its header, which the evidence names (since 2026-12-06)
    header, *rows = DROP["assistance"]
    dated = [
        [*header, "渐退起止时间"],
        [*rows[0], "2026.09-2027.02"],
        *([*row, ""] for row in rows[1:]),
    ]
    graph = build_household_graph(_linked(tmp_path, DROP | {"assistance": dated}), links=None)
    ((_, row),) = neighbours(graph, person("p-mother"), "enrolled_in")
    assert (month_text(row["gradual_until"]), row["gradual_note"]) == (
        "2027-02",
        "渐退起止时间：2026.09-2027.02",
    )
    ((_, urban),) = neighbours(graph, person("p-urban"), "enrolled_in")
    assert urban["gradual_note"] == "渐退期（2026年9月起6个月）"


def test_a_roster_rows_name_township_and_village_reach_the_roster_row(tmp_path):
    # the evidence of a duplicate names each row's person and place (since 2026-12-06)
    header, *rows = DROP["assistance"]
    placed = [[*header, "乡镇", "村"], [*rows[0], "石羊镇", "小河村"],
              *([*row, "", ""] for row in rows[1:])]  # fmt: skip
    graph = build_household_graph(_linked(tmp_path, DROP | {"assistance": placed}), links=None)
    ((_, row),) = neighbours(graph, person("p-mother"), "enrolled_in")
    assert (row["name"], row["township"], row["village"]) == (
        "李秀兰",
        "石羊",
        "小河村",
    )  # 乡镇 normalised
    ((_, row),) = neighbours(graph, person("p-urban"), "enrolled_in")
    assert (row["name"], row["township"], row["village"]) == ("王城", None, None)


def test_urban_or_rural_comes_from_the_optional_column_or_the_program_as_written(graph):
    # 城乡属性 blank and 救助类型 低保: unknown; 城市低保: urban; 城乡属性 农村: rural
    areas = {case: graph.nodes[("case", case)]["area"] for case in ("DB1", "DB2", "DB3")}
    assert areas == {"DB1": None, "DB2": "urban", "DB3": "rural"}
    ((_, row),) = neighbours(graph, person("p-urban"), "enrolled_in")
    assert row["area"] == "urban" and row["program"] == "dibao"


def test_the_optional_dibao_mark_reaches_the_poverty_row(graph):
    ((_, row),) = neighbours(graph, person("p-mother"), "in_poverty_household")
    assert row["dibao_marked"] is True


def test_nodes_of_a_kind_follow_changes_to_the_graph(graph):
    families = nodes_of(graph, "hukou_family")
    assert families == [("hukou_family", "F1")]
    graph.add_edge(person("new"), ("hukou_family", "F9"), kind="member_of")
    assert sorted(nodes_of(graph, "hukou_family")) == [
        ("hukou_family", "F1"),
        ("hukou_family", "F9"),
    ]
    assert families == [("hukou_family", "F1")]  # a list handed out earlier is not changed


def test_temporary_assistance_is_read_but_is_no_coverage(graph, tmp_path):
    """临时救助 is one-off help: ingest reads the program, the household graph holds no case
    for it, so no detector counts the son as covered or enrolled twice."""
    con = connect(tmp_path / "doudi.duckdb", read_only=True)
    assert con.execute("SELECT program FROM assistance WHERE record_id = 'A4'").fetchall() == [
        ("temporary",)
    ]
    assert ("case", "LS1") not in graph
    assert neighbours(graph, person("p-son"), "enrolled_in") == []


def test_a_payment_of_another_program_is_no_money_of_the_case(tmp_path):
    """A funeral grant (临时救助) paid to a 低保 case after the death, or a line whose 救助类型
    names a program Doudi does not know (医疗救助), is not the case's 低保 money: it makes and
    prices no lead. A line of 低保, or with no program written, is the case's."""
    payments = [["record_id", "case_no", "pay_month", "amount", "救助类型"],
                ["F1", "DB1", "2026-01", "500", "低保"], ["F2", "DB1", "2026-02", "500", ""],
                ["F3", "DB1", "2026-03", "2000", "临时救助"],
                ["F4", "DB1", "2026-04", "800", "医疗救助"],
                ["F5", "DB1", "2026-05", "500", "分散供养"], ["F6", "DB1", "2026-06", "500", "A类"]]  # fmt: skip
    built = build_household_graph(_linked(tmp_path, DROP | {"payments": payments}), links=None)
    node = built.nodes[("case", "DB1")]
    # 分散供养 is 特困's, and a value Doudi does not know (A类 in a 人员类别 column) no other program
    assert dict(node["payments"]) == {"2026-01": [("F1", 500.0)], "2026-02": [("F2", 500.0)],
                                      "2026-05": [("F5", 500.0)], "2026-06": [("F6", 500.0)]}  # fmt: skip
    # kept beside them, for a lead's evidence to name
    assert dict(node["other_payments"]) == {"2026-03": [("F3", 2000.0)], "2026-04": [("F4", 800.0)]}


def test_a_case_is_paid_its_base_where_the_ledger_gives_it_apart(tmp_path):
    """A ledger writing 保障金 apart from 分类施保金: each line's money for its class is its
    保障金 (a line without one, its amount), and a case each of whose lines gives it is
    marked as paid so."""
    payments = [["record_id", "case_no", "pay_month", "amount", "保障金", "分类施保金"],
                ["F1", "DB1", "2026-01", "550", "500", "50"],
                ["F2", "DB1", "2026-02", "500", "500", "0"],
                ["F3", "DB2", "2026-01", "500", "500", "0"],
                ["F4", "DB2", "2026-02", "550", "", "50"]]  # fmt: skip
    built = build_household_graph(_linked(tmp_path, DROP | {"payments": payments}), links=None)
    first, second = built.nodes[("case", "DB1")], built.nodes[("case", "DB2")]
    assert dict(first["payments"]) == {"2026-01": [("F1", 500.0)], "2026-02": [("F2", 500.0)]}
    assert dict(second["payments"]) == {"2026-01": [("F3", 500.0)], "2026-02": [("F4", 550.0)]}
    assert first["base_apart"] and not second["base_apart"]


def test_a_base_column_without_classified_extras_beside_it_is_not_the_money_paid(tmp_path):
    """A 保障金 column alone may be the month's entitlement: a 停发 line paid 0 and a 补发 of
    two months are the amounts paid, not the 保障金 beside them."""
    payments = [["record_id", "case_no", "pay_month", "amount", "保障金"],
                ["F1", "DB1", "2026-01", "700", "700"], ["F2", "DB1", "2026-02", "0", "700"],
                ["F3", "DB1", "2026-04", "1400", "700"]]  # fmt: skip
    built = build_household_graph(_linked(tmp_path, DROP | {"payments": payments}), links=None)
    node = built.nodes[("case", "DB1")]
    assert sum(amount for lines in node["payments"].values() for _, amount in lines) == 2100.0
    assert not node["base_apart"]


def test_back_pay_is_read_as_paid_in_the_months_its_note_names(tmp_path):
    """A 补发 paid in January 2024 for July and August 2023 (备注 补发2023年7-8月, after the
    member died in October) is money for those months, not for January; a note naming no
    month, or naming it after the payment, leaves the line in its own month."""
    payments = [["record_id", "case_no", "pay_month", "amount", "发放类型", "备注"],
                ["F1", "DB1", "2024-01", "1420", "补发", "补发2023年7-8月（银行退票）"],
                ["F2", "DB1", "2024-02", "710", "补发", "补发"],
                ["F3", "DB1", "2024-03", "710", "补发", "补发2024年5月"]]  # fmt: skip
    built = build_household_graph(_linked(tmp_path, DROP | {"payments": payments}), links=None)
    assert dict(built.nodes[("case", "DB1")]["payments"]) == {
        "2023-07": [("F1", 710.0)], "2023-08": [("F1", 710.0)],
        "2024-02": [("F2", 710.0)], "2024-03": [("F3", 710.0)]}  # fmt: skip


def test_a_payment_without_its_case_number_is_no_cases_and_splits(tmp_path):
    # an Excel error where the 救助证号 was: the row is read, its number is none
    payments = [["record_id", "case_no", "pay_month", "amount"],
                ["F1", "DB1", "2026-01", "500"], ["F2", "#N/A", "2026-01", "500"]]  # fmt: skip
    rows = graph_rows(_linked(tmp_path, DROP | {"payments": payments}), links=None)
    assert rows.tables["payments"]["record_id"].to_pylist() == ["F1"]
    parts = list(split_rows(rows, 2))
    assert sum(part.tables["payments"].num_rows for part in parts) == 1


def test_the_hukous_gaps_and_regions_reach_every_parts_graph_and_the_roster_its_township(
    tmp_path,
):
    # 金碧's one roster row has 20 户籍 rows; 铁锁's 10 cases none: its extract is missing
    hukou = [["record_id", "hukou_no", "name", "id_number", "乡镇"],
             *[[f"H{n}", f"F{n}", f"金{n}", _id("19600101", f"{n:03d}"), "金碧"]
               for n in range(20)]]  # fmt: skip
    roster = [["record_id", "case_no", "name", "program", "covered", "start_date", "乡镇"],
              ["A0", "DB0", "金0", "低保", "是", "2024-01-01", "金碧"],
              *[[f"A{n}", f"DB{n}", f"铁{n}", "低保", "是", "2024-01-01", "铁锁"]
                for n in range(1, 11)]]  # fmt: skip
    person_of = {f"H{n}": f"p{n}" for n in range(20)} | {f"A{n}": f"p{n}" for n in range(11)}
    con = _linked(tmp_path, {"hukou": hukou, "assistance": roster}, person_of=person_of)
    parts = [graph_of(part) for part in split_rows(graph_rows(con, links=None), 2)]
    assert len(parts) == 2
    for part in parts:
        assert part.graph["hukou_gaps"] == {(None, "铁锁")}
        assert part.graph["hukou_regions"] == {"110105"}
    ((_, row),) = [found for part in parts if person("p1") in part
                   for found in neighbours(part, person("p1"), "enrolled_in")]  # fmt: skip
    assert (row["township"], row["county"]) == ("铁锁", None)


def test_a_roster_row_without_its_case_number_is_in_no_case_but_is_enrolment(tmp_path):
    # a blank 救助证号 (a finding of the drop): the row joins no case (not one case of every
    # such row in the county, which ended a run in an error), the person is still enrolled
    # (no 未纳入 lead on them), and the detectors run
    roster = [*DROP["assistance"], ["A5", "", "赵独", LONER, "1970-07-07", "低保", "是",
                                    "2024-01-01", "", ""]]  # fmt: skip
    con = _linked(tmp_path, DROP | {"assistance": roster})
    con.execute("INSERT INTO entities VALUES ('assistance', 'A5', 'p-loner')")
    built = build_household_graph(con, links=None)
    assert neighbours(built, person("p-loner"), "enrolled_in") == []
    assert all(case is not None for kind, case in built if kind == "case")
    assert enrolled_now(built, person("p-loner"))
    find_cases(built, load_policy())


def test_a_cases_account_is_tied_from_its_first_row_whatever_order_rows_come_in(tmp_path):
    """A run and an update made the same graph but for which row tied the account: rows came
    in person-id order, and person ids are drawn anew in each database."""
    header = [*DROP["assistance"][0], "bank_account"]
    roster = [header,
              ["A7", "DB7", "李秀兰", MOTHER, "1960-01-01", "低保", "是", "2024-01-01", "", "", "",
               "6228480000000000017"],
              ["A6", "DB7", "李强", SON, "1990-05-05", "低保", "是", "2024-01-01", "", "", "",
               "6228480000000000017"]]  # fmt: skip
    con = _linked(tmp_path, DROP | {"assistance": roster})
    con.execute("INSERT INTO entities VALUES ('assistance', 'A6', 'p-son'), "
                "('assistance', 'A7', 'p-mother')")  # fmt: skip
    built = build_household_graph(con, links=None)
    (edge,) = [data for _, _, data in built.edges(("case", "DB7"), data=True)
               if data["kind"] == "paid_to"]  # fmt: skip
    assert edge["record_id"] == "A6"


def test_a_cases_account_edge_says_which_roster_rows_give_it_and_whether_the_ledger_pays_it(
    tmp_path,
):
    """Which rows tie a case to an account now is the detectors' to judge (``ties_now``): the
    edge keeps every roster row giving the account, and whether the ledger pays it."""
    header = [*DROP["assistance"][0], "bank_account"]
    roster = [header,
              ["A6", "DB7", "李强", SON, "1990-05-05", "低保", "是", "2024-01-01", "", "", "",
               "6228480000000000017"],
              ["A7", "DB7", "李秀兰", MOTHER, "1960-01-01", "低保", "是", "2024-01-01", "", "", "",
               "6228480000000000017"],
              ["A8", "DB7", "赵独", LONER, "1970-07-07", "低保", "是", "2024-01-01", "", "", "",
               "6228480000000000025"]]  # fmt: skip
    payments = [["record_id", "case_no", "bank_account", "pay_month", "amount"],
                ["F1", "DB7", "6228480000000000017", "2026-01", "500"],
                ["F2", "DB7", "6228480000000000033", "2026-02", "500"]]  # fmt: skip
    con = _linked(tmp_path, DROP | {"assistance": roster, "payments": payments})
    con.execute("INSERT INTO entities VALUES ('assistance', 'A6', 'p-son'), "
                "('assistance', 'A7', 'p-mother'), ('assistance', 'A8', 'p-loner')")  # fmt: skip
    built = build_household_graph(con, links=None)
    edges = {other[1]: (data["record_id"], data["named_on"], data["paid"])
             for _, other, data in built.edges(("case", "DB7"), data=True)
             if data["kind"] == "paid_to"}  # fmt: skip
    assert edges == {"6228480000000000017": ("A6", ["A6", "A7"], True),
                     "6228480000000000025": ("A8", ["A8"], False),
                     "6228480000000000033": ("F2", [], True)}  # fmt: skip


@pytest.mark.parametrize(
    ("header", "cells", "collective"),
    [
        ("与户主关系", ("户主", "集体户成员"), True),  # one row says so: the 户号 is collective
        ("户别", ("集体户", "集体户"), True),  # the 公安 export's kind of household
        ("与户主关系", ("户主", "之子"), False),
        ("户别", ("家庭户", "家庭户"), False),
    ],
)
def test_a_collective_hukou_is_marked_from_a_relation_or_its_household_kind(
    tmp_path, header, cells, collective
):
    hukou = [[*DROP["hukou"][0], header],
             *[[*row, cell] for row, cell in zip(DROP["hukou"][1:3], cells, strict=True)]]  # fmt: skip
    built = build_household_graph(_linked(tmp_path, DROP | {"hukou": hukou}), links=None)
    assert built.nodes[("hukou_family", "F1")]["collective"] is collective
    assert bool(families_of(built, person("p-son"))) is not collective


def test_the_ledgers_payees_reach_the_account(tmp_path):
    payments = [["record_id", "case_no", "payee_name", "payee_id_number", "bank_account",
                 "pay_month", "amount"],
                ["F1", "DB1", "王文书", LONER, "6228480000000000017", "2026-01", "500"],
                ["F2", "DB1", "王文书", LONER, "6228480000000000017", "2026-02", "500"],
                ["F3", "DB2", "", "", "6228480000000000017", "2026-02", "500"]]  # fmt: skip
    built = build_household_graph(_linked(tmp_path, DROP | {"payments": payments}), links=None)
    assert built.nodes[("account", "6228480000000000017")]["payees"] == {("王文书", LONER)}
    (edge,) = [data for _, _, data in built.edges(("case", "DB1"), data=True)
               if data["kind"] == "paid_to"]  # fmt: skip
    assert edge["record_id"] == "F1"


def test_a_restored_registration_reaches_the_person_its_id_is_trusted_of(tmp_path):
    """A 恢复户口 row names its person by the ID alone: the person trusted with it (her hukou
    row's, not a roster row's contradicted one), and only with a date."""
    deaths = [["record_id", "name", "id_number", "death_date", "source", "注销原因"],
              ["R1", "李秀兰", MOTHER, "2025-01-05", "公安", "恢复户口"],
              ["R2", "李强", SON, "", "公安", "恢复户口"],
              ["R3", "无名", _id("19800808", "031"), "2025-02-01", "公安", "恢复户口"]]  # fmt: skip
    built = build_household_graph(_linked(tmp_path, DROP | {"deaths": deaths}), links=None)
    assert built.nodes[person("p-mother")]["restored"] == [(date(2025, 1, 5), "R1")]
    assert "restored" not in built.nodes[person("p-son")]


def test_a_certificates_status_validity_and_sheet_reach_its_node(tmp_path):
    # 证件状态, 注销原因, 有效期至 and the 注销人员 sheet were read as nothing until 2026-12-06
    header = ["记录编号", "残疾证号", "姓名", "身份证号码", "残疾类别", "残疾等级", "有效期至",
              "证件状态"]  # fmt: skip
    books = {"disability": {
        "持证残疾人": [header, ["C1", MOTHER + "42", "李秀兰", MOTHER, "肢体", "", "2022-05-06", "正常"],
                       ["C2", "", "李强", SON, "视力", "一级", "2029-08-09", "注销"]],
        "注销人员": [["记录编号", "姓名", "身份证号码", "残疾类别", "残疾等级", "注销原因"],
                     ["C3", "李强", SON, "听力", "一级", "死亡"]],
    }}  # fmt: skip
    people = PERSON_OF | {"C1": "p-mother", "C2": "p-son", "C3": "p-son"}
    built = build_household_graph(_linked(tmp_path, DROP, books, people), links=None)
    written = {record_id: {key: built.nodes[("disability", record_id)][key]
                           for key in ("status", "cancel_reason", "valid_until", "listed_under")}
               for record_id in ("C1", "C2", "C3")}  # fmt: skip
    levels = {record_id: (built.nodes[("disability", record_id)]["level"],
                          built.nodes[("disability", record_id)]["level_from_cert"])
              for record_id in ("C1", "C2")}  # fmt: skip
    assert levels == {"C1": (2, True), "C2": (1, False)}
    assert written == {
        "C1": {"status": "正常", "cancel_reason": None, "valid_until": "2022-05-06",
               "listed_under": "disability.xlsx／持证残疾人"},
        "C2": {"status": "注销", "cancel_reason": None, "valid_until": "2029-08-09",
               "listed_under": "disability.xlsx／持证残疾人"},
        "C3": {"status": None, "cancel_reason": "死亡", "valid_until": None,
               "listed_under": "disability.xlsx／注销人员"},
    }  # fmt: skip


def test_a_line_of_several_months_is_paid_in_each_its_note_naming_them_again_or_not(tmp_path):
    """A quarter's line (所属月份 2024-01至2024-03) is a third of its money in each month, the
    odd fen in the first; a 补发 note naming its months spreads it no second time."""
    payments = [["record_id", "case_no", "pay_month", "amount", "备注"],
                ["F1", "DB1", "2024-01至2024-03", "1000", "按季发放"],
                ["F2", "DB1", "2024-04至2024-05", "1648", "补发2024年4-5月"]]  # fmt: skip
    node = build_household_graph(_linked(tmp_path, DROP | {"payments": payments}),
                                 links=None).nodes[("case", "DB1")]  # fmt: skip
    assert dict(node["payments"]) == {
        "2024-01": [("F1", 333.34)], "2024-02": [("F1", 333.33)], "2024-03": [("F1", 333.33)],
        "2024-04": [("F2", 824.0)], "2024-05": [("F2", 824.0)]}  # fmt: skip
    assert node["ranged"] == {"F1": ("2024-01", "2024-03"), "F2": ("2024-04", "2024-05")}


RANGED_ROSTER = [
    ["record_id", "case_no", "name", "id_number", "program", "dibao_class", "covered",
     "start_date", "家庭人均月纯收入（元）", "household_size"],
    ["A1", "DB1", "张福", _id("19500101", "002"), "低保", "B", "是", "2023-01-01", "", "1"],
    ["A2", "TK1", "张福", _id("19500101", "002"), "特困", "", "是", "2023-01-01", "", "1"],
    ["A3", "DB3", "王富", _id("19520202", "013"), "低保", "B", "是", "2023-01-01", "3000", "1"],
    ["A4", "DB4", "李四", _id("19600303", "025"), "低保", "B", "是", "2023-01-01", "", "1"],
]  # fmt: skip
RANGED_PAYMENTS = [
    ["record_id", "case_no", "pay_month", "amount"],
    *([f"M{m}", "DB1", f"2024-{m:02d}", "400"] for m in range(1, 7)),
    # the same man's 特困 money by the quarter
    ["Q1", "TK1", "2024-01至2024-03", "1800"], ["Q2", "TK1", "2024-04至2024-06", "1800"],
    # paid past his 渐退 (his income 3,000 a month), three months in one line
    ["S1", "DB3", "2024-01", "400"], ["S2", "DB3", "2024-02至2024-04", "1200"],
    # three months at three times the month's amount in one line
    ["P1", "DB4", "2024-01", "400"], ["P2", "DB4", "2024-02至2024-04", "3600"],
]  # fmt: skip


@pytest.mark.parametrize(("case_type", "amount", "said"), [
    ("duplicate_enrollment", 2400.0, "同一人同时从两个及以上案件领取 6 个月（2024-01 至 2024-06）"),
    ("over_standard", 1600.0, "渐退期满后仍发放 4 个月（2024-01 至 2024-04），合计 1600.00 元"),
    ("payment_mismatch", 2400.0, "2024-02 实发 1200.00 元，应发 400.00 元（低保B类 1 人）"),
])  # fmt: skip
def test_a_line_of_several_months_is_money_of_each_to_every_detector(tmp_path, case_type,
                                                                     amount, said):  # fmt: skip
    # such lines were 月份无法识别: the 特困 quarters paid nothing, DB3 was paid one month
    # past its 渐退, DB4 paid right
    con = _linked(tmp_path, {"assistance": RANGED_ROSTER, "payments": RANGED_PAYMENTS},
                  person_of={"A1": "p1", "A2": "p1", "A3": "p3", "A4": "p4"})  # fmt: skip
    [case] = [case for case in find_cases(build_household_graph(con, links=None), load_policy())
              if case.case_type == case_type]  # fmt: skip
    assert case.amount_at_risk == amount
    assert any(said in evidence.text for evidence in case.evidence)


FUND_ROSTER = [["record_id", "case_no", "name", "id_number", "program", "covered", "start_date",
                "end_date"],
               ["A1", "TK1", "杨贵", MOTHER, "特困", "是", "2022-01-01", "2023-11-30"],
               *[[f"A{n}", f"TK{n}", f"黄{n}", "", "特困", "是", "2022-01-01", ""]
                 for n in (2, 3, 4)]]  # fmt: skip
FUND_MONTHS = [f"2024-0{m}" for m in range(1, 7)]


def _fund_ledger(tmp_path):
    """Three 特困 cases paid 633.75 a month, one of them 210 of 护理补贴 (a 残疾人 subsidy)
    beside it, and a 春节慰问金 to the case of a man who died and left 特困 in 2023."""
    rows = [["record_id", "case_no", "pay_month", "amount", "资金类别"]]
    for n in (2, 3, 4):
        rows += [[f"F{n}{m}", f"TK{n}", m, "633.75", "特困供养金"] for m in FUND_MONTHS]
    rows += [[f"H{m}", "TK2", m, "210", "护理补贴"] for m in FUND_MONTHS]
    rows += [["W1", "TK1", "2024-01", "500", "春节慰问金"]]
    deaths = [
        ["record_id", "name", "id_number", "death_date"],
        ["D1", "杨贵", MOTHER, "2023-11-14"],
    ]
    person_of = {f"A{n}": f"p-{n}" for n in (1, 2, 3, 4)}
    con = _linked(tmp_path, {"assistance": FUND_ROSTER, "payments": rows, "deaths": deaths},
                  person_of=person_of)  # fmt: skip
    con.execute("INSERT INTO entities VALUES ('deaths', 'D1', 'p-1')")
    return build_household_graph(con, links=None)


def test_a_line_whose_fund_category_names_another_fund_is_no_money_of_the_case(tmp_path):
    built = _fund_ledger(tmp_path)
    paid, cared = built.nodes[("case", "TK1")], built.nodes[("case", "TK2")]
    assert not paid["payments"] and dict(paid["other_payments"]) == {"2024-01": [("W1", 500.0)]}
    assert {
        month: [amount for _, amount in lines] for month, lines in cared["payments"].items()
    } == {m: [633.75] for m in FUND_MONTHS}
    assert sum(len(lines) for lines in cared["other_payments"].values()) == 6


def test_another_funds_lines_raise_no_death_nor_mismatch_lead(tmp_path):
    # a 慰问金 after the case ended was a deceased_paid lead of 500; 护理补贴 beside 特困供养金
    # a payment_mismatch of 1,260 paid too much
    cases = find_cases(_fund_ledger(tmp_path), load_policy())
    assert not [case for case in cases
                if case.case_type in ("deceased_paid", "payment_mismatch")]  # fmt: skip


@pytest.mark.parametrize(("header", "monthly", "line", "case_money"), [
    # a person's class or condition in a 人员类别 column (read as 救助类型) names no fund
    ("人员类别", "一般户", "重度残疾", True),
    # the allowance's add-on (分类施保) and back-pay, also written 一次性
    ("资金类别", "特困供养金", "重度残疾人加发", True),
    ("资金类别", "特困供养金", "特困供养金一次性补发", True),
    # another programme's fund, also when it names 特困 and the 救助类型 reads as 特困
    ("资金类别", "特困供养金", "特困人员丧葬补助", False),
    ("救助类型", "特困", "特困人员丧葬补助", False),
    ("救助类型", "特困", "特困人员高龄津贴", False),
])  # fmt: skip
def test_which_lines_are_the_cases_money_by_their_words(tmp_path, header, monthly, line,
                                                        case_money):  # fmt: skip
    rows = [["record_id", "case_no", "pay_month", "amount", header]]
    rows += [[f"F{m}", "TK2", m, "633.75", monthly] for m in FUND_MONTHS]
    rows += [["X1", "TK2", "2024-02", "100", line]]
    con = _linked(tmp_path, {"assistance": FUND_ROSTER, "payments": rows},
                  person_of={f"A{n}": f"p-{n}" for n in (1, 2, 3, 4)})  # fmt: skip
    case = build_household_graph(con, links=None).nodes[("case", "TK2")]
    paid = sorted(amount for _, amount in case["payments"]["2024-02"])
    assert paid == ([100.0, 633.75] if case_money else [633.75])


@pytest.mark.parametrize(("lines", "as_of", "paid_to"), [
    # monthly lines to July, a quarter's line paid in July for July to September, a 取暖费
    # in August: the as-of day ran to 2024-09-30, into months the ledger had not paid
    ([["M1", "DB1", "2024-06", "400", "低保金"], ["M2", "DB1", "2024-07", "400", "低保金"],
      ["Q1", "DB2", "2024-07至2024-09", "1200", "低保金"], ["H1", "DB1", "2024-10", "300", "取暖费"]],
     "2024-07-31", "2024-09-30"),
    # a back pay of a year's months paid in May: it ran to 2024-12-31
    ([["M1", "DB1", "2024-05", "400", "低保金"], ["B1", "DB2", "2024-01至2024-12", "4800", "低保金"]],
     "2024-05-31", "2024-12-31"),
    # a ledger of quarters only: the last quarter's first month
    ([["Q1", "DB1", "2024-07至2024-09", "1200", "低保金"], ["Q2", "DB1", "2024-10至2024-12", "1200",
      "低保金"]], "2024-10-31", "2024-12-31"),
])  # fmt: skip
def test_the_as_of_day_is_the_last_month_the_ledger_paid_in(tmp_path, lines, as_of, paid_to):
    # the months paid ahead still count in what a case was paid (paid_through): a quarter's
    # line paid in October to a member dead in February pays November and December too
    payments = [["record_id", "case_no", "pay_month", "amount", "资金类别"], *lines]
    con = _linked(tmp_path, DROP | {"payments": payments})
    assert drop_as_of(con).isoformat() == as_of
    assert paid_through(con).isoformat() == paid_to


def test_a_quarter_its_note_names_paid_ahead_extends_the_months_paid_through(tmp_path):
    # 特困 paid by quarters at each quarter's start, the months only in 备注: the April line
    # pays May and June too (until 2026-12-07 a death of a drop ending in April was charged
    # April only: a blind tester's 3,600 元 for 5,040); a period on every line reads nothing
    lines = [["Q1", "DB1", "2024-01", "2160", "2024年1-3月"], ["Q2", "DB1", "2024-04", "2160", "2024年4-6月"],
             ["M1", "DB2", "2024-03", "400", "有效期2024.01-2024.12"],
             ["M2", "DB2", "2024-04", "400", "有效期2024.01-2024.12"]]  # fmt: skip
    payments = [["record_id", "case_no", "pay_month", "amount", "备注"], *lines]
    con = _linked(tmp_path, DROP | {"payments": payments})
    assert drop_as_of(con).isoformat() == "2024-04-30"
    assert paid_through(con).isoformat() == "2024-06-30"
    con.execute("DELETE FROM payments WHERE case_no = 'DB1'")
    assert paid_through(con).isoformat() == "2024-04-30"


@pytest.mark.parametrize(("lines_per_month", "as_of"), [
    # a blind repro: one line of 12 typed 2027-09 for 2026-09 ran the as-of day a year ahead
    # (a false missed_disability at 0.99, an undated death lead lost)
    ({"2026-07": 12, "2026-08": 12, "2026-09": 11, "2027-09": 1}, "2026-09-30"),
    ({"2026-08": 12, "2026-09": 10, "2027-08": 1, "2062-09": 1}, "2026-09-30"),  # two lines
    # a semi-annual 特困 ledger: a line a year ahead is twice its usual step off
    ({"2025-07": 12, "2026-01": 12, "2026-07": 11, "2027-07": 1}, "2026-07-31"),
    # as on main: a thin quarter two empty months after a ledger of quarters
    ({"2026-01": 12, "2026-04": 12, "2026-07": 12, "2026-10": 1}, "2026-10-31"),
    # a roster cut by 95 %: its thin months follow on
    ({"2026-05": 40, "2026-06": 40, "2026-07": 2, "2026-08": 2, "2026-09": 2}, "2026-09-30"),
    # a month paid late, the next one or after one empty month
    ({"2026-08": 12, "2026-09": 12, "2026-10": 1}, "2026-10-31"),
    ({"2026-07": 12, "2026-08": 12, "2026-10": 1}, "2026-10-31"),
    # a ledger of one month, and of two months a year apart alike
    ({"2026-09": 1}, "2026-09-30"),
    ({"2026-09": 12, "2027-09": 12}, "2027-09-30"),
])  # fmt: skip
def test_a_last_month_typed_far_ahead_of_the_ledger_does_not_move_the_as_of_day(
    tmp_path, lines_per_month, as_of
):
    lines = [[f"F{month}-{n}", f"DB{n}", month, "400", "低保金"]
             for month, count in lines_per_month.items() for n in range(count)]  # fmt: skip
    payments = [["record_id", "case_no", "pay_month", "amount", "资金类别"], *lines]
    con = _linked(tmp_path, DROP | {"payments": payments})
    assert drop_as_of(con).isoformat() == as_of
    # the line is read as written: the months a row counts run on to it
    assert paid_through(con).isoformat()[:7] == max(lines_per_month)


DATED_BY = {"A1": "p-cancelled", "H1": "p-cancelled", "A2": "p-cremated", "A3": "p-died"}
DATED_BY_DROP = {
    "hukou": [["record_id", "hukou_no", "name", "id_number", "户口状态", "注销原因", "注销日期"],
              ["H1", "F1", "李秀兰", MOTHER, "注销", "死亡", "2024-02-10"]],
    "assistance": [["record_id", "case_no", "name", "id_number", "program", "dibao_class",
                    "covered", "start_date", "household_size"],
                   ["A1", "DB1", "李秀兰", MOTHER, "低保", "B", "是", "2023-01-01", "1"],
                   ["A2", "DB2", "李强", SON, "低保", "B", "是", "2023-01-01", "1"],
                   ["A3", "DB3", "赵独", LONER, "低保", "B", "是", "2023-01-01", "1"]],
    "payments": [["record_id", "case_no", "pay_month", "amount"],
                 *([f"M{n}{m}", f"DB{n}", f"2024-{m:02d}", "400"]
                   for n in (1, 2, 3) for m in range(1, 7))],
}  # fmt: skip
DATED_BY_BOOKS = {"deaths": {
    "殡仪馆": [["记录编号", "姓名", "身份证号码", "火化日期", "数据来源"],
               ["D1", "李强", SON, "2024-02-12", "殡葬"]],
    "卫健": [["记录编号", "姓名", "身份证号码", "死亡日期", "数据来源"],
             ["D2", "赵独", LONER, "2024-02-15", "卫健"]],
}}  # fmt: skip
OTHER_DAY = "；不是死亡日期：死亡在这一天或之前，从这一天起算的死亡后发放金额可能少于实际"


def test_a_notice_dated_by_another_day_than_the_death_names_it_and_says_the_death_was_before(
    tmp_path,
):
    # until 2026-12-07 (night) a 火化日期, and the 注销日期 of a 户籍 row cancelled for death,
    # were each called 死亡日期 in the lead's evidence, the death possibly a month earlier
    con = _linked(tmp_path, DATED_BY_DROP, DATED_BY_BOOKS, DATED_BY)
    con.execute("INSERT INTO entities VALUES ('deaths', 'H1-死亡注销', 'p-cancelled'), "
                "('deaths', 'D1', 'p-cremated'), ('deaths', 'D2', 'p-died')")  # fmt: skip
    built = build_household_graph(con, links=None)
    said = {case.person_ids[0]: next(evidence.text for evidence in case.evidence
                                     if evidence.registry == "deaths")
            for case in find_cases(built, load_policy()) if case.case_type == "deceased_paid"}  # fmt: skip
    assert said == {
        "p-cancelled": f"户口注销日期 2024-02-10（来源：公安）{OTHER_DAY}",
        "p-cremated": f"火化日期 2024-02-12（来源：殡葬）{OTHER_DAY}",
        "p-died": "死亡日期 2024-02-15（来源：卫健）",
    }


def test_a_deaths_table_of_its_own_after_a_hukou_table_on_one_sheet_keeps_its_dates_reading():
    """Only notices derived from a row cancelled for death (record ids ending -死亡注销) take
    their origin's date: a 死亡人员 table the office put on the same sheet after its 户籍人口
    table, numbered just after it, is dated by its own header (a review, 2026-12-07)."""
    con = connect(":memory:")
    con.execute("CREATE TABLE ingest_sources (source_no BIGINT, registry VARCHAR, file VARCHAR, "
                "sheet VARCHAR, mapping VARCHAR)")  # fmt: skip
    con.execute("""INSERT INTO ingest_sources VALUES
        (1000, 'hukou', '户籍.xlsx', 'Sheet1', '[["注销日期", "cancel_date"]]'),
        (1001, 'deaths', '户籍.xlsx', 'Sheet1', '[["死亡日期", "death_date"]]'),
        (2000, 'deaths', '殡葬.xlsx', NULL, '[["火化时间", "death_date"]]')""")
    kinds = notice_date_kinds(con)
    assert kinds[(1001, False)] == "死亡日期" and kinds[(1001, True)] == "户口注销日期"
    assert kinds[(2000, False)] == kinds[(2000, True)] == "火化日期"
