"""A synthetic province: K counties, each its own drop, and cases that span two of them.

``synthesize_province`` writes ``out_dir/drop/<code><name>/`` per county (a complete county
drop of ``county.synthesize``, under the county's own code: every ID of its people starts
with it) and one province truth, ``out_dir/truth/``, in the county truth's files and
formats, where every record id is namespaced ``<code>/<record_id>`` (the county's code, a
slash, the county file's own id) and every person id ``<code>/P0000001``.

After the counties are written, the affected county files are rewritten (same format,
encoding and column order, through ``writing.write_columns``) with what no single county
shows:

- ``duplicate_enrollment``: a covered, active 低保/特困 member of one county (in no contract
  case or control there) enrolled again in another county in a single-person case of the
  same program and class, paid monthly from its start to the as-of month; its name is
  sometimes a homophone, its ID sometimes blank. The money at risk follows the truth's rule
  for duplicates (``truth.paid_twice``).
- ``deceased_paid``: about a third of each county's true cases (at least two) see their
  death notices moved to another county's 死亡人员 file; the case keeps its records and
  amount, its ``death_records`` name the new rows.
- ``cross_county_namesake`` (negative controls): a paid, living member of one county and a
  death notice, in another county, of a different person of the same name, gender and birth
  date (another ID): ``deceased_paid`` must not be raised.

The cells a county generator wrote are read back as written (``_Sheet``), so rows that do
not change keep their bytes; the facts the cases need (dates, months, programs) are read from
cells the noise log shows untouched. The same arguments always write the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import multiprocessing
import os
import re
import shutil
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from xml.etree import ElementTree

import numpy as np

from resolver.idcard import check_char
from resolver.registries import REGISTRIES
from resolver.synthetic import names
from resolver.synthetic.common import FILES, Assumptions, monthly_amounts
from resolver.synthetic.county import synthesize
from resolver.synthetic.noise import homophone_positions
from resolver.synthetic.people import unique_numbers
from resolver.synthetic.tables import RECORD_PREFIX
from resolver.synthetic.truth import CASE_TYPES, CONTROL_TYPES, paid_twice
from resolver.synthetic.writing import (
    EXCEL_EPOCH,
    XLSX_MAIN,
    append_rows,
    write_columns,
    write_csv,
    write_jsonl,
)
from resolver.workbook_xml import column_number

log = logging.getLogger(__name__)

MIN_COUNTIES, MAX_COUNTIES = 2, len(names.PROVINCE_COUNTIES)
MIN_PEOPLE = 200  # per county, as ``synthesize`` requires
DUPLICATE_SHARE = 0.001  # of each county's covered, active members, enrolled in another county
DUPLICATES_PER_PAIR = 3  # at least, per pair of counties
DUPLICATE_BLANK_ID = 0.3
DUPLICATE_HOMOPHONE = 0.25
DUPLICATE_DAYS = (90, 730)  # the second enrollment starts that many days before the as-of day
MOVED_DEATH_SHARE = 1 / 3
MOVED_DEATHS_MIN = 2  # per county
DEATH_BLANK_PLACE = 0.3  # moved notices with no village or address
NAMESAKES = 3  # pairs, at least; one more per five counties
NAMESAKE = "cross_county_namesake"
IDENTITY = ("name", "id_number", "gender", "birth_date")
_DATE = re.compile(r"(\d{4})(?:[-/年])?(\d{1,2})(?:[-/月])?(\d{1,2})日?")
_MONTH = re.compile(r"(\d{4})[-/年](\d{1,2})月?")


@dataclass(frozen=True)
class CountySummary:
    """One county of the province: its code, name, folder, seed, people and rows written
    (after the cross-county injections)."""

    code: str
    name: str
    folder: Path
    seed: int
    people: int
    rows: dict[str, int]


@dataclass(frozen=True)
class ProvinceSummary:
    """What ``synthesize_province`` wrote: the drop and truth folders, the counties, the
    cross-county injections (how many ``duplicate_enrollment`` and ``deceased_paid`` cases,
    how many ``cross_county_namesake`` controls) and the province's totals."""

    drop_dir: Path
    truth_dir: Path
    counties: tuple[CountySummary, ...]
    cross_county: dict[str, int]
    anomalies: dict[str, int]
    controls: dict[str, int]


# --------------------------------------------------------------------------- files as written


