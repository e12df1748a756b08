"""The review API's storage, in the run's DuckDB file (``api.store``), by job:

- ``snapshot`` (``api.snapshot``): the published runs and cases, held in memory;
- ``reviews`` (``api.reviews``): decisions (append-only events) and link labels;
- ``tokens`` (``api.tokens``): bearer tokens and the access log;
- ``analysis`` (``api.analysis``): the analysts' what-if and triage;
- ``screenings`` (``api.screenings``): payment lists screened before the bank (发放前审核).

The server is the file's one writer: each request thread gets its own cursor.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from api.analysis import Analysis
from api.reviews import Reviews
from api.screenings import Screenings
from api.snapshot import Snapshot
from api.store import Store
from api.tokens import TokenStore


class Storage:
    """The file opened once, and its five parts."""

    def __init__(self, db_path: Path) -> None:
        self.store = Store(db_path)
        self.snapshot = Snapshot(self.store)
        self.reviews = Reviews(self.store, self.snapshot)
        self.tokens = TokenStore(self.store)
        self.analysis = Analysis(self.store, self.snapshot)
        self.screenings = Screenings(self.store)

    def close(self) -> None:
        """Close the file."""
        self.store.close()


@contextmanager
def opened(db_path: Path) -> Iterator[Storage]:
    """The storage of a file, closed when the block ends.

    Parameters
    ----------
    db_path : Path
        The run's DuckDB file.

    Yields
    ------
    Storage
        The file's storage.
    """
    storage = Storage(db_path)
    try:
        yield storage
    finally:
        storage.close()


def loads(value: str | None) -> Any:
    """A JSON column's value, decoded.

    Parameters
    ----------
    value : str or None
        The JSON text.

    Returns
    -------
    Any
        The decoded value; None for None or empty text.
    """
    return json.loads(value) if value else None
