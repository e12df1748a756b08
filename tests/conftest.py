"""Fixtures shared across the packages' tests."""

from __future__ import annotations

import os
import shutil

import pytest
from hypothesis import settings

# CI (``.ci/run``) draws the same examples every run: a red run there is a change's fault, not
# the draw's. ``make test`` elsewhere draws afresh and may find what CI's draw never tries.
settings.register_profile("ci", derandomize=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="session")
def spark(tmp_path_factory):
    """One local Spark (two cores) for every Spark test of the session; skipped without
    Java (``make test`` installs it)."""
    if shutil.which("java") is None:
        pytest.skip("no Java runtime: Spark cannot start")
    from resolver.spark_backend import spark_engine

    with spark_engine(tmp_path_factory.mktemp("spark"), "local[2]") as engine:
        yield engine


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The files with Spark runs first, then those with end-to-end runs (``slow``), each
    file's tests in their order: ``make test`` hands whole files to its two workers (``--dist
    loadfile``), and a long file handed out last keeps one worker busy while the other has
    nothing left to do."""
    marked = {name: {item.path for item in items if item.get_closest_marker(name)}
              for name in ("spark", "slow")}  # fmt: skip
    items.sort(key=lambda item: (item.path not in marked["spark"],
                                 item.path not in marked["slow"]))  # fmt: skip
