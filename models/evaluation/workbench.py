"""The run a notebook works on.

``open_workbench`` opens the run's DuckDB file read-only (``DOUDI_DB``) with the truth of a
synthetic county when there is one (``DOUDI_TRUTH``); without ``DOUDI_DB`` it runs the whole
job on a small synthetic county in a temporary folder first, so that every notebook runs top
to bottom on a fresh machine. A file the review server has open cannot be opened here: work
on a copy, or while the server is stopped.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from models.pipeline import run_pipeline
from models.policy import load_policy
from models.publish import RunConfiguration, run_configuration, working_run
from resolver.db import connect
from resolver.settings import LinkSettings
from resolver.synthetic import synthesize


@dataclass
class Workbench:
    """A published run: its connection (read-only), id, configuration and, for a synthetic
    county, the folder of its truth."""

    con: duckdb.DuckDBPyConnection
    run_id: str
    configuration: RunConfiguration
    truth_dir: Path | None


def open_workbench(*, people: int = 3000, seed: int = 7) -> Workbench:
    """The run named by ``DOUDI_DB`` (and ``DOUDI_TRUTH``), else a fresh synthetic county of
    ``people`` run in a temporary folder.

    Parameters
    ----------
    people : int, default 3000
        How many people the fresh county has (without ``DOUDI_DB``).
    seed : int, default 7
        Seed of the fresh county (without ``DOUDI_DB``).

    Returns
    -------
    Workbench
        The run's read-only connection, id, configuration and truth folder (if any).
    """
    db_path, truth = os.environ.get("DOUDI_DB"), os.environ.get("DOUDI_TRUTH")
    if not db_path:
        out = Path(tempfile.mkdtemp(prefix="doudi-notebook-"))
        drop = synthesize(out / "county", people=people, seed=seed).drop_dir
        result = run_pipeline(drop, out, policy=load_policy(), settings=LinkSettings())
        db_path, truth = str(result.db_path), str(out / "county" / "truth")
    con = connect(db_path, read_only=True)
    run_id = working_run(con)
    return Workbench(con, run_id, run_configuration(con, run_id), Path(truth) if truth else None)
