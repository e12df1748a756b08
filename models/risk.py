"""The risk score of a case: a probability that the finding is true, and the facts that moved it.

``RiskModel`` is a scikit-learn estimator: one penalised logistic regression per case type
over the features its detector records — the weakest identity link the case rests on, and
the strength of the pattern (months paid after death, corroboration, shared identifiers...).
A link's match probability is not taken at its word: the clustering refuses many weak links
that would be wrong, so the links it keeps are more often right than their probability says,
and the model learns how much each feature is worth. It is fitted on labelled cases — the synthetic county's truth (``doudi
calibrate``), later reviewers' decisions — so that among cases scored about 0.9, about nine in
ten are true. The fitted model is saved as JSON; the package ships one fitted on a noisy
synthetic county (``models/risk_default.json``), and every run records the one it used.

A case type with too few true or too few false examples learns only its intercept (smoothed
by one pseudo-case of each class): with nothing to tell its cases apart, the model says so
with one score for all of them instead of inventing weights.
"""

from __future__ import annotations

import json
import math
from importlib import resources
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from models.case_types import CASE_TYPES
from models.cases import (
    CLASS_LOWERED,
    CLASS_LOWERED_SCORE,
    LIVED_ON,
    LIVED_ON_SCORE,
    RESTORED,
    RESTORED_SCORE,
    STRUCK,
    STRUCK_SCORE,
    UNDATED,
    UNDATED_SCORE,
    UNLINKED,
    Case,
)
from resolver.errors import DoudiError, path_problem

# Per case type: (feature, Chinese label, direction), from the case-type registry.
FEATURES = {name: spec.features for name, spec in CASE_TYPES.items()}


def _logit(probability: float) -> float:
    clipped = min(max(probability, 1e-4), 1 - 1e-6)
    return math.log(clipped / (1 - clipped))


# Features the model sees transformed: name -> (the detector's feature, transform).
DERIVED = {
    "identity_logit": ("identity", _logit),
    "log_months_after": ("months_after", math.log1p),
    "log_months_twice": ("months_twice", math.log1p),
    "log_months": ("months", math.log1p),
    "log_candidates": ("candidates", math.log),
}


def feature_vector(case: Case) -> list[float]:
    """The case's features in the order of ``FEATURES[case.case_type]``.

    The detector's features, some transformed (``DERIVED``: the identity link as a logit, counts
    of months on a log scale).

    Parameters
    ----------
    case : Case
        A case with the features its detector records.

    Returns
    -------
    list of float
        The model's inputs for the case.
    """
    vector = []
    for name, _, _ in FEATURES[case.case_type]:
        key, transform = DERIVED.get(name, (name, float))
        vector.append(transform(case.features[key]))
    return vector


# Why a case that rests on records linking left apart (``UNLINKED``) is scored at most their
# match probability, as its explanation says it, per case type that records it.
UNLINKED_REASONS = {
    "duplicate_enrollment": (
        "两条记录未归并为同一人，评分以其为同一人的概率为上限（仅凭姓名相同的，"
        "该概率不是模型估计，固定取至多 0.3）"
    ),
    "deceased_paid": "死亡记录未确认为本人，评分以其与本人的关联概率为上限",
    "missed_disability": "本人可能是一条未能确认的死亡记录所指的人，评分以本人在世的可能为上限",
}


# The features that cap a case's score, in the order they apply: (feature, the highest score,
# why, as its explanation says it).
SCORE_CAPS = (
    (STRUCK, STRUCK_SCORE, "所依据的行在表中被划去"),
    (RESTORED, RESTORED_SCORE, "死亡记录之后公安已恢复户口，死亡信息很可能有误"),
    (LIVED_ON, LIVED_ON_SCORE, "死亡日期之后仍有生存迹象（见证据第一条），死亡信息可能有误"),
    (CLASS_LOWERED, CLASS_LOWERED_SCORE, "此前按较高类别发放，类别调整是否迟延无法从数据判断"),
    (UNDATED, UNDATED_SCORE, "死亡日期未填写或无法识别，死亡后发放了几个月无法确定"),
)


