"""Which rows of a deaths file are death notices, and which of its date columns is the death."""

import csv

import pytest

from resolver.db import connect, table_names
from resolver.errors import DoudiError
from resolver.ingest import ingest_drop

IDS = ("532326195001010111", "532326196002020222", "532326197003030313")


def _ingest(tmp_path, file_name, rows):
    drop = tmp_path / "drop"
    drop.mkdir(parents=True)
    with open(drop / file_name, "w", encoding="utf-8-sig", newline="") as file:
        csv.writer(file).writerows(rows)
    con = connect(":memory:")
    ingest_drop(con, drop)
    return con


def test_only_the_rows_a_cancellation_export_cancels_for_death_are_deaths(tmp_path):
    rows = [["姓名", "公民身份号码", "注销日期", "注销原因", "派出所"],
            ["王建国", IDS[0], "2024-02-10", "死亡", "石羊派出所"],
            ["李秀英", IDS[1], "2024-02-10", "迁出", "石羊派出所"],
            ["赵大勇", IDS[2], "2024-02-10", "参军", "石羊派出所"]]  # fmt: skip
    con = _ingest(tmp_path, "户籍注销人员.csv", rows)
    assert con.execute("SELECT id_number FROM deaths").fetchall() == [(IDS[0],)]
    assert con.execute("SELECT row_no, reason FROM ingest_skipped ORDER BY row_no").fetchall() == [
        (3, "注销原因为迁出，不是死亡记录"),
        (4, "注销原因为参军，不是死亡记录"),
    ]
    [(unmapped, notes)] = con.execute("SELECT unmapped, notes FROM ingest_sources").fetchall()
    assert "注销原因" not in unmapped
    assert "2 行的注销原因不是死亡（迁出 1、参军 1）" in notes


@pytest.mark.parametrize("header", ["注销原因\u200b", "注销原因(公安)", " 注销原因 "])
def test_the_cancellation_reason_is_found_however_its_header_is_written(tmp_path, header):
    rows = [["姓名", "公民身份号码", "注销日期", header],
            ["王建国", IDS[0], "2024-02-10", "死亡"],
            ["李秀英", IDS[1], "2024-02-10", "迁出"]]  # fmt: skip
    con = _ingest(tmp_path, "户籍注销人员.csv", rows)
    assert con.execute("SELECT id_number FROM deaths").fetchall() == [(IDS[0],)]
    [(unmapped,)] = con.execute("SELECT unmapped FROM ingest_sources").fetchall()
    assert "注销原因" not in (unmapped or "")


def test_a_blank_reason_beside_a_death_date_is_a_death_not_yet_cancelled(tmp_path):
    # headed 死亡日期, a row with no 注销原因 is a death whose 户口 is not cancelled yet; headed
    # 注销日期 only, it says nothing of why the 户口 was cancelled
    rows = [["姓名", "公民身份号码", "死亡日期", "注销原因"],
            ["王建国", IDS[0], "2024-02-10", "死亡"],
            ["李秀英", IDS[1], "2024-03-01", ""],
            ["赵大勇", IDS[2], "2024-02-10", "迁出"]]  # fmt: skip
    con = _ingest(tmp_path, "死亡人员.csv", rows)
    assert con.execute("SELECT id_number FROM deaths ORDER BY 1").fetchall() == [
        (IDS[0],),
        (IDS[1],),
    ]
    rows[0][2] = "注销日期"
    con = _ingest(tmp_path / "cancelled", "户籍注销人员.csv", rows)
    assert con.execute("SELECT id_number FROM deaths").fetchall() == [(IDS[0],)]


def test_the_death_date_is_read_before_the_cancellation_date_written_first(tmp_path):
    rows = [["记录编号", "姓名", "公民身份号码", "注销日期", "注销原因", "死亡日期"],
            ["SW1", "王建国", IDS[0], "2024-09-20", "死亡", "2024-02-10"]]  # fmt: skip
    con = _ingest(tmp_path, "死亡人员.csv", rows)
    assert str(con.execute("SELECT death_date FROM deaths").fetchone()[0]) == "2024-02-10"


@pytest.mark.parametrize(
    ("headers", "cells", "death_date"),
    [
        (["火化日期", "死亡日期"], ["2024-02-13", "2024-02-10"], "2024-02-10"),
        (["火化日期"], ["2024-02-13"], "2024-02-13"),
    ],
)
def test_a_funeral_homes_cremation_date_is_the_death_date_only_without_one(
    tmp_path, headers, cells, death_date
):
    rows = [["记录编号", "逝者姓名", "身份证号码", *headers], ["BZ1", "王建国", IDS[0], *cells]]
    con = _ingest(tmp_path, "殡葬火化.csv", rows)
    [(name, day)] = con.execute("SELECT name, death_date FROM deaths").fetchall()
    assert (name, str(day)) == ("王建国", death_date)


RESTORED = ("532326196002020228", "532326197003030318")  # valid: a restoration's only key


