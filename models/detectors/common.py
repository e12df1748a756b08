"""What several detectors read off the household graph."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

import networkx as nx

from models.amounts import class_key, in_fen, own_amount
from models.cases import Case, Evidence
from models.certificates import held_certificates
from models.graph import Node, families_of, neighbours, nodes_of
from models.periods import active_months, month_end, month_index, month_text
from models.policy import Policy
from resolver.idcard import birth_date_of, mask_id, mask_phone, mask_typed
from resolver.normalize import compared_name, written_month
from resolver.outputs import NOTICE_DATE_SLIP_DAYS
from resolver.registries import county_of_number

PROGRAM_LABELS = {"dibao": "低保", "tekun": "特困"}
NOT_ENROLLED = Evidence("未查到有效的低保或特困保障记录（已通过身份关联核对各名册）")
STATUS_LABELS = {"not_lifted": "未脱贫", "relapsed": "返贫", "lifted": "已脱贫",
                 "monitored": "脱贫监测户", "marginal": "边缘户"}  # fmt: skip


def one_death(dates: Sequence[date]) -> bool:
    """Whether a person's notices, dated ``dates``, report one death: all within
    ``resolver.outputs.NOTICE_DATE_SLIP_DAYS`` of each other (a cremation, a report or a
    hospital's certificate days after the death; a 公安 cancellation, due within a month),
    unless the earliest and the latest are one month apart on the same day (a month mistyped
    by one office, 04-17 for 05-17: which is true, nothing says), not two dates that disagree.

    Parameters
    ----------
    dates : Sequence[date]
        The dates of the person's notices, at least one.

    Returns
    -------
    bool
        True when the earliest and the latest are at most the slip apart, and not a month
        mistyped.

    Examples
    --------
    >>> one_death([date(2023, 5, 17), date(2023, 5, 20)]), one_death([date(2026, 1, 28), date(2026, 2, 20)])
    (True, True)
    >>> one_death([date(2023, 5, 17), date(2023, 9, 20)]), one_death([date(2026, 4, 17), date(2026, 5, 17)])
    (False, False)
    """
    first, last = min(dates), max(dates)
    mistyped = first.day == last.day and month_index(last) - month_index(first) == 1
    return (last - first).days <= NOTICE_DATE_SLIP_DAYS and not mistyped


# A notice whose birth date is this many years from the person's (by their ID) is another
# person's notice typed with their ID; a slip of a digit in the day or month is not.
OTHER_BIRTH_YEARS = 2
# A roster row begun within this many days of the end of the person's earlier row of the same
# case continues it (a change of class), and is no sign of life.
CONTINUED_DAYS = 31


def signs_of_life(lived: list[Evidence], notices: Sequence[tuple]) -> list[Evidence]:
    """The signs that the person lived on (``lived``, from ``lived_on``: what the registries
    say she did after the earliest reported death, a notice whose birth date is not hers)
    and a later notice of a date that disagrees (not ``one_death``): how ``deceased_paid``
    lowers a death lead. ``missed_disability`` judges each notice by its own (``later_signs``,
    ``another_birth``): for it two notices are more evidence of death, not less.

    Parameters
    ----------
    lived : list of Evidence
        ``lived_on`` of the person and ``notices``.
    notices : Sequence[tuple]
        The person's notices, (death date, death node, edge), earliest first.

    Returns
    -------
    list of Evidence
        One fact per sign (生存迹象：…), to be said first; empty when nothing contradicts
        the notices.
    """
    dates = sorted({day for day, _, _ in notices if day})
    if dates and not one_death(dates):
        return [*lived, Evidence(f"生存迹象：死亡记录的日期不一致（{'、'.join(map(str, dates))}），"
                                 f"按最晚日期计算金额，请先核实")]  # fmt: skip
    return lived


def lived_on(graph: nx.MultiGraph, node: Node, notices: Sequence[tuple]) -> list[Evidence]:
    """The signs of life that say the notices are wrong, not only that their dates disagree
    (``signs_of_life`` without that): what the registries say the person did after the
    earliest reported death (``later_signs``; undated notices, a registration restored), and
    a notice whose birth date is not the person's (``another_birth``). A death lead with any
    scores below the likely line (``models.cases.LIVED_ON_SCORE``).

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph.
    node : Node
        The person node.
    notices : Sequence[tuple]
        The person's notices, (death date, death node, edge), earliest first; undated
        (``undated_notices``, each date None): a registration restored at any time is a sign,
        as a restoration undoes a cancellation and the death's date to order it by is unknown.

    Returns
    -------
    list of Evidence
        One fact per sign (生存迹象：…); empty when there is none.
    """
    died = notices[0][0]
    signs = later_signs(graph, node, died) if died else _restored_signs(graph, node)
    return signs + [sign for _, death, row in notices
                    if (sign := another_birth(graph, node, death, row))]  # fmt: skip


def later_signs(graph: nx.MultiGraph, node: Node, died: date) -> list[Evidence]:
    """What the registries say the person did after ``died``: a certificate issued, a roster
    row begun, an income assessed, a registration restored (``_later_events``).

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph.
    node : Node
        The person node.
    died : date
        The date a notice reports the death on.

    Returns
    -------
    list of Evidence
        One fact per event after ``died`` (生存迹象：…), to be said first; empty when there is
        none.
    """
    return [
        Evidence(f"生存迹象：{died} 之后仍有{what}（{day}），死亡信息可能有误，请先核实是否在世",
                 registry, record_id)
        for what, day, registry, record_id in _later_events(graph, node)
        if day > died
    ]  # fmt: skip


def _restored_signs(graph: nx.MultiGraph, node: Node) -> list[Evidence]:
    """Each registration of the person restored (``_restorations``), said of a notice that
    gives no date to order it by: the police undid a cancellation, whatever its day."""
    return [Evidence(f"生存迹象：死亡日期不明，而仍有{what}（{day}），死亡信息可能有误，请先核实是否在世")
            for what, day, _, _ in _restorations(graph, node)]  # fmt: skip


def _restorations(graph: nx.MultiGraph, node: Node) -> list[tuple[str, date, None, None]]:
    """The person's registrations restored (公安恢复户口) as ``_later_events`` gives events:
    (what, day, None, None), the 户籍注销 row named in the text as no registry's table holds it."""
    return [(f"公安恢复户口（户籍注销表记录 {record_id}）" if record_id else "公安恢复户口", day,
             None, None) for day, record_id in graph.nodes[node].get("restored", ())]  # fmt: skip


def another_birth(graph: nx.MultiGraph, node: Node, death: Node, row: dict) -> Evidence | None:
    """Why the notice ``death`` (its edge ``row``) is someone else's death typed with the
    person's ID: its birth date is ``OTHER_BIRTH_YEARS`` or more from her ID's (a slip of a
    digit in the day or month is not).

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph.
    node : Node
        The person node.
    death : Node
        The death notice node.
    row : dict
        The edge linking the notice to the person (its ``record_id``).

    Returns
    -------
    Evidence or None
        The fact, to be said first; None when the notice is not another's by its birth date
        (or either birth date is unknown).
    """
    born, stated = _born(graph, node), graph.nodes[death].get("birth_date")
    if not (born and stated and abs(stated.year - born.year) >= OTHER_BIRTH_YEARS):
        return None
    return Evidence(f"死亡记录的出生日期（{stated}）与本人身份证号所示（{born}）相差"
                    f" {abs(stated.year - born.year)} 年：可能是他人的死亡记录误录了本人"
                    "身份证号，请先核实是否在世", "deaths", row["record_id"])  # fmt: skip


def birth_dates_said(graph: nx.MultiGraph, node: Node, death: Node) -> str:
    """The notice ``death``'s own birth date beside the person's ID's where the two differ,
    to be said of a notice linked to the person only possibly (a slip of a digit, or another
    person's death: the reviewer weighs it); empty when they agree or either is unknown.

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph.
    node : Node
        The person node.
    death : Node
        The death notice node.

    Returns
    -------
    str
        ``；死亡记录所填出生日期 … 与本人身份证号所示 … 不同``, or empty.
    """
    born, stated = _born(graph, node), graph.nodes[death].get("birth_date")
    if not (born and stated) or born == stated:
        return ""
    return f"；死亡记录所填出生日期 {stated} 与本人身份证号所示 {born} 不同"


def _born(graph, node) -> date | None:
    """The birth date of the person's trusted ID, or None."""
    id18 = graph.nodes[node].get("id18")
    return birth_date_of(id18) if id18 else None


def _later_events(graph, node) -> list[tuple[str, date, str, str]]:
    """(what, day, registry, record_id) of the person's dated acts in the registries: a
    certificate issued, a roster row begun (not one continuing his earlier row of the same
    case: ``_continues``), an income assessed with the person still covered, a registration
    restored (公安恢复户口: a notice found wrong; its row is named in the text, as no registry's
    table holds it: ``_restorations``)."""
    events = [("残疾证发证", graph.nodes[cert].get("issue_date"), "disability", row["record_id"])
              for cert, row in neighbours(graph, node, "certified")]  # fmt: skip
    events += _restorations(graph, node)
    enrolled = list(neighbours(graph, node, "enrolled_in"))
    for case, row in enrolled:
        if not _continues(row, [other for at, other in enrolled if at == case]):
            events.append(("纳入救助", row["start"], "assistance", row["record_id"]))
        if row["covered"]:
            events.append(("收入核定", row["income_since"], "assistance", row["record_id"]))
    return [event for event in events if event[1] is not None]


def _continues(row: dict, same_case: list[dict]) -> bool:
    """Whether a roster row continues an earlier row of the person in the same case, still
    open or ended within ``CONTINUED_DAYS`` before it began: a clerk's new row for a change
    of class (B to A) is no enrollment, and no sign that he lived to see it.

    >>> from datetime import date
    >>> old = {"start": date(2020, 1, 1), "end": date(2023, 12, 31)}
    >>> _continues({"start": date(2024, 1, 1), "end": None}, [old])
    True
    >>> _continues({"start": date(2024, 6, 1), "end": None}, [old])
    False
    """
    start = row["start"]
    return start is not None and any(
        other["start"] is not None and other["start"] < start
        and (other["end"] is None or (start - other["end"]).days <= CONTINUED_DAYS)
        for other in same_case
    )  # fmt: skip


def death_counted(dates: Sequence[date]) -> date:
    """The date a person's notices date her death by: the earliest when they report one death
    (``one_death``: no one is cremated or reported dead before dying), else the latest (dates
    that disagree: the money certainly paid after the death).

    Parameters
    ----------
    dates : Sequence[date]
        The dates of the person's notices, at least one.

    Returns
    -------
    date
        The date the death counts from.

    Examples
    --------
    >>> death_counted([date(2024, 3, 1), date(2024, 2, 28)])
    datetime.date(2024, 2, 28)
    >>> death_counted([date(2024, 2, 28), date(2024, 9, 1)])
    datetime.date(2024, 9, 1)
    """
    return min(dates) if one_death(dates) else max(dates)


def repeats_death(own: Sequence[date], day: date) -> bool:
    """Whether a notice linked to no one, dated ``day``, whose only candidate is a person
    with notices of her own dated ``own`` (``resolver.outputs.lone_death_candidates``: the
    same death reported by another office, a 公安 notice without an ID beside a 殡葬 one with
    it), reports her death: with her notices it reports one death (``one_death``). Then it
    is one of her notices, and her death counts from the earliest of them
    (``death_counted``).

    Parameters
    ----------
    own : Sequence[date]
        The dates of the person's own notices (none: she has none).
    day : date
        The date of the notice linked to no one.

    Returns
    -------
    bool
        True when she has notices and they and ``day`` report one death.

    Examples
    --------
    >>> repeats_death([date(2026, 5, 1)], date(2026, 4, 29))
    True
    >>> repeats_death([date(2026, 5, 17)], date(2026, 4, 17)), repeats_death([], date(2026, 4, 29))
    (False, False)
    """
    return bool(own) and one_death([*own, day])


def death_notices(graph: nx.MultiGraph, member: Node) -> list[tuple[date, Node, dict]]:
    """The dated notices of ``member``'s death, earliest first, as (date, death node, edge):
    her own (``reported_dead``; when none of them is dated, those whose unread date writes
    its month: ``month_written_end``), and each notice linked to no one that repeats them
    (``repeats_death``): of which she is the only candidate (``possibly_dead``, no namesake
    set aside: one it may be as well makes it no report of hers for certain).

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph.
    member : Node
        The person node.

    Returns
    -------
    list[tuple[date, Node, dict]]
        Her notices; empty when she has none of her own.
    """
    notices = neighbours(graph, member, "reported_dead")
    own = [(graph.nodes[death]["death_date"], death, row) for death, row in notices
           if graph.nodes[death]["death_date"] is not None] or sorted(
        (day, death, row) for death, row in notices
        if (day := month_written_end(graph.nodes[death])) is not None)  # fmt: skip
    days = [day for day, _, _ in own]
    repeats = [(graph.nodes[death]["death_date"], death, row)
               for death, row in neighbours(graph, member, "possibly_dead")
               if graph.nodes[death]["candidates"] == 1 and graph.nodes[death]["set_aside"] == 0
               and graph.nodes[death]["death_date"] is not None
               and repeats_death(days, graph.nodes[death]["death_date"])]  # fmt: skip
    return sorted(own + repeats)


def month_written_end(notice: dict) -> date | None:
    """The day a notice whose death date is unread counts from when the date writes its month
    (``resolver.normalize.written_month``: 2025-11-31 writes November): that month's last day,
    so that its month counts as any notice's does and only what follows the month is taken
    for a sign of life; None when the date is read, or writes no month.

    Parameters
    ----------
    notice : dict
        A death node's attributes: ``death_date``, ``death_written``.

    Returns
    -------
    date or None
        The day.

    Examples
    --------
    >>> month_written_end({"death_date": None, "death_written": "2025-11-31"})
    datetime.date(2025, 11, 30)
    >>> month_written_end({"death_date": None, "death_written": None})
    """
    month = written_month(notice["death_written"] or "")
    if notice["death_date"] is not None or month is None:
        return None
    return month_end(month)


def undated_notices(graph: nx.MultiGraph, member: Node) -> list[tuple[None, Node, dict]]:
    """``member``'s own notices (``reported_dead``) when none gives a day or a month to count
    her death from (``death_notices`` holds none of hers): their dates blank or unread; as
    ``death_notices`` gives notices, each date None.

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph.
    member : Node
        The person node.

    Returns
    -------
    list of (None, Node, dict)
        The notices and their edges, by record; empty when she has none, or one dated.
    """
    notices = sorted(neighbours(graph, member, "reported_dead"))
    if any(graph.nodes[death]["death_date"] or month_written_end(graph.nodes[death])
           for death, _ in notices):  # fmt: skip
        return []
    return [(None, death, row) for death, row in notices]


def paid_until(graph: nx.MultiGraph, policy: Policy, member: Node) -> int | None:
    """The last month a case may be paid for ``member``: the month of his death
    (``death_counted`` of his notices, ``death_notices``) plus the grace; None without a
    notice.

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph.
    policy : Policy
        The policy profile (``death_grace_months``).
    member : Node
        The person node.

    Returns
    -------
    int or None
        A month index, or None.
    """
    dates = [day for day, _, _ in death_notices(graph, member)]
    return month_index(death_counted(dates)) + policy.death_grace_months if dates else None


def counted_months(graph: nx.MultiGraph, policy: Policy, case: Node, member: Node, row: dict,
                   last: int | None) -> set[int]:  # fmt: skip
    """The months a covered roster row of ``case`` counts its ``member`` in: those it is
    active; for a member who died (``last``: the last month he may be paid for,
    ``paid_until``) whose row was ended at the death (in its month or later) and is the case's
    last covered row to end (ties by record id), also every month after it: a case paid on
    after the office closed its last member's row at his death (退出日期 the day of death)
    pays him still, as one whose row was left open does (``deceased_paid`` reports his amount,
    and no other lead counts it again). Where another member's row ran on, what the case paid
    then is judged by that row (``payment_mismatch``, or that member's own death lead): no
    month is the dead's twice.

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph, with ``as_of``.
    policy : Policy
        The policy profile (``death_grace_months``).
    case : Node
        The case node.
    member : Node
        The row's person.
    row : dict
        The roster row (``start``, ``end``).
    last : int or None
        The last month he may be paid for; None while alive.

    Returns
    -------
    set of int
        Month indexes.
    """
    until = payments_until(graph)
    months = set(active_months(row["start"], row["end"], until))
    if last is None or row["end"] is None or row["start"] is None:
        return months
    if month_index(row["end"]) < last - policy.death_grace_months:
        return months  # closed before the death: no row of his then
    if any(other["end"] is None or (other["end"], other["record_id"]) > (row["end"], row["record_id"])
           for person, other in neighbours(graph, case, "enrolled_in")
           if other["covered"] and person != member):  # fmt: skip
        return months  # another member's row ran on: what the case paid then is judged by it
    return months | set(range(month_index(row["end"]) + 1, month_index(until) + 1))


def payments_until(graph: nx.MultiGraph) -> date:
    """The last day the months a roster row counts in what its case was paid run to: the
    graph's ``paid_through`` (``models.graph.paid_through``: a line of several months paid
    ahead reaches past the as-of day), else its as-of day. Whether a row or a certificate
    holds is judged on the as-of day.

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph, with ``as_of``.

    Returns
    -------
    date
        The day.
    """
    return graph.graph.get("paid_through") or graph.graph["as_of"]


class Other(NamedTuple):
    """A covered row of a case's other member (``covered_others``)."""

    key: str | None  # the row's class key (``models.amounts.class_key``)
    span: set[int]  # the months it counts its member in (``counted_months``)
    last: int | None  # the last month it may be paid for (``paid_until``; None while alive)
    record_id: str  # the roster row


def covered_others(graph: nx.MultiGraph, policy: Policy, case: Node, excluded: set[Node]
                   ) -> list[Other]:  # fmt: skip
    """The case's covered rows of members other than ``excluded``: each row's class key, its
    active months, the last month it may be paid for (``paid_until``; None while alive) and
    its record id.

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph, with ``as_of``.
    policy : Policy
        The policy profile.
    case : Node
        The case node.
    excluded : set of Node
        The persons whose rows are left out.

    Returns
    -------
    list of Other
        (class key, active months, last month paid for or None, record id) per row.
    """
    return [Other(class_key(row["program"], row["dibao_class"]),
                  counted_months(graph, policy, case, member, row, last), last, row["record_id"])
            for member, row in neighbours(graph, case, "enrolled_in")
            if row["covered"] and member not in excluded
            for last in [paid_until(graph, policy, member)]]  # fmt: skip


def above_the_living(graph: nx.MultiGraph, policy: Policy, case: Node, month: int,
                     others: list[tuple]) -> float | None:  # fmt: skip
    """What ``case`` paid in ``month`` above the own amounts of the ``others``
    (``covered_others``) active and alive then; None when one of those amounts is unknown
    (the month cannot be judged).

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph.
    policy : Policy
        The policy profile.
    case : Node
        The case node.
    month : int
        A month index the case was paid in.
    others : list of tuple
        The case's other covered rows, as ``covered_others`` gives them.

    Returns
    -------
    float or None
        The payment less their amounts (below zero when it falls short of them), to the fen
        exactly (added in fen: 715.30 - 515.25 is 200.05, not 200.04999…), or None.
    """
    place = county_of_number(case[1]), graph.nodes[case]["area"]
    living = [own_amount(graph, policy, other.key, month, 0.0, *place) for other in others
              if month in other.span and (other.last is None or month <= other.last)]  # fmt: skip
    if any(item.source == "share" for item in living):
        return None
    paid = paid_fen(graph, case, month)
    return (paid - sum(in_fen(item.amount) for item in living)) / 100


def paid_fen(graph: nx.MultiGraph, case: Node, month: int) -> int:
    """What the lines of ``case`` in ``month`` add up to, in fen (refund lines subtract).

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph.
    case : Node
        The case node.
    month : int
        A month index.

    Returns
    -------
    int
        The month's net payment in fen; 0 without lines.
    """
    lines = graph.nodes[case]["payments"].get(month_text(month), ())
    return sum(in_fen(amount) for _, amount in lines)


def _covered_in_month(graph: nx.MultiGraph, case: Node, month: int) -> int:
    """How many covered members of ``case`` are active in ``month``."""
    until = payments_until(graph)
    return sum(
        1
        for _, row in neighbours(graph, case, "enrolled_in")
        if row["covered"] and month in active_months(row["start"], row["end"], until)
    )


def share_paid(graph: nx.MultiGraph, case: Node, month: int) -> float:
    """One covered member's share of what ``case`` was paid in ``month``.

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph.
    case : Node
        The case node.
    month : int
        A month index (``models.periods``: year * 12 + month - 1).

    Returns
    -------
    float
        The month's payments divided by the covered members active then (at least one), to
        the fen (halves up).
    """
    members = max(_covered_in_month(graph, case, month), 1)
    share = Decimal(paid_fen(graph, case, month)) / (100 * members)
    return float(share.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def paid_months(graph: nx.MultiGraph, case: Node) -> set[int]:
    """The months (``models.periods`` indexes) in which ``case`` was paid: whose payment lines
    add up to more than nothing (a month of only a refund, 退回 or 追回, paid nothing).

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph.
    case : Node
        The case node.

    Returns
    -------
    set of int
        The months the case was paid.
    """
    return {month_index(month) for month, net in _net_by_month(graph, case).items() if net > 0}


def refunds(graph: nx.MultiGraph, policy: Policy, case: Node, after: int,
            others: list[tuple] = ()) -> dict[int, float]:  # fmt: skip
    """The months after ``after`` in which ``case`` paid money back (退回, 追回: lines below
    zero), with the amount paid back: its refund lines, as far as the month's payment falls
    short of what the ``others`` (``covered_others``) alive and active then are owed (a line
    that only corrects another of the month takes nothing back). When one of their amounts
    is unknown, what the month's lines add up to below zero.

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph.
    policy : Policy
        The policy profile.
    case : Node
        The case node.
    after : int
        A month index; only later months count.
    others : list of tuple
        The case's covered rows still owed money, as ``covered_others`` gives them (none:
        every payment is money paid back to nothing owed).

    Returns
    -------
    dict of int to float
        Each such month and the amount paid back, to the fen.
    """
    found = {}
    for text, lines in graph.nodes[case]["payments"].items():
        month = month_index(text)
        back = -sum(in_fen(amount) for _, amount in lines if amount < 0)
        if month <= after or not back:
            continue
        above = above_the_living(graph, policy, case, month, list(others))
        short = -(paid_fen(graph, case, month) if above is None else in_fen(above))
        if short > 0:
            found[month] = min(back, short) / 100
    return found


def _net_by_month(graph: nx.MultiGraph, case: Node) -> dict[str, int]:
    """Each month's lines added up, in fen (a month of 620.50 and -620.50 is 0, not 1e-13)."""
    return {month: sum(in_fen(amount) for _, amount in lines)
            for month, lines in graph.nodes[case]["payments"].items()}  # fmt: skip


def enrolment_evidence(case: Node, row: dict, about: str = "") -> Evidence:
    """Evidence of one roster row: the program, the case, covered or not, and its dates;
    after ``about``, who the row is of and where (``row_place``).

    Parameters
    ----------
    case : Node
        The case node.
    row : dict
        The row's ``enrolled_in`` edge (``program``, ``covered``, ``start``, ``end``,
        ``record_id``).
    about : str, default ""
        What the text says first of the row's person (``王芳（石羊镇 小河村）``).

    Returns
    -------
    Evidence
        Chinese text resting on the row's assistance record.
    """
    program = PROGRAM_LABELS.get(row["program"], row["program"] or "救助")
    covered = "保障对象" if row["covered"] else "非保障对象"
    ended = f"退出日期 {row['end']}" if row["end"] else "无退出日期"
    started = f"纳入日期 {row['start']}" if row["start"] else "纳入日期未填写或无法识别"
    return Evidence(
        f"{about}{'：' if about else ''}{program}案件 {case[1]} 的{covered}，{started}，{ended}",
        "assistance",
        row["record_id"],
    )


def row_place(row: dict) -> str:
    """Where a roster row places its person: its 乡镇 and 村 as written, or what it leaves blank.

    Parameters
    ----------
    row : dict
        The row's ``enrolled_in`` edge (``township``, ``village``).

    Returns
    -------
    str
        ``石羊镇 小河村``; the 乡镇 alone where the row names no 村; ``乡镇未填`` first where it
        names no 乡镇.

    Examples
    --------
    >>> row_place({"township": "石羊镇", "village": "小河村"}), row_place({"township": "石羊镇"})
    ('石羊镇 小河村', '石羊镇')
    >>> row_place({"township": None, "village": "小河村"})
    '乡镇未填 小河村'
    """
    parts = [row.get("township") or "乡镇未填", row.get("village")]
    return " ".join(part for part in parts if part)


def identity_evidence(row: dict, label: str) -> Evidence:
    """Evidence of how firmly a record is attached to the person: its identity link's probability
    and, when known, the link's basis.

    Parameters
    ----------
    row : dict
        The record's edge (``probability``, ``registry``, ``record_id``, optional ``basis``).
    label : str
        The record's name in the text, e.g. ``死亡记录``.

    Returns
    -------
    Evidence
        Chinese text resting on the record.
    """
    probability = row["probability"]
    basis = f"；主要依据：{row['basis']}" if row.get("basis") else ""
    return Evidence(
        f"{label}与本人的身份关联概率 {probability:.3f}{basis}", row["registry"], row["record_id"]
    )


# What the data found where a 单人户 condition a profile sets (``Policy.single_person_conditions``)
# fails, in words; an application (经个人申请) the data cannot show never fails.
UNMET_CONDITIONS = {
    "not_lifted": "本人不是未脱贫（含返贫）建档立卡户成员",
    "poverty_registry": "本人不是建档立卡贫困户成员",
    "not_whole_household": "家庭已整户纳入保障（户籍上其他在世的家庭成员均有有效的低保或特困记录）",
}


def single_person_conditions(graph: nx.MultiGraph, policy: Policy, member: Node
                             ) -> dict[str, bool | None]:  # fmt: skip
    """Each of the profile's 单人户 conditions (``policy.single_person_conditions``) for the
    member: True or False as the data shows it, None where the data cannot show it (a
    personal application, 经个人申请, which an approved case went through). His family is
    the living kin of his 户号 (``kin_of``): a member with a death notice or a lodger (非亲属)
    left off the rosters does not make a family covered but for them not covered whole.

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph, with ``as_of``.
    policy : Policy
        The policy profile.
    member : Node
        The member's person node.

    Returns
    -------
    dict of str to bool or None
        Condition code -> met, not met, or not shown by the data.
    """
    statuses = {row["status"] for _, row in neighbours(graph, member, "in_poverty_household")}
    family = {other for hukou in families_of(graph, member) for other in kin_of(graph, hukou)
              if other != member and not neighbours(graph, other, "reported_dead")}  # fmt: skip
    checks = {
        "not_lifted": bool(statuses & {"not_lifted", "relapsed"}),
        "poverty_registry": bool(statuses),
        "not_whole_household": not family or not all(enrolled_now(graph, p) for p in family),
        "application": None,
    }
    return {condition: checks[condition] for condition in policy.single_person_conditions}


def kin_of(graph: nx.MultiGraph, family: Node) -> set[Node]:
    """The members of a hukou family who are its head's kin: not those written as no relative
    (非亲属), nor, in a 户 that lists such, those written only as 其他 (no kin word: a
    nephew or a cousin is ``relative``).

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph.
    family : Node
        The ``hukou_family`` node.

    Returns
    -------
    set of Node
        The person nodes.
    """
    relations = neighbours(graph, family, "member_of")
    strangers = {"not_kin", "other"} if any(
        edge["relation"] == "not_kin" for _, edge in relations) else {"not_kin"}  # fmt: skip
    return {person for person, edge in relations if edge["relation"] not in strangers}


def may_be_enrolled_alone(graph: nx.MultiGraph, policy: Policy, member: Node, row: dict) -> bool:
    """Whether the member is someone the policy lets be enrolled as a single-person case
    (单人户): severely disabled, or gravely ill (``policy.single_person_groups``), and
    failing none of the profile's conditions the data shows
    (``policy.single_person_conditions``). A condition the data cannot show (大姚's
    经个人申请) bars nothing: a 单人户 case on the roster was applied for and approved, and
    whether the application was made alone is a check of the file, not a split.

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph.
    policy : Policy
        The policy profile.
    member : Node
        The member's person node.
    row : dict
        The member's ``enrolled_in`` edge (its ``health``).

    Returns
    -------
    bool
        True when the policy allows a 单人户 case for the member.
    """
    if not _in_single_person_group(graph, policy, member, row):
        return False
    return False not in single_person_conditions(graph, policy, member).values()


def _in_single_person_group(graph: nx.MultiGraph, policy: Policy, member: Node, row: dict
                            ) -> bool:  # fmt: skip
    severe = "severely_disabled" in policy.single_person_groups and severely_disabled(
        graph, policy, member, _last_day(graph, row)
    )
    ill = "gravely_ill" in policy.single_person_groups
    return severe or (ill and _gravely_ill(graph, policy, member, row))


def _gravely_ill(graph: nx.MultiGraph, policy: Policy, member: Node, row: dict) -> bool:
    """The member's roster row, or one of their 建档立卡 rows (which record each member's
    健康状况 too), says a grave illness."""
    healths = {row["health"]} | {
        poverty["health"] for _, poverty in neighbours(graph, member, "in_poverty_household")
    }
    return not healths.isdisjoint(policy.grave_illness_health)


def single_person_evidence(graph: nx.MultiGraph, policy: Policy, cases: set[Node]
                           ) -> list[Evidence]:  # fmt: skip
    """For each single-person case among ``cases`` whose member is of a group the profile
    lets be enrolled alone but who is not exempt under its conditions: what the data found
    that fails them, with the profile's sentence.

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph.
    policy : Policy
        The policy profile (``single_person_conditions``, ``sources``).
    cases : set of Node
        The case nodes of a lead.

    Returns
    -------
    list of Evidence
        Chinese text, one per such case, resting on the member's roster row.
    """
    evidence = []
    for case in sorted(cases):
        rows = rows_at_end(graph, case)
        if len(rows) != 1:
            continue
        if not _in_single_person_group(graph, policy, *rows[0]):
            evidence += _lapsed_severe_evidence(graph, policy, case, *rows[0]) or (
                _uncertified_disabled_evidence(graph, policy, case, *rows[0])
            )
            continue
        member, row = rows[0]
        checks = single_person_conditions(graph, policy, member)
        unmet = [UNMET_CONDITIONS[c] for c, met in checks.items() if met is False]
        if not unmet:
            continue
        quoted = "；".join(policy.sources.get("single_person_conditions", ()))
        text = f"案件 {case[1]} 为单人户，本人属于可单人户保障的人员，但{policy.name}规定"
        text += f"（“{quoted}”）" if quoted else ""
        text += f"，数据显示{'；'.join(unmet)}，不能按单人户认定"
        evidence.append(Evidence(text, "assistance", row["record_id"]))
    return evidence


def _lapsed_severe_evidence(graph: nx.MultiGraph, policy: Policy, case: Node, member: Node,
                            row: dict) -> list[Evidence]:  # fmt: skip
    """A single-person case whose member's severe disability certificate is not in force
    (cancelled, expired, re-assessed): it no longer exempts the case, and the evidence says
    so, the certificate named."""
    if "severely_disabled" not in policy.single_person_groups:
        return []
    _, set_aside = held_certificates(graph, member, _last_day(graph, row))
    return [Evidence(f"案件 {case[1]} 为单人户，本人的重度残疾证（残疾人记录 {cert_row['record_id']}），"
                     f"{reason}，不再作为单人户保障的依据；如已重新办证或评定，请补充核实",
                     "assistance", row["record_id"])
            for cert, cert_row, reason in set_aside
            if _severe(graph, policy, cert)]  # fmt: skip


def _uncertified_disabled_evidence(graph: nx.MultiGraph, policy: Policy, case: Node,
                                   member: Node, row: dict) -> list[Evidence]:  # fmt: skip
    """A single-person case whose member the roster writes 残疾 but of whom the 残联 data
    hold no certificate (the file absent from the drop, or last year's): the exemption needs
    a severe one, so the lead stands, and the evidence says what would clear it."""
    if "severely_disabled" not in policy.single_person_groups or row["health"] != "disabled":
        return []
    if neighbours(graph, member, "certified"):
        return []  # certificates the data hold say what he has
    missing = ("本次数据未包含残疾人名册" if "disability" not in graph.graph["registries"]
               else "残联数据中未查到本人")  # fmt: skip
    return [Evidence(f"案件 {case[1]} 为单人户，花名册记本人健康状况为残疾，但残联数据中未查到其重度残疾证"
                     f"（{missing}）：如持有重度残疾证，属单人户保障，不属违规；请核实",
                     "assistance", row["record_id"])]  # fmt: skip


def enrolled_now(graph: nx.MultiGraph, node: Node) -> bool:
    """Whether the person has an active, covered 低保 or 特困 row (through identity links;
    a row without its 救助证号 counts, though it joins no case).

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph.
    node : Node
        The person node.

    Returns
    -------
    bool
        True when a covered row has no end or ends on or after the as-of day.
    """
    as_of = graph.graph["as_of"]
    rows = [row for _, row in neighbours(graph, node, "enrolled_in")]
    return any(
        row["covered"] and (row["end"] is None or row["end"] >= as_of)
        for row in rows + graph.nodes[node].get("uncased", [])
    )


def severely_disabled(graph: nx.MultiGraph, policy: Policy, person: Node,
                      on: date | None = None) -> bool:  # fmt: skip
    """Whether one of the person's certificates in force on a day is of a severe disability
    (policy): a cancelled, expired or re-assessed certificate (``models.certificates``) makes
    no one severely disabled.

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph.
    policy : Policy
        The policy profile that says which disabilities are severe.
    person : Node
        The person node.
    on : date, optional
        The day; the as-of day by default.

    Returns
    -------
    bool
        True when a certificate in force is severe.
    """
    held, _ = held_certificates(graph, person, on)
    return any(_severe(graph, policy, cert) for cert, _ in held)


def _last_day(graph: nx.MultiGraph, row: dict) -> date:
    """The last day a roster row is active: its end, else the as-of day."""
    return min(row["end"] or graph.graph["as_of"], graph.graph["as_of"])


def _severe(graph: nx.MultiGraph, policy: Policy, cert: Node) -> bool:
    """Whether the certificate node is of a severe disability (policy), in force or not."""
    return policy.is_severely_disabled(graph.nodes[cert]["disability_type"],
                                       graph.nodes[cert]["level"])  # fmt: skip


def rows_at_end(graph: nx.MultiGraph, case: Node, *, covered: bool = False
                ) -> list[tuple[Node, dict]]:  # fmt: skip
    """The (member, row) pairs a case holds at its end (the as-of day for a case still
    active): a member who left while it went on (his row ended earlier) is its history. A
    member listed but not covered (是否保障对象 否) is one of those it holds (a 单人户 lists
    one member), unless ``covered``: then the case ends when its last covered row does.

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph, with ``as_of``.
    case : Node
        The case node.
    covered : bool
        Only the covered members' rows.

    Returns
    -------
    list of tuple of (Node, dict)
        The member and his ``enrolled_in`` row.

    Examples
    --------
    >>> from datetime import date
    >>> from models.sketch import HouseholdSketch
    >>> sketch = HouseholdSketch()
    >>> sketch.enrol("son", "DB1", "A1")
    >>> sketch.enrol("mother", "DB1", "A2", end=date(2023, 6, 30))
    >>> [row["record_id"] for _, row in rows_at_end(sketch.graph, ("case", "DB1"))]
    ['A1']
    >>> sketch.enrol("father", "DB2", "A4", end=date(2024, 1, 31))
    >>> sketch.enrol("wife", "DB2", "A5", covered=False)
    >>> [[row["record_id"] for _, row in rows_at_end(sketch.graph, ("case", "DB2"), covered=c)]
    ...  for c in (False, True)]
    [['A5'], ['A4']]
    """
    as_of = graph.graph["as_of"]
    rows = [(member, row) for member, row in neighbours(graph, case, "enrolled_in")
            if row["covered"] or not covered]  # fmt: skip
    if not rows:
        return []
    ends = [min(row["end"] or as_of, as_of) for _, row in rows]
    last = max(ends)
    return [pair for pair, end in zip(rows, ends, strict=True) if end == last]


def legitimate_single_cases(graph: nx.MultiGraph, policy: Policy) -> set[Node]:
    """Single-person cases of a member the policy lets be enrolled alone (单人户保障): one
    member listed at the case's end (``rows_at_end``; others' ended rows are its history; a
    case that also lists his wife, not covered, is a family's case covering one of them).

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph.
    policy : Policy
        The policy profile.

    Returns
    -------
    set of Node
        The case nodes.
    """
    legitimate = set()
    for case in nodes_of(graph, "case"):
        rows = rows_at_end(graph, case)
        if len(rows) == 1 and may_be_enrolled_alone(graph, policy, *rows[0]):
            legitimate.add(case)
    return legitimate


def split_cases(rows: list[tuple[Node, Node, dict]], as_of) -> tuple[set[Node], set[str]]:
    """Of (case, member, row) triples: the cases that at some moment each cover members
    another of the cases lacks (one person in two cases is a duplicate, not a split; a
    member listed but not covered, 是否保障对象 否, is enrolled in no case), and the record
    ids of the rows active at such a moment, listed members' too (a row that ended before
    the split, such as a member's earlier row in the case he left, is not part of it).
    A case all of whose covered members another of the cases covers too at that moment
    splits no one off: its members are enrolled twice (two members of a family's case each
    enrolled again alone are two duplicates, not a split between their own cases).

    Parameters
    ----------
    rows : list of tuple of (Node, Node, dict)
        (case, member, row) triples of the cases of one family.
    as_of : date
        The as-of day; an end on or after it is no moment of change.

    Returns
    -------
    tuple of (set of Node, set of str)
        The split cases and the record ids of their rows at the moments of the split.
    """
    if len({case for case, _, _ in rows}) < 2:
        return set(), set()
    moments = {row["start"] for _, _, row in rows if row["start"]}
    moments |= {row["end"] for _, _, row in rows if row["end"] and row["end"] < as_of}
    involved, records = set(), set()
    for moment in sorted(moments):
        active = [(case, member, row) for case, member, row in rows if row["start"]
                  and row["start"] <= moment and (row["end"] is None or moment <= row["end"])]  # fmt: skip
        members = defaultdict(set)
        for case, member, row in active:
            if row["covered"]:
                members[case].add(member)
        holding = set()
        keys = sorted(case for case in members
                      if not any(members[case] < members[other] for other in members))  # fmt: skip
        for index, one in enumerate(keys):
            for two in keys[index + 1 :]:
                if members[one] - members[two] and members[two] - members[one]:
                    holding.update((one, two))
        involved |= holding
        records |= {row["record_id"] for case, _, row in active if case in holding}
    return involved, records


def rows_in(rows: list[tuple[Node, Node, dict]], records: set[str]) -> list:
    """The (case, member, row) triples whose row is among ``records``, in record order.

    Parameters
    ----------
    rows : list of tuple of (Node, Node, dict)
        (case, member, row) triples.
    records : set of str
        The record ids to keep.

    Returns
    -------
    list
        The triples kept, sorted by record id.
    """
    return sorted((item for item in rows if item[2]["record_id"] in records),
                  key=lambda item: item[2]["record_id"])  # fmt: skip


def rows_outside(rows: list[tuple[Node, Node, dict]], records: set[str]) -> list:
    """The (case, member, row) triples whose row is not among ``records`` (the rows of a
    split: those outside are the members' rows before it), in record order.

    Parameters
    ----------
    rows : list of tuple of (Node, Node, dict)
        (case, member, row) triples.
    records : set of str
        The record ids to leave out.

    Returns
    -------
    list
        The triples left, sorted by record id.
    """
    return rows_in(rows, {row["record_id"] for _, _, row in rows} - records)


def split_period(chosen: list, as_of) -> str:
    """When the cases of ``chosen`` ((case, member, row) triples) were active at once, as a
    reviewer reads it: the first and last such month, and whether that still holds (a split
    that ended is history: what it paid is what to check).

    Complexity: O(R·M) for R rows of M active months each.

    Parameters
    ----------
    chosen : list
        The (case, member, row) triples of a split.
    as_of : date
        The as-of day.

    Returns
    -------
    str
        Chinese text.

    Examples
    --------
    >>> from datetime import date
    >>> rows = [("DB1", "father", {"start": date(2015, 1, 1), "end": date(2019, 12, 31)}),
    ...         ("DB2", "son", {"start": date(2019, 6, 1), "end": None})]
    >>> split_period(rows, date(2026, 10, 31))
    '2019-06 至 2019-12，此后已不再同时有效（历史疑点：核查该期间的发放）'
    >>> split_period(rows[1:] + [("DB3", "mother", rows[1][2])], date(2026, 10, 31))
    '2019-06 起，至今仍同时有效'
    """
    by_case: dict = defaultdict(set)
    for case, _, row in chosen:
        by_case[case] |= set(active_months(row["start"], row["end"], as_of))
    counted = Counter(month for months in by_case.values() for month in months)
    together = sorted(month for month, cases in counted.items() if cases >= 2)
    if not together:
        return "未能确定同时有效的月份"
    current = {case for case, _, row in chosen if row["end"] is None or row["end"] >= as_of}
    if len(current) >= 2:
        return f"{month_text(together[0])} 起，至今仍同时有效"
    return (f"{month_text(together[0])} 至 {month_text(together[-1])}，此后已不再同时有效"
            "（历史疑点：核查该期间的发放）")  # fmt: skip


def family_case(graph: nx.MultiGraph, case_type: str, chosen: list, evidence: list[Evidence],
                **features: float) -> Case:  # fmt: skip
    """A case resting on the roster rows ``chosen`` ((case, member, row), in record order) of
    one family's cases: its persons, the weakest identity link and the months any row was
    active, beside the type's own ``features``.

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph.
    case_type : str
        The case's type.
    chosen : list
        The (case, member, row) triples, in record order.
    evidence : list of Evidence
        The case's evidence.
    **features : float
        The type's own features.

    Returns
    -------
    Case
        The case, without an amount at risk.
    """
    as_of = graph.graph["as_of"]
    months = set()
    for _, _, row in chosen:
        months |= set(active_months(row["start"], row["end"], as_of))
    return Case(
        case_type=case_type,
        records=[("assistance", row["record_id"]) for _, _, row in chosen],
        person_ids=sorted({member[1] for _, member, _ in chosen}),
        amount_at_risk=None,
        evidence=evidence,
        features={**features, "identity": min(row["probability"] for _, _, row in chosen),
                  "months": float(len(months))},
    )  # fmt: skip


def shared_by(graph: nx.MultiGraph, policy: Policy, cases: set[Node]) -> dict[Node, set[Node]]:
    """The accounts, phones and addresses that tie the cases now (``ties_now``), used by two
    or more of the cases: identifier -> the cases using it. One
    used by more than ``policy.shared_identifier_limit`` persons or cases (a village office
    phone, an agent's account), or an account the ledger says an outsider draws from
    (``agents_account``), ties no one and is left out.

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph.
    policy : Policy
        The policy profile (``shared_identifier_limit``).
    cases : set of Node
        The case nodes.

    Returns
    -------
    dict of Node to set of Node
        Each shared account, phone or address node: the cases using it.
    """
    users: dict[Node, set[Node]] = defaultdict(set)
    for case in cases:
        for identifier in ties_now(graph, case):
            if identifier[0] != "account" or not agents_account(graph, identifier):
                users[identifier].add(case)
    return {identifier: users for identifier, users in users.items()
            if len(users) > 1 and len(graph._adj[identifier]) <= policy.shared_identifier_limit}  # fmt: skip


def ties_now(graph: nx.MultiGraph, case: Node) -> set[Node]:
    """The accounts, phones and addresses that tie a case now: the accounts the payment
    ledger pays it to, and the accounts, phones and addresses on the covered rows it holds at
    its end (``rows_at_end``). A member's row that ended while the case went on (a duplicate
    enrolment removed), or a member listed but not covered, is its history and ties nothing.

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph, with ``as_of``.
    case : Node
        The case node.

    Returns
    -------
    set of Node
        The ``account``, ``phone`` and ``address`` nodes.

    Examples
    --------
    >>> from datetime import date
    >>> from models.sketch import HouseholdSketch
    >>> sketch = HouseholdSketch()
    >>> sketch.enrol("wang", "DB2", "A3")
    >>> sketch.enrol("zhao", "DB2", "A5", end=date(2024, 8, 31))
    >>> sketch.paid_to("DB2", "6217000011112222", named_on="A5")
    >>> sketch.uses("zhao", "address", "甲村1号", "A5")
    >>> ties_now(sketch.graph, ("case", "DB2"))
    set()
    """
    held = {row["record_id"]: member for member, row in rows_at_end(graph, case, covered=True)}
    accounts = {account for account, edge in neighbours(graph, case, "paid_to")
                if edge["paid"] or held.keys() & set(edge["named_on"])}  # fmt: skip
    return accounts | {identifier for member in set(held.values())
                       for identifier, edge in neighbours(graph, member, "uses")
                       if edge["record_id"] in held}  # fmt: skip


def agents_account(graph: nx.MultiGraph, account: Node) -> bool:
    """Whether an account is an agent's (代领: a 村文书 drawing for the old he serves): the
    payment ledger names its payees (领款人), and none of them is of the families it pays —
    a person on one of its cases (covered or not) or in a member's hukou family, known by
    ID number or by name (with or without the dot before a father's name: 吐尔洪·买买提 on
    the roster is 吐尔洪买买提 on the ledger). It ties none of those families: a shared
    account is strong evidence only as a family's own. An account whose payee the ledger
    does not name may be anyone's, and still ties.

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph.
    account : Node
        An ``account`` node.

    Returns
    -------
    bool
        True when every payee named on the account is a stranger to its cases.

    Examples
    --------
    >>> from models.sketch import HouseholdSketch
    >>> sketch = HouseholdSketch()
    >>> sketch.enrol("old", "DB1", "A1")
    >>> sketch.paid_to("DB1", "6228000011112222", payee=("王文书", None))
    >>> agents_account(sketch.graph, ("account", "6228000011112222"))
    True
    """
    payees = graph.nodes[account].get("payees")
    if not payees:
        return False
    persons = {member for case, _ in neighbours(graph, account, "paid_to")
               for member, _ in neighbours(graph, case, "enrolled_in")}  # fmt: skip
    persons |= {relative for member in list(persons) for family in families_of(graph, member)
                for relative, _ in neighbours(graph, family, "member_of")}  # fmt: skip
    known = {value for person in persons
             for value in (compared_name(graph.nodes[person].get("name")),
                           graph.nodes[person].get("id18"))} - {None}  # fmt: skip
    return not any({compared_name(name), id_number} & known for name, id_number in payees)


# What a shared identifier says about two households (contract §2: separately registered
# households that share an address or a phone are not one family).
TIE_LABELS = {
    "account": "使用同一领款银行账号（强关联）",
    "phone": "的成员使用同一联系电话（弱关联，亲属代留电话很常见）",
    "address": "的成员登记同一住址（不作为依据：同院、相邻或地址粗略的住户很常见）",
}


def tie_evidence(identifier: Node, cases: set[Node]) -> Evidence:
    """Evidence that some cases share an identifier, its weight said in words, the number masked.

    Parameters
    ----------
    identifier : Node
        The shared ``account``, ``phone`` or ``address`` node.
    cases : set of Node
        The cases using it.

    Returns
    -------
    Evidence
        Chinese text (no record of its own).
    """
    return Evidence(f"{len(cases)} 个案件{TIE_LABELS[identifier[0]]} {shown(identifier)}")


def shown(identifier: Node) -> str:
    """Account and phone numbers masked as the review API masks them below auditor (an
    account as ``mask_id``, a phone as ``mask_phone``: its first three and last four); an
    address as written but for a mobile number or an ID in it (``mask_typed``). Evidence shows no digit the mask hides, so that no view beside
    another gives more of a number than one mask does (until 2026-12-05 an account's
    evidence showed its first and last four digits beside a mask showing its first six and
    the last).

    Parameters
    ----------
    identifier : Node
        An ``account``, ``phone`` or ``address`` node.

    Returns
    -------
    str
        The value as shown to a reviewer.

    Examples
    --------
    >>> shown(("account", "6217003760012344101"))
    '621700************1'
    >>> shown(("phone", "13812345678")), shown(("phone", "8123456"))
    ('138****5678', '*******')
    >>> shown(("address", "金碧镇一村1号 电话13912345678"))
    '金碧镇一村1号 电话139****5678'
    """
    kind, value = identifier
    if kind == "address":  # offices write the contact's mobile into it
        return mask_typed(value)
    if kind == "account":
        return mask_id(value)
    return mask_phone(value)


AREA_LABELS = {"rural": "农村", "urban": "城市"}


def area_evidence(area: str | None, areas: tuple[str, ...]) -> list[Evidence]:
    """What a check knows of a case's 城乡属性, where the policy checks only some areas.

    Parameters
    ----------
    area : str or None
        The case's area (``rural``, ``urban``), None when the data does not give it.
    areas : tuple of str
        The areas the policy checks; none: every case (nothing to say).

    Returns
    -------
    list of Evidence
        Nothing, or one line naming the area, or saying it is unknown and how it was read.
    """
    if not areas:
        return []
    if area is None:
        compared = "、".join(AREA_LABELS[a] for a in areas)
        return [Evidence(f"城乡属性未知（未提供城乡属性列，救助类型也未写明城市或农村）："
                         f"按{compared}对象比对，请核实")]  # fmt: skip
    return [Evidence(f"城乡属性：{AREA_LABELS[area]}")]