class _Sheet:
    """A registry file's cells as written, per column (English name, or the extra's header)
    in file order; rows can be appended and removed, and the file written back."""

    def __init__(self, path: Path, registry: str) -> None:
        self.path, self.registry = path, registry
        self._last: int | None = None  # the number of the last record id given
        header, rows = _read_xlsx(path) if FILES[registry].fmt == "xlsx" else _read_csv(path)
        names_of = {c.header: c.name for c in REGISTRIES[registry].columns}
        self.columns: dict[str, list] = {names_of.get(h, h): [] for h in header}
        for row in rows:
            for column, cell in zip(self.columns.values(), row, strict=True):
                column.append(cell)

    def __len__(self) -> int:
        return len(self.columns["record_id"])

    def row(self, i: int) -> dict[str, Any]:
        """Row ``i`` as a dict of cells."""
        return {column: cells[i] for column, cells in self.columns.items()}

    def append(self, row: dict[str, Any]) -> None:
        """Append a row (a cell per column; blank where missing)."""
        for column, cells in self.columns.items():
            cells.append(row.get(column, ""))

    def remove(self, index: int) -> dict[str, Any]:
        """Remove row ``index``; returns its cells."""
        return {column: cells.pop(index) for column, cells in self.columns.items()}

    def next_id(self) -> str:
        """A record id after every one of the file (the county's numbering)."""
        prefix = RECORD_PREFIX[self.registry]
        if self._last is None:
            self._last = max(int(r[len(prefix) :]) for r in self.columns["record_id"])
        self._last += 1
        return f"{prefix}{self._last:07d}"

    def write(self) -> None:
        """Write the file back, in its format, encoding and column order."""
        write_columns(self.path, self.registry, self.columns)


class _Appended:
    """A CSV registry file the province only adds rows to (the payments): read once, as a
    stream, for what the injections ask (how many rows, the last record id, the months each
    case was paid), and the new rows appended to its end on ``write``. The same bytes as
    rewriting it whole (``_Sheet``), without holding a county's ledger in memory."""

    def __init__(self, path: Path, registry: str) -> None:
        self.path, self.registry = path, registry
        spec = FILES[registry]
        names_of = {c.header: c.name for c in REGISTRIES[registry].columns}
        self.paid: dict[str, set[int]] = {}
        self._last, self._rows, self._new = 0, 0, []
        prefix = len(RECORD_PREFIX[registry])
        with path.open(encoding=spec.encoding or "utf-8", newline="") as handle:
            reader = csv.reader(handle)
            self._order = [names_of.get(h, h) for h in next(reader)]
            at = {name: self._order.index(name) for name in ("record_id", "case_no", "pay_month")}
            for row in reader:
                self._rows += 1
                self._last = max(self._last, int(row[at["record_id"]][prefix:]))
                self.paid.setdefault(row[at["case_no"]], set()).add(_month(row[at["pay_month"]]))

    def __len__(self) -> int:
        return self._rows + len(self._new)

    def append(self, row: dict[str, Any]) -> None:
        """Append a row (a cell per column; blank where missing)."""
        self._new.append([row.get(column, "") for column in self._order])

    def next_id(self) -> str:
        """A record id after every one of the file (the county's numbering)."""
        self._last += 1
        return f"{RECORD_PREFIX[self.registry]}{self._last:07d}"

    def write(self) -> None:
        """Append the new rows to the file, in its encoding and line ends."""
        append_rows(self.path, self.registry, self._new)
        self._rows, self._new = len(self), []


APPENDED = ("payments",)
"""The registries the province only adds rows to, read and written as ``_Appended``."""


@dataclass
class _Truth:
    """A county's truth table (``persons.csv`` or ``noise.csv``) as the county generator wrote
    it, read from its file when asked for (ids namespaced), less the rows the province moved
    out of the county, with the rows it added."""

    path: Path
    code: str
    ids: tuple[int, ...]  # the columns holding ids
    added: list[list[str]] = field(default_factory=list)
    removed: set[str] = field(default_factory=set)  # record ids moved out

    def rows(self) -> Iterator[list[str]]:
        """Every row: the file's (but those moved out), then those added."""
        with self.path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            for row in reader:
                row = [f"{self.code}/{c}" if i in self.ids else c for i, c in enumerate(row)]
                if row[1] not in self.removed:
                    yield row
        yield from self.added

    def append(self, row: list[str]) -> None:
        """Add a row."""
        self.added.append(row)


def _read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    encoding = FILES[next(r for r, s in FILES.items() if s.file == path.name)].encoding
    header, *rows = csv.reader(io.StringIO(path.read_bytes().decode(encoding or "utf-8")))
    return header, rows


