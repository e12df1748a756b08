"""Cases against a synthetic county's truth: per type precision, recall, average precision
(cases ranked by risk score), the share of the true amount at risk found and how exactly the
money of the cases found is reported — for Doudi and for the same rules fed by the two
linking baselines (``resolver.baselines``); the leads raised on the truth's negative
controls; the calibration of the risk score; and fitting the risk model on a county's
labelled cases."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from models.case_types import DETECTORS
from models.cases import Case
from models.detection import find_cases
from models.graph import build_household_graph
from models.pipeline import rank_cases
from models.policy import Policy
from models.risk import RiskModel, feature_vector
from resolver.memory import collector_paused

# Each method's persons as (registry, record_id, person_id); the baselines' tables are made by
# ``resolver.evaluation.evaluate_linking``.
METHOD_ENTITIES = {
    "doudi": "SELECT registry, record_id, person_id FROM entities",
    "exact_id": "SELECT registry, record_id, cluster AS person_id FROM exact_id_clusters",
    "stock_splink": "SELECT registry, record_id, cluster AS person_id FROM stock_splink_clusters",
}


@dataclass(frozen=True)
class CaseScores:
    """``amount_found``: the true amount of the true cases found; ``amount_reported``: what
    was reported for those same cases (exact money: equal to ``amount_found``)."""

    found: int
    true: int
    precision: float
    recall: float
    average_precision: float
    amount_found: float
    amount_true: float
    amount_reported: float

    @property
    def amount_accuracy(self) -> float | None:
        """Reported over true money of the cases found (1.0 is exact); None without money."""
        return self.amount_reported / self.amount_found if self.amount_found else None

    def as_dict(self) -> dict:
        """The scores as a plain dict, with ``amount_accuracy``.

        Returns
        -------
        dict
            The fields and ``amount_accuracy``.
        """
        return asdict(self) | {"amount_accuracy": self.amount_accuracy}


@dataclass(frozen=True)
class CalibrationBin:
    """Cases whose risk score fell in [low, high): how many, how many true, mean score."""

    low: float
    high: float
    cases: int
    true: int
    mean_score: float

    def as_dict(self) -> dict:
        """The bin as a plain dict.

        Returns
        -------
        dict
            The fields.
        """
        return asdict(self)


CALIBRATION_EDGES = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0)


def _key(records) -> tuple:
    return tuple(
        sorted((r["registry"], r["record_id"]) if isinstance(r, dict) else r for r in records)
    )


def score_cases(cases: list[Case], truth: list[dict], case_type: str) -> CaseScores:
    """Scores of one type: a found case is true when its records are a true case's records.

    Cases are ranked by risk score (highest first) for the average precision; a type without
    true cases or without cases found scores 1.0.

    Parameters
    ----------
    cases : list of Case
        The cases found (all types), with their risk scores.
    truth : list of dict
        The true cases (``case_type``, ``records``, ``amount_at_risk``).
    case_type : str
        The type to score.

    Returns
    -------
    CaseScores
        Counts, precision, recall, average precision and the money found and reported.
    """
    true = {_key(item["records"]): item for item in truth if item["case_type"] == case_type}
    ranked = sorted(
        (case for case in cases if case.case_type == case_type),
        key=lambda case: -(case.risk_score or 0.0),
    )
    hits, precision_sum, amount, reported = 0, 0.0, 0.0, 0.0
    for rank, case in enumerate(ranked, start=1):
        match = true.get(_key(case.records))
        if match is not None:
            hits += 1
            precision_sum += hits / rank
            amount += match["amount_at_risk"] or 0.0
            reported += case.amount_at_risk or 0.0
    return CaseScores(
        found=len(ranked),
        true=len(true),
        precision=hits / len(ranked) if ranked else 1.0,
        recall=hits / len(true) if true else 1.0,
        average_precision=precision_sum / len(true) if true else 1.0,
        amount_found=amount,
        amount_true=sum(item["amount_at_risk"] or 0.0 for item in true.values()),
        amount_reported=reported,
    )


def load_truth_cases(truth_dir: Path, policy: Policy) -> list[dict]:
    """The true cases under ``policy``: those of the contract's rules but the ones the truth
    says a profile reads otherwise (``"except"``: the profiles' names), and those it marks as
    true under this profile only (``"policy"``: its name).

    Parameters
    ----------
    truth_dir : Path
        The county's truth folder (with ``cases.jsonl``).
    policy : Policy
        The policy profile the cases are judged under.

    Returns
    -------
    list of dict
        The true cases as written in ``cases.jsonl``.
    """
    lines = (truth_dir / "cases.jsonl").read_text(encoding="utf-8").splitlines()
    cases = [json.loads(line) for line in lines]
    return [case for case in cases if case.get("policy", policy.name) == policy.name
            and policy.name not in case.get("except", ())]  # fmt: skip


def _load_controls(truth_dir: Path) -> list[dict]:
    """The truth's negative controls (look-alikes of cases that are not cases); none when
    the county has no ``controls.jsonl``."""
    path = truth_dir / "controls.jsonl"
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# The rows of a control no lead may rest on: the roster and certificate rows it is made of.
GUARDED_REGISTRIES = ("assistance", "disability")
# A lower tier of lead, raised on evidence a reviewer weighs in the field: counted apart.
LOWER_TIER = "suspected_split"


@dataclass(frozen=True)
class ControlLeads:
    """Of the controls of one type: how many there are, how many a lead of a type the truth
    judges rests on (one of the control's roster or certificate rows is among its records),
    and how many a 疑似人为分户 lead rests on."""

    controls: int
    leads: int
    suspected: int


def control_leads(cases: list[Case], controls: list[dict], truth: list[dict]
                  ) -> dict[str, ControlLeads]:  # fmt: skip
    """Per control type, the false leads raised on its controls: leads of a type the
    county's truth judges (a county that does not judge a type cannot say its lead is false)
    that are not true cases under the policy (a profile may make a control a case: 梁平 has no
    single-person exemption outside 未脱贫 建档立卡 households).

    Parameters
    ----------
    cases : list of Case
        The cases found (all types).
    controls : list of dict
        The truth's negative controls (``control_type``, ``records``).
    truth : list of dict
        The true cases under the policy (``case_type``, ``records``).

    Returns
    -------
    dict of str to ControlLeads
        Per control type: its controls, and the false leads and 疑似人为分户 leads resting on
        them.

    Examples
    --------
    >>> control = {"control_type": "twins", "records": [{"registry": "assistance",
    ...                                                  "record_id": "A1"}]}
    >>> lead = Case("duplicate_enrollment", [("assistance", "A1"), ("assistance", "A2")], [],
    ...             None, [], {})
    >>> truth = [{"case_type": "duplicate_enrollment", "records": [("assistance", "A9")]}]
    >>> control_leads([lead], [control], truth)["twins"]
    ControlLeads(controls=1, leads=1, suspected=0)
    >>> control_leads([lead], [control], [{**truth[0], "records": lead.records}])["twins"]
    ControlLeads(controls=1, leads=0, suspected=0)
    """
    judged = {item["case_type"] for item in truth}
    true = {(item["case_type"], _key(item["records"])) for item in truth}
    lower = {record for case in cases if case.case_type == LOWER_TIER for record in case.records}
    false_leads = {record for case in cases
                   if case.case_type != LOWER_TIER and case.case_type in judged
                   and (case.case_type, _key(case.records)) not in true
                   for record in case.records}  # fmt: skip
    counts: dict[str, ControlLeads] = {}
    for control in controls:
        guarded = {(r["registry"], r["record_id"]) for r in control["records"]
                   if r["registry"] in GUARDED_REGISTRIES}  # fmt: skip
        seen = counts.get(control["control_type"], ControlLeads(0, 0, 0))
        counts[control["control_type"]] = ControlLeads(
            seen.controls + 1,
            seen.leads + bool(guarded & false_leads),
            seen.suspected + bool(guarded & lower),
        )
    return counts


def case_labels(cases: list[Case], truth: list[dict]) -> list[int]:
    """1 for a case whose type and records are a true case's, else 0.

    Parameters
    ----------
    cases : list of Case
        The cases to label.
    truth : list of dict
        The true cases (``case_type``, ``records``).

    Returns
    -------
    list of int
        One label per case, in order.
    """
    true = {(item["case_type"], _key(item["records"])) for item in truth}
    return [int((case.case_type, _key(case.records)) in true) for case in cases]


@collector_paused()  # the graph lives only here: no collector scans its objects
def method_cases(con: duckdb.DuckDBPyConnection, method: str, policy: Policy) -> list[Case]:
    """The cases the rules raise on the persons of one linking method (not yet scored).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        A linked database; for a baseline, also holding its cluster table.
    method : str
        ``doudi``, ``exact_id`` or ``stock_splink`` (a key of ``METHOD_ENTITIES``).
    policy : Policy
        The policy profile the rules apply.

    Returns
    -------
    list of Case
        The cases found, without risk scores.
    """
    con.execute(f"CREATE OR REPLACE TEMP VIEW method_entities AS {METHOD_ENTITIES[method]}")
    graph = build_household_graph(
        con, entities="method_entities", links="person_links" if method == "doudi" else None
    )
    return find_cases(graph, policy)


@dataclass
class CaseEvaluation:
    """Per method (Doudi and the two baselines): the scores of each case type and the leads
    on the truth's controls; the calibration of Doudi's risk scores."""

    scores: dict[str, dict[str, CaseScores]]
    control_leads: dict[str, dict[str, ControlLeads]]
    calibration: list[CalibrationBin]
    spans: dict[str, dict[str, CaseScores]] = field(default_factory=dict)
    """Doudi's scores of the cases spanning two counties (``cross``) and within one
    (``within``) of a province's truth (``span_scores``); empty for one county."""

    def as_dict(self) -> dict:
        """The evaluation as plain dicts: ``cases``, ``control_leads`` and ``calibration``.

        Returns
        -------
        dict
            Scores and leads per method and type, and the calibration bins.
        """
        return {
            "cases": {
                method: {name: score.as_dict() for name, score in by_type.items()}
                for method, by_type in self.scores.items()
            },
            "control_leads": {
                method: {kind: asdict(leads) for kind, leads in by_kind.items()}
                for method, by_kind in self.control_leads.items()
            },
            "calibration": [item.as_dict() for item in self.calibration],
            "spans": {span: {name: score.as_dict() for name, score in by_type.items()}
                      for span, by_type in self.spans.items()},
        }  # fmt: skip

    def of(self, methods: Iterable[str]) -> CaseEvaluation:
        """The scores and control leads of ``methods`` only (the calibration as it is).

        Parameters
        ----------
        methods : Iterable of str
            The methods to keep.

        Returns
        -------
        CaseEvaluation
            A new evaluation.
        """
        return CaseEvaluation(
            {method: self.scores[method] for method in methods},
            {method: self.control_leads[method] for method in methods},
            self.calibration,
            self.spans,
        )


def evaluate_cases(
    con: duckdb.DuckDBPyConnection, truth_dir: Path, policy: Policy, risk: RiskModel
) -> CaseEvaluation:
    """Doudi's cases and the baselines' against the truth of a synthetic county.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        A linked database, with the baselines' cluster tables (``evaluate_linking``).
    truth_dir : Path
        The county's truth folder.
    policy : Policy
        The policy profile of the rules and the truth.
    risk : RiskModel
        The model that ranks the cases.

    Returns
    -------
    CaseEvaluation
        Scores and control leads per method, and the calibration of Doudi's scores.
    """
    truth = load_truth_cases(truth_dir, policy)
    controls = _load_controls(truth_dir)
    result = CaseEvaluation({}, {}, [])
    for method in METHOD_ENTITIES:
        cases = rank_cases(method_cases(con, method, policy), risk)
        result.scores[method] = {name: score_cases(cases, truth, name) for name in DETECTORS}
        result.control_leads[method] = control_leads(cases, controls, truth)
        if method == "doudi":
            result.calibration = calibration_bins(cases, case_labels(cases, truth))
            result.spans = span_scores(cases, truth)
    return result


SPANNING_TYPES = ("duplicate_enrollment", "deceased_paid")  # the types a province adds


def span_scores(cases: list[Case], truth: list[dict]) -> dict[str, dict[str, CaseScores]]:
    """Scores of the cases that span two counties of a province and of those within one,
    for the types a province adds (a person enrolled in two counties, a death registered in
    another). A case spans counties when its records and the death notices it rests on are
    of two counties (record ids ``<county>/<id>``). Empty for one county's truth.

    Parameters
    ----------
    cases : list of Case
        The cases found, with their risk scores.
    truth : list of dict
        The true cases (``records``, ``death_records``).

    Returns
    -------
    dict of str to dict of str to CaseScores
        ``cross`` and ``within``: the scores per type.

    Examples
    --------
    >>> true = {"case_type": "deceased_paid", "amount_at_risk": 10.0,
    ...         "records": [{"registry": "assistance", "record_id": "532301/JZ1"}],
    ...         "death_records": [{"registry": "deaths", "record_id": "532326/SW1"}]}
    >>> span_scores([], [true])["cross"]["deceased_paid"].true
    1
    """

    def truth_span(item: dict) -> str:
        return _span([*_key(item["records"]), *_key(item.get("death_records", []))])

    def case_span(case: Case) -> str:
        notices = [(e.registry, e.record_id) for e in case.evidence if e.registry == "deaths"]
        return _span([*case.records, *notices])

    if not any("/" in record_id for item in truth for _, record_id in _key(item["records"])):
        return {}
    return {span: {name: score_cases([case for case in cases if case_span(case) == span],
                                     [item for item in truth if truth_span(item) == span], name)
                   for name in SPANNING_TYPES}
            for span in ("cross", "within")}  # fmt: skip


def _span(records: Iterable[tuple[str, str]]) -> str:
    counties = {record_id.split("/", 1)[0] for _, record_id in records if "/" in record_id}
    return "cross" if len(counties) > 1 else "within"


def calibration_bins(cases: list[Case], labels: list[int]) -> list[CalibrationBin]:
    """Cases grouped by risk score: in a calibrated model each bin's share of true cases is
    close to its mean score.

    Parameters
    ----------
    cases : list of Case
        The cases, with their risk scores (none counts as 0).
    labels : list of int
        1 for a true case, else 0; one per case.

    Returns
    -------
    list of CalibrationBin
        The non-empty bins of ``CALIBRATION_EDGES``, in order.
    """
    bins = []
    scored = [(case.risk_score or 0.0, label) for case, label in zip(cases, labels, strict=True)]
    for low, high in itertools.pairwise(CALIBRATION_EDGES):
        chosen = [(score, label) for score, label in scored
                  if low <= score < high or score == high == 1.0]  # fmt: skip
        if chosen:
            scores = [score for score, _ in chosen]
            bins.append(CalibrationBin(low, high, len(chosen), sum(lab for _, lab in chosen),
                                       sum(scores) / len(scores)))  # fmt: skip
    return bins


def fit_risk_model(
    con: duckdb.DuckDBPyConnection, truth_dir: Path, policy: Policy, model: RiskModel
) -> tuple[RiskModel, list[CalibrationBin]]:
    """Fit ``model`` on the cases Doudi raises on a synthetic county, labelled by its truth;
    returns it and the calibration of its scores on those cases.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        A linked database of a synthetic county.
    truth_dir : Path
        The county's truth folder.
    policy : Policy
        The policy profile of the rules and the truth.
    model : RiskModel
        The model to fit (in place).

    Returns
    -------
    tuple of (RiskModel, list of CalibrationBin)
        The fitted model and the calibration of its scores on the cases.
    """
    cases = method_cases(con, "doudi", policy)
    labels = case_labels(cases, load_truth_cases(truth_dir, policy))
    model.fit([(case.case_type, feature_vector(case)) for case in cases], labels)
    return model, calibration_bins(rank_cases(cases, model), labels)
