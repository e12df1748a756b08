import csv
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import click
import duckdb
import pytest
import typer
from typer.testing import CliRunner

from api.cli import app
from api.cli.printers import CONTROL_LABELS
from api.cli.serving import log_cli_job, token_store
from api.storage import opened
from models.case_types import CASE_LABELS
from resolver.db import connect
from resolver.settings import LinkSettings
from resolver.synthetic import synthesize, synthesize_province
from resolver.synthetic.other_county import CONTROL_TYPES as OTHER_COUNTY
from resolver.synthetic.province import NAMESAKE
from resolver.synthetic.truth import CONTROL_TYPES

runner = CliRunner()


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    """``doudi run`` without data (a synthetic county of 1,500 people), once for the module:
    its folder and what it printed. A test that writes to the folder (a second run, an
    export, the access log) works on a copy (``copied``)."""
    out = tmp_path_factory.mktemp("ran") / "run"
    result = runner.invoke(app, ["run", "--out", str(out), "--people", "1500", "--seed", "9"])
    assert result.exit_code == 0, result.output
    return out, result.output


def copied(ran, tmp_path: Path) -> Path:
    """A copy of the module's run folder (drop, outputs and database) in ``tmp_path``."""
    shutil.copytree(ran[0], tmp_path / "run")
    return tmp_path / "run"


# Tuned link settings: every field the tests follow differs from the defaults.
TUNED = replace(LinkSettings(), threshold=0.97, possible_threshold=0.3, duplicate_threshold=0.8,
                seed=123)  # fmt: skip


@pytest.fixture(scope="module")
def tuned_run(tmp_path_factory):
    """``doudi run --settings`` with ``TUNED`` on a small synthetic county (500 people: what
    is followed is the settings, not the linking), once for the module: its folder and what it
    printed."""
    made = tmp_path_factory.mktemp("tuned")
    TUNED.save(made / "tuned.json")
    out = made / "run"
    result = runner.invoke(app, ["run", "--out", str(out), "--people", "500", "--seed", "9",
                                 "--settings", str(made / "tuned.json")])  # fmt: skip
    assert result.exit_code == 0, result.output
    return out, result.output


def test_synth_then_ingest_prints_the_quality_report(tmp_path):
    synth = runner.invoke(
        app, ["synth", str(tmp_path / "county"), "--people", "500", "--seed", "3"]
    )
    assert synth.exit_code == 0, synth.output
    assert (tmp_path / "county" / "truth" / "persons.csv").exists()
    result = runner.invoke(
        app, ["ingest", str(tmp_path / "county" / "drop"), "--db", str(tmp_path / "d.duckdb")]
    )
    assert result.exit_code == 0, result.output
    assert "数据质量报告" in result.output
    for registry in ("户籍人口", "救助对象", "发放记录", "建档立卡", "残疾人", "死亡人员"):
        assert registry in result.output
    assert "15位身份证号已升为18位" in result.output


def test_running_out_of_memory_says_so_in_chinese_with_the_limit_to_change(tmp_path):
    synth = runner.invoke(app, ["synth", str(tmp_path / "county"), "--people", "300"])
    assert synth.exit_code == 0, synth.output
    result = runner.invoke(
        app, ["ingest", str(tmp_path / "county" / "drop"), "--db", str(tmp_path / "d.duckdb")],
        env={"DOUDI_MEMORY_LIMIT": "1MB"},
    )  # fmt: skip
    said = result.output.replace("\n", "")
    assert result.exit_code == 4
    assert "内存不足" in said and "上限为 1MB" in said and "DOUDI_MEMORY_LIMIT" in said
    assert "Traceback" not in said


def test_a_broken_drop_exits_with_an_error_naming_the_file(tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "户籍人口.csv").write_text("记录编号,姓名\nH1,刘华\n", encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(drop), "--db", str(tmp_path / "d.duckdb")])
    assert result.exit_code == 2
    assert "户籍人口.csv" in result.output
    assert "缺少必填列：户号" in result.output


