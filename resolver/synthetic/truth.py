"""The truth oracle: which rows of the drop are true cases.

``derive_cases`` applies the contract's section 2 rules (and the profiles' own rules) to the
clean tables, where every row carries its true person, household and 户号, so that background
generation can never hide an unlabelled case; ``check_truth`` asserts that every anomaly the
generator injected is among them and that no negative control is.

The oracle is deliberately independent of the detectors in ``models/detectors``: it decides the
true cases from the generator's own knowledge of the county and of what it injected, never by
calling or copying the detectors, so a rule the detectors get wrong is not copied into the
answer they are scored against.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from resolver.registries import PERSON_REGISTRIES
from resolver.synthetic import names
from resolver.synthetic.common import (
    DEATH_GRACE_MONTHS,
    DIBAO_STANDARD_YEAR,
    NEVER,
    Key,
    State,
    date_of,
    month_index,
    month_text,
    monthly_amounts,
)

GRADUAL_EXIT_MONTHS = 6  # 渐退 of the default policy; the profiles allow 6 to 24
# Profile rules the truth labels beyond the contract's (a true case under that profile only):
# 沙坡头区's B and C class 低保 cases must cover at least two members of a larger household,
# and its roster is compared with 建档立卡 household by household.
SHAPOTOU, SHAPOTOU_BC_MIN_COVERED = "沙坡头区", 2
# 大姚县 lists six key groups of the poverty registry to check for 低保/特困 coverage.
DAYAO = "大姚县"
# 梁平区回龙镇 lets only members of 未脱贫 建档立卡 households be enrolled alone (单人户); 大姚县
# members of 建档立卡 households whose family is not covered whole (its personal application,
# which the data never shows, an approved case went through); 兴安盟 only where the family is
# not covered whole. 大姚's group 三 makes a severely disabled member of any 建档立卡 household,
# whatever its status or income, a missed_disability case.
LIANGPING = "梁平区回龙镇"
# The profiles that check exits at 脱贫 (大姚's 脱贫不脱保, 梁平's and 兴安盟's 渐退).
XINGANMENG = "兴安盟"
WRONGFUL_EXIT_PROFILES = (DAYAO, LIANGPING, XINGANMENG)
NO_LABOR = ("丧失劳动力", "无劳动力")
POOR_STATUSES = ("未脱贫", "返贫", "脱贫监测户", "边缘户")  # 返贫: poor again, as 未脱贫
LOST_LABOR = ("丧失劳动力", "弱劳动力或半劳动力")  # 兴安盟: 完全和部分丧失劳动能力
PRIORITY_CAUSES = ("因病", "因残", "因灾")  # 沙坡头: 因大病、因重残、因突发事件致贫
SEVERE_ANY_LEVEL = ("智力", "精神")
CASE_TYPES = (
    "deceased_paid",
    "duplicate_enrollment",
    "split_household",
    "suspected_split",
    "missed_disability",
    "over_standard",
    "payment_mismatch",
)
CONTROL_TYPES = (
    "legit_single_person",
    "legit_separate_household",
    "stale_income",
    "mistyped_enrolled",
    "lookalike",
    "twins",
    "death_within_grace",
    "wrong_death_notice",
    "over_standard_within_exit",
    "exit_above_standard",
)


def _row_months(frame: pd.DataFrame, m_last: int) -> tuple[np.ndarray, np.ndarray]:
    start = month_index(frame["start_date"].to_numpy())
    end = np.minimum(month_index(frame["end_date"].to_numpy()), m_last)
    return start, end


def _severe_rows(disability: pd.DataFrame) -> np.ndarray:
    level = disability["disability_level"].to_numpy()
    mental = disability["disability_type"].isin(SEVERE_ANY_LEVEL).to_numpy()
    return (level <= 2) | mental


def derive_cases(
    tables: dict[str, pd.DataFrame], *, household: np.ndarray, hukou_of: np.ndarray, as_of: int,
    rise: float,
) -> list[dict[str, Any]]:  # fmt: skip
    """Apply the contract section 2 rules to clean tables (with true ``pid``); every true case.
    ``household``: each person's true household; ``hukou_of``: the 户号 each person is
    registered under; ``rise``: the yearly rise of the monthly amounts. A notice of a living
    person (``false_notice``) is no death.

    Parameters
    ----------
    tables : dict of str to pd.DataFrame
        The clean tables, with true ``pid`` and ``record_id`` columns.
    household : np.ndarray
        Each person's true household.
    hukou_of : np.ndarray
        The 户号 each person is registered under.
    as_of : int
        The day number the drop is taken.
    rise : float
        The yearly rise of the monthly amounts.

    Returns
    -------
    list of dict
        The true cases (``case_type``, ``records`` and the type's details), sorted by type and
        first record id.
    """
    deaths = tables["deaths"]
    tables = {**tables, "deaths": deaths[~deaths["false_notice"].to_numpy(dtype=bool)]}
    m_last = int(month_index(as_of))
    legit = _legit_single_cases(tables)
    found = (
        _derive_deceased(tables, m_last, rise)
        + _derive_duplicates(tables, as_of, m_last, rise)
        + _derive_payment_mismatch(tables, m_last, rise)
        + _derive_splits(tables, legit, hukou_of, as_of)
        + _derive_suspected_splits(tables, legit, household, hukou_of, as_of)
        + _derive_missed(tables, hukou_of, as_of)
        + _over_standard_by_profile(tables, as_of)
        + _derive_single_covered(tables, as_of)
        + _derive_a_class_partial(tables, as_of)
        + _derive_roster_gaps(tables, as_of)
        + _derive_key_persons(tables, as_of)
        + _derive_wrongful_exits(tables, as_of)
        + _derive_tekun_eligible(tables, as_of)
    )
    found += _profile_cases(tables, found, legit, household, hukou_of, as_of)
    order = [*CASE_TYPES, "single_covered_member", "a_class_partial", "roster_gap",
             "unenrolled_key_person", "exit_without_gradual", "tekun_eligible"]  # fmt: skip
    return sorted(
        found, key=lambda case: (order.index(case["case_type"]), case["records"][0]["record_id"])
    )


def _paid_months(payments: pd.DataFrame) -> dict[str, set[int]]:
    paid: dict[str, set[int]] = {}
    for case_no, month in zip(payments["case_no"], payments["pay_month"], strict=True):
        paid.setdefault(case_no, set()).add(int(month))
    return paid


def _own_amount(row: Any, month: int, rise: float) -> int:
    """A member's own amount in a month: the amount of the row's class (or 特困) that year."""
    return int(monthly_amounts([row.program], [row.dibao_class], [month], rise)[0])


def _derive_deceased(tables: dict[str, pd.DataFrame], m_last: int, rise: float
                     ) -> list[dict[str, Any]]:  # fmt: skip
    """A covered member paid after the month of death plus the grace, while the row was
    active: the member's own amount in each of those months."""
    deaths = tables["deaths"]
    died = deaths.groupby("pid")["death_date"].min()
    rows = tables["assistance"]
    rows = rows[(rows["covered"] == "是") & rows["pid"].isin(died.index)]
    start, end = _row_months(rows, m_last)
    paid = _paid_months(tables["payments"])
    found = []
    for i, row in enumerate(rows.itertuples(index=False)):
        death_month = int(month_index(died[row.pid]))
        months = [
            m
            for m in sorted(paid.get(row.case_no, ()))
            if m > death_month + DEATH_GRACE_MONTHS and start[i] <= m <= end[i]
        ]
        if not months:
            continue
        notices = deaths.loc[deaths["pid"] == row.pid, "record_id"].tolist()
        found.append(
            {
                "case_type": "deceased_paid",
                "records": [{"registry": "assistance", "record_id": row.record_id}],
                "amount_at_risk": float(sum(_own_amount(row, m, rise) for m in months)),
                "note": f"died {date_of(died[row.pid])}; paid {len(months)} months after "
                f"{month_text(death_month + DEATH_GRACE_MONTHS)}",
                "person_id": person_label(row.pid),
                "death_records": [{"registry": "deaths", "record_id": r} for r in notices],
                "paid_months": [month_text(m) for m in months],
            }
        )
    return found


PAYMENT_TOLERANCE, MISMATCH_MONTHS = 0.1, 3  # the default policy's


def _derive_payment_mismatch(tables: dict[str, pd.DataFrame], m_last: int, rise: float
                             ) -> list[dict[str, Any]]:  # fmt: skip
    """A case paid, in three months or more, an amount differing by more than a tenth from
    its covered members' own amounts that month (or paid with no covered member active):
    what was paid above them at risk (none when only short)."""
    owed = _member_months(tables["assistance"], m_last, rise)
    paid = tables["payments"].groupby(["case_no", "pay_month"])["amount"].sum().rename("paid")
    months = paid.to_frame().join(owed.groupby(["case_no", "pay_month"])["owed"].sum())
    months["owed"] = months["owed"].fillna(0)
    months = months[(months["paid"] - months["owed"]).abs() > PAYMENT_TOLERANCE * months["owed"]]
    counted = months.groupby(level=0).size()
    months = months[counted.reindex(months.index.get_level_values(0)).to_numpy()
                    >= MISMATCH_MONTHS]  # fmt: skip
    active = owed.join(months[[]], on=["case_no", "pay_month"], how="inner")
    records = active.groupby("case_no")["record_id"].agg(lambda ids: sorted(set(ids)))
    over = (months["paid"] - months["owed"]).clip(lower=0).groupby(level=0).sum()
    return [
        {
            "case_type": "payment_mismatch",
            "records": [{"registry": "assistance", "record_id": r}
                        for r in records.get(case_no, [])],
            "amount_at_risk": float(over[case_no]) if over[case_no] else None,
            "note": f"paid amiss in {int(counted[case_no])} months",
        }
        for case_no in sorted(over.index)
    ]  # fmt: skip


def _member_months(rows: pd.DataFrame, m_last: int, rise: float) -> pd.DataFrame:
    """Each covered row's own amount in each month it is active: case_no, pay_month,
    record_id, owed."""
    rows = rows[rows["covered"] == "是"]
    start, end = _row_months(rows, m_last)
    count = np.maximum(end - start + 1, 0)
    index = np.repeat(np.arange(len(rows)), count)
    months = start[index] + np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count,
                                                                    count)  # fmt: skip
    return pd.DataFrame({
        "case_no": rows["case_no"].to_numpy()[index],
        "pay_month": months,
        "record_id": rows["record_id"].to_numpy()[index],
        "owed": monthly_amounts(rows["program"].to_numpy()[index],
                                rows["dibao_class"].to_numpy()[index], months, rise),
    })  # fmt: skip


