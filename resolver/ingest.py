"""Ingest a data drop into DuckDB: the raw values as they were, normalised columns beside
them, and a data-quality finding for every problem in a row.

Tables written (each ingest replaces the previous drop's, all in one transaction):

- ``raw_<registry>``: ``row_no``, every contract column as the text read, ``extra`` (a JSON
  object of the columns the contract does not list);
- ``<registry>``: ``record_id``, ``row_no`` and the normalised columns (``resolver.normalize``);
- ``dq_findings``: registry, record_id, row_no, column, problem, raw value (IDs masked);
- ``ingest_files``: one row per file: registry, path, format, encoding, sha256, rows.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from resolver.db import transaction
from resolver.errors import InputError, raise_collected
from resolver.idcard import USABLE, mask_id
from resolver.normalize import NORMALIZERS, outputs_of
from resolver.reading import TABLE_SUFFIXES, Table, read_table
from resolver.registries import REGISTRIES, Registry, registry_for_stem

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
SENSITIVE_PREFIXES = ("id_number", "payee_id_number", "cert_no", "bank_account")
HEADER_ALIASES = {
    "身份证号": "id_number",
    "公民身份号码": "id_number",
    "证件号码": "id_number",
    "户主关系": "relation",
    "手机号码": "phone",
    "联系方式": "phone",
}
ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "DATE": pa.date32(),
    "DECIMAL(14,2)": pa.decimal128(14, 2),
    "INTEGER": pa.int64(),
}


@dataclass
class Finding:
    registry: str
    record_id: str
    row_no: int
    column: str
    problem: str
    raw_value: str


@dataclass
class _Prepared:
    """A registry file read, checked and normalised, ready to be written."""

    registry: Registry
    table: Table
    sha256: str
    raw: pa.Table
    normalised: pa.Table
    findings: list[Finding]


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
            errors.append(
                InputError(
                    path,
                    None,
                    None,
                    f"a second file for {registry.name}: {found[registry.name].name}",
                )
            )
        else:
            found[registry.name] = path
    if "payments" in found and "assistance" not in found:
        errors.append(
            InputError(found["payments"], None, None, "payments without an assistance roster")
        )
    if not found and not errors:
        errors.append(
            InputError(data_dir, None, None, "no registry files (CSV or XLSX) in the drop")
        )
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
    for name, path in files.items():
        try:
            prepared.append(_prepare(REGISTRIES[name], path, on_progress))
        except InputError as error:
            errors.append(error)
    raise_collected(errors)
    _cross_registry_findings(prepared)
    with transaction(con):
        _store(con, prepared)
    return [item.registry.name for item in prepared]


def _prepare(registry: Registry, path: Path, on_progress: Progress | None) -> _Prepared:
    table = read_table(path)
    positions, extras = _map_headers(registry, table)
    record_ids = _checked_record_ids(registry, table, positions)
    raw_columns: dict[str, list[str | None]] = {"row_no": table.row_numbers}
    normalised: dict[str, pa.Array] = {"record_id": pa.array(record_ids, pa.string())}
    normalised["row_no"] = pa.array(table.row_numbers, pa.int64())
    findings: list[Finding] = []
    for done, column in enumerate(registry.columns, start=1):
        position = positions.get(column.name)
        values = [row[position] for row in table.rows] if position is not None else None
        raw_columns[column.name] = values or [None] * len(table.rows)
        if column.name != "record_id":
            cleaned, problems = _normalise(column.kind, values or [""] * len(table.rows))
            for (suffix, sql_type), output in zip(outputs_of(column.kind), cleaned, strict=True):
                normalised[column.name + suffix] = pa.array(output, ARROW_TYPES[sql_type])
            if values is not None:
                findings += _column_findings(registry, column, values, problems, record_ids, table)
        if on_progress:
            on_progress(registry.name, done, len(registry.columns))
    normalised_table = pa.table(normalised)
    findings += _row_findings(registry, normalised_table)
    raw_columns["extra"] = _extra_json(table, extras)
    raw = pa.table(
        {name: pa.array(values, _raw_type(name)) for name, values in raw_columns.items()}
    )
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    return _Prepared(registry, table, sha256, raw, normalised_table, findings)


def _raw_type(name: str) -> pa.DataType:
    return pa.int64() if name == "row_no" else pa.string()


def header_key(header: str) -> str:
    """A header as matched: NFKC, no spaces, no parenthesised unit, no required mark, lower case."""
    text = unicodedata.normalize("NFKC", header)
    text = re.sub(r"\s+|\*|\(.*?\)", "", text)
    return text.lower()


def _header_lookup(registry: Registry) -> dict[str, str]:
    lookup = {header_key(alias): name for alias, name in HEADER_ALIASES.items()}
    for column in registry.columns:
        for spelling in (column.name, column.header):
            lookup[header_key(spelling)] = column.name
    return {
        key: name for key, name in lookup.items() if any(c.name == name for c in registry.columns)
    }


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
            errors.append(
                InputError(table.path, 1, header, f"a second column for {name} (first: '{first}')")
            )
        else:
            positions[name] = position
    for name in registry.required:
        if name not in positions:
            column = registry.column(name)
            errors.append(
                InputError(
                    table.path, None, f"{column.header}/{name}", "required column is missing"
                )
            )
    raise_collected(errors)
    return positions, extras


def _checked_record_ids(registry: Registry, table: Table, positions: dict[str, int]) -> list[str]:
    normalize = NORMALIZERS["code"]
    position = positions["record_id"]
    record_ids = [normalize(row[position])[0][0] for row in table.rows]
    blank = [
        number for number, value in zip(table.row_numbers, record_ids, strict=True) if not value
    ]
    counts = Counter(record_ids)
    duplicated = [
        number
        for number, value in zip(table.row_numbers, record_ids, strict=True)
        if value and counts[value] > 1
    ]
    errors = []
    header = registry.column("record_id").header
    if blank:
        errors.append(InputError(table.path, blank, header, "record_id is blank"))
    if duplicated:
        errors.append(InputError(table.path, duplicated, header, "record_id is duplicated"))
    raise_collected(errors)
    return record_ids  # type: ignore[return-value]


def _normalise(kind: str, values: list[str]) -> tuple[list[list[object]], list[str | None]]:
    """Normalise a column through its distinct values: outputs per output column, problems."""
    normalize = NORMALIZERS[kind]
    cache = {value: normalize(value) for value in dict.fromkeys(values)}
    results = [cache[value] for value in values]
    outputs = [list(column) for column in zip(*(result[0] for result in results), strict=True)]
    return outputs, [result[1] for result in results]


def _column_findings(registry, column, values, problems, record_ids, table) -> list[Finding]:
    findings = []
    for index, problem in enumerate(problems):
        if problem is None and not (column.required and not values[index].strip()):
            continue
        findings.append(
            Finding(
                registry.name,
                record_ids[index],
                table.row_numbers[index],
                column.name,
                problem or "required_blank",
                _shown(column.name, values[index]),
            )
        )
    return findings


def _shown(column: str, raw: str) -> str:
    """A value as a finding may show it: ID and account numbers masked."""
    sensitive = column.startswith(SENSITIVE_PREFIXES) or column.endswith("id_number")
    return mask_id(raw.strip()) if sensitive else raw


def _row_findings(registry: Registry, normalised: pa.Table) -> list[Finding]:
    """Problems between the columns of one row: an ID that contradicts the birth date or
    gender given beside it, a certificate of another person, an end before the start."""
    names = set(normalised.column_names)
    checks = [
        ("birth_date", "id_number_birth_date", "birth_date_conflicts_id"),
        ("gender", "id_number_gender", "gender_conflicts_id"),
        ("cert_no_id_number", "id_number", "cert_conflicts_id"),
        ("cert_no_type", "disability_type", "cert_conflicts_type"),
        ("cert_no_level", "disability_level", "cert_conflicts_level"),
    ]
    rows = normalised.to_pydict()
    findings = []
    for column, other, problem in checks:
        if column not in names or other not in names:
            continue
        for index, (value, reference) in enumerate(zip(rows[column], rows[other], strict=True)):
            if value is not None and reference is not None and value != reference:
                if other == "id_number" and rows["id_number_status"][index] not in USABLE:
                    continue
                findings.append(_finding(registry, rows, index, column, problem, value))
    if "end_date" in names:
        for index, (start, end) in enumerate(
            zip(rows["start_date"], rows["end_date"], strict=True)
        ):
            if start and end and end < start:
                findings.append(
                    _finding(registry, rows, index, "end_date", "end_before_start", end)
                )
    return findings


def _finding(
    registry: Registry, rows: dict, index: int, column: str, problem: str, value
) -> Finding:
    record_id, row_no = rows["record_id"][index], rows["row_no"][index]
    return Finding(registry.name, record_id, row_no, column, problem, _shown(column, str(value)))


def _cross_registry_findings(prepared: list[_Prepared]) -> None:
    """A payment to a case the assistance roster does not know."""
    by_name = {item.registry.name: item for item in prepared}
    if "payments" not in by_name:
        return
    payments = by_name["payments"]
    known = set(by_name["assistance"].normalised.column("case_no").to_pylist())
    rows = payments.normalised.to_pydict()
    for index, case_no in enumerate(rows["case_no"]):
        if case_no not in known:
            payments.findings.append(
                _finding(payments.registry, rows, index, "case_no", "case_not_in_roster", case_no)
            )


def _extra_json(table: Table, extras: list[tuple[int, str]]) -> list[str | None]:
    width = len(table.headers)
    result = []
    for row in table.rows:
        extra = {header: row[position] for position, header in extras if row[position].strip()}
        extra.update({f"列{position + 1}": row[position] for position in range(width, len(row))})
        result.append(json.dumps(extra, ensure_ascii=False) if extra else None)
    return result


def _store(con: duckdb.DuckDBPyConnection, prepared: list[_Prepared]) -> None:
    for name in REGISTRIES:
        con.execute(f"DROP TABLE IF EXISTS raw_{name}")
        con.execute(f"DROP TABLE IF EXISTS {name}")
    for item in prepared:
        name = item.registry.name
        _create(con, f"raw_{name}", item.raw)
        _create(con, name, item.normalised)
    findings = [finding for item in prepared for finding in item.findings]
    _create(con, "dq_findings", _findings_table(findings))
    _create(con, "ingest_files", _files_table(prepared))
    log.info("stored %d registries and %d findings", len(prepared), len(findings))


def _create(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    con.register("_incoming", table)
    con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _incoming")
    con.unregister("_incoming")


def _findings_table(findings: list[Finding]) -> pa.Table:
    return pa.table(
        {
            "registry": pa.array([f.registry for f in findings], pa.string()),
            "record_id": pa.array([f.record_id for f in findings], pa.string()),
            "row_no": pa.array([f.row_no for f in findings], pa.int64()),
            "column_name": pa.array([f.column for f in findings], pa.string()),
            "problem": pa.array([f.problem for f in findings], pa.string()),
            "raw_value": pa.array([f.raw_value for f in findings], pa.string()),
        }
    )


def _files_table(prepared: list[_Prepared]) -> pa.Table:
    now = datetime.now(UTC).replace(tzinfo=None)
    return pa.table(
        {
            "registry": [item.registry.name for item in prepared],
            "path": [str(item.table.path) for item in prepared],
            "file_format": [item.table.file_format for item in prepared],
            "encoding": [item.table.encoding for item in prepared],
            "sha256": [item.sha256 for item in prepared],
            "rows": [len(item.table.rows) for item in prepared],
            "ingested_at": [now for _ in prepared],
        }
    )
