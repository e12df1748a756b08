"""Deaths still paid: a covered member with a death notice whose case went on being paid."""

from __future__ import annotations

from datetime import date

import networkx as nx

from models.amounts import (
    CLASS_LABELS,
    PAID_PART,
    TEKUN,
    OwnAmount,
    class_key,
    in_fen,
    own_amount,
    sources_text,
    split_fen,
)
from models.cases import LIVED_ON, RESTORED, UNDATED, UNLINKED, Case, Evidence
from models.detectors.common import (
    above_the_living,
    birth_dates_said,
    counted_months,
    covered_others,
    death_counted,
    death_notices,
    enrolment_evidence,
    identity_evidence,
    lived_on,
    month_written_end,
    one_death,
    paid_months,
    payments_until,
    refunds,
    share_paid,
    signs_of_life,
    undated_notices,
)
from models.graph import neighbours, persons_near
from models.periods import active_months, month_index, month_text
from models.policy import Policy
from resolver.idcard import details_not_of_id
from resolver.outputs import MAX_CANDIDATES, NOTICE_DATE_SLIP_DAYS
from resolver.registries import county_of_number
from resolver.tables import DEATH_DATE

SOURCE_LABELS = {"police": "公安", "funeral": "殡葬", "health": "卫健", "disability": "残联"}
RESTORED_SAID = (
    "死亡记录之后公安已恢复户口：死亡信息很可能有误，不作为死亡的佐证，请先核实本人是否在世"
)
SOURCE_SAID = "（来源："
"""Where the source follows the date in the evidence line of a notice a lead rests on, which
begins with what the date is (``死亡日期 2024-11-04（来源：卫健）``, ``火化日期 …``:
``resolver.tables.DATE_KINDS``): the ledgers quote it."""
OTHER_DAY_SAID = "；不是死亡日期：死亡在这一天或之前，从这一天起算的死亡后发放金额可能少于实际"
"""What the evidence line adds after the source of a notice dated by another day than the
death's (a 火化日期, a 户口注销日期: ``resolver.tables.date_kind``)."""
DIED_BEFORE_SAID = "死亡在此日或之前"
"""What a ledger's 疑点类型 and a screening's hold add to such a day, more briefly."""


def source_shown(source: str | None, written: str | None) -> str:
    """A notice's 数据来源 as evidence shows it: the contract's office, else the value as the
    file writes it, marked as outside the contract's codes, else 来源不明.

    Parameters
    ----------
    source : str | None
        The contract's code (``police``, ``funeral``, ``health``), or None.
    written : str | None
        The 数据来源 as the file writes it, or None when blank.

    Returns
    -------
    str
        The text, e.g. ``公安`` or ``村委会（非标准来源）``.

    Examples
    --------
    >>> source_shown(None, "村委会")
    '村委会（非标准来源）'
    """
    if source in SOURCE_LABELS:
        return SOURCE_LABELS[source]
    return f"{written}（非标准来源）" if written else "来源不明"


