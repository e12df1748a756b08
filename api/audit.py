"""The access log's writer: who read which case, history or labels, who looked up a score,
who failed to sign in, who changed a token, who read the log.

No read is answered before its entry is committed. ``record`` queues the entry for one
writer thread, which appends whatever has queued in one DuckDB transaction (group commit:
concurrent reads share a commit) chained by ``api.tokens``, then wakes each waiter:

- called in a worker thread (a sync route), ``record`` waits for the commit;
- called on the event loop (an ``async`` route), it returns at once, and the request's
  ``AccessLogDep`` (``durable``) awaits the commit after the route returns and before the
  response is sent. The event loop never touches DuckDB.

A crash can lose only entries whose responses were never sent. Should the write fail, the
read fails with it (500) rather than go out unlogged.

Each entry carries the caller's ``token_id`` (names need not be unique), bound to the
request by ``authenticate`` (``bind_token``).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator
from concurrent.futures import Future
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import datetime

from api.masking import logged_target
from api.tokens import LogEntry, TokenStore

log = logging.getLogger(__name__)

# The entries an async route recorded, which its response waits for (set by ``durable``).
_awaited: ContextVar[list[Future] | None] = ContextVar("doudi_access_awaited", default=None)
# The caller's token id, for every entry of the request (set by ``authenticate``).
_token_id: ContextVar[str | None] = ContextVar("doudi_access_token_id", default=None)


def bind_token(token_id: str | None) -> None:
    """Name the caller's token in every entry recorded for the current request.

    Parameters
    ----------
    token_id : str or None
        The id of the token the request was admitted with.
    """
    _token_id.set(token_id)


class AccessLog:
    """Entries queued and committed by one writer thread, each caller answered after its
    entry's commit (see the module's docstring).

    Parameters
    ----------
    tokens : TokenStore
        Where the entries are appended (chained).
    """

    def __init__(self, tokens: TokenStore) -> None:
        self.tokens = tokens
        self._queue: list[tuple[LogEntry, Future]] = []
        self._last: Future | None = None
        self._ready = threading.Condition()
        self._running = False
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="access-log", daemon=True)

    def start(self) -> None:
        """Start the writer thread (until then, and after ``stop``, entries are written at
        once by the caller)."""
        with self._ready:
            self._running, self._stopping = True, False
        self._thread.start()

    def record(
        self, actor: str, role: str, action: str, target: str, *, token_id: str | None = None,
        run_id: str | None = None,
    ) -> Future:  # fmt: skip
        """Log one access.

        In a worker thread this returns when the entry is committed; on the event loop it
        returns at once, and the request's ``AccessLogDep`` awaits the commit before the
        response is sent (``log`` awaits it in place).

        Parameters
        ----------
        actor : str
            Who (a token's name, ``anonymous`` for a failed sign-in).
        role : str
            The actor's role.
        action : str
            What, e.g. ``read_case``.
        target : str
            On what, e.g. a case id; kept with its ID and account numbers masked
            (``logged_target``), whoever typed them.
        token_id : str, optional
            The actor's token; by default the one the request was admitted with.
        run_id : str, optional
            The run read, kept before the target as it is.

        Returns
        -------
        concurrent.futures.Future
            Done with the entry's sequence number once committed.

        Raises
        ------
        Exception
            In a worker thread, whatever the write raised: the read must then fail too.
        """
        future = self._enqueue(actor, role, action, logged_target(target, run_id=run_id),
                               token_id)  # fmt: skip
        if not _on_event_loop():
            future.result()
        elif (awaited := _awaited.get()) is not None:
            awaited.append(future)
        else:
            log.warning("access %s recorded on the event loop outside a request", action)
        return future

    async def log(
        self, actor: str, role: str, action: str, target: str, *, token_id: str | None = None
    ) -> int:
        """Log one access and wait (without blocking the event loop) for its commit.

        Parameters
        ----------
        actor : str
            Who.
        role : str
            The actor's role.
        action : str
            What.
        target : str
            On what; kept with its ID and account numbers masked (``logged_target``).
        token_id : str, optional
            The actor's token; by default the one the request was admitted with.

        Returns
        -------
        int
            The entry's sequence number.
        """
        entry = self._enqueue(actor, role, action, logged_target(target), token_id)
        return await asyncio.wrap_future(entry)

    @asynccontextmanager
    async def durable(self) -> AsyncIterator[AccessLog]:
        """The scope of one request: on leaving it, wait for the commit of every entry the
        request recorded on the event loop (``AccessLogDep`` enters it around the route).

        Yields
        ------
        AccessLog
            This log.
        """
        awaited: list[Future] = []
        _awaited.set(awaited)
        try:
            yield self
        finally:
            _awaited.set(None)
            if awaited:
                await asyncio.gather(*(asyncio.wrap_future(future) for future in awaited))

    def flush(self) -> None:
        """Wait until every entry recorded so far is committed (a read of the log then
        sees them)."""
        with self._ready:
            last = self._last
        if last is not None:
            last.exception()  # waits; a failed batch was answered to its callers

    def stop(self) -> None:
        """Write what is queued and stop the writer thread."""
        with self._ready:
            self._stopping = True
            self._ready.notify()
        if self._thread.is_alive():
            self._thread.join()
        with self._ready:
            self._running = False
            left, self._queue = self._queue, []
        self._write(left)

    def _enqueue(
        self, actor: str, role: str, action: str, target: str, token_id: str | None
    ) -> Future:
        """Queue an entry for the writer (or, when it is not running, write it at once)."""
        if token_id is None:
            token_id = _token_id.get()
        future: Future = Future()
        with self._ready:
            entry = LogEntry(datetime.now(), actor, role, action, target, token_id)
            queued = self._running
            if queued:
                self._queue.append((entry, future))
                self._last = future
                self._ready.notify()
        if not queued:
            self._write([(entry, future)])
        return future

    def _run(self) -> None:
        while True:
            with self._ready:
                while not self._queue and not self._stopping:
                    self._ready.wait()
                if not self._queue:
                    return
                batch, self._queue = self._queue, []
            self._write(batch)

    def _write(self, batch: list[tuple[LogEntry, Future]]) -> None:
        if not batch:
            return
        try:
            seqs = self.tokens.append_access([entry for entry, _ in batch])
        except Exception as error:  # each waiting read fails with it; the writer goes on
            log.exception("writing %d access-log entries failed", len(batch))
            for _, future in batch:
                future.set_exception(error)
            return
        for (_, future), seq in zip(batch, seqs, strict=True):
            future.set_result(seq)


def _on_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True
