"""A synthetic county (大姚县, region 532326): a data drop with exact truth.

``synthesize`` writes ``out_dir/drop`` (one file per registry, as ``CONTRACT.md`` section 1
describes them, in mixed formats, encodings and header languages) and ``out_dir/truth``:

- ``persons.csv``: the true person of every row of the person registries;
- ``cases.jsonl``: every true anomaly, *derived* by applying the section 2 rules to the clean
  tables (so background generation can never hide an unlabelled anomaly), and checked to hold
  every anomaly that was deliberately injected;
- ``controls.jsonl``: negative controls, look-alikes of anomalies that are not anomalies;
- ``noise.csv``: every noise injection applied to the drop;
- ``manifest.json``: parameters, files, counts and the policy values used.

Generation runs in stages: a clean population (households, people, disabilities, deaths,
poverty registration, assistance enrolment that respects the rules), then injected anomalies
and controls, then clean tables, then the derived truth, then noise and formatting, then the
files. Everything is drawn from one ``numpy.random.default_rng(seed)`` in a fixed order, so a
(people, seed, noise, as_of) always gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import math
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import opencc
import pandas as pd

from resolver.idcard import CHECK_CHARS, WEIGHTS, check_char
from resolver.registries import PERSON_REGISTRIES, REGISTRIES
from resolver.synthetic import names

log = logging.getLogger(__name__)

Cols = dict[str, np.ndarray]
Key = tuple[str, int]  # (registry, internal key): hukou/poverty/disability/deaths by person
# index, assistance by row uid

NEVER = 10_000_000  # a day number meaning "no date": still alive, still active
EPOCH = date(1970, 1, 1)
WINDOW_MONTHS = 24
DEATH_GRACE_MONTHS = 1
GRADUAL_EXIT_MONTHS = 6  # 渐退 of the default policy; the profiles allow 6 to 24
# Profile rules the truth labels beyond the contract's (a true case under that profile only):
# 沙坡头区's B and C class 低保 cases must cover at least two members of a larger household,
# and its roster is compared with 建档立卡 household by household.
SHAPOTOU, SHAPOTOU_BC_MIN_COVERED = "沙坡头区", 2
# 大姚县 lists six key groups of the poverty registry to check for 低保/特困 coverage.
DAYAO = "大姚县"
NO_LABOR = ("丧失劳动力", "无劳动力")
DIBAO_STANDARD_YEAR = 4500
BENEFIT = {"A": 420, "B": 350, "C": 280, "特困": 600}  # 元 a month in BENEFIT_YEAR
BENEFIT_YEAR = 2025
POOR_STATUSES = ("未脱贫", "脱贫监测户", "边缘户")
SEVERE_ANY_LEVEL = ("智力", "精神")
ANOMALY_RATES = {
    "deceased_paid": 15,
    "duplicate_enrollment": 12,
    "split_household": 10,
    "missed_disability": 12,
    "over_standard": 8,
}  # injected per 10,000 people; a split whose members took a 户号 of their own is no
# split_household: a suspected_split when the cases share a bank account, else no case
CASE_TYPES = (
    "deceased_paid",
    "duplicate_enrollment",
    "split_household",
    "suspected_split",
    "missed_disability",
    "over_standard",
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
)
CONTROL_RATE = 8  # per 10,000 people, each type
MIN_COUNT = 3  # a small county still gets this many of each anomaly and control
FIXED_TIME = datetime(2026, 1, 1, 0, 0, 0)
ZIP_TIME = (2026, 1, 1, 0, 0, 0)
HEAD, SPOUSE, CHILD, PARENT, GRANDCHILD = range(5)
EXCEL_EPOCH = date(1899, 12, 30)
XLSX_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
XLSX_PARTS = {
    "[Content_Types].xml": _XML
    + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>",
    "_rels/.rels": _XML + f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    f'<Relationship Id="rId2" Type="{_PKG_REL}/metadata/core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>",
    "docProps/core.xml": _XML
    + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>doudi-synth</dc:creator>'
    f'<dcterms:created xsi:type="dcterms:W3CDTF">{FIXED_TIME:%Y-%m-%dT%H:%M:%SZ}</dcterms:created>'
    f'<dcterms:modified xsi:type="dcterms:W3CDTF">{FIXED_TIME:%Y-%m-%dT%H:%M:%SZ}</dcterms:modified>'
    "</cp:coreProperties>",
    "docProps/app.xml": _XML
    + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>Microsoft Excel</Application></Properties>",
    "xl/workbook.xml": _XML + f'<workbook xmlns="{XLSX_MAIN}" xmlns:r="{_REL}">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": _XML + f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/>'
    "</Relationships>",
    "xl/styles.xml": _XML + f'<styleSheet xmlns="{XLSX_MAIN}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>",
}
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


@dataclass(frozen=True)
class Assumptions:
    """What the county takes for granted, each a parameter. The defaults describe the county
    of ``make demo``; ``VARIANTS`` push one assumption (or a few that go together) to an
    extreme, so that a rule fitted to the defaults shows where it breaks."""

    region: str = "dayao"
    """``dayao`` (大姚县, 云南) or ``xinganmeng`` (a banner of 兴安盟, 内蒙古: 苏木 and 嘎查)."""
    minority_name_share: float = 0.0
    """Households with Mongolian names: no surname, several spellings of one sound, a clan
    surname sometimes written and sometimes not."""
    given_name_pool: int = 0
    """0: every given name the tables hold; N: only the N most common of each kind, so that
    many people share their exact name with someone of their township."""
    coarse_address_share: float = 0.1
    """Households whose address stops at the village group (某村八组), with no house number."""
    courtyard_share: float = 0.04
    """Elderly households with a 户号 of their own, at the address of a younger household of
    their village (parents next door to their son): two legitimate households."""
    courtyard_phone_share: float = 0.5
    """Of those, the share that gives the son's phone as their contact."""
    split_hukou_share: float = 0.4
    """Split-off members who also moved to a 户号 of their own (分户)."""
    split_account_share: float = 0.5
    """Of those, the share still paid to the family's bank account (the rest keep a phone or
    an address in common)."""
    police_sparse_share: float = 0.25
    """Police (公安) death notices carrying only name, gender, township and an address."""
    cross_township_duplicates: float = 0.3
    """Second enrollments of a duplicate set up in another township."""
    duplicate_blank_id: float = 0.2
    """Second enrollments of a duplicate written without an ID number."""
    stale_income_share: float = 0.3
    """Ended cases whose roster rows keep the low income of when they were paid."""
    mixed_class_share: float = 0.6
    """Cases with a severely disabled or gravely ill member where only that member is class
    A (分类施保) and the others keep the case's class; the rest are class A throughout."""
    annual_rise: float = 0.05
    """Yearly rise of every monthly amount (from each January)."""
    wrong_notice_rate: float = 0.3
    """Death notices of living roster members (a namesake's notice, a mistyped ID), per
    10,000 people."""


# Each variant breaks the defaults' assumptions in one direction; `doudi evaluate --matrix`
# runs them all.
VARIANTS: dict[str, Assumptions] = {
    "default": Assumptions(),
    "coarse_addresses": Assumptions(coarse_address_share=0.85, courtyard_share=0.15,
                                    courtyard_phone_share=0.8),
    "no_hukou_splits": Assumptions(split_hukou_share=0.0),
    "many_hukou_splits": Assumptions(split_hukou_share=0.9),
    "police_notices": Assumptions(police_sparse_share=0.9),
    "cross_township_duplicates": Assumptions(cross_township_duplicates=0.95,
                                             duplicate_blank_id=0.8),
    "minority_names": Assumptions(region="xinganmeng", minority_name_share=0.45),
    "stale_incomes": Assumptions(stale_income_share=1.0),
    "namesakes": Assumptions(given_name_pool=6),
}  # fmt: skip
# The county the risk model is fitted on (``doudi calibrate``): wrong death notices and
# sparse police notices often enough that the model sees what they look like, true and false.
CALIBRATION = Assumptions(wrong_notice_rate=3.0, police_sparse_share=0.5)

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


@dataclass(frozen=True)
class FileSpec:
    """How one registry is written into the drop."""

    file: str
    fmt: str
    encoding: str | None
    header: str  # "zh" or "en"
    extras: tuple[str, ...]


FILES: dict[str, FileSpec] = {
    "hukou": FileSpec("户籍人口.csv", "csv", "gb18030", "zh", ("民族", "备注")),
    "assistance": FileSpec("救助对象.xlsx", "xlsx", None, "zh", ("民族", "备注", "收入核定日期")),
    "payments": FileSpec("payments.csv", "csv", "utf-8", "en", ("remarks",)),
    "poverty": FileSpec("建档立卡.csv", "csv", "utf-8-sig", "zh", ("民族", "扶贫低保户")),
    "disability": FileSpec("disability.xlsx", "xlsx", None, "en", ("ethnicity", "remarks")),
    "deaths": FileSpec("死亡人员.csv", "csv", "gbk", "zh", ("备注",)),
}
RECORD_PREFIX = {
    "hukou": "HJ",
    "assistance": "JZ",
    "payments": "FF",
    "poverty": "JD",
    "disability": "CJ",
    "deaths": "SW",
}


@dataclass(frozen=True)
class SynthSummary:
    """What ``synthesize`` wrote: the two folders and the counts."""

    drop_dir: Path
    truth_dir: Path
    rows: dict[str, int]
    anomalies: dict[str, int]
    controls: dict[str, int]


# --------------------------------------------------------------------------- small helpers


def _day(value: date) -> int:
    return (value - EPOCH).days


def _date(day: int) -> date:
    return date.fromordinal(EPOCH.toordinal() + int(day))


