"""What several detectors read off the household graph."""

from __future__ import annotations

import networkx as nx

from models.cases import Evidence
from models.graph import Node, neighbours
from models.periods import active_months, month_index, month_text
from models.policy import Policy

PROGRAM_LABELS = {"dibao": "低保", "tekun": "特困"}
NOT_ENROLLED = Evidence("未查到有效的低保或特困保障记录（已通过身份关联核对各名册）")
STATUS_LABELS = {"not_lifted": "未脱贫", "lifted": "已脱贫", "monitored": "脱贫监测户",
                 "marginal": "边缘户"}  # fmt: skip


def covered_in_month(graph: nx.MultiGraph, case: Node, month: int) -> int:
    """How many covered members of ``case`` are active in ``month``."""
    as_of = graph.graph["as_of"]
    return sum(
        1
        for _, row in neighbours(graph, case, "enrolled_in")
        if row["covered"] and month in active_months(row["start"], row["end"], as_of)
    )


def share_paid(graph: nx.MultiGraph, case: Node, month: int) -> float:
    """One covered member's share of what ``case`` was paid in ``month``."""
    paid = sum(amount for _, amount in graph.nodes[case]["payments"].get(month_text(month), ()))
    return paid / max(covered_in_month(graph, case, month), 1)


def paid_months(graph: nx.MultiGraph, case: Node) -> set[int]:
    return {month_index(month) for month in graph.nodes[case]["payments"]}


def enrolment_evidence(case: Node, row: dict) -> Evidence:
    program = PROGRAM_LABELS.get(row["program"], row["program"] or "救助")
    covered = "保障对象" if row["covered"] else "非保障对象"
    ended = f"退出日期 {row['end']}" if row["end"] else "无退出日期"
    return Evidence(
        f"{program}案件 {case[1]} 的{covered}，纳入日期 {row['start']}，{ended}",
        "assistance",
        row["record_id"],
    )


def identity_evidence(row: dict, label: str) -> Evidence:
    probability = row["probability"]
    basis = f"；主要依据：{row['basis']}" if row.get("basis") else ""
    return Evidence(
        f"{label}与本人的身份关联概率 {probability:.3f}{basis}", row["registry"], row["record_id"]
    )


def may_be_enrolled_alone(graph: nx.MultiGraph, policy: Policy, member: Node, row: dict) -> bool:
    """Whether the member is someone the policy lets be enrolled as a single-person case
    (单人户): severely disabled, or gravely ill (``policy.single_person_groups``)."""
    severe = "severely_disabled" in policy.single_person_groups and severely_disabled(
        graph, policy, member
    )
    ill = "gravely_ill" in policy.single_person_groups
    return severe or (ill and row["health"] in policy.grave_illness_health)


def enrolled_now(graph: nx.MultiGraph, node: Node) -> bool:
    """Whether the person has an active, covered 低保 or 特困 row (through identity links)."""
    as_of = graph.graph["as_of"]
    return any(
        row["covered"] and (row["end"] is None or row["end"] >= as_of)
        for _, row in neighbours(graph, node, "enrolled_in")
    )


def severely_disabled(graph: nx.MultiGraph, policy: Policy, person: Node) -> bool:
    """Whether one of the person's certificates is of a severe disability (policy)."""
    return any(
        policy.is_severely_disabled(graph.nodes[c]["disability_type"], graph.nodes[c]["level"])
        for c, _ in neighbours(graph, person, "certified")
    )
