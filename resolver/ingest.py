"""Ingest a data drop into DuckDB: the raw values as they were, normalised columns beside
them, and a data-quality finding for every problem in a row.

Tables written (each ingest replaces the previous drop's, all in one transaction):

- ``raw_<registry>``: ``row_no``, every contract column as the text read, ``extra`` (a map of
  the columns the contract does not list, header to text);
- ``<registry>``: ``record_id``, ``row_no`` and the normalised columns (``resolver.normalize``);
- ``dq_findings``: registry, record_id, row_no, column, problem, raw value (IDs masked);
- ``ingest_files``: one row per file: registry, path, format, encoding, sha256, rows.

Work is columnar: each column is normalised through its distinct values only.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from resolver.db import transaction
from resolver.errors import InputError, raise_collected
from resolver.idcard import USABLE, mask_id
from resolver.memory import collector_paused
from resolver.normalize import normalize_distinct, outputs_of
from resolver.reading import TABLE_SUFFIXES, Table, read_table
from resolver.registries import REGISTRIES, Column, Registry, registry_for_stem

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
PARALLEL_BYTES = 20_000_000
"""A drop this large is prepared one process per file."""
SENSITIVE = ("id_number", "payee_id_number", "cert_no", "bank_account")
HEADER_ALIASES = {
    "身份证号": "id_number",
    "公民身份号码": "id_number",
    "公民身份证号码": "id_number",
    "证件号码": "id_number",
    "户主关系": "relation",
    "手机号码": "phone",
    "联系方式": "phone",
    "纳入时间": "start_date",
    "退出时间": "end_date",
    "发放年月": "pay_month",
    "残疾证号码": "cert_no",
    "死亡时间": "death_date",
}
FINDINGS_SCHEMA = pa.schema(
    [
        ("registry", pa.string()),
        ("record_id", pa.string()),
        ("row_no", pa.int64()),
        ("column_name", pa.string()),
        ("problem", pa.string()),
        ("raw_value", pa.string()),
    ]
)
# (column, column it must agree with, problem) for checks between the columns of one row.
AGREEMENTS = (
    ("birth_date", "id_number_birth_date", "birth_date_conflicts_id"),
    ("gender", "id_number_gender", "gender_conflicts_id"),
    ("cert_no_id_number", "id_number", "cert_conflicts_id"),
    ("cert_no_type", "disability_type", "cert_conflicts_type"),
    ("cert_no_level", "disability_level", "cert_conflicts_level"),
)


@dataclass
class _Prepared:
    """A registry file read, checked and normalised, ready to be written (its tables are None
    while a worker hands them over, ``_written``)."""

    registry: Registry
    path: Path
    file_format: str
    encoding: str | None
    sha256: str
    raw: pa.Table | None
    normalised: pa.Table | None
    findings: list[pa.Table]


def discover(data_dir: Path) -> tuple[dict[str, Path], list[InputError]]:
    """The registry file of each registry present in a drop folder, and what is wrong with
    the folder's files (unknown names, two files for one registry, a missing roster)."""
    if not data_dir.is_dir():
        raise InputError(data_dir, None, None, "the data drop is not a folder")
    found: dict[str, Path] = {}
    errors = []
    for path in sorted(data_dir.iterdir()):
        if not path.is_file() or path.name.startswith((".", "~$")):
            continue
        if path.suffix.lower() not in TABLE_SUFFIXES:
            continue
        registry = registry_for_stem(path.stem)
        if registry is None:
            known = ", ".join(f"{r.name}/{r.chinese}" for r in REGISTRIES.values())
            errors.append(InputError(path, None, None, f"unknown registry name; expected {known}"))
        elif registry.name in found:
            other = found[registry.name].name
            errors.append(
                InputError(path, None, None, f"a second file for {registry.name}: {other}")
            )
        else:
            found[registry.name] = path
    if "payments" in found and "assistance" not in found:
        reason = "payments without an assistance roster"
        errors.append(InputError(found["payments"], None, None, reason))
    if not found and not errors:
        reason = "no registry files (CSV or XLSX) in the drop"
        errors.append(InputError(data_dir, None, None, reason))
    return found, errors


