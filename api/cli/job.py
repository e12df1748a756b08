"""The job: ``synth``, ``check``, ``ingest``, ``link`` and ``run``."""

from __future__ import annotations

from contextlib import AbstractContextManager, closing, nullcontext
from dataclasses import asdict, replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from api.cli.base import (
    REPORT_NAME,
    AllowMissingOption,
    ColumnsOption,
    DbOption,
    SeedOption,
    app,
    console,
    errors_reported,
    existing_db,
    progress,
    refuse_small_province,
)
from api.cli.printers import (
    print_case_counts,
    print_checked,
    print_drop,
    print_policy,
    print_small_drop,
    stage_seconds,
    unjudged_kept,
)
from api.cli.serving import log_cli_job
from api.cli.usage import ChineseCommand
from models.data_gaps import unjudged
from models.policy import load_policy
from models.publish import last_published_run, run_configuration
from resolver.db import connect
from resolver.errors import DoudiError, raise_collected
from resolver.headers import load_vocabulary
from resolver.ingest import check_drop, ingest_drop, refuse_non_folder
from resolver.outputs import write_entities
from resolver.private import writable_folder
from resolver.registries import REGISTRIES, registry_named
from resolver.settings import LinkSettings


@app.command(cls=ChineseCommand)
def synth(
    out_dir: Annotated[
        Path, typer.Argument(help="写出 drop/（数据包）和 truth/（真实情况）的文件夹。")
    ],
    people: Annotated[int, typer.Option(min=200, help="人数（各区县合计）。")] = 20_000,
    seed: SeedOption = 7,
    noise: Annotated[float, typer.Option(min=0.0, help="各类数据错误比例的倍数。")] = 1.0,
    months: Annotated[
        int,
        typer.Option(
            min=1,
            max=24,
            help="月度数据包个数，截至基准月，写在 months/YYYY-MM/ 下（1：只写 drop/）。",
        ),
    ] = 1,
    counties: Annotated[
        int,
        typer.Option(
            min=1,
            max=20,
            help="合成省份的区县数，各县写在 drop/<区划代码><县名>/ 下（1：一个县）。",
        ),
    ] = 1,
) -> None:
    """写出一个合成县（或省）：数据包及其真实情况（用于测量，人员均为虚构）。"""
    from resolver.synthetic import synthesize  # the wing, loaded only when it is used

    if counties > 1:
        _synth_province(out_dir, counties, people, seed, noise, months)
        return
    with errors_reported():
        summary = synthesize(out_dir, people=people, seed=seed, noise=noise, months=months)
    console.print(f"数据包：{summary.drop_dir}   真实情况：{summary.truth_dir}")
    for registry, rows in summary.rows.items():
        console.print(f"  {REGISTRIES[registry].chinese}：{rows:,} 行")
    for month in summary.months:
        folder = out_dir / "months" / month["month"]
        if month["new_death_notices"] is None:
            console.print(f"{month['month']}: 基准月份, 死亡通报 {month['rows']['deaths']:,} 条, "
                          f"救助对象 {month['rows']['assistance']:,} 行, 身份证号待更正 "
                          f"{month['ids_mistyped']} 条   ({folder})")  # fmt: skip
            continue
        console.print(f"{month['month']}: 新增死亡通报 {month['new_death_notices']} 条 (其中迟报 "
                      f"{month['late_death_notices']} 条), 新纳入 {month['new_enrollments']} 行, "
                      f"退出 {month['exits']} 行, 更正身份证号 {month['ids_corrected']} 条   "
                      f"({folder})")  # fmt: skip


