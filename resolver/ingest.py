"""Ingest a data drop into DuckDB: every file found and read, every table prepared
(``resolver.tables``) and stored, and what was read and skipped recorded.

A drop is a folder (subfolders included) of CSV and workbook files as offices export them: a
registry may come as several files or sheets, a file may hold several registries, and a table
may sit under title lines, end in 合计 rows, or use the office's own headers
(``resolver.headers``, ``resolver.layout``). Every file, sheet and row is either read or
named with the reason it was not.

Tables written (each ingest replaces the previous drop's, all in one transaction):

- ``raw_<registry>``: ``source_no``, ``row_no``, every contract column as the text read,
  ``extra`` (a map of the columns the contract does not list, header to text);
- ``<registry>``: ``record_id``, ``source_no``, ``row_no`` and the normalised columns;
- ``restorations`` (``RESTORATIONS``): the 户籍注销 rows of deaths tables restoring a
  registration (恢复户口), evidence that their person lives: ``source_no``, ``record_id`` as
  written, ``row_no``, ``id_number`` (valid only), ``restored_on``;
- ``dq_findings``: registry, record_id, source_no, row_no, column, problem, raw value (IDs
  and phones masked);
- ``ingest_sources``: one row per table read (a file's sheet): registry, file, sheet, header
  rows, how each column was mapped, rows read and skipped, notes;
- ``ingest_skipped``: every file, sheet and row not read as data, with the reason;
- ``ingest_files``: one row per registry file: registry, path, format, encoding, sha256, rows,
  and how the last ingest's rows were used (``reused``: ``unchanged``, the file not read
  again; ``appended``, only the rows added at its end read; null, read whole);
- ``ingest_reuse``: what the next ingest needs to take a file unchanged.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from itertools import combinations, compress, permutations, product
from pathlib import Path
from typing import NamedTuple

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from resolver.case_numbers import JOINED_NOTE, joined_note, joined_otherwise
from resolver.db import column_names, connect, table_names, transaction
from resolver.errors import (
    ROWS_SHOWN,
    DoudiError,
    InputError,
    InputErrors,
    raise_collected,
    unreadable_file,
)
from resolver.headers import Vocabulary, hint_passed_over, load_vocabulary, name_hint
from resolver.idcard import PROVINCES, mask_numbers
from resolver.layout import (
    HEADER_SCAN_ROWS,
    LISTED_ELSEWHERE,
    READ_ELSEWHERE,
    is_blank,
    locate,
    side_by_side,
    skip_reason,
)
from resolver.ledger_months import (
    MONTH_SET_ASIDE,
    death_notices,
    ledger_months,
    ledger_reach,
    lost_death_notices,
    lost_ledger_months,
)
from resolver.memory import collector_paused
from resolver.normalize import CHINA_TIME
from resolver.private import scratch_folder
from resolver.quality import deaths_tables
from resolver.reading import UTF16_BOMS, Grid, read_grids
from resolver.registries import COUNTY_HEADERS, REGISTRIES, county_with_codes
from resolver.tables import (
    BACK_PAY_WORD,
    FINDINGS_SCHEMA,
    MONTH_ONLY,
    RESTORATIONS_SCHEMA,
    Derived,
    Source,
    cancelled_for_death,
    county_values,
    dated_apart,
    death_notices_only,
    derived_notices,
    findings_of,
    found_by_values,
    holds_id_numbers,
    members_apart,
    named_month,
    named_month_number,
    prepare_table,
    programs_apart,
    several_months_named,
    shifted_rows_realigned,
    streets_apart,
    table_context,
)

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
PARALLEL_BYTES = 20_000_000
"""A drop this large is prepared one process per file."""
SPREADSHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".et", ".ett", ".wps"})
NOT_TABLES = frozenset({".doc", ".docx", ".pdf", ".ppt", ".pptx", ".jpg", ".jpeg", ".png",
                        ".md", ".html", ".htm"})  # fmt: skip
ARCHIVES = frozenset({".zip", ".rar", ".7z"})
MIN_COLUMNS_OF_A_REGISTRY = 3
SHEETS_PER_FILE = 1000


@dataclass(frozen=True)
class Skip:
    """A file or sheet not read, and why (Chinese)."""

    path: Path
    sheet: str | None
    reason: str


@dataclass
class FileOutcome:
    """What one file gave: its tables, what was skipped, what makes it unusable."""

    path: Path
    sha256: str
    sources: list[Source] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)
    """The registries of tables found and refused (what they lack, a bad row): not missing."""
    stand_ins: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Required columns a table may lack when it has one of their stand-ins (the caller finds
    them by it: a case by the payee's ID or account)."""
    personless: list[tuple[Skip, InputError, str]] = field(default_factory=list)
    """Sheets lacking a required column that name no one (a 分类统计 sheet), each as the skip
    it is beside a table of the file, the refusal it is without one and the registry it looked
    like (``_settle_personless``)."""


@dataclass(frozen=True)
class DropReport:
    """What an ingest read: every table, every file or sheet skipped (for the summary)."""

    data_dir: Path
    sources: list[Source]
    skips: list[Skip]
    hashes: dict[Path, str]
    reused: dict[Path, str] = field(default_factory=dict)
    """The files whose rows the last ingest stored were taken (``REUSE_TABLE``): ``unchanged``
    (the same bytes, not read again) or ``appended`` (only the rows added at the end read)."""

    @property
    def registries(self) -> list[str]:
        """The registries read, in the contract's order."""
        present = {source.registry.name for source in self.sources}
        return [name for name in REGISTRIES if name in present]


def refuse_non_folder(data_dir: Path) -> None:
    """Refuse a drop that is no folder (a file, a path that does not exist), before anything
    is made for it: a command checks it before opening its database.

    Parameters
    ----------
    data_dir : Path
        The drop folder as given.

    Raises
    ------
    InputError
        If ``data_dir`` is not a folder.
    """
    if not data_dir.is_dir():
        raise InputError(data_dir, None, None, "数据包不是文件夹")


def discover(data_dir: Path) -> tuple[list[Path], list[Skip]]:
    """The files of a drop folder and its subfolders that may hold tables, and the others
    with why they are not read.

    Parameters
    ----------
    data_dir : Path
        The drop folder.

    Returns
    -------
    tuple[list[Path], list[Skip]]
        The files to read, sorted by path, and the skipped ones (temporary, hidden, not
        tables, archives, a copy of an earlier file, or a symbolic link: ``LINK_SKIPPED``,
        a linked folder's files not listed, never read) with the reason.

    Raises
    ------
    InputError
        If ``data_dir`` is not a folder.
    """
    refuse_non_folder(data_dir)
    entries = sorted(_entries(data_dir))
    links = [path for path in entries if path.is_symlink()]
    found = [path for path in entries if path.is_file() and not path.is_symlink()]
    _refuse_undecodable_names(data_dir, found)
    files, skips = [], [Skip(path, None, LINK_SKIPPED) for path in links if path.is_symlink()]
    for path in found:
        parts = path.relative_to(data_dir).parts
        if path.name.startswith(("~$", ".~lock")):
            skips.append(Skip(path, None, "表格软件打开文件时留下的临时文件"))
        elif any(part.startswith(".") for part in parts):
            skips.append(Skip(path, None, "隐藏文件"))
        elif path.suffix.lower() in ARCHIVES:
            skips.append(
                Skip(path, None, f"压缩文件（{path.suffix}）未读取：请解压后把其中的表格放入数据包")
            )
        elif path.suffix.lower() in NOT_TABLES:
            skips.append(Skip(path, None, f"不是表格文件（{path.suffix}）"))
        else:
            files.append(path)
    copies = _copies(files, data_dir)
    return [path for path in files if path not in copies], skips + list(copies.values())


# Why a symbolic link in a drop is not read (nor what a linked folder holds): it may point
# anywhere on the machine (another county's file, /etc/passwd), and a drop is what was sent.
LINK_SKIPPED = ("符号链接（快捷方式）未读取：数据包中的文件和文件夹须为实际文件，"
                "请把所指的文件复制到数据包中")  # fmt: skip


def _entries(data_dir: Path) -> Iterator[Path]:
    """Every file and folder of the drop; a folder that is a symbolic link is listed, never
    entered (``os.walk`` follows no link: a link to a folder above cannot loop)."""
    for folder, folders, files in os.walk(data_dir):
        yield from (Path(folder) / name for name in [*folders, *files])


def _refuse_undecodable_names(data_dir: Path, paths: list[Path]) -> None:
    """Refuse a drop with file names that are not UTF-8 (a Windows zip unpacked here gives
    GBK bytes): no table could name them. The names are shown as GBK reads them."""
    bad = []
    for path in paths:
        relative = str(path.relative_to(data_dir))
        try:
            relative.encode("utf-8")
        except UnicodeEncodeError:
            bad.append(os.fsencode(relative).decode("gb18030", errors="replace"))
    if bad:
        raise InputError(data_dir, None, None,
                         f"文件名不是 UTF-8 编码（多为在 Windows 上打包的压缩文件解压所致）：{'、'.join(bad)}"
                         "。请把这些文件改名（可照上面显示的名称重新输入）后再运行")  # fmt: skip


# What a copy's name adds to its original's: (1), 副本, 备份, copy.
_COPY_MARK = re.compile(r"(?:\s*[(（]\d+[)）]|[\s_-]*(?:副本|备份|copy|Copy|COPY))+$")


def _copies(files: list[Path], data_dir: Path) -> dict[Path, Skip]:
    """The files whose bytes another file of the drop has (a backup copy in 备份/,
    ``救助对象(1).xlsx``, ``救助对象 - 副本.xlsx``, a ledger exported twice under two names or
    as ``.csv`` and ``.txt``, a workbook saved as ``.xls`` and ``.et``), each with why it is
    not read: its rows would be every person, every payment twice. The extension does not
    count: the format comes from the bytes. Of those, the one nearest the drop's top is read,
    of these one without a copy's mark in its name (``(1)``, ``副本``, ``备份``, ``copy``),
    then the first by path. Files whose names give two different months are no copies,
    whatever their bytes: the name may give the rows' month (``2026年10月发放.csv``,
    ``2026年11月发放.csv``), unless one is a copy's name of another file of its folder
    (``2024年06月(1).xlsx`` beside ``2024年06月.xlsx``: May's file saved under June's name,
    which Windows marked as taken; read, it would be June's twice, or lose the real June
    lines, ``_misnamed_copy``); one whose name gives none is a copy of one that gives a month
    (the one naming a month is read: it may be where the rows' month comes from). Only files
    of one size, and of one county of a province, are compared."""
    named_files = {(path.parent, path.stem.lower()): path for path in files}
    size_of = {path: path.stat().st_size for path in files}
    sizes = Counter(size_of.values())
    groups: dict[tuple, list[Path]] = {}
    for path in files:
        if sizes[size_of[path]] < 2:
            continue
        # two counties of a province may send the same bytes: each its own rows
        key = (county_of(path, data_dir), hashlib.sha256(path.read_bytes()).hexdigest())
        groups.setdefault(key, []).append(path)
    copies = {}
    for group in groups.values():
        # the first of each month the names give is read (a name giving none comes last)
        group.sort(key=lambda path: (named_month(path.stem) is None, len(path.parts),
                                     _COPY_MARK.search(path.stem) is not None, path))  # fmt: skip
        read: dict[tuple[int, int] | None, Path] = {}
        for path in group:
            month = named_month(path.stem)
            first = read.get(month) or (next(iter(read.values()), None) if month is None else None)
            misnamed = _misnamed_copy(path, named_files) if first is None and read else None
            if misnamed is not None:
                copies[path] = _misnamed_skip(path, next(iter(read.values())), misnamed, data_dir)
                continue
            if first is None:
                read[month] = path
                continue
            same_name = (
                _COPY_MARK.sub("", path.stem).lower() == _COPY_MARK.sub("", first.stem).lower()
            )
            kind = "副本" if same_name else "同一份数据以另一文件名重复导出"
            copies[path] = Skip(path, None, f"与「{first.relative_to(data_dir).as_posix()}」"
                                            f"内容完全相同（{kind}），未重复读取")  # fmt: skip
    return copies


def _misnamed_copy(path: Path, named_files: dict[tuple[Path, str], Path]) -> Path | None:
    """The file of ``path``'s folder whose name ``path``'s is a copy's of (``2024年06月.xlsx``
    for ``2024年06月(1).xlsx``), or None."""
    unmarked = _COPY_MARK.sub("", path.stem)
    if unmarked == path.stem:
        return None
    return named_files.get((path.parent, unmarked.lower()))


def _misnamed_skip(path: Path, first: Path, named: Path, data_dir: Path) -> Skip:
    """Why a file with another's bytes (``first``), named as a copy of a third (``named``), is
    not read."""
    first_name, named_name = (file.relative_to(data_dir).as_posix() for file in (first, named))
    return Skip(path, None, f"与「{first_name}」内容完全相同，文件名却是「{named_name}」加副本标记："
                            f"是「{first_name}」另存为该名称的副本，未读取；如本表确是另一批发放，请改名后重新运行")  # fmt: skip


def ingest_drop(con: duckdb.DuckDBPyConnection, data_dir: Path, *,
                vocabulary: Vocabulary | None = None, on_progress: Progress | None = None,
                expected: Collection[tuple[str, str | None]] = (),
                whole_counties: bool = True,
                accept: Callable[[duckdb.DuckDBPyConnection], object] | None = None
                ) -> DropReport:  # fmt: skip
    """Read, check and normalise every table of ``data_dir`` and store it, all in one
    transaction (each table is stored as soon as it is ready, while others are read).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The database to write the tables to.
    data_dir : Path
        The drop folder.
    vocabulary : Vocabulary | None
        The headers to recognise; the built-in ones when None.
    on_progress : Progress | None
        Called with (step, done, total) as files are read, or None.
    expected : Collection[tuple[str, str | None]]
        (registry, county) pairs the drop must hold (next month's drop: those of the last
        one, ``drop_holdings``); one missing refuses the drop.
    whole_counties : bool
        Whether each county of ``expected`` must be in the drop (next month's drop); when
        False (a full run), a county may be left out whole, but a county the drop holds must
        hold its registries of ``expected``.
    accept : Callable or None
        Called with ``con`` once every table is stored, before they are committed: what it
        raises refuses the drop as an unusable file does (the policy's standards per county
        checked against the drop's counties, ``models.pipeline``).

    Returns
    -------
    DropReport
        Every table read and every file or sheet skipped.

    Raises
    ------
    InputError, InputErrors
        Naming files, sheets, rows and columns for anything that makes the drop unusable;
        nothing is written then, and the previous drop stays (as when ``accept`` raises).
    """
    with transaction(con), scratch_folder("doudi-ingest-") as folder:
        report, errors = _read_into(con, Path(data_dir), vocabulary or load_vocabulary(),
                                    on_progress, Path(folder), expected, whole_counties)  # fmt: skip
        raise_collected(errors)  # rolls the transaction back: the previous drop stays
        if accept is not None:
            accept(con)
    return report


def check_drop(data_dir: Path, *, vocabulary: Vocabulary | None = None,
               on_progress: Progress | None = None
               ) -> tuple[duckdb.DuckDBPyConnection, list[InputError]]:  # fmt: skip
    """A dry run: the drop read as ``ingest_drop`` reads it, into a database in memory
    (nothing is written to disk), and every error that would refuse it.

    Parameters
    ----------
    data_dir : Path
        The drop folder.
    vocabulary : Vocabulary | None
        The headers to recognise; the built-in ones when None.
    on_progress : Progress | None
        Called with (step, done, total) as files are read, or None.

    Returns
    -------
    tuple[duckdb.DuckDBPyConnection, list[InputError]]
        The in-memory database holding what was read, and the errors (empty if the drop
        would be accepted).
    """
    con = connect(":memory:")
    with scratch_folder("doudi-check-") as folder:
        _, errors = _read_into(con, Path(data_dir), vocabulary or load_vocabulary(),
                               on_progress, Path(folder))  # fmt: skip
    return con, errors


def read_registry_file(path: Path, registry: str, *, vocabulary: Vocabulary | None = None,
                       stand_ins: Mapping[str, tuple[str, ...]] | None = None
                       ) -> list[Source]:  # fmt: skip
    """One file read as one registry, outside any drop: each of its tables (the CSV, or
    every sheet holding the registry's table, tables side by side apart, a sheet without a
    header of its own under the header before it) laid out, checked and normalised as
    ``ingest_drop`` reads it (``_read_tables``), nothing stored.

    Parameters
    ----------
    path : Path
        The file (CSV or workbook; the format comes from its bytes).
    registry : str
        The registry the file holds (``payments``): the hint its tables are recognised with.
    vocabulary : Vocabulary | None
        The headers to recognise; the built-in ones when None.
    stand_ins : Mapping[str, tuple[str, ...]] | None
        Required columns a table may lack when it has one of their stand-ins, by which the
        caller finds them (screening finds a bank's 代发 file's cases by ID or account).

    Returns
    -------
    list[Source]
        The file's tables of that registry, numbered from 0 (``source_no``) in sheet order;
        each ``normalised`` table keeps the row number a person sees (``row_no``), and each
        source its sheet, header rows and the rows it skipped; the first one's notes name
        the sheets not read (an instructions sheet, a 汇总 sheet) and why.

    Raises
    ------
    InputError, InputErrors
        If the file cannot be read, a table lacks a required column or has blank or repeated
        record ids, or no table of the registry is found (naming file, sheet, rows, column).
    """
    path = Path(path)
    vocabulary = vocabulary or load_vocabulary()
    try:
        content = path.read_bytes()
    except OSError as error:
        raise InputError(path, None, None, unreadable_file(error)) from error
    outcome = FileOutcome(path, hashlib.sha256(content).hexdigest(), stand_ins=stand_ins or {})
    _read_tables(outcome, read_grids(path, content), vocabulary, lambda _sheet: registry)
    raise_collected(outcome.errors)
    sources = [source for source in outcome.sources if source.registry.name == registry]
    if not sources:
        others = [(f"工作表「{source.sheet}」" if source.sheet else "文件")
                  + f"是{source.registry.chinese}名册" for source in outcome.sources]  # fmt: skip
        reasons = "；".join(others + [skip.reason for skip in outcome.skips]) or "没有数据"
        raise InputError(path, None, None,
                         f"未读到{REGISTRIES[registry].chinese}表格（{reasons}）")  # fmt: skip
    for number, source in enumerate(sources):
        _number(source, number)
    sources[0].notes.extend(f"工作表「{skip.sheet}」未读取：{skip.reason}"
                            for skip in outcome.skips if skip.sheet)  # fmt: skip
    return sources


