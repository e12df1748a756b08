"""The review API: ``create_app(settings)`` builds it; ``doudi serve`` runs it with uvicorn.

Nothing is opened at import time: the DuckDB file and the access-log writer start with the
app and stop with it. A case is a 疑点 for a person to verify; nothing here stops a payment.

Around every request: a body larger than ``ApiSettings.max_body_bytes`` (on the route that
takes a payment list, ``LARGER_BODIES``: 20 MB, for a caller whose bearer token is active)
is refused with 413 before it is read (``BodyLimit``: bodies are read before the route
authenticates the caller), and
every response carries a Content-Security-Policy (no frames, nothing from outside the
server), ``nosniff``, and under ``/api/`` ``Cache-Control: no-store``: answers hold
personal data (``SecurityHeaders``). The interactive docs (``/docs``) load Swagger UI from
the server itself (the ``fastapi-offline`` package's copy): county networks are often
offline intranets.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI, HTTPException
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.audit import AccessLog
from api.limits import DailyCount, RateLimiter
from api.routers import admin, cases, ledgers, meta, runs, scores, screenings, tuning
from api.settings import ApiSettings
from api.storage import Storage
from api.validation import http_error, unexpected_error, validation_failed

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
# Swagger UI's script, style sheet and icon, as the fastapi-offline package ships them.
DOCS_ASSETS = Path(fastapi_offline.__file__).parent / "static"
_POLICY = ("default-src 'self'; {scripts}; {styles}; img-src 'self' data:; "
           "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
           "frame-ancestors 'none'")  # fmt: skip
# The review page: its own script and style sheet; app.js sets a few bar widths inline.
PAGE_CSP = _POLICY.format(
    scripts="script-src 'self'", styles="style-src 'self'; style-src-attr 'unsafe-inline'"
)
# Routes that read a larger body than ``ApiSettings.max_body_bytes``, by path: a month's
# payment list uploaded for screening (50,000 lines as CSV are some 5 MB).
LARGER_BODIES = {"/api/screenings": 20_000_000}


def create_app(settings: ApiSettings) -> FastAPI:
    """The review API over the run's DuckDB file.

    Parameters
    ----------
    settings : ApiSettings
        The file, the access log's flush interval, the page and body limits.

    Returns
    -------
    FastAPI
        The application (the file is opened when it starts, closed when it stops).
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        storage = Storage(settings.db_path)
        storage.snapshot.published  # noqa: B018 - load the snapshot before the first request
        access_log = AccessLog(storage.tokens)
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
        docs_url=None,  # served below, from the server's own copy of Swagger UI
        redoc_url=None,
    )
    app.state.score_limiter = RateLimiter(settings.score_lookups_per_minute)
    app.state.id_lookup_misses = DailyCount(settings.id_lookup_misses_per_day)
    app.state.enumeration_noted = RateLimiter(1)  # a refusal noted once a minute per token
    app.state.sign_in_limiter = RateLimiter(settings.failed_sign_ins_per_minute)
    app.add_exception_handler(RequestValidationError, validation_failed)
    app.add_exception_handler(StarletteHTTPException, http_error)
    for router in (meta.router, cases.router, scores.router, runs.router, ledgers.router,
                   tuning.router, admin.router, screenings.router):  # fmt: skip
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount("/docs-assets", StaticFiles(directory=DOCS_ASSETS), name="docs-assets")
    docs_page = get_swagger_ui_html(
        openapi_url=app.openapi_url or "/openapi.json", title=f"{app.title} - Swagger UI",
        swagger_js_url="/docs-assets/swagger-ui-bundle.js",
        swagger_css_url="/docs-assets/swagger-ui.css",
        swagger_favicon_url="/docs-assets/favicon.png",
        swagger_ui_parameters={"validatorUrl": None},  # no badge fetched from outside
    ).body  # fmt: skip
    docs_csp = docs_policy(bytes(docs_page))

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        """The interactive docs, every file from this server."""
        return HTMLResponse(docs_page, headers={"Content-Security-Policy": docs_csp})

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        """The review page (a static front end over this API)."""
        return FileResponse(STATIC / "index.html")

    @app.get("/api/health", tags=["health"])
    def health() -> dict[str, str | None]:
        """Liveness, and the run whose cases are served."""
        return {"status": "ok", "published_run": app.state.storage.snapshot.latest_run()}

    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes, larger=LARGER_BODIES)
    app.add_middleware(SecurityHeaders)  # the outer one: a 413 carries the headers too
    return app