def test_a_restored_registration_is_no_death_but_kept_apart_as_evidence_of_life(tmp_path):
    # a blind tester's 公安 row 恢复户口 (备注 误报死亡) was only skipped as 不是死亡记录 until
    # 2026-12-06: the wrong notice it corrects stood as a lead at 0.83
    rows = [["记录编号", "姓名", "公民身份号码", "注销日期", "注销原因"],
            ["GA1", "王建国", IDS[0], "2024-02-10", "死亡"],
            ["GA2", "李秀英", RESTORED[0], "2024-03-12", "恢复户口"],
            ["GA3", "赵大勇", RESTORED[1], "2024/4/1", "误报死亡，撤销死亡注销"],
            ["", "钱小二", "532326198004040410", "2024-05-01", "户口恢复"]]  # fmt: skip
    con = _ingest(tmp_path, "户籍注销人员.csv", rows)
    assert con.execute("SELECT record_id FROM deaths").fetchall() == [("GA1",)]
    read = "SELECT record_id, row_no, id_number, restored_on::VARCHAR FROM restorations"
    assert con.execute(read + " ORDER BY row_no").fetchall() == [
        ("GA2", 3, RESTORED[0], "2024-03-12"),
        ("GA3", 4, RESTORED[1], "2024-04-01"),
        (None, 5, None, "2024-05-01"),  # an ID that is not valid names no one
    ]
    (reason,) = con.execute("SELECT reason FROM ingest_skipped WHERE row_no = 3").fetchone()
    assert reason.startswith("注销原因为恢复户口，不是死亡记录（户口已恢复：作为本人在世的证据")


def test_restorations_are_kept_when_the_next_ingest_takes_the_file_unchanged_or_reads_it_again(
    tmp_path,
):
    rows = [["记录编号", "姓名", "公民身份号码", "注销日期", "注销原因"],
            ["GA1", "王建国", IDS[0], "2024-02-10", "死亡"],
            ["GA2", "李秀英", RESTORED[0], "2024-03-12", "恢复户口"]]  # fmt: skip
    con = _ingest(tmp_path, "户籍注销人员.csv", rows)
    assert list(ingest_drop(con, tmp_path / "drop").reused.values()) == ["unchanged"]
    assert con.execute("SELECT record_id FROM restorations").fetchall() == [("GA2",)]
    with open(tmp_path / "drop" / "户籍注销人员.csv", "a", encoding="utf-8", newline="") as file:
        csv.writer(file).writerow(["GA3", "赵大勇", RESTORED[1], "2024-04-01", "恢复户口"])
    ingest_drop(con, tmp_path / "drop")
    assert con.execute("SELECT record_id FROM restorations ORDER BY 1").fetchall() == [
        ("GA2",),
        ("GA3",),
    ]


def test_a_notices_place_of_registration_is_its_township_and_village(tmp_path):
    rows = [["逝者姓名", "火化日期", "来源", "户籍乡镇", "户籍村"],
            ["王建国", "2024-02-10", "殡葬", "石羊镇", "大井村"]]  # fmt: skip
    con = _ingest(tmp_path, "死亡人员.csv", rows)
    assert con.execute("SELECT township, village FROM deaths").fetchall() == [("石羊", "大井村")]


HUKOU = ["记录编号", "户号", "姓名", "公民身份号码", "与户主关系", "户籍地乡镇", "户籍地村", "户口状态",
         "注销原因", "注销日期"]  # fmt: skip


def test_a_hukou_row_cancelled_for_death_is_also_a_police_death_notice(tmp_path):
    # since 2026-12-07 (late): a blind tester's 户籍人口 export recording four deaths in 户口状态,
    # 注销原因 and 注销日期 was read as living residents, its three columns 未识别的列
    rows = [HUKOU,
            ["H1", "HH1", "王建国", IDS[0], "户主", "石羊镇", "大村", "注销", "死亡", "2024-05-14"],
            ["H2", "HH1", "李秀英", IDS[1], "配偶", "石羊镇", "大村", "注销", "迁出", "2024-05-14"],
            ["H3", "HH2", "赵大勇", IDS[2], "户主", "石羊镇", "大村", "正常", "", ""]]  # fmt: skip
    con = _ingest(tmp_path, "户籍人口.csv", rows)
    assert con.execute("SELECT count(*) FROM hukou").fetchone() == (3,)
    notices = con.execute("SELECT record_id, row_no, id_number, death_date::VARCHAR, source, "
                          "township FROM deaths").fetchall()  # fmt: skip
    assert notices == [("H1-死亡注销", 2, IDS[0], "2024-05-14", "police", "石羊")]
    assert con.execute("SELECT source FROM raw_deaths").fetchall() == [("公安",)]
    read = con.execute("SELECT registry, rows, unmapped, notes FROM ingest_sources "
                       "ORDER BY registry").fetchall()  # fmt: skip
    assert [(registry, rows) for registry, rows, _, _ in read] == [("deaths", 1), ("hukou", 3)]
    assert not read[1][2] or "注销原因" not in read[1][2]
    assert "由户籍人口表中注销原因为死亡的 1 行生成的死亡记录（来源：公安" in read[0][3]
    assert list(ingest_drop(con, tmp_path / "drop").reused.values()) == ["unchanged"]
    assert con.execute("SELECT record_id FROM deaths").fetchall() == [("H1-死亡注销",)]