def _read_into(con: duckdb.DuckDBPyConnection, data_dir: Path, vocabulary: Vocabulary,
               on_progress: Progress | None, folder: Path,
               expected: Collection[tuple[str, str | None]] = (), whole_counties: bool = True
               ) -> tuple[DropReport, list[InputError]]:  # fmt: skip
    """Read, lay out, check and normalise every table of a drop into ``con``: what was read,
    and every error that makes the drop unusable (``whole_counties``: ``ingest_drop``)."""
    files, skips = discover(data_dir)
    if folder_errors := _county_folder_errors(files + [skip.path for skip in skips], data_dir):
        return DropReport(data_dir, [], skips, {}), folder_errors  # read nothing: all is amiss
    order = {path: index for index, path in enumerate(files)}
    counties, county_errors = _counties(files, data_dir)
    province = any(counties.values())
    reader, dated = _reader(vocabulary), _dated_apart(files)
    previous = _previous_files(con, files, data_dir, reader, dated)
    ledger_before = ledger_months(con) if any(name == "payments" for name, _ in expected) else {}
    notices_before = death_notices(con) if any(name == "deaths" for name, _ in expected) else {}
    reused = {path for path, found in previous.items() if not found.longer}
    kept = _set_aside(con, previous, order)
    # A province's many files are read and stored in their order, so that no registry table
    # is sorted after (at 4 million people sorting them took as long as reading); a
    # county's few are read largest first, to keep both cores busy to the end.
    taken = (_stored_outcome(con, path, previous[path], kept) for path in sorted(reused))
    tails = {path: found.tail for path, found in previous.items() if found.longer}
    read = _read_all([path for path in files if path not in reused], data_dir, vocabulary,
                     on_progress, folder, largest_first=not province, meanwhile=taken,
                     tails=tails, dated=dated)  # fmt: skip
    outcomes, stored = [], []
    for outcome in _in_file_order(read, order) if province else read:
        number, county = order[outcome.path] * SHEETS_PER_FILE, counties[outcome.path]
        if outcome.path in tails:
            outcome = _added_to_stored(con, outcome, previous[outcome.path], kept, vocabulary,
                                       data_dir, number, county, stored)  # fmt: skip
        else:
            for sheet, source in enumerate(outcome.sources):
                _store_table(con, source, number + sheet, county, kept, stored)
        outcomes.append(outcome)
    in_kept = [
        s for o in outcomes for s in o.sources if s.previous is not None and s.registry.name in kept
    ]
    unsorted = _stored_out_of_order(sorted(in_kept, key=lambda source: source.number) + stored)
    outcomes.sort(key=lambda outcome: order[outcome.path])
    sources = [source for outcome in outcomes for source in outcome.sources]
    _summary_sheets_read_once(con, sources, data_dir)
    _payments_read_once(con, sources, data_dir)
    _cases_written_otherwise(con, sources)
    _snapshot_rows_read_once(con, sources, data_dir)
    skips += [skip for outcome in outcomes for skip in outcome.skips]
    errors = county_errors + [error for outcome in outcomes for error in outcome.errors]
    errors += _duplicated_record_ids(sources, data_dir)
    errors += _snapshots_read_twice(con, sources, data_dir)
    found = {source.registry.name for source in sources}
    found |= {name for outcome in outcomes for name in outcome.refused}  # refused, not missing
    errors += _drop_errors(data_dir, sources, found, bool(errors), skips)
    if all(outcome.sha256 for outcome in outcomes):  # a file not read may hold the one missing
        errors += _missing_registries(con, data_dir, found, {name for name, _ in expected})
    if not errors:
        _unknown_cases(sources)
    _dates_ahead(con, sources)
    hashes = {outcome.path: outcome.sha256 for outcome in outcomes}
    report = DropReport(data_dir, sources, skips, hashes, _reuse_of(outcomes, previous))
    _store_report(con, report, unsorted)
    if not errors and not province:
        errors += _number_by_county_column(con, sources)
    if not errors:
        errors += _empty_registries(con, data_dir, {name for name, _ in expected})
    if not errors:
        errors += _county_gaps(con, data_dir, expected, whole_counties)
    if not errors and ledger_before:
        errors += lost_ledger_months(
            ledger_before, ledger_months(con), _ledger_files(sources, counties), data_dir
        )
    if not errors and notices_before:
        errors += lost_death_notices(notices_before, death_notices(con), data_dir)
    reusable = province or not _numbered_by_county_column(con)
    _store_reusable(con, report, reader, dated, reusable=reusable)
    for name in _REGISTRY_TABLES:
        con.execute(f"DROP TABLE IF EXISTS {PREVIOUS}{name}")
    return report, errors


# A subfolder of a province drop holding one county's files: its name starts with the
# county's 6-digit division code (``532326大姚县``; its first two digits a province's, so a
# month's folder ``202410`` is none), or ends in 县, 区, 市 or 旗.
DIVISION_CODE = re.compile(r"^(?P<code>\d{6})(?!\d)\s*(?P<name>[^县区市旗]*[县区市旗])?")
COUNTY_SUFFIX = re.compile(r"(?:县|区|市|旗)$")


def county_of(path: Path, data_dir: Path) -> str | None:
    """The county a file of a drop belongs to: the subfolder of the drop it lies in, when
    that folder names a county (``DIVISION_CODE``, ``COUNTY_SUFFIX``); its division code
    when its name starts with one, else its name. None for a file of a one-county drop.

    Parameters
    ----------
    path : Path
        A file of the drop.
    data_dir : Path
        The drop folder.

    Returns
    -------
    str | None
        The county, or None.

    Examples
    --------
    >>> county_of(Path("drop/532326大姚县/户籍人口.csv"), Path("drop"))
    '532326'
    >>> county_of(Path("drop/科右前旗/民政/救助对象.xlsx"), Path("drop"))
    '科右前旗'
    >>> county_of(Path("drop/民政/救助对象.xlsx"), Path("drop")) is None
    True
    >>> county_of(Path("drop/202410/发放表.xlsx"), Path("drop")) is None
    True
    """
    parts = path.relative_to(data_dir).parts
    if len(parts) < 2:
        return None
    return _division_code(parts[0]) or (parts[0] if COUNTY_SUFFIX.search(parts[0]) else None)


def _division_code(folder: str) -> str | None:
    """The county division code a folder's name starts with, or None."""
    found = DIVISION_CODE.match(folder)
    return found["code"] if found and found["code"][:2] in PROVINCES else None


def _county_folder_errors(files: list[Path], data_dir: Path) -> list[InputError]:
    """An error for county folders a drop cannot be read by (``files``: every file of the
    drop, those skipped too, copies of another county's): two counties' folders under one
    division code (``532322双柏县``, ``532322牟定县``: one county's files may lie in two folders
    of its code, ``532301楚雄市民政`` and ``532301楚雄市公安``), and county folders below the first
    level (``楚雄州/532301楚雄市``)."""
    folders = {path.relative_to(data_dir).parts[:-1] for path in files}
    named: dict[str, set[str]] = {}
    for top in {parts[0] for parts in folders if parts}:
        if (code := _division_code(top)) is not None:
            named.setdefault(code, set()).add(top)
    errors = [InputError(data_dir, None, None,
                         f"区县文件夹{'、'.join(f'「{name}」' for name in sorted(tops))}的行政区划代码"
                         f"相同（{code}），县名却不同：请核对文件夹名中的区划代码")
              for code, tops in sorted(named.items()) if len(_county_names(tops)) > 1]  # fmt: skip
    nested = sorted({"/".join(parts[:depth + 1]) for parts in folders
                     for depth in range(1, len(parts)) if _division_code(parts[depth])})  # fmt: skip
    if len({_division_code(folder.rsplit("/", 1)[-1]) for folder in nested}) > 1:
        errors.append(InputError(data_dir, None, None,
                                 f"区县文件夹须直接放在数据包文件夹下，这些区县文件夹却在下层："
                                 f"{'、'.join(nested)}：请把各区县文件夹移到数据包文件夹下"
                                 "（数据包/区县/文件），或分别运行"))  # fmt: skip
    return errors


def _county_names(folders: set[str]) -> set[str]:
    """The county names folders give after their division code (``532326大姚县民政``: 大姚县),
    those that give one."""
    return {found["name"] for folder in folders
            if (found := DIVISION_CODE.match(folder)) and found["name"]}  # fmt: skip


def drop_holdings(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str | None]]:
    """The registries of the ingested drop that hold rows, each with the counties its rows
    are in (None in a one-county drop); none before the first ingest.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database.

    Returns
    -------
    set of (str, str or None)
        (registry name, county) pairs.
    """
    if "ingest_sources" not in table_names(con):
        return set()
    registries = [registry for (registry,) in
                  con.execute("SELECT DISTINCT registry FROM ingest_sources").fetchall()]  # fmt: skip
    return {pair for name in registries for pair in _registry_counties(con, name)}


def _registry_counties(con: duckdb.DuckDBPyConnection, name: str) -> set[tuple[str, str | None]]:
    """The (registry, county) pairs of the rows of registry ``name``: none when it has none."""
    columns = column_names(con, name)
    if not columns:
        return set()
    if "county" not in columns:
        return {(name, None)} if con.execute(f"SELECT 1 FROM {name} LIMIT 1").fetchall() else set()
    rows = con.execute(f"SELECT DISTINCT county FROM {name}").fetchall()
    return {(name, county) for (county,) in rows}