def detect_deceased_paid(graph: nx.MultiGraph, policy: Policy) -> list[Case]:
    """A covered member with a death notice, and payments to the case in months after the
    death month plus ``policy.death_grace_months``, while the member's row was active.

    ``amount_at_risk`` is the member's own amount (their 低保 class's or 特困's amount that
    month, ``models.amounts``) in each of those months, with two exceptions: a month whose
    payment leaves less than that above what the other covered members are owed counts
    only what it leaves (nothing, when the payment went down to the living; two dead
    members share it in proportion to their amounts, in fen that add up to it:
    ``_paid_for``), and money the case paid back after the death (refund lines, 退回 or 追回,
    as far as the month's payment falls short of the living's amounts) is deducted. A month of refunds is no
    month paid. A death is *corroborated* when two sources report it or a notice carries the same valid ID as the roster row. Notices whose
    dates lie within ``NOTICE_DATE_SLIP_DAYS`` of each other (not a month mistyped: ``one_death``) report one death and count from
    the earliest (a cremation or a report follows the death by days: ``death_counted``);
    notices that disagree further count from the latest one (the money certainly paid after
    death), and the disagreement is a sign of life. A notice linked to no one whose only
    candidate is the person, with her own notices one death, is one of them
    (``death_notices``: a 公安 notice without an ID two days before her 殡葬 one), and the
    evidence says so (``_repeat_evidence``).

    A person the hukou registry no longer holds (a 户口 cancelled at death) is more likely
    dead. A notice is not always right: evidence of life after the date (a certificate
    issued, an enrollment begun, an income assessed, a registration restored (恢复户口), another notice of a date that disagrees), or a
    notice whose birth date is years from the person's, stands first in the evidence and
    lowers the score. A notice linked to no one that the member matches
    only below the threshold, or as one of several namesakes (``possibly_dead``), is raised
    too, as an uncertain lead naming every candidate (at most ``MAX_CANDIDATES``): a death
    matching a paid member is the most expensive lead to miss. Such a lead is true only if
    the notice is this person, so its score is at most that link's probability
    (``models.cases.UNLINKED``). A notice linked to no one that carries the member's ID under
    another name (a changed name, or the ID typed on another's notice) says so first; one
    whose own birth date or gender is not the ID's is another's notice typed with her ID and
    no evidence of her death (``_typed_with_her_id``; it stays listed among the notices no
    one was confirmed for). A
    person with a notice of
    their own is judged by it alone: paid within the grace after their own death, a
    namesake's earlier notice is no lead.

    Example: 张三 (covered, 低保 class A, case DB1) died 2025-03-10; DB1 was paid 2025-04
    (within the grace) and 2025-05, 2025-06: one case, two months of 张三's class A amount.

    Complexity: O(N + R·M) for N graph nodes, R roster rows of dead persons, M paid months.

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph (``models.graph``), with ``as_of`` and the ``class_amounts``
        the payment ledger implies.
    policy : Policy
        The policy profile: ``death_grace_months``, and ``monthly_amounts`` for the
        member's own amount.

    Returns
    -------
    list of Case
        One case per covered roster row of a (possibly) dead person paid after the grace,
        with ``amount_at_risk``; unscored.

    Examples
    --------
    >>> from datetime import date
    >>> from models.policy import load_policy
    >>> from models.sketch import HouseholdSketch
    >>> sketch = HouseholdSketch()
    >>> sketch.enrol("wife", "DB1", "A1", id18="X1")
    >>> sketch.pay("DB1", [f"2026-{m:02d}" for m in range(1, 11)], 400.0)
    >>> sketch.die("wife", "D1", date(2026, 6, 10), id18="X1")
    >>> [(case.records, case.amount_at_risk)
    ...  for case in detect_deceased_paid(sketch.graph, load_policy())]
    [([('assistance', 'A1')], 1200.0)]
    """
    cases = []
    for node in persons_near(graph, "death"):
        # a death the person's own notice dates (or leaves undated) is no namesake's
        notices = death_notices(graph, node)
        undated = [] if notices else undated_notices(graph, node)
        notices = notices or ([] if undated else _uncertain(graph, node))
        if not notices and not undated:
            continue
        for case_node, row in neighbours(graph, node, "enrolled_in"):
            found = (_paid_undated(graph, policy, node, case_node, row, undated) if undated
                     else _paid_after_death(graph, policy, node, case_node, row, notices))  # fmt: skip
            if found:
                cases.append(found)
    return cases


def _own_months(graph: nx.MultiGraph, policy, node, case_node, row, last: int | None
                ) -> set[int]:  # fmt: skip
    """The months ``row`` counts the person in (``counted_months``: a row closed at his death,
    ``last`` the last month he may be paid for, counts him on; None: his death undated) that
    no later covered row of the person in the same case is active (a class changed mid-month
    is a new row: that month is counted once, at the new class)."""
    until = payments_until(graph)

    def order(item: dict) -> tuple:
        return item["start"] or date.min, item["record_id"]

    months = counted_months(graph, policy, case_node, node, row, last)
    for case, other in neighbours(graph, node, "enrolled_in"):
        if case == case_node and other["covered"] and order(other) > order(row):
            months -= set(active_months(other["start"], other["end"], until))
    return months


def _uncertain(graph: nx.MultiGraph, node) -> list:
    """The notices linked to no one that the person may be (``possibly_dead``) that carry a
    date, when few persons may be their subject: (date, death, edge), earliest first."""
    return sorted((graph.nodes[death]["death_date"], death, row)
                  for death, row in neighbours(graph, node, "possibly_dead")
                  if graph.nodes[death]["death_date"] is not None
                  and graph.nodes[death]["candidates"] <= MAX_CANDIDATES)  # fmt: skip


