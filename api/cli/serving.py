"""Serving: ``serve``, ``export``, ``report`` (entries and exits of a period, or the monthly
report), ``token`` (bearer tokens) and ``audit`` (the access log's hash chain). The review
server's modules (FastAPI, uvicorn, the ledgers' openpyxl) are imported inside the commands
that need them, so that ``doudi run`` starts without them."""

from __future__ import annotations

import getpass
import ipaddress
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from api.cli.base import DbOption, app, console, err_console, errors_reported
from api.cli.usage import ChineseCommand, ChineseUsageGroup
from models.case_types import CASE_LABELS
from resolver.db import connect
from resolver.errors import DoudiError
from resolver.outputs import write_whole
from resolver.private import private_folder


@app.command(cls=ChineseCommand)
def serve(
    db: DbOption = Path("doudi.duckdb"),
    host: Annotated[str, typer.Option(help="监听地址。")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="监听端口。")] = 8000,
    score_lookups_per_minute: Annotated[
        int, typer.Option(min=1, help="每个令牌每分钟可查询风险评分的次数。")
    ] = 120,
    id_lookup_misses_per_day: Annotated[
        int,
        typer.Option(
            min=1,
            help="审计员以外的每个令牌每天按身份证号查询、未查到未结疑点的次数上限（超过即拒绝并记入访问日志）。",
        ),
    ] = 1000,
    ssl_certfile: Annotated[
        Path | None,
        typer.Option(help="HTTPS 证书文件（PEM）；与 --ssl-keyfile 一同给出时以 HTTPS 提供服务。"),
    ] = None,
    ssl_keyfile: Annotated[Path | None, typer.Option(help="HTTPS 私钥文件（PEM）。")] = None,
) -> None:
    """在运行结果的数据库上启动审核页面和接口（接口文档在 /docs）；给出证书和私钥时以 HTTPS 提供服务。"""
    import uvicorn

    from api.app import create_app
    from api.settings import ApiSettings

    with errors_reported():
        if not db.is_file():
            raise DoudiError(f"数据库 {db} 不存在：请先运行 `doudi run`")
        tls = _checked_tls(ssl_certfile, ssl_keyfile)
        connect(db).close()  # refused here in Chinese (in use, not Doudi's), not in the server
        application = create_app(
            ApiSettings(
                db_path=db,
                score_lookups_per_minute=score_lookups_per_minute,
                id_lookup_misses_per_day=id_lookup_misses_per_day,
            )
        )
        if not tls and not is_loopback(host):
            err_console.print(f"[bold yellow]警告[/]：{CLEAR_TEXT.format(host=host)}", markup=True,
                              highlight=False, soft_wrap=True)  # fmt: skip
        base = f"{'https' if tls else 'http'}://{host}:{port}"
        console.print(f"审核页面: {base}/    接口文档: {base}/docs （数据库 {db}）")
        uvicorn.run(application, host=host, port=port, log_level="warning", **tls)


