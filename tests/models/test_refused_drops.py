"""A month's drop refused by ``update_pipeline`` leaves the last run the working one, and a
drop that lacks a registry the last one held is refused unless it is allowed to."""

from __future__ import annotations

import shutil
from dataclasses import replace

import openpyxl
import pytest

from models.detectors.deceased_paid import MAX_CANDIDATES
from models.pipeline import run_pipeline, update_pipeline
from models.policy import load_policy
from models.publish import RepeatedDrop, repeated_run, run_configuration, working_run
from resolver.db import connect
from resolver.errors import DoudiError, InputError
from resolver.ingest import drop_counties
from resolver.labels import ensure_labels_table, record_label
from resolver.quality import unattributed_deaths
from resolver.settings import LinkSettings
from resolver.synthetic import synthesize
from resolver.synthetic.province import synthesize_province


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    folder = tmp_path_factory.mktemp("refused")
    synthesize(folder / "county", people=1500, seed=3, months=2)
    first, second = sorted(
        p / "drop" for p in (folder / "county" / "months").iterdir() if p.is_dir()
    )
    run_pipeline(first, folder / "run", policy=load_policy(), settings=LinkSettings())
    without_deaths = folder / "without-deaths"
    shutil.copytree(second, without_deaths)
    (deaths,) = [path for path in without_deaths.iterdir() if "死亡" in path.name]
    deaths.unlink()
    return {"db": folder / "run" / "doudi.duckdb", "second": second, "without": without_deaths}


def _runs(db) -> list[tuple[str, str]]:
    with connect(db, read_only=True) as con:
        return con.execute("SELECT run_id, status FROM runs ORDER BY started_at").fetchall()


def test_a_refused_drop_leaves_the_last_run_working_and_the_next_drop_is_taken(published, tmp_path):
    db = tmp_path / "doudi.duckdb"
    shutil.copy(published["db"], db)
    with pytest.raises(InputError, match="上次运行读取了死亡人员名册，本次数据包中没有") as refused:
        update_pipeline(published["without"], db, tmp_path / "out")
    assert "--allow-missing 死亡人员" in str(refused.value)
    (first, _), (_, status) = _runs(db)
    assert status == "refused"
    with connect(db, read_only=True) as con:
        assert working_run(con) == first
    result = update_pipeline(published["second"], db, tmp_path / "out")
    assert _runs(db)[-1] == (result.run_id, "published")


def test_the_drop_the_last_run_read_given_again_publishes_no_run(published, tmp_path):
    """The same month given twice would publish a copy of the last run, and the monthly report
    (the last two runs) would show the month with nothing new, resolved or confirmed. An
    update of the same files is refused until the policy, the settings or a reviewer's label
    differ; a full run (after an upgrade, on purpose) is not."""
    db = tmp_path / "doudi.duckdb"
    shutil.copy(published["db"], db)
    month = update_pipeline(published["second"], db, tmp_path / "out")
    said = f"本次数据与上次运行（{month.run_id}）读取的文件完全相同，政策与设置未变，未生成新的运行"
    with pytest.raises(RepeatedDrop, match=said):
        update_pipeline(published["second"], db, tmp_path / "out")
    assert [status for _, status in _runs(db)] == ["published", "published", "refused"]
    with connect(db) as con:
        assert working_run(con) == month.run_id
        config = run_configuration(con, month.run_id)
        assert repeated_run(con, config) == month.run_id
        assert repeated_run(con, replace(config, settings=LinkSettings(threshold=0.9))) is None
        ensure_labels_table(con)
        record_label(con, "assistance:A", "assistance:B", same_person=False, actor="审核员",
                     role="auditor")  # fmt: skip
        assert repeated_run(con, config) is None
    retrained = update_pipeline(published["second"], db, tmp_path / "out", retrain=True)
    assert _runs(db)[-1] == (retrained.run_id, "published")  # asked to retrain: it does
    again = run_pipeline(published["second"], tmp_path / "out", policy=load_policy(),
                         settings=LinkSettings(), db_path=db)  # fmt: skip
    assert _runs(db)[-1] == (again.run_id, "published")


