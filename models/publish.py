"""Runs and their published results: what the review API serves.

A run is recorded when it starts (``runs``, status ``running``) and published when it ends,
in one transaction: its cases, each with everything a reviewer needs to check it
(``published_cases``: the rows of every registry involved, the identity links with their
per-comparison weights, the household subgraph, the run's as-of day ``as_of``: the day
"active" was judged on), the ID index of its persons (``published_persons``, kept for the
latest published run only), the 低保 cases whose dated 渐退 screening holds the first payment
past (``published_gradual_ends``: ``models.detectors.over_standard.gradual_ends``, latest run
only; a database published before 2026-12-07 has none), the case registry across runs (``case_registry``), the
data-quality findings by kind, the run's as-of day (``runs.as_of``: the month over month view
compares runs of different data months) and the status ``published``. Reads never touch the working
tables (``entities``, ``persons``...), which a later run rewrites as it goes: a run that
crashes halfway leaves the previous published run whole and readable, and its own row
``running``.

``case_registry`` is the stable identity of a finding: a case id comes from its type, persons
and records, so the same finding in the next run is the same case; one the next run no
longer raises gets ``resolved_run`` (resolved by data) and ``gone_records``, the rows of its
last snapshot (``registry:record_id``) that run's data no longer holds, and where one was a
roster row, ``paid_after_gone``: the last month the ledger still pays its case after the run
that raised it last. It is never deleted.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Collection
from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import duckdb
import orjson
import pyarrow as pa

from models.amounts import LINE_MONEY
from models.cases import Case
from models.data_gaps import DataGaps
from models.policy import Policy, policy_from_dict, rule_changes
from resolver.db import table_names, transaction
from resolver.errors import DoudiError
from resolver.funds import CASE_MONEY, RAW_LINE
from resolver.ingest import county_aliases, drop_holdings
from resolver.labels import labelled_since
from resolver.memory import collector_paused
from resolver.outputs import explained_links, identified_persons, person_records
from resolver.quality import findings_by_problem, problem_label
from resolver.registries import REGISTRIES
from resolver.settings import LinkSettings

if TYPE_CHECKING:  # types only: screening and the reports read a run without scikit-learn
    from models.detection import Found
    from models.detectors.over_standard import GradualEnd
    from models.risk import RiskModel

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR PRIMARY KEY, status VARCHAR, started_at TIMESTAMP, finished_at TIMESTAMP,
    data_dir VARCHAR, inputs JSON, settings JSON, policy JSON, policy_name VARCHAR,
    policy_version INTEGER, risk_model JSON, counts JSON, quality JSON
);
CREATE TABLE IF NOT EXISTS published_cases (
    run_id VARCHAR, case_id VARCHAR, case_type VARCHAR, risk_score DOUBLE,
    amount_at_risk DOUBLE, township VARCHAR, village VARCHAR, person_ids VARCHAR[],
    records JSON, evidence JSON, detail JSON, PRIMARY KEY (run_id, case_id)
);
ALTER TABLE published_cases ADD COLUMN IF NOT EXISTS counties VARCHAR[];
CREATE TABLE IF NOT EXISTS published_persons (
    run_id VARCHAR, person_id VARCHAR, id18 VARCHAR, name VARCHAR
);
CREATE TABLE IF NOT EXISTS published_gradual_ends (
    run_id VARCHAR, case_no VARCHAR, last_month VARCHAR, income DOUBLE, area VARCHAR,
    basis VARCHAR, phased BOOLEAN
);
CREATE TABLE IF NOT EXISTS case_registry (
    case_id VARCHAR PRIMARY KEY, case_type VARCHAR, first_run VARCHAR, last_run VARCHAR,
    resolved_run VARCHAR
);
ALTER TABLE case_registry ADD COLUMN IF NOT EXISTS gone_records VARCHAR[];
ALTER TABLE case_registry ADD COLUMN IF NOT EXISTS paid_after_gone VARCHAR;
ALTER TABLE runs ADD COLUMN IF NOT EXISTS as_of DATE;
ALTER TABLE runs ADD COLUMN IF NOT EXISTS unjudged JSON;
ALTER TABLE case_registry ADD COLUMN IF NOT EXISTS carried_run VARCHAR;
"""
GRADUAL_END_SCHEMA = pa.schema([("case_no", pa.string()), ("last_month", pa.string()),
                                ("income", pa.float64()), ("area", pa.string()),
                                ("basis", pa.string()), ("phased", pa.bool_())])  # fmt: skip
