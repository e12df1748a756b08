"""Enrolment as generated before any anomaly, respecting the rules.

The 建档立卡 poverty registration, then the 低保 and 特困 cases with their roster rows: who
is enrolled and from when, who is listed but not covered, the class of each case and member,
cases that ended and members who left, elders moved to 特困; the rows' ends at their people's
deaths; and the helpers the injections add cases and rows with, pick unused households with
and, in a small county, enrol fresh households with (top-ups).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

import numpy as np

from resolver.synthetic import names
from resolver.synthetic.common import (
    DIBAO_STANDARD_YEAR,
    NEVER,
    State,
    Table,
    day_number,
    random_day,
)
from resolver.synthetic.people import severe

log = logging.getLogger(__name__)


COUNTY_START = date(2014, 1, 1)
# Background enrolment: the chance a household has a family 低保 case (by poverty status), a
# 低保 case for its elders only, or (a lone elder) a 特困 case; and the share of cases of
# households that are not poor which have ended. Tuned for ~0.09 assistance rows and ~1.1
# payment rows per person.
P_FAMILY_LIFTED = 0.03
P_FAMILY_OTHER = 0.004
P_ELDERS_POVERTY = 0.6
P_ELDERS_OTHER = 0.22
P_TEKUN_LONE = 0.85
P_FAMILY_POOR = 0.7
CASE_START_SKEW = 0.45  # <1 favours older start dates
P_CASE_ENDS = 0.15  # cases of households that are not poor
ELDER_AGE = 60


def poverty(st: State) -> None:
    """The 建档立卡 poverty registration of each household.

    Households with a disabled or gravely ill member, a head of 65 or older, or of 彝族
    ethnicity are likelier to be registered. Sets ``in_pov``, ``marked_unenrolled``,
    ``status``, ``income_year``, ``cause`` and ``poor`` (registered, and not lifted or below
    the 低保 standard) in ``st.H``.

    Parameters
    ----------
    st : State
        The generation state; its households and persons are drawn already.
    """
    rng, H, P = st.rng, st.H, st.P
    n_hh = len(H["size"])
    any_dis = np.bincount(P["hh"], weights=P["dis_type"] >= 0, minlength=n_hh) > 0
    any_ill = np.bincount(P["hh"], weights=P["health"] == "患有大病", minlength=n_hh) > 0
    weight = 1 + 2.0 * any_dis + 1.5 * any_ill + 0.8 * (H["age"] >= 65) + 0.5 * (H["eth"] == "彝族")
    scale = 0.15 * len(P["hh"]) / float((weight * H["size"]).sum())
    in_pov = rng.random(n_hh) < np.minimum(weight * scale, 0.9)
    statuses = np.array(["已脱贫", "脱贫监测户", "边缘户", "未脱贫"], dtype=object)
    status = statuses[rng.choice(4, size=n_hh, p=[0.70, 0.13, 0.09, 0.08])]
    lifted = status == "已脱贫"
    low = rng.random(n_hh) < 0.06
    income = np.where(lifted & ~low, rng.uniform(5200, 16000, n_hh), rng.uniform(2400, 4400, n_hh))
    income = np.where(~lifted, rng.uniform(2400, 7000, n_hh), income)
    causes = np.array(names.POVERTY_CAUSES, dtype=object)
    cause = causes[rng.integers(0, len(causes), n_hh)]
    cause = np.where(any_ill & (rng.random(n_hh) < 0.7), "因病", cause)
    cause = np.where(any_dis & (rng.random(n_hh) < 0.7), "因残", cause)
    H["in_pov"] = in_pov
    H["marked_unenrolled"] = np.zeros(n_hh, dtype=bool)  # 扶贫低保户 with no one on a roster
    H["status"] = np.where(in_pov, status, "").astype(object)
    H["income_year"] = np.round(income, 0)
    H["cause"] = cause.astype(object)
    H["poor"] = in_pov & (~lifted | (income < DIBAO_STANDARD_YEAR))


P_RELAPSED = 0.3  # of 未脱贫 households, those that had been lifted and are poor again


def relapses(st: State) -> None:
    """Some 未脱贫 households are 返贫: lifted once, poor again (as poor as 未脱贫).

    Parameters
    ----------
    st : State
        The generation state; ``st.H["status"]`` is changed in place.
    """
    not_lifted = np.flatnonzero(st.H["status"] == "未脱贫")
    chosen = not_lifted[st.rng.random(len(not_lifted)) < P_RELAPSED]
    st.H["status"][chosen] = "返贫"


def _empty_cases() -> Table:
    return Table(
        {
            "program": np.zeros(0, dtype=object),
            "cls": np.zeros(0, dtype=object),
            "start": np.zeros(0, dtype=np.int64),
            "hh": np.zeros(0, dtype=np.int64),
            "township": np.zeros(0, dtype=np.int64),
            "village": np.zeros(0, dtype=np.int64),
            "house": np.zeros(0, dtype=np.int64),
            "phone": np.zeros(0, dtype=object),
            "bank": np.zeros(0, dtype=object),
            "income": np.zeros(0, dtype=np.float64),
            "assessed": np.zeros(0, dtype=np.int64),  # the day income was assessed, or NEVER
        }
    )


def _empty_rows() -> Table:
    return Table(
        {
            "case": np.zeros(0, dtype=np.int64),
            "pid": np.zeros(0, dtype=np.int64),
            "order": np.zeros(0, dtype=np.int64),
            "relation": np.zeros(0, dtype=object),
            "covered": np.zeros(0, dtype=bool),
            "start": np.zeros(0, dtype=np.int64),
            "end": np.zeros(0, dtype=np.int64),
            "keep": np.zeros(0, dtype=bool),
            "grace": np.zeros(0, dtype=np.int64),
            "dropped": np.zeros(0, dtype=bool),
            "cls": np.zeros(0, dtype=object),  # the member's own 低保 class; "": the case's
        }
    )


def new_bank(st: State) -> str:
    """The next unused account number of the county's pool.

    Parameters
    ----------
    st : State
        The generation state, holding the pool and the next unused position.

    Returns
    -------
    str
        The account number.

    Raises
    ------
    RuntimeError
        When the pool has run out.
    """
    if st.bank_next >= len(st.banks):
        raise RuntimeError("the pool of bank account numbers ran out")
    st.bank_next += 1
    return str(st.banks[st.bank_next - 1])


def _household_phone(st: State, hh: int) -> str:
    first, size = st.H["first"][hh], st.H["size"][hh]
    phones = [p for p in st.P["phone"][first : first + size] if p]
    return phones[0] if phones else ""


def add_case(st: State, program: str, hh: int, start: int, **where: Any) -> int:
    """A new case of household ``hh``; ``where`` may override township/village/house/phone/bank.

    Parameters
    ----------
    st : State
        The generation state.
    program : str
        ``低保`` or ``特困`` (a 特困 case has no class; a 低保 case gets a random A/B/C).
    hh : int
        The household's index.
    start : int
        The day number the case starts.
    **where : Any
        Overrides of ``township``, ``village``, ``house``, ``phone``, ``bank`` or ``cls``.

    Returns
    -------
    int
        The new case's index.
    """
    cls = "" if program == "特困" else str(st.rng.choice(["A", "B", "C"], p=[0.3, 0.4, 0.3]))
    return st.cases.add(
        program=program,
        cls=where.get("cls", cls),
        start=int(start),
        hh=int(hh),
        township=int(where.get("township", st.H["township"][hh])),
        village=int(where.get("village", st.H["village"][hh])),
        house=int(where.get("house", st.H["house"][hh])),
        phone=where.get("phone", _household_phone(st, hh)),
        bank=where.get("bank") or new_bank(st),
        income=float(round(st.rng.uniform(60, 360), 1)),
        assessed=NEVER,
    )


def new_house(st: State) -> int:
    """A house number no household has, for the next case (a case set up elsewhere lives
    at an address of its own, not at a neighbour's).

    Parameters
    ----------
    st : State
        The generation state.

    Returns
    -------
    int
        The house number.
    """
    return int(st.H["house"].max()) + 1 + len(st.cases)


def add_row(
    st: State, case: int, pid: int, start: int, order: int = 0, relation: str = "户主"
) -> int:
    """A new roster row: person ``pid`` on case ``case``, covered and active from ``start``.

    Parameters
    ----------
    st : State
        The generation state.
    case : int
        The case's index.
    pid : int
        The person's index.
    start : int
        The day number the row starts (moved to the birth day when earlier).
    order : int, default 0
        The row's position on the roster (0: the head).
    relation : str, default "户主"
        The relation to the head.

    Returns
    -------
    int
        The new row's uid.
    """
    return st.rows.add(
        case=int(case),
        pid=int(pid),
        order=int(order),
        relation=relation,
        covered=True,
        start=int(max(start, st.P["birth"][pid])),
        end=NEVER,
        keep=False,
        grace=NEVER,
        dropped=False,
        cls="",
    )


def _enrolment_plan(st: State) -> dict[str, np.ndarray]:
    """Per household: a family 低保 case, a 特困 case for a lone elder, a 低保 case for the
    elders only, or singles for the severely disabled. Every alive severely disabled member
    of a poor household ends up covered."""
    rng, H, P = st.rng, st.H, st.P
    n_hh = len(H["size"])
    sev_alive = severe(st) & (P["death"] == NEVER)
    has_sev = np.bincount(P["hh"], weights=sev_alive, minlength=n_hh) > 0
    elder = (st.age() >= ELDER_AGE) & (P["death"] == NEVER)
    has_elder = np.bincount(P["hh"], weights=elder, minlength=n_hh) > 0
    p_family = np.where(
        H["poor"], P_FAMILY_POOR, np.where(H["in_pov"], P_FAMILY_LIFTED, P_FAMILY_OTHER)
    )
    family = rng.random(n_hh) < p_family
    lone_elder = (H["size"] == 1) & (st.age(H["first"]) >= 60)
    tekun = ~family & lone_elder & (rng.random(n_hh) < P_TEKUN_LONE)
    need = H["poor"] & has_sev & ~family & ~tekun
    whole = rng.random(n_hh) < 0.7
    family |= need & (whole | (H["size"] == 1))
    singles = need & ~whole & (H["size"] > 1)
    p_elders = np.where(H["in_pov"], P_ELDERS_POVERTY, P_ELDERS_OTHER)
    elders = ~family & ~tekun & ~singles & ~has_sev & has_elder & (H["size"] > 1)
    elders &= rng.random(n_hh) < p_elders
    return {"family": family, "tekun": tekun, "singles": singles, "elders": elders}


def _case_start(st: State, n: int) -> np.ndarray:
    low = day_number(COUNTY_START)
    share = st.rng.random(n) ** CASE_START_SKEW
    return low + (share * (st.as_of - 45 - low)).astype(np.int64)


def enrol(st: State) -> None:
    """Background enrolment: the 低保 and 特困 cases with their roster rows, before any anomaly.

    Each household planned a family, 特困 or elders-only case gets one with its members alive at
    the start; the severely disabled of the ``singles`` households get a case each (class A).
    Then coverage and classes are set, some cases end and some members leave.

    Parameters
    ----------
    st : State
        The generation state; replaces its ``cases`` and ``rows``.
    """
    st.cases, st.rows = _empty_cases(), _empty_rows()
    plan = _enrolment_plan(st)
    P, H = st.P, st.H
    for hh in np.flatnonzero(plan["family"] | plan["tekun"] | plan["elders"]):
        start = int(_case_start(st, 1)[0])
        members = np.arange(H["first"][hh], H["first"][hh] + H["size"][hh])
        members = members[(P["death"][members] > start)]
        if plan["elders"][hh]:
            members = members[st.age(members) >= ELDER_AGE]
        if len(members) == 0:
            continue
        case = add_case(st, "特困" if plan["tekun"][hh] else "低保", hh, start)
        for order, pid in enumerate(members):
            relation = "户主" if plan["elders"][hh] and order == 0 else str(P["relation"][pid])
            add_row(st, case, pid, start, int(P["pos"][pid]), relation)
    for hh in np.flatnonzero(plan["singles"]):
        members = np.arange(H["first"][hh], H["first"][hh] + H["size"][hh])
        for pid in members[severe(st, members) & (P["death"][members] == NEVER)]:
            program = "特困" if st.age(np.array([pid]))[0] >= 60 else "低保"
            case = add_case(st, program, hh, int(_case_start(st, 1)[0]), cls="A")
            add_row(st, case, pid, st.cases["start"][case])
    _set_coverage(st)
    _end_cases(st)
    _member_exits(st)
    log.debug("background enrolment: %d cases, %d rows", len(st.cases), len(st.rows))


def _set_coverage(st: State) -> None:
    """Some healthy working-age members of larger cases are listed but not covered (否)."""
    rows, P = st.rows, st.P
    pid = rows["pid"]
    size = np.bincount(rows["case"], minlength=len(st.cases))
    age = st.age(pid)
    eligible = (rows["order"] > 0) & (age >= 18) & (age < 60) & ~severe(st, pid)
    eligible &= (P["health"][pid] == "健康") & (size[rows["case"]] >= 2)
    rows["covered"][eligible & (st.rng.random(len(pid)) < 0.12)] = False
    needy = severe(st, pid) | (P["health"][pid] == "患有大病")
    needy_case = np.bincount(rows["case"], weights=needy, minlength=len(st.cases)) > 0
    needy_case &= st.cases["program"] == "低保"
    mixed = needy_case & (st.rng.random(len(st.cases)) < st.shape.mixed_class_share)
    st.cases["cls"][needy_case & ~mixed] = "A"
    rows["cls"][needy & mixed[rows["case"]]] = "A"  # 分类施保: the needy member alone


def _end_cases(st: State) -> None:
    """Cases of households that are not poor end (the family's income rose)."""
    cases, rows, rng = st.cases, st.rows, st.rng
    n = len(cases)
    eligible = (cases["program"] == "低保") & ~st.H["poor"][cases["hh"]]
    low = np.maximum(cases["start"] + 180, st.w0 - 400)
    high = np.full(n, st.as_of - 15)
    end = random_day(rng, low, high, n)
    ends = eligible & (low <= high) & (rng.random(n) < P_CASE_ENDS)
    updated = ends & (rng.random(n) >= st.shape.stale_income_share)  # the rest stay stale
    cases["income"][updated] = np.round(rng.uniform(380, 900, int(updated.sum())), 1)
    row_end = np.where(ends[rows["case"]], end[rows["case"]], NEVER)
    rows["end"][:] = np.where(rows["start"] <= row_end, row_end, rows["end"])
    rows["dropped"][rows["start"] > row_end] = True


def _member_exits(st: State) -> None:
    """A few members leave an ongoing case (married out, found work)."""
    rows, rng = st.rows, st.rng
    pid = rows["pid"]
    size = np.bincount(rows["case"], minlength=len(st.cases))
    eligible = (rows["order"] > 0) & (rows["end"] == NEVER) & ~rows["dropped"] & ~severe(st, pid)
    eligible &= (size[rows["case"]] >= 2) & (st.age(pid) >= 16) & (st.P["death"][pid] == NEVER)
    eligible &= rows["start"] < st.as_of - 200
    chosen = np.flatnonzero(eligible & (rng.random(len(pid)) < 0.03))
    low = np.maximum(rows["start"][chosen] + 90, st.w0)
    rows["end"][chosen] = random_day(rng, low, st.as_of - 15, len(chosen))


def transfers(st: State, k: int) -> None:
    """Background: an elder leaves the family 低保 case and, months later, gets 特困.

    Parameters
    ----------
    st : State
        The generation state.
    k : int
        How many elders to move (fewer when candidates run out).
    """
    rows = st.rows
    candidates = candidate_rows(st, program="低保", min_size=2)
    old = st.age(rows["pid"][candidates]) >= 65
    candidates = candidates[old & (rows["order"][candidates] > 0)]
    candidates = candidates[rows["start"][candidates] <= st.as_of - 300]
    for uid in pick(st, candidates, k, lambda uid: row_households(st, uid)):
        end = int(
            random_day(st.rng, max(st.w0 - 200, rows["start"][uid] + 60), st.as_of - 200, 1)[0]
        )
        rows["end"][uid] = end
        pid = int(rows["pid"][uid])
        start = end + int(st.rng.integers(30, 150))
        case = add_case(st, "特困", int(st.P["hh"][pid]), start)
        add_row(st, case, pid, start)


def finalize_rows(st: State) -> None:
    """End every row at its person's death, except the deaths left paid or ended late.

    Parameters
    ----------
    st : State
        The generation state; its rows' ends are set in place.

    Raises
    ------
    AssertionError
        When a live row starts after its person's death.
    """
    rows = st.rows
    death = st.P["death"][rows["pid"]]
    hit = (death != NEVER) & (rows["end"] > death) & ~rows["dropped"]
    grace = hit & (rows["grace"] != NEVER)
    normal = hit & ~grace & ~rows["keep"]
    rows["end"][normal] = death[normal]
    rows["end"][grace] = rows["grace"][grace]
    started_dead = ~rows["dropped"] & (rows["start"] > death)
    if started_dead.any():
        raise AssertionError(f"{int(started_dead.sum())} assistance rows start after a death")


# --------------------------------------------------------------------------- picking


def pick(
    st: State, candidates: np.ndarray, k: int, households: Callable[[int], tuple]
) -> list[int]:
    """Up to k candidates in random order whose households are all unused; marks them used.

    Parameters
    ----------
    st : State
        The generation state, holding the used-household marks.
    candidates : np.ndarray
        The candidates (rows, cases, persons or households).
    k : int
        How many to pick at most.
    households : Callable[[int], tuple]
        The households a candidate touches.

    Returns
    -------
    list of int
        The chosen candidates.
    """
    chosen: list[int] = []
    if k <= 0:
        return chosen
    for candidate in st.rng.permutation(np.asarray(candidates, dtype=np.int64)):
        hhs = households(int(candidate))
        if any(st.used_hh[hh] for hh in hhs):
            continue
        for hh in hhs:
            st.used_hh[hh] = True
        chosen.append(int(candidate))
        if len(chosen) == k:
            break
    return chosen


def row_households(st: State, uid: int) -> tuple[int, ...]:
    """The households a roster row touches: its person's, and the case's when different.

    Parameters
    ----------
    st : State
        The generation state.
    uid : int
        The row's uid.

    Returns
    -------
    tuple of int
        One or two household indexes.
    """
    person_hh = int(st.P["hh"][st.rows["pid"][uid]])
    case_hh = int(st.cases["hh"][st.rows["case"][uid]])
    return (person_hh,) if person_hh == case_hh else (person_hh, case_hh)


def case_stats(st: State) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per case: live row count, whether every row is active with its person alive, and
    whether every row is a member of the case's own household.

    Parameters
    ----------
    st : State
        The generation state.

    Returns
    -------
    tuple of np.ndarray
        Per case: the number of live rows, whether it is intact, whether it is pure.
    """
    rows, n = st.rows, len(st.cases)
    live = ~rows["dropped"]
    case, pid = rows["case"], rows["pid"]
    size = np.bincount(case[live], minlength=n)
    broken = live & ((rows["end"] != NEVER) | (st.P["death"][pid] != NEVER))
    foreign = live & (st.P["hh"][pid] != st.cases["hh"][case])
    intact = (np.bincount(case[broken], minlength=n) == 0) & (size > 0)
    pure = np.bincount(case[foreign], minlength=n) == 0
    return size, intact, pure


def candidate_rows(
    st: State, program: str | None = None, min_size: int = 1, max_size: int = 99
) -> np.ndarray:
    """Covered rows of intact cases (all rows active, all alive) in unused households.

    Parameters
    ----------
    st : State
        The generation state.
    program : str, optional
        Only cases of this program (``低保`` or ``特困``); any when None.
    min_size : int, default 1
        Fewest live rows of the case.
    max_size : int, default 99
        Most live rows of the case.

    Returns
    -------
    np.ndarray
        The rows' uids.
    """
    rows = st.rows
    size, intact, _ = case_stats(st)
    case = rows["case"]
    mask = ~rows["dropped"] & rows["covered"] & intact[case]
    mask &= (size[case] >= min_size) & (size[case] <= max_size)
    mask &= ~st.used_hh[st.P["hh"][rows["pid"]]] & ~st.used_hh[st.cases["hh"][case]]
    if program:
        mask &= st.cases["program"][case] == program
    return np.flatnonzero(mask)


def case_rows(st: State, case: int) -> np.ndarray:
    """The live (not dropped) roster rows of one case.

    Parameters
    ----------
    st : State
        The generation state.
    case : int
        The case's index.

    Returns
    -------
    np.ndarray
        The rows' uids.
    """
    return np.flatnonzero((st.rows["case"] == case) & ~st.rows["dropped"])


def enrolled_households(st: State) -> np.ndarray:
    """Households with a member on an active, covered roster row.

    Parameters
    ----------
    st : State
        The generation state.

    Returns
    -------
    np.ndarray
        Sorted household indexes.
    """
    rows = st.rows
    active = ~rows["dropped"] & rows["covered"] & (rows["end"] == NEVER)
    return np.unique(st.P["hh"][rows["pid"][active]])


# --------------------------------------------------------------------------- top-ups


def _unenrolled_households(st: State) -> np.ndarray:
    """Unused households none of whose members was ever on a roster, all alive."""
    n_hh = len(st.H["size"])
    listed = np.bincount(st.P["hh"][st.rows["pid"]], minlength=n_hh) > 0
    dead = np.bincount(st.P["hh"], weights=st.P["death"] != NEVER, minlength=n_hh) > 0
    return ~st.used_hh & ~listed & ~dead


def top_up(st: State, have: int, want: int, *, sizes: tuple[int, int], poor: bool = False,
           having: np.ndarray | None = None, township: int | None = None) -> list[int]:  # fmt: skip
    """When a pool of ``have`` households is smaller than ``want`` (small counties), enrol
    fresh households (one active family 低保 case each, all members covered); their cases.

    Parameters
    ----------
    st : State
        The generation state.
    have : int
        Households the pool holds.
    want : int
        Households wanted.
    sizes : tuple of int
        Smallest and largest household size to enrol.
    poor : bool, default False
        Only poor households.
    having : np.ndarray, optional
        A mask over persons: only households with such a member.
    township : int, optional
        Only households of this township.

    Returns
    -------
    list of int
        The new cases' indexes (empty when ``have >= want``).
    """
    if have >= want:
        return []
    H = st.H
    mask = _unenrolled_households(st) & (H["size"] >= sizes[0]) & (H["size"] <= sizes[1])
    if poor:
        mask &= H["poor"]
    if township is not None:
        mask &= H["township"] == township
    if having is not None:
        mask &= np.bincount(st.P["hh"], weights=having, minlength=len(H["size"])) > 0
    created = []
    for hh in st.rng.permutation(np.flatnonzero(mask))[: want - have]:
        start = int(random_day(st.rng, day_number(COUNTY_START), st.as_of - 400, 1)[0])
        case = add_case(st, "低保", int(hh), start)
        for pid in range(H["first"][hh], H["first"][hh] + H["size"][hh]):
            add_row(st, case, pid, start, int(st.P["pos"][pid]), str(st.P["relation"][pid]))
        created.append(case)
    log.debug("topped up %d fresh cases", len(created))
    return created


def row_households_count(st: State, uids: np.ndarray) -> int:
    """How many households the persons of some roster rows belong to.

    Parameters
    ----------
    st : State
        The generation state.
    uids : np.ndarray
        The rows' uids.

    Returns
    -------
    int
        The number of distinct households.
    """
    return len(np.unique(st.P["hh"][st.rows["pid"][uids]]))