def test_a_registry_allowed_to_be_missing_is_taken_without_it(published, tmp_path):
    db = tmp_path / "doudi.duckdb"
    shutil.copy(published["db"], db)
    result = update_pipeline(published["without"], db, tmp_path / "out",
                             allow_missing=["deaths"])  # fmt: skip
    assert result.cases_by_type.get("deceased_paid", 0) == 0
    with connect(db) as con:
        assert unattributed_deaths(con, MAX_CANDIDATES) == []


def test_a_roster_refused_for_a_repeated_record_id_is_not_also_called_missing(published, tmp_path):
    """The refusal names the repeated 记录编号 only: the roster is in the drop, and telling
    the clerk it is missing (or to --allow-missing it) would be false."""
    db, drop = tmp_path / "doudi.duckdb", tmp_path / "drop"
    shutil.copy(published["db"], db)
    shutil.copytree(published["second"], drop)
    (roster,) = [path for path in drop.iterdir() if "救助" in path.name]
    book = openpyxl.load_workbook(roster)
    sheet = book.active
    column = next(cell.column for cell in sheet[1] if cell.value == "记录编号")
    sheet.cell(3, column).value = sheet.cell(2, column).value
    book.save(roster)
    with pytest.raises(InputError) as refused:
        update_pipeline(drop, db, tmp_path / "out")
    said = str(refused.value)
    assert "记录编号重复" in said
    assert "没有救助对象名册" not in said and "本次数据包中没有" not in said


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    folder = tmp_path_factory.mktemp("province")
    synthesize_province(folder, counties=2, people=1200, seed=5)
    run_pipeline(folder / "drop", folder / "run", policy=load_policy(), settings=LinkSettings())
    return folder


def _drop_without(province, tmp_path, *removed: str):
    drop = tmp_path / "drop"
    shutil.copytree(province / "drop", drop)
    for pattern in removed:
        for path in drop.glob(pattern):
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    return drop


def test_a_province_drop_lacking_a_county_or_a_countys_registry_is_refused(province, tmp_path):
    """Else every lead of the county (or resting on its registry) would close as gone."""
    db = tmp_path / "doudi.duckdb"
    shutil.copy(province / "run" / "doudi.duckdb", db)
    first, second = sorted(path.name for path in (province / "drop").iterdir())
    without_county = _drop_without(province, tmp_path / "a", second)
    with pytest.raises(InputError, match=f"本次数据包中没有区县 {second[:6]} 的数据"):
        update_pipeline(without_county, db, tmp_path / "out")
    without_deaths = _drop_without(province, tmp_path / "b", f"{first}/*死亡*")
    with pytest.raises(InputError, match=f"上次运行读取了区县 {first[:6]} 的死亡人员名册"):
        update_pipeline(without_deaths, db, tmp_path / "out")
    assert [status for _, status in _runs(db)] == ["published", "refused", "refused"]


def test_a_run_into_a_province_database_refuses_a_countys_registry_missing(province, tmp_path):
    """A full run may leave a whole county out, not one registry of a county it holds: on a
    three-county province a run without one county's 死亡人员 resolved 4 death leads
    (15,993 元, one across counties) as gone from the data."""
    db = tmp_path / "doudi.duckdb"
    shutil.copy(province / "run" / "doudi.duckdb", db)
    first, second = sorted(path.name for path in (province / "drop").iterdir())
    without_deaths = _drop_without(province, tmp_path / "b", f"{first}/*死亡*")
    with pytest.raises(InputError, match=f"上次运行读取了区县 {first[:6]} 的死亡人员名册"):
        run_pipeline(without_deaths, tmp_path / "out", policy=load_policy(),
                     settings=LinkSettings(), db_path=db)  # fmt: skip
    without_county = _drop_without(province, tmp_path / "a", second)
    run_pipeline(without_county, tmp_path / "out", policy=load_policy(), settings=LinkSettings(),
                 db_path=db)  # fmt: skip
    assert [status for _, status in _runs(db)] == ["published", "refused", "published"]


