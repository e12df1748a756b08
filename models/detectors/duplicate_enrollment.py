"""Duplicate enrollment: one person on the rows of two cases over overlapping months."""

from __future__ import annotations

import networkx as nx

from models.amounts import class_key, in_fen, own_amount, sources_text
from models.cases import UNLINKED, Case, Evidence
from models.detectors.common import (
    above_the_living,
    covered_others,
    enrolment_evidence,
    identity_evidence,
    paid_months,
    payments_until,
    refunds,
    row_place,
    share_paid,
)
from models.graph import neighbours, persons_near
from models.periods import active_months, month_index, month_text
from models.policy import Policy
from resolver.registries import county_of_number


def detect_duplicate_enrollment(graph: nx.MultiGraph, policy: Policy) -> list[Case]:
    """One person active in two different cases over overlapping months (which covers being
    in 低保 and 特困 at once); and, as an uncertain lead naming both persons, two roster rows
    of different cases that may be one person (``possibly_same``: below the threshold, such
    as a variant spelling of a name with one row without an ID, in another township; or a
    row without ID and birth date under a name only the other person carries, scored low).
    ``amount_at_risk``: in each month the person was paid in two
    or more cases (each row active and covered, its case paid that month), everything above
    the single largest amount the person's rows received — each row's amount being the
    person's own (their class's amount that month, ``models.amounts``) — less what the
    cases paid back (退回, 追回) after the first month paid twice (``_paid_back``). A pair lead
    counts only what is paid above each person's own rows paid twice (``_own_excess``: his
    own lead), so only months in which rows of both persons are paid.

    Example: 李四 is a covered member of 低保 case DB1 (class C) since 2020 and of 特困 case
    TK7 since 2025-01; both paid 2025-01..2026-10: one case, 22 months paid twice, each the
    smaller of the C and 特困 amounts.

    Complexity: O(N + Σ r²·M) for N graph nodes, r roster rows a person has (and those of
    the persons they may be), M paid months.

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph (``models.graph``), with ``as_of`` and the ``class_amounts``
        the payment ledger implies.
    policy : Policy
        The policy profile: its ``monthly_amounts``, for the person's own amount.

    Returns
    -------
    list of Case
        One case per person on overlapping rows of two or more cases, and one per pair of
        overlapping roster rows that may be one person, resting on those rows (the latest
        enrolled first: the case is filed at its township, which took in a person already
        covered), with ``amount_at_risk``; unscored.

    Examples
    --------
    >>> from datetime import date
    >>> from models.policy import load_policy
    >>> from models.sketch import HouseholdSketch
    >>> sketch, months = HouseholdSketch(), [f"2026-{m:02d}" for m in range(1, 11)]
    >>> sketch.enrol("li", "DB1", "A1", start=date(2019, 3, 1))
    >>> sketch.enrol("li", "TK1", "A2", start=date(2026, 4, 20), program="tekun")
    >>> sketch.pay("DB1", months, 300.0)
    >>> sketch.pay("TK1", months[3:], 600.0)
    >>> [(sorted(case.records), case.amount_at_risk)
    ...  for case in detect_duplicate_enrollment(sketch.graph, load_policy())]
    [([('assistance', 'A1'), ('assistance', 'A2')], 2100.0)]
    >>> sketch.enrol("bao", "DB2", "A3", start=date(2019, 3, 1))
    >>> sketch.pay("DB2", months, 300.0)
    >>> sketch.possibly_same("li", "A1", "bao", "A3", 0.93)
    >>> [(case.person_ids, case.amount_at_risk, case.features["identity"])
    ...  for case in detect_duplicate_enrollment(sketch.graph, load_policy())
    ...  if len(case.person_ids) == 2]
    [(['bao', 'li'], 3000.0, 0.93)]
    """
    as_of = graph.graph["as_of"]
    cases = []
    for node in persons_near(graph, "case"):
        rows = sorted(
            _covered_rows(graph, node),
            key=lambda item: (item[1]["start"] or as_of, item[1]["record_id"]),
        )
        two_cases = len({case for case, _ in rows}) >= 2
        involved = _overlapping(graph, rows) if two_cases else set()
        if involved:
            chosen = [(case, row) for case, row in rows if row["record_id"] in involved]
            cases.append(_case(graph, policy, [node[1]], chosen))
        cases += _possible_duplicates(graph, policy, node)
    return cases