# What a score is for, as every explanation says it: the order in which to check leads.
# Within a type, a higher score means the finding held more often on the examples it was
# calibrated on; it says nothing of anyone's fault.
SCORE_MEANING = "评分用于排定核查先后，不是认定违规的概率"


# Features that say yes or no (1 or 0): shown as 是 / 否 (a "0" after 户籍应有而查无此人 read as
# though the person were missing from the hukou registry).
YES_NO_FEATURES = frozenset({"corroborated", "no_hukou", "both_programs", "same_valid_id",
                             "was_enrolled", "class_c", "zero_labor", "below_standard",
                             "assessed", "over"})  # fmt: skip


def score_text(score: float) -> str:
    """A risk score as a reviewer reads it: two decimals, cut down, never rounded up, so that
    only a certain lead reads 1.00 (0.9991 is 0.99).

    Parameters
    ----------
    score : float
        A risk score in [0, 1].

    Returns
    -------
    str
        The score with two decimals.

    Examples
    --------
    >>> score_text(0.9991), score_text(0.29), score_text(1.0), score_text(0.355)
    ('0.99', '0.29', '1.00', '0.35')
    """
    return f"{math.floor(round(score * 100, 6)) / 100:.2f}"


def _shown(case: Case, name: str) -> str:
    value = case.features[DERIVED.get(name, (name,))[0]]
    if name == "identity_logit":
        return f"{value:.3f}"
    if name in YES_NO_FEATURES:
        return "是" if value else "否"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}"


