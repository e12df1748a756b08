"""Measuring: ``evaluate``, ``stress``, ``calibrate``, ``bench`` and ``bench-api`` (the
measurement wing's commands). Each opens the wing inside its command, so that the product's
commands start without loading it."""

from __future__ import annotations

import json
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from api.cli.base import (
    SeedOption,
    app,
    console,
    errors_reported,
    existing_db,
    refuse_small_province,
)
from api.cli.printers import (
    print_calibration,
    print_case_scores,
    print_control_leads,
    print_link_scores,
    print_span_scores,
    print_stress,
)
from api.cli.usage import ChineseCommand
from models.case_types import CASE_LABELS
from models.policy import load_policy
from resolver.db import connect
from resolver.errors import DoudiError
from resolver.settings import LinkSettings


@app.command(cls=ChineseCommand)
def bench(
    people: Annotated[int, typer.Option(min=200, help="合成县的人数。")] = 20_000,
    seed: SeedOption = 7,
    workdir: Annotated[Path | None, typer.Option(help="把文件留在这个文件夹。")] = None,
    months: Annotated[
        int, typer.Option(min=1, max=24, help="月度数据包个数：第一个月之后的用 update 并入。")
    ] = 1,
    counties: Annotated[int, typer.Option(min=1, max=20, help="合成省份的区县数。")] = 1,
    reuse: Annotated[
        bool, typer.Option(help="沿用之前的 bench 在 --workdir 写出的合成县。")
    ] = False,
) -> None:
    """在合成县上计时各个阶段，显示用时和内存峰值。"""
    from models.evaluation.bench import BenchCounty, run_bench

    with errors_reported(), tempfile.TemporaryDirectory(prefix="doudi-bench-") as scratch:
        if counties > 1 and months > 1:
            raise DoudiError("省级基准测试（--counties）不支持按月数据（--months）")
        refuse_small_province(counties, people)
        if reuse and workdir is None:
            raise DoudiError("--reuse 需要 --workdir：沿用该目录中上次生成的数据")
        county = BenchCounty(people, seed=seed, months=months, counties=counties)
        figures = run_bench(workdir or Path(scratch), county, reuse=reuse)
    where = f"{counties} 个县, " if counties > 1 else ""
    table = Table(title=f"基准测试: {where}{people:,} 人")
    for header in ("阶段", "耗时 (秒)", "峰值内存 (MiB)"):
        table.add_column(header, justify="left" if header == "阶段" else "right")
    for figure in figures:
        table.add_row(figure.stage, f"{figure.seconds:.1f}", f"{figure.peak_mib:,.0f}")
        for part, seconds in figure.parts.items():
            table.add_row(f"  {part}", f"{seconds:.1f}", "")
    whole = [figure for figure in figures if not figure.stage.startswith("update")]
    job = [figure for figure in whole if figure.stage != "synth"]  # what `doudi run` does
    for label, chosen in (("合计（不含生成数据与更新）", job), ("合计（不含更新）", whole)):
        table.add_row(label, f"{sum(f.seconds for f in chosen):.1f}",
                      f"{max(f.peak_mib for f in chosen):,.0f}")  # fmt: skip
    console.print(table)