def _monthly_text(owed: dict[int, OwnAmount]) -> str:
    """The member's own monthly amount the lead counts (until 2026-12-07 only the total was
    said, 按本人（特困）每月金额计 14300.00 元, read as 14,300 a month), its range where the
    standard changed over the months.

    >>> _monthly_text({1: OwnAmount(1300.0, "ledger"), 2: OwnAmount(1300.0, "ledger")})
    '每月 1300.00 元计'
    >>> _monthly_text({1: OwnAmount(280.0, "policy"), 2: OwnAmount(294.5, "policy")})
    '每月 280.00–294.50 元计'
    """
    amounts = sorted({in_fen(item.amount) for item in owed.values()})
    ends = amounts if len(amounts) == 1 else [amounts[0], amounts[-1]]
    return "每月 " + "–".join(f"{fen / 100:.2f}" for fen in ends) + " 元计"


def _paid_after_death(graph, policy, node, case_node, row, notices) -> Case | None:
    notices = [item for item in notices if not _typed_with_her_id(graph, node, item, row)]
    if not row["covered"] or not notices:
        return None
    died = death_counted([day for day, _, _ in notices])
    own = [item for item in notices if item[2]["kind"] == "reported_dead"]
    _, _, death_row = (own or notices)[-1]  # the latest of her own, not one repeating them
    after = month_index(died) + policy.death_grace_months
    active = _own_months(graph, policy, node, case_node, row, after)
    key = class_key(row["program"], row["dibao_class"])
    paid = sorted(m for m in paid_months(graph, case_node) if m > after and m in active)
    others = covered_others(graph, policy, case_node, {node})
    owed, partial, shared = _paid_for(graph, policy, case_node, row, key, paid, others)
    paid_back = refunds(graph, policy, case_node, month_index(died), others)
    gross_fen = sum(in_fen(item.amount) for item in owed.values())
    gross = gross_fen / 100
    # a refund is this member's only when no other covered member of the case died
    alone = all(other.last is None for other in others)
    back_fen = sum(in_fen(value) for value in paid_back.values())
    amount = max(gross_fen - back_fen, 0) / 100 if alone else gross
    if not amount:
        return None
    months = sorted(owed)
    uncertain = death_row["kind"] == "possibly_dead"
    renamed = [death for _, death, _ in notices if uncertain and _renamed(graph, node, death, row)]
    # the police withdrew the cancellation after every notice of this death (one restored
    # before a later, real death says nothing of it)
    restored = any(day > notices[-1][0] for day, _ in graph.nodes[node].get("restored", ()))
    # two sources confirm that a death happened, not which namesake died
    corroborated = not restored and (_carries_her_id(graph, notices, row) if uncertain
                                     else _corroborated(graph, notices, row))  # fmt: skip
    lived = lived_on(graph, node, notices)
    alive = signs_of_life(lived, notices)
    unregistered, no_hukou = _hukou_absence(graph, node, row)
    label = CLASS_LABELS.get(key, "类别不明")
    tekun_level = _monthly_text(owed).removesuffix("计") if key == TEKUN else None
    evidence = [
        *(
            _unread_date(graph, death, death_row)
            for _, death, death_row in notices
            if graph.nodes[death]["death_date"] is None
        ),
        *(said for death in renamed for said in _renamed_evidence(graph, node, death)),
        *alive,
        *(
            _death_evidence(graph, death, death_row)
            for _, death, death_row in notices
            if graph.nodes[death]["death_date"] is not None
        ),
        *_repeat_evidence(notices),
        *_one_death_evidence(notices, died),
        enrolment_evidence(case_node, row),
        Evidence(
            f"死亡月份 {month_text(month_index(died))} 加宽限期 {policy.death_grace_months} 个月后，"
            f"该案件仍发放 {len(months)} 个月（{month_text(months[0])} 至 {month_text(months[-1])}），"
            f"按本人（{label}）{_monthly_text(owed)}，共 {gross:.2f} 元；"
            f"{_back_pay_text(graph.nodes[case_node], months)}"
            f"{sources_text({item.source for item in owed.values()}, tekun_level)}",
            "payments",
            graph.nodes[case_node]["payments"][month_text(months[0])][0][0],
        ),
        *_reductions(
            len(paid) - len(owed), len(partial - shared), len(shared), paid_back, amount, alone
        ),
        *_other_programs(graph, case_node, after),
        _certainty(graph, node, death_row, corroborated, restored, notices, row),
        *([Evidence(unregistered)] if unregistered else []),
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
            "notices": float(len(notices)),
            "signs_of_life": float(len(alive)),
            **({LIVED_ON: 1.0} if lived else {}),
            "no_hukou": float(no_hukou),
            "candidates": float(graph.nodes[notices[-1][1]].get("candidates", 1)
                                if uncertain else 1),
            # true only if the notice is this person: scored at most that probability
            **({UNLINKED: death_row["probability"]} if uncertain else {}),
            **({RESTORED: 1.0} if restored else {}),  # the police withdrew the cancellation
        },
    )  # fmt: skip


