"""The county's people, before anyone is enrolled anywhere.

Its geography (townships and their villages), households, and the people in them: roles,
relations, sexes, births, names (Mongolian names in a minority household), phones and
health; elderly parents with a 户号 of their own next door to a son (courtyards); disability
certificates and who is severely disabled; the deaths of the window; and 18-digit ID numbers.
"""

from __future__ import annotations

import logging
from datetime import date

import numpy as np
import pandas as pd

from resolver.idcard import CHECK_CHARS, WEIGHTS, check_char
from resolver.synthetic import names
from resolver.synthetic.common import (
    NEVER,
    Cols,
    Geography,
    State,
    day_number,
    random_day,
    year_month_day,
)

log = logging.getLogger(__name__)


HEAD, SPOUSE, CHILD, PARENT, GRANDCHILD = range(5)
_PROVINCE_CODES = frozenset(code for code, _, _ in names.PROVINCE_COUNTIES)


def _zipf(count: int, exponent: float = 1.0) -> np.ndarray:
    weights = 1.0 / np.arange(1, count + 1) ** exponent
    return weights / weights.sum()


def geography(rng: np.random.Generator, region: str) -> Geography:
    """The county's geography: its codes, townships with their shares, and 8 to 20 villages each.

    Parameters
    ----------
    rng : np.random.Generator
        The random generator (draws each township's villages).
    region : str
        ``dayao``, ``xinganmeng``, or the code of a county of the synthetic province
        (``names.PROVINCE_COUNTIES``): 大姚's townships under that code, which every ID then
        carries (no ID issued elsewhere, so that the IDs of two counties never collide).

    Returns
    -------
    Geography
        The region code, the codes of other regions, the townships and their villages.

    Raises
    ------
    ValueError
        For an unknown region.
    """
    if region == "dayao" or region in _PROVINCE_CODES:
        code, others = names.COUNTY_CODE, names.OTHER_REGIONS
        if region != "dayao":
            code, others = region, (region,)
        towns, stems, suffixes = names.TOWNSHIPS, names.VILLAGE_STEMS, ("村",)
    elif region == "xinganmeng":
        code, others = names.XINGANMENG_CODE, names.XINGANMENG_OTHER_REGIONS
        towns, stems = names.XINGANMENG_TOWNSHIPS, names.XINGANMENG_VILLAGE_STEMS
        suffixes = names.XINGANMENG_VILLAGE_SUFFIXES
    else:
        raise ValueError(f"unknown region {region!r}")
    villages = []
    for _ in towns:
        chosen = rng.choice(len(stems), size=int(rng.integers(8, 21)), replace=False)
        villages.append(tuple(stems[i] + suffixes[i % len(suffixes)] for i in chosen))
    return Geography(code, others, tuple(town for town, _ in towns),
                     tuple(share for _, share in towns), tuple(villages))  # fmt: skip


