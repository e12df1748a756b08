"""Clusters of rows that do not chain.

Plain connected components merge two people through one weak link. Here links are taken
strongest first (Kruskal's order), and a link is refused when the two groups it would join
hold two different usable IDs, or two rows of one household (one hukou family, one
assistance case, one poverty household: the members of a household are different people)
covered at one time. Two rows of one case whose coverage periods do not overlap may be one
member who left and came back (an old row ended, a new row begun months later), and join
when the links say so; two rows covered in the same months stay two people.
Two rows a reviewer labelled "not the same person" never join, not even through other rows.
Before that, a row without a usable ID that links about equally well to two people with
different usable IDs (a death notice of one of two namesakes born the same day in one
village) is ambiguous and joins neither.
(IDs that differ only by a spreadsheet's zeroed tail are one ID.) Then a group that hangs
together only by one link below ``bridge_threshold`` (a bridge with
two or more rows on each side) is cut there.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

import networkx as nx
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


# Named tuples, not dataclasses: a county makes a million of them, and a tuple is made and
# hashed several times faster.
class Row(NamedTuple):
    unique_id: str
    id18: str | None
    household_key: str | None
    # The row's coverage period in its household (a roster row's start and end); a bound
    # not known is open.
    started: date | None = None
    ended: date | None = None


class _Membership(NamedTuple):
    household_key: str
    started: date
    ended: date

    def clashes(self, other: _Membership) -> bool:
        """One household, periods that share a day: two members at one time."""
        return (self.household_key == other.household_key
                and self.started <= other.ended and other.started <= self.ended)  # fmt: skip


class Link(NamedTuple):
    left: str
    right: str
    probability: float


@dataclass
class Clustering:
    """``cluster_of`` maps each unique_id to its cluster's smallest unique_id; ``accepted``
    holds the links inside clusters; ``refused`` the links at or above the threshold that
    were not taken, with the reason (``ambiguous``, ``two_ids``, ``same_household``,
    ``labelled_apart``, ``bridge``)."""

    cluster_of: dict[str, str]
    accepted: list[Link]
    refused: list[tuple[Link, str]]


NONE: frozenset[str] = frozenset()


def compatible_ids(first: str, second: str) -> bool:
    """Two usable IDs can be one person's only if equal, or if one is the other with its last
    three digits zeroed by a spreadsheet (which passes the check digit one time in eleven).

    Parameters
    ----------
    first : str
        A usable 18-character ID number.
    second : str
        Another usable 18-character ID number.

    Returns
    -------
    bool
        True if the two IDs may belong to one person.
    """
    if first == second:
        return True
    return first[:15] == second[:15] and "000" in (first[15:], second[15:])


class _Groups:
    """Union-find whose groups remember their usable IDs, household memberships (key and
    period) and the rows a reviewer said are other people (``apart``)."""

    def __init__(self, rows: Iterable[Row], apart: Iterable[tuple[str, str]] = ()) -> None:
        self.parent: dict[str, str] = {}
        self.size: dict[str, int] = {}
        self.ids: dict[str, frozenset[str]] = {}
        self.households: dict[str, frozenset[_Membership]] = {}
        for row in rows:
            self.parent[row.unique_id] = row.unique_id
            self.size[row.unique_id] = 1
            if row.id18:
                self.ids[row.unique_id] = frozenset((row.id18,))
            if row.household_key:
                self.households[row.unique_id] = frozenset(
                    (
                        _Membership(
                            row.household_key, row.started or date.min, row.ended or date.max
                        ),
                    )
                )
        self.apart: dict[str, frozenset[str]] = {}
        for first, second in apart:
            for row, other in ((first, second), (second, first)):
                if row in self.parent:
                    self.apart[row] = self.apart.get(row, NONE) | {other}

    def find(self, node: str) -> str:
        root = node
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[node] != root:
            self.parent[node], node = root, self.parent[node]
        return root

    def conflict(self, first: str, second: str) -> str | None:
        if any(self._root(row) == second for row in self.apart.get(first, NONE)):
            return "labelled_apart"
        ids, other_ids = self.ids.get(first, NONE), self.ids.get(second, NONE)
        if not all(compatible_ids(a, b) for a in ids for b in other_ids):
            return "two_ids"
        if any(
            mine.clashes(theirs)
            for mine in self.households.get(first, NONE)
            for theirs in self.households.get(second, NONE)
        ):
            return "same_household"
        return None

    def _root(self, row: str) -> str:
        return self.find(row) if row in self.parent else row

    def union(self, first: str, second: str) -> None:
        if self.size[first] < self.size[second]:
            first, second = second, first
        self.parent[second] = first
        self.size[first] += self.size.pop(second)
        for keys in (self.ids, self.households, self.apart):
            if second in keys:
                keys[first] = keys.get(first, NONE) | keys.pop(second)


def cluster_rows(
    rows: Iterable[Row],
    links: Iterable[Link],
    *,
    threshold: float,
    bridge_threshold: float,
    ambiguity_margin: float = 5.0,
    apart: Iterable[tuple[str, str]] = (),
) -> Clustering:
    """Cluster ``rows`` by the ``links`` at or above ``threshold`` without chaining.

    Complexity: O(L log L) for L links, plus a bridge search per cluster (linear in its size).

    Parameters
    ----------
    rows : Iterable[Row]
        Every row to cluster; a row no link reaches is a cluster of its own.
    links : Iterable[Link]
        Scored pairs of rows; those below ``threshold`` are ignored.
    threshold : float
        Match probability a link needs to be considered.
    bridge_threshold : float
        Match probability below which a link that alone holds two groups of two or more
        rows together is cut.
    ambiguity_margin : float
        How many bits of match weight the best link of a row without a usable ID must lead
        by when the row links to two people with different usable IDs.
    apart : Iterable[tuple[str, str]]
        Pairs of unique_ids that must end in different clusters.

    Returns
    -------
    Clustering
        Each row's cluster, the accepted links and the refused ones with their reason.

    Examples
    --------
    >>> rows = [Row("a", "1", None), Row("b", None, None), Row("c", "2", None)]
    >>> links = [Link("a", "b", 0.99), Link("b", "c", 0.98)]
    >>> result = cluster_rows(rows, links, threshold=0.9, bridge_threshold=0.5,
    ...                       ambiguity_margin=0.0)
    >>> result.cluster_of == {"a": "a", "b": "a", "c": "c"}
    True
    """
    rows = list(rows)
    strong = [link for link in links if link.probability >= threshold]
    ambiguous = _ambiguous_rows(strong, {row.unique_id: row.id18 for row in rows},
                                ambiguity_margin)  # fmt: skip
    refused: list[tuple[Link, str]] = [
        (link, "ambiguous") for link in strong if link.left in ambiguous or link.right in ambiguous
    ]
    strongest_first = sorted(
        (link for link in strong if link.left not in ambiguous and link.right not in ambiguous),
        key=lambda link: (-link.probability, link.left, link.right),
    )
    # A row no link reaches is a person alone: only linked rows need the union-find.
    linked = {end for link in strongest_first for end in (link.left, link.right)}
    groups = _Groups((row for row in rows if row.unique_id in linked), apart)
    accepted: list[Link] = []
    for link in strongest_first:
        first, second = groups.find(link.left), groups.find(link.right)
        if first == second:
            accepted.append(link)
            continue
        reason = groups.conflict(first, second)
        if reason:
            refused.append((link, reason))
            continue
        groups.union(first, second)
        accepted.append(link)
    # Only a group of four or more rows holding a weak link can hang on a weak bridge with
    # two rows on each side.
    weak_groups = {root for link in accepted if link.probability < bridge_threshold
                   and groups.size[root := groups.find(link.left)] >= 4}  # fmt: skip
    if weak_groups:
        candidates = [link for link in accepted if groups.find(link.left) in weak_groups]
        bridges = _weak_bridges(candidates, bridge_threshold)
        cut = set(bridges)
        accepted = [link for link in accepted if link not in cut]
        refused += [(link, "bridge") for link in bridges]
    cluster_of = {row.unique_id: row.unique_id for row in rows}
    cluster_of |= components(groups.parent, ((link.left, link.right) for link in accepted))
    return Clustering(cluster_of, accepted, refused)


def _ambiguous_rows(links: list[Link], id_of: dict[str, str | None], margin: float) -> set[str]:
    """Rows without a usable ID whose links reach two people with different usable IDs,
    the weaker within ``margin`` bits of match weight of the stronger."""
    best: dict[str, dict[str, float]] = {}
    for link in links:
        for row, other in ((link.left, link.right), (link.right, link.left)):
            if id_of.get(row) is None and id_of.get(other) is not None:
                weights = best.setdefault(row, {})
                weight = _match_weight(link.probability)
                weights[id_of[other]] = max(weight, weights.get(id_of[other], weight))
    ambiguous = set()
    for row, weights in best.items():
        ranked = sorted(weights.items(), key=lambda item: -item[1])
        top_id, top_weight = ranked[0]
        if any(not compatible_ids(top_id, other_id) and top_weight - weight < margin
               for other_id, weight in ranked[1:]):  # fmt: skip
            ambiguous.add(row)
    return ambiguous


def _match_weight(probability: float) -> float:
    """Bits of evidence: log2 of the odds (a probability of 1 counts as 1 - 1e-15)."""
    probability = min(probability, 1 - 1e-15)
    return math.log2(probability / (1 - probability))


def _weak_bridges(links: list[Link], bridge_threshold: float) -> list[Link]:
    """The links to cut: weakest first and until none is left, each link below
    ``bridge_threshold`` that alone holds two groups of two or more rows together."""
    graph = nx.Graph()
    for link in links:
        graph.add_edge(link.left, link.right, link=link)
    cut: list[Link] = []
    while True:
        weak = sorted(
            (graph.edges[edge]["link"] for edge in nx.bridges(graph)),
            key=lambda link: (link.probability, link.left, link.right),
        )
        cut_before = len(cut)
        for link in weak:
            if link.probability >= bridge_threshold:
                break
            graph.remove_edge(link.left, link.right)
            left_side = nx.node_connected_component(graph, link.left)
            if len(left_side) >= 2 and len(nx.node_connected_component(graph, link.right)) >= 2:
                cut.append(link)
            else:
                graph.add_edge(link.left, link.right, link=link)
        if len(cut) == cut_before:
            return cut


def components(nodes: Iterable[str], edges: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Plain connected components: each node mapped to its component's smallest node.

    Union-find that always keeps the smaller node as the root: O((N + E) α(N)).

    Parameters
    ----------
    nodes : Iterable[str]
        Every node, including those no edge touches.
    edges : Iterable[tuple[str, str]]
        Pairs of nodes to join; both ends must be among ``nodes``.

    Returns
    -------
    dict[str, str]
        Each node mapped to the smallest node of its component.
    """
    parent = {node: node for node in nodes}

    def find(node: str) -> str:
        root = node
        while parent[root] != root:
            root = parent[root]
        while parent[node] != root:
            parent[node], node = root, parent[node]
        return root

    for left, right in edges:
        first, second = find(left), find(right)
        if first != second:
            parent[max(first, second)] = min(first, second)
    return {node: find(node) for node in parent}


