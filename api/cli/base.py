"""The ``doudi`` command's app, its consoles and options, and how errors and progress show."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from pathlib import Path
from typing import Annotated, NoReturn

import duckdb
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from api.__main__ import WORKER_LOG_LEVEL
from api.cli.usage import ChineseUsageGroup
from resolver.db import MEMORY_VARIABLE, connect, memory_limit
from resolver.errors import DoudiError, path_problem

app = typer.Typer(
    cls=ChineseUsageGroup,
    add_completion=False,  # a shell's completion: no clerk's need, and Typer's text is English
    help="兜底（Doudi）：把救助对象名册与户籍、建档立卡、残联、死亡登记和发放台账逐人比对，找出疑点线索。",
)
# A report piped to a file or a CI log keeps its columns instead of wrapping at 80.
console = Console(width=None if sys.stdout.isatty() else 140)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 140)
DbOption = Annotated[Path, typer.Option("--db", help="运行结果的 DuckDB 数据库文件。")]
ColumnsOption = Annotated[
    Path | None,
    typer.Option(
        "--columns",
        help="本县的列名对照表：CSV，第一行为 表头,字段,名册，以下各行为 表头,字段[,名册]。",
    ),
]
SeedOption = Annotated[int, typer.Option(help="随机种子：同一种子得到同样的合成数据和训练结果。")]
AllowMissingOption = Annotated[
    list[str] | None,
    typer.Option(
        "--allow-missing",
        help="写入已有运行的数据库时：上次有、本次确已停用的名册（中文名或英文名，可多次给出）。",
    ),
]
REPORT_NAME = "数据问题清单.xlsx"


@app.callback()
def main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="显示详细的运行日志。")] = False,
) -> None:
    # What the libraries log is for developers: the clerk sees only their errors, beside the
    # Chinese notes the command prints (a file's bad bytes, Splink's untrained levels);
    # --verbose shows the rest. The ingest's worker processes log as this one (api.__main__).
    shown = logging.INFO if verbose else logging.ERROR
    handler = logging.StreamHandler()
    handler.setLevel(shown)
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, handlers=[handler])
    logging.getLogger("splink").setLevel(logging.INFO if verbose else logging.ERROR)
    os.environ[WORKER_LOG_LEVEL] = logging.getLevelName(shown)
    # Everything the command writes holds personal data: DuckDB's own files (its WAL and
    # spill files), entities.csv and cases.jsonl are owner-only too, not only the files
    # Doudi's writers create so (resolver.private).
    os.umask(0o077)


def existing_db(db: Path, first: str = "doudi ingest 或 doudi run") -> Path:
    """``db``, refused (not created, as opening it would) when there is no such file."""
    if not db.is_file():
        raise DoudiError(f"没有数据库 {db}：请先运行 {first}")
    return db


def refuse_small_province(counties: int, people: int) -> None:
    """Refuse a synthetic province (``synth`` or ``bench`` with ``--counties``) of fewer
    people a county than a synthetic county takes, in Chinese, before anything is written."""
    from resolver.synthetic.province import MIN_PEOPLE  # the wing, loaded only when it is used

    if people < MIN_PEOPLE * counties:
        raise DoudiError(f"人数太少：{counties} 个县每县至少 {MIN_PEOPLE} 人，--people 至少 "
                         f"{MIN_PEOPLE * counties:,}")  # fmt: skip


@contextmanager
def errors_reported(run_db: Path | None = None) -> Iterator[None]:
    """Say what went wrong in Chinese, by kind; ``run_db``: the database a run or update
    writes, whose state a Ctrl-C is said with (``stopped_run_said``)."""
    try:
        yield
    except DoudiError as error:
        _input_error(error)
    except typer.Exit:
        raise
    except KeyboardInterrupt as error:
        _interrupted(error, run_db)
    except Exception as error:
        if _interrupted_query(error):
            _interrupted(error, run_db)
        if _out_of_memory(error):
            _memory_error(error)
        if (problem := path_problem(error)) is not None:  # a disk or a path: the clerk's to fix
            _input_error(error, problem)
        _internal_error(error)  # a defect of Doudi's, never a clerk's: no traceback for them


def _input_error(error: Exception, message: str | None = None) -> NoReturn:
    """The input or the environment is wrong: what, and what to do (exit code 2)."""
    said = escape(str(message or error))  # a message's own [brackets] are text, not markup
    # one line, however long: a path in it stays whole in a log; a terminal wraps it itself
    err_console.print(f"[bold red]错误[/]: {said}", markup=True, highlight=False, soft_wrap=True)
    raise typer.Exit(2) from error


def _interrupted_query(error: BaseException) -> bool:
    """Whether ``error`` is, or was caused by, a query stopped by Ctrl-C (DuckDB interrupts the
    statement it runs, and Splink wraps DuckDB's error in its own)."""
    seen: list[BaseException] = []
    while error is not None and error not in seen:
        if isinstance(error, KeyboardInterrupt | duckdb.InterruptException) or (
            "Query interrupted" in str(error) or "INTERRUPT Error" in str(error)
        ):
            return True
        seen.append(error)
        error = error.__cause__ or error.__context__
    return False


INTERRUPTED = "命令在完成前被停止（Ctrl-C），这次写出的结果可能不完整；需要时请重新运行。"


def _interrupted(error: BaseException, run_db: Path | None) -> NoReturn:
    said = INTERRUPTED
    if run_db is not None and run_db.is_file():
        with suppress(DoudiError, duckdb.Error):  # in use, or another program's: said as is
            said = stopped_run_said(run_db)
    err_console.print(
        f"[bold yellow]已中断[/]：{escape(said)}", markup=True, highlight=False, soft_wrap=True
    )  # one line: the command in it stays whole
    raise typer.Exit(130) from error


def stopped_run_said(db: Path) -> str:
    """What a run or update stopped by Ctrl-C left in ``db`` and what works now: its run
    unpublished, with the command that recovers (``models.publish.recovery_command``), or
    the run published last whole.

    Parameters
    ----------
    db : Path
        The database the run wrote.

    Returns
    -------
    str
        The Chinese sentences.
    """
    from models.publish import interrupted_run, last_published_run, recovery_command

    with closing(connect(db)) as con:
        stopped, published = interrupted_run(con), last_published_run(con)
        command = recovery_command(con, stopped) if stopped is not None else None
    kept = (f"数据库中最近发布的运行（{published}）完好，审核页面和 doudi report --monthly 照常可用"
            if published else "数据库中还没有已发布的运行")  # fmt: skip
    if command is None:
        return f"命令在完成前被停止（Ctrl-C）；{kept}；需要时请重新运行同一命令。"
    return (f"运行（{stopped}）在发布前被停止（Ctrl-C），未发布；{kept}。在重新完整运行之前，update、"
            f"screen、export 和按时间段的 report 会被拒绝：请用 {command} 完整运行一次。")  # fmt: skip


def _out_of_memory(error: Exception) -> bool:
    """Whether ``error`` is the machine's memory or DuckDB's limit running out (DuckDB says so
    in an out-of-memory error, or in the error of the statement that could not allocate)."""
    return isinstance(error, MemoryError | duckdb.OutOfMemoryException) or (
        isinstance(error, duckdb.Error) and "could not allocate" in str(error)
    )


def _memory_error(error: Exception) -> NoReturn:
    said = str(error).splitlines()[0] if str(error) else type(error).__name__
    err_console.print(f"[bold red]内存不足[/]（{escape(said)}）。数据库每个连接的内存上限为 "
                      f"{memory_limit()}，可用环境变量 {MEMORY_VARIABLE} 设定（如 2GB）：上限"
                      "低于这一步所需时请调高；机器本身内存不够时请调低，让数据库把中间结果写入"
                      "临时文件，或换用内存更大的机器。",
                      markup=True, highlight=False)  # fmt: skip
    raise typer.Exit(4) from error


def _internal_error(error: Exception) -> NoReturn:
    if logging.getLogger().isEnabledFor(logging.INFO):  # --verbose: where it happened
        logging.getLogger("doudi").exception("internal error")
    err_console.print(f"[bold red]内部错误[/]: {type(error).__name__}: {escape(str(error))}。这不是数据的问题；"
                      "请带上这条信息和所用的命令联系维护人员（加 --verbose 可看到详细位置）。",
                      markup=True, highlight=False)  # fmt: skip
    raise typer.Exit(3) from error


@contextmanager
def progress() -> Iterator:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        tasks: dict[str, int] = {}

        def on_progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total)
            progress.update(tasks[stage], completed=done)

        yield on_progress