def _paid_undated(graph, policy, node, case_node, row, notices: list) -> Case | None:
    """A covered member whose own ``notices`` give no month to count her death from
    (``undated_notices``) while her case is still paid with her on its roster, in the month of
    the as-of day: a lead whose amount cannot be computed (None), as the months paid after the
    death are unknown, its evidence saying so first; scored at most ``UNDATED_SCORE``
    (``models.cases.UNDATED``)."""
    if not row["covered"]:
        return None
    active = _own_months(graph, policy, node, case_node, row, None)
    paid = sorted(paid_months(graph, case_node) & active)
    if month_index(graph.graph["as_of"]) not in paid:
        return None
    _, _, death_row = notices[-1]
    # a restoration undoes the cancellation: with no death date, whenever it was done
    restored = bool(graph.nodes[node].get("restored"))
    corroborated = not restored and _corroborated(graph, notices, row)
    lived = lived_on(graph, node, notices)
    alive = signs_of_life(lived, notices)
    unregistered, no_hukou = _hukou_absence(graph, node, row)
    first, last = month_text(paid[0]), month_text(paid[-1])
    evidence = [
        *alive,
        *(_unread_date(graph, death, edge) for _, death, edge in notices),
        enrolment_evidence(case_node, row),
        Evidence(f"本人仍为在保成员，该案件发放至 {last}（本人在保期间 {first} 至 {last} 共发放 "
                 f"{len(paid)} 个月）；"
                 f"死亡日期不明，无法确定其中哪些月份在死亡月份加宽限期 "
                 f"{policy.death_grace_months} 个月之后，金额无法计算，请核实死亡日期后计算",
                 "payments", graph.nodes[case_node]["payments"][last][0][0]),
        _certainty(graph, node, death_row, corroborated, restored, notices, row),
        *([Evidence(unregistered)] if unregistered else []),
        identity_evidence(death_row, "死亡记录"),
        identity_evidence(row, "救助记录"),
    ]  # fmt: skip
    return Case(
        case_type="deceased_paid",
        records=[("assistance", row["record_id"])],
        person_ids=[node[1]],
        amount_at_risk=None,
        evidence=evidence,
        features={
            "months_after": 0.0, "corroborated": float(corroborated),
            "identity": min(death_row["probability"], row["probability"]),
            "notices": float(len(notices)), "signs_of_life": float(len(alive)),
            **({LIVED_ON: 1.0} if lived else {}),
            "no_hukou": float(no_hukou), "candidates": 1.0,
            UNDATED: 1.0,  # the months after the death unknown: scored at most UNDATED_SCORE
            **({RESTORED: 1.0} if restored else {}),  # the police withdrew the cancellation
        },
    )  # fmt: skip


def _unread_date(graph: nx.MultiGraph, death, row: dict) -> Evidence:
    """What a reviewer checks first of a notice whose death date is blank or unread (in place
    of its date, ``_death_evidence``): the date as written, the month counted from when it
    writes one (``month_written_end``), and the notice's source."""
    attributes = graph.nodes[death]
    notice = f"死亡记录（来源：{source_shown(attributes['source'], attributes['source_written'])}）"
    written, end = attributes["death_written"], month_written_end(attributes)
    if end is not None:
        said = (f"{notice}的死亡日期「{written}」不是有效日期（该月没有这一天），只能确定死亡在 "
                f"{end:%Y-%m}，按该月计算")  # fmt: skip
    else:
        said = f"的死亡日期「{written}」无法识别" if written else "未填写死亡日期"
        said = f"{notice}{said}，无法确定死亡月份"
    return Evidence(f"{said}；请先核实死亡日期", "deaths", row["record_id"])


