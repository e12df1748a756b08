"""Noise: the clean values as clerks and their systems write them.

ID numbers mistyped, transposed, cut to 15 digits, in scientific notation, zeroed, blank,
full-width, with stray spaces, a relative's or with a lowercase x; names as homophones, in
traditional characters, with spaces, Mongolian names in another spelling or without the clan;
addresses, birth dates, genders, townships, villages, phones and accounts written otherwise;
sparse police death notices; and the formats: dates, months, amounts and disability levels
written in mixed styles. Every injection of noise is logged (``truth/noise.csv``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from typing import Any

import numpy as np
import opencc
import pandas as pd

from resolver.registries import REGISTRIES
from resolver.synthetic import names
from resolver.synthetic.common import FILES, NEVER, State, day_number, year_month_day

# Noise rates at noise=1.0, per registry row and column.
ID_NOISE = (
    ("id_typo", 0.02),
    ("id_transposition", 0.01),
    ("id_15_digit", 0.02),
    ("id_scientific", 0.005),
    ("id_zeroed_tail", 0.005),
    ("id_blank", 0.02),
    ("fullwidth", 0.01),
    ("stray_space", 0.01),
)
DEATHS_ID_BLANK = 0.10
# A relative's valid ID typed into a row (the informant's on a death notice, a parent's on a
# child's certificate): outside hukou, the registry IDs are copied from.
RELATIVE_ID = {"deaths": 0.02, "assistance": 0.003, "poverty": 0.003, "disability": 0.003}
LOWERCASE_X = 0.3
NAME_NOISE = (
    ("name_homophone", 0.02),
    ("name_traditional", 0.01),
    ("name_inner_space", 0.01),
    ("fullwidth", 0.005),
)
# Mongolian names only: another spelling of the same sound, the clan surname left out.
MONGOLIAN_NAME_NOISE = (("name_transliteration", 0.25), ("name_clan_dropped", 0.4))
# How clerks write one address: with the province, prefecture and county first, the group
# in Chinese numerals (三组, 三社), without the 号.
ADDRESS_NOISE = (("address_prefix", 0.2), ("address_group_chinese", 0.15),
                 ("address_no_sign", 0.1))  # fmt: skip
BIRTH_NOISE = (("birth_date_typo", 0.01), ("date_day_month_swap", 0.005))
GENDER_WRONG = 0.005
TOWNSHIP_SHORT = 0.3
VILLAGE_VARIANT = 0.2
DEATHS_VILLAGE_BLANK = 0.08
PHONE_FORMAT = 0.1
ACCOUNT_FORMAT = 0.05
DATE_MIXED = 0.6  # share of rows whose dates are not ISO
MONTH_MIXED = 0.2
AMOUNT_MIXED = 0.25
LEVEL_DIGITS = 0.5


@cache
def _homophone_map() -> dict[str, str]:
    return {char: group for group in names.HOMOPHONE_GROUPS for char in group}


def homophone_positions(given: str) -> list[int]:
    """Positions of the characters of a given name that have a homophone in ``HOMOPHONE_GROUPS``.

    Parameters
    ----------
    given : str
        A given name.

    Returns
    -------
    list of int
        Character positions, in order (empty when none can be swapped for a homophone).
    """
    table = _homophone_map()
    return [i for i, char in enumerate(given) if char in table]


_S2T = opencc.OpenCC("s2t")


@lru_cache(maxsize=100_000)
def _traditional(text: str) -> str:
    return _S2T.convert(text)


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@dataclass
class _NoiseContext:
    """What a noise function may need besides the value."""

    rng: np.random.Generator
    xlsx: bool
    relative_ids: pd.Series  # a person's ID -> the ID of another member of their household
    address_prefix: str  # province, prefecture and county, as a full address begins


def _relative_ids(st: State) -> pd.Series:
    """Each person's ID mapped to the next member's of the same hukou household."""
    order = np.argsort(st.P["hh"], kind="stable")
    households = st.P["hh"][order]
    ids = st.P["id"][order]
    first = np.flatnonzero(np.r_[True, households[1:] != households[:-1]])
    group_start = np.repeat(first, np.diff(np.r_[first, len(order)]))
    following = np.arange(1, len(order) + 1)
    following[np.r_[households[1:] != households[:-1], True]] = -1
    following = np.where(following < 0, group_start, following)
    relatives = pd.Series(ids[following], index=ids)
    return relatives[relatives.index != relatives.to_numpy()]


def _noise_id(kind: str, value: str, ctx: _NoiseContext) -> object | None:
    """One ID noise; None when it does not apply to this value."""
    rng = ctx.rng
    if not value:
        return None
    if kind == "id_typo":
        pos = int(rng.integers(0, 17))
        digit = str((int(value[pos]) + int(rng.integers(1, 10))) % 10)
        return value[:pos] + digit + value[pos + 1 :]
    if kind == "id_transposition":
        spots = [i for i in range(16) if value[i] != value[i + 1]]
        if not spots:
            return None
        i = spots[int(rng.integers(0, len(spots)))]
        return value[:i] + value[i + 1] + value[i] + value[i + 2 :]
    if kind == "id_15_digit":
        return value[:6] + value[8:17] if value[6:8] == "19" else None
    if kind in ("id_scientific", "id_zeroed_tail"):
        return _damaged(kind, value, ctx)
    if kind == "id_blank":
        return ""
    if kind == "id_relative":
        return ctx.relative_ids.get(value)
    if kind == "id_lowercase_x":
        return value[:17] + "x" if value.endswith("X") else None
    if kind == "fullwidth":
        return _fullwidth(value)
    if kind == "stray_space":
        return _stray_space(value, rng)
    raise ValueError(kind)


def _damaged(kind: str, value: str, ctx: _NoiseContext) -> object:
    if ctx.xlsx:
        return float(int(value[:15]) * 1000)
    if kind == "id_scientific":
        return f"{float(value[:15]) * 1000:.5E}"
    return value[:15] + "000"


def _stray_space(value: str, rng: np.random.Generator) -> str:
    variant = int(rng.integers(0, 4))
    if variant == 0:
        return " " + value
    if variant == 1:
        return value + " "
    if variant == 2:
        return value + "\t"
    return value[:6] + " " + value[6:]


def _noise_name(kind: str, value: str, ctx: _NoiseContext) -> str | None:
    surname, given = value[:1], value[1:]
    if kind == "name_homophone":
        spots = homophone_positions(given)
        if not spots:
            return None
        pos = spots[int(ctx.rng.integers(0, len(spots)))]
        group = _homophone_map()[given[pos]].replace(given[pos], "")
        return (
            surname + given[:pos] + group[int(ctx.rng.integers(0, len(group)))] + given[pos + 1 :]
        )
    if kind == "name_traditional":
        converted = _traditional(value)
        safe = all("\u4e00" <= c <= "\u9fa5" for c in converted)
        return converted if converted != value and safe else None
    if kind == "name_inner_space":
        return f"{surname} {given}"
    if kind == "fullwidth":
        return f"{surname}\u3000{given}"
    if kind in ("name_transliteration", "name_clan_dropped"):
        return _noise_mongolian(kind, value, ctx.rng)
    raise ValueError(kind)


@cache
def _mongolian_spellings() -> dict[str, tuple[str, ...]]:
    """Each spelling of a Mongolian name -> all spellings of that name."""
    table = names.MONGOLIAN_MALE + names.MONGOLIAN_FEMALE
    return {spelling: group for group in table for spelling in group}


def _noise_mongolian(kind: str, value: str, rng: np.random.Generator) -> str | None:
    """Another spelling of a Mongolian name (after its clan surname, if written), or the
    name without its clan surname; None for any other name."""
    spellings = _mongolian_spellings()
    clans = sorted((clan for clan, _ in names.MONGOLIAN_CLANS), key=len, reverse=True)
    clan = next((c for c in clans if value.startswith(c) and value[len(c) :] in spellings), "")
    name = value[len(clan) :]
    if name not in spellings:
        return None
    if kind == "name_clan_dropped":
        return name if clan else None
    others = [spelling for spelling in spellings[name] if spelling != name]
    return clan + others[int(rng.integers(0, len(others)))]


def _noise_address(kind: str, value: str, ctx: _NoiseContext) -> str | None:
    """An address as another clerk writes it: with the province, prefecture and county
    first, the village group in Chinese numerals (三组, 三社), or without the 号."""
    if not value:
        return None
    if kind == "address_prefix":
        return ctx.address_prefix + value
    if kind == "address_group_chinese":
        group = re.search(r"(\d+)组", value)
        if not group or int(group.group(1)) > 99:
            return None
        unit = "组" if ctx.rng.random() < 0.6 else "社"
        return (
            f"{value[: group.start()]}{_chinese_numeral(int(group.group(1)))}{unit}"
            f"{value[group.end() :]}"
        )
    if kind == "address_no_sign":
        return value.removesuffix("号") if value.endswith("号") else None
    raise ValueError(kind)


def _chinese_numeral(number: int) -> str:
    """1..99 in Chinese numerals: 3 → 三, 12 → 十二, 40 → 四十."""
    digits = "零一二三四五六七八九"
    tens, units = divmod(number, 10)
    if not tens:
        return digits[units]
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[units] if units else "")


def _noise_birth(kind: str, value: int, ctx: _NoiseContext) -> int | None:
    year, month, day = (int(x[0]) for x in year_month_day(np.array([value])))
    if kind == "date_day_month_swap":
        if day > 12 or day == month:
            return None
        return day_number(date(year, day, month))
    for _ in range(10):
        field_ = int(ctx.rng.integers(0, 3))
        shift = int(ctx.rng.choice([-1, 1])) * int(ctx.rng.integers(1, 10 if field_ == 2 else 3))
        parts = [year, month, day]
        parts[field_] += shift
        try:
            return day_number(date(*parts))
        except ValueError:
            continue
    return None


def _noise_simple(kind: str, value: str, ctx: _NoiseContext) -> str | None:
    if not value:
        return None
    if kind == "gender_wrong":
        return "女" if value == "男" else "男"
    if kind == "township_suffix":
        stem = re.sub(r"(?:傣族傈僳族|满族)?乡$|镇$|苏木$", "", value)
        return stem if stem != value else None
    if kind == "village_variant":
        if value.endswith("嘎查"):
            return value[:-2] + "村"
        return value[:-1] + "村委会" if value.endswith("村") else None
    if kind == "blank":
        return ""
    if kind == "phone_format":
        return _phone_format(value, ctx.rng)
    if kind == "stray_space":
        return " ".join(value[i : i + 4] for i in range(0, len(value), 4))
    raise ValueError(kind)


def _phone_format(value: str, rng: np.random.Generator) -> str | None:
    if not (len(value) == 11 and value.isdigit()):
        return None
    variant = int(rng.integers(0, 3))
    if variant == 0:
        return f"{value[:3]} {value[3:7]} {value[7:]}"
    return ("+86 " if variant == 1 else "+86") + value


NoiseFn = Callable[[str, Any, _NoiseContext], Any]


def _column_noise(
    registry: str, column: str, mongolian: bool = False
) -> tuple[tuple[tuple[str, float], ...], NoiseFn] | None:
    """The noise kinds (with rates at noise=1) and function of one column, or None;
    ``mongolian``: the county has Mongolian names."""
    kind = REGISTRIES[registry].column(column).kind
    if column == "address":
        return ADDRESS_NOISE, _noise_address
    if kind == "id":
        rates = ID_NOISE
        if registry == "deaths":
            rates = tuple((k, DEATHS_ID_BLANK if k == "id_blank" else r) for k, r in ID_NOISE)
        if registry in RELATIVE_ID:
            rates += (("id_relative", RELATIVE_ID[registry]),)
        return rates, _noise_id
    simple: dict[str, tuple[tuple[str, float], ...]] = {
        "gender": (("gender_wrong", GENDER_WRONG),),
        "township": (("township_suffix", TOWNSHIP_SHORT),),
        "village": (("village_variant", VILLAGE_VARIANT),)
        + ((("blank", DEATHS_VILLAGE_BLANK),) if registry == "deaths" else ()),
        "phone": (("phone_format", PHONE_FORMAT),),
        "account": (("stray_space", ACCOUNT_FORMAT),),
    }
    if kind == "name":
        return NAME_NOISE + (MONGOLIAN_NAME_NOISE if mongolian else ()), _noise_name
    if column == "birth_date":
        return BIRTH_NOISE, _noise_birth
    if kind in simple:
        return simple[kind], _noise_simple
    return None


def _draw_kinds(
    rng: np.random.Generator, n: int, rates: tuple[tuple[str, float], ...], noise: float
) -> np.ndarray:
    """Per row: the index of the noise kind to apply, or -1."""
    probabilities = np.array([rate for _, rate in rates]) * noise
    total = probabilities.sum()
    if total > 1:
        probabilities = probabilities / total
    edges = np.cumsum(probabilities)
    drawn = np.searchsorted(edges, rng.random(n), side="right")
    return np.where(drawn < len(rates), drawn, -1)


def apply_noise(
    frame: pd.DataFrame, registry: str, st: State, noise: float, log_rows: list
) -> dict[str, list]:
    """Noisy values per column (still typed: dates as day numbers); logs every injection.

    Parameters
    ----------
    frame : pd.DataFrame
        The registry's clean rows, with ``key`` and ``record_id`` columns.
    registry : str
        The registry's name (a key of ``FILES``).
    st : State
        The generation state: the generator, forced and protected cells, the assumptions.
    noise : float
        Multiplier of every noise rate (0: no noise).
    log_rows : list
        Receives ``(registry, row position, record_id, column, noise kind)`` per injection.

    Returns
    -------
    dict of str to list
        The registry's columns, in ``REGISTRIES`` order, with noisy cells.
    """
    spec = FILES[registry]
    if st.relative_ids is None:
        st.relative_ids = _relative_ids(st)
    ctx = _NoiseContext(st.rng, spec.fmt == "xlsx", st.relative_ids,
                        names.PROVINCE_PREFIXES[st.geo.code])  # fmt: skip
    keys = frame["key"].to_numpy()
    record_ids = frame["record_id"].tolist()
    values: dict[str, list] = {}
    mongolian = st.shape.minority_name_share > 0
    for column in [c.name for c in REGISTRIES[registry].columns if c.name in frame]:
        cells = frame[column].tolist()
        plan = _column_noise(registry, column, mongolian) if noise > 0 else None
        if plan is not None:
            rates, function = plan
            chosen = _noise_plan(cells, registry, column, rates, keys, st, noise)
            for i, kind in chosen:
                new = function(kind, cells[i], ctx)
                if new is None or new == cells[i]:
                    continue
                cells[i] = new
                log_rows.append((registry, i, record_ids[i], column, kind))
        values[column] = cells
    if registry == "deaths" and noise > 0:
        _sparse_notices(frame, values, st, noise, log_rows)
    return values


def _sparse_notices(frame: pd.DataFrame, values: dict[str, list], st: State, noise: float,
                    log_rows: list) -> None:  # fmt: skip
    """Police notices that carry only the name, gender, township and (mostly) an address:
    no ID number, no birth date, often no village (``police_sparse`` in the noise log)."""
    police = (frame["source"] == "公安").to_numpy()
    share = min(1.0, st.shape.police_sparse_share * noise)
    sparse = np.flatnonzero(police & (st.rng.random(len(frame)) < share))
    draws = st.rng.random((len(sparse), 2))
    record_ids = frame["record_id"].tolist()
    for i, (village_draw, address_draw) in zip(sparse, draws, strict=True):
        blanks = {"id_number": "", "birth_date": NEVER}
        if village_draw < 0.5:
            blanks["village"] = ""
        if address_draw < 0.2:
            blanks["address"] = ""
        for column, blank in blanks.items():
            if values[column][i] not in ("", NEVER):
                values[column][i] = blank
                log_rows.append(("deaths", int(i), record_ids[i], column, "police_sparse"))


def _noise_plan(cells: list, registry: str, column: str, rates: tuple, keys: np.ndarray, st: State,
                noise: float) -> list[tuple[int, str]]:  # fmt: skip
    """(row position, noise kind) of the cells of one column to make noisy, in row order."""
    kinds = _draw_kinds(st.rng, len(cells), rates, noise)
    plan = {int(i): rates[kinds[i]][0] for i in np.flatnonzero(kinds >= 0)}
    if column.endswith("id_number"):
        upper_x = (
            pd.Series(cells, dtype=object).str.endswith("X").fillna(False).to_numpy(dtype=bool)
        )
        lower = upper_x & (st.rng.random(len(cells)) < LOWERCASE_X * noise)
        for i in np.flatnonzero(lower):
            plan.setdefault(int(i), "id_lowercase_x")
    special = [
        (k, c, kind) for (r, k, c), kind in st.forced.items() if r == registry and c == column
    ]
    guarded = [k for r, k, c in st.protected if r == registry and c == column]
    if special or guarded:
        positions = pd.Series(np.arange(len(keys)), index=keys)
        for key in guarded:
            for i in np.atleast_1d(positions.get(key, [])):
                plan.pop(int(i), None)
        for key, _, kind in special:
            for i in np.atleast_1d(positions.get(key, [])):
                plan[int(i)] = kind
    return sorted(plan.items())


# --------------------------------------------------------------------------- formatting


def _format_dates(days: list, styles: np.ndarray, xlsx: bool) -> list:
    """Day numbers as text in each row's style (0 ISO, 1 slashes, 2 compact, 3 Chinese, 4 a
    spreadsheet date cell); blank for no date."""
    array = np.array([0 if d == NEVER else d for d in days], dtype=np.int64)
    years, months, dom = year_month_day(array)
    out: list = []
    for d, y, m, dd, style in zip(days, years, months, dom, styles, strict=True):
        if d == NEVER:
            out.append("")
        elif style == 1:
            out.append(f"{y}/{m}/{dd}")
        elif style == 2:
            out.append(f"{y:04d}{m:02d}{dd:02d}")
        elif style == 3:
            out.append(f"{y}年{m}月{dd}日")
        elif style == 4 and xlsx:
            out.append(date(int(y), int(m), int(dd)))
        else:
            out.append(f"{y:04d}-{m:02d}-{dd:02d}")
    return out


def _date_styles(rng: np.random.Generator, n: int, noise: float, xlsx: bool) -> np.ndarray:
    mixed = min(1.0, DATE_MIXED * noise)
    shares = [1 - mixed, mixed * 0.35, mixed * 0.3, mixed * 0.2, mixed * 0.15]
    if not xlsx:
        shares[0] += shares[4]
        shares[4] = 0
    return rng.choice(5, size=n, p=np.array(shares) / sum(shares))


def _format_months(months: list, rng: np.random.Generator, noise: float) -> list[str]:
    mixed = min(1.0, MONTH_MIXED * noise)
    styles = rng.choice(3, size=len(months), p=[1 - mixed, mixed / 2, mixed / 2])
    out = []
    for month, style in zip(months, styles, strict=True):
        y, m = month // 12 + 1970, month % 12 + 1
        out.append(
            f"{y:04d}-{m:02d}" if style == 0 else f"{y}/{m}" if style == 1 else f"{y}年{m}月"
        )
    return out


def _format_amounts(amounts: list, rng: np.random.Generator, noise: float, xlsx: bool) -> list:
    if xlsx:
        return [float(a) for a in amounts]
    mixed = min(1.0, AMOUNT_MIXED * noise)
    styles = rng.choice(4, size=len(amounts), p=[1 - mixed, mixed * 0.4, mixed * 0.3, mixed * 0.3])
    out = []
    for amount, style in zip(amounts, styles, strict=True):
        value = float(amount)
        text = str(int(value)) if value.is_integer() else f"{value:.1f}"
        if style == 1:
            text = f"{value:,.2f}"
        elif style == 2:
            text = f"{text}元"
        elif style == 3:
            text = f"{value:.2f}"
        out.append(text)
    return out


def _format_levels(levels: list, rng: np.random.Generator, noise: float, xlsx: bool) -> list:
    digits = rng.random(len(levels)) < min(1.0, LEVEL_DIGITS * noise)
    return [
        (int(lv) if xlsx else str(int(lv))) if d else names.LEVEL_CHINESE[int(lv) - 1]
        for lv, d in zip(levels, digits, strict=True)
    ]


def format_columns(
    values: dict[str, list], registry: str, st: State, noise: float
) -> dict[str, list]:
    """Typed values to what the file holds: text (CSV) or text and numbers (XLSX).

    Parameters
    ----------
    values : dict of str to list
        Typed cells per column (dates as day numbers, months as month indexes).
    registry : str
        The registry's name (a key of ``FILES``).
    st : State
        The generation state (its random generator).
    noise : float
        Multiplier of the shares of mixed date, month, amount and level styles.

    Returns
    -------
    dict of str to list
        The cells as written: text, or numbers and dates in an XLSX file.
    """
    xlsx = FILES[registry].fmt == "xlsx"
    n = len(next(iter(values.values())))
    styles = _date_styles(st.rng, n, noise, xlsx)
    out: dict[str, list] = {}
    for column, cells in values.items():
        kind = REGISTRIES[registry].column(column).kind
        if kind == "date":
            out[column] = _format_dates(cells, styles, xlsx)
        elif kind == "month":
            out[column] = _format_months(cells, st.rng, noise)
        elif kind == "amount":
            out[column] = _format_amounts(cells, st.rng, noise, xlsx)
        elif kind == "count":
            out[column] = [int(c) if xlsx else str(int(c)) for c in cells]
        elif kind == "disability_level":
            out[column] = _format_levels(cells, st.rng, noise, xlsx)
        else:
            out[column] = [
                c if isinstance(c, float) else ("" if c is None else str(c)) for c in cells
            ]
    return out
