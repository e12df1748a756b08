"""Stable ``person_id``: a person whose rows did not change keeps the id across re-runs and
across next month's drop.

Each row carries a fingerprint of its normalised values. A new cluster inherits the id that
most of its unchanged rows had before; when several clusters claim one old id (a person
split), the cluster with the most of its rows keeps it. Everyone else gets a fresh id derived
from the cluster's first row, so a first run on the same data always gives the same ids.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict

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
    members: dict[str, list[str]] = defaultdict(list)
    for unique_id, cluster in cluster_of.items():
        members[cluster].append(unique_id)
    claims: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for cluster, uids in members.items():
        votes = Counter(
            history[uid][1]
            for uid in uids
            if uid in history and history[uid][0] == fingerprints.get(uid)
        )
        if votes:
            old_id, count = min(votes.items(), key=lambda item: (-item[1], item[0]))
            claims[old_id].append((count, cluster))
    person_of_cluster = {
        max(claimants, key=lambda claim: (claim[0], _negated(claim[1])))[1]: old_id
        for old_id, claimants in claims.items()
    }
    taken = set(person_of_cluster.values()) | {person for _, person in history.values()}
    for cluster in sorted(members):
        if cluster not in person_of_cluster:
            person_of_cluster[cluster] = _fresh_id(min(members[cluster]), taken)
            taken.add(person_of_cluster[cluster])
    return {uid: person_of_cluster[cluster] for uid, cluster in cluster_of.items()}


def _negated(text: str) -> tuple[int, ...]:
    """Order strings so that ``max`` prefers the smallest."""
    return tuple(-ord(char) for char in text)


def _fresh_id(first_row: str, taken: set[str]) -> str:
    salt = 0
    while True:
        digest = hashlib.sha1(f"{first_row}#{salt}".encode()).hexdigest()[:10].upper()
        candidate = f"{PREFIX}{digest}"
        if candidate not in taken:
            return candidate
        salt += 1
