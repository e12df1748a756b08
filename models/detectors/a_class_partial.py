"""A class families not covered as a whole: a 低保 case with a class A member that leaves
part of its household uncovered, where the locality covers A class families whole
(沙坡头: "对于农村低保A类对象的家庭，要全面按户施保")."""

from __future__ import annotations

import networkx as nx

from models.cases import Case, Evidence
from models.detectors.common import AREA_LABELS, enrolment_evidence, identity_evidence
from models.graph import neighbours, nodes_of
from models.policy import Policy


def detect_a_class_partial(graph: nx.MultiGraph, policy: Policy) -> list[Case]:
    """Where ``policy.a_class_whole_household`` names the case's 城乡属性 (沙坡头: 农村; a
    case whose area the data does not give is checked, and says so): an active 低保 case with a covered class A
    member (分类施保 may make the needy member alone class A: the family is still an A class
    family) whose active covered members are fewer than its household (by its
    ``household_size``, or the members its roster lists). The evidence names the members
    listed but not covered.

    Example (沙坡头区): A class case DB3 lists 李四 (covered) and his wife (listed, not
    covered): one case on both rows.

    Complexity: O(N + R) for N graph nodes and R roster rows.

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph (``models.graph``), with ``as_of``.
    policy : Policy
        The policy profile: ``a_class_whole_household``, the areas checked (none: no case).

    Returns
    -------
    list of Case
        One case per 低保 case found, resting on its active rows, without an amount at
        risk; unscored.

    Examples
    --------
    >>> from models.policy import load_policy
    >>> from models.sketch import HouseholdSketch
    >>> sketch = HouseholdSketch()
    >>> sketch.enrol("li", "DB3", "A1", dibao_class="A", area="rural")
    >>> sketch.enrol("wife", "DB3", "A2", covered=False, dibao_class="A", area="rural")
    >>> sketch.enrol("zhou", "DB4", "A3", dibao_class="A", area="urban")  # 城市低保: not checked
    >>> sketch.enrol("son", "DB4", "A4", covered=False, dibao_class="A", area="urban")
    >>> [case.records for case in detect_a_class_partial(sketch.graph, load_policy("沙坡头区"))]
    [[('assistance', 'A1'), ('assistance', 'A2')]]
    >>> detect_a_class_partial(sketch.graph, load_policy())  # not a default check
    []
    """
    if not policy.a_class_whole_household:
        return []
    as_of = graph.graph["as_of"]
    cases = []
    for case in nodes_of(graph, "case"):
        checked = (*policy.a_class_whole_household, None)  # an unknown area is checked
        if graph.nodes[case]["program"] != "dibao" or graph.nodes[case]["area"] not in checked:
            continue
        rows = sorted(((member, row) for member, row in neighbours(graph, case, "enrolled_in")
                       if row["end"] is None or row["end"] >= as_of),
                      key=lambda item: item[1]["record_id"])  # fmt: skip
        covered = [(member, row) for member, row in rows if row["covered"]]
        if not any(row["dibao_class"] == "A" for _, row in covered):
            continue
        size = max([len({member for member, _ in rows})]
                   + [row["household_size"] or 0 for _, row in rows])  # fmt: skip
        if len(covered) < size:
            cases.append(_case(graph, case, rows, covered, size))
    return cases


def _case(graph: nx.MultiGraph, case, rows, covered, size: int) -> Case:
    uncovered = [row for _, row in rows if not row["covered"]]
    evidence = [
        Evidence(f"A类低保案件 {case[1]} 家庭人数 {size} 人，在保 {len(covered)} 人："
                 "A类对象的家庭应全面按户施保"),
        *(Evidence(f"名册列出但未保障的家庭成员（是否保障对象：否），记录 {row['record_id']}",
                   "assistance", row["record_id"]) for row in uncovered),
        *([] if len(rows) >= size else
          [Evidence(f"名册只列出 {len(rows)} 人，少于家庭人数 {size} 人")]),
        _area_evidence(graph.nodes[case]["area"]),
        *(enrolment_evidence(case, row) for _, row in rows),
        *(identity_evidence(row, "救助记录") for _, row in covered),
        Evidence("核实：未保障的家庭成员是否属于本家庭、是否符合条件；A类家庭应整户纳入"),
    ]  # fmt: skip
    return Case(
        case_type="a_class_partial",
        records=[("assistance", row["record_id"]) for _, row in rows],
        person_ids=sorted({member[1] for member, _ in rows}),
        amount_at_risk=None,
        evidence=evidence,
        features={
            "identity": min(row["probability"] for _, row in covered),
            "household_size": float(size),
            "uncovered": float(size - len(covered)),
        },
    )


def _area_evidence(area: str | None) -> Evidence:
    if area is None:
        return Evidence("城乡属性未知：按农村低保核对，请核实")
    return Evidence(f"城乡属性：{AREA_LABELS[area]}低保")