"""The columns of ``published_gradual_ends`` after ``run_id``, as its rows are written."""
# Derived columns a reviewer does not need beside the values they come from (by suffix).
HIDDEN_SUFFIXES = ("_pinyin", "_fuzzy", "id_number_prefix", "id_number_birth_date",
                   "id_number_gender", "_key", "address_town", "address_village",
                   "address_group", "address_house")  # fmt: skip


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the tables of runs and published results (``SCHEMA``) that do not exist yet.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database.
    """
    for statement in SCHEMA.split(";"):
        if statement.strip():
            con.execute(statement)


def start_run(
    con: duckdb.DuckDBPyConnection,
    *,
    data_dir: str,
    settings: LinkSettings,
    policy: Policy,
    risk: RiskModel,
) -> str:
    """Record a run as ``running``.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database (its tables of runs are created if missing).
    data_dir : str
        The data drop the run reads.
    settings : LinkSettings
        The link settings it runs with.
    policy : Policy
        The policy it runs with.
    risk : RiskModel
        The risk model its cases are scored by.

    Returns
    -------
    str
        The run's id, ``r-<date>-<time>-<random>``.

    Raises
    ------
    DoudiError
        When a run of the database recorded a policy of the same name and version with other
        rules (``_label_reused``).
    """
    ensure_schema(con)
    _refuse_reused_label(con, policy)
    run_id = f"r-{datetime.now():%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"
    recorded = _recorded_configuration(RunConfiguration(policy, settings, risk))
    con.execute(
        "INSERT INTO runs (run_id, status, started_at, data_dir, settings, policy, policy_name, "
        "policy_version, risk_model) VALUES (?, 'running', now(), ?, ?, ?, ?, ?, ?)",
        [run_id, data_dir, recorded["settings"], recorded["policy"], policy.name,
         policy.version, recorded["risk_model"]],
    )  # fmt: skip
    return run_id


def _refuse_reused_label(con: duckdb.DuckDBPyConnection, policy: Policy) -> None:
    """Refuse ``policy`` when a run of the database recorded another policy under its name
    and version: runs, their summaries and resolution reasons name a policy by them, and two
    sets of rules under one label could not be told apart (a grace of 2 months and one of 3
    both 第 1 版). Only the rules count: its source text and quoted sentences may change."""
    recorded = con.execute(
        "SELECT run_id, policy FROM runs WHERE policy_name = ? AND policy_version = ? "
        "ORDER BY started_at DESC", [policy.name, policy.version],
    ).fetchall()  # fmt: skip
    rules = json.loads(policy.to_json())
    for run_id, earlier in recorded:
        changed = rule_changes(json.loads(earlier), rules)
        if changed:
            said = "；".join(changed)
            newest = con.execute("SELECT max(policy_version) FROM runs WHERE policy_name = ?",
                                 [policy.name]).fetchone()[0]  # fmt: skip
            raise DoudiError(
                f"政策 {policy.name}（第 {policy.version} 版）与本数据库中运行 {run_id} 所用的同名同版本"
                f"政策规则不同：{said}。同一名称和版本只能对应一套规则，否则两次运行的记录、"
                f"汇总和消除原因无法区分；请将政策文件的 version 改为 {newest + 1}（或另取 name）后再运行"
            )  # fmt: skip


@dataclass(frozen=True)
class RunConfiguration:
    """What a run ran with, as it recorded it."""

    policy: Policy
    settings: LinkSettings
    risk: RiskModel


def _recorded_configuration(config: RunConfiguration) -> dict[str, str]:
    """The JSON a run records of its ``settings``, ``policy`` and ``risk_model``."""
    return {"settings": json.dumps(asdict(config.settings)), "policy": config.policy.to_json(),
            "risk_model": json.dumps(config.risk.types_, ensure_ascii=False)}  # fmt: skip


class RepeatedDrop(DoudiError):
    """The drop just ingested is the one the last published run read, under the same policy,
    settings and risk model, and no reviewer has labelled a link since: a run of it would
    give that run's cases again. ``run_id`` is that run."""

    def __init__(self, run_id: str) -> None:
        self.run_id = run_id
        super().__init__(f"本次数据与上次运行（{run_id}）读取的文件完全相同，政策与设置未变，"
                         "未生成新的运行")  # fmt: skip