def _household_sizes(rng: np.random.Generator, people: int) -> np.ndarray:
    shares = np.array([0.13, 0.22, 0.26, 0.20, 0.12, 0.05, 0.02])
    sizes = rng.choice(np.arange(1, 8), size=people // 2 + 8, p=shares / shares.sum())
    cumulative = np.cumsum(sizes)
    count = int(np.searchsorted(cumulative, people)) + 1
    sizes = sizes[:count].copy()
    sizes[-1] -= int(cumulative[count - 1]) - people
    return sizes


def households(st: State) -> None:
    """The county's hukou households, filling ``st.H``.

    Each household's size, township, village and house number, head's age and sex, whether it
    has a spouse, its ethnicity, whether its members share the head's phone, whether it has
    Mongolian names, whether its address is coarse, and its 户号. Resets ``st.used_hh``.

    Parameters
    ----------
    st : State
        The generation state (its people count, geography and assumptions).
    """
    rng, geo = st.rng, st.geo
    sizes = _household_sizes(rng, st.people)
    n = len(sizes)
    shares = np.array(geo.shares)
    township = rng.choice(len(shares), size=n, p=shares / shares.sum())
    n_villages = np.array([len(v) for v in geo.villages])[township]
    village = np.minimum((rng.random(n) ** 1.4 * n_villages).astype(np.int64), n_villages - 1)
    house = pd.DataFrame({"t": township, "v": village}).groupby(["t", "v"]).cumcount().to_numpy()
    young = np.clip(rng.normal(40, 12, n), 20, 92)
    old = np.clip(rng.normal(68, 10, n), 20, 95)
    age = np.where(sizes == 1, np.where(rng.random(n) < 0.55, old, young), 0)
    age = np.where(sizes > 1, np.clip(rng.normal(50, 14, n), 21, 92), age)
    has_spouse = (sizes >= 2) & (rng.random(n) < np.where(age < 70, 0.88, 0.65))
    ethnic = np.array([e for e, _ in names.ETHNICITIES], dtype=object)
    eth_p = np.array([p for _, p in names.ETHNICITIES])
    st.H = {
        "size": sizes,
        "first": np.cumsum(sizes) - sizes,
        "township": township,
        "village": village,
        "house": house + 1,
        "age": age,
        "has_spouse": has_spouse,
        "head_male": rng.random(n) < np.where(has_spouse, 0.88, 0.55),
        "eth": ethnic[rng.choice(len(ethnic), size=n, p=eth_p / eth_p.sum())],
        "shared_phone": rng.random(n) < 0.35,
        "minority": rng.random(n) < st.shape.minority_name_share,
        "coarse": rng.random(n) < st.shape.coarse_address_share,
    }
    st.H["eth"] = np.where(st.H["minority"], "蒙古族", st.H["eth"]).astype(object)
    st.H["hukou_no"] = np.array(
        [
            f"{t + 1:02d}{v + 1:03d}{h + 1:05d}"
            for t, v, h in zip(township, village, house, strict=True)
        ],
        dtype=object,
    )
    st.used_hh = np.zeros(n, dtype=bool)


def _roles(rng: np.random.Generator, H: Cols, h: np.ndarray, pos: np.ndarray) -> tuple:
    role = np.full(len(h), CHILD, dtype=np.int8)
    role[pos == 0] = HEAD
    role[(pos == 1) & H["has_spouse"][h]] = SPOUSE
    head_age = H["age"][h]
    draw = rng.random(len(h))
    other = role == CHILD
    role[other & (head_age <= 65) & (draw < 0.12)] = PARENT
    role[other & (head_age >= 55) & (draw >= 0.12) & (draw < 0.32)] = GRANDCHILD
    is_parent = role == PARENT
    rank = pd.Series(is_parent.astype(np.int64)).groupby(h).cumsum().to_numpy()
    role[is_parent & (rank > 2)] = CHILD
    return role, rank


def _genders(
    rng: np.random.Generator, H: Cols, h: np.ndarray, role: np.ndarray, rank
) -> np.ndarray:
    male = rng.random(len(h)) < 0.51
    head_male = H["head_male"][h]
    male = np.where(role == HEAD, head_male, male)
    male = np.where(role == SPOUSE, ~head_male, male)
    first_parent_male = (rng.random(len(H["size"])) < 0.5)[h]
    return np.where(role == PARENT, first_parent_male ^ (rank == 2), male)


def _births(
    rng: np.random.Generator, st: State, h: np.ndarray, role: np.ndarray, male
) -> np.ndarray:
    n = len(h)
    head_age = st.H["age"][h].astype(float)
    spouse = head_age + rng.normal(np.where(st.H["head_male"][h], -2.0, 2.0), 3.0)
    child = head_age - rng.uniform(20, 38, n)
    child = np.where(child < 0, rng.uniform(0, 1, n) * np.maximum(head_age - 19, 1), child)
    grand = head_age - rng.uniform(44, 56, n)
    grand = np.where(grand < 0, rng.uniform(0, 3, n), grand)
    parent = np.minimum(head_age + rng.uniform(21, 34, n), 99)
    age = np.select(
        [role == HEAD, role == SPOUSE, role == CHILD, role == GRANDCHILD],
        [head_age, np.clip(spouse, 18, 98), child, grand],
        parent,
    )
    birth = st.as_of - (np.clip(age, 0, 99) * 365.25).astype(np.int64) - rng.integers(0, 365, n)
    birth = np.minimum(birth, st.as_of - 1)
    if st.shape.heaped_birth_share:  # no draw otherwise: every other county stays as it was
        birth = _heaped(rng, birth, st.shape.heaped_birth_share)
    return birth


def _heaped(rng: np.random.Generator, birth: np.ndarray, share: float) -> np.ndarray:
    """``birth`` with ``share`` of those born before 1960 moved to 1 January (two in three)
    or 1 July of their year: the day written for a birthday no one knew."""
    years = birth.astype("datetime64[D]").astype("datetime64[Y]")
    months = years.astype("datetime64[M]") + np.where(rng.random(len(birth)) < 2 / 3, 0, 6)
    registered = months.astype("datetime64[D]").astype(np.int64)
    unknown = (years < np.datetime64("1960")) & (rng.random(len(birth)) < share)
    return np.where(unknown, registered, birth)


def _relations(h: np.ndarray, role: np.ndarray, male: np.ndarray, birth: np.ndarray) -> np.ndarray:
    relation = np.empty(len(h), dtype=object)
    relation[role == HEAD] = "户主"
    relation[role == SPOUSE] = "配偶"
    relation[role == PARENT] = np.where(male[role == PARENT], "父亲", "母亲")
    relation[role == GRANDCHILD] = np.where(male[role == GRANDCHILD], "孙子", "孙女")
    children = np.flatnonzero(role == CHILD)
    frame = pd.DataFrame({"h": h[children], "m": male[children], "b": birth[children]})
    rank = frame.groupby(["h", "m"])["b"].rank(method="first").to_numpy()
    sons = np.select([rank == 1, rank == 2], ["长子", "次子"], "之子")
    daughters = np.select([rank == 1, rank == 2], ["长女", "次女"], "之女")
    relation[children] = np.where(male[children], sons, daughters)
    return relation


def _surnames(rng: np.random.Generator, H: Cols, h: np.ndarray, role, male) -> np.ndarray:
    table = np.array([s for s, _ in names.SURNAMES], dtype=object)
    weights = np.array([w for _, w in names.SURNAMES])
    own = table[rng.choice(len(table), size=len(h), p=weights / weights.sum())]
    first = H["first"]
    head = own[first]
    spouse = own[np.minimum(first + 1, len(h) - 1)]
    family = np.where(H["head_male"] | ~H["has_spouse"], head, spouse)
    surname = own.copy()
    offspring = (role == CHILD) | (role == GRANDCHILD)
    surname[offspring] = family[h[offspring]]
    fathers = (role == PARENT) & male
    surname[fathers] = head[h[fathers]]
    return surname


def _pick_chars(rng: np.random.Generator, chars: str, n: int, pool: int = 0) -> np.ndarray:
    """``n`` characters of ``chars`` (the ``pool`` most common only, when set)."""
    table = np.array(list(chars[:pool] if pool else chars), dtype=object)
    return table[rng.choice(len(table), size=n, p=_zipf(len(table), 1.05))]


def _pick_whole(rng: np.random.Generator, table: tuple[str, ...], n: int, pool: int = 0
                ) -> np.ndarray:  # fmt: skip
    chosen = np.array(table[:pool] if pool else table, dtype=object)
    return chosen[rng.choice(len(chosen), size=n, p=_zipf(len(chosen), 0.9))]


def _given_names(
    rng: np.random.Generator, male: np.ndarray, birth: np.ndarray, pool: int = 0
) -> np.ndarray:
    """Given names of one or two characters, or common whole names, by sex and generation;
    ``pool``: draw from only the most common few of each table (a county of namesakes)."""
    n = len(male)
    old = year_month_day(birth)[0] < 1975

    def chars(male_table, female_table):
        return np.where(male, _pick_chars(rng, male_table, n, pool),
                        _pick_chars(rng, female_table, n, pool))  # fmt: skip

    def whole(male_table, female_table):
        return np.where(male, _pick_whole(rng, male_table, n, pool),
                        _pick_whole(rng, female_table, n, pool))  # fmt: skip

    first = chars(names.MALE_CHARS, names.FEMALE_CHARS)
    second = chars(names.MALE_CHARS, names.FEMALE_CHARS)
    whole_old = whole(names.OLD_MALE_GIVEN, names.OLD_FEMALE_GIVEN)
    whole_young = whole(names.YOUNG_MALE_GIVEN, names.YOUNG_FEMALE_GIVEN)
    whole = rng.random(n) < np.where(old, 0.35, 0.22)
    single = rng.random(n) < np.where(old, 0.25, 0.35)
    composed = np.where(single, first, first + second)
    return np.where(whole, np.where(old, whole_old, whole_young), composed).astype(object)


def draw_char(rng: np.random.Generator, male: bool) -> str:
    """One given-name character, drawn from the male or female table by a Zipf law.

    Parameters
    ----------
    rng : np.random.Generator
        The random generator.
    male : bool
        Whether to draw from the male characters.

    Returns
    -------
    str
        The character.
    """
    chars = names.MALE_CHARS if male else names.FEMALE_CHARS
    return chars[int(rng.choice(len(chars), p=_zipf(len(chars), 1.05)))]


def _mongolian_names(st: State, h: np.ndarray) -> None:
    """Mongolian names for the people (of households ``h``) of minority households: a name
    of 2 to 6 characters in its most common spelling, after the household's clan surname
    for half of them (written in some registries and left out in others: noise
    ``name_clan_dropped``)."""
    P, rng = st.P, st.rng
    chosen = np.flatnonzero(st.H["minority"][h])
    if not len(chosen):
        return
    spellings = {True: names.MONGOLIAN_MALE, False: names.MONGOLIAN_FEMALE}
    taken: dict[int, set[str]] = {}  # no two members of a household share a name
    for pid in chosen:
        table = spellings[bool(P["male"][pid])]
        used = taken.setdefault(int(h[pid]), set())
        while True:
            name = table[int(rng.choice(len(table), p=_zipf(len(table), 0.8)))][0]
            if name not in used:
                break
        used.add(name)
        P["given"][pid] = name
    clans = np.array([clan for clan, _ in names.MONGOLIAN_CLANS], dtype=object)
    weights = np.array([weight for _, weight in names.MONGOLIAN_CLANS])
    clan_of = clans[rng.choice(len(clans), size=len(st.H["size"]), p=weights / weights.sum())]
    written = rng.random(len(chosen)) < 0.5
    P["surname"][chosen] = np.where(written, clan_of[h[chosen]], "")


def unique_numbers(
    rng: np.random.Generator, prefixes: tuple[str, ...], digits: int, n: int
) -> np.ndarray:
    """n distinct numbers as text: a prefix from the list and ``digits`` random digits.

    Parameters
    ----------
    rng : np.random.Generator
        The random generator.
    prefixes : tuple of str
        The prefixes to choose from.
    digits : int
        How many random digits follow the prefix.
    n : int
        How many numbers to draw.

    Returns
    -------
    np.ndarray
        ``n`` distinct numbers as text (object array).
    """
    prefix = rng.integers(0, len(prefixes), n)
    tail = rng.integers(0, 10**digits, n)
    while True:
        key = prefix.astype(np.int64) * 10**digits + tail
        duplicated = pd.Series(key).duplicated().to_numpy()
        if not duplicated.any():
            break
        tail[duplicated] = rng.integers(0, 10**digits, int(duplicated.sum()))
    table = np.array(prefixes, dtype=object)
    return np.array(
        [f"{p}{t:0{digits}d}" for p, t in zip(table[prefix], tail, strict=True)], dtype=object
    )


def _phones(rng: np.random.Generator, st: State, h: np.ndarray, pos: np.ndarray) -> np.ndarray:
    age = st.age()
    n = len(h)
    numbers = unique_numbers(rng, names.MOBILE_PREFIXES, 8, n)
    has = (age >= 16) & (rng.random(n) < np.where(age >= 75, 0.5, 0.96))
    phone = np.where(has, numbers, "").astype(object)
    head_phone = phone[st.H["first"]][h]
    shared = st.H["shared_phone"][h] & (age >= 16) & (head_phone != "")
    phone[shared] = head_phone[shared]
    return phone


def _base_health(rng: np.random.Generator, age: np.ndarray) -> np.ndarray:
    n = len(age)
    ill = rng.random(n) < 0.004 + 0.02 * (age > 50)
    chronic = ~ill & (rng.random(n) < 0.02 + 0.2 * (age > 55))
    return np.where(ill, "患有大病", np.where(chronic, "长期慢性病", "健康")).astype(object)


def persons(st: State) -> None:
    """The people of the households, filling ``st.P``.

    Household, position, role, relation, sex, birth day, surname and given name (Mongolian in a
    minority household), region code, ethnicity, health and phone; no death, no disability and
    no 户号 of their own yet.

    Parameters
    ----------
    st : State
        The generation state, its households drawn.
    """
    rng, H = st.rng, st.H
    n = int(H["size"].sum())
    h = np.repeat(np.arange(len(H["size"])), H["size"])
    pos = np.arange(n) - H["first"][h]
    role, rank = _roles(rng, H, h, pos)
    male = _genders(rng, H, h, role, rank)
    birth = _births(rng, st, h, role, male)
    st.P = {"hh": h, "pos": pos, "role": role, "male": male, "birth": birth}
    st.P["relation"] = _relations(h, role, male, birth)
    st.P["surname"] = _surnames(rng, H, h, role, male)
    st.P["given"] = _given_names(rng, male, birth, st.shape.given_name_pool)
    _mongolian_names(st, h)
    others = np.array(st.geo.other_regions, dtype=object)[
        rng.integers(0, len(st.geo.other_regions), n)
    ]
    st.P["region"] = np.where(rng.random(n) < 0.05, others, st.geo.code).astype(object)
    ethnic = np.array([e for e, _ in names.ETHNICITIES], dtype=object)
    own_eth = ethnic[rng.integers(0, len(ethnic), n)]
    st.P["eth"] = np.where(rng.random(n) < 0.08, own_eth, H["eth"][h]).astype(object)
    st.P["health"] = _base_health(rng, st.age())
    st.P["phone"] = _phones(rng, st, h, pos)
    st.P["death"] = np.full(n, NEVER, dtype=np.int64)
    st.P["in_hukou"] = np.ones(n, dtype=bool)
    st.P["own_hukou"] = np.full(n, "", dtype=object)  # a 户号 of their own after 分户
    st.P["dis_type"] = np.full(n, -1, dtype=np.int64)
    st.P["dis_level"] = np.zeros(n, dtype=np.int64)
    st.P["dis_issue"] = np.zeros(n, dtype=np.int64)
    log.debug("persons: %d in %d households", n, len(H["size"]))


def courtyards(st: State) -> None:
    """Elderly households (one or two people, head 60 or older) at the address of a younger
    household of their village: parents with a 户号 of their own next door to their son, a
    share of them giving his phone as their contact. ``H["courtyard_of"]``: that younger
    household, else -1.

    Parameters
    ----------
    st : State
        The generation state, its households and persons drawn.
    """
    H, P, rng = st.H, st.P, st.rng
    n = len(H["size"])
    H["courtyard_of"] = np.full(n, -1, dtype=np.int64)
    village = H["township"] * 1000 + H["village"]
    young = np.flatnonzero((H["size"] >= 2) & (H["age"] < 55))
    by_village = {key: group.to_numpy() for key, group in pd.Series(young).groupby(village[young])}
    old = (H["size"] <= 2) & (H["age"] >= 60) & (rng.random(n) < st.shape.courtyard_share)
    for hh in np.flatnonzero(old):
        sons = by_village.get(village[hh])
        if sons is None:
            continue
        son = int(sons[rng.integers(0, len(sons))])
        H["courtyard_of"][hh], H["house"][hh] = son, H["house"][son]
        phone = P["phone"][H["first"][son]]
        if phone and rng.random() < st.shape.courtyard_phone_share:
            members = np.arange(H["first"][hh], H["first"][hh] + H["size"][hh])
            P["phone"][members[P["phone"][members] != ""]] = phone


def severe(st: State, pids: np.ndarray | None = None) -> np.ndarray:
    """Whether people are severely disabled (contract section 2).

    Parameters
    ----------
    st : State
        The generation state.
    pids : np.ndarray, optional
        Person indexes; all persons when None.

    Returns
    -------
    np.ndarray
        Booleans: a certificate of level 1 or 2, or an intellectual or mental disability.
    """
    kind = st.P["dis_type"] if pids is None else st.P["dis_type"][pids]
    level = st.P["dis_level"] if pids is None else st.P["dis_level"][pids]
    mental = (kind == names.DISABILITY_TYPES.index("智力")) | (
        kind == names.DISABILITY_TYPES.index("精神")
    )
    return (kind >= 0) & ((level <= 2) | mental)


def issue_day(st: State, pids: np.ndarray) -> np.ndarray:
    """Random issue days of disability certificates: after the first birthday and 2008-01-01,
    at least 30 days before the as-of day.

    Parameters
    ----------
    st : State
        The generation state.
    pids : np.ndarray
        Person indexes.

    Returns
    -------
    np.ndarray
        Day numbers, one per person.
    """
    low = np.maximum(st.P["birth"][pids] + 365, day_number(date(2008, 1, 1)))
    low = np.minimum(low, st.as_of - 30)
    return low + (st.rng.random(len(pids)) * (st.as_of - 30 - low)).astype(np.int64)


def disabilities(st: State) -> None:
    """Disability certificates, about 5% of people (older ones likelier), with a type, level and
    issue day; most holders who are not gravely ill get the health ``残疾``.

    Parameters
    ----------
    st : State
        The generation state; sets ``dis_type``, ``dis_level``, ``dis_issue`` and ``health``.
    """
    rng, n = st.rng, len(st.P["birth"])
    age = st.age()
    weight = 0.012 + 0.10 / (1 + np.exp(-(age - 65) / 8))
    has = rng.random(n) < np.minimum(weight * 0.05 * n / weight.sum(), 0.9)
    pids = np.flatnonzero(has)
    type_p = np.array(names.DISABILITY_TYPE_SHARES)
    level_p = np.array(names.LEVEL_SHARES)
    st.P["dis_type"][pids] = rng.choice(7, size=len(pids), p=type_p / type_p.sum())
    st.P["dis_level"][pids] = rng.choice(4, size=len(pids), p=level_p / level_p.sum()) + 1
    st.P["dis_issue"][pids] = issue_day(st, pids)
    mark = has & (st.P["health"] != "患有大病") & (rng.random(n) < 0.85)
    st.P["health"][mark] = "残疾"


def background_deaths(st: State) -> None:
    """Deaths in the window (about 0.58% of people), likelier for the old, the severely disabled
    and the gravely ill; no one born in the window dies.

    Parameters
    ----------
    st : State
        The generation state; sets ``st.P["death"]``.
    """
    rng, n = st.rng, len(st.P["birth"])
    age = st.age()
    hazard = np.exp(0.09 * (age - 60)) * np.where(severe(st), 2.0, 1.0)
    hazard *= np.where(st.P["health"] == "患有大病", 4.0, 1.0)
    hazard[st.P["birth"] >= st.w0] = 0
    p = np.minimum(hazard * 0.0058 * n / hazard.sum(), 0.6)
    dead = np.flatnonzero(rng.random(n) < p)
    st.P["death"][dead] = random_day(rng, st.w0, st.as_of, len(dead))
    log.debug("background deaths: %d", len(dead))


# --------------------------------------------------------------------------- IDs


def assign_ids(st: State) -> None:
    """18-digit IDs: region, birth date, a sequence whose last digit is odd for men, check.

    Parameters
    ----------
    st : State
        The generation state; sets ``st.P["id"]``, distinct for every person.
    """
    P, rng = st.P, st.rng
    n = len(P["hh"])
    ymd = np.datetime_as_string(P["birth"].astype("datetime64[D]"), unit="D")
    stem = pd.Series(P["region"], dtype=object) + pd.Series(ymd, dtype=object).str.replace(
        "-", "", regex=False
    )
    parity = P["male"].astype(np.int64)
    seq = rng.integers(0, 500, n) * 2 + parity
    while True:
        duplicated = pd.DataFrame({"s": stem.to_numpy(), "q": seq}).duplicated().to_numpy()
        if not duplicated.any():
            break
        seq[duplicated] = rng.integers(0, 500, int(duplicated.sum())) * 2 + parity[duplicated]
    first17 = (stem + pd.Series([f"{q:03d}" for q in seq], dtype=object)).to_numpy()
    digits = np.frombuffer("".join(first17).encode("ascii"), dtype=np.uint8).reshape(n, 17) - 48
    checks = np.array(list(CHECK_CHARS), dtype=object)[
        (digits.astype(np.int64) @ np.array(WEIGHTS)) % 11
    ]
    P["id"] = np.array([f + c for f, c in zip(first17, checks, strict=True)], dtype=object)
    for sample in P["id"][: min(n, 50)]:
        assert check_char(sample[:17]) == sample[17], sample
