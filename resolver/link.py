"""Person resolution: one person across the five registries, explained.

``link_persons`` builds ``persons``, trains (or reloads) the Splink model, scores candidate
pairs, clusters them without chaining and writes, in the run's DuckDB file:

- ``entities`` (registry, record_id, person_id) and ``person_id_history``;
- ``person_links``: every accepted link with its probability, and ``link_explanations`` (a
  view): the match weight and level of each comparison of each accepted link (a waterfall);
- ``possible_matches``: pairs for review that were not merged, and why (a death notice's
  pairs down to ``notice_threshold`` where the names agree in some way);
- ``scored_pairs``: every scored pair (its levels and weights too), from which ``recluster``
  makes the persons of another threshold without scoring again, and ``update_links`` next
  month's persons scoring only the rows that changed (``scored_rows``: each row's hash);
- ``related_persons`` (a view): different persons who share a phone, bank account or address (a
  household signal, never identity), where few persons share it;
- ``link_model``: the settings and trained model of the run, ``link_term_frequencies``
  (the term frequencies the model scores with) and ``blocking_counts``.

Reviewers' labels (``resolver.labels``) take part: labelled pairs are linked or kept apart,
and enough "same person" labels re-estimate the model's m values.
"""

from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from resolver.clustering import LINK_SCHEMA, TableClustering, cluster_table
from resolver.comparisons import BLOCKING_RULES, TRAINING_RULES, BirthDates, doudi_comparisons
from resolver.db import table_names, transaction
from resolver.errors import DoudiError
from resolver.identity import assign_person_ids
from resolver.labels import current_labels
from resolver.memory import collector_paused
from resolver.normalize import NAME_SEPARATOR
from resolver.outputs import (
    ENTITIES,
    LINK_EXPLANATIONS,
    LINK_MODEL,
    PERSON_LINKS,
    PERSONS,
    POSSIBLE_MATCHES,
    REMOVED_ROWS,
)
from resolver.persons import build_persons
from resolver.settings import LinkSettings
from resolver.spark_backend import SparkEngine, cluster_on_spark, score_pairs_on_spark
from resolver.splink_backend import (
    ModelReview,
    Scored,
    Training,
    score_changed_rows_with_splink,
    score_pairs_with_splink,
    tf_columns,
    train_with_splink,
)

log = logging.getLogger(__name__)

MODEL_COLUMNS = (
    "unique_id, registry, name, name_pinyin, name_fuzzy, former_name, id18, id_status, id_text, "
    "id_prefix, id14, id15, id_tail, surname, name_end, name_first, name_last, name_sound, dob, birth_year, "
    "birth_day, "
    "gender, county, township, "
    "village, address_area, address_house, phone_rare, ended"
)
ROW_HASH = f"md5(CAST(ROW({MODEL_COLUMNS}) AS VARCHAR))"
"""What a row is to the model: a row whose hash did not change scores as it did."""
ROW_HASHES = f"SELECT unique_id, {ROW_HASH} AS row_hash FROM persons"
"""Every row's hash, as ``scored_rows`` keeps it (an update has them from telling the
changed rows)."""
TERM_FREQUENCIES = "link_term_frequencies"
FINGERPRINT = (
    "md5(concat_ws('|', name, id18, id_text, id_prefix, dob, gender, township, village, "
    "phone, household_key))"
)


@dataclass
class LinkReport:
    rows: int
    persons: int
    accepted_links: int
    possible_matches: int
    blocking_counts: list[tuple[str, int]]
    seconds: dict[str, float] = field(default_factory=dict)
    changes: Changes | None = None
    """How the rows differ from the last link's (an update only)."""
    retrain_reason: str | None = None
    """Why an update retrained the model, or None."""


@dataclass
class StoredModel:
    """A trained model as the run's database keeps it: Splink's JSON dict and the term
    frequencies it scores with (per column, the value and its ``tf_`` share)."""

    model: dict[str, Any]
    term_frequencies: dict[str, pa.Table]


NAMED_REMOVED = 5
"""The most removed rows ``Changes`` names (``update`` counts the rest: 等 12 行); not all:
a drop whose record ids all changed removes every row."""


@dataclass
class RemovedRow:
    """A row the last link scored that next month's drop no longer holds."""

    registry: str
    record_id: str
    name: str | None
    """The name of the row's person in the last published run (None before one)."""


@dataclass
class Changes:
    """How next month's rows differ from the rows the last link scored."""

    rows: int
    new: int
    changed: int
    removed: int
    unseen_names: int
    """Rows whose name the model's term frequencies do not hold (a drift signal)."""
    removed_rows: list[RemovedRow] = field(default_factory=list)
    """The first ``NAMED_REMOVED`` of the ``removed`` rows, by registry and record id."""
    registries: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    """Each registry's rows, new rows and removed rows."""

    @property
    def changed_share(self) -> float:
        """The share of rows new or changed."""
        return (self.new + self.changed) / max(self.rows, 1)

    @property
    def unseen_share(self) -> float:
        """The share of rows whose name the model has not seen."""
        return self.unseen_names / max(self.rows, 1)


@dataclass
class Reclustered:
    """The persons of one threshold: ``entities`` (registry, record_id, person_id), the
    accepted ``links`` (unique_id_l, unique_id_r, match_probability) and the ``possible``
    matches kept for review at it, as ``possible_matches`` holds them (with ``reason``)."""

    entities: pa.Table
    links: pa.Table
    possible: pa.Table

    @property
    def persons(self) -> int:
        """How many persons: the distinct person_ids of ``entities``."""
        return len(pc.unique(self.entities["person_id"]))