def ingest_drop(
    con: duckdb.DuckDBPyConnection, data_dir: Path, *, on_progress: Progress | None = None
) -> list[str]:
    """Read, check and normalise every registry of ``data_dir``, then store them all at once;
    returns the names of the registries stored.

    Raises ``InputError``/``InputErrors`` naming files, rows and columns for anything that
    makes a file unusable; nothing is written then, and the previous drop stays as it was.
    """
    files, errors = discover(Path(data_dir))
    prepared = []
    # each file is stored as soon as it is ready, while others are read
    with transaction(con), tempfile.TemporaryDirectory(prefix="doudi-ingest-") as folder:
        for name in REGISTRIES:
            con.execute(f"DROP TABLE IF EXISTS raw_{name}")
            con.execute(f"DROP TABLE IF EXISTS {name}")
        for outcome in _prepare_all(files, on_progress, Path(folder)):
            if isinstance(outcome, InputError):
                errors.append(outcome)
                continue
            prepared.append(outcome)
            if not errors:
                _create(con, f"raw_{outcome.registry.name}", outcome.raw)
                _create(con, outcome.registry.name, outcome.normalised)
        raise_collected(errors)  # rolls the transaction back: the previous drop stays
        prepared.sort(key=lambda item: list(REGISTRIES).index(item.registry.name))
        _unknown_cases(prepared)
        _store_findings(con, prepared)
    return [item.registry.name for item in prepared]


def _prepare_all(files: dict[str, Path], on_progress: Progress | None, folder: Path):
    """Each registry file prepared, in its own process when the drop is large enough for two
    cores to pay off (progress is then reported per file), else one after the other. A
    worker hands its tables over as Arrow files in ``folder``, which this process maps
    instead of unpickling a copy (a large county's hukou is hundreds of megabytes)."""
    if sum(path.stat().st_size for path in files.values()) < PARALLEL_BYTES or len(files) < 2:
        for name, path in files.items():
            yield _outcome(REGISTRIES[name], path, on_progress)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1, mp_context=context) as pool:
        futures = {
            pool.submit(_outcome, REGISTRIES[name], path, None, folder): name
            for name, path in sorted(files.items(), key=lambda item: -item[1].stat().st_size)
        }
        for future in as_completed(futures):
            if on_progress:
                on_progress(futures[future], 1, 1)
            outcome = future.result()
            yield outcome if isinstance(outcome, InputError) else _mapped(outcome, folder)


def _outcome(
    registry: Registry, path: Path, on_progress: Progress | None, folder: Path | None = None
) -> _Prepared | InputError:
    """The registry file prepared (its tables written to ``folder`` when given), or the
    error that makes it unusable."""
    try:
        prepared = _prepare(registry, path, on_progress)
    except InputError as error:
        return error
    return _written(prepared, folder) if folder else prepared


def _written(prepared: _Prepared, folder: Path) -> _Prepared:
    """``prepared`` without its tables, which are written to Arrow files in ``folder``."""
    findings = _concat_findings(prepared.findings)
    for part, table in zip(_PARTS, (prepared.raw, prepared.normalised, findings), strict=True):
        path = folder / f"{prepared.registry.name}.{part}.arrow"
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
    return replace(prepared, raw=None, normalised=None, findings=[])


def _mapped(prepared: _Prepared, folder: Path) -> _Prepared:
    """``prepared`` with the tables ``_written`` put in ``folder``, memory-mapped."""
    raw, normalised, findings = (
        pa.ipc.open_file(
            pa.memory_map(str(folder / f"{prepared.registry.name}.{part}.arrow"))
        ).read_all()
        for part in _PARTS
    )
    return replace(prepared, raw=raw, normalised=normalised, findings=[findings])


_PARTS = ("raw", "normalised", "findings")