def person_label(pid: int) -> str:
    """The truth's label of a person: ``P`` and the index in seven digits.

    Parameters
    ----------
    pid : int
        The person's index.

    Returns
    -------
    str
        The label, e.g. ``P0000042``.
    """
    return f"P{int(pid):07d}"


def _derive_duplicates(
    tables: dict[str, pd.DataFrame], as_of: int, m_last: int, rise: float
) -> list[dict[str, Any]]:
    """One person on rows of two or more cases active at once; the money: in each month the
    person was paid in two or more cases, everything above the largest amount received."""
    rows = tables["assistance"]
    rows = rows[rows.groupby("pid")["case_no"].transform("nunique") > 1].copy()
    rows["m_start"], rows["m_end"] = _row_months(rows, m_last)
    rows["last_day"] = np.minimum(rows["end_date"].to_numpy(), as_of)
    by_person: dict[int, list[Any]] = {}
    for row in rows.itertuples(index=False):
        by_person.setdefault(int(row.pid), []).append(row)
    paid = _paid_months(tables["payments"])
    found = []
    for pid in sorted(by_person):
        items = sorted(by_person[pid], key=lambda r: (r.start_date, r.record_id))
        involved = _overlapping(items)
        if involved:
            chosen = [row for row in items if row.record_id in involved]
            found.append(
                {
                    "case_type": "duplicate_enrollment",
                    "records": [{"registry": "assistance", "record_id": r}
                                for r in sorted(involved)],
                    "amount_at_risk": float(paid_twice(chosen, paid, rise)),
                    "note": f"one person on {len(involved)} assistance rows of different cases "
                    "with overlapping active months",
                    "person_id": person_label(pid),
                }
            )  # fmt: skip
    return found