class RiskModel(ClassifierMixin, BaseEstimator):
    """Probability that a case is a true finding, per case type.

    ``X``: a sequence of ``(case_type, feature_vector)``; ``y``: 1 for a true case, 0 else.

    >>> model = RiskModel(min_examples=1).fit(
    ...     [("missed_disability", [9.0, 1, 2, 0]), ("missed_disability", [-3.0, 3, 1, 1])], [1, 0])
    >>> bool(model.predict_proba([("missed_disability", [9.0, 1, 2, 0])])[0, 1] > 0.5)
    True
    """

    def __init__(self, C: float = 1.0, min_examples: int = 3) -> None:
        self.C = C
        self.min_examples = min_examples

    def fit(self, X, y) -> RiskModel:
        """Fit one model per case type, each on the examples of its type.

        Parameters
        ----------
        X : sequence of tuple of (str, list of float)
            ``(case_type, feature_vector)`` per case.
        y : sequence of int
            1 for a true case, 0 else; one per case.

        Returns
        -------
        RiskModel
            The model itself, fitted.

        Raises
        ------
        ValueError
            When the labels are not one 0/1 per case, or a case type is unknown.
        """
        types, vectors = _split(X)
        labels = np.asarray(y, dtype=int)
        if len(labels) != len(types) or not set(np.unique(labels)) <= {0, 1}:
            raise ValueError("y must hold one 0/1 label per case")
        self.classes_ = np.array([0, 1])
        self.types_ = {}
        for case_type, names in FEATURES.items():
            chosen = np.flatnonzero(types == case_type)
            rows = [vectors[i] for i in chosen]
            self.types_[case_type] = self._fit_type(rows, labels[chosen], names)
        return self

    def _fit_type(self, vectors: list, labels: np.ndarray, names: tuple) -> dict:
        """The intercept, smoothed by one pseudo-case of each class so that a type without
        false examples still gets a finite rate; the weights of the standardised features
        (L2 penalty ``1 / C``) only with ``min_examples`` true and false cases."""
        positives, total, width = int(labels.sum()), len(labels), len(names)
        data = np.array(vectors, dtype=float).reshape(total, width)
        mean = data.mean(axis=0) if total else np.zeros(width)
        scale = data.std(axis=0) if total else np.ones(width)
        scale[scale == 0] = 1.0
        learn = min(positives, total - positives) >= self.min_examples
        features = (data - mean) / scale if learn else data[:, :0]
        directions = [direction for *_, direction in names][: features.shape[1]]
        intercept, weights = _penalised_logistic(features, labels, 1 / self.C, directions)
        coef = weights.tolist() if learn else [0.0] * width
        return {"examples": total, "true": positives, "mean": mean.tolist(),
                "scale": scale.tolist(), "coef": coef, "intercept": intercept}  # fmt: skip

    def predict_proba(self, X) -> np.ndarray:
        """The probability of each case being false and true.

        Parameters
        ----------
        X : sequence of tuple of (str, list of float)
            ``(case_type, feature_vector)`` per case.

        Returns
        -------
        np.ndarray
            Shape ``(n, 2)``: the probability of class 0 and of class 1 per case.
        """
        check_is_fitted(self, "types_")
        types, vectors = _split(X)
        logits = np.array([sum(self._contributions(t, v)) + self.types_[t]["intercept"]
                           for t, v in zip(types, vectors, strict=True)])  # fmt: skip
        positive = 1 / (1 + np.exp(-logits))
        return np.column_stack([1 - positive, positive])

    def _contributions(self, case_type: str, vector) -> list[float]:
        fitted = self.types_[case_type]
        return [c * (x - m) / s for c, x, m, s in
                zip(fitted["coef"], vector, fitted["mean"], fitted["scale"], strict=True)]  # fmt: skip

    def explain(self, case: Case) -> tuple[float, list[str]]:
        """The case's score and, in Chinese, the facts that raised or lowered it.

        Only the facts that move the logit by at least 0.05 are named, the strongest first.

        Parameters
        ----------
        case : Case
            The case.

        Returns
        -------
        tuple of (float, list of str)
            The score and one Chinese sentence saying how it was calibrated and what moved it.
        """
        vector = feature_vector(case)
        modelled = score = float(self.predict_proba([(case.case_type, vector)])[0, 1])
        bound = case.features.get(UNLINKED)
        moves = [
            (contribution, label, _shown(case, name))
            for contribution, (name, label, _) in zip(
                self._contributions(case.case_type, vector), FEATURES[case.case_type], strict=True
            )
            if abs(contribution) >= 0.05
        ]
        moves.sort(key=lambda move: -abs(move[0]))
        fitted = self.types_[case.case_type]
        calibrated = (f"按模拟数据（非真实案例）中{fitted['examples']}个已知真伪的同类疑点校准，"
                      f"未用本地核查结果；{SCORE_MEANING}" if fitted["examples"]
                      else f"此类疑点尚无已知真伪的样本，评分只是中性估计；{SCORE_MEANING}")  # fmt: skip
        base = f"风险评分 {score_text(score)}（{calibrated}）"
        if bound is not None and bound < score:
            base = (f"风险评分 {score_text(bound)}（{UNLINKED_REASONS[case.case_type]}；"
                    f"模型评分 {score_text(score)}，{calibrated}）")  # fmt: skip
            score = bound
        for feature, cap, reason in SCORE_CAPS:
            if case.features.get(feature) and score > cap:
                base = (f"风险评分 {score_text(cap)}（{reason}，评分以 {score_text(cap)} 为上限；"
                        f"模型评分 {score_text(modelled)}，{calibrated}）")  # fmt: skip
                score = cap
        if not moves:
            return score, [base]
        # the value, then what it did (until 2026-12-07 降低：户籍应有而查无此人 否, read as a
        # contradiction by a blind tester)
        words = "；".join(
            f"{label} {shown}（使评分{'提高' if c > 0 else '降低'}）" for c, label, shown in moves
        )
        return score, [f"{base}：{words}"]

    def save(self, path: Path) -> None:
        """Save the fitted model as JSON (its parameters and learned ``types_``).

        Parameters
        ----------
        path : Path
            The file to write.
        """
        check_is_fitted(self, "types_")
        document = {"params": self.get_params(), "types": self.types_}
        path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: Path | None = None) -> RiskModel:
        """A saved model; the packaged default when ``path`` is None.

        Parameters
        ----------
        path : Path, optional
            A JSON file written by ``save``.

        Returns
        -------
        RiskModel
            The fitted model.

        Raises
        ------
        DoudiError
            When the file cannot be read or parsed.
        """
        source = path or resources.files("models") / "risk_default.json"
        try:
            document = json.loads(source.read_text(encoding="utf-8"))
        except FileNotFoundError as error:
            raise DoudiError(f"找不到风险评分模型 {source}：请检查 --risk-model 给出的路径"
                             "（不给则用内置的模型）") from error  # fmt: skip
        except json.JSONDecodeError as error:
            raise DoudiError(f"风险评分模型 {source} 不是有效的 JSON（第 {error.lineno} 行第 "
                             f"{error.colno} 列有误）：请用 doudi run 写出的 risk_model.json"
                             ) from error  # fmt: skip
        except UnicodeDecodeError as error:
            raise DoudiError(f"风险评分模型 {source} 不是 UTF-8 文本：请用 doudi run 写出的 "
                             "risk_model.json") from error  # fmt: skip
        except OSError as error:  # a folder, no permission
            said = path_problem(error) or f"{source}：{error.strerror}"
            raise DoudiError(f"无法读取风险评分模型：{said}") from error
        types = document.get("types") if isinstance(document, dict) else None
        params = document.get("params") if isinstance(document, dict) else None
        if (
            not isinstance(types, dict)
            or not isinstance(params, dict)
            or not all(isinstance(fitted, dict | None) for fitted in types.values())
        ):
            raise DoudiError(f"{source} 不是风险评分模型：缺少 types 或 params 部分。请用 doudi "
                             "run 写出的 risk_model.json")  # fmt: skip
        unknown = sorted(set(params) - set(cls().get_params()))
        if unknown:
            raise DoudiError(f"{source} 不是风险评分模型：有不认识的参数 {', '.join(unknown)}。"
                             "请用 doudi run 写出的 risk_model.json")  # fmt: skip
        return cls.from_types(types, **params)

    @classmethod
    def from_types(cls, types: dict, **params: float) -> RiskModel:
        """A fitted model from its learned ``types_`` (as saved, or as a run records it).

        A case type missing from ``types`` gets a neutral 0.5.

        Parameters
        ----------
        types : dict
            Per case type: its fitted intercept, weights and standardisation.
        **params : float
            The model's parameters (``C``, ``min_examples``).

        Returns
        -------
        RiskModel
            The fitted model.
        """
        model = cls(**params)
        model.classes_ = np.array([0, 1])
        model.types_ = {case_type: types.get(case_type) or _unseen(len(names))
                        for case_type, names in FEATURES.items()}  # fmt: skip
        return model


