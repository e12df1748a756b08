"""Every row ``doudi update`` finds gone since the last drop is listed in 数据问题清单.xlsx
(sheet 已删除的记录), its ID masked as elsewhere; a full ``doudi run`` lists none."""

from __future__ import annotations

import openpyxl
from typer.testing import CliRunner

from api.cli import app
from resolver.idcard import check_char, mask_id
from resolver.quality import REMOVED_HEADERS, REMOVED_NOTE, REMOVED_SHEET

runner = CliRunner()
ROSTER_HEAD = (
    "记录编号,救助证号,姓名,身份证号码,与户主关系,救助类型,是否保障对象,家庭人数,纳入日期\n"
)
PAYMENTS_HEAD = "记录编号,救助证号,领款人姓名,发放月份,发放金额（元）\n"
DEATHS_HEAD = "记录编号,姓名,身份证号码,死亡日期,数据来源\n"


def _id(number: int) -> str:
    first17 = f"110101195001{number:02d}001"
    return first17 + check_char(first17)


def _drop(folder, people: range):
    """One-person 低保 cases of 人n, each paid 412.00 in January 2024; 人1 died in March; 人7
    is written without an ID."""
    folder.mkdir()
    ids = {n: _id(n) if n < 7 else "" for n in people}  # 人7 has no ID
    roster = "".join(f"A{n},DB{n},人{n},{ids[n]},本人,低保,是,1,2022-01-01\n" for n in people)
    paid = "".join(f"F{n},DB{n},人{n},2024-01,412.00\n" for n in people)
    (folder / "救助对象.csv").write_text(ROSTER_HEAD + roster, encoding="utf-8")
    (folder / "发放记录.csv").write_text(PAYMENTS_HEAD + paid, encoding="utf-8")
    died = f"D1,人1,{_id(1)},2024-03-20,公安\n"  # linking trains on rows sharing an ID
    (folder / "死亡人员.csv").write_text(DEATHS_HEAD + died, encoding="utf-8")
    return folder


def _removed_sheet(out):
    book = openpyxl.load_workbook(out / "数据问题清单.xlsx")
    if REMOVED_SHEET not in book.sheetnames:
        return None
    return [list(row) for row in book[REMOVED_SHEET].iter_rows(values_only=True)]


def test_an_update_lists_every_removed_row_in_the_findings_workbook(tmp_path):
    out = tmp_path / "out"
    ran = runner.invoke(app, ["run", str(_drop(tmp_path / "m1", range(1, 8))), "--out", str(out)])
    assert ran.exit_code == 0, ran.output
    assert _removed_sheet(out) is None  # a full run: nothing removed since a drop before
    next_month = _drop(tmp_path / "m2", range(1, 5))  # 人5, 人6 and 人7 left the roster
    updated = runner.invoke(app, ["update", str(next_month), "--db", str(out / "doudi.duckdb")])
    assert updated.exit_code == 0, updated.output
    output = " ".join(updated.output.split())
    # the console names them still
    assert "删除 3 行：救助对象 A5 人5、救助对象 A6 人6、救助对象 A7。" in output
    # rows re-compared are named for what they are: a class changed is not counted (until
    # 2026-12-08 变动 0 行, read by a blind tester as rows changed in any way)
    assert (
        "新增 0 行，姓名、身份证号等比对信息有变动的 0 行（已重新比对；类别、金额等其他信息的变动不在此数）"
        in output
    )
    assert f"本次数据中已没有的 3 行记录已全部列入问题清单「{REMOVED_SHEET}」" in output
    assert _removed_sheet(out) == [  # until 2026-12-07 (night) in no sheet
        list(REMOVED_HEADERS),
        ["救助对象", "A5", "人5", mask_id(_id(5)), "救助对象.csv", REMOVED_NOTE],
        ["救助对象", "A6", "人6", mask_id(_id(6)), "救助对象.csv", REMOVED_NOTE],
        ["救助对象", "A7", None, None, "救助对象.csv", REMOVED_NOTE],  # no ID: the run names none
    ]