def _overlapping(items: list[Any]) -> set[str]:
    """The rows (sorted by start) of one person that overlap a row of another case."""
    involved: set[str] = set()
    for j, later in enumerate(items):
        for earlier in items[:j]:
            if (earlier.case_no == later.case_no or later.start_date > earlier.last_day
                    or earlier.start_date > later.last_day):  # fmt: skip
                continue
            involved.update((earlier.record_id, later.record_id))
    return involved


def paid_twice(rows: list[Any], paid: dict[str, set[int]], rise: float) -> int:
    """Over the months a person's covered rows were paid by two or more cases: the amounts
    received beyond the largest one (a case counts once a month, at its largest row).

    Parameters
    ----------
    rows : list
        The person's roster rows (``covered``, ``case_no``, program and class).
    paid : dict of str to set of int
        The months each case was paid in.
    rise : float
        The yearly rise of the amounts.

    Returns
    -------
    int
        The amount paid twice, in 元.
    """
    received: dict[int, dict[str, int]] = {}
    for row in rows:
        if row.covered != "是":
            continue
        for month in paid.get(row.case_no, ()):
            if row.m_start <= month <= row.m_end:
                by_case = received.setdefault(month, {})
                amount = _own_amount(row, month, rise)
                by_case[row.case_no] = max(amount, by_case.get(row.case_no, 0))
    return sum(sum(by_case.values()) - max(by_case.values()) for by_case in received.values())


def _legit_single_cases(tables: dict[str, pd.DataFrame]) -> set[str]:
    """Single-person cases of a severely disabled or gravely ill member (单人户保障)."""
    rows = tables["assistance"]
    disability = tables["disability"]
    severe = set(disability.loc[_severe_rows(disability), "pid"].tolist())
    roster = rows.groupby("case_no")["record_id"].transform("size").to_numpy()
    lone = rows[roster == 1]
    return set(lone.loc[lone["pid"].isin(severe) | (lone["health"] == "患有大病"), "case_no"])


def _profile_cases(tables: dict[str, pd.DataFrame], found: list[dict[str, Any]], legit: set[str],
                   household: np.ndarray, hukou_of: np.ndarray, as_of: int
                   ) -> list[dict[str, Any]]:  # fmt: skip
    """The cases a profile's narrower 单人户 rule or 大姚's group 三 adds to the contract's."""
    seen = {(c["case_type"], tuple(r["record_id"] for r in c["records"])) for c in found}
    poverty = tables["poverty"]
    not_lifted = set(poverty.loc[poverty["poverty_status"].isin(["未脱贫", "返贫"]), "pid"])
    lone = tables["assistance"][tables["assistance"]["case_no"].isin(legit)]
    not_whole = _family_not_whole(tables, lone, hukou_of, as_of)
    profiles = {
        LIANGPING: set(lone.loc[lone["pid"].isin(not_lifted), "case_no"]),
        DAYAO: not_whole & set(lone.loc[lone["pid"].isin(poverty["pid"]), "case_no"]),
        XINGANMENG: not_whole,
    }
    extra = []
    for name, allowed in profiles.items():
        for case in (_derive_splits(tables, allowed, hukou_of, as_of)
                     + _derive_suspected_splits(tables, allowed, household, hukou_of, as_of)):  # fmt: skip
            key = (case["case_type"], tuple(r["record_id"] for r in case["records"]))
            if key not in seen:
                extra.append({**case, "policy": name})
    disability, rows = tables["disability"], tables["assistance"]
    enrolled = set(rows.loc[(rows["covered"] == "是") & (rows["end_date"] >= as_of), "pid"])
    dead = set(tables["deaths"]["pid"].tolist())
    registered = set(poverty["pid"].tolist())
    for row in disability[_severe_rows(disability)].itertuples(index=False):
        key = ("missed_disability", (row.record_id,))
        if row.pid in registered and row.pid not in dead | enrolled and key not in seen:
            extra.append({"case_type": "missed_disability",
                          "records": [{"registry": "disability", "record_id": row.record_id}],
                          "amount_at_risk": None, "person_id": person_label(row.pid),
                          "note": "大姚 group 三: severely disabled, 建档立卡 member, no active "
                          "低保 or 特困", "policy": DAYAO})  # fmt: skip
    return extra


