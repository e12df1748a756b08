"""Fixtures shared across the packages' tests."""

from __future__ import annotations

import shutil

import pytest


@pytest.fixture(scope="session")
def spark(tmp_path_factory):
    """One local Spark (two cores) for every Spark test of the session; skipped without
    Java (``make test`` installs it)."""
    if shutil.which("java") is None:
        pytest.skip("no Java runtime: Spark cannot start")
    from resolver.spark_backend import spark_engine

    with spark_engine(tmp_path_factory.mktemp("spark"), "local[2]") as engine:
        yield engine
