"""The analysts' notebooks run top to bottom on a small synthetic county, and show what they
promise: tables and Altair charts, no error."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jupytext
import pytest
from nbclient import NotebookClient

from models.pipeline import run_pipeline
from models.policy import load_policy
from resolver.db import connect
from resolver.labels import ensure_labels_table
from resolver.settings import LinkSettings
from resolver.synthetic import synthesize

NOTEBOOKS = sorted((Path(__file__).parents[2] / "notebooks").glob("*.py"))


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    out = tmp_path_factory.mktemp("notebooks")
    drop = synthesize(out / "county", people=4000, seed=13).drop_dir
    result = run_pipeline(drop, out, policy=load_policy(), settings=LinkSettings())
    with connect(result.db_path) as con:
        ensure_labels_table(con)  # as once the review server has opened the run
    return {"DOUDI_DB": str(result.db_path), "DOUDI_TRUTH": str(out / "county" / "truth")}


def executed(path: Path, environment: dict[str, str]):
    notebook = jupytext.read(path)
    previous = {name: os.environ.get(name) for name in environment}
    os.environ.update(environment)  # the kernel inherits the environment
    try:
        NotebookClient(notebook, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()  # fmt: skip
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name)
            else:
                os.environ[name] = value
    return notebook


def outputs(notebook) -> list[dict]:
    return [output for cell in notebook.cells if cell.cell_type == "code"
            for output in cell.get("outputs", [])]  # fmt: skip


def charts(notebook) -> list[str]:
    """The charts the notebook rendered (Altair's and Splink's: HTML embedding a Vega-Lite
    spec)."""
    return [output["data"]["text/html"] for output in outputs(notebook)
            if "vegaEmbed" in output.get("data", {}).get("text/html", "")]  # fmt: skip


def test_there_are_four_notebooks():
    assert [path.stem[0] for path in NOTEBOOKS] == ["a", "b", "c", "d"]


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_a_notebook_runs_top_to_bottom_and_renders_its_charts(county, path):
    notebook = executed(path, county)
    assert not [output for output in outputs(notebook) if output["output_type"] == "error"]
    rendered = charts(notebook)
    expected = {"a": 3, "b": 4, "c": 5, "d": 2}[path.stem[0]]
    assert len(rendered) >= expected
    if path.stem.startswith("c"):
        text = "".join(rendered)
        assert json.dumps("各阈值下的疑点数")[1:-1] in text
        # Splink's threshold-selection chart, fed by the truth's labelled pairs
        assert "truth_threshold" in text
