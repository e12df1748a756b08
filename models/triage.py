"""Triage learned from reviewers: which open cases reviewers would most likely confirm.

The rule-based risk score (``models.risk``) is calibrated on a synthetic county. Once
reviewers have confirmed (属实) and dismissed (不属实) enough cases of their own county,
``TriageModel`` learns from those decisions and re-ranks the open cases: a penalised
logistic regression over the case's type, risk score, amount, size and the detector's
features. ``triage`` reports its cross-validated ROC AUC beside the ranking, so that staff can
see whether it ranks better than chance before trusting it; below ``min_decisions`` (or too
few of either outcome) it says so and the rule-based order stands, and so it does, with a
warning, when that AUC is no better than chance (``CHANCE_AUC``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

from resolver.errors import DoudiError

DECIDED = {"confirmed": 1, "dismissed": 0}
CHANCE_AUC = 0.5  # a cross-validated ROC AUC at or below this ranks no better than chance


class NotEnoughDecisions(DoudiError):
    """Too few confirmed or dismissed cases to learn from."""


def triage_features(case: dict[str, Any]) -> dict[str, float]:
    """The features of a published case (its summary and detail, as the review API holds it).

    Parameters
    ----------
    case : dict of str to Any
        A published case: ``case_type``, ``risk_score``, ``amount_at_risk``, ``person_ids``,
        ``records``, ``evidence`` and optionally ``detail`` with the detector's ``features``.

    Returns
    -------
    dict of str to float
        The case's type (one-hot), its risk score as a logit, the log of its amount, its counts
        of persons, records and evidence, and the detector's features prefixed by the type.

    Examples
    --------
    >>> triage_features({"case_type": "deceased_paid", "risk_score": 0.9, "amount_at_risk": 0,
    ...                  "person_ids": ["P1"], "records": [], "evidence": [],
    ...                  "detail": {"features": {"notices": 2}}})["deceased_paid:notices"]
    2.0
    """
    score = min(max(case["risk_score"] or 0.5, 1e-4), 1 - 1e-4)
    case_type = case["case_type"]
    features = {
        f"type={case_type}": 1.0,
        "risk_logit": math.log(score / (1 - score)),
        "log_amount": math.log1p(max(case["amount_at_risk"] or 0.0, 0.0)),
        "persons": float(len(case["person_ids"])),
        "records": float(len(case["records"])),
        "evidence": float(len(case["evidence"])),
    }
    detector = (case.get("detail") or {}).get("features") or {}
    features |= {f"{case_type}:{name}": float(value) for name, value in detector.items()}
    return features


class TriageModel(ClassifierMixin, BaseEstimator):
    """Probability that reviewers confirm a case.

    ``X``: a sequence of feature dicts (``triage_features``); ``y``: 1 confirmed, 0 dismissed.
    ``fit`` raises ``NotEnoughDecisions`` below ``min_decisions`` decisions or
    ``min_per_outcome`` of either outcome.

    >>> X = [{"risk_logit": v} for v in (-2.0, -1.0, 1.0, 2.0)]
    >>> model = TriageModel(min_decisions=4, min_per_outcome=2).fit(X, [0, 0, 1, 1])
    >>> bool(model.predict_proba([{"risk_logit": 3.0}])[0, 1] > 0.5)
    True
    """

    def __init__(self, C: float = 1.0, min_decisions: int = 20, min_per_outcome: int = 5) -> None:
        self.C = C
        self.min_decisions = min_decisions
        self.min_per_outcome = min_per_outcome

    def fit(self, X, y) -> TriageModel:
        """Fit the scaled logistic regression (classes balanced) on the reviewers' decisions.

        Parameters
        ----------
        X : sequence of dict of str to float
            The decided cases' features (``triage_features``).
        y : sequence of int
            1 confirmed, 0 dismissed; one per case.

        Returns
        -------
        TriageModel
            The model itself, fitted.

        Raises
        ------
        ValueError
            When ``y`` is not one 0/1 label per case.
        NotEnoughDecisions
            Below ``min_decisions`` decisions or ``min_per_outcome`` of either outcome.
        """
        labels = np.asarray(y, dtype=int)
        if len(labels) != len(X):
            raise ValueError(f"X has {len(X)} cases but y has {len(labels)} labels")
        if not set(labels.tolist()) <= {0, 1}:
            raise ValueError("y must hold 1 (confirmed) or 0 (dismissed)")
        fewest = min(int(labels.sum()), int(len(labels) - labels.sum()))
        if len(labels) < self.min_decisions or fewest < self.min_per_outcome:
            raise NotEnoughDecisions(
                f"审核结论不足：需要至少 {self.min_decisions} 条属实/不属实结论、每种至少 "
                f"{self.min_per_outcome} 条，现有 {len(labels)} 条（较少一种 {fewest} 条）"
            )
        self.pipeline_: Pipeline = make_pipeline(
            DictVectorizer(sparse=False),
            StandardScaler(),
            LogisticRegression(C=self.C, class_weight="balanced", max_iter=1000),
        ).fit(list(X), labels)
        self.classes_ = np.array([0, 1])
        return self

    def predict_proba(self, X) -> np.ndarray:
        """The probability that reviewers dismiss and confirm each case.

        Parameters
        ----------
        X : sequence of dict of str to float
            The cases' features (``triage_features``).

        Returns
        -------
        np.ndarray
            Shape ``(n, 2)``: the probability of 0 (dismissed) and of 1 (confirmed) per case.
        """
        check_is_fitted(self, "pipeline_")
        return self.pipeline_.predict_proba(list(X))

    def predict(self, X) -> np.ndarray:
        """Whether reviewers would likely confirm each case (a probability of 0.5 or more).

        Parameters
        ----------
        X : sequence of dict of str to float
            The cases' features (``triage_features``).

        Returns
        -------
        np.ndarray
            1 (confirmed) or 0 (dismissed) per case.
        """
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)


@dataclass
class TriageReport:
    """What the reviewers' decisions support: ``ranked`` open cases with their triage score
    (None when the model could not be trained or ranks no better than chance, and the
    rule-based order stands)."""

    decisions: int
    confirmed: int
    dismissed: int
    trained: bool
    message: str
    cv_roc_auc: float | None = None
    ranked: list[tuple[dict[str, Any], float | None]] = field(default_factory=list)


def triage(
    open_cases: list[dict[str, Any]],
    decided: list[tuple[dict[str, Any], str]],
    model: TriageModel | None = None,
) -> TriageReport:
    """Train ``model`` on the ``decided`` cases (case, final status ``confirmed`` or
    ``dismissed``), report its cross-validated ROC AUC and rank ``open_cases`` by it.

    Without enough decisions, or when the model's cross-validated ROC AUC is no better than
    chance (at most ``CHANCE_AUC``), the open cases keep the rule-based order (by risk score),
    with no triage score; the message says why.

    Parameters
    ----------
    open_cases : list of dict of str to Any
        The open cases, as the review API holds them.
    decided : list of tuple of (dict of str to Any, str)
        The decided cases with their final status.
    model : TriageModel, optional
        The model to train; a default ``TriageModel`` when None.

    Returns
    -------
    TriageReport
        The decision counts, whether the model trained, a Chinese message, the cross-validated
        ROC AUC and the open cases ranked with their triage scores.
    """
    model = model or TriageModel()
    X = [triage_features(case) for case, _ in decided]
    y = [DECIDED[status] for _, status in decided]
    confirmed = sum(y)
    counts = {"decisions": len(y), "confirmed": confirmed, "dismissed": len(y) - confirmed}
    by_risk = sorted(open_cases, key=lambda case: -(case["risk_score"] or 0.0))
    try:
        model.fit(X, y)
    except NotEnoughDecisions as error:
        message = f"{error}；暂按规则风险分排序"
        return TriageReport(**counts, trained=False, message=message,
                            ranked=[(case, None) for case in by_risk])  # fmt: skip
    auc = _cross_validated_auc(model, X, y)
    message = f"已用 {len(y)} 条审核结论训练；交叉验证 ROC AUC {auc:.3f}"
    if auc <= CHANCE_AUC:
        message += "，不高于随机（0.5），此排序不可信；暂按规则风险分排序"
        return TriageReport(**counts, trained=True, message=message, cv_roc_auc=auc,
                            ranked=[(case, None) for case in by_risk])  # fmt: skip
    features = [triage_features(case) for case in by_risk]
    scores = model.predict_proba(features)[:, 1].tolist() if features else []
    ranked = sorted(zip(by_risk, scores, strict=True), key=lambda item: -item[1])
    return TriageReport(**counts, trained=True, message=message, cv_roc_auc=auc, ranked=ranked)


def _cross_validated_auc(model: TriageModel, X: list[dict], y: list[int]) -> float:
    """Mean ROC AUC over stratified folds (up to five, each holding both outcomes); the
    fold models skip the minimum-decisions check, which is about the whole set."""
    folds = min(5, sum(y), len(y) - sum(y))
    unchecked = clone(model).set_params(min_decisions=0, min_per_outcome=1)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    return float(np.mean(cross_val_score(unchecked, X, y, cv=splitter, scoring="roc_auc")))
