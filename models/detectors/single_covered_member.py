"""One member covered of a larger household: a B or C class 低保 case that covers fewer of
its household than the locality requires (沙坡头: "每户至少要保2人以上", "尽量减少1户保1人")."""

from __future__ import annotations

import networkx as nx

from models.cases import Case, Evidence
from models.detectors.common import (
    area_evidence,
    enrolment_evidence,
    identity_evidence,
    may_be_enrolled_alone,
)
from models.graph import neighbours, nodes_of
from models.policy import Policy

CLASSES = ("B", "C")


def detect_single_covered_member(graph: nx.MultiGraph, policy: Policy) -> list[Case]:
    """A B or C class 低保 case (沙坡头 "B类和C类对象的家庭": every active covered member, the
    对象, of class B or C, as ``a_class_partial`` reads class A; a member listed but not
    covered often has no class of his own; a case covering a class A member is an A case)
    of a household of two or more (by its ``household_size``, or
    the members its roster lists) whose active covered members are fewer than
    ``policy.bc_min_covered`` — unless each of them is someone the policy lets be enrolled
    alone (``policy.single_person_groups``). Without the rule (None) there is no case.

    Example (沙坡头, ``bc_min_covered`` 2): C class case DB9 lists 王五 (covered), his wife
    and son (not covered), household size 3: one case on 王五's row.

    Complexity: O(N + R) for N graph nodes and R roster rows.

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph (``models.graph``), with ``as_of``.
    policy : Policy
        The policy profile: ``bc_min_covered`` (None: no case), and who may be enrolled
        alone (``single_person_groups``, ``grave_illness_health``, severe disabilities).

    Returns
    -------
    list of Case
        One case per 低保 case found, resting on its covered members' rows, without an
        amount at risk; unscored.

    Examples
    --------
    >>> from models.policy import load_policy
    >>> from models.sketch import HouseholdSketch
    >>> sketch = HouseholdSketch()
    >>> sketch.enrol("head", "DB9", "A1", dibao_class="C", household_size=3)
    >>> sketch.enrol("wife", "DB9", "A2", covered=False, dibao_class="C", household_size=3)
    >>> [case.records for case in detect_single_covered_member(sketch.graph, load_policy("沙坡头区"))]
    [[('assistance', 'A1')]]
    """
    if policy.bc_min_covered is None:
        return []
    as_of = graph.graph["as_of"]
    cases = []
    for case in nodes_of(graph, "case"):
        area = graph.nodes[case]["area"]
        if graph.nodes[case]["program"] != "dibao" or (
            policy.bc_min_covered_areas and area is not None
            and area not in policy.bc_min_covered_areas
        ):  # fmt: skip
            continue
        rows = [(member, row) for member, row in neighbours(graph, case, "enrolled_in")
                if row["end"] is None or row["end"] >= as_of]  # fmt: skip
        covered = [(member, row) for member, row in rows if row["covered"]]
        if not covered or any(row["dibao_class"] not in CLASSES for _, row in covered):
            continue
        size = max([len({member for member, _ in rows})]
                   + [row["household_size"] or 0 for _, row in rows])  # fmt: skip
        if size < 2 or len(covered) >= policy.bc_min_covered:
            continue
        if all(may_be_enrolled_alone(graph, policy, member, row) for member, row in covered):
            continue
        cases.append(_case(graph, policy, case, rows, covered, size))
    return cases


def _case(graph, policy: Policy, case, rows, covered, size: int) -> Case:
    cls = "、".join(sorted({row["dibao_class"] for _, row in covered}))
    chosen = sorted(covered, key=lambda item: item[1]["record_id"])
    evidence = [
        Evidence(
            f"{cls}类低保案件 {case[1]} 家庭人数 {size} 人，在保 {len(covered)} 人，"
            f"少于本地规定的每户至少保障 {policy.bc_min_covered} 人"
        ),
        *(
            enrolment_evidence(case, row)
            for _, row in sorted(rows, key=lambda r: r[1]["record_id"])
        ),
        *(identity_evidence(row, "救助记录") for _, row in chosen),
        *area_evidence(graph.nodes[case]["area"], policy.bc_min_covered_areas),
        Evidence(
            "核实：其余家庭成员是否符合条件应纳尽纳；不符合条件的应按规定清退，"
            "或确认在保成员属于可单人户保障的情形"
        ),
    ]
    return Case(
        case_type="single_covered_member",
        records=[("assistance", row["record_id"]) for _, row in chosen],
        person_ids=sorted({member[1] for member, _ in chosen}),
        amount_at_risk=None,
        evidence=evidence,
        features={
            "identity": min(row["probability"] for _, row in chosen),
            "household_size": float(size),
            "class_c": float(cls == "C"),
            "listed": float(len({member for member, _ in rows})),
        },
    )