@app.command(cls=ChineseCommand)
def evaluate(
    truth: Annotated[Path, typer.Option(help="合成县的 truth 文件夹。")],
    out: Annotated[Path, typer.Option(help="运行结果的输出文件夹。")],
    db: Annotated[Path | None, typer.Option(help="运行结果的 DuckDB 数据库文件。")] = None,
    seed: SeedOption = 7,
) -> None:
    """对照真实情况评估人员归并，并与按身份证号精确匹配和原版 Splink 比较。"""
    from models.evaluation.cases import evaluate_cases
    from models.evaluation.linking import evaluate_linking
    from models.risk import RiskModel

    with errors_reported():
        used_policy, used_risk = out / "policy.json", out / "risk_model.json"
        policy = load_policy(used_policy if used_policy.is_file() else "default")
        risk = RiskModel.load(used_risk if used_risk.is_file() else None)
        con = connect(existing_db(db or out / "doudi.duckdb", "doudi run"))
        scores = evaluate_linking(con, truth, seed=seed)
        cases = evaluate_cases(con, truth, policy, risk)
    report = {
        "linking": {method: score.as_dict() for method, score in scores.items()},
        **cases.as_dict(),
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / "evaluation.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    print_link_scores(scores)
    print_case_scores(cases.scores)
    print_span_scores(cases.spans)
    print_control_leads(cases)
    print_calibration(cases.calibration)


@app.command(cls=ChineseCommand)
def stress(
    out: Annotated[Path, typer.Option(help="写出各测试县、运行结果和 stress.json 的文件夹。")],
    people: Annotated[int, typer.Option(min=200, help="合成县的人数。")] = 50_000,
    seed: SeedOption = 7,
    county: Annotated[list[str] | None, typer.Option(help="只测这些县（默认全部）。")] = None,
) -> None:
    """压力测试：在各变体县和独立生成器的县上，按疑点类型比较兜底与原版 Splink（同样规则）的
    精确率、召回率和金额。"""
    from models.evaluation.stress import COUNTIES, OTHER_COUNTIES, stress_matrix
    from resolver.synthetic.other_county import MIN_PEOPLE

    with errors_reported():
        unknown = sorted(set(county or ()) - set(COUNTIES))
        if unknown:
            raise DoudiError(
                f"未知的县：{'、'.join(unknown)}；--county 可选：{'、'.join(COUNTIES)}"
            )
        independent = [name for name in county or COUNTIES if name in OTHER_COUNTIES]
        if independent and people < MIN_PEOPLE:  # refused now, not after the counties before
            raise DoudiError(f"人数太少：独立生成器的县（{'、'.join(independent)}）至少 "
                             f"{MIN_PEOPLE} 人，--people 至少 {MIN_PEOPLE}，或用 --county 只测其他县")  # fmt: skip
        results = stress_matrix(
            out, people=people, seed=seed, counties=county or COUNTIES,
            on_county=lambda result: console.print(
                f"{result.county}: {result.seconds:.0f} 秒", highlight=False),
        )  # fmt: skip
    (out / "stress.json").write_text(
        json.dumps([result.as_dict() for result in results], ensure_ascii=False, indent=2),
        encoding="utf-8",
    )
    print_stress(results)


@app.command(cls=ChineseCommand)
def calibrate(
    out: Annotated[Path, typer.Option(help="写出拟合的风险评分模型（JSON）的位置。")],
    people: Annotated[int, typer.Option(min=200, help="合成县的人数。")] = 100_000,
    seed: SeedOption = 11,
    noise: Annotated[float, typer.Option(min=0.0, help="合成县数据错误比例的倍数。")] = 3.0,
    threshold: Annotated[float, typer.Option(min=0.0, max=1.0, help="候选疑点的关联阈值。")] = 0.3,
    min_examples: Annotated[
        int, typer.Option(min=1, help="某类疑点的真或假样本少于此数时，该类给固定评分。")
    ] = 3,
) -> None:
    """在加了噪声的合成县的已知疑点上拟合风险评分模型。

    合成县用较宽的关联阈值运行，使模型也见到建立在弱关联上的真、假疑点，学会对其打折。"""
    from models.evaluation.cases import fit_risk_model
    from models.pipeline import run_pipeline
    from models.risk import RiskModel
    from resolver.synthetic import CALIBRATION, synthesize

    with errors_reported(), tempfile.TemporaryDirectory(prefix="doudi-calibrate-") as scratch:
        county = synthesize(Path(scratch) / "county", people=people, seed=seed, noise=noise,
                            assumptions=CALIBRATION)  # fmt: skip
        policy = load_policy()
        uninformed = RiskModel().fit([], [])
        settings = replace(LinkSettings(seed=seed), threshold=threshold,
                           possible_threshold=min(threshold, LinkSettings.possible_threshold))  # fmt: skip
        result = run_pipeline(county.drop_dir, Path(scratch) / "out", policy=policy,
                              settings=settings, risk=uninformed)  # fmt: skip
        con = connect(result.db_path)
        model, calibration = fit_risk_model(
            con, county.truth_dir, policy, RiskModel(min_examples=min_examples)
        )
        model.save(out)
    table = Table(title="各类疑点的训练样本")
    for header in ("类型", "样本", "属实"):
        table.add_column(header, justify="left" if header == "类型" else "right")
    for case_type, fitted in model.types_.items():
        table.add_row(CASE_LABELS[case_type], f"{fitted['examples']:,}", f"{fitted['true']:,}")
    console.print(table)
    print_calibration(calibration)
    console.print(f"已写出 {out}")


@app.command("bench-api", cls=ChineseCommand)
def bench_api(
    db: Annotated[
        Path | None, typer.Option(help="运行结果的数据库（默认先运行一个合成县）。")
    ] = None,
    people: Annotated[int, typer.Option(min=200, help="合成县的人数。")] = 650_000,
    seed: SeedOption = 7,
    seconds: Annotated[int, typer.Option(min=1, help="压测秒数。")] = 10,
    connections: Annotated[int, typer.Option(min=1, help="并发连接数。")] = 8,
    workdir: Annotated[Path | None, typer.Option(help="把合成县留在这个文件夹。")] = None,
) -> None:
    """用 wrk 在本机压测审核接口，显示每秒请求数和延迟。"""
    from api.loadtest import measure_api, require_wrk
    from models.pipeline import run_pipeline
    from resolver.synthetic import synthesize

    with errors_reported(), tempfile.TemporaryDirectory(prefix="doudi-bench-api-") as scratch:
        require_wrk()  # before the county is written and run (650,000 people by default)
        if db is None:
            out = workdir or Path(scratch)
            drop = synthesize(out / "county", people=people, seed=seed).drop_dir
            db = run_pipeline(drop, out, policy=load_policy(),
                              settings=LinkSettings(seed=seed)).db_path  # fmt: skip
        figures = measure_api(db, seconds=seconds, connections=connections)
    table = Table(title=f"审核接口压测（单进程，{connections} 个并发连接，各 {seconds} 秒）")
    for header in ("场景", "请求/秒", "p50 (毫秒)", "p99 (毫秒)", "非 2xx"):
        table.add_column(header, justify="left" if header == "场景" else "right")
    for figure in figures:
        table.add_row(figure.scenario, f"{figure.requests_per_second:,.0f}",
                      f"{figure.p50_ms:.1f}", f"{figure.p99_ms:.1f}", str(figure.errors))  # fmt: skip
    console.print(table)