def test_a_file_named_in_gbk_is_refused_with_its_name_as_gbk_reads_it(tmp_path):
    """A zip made on Windows, unpacked here: the name's bytes are GBK, not UTF-8."""
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / os.fsdecode("救助对象.csv".encode("gbk"))).write_text("姓名\n刘华\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(drop)])
    assert result.exit_code == 2 and "内部错误" not in result.output
    assert "文件名不是 UTF-8 编码" in result.output and "救助对象.csv" in result.output


def test_link_writes_entities_and_evaluate_compares_three_methods(tmp_path):
    county, db, out = tmp_path / "county", tmp_path / "run" / "doudi.duckdb", tmp_path / "run"
    assert (
        runner.invoke(app, ["synth", str(county), "--people", "600", "--seed", "4"]).exit_code == 0
    )
    assert runner.invoke(app, ["ingest", str(county / "drop"), "--db", str(db)]).exit_code == 0
    result = runner.invoke(app, ["link", "--db", str(db), "--threshold", "0.95"])
    assert result.exit_code == 0, result.output
    assert "分块规则与比对次数" in result.output
    with (out / "entities.csv").open(encoding="utf-8") as handle:
        entities = list(csv.DictReader(handle))
    with (county / "truth" / "persons.csv").open(encoding="utf-8") as handle:
        truth = list(csv.DictReader(handle))
    assert list(entities[0]) == ["registry", "record_id", "person_id"]
    assert {(r["registry"], r["record_id"]) for r in entities} == {
        (r["registry"], r["record_id"]) for r in truth
    }
    assert json.loads((out / "link_model.json").read_text())["comparisons"]
    result = runner.invoke(app, ["evaluate", "--truth", str(county / "truth"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "evaluation.json").read_text())["linking"]
    assert set(report) == {"doudi", "exact_id", "stock_splink"}
    assert report["doudi"]["f1"] > 0.99
    assert report["doudi"]["recall_ids_differ"] > report["exact_id"]["recall_ids_differ"]


def test_run_links_with_the_settings_file_it_is_given(tuned_run):
    """Data staff tune more than the threshold: the settings file reaches the published run
    (and so the updates after it, which keep the run's settings)."""
    out, output = tuned_run
    assert "按匹配阈值 0.97 归并为" in output.replace("\n", "")
    assert LinkSettings.load(out / "link_settings.json") == TUNED


def test_link_on_a_runs_database_keeps_the_runs_settings_but_the_threshold(tuned_run, tmp_path):
    """Relinking a run's database at another threshold changes the threshold only: the
    run's tuned settings and seed stay (until 2026-12-06 the defaults replaced them, in the
    linking and in the link_settings.json written over the run's)."""
    out = copied(tuned_run, tmp_path)
    result = runner.invoke(app, ["link", "--db", str(out / "doudi.duckdb"), "--threshold", "0.4"])
    assert result.exit_code == 0, result.output
    assert "沿用最近一次发布运行" in result.output
    assert LinkSettings.load(out / "link_settings.json") == replace(TUNED, threshold=0.4)


def test_a_run_without_the_settings_says_which_differ_from_the_last_runs(tuned_run, tmp_path):
    """A run into a tuned run's database without --settings takes the defaults: it says which
    settings that changes (a blind tester's duplicate threshold went back without a word)."""
    out = copied(tuned_run, tmp_path)
    result = runner.invoke(app, ["run", str(out / "county" / "drop"), "--out", str(out),
                                 "--seed", "123"])  # fmt: skip
    said = result.output.replace("\n", "")
    assert result.exit_code == 0, result.output
    assert "本次关联设置与上次发布运行" in said
    assert "threshold 0.97 → 0.95；" in said and "duplicate_threshold 0.8 → 0.9" in said
    assert "seed" not in said.split("不同：")[1].split("（")[0]  # the seed given is the run's


def test_a_run_with_a_settings_file_says_what_it_changes_not_how_to_keep_the_last(
    tuned_run, tmp_path
):
    """A settings file given is the clerk's choice: the run says which settings it changes,
    not that a run without --settings takes the defaults nor to add --settings."""
    out = copied(tuned_run, tmp_path)
    replace(TUNED, duplicate_threshold=0.85).save(tmp_path / "retuned.json")
    result = runner.invoke(app, ["run", str(out / "county" / "drop"), "--out", str(out),
                                 "--settings", str(tmp_path / "retuned.json")])  # fmt: skip
    said = result.output.replace("\n", "")
    assert result.exit_code == 0, result.output
    assert "不同：duplicate_threshold 0.8 → 0.85" in said
    assert "未给 --settings" not in said and "请加 --settings" not in said


def test_run_takes_a_threshold_down_to_its_settings_files_possible_threshold(tmp_path):
    """The floor of --threshold is the possible_threshold of the settings it is given, not
    the default's 0.5."""
    replace(LinkSettings(), possible_threshold=0.3).save(tmp_path / "low.json")
    out = tmp_path / "run"
    result = runner.invoke(app, ["run", "--out", str(out), "--people", "500", "--seed", "9",
                                 "--settings", str(tmp_path / "low.json"), "--threshold", "0.4"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "按匹配阈值 0.4 归并为" in result.output.replace("\n", "")


@pytest.mark.parametrize(
    ("command", "threshold", "said"),
    [("run", "0.4", "possible_threshold（0.5）不能大于 threshold（0.4）"),
     ("run", "2", "threshold 应大于 0、不超过 1"), ("link", "0", "threshold 应大于 0、不超过 1")],
)  # fmt: skip
def test_a_threshold_the_link_settings_refuse_is_refused_naming_the_option(
    tmp_path, command, threshold, said
):
    result = runner.invoke(app, [command, "--threshold", threshold, "--out", str(tmp_path / "x")])
    assert result.exit_code == 2
    shown = result.output.replace("\n", "")
    assert f"--threshold {float(threshold)} 不可用" in shown and said in shown
    assert not (tmp_path / "x").exists()


def test_ingest_into_a_published_database_needs_every_registry_it_held(ran, tmp_path):
    """doudi ingest of a drop without 死亡人员 into a run's database would let the next
    update take the drop as complete and resolve every death lead: it is refused as update
    refuses it, with the same --allow-missing."""
    out = copied(ran, tmp_path)
    again = runner.invoke(app, ["run", str(out / "county" / "drop"), "--out", str(out)])
    assert "消除 0 条" in again.output  # how many leads the run resolved, as update says
    drop = tmp_path / "drop"
    shutil.copytree(out / "county" / "drop", drop)
    (deaths,) = [path for path in drop.iterdir() if "死亡" in path.name]
    deaths.unlink()
    db = str(out / "doudi.duckdb")
    refused = runner.invoke(app, ["ingest", str(drop), "--db", db])
    assert refused.exit_code == 2, refused.output
    assert "--allow-missing 死亡人员" in refused.output.replace("\n", "")
    allowed = runner.invoke(app, ["ingest", str(drop), "--db", db, "--allow-missing", "死亡人员"])
    assert allowed.exit_code == 0, allowed.output
    with opened(Path(db)) as storage:  # every job that read the drop is in the access log
        _, logged = storage.tokens.access_log(offset=0, limit=10)
        assert storage.tokens.verify_access_log().ok
    jobs = sorted(entry["action"] for entry in logged if entry["actor"].startswith("cli:"))
    assert jobs == ["ingest_drop", "run_drop", "run_drop"]  # the refused ingest read nothing
    with opened(Path(db)) as storage:  # who made each run: its entry names it
        runs = {row["run_id"] for row in storage.store.rows("SELECT run_id FROM runs")}
    named = {entry["target"].split()[0] for entry in logged if entry["action"] == "run_drop"}
    assert len(named) == 2 and named <= runs


def test_a_job_logs_its_run_id_whole_and_the_drop_masked(tmp_path):
    """A run id whose random part begins with a digit reads as an ID's digit groups
    (``20261205-153116-0``): masked with the drop, it would no longer name the run."""
    db = tmp_path / "doudi.duckdb"
    duckdb.connect(str(db)).close()
    run_id = "r-20261205-153116-0e55"
    log_cli_job(db, "run_drop", "户主532326195601016870.csv 3行 → out", run_id=run_id)
    with token_store(db) as tokens:
        _, (entry,) = tokens.access_log(offset=0, limit=5)
    assert entry["actor"].startswith("cli:")
    assert entry["target"].startswith(f"{run_id} 户主532326***********0.csv 3行 → out 疑点（封存 ")


def test_run_without_data_runs_on_a_synthetic_county_and_evaluates(ran, tmp_path):
    import openpyxl

    out, output = ran
    assert "疑点线索" in output
    assert "与上次运行相比" not in output  # a first run has nothing to compare with
    assert "本次数据只有 1,500 人" in output  # a small county: told it links less surely
    assert "按匹配阈值 0.95 归并为" in output.replace("\n", "")  # the threshold it used
    cases = [json.loads(line) for line in (out / "cases.jsonl").read_text().splitlines()]
    assert {case["case_type"] for case in cases} == {
        "deceased_paid", "duplicate_enrollment", "split_household", "suspected_split",
        "missed_disability", "over_standard", "payment_mismatch",
    }  # fmt: skip
    assert json.loads((out / "policy.json").read_text())["death_grace_months"] == 1
    # beside each count, how many of those leads score at least 0.5 (a likely finding)
    row = next(line for line in output.splitlines() if "死亡后仍发放" in line)
    cells = row.split("│")
    total, likely = (int(cells[index].strip().replace(",", "")) for index in (2, 4))
    deaths = [case for case in cases if case["case_type"] == "deceased_paid"]
    assert (total, likely) == (len(deaths), sum(case["risk_score"] >= 0.5 for case in deaths))
    assert "其中评分≥0.5" in output
    # after linking, the findings workbook lists the notices too many namesakes may be
    notices = openpyxl.load_workbook(out / "数据问题清单.xlsx")["未能确认身份的死亡记录"]
    assert next(notices.iter_rows(values_only=True))[:4] == ("文件", "工作表", "行号", "记录编号")
    out = copied(ran, tmp_path)  # evaluate writes evaluation.json beside the run's outputs
    result = runner.invoke(
        app, ["evaluate", "--truth", str(out / "county/truth"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    report = json.loads((out / "evaluation.json").read_text())
    assert set(report["cases"]) == {"doudi", "exact_id", "stock_splink"}
    doudi = report["cases"]["doudi"]
    assert all(
        doudi[kind]["recall"] >= report["cases"]["exact_id"][kind]["recall"] for kind in doudi
    )


def _foreign_database(path: Path) -> Path:
    """A DuckDB file of another program's (a table, none of Doudi's)."""
    made = connect(path)
    made.execute("CREATE TABLE sales (amount INTEGER)")
    made.close()
    return path


@pytest.mark.parametrize(
    ("option", "said"),
    [(["--policy", "nowhere"], "没有名为 'nowhere' 的政策"),
     (["--risk-model", "nosuch.json"], "找不到风险评分模型"),
     (["--settings", "nosuch.json"], "找不到"),
     (["--threshold", "2"], "--threshold 2.0 不可用"),
     (["--columns", "nosuch.csv"], "列名对照文件不存在"),
     (["--allow-missing", "低保户"], "没有名为「低保户」的名册"),
     (["--db", "sales.duckdb"], "不是兜底的数据库"),
     (["--engine", "spark", "--policy", "nowhere"], "没有名为 'nowhere' 的政策")],
)  # fmt: skip
def test_run_refuses_a_wrong_option_before_it_writes_a_county_or_starts_spark(
    tmp_path, option, said
):
    """Every option is read before the synthetic county (20,000 people, tens of seconds) is
    written or Spark started: the run's folder is never made."""
    _foreign_database(tmp_path / "sales.duckdb")
    given = [str(tmp_path / value) if "." in value else value for value in option]
    out = tmp_path / "run"
    result = runner.invoke(app, ["run", "--out", str(out), "--people", "20000", *given])
    shown = result.output.replace("\n", "")
    assert result.exit_code == 2, shown
    assert said in shown and "Traceback" not in shown
    assert not out.exists()  # no county, no Spark work folder, no database


@pytest.mark.parametrize(
    ("command", "option", "said"),
    [("run", ["--policy", "nowhere"], "没有名为 'nowhere' 的政策"),
     ("run", ["--columns", "nosuch.csv"], "列名对照文件不存在"),
     ("ingest", ["--columns", "nosuch.csv"], "列名对照文件不存在"),
     ("ingest", ["--allow-missing", "低保户"], "没有名为「低保户」的名册")],
)  # fmt: skip
def test_a_wrong_option_with_a_drop_is_refused_before_a_database_is_written(
    tmp_path, command, option, said
):
    drop, db = _tiny_drop(tmp_path / "drop"), tmp_path / "out" / "doudi.duckdb"
    given = [str(tmp_path / value) if "." in value else value for value in option]
    where = ["--out", str(db.parent)] if command == "run" else ["--db", str(db)]
    result = runner.invoke(app, [command, str(drop), *where, *given])
    assert result.exit_code == 2, result.output
    assert said in result.output.replace("\n", "")
    assert not db.parent.exists()


@pytest.mark.parametrize("command", ["run", "ingest"])
@pytest.mark.parametrize("drop", ["nowhere", "救助对象.csv"])
def test_a_drop_that_is_no_folder_is_refused_before_a_database_is_written(tmp_path, command,
                                                                          drop):  # fmt: skip
    # until 2026-12-07 the refusal left OUT_DIR/doudi.duckdb behind (a blind tester's 780 KB)
    (tmp_path / "救助对象.csv").write_text("姓名\n刘华\n", encoding="utf-8")
    db = tmp_path / "out" / "doudi.duckdb"
    where = ["--out", str(db.parent)] if command == "run" else ["--db", str(db)]
    result = runner.invoke(app, [command, str(tmp_path / drop), *where])
    assert result.exit_code == 2, result.output
    assert "数据包不是文件夹" in result.output and not db.parent.exists()


def test_check_is_a_dry_run_that_says_how_each_sheet_was_read(tmp_path):
    import openpyxl

    drop = tmp_path / "drop"
    drop.mkdir()
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["本表按乡镇分表"])
    sheet = book.create_sheet("城关镇")
    for row in (["某县2024年12月低保花名册"], ["救助证号", "姓名", "身份证号", "救助类型", "是否保障对象",
                "纳入日期", "民族"], ["DB1", "刘华", "=HYPERLINK(\"x\")", "低保", "是", "2021.1", "汉"],
                ["合计", "1人"]):  # fmt: skip
        sheet.append(row)
    book.save(drop / "救助对象.xlsx")
    report = tmp_path / "问题.xlsx"
    result = runner.invoke(app, ["check", str(drop), "--report", str(report)])
    assert result.exit_code == 0, result.output
    for text in (
        "城关镇",
        "填表说明或示例工作表",
        "合计行 1",
        "民族",
        "记录编号按文件名、工作表和每行的",
    ):
        assert text in result.output
    assert not (tmp_path / "doudi.duckdb").exists()
    findings = list(openpyxl.load_workbook(report)["数据问题"].iter_rows(values_only=True))
    assert findings[0][:4] == ("名册", "文件", "工作表", "行号")
    ambiguous = [row[:4] + row[5:] for row in findings if row[4].startswith("救助对象-城关镇-")]
    assert ("救助对象", "救助对象.xlsx", "城关镇", 3, "纳入日期",
            "月份有歧义（如 2025.1 可能是 1 月或 10 月），未读取", "2021.1") in ambiguous  # fmt: skip
    skipped = list(openpyxl.load_workbook(report)["未读取的行"].iter_rows(values_only=True))
    assert ("救助对象.xlsx", "城关镇", 4, "合计行") in skipped
    # nothing is linked in a check: no list of death notices namesakes make uncertain
    assert openpyxl.load_workbook(report).sheetnames == ["数据问题", "未读取的行"]


def test_check_warns_of_payments_whose_case_numbers_the_roster_does_not_hold(tmp_path):
    # a blind tester's check said only 检查通过：可以导入 of a bank's list none of whose lines
    # named a roster case, and the run then judged none of the money leads
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "救助对象.csv").write_text("记录编号,救助证号,姓名,救助类型,是否保障对象,纳入日期\n"
                                   "A1,DB01,刘华,低保,是,2023-01-05\n", encoding="utf-8")  # fmt: skip
    (drop / "发放记录.csv").write_text("记录编号,救助证号,发放月份,发放金额（元）\n"
                                   "P1,YH9,2024-03,350\nP2,YH9,2024-04,350\n", encoding="utf-8")  # fmt: skip
    result = runner.invoke(app, ["check", str(drop), "--report", str(tmp_path / "问题.xlsx")])
    output = result.output.replace("\n", "")
    assert result.exit_code == 0, output
    assert (
        "发放记录最近的发放月份（2024-03至2024-04）中 2 行（共 2 行的 100%）的救助证号为空或不在救助对象名册中"
        in output
    )
    assert "检查通过：可以导入，但有" in output and "检查通过：可以导入。" not in output


def test_check_says_the_money_of_payment_lines_whose_month_was_not_read(tmp_path):
    # a blind tester's 53 lines of 2025.1 (2025.10 or January?) were each a finding and check
    # passed: nothing said their 62,280.00 元 counted in no month, every death lead short
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "救助对象.csv").write_text("记录编号,救助证号,姓名,救助类型,是否保障对象,纳入日期\n"
                                   "A1,DB01,刘华,低保,是,2023-01-05\n", encoding="utf-8")  # fmt: skip
    (drop / "发放记录.csv").write_text("记录编号,救助证号,发放月份,发放金额（元）\n"
                                   "P1,DB01,2024.1,350.50\nP2,DB01,2024.12,350\n"
                                   "P3,DB01,2024.1,350.25\n", encoding="utf-8")  # fmt: skip
    result = runner.invoke(app, ["check", str(drop), "--report", str(tmp_path / "问题.xlsx")])
    output = result.output.replace("\n", "")
    assert result.exit_code == 0, output
    assert "发放记录中有 2 行没有读出所属月份，其金额合计 700.75 元未计入任何月份的发放" in output


def test_report_writes_the_entries_and_exits_of_a_period_and_refuses_bad_dates(ran, tmp_path):
    import openpyxl

    out = copied(ran, tmp_path)
    db, sheet = out / "doudi.duckdb", tmp_path / "梳理表" / "2020-2026.xlsx"
    result = runner.invoke(app, ["report", "--from", "2020-01", "--to", "2026-12", "--db", str(db),
                                 "--out", str(sheet), "--unit", "某县民政局"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "2020-01-01至2026-12-31：新纳入 低保" in result.output
    assert "原因据数据推断，需核实" in result.output
    book = openpyxl.load_workbook(sheet)
    assert book.sheetnames == ["汇总", "新纳入名单", "退出名单", "不足及改进措施"]
    rows = list(book["新纳入名单"].iter_rows(values_only=True))
    assert rows[0][0] == "2020年1月1日至2026年12月31日新纳入和退出低保、特困人员分类梳理表"
    assert rows[1][0].startswith("填报单位：某县民政局")
    assert len(rows) > 4 and any("*" not in (row[4] or "*") for row in rows[4:])  # full IDs
    named = tmp_path / "台账-532326196508202993"  # a folder named after a person
    exported = runner.invoke(app, ["export", "--db", str(db), "--out", str(named),
                                   "--forms"])  # fmt: skip
    assert exported.exit_code == 0, exported.output
    with opened(db) as storage:  # the files a person reads: logged as the API logs them
        _, logged = storage.tokens.access_log(offset=0, limit=10)
        assert storage.tokens.verify_access_log().ok
    reads = [(e["actor"].split(":")[0], e["role"], e["action"], e["target"]) for e in logged]
    assert reads[0][:3] == ("cli", "cli", "download_ledger") and "完整身份证号" in reads[0][3]
    assert "台账-532326***********3" in reads[0][3]  # the admin reading the log sees no ID
    # logged before its files are written too (a kill -9 halfway left none, until 2026-12-07)
    assert reads[1][:3] == ("cli", "cli", "download_ledger") and "export 开始" in reads[1][3]
    assert reads[2][2] == "download_ledger" and reads[2][3].startswith("movements 2020-01-01")
    for first, last, said in (("2020-13", "2020-12", "起始日期“2020-13”无法识别"),
                              ("2020-06", "2020-01", "晚于截止日期")):  # fmt: skip
        refused = runner.invoke(app, ["report", "--from", first, "--to", last, "--db", str(db),
                                      "--out", str(tmp_path / "x.xlsx")])  # fmt: skip
        assert refused.exit_code == 2 and said in refused.output
        assert "Traceback" not in refused.output and refused.exception.__class__ is SystemExit
    assert not (tmp_path / "x.xlsx").exists()
    missing = runner.invoke(app, ["report", "--from", "2020-01", "--to", "2020-12", "--db",
                                  str(tmp_path / "none.duckdb"), "--out", str(sheet)])  # fmt: skip
    assert missing.exit_code == 2 and "没有数据库" in missing.output


@pytest.mark.slow
def test_bench_times_a_province_it_reuses(tmp_path):
    """The province written as `bench` writes it (the fewest people two counties take, 200
    each), then timed with `--reuse`: each stage is a fresh process, and a first `bench` of
    its own would only add a synth stage like the others (half a minute of the suite)."""
    synthesize_province(tmp_path / "county", counties=2, people=400, seed=7)
    args = ["bench", "--people", "400", "--counties", "2", "--workdir", str(tmp_path), "--reuse"]
    timed = runner.invoke(app, args)
    assert timed.exit_code == 0, timed.output
    assert "2 个县" in timed.output
    assert "synth" not in timed.output
    assert "ingest" in timed.output and "graph+detect+publish" in timed.output
    assert (tmp_path / "bench.duckdb").is_file()


def test_bench_refuses_what_it_cannot_do_in_chinese(tmp_path):
    province_months = runner.invoke(app, ["bench", "--counties", "2", "--months", "2"])
    assert province_months.exit_code == 2
    assert "不支持按月数据" in province_months.output
    nothing_to_reuse = runner.invoke(app, ["bench", "--reuse", "--workdir", str(tmp_path)])
    assert nothing_to_reuse.exit_code == 2
    assert "无法沿用" in nothing_to_reuse.output.replace("\n", "")


def test_bench_refuses_a_province_of_too_few_people_a_county(tmp_path):
    """`bench --people 200 --counties 2` waited for ever on its dead synth process. A fresh
    process, so that a hang fails the test at its timeout instead of stopping the suite."""
    command = [sys.executable, "-m", "api", "bench", "--people", "200", "--counties", "2",
               "--workdir", str(tmp_path)]  # fmt: skip
    refused = subprocess.run(command, capture_output=True, text=True, timeout=120,
                             cwd=Path(__file__).resolve().parents[2])  # fmt: skip
    assert refused.returncode == 2, refused.stderr
    assert "每县至少 200 人，--people 至少 400" in refused.stderr
    assert "Traceback" not in refused.stderr and not (tmp_path / "county").exists()


@pytest.mark.parametrize(
    ("option", "said"),
    [(["--county", "000000"], "000000"), (["--columns", "nosuch.csv"], "列名对照文件不存在")],
)
def test_screen_refuses_a_wrong_option_before_it_reads_the_list_or_opens_the_database(
    ran, tmp_path, monkeypatch, option, said
):
    def opened(*args, **kwargs):
        raise AssertionError("read before the options were")

    monkeypatch.setattr("api.screen_file.read_payment_list", opened)
    if "--columns" in option:
        monkeypatch.setattr("api.cli.serving.token_store", opened)
    listed = tmp_path / "发放表.csv"
    listed.write_text("救助证号,姓名,发放金额\nDB1,刘华,100\n", encoding="utf-8")
    given = [str(tmp_path / value) if "." in value else value for value in option]
    result = runner.invoke(app, ["screen", str(listed), "--out", str(tmp_path / "核对.csv"),
                                 "--db", str(copied(ran, tmp_path) / "doudi.duckdb"), *given])  # fmt: skip
    shown = result.output.replace("\n", "")
    assert result.exit_code == 2, shown
    assert said in shown and "内部错误" not in shown
    assert not (tmp_path / "核对.csv").exists()


def test_stress_refuses_too_few_people_for_the_independent_counties_before_any_county(tmp_path):
    """An independent generator's county needs 500 people: refused at once, not as an
    internal error after the variant counties before it ran."""
    out = tmp_path / "stress"
    result = runner.invoke(app, ["stress", "--out", str(out), "--people", "300", "--county",
                                 "default", "--county", "other_han"])  # fmt: skip
    shown = result.output.replace("\n", "")
    assert result.exit_code == 2, shown
    assert "独立生成器的县（other_han）至少 500 人" in shown
    assert not out.exists()
    # a county it does not know is said in Chinese (until 2026-12-07: unknown counties [...])
    result = runner.invoke(app, ["stress", "--out", str(out), "--county", "nowhere"])
    shown = result.output.replace("\n", "")
    assert result.exit_code == 2, shown
    assert "未知的县：nowhere；--county 可选：default、" in shown
    assert not out.exists()


def test_bench_api_without_wrk_is_refused_before_it_writes_a_county(tmp_path, monkeypatch):
    monkeypatch.setattr("api.loadtest.shutil.which", lambda name: None)
    result = runner.invoke(app, ["bench-api", "--people", "200", "--workdir", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert "未安装 wrk" in result.output
    assert not (tmp_path / "county").exists()


def test_evaluate_reads_the_runs_policy_before_it_links_anything(tmp_path, monkeypatch):
    def linked(*args, **kwargs):
        raise AssertionError("linked before the policy was read")

    monkeypatch.setattr("models.evaluation.linking.evaluate_linking", linked)
    (tmp_path / "policy.json").write_text("{", encoding="utf-8")
    connect(tmp_path / "doudi.duckdb").close()
    result = runner.invoke(app, ["evaluate", "--truth", str(tmp_path), "--out", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert "policy.json" in result.output and "内部错误" not in result.output


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["synth", "x", "--people", "abc"], "--people 的值无效：abc，应为整数"),
        (["run", "--engine", "foo", "--out", "x"], "应为以下之一：duckdb、spark"),
        (["rnu"], "没有命令 rnu，是不是 run？"),
        (["token", "crate"], "没有命令 crate，是不是 create？"),
        (["run", "--bogus"], "没有选项 --bogus"),
        (["run", "-x"], "没有选项 -x。"),
        (["evaluate", "-h"], "没有选项 -h。"),
        (["run", "-v"], "没有选项 -v（-v 是全局选项，应写在命令之前："),
        (["screen"], "缺少参数 PAYMENT_FILE"),
        (["run", "--out"], "选项 --out 后面需要一个值"),
        (["run", "a", "b", "--out", "x"], "多余的参数：b"),
    ],
)
def test_a_mistake_in_the_call_is_said_in_chinese_with_where_the_help_is(args, said):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    shown = result.output.replace("\n", "")
    assert shown.startswith("用法错误: ") and said in shown
    assert not re.search(r"Invalid value|No such|Missing|Got unexpected|requires", shown)


@pytest.mark.parametrize(
    "args",
    [
        ["token", "create", "--role", "auditor", "--name", "a"],
        ["serve", "--port", "18997"],
        ["export", "--out", "x"],
    ],
)
def test_another_programs_database_is_refused_in_chinese_and_gets_no_tables(tmp_path, args):
    foreign = _foreign_database(tmp_path / "sales.duckdb")
    result = runner.invoke(app, [*args, "--db", str(foreign)])
    assert result.exit_code == 2
    assert "不是兜底的数据库" in result.output and "Traceback" not in result.output
    tables = duckdb.connect(str(foreign), read_only=True).execute(
        "SELECT table_name FROM duckdb_tables()"
    )
    assert tables.fetchall() == [("sales",)]


@pytest.mark.parametrize(
    "modules",
    [("api.cli",), ("api.cli", "api.screen_file"), ("api.cli", "api.period_report")],
)
def test_the_command_line_and_the_screen_start_without_the_scoring_and_linking_libraries(
    modules,
):
    # A fresh interpreter: `doudi --help`, `doudi screen` and `doudi report` load neither
    # scikit-learn nor Splink nor Spark (a second or more of start-up before any work).
    imports = "; ".join(f"import {module}" for module in modules)
    code = (f"import sys; {imports}; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'sklearn', 'splink', 'pyspark'}))")  # fmt: skip
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=Path(__file__).resolve().parents[2])  # fmt: skip
    assert loaded.stdout.strip() == "[]"


def _commands(group: click.Group, path: str = "doudi") -> list[tuple[str, click.Command]]:
    found = [(path, group)]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += _commands(command, f"{path} {name}")
        else:
            found.append((f"{path} {name}", command))
    return found


def test_every_command_and_option_is_explained_in_chinese():
    # The clerk's help: `doudi --help` and each command's options read in Chinese
    english = []
    for path, command in _commands(typer.main.get_command(app)):
        if not re.search(r"[\u4e00-\u9fff]", command.help or ""):
            english.append(path)
        for parameter in command.params:
            if not re.search(r"[\u4e00-\u9fff]", parameter.help or ""):
                english.append(f"{path} {parameter.name}")
    assert english == []


@pytest.mark.parametrize("args", [[], ["screen"], ["token"], ["token", "create"]])
def test_the_frame_typer_writes_around_the_help_is_chinese_too(args):
    # until 2026-12-07 every --help said Usage:, Options, Show this message and exit. and
    # offered the shell's completion in English
    shown = runner.invoke(app, [*args, "--help"], terminal_width=200).output
    assert "用法：" in shown and "选项" in shown and "显示本帮助并退出。" in shown
    for english in (
        "Usage",
        "Options",
        "Arguments",
        "Commands",
        "Show this",
        "completion",
        "[required]",
        "[default",
    ):
        assert english not in shown


def test_the_export_help_says_every_file_with_full_id_and_phone_numbers():
    """The 摸排台账 hold full ID and phone numbers as 附件1–3 do; the help said only 附件1–4."""
    help_text = " ".join(typer.main.get_command(app).commands["export"].help.split())
    assert "摸排台账和附件1–3 含完整身份证号和联系电话" in help_text
    assert "汇总表、附件4 不含个人信息" in help_text


def test_export_and_the_monthly_report_refuse_a_database_without_a_published_run(tmp_path):
    """Empty ledgers would read as "no leads"; a mistyped path made a database."""
    missing = runner.invoke(app, ["export", "--db", str(tmp_path / "无此.duckdb"),
                                  "--out", str(tmp_path / "台账")])  # fmt: skip
    assert missing.exit_code == 2 and "没有数据库" in missing.output
    assert not (tmp_path / "无此.duckdb").exists()
    drop = synthesize(tmp_path / "county", people=300, seed=3).drop_dir
    db = tmp_path / "doudi.duckdb"
    assert runner.invoke(app, ["ingest", str(drop), "--db", str(db)]).exit_code == 0
    for command in (["export", "--out", str(tmp_path / "台账")],
                    ["report", "--monthly", "--out", str(tmp_path / "月报.xlsx")]):  # fmt: skip
        refused = runner.invoke(app, [*command, "--db", str(db)])
        assert refused.exit_code == 2 and "没有已发布的运行" in refused.output, refused.output
    assert not (tmp_path / "台账").exists() and not (tmp_path / "月报.xlsx").exists()


def _tiny_drop(folder: Path) -> Path:
    """A drop of one hand-made hukou file of two rows."""
    folder.mkdir()
    (folder / "户籍人口.csv").write_text("记录编号,户号,姓名\nH1,F1,刘华\nH2,F1,刘明\n",
                                      encoding="utf-8")  # fmt: skip
    return folder


def test_a_path_through_a_file_or_onto_a_folder_is_the_clerks_to_fix_not_a_defect(tmp_path):
    drop, file = _tiny_drop(tmp_path / "drop"), tmp_path / "名册.txt"
    file.write_text("x", encoding="utf-8")
    for db, said in ((file / "sub" / "d.duckdb", f"{file} 是一个文件，不是文件夹"),
                     (file / "d.duckdb", f"{file} 是一个文件，不是文件夹")):  # fmt: skip
        result = runner.invoke(app, ["ingest", str(drop), "--db", str(db)])
        output = result.output.replace("\n", "")
        assert result.exit_code == 2, output
        assert said in output and "请换一个路径" in output and "内部错误" not in output
    result = runner.invoke(app, ["check", str(drop), "--report", str(tmp_path)])
    output = result.output.replace("\n", "")
    assert result.exit_code == 2, output
    assert f"{tmp_path} 是一个文件夹，这里需要的是文件" in output


@pytest.mark.parametrize("stop", ["ctrl-c", "query"])
def test_ctrl_c_says_interrupted_not_an_internal_error_with_the_sql(tmp_path, monkeypatch, stop):
    def interrupted(columns):
        if stop == "ctrl-c":
            raise KeyboardInterrupt
        try:  # Splink wraps the query DuckDB stopped on Ctrl-C in its own error, SQL and all
            raise duckdb.InterruptException("INTERRUPT Error: Interrupted!")
        except duckdb.Error as error:
            raise RuntimeError("Error executing the following sql:\nSELECT 1") from error

    monkeypatch.setattr("api.cli.job.load_vocabulary", interrupted)
    result = runner.invoke(app, ["check", str(_tiny_drop(tmp_path / "drop"))])
    assert result.exit_code == 130
    assert "已中断" in result.output and "SELECT" not in result.output


def test_link_refuses_a_database_that_is_not_there_without_making_one(tmp_path):
    missing = tmp_path / "doudi.duckdb"
    result = runner.invoke(app, ["link", "--db", str(missing)])
    assert result.exit_code == 2, result.output
    assert "没有数据库" in result.output and "doudi ingest 或 doudi run" in result.output
    assert not missing.exists()
    connect(missing).close()  # an empty one, as link made before
    result = runner.invoke(app, ["link", "--db", str(missing)])
    assert result.exit_code == 2, result.output
    assert "数据库里没有导入的名册" in result.output


def test_a_risk_model_or_link_settings_file_that_is_missing_or_wrong_is_named_in_chinese(tmp_path):
    drop, wrong = _tiny_drop(tmp_path / "drop"), tmp_path / "wrong.json"
    wrong.write_text('{"x": 1}', encoding="utf-8")
    for model, said in ((tmp_path / "nosuch.json", "找不到风险评分模型"),
                        (wrong, f"{wrong} 不是风险评分模型：缺少 types 或 params")):  # fmt: skip
        result = runner.invoke(app, ["run", str(drop), "--out", str(tmp_path / "run"),
                                     "--risk-model", str(model)])  # fmt: skip
        output = result.output.replace("\n", "")
        assert result.exit_code == 2, output
        assert said in output and str(model) in output
    for settings, said in ((tmp_path / "nosuch.json", "找不到"),
                           (wrong, f"关联设置文件 {wrong}：没有这样的关联设置：x")):  # fmt: skip
        result = runner.invoke(app, ["link", "--db", str(tmp_path / "d.duckdb"), "--settings",
                                     str(settings)])  # fmt: skip
        output = result.output.replace("\n", "")
        assert result.exit_code == 2, output
        assert said in output and str(settings) in output


def test_a_library_warning_stays_off_the_clerks_screen_beside_the_chinese_note(tmp_path):
    # A fresh process: the command configures logging itself (pytest's handlers hold it here)
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "户籍人口.csv").write_bytes("记录编号,户号,姓名\nH1,F1,刘华\nH2,F1,".encode()
                                       + b"\xff\xfe" + "刘明\n".encode())  # fmt: skip
    checked = subprocess.run([sys.executable, "-m", "api", "check", str(drop), "--report",
                              str(tmp_path / "问题.xlsx")], capture_output=True, text=True,
                             cwd=Path(__file__).resolve().parents[2])  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    assert "含不是文字的字节" in checked.stdout
    assert checked.stderr == ""


def test_an_error_with_brackets_keeps_them_on_the_clerks_screen(tmp_path):
    """The console read a message's [true] as markup and dropped it."""
    policy = tmp_path / "政策.json"
    policy.write_text('{"inherits": "default", "severe_levels_any_type": [true]}', encoding="utf-8")
    result = runner.invoke(app, ["run", str(tmp_path / "无"), "--out", str(tmp_path / "out"),
                                 "--policy", str(policy)])  # fmt: skip
    assert result.exit_code == 2 and "[true]" in result.output, result.output


def test_every_negative_control_is_named_in_chinese():
    named = {*CONTROL_TYPES, *OTHER_COUNTY, NAMESAKE}
    assert named - set(CONTROL_LABELS) == set()


def test_an_export_stopped_by_a_folder_in_the_way_logs_what_it_wrote_and_names_the_file(
    tmp_path, ran
):
    """A folder named as a ledger stops the export partway: the ledgers written before it
    (full ID numbers) are logged all the same, and the message names the ledger, not the
    hidden file it is written through."""
    db, out = tmp_path / "doudi.duckdb", tmp_path / "台账"
    shutil.copy(ran[0] / "doudi.duckdb", db)
    (out / "汇总表.xlsx").mkdir(parents=True)
    result = runner.invoke(app, ["export", "--db", str(db), "--out", str(out), "--forms"])
    output = result.output.replace("\n", "")
    assert result.exit_code == 2, output
    assert f"{out / '汇总表.xlsx'} 是一个文件夹" in output and ".part" not in output
    ledgers = sorted(path.name for path in out.iterdir() if path.is_file())
    assert len(ledgers) == len(CASE_LABELS) and all("摸排台账" in name for name in ledgers)
    with opened(db) as storage:
        _, (entry, *_) = storage.tokens.access_log(offset=0, limit=1)
    assert (entry["role"], entry["action"]) == ("cli", "download_ledger")
    assert entry["target"].startswith(f"export {len(ledgers)}个文件（含附件1–4），完整身份证号")


def test_an_error_naming_a_long_path_is_one_line_with_the_path_whole(tmp_path):
    missing = tmp_path.joinpath(*["很长的文件夹名称"] * 12, "doudi.duckdb")
    result = runner.invoke(app, ["link", "--db", str(missing)])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and str(missing) in result.output
