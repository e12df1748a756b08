"""Screening: ``screen`` checks a month's payment list (发放表) before it goes to the bank and
writes it back with 审核结果 and 暂缓原因 (``api.screen_file``, ``models.screening``)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer

from api.cli.base import ColumnsOption, DbOption, app, console, errors_reported
from api.cli.usage import ChineseCommand
from resolver.errors import DoudiError
from resolver.outputs import write_whole


@app.command(cls=ChineseCommand)
def screen(
    payment_file: Annotated[Path, typer.Argument(help="发放表：CSV 或 XLSX（各单位导出的原样）。")],
    out: Annotated[Path, typer.Option(help="写出的文件：原表加“审核结果”“暂缓原因”两列。")],
    db: DbOption = Path("doudi.duckdb"),
    summary: Annotated[
        Path | None, typer.Option("--summary", help="另把汇总写成 JSON 文件。")
    ] = None,
    columns: ColumnsOption = None,
    county: Annotated[
        str | None, typer.Option(help="多区县数据库：发放表所属区县（区划代码或文件夹名）。")
    ] = None,
) -> None:
    """发放前核对发放表：对照已发布的运行结果，逐条给出“通过”或“暂缓”及原因（在保成员有死亡记录、
    同一人同月在两个案件中享受、超标准未退出、领款账号与其他案件共用、发放金额与类别人数不符）。
    多个月份的发放表按各条记录的发放月份逐月核对。暂缓仅为发放前核实提示，不是停发决定。"""
    from api.cli.serving import log_cli_read, token_store
    from api.screen_file import screen_file, summary_text, write_screened
    from resolver.headers import load_vocabulary

    with errors_reported():
        if not db.is_file():
            raise DoudiError(f"没有数据库 {db}：请先运行 `doudi run`")
        if not payment_file.is_file():
            raise DoudiError(f"没有文件 {payment_file}")
        _separate(payment_file, out, summary)
        vocabulary = load_vocabulary(columns)
        started = time.perf_counter()
        with token_store(db) as tokens:  # one opening: read, the read logged, then written
            screening = screen_file(tokens.store.cursor, payment_file, vocabulary, county)
            lines, held = screening.summary["lines"], screening.summary["held"]
            log_cli_read(tokens, "screen_payments",
                         f"{payment_file.name} {lines}行 暂缓{held}行 → {out}")  # fmt: skip
            write_screened(screening, out)
        if summary is not None:
            text = json.dumps(screening.summary, ensure_ascii=False, indent=2)
            write_whole(summary, text.encode("utf-8"))
        seconds = time.perf_counter() - started
    console.print(f"{summary_text(screening.summary)}\n已写出 {out}（用时 {seconds:.1f} 秒）",
                  highlight=False)  # fmt: skip


def _separate(payment_file: Path, out: Path, summary: Path | None) -> None:
    """Refuse an output that would overwrite the list itself, or the other output: the
    office's list is its record of what it meant to pay."""
    paths = {"发放表": payment_file, "--out": out, "--summary": summary}
    seen: dict[Path, str] = {}
    for option, path in paths.items():
        if path is None:
            continue
        resolved = path.resolve()
        if resolved in seen:
            raise DoudiError(f"{option} 与{seen[resolved]}是同一个文件（{path}）：会覆盖它，"
                             "请另给一个文件名")  # fmt: skip
        seen[resolved] = option if option == "发放表" else f" {option} "
