"""The injected anomalies and the negative controls.

How many a county gets of each, and how each is made in the clean population: anomalies (a
death left paid, one household split into concurrent cases, a second enrollment, a severely
disabled member of a poor household left out, an income above the standard past the 渐退
period) and controls that look like them but are none (twins, a namesake's death, a death
within the grace month, a wrong death notice, a legitimate single-person case, parents next
door with a case of their own, a stale income, a mistyped ID of an enrolled member, an income
within the 渐退 period); for a profile's rules, 建档立卡 households marked 扶贫低保户 with no
one enrolled; and office phones and agents' accounts shared by unrelated cases. Anomalies and
controls are recorded in the state (``injected``, ``controls``) for the truth to check.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import numpy as np

from resolver.synthetic import names
from resolver.synthetic.common import (
    DEATH_GRACE_MONTHS,
    DIBAO_STANDARD_YEAR,
    NEVER,
    State,
    day_number,
    first_day,
    month_index,
    monthly_amounts,
    random_day,
    year_month_day,
)
from resolver.synthetic.enrolment import (
    COUNTY_START,
    add_case,
    add_row,
    candidate_rows,
    case_rows,
    case_stats,
    enrolled_households,
    new_bank,
    new_house,
    pick,
    row_households,
    row_households_count,
    top_up,
)
from resolver.synthetic.noise import homophone_positions
from resolver.synthetic.people import CHILD, PARENT, SPOUSE, draw_char, issue_day, severe

ANOMALY_RATES = {
    "deceased_paid": 15,
    "duplicate_enrollment": 12,
    "split_household": 10,
    "missed_disability": 12,
    "over_standard": 8,
    "exit_without_gradual": 6,
    "payment_mismatch": 8,
}  # injected per 10,000 people; a split whose members took a 户号 of their own is no
# split_household: a suspected_split when the cases share a bank account, else no case
CONTROL_RATE = 8  # per 10,000 people, each type
MIN_COUNT = 3  # a small county still gets this many of each anomaly and control


def target_count(rate_per_10k: float, people: int) -> int:
    """How many cases of a type a county of ``people`` gets (never fewer than MIN_COUNT).

    Parameters
    ----------
    rate_per_10k : float
        Cases per 10,000 people.
    people : int
        The county's population.

    Returns
    -------
    int
        The number of cases to inject.
    """
    return max(MIN_COUNT, round(rate_per_10k * people / 10_000))


def twins(st: State, k: int) -> None:
    """Control: twins in one hukou household (same birth date, given names one char apart).

    Parameters
    ----------
    st : State
        The generation state; each control is recorded in ``st.controls``.
    k : int
        How many to make (fewer when too few candidates are left).
    """
    P, rng = st.P, st.rng
    alive_child = (P["role"] == CHILD) & (P["death"] == NEVER) & (st.age() < 40)
    count = np.bincount(P["hh"][alive_child], minlength=len(st.H["size"]))
    chosen = pick(st, np.flatnonzero(count >= 2), k, lambda hh: (hh,))
    for hh in chosen:
        members = np.flatnonzero(
            alive_child[st.H["first"][hh] : st.H["first"][hh] + st.H["size"][hh]]
        )
        one, two = (st.H["first"][hh] + members[:2]).tolist()
        P["birth"][two] = P["birth"][one]
        generation = P["given"][one][0]
        first_tail = (
            P["given"][one][1] if len(P["given"][one]) == 2 else draw_char(rng, P["male"][one])
        )
        second_tail = first_tail
        while second_tail == first_tail:
            second_tail = draw_char(rng, P["male"][two])
        P["given"][one] = generation + first_tail
        P["given"][two] = generation + second_tail
        st.controls.append(
            (
                "twins",
                (("hukou", one), ("hukou", two)),
                "twins: same birth date, names one char apart",
            )
        )


def _make_severe(st: State, pid: int) -> None:
    """Give a person a severe disability (a new certificate or a worse level)."""
    P, rng = st.P, st.rng
    if severe(st, np.array([pid]))[0]:
        return
    if P["dis_type"][pid] < 0:
        P["dis_type"][pid] = int(rng.choice(7, p=np.array(names.DISABILITY_TYPE_SHARES) / 1.0))
        P["dis_issue"][pid] = int(issue_day(st, np.array([pid]))[0])
    P["dis_level"][pid] = int(rng.integers(1, 3))
    if P["health"][pid] != "患有大病":
        P["health"][pid] = "残疾"


def inject_missed(st: State, k: int) -> None:
    """missed_disability: a severely disabled member of a poor household, not enrolled.

    Parameters
    ----------
    st : State
        The generation state; each anomaly is recorded in ``st.injected``.
    k : int
        How many to make (fewer when too few candidates are left).
    """
    P, H = st.P, st.H
    n_hh = len(H["size"])
    live = ~st.rows["dropped"]
    enrolled_hh = np.bincount(P["hh"][st.rows["pid"][live]], minlength=n_hh) > 0
    alive = (P["death"] == NEVER) & (st.age() >= 3) & H["poor"][P["hh"]]
    loose = np.flatnonzero(alive & ~enrolled_hh[P["hh"]])
    half = math.ceil(k * 0.6)
    chosen = pick(st, loose, half, lambda pid: (int(P["hh"][pid]),))
    members = candidate_rows(st, program="低保", min_size=2)
    members = members[(st.rows["order"][members] > 0) & H["poor"][P["hh"][st.rows["pid"][members]]]]
    removed = pick(st, members, k - len(chosen), lambda uid: row_households(st, uid))
    for uid in removed:
        st.rows["dropped"][uid] = True
        chosen.append(int(st.rows["pid"][uid]))
    for pid in chosen:
        _make_severe(st, pid)
        st.injected.append(("missed_disability", (("disability", pid),)))


def inject_mistyped(st: State, k: int) -> None:
    """Control: a severely disabled poor member who IS covered, with a typo in the assistance ID.

    Parameters
    ----------
    st : State
        The generation state; each control is recorded in ``st.controls``.
    k : int
        How many to make (fewer when too few candidates are left).
    """
    for attempt in range(2):
        candidates = candidate_rows(st, program="低保")
        candidates = candidates[st.H["poor"][st.P["hh"][st.rows["pid"][candidates]]]]
        if attempt == 0:
            top_up(st, row_households_count(st, candidates), k, sizes=(1, 9), poor=True)
    for uid in pick(st, candidates, k, lambda uid: row_households(st, uid)):
        pid = int(st.rows["pid"][uid])
        _make_severe(st, pid)
        st.forced[("assistance", uid, "id_number")] = "id_typo"
        for registry, column in (("hukou", "id_number"), ("disability", "id_number"),
                                 ("disability", "cert_no"), ("poverty", "id_number")):  # fmt: skip
            st.protected.add((registry, pid, column))
        st.controls.append(
            (
                "mistyped_enrolled",
                (("assistance", uid), ("disability", pid)),
                "severely disabled, enrolled in 低保; the assistance row's ID has a typo",
            )
        )


def _family_cases(st: State, min_size: int) -> np.ndarray:
    """Intact, pure family 低保 cases of unused households with at least min_size rows."""
    size, intact, pure = case_stats(st)
    ok = intact & pure & (size >= min_size) & (st.cases["program"] == "低保")
    return np.flatnonzero(ok & ~st.used_hh[st.cases["hh"]])


def inject_legit_single(st: State, k: int) -> None:
    """Control: a severely disabled or gravely ill member enrolled as his own 单人户 case.

    Parameters
    ----------
    st : State
        The generation state; each control is recorded in ``st.controls``.
    k : int
        How many to make (fewer when too few candidates are left).
    """
    top_up(st, len(_family_cases(st, 3)), k, sizes=(3, 9))
    for case in pick(st, _family_cases(st, 3), k, lambda c: (int(st.cases["hh"][c]),)):
        uids = case_rows(st, case)
        uid = int(st.rng.choice(uids[st.rows["order"][uids] > 0]))
        pid = int(st.rows["pid"][uid])
        if st.rng.random() < 0.5:
            _make_severe(st, pid)
        else:
            st.P["health"][pid] = "患有大病"
        st.rows["dropped"][uid] = True
        start = int(random_day(st.rng, st.cases["start"][case], st.as_of - 60, 1)[0])
        single = add_case(st, "低保", int(st.cases["hh"][case]), start, cls="A")
        new_uid = add_row(st, single, pid, start)
        family = tuple(("assistance", int(u)) for u in uids if u != uid)
        st.controls.append(
            (
                "legit_single_person",
                (("assistance", new_uid), *family),
                "单人户保障 of a severely disabled or gravely ill member; the family has its own case",
            )
        )


def _movable_people(st: State) -> np.ndarray:
    """People who could head a split-off case: adult children or parents, neither severely
    disabled nor gravely ill (so a case of theirs is never a legitimate 单人户)."""
    P = st.P
    ok = (P["pos"] > 0) & (st.age() >= 18) & ((P["role"] == CHILD) | (P["role"] == PARENT))
    return ok & ~severe(st) & (P["health"] != "患有大病")


def _movable(st: State, uids: np.ndarray) -> np.ndarray:
    return uids[_movable_people(st)[st.rows["pid"][uids]]]


def _other_village(st: State, township: int, village: int) -> int:
    count = len(st.geo.villages[township])
    return int((village + st.rng.integers(1, count)) % count)


def inject_split(st: State, k: int) -> None:
    """split_household: one hukou household enrolled as two or more concurrent 低保 cases.
    When the split-off members also moved to a 户号 of their own (分户), it is no longer one
    hukou family: a ``suspected_split`` (疑似人为分户) when the cases are still paid to one
    bank account, and no case at all when only a phone or an address ties them.

    Parameters
    ----------
    st : State
        The generation state; each anomaly is recorded in ``st.injected``.
    k : int
        How many to make (fewer when too few candidates are left).
    """
    cases = _splittable(st)
    top_up(st, len(cases), k, sizes=(3, 9), having=_movable_people(st))
    cases = _splittable(st)
    chosen = pick(st, cases, k, lambda c: (int(st.cases["hh"][c]),))
    for case, (own_hukou, account) in zip(chosen, _split_kinds(st, len(chosen)), strict=True):
        uids = case_rows(st, case)
        movable = st.rng.permutation(_movable(st, uids))
        groups = [[int(movable[0])]]
        if len(movable) >= 2 and len(uids) >= 4 and st.rng.random() < 0.25:
            groups.append([int(movable[1])])
        elif len(movable) >= 2 and len(uids) >= 4 and st.rng.random() < 0.3:
            groups[0].append(int(movable[1]))
        new_uids = [_split_off(st, case, group, own_hukou, account) for group in groups]
        remaining = [int(u) for u in uids if not any(u in g for g in groups)]
        records = tuple(
            ("assistance", u) for u in sorted(remaining + [u for group in new_uids for u in group])
        )
        if not own_hukou or account:
            st.injected.append(("suspected_split" if own_hukou else "split_household", records))


def _split_kinds(st: State, k: int) -> list[tuple[bool, bool]]:
    """For ``k`` splits, in random order: (moved to a 户号 of their own, still paid to the
    family's account), in the shares the assumptions set (at least one of each kind a share
    above zero asks for)."""

    def share(count: int, rate: float) -> int:
        return min(count, max(1, round(count * rate))) if rate > 0 and count else 0

    own = share(k, st.shape.split_hukou_share)
    account = share(own, st.shape.split_account_share)
    kinds = [(False, False)] * (k - own) + [(True, True)] * account
    kinds += [(True, False)] * (own - account)
    return [kinds[i] for i in st.rng.permutation(k)]


def _splittable(st: State) -> np.ndarray:
    cases = _family_cases(st, 3)
    movable = _movable_people(st)
    live = ~st.rows["dropped"]
    has = np.bincount(
        st.rows["case"][live], weights=movable[st.rows["pid"][live]], minlength=len(st.cases)
    )
    return cases[has[cases] > 0]


def _split_off(st: State, case: int, group: list[int], own_hukou: bool, account: bool
               ) -> list[int]:  # fmt: skip
    """Move a group of rows of ``case`` into a new 低保 case of the same household; with
    ``own_hukou`` its members take a 户号 of their own, and the new case is paid to the old
    case's bank account when ``account``."""
    rng, cases = st.rng, st.cases
    hh = int(cases["hh"][case])
    start = int(random_day(rng, max(cases["start"][case], st.as_of - 5 * 365), st.as_of - 60, 1)[0])
    where: dict[str, Any] = {}
    if rng.random() < 0.5:
        township = int(cases["township"][case])
        where = {"village": _other_village(st, township, int(cases["village"][case]))}
        where["house"] = new_house(st)
    if account or (not own_hukou and rng.random() < 0.3):
        where["bank"] = cases["bank"][case]
    own_phone = st.P["phone"][st.rows["pid"][group[0]]]
    where["phone"] = cases["phone"][case] if rng.random() < 0.3 or not own_phone else own_phone
    if own_hukou and not account:
        _keep_a_tie(st, case, where)
    new_case = add_case(st, "低保", hh, start, **where)
    if own_hukou:  # 11 characters: never one of the county's 10-character 户号
        hukou_no = f"{st.H['hukou_no'][hh][:5]}{new_case:06d}"
        st.P["own_hukou"][st.rows["pid"][group]] = hukou_no
    created = []
    for order, uid in enumerate(group):
        st.rows["dropped"][uid] = True
        relation = "户主" if order == 0 else "其他"
        created.append(add_row(st, new_case, int(st.rows["pid"][uid]), start, order, relation))
    return created