def doudi_splink_settings(dates: BirthDates | None = None) -> dict[str, Any]:
    """Doudi's Splink settings (before training), as data.

    Parameters
    ----------
    dates : BirthDates | None
        How often two different people share a birth date (``birth_dates``), or None to let
        Splink sample it.

    Returns
    -------
    dict[str, Any]
        A Splink settings dict: dedupe only, Doudi's comparisons and blocking rules, with
        matching and intermediate columns retained.
    """
    return {
        "link_type": "dedupe_only",
        "comparisons": doudi_comparisons(dates),
        "blocking_rules_to_generate_predictions": BLOCKING_RULES,
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": True,
    }


# Pairs of different people sharing a birth date needed to count a chance (its relative
# error about one in ten): a county of about 1,700 people or more.
COINCIDING_PAIRS_NEEDED = 100
# A day of the year is a common registration day when more than this many times its share
# of people (1 / 365.25) were registered as born on it: 1 January or 1 July written for a
# birthday no one knew. Looked for in counties of at least 10 people a day (3,653), where
# chance alone comes near it about once in ten million days.
COMMON_DAY_EXCESS = 3
COMMON_DAY_PEOPLE = 10 * 365.25


def birth_dates(con: duckdb.DuckDBPyConnection) -> BirthDates:
    """How often two different people of ``persons`` share a birth date: over one date per ID
    (a row without a usable ID counts alone), the share of pairs born on one day, apart for
    the days many are registered on (``COMMON_DAY_EXCESS``, in a county of
    ``COMMON_DAY_PEOPLE`` or more) and the others. A chance too few
    pairs give to count (``COINCIDING_PAIRS_NEEDED``) is None (Splink samples it then).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        A database holding ``persons``.

    Returns
    -------
    BirthDates
        The common days and the two chances.
    """
    by_day = con.execute("""
        WITH born AS (SELECT min(dob) AS dob FROM persons WHERE dob IS NOT NULL
                      GROUP BY coalesce(id18, unique_id)),
             dates AS (SELECT dob, count(*)::DOUBLE AS people FROM born GROUP BY dob)
        SELECT month(dob) * 100 + day(dob), sum(people), sum(people * (people - 1) / 2)
        FROM dates GROUP BY 1
    """).fetchall()  # fmt: skip
    people = sum(born for _, born, _ in by_day)
    many = COMMON_DAY_EXCESS * people / 365.25
    common = tuple(sorted(day for day, born, _ in by_day
                          if people >= COMMON_DAY_PEOPLE and born > many))  # fmt: skip
    pairs = people * (people - 1) / 2

    def chance(on_common_day: bool) -> float | None:
        coinciding = sum(same for day, _, same in by_day if (day in common) == on_common_day)
        return coinciding / pairs if coinciding >= COINCIDING_PAIRS_NEEDED else None

    return BirthDates(common, chance(True), chance(False))


@collector_paused()
def link_persons(
    con: duckdb.DuckDBPyConnection,
    settings: LinkSettings,
    *,
    model: StoredModel | None = None,
    count_comparisons: bool = False,
    spark: SparkEngine | None = None,
) -> LinkReport:
    """Resolve the ingested rows into persons and write the tables listed above: on DuckDB,
    or, with ``spark``, scored and clustered on Spark with a model trained on DuckDB (the
    same model, so the same persons).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database, holding the ingested registries.
    settings : LinkSettings
        Thresholds and training settings.
    model : StoredModel | None
        A trained model (``stored_model``) to score with instead of training a new one, or
        None to train.
    count_comparisons : bool
        Count the comparisons of each blocking rule (table ``blocking_counts``, empty when
        not counted; DuckDB only).
    spark : SparkEngine | None
        Score and cluster on this Spark session instead of DuckDB.

    Returns
    -------
    LinkReport
        Counts of rows, persons, accepted links and possible matches, the blocking counts,
        and the seconds each step took.
    """
    started = time.perf_counter()
    con.execute(f"DROP TABLE IF EXISTS {REMOVED_ROWS}")  # rows removed since an update's link
    rows = build_persons(con, shared_limit=settings.shared_limit)
    if spark is not None:
        return _link_rows_on_spark(con, settings, rows, model, spark, started)
    return _link_rows(con, settings, rows, model, count_comparisons, started)


def _link_rows(con, settings: LinkSettings, rows: int, model: StoredModel | None,
               count_comparisons: bool, started: float) -> LinkReport:  # fmt: skip
    """Score every row of ``persons`` (training first when ``model`` is None), cluster, store."""
    seconds: dict[str, float] = {}
    labels = current_labels(con)
    training = None if model else _training(settings, labels)
    splink_settings = model.model if model else doudi_splink_settings(birth_dates(con))
    # streamed into linking's scratch database (drained there, before ``con`` is asked
    # anything else): no copy of a province's rows is held here
    persons = con.sql(f"SELECT {MODEL_COLUMNS} FROM persons").to_arrow_reader()
    scored = score_pairs_with_splink(
        persons,
        splink_settings,
        threshold=_scoring_threshold(settings),
        training=training,
        term_frequencies=model.term_frequencies if model else None,
        count_comparisons=count_comparisons,
    )
    seconds["train_and_predict"] = time.perf_counter() - started
    return _cluster_and_store(con, settings, scored, labels, rows, seconds)


