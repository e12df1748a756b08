"""The clean tables: the generated county as one table per registry, before any noise.

户籍, the assistance roster, payments, 建档立卡, disability certificates and death notices,
each with its record ids, true person ids and internal keys: what the truth is derived from
and the drop is written from.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from resolver.synthetic import names
from resolver.synthetic.common import FILES, NEVER, State, month_index, monthly_amounts
from resolver.synthetic.enrolment import enrolled_households
from resolver.synthetic.people import severe

RECORD_PREFIX = {
    "hukou": "HJ",
    "assistance": "JZ",
    "payments": "FF",
    "poverty": "JD",
    "disability": "CJ",
    "deaths": "SW",
}


def _person_columns(st: State, pids: np.ndarray) -> dict[str, np.ndarray]:
    P, H, geo = st.P, st.H, st.geo
    hh = P["hh"][pids]
    town = H["township"][hh]
    village = H["village"][hh]
    townships = np.array(geo.townships, dtype=object)
    return {
        "pid": pids,
        "name": (P["surname"][pids] + P["given"][pids]).astype(object),
        "id_number": P["id"][pids],
        "gender": np.where(P["male"][pids], "男", "女").astype(object),
        "birth_date": P["birth"][pids],
        "relation": P["relation"][pids],
        "township": townships[town],
        "village": np.array(
            [geo.villages[t][v] for t, v in zip(town, village, strict=True)], dtype=object
        ),
        "address": _addresses(st, town, village, H["house"][hh], H["coarse"][hh]),
        "phone": P["phone"][pids],
        "eth": P["eth"][pids],
    }


def _addresses(st: State, town: np.ndarray, village: np.ndarray, house: np.ndarray,
               coarse: np.ndarray) -> np.ndarray:  # fmt: skip
    """``金碧镇大坪村3组25号``: township, village, village group (80 houses each) and house;
    a coarse address stops at the group (``金碧镇大坪村3组``)."""
    geo = st.geo
    return np.array(
        [
            f"{geo.townships[t]}{geo.villages[t][v]}{(h - 1) % 800 // 80 + 1}组"
            + ("" if c else f"{h}号")
            for t, v, h, c in zip(town, village, house, coarse, strict=True)
        ],
        dtype=object,
    )


def _remarks(st: State, n: int) -> np.ndarray:
    options = np.array(names.REMARKS, dtype=object)
    picked = options[st.rng.integers(0, len(options), n)]
    return np.where(st.rng.random(n) < 0.08, picked, "").astype(object)


def _hukou_table(st: State) -> pd.DataFrame:
    pids = np.flatnonzero(st.P["in_hukou"])
    cols = _person_columns(st, pids)
    own = st.P["own_hukou"][pids]
    cols["hukou_no"] = np.where(own != "", own, st.H["hukou_no"][st.P["hh"][pids]])
    cols["备注"] = _remarks(st, len(pids))
    return pd.DataFrame(cols)


def _assistance_table(st: State) -> pd.DataFrame:
    rows, cases = st.rows, st.cases
    uids = np.flatnonzero(~rows["dropped"])
    case = rows["case"][uids]
    case_no = _case_numbers(st)
    frame = pd.DataFrame(_person_columns(st, rows["pid"][uids]))
    frame["key"] = uids
    frame["relation"] = rows["relation"][uids]
    frame["case_no"] = case_no[case]
    frame["program"] = cases["program"][case]
    own_class = rows["cls"][uids]
    frame["dibao_class"] = np.where(own_class != "", own_class, cases["cls"][case])
    frame["covered"] = np.where(rows["covered"][uids], "是", "否")
    frame["household_size"] = np.bincount(case, minlength=len(cases))[case]
    frame["health"] = st.P["health"][rows["pid"][uids]]
    frame["income_per_capita"] = cases["income"][case]
    frame["assessed"] = cases["assessed"][case]
    frame["start_date"] = rows["start"][uids]
    frame["end_date"] = rows["end"][uids]
    town, village = cases["township"][case], cases["village"][case]
    frame["area"] = _areas(town, case)
    frame["township"] = np.array(st.geo.townships, dtype=object)[town]
    frame["village"] = [st.geo.villages[t][v] for t, v in zip(town, village, strict=True)]
    frame["address"] = _addresses(st, town, village, cases["house"][case],
                                  st.H["coarse"][cases["hh"][case]])  # fmt: skip
    frame["phone"] = cases["phone"][case]
    frame["bank_account"] = cases["bank"][case]
    frame["备注"] = _remarks(st, len(uids))
    frame["order"] = rows["order"][uids]
    return frame.sort_values(["case_no", "order", "key"], kind="stable").reset_index(drop=True)


def _areas(town: np.ndarray, case: np.ndarray) -> np.ndarray:
    """城乡属性 of each row's case: 城市 in the county seat (the first township), else 农村;
    left blank for every fifth case (an office that does not fill it in)."""
    area = np.where(town == 0, "城市", "农村").astype(object)
    return np.where(case % 5 == 4, "", area).astype(object)


def _case_numbers(st: State) -> np.ndarray:
    """Case numbers that follow the start date, not the order cases were generated in."""
    cases = st.cases
    n = len(cases)
    order = np.lexsort((st.rng.random(n), cases["start"]))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    prefix = np.where(cases["program"] == "特困", "TK", "DB")
    return np.array(
        [f"{p}{st.geo.code}{r + 1:06d}" for p, r in zip(prefix, rank, strict=True)],
        dtype=object,
    )


def _payments_table(st: State, assistance: pd.DataFrame) -> pd.DataFrame:
    """One row per case per month with a covered member active: the sum of their own
    amounts (each member's class, that year)."""
    start_m = np.maximum(month_index(assistance["start_date"].to_numpy()), st.m_first)
    end_m = np.minimum(month_index(assistance["end_date"].to_numpy()), st.m_last)
    count = np.maximum(end_m - start_m + 1, 0)
    index = np.repeat(np.arange(len(assistance)), count)
    offset = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    months = start_m[index] + offset
    rate = monthly_amounts(assistance["program"].to_numpy()[index],
                           assistance["dibao_class"].to_numpy()[index], months,
                           st.shape.annual_rise)  # fmt: skip
    covered = (assistance["covered"] == "是").to_numpy()
    expanded = pd.DataFrame(
        {
            "case_no": assistance["case_no"].to_numpy()[index],
            "pay_month": months,
            "order": assistance["order"].to_numpy()[index],
            "payee": assistance["pid"].to_numpy()[index],
            "amount": rate * covered[index],
        }
    ).sort_values(["case_no", "pay_month", "order"], kind="stable")
    grouped = expanded.groupby(["case_no", "pay_month"], sort=True)
    paid = grouped.agg(amount=("amount", "sum"), payee=("payee", "first")).reset_index()
    paid["amount"] += _mispaid(st, assistance, paid)
    paid = paid[paid["amount"] > 0].sort_values(["pay_month", "case_no"], kind="stable")
    first = assistance.drop_duplicates("case_no").set_index("case_no")
    payee = paid["payee"].to_numpy()
    return pd.DataFrame(
        {
            "case_no": paid["case_no"].to_numpy(),
            "payee_name": (st.P["surname"][payee] + st.P["given"][payee]).astype(object),
            "payee_id_number": st.P["id"][payee],
            "bank_account": first["bank_account"].reindex(paid["case_no"]).to_numpy(),
            "pay_month": paid["pay_month"].to_numpy(),
            "amount": paid["amount"].to_numpy(),
            "program": first["program"].reindex(paid["case_no"]).to_numpy(),
            "remarks": _remarks(st, len(paid)),
            "payee_pid": payee,
        }
    ).reset_index(drop=True)


def _mispaid(st: State, assistance: pd.DataFrame, paid: pd.DataFrame) -> np.ndarray:
    """What each payment of ``paid`` differs by from its members' amounts (``st.mispaid``)."""
    case_no = dict(zip(st.rows["case"][assistance["key"].to_numpy()], assistance["case_no"],
                       strict=True))  # fmt: skip
    first = paid["case_no"].map({case_no[c]: f for c, (f, _) in st.mispaid.items()})
    amount = paid["case_no"].map({case_no[c]: a for c, (_, a) in st.mispaid.items()})
    after = paid["pay_month"].to_numpy() >= first.fillna(np.inf).to_numpy()
    return np.where(after, amount.fillna(0).to_numpy(), 0)


def _labor(st: State, pids: np.ndarray) -> np.ndarray:
    rng, n = st.rng, len(pids)
    age = st.age(pids)
    health = st.P["health"][pids]
    ordinary = np.array(["普通劳动力", "技能劳动力", "弱劳动力或半劳动力"], dtype=object)
    labor = ordinary[rng.choice(3, size=n, p=[0.72, 0.12, 0.16])]
    old = np.where(rng.random(n) < 0.6, "无劳动力", "弱劳动力或半劳动力")
    labor = np.where(age >= 65, old, labor)
    labor = np.where(
        health == "患有大病",
        np.where(rng.random(n) < 0.5, "丧失劳动力", "弱劳动力或半劳动力"),
        labor,
    )
    labor = np.where(severe(st, pids), "丧失劳动力", labor)
    return np.where(age < 16, "无劳动力", labor).astype(object)


def _poverty_table(st: State) -> pd.DataFrame:
    H = st.H
    pids = np.flatnonzero(H["in_pov"][st.P["hh"]])
    hh = st.P["hh"][pids]
    cols = _person_columns(st, pids)
    del cols["address"], cols["phone"]
    cols["poverty_hh_no"] = np.array([f"{st.geo.code}{h + 1:08d}" for h in hh], dtype=object)
    cols["poverty_status"] = H["status"][hh]
    cols["labor_capacity"] = _labor(st, pids)
    cols["health"] = st.P["health"][pids]
    cols["poverty_cause"] = H["cause"][hh]
    cols["income_per_capita_year"] = H["income_year"][hh]
    marked = H["marked_unenrolled"].copy()
    marked[enrolled_households(st)] = True
    cols["dibao_mark"] = np.where(marked[hh], "是", "否").astype(object)
    return pd.DataFrame(cols)


def _disability_table(st: State) -> pd.DataFrame:
    P = st.P
    pids = np.flatnonzero(P["dis_type"] >= 0)
    cols = _person_columns(st, pids)
    for column in ("birth_date", "relation", "address", "phone"):
        del cols[column]
    kind, level = P["dis_type"][pids], P["dis_level"][pids]
    cols["cert_no"] = np.array(
        [f"{i}{t + 1}{lv}" for i, t, lv in zip(P["id"][pids], kind, level, strict=True)],
        dtype=object,
    )
    cols["disability_type"] = np.array(names.DISABILITY_TYPES, dtype=object)[kind]
    cols["disability_level"] = level
    cols["issue_date"] = np.maximum(P["dis_issue"][pids], P["birth"][pids] + 30)
    cols["remarks"] = _remarks(st, len(pids))
    return pd.DataFrame(cols)


def _deaths_table(st: State) -> pd.DataFrame:
    """The notices of every death (15 % reported twice, by two sources), and the wrong
    notices of living people (``false_notice``; a police notice of a namesake or with a
    mistyped ID)."""
    P, rng = st.P, st.rng
    dead = np.flatnonzero(P["death"] != NEVER)
    double = rng.random(len(dead)) < 0.15
    sources = np.array([s for s, _ in names.DEATH_SOURCES], dtype=object)
    weights = np.array([w for _, w in names.DEATH_SOURCES])
    first = rng.choice(len(sources), size=len(dead), p=weights / weights.sum())
    second = (first + rng.integers(1, len(sources), len(dead))) % len(sources)
    alive = np.array([pid for pid, _ in st.false_notices], dtype=np.int64)
    pids = np.concatenate([dead, dead[double], alive])
    police = [name for name, _ in names.DEATH_SOURCES].index("公安")
    source = np.concatenate([first, second[double], np.full(len(alive), police)])
    cols = _person_columns(st, pids)
    del cols["relation"], cols["phone"]
    cols["death_date"] = np.concatenate(
        [P["death"][dead], P["death"][dead[double]], [day for _, day in st.false_notices]]
    ).astype(np.int64)
    cols["source"] = sources[source]
    cols["false_notice"] = np.arange(len(pids)) >= len(pids) - len(alive)
    cols["备注"] = _remarks(st, len(pids))
    frame = pd.DataFrame(cols)
    frame["source_rank"] = source
    return frame.sort_values(["death_date", "pid", "source_rank"], kind="stable").reset_index(
        drop=True
    )


def clean_tables(st: State) -> dict[str, pd.DataFrame]:
    """Clean tables with true person ids (``pid``) and internal ``key`` columns.

    Parameters
    ----------
    st : State
        The generation state, complete.

    Returns
    -------
    dict of str to pd.DataFrame
        One table per registry, in ``FILES`` order, each with a ``record_id`` first column.
    """
    tables = {
        "hukou": _hukou_table(st),
        "assistance": _assistance_table(st),
        "poverty": _poverty_table(st),
        "disability": _disability_table(st),
        "deaths": _deaths_table(st),
    }
    tables["payments"] = _payments_table(st, tables["assistance"])
    for registry, frame in tables.items():
        if "key" not in frame:
            frame["key"] = frame.get("pid", -1)
        width = max(7, len(str(len(frame))))
        frame.insert(
            0,
            "record_id",
            [f"{RECORD_PREFIX[registry]}{i + 1:0{width}d}" for i in range(len(frame))],
        )
    return {registry: tables[registry] for registry in FILES}
