"""The ``doudi`` command."""

from __future__ import annotations

import json
import logging
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from models.cases import CASE_LABELS
from models.evaluation.bench import run_bench
from models.evaluation.cases import (
    CalibrationBin,
    CaseEvaluation,
    CaseScores,
    ControlLeads,
    evaluate_cases,
    fit_risk_model,
)
from models.evaluation.linking import LinkScores, evaluate_linking
from models.pipeline import run_pipeline, write_entities
from models.policy import RULE_LABELS, Policy, load_policy
from models.risk import RiskModel
from resolver.comparisons import CANDIDATE_RULES, candidate_rule
from resolver.db import connect
from resolver.errors import DoudiError, raise_collected
from resolver.headers import header_key, load_vocabulary
from resolver.ingest import check_drop, ingest_drop
from resolver.layout import SKIP_REASONS
from resolver.link import link_persons
from resolver.quality import (
    findings_by_problem,
    problem_label,
    quality_summary,
    skipped_whole,
    source_summaries,
    write_findings_workbook,
)
from resolver.registries import REGISTRIES, column_header
from resolver.settings import LinkSettings
from resolver.synthetic import CALIBRATION, synthesize

# The review server's modules (FastAPI, uvicorn, the ledgers' openpyxl) are imported by the
# commands that serve or read published runs, so that `doudi run` starts without them.

app = typer.Typer(help="Doudi (兜底): link assistance rosters with other registries.")
# A report piped to a file or a CI log keeps its columns instead of wrapping at 80.
console = Console(width=None if sys.stdout.isatty() else 140)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 140)

DbOption = Annotated[Path, typer.Option("--db", help="DuckDB file of the run.")]


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING)
    # Splink's notes on untrained levels are for --verbose; its errors always show.
    logging.getLogger("splink").setLevel(logging.INFO if verbose else logging.ERROR)


@contextmanager
def _errors_reported() -> Iterator[None]:
    try:
        yield
    except DoudiError as error:
        err_console.print(f"[bold red]错误[/]: {error}", markup=True, highlight=False)
        raise typer.Exit(2) from error
    except (typer.Exit, KeyboardInterrupt):
        raise
    except Exception as error:  # a defect of Doudi's, never a clerk's: no traceback for them
        if logging.getLogger().isEnabledFor(logging.INFO):  # --verbose: where it happened
            logging.getLogger("doudi").exception("internal error")
        err_console.print(f"[bold red]内部错误[/]: {type(error).__name__}: {error}。这不是数据的问题；"
                          "请带上这条信息和所用的命令联系维护人员（加 --verbose 可看到详细位置）。",
                          markup=True, highlight=False)  # fmt: skip
        raise typer.Exit(3) from error


@app.command()
def synth(
    out_dir: Annotated[Path, typer.Argument(help="Folder for drop/ and truth/.")],
    people: Annotated[int, typer.Option(min=200)] = 20_000,
    seed: Annotated[int, typer.Option()] = 7,
    noise: Annotated[float, typer.Option(min=0.0, help="Multiplier of every noise rate.")] = 1.0,
) -> None:
    """Write a synthetic county: a data drop and its ground truth."""
    with _errors_reported():
        summary = synthesize(out_dir, people=people, seed=seed, noise=noise)
    console.print(f"数据包: {summary.drop_dir}   真值: {summary.truth_dir}")
    for registry, rows in summary.rows.items():
        console.print(f"  {REGISTRIES[registry].chinese} ({registry}): {rows:,} 行")


ColumnsOption = Annotated[
    Path | None,
    typer.Option("--columns", help="The county's own header table: CSV of 表头,字段[,名册]."),
]
REPORT_NAME = "数据问题清单.xlsx"


