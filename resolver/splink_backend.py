"""Splink 5 on DuckDB behind one narrow interface: ``score_pairs_with_splink`` (train and
score a drop), ``train_with_splink`` (train only, for scoring on Spark),
``score_changed_rows_with_splink`` (score next month's changed rows against
the rest with a stored model) and ``ModelReview`` for Splink's charts of a trained model.

A trained model scores with the term frequencies of the rows it was trained on: they are
returned with the pairs and, given back, used instead of the frequencies of the rows being
scored, so that a pair of unchanged rows scores the same next month.

Splink works in a scratch in-memory DuckDB (its many intermediate tables never touch the
run's file); rows go in and scored pairs come out as Arrow tables. Rows are scored by a
number in place of their unique_id (``_number``): Splink joins and hashes a number faster
than text, and a province's rows spill to disk less (with the join order of
``resolver.comparisons.BLOCKING_RULES``, prediction fell from 178 s to 122 s at 15.7 million
rows). Training keeps the unique_ids: Splink samples pairs by a hash of their ids.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa
import splink.comparison_library as cl
import sqlglot
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.internals.comparison_level import ComparisonLevel
from splink.internals.exceptions import SplinkException
from splink.internals.settings import Settings
from sqlglot import exp

from resolver.comparisons import bounded_weights
from resolver.db import connect
from resolver.errors import DoudiError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Training:
    """How to train a model: the prior from deterministic rules, u by random sampling, m by
    expectation maximisation on each of ``em_rules``, and once more from
    ``labelled_matches`` (pairs ``unique_id_l``, ``unique_id_r`` reviewers said are one
    person) when given; Splink averages the m estimates of all sessions."""

    prior_rules: list[str]
    prior_recall: float
    em_rules: list[str]
    u_max_pairs: float
    em_max_pairs: float
    seed: int
    labelled_matches: pa.Table | None = None
    u_chunks: int = 1
    """Queries u's pairs are counted in, a comparison at a time: 1, all at once (Doudi's);
    Splink's default 10 (the stock peer's) first probes 1 % of them and stops there when
    every level was seen 100 times (only gender's is), else starts over in ten chunks
    (rare ID and name levels are never seen so often): eleven queries, the same counts."""
    unseen_weigh_nothing: bool = True
    """A level no sampled pair fell into weighs nothing (``_unseen_levels_weigh_nothing``:
    Doudi's); False keeps Splink's default weights for it (the stock peer's)."""


@dataclass
class Scored:
    """Scored pairs (``unique_id_l``, ``unique_id_r``, ``match_probability``,
    ``match_weight``, and per comparison its ``gamma_`` level and ``mw_`` weight), the trained
    model as Splink's JSON dict, its term frequencies (per column, a table of the value and
    its ``tf_`` share) and the comparisons each blocking rule adds (when counted)."""

    pairs: pa.Table
    model: dict[str, Any]
    term_frequencies: dict[str, pa.Table] = field(default_factory=dict)
    blocking_counts: list[tuple[str, int]] = field(default_factory=list)


def stock_model(seed: int) -> tuple[dict[str, Any], Training]:
    """The peer Doudi is measured beside: a Splink model built only from Splink's own
    comparison library (ID, name, birth date, village) and its usual blocking and training,
    as a careful newcomer would build it.

    Parameters
    ----------
    seed : int
        Seed of the random sampling that estimates u.

    Returns
    -------
    tuple[dict[str, Any], Training]
        The Splink settings (before training) and how to train them.
    """
    settings = {
        "link_type": "dedupe_only",
        "comparisons": [
            cl.LevenshteinAtThresholds("id_number", [1, 2]),
            cl.JaroWinklerAtThresholds("name", [0.9, 0.7]),
            cl.DateOfBirthComparison("birth_date", input_is_string=False),
            cl.ExactMatch("village"),
        ],
        "blocking_rules_to_generate_predictions": [
            block_on("id_number"),
            block_on("name", "birth_date"),
            block_on("name", "village"),
        ],
    }
    training = Training(
        prior_rules=["l.id_number = r.id_number"],
        prior_recall=0.8,
        em_rules=["l.name = r.name", "l.id_number = r.id_number"],
        u_max_pairs=2e6,
        em_max_pairs=1e6,
        seed=seed,
        u_chunks=10,
        unseen_weigh_nothing=False,
    )
    return settings, training


def score_pairs_with_splink(
    rows: pa.Table | pa.RecordBatchReader,
    settings: dict[str, Any],
    *,
    threshold: float,
    training: Training | None = None,
    term_frequencies: dict[str, pa.Table] | None = None,
    count_comparisons: bool = False,
) -> Scored:
    """Deduplicate ``rows`` (a ``unique_id`` column and the columns the comparisons use):
    train when ``training`` is given (else ``settings`` must be a trained model), then score
    every blocked pair at or above ``threshold``, with ``term_frequencies`` when given (else
    those of ``rows``). ``count_comparisons``: also count the comparisons each blocking rule
    adds (a diagnostic that costs about as much as training).

    Parameters
    ----------
    rows : pa.Table | pa.RecordBatchReader
        The rows to deduplicate: ``unique_id`` and the columns the comparisons use (a
        reader is read once, into the scratch database).
    settings : dict[str, Any]
        Splink settings to train, or a trained model's JSON dict when ``training`` is None.
    threshold : float
        Match probability a pair needs to be kept.
    training : Training | None
        How to train, or None to score with ``settings`` as they are.
    term_frequencies : dict[str, pa.Table] | None
        The term frequencies to score with (``Scored.term_frequencies`` of an earlier
        training), or None for those of ``rows``.
    count_comparisons : bool
        Also count the comparisons each blocking rule adds.

    Returns
    -------
    Scored
        The scored pairs, the model as Splink's JSON dict, the term frequencies used, and the
        blocking counts (empty when not counted).
    """
    scratch = connect(":memory:")
    try:
        linker = _linker(scratch, rows, settings)
        if term_frequencies:
            _register_term_frequencies(linker, scratch, term_frequencies)
        counts = _blocking_counts(linker) if count_comparisons else []
        if training is not None:
            _train(linker, training, scratch)
        model = bounded_weights(linker.misc.save_model_to_json())
        frequencies = _term_frequencies(linker, scratch, model)
        _number(scratch, ["input_rows"])
        predictions = _scorer(scratch, model, frequencies).inference.predict(
            threshold_match_probability=threshold, warning_mode="never"
        )
        pairs = _kept_columns(scratch, predictions.physical_name)
    finally:
        scratch.close()
    return Scored(pairs, model, frequencies, counts)


def train_with_splink(
    rows: pa.Table, settings: dict[str, Any], training: Training
) -> tuple[dict[str, Any], dict[str, pa.Table]]:
    """Train a model on ``rows`` without scoring them (another engine scores: see
    ``resolver.spark_backend``): the same model ``score_pairs_with_splink`` trains.

    Parameters
    ----------
    rows : pa.Table
        ``unique_id`` and the columns the comparisons use.
    settings : dict[str, Any]
        Splink settings to train.
    training : Training
        How to train.

    Returns
    -------
    tuple[dict[str, Any], dict[str, pa.Table]]
        The trained model as Splink's JSON dict and its term frequencies.
    """
    scratch = connect(":memory:")
    try:
        linker = _linker(scratch, rows, settings)
        _train(linker, training, scratch)
        model = bounded_weights(linker.misc.save_model_to_json())
        return model, _term_frequencies(linker, scratch, model)
    finally:
        scratch.close()


def score_changed_rows_with_splink(
    unchanged: pa.Table,
    changed: pa.Table,
    model: dict[str, Any],
    term_frequencies: dict[str, pa.Table],
    *,
    threshold: float,
) -> pa.Table:
    """Score, with a trained ``model`` and its ``term_frequencies``, every blocked pair
    between a ``changed`` row and an ``unchanged`` one (Splink's ``predict_between``) and
    between two changed rows (``predict_within``), at or above ``threshold``: together with
    the earlier pairs of unchanged rows, the pairs a full ``score_pairs_with_splink`` of all
    rows with the same model and frequencies gives. Each pair is ordered as a full run orders
    it (``unique_id_l`` < ``unique_id_r``).

    Parameters
    ----------
    unchanged : pa.Table
        Rows scored before and unchanged: ``unique_id`` and the columns the comparisons use.
    changed : pa.Table
        New and changed rows, with the same columns.
    model : dict[str, Any]
        A trained model's JSON dict.
    term_frequencies : dict[str, pa.Table]
        The model's term frequencies (``Scored.term_frequencies``).
    threshold : float
        Match probability a pair needs to be kept.

    Returns
    -------
    pa.Table
        The scored pairs, with the columns of ``Scored.pairs``.
    """
    scratch = connect(":memory:")
    try:
        for name, rows in (("input_rows", changed), ("unchanged_rows", unchanged)):
            _create(scratch, name, rows)
        _number(scratch, ["input_rows", "unchanged_rows"])
        linker = _scorer(scratch, model, term_frequencies)
        db_api = DuckDBAPI(connection=scratch)
        new, old = db_api.register("input_rows"), db_api.register("unchanged_rows")
        found = [
            linker.inference.predict_between(
                new, old, threshold_match_probability=threshold, warning_mode="never"
            ),
            linker.inference.predict_within(
                new, threshold_match_probability=threshold, warning_mode="never"
            ),
        ]
        tables = [_kept_columns(scratch, table.physical_name) for table in found]
        pairs = pa.concat_tables(tables, promote_options="permissive")
    finally:
        scratch.close()
    return pairs


def pair_columns(names: list[str]) -> list[str]:
    """The columns of scored pairs worth keeping: the ids, the probability and weight, and
    each comparison's level and weights; not the rows' values (every ``_l`` and ``_r``
    column but the ids), nor Splink's match key. At a province's size the values would be
    most of the pairs' memory.

    Parameters
    ----------
    names : list of str
        The columns of Splink's predictions.

    Returns
    -------
    list of str
        The kept ones, ids first.

    Examples
    --------
    >>> pair_columns(["name_l", "name_r", "gamma_name", "unique_id_r", "unique_id_l",
    ...               "match_key", "match_probability"])
    ['unique_id_l', 'unique_id_r', 'gamma_name', 'match_probability']
    """
    rest = [name for name in names if not name.endswith(("_l", "_r")) and name != "match_key"]
    return ["unique_id_l", "unique_id_r", *rest]


def _kept_columns(scratch: duckdb.DuckDBPyConnection, table: str) -> pa.Table:
    """Splink's predictions ``table`` of numbered rows, with only the ``pair_columns``, each
    pair by its rows' unique_ids, ordered (``unique_id_l`` < ``unique_id_r``: a pair of
    ``predict_between`` may be found the other way round; the comparisons are symmetric, so
    its levels and weights stand)."""
    rest = ", ".join(f'p."{name}"' for name in pair_columns(scratch.table(table).columns)[2:])
    return scratch.sql(
        "SELECT least(l.unique_id, r.unique_id) AS unique_id_l, "
        f"greatest(l.unique_id, r.unique_id) AS unique_id_r, {rest} FROM {table} p "
        "JOIN row_keys l ON p.unique_id_l = l.row_number "
        "JOIN row_keys r ON p.unique_id_r = r.row_number"
    ).to_arrow_table()


def tf_columns(model: dict[str, Any]) -> list[str]:
    """The columns whose term frequencies adjust the model's match weights.

    Parameters
    ----------
    model : dict
        A trained Splink model (its settings as JSON).

    Returns
    -------
    list[str]
        The columns, sorted.
    """
    return sorted({
        level["tf_adjustment_column"]
        for comparison in model["comparisons"]
        for level in comparison["comparison_levels"]
        if level.get("tf_adjustment_column")
    })  # fmt: skip


def _term_frequencies(
    linker: Linker, scratch: duckdb.DuckDBPyConnection, model: dict[str, Any]
) -> dict[str, pa.Table]:
    frequencies = {}
    for column in tf_columns(model):
        table = linker.table_management.compute_tf_table(column)
        frequencies[column] = scratch.sql(
            f"SELECT * FROM {table.physical_name} ORDER BY ALL"
        ).to_arrow_table()
    return frequencies


def _register_term_frequencies(
    linker: Linker, scratch: duckdb.DuckDBPyConnection, frequencies: dict[str, pa.Table]
) -> None:
    for column, table in frequencies.items():
        scratch.register("_tf", table)
        scratch.execute(f"CREATE OR REPLACE TABLE stored_tf_{column} AS SELECT * FROM _tf")
        scratch.unregister("_tf")
        linker.table_management.register_term_frequency_lookup(
            DuckDBAPI(connection=scratch).register(f"stored_tf_{column}"), column
        )


def _linker(scratch: duckdb.DuckDBPyConnection, rows: pa.Table | pa.RecordBatchReader,
            settings: dict[str, Any]) -> Linker:  # fmt: skip
    _create(scratch, "input_rows", rows)
    return _input_linker(scratch, _settings_creator(settings))


def _input_linker(scratch: duckdb.DuckDBPyConnection,
                  settings: SettingsCreator | dict[str, Any]) -> Linker:  # fmt: skip
    """A linker of ``input_rows``. Made with validate_settings=False: Splink's check of the
    settings' columns only logs, and parses every level's SQL to do it (0.4 s a linker at
    650,000 people); Doudi's settings are its own, and its tests run every one of them."""
    return Linker(DuckDBAPI(connection=scratch).register("input_rows"), settings,
                  log_level=None, validate_settings=False)  # fmt: skip


def _create(scratch: duckdb.DuckDBPyConnection, name: str,
            rows: pa.Table | pa.RecordBatchReader) -> None:  # fmt: skip
    scratch.register("_rows", rows)
    scratch.execute(f"CREATE TABLE {name} AS SELECT * FROM _rows")
    scratch.unregister("_rows")


def _number(scratch: duckdb.DuckDBPyConnection, tables: list[str]) -> None:
    """Replace every ``unique_id`` of ``tables`` by a number, its rank among all of theirs
    (the same whatever the rows' order); ``row_keys`` (``row_number``, ``unique_id``) maps
    the numbers back."""
    ids = " UNION ALL ".join(f"SELECT unique_id FROM {name}" for name in tables)
    scratch.execute("CREATE TABLE row_keys AS SELECT unique_id, "
                    f"row_number() OVER (ORDER BY unique_id) - 1 AS row_number FROM ({ids})")  # fmt: skip
    for name in tables:
        scratch.execute(f"CREATE TABLE _numbered AS SELECT k.row_number AS unique_id, "
                        f"r.* EXCLUDE (unique_id) FROM {name} r JOIN row_keys k USING (unique_id)")  # fmt: skip
        scratch.execute(f"DROP TABLE {name}")
        scratch.execute(f"ALTER TABLE _numbered RENAME TO {name}")


def _scorer(scratch: duckdb.DuckDBPyConnection, model: dict[str, Any],
            frequencies: dict[str, pa.Table]) -> Linker:  # fmt: skip
    """A linker of the numbered ``input_rows`` that scores with a trained ``model`` and its
    term ``frequencies``."""
    linker = _input_linker(scratch, model)
    _register_term_frequencies(linker, scratch, frequencies)
    return linker


def _typed_row(scratch: duckdb.DuckDBPyConnection, unique_id: str, side: str):
    """One input row as a registered table of the input's column types (a row given as a
    dict loses them: a missing birth date would be an untyped NULL, which no date function
    takes)."""
    scratch.execute(f"CREATE OR REPLACE TABLE _pair_{side} AS "
                    "SELECT * FROM input_rows WHERE unique_id = ?", [unique_id])  # fmt: skip
    return DuckDBAPI(connection=scratch).register(f"_pair_{side}")


def _settings_creator(settings: dict[str, Any]) -> SettingsCreator | dict[str, Any]:
    if "comparisons" in settings and settings.get("linker_uid") is None:
        return SettingsCreator(**settings)
    return settings


def _train(linker: Linker, training: Training, scratch: duckdb.DuckDBPyConnection) -> None:
    if not any(_blocks_a_pair(scratch, rule) for rule in training.prior_rules):
        raise DoudiError(TOO_FEW_TO_TRAIN)
    try:
        linker.training.estimate_probability_two_random_records_match(
            training.prior_rules, recall=training.prior_recall
        )
    except ValueError as error:  # more rows share an ID than the few pairs allow
        if "Deterministic matching rules" not in str(error):
            raise
        raise DoudiError(TOO_FEW_PAIRS) from error
    linker.training.estimate_u_using_random_sampling(
        max_pairs=training.u_max_pairs, seed=training.seed, num_chunks=training.u_chunks
    )
    with _exact_levels_remembered():
        for rule in training.em_rules:
            if not _blocks_a_pair(scratch, rule):  # Splink would fail, its model half-changed
                log.warning("EM session %s skipped: no two rows agree on its fields", rule)
                continue
            _em_session(linker, rule, training.em_max_pairs)
    if training.labelled_matches is not None:
        scratch.register("_labels", training.labelled_matches)
        scratch.execute("CREATE TABLE labelled_matches AS SELECT * FROM _labels")
        scratch.unregister("_labels")
        log.info("m values re-estimated from %d labelled pairs", len(training.labelled_matches))
        linker.training.estimate_m_from_pairwise_labels("labelled_matches")
    if training.unseen_weigh_nothing:
        _unseen_levels_weigh_nothing(linker._settings_obj)


def _unseen_levels_weigh_nothing(settings: Settings) -> None:
    """A comparison level no sampled pair of the county fell into (its u not estimated: 性别相同
    counts only where a row has no usable ID, and every row of a county may have one) weighs
    nothing: its u is set to its m (0.5 each where neither was estimated). Splink gives such a
    level a default weight instead, up to 10 for the last level; until 2026-12-08 a model
    trained on a month whose rows all held IDs scored the next month's certificates whose IDs
    a spreadsheet had destroyed as one person with a namesake of their village on that
    weight alone (a blind tester's `update` linked 98 certificates at 0.9996, a full run of
    the same month, training the level, at 0.82)."""
    for comparison in settings.comparisons:
        for level in comparison.comparison_levels:
            if level.is_null_level or level._u_is_trained:
                continue
            if not level._m_is_trained and not level._fix_m_probability:
                level.m_probability = 0.5
            level.u_probability = level.m_probability
            log.info("level %s of %s: seen in no sampled pair, weighs nothing",
                     level.label_for_charts, comparison.output_column_name)  # fmt: skip


def _em_session(linker: Linker, rule: str, max_pairs: float) -> None:
    """One EM session blocked on ``rule``. Where every pair the rule blocks is one person (a
    clean county: no two persons share a name and birth date), Splink's estimate of the share
    of matches among them reaches 1, their prior weight is infinite, and the session fails on
    the SQL Splink writes with it (``cast(inf as float8)``; until 2026-12-07 such a county
    stopped with 内部错误). The session is then run again with the share held where it
    starts (the county's prior, from IDs, raised by what the rule blocks on): the m values
    are learnt from the pairs whose other fields agree, which in such a county are the
    matches. A session cuts the linker's
    model down to the comparisons it trains and puts it back only when it succeeds: the
    failed one's is put back here first."""
    model = linker._settings_obj.core_model_settings.copy()
    try:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, max_pairs=max_pairs
        )
    except SplinkException as error:
        if _INFINITE_WEIGHT not in str(error):
            raise
        linker._settings_obj.core_model_settings = model
        log.warning("EM session %s: every pair a match; run again with the prior held", rule)
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, max_pairs=max_pairs, fix_probability_two_random_records_match=True
        )


# How Splink's SQL names an infinite weight (its Python float written as text)
_INFINITE_WEIGHT = 'Referenced column "inf"'
_SPLINKS_EXACT_MATCH = ComparisonLevel._is_exact_match
# Whether a comparison level is an exact match, by its SQL, dialect and being the else level:
# the SQL alone answers it, so a process works each out once (``_exact_levels_remembered``)
_EXACT_ANSWERS: dict[tuple[str, str, bool], bool] = {}


@contextmanager
def _exact_levels_remembered() -> Iterator[None]:
    """Each EM session starts by asking every comparison level whether it is an exact match
    (``ComparisonLevel._is_exact_match``), which Splink answers by parsing and simplifying
    the level's SQL with sqlglot, again for each session (at 650,000 people, 0.85 s of the
    three sessions' 6 s of CPU; at 2,000 people, 1.8 s of 7.8 s linking). The answer
    depends on the SQL alone, so while this is entered each level's is worked out once in a
    process (``_EXACT_ANSWERS``: a server or a test process training again asks the same),
    and two trainings at once each put Splink's own way back."""

    def remembered(level: ComparisonLevel) -> bool:
        key = (level.sql_condition, level.sqlglot_dialect, level._is_else_level)
        if key not in _EXACT_ANSWERS:
            _EXACT_ANSWERS[key] = not _calls_a_function(level) and _SPLINKS_EXACT_MATCH.fget(level)
        return _EXACT_ANSWERS[key]

    ComparisonLevel._is_exact_match = property(remembered)
    try:
        yield
    finally:
        ComparisonLevel._is_exact_match = _SPLINKS_EXACT_MATCH


def _calls_a_function(level: ComparisonLevel) -> bool:
    """Whether a level's SQL applies a function to a column (``levenshtein(name_l, name_r) <=
    1``): no simplifying makes it a conjunction of equalities, Splink's exact match, so the
    answer needs no sqlglot simplification (for Doudi's 52 levels 0.46 s of training, 0.06 s
    so: 23 of them call one). The else level calls none."""
    if level._is_else_level:
        return False
    tree = sqlglot.parse_one(level.sql_condition.lower(), read=level.sqlglot_dialect)
    return any(isinstance(node, exp.Func) and not isinstance(node, exp.Connector)
               and node.find(exp.Column) is not None for node in tree.walk())  # fmt: skip


TOO_FEW_TO_TRAIN = (
    "数据太少，无法训练人员关联模型：各名册中没有任何两条记录的身份证号相同（关联模型从这些记录"
    "估计同一人的比例）。请导入完整的数据包，至少包含户籍人口和救助对象名册。"
)
TOO_FEW_PAIRS = (
    "数据太少，无法训练人员关联模型：记录太少，身份证号相同的记录多于记录两两配对的数目所能容纳的"
    "（关联模型从这些记录估计同一人的比例）。请导入完整的数据包，至少包含户籍人口和救助对象名册。"
)


def _blocks_a_pair(scratch: duckdb.DuckDBPyConnection, rule: str) -> bool:
    """Whether two input rows agree on every field of an EM rule of equalities
    (``l.name_fuzzy = r.name_fuzzy AND ...``): a drop without villages has no pair for a rule
    on the village (any other form of rule is taken to block some)."""
    columns = re.findall(r"l\.(\w+) = r\.\1\b", rule)
    if not columns:
        return True
    filled = " AND ".join(f"{column} IS NOT NULL" for column in columns)
    return bool(scratch.execute(f"SELECT 1 FROM input_rows WHERE {filled} GROUP BY "
                                f"{', '.join(columns)} HAVING count(*) > 1 LIMIT 1").fetchall())  # fmt: skip


def _blocking_counts(linker: Linker) -> list[tuple[str, int]]:
    """The comparisons each prediction blocking rule adds to those before it."""
    records = linker.blocking_analysis.count_comparisons_from_blocking_rules(
        record_sample_proportion=1.0
    )
    counts = [
        (record["blocking_rule"], int(record["marginal_comparison_count"])) for record in records
    ]
    for rule, count in counts:
        log.info("blocking rule %s: %d comparisons", rule, count)
    return counts


class ModelReview:
    """A trained model opened on the rows it scored, for Splink's charts (Altair): match
    weights, m and u, waterfalls of pairs, blocking rules, accuracy against labels.

    Each chart is Splink's own; in a notebook it renders where it is the cell's value.
    Close it (or use it in a ``with`` block) to free its scratch database."""

    def __init__(self, rows: pa.Table, model: dict[str, Any]) -> None:
        self._scratch = connect(":memory:")
        self._linker = _linker(self._scratch, rows, model)

    def __enter__(self) -> ModelReview:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the scratch database; no chart can be drawn afterwards."""
        self._scratch.close()

    def match_weights_chart(self):
        """The match weight of each level of each comparison, and the prior.

        Returns
        -------
        Chart
            Splink's chart (Altair).
        """
        return self._linker.visualisations.match_weights_chart()

    def m_u_parameters_chart(self):
        """The m and u probabilities of each level of each comparison.

        Returns
        -------
        Chart
            Splink's chart (Altair).
        """
        return self._linker.visualisations.m_u_parameters_chart()

    def blocking_rules_chart(self):
        """Comparisons each prediction blocking rule adds, over every row.

        Returns
        -------
        Chart
            Splink's chart (Altair).
        """
        return self._linker.blocking_analysis.chart_comparisons_from_blocking_rules(
            record_sample_proportion=1.0
        )

    def waterfall_chart(self, pairs: list[tuple[str, str]]):
        """How each comparison moves the match weight of the given pairs of unique_ids.

        Parameters
        ----------
        pairs : list[tuple[str, str]]
            Pairs of unique_ids of rows the model was opened on.

        Returns
        -------
        Chart
            Splink's waterfall chart (Altair) of the pairs.
        """
        records = [self._scored(left, right) for left, right in pairs]
        return self._linker.visualisations.waterfall_chart(records, filter_nulls=False)

    def accuracy_chart(self, labels: pa.Table, output_type: str = "threshold_selection"):
        """Precision and recall at each threshold against labelled pairs (``unique_id_l``,
        ``unique_id_r``, ``clerical_match_score`` 1 or 0); ``output_type`` as Splink's
        ``accuracy_analysis_from_labels_table`` (``threshold_selection``, ``precision_recall``,
        ``roc``, ``accuracy`` or ``table``).

        Parameters
        ----------
        labels : pa.Table
            Labelled pairs, as ``resolver.labels.splink_labels`` gives them.
        output_type : str
            Which of Splink's outputs to draw.

        Returns
        -------
        Chart or SplinkDataFrame
            Splink's chart (Altair), or its table for ``output_type="table"``.
        """
        self._scratch.register("_labels", labels)
        self._scratch.execute("CREATE OR REPLACE TABLE review_labels AS SELECT * FROM _labels")
        self._scratch.unregister("_labels")
        return self._linker.evaluation.accuracy_analysis_from_labels_table(
            "review_labels", output_type=output_type, add_metrics=["f1"]
        )

    def _scored(self, left: str, right: str) -> dict[str, Any]:
        first, second = sorted((left, right))
        return self._linker.inference.score_pair(
            _typed_row(self._scratch, first, "l"), _typed_row(self._scratch, second, "r")
        ).as_record_list()[0]