def _paid_for(graph, policy, case_node, row, key, months: list[int], others: list
              ) -> tuple[dict[int, OwnAmount], set[int], set[int]]:  # fmt: skip
    """What ``case_node`` was paid for the dead member (roster ``row``, class ``key``) in
    each of ``months``: their own amount, unless the month's payment leaves less than the
    dead members' amounts above what the case's other living covered members (``others``)
    are owed then (paid short, or down to the living): then what it leaves (source
    ``PAID_PART``: no class amount's, since 2026-12-07 (late)), nothing when
    that is no more than a tolerance of the dead members' amounts. Two or more dead members
    share what it leaves in proportion to their amounts, in whole fen that add up to it
    exactly (``split_fen``: each the whole fen of its share, the fen left over one each to
    the largest fractions, ties by record id); so their leads together charge what was paid,
    to the fen. Also the months paid in part, and of those the months shared with another
    dead member. All in fen: a payment that leaves the amount exactly is paid in full. When
    a living member's amount is unknown the month cannot be judged, and the own amount
    stands."""
    found, partial, shared = {}, set(), set()
    place = county_of_number(case_node[1]), graph.nodes[case_node]["area"]
    for month in months:
        own = own_amount(graph, policy, key, month, share_paid(graph, case_node, month), *place)
        claims = [(row["record_id"], in_fen(own.amount))] + [
            (
                other.record_id,
                in_fen(own_amount(graph, policy, other.key, month, 0.0, *place).amount),
            )
            for other in others
            if month in other.span and other.last is not None and month > other.last
        ]  # what the dead members of the case were owed
        owed = sum(amount for _, amount in claims)
        above = above_the_living(graph, policy, case_node, month, others)
        left = None if above is None else max(in_fen(above), 0)
        if left is None or left >= owed:
            found[month] = own
            continue
        if left > owed * policy.payment_tolerance:
            part = split_fen(left, claims)[row["record_id"]]
            found[month] = OwnAmount(part / 100, PAID_PART)
            partial.add(month)
            if len(claims) > 1:
                shared.add(month)
    return found, partial, shared


def _other_programs(graph: nx.MultiGraph, case_node, after: int) -> list[Evidence]:
    """The case's lines of other programs (临时救助 …) paid after month ``after``: named as
    context, never counted (a funeral grant is no 低保 or 特困 money)."""
    lines = [(month, record_id, amount)
             for month, paid in sorted(graph.nodes[case_node]["other_payments"].items())
             if month_index(month) > after for record_id, amount in paid]  # fmt: skip
    if not lines:
        return []
    total = sum(in_fen(amount) for *_, amount in lines) / 100
    months = "、".join(dict.fromkeys(month for month, *_ in lines))
    return [Evidence(f"另有其他资金（临时救助、取暖费、慰问金等）的发放 {len(lines)} 笔共 {total:.2f} 元"
                     f"（{months}），不属低保、特困资金，未计入", "payments", lines[0][1])]  # fmt: skip


def _reductions(unpaid: int, partial: int, shared: int, paid_back: dict[int, float],
                amount: float, alone: bool) -> list[Evidence]:  # fmt: skip
    """What the evidence says of months paid only to the living, months paid in part (alone,
    or ``shared`` with the case's other dead members), and money paid back after the death
    (deducted when the member is the case's only dead one)."""
    said = []
    if unpaid:
        said.append(Evidence(f"另有 {unpaid} 个月的发放额只够其他在保成员按类别应发的金额，"
                             "未为本人发放，不计入"))  # fmt: skip
    if partial:
        said.append(
            Evidence(
                f"其中 {partial} 个月为本人发放的不足其按类别应发的金额（发放额超出其他在保成员"
                "应发金额的部分较少），按实际超出的部分计"
            )
        )
    if shared:
        said.append(
            Evidence(
                f"其中 {shared} 个月发放额超出其他在世在保成员应发金额的部分不足本人与案件中"
                "其他死亡成员的金额之和，按各人类别金额的比例分摊计入（精确到分，分摊余下的分"
                "归尾数较大者，各人合计等于实际超出的部分）"
            )
        )
    if paid_back:
        months = "、".join(month_text(month) for month in sorted(paid_back))
        back = f"死亡后案件退回（追回）{sum(paid_back.values()):.2f} 元（{months}），"
        said.append(Evidence(back + (f"已从金额中扣除，尚余 {amount:.2f} 元（如非为本人的退款，请加回）"
                                     if alone else "案件中另有成员死亡，未从本人金额中扣除，请核实归属")))  # fmt: skip
    return said


