"""Splink 5 on Spark behind one narrow interface, for drops too large for one machine:
``spark_session`` starts (or joins) Spark with Splink's similarity functions,
``score_pairs_on_spark`` scores every blocked pair of a drop with a model trained on DuckDB,
``cluster_on_spark`` clusters the pairs as ``resolver.clustering.cluster_table`` does, with
Splink's distributed connected components (``connected_components_on_spark``, also used to
split the household graph), and ``to_spark`` / ``from_spark`` move tables in and out.

The comparisons are written once, in DuckDB's SQL (``resolver.comparisons``): plain SQL
over precomputed columns, no Python UDF. ``spark_model`` translates a trained model's SQL
with sqlglot (the translator Splink itself uses), the string similarity named as Splink's jar
names it. The model is estimated on DuckDB from bounded samples (``resolver.splink_backend``)
and then scores on Spark: the same model, so the same pairs.

Tables cross between this process and Spark as Parquet files in a work folder: rows go in,
scored pairs and clusters come out as Arrow tables.
"""

from __future__ import annotations

import logging
import os
import sys
import uuid
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from copy import deepcopy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import sqlglot
from sqlglot import exp

from resolver.clustering import (
    CLUSTER_SCHEMA,
    LINK_SCHEMA,
    Link,
    Row,
    TableClustering,
    cluster_rows,
)
from resolver.errors import DoudiError
from resolver.splink_backend import pair_columns

log = logging.getLogger(__name__)

SPARK_SETTINGS = {
    "spark.sql.shuffle.partitions": "8",
    "spark.ui.enabled": "false",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.driver.memory": "4g",
    "spark.ui.showConsoleProgress": "false",
}
"""Settings for a local Spark; on a cluster, ``spark-submit`` sets its own."""
LOG_SETTINGS = Path(__file__).with_name("spark_log4j2.properties")


NO_PYSPARK = "未安装 Spark（pyspark）：请在项目环境中安装 pyspark 4（make test 会自动安装），或改用 --engine duckdb。"
NO_JAVA = (
    "Spark 无法启动（需要 Java 17 或更高版本，例如 Debian 的 openjdk-17-jre-headless）：{error}"
)


@dataclass(frozen=True)
class SparkEngine:
    """A Spark session and the folder of the Parquet files exchanged with it (on a cluster,
    a folder every node reads: a shared file system or object store)."""

    spark: Any
    work: Path


@contextmanager
def spark_engine(work: Path, master: str | None = None) -> Iterator[SparkEngine]:
    """A Spark session with Splink's similarity jar and a checkpoint folder under ``work``:
    a local one (``master``, default ``local[<cores>]``, stopped on leaving), unless this
    process was started by ``spark-submit`` or already has a session, whose master, settings
    and jars are used (``spark-submit --jars`` must then name Splink's jar).

    Parameters
    ----------
    work : Path
        Folder for Spark's checkpoints and the Parquet files exchanged with it.
    master : str | None
        The Spark master of a local session.

    Yields
    ------
    SparkEngine
        The session and ``work``.
    """
    try:
        from pyspark.errors import PySparkRuntimeError
        from pyspark.sql import SparkSession
        from splink.backends.spark import similarity_jar_location
    except ImportError as error:
        raise DoudiError(NO_PYSPARK) from error
    # Spark's own warning about pandas 3: Doudi hands Spark Arrow batches, not pandas frames.
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")
    # Under spark-submit (which starts Python with a gateway to its JVM) or beside a session
    # of the caller's, the master, settings and jars are theirs.
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ
    owned = SparkSession.getActiveSession() is None and not submitted
    builder = SparkSession.builder.appName("doudi")
    if owned:
        builder = builder.master(master or f"local[{os.cpu_count() or 1}]")
        local = {"spark.jars": similarity_jar_location(),
                 "spark.driver.extraJavaOptions": f"-Dlog4j2.configurationFile={LOG_SETTINGS}"}  # fmt: skip
        for key, value in {**SPARK_SETTINGS, **local}.items():
            builder = builder.config(key, value)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    try:
        spark = builder.getOrCreate()
    except PySparkRuntimeError as error:
        raise DoudiError(NO_JAVA.format(error=error)) from error
    spark.sparkContext.setLogLevel("ERROR")
    spark.sparkContext.setCheckpointDir(str(work / "checkpoints"))
    try:
        yield SparkEngine(spark, work)
    finally:
        if owned:
            spark.stop()