# What ``serve`` says when it listens beyond this machine without a certificate.
CLEAR_TEXT = (
    "监听地址 {host} 不是本机回环地址，且未提供证书（--ssl-certfile、--ssl-keyfile）：令牌和疑点数据将以"
    "明文在网络上传输，同一局域网中的任何人都可能截获令牌并冒用。请提供证书以 HTTPS 提供服务，或只在本机"
    "（127.0.0.1）监听并经 HTTPS 反向代理对外提供"
)


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine alone (127.0.0.0/8, ::1, ``localhost``).

    Parameters
    ----------
    host : str
        The address ``serve`` listens on.

    Returns
    -------
    bool
        True for a loopback address or ``localhost``; False for any other (``0.0.0.0``, a
        LAN address, a host name).

    Examples
    --------
    >>> [is_loopback(h) for h in ("127.0.0.1", "::1", "localhost", "0.0.0.0", "192.168.1.5")]
    [True, True, True, False, False]
    """
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _checked_tls(certfile: Path | None, keyfile: Path | None) -> dict[str, str]:
    """uvicorn's TLS arguments, after checking the certificate and key load together; none
    without them. Refused in Chinese: one without the other, a missing or unreadable file."""
    if certfile is None and keyfile is None:
        return {}
    if certfile is None or keyfile is None:
        raise DoudiError("--ssl-certfile 与 --ssl-keyfile 须一同给出（证书和私钥）")
    for path, what in ((certfile, "证书"), (keyfile, "私钥")):
        if not path.is_file():
            raise DoudiError(f"{what}文件 {path} 不存在")
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(certfile, keyfile)
    except (ssl.SSLError, OSError) as error:
        raise DoudiError(f"无法读取证书 {certfile} 和私钥 {keyfile}：请确认均为 PEM 格式且相互匹配"
                         ) from error  # fmt: skip
    return {"ssl_certfile": str(certfile), "ssl_keyfile": str(keyfile)}


@app.command(cls=ChineseCommand)
def export(
    out: Annotated[Path, typer.Option(help="写出台账（XLSX）的文件夹。")],
    db: DbOption = Path("doudi.duckdb"),
    forms: Annotated[bool, typer.Option("--forms", help="另写出梁平表式附件1–4。")] = False,
    unit: Annotated[str | None, typer.Option(help="附件1–4 的填报单位（不填则留空）。")] = None,
) -> None:
    """写出各类疑点的摸排台账（每个乡镇一个工作表）和汇总表；加 --forms 另写出梁平表式
    附件1–4。摸排台账和附件1–3 含完整身份证号和联系电话（汇总表、附件4 不含个人信息）：
    是本单位留存的文件，在本机写出，请妥善保管，不要外传（审核页面按角色隐去号码）。
    多区县数据包另为每个区县单独写一个文件夹（没有疑点的区县也写出空表）。"""
    with errors_reported():
        _existing(db)
        _export(db, out, forms, unit)


def _export(db: Path, out: Path, forms: bool, unit: str | None) -> None:
    """Write every ledger of the published run in ``db`` (and the forms) into ``out``."""
    from api.ledgers import ledger_households, ledger_workbook, summary_workbook
    from api.liangping_forms import FORMS, liangping_form
    from api.storage import opened
    from models.publish import working_run
    from resolver.ingest import drop_counties

    with opened(db) as storage:
        working_run(storage.store.cursor)  # none published: empty ledgers read as no leads
        published = storage.snapshot.published
        households = ledger_households(storage.store.cursor)  # 家庭人数 off any roster
        private_folder(out)
        with_forms = "（含附件1–4）" if forms else ""
        # logged before a file is written too: an export killed halfway left files of full IDs
        # and no entry (a blind tester's kill -9, until 2026-12-07 (night))
        log_cli_read(storage.tokens, "download_ledger",
                     f"export 开始{with_forms}，完整身份证号 → {out}")  # fmt: skip
        written: list[Path] = []
        try:
            for county in [None, *drop_counties(storage.store.cursor)]:
                folder = out / county if county else out
                private_folder(folder)
                for case_type, label in CASE_LABELS.items():
                    content = ledger_workbook(published, case_type, county=county,
                                              masked=False, households=households)  # fmt: skip
                    _write(folder / f"{label}摸排台账.xlsx", content, written)
                _write(folder / "汇总表.xlsx", summary_workbook(published, county), written)
                for form in FORMS if forms else ():
                    filled = liangping_form(storage.store.cursor, published, form, masked=False,
                                            unit=unit, county=county)  # fmt: skip
                    _write(folder / filled.name, filled.content, written)
        finally:  # what was written is logged, also when a file could not be
            log_cli_read(storage.tokens, "download_ledger",
                         f"export {len(written)}个文件{with_forms}，完整身份证号 → {out}")  # fmt: skip
    console.print(
        f"已写出 {len(written)} 个台账文件到 {out}（摸排台账{'和附件1–3' if forms else ''}"
        "含完整身份证号和联系电话，请妥善保管）"
    )


def _write(path: Path, content: bytes, written: list[Path]) -> None:
    """Write ``path`` whole (``write_whole``) and add it to ``written``."""
    write_whole(path, content)
    written.append(path)


@app.command(cls=ChineseCommand)
def report(
    out: Annotated[Path, typer.Option(help="要写出的 XLSX 文件。")],
    first: Annotated[
        str | None, typer.Option("--from", help="起始：年-月（2019-06）或年-月-日。")
    ] = None,
    last: Annotated[
        str | None, typer.Option("--to", help="截止：年-月（2019-11，到月末）或年-月-日。")
    ] = None,
    monthly: Annotated[
        bool,
        typer.Option(
            "--monthly", help="写出月度分析报告（本次运行与上次运行相比），不用 --from/--to。"
        ),
    ] = False,
    db: DbOption = Path("doudi.duckdb"),
    unit: Annotated[str | None, typer.Option(help="填报单位（不填则留空）。")] = None,
    county: Annotated[
        str | None, typer.Option(help="多区县数据：只写此区县（区划代码或名称）的报表。")
    ] = None,
) -> None:
    """新纳入和退出低保、特困人员分类梳理表：时间段内谁纳入、谁退出，按乡镇和原因
    （原因据数据推断，需核实）。加 --monthly 则写出月度分析报告：新增、已消除（及消除原因）和仍在的疑点，
    本期核实属实的金额，逾期未处置和超过30天未处置的疑点，各乡镇变化。多区县数据可用 --county
    只写一个区县的。"""
    with errors_reported():
        if monthly and (first or last):
            raise DoudiError(
                "--monthly 与 --from/--to 不能同时使用：月度报告比较最近两次运行，不按时间段"
            )
        if not monthly and not (first and last):
            raise DoudiError(
                "请给出 --from 和 --to（时间段报表），或使用 --monthly（月度分析报告）"
            )
        if monthly:
            _monthly_report(db, out, unit, county)
        else:
            _period_report(db, out, unit, first, last, county)


def _monthly_report(db: Path, out: Path, unit: str | None, county: str | None) -> None:
    """Write the monthly report of ``db`` (the review API's ``monthly.xlsx``), of one county
    when given, to ``out``."""
    from api.monthly_report import monthly_report, monthly_summary
    from api.storage import opened
    from models.publish import interrupted_run, published_run
    from resolver.ingest import resolve_county

    _existing(db)
    with opened(db) as storage:
        run_id = published_run(storage.store.cursor)  # its published tables: whole
        if (stopped := interrupted_run(storage.store.cursor)) is not None:
            console.print(f"[yellow]注意[/]：最近一次运行（{stopped}）中途停止，未发布；以下报告的是"
                          f"上次发布的运行（{run_id}）", highlight=False)  # fmt: skip
        county = resolve_county(storage.store.cursor, county)
        written = monthly_report(
            storage.snapshot.published.of_county(county), masked=False, unit=unit, county=county
        )
        log_cli_read(storage.tokens, "download_ledger", f"monthly 逾期{written.overdue}行 "
                     f"超过30天{written.long_open}行 → {out}", run_id=written.run_id)  # fmt: skip
    write_whole(out, written.content)
    console.print(f"{monthly_summary(written)}已写出 {out}", highlight=False)


def _period_report(db: Path, out: Path, unit: str | None, first: str, last: str,
                   county: str | None) -> None:  # fmt: skip
    """Write the entries and exits of the period ``first``–``last`` of ``db`` (of one county
    when given) to ``out``."""
    from api.period_report import (
        period_bounds,
        period_movements,
        period_report_workbook,
        report_summary,
    )
    from resolver.ingest import resolve_county

    start, end = period_bounds(first, last)
    with token_store(db) as tokens:
        county = resolve_county(tokens.store.cursor, county)
        movements = period_movements(tokens.store.cursor, start, end, county)
        log_cli_read(tokens, "download_ledger",
                     f"movements {start}~{end} {len(movements)}行 → {out}")  # fmt: skip
    write_whole(out, period_report_workbook(movements, start, end, masked=False, unit=unit))
    console.print(f"{report_summary(movements, start, end)}已写出 {out}", highlight=False)


def _existing(db: Path) -> None:
    if not db.is_file():
        raise DoudiError(f"没有数据库 {db}：请先运行 `doudi run`")


token_app = typer.Typer(cls=ChineseUsageGroup, help="审核接口的访问令牌。")
audit_app = typer.Typer(cls=ChineseUsageGroup, help="访问日志：核验哈希链。")


app.add_typer(token_app, name="token")
app.add_typer(audit_app, name="audit")
TokenIdArgument = Annotated[str, typer.Argument(help="令牌编号（doudi token list 可查）。")]
DaysOption = Annotated[int, typer.Option(min=1, max=365, help="有效天数。")]


@contextmanager
def token_store(db: Path) -> Iterator:
    """The tokens and the access log of ``db`` (an existing file), opened for one command.

    Parameters
    ----------
    db : Path
        The run's database.

    Yields
    ------
    TokenStore
        Its tokens and access log (``.store``: the file, for other reads of the command).

    Raises
    ------
    DoudiError
        When there is no such file.
    """
    from api.store import Store
    from api.tokens import TokenStore

    if not db.is_file():
        raise DoudiError(f"没有数据库 {db}：请先运行 `doudi run`")
    store = Store(db)
    try:
        yield TokenStore(store)
    finally:
        store.close()


def log_cli_read(tokens, action: str, target: str, *, run_id: str | None = None) -> None:
    """Write to the access log that the command line (``cli:<OS user>``) read personal data:
    an export, a report or a screening writes files a person reads, and is logged as the
    API logs the same read.

    Parameters
    ----------
    tokens : TokenStore
        The database's tokens and access log (``token_store``, or a ``Storage``'s).
    action : str
        What was read (the API's name for the same read: ``download_ledger``,
        ``screen_payments``).
    target : str
        Which data and how much of it, with the files read and written; an ID or account
        number in it (a file named after a person) is logged masked, as the admin who reads
        the log may see none.
    run_id : str, optional
        The run the read made, logged before the target as it is: its date and time digits
        are no ID, and masked they would no longer name the run.
    """
    from api.masking import logged_target
    from api.tokens import LogEntry

    actor = _cli_actor()
    logged = logged_target(target, run_id=run_id)
    entry = LogEntry(datetime.now(), actor.name, actor.role, action, logged)
    tokens.append_access([entry])


def log_cli_job(db: Path, action: str, target: str, *, run_id: str | None = None) -> None:
    """Write to ``db``'s access log that a command-line job (``run``, ``update``, ``ingest``)
    read a drop of personal data into it and wrote what it found (``log_cli_read``).

    Parameters
    ----------
    db : Path
        The database the job wrote.
    action : str
        The job: ``run_drop``, ``update_drop`` or ``ingest_drop``.
    target : str
        The drop read and what was written.
    run_id : str, optional
        The run a ``run`` or an ``update`` made: who made a run is found in the access log
        by its id, the one record of who did what.
    """
    from api.seals import run_seal, run_sealed

    with token_store(db) as tokens:
        if run_id is not None:  # the leads it published, sealed (``doudi audit verify``)
            target = f"{target} {run_sealed(run_seal(tokens.store.cursor, run_id))}"
        log_cli_read(tokens, action, target, run_id=run_id)


def _cli_actor():
    """The command line as the actor of a token change or a read: ``cli:<OS user>``."""
    from api.tokens import Actor

    try:
        user = getpass.getuser()
    except Exception:  # no user name in this environment
        return Actor("cli", "cli")
    return Actor(f"cli:{user}", "cli")


@token_app.command("create", cls=ChineseCommand)
def token_create(
    role: Annotated[
        str,
        typer.Option(
            help="角色：auditor（审计员）、analyst（数据分析）、consumer（接口调用）或 admin（管理员）。"
        ),
    ],
    name: Annotated[str, typer.Option(help="令牌持有人。")],
    db: DbOption = Path("doudi.duckdb"),
    days: DaysOption = 90,
) -> None:
    """创建令牌并只显示这一次（只保存其哈希值）。"""
    with errors_reported(), token_store(db) as tokens:
        minted = tokens.mint(name=name, role=role, by=_cli_actor(), days=days)
    print(minted["token"])
    err_console.print(f"令牌编号 {minted['token_id']}：{minted['name']}（{minted['role']}），"
                      f"有效期至 {minted['expires_at']:%Y-%m-%d %H:%M}", highlight=False)  # fmt: skip


@token_app.command("list", cls=ChineseCommand)
def token_list(db: DbOption = Path("doudi.duckdb")) -> None:
    """列出全部令牌：编号、持有人、角色、状态、由谁创建和吊销。"""
    from rich.table import Table

    with errors_reported(), token_store(db) as tokens:
        listed = tokens.listed()
    table = Table(title=f"访问令牌（{len(listed)} 个）")
    for column in ("编号", "名称", "角色", "状态", "创建时间", "创建人", "到期时间", "吊销时间",
                   "吊销人"):  # fmt: skip
        table.add_column(column)
    for token in listed:
        table.add_row(token["token_id"], token["name"], token["role"], STATUS[token["status"]],
                      _when(token["created_at"]), token["created_by"] or "",
                      _when(token["expires_at"]), _when(token["revoked_at"]),
                      token["revoked_by"] or "")  # fmt: skip
    console.print(table)


@token_app.command("revoke", cls=ChineseCommand)
def token_revoke(token_id: TokenIdArgument, db: DbOption = Path("doudi.duckdb")) -> None:
    """按编号吊销一个令牌（最后一个有效的管理员令牌不能吊销）。"""
    with errors_reported(), token_store(db) as tokens:
        revoked = tokens.revoke(token_id, by=_cli_actor())
    console.print(f"已吊销令牌 {token_id}：{revoked['name']}（{revoked['role']}）",
                  highlight=False)  # fmt: skip


@token_app.command("renew", cls=ChineseCommand)
def token_renew(
    token_id: TokenIdArgument, db: DbOption = Path("doudi.duckdb"), days: DaysOption = 90
) -> None:
    """按编号为令牌续期：自现在起的天数（已过期的也可续期，已吊销的不能）。"""
    with errors_reported(), token_store(db) as tokens:
        renewed = tokens.renew(token_id, by=_cli_actor(), days=days)
    console.print(f"令牌 {token_id}（{renewed['name']}）已续期至 "
                  f"{renewed['expires_at']:%Y-%m-%d %H:%M}", highlight=False)  # fmt: skip


@audit_app.command("verify", cls=ChineseCommand)
def audit_verify(db: DbOption = Path("doudi.duckdb")) -> None:
    """核验访问日志的哈希链（每条都接在前一条之后、内容未被改动），并以日志中的封存核对核查事件、关联标注
    和各次运行发布的疑点（未被改动、删除或绕过服务写入）。发现问题时以非零状态退出。"""
    from api.seals import check_seals

    with errors_reported(), token_store(db) as tokens:
        check = tokens.verify_access_log()
        seals = check_seals(tokens.store.cursor, (row[4:6] for row in tokens.access_chain()))
    if check.ok:
        console.print(f"访问日志完好：共 {check.count} 条，哈希链无断点。末条序号 {check.head_seq}，"
                      f"末条哈希 {check.head_hash}（可另行记下：末尾若被删去，只有对照它才能发现）",
                      highlight=False)  # fmt: skip
    else:
        err_console.print(f"[bold red]访问日志被改动[/]：序号 {check.broken_seq} 处断链——"
                          f"{check.problem}。此前 {check.count} 条完好。", highlight=False)  # fmt: skip
    if seals.ok:
        before = (f"（其中 {seals.unsealed} 条记于封存机制之前，只核对了编号）"
                  if seals.unsealed else "")  # fmt: skip
        console.print(f"核查记录与日志一致：{seals.events} 条核查事件、{seals.labels} 条关联标注、"
                      f"{seals.runs} 次运行发布的疑点均与访问日志中的封存相符{before}。",
                      highlight=False)  # fmt: skip
    for problem in seals.problems:
        err_console.print(f"[bold red]核查记录被改动[/]：{problem}", highlight=False)
    if not (check.ok and seals.ok):
        raise typer.Exit(1)


STATUS = {"active": "有效", "expired": "已过期", "revoked": "已吊销"}


def _when(value) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else ""