def _read_xlsx(path: Path) -> tuple[list[str], list[list[Any]]]:
    """The one sheet ``writing`` writes: inline strings, booleans, dates (style 1), numbers."""
    with zipfile.ZipFile(path) as archive:
        root = ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))
    ns = {"m": XLSX_MAIN}
    grid = []
    for row in root.iterfind("m:sheetData/m:row", ns):
        cells: dict[int, Any] = {}
        for cell in row.iterfind("m:c", ns):
            letters = re.match(r"[A-Z]+", cell.get("r", "")).group(0)
            cells[column_number(letters) - 1] = _xlsx_value(cell, ns)
        grid.append(cells)
    width = len(grid[0])
    header = [str(grid[0][i]) for i in range(width)]
    return header, [[cells.get(i) for i in range(width)] for cells in grid[1:]]


def _xlsx_value(cell: ElementTree.Element, ns: dict[str, str]) -> Any:
    if cell.get("t") == "inlineStr":
        return cell.findtext("m:is/m:t", default="", namespaces=ns)
    text = cell.findtext("m:v", default="", namespaces=ns)
    if cell.get("t") == "b":
        return bool(int(text))
    if cell.get("s") == "1":
        return EXCEL_EPOCH + timedelta(days=int(text))
    return int(text) if re.fullmatch(r"-?\d+", text) else float(text)


def _day(cell: Any) -> date | None:
    """A date cell in any of the generator's styles (ISO, slashes, compact, Chinese, a
    spreadsheet date); None when blank."""
    if isinstance(cell, date):
        return cell
    match = _DATE.fullmatch(str(cell or "").strip())
    return date(*(int(part) for part in match.groups())) if match else None


def _month(cell: Any) -> int:
    """A month cell (``2025-03``, ``2025/3``, ``2025年3月``) as months since 1970-01."""
    year, month = _MONTH.fullmatch(str(cell).strip()).groups()
    return (int(year) - 1970) * 12 + int(month) - 1


def _months_since_1970(day: date) -> int:
    return (day.year - 1970) * 12 + day.month - 1


# --------------------------------------------------------------------------- one county


@dataclass
class _County:
    """A county of the province as written: its drop folder, its truth (ids namespaced) and
    the files loaded so far."""

    code: str
    name: str
    seed: int
    people: int
    folder: Path
    manifest: dict
    cases: list[dict]
    controls: list[dict]
    persons: _Truth  # registry, record_id, person_id
    noise: _Truth  # registry, record_id, column, noise
    sheets: dict[str, _Sheet | _Appended] = field(default_factory=dict)
    added_people: int = 0
    last_case: int | None = None  # the rank of the last case number given

    def sheet(self, registry: str) -> _Sheet | _Appended:
        """The registry's file, read on first use."""
        if registry not in self.sheets:
            kind = _Appended if registry in APPENDED else _Sheet
            self.sheets[registry] = kind(self.folder / FILES[registry].file, registry)
        return self.sheets[registry]

    def rid(self, record_id: str) -> str:
        """A record id of this county, namespaced."""
        return f"{self.code}/{record_id}"

    @property
    def as_of(self) -> date:
        """The day the county's drop was taken."""
        return date.fromisoformat(self.manifest["as_of"])

    @property
    def m_first(self) -> int:
        """The first month of the county's payment window (months since 1970-01)."""
        return _month(self.manifest["window"]["first_month"])

    @property
    def rise(self) -> float:
        """The yearly rise of the county's monthly amounts."""
        return float(self.manifest["assumptions"]["annual_rise"])

    def new_person(self) -> str:
        """A namespaced person id for someone the county generator did not make."""
        self.added_people += 1
        return f"{self.code}/P{self.people + self.added_people - 1:07d}"


def _load_county(scratch: Path, code: str, name: str, seed: int, people: int, folder: Path
                 ) -> _County:  # fmt: skip
    """Read a county's truth (namespacing its ids; its persons and noise are read from
    ``scratch`` when needed) and move its drop to ``folder``."""
    truth = scratch / "truth"

    def jsonl(file: str) -> list[dict]:
        lines = (truth / file).read_text(encoding="utf-8").splitlines()
        return [_namespaced(json.loads(line), code) for line in lines]

    manifest = json.loads((truth / "manifest.json").read_text(encoding="utf-8"))
    county = _County(code, name, seed, people, folder, manifest, jsonl("cases.jsonl"),
                     jsonl("controls.jsonl"), _Truth(truth / "persons.csv", code, (1, 2)),
                     _Truth(truth / "noise.csv", code, (1,)))  # fmt: skip
    if folder.exists():
        shutil.rmtree(folder)
    shutil.move(scratch / "drop", folder)
    return county


def _namespaced(item: dict, code: str) -> dict:
    out = dict(item)
    for key in ("records", "death_records"):
        if key in out:
            out[key] = [{**r, "record_id": f"{code}/{r['record_id']}"} for r in out[key]]
    if "person_id" in out:
        out["person_id"] = f"{code}/{out['person_id']}"
    return out


# --------------------------------------------------------------------------- candidates