def _link_rows_on_spark(con, settings: LinkSettings, rows: int, model: StoredModel | None,
                        spark: SparkEngine, started: float) -> LinkReport:  # fmt: skip
    """Train on DuckDB (when ``model`` is None), then score and cluster on Spark, store."""
    seconds: dict[str, float] = {}
    persons = con.sql(f"SELECT {MODEL_COLUMNS} FROM persons").to_arrow_table()
    labels = current_labels(con)
    if model is None:
        model = StoredModel(*train_with_splink(
            persons, doudi_splink_settings(birth_dates(con)),
            _training(settings, labels)))  # fmt: skip
    seconds["train"], started = time.perf_counter() - started, time.perf_counter()
    pairs = score_pairs_on_spark(spark, persons, model.model, model.term_frequencies,
                                 threshold=_scoring_threshold(settings))  # fmt: skip
    seconds["predict"] = time.perf_counter() - started
    scored = Scored(pairs, model.model, model.term_frequencies)
    return _cluster_and_store(con, settings, scored, labels, rows, seconds, spark)


def stored_model(con: duckdb.DuckDBPyConnection) -> StoredModel:
    """The model the last link trained or scored with, and its term frequencies.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database, after ``link_persons``.

    Returns
    -------
    StoredModel
        The model and its term frequencies.

    Raises
    ------
    DoudiError
        When the database holds no linked run (or one linked before term frequencies were
        kept).
    """
    if not {LINK_MODEL, TERM_FREQUENCIES, "scored_rows"} <= set(table_names(con)):
        raise DoudiError("数据库中没有可沿用的链接模型：请先用 doudi run 完整运行一次")
    model = json.loads(con.execute(f"SELECT model_json FROM {LINK_MODEL}").fetchall()[0][0])
    stored = con.sql(f"SELECT * FROM {TERM_FREQUENCIES}").to_arrow_table()
    frequencies = {}
    for column in tf_columns(model):  # a column no row fills (no phones) has no stored rows
        rows = stored.filter(pc.equal(stored["column_name"], column))
        frequencies[column] = pa.table({column: rows["value"], f"tf_{column}": rows["tf"]})
    return StoredModel(model, frequencies)


def _row_changes(con: duckdb.DuckDBPyConnection, model: StoredModel) -> Changes:
    """How the rows of ``persons`` (built from next month's drop) differ from the rows the
    last link scored (``scored_rows``); leaves the temporary table ``_row_state``
    (``unique_id``, ``row_hash``, ``unchanged``) for ``_link_changed_rows``, and the rows
    removed in ``REMOVED_ROWS`` (``_store_removed_rows``)."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _row_state AS
        SELECT p.unique_id, p.row_name, p.row_hash, s.unique_id IS NULL AS new,
               s.row_hash IS NOT DISTINCT FROM p.row_hash AS unchanged
        FROM (SELECT unique_id, name AS row_name, {ROW_HASH} AS row_hash FROM persons) p
        LEFT JOIN scored_rows s USING (unique_id)
        """
    )
    _store_removed_rows(con)
    con.register("_names_seen", model.term_frequencies.get("name", pa.table({"name": []})))
    changed, unseen = con.execute(
        """
        SELECT count(*) FILTER (WHERE NOT new AND NOT unchanged),
               count(*) FILTER (WHERE row_name IS NOT NULL AND row_name NOT IN
                                (SELECT name FROM _names_seen))
        FROM _row_state
        """
    ).fetchall()[0]
    con.unregister("_names_seen")
    registries = _registry_changes(con)
    rows, new, removed = (
        sum(counts[index] for counts in registries.values()) for index in range(3)
    )
    return Changes(rows, new, changed, removed, unseen, removed_rows=_removed_rows(con),
                   registries=registries)  # fmt: skip


def _registry_changes(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int, int]]:
    """Each registry's rows, new rows (``_row_state``) and removed rows (``REMOVED_ROWS``)."""
    found = con.execute(
        f"""
        WITH now AS (SELECT split_part(unique_id, ':', 1) AS registry, count(*) AS rows,
                            count(*) FILTER (WHERE new) AS new FROM _row_state GROUP BY ALL),
             gone AS (SELECT registry, count(*) AS removed FROM {REMOVED_ROWS} GROUP BY ALL)
        SELECT registry, coalesce(rows, 0), coalesce(new, 0), coalesce(removed, 0)
        FROM now FULL JOIN gone USING (registry) ORDER BY registry
        """
    ).fetchall()
    return {registry: (rows, new, removed) for registry, rows, new, removed in found}


def _store_removed_rows(con: duckdb.DuckDBPyConnection) -> None:
    """``REMOVED_ROWS``: the rows the last link scored (``scored_rows``, ``entities``) that
    ``_row_state`` no longer holds, with their person's name and ID in the last published
    run and the file the last published run read their registry from, when it read it from
    one file (``_LAST_FILES``)."""
    tables = set(table_names(con))
    persons = ("(SELECT person_id, min(id18) AS id18, arg_min(name, id18) AS name "
               "FROM published_persons SEMI JOIN gone USING (person_id) GROUP BY person_id)"
               if "published_persons" in tables else _NO_PERSONS)  # fmt: skip
    files = _LAST_FILES if "runs" in tables else _NO_FILES
    con.execute(
        f"""
        CREATE OR REPLACE TABLE {REMOVED_ROWS} AS
        WITH gone AS (
            SELECT e.registry, e.record_id, e.person_id
            FROM {ENTITIES} e
            SEMI JOIN (SELECT unique_id FROM scored_rows ANTI JOIN _row_state USING (unique_id)) s
                ON s.unique_id = e.registry || ':' || e.record_id
        )
        SELECT g.registry, g.record_id, p.name, p.id18, f.file
        FROM gone g LEFT JOIN {persons} p USING (person_id) LEFT JOIN ({files}) f USING (registry)
        """
    )


