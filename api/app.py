"""The review API: ``create_app(settings)`` builds it; ``doudi serve`` runs it with uvicorn.

Nothing is opened at import time: the DuckDB file and the access-log writer start with the
app and stop with it. A case is a 疑点 for a person to verify; nothing here stops a payment.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from api.audit import AccessLog
from api.routers import admin, cases, ledgers, meta, runs, scores, tuning
from api.settings import ApiSettings
from api.storage import Storage

STATIC = Path(__file__).parent / "static"


def create_app(settings: ApiSettings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        storage = Storage(settings.db_path)
        storage.snapshot.published  # noqa: B018 - load the snapshot before the first request
        access_log = AccessLog(storage.tokens, flush_seconds=settings.access_log_flush_seconds)
        access_log.start()
        app.state.settings, app.state.storage, app.state.access_log = (
            settings, storage, access_log
        )  # fmt: skip
        try:
            yield
        finally:
            access_log.stop()
            storage.close()

    app = FastAPI(
        title="Doudi 兜底 review API",
        summary="疑点 (leads) for reviewers to verify, their decisions, and risk scores.",
        lifespan=lifespan,
    )
    for router in (meta.router, cases.router, scores.router, runs.router, ledgers.router,
                   tuning.router, admin.router):  # fmt: skip
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        """The review page (a static front end over this API)."""
        return FileResponse(STATIC / "index.html")

    @app.get("/api/health", tags=["health"])
    def health() -> dict[str, str | None]:
        """Liveness, and the run whose cases are served."""
        return {"status": "ok", "published_run": app.state.storage.snapshot.latest_run()}

    return app
