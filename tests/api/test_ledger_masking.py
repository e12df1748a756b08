"""Every ledger and report a role below auditor downloads holds no full ID number in any
cell: an office writes a person's ID into the name cell (李芳（532326197903120028）, the
姓名（身份证号） habit), into the village or the record number, and the movements list, the
case ledgers, the monthly report and the 梁平 forms all mask it the one way
(``api.masking.masked_row``)."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from api.labels import CASE_LABELS
from api.storage import opened
from models.pipeline import run_pipeline
from models.policy import load_policy
from resolver.settings import LinkSettings
from tests.api.served import Server, client

HEAD, SPOUSE = "532326198006176712", "532326197903120028"
ACCOUNT = "6217005616309553218"
FILES = {
    "户籍人口.csv": [
        ["记录编号", "户号", "姓名", "身份证号码", "性别", "出生日期", "与户主关系", "乡镇", "村组", "住址"],
        ["H1", "5323261", f"王五{HEAD}", HEAD, "男", "1980-06-17", "户主", "金碧镇", "大村1组", "大村1组1号"],
        ["H2", "5323261", f"李芳（{SPOUSE}）", SPOUSE, "女", "1979-03-12", "配偶", "金碧镇",
         f"大村1组{SPOUSE}", "大村1组1号"],
    ],
    "救助对象.csv": [
        ["记录编号", "救助证号", "姓名", "身份证号码", "救助类型", "低保类别", "是否保障对象", "纳入日期",
         "退出日期", "乡镇", "村组", "住址", "银行账号", "申请人身份证号"],
        [f"A{HEAD}", f"DB{HEAD}", f"王五({HEAD})", HEAD, "低保", "B", "是", "2023-01-01", "",
         "金碧镇", "大村1组", "大村1组1号", ACCOUNT, HEAD],
        ["A2", f"DB{HEAD}", f"李芳（{SPOUSE}）", SPOUSE, "低保", "B", "是", "2023-01-01", "",
         "金碧镇", f"大村1组{SPOUSE}", "大村1组1号", ACCOUNT, HEAD],
    ],
    "发放记录.csv": [
        ["记录编号", "救助证号", "领款人姓名", "领款人身份证号码", "银行账号", "发放月份", "发放金额（元）"],
        *([f"F{m}", f"DB{HEAD}", f"王五{HEAD}", HEAD, ACCOUNT, f"2024-{m:02d}", "960"]
          for m in range(1, 13)),
    ],
    "建档立卡.csv": [
        ["记录编号", "户编号", "姓名", "身份证号码", "性别", "出生日期", "与户主关系", "乡镇", "村组",
         "贫困户状态", "健康状况", "主要致贫原因", "人均纯收入（元/年）"],
        ["P1", "PK1", f"李芳（{SPOUSE}）", SPOUSE, "女", "1979-03-12", "户主", "金碧镇",
         f"大村1组{SPOUSE}", "未脱贫", "健康", "因病", "3600"],
    ],
    "死亡人员.csv": [
        ["记录编号", "姓名", "身份证号码", "死亡日期", "数据来源", "住址"],
        ["D1", f"王五{HEAD}", HEAD, "2024-02-10", "公安", "大村1组1号"],
    ],
}  # fmt: skip


@pytest.fixture(scope="module")
def named_in_names(tmp_path_factory):
    """A tiny county whose clerks wrote IDs into names, villages and record numbers, run and
    served."""
    out = tmp_path_factory.mktemp("ids-in-names")
    drop = out / "drop"
    drop.mkdir()
    for name, rows in FILES.items():
        with (drop / name).open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
    result = run_pipeline(drop, out / "run", policy=load_policy(), settings=LinkSettings(),
                          db_path=out / "doudi.duckdb")  # fmt: skip
    with opened(result.db_path) as storage:
        tokens = {role: storage.tokens.create(name=f"{role}-1", role=role)
                  for role in ("auditor", "analyst")}  # fmt: skip
    server = Server(result.db_path)
    server.start()
    yield {"tokens": tokens, "server": server}
    server.stop()


LEDGERS = (
    ("/api/ledgers/movements.xlsx", {"from": "2022-01-01", "to": "2024-12-31"}),
    ("/api/ledgers/monthly.xlsx", {}),
    ("/api/ledgers/summary.xlsx", {}),
    *((f"/api/ledgers/liangping/{form}.xlsx", {}) for form in (1, 2, 3, 4)),
    *((f"/api/ledgers/{case_type}.xlsx", {}) for case_type in CASE_LABELS),
)


def _leaks(value: str) -> bool:
    """Whether a cell shows an ID or account number: a whole one, or one of the county's
    numbers once the text's other characters are dropped (written in groups)."""
    digits = re.sub(r"\D", "", value)
    return bool(re.search(r"\d{17}[\dXx]", value)) or any(
        number in digits for number in (HEAD, SPOUSE, ACCOUNT)
    )


def _texts(content: bytes) -> list[tuple[str, str, str]]:
    """Every text cell of a workbook: sheet, cell and value."""
    book = load_workbook(io.BytesIO(content))
    return [(sheet.title, cell.coordinate, cell.value) for sheet in book for row in sheet.iter_rows()
            for cell in row if isinstance(cell.value, str)]  # fmt: skip


def test_no_ledger_or_report_shows_a_full_id_to_a_role_below_auditor(named_in_names):
    with client(named_in_names, "auditor") as auditor:
        path, params = LEDGERS[0]
        shown = auditor.get(path, params=params)
        form = auditor.get("/api/ledgers/liangping/1.xlsx")
    # the IDs are there, in villages (an ID in brackets after a name is a note, left out of
    # the name since 2026-12-06: ``resolver.normalize.normalize_name``)
    for content in (shown.content, form.content):
        assert sum(SPOUSE in value for _, _, value in _texts(content)) >= 2
    with client(named_in_names, "analyst") as analyst:  # the one role below auditor to read them
        for path, params in LEDGERS:
            answer = analyst.get(path, params=params)
            assert answer.status_code == 200, (path, answer.text)
            leaked = [cell for cell in _texts(answer.content) if _leaks(cell[2])]
            assert not leaked, (path, leaked)


def test_a_name_holding_an_id_is_masked_in_the_movements_list_and_the_forms(named_in_names):
    with client(named_in_names, "analyst") as analyst:
        path, params = LEDGERS[0]
        movements = _texts(analyst.get(path, params=params).content)
        form = _texts(analyst.get("/api/ledgers/liangping/1.xlsx").content)
    names = [value for sheet, _, value in movements if sheet == "新纳入名单"]
    # the ID in brackets after her name is a note, left out of the name since 2026-12-06
    assert "李芳" in names and "大村1组532326***********8" in names
    assert {"李芳", "大村1组532326***********8"} <= {value for *_, value in form}