def _hukou_absence(graph, node, row) -> tuple[str | None, bool]:
    """Why the 户籍人口 holds no row of the person (roster ``row``), None when it holds one,
    and whether that is its word that the person is gone (``no_hukou``): only of a local
    person it should hold. Where the data cannot place her — the drop holds no 户籍人口, or
    none of her county (``hukou_gaps``: county, None) or of her township (its extract
    missing), or her valid ID is of a region none of the counties' 户籍 IDs are of
    (``hukou_regions``: 人户分离, her 户口 elsewhere) — the evidence says what is true and the
    absence raises nothing."""
    if neighbours(graph, node, "member_of"):
        return None, False
    gaps, county = graph.graph["hukou_gaps"], row["county"]
    if "hukou" not in graph.graph["registries"] or (county, None) in gaps:
        where = f"该区县（{county}）的" if county else ""
        return f"本次数据未包含{where}户籍人口，无法核对户口是否已注销", False
    if (county, row["township"]) in gaps:
        return (f"户籍人口中没有该乡镇（{row['township']}）的记录（该乡镇户籍数据缺失），"
                "无法核对户口是否已注销", False)  # fmt: skip
    regions, id18 = graph.graph["hukou_regions"], graph.nodes[node].get("id18")
    if regions and id18 and id18[:6] not in regions:
        return f"身份证号属外地（{id18[:6]}），户籍可能不在本县", False
    return "户籍人口中查无此人（户口可能已因死亡注销）", True


def _corroborated(graph, notices, row) -> bool:
    """Two sources report the death, or a notice carries the roster row's valid ID."""
    return bool(_corroborations(graph, notices, row))


def _corroborations(graph, notices, row) -> list[str]:
    """What corroborates a death, said (``_corroborated``): its sources named where two
    report it, and a notice carrying the row's valid ID (until 2026-12-07 every corroborated
    lead read 死亡有两个来源或身份证号完全一致的佐证, and a blind tester could not tell which
    held); empty when nothing does."""
    said = []
    if len({graph.nodes[death]["source"] for _, death, _ in notices}) >= 2:
        shown = dict.fromkeys(source_shown(graph.nodes[death]["source"],
                                           graph.nodes[death]["source_written"])
                              for _, death, _ in notices)  # fmt: skip
        said.append(f"死亡有 {len(shown)} 个来源（{'、'.join(shown)}）")
    if _carries_her_id(graph, notices, row):
        said.append("死亡记录的身份证号与本人救助记录的完全一致")
    return said


def _carries_her_id(graph, notices, row) -> bool:
    """A notice carries the roster row's valid ID."""
    return any(graph.nodes[death]["id18"] and graph.nodes[death]["id18"] == row["id18"]
               for _, death, _ in notices)  # fmt: skip


def _typed_with_her_id(graph, node, notice: tuple, row) -> bool:
    """An uncertain notice carrying the row's ID under another name whose own birth date or
    gender is not the ID's: another's notice typed with her ID (a renamed person keeps both),
    no evidence of her death (``details_not_of_id``); listed among the notices no one was
    confirmed for."""
    _, death, edge = notice
    written = graph.nodes[death]
    return (edge["kind"] == "possibly_dead" and _renamed(graph, node, death, row)
            and bool(details_not_of_id(written["id18"], written.get("birth_date"),
                                       written.get("gender"))))  # fmt: skip


def _renamed(graph, node, death, row) -> bool:
    """Whether notice ``death`` carries the roster ``row``'s trusted ID under a name that is
    not the person's: a changed name, or the ID typed on another's notice."""
    notice = graph.nodes[death]
    return (
        bool(notice["id18"])
        and notice["id18"] == row["id18"]
        and bool(notice.get("name"))
        and notice["name"] != graph.nodes[node].get("name")
    )