def _synth_province(out_dir: Path, counties: int, people: int, seed: int, noise: float,
                    months: int) -> None:  # fmt: skip
    """``synth --counties K``: a synthetic province, each county's rows and what spans two."""
    from resolver.synthetic import synthesize_province

    with errors_reported():
        if months > 1:
            raise DoudiError("--months 只能用于单个县：多县 (--counties 大于 1) 不生成月度数据包")
        refuse_small_province(counties, people)
        summary = synthesize_province(out_dir, counties=counties, people=people, seed=seed,
                                      noise=noise)  # fmt: skip
    console.print(f"数据包：{summary.drop_dir}   真实情况：{summary.truth_dir}")
    for county in summary.counties:
        rows = ", ".join(f"{REGISTRIES[registry].chinese} {count:,}"
                         for registry, count in county.rows.items())  # fmt: skip
        console.print(f"  {county.code}{county.name}: {county.people:,} 人; {rows} 行")
    cross = summary.cross_county
    console.print(f"跨县注入: 两县重复享受 {cross['duplicate_enrollment']} 例, 异地死亡登记 "
                  f"{cross['deceased_paid']} 例, 跨县同名对照 {cross['cross_county_namesake']} 例")  # fmt: skip


@app.command(cls=ChineseCommand)
def check(
    data_dir: Annotated[Path, typer.Argument(help="数据包文件夹。")],
    columns: ColumnsOption = None,
    report: Annotated[Path, typer.Option(help="要写出的问题清单（XLSX）。")] = Path(REPORT_NAME),
) -> None:
    """试读：显示数据包的每个文件、工作表和行将如何读取，不导入任何数据。"""
    with errors_reported():
        with progress() as on_progress:
            con, errors = check_drop(data_dir, vocabulary=load_vocabulary(columns),
                                     on_progress=on_progress)  # fmt: skip
        print_drop(con, report)
        raise_collected(errors)
        print_checked(unjudged(con, load_policy()))


@app.command(cls=ChineseCommand)
def ingest(
    data_dir: Annotated[Path, typer.Argument(help="数据包文件夹。")],
    db: DbOption = Path("doudi.duckdb"),
    columns: ColumnsOption = None,
    allow_missing: AllowMissingOption = None,
) -> None:
    """把数据包导入 DuckDB 数据库，显示读取情况和数据质量报告。"""
    from models.publish import held_before

    with errors_reported():
        vocabulary = load_vocabulary(columns)  # the options before the database is opened
        missing = [registry_named(name) for name in allow_missing or []]
        refuse_non_folder(data_dir)
        con = connect(db)
        with progress() as on_progress:
            ingest_drop(con, data_dir, vocabulary=vocabulary, on_progress=on_progress,
                        expected=held_before(con, missing))  # fmt: skip
        print_drop(con, db.parent / REPORT_NAME)
        con.close()
        log_cli_job(db, "ingest_drop", f"{data_dir} → {db}")


@app.command(cls=ChineseCommand)
def link(
    db: DbOption = Path("doudi.duckdb"),
    threshold: Annotated[
        float | None, typer.Option(help="两条记录归并为同一人所需的匹配概率。")
    ] = None,
    settings_file: Annotated[
        Path | None, typer.Option("--settings", help="关联设置（JSON 文件）。")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="写出 entities.csv 和关联模型的文件夹。")] = None,
) -> None:
    """把已导入的记录归并为人员，写出 entities.csv；未给 --settings 时沿用最近一次发布运行的关联设置。"""
    from resolver.comparisons import CANDIDATE_RULES, candidate_rule
    from resolver.link import link_persons

    with errors_reported():
        base = _published_settings(db) if settings_file is None else LinkSettings()
        settings = _link_settings(settings_file, threshold, base)
        con = connect(existing_db(db))
        report = link_persons(con, settings, count_comparisons=True)
        out_dir = out or db.parent
        write_entities(con, out_dir, settings)
    blocking = Table(title="分块规则与比对次数")
    blocking.add_column("分块规则")
    blocking.add_column("新增比对", justify="right")
    counts: dict[str, int] = {}
    for rule, count in report.blocking_counts:
        counts[candidate_rule(rule)] = counts.get(candidate_rule(rule), 0) + count
    for rule, count in counts.items():
        starred = rule in CANDIDATE_RULES
        blocking.add_row(f"{rule} *" if starred else rule, f"{count:,}")
    blocking.caption = "* 且至少一方身份证号缺失、有误或损坏（两个不同的有效证号必为两人）"
    console.print(blocking)
    console.print(
        f"{report.rows:,} 行记录归并为 {report.persons:,} 人；采纳链接 {report.accepted_links:,} 条，"
        f"待人工复核的可能匹配 {report.possible_matches:,} 对。"
    )
    print_small_drop(report.persons)
    console.print(f"已写出 {out_dir / 'entities.csv'}")


