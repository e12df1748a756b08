"""Next month's drop: ``update`` links its new and changed rows to the existing persons and
runs the detectors again (``models.pipeline.update_pipeline``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from api.cli.base import (
    REPORT_NAME,
    AllowMissingOption,
    ColumnsOption,
    DbOption,
    app,
    console,
    errors_reported,
)
from api.cli.printers import print_case_counts, print_drop, stage_seconds, unjudged_kept
from api.cli.serving import log_cli_job
from api.cli.usage import ChineseCommand
from resolver.db import connect
from resolver.errors import DoudiError
from resolver.headers import load_vocabulary
from resolver.private import writable_folder
from resolver.registries import REGISTRIES, registry_named

if TYPE_CHECKING:  # the command line starts without the linking libraries
    from resolver.link import Changes


@app.command(cls=ChineseCommand)
def update(
    data_dir: Annotated[Path, typer.Argument(help="下月数据包（各名册整表导出）。")],
    db: DbOption = Path("doudi.duckdb"),
    out: Annotated[
        Path | None,
        typer.Option(help="entities.csv 和 cases.jsonl 的输出目录（默认数据库所在目录）。"),
    ] = None,
    retrain: Annotated[
        bool, typer.Option("--retrain", help="无论变动多少都重新训练链接模型。")
    ] = False,
    columns: ColumnsOption = None,
    allow_missing: AllowMissingOption = None,
) -> None:
    """把下月数据包并入上次已发布的运行：只对新增和变动的记录用已存模型与现有人员比对，人员编号和
    疑点编号保持不变；变动过多或模型漂移时自动重新训练，并说明原因。所有疑点规则重新运行，数据中已
    消失的疑点标为“因数据变化已消除”，历史保留。"""
    from models.pipeline import update_pipeline  # scikit-learn: loaded by the commands that score
    from models.publish import RepeatedDrop, resolved_while_paid

    with errors_reported(db):
        if not db.is_file():
            raise DoudiError(f"没有数据库 {db}：请先运行 `doudi run`")
        out_dir = out or db.parent
        writable_folder(out_dir)  # before any work: the outputs are written after all of it
        try:
            result = update_pipeline(data_dir, db, out_dir, retrain=retrain,
                                     vocabulary=load_vocabulary(columns),
                                     allow_missing=[registry_named(name) for name in allow_missing or []])  # fmt: skip
        except RepeatedDrop as repeated:  # nothing to do: not an error
            console.print(str(repeated), highlight=False)
            return
        target = f"{data_dir} {result.link.rows}行 → {out_dir}"
        # the run sealed in the log first: a command stopped while the workbook is written
        # must not leave a published run the audit cannot check (a blind tester's kill)
        log_cli_job(result.db_path, "update_drop", target, run_id=result.run_id)
        print_drop(connect(result.db_path), out_dir / REPORT_NAME, gaps=result.gaps)
    link = result.link
    changes = link.changes
    console.print(
        f"本月 {changes.rows:,} 行：新增 {changes.new:,} 行，姓名、身份证号等比对信息有变动的 "
        f"{changes.changed:,} 行（已重新比对；类别、金额等其他信息的变动不在此数），"
        f"删除 {changes.removed:,} 行{removed_named(changes)}。",
        highlight=False,
    )
    warning = rekeyed_warning(changes)
    if warning:
        console.print(f"[yellow]注意[/]：{warning}", highlight=False)
    if link.retrain_reason is None:
        console.print("链接：沿用已存模型，只比对新增和变动的记录。", highlight=False)
    else:
        console.print(f"链接：重新训练模型（{link.retrain_reason}）。", highlight=False)
    print_case_counts(connect(result.db_path), result.run_id, result.cases_by_type,
                      "疑点线索（与上次运行相比）", result.gaps)  # fmt: skip
    changed = result.case_changes
    console.print(
        f"新增疑点 {changed['new']:,} 条，已消除 {changed['resolved']:,} 条，"
        f"仍在 {changed['open']:,} 条{unjudged_kept(changed)}。{link.rows:,} 行记录归并为 {link.persons:,} 人；"
        + stage_seconds(result.seconds),
        highlight=False,
    )
    still_paid = resolved_while_paid(connect(result.db_path), result.run_id)
    if still_paid:
        console.print(
            f"[yellow]注意[/]：消除的疑点中有 {still_paid:,} 条是因名册删除了相关成员的记录，"
            "但其案件此后仍有发放；删除名册记录不等于已停发，请核实（审核页面中这些疑点的消除原因写明了发放到哪个月）。",
            highlight=False,
        )
    console.print(f"已写出 {out_dir / 'entities.csv'} 和 {out_dir / 'cases.jsonl'}")


def removed_named(changes: Changes) -> str:
    """The first removed rows (``resolver.link.NAMED_REMOVED``) by registry, record id and
    name, for the clerk to check a village meant to delete them; empty when none was removed.

    >>> from resolver.link import Changes, RemovedRow
    >>> gone = [RemovedRow("assistance", "JZ00816", "张三"), RemovedRow("disability", "CJ7", None)]
    >>> removed_named(Changes(rows=9, new=0, changed=0, removed=2, unseen_names=0, removed_rows=gone))
    '：救助对象 JZ00816 张三、残疾人 CJ7'
    >>> removed_named(Changes(rows=9, new=0, changed=0, removed=7, unseen_names=0,
    ...                       removed_rows=gone)).split("、")[-1]
    '残疾人 CJ7 等 7 行'
    """
    named = [" ".join(part for part in (REGISTRIES[row.registry].chinese, row.record_id, row.name) if part)
             for row in changes.removed_rows]  # fmt: skip
    if not named:
        return ""
    more = f" 等 {changes.removed:,} 行" if changes.removed > len(named) else ""
    return "：" + "、".join(named) + more


# Most of last month's rows removed and most of this month's new: their record ids changed.
REKEYED_SHARE = 0.5


def rekeyed_warning(changes: Changes | None) -> str | None:
    """What to tell the clerk when most of last month's rows of a registry are removed and
    most of this month's are new (``REKEYED_SHARE``, registry by registry): their 记录编号
    changed (a file without the column, its ids then made from each row's contents, another
    export template, or a system migration re-issuing every number); None otherwise. Until
    2026-12-07 (night) the shares were of all registries together: a blind tester's migrated
    roster, every row re-keyed, was 20 % of the county's rows and said nothing.

    Parameters
    ----------
    changes : Changes or None
        How this month's rows differ from last month's.

    Returns
    -------
    str or None
        The warning, in Chinese.

    Examples
    --------
    >>> from resolver.link import Changes
    >>> changes = Changes(rows=3979, new=796, changed=0, removed=780, unseen_names=0,
    ...                   registries={"assistance": (796, 796, 780), "hukou": (2503, 0, 0)})
    >>> rekeyed_warning(changes)[:27]
    '救助对象名册：上月的记录几乎全部删除、本月几乎全部新增'
    >>> rekeyed_warning(Changes(rows=17511, new=120, changed=40, removed=90, unseen_names=0,
    ...                         registries={"hukou": (17511, 120, 90)})) is None
    True
    """
    registries = changes.registries if changes is not None else {}
    rekeyed = {name: (new, removed) for name, (rows, new, removed) in registries.items()
               if min(new, removed) >= REKEYED_SHARE * max(rows, 1)}  # fmt: skip
    if not rekeyed:
        return None
    said = "、".join(f"{REGISTRIES[name].chinese}名册" for name in rekeyed)
    new, removed = (sum(counts[index] for counts in rekeyed.values()) for index in (0, 1))
    return (f"{said}：上月的记录几乎全部删除、本月几乎全部新增（删除 {removed:,} 行，新增 {new:,} 行）："
            "多半是记录编号变了（本月文件没有记录编号列、换了导出模板，或系统迁移后重新编号）。人员按身份证号、"
            "姓名等重新关联，同一人员、同一家庭的疑点沿用原编号和核查记录（人员有变化的除外，见新增和因数据变化"
            "消除的疑点）；如只是导出时记录编号有误，请用与上月相同的记录编号列重新导出后再更新")  # fmt: skip