def _renamed_evidence(graph, node, death) -> list[Evidence]:
    """The notice carries the person's ID under another name: what is known, what to check."""
    notice = graph.nodes[death]
    return [Evidence(f"死亡记录的身份证号与本人相同，但姓名不同（死亡记录：{notice['name']}；"
                     f"名册：{graph.nodes[node].get('name') or ''}）：可能已改名（请查户籍曾用名或"
                     "改名记录），也可能是死亡登记填错了身份证号；请先核实", "deaths", death[1])]  # fmt: skip


def _one_death_evidence(notices, died: date) -> list[Evidence]:
    """What the evidence says of notices of one death on days apart (``one_death``): taken
    as one death, counted from its earliest date ``died``; nothing otherwise."""
    dates = sorted({day for day, _, _ in notices})
    if len(dates) < 2 or not one_death(dates):
        return []
    return [Evidence(f"各死亡记录的日期相差 {(dates[-1] - dates[0]).days} 天（{'、'.join(map(str, dates))}），"
                     f"在 {NOTICE_DATE_SLIP_DAYS} 天以内，视为同一死亡的不同报告（火化、上报通常晚于死亡），"
                     f"按最早日期 {died} 计算")]  # fmt: skip


def _back_pay_text(case: dict, months: list[int]) -> str:
    """The lines of a case (its node's attributes) paying several of ``months``, said so: a
    line whose 所属月份 gives those months (``ranged``) or whose note names them (``noted``:
    备注 2025年1-3月), and a month with no line of its own but a later month's 补发 (spread
    over the months it is for: ``models.amounts.spread_back_pay``); and a line whose month is
    its 发放月份 for want of a 所属月份 (``_paid_out_text``); empty when none.

    >>> paid = {"2024-03": [("F1", 470.0)], "2024-04": [("F2", 470.0)],
    ...         "2024-05": [("F2", 470.0)]}
    >>> _back_pay_text({"payments": paid}, [month_index(m) for m in ("2024-03", "2024-04", "2024-05")])
    '其中 2024-04 没有发放记录，按 2024-05 的补发计；'
    >>> _back_pay_text({"payments": paid, "ranged": {"F2": ("2024-04", "2024-05")}},
    ...                [month_index(m) for m in ("2024-03", "2024-04", "2024-05")])
    '其中 2024-04 至 2024-05 按发放记录 F2 所属月份（多个月）平均分摊计；'
    >>> _back_pay_text({"payments": paid, "noted": {"F2": ("2024-04", "2024-05")}},
    ...                [month_index(m) for m in ("2024-03", "2024-04", "2024-05")])
    '其中 2024-04 至 2024-05 按发放记录 F2 备注等所写月份（多个月）平均分摊计；'
    """
    payments = case["payments"]
    spans = ({record: (*span, "所属月份") for record, span in case.get("ranged", {}).items()}
             | {record: (*span, "备注等所写月份") for record, span in case.get("noted", {}).items()})  # fmt: skip
    records = {month: {record for record, _ in payments.get(month_text(month), ())
                       if record not in spans}
               for month in months}  # fmt: skip
    lines = sorted({record for month in months for record, _ in payments.get(month_text(month), ())
                    if record in spans})  # fmt: skip
    shared = "".join(f"其中 {spans[record][0]} 至 {spans[record][1]} 按发放记录 {record} "
                     f"{spans[record][2]}（多个月）平均分摊计；" for record in lines)  # fmt: skip
    spread = [(month, later) for month in months for later in months
              if later > month and records[month] and records[month] <= records[later]]  # fmt: skip
    said = {month: later for month, later in reversed(spread)}  # the nearest later month
    return shared + "".join(f"其中 {month_text(month)} 没有发放记录，按 {month_text(later)} 的补发计；"
                            for month, later in sorted(said.items())) + _paid_out_text(case, months)  # fmt: skip


def _paid_out_text(case: dict, months: list[int]) -> str:
    """The lines of a case (its node's attributes) paying in ``months`` whose 所属月份 held no
    month (无, /: ``month_paid_out``), read as paid in their 发放月份, said so; empty when none.

    >>> _paid_out_text({"payments": {"2024-06": [("X1", 412.0)]}, "month_paid_out": {"X1"}},
    ...                [month_index("2024-06")])
    '其中发放记录 X1 的所属月份没有写月份，按发放月份 2024-06 计，如为补发以前月份请核对；'
    """
    marked = case.get("month_paid_out", set())
    return "".join(f"其中发放记录 {record} 的所属月份没有写月份，按发放月份 {month_text(month)} 计，"
                   "如为补发以前月份请核对；"
                   for month in months for record, _ in case["payments"].get(month_text(month), ())
                   if record in marked)  # fmt: skip