def _family_not_whole(tables: dict[str, pd.DataFrame], lone: pd.DataFrame, hukou_of: np.ndarray,
                      as_of: int) -> set[str]:  # fmt: skip
    """兴安盟's and 大姚's 单人户 ("不符合整户纳入条件的按照单人户纳入", "不含整户纳入低保范围的"):
    the single-person cases whose member's hukou family is not all covered besides him and
    its dead (or who has no one else living)."""
    rows = tables["assistance"]
    enrolled = set(rows.loc[(rows["covered"] == "是") & (rows["end_date"] >= as_of), "pid"])
    dead = set(tables["deaths"]["pid"].tolist())  # the dead need no coverage
    families = pd.Series(np.arange(len(hukou_of))).groupby(hukou_of).agg(set)
    others = {case: families[hukou_of[pid]] - {pid} - dead
              for case, pid in zip(lone["case_no"], lone["pid"], strict=True)}  # fmt: skip
    return {case for case, family in others.items() if not (family and family <= enrolled)}


def _dibao_rows(tables: dict[str, pd.DataFrame], legit: set[str]) -> pd.DataFrame:
    rows = tables["assistance"]
    return rows[(rows["program"] == "低保") & ~rows["case_no"].isin(legit)].copy()


def _derive_splits(tables: dict[str, pd.DataFrame], legit: set[str], hukou_of: np.ndarray,
                   as_of: int) -> list[dict[str, Any]]:  # fmt: skip
    """One hukou family (one 户号) in two or more concurrent 低保 cases, each holding
    members the other lacks; a legitimate 单人户 case does not count."""
    dibao = _dibao_rows(tables, legit)
    dibao["family"] = hukou_of[dibao["pid"].to_numpy()]
    found = []
    for family, group in _groups_of_cases(dibao, "family"):
        involved, records = _split_cases(_moments(group), as_of)
        if involved:
            found.append(
                {
                    "case_type": "split_household",
                    "records": _records(records),
                    "amount_at_risk": None,
                    "note": f"one hukou household in {len(involved)} concurrent 低保 cases",
                    "household": family,
                    "case_numbers": sorted(involved),
                }
            )
    return found


def _derive_suspected_splits(
    tables: dict[str, pd.DataFrame], legit: set[str], household: np.ndarray,
    hukou_of: np.ndarray, as_of: int,
) -> list[dict[str, Any]]:  # fmt: skip
    """A family that moved members to a 户号 of their own (分户) and is enrolled as concurrent
    低保 cases of different 户号, each holding members the other lacks, paid to one bank
    account: 疑似人为分户 (the tie a reviewer can find is the account; a phone or an address
    alone ties nothing)."""
    dibao = _dibao_rows(tables, legit)
    dibao["hh"] = household[dibao["pid"].to_numpy()]
    dibao["family"] = hukou_of[dibao["pid"].to_numpy()]
    found = []
    for hh, group in _groups_of_cases(dibao, "hh"):
        involved, records = _split_cases(_moments(group), as_of)
        chosen = group[group["case_no"].isin(involved)]
        tied = {
            case
            for _, by_account in chosen.groupby("bank_account")
            if by_account["case_no"].nunique() > 1 and by_account["family"].nunique() > 1
            for case in by_account["case_no"]
        }
        if tied:
            found.append(
                {
                    "case_type": "suspected_split",
                    "records": _records(
                        set(group.loc[group["case_no"].isin(tied), "record_id"]) & records
                    ),
                    "amount_at_risk": None,
                    "note": f"one family under {group['family'].nunique()} 户号 in "
                    f"{len(tied)} concurrent 低保 cases paid to one account",
                    "household": f"H{int(hh):07d}",
                    "case_numbers": sorted(tied),
                }
            )
    return found


def _groups_of_cases(rows: pd.DataFrame, key: str) -> list[tuple[Any, pd.DataFrame]]:
    """The groups of rows by ``key`` that span two or more cases, in key order."""
    rows = rows[rows.groupby(key)["case_no"].transform("nunique") > 1]
    return list(rows.groupby(key, sort=True))


def _moments(group: pd.DataFrame) -> list[tuple[str, int, int, int, str]]:
    fields = ["case_no", "pid", "start_date", "end_date", "record_id"]
    return [(case, int(pid), int(start), int(end), record) for case, pid, start, end, record
            in group[fields].itertuples(index=False, name=None)]  # fmt: skip