# Each registry the last published run read from one file, with that file's path in its drop
# folder (as the findings name files); a registry read from several files has none.
_LAST_FILES = r"""
SELECT registry, any_value(CASE WHEN starts_with(path, data_dir)
                                 AND path[length(data_dir) + 1] IN ('/', '\')
                                THEN path[length(data_dir) + 2:] ELSE path END) AS file
FROM (SELECT data_dir, unnest(from_json(inputs, '[{"registry": "VARCHAR", "path": "VARCHAR"}]'),
                              recursive := true)
      FROM runs WHERE run_id = (SELECT run_id FROM runs WHERE status = 'published'
                                ORDER BY finished_at DESC LIMIT 1))
GROUP BY registry HAVING count(DISTINCT path) = 1
"""
_NO_PERSONS = "(SELECT NULL::VARCHAR AS person_id, NULL::VARCHAR AS id18, NULL::VARCHAR AS name)"
_NO_FILES = "SELECT NULL::VARCHAR AS registry, NULL::VARCHAR AS file"


def _removed_rows(con: duckdb.DuckDBPyConnection) -> list[RemovedRow]:
    """The first ``NAMED_REMOVED`` rows of ``REMOVED_ROWS``, by registry and record id."""
    found = con.execute(
        f"SELECT registry, record_id, name FROM {REMOVED_ROWS} "
        f"ORDER BY registry, record_id LIMIT {NAMED_REMOVED}"
    ).fetchall()
    return [RemovedRow(*row) for row in found]


@collector_paused()
def update_links(
    con: duckdb.DuckDBPyConnection, settings: LinkSettings, *, retrain: bool = False
) -> LinkReport:
    """Resolve next month's ingested rows into persons with the stored model, scoring only
    the new and changed rows (against every row, and among themselves) and keeping the
    earlier pairs of unchanged rows: the same persons, ids and tables ``link_persons`` gives
    with that model, in time that grows with the changed rows.

    The model is retrained on all rows instead (as ``link_persons`` does) when ``retrain``
    asks, when the model was trained on names written with the separator between given
    name and father's name (by Doudi before 2026-12-06, which compared 吐尔洪·买买提 and
    吐尔洪买买提 as two names), when more than ``settings.retrain_share`` of the rows are new
    or changed, or when more than ``settings.drift_share`` carry a name the model's term
    frequencies do not hold; the report says which.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database: linked before (``link_persons``), next month's drop ingested.
    settings : LinkSettings
        Thresholds, and when to retrain.
    retrain : bool
        Retrain whatever the changes.

    Returns
    -------
    LinkReport
        As ``link_persons`` reports it, with the changes and the reason to retrain (None
        when the update was incremental).
    """
    started = time.perf_counter()
    model = stored_model(con)
    rows = build_persons(con, shared_limit=settings.shared_limit)
    changes = _row_changes(con, model)
    reason = retrain_reason(changes, settings, asked=retrain,
                            separated_names=_trained_on_separated_names(model))  # fmt: skip
    if reason is None:
        report = _link_changed_rows(con, settings, model, rows, started)
    else:
        log.info("update: retraining (%s)", reason)
        con.execute("DROP TABLE _row_state")
        report = _link_rows(con, settings, rows, None, False, started)
    report.changes, report.retrain_reason = changes, reason
    return report


def _trained_on_separated_names(model: StoredModel) -> bool:
    """Whether the model's name frequencies hold a name with the separator (吐尔洪·买买提):
    a model trained before linking compared names without it."""
    names = model.term_frequencies.get("name", pa.table({"name": pa.array([], pa.string())}))
    return pc.any(pc.match_substring(names["name"], NAME_SEPARATOR)).as_py() or False


def retrain_reason(changes: Changes, settings: LinkSettings, *, asked: bool,
                   separated_names: bool = False) -> str | None:  # fmt: skip
    """Why next month's rows need the model retrained, in Chinese, or None.

    Parameters
    ----------
    changes : Changes
        How the rows changed.
    settings : LinkSettings
        ``retrain_share`` and ``drift_share``.
    asked : bool
        Whether retraining was asked for.
    separated_names : bool
        Whether the stored model was trained on names written with the separator between
        given name and father's name (``·``), which linking now compares without it.

    Returns
    -------
    str or None
        The reason, or None to score the changed rows with the stored model.

    Examples
    --------
    >>> few = Changes(rows=1000, new=10, changed=5, removed=3, unseen_names=2)
    >>> retrain_reason(few, LinkSettings(), asked=False) is None
    True
    >>> retrain_reason(few, LinkSettings(), asked=True)
    '按要求重新训练'
    >>> retrain_reason(Changes(1000, 300, 0, 0, 0), LinkSettings(), asked=False)
    '新增或变动记录占 30.0%，超过 20.0%'
    """
    if asked:
        return "按要求重新训练"
    if separated_names:
        return "模型训练时姓名仍带间隔号（·），现按不带间隔号的姓名比较（吐尔洪·买买提 与 吐尔洪买买提 为同名）"
    if changes.changed_share > settings.retrain_share:
        return (f"新增或变动记录占 {changes.changed_share:.1%}，"
                f"超过 {settings.retrain_share:.1%}")  # fmt: skip
    if changes.unseen_share > settings.drift_share:
        return (f"模型未见过的姓名占 {changes.unseen_share:.1%}，"
                f"超过 {settings.drift_share:.1%}")  # fmt: skip
    return None


