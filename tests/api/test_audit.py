"""The access log: a reader's flush sees every entry recorded before it."""

from __future__ import annotations

import threading
import time

from api.audit import AccessLog
from api.store import Store
from api.tokens import TokenStore


class SlowTokens(TokenStore):
    """A real token store whose batch insert of the access log starts late, as under load."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.writing = threading.Event()

    def log_access(self, entries):
        if entries:
            self.writing.set()
            time.sleep(0.3)
        super().log_access(entries)


def test_a_flush_waits_for_the_batch_being_written(tmp_path):
    store = Store(tmp_path / "run.duckdb")
    tokens = SlowTokens(store)
    access = AccessLog(tokens, flush_seconds=0.01)
    access.record("consumer-1", "consumer", "score_by_id_number", "532326********1539")
    access.start()
    try:
        assert tokens.writing.wait(5)  # the background thread holds the entry mid-write
        access.flush()
        total, items = tokens.access_log(offset=0, limit=10)
        assert total == 1 and items[0]["actor"] == "consumer-1"
    finally:
        access.stop()
        store.close()