def repeated_run(con: duckdb.DuckDBPyConnection, config: RunConfiguration) -> str | None:
    """The last published run, when the drop just ingested repeats it: the same files (by
    SHA-256, of the same registries), each taken unchanged from the last ingest (the same
    place in the drop, read the same way: a header vocabulary or Doudi's reading changed
    reads them again), under the same ``config``, with no link label recorded since that run
    started. Publishing such a drop again would make the monthly report compare that run
    with its own copy, and lose the month's changes and confirmations.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The database, its drop just ingested.
    config : RunConfiguration
        What the run about to be made would run with.

    Returns
    -------
    str or None
        The run repeated, or None (no published run, or anything differs).
    """
    run_id = last_published_run(con)
    if run_id is None:
        return None
    started_at, inputs, *recorded = con.execute(
        "SELECT started_at, inputs, settings, policy, risk_model FROM runs WHERE run_id = ?",
        [run_id],
    ).fetchall()[0]
    now = [json.loads(text) for text in _recorded_configuration(config).values()]
    if [json.loads(text) for text in recorded] != now or labelled_since(con, started_at):
        return None
    return run_id if _same_drop(con, inputs) else None


def _same_drop(con: duckdb.DuckDBPyConnection, inputs: str | None) -> bool:
    """Whether the files just ingested are the run's ``inputs`` (registry and SHA-256), each
    taken unchanged from the last ingest; False when the run did not record its inputs."""
    if inputs is None:
        return False
    files = con.execute("SELECT registry, sha256, reused FROM ingest_files").fetchall()
    read = sorted((file["registry"], file["sha256"]) for file in json.loads(inputs))
    return (all(reused == "unchanged" for *_, reused in files)
            and sorted((registry, sha256) for registry, sha256, _ in files) == read)  # fmt: skip


