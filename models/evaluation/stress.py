"""The stress matrix: Doudi and stock Splink feeding the same rules, on counties that break the
synthetic county's assumptions one at a time (``resolver.synth.VARIANTS``) and on counties of
an independent generator written from the contract alone (``resolver.other_county``).

Each county is generated, run as a new user would (``models.pipeline.run_pipeline`` on its
drop, the default policy and risk model) and scored against its own truth: per case type
precision, recall and how exactly the money of the cases found is reported, and the leads
raised on the truth's negative controls.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from models.evaluation.cases import CaseEvaluation, evaluate_cases
from models.evaluation.linking import LinkScores, evaluate_linking
from models.pipeline import run_pipeline
from models.policy import load_policy
from models.risk import RiskModel
from resolver.db import connect
from resolver.settings import LinkSettings
from resolver.synthetic import VARIANTS, synthesize, write_other_county

log = logging.getLogger(__name__)

# Counties of the independent generator, by the region it draws.
OTHER_COUNTIES = {"other_han": "han", "other_mongolian": "mongolian"}
COUNTIES = (*VARIANTS, *OTHER_COUNTIES)
METHODS = ("doudi", "stock_splink")


@dataclass(frozen=True)
class CountyResult:
    """One county of the matrix: per method, the linking scores, and the scores of each case
    type and the leads on each kind of control (raised, of how many)."""

    county: str
    linking: dict[str, LinkScores]
    cases: CaseEvaluation
    seconds: float

    def as_dict(self) -> dict:
        """The result as plain dicts, as written to the county's ``stress.json``.

        Returns
        -------
        dict
            ``county``, ``linking``, ``cases``, ``control_leads``, ``calibration`` and ``seconds``.
        """
        return {
            "county": self.county,
            "linking": {method: score.as_dict() for method, score in self.linking.items()},
            **self.cases.as_dict(),
            "seconds": self.seconds,
        }


def _write_county(name: str, folder: Path, *, people: int, seed: int) -> tuple[Path, Path]:
    """Generate county ``name`` (a variant or an independent county) into ``folder``; its
    drop and truth folders."""
    if name in OTHER_COUNTIES:
        write_other_county(folder, people=people, seed=seed, region=OTHER_COUNTIES[name])
        return folder / "drop", folder / "truth"
    summary = synthesize(folder, people=people, seed=seed, assumptions=VARIANTS[name])
    return summary.drop_dir, summary.truth_dir


def _score_county(name: str, out_dir: Path, *, people: int, seed: int) -> CountyResult:
    """Generate, run and score one county under ``out_dir/name``."""
    started = time.perf_counter()
    drop, truth = _write_county(name, out_dir / name / "county", people=people, seed=seed)
    policy, risk = load_policy(), RiskModel.load()
    result = run_pipeline(drop, out_dir / name, policy=policy, settings=LinkSettings(seed=seed),
                          risk=risk)  # fmt: skip
    con = connect(result.db_path)
    try:
        linking = evaluate_linking(con, truth, seed=seed)
        cases = evaluate_cases(con, truth, policy, risk)
    finally:
        con.close()
    scored = CountyResult(
        county=name,
        linking={method: linking[method] for method in METHODS},
        cases=cases.of(METHODS),
        seconds=time.perf_counter() - started,
    )
    (out_dir / name / "stress.json").write_text(
        json.dumps(scored.as_dict(), ensure_ascii=False, indent=2), encoding="utf-8"
    )
    log.info("stress: %s scored in %.0f s", name, scored.seconds)
    return scored


def stress_matrix(
    out_dir: Path, *, people: int, seed: int, counties: Iterable[str] = COUNTIES,
    on_county: Callable[[CountyResult], None] | None = None,
) -> list[CountyResult]:  # fmt: skip
    """Every county of the matrix, one after another (``on_county`` hears of each).

    Each county is written, run and scored under ``out_dir/<county>``, with its scores in
    ``stress.json`` there.

    Parameters
    ----------
    out_dir : Path
        The folder of the counties.
    people : int
        How many people each county has.
    seed : int
        Seed of each county and of its link model.
    counties : Iterable of str, default ``COUNTIES``
        The counties to run: names of ``VARIANTS`` or of ``OTHER_COUNTIES``.
    on_county : Callable[[CountyResult], None], optional
        Called with each county's result as soon as it is scored.

    Returns
    -------
    list of CountyResult
        One per county, in order.
    """
    results = []
    for name in counties:
        results.append(_score_county(name, out_dir, people=people, seed=seed))
        if on_county:
            on_county(results[-1])
    return results