def _months(days: np.ndarray | int) -> np.ndarray:
    """Month index (months since 1970-01) of day numbers."""
    return (
        np.asarray(days, dtype=np.int64)
        .astype("datetime64[D]")
        .astype("datetime64[M]")
        .astype(np.int64)
    )


def _first_day(months: np.ndarray | int) -> np.ndarray:
    """The day number of the first day of month indexes."""
    return (
        np.asarray(months, dtype=np.int64)
        .astype("datetime64[M]")
        .astype("datetime64[D]")
        .astype(np.int64)
    )


def _ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and day-of-month arrays of day numbers."""
    as_days = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    months = as_days.astype("datetime64[M]")
    years = months.astype("datetime64[Y]").astype(np.int64) + 1970
    month_of_year = months.astype(np.int64) % 12 + 1
    day_of_month = (as_days - months.astype("datetime64[D]")).astype(np.int64) + 1
    return years, month_of_year, day_of_month


def _month_text(month: int) -> str:
    return f"{month // 12 + 1970:04d}-{month % 12 + 1:02d}"


def _zipf(count: int, exponent: float = 1.0) -> np.ndarray:
    weights = 1.0 / np.arange(1, count + 1) ** exponent
    return weights / weights.sum()


def _rates(programs: np.ndarray, classes: np.ndarray, months: np.ndarray, rise: float
           ) -> np.ndarray:  # fmt: skip
    """The monthly amount of each row's 低保 class (or 特困) in its month (months since
    1970-01): ``BENEFIT`` in ``BENEFIT_YEAR``, rising by ``rise`` each January."""
    keys = np.where(np.asarray(programs, dtype=object) == "特困", "特困",
                    np.asarray(classes, dtype=object))  # fmt: skip
    base = np.array([BENEFIT[key] for key in keys], dtype=np.float64)
    years = np.asarray(months, dtype=np.int64) // 12 + 1970 - BENEFIT_YEAR
    return np.rint(base * (1 + rise) ** years).astype(np.int64)


def target_count(rate_per_10k: float, people: int) -> int:
    """How many cases of a type a county of ``people`` gets (never fewer than MIN_COUNT)."""
    return max(MIN_COUNT, round(rate_per_10k * people / 10_000))


class _Table:
    """Columns as numpy arrays that can grow by single records (appended lazily)."""

    def __init__(self, columns: Cols) -> None:
        self._cols = columns
        self._pending: list[dict[str, Any]] = []

    def __len__(self) -> int:
        return len(next(iter(self._cols.values()))) + len(self._pending)

    def add(self, **values: Any) -> int:
        """Append one record; returns its index."""
        index = len(self)
        self._pending.append(values)
        return index

    def __getitem__(self, key: str) -> np.ndarray:
        self._flush()
        return self._cols[key]

    def _flush(self) -> None:
        if not self._pending:
            return
        for key, column in self._cols.items():
            new = np.array([record[key] for record in self._pending], dtype=column.dtype)
            self._cols[key] = np.concatenate([column, new])
        self._pending = []


# --------------------------------------------------------------------------- the county


@dataclass(frozen=True)
class Geography:
    """The county's region code and the codes of IDs issued elsewhere; its townships (full
    names) with their shares of households, and their villages (``X村``, ``X嘎查``)."""

    code: str
    other_regions: tuple[str, ...]
    townships: tuple[str, ...]
    shares: tuple[float, ...]
    villages: tuple[tuple[str, ...], ...]


@dataclass
class _State:
    """Everything generated so far; the stages below fill it in order."""

    rng: np.random.Generator
    people: int
    as_of: int
    geo: Geography
    shape: Assumptions
    H: Cols = field(default_factory=dict)  # households
    P: Cols = field(default_factory=dict)  # persons
    cases: _Table = field(default_factory=lambda: _Table({}))
    rows: _Table = field(default_factory=lambda: _Table({}))
    used_hh: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    injected: list[tuple[str, tuple[Key, ...]]] = field(default_factory=list)
    controls: list[tuple[str, tuple[Key, ...], str]] = field(default_factory=list)
    forced: dict[tuple[str, int, str], str] = field(default_factory=dict)
    protected: set[tuple[str, int, str]] = field(default_factory=set)
    banks: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    bank_next: int = 0
    relative_ids: pd.Series | None = None
    false_notices: list[tuple[int, int]] = field(default_factory=list)  # (pid, day): alive

    @property
    def m_last(self) -> int:
        return int(_months(self.as_of))

    @property
    def m_first(self) -> int:
        return self.m_last - WINDOW_MONTHS + 1

    @property
    def w0(self) -> int:
        return int(_first_day(self.m_first))

    def age(self, pids: np.ndarray | None = None) -> np.ndarray:
        birth = self.P["birth"] if pids is None else self.P["birth"][pids]
        return (self.as_of - birth) / 365.25


def _geography(rng: np.random.Generator, region: str) -> Geography:
    if region == "dayao":
        code, others = names.COUNTY_CODE, names.OTHER_REGIONS
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


def _households(st: _State) -> None:
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
    rng: np.random.Generator, st: _State, h: np.ndarray, role: np.ndarray, male
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
    return np.minimum(birth, st.as_of - 1)


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
    old = _ymd(birth)[0] < 1975

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


def _mongolian_names(st: _State, h: np.ndarray) -> None:
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


def _unique_numbers(
    rng: np.random.Generator, prefixes: tuple[str, ...], digits: int, n: int
) -> np.ndarray:
    """n distinct numbers as text: a prefix from the list and ``digits`` random digits."""
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


def _phones(rng: np.random.Generator, st: _State, h: np.ndarray, pos: np.ndarray) -> np.ndarray:
    age = st.age()
    n = len(h)
    numbers = _unique_numbers(rng, names.MOBILE_PREFIXES, 8, n)
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


def _persons(st: _State) -> None:
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


def _courtyards(st: _State) -> None:
    """Elderly households (one or two people, head 60 or older) at the address of a younger
    household of their village: parents with a 户号 of their own next door to their son, a
    share of them giving his phone as their contact. ``H["courtyard_of"]``: that younger
    household, else -1."""
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


def _severe(st: _State, pids: np.ndarray | None = None) -> np.ndarray:
    """Whether people are severely disabled (contract section 2)."""
    kind = st.P["dis_type"] if pids is None else st.P["dis_type"][pids]
    level = st.P["dis_level"] if pids is None else st.P["dis_level"][pids]
    mental = (kind == names.DISABILITY_TYPES.index("智力")) | (
        kind == names.DISABILITY_TYPES.index("精神")
    )
    return (kind >= 0) & ((level <= 2) | mental)


def _issue_day(st: _State, pids: np.ndarray) -> np.ndarray:
    low = np.maximum(st.P["birth"][pids] + 365, _day(date(2008, 1, 1)))
    low = np.minimum(low, st.as_of - 30)
    return low + (st.rng.random(len(pids)) * (st.as_of - 30 - low)).astype(np.int64)


def _disabilities(st: _State) -> None:
    rng, n = st.rng, len(st.P["birth"])
    age = st.age()
    weight = 0.012 + 0.10 / (1 + np.exp(-(age - 65) / 8))
    has = rng.random(n) < np.minimum(weight * 0.05 * n / weight.sum(), 0.9)
    pids = np.flatnonzero(has)
    type_p = np.array(names.DISABILITY_TYPE_SHARES)
    level_p = np.array(names.LEVEL_SHARES)
    st.P["dis_type"][pids] = rng.choice(7, size=len(pids), p=type_p / type_p.sum())
    st.P["dis_level"][pids] = rng.choice(4, size=len(pids), p=level_p / level_p.sum()) + 1
    st.P["dis_issue"][pids] = _issue_day(st, pids)
    mark = has & (st.P["health"] != "患有大病") & (rng.random(n) < 0.85)
    st.P["health"][mark] = "残疾"


def _random_day(
    rng: np.random.Generator, low: np.ndarray | int, high: np.ndarray | int, n: int
) -> np.ndarray:
    """Uniform day numbers in [low, high] (inclusive)."""
    low = np.asarray(low, dtype=np.int64)
    high = np.asarray(high, dtype=np.int64)
    return low + (rng.random(n) * (high - low + 1)).astype(np.int64)


def _background_deaths(st: _State) -> None:
    rng, n = st.rng, len(st.P["birth"])
    age = st.age()
    hazard = np.exp(0.09 * (age - 60)) * np.where(_severe(st), 2.0, 1.0)
    hazard *= np.where(st.P["health"] == "患有大病", 4.0, 1.0)
    hazard[st.P["birth"] >= st.w0] = 0
    p = np.minimum(hazard * 0.0058 * n / hazard.sum(), 0.6)
    dead = np.flatnonzero(rng.random(n) < p)
    st.P["death"][dead] = _random_day(rng, st.w0, st.as_of, len(dead))
    log.debug("background deaths: %d", len(dead))


def _twins(st: _State, k: int) -> None:
    """Control: twins in one hukou household (same birth date, given names one char apart)."""
    P, rng = st.P, st.rng
    alive_child = (P["role"] == CHILD) & (P["death"] == NEVER) & (st.age() < 40)
    count = np.bincount(P["hh"][alive_child], minlength=len(st.H["size"]))
    chosen = _pick(st, np.flatnonzero(count >= 2), k, lambda hh: (hh,))
    for hh in chosen:
        members = np.flatnonzero(
            alive_child[st.H["first"][hh] : st.H["first"][hh] + st.H["size"][hh]]
        )
        one, two = (st.H["first"][hh] + members[:2]).tolist()
        P["birth"][two] = P["birth"][one]
        generation = P["given"][one][0]
        first_tail = (
            P["given"][one][1] if len(P["given"][one]) == 2 else _draw_char(rng, P["male"][one])
        )
        second_tail = first_tail
        while second_tail == first_tail:
            second_tail = _draw_char(rng, P["male"][two])
        P["given"][one] = generation + first_tail
        P["given"][two] = generation + second_tail
        st.controls.append(
            (
                "twins",
                (("hukou", one), ("hukou", two)),
                "twins: same birth date, names one char apart",
            )
        )


def _draw_char(rng: np.random.Generator, male: bool) -> str:
    chars = names.MALE_CHARS if male else names.FEMALE_CHARS
    return chars[int(rng.choice(len(chars), p=_zipf(len(chars), 1.05)))]


def _poverty(st: _State) -> None:
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


# --------------------------------------------------------------------------- enrolment


def _empty_cases() -> _Table:
    return _Table(
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


def _empty_rows() -> _Table:
    return _Table(
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


def _new_bank(st: _State) -> str:
    """The next unused account number of the county's pool."""
    if st.bank_next >= len(st.banks):
        raise RuntimeError("the pool of bank account numbers ran out")
    st.bank_next += 1
    return str(st.banks[st.bank_next - 1])