def _keep_a_tie(st: State, case: int, where: dict[str, Any]) -> None:
    """A split-off case whose members also took a 户号 of their own (分户) and a bank account
    of their own keeps a weaker tie: the old case's phone or address (``where`` without a
    village keeps the old house)."""
    phone = st.cases["phone"][case]
    if "village" not in where or (phone and where["phone"] == phone):
        return
    if phone and st.rng.random() < 0.5:
        where["phone"] = phone
    else:
        del where["village"], where["house"]


def _dup_kind(st: State, pid: int) -> str:
    if st.age(np.array([pid]))[0] >= 60 and st.rng.random() < 0.4:
        return "tekun"
    return "relative" if st.rng.random() < 0.6 else "own"


def inject_duplicates(st: State, k: int) -> None:
    """duplicate_enrollment: one person active in two cases over overlapping months.

    Parameters
    ----------
    st : State
        The generation state; each anomaly is recorded in ``st.injected``.
    k : int
        How many to make (fewer when too few candidates are left).
    """
    rows = st.rows
    for attempt in range(2):
        candidates = candidate_rows(st, program="低保")
        candidates = candidates[rows["start"][candidates] <= st.as_of - 150]
        if attempt == 0:
            top_up(st, row_households_count(st, candidates), k, sizes=(1, 9))
    for uid in pick(st, candidates, k, lambda uid: row_households(st, uid)):
        pid = int(rows["pid"][uid])
        low = max(int(rows["start"][uid]) + 30, st.as_of - 3 * 365)
        start = int(random_day(st.rng, low, st.as_of - 60, 1)[0])
        kind = _dup_kind(st, pid)
        elsewhere = st.rng.random() < st.shape.cross_township_duplicates
        second = _second_enrolment(st, pid, kind, start, elsewhere)
        if st.rng.random() < st.shape.duplicate_blank_id:
            st.forced[("assistance", second, "id_number")] = "id_blank"
        elif st.rng.random() < 0.7:
            _force_identity_noise(st, "assistance", second, pid)
        st.injected.append(("duplicate_enrollment", (("assistance", uid), ("assistance", second))))


