"""Roster gaps: the 沙坡头 ledger comparison of the 低保/特困 roster with the 建档立卡
registry, household by household, in both directions — a list for the two offices to
reconcile, not an accusation."""

from __future__ import annotations

import networkx as nx

from models.cases import Case, Evidence
from models.detectors.common import (
    NOT_ENROLLED,
    area_evidence,
    enrolled_now,
    enrolment_evidence,
)
from models.graph import Node, neighbours, nodes_of
from models.policy import Policy


def detect_roster_gap(graph: nx.MultiGraph, policy: Policy) -> list[Case]:
    """With ``policy.roster_comparison``: (1) a 低保 or 特困 case none of whose active
    covered members is in the 建档立卡 registry (应扶尽扶: the poverty office checks whether
    the household qualifies), among the cases of ``policy.roster_comparison_areas`` (沙坡头:
    农村低保对象、特困供养对象; an urban case is no lead there; a case whose 城乡属性 the data
    does not give is a lead that says so); (2) a 建档立卡 household marked 扶贫低保户 (an optional
    column) none of whose members has an active, covered 低保 or 特困 row. Members are
    matched through identity links, so a mistyped ID does not open a gap.

    Example (沙坡头区): 特困 case TK3 of 孙七, who is in no poverty household: one case on
    his row. Poverty household PH9 marked 扶贫低保户, both members on no roster: one case on
    their two poverty rows.

    Complexity: O(N + R + P) for N graph nodes, R roster rows and P poverty rows.

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph (``models.graph``), with ``as_of``.
    policy : Policy
        The policy profile: ``roster_comparison`` (without it, no case) and
        ``roster_comparison_areas`` (which cases, by 城乡属性; none: every case).

    Returns
    -------
    list of Case
        One case per roster case outside the registry, then one per marked poverty
        household outside the rosters, without an amount at risk; unscored.

    Examples
    --------
    >>> from models.policy import load_policy
    >>> from models.sketch import HouseholdSketch
    >>> sketch = HouseholdSketch()
    >>> sketch.enrol("sun", "TK3", "A1", program="tekun", area="rural")
    >>> sketch.enrol("zhao", "DB4", "A2")
    >>> sketch.poor("zhao", "P1")
    >>> sketch.enrol("qian", "DB5", "A3", area="urban")  # 城市低保: not compared in 沙坡头
    >>> [case.records for case in detect_roster_gap(sketch.graph, load_policy("沙坡头区"))]
    [[('assistance', 'A1')]]
    """
    if not policy.roster_comparison:
        return []
    outside = _roster_outside_registry(graph, policy.roster_comparison_areas)
    return outside + _marked_outside_roster(graph)


def _roster_outside_registry(graph: nx.MultiGraph, areas: tuple[str, ...]) -> list[Case]:
    as_of = graph.graph["as_of"]
    cases = []
    for case in nodes_of(graph, "case"):
        area = graph.nodes[case].get("area")
        if areas and area is not None and area not in areas:
            continue  # e.g. a 城市低保 case where only 农村 cases are compared
        rows = sorted(((member, row) for member, row in neighbours(graph, case, "enrolled_in")
                       if row["covered"] and (row["end"] is None or row["end"] >= as_of)),
                      key=lambda item: item[1]["record_id"])  # fmt: skip
        if rows and not any(neighbours(graph, member, "in_poverty_household")
                            for member, _ in rows):  # fmt: skip
            cases.append(_case(
                [("assistance", row["record_id"]) for _, row in rows],
                sorted({member[1] for member, _ in rows}),
                [Evidence(f"救助案件 {case[1]} 的"
                          + ("在保对象" if len(rows) == 1 else f" {len(rows)} 名在保对象均")
                          + "未在建档立卡台账中"),
                 *(enrolment_evidence(case, row) for _, row in rows),
                 *area_evidence(area, areas),
                 Evidence("核实：按扶贫对象认定标准，符合条件的应纳入建档立卡（应扶尽扶）")],
                rows,
            ))  # fmt: skip
    return cases


def _marked_outside_roster(graph: nx.MultiGraph) -> list[Case]:
    cases = []
    for household in nodes_of(graph, "poverty_household"):
        members = sorted(neighbours(graph, household, "in_poverty_household"),
                         key=lambda item: item[1]["record_id"])  # fmt: skip
        if not any(row["dibao_marked"] for _, row in members):
            continue
        if any(enrolled_now(graph, member) for member, _ in members):
            continue
        cases.append(_case(
            [("poverty", row["record_id"]) for _, row in members],
            sorted({member[1] for member, _ in members}),
            [Evidence(f"建档立卡户 {household[1]} 标为扶贫低保户，{len(members)} 名家庭成员",
                      "poverty", members[0][1]["record_id"]),
             NOT_ENROLLED,
             Evidence("核实：符合低保条件的应纳尽纳；不符合的应更正扶贫低保户标记")],
            members,
        ))  # fmt: skip
    return cases


def _case(records, person_ids, evidence, rows: list[tuple[Node, dict]]) -> Case:
    return Case(
        case_type="roster_gap",
        records=records,
        person_ids=person_ids,
        amount_at_risk=None,
        evidence=evidence,
        features={
            "identity": min(row["probability"] for _, row in rows),
            "members": float(len(rows)),
        },
    )