def _records(records: set[str]) -> list[dict[str, str]]:
    return [{"registry": "assistance", "record_id": record} for record in sorted(records)]


def _split_cases(group: list[tuple[str, int, int, int, str]], as_of: int
                 ) -> tuple[set[str], set[str]]:  # fmt: skip
    """The cases of one household that, at some moment, each hold members the other lacks,
    and the rows active at such a moment (a row ended before, such as a member's earlier row
    in the case he left, is not part of the split). ``group``: (case_no, pid, start_date,
    end_date, record_id) of the household's 低保 rows."""
    times = sorted(
        {start for _, _, start, _, _ in group} | {end + 1 for *_, end, _ in group if end < as_of}
    )
    involved: set[str] = set()
    records: set[str] = set()
    for t in times:
        active = [row for row in group if row[2] <= t <= row[3]]
        members: dict[str, set[int]] = {}
        for case_no, pid, *_ in active:
            members.setdefault(case_no, set()).add(pid)
        holding = set()
        keys = sorted(members)
        for i, one in enumerate(keys):
            for two in keys[i + 1 :]:
                if members[one] - members[two] and members[two] - members[one]:
                    holding.update((one, two))
        involved |= holding
        records |= {row[4] for row in active if row[0] in holding}
    return involved, records


# Each profile's reading of 渐退 where it differs from the default's (6 months for every
# 低保 case): the months, whether only cases with a covered member of a 建档立卡 household get
# them (the others have none), and the statuses of households still covered after them.
EXIT_READINGS = {
    DAYAO: (12, True, ()),
    LIANGPING: (6, True, ()),
    XINGANMENG: (24, True, ("未脱贫", "返贫", "脱贫监测户")),
}


def _over_standard_by_profile(tables: dict[str, pd.DataFrame], as_of: int
                              ) -> list[dict[str, Any]]:  # fmt: skip
    """The default's over_standard cases, each naming the profiles it is not true under
    (``except``: another amount, or no case), and each profile's own cases."""
    default = {_case_key(c): c for c in _derive_over_standard(tables, as_of)}
    extra = []
    for profile, reading in EXIT_READINGS.items():
        own = {_case_key(c): c for c in _derive_over_standard(tables, as_of, *reading)}
        for key, case in default.items():
            if own.get(key, {}).get("amount_at_risk") != case["amount_at_risk"]:
                case.setdefault("except", []).append(profile)
        extra += [{**case, "policy": profile} for key, case in own.items()
                  if default.get(key, {}).get("amount_at_risk") != case["amount_at_risk"]]  # fmt: skip
    return [*default.values(), *extra]


def _case_key(case: dict[str, Any]) -> tuple[str, ...]:
    return tuple(record["record_id"] for record in case["records"])


def _derive_over_standard(tables: dict[str, pd.DataFrame], as_of: int,
                          months: int = GRADUAL_EXIT_MONTHS, poverty_only: bool = False,
                          covered_after: tuple[str, ...] = ()) -> list[dict[str, Any]]:  # fmt: skip
    """低保 cases whose income per person is above the standard, paid in months after the
    渐退 period, counted from the income assessment (else the latest enrollment). The
    default gives every case ``months``; a profile may give them only to cases with a
    covered member of a 建档立卡贫困户 (``poverty_only``; others, 边缘户 too, have none) and keep
    covered the cases with a member of a household of a status in ``covered_after``. A case
    closed since (no covered row active) counts on the covered rows that ended last, when
    their income was assessed on a date: the months it was paid past the period."""
    rows, poverty = tables["assistance"], tables["poverty"]
    status = dict(zip(poverty["pid"], poverty["poverty_status"], strict=True))
    covered = rows[(rows["program"] == "低保") & (rows["covered"] == "是")]
    last_end = covered.groupby("case_no")["end_date"].transform("max")
    closed = (last_end < as_of) & (covered["end_date"] == last_end)
    dated = (covered["assessed"] != NEVER).groupby(covered["case_no"]).transform("any")
    active = covered[(covered["end_date"] >= as_of) | (closed & dated)]
    payments = tables["payments"]
    over = active.groupby("case_no")["income_per_capita"].transform("max") * 12
    found = []
    for case_no, group in active[over > DIBAO_STANDARD_YEAR].groupby("case_no", sort=True):
        statuses = {status[pid] for pid in group["pid"] if pid in status}
        if statuses & set(covered_after):
            continue
        period = months if statuses - {"边缘户"} or not poverty_only else 0  # 边缘户: no 贫困户
        income = float(group["income_per_capita"].max())
        assessed = group.loc[group["assessed"] != NEVER, "assessed"]
        since = int(assessed.max()) if len(assessed) else int(group["start_date"].max())
        paid = payments[(payments["case_no"] == case_no)
                        & (payments["pay_month"] > int(month_index(since)) + period)]  # fmt: skip
        if len(paid):
            found.append(
                {
                    "case_type": "over_standard",
                    "records": [{"registry": "assistance", "record_id": r}
                                for r in sorted(group["record_id"])],
                    "amount_at_risk": float(paid["amount"].sum()),
                    "note": f"income {income:.0f} a month per person since {date_of(since)}; "
                    f"paid {len(paid)} months after a {period}-month 渐退",
                }
            )  # fmt: skip
    return found


