"""The main job: ingest, link, build the household graph, detect, score, write.

Outputs (contract §3) go into the output folder: ``entities.csv`` and ``cases.jsonl``, with
the link settings, the trained link model, the risk model and the policy used beside them.
The run's DuckDB file gets everything, and the run is published there for review
(``models.publish``).
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Collection
from contextlib import closing
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb

from models.carried_ids import carry_case_ids
from models.case_types import DETECTORS
from models.cases import Case, one_per_finding, struck_noted
from models.data_gaps import DataGaps, data_gaps
from models.detection import Searchers
from models.graph import graph_rows
from models.policy import Policy
from models.publish import (
    RepeatedDrop,
    RunConfiguration,
    has_published_run,
    held_before,
    last_published_run,
    publish_run,
    refuse_run,
    repeated_run,
    run_configuration,
    run_gaps,
    start_run,
    working_run,
)
from models.risk import RiskModel
from models.spark_detection import detect_on_spark
from resolver.db import connect
from resolver.headers import Vocabulary
from resolver.ingest import county_aliases, ingest_drop
from resolver.link import LinkReport, link_persons, update_links
from resolver.memory import collector_paused
from resolver.outputs import record_persons, write_entities
from resolver.private import private_folder
from resolver.quality import struck_records
from resolver.settings import LinkSettings
from resolver.spark_backend import SparkEngine

log = logging.getLogger(__name__)
PARALLEL_ROWS = 150_000
"""A county of this many person rows is split by household and searched one process per core
(``models.detection.Searchers``): below it, starting the processes costs more than they
save."""
PART_ROWS = 600_000
"""At most this many person rows in a part searched by one worker at a time (a province's
county is cut into more parts than there are cores, so a worker's graph does not grow with
the province)."""


@dataclass
class RunResult:
    run_id: str
    out_dir: Path
    db_path: Path
    link: LinkReport
    cases_by_type: dict[str, int]
    seconds: dict[str, float] = field(default_factory=dict)
    case_changes: dict[str, int] = field(default_factory=dict)
    """Cases ``new``, ``resolved`` (by data) and still ``open`` against the previous run of
    the database; empty on its first run (nothing to compare with)."""
    gaps: DataGaps = field(default_factory=DataGaps)
    """What the run's data could not judge, as it published them (``models.data_gaps``)."""


def run_pipeline(
    data_dir: Path,
    out_dir: Path,
    *,
    policy: Policy,
    settings: LinkSettings,
    db_path: Path | None = None,
    risk: RiskModel | None = None,
    vocabulary: Vocabulary | None = None,
    spark: SparkEngine | None = None,
    allow_missing: Collection[str] = (),
) -> RunResult:
    """Run everything on the data drop ``data_dir``; cases are scored by ``risk`` (the
    packaged model when None); headers are read with ``vocabulary`` (the built-in one when
    None). With ``spark``, pairs are scored and clustered and cases found on Spark (the model
    is trained, and the run published, in the DuckDB file). Into a database that already
    holds a published run, the drop must hold every registry the last drop held, as for
    ``update_pipeline`` (a registry left out would resolve every lead resting on it).

    Parameters
    ----------
    data_dir : Path
        The data drop.
    out_dir : Path
        The output folder (made when missing).
    policy : Policy
        The policy profile the detectors apply.
    settings : LinkSettings
        The link settings.
    db_path : Path, optional
        The run's DuckDB file; ``out_dir/doudi.duckdb`` when None.
    risk : RiskModel, optional
        The risk model.
    vocabulary : Vocabulary, optional
        The header vocabulary.
    spark : SparkEngine, optional
        The Spark session to score, cluster and detect on.
    allow_missing : Collection[str]
        Registries the last drop of the database held that this one may lack.

    Returns
    -------
    RunResult
        The run's id, folders and database, the link report, the cases per type and the seconds
        of each stage.

    Raises
    ------
    InputError
        If the drop cannot be used, or the database holds a published run and the drop lacks
        a registry its last drop held that is not in ``allow_missing``.
    """
    db_path = db_path or out_dir / "doudi.duckdb"
    con = connect(db_path)
    config = RunConfiguration(policy, settings, risk or RiskModel.load())
    # A county left out of a province is what a full run may drop; a county it holds must
    # hold the registries it held last time.
    return _run_stages(con, data_dir, out_dir, db_path, config, vocabulary,
                       lambda: link_persons(con, settings, spark=spark), spark,
                       expected=held_before(con, allow_missing), whole_counties=False)  # fmt: skip


