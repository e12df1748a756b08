"""A month's drop whose payment ledger lost months the last drop's held is refused: this
month's 发放表 alone would resolve every lead resting on the months before as gone from the
data, and cut the money of the others, with nothing said."""

from __future__ import annotations

import pytest

from resolver.db import connect
from resolver.errors import InputError
from resolver.ingest import ingest_drop
from resolver.ledger_months import last_paid_month, ledger_months, months_set_aside
from resolver.quality import problem_label
from tests.resolver.test_ingest import write_csv

ROSTER = [
    ["记录编号", "救助证号", "姓名", "身份证号码", "救助类型", "是否保障对象", "纳入日期"],
    *([f"A{n}", f"DB{n:03d}", f"人{n}", "", "农村低保", "是", "2023-01-05"] for n in range(20)),
]  # fmt: skip
HELD = {("assistance", None), ("payments", None)}  # what the last drop held


def _ledger(months: list[str], stray: str | None = None) -> list[list[str]]:
    """A payment ledger paying each of the roster's 20 cases in each month, and one line of a
    mistyped month when ``stray`` is given."""
    lines = [[f"{month}-{n}", f"DB{n:03d}", month, "350"] for month in months for n in range(20)]
    if stray:
        lines.append([f"{stray}-0", "DB000", stray, "350"])
    return [["record_id", "case_no", "pay_month", "amount"], *lines]


def _ingest(con, tmp_path, name: str, ledgers: dict[str, list[list[str]]]) -> None:
    drop = tmp_path / name
    drop.mkdir()
    write_csv(drop / "救助对象.csv", ROSTER, "utf-8")
    for file, rows in ledgers.items():
        write_csv(drop / file, rows, "utf-8")
    ingest_drop(con, drop, expected=HELD)


def _months(con) -> list[str]:
    found = con.execute("SELECT DISTINCT pay_month FROM payments ORDER BY 1").fetchall()
    return [month for (month,) in found]


@pytest.fixture()
def con(tmp_path):
    con = connect(tmp_path / "doudi.duckdb")
    _ingest(con, tmp_path, "2026-08", {"发放记录.csv": _ledger(["2026-06", "2026-07", "2026-08"])})
    return con


def test_this_months_ledger_alone_is_refused_naming_the_months_lost(con, tmp_path):
    with pytest.raises(InputError) as refused:
        _ingest(con, tmp_path, "2026-09", {"发放记录.csv": _ledger(["2026-09"])})
    assert refused.value.path.name == "发放记录.csv"
    assert refused.value.reason.startswith(
        "发放记录中没有上次运行读取过的月份：2026-06 至 2026-08（3 个月，上次每月 20 条）。"
        "本次发放记录为 2026-09 至 2026-09，上次为 2026-06 至 2026-08"
    )  # until 2026-12-07 only 2026-08 was named
    assert "--allow-missing 发放记录" in refused.value.reason
    assert _months(con) == ["2026-06", "2026-07", "2026-08"]  # the last drop stays


def test_a_months_file_left_out_of_the_months_files_is_refused(con, tmp_path):
    files = {f"{month}发放表.csv": _ledger([month]) for month in ("2026-06", "2026-08", "2026-09")}
    with pytest.raises(
        InputError, match="没有上次运行读取过的月份：2026-07（上次 20 条）"
    ) as refused:
        _ingest(con, tmp_path, "2026-09", files)
    assert refused.value.path == tmp_path / "2026-09"  # several files: the drop is named


def test_a_ledger_that_drops_its_oldest_month_or_a_stray_month_is_taken(tmp_path):
    con = connect(tmp_path / "doudi.duckdb")
    _ingest(con, tmp_path, "2026-08",
            {"发放记录.csv": _ledger(["2026-06", "2026-07", "2026-08"], stray="2062-08")})  # fmt: skip
    _ingest(con, tmp_path, "2026-09", {"发放记录.csv": _ledger(["2026-07", "2026-08", "2026-09"])})
    assert _months(con) == ["2026-07", "2026-08", "2026-09"]


def test_the_same_month_redone_with_its_ledger_alone_is_refused(con, tmp_path):
    # August redone with August's 发放表 alone: until 2026-12-07 every month before it was
    # taken as rolled off a rolling export, and the drop taken with June and July gone
    with pytest.raises(InputError) as refused:
        _ingest(con, tmp_path, "2026-08-redone", {"发放记录.csv": _ledger(["2026-08"])})
    assert refused.value.reason.startswith(
        "发放记录中没有上次运行读取过的月份：2026-06 至 2026-07（2 个月，上次每月 20 条）。"
        "本次发放记录为 2026-08 至 2026-08"
    )
    assert _months(con) == ["2026-06", "2026-07", "2026-08"]  # the last drop stays


