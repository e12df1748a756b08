"""The household graph's rows split into parts that no household crosses, so that each part's
graph is built and searched on its own (in its own process, for a large county).

Every detector looks only at a person's families, cases, poverty households, notices,
certificates, accounts, and the phones and addresses shared on the roster: at what the rows tie
together (``models.graph.TIES``). The connected components of those ties are therefore the
units a detector never reaches across, and a part is a set of whole components. The cases
found in the parts together are the cases found in the whole graph.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from models.graph import TIES, GraphRows

SHARED_KINDS = ("phone", "address")  # nodes only when two or more persons share them


def split_rows(rows: GraphRows, parts: int, holding: Collection[str] = ()
               ) -> Iterator[GraphRows]:  # fmt: skip
    """``rows`` split into at most ``parts`` parts of whole components, of about equal numbers
    of rows, made one at a time as they are asked for (a caller holding one part at a time
    holds no second copy of the rows). With ``holding``, only the components with a row of
    one of those tables are in a part (the detectors' ``CASE_TABLES``: most of a county is
    households on no roster and in no 建档立卡 household, where no detector finds a case).

    Complexity: O(R log R) for the R rows (one dictionary of the nodes, one sparse
    connected-components pass).

    Parameters
    ----------
    rows : GraphRows
        What the whole graph is built from.
    parts : int
        How many parts to make (1: ``rows`` itself, whole).
    holding : Collection[str]
        Keep only the components holding a row of one of these tables (all when empty).

    Yields
    ------
    GraphRows
        The parts that have rows, each with the graph-wide attributes of ``rows`` and its
        tables' rows in their order in ``rows``.

    Examples
    --------
    >>> from datetime import date
    >>> table = pa.table({"person_id": ["a", "b", "c"], "hukou_no": ["F1", "F2", "F1"]})
    >>> whole = GraphRows(date(2026, 1, 31), {}, frozenset(), {"hukou": table})
    >>> [part.tables["hukou"]["person_id"].to_pylist() for part in split_rows(whole, 2)]
    [['a', 'c'], ['b']]
    """
    if parts <= 1:
        yield rows
        return
    codes, nodes = _node_codes(rows)
    homes = {name: codes[name, 0] for name in rows.tables}
    ties = [(codes[name, 0], codes[name, position])
            for name in rows.tables for position in range(1, len(TIES[name]))]  # fmt: skip
    left = np.concatenate([home[other >= 0] for home, other in ties])
    right = np.concatenate([other[other >= 0] for _, other in ties])
    matrix = coo_matrix((np.ones(len(left), np.int8), (left, right)), shape=(nodes, nodes))
    _, component = connected_components(matrix, directed=False)
    home_rows = np.bincount(np.concatenate(list(homes.values())), minlength=nodes)
    sizes = np.bincount(component, weights=home_rows)
    held = np.ones(len(sizes), dtype=bool)
    if holding:
        held[:] = False
        for name in set(holding) & set(homes):
            held[component[homes[name]]] = True
    part_of_node = np.where(held, _balanced(sizes * held, parts), -1)[component]
    for part in range(parts):
        tables = {name: table.filter(pa.array(part_of_node[homes[name]] == part))
                  for name, table in rows.tables.items()}  # fmt: skip
        if any(table.num_rows for table in tables.values()):
            yield replace(rows, tables=tables)


def _node_codes(rows: GraphRows) -> tuple[dict[tuple[str, int], np.ndarray], int]:
    """A number for every node the rows name: for each table and each of its ``TIES``
    (by position), the node of each row (-1 where it names none: a blank value, or a phone
    or address nobody else uses), and how many nodes there are."""
    by_kind: dict[str, list[tuple[tuple[str, int], pa.Array]]] = {}
    for name, table in rows.tables.items():
        for position, (kind, column) in enumerate(TIES[name]):
            values = table[column].combine_chunks().cast(pa.string())
            by_kind.setdefault(kind, []).append(((name, position), values))
    codes, nodes = {}, 0
    for kind, columns in by_kind.items():
        encoded = pc.dictionary_encode(pa.concat_arrays([values for _, values in columns]))
        numbers = pc.fill_null(encoded.indices, -1).to_numpy()
        if kind in SHARED_KINDS:  # a phone or address is a node only when shared
            shared = pa.array([value for of, value in rows.shared if of == kind], pa.string())
            # one more entry, False, for the blanks' -1
            named = np.append(pc.is_in(encoded.dictionary, shared).to_numpy(False), False)
            numbers = np.where(named[numbers], numbers, -1)
        numbers = np.where(numbers >= 0, numbers + nodes, -1)
        nodes += len(encoded.dictionary)
        start = 0
        for key, values in columns:
            codes[key] = numbers[start : start + len(values)]
            start += len(values)
    return codes, nodes


def _balanced(sizes: np.ndarray, parts: int) -> np.ndarray:
    """The part of each component given its ``sizes`` (rows): components in order, cut where
    the running count passes each multiple of the total over ``parts`` (no part exceeds its
    share by more than one component)."""
    before = np.cumsum(sizes) - sizes
    return np.minimum(before * parts // max(sizes.sum(), 1), parts - 1).astype(np.int64)