def _noised(county: _County) -> set[tuple[str, str]]:
    """(record id, column) of every noisy cell of the county's assistance file."""
    return {(r[1], r[2]) for r in county.noise.rows() if r[0] == "assistance"}


def _members(county: _County) -> list[int]:
    """Rows of the county's assistance file of covered members of a 低保/特困 case active
    on the as-of day."""
    sheet = county.sheet("assistance")
    cols = sheet.columns
    return [
        i
        for i in range(len(sheet))
        if cols["covered"][i] == "是"
        and cols["program"][i] in ("低保", "特困")
        and (_day(cols["end_date"][i]) or date.max) >= county.as_of
    ]


def _candidates(rng: np.random.Generator, county: _County) -> list[tuple[int, str]]:
    """Covered, active members who can stand for a clean person elsewhere, in a random
    order: alive, on one assistance row, in no contract case or control, identity cells as
    generated (no noise, an ID); their assistance rows and person ids."""
    cols = county.sheet("assistance").columns
    in_items = {r["record_id"] for item in _contract_items(county) for r in item["records"]}
    person_of, rows_of, dead = {}, Counter(), set()
    for registry, rid, person in county.persons.rows():
        if registry == "assistance":
            rows_of[person] += 1
        if registry == "assistance" or rid in in_items:
            person_of[rid] = person
        if registry == "deaths":
            dead.add(person)
    taken = {person_of.get(rid) for rid in in_items}
    taken |= {c["person_id"] for c in county.cases if "person_id" in c}
    noised = _noised(county)
    chosen = []
    for i in _members(county):
        rid = county.rid(cols["record_id"][i])
        person = person_of[rid]
        if (person in taken or person in dead or rows_of[person] != 1 or not cols["id_number"][i]
                or any((rid, column) in noised for column in IDENTITY)):  # fmt: skip
            continue
        chosen.append((i, person))
    return [chosen[int(j)] for j in rng.permutation(len(chosen))]


def _contract_items(county: _County) -> list[dict]:
    return [c for c in county.cases if "policy" not in c] + county.controls


def _paid_months(county: _County, case_no: str) -> set[int]:
    """The months a case the county generator made was paid (indexed when the payments
    file is first read, before any case is added)."""
    return county.sheet("payments").paid.get(case_no, set())


def _cell(registry: str, value: int | float) -> Any:
    """A count or an amount as the registry's format holds it: a number in a spreadsheet,
    text in a CSV file."""
    if FILES[registry].fmt == "xlsx":
        return value
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _place(rng: np.random.Generator, county: _County) -> tuple[str, str]:
    """A township and village of the county, as one of its assistance rows writes them."""
    cols = county.sheet("assistance").columns
    i = int(rng.integers(0, len(cols["record_id"])))
    return str(cols["township"][i]), str(cols["village"][i])


# --------------------------------------------------------------------------- duplicates


def _pair_counts(counties: list[_County], members: list[int]) -> dict[tuple[int, int], int]:
    """How many people each ordered pair (from, to) of counties shares: per pair at least
    ``DUPLICATES_PER_PAIR``, else the counties' ``DUPLICATE_SHARE``, in turns each way."""
    k = len(counties)
    counts: Counter[tuple[int, int]] = Counter()
    for a in range(k):
        for b in range(a + 1, k):
            share = DUPLICATE_SHARE * (members[a] + members[b]) / (k - 1)
            for turn in range(max(DUPLICATES_PER_PAIR, round(share))):
                counts[(a, b) if turn % 2 == 0 else (b, a)] += 1
    return dict(counts)


def _inject_duplicates(rng: np.random.Generator, counties: list[_County],
                       pools: list[list[tuple[int, str]]], noise: float) -> list[dict]:  # fmt: skip
    """Enroll members of each county (taken from its pool of ``_candidates``) again in
    another county; returns the true cases."""
    members = [len(_members(c)) for c in counties]
    cases = []
    for (a, b), count in sorted(_pair_counts(counties, members).items()):
        if len(pools[a]) < count:
            log.warning("province: %s has %d members to enrol elsewhere, %d wanted",
                        counties[a].code, len(pools[a]), count)  # fmt: skip
        for _ in range(min(count, len(pools[a]))):
            row, person = pools[a].pop()
            cases.append(_enrol_elsewhere(rng, counties[a], row, person, counties[b], noise))
    return cases


