"""Paid other than the class and size allow: a case whose monthly payments differ clearly
from the sum of its covered members' own amounts (分类施保: each member's class; 特困's
amount), month after month — a member gone but still paid for, a class changed and not the
amount, a family paid short."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date
from functools import cache, partial
from typing import NamedTuple

import networkx as nx

from models.amounts import (
    CLASS_LABELS,
    MIN_CASES,
    MIN_SUPPORT,
    TEKUN,
    OwnAmount,
    care_amount,
    class_key,
    in_fen,
    own_amount,
    sources_text,
)
from models.cases import CLASS_LOWERED, Case, Evidence
from models.detectors.common import (
    counted_months,
    enrolment_evidence,
    paid_until,
    severely_disabled,
)
from models.graph import Node, neighbours, nodes_of
from models.periods import month_index, month_text
from models.policy import Policy
from resolver.normalize import CARE_LEVELS
from resolver.registries import county_of_number

SHOWN_MONTHS = 3  # months named in the evidence, the largest differences first
# Where the ledger gives no 保障金 apart, money paid above the class amounts may be 分类施保
# (fixed monthly extras for old, disabled or child members) the ledger adds in.
ADDON_NOTE = (
    "多发部分可能是分类施保金（老年人、重度残疾人、儿童等按月加发）：发放记录未单列保障金，"
    "如属分类施保请核对加发标准后驳回；台账单列“保障金”“分类施保金”列时只按保障金核对"
)

# Where a 特困 member is judged by his roster's care level (``_care_owed``).
CARE_NOTE = (
    "花名册只记现护理等级：该案件最近的月份未按花名册所记护理等级的标准发放，这些月份按该等级核对；"
    "如护理等级已重新评定而花名册未更新，请核实评定结果和时间"
)


def detect_payment_mismatch(graph: nx.MultiGraph, policy: Policy) -> list[Case]:
    """A case paid, in at least ``policy.payment_mismatch_months`` months, an amount that
    differs from what its covered members active that month are owed (each member's own
    class amount, from the policy or the ledger: ``models.amounts``) by more than
    ``policy.payment_tolerance`` of it — or paid in a month with no covered member active.
    A month in which some member's amount is unknown (no class, or a ledger that does not
    pay by class) is not judged. 特困 is paid at several levels (集中 and 分散供养, care levels:
    ``models.amounts``): a 特困 member paid at one of them that month is owed it; in a month
    paid at none, the level of the case's latest month paid at one (else of its first after),
    and in a case never paid at one, the level nearest what it was paid (``_tekun_paid``). The grace month after a covered member's death, and a later
    month while his row is still active, count him as owed (``deceased_paid`` reports his
    amount) and are judged only for paying more than that (paying less is the office
    stopping his money); after the grace, a row the office ended is judged as any other.
    ``amount_at_risk`` is what was paid above the amounts owed in those months, less the
    money the case paid back after a month paid too much, as far as it repays what was paid
    too much before it (0 when all of it was paid back); a case paid only short has none (the
    shortfall is in the evidence).

    A county may pay its disabled 低保 members a fixed add-on (重残加发, seed 003: 对重度残疾人
    适当提高低保金标准; a member with a severe disability certificate or whose roster says
    残疾): where most of its cases with such members, and at least ``MIN_CASES``, were paid
    one same sum per such member above the class amounts (``_severe_addons``), each is owed
    it too, said in the evidence; where the ledger shows no such add-on, a lead on money paid
    too much to a case with such a member says one may explain it.

    Refunds (退回, 追回: lines below zero) are money paid back, as far as the month's lines fall
    short of what is owed that month (a line that only corrects another of the month takes
    nothing back); the month itself is judged on its lines plus what they paid back. A month
    whose lines add up to nothing or less (a month of refunds) is no month paid: it is not
    judged, and does not count towards ``payment_mismatch_months``. Amounts are added in
    fen, exactly.

    The roster keeps only a case's current 低保 class: months paid exactly at another class
    just before the case's latest months, which all fit its current classes, were paid at
    the earlier class (类别调整: ``_class_change``, however few the months at the current
    classes since) and are not judged amiss; a lead still raised says so. Months paid at a
    higher class before a switch down are judged, a lead capped as uncertain
    (``CLASS_LOWERED``) only when they are all its months paid amiss; beside other months
    amiss, their part is stated apart in the evidence (``_lowered_part_evidence``).

    Example: class A case DB2 of two covered members (455 元 each) paid 1,365 元 a month
    from 2026-05 to 2026-10: six months, 455 元 too much each, 2,730 元 at risk.

    Complexity: O(C + P·M) for C cases, P paid months and M covered rows of a case.

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph (``models.graph``), with ``as_of`` and ``class_amounts``.
    policy : Policy
        The policy profile: ``payment_tolerance``, ``payment_mismatch_months`` and
        ``monthly_amounts``.

    Returns
    -------
    list of Case
        One case per case paid amiss, resting on the rows covered in those months (its
        covered rows when none was, its listed rows when none is covered); unscored.

    Examples
    --------
    >>> from models.periods import month_index
    >>> from models.policy import load_policy
    >>> from models.sketch import HouseholdSketch
    >>> months = [f"2026-{m:02d}" for m in range(1, 11)]
    >>> sketch = HouseholdSketch({("A", month_index(m)): 455.0 for m in months})
    >>> sketch.enrol("li", "DB2", "A1", dibao_class="A")
    >>> sketch.enrol("wife", "DB2", "A2", dibao_class="A")
    >>> sketch.pay("DB2", months[:4], 910.0)
    >>> sketch.pay("DB2", months[4:], 1365.0)
    >>> [(case.records, case.amount_at_risk)
    ...  for case in detect_payment_mismatch(sketch.graph, load_policy())]
    [([('assistance', 'A1'), ('assistance', 'A2')], 2730.0)]
    """
    price, month_of = _pricer(graph, policy), cache(month_index)
    judged = {}
    for case in nodes_of(graph, "case"):
        listed = {row["record_id"]: (member, row)
                  for member, row in neighbours(graph, case, "enrolled_in")}  # fmt: skip
        rows = {record: item for record, item in listed.items() if item[1]["covered"]}
        case_price = partial(price, county=county_of_number(case[1]),
                             area=graph.nodes[case]["area"])  # fmt: skip
        judged[case] = (listed, rows, case_price,
                        _differences(graph, policy, case, rows, case_price, month_of))  # fmt: skip
    addons = _severe_addons({case: found.extras for case, (*_, found) in judged.items()})
    cases = []
    for case, (listed, rows, case_price, found) in judged.items():
        addon = addons.get(county_of_number(case[1]))
        if addon and found.extras:
            found = _differences(graph, policy, case, rows, case_price, month_of, addon)
        if len(found.differences) < policy.payment_mismatch_months:
            continue
        # a case none of whose members is covered (all exited) rests on its listed rows
        lead = _case(graph, case, rows or listed, found, addon)
        if lead is not None:
            cases.append(lead)
    return cases


class _Change(NamedTuple):
    """The months a case was paid at an earlier class (``_class_change``): that class's key,
    the months (in order), the first month paid at the current class and whether it was a
    switch down."""

    key: str
    months: list[int]
    since: int
    lowered: bool = False
    """Whether those months were paid more than the current class (a switch down): a lead,
    uncertain (``CLASS_LOWERED``), as the data cannot tell a change made late from one on time."""


class _Judged(NamedTuple):
    """A case's months paid amiss (month, paid, owed, members, sources; fen), the fen it
    paid back by month, per month with a covered disabled member (``_disabled_months``) how
    many and what the case was paid above the members' class amounts (``extras``), and the
    months it was paid at an earlier class, not counted amiss (``change``, or None)."""

    differences: list[tuple]
    back: dict[int, int]
    extras: list[tuple[int, int]]
    change: _Change | None


def _disabled_months(graph: nx.MultiGraph, policy: Policy, member: Node, row: dict,
                     months: set[int]) -> set[int]:  # fmt: skip
    """The ``months`` a 低保 member may be paid a disabled member's add-on to the 低保金: all,
    where the roster writes 健康状况 残疾 (the office's record of whom it tops up); else those
    in which a severe certificate held (``severely_disabled`` on the month's first day: its
    有效期至 not passed, no re-assessment issued yet; a status or a list, which say how it
    stands now and not since when, sets none of those months aside); none for 特困, paid at
    levels of its own (``models.amounts``)."""
    if row["program"] != "dibao":
        return set()
    if row["health"] == "disabled":
        return months
    if not neighbours(graph, member, "certified"):
        return set()
    return {month for month in months
            if severely_disabled(graph, policy, member, date(month // 12, month % 12 + 1, 1))}  # fmt: skip


def _severe_addons(extras: dict[Node, list[tuple[int, int]]]) -> dict[str | None, int]:
    """The fixed monthly add-on (fen) a county pays each covered disabled member (重残加发,
    分类施保: seed 003 lets a county raise severely disabled members' 低保金; ``_disabled_months``),
    read from the ledger: the most common excess per such member over the members' class
    amounts, in a month paid exactly so much more (a whole multiple of it by their number),
    of the county's cases with such a member; it needs ``MIN_CASES`` cases paid it and
    ``MIN_SUPPORT`` of those cases (a few cases paid too much by one sum are no add-on)."""
    paid = defaultdict(Counter)
    with_members = Counter()
    for case, months in extras.items():
        county = county_of_number(case[1])
        with_members[county] += bool(months)
        per_member = {excess // count for count, excess in months
                      if excess > 0 and excess % count == 0}  # fmt: skip
        paid[county].update(per_member)
    addons = {}
    for county, counts in paid.items():
        if not counts:
            continue
        amount, cases = min(counts.items(), key=lambda item: (-item[1], item[0]))
        if cases >= max(MIN_CASES, MIN_SUPPORT * with_members[county]):
            addons[county] = amount
    return addons


def _pricer(graph: nx.MultiGraph, policy: Policy) -> Callable[..., OwnAmount]:
    """A member's own amount by class key, month, what he was paid (which of 特困's levels
    is his: ``own_amount``) and his case's county and area, each looked up once per run."""
    prices: dict[tuple[str | None, int, int, str | None, str | None], OwnAmount] = {}

    def price(key: str | None, month: int, paid: int = 0, county: str | None = None,
              area: str | None = None) -> OwnAmount:  # fmt: skip
        found = prices.get((key, month, paid, county, area))
        if found is None:
            found = own_amount(graph, policy, key, month, paid / 100, county, area)
            prices[(key, month, paid, county, area)] = found
        return found

    return price


def _differences(graph, policy: Policy, case: Node, rows: dict[str, tuple],
                 price: Callable[[str | None, int], OwnAmount], month_of: Callable[[str], int],
                 addon: int = 0) -> _Judged:  # fmt: skip
    """(month, paid, owed, members, sources) of the months paid amiss, in order, amounts in
    fen, each covered disabled member (``_disabled_months``) owed up to ``addon`` (fen) more (a
    month paid the class amounts, the add-on left out, is no shortfall); the fen paid
    back (refunds) by month; and the months' disabled members and excess over the class
    amounts (one pass over the rows a month: the detector walks every payment month of the
    county)."""
    months = [(month_of(text), [in_fen(amount) for _, amount in payments])
              for text, payments in sorted(graph.nodes[case]["payments"].items())]  # fmt: skip
    spans = []
    for member, row in rows.values():
        last = paid_until(graph, policy, member)
        span = counted_months(graph, policy, case, member, row, last)
        dead_months = _dead_months(span, last, policy)
        # the months he is owed for: covered and active, or in the grace after his death
        owed_months = span | dead_months
        spans.append((row, class_key(row["program"], row["dibao_class"]), owed_months,
                      dead_months, _disabled_months(graph, policy, member, row, owed_months),
                      _undated_months(graph, row, last, [month for month, _ in months])))  # fmt: skip
    found, back, extras, judged = [], {}, [], []
    levels, shares = _tekun_paid(spans, months, price, policy)
    by_care = _care_owed(graph, case, spans, shares, policy)
    after_death = set().union(*(dead_months for _, _, _, dead_months, *_ in spans))
    for month, lines in months:
        net, refunded = sum(lines), -sum(line for line in lines if line < 0)
        owed = _owed(spans, month, price, levels.get(month, 0), by_care.get(month))
        if owed is None:  # a member's amount is unknown: the month cannot be judged
            if net < 0:
                back[month] = -net
            continue
        total, members, sources, disabled, undated = owed
        if disabled and net > 0:
            extras.append((disabled, net - total))
        # the refund lines pay back as far as the month's lines fall short of what is owed
        paid_back = min(refunded, max(total - net, 0))
        if paid_back:
            back[month] = paid_back
        if net <= 0:
            continue  # a month of refunds is no month paid
        paid = net + paid_back
        # the add-on excuses money paid up to it, and is owed no one the ledger did not pay it;
        # so do the amounts of members of no known start (``_undated_months``)
        maybe = sum(amount for amount, _ in undated)
        due = min(max(paid, total), total + maybe + addon * disabled)
        members = members + [row for _, row in undated] if paid > total else members
        # the dead's money stopped: no lead
        over = paid - due if month in after_death else abs(paid - due)
        judged.append((month, paid, members))
        if over > policy.payment_tolerance * due:
            found.append((month, paid, due, members, sources))
    change = _class_change(judged, {month for month, *_ in found}, price)
    if change is not None and any(paid > due for month, paid, due, *_ in found
                                  if month in change.months):  # fmt: skip
        change = change._replace(lowered=True)  # paid more before: a switch down, still a lead
    elif change is not None:
        found = [item for item in found if item[0] not in change.months]
    return _Judged(found, back, extras, change)


DIBAO_CLASSES = tuple(key for key in CLASS_LABELS if key != TEKUN)


def _class_change(judged: list[tuple], amiss: set[int], price: Callable) -> _Change | None:
    """The months a case was paid at an earlier 低保 class (类别调整: the roster keeps only
    the current class): where its latest months paid (``judged``: month, paid, members, in
    order) all fit the current classes, from a month on, and the months just before it were
    each paid amiss (``amiss``) at exactly the amount of one other class for the members owed
    then (``_class_paid``: the class of the last of them), those months, as far back as
    they were paid at that class. A switch read so is a change however few months the
    current classes have been paid since (one, the ledger's latest, is enough): without a
    class history the data cannot tell a change made late from one made on time, and the
    reading of a case does not shift as the ledger grows. None when the case's latest month
    is paid amiss (a class changed and not the amount), when none is, or when the month
    before the change fits no class exactly.

    Examples
    --------
    >>> from models.amounts import OwnAmount
    >>> price = lambda key, month: OwnAmount({"A": 480.0, "B": 375.0, "C": 215.0}[key], "policy")
    >>> two = [{"program": "dibao"}] * 2
    >>> paid = [(month, 75000, two) for month in range(12)] + [(12, 43000, two)]
    >>> _class_change(paid, set(range(12)), price)
    _Change(key='B', months=[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], since=12, lowered=False)
    >>> _class_change(paid[:12] + [(12, 75000, two)], set(range(13)), price) is None
    True
    """
    index = len(judged)
    while index and judged[index - 1][0] not in amiss:
        index -= 1
    if index in (0, len(judged)):
        return None
    key = _class_paid(*judged[index - 1], price)
    if key is None:
        return None
    start = index - 1
    while start and judged[start - 1][0] in amiss and _class_paid(*judged[start - 1], price) == key:
        start -= 1
    return _Change(key, [month for month, *_ in judged[start:index]], judged[index][0])


def _class_paid(month: int, paid: int, members: list[dict], price: Callable) -> str | None:
    """The 低保 class whose amount that month (``price``: the amounts the run uses) for each
    of the ``members`` (all 低保) adds up to exactly ``paid`` (fen), or None."""
    if not members or any(row["program"] != "dibao" for row in members):
        return None
    for key in DIBAO_CLASSES:
        amount = price(key, month)
        if amount.source != "share" and in_fen(amount.amount) * len(members) == paid:
            return key
    return None


def _dead_months(span: set[int], last: int | None, policy: Policy) -> set[int]:
    """The months after a member's death (``last``: the last month he may be paid for, or
    None) that count him as owed: the grace, when his row was active at his death, and any
    later month his row is active (``deceased_paid`` reports his amount then)."""
    if last is None:
        return set()
    died = last - policy.death_grace_months
    after = {month for month in span if month > died}
    return after | (set(range(died + 1, last + 1)) if died in span else set())


def _owed(spans: list[tuple], month: int, price: Callable, tekun_paid: int,
          care: OwnAmount | None = None) -> tuple | None:  # fmt: skip
    """What the members active in ``month`` (or in the grace after their death) are owed by
    their classes, those members, the amounts' sources and how many of them are disabled
    (``_disabled_months``); None when a member's amount is unknown. A 特困 member is owed
    ``care`` (his roster care level's amount: ``_care_owed``) where given, else the level
    nearest ``tekun_paid`` (fen: ``_tekun_paid``)."""
    total, members, sources, disabled, undated = 0, [], set(), 0, []
    for row, key, owed_months, _, disabled_months, undated_months in spans:
        if month in owed_months or month in undated_months:
            if key == TEKUN and care is not None:
                item = care
            else:
                item = price(key, month, tekun_paid if key == TEKUN else 0)
            if item.source == "share":
                return None
            sources.add(item.source)
            if month in undated_months:
                undated.append((in_fen(item.amount), row))
                continue
            total += in_fen(item.amount)
            members.append(row)
            disabled += month in disabled_months
    return total, members, sources, disabled, undated


def _undated_months(graph: nx.MultiGraph, row: dict, last: int | None, paid: list[int]
                    ) -> set[int]:  # fmt: skip
    """The case's ``paid`` months in which a covered row of no known 纳入日期 (blank, or not
    read) may have been active: up to its end month and, for a member who died, the last month
    he may be paid for (``last``); none for a row with its start. Such a member is owed his
    amount in them or not: money paid up to it is no excess, and a month paid without it no
    shortfall (until 2026-12-07 he counted in no month: every month paid him read 当月无在保成员,
    a false lead of all of his money)."""
    if row["start"] is not None:
        return set()
    until = min(month_index(row["end"]) if row["end"] else month_index(graph.graph["as_of"]),
                last if last is not None else month_index(graph.graph["as_of"]))  # fmt: skip
    return {month for month in paid if month <= until}


def _tekun_paid(spans: list[tuple], months: list[tuple[int, list[int]]], price: Callable,
                policy: Policy) -> tuple[dict[int, int], dict[int, int]]:  # fmt: skip
    """What each month's 特困 members are judged to be paid (fen), to pick each one's level
    (特困 is paid at several: ``models.amounts``): their share of the month's payment above
    the case's other members, where it is one of the month's levels (within the tolerance);
    in a month where it is none, the share of the case's latest such month before it, else
    of its first after it (the member's own level, not whichever is nearest the amount paid
    amiss); in a case paid at no level, the month's own share (its nearest level). Also each
    month's own share (``_care_owed`` weighs it against the roster's care level)."""
    shares, fitting = {}, []
    if all(key != TEKUN for _, key, *_ in spans):
        return shares, shares
    for month, lines in months:
        active = [key for _, key, owed_months, *_ in spans if month in owed_months]
        others = [price(key, month) for key in active if key != TEKUN]
        if TEKUN not in active or any(item.source == "share" for item in others):
            continue
        share = (sum(lines) - sum(in_fen(item.amount) for item in others)) // active.count(TEKUN)
        shares[month] = share
        level = in_fen(price(TEKUN, month, share).amount)
        if abs(share - level) <= policy.payment_tolerance * level:
            fitting.append(month)
    if not fitting:
        return shares, shares
    return _from_fitting(shares, fitting), shares


def _care_owed(graph: nx.MultiGraph, case: Node, spans: list[tuple], shares: dict[int, int],
               policy: Policy) -> dict[int, OwnAmount]:  # fmt: skip
    """The months a case's 特困 members are owed the amount of the care level (护理等级) their
    roster rows state (``models.amounts.care_amount``), and that amount: the case's latest
    months (``shares``: the 特困 share of each month paid, fen) paid at another level's
    amount (``_another_level``), where its latest month is. The roster keeps only the current
    level: a case paid at it in its latest month is owed, before, the level it was paid at (a
    re-assessment, up or down, as for any case without a level); none where the rows state
    no one level, the level's amount that month is unknown, or the policy sets 特困's amounts.
    A month paid at no level's amount (a home's 集中供养 amount, paid to too few of the
    level's cases to be told from it: ``models.amounts.care_amounts``) ends them."""
    stated = {row.get("care_level") for row, key, *_ in spans if key == TEKUN}
    if len(stated) != 1 or None in stated or TEKUN in policy.monthly_amounts:
        return {}
    level, county, owed = stated.pop(), county_of_number(case[1]), {}
    for month in sorted(shares, reverse=True):
        amount = care_amount(graph, level, month, county)
        if amount is None or abs(shares[month] - in_fen(amount)) <= (
                policy.payment_tolerance * in_fen(amount)):  # fmt: skip
            break
        if not _another_level(graph, shares[month], level, month, county):
            break
        owed[month] = OwnAmount(amount, f"care_{level}")
    return owed


def _another_level(graph: nx.MultiGraph, share: int, level: str, month: int,
                   county: str | None) -> bool:  # fmt: skip
    """Whether ``share`` (fen) is, to the fen, the amount in ``month`` of a care level other
    than ``level`` (``models.amounts.care_amount``): a member paid at another care level."""
    amounts = (care_amount(graph, other, month, county) for other in CARE_LEVELS if other != level)
    return any(abs(share - in_fen(amount)) <= 1 for amount in amounts if amount is not None)


def _from_fitting(shares: dict[int, int], fitting: list[int]) -> dict[int, int]:
    """Each month's share (``shares``, months in order) taken from the latest ``fitting``
    month up to it (fitting months are some of them, in order), else from the first."""
    judged, latest, fits = {}, fitting[0], set(fitting)
    for month in shares:
        latest = month if month in fits else latest
        judged[month] = shares[latest]
    return judged


def _repaid(differences: list, back: dict[int, int]) -> dict[int, int]:
    """The fen each refund month paid back of what was paid too much before it (a refund
    repays no more than is still owed back then; one before any month paid too much, none)."""
    over = {month: paid - owed for month, paid, owed, _, _ in differences if paid > owed}
    outstanding, repaid = 0, {}
    for month in sorted(over.keys() | back.keys()):
        outstanding += over.get(month, 0)  # a refund month is never paid too much
        taken = min(back.get(month, 0), outstanding)
        if taken:
            repaid[month] = taken
            outstanding -= taken
    return repaid


def _case(graph: nx.MultiGraph, case: Node, rows: dict[str, tuple], judged: _Judged,
          addon: int | None) -> Case | None:  # fmt: skip
    """The lead, or None for months paid only too much and all of it paid back since: the
    office has put it right, as a death whose money came back in full is no lead either."""
    differences, back = judged.differences, judged.back
    over = sum(max(paid - owed, 0) for _, paid, owed, _, _ in differences)
    short = sum(max(owed - paid, 0) for _, paid, owed, _, _ in differences)
    repaid = _repaid(differences, back)
    remaining = over - sum(repaid.values())
    if over and not short and remaining <= 0:
        return None
    named = {row["record_id"] for *_, members, _ in differences for row in members}
    chosen = [rows[record] for record in sorted(named or rows)]
    largest = sorted(differences, key=lambda item: -abs(item[1] - item[2]))[:SHOWN_MONTHS]
    first = graph.nodes[case]["payments"][month_text(differences[0][0])][0][0]
    sources = set().union(*(sources for *_, sources in differences))
    base_apart = graph.nodes[case]["base_apart"]
    paid_word = "实发保障金（不含分类施保金）" if base_apart else "实发"
    lowered = _lowered_over(judged.change, differences)
    # only months paid at the higher class before a switch down: the whole lead is uncertain
    only_lowered = lowered is not None and lowered[1]
    evidence = [
        *(_lowered_evidence(judged.change) if only_lowered else []),
        Evidence(f"案件 {case[1]} 有 {len(differences)} 个月的发放额与在保成员按类别应发的金额明显不符"
                 f"（{month_text(differences[0][0])} 至 {month_text(differences[-1][0])}）："
                 f"多发合计 {_yuan(over)} 元，少发合计 {_yuan(short)} 元", "payments", first),
        *(_lowered_part_evidence(judged.change, lowered[0])
          if lowered is not None and not only_lowered else []),
        *(Evidence(f"{month_text(month)} {paid_word} {_yuan(paid)} 元，应发 {_yuan(owed)} 元"
                   f"（{_owed_text(members)}）") for month, paid, owed, members, _ in largest),
        *([Evidence(f"另有 {len(differences) - len(largest)} 个月不符未逐月列出（见发放记录）")]
          if len(differences) > len(largest) else []),
        *([Evidence(sources_text(sources))] if sources else []),
        *([Evidence(CARE_NOTE)] if any(source.startswith("care_") for source in sources) else []),
        *_addon_evidence(judged, addon, over),
        *_change_evidence(judged.change),
        *_repaid_evidence(graph, case, repaid, remaining),
        *(enrolment_evidence(case, row) for _, row in chosen),
        Evidence("核实：是否有成员已退出、死亡仍按原人数发放，类别调整后金额未调整，"
                 "或按家庭收入补差发放（补差地区请按核定的补差金额核对）"),
        *([] if base_apart or not over else [Evidence(ADDON_NOTE)]),
    ]  # fmt: skip
    return Case(
        case_type="payment_mismatch",
        records=[("assistance", row["record_id"]) for _, row in chosen],
        person_ids=sorted({member[1] for member, _ in chosen}),
        amount_at_risk=remaining / 100 if over else None,
        evidence=evidence,
        features={
            "months": float(len(differences)),
            "over": float(over > 0),
            "difference_share": max(abs(paid - owed) / owed if owed else 1.0
                                    for _, paid, owed, _, _ in differences),
            **({CLASS_LOWERED: 1.0} if only_lowered else {}),
        },
    )  # fmt: skip


def _addon_evidence(judged: _Judged, addon: int | None, over: int) -> list[Evidence]:
    """What the evidence says of a case's covered disabled members: money paid up to the
    add-on is no excess (nor a month paid without it a shortfall), or, where the ledger shows none, that one may explain
    money paid too much."""
    if not judged.extras:
        return []
    most = max(count for count, _ in judged.extras)
    if addon:
        return [Evidence(f"残疾人加发不计为多发：在保残疾成员 {most} 人，每人每月至多 {_yuan(addon)} 元"
                         "（按发放记录推算：本县有残疾成员的案件多按此加发），超出部分才计为多发；"
                         "未加发的月份不计少发")]  # fmt: skip
    if not over:
        return []
    return [Evidence(f"案件有在保残疾成员 {most} 人（重度残疾证或花名册健康状况为残疾）：多发部分可能是"
                     "重残加发（对重度残疾人适当提高低保金标准），请核对本地加发标准")]  # fmt: skip


def _lowered_evidence(change: _Change | None) -> list[Evidence]:
    """What the evidence says first of a switch down to the current class: no excess if the
    class did change then; whether it changed late the data cannot tell."""
    if change is None or not change.lowered:
        return []
    since, earlier = month_text(change.since), CLASS_LABELS[change.key].removeprefix("低保")
    return [Evidence(f"台账自 {since} 起按现类别发放，此前按 {earlier} 发放：如类别确于 {since} "
                     "调整则无多发；调整是否迟延无法从数据判断，请核实类别调整时间")]  # fmt: skip


def _lowered_over(change: _Change | None, differences: list[tuple]) -> tuple[int, bool] | None:
    """For a switch down (``change.lowered``), the fen paid above the amounts owed in the
    months paid at the higher class, and whether those are all the months paid amiss; else
    None."""
    if change is None or not change.lowered:
        return None
    months = set(change.months)
    over = sum(max(paid - owed, 0) for month, paid, owed, *_ in differences if month in months)
    return over, all(month in months for month, *_ in differences)


def _lowered_part_evidence(change: _Change, over: int) -> list[Evidence]:
    """What the evidence says of a switch down in a lead with other months paid amiss: the
    part paid at the higher class, which is no excess if the class did change then."""
    since, earlier = month_text(change.since), CLASS_LABELS[change.key].removeprefix("低保")
    return [Evidence(f"其中 {_yuan(over)} 元为类别调整前按较高类别（{earlier}）发放"
                     f"（{month_text(change.months[0])} 至 {month_text(change.months[-1])}），"
                     f"如类别确于 {since} 调整则不属多发；调整是否迟延无法从数据判断，请核实类别调整时间")]  # fmt: skip


def _change_evidence(change: _Change | None) -> list[Evidence]:
    """What the evidence says of the months taken as paid at an earlier class (a switch up:
    not counted amiss)."""
    if change is None or change.lowered:
        return []
    return [Evidence(f"{month_text(change.months[0])} 至 {month_text(change.months[-1])} 的发放额恰为"
                     f"{CLASS_LABELS[change.key]}按当月人数的标准，{month_text(change.since)} 起按现类别"
                     "发放：视为类别调整，调整前按原类别发放，这些月份不计为不符"
                     "（花名册只记现类别，无类别变更记录，调整是否迟延无法从数据判断；"
                     "如该期间并未评定为该类别，则为多发或少发）")]  # fmt: skip


def _yuan(fen: int) -> str:
    """Fen as 元 written to the fen."""
    return f"{fen / 100:.2f}"


def _repaid_evidence(graph: nx.MultiGraph, case: Node, repaid: dict[int, int],
                     remaining: int) -> list[Evidence]:  # fmt: skip
    """What the evidence says of money paid back after months paid too much."""
    if not repaid:
        return []
    months = sorted(repaid)
    payments = graph.nodes[case]["payments"]
    unpaid = [month for month in months
              if sum(in_fen(amount) for _, amount in payments[month_text(month)]) <= 0]  # fmt: skip
    return [Evidence(
        f"其后案件退回（追回）多发的 {_yuan(sum(repaid.values()))} 元"
        f"（{'、'.join(month_text(month) for month in months)}），已从多发金额中扣除，"
        f"尚余 {_yuan(remaining)} 元"
        + (f"；{'、'.join(month_text(month) for month in unpaid)} 的发放记录（含退回）合计"
           "不大于零，不作为发放月份核对" if unpaid else ""),
        "payments", next(record for record, amount in payments[month_text(months[0])]
                         if amount < 0))]  # fmt: skip


def _owed_text(members: list[dict]) -> str:
    if not members:
        return "当月无在保成员"
    labels = [CLASS_LABELS.get(class_key(row["program"], row["dibao_class"]), "类别不明")
              for row in members]  # fmt: skip
    undated = sum(row["start"] is None for row in members)
    return "、".join(f"{label} {labels.count(label)} 人" for label in sorted(set(labels))) + (
        f"，其中 {undated} 人纳入日期未填写或无法识别，按当月可能在保计入" if undated else ""
    )