def update_pipeline(
    data_dir: Path,
    db_path: Path,
    out_dir: Path,
    *,
    retrain: bool = False,
    vocabulary: Vocabulary | None = None,
    allow_missing: Collection[str] = (),
) -> RunResult:
    """Take next month's drop ``data_dir`` into the database of the last published run: the
    drop is ingested, its new and changed rows are linked to the existing persons with the
    stored model (``resolver.link.update_links``; retrained when asked or when the changes
    say so), and every detector runs again with the last run's policy, settings and risk
    model. Person ids and case ids stay those of the last run for what did not change;
    cases no longer raised are resolved by data, with their history kept.

    Parameters
    ----------
    data_dir : Path
        Next month's data drop (whole registries, as every month).
    db_path : Path
        The database of the last published run.
    out_dir : Path
        Folder for ``entities.csv`` and ``cases.jsonl`` (made when missing).
    retrain : bool
        Retrain the link model whatever the changes.
    vocabulary : Vocabulary, optional
        The header vocabulary.
    allow_missing : Collection[str]
        Registries the last drop held that this one may lack (stopped being kept); any
        other one missing refuses the drop.

    Returns
    -------
    RunResult
        As ``run_pipeline``, with the link report's changes and the case changes.

    Raises
    ------
    InputError
        If the drop cannot be used, or lacks a registry the last drop held that is not in
        ``allow_missing``; the last run stays the working one.
    RepeatedDrop
        If the drop is the files the last published run read, no link label was recorded
        since and no retraining was asked for (``models.publish.repeated_run``): nothing is
        published, that run stays the working one.
    """
    con = connect(db_path)
    config = run_configuration(con, working_run(con))
    expected = held_before(con, allow_missing)
    return _run_stages(con, data_dir, out_dir, db_path, config, vocabulary,
                       lambda: update_links(con, config.settings, retrain=retrain),
                       expected=expected, refuse_repeat=not retrain)  # fmt: skip


def _run_stages(con: duckdb.DuckDBPyConnection, data_dir: Path, out_dir: Path, db_path: Path,
                config: RunConfiguration, vocabulary: Vocabulary | None,
                link: Callable[[], LinkReport], spark: SparkEngine | None = None,
                expected: Collection[tuple[str, str | None]] = (),
                refuse_repeat: bool = False, whole_counties: bool = True) -> RunResult:  # fmt: skip
    """Start a run with ``config``, ingest ``data_dir`` (which must hold the ``expected``
    registries, in their counties; without ``whole_counties``, a county may be left out
    whole), ``link`` its rows, then detect and publish; closes ``con``.
    With ``refuse_repeat`` (next month's drop), a drop that repeats the last published run is
    refused with ``RepeatedDrop``; a full run always runs (after an upgrade, the same files
    are run again on purpose)."""
    with closing(con):
        private_folder(out_dir)
        seconds: dict[str, float] = {}
        clock = time.perf_counter()
        compared = has_published_run(con)
        run_id = start_run(con, data_dir=str(data_dir), settings=config.settings,
                           policy=config.policy, risk=config.risk)  # fmt: skip
        log.info("run %s: ingest %s", run_id, data_dir)
        try:
            # standards per county: a drop they do not fit is refused before it is committed
            ingest_drop(con, data_dir, vocabulary=vocabulary, expected=expected,
                        whole_counties=whole_counties,
                        accept=lambda drop: config.policy.for_drop(county_aliases(drop)))  # fmt: skip
        except BaseException:  # the drop's transaction rolled back: the last run's tables stand
            refuse_run(con, run_id)  # a Ctrl-C too: until 2026-12-07 (night) left running
            raise
        if refuse_repeat and compared and (repeated := repeated_run(con, config)) is not None:
            refuse_run(con, run_id)  # its tables are the ones that run linked: they stand
            raise RepeatedDrop(repeated)
        seconds["ingest"], clock = _lap(clock)
        log.info("run %s: link", run_id)
        report = link()
        seconds["link"], clock = _lap(clock)
        log.info("run %s: graph and detectors", run_id)
        counts, stage_seconds = detect_and_publish(
            con, run_id, out_dir, config.policy, config.settings, config.risk, spark
        )
        seconds.update(stage_seconds)
        changes = case_changes(con, run_id) if compared else {}
        gaps = run_gaps(con, run_id)
    return RunResult(run_id, out_dir, db_path, report, counts, seconds, changes, gaps)


def case_changes(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, int]:
    """How run ``run_id``'s cases differ from the published run before it: ``new`` (raised
    now, not by that run: first raised, or raised again after it was resolved), ``resolved``
    (resolved by data now), ``open`` (raised by both) and ``unjudged`` (raised before, not
    now, and not resolved: the run's data could not judge them, ``DataGaps.leaves_unjudged``;
    published in it as they stood, ``models.publish``).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database, the run published.
    run_id : str
        The run.

    Returns
    -------
    dict of str to int
        The four counts.
    """
    new, resolved, still, unjudged = con.execute(
        """
        WITH before AS (
            SELECT case_id FROM published_cases WHERE run_id = (
                SELECT run_id FROM runs WHERE status = 'published' AND run_id <> $1
                  AND finished_at <= (SELECT finished_at FROM runs WHERE run_id = $1)
                ORDER BY finished_at DESC LIMIT 1)
        )
        SELECT count(*) FILTER (WHERE last_run = $1 AND case_id NOT IN (FROM before)),
               count(*) FILTER (WHERE resolved_run = $1),
               count(*) FILTER (WHERE last_run = $1 AND case_id IN (FROM before)
                                AND carried_run IS DISTINCT FROM $1),
               count(*) FILTER (WHERE carried_run = $1)
        FROM case_registry
        """,
        [run_id],
    ).fetchall()[0]
    return {"new": new, "resolved": resolved, "open": still, "unjudged": unjudged}