def _enrol_elsewhere(rng: np.random.Generator, home: _County, row: int, person: str,
                     away: _County, noise: float) -> dict:  # fmt: skip
    """A single-person case in ``away`` for the member on ``home``'s assistance row ``row``,
    paid from its start to the as-of month; returns the duplicate_enrollment case."""
    src = home.sheet("assistance").row(row)
    sheet = away.sheet("assistance")
    name, variant = _written_name(rng, str(src["name"]), noise)
    blank_id = noise > 0 and rng.random() < DUPLICATE_BLANK_ID
    start = away.as_of - timedelta(days=int(rng.integers(*DUPLICATE_DAYS)))
    case_no = _next_case_no(away, str(src["program"]))
    township, village = _place(rng, away)
    bank = str(unique_numbers(rng, names.BANK_PREFIXES, 13, 1)[0])
    rid = sheet.next_id()
    sheet.append({
        "record_id": rid, "case_no": case_no, "name": name,
        "id_number": "" if blank_id else src["id_number"], "gender": src["gender"],
        "birth_date": _day(src["birth_date"]).isoformat(), "relation": "户主",
        "program": src["program"], "dibao_class": src["dibao_class"], "covered": "是",
        "household_size": _cell("assistance", 1), "health": src["health"],
        "income_per_capita": src["income_per_capita"], "start_date": start.isoformat(),
        "end_date": "", "township": township, "village": village,
        "address": f"{township}{village}{int(rng.integers(1, 9))}组{int(rng.integers(1, 90))}号",
        "phone": str(unique_numbers(rng, names.MOBILE_PREFIXES, 8, 1)[0]),
        "bank_account": bank, "民族": src.get("民族", ""), "城乡属性": "农村",
    })  # fmt: skip
    payee = (str(src["name"]), "" if blank_id else str(src["id_number"]))
    months = _pay(away, case_no, src, payee, bank, start)
    away.persons.append(["assistance", away.rid(rid), person])
    if variant:
        away.noise.append(["assistance", away.rid(rid), "name", variant])
    if blank_id:
        away.noise.append(["assistance", away.rid(rid), "id_number", "id_blank"])
    return _duplicate_case(home, src, away, rid, case_no, start, months, person)


def _written_name(rng: np.random.Generator, name: str, noise: float) -> tuple[str, str]:
    """The name as the second county writes it: now and then a homophone of a given-name
    character (as the county generator's ``name_homophone``); returns it and the noise kind
    (empty when as written at home)."""
    spots = homophone_positions(name[1:])
    if noise <= 0 or not spots or rng.random() >= DUPLICATE_HOMOPHONE:
        return name, ""
    pos = 1 + spots[int(rng.integers(0, len(spots)))]
    group = next(g for g in names.HOMOPHONE_GROUPS if name[pos] in g).replace(name[pos], "")
    return name[:pos] + group[int(rng.integers(0, len(group)))] + name[pos + 1 :], "name_homophone"


def _next_case_no(county: _County, program: str) -> str:
    """A case number after every one of the county (its numbering: program, code, rank; the
    roster's last rank is read once, then counted on)."""
    if county.last_case is None:
        numbers = county.sheet("assistance").columns["case_no"]
        county.last_case = max(int(str(number)[8:]) for number in numbers)
    county.last_case += 1
    return f"{'TK' if program == '特困' else 'DB'}{county.code}{county.last_case:06d}"


def _pay(county: _County, case_no: str, src: dict, payee: tuple[str, str], bank: str,
         start: date) -> list[int]:  # fmt: skip
    """Monthly payment rows of a new single-person case, from its start month (or the first
    of the window) to the as-of month; returns the months paid."""
    sheet = county.sheet("payments")
    months = list(range(max(_months_since_1970(start), county.m_first),
                        _months_since_1970(county.as_of) + 1))  # fmt: skip
    amounts = monthly_amounts([src["program"]] * len(months), [src["dibao_class"]] * len(months),
                              np.array(months), county.rise)  # fmt: skip
    for month, amount in zip(months, amounts, strict=True):
        sheet.append({"record_id": sheet.next_id(), "case_no": case_no, "payee_name": payee[0],
                      "payee_id_number": payee[1], "bank_account": bank,
                      "pay_month": f"{month // 12 + 1970:04d}-{month % 12 + 1:02d}",
                      "amount": _cell("payments", int(amount)), "program": src["program"]})  # fmt: skip
    return months


def _duplicate_case(home: _County, src: dict, away: _County, rid: str, case_no: str,
                    start: date, months: list[int], person: str) -> dict:  # fmt: skip
    """The truth of a duplicate across two counties: its money by the truth's own rule."""
    m_last = _months_since_1970(home.as_of)

    def row(case: str, first: date) -> SimpleNamespace:
        return SimpleNamespace(covered="是", case_no=case, m_start=_months_since_1970(first),
                               m_end=m_last, program=src["program"],
                               dibao_class=src["dibao_class"])  # fmt: skip

    rows = [row(str(src["case_no"]), _day(src["start_date"])), row(case_no, start)]
    paid = {str(src["case_no"]): _paid_months(home, str(src["case_no"])), case_no: set(months)}
    records = sorted([home.rid(src["record_id"]), away.rid(rid)])
    return {
        "case_type": "duplicate_enrollment",
        "records": [{"registry": "assistance", "record_id": r} for r in records],
        "amount_at_risk": float(paid_twice(rows, paid, home.rise)),
        "note": f"one person on 2 assistance rows of different cases with overlapping active "
        f"months, in two counties ({home.code}, {away.code})",
        "person_id": person,
    }


