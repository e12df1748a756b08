"""Benchmark: synthesise a county, then run each stage in its own process and report its
wall time and peak memory: the largest maximum resident set size of the stage's process and
of the worker processes it started (a large drop is ingested by two workers at once)."""

from __future__ import annotations

import logging
import multiprocessing
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from models.pipeline import detect_and_publish
from models.policy import load_policy
from models.publish import start_run
from models.risk import RiskModel
from resolver.db import connect
from resolver.ingest import ingest_drop
from resolver.link import link_persons
from resolver.settings import LinkSettings
from resolver.synthetic import synthesize

log = logging.getLogger(__name__)

Stage = Callable[[Path, int, int], dict[str, float]]


@dataclass(frozen=True)
class StageFigure:
    stage: str
    seconds: float
    peak_mib: float
    parts: dict[str, float] = field(default_factory=dict)


def _synth(workdir: Path, people: int, seed: int) -> dict[str, float]:
    synthesize(workdir / "county", people=people, seed=seed)
    return {}


def _ingest(workdir: Path, people: int, seed: int) -> dict[str, float]:
    con = connect(workdir / "bench.duckdb")
    ingest_drop(con, workdir / "county" / "drop")
    con.close()
    return {}


def _link(workdir: Path, people: int, seed: int) -> dict[str, float]:
    con = connect(workdir / "bench.duckdb")
    report = link_persons(con, LinkSettings(seed=seed))
    con.close()
    return report.seconds


def _detect(workdir: Path, people: int, seed: int) -> dict[str, float]:
    con = connect(workdir / "bench.duckdb")
    policy, settings, risk = load_policy(), LinkSettings(seed=seed), RiskModel.load()
    run_id = start_run(con, data_dir="bench", settings=settings, policy=policy, risk=risk)
    _, seconds = detect_and_publish(con, run_id, workdir / "out", policy, settings, risk)
    con.close()
    return seconds


STAGES: tuple[tuple[str, Stage], ...] = (
    ("synth", _synth),
    ("ingest", _ingest),
    ("link", _link),
    ("graph+detect+publish", _detect),
)


def _measure(stage: Stage, args: tuple, results) -> None:
    logging.getLogger("splink").setLevel(logging.ERROR)
    started = time.perf_counter()
    parts = stage(*args)
    seconds = time.perf_counter() - started
    peak_kib = max(
        resource.getrusage(who).ru_maxrss
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    results.put((seconds, peak_kib / 1024, parts))


def run_bench(workdir: Path, *, people: int, seed: int = 7) -> list[StageFigure]:
    """Run every stage on a county of ``people``, each in a fresh process, in order.

    Parameters
    ----------
    workdir : Path
        Where the county, the database and the outputs are written.
    people : int
        How many people the synthetic county has.
    seed : int, default 7
        Seed of the county and of the link model.

    Returns
    -------
    list of StageFigure
        Per stage, in order: its wall time, peak memory and the seconds of its parts.

    Raises
    ------
    RuntimeError
        When a stage's process fails.
    """
    context = multiprocessing.get_context("spawn")
    figures = []
    for name, stage in STAGES:
        results = context.Queue()
        process = context.Process(target=_measure, args=(stage, (workdir, people, seed), results))
        process.start()
        seconds, peak_mib, parts = results.get()
        process.join()
        if process.exitcode:
            raise RuntimeError(f"benchmark stage {name} failed with exit code {process.exitcode}")
        figures.append(StageFigure(name, seconds, peak_mib, parts))
        log.info("%s: %.1f s, %.0f MiB", name, seconds, peak_mib)
    return figures
