"""A run of a small synthetic county served by a real uvicorn process, one per test module
(each module's decisions and re-runs stay its own); two monthly runs of a smaller one
(``monthly_county``); and headless Chromium for the page tests.

Each county is run once per session; every module gets a copy of its folder (drop, outputs
and database) and serves that."""

from __future__ import annotations

import csv
import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from api.storage import opened
from models.pipeline import case_changes, run_pipeline
from models.policy import load_policy
from resolver.reading import read_grids
from resolver.settings import LinkSettings
from resolver.synthetic import synthesize
from tests.api.served import Server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

ROLES = ("auditor", "analyst", "consumer", "admin")


@pytest.fixture(scope="session")
def county_run(tmp_path_factory):
    """The folder of a published run of a 6,000-person county with a token per role, the
    run's id and the tokens."""
    out = tmp_path_factory.mktemp("review-run")
    drop = synthesize(out / "run" / "county", people=6000, seed=5).drop_dir
    result = run_pipeline(drop, out / "run", policy=load_policy(), settings=LinkSettings(),
                          db_path=out / "doudi.duckdb")  # fmt: skip
    with opened(result.db_path) as storage:
        tokens = {role: storage.tokens.create(name=f"{role}-1", role=role) for role in ROLES}
        tokens["auditor2"] = storage.tokens.create(name="审计员乙", role="auditor")
    return out, result.run_id, tokens


@pytest.fixture(scope="module")
def county(tmp_path_factory, county_run):
    made, run_id, tokens = county_run
    out = _copy(made, tmp_path_factory.mktemp("review"))
    server = Server(out / "doudi.duckdb")
    server.start()
    yield {"out": out, "db": out / "doudi.duckdb", "run_id": run_id, "tokens": tokens,
           "server": server, "drop": out / "run" / "county" / "drop"}  # fmt: skip
    server.stop()


def _copy(made: Path, out: Path) -> Path:
    """``out`` holding a copy of the folder ``made``."""
    shutil.copytree(made, out, dirs_exist_ok=True)
    return out


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM} (make test installs it)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield launched
        launched.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    yield context.new_page()
    context.close()


# The assignment the monthly county starts with: due five days ago, so its case is overdue.
OVERDUE_ASSIGNEE, OVERDUE_DAYS, BACKDATED_DAYS = "李四", 5, 40


@pytest.fixture(scope="session")
def monthly_runs(tmp_path_factory):
    """Two published runs of a 2,000-person county: the first misses the death notices of one
    planted 死亡后仍发放 case (the second raises it: new), the second misses another's
    (resolved by data). The first run is dated 40 days back, so its cases still raised are
    open over 30 days; one of them carries an assignment due five days ago (overdue).
    ``expected`` holds what the registry says."""
    out = tmp_path_factory.mktemp("monthly-runs")
    county = synthesize(out / "county", people=2000, seed=11)
    late, gone = _planted_death_notices(county.truth_dir)[:2]
    runs = [run_pipeline(_drop_without(county.drop_dir, out / f"drop{n}", notices), out / f"run{n}",
                         policy=load_policy(), settings=LinkSettings(), db_path=out / "doudi.duckdb")
            for n, notices in ((1, late), (2, gone))]  # fmt: skip
    db = runs[-1].db_path
    with opened(db) as storage:
        tokens = {role: storage.tokens.create(name=f"{role}-1", role=role)
                  for role in ("auditor", "analyst", "consumer", "admin")}  # fmt: skip
        expected = _registry_changes(storage.store, runs[1].run_id)
        _backdate(storage.store, runs[0].run_id)
        _assign_overdue(storage.store, expected["open_ids"][0])
    return {"out": out, "db": db, "runs": [run.run_id for run in runs], "tokens": tokens,
            "expected": expected, "overdue_case": expected["open_ids"][0]}  # fmt: skip


@pytest.fixture(scope="module")
def monthly_county(tmp_path_factory, monthly_runs):
    """A copy of ``monthly_runs``, served."""
    out = _copy(monthly_runs["out"], tmp_path_factory.mktemp("monthly"))
    db = out / monthly_runs["db"].relative_to(monthly_runs["out"])
    server = Server(db)
    server.start()
    yield monthly_runs | {"out": out, "db": db, "server": server}
    server.stop()


def _planted_death_notices(truth: Path) -> list[set[str]]:
    """The death notices of each planted 死亡后仍发放 case of a synthetic county's truth."""
    planted = [json.loads(line) for line in (truth / "cases.jsonl").read_text().splitlines()]
    return [{record["record_id"] for record in case["death_records"]}
            for case in planted if case["case_type"] == "deceased_paid"]  # fmt: skip


