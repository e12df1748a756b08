"""Finding cases: every detector over a household graph (``find_cases``), or over the graph
built from a county's rows, split by household (``models.components``) and searched one
process per part for a large county (``Searchers``)."""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date

import networkx as nx

from models.case_types import CASE_TABLES, DETECTORS
from models.cases import Case
from models.components import split_rows
from models.detectors.over_standard import GradualEnd, gradual_ends
from models.graph import GraphRows, graph_of, household_subgraph
from models.policy import Policy
from resolver.memory import collector_paused


@dataclass(frozen=True)
class Found:
    """The cases found, the household subgraph around each (by case id, as drawn on the
    page), the day the detectors judged "active" on, and the 低保 cases whose dated 渐退
    screening holds the first payment past (``gradual_ends``)."""

    cases: list[Case]
    subgraphs: dict[str, dict]
    as_of: date
    gradual_ends: list[GradualEnd]


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


class Searchers:
    """Worker processes that search a county by parts no household crosses
    (``models.components``): each part's graph is built and searched in a worker, one part
    per worker at a time, so a worker holds one part's graph and the caller a few parts'
    rows, however large the county. The processes start on entering (importing the
    detectors while the caller reads the rows). The cases found are the same whatever the
    number of parts (only their order may differ); with one part the graph is built and
    searched in this process.

    Parameters
    ----------
    parts : int
        How many parts to cut the county into.
    processes : int
        How many worker processes search them (at most ``parts``).
    """

    def __init__(self, parts: int, processes: int) -> None:
        self.parts = parts
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Searchers:
        if self.parts <= 1:
            return self
        workers = max(1, min(self.parts, self.processes))
        context = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
        for _ in range(workers):  # one task each starts every process now
            self._pool.submit(_ready)
        return self

    def __exit__(self, *_: object) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def detect(self, rows: GraphRows, policy: Policy) -> Found:
        """Every detector's cases (not yet scored) in the graph built from ``rows``.

        Parameters
        ----------
        rows : GraphRows
            What the graph is built from (``models.graph.graph_rows``).
        policy : Policy
            The policy profile the detectors apply.

        Returns
        -------
        Found
            The cases, each case's household subgraph, the as-of day and the dated 渐退.
        """
        if self._pool is None:
            return search_part(rows, policy)
        found = list(self._searched(split_rows(rows, self.parts, CASE_TABLES), policy))
        return Found(
            cases=[case for part in found for case in part.cases],
            subgraphs={key: value for part in found for key, value in part.subgraphs.items()},
            as_of=rows.as_of,
            gradual_ends=[end for part in found for end in part.gradual_ends],
        )

    def _searched(self, parts: Iterator[GraphRows], policy: Policy) -> Iterator[Found]:
        """What each part holds, in order, with at most one part per worker waiting beside
        those being searched (``Executor.map`` would cut and queue every part at once)."""
        pending: deque[Future[Found]] = deque()
        for part in parts:
            pending.append(self._pool.submit(search_part, part, policy))
            if len(pending) > 2 * self.processes:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _ready() -> None:
    """Nothing: a worker that ran it has imported the detectors."""


@collector_paused()  # the graph's many objects live only here: no collector scans them
def search_part(rows: GraphRows, policy: Policy) -> Found:
    """The cases (not yet scored) in the graph built from ``rows`` (a whole county, or a part
    no household crosses), with each case's household subgraph.

    Parameters
    ----------
    rows : GraphRows
        What the graph is built from.
    policy : Policy
        The policy profile the detectors apply.

    Returns
    -------
    Found
        The cases, their subgraphs, the as-of day and the dated 渐退 screening holds by.
    """
    graph = graph_of(rows)
    cases = find_cases(graph, policy)
    subgraphs = {case.case_id: household_subgraph(graph, case.person_ids) for case in cases}
    return Found(cases, subgraphs, rows.as_of, gradual_ends(graph, policy))