@pytest.mark.parametrize(
    ("status", "reason", "death"),
    [("死亡注销", "", True), ("死亡", "", True), ("注销", "因死亡注销", True),
     ("注销", "迁出", False), ("注销", "", False), ("正常", "死亡", False),
     ("正常", "恢复户口", False)],
)  # fmt: skip
def test_only_a_registration_cancelled_for_death_is_a_death(tmp_path, status, reason, death):
    rows = [HUKOU, ["H1", "HH1", "王建国", IDS[0], "户主", "石羊镇", "大村", status, reason,
                    "2024-05-14"]]  # fmt: skip
    con = _ingest(tmp_path, "户籍人口.csv", rows)
    assert ("deaths" in table_names(con)) == death


def test_a_certificate_cancelled_for_death_is_also_a_death_notice_of_the_federation(tmp_path):
    rows = [["记录编号", "姓名", "身份证号", "残疾证号", "残疾类别", "残疾等级", "证件状态", "注销原因",
             "注销日期"],
            ["C1", "王建国", IDS[0], IDS[0] + "41", "肢体", "一级", "注销", "死亡", "2024-01-27"],
            ["C2", "李秀英", IDS[1], IDS[1] + "41", "肢体", "一级", "注销", "迁出", "2024-01-27"]]  # fmt: skip
    con = _ingest(tmp_path, "残联注销人员.csv", rows)
    assert con.execute("SELECT count(*) FROM disability").fetchone() == (2,)
    assert con.execute("SELECT record_id, id_number, death_date::VARCHAR, source FROM deaths"
                       ).fetchall() == [("C1-死亡注销", IDS[0], "2024-01-27", "disability")]  # fmt: skip


def test_a_hukou_file_whose_cancellation_dates_are_unreadable_is_still_read(tmp_path):
    # read before 2026-12-07 (late) as 户籍人口 alone; the notice derived from its one death
    # row, dated 不详, refused the whole drop as 死亡人员 lacking a readable 死亡日期
    rows = [HUKOU,
            ["H1", "HH1", "王建国", IDS[0], "户主", "石羊镇", "大村", "注销", "死亡", "不详"],
            ["H2", "HH2", "李秀英", IDS[1], "户主", "石羊镇", "大村", "正常", "", ""]]  # fmt: skip
    con = _ingest(tmp_path, "户籍人口.csv", rows)
    assert con.execute("SELECT count(*) FROM hukou").fetchone() == (2,)
    assert "deaths" not in table_names(con)
    [(notes,)] = con.execute("SELECT notes FROM ingest_sources").fetchall()
    assert "其中 1 行注销原因为死亡，但无法另读作死亡记录：" in notes
    assert "如第 2 行“不详”" in notes


def test_a_notice_file_without_a_source_column_takes_the_office_its_name_names(tmp_path):
    # a blind tester's 卫健死亡医学证明.csv and 公安户籍注销.xlsx read 来源不明 on every notice,
    # and two offices' reports of one death corroborated nothing (until 2026-12-07 (late))
    rows = [["姓名", "公民身份号码", "死亡日期"], ["王建国", IDS[0], "2024-02-10"]]
    con = _ingest(tmp_path, "卫健死亡医学证明.csv", rows)
    assert con.execute("SELECT source FROM deaths").fetchall() == [("health",)]
    [(notes,)] = con.execute("SELECT notes FROM ingest_sources").fetchall()
    assert "表中没有数据来源列：按文件名、工作表名或标题取“卫健”" in notes
    plain = _ingest(tmp_path / "plain", "死亡人员.csv", rows)
    assert plain.execute("SELECT source FROM deaths").fetchall() == [(None,)]


def test_a_next_drop_without_the_cancelled_rows_its_notices_came_from_says_so(tmp_path):
    # until 2026-12-07 (night) the refusal said only that the 死亡人员 file was left out,
    # of a drop that never had one: its notices came from the 户籍 export's cancelled rows
    rows = [HUKOU,
            ["H1", "HH1", "王建国", IDS[0], "户主", "石羊镇", "大村", "注销", "死亡", "2024-05-14"],
            ["H3", "HH2", "赵大勇", IDS[2], "户主", "石羊镇", "大村", "正常", "", ""]]  # fmt: skip
    con = _ingest(tmp_path, "户籍人口.csv", rows)
    held = {("hukou", None), ("deaths", None)}
    later = tmp_path / "next"
    later.mkdir()
    with open(later / "户籍人口.csv", "w", encoding="utf-8-sig", newline="") as file:
        csv.writer(file).writerows([rows[0], rows[2]])  # the cancelled row no longer exported
    with pytest.raises(DoudiError) as refused:
        ingest_drop(con, later, expected=held)
    said = str(refused.value)
    assert "上次运行的死亡记录取自户籍人口名册（户籍人口.csv）中因死亡注销的行" in said
    assert "请连同注销人员一并导出" in said and "--allow-missing 死亡人员" in said
