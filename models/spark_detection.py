"""Finding cases on Spark: the household graph's rows cut by household on the cluster and
searched part by part in Spark's Python workers.

As in ``models.components``, every detector looks only at what the rows tie together
(``models.graph.TIES``), so a part made of whole connected components of those ties holds
every household it touches. Here the components come from Splink's distributed connected
components (``resolver.spark_backend.connected_components_on_spark``), each component goes
to the part its name hashes to, and each part's graph is built and searched by
``models.detection`` code in a grouped map (``applyInArrow``: Arrow batches in and out, so
that no value passes through pandas' types). The cases come back as Parquet.
"""

from __future__ import annotations

import pickle
from dataclasses import replace
from typing import Any

import pyarrow as pa

from models.components import SHARED_KINDS
from models.detection import Found, search_part
from models.graph import TIES, GraphRows
from models.policy import Policy
from resolver.spark_backend import (
    SparkEngine,
    connected_components_on_spark,
    from_spark,
    to_spark,
)

TABLE = "_table"
PART = "_part"


def detect_on_spark(engine: SparkEngine, rows: GraphRows, policy: Policy, parts: int) -> Found:
    """Every detector's cases (not yet scored) in the graph built from ``rows``, searched on
    Spark in ``parts`` parts no household crosses: the same cases as ``models.detection``.

    Parameters
    ----------
    engine : SparkEngine
        The session.
    rows : GraphRows
        What the graph is built from (``models.graph.graph_rows``).
    policy : Policy
        The policy profile the detectors apply.
    parts : int
        How many parts (Spark tasks) to search.

    Returns
    -------
    Found
        The cases, each case's household subgraph, the as-of day and the dated 渐退.
    """
    from pyspark.sql import functions as F

    shared = to_spark(engine, pa.table({"node": [f"{kind}:{value}" for kind, value in rows.shared]},
                                       schema=pa.schema([("node", pa.string())])))  # fmt: skip
    keyed = {
        name: _with_nodes(name, table.schema, to_spark(engine, _positional(name, table)), shared)
        for name, table in rows.tables.items()
    }
    components = connected_components_on_spark(engine, *_nodes_and_edges(keyed))
    part_of = components.select(
        F.col("unique_id").alias("_home"), F.pmod(F.hash("component"), F.lit(parts)).alias(PART)
    )
    placed = [
        frame.join(part_of, "_home", "left").fillna(0, [PART]).drop("_home", *_others(name))
        .withColumn(TABLE, F.lit(name))
        for name, frame in keyed.items()
    ]  # fmt: skip
    union = _union(placed, missing_columns=True)
    schemas = {name: table.schema for name, table in rows.tables.items()}
    empty = replace(rows, tables={})

    def search(batch: pa.Table) -> pa.Table:
        part = replace(empty, tables={name: _restored(batch, name, schema)
                                      for name, schema in schemas.items()})  # fmt: skip
        return pa.table({"found": [pickle.dumps(search_part(part, policy))]})

    found = from_spark(engine, union.groupBy(PART).applyInArrow(search, "found binary"))
    pieces = [pickle.loads(blob) for blob in found["found"].to_pylist()]
    return Found(
        cases=[case for piece in pieces for case in piece.cases],
        subgraphs={key: value for piece in pieces for key, value in piece.subgraphs.items()},
        as_of=rows.as_of,
        gradual_ends=[end for piece in pieces for end in piece.gradual_ends],
    )


def _column(name: str, position: int) -> str:
    """A table's column by position (Spark refuses many characters DuckDB allows in names)."""
    return f"{name}__{position}"


def _positional(name: str, table: pa.Table) -> pa.Table:
    return table.rename_columns([_column(name, i) for i in range(table.num_columns)])


def _others(name: str) -> list[str]:
    """The columns of the nodes a table's row names besides its home."""
    return [f"_node{position}" for position in range(1, len(TIES[name]))]


def _with_nodes(name: str, schema: pa.Schema, frame: Any, shared: Any) -> Any:
    """``frame`` with the node its rows hang from (``_home``: the first of ``TIES``) and each
    other node a row names (``_others``), as ``kind:value``: null for a blank, and for a
    phone or address nobody else uses."""
    from pyspark.sql import functions as F

    for position, (kind, column) in enumerate(TIES[name]):
        value = F.col(_column(name, schema.get_field_index(column))).cast("string")
        alias = f"_node{position}" if position else "_home"
        frame = frame.withColumn(
            alias, F.when(value.isNotNull(), F.concat(F.lit(f"{kind}:"), value))
        )
        if kind in SHARED_KINDS:
            kept = shared.select(F.col("node").alias(alias), F.lit(True).alias("_shared"))
            frame = frame.join(kept, alias, "left")
            frame = frame.withColumn(alias, F.when(F.col("_shared"), F.col(alias))).drop("_shared")
    return frame


def _nodes_and_edges(keyed: dict[str, Any]) -> tuple[Any, Any]:
    """Every node named (``unique_id``) and every tie of a row's home to another node
    (``unique_id_l``, ``unique_id_r``)."""
    from pyspark.sql import functions as F

    named, ties = [], []
    for name, frame in keyed.items():
        named.append(frame.select(F.col("_home").alias("unique_id")))
        for other in _others(name):
            tie = frame.where(F.col("_home").isNotNull() & F.col(other).isNotNull())
            named.append(tie.select(F.col(other).alias("unique_id")))
            ties.append(tie.select(F.col("_home").alias("unique_id_l"),
                                   F.col(other).alias("unique_id_r")))  # fmt: skip
    nodes = _union(named).where(F.col("unique_id").isNotNull()).distinct()
    return nodes, _union(ties).distinct()


def _union(frames: list[Any], *, missing_columns: bool = False) -> Any:
    """The frames' rows together, by column name (a column some lack is null there when
    ``missing_columns``)."""
    union = frames[0]
    for frame in frames[1:]:
        union = union.unionByName(frame, allowMissingColumns=missing_columns)
    return union


def _restored(batch: pa.Table, name: str, schema: pa.Schema) -> pa.Table:
    """The rows of table ``name`` in a part's ``batch``, with their names and types."""
    import pyarrow.compute as pc

    mine = batch.filter(pc.equal(batch[TABLE], name))
    columns = [mine[_column(name, i)].cast(field.type) for i, field in enumerate(schema)]
    return pa.table(columns, schema=schema)
