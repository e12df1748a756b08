"""How well a clustering of rows into persons matches the true persons.

Both sides are tables of ``(registry, record_id, cluster)``. Pairs of rows in one cluster are
predicted links; pairs of rows of one true person are true links.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from models.evaluation.baselines import exact_id_clusters, stock_splink_clusters
from resolver.errors import InputError
from resolver.registries import PERSON_REGISTRIES


@dataclass(frozen=True)
class LinkScores:
    precision: float
    recall: float
    f1: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    recall_by_registry_pair: dict[str, float] = field(default_factory=dict)
    recall_ids_differ: float = 0.0
    true_pairs_ids_differ: int = 0
    clusters_with_two_valid_ids: int = 0
    """Clusters holding two usable IDs that cannot be one person's (see compatible_ids)."""

    def as_dict(self) -> dict:
        """The scores as a plain dict.

        Returns
        -------
        dict
            The fields.
        """
        return asdict(self)


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def score_clusters(
    con: duckdb.DuckDBPyConnection, predicted: str, truth: str, *, persons: str = "persons"
) -> LinkScores:
    """Score the clustering in table ``predicted`` against table ``truth`` (both with
    columns registry, record_id, cluster); ``persons`` gives each row's usable ID.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The database holding the tables.
    predicted : str
        The predicted clusters' table; a row missing there stands alone.
    truth : str
        The true clusters' table.
    persons : str, default "persons"
        The table of each row's ``id18`` and ``id_status``.

    Returns
    -------
    LinkScores
        Pairwise and B-cubed precision, recall and F1, recall per registry pair and where IDs
        differ, and the clusters holding two incompatible IDs.
    """
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _scored AS
        SELECT t.registry, t.record_id, t.cluster AS true_cluster,
               coalesce(p.cluster, t.registry || ':' || t.record_id) AS predicted_cluster,
               q.id18, q.id_status
        FROM {truth} t
        LEFT JOIN {predicted} p USING (registry, record_id)
        LEFT JOIN {persons} q USING (registry, record_id)
        """
    )
    pairs = _pair_counts(con)
    bcubed = _bcubed(con)
    by_pair = _recall_by_registry_pair(con)
    differ_recall, differ_total = _recall_where_ids_differ(con)
    two_ids = con.execute(
        """
        SELECT count(DISTINCT a.predicted_cluster) FROM _scored a JOIN _scored b
          ON a.predicted_cluster = b.predicted_cluster AND a.id18 < b.id18
        WHERE NOT (left(a.id18, 15) = left(b.id18, 15)
                   AND (right(a.id18, 3) = '000' OR right(b.id18, 3) = '000'))
        """
    ).fetchall()[0][0]
    return LinkScores(
        *pairs,
        *bcubed,
        recall_by_registry_pair=by_pair,
        recall_ids_differ=differ_recall,
        true_pairs_ids_differ=differ_total,
        clusters_with_two_valid_ids=two_ids,
    )


def _pair_counts(con: duckdb.DuckDBPyConnection) -> tuple[float, float, float]:
    both, predicted, true = con.execute(
        """
        SELECT
            (SELECT sum(n * (n - 1) / 2) FROM (SELECT count(*) AS n FROM _scored
                GROUP BY true_cluster, predicted_cluster)),
            (SELECT sum(n * (n - 1) / 2) FROM (SELECT count(*) AS n FROM _scored
                GROUP BY predicted_cluster)),
            (SELECT sum(n * (n - 1) / 2) FROM (SELECT count(*) AS n FROM _scored
                GROUP BY true_cluster))
        """
    ).fetchall()[0]
    precision = both / predicted if predicted else 1.0
    recall = both / true if true else 1.0
    return precision, recall, _f1(precision, recall)


def _bcubed(con: duckdb.DuckDBPyConnection) -> tuple[float, float, float]:
    precision, recall = con.execute(
        """
        WITH cells AS (SELECT true_cluster, predicted_cluster, count(*) AS n FROM _scored
                       GROUP BY ALL),
             true_sizes AS (SELECT true_cluster, count(*) AS n FROM _scored GROUP BY ALL),
             predicted_sizes AS (SELECT predicted_cluster, count(*) AS n FROM _scored
                                 GROUP BY ALL)
        SELECT sum(c.n * c.n / p.n) / sum(c.n), sum(c.n * c.n / t.n) / sum(c.n)
        FROM cells c JOIN true_sizes t USING (true_cluster)
        JOIN predicted_sizes p USING (predicted_cluster)
        """
    ).fetchall()[0]
    return precision, recall, _f1(precision, recall)


def _true_pairs_sql(where: str = "TRUE") -> str:
    return f"""
        SELECT a.registry AS registry_a, b.registry AS registry_b,
               a.predicted_cluster = b.predicted_cluster AS found
        FROM _scored a JOIN _scored b
          ON a.true_cluster = b.true_cluster
         AND (a.registry, a.record_id) < (b.registry, b.record_id)
        WHERE {where}
    """


def _recall_by_registry_pair(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    rows = con.execute(
        f"SELECT registry_a, registry_b, sum(found::INT), count(*) FROM ({_true_pairs_sql()}) "
        "GROUP BY ALL"
    ).fetchall()
    found: Counter[tuple[str, str]] = Counter()
    total: Counter[tuple[str, str]] = Counter()
    for registry_a, registry_b, hits, count in rows:
        key = tuple(sorted((registry_a, registry_b), key=PERSON_REGISTRIES.index))
        found[key] += hits
        total[key] += count
    return {f"{a}-{b}": found[(a, b)] / total[(a, b)] for a, b in sorted(total, key=_pair_order)}


def _pair_order(pair: tuple[str, str]) -> tuple[int, int]:
    return PERSON_REGISTRIES.index(pair[0]), PERSON_REGISTRIES.index(pair[1])


def _recall_where_ids_differ(con: duckdb.DuckDBPyConnection) -> tuple[float, int]:
    """Recall on the true pairs that an exact ID join cannot find: their IDs are not one
    usable ID on both sides (mistyped, 15-digit, damaged or blank on at least one)."""
    where = "NOT (a.id_status = 'valid' AND b.id_status = 'valid' AND a.id18 = b.id18)"
    recall, total = con.execute(
        f"SELECT avg(found::INT), count(*) FROM ({_true_pairs_sql(where)})"
    ).fetchall()[0]
    return (recall if recall is not None else 1.0), total


def load_truth(con: duckdb.DuckDBPyConnection, truth_dir: Path) -> None:
    """The true person of every row, from a synthetic county's ``persons.csv``, as table
    ``truth_persons`` (registry, record_id, cluster).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The database to write the table to.
    truth_dir : Path
        The county's truth folder.

    Raises
    ------
    InputError
        When the folder has no ``persons.csv``.
    """
    path = truth_dir / "persons.csv"
    if not path.is_file():
        raise InputError(path, None, None, "没有真值：缺少 persons.csv")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE truth_persons AS SELECT registry, record_id, "
        "person_id AS cluster FROM read_csv(?, all_varchar = true)",
        [str(path)],
    )


def evaluate_linking(
    con: duckdb.DuckDBPyConnection, truth_dir: Path, *, seed: int
) -> dict[str, LinkScores]:
    """Doudi's ``entities`` and the two baselines, each scored against the truth.

    Writes the baselines' cluster tables (``exact_id_clusters``, ``stock_splink_clusters``) as it
    goes.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        A linked database (with ``entities`` and ``persons``).
    truth_dir : Path
        The county's truth folder.
    seed : int
        Seed of the stock Splink model's training.

    Returns
    -------
    dict of str to LinkScores
        The scores of ``doudi``, ``exact_id`` and ``stock_splink``.
    """
    load_truth(con, truth_dir)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE doudi_clusters AS "
        "SELECT registry, record_id, person_id AS cluster FROM entities"
    )
    exact_id_clusters(con, "exact_id_clusters")
    stock_splink_clusters(con, "stock_splink_clusters", seed=seed)
    return {
        method: score_clusters(con, f"{method}_clusters", "truth_persons")
        for method in ("doudi", "exact_id", "stock_splink")
    }


def truth_pair_labels(con: duckdb.DuckDBPyConnection, truth_dir: Path) -> pa.Table:
    """Labelled pairs for Splink's accuracy charts from a synthetic county's truth: every
    pair of rows of one true person and every scored pair of the last link, each with
    ``clerical_match_score`` 1 (one person) or 0.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        A linked database (with ``scored_pairs``).
    truth_dir : Path
        The county's truth folder.

    Returns
    -------
    pa.Table
        ``unique_id_l``, ``unique_id_r`` and ``clerical_match_score``, sorted.
    """
    load_truth(con, truth_dir)
    return con.sql(
        """
        WITH truth AS (SELECT registry || ':' || record_id AS uid, cluster FROM truth_persons),
        pairs AS (
            SELECT a.uid AS unique_id_l, b.uid AS unique_id_r
            FROM truth a JOIN truth b ON a.cluster = b.cluster AND a.uid < b.uid
            UNION
            SELECT unique_id_l, unique_id_r FROM scored_pairs
        )
        SELECT p.unique_id_l, p.unique_id_r, (l.cluster = r.cluster)::INT AS clerical_match_score
        FROM pairs p JOIN truth l ON l.uid = p.unique_id_l JOIN truth r ON r.uid = p.unique_id_r
        ORDER BY ALL
        """
    ).to_arrow_table()
