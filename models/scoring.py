"""The rule-based risk score of a case, in [0, 1], and the facts that moved it.

The score starts from how firmly the case's records are tied to its persons (the weakest
identity link it rests on) and is moved by the strength of the pattern: months paid after
death and whether the death is corroborated; months paid twice, or 低保 and 特困 at once;
shared accounts between split cases; how poor the household is. Until a score calibrated on
reviewed or synthetic truth replaces it, it ranks cases; it is not a probability.
"""

from __future__ import annotations

from models.cases import Case

BASE = {
    "deceased_paid": 0.7,
    "duplicate_enrollment": 0.7,
    "split_household": 0.6,
    "missed_disability": 0.6,
}


def score_case(case: Case) -> tuple[float, list[str]]:
    """The score and, in Chinese, the facts that raised or lowered it."""
    features = case.features
    score = BASE[case.case_type]
    reasons = []
    adjust = _ADJUSTMENTS[case.case_type]
    for delta, reason in adjust(features):
        score += delta
        reasons.append(f"{'+' if delta >= 0 else '−'}{abs(delta):.2f} {reason}")
    identity = features.get("identity", 1.0)
    if identity < 0.99:
        reasons.append(f"×{identity:.2f} 身份关联概率不足 0.99")
    score = min(max(score, 0.0), 1.0) * identity
    return score, [
        f"风险评分 {score:.2f}：" + "；".join(reasons) if reasons else f"风险评分 {score:.2f}"
    ]


def _deceased(features: dict[str, float]) -> list[tuple[float, str]]:
    months = features["months_after"]
    adjustments = [(0.2, "死亡有两个来源或身份证号一致") if features["corroborated"]
                   else (-0.2, "死亡仅凭模糊关联认定")]  # fmt: skip
    if months >= 3:
        adjustments.append((0.1, f"死亡后发放 {months:.0f} 个月"))
    return adjustments


def _duplicate(features: dict[str, float]) -> list[tuple[float, str]]:
    adjustments = []
    if features["both_programs"]:
        adjustments.append((0.15, "同时享受低保和特困"))
    if features["same_valid_id"]:
        adjustments.append((0.15, "两条记录身份证号一致"))
    if features["months_twice"] >= 3:
        adjustments.append((0.1, f"重复发放 {features['months_twice']:.0f} 个月"))
    return adjustments


def _split(features: dict[str, float]) -> list[tuple[float, str]]:
    adjustments = [(0.2, "分户案件共用银行账号")] if features["shared_identifiers"] else []
    if features["cases"] >= 3:
        adjustments.append((0.1, f"分为 {features['cases']:.0f} 个案件"))
    return adjustments


def _missed(features: dict[str, float]) -> list[tuple[float, str]]:
    adjustments = []
    if features["level"] <= 2:
        adjustments.append((0.15, "一、二级重度残疾"))
    if features["poverty_reasons"] >= 2:
        adjustments.append((0.1, "多项贫困依据"))
    if features["was_enrolled"]:
        adjustments.append((-0.1, "曾纳入救助，可能已按规退出"))
    return adjustments


_ADJUSTMENTS = {
    "deceased_paid": _deceased,
    "duplicate_enrollment": _duplicate,
    "split_household": _split,
    "missed_disability": _missed,
}