def test_a_rolling_export_redone_or_moved_on_two_months_is_taken(con, tmp_path):
    _ingest(
        con,
        tmp_path,
        "2026-08-redone",
        {"发放记录.csv": _ledger(["2026-06", "2026-07", "2026-08"])},
    )
    _ingest(con, tmp_path, "2026-10", {"发放记录.csv": _ledger(["2026-08", "2026-09", "2026-10"])})
    assert _months(con) == ["2026-08", "2026-09", "2026-10"]


def test_a_ledger_that_drops_more_old_months_than_it_adds_is_refused(con, tmp_path):
    with pytest.raises(InputError, match="月份：2026-06 至 2026-07（2 个月，上次每月 20 条）。"):
        _ingest(con, tmp_path, "2026-09", {"发放记录.csv": _ledger(["2026-08", "2026-09"])})


def test_a_stray_month_does_not_hide_the_last_month_lost(tmp_path):
    con = connect(tmp_path / "doudi.duckdb")
    _ingest(con, tmp_path, "2026-08",
            {"发放记录.csv": _ledger(["2026-07", "2026-08"], stray="2062-08")})  # fmt: skip
    with pytest.raises(
        InputError, match="月份：2026-07 至 2026-08（2 个月，上次每月 20 条）。本次"
    ):
        _ingest(con, tmp_path, "2026-09", {"发放记录.csv": _ledger(["2026-09"])})


def test_a_ledger_the_office_no_longer_keeps_whole_is_taken_when_allowed(con, tmp_path):
    drop = tmp_path / "2026-09"
    drop.mkdir()
    write_csv(drop / "救助对象.csv", ROSTER, "utf-8")
    write_csv(drop / "发放记录.csv", _ledger(["2026-09"]), "utf-8")
    ingest_drop(con, drop, expected={("assistance", None)})  # --allow-missing 发放记录
    assert _months(con) == ["2026-09"]


def test_this_months_ledger_alone_with_a_back_pay_line_of_last_month_is_refused(con, tmp_path):
    # a 补发 line for August in September's 发放表: August was one of its months, and the
    # drop was taken with June, July and 19 of August's 20 lines gone
    september = [*_ledger(["2026-09"]), ["补发-1", "DB003", "2026-08", "350"]]
    with pytest.raises(InputError) as refused:
        _ingest(con, tmp_path, "2026-09", {"发放记录.csv": september})
    assert refused.value.reason.startswith(
        "发放记录中没有上次运行读取过的月份：2026-06 至 2026-08（3 个月，上次每月 20 条，本次只有 "
        "2026-08 1 条）。本次发放记录为 2026-09 至 2026-09，上次为 2026-06 至 2026-08"
    )
    assert _months(con) == ["2026-06", "2026-07", "2026-08"]  # the last drop stays


def test_a_quarters_line_holds_each_of_its_months(tmp_path):
    # a ledger of quarters (所属月份 2026-04至2026-06): the run stopped, the months unread; a
    # month's 发放表 alone after it loses the quarter's months as it loses a monthly ledger's
    con = connect(tmp_path / "doudi.duckdb")
    quarters = [[f"Q{quarter}-{n}", f"DB{n:03d}", months, "1050"] for n in range(20)
                for quarter, months in ((2, "2026-04至2026-06"), (3, "2026-07至2026-09"))]  # fmt: skip
    _ingest(con, tmp_path, "2026-09", {"发放记录.csv": [_ledger([])[0], *quarters]})
    assert ledger_months(con) == {(None, f"2026-{m:02d}"): 20 for m in range(4, 10)}
    with pytest.raises(InputError) as refused:
        _ingest(con, tmp_path, "2026-10", {"发放记录.csv": _ledger(["2026-10"])})
    assert refused.value.reason.startswith(
        "发放记录中没有上次运行读取过的月份：2026-04 至 2026-09（6 个月，上次每月 20 条）。"
        "本次发放记录为 2026-10 至 2026-10，上次为 2026-04 至 2026-09"
    )


def _notices(first: int, last: int) -> list[list[str]]:
    return [["记录编号", "姓名", "死亡日期"],
            *([f"D{n}", f"亡{n}", "2026-05-01"] for n in range(first, last))]  # fmt: skip


def _ingest_deaths(con, tmp_path, name: str, notices: list[list[str]], held=HELD) -> None:
    drop = tmp_path / name
    drop.mkdir()
    write_csv(drop / "救助对象.csv", ROSTER, "utf-8")
    write_csv(drop / "死亡人员.csv", notices, "utf-8")
    ingest_drop(con, drop, expected=held)


def test_this_months_death_notices_alone_are_refused(tmp_path):
    # 公安 sends each month's new notices: an update on them alone resolved every open death
    # lead resting on the others (a blind tester's county: 14 leads, 13 true, 20,660 元)
    held = {("assistance", None), ("deaths", None)}
    con = connect(tmp_path / "doudi.duckdb")
    _ingest_deaths(con, tmp_path, "2026-08", _notices(0, 30), held)
    with pytest.raises(
        InputError, match="死亡人员只有 3 条，上次运行读取了 30 条：死亡记录不会失效"
    ):
        _ingest_deaths(con, tmp_path, "2026-09", _notices(30, 33), held)
    _ingest_deaths(con, tmp_path, "2026-10", _notices(0, 33), held)  # the whole registry: taken
    assert con.execute("SELECT count(*) FROM deaths").fetchone() == (33,)


