"""Key groups of the poverty registry not covered by 低保 or 特困: a coverage list for field
checks (大姚: 六类重点人口), not an accusation."""

from __future__ import annotations

from datetime import date

import networkx as nx

from models.cases import Case, Evidence
from models.detectors.common import (
    NOT_ENROLLED,
    STATUS_LABELS,
    enrolled_now,
    identity_evidence,
    severely_disabled,
)
from models.graph import neighbours, nodes_of
from models.policy import Policy
from resolver.registries import county_of_number

# How a case's evidence names the key groups its person is of (the ledger's 疑点类型 names them)
KEY_GROUPS_SAID = "属于重点排查人群："
GROUP_LABELS = {
    "not_lifted": "未脱贫建档立卡对象",
    "relapsed": "返贫人口",
    "zero_labor": "整户无劳动力（零劳力）",
    "lifted_below_standard": "已脱贫但家庭年人均收入低于低保标准",
    "monitored": "脱贫监测户",
    "marginal": "脱贫边缘户",
    "labor_lost": "完全或部分丧失劳动能力且符合低保条件",
    "priority_cause": "因大病、因重残、因突发事件致贫（应优先纳入低保）",
}
NO_LABOR = ("lost", "none")
LOST_LABOR = ("lost", "weak")  # 完全 (丧失劳动力) and 部分 (弱劳动力或半劳动力) 丧失劳动能力
# 主要致贫原因 as written that name a grave illness, a grave disability or a sudden event.
PRIORITY_CAUSE_WORDS = ("病", "残", "灾", "意外", "突发")


def detect_unenrolled_key_person(graph: nx.MultiGraph, policy: Policy) -> list[Case]:
    """A living member of a 建档立卡 household in one of ``policy.key_groups`` (未脱贫; 返贫,
    which counts as 未脱贫 where only that is listed; a household where no one can work;
    lifted but with income per person under the 低保 standard; 脱贫监测户; 边缘户; 兴安盟's
    清零: a member who has wholly or partly lost the capacity to work, of a household that is
    poor (``policy.is_poor``); 沙坡头's priority: a member of a poor household whose 主要致贫原因
    is a grave illness, a grave disability or a sudden event) with no active, covered 低保 or
    特困 row, found through identity links. Severely disabled members are ``missed_disability`` cases instead (so is
    the group ``severely_disabled_member``, 大姚's 三是...).
    Without key groups in the policy there is no case.

    Example (大姚县): 赵六, member of a 脱贫监测户 whose members all 丧失劳动力, on no
    roster: one case naming both groups.

    Complexity: O(N + P) for N graph nodes and P poverty-registry rows.

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph (``models.graph``), with ``as_of``.
    policy : Policy
        The policy profile: ``key_groups`` (none: no case), ``dibao_standard_year`` and
        which disabilities are severe (``is_severely_disabled``).

    Returns
    -------
    list of Case
        One case per uncovered member of a key group, resting on their poverty row,
        without an amount at risk; unscored.

    Examples
    --------
    >>> from models.policy import load_policy
    >>> from models.sketch import HouseholdSketch
    >>> sketch = HouseholdSketch()
    >>> sketch.poor("zhao", "JD1", status="monitored", income=3900.0)
    >>> sketch.graph.edges[("person", "zhao"), ("poverty_household", "PH1"), 0]["labor"] = "lost"
    >>> [case.records for case in detect_unenrolled_key_person(sketch.graph, load_policy("大姚县"))]
    [[('poverty', 'JD1')]]
    """
    if not policy.key_groups:
        return []
    cases = []
    for household in nodes_of(graph, "poverty_household"):
        members = neighbours(graph, household, "in_poverty_household")
        zero_labor = all(row["labor"] in NO_LABOR for _, row in members)
        for person, row in members:
            groups = _groups(policy, row, zero_labor, graph.graph["as_of"])
            if groups and not _excluded(graph, policy, person):
                below = _below_standard(policy, row, graph.graph["as_of"])
                cases.append(_case(household, person, row, groups, len(members), below))
    return cases


def _below_standard(policy: Policy, row: dict, as_of: date) -> bool:
    return row["income_year"] is not None and row["income_year"] < policy.standard(
        as_of, None, county_of_number(row["record_id"])
    )


def _groups(policy: Policy, row: dict, zero_labor: bool, as_of: date) -> list[str]:
    below = _below_standard(policy, row, as_of)
    status = row["status"]
    if status == "relapsed" and "relapsed" not in policy.key_groups:
        status = "not_lifted"  # 返贫: poor again, as a 未脱贫 household is
    found = {
        "not_lifted": status == "not_lifted",
        "relapsed": status == "relapsed",
        "zero_labor": zero_labor,
        "lifted_below_standard": status == "lifted" and below,
        "monitored": status == "monitored",
        "marginal": status == "marginal",
        "labor_lost": row["labor"] in LOST_LABOR
        and policy.is_poor(
            status, row["income_year"], as_of, None, county_of_number(row["record_id"])
        ),
        "priority_cause": any(word in (row["cause"] or "") for word in PRIORITY_CAUSE_WORDS)
        and policy.is_poor(
            status, row["income_year"], as_of, None, county_of_number(row["record_id"])
        ),
    }
    return [group for group in policy.key_groups if found.get(group)]


def _excluded(graph: nx.MultiGraph, policy: Policy, person) -> bool:
    """Covered already, dead, or severely disabled (a missed_disability case)."""
    return (
        severely_disabled(graph, policy, person)
        or bool(neighbours(graph, person, "reported_dead"))
        or enrolled_now(graph, person)
    )


def _case(household, person, row: dict, groups: list[str], size: int, below: bool) -> Case:
    status = STATUS_LABELS.get(row["status"], row["status"] or "状态不明")
    income = f"，家庭年人均纯收入 {row['income_year']:.0f} 元" if row["income_year"] else ""
    evidence = [
        Evidence(
            f"建档立卡户 {household[1]}（{size} 人），状态 {status}{income}",
            "poverty",
            row["record_id"],
        ),
        Evidence(KEY_GROUPS_SAID + "、".join(GROUP_LABELS[g] for g in groups)),
        NOT_ENROLLED,
        identity_evidence(row, "建档立卡记录"),
        Evidence("请入户核查是否符合低保、特困条件；不予纳入的，请在核查结论中写明未纳入原因"),
    ]
    return Case(
        case_type="unenrolled_key_person",
        records=[("poverty", row["record_id"])],
        person_ids=[person[1]],
        amount_at_risk=None,
        evidence=evidence,
        features={
            "identity": row["probability"],
            "groups": float(len(groups)),
            "zero_labor": float("zero_labor" in groups),
            "below_standard": float(below),
        },
    )
