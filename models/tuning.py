"""Threshold tuning: what another matching threshold would do, before anyone publishes it.

``cases_at`` re-clusters the last link's scored pairs at a threshold
(``resolver.link.recluster``: no scoring again, nothing written, reviewers' labels applied),
builds the household graph on those persons and runs the detectors. ``what_if`` compares
that with a published run's cases: which would appear and which would disappear.
``models.evaluation.sweep`` does it over a range of thresholds, with precision and recall
against a synthetic county's truth.

Person ids are stable (``resolver.identity``), so a finding the threshold does not touch
keeps its case id (a family's finding the id the published run gave it,
``models.carried_ids``) and the comparison is by case id.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import duckdb

from models.carried_ids import carry_case_ids
from models.case_types import DETECTORS
from models.cases import Case
from models.detection import find_cases
from models.graph import build_household_graph
from models.pipeline import rank_cases
from models.policy import Policy
from models.risk import RiskModel
from resolver.link import Reclustered, recluster
from resolver.memory import collector_paused
from resolver.settings import LinkSettings


@dataclass
class Proposal:
    """The persons and accepted links (``reclustered``) and the cases one threshold gives."""

    threshold: float
    reclustered: Reclustered
    cases: list[Case]

    @property
    def persons(self) -> int:
        """How many persons the threshold gives."""
        return self.reclustered.persons

    @property
    def links(self) -> int:
        """How many identity links the threshold accepts."""
        return len(self.reclustered.links)


@dataclass
class WhatIf:
    """A proposed threshold against a published run (run at ``current_threshold``): per case
    type the counts ``current``, ``proposed``, ``appear`` and ``disappear``; the cases that
    would appear (scored) and the published cases that would disappear (as published)."""

    run_id: str
    current_threshold: float
    proposal: Proposal
    counts: dict[str, dict[str, int]]
    appear: list[Case]
    disappear: list[dict]


@collector_paused()  # the graph lives only here: no collector scans its objects
def cases_at(
    con: duckdb.DuckDBPyConnection,
    threshold: float,
    *,
    policy: Policy,
    settings: LinkSettings,
    risk: RiskModel,
) -> Proposal:
    """The cases the last link's pairs give at ``threshold``, scored, highest risk first.

    Raises ``DoudiError`` for a threshold below the possible threshold the pairs were kept at.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        A linked database (with the last link's scored pairs).
    threshold : float
        The matching threshold to try.
    policy : Policy
        The policy profile the detectors apply.
    settings : LinkSettings
        The link settings; only their threshold is replaced.
    risk : RiskModel
        The risk model.

    Returns
    -------
    Proposal
        The threshold, the reclustered persons and links, and the scored cases.
    """
    reclustered = recluster(con, replace(settings, threshold=threshold))
    tables = {"_tuning_entities": reclustered.entities, "_tuning_links": reclustered.links,
              "_tuning_possible": reclustered.possible}  # fmt: skip
    for name, table in tables.items():
        con.register(name, table)
    try:
        graph = build_household_graph(con, entities="_tuning_entities", links="_tuning_links",
                                      possible="_tuning_possible")  # fmt: skip
        cases = rank_cases(find_cases(graph, policy), risk)
    finally:
        for name in tables:
            con.unregister(name)
    return Proposal(threshold, reclustered, cases)


def what_if(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    threshold: float,
    *,
    policy: Policy,
    settings: LinkSettings,
    risk: RiskModel,
) -> WhatIf:
    """The cases ``threshold`` would give beside those run ``run_id`` published (with
    ``settings``, the run's own).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database.
    run_id : str
        The published run to compare with.
    threshold : float
        The proposed matching threshold.
    policy : Policy
        The policy profile the detectors apply.
    settings : LinkSettings
        The run's link settings (their threshold is the current one).
    risk : RiskModel
        The risk model.

    Returns
    -------
    WhatIf
        The proposal, the counts per case type, and the cases that would appear and disappear.
    """
    proposal = cases_at(con, threshold, policy=policy, settings=settings, risk=risk)
    proposal = replace(proposal, cases=carry_case_ids(con, run_id, proposal.cases))
    result = con.execute(
        "SELECT case_id, case_type, risk_score, amount_at_risk, township, village, evidence "
        "FROM published_cases WHERE run_id = ? ORDER BY risk_score DESC, case_id",
        [run_id],
    )
    names = [column[0] for column in result.description]
    published = [dict(zip(names, values, strict=True)) for values in result.fetchall()]
    published_ids = {case["case_id"] for case in published}
    proposed_ids = {case.case_id for case in proposal.cases}
    appear = [case for case in proposal.cases if case.case_id not in published_ids]
    disappear = [case for case in published if case["case_id"] not in proposed_ids]
    counts = {
        name: {
            "current": sum(case["case_type"] == name for case in published),
            "proposed": sum(case.case_type == name for case in proposal.cases),
            "appear": sum(case.case_type == name for case in appear),
            "disappear": sum(case["case_type"] == name for case in disappear),
        }
        for name in DETECTORS
    }
    return WhatIf(run_id, settings.threshold, proposal, counts, appear, disappear)