@collector_paused()  # thousands of cases and their subgraphs: no collector scans them
def detect_and_publish(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    out_dir: Path,
    policy: Policy,
    settings: LinkSettings,
    risk: RiskModel,
    spark: SparkEngine | None = None,
) -> tuple[dict[str, int], dict[str, float]]:
    """Build the graph, detect and score, write the outputs and publish run ``run_id`` with
    what its data could not judge (``models.data_gaps``); returns the number of cases of each
    type and the seconds of each stage.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database, ingested and linked.
    run_id : str
        The run started in it (``models.publish.start_run``).
    out_dir : Path
        The output folder.
    policy : Policy
        The policy profile the detectors apply, to the drop's counties (``Policy.for_drop``);
        ``policy.json`` holds it as written.
    settings : LinkSettings
        The link settings (written beside ``entities.csv``).
    risk : RiskModel
        The risk model (scores the cases; saved to ``risk_model.json``).
    spark : SparkEngine, optional
        Find the cases on this Spark session.

    Returns
    -------
    tuple of (dict of str to int, dict of str to float)
        Cases per type, and seconds per stage (``graph``, ``detect``, ``write``, ``publish``).
    """
    seconds: dict[str, float] = {}
    clock = time.perf_counter()
    applied = policy.for_drop(county_aliases(con))
    if spark is not None:
        rows = graph_rows(con)
        seconds["graph"], clock = _lap(clock)
        found = detect_on_spark(spark, rows, applied, spark.spark.sparkContext.defaultParallelism)
    else:
        with Searchers(*_search_parts(_person_rows(con))) as searchers:
            rows = graph_rows(con)
            seconds["graph"], clock = _lap(clock)
            found = searchers.detect(rows, applied)
    cases = struck_noted(one_per_finding(found.cases), struck_records(con))
    cases = carry_case_ids(con, last_published_run(con), cases)
    cases = rank_cases(cases, risk)
    subgraphs = {case.case_id: found.subgraphs[case.own_id] for case in cases}
    seconds["detect"], clock = _lap(clock)
    counts = {name: sum(case.case_type == name for case in cases) for name in DETECTORS}
    staged = out_dir / f".{run_id}.part"  # the outputs join the folder once published
    write_entities(con, staged, settings)
    _write_cases(staged, cases, policy)
    risk.save(staged / "risk_model.json")
    seconds["write"], clock = _lap(clock)
    log.info("run %s: publish", run_id)
    publish_run(con, run_id, replace(found, cases=cases, subgraphs=subgraphs), counts,
                data_gaps(con, policy))  # fmt: skip
    _move_outputs(staged, out_dir)
    log.info("run %s: published %d cases", run_id, len(cases))
    seconds["publish"], clock = _lap(clock)
    return counts, seconds


def _move_outputs(staged: Path, out_dir: Path) -> None:
    """Move a published run's outputs from the hidden folder they were written in into
    ``out_dir``, over the last run's: a run stopped before it published leaves that folder,
    not files that look like its results beside a database still serving the run before (a
    blind tester's killed update left next month's ``cases.jsonl`` so, until 2026-12-07
    (night))."""
    for written in sorted(staged.iterdir()):
        os.replace(written, out_dir / written.name)
    staged.rmdir()


def _search_parts(person_rows: int) -> tuple[int, int]:
    """How many parts to search a county of ``person_rows`` in, and how many processes: one
    part in this process for a small county; else a part per core, or more so that no part
    has more than ``PART_ROWS`` rows (a worker's graph stays the same size as the county
    grows)."""
    processes = os.cpu_count() or 1
    if person_rows < PARALLEL_ROWS:
        return 1, 1
    return max(processes, -(-person_rows // PART_ROWS)), processes


def _person_rows(con: duckdb.DuckDBPyConnection) -> int:
    return record_persons(con).aggregate("count(*)").fetchall()[0][0]


def _lap(started: float) -> tuple[float, float]:
    now = time.perf_counter()
    return now - started, now


def rank_cases(cases: list[Case], risk: RiskModel) -> list[Case]:
    """The cases scored by ``risk``, highest first.

    Ties are broken by case id.

    Parameters
    ----------
    cases : list of Case
        The cases to score.
    risk : RiskModel
        The risk model.

    Returns
    -------
    list of Case
        Scored copies, with their reasons, sorted.
    """
    scored = [case.scored(*risk.explain(case)) for case in cases]
    return sorted(scored, key=lambda case: (-(case.risk_score or 0.0), case.case_id))


def _write_cases(out_dir: Path, cases: list[Case], policy: Policy) -> None:
    """``cases.jsonl`` (contract §3) and the policy used."""
    lines = [json.dumps(case.as_contract(), ensure_ascii=False) for case in cases]
    (out_dir / "cases.jsonl").write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    (out_dir / "policy.json").write_text(policy.to_json() + "\n", encoding="utf-8")