def _second_enrolment(st: State, pid: int, kind: str, start: int, elsewhere: bool) -> int:
    """The duplicate's second row: in a relative's case of another village (``relative``), a
    特困 case, or a 低保 case of his own at another address (``own``); in another township
    when ``elsewhere``."""
    hh = int(st.P["hh"][pid])
    township, village = int(st.H["township"][hh]), int(st.H["village"][hh])
    if kind == "relative":
        others = _family_cases(st, 1)
        away = st.cases["township"][others] != township
        if not elsewhere:
            away |= st.cases["village"][others] != village
        others = others[away]
        picked = pick(st, others, 1, lambda c: (int(st.cases["hh"][c]),))
        if picked:
            start = max(start, int(st.cases["start"][picked[0]]))
            return add_row(st, picked[0], pid, start, 99, "其他")
        kind = "own"
    if elsewhere:
        township = int((township + st.rng.integers(1, len(st.geo.townships)))
                       % len(st.geo.townships))  # fmt: skip
        village = int(st.rng.integers(0, len(st.geo.villages[township])))
    elif kind != "tekun":
        village = _other_village(st, township, village)
    place = {"township": township, "village": village, "house": new_house(st)}
    if kind == "tekun" and not elsewhere:
        place = {}
    case = add_case(st, "特困" if kind == "tekun" else "低保", hh, start, **place)
    return add_row(st, case, pid, start)


