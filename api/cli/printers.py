"""What the ``doudi`` commands print: the drop and its quality, policies, scores, stress and
calibration tables (Chinese, for the people who read them)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
from rich.table import Table

from api.cli.base import console
from models.amounts import far_from_ledger, ledger_amounts
from models.case_types import CASE_LABELS
from models.cases import LIKELY_SCORE
from models.data_gaps import DataGaps, Unjudged
from models.detectors.deceased_paid import MAX_CANDIDATES
from models.policy import Policy, policy_heading, rule_named
from resolver.headers import header_key
from resolver.ingest import county_aliases, drop_counties
from resolver.layout import skip_reason
from resolver.quality import (
    ENDED_NOTE,
    LONE_DEATHS_SHEET,
    MISTYPED_NOTE,
    OFF_ROSTERS_NOTE,
    REMOVED_SHEET,
    RENAMED_NOTE,
    UNJUDGED_SHEET,
    UNLINKED_NOTICE,
    findings_by_problem,
    payments_without_month,
    problem_label,
    quality_summary,
    removed_rows,
    reused_files,
    skipped_whole,
    source_summaries,
    unattributed_deaths,
    write_findings_workbook,
)
from resolver.registries import REGISTRIES, column_header, county_label

if TYPE_CHECKING:  # the measuring commands' figures; the wing is loaded only to measure
    from models.evaluation.cases import CalibrationBin, CaseEvaluation, CaseScores, ControlLeads
    from models.evaluation.linking import LinkScores


PARTLY_JUDGED = "（不全）"
"""What a count or money of a type the data leave unjudged, found all the same, is marked."""


def print_case_counts(con: duckdb.DuckDBPyConnection, run_id: str, counts: dict[str, int],
                      title: str, gaps: DataGaps) -> None:  # fmt: skip
    """The leads of run ``run_id`` per type (``counts``) and their money, and how many of them
    score at least ``LIKELY_SCORE`` and with what money: an uncertain lead (a namesake's death
    notice, a notice a sign of life contradicts) counts among the leads but is no likely
    finding, and its money is no sum to recover. Money is added in fen, to the fen; a type
    whose leads carry none shows -. A type the drop's data leave unjudged everywhere (a
    registry absent: ``gaps``, as the run published them, ``models.data_gaps``) reads 未判断,
    not 0; a lead found all the same is counted, its count and money marked ``PARTLY_JUDGED``
    (payments most of whose lines name no roster case: the leads and money found are those of
    the lines that do; until 2026-12-07 (night) they read as whole figures), and every gap is
    said below the table."""
    likely = {case_type: (count, fen, priced) for case_type, count, fen, priced in con.execute(
        "SELECT case_type, count(*) FILTER (WHERE risk_score >= $likely), "
        "sum(round(amount_at_risk * 100)) FILTER (WHERE risk_score >= $likely), "
        "sum(round(amount_at_risk * 100)) FROM published_cases WHERE run_id = $run "
        "GROUP BY case_type", {"run": run_id, "likely": LIKELY_SCORE}).fetchall()}  # fmt: skip
    table = Table(title=title)
    for heading in ("类型", "条数", "金额（元）", f"其中评分≥{LIKELY_SCORE}", "其金额（元）"):
        table.add_column(heading, justify="left" if heading == "类型" else "right")
    nowhere = gaps.everywhere()
    for case_type, count in counts.items():
        if case_type in nowhere and not count:
            table.add_row(CASE_LABELS[case_type], "未判断", "-", "-", "-")
            continue
        sure, sure_fen, fen = likely.get(case_type, (0, None, None))
        partly = PARTLY_JUDGED if case_type in nowhere else ""
        table.add_row(CASE_LABELS[case_type], f"{count:,}{partly}", f"{_yuan(fen)}{partly}",
                      f"{sure:,}", _yuan(None if fen is None else sure_fen or 0))  # fmt: skip
    console.print(table)
    if gaps.gaps:
        console.print(
            f"[bold yellow]缺少数据，以下疑点未能判断[/]（已列入问题清单「{UNJUDGED_SHEET}」）："
        )
    for gap in gaps.gaps:
        console.print(f"  {gap.text()}", highlight=False)


def print_checked(gaps: list[Unjudged]) -> None:
    """The last words of ``doudi check`` on a drop that would be taken: that it can be
    ingested and, when its data would leave case types unjudged (``gaps``,
    ``models.data_gaps.unjudged``: a registry absent, payments joining no roster case), which,
    so that 检查通过 is not read as "everything will be judged".

    Parameters
    ----------
    gaps : list of Unjudged
        The drop's gaps under the policy the check assumes.
    """
    if not gaps:
        console.print("检查通过：可以导入。")
        return
    console.print("[bold yellow]注意：按这些数据，以下疑点将无法判断[/]：")
    for gap in gaps:
        console.print(f"  {gap.text()}", highlight=False)
    console.print(
        f"检查通过：可以导入，但有 {len(gaps)} 处数据缺口（见上），相关疑点为 0 不代表没有问题。"
    )


def _yuan(fen: float | None) -> str:
    """Money in fen as 元 to the fen with thousands separated; - for none.

    >>> _yuan(1234567.0), _yuan(None), _yuan(0)
    ('12,345.67', '-', '0.00')
    """
    if fen is None:
        return "-"
    whole, cents = divmod(int(fen), 100)
    return f"{whole:,}.{cents:02d}"


def unjudged_kept(changes: dict[str, int]) -> str:
    """The words after the month-over-month counts for the leads the run's data could not
    judge again and left as they stood (``models.pipeline.case_changes``); none when none.

    Parameters
    ----------
    changes : dict of str to int
        The run's changes.

    Returns
    -------
    str
        ``，另有 17 条因本次数据缺少所需登记库或其身份证号已损坏而未重新判断，保持原状（未计为消除）`` or ``""``.
    """
    kept = changes.get("unjudged", 0)
    return (
        f"，另有 {kept:,} 条因本次数据缺少所需登记库或其身份证号已损坏而未重新判断，保持原状（未计为消除）"
        if kept
        else ""
    )


def print_drop(con: duckdb.DuckDBPyConnection, report: Path, *,
               gaps: DataGaps | None = None) -> None:  # fmt: skip
    """How the drop was read, its data-quality report, and the findings workbook (after a
    run, given the case types its data leave unjudged, ``gaps``: with the death notices no
    lead was raised on — too many namesakes, a second report of a death that namesakes may
    be as well, or no one — and those gaps)."""
    print_sources(con)
    _print_counties(con)
    print_quality(con)
    linked = gaps is not None
    notices = unattributed_deaths(con, MAX_CANDIDATES) if linked else None
    rows = [gap.row() for gap in gaps.gaps] if linked else None
    removed = removed_rows(con) if linked else None
    count = write_findings_workbook(con, report, unattributed=notices, unjudged=rows,
                                    removed=removed)  # fmt: skip
    console.print(f"问题清单（{count:,} 条，含未读取的行）已写入 {report}")
    if removed is not None and removed.num_rows:
        console.print(f"上次数据中有、本次数据中已没有的 {removed.num_rows:,} 行记录已全部列入问题清单"
                      f"「{REMOVED_SHEET}」", highlight=False)  # fmt: skip
    _print_listed_notices(notices or [])


def _print_counties(con: duckdb.DuckDBPyConnection) -> None:
    """The counties of a drop of several, by name (until 2026-12-07 nothing said a city's
    drop was read as its three counties)."""
    counties = drop_counties(con)
    if len(counties) > 1:
        aliases = county_aliases(con)
        names = "、".join(county_label(county, aliases.get(county, ())) for county in counties)
        console.print(f"多区县数据包：{len(counties)} 个区县（{names}），各区县的记录编号、户号、救助证号"
                      "分别编号读取", highlight=False)  # fmt: skip


def _print_listed_notices(notices: list[list]) -> None:
    """How many of the death notices no lead was raised on (``unattributed_deaths``) carry a
    roster or 户籍 person's ID under another name, taken for a changed name or, their own
    birth date or gender not the ID's, for another's notice; how many are taken for the death
    a namesake's roster row ended at; how many namesakes may be; and how many no one
    matches."""
    mistyped = sum(1 for notice in notices if MISTYPED_NOTE in notice[-1])
    same_id = sum(1 for notice in notices if RENAMED_NOTE in notice[-1])
    if same_id > mistyped:
        console.print(f"另有 {same_id - mistyped:,} 条死亡记录的身份证号与名册中某人相同但姓名不同（可能已改名，也可能填错了"
                      f"身份证号），已按可能是本人处理（在保且死亡后仍有发放的已列为疑点），并列入问题清单"
                      f"「{LONE_DEATHS_SHEET}」，请核实死者身份",
                      highlight=False)  # fmt: skip
    if mistyped:
        console.print(f"另有 {mistyped:,} 条死亡记录的身份证号与名册中某人相同但姓名不同，且所填性别或出生日期与"
                      f"该身份证号不符（可能是他人的死亡登记填错了身份证号），未列为疑点，已列入问题清单"
                      f"「{LONE_DEATHS_SHEET}」，请核实死者身份",
                      highlight=False)  # fmt: skip
    ended = sum(1 for notice in notices if ENDED_NOTE in notice[-1])
    if ended:
        console.print(f"另有 {ended:,} 条死亡记录已按死亡日期前后退出救助的同名人员视为其死亡记录（另有同名人员也可能是"
                      f"本人，未对其列为疑点），已列入问题清单「{LONE_DEATHS_SHEET}」，请核实死者身份",
                      highlight=False)  # fmt: skip
    off_rosters = sum(1 for notice in notices if OFF_ROSTERS_NOTE in notice[-1])
    if off_rosters:
        console.print(f"另有 {off_rosters:,} 条死亡记录只可能对应不在救助名册中的人员（户籍或残联等记录），"
                      f"不涉及救助发放，未列为疑点，已列入问题清单「{LONE_DEATHS_SHEET}」",
                      highlight=False)  # fmt: skip
    namesakes = sum(1 for notice in notices if notice[9]) - same_id - ended - off_rosters
    if namesakes:
        console.print(f"另有 {namesakes:,} 条死亡记录可能对应多名同名人员（超过 {MAX_CANDIDATES} 人，"
                      "或其中一人已有日期相近的另一条死亡记录），无法确定是谁，"
                      f"未列为疑点，已列入问题清单「{LONE_DEATHS_SHEET}」，请向数据来源部门核实身份证号",
                      highlight=False)  # fmt: skip
    no_one = len(notices) - namesakes - same_id - ended - off_rosters
    if no_one:
        console.print(f"另有 {no_one:,} 条死亡记录未能与任何名册记录关联（{UNLINKED_NOTICE}，"
                      f"或姓名、住址写法差异过大），已列入问题清单「{LONE_DEATHS_SHEET}」，如为保障对象请核实身份证号",
                      highlight=False)  # fmt: skip


# The stages of a run (``models.pipeline``'s seconds) as the command line names them
STAGE_NAMES = {"ingest": "导入", "link": "人员关联", "graph": "建图", "detect": "识别疑点",
               "write": "写出", "publish": "发布"}  # fmt: skip


def stage_seconds(seconds: dict[str, float]) -> str:
    """How long each stage of a run took, in Chinese.

    Parameters
    ----------
    seconds : dict of str to float
        Seconds per stage, by its name in ``models.pipeline``.

    Returns
    -------
    str
        The stages joined, each with its seconds.

    Examples
    --------
    >>> stage_seconds({"ingest": 1.04, "link": 2.5})
    '导入 1.0 秒，人员关联 2.5 秒'
    """
    return "，".join(f"{STAGE_NAMES.get(stage, stage)} {value:.1f} 秒"
                    for stage, value in seconds.items())  # fmt: skip


# Below this many persons the link model's weights are learned from too few pairs: on a
# reviewer's drops (2026-12-05) one person as 巴特尔 with an ID and 巴特儿 without, in two
# townships, was linked at 3,000 persons and missed at 1,200.
SMALL_COUNTY_PERSONS = 3000


def print_small_drop(persons: int) -> None:
    """Warn that a drop of fewer than ``SMALL_COUNTY_PERSONS`` persons links less surely.

    Parameters
    ----------
    persons : int
        The persons the rows were resolved into.
    """
    if persons < SMALL_COUNTY_PERSONS:
        console.print(
            f"注意：本次数据只有 {persons:,} 人（少于 {SMALL_COUNTY_PERSONS:,} 人），身份比对模型可学习的样本少，"
            "姓名异写或缺身份证号的同一人可能比对不上（漏报重复享受、死亡未停发等疑点）。请尽量用全县数据运行。",
            style="yellow",
        )


def print_sources(con: duckdb.DuckDBPyConnection) -> None:
    """Per table read: registry, file, sheet, header rows, rows read and skipped, headers no
    column took; then how each header was mapped, notes, and the files and sheets skipped."""
    table = Table(title="读取情况（每个文件的每个工作表）")
    for header in ("名册", "文件", "工作表", "表头行", "读取行数", "跳过的行", "未识别的列"):
        table.add_column(header, justify="right" if header == "读取行数" else "left")
    summaries = source_summaries(con)
    for item in summaries:
        skipped = "，".join(f"{skip_reason(reason)} {n}" for reason, n in item.skipped.items())
        table.add_row(REGISTRIES[item.registry].chinese, item.file, item.sheet or "-",
                      "、".join(map(str, item.header_rows)), f"{item.rows:,}", skipped or "-",
                      "、".join(item.unmapped) or "-")  # fmt: skip
    console.print(table)
    for item in summaries:
        where = item.file + (f"「{item.sheet}」" if item.sheet else "")
        registry = REGISTRIES[item.registry]
        renamed = [f"{header.strip()}→{registry.column(name).header}" for header, name in item.mapping
                   if header_key(header) not in (header_key(name), header_key(registry.column(name).header))]  # fmt: skip
        if renamed:
            console.print(f"{where} 按对照表读取的列：{'，'.join(renamed)}", highlight=False)
        for note in item.notes:
            console.print(f"{where} [yellow]注意[/]：{note}", highlight=False)
    if any(item.unmapped for item in summaries):
        read = "，".join(
            said
            for registry, said in _NOTES_READ.items()
            if any(item.unmapped and item.registry == registry for item in summaries)
        )
        console.print(f"[yellow]注意[/]：“未识别的列”作为附加列保留，不参与比对{f'（{read}）' if read else ''}"
                      "；如其实是标准列的另一种写法，请用 --columns 对照文件（CSV：表头,字段,名册）指定。",
                      highlight=False)  # fmt: skip
    reused = reused_files(con)
    for how, text in (
        ("unchanged", "与上次读取时完全相同的文件未重新读取，沿用上次的读取结果"),
        ("appended", "只在末尾新增了行的文件只读取了新增的行，其余沿用上次的读取结果"),
    ):
        names = "、".join(Path(path).name for path, used in reused if used == how)
        if names:
            console.print(f"{text}：{names}", highlight=False)
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
    """The data-quality tables: per registry, then per kind of finding; and the money of the
    payment lines whose month was not read, counted in no month (``payments_without_month``)."""
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
    lines, money = payments_without_month(con)
    if lines:
        console.print(f"发放记录中有 {lines:,} 行没有读出所属月份，其金额合计 {money:,} 元未计入任何月份的发放"
                      "（死亡后仍发放等疑点的金额可能因此偏少），各行及原因见问题清单：请补正后重新运行",
                      highlight=False)  # fmt: skip


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


# What the columns beside the contract's (备注 …) are still read for, by registry: a ledger's
# for the months a line is for (models.amounts), a roster's for a dated 渐退
# (models.periods.noted_gradual_exit; until 2026-12-07 the note said it was not read at all).
_NOTES_READ = {
    "payments": "发放记录中这些列写明的补发或按季发放的月份，如备注“补发2023年7-8月”“2025年1-3月”，按所写月份计",
    "assistance": "救助对象中这些列写明的渐退期，如备注“渐退期（2026年9月至2027年2月）”，按所写计算",
}


def print_policy(policy: Policy, con: duckdb.DuckDBPyConnection, named: str) -> None:
    """The run's policy, the rules it inherits from the contract's defaults, and each class
    amount far from what the payment ledger pays (``models.amounts.far_from_ledger``).

    Parameters
    ----------
    policy : Policy
        The run's policy.
    con : duckdb.DuckDBPyConnection
        The run's database (its payments and roster).
    named : str
        The policy as ``--policy`` named it (a file or a name), for the warnings.
    """
    console.print(f"政策：{policy_heading(policy)}", highlight=False)
    if policy.defaults:
        labels = "；".join(rule_named(name) for name in policy.defaults)
        console.print(f"[bold yellow]以下数值文件未作规定，沿用默认值，请按本地标准设置：[/]{labels}",
                      highlight=False)  # fmt: skip
    for warning in far_from_ledger(policy, ledger_amounts(con)) if policy.monthly_amounts else ():
        console.print(f"[bold yellow]注意：[/]政策 {named}：{warning}", highlight=False)


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


def print_span_scores(spans: dict[str, dict[str, CaseScores]]) -> None:
    """A province's cross-county cases beside those within one county (nothing for one)."""
    if not spans:
        return
    table = Table(title="跨县与县内疑点（多区县数据包）")
    table.add_column("类型")
    for span in ("跨县", "县内"):
        for measure in ("真实", "查出", "精确率", "召回率", "报告金额/应有金额"):
            table.add_column(f"{span}{measure}", justify="right")
    for case_type in spans["cross"]:
        cells = []
        for span in ("cross", "within"):
            score = spans[span][case_type]
            cells += [str(score.true), str(score.found), _figure(score.precision),
                      _figure(score.recall), _figure(score.amount_accuracy)]  # fmt: skip
        table.add_row(CASE_LABELS[case_type], *cells)
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
    "cross_county_namesake": "外县同名同生日者的死亡",
    "over_standard_within_exit": "渐退期内的超标准家庭",
    "exit_above_standard": "收入超过标准、脱贫后有序退出低保",
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