def _household_phone(st: _State, hh: int) -> str:
    first, size = st.H["first"][hh], st.H["size"][hh]
    phones = [p for p in st.P["phone"][first : first + size] if p]
    return phones[0] if phones else ""


def _add_case(st: _State, program: str, hh: int, start: int, **where: Any) -> int:
    """A new case of household ``hh``; ``where`` may override township/village/house/phone/bank."""
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
        bank=where.get("bank") or _new_bank(st),
        income=float(round(st.rng.uniform(60, 360), 1)),
        assessed=NEVER,
    )


def _new_house(st: _State) -> int:
    """A house number no household has, for the next case (a case set up elsewhere lives
    at an address of its own, not at a neighbour's)."""
    return int(st.H["house"].max()) + 1 + len(st.cases)


def _add_row(
    st: _State, case: int, pid: int, start: int, order: int = 0, relation: str = "户主"
) -> int:
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


def _enrolment_plan(st: _State) -> dict[str, np.ndarray]:
    """Per household: a family 低保 case, a 特困 case for a lone elder, a 低保 case for the
    elders only, or singles for the severely disabled. Every alive severely disabled member
    of a poor household ends up covered."""
    rng, H, P = st.rng, st.H, st.P
    n_hh = len(H["size"])
    sev_alive = _severe(st) & (P["death"] == NEVER)
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


def _case_start(st: _State, n: int) -> np.ndarray:
    low = _day(COUNTY_START)
    share = st.rng.random(n) ** CASE_START_SKEW
    return low + (share * (st.as_of - 45 - low)).astype(np.int64)


def _enrol(st: _State) -> None:
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
        case = _add_case(st, "特困" if plan["tekun"][hh] else "低保", hh, start)
        for order, pid in enumerate(members):
            relation = "户主" if plan["elders"][hh] and order == 0 else str(P["relation"][pid])
            _add_row(st, case, pid, start, int(P["pos"][pid]), relation)
    for hh in np.flatnonzero(plan["singles"]):
        members = np.arange(H["first"][hh], H["first"][hh] + H["size"][hh])
        for pid in members[_severe(st, members) & (P["death"][members] == NEVER)]:
            program = "特困" if st.age(np.array([pid]))[0] >= 60 else "低保"
            case = _add_case(st, program, hh, int(_case_start(st, 1)[0]), cls="A")
            _add_row(st, case, pid, st.cases["start"][case])
    _set_coverage(st)
    _end_cases(st)
    _member_exits(st)
    log.debug("background enrolment: %d cases, %d rows", len(st.cases), len(st.rows))


def _set_coverage(st: _State) -> None:
    """Some healthy working-age members of larger cases are listed but not covered (否)."""
    rows, P = st.rows, st.P
    pid = rows["pid"]
    size = np.bincount(rows["case"], minlength=len(st.cases))
    age = st.age(pid)
    eligible = (rows["order"] > 0) & (age >= 18) & (age < 60) & ~_severe(st, pid)
    eligible &= (P["health"][pid] == "健康") & (size[rows["case"]] >= 2)
    rows["covered"][eligible & (st.rng.random(len(pid)) < 0.12)] = False
    needy = _severe(st, pid) | (P["health"][pid] == "患有大病")
    needy_case = np.bincount(rows["case"], weights=needy, minlength=len(st.cases)) > 0
    needy_case &= st.cases["program"] == "低保"
    mixed = needy_case & (st.rng.random(len(st.cases)) < st.shape.mixed_class_share)
    st.cases["cls"][needy_case & ~mixed] = "A"
    rows["cls"][needy & mixed[rows["case"]]] = "A"  # 分类施保: the needy member alone


def _end_cases(st: _State) -> None:
    """Cases of households that are not poor end (the family's income rose)."""
    cases, rows, rng = st.cases, st.rows, st.rng
    n = len(cases)
    eligible = (cases["program"] == "低保") & ~st.H["poor"][cases["hh"]]
    low = np.maximum(cases["start"] + 180, st.w0 - 400)
    high = np.full(n, st.as_of - 15)
    end = _random_day(rng, low, high, n)
    ends = eligible & (low <= high) & (rng.random(n) < P_CASE_ENDS)
    updated = ends & (rng.random(n) >= st.shape.stale_income_share)  # the rest stay stale
    cases["income"][updated] = np.round(rng.uniform(380, 900, int(updated.sum())), 1)
    row_end = np.where(ends[rows["case"]], end[rows["case"]], NEVER)
    rows["end"][:] = np.where(rows["start"] <= row_end, row_end, rows["end"])
    rows["dropped"][rows["start"] > row_end] = True


def _member_exits(st: _State) -> None:
    """A few members leave an ongoing case (married out, found work)."""
    rows, rng = st.rows, st.rng
    pid = rows["pid"]
    size = np.bincount(rows["case"], minlength=len(st.cases))
    eligible = (rows["order"] > 0) & (rows["end"] == NEVER) & ~rows["dropped"] & ~_severe(st, pid)
    eligible &= (size[rows["case"]] >= 2) & (st.age(pid) >= 16) & (st.P["death"][pid] == NEVER)
    eligible &= rows["start"] < st.as_of - 200
    chosen = np.flatnonzero(eligible & (rng.random(len(pid)) < 0.03))
    low = np.maximum(rows["start"][chosen] + 90, st.w0)
    rows["end"][chosen] = _random_day(rng, low, st.as_of - 15, len(chosen))


def _transfers(st: _State, k: int) -> None:
    """Background: an elder leaves the family 低保 case and, months later, gets 特困."""
    rows = st.rows
    candidates = _candidate_rows(st, program="低保", min_size=2)
    old = st.age(rows["pid"][candidates]) >= 65
    candidates = candidates[old & (rows["order"][candidates] > 0)]
    candidates = candidates[rows["start"][candidates] <= st.as_of - 300]
    for uid in _pick(st, candidates, k, lambda uid: _row_households(st, uid)):
        end = int(
            _random_day(st.rng, max(st.w0 - 200, rows["start"][uid] + 60), st.as_of - 200, 1)[0]
        )
        rows["end"][uid] = end
        pid = int(rows["pid"][uid])
        start = end + int(st.rng.integers(30, 150))
        case = _add_case(st, "特困", int(st.P["hh"][pid]), start)
        _add_row(st, case, pid, start)


# --------------------------------------------------------------------------- picking


def _pick(
    st: _State, candidates: np.ndarray, k: int, households: Callable[[int], tuple]
) -> list[int]:
    """Up to k candidates in random order whose households are all unused; marks them used."""
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


def _row_households(st: _State, uid: int) -> tuple[int, ...]:
    person_hh = int(st.P["hh"][st.rows["pid"][uid]])
    case_hh = int(st.cases["hh"][st.rows["case"][uid]])
    return (person_hh,) if person_hh == case_hh else (person_hh, case_hh)


def _case_stats(st: _State) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per case: live row count, whether every row is active with its person alive, and
    whether every row is a member of the case's own household."""
    rows, n = st.rows, len(st.cases)
    live = ~rows["dropped"]
    case, pid = rows["case"], rows["pid"]
    size = np.bincount(case[live], minlength=n)
    broken = live & ((rows["end"] != NEVER) | (st.P["death"][pid] != NEVER))
    foreign = live & (st.P["hh"][pid] != st.cases["hh"][case])
    intact = (np.bincount(case[broken], minlength=n) == 0) & (size > 0)
    pure = np.bincount(case[foreign], minlength=n) == 0
    return size, intact, pure


def _candidate_rows(
    st: _State, program: str | None = None, min_size: int = 1, max_size: int = 99
) -> np.ndarray:
    """Covered rows of intact cases (all rows active, all alive) in unused households."""
    rows = st.rows
    size, intact, _ = _case_stats(st)
    case = rows["case"]
    mask = ~rows["dropped"] & rows["covered"] & intact[case]
    mask &= (size[case] >= min_size) & (size[case] <= max_size)
    mask &= ~st.used_hh[st.P["hh"][rows["pid"]]] & ~st.used_hh[st.cases["hh"][case]]
    if program:
        mask &= st.cases["program"][case] == program
    return np.flatnonzero(mask)


def _case_rows(st: _State, case: int) -> np.ndarray:
    return np.flatnonzero((st.rows["case"] == case) & ~st.rows["dropped"])


# --------------------------------------------------------------------------- top-ups