def test_a_month_typed_far_ahead_is_asked_about_and_not_the_drops_month(tmp_path):
    # a blind repro: one line typed 2027-09 for 2026-09 was the drop's month, so an entry
    # typed 2026-11 was not asked about (and the run's as-of day ran a year ahead)
    con = connect(tmp_path / "doudi.duckdb")
    roster = [*ROSTER, ["A20", "DB020", "人20", "", "农村低保", "是", "2026-11-01"]]
    ledger = _ledger(["2026-07", "2026-08", "2026-09"], stray="2027-09")
    drop = tmp_path / "2026-09"
    drop.mkdir()
    write_csv(drop / "救助对象.csv", roster, "utf-8")
    write_csv(drop / "发放记录.csv", ledger, "utf-8")
    ingest_drop(con, drop, expected=HELD)
    found = ("SELECT record_id, row_no, problem, raw_value FROM dq_findings "
             "WHERE problem IN ('month_set_aside', 'start_in_future') ORDER BY ALL")  # fmt: skip
    assert con.execute(found).fetchall() == [
        ("2027-09-0", 62, "month_set_aside", "2027-09（台账其余月份最晚 2026-09）"),
        ("A20", 22, "start_in_future", "2026-**-**（本次数据截至 2026-09）")]  # fmt: skip
    assert last_paid_month(con) == "2026-09"
    assert problem_label("month_set_aside").startswith("发放月份远晚于台账其余月份")
    # next month's ledger: the as-of month follows it, the stray still asked about
    write_csv(drop / "发放记录.csv", [*ledger, *_ledger(["2026-10"])[1:]], "utf-8")
    ingest_drop(con, drop, expected=HELD)
    assert last_paid_month(con) == "2026-10"
    assert con.execute(found).fetchall()[0][3] == "2027-09（台账其余月份最晚 2026-10）"


@pytest.mark.parametrize(("lines", "aside"), [
    ({"2026-07": 20, "2026-08": 20, "2026-09": 20, "2027-09": 1}, ["2027-09"]),
    ({"2026-07": 20, "2026-09": 20, "2027-03": 1, "2027-04": 1}, ["2027-03", "2027-04"]),
    ({"2025-07": 30, "2026-01": 30, "2026-07": 30, "2027-07": 2}, ["2027-07"]),  # semi-annual
    ({"2026-01": 30, "2026-04": 30, "2026-07": 30, "2027-07": 2}, ["2027-07"]),  # quarters
    # a thin quarter after a quarter skipped (twice the usual step) too
    ({"2026-01": 30, "2026-04": 30, "2026-07": 30, "2027-01": 2}, ["2027-01"]),
    # a review: a few 补发 lines of old months do not make the usual month a stray's
    ({"2026-03": 1, "2026-05": 2, "2026-06": 1, "2026-08": 30, "2026-09": 30, "2027-09": 1},
     ["2027-09"]),
    # kept: a thin quarter after two empty months, a cut roster's months, a month after
    # one empty month, an annual ledger's next year, a full month, one month
    ({"2026-01": 30, "2026-04": 30, "2026-07": 30, "2026-10": 2}, []),
    ({"2026-06": 400, "2026-07": 20, "2026-08": 20}, []),
    ({"2026-07": 20, "2026-09": 1}, []),
    ({"2024-12": 30, "2025-12": 30, "2026-12": 2}, []),
    ({"2026-08": 20, "2026-09": 20, "2027-09": 20}, []),
    ({"2027-09": 1}, []),
])  # fmt: skip
def test_which_last_months_are_set_aside(lines, aside):
    assert months_set_aside(lines) == aside


def test_a_countys_thin_month_not_after_the_provinces_month_is_no_finding(tmp_path):
    # a review: a county whose ledger reached June, with two lines of September, the month
    # the other county has reached: nothing set aside moves the as-of month, so no finding
    con = connect(tmp_path / "doudi.duckdb")
    drop = tmp_path / "drop"
    for county, months, stray in (("532301楚雄市", ["2026-07", "2026-08", "2026-09"], None),
                                  ("532326大姚县", ["2026-04", "2026-05", "2026-06"], "2026-09")):  # fmt: skip
        (drop / county).mkdir(parents=True)
        write_csv(drop / county / "救助对象.csv", ROSTER, "utf-8")
        write_csv(drop / county / "发放记录.csv", _ledger(months, stray), "utf-8")
    ingest_drop(con, drop)
    assert last_paid_month(con) == "2026-09"
    assert con.execute("SELECT count(*) FROM dq_findings WHERE problem = 'month_set_aside'"
                       ).fetchall() == [(0,)]  # fmt: skip
