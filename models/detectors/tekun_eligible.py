"""Looks eligible for 特困 and is not in it: a 建档立卡 household where no one can work and
that is poor, whose members are not supported by 特困 (兴安盟: 符合特困供养政策条件的建档立卡
贫困人口纳入特困供养; 大姚: 符合低保、特困供养条件的人员…纳入). The conditions of 特困 are
no capacity to work, no means of living and no one obliged and able to support; the data
show the first, hint at the second and third, and the lead says what they cannot show."""

from __future__ import annotations

import networkx as nx

from models.cases import Case, Evidence
from models.detectors.common import (
    NOT_ENROLLED,
    PROGRAM_LABELS,
    STATUS_LABELS,
    identity_evidence,
)
from models.graph import Node, families_of, neighbours, nodes_of
from models.policy import Policy
from resolver.registries import county_of_number

NO_LABOR = ("lost", "none")  # 丧失劳动力, 无劳动力
LABOR_LABELS = {"lost": "丧失劳动力", "none": "无劳动力"}


def detect_tekun_eligible(graph: nx.MultiGraph, policy: Policy) -> list[Case]:
    """With ``policy.tekun_eligibility_check``: a 建档立卡 household every listed member of
    which has no capacity to work (劳动技能 丧失劳动力 or 无劳动力) and that is poor
    (``policy.is_poor``: its status, or its income per person under the standard), with
    living members on no active, covered 特困 row (on 低保 or on nothing). The evidence names
    the hukou family's other members (who may be obliged to support) and says what the
    data cannot show: a means of living, supporters outside the registers.

    Example (兴安盟): 建档立卡 household PH1 of 白音 (丧失劳动力) and his wife (无劳动力),
    监测户, on 低保: one case on their two poverty rows.

    Complexity: O(N + P + H) for N graph nodes, P poverty rows and H hukou memberships.

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph (``models.graph``), with ``as_of``.
    policy : Policy
        The policy profile: ``tekun_eligibility_check`` (False: no case), what is poor.

    Returns
    -------
    list of Case
        One case per household, resting on its eligible members' poverty rows, without an
        amount at risk; unscored.

    Examples
    --------
    >>> from models.policy import load_policy
    >>> from models.sketch import HouseholdSketch
    >>> sketch = HouseholdSketch()
    >>> sketch.poor("baiyin", "JD1", labor="lost")
    >>> sketch.poor("wife", "JD2", labor="none")
    >>> sketch.enrol("baiyin", "DB1", "A1")
    >>> [case.records for case in detect_tekun_eligible(sketch.graph, load_policy("兴安盟"))]
    [[('poverty', 'JD1'), ('poverty', 'JD2')]]
    >>> detect_tekun_eligible(sketch.graph, load_policy())  # not a default check
    []
    """
    if not policy.tekun_eligibility_check:
        return []
    cases = []
    for household in nodes_of(graph, "poverty_household"):
        members = sorted(neighbours(graph, household, "in_poverty_household"),
                         key=lambda item: item[1]["record_id"])  # fmt: skip
        if not members or any(row["labor"] not in NO_LABOR for _, row in members):
            continue
        if not any(policy.is_poor(row["status"], row["income_year"], graph.graph["as_of"], None,
                                  county_of_number(row["record_id"]))
                   for _, row in members):  # fmt: skip
            continue
        eligible = [(person, row) for person, row in members
                    if not neighbours(graph, person, "reported_dead")
                    and not _in_tekun(graph, person)]  # fmt: skip
        if eligible:
            cases.append(_case(graph, household, members, eligible))
    return cases


def _in_tekun(graph: nx.MultiGraph, person: Node) -> bool:
    return any(row["program"] == "tekun" and row["covered"] and _active(graph, row)
               for _, row in neighbours(graph, person, "enrolled_in"))  # fmt: skip


def _active(graph: nx.MultiGraph, row: dict) -> bool:
    return row["end"] is None or row["end"] >= graph.graph["as_of"]


def _covered_by(graph: nx.MultiGraph, person: Node) -> list[str]:
    """The programs and cases the person is covered by now, in words."""
    return [f"{PROGRAM_LABELS.get(row['program'], '救助')}（案件 {case[1]}）"
            for case, row in neighbours(graph, person, "enrolled_in")
            if row["covered"] and _active(graph, row)]  # fmt: skip


def _relatives(graph: nx.MultiGraph, members: list[tuple[Node, dict]]) -> set[Node]:
    """The persons of the members' hukou families who are not in the poverty household."""
    listed = {person for person, _ in members}
    return {other for person, _ in members
            for family in families_of(graph, person)
            for other, _ in neighbours(graph, family, "member_of")} - listed  # fmt: skip


def _case(graph: nx.MultiGraph, household: Node, members: list, eligible: list) -> Case:
    row = members[0][1]
    status = STATUS_LABELS.get(row["status"], row["status"] or "状态不明")
    income = f"，家庭年人均纯收入 {row['income_year']:.0f} 元" if row["income_year"] else ""
    relatives = _relatives(graph, members)
    evidence = [
        Evidence(f"建档立卡户 {household[1]}（{len(members)} 人）全体成员无劳动能力，状态 {status}{income}"),
        *(Evidence(f"劳动技能 {LABOR_LABELS[member['labor']]}；目前"
                   + ("享受" + "、".join(covered) if (covered := _covered_by(graph, person))
                      else "未纳入低保或特困"), "poverty", member["record_id"])
          for person, member in eligible),
        *([] if any(_covered_by(graph, person) for person, _ in eligible) else [NOT_ENROLLED]),
        Evidence(f"户籍中另有家庭成员 {len(relatives)} 人，可能是法定赡养、抚养、扶养义务人，请核实其赡养能力"
                 if relatives else "户籍中未见其他家庭成员"),
        Evidence("数据无法显示：有无生活来源，户籍以外的法定赡养、抚养、扶养义务人；请入户核实"),
        *(identity_evidence(member, "建档立卡记录") for _, member in eligible),
        Evidence("核实：符合特困人员救助供养条件的，依申请纳入特困供养；不符合的，写明原因"),
    ]  # fmt: skip
    return Case(
        case_type="tekun_eligible",
        records=[("poverty", member["record_id"]) for _, member in eligible],
        person_ids=sorted({person[1] for person, _ in eligible}),
        amount_at_risk=None,
        evidence=evidence,
        features={
            "identity": min(member["probability"] for _, member in eligible),
            "members": float(len(eligible)),
            "relatives": float(len(relatives)),
        },
    )
