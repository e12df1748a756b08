"""A run killed before it published (``running``): what still works on its database, what
refuses with the command that recovers, a Ctrl-C that says so, and an output folder that
cannot be written refused before any work."""

import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from models.pipeline import run_pipeline
from models.policy import load_policy
from resolver.db import connect, table_names
from resolver.settings import LinkSettings
from resolver.synthetic import synthesize

runner = CliRunner()
STOPPED = "r-20261207-120000-dead"


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """The folder of a published run of a 300-person county, and the run's id."""
    out = tmp_path_factory.mktemp("published")
    drop = synthesize(out / "county", people=300, seed=3).drop_dir
    result = run_pipeline(drop, out / "run", policy=load_policy(), settings=LinkSettings(),
                          db_path=out / "doudi.duckdb")  # fmt: skip
    return out, result.run_id


def _stopped(published, tmp_path: Path) -> Path:
    """A copy of the published database whose next run (of ``/月度/drop`` under 大姚县)
    was killed before it published."""
    db = tmp_path / "doudi.duckdb"
    shutil.copy(published[0] / "doudi.duckdb", db)
    con = connect(db)
    con.execute("INSERT INTO runs (run_id, status, started_at, data_dir, policy_name) "
                "VALUES (?, 'running', now(), '/月度/drop', '大姚县')", [STOPPED])  # fmt: skip
    con.close()
    return db


def _ctrl_c(*_args, **_kwargs):
    """A stage the clerk stops with Ctrl-C."""
    raise KeyboardInterrupt


def test_the_monthly_report_reports_the_last_published_run_and_says_the_latest_stopped(
    published, tmp_path
):
    """Until 2026-12-07 it was refused: it reads only what the last published run left."""
    db = _stopped(published, tmp_path)
    result = runner.invoke(app, ["report", "--monthly", "--db", str(db),
                                 "--out", str(tmp_path / "月报.xlsx")])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"最近一次运行（{STOPPED}）中途停止" in result.output
    assert f"上次发布的运行（{published[1]}）" in result.output
    assert (tmp_path / "月报.xlsx").is_file()


def test_what_reads_the_working_tables_refuses_naming_the_full_run_that_recovers(
    published, tmp_path
):
    """export (家庭人数 and the counties off the registries), screen, the period report and
    update read the working tables the stopped run may have rewritten."""
    db = _stopped(published, tmp_path)
    payments = tmp_path / "发放表.csv"
    payments.write_text("姓名\n张三\n", encoding="utf-8")
    recover = f"doudi run /月度/drop --db {db} --out <文件夹> --policy 大姚县"
    for command in (["export", "--out", str(tmp_path / "台账")],
                    ["screen", str(payments), "--out", str(tmp_path / "核对.csv")],
                    ["report", "--from", "2019-01", "--to", "2019-12",
                     "--out", str(tmp_path / "报表.xlsx")],
                    ["update", str(published[0] / "county" / "drop"),
                     "--out", str(tmp_path / "下月")]):  # fmt: skip
        refused = runner.invoke(app, [*command, "--db", str(db)])
        assert refused.exit_code == 2, refused.output
        assert "中途停止" in refused.output and recover in refused.output, refused.output


def test_a_ctrl_c_of_update_says_what_it_left_and_the_command_that_recovers(
    published, tmp_path, monkeypatch
):
    """Until 2026-12-07 it said to run again, and the same update was refused."""
    db = _stopped(published, tmp_path)

    monkeypatch.setattr("models.pipeline.update_pipeline", _ctrl_c)
    result = runner.invoke(app, ["update", str(published[0] / "county" / "drop"),
                                 "--db", str(db), "--out", str(tmp_path / "下月")])  # fmt: skip
    assert result.exit_code == 130
    assert f"最近发布的运行（{published[1]}）完好" in result.output
    assert f"doudi run /月度/drop --db {db} --out <文件夹> --policy 大姚县" in result.output


def test_an_output_folder_that_cannot_be_written_is_refused_before_any_work(published, tmp_path):
    """Until 2026-12-07 the run did all its work, failed writing entities.csv with an
    English internal error and stayed ``running``, blocking the database."""
    out = tmp_path / "只读"
    out.mkdir()
    if subprocess.run(["chattr", "+i", str(out)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here")
    try:
        result = runner.invoke(app, ["run", str(published[0] / "county" / "drop"),
                                     "--out", str(out), "--db", str(tmp_path / "d.duckdb")])  # fmt: skip
    finally:
        subprocess.run(["chattr", "-i", str(out)], check=True)
    assert result.exit_code == 2, result.output
    assert f"没有权限读写 {out}" in result.output
    con = connect(tmp_path / "d.duckdb")
    assert "runs" not in table_names(con)  # no run started, none left running
    con.close()


def test_a_ctrl_c_while_the_drop_is_read_leaves_no_run_running(published, tmp_path, monkeypatch):
    """The drop's transaction rolls back and the run is refused, as for a drop refused, so
    the same update runs again; until 2026-12-07 (night) the run stayed running and every
    later command was refused."""
    db = tmp_path / "doudi.duckdb"
    shutil.copy(published[0] / "doudi.duckdb", db)

    monkeypatch.setattr("models.pipeline.ingest_drop", _ctrl_c)
    result = runner.invoke(app, ["update", str(published[0] / "county" / "drop"),
                                 "--db", str(db), "--out", str(tmp_path / "下月")])  # fmt: skip
    assert result.exit_code == 130
    con = connect(db)
    assert con.execute("SELECT count(*) FROM runs WHERE status = 'running'").fetchone() == (0,)
    con.close()
    assert "需要时请重新运行同一命令" in " ".join(result.output.split())


def test_the_run_that_recovers_marks_the_one_that_stopped(published, tmp_path):
    """Until 2026-12-07 (night) a run killed halfway stayed running in /api/runs for ever."""
    db = _stopped(published, tmp_path)
    run_pipeline(published[0] / "county" / "drop", tmp_path / "run", policy=load_policy(),
                 settings=LinkSettings(), db_path=db)  # fmt: skip
    con = connect(db)
    assert con.execute("SELECT status FROM runs WHERE run_id = ?", [STOPPED]).fetchone() == (
        "stopped",
    )
    con.close()
