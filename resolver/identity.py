"""Stable ``person_id``: a person whose rows did not change keeps the id across re-runs and
across next month's drop.

Each row carries a fingerprint of its normalised values. A new cluster inherits the id that
most of its unchanged rows had before; when several clusters claim one old id (a person
split), the cluster with the most of its rows keeps it. Everyone else gets a fresh id derived
from the cluster's first row, so a first run on the same data always gives the same ids.
"""

from __future__ import annotations

import hashlib
from collections import Counter

PREFIX = "P"


def assign_person_ids(
    cluster_of: dict[str, str],
    fingerprints: dict[str, str],
    history: dict[str, tuple[str, str]],
) -> dict[str, str]:
    """The person_id of every unique_id.

    ``cluster_of``: unique_id -> cluster; ``fingerprints``: unique_id -> fingerprint now;
    ``history``: unique_id -> (fingerprint, person_id) from the previous run.

    >>> assign_person_ids({"a": "a", "b": "a"}, {"a": "x", "b": "y"}, {"a": ("x", "P1")})
    {'a': 'P1', 'b': 'P1'}
    """
    votes = Counter(
        (cluster_of[uid], person)
        for uid, (fingerprint, person) in history.items()
        if uid in cluster_of and fingerprints.get(uid) == fingerprint
    )
    # Each cluster's candidate: the old id most of its unchanged rows had (ties: smallest).
    candidate: dict[str, tuple[int, str]] = {}
    for (cluster, person), count in votes.items():
        best = candidate.get(cluster)
        if _better(count, person, best):
            candidate[cluster] = (count, person)
    # Each old id goes to the cluster that claims it with the most rows (ties: smallest).
    winner: dict[str, tuple[int, str]] = {}
    for cluster, (count, person) in candidate.items():
        best = winner.get(person)
        if _better(count, cluster, best):
            winner[person] = (count, cluster)
    person_of_cluster = {cluster: person for person, (_, cluster) in winner.items()}
    taken = set(winner) | {person for _, person in history.values()}
    first_row: dict[str, str] = {}
    for uid, cluster in cluster_of.items():
        if cluster not in first_row or uid < first_row[cluster]:
            first_row[cluster] = uid
    for cluster in sorted(first_row):
        if cluster not in person_of_cluster:
            person_of_cluster[cluster] = _fresh_id(first_row[cluster], taken)
            taken.add(person_of_cluster[cluster])
    return {uid: person_of_cluster[cluster] for uid, cluster in cluster_of.items()}


def _better(count: int, key: str, best: tuple[int, str] | None) -> bool:
    """More rows win; on a tie the smaller key."""
    return best is None or count > best[0] or (count == best[0] and key < best[1])


def _fresh_id(first_row: str, taken: set[str]) -> str:
    salt = 0
    while True:
        digest = hashlib.sha1(f"{first_row}#{salt}".encode()).hexdigest()[:10].upper()
        candidate = f"{PREFIX}{digest}"
        if candidate not in taken:
            return candidate
        salt += 1