def _link_changed_rows(con, settings: LinkSettings, model: StoredModel, rows: int,
                       started: float) -> LinkReport:  # fmt: skip
    """Score the new and changed rows of ``persons``, keep the pairs of the others (rows
    told apart by ``_row_changes``)."""
    seconds: dict[str, float] = {}
    changed = con.sql(f"SELECT {MODEL_COLUMNS} FROM persons JOIN _row_state USING (unique_id) "
                      "WHERE NOT unchanged").to_arrow_table()  # fmt: skip
    partners = _partner_rows(con, changed, [
        rule["blocking_rule"] for rule in model.model["blocking_rules_to_generate_predictions"]
    ])  # fmt: skip
    kept = con.sql(
        "SELECT * FROM scored_pairs WHERE unique_id_l IN (SELECT unique_id FROM _row_state "
        "WHERE unchanged) AND unique_id_r IN (SELECT unique_id FROM _row_state WHERE unchanged)"
    ).to_arrow_table()
    found = score_changed_rows_with_splink(
        partners, changed, model.model, model.term_frequencies,
        threshold=_scoring_threshold(settings),
    )  # fmt: skip
    pairs = pa.concat_tables([kept, found.select(kept.column_names).cast(kept.schema)])
    seconds["predict_changed"] = time.perf_counter() - started
    log.info("update: %d changed rows scored against %d unchanged rows, %d pairs kept",
             len(changed), len(partners), len(kept))  # fmt: skip
    scored = Scored(pairs, model.model, model.term_frequencies)
    report = _cluster_and_store(con, settings, scored, current_labels(con), rows, seconds,
                                row_hashes="SELECT unique_id, row_hash FROM _row_state")  # fmt: skip
    con.execute("DROP TABLE _row_state")
    return report


def _partner_rows(con: duckdb.DuckDBPyConnection, changed: pa.Table, rules: list[str]
                  ) -> pa.Table:  # fmt: skip
    """The unchanged rows (``_row_state``) that some blocking rule pairs, either way round,
    with a ``changed`` row: the only unchanged rows a scored pair with a changed row can
    hold. Scoring the changed rows against these, not against the county, gives the same
    pairs. One join per set of columns the rules need equal, the rest of each rule a filter
    (rules written once per side share their columns)."""
    con.register("_changed", changed)
    joins = " UNION ".join(
        f"SELECT p.unique_id FROM persons p SEMI JOIN _changed c ON {condition}"
        for condition in _partner_conditions(rules)
    )  # fmt: skip
    partners = con.sql(
        f"SELECT {MODEL_COLUMNS} FROM persons JOIN _row_state USING (unique_id) "
        f"WHERE unchanged AND unique_id IN ({joins})"
    ).to_arrow_table()
    con.unregister("_changed")
    return partners


def _partner_conditions(rules: list[str]) -> list[str]:
    """Join conditions of a row ``p`` and a row ``c`` that together hold when some rule pairs
    them either way round, grouped by the columns the rules need equal.

    >>> _partner_conditions(["l.a = r.a AND l.x IS NULL", "l.a = r.a AND r.x IS NULL",
    ...                      "l.b = r.b"])
    ['p.a = c.a AND ((p.x IS NULL) OR (c.x IS NULL))', 'p.b = c.b']
    """
    grouped: dict[tuple[str, ...], list[str]] = {}
    for rule in rules:
        conditions = _top_level_conditions(rule)
        equal = tuple(sorted(condition for condition in conditions
                             if re.fullmatch(r"l\.(\w+) = r\.\1", condition)))  # fmt: skip
        rest = " AND ".join(condition for condition in conditions if condition not in equal)
        grouped.setdefault(equal, []).append(rest)
    joined = []
    for equal, rests in grouped.items():
        parts = [_sided(condition, "p", "c") for condition in equal]
        if all(rests):  # else a rule of the group needs only the columns equal
            either = dict.fromkeys(f"({_sided(rest, *sides)})" for rest in rests
                                   for sides in (("p", "c"), ("c", "p")))  # fmt: skip
            parts.append("(" + " OR ".join(either) + ")")
        joined.append(" AND ".join(parts) or "true")
    return joined


def _sided(rule: str, left: str, right: str) -> str:
    """``rule`` with its side ``l`` named ``left`` and its side ``r`` named ``right``.

    >>> _sided("l.dob = r.dob AND l.registry = 'deaths'", "p", "c")
    "p.dob = c.dob AND p.registry = 'deaths'"
    """
    return re.sub(r"\b([lr])\.", lambda side: f"{left if side[1] == 'l' else right}.", rule)


def _top_level_conditions(rule: str) -> list[str]:
    """The conditions ``rule`` joins with AND outside parentheses (the whole rule when it
    has an OR there)."""
    parts, depth, start = [], 0, 0
    for position, char in enumerate(rule):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and rule.startswith(" OR ", position):
            return [rule.strip()]
        if depth == 0 and rule.startswith(" AND ", position):
            parts.append(rule[start:position])
            start = position + len(" AND ")
    return [part.strip() for part in [*parts, rule[start:]]]