def _possible_duplicates(graph, policy: Policy, node) -> list[Case]:
    """A case for each other person some roster row of whom may be the same person as a
    roster row of ``node`` (each such pair of rows a ``possibly_same`` edge), the two rows of
    different cases over overlapping months: one case per pair of persons, as one person on
    rows of two cases is one case, resting on the rows of every such pair (one row may be
    paired with two of the other person's, an ended row of an earlier case beside his
    current one); made from the lower of the two person nodes, the strongest pair's first
    row first."""
    edges_to: dict = {}
    for other, edge in neighbours(graph, node, "possibly_same"):
        if node < other:
            edges_to.setdefault(other, []).append(edge)
    cases = []
    for other, edges in edges_to.items():
        rows = {row["record_id"]: (case, row)
                for person in (node, other) for case, row in _covered_rows(graph, person)}  # fmt: skip
        pairs = [(edge, rows[edge["record_id"]], rows[edge["other_record_id"]])
                 for edge in edges if edge["record_id"] in rows and edge["other_record_id"] in rows
                 if len(_overlapping(graph, [rows[edge["record_id"]],
                                             rows[edge["other_record_id"]]])) == 2]  # fmt: skip
        if pairs:
            edge, first, _ = max(pairs, key=lambda pair: pair[0]["probability"])
            chosen = {first[1]["record_id"]: first}
            chosen |= {row["record_id"]: (case, row)
                       for _, *two in pairs for case, row in two}  # fmt: skip
            persons = sorted([node[1], other[1]])
            cases.append(_case(graph, policy, persons, list(chosen.values()), uncertain=edge))
    return cases


def _covered_rows(graph, node) -> list[tuple]:
    """A person's (case, row) pairs of the cases that cover him: a member listed but not
    covered (是否保障对象: 否) is not enrolled in that case."""
    return [(case, row) for case, row in neighbours(graph, node, "enrolled_in") if row["covered"]]


def _overlapping(graph, rows) -> set[str]:
    """The rows that share a day, up to the as-of day, with a row of another case, or a
    month both cases paid: a row that ends the day before the other starts (a move from
    低保 to 特困 within a month) is no duplicate unless that month was paid twice."""
    until = payments_until(graph)
    spans = [(case, row["record_id"], row["start"], min(row["end"] or until, until))
             for case, row in rows if row["start"]]  # fmt: skip
    involved: set[str] = set()
    for index, (case, record_id, start, end) in enumerate(spans):
        for other_case, other_id, other_start, other_end in spans[:index]:
            if other_case != case and (
                max(start, other_start) <= min(end, other_end)
                or _paid_by_both(graph, (case, start, end), (other_case, other_start, other_end))
            ):
                involved.update((record_id, other_id))
    return involved


def _paid_by_both(graph, first, second) -> bool:
    """Whether two (case, start, end) spans share a month both cases paid."""
    months = set(range(max(month_index(first[1]), month_index(second[1])),
                       min(month_index(first[2]), month_index(second[2])) + 1))  # fmt: skip
    return bool(months and months & paid_months(graph, first[0]) & paid_months(graph, second[0]))


def _paid_twice(graph, policy: Policy, rows, persons: set) -> tuple[dict[int, float], set[str]]:
    """Per month the person was paid by two or more cases: what was received above the
    largest amount (a case counts once a month, at its largest row); and how the amounts
    were found (``models.amounts``). A case pays him his own amount, or what its payment
    leaves above its other covered members' amounts when that is less (paid short, or down
    to theirs: he was not paid there that month); a member dead past the grace
    is owed nothing (``persons``: the person nodes the rows are of)."""
    until = payments_until(graph)
    received: dict[int, dict] = {}
    sources: set[str] = set()
    for case, row in rows:
        if not row["covered"]:
            continue
        key = class_key(row["program"], row["dibao_class"])
        others = covered_others(graph, policy, case, persons)
        for month in paid_months(graph, case) & set(active_months(row["start"], row["end"], until)):
            owed = own_amount(graph, policy, key, month, share_paid(graph, case, month),
                              county_of_number(case[1]), graph.nodes[case]["area"])  # fmt: skip
            above = above_the_living(graph, policy, case, month, others)
            paid = owed.amount if above is None else min(owed.amount, max(above, 0.0))
            if paid > owed.amount * policy.payment_tolerance:
                by_case = received.setdefault(month, {})
                by_case[case] = max(paid, by_case.get(case, 0.0))
                sources.add(owed.source)
    excess = {month: sum(by_case.values()) - max(by_case.values())
              for month, by_case in received.items() if len(by_case) >= 2}  # fmt: skip
    return excess, sources