def _unenrolled_households(st: _State) -> np.ndarray:
    """Unused households none of whose members was ever on a roster, all alive."""
    n_hh = len(st.H["size"])
    listed = np.bincount(st.P["hh"][st.rows["pid"]], minlength=n_hh) > 0
    dead = np.bincount(st.P["hh"], weights=st.P["death"] != NEVER, minlength=n_hh) > 0
    return ~st.used_hh & ~listed & ~dead


def _top_up(st: _State, have: int, want: int, *, sizes: tuple[int, int], poor: bool = False,
            having: np.ndarray | None = None, township: int | None = None) -> list[int]:  # fmt: skip
    """When a pool of ``have`` households is smaller than ``want`` (small counties), enrol
    fresh households (one active family 低保 case each, all members covered); their cases."""
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
        start = int(_random_day(st.rng, _day(COUNTY_START), st.as_of - 400, 1)[0])
        case = _add_case(st, "低保", int(hh), start)
        for pid in range(H["first"][hh], H["first"][hh] + H["size"][hh]):
            _add_row(st, case, pid, start, int(st.P["pos"][pid]), str(st.P["relation"][pid]))
        created.append(case)
    log.debug("topped up %d fresh cases", len(created))
    return created


def _row_households_count(st: _State, uids: np.ndarray) -> int:
    return len(np.unique(st.P["hh"][st.rows["pid"][uids]]))


# --------------------------------------------------------------------------- injections


def _make_severe(st: _State, pid: int) -> None:
    """Give a person a severe disability (a new certificate or a worse level)."""
    P, rng = st.P, st.rng
    if _severe(st, np.array([pid]))[0]:
        return
    if P["dis_type"][pid] < 0:
        P["dis_type"][pid] = int(rng.choice(7, p=np.array(names.DISABILITY_TYPE_SHARES) / 1.0))
        P["dis_issue"][pid] = int(_issue_day(st, np.array([pid]))[0])
    P["dis_level"][pid] = int(rng.integers(1, 3))
    if P["health"][pid] != "患有大病":
        P["health"][pid] = "残疾"


def _inject_missed(st: _State, k: int) -> None:
    """missed_disability: a severely disabled member of a poor household, not enrolled."""
    P, H = st.P, st.H
    n_hh = len(H["size"])
    live = ~st.rows["dropped"]
    enrolled_hh = np.bincount(P["hh"][st.rows["pid"][live]], minlength=n_hh) > 0
    alive = (P["death"] == NEVER) & (st.age() >= 3) & H["poor"][P["hh"]]
    loose = np.flatnonzero(alive & ~enrolled_hh[P["hh"]])
    half = math.ceil(k * 0.6)
    chosen = _pick(st, loose, half, lambda pid: (int(P["hh"][pid]),))
    members = _candidate_rows(st, program="低保", min_size=2)
    members = members[(st.rows["order"][members] > 0) & H["poor"][P["hh"][st.rows["pid"][members]]]]
    removed = _pick(st, members, k - len(chosen), lambda uid: _row_households(st, uid))
    for uid in removed:
        st.rows["dropped"][uid] = True
        chosen.append(int(st.rows["pid"][uid]))
    for pid in chosen:
        _make_severe(st, pid)
        st.injected.append(("missed_disability", (("disability", pid),)))


def _inject_mistyped(st: _State, k: int) -> None:
    """Control: a severely disabled poor member who IS covered, with a typo in the assistance ID."""
    for attempt in range(2):
        candidates = _candidate_rows(st, program="低保")
        candidates = candidates[st.H["poor"][st.P["hh"][st.rows["pid"][candidates]]]]
        if attempt == 0:
            _top_up(st, _row_households_count(st, candidates), k, sizes=(1, 9), poor=True)
    for uid in _pick(st, candidates, k, lambda uid: _row_households(st, uid)):
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


def _family_cases(st: _State, min_size: int) -> np.ndarray:
    """Intact, pure family 低保 cases of unused households with at least min_size rows."""
    size, intact, pure = _case_stats(st)
    ok = intact & pure & (size >= min_size) & (st.cases["program"] == "低保")
    return np.flatnonzero(ok & ~st.used_hh[st.cases["hh"]])


def _inject_legit_single(st: _State, k: int) -> None:
    """Control: a severely disabled or gravely ill member enrolled as his own 单人户 case."""
    _top_up(st, len(_family_cases(st, 3)), k, sizes=(3, 9))
    for case in _pick(st, _family_cases(st, 3), k, lambda c: (int(st.cases["hh"][c]),)):
        uids = _case_rows(st, case)
        uid = int(st.rng.choice(uids[st.rows["order"][uids] > 0]))
        pid = int(st.rows["pid"][uid])
        if st.rng.random() < 0.5:
            _make_severe(st, pid)
        else:
            st.P["health"][pid] = "患有大病"
        st.rows["dropped"][uid] = True
        start = int(_random_day(st.rng, st.cases["start"][case], st.as_of - 60, 1)[0])
        single = _add_case(st, "低保", int(st.cases["hh"][case]), start, cls="A")
        new_uid = _add_row(st, single, pid, start)
        family = tuple(("assistance", int(u)) for u in uids if u != uid)
        st.controls.append(
            (
                "legit_single_person",
                (("assistance", new_uid), *family),
                "单人户保障 of a severely disabled or gravely ill member; the family has its own case",
            )
        )


def _movable_people(st: _State) -> np.ndarray:
    """People who could head a split-off case: adult children or parents, neither severely
    disabled nor gravely ill (so a case of theirs is never a legitimate 单人户)."""
    P = st.P
    ok = (P["pos"] > 0) & (st.age() >= 18) & ((P["role"] == CHILD) | (P["role"] == PARENT))
    return ok & ~_severe(st) & (P["health"] != "患有大病")


def _movable(st: _State, uids: np.ndarray) -> np.ndarray:
    return uids[_movable_people(st)[st.rows["pid"][uids]]]


def _other_village(st: _State, township: int, village: int) -> int:
    count = len(st.geo.villages[township])
    return int((village + st.rng.integers(1, count)) % count)


def _inject_split(st: _State, k: int) -> None:
    """split_household: one hukou household enrolled as two or more concurrent 低保 cases.
    When the split-off members also moved to a 户号 of their own (分户), it is no longer one
    hukou family: a ``suspected_split`` (疑似人为分户) when the cases are still paid to one
    bank account, and no case at all when only a phone or an address ties them."""
    cases = _splittable(st)
    _top_up(st, len(cases), k, sizes=(3, 9), having=_movable_people(st))
    cases = _splittable(st)
    chosen = _pick(st, cases, k, lambda c: (int(st.cases["hh"][c]),))
    for case, (own_hukou, account) in zip(chosen, _split_kinds(st, len(chosen)), strict=True):
        uids = _case_rows(st, case)
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


def _split_kinds(st: _State, k: int) -> list[tuple[bool, bool]]:
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


def _splittable(st: _State) -> np.ndarray:
    cases = _family_cases(st, 3)
    movable = _movable_people(st)
    live = ~st.rows["dropped"]
    has = np.bincount(
        st.rows["case"][live], weights=movable[st.rows["pid"][live]], minlength=len(st.cases)
    )
    return cases[has[cases] > 0]


def _split_off(st: _State, case: int, group: list[int], own_hukou: bool, account: bool
               ) -> list[int]:  # fmt: skip
    """Move a group of rows of ``case`` into a new 低保 case of the same household; with
    ``own_hukou`` its members take a 户号 of their own, and the new case is paid to the old
    case's bank account when ``account``."""
    rng, cases = st.rng, st.cases
    hh = int(cases["hh"][case])
    start = int(
        _random_day(rng, max(cases["start"][case], st.as_of - 5 * 365), st.as_of - 60, 1)[0]
    )
    where: dict[str, Any] = {}
    if rng.random() < 0.5:
        township = int(cases["township"][case])
        where = {"village": _other_village(st, township, int(cases["village"][case]))}
        where["house"] = _new_house(st)
    if account or (not own_hukou and rng.random() < 0.3):
        where["bank"] = cases["bank"][case]
    own_phone = st.P["phone"][st.rows["pid"][group[0]]]
    where["phone"] = cases["phone"][case] if rng.random() < 0.3 or not own_phone else own_phone
    if own_hukou and not account:
        _keep_a_tie(st, case, where)
    new_case = _add_case(st, "低保", hh, start, **where)
    if own_hukou:  # 11 characters: never one of the county's 10-character 户号
        hukou_no = f"{st.H['hukou_no'][hh][:5]}{new_case:06d}"
        st.P["own_hukou"][st.rows["pid"][group]] = hukou_no
    created = []
    for order, uid in enumerate(group):
        st.rows["dropped"][uid] = True
        relation = "户主" if order == 0 else "其他"
        created.append(_add_row(st, new_case, int(st.rows["pid"][uid]), start, order, relation))
    return created


def _keep_a_tie(st: _State, case: int, where: dict[str, Any]) -> None:
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


def _dup_kind(st: _State, pid: int) -> str:
    if st.age(np.array([pid]))[0] >= 60 and st.rng.random() < 0.4:
        return "tekun"
    return "relative" if st.rng.random() < 0.6 else "own"


def _inject_duplicates(st: _State, k: int) -> None:
    """duplicate_enrollment: one person active in two cases over overlapping months."""
    rows = st.rows
    for attempt in range(2):
        candidates = _candidate_rows(st, program="低保")
        candidates = candidates[rows["start"][candidates] <= st.as_of - 150]
        if attempt == 0:
            _top_up(st, _row_households_count(st, candidates), k, sizes=(1, 9))
    for uid in _pick(st, candidates, k, lambda uid: _row_households(st, uid)):
        pid = int(rows["pid"][uid])
        low = max(int(rows["start"][uid]) + 30, st.as_of - 3 * 365)
        start = int(_random_day(st.rng, low, st.as_of - 60, 1)[0])
        kind = _dup_kind(st, pid)
        elsewhere = st.rng.random() < st.shape.cross_township_duplicates
        second = _second_enrolment(st, pid, kind, start, elsewhere)
        if st.rng.random() < st.shape.duplicate_blank_id:
            st.forced[("assistance", second, "id_number")] = "id_blank"
        elif st.rng.random() < 0.7:
            _force_identity_noise(st, "assistance", second, pid)
        st.injected.append(("duplicate_enrollment", (("assistance", uid), ("assistance", second))))


