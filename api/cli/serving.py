"""Serving: ``serve``, ``export`` and ``token``. The review server's modules (FastAPI,
uvicorn, the ledgers' openpyxl) are imported inside the commands that need them, so that
``doudi run`` starts without them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from api.cli.base import DbOption, app, console, errors_reported
from models.case_types import CASE_LABELS
from resolver.errors import DoudiError


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

    with errors_reported():
        if not db.is_file():
            raise DoudiError(f"no database {db}: run `doudi run` first")
        application = create_app(ApiSettings(db_path=db))
        console.print(f"审核页面: http://{host}:{port}/    接口文档: http://{host}:{port}/docs "
                      f"（数据库 {db}）")  # fmt: skip
        uvicorn.run(application, host=host, port=port, log_level="warning")


@app.command()
def export(
    out: Annotated[Path, typer.Option(help="Folder for the XLSX ledgers.")],
    db: DbOption = Path("doudi.duckdb"),
) -> None:
    """Write the 摸排台账 of each case type (a sheet per township) and the 汇总表."""
    from api.ledgers import ledger_workbook, summary_workbook
    from api.storage import opened

    with errors_reported(), opened(db) as storage:
        out.mkdir(parents=True, exist_ok=True)
        for case_type, label in CASE_LABELS.items():
            content = ledger_workbook(storage.snapshot.published, case_type, mask_ids=False)
            (out / f"{label}摸排台账.xlsx").write_bytes(content)
        (out / "汇总表.xlsx").write_bytes(summary_workbook(storage.snapshot.published))
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
    from api.storage import opened
    from api.tokens import ROLES

    with errors_reported():
        if role not in ROLES:
            raise DoudiError(f"unknown role {role!r}: one of {', '.join(ROLES)}")
        with opened(db) as storage:
            token = storage.tokens.create(name=name, role=role)
    print(token)