def _scoring_threshold(settings: LinkSettings) -> float:
    return min(settings.possible_threshold, settings.notice_threshold)


def _cluster_and_store(con, settings: LinkSettings, scored: Scored, labels: pa.Table, rows: int,
                       seconds: dict[str, float], spark: SparkEngine | None = None,
                       row_hashes: str = ROW_HASHES) -> LinkReport:  # fmt: skip
    started = time.perf_counter()
    clustering, person_ids = _resolve(con, scored.pairs, settings, labels, spark)
    seconds["cluster"] = time.perf_counter() - started
    started = time.perf_counter()
    with transaction(con):
        _store(con, settings, scored, clustering, person_ids, row_hashes)
    seconds["store"] = time.perf_counter() - started
    return LinkReport(
        rows=rows,
        persons=len(pc.unique(person_ids["person_id"])),
        accepted_links=len(clustering.accepted),
        possible_matches=con.execute("SELECT count(*) FROM possible_matches").fetchall()[0][0],
        blocking_counts=scored.blocking_counts,
        seconds=seconds,
    )


@collector_paused()
def recluster(con: duckdb.DuckDBPyConnection, settings: LinkSettings) -> Reclustered:
    """The persons and possible matches the last link's scored pairs make at
    ``settings.threshold`` (with the labels in force), stable ids included, without writing
    a table or scoring again: for
    what-if and threshold tuning. ``settings.threshold`` must not be below the possible
    threshold the pairs were kept at.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database, after ``link_persons``.
    settings : LinkSettings
        The thresholds to cluster at.

    Returns
    -------
    Reclustered
        The rows' person_ids, the accepted links and the possible matches.
    """
    pairs = con.sql(
        "SELECT unique_id_l, unique_id_r, match_probability FROM scored_pairs"
    ).to_arrow_table()  # fmt: skip
    clustering, person_ids = _resolve(con, pairs, settings, current_labels(con))
    con.register("_person_ids", person_ids)
    con.register("_refused", clustering.refused.select(["unique_id_l", "unique_id_r", "reason"]))
    try:
        entities = con.sql(
            "SELECT p.registry, p.record_id, i.person_id FROM persons p "
            "JOIN _person_ids i USING (unique_id) ORDER BY p.registry, p.record_id"
        ).to_arrow_table()
        possible = con.sql(
            _POSSIBLE_MATCHES.format(pairs="scored_pairs", person_ids="_person_ids"),
            params={"possible": settings.possible_threshold},
        ).to_arrow_table()
    finally:
        con.unregister("_person_ids")
        con.unregister("_refused")
    return Reclustered(entities, clustering.accepted, possible)


def review_model(con: duckdb.DuckDBPyConnection) -> ModelReview:
    """The last link's trained model opened on the rows it scored, for Splink's charts.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database, after ``link_persons``.

    Returns
    -------
    ModelReview
        The model and its rows; close it when done.
    """
    persons = con.sql(f"SELECT {MODEL_COLUMNS} FROM persons").to_arrow_table()
    model = json.loads(con.execute("SELECT model_json FROM link_model").fetchall()[0][0])
    return ModelReview(persons, model)


# The rows the links reach, as clustering takes them. Two rows of one household covered at
# one time are two people (no link joins them), unless they are one person's rows: the same
# usable ID and the same name in one case (a class change or a re-enrolment is a new row of
# the roster). The person's later rows then carry no household key, so their link to the
# first is taken, and the person, holding the first row's key, still never takes in another
# member. Each row keeps its coverage period (``started``, ``ended``): rows of one case
# covered at different times may be one member who left and came back.
_CLUSTERED_ROWS = """
SELECT unique_id, id18,
       CASE WHEN id18 IS NOT NULL AND row_number() OVER (
                 PARTITION BY household_key, id18, name ORDER BY unique_id) > 1
            THEN NULL ELSE household_key END AS household_key,
       started, ended
FROM persons
WHERE unique_id IN (SELECT unique_id_l FROM _resolve_links UNION SELECT unique_id_r FROM _resolve_links)
"""


def _resolve(
    con: duckdb.DuckDBPyConnection,
    pairs: pa.Table,
    settings: LinkSettings,
    labels: pa.Table,
    spark: SparkEngine | None = None,
) -> tuple[TableClustering, pa.Table]:
    """Cluster the pairs at the threshold, reviewers' labels applied (on ``spark`` when
    given), and name the persons."""
    con.register(
        "_resolve_pairs", pairs.select(["unique_id_l", "unique_id_r", "match_probability"])
    )
    con.register("_resolve_same", _same_person_pairs(labels))
    # The links at or above the threshold and the pairs labelled the same person (at
    # probability 1), between rows of this drop (a labelled row may be gone), with the rows.
    links = (
        con.sql(
            f"""
        SELECT unique_id_l, unique_id_r, max(match_probability) AS match_probability FROM (
            SELECT * FROM _resolve_pairs WHERE match_probability >= {settings.threshold!r}
            UNION ALL SELECT unique_id_l, unique_id_r, 1.0 FROM _resolve_same)
        WHERE unique_id_l IN (SELECT unique_id FROM persons)
          AND unique_id_r IN (SELECT unique_id FROM persons)
        GROUP BY ALL ORDER BY ALL
        """
        )
        .to_arrow_table()
        .cast(LINK_SCHEMA)
    )
    con.register("_resolve_links", links)
    rows = con.sql(_CLUSTERED_ROWS).to_arrow_table()
    for name in ("_resolve_pairs", "_resolve_same", "_resolve_links"):
        con.unregister(name)
    cluster = cluster_table if spark is None else partial(cluster_on_spark, spark)
    clustering = cluster(
        rows,
        links,
        threshold=settings.threshold,
        bridge_threshold=settings.bridge_threshold,
        ambiguity_margin=settings.ambiguity_margin,
        apart=_apart_pairs(labels),
    )
    return clustering, _person_ids(con, clustering.clusters)