def _derive_a_class_partial(tables: dict[str, pd.DataFrame], as_of: int) -> list[dict[str, Any]]:
    """沙坡头区 only: an active 低保 case with a covered class A member covering fewer members
    than its household (members listed, or its household size): A class families are
    covered whole: 农村 cases, and those whose 城乡属性 is not said."""
    rows = tables["assistance"]
    active = rows[(rows["program"] == "低保") & (rows["end_date"] >= as_of)]
    by_case = active.groupby("case_no")
    covered = active["covered"] == "是"
    a_class = (covered & (active["dibao_class"] == "A")).groupby(active["case_no"]).transform("any")
    sizes = np.maximum(
        by_case["pid"].transform("nunique"), by_case["household_size"].transform("max")
    )
    partial = covered.groupby(active["case_no"]).transform("sum") < sizes
    partial &= active["area"] != "城市"  # 农村 A class families (and those not said)
    return [
        {
            "case_type": "a_class_partial",
            "records": [{"registry": "assistance", "record_id": r}
                        for r in sorted(group["record_id"])],
            "amount_at_risk": None,
            "note": f"A class case covering {int((group['covered'] == '是').sum())} of "
            f"{max(group['pid'].nunique(), int(group['household_size'].max()))}",
            "policy": SHAPOTOU,
        }
        for _, group in active[a_class & partial].groupby("case_no", sort=True)
    ]  # fmt: skip


def _derive_single_covered(tables: dict[str, pd.DataFrame], as_of: int) -> list[dict[str, Any]]:
    """沙坡头区 only: a rural (or area not said) B or C class 低保 case (every active covered
    member of class B or C; one covering a class A member is an A case) of a household of two or more
    (members listed, or its household size) covering fewer than two active members, unless
    each covered one may be enrolled alone (severely disabled, or gravely ill by the roster
    or the 建档立卡 registry)."""
    rows, poverty = tables["assistance"], tables["poverty"]
    disability = tables["disability"]
    alone = set(disability.loc[_severe_rows(disability), "pid"].tolist())
    alone |= set(rows.loc[rows["health"] == "患有大病", "pid"].tolist())
    alone |= set(poverty.loc[poverty["health"] == "患有大病", "pid"].tolist())
    active = rows[(rows["program"] == "低保") & (rows["end_date"] >= as_of)]
    active = active[active["area"] != "城市"]  # the rule is 农村低保's
    of_b_or_c = active["dibao_class"].isin(["B", "C"]) | (active["covered"] != "是")  # 对象 only
    active = active[of_b_or_c.groupby(active["case_no"]).transform("all")]
    by_case = active.groupby("case_no")
    sizes = np.maximum(
        by_case["pid"].transform("nunique"), by_case["household_size"].transform("max")
    )
    covered_count = (active["covered"] == "是").groupby(active["case_no"]).transform("sum")
    few = (sizes >= 2) & (covered_count > 0) & (covered_count < SHAPOTOU_BC_MIN_COVERED)
    found = []
    for _, group in active[few].groupby("case_no", sort=True):
        covered = group[group["covered"] == "是"]
        size = max(group["pid"].nunique(), int(group["household_size"].max()))
        if set(covered["pid"]) <= alone:
            continue
        found.append(
            {
                "case_type": "single_covered_member",
                "records": [{"registry": "assistance", "record_id": r}
                            for r in sorted(covered["record_id"])],
                "amount_at_risk": None,
                "note": f"{group['dibao_class'].iloc[0]} class case of {size} covering "
                f"{len(covered)}",
                "policy": SHAPOTOU,
            }
        )  # fmt: skip
    return found


def _derive_roster_gaps(tables: dict[str, pd.DataFrame], as_of: int) -> list[dict[str, Any]]:
    """沙坡头区 only: a 低保 or 特困 case none of whose active covered members is in the
    建档立卡 registry; a 建档立卡 household marked 扶贫低保户 none of whose members is."""
    rows, poverty = tables["assistance"], tables["poverty"]
    registered = set(poverty["pid"].tolist())
    active = rows[(rows["covered"] == "是") & (rows["end_date"] >= as_of)]
    enrolled = set(active["pid"].tolist())
    marked = [
        {
            "case_type": "roster_gap",
            "records": [{"registry": "poverty", "record_id": r}
                        for r in sorted(group["record_id"])],
            "amount_at_risk": None,
            "note": "marked 扶贫低保户, no member on an active roster",
            "policy": SHAPOTOU,
        }
        for _, group in poverty[poverty["dibao_mark"] == "是"].groupby("poverty_hh_no", sort=True)
        if not set(group["pid"]) & enrolled
    ]  # fmt: skip
    outside = ~active["pid"].isin(registered).groupby(active["case_no"]).transform("any")
    outside &= active["area"] != "城市"  # 沙坡头 compares 农村 cases (and those not said)
    return marked + [
        {
            "case_type": "roster_gap",
            "records": [{"registry": "assistance", "record_id": r}
                        for r in sorted(group["record_id"])],
            "amount_at_risk": None,
            "note": f"{len(group)} covered members, none in 建档立卡",
            "policy": SHAPOTOU,
        }
        for _, group in active[outside].groupby("case_no", sort=True)
    ]  # fmt: skip