# --------------------------------------------------------------------------- deaths elsewhere


def _move_deaths(rng: np.random.Generator, counties: list[_County]) -> int:
    """Move the notices of about a third of each county's deceased_paid cases to another
    county's 死亡人员 file; returns how many cases."""
    moved = 0
    for a, home in enumerate(counties):
        movable = _movable(home)
        count = min(len(movable), max(MOVED_DEATHS_MIN, round(MOVED_DEATH_SHARE * len(movable))))
        if count < MOVED_DEATHS_MIN:
            log.warning("province: %s has %d deceased_paid cases to move", home.code, count)
        renamed: dict[str, tuple[_County, str]] = {}
        for i in sorted(rng.choice(len(movable), size=count, replace=False)):
            b = (a + int(rng.integers(1, len(counties)))) % len(counties)
            renamed |= _move_case_deaths(rng, home, movable[int(i)], counties[b])
            moved += 1
        _carry_truth(home, renamed)
    return moved


def _movable(county: _County) -> list[dict]:
    """The county's deceased_paid cases whose notices name no other case or control, each
    notice with an ID."""
    deaths = county.sheet("deaths").columns
    with_id = {county.rid(r) for r, i in zip(deaths["record_id"], deaths["id_number"],
                                             strict=True) if i}  # fmt: skip
    uses = Counter(r["record_id"] for item in county.cases + county.controls
                   for r in item["records"] + item.get("death_records", []))  # fmt: skip
    return [
        case for case in county.cases
        if case["case_type"] == "deceased_paid" and case["death_records"]
        and all(r["record_id"] in with_id and uses[r["record_id"]] == 1
                for r in case["death_records"])
    ]  # fmt: skip


def _move_case_deaths(rng: np.random.Generator, home: _County, case: dict, away: _County
                      ) -> dict[str, tuple[_County, str]]:  # fmt: skip
    """Move a case's notices from ``home`` to ``away`` (new ids, a place of ``away`` or
    none), in the files and in the case; returns each moved notice's county and record id
    (both namespaced), by its record id at ``home``."""
    source, target = home.sheet("deaths"), away.sheet("deaths")
    renamed = {}
    for record in case["death_records"]:
        local = record["record_id"].split("/", 1)[1]
        row = source.remove(source.columns["record_id"].index(local))
        township, village = _place(rng, away)
        blank = rng.random() < DEATH_BLANK_PLACE
        row.update(record_id=target.next_id(), township=township,
                   village="" if blank else village,
                   address="" if blank else f"{township}{village}{int(rng.integers(1, 9))}组")  # fmt: skip
        target.append(row)
        renamed[record["record_id"]] = (away, away.rid(row["record_id"]))
    case["death_records"] = [{"registry": "deaths", "record_id": renamed[r["record_id"]][1]}
                             for r in case["death_records"]]  # fmt: skip
    return renamed


def _carry_truth(home: _County, renamed: dict[str, tuple[_County, str]]) -> None:
    """Carry the truth of the rows moved out of ``home`` to where they went: their person,
    and their noise but the place's (one pass over the county's truth, however many
    moved)."""
    if not renamed:
        return
    for row in home.persons.rows():
        if row[1] in renamed:
            away, rid = renamed[row[1]]
            away.persons.append([row[0], rid, row[2]])
    for row in home.noise.rows():
        if row[0] == "deaths" and row[1] in renamed:
            away, rid = renamed[row[1]]
            if row[2] not in ("township", "village", "address"):
                away.noise.append([row[0], rid, row[2], row[3]])
    home.persons.removed |= renamed.keys()
    home.noise.removed |= renamed.keys()


# --------------------------------------------------------------------------- namesakes


