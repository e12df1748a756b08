"""Finding cases: every detector over a household graph, or over a county's graph rows split
by household (``models.components``) and searched one process per part."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from itertools import repeat

import networkx as nx

from models.case_types import DETECTORS
from models.cases import Case
from models.components import split_rows
from models.graph import GraphRows, graph_of, household_subgraph
from models.policy import Policy
from resolver.memory import collector_paused


@dataclass(frozen=True)
class Found:
    """The cases found, the household subgraph around each (by case id, as drawn on the
    page), and the day the detectors judged "active" on."""

    cases: list[Case]
    subgraphs: dict[str, dict]
    as_of: date


@collector_paused()
def find_cases(graph: nx.MultiGraph, policy: Policy) -> list[Case]:
    """Every detector's cases, not yet scored.

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph.
    policy : Policy
        The policy profile the detectors apply.

    Returns
    -------
    list of Case
        The cases, detector by detector in ``DETECTORS`` order.
    """
    return [case for detect in DETECTORS.values() for case in detect(graph, policy)]


def detect_cases(rows: GraphRows, policy: Policy, *, parts: int = 1) -> Found:
    """Every detector's cases (not yet scored) in the graph built from ``rows``: the rows
    split into ``parts`` that no household crosses, each part's graph built and searched in
    a process of its own (in this one when ``parts`` is 1). The cases are the same whatever
    ``parts`` is; only their order may differ.

    Parameters
    ----------
    rows : GraphRows
        What the graph is built from (``models.graph.graph_rows``).
    policy : Policy
        The policy profile the detectors apply.
    parts : int
        How many processes to search in.

    Returns
    -------
    Found
        The cases, each case's household subgraph, and the as-of day.
    """
    pieces = split_rows(rows, parts)
    if len(pieces) == 1:
        return _detect_part(pieces[0], policy)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=len(pieces), mp_context=context) as pool:
        found = list(pool.map(_detect_part, pieces, repeat(policy)))
    return Found(
        cases=[case for part in found for case in part.cases],
        subgraphs={key: value for part in found for key, value in part.subgraphs.items()},
        as_of=rows.as_of,
    )


@collector_paused()  # the graph's many objects live only here: no collector scans them
def _detect_part(rows: GraphRows, policy: Policy) -> Found:
    graph = graph_of(rows)
    cases = find_cases(graph, policy)
    subgraphs = {case.case_id: household_subgraph(graph, case.person_ids) for case in cases}
    return Found(cases, subgraphs, rows.as_of)