@dataclass
class TableClustering:
    """``cluster_rows`` as tables, for a county: ``clusters`` (unique_id, cluster: the
    cluster's smallest unique_id) of every row a link reaches, ``accepted`` links
    (``LINK_SCHEMA``) and ``refused`` ones (with their ``reason``)."""

    clusters: pa.Table
    accepted: pa.Table
    refused: pa.Table


LINK_SCHEMA = pa.schema([("unique_id_l", pa.string()), ("unique_id_r", pa.string()),
                         ("match_probability", pa.float64())])  # fmt: skip


def cluster_table(
    rows: pa.Table,
    links: pa.Table,
    *,
    threshold: float,
    bridge_threshold: float,
    ambiguity_margin: float = 5.0,
    apart: Iterable[tuple[str, str]] = (),
) -> TableClustering:
    """What ``cluster_rows`` gives for ``rows`` (unique_id, id18, household_key, started,
    ended: every row a link reaches) and ``links`` (``LINK_SCHEMA``), without a Python object per row for
    almost all of a county.

    The links at or above ``threshold`` fall into plain connected components. In a component
    with at most one usable ID, no household key twice, no link below ``bridge_threshold``
    and no pair labelled apart, no link can be ambiguous, refused or cut: ``cluster_rows``
    would accept every link and make the component one cluster, so it is taken whole. Only
    the other components (a few hundred in a county of 650,000 people) go through
    ``cluster_rows``.

    Complexity: O(R + L) array work for R rows and L links, plus ``cluster_rows`` on the
    components that could hold a conflict.

    Parameters
    ----------
    rows : pa.Table
        unique_id, id18, household_key and the coverage period (started, ended) of every
        row a link reaches.
    links : pa.Table
        Scored pairs (``LINK_SCHEMA``); those below ``threshold`` are ignored.
    threshold : float
        Match probability a link needs to be considered.
    bridge_threshold : float
        Match probability below which a link that alone holds two groups of two or more
        rows together is cut.
    ambiguity_margin : float
        Bits of match weight by which a row without a usable ID must favour one of two
        people with different usable IDs (see ``cluster_rows``).
    apart : Iterable[tuple[str, str]]
        Pairs of unique_ids that must end in different clusters.

    Returns
    -------
    TableClustering
        The clusters, accepted links and refused links (with their reason) as tables.
    """
    apart = list(apart)
    strong = links.filter(pc.greater_equal(links["match_probability"], threshold))
    strong = strong.cast(LINK_SCHEMA).combine_chunks()
    ends = pa.concat_arrays([strong["unique_id_l"].chunk(0), strong["unique_id_r"].chunk(0)]
                            ) if len(strong) else pa.array([], pa.string())  # fmt: skip
    encoded = pc.dictionary_encode(ends)
    nodes, count = encoded.dictionary, len(strong)
    index = encoded.indices.to_numpy()
    matrix = coo_matrix((np.ones(count, dtype=np.int8), (index[:count], index[count:])),
                        shape=(len(nodes), len(nodes)))  # fmt: skip
    component = connected_components(matrix, directed=False)[1]
    link_component = component[index[:count]]
    dirty = _conflicted_components(
        rows, nodes, component, strong, link_component, bridge_threshold, apart
    )
    clean_nodes = ~np.isin(component, dirty)
    clean_links = ~np.isin(link_component, dirty)
    slow = cluster_rows(
        _rows_of(rows, nodes.filter(pa.array(~clean_nodes))),
        map(Link._make, zip(*strong.filter(pa.array(~clean_links)).to_pydict().values(),
                            strict=True)),
        threshold=threshold, bridge_threshold=bridge_threshold,
        ambiguity_margin=ambiguity_margin, apart=apart,
    )  # fmt: skip
    clusters = pa.concat_tables([
        _smallest_of_components(nodes.filter(pa.array(clean_nodes)), component[clean_nodes]),
        pa.table({"unique_id": list(slow.cluster_of), "cluster": list(slow.cluster_of.values())},
                 schema=CLUSTER_SCHEMA),
    ])  # fmt: skip
    accepted = pa.concat_tables([strong.filter(pa.array(clean_links)),
                                 _links_table(slow.accepted)])  # fmt: skip
    refused = _links_table([link for link, _ in slow.refused]).append_column(
        "reason", pa.array([reason for _, reason in slow.refused], pa.string())
    )
    return TableClustering(clusters, accepted, refused)