def test_one_countys_payments_without_its_roster_are_refused(province, tmp_path):
    first = sorted(path.name for path in (province / "drop").iterdir())[0]
    drop = _drop_without(province, tmp_path, f"{first}/救助*")
    with pytest.raises(
        InputError, match=f"区县 {first[:6]} 有发放记录，但数据包中没有该区县的救助对象名册"
    ):
        run_pipeline(drop, tmp_path / "run", policy=load_policy(), settings=LinkSettings())


def test_a_run_into_a_database_with_a_published_run_refuses_a_registry_missing(published, tmp_path):
    """`doudi run` into the same database would otherwise resolve every lead resting on the
    registry left out, confirmed ones too; a first run into a fresh database checks nothing."""
    db = tmp_path / "doudi.duckdb"
    shutil.copy(published["db"], db)
    with pytest.raises(InputError, match="--allow-missing 死亡人员"):
        run_pipeline(published["without"], tmp_path / "out", policy=load_policy(),
                     settings=LinkSettings(), db_path=db)  # fmt: skip
    assert _runs(db)[-1][1] == "refused"
    allowed = run_pipeline(published["without"], tmp_path / "out", policy=load_policy(),
                           settings=LinkSettings(), db_path=db, allow_missing=["deaths"])  # fmt: skip
    assert _runs(db)[-1] == (allowed.run_id, "published")
    fresh = run_pipeline(published["without"], tmp_path / "fresh", policy=load_policy(),
                         settings=LinkSettings())  # fmt: skip
    assert _runs(fresh.db_path) == [(fresh.run_id, "published")]


def test_a_registry_held_with_rows_now_a_header_only_file_is_refused(published, tmp_path):
    """An export that came out empty is a file left out, not "everyone left"."""
    db, drop = tmp_path / "doudi.duckdb", tmp_path / "drop"
    shutil.copy(published["db"], db)
    shutil.copytree(published["second"], drop)
    (deaths,) = [path for path in drop.iterdir() if "死亡" in path.name and path.suffix == ".csv"]
    deaths.write_bytes(deaths.read_bytes().splitlines(keepends=True)[0])
    with pytest.raises(InputError, match="没有一行可读取（只有表头") as refused:
        update_pipeline(drop, db, tmp_path / "out")
    assert "--allow-missing 死亡人员" in str(refused.value)
    result = update_pipeline(drop, db, tmp_path / "out", allow_missing=["deaths"])
    assert result.cases_by_type.get("deceased_paid", 0) == 0


def test_a_drop_refused_for_its_policys_counties_leaves_the_last_drop(province, tmp_path):
    """The policy's standards per county are checked against the drop's counties inside the
    drop's transaction: checked after it, a refused drop's tables replaced the last run's, and
    screening and the period report of that run were refused for the drop's counties."""
    db = tmp_path / "doudi.duckdb"
    shutil.copy(province / "run" / "doudi.duckdb", db)
    second = sorted(path.name for path in (province / "drop").iterdir())[1]
    without_county = _drop_without(province, tmp_path / "a", second)
    by_county = replace(load_policy(), name="本州",
                        dibao_standard_year={"某某县": 5400, "其他区县": 6000})  # fmt: skip
    with pytest.raises(DoudiError, match="政策为区县 某某县 设了低保标准，数据中没有这个区县"):
        run_pipeline(without_county, tmp_path / "out", policy=by_county, settings=LinkSettings(),
                     db_path=db)  # fmt: skip
    assert [status for _, status in _runs(db)] == ["published", "refused"]
    with connect(db, read_only=True) as con:
        assert len(drop_counties(con)) == 2
