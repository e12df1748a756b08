"""A synthetic county's drop re-saved the ways county offices save theirs reads to the same
normalised rows as the plain drop, and a run on all the ways at once finds the same cases."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
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
from resolver.synthetic import synthesize

pytestmark = pytest.mark.slow

# Office headers for the contract's (templates of county 民政 offices).
OFFICE = {"身份证号码": "公民身份号码", "姓名": "成员姓名", "救助证号": "低保证号", "纳入日期": "审批时间",
          "退出日期": "停保时间", "银行账号": "银行卡号", "住址": "家庭住址", "发放金额（元）": "实发金额",
          "发放月份": "发放年月", "救助类型": "保障类型", "死亡日期": "死亡时间", "残疾等级": "残疾级别"}  # fmt: skip


@dataclass
class Sheet:
    rows: list[list]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # 1-based, inclusive


Book = dict[str, Sheet]  # a workbook: sheet name -> sheet; a CSV: the one sheet ""


def _plain(path: Path, registry) -> tuple[list[str], list[list[str]]]:
    """A plain file's header in Chinese (English headers translated) and its rows."""
    [grid] = read_grids(path)
    header, *rows = zip(*(column.to_pylist() for column in grid.columns), strict=True)
    chinese = {column.name: column.header for column in registry.columns}
    return [chinese.get(h, h) for h in header], [list(row) for row in rows]


def _titled(header: list[str], rows: list[list], title: str) -> Sheet:
    return Sheet([[title], ["填报单位：某县民政局", *[""] * (len(header) - 2), "单位：元"], header, *rows],
                 [(1, 1, 1, len(header))])  # fmt: skip


def _totals(sheet: Sheet) -> Sheet:
    return Sheet([*sheet.rows, ["合计", f"{len(sheet.rows)}人"], ["制表人：李梅", "", "审核人：王强"]],
                 sheet.merges)  # fmt: skip


def _column_numbers(sheet: Sheet, header_row: int) -> Sheet:
    """A 栏次 row under the header (row ``header_row``, 1-based)."""
    numbers = [str(i) for i in range(1, len(sheet.rows[header_row - 1]) + 1)]
    rows = [*sheet.rows[:header_row], numbers, *sheet.rows[header_row:]]
    moved = [(top + (top > header_row), left, bottom + (bottom > header_row), right)
             for top, left, bottom, right in sheet.merges]  # fmt: skip
    return Sheet(rows, moved)


def _merged_down(header: list[str], rows: list[list], first_row: int, columns: list[str]) -> Sheet:
    """Rows sorted by case; in each household, a run of members with one value of a column
    merged into one cell (the value written once, in the first)."""
    case = header.index("低保证号" if "低保证号" in header else "救助证号")
    rows = sorted(rows, key=lambda row: row[case] or "")
    merges = []
    for name in columns:
        column = header.index(name)
        start = 0
        for _, run in groupby(range(len(rows)), key=lambda i: (rows[i][case], rows[i][column])):
            count = len(list(run))
            if count > 1:
                merges.append((first_row + start, column + 1, first_row + start + count - 1,
                               column + 1))  # fmt: skip
                for row in rows[start + 1 : start + count]:
                    row[column] = None
            start += count
    return Sheet([header, *rows], merges)


def plain_files(registry, header, rows) -> dict[str, Book]:
    return {f"{registry.chinese}.xlsx": {"Sheet1": Sheet([header, *rows])}}


def title_rows(registry, header, rows):
    return {
        f"{registry.chinese}.xlsx": {
            "花名册": _titled(header, rows, f"某县2024年12月{registry.chinese}")
        }
    }


def two_row_header(registry, header, rows):
    if "姓名" not in header:
        return plain_files(registry, header, rows)
    name, number = header.index("姓名"), len(header)
    parent = [h if i != name else "基本情况" for i, h in enumerate(header)]
    child = ["" if i != name else "姓名" for i in range(number)]
    merges = [(1, i + 1, 2, i + 1) for i in range(number) if i != name]
    return {f"{registry.chinese}.xlsx": {"Sheet1": Sheet([parent, child, *rows], merges)}}