@app.command()
def check(
    data_dir: Annotated[Path, typer.Argument(help="The data drop folder.")],
    columns: ColumnsOption = None,
    report: Annotated[Path, typer.Option(help="The findings workbook to write.")] = Path(
        REPORT_NAME
    ),
) -> None:
    """A dry run: how every file, sheet and row of a drop would be read; ingests nothing."""
    with _errors_reported():
        with _progress() as on_progress:
            con, errors = check_drop(data_dir, vocabulary=load_vocabulary(columns),
                                     on_progress=on_progress)  # fmt: skip
        print_drop(con, report)
        raise_collected(errors)
    console.print("检查通过：可以导入。")


@app.command()
def ingest(
    data_dir: Annotated[Path, typer.Argument(help="The data drop folder.")],
    db: DbOption = Path("doudi.duckdb"),
    columns: ColumnsOption = None,
) -> None:
    """Read a data drop into DuckDB and print how it was read and its data-quality report."""
    with _errors_reported():
        con = connect(db)
        with _progress() as on_progress:
            ingest_drop(con, data_dir, vocabulary=load_vocabulary(columns), on_progress=on_progress)
        print_drop(con, db.parent / REPORT_NAME)


@contextmanager
def _progress() -> Iterator:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        tasks: dict[str, int] = {}

        def on_progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total)
            progress.update(tasks[stage], completed=done)

        yield on_progress


def print_drop(con: duckdb.DuckDBPyConnection, report: Path) -> None:
    """How the drop was read, its data-quality report, and the findings workbook."""
    print_sources(con)
    print_quality(con)
    count = write_findings_workbook(con, report)
    console.print(f"问题清单（{count:,} 条，含未读取的行）已写入 {report}")


def print_sources(con: duckdb.DuckDBPyConnection) -> None:
    """Per table read: registry, file, sheet, header rows, rows read and skipped, headers no
    column took; then how each header was mapped, notes, and the files and sheets skipped."""
    table = Table(title="读取情况（每个文件的每个工作表）")
    for header in ("名册", "文件", "工作表", "表头行", "读取行数", "跳过的行", "未识别的列"):
        table.add_column(header, justify="right" if header == "读取行数" else "left")
    summaries = source_summaries(con)
    for item in summaries:
        skipped = "，".join(f"{SKIP_REASONS[reason]} {n}" for reason, n in item.skipped.items())
        table.add_row(REGISTRIES[item.registry].chinese, item.file, item.sheet or "-",
                      "、".join(map(str, item.header_rows)), f"{item.rows:,}", skipped or "-",
                      "、".join(item.unmapped) or "-")  # fmt: skip
    console.print(table)
    for item in summaries:
        where = item.file + (f"「{item.sheet}」" if item.sheet else "")
        chinese = REGISTRIES[item.registry]
        renamed = [f"{header.strip()}→{chinese.column(name).header}" for header, name in item.mapping
                   if header_key(header) not in (header_key(name), header_key(chinese.column(name).header))]  # fmt: skip
        if renamed:
            console.print(f"{where} 按对照表读取的列：{'，'.join(renamed)}", highlight=False)
        for note in item.notes:
            console.print(f"{where} [yellow]注意[/]：{note}", highlight=False)
    if any(item.unmapped for item in summaries):
        console.print("[yellow]注意[/]：“未识别的列”作为附加列保留，不参与比对；如其实是标准列的另一种"
                      "写法，请用 --columns 对照文件（CSV：表头,字段,名册）指定。", highlight=False)  # fmt: skip
    whole = skipped_whole(con)
    if whole:
        skipped = Table(title="未读取的文件和工作表")
        for header in ("文件", "工作表", "原因"):
            skipped.add_column(header)
        for file, sheet, reason in whole:
            skipped.add_row(file, sheet or "-", reason)
        console.print(skipped)


QUALITY_HEADERS = ("名册", "文件", "行数", "有效", "15位升级", "疑似错误", "表格损坏", "空白",
                   "日期无法识别", "其他问题")  # fmt: skip
ID_STATUSES = ("valid", "upgraded", "invalid", "damaged", "blank")