def _published_settings(db: Path) -> LinkSettings:
    """The link settings of the run published last into the database ``db`` (said on the
    console), else the defaults: relinking a run's database changes only what the options
    say, not its tuned settings and training seed."""
    run_id, settings = _last_settings(db)
    if run_id is None:
        return LinkSettings()
    console.print(f"沿用最近一次发布运行 {run_id} 的关联设置（--settings 可另行指定）")
    return settings


def _last_settings(db: Path) -> tuple[str | None, LinkSettings]:
    """The run published last into the database ``db`` and its link settings; None and the
    defaults without one."""
    if not db.is_file():
        return None, LinkSettings()
    with closing(connect(db, read_only=True)) as con:
        run_id = last_published_run(con)
        return run_id, run_configuration(con, run_id).settings if run_id else LinkSettings()


def _say_settings_changed(db: Path, settings: LinkSettings, from_file: bool = False) -> None:
    """Say which link settings differ from those of the run published last into ``db``: a
    run without ``--settings`` takes the defaults, and a clerk's tuned settings would go
    without a word (a blind tester's duplicate threshold 0.99 went back to 0.9 so). How to
    keep the last run's is said only to a run without ``--settings`` (``from_file`` False):
    a file given is the clerk's choice."""
    run_id, before = _last_settings(db)
    changed = [f"{name} {getattr(before, name)} → {value}" for name, value in asdict(settings).items()
               if run_id and getattr(before, name) != value]  # fmt: skip
    hint = ("" if from_file else "（未给 --settings 时用默认值；要沿用上次的设置，请加 --settings "
            "上次输出文件夹中的 link_settings.json）")  # fmt: skip
    if changed:
        console.print(f"本次关联设置与上次发布运行 {run_id} 不同：{'；'.join(changed)}{hint}",
                      highlight=False)  # fmt: skip


def _link_settings(settings_file: Path | None, threshold: float | None,
                   default: LinkSettings) -> LinkSettings:  # fmt: skip
    """The link settings of ``--settings`` (else ``default``), with ``--threshold`` when given,
    checked by the settings' own rules (above 0, at most 1, not below their
    possible_threshold); a threshold they refuse is refused naming the option."""
    settings = LinkSettings.load(settings_file) if settings_file else default
    if threshold is None:
        return settings
    try:
        return replace(settings, threshold=threshold)
    except DoudiError as error:
        raise DoudiError(f"--threshold {threshold} 不可用：{error}") from error