def spark_sql(condition: str) -> str:
    """A condition of DuckDB's SQL written in Spark's (the string similarity as Splink's jar
    names it).

    Parameters
    ----------
    condition : str
        A SQL condition in DuckDB's dialect.

    Returns
    -------
    str
        The condition in Spark's dialect.

    Examples
    --------
    >>> spark_sql("jaro_winkler_similarity(a_l, a_r) >= 0.85 AND starts_with(b_l, b_r)")
    'JARO_WINKLER(a_l, a_r) >= 0.85 AND STARTSWITH(b_l, b_r)'
    >>> spark_sql("array_slice(list_reverse(a_l), 1, array_length(a_r))")
    'SLICE(REVERSE(a_l), 1, SIZE(a_r))'
    """
    tree = sqlglot.parse_one(condition, read="duckdb")
    return tree.transform(_spark_function).sql(dialect="spark")


def _spark_function(node: exp.Expression) -> exp.Expression:
    """A function DuckDB and Spark name differently, as Spark names it."""
    if isinstance(node, exp.JarowinklerSimilarity):  # (its arguments translated too)
        arguments = [
            argument.transform(_spark_function) for argument in (node.this, node.expression)
        ]
        return exp.Anonymous(this="jaro_winkler", expressions=arguments)
    if isinstance(node, exp.Anonymous) and node.name.lower() == "list_reverse":
        node.set("this", "reverse")  # renamed in place: a new node's arguments are not visited
    return node