def column_number_row(registry, header, rows):
    return {f"{registry.chinese}.csv": {"": _column_numbers(Sheet([header, *rows]), 1)}}


def sheet_per_township(registry, header, rows):
    if "乡镇" not in header:
        return plain_files(registry, header, rows)
    township = header.index("乡镇")
    rows = sorted(rows, key=lambda row: row[township] or "")
    book = {"填表说明": Sheet([["本表按乡镇分表填写"], ["身份证号码请填18位"]])}
    for name, members in groupby(rows, key=lambda row: row[township] or ""):
        book[(name or "未填乡镇")[:31]] = Sheet([header, *members])
    return {f"{registry.chinese}.xlsx": book}


def office_headers(registry, header, rows):
    return {
        f"{registry.chinese}.xlsx": {"Sheet1": Sheet([[OFFICE.get(h, h) for h in header], *rows])}
    }


def totals_and_footers(registry, header, rows):
    return {f"{registry.chinese}.xlsx": {"Sheet1": _totals(Sheet([header, *rows]))}}


def blank_and_repeated_header_rows(registry, header, rows):
    spaced = []
    for index, row in enumerate(rows):
        spaced.append(row)
        if index % 37 == 5:
            spaced.append([""] * len(header))
        if index % 50 == 49:  # a header repeated at the top of every printed page
            spaced.append(header)
    return {f"{registry.chinese}.xlsx": {"Sheet1": Sheet([header, *spaced])}}


def households_merged(registry, header, rows):
    if registry.name != "assistance":
        return plain_files(registry, header, rows)
    sheet = _merged_down(header, rows, 2, ["救助证号", "救助类型", "纳入日期"])
    return {"救助对象.xlsx": {"Sheet1": sheet}}


def files_per_month(registry, header, rows):
    if registry.name != "payments":
        return plain_files(registry, header, rows)
    month = header.index("发放月份" if "发放月份" in header else "发放年月")
    rows = sorted(rows, key=lambda row: row[month] or "")
    return {f"发放记录/低保金发放_{number:03d}.xlsx": {"发放": Sheet([header, *paid])}
            for number, (_, paid) in enumerate(groupby(rows, key=lambda row: row[month] or ""))}  # fmt: skip


def gbk_csv_with_title(registry, header, rows):
    return {
        f"{registry.chinese}.csv": {
            "": Sheet([[f"某县{registry.chinese}信息表"], [], header, *rows])
        }
    }


def wps_extension(registry, header, rows):
    return {f"{registry.chinese}.et": {"Sheet1": Sheet([header, *rows])}}


def two_remarks_columns(registry, header, rows):
    return {f"{registry.chinese}.xlsx": {"Sheet1": Sheet([[*header, "备注", "备注"],
                                                          *([*row, "", "核实"] for row in rows)])}}  # fmt: skip


def all_at_once(registry, header, rows):
    """The ways together: office headers; the roster a sheet per township under titles with
    a 栏次 row, households merged, 合计 rows, an instructions sheet first; payments a file per
    month in a subfolder; hukou as GBK CSV under a title."""
    header = [OFFICE.get(h, h) for h in header]
    if registry.name == "assistance":
        township = header.index("乡镇")
        book = {"填表说明": Sheet([["本表按乡镇分表填写，家庭成员的低保证号合并单元格"]])}
        for name, members in groupby(sorted(rows, key=lambda row: row[township] or ""),
                                     key=lambda row: row[township] or ""):  # fmt: skip
            sheet = _merged_down(header, list(members), 4, ["低保证号"])
            titled = _titled(header, sheet.rows[1:], f"某县2024年{name}低保特困对象花名册")
            titled.merges += sheet.merges
            book[name or "未填乡镇"] = _totals(_column_numbers(titled, 3))
        return {"低保特困花名册.xlsx": book}
    if registry.name == "payments":
        return {path: {name: _totals(_column_numbers(_titled(header, sheet.rows[1:], "低保金发放表"), 3))
                       for name, sheet in book.items()}
                for path, book in files_per_month(registry, header, rows).items()}  # fmt: skip
    if registry.name == "hukou":
        return gbk_csv_with_title(registry, header, rows)
    return plain_files(registry, header, rows)


