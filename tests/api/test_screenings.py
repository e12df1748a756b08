"""Screenings stored by the API (``api.screenings``, ``api.routers.screenings``) when a file
fails after it was read: a Chinese refusal, and the upload logged."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi import UploadFile

from api import screenings as module
from api.reviews import DecisionError
from api.routers import screenings as routes
from api.screenings import Screenings
from api.store import Store
from models.pipeline import run_pipeline
from models.policy import load_policy
from models.screening import HOLD_LABELS
from resolver.db import connect
from resolver.errors import InputError
from resolver.idcard import mask_numbers
from resolver.settings import LinkSettings
from resolver.synthetic import synthesize
from resolver.synthetic.province import synthesize_province


def test_a_list_that_cannot_be_written_back_is_refused_in_chinese(tmp_path, monkeypatch):
    # read and screened, but not written back: the same refusal as a file that cannot be read
    source = SimpleNamespace(file_format="xlsx")
    screened = SimpleNamespace(payments=SimpleNamespace(sources=[source]))
    monkeypatch.setattr(module, "screen_file", lambda cursor, path, county: screened)

    def refused(screening, out: Path) -> None:
        raise InputError(out.parent.parent / out.name, None, None, "无法在该表格中写回审核结果")

    monkeypatch.setattr(module, "write_screened", refused)
    store = Store(tmp_path / "run.duckdb")
    try:
        with pytest.raises(DecisionError) as error:
            Screenings(store).screen(b"PK", "发放表.xlsx", actor="auditor-1", role="auditor")
    finally:
        store.close()
    assert error.value.kind == "invalid"
    assert error.value.message == "发放表.xlsx：无法在该表格中写回审核结果"


def test_an_upload_that_fails_is_logged_before_the_error_is_answered():
    recorded = []
    access = SimpleNamespace(record=lambda *args: recorded.append(args))

    def fails(*args, **kwargs):
        raise KeyError("r:id")

    upload = UploadFile(io.BytesIO(b"PK"), filename="发放表.xlsx")
    principal = SimpleNamespace(name="auditor-1", role="auditor")
    with pytest.raises(KeyError):
        routes.upload(upload, SimpleNamespace(screen=fails), access, principal)
    assert recorded == [("auditor-1", "auditor", "screen_payments", "发放表.xlsx 未能审核 500")]


def _run(folder: Path, *, counties: int = 0) -> Path:
    """The database of a small synthetic run: a county of 1,500 people, or a province of
    ``counties`` counties sharing 1,500."""
    if counties:
        synthesize_province(folder / "drop", counties=counties, people=1500, seed=3)
        drop = folder / "drop" / "drop"
    else:
        drop = synthesize(folder / "county", people=1500, seed=7).drop_dir
    return run_pipeline(drop, folder / "run", policy=load_policy(),
                        settings=LinkSettings()).db_path  # fmt: skip


@pytest.fixture(scope="module")
def county_db(tmp_path_factory) -> Path:
    return _run(tmp_path_factory.mktemp("releases"))


def _copied(db: Path, folder: Path) -> Path:
    shutil.copy(db, folder / "doudi.duckdb")
    return folder / "doudi.duckdb"


def _overpaid(con, where: str = "TRUE") -> tuple[str, list[tuple[str, float]]]:
    """The ledger's latest month and its cases with what each was paid then."""
    [(month,)] = con.execute("SELECT max(pay_month) FROM payments").fetchall()
    paid = con.execute(f"SELECT case_no, sum(amount)::DOUBLE FROM payments WHERE pay_month = ? "
                       f"AND {where} GROUP BY 1 ORDER BY 1", [month]).fetchall()  # fmt: skip
    return month, paid


def _screen(screenings: Screenings, month: str, lines: list[tuple[str, float]],
            county: str | None = None) -> dict:  # fmt: skip
    text = "救助证号,发放月份,发放金额\n" + "".join(f"{c},{month},{a:.2f}\n" for c, a in lines)
    return screenings.screen(text.encode(), "发放表.csv", actor="auditor-1", role="auditor",
                             county=county)  # fmt: skip


