"""Three monthly drops of one synthetic county taken with ``update_pipeline``: the same
persons, ids and cases as linking every row with the same stored model each month, person
ids kept for what did not change, and cases resolved by data kept in the registry."""

from __future__ import annotations

import shutil

import pytest

from models.pipeline import case_changes, detect_and_publish, run_pipeline, update_pipeline
from models.policy import load_policy
from models.publish import resolved_while_paid, run_configuration, start_run, working_run
from resolver.db import connect
from resolver.ingest import ingest_drop
from resolver.link import link_persons, stored_model
from resolver.settings import LinkSettings
from resolver.synthetic import synthesize

pytestmark = pytest.mark.slow


def full_relink(drop, db, out):
    """Next month as a full run with the stored model: every row scored again."""
    con = connect(db)
    config = run_configuration(con, working_run(con))
    run_id = start_run(con, data_dir=str(drop), settings=config.settings, policy=config.policy,
                       risk=config.risk)  # fmt: skip
    ingest_drop(con, drop)
    link_persons(con, config.settings, model=stored_model(con))
    detect_and_publish(con, run_id, out, config.policy, config.settings, config.risk)
    changes = case_changes(con, run_id)
    con.close()
    return changes


def published(db):
    con = connect(db, read_only=True)
    run_id = working_run(con)
    state = {
        "entities": con.execute("SELECT * FROM entities ORDER BY ALL").fetchall(),
        "cases": con.execute(
            "SELECT case_id, case_type, risk_score, amount_at_risk, person_ids, evidence "
            "FROM published_cases WHERE run_id = ? ORDER BY case_id",
            [run_id],
        ).fetchall(),
        "registry": con.execute(
            "SELECT case_id, case_type, resolved_run IS NULL FROM case_registry ORDER BY ALL"
        ).fetchall(),
    }
    con.close()
    return state


@pytest.fixture(scope="module")
def months(tmp_path_factory):
    folder = tmp_path_factory.mktemp("months")
    synthesize(folder, people=5000, seed=5, months=3)
    return sorted(path / "drop" for path in (folder / "months").iterdir() if path.is_dir())


def test_three_monthly_updates_equal_full_runs_with_the_stored_model(months, tmp_path):
    incremental, full = tmp_path / "incremental.duckdb", tmp_path / "full.duckdb"
    run_pipeline(months[0], tmp_path / "first", policy=load_policy(), settings=LinkSettings(),
                 db_path=incremental)  # fmt: skip
    shutil.copy(incremental, full)
    first = dict(((r, i), p) for r, i, p in published(incremental)["entities"])
    changes = []
    for drop in months[1:]:
        result = update_pipeline(drop, incremental, tmp_path / "updated")
        changes.append(result.case_changes)
        assert result.link.retrain_reason is None
        assert result.link.changes.new + result.link.changes.changed > 0
        assert result.case_changes == full_relink(drop, full, tmp_path / "relinked")
        assert published(incremental) == published(full)
    last = published(incremental)
    kept = [first[(r, i)] == p for r, i, p in last["entities"] if (r, i) in first]
    assert sum(kept) / len(kept) > 0.99  # a person whose rows did not change keeps the id
    assert sum(change["new"] for change in changes) > 0, changes  # late notices, new rows


ROSTER = "记录编号,救助证号,姓名,身份证号码,与户主关系,救助类型,低保类别,是否保障对象,纳入日期\n"
MEMBERS = {  # 张伟 and 刘军 die in January and February
    "A1": "DB001,张伟,532326195001010015,户主,低保,A",
    "A2": "DB001,李芳,532326195202020025,配偶,低保,A",
    "A3": "DB002,王强,532326196003030030,户主,低保,A",
    "A5": "TK001,刘军,532326194005050052,户主,特困,",
}
DEATHS = ("记录编号,姓名,身份证号码,死亡日期,数据来源\n"
          "D1,张伟,532326195001010015,2024-01-10,公安\nD2,刘军,532326194005050052,2024-02-05,殡葬\n")  # fmt: skip


