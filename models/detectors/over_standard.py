"""Over the standard: a 低保 case still paid after its income rose above the local standard
and the 渐退 period the locality allows has passed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import networkx as nx

from models.amounts import fen, yuan_text
from models.cases import Case, Evidence
from models.detectors.common import enrolment_evidence, paid_months, refunds
from models.graph import neighbours, nodes_of
from models.periods import month_index, month_text, noted_gradual_start
from models.policy import Policy
from resolver.registries import INCOME_DATE_HEADERS, county_of_number

# 边缘户: in the 建档立卡 registry, never a 建档立卡贫困户 (``models.coverage_forms``).
MARGINAL = "marginal"
# What a lead's payments were paid after, in its evidence: its 渐退, or (a case the policy
# gives none) the month its income went above the standard (``models.screening`` reads it)
AFTER_GRADUAL, AFTER_ABOVE = "渐退期满后", "收入超标后"


def detect_over_standard(graph: nx.MultiGraph, policy: Policy) -> list[Case]:
    """A 低保 case with active covered members whose income per person (the roster's monthly
    ``income_per_capita``, times 12; the latest assessment's when rows carry several) is
    above the standard in force in a month in the case's area (``policy.standard``: a
    policy may set 城市 and 农村 standards apart; a case of unknown area is judged by the
    农村 one, and its evidence says so), paid in that month after its 渐退 period
    (``policy.gradual_exit_months``) ended. Within the period it is no case.
    Each month is judged by its own standard: a case whose income is under the standard
    raised from July is paid rightly from July, and still a case for the months before. The
    period runs from the day the income was assessed (an optional roster column,
    ``INCOME_DATE_HEADERS``); without it, from the case's latest enrollment date — the
    earliest the income can have risen, which the evidence says — unless the office has
    entered a planned 退出日期 after the as-of day on every active covered row, no further off
    than the 渐退 months: the 渐退 runs until then. A 渐退 the office dated on a row of the
    case, in its note or a column of its own (备注 渐退期（2025年10月至2026年9月）, 渐退截止
    2026-09-30: ``models.periods.noted_gradual_exit``), runs until its last month whether the
    income is dated or not: one ending after the as-of day is under way (no case), one ended
    is over, and the evidence names it and the row and column it was read from; it counts
    at most ``policy.gradual_exit_max_months`` from its start (the income's assessment, else
    the first month it writes), and where its start is unknown an end further off than that
    from the as-of day is a typo, not taken (the evidence says so). A note whose
    渐退 ended before the income went above the standard dates an earlier one and is not
    read. Where the income, under the
    standard when assessed, is above it only from a month a new standard took effect (a
    standard lowered, or dated steps beginning later), the household's income "exceeds the
    standard" (超过当地低保标准后给予渐退期: 兴安盟, 大姚) from that month, and its 渐退
    runs from it; so again each time the income goes above the standard after months under
    it.

    A case that has since closed (no covered row active) is judged on the covered rows that
    ended last, when their income is dated: the months it was paid past the period before it
    closed are still money to recover. An undated income of a closed case may be the
    assessment that closed it (an orderly exit) and is no case.

    Where the period is for 建档立卡 households only (``policy.gradual_exit_scope`` is
    ``poverty_households``: the documents' 建档立卡贫困户), a case none of whose covered members
    is in a 建档立卡贫困户 has no period: it is a case for every payment after the month of the
    assessment. A 边缘户 (``marginal``) is in the registry but never was a 贫困户
    (``models.coverage_forms.POOR_HOUSEHOLD_STATUSES``): its case has no period either; a
    registry row whose status is not given is taken as a 贫困户's (the longer reading). A case
    with a covered member of a household whose status is one of
    ``policy.covered_after_exit`` (兴安盟: not yet stably out of poverty) stays covered after
    the period and is no case. The evidence says which reading applied.

    Example (梁平, 6 months for 建档立卡 households): case DB7 of a 建档立卡 household, income
    500 元 a month (6,000 a year against a standard of 4,500), assessed 2025-09-10, paid
    through 2026-10: a case for the payments of 2026-04 to 2026-10. Under 兴安盟 (24 months)
    it is no case. Outside the registry, under 梁平 it is a case from 2025-10.

    Complexity: O(N + R + P) for N graph nodes, R roster rows and P payment months.

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph (``models.graph``), with ``as_of``.
    policy : Policy
        The policy profile: ``dibao_standard_year``, ``gradual_exit_months``,
        ``gradual_exit_scope`` and ``covered_after_exit``.

    Returns
    -------
    list of Case
        One case per 低保 case paid after its 渐退 period, resting on its active covered
        rows, with the payments after it, less what it paid back after it (refunds, 退回
        or 追回), as ``amount_at_risk``; unscored.

    Examples
    --------
    >>> from datetime import date
    >>> from models.policy import load_policy
    >>> from models.sketch import HouseholdSketch
    >>> sketch = HouseholdSketch()
    >>> sketch.enrol("li", "DB7", "A1", start=date(2019, 3, 1), income=900.0,
    ...              income_since=date(2025, 9, 10))
    >>> sketch.poor("li", "P1", status="lifted")
    >>> sketch.pay("DB7", [f"{y}-{m:02d}" for y in (2025, 2026) for m in range(1, 13)
    ...                    if (y, m) <= (2026, 10)], 350.0)
    >>> [(case.records, case.amount_at_risk)
    ...  for case in detect_over_standard(sketch.graph, load_policy("梁平区回龙镇"))]
    [([('assistance', 'A1')], 2450.0)]
    """
    cases = []
    for case, paid, period in _periods(graph, policy):
        months = period.past(paid) if period is not None else []
        if months:
            cases.append(_case(graph, policy, case, period, months))
    return cases


@dataclass(frozen=True)
class GradualExit:
    """A 低保 case's income above the standard and the 渐退 it is allowed
    (``gradual_exit``): what ``detect_over_standard`` judges its payments by and its evidence
    says."""

    rows: list
    """The covered rows judged (``_judged_rows``)."""
    ended: date | None
    """The day a closed case's rows ended; None while it is active."""
    income: float
    area: str | None
    """The case's area (``urban``, ``rural``; None unknown)."""
    county: str | None
    """The county its number begins with in a province (``county_of_number``); None in a
    county's drop."""
    since: date
    """The day its 渐退 is counted from: the income's assessment, else the latest enrollment."""
    assessed: bool
    """Whether ``since`` is the income's assessment (收入核定日期)."""
    starts: dict[int, int]
    """Each month the income is above the standard, with the month its stretch above it began."""
    ends: dict[int, int]
    """Each stretch's first month, with the last month of its 渐退."""
    poverty: list[tuple[str, str]]
    poor_households: list[tuple[str, str]]
    exit_months: int
    noted: tuple[int, str, str] | None
    """The 渐退 the office dated on a row and that was taken (``_noted_exit``)."""
    gradual_start: int | None
    mistyped: tuple[int, str, str] | None
    planned: int | None
    """The planned 退出日期's month that ends the 渐退, where taken."""

    @property
    def dated(self) -> bool:
        """Whether the 渐退 rests on a date the roster gives (the income's assessment, a
        dated 渐退, a planned 退出日期), not on the enrollment date alone."""
        return self.assessed or self.noted is not None or self.planned is not None

    def past(self, months: set[int]) -> list[int]:
        """Those of ``months`` in which the income is above the standard after its 渐退.

        Parameters
        ----------
        months : set of int
            Month indexes (paid, or to be paid).

        Returns
        -------
        list of int
            Those past the 渐退 of their stretch above the standard, in order.
        """
        return sorted(month for month in months
                      if month in self.starts and month > self.ends[self.starts[month]])  # fmt: skip


def gradual_exit(graph: nx.MultiGraph, policy: Policy, case, paid: set[int]
                 ) -> GradualExit | None:  # fmt: skip
    """The 渐退 of ``case``, a case of the graph, judged over the months from its income's
    assessment to the latest of ``paid`` (month indexes) and the as-of day, as
    ``detect_over_standard`` reads it; None for a case that is not 低保, has no income, or
    none above the standard in those months, or no date to count from, or stays covered
    after the period (``policy.covered_after_exit``).

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph (``models.graph``), with ``as_of``.
    policy : Policy
        The policy profile.
    case : Node
        The case node.
    paid : set of int
        The months judged: the case's months paid, and any to be paid.

    Returns
    -------
    GradualExit or None
        The income, the stretches above the standard and each one's last month of 渐退.
    """
    as_of = graph.graph["as_of"]
    if graph.nodes[case]["program"] != "dibao":
        return None
    rows, ended = _judged_rows(graph, case, as_of)
    income, assessed = _current_income(rows)
    if income is None or (ended is not None and assessed is None):
        return None  # an undated income of a closed case may be what closed it
    since = assessed or max((row["start"] for _, row in rows if row["start"]), default=None)
    if since is None:  # no date to count the 渐退 period from
        return None
    area, county = graph.nodes[case]["area"], county_of_number(case[1])
    starts = _stretch_starts(
        policy, income, month_index(since), max(paid | {month_index(as_of)}), area, county
    )
    if not starts:
        return None
    poverty = sorted(
        (row["status"] or "", row["record_id"])
        for member, _ in rows for _, row in neighbours(graph, member, "in_poverty_household")
    )  # fmt: skip
    if any(status in policy.covered_after_exit for status, _ in poverty):
        return None  # not yet stably out of poverty: stays covered after the period
    poor_households = [(status, record) for status, record in poverty if status != MARGINAL]
    exit_months = _exit_months(policy, bool(poor_households))
    ends = {start: start + exit_months for start in starts.values()}
    noted = _noted_exit(graph, case)
    if noted is not None and noted[0] < max(ends):
        noted = None  # one before this stretch above the standard
    gradual_start = _gradual_start(noted, max(ends), assessed is not None)
    latest = (month_index(as_of) if gradual_start is None else gradual_start) + (
        policy.gradual_exit_max_months
    )
    mistyped = noted if gradual_start is None and noted and noted[0] > latest else None
    if mistyped is not None:
        noted = None  # its start unknown, it ends further off than any 渐退 may run
    elif noted is not None:
        # the 渐退 the office dated, under way or ended, no longer than the policy's bound
        ends[max(ends)] = min(noted[0], latest)
    planned = _planned_exit(rows, as_of) if assessed is None and noted is None else None
    if planned is not None and ends[max(ends)] < planned <= month_index(as_of) + exit_months:
        ends[max(ends)] = planned  # the office's planned 退出日期 of a 渐退
    else:
        planned = None
    return GradualExit(rows, ended, income, area, county, since, assessed is not None, starts, ends, poverty,
                       poor_households, exit_months, noted, gradual_start, mistyped, planned)  # fmt: skip


@dataclass(frozen=True)
class GradualEnd:
    """A 低保 case whose income is above the standard in force, with a 渐退 the roster dates
    (``GradualExit.dated``) and no month paid past it: what screening holds its first
    payment past the 渐退 by (``models.screening``), published with the run
    (``models.publish``) so that screening builds no graph."""

    case_no: str
    last_month: str
    """The last month of its 渐退 (``YYYY-MM``)."""
    income: float
    """The income per person a month."""
    area: str | None
    basis: str
    """What the evidence says of the 渐退 (``gradual_basis``)."""
    phased: bool
    """Whether a 渐退 ran: ``last_month`` is after the month the stretch above the standard
    began. None runs where the policy gives the case none (``gradual_exit_scope``) and the
    roster dates none: ``last_month`` is that first month, past which it is paid no more."""


def gradual_ends(graph: nx.MultiGraph, policy: Policy) -> list[GradualEnd]:
    """The 低保 cases of the graph whose income is above the standard in the latest month
    judged (the latest paid, or the as-of month), whose 渐退 the roster dates and whose
    ledger paid no month past it (a month paid past it is the lead of
    ``detect_over_standard``), each with the last month of the 渐退 of its current stretch
    above the standard; a 渐退 counted from the enrollment alone is none of them (when the
    income rose is unknown).

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph, with ``as_of``.
    policy : Policy
        The policy profile.

    Returns
    -------
    list of GradualEnd
        One per such case.
    """
    as_of = month_index(graph.graph["as_of"])
    found = []
    for case, paid, period in _periods(graph, policy):
        latest = max(paid | {as_of})
        if period is None or not period.dated or period.past(paid) or latest not in period.starts:
            continue
        start = period.starts[latest]
        end = period.ends[start]
        found.append(GradualEnd(case[1], month_text(end), period.income, period.area,
                                gradual_basis(policy, graph, period, start), end > start))  # fmt: skip
    return found


def _periods(graph: nx.MultiGraph, policy: Policy) -> list[tuple]:
    """Each case of the graph, its months paid and its 渐退 (``gradual_exit``) under
    ``policy``: worked out once for the graph and policy (kept in networkx's cache of the
    graph, as ``models.graph.neighbours`` keeps its own), which both the detector and
    ``gradual_ends`` read."""
    cache = graph.__networkx_cache__
    key = (PERIODS, id(policy))
    if cache.get(key, (None,))[0] is not policy:
        cache[key] = (policy, [(case, paid, gradual_exit(graph, policy, case, paid))
                               for case in nodes_of(graph, "case")
                               for paid in [paid_months(graph, case)]])  # fmt: skip
    return cache[key][1]


PERIODS = "doudi_gradual_exits"


def gradual_basis(policy: Policy, graph: nx.MultiGraph, period: GradualExit,
                  start: int) -> str:  # fmt: skip
    """What the evidence says of the 渐退 of ``period`` whose stretch began in month
    ``start``: the reading of the rule that applied, what it was counted from, and, counted
    by the policy's months, its months (渐退期 2026-04 至 2026-09: a dated 渐退 or a planned
    退出日期 already says its end, and its start may be the office's).

    Parameters
    ----------
    policy : Policy
        The policy profile.
    graph : nx.MultiGraph
        The household graph, with ``as_of``.
    period : GradualExit
        Its 渐退 (``gradual_exit``).
    start : int
        The month its stretch above the standard began (a value of ``period.starts``).

    Returns
    -------
    str
        The words, in Chinese.
    """
    as_of, area, county = graph.graph["as_of"], period.area, period.county
    reading = _reading(policy, period.poverty, period.poor_households, period.exit_months)
    noted_text = _noted_text(policy, period.noted, period.gradual_start, period.exit_months)
    basis = _basis(period.since, period.assessed, period.planned, noted_text)
    dated_end = start == max(period.ends) and (
        period.noted is not None or period.planned is not None
    )
    if period.ends[start] == start + period.exit_months and not dated_end:  # the policy's count
        basis += _span_text(start, period.ends[start])
    basis += _mistyped_text(policy, period.mistyped, as_of)
    basis += _crossed(policy, start, month_index(period.since), area, county)
    basis += _now_under(policy, period.income, as_of, area, county)
    return f"{reading}，{basis}"


def _span_text(start: int, end: int) -> str:
    """The months of a 渐退 that ran after month ``start`` to month ``end``, in the evidence's
    words; nothing where it had none.

    >>> _span_text(2026 * 12 + 2, 2026 * 12 + 8), _span_text(24315, 24315)
    ('（渐退期 2026-04 至 2026-09）', '')
    """
    return f"（渐退期 {month_text(start + 1)} 至 {month_text(end)}）" if end > start else ""


def _stretch_starts(policy: Policy, income: float, first: int, last: int, area: str | None,
                    county: str | None) -> dict[int, int]:  # fmt: skip
    """Each month from ``first`` (the income's assessment) to ``last`` in which the monthly
    ``income`` is above that month's standard in the case's ``area`` and ``county``, with the month its 渐退 runs from: the first
    of the stretch of such months it is in (``first`` itself, or the month a new standard
    put the income above it). Where the income is above every month's standard, or none,
    no month is looked up."""
    lowest, highest = policy.standard_bounds(area, county)
    if income * 12 <= lowest:
        return {}
    if income * 12 > highest:
        return dict.fromkeys(range(first, last + 1), first)
    starts, start = {}, None
    for month in range(first, last + 1):
        if income * 12 <= policy.standard(month, area, county):
            start = None
            continue
        start = month if start is None else start
        starts[month] = start
    return starts


def _crossed(policy: Policy, start: int, first: int, area: str | None, county: str | None
             ) -> str:  # fmt: skip
    """What the evidence says when the 渐退 ran from a month after the assessment (month
    ``first``) because a new standard put the income above it: the month and standard."""
    if start <= first:
        return ""
    return (
        f"；该户收入原不高于低保标准，自 {month_text(start)} 起按"
        f"{policy.standard_text(start, area, county)}计高于标准，渐退期自该月起算"
    )


def _now_under(policy: Policy, income: float, as_of: date, area: str | None,
               county: str | None) -> str:  # fmt: skip
    """What the evidence says when the income is no longer above the standard in force on
    ``as_of`` (a standard raised since): the months paid under it are no part of the lead."""
    if income * 12 > policy.standard(as_of, area, county):
        return ""
    return f"；按现行{policy.standard_text(as_of, area, county)}，该户收入已不高于标准，此后的发放不计入"


def _judged_rows(graph: nx.MultiGraph, case, as_of: date) -> tuple[list, date | None]:
    """The case's covered rows active after ``as_of``, and None; for a case none of whose
    covered rows is (closed: a 退出日期 on the as-of day too, the exit of the drop's last day),
    its covered rows that ended last, and that day: the money it was paid past its 渐退 period
    before it closed is still to be recovered. Until 2026-12-08 a case closed on the as-of
    day was judged open, and its undated income (which may be the assessment that closed
    it) a lead counted from its 纳入日期: a blind tester's exit for income, 4,800 元, gone
    the next month."""
    covered = sorted(((member, row) for member, row in neighbours(graph, case, "enrolled_in")
                      if row["covered"]), key=lambda item: item[1]["record_id"])  # fmt: skip
    active = [(member, row) for member, row in covered if row["end"] is None or row["end"] > as_of]
    if active or not covered:
        return active, None
    ended = max(row["end"] for _, row in covered)
    return [(member, row) for member, row in covered if row["end"] == ended], ended


def _planned_exit(rows, as_of: date) -> int | None:
    """The month the case's active covered ``rows`` are set to end when every one carries an
    end after ``as_of`` (a 渐退's planned 退出日期); None otherwise."""
    ends = [row["end"] for _, row in rows]
    if ends and all(end is not None and end > as_of for end in ends):
        return month_index(max(ends))
    return None


def _noted_exit(graph: nx.MultiGraph, case) -> tuple[int, str, str] | None:
    """The 渐退 the office dated on a row of the case, in its note (备注) or a column of its own
    (渐退期, 渐退截止 …): its last month, the row and the text it read
    (``models.periods.noted_gradual_exit``), the latest of the rows'; None when none dates one.
    A 渐退 so dated runs until its last month, whatever the policy's months: the office's
    record of the 渐退 it granted (the documents allow from six months to two years)."""
    noted = [(row["gradual_until"], row["record_id"], row["gradual_note"])
             for _, row in neighbours(graph, case, "enrolled_in")
             if row["gradual_until"] is not None]  # fmt: skip
    return min(noted, key=lambda dated: (-dated[0], dated[1]), default=None)


def _current_income(rows) -> tuple[float | None, date | None]:
    """The case's income per person now and the day it was assessed: the income of the
    latest assessment when rows date theirs (the rows of a case repeat the family's income;
    an older figure left on another row is history), else the highest on the rows, undated."""
    dated = [(row["income_since"], row["income_month"]) for _, row in rows
             if row["income_since"] and row["income_month"] is not None]  # fmt: skip
    if dated:
        latest = max(day for day, _ in dated)
        return max(income for day, income in dated if day == latest), latest
    incomes = [row["income_month"] for _, row in rows if row["income_month"] is not None]
    return (max(incomes) if incomes else None), None


def _exit_months(policy: Policy, in_poor_household: bool) -> int:
    """The 渐退 months a case has: none where the period is for 建档立卡贫困户 only and no
    covered member is in one."""
    if policy.gradual_exit_scope == "poverty_households" and not in_poor_household:
        return 0
    return policy.gradual_exit_months


def _reading(policy: Policy, poverty: list[tuple[str, str]],
             poor_households: list[tuple[str, str]], exit_months: int) -> str:  # fmt: skip
    """Which reading of the 渐退 rule applied, in the evidence's words: ``poverty`` holds the
    covered members' registry rows (status, record), ``poor_households`` those of 贫困户."""
    if policy.gradual_exit_scope == "all":
        return f"渐退期 {exit_months} 个月（本地政策未限定渐退对象，按全部低保对象适用）"
    if not poor_households:
        where = (f"在保成员所在的建档立卡台账 {_records(poverty)} 为边缘户，不是建档立卡贫困户"
                 if poverty else "在保成员均不在建档立卡台账中")  # fmt: skip
        return ("无渐退期（本地政策文件的渐退期针对建档立卡贫困户，未规定其他低保对象的渐退期；"
                f"{where}，如本地对一般低保对象另有渐退规定，请按其核实）")  # fmt: skip
    return (f"渐退期 {exit_months} 个月（适用于建档立卡贫困户；在保成员在建档立卡台账 "
            f"{_records(poor_households)}）")  # fmt: skip


def _records(poverty: list[tuple[str, str]]) -> str:
    return "、".join(sorted({record for _, record in poverty}))


def _gradual_start(noted: tuple[int, str, str] | None, stretch: int, assessed: bool) -> int | None:
    """The month a 渐退 the roster dates runs from, for ``policy.gradual_exit_max_months``:
    the stretch above the standard's (from the income's assessment); for an undated income,
    the first month the clause writes (渐退期（2025年10月至2026年9月）) where it is later,
    and None (unknown) where it writes none."""
    if assessed:
        return stretch
    first = noted_gradual_start(noted[2]) if noted is not None else None
    return max(stretch, first) if first is not None else None


def _noted_text(policy: Policy, noted: tuple[int, str, str] | None, start: int | None,
                exit_months: int) -> str | None:  # fmt: skip
    """What the evidence says of the 渐退 the roster dates (``noted``: its last month, row and
    clause), which runs from month ``start`` (None: unknown): counted to
    ``policy.gradual_exit_max_months`` when it is noted longer, or longer than the policy's
    own ``exit_months``; None when none is noted."""
    if noted is None:
        return None
    last, record, clause = noted
    where = f"（救助对象 {record} {clause}）"
    bound = policy.gradual_exit_max_months
    if start is not None and last > start + bound:
        return (f"名册所记渐退期至 {month_text(last)}，长于政策允许的最长 {bound} 个月，"
                f"按 {bound} 个月计算，请核实{where}")  # fmt: skip
    longer = (f"，长于本地政策的渐退期 {exit_months} 个月"
              if start is not None and last > start + exit_months else "")  # fmt: skip
    return f"本案按名册所记渐退期计算，渐退至 {month_text(last)} 止{longer}{where}"


def _mistyped_text(policy: Policy, mistyped: tuple[int, str, str] | None, as_of: date) -> str:
    """What the evidence says of a 渐退 the roster dates without its start (``mistyped``: its
    last month, row and clause) that ends more than ``policy.gradual_exit_max_months`` after
    ``as_of``: no 渐退 runs that long, so its end was not used."""
    if mistyped is None:
        return ""
    last, record, clause = mistyped
    bound = policy.gradual_exit_max_months
    return (
        f"；名册所记渐退期至 {month_text(last)}，未记起始月份，距截至日 {as_of} 超过政策"
        f"允许的最长 {bound} 个月，疑为笔误，未采用，请核实（救助对象 {record} {clause}）"
    )


def _basis(since: date, assessed: bool, planned: int | None, noted: str | None) -> str:
    """What the 渐退 period was counted from, in the evidence's words: the 渐退 the roster
    dates (``noted``: what ``_noted_text`` says of it, naming the row and clause it was
    read from)."""
    if noted is not None:
        dated = f"收入核定日期 {since}；" if assessed else ""
        return dated + noted
    if assessed:
        return f"收入核定日期 {since}"
    if planned is not None:
        return (f"未提供收入核定日期（{INCOME_DATE_HEADERS[0]}），按名册所记退出日期，"
                f"渐退至 {month_text(planned)} 止")  # fmt: skip
    return (f"未提供收入核定日期（{INCOME_DATE_HEADERS[0]}），不知收入何时超过标准：按纳入日期 "
            f"{since} 起算（最早的可能），收入可能在纳入后才上升，所列金额可能偏多，"
            "请核实收入变化时间")  # fmt: skip


def income_text(policy: Policy, case_no: str, income: float, months: list[int],
                area: str | None, county: str | None) -> str:  # fmt: skip
    """The case's income per person and the standards in force in ``months`` it is above.

    Parameters
    ----------
    policy : Policy
        The policy profile.
    case_no : str
        The case's number.
    income : float
        The income per person a month.
    months : list of int
        The months judged, in order.
    area : str or None
        The case's area (``urban``, ``rural``; None unknown).
    county : str or None
        Its county in a province (``county_of_number``); None in a county's drop.

    Returns
    -------
    str
        The words, in Chinese.
    """
    return (f"低保案件 {case_no} 家庭人均月收入 {yuan_text(income)} 元，年 {yuan_text(income * 12)} 元，"
            f"高于{_standards_text(policy, months, area, county)}")  # fmt: skip


def _standards_text(policy: Policy, months: list[int], area: str | None, county: str | None
                    ) -> str:  # fmt: skip
    """The standards in force in ``months`` in ``area`` and ``county``, each with the months paid under it
    where the policy dates more than one (高于本地低保标准 6000 元/人/年（2024-01 起）)."""
    texts = {}
    for month in months:
        texts.setdefault(policy.standard_text(month, area, county), []).append(month)
    if len(texts) == 1:
        return next(iter(texts))
    return "、".join(f"{text}（{month_text(found[0])} 至 {month_text(found[-1])} 的发放）"
                    for text, found in texts.items())  # fmt: skip


def _case(graph, policy: Policy, case, period: GradualExit, months: list[int]) -> Case:
    """The lead of ``case`` paid in ``months`` after its 渐退 (``period``), less what it paid
    back after it."""
    payments, area, county = graph.nodes[case]["payments"], period.area, period.county
    start = period.starts[months[0]]
    paid_back = refunds(graph, policy, case, period.ends[start])
    paid = [payment for month in months for payment in payments[month_text(month)]]
    gross = sum(value for _, value in paid)
    amount = max(gross - sum(paid_back.values()), 0.0)
    after = AFTER_GRADUAL if period.exit_months else AFTER_ABOVE
    evidence = [
        Evidence(income_text(policy, case[1], period.income, months, area, county)),
        Evidence(gradual_basis(policy, graph, period, start)),
        Evidence(f"{after}仍发放 {len(months)} 个月（{month_text(months[0])} 至 "
                 f"{month_text(months[-1])}），合计 {gross:.2f} 元", "payments", paid[0][0]),
        *([Evidence(f"该案件已于 {period.ended} 退出，退出前{after}多发的金额仍应核实追回")]
          if period.ended else []),
        *([Evidence(f"其后退回（追回）{sum(paid_back.values()):.2f} 元（"
                    f"{'、'.join(month_text(month) for month in sorted(paid_back))}），"
                    f"已扣除，尚余 {amount:.2f} 元")] if paid_back else []),
        *(enrolment_evidence(case, row) for _, row in period.rows),
        Evidence("核实：家庭收入是否确已超过标准；属实的，渐退期满应停发并办理退出"),
    ]  # fmt: skip
    return Case(
        case_type="over_standard",
        records=[("assistance", row["record_id"]) for _, row in period.rows],
        person_ids=sorted({member[1] for member, _ in period.rows}),
        amount_at_risk=fen(amount),
        evidence=evidence,
        features={
            "income_ratio": period.income * 12 / policy.standard(months[-1], area, county),
            "assessed": float(period.assessed),
            "months_after": float(len(months)),
        },
    )