def _release(screenings: Screenings, found: dict, outcome: str = "released") -> None:
    screenings.clear(found["screening_id"], 1, outcome=outcome, note="已入户核实",
                     actor="auditor-1", role="auditor")  # fmt: skip


def _results(screenings: Screenings, found: dict) -> list[str]:
    """Each line's 审核结果 in the list written back."""
    _, content = screenings.file(found["screening_id"])
    return [cells[-2] for cells in csv.reader(io.StringIO(content.decode("utf-8-sig")))][1:]


def test_a_release_carries_to_its_own_case_not_to_one_whose_number_masks_alike(county_db, tmp_path):
    # 救助证号 made of DB and an ID number mask alike (DB532326***********0) one in ten or so:
    # a release of one case's amount passed another case paid the same wrong amount
    con = connect(_copied(county_db, tmp_path))
    cases = [case for (case,) in con.execute("SELECT DISTINCT case_no FROM assistance "
                                             "WHERE case_no IS NOT NULL ORDER BY 1").fetchall()]  # fmt: skip
    numbered = {case: f"DB532326{19500101 + i:08d}{i:03d}{i % 3}" for i, case in enumerate(cases)}
    for table in ("assistance", "payments"):
        con.executemany(f"UPDATE {table} SET case_no = ? WHERE case_no = ?",
                        [(new, old) for old, new in numbered.items()])  # fmt: skip
    month, paid = _overpaid(con)
    con.close()
    alike = {}
    for case, amount in paid:
        alike.setdefault((amount, mask_numbers(case)), []).append(case)
    store = Store(tmp_path / "doudi.duckdb")
    screenings = Screenings(store)
    try:
        for (amount, _), (a, b, *_) in ((key, group) for key, group in alike.items()
                                        if len(group) > 1):  # fmt: skip
            first = _screen(screenings, month, [(a, amount * 3), (b, amount * 3)])
            if first["by_reason"] == {HOLD_LABELS["amount"]: 2}:  # held for the amount alone
                break
        _release(screenings, first)  # the first line, a's
        again = _screen(screenings, month, [(a, amount * 3), (b, amount * 3)])
        results = _results(screenings, again)
    finally:
        store.close()
    assert mask_numbers(a) == mask_numbers(b) and a != b
    assert results == ["通过", "暂缓"] and again["released_before"] == 1


def test_a_hold_kept_after_an_earlier_release_is_held_again(county_db, tmp_path):
    # released in the first screening of a list, 确认暂缓 in its second: the release carried
    con = connect(_copied(county_db, tmp_path))
    month, [(case, amount), *_] = _overpaid(con)
    con.close()
    store = Store(tmp_path / "doudi.duckdb")
    screenings = Screenings(store)
    try:
        first, second = (_screen(screenings, month, [(case, amount * 3)]) for _ in range(2))
        _release(screenings, first)
        _release(screenings, second, "kept")
        third = _screen(screenings, month, [(case, amount * 3)])
        _release(screenings, third)
        fourth = _screen(screenings, month, [(case, amount * 3)])
    finally:
        store.close()
    assert (first["held"], second["held"], third["held"], fourth["held"]) == (1, 1, 1, 0)


def test_a_release_carries_over_in_a_provinces_database(tmp_path):
    # a screening stored the case number as the file gives it, DB…, and the next compared it
    # with the database's 532301/DB…: no release ever carried over in a province
    db = _run(tmp_path / "made", counties=2)
    con = connect(db, read_only=True)
    month, [(case, amount), *_] = _overpaid(con, "case_no LIKE '532301/%'")
    con.close()
    county, number = case.split("/")
    store = Store(db)
    screenings = Screenings(store)
    try:
        first = _screen(screenings, month, [(number, amount * 3)], county)
        _release(screenings, first)
        second = _screen(screenings, month, [(number, amount * 3)], county)
    finally:
        store.close()
    assert (first["held"], second["held"], second["released_before"]) == (1, 0, 1)