def _derive_key_persons(tables: dict[str, pd.DataFrame], as_of: int) -> list[dict[str, Any]]:
    """大姚县, 梁平区回龙镇, 兴安盟 and 沙坡头区 only: a living member of a 建档立卡 household
    in one of the profile's key groups with no active covered 低保/特困 row; the severely
    disabled are missed_disability cases instead. 大姚: 未脱贫, 监测户, 边缘户, lifted but
    under the 低保 standard, or no one able to work (零劳力); 梁平: 未脱贫, 返贫, 监测户 (附件3), 边缘户; 兴安盟:
    a member who lost all or part of the capacity to work, of a poor household; 沙坡头: a
    member of a poor household impoverished by illness, disability or a disaster."""
    poverty, rows = tables["poverty"], tables["assistance"]
    disability = tables["disability"]
    excluded = set(disability.loc[_severe_rows(disability), "pid"].tolist())
    excluded |= set(tables["deaths"]["pid"].tolist())
    excluded |= set(rows.loc[(rows["covered"] == "是") & (rows["end_date"] >= as_of), "pid"])
    no_labor = poverty["labor_capacity"].isin(NO_LABOR)
    zero_labor = no_labor.groupby(poverty["poverty_hh_no"]).transform("all")
    status = poverty["poverty_status"]
    below = poverty["income_per_capita_year"] < DIBAO_STANDARD_YEAR
    poor = status.isin(POOR_STATUSES) | below
    groups = {
        DAYAO: status.isin(POOR_STATUSES) | zero_labor | ((status == "已脱贫") & below),
        LIANGPING: status.isin(POOR_STATUSES),  # 附件1–3: 未脱贫, 边缘户, 脱贫监测户
        XINGANMENG: poverty["labor_capacity"].isin(LOST_LABOR) & poor,
        SHAPOTOU: poverty["poverty_cause"].isin(PRIORITY_CAUSES) & poor,
    }
    return [
        {
            "case_type": "unenrolled_key_person",
            "records": [{"registry": "poverty", "record_id": record}],
            "amount_at_risk": None,
            "note": "key group member with no active 低保 or 特困",
            "policy": profile,
        }
        for profile, key in groups.items()
        for record in sorted(poverty.loc[key & ~poverty["pid"].isin(excluded), "record_id"])
    ]


def _derive_tekun_eligible(tables: dict[str, pd.DataFrame], as_of: int) -> list[dict[str, Any]]:
    """兴安盟 and 大姚县 only: a 建档立卡 household every member of which is 丧失劳动力 or
    无劳动力 and that is poor (a poor status, or an income under the standard): its living
    members with no active covered 特困 row (one true case per profile)."""
    poverty, rows = tables["poverty"], tables["assistance"]
    in_tekun = set(rows.loc[(rows["program"] == "特困") & (rows["covered"] == "是")
                            & (rows["end_date"] >= as_of), "pid"])  # fmt: skip
    dead = set(tables["deaths"]["pid"].tolist())
    no_labor = (
        poverty["labor_capacity"].isin(NO_LABOR).groupby(poverty["poverty_hh_no"]).transform("all")
    )
    poor = (poverty["poverty_status"].isin(POOR_STATUSES)
            | (poverty["income_per_capita_year"] < DIBAO_STANDARD_YEAR))  # fmt: skip
    chosen = poverty[no_labor & poor & ~poverty["pid"].isin(in_tekun | dead)]
    return [
        {
            "case_type": "tekun_eligible",
            "records": [{"registry": "poverty", "record_id": r}
                        for r in sorted(group["record_id"])],
            "amount_at_risk": None,
            "note": "no one in the 建档立卡 household can work; poor; not in 特困",
            "policy": profile,
        }
        for _, group in chosen.groupby("poverty_hh_no", sort=True)
        for profile in (XINGANMENG, DAYAO)
    ]  # fmt: skip


def _derive_wrongful_exits(tables: dict[str, pd.DataFrame], as_of: int) -> list[dict[str, Any]]:
    """大姚, 梁平 and 兴安盟 only: a 低保 case every covered row of which ended, with living
    members of a 建档立卡 household declared 已脱贫 whose income per person is under the
    standard — under 兴安盟 also of a household not yet stably out of poverty (its
    ``EXIT_READINGS`` statuses), whatever its income — covered by no active 低保 or 特困 row
    (one true case per profile)."""
    poverty, rows = tables["poverty"], tables["assistance"]
    covered = rows[rows["covered"] == "是"]
    excluded = set(covered.loc[covered["end_date"] >= as_of, "pid"])
    excluded |= set(tables["deaths"]["pid"].tolist())
    still_poor = set(poverty.loc[(poverty["poverty_status"] == "已脱贫")
                                 & (poverty["income_per_capita_year"] < DIBAO_STANDARD_YEAR),
                                 "pid"])  # fmt: skip
    dibao = covered[covered["program"] == "低保"]
    closed = dibao.groupby("case_no")["end_date"].transform("max") < as_of
    found = []
    for profile in WRONGFUL_EXIT_PROFILES:
        kept = EXIT_READINGS[profile][2]
        owed = still_poor | set(poverty.loc[poverty["poverty_status"].isin(kept), "pid"])
        chosen = dibao[closed & dibao["pid"].isin(owed) & ~dibao["pid"].isin(excluded)]
        found += [
            {
                "case_type": "exit_without_gradual",
                "records": [{"registry": "assistance", "record_id": r}
                            for r in sorted(group["record_id"])],
                "amount_at_risk": None,
                "note": "低保 ended; 已脱贫 with an income under the standard, or not yet stably "
                "out of poverty, covered nowhere",
                "policy": profile,
            }
            for _, group in chosen.groupby("case_no", sort=True)
        ]  # fmt: skip
    return found


