"""Split households: one hukou family enrolled as two or more concurrent 低保 cases."""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

import networkx as nx

from models.cases import Case, Evidence
from models.detectors.common import enrolment_evidence, may_be_enrolled_alone
from models.graph import Node, neighbours, nodes_of, persons_near
from models.periods import active_months
from models.policy import Policy


def detect_split_household(graph: nx.MultiGraph, policy: Policy) -> list[Case]:
    """Members of one family spread over two or more 低保 cases at the same time, each case
    holding members the other does not — unless the split-off case is a legitimate
    single-person case (单人户) of a member the policy lets be enrolled alone
    (``policy.single_person_groups``: severely disabled, gravely ill). One person in two
    cases is a duplicate enrollment, not a split.

    A family is first a hukou family (one 户号). Cases no family ties are then tied by what
    their members share: a bank account the cases are paid to, a phone or an address (a
    family that also split its 户号, 分户). An identifier used by more than
    ``policy.shared_identifier_limit`` (a village office phone, an agent's account) is no
    tie. Shared identifiers are reported as evidence either way.

    Example: parents in 低保 case DB1, their adult son (same 户号) alone in DB2, both
    active in 2026: one case holding the rows of all three. The same with the son under a
    户号 of his own, paid to his parents' account: one case too.

    Complexity: O(N + G·r²·t) for N graph nodes, G families or tied groups of cases, r
    低保 rows per group and t distinct start and end dates.
    """
    legitimate = _legitimate_single_cases(graph, policy)
    ties = _ties(graph, policy, legitimate)
    as_of = graph.graph["as_of"]
    cases, split = [], set()
    for family in sorted(_families(graph)):
        rows = [
            (case, member, row)
            for member, _ in neighbours(graph, family, "member_of")
            for case, row in _dibao_rows(graph, member, legitimate)
        ]
        own = {case for case, _, _ in rows}
        tied = {other for case in own if case in ties for other in ties[case]} - own
        rows += _rows_of(graph, sorted(tied))
        involved = _split_cases(rows, as_of)
        if involved - split:  # a member's new 户号 (分户) may lead to a split already found
            who = f"户号 {family[1]} 的家庭成员" + (
                "及与其共用账号、电话或住址的人员" if tied else ""
            )
            cases.append(_case(graph, policy, who, rows, involved))
            split |= involved
    for group in nx.connected_components(ties.subgraph(set(ties) - split)):
        rows = _rows_of(graph, sorted(group))
        involved = _split_cases(rows, as_of)
        if involved:
            who = "不同户号但共用银行账号、电话或住址的人员"
            cases.append(_case(graph, policy, who, rows, involved))
    return cases


def _rows_of(graph: nx.MultiGraph, cases: list[Node]) -> list[tuple[Node, Node, dict]]:
    return [(case, member, row) for case in cases
            for member, row in neighbours(graph, case, "enrolled_in")]  # fmt: skip


def _families(graph: nx.MultiGraph) -> set[Node]:
    return {
        family
        for member in persons_near(graph, "case")
        for family, _ in neighbours(graph, member, "member_of")
    }


def _dibao_rows(graph: nx.MultiGraph, member: Node, legitimate: set) -> list[tuple[Node, dict]]:
    return [(case, row) for case, row in neighbours(graph, member, "enrolled_in")
            if row["program"] == "dibao" and case not in legitimate]  # fmt: skip


def _ties(graph: nx.MultiGraph, policy: Policy, legitimate: set) -> nx.Graph:
    """低保 cases tied by an account they are paid to, or by a phone or an address on their
    roster rows, used by at most ``policy.shared_identifier_limit``. A tie must join
    different persons: one person on two cases with one phone is a duplicate enrollment."""
    ties = nx.Graph()
    for kind in ("account", "phone", "address"):
        for identifier in nodes_of(graph, kind):
            if 2 <= _users(graph, identifier) <= policy.shared_identifier_limit:  # 1: no tie
                users = _roster_users(graph, identifier, legitimate)
                ties.add_edges_from(combinations(sorted(_tied_cases(users)), 2))
    return ties


def _users(graph: nx.MultiGraph, identifier: Node) -> int:
    """How many persons use a phone or an address, or how many cases an account is paid to
    (distinct neighbours: a person with two rows is one user)."""
    return len(graph.adj[identifier])


def _roster_users(graph: nx.MultiGraph, identifier: Node, legitimate: set) -> dict[Node, set]:
    """Each 低保 case using ``identifier`` -> the persons through whom it does (for an
    account: the case itself)."""
    users: dict[Node, set] = defaultdict(set)
    if identifier[0] == "account":
        for case, _ in neighbours(graph, identifier, "paid_to"):
            users[case].add(case)
    else:
        for member, edge in neighbours(graph, identifier, "uses"):  # from roster rows
            users[edge["case"]].add(member)
    return {case: persons for case, persons in users.items()
            if case not in legitimate and graph.nodes[case]["program"] == "dibao"}  # fmt: skip


def _tied_cases(users: dict[Node, set]) -> list[Node]:
    """The cases that use the identifier through someone the other cases do not hold."""
    return [case for case, persons in users.items()
            if any(persons - others for other, others in users.items() if other != case)]  # fmt: skip


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


def _case(graph, policy: Policy, who: str, rows, involved) -> Case:
    chosen = sorted(
        ((case, member, row) for case, member, row in rows if case in involved),
        key=lambda item: item[2]["record_id"],
    )
    as_of = graph.graph["as_of"]
    evidence = [Evidence(f"{who}分属 {len(involved)} 个同时有效的低保案件")]
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
    """Accounts the cases share, and phones or addresses members of different cases share
    (each used by at most ``policy.shared_identifier_limit``)."""
    users: dict[Node, set[Node]] = defaultdict(set)
    for case in involved:
        for account, _ in neighbours(graph, case, "paid_to"):
            users[account].add(case)
        for member, _ in neighbours(graph, case, "enrolled_in"):
            for kind in ("phone", "address"):
                for identifier, _ in neighbours(graph, member, "uses"):
                    if identifier[0] == kind:
                        users[identifier].add(case)
    return [
        f"{len(cases)} 个案件{_SHARED_LABELS[identifier[0]]} {_shown(identifier)}"
        for identifier, cases in sorted(users.items())
        if len(cases) > 1 and _users(graph, identifier) <= policy.shared_identifier_limit
    ]


_SHARED_LABELS = {"account": "使用同一银行账号", "phone": "的成员使用同一电话",
                  "address": "的成员登记同一住址"}  # fmt: skip


def _shown(identifier: Node) -> str:
    """Account and phone numbers masked in the middle; an address as written."""
    kind, value = identifier
    if kind == "address":
        return value
    keep = 4 if kind == "account" else 3
    return f"{value[:keep]}****{value[-4:]}"