CLUSTER_SCHEMA = pa.schema([("unique_id", pa.string()), ("cluster", pa.string())])


def _conflicted_components(
    rows: pa.Table, nodes: pa.Array, component: np.ndarray, links: pa.Table,
    link_component: np.ndarray, bridge_threshold: float, apart: list[tuple[str, str]],
) -> np.ndarray:  # fmt: skip
    """The components that hold two usable IDs, a household key twice, a link below
    ``bridge_threshold`` or both rows of a pair labelled apart."""
    known = rows.take(pc.index_in(nodes, value_set=rows["unique_id"]))
    by_node = pa.table({"component": component, "id18": known["id18"],
                        "household_key": known["household_key"]})  # fmt: skip
    ids = by_node.filter(pc.is_valid(by_node["id18"])).group_by("component").aggregate(
        [("id18", "count_distinct")])  # fmt: skip
    households = (
        by_node.filter(pc.is_valid(by_node["household_key"]))
        .group_by(["component", "household_key"]).aggregate([("household_key", "count")])
    )  # fmt: skip
    weak = link_component[(links["match_probability"].to_numpy() < bridge_threshold)]
    lefts = pc.index_in(pa.array([left for left, _ in apart], pa.string()), value_set=nodes)
    rights = pc.index_in(pa.array([right for _, right in apart], pa.string()), value_set=nodes)
    labelled = [component[left] for left, right in zip(lefts.to_pylist(), rights.to_pylist(),
                                                       strict=True)
                if left is not None and right is not None and component[left] == component[right]]  # fmt: skip
    return np.unique(np.concatenate([
        ids.filter(pc.greater(ids["id18_count_distinct"], 1))["component"].to_numpy(),
        households.filter(pc.greater(households["household_key_count"], 1))["component"]
        .to_numpy(),
        weak, np.array(labelled, dtype=component.dtype),
    ]).astype(component.dtype))  # fmt: skip


def _rows_of(rows: pa.Table, wanted: pa.Array) -> list[Row]:
    chosen = rows.filter(pc.is_in(rows["unique_id"], value_set=wanted))
    columns = chosen.select(list(Row._fields)).to_pydict().values()
    return list(map(Row._make, zip(*columns, strict=True)))


def _smallest_of_components(nodes: pa.Array, component: np.ndarray) -> pa.Table:
    """Each node with the smallest node of its component."""
    table = pa.table({"unique_id": nodes, "component": component})
    smallest = table.group_by("component").aggregate([("unique_id", "min")])
    joined = table.join(smallest, "component")
    return pa.table({"unique_id": joined["unique_id"], "cluster": joined["unique_id_min"]},
                    schema=CLUSTER_SCHEMA)  # fmt: skip


def _links_table(links: list[Link]) -> pa.Table:
    return pa.table({"unique_id_l": [link.left for link in links],
                     "unique_id_r": [link.right for link in links],
                     "match_probability": [link.probability for link in links]},
                    schema=LINK_SCHEMA)  # fmt: skip
