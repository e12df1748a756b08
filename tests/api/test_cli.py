from typer.testing import CliRunner

from api.cli import app

runner = CliRunner()


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


def test_a_broken_drop_exits_with_an_error_naming_the_file(tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "户籍人口.csv").write_text("记录编号,姓名\nH1,刘华\n", encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(drop), "--db", str(tmp_path / "d.duckdb")])
    assert result.exit_code == 2
    assert "户籍人口.csv" in result.output
    assert "户号/hukou_no" in result.output