def _certainty(graph, node, death_row, corroborated: bool, restored: bool, notices, row
               ) -> Evidence:  # fmt: skip
    """How sure the death is: a notice linked to no one (its candidates), a restored
    registration (the notice corroborates nothing: since 2026-12-07 (late) said so, not
    死亡仅凭模糊身份关联认定 of a notice carrying the person's ID), the corroborations, or
    none."""
    if death_row["kind"] == "possibly_dead":
        death = ("death", death_row["record_id"])
        count, births = graph.nodes[death]["candidates"], birth_dates_said(graph, node, death)
        if count == 1:
            return Evidence(f"死亡记录与本人只是可能匹配（关联概率未达归并阈值{births}），疑点待核实，"
                            "请先确认死者身份", "deaths", death_row["record_id"])  # fmt: skip
        others = sorted(other for other, data in graph._adj[death].items() if other != node
                        and any(edge["kind"] == "possibly_dead" for edge in data.values()))  # fmt: skip
        named = "、".join(_who(graph, other) for other in others)
        rest = count - 1 - len(others)
        also = "；".join(([f"另可能是 {named}"] if named else [])
                        + ([f"另有 {rest} 人不在救助名册中"] if rest else []))  # fmt: skip
        return Evidence(f"死亡记录未能唯一确认为本人（可能对应 {count} 人：{also}{births}），"
                        "疑点待核实，请先确认死者身份", "deaths", death_row["record_id"])  # fmt: skip
    if restored:
        return Evidence(RESTORED_SAID)
    if corroborated:
        return Evidence("；".join(_corroborations(graph, notices, row)) + "：死亡信息有佐证")
    return Evidence("死亡仅凭模糊身份关联认定，需核实死亡信息")


def _who(graph: nx.MultiGraph, other) -> str:
    """Another person a notice may be, as a reviewer finds them: name, person id, and their
    cases (or hukou households)."""
    cases = sorted({case[1] for case, _ in neighbours(graph, other, "enrolled_in")})
    families = sorted({family[1] for family, _ in neighbours(graph, other, "member_of")})
    where = [f"救助案件 {case}" for case in cases] or [f"户号 {family}" for family in families]
    return f"{graph.nodes[other].get('name') or ''}（{'，'.join([f'人员 {other[1]}', *where])}）"


def _repeat_evidence(notices) -> list[Evidence]:
    """Each notice linked to no one that repeats the person's own (``death_notices``), said
    so: which of hers, and both dates; nothing on an uncertain lead, whose notices are all
    linked to no one."""
    own = [row["record_id"] for _, _, row in notices if row["kind"] == "reported_dead"]
    if not own:
        return []
    days = "、".join(str(day) for day, _, _ in notices)
    return [Evidence(f"该死亡记录未能直接关联到本人（关联概率 {row['probability']:.2f}），但本人是其"
                     f"唯一可能对应的人，且与本人的死亡记录 {'、'.join(own)} 日期相近（{days}），"
                     "视为同一死亡的另一份报告，计入本人的死亡记录",
                     "deaths", row["record_id"])
            for _, _, row in notices if row["kind"] == "possibly_dead"]  # fmt: skip


def _death_evidence(graph: nx.MultiGraph, death, row: dict) -> Evidence:
    """A dated notice's line: its date named as what it is, and its source; for a day other
    than the death's, that the death was on or before it (``OTHER_DAY_SAID``). Until
    2026-12-07 (night) every date was called 死亡日期, a 火化日期 or 户口注销日期 too."""
    attributes = graph.nodes[death]
    source = source_shown(attributes["source"], attributes["source_written"])
    kind = attributes["date_kind"]
    return Evidence(
        f"{kind} {attributes['death_date']}{SOURCE_SAID}{source}）"
        f"{'' if kind == DEATH_DATE else OTHER_DAY_SAID}",
        "deaths",
        row["record_id"],
    )
