"""The access log: who read which case detail and who looked up a score by ID number.

Reads must stay fast, so entries are queued in memory and a background thread appends them
in batches every ``flush_seconds`` (and at shutdown): at most that long of entries is at
risk if the process is killed.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime

from api.tokens import TokenStore

log = logging.getLogger(__name__)


class AccessLog:
    def __init__(self, tokens: TokenStore, *, flush_seconds: float) -> None:
        self.tokens = tokens
        self.flush_seconds = flush_seconds
        self._pending: list[tuple[datetime, str, str, str, str]] = []
        self._lock = threading.Lock()
        # Held for a whole flush, so that a reader's flush waits for a batch being written.
        self._flushing = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="access-log", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def record(self, actor: str, role: str, action: str, target: str) -> None:
        with self._lock:
            self._pending.append((datetime.now(), actor, role, action, target))

    def flush(self) -> None:
        """Write every entry recorded so far; when it returns, a read of the log sees them."""
        with self._flushing:
            with self._lock:
                pending, self._pending = self._pending, []
            try:
                self.tokens.log_access(pending)
            except Exception:
                with self._lock:
                    self._pending[:0] = pending
                raise

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.flush()

    def _run(self) -> None:
        while not self._stop.wait(self.flush_seconds):
            try:
                self.flush()
            except Exception:  # a failed flush must not stop later ones
                log.exception("writing the access log failed")