def _second_enrolment(st: _State, pid: int, kind: str, start: int, elsewhere: bool) -> int:
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
        picked = _pick(st, others, 1, lambda c: (int(st.cases["hh"][c]),))
        if picked:
            start = max(start, int(st.cases["start"][picked[0]]))
            return _add_row(st, picked[0], pid, start, 99, "其他")
        kind = "own"
    if elsewhere:
        township = int((township + st.rng.integers(1, len(st.geo.townships)))
                       % len(st.geo.townships))  # fmt: skip
        village = int(st.rng.integers(0, len(st.geo.villages[township])))
    elif kind != "tekun":
        village = _other_village(st, township, village)
    place = {"township": township, "village": village, "house": _new_house(st)}
    if kind == "tekun" and not elsewhere:
        place = {}
    case = _add_case(st, "特困" if kind == "tekun" else "低保", hh, start, **place)
    return _add_row(st, case, pid, start)


def _force_identity_noise(st: _State, registry: str, key: int, pid: int) -> None:
    """Make one row hard to join exactly: a noisy ID or a homophone/traditional name."""
    options = ["id_typo", "id_transposition", "id_blank", "name_homophone", "name_traditional"]
    if _ymd(st.P["birth"][pid : pid + 1])[0][0] // 100 == 19:
        options.append("id_15_digit")
    kind = str(st.rng.choice(options))
    if kind == "name_homophone" and not _homophone_positions(st.P["given"][pid]):
        kind = "id_typo"
    column = "name" if kind.startswith("name") else "id_number"
    st.forced[(registry, key, column)] = kind


def _death_in_month(st: _State, month: int) -> int:
    low = int(_first_day(month))
    high = min(int(_first_day(month + 1)) - 1, st.as_of)
    return int(_random_day(st.rng, low, high, 1)[0])


def _death_candidates(st: _State, last_month: int, single: bool | None) -> np.ndarray:
    rows = st.rows
    candidates = _candidate_rows(st)
    start_month = _months(rows["start"][candidates] + 31)
    candidates = candidates[np.maximum(start_month, st.m_first) <= last_month]
    if single is None:
        return candidates
    size, _, _ = _case_stats(st)
    return candidates[(size[rows["case"][candidates]] == 1) == single]


def _kill(st: _State, uid: int, last_month: int) -> int:
    """Let the person of a row die in a month within [window start, last_month]."""
    rows = st.rows
    first = max(int(_months(rows["start"][uid] + 31)), st.m_first)
    month = int(st.rng.integers(first, last_month + 1))
    pid = int(rows["pid"][uid])
    st.P["death"][pid] = _death_in_month(st, month)
    return pid