def print_quality(con: duckdb.DuckDBPyConnection) -> None:
    """The data-quality tables: per registry, then per kind of finding."""
    table = Table(title="数据质量报告 (身份证号: 有效 / 15位升级 / 疑似录入错误 / 表格损坏 / 空白)")
    for header in QUALITY_HEADERS:
        table.add_column(header, justify="left" if header in ("名册", "文件") else "right")
    for row in quality_summary(con):
        ids = row.ids
        table.add_row(
            REGISTRIES[row.registry].chinese,
            row.file_name,
            f"{row.rows:,}",
            *(f"{ids.get(status, 0):,}" for status in ID_STATUSES),
            f"{row.dates_unparsed:,}",
            f"{row.other_problems:,}",
        )
    console.print(table)
    details = Table(title="问题明细")
    for header in ("名册", "字段", "问题", "条数"):
        details.add_column(header, justify="right" if header == "条数" else "left")
    for registry, column, problem, count in findings_by_problem(con):
        details.add_row(
            REGISTRIES[registry].chinese,
            column_header(registry, column),
            problem_label(problem),
            f"{count:,}",
        )
    console.print(details)


@app.command()
def bench(
    people: Annotated[int, typer.Option(min=200)] = 20_000,
    seed: Annotated[int, typer.Option()] = 7,
    workdir: Annotated[Path | None, typer.Option(help="Keep the files here.")] = None,
) -> None:
    """Time every stage on a synthetic county and print wall time and peak memory."""
    with tempfile.TemporaryDirectory(prefix="doudi-bench-") as scratch:
        figures = run_bench(workdir or Path(scratch), people=people, seed=seed)
    table = Table(title=f"基准测试: {people:,} 人")
    for header in ("阶段", "耗时 (秒)", "峰值内存 (MiB)"):
        table.add_column(header, justify="left" if header == "阶段" else "right")
    for figure in figures:
        table.add_row(figure.stage, f"{figure.seconds:.1f}", f"{figure.peak_mib:,.0f}")
        for part, seconds in figure.parts.items():
            table.add_row(f"  {part}", f"{seconds:.1f}", "")
    job = [figure for figure in figures if figure.stage != "synth"]  # what `doudi run` does
    for label, chosen in (("合计（不含生成数据）", job), ("合计", figures)):
        table.add_row(label, f"{sum(f.seconds for f in chosen):.1f}",
                      f"{max(f.peak_mib for f in chosen):,.0f}")  # fmt: skip
    console.print(table)