def _drop(folder, members, months, grants=()):
    folder.mkdir()
    (folder / "救助对象.csv").write_text(ROSTER + "".join(
        f"{record},{members[record]},是,2020-01-01\n" for record in members), encoding="utf-8")  # fmt: skip
    lines = [f"P{month}{case},{case},2024-{month:02d},{amount},"
             + ("丧葬补助" if (case, month) in grants else program)
             for month in range(1, months + 1)
             for case, amount, program in (("DB001", 1000, "低保"), ("DB002", 1000, "低保"),
                                           ("TK001", 800, "特困"))]  # fmt: skip
    (folder / "发放记录.csv").write_text(
        "记录编号,救助证号,发放月份,发放金额（元）,救助类型\n" + "\n".join(lines) + "\n",
        encoding="utf-8",
    )
    (folder / "死亡人员.csv").write_text(DEATHS, encoding="utf-8")
    return folder


def test_a_lead_resolved_by_deleting_a_dead_members_row_says_the_case_is_still_paid(tmp_path):
    # the village deletes the dead members' rows instead of ending them; the ledger pays on
    db = tmp_path / "doudi.duckdb"
    first = _drop(tmp_path / "m1", MEMBERS, 6)
    run_pipeline(first, tmp_path / "o1", policy=load_policy(), settings=LinkSettings(), db_path=db)
    kept = {record: row for record, row in MEMBERS.items() if record not in ("A1", "A5")}
    # 刘军's case is paid a funeral grant in July, no 特困 money: nothing was paid on for him
    result = update_pipeline(_drop(tmp_path / "m2", kept, 7, grants={("TK001", 7)}), db,
                             tmp_path / "o2")  # fmt: skip
    con = connect(db, read_only=True)
    resolved = con.execute(
        "SELECT case_type, gone_records, paid_after_gone FROM case_registry "
        "WHERE resolved_run = ? AND case_type = 'deceased_paid' ORDER BY ALL", [result.run_id]
    ).fetchall()  # fmt: skip
    assert resolved == [("deceased_paid", ["assistance:A1"], "2024-07"),
                        ("deceased_paid", ["assistance:A5"], None)]  # fmt: skip
    assert resolved_while_paid(con, result.run_id) == 1
    con.close()


def test_a_quarter_paid_before_a_row_went_away_is_no_payment_after_it(tmp_path):
    # 刘军's 特困 is paid by the quarter, April's line for April to June, as of April; his row
    # deleted next month, the months that line pays ahead read as paid after (2024-06)
    def drop(folder, members):
        folder.mkdir()
        (folder / "救助对象.csv").write_text(ROSTER + "".join(
            f"{record},{members[record]},是,2020-01-01\n" for record in members), encoding="utf-8")  # fmt: skip
        lines = [*(f"P{m}{case},{case},2024-{m:02d},2024-{m:02d},1000,低保"
                   for m in range(1, 5) for case in ("DB001", "DB002")),
                 "Q1,TK001,2024-01,2024-01至2024-03,2400,特困",
                 "Q2,TK001,2024-04,2024-04至2024-06,2400,特困"]  # fmt: skip
        (folder / "发放记录.csv").write_text(
            "记录编号,救助证号,发放月份,所属月份,发放金额（元）,救助类型\n" + "\n".join(lines) + "\n",
            encoding="utf-8")  # fmt: skip
        (folder / "死亡人员.csv").write_text(DEATHS, encoding="utf-8")
        return folder

    db = tmp_path / "doudi.duckdb"
    run_pipeline(drop(tmp_path / "m1", MEMBERS), tmp_path / "o1", policy=load_policy(),
                 settings=LinkSettings(), db_path=db)  # fmt: skip
    kept = {record: row for record, row in MEMBERS.items() if record != "A5"}
    result = update_pipeline(drop(tmp_path / "m2", kept), db, tmp_path / "o2")
    con = connect(db, read_only=True)
    resolved = con.execute(
        "SELECT gone_records, paid_after_gone FROM case_registry "
        "WHERE resolved_run = ? AND case_type = 'deceased_paid'", [result.run_id]
    ).fetchall()  # fmt: skip
    con.close()
    assert resolved == [(["assistance:A5"], None)]