def _inject_deceased(st: _State, k: int) -> None:
    """deceased_paid: a covered member dies and the case goes on being paid in full."""
    last = st.m_last - DEATH_GRACE_MONTHS - 2
    have = _row_households_count(st, _death_candidates(st, last, True))
    _top_up(st, have, k // 2, sizes=(1, 1))
    singles = _pick(st, _death_candidates(st, last, True), k // 2, lambda u: _row_households(st, u))
    have = _row_households_count(st, _death_candidates(st, last, False))
    _top_up(st, have, k - len(singles), sizes=(2, 9))
    multi = _pick(
        st, _death_candidates(st, last, False), k - len(singles), lambda u: _row_households(st, u)
    )
    for uid in singles + multi:
        pid = _kill(st, uid, last)
        st.rows["keep"][uid] = True
        variant = st.rng.random()
        if variant < 0.15:
            st.forced[("deaths", pid, "id_number")] = "id_blank"
        elif variant < 0.30:
            st.forced[("deaths", pid, "id_number")] = "id_typo"
        elif variant < 0.45 and _homophone_positions(st.P["given"][pid]):
            st.forced[("deaths", pid, "name")] = "name_homophone"
        st.injected.append(("deceased_paid", (("assistance", uid),)))


def _inject_grace(st: _State, k: int) -> None:
    """Control: a covered member dies and the payments stop within the grace month."""
    last = st.m_last - DEATH_GRACE_MONTHS - 1
    _top_up(st, _row_households_count(st, _death_candidates(st, last, None)), k, sizes=(1, 9))
    for uid in _pick(st, _death_candidates(st, last, None), k, lambda u: _row_households(st, u)):
        pid = _kill(st, uid, last)
        month = int(_months(st.P["death"][pid])) + DEATH_GRACE_MONTHS
        st.rows["grace"][uid] = _death_in_month(st, month)
        st.controls.append(
            (
                "death_within_grace",
                (("assistance", uid), ("deaths", pid)),
                "died; the row ended and payments stopped within the grace month",
            )
        )


def _inject_lookalikes(st: _State, k: int) -> None:
    """Control: same name, same birth year, same township; one dead, the other paid."""
    P, rows = st.P, st.rows
    candidates = _candidate_rows(st, program="低保")
    candidates = candidates[st.age(rows["pid"][candidates]) >= 30]
    pool = _lookalike_pool(st)
    pool_town = st.H["township"][P["hh"][pool]]
    done = 0
    for uid in st.rng.permutation(candidates):
        if done == k:
            break
        a = int(rows["pid"][uid])
        if any(st.used_hh[h] for h in _row_households(st, int(uid))):
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


def _long_enrolled_cases(st: _State) -> np.ndarray:
    """Intact 低保 cases enrolled at least 40 months before the drop."""
    _, intact, _ = _case_stats(st)
    cases = st.cases
    return np.flatnonzero(
        intact & (cases["program"] == "低保") & (cases["start"] <= st.as_of - 40 * 30)
    )


def _inject_over_standard(st: _State, k: int) -> None:
    """over_standard: income above the standard, assessed 26 to 38 months ago, still paid:
    past the 渐退 period of every profile (6 to 24 months)."""
    for case in _pick(st, _long_enrolled_cases(st), k, lambda c: (int(st.cases["hh"][c]),)):
        _raise_income(st, case, months_ago=(26, 38))
        covered = [int(u) for u in _case_rows(st, case) if st.rows["covered"][u]]
        st.injected.append(("over_standard", tuple(("assistance", u) for u in covered)))


def _inject_within_exit(st: _State, k: int) -> None:
    """Control: income above the standard, assessed one to four months ago: within the 渐退
    period of every profile."""
    for case in _pick(st, _long_enrolled_cases(st), k, lambda c: (int(st.cases["hh"][c]),)):
        _raise_income(st, case, months_ago=(1, 4))
        first = int(_case_rows(st, case)[0])
        st.controls.append(
            ("over_standard_within_exit", (("assistance", first),),
             "income above the standard, assessed within the 渐退 period")
        )  # fmt: skip


def _inject_marked_gaps(st: _State, k: int) -> None:
    """A profile's case (沙坡头区's ledger comparison): a 建档立卡 household marked 扶贫低保户
    of which no one is on an active roster. (Every household with someone on an active roster
    is marked 扶贫低保户 too.)"""
    enrolled = np.zeros(len(st.H["size"]), dtype=bool)
    enrolled[_enrolled_households(st)] = True
    candidates = np.flatnonzero(st.H["in_pov"] & ~enrolled)
    for hh in _pick(st, candidates, k, lambda h: (int(h),)):
        st.H["marked_unenrolled"][hh] = True


def _enrolled_households(st: _State) -> np.ndarray:
    """Households with a member on an active, covered roster row."""
    rows = st.rows
    active = ~rows["dropped"] & rows["covered"] & (rows["end"] == NEVER)
    return np.unique(st.P["hh"][rows["pid"][active]])


def _raise_income(st: _State, case: int, *, months_ago: tuple[int, int]) -> None:
    st.cases["income"][case] = round(float(st.rng.uniform(400, 700)), 1)
    low, high = st.as_of - months_ago[1] * 30, st.as_of - months_ago[0] * 30
    st.cases["assessed"][case] = int(_random_day(st.rng, low, high, 1)[0])


def _lookalike_pool(st: _State) -> np.ndarray:
    """People who may die as someone's namesake: spouses and parents never on a roster."""
    P = st.P
    listed = np.zeros(len(P["hh"]), dtype=bool)
    listed[st.rows["pid"]] = True
    spouse_like = (P["role"] == SPOUSE) | (P["role"] == PARENT)
    old_enough = P["birth"] < st.w0 - 365 * 20
    return np.flatnonzero(spouse_like & ~listed & (P["death"] == NEVER) & old_enough)


def _lookalike_fresh(st: _State, b: int) -> int:
    """Small counties: enrol a fresh household of b's township holding a namesake-to-be."""
    P = st.P
    if st.used_hh[P["hh"][b]]:
        return 0
    town = int(st.H["township"][P["hh"][b]])
    having = (P["male"] == P["male"][b]) & (st.age() >= 30) & (P["hh"] != P["hh"][b])
    created = _top_up(st, 0, 1, sizes=(1, 9), township=town, having=having)
    if not created:
        return 0
    uids = _case_rows(st, created[0])
    uids = uids[having[st.rows["pid"][uids]]]
    _lookalike_pair(st, int(uids[0]), b)
    return 1


def _lookalike_pair(st: _State, uid: int, b: int) -> None:
    for hh in (*_row_households(st, uid), int(st.P["hh"][b])):
        st.used_hh[hh] = True
    _make_lookalike(st, int(st.rows["pid"][uid]), b)
    st.controls.append(
        (
            "lookalike",
            (("assistance", uid), ("deaths", b)),
            "a different person of the same name, birth year and township died",
        )
    )


def _make_lookalike(st: _State, a: int, b: int) -> None:
    P = st.P
    P["surname"][b], P["given"][b] = P["surname"][a], P["given"][a]
    year = int(_ymd(P["birth"][a : a + 1])[0][0])
    _, month, day = _ymd(P["birth"][b : b + 1])
    P["birth"][b] = _day(date(year, int(month[0]), min(int(day[0]), 28)))
    P["death"][b] = int(_random_day(st.rng, st.w0, st.as_of, 1)[0])


def _inject_separate_households(st: _State, k: int) -> None:
    """Control: parents with a 户号 of their own at their son's address (often with his
    phone as their contact), each household with a 低保 case of its own: two legitimate
    households, not a split one."""
    old = np.flatnonzero(st.H["courtyard_of"] >= 0)
    for hh in _pick(st, old, k, lambda h: (int(h), int(st.H["courtyard_of"][h]))):
        cases = [_dibao_case(st, household) for household in (hh, int(st.H["courtyard_of"][hh]))]
        if None in cases:
            continue
        records = tuple(("assistance", int(uid)) for case in cases for uid in _case_rows(st, case))
        st.controls.append(("legit_separate_household", records,
                            "two households (parents with their own 户号 next door to their "
                            "son) sharing an address, often a phone, each with its own 低保"))  # fmt: skip


def _dibao_case(st: _State, hh: int) -> int | None:
    """The 低保 case of household ``hh`` when it has one of its own members only and they
    are on no other roster; when none is on a roster, one is enrolled (all its living
    members, covered). None otherwise, or when no member is alive."""
    members = np.arange(st.H["first"][hh], st.H["first"][hh] + st.H["size"][hh])
    members = members[st.P["death"][members] == NEVER]
    listed = ~st.rows["dropped"] & np.isin(st.rows["pid"], members)
    cases = np.unique(st.rows["case"][listed])
    if len(cases) == 0 and len(members):
        start = int(_random_day(st.rng, _day(COUNTY_START), st.as_of - 400, 1)[0])
        case = _add_case(st, "低保", hh, start)
        for pid in members:
            _add_row(st, case, int(pid), start, int(st.P["pos"][pid]), str(st.P["relation"][pid]))
        return case
    _, intact, pure = _case_stats(st)
    if len(cases) == 1 and intact[cases[0]] and pure[cases[0]] \
            and st.cases["program"][cases[0]] == "低保":  # fmt: skip
        return int(cases[0])
    return None


def _inject_stale_incomes(st: _State, k: int) -> None:
    """Control: a severely disabled member of a household that is not poor, whose 低保 case
    ended and whose roster rows still show the low income of when it was paid: history,
    not a reason to think the household poor now."""
    rows, cases = st.rows, st.cases
    ended = np.bincount(rows["case"], weights=(rows["end"] == NEVER) & ~rows["dropped"],
                        minlength=len(cases)) == 0  # fmt: skip
    ended &= (cases["program"] == "低保") & ~st.H["poor"][cases["hh"]]
    candidates = np.flatnonzero(ended[rows["case"]] & ~rows["dropped"]
                                & (st.P["death"][rows["pid"]] == NEVER))  # fmt: skip
    candidates = candidates[
        np.bincount(rows["pid"], minlength=len(st.P["hh"]))[rows["pid"][candidates]] == 1
    ]  # on no other roster row
    for uid in _pick(st, candidates, k, lambda u: _row_households(st, u)):
        pid, case = int(rows["pid"][uid]), int(rows["case"][uid])
        _make_severe(st, pid)
        cases["income"][case] = round(float(st.rng.uniform(60, 360)), 1)
        st.controls.append(("stale_income", (("disability", pid), ("assistance", uid)),
                            "severely disabled; the only low income is on a case that ended"))  # fmt: skip


def _inject_wrong_notices(st: _State, k: int) -> None:
    """Control: a living, covered member reported dead (a namesake's notice, a mistyped
    ID). Most carry evidence of life after the date: the row began later, a certificate was
    issued later, the income was assessed later, or a second notice gives another date."""
    last = st.m_last - DEATH_GRACE_MONTHS - 2
    candidates = _death_candidates(st, last, None)
    for uid in _pick(st, candidates, k, lambda u: _row_households(st, u)):
        pid, case = int(st.rows["pid"][uid]), int(st.rows["case"][uid])
        start = int(st.rows["start"][uid])
        kind = str(st.rng.choice(["began_later", "certified_later", "assessed_later",
                                  "second_notice", "none"]))  # fmt: skip
        born = int(st.P["birth"][pid]) + 365
        if kind == "began_later" and born < start - 40:
            day = int(_random_day(st.rng, max(start - 400, born), start - 40, 1)[0])
        else:
            kind = "none" if kind == "began_later" else kind
            first = max(int(_months(start + 31)), st.m_first)
            day = _death_in_month(st, int(st.rng.integers(first, last + 1)))
        later = int(_random_day(st.rng, day + 30, st.as_of - 15, 1)[0])
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


def _shared_contacts(st: _State) -> None:
    """A village office phone on dozens of rows and an agent's account for dozens of cases,
    all of unrelated households (neither is an anomaly)."""
    _, intact, _ = _case_stats(st)
    free = np.flatnonzero(intact & ~st.used_hh[st.cases["hh"]])
    for _ in range(max(1, st.people // 100_000)):
        if len(free) == 0:
            return
        office = _township_first(st, free, int(st.rng.integers(24, 41)))
        st.cases["phone"][office] = f"0878-{int(st.rng.integers(6100000, 6299999))}"
        free = np.setdiff1d(free, office)
        agent = _township_first(st, free, int(st.rng.integers(24, 37)))
        st.cases["bank"][agent] = _new_bank(st)
        free = np.setdiff1d(free, agent)


def _township_first(st: _State, free: np.ndarray, count: int) -> np.ndarray:
    """``count`` free cases, from one township first, then (if it has too few) any other."""
    if len(free) == 0:
        return free
    town = int(st.cases["township"][free[st.rng.integers(0, len(free))]])
    shuffled = st.rng.permutation(free)
    local = shuffled[st.cases["township"][shuffled] == town]
    rest = shuffled[st.cases["township"][shuffled] != town]
    return np.concatenate([local, rest])[:count]


def _finalize_rows(st: _State) -> None:
    """End every row at its person's death, except the deaths left paid or ended late."""
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


def _place(st: _State) -> None:
    """Build the population, then the injected anomalies and controls."""
    _households(st)
    _persons(st)
    _courtyards(st)
    _disabilities(st)
    _background_deaths(st)
    counts = {name: target_count(rate, st.people) for name, rate in ANOMALY_RATES.items()}
    control = target_count(CONTROL_RATE, st.people)
    _twins(st, control)
    _poverty(st)
    st.banks = _unique_numbers(st.rng, names.BANK_PREFIXES, 13, st.people // 4 + 200)
    _enrol(st)
    _transfers(st, target_count(2, st.people))
    _inject_missed(st, counts["missed_disability"])
    _inject_mistyped(st, control)
    _inject_legit_single(st, control)
    _inject_split(st, counts["split_household"])
    _inject_separate_households(st, control)
    _inject_stale_incomes(st, control)
    _inject_duplicates(st, counts["duplicate_enrollment"])
    _inject_deceased(st, counts["deceased_paid"])
    _inject_grace(st, control)
    _inject_lookalikes(st, control)
    _inject_wrong_notices(st, max(1, round(st.shape.wrong_notice_rate * st.people / 10_000)))
    _inject_over_standard(st, counts["over_standard"])
    _inject_within_exit(st, control)
    _inject_marked_gaps(st, control)
    _shared_contacts(st)
    _finalize_rows(st)
    hukou_draw = st.rng.random(len(st.P["hh"]))
    st.P["in_hukou"] = (st.P["death"] == NEVER) | (hukou_draw < 0.7)


# --------------------------------------------------------------------------- IDs


def _assign_ids(st: _State) -> None:
    """18-digit IDs: region, birth date, a sequence whose last digit is odd for men, check."""
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


# --------------------------------------------------------------------------- clean tables


def _person_columns(st: _State, pids: np.ndarray) -> dict[str, np.ndarray]:
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


def _addresses(st: _State, town: np.ndarray, village: np.ndarray, house: np.ndarray,
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


def _remarks(st: _State, n: int) -> np.ndarray:
    options = np.array(names.REMARKS, dtype=object)
    picked = options[st.rng.integers(0, len(options), n)]
    return np.where(st.rng.random(n) < 0.08, picked, "").astype(object)


def _hukou_table(st: _State) -> pd.DataFrame:
    pids = np.flatnonzero(st.P["in_hukou"])
    cols = _person_columns(st, pids)
    own = st.P["own_hukou"][pids]
    cols["hukou_no"] = np.where(own != "", own, st.H["hukou_no"][st.P["hh"][pids]])
    cols["备注"] = _remarks(st, len(pids))
    return pd.DataFrame(cols)


def _assistance_table(st: _State) -> pd.DataFrame:
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
    frame["township"] = np.array(st.geo.townships, dtype=object)[town]
    frame["village"] = [st.geo.villages[t][v] for t, v in zip(town, village, strict=True)]
    frame["address"] = _addresses(st, town, village, cases["house"][case],
                                  st.H["coarse"][cases["hh"][case]])  # fmt: skip
    frame["phone"] = cases["phone"][case]
    frame["bank_account"] = cases["bank"][case]
    frame["备注"] = _remarks(st, len(uids))
    frame["order"] = rows["order"][uids]
    return frame.sort_values(["case_no", "order", "key"], kind="stable").reset_index(drop=True)


def _case_numbers(st: _State) -> np.ndarray:
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


def _payments_table(st: _State, assistance: pd.DataFrame) -> pd.DataFrame:
    """One row per case per month with a covered member active: the sum of their own
    amounts (each member's class, that year)."""
    start_m = np.maximum(_months(assistance["start_date"].to_numpy()), st.m_first)
    end_m = np.minimum(_months(assistance["end_date"].to_numpy()), st.m_last)
    count = np.maximum(end_m - start_m + 1, 0)
    index = np.repeat(np.arange(len(assistance)), count)
    offset = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    months = start_m[index] + offset
    rate = _rates(assistance["program"].to_numpy()[index],
                  assistance["dibao_class"].to_numpy()[index], months, st.shape.annual_rise)  # fmt: skip
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


def _labor(st: _State, pids: np.ndarray) -> np.ndarray:
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
    labor = np.where(_severe(st, pids), "丧失劳动力", labor)
    return np.where(age < 16, "无劳动力", labor).astype(object)


def _poverty_table(st: _State) -> pd.DataFrame:
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
    marked[_enrolled_households(st)] = True
    cols["dibao_mark"] = np.where(marked[hh], "是", "否").astype(object)
    return pd.DataFrame(cols)


def _disability_table(st: _State) -> pd.DataFrame:
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


def _deaths_table(st: _State) -> pd.DataFrame:
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


def _tables(st: _State) -> dict[str, pd.DataFrame]:
    """Clean tables with true person ids (``pid``) and internal ``key`` columns."""
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


# --------------------------------------------------------------------------- derived truth


def _row_months(frame: pd.DataFrame, m_last: int) -> tuple[np.ndarray, np.ndarray]:
    start = _months(frame["start_date"].to_numpy())
    end = np.minimum(_months(frame["end_date"].to_numpy()), m_last)
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
    person (``false_notice``) is no death."""
    deaths = tables["deaths"]
    tables = {**tables, "deaths": deaths[~deaths["false_notice"].to_numpy(dtype=bool)]}
    m_last = int(_months(as_of))
    legit = _legit_single_cases(tables)
    found = (
        _derive_deceased(tables, m_last, rise)
        + _derive_duplicates(tables, as_of, m_last, rise)
        + _derive_splits(tables, legit, hukou_of, as_of)
        + _derive_suspected_splits(tables, legit, household, hukou_of, as_of)
        + _derive_missed(tables, hukou_of, as_of)
        + _derive_over_standard(tables, as_of)
        + _derive_single_covered(tables, as_of)
        + _derive_roster_gaps(tables, as_of)
        + _derive_key_persons(tables, as_of)
    )
    order = [*CASE_TYPES, "single_covered_member", "roster_gap", "unenrolled_key_person"]
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
    return int(_rates([row.program], [row.dibao_class], [month], rise)[0])


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
        death_month = int(_months(died[row.pid]))
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
                "note": f"died {_date(died[row.pid])}; paid {len(months)} months after "
                f"{_month_text(death_month + DEATH_GRACE_MONTHS)}",
                "person_id": _person_label(row.pid),
                "death_records": [{"registry": "deaths", "record_id": r} for r in notices],
                "paid_months": [_month_text(m) for m in months],
            }
        )
    return found


def _person_label(pid: int) -> str:
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
                    "amount_at_risk": float(_paid_twice(chosen, paid, rise)),
                    "note": f"one person on {len(involved)} assistance rows of different cases "
                    "with overlapping active months",
                    "person_id": _person_label(pid),
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


def _paid_twice(rows: list[Any], paid: dict[str, set[int]], rise: float) -> int:
    """Over the months a person's covered rows were paid by two or more cases: the amounts
    received beyond the largest one (a case counts once a month, at its largest row)."""
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


def _derive_over_standard(tables: dict[str, pd.DataFrame], as_of: int) -> list[dict[str, Any]]:
    """低保 cases whose income per person is above the standard, paid in months after the
    default 渐退 period, counted from the income assessment (else the latest enrollment)."""
    rows = tables["assistance"]
    active = rows[(rows["program"] == "低保") & (rows["covered"] == "是")
                  & (rows["end_date"] >= as_of)]  # fmt: skip
    payments = tables["payments"]
    over = active.groupby("case_no")["income_per_capita"].transform("max") * 12
    found = []
    for case_no, group in active[over > DIBAO_STANDARD_YEAR].groupby("case_no", sort=True):
        income = float(group["income_per_capita"].max())
        assessed = group.loc[group["assessed"] != NEVER, "assessed"]
        since = int(assessed.max()) if len(assessed) else int(group["start_date"].max())
        paid = payments[(payments["case_no"] == case_no)
                        & (payments["pay_month"] > int(_months(since)) + GRADUAL_EXIT_MONTHS)]  # fmt: skip
        if len(paid):
            found.append(
                {
                    "case_type": "over_standard",
                    "records": [{"registry": "assistance", "record_id": r}
                                for r in sorted(group["record_id"])],
                    "amount_at_risk": float(paid["amount"].sum()),
                    "note": f"income {income:.0f} a month per person since {_date(since)}; "
                    f"paid {len(paid)} months after the {GRADUAL_EXIT_MONTHS}-month 渐退",
                }
            )  # fmt: skip
    return found


def _derive_single_covered(tables: dict[str, pd.DataFrame], as_of: int) -> list[dict[str, Any]]:
    """沙坡头区 only: a B or C class 低保 case (every active member of class B or C; one with
    a class A member is an A case) of a household of two or more (members listed, or its
    household size) covering fewer than two active members, unless each covered one may be
    enrolled alone (severely disabled or gravely ill)."""
    rows = tables["assistance"]
    disability = tables["disability"]
    alone = set(disability.loc[_severe_rows(disability), "pid"].tolist())
    alone |= set(rows.loc[rows["health"] == "患有大病", "pid"].tolist())
    active = rows[(rows["program"] == "低保") & (rows["end_date"] >= as_of)]
    active = active[active["dibao_class"].isin(["B", "C"]).groupby(active["case_no"])
                    .transform("all")]  # fmt: skip
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
    """大姚县 only: a living member of a 建档立卡 household that is 未脱贫, 监测户 or 边缘户,
    lifted but under the 低保 standard, or has no one able to work (零劳力), with no active
    covered 低保/特困 row; the severely disabled are missed_disability cases instead."""
    poverty, rows = tables["poverty"], tables["assistance"]
    disability = tables["disability"]
    excluded = set(disability.loc[_severe_rows(disability), "pid"].tolist())
    excluded |= set(tables["deaths"]["pid"].tolist())
    excluded |= set(rows.loc[(rows["covered"] == "是") & (rows["end_date"] >= as_of), "pid"])
    no_labor = poverty["labor_capacity"].isin(NO_LABOR)
    zero_labor = no_labor.groupby(poverty["poverty_hh_no"]).transform("all")
    key = (poverty["poverty_status"].isin(POOR_STATUSES) | zero_labor
           | ((poverty["poverty_status"] == "已脱贫")
              & (poverty["income_per_capita_year"] < DIBAO_STANDARD_YEAR)))  # fmt: skip
    chosen = poverty[key & ~poverty["pid"].isin(excluded)]
    return [
        {
            "case_type": "unenrolled_key_person",
            "records": [{"registry": "poverty", "record_id": record}],
            "amount_at_risk": None,
            "note": "key group member with no active 低保 or 特困",
            "policy": DAYAO,
        }
        for record in sorted(chosen["record_id"])
    ]


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
                "person_id": _person_label(row.pid),
            }
        )
    return found


def _record_ids(tables: dict[str, pd.DataFrame]) -> dict[str, dict[int, list[str]]]:
    """Internal key -> record ids, per person registry."""
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


def _check_truth(st: _State, derived: list[dict[str, Any]], ids: dict) -> list[dict[str, Any]]:
    """Assert every injected anomaly is derived and no control is; return the controls."""
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


# --------------------------------------------------------------------------- noise


@cache
def _homophone_map() -> dict[str, str]:
    return {char: group for group in names.HOMOPHONE_GROUPS for char in group}


def _homophone_positions(given: str) -> list[int]:
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


def _relative_ids(st: _State) -> pd.Series:
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
        spots = _homophone_positions(given)
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
    year, month, day = (int(x[0]) for x in _ymd(np.array([value])))
    if kind == "date_day_month_swap":
        if day > 12 or day == month:
            return None
        return _day(date(year, day, month))
    for _ in range(10):
        field_ = int(ctx.rng.integers(0, 3))
        shift = int(ctx.rng.choice([-1, 1])) * int(ctx.rng.integers(1, 10 if field_ == 2 else 3))
        parts = [year, month, day]
        parts[field_] += shift
        try:
            return _day(date(*parts))
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


def _apply_noise(
    frame: pd.DataFrame, registry: str, st: _State, noise: float, log_rows: list
) -> dict[str, list]:
    """Noisy values per column (still typed: dates as day numbers); logs every injection."""
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


def _sparse_notices(frame: pd.DataFrame, values: dict[str, list], st: _State, noise: float,
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


def _noise_plan(cells: list, registry: str, column: str, rates: tuple, keys: np.ndarray, st: _State,
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
    years, months, dom = _ymd(array)
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


def _format_columns(
    values: dict[str, list], registry: str, st: _State, noise: float
) -> dict[str, list]:
    """Typed values to what the file holds: text (CSV) or text and numbers (XLSX)."""
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


# --------------------------------------------------------------------------- writing


def _headers(registry: str, columns: list[str]) -> list[str]:
    spec = FILES[registry]
    if spec.header == "en":
        return columns
    registry_columns = {c.name: c.header for c in REGISTRIES[registry].columns}
    return [registry_columns.get(c, c) for c in columns]


def _extras(frame: pd.DataFrame, registry: str) -> dict[str, list]:
    extras: dict[str, list] = {}
    for name in FILES[registry].extras:
        if name in ("民族", "ethnicity"):
            extras[name] = frame["eth"].tolist()
        elif name == "扶贫低保户":
            extras[name] = frame["dibao_mark"].tolist()
        elif name == "收入核定日期":
            extras[name] = ["" if day == NEVER else _date(int(day)).isoformat()
                            for day in frame["assessed"]]  # fmt: skip
        else:
            source = "备注" if "备注" in frame else "remarks"
            extras[name] = frame[source].tolist()
    return extras


def _write_registry(path: Path, registry: str, columns: dict[str, list], st: _State) -> None:
    order = list(columns)
    order = [order[i] for i in st.rng.permutation(len(order))]
    headers = _headers(registry, order)
    body = zip(*(columns[c] for c in order), strict=True)
    spec = FILES[registry]
    if spec.fmt == "xlsx":
        _write_xlsx(path, headers, body)
        return
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(body)
    path.write_bytes(buffer.getvalue().encode(spec.encoding or "utf-8"))


def _write_xlsx(path: Path, headers: list[str], body: Iterable[tuple]) -> None:
    """A one-sheet XLSX written directly (inline strings; numbers and dates as numbers), with
    fixed metadata and zip timestamps, so that its bytes are reproducible."""
    lines = [_xlsx_row(1, headers)]
    lines.extend(_xlsx_row(number, row) for number, row in enumerate(body, start=2))
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{XLSX_MAIN}"><sheetData>{"".join(lines)}</sheetData></worksheet>'
    )
    parts = {**XLSX_PARTS, "xl/worksheets/sheet1.xml": sheet}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            archive.writestr(info, text.encode("utf-8"))
    path.write_bytes(out.getvalue())


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@cache
def _column_refs(width: int) -> tuple[str, ...]:
    return tuple(_column_letters(i) for i in range(width))


def _xlsx_row(number: int, values: Iterable[Any]) -> str:
    cells = []
    for letters, value in zip(_column_refs(256), values, strict=False):
        ref = f"{letters}{number}"
        if isinstance(value, bool):
            cells.append(f'<c r="{ref}" t="b"><v>{int(value)}</v></c>')
        elif isinstance(value, (int, float, np.integer, np.floating)):
            cells.append(f'<c r="{ref}"><v>{_xlsx_number(value)}</v></c>')
        elif isinstance(value, date):
            cells.append(f'<c r="{ref}" s="1"><v>{(value - EXCEL_EPOCH).days}</v></c>')
        elif value is not None and value != "":
            text = _xml_escape(str(value))
            cells.append(
                f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
            )
    return f'<row r="{number}">{"".join(cells)}</row>'


def _xlsx_number(value: float) -> str:
    if isinstance(value, (int, np.integer)) or (float(value).is_integer() and abs(value) < 1e15):
        return str(int(value))
    return repr(float(value)).upper()


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _write_drop(
    st: _State, tables: dict[str, pd.DataFrame], drop: Path, noise: float
) -> list[tuple]:
    log_rows: list[tuple] = []
    for registry, frame in tables.items():
        values = _apply_noise(frame, registry, st, noise, log_rows)
        columns = _format_columns(values, registry, st, noise)
        columns.update(_extras(frame, registry))
        _write_registry(drop / FILES[registry].file, registry, columns, st)
        log.info("wrote %s: %d rows", FILES[registry].file, len(frame))
    return log_rows


def _write_csv(path: Path, header: list[str], rows: Iterable[Iterable[Any]]) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _write_jsonl(path: Path, items: list[dict[str, Any]]) -> None:
    path.write_text(
        "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items), encoding="utf-8"
    )


def _write_truth(
    truth: Path, tables: dict[str, pd.DataFrame], derived: list, controls: list, log_rows: list
) -> None:
    persons = (
        (registry, record, _person_label(pid))
        for registry in PERSON_REGISTRIES
        for record, pid in zip(tables[registry]["record_id"], tables[registry]["pid"], strict=True)
    )
    _write_csv(truth / "persons.csv", ["registry", "record_id", "person_id"], persons)
    _write_jsonl(truth / "cases.jsonl", derived)
    _write_jsonl(truth / "controls.jsonl", controls)
    order = list(FILES)
    columns = {r: [c.name for c in REGISTRIES[r].columns] for r in FILES}
    ordered = sorted(log_rows, key=lambda r: (order.index(r[0]), r[1], columns[r[0]].index(r[3])))
    _write_csv(
        truth / "noise.csv",
        ["registry", "record_id", "column", "noise"],
        ((r[0], r[2], r[3], r[4]) for r in ordered),
    )


def _manifest(
    st: _State, seed: int, noise: float, tables: dict, derived: list, controls: list, log_rows: list
) -> dict:
    injected = Counter(case_type for case_type, _ in st.injected)
    return {
        "generator": "resolver.synth",
        "assumptions": asdict(st.shape),
        "namesakes": _namesakes(st),
        "seed": seed,
        "people": st.people,
        "noise": noise,
        "as_of": _date(st.as_of).isoformat(),
        "window": {"first_month": _month_text(st.m_first), "last_month": _month_text(st.m_last)},
        "policy": {
            "death_grace_months": DEATH_GRACE_MONTHS,
            "dibao_standard_year": DIBAO_STANDARD_YEAR,
            "monthly_benefit": {
                str(year): {
                    label: int(
                        _rates([program], [cls], [(year - 1970) * 12], st.shape.annual_rise)[0]
                    )
                    for label, program, cls in (
                        ("低保A", "低保", "A"),
                        ("低保B", "低保", "B"),
                        ("低保C", "低保", "C"),
                        ("特困", "特困", ""),
                    )
                }
                for year in range(st.m_first // 12 + 1970, st.m_last // 12 + 1971)
            },
            "severely_disabled": "level 1-2 of any type, or 3-4 of 智力/精神",
            "poor_statuses": list(POOR_STATUSES),
        },
        "files": {
            registry: {
                "file": spec.file,
                "format": spec.fmt,
                "encoding": spec.encoding,
                "header_language": spec.header,
                "rows": len(tables[registry]),
            }
            for registry, spec in FILES.items()
        },
        "rows": {registry: len(tables[registry]) for registry in FILES},
        "anomalies": _counts((c["case_type"] for c in derived), CASE_TYPES),
        "anomalies_injected": _counts(injected.elements(), CASE_TYPES),
        "controls": _counts((c["control_type"] for c in controls), CONTROL_TYPES),
        "noise_rows": len(log_rows),
        "noise_kinds": dict(sorted(Counter(r[4] for r in log_rows).items())),
    }


def _namesakes(st: _State) -> dict[str, float]:
    """The share of people whose exact name another person of the county holds, of their
    township, and of their township and birth year."""
    frame = pd.DataFrame({"name": st.P["surname"] + st.P["given"],
                          "town": st.H["township"][st.P["hh"]], "year": _ymd(st.P["birth"])[0]})  # fmt: skip
    return {
        label: round(float((frame.groupby(keys)["name"].transform("size") > 1).mean()), 3)
        for label, keys in (("county", ["name"]), ("township", ["name", "town"]),
                            ("township_and_birth_year", ["name", "town", "year"]))
    }  # fmt: skip


def _counts(items: Iterable[str], keys: Iterable[str]) -> dict[str, int]:
    counter = Counter(items)
    return {key: counter.get(key, 0) for key in keys}


# --------------------------------------------------------------------------- entry point


def synthesize(
    out_dir: Path, *, people: int, seed: int, noise: float = 1.0, as_of: date = date(2026, 10, 31),
    assumptions: Assumptions = VARIANTS["default"],
) -> SynthSummary:  # fmt: skip
    """Write a synthetic county's data drop and its exact truth under ``out_dir``.

    ``noise`` multiplies every noise rate (0 gives a perfectly clean drop); ``assumptions``
    shape the county (``VARIANTS`` names some). The same arguments always write the same
    bytes.
    """
    if people < 200:
        raise ValueError("a synthetic county needs at least 200 people")
    if noise < 0:
        raise ValueError("noise must not be negative")
    out_dir = Path(out_dir)
    drop, truth = out_dir / "drop", out_dir / "truth"
    drop.mkdir(parents=True, exist_ok=True)
    truth.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    st = _State(rng, people, _day(as_of), _geography(rng, assumptions.region), assumptions)
    _place(st)
    _assign_ids(st)
    tables = _tables(st)
    hukou_of = np.where(st.P["own_hukou"] != "", st.P["own_hukou"], st.H["hukou_no"][st.P["hh"]])
    derived = derive_cases(tables, household=st.P["hh"], hukou_of=hukou_of, as_of=st.as_of,
                           rise=assumptions.annual_rise)  # fmt: skip
    controls = _check_truth(st, derived, _record_ids(tables))
    log_rows = _write_drop(st, tables, drop, noise)
    _write_truth(truth, tables, derived, controls, log_rows)
    manifest = _manifest(st, seed, noise, tables, derived, controls, log_rows)
    (truth / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    log.info("synthetic county: %d people, anomalies %s", people, manifest["anomalies"])
    return SynthSummary(drop, truth, manifest["rows"], manifest["anomalies"], manifest["controls"])