@collector_paused()
def _prepare(registry: Registry, path: Path, on_progress: Progress | None) -> _Prepared:
    table = read_table(path)
    positions, extras = _map_headers(registry, table)
    record_ids = _checked_record_ids(registry, table, positions["record_id"])
    row_numbers = pa.array(table.row_numbers, pa.int64())
    blank = pa.array([""] * table.height, pa.string())
    raw: dict[str, pa.Array] = {"row_no": row_numbers}
    normalised: dict[str, pa.Array] = {"record_id": record_ids, "row_no": row_numbers}
    findings: list[pa.Table] = []
    for done, column in enumerate(registry.columns, start=1):
        position = positions.get(column.name)
        values = table.columns[position] if position is not None else None
        raw[column.name] = values if values is not None else pa.nulls(table.height, pa.string())
        if column.name != "record_id":
            outputs, problems = normalise_column(column.kind, blank if values is None else values)
            for (suffix, _), output in zip(outputs_of(column.kind), outputs, strict=True):
                normalised[column.name + suffix] = output
            if values is not None:
                problems = _with_required_blanks(column, values, problems)
                findings.append(_findings(registry, column.name, problems, values, normalised))
        if on_progress:
            on_progress(registry.name, done, len(registry.columns))
    raw["extra"] = _extra_map(table, extras)
    normalised_table = pa.table(normalised)
    findings += _row_findings(registry, normalised_table)
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    return _Prepared(
        registry, path, table.file_format, table.encoding, sha256, pa.table(raw),
        normalised_table, findings,
    )  # fmt: skip


def normalise_column(kind: str, values: pa.Array) -> tuple[list[pa.Array], pa.Array]:
    """Normalise a column of text through its distinct values: one array per output column
    of the kind, and the problem of each row (null when none)."""
    encoded = pc.dictionary_encode(values)
    outputs, problems = normalize_distinct(kind, encoded.dictionary)
    return [output.take(encoded.indices) for output in outputs], problems.take(encoded.indices)


def header_key(header: str) -> str:
    """A header as matched: NFKC, no spaces, no parenthesised unit, no required mark, lower case."""
    text = unicodedata.normalize("NFKC", header)
    text = re.sub(r"\s+|\*|\(.*?\)", "", text)
    return text.lower()


def _header_lookup(registry: Registry) -> dict[str, str]:
    names = {column.name for column in registry.columns}
    lookup = {header_key(alias): name for alias, name in HEADER_ALIASES.items() if name in names}
    for column in registry.columns:
        for spelling in (column.name, column.header):
            lookup[header_key(spelling)] = column.name
    return lookup


def _map_headers(registry: Registry, table: Table) -> tuple[dict[str, int], list[tuple[int, str]]]:
    """Contract column name -> position in the file, and the (position, header) of extras."""
    lookup = _header_lookup(registry)
    positions: dict[str, int] = {}
    extras: list[tuple[int, str]] = []
    errors = []
    for position, header in enumerate(table.headers):
        name = lookup.get(header_key(header))
        if name is None:
            extras.append((position, header.strip() or f"列{position + 1}"))
        elif name in positions:
            first = table.headers[positions[name]]
            reason = f"a second column for {name} (first: '{first}')"
            errors.append(InputError(table.path, 1, header, reason))
        else:
            positions[name] = position
    for name in registry.required:
        if name not in positions:
            column = registry.column(name)
            where = f"{column.header}/{name}"
            errors.append(InputError(table.path, None, where, "required column is missing"))
    raise_collected(errors)
    return positions, extras


def _checked_record_ids(registry: Registry, table: Table, position: int) -> pa.Array:
    (record_ids,), _ = normalise_column("code", table.columns[position])
    numbers = np.asarray(table.row_numbers)
    blank = numbers[np.asarray(pc.is_null(record_ids))]
    counts = pc.value_counts(record_ids)
    repeated = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))
    duplicated = numbers[np.asarray(pc.is_in(record_ids, repeated).fill_null(False))]
    header = registry.column("record_id").header
    errors = []
    if len(blank):
        errors.append(InputError(table.path, blank.tolist(), header, "record_id is blank"))
    if len(duplicated):
        reason = "record_id is duplicated"
        errors.append(InputError(table.path, duplicated.tolist(), header, reason))
    raise_collected(errors)
    return record_ids


def _with_required_blanks(column: Column, values: pa.Array, problems: pa.Array) -> pa.Array:
    if not column.required:
        return problems
    blank = pc.equal(pc.utf8_trim_whitespace(values), "")
    return pc.if_else(pc.and_(blank, pc.is_null(problems)), "required_blank", problems)