def _force_identity_noise(st: State, registry: str, key: int, pid: int) -> None:
    """Make one row hard to join exactly: a noisy ID or a homophone/traditional name."""
    options = ["id_typo", "id_transposition", "id_blank", "name_homophone", "name_traditional"]
    if year_month_day(st.P["birth"][pid : pid + 1])[0][0] // 100 == 19:
        options.append("id_15_digit")
    kind = str(st.rng.choice(options))
    if kind == "name_homophone" and not homophone_positions(st.P["given"][pid]):
        kind = "id_typo"
    column = "name" if kind.startswith("name") else "id_number"
    st.forced[(registry, key, column)] = kind


def _death_in_month(st: State, month: int) -> int:
    low = int(first_day(month))
    high = min(int(first_day(month + 1)) - 1, st.as_of)
    return int(random_day(st.rng, low, high, 1)[0])


def _death_candidates(st: State, last_month: int, single: bool | None) -> np.ndarray:
    rows = st.rows
    candidates = candidate_rows(st)
    start_month = month_index(rows["start"][candidates] + 31)
    candidates = candidates[np.maximum(start_month, st.m_first) <= last_month]
    if single is None:
        return candidates
    size, _, _ = case_stats(st)
    return candidates[(size[rows["case"][candidates]] == 1) == single]


def _kill(st: State, uid: int, last_month: int) -> int:
    """Let the person of a row die in a month within [window start, last_month]."""
    rows = st.rows
    first = max(int(month_index(rows["start"][uid] + 31)), st.m_first)
    month = int(st.rng.integers(first, last_month + 1))
    pid = int(rows["pid"][uid])
    st.P["death"][pid] = _death_in_month(st, month)
    return pid