def _inject_namesakes(rng: np.random.Generator, counties: list[_County],
                      pools: list[list[tuple[int, str]]]) -> list[dict]:  # fmt: skip
    """Pairs of a paid, living member of one county (taken from what is left of its pool)
    and the death notice, in the next county, of another person of the same name, gender
    and birth date; returns the controls."""
    controls = []
    for turn in range(NAMESAKES + len(counties) // 5):
        a = turn % len(counties)
        if not pools[a]:
            log.warning("province: no member of %s left for a namesake", counties[a].code)
            continue
        row, _ = pools[a].pop()
        controls.append(_namesake(rng, counties[a], row, counties[(a + 1) % len(counties)]))
    return controls


def _namesake(rng: np.random.Generator, home: _County, row: int, away: _County) -> dict:
    """A death notice in ``away`` of another person like the member on ``home``'s row."""
    src = home.sheet("assistance").row(row)
    born = _day(src["birth_date"])
    sheet = away.sheet("deaths")
    township, village = _place(rng, away)
    died = away.as_of - timedelta(days=int(rng.integers(30, 600)))
    sources = [source for source, _ in names.DEATH_SOURCES]
    rid = sheet.next_id()
    sheet.append({
        "record_id": rid, "name": src["name"], "gender": src["gender"],
        "id_number": _other_id(rng, away, born, src["gender"] == "男"),
        "birth_date": born.isoformat(), "death_date": max(died, born).isoformat(),
        "source": sources[int(rng.integers(0, len(sources)))], "township": township,
        "village": village,
        "address": f"{township}{village}{int(rng.integers(1, 9))}组{int(rng.integers(1, 90))}号",
    })  # fmt: skip
    away.persons.append(["deaths", away.rid(rid), away.new_person()])
    return {
        "control_type": NAMESAKE,
        "records": [{"registry": "assistance", "record_id": home.rid(src["record_id"])},
                    {"registry": "deaths", "record_id": away.rid(rid)}],
        "note": f"a paid, living member of {home.code} and the death notice, in {away.code}, of "
        "another person of the same name, gender and birth date",
        "must_not_raise": "deceased_paid",
    }  # fmt: skip


def _other_id(rng: np.random.Generator, county: _County, born: date, male: bool) -> str:
    """An ID of the county for someone born that day, held by no row of its files."""
    held = {str(i) for registry in ("assistance", "deaths")
            for i in county.sheet(registry).columns["id_number"]}  # fmt: skip
    while True:
        stem = f"{county.code}{born:%Y%m%d}{int(rng.integers(0, 500)) * 2 + male:03d}"
        if stem + check_char(stem) not in held:
            return stem + check_char(stem)


# --------------------------------------------------------------------------- the truth


def _write_truth(truth: Path, counties: list[_County], cases: list[dict], controls: list[dict],
                 manifest: dict) -> None:  # fmt: skip
    truth.mkdir(parents=True, exist_ok=True)
    persons = (row for c in counties for row in c.persons.rows())
    write_csv(truth / "persons.csv", ["registry", "record_id", "person_id"], persons)
    write_jsonl(truth / "cases.jsonl", cases)
    write_jsonl(truth / "controls.jsonl", controls)
    noise = (row for c in counties for row in c.noise.rows())
    write_csv(truth / "noise.csv", ["registry", "record_id", "column", "noise"], noise)
    (truth / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def _sorted(items: list[dict], key: str, known: tuple[str, ...]) -> list[dict]:
    """Items by type (``known`` first, then as they come) and first record id."""
    order = list(known)
    order += [t for t in dict.fromkeys(item[key] for item in items) if t not in order]
    return sorted(items, key=lambda item: (order.index(item[key]),
                                           item["records"][0]["record_id"]))  # fmt: skip


def _manifest(counties: list[_County], seed: int, people: int, noise: float, cases: list[dict],
              controls: list[dict], injected: dict[str, int]) -> dict:  # fmt: skip
    first = counties[0].manifest
    return {
        "generator": "resolver.synthetic.province",
        "seed": seed,
        "people": people,
        "noise": noise,
        "as_of": first["as_of"],
        "window": first["window"],
        "policy": first["policy"],
        "record_ids": "<county code>/<record id of the county's file>",
        "counties": [
            {
                "code": c.code,
                "name": c.name,
                "folder": f"drop/{c.folder.name}",
                "seed": c.seed,
                "people": c.people,
                "rows": _rows(c),
            }
            for c in counties
        ],
        "cross_county": injected,
        "files": {
            registry: {key: value for key, value in spec.items() if key != "rows"}
            for registry, spec in first["files"].items()
        },
        "rows": {r: sum(_rows(c)[r] for c in counties) for r in FILES},
        "anomalies": _counts((c["case_type"] for c in cases if "policy" not in c), CASE_TYPES),
        "controls": _counts((c["control_type"] for c in controls), (*CONTROL_TYPES, NAMESAKE)),
    }


def _rows(county: _County) -> dict[str, int]:
    return {
        registry: len(county.sheets[registry]) if registry in county.sheets
        else county.manifest["rows"][registry]
        for registry in FILES
    }  # fmt: skip


def _counts(items: Iterable[str], keys: Iterable[str]) -> dict[str, int]:
    counter = Counter(items)
    return {key: counter.get(key, 0) for key in keys}


# --------------------------------------------------------------------------- entry point


def synthesize_province(out_dir: Path, *, counties: int, people: int, seed: int,
                        noise: float = 1.0) -> ProvinceSummary:  # fmt: skip
    """Write a synthetic province of ``counties`` counties and its truth under ``out_dir``.

    Parameters
    ----------
    out_dir : Path
        Where to write: ``drop/<code><name>/`` per county, and ``truth/``.
    counties : int
        How many counties (2 to 20), the first of ``names.PROVINCE_COUNTIES``.
    people : int
        How many people in all, split evenly (at least 200 a county).
    seed : int
        Seed of the random generator (each county's seed is drawn from it).
    noise : float, default 1.0
        Multiplier of every noise rate (not negative).

    Returns
    -------
    ProvinceSummary
        The folders, the counties, the cross-county injections and the province's totals.

    Raises
    ------
    ValueError
        When ``counties`` is outside 2 to 20, a county would have fewer than 200 people or
        ``noise`` is negative.
    """
    if not MIN_COUNTIES <= counties <= MAX_COUNTIES:
        raise ValueError(f"a synthetic province has {MIN_COUNTIES} to {MAX_COUNTIES} counties")
    if people < MIN_PEOPLE * counties:
        raise ValueError(f"a synthetic province needs at least {MIN_PEOPLE} people a county")
    if noise < 0:
        raise ValueError("noise must not be negative")
    out_dir = Path(out_dir)
    rng = np.random.default_rng(seed)
    seeds = [int(s) for s in rng.integers(0, 2**31 - 1, size=counties)]
    shares = [people // counties + (i < people % counties) for i in range(counties)]
    out_dir.mkdir(parents=True, exist_ok=True)
    # the counties' truths stay in the scratch folder, read from there when needed
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".counties-") as scratch:
        loaded = _write_counties(out_dir, Path(scratch), seeds, shares, noise)
        pools = [_candidates(rng, county) for county in loaded]
        cases = _inject_duplicates(rng, loaded, pools, noise)
        injected = {"duplicate_enrollment": len(cases),
                    "deceased_paid": _move_deaths(rng, loaded)}  # fmt: skip
        controls = _inject_namesakes(rng, loaded, pools)
        injected[NAMESAKE] = len(controls)
        for county in loaded:
            for sheet in county.sheets.values():
                sheet.write()
        cases = _sorted([c for county in loaded for c in county.cases] + cases, "case_type",
                        CASE_TYPES)  # fmt: skip
        controls = _sorted([c for county in loaded for c in county.controls] + controls,
                           "control_type", (*CONTROL_TYPES, NAMESAKE))  # fmt: skip
        manifest = _manifest(loaded, seed, people, noise, cases, controls, injected)
        _write_truth(out_dir / "truth", loaded, cases, controls, manifest)
    log.info("synthetic province: %d counties, %d people, cross-county %s", counties, people,
             injected)  # fmt: skip
    summaries = tuple(CountySummary(c.code, c.name, c.folder, c.seed, c.people, _rows(c))
                      for c in loaded)  # fmt: skip
    return ProvinceSummary(out_dir / "drop", out_dir / "truth", summaries, injected,
                           manifest["anomalies"], manifest["controls"])  # fmt: skip


def _write_counties(out_dir: Path, scratch: Path, seeds: list[int], shares: list[int],
                    noise: float) -> list[_County]:  # fmt: skip
    """Generate the counties in ``scratch``, in worker processes (one per core; each county
    has its own seed, so the bytes do not depend on the order), move each drop into place
    and read its truth."""
    drop = out_dir / "drop"
    drop.mkdir(parents=True, exist_ok=True)
    counties = list(zip(names.PROVINCE_COUNTIES, seeds, shares, strict=False))
    workers = min(len(counties), os.cpu_count() or 1)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        written = [pool.submit(_write_county, scratch / code, code, seed, people, noise)
                   for (code, _, _), seed, people in counties]  # fmt: skip
        loaded = []
        for future, ((code, name, _), seed, people) in zip(written, counties, strict=True):
            folder = future.result()
            loaded.append(_load_county(folder, code, name, seed, people, drop / f"{code}{name}"))
            log.info("province: county %s%s written (%d people)", code, name, people)
    return loaded


def _write_county(folder: Path, code: str, seed: int, people: int, noise: float) -> Path:
    """One county's drop and truth in ``folder`` (run in a worker process)."""
    synthesize(folder, people=people, seed=seed, noise=noise,
               assumptions=Assumptions(region=code))  # fmt: skip
    return folder
