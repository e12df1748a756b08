"""The triage model learned from reviewers' decisions."""

from __future__ import annotations

import random

import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from models.triage import NotEnoughDecisions, TriageModel, triage, triage_features


def make_case(number: int, risk: float, amount: float = 1000.0) -> dict:
    return {"case_id": f"c-{number}", "case_type": "deceased_paid", "risk_score": risk,
            "amount_at_risk": amount, "person_ids": ["P1"], "records": [{}, {}],
            "evidence": ["死亡后仍发放"], "detail": {"features": {"months_after": 3}}}  # fmt: skip


def decided_cases(count: int, *, signal: bool, seed: int = 1):
    """Cases reviewers decided: with ``signal`` they confirm the riskier ones (with some
    disagreement), without it they decide at random."""
    chooser = random.Random(seed)
    decided = []
    for number in range(count):
        risk = chooser.uniform(0.3, 0.99)
        confirmed = (risk > 0.65) != (chooser.random() < 0.1) if signal else chooser.random() < 0.5
        decided.append((make_case(number, risk), "confirmed" if confirmed else "dismissed"))
    return decided


def test_init_only_stores_parameters_and_nothing_is_learned_before_fit():
    model = TriageModel(C=0.5, min_decisions=10)
    assert clone(model).get_params() == {"C": 0.5, "min_decisions": 10, "min_per_outcome": 5}
    with pytest.raises(NotFittedError):
        model.predict_proba([triage_features(make_case(1, 0.9))])


def test_fit_refuses_too_few_decisions_or_bad_labels():
    X = [triage_features(make_case(n, 0.5)) for n in range(8)]
    with pytest.raises(NotEnoughDecisions, match="审核结论不足"):
        TriageModel().fit(X, [1, 0] * 4)
    with pytest.raises(ValueError, match="labels"):
        TriageModel(min_decisions=1).fit(X, [1, 0])
    with pytest.raises(ValueError, match="confirmed"):
        TriageModel(min_decisions=1, min_per_outcome=1).fit(X, [2, 0] * 4)


def test_triage_below_the_minimum_keeps_the_rule_based_order():
    open_cases = [make_case(100 + n, risk) for n, risk in enumerate((0.6, 0.95, 0.7))]
    report = triage(open_cases, decided_cases(10, signal=True))
    assert not report.trained and report.cv_roc_auc is None and "不足" in report.message
    assert [case["risk_score"] for case, _ in report.ranked] == [0.95, 0.7, 0.6]
    assert {score for _, score in report.ranked} == {None}


def test_triage_learns_what_reviewers_confirm_and_reports_an_honest_auc():
    open_cases = [make_case(100 + n, risk) for n, risk in enumerate((0.4, 0.97, 0.6))]
    learned = triage(open_cases, decided_cases(80, signal=True))
    assert learned.trained and learned.cv_roc_auc > 0.8
    assert learned.confirmed + learned.dismissed == learned.decisions == 80
    assert [case["risk_score"] for case, _ in learned.ranked] == [0.97, 0.6, 0.4]
    chance = triage(open_cases, decided_cases(80, signal=False))
    assert chance.trained and chance.cv_roc_auc < 0.7


def test_a_model_no_better_than_chance_warns_and_keeps_the_rule_based_order():
    open_cases = [make_case(100 + n, risk) for n, risk in enumerate((0.4, 0.97, 0.6))]
    worse = triage(open_cases, decided_cases(40, signal=False, seed=32))  # AUC 0.23
    assert worse.trained and worse.cv_roc_auc <= 0.5 and "不高于随机" in worse.message
    assert [case["risk_score"] for case, _ in worse.ranked] == [0.97, 0.6, 0.4]
    assert {score for _, score in worse.ranked} == {None}