def _same_person_pairs(labels: pa.Table) -> pa.Table:
    return labels.filter(labels["same_person"]).select(["unique_id_l", "unique_id_r"])


def _apart_pairs(labels: pa.Table) -> list[tuple[str, str]]:
    apart = labels.filter(pc.invert(labels["same_person"]))
    return list(zip(*apart.select(["unique_id_l", "unique_id_r"]).to_pydict().values(),
                    strict=True))  # fmt: skip


def _training(settings: LinkSettings, labels: pa.Table) -> Training:
    matches = _same_person_pairs(labels)
    return Training(
        prior_rules=["l.id18 = r.id18"],
        prior_recall=settings.prior_recall,
        em_rules=TRAINING_RULES,
        u_max_pairs=settings.u_max_pairs,
        em_max_pairs=settings.em_max_pairs,
        seed=settings.seed,
        labelled_matches=matches if len(matches) >= settings.min_labels else None,
    )


def _person_ids(con: duckdb.DuckDBPyConnection, clusters: pa.Table) -> pa.Table:
    """unique_id, fingerprint and person_id of every row: clustered rows by their cluster, the
    rest alone."""
    con.register("_linked", clusters)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _clusters AS SELECT p.unique_id, "
        f"coalesce(l.cluster, p.unique_id) AS cluster, {FINGERPRINT} AS fingerprint "
        "FROM persons p LEFT JOIN _linked l USING (unique_id)"
    )
    con.unregister("_linked")
    ids = assign_person_ids(con, "_clusters")
    con.execute("DROP TABLE _clusters")
    return ids


def _store(con, settings: LinkSettings, scored: Scored, clustering, person_ids,
           row_hashes: str) -> None:  # fmt: skip
    con.register("_person_ids", person_ids)
    con.execute(
        f"CREATE OR REPLACE TABLE {ENTITIES} AS SELECT p.registry, p.record_id, i.person_id "
        "FROM persons p JOIN _person_ids i USING (unique_id)"
    )
    con.execute("CREATE OR REPLACE TABLE person_id_history AS SELECT unique_id, fingerprint, "
                "person_id FROM _person_ids")  # fmt: skip
    con.unregister("_person_ids")
    _store_links(con, scored.pairs, clustering, settings)
    con.execute(f"CREATE OR REPLACE TABLE scored_rows AS {row_hashes}")
    _store_term_frequencies(con, scored.term_frequencies)
    _store_explanations(con, scored.model)
    _store_related(con, settings.related_limit)
    con.execute(
        f"CREATE OR REPLACE TABLE {LINK_MODEL} AS SELECT ? AS settings_json, ? AS model_json, "
        "now() AS trained_at",
        [settings.to_json(), json.dumps(scored.model, ensure_ascii=False)],
    )
    counts = pa.table(
        {
            "rule": [rule for rule, _ in scored.blocking_counts],
            "comparisons": [count for _, count in scored.blocking_counts],
        }
    )
    con.register("_counts", counts)
    con.execute("CREATE OR REPLACE TABLE blocking_counts AS SELECT * FROM _counts")
    con.unregister("_counts")


# The pairs kept for review: those of two persons at or above the possible threshold, and a
# death notice's whose names agree in some way or whose valid 18-digit IDs are one number (a
# person who changed her name, or an ID typed on another's notice: down to the notice
# threshold the scored pairs reach), each with the reason clustering refused it
# (``_refused``), else below_threshold. The rows of a notice's pairs are looked up by their
# unique_ids (not every two rows of one ID joined, a million at 650,000 people).
_POSSIBLE_MATCHES = f"""
WITH one_valid_id AS (
    SELECT p.unique_id_l, p.unique_id_r FROM {{pairs}} p
    JOIN {PERSONS} l ON l.unique_id = p.unique_id_l
    JOIN {PERSONS} r ON r.unique_id = p.unique_id_r
    WHERE (starts_with(p.unique_id_l, 'deaths:') OR starts_with(p.unique_id_r, 'deaths:'))
      AND r.id18 = l.id18 AND l.id_status = 'valid' AND r.id_status = 'valid'
)
SELECT p.unique_id_l, p.unique_id_r, p.match_probability,
       coalesce(f.reason, 'below_threshold') AS reason
FROM {{pairs}} p
LEFT JOIN _refused f USING (unique_id_l, unique_id_r)
JOIN {{person_ids}} el ON el.unique_id = p.unique_id_l
JOIN {{person_ids}} er ON er.unique_id = p.unique_id_r
WHERE el.person_id <> er.person_id
  AND (p.match_probability >= $possible
       OR ((starts_with(p.unique_id_l, 'deaths:') OR starts_with(p.unique_id_r, 'deaths:'))
           AND (p.gamma_name > 0 OR EXISTS (
               SELECT 1 FROM one_valid_id v
               WHERE v.unique_id_l = p.unique_id_l AND v.unique_id_r = p.unique_id_r))))
"""