def _own_excess(graph, policy: Policy, rows, persons: set) -> dict[int, float]:
    """Per month, what each of ``persons`` was paid twice on his own rows among ``rows``
    (``_paid_twice``: his own lead's money), added up over the persons."""
    total: dict[int, float] = {}
    for person in persons:
        own = {row["record_id"] for _, row in _covered_rows(graph, person)}
        mine = [(case, row) for case, row in rows if row["record_id"] in own]
        for month, value in _paid_twice(graph, policy, mine, persons)[0].items():
            total[month] = total.get(month, 0.0) + value
    return total


def _paid_back(graph, policy: Policy, rows, persons: set, excess: dict[int, float]
               ) -> dict[int, int]:  # fmt: skip
    """The fen paid back each month of what was received twice before it: the refund lines
    (退回, 追回) of the person's cases after the first month paid twice, as far as they fall
    short of what the cases' other covered members are owed (``refunds``), each taking no
    more than is still outstanding then."""
    if not excess:
        return {}
    found: dict[int, int] = {}
    for case in {case for case, _ in rows}:
        others = covered_others(graph, policy, case, persons)
        for month, amount in refunds(graph, policy, case, min(excess) - 1, others).items():
            found[month] = found.get(month, 0) + in_fen(amount)
    outstanding, taken = 0, {}
    for month in sorted(excess.keys() | found.keys()):
        outstanding += in_fen(excess.get(month, 0.0))
        take = min(found.get(month, 0), outstanding)
        if take:
            taken[month] = take
            outstanding -= take
    return taken


def _case(graph, policy: Policy, person_ids: list[str], rows, uncertain: dict | None = None
          ) -> Case:  # fmt: skip
    """The case of ``rows``; with ``uncertain``, the ``possibly_same`` edge saying two
    persons' rows may be one person."""
    evidence = [] if uncertain is None else [_uncertain_evidence(graph, person_ids, rows,
                                                                 uncertain)]  # fmt: skip
    evidence += _townships_evidence(rows)
    evidence += [enrolment_evidence(case, row, f"{row['name'] or '姓名未填'}（{row_place(row)}）")
                 for case, row in rows]  # fmt: skip
    persons = {("person", pid) for pid in person_ids}
    excess, sources = _paid_twice(graph, policy, rows, persons)
    own = {} if uncertain is None else _own_excess(graph, policy, rows, persons)
    if own:  # each person's own duplicate is his own lead: the pair counts only beyond it
        excess = {month: value - own.get(month, 0.0) for month, value in excess.items()
                  if in_fen(value - own.get(month, 0.0)) > 0}  # fmt: skip
    # without a payment of any of the cases in the ledger, what was paid twice is unknown
    ledger = any(graph.nodes[case]["payments"] for case, _ in rows)
    gross = sum(in_fen(value) for value in excess.values())
    paid_back = _paid_back(graph, policy, rows, persons, excess)
    amount = (gross - sum(paid_back.values())) / 100 if ledger else None
    if not ledger:
        evidence.append(Evidence("发放记录中没有这些案件的发放，重复领取的金额无法计算"))
    if excess:
        months = sorted(excess)
        evidence.append(Evidence(
            f"同一人同时从两个及以上案件领取 {len(months)} 个月（{month_text(months[0])} 至 "
            f"{month_text(months[-1])}），超出其中最高一份的部分合计 {gross / 100:.2f} 元；"
            f"{sources_text(sources)}"))  # fmt: skip
    if own:
        evidence.append(Evidence("不含同一登记人员本人在其他案件重复领取的部分（已另列疑点）"))
    if paid_back:
        refunded = "、".join(month_text(month) for month in sorted(paid_back))
        evidence.append(Evidence(
            f"其后案件退回（追回）{sum(paid_back.values()) / 100:.2f} 元（{refunded}），已从重复领取的"
            f"金额中扣除，尚余 {amount:.2f} 元（如非为本人重复领取的退款，请加回）"))  # fmt: skip
    programs = {row["program"] for _, row in rows}
    both_programs = programs == {"dibao", "tekun"}
    if both_programs:
        evidence.append(Evidence("同时享受低保和特困供养，二者互斥"))
    evidence += [identity_evidence(row, "救助记录") for _, row in rows]
    ids = {row["id18"] for _, row in rows}
    links = [row["probability"] for _, row in rows]
    links += [] if uncertain is None else [uncertain["probability"]]
    return Case(
        case_type="duplicate_enrollment",
        records=[("assistance", row["record_id"]) for _, row in _later_first(graph, rows)],
        person_ids=person_ids,
        amount_at_risk=amount,
        evidence=evidence,
        features={
            "months_twice": float(len(excess)),
            "identity": min(links),
            **({} if uncertain is None else {UNLINKED: uncertain["probability"]}),
            "both_programs": float(both_programs),
            "same_valid_id": float(len(ids) == 1 and None not in ids),
        },
    )


