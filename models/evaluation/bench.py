"""Benchmark: synthesise a county (or a province of counties), then run each stage in its
own process and report its wall time and peak memory: the largest maximum resident set
size of the stage's process and of the worker processes it started (a large drop is
ingested by two workers at once).

With ``months`` above 1 the county is written as monthly drops: the stages run on the first
month, and each later month is taken by ``doudi update`` (one stage per month)."""

from __future__ import annotations

import logging
import multiprocessing
import resource
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from models.pipeline import detect_and_publish, update_pipeline
from models.policy import load_policy
from models.publish import start_run
from models.risk import RiskModel
from resolver.db import connect
from resolver.errors import DoudiError
from resolver.ingest import ingest_drop
from resolver.link import link_persons
from resolver.settings import LinkSettings
from resolver.synthetic import synthesize, synthesize_province

log = logging.getLogger(__name__)

Stage = Callable[["BenchCounty", Path], dict[str, float]]


@dataclass(frozen=True)
class BenchCounty:
    """What the benchmark synthesises: ``people`` in one county, or in a province of
    ``counties`` counties; with ``months`` above 1, monthly drops of one county."""

    people: int
    seed: int = 7
    months: int = 1
    counties: int = 1


@dataclass(frozen=True)
class StageFigure:
    stage: str
    seconds: float
    peak_mib: float
    parts: dict[str, float] = field(default_factory=dict)


def _drops(workdir: Path, months: int) -> list[Path]:
    """The county's drops, month by month (the one drop, of a county or a province, when not
    monthly)."""
    if months == 1:
        return [workdir / "county" / "drop"]
    folders = sorted(path for path in (workdir / "county" / "months").iterdir() if path.is_dir())
    return [folder / "drop" for folder in folders]


def _synth(county: BenchCounty, workdir: Path) -> dict[str, float]:
    if county.counties > 1:
        synthesize_province(workdir / "county", counties=county.counties, people=county.people,
                            seed=county.seed)  # fmt: skip
    else:
        synthesize(workdir / "county", people=county.people, seed=county.seed,
                   months=county.months)  # fmt: skip
    return {}


def _ingest(county: BenchCounty, workdir: Path) -> dict[str, float]:
    con = connect(workdir / "bench.duckdb")
    ingest_drop(con, _drops(workdir, county.months)[0])
    con.close()
    return {}


def _update(month: int, county: BenchCounty, workdir: Path) -> dict[str, float]:
    """``doudi update`` with month ``month`` (counted from 0); a partial of it is a stage."""
    result = update_pipeline(_drops(workdir, county.months)[month], workdir / "bench.duckdb",
                             workdir / "out")  # fmt: skip
    changes = result.link.changes
    log.info("update: %d new, %d changed, %d removed rows; retrained: %s", changes.new,
             changes.changed, changes.removed, result.link.retrain_reason)  # fmt: skip
    return {**result.seconds, **{f"link: {k}": v for k, v in result.link.seconds.items()}}


def _link(county: BenchCounty, workdir: Path) -> dict[str, float]:
    con = connect(workdir / "bench.duckdb")
    report = link_persons(con, LinkSettings(seed=county.seed))
    con.close()
    return report.seconds


def _detect(county: BenchCounty, workdir: Path) -> dict[str, float]:
    con = connect(workdir / "bench.duckdb")
    policy, settings, risk = load_policy(), LinkSettings(seed=county.seed), RiskModel.load()
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


def _measure(stage: Stage, args: tuple) -> tuple[float, float, dict[str, float]]:
    """Run ``stage`` in this (the worker's) process: its seconds, peak MiB and parts."""
    logging.getLogger("splink").setLevel(logging.ERROR)
    started = time.perf_counter()
    parts = stage(*args)
    seconds = time.perf_counter() - started
    peak_kib = max(
        resource.getrusage(who).ru_maxrss
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return seconds, peak_kib / 1024, parts


def _run_alone(name: str, stage: Stage, args: tuple) -> tuple[float, float, dict[str, float]]:
    """``_measure`` of ``stage`` in a fresh process of its own; the stage's error raised here,
    and a process that dies (killed for memory, say) a DoudiError, never a wait for a result
    that will not come."""
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as worker:
        try:
            return worker.submit(_measure, stage, args).result()
        except BrokenProcessPool as error:
            raise DoudiError(f"基准测试的 {name} 阶段的进程意外退出，没有得到结果（例如内存不足时"
                             "被系统终止）") from error  # fmt: skip


def run_bench(workdir: Path, county: BenchCounty, *, reuse: bool = False) -> list[StageFigure]:
    """Run every stage on ``county``, each in a fresh process, in order; with monthly drops,
    on the first month, then ``update`` on each later month.

    Parameters
    ----------
    workdir : Path
        Where the county, the database and the outputs are written.
    county : BenchCounty
        What to synthesise: people, seed (of the county and of the link model), months,
        counties.
    reuse : bool, default False
        Take the county an earlier benchmark of the same ``county`` wrote in ``workdir``
        instead of synthesising it (no ``synth`` stage).

    Returns
    -------
    list of StageFigure
        Per stage, in order: its wall time, peak memory and the seconds of its parts.

    Raises
    ------
    DoudiError
        When ``reuse`` finds no county in ``workdir``, or a stage's process dies.
    Exception
        What a stage raises (a synthetic province of too few people, a ValueError).
    """
    figures = []
    updates = tuple((f"update {month + 1}", partial(_update, month))
                    for month in range(1, county.months))  # fmt: skip
    if reuse and not (workdir / "county" / "drop").is_dir():
        raise DoudiError(f"{workdir} 中没有上次生成的合成数据（county/drop），无法沿用")
    (workdir / "bench.duckdb").unlink(missing_ok=True)
    for name, stage in STAGES[reuse:] + updates:
        seconds, peak_mib, parts = _run_alone(name, stage, (county, workdir))
        figures.append(StageFigure(name, seconds, peak_mib, parts))
        log.info("%s: %.1f s, %.0f MiB", name, seconds, peak_mib)
    return figures
