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
