"""The review API's settings: given to ``create_app``, never read at import time."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ApiSettings:
    """``db_path``: the run's DuckDB file; ``access_log_flush_seconds``: how long an access
    is held in memory before it is written (the log is flushed on shutdown too)."""

    db_path: Path
    access_log_flush_seconds: float = 0.5
    max_page_size: int = 500
