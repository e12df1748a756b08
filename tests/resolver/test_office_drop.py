"""A synthetic county's drop re-saved the way county offices save theirs reads to the same
normalised rows as the plain drop, and a run finds the same cases."""

from __future__ import annotations

import csv
import io
from itertools import groupby
from pathlib import Path

import openpyxl
import pytest

from models.pipeline import run_pipeline
from models.policy import load_policy
from resolver.db import connect
from resolver.ingest import check_drop, ingest_drop
from resolver.reading import read_grids
from resolver.registries import REGISTRIES
from resolver.settings import LinkSettings
from resolver.synth import synthesize

pytestmark = pytest.mark.slow

# Office headers for the contract's (a template of 民政 county offices).
OFFICE = {"身份证号码": "公民身份号码", "姓名": "成员姓名", "救助证号": "低保证号", "纳入日期": "审批时间",
          "退出日期": "停保时间", "银行账号": "银行卡号", "住址": "家庭住址", "发放金额（元）": "实发金额",
          "发放月份": "发放年月", "救助类型": "保障类型"}  # fmt: skip


def _table(path: Path, registry) -> tuple[list[str], list[list[str]]]:
    """The file's header in office words (English or contract headers translated), and rows."""
    [grid] = read_grids(path)
    header, *rows = zip(*(column.to_pylist() for column in grid.columns), strict=True)
    chinese = {column.name: column.header for column in registry.columns}
    office = [OFFICE.get(chinese.get(h, h), chinese.get(h, h)) for h in header]
    return office, [list(row) for row in rows]


def _sheet(book, name, title, header, rows, merge_column=None):
    sheet = book.create_sheet(name)
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append(["填报单位：某县民政局", *[""] * (len(header) - 2), "单位：元"])
    sheet.append(header)
    sheet.append([str(i) for i in range(1, len(header) + 1)])  # 栏次
    for row in rows:
        sheet.append(row)
    if merge_column is not None:  # a household's 低保证号 merged down over its members
        start = 5
        for _, members in groupby(rows, key=lambda row: row[merge_column]):
            count = len(list(members))
            if count > 1:
                for row in range(start + 1, start + count):
                    sheet.cell(row, merge_column + 1).value = None
                sheet.merge_cells(start_row=start, start_column=merge_column + 1,
                                  end_row=start + count - 1, end_column=merge_column + 1)  # fmt: skip
            start += count
    sheet.append(["合计", f"{len(rows)}人"])
    sheet.append(["制表人：李梅", "", "审核人：王强"])


def office_drop(plain: Path, office: Path) -> None:
    """Re-save ``plain`` as offices do: the roster a sheet per township under titles with a
    栏次 row, households merged and 合计 rows, an instructions sheet first; payments a file
    per month in a subfolder; hukou as GBK with a title line; the rest as they were."""
    office.mkdir(parents=True)
    for path in sorted(plain.iterdir()):
        registry = next(r for r in REGISTRIES.values() if path.stem in (r.name, r.chinese))
        header, rows = _table(path, registry)
        if registry.name == "assistance":
            book = openpyxl.Workbook()
            book.active.title = "填表说明"
            book.active.append(["本表按乡镇分表填写，家庭成员的低保证号合并单元格"])
            case = header.index("低保证号")
            township = header.index("乡镇")
            rows.sort(key=lambda row: (row[township], row[case]))
            for name, members in groupby(rows, key=lambda row: row[township]):
                _sheet(book, name or "未填乡镇", f"某县2024年{name}低保特困对象花名册", header,
                       list(members), case)  # fmt: skip
            book.save(office / "低保特困花名册.xlsx")
        elif registry.name == "payments":
            month = header.index("发放年月")
            rows.sort(key=lambda row: row[month])
            for number, (value, paid) in enumerate(groupby(rows, key=lambda row: row[month])):
                book = openpyxl.Workbook()
                book.remove(book.active)
                _sheet(book, "发放", f"{value}低保金发放表", header, list(paid))
                (office / "发放记录").mkdir(exist_ok=True)
                book.save(office / "发放记录" / f"低保金发放_{number:03d}.xlsx")
        elif registry.name == "hukou":
            buffer = io.StringIO()
            csv.writer(buffer).writerows([["某县户籍人口信息表"], [], header, *rows])
            (office / "户籍人口.csv").write_bytes(buffer.getvalue().encode("gb18030"))
        else:
            (office / path.name).write_bytes(path.read_bytes())


@pytest.fixture(scope="module")
def drops(tmp_path_factory):
    folder = tmp_path_factory.mktemp("office")
    summary = synthesize(folder / "county", people=2000, seed=11)
    office_drop(summary.drop_dir, folder / "office")
    return summary.drop_dir, folder / "office", folder


def _normalised(drop: Path) -> dict[str, list[tuple]]:
    con = connect(":memory:")
    ingest_drop(con, drop)
    return {name: con.execute(f"SELECT * EXCLUDE (source_no, row_no) FROM {name} "
                              "ORDER BY record_id").fetchall()
            for name in REGISTRIES}  # fmt: skip


def test_the_office_drop_reads_to_the_plain_rows_and_names_what_it_skipped(drops):
    plain, office, _ = drops
    assert _normalised(office) == _normalised(plain)
    con, errors = check_drop(office)
    assert errors == []
    reasons = dict(
        con.execute("SELECT reason, count(*) FROM ingest_skipped GROUP BY ALL").fetchall()
    )
    sheets = con.execute(
        "SELECT count(*) FROM ingest_sources WHERE registry = 'assistance'"
    ).fetchone()
    payment_files = con.execute(
        "SELECT count(*) FROM ingest_sources WHERE registry = 'payments'"
    ).fetchone()
    assert sheets[0] > 1 and payment_files[0] > 1
    assert reasons["合计行"] == sheets[0] + payment_files[0]
    assert reasons["栏次行（列序号）"] == sheets[0] + payment_files[0]
    assert reasons["未找到表头（前 30 行中没有两个以上可识别的列名）"] == 1  # the instructions


def test_a_run_on_the_office_drop_finds_the_same_cases(drops):
    plain, office, folder = drops
    found = {}
    for name, drop in (("plain", plain), ("office", office)):
        run_pipeline(drop, folder / name, policy=load_policy("default"),
                     settings=LinkSettings(seed=3))  # fmt: skip
        found[name] = (folder / name / "cases.jsonl").read_text(encoding="utf-8")
    assert found["office"] == found["plain"]