def _drop_without(drop: Path, copy: Path, notices: set[str]) -> Path:
    """A copy of the drop whose deaths file lacks ``notices`` (rewritten as UTF-8 CSV)."""
    shutil.copytree(drop, copy)
    [path] = [p for p in copy.iterdir() if p.stem in ("deaths", "死亡人员")]
    [grid] = read_grids(path)
    header, *rows = zip(*(column.to_pylist() for column in grid.columns), strict=True)
    position = header.index(next(h for h in header if h in ("记录编号", "record_id")))
    path.unlink()
    with (copy / "deaths.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(
            [header, *(row for row in rows if row[position] not in notices)]
        )
    return copy


def _registry_changes(store, latest: str) -> dict:
    """The latest run's changes as ``case_registry`` and the runs' cases have them: the
    totals, the case ids of each kind (new: not raised by the run before), and the counts per
    township (of the case's last published snapshot)."""
    totals = {
        kind: count
        for kind, count in case_changes(store.con, latest).items()
        if kind in ("new", "resolved", "open")
    }  # the overview's three (none kept unjudged)
    found = store.rows(
        "SELECT r.case_id, c.case_type, coalesce(c.township, '未知') AS township, CASE "
        "WHEN r.resolved_run = $1 THEN 'resolved' WHEN r.case_id IN (SELECT case_id FROM "
        "published_cases WHERE run_id = (SELECT run_id FROM runs WHERE status = 'published' "
        "AND run_id <> $1 ORDER BY finished_at DESC LIMIT 1)) THEN 'open' "
        "ELSE 'new' END AS kind FROM case_registry r JOIN published_cases c "
        "ON c.case_id = r.case_id AND c.run_id = r.last_run "
        "WHERE r.last_run = $1 OR r.resolved_run = $1 ORDER BY r.case_id", [latest])  # fmt: skip
    by_township: dict[str, dict[str, int]] = {}
    for row in found:
        line = by_township.setdefault(row["township"], {"new": 0, "resolved": 0, "open": 0})
        line[row["kind"]] += 1
    ids = {f"{kind}_ids": [r["case_id"] for r in found if r["kind"] == kind]
           for kind in ("new", "resolved", "open")}  # fmt: skip
    types = {kind: {r["case_id"]: r["case_type"] for r in found if r["kind"] == kind}
             for kind in ("new", "resolved")}  # fmt: skip
    return {"totals": totals, "by_township": by_township, "types": types, **ids}


def _backdate(store, run_id: str) -> None:
    """Date the run's start ``BACKDATED_DAYS`` back (its cases first raised then), and its
    data a month back (both runs read one drop: the month over month view compares runs of
    different data months)."""
    store.con.execute(f"UPDATE runs SET started_at = started_at - INTERVAL {BACKDATED_DAYS} DAY, "
                      "as_of = as_of - INTERVAL 1 MONTH WHERE run_id = ?", [run_id])  # fmt: skip


def _assign_overdue(store, case_id: str) -> None:
    """An assignment recorded three weeks ago, due ``OVERDUE_DAYS`` ago (as the API would have
    stored it then: it refuses a due date in the past now)."""
    store.con.execute(
        "INSERT INTO case_events (case_id, actor, role, recorded_at, from_status, to_status, "
        "kind, assignee, due_date) VALUES (?, 'auditor-1', 'auditor', now() - INTERVAL 21 DAY, "
        "'open', 'open', 'assignment', ?, ?)",
        [case_id, OVERDUE_ASSIGNEE, date.today() - timedelta(days=OVERDUE_DAYS)])  # fmt: skip


# The township whose 户籍 extract the gaps county leaves out (26 cases on its roster).
UNSENT_TOWNSHIP = "金碧"


@pytest.fixture(scope="module")
def gaps_county(tmp_path_factory):
    """A served run of a 2,000-person county whose drop lacks 残疾人 and the 户籍 rows of one
    township (``UNSENT_TOWNSHIP``): what its data could not judge, published with it."""
    out = tmp_path_factory.mktemp("gaps")
    drop = synthesize(out / "county", people=2000, seed=11).drop_dir
    without_unsent_hukou(drop)
    (drop / "disability.xlsx").unlink()
    result = run_pipeline(drop, out / "run", policy=load_policy(), settings=LinkSettings(),
                          db_path=out / "doudi.duckdb")  # fmt: skip
    with opened(result.db_path) as storage:
        tokens = {"auditor": storage.tokens.create(name="auditor-1", role="auditor")}
    server = Server(result.db_path)
    server.start()
    yield {"out": out, "db": result.db_path, "run_id": result.run_id, "tokens": tokens,
           "server": server, "drop": drop}  # fmt: skip
    server.stop()


def without_unsent_hukou(drop: Path) -> None:
    """Rewrite the drop's 户籍人口.csv (GBK, as synthesized) without ``UNSENT_TOWNSHIP``'s rows."""
    path = drop / "户籍人口.csv"
    with path.open(encoding="gbk", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    place = [header.index("乡镇"), header.index("住址")]
    kept = [row for row in rows if not any(UNSENT_TOWNSHIP in row[at] for at in place)]
    with path.open("w", encoding="gbk", newline="") as handle:
        csv.writer(handle).writerows([header, *kept])
