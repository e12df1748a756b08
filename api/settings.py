"""The review API's settings: given to ``create_app``, never read at import time."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ApiSettings:
    """``db_path``: the run's DuckDB file; ``max_page_size``: the most items one page of a list holds; ``max_body_bytes``: the
    largest request body read (a larger one is refused with 413 before it is read, and
    before the caller is authenticated); ``score_lookups_per_minute``: the score lookups (by
    person or ID number) one token may make in any minute; ``id_lookup_misses_per_day``: the
    lookups by ID number that find no open lead one token below auditor may make in a day
    (past it, 429 and the refusal logged as ``suspected_enumeration``: a consumer guessing
    the digits a mask hides tests thousands of numbers); ``failed_sign_ins_per_minute``: the
    refused sign-ins (no, unknown, revoked or expired token) from one address that are
    logged in any minute; past it, 429 and no entry (anyone can send made-up tokens, and
    must not be able to flood the access log)."""

    db_path: Path
    max_page_size: int = 500
    max_body_bytes: int = 1_000_000
    score_lookups_per_minute: int = 120
    id_lookup_misses_per_day: int = 1000
    failed_sign_ins_per_minute: int = 30
