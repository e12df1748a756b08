"""Suspected splits (疑似人为分户): 低保 cases of different 户号 paid to one bank account.

A lower tier than ``split_household``: the contract makes one 户号 one family, so cases of
separately registered households are never a split household. But a family that moved a
member to a 户号 of his own and still draws both cases into one account is worth a visit.
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from models.cases import Case, Evidence
from models.detectors.common import (
    agents_account,
    enrolment_evidence,
    family_case,
    legitimate_single_cases,
    rows_at_end,
    rows_in,
    rows_outside,
    shared_by,
    shown,
    single_person_evidence,
    split_cases,
    split_period,
    tie_evidence,
    ties_now,
)
from models.graph import Node, neighbours, nodes_of
from models.policy import Policy

VERIFY = Evidence(
    "核实要点：两户是否实际共同生活、共同收支；分户（户口迁出）时间与申请低保时间的先后；"
    "领款账号的开户人和实际使用人。本类疑点仅凭共用账号，证据弱于拆户保障，须入户核实后认定"
)


def detect_suspected_split(graph: nx.MultiGraph, policy: Policy) -> list[Case]:
    """Concurrent 低保 cases of different hukou families paid to one bank account (the
    strong tie), each holding members the other lacks. An account used by more than
    ``policy.shared_identifier_limit`` cases, or whose payees (领款人 on the ledger) are all
    strangers to the families it pays (an agent's, 代领: ``agents_account``), ties nothing;
    a phone (weak) or an address (no evidence: courtyards, neighbours, coarse rural
    addresses) never raises a case alone, but both are reported beside an account. Cases
    whose members the hukou registry does not place, or that share a 户号, are not compared
    (the data cannot tell the families apart, or it is a ``split_household``); legitimate
    单人户 cases neither. A collective hukou (集体户) is a 户号 of its own here: a son who
    moved his 户口 into a 社区集体户 and draws his case on his parents' account is the lead
    this rule is for. A case's 户号 are those of the members it holds at its end: a son whose
    earlier row in his parents' case ended when he moved to a 户号 and a case of his own
    leaves their 户号 theirs alone. Only what ties a case now ties it (``ties_now``): an
    account, phone or address on a member's row that ended (a duplicate enrolment removed)
    or of a member not covered is the case's history.

    Example: parents (户号 H1) in 低保 case DB1; their son moved to 户号 H2 and is alone in
    DB2, paid to his parents' account: one case on the rows of both.

    Complexity: O(N + A·c² + G·r²·t) for N graph nodes, A accounts shared by c cases, G tied
    groups of r rows with t distinct start and end dates.

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph (``models.graph``), with ``as_of``.
    policy : Policy
        The policy profile: ``shared_identifier_limit``, and who may be enrolled alone
        (``single_person_groups``, ``grave_illness_health``, severe disabilities).

    Returns
    -------
    list of Case
        One case per group of cases tied by accounts, resting on the rows active at the
        split, without an amount at risk; unscored.

    Examples
    --------
    >>> from datetime import date
    >>> from models.policy import load_policy
    >>> from models.sketch import HouseholdSketch
    >>> sketch = HouseholdSketch()
    >>> sketch.family("HK1", "father", "mother")
    >>> sketch.family("HK2", "son")
    >>> sketch.enrol("father", "DB1", "A1")
    >>> sketch.enrol("mother", "DB1", "A2")
    >>> sketch.enrol("son", "DB2", "A3", start=date(2024, 5, 1))
    >>> sketch.paid_to("DB1", "6228000011112222")
    >>> sketch.paid_to("DB2", "6228000011112222")
    >>> [sorted(row for _, row in case.records)
    ...  for case in detect_suspected_split(sketch.graph, load_policy())]
    [['A1', 'A2', 'A3']]
    """
    legitimate = legitimate_single_cases(graph, policy)
    ties = _account_ties(graph, policy, legitimate)
    as_of = graph.graph["as_of"]
    cases = []
    for group in sorted(map(sorted, nx.connected_components(ties))):
        rows = [(case, member, row) for case in group
                for member, row in neighbours(graph, case, "enrolled_in")]  # fmt: skip
        involved, records = split_cases(rows, as_of)
        if len(involved) >= 2:
            cases.append(_case(graph, policy, rows, involved, records))
    return cases


def _account_ties(graph: nx.MultiGraph, policy: Policy, legitimate: set[Node]) -> nx.Graph:
    """低保 cases tied now to one account (``ties_now``: not by a member's ended row; used by
    at most the limit of cases, and not an agent's: ``agents_account``) whose hukou families
    are known and different."""
    ties = nx.Graph()
    for account in nodes_of(graph, "account"):
        shared_by_few = 2 <= len(graph._adj[account]) <= policy.shared_identifier_limit
        if not shared_by_few or agents_account(graph, account):
            continue
        users = [case for case, _ in neighbours(graph, account, "paid_to")
                 if graph.nodes[case]["program"] == "dibao" and case not in legitimate
                 and account in ties_now(graph, case)]  # fmt: skip
        families = {case: _families(graph, case) for case in users}
        for index, one in enumerate(users):
            for two in users[index + 1 :]:
                if families[one] and families[two] and not families[one] & families[two]:
                    ties.add_edge(one, two)
    return ties


def _families(graph: nx.MultiGraph, case: Node) -> set[Node]:
    """The hukou families of the members the case holds at its end (``rows_at_end``): a
    member who left it is its history, and his 户号 now that of the case he moved to."""
    return {family for member, _ in rows_at_end(graph, case)
            for family, _ in neighbours(graph, member, "member_of")}  # fmt: skip


def _case(graph, policy: Policy, rows, involved: set[Node], records: set[str]) -> Case:
    chosen = rows_in(rows, records)
    cases_of = defaultdict(set)  # the cases each member is in while the split holds
    for case, member, _ in chosen:
        cases_of[member].add(case)
    moved = [(case, member, row) for case, member, row in rows_outside(rows, records)
             if cases_of[member] - {case}]  # fmt: skip
    shared = shared_by(graph, policy, involved)
    accounts = [identifier for identifier in shared if identifier[0] == "account"]
    families = sorted({family[1] for case in involved for family in _families(graph, case)})
    evidence = [
        Evidence(f"户号不同（{'、'.join(families)}）的 {len(involved)} 个低保案件同时有效"
                 f"（{split_period(chosen, graph.graph['as_of'])}），"
                 f"领款账号相同（{'、'.join(shown(account) for account in accounts)}）"),
        *(tie_evidence(identifier, users) for identifier, users in sorted(shared.items())),
        *(enrolment_evidence(case, row) for case, _, row in chosen),
        *(Evidence(f"分户前的记录：{enrolment_evidence(case, row).text}，后转入案件 "
                   f"{'、'.join(sorted(other[1] for other in cases_of[member] - {case}))}",
                   "assistance", row["record_id"]) for case, member, row in moved),
        *single_person_evidence(graph, policy, involved),
        VERIFY,
    ]  # fmt: skip
    return family_case(graph, "suspected_split", chosen, evidence, cases=float(len(involved)),
                       weak_ties=float(sum(identifier[0] != "account" for identifier in shared)))  # fmt: skip