def _derive_missed(tables: dict[str, pd.DataFrame], hukou_of: np.ndarray, as_of: int
                   ) -> list[dict[str, Any]]:  # fmt: skip
    """A living, severely disabled person of a poor household — by the 建档立卡 status or
    income, or the income of the household's active roster (a case the person is listed on
    now, or one covering someone of their 户号; never a case that ended) — with no active
    covered 低保 or 特困 row."""
    disability = tables["disability"]
    poverty = tables["poverty"]
    rows = tables["assistance"]
    dead = set(tables["deaths"]["pid"].tolist())
    poor_rows = poverty["poverty_status"].isin(POOR_STATUSES) | (
        poverty["income_per_capita_year"] < DIBAO_STANDARD_YEAR
    )
    poor = set(poverty.loc[poor_rows, "pid"].tolist())
    current = rows[(rows["covered"] == "是") & (rows["end_date"] >= as_of)]
    low_cases = set(current.loc[current["income_per_capita"] * 12 < DIBAO_STANDARD_YEAR,
                                "case_no"])  # fmt: skip
    listed = rows[(rows["end_date"] >= as_of) & rows["case_no"].isin(low_cases)]
    poor |= set(listed["pid"].tolist())
    low_families = set(hukou_of[current.loc[current["case_no"].isin(low_cases), "pid"]])
    poor |= set(np.flatnonzero(pd.Series(hukou_of).isin(low_families).to_numpy()).tolist())
    enrolled = set(current["pid"].tolist())
    found = []
    for row in disability[_severe_rows(disability)].itertuples(index=False):
        if row.pid in dead or row.pid not in poor or row.pid in enrolled:
            continue
        found.append(
            {
                "case_type": "missed_disability",
                "records": [{"registry": "disability", "record_id": row.record_id}],
                "amount_at_risk": None,
                "note": f"{row.disability_type}{names.LEVEL_CHINESE[row.disability_level - 1]}, "
                "poor household, no active 低保 or 特困",
                "person_id": person_label(row.pid),
            }
        )
    return found


def record_ids(tables: dict[str, pd.DataFrame]) -> dict[str, dict[int, list[str]]]:
    """Internal key -> record ids, per person registry.

    Parameters
    ----------
    tables : dict of str to pd.DataFrame
        The clean tables, with ``key`` and ``record_id`` columns.

    Returns
    -------
    dict of str to dict of int to list of str
        Per person registry: each internal key's record ids.
    """
    out: dict[str, dict[int, list[str]]] = {}
    for registry in PERSON_REGISTRIES:
        frame = tables[registry]
        mapping: dict[int, list[str]] = {}
        for key, record in zip(frame["key"].tolist(), frame["record_id"].tolist(), strict=True):
            mapping.setdefault(int(key), []).append(record)
        out[registry] = mapping
    return out


def _resolve(keys: Iterable[Key], ids: dict[str, dict[int, list[str]]]) -> list[dict[str, str]]:
    records = []
    for registry, key in keys:
        for record in ids[registry][key]:
            records.append({"registry": registry, "record_id": record})
    return records


def check_truth(st: State, derived: list[dict[str, Any]], ids: dict) -> list[dict[str, Any]]:
    """Assert every injected anomaly is derived and no control is; return the controls.

    Parameters
    ----------
    st : State
        The generation state, with its injected anomalies and controls.
    derived : list of dict
        The true cases ``derive_cases`` found.
    ids : dict
        Record ids per registry and internal key (``record_ids``).

    Returns
    -------
    list of dict
        The controls (``control_type``, ``records``, ``note``), sorted by type and first record.

    Raises
    ------
    AssertionError
        When an injected anomaly is not derived, or a control's record is flagged.
    """
    signature = {
        (c["case_type"], tuple(sorted(r["record_id"] for r in c["records"]))) for c in derived
    }
    for case_type, keys in st.injected:
        records = tuple(sorted(r["record_id"] for r in _resolve(keys, ids)))
        if (case_type, records) not in signature:
            raise AssertionError(
                f"injected {case_type} {records} not derived from the clean tables"
            )
    # Controls imitate what the contract's rules flag; a profile's own cases may hold them.
    flagged = {r["record_id"] for c in derived if "policy" not in c for r in c["records"]}
    controls = []
    for control_type, keys, note in st.controls:
        records = _resolve(keys, ids)
        guarded = [r for r in records if r["registry"] in ("assistance", "disability")]
        if any(r["record_id"] in flagged for r in guarded):
            raise AssertionError(f"control {control_type} {records} is flagged as an anomaly")
        controls.append({"control_type": control_type, "records": records, "note": note})
    order = list(CONTROL_TYPES)
    return sorted(
        controls, key=lambda c: (order.index(c["control_type"]), c["records"][0]["record_id"])
    )
