"""The benchmark's stages, each in a process of its own: what a stage raises, or its process
dying, reaches the caller at once; the caller never waits for a result that will not come."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from models.evaluation import bench
from models.evaluation.bench import BenchCounty, run_bench
from resolver.errors import DoudiError

SECONDS = 120  # a stage's spawned process starts in a few seconds; a hang never ends


def _dies(county: BenchCounty, workdir: Path) -> dict[str, float]:
    """A stage whose process dies without a word, as one the kernel kills for memory."""
    os._exit(9)


def _finished(call: Callable[[], object]) -> BaseException | None:
    """What ``call`` raised (None if nothing), failing the test after ``SECONDS`` instead of
    hanging it: the call runs in a daemon thread, which a hang leaves behind."""
    raised: list[BaseException | None] = []

    def run() -> None:
        try:
            call()
        except BaseException as error:  # handed to the test thread
            raised.append(error)
        else:
            raised.append(None)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(SECONDS)
    assert raised, f"the benchmark still waits after {SECONDS} s"
    return raised[0]


def test_a_stages_error_reaches_the_caller(tmp_path: Path) -> None:
    # 100 people a county: the synthetic province refuses it in the synth stage's process
    error = _finished(lambda: run_bench(tmp_path, BenchCounty(200, counties=2)))
    assert isinstance(error, ValueError) and "200 people a county" in str(error)


def test_a_stage_whose_process_dies_is_a_chinese_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bench, "STAGES", (("synth", _dies),))
    error = _finished(lambda: run_bench(tmp_path, BenchCounty(200)))
    assert isinstance(error, DoudiError)
    assert "synth 阶段的进程意外退出" in str(error)
