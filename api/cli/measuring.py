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

from api.cli.base import app, console, errors_reported
from api.cli.printers import (
    print_calibration,
    print_case_scores,
    print_control_leads,
    print_link_scores,
    print_span_scores,
    print_stress,
)
from models.case_types import CASE_LABELS
from models.policy import load_policy
from resolver.db import connect
from resolver.errors import DoudiError
from resolver.settings import LinkSettings


@app.command()
def bench(
    people: Annotated[int, typer.Option(min=200)] = 20_000,
    seed: Annotated[int, typer.Option()] = 7,
    workdir: Annotated[Path | None, typer.Option(help="Keep the files here.")] = None,
    months: Annotated[
        int, typer.Option(min=1, max=24, help="Monthly drops: later months taken by update.")
    ] = 1,
    counties: Annotated[
        int, typer.Option(min=1, max=20, help="A province of this many counties.")
    ] = 1,
    reuse: Annotated[
        bool, typer.Option(help="Take the county an earlier bench wrote in --workdir.")
    ] = False,
) -> None:
    """Time every stage on a synthetic county and print wall time and peak memory."""
    from models.evaluation.bench import BenchCounty, run_bench

    with errors_reported(), tempfile.TemporaryDirectory(prefix="doudi-bench-") as scratch:
        if counties > 1 and months > 1:
            raise DoudiError("省级基准测试（--counties）不支持按月数据（--months）")
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


@app.command()
def evaluate(
    truth: Annotated[Path, typer.Option(help="The truth folder of a synthetic county.")],
    out: Annotated[Path, typer.Option(help="The run's output folder.")],
    db: Annotated[Path | None, typer.Option(help="The run's DuckDB file.")] = None,
    seed: Annotated[int, typer.Option()] = 7,
) -> None:
    """Score the run's persons against the truth, beside the exact-ID join and stock Splink."""
    from models.evaluation.cases import evaluate_cases
    from models.evaluation.linking import evaluate_linking
    from models.risk import RiskModel

    with errors_reported():
        con = connect(db or out / "doudi.duckdb")
        scores = evaluate_linking(con, truth, seed=seed)
        used_policy = out / "policy.json"
        policy = load_policy(used_policy if used_policy.is_file() else "default")
        used_risk = out / "risk_model.json"
        risk = RiskModel.load(used_risk if used_risk.is_file() else None)
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


@app.command()
def stress(
    out: Annotated[Path, typer.Option(help="Folder for the counties, runs and stress.json.")],
    people: Annotated[int, typer.Option(min=200)] = 50_000,
    seed: Annotated[int, typer.Option()] = 7,
    county: Annotated[
        list[str] | None, typer.Option(help="Only these counties (default: all of them).")
    ] = None,
) -> None:
    """Doudi beside stock Splink with the same rules, on every variant county and on the
    independent generator's counties: precision, recall and money per case type."""
    from models.evaluation.stress import COUNTIES, stress_matrix

    with errors_reported():
        unknown = sorted(set(county or ()) - set(COUNTIES))
        if unknown:
            raise DoudiError(f"unknown counties {unknown}: one of {', '.join(COUNTIES)}")
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


@app.command()
def calibrate(
    out: Annotated[Path, typer.Option(help="Where to write the fitted risk model (JSON).")],
    people: Annotated[int, typer.Option(min=200)] = 100_000,
    seed: Annotated[int, typer.Option()] = 11,
    noise: Annotated[float, typer.Option(min=0.0, help="Noise factor of the county.")] = 3.0,
    threshold: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Link threshold of the candidate cases.")
    ] = 0.3,
    min_examples: Annotated[
        int, typer.Option(min=1, help="Fewer true or false cases of a type: a constant score.")
    ] = 3,
) -> None:
    """Fit the risk model on a noisy synthetic county's labelled cases.

    The county is linked with a permissive threshold, so that the model also sees cases
    resting on weak links, true and false, and learns how much to discount them."""
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


@app.command("bench-api")
def bench_api(
    db: Annotated[
        Path | None, typer.Option(help="A run's database (default: run a county).")
    ] = None,
    people: Annotated[int, typer.Option(min=200)] = 650_000,
    seed: Annotated[int, typer.Option()] = 7,
    seconds: Annotated[int, typer.Option(min=1)] = 10,
    connections: Annotated[int, typer.Option(min=1)] = 8,
    workdir: Annotated[Path | None, typer.Option(help="Keep the county here.")] = None,
) -> None:
    """Load the review API with wrk on loopback and print requests/s and latency."""
    from api.loadtest import measure_api
    from models.pipeline import run_pipeline
    from resolver.synthetic import synthesize

    with errors_reported(), tempfile.TemporaryDirectory(prefix="doudi-bench-api-") as scratch:
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