@app.command()
def link(
    db: DbOption = Path("doudi.duckdb"),
    threshold: Annotated[
        float | None, typer.Option(min=0.0, max=1.0, help="Match probability to merge rows.")
    ] = None,
    settings_file: Annotated[
        Path | None, typer.Option("--settings", help="Link settings JSON.")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Folder for entities.csv and the model.")] = None,
) -> None:
    """Resolve the ingested rows into persons and write entities.csv."""
    with _errors_reported():
        settings = LinkSettings.load(settings_file) if settings_file else LinkSettings()
        if threshold is not None:
            settings = replace(settings, threshold=threshold)
        con = connect(db)
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
    console.print(f"已写出 {out_dir / 'entities.csv'}")


@app.command()
def evaluate(
    truth: Annotated[Path, typer.Option(help="The truth folder of a synthetic county.")],
    out: Annotated[Path, typer.Option(help="The run's output folder.")],
    db: Annotated[Path | None, typer.Option(help="The run's DuckDB file.")] = None,
    seed: Annotated[int, typer.Option()] = 7,
) -> None:
    """Score the run's persons against the truth, beside the exact-ID join and stock Splink."""
    with _errors_reported():
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

    with _errors_reported():
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


STRESS_TYPES = ("deceased_paid", "duplicate_enrollment", "split_household", "suspected_split",
                "missed_disability")  # fmt: skip


def print_stress(results) -> None:
    """One table: per county and case type, precision, recall and reported over true money
    of the cases found, Doudi beside stock Splink; then the leads on controls."""
    table = Table(title="压力测试：各县、各类疑点（兜底 / Splink 默认模型 + 同样规则）")
    for header in ("县", "类型", "真实", "兜底 精确率", "召回率", "金额", "Splink 精确率",
                   "召回率", "金额"):  # fmt: skip
        table.add_column(header, justify="left" if header in ("县", "类型") else "right")
    for result in results:
        for case_type in STRESS_TYPES:
            doudi, stock = (result.cases.scores[method][case_type]
                            for method in ("doudi", "stock_splink"))  # fmt: skip
            if not (doudi.true or doudi.found or stock.found):
                continue
            table.add_row(result.county, CASE_LABELS[case_type], f"{doudi.true:,}",
                          *(_stress_figures(doudi)), *(_stress_figures(stock)))  # fmt: skip
    console.print(table)
    leads = Table(title="对照组（不应成为疑点）被列为疑点：兜底 / Splink 默认模型 / 对照数"
                        "（括号内：兜底列为疑似人为分户）")  # fmt: skip
    leads.add_column("县")
    kinds = sorted({kind for result in results for kind in result.cases.control_leads["doudi"]})
    for kind in kinds:
        leads.add_column(CONTROL_LABELS.get(kind, kind), justify="right")
    for result in results:
        doudi, stock = (result.cases.control_leads[method] for method in ("doudi", "stock_splink"))
        leads.add_row(result.county, *(_control_figure(doudi.get(kind), stock.get(kind))
                                       for kind in kinds))  # fmt: skip
    console.print(leads)


def _control_figure(doudi: ControlLeads | None, stock: ControlLeads | None) -> str:
    if doudi is None or stock is None:
        return "-"
    lower = f"（{doudi.suspected}）" if doudi.suspected else ""
    return f"{doudi.leads} / {stock.leads} / {doudi.controls}{lower}"


def _stress_figures(score: CaseScores) -> tuple[str, str, str]:
    accuracy = score.amount_accuracy
    return (f"{score.precision:.3f}", f"{score.recall:.3f}",
            "-" if accuracy is None else f"{accuracy:.3f}")  # fmt: skip


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
    with _errors_reported(), tempfile.TemporaryDirectory(prefix="doudi-calibrate-") as scratch:
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


def print_policy(policy: Policy) -> None:
    console.print(f"政策：{policy.name}（第 {policy.version} 版）— {policy.source}")
    if policy.defaults:
        labels = "；".join(RULE_LABELS.get(name, name) for name in policy.defaults)
        console.print(
            f"[bold yellow]以下数值文件未作规定，沿用合同默认值，请按本地标准设置：[/]{labels}"
        )


def print_calibration(calibration: list[CalibrationBin]) -> None:
    table = Table(title="风险评分校准（兜底的疑点）")
    for header in ("评分区间", "疑点数", "属实", "属实比例", "平均评分"):
        table.add_column(header, justify="left" if header == "评分区间" else "right")
    for item in calibration:
        table.add_row(f"[{item.low:.2f}, {item.high:.2f})", f"{item.cases:,}", f"{item.true:,}",
                      f"{item.true / item.cases:.3f}", f"{item.mean_score:.3f}")  # fmt: skip
    console.print(table)


METHOD_LABELS = {"doudi": "兜底", "exact_id": "身份证号精确匹配", "stock_splink": "Splink 默认模型"}


def print_link_scores(scores: dict[str, LinkScores]) -> None:
    table = Table(title="人员归并评估")
    table.add_column("指标")
    for method in scores:
        table.add_column(METHOD_LABELS[method], justify="right")
    measures = [
        ("成对精确率", "precision"),
        ("成对召回率", "recall"),
        ("成对 F1", "f1"),
        ("B-cubed F1", "bcubed_f1"),
        ("证号不一致对的召回率", "recall_ids_differ"),
        ("含两个有效证号的类", "clusters_with_two_valid_ids"),
    ]
    for label, name in measures:
        table.add_row(label, *(_figure(getattr(score, name)) for score in scores.values()))
    first = next(iter(scores.values()))
    for pair in first.recall_by_registry_pair:
        table.add_row(
            f"召回率 {_pair_label(pair)}",
            *(_figure(score.recall_by_registry_pair.get(pair)) for score in scores.values()),
        )
    console.print(table)


def print_case_scores(scores: dict[str, dict[str, CaseScores]]) -> None:
    table = Table(title="疑点评估（按风险评分排序）")
    table.add_column("类型")
    table.add_column("指标")
    for method in scores:
        table.add_column(METHOD_LABELS[method], justify="right")
    measures = [("精确率", "precision"), ("召回率", "recall"), ("平均精确率", "average_precision")]
    for case_type, label in CASE_LABELS.items():
        if not any(s[case_type].true or s[case_type].found for s in scores.values()):
            continue  # neither in the truth nor raised under this policy: nothing to score
        for measure, name in measures:
            table.add_row(label, measure,
                          *(_figure(getattr(s[case_type], name)) for s in scores.values()))  # fmt: skip
        if any(s[case_type].amount_true for s in scores.values()):
            table.add_row(label, "查出金额占比", *(
                _figure(s[case_type].amount_found / s[case_type].amount_true)
                for s in scores.values()))  # fmt: skip
            table.add_row(label, "报告金额/应有金额",
                          *(_figure(s[case_type].amount_accuracy) for s in scores.values()))  # fmt: skip
    console.print(table)


CONTROL_LABELS = {
    "legit_single_person": "合规的单人户保障",
    "legit_separate_household": "合规的分开立户（同院、共用电话）",
    "stale_income": "仅已退出案件的旧收入偏低",
    "mistyped_enrolled": "已纳入但证号录错的重度残疾人",
    "lookalike": "同名同年同乡镇的他人死亡",
    "twins": "双胞胎",
    "death_within_grace": "宽限期内停发",
    "wrong_death_notice": "误报死亡的在世人员",
    "over_standard_within_exit": "渐退期内的超标准家庭",
    "cross_hukou_split": "不同户号的分户（非拆户保障）",
}


def print_control_leads(cases: CaseEvaluation) -> None:
    """How many of the truth's negative controls each method raised a lead on."""
    table = Table(title="对照组（不应成为疑点）被列为疑点的数量 / 对照数（括号内：疑似人为分户）")
    table.add_column("对照类型")
    for method in cases.control_leads:
        table.add_column(METHOD_LABELS[method], justify="right")
    kinds = sorted({kind for leads in cases.control_leads.values() for kind in leads})
    for kind in kinds:
        table.add_row(CONTROL_LABELS.get(kind, kind), *(
            f"{leads[kind].leads} / {leads[kind].controls}"
            + (f"（{leads[kind].suspected}）" if leads[kind].suspected else "")
            for leads in cases.control_leads.values()))  # fmt: skip
    console.print(table)


def _pair_label(pair: str) -> str:
    first, second = pair.split("-")
    return f"{REGISTRIES[first].chinese}-{REGISTRIES[second].chinese}"


def _figure(value: float | int | None) -> str:
    if value is None:
        return "-"
    return f"{value:,}" if isinstance(value, int) else f"{value:.4f}"


@app.command()
def run(
    data_dir: Annotated[
        Path | None, typer.Argument(help="The data drop; a synthetic county when omitted.")
    ] = None,
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("doudi-run"),
    db: Annotated[Path | None, typer.Option(help="DuckDB file (default OUT/doudi.duckdb).")] = None,
    policy: Annotated[str, typer.Option(help="Policy name or JSON file.")] = "default",
    threshold: Annotated[float | None, typer.Option(min=0.0, max=1.0)] = None,
    risk_model: Annotated[
        Path | None, typer.Option(help="Risk model JSON (default: the packaged one).")
    ] = None,
    people: Annotated[int, typer.Option(min=200, help="People of the synthetic county.")] = 20_000,
    seed: Annotated[int, typer.Option()] = 7,
    columns: ColumnsOption = None,
) -> None:
    """The main job: ingest, link, detect and score; writes entities.csv and cases.jsonl."""
    with _errors_reported():
        settings = LinkSettings(seed=seed)
        if threshold is not None:
            settings = replace(settings, threshold=threshold)
        if data_dir is None:  # the measurement wing's county, written first
            data_dir = synthesize(out / "county", people=people, seed=seed).drop_dir
            console.print(f"合成县（{people:,} 人）已写入 {data_dir.parent}")
        result = run_pipeline(
            data_dir, out, policy=load_policy(policy), settings=settings, db_path=db,
            risk=RiskModel.load(risk_model), vocabulary=load_vocabulary(columns),
        )  # fmt: skip
        print_drop(connect(result.db_path), result.out_dir / REPORT_NAME)
    print_policy(load_policy(policy))
    table = Table(title="疑点线索")
    table.add_column("类型")
    table.add_column("条数", justify="right")
    for case_type, count in result.cases_by_type.items():
        table.add_row(CASE_LABELS[case_type], f"{count:,}")
    console.print(table)
    console.print(
        f"{result.link.rows:,} 行记录归并为 {result.link.persons:,} 人；"
        + "，".join(f"{stage} {seconds:.1f} 秒" for stage, seconds in result.seconds.items())
    )
    console.print(f"已写出 {result.out_dir / 'entities.csv'} 和 {result.out_dir / 'cases.jsonl'}")


@app.command()
def serve(
    db: DbOption = Path("doudi.duckdb"),
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
) -> None:
    """Serve the review API (docs at /docs) on the run's DuckDB file."""
    import uvicorn

    from api.app import create_app
    from api.settings import ApiSettings

    with _errors_reported():
        if not db.is_file():
            raise DoudiError(f"no database {db}: run `doudi run` first")
        application = create_app(ApiSettings(db_path=db))
        console.print(f"审核页面: http://{host}:{port}/    接口文档: http://{host}:{port}/docs "
                      f"（数据库 {db}）")  # fmt: skip
        uvicorn.run(application, host=host, port=port, log_level="warning")


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

    with _errors_reported(), tempfile.TemporaryDirectory(prefix="doudi-bench-api-") as scratch:
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


@app.command()
def export(
    out: Annotated[Path, typer.Option(help="Folder for the XLSX ledgers.")],
    db: DbOption = Path("doudi.duckdb"),
) -> None:
    """Write the 摸排台账 of each case type (a sheet per township) and the 汇总表."""
    from api.ledgers import ledger_workbook, summary_workbook
    from api.storage import opened

    with _errors_reported(), opened(db) as storage:
        out.mkdir(parents=True, exist_ok=True)
        for case_type, label in CASE_LABELS.items():
            content = ledger_workbook(storage.published, case_type, mask_ids=False)
            (out / f"{label}摸排台账.xlsx").write_bytes(content)
        (out / "汇总表.xlsx").write_bytes(summary_workbook(storage.published))
    console.print(f"已写出 {len(CASE_LABELS) + 1} 个台账文件到 {out}")


token_app = typer.Typer(help="Bearer tokens of the review API.")
app.add_typer(token_app, name="token")


@token_app.command("create")
def token_create(
    role: Annotated[str, typer.Option(help="auditor, analyst, consumer or admin.")],
    name: Annotated[str, typer.Option(help="Who the token is for.")],
    db: DbOption = Path("doudi.duckdb"),
) -> None:
    """Mint a token and print it once (only its hash is stored)."""
    from api.storage import ROLES, opened

    with _errors_reported():
        if role not in ROLES:
            raise DoudiError(f"unknown role {role!r}: one of {', '.join(ROLES)}")
        with opened(db) as storage:
            token = storage.create_token(name=name, role=role)
    print(token)
