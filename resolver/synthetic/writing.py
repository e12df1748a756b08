"""Writing the county's files.

The drop: each registry noised and formatted (``noise``), its columns in a random order under
Chinese or English headers, as CSV in its encoding or as a one-sheet XLSX with fixed metadata
and zip timestamps (so its bytes are reproducible); ``write_drop`` can hand back each file's
cells, which ``write_columns`` writes again (``monthly`` writes the months' drops from them).
The truth files: ``persons.csv``, ``cases.jsonl``, ``controls.jsonl`` and ``noise.csv``.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from resolver.registries import PERSON_REGISTRIES, REGISTRIES
from resolver.synthetic.common import FILES, NEVER, State, date_of
from resolver.synthetic.noise import apply_noise, format_columns
from resolver.synthetic.truth import person_label

log = logging.getLogger(__name__)


FIXED_TIME = datetime(2026, 1, 1, 0, 0, 0)
ZIP_TIME = (2026, 1, 1, 0, 0, 0)
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
        elif name == "城乡属性":
            extras[name] = frame["area"].tolist()
        elif name == "收入核定日期":
            extras[name] = ["" if day == NEVER else date_of(int(day)).isoformat()
                            for day in frame["assessed"]]  # fmt: skip
        else:
            source = "备注" if "备注" in frame else "remarks"
            extras[name] = frame[source].tolist()
    return extras


def _write_registry(
    path: Path, registry: str, columns: dict[str, list], st: State
) -> dict[str, list]:
    """Write one registry's file with its columns in a random order; returns the columns in
    that order."""
    order = list(columns)
    ordered = {order[i]: columns[order[i]] for i in st.rng.permutation(len(order))}
    write_columns(path, registry, ordered)
    return ordered


def write_columns(path: Path, registry: str, columns: dict[str, list]) -> None:
    """Write one registry's file: its formatted columns, in the order given, under the
    registry's headers, as CSV in its encoding or as a one-sheet XLSX.

    Parameters
    ----------
    path : Path
        The file to write.
    registry : str
        The registry's name (a key of ``FILES``).
    columns : dict of str to list
        The cells as written (``format_columns``), per column, in file order.
    """
    headers = _headers(registry, list(columns))
    body = zip(*columns.values(), strict=True)
    spec = FILES[registry]
    if spec.fmt == "xlsx":
        _write_xlsx(path, headers, body)
        return
    path.write_bytes(_csv_bytes(registry, [headers, *body]))


def append_rows(path: Path, registry: str, rows: Iterable[Iterable[Any]]) -> None:
    """Append rows to one registry's CSV file, written as ``write_columns`` writes them.

    Parameters
    ----------
    path : Path
        The CSV file (written by ``write_columns``).
    registry : str
        The registry's name (a key of ``FILES``, a CSV one).
    rows : iterable of iterables
        The cells as written, per row, in the file's column order.
    """
    with path.open("ab") as handle:
        handle.write(_csv_bytes(registry, rows))


def _csv_bytes(registry: str, rows: Iterable[Iterable[Any]]) -> bytes:
    """Rows as the registry's CSV file holds them: its encoding, ``\r\n`` line ends."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(FILES[registry].encoding or "utf-8")


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


def write_drop(
    st: State, tables: dict[str, pd.DataFrame], drop: Path, noise: float,
    written: dict[str, dict[str, list]] | None = None,
) -> list[tuple]:  # fmt: skip
    """Write each registry's file into the drop, noisy and formatted as the county keeps it.

    Parameters
    ----------
    st : State
        The generation state.
    tables : dict of str to pd.DataFrame
        The clean tables.
    drop : Path
        The drop folder.
    noise : float
        Multiplier of every noise rate.
    written : dict of str to dict of str to list, optional
        Receives each registry's cells as written, per column in file order (what
        ``write_columns`` takes), so that the same rows can be written again (``monthly``).

    Returns
    -------
    list of tuple
        The noise log: ``(registry, row position, record_id, column, noise kind)`` per injection.
    """
    log_rows: list[tuple] = []
    for registry, frame in tables.items():
        values = apply_noise(frame, registry, st, noise, log_rows)
        columns = format_columns(values, registry, st, noise)
        columns.update(_extras(frame, registry))
        ordered = _write_registry(drop / FILES[registry].file, registry, columns, st)
        if written is not None:
            written[registry] = ordered
        log.info("wrote %s: %d rows", FILES[registry].file, len(frame))
    return log_rows


def write_csv(path: Path, header: list[str], rows: Iterable[Iterable[Any]]) -> None:
    """A truth CSV file: UTF-8, ``\\n`` line ends.

    Parameters
    ----------
    path : Path
        The file.
    header : list of str
        The header row.
    rows : iterable of iterables
        The rows.
    """
    with path.open("w", encoding="utf-8", newline="") as handle:  # streamed: a province's rows
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_jsonl(path: Path, items: list[dict[str, Any]]) -> None:
    """A truth JSONL file: one object a line, UTF-8.

    Parameters
    ----------
    path : Path
        The file.
    items : list of dict
        The objects.
    """
    path.write_text(
        "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items), encoding="utf-8"
    )


def write_truth(
    truth: Path, tables: dict[str, pd.DataFrame], derived: list, controls: list, log_rows: list
) -> None:
    """Write the truth: ``persons.csv``, ``cases.jsonl``, ``controls.jsonl`` and ``noise.csv``.

    Parameters
    ----------
    truth : Path
        The truth folder.
    tables : dict of str to pd.DataFrame
        The clean tables, with true ``pid``.
    derived : list
        The true cases.
    controls : list
        The negative controls.
    log_rows : list
        The noise log from ``write_drop``.
    """
    persons = (
        (registry, record, person_label(pid))
        for registry in PERSON_REGISTRIES
        for record, pid in zip(tables[registry]["record_id"], tables[registry]["pid"], strict=True)
    )
    write_csv(truth / "persons.csv", ["registry", "record_id", "person_id"], persons)
    write_jsonl(truth / "cases.jsonl", derived)
    write_jsonl(truth / "controls.jsonl", controls)
    order = list(FILES)
    columns = {r: [c.name for c in REGISTRIES[r].columns] for r in FILES}
    ordered = sorted(log_rows, key=lambda r: (order.index(r[0]), r[1], columns[r[0]].index(r[3])))
    write_csv(
        truth / "noise.csv",
        ["registry", "record_id", "column", "noise"],
        ((r[0], r[2], r[3], r[4]) for r in ordered),
    )