def spark_model(model: dict[str, Any]) -> dict[str, Any]:
    """A trained model (Splink's JSON dict) with its SQL in Spark's dialect.

    Parameters
    ----------
    model : dict[str, Any]
        The model as ``Linker.misc.save_model_to_json`` gives it, on DuckDB.

    Returns
    -------
    dict[str, Any]
        The same model for Splink's Spark backend.
    """
    translated = deepcopy(model)
    translated["sql_dialect"] = "spark"
    for comparison in translated["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level["sql_condition"] != "ELSE":
                level["sql_condition"] = spark_sql(level["sql_condition"])
    for rule in translated["blocking_rules_to_generate_predictions"]:
        rule["blocking_rule"] = spark_sql(rule["blocking_rule"])
        rule["sql_dialect"] = "spark"
    return translated


def score_pairs_on_spark(
    engine: SparkEngine,
    rows: pa.Table,
    model: dict[str, Any],
    term_frequencies: dict[str, pa.Table],
    *,
    threshold: float,
) -> pa.Table:
    """Score every blocked pair of ``rows`` at or above ``threshold`` on Spark, with a trained
    ``model`` and its ``term_frequencies`` (as ``score_pairs_with_splink`` returns them).

    Parameters
    ----------
    engine : SparkEngine
        The session (``spark_engine``).
    rows : pa.Table
        ``unique_id`` and the columns the comparisons use.
    model : dict[str, Any]
        A trained model's JSON dict, in DuckDB's SQL.
    term_frequencies : dict[str, pa.Table]
        The model's term frequencies.
    threshold : float
        Match probability a pair needs to be kept.

    Returns
    -------
    pa.Table
        The scored pairs, with the columns of ``Scored.pairs``, ``unique_id_l`` <
        ``unique_id_r``.
    """
    from splink import Linker, SparkAPI

    api = SparkAPI(spark_session=engine.spark)
    linker = Linker(
        api.register(to_spark(engine, rows)),
        spark_model(model),
        log_level=None,
        validate_settings=False,
    )
    for column, table in term_frequencies.items():
        lookup = api.register(to_spark(engine, table))
        linker.table_management.register_term_frequency_lookup(lookup, column)
    predictions = linker.inference.predict(
        threshold_match_probability=threshold, warning_mode="never"
    )
    frame = predictions.as_spark_dataframe()
    return from_spark(engine, frame.select(*pair_columns(frame.columns)))


def cluster_on_spark(
    engine: SparkEngine,
    rows: pa.Table,
    links: pa.Table,
    *,
    threshold: float,
    bridge_threshold: float,
    ambiguity_margin: float,
    apart: Iterable[tuple[str, str]],
) -> TableClustering:
    """``cluster_table`` on Spark: the links at or above ``threshold`` fall into connected
    components (Splink's distributed connected components); a component that could hold a
    conflict (two usable IDs, a household key twice, a link below ``bridge_threshold``, a
    pair labelled apart) is clustered by ``cluster_rows`` in a grouped map, component by
    component; any other is one cluster, named by its smallest unique_id.

    Parameters
    ----------
    engine : SparkEngine
        The session.
    rows : pa.Table
        unique_id, id18, household_key, started and ended of every row a link reaches.
    links : pa.Table
        Scored pairs (``LINK_SCHEMA``).
    threshold, bridge_threshold, ambiguity_margin, apart
        As for ``cluster_table``.

    Returns
    -------
    TableClustering
        The clusters, accepted links and refused links (with their reason).
    """
    from pyspark.sql import functions as F

    strong = to_spark(engine, links.cast(LINK_SCHEMA)).where(
        F.col("match_probability") >= threshold
    )
    ends = strong.select(F.col("unique_id_l").alias("unique_id")).union(
        strong.select(F.col("unique_id_r").alias("unique_id"))
    ).distinct()  # fmt: skip
    components = connected_components_on_spark(engine, ends, strong)
    nodes = components.join(to_spark(engine, rows), "unique_id", "left")
    edges = strong.join(components.withColumnRenamed("unique_id", "unique_id_l"), "unique_id_l")
    apart = list(apart)
    dirty = _conflicted(engine, nodes, edges, bridge_threshold, apart)
    clean_clusters = (
        nodes.join(dirty, "component", "left_anti")
        .withColumn("cluster", F.min("unique_id").over(_by_component()))
        .select("unique_id", "cluster")
    )
    clean_links = edges.join(dirty, "component", "left_anti").select(*LINK_SCHEMA.names)
    slow = _cluster_dirty(nodes.join(dirty, "component"), edges.join(dirty, "component"),
                          threshold, bridge_threshold, ambiguity_margin, apart)  # fmt: skip
    clusters = from_spark(engine, clean_clusters.unionByName(
        slow.where(F.col("kind") == "cluster").select(
            F.col("unique_id_l").alias("unique_id"), F.col("unique_id_r").alias("cluster")))
    ).cast(CLUSTER_SCHEMA)  # fmt: skip
    decided = from_spark(engine, slow.where(F.col("kind") != "cluster"))
    accepted = pa.concat_tables([
        from_spark(engine, clean_links).cast(LINK_SCHEMA),
        decided.filter(pc.equal(decided["kind"], "accepted")).select(LINK_SCHEMA.names)
        .cast(LINK_SCHEMA),
    ])  # fmt: skip
    refused = decided.filter(pc.equal(decided["kind"], "refused"))
    refused = refused.select([*LINK_SCHEMA.names, "reason"]).cast(
        LINK_SCHEMA.append(pa.field("reason", pa.string()))
    )
    return TableClustering(clusters, accepted, refused)


def connected_components_on_spark(engine: SparkEngine, nodes: Any, edges: Any) -> Any:
    """The connected components of a graph on Spark (Splink's distributed connected
    components: repeated joins, each node taking its neighbours' smallest name).

    Parameters
    ----------
    engine : SparkEngine
        The session.
    nodes : pyspark.sql.DataFrame
        Every node, column ``unique_id`` (string).
    edges : pyspark.sql.DataFrame
        Every edge, columns ``unique_id_l`` and ``unique_id_r``.

    Returns
    -------
    pyspark.sql.DataFrame
        ``unique_id`` and ``component`` (a name shared by the nodes of one component).
    """
    from pyspark.sql import functions as F
    from splink import SparkAPI
    from splink.clustering import cluster_pairwise_predictions_at_threshold

    api = SparkAPI(spark_session=engine.spark)
    found = cluster_pairwise_predictions_at_threshold(nodes, edges, api, "unique_id")
    return found.as_spark_dataframe().select("unique_id", F.col("cluster_id").alias("component"))


def _by_component() -> Any:
    from pyspark.sql import Window

    return Window.partitionBy("component")


def _conflicted(engine: SparkEngine, nodes: Any, edges: Any, bridge_threshold: float,
                apart: list[tuple[str, str]]) -> Any:  # fmt: skip
    """The components that could hold a conflict (``cluster_table``'s rule), one column
    ``component``."""
    from pyspark.sql import functions as F

    two_ids = nodes.groupBy("component").agg(F.countDistinct("id18").alias("ids")).where("ids > 1")
    twice = (nodes.where(F.col("household_key").isNotNull())
             .groupBy("component", "household_key").count().where("count > 1"))  # fmt: skip
    weak = edges.where(F.col("match_probability") < bridge_threshold)
    found = [frame.select("component") for frame in (two_ids, twice, weak)]
    if apart:
        pairs = to_spark(engine, pa.table({"unique_id_l": [left for left, _ in apart],
                                            "unique_id_r": [right for _, right in apart]}))  # fmt: skip
        left = nodes.select(F.col("unique_id").alias("unique_id_l"), "component")
        right = nodes.select(F.col("unique_id").alias("unique_id_r"),
                             F.col("component").alias("other"))  # fmt: skip
        labelled = pairs.join(left, "unique_id_l").join(right, "unique_id_r")
        found.append(labelled.where("component = other").select("component"))
    union = found[0]
    for frame in found[1:]:
        union = union.union(frame)
    return union.distinct()


DECIDED = pa.schema([("kind", pa.string()), ("unique_id_l", pa.string()),
                     ("unique_id_r", pa.string()), ("match_probability", pa.float64()),
                     ("reason", pa.string())])  # fmt: skip
"""What clustering a group of components decides: a row's ``cluster`` (unique_id_l, and the
cluster's name in unique_id_r), or an ``accepted`` or ``refused`` link (with its reason)."""


def _cluster_dirty(nodes: Any, edges: Any, threshold: float, bridge_threshold: float,
                   ambiguity_margin: float, apart: list[tuple[str, str]]) -> Any:  # fmt: skip
    """``cluster_rows`` on the components that could hold a conflict, grouped by component
    (Spark's grouped map over Arrow batches)."""
    from pyspark.sql import functions as F

    both = nodes.select(
        "component", F.lit("row").alias("kind"), F.col("unique_id").alias("unique_id_l"),
        F.lit(None).cast("string").alias("unique_id_r"),
        F.lit(None).cast("double").alias("match_probability"), "id18", "household_key",
        "started", "ended",
    ).unionByName(edges.select(
        "component", F.lit("link").alias("kind"), "unique_id_l", "unique_id_r",
        "match_probability", F.lit(None).cast("string").alias("id18"),
        F.lit(None).cast("string").alias("household_key"),
        F.lit(None).cast("date").alias("started"), F.lit(None).cast("date").alias("ended"),
    ))  # fmt: skip

    def decide(table: pa.Table) -> pa.Table:
        pieces = table.to_pydict()
        kinds = pieces["kind"]
        found = cluster_rows(
            [Row(pieces["unique_id_l"][i], pieces["id18"][i], pieces["household_key"][i],
                 pieces["started"][i], pieces["ended"][i])
             for i, kind in enumerate(kinds) if kind == "row"],
            [Link(pieces["unique_id_l"][i], pieces["unique_id_r"][i],
                  pieces["match_probability"][i]) for i, kind in enumerate(kinds)
             if kind == "link"],
            threshold=threshold, bridge_threshold=bridge_threshold,
            ambiguity_margin=ambiguity_margin, apart=apart,
        )  # fmt: skip
        decided = [
            ("cluster", row, cluster, None, None) for row, cluster in found.cluster_of.items()
        ]
        decided += [("accepted", *link, None) for link in found.accepted]
        decided += [("refused", *link, reason) for link, reason in found.refused]
        return pa.table(list(zip(*decided, strict=True)) if decided else
                        [[] for _ in DECIDED.names], schema=DECIDED)  # fmt: skip

    return both.groupBy("component").applyInArrow(decide, _spark_schema(DECIDED))


def _spark_schema(schema: pa.Schema) -> str:
    names = {pa.string(): "string", pa.float64(): "double", pa.int64(): "bigint",
             pa.binary(): "binary"}  # fmt: skip
    return ", ".join(f"{field.name} {names[field.type]}" for field in schema)


def to_spark(engine: SparkEngine, table: pa.Table) -> Any:
    """``table`` as a Spark DataFrame, through a Parquet file in the engine's folder.

    Parameters
    ----------
    engine : SparkEngine
        The session.
    table : pa.Table
        The rows.

    Returns
    -------
    pyspark.sql.DataFrame
        The rows on Spark.
    """
    path = engine.work / "exchange" / f"in-{uuid.uuid4().hex}.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)
    return engine.spark.read.parquet(str(path))


def from_spark(engine: SparkEngine, frame: Any) -> pa.Table:
    """A Spark DataFrame as an Arrow table, through the Parquet files Spark writes in the
    engine's folder.

    Parameters
    ----------
    engine : SparkEngine
        The session.
    frame : pyspark.sql.DataFrame
        The rows on Spark.

    Returns
    -------
    pa.Table
        The rows.
    """
    path = engine.work / "exchange" / f"out-{uuid.uuid4().hex}"
    frame.write.parquet(str(path))
    return pq.read_table(path)
