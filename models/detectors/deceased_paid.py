"""Deaths still paid: a covered member with a death notice whose case went on being paid."""

from __future__ import annotations

import networkx as nx

from models.cases import Case, Evidence
from models.detectors.common import enrolment_evidence, identity_evidence, paid_months, share_paid
from models.graph import neighbours, persons_near
from models.periods import active_months, month_index, month_text
from models.policy import Policy

SOURCE_LABELS = {"police": "公安", "funeral": "殡葬", "health": "卫健"}


def detect_deceased_paid(graph: nx.MultiGraph, policy: Policy) -> list[Case]:
    """A covered member linked to a death notice, and payments to the case in months after
    the death month plus ``policy.death_grace_months``, while the member's row was active.

    ``amount_at_risk`` is the member's share (the month's payment over the covered members
    active that month) of each payment after the grace. A death is *corroborated* when two
    sources report it or a notice carries the same valid ID as the roster row.

    Example: 张三 (covered, 低保 case DB1) died 2025-03-10; DB1 was paid 2025-04 (within the
    grace) and 2025-05, 2025-06: one case, two months at risk.

    Complexity: O(N + R·M) for N graph nodes, R roster rows of dead persons, M paid months.
    """
    cases = []
    for node in persons_near(graph, "death"):
        notices = neighbours(graph, node, "reported_dead")
        dated = [(graph.nodes[death]["death_date"], death, row) for death, row in notices]
        dated = [item for item in dated if item[0] is not None]
        if not dated:
            continue
        for case_node, row in neighbours(graph, node, "enrolled_in"):
            found = _paid_after_death(graph, policy, node, case_node, row, dated)
            if found:
                cases.append(found)
    return cases


def _paid_after_death(graph, policy, node, case_node, row, dated) -> Case | None:
    if not row["covered"]:
        return None
    died, _, death_row = min(dated, key=lambda item: item[0])
    after = month_index(died) + policy.death_grace_months
    active = active_months(row["start"], row["end"], graph.graph["as_of"])
    months = sorted(m for m in paid_months(graph, case_node) if m > after and m in active)
    if not months:
        return None
    amount = sum(share_paid(graph, case_node, month) for month in months)
    sources = {graph.nodes[death]["source"] for _, death, _ in dated}
    same_id = any(
        graph.nodes[death]["id18"] and graph.nodes[death]["id18"] == row["id18"]
        for _, death, _ in dated
    )
    corroborated = (len(dated) >= 2 and len(sources) >= 2) or same_id
    evidence = [
        *(_death_evidence(graph, death, death_row) for _, death, death_row in sorted(dated)),
        enrolment_evidence(case_node, row),
        Evidence(
            f"死亡月份 {month_text(month_index(died))} 加宽限期 {policy.death_grace_months} 个月后，"
            f"该案件仍发放 {len(months)} 个月（{month_text(months[0])} 至 {month_text(months[-1])}），"
            f"按本人份额计 {amount:.2f} 元",
            "payments",
            graph.nodes[case_node]["payments"][month_text(months[0])][0][0],
        ),
        Evidence(
            "死亡有两个来源或身份证号完全一致的佐证"
            if corroborated
            else "死亡仅凭模糊身份关联认定，需核实死亡信息"
        ),
        identity_evidence(death_row, "死亡记录"),
        identity_evidence(row, "救助记录"),
    ]
    return Case(
        case_type="deceased_paid",
        records=[("assistance", row["record_id"])],
        person_ids=[node[1]],
        amount_at_risk=amount,
        evidence=evidence,
        features={
            "months_after": float(len(months)),
            "corroborated": float(corroborated),
            "identity": min(death_row["probability"], row["probability"]),
            "notices": float(len(dated)),
        },
    )


def _death_evidence(graph: nx.MultiGraph, death, row: dict) -> Evidence:
    attributes = graph.nodes[death]
    source = SOURCE_LABELS.get(attributes["source"], attributes["source"] or "来源不明")
    return Evidence(
        f"死亡日期 {attributes['death_date']}（来源：{source}）", "deaths", row["record_id"]
    )