def _findings(
    registry: Registry, column: str, problems: pa.Array, shown: pa.Array, normalised: dict
) -> pa.Table:
    """The findings of the rows whose ``problems`` entry is set, with the value ``shown``."""
    rows = pc.indices_nonzero(pc.is_valid(problems))
    values = shown.take(rows).cast(pa.string()).to_pylist()
    if column.startswith(SENSITIVE) or column.endswith("id_number"):
        values = [mask_id((value or "").strip()) for value in values]
    columns = [
        pa.array([registry.name] * len(rows), pa.string()),
        normalised["record_id"].take(rows),
        normalised["row_no"].take(rows),
        pa.array([column] * len(rows), pa.string()),
        problems.take(rows),
        pa.array(values, pa.string()),
    ]
    return pa.Table.from_arrays(columns, schema=FINDINGS_SCHEMA)


def _row_findings(registry: Registry, normalised: pa.Table) -> list[pa.Table]:
    """Problems between the columns of one row: an ID that contradicts the birth date or
    gender given beside it, a certificate of another person, an end before the start."""
    columns = {name: normalised.column(name).combine_chunks() for name in normalised.column_names}
    findings = []
    for column, other, problem in AGREEMENTS:
        if column not in columns or other not in columns:
            continue
        differs = pc.fill_null(pc.not_equal(columns[column], columns[other]), False)
        if other == "id_number":
            differs = pc.and_(differs, pc.is_in(columns["id_number_status"], pa.array(USABLE)))
        flagged = pc.if_else(differs, problem, pa.scalar(None, pa.string()))
        findings.append(_findings(registry, column, flagged, columns[column], columns))
    if "end_date" in columns:
        before = pc.fill_null(pc.less(columns["end_date"], columns["start_date"]), False)
        flagged = pc.if_else(before, "end_before_start", pa.scalar(None, pa.string()))
        findings.append(_findings(registry, "end_date", flagged, columns["end_date"], columns))
    return findings


def _unknown_cases(prepared: list[_Prepared]) -> None:
    """A finding for each payment to a case the assistance roster does not know."""
    by_name = {item.registry.name: item for item in prepared}
    if "payments" not in by_name:
        return
    payments = by_name["payments"]
    columns = {name: payments.normalised.column(name) for name in ("record_id", "row_no")}
    case_no = payments.normalised.column("case_no")
    known = by_name["assistance"].normalised.column("case_no")
    unknown = pc.invert(pc.is_in(case_no, known))
    flagged = pc.if_else(unknown, "case_not_in_roster", pa.scalar(None, pa.string()))
    payments.findings.append(
        _findings(payments.registry, "case_no", flagged.combine_chunks(), case_no, columns)
    )


def _extra_map(table: Table, extras: list[tuple[int, str]]) -> pa.Array:
    """The unlisted columns of every row as a map from header to the text as read (null when
    the file has none: storing an empty map per row costs as much as a column of text)."""
    width = len(extras)
    if not width:
        return pa.nulls(table.height, pa.map_(pa.string(), pa.string()))
    offsets = pa.array(np.arange(table.height + 1, dtype=np.int32) * width)
    keys = pa.array([header for _, header in extras] * table.height, pa.string())
    texts = [table.columns[position].to_numpy(zero_copy_only=False) for position, _ in extras]
    cells = pa.array(np.column_stack(texts).ravel() if texts else [], pa.string())
    return pa.MapArray.from_arrays(offsets, keys, cells)


def _store_findings(con: duckdb.DuckDBPyConnection, prepared: list[_Prepared]) -> None:
    findings = [table for item in prepared for table in item.findings]
    _create(con, "dq_findings", _concat_findings(findings))
    _create(con, "ingest_files", _files_table(prepared))
    log.info("stored %d registries", len(prepared))


def _create(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    con.register("_incoming", table)
    con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _incoming")
    con.unregister("_incoming")


def _concat_findings(findings: list[pa.Table]) -> pa.Table:
    return pa.concat_tables(findings) if findings else FINDINGS_SCHEMA.empty_table()


def _files_table(prepared: list[_Prepared]) -> pa.Table:
    now = datetime.now(UTC).replace(tzinfo=None)
    return pa.table(
        {
            "registry": [item.registry.name for item in prepared],
            "path": [str(item.path) for item in prepared],
            "file_format": [item.file_format for item in prepared],
            "encoding": [item.encoding for item in prepared],
            "sha256": [item.sha256 for item in prepared],
            "rows": [item.normalised.num_rows for item in prepared],
            "ingested_at": [now for _ in prepared],
        }
    )