def _store_links(con, pairs: pa.Table, clustering: TableClustering, settings: LinkSettings
                 ) -> None:  # fmt: skip
    accepted = clustering.accepted.select(["unique_id_l", "unique_id_r"])
    refused = clustering.refused.select(["unique_id_l", "unique_id_r", "reason"])
    con.register("_pairs", pairs)
    con.register("_accepted", accepted)
    con.register("_refused", refused)
    con.execute(
        f"CREATE OR REPLACE TABLE {PERSON_LINKS} AS SELECT p.* FROM _pairs p "
        "JOIN _accepted USING (unique_id_l, unique_id_r)"
    )
    con.execute(
        f"CREATE OR REPLACE TABLE {POSSIBLE_MATCHES} AS "
        + _POSSIBLE_MATCHES.format(pairs="_pairs", person_ids="person_id_history"),
        {"possible": settings.possible_threshold},
    )
    con.execute("CREATE OR REPLACE TABLE scored_pairs AS SELECT * FROM _pairs ORDER BY ALL")
    for name in ("_pairs", "_accepted", "_refused"):
        con.unregister(name)


def _store_term_frequencies(con, frequencies: dict[str, pa.Table]) -> None:
    tables = [
        pa.table({"column_name": pa.array([column] * len(table), pa.string()),
                  "value": table[column].cast(pa.string()), "tf": table[f"tf_{column}"]})
        for column, table in frequencies.items()
    ]  # fmt: skip
    con.register("_tf", pa.concat_tables(tables) if tables else pa.table(
        {"column_name": pa.array([], pa.string()), "value": pa.array([], pa.string()),
         "tf": pa.array([], pa.float64())}))  # fmt: skip
    con.execute(f"CREATE OR REPLACE TABLE {TERM_FREQUENCIES} AS SELECT * FROM _tf")
    con.unregister("_tf")


def _store_explanations(con, model: dict[str, Any]) -> None:
    """One row per accepted link and comparison: the level reached and its match weight. A
    view over ``person_links``, which holds them all (storing its 2.5 million rows at 650,000
    people took half a second; it reads as fast as the table did)."""
    selects = []
    for comparison in model["comparisons"]:
        column = comparison["output_column_name"]
        labels = _level_labels(comparison)
        cases = " ".join(f"WHEN {gamma} THEN '{label}'" for gamma, label in labels.items())
        weight = f"mw_{column}" + (
            f" + coalesce(mw_tf_adj_{column}, 0)" if _has_tf(comparison) else ""
        )
        selects.append(
            f"SELECT unique_id_l, unique_id_r, '{column}' AS comparison, "
            f"'{comparison['comparison_description']}' AS comparison_label, "
            f"gamma_{column} AS level, CASE gamma_{column} {cases} END AS level_label, "
            f"{weight} AS match_weight FROM person_links"
        )
    _replace_view(con, LINK_EXPLANATIONS, " UNION ALL ".join(selects))


def _level_labels(comparison: dict[str, Any]) -> dict[int, str]:
    """Splink's gamma value of each level: -1 for the null level, then counting down."""
    levels = comparison["comparison_levels"]
    counted = [level for level in levels if not level.get("is_null_level")]
    labels = {-1: "空值"}
    for position, level in enumerate(counted):
        labels[len(counted) - 1 - position] = level["label_for_charts"]
    return labels


def _has_tf(comparison: dict[str, Any]) -> bool:
    return any(level.get("tf_adjustment_column") for level in comparison["comparison_levels"])


def _store_related(con, limit: int) -> None:
    """Different persons sharing a phone, bank account or address that few persons share: a
    view, computed when read (nothing reads it during a run, and a county of 650,000 has a
    million such pairs, which would take 1.4 s to store)."""
    accounts = (
        """
            UNION
            SELECT e.person_id, 'bank_account', a.bank_account
            FROM assistance a JOIN entities e ON e.registry = 'assistance'
                 AND e.record_id = a.record_id
            WHERE a.bank_account IS NOT NULL"""
        if "assistance" in table_names(con)
        else ""
    )
    _replace_view(
        con,
        "related_persons",
        f"""
        WITH identifiers AS (
            SELECT e.person_id, 'phone' AS kind, p.phone AS value
            FROM persons p JOIN entities e USING (registry, record_id) WHERE p.phone IS NOT NULL
            UNION
            SELECT e.person_id, 'address', p.address
            FROM persons p JOIN entities e USING (registry, record_id)
            WHERE p.address IS NOT NULL{accounts}
        ),
        shared AS (
            SELECT kind, value FROM identifiers GROUP BY ALL
            HAVING count(DISTINCT person_id) BETWEEN 2 AND {int(limit)}
        )
        SELECT DISTINCT a.person_id AS person_a, b.person_id AS person_b, kind, value
        FROM identifiers a JOIN shared USING (kind, value)
        JOIN identifiers b USING (kind, value)
        WHERE a.person_id < b.person_id
        """,
    )


def _replace_view(con, name: str, query: str) -> None:
    """(Re)create view ``name``; a file from before it was a view holds a table of that name."""
    if name in table_names(con):
        con.execute(f"DROP TABLE {name}")
    con.execute(f"CREATE OR REPLACE VIEW {name} AS {query}")