def refuse_run(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    """Record that run ``run_id`` stopped at its drop (refused, nothing of it written): it is
    kept in the list of runs, and the run before it stays the working one.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database.
    run_id : str
        The run, ``running``.
    """
    con.execute("UPDATE runs SET status = 'refused', finished_at = now() WHERE run_id = ?",
                [run_id])  # fmt: skip


def has_published_run(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the database holds a published run.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database.

    Returns
    -------
    bool
        True once a run has published to it.
    """
    return last_published_run(con) is not None


def last_published_run(con: duckdb.DuckDBPyConnection) -> str | None:
    """The run published last.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database.

    Returns
    -------
    str or None
        Its id; None before the first run publishes.
    """
    if "runs" not in table_names(con):
        return None
    found = con.execute(
        "SELECT run_id FROM runs WHERE status = 'published' ORDER BY finished_at DESC LIMIT 1"
    ).fetchall()
    return found[0][0] if found else None


def held_before(con: duckdb.DuckDBPyConnection, allow_missing: Collection[str] = ()
                ) -> set[tuple[str, str | None]]:  # fmt: skip
    """The (registry, county) pairs the last drop of a database with a published run held,
    those ``allow_missing`` left out; none in a database no run has published to. A drop
    taken into such a database (by ``run``, ``update`` or ``doudi ingest``) must hold them:
    a registry left out would resolve every lead resting on it.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The database.
    allow_missing : collection of str
        Registries the office says are no longer kept.

    Returns
    -------
    set of (str, str or None)
        (registry name, county) pairs.
    """
    if not has_published_run(con):
        return set()
    return {(name, county) for name, county in drop_holdings(con) if name not in allow_missing}


def working_run(con: duckdb.DuckDBPyConnection) -> str:
    """The published run whose working tables (persons, scored pairs, ...) the file holds.

    That is the latest run that got past its drop, which must have published (a later run
    that stopped halfway may have rewritten them); a run whose drop was refused wrote nothing.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database.

    Returns
    -------
    str
        The latest run's id.

    Raises
    ------
    DoudiError
        If there is no run, or the latest did not publish (naming the command that recovers:
        ``recovery_command``).
    """
    run_id = published_run(con)
    if (stopped := interrupted_run(con)) is not None:
        raise DoudiError(f"最近一次运行（{stopped}）中途停止，未发布，数据库中的工作表可能已"
                         f"与已发布的结果不一致：请用 {recovery_command(con, stopped)} 完整运行一次"
                         )  # fmt: skip
    return run_id


def published_run(con: duckdb.DuckDBPyConnection) -> str:
    """The run published last, whose published tables a later run that stopped halfway
    leaves whole: what the review API and the monthly report read.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database.

    Returns
    -------
    str
        Its id.

    Raises
    ------
    DoudiError
        If no run has published.
    """
    run_id = last_published_run(con)
    if run_id is None:
        raise DoudiError("数据库中没有已发布的运行：请先用 doudi run 完整运行一次")
    return run_id


def interrupted_run(con: duckdb.DuckDBPyConnection) -> str | None:
    """The latest run that got past its drop, when it stopped before publishing (killed,
    interrupted, out of memory: still ``running``).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database.

    Returns
    -------
    str or None
        Its id; None when the latest such run published, or there is none.
    """
    if "runs" not in table_names(con):
        return None
    found = con.execute(
        "SELECT run_id, status FROM runs WHERE status <> 'refused' "
        "ORDER BY started_at DESC LIMIT 1"
    ).fetchall()  # fmt: skip
    return found[0][0] if found and found[0][1] != "published" else None


def recovery_command(con: duckdb.DuckDBPyConnection, run_id: str) -> str:
    """The full run that makes a database whose run ``run_id`` stopped halfway whole again:
    ``doudi run`` of that run's drop into the same file, under its policy.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database.
    run_id : str
        The run that stopped.

    Returns
    -------
    str
        The command, ``doudi run <drop> --db <file> --out <文件夹>`` (and ``--policy``).
    """
    data_dir, policy_name = con.execute(
        "SELECT data_dir, policy_name FROM runs WHERE run_id = ?", [run_id]
    ).fetchall()[0]  # fmt: skip
    db_path = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchall()[0][0]  # fmt: skip
    policy = f" --policy {policy_name}" if policy_name != "default" else ""
    return f"doudi run {data_dir} --db {db_path} --out <文件夹>{policy}"


def run_configuration(con: duckdb.DuckDBPyConnection, run_id: str) -> RunConfiguration:
    """The policy, link settings and risk model run ``run_id`` recorded.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database.
    run_id : str
        The run.

    Returns
    -------
    RunConfiguration
        What the run ran with.

    Raises
    ------
    DoudiError
        If there is no run ``run_id``.
    """
    from models.risk import RiskModel  # scikit-learn: loaded only where a run's cases are scored

    policy, settings, risk = _recorded(con, run_id)
    return RunConfiguration(policy, settings, RiskModel.from_types(risk))


def run_policy(con: duckdb.DuckDBPyConnection, run_id: str) -> Policy:
    """The policy run ``run_id`` recorded (all that screening and the reports need of it),
    applied to the drop's counties (``Policy.for_drop``).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database.
    run_id : str
        The run.

    Returns
    -------
    Policy
        The policy the run ran with.

    Raises
    ------
    DoudiError
        If there is no run ``run_id``.
    """
    return _recorded(con, run_id)[0].for_drop(county_aliases(con))


def _recorded(con: duckdb.DuckDBPyConnection, run_id: str) -> tuple[Policy, LinkSettings, dict]:
    """The policy, link settings and risk model's types run ``run_id`` recorded (read once;
    the risk model is built by whoever scores with it)."""
    found = con.execute(
        "SELECT policy, settings, risk_model FROM runs WHERE run_id = ?", [run_id]
    ).fetchall()
    if not found:
        raise DoudiError(f"数据库中没有运行 {run_id}")
    policy, settings, risk = found[0]
    return (policy_from_dict(json.loads(policy), source=f"run {run_id}"),
            LinkSettings.from_json(settings), json.loads(risk))  # fmt: skip


@collector_paused()
def publish_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    found: Found,
    counts: dict[str, int],
    gaps: DataGaps,
) -> None:
    """Publish the run's cases and what its data could not judge, atomically (see the module
    docstring).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database, with the run started (``start_run``) and its persons linked.
    run_id : str
        The run.
    found : Found
        Its scored cases, with the household subgraph of each and the day the detectors
        judged "active" on.
    counts : dict[str, int]
        The number of cases of each type.
    gaps : DataGaps
        The case types its data leave unjudged (``models.data_gaps.data_gaps``).
    """
    snapshot = _case_table(con, run_id, found)
    quality = [{"registry": registry, "column": column, "problem": problem,
                "label": problem_label(problem), "rows": rows}
               for registry, column, problem, rows in findings_by_problem(con)]  # fmt: skip
    with transaction(con):
        con.register("_snapshot", snapshot)
        con.execute("INSERT INTO published_cases SELECT * FROM _snapshot")
        con.unregister("_snapshot")
        con.register("_identified", identified_persons(con))
        con.execute(  # replaced whole: cheaper than deleting every row
            "CREATE OR REPLACE TABLE published_persons AS "
            "SELECT ?::VARCHAR AS run_id, person_id, id18, name FROM _identified",
            [run_id],
        )
        con.unregister("_identified")
        _publish_gradual_ends(con, run_id, found.gradual_ends)
        _update_registry(con, run_id, gaps)
        con.execute(
            "UPDATE runs SET status = 'published', finished_at = now(), counts = ?, quality = ?, "
            "as_of = ?, unjudged = ?, inputs = (SELECT to_json(list(struct_pack(registry, path, "
            "sha256, rows))) FROM ingest_files) WHERE run_id = ?",
            [
                json.dumps(counts),
                json.dumps(quality, ensure_ascii=False),
                found.as_of,
                gaps.to_json(),
                run_id,
            ],
        )
        # a run before it that stopped halfway (killed) stays no longer ``running`` for ever
        con.execute("UPDATE runs SET status = 'stopped' WHERE status = 'running' "
                    "AND run_id <> ?", [run_id])  # fmt: skip


def _publish_gradual_ends(con: duckdb.DuckDBPyConnection, run_id: str,
                          ends: list[GradualEnd]) -> None:  # fmt: skip
    """``published_gradual_ends``: the run's ``ends``, replacing the last run's."""
    table = pa.Table.from_pylist([asdict(end) for end in ends], GRADUAL_END_SCHEMA)
    con.register("_gradual_ends", table)
    con.execute(
        "CREATE OR REPLACE TABLE published_gradual_ends AS "
        "SELECT ?::VARCHAR AS run_id, * FROM _gradual_ends",
        [run_id],
    )
    con.unregister("_gradual_ends")


def run_gaps(con: duckdb.DuckDBPyConnection, run_id: str) -> DataGaps:
    """What run ``run_id`` published its data could not judge (``publish_run``).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database.
    run_id : str
        The run.

    Returns
    -------
    DataGaps
        Its gaps; none for a run published before they were stored (2026-12-06).
    """
    found = con.execute("SELECT unjudged FROM runs WHERE run_id = ?", [run_id]).fetchall()
    return DataGaps.from_json(found[0][0] if found else None)


def _update_registry(con: duckdb.DuckDBPyConnection, run_id: str, gaps: DataGaps) -> None:
    """Record the run's cases in ``case_registry``, and resolve by data each earlier case it
    does not raise, but one its data could not judge (``DataGaps.leaves_unjudged``: the
    month's drop without 死亡人员 resolves no death lead) whose rows in the registries the
    drop holds are all still there: that one stands as it stood (``_carry``)."""
    con.execute(
        """
        INSERT INTO case_registry (case_id, case_type, first_run, last_run, resolved_run)
        SELECT case_id, case_type, run_id, run_id, NULL FROM published_cases WHERE run_id = $1
        ON CONFLICT (case_id) DO UPDATE SET last_run = excluded.last_run, resolved_run = NULL,
            gone_records = NULL, paid_after_gone = NULL, carried_run = NULL
        """,
        [run_id],
    )
    unraised = con.execute(
        "SELECT r.case_id, r.case_type, coalesce(p.counties, []), p.township, p.records "
        "FROM case_registry r JOIN published_cases p ON p.case_id = r.case_id "
        "AND p.run_id = r.last_run WHERE r.resolved_run IS NULL AND r.last_run <> $1",
        [run_id],
    ).fetchall()
    held = _held_records(con, [json.loads(case[4]) for case in unraised])
    carried = [case_id for case_id, case_type, counties, township, records in unraised
               if gaps.leaves_unjudged(case_type, counties, township)
               and all(held.get((r["registry"], r["record_id"]), True)
                       for r in json.loads(records))]  # fmt: skip
    kept = set(carried)
    resolved = [case[0] for case in unraised if case[0] not in kept]
    con.execute("UPDATE case_registry SET resolved_run = $1 WHERE case_id IN (SELECT unnest($2))",
                [run_id, resolved])  # fmt: skip
    _carry(con, run_id, carried)
    _record_gone_rows(con, run_id)


def _held_records(con: duckdb.DuckDBPyConnection,
                  records: list[list[dict]]) -> dict[tuple[str, str], bool]:  # fmt: skip
    """Whether the drop still holds each record of ``records`` whose registry it holds
    (``drop_holdings``); a record of a registry it lacks is not listed."""
    present = {name for name, _ in drop_holdings(con)}
    wanted: dict[str, set[str]] = {}
    for record in (record for case in records for record in case):
        if record["registry"] in present:
            wanted.setdefault(record["registry"], set()).add(record["record_id"])
    held = {}
    for registry, ids in wanted.items():
        found = {rid for (rid,) in con.execute(
            f"SELECT record_id FROM {registry} WHERE record_id IN (SELECT unnest($1))",
            [sorted(ids)]).fetchall()}  # fmt: skip
        held |= {(registry, rid): rid in found for rid in ids}
    return held


CARRIED_NOTE = (
    "本次运行的数据缺少判断此类疑点所需的登记库，未能重新判断：沿用此前运行的结果，未计为消除"
)
"""The first line of a carried case's evidence (``_carry``)."""


def _carry(con: duckdb.DuckDBPyConnection, run_id: str, carried: list[str]) -> None:
    """Publish each case of ``carried`` in run ``run_id`` as it stood, its evidence first
    saying that the run could not judge it again (``case_registry.carried_run``): it stays
    open, and counts as still open month over month, not as resolved and then new."""
    con.execute(  # said once, however many runs in a row carry it
        "INSERT INTO published_cases BY NAME SELECT * REPLACE ($1 AS run_id, "
        "to_json(list_prepend($3, list_filter(from_json(evidence, '[\"VARCHAR\"]'), "
        "lambda line: line <> $3))) AS evidence) "
        "FROM published_cases WHERE (case_id, run_id) IN "
        "(SELECT (case_id, last_run) FROM case_registry WHERE case_id IN (SELECT unnest($2)))",
        [run_id, carried, CARRIED_NOTE],
    )
    con.execute("UPDATE case_registry SET last_run = $1, carried_run = $1 "
                "WHERE case_id IN (SELECT unnest($2))", [run_id, carried])  # fmt: skip


def _record_gone_rows(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    """For each case the run resolves, the rows of its last snapshot (``registry:record_id``)
    that the run's data no longer holds: what a reviewer is told made it go away; and, where
    a roster row went away, the last month the ledger still pays its case after the month of
    the run that raised the lead last (``paid_after_gone``: deleting a dead member's row stops
    no money)."""
    resolved = con.execute(
        "SELECT r.case_id, c.detail, l.as_of FROM case_registry r JOIN published_cases c "
        "ON c.case_id = r.case_id AND c.run_id = r.last_run JOIN runs l ON l.run_id = r.last_run "
        "WHERE r.resolved_run = ?", [run_id]
    ).fetchall()  # fmt: skip
    rows_of = {
        case_id: json.loads(detail or "{}").get("rows", []) for case_id, detail, _ in resolved
    }
    held = _rows_held(con, {row["unique_id"] for rows in rows_of.values() for row in rows})
    left = {case_id: [row for row in rows if row["unique_id"] not in held]
            for case_id, rows in rows_of.items()}  # fmt: skip
    paid = _paid_after(con, left, {case_id: as_of for case_id, _, as_of in resolved})
    gone = [(sorted(row["unique_id"] for row in rows), paid.get(case_id), case_id)
            for case_id, rows in left.items()]  # fmt: skip
    if gone:
        con.executemany(
            "UPDATE case_registry SET gone_records = ?, paid_after_gone = ? WHERE case_id = ?", gone
        )


def _paid_after(con: duckdb.DuckDBPyConnection, left: dict[str, list[dict]],
                as_of: dict[str, date | None]) -> dict[str, str]:  # fmt: skip
    """By case, the last month after its ``as_of``'s in which the ledger pays 低保 or 特困 money
    (``CASE_MONEY``) to the case of one of the roster rows it ``left``: each line's month, a
    line of several months its first (the month it was paid in, as the as-of day counts it:
    the months it pays ahead were paid by then); a case none of whose rows that left is a
    roster row, or whose such cases the ledger paid nothing since, is not in it. One query
    for every case."""
    gone = [(case_id, row.get("case_no"), row.get("county"), as_of[case_id])
            for case_id, rows in left.items() for row in rows
            if row["registry"] == "assistance" and as_of[case_id] is not None]  # fmt: skip
    if not gone or "payments" not in table_names(con):
        return {}
    columns = ("case_id", "case_no", "county", "as_of")
    con.register("_gone_cases", pa.table(dict(zip(columns, zip(*gone, strict=True), strict=True))))
    try:
        return dict(con.execute(
            "SELECT case_id, max(pay_month) FROM (SELECT g.case_id, payments.pay_month "
            f"FROM payments {RAW_LINE} JOIN _gone_cases g ON payments.case_no = g.case_no "
            "AND payments.county IS NOT DISTINCT FROM g.county "
            f"WHERE payments.pay_month > strftime(g.as_of, '%Y-%m') AND {CASE_MONEY} "
            f"GROUP BY ALL HAVING sum({LINE_MONEY}) > 0) GROUP BY case_id"
        ).fetchall())  # fmt: skip
    finally:
        con.unregister("_gone_cases")


def resolved_while_paid(con: duckdb.DuckDBPyConnection, run_id: str) -> int:
    """How many cases the run resolved when a roster row of theirs went away while the
    ledger still pays the row's case (``paid_after_gone``).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database, the run published.
    run_id : str
        The run.

    Returns
    -------
    int
        The count.
    """
    return con.execute(
        "SELECT count(*) FROM case_registry WHERE resolved_run = ? AND paid_after_gone IS NOT NULL",
        [run_id],
    ).fetchall()[0][0]


def _rows_held(con: duckdb.DuckDBPyConnection, unique_ids: set[str]) -> set[str]:
    """Which of the rows (``registry:record_id``) the registry tables hold now."""
    tables = table_names(con)
    held = set()
    for registry in REGISTRIES:
        record_ids = sorted(uid.split(":", 1)[1] for uid in unique_ids
                            if uid.split(":", 1)[0] == registry)  # fmt: skip
        if not record_ids or registry not in tables:
            continue
        con.register("_wanted", pa.table({"record_id": record_ids}))
        try:
            found = con.execute(
                f"SELECT record_id FROM {registry} SEMI JOIN _wanted USING (record_id)"
            ).fetchall()
        finally:
            con.unregister("_wanted")
        held |= {f"{registry}:{record_id}" for (record_id,) in found}
    return held


def _case_table(con, run_id: str, found: Found) -> pa.Table:
    cases = found.cases
    rows_of = _rows_of_persons(con, {pid for case in cases for pid in case.person_ids}, cases)
    links = _links(con, {row["unique_id"] for rows in rows_of.values() for row in rows})
    contracts = [case.as_contract() for case in cases]
    details, places = [], []
    as_of = found.as_of.isoformat()
    links_of: dict[str, list[dict]] = {}
    for link in links:
        links_of.setdefault(link["left"], []).append(link)
    counties = []
    for case, contract in zip(cases, contracts, strict=True):
        rows = _case_rows(case, rows_of)
        counties.append(_counties(case, rows))
        uids = {row["unique_id"] for row in rows}
        case_links = [link for uid in sorted(uids) for link in links_of.get(uid, [])
                      if link["right"] in uids]  # fmt: skip
        detail = {"case": contract, "features": case.features, "rows": rows, "links": case_links,
                  "graph": found.subgraphs[contract["case_id"]], "as_of": as_of}  # fmt: skip
        details.append(_json(detail))
        places.append(_place(case, rows))
    return pa.table({
        "run_id": [run_id] * len(cases),
        "case_id": [contract["case_id"] for contract in contracts],
        "case_type": [case.case_type for case in cases],
        "risk_score": pa.array([case.risk_score for case in cases], pa.float64()),
        "amount_at_risk": pa.array([case.amount_at_risk for case in cases], pa.float64()),
        "township": [township for township, _ in places],
        "village": [village for _, village in places],
        "person_ids": pa.array([case.person_ids for case in cases], pa.list_(pa.string())),
        "records": pa.array([_json(contract["records"]) for contract in contracts], pa.string()),
        "evidence": pa.array([_json(contract["evidence"]) for contract in contracts], pa.string()),
        "detail": pa.array(details, pa.string()),
        "counties": pa.array(counties, pa.list_(pa.string())),
    })  # fmt: skip


def _rows_of_persons(con, person_ids: set[str], cases: list[Case]) -> dict[str, list[dict]]:
    """Every row (normalised, as a dict) of the given persons and of the records the cases
    cite, keyed by person_id (a cited row of no person, a payment, under its record)."""
    cited = {(item.registry, item.record_id) for case in cases for item in case.evidence
             if item.registry is not None}  # fmt: skip
    cited |= {record for case in cases for record in case.records}
    wanted = person_records(con, person_ids)
    person_of = {(registry, record_id): person for registry, record_id, person in wanted}
    record_ids: dict[str, list[str]] = {}
    for registry, record_id in set(person_of) | cited:
        record_ids.setdefault(registry, []).append(record_id)
    grouped: dict[str, list[dict]] = {}
    for registry in REGISTRIES:
        for row in _registry_rows(con, registry, sorted(record_ids.get(registry, []))):
            person = person_of.get((registry, row["record_id"]))
            row.update(registry=registry, person_id=person,
                       unique_id=f"{registry}:{row['record_id']}")  # fmt: skip
            grouped.setdefault(person or f"{registry}:{row['record_id']}", []).append(row)
    return grouped


def _registry_rows(con, registry: str, record_ids: list[str]) -> list[dict]:
    if not record_ids:
        return []
    con.register("_wanted", pa.table({"record_id": record_ids}))
    try:
        described = con.execute(f"SELECT * FROM {registry} LIMIT 0").description
        columns = [name for name, *_ in described if not name.endswith(HIDDEN_SUFFIXES)]
        shown = ", ".join(f'"{name}"' for name in columns)
        result = con.execute(f"SELECT {shown} FROM {registry} SEMI JOIN _wanted USING (record_id)")
        return [dict(zip(columns, values, strict=True)) for values in result.fetchall()]
    finally:
        con.unregister("_wanted")


def _case_rows(case: Case, rows_of: dict[str, list[dict]]) -> list[dict]:
    """The rows of the case's persons, then the cited rows of no person (payments)."""
    rows = [row for person in case.person_ids for row in rows_of.get(person, [])]
    seen = {row["unique_id"] for row in rows}
    for item in case.evidence:
        key = f"{item.registry}:{item.record_id}"
        if item.registry and key not in seen:
            rows += rows_of.get(key, [])
            seen.add(key)
    return rows


def _links(con, unique_ids: set[str]) -> list[dict]:
    """Accepted identity links among the rows, each with its per-comparison weights."""
    return [{"left": left, "right": right, "probability": probability, "match_weight": weight,
             "comparisons": comparisons}
            for left, right, probability, weight, comparisons
            in explained_links(con, unique_ids)]  # fmt: skip


def _counties(case: Case, rows: list[dict]) -> list[str]:
    """The counties of the rows the case rests on (its records and the rows its evidence
    cites), in a province drop; empty for one county."""
    cited = {f"{registry}:{record_id}" for registry, record_id in case.records}
    cited |= {f"{item.registry}:{item.record_id}" for item in case.evidence if item.registry}
    return sorted({row["county"] for row in rows
                   if row["unique_id"] in cited and row.get("county")})  # fmt: skip


def _place(case: Case, rows: list[dict]) -> tuple[str | None, str | None]:
    """Township and village of the case's first record that names a township (a later
    enrollment written without its 乡镇 leaves a duplicate where its other record is)."""
    by_uid = {row["unique_id"]: row for row in rows}
    records = [by_uid.get(f"{registry}:{record}") for registry, record in case.records]
    named = [row for row in records if row is not None and row.get("township")]
    return (named[0].get("township"), named[0].get("village")) if named else (None, None)


def _json(value: object) -> bytes:
    """``value`` as JSON text in UTF-8, for a text column of Arrow to take as it is (orjson: a
    county's details are tens of megabytes of JSON, which the standard library writes three
    times slower; decoding them to ``str`` first would only copy them once more)."""
    return orjson.dumps(value, default=json_value)


def json_value(value: object) -> object:
    """Dates as ISO text and decimals as numbers, for ``json.dumps`` and ``orjson.dumps``.

    Parameters
    ----------
    value : object
        A value the JSON encoder cannot write.

    Returns
    -------
    object
        Its ISO text (a date or datetime) or float (a decimal).

    Raises
    ------
    TypeError
        For any other value.
    """
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"not serialisable: {type(value).__name__}")
