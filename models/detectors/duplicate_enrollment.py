"""Duplicate enrollment: one person on the rows of two cases over overlapping months."""

from __future__ import annotations

import networkx as nx

from models.cases import Case, Evidence
from models.detectors.common import (
    enrolment_evidence,
    identity_evidence,
    paid_months,
    share_paid,
)
from models.graph import neighbours, persons_near
from models.periods import active_months, month_text, overlap
from models.policy import Policy


def detect_duplicate_enrollment(graph: nx.MultiGraph, policy: Policy) -> list[Case]:
    """One person active in two different cases over overlapping months (which covers being
    in 低保 and 特困 at once). ``amount_at_risk``: for each later-started row, the person's
    share of its case over the months both cases paid while both rows were active.

    Example: 李四 is a covered member of 低保 case DB1 since 2020 and of 特困 case TK7 since
    2025-01; both paid 2025-01..2026-10: one case, 22 months paid twice.

    Complexity: O(N + Σ r²·M) for N graph nodes, r roster rows a person has, M paid months.
    """
    as_of = graph.graph["as_of"]
    cases = []
    for node in persons_near(graph, "case"):
        rows = sorted(
            neighbours(graph, node, "enrolled_in"),
            key=lambda item: (item[1]["start"] or as_of, item[1]["record_id"]),
        )
        if len({case for case, _ in rows}) < 2:
            continue
        involved, twice = _overlaps(graph, rows, as_of)
        if involved:
            cases.append(_case(graph, node, rows, involved, twice))
    return cases


def _overlaps(graph, rows, as_of):
    """The rows that overlap a row of another case, and per later row the months both its
    case and an earlier overlapping one paid: {record_id: (case, row, months)}."""
    involved: set[str] = set()
    twice: dict[str, tuple] = {}
    for index, (later_case, later) in enumerate(rows):
        later_active = active_months(later["start"], later["end"], as_of)
        months: set[int] = set()
        for earlier_case, earlier in rows[:index]:
            if earlier_case == later_case:
                continue
            both = overlap(active_months(earlier["start"], earlier["end"], as_of), later_active)
            if not both:
                continue
            involved.update((earlier["record_id"], later["record_id"]))
            months |= set(both) & paid_months(graph, earlier_case) & paid_months(graph, later_case)
        if months:
            twice[later["record_id"]] = (later_case, later, sorted(months))
    return involved, twice


def _case(graph, node, rows, involved, twice) -> Case:
    graph_rows = [(case, row) for case, row in rows if row["record_id"] in involved]
    evidence = [enrolment_evidence(case, row) for case, row in graph_rows]
    amount = 0.0
    for case, row, months in twice.values():
        span = f"与前一案件同时发放 {len(months)} 个月（{month_text(months[0])} 至 {month_text(months[-1])}）"
        if row["covered"]:
            share = sum(share_paid(graph, case, month) for month in months)
            amount += share
            span += f"，按本人份额计重复领取 {share:.2f} 元"
        else:
            span += "，本行为非保障对象"
        evidence.append(Evidence(span, "assistance", row["record_id"]))
    programs = {row["program"] for _, row in graph_rows}
    both_programs = programs == {"dibao", "tekun"}
    if both_programs:
        evidence.append(Evidence("同时享受低保和特困供养，二者互斥"))
    evidence += [identity_evidence(row, "救助记录") for _, row in graph_rows]
    ids = {row["id18"] for _, row in graph_rows}
    return Case(
        case_type="duplicate_enrollment",
        records=[("assistance", row["record_id"]) for _, row in graph_rows],
        person_ids=[node[1]],
        amount_at_risk=amount,
        evidence=evidence,
        features={
            "months_twice": float(max((len(m) for *_, m in twice.values()), default=0)),
            "identity": min(row["probability"] for _, row in graph_rows),
            "both_programs": float(both_programs),
            "same_valid_id": float(len(ids) == 1 and None not in ids),
        },
    )