class Engine(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


def _engine(engine: Engine, out: Path, master: str | None) -> AbstractContextManager:
    """No engine for DuckDB; a Spark session (work folder ``OUT/spark``) for Spark."""
    if engine is Engine.duckdb:
        return nullcontext()
    from resolver.spark_backend import spark_engine

    return spark_engine(out / "spark", master)


@app.command(cls=ChineseCommand)
def run(
    data_dir: Annotated[
        Path | None, typer.Argument(help="数据包文件夹；不填则先生成一个合成县。")
    ] = None,
    out: Annotated[Path, typer.Option(help="输出文件夹。")] = Path("doudi-run"),
    db: Annotated[
        Path | None, typer.Option(help="DuckDB 数据库文件（默认 OUT/doudi.duckdb）。")
    ] = None,
    policy: Annotated[str, typer.Option(help="政策配置：名称或 JSON 文件。")] = "default",
    threshold: Annotated[
        float | None,
        typer.Option(
            help=f"两条记录归并为同一人所需的匹配概率（默认 {LinkSettings.threshold}；"
            f"不低于可能匹配阈值 possible_threshold，默认 {LinkSettings.possible_threshold}）。",
        ),
    ] = None,
    settings_file: Annotated[
        Path | None,
        typer.Option(
            "--settings",
            help="人员关联设置（JSON，如上次运行写出的 link_settings.json 改后）；不填用默认值。",
        ),
    ] = None,
    risk_model: Annotated[
        Path | None, typer.Option(help="风险评分模型（JSON；默认用内置的）。")
    ] = None,
    people: Annotated[int, typer.Option(min=200, help="合成县的人数。")] = 20_000,
    seed: SeedOption = 7,
    columns: ColumnsOption = None,
    engine: Annotated[
        Engine, typer.Option(help="比对、归并和识别疑点所用的引擎：DuckDB 或 Spark。")
    ] = Engine.duckdb,
    spark_master: Annotated[
        str | None,
        typer.Option(
            help="本机 Spark 的 master（默认 local[<核数>]；用 spark-submit 提交时沿用提交的会话）。"
        ),
    ] = None,
    allow_missing: AllowMissingOption = None,
) -> None:
    """主流程：导入、人员关联、识别疑点并评分；写出 entities.csv 和 cases.jsonl。"""
    from models.pipeline import run_pipeline  # scikit-learn: loaded by the commands that score
    from models.risk import RiskModel

    db_path = db or out / "doudi.duckdb"
    with errors_reported(db_path):
        # every option is read before any work: a mistake in one costs no synthesis, no Spark
        settings = _link_settings(settings_file, threshold, LinkSettings(seed=seed))
        used, risk = load_policy(policy), RiskModel.load(risk_model)
        vocabulary = load_vocabulary(columns)
        missing = [registry_named(name) for name in allow_missing or []]
        if data_dir is not None:
            refuse_non_folder(data_dir)
        connect(db_path).close()  # in use, another program's or a path it cannot be: refused
        writable_folder(out)  # before any work: the outputs are written after all of it
        _say_settings_changed(db_path, settings, from_file=settings_file is not None)
        with _engine(engine, out, spark_master) as spark:
            if data_dir is None:  # the measurement wing's county, written first
                from resolver.synthetic import synthesize

                data_dir = synthesize(out / "county", people=people, seed=seed).drop_dir
                console.print(f"合成县（{people:,} 人）已写入 {data_dir.parent}")
            result = run_pipeline(
                data_dir, out, policy=used, settings=settings, db_path=db_path, risk=risk,
                vocabulary=vocabulary, spark=spark, allow_missing=missing,
            )  # fmt: skip
        target = f"{data_dir} {result.link.rows}行 → {result.out_dir}"
        log_cli_job(result.db_path, "run_drop", target, run_id=result.run_id)  # sealed first
        print_drop(connect(result.db_path), result.out_dir / REPORT_NAME, gaps=result.gaps)
    print_policy(used, connect(result.db_path), policy)
    print_case_counts(
        connect(result.db_path), result.run_id, result.cases_by_type, "疑点线索", result.gaps
    )
    changed = result.case_changes
    if changed:  # a first run has nothing to compare with
        console.print(
            f"与上次运行相比：新增疑点 {changed['new']:,} 条，消除 {changed['resolved']:,} 条"
            f"（数据变化或口径调整），仍在 {changed['open']:,} 条{unjudged_kept(changed)}。",
            highlight=False,
        )
    console.print(
        f"{result.link.rows:,} 行记录按匹配阈值 {settings.threshold} 归并为 "
        f"{result.link.persons:,} 人；" + stage_seconds(result.seconds)
    )
    print_small_drop(result.link.persons)
    console.print(f"已写出 {result.out_dir / 'entities.csv'} 和 {result.out_dir / 'cases.jsonl'}")
