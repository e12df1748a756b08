"""Split households: one hukou family enrolled as two or more concurrent 低保 cases."""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from models.cases import Case, Evidence
from models.detectors.common import enrolment_evidence, may_be_enrolled_alone
from models.graph import neighbours, nodes_of, persons_near
from models.periods import active_months
from models.policy import Policy


def detect_split_household(graph: nx.MultiGraph, policy: Policy) -> list[Case]:
    """Members of one hukou family spread over two or more 低保 cases at the same time, each
    case holding members the other does not — unless the split-off case is a legitimate
    single-person case (单人户) of a member the policy lets be enrolled alone
    (``policy.single_person_groups``: severely disabled, gravely ill). One person in two
    cases is a duplicate enrollment, not a split.

    Shared bank accounts, phones or addresses between the cases are reported as evidence;
    an identifier shared by more persons than ``policy.shared_identifier_limit`` is ignored.

    Example: parents in 低保 case DB1, their adult son (same 户号) alone in DB2, both
    active in 2026: one case holding the rows of all three.

    Complexity: O(N + F·r²·t) for N graph nodes, F families with a member on a roster, r
    低保 rows per family and t distinct start and end dates.
    """
    legitimate = _legitimate_single_cases(graph, policy)
    cases = []
    families = {
        family
        for member in persons_near(graph, "case")
        for family, _ in neighbours(graph, member, "member_of")
    }
    for family in sorted(families):
        rows = [
            (case, member, row)
            for member, _ in neighbours(graph, family, "member_of")
            for case, row in neighbours(graph, member, "enrolled_in")
            if row["program"] == "dibao" and case not in legitimate
        ]
        involved = _split_cases(rows, graph.graph["as_of"])
        if involved:
            cases.append(_case(graph, policy, family, rows, involved))
    return cases


def _legitimate_single_cases(graph: nx.MultiGraph, policy: Policy) -> set:
    legitimate = set()
    for case in nodes_of(graph, "case"):
        rows = neighbours(graph, case, "enrolled_in")
        if len(rows) != 1:
            continue
        member, row = rows[0]
        if may_be_enrolled_alone(graph, policy, member, row):
            legitimate.add(case)
    return legitimate


def _split_cases(rows, as_of) -> set:
    """The cases that at some moment each hold members another case of the family lacks."""
    if len({case for case, _, _ in rows}) < 2:
        return set()
    moments = {row["start"] for _, _, row in rows if row["start"]}
    moments |= {row["end"] for _, _, row in rows if row["end"] and row["end"] < as_of}
    involved = set()
    for moment in sorted(moments):
        members = defaultdict(set)
        for case, member, row in rows:
            if (
                row["start"]
                and row["start"] <= moment
                and (row["end"] is None or moment <= row["end"])
            ):
                members[case].add(member)
        keys = sorted(members)
        for index, one in enumerate(keys):
            for two in keys[index + 1 :]:
                if members[one] - members[two] and members[two] - members[one]:
                    involved.update((one, two))
    return involved


def _case(graph, policy: Policy, family, rows, involved) -> Case:
    chosen = sorted(
        ((case, member, row) for case, member, row in rows if case in involved),
        key=lambda item: item[2]["record_id"],
    )
    as_of = graph.graph["as_of"]
    evidence = [Evidence(f"户号 {family[1]} 的家庭成员分属 {len(involved)} 个低保案件")]
    evidence += [enrolment_evidence(case, row) for case, _, row in chosen]
    shared = _shared_identifiers(graph, policy, involved)
    evidence += [Evidence(text) for text in shared]
    months = set()
    for _, _, row in chosen:
        months |= set(active_months(row["start"], row["end"], as_of))
    return Case(
        case_type="split_household",
        records=[("assistance", row["record_id"]) for _, _, row in chosen],
        person_ids=sorted({member[1] for _, member, _ in chosen}),
        amount_at_risk=None,
        evidence=evidence,
        features={
            "cases": float(len(involved)),
            "shared_identifiers": float(len(shared)),
            "identity": min(row["probability"] for _, _, row in chosen),
            "months": float(len(months)),
        },
    )


def _shared_identifiers(graph, policy: Policy, involved) -> list[str]:
    """Accounts the cases share, and phones or addresses their members share."""
    found = []
    accounts = defaultdict(set)
    for case in involved:
        for account, _ in neighbours(graph, case, "paid_to"):
            accounts[account].add(case)
    for account, cases in sorted(accounts.items()):
        if len(cases) > 1 and graph.degree(account) <= policy.shared_identifier_limit:
            found.append(
                f"{len(cases)} 个案件使用同一银行账号 {account[1][:4]}****{account[1][-4:]}"
            )
    return found