def _unseen(width: int) -> dict:
    """A case type the model has no examples of: a neutral 0.5."""
    return {"examples": 0, "true": 0, "mean": [0.0] * width, "scale": [1.0] * width,
            "coef": [0.0] * width, "intercept": 0.0}  # fmt: skip


def _penalised_logistic(
    features: np.ndarray, labels: np.ndarray, penalty: float, directions: list[int]
) -> tuple[float, np.ndarray]:
    """Intercept and weights minimising the log loss of ``intercept + features @ w`` plus
    ``penalty / 2 * |w|^2``, over the cases and one pseudo-case of each class at the mean;
    each weight keeps the sign of its direction (0: either)."""
    signs = np.r_[np.where(labels == 1, 1.0, -1.0), 1.0, -1.0]
    design = np.vstack([features, np.zeros((2, features.shape[1]))])

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        margins = signs * (params[0] + design @ params[1:])
        residual = -signs / (1 + np.exp(margins))
        value = np.logaddexp(0, -margins).sum() + penalty / 2 * params[1:] @ params[1:]
        gradient = np.r_[residual.sum(), design.T @ residual + penalty * params[1:]]
        return float(value), gradient

    start = np.zeros(1 + features.shape[1])
    signs_allowed = {1: (0.0, None), -1: (None, 0.0), 0: (None, None)}
    bounds = [(None, None), *(signs_allowed[direction] for direction in directions)]
    solution = minimize(loss, start, jac=True, method="L-BFGS-B", bounds=bounds).x
    return float(solution[0]), solution[1:]


def _split(X) -> tuple[np.ndarray, list[list[float]]]:
    types = np.array([case_type for case_type, _ in X], dtype=object)
    unknown = set(types) - set(FEATURES)
    if unknown:
        raise ValueError(f"unknown case types: {sorted(unknown)}")
    return types, [list(vector) for _, vector in X]