WAYS: list[Callable] = [title_rows, two_row_header, column_number_row, sheet_per_township,
                        office_headers, totals_and_footers, blank_and_repeated_header_rows,
                        households_merged, files_per_month, gbk_csv_with_title, wps_extension,
                        two_remarks_columns, all_at_once]  # fmt: skip


def save(book: Book, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if "" in book:  # a CSV
        buffer = io.StringIO()
        csv.writer(buffer).writerows(book[""].rows)
        path.write_bytes(buffer.getvalue().encode("gb18030"))
        return
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, sheet in book.items():
        target = workbook.create_sheet(name)
        for row in sheet.rows:
            target.append(row)
        for top, left, bottom, right in sheet.merges:
            target.merge_cells(start_row=top, start_column=left, end_row=bottom, end_column=right)
    saved = path.with_suffix(".xlsx")
    workbook.save(saved)
    saved.rename(path)


def office_drop(plain: Path, office: Path, way: Callable) -> Path:
    for path in sorted(plain.iterdir()):
        registry = next(r for r in REGISTRIES.values() if path.stem in (r.name, r.chinese))
        header, rows = _plain(path, registry)
        for name, book in way(registry, header, rows).items():
            save(book, office / name)
    return office


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    folder = tmp_path_factory.mktemp("office")
    return synthesize(folder / "county", people=2000, seed=11).drop_dir, folder


@pytest.fixture(scope="module")
def plain_rows(county):
    """The plain drop's normalised rows, read once for the module (every way is compared
    with them; nothing writes into the drop)."""
    return _normalised(county[0])


@pytest.fixture(scope="module")
def saved(county):
    """The plain drop re-saved one way, made once per way for the module (the folder is only
    read: the test of each way and the run on all at once read the same files)."""
    plain, folder = county
    made: dict[str, Path] = {}

    def drop(way: Callable) -> Path:
        if way.__name__ not in made:
            made[way.__name__] = office_drop(plain, folder / way.__name__, way)
        return made[way.__name__]

    return drop


def _normalised(drop: Path) -> dict[str, list[tuple]]:
    con = connect(":memory:")
    ingest_drop(con, drop)
    return {name: con.execute(f"SELECT * EXCLUDE (source_no, row_no) FROM {name} "
                              "ORDER BY record_id").fetchall()
            for name in REGISTRIES}  # fmt: skip


@pytest.mark.parametrize("way", WAYS, ids=lambda way: way.__name__)
def test_each_way_offices_save_reads_to_the_plain_rows(saved, plain_rows, way):
    assert _normalised(saved(way)) == plain_rows


def test_all_at_once_names_what_it_skipped_and_a_run_finds_the_same_cases(county, saved):
    plain, folder = county
    office = saved(all_at_once)
    con, errors = check_drop(office)
    assert errors == []
    reasons = dict(
        con.execute("SELECT reason, count(*) FROM ingest_skipped GROUP BY ALL").fetchall()
    )
    tables = con.execute("SELECT count(*) FROM ingest_sources WHERE registry IN "
                         "('assistance', 'payments')").fetchone()[0]  # fmt: skip
    assert reasons["合计行"] == reasons["栏次行（列序号）"] == tables > 2
    assert reasons["填表说明或示例工作表"] == 1  # the instructions
    found = {}
    for name, drop in (("plain", plain), ("office", office)):
        run_pipeline(drop, folder / f"run_{name}_out", policy=load_policy("default"),
                     settings=LinkSettings(seed=3))  # fmt: skip
        lines = (folder / f"run_{name}_out" / "cases.jsonl").read_text(encoding="utf-8")
        # case ids rest on person ids, keyed by each database's own secret: compared without
        found[name] = sorted(
            json.dumps({k: v for k, v in json.loads(line).items() if k != "case_id"})
            for line in lines.splitlines()
        )
    assert found["office"] == found["plain"] and found["plain"]