def _uncertain_evidence(graph, person_ids: list[str], rows, edge: dict) -> Evidence:
    """Why the rows of two persons may be one person (the ``possibly_same`` ``edge``'s
    reason), and what to verify. ``rows`` holds the edge's first row first: for a
    ``lone_name`` pair, the row bare of ID and birth date."""
    names = "、".join(_names(graph, person_ids))
    if edge.get("reason") == "lone_name":
        bare = rows[0][1]
        return Evidence(
            f"两条救助记录可能是同一人（姓名相同；本条既没有身份证号也没有出生日期，各部门数据中"
            f"姓名为{bare['name']}的只有一人，且有身份证号；仅凭姓名，匹配概率按 "
            f"{edge['probability']:.3f} 计，登记为两人：{names}），疑点待核实：请核对本条所记之人"
            f"的身份证件和出生日期，确认是否即此人；如是同名的另一人，请补录其身份证号",
            "assistance", bare["record_id"])  # fmt: skip
    born = (
        "出生年份（其中一条只写了年份）" if edge.get("reason") == "same_birth_year" else "出生日期"
    )
    return Evidence(
        f"两条救助记录可能是同一人（{born}、性别相同，其中一条没有身份证号；匹配概率 "
        f"{edge['probability']:.3f}，未达归并阈值，登记为两人：{names}），疑点待核实，"
        f"请先确认是否同一人", "assistance", edge["other_record_id"])  # fmt: skip


def _townships_evidence(rows) -> list[Evidence]:
    """That the rows are of different 乡镇, each named once in the rows' order (enrolled
    earliest first): the fact a township's office checks first; none when they are of one,
    or only one names its 乡镇. Rows of different 区县 (a province's drop) are said 跨县, each
    乡镇 after its county: two counties' 城关 are two places (until 2026-12-07 (late) they
    read 跨乡镇 with bare names, and two counties' 城关 read as one, the line left out)."""
    counties = {row.get("county") for _, row in rows if row.get("county")}
    places = list(dict.fromkeys(_place(row, len(counties) > 1) for _, row in rows
                                if row["township"]))  # fmt: skip
    if len(places) < 2:
        return []
    names = "、".join(dict.fromkeys(row["name"] for _, row in rows if row["name"]))
    crossing = "跨县" if len(counties) > 1 else "跨乡镇"
    return [Evidence(f"{crossing}：{names}的救助记录分属{'、'.join(places)}")]


def _place(row: dict, with_county: bool) -> str:
    """A row's 乡镇, after its 区县 when the rows are of several (``县 乡镇``)."""
    county = row.get("county")
    return f"{county} {row['township']}" if with_county and county else row["township"]


def _later_first(graph, rows) -> list[tuple]:
    """The (case, row) pairs, the latest enrolled first (then by record id): a case is filed at
    its first record's township (``models.publish``), and a duplicate belongs to the township
    whose enrollment took in a person another case already covered."""
    as_of = graph.graph["as_of"]
    by_record = sorted(rows, key=lambda item: item[1]["record_id"])
    return sorted(by_record, key=lambda item: item[1]["start"] or as_of, reverse=True)


def _names(graph, person_ids: list[str]) -> list[str]:
    return [graph.nodes[("person", pid)].get("name") or pid for pid in person_ids]