def inject_deceased(st: State, k: int) -> None:
    """deceased_paid: a covered member dies and the case goes on being paid in full.

    Parameters
    ----------
    st : State
        The generation state; each anomaly is recorded in ``st.injected``.
    k : int
        How many to make (fewer when too few candidates are left).
    """
    last = st.m_last - DEATH_GRACE_MONTHS - 2
    have = row_households_count(st, _death_candidates(st, last, True))
    top_up(st, have, k // 2, sizes=(1, 1))
    singles = pick(st, _death_candidates(st, last, True), k // 2, lambda u: row_households(st, u))
    have = row_households_count(st, _death_candidates(st, last, False))
    top_up(st, have, k - len(singles), sizes=(2, 9))
    multi = pick(
        st, _death_candidates(st, last, False), k - len(singles), lambda u: row_households(st, u)
    )
    for uid in singles + multi:
        pid = _kill(st, uid, last)
        st.rows["keep"][uid] = True
        variant = st.rng.random()
        if variant < 0.15:
            st.forced[("deaths", pid, "id_number")] = "id_blank"
        elif variant < 0.30:
            st.forced[("deaths", pid, "id_number")] = "id_typo"
        elif variant < 0.45 and homophone_positions(st.P["given"][pid]):
            st.forced[("deaths", pid, "name")] = "name_homophone"
        st.injected.append(("deceased_paid", (("assistance", uid),)))


def inject_grace(st: State, k: int) -> None:
    """Control: a covered member dies and the payments stop within the grace month.

    Parameters
    ----------
    st : State
        The generation state; each control is recorded in ``st.controls``.
    k : int
        How many to make (fewer when too few candidates are left).
    """
    last = st.m_last - DEATH_GRACE_MONTHS - 1
    top_up(st, row_households_count(st, _death_candidates(st, last, None)), k, sizes=(1, 9))
    for uid in pick(st, _death_candidates(st, last, None), k, lambda u: row_households(st, u)):
        pid = _kill(st, uid, last)
        month = int(month_index(st.P["death"][pid])) + DEATH_GRACE_MONTHS
        st.rows["grace"][uid] = _death_in_month(st, month)
        st.controls.append(
            (
                "death_within_grace",
                (("assistance", uid), ("deaths", pid)),
                "died; the row ended and payments stopped within the grace month",
            )
        )


def inject_lookalikes(st: State, k: int) -> None:
    """Control: same name, same birth year, same township; one dead, the other paid.

    Parameters
    ----------
    st : State
        The generation state; each control is recorded in ``st.controls``.
    k : int
        How many to make (fewer when too few candidates are left).
    """
    P, rows = st.P, st.rows
    candidates = candidate_rows(st, program="低保")
    candidates = candidates[st.age(rows["pid"][candidates]) >= 30]
    pool = _lookalike_pool(st)
    pool_town = st.H["township"][P["hh"][pool]]
    done = 0
    for uid in st.rng.permutation(candidates):
        if done == k:
            break
        a = int(rows["pid"][uid])
        if any(st.used_hh[h] for h in row_households(st, int(uid))):
            continue
        town = st.H["township"][P["hh"][a]]
        match = pool[(pool_town == town) & (P["male"][pool] == P["male"][a])]
        match = match[~st.used_hh[P["hh"][match]]]
        if len(match):
            _lookalike_pair(st, int(uid), int(match[st.rng.integers(0, len(match))]))
            done += 1
    for b in st.rng.permutation(pool):
        if done >= k:
            break
        done += _lookalike_fresh(st, int(b))


def _long_enrolled_cases(st: State) -> np.ndarray:
    """Intact 低保 cases enrolled at least 40 months before the drop."""
    _, intact, _ = case_stats(st)
    cases = st.cases
    return np.flatnonzero(
        intact & (cases["program"] == "低保") & (cases["start"] <= st.as_of - 40 * 30)
    )


def inject_over_standard(st: State, k: int) -> None:
    """over_standard: income above the standard, assessed 26 to 38 months ago, still paid:
    past the 渐退 period of every profile (6 to 24 months).

    Parameters
    ----------
    st : State
        The generation state; each anomaly is recorded in ``st.injected``.
    k : int
        How many to make (fewer when too few candidates are left).
    """
    for case in pick(st, _long_enrolled_cases(st), k, lambda c: (int(st.cases["hh"][c]),)):
        _raise_income(st, case, months_ago=(26, 38))
        covered = [int(u) for u in case_rows(st, case) if st.rows["covered"][u]]
        st.injected.append(("over_standard", tuple(("assistance", u) for u in covered)))


def inject_within_exit(st: State, k: int) -> None:
    """Control: income above the standard, assessed one to four months ago: within the 渐退
    period of every profile.

    Parameters
    ----------
    st : State
        The generation state; each control is recorded in ``st.controls``.
    k : int
        How many to make (fewer when too few candidates are left).
    """
    for case in pick(st, _long_enrolled_cases(st), k, lambda c: (int(st.cases["hh"][c]),)):
        _raise_income(st, case, months_ago=(1, 4))
        first = int(case_rows(st, case)[0])
        st.controls.append(
            ("over_standard_within_exit", (("assistance", first),),
             "income above the standard, assessed within the 渐退 period")
        )  # fmt: skip


def inject_marked_gaps(st: State, k: int) -> None:
    """A profile's case (沙坡头区's ledger comparison): a 建档立卡 household marked 扶贫低保户
    of which no one is on an active roster. (Every household with someone on an active roster
    is marked 扶贫低保户 too.)

    Parameters
    ----------
    st : State
        The generation state; the households are marked in ``st.H["marked_unenrolled"]``.
    k : int
        How many households to mark (fewer when too few candidates are left).
    """
    enrolled = np.zeros(len(st.H["size"]), dtype=bool)
    enrolled[enrolled_households(st)] = True
    candidates = np.flatnonzero(st.H["in_pov"] & ~enrolled)
    for hh in pick(st, candidates, k, lambda h: (int(h),)):
        st.H["marked_unenrolled"][hh] = True


def _exit_candidates(st: State, *, below_standard: bool) -> np.ndarray:
    """Intact 低保 cases of a household's own members, enrolled over a year, of a 建档立卡
    household declared 已脱贫 whose income per person is under the 低保 standard (or not)."""
    _, intact, pure = case_stats(st)
    cases, H = st.cases, st.H
    hh = cases["hh"]
    lifted = H["in_pov"][hh] & (H["status"][hh] == "已脱贫")
    below = H["income_year"][hh] < DIBAO_STANDARD_YEAR
    return np.flatnonzero(intact & pure & (cases["program"] == "低保") & lifted
                          & (below == below_standard) & (cases["start"] <= st.as_of - 400))  # fmt: skip


def _close_cases(st: State, k: int, *, below_standard: bool) -> list[list[int]]:
    """Up to ``k`` cases of ``_exit_candidates`` closed (``_close_case``): their covered rows."""
    candidates = _exit_candidates(st, below_standard=below_standard)
    return [_close_case(st, case)
            for case in pick(st, candidates, k, lambda c: (int(st.cases["hh"][c]),))]  # fmt: skip


def _close_case(st: State, case: int) -> list[int]:
    """End every row of ``case`` on one day 3 to 30 months before the drop; its covered rows."""
    low = max(st.as_of - 30 * 30, int(st.cases["start"][case]) + 180)
    end = int(random_day(st.rng, low, st.as_of - 3 * 30, 1)[0])
    uids = case_rows(st, case)
    st.rows["end"][uids] = np.maximum(end, st.rows["start"][uids])
    return [int(uid) for uid in uids if st.rows["covered"][uid]]


def inject_wrongful_exits(st: State, k: int) -> None:
    """A profile's case (大姚's 脱贫不脱保; 梁平's and 兴安盟's 渐退): the 低保 case of a
    建档立卡 household declared 已脱贫 ended 3 to 30 months ago, though the household's income
    per person is still under the standard and no member is covered elsewhere.

    Parameters
    ----------
    st : State
        The generation state; each anomaly is recorded in ``st.injected``.
    k : int
        How many to make (fewer when too few candidates are left).
    """
    for covered in _close_cases(st, k, below_standard=True):
        st.injected.append(("exit_without_gradual", tuple(("assistance", u) for u in covered)))


def inject_exits_above_standard(st: State, k: int) -> None:
    """Control: the 低保 case of a 建档立卡 household declared 已脱贫 with an income per
    person above the standard ended 3 to 30 months ago: an orderly exit.

    Parameters
    ----------
    st : State
        The generation state; each control is recorded in ``st.controls``.
    k : int
        How many to make (fewer when too few candidates are left).
    """
    for covered in _close_cases(st, k, below_standard=False):
        if covered:
            st.controls.append(("exit_above_standard", (("assistance", covered[0]),),
                                "已脱贫, income above the standard: its 低保 ended in order"))  # fmt: skip


def inject_mispaid(st: State, k: int) -> None:
    """payment_mismatch: an intact case paid, for the last 3 to 17 months, one member's
    amount (at least a fifth of what it is owed) too much, or, in a case of two or more
    covered members, as much too little.

    Parameters
    ----------
    st : State
        The generation state; each case is recorded in ``st.mispaid`` and ``st.injected``.
    k : int
        How many to make (fewer when too few candidates are left).
    """
    _, intact, pure = case_stats(st)
    cases, rows = st.cases, st.rows
    covered = np.bincount(rows["case"], weights=rows["covered"] & ~rows["dropped"],
                          minlength=len(cases))  # fmt: skip
    candidates = np.flatnonzero(intact & pure & (covered >= 1)
                                & (cases["start"] <= st.as_of - 20 * 30))  # fmt: skip
    for n, case in enumerate(pick(st, candidates, k, lambda c: (int(cases["hh"][c]),))):
        uids = [int(u) for u in case_rows(st, case) if st.rows["covered"][u]]
        short = n % 2 == 1 and len(uids) >= 2
        owed = monthly_amounts([cases["program"][case]] * len(uids),
                               [rows["cls"][u] or cases["cls"][case] for u in uids],
                               [st.m_last] * len(uids), st.shape.annual_rise)  # fmt: skip
        amount = max(int(owed[0]), math.ceil(0.2 * owed.sum()))  # clearly off, however large
        first = st.m_last - int(st.rng.integers(2, 17))
        st.mispaid[case] = (first, -amount if short else amount)
        st.injected.append(("payment_mismatch", tuple(("assistance", u) for u in uids)))


def _raise_income(st: State, case: int, *, months_ago: tuple[int, int]) -> None:
    st.cases["income"][case] = round(float(st.rng.uniform(400, 700)), 1)
    low, high = st.as_of - months_ago[1] * 30, st.as_of - months_ago[0] * 30
    st.cases["assessed"][case] = int(random_day(st.rng, low, high, 1)[0])


def _lookalike_pool(st: State) -> np.ndarray:
    """People who may die as someone's namesake: spouses and parents never on a roster."""
    P = st.P
    listed = np.zeros(len(P["hh"]), dtype=bool)
    listed[st.rows["pid"]] = True
    spouse_like = (P["role"] == SPOUSE) | (P["role"] == PARENT)
    old_enough = P["birth"] < st.w0 - 365 * 20
    return np.flatnonzero(spouse_like & ~listed & (P["death"] == NEVER) & old_enough)


def _lookalike_fresh(st: State, b: int) -> int:
    """Small counties: enrol a fresh household of b's township holding a namesake-to-be."""
    P = st.P
    if st.used_hh[P["hh"][b]]:
        return 0
    town = int(st.H["township"][P["hh"][b]])
    having = (P["male"] == P["male"][b]) & (st.age() >= 30) & (P["hh"] != P["hh"][b])
    created = top_up(st, 0, 1, sizes=(1, 9), township=town, having=having)
    if not created:
        return 0
    uids = case_rows(st, created[0])
    uids = uids[having[st.rows["pid"][uids]]]
    _lookalike_pair(st, int(uids[0]), b)
    return 1


def _lookalike_pair(st: State, uid: int, b: int) -> None:
    for hh in (*row_households(st, uid), int(st.P["hh"][b])):
        st.used_hh[hh] = True
    _make_lookalike(st, int(st.rows["pid"][uid]), b)
    st.controls.append(
        (
            "lookalike",
            (("assistance", uid), ("deaths", b)),
            "a different person of the same name, birth year and township died",
        )
    )


def _make_lookalike(st: State, a: int, b: int) -> None:
    P = st.P
    P["surname"][b], P["given"][b] = P["surname"][a], P["given"][a]
    year = int(year_month_day(P["birth"][a : a + 1])[0][0])
    _, month, day = year_month_day(P["birth"][b : b + 1])
    P["birth"][b] = day_number(date(year, int(month[0]), min(int(day[0]), 28)))
    P["death"][b] = int(random_day(st.rng, st.w0, st.as_of, 1)[0])


def inject_separate_households(st: State, k: int) -> None:
    """Control: parents with a 户号 of their own at their son's address (often with his
    phone as their contact), each household with a 低保 case of its own: two legitimate
    households, not a split one.

    Parameters
    ----------
    st : State
        The generation state; each control is recorded in ``st.controls``.
    k : int
        How many to make (fewer when too few candidates are left).
    """
    old = np.flatnonzero(st.H["courtyard_of"] >= 0)
    for hh in pick(st, old, k, lambda h: (int(h), int(st.H["courtyard_of"][h]))):
        cases = [_dibao_case(st, household) for household in (hh, int(st.H["courtyard_of"][hh]))]
        if None in cases:
            continue
        records = tuple(("assistance", int(uid)) for case in cases for uid in case_rows(st, case))
        st.controls.append(("legit_separate_household", records,
                            "two households (parents with their own 户号 next door to their "
                            "son) sharing an address, often a phone, each with its own 低保"))  # fmt: skip


def _dibao_case(st: State, hh: int) -> int | None:
    """The 低保 case of household ``hh`` when it has one of its own members only and they
    are on no other roster; when none is on a roster, one is enrolled (all its living
    members, covered). None otherwise, or when no member is alive."""
    members = np.arange(st.H["first"][hh], st.H["first"][hh] + st.H["size"][hh])
    members = members[st.P["death"][members] == NEVER]
    listed = ~st.rows["dropped"] & np.isin(st.rows["pid"], members)
    cases = np.unique(st.rows["case"][listed])
    if len(cases) == 0 and len(members):
        start = int(random_day(st.rng, day_number(COUNTY_START), st.as_of - 400, 1)[0])
        case = add_case(st, "低保", hh, start)
        for pid in members:
            add_row(st, case, int(pid), start, int(st.P["pos"][pid]), str(st.P["relation"][pid]))
        return case
    _, intact, pure = case_stats(st)
    if len(cases) == 1 and intact[cases[0]] and pure[cases[0]] \
            and st.cases["program"][cases[0]] == "低保":  # fmt: skip
        return int(cases[0])
    return None


def inject_stale_incomes(st: State, k: int) -> None:
    """Control: a severely disabled member of a household that is not poor, whose 低保 case
    ended and whose roster rows still show the low income of when it was paid: history,
    not a reason to think the household poor now.

    Parameters
    ----------
    st : State
        The generation state; each control is recorded in ``st.controls``.
    k : int
        How many to make (fewer when too few candidates are left).
    """
    rows, cases = st.rows, st.cases
    ended = np.bincount(rows["case"], weights=(rows["end"] == NEVER) & ~rows["dropped"],
                        minlength=len(cases)) == 0  # fmt: skip
    ended &= (cases["program"] == "低保") & ~st.H["poor"][cases["hh"]]
    candidates = np.flatnonzero(ended[rows["case"]] & ~rows["dropped"]
                                & (st.P["death"][rows["pid"]] == NEVER))  # fmt: skip
    candidates = candidates[
        np.bincount(rows["pid"], minlength=len(st.P["hh"]))[rows["pid"][candidates]] == 1
    ]  # on no other roster row
    for uid in pick(st, candidates, k, lambda u: row_households(st, u)):
        pid, case = int(rows["pid"][uid]), int(rows["case"][uid])
        _make_severe(st, pid)
        cases["income"][case] = round(float(st.rng.uniform(60, 360)), 1)
        st.controls.append(("stale_income", (("disability", pid), ("assistance", uid)),
                            "severely disabled; the only low income is on a case that ended"))  # fmt: skip


def inject_wrong_notices(st: State, k: int) -> None:
    """Control: a living, covered member reported dead (a namesake's notice, a mistyped
    ID). Most carry evidence of life after the date: the row began later, a certificate was
    issued later, the income was assessed later, or a second notice gives another date.

    Parameters
    ----------
    st : State
        The generation state; each control is recorded in ``st.controls``.
    k : int
        How many to make (fewer when too few candidates are left).
    """
    last = st.m_last - DEATH_GRACE_MONTHS - 2
    candidates = _death_candidates(st, last, None)
    for uid in pick(st, candidates, k, lambda u: row_households(st, u)):
        pid, case = int(st.rows["pid"][uid]), int(st.rows["case"][uid])
        start = int(st.rows["start"][uid])
        kind = str(st.rng.choice(["began_later", "certified_later", "assessed_later",
                                  "second_notice", "none"]))  # fmt: skip
        born = int(st.P["birth"][pid]) + 365
        if kind == "began_later" and born < start - 40:
            day = int(random_day(st.rng, max(start - 400, born), start - 40, 1)[0])
        else:
            kind = "none" if kind == "began_later" else kind
            first = max(int(month_index(start + 31)), st.m_first)
            day = _death_in_month(st, int(st.rng.integers(first, last + 1)))
        later = int(random_day(st.rng, day + 30, st.as_of - 15, 1)[0])
        if kind == "certified_later" and st.P["dis_type"][pid] < 0:
            st.P["dis_type"][pid] = names.DISABILITY_TYPES.index("肢体")
            st.P["dis_level"][pid], st.P["dis_issue"][pid] = 4, later
        elif kind == "certified_later":
            st.P["dis_issue"][pid] = later
        elif kind == "assessed_later":
            st.cases["assessed"][case] = later
        elif kind == "second_notice":
            st.false_notices.append((pid, later))
        st.false_notices.append((pid, day))
        st.controls.append(("wrong_death_notice", (("assistance", uid), ("deaths", pid)),
                            f"alive, reported dead; evidence of life: {kind}"))  # fmt: skip


def shared_contacts(st: State) -> None:
    """A village office phone on dozens of rows and an agent's account for dozens of cases,
    all of unrelated households (neither is an anomaly).

    One office phone and one agent's account per 100,000 people (at least one of each).

    Parameters
    ----------
    st : State
        The generation state; the phones and accounts are set on ``st.cases``.
    """
    _, intact, _ = case_stats(st)
    free = np.flatnonzero(intact & ~st.used_hh[st.cases["hh"]])
    for _ in range(max(1, st.people // 100_000)):
        if len(free) == 0:
            return
        office = _township_first(st, free, int(st.rng.integers(24, 41)))
        st.cases["phone"][office] = f"0878-{int(st.rng.integers(6100000, 6299999))}"
        free = np.setdiff1d(free, office)
        agent = _township_first(st, free, int(st.rng.integers(24, 37)))
        st.cases["bank"][agent] = new_bank(st)
        free = np.setdiff1d(free, agent)


def _township_first(st: State, free: np.ndarray, count: int) -> np.ndarray:
    """``count`` free cases, from one township first, then (if it has too few) any other."""
    if len(free) == 0:
        return free
    town = int(st.cases["township"][free[st.rng.integers(0, len(free))]])
    shuffled = st.rng.permutation(free)
    local = shuffled[st.cases["township"][shuffled] == town]
    rest = shuffled[st.cases["township"][shuffled] != town]
    return np.concatenate([local, rest])[:count]
