"""Benchmark: synthesise a county, then run each stage in its own process and report its
wall time and peak memory (the process's maximum resident set size)."""

from __future__ import annotations

import logging
import multiprocessing
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from resolver.db import connect
from resolver.ingest import ingest_drop
from resolver.link import link_persons
from resolver.settings import LinkSettings
from resolver.synth import synthesize

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StageFigure:
    stage: str
    seconds: float
    peak_mib: float


def _synth(workdir: Path, people: int, seed: int) -> None:
    synthesize(workdir / "county", people=people, seed=seed)


def _ingest(workdir: Path, people: int, seed: int) -> None:
    con = connect(workdir / "bench.duckdb")
    ingest_drop(con, workdir / "county" / "drop")
    con.close()


def _link(workdir: Path, people: int, seed: int) -> None:
    con = connect(workdir / "bench.duckdb")
    report = link_persons(con, LinkSettings(seed=seed))
    con.close()
    log.info("link: %s", report.seconds)


STAGES: tuple[tuple[str, Callable[[Path, int, int], None]], ...] = (
    ("synth", _synth),
    ("ingest", _ingest),
    ("link", _link),
)


def _measure(stage: Callable[[Path, int, int], None], args: tuple, results) -> None:
    started = time.perf_counter()
    stage(*args)
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    results.put((seconds, peak_kib / 1024))


def run_bench(workdir: Path, *, people: int, seed: int = 7) -> list[StageFigure]:
    """Run every stage on a county of ``people``, each in a fresh process, in order."""
    context = multiprocessing.get_context("spawn")
    figures = []
    for name, stage in STAGES:
        results = context.Queue()
        process = context.Process(target=_measure, args=(stage, (workdir, people, seed), results))
        process.start()
        seconds, peak_mib = results.get()
        process.join()
        if process.exitcode:
            raise RuntimeError(f"benchmark stage {name} failed with exit code {process.exitcode}")
        figures.append(StageFigure(name, seconds, peak_mib))
        log.info("%s: %.1f s, %.0f MiB", name, seconds, peak_mib)
    return figures