def docs_policy(page: bytes) -> str:
    """The Content-Security-Policy of the docs page: scripts from the server and the page's
    own inline script (by its hash); Swagger UI's inline styles.

    Parameters
    ----------
    page : bytes
        The docs page's HTML.

    Returns
    -------
    str
        The policy.
    """
    inline = re.findall(rb"<script>(.*?)</script>", page, flags=re.DOTALL)
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(script).digest()).decode()}'"
        for script in inline
    )
    return _POLICY.format(
        scripts=f"script-src 'self' {hashes}".rstrip(), styles="style-src 'self' 'unsafe-inline'"
    )


class BodyTooLarge(HTTPException):
    """A request body over the limit (413); the connection is closed, not read further.

    Parameters
    ----------
    max_bytes : int
        The limit.
    """

    def __init__(self, max_bytes: int) -> None:
        super().__init__(
            413, f"请求体过大，上限 {max_bytes} 字节",
            headers={"Connection": "close"},
        )  # fmt: skip


async def _active_token(scope: Scope, headers: Headers):
    """The request's bearer token when it is known, not revoked, not expired; else None."""
    scheme, _, token = headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    tokens = scope["app"].state.storage.tokens
    found = tokens.find_cached(token) or await run_in_threadpool(tokens.find, token)
    return found if found is not None and found.problem(datetime.now()) is None else None


class BodyLimit:
    """ASGI middleware refusing a request body over ``max_bytes`` with 413: at once when its
    Content-Length says so (nothing read, the route not run, so before authentication), and
    as soon as a body without one (chunked) goes past it.

    Parameters
    ----------
    app : ASGIApp
        The application.
    max_bytes : int
        The largest body read.
    larger : Mapping of str to int, optional
        A larger limit for these paths (exactly as requested), e.g. an upload's, for a request
        whose bearer token is active (looked up as ``api.auth`` looks it up; a made-up or
        revoked token gets the general limit, and the route then refuses it).
    """

    def __init__(
        self, app: ASGIApp, max_bytes: int, larger: Mapping[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = dict(larger or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        max_bytes = self.max_bytes
        token = await _active_token(scope, headers) if scope["path"] in self.larger else None
        if token is not None:
            max_bytes = max(self.larger[scope["path"]], max_bytes)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            await self._refuse(scope, receive, send, max_bytes, token)
            return
        received, started = 0, False

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    raise BodyTooLarge(max_bytes)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, watched)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(scope, receive, send, max_bytes, token)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, max_bytes: int,
                      token) -> None:  # fmt: skip
        """Answer 413; an upload refused is written to the access log when a known token sent
        it (``token``: found only on an upload's path; an anonymous sender read nothing, and
        must not be able to flood the log)."""
        if token is not None:
            await scope["app"].state.access_log.log(
                token.name, token.role, "upload_refused",
                f"{scope['path']} 超过 {max_bytes / 1e6:.0f} MB，未读取 413",
                token_id=token.token_id)  # fmt: skip
        error = BodyTooLarge(max_bytes)
        response = JSONResponse({"detail": error.detail}, 413, headers=error.headers)
        await response(scope, receive, send)


class SecurityHeaders:
    """ASGI middleware giving every response a Content-Security-Policy (``PAGE_CSP`` unless
    the route set its own), ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``,
    ``Referrer-Policy: no-referrer``, and under ``/api/`` ``Cache-Control: no-store``. An
    unexpected error is logged and answered 500 with a Chinese message and these headers
    (``api.validation.unexpected_error``), never with its traceback or its words.

    Parameters
    ----------
    app : ASGIApp
        The application.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        personal = scope["path"].startswith("/api/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", PAGE_CSP)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Referrer-Policy", "no-referrer")
                if personal:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await with_headers(message)

        try:
            await self.app(scope, receive, watched)
        except Exception:  # a fault of ours: logged here, answered in Chinese, never shown
            log.exception("unexpected error on %s %s", scope["method"], scope["path"])
            if started:
                raise
            await unexpected_error()(scope, receive, with_headers)