def drop_counties(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The counties of the ingested drop: those of a province's folders, none for a county.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The database of an ingested drop.

    Returns
    -------
    list of str
        The counties, sorted (empty for a one-county drop, or one ingested before provinces).
    """
    selects = [f"SELECT county FROM {name}" for name in REGISTRIES
               if "county" in column_names(con, name)]  # fmt: skip
    if not selects:
        return []
    rows = con.execute(f"SELECT DISTINCT county FROM ({' UNION ALL '.join(selects)}) "
                       "WHERE county IS NOT NULL ORDER BY 1").fetchall()  # fmt: skip
    return [county for (county,) in rows]


def resolve_county(con: duckdb.DuckDBPyConnection, county: str | None) -> str | None:
    """The county of the ingested drop that ``county`` names, as the drop stores it: by the
    name it is stored under, or by another name or division code it goes by
    (``county_aliases``: 361223 for 松岭县, 大姚县 for 532326). Every ``--county`` and
    ``?county=`` is read here.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The database of an ingested drop.
    county : str or None
        The county asked for (a division code or a name); None (the whole drop) is always held.

    Returns
    -------
    str or None
        The county as stored (``drop_counties``); None for None.

    Raises
    ------
    DoudiError
        When no county of the drop goes by ``county`` (or two do), naming those it holds.
    """
    return county_named(county_aliases(con) if county is not None else {}, county)


def county_named(aliases: dict[str, set[str]], county: str | None) -> str | None:
    """The county of a drop that ``county`` names (``resolve_county``), from the drop's
    ``county_aliases`` read once (a server reads them once per published run).

    Parameters
    ----------
    aliases : dict of str to set of str
        The drop's ``county_aliases``.
    county : str or None
        The county asked for (a division code or a name); None (the whole drop) is always held.

    Returns
    -------
    str or None
        The county as stored; None for None.

    Raises
    ------
    DoudiError
        When no county of the drop goes by ``county`` (or two do), naming those it holds.

    Examples
    --------
    >>> county_named({"松岭县": {"361223"}, "青溪县": {"361221"}}, "361223")
    '松岭县'
    """
    if county is None:
        return None
    asked = county.strip()
    found = [stored for stored, names in aliases.items() if asked == stored or asked in names]
    if len(found) == 1:
        return found[0]
    known = "、".join(county_with_codes(stored, names) for stored, names in aliases.items())
    raise DoudiError(
        f"数据中没有区县 {mask_numbers(county)}（可选：{known or '无（单个区县的数据不需指明区县）'}）"
    )


def county_aliases(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """Each county of the ingested drop (``drop_counties``) with the other names and division
    codes it goes by: the name its folder gives after its code (``532326大姚县``: 大姚县), and
    what another county column of its rows says beside it (区划代码 361223 on the rows whose
    所属区县 is 松岭县).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The database of an ingested drop.

    Returns
    -------
    dict of str to set of str
        County as stored -> its other names and codes (empty when none is known); empty for
        a one-county drop.
    """
    aliases: dict[str, set[str]] = {county: set() for county in drop_counties(con)}
    if not aliases:
        return aliases
    for names in (*_folder_county_names(con), *_county_columns_together(con)):
        for stored in names & aliases.keys():
            aliases[stored] |= names - {stored}
    return aliases


def _folder_county_names(con: duckdb.DuckDBPyConnection) -> list[set[str]]:
    """The (division code, name) of each county folder the drop's files lie in, when its
    name gives both (``532326大姚县``)."""
    if "ingest_files" not in table_names(con):
        return []
    paths = [path for (path,) in con.execute("SELECT path FROM ingest_files").fetchall()]
    return [{found["code"], found["name"]} for path in paths for part in Path(path).parts
            if (found := DIVISION_CODE.match(part)) and found["name"]]  # fmt: skip


def _county_columns_together(con: duckdb.DuckDBPyConnection) -> list[set[str]]:
    """The counties (``county_values``) that two county columns (``COUNTY_HEADERS``) of one
    row of the drop's files name: a name and a code of one county."""
    together = []
    for name in REGISTRIES:
        raw = f"raw_{name}"
        if "extra" not in column_names(con, raw):
            continue
        cells = ", ".join(f"extra['{header}']" for header in COUNTY_HEADERS)
        for values in con.execute(f"SELECT DISTINCT {cells} FROM {raw}").fetchall():
            named = {county for county in county_values(pa.array(values, pa.string())).to_pylist()
                     if county is not None}  # fmt: skip
            if len(named) > 1:
                together.append(named)
    return together


def _counties(files: list[Path], data_dir: Path) -> tuple[dict[Path, str | None], list[InputError]]:
    """Each file's county (``county_of``), and an error for each file outside every county
    folder of a province drop (a drop is one county, or counties only)."""
    counties = {path: county_of(path, data_dir) for path in files}
    if not any(counties.values()):
        return counties, []
    reason = ("多区县数据包中，此文件不在任何区县文件夹内（区县文件夹名以6位行政区划代码开头，"
              "或以县、区、市、旗结尾），无法确定所属区县：请放入其区县的文件夹；全市（全省）一个文件、"
              "各行在区县列注明所属区县的，请按区县列拆分后分别放入各区县文件夹")  # fmt: skip
    return counties, [InputError(path, None, None, reason) for path, county in counties.items()
                      if county is None]  # fmt: skip


def _in_county(source: Source, county: str | None) -> None:
    """Give the table its ``county`` column (null in a one-county drop). In a province drop
    its record ids and its household and case numbers become ``<county>/<number>``: an office
    numbers its rows and cases within its county only."""
    table = source.normalised
    if county is not None:
        for name in COUNTY_NUMBERED:
            if name in table.column_names:
                table = table.set_column(table.column_names.index(name), name,
                                         numbered_in(county, table[name]))  # fmt: skip
        source.findings = [
            finding.set_column(finding.column_names.index("record_id"), "record_id",
                               numbered_in(county, finding["record_id"]))
            for finding in source.findings
        ]  # fmt: skip
    source.normalised = table.append_column("county", pa.array([county] * len(table), pa.string()))


def _number_by_county_column(con: duckdb.DuckDBPyConnection, sources: list[Source]
                             ) -> list[InputError]:  # fmt: skip
    """A drop whose rows name two or more counties in a county column (``COUNTY_HEADERS``:
    a province's export in one set of files) is a province too: each stored row gets its
    county, and its numbers are written ``<county>/<number>`` as in a folder per county. A
    row of such a drop that names no county is an error. With one county or none, nothing
    changes (a county's own files often carry their county's name). A sheet named for one of
    the counties the drop's rows name (a 残联 workbook of a sheet per 区县) gives that county to
    its rows that name none."""
    named = _county_column_counties(sources)
    if not named:
        return []
    errors = []
    for source in sources:
        county = named[source.number]
        blank = (pc.is_null(county) if county is not None
                 else pa.array([True] * source.raw.num_rows, pa.bool_()))  # fmt: skip
        rows = np.asarray(source.raw["row_no"])[np.asarray(blank)]
        if len(rows):
            errors.append(InputError(source.path, rows.tolist(), _county_header(source) or "区县",
                                     "多区县数据：此行未注明所属区县", source.sheet))  # fmt: skip
    if errors:
        return errors
    for name in {source.registry.name for source in sources}:
        # (a table of no rows names no county: its columns are not known from a row)
        of_registry = [source for source in sources
                       if source.registry.name == name and source.raw.num_rows]  # fmt: skip
        con.register("_row_county", pa.table({
            "source_no": pa.chunked_array([s.raw["source_no"].combine_chunks() for s in of_registry],
                                          pa.int64()),
            "row_no": pa.chunked_array([s.raw["row_no"].combine_chunks() for s in of_registry],
                                       pa.int64()),
            "county": pa.chunked_array([named[s.number] for s in of_registry], pa.string()),
        }))  # fmt: skip
        numbered = [f"{column} = c.county || '/' || t.{column}" for column in COUNTY_NUMBERED
                    if column in column_names(con, name)]  # fmt: skip
        con.execute(f"UPDATE {name} t SET county = c.county, {', '.join(numbered)} FROM _row_county c "
                    "WHERE t.source_no = c.source_no AND t.row_no = c.row_no")  # fmt: skip
        con.execute("UPDATE dq_findings f SET record_id = c.county || '/' || f.record_id "
                    "FROM _row_county c WHERE f.registry = ? AND f.source_no = c.source_no "
                    "AND f.row_no = c.row_no", [name])  # fmt: skip
        con.unregister("_row_county")
    return []


def _county_column_counties(sources: list[Source]) -> dict[int, pa.Array | None]:
    """The county of each raw row of each table (by ``source_no``; None for a table naming
    none) when the drop's rows name two or more counties in a county column, a sheet named
    for one of them giving it to its rows that name none (``_number_by_county_column``);
    empty when they name fewer."""
    named = {source.number: _row_counties(source) for source in sources}
    found = pa.chunked_array([county for county in named.values() if county is not None],
                             pa.string())  # fmt: skip
    known = pc.unique(found.filter(pc.is_valid(found)))
    if len(known) < 2:
        return {}
    for source in sources:  # a sheet per county: its name is its rows' county
        sheet = county_values(pa.array([source.sheet or ""]))[0].as_py()
        if sheet in known.to_pylist():
            county = named[source.number]
            named[source.number] = (pa.array([sheet] * source.raw.num_rows, pa.string())
                                    if county is None else pc.fill_null(county, sheet))  # fmt: skip
    return named


def _row_counties(source: Source) -> pa.Array | None:
    """The county each row of the table names in its county column, or None when it has
    none."""
    header = _county_header(source)
    if header is None:
        return None
    return county_values(pc.map_lookup(source.raw["extra"].combine_chunks(), header, "first"))


def _county_header(source: Source) -> str | None:
    """The table's county column (the first of ``COUNTY_HEADERS`` it has), or None."""
    first_row = source.raw["extra"].slice(0, 1).combine_chunks()
    headers = set(first_row.keys.to_pylist())
    return next((text for text in COUNTY_HEADERS if text in headers), None)


# What an office numbers within its county: record ids, 户号, 救助证号 and 建档立卡户编号.
COUNTY_NUMBERED = ("record_id", "hukou_no", "case_no", "poverty_hh_no")


def of_county(number: str, county: str | None) -> bool:
    """Whether a number of a province drop (``numbered_in``) is of ``county``.

    Parameters
    ----------
    number : str
        A record id, 户号, 救助证号 or 户编号 as the drop holds it.
    county : str or None
        The county; None for the whole drop, of which every number is.

    Returns
    -------
    bool
        Whether the number is the county's.

    Examples
    --------
    >>> of_county("532301/DB001", "532301"), of_county("532301/DB001", "53230"), of_county("DB001", None)
    (True, False, True)
    """
    return county is None or number.startswith(f"{county}/")


def numbered_in(county: str, numbers: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """Numbers an office gave within its county, as a province drop holds them.

    Parameters
    ----------
    county : str
        The county (``county_of``).
    numbers : pa.ChunkedArray or pa.Array
        Record ids, 户号, 救助证号 or 户编号 (nulls stay null).

    Returns
    -------
    pa.ChunkedArray or pa.Array
        ``<county>/<number>`` each.

    Examples
    --------
    >>> numbered_in("532301", pa.array(["DB001", None])).to_pylist()
    ['532301/DB001', None]
    """
    return pc.binary_join_element_wise(county, numbers, "/")


def _in_file_order(outcomes: Iterator[FileOutcome], order: dict[Path, int]
                   ) -> Iterator[FileOutcome]:  # fmt: skip
    """``outcomes`` in their files' order, each as soon as every file before it is read."""
    waiting: dict[int, FileOutcome] = {}
    due = 0
    for outcome in outcomes:
        waiting[order[outcome.path]] = outcome
        while due in waiting:
            yield waiting.pop(due)
            due += 1


def _dated_apart(files: list[Path]) -> set[Path]:
    """The files whose names differ from another file's of their folder only by dates
    (``2026年7月发放.xlsx`` and ``2026年8月发放.xlsx``, ``低保名册.xlsx`` and
    ``低保名册202608.xlsx``): their derived record ids keep their whole names, so that two
    tables of one registry never number their rows alike. Every other file's drop its dates
    (``resolver.tables.undated_name``). Files of two folders (two counties of a province)
    never number alike (a county's ids begin with its code), so a county's file renamed for
    the month re-keys no other county's."""
    folders: dict[Path, list[Path]] = {}
    for path in files:
        folders.setdefault(path.parent, []).append(path)
    dated = {(folder, stem) for folder, paths in folders.items()
             for stem in dated_apart(path.stem for path in paths)}  # fmt: skip
    return {path for path in files if (path.parent, path.stem) in dated}


def _stored_out_of_order(stored: list[Source]) -> set[str]:
    """The registries whose tables (``stored``, in the order they were stored) came out of
    their numbers' order."""
    last: dict[str, int] = {}
    late = set()
    for source in stored:
        name = source.registry.name
        if source.number < last.get(name, -1):
            late.add(name)
        last[name] = source.number
    return late


def _read_all(files: list[Path], data_dir: Path, vocabulary: Vocabulary,
              on_progress: Progress | None, folder: Path, *, largest_first: bool,
              meanwhile: Iterable[FileOutcome] = (),
              tails: dict[Path, Tail] | None = None, dated: Collection[Path] = ()):  # fmt: skip
    """Each file read, in its own process when the drop is large enough for two cores to pay
    off (the largest first, or in their order), else one after the other. A worker hands its
    tables over as Arrow files in ``folder``, which this process maps instead of unpickling
    a copy. The outcomes ``meanwhile`` makes (in this process, while the workers read) come
    first. Of a file in ``tails`` only the rows added since the last ingest are prepared; a
    file in ``dated`` keeps its dates in its derived record ids (``_dated_apart``)."""
    total, tails = len(files), tails or {}
    if sum(path.stat().st_size for path in files) < PARALLEL_BYTES or total < 2:
        yield from meanwhile
        for done, path in enumerate(files, start=1):
            yield _read_file(path, data_dir, vocabulary, tail=tails.get(path),
                             dated=path in dated)  # fmt: skip
            if on_progress:
                on_progress("读取文件", done, total)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1, mp_context=context) as pool:
        queued = enumerate(files)
        if largest_first:
            queued = sorted(queued, key=lambda item: -item[1].stat().st_size)
        futures = [pool.submit(_read_file, path, data_dir, vocabulary, folder / str(index),
                               tails.get(path), path in dated) for index, path in queued]  # fmt: skip
        yield from meanwhile
        for done, future in enumerate(as_completed(futures), start=1):
            if on_progress:
                on_progress("读取文件", done, total)
            outcome = future.result()
            outcome.sources = [_mapped(source) for source in outcome.sources]
            yield outcome


@collector_paused()
def _read_file(path: Path, data_dir: Path, vocabulary: Vocabulary, folder: Path | None = None,
               tail: Tail | None = None, dated: bool = False) -> FileOutcome:  # fmt: skip
    """Every table of one file, prepared (written to ``folder`` when given); with ``tail``
    (the last header row, the last row read before), only the rows after it. ``dated``: its
    derived record ids begin with its whole name, dates included (``_dated_apart``)."""
    id_stem = path.stem if dated else None
    names = [path.stem, *reversed(path.relative_to(data_dir).parts[:-1])]
    named = name_hint(*names)
    try:
        content = path.read_bytes()
    except OSError as error:
        return FileOutcome(path, "", errors=[InputError(path, None, None,
                                                         unreadable_file(error))])  # fmt: skip
    outcome = FileOutcome(path, hashlib.sha256(content).hexdigest())
    try:
        grids = _tail_grids(path, content, tail) if tail else read_grids(path, content)
    except InputError as error:
        if named or path.suffix.lower() in SPREADSHEET_SUFFIXES | {".csv"}:
            outcome.errors.append(error)
        else:
            outcome.skips.append(Skip(path, None, f"无法作为表格读取：{error.reason}"))
        return outcome
    _read_tables(outcome, grids, vocabulary, lambda sheet: name_hint(sheet or "", *names),
                 id_stem)  # fmt: skip
    if named and not outcome.sources and not outcome.errors:
        # the sheets not read are said in the error, not listed again apart
        reasons = "；".join(_sheet_said(skip) for skip in outcome.skips) or "没有数据"
        outcome.skips.clear()
        outcome.refused.add(named)
        chinese = REGISTRIES[named].chinese
        outcome.errors.append(
            InputError(path, None, None, f"文件名表明是{chinese}，但未读到表格（{reasons}）")
        )
    if folder is not None:
        outcome.sources = [_written(source, folder / str(index))
                           for index, source in enumerate(outcome.sources)]  # fmt: skip
    return outcome


def _sheet_said(skip: Skip) -> str:
    """Why a sheet (or the file) was not read, the sheet named."""
    return f"工作表「{skip.sheet}」：{skip.reason}" if skip.sheet else skip.reason


def _read_tables(outcome: FileOutcome, grids: list[Grid], vocabulary: Vocabulary,
                 hint_of: Callable[[str | None], str | None], id_stem: str | None = None
                 ) -> None:  # fmt: skip
    """Add every table of a file's grids to ``outcome``: tables side by side on a sheet
    apart (``side_by_side``), a sheet without a header of its own read under the header of
    the table before it (``_headerless``), each grid with the registry its sheet's name
    hints (``hint_of``); ``id_stem`` as ``_read_grid`` takes it. The one way a file's tables
    are read, by ingest and by screening alike."""
    header: Grid | None = None  # the header rows of the file's last table read
    dated_sheets = dated_apart(grid.sheet for grid in grids if grid.sheet)
    for grid in (part for whole in grids for part in side_by_side(whole, vocabulary)):
        hint = hint_of(grid.sheet)
        continued = header is not None and _headerless(grid, header, vocabulary, hint)
        if continued:
            grid = _under(header, grid)
        read = len(outcome.sources)
        try:
            _read_grid(outcome, grid, vocabulary, hint, id_stem, grid.sheet in dated_sheets)
        except InputError as error:
            outcome.errors.append(error)
        for source in outcome.sources[read:]:
            if continued:
                source.notes.append(f"本工作表没有表头，按工作表「{header.sheet or ''}」的表头读取"
                                    "（各列与之对齐：系统导出时把一张表分在了几个工作表）")  # fmt: skip
            else:
                header = _header_grid(grid, source.header_rows)
    _settle_personless(outcome)


def _settle_personless(outcome: FileOutcome) -> None:
    """Skip each sheet that names no one (``FileOutcome.personless``) when another sheet of
    the file is a table: a workbook's statistics sheet beside its roster. Without one, the
    sheet is refused as a table lacking its columns: the file holds no usable table."""
    for skip, error, registry in outcome.personless:
        if outcome.sources:
            outcome.skips.append(skip)
        else:
            outcome.errors.append(error)
            outcome.refused.add(registry)
    outcome.personless.clear()


def _headerless(grid: Grid, header: Grid, vocabulary: Vocabulary, hint: str | None) -> bool:
    """Whether ``grid`` (a later sheet of a file) continues the table ``header`` heads: not
    hidden, holding rows, no header row of its own (an exporter that splits a long table over
    sheets may write the header on the first only), and as wide on the columns that hold
    anything: columns past the header's are empty, and it reaches every required column the
    header names (trailing columns it lacks are empty on this sheet)."""
    if grid.hidden or not grid.height:
        return False
    width = _filled_width(grid)
    located = locate(header, vocabulary, hint)
    if located is None or width > len(header.columns):
        return False
    positions = located.recognition.positions
    required = [positions[name] for name in located.recognition.registry.required
                if name in positions]  # fmt: skip
    if width <= max(required, default=0):
        return False
    own = {tuple(header.row(index)) for index in range(header.height)}
    if any(tuple(grid.row(index)) in own for index in range(min(grid.height, HEADER_SCAN_ROWS))):
        return False  # the header repeated: read as it is
    return locate(grid, vocabulary, hint) is None


def _filled_width(grid: Grid) -> int:
    """How many columns of ``grid`` there are up to its last one holding a cell not blank."""
    filled = [index + 1 for index, column in enumerate(grid.columns) if not is_blank(column).all()]
    return max(filled, default=0)


def _under(header: Grid, grid: Grid) -> Grid:
    """``grid`` with ``header``'s rows above its first row (numbered 0, -1 …: they are not in
    the sheet), the header it is read under: cut or padded with empty cells to its width."""
    numbers = list(range(1 - header.height, 1))
    empty = pa.array([""] * grid.height, pa.string())
    below = [*grid.columns, *[empty] * len(header.columns)][: len(header.columns)]
    columns = [pa.concat_arrays([above.cast(pa.string()), cells.cast(pa.string())])
               for above, cells in zip(header.columns, below, strict=True)]  # fmt: skip
    return replace(grid, columns=columns, row_numbers=numbers + list(grid.row_numbers))


def _header_grid(grid: Grid, header_rows: tuple[int, ...]) -> Grid:
    """The rows of ``grid`` numbered ``header_rows``, as a grid of their own (its sheet's
    name kept)."""
    indexes = pa.array([grid.row_numbers.index(number) for number in header_rows], pa.int64())
    return replace(grid, columns=[column.take(indexes) for column in grid.columns],
                   row_numbers=list(header_rows), merged_down=(), blank_rows=())  # fmt: skip


# A template's sheet of instructions or of a filled-in example (张三 and a made-up ID): a
# sheet named so holds no one. 填表说明, 说明, 示例, 样表, 填报说明（示例）, 模板.
_INSTRUCTIONS_SHEET = re.compile(
    r"(填表|填报|使用)?(说明|示例|样表|样例|范例|模板|例表|示例表)([(（]?(示例|样例|说明)[)）]?)?"
)


def _read_grid(outcome: FileOutcome, grid: Grid, vocabulary: Vocabulary, hint: str | None,
               id_stem: str | None = None, sheet_dated: bool = False) -> None:  # fmt: skip
    """Add the grid's table to ``outcome``, or say why the grid was skipped (``id_stem``:
    what its derived record ids begin with, when not its name's ``undated_name``;
    ``sheet_dated``: whether its sheet's name goes into them whole, ``table_context``)."""
    skip = Skip(grid.path, grid.sheet, "")
    if grid.hidden:
        outcome.skips.append(replace(skip, reason="隐藏的工作表"))
        return
    if grid.sheet and _INSTRUCTIONS_SHEET.fullmatch(re.sub(r"\s", "", grid.sheet)):
        outcome.skips.append(replace(skip, reason="填表说明或示例工作表"))
        return
    located = locate(grid, vocabulary, hint) if grid.height else None
    if located is None:
        reason = (
            "空工作表" if not grid.height else "未找到表头（前 30 行中没有两个以上可识别的列名）"
        )
        outcome.skips.append(replace(skip, reason=reason))
        return
    if located.foreign_headers:
        outcome.refused.add(located.recognition.registry.name)
        first = located.header_rows[0]
        outcome.errors.append(InputError(
            grid.path, list(located.foreign_headers), None,
            f"像另一张表格的表头（列与第 {first} 行的表头不同），其下各行无法按第 {first} 行的表头"
            "读取：请把表头不同的表格放在不同的工作表或文件中", grid.sheet))  # fmt: skip
        return
    context = table_context(grid, located, id_stem, sheet_dated)
    wide = _unpivoted(located, context, vocabulary)
    if wide is not None:  # a year's ledger, a column per month: a line per case and month
        read = len(outcome.sources)
        _read_grid(outcome, wide, vocabulary, "payments", id_stem, sheet_dated)
        for source in outcome.sources[read:]:
            source.skipped = sorted(located.skipped + source.skipped)
            source.notes.append(f"按月分列的发放表：每个案件每个月的金额读作一条发放记录（{_years_of(located, context)}"
                                "；合计列不读）")  # fmt: skip
        return
    located, notes = shifted_rows_realigned(located)
    located, more = members_apart(located, vocabulary)
    notes += more
    located, more = programs_apart(located, vocabulary)
    notes += more
    located, more = streets_apart(located)
    notes += more
    located, more = found_by_values(located, context)
    notes += more
    located, more, restored = death_notices_only(located)
    notes += more
    read = len(outcome.sources)
    try:
        _read_table(outcome, located, vocabulary, context, notes, hint, skip, restored)
    except InputError:
        outcome.refused.add(located.recognition.registry.name)
        raise
    derived = cancelled_for_death(located) if len(outcome.sources) > read else None
    if derived is not None:
        _add_derived_notices(outcome, derived, vocabulary, context)


def _add_derived_notices(outcome: FileOutcome, derived: Derived, vocabulary: Vocabulary,
                         context) -> None:  # fmt: skip
    """Add the death notices ``derived`` from the table ``outcome`` read last; when they
    cannot be read as a deaths table (a 注销日期 column none of whose cells is a date), note
    so on that table, which stays read as it is, rather than refuse its file."""
    origin = outcome.sources[-1]
    try:
        notice = prepare_table(derived.located, vocabulary, context, [])
    except (InputError, InputErrors) as error:
        reasons = [found.reason for found in (error.errors if isinstance(error, InputErrors)
                                              else (error,))]  # fmt: skip
        origin.notes.append(f"其中 {len(derived.rows)} 行注销原因为死亡，但无法另读作死亡记录："
                            + "；".join(reasons))  # fmt: skip
        return
    outcome.sources.append(replace(derived_notices(derived, origin, notice),
                                   restored=RESTORATIONS_SCHEMA.empty_table()))  # fmt: skip


def _read_table(outcome: FileOutcome, located, vocabulary: Vocabulary, context, notes,
                hint: str | None, skip: Skip, restored: pa.Table | None) -> None:  # fmt: skip
    """Add the located table to ``outcome`` (or say why it is no registry's table), with its
    ``restored`` rows (``death_notices_only``)."""
    recognition = located.recognition
    lacking = [name for name in recognition.missing if context.fill(name) is None]
    missing = [name for name in lacking
               if not set(outcome.stand_ins.get(name, ())) & set(recognition.positions)]  # fmt: skip
    chinese = recognition.registry.chinese
    if lacking and located.grid.sheet is not None and _of_totals(recognition):
        outcome.skips.append(replace(skip, reason=TOTALS_SHEET))
        return
    if missing and (hint == recognition.registry.name
                    or len(recognition.positions) >= MIN_COLUMNS_OF_A_REGISTRY):  # fmt: skip
        _refuse_month_columns(located.grid, located)
        headers = "、".join(recognition.registry.column(name).header for name in missing)
        reason = (f"看起来是{chinese}，但缺少必填列：{headers}（表头在第 "
                  f"{'、'.join(map(str, located.header_rows))} 行；列名另有写法时，可用 "
                  "--columns 对照文件指定）" + _several_months_said(located, missing))  # fmt: skip
        error = InputError(
            located.grid.path, located.header_rows, headers, reason, located.grid.sheet
        )
        if (located.grid.sheet is None or set(recognition.positions) & _WHO_COLUMNS
                or holds_id_numbers(located)):  # fmt: skip
            raise error
        outcome.personless.append(
            (replace(skip, reason=PERSONLESS_SHEET), error, recognition.registry.name)
        )
        return
    if missing:
        outcome.skips.append(replace(skip, reason="不是名册表格（表头中可识别的列太少）"))
        return
    passed_over = hint_passed_over(vocabulary, recognition, located.header.texts, hint)
    if passed_over is not None:
        notes = [*notes, _hint_note(passed_over, chinese)]
        log.warning("%s is read as %s, not as its name's %s, which lacks %s", skip.path.name,
                    recognition.registry.name, hint, passed_over.missing)  # fmt: skip
    outcome.sources.append(replace(prepare_table(located, vocabulary, context, notes),
                                   restored=restored))  # fmt: skip


def _several_months_said(located, missing: list[str]) -> str:
    """What a refusal for a missing 发放月份 adds when the table's names give several months
    (a quarter's ledger): they date no line."""
    names = (located.grid.sheet or "", located.grid.path.stem, located.title)
    several = [name for name in names if several_months_named(name)]
    if "pay_month" not in missing or not several:
        return ""
    return (
        f"。表名“{several[0]}”写了多个月份，无法确定各行是哪个月的发放：请加发放月份列，"
        "或每月一个文件（工作表）并在名称中写明月份"
    )


def _hint_note(hinted, chinese: str) -> str:
    """The note on a table read as another registry (``chinese``) than its name says,
    whose registry (``hinted``) lacks a required column."""
    named = hinted.registry.chinese
    headers = "、".join(f"「{hinted.registry.column(name).header}」" for name in hinted.missing)
    return (f"文件名或工作表名表明是{named}，但表中没有{named}的必填列{headers}，按表头读作{chinese}："
            f"如确是{named}，请用 --columns 对照文件指定哪一列是{headers}")  # fmt: skip


# Why a sheet of totals is not read: its columns are places, counts, amounts and months.
TOTALS_SHEET = "汇总或统计表（只有乡镇、户数、人数、金额、月份等汇总列，没有救助证号、姓名、身份证号列），不是名册表格"
# Why a sheet that names no one is not read beside a table of its workbook (``_settle_personless``).
PERSONLESS_SHEET = "统计表（没有姓名、身份证号、证号、户号等列，不列任何人），不是名册表格"
# The columns that say whom a row is of: a person, a household or a case. A sheet with none of
# them (分类统计: 乡镇 | 残疾类别 | 一级 … 四级) counts people; it lists no one.
_WHO_COLUMNS = {"name", "id_number", "cert_no", "payee_name", "payee_id_number", "case_no",
                "hukou_no", "poverty_hh_no", "bank_account"}  # fmt: skip
# The columns a 汇总 sheet has: a sheet with any other (a class, a start date, 是否保障对象)
# is a table of persons that lacks a column, and is refused naming it.
_TOTALS_COLUMNS = {"county", "township", "village", "household_size", "amount", "pay_month",
                   "program", "dibao_class"}  # fmt: skip


def _of_totals(recognition) -> bool:
    """Whether a table's recognised columns are only those of a 汇总 sheet (乡镇, 户数, 人数,
    金额, 月份)."""
    return set(recognition.positions) <= _TOTALS_COLUMNS


def _unpivoted(located, context, vocabulary: Vocabulary) -> Grid | None:
    """A payments table with a column per month (1月 … 12月, or 2025年10月 … 2026年9月) and a
    救助证号 column, as a grid of a line per case and month paid (its header, then the lines
    in the file's order, each with its row's number; a 记录编号 gets the month appended);
    None for any other table.

    Raises
    ------
    InputError
        When no name of the table gives the year the months are of.
    """
    texts = located.header.texts
    months = _month_columns(texts)
    columns = {position: vocabulary.column("payments", text) for position, text in enumerate(texts)}
    if len(months) < MIN_COLUMNS_OF_A_REGISTRY or "case_no" not in columns.values():
        return None
    grid = located.grid
    if context.year is None and any(year is None for year, _ in months.values()):
        raise InputError(grid.path, list(located.header_rows), None,
                         "按月分列的发放表，但文件名、工作表名和标题中都没有年份：请在文件名中写明年份"
                         "（如 2025年低保发放.xlsx）后再导入", grid.sheet)  # fmt: skip
    kept = [position for position in range(len(texts))
            if position not in months and not _TOTAL.match(texts[position])]  # fmt: skip
    data, parts = pa.array(located.data), []
    for position, (year, month) in months.items():
        amounts = grid.columns[position].take(data)
        paid = pc.indices_nonzero(pc.invert(pa.array(is_blank(amounts))))
        rows = data.take(paid)
        # a record id gets the month, with its year where the header gives it (2025年12月
        # beside 2026年12月)
        suffix = f"{month:02d}" if year is None else f"{year}{month:02d}"
        values = []
        for column in kept:
            cells = grid.columns[column].take(rows)
            if columns[column] == "record_id":
                cells = pc.if_else(pa.array(is_blank(cells)), cells,
                                   pc.binary_join_element_wise(cells, suffix, "-"))  # fmt: skip
            values.append(cells)
        values += [pa.array([f"{year or context.year}-{month:02d}"] * len(rows), pa.string()),
                   amounts.take(paid)]  # fmt: skip
        parts.append((rows.to_numpy(), (year or context.year) * 12 + month, values))
    order = np.lexsort((np.concatenate([[month] * len(rows) for rows, month, _ in parts]),
                        np.concatenate([rows for rows, _, _ in parts])))  # fmt: skip
    header = [texts[position] for position in kept] + ["发放月份", "发放金额"]
    cells = [pa.concat_arrays([pa.array([text], pa.string()),
                               pa.concat_arrays([part[2][index] for part in parts]).take(order)])
             for index, text in enumerate(header)]  # fmt: skip
    numbers = np.asarray(grid.row_numbers)[np.concatenate([rows for rows, _, _ in parts])[order]]
    return replace(
        grid, columns=cells, row_numbers=[located.header_rows[-1], *numbers.tolist()], blank_rows=()
    )


# A total column beside the months: 合计, 全年合计, 总计.
_TOTAL = re.compile(r"^\s*(?:全年)?(?:合\s*计|总\s*计|小\s*计|累\s*计)")


def _years_of(located, context) -> str:
    """Where a ledger of a column per month took its months' years from, as its note says."""
    if all(year is not None for year, _ in _month_columns(located.header.texts).values()):
        return "年份取自各月列名"
    return f"{context.year} 年，年份取自文件名、工作表名或标题"


# A header naming a month with its year: 2026年1月, 2026年1月份, 2026-01.
_DATED_MONTH = re.compile(r"^\s*(\d{4})\s*(?:年|-|/|\.)\s*(1[0-2]|0?[1-9])\s*(?:月份?)?\s*$")


def _month_columns(texts: list[str]) -> dict[int, tuple[int | None, int]]:
    """The year (None when the header gives none: the table's names give it) and month each
    header naming a month (1月, 12月份, 2026年1月) names, by its position."""
    found = {}
    for position, text in enumerate(texts):
        if only := MONTH_ONLY.match(text):
            found[position] = (None, int(only.group(1)))
        elif dated := _DATED_MONTH.match(text):
            found[position] = (int(dated.group(1)), int(dated.group(2)))
    return found


def _refuse_month_columns(grid: Grid, located) -> None:
    """Refuse, saying what it is, a table with a column per month (1月 … 12月: a year's
    发放 ledger as many offices keep it), which Doudi reads as a line per case and month."""
    months = [
        located.header.texts[position].strip() for position in _month_columns(located.header.texts)
    ]
    if len(months) >= MIN_COLUMNS_OF_A_REGISTRY:
        raise InputError(
            grid.path, list(located.header_rows), "、".join(months[:3]) + "…",
            "像按月分列的发放表（每个月一列金额）：兜底按每行一个案件一个月读取发放记录，请转换为"
            "救助证号、发放月份、发放金额各一列（如用 Excel 的“逆透视”）后再导入", grid.sheet)  # fmt: skip


def _written(source: Source, stem: Path) -> Source:
    """``source`` without its tables, which are written to Arrow files beside ``stem``."""
    stem.parent.mkdir(parents=True, exist_ok=True)
    tables = (source.raw, source.normalised, _concat_findings(source.findings), source.restored)
    for part, table in zip(_PARTS, tables, strict=True):
        if table is None:  # no restorations: not a deaths table
            continue
        path = f"{stem}.{part}.arrow"
        with pa.OSFile(path, "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
    return replace(source, raw=None, normalised=None, findings=[], restored=None, spilled=stem)


def _mapped(source: Source) -> Source:
    """``source`` with the tables ``_written`` put beside its stem, memory-mapped."""
    stem = source.spilled
    raw, normalised, findings, restored = (
        pa.ipc.open_file(pa.memory_map(f"{stem}.{part}.arrow")).read_all()
        if Path(f"{stem}.{part}.arrow").exists() else None
        for part in _PARTS
    )  # fmt: skip
    return replace(source, raw=raw, normalised=normalised, findings=[findings],
                   restored=restored, spilled=None)  # fmt: skip


_PARTS = ("raw", "normalised", "findings", "restored")


def _number(source: Source, number: int) -> None:
    """Give the source and its tables their ``source_no`` (from the file's place in the drop
    and the sheet's in the file, whichever worker finishes first)."""
    source.number = number
    source.raw = _numbered(source.raw, number, 0)
    source.normalised = _numbered(source.normalised, number, 1)
    source.findings = [_numbered(table, number, 2) for table in source.findings]
    if source.restored is not None:
        source.restored = _numbered(source.restored, number, 0)


def _numbered(table: pa.Table, number: int, position: int) -> pa.Table:
    """``table`` with its ``source_no`` column (set where it has one, else at ``position``)."""
    values = pa.array(np.full(table.num_rows, number, dtype=np.int64))
    if "source_no" in table.column_names:
        return table.set_column(table.column_names.index("source_no"), "source_no", values)
    return table.add_column(position, "source_no", values)


def _drop_errors(data_dir: Path, sources: list[Source], found: set[str], erred: bool,
                 skips: list[Skip]) -> list[InputError]:  # fmt: skip
    """What the drop lacks: a roster beside its payments, or (when no other error was found,
    ``erred``) any table at all (``found``: the registries of the tables read or refused);
    either names the archives left unread among ``skips``, where the tables may be."""
    archives = "、".join(str(skip.path.relative_to(data_dir)) for skip in skips
                         if skip.path.suffix.lower() in ARCHIVES)  # fmt: skip
    unpack = f"；压缩文件未读取：{archives}，请解压后把其中的表格放入数据包" if archives else ""
    if "payments" in found and "assistance" not in found:
        path = next((source.path for source in sources if source.registry.name == "payments"),
                    data_dir)  # fmt: skip
        return [InputError(path, None, None, f"有发放记录，但数据包中没有救助对象名册{unpack}")]
    if not found and not erred:
        return [InputError(data_dir, None, None,
                           f"数据包中没有可识别的名册表格（CSV 或 Excel）{unpack}")]  # fmt: skip
    return []


def _missing_registries(con: duckdb.DuckDBPyConnection, data_dir: Path, found: set[str],
                        expected: Collection[str]) -> list[InputError]:  # fmt: skip
    """An error naming each expected registry the drop lacks (``found``: the registries of
    the tables read or refused): a file left out of the month's drop would otherwise close
    every lead resting on that registry as gone from the data. Death notices the last ingest
    read from a 户籍人口 or 残疾人 file's rows cancelled for death (``_derived_from``) are said
    to be so: that file, exported again without its cancelled rows, holds none."""
    derived = _derived_from(con) if "deaths" in set(expected) - found else {}
    return [InputError(data_dir, None, None,
                       _derived_missing(derived) if name == "deaths" and derived else
                       f"上次运行读取了{REGISTRIES[name].chinese}名册，本次数据包中没有：每月的数据包须含"
                       f"完整的各名册（未变动的也要放入）。如该名册确已停用，请加 --allow-missing "
                       f"{REGISTRIES[name].chinese} 再运行")
            for name in sorted(set(expected) - found)]  # fmt: skip


def _derived_from(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The files whose rows cancelled for death the last ingest read as death notices, with
    their registry (``resolver.quality.deaths_tables``), when no other file gave it notices;
    else none."""
    tables = deaths_tables(con)
    if any(table.origin is None for table in tables):
        return {}
    return {table.file: table.origin for table in tables}


def _derived_missing(derived: dict[str, str]) -> str:
    """Why a drop lacks the death notices the last ingest derived from ``derived``'s files."""
    read = "、".join(
        f"{REGISTRIES[origin].chinese}名册（{file}）" for file, origin in derived.items()
    )
    return (f"上次运行的死亡记录取自{read}中因死亡注销的行，本次数据包中没有这样的行，也没有死亡人员名册："
            "如本次导出不再包含已注销的人员，请连同注销人员一并导出，或另附死亡人员名册；"
            "如确无死亡记录，请加 --allow-missing 死亡人员 再运行")  # fmt: skip


def _empty_registries(con: duckdb.DuckDBPyConnection, data_dir: Path, expected: Collection[str]
                      ) -> list[InputError]:  # fmt: skip
    """An error naming each ``expected`` registry (held with rows last time) whose files
    the drop holds with no row read (a header alone, or every row skipped: a 户籍注销 export
    of moves only): an export that came out empty is a file left out, not "everyone left"."""
    held = {name for name, _ in drop_holdings(con)}
    return [InputError(data_dir, None, None,
                       f"上次运行读取了{REGISTRIES[name].chinese}名册的数据，本次数据包中该名册的文件"
                       "没有一行可读取（只有表头，或各行都未读取，原因见问题清单「未读取的行」；可能"
                       "导出时出错）：请重新导出完整名册。如该名册确已"
                       f"停用，请加 --allow-missing {REGISTRIES[name].chinese} 再运行")
            for name in sorted(set(expected) - held)]  # fmt: skip


def _county_gaps(con: duckdb.DuckDBPyConnection, data_dir: Path,
                 expected: Collection[tuple[str, str | None]], whole_counties: bool
                 ) -> list[InputError]:  # fmt: skip
    """An error naming each county of a province drop that lacks registries it held last
    time (``expected``: (registry, county) pairs; without ``whole_counties``, a county left
    out whole is none), or holds payments without its roster: its leads would close as gone
    from the data, or its payments be checked against nothing."""
    held = drop_holdings(con)
    errors = []
    for county in sorted({county for _, county in expected if county is not None}):
        had = {name for name, where in expected if where == county}
        missing = sorted(had - {name for name, where in held if where == county})
        if missing and (whole_counties or len(missing) < len(had)):
            errors.append(InputError(data_dir, None, None, _county_gap(county, missing, had)))
    unrostered = {county for name, county in held if name == "payments"} - {
        county for name, county in held if name == "assistance"
    }
    return errors + [InputError(data_dir, None, None,
                                f"区县 {county} 有发放记录，但数据包中没有该区县的救助对象名册")
                     for county in sorted(unrostered, key=str)]  # fmt: skip


def _ledger_files(sources: list[Source], counties: dict[Path, str | None]
                  ) -> dict[str | None, Path]:  # fmt: skip
    """Each county's payment ledger file, where its payments are in one (not a 发放表 per
    month)."""
    paths: dict[str | None, set[Path]] = {}
    for source in sources:
        if source.registry.name == "payments":
            paths.setdefault(counties[source.path], set()).add(source.path)
    return {county: next(iter(found)) for county, found in paths.items() if len(found) == 1}


def _county_gap(county: str, missing: list[str], had: set[str]) -> str:
    names = "、".join(REGISTRIES[name].chinese for name in missing)
    if len(missing) == len(had):
        return (f"本次数据包中没有区县 {county} 的数据（上次运行读取了它的{names}）：每月的数据包"
                "须含各区县的完整文件夹，否则该区县的疑点都会被当作数据中已消失而消除；"
                "如确已不再核查该区县，请用 doudi run 重新完整运行")  # fmt: skip
    return (
        f"上次运行读取了区县 {county} 的{names}名册，本次数据包中该区县没有：每月的数据包须含"
        "各区县完整的各名册（未变动的也要放入）。如该名册确已停用，请加 --allow-missing "
        f"{REGISTRIES[missing[0]].chinese} 再运行"
    )


def _same_line(columns: Iterable[str]) -> str:
    """SQL: two payment lines ``a`` and ``b`` are alike on ``columns``."""
    return " AND ".join(f"a.{name} IS NOT DISTINCT FROM b.{name}" for name in columns)


# What says a payment line is one another file lists too: its case, month, payee and amount.
_PAYMENT_LINE = ("county", "case_no", "payee_id_number", "bank_account", "amount")
# A table's month is a copy of another file's when at least this share of its lines are
# there too: two exports of one month differ by a line added late or left out (a copy's
# lines the other file lacks are kept, read once like every other line).
COPIED_MONTH_SHARE = 0.9
# SQL: two payment lines ``a`` and ``b`` are the same line.
_SAME_LINE = _same_line(_PAYMENT_LINE)


def _payments_read_once(con: duckdb.DuckDBPyConnection, sources: list[Source], data_dir: Path
                        ) -> None:  # fmt: skip
    """Read a month's payments once when two files list them: a table whose lines of a month
    (case, payee ID, account, amount: ``_PAYMENT_LINE``, each as often) another file's table
    of the drop lists nearly all of (``COPIED_MONTH_SHARE``: the month's 发放表 beside the
    ledger of every month, one line added late to either) loses the lines the other lists
    from the stored tables; they are listed as skipped, naming the other file, and noted.
    Of two tables listing the same lines of a month, the one with fewer lines in all (the
    month's list, not the ledger) loses them, of equals the later. A case paid twice in a
    month within one file is two lines, as before. Tables whose names give two different
    months, with the year or without (``_months_named_apart``), lose nothing to each other
    (noted); a stale month column is first read as its names' month
    (``_stale_month_columns``), unless another file is that month's: then the name is wrong
    (``_read_stale``), and the table loses to any other, whatever their names."""
    files = {source.number // SHEETS_PER_FILE for source in sources
             if source.registry.name == "payments"}  # fmt: skip
    if len(files) < 2:
        return
    by_number = {source.number: source for source in sources}
    covered = _covered_months(con)
    stale = _stale_month_columns(con, covered, by_number)
    misnamed = _read_stale(con, stale, by_number, data_dir)
    covered = _covered_months(con) if stale else covered
    lose = {(number, month): other for number, other, month, mine, theirs in covered
            if (number not in misnamed, mine, -number) < (other not in misnamed, theirs, -other)}  # fmt: skip
    for (number, month), other in lose.items():
        while (other, month) in lose:  # the file it repeats repeats a third: name that one
            other = lose[other, month]
        apart = None if {number, other} & misnamed else _months_named_apart(by_number[number],
                                                                               by_number[other])  # fmt: skip
        if apart:
            _note_kept(by_number[number], month, by_number[other], apart, data_dir)
        else:
            _skip_month(con, by_number[number], month, by_number[other], data_dir)


def _covered_months(con: duckdb.DuckDBPyConnection) -> list[tuple[int, int, str, int, int]]:
    """Each payments table's month whose lines another file's table lists nearly all of
    (``COPIED_MONTH_SHARE``): (its source_no, the other's, the month, its lines, the other's
    lines)."""
    return con.execute(f"""
        WITH line AS (SELECT source_no, pay_month, {", ".join(_PAYMENT_LINE)}, count(*) AS n
                      FROM payments WHERE pay_month IS NOT NULL GROUP BY ALL),
             month AS (SELECT source_no, pay_month, count(*) AS keys FROM line GROUP BY ALL),
             size AS (SELECT source_no, count(*) AS lines FROM payments GROUP BY ALL),
             held AS (SELECT a.source_no, b.source_no AS other, a.pay_month, count(*) AS keys
                      FROM line a JOIN line b ON a.pay_month = b.pay_month AND {_SAME_LINE}
                       AND a.source_no // {SHEETS_PER_FILE} <> b.source_no // {SHEETS_PER_FILE}
                       AND a.n <= b.n GROUP BY ALL)
        SELECT held.source_no, held.other, held.pay_month, mine.lines, theirs.lines
        FROM held JOIN month USING (source_no, pay_month)
        JOIN size mine ON mine.source_no = held.source_no
        JOIN size theirs ON theirs.source_no = held.other
        WHERE held.keys >= $share * month.keys ORDER BY 1, 2, 3""",
        {"share": COPIED_MONTH_SHARE}).fetchall()  # fmt: skip


def _named_month(source: Source) -> str | None:
    """The month a table's names (sheet, file, title) give, when those giving one agree."""
    months = set(source.named_months)
    return months.pop() if len(months) == 1 else None


def _stale_month_columns(con: duckdb.DuckDBPyConnection, covered: list, by_number: dict
                         ) -> dict[int, tuple[str, str, int]]:  # fmt: skip
    """The payments tables whose month column is stale, by source_no: the month their names
    give, the one their column gives and the other table listing that month's lines. Their
    names give a month, every row's column gives one other month, and another file lists that
    month's lines too, its names giving that month or two of theirs (file name and title, or
    sheet) agreeing (a month's 发放表 made from last month's, its 发放月份 column not
    updated)."""
    stale = {}
    for number, other, month, _, _ in covered:
        source = by_number[number]
        named = _named_month(source)
        agreed = len(source.named_months) >= 2 or _named_month(by_number[other]) == month
        if named is None or named == month or not agreed:
            continue
        held = con.execute("SELECT list(DISTINCT pay_month), count(*) = count(pay_month) "
                           "FROM payments WHERE source_no = ?", [number]).fetchone()  # fmt: skip
        if tuple(held) == ([month], True):
            stale.setdefault(number, (named, month, other))
    return stale


def _read_stale(con: duckdb.DuckDBPyConnection, stale: dict[int, tuple[str, str, int]],
                by_number: dict[int, Source], data_dir: Path) -> set[int]:  # fmt: skip
    """Read each table whose month column is stale (``stale``: ``_stale_month_columns``) as of
    its names' month, unless another file's table, not stale, is that month's
    (``_month_held``): then the name is the mistake (last month's file saved under this
    month's name beside this month's own), its lines are read as of its column's month, and
    it is noted. The numbers of those misnamed tables."""
    misnamed = set()
    for number, (named, written, other) in stale.items():
        held = _month_held(con, number, named, by_number, stale)
        if held is None:
            _month_from_names(con, by_number[number], named, written, by_number[other], data_dir)
            continue
        misnamed.add(number)
        file = held.path.relative_to(data_dir).as_posix()
        by_number[number].notes.append(
            f"各行的发放月份列都写 {written}，但本表的文件名、工作表名或标题所写月份是 {named}，而「{file}」"
            f"已是 {named} 的发放表（名称与发放月份列一致）：按本表名称有误处理，各行按发放月份列 {written} "
            "读取，请核实"
        )  # fmt: skip
    return misnamed


def _month_held(con: duckdb.DuckDBPyConnection, number: int, named: str,
                by_number: dict[int, Source], stale: dict) -> Source | None:  # fmt: skip
    """A payments table of another file than table ``number``'s, its month column not stale,
    whose names give ``named`` and whose lines of that month pay most of table ``number``'s
    payees (``_HELD_SHARE``, in its county): the month's own table, which table ``number``
    would repeat as that month's. Another township's or county's table of that month pays
    other people: table ``number`` is then the month's own, its column stale (a review found
    河口镇2025年11月.xlsx, its column left at 2025-10, read as October beside
    城关镇2025年11月.xlsx, and its November lines dropped as October's)."""
    payee = ("county", *_PAYEE_COLUMNS)
    holders = con.execute(f"""
        WITH a AS (SELECT DISTINCT {", ".join(payee)} FROM payments WHERE source_no = $number),
             b AS (SELECT DISTINCT source_no, {", ".join(payee)} FROM payments
                   WHERE pay_month = $named AND source_no // $per <> $number // $per)
        SELECT b.source_no FROM a JOIN b ON {_same_line(payee)} GROUP BY 1
        HAVING count(*) > $share * (SELECT count(*) FROM a) ORDER BY 1""",
        {"named": named, "per": SHEETS_PER_FILE, "number": number, "share": _HELD_SHARE},
    ).fetchall()  # fmt: skip
    return next((by_number[holder] for (holder,) in holders
                 if holder not in stale and _named_month(by_number[holder]) == named), None)  # fmt: skip


# A stale table's names' month is another table's when that table's lines of the month pay
# more than this share of the stale table's payees: a month's list pays nearly all of last
# month's, another township's none.
_HELD_SHARE = 0.5


# SQL: the last month of a stale table's line read from the month its names give
# (``$named``): as many months after it as the line's own months run (所属月份 2025-10至2025-12
# in November's table is 2025-11 to 2026-01).
_NAMED_LAST = """strftime(strptime($named, '%Y-%m') + to_months(date_diff('month',
    strptime(pay_month, '%Y-%m'), strptime(coalesce(pay_month_last, pay_month), '%Y-%m'))::INTEGER),
    '%Y-%m')"""


def _month_from_names(con: duckdb.DuckDBPyConnection, source: Source, named: str, written: str,
                      other: Source, data_dir: Path) -> None:  # fmt: skip
    """Read a table whose month column is stale (``_stale_month_columns``) as of the month
    its names give (``named``, not ``written``), a line of several months as many months
    from it (``_NAMED_LAST``), and note it."""
    con.execute(f"UPDATE payments SET pay_month = $named, pay_month_last = {_NAMED_LAST} "
                "WHERE source_no = $number", {"named": named, "number": source.number})  # fmt: skip
    con.register("_stale_lines", source.normalised)
    try:
        read = con.sql(f"SELECT $named AS pay_month, {_NAMED_LAST} AS pay_month_last "
                       "FROM _stale_lines", params={"named": named}).to_arrow_table()  # fmt: skip
    finally:
        con.unregister("_stale_lines")
    for column in read.column_names:
        source.normalised = source.normalised.set_column(
            source.normalised.column_names.index(column), column, read[column]
        )
    file = other.path.relative_to(data_dir).as_posix()
    source.notes.append(
        f"各行的发放月份列都写 {written}，但本表的文件名、工作表名或标题所写月份是 {named}，且这些行与「{file}」中 "
        f"{written} 的发放记录相同：按旧表未改的月份列处理，各行按 {named} 读取（未当作重复删去），请核实"
    )
    log.warning("payments of %s are read as %s, its names' month: its month column gives %s",
                source.path.name, named, written)  # fmt: skip


def _months_named_apart(source: Source, other: Source) -> tuple[str, str] | None:
    """The two different months two tables' names give, if they do (then neither is a copy
    or a part of the other, whatever their month columns say): ``2026-09`` and ``2026-10``
    when their names give the year (``_named_month``), else ``9月`` and ``10月`` when their
    sheets' names, or else their files', give a month with or without it (sheets 9月 and 10月
    of 发放记录.xlsx)."""
    mine, theirs = _named_month(source), _named_month(other)
    if mine is None or theirs is None:
        mine, theirs = _month_of_names(source), _month_of_names(other)
    return (mine, theirs) if mine is not None and theirs is not None and mine != theirs else None


def _month_of_names(source: Source) -> str | None:
    """The month (``9月``) a table's sheet name gives, its year written or not, else its
    file name; a name saying 补发 gives none (its lines are of the months it makes up for)."""
    names = [name for name in (source.sheet or "", source.path.stem) if BACK_PAY_WORD not in name]
    number = next(filter(None, map(named_month_number, names)), None)
    return f"{number}月" if number else None


def _note_kept(source: Source, month: str, other: Source, apart: tuple[str, str],
               data_dir: Path) -> None:  # fmt: skip
    """Note a table's lines of ``month`` that ``other`` lists too, kept because the two files'
    names give different months (``apart``)."""
    file = other.path.relative_to(data_dir).as_posix()
    _noted(source, f"{month} 的发放记录与「{file}」中的相同，但两个文件的名称或标题所写月份不同"
                   f"（{apart[0]} 与 {apart[1]}）：未当作重复删去，两份都计入，请核实本表的发放月份列")  # fmt: skip
    log.warning("payments of %s in %s are listed in %s too, whose names give another month: "
                "both kept", month, source.path.name, other.path.name)  # fmt: skip


def _noted(source: Source, note: str) -> None:
    """Add a note on what a table shares with another, both kept, unless the table has it: a
    table unchanged since the last ingest comes with the notes that ingest stored."""
    if note not in source.notes:
        source.notes.append(note)


def _skip_month(con: duckdb.DuckDBPyConnection, source: Source, month: str, other: Source,
                data_dir: Path) -> None:  # fmt: skip
    """Take a payments table's lines of ``month`` that ``other`` lists (as often) out of the
    stored tables and ``source``. A raw row goes with its lines (a row of a ledger with a
    column per month is a line per month: only the month's)."""
    columns = ", ".join(_PAYMENT_LINE)
    lines = con.execute(f"""
        WITH a AS (SELECT record_id, row_no, {columns},
                          count(*) OVER (PARTITION BY {columns}) AS n
                   FROM payments WHERE source_no = $mine AND pay_month = $month),
             b AS (SELECT {columns}, count(*) AS n FROM payments
                   WHERE source_no = $other AND pay_month = $month GROUP BY ALL)
        SELECT record_id, row_no FROM a JOIN b ON {_SAME_LINE} AND a.n <= b.n
    """, {"mine": source.number, "other": other.number, "month": month}).fetchall()  # fmt: skip
    file = other.path.relative_to(data_dir).as_posix()
    _take_out(con, source, lines, f"{READ_ELSEWHERE}:{month}:{file}", raw_month=month)
    source.notes.append(f"{month} 的 {len(lines)} 条发放记录与「{file}」中的完全相同（同一个月的发放在"
                        "两个文件中），只计一次：本表的这些行未读取")  # fmt: skip
    log.info("payments of %s in %s are listed in %s: read once", month, source.path.name, file)


# A payments sheet's lines are nearly all another's (or others') when at most one in this
# many of them, rounded up, are not: a line added late to, or left out of, either.
SUMMARY_SPARE = 10
# A sheet name saying the sheet sums up the others (汇总, 合计, 全县): it may sum up a single
# sheet, and list lines none of them does (a township's sheet not yet split out).
SUMMARY_NAME = re.compile(r"汇总|合计|总计|总表|全(?:县|市|区|旗|镇|乡)")
# A sheet name saying the sheet is a payment of its own (补发, 追加, 第二批, 批次): it sums up
# no other sheet and is no sheet's part, whatever lines it shares with them.
BATCH_NAME = re.compile(rf"{BACK_PAY_WORD}|补差|追加|追发|批次|第\s*[一二三四五六七八九十\d]+\s*批")
# What of a payment line (``_PAYMENT_LINE``) says whose it is: lines are compared on one of
# them at least.
_PAYEE_COLUMNS = ("case_no", "payee_id_number", "bank_account")
# How a note names the columns two sheets' lines are compared on.
_LINE_WORDS = {"pay_month": "月份", "county": "区县", "case_no": "救助证号",
               "payee_id_number": "领款人身份证号", "bank_account": "账号", "amount": "金额"}  # fmt: skip


class _Overlap(NamedTuple):
    """What the payments sheets of a workbook (by source_no) share."""

    lines: dict[int, int]
    """Each sheet's payment lines."""
    given: dict[int, frozenset[str]]
    """The columns of ``_PAYMENT_LINE`` each sheet gives on every line: not a column it
    lacks, nor an account column of accounts Excel damaged (read as none)."""
    shared: dict[tuple[int, int], int]
    """Of two sheets, how many lines both list, each as often (on ``_line_key``)."""
    in_months: dict[tuple[int, int], int]
    """Of two sheets, the second's lines of the first's months."""

    def holds(self, sheet: int, other: int) -> bool:
        """Whether nearly all of sheet ``other``'s lines of sheet ``sheet``'s months are its."""
        pair = (sheet, other)
        return _nearly_all(self.shared.get(pair, 0), self.in_months.get(pair, 0))

    def alike(self, sheet: int, other: int) -> bool:
        """Whether nearly all of each of two sheets' lines are the other's (copies)."""
        shared = self.shared.get((sheet, other), 0)
        return _nearly_all(shared, self.lines[sheet]) and _nearly_all(shared, self.lines[other])


def _nearly_all(shared: int, lines: int) -> bool:
    """Whether ``shared`` of ``lines`` are nearly all of them: all but one in
    ``SUMMARY_SPARE``, rounded up."""
    return shared > 0 and lines - shared <= -(-lines // SUMMARY_SPARE)


def _summary_sheets_read_once(con: duckdb.DuckDBPyConnection, sources: list[Source],
                              data_dir: Path) -> None:  # fmt: skip
    """Read a workbook's payments once when one of its sheets sums up others: the county's
    汇总 sheet beside a sheet per township, and copies of it. Lines are compared as a
    multiset (each as often, in any order) on the month and the columns of ``_PAYMENT_LINE``
    every line of both sides gives (``_line_key``). A sheet sums up its parts — the other
    sheets nearly all of whose lines of its months are its own (``SUMMARY_SPARE``), with its
    copies or else without (``_summed``) — when nearly all of their lines are its own and,
    unless its name says it sums up others (``SUMMARY_NAME``), it has two parts at least and
    nearly all of its lines are theirs. It
    then loses the lines its parts, or the summaries found before it, list from the stored
    tables; they are listed as skipped, naming the sheet that lists each, and noted, with
    the rows either side lists alone (read, once). Sheets whose names give two different
    months (``_months_named_apart``: 9月 and 10月) are never each other's summary or part, nor
    is a sheet whose name says a payment of its own (``BATCH_NAME``: 补发, 第二批) any sheet's
    but one named as a summary that is nearly exactly its parts' union (``_summed``).
    A sheet nearly all of whose lines another lists without either summing up the other
    (two identical sheets, neither named 汇总) is read and noted (``_note_alike``), and a
    sheet's own lines are all kept: a case paid twice in a month on one sheet stays two
    lines."""
    books: dict[int, list[Source]] = {}
    for source in sources:
        if source.registry.name == "payments":
            books.setdefault(source.number // SHEETS_PER_FILE, []).append(source)
    for sheets in books.values():
        if len(sheets) > 1:
            _book_read_once(con, sheets, data_dir)


def _book_read_once(con: duckdb.DuckDBPyConnection, sheets: list[Source], data_dir: Path
                    ) -> None:  # fmt: skip
    """Read the payments sheets of one workbook once (``_summary_sheets_read_once``)."""
    by_number = {sheet.number: sheet for sheet in sheets}
    overlap = _overlap(con, list(by_number))
    kept, summaries = list(sheets), []
    while found := _summary_in(con, overlap, kept):
        summary, parts, key = found
        others = [sheet.number for sheet in (*parts, *summaries)]
        pairs = _paired_lines(con, summary.number, others, key)
        _skip_summed(con, summary, pairs, key, by_number, data_dir)
        kept.remove(summary)
        summaries.append(summary)
    _note_alike(overlap, kept, data_dir)


def _overlap(con: duckdb.DuckDBPyConnection, numbers: list[int]) -> _Overlap:
    """What payments sheets ``numbers`` of a workbook share."""
    given_all = ", ".join(f"count({name}) = count(*)" for name in _PAYMENT_LINE)
    sheets = con.execute(f"SELECT source_no, count(*), [{given_all}] FROM payments "
                         "WHERE list_contains($numbers, source_no) GROUP BY 1",
                         {"numbers": numbers}).fetchall()  # fmt: skip
    lines = {number: size for number, size, _ in sheets}
    given = {number: frozenset(compress(_PAYMENT_LINE, full)) for number, _, full in sheets}
    keyed: dict[tuple[str, ...], list[tuple[int, int]]] = {}
    for pair in combinations(sorted(lines), 2):
        keyed.setdefault(_line_key(given, pair), []).append(pair)
    shared = {}
    for key, pairs in keyed.items():
        shared |= _shared_lines(con, key, pairs) if key else {}
    in_months = {(number, other): size for number, other, size in con.execute("""
        WITH month AS (SELECT source_no, pay_month, count(*) AS n FROM payments
                       WHERE list_contains($numbers, source_no) GROUP BY ALL)
        SELECT a.source_no, b.source_no, sum(b.n)::BIGINT FROM month a JOIN month b
        ON a.source_no <> b.source_no AND a.pay_month IS NOT DISTINCT FROM b.pay_month
        GROUP BY ALL""", {"numbers": numbers}).fetchall()}  # fmt: skip
    return _Overlap(lines, given, shared, in_months)


def _line_key(given: dict[int, frozenset[str]], numbers: Iterable[int]) -> tuple[str, ...]:
    """The columns of ``_PAYMENT_LINE`` the lines of sheets ``numbers`` are compared on, with
    the month: those each gives on every line (``given``; a 汇总 without 银行账号 or 领款人, or
    of accounts Excel damaged, is compared on the others); none when they include no
    ``_PAYEE_COLUMNS``."""
    common = frozenset.intersection(*(given[number] for number in numbers))
    key = tuple(name for name in _PAYMENT_LINE if name in common)
    return key if common & set(_PAYEE_COLUMNS) else ()


def _shared_lines(con: duckdb.DuckDBPyConnection, key: tuple[str, ...],
                  pairs: list[tuple[int, int]]) -> dict[tuple[int, int], int]:  # fmt: skip
    """How many lines each pair of sheets (both ways) lists alike on ``key`` and the month,
    each as often."""
    line, wanted = ", ".join(("pay_month", *key)), set(pairs)
    counted = con.execute(f"""
        WITH line AS (SELECT source_no, {line}, count(*) AS n FROM payments
                      WHERE list_contains($numbers, source_no) GROUP BY ALL)
        SELECT a.source_no, b.source_no, sum(least(a.n, b.n))::BIGINT FROM line a JOIN line b
        ON a.source_no < b.source_no AND {_same_line(("pay_month", *key))} GROUP BY ALL""",
        {"numbers": sorted({number for pair in pairs for number in pair})}).fetchall()  # fmt: skip
    shared = {(number, other): size for number, other, size in counted if (number, other) in wanted}
    return shared | {(other, number): size for (number, other), size in shared.items()}


def _summary_in(con: duckdb.DuckDBPyConnection, overlap: _Overlap, kept: list[Source]
                ) -> tuple[Source, list[Source], tuple[str, ...]] | None:  # fmt: skip
    """The first sheet of ``kept`` summing up others of them, with those and the columns
    compared; the sheets with the most lines are weighed first, of equals the later."""
    for sheet in sorted(kept, key=lambda sheet: (overlap.lines.get(sheet.number, 0), sheet.number),
                        reverse=True):  # fmt: skip
        if found := _summed(con, overlap, sheet, kept):
            return sheet, *found
    return None


def _summed(con: duckdb.DuckDBPyConnection, overlap: _Overlap, sheet: Source, kept: list[Source]
            ) -> tuple[list[Source], tuple[str, ...]] | None:  # fmt: skip
    """The sheets of ``kept`` that ``sheet`` sums up (``_sums_up``) and the columns compared,
    if any: its parts with its copies (a sheet of few lines and its one big part look alike),
    else without them (汇总 beside 全县 and the township sheets). Of a sheet whose name says
    it sums up others, payments of their own (``BATCH_NAME``) are parts first, if it sums them
    up as a sheet named otherwise would (汇总 of 正常发放 and 补发, or of 第一批 and 第二批:
    nearly exactly their union)."""
    named = _names(sheet, SUMMARY_NAME)
    for batches, copies in product((True, False) if named else (False,), (True, False)):
        parts = _parts_of(overlap, sheet, kept, batches=batches, copies=copies)
        key = _line_key(overlap.given, [sheet.number, *(part.number for part in parts)])
        if parts and key and _sums_up(con, sheet, parts, key, named=named and not batches):
            return parts, key
    return None


def _parts_of(overlap: _Overlap, sheet: Source, kept: list[Source], *, batches: bool,
              copies: bool) -> list[Source]:  # fmt: skip
    """The sheets of ``kept`` that ``sheet`` may sum up: nearly all of their lines of its
    months are its own and their names give no two months; unless ``batches``, neither's
    name says a payment of its own (``BATCH_NAME``; ``sheet``'s never may), and unless
    ``copies``, nearly all of its lines are not theirs too (``_Overlap.alike``)."""
    if _names(sheet, BATCH_NAME):
        return []
    return [other for other in kept if other is not sheet
            and (batches or not _names(other, BATCH_NAME)) and not _months_named_apart(sheet, other)
            and overlap.holds(sheet.number, other.number)
            and (copies or not overlap.alike(sheet.number, other.number))]  # fmt: skip


def _names(source: Source, words: re.Pattern) -> bool:
    """Whether a table's sheet name holds ``words``."""
    return words.search(source.sheet or "") is not None


def _sums_up(con: duckdb.DuckDBPyConnection, sheet: Source, parts: list[Source],
             key: tuple[str, ...], *, named: bool) -> bool:  # fmt: skip
    """Whether ``sheet`` sums up ``parts``, their lines compared on ``key``: nearly all of
    their lines of its months are its own, and, unless ``named`` (its name says it sums up
    others: ``SUMMARY_NAME``), it has two parts at least and nearly all of its lines are
    theirs."""
    pairs = _paired_lines(con, sheet.number, [part.number for part in parts], key)
    shared = sum(mine is not None and theirs is not None for mine, _, theirs, _ in pairs)
    lines, their_lines = (sum(pair[side] is not None for pair in pairs) for side in (0, 2))
    if named:
        return _nearly_all(shared, their_lines)
    return len(parts) > 1 and _nearly_all(shared, lines) and _nearly_all(shared, their_lines)


def _paired_lines(con: duckdb.DuckDBPyConnection, number: int, others: list[int],
                  key: tuple[str, ...]) -> list[tuple]:  # fmt: skip
    """Sheet ``number``'s lines paired with the lines of sheets ``others`` of its months alike
    on the month and ``key``, each line with at most one (the first of each with the first
    of the other): (its record id, its row, the other's source_no, the other's row), one
    side None for a line alone."""
    line = ", ".join(("pay_month", *key))
    return con.execute(f"""
        WITH a AS (SELECT record_id, row_no, {line}, row_number() OVER (PARTITION BY {line}
                          ORDER BY row_no, record_id) AS nth FROM payments WHERE source_no = $mine),
             b AS (SELECT source_no, row_no, {line}, row_number() OVER (PARTITION BY {line}
                          ORDER BY source_no, row_no, record_id) AS nth FROM payments
                   WHERE list_contains($others, source_no)
                     AND coalesce(pay_month, '') IN (SELECT coalesce(pay_month, '') FROM a))
        SELECT a.record_id, a.row_no, b.source_no, b.row_no FROM a
        FULL JOIN b ON a.nth = b.nth AND {_same_line(("pay_month", *key))} ORDER BY 3, 4, 2""",
        {"mine": number, "others": others}).fetchall()  # fmt: skip


def _skip_summed(con: duckdb.DuckDBPyConnection, source: Source, pairs: list[tuple],
                 key: tuple[str, ...], by_number: dict[int, Source], data_dir: Path
                 ) -> None:  # fmt: skip
    """Take the lines of a sheet summing up others of its workbook that they list out of
    the stored tables and ``source``, naming the sheet listing each, and note the columns
    compared (``key``) and which rows either side lists alone."""
    taken: dict[int, list[tuple[str, int]]] = {}
    alone: dict[int | None, list[int]] = {}
    for record_id, row, other, their_row in pairs:
        if record_id is not None and other is not None:
            taken.setdefault(other, []).append((record_id, row))
        elif record_id is not None:
            alone.setdefault(None, []).append(row)
        else:
            alone.setdefault(other, []).append(their_row)
    for other, lines in taken.items():
        _take_out(
            con, source, lines, f"{LISTED_ELSEWHERE}:{_table_named(by_number[other], data_dir)}"
        )
    parts = "、".join(_sheet_named(by_number[other], data_dir) for other in taken)
    shared = sum(map(len, taken.values()))
    source.notes.append(f"{shared} 条发放记录与本工作簿其他工作表（{parts}）的发放记录合起来相同（{_key_named(key)}"
                        "都相同，行的顺序不论：像是汇总表与分表），只计一次："
                        f"本表的这些行未读取{_differing(alone, by_number, data_dir)}")  # fmt: skip
    log.log(logging.WARNING if alone else logging.INFO,
            "%d payment lines of %s %s sum up its other sheets: read once; %d rows one side lists alone",
            shared, source.path.name, source.sheet or "", sum(map(len, alone.values())))  # fmt: skip


def _key_named(key: tuple[str, ...]) -> str:
    """The columns two sheets' lines are compared on, as a note names them (月份、救助证号、金额)."""
    return "、".join(_LINE_WORDS[name] for name in ("pay_month", *key))


def _note_alike(overlap: _Overlap, kept: list[Source], data_dir: Path) -> None:
    """Note each sheet of ``kept`` nearly all of whose lines another of them lists, neither
    summing up the other: both are read, and the clerk is asked whether one copies the
    other, unless a name says a payment of its own (``BATCH_NAME``: 第一批 and 第二批 are
    two payments). Of two sheets listing each other's lines the later is noted."""
    for sheet, other in permutations(kept, 2):
        mutual = overlap.holds(sheet.number, other.number)
        if (overlap.holds(other.number, sheet.number) and (not mutual or sheet.number > other.number)
                and not _names(sheet, BATCH_NAME) and not _names(other, BATCH_NAME)):  # fmt: skip
            _ask_alike(sheet, other, overlap, data_dir)


def _ask_alike(sheet: Source, other: Source, overlap: _Overlap, data_dir: Path) -> None:
    """Note that nearly all of ``sheet``'s lines are ``other``'s, both read: is it a copy, or
    a payment of its own? (is its month column stale, when their names give two months?)"""
    shared = overlap.shared[other.number, sheet.number]
    words = _key_named(_line_key(overlap.given, (sheet.number, other.number)))
    apart = _months_named_apart(sheet, other)
    kept_because = (f"，但两表名称所写月份不同（{apart[0]} 与 {apart[1]}）：未当作重复删去，两表都计入，"
                    "请核实本表的发放月份列" if apart else
                    "：未当作重复删去，两表都计入。请核实：如本表只是该表的副本，请删去后重新运行；"
                    "如是另一批发放，请在工作表名中写明（如“补发”“第二批”）")  # fmt: skip
    _noted(sheet, f"本表 {shared} 条发放记录与{_sheet_named(other, data_dir)}中的相同（{words}都相同）"
                  f"{kept_because}")  # fmt: skip
    log.warning("%d payment lines of %s %s are listed on its sheet %s too: both read",
                shared, sheet.path.name, sheet.sheet, other.sheet)  # fmt: skip


def _sheet_named(source: Source, data_dir: Path) -> str:
    """A sheet as a note on another sheet of its workbook names it: 工作表「sheet」."""
    return f"工作表「{source.sheet}」" if source.sheet else _table_named(source, data_dir)


def _differing(alone: dict[int | None, list[int]], by_number: dict[int, Source],
               data_dir: Path) -> str:  # fmt: skip
    """What a summing sheet and its parts do not share (``alone``: rows by the sheet listing
    them, None for the summing sheet), as a note's last clause; empty when nothing."""
    if not alone:
        return ""
    said = [f"本表{_rows_named(rows)}在其他工作表中没有" if other is None
            else f"{_sheet_named(by_number[other], data_dir)}{_rows_named(rows)}在本表中没有"
            for other, rows in sorted(alone.items(), key=lambda item: (item[0] is not None, item[0]))]  # fmt: skip
    return (f"。但两边不完全一致：{'；'.join(said)}（这些行都已读取，只计一次）。请核对汇总表与各分表，"
            "确认这些发放是否属实")  # fmt: skip


def _rows_named(rows: list[int]) -> str:
    """Rows as a note names them: ``第 3、4 行``, the first ``ROWS_SHOWN`` and how many."""
    named = sorted(set(rows))
    shown = "、".join(map(str, named[:ROWS_SHOWN]))
    return f"第 {shown}{f' 等 {len(named)} 行' if len(named) > ROWS_SHOWN else ' 行'}"


def _take_out(con: duckdb.DuckDBPyConnection, source: Source, lines: list[tuple[str, int]],
              reason: str, *, raw_month: str | None = None) -> None:  # fmt: skip
    """Take a stored table's rows (record id, row number) out of its registry's tables and
    of ``source``, each row listed as skipped for ``reason``. A raw row goes when none of its
    rows stays, or (``raw_month``, a payments table) when it is of that month."""
    name, record_ids = source.registry.name, [record_id for record_id, _ in lines]
    rows = sorted({row for _, row in lines})
    con.execute(f"DELETE FROM {name} WHERE source_no = ? AND list_contains(?, record_id)",
                [source.number, record_ids])  # fmt: skip
    con.execute(f"DELETE FROM raw_{name} r WHERE source_no = ? AND list_contains(?, row_no) "
                f"AND ({'pay_month = ? OR ' if raw_month else ''}NOT EXISTS (SELECT 1 FROM "
                f"{name} p WHERE p.source_no = r.source_no AND p.row_no = r.row_no))",
                [source.number, rows, *([raw_month] if raw_month else [])])  # fmt: skip
    taken = pa.array(record_ids, pa.string())
    source.normalised = source.normalised.filter(
        pc.invert(pc.is_in(source.normalised.column("record_id"), taken)))  # fmt: skip
    source.findings = [finding.filter(pc.invert(pc.is_in(finding.column("record_id"), taken)))
                       for finding in source.findings]  # fmt: skip
    source.skipped = sorted(source.skipped + [(row, reason) for row in rows])


def _duplicated_record_ids(sources: list[Source], data_dir: Path) -> list[InputError]:
    """An error per table for record ids that repeat within a registry (in any of its tables;
    within a county, when the rows name theirs)."""
    errors = []
    counties = _county_column_counties(sources)
    for name in REGISTRIES:
        group = [source for source in sources if source.registry.name == name]
        # a table's own repeats were refused as it was read, but not those between a longer
        # file's stored rows and the rows added to it
        if len(group) < 2 and all(source.previous is None for source in group):
            continue
        keyed = {source.number: _record_key(source, counties) for source in group}
        counts = pc.value_counts(pa.chunked_array(list(keyed.values())))
        repeated = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))
        if not len(repeated):
            continue
        for source in group:
            keys = keyed[source.number]
            hit = np.asarray(pc.is_in(keys, repeated))
            rows = np.asarray(source.normalised.column("row_no"))[hit]
            if len(rows):
                header = next((text for text, column in source.mapping if column == "record_id"),
                              "记录编号")  # fmt: skip
                elsewhere = _same_ids_elsewhere(source, pc.filter(keys, hit), group, keyed,
                                                data_dir)  # fmt: skip
                reason = f"记录编号重复（同一{source.registry.chinese}中出现不止一次{elsewhere}）"
                errors.append(InputError(source.path, rows.tolist(), header, reason, source.sheet))
    return errors


def _same_ids_elsewhere(source: Source, keys: pa.Array, group: list[Source],
                        keyed: dict[int, pa.Array], data_dir: Path) -> str:  # fmt: skip
    """Where else in the registry's tables (``group``, their rows' keys ``keyed`` by table)
    the record ids ``keys`` of ``source`` are: ``；同样的编号也在「file」工作表「sheet」第 3、4 行``
    per other table, empty when only in ``source``."""
    places = []
    for other in group:
        if other is source:
            continue
        hit = np.asarray(pc.is_in(keyed[other.number], keys))
        rows = np.asarray(other.normalised.column("row_no"))[hit].tolist()
        if rows:
            sheet = f"工作表「{other.sheet}」" if other.sheet else ""
            places.append(
                f"「{other.path.relative_to(data_dir).as_posix()}」{sheet}{_rows_named(rows)}"
            )
    return f"；同样的编号也在{'、'.join(places)}：{_DISTINCT_IDS}" if places else ""


# What record ids repeated across a registry's tables must become.
_DISTINCT_IDS = (
    "各文件、各工作表的记录编号须互不相同（各乡镇分别从 1 编号的，请在编号前加上乡镇名或代码）"
)


# What says a row of a snapshot registry (one listing who is in it now) is a row another
# table lists too: the person as written and the number of their case, household or card.
_SNAPSHOT_ROW = {"assistance": "case_no", "hukou": "hukou_no", "poverty": "poverty_hh_no",
                 "disability": "cert_no"}  # fmt: skip
# Two exports of one table (their names differing only by dates) are last month's left
# beside this month's when at least this share of the smaller one's rows are in the other.
SNAPSHOT_SHARE = 0.5


def _snapshots_read_twice(con: duckdb.DuckDBPyConnection, sources: list[Source], data_dir: Path
                          ) -> list[InputError]:  # fmt: skip
    """An error per two exports of one table of a snapshot registry (``_SNAPSHOT_ROW``) —
    files of one folder, or sheets of one file, whose names differ only by dates
    (``_exports_of_one_table``) — that list the same rows (name, ID number and case,
    household or card number, in one county) for at least ``SNAPSHOT_SHARE`` of the smaller
    one's: every person would be read twice. Tables named apart (a township's, a program's,
    a sheet of this month's new cases beside the roster) are never compared."""
    by_number = {source.number: source for source in sources}
    errors = []
    for name, number_column in _SNAPSHOT_ROW.items():
        tables = sorted((s for s in sources if s.registry.name == name), key=lambda s: s.number)
        exports = {(first.number, second.number) for first, second in combinations(tables, 2)
                   if _exports_of_one_table(first, second)}  # fmt: skip
        if not exports:
            continue
        shared = con.execute(f"""
            WITH row AS (SELECT DISTINCT source_no, coalesce(county, '') AS county, name,
                                coalesce(id_number, '') AS id_number,
                                coalesce({number_column}, '') AS number
                         FROM {name} WHERE name IS NOT NULL
                          AND coalesce(id_number, {number_column}) IS NOT NULL),
                 size AS (SELECT source_no, count(*) AS rows FROM row GROUP BY ALL),
                 shared AS (SELECT a.source_no AS first, b.source_no AS second, count(*) AS rows
                            FROM row a JOIN row b USING (county, name, id_number, number)
                            WHERE a.source_no < b.source_no GROUP BY ALL)
            SELECT first, second, shared.rows, least(x.rows, y.rows) AS fewer FROM shared
            JOIN size x ON x.source_no = first JOIN size y ON y.source_no = second
            WHERE shared.rows >= $share * fewer ORDER BY 1, 2""",
            {"share": SNAPSHOT_SHARE}).fetchall()  # fmt: skip
        errors += [_read_twice(by_number[first], by_number[second], rows, fewer, data_dir)
                   for first, second, rows, fewer in shared if (first, second) in exports]  # fmt: skip
    return errors


# What says a row of a snapshot registry is one another table of the drop lists too, beside
# the person as written (county, name, ID number), the record id the office gave it and its
# case, household or card number (``_SNAPSHOT_ROW``): what else tells two listings of one
# person apart (two spells of one case, two certificates).
_LISTED_ROW = {"assistance": ("program", "start_date", "end_date"), "hukou": (),
               "poverty": ("poverty_status",),
               "disability": ("disability_type", "disability_level", "issue_date")}  # fmt: skip


def _snapshot_rows_read_once(con: duckdb.DuckDBPyConnection, sources: list[Source],
                             data_dir: Path) -> None:  # fmt: skip
    """Read a person's row of a snapshot registry once when two tables list it: a table at
    least ``SNAPSHOT_SHARE`` of whose rows (``_LISTED_ROW``; a row with neither ID number nor
    number is never the same) another table lists too — township sheets beside the county's
    汇总 sheet, a 本月新增 sheet beside the 花名册, a township's file beside the county's —
    loses those rows from the stored tables; they are listed as skipped, naming the other
    table, and noted. Of two such tables the one with fewer rows loses them, of equals the
    later. Two exports of one table (``_exports_of_one_table``) are left to
    ``_snapshots_read_twice``, which refuses them: their rows may differ by a month."""
    by_number = {source.number: source for source in sources}
    own_ids = [source.number for source in sources
               if any(name == "record_id" for _, name in source.mapping)]  # fmt: skip
    for name in _LISTED_ROW:
        tables = [source for source in sources if source.registry.name == name]
        if len(tables) < 2:
            continue
        rows = _listed_rows(name, own_ids)
        shared = con.execute(f"""
            WITH row AS ({rows}),
                 size AS (SELECT source_no, count(*) AS rows FROM row GROUP BY ALL),
                 held AS (SELECT a.source_no, b.source_no AS other, count(*) AS rows
                          FROM row a JOIN row b ON {_SAME_LISTING}
                          WHERE a.source_no <> b.source_no GROUP BY ALL)
            SELECT held.source_no, held.other, mine.rows, theirs.rows FROM held
            JOIN size mine ON mine.source_no = held.source_no
            JOIN size theirs ON theirs.source_no = held.other
            WHERE held.rows >= $share * mine.rows ORDER BY 1, 2""",
            {"share": SNAPSHOT_SHARE}).fetchall()  # fmt: skip
        losers: dict[int, list[int]] = {}
        for number, other, mine, theirs in shared:
            if (mine, -number) < (theirs, -other) and not _exports_of_one_table(
                    by_number[number], by_number[other]):  # fmt: skip
                losers.setdefault(number, []).append(other)
        for number, others in losers.items():
            _skip_listed(con, by_number[number], [by_number[o] for o in others], rows, data_dir)


# SQL: two rows ``a`` and ``b`` of ``_listed_rows`` are one listing (record ids the office
# gave both must agree).
_SAME_LISTING = ("a.key = b.key AND (a.own_id IS NULL OR b.own_id IS NULL "
                 "OR a.own_id = b.own_id)")  # fmt: skip


def _listed_rows(name: str, own_ids: list[int]) -> str:
    """SQL of the rows of registry ``name`` that can be listed twice: ``source_no``,
    ``record_id``, ``row_no``, the row's ``key`` and the record id the office gave it."""
    number = _SNAPSHOT_ROW[name]
    parts = ", ".join(f"coalesce(CAST({column} AS VARCHAR), '')"
                      for column in ("county", "name", "id_number", number, *_LISTED_ROW[name]))  # fmt: skip
    sources = ", ".join(map(str, own_ids)) or "NULL"
    return (f"SELECT source_no, record_id, row_no, [{parts}] AS key, CASE WHEN source_no IN "
            f"({sources}) THEN record_id END AS own_id FROM {name} WHERE name IS NOT NULL "
            f"AND coalesce(id_number, {number}) IS NOT NULL")  # fmt: skip


def _skip_listed(con: duckdb.DuckDBPyConnection, source: Source, others: list[Source],
                 rows: str, data_dir: Path) -> None:  # fmt: skip
    """Take the rows of ``source`` that ``others`` list out of the stored tables and
    ``source``, naming the first of them."""
    numbers = ", ".join(str(other.number) for other in others)
    lines = con.execute(f"""
        WITH row AS ({rows})
        SELECT DISTINCT a.record_id, a.row_no FROM row a JOIN row b ON {_SAME_LISTING}
        WHERE a.source_no = ? AND b.source_no IN ({numbers})""", [source.number]).fetchall()  # fmt: skip
    where = _table_named(others[0], data_dir)
    _take_out(con, source, lines, f"{LISTED_ELSEWHERE}:{where}")
    source.notes.append(f"{len(lines)} 行与{where}中的行相同（同一人，{_number_header(source)}"
                        "等都相同：像是汇总表与分表，或本月新增表与花名册），只读取一次：本表的这些行未读取")  # fmt: skip
    log.info("%d rows of %s %s are listed in %s: read once", len(lines), source.path.name,
             source.sheet or "", where)  # fmt: skip


def _table_named(source: Source, data_dir: Path) -> str:
    """A table as a clerk finds it: 「file」, and 工作表「sheet」 when it is a sheet."""
    named = f"「{source.path.relative_to(data_dir).as_posix()}」"
    return named + (f"工作表「{source.sheet}」" if source.sheet else "")


def _number_header(source: Source) -> str:
    """The header of the number column that says whose row it is (救助证号, 户号 …)."""
    return source.registry.column(_SNAPSHOT_ROW[source.registry.name]).header


def _exports_of_one_table(first: Source, second: Source) -> bool:
    """Whether two tables are two exports of one: files of one folder, or sheets of one
    file, whose names differ only by dates (``低保花名册（2026年09月）`` and ``…10月…``;
    sheets ``9月`` and ``10月``)."""
    if first.path == second.path:
        names = (first.sheet or "", second.sheet or "")
    elif first.path.parent == second.path.parent:
        names = (first.path.stem, second.path.stem)
    else:
        return False
    return bool(dated_apart(names))


def _read_twice(first: Source, second: Source, rows: int, fewer: int, data_dir: Path
                ) -> InputError:  # fmt: skip
    """The error naming two exports of one table that list ``rows`` of the same rows (of
    ``fewer``)."""
    other = _table_named(first, data_dir)
    left = (
        "上月的工作表留在了工作簿中"
        if first.path == second.path
        else "上月的导出文件留在了文件夹中"
    )
    return InputError(second.path, None, None,
                      f"与{other}有 {rows} 行相同（姓名、身份证号码、{_number_header(first)}都相同，占较小一表"
                      f" {fewer} 行的 {rows * 100 // fewer}%）：像是同一{first.registry.chinese}名册"
                      f"的两次导出（如{left}），两份都读取会使每个人被计入两次。"
                      "请只保留最新一次导出，删去其余的再重新导入", second.sheet)  # fmt: skip


def _record_key(source: Source, counties: dict[int, pa.Array | None]) -> pa.Array:
    """Each row's record id, after the county its row names when it names one, or its sheet
    does (``counties``: ``_county_column_counties``; two counties of a province's export may
    number alike: until 2026-12-07 a county's 卫健 workbook whose sheet named the county was
    refused, its numbers also another county's)."""
    record_ids = source.normalised.column("record_id").combine_chunks()
    county = counties[source.number] if counties else _row_counties(source)
    if county is None:
        return record_ids
    return pc.binary_join_element_wise(pc.fill_null(county, ""), record_ids, "/")


UNKNOWN_CASE = "case_not_in_roster"
WRITTEN_OTHERWISE = "case_no_written_otherwise"


def _cases_written_otherwise(con: duckdb.DuckDBPyConnection, sources: list[Source]) -> None:
    """Payment lines whose 救助证号 the roster writes otherwise taken as the roster's case
    (``resolver.case_numbers.joined_otherwise``: the canonical form one roster case's alone,
    within the line's county, the payee agreeing), in the stored table and in their table's
    rows, each with a finding showing the roster's number, the table noting how many. Done
    after payments listed twice are read once, over the lines kept (a bank's ``121`` beside
    the ledger's ``000121`` of the same month joins nothing, and is no copy of it), each
    table's file its ``file``."""
    if not {"assistance", "payments"} <= set(table_names(con)):
        return
    con.register("_row_county", _county_rows(sources))
    scope = "coalesce(t.county, c.county, '')"
    within = "LEFT JOIN _row_county c ON c.source_no = t.source_no AND c.row_no = t.row_no"
    try:
        joined = joined_otherwise(
            con,
            f"SELECT {{'source_no': t.source_no, 'row_no': t.row_no, 'record_id': t.record_id}} "
            f"AS line, t.source_no // {SHEETS_PER_FILE} AS file, {scope} AS scope, case_no, "
            f"pay_month, pay_month_last, payee_name, payee_id_number FROM payments t {within}",
            f"SELECT {scope} AS scope, case_no, name, id_number, covered, relation, start_date, "
            "end_date "
            f"FROM assistance t {within}",
        )  # fmt: skip
    finally:
        con.unregister("_row_county")
    if not joined.num_rows:
        return
    keys = joined["line"].combine_chunks()
    found = pa.table({**{name: keys.field(name) for name in ("source_no", "row_no", "record_id")},
                      "written": joined["written"], "on_roster": joined["on_roster"]})  # fmt: skip
    con.register("_joined", found)
    con.execute("UPDATE payments p SET case_no = j.on_roster FROM _joined j WHERE "
                "p.source_no = j.source_no AND p.row_no = j.row_no AND p.record_id = j.record_id")  # fmt: skip
    con.unregister("_joined")
    for source in (source for source in sources if source.registry.name == "payments"):
        _joined_in(source, found.filter(pc.equal(found["source_no"], source.number)))


def _county_rows(sources: list[Source]) -> pa.Table:
    """The county each raw row names in a county column of a drop naming two or more
    (``_county_column_counties``): ``source_no``, ``row_no``, ``county``."""
    named = {number: county for number, county in _county_column_counties(sources).items()
             if county is not None}  # fmt: skip
    of_county = [source for source in sources if source.number in named]
    return pa.table({
        "source_no": pa.array([source.number for source in of_county
                               for _ in range(source.raw.num_rows)], pa.int64()),
        "row_no": pa.chunked_array([source.raw["row_no"].combine_chunks() for source in of_county],
                                   pa.int64()),
        "county": pa.chunked_array([named[source.number] for source in of_county], pa.string()),
    })  # fmt: skip


def _line_keys(table: pa.Table) -> pa.ChunkedArray:
    """Each payment line's row and record id, one text (a row of a ledger with a column per
    month is a line per month)."""
    return pc.binary_join_element_wise(table["row_no"].cast(pa.string()), table["record_id"], "\t")


def _joined_in(source: Source, joined: pa.Table) -> None:
    """A payments table's rows of ``joined`` (``row_no``, ``record_id``, ``written``,
    ``on_roster``) given the roster's 救助证号, each with a finding, and the table's note."""
    if not joined.num_rows:
        return
    table = source.normalised
    at = pc.index_in(_line_keys(table), _line_keys(joined))
    on_roster = joined["on_roster"].take(at)
    case_no = pc.coalesce(on_roster, table["case_no"])
    source.normalised = table.set_column(table.column_names.index("case_no"), "case_no", case_no)
    flagged = pc.if_else(pc.is_valid(at), WRITTEN_OTHERWISE, pa.scalar(None, pa.string()))
    shown = pc.binary_join_element_wise(table["case_no"], "（名册：", on_roster, "）", "")
    columns = {name: table[name] for name in ("record_id", "row_no")}
    finding = findings_of(source.registry, "case_no", flagged.combine_chunks(),
                          shown.combine_chunks(), columns)  # fmt: skip
    source.findings.append(_numbered(finding, source.number, 2))
    pairs = zip(joined["written"].to_pylist(), joined["on_roster"].to_pylist(), strict=True)
    source.notes.append(joined_note(list(pairs)))


# Dates of what has happened (a birth, an entry into assistance, a certificate issued, a
# death), each with its problem when it is after the month the drop describes (``_dates_ahead``):
# likely a year typed wrong (2027 for 2017), an entry so dated keeping its member out of every
# month before it. A 退出日期 may be set ahead: the end of a gradual exit.
HAPPENED_DATES = {"birth_date": "date_in_future", "start_date": "start_in_future",
                  "issue_date": "date_in_future", "death_date": "date_in_future"}  # fmt: skip
# The findings drawn on the whole drop (against its roster, ahead of its month), drawn again
# each time it is read (a table taken unchanged from the last ingest leaves the last ones out:
# ``_stored_source``).
DROP_FINDINGS = (UNKNOWN_CASE, MONTH_SET_ASIDE, *sorted(set(HAPPENED_DATES.values())))


def _unknown_cases(sources: list[Source]) -> None:
    """A finding for each payment to a case the assistance roster does not know."""
    rosters = [s.normalised.column("case_no") for s in sources if s.registry.name == "assistance"]
    if not rosters:
        return
    known = pa.chunked_array(
        [chunk for column in rosters for chunk in column.chunks], pa.string()
    ).combine_chunks()  # a roster may be empty
    for payments in (source for source in sources if source.registry.name == "payments"):
        columns = {name: payments.normalised.column(name) for name in ("record_id", "row_no")}
        case_no = payments.normalised.column("case_no")
        unknown = pc.invert(pc.is_in(case_no, known))
        flagged = pc.if_else(unknown, UNKNOWN_CASE, pa.scalar(None, pa.string()))
        finding = findings_of(payments.registry, "case_no", flagged.combine_chunks(), case_no,
                            columns)  # fmt: skip
        payments.findings.append(_numbered(finding, payments.number, 2))


def _dates_ahead(con: duckdb.DuckDBPyConnection, sources: list[Source]) -> None:
    """A finding on each stored date of what has happened (``HAPPENED_DATES``) after the month
    the drop describes (``_drop_month``), on its table, showing the date and that month
    (2027-05-01（本次数据截至 2026-10）), and on each payment line of a month set aside for it
    (``resolver.ledger_months.ledger_reach``: 2027-09（台账其余月份最晚 2026-09）): read as
    written, and asked about. It is drawn on the drop as stored, the tables taken from the last
    ingest too, so it moves with the drop's data and not with the day a file was first read."""
    con.register("_row_county", _county_rows(sources))  # a county column's, not stored yet
    try:
        ledger, aside = ledger_reach(con, "_row_county")
    finally:
        con.unregister("_row_county")
    month = _drop_month(sources, ledger)
    end = con.execute("SELECT last_day(strptime(?, '%Y-%m'))::DATE", [month]).fetchone()[0]
    for name in (name for name in REGISTRIES if name in table_names(con)):
        for column in (c for c in HAPPENED_DATES if c in column_names(con, name)):
            ahead = con.sql(
                f"SELECT record_id, source_no, row_no, {column}::VARCHAR || '（本次数据截至 ' || ? "
                f"|| '）' AS shown FROM {name} WHERE {column} > ? ORDER BY source_no, row_no",
                params=[month, end],
            ).to_arrow_table()  # fmt: skip
            _found_on(sources, name, column, HAPPENED_DATES[column], ahead)
    shown = pc.binary_join_element_wise(aside["pay_month"], "（台账其余月份最晚 ", aside["latest"],
                                        "）", "")  # fmt: skip
    _found_on(sources, "payments", "pay_month", MONTH_SET_ASIDE,
              aside.select(["record_id", "source_no", "row_no"]).append_column("shown", shown))  # fmt: skip


def _found_on(sources: list[Source], name: str, column: str, problem: str, rows: pa.Table
              ) -> None:  # fmt: skip
    """A finding of ``problem`` on ``column`` of registry ``name`` for each of ``rows``
    (``record_id``, ``source_no``, ``row_no`` and ``shown``, the value shown), on its table."""
    by_number = {source.number: source for source in sources}
    for number in pc.unique(rows["source_no"]).to_pylist():
        mine = rows.filter(pc.equal(rows["source_no"], number)).combine_chunks()
        flagged = pa.array([problem] * mine.num_rows, pa.string())
        columns = {key: mine[key].chunk(0) for key in ("record_id", "row_no", "shown")}
        finding = findings_of(REGISTRIES[name], column, flagged, columns["shown"], columns)
        by_number[number].findings.append(_numbered(finding, number, 2))


def _drop_month(sources: list[Source], ledger: str | None) -> str:
    """The month a drop describes (``YYYY-MM``): the latest its payment ledger paid 低保 or 特困
    money in (``ledger``: ``resolver.ledger_months.last_paid_month``, the run's as-of month) or
    its tables' names give (a roster named 2026年12月花名册), else the month it is now in China
    (a drop of rosters named for no month)."""
    months = [month for source in sources for month in source.named_months]
    return max([*months, *([ledger] if ledger else [])],
               default=f"{datetime.now(CHINA_TIME):%Y-%m}")  # fmt: skip


def _store_source(con: duckdb.DuckDBPyConnection, source: Source) -> None:
    """Add a table's rows to its registry's raw and normalised tables, and a deaths table's
    restorations to ``RESTORATIONS`` (copied from the last ingest's when they are its rows)."""
    for table_name, table in _tables_of(source):
        if source.previous is not None:
            _copy_previous(con, table_name, source)
        elif table_name in table_names(con):
            con.register("_incoming", table)
            con.execute(f"INSERT INTO {table_name} BY NAME SELECT * FROM _incoming")
            con.unregister("_incoming")
        else:
            _create(con, table_name, table)


def _tables_of(source: Source) -> list[tuple[str, pa.Table | None]]:
    """The tables a source's rows are stored in, with its rows for each: its registry's raw
    and normalised tables, and for a deaths table ``RESTORATIONS``."""
    name = source.registry.name
    tables = [(f"raw_{name}", source.raw), (name, source.normalised)]
    return [*tables, (RESTORATIONS, source.restored)] if name == "deaths" else tables


def _store_report(con: duckdb.DuckDBPyConnection, report: DropReport, unsorted: set[str]
                  ) -> None:  # fmt: skip
    """The findings and what was read and skipped; a registry whose tables were stored out
    of order (``unsorted``: workers finish in any order) is put in their order."""
    for name in report.registries:
        if name in unsorted:
            for table_name in (f"raw_{name}", name):
                con.execute(f"CREATE OR REPLACE TABLE {table_name} AS "
                            f"SELECT * FROM {table_name} ORDER BY source_no, row_no")  # fmt: skip
    findings = [table for source in report.sources for table in source.findings]
    _create(con, "dq_findings", _concat_findings(findings))
    _create(con, "ingest_sources", _sources_table(report))
    _create(con, "ingest_skipped", _skipped_table(report))
    _create(con, "ingest_files", _files_table(report))
    log.info("stored %d tables of %d registries", len(report.sources), len(report.registries))


def _create(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    con.register("_incoming", table)
    con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _incoming")
    con.unregister("_incoming")


def _concat_findings(findings: list[pa.Table]) -> pa.Table:
    return pa.concat_tables(findings) if findings else FINDINGS_SCHEMA.empty_table()


def _relative(report: DropReport, path: Path) -> str:
    """A file's path as a clerk finds it in the drop folder."""
    return (
        path.relative_to(report.data_dir).as_posix()
        if path.is_relative_to(report.data_dir)
        else str(path)
    )


def _sources_table(report: DropReport) -> pa.Table:
    """One row per table read: where it is, how it was read, what was skipped in it."""
    sources = report.sources
    return pa.table({
        "source_no": pa.array([source.number for source in sources], pa.int64()),
        "registry": [source.registry.name for source in sources],
        "file": [_relative(report, source.path) for source in sources],
        "sheet": pa.array([source.sheet for source in sources], pa.string()),
        "header_rows": [list(source.header_rows) for source in sources],
        "mapping": [json.dumps(source.mapping, ensure_ascii=False) for source in sources],
        "unmapped": [json.dumps(source.unmapped, ensure_ascii=False) for source in sources],
        "rows": pa.array([source.rows for source in sources], pa.int64()),
        "skipped": [json.dumps(Counter(r for _, r in source.skipped), ensure_ascii=False)
                    for source in sources],
        "notes": [json.dumps(source.notes, ensure_ascii=False) for source in sources],
    })  # fmt: skip


def _skipped_table(report: DropReport) -> pa.Table:
    """Every file, sheet and row not read as data: where, and why (Chinese)."""
    rows = [(_relative(report, skip.path), skip.sheet, None, skip.reason) for skip in report.skips]
    rows += [(_relative(report, source.path), source.sheet, number, skip_reason(reason))
             for source in report.sources for number, reason in source.skipped]  # fmt: skip
    files, sheets, numbers, reasons = zip(*rows, strict=True) if rows else ((), (), (), ())
    return pa.table({
        "file": pa.array(files, pa.string()),
        "sheet": pa.array(sheets, pa.string()),
        "row_no": pa.array(numbers, pa.int64()),
        "reason": pa.array(reasons, pa.string()),
    })  # fmt: skip


def _files_table(report: DropReport) -> pa.Table:
    now = datetime.now(UTC).replace(tzinfo=None)
    files: dict[tuple[str, Path], list[Source]] = {}
    for source in report.sources:
        files.setdefault((source.registry.name, source.path), []).append(source)
    return pa.table({
        "registry": [registry for registry, _ in files],
        "path": [str(path) for _, path in files],
        "file_format": [group[0].file_format for group in files.values()],
        "encoding": pa.array([group[0].encoding for group in files.values()], pa.string()),
        "sha256": [report.hashes[path] for _, path in files],
        "rows": [sum(source.rows for source in group) for group in files.values()],
        "reused": pa.array([report.reused.get(path) for _, path in files], pa.string()),
        "ingested_at": [now for _ in files],
    })  # fmt: skip


# A month's drop often repeats registries byte for byte (户籍 and 建档立卡 exported again
# unchanged). A file whose bytes, place in the drop, reader (the header vocabulary and the
# resolver's own files) and dates kept or not in its derived record ids (``_dated_apart``:
# a sibling named for another month may come or go) are those of the last ingest is not
# read again: its tables are
# the rows the last ingest stored (numbered in their county already, in a province), less
# the findings drawn on the whole drop (``DROP_FINDINGS``). Rows a county column
# numbered after they were stored (``_number_by_county_column``) are read again.
REUSE_TABLE = "ingest_reuse"
PREVIOUS = "previous_"  # the last ingest's registry tables, while a drop is read
RESTORATIONS = "restorations"
# Each table a registry's rows are stored in, by its registry.
_TABLE_REGISTRY = {table: name for name in REGISTRIES for table in (f"raw_{name}", name)} | {
    RESTORATIONS: "deaths"
}
_REGISTRY_TABLES = tuple(_TABLE_REGISTRY)


def _reader(vocabulary: Vocabulary) -> str:
    """A fingerprint of how files are read: the vocabulary and the resolver's own files."""
    digest = hashlib.sha256(json.dumps(vocabulary.columns, sort_keys=True).encode())
    for path in sorted(Path(__file__).parent.iterdir()):
        if path.suffix in {".py", ".csv", ".json"}:
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def _place_key(relative: str, reader: str) -> str:
    return hashlib.sha256(f"{reader}\0{relative}".encode()).hexdigest()


@dataclass(frozen=True)
class _Previous:
    """A file the last ingest read: its sha256 now, what the last ingest recorded of it, and
    whether rows were added at its end since (``longer``) rather than nothing changed."""

    sha256: str
    stored: dict
    longer: bool = False

    @property
    def tail(self) -> Tail:
        """Its table's last header row, its last row and its size at the last ingest."""
        meta = self.stored["sources"][0]
        return Tail(max(meta["header_rows"]), meta["last_row"], self.stored["size"])


def _previous_files(con: duckdb.DuckDBPyConnection, files: list[Path], data_dir: Path,
                    reader: str, dated: Collection[Path]) -> dict[Path, _Previous]:  # fmt: skip
    """The files of ``files`` the last ingest read (at the same place in the drop, with the
    same reader, keeping or dropping their dates in their derived record ids as now:
    ``dated``, ``_dated_apart``) that are the same bytes now, or those bytes with rows added
    at the end."""
    if REUSE_TABLE not in table_names(con) or "place" not in column_names(con, REUSE_TABLE):
        return {}  # none kept, or kept by another version: every file is read
    by_place = dict(con.execute(f"SELECT place, outcome FROM {REUSE_TABLE}").fetchall())
    found = {}
    for path in files:
        try:
            content = path.read_bytes()
        except OSError:
            continue  # read again, and the reading says why it cannot be
        relative, sha256 = (
            path.relative_to(data_dir).as_posix(),
            hashlib.sha256(content).hexdigest(),
        )
        stored = by_place.get(_place_key(relative, reader))
        before = json.loads(stored) if stored is not None else None
        if before is not None and before["dated"] != (path in dated):
            continue  # a sibling came or went: its derived record ids are named otherwise now
        if before is not None and _drawn_against_others(before):
            continue  # what it lost, or which cases it paid, depends on the other files now
        if before is not None and before["sha256"] == sha256:
            found[path] = _Previous(sha256, before)
        elif before is not None and _only_added_to(content, before):
            found[path] = _Previous(sha256, before, longer=True)
    for longer, what in ((False, "unchanged, not read again"), (True, "rows added at the end")):
        names = [path.name for path, item in found.items() if item.longer is longer]
        if names:
            log.info("since the last ingest, %s: %s", what, ", ".join(names))
    return found


def _drawn_against_others(stored: dict) -> bool:
    """Whether a file the last ingest read lost rows to another table of the drop, that
    lists them too (``_payments_read_once``, ``_summary_sheets_read_once``,
    ``_snapshot_rows_read_once``), or had lines taken as the roster's cases written otherwise
    (``_cases_written_otherwise``)."""
    metas = stored["sources"]
    lost = any(reason.startswith((READ_ELSEWHERE, LISTED_ELSEWHERE))
               for meta in metas for _, reason in meta["skipped"])  # fmt: skip
    return lost or any(note.startswith(JOINED_NOTE) for meta in metas for note in meta["notes"])


def _only_added_to(content: bytes, stored: dict) -> bool:
    """Whether ``content`` is the stored file's bytes and more, that file a CSV of one table
    with its own record ids whose last line was its last row of data (an appended ledger)."""
    size, (meta, *others) = stored["size"], stored["sources"]
    return (
        not others
        and meta["file_format"] == "csv"
        and any(column == "record_id" for _, column in meta["mapping"])
        and all(row < meta["last_row"] for row, _ in meta["skipped"])
        and len(content) > size
        and content[size - 1 : size] == b"\n"
        and hashlib.sha256(content[:size]).hexdigest() == stored["sha256"]
    )


class Tail(NamedTuple):
    """Where the rows added to a file begin: its table's last header row, its last row and
    its size in bytes at the last ingest."""

    header: int
    last: int
    size: int


def _tail_grids(path: Path, content: bytes, tail: Tail) -> list[Grid]:
    """The grids of a longer CSV with its rows down to its header and those added after
    ``tail``: only the header's lines and the bytes added are parsed when every row before
    was one line (then lines and rows are numbered alike), else the whole file."""
    if content.startswith(UTF16_BOMS) or content.count(b"\n", 0, tail.size) != tail.last:
        return [_rows_after(grid, tail) for grid in read_grids(path, content)]
    head_end = 0
    for _ in range(tail.header):
        head_end = content.index(b"\n", head_end) + 1
    grids = read_grids(path, content[:head_end] + content[tail.size :])
    return [_shifted(grid, tail.header, tail.last - tail.header) for grid in grids]


def _shifted(grid: Grid, header: int, by: int) -> Grid:
    """``grid`` with the numbers of its rows after row ``header`` raised by ``by``."""

    def moved(numbers) -> tuple[int, ...]:
        return tuple(number + by if number > header else number for number in numbers)

    return replace(grid, row_numbers=list(moved(grid.row_numbers)),
                   bad_lines=moved(grid.bad_lines), blank_rows=moved(grid.blank_rows))  # fmt: skip


def _rows_after(grid: Grid, tail: Tail) -> Grid:
    """``grid`` with its rows down to its header, and those after row ``tail.last``."""
    numbers = np.asarray(grid.row_numbers)
    keep = np.flatnonzero((numbers <= tail.header) | (numbers > tail.last))
    return replace(
        grid,
        columns=[column.take(keep) for column in grid.columns],
        row_numbers=numbers[keep].tolist(),
        bad_lines=tuple(line for line in grid.bad_lines if line > tail.last),
        blank_rows=tuple(row for row in grid.blank_rows if row > tail.last),
    )


def _set_aside(con: duckdb.DuckDBPyConnection, previous: dict[Path, _Previous],
               order: dict[Path, int]) -> set[str]:  # fmt: skip
    """Keep the last ingest's tables of each registry all of whose rows come from
    ``previous`` files under the same numbers (the rows of this drop's other files, and the
    rows added to a file, are added to them); rename the others ``PREVIOUS``..., to copy
    stored rows from. Returns the registries kept."""
    moves: dict[str, set[tuple[int, int]]] = {}
    for path, found in previous.items():
        for sheet, meta in enumerate(found.stored["sources"]):
            number = order[path] * SHEETS_PER_FILE + sheet
            moves.setdefault(meta["registry"], set()).add((meta["number"], number))
    kept = set()
    for name, numbers in moves.items():
        if name in table_names(con) and all(old == new for old, new in numbers):
            held = con.execute(f"SELECT DISTINCT source_no FROM {name}").fetchall()
            if {number for (number,) in held} == {old for old, _ in numbers}:
                kept.add(name)
    for name in _REGISTRY_TABLES:
        con.execute(f"DROP TABLE IF EXISTS {PREVIOUS}{name}")
        if name in table_names(con) and _TABLE_REGISTRY[name] not in kept:
            con.execute(f"ALTER TABLE {name} RENAME TO {PREVIOUS}{name}")
    return kept


def _store_table(con: duckdb.DuckDBPyConnection, source: Source, number: int,
                 county: str | None, kept: set[str], stored: list[Source]) -> None:  # fmt: skip
    """Number a table, put it in its county and store its rows, unless they are in a table
    kept from the last ingest already (``stored``: the tables stored, in order)."""
    if source.previous is None:  # stored rows are in their county already
        _in_county(source, county)
    _number(source, number)
    if source.previous is None or source.registry.name not in kept:
        _store_source(con, source)
        stored.append(source)


def _added_to_stored(con: duckdb.DuckDBPyConnection, outcome: FileOutcome, found: _Previous,
                     kept: set[str], vocabulary: Vocabulary, data_dir: Path, number: int,
                     county: str | None, stored: list[Source]) -> FileOutcome:  # fmt: skip
    """A longer file (``found``): its stored rows, and the rows added (all ``outcome`` holds),
    stored as one table under ``number``. If the added rows were not read as the table was
    (its columns found otherwise, other notes), the whole file is read again instead."""
    meta = found.stored["sources"][0]
    before = _stored_source(con, outcome.path, meta, kept)
    added = outcome.sources[0] if len(outcome.sources) == 1 and not outcome.errors else None
    if added is None or _layout(added) != _layout(before):
        if before.registry.name in kept:
            for table, _ in _tables_of(before):
                con.execute(f"DELETE FROM {table} WHERE source_no = ?", [before.previous])
        outcome = _read_file(outcome.path, data_dir, vocabulary)
        for sheet, source in enumerate(outcome.sources):
            _store_table(con, source, number + sheet, county, kept, stored)
        return outcome
    for source in (before, added):
        _store_table(con, source, number, county, kept, stored)
    outcome.sources = [_joined(before, added, meta["last_row"])]
    return outcome


def _reuse_of(outcomes: list[FileOutcome], previous: dict[Path, _Previous]) -> dict[Path, str]:
    """How the last ingest's rows of each file were used: ``unchanged`` or ``appended``
    (a longer file read whole, because its added rows were read otherwise, is neither)."""
    return {
        outcome.path: "appended" if previous[outcome.path].longer else "unchanged"
        for outcome in outcomes
        if outcome.path in previous and all(s.previous is not None for s in outcome.sources)
    }


def _layout(source: Source) -> tuple:
    """How a table was read: registry, sheet, format, header rows, columns, notes."""
    return (source.registry.name, source.sheet, source.file_format, source.encoding,
            tuple(source.header_rows), [tuple(pair) for pair in source.mapping],
            list(source.unmapped), list(source.notes), source.merged_cells)  # fmt: skip


def _joined(before: Source, added: Source, last: int) -> Source:
    """One table of a longer file: its stored rows and the rows added after row ``last``
    (the columns the drop's checks read, ``_checked``), and what was skipped and found in
    each."""

    def stacked(first: pa.Table, then: pa.Table) -> pa.Table:
        return pa.concat_tables([first, then.select(first.column_names).cast(first.schema)])

    return replace(
        before,
        raw=stacked(before.raw, added.raw),
        normalised=stacked(before.normalised, added.normalised),
        skipped=before.skipped + [(row, reason) for row, reason in added.skipped if row > last],
        findings=before.findings + added.findings,
    )


def _copy_previous(con: duckdb.DuckDBPyConnection, table_name: str, source: Source) -> None:
    """Add the rows the last ingest stored for ``source`` to ``table_name``, renumbered."""
    rows = (f"SELECT * REPLACE ({source.number}::BIGINT AS source_no) FROM {PREVIOUS}{table_name} "
            f"WHERE source_no = {source.previous} ORDER BY row_no")  # fmt: skip
    con.execute(f"CREATE TABLE {table_name} AS {rows}" if table_name not in table_names(con)
                else f"INSERT INTO {table_name} BY NAME {rows}")  # fmt: skip


def _stored_outcome(con: duckdb.DuckDBPyConnection, path: Path, found: _Previous,
                    kept: set[str]) -> FileOutcome:  # fmt: skip
    """A file's outcome as the last ingest stored it (in the tables ``_set_aside`` kept, or
    renamed ``PREVIOUS``...)."""
    sources = [_stored_source(con, path, meta, kept) for meta in found.stored["sources"]]
    skips = [Skip(path, sheet, reason) for sheet, reason in found.stored["skips"]]
    return FileOutcome(path, found.sha256, sources, skips)


def _stored_source(con: duckdb.DuckDBPyConnection, path: Path, meta: dict, kept: set[str]
                   ) -> Source:  # fmt: skip
    """One table of a file as the last ingest stored it (``source_no`` ``meta["number"]``)."""
    name, number = meta["registry"], meta["number"]
    raw, normalised = (
        con.sql(f"SELECT {', '.join(columns)} FROM {table} WHERE source_no = ? ORDER BY row_no",
                params=[number]).to_arrow_table()
        for table, columns in _checked(con, ("" if name in kept else PREVIOUS), name)
    )  # fmt: skip
    findings = con.sql(
        "SELECT * FROM dq_findings WHERE source_no = ? AND NOT list_contains(?, problem) "
        "ORDER BY rowid",
        params=[number, list(DROP_FINDINGS)],
    ).to_arrow_table()
    schema = _numbered(FINDINGS_SCHEMA.empty_table(), number, 2).schema
    return Source(
        REGISTRIES[name], path, meta["sheet"], meta["file_format"], meta["encoding"],
        tuple(meta["header_rows"]), [tuple(pair) for pair in meta["mapping"]], meta["unmapped"],
        [tuple(row) for row in meta["skipped"]], meta["notes"], meta["merged_cells"], raw,
        normalised, [findings.cast(schema)] if findings.num_rows else [], number=number,
        previous=number, named_months=tuple(meta.get("named_months", ())),
    )  # fmt: skip


def _checked(con: duckdb.DuckDBPyConnection, prefix: str, name: str
             ) -> list[tuple[str, list[str]]]:  # fmt: skip
    """The stored raw and normalised tables of a registry, each with the columns the drop's
    checks read of a table (``_record_key``, ``_unknown_cases``, ``_number_by_county_column``):
    all a source taken from the last ingest holds, its rows being stored already."""
    wanted = (("row_no", "extra"), ("record_id", "row_no", "case_no", "county"))
    tables = (f"{prefix}raw_{name}", f"{prefix}{name}")
    return [(table, [column for column in columns if column in column_names(con, table)])
            for table, columns in zip(tables, wanted, strict=True)]  # fmt: skip


def _numbered_by_county_column(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the stored rows were given counties by a county column (then they are not
    their files' prepared tables)."""
    return any(
        con.execute(f"SELECT count(county) > 0 FROM {name}").fetchall()[0][0]
        for name in REGISTRIES
        if name in table_names(con)
    )


def _store_reusable(con: duckdb.DuckDBPyConnection, report: DropReport, reader: str,
                    dated: Collection[Path], *, reusable: bool) -> None:  # fmt: skip
    """Record, per file read, what the next ingest needs to take it unchanged, or with rows
    added: whether it kept its dates in its derived record ids (``dated``) among the rest
    (nothing when the drop is not ``reusable``: its rows were numbered by a county column
    once stored)."""
    outcomes: dict[Path, dict] = {}
    if reusable:
        for source in report.sources:
            outcome = outcomes.setdefault(source.path, {
                "sha256": report.hashes[source.path], "size": source.path.stat().st_size,
                "dated": source.path in dated, "sources": [], "skips": [],
            })  # fmt: skip
            outcome["sources"].append({
                "registry": source.registry.name, "number": source.number,
                "sheet": source.sheet, "file_format": source.file_format,
                "encoding": source.encoding, "header_rows": list(source.header_rows),
                "mapping": source.mapping, "unmapped": source.unmapped,
                "skipped": source.skipped, "notes": source.notes,
                "merged_cells": source.merged_cells, "named_months": source.named_months,
                "last_row": pc.max(source.normalised["row_no"]).as_py(),
            })  # fmt: skip
        for skip in report.skips:
            if skip.path in outcomes:
                outcomes[skip.path]["skips"].append((skip.sheet, skip.reason))
    _create(con, REUSE_TABLE, pa.table({
        "place": pa.array([_place_key(_relative(report, path), reader) for path in outcomes],
                          pa.string()),
        "outcome": pa.array([json.dumps(o, ensure_ascii=False) for o in outcomes.values()],
                            pa.string()),
    }))  # fmt: skip
