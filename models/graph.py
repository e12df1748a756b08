"""The household graph (networkx): who belongs to which family, case and poor household,
who died, who is disabled, and which accounts, phones and addresses people share.

Nodes are ``(kind, key)`` tuples with the attributes below; edges are keyed by the
``record_id`` they came from and carry ``kind``, that ``registry`` and ``record_id``,
``probability``: how firmly the record is attached to its person (the strongest accepted
identity link of the record; 1.0 for a record that stands alone, since no link was needed),
and ``basis``: that link's strongest comparisons in words.

| node kind | key | attributes |
|---|---|---|
| person | person_id | name, id18; restored: (date, 记录编号 or None) of each 户籍注销 row restoring the registration of the person's trusted ID (恢复户口: ``resolver.tables.death_notices_only``), absent when none; uncased: the person's roster rows without a 救助证号 (record_id, covered, start, end), in no case |
| hukou_family | hukou_no (only families with a member in another registry) | collective: a collective hukou (集体户), strangers and no family (``families_of``) |
| case | case_no | program, dibao_class, area (``urban``, ``rural`` or None: the first row's that says), payments (month -> [(record_id, amount)]: a line's 保障金 where the ledger writes it apart from 分类施保金), base_apart (whether every line does), other_payments (month -> [(record_id, amount)]: lines of another program, 临时救助 …, never the case's money); ranged: record_id -> (first, last month) of each line whose 所属月份 gives several months (its money spread over them in payments), absent when none; noted: the same of each line whose note (备注 …) names the months it is for (``models.amounts.case_parts``), absent when none; month_paid_out: the record_ids of lines whose 所属月份 held no month (无, /), their month their 发放月份, absent when none |
| poverty_household | poverty_hh_no | |
| death | record_id | death_date (None when blank or unread), death_written (死亡日期 as the file writes it, None when blank), date_kind (what that date is: 死亡日期, or another day read as the death's for want of one, the death on or before it: 火化日期, 注销日期, 户口注销日期 or 证件注销日期 of a notice derived from a row cancelled for death; ``resolver.tables.date_kind``), source (the contract's code, or None), source_written (数据来源 as the file writes it), id18, name, birth_date and gender (as the notice writes them, ``M``/``F``; None when blank) |
| disability | record_id | disability_type, level, issue_date; status, cancel_reason and valid_until (the optional columns 证件状态, 注销原因 and 有效期至 as written, None when absent or blank) and listed_under (the file and sheet its row was read from: ``残疾人.xlsx／注销人员``); level_from_cert: whether the level is its number's level digit, the row's 残疾等级 blank or unreadable (``resolver.tables.FROM_CERTIFICATE``): whether it is in force is ``models.certificates``' |
| account | the account number | payees: the (领款人姓名, 领款人身份证号码) pairs the payment ledger names on it (absent when it names none) |
| phone / address | the value, when two or more persons on the assistance roster use it | |

| edge kind | between | attributes (besides registry, record_id, probability) |
|---|---|---|
| member_of | person - hukou_family | relation |
| enrolled_in | person - case | covered, start, end, dibao_class (the member's own), health, income_month, income_since (the optional column 收入核定日期), area (the optional column 城乡属性, else 城市/农村 in the program as written; None when unknown), relation, household_size, id18, birth_date and gender (as the row writes them; None when blank), gradual_until (the last month of a 渐退 its note or a 渐退 column dates: ``models.periods.noted_gradual_exit``; None when none), gradual_note (the text it read it in, header：value, 备注：渐退期（2026年9月至2027年2月）; None when none), township, village and county (the row's 乡镇, 村 and 区县; None when blank), name (as the row writes it) |
| in_poverty_household | person - poverty_household | status, labor, health, income_year, cause (主要致贫原因 as written), dibao_marked (the optional column 扶贫低保户: True, False or None) |
| reported_dead | person - death | |
| possibly_dead | person - death | candidates: how many persons the notice may be (a notice linked to no one, matched by some below the threshold or ambiguously); set_aside: how many namesakes it may be as well that taking it for a second report of a candidate's death, or for the death her roster enrollment ended at, left out (``resolver.outputs.lone_death_candidates``); both on the death node |
| possibly_same | person - person (the first roster row's person to the second's) | other_record_id: the second roster row (two roster rows that may be one person, below the threshold: ``resolver.outputs.possible_roster_duplicates``); reason: why (``same_birth``: born the same day, scored; ``same_birth_year``: the same, one row writing the birth year alone; ``lone_name``: one row bare of ID and birth date, of a name no third person carries) |
| certified | person - disability | |
| paid_to | case - account (once per case and account, from its first row) | named_on: the record ids of the case's roster rows that give the account (none when only the ledger does); paid: whether the payment ledger pays the case to it |
| uses | person - phone / address (from assistance rows) | case (the row's case node) |

The graph's ``class_amounts`` holds the monthly amount of each 低保 class and of 特困 (its
lowest level), and ``tekun_levels`` the levels 特困 is paid at, inferred from the payment
ledger (``models.amounts``), ``county_amounts`` and ``area_amounts`` each county's and each
(county, area)'s own. ``hukou_gaps`` holds the places the 户籍人口 holds no row of
although it should: (county, None) for a county of a drop of several it lacks, (county,
township) for a township whose extract is missing (``resolver.quality.registry_gaps``); and
``hukou_regions`` the ID regions of the counties it holds (``resolver.quality.hukou_regions``):
a person of the roster with no 户籍 row is one it should hold only outside those gaps and
with an ID of those regions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from itertools import groupby
from operator import itemgetter

import duckdb
import networkx as nx
import pyarrow as pa

from models.amounts import (
    BASE_APART,
    LINE_MONEY,
    LINE_NOTE,
    PERIOD_NOTED,
    case_parts,
    ledger_amounts_and_levels,
    spread_back_pay,
)
from models.periods import month_end, noted_gradual_exit
from resolver.db import table_names
from resolver.funds import CASE_MONEY, RAW_LINE
from resolver.ledger_months import last_paid_month
from resolver.memory import collector_paused
from resolver.normalize import COLLECTIVE_WORD, care_level, parse_date, urban_or_rural
from resolver.outputs import (
    RESOLVED,
    accepted_links,
    lone_death_candidates,
    possible_roster_duplicates,
    record_attachments,
    record_persons,
    trusted_ids,
)
from resolver.payment_months import payment_months
from resolver.quality import deaths_tables, hukou_regions, registry_gaps
from resolver.registries import (
    AREA_HEADERS,
    CANCEL_REASON_HEADERS,
    CARE_LEVEL_HEADERS,
    CERT_STATUS_HEADERS,
    CERT_VALID_HEADERS,
    DIBAO_MARK_HEADERS,
    HOUSEHOLD_KIND_HEADERS,
    INCOME_DATE_HEADERS,
    extra_value,
)
from resolver.tables import DEATH_DATE, DERIVED_ID_SUFFIX, date_kind

Node = tuple[str, str]
SUBGRAPH_LIMIT = 200  # nodes drawn around one case
TEMPORARY = "temporary"  # 临时救助: read and stored, but no case of the household graph


def person(person_id: str) -> Node:
    """The node of a person.

    Parameters
    ----------
    person_id : str
        The person's id (``entities.csv``).

    Returns
    -------
    Node
        ``("person", person_id)``.
    """
    return ("person", person_id)


@dataclass(frozen=True)
class GraphRows:
    """What the household graph is built from, read from the database in one pass: each
    builder's rows (``tables``, Arrow tables in the order the graph adds them) and the
    graph-wide attributes. A process without the database builds the graph from them
    (``graph_of``); ``models.components.split_rows`` splits them into parts no household
    crosses."""

    as_of: date
    class_amounts: dict[tuple[str, int], float]
    shared: frozenset[tuple[str, str]]
    """The phones and addresses two or more persons on the roster use (``_shared_identifiers``)."""
    tables: dict[str, pa.Table]
    tekun_levels: dict[int, tuple[float, ...]] = field(default_factory=dict)
    """The levels 特困 is paid at each month (``models.amounts.tekun_levels``)."""
    county_amounts: dict[str, tuple[dict, dict]] = field(default_factory=dict)
    """In a drop of several counties, each county's own class amounts and 特困 levels
    (``models.amounts.ledger_amounts_and_levels``)."""
    area_amounts: dict[tuple[str | None, str], dict] = field(default_factory=dict)
    """Each (county, area)'s own 低保 class amounts (``models.amounts.ledger_amounts_and_levels``)."""
    care_amounts: dict[tuple[str | None, str], dict[int, float]] = field(default_factory=dict)
    """Each (county, 特困 care level)'s amount per month (``models.amounts.ledger_amounts_and_levels``)."""
    hukou_gaps: frozenset[tuple[str | None, str | None]] = frozenset()
    """The (county, township) the 户籍人口 lacks, township None for a whole county
    (``resolver.quality.registry_gaps``)."""
    hukou_regions: frozenset[str] = frozenset()
    """The ID regions of the counties the 户籍人口 holds (``resolver.quality.hukou_regions``)."""
    paid_through: date | None = None
    """The last day of the latest month a line of 低保 or 特困 money pays (``paid_through``):
    past ``as_of`` when a line of several months pays ahead; None: ``as_of``."""


def build_household_graph(
    con: duckdb.DuckDBPyConnection,
    *,
    entities: str = RESOLVED.entities,
    links: str | None = RESOLVED.links,
    possible: str = RESOLVED.possible,
    as_of: date | None = None,
) -> nx.MultiGraph:
    """The graph of the ingested drop, persons as resolved in table ``entities``.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database, holding the ingested registries and linking's outputs.
    entities : str
        The table saying who each row is (``registry``, ``record_id``, ``person_id``);
        linking's own by default.
    links : str | None
        The table of accepted identity links each record's identity probability comes from;
        linking's own by default, None for a person assignment that did not come from links.
    possible : str
        The table of the pairs that assignment left for review (a lone death notice's
        candidates); linking's own by default.
    as_of : date | None
        The day the drop describes; by default the end of its last payment month.

    Returns
    -------
    nx.MultiGraph
        The nodes and edges of the module docstring, with ``as_of`` and ``class_amounts`` in
        ``graph.graph``.
    """
    return graph_of(graph_rows(con, entities=entities, links=links, possible=possible, as_of=as_of))


def graph_rows(
    con: duckdb.DuckDBPyConnection,
    *,
    entities: str = RESOLVED.entities,
    links: str | None = RESOLVED.links,
    possible: str = RESOLVED.possible,
    as_of: date | None = None,
) -> GraphRows:
    """The rows the graph of the ingested drop is built from (``build_household_graph``'s
    parameters).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database, holding the ingested registries and linking's outputs.
    entities : str
        The table saying who each row is.
    links : str | None
        The table of accepted identity links, or None.
    possible : str
        The table of the pairs left for review.
    as_of : date | None
        The day the drop describes; by default the end of its last payment month.

    Returns
    -------
    GraphRows
        Each present registry's rows, the possible deaths, and the graph-wide attributes.
    """
    present = table_names(con)
    con.register(PERSON_OF, record_persons(con, entities=entities))
    con.register(TRUSTED_IDS, trusted_ids(con))
    linked = accepted_links(con, links)
    _attachment(con, linked)
    try:
        tables = {name: query(con) for name, (registry, query) in _QUERIES.items()
                  if registry in present}  # fmt: skip
        if linked and "deaths" in present:
            tables["possible_deaths"] = _possible_deaths(con, entities, possible)
        if linked and "assistance" in present:
            tables["possible_duplicates"] = _possible_duplicates(con, entities)
        (class_amounts, levels), by_county, by_area, by_care = ledger_amounts_and_levels(con)
        as_of = as_of or drop_as_of(con)
        return GraphRows(
            as_of=as_of, class_amounts=class_amounts,
            shared=frozenset(_shared_identifiers(con, present)), tables=tables,
            tekun_levels=levels, county_amounts=by_county, area_amounts=by_area,
            care_amounts=by_care, hukou_gaps=_hukou_gaps(con),
            hukou_regions=hukou_regions(con), paid_through=max(as_of, paid_through(con) or as_of),
        )  # fmt: skip
    finally:
        con.execute(f"DROP TABLE {ATTACHMENT}")
        con.unregister(PERSON_OF)
        con.unregister(TRUSTED_IDS)


@collector_paused()
def graph_of(rows: GraphRows) -> nx.MultiGraph:
    """The household graph built from ``rows``.

    Complexity: O(R) for the R rows, each adding at most four edges.

    Parameters
    ----------
    rows : GraphRows
        What the graph is built from (``graph_rows``, or a part of it).

    Returns
    -------
    nx.MultiGraph
        The nodes and edges of the module docstring, with ``as_of``, ``paid_through``,
        ``class_amounts``, ``registries`` (those the drop holds), ``hukou_gaps`` and
        ``hukou_regions`` in ``graph.graph``.
    """
    held = frozenset(registry for name, (registry, _) in _QUERIES.items() if name in rows.tables)
    graph = nx.MultiGraph(as_of=rows.as_of, shared=rows.shared, class_amounts=rows.class_amounts,
                          tekun_levels=rows.tekun_levels, county_amounts=rows.county_amounts,
                          area_amounts=rows.area_amounts, care_amounts=rows.care_amounts,
                          registries=held, hukou_gaps=rows.hukou_gaps,
                          hukou_regions=rows.hukou_regions,
                          paid_through=rows.paid_through or rows.as_of)  # fmt: skip
    for name, table in rows.tables.items():
        _ADDERS[name](graph, zip(*(column.to_pylist() for column in table.columns), strict=True))
    del graph.graph["shared"]  # only needed while building
    return graph


def drop_as_of(con: duckdb.DuckDBPyConnection) -> date:
    """The day a drop describes: the last day of the latest month its ledger paid 低保 or 特困
    money in (``resolver.ledger_months.last_paid_month``: not a month a line of several months
    pays ahead, nor a stray month typed far ahead of the rest; else today).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database.

    Returns
    -------
    date
        The as-of day the detectors judge "active" on.
    """
    last = last_paid_month(con)
    if last:
        return con.execute("SELECT last_day(strptime(?, '%Y-%m'))::DATE", [last]).fetchone()[0]
    return date.today()


def paid_through(con: duckdb.DuckDBPyConnection) -> date | None:
    """The last day of the latest month a line of the payment ledger pays 低保 or 特困 money
    for: a line of several months (所属月份 2024-07至2024-09) its last, which may be past the
    as-of day (``drop_as_of``): the months a roster row counts in what a case was paid run to
    it, so money paid ahead is counted.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database.

    Returns
    -------
    date | None
        The day; None without a ledger or a line of such money.
    """
    if "payments" not in table_names(con):
        return None
    latest = con.execute(
        "SELECT max(payments.pay_month) "
        f"FROM ({payment_months(con)}) payments {RAW_LINE} WHERE {CASE_MONEY}"
    ).fetchone()[0]
    latest = max(filter(None, (latest, _noted_through(con))), default=None)
    return month_end(latest) if latest else None


def _noted_through(con: duckdb.DuckDBPyConnection) -> str | None:
    """The latest month a line's note names as paid for and ``case_parts`` reads so (a
    quarter paid at its start: 2025年4-6月 paid in April, June), of the cases with such a
    line (``PERIOD_NOTED``); None without one. Until 2026-12-07 such months did not extend
    ``paid_through``: a death of a drop falling mid-quarter was charged to the month paid in
    only (a blind tester's 3,600 元 for 5,040)."""
    lines = con.execute(
        f"SELECT payments.case_no, payments.pay_month, {LINE_MONEY}::DOUBLE, "
        f"CASE WHEN payments.line_months > 1 THEN NULL ELSE {LINE_NOTE} END "
        f"FROM ({payment_months(con)}) payments {RAW_LINE} "
        f"WHERE {CASE_MONEY} AND payments.pay_month IS NOT NULL AND payments.amount IS NOT NULL "
        f"AND payments.case_no IN (SELECT payments.case_no FROM payments {RAW_LINE} "
        f"WHERE {PERIOD_NOTED}) ORDER BY ALL"
    ).fetchall()
    months = (month for _, case in groupby(lines, itemgetter(0))
              for parts in case_parts([line[1:] for line in case]) for month, _ in parts)  # fmt: skip
    return max(months, default=None)


# While the graph is built, what linking hands over (resolver.outputs), joined with the
# registries' rows: who each record is (a view: registry, record_id, person_id), the ID each
# person row is trusted with (a view: unique_id, id18) and how firmly each record is attached
# to its person (a temporary table: uid, probability, basis).
PERSON_OF = "_graph_person_of"
TRUSTED_IDS = "_graph_trusted_ids"
ATTACHMENT = "_graph_attachment"


def _attachment(con: duckdb.DuckDBPyConnection, links: str | None) -> None:
    """Temporary table ``ATTACHMENT`` (``resolver.outputs.record_attachments``), read once
    for every registry's rows. Empty without links."""
    con.register("_graph_attachment_query", record_attachments(con, links))
    con.execute(f"CREATE OR REPLACE TEMP TABLE {ATTACHMENT} AS FROM _graph_attachment_query")
    con.unregister("_graph_attachment_query")


def _rows(con, registry: str, columns: str, where: str = "") -> pa.Table:
    """Person, record id, the ID the row is trusted with, how firmly the row is attached to
    its person (probability and basis), ``columns`` (of the registry's row ``t`` and the raw
    row ``r`` it was read from)."""
    return con.sql(
        f"SELECT e.person_id, t.record_id, p.id18, {ATTACHED}, {columns} FROM {registry} t "
        f"JOIN {PERSON_OF} e ON e.registry = '{registry}' AND e.record_id = t.record_id "
        f"LEFT JOIN raw_{registry} r USING (source_no, row_no) "
        f"LEFT JOIN {TRUSTED_IDS} p ON p.unique_id = '{registry}:' || t.record_id "
        f"LEFT JOIN {ATTACHMENT} a ON a.uid = '{registry}:' || t.record_id {where}"
    ).to_arrow_table()


# A record no accepted link reaches stands alone: no link was needed, so it is attached firmly.
ATTACHED = "coalesce(a.probability, 1.0) AS probability, a.basis"


def _edge(graph, registry, record_id, attached, left, right, kind, key=None, **attributes
          ) -> None:  # fmt: skip
    """An edge keyed by the record it came from (no two records of one registry share an id,
    and no record ties the same two nodes twice), or by ``key`` when a record may (a roster
    row that may be one person with each of two rows of another)."""
    probability, basis = attached
    graph.add_edge(
        left, right, key=record_id if key is None else key, kind=kind, registry=registry,
        record_id=record_id,
        probability=probability, basis=basis, **attributes,
    )  # fmt: skip


def _person_node(graph: nx.MultiGraph, person_id: str, name: str | None, id18: str | None):
    node = person(person_id)
    if node not in graph:
        graph.add_node(node, kind="person", name=name, id18=id18)
    elif id18 and not graph.nodes[node].get("id18"):
        graph.nodes[node]["id18"] = id18
    return node


def _shared_node(graph: nx.MultiGraph, kind: str, key: str) -> Node:
    """The node of a family, household, account, phone or address, added on first use (many
    rows name it: adding it again would only cost)."""
    node = (kind, key)
    if node not in graph:
        graph.add_node(node, kind=kind)
    return node


def _shared(graph, node, kind: str, value: str | None, case: Node, record_id, attached) -> None:
    if value and (kind, value) in graph.graph["shared"]:
        _edge(graph, "assistance", record_id, attached, node, _shared_node(graph, kind, value),
              "uses", case=case)  # fmt: skip


def _hukou_gaps(con: duckdb.DuckDBPyConnection) -> frozenset[tuple[str | None, str | None]]:
    """The (county, township) of each gap of the 户籍人口 (``resolver.quality.registry_gaps``)."""
    return frozenset((gap.county, gap.township) for gap in registry_gaps(con)
                     if gap.registry == "hukou")  # fmt: skip


def _shared_identifiers(con: duckdb.DuckDBPyConnection, present: set[str]) -> set:
    """The phones and addresses two or more persons on the assistance roster use: one used by
    a single person says nothing about a household (a hukou family is a node already)."""
    if "assistance" not in present:
        return set()
    selects = [
        f"SELECT '{kind}' AS kind, t.{kind} AS value, e.person_id FROM assistance t "
        f"JOIN {PERSON_OF} e ON e.registry = 'assistance' AND e.record_id = t.record_id "
        f"WHERE t.{kind} IS NOT NULL"
        for kind in ("phone", "address")
    ]
    rows = con.execute(
        f"SELECT kind, value FROM ({' UNION ALL '.join(selects)}) GROUP BY ALL "
        "HAVING count(DISTINCT person_id) > 1"
    ).fetchall()
    return set(rows)


def _hukou_rows(con) -> pa.Table:
    """Families with a member in another registry: no rule can raise a case on the others.
    Each row says whether its 户号 is a collective hukou (集体户): one of its rows gives the
    relation 集体户成员 (however written), or its 户别 column names 集体."""
    return con.sql(
        f"""
        WITH members AS (
            SELECT e.person_id, t.*, bool_or(t.relation = 'collective'
                OR coalesce({extra_value(HOUSEHOLD_KIND_HEADERS)}, '')
                    LIKE '%{COLLECTIVE_WORD}%') OVER (PARTITION BY t.hukou_no) AS collective
            FROM hukou t
            JOIN {PERSON_OF} e ON e.registry = 'hukou' AND e.record_id = t.record_id
            LEFT JOIN raw_hukou r USING (source_no, row_no)
        ),
        touched AS (
            SELECT DISTINCT hukou_no FROM members
            WHERE person_id IN (SELECT person_id FROM {PERSON_OF} WHERE registry <> 'hukou')
        )
        SELECT m.person_id, m.record_id, p.id18, {ATTACHED}, m.name, m.hukou_no, m.relation,
            m.collective
        FROM members m SEMI JOIN touched USING (hukou_no)
        LEFT JOIN {TRUSTED_IDS} p ON p.unique_id = 'hukou:' || m.record_id
        LEFT JOIN {ATTACHMENT} a ON a.uid = 'hukou:' || m.record_id
        """
    ).to_arrow_table()


def _add_hukou(graph, rows) -> None:
    for (person_id, record_id, id18, probability, basis, name, hukou_no, relation,
         collective) in rows:  # fmt: skip
        node = _person_node(graph, person_id, name, id18)
        family = _shared_node(graph, "hukou_family", hukou_no)
        graph.nodes[family]["collective"] = bool(collective)
        _edge(graph, "hukou", record_id, (probability, basis), node, family,
              "member_of", relation=relation)  # fmt: skip


def _assistance_rows(con) -> pa.Table:
    """The roster's rows, but one-off help (临时救助): read and stored, but no coverage."""
    return _rows(
        con, "assistance",
        "t.name, t.case_no, t.program, t.dibao_class, t.household_size, "
        "t.covered, t.start_date, t.end_date, t.health, t.income_per_capita::DOUBLE, "
        "t.relation, t.phone, t.address, t.bank_account, "
        + extra_value(INCOME_DATE_HEADERS) + ", " + extra_value(AREA_HEADERS) + ", "
        + extra_value(CARE_LEVEL_HEADERS) + ", "
        + "r.program, t.birth_date, t.gender, " + GRADUAL_NOTE + ", t.township, t.village, t.county",
        # in record order: a case's account is tied from its first row, the same in any run
        where=f"WHERE t.program IS DISTINCT FROM '{TEMPORARY}' ORDER BY t.record_id",
    )  # fmt: skip


def _add_assistance(graph, rows) -> None:
    areas = cache(urban_or_rural)  # a county writes its programs a handful of ways
    for (person_id, record_id, id18, probability, basis, name, case_no, program, dibao_class,
         household_size, covered, start, end, health, income, relation, phone, address, account,
         income_date, area_marker, care_written, program_written, born, gender, note, township,
         village, county) in rows:  # fmt: skip
        attached = (probability, basis)
        node = _person_node(graph, person_id, name, id18)
        if case_no is None:  # a blank 救助证号 (a finding): enrolled, in a case no one knows
            graph.nodes[node].setdefault("uncased", []).append(
                {"record_id": record_id, "covered": covered == "yes", "start": start, "end": end}
            )
            continue
        case = ("case", case_no)
        area = areas(area_marker, program_written)
        gradual_until, gradual_note = (noted_gradual_exit(note) if note else None) or (None, None)
        if case not in graph:
            graph.add_node(case, kind="case", program=program, dibao_class=dibao_class,
                           area=area, payments=defaultdict(list), base_apart=False,
                           other_payments=defaultdict(list))  # fmt: skip
        elif graph.nodes[case]["area"] is None:
            graph.nodes[case]["area"] = area
        _edge(graph, "assistance", record_id, attached, node, case, "enrolled_in",
              covered=covered == "yes", start=start, end=end, dibao_class=dibao_class,
              health=health,
              income_month=income, relation=relation, program=program,
              household_size=household_size, id18=id18, area=area,
              income_since=parse_date(income_date) if income_date else None, birth_date=born,
              gender=gender, gradual_until=gradual_until, gradual_note=gradual_note,
              township=township, village=village, county=county, name=name,
              care_level=care_level(care_written))  # fmt: skip
        _shared(graph, node, "phone", phone, case, record_id, attached)
        _shared(graph, node, "address", address, case, record_id, attached)
        if account:
            edge = _paid_to(graph, case, account, "assistance", record_id, attached)
            edge["named_on"].append(record_id)


def _paid_to(graph, case: Node, account: str, registry: str, record_id: str, attached) -> dict:
    """The case's edge to ``account``, added from the first row that gives it (the roster's
    before the ledger's): once per case and account."""
    node = _shared_node(graph, "account", account)
    if not graph.has_edge(case, node):
        _edge(graph, registry, record_id, attached, case, node, "paid_to", named_on=[],
              paid=False)  # fmt: skip
    (edge,) = graph._adj[case][node].values()
    return edge


# The text of a roster row's columns beside the contract's that tell of a 渐退 (a 备注 that
# mentions it, a column of its own: 渐退期, 渐退截止 …), each as header：value, for
# ``models.periods.noted_gradual_exit`` and the evidence that names where it read it.
GRADUAL_NOTE = (
    "nullif(array_to_string(list_transform(list_filter(map_entries(r.extra), lambda e: "
    "e.value <> '' AND (e.key LIKE '%渐退%' OR e.value LIKE '%渐退%')), "
    "lambda e: e.key || '：' || e.value), '；'), '')"
)


def _payment_rows(con) -> pa.Table:
    """Each case's payment lines, a line of several months (所属月份 2024-01至2024-03) once
    for each with its part (``resolver.payment_months``): each line's money for its class
    (``LINE_MONEY``: its 保障金 where written apart from 分类施保金), whether it is
    (``BASE_APART``), the text of its columns beside the contract's (备注, 发放类型 …), whether
    it is 低保 or 特困 money (``resolver.funds.CASE_MONEY``), whether its months are
    written (a range: ``line_months`` above 1) and whether its month is its 发放月份 for a
    所属月份 holding no month (``month_from_paid_out``)."""
    return con.sql(
        "SELECT payments.case_no, payments.pay_month, payments.record_id, "
        f"{LINE_MONEY}::DOUBLE, "
        f"{BASE_APART}, {LINE_NOTE}, {CASE_MONEY}, "
        f"payments.line_months > 1, {_month_paid_out(con)} "
        f"FROM ({payment_months(con)}) payments {RAW_LINE} "
        "WHERE payments.case_no IS NOT NULL "
        "AND payments.pay_month IS NOT NULL AND payments.amount IS NOT NULL "
        "ORDER BY payments.case_no, payments.record_id, payments.pay_month"
    ).to_arrow_table()


def _month_paid_out(con) -> str:
    """SQL: whether a payment line's month was read from its 发放月份, its 所属月份 holding
    no month (a finding ``month_from_paid_out``: ``resolver.tables``)."""
    if "dq_findings" not in table_names(con):
        return "false"
    return ("payments.record_id IN (SELECT record_id FROM dq_findings "
            "WHERE registry = 'payments' AND problem = 'month_from_paid_out')")  # fmt: skip


def _add_payments(graph, rows) -> None:
    """Each case's 低保 and 特困 payments by month, a 补发 read as paid in the months it is for
    (those its 所属月份 gives as a range, already spread; else those its note names,
    ``models.amounts.case_parts``, a quarter's 2025年1-3月 too; else ``spread_back_pay``'s),
    whether each of those lines gives 保障金 apart from 分类施保金 (``base_apart``), and its
    lines of other programs (临时救助 …) by the month paid in (``other_payments``); the lines
    whose month is their 发放月份 for want of one written (``month_paid_out``)."""
    for case_no, paid in groupby(rows, key=itemgetter(0)):
        node = graph.nodes.get(("case", case_no))
        if node is None:
            continue
        lines = list(paid)
        read = iter(case_parts([(paid_in, amount, None if ranged else note)
                                for _, paid_in, _, amount, _, note, case_money, ranged, _ in lines
                                if case_money]))  # fmt: skip
        for _, paid_in, record_id, amount, _, _, case_money, ranged, paid_out in lines:
            if not case_money:
                node["other_payments"][paid_in].append((record_id, amount))
                continue
            if paid_out:
                node.setdefault("month_paid_out", set()).add(record_id)
            if ranged:
                first, _ = node.setdefault("ranged", {}).get(record_id, (paid_in, paid_in))
                node["ranged"][record_id] = (first, paid_in)
            parts = next(read)
            if len(parts) > 1:
                node.setdefault("noted", {})[record_id] = (parts[0][0], parts[-1][0])
            for month, part in parts:
                node["payments"][month].append((record_id, part))
        node["base_apart"] = all(base for *_, base, _, case_money, _, _ in lines if case_money)
        spread_back_pay(node["payments"])


def _payment_account_rows(con) -> pa.Table:
    """Each case's accounts, a row for each payee (领款人) the ledger names on it, with the
    case's first payment to the account."""
    return con.sql(
        "SELECT DISTINCT case_no, bank_account, "
        "min(record_id) OVER (PARTITION BY case_no, bank_account) AS first_record_id, "
        "payee_name, payee_id_number FROM payments "
        "WHERE case_no IS NOT NULL AND bank_account IS NOT NULL ORDER BY ALL"
    ).to_arrow_table()


def _add_payment_accounts(graph, rows) -> None:
    """The accounts each case was paid to (one edge per account, from its first payment,
    unless a roster row of the case gave it first), and the payees the ledger names on each
    account."""
    for case_no, account, record_id, payee_name, payee_id in rows:
        case = ("case", case_no)
        if case not in graph:
            continue
        _paid_to(graph, case, account, "payments", record_id, (1.0, None))["paid"] = True
        if payee_name or payee_id:
            payees = graph.nodes[("account", account)].setdefault("payees", set())
            payees.add((payee_name, payee_id))


def _poverty_rows(con) -> pa.Table:
    return _rows(
        con, "poverty",
        "t.name, t.poverty_hh_no, t.poverty_status, "
        "t.labor_capacity, t.health, t.income_per_capita_year::DOUBLE, t.poverty_cause, "
        + extra_value(DIBAO_MARK_HEADERS),
    )  # fmt: skip


def _add_poverty(graph, rows) -> None:
    for (person_id, record_id, id18, probability, basis, name, household, status, labor, health,
         income, cause, mark) in rows:  # fmt: skip
        node = _person_node(graph, person_id, name, id18)
        _edge(graph, "poverty", record_id, (probability, basis), node,
              _shared_node(graph, "poverty_household", household),
              "in_poverty_household", status=status, labor=labor, health=health,
              income_year=income, cause=cause, dibao_marked=_marked(mark))  # fmt: skip


# The poverty household is marked as one to be covered by 低保 (沙坡头's "扶贫低保户" list).
YES = frozenset({"是", "y", "yes", "1", "√", "true"})


def _marked(value: str | None) -> bool | None:
    """Whether an optional yes/no column says yes; None when the column is absent or blank."""
    if value is None or not value.strip():
        return None
    return value.strip().lower() in YES


def _disability_rows(con) -> pa.Table:
    """The certificates, each with its status and validity as the 残联 export writes them
    (optional columns) and the file and sheet its row was read from."""
    tables = table_names(con)
    listed_under = ("(SELECT concat_ws('／', s.file, s.sheet) FROM ingest_sources s "
                    "WHERE s.source_no = t.source_no)" if "ingest_sources" in tables
                    else "NULL")  # fmt: skip
    level_from_cert = ("t.record_id IN (SELECT record_id FROM dq_findings "
                       "WHERE registry = 'disability' AND problem = 'level_from_cert')"
                       if "dq_findings" in tables else "false")  # fmt: skip
    return _rows(con, "disability",
                 "t.name, t.disability_type, t.disability_level, t.issue_date, "
                 f"{extra_value(CERT_STATUS_HEADERS)}, {extra_value(CANCEL_REASON_HEADERS)}, "
                 f"{extra_value(CERT_VALID_HEADERS)}, {listed_under}, {level_from_cert}")  # fmt: skip


def _add_disability(graph, rows) -> None:
    for (person_id, record_id, id18, probability, basis, name, kind, level, issued, status,
         cancel_reason, valid_until, listed_under, level_from_cert) in rows:  # fmt: skip
        node = _person_node(graph, person_id, name, id18)
        graph.add_node(("disability", record_id), kind="disability", disability_type=kind,
                       level=level, issue_date=issued, status=status, cancel_reason=cancel_reason,
                       valid_until=valid_until, listed_under=listed_under,
                       level_from_cert=level_from_cert)  # fmt: skip
        _edge(graph, "disability", record_id, (probability, basis), node, ("disability", record_id),
              "certified")  # fmt: skip


def _death_rows(con) -> pa.Table:
    """The notices, each with what its date is (``notice_date_kinds``) in place of its table's
    number."""
    rows = _rows(
        con,
        "deaths",
        "t.name, t.death_date, nullif(trim(r.death_date), ''), t.source, t.birth_date, "
        "t.gender, r.source, t.source_no",
    )
    kinds = notice_date_kinds(con)
    said = [notice_date_kind(kinds, number, record_id)
            for number, record_id in zip(rows.column("source_no").to_pylist(),
                                         rows.column("record_id").to_pylist(), strict=True)]  # fmt: skip
    return rows.set_column(rows.num_columns - 1, "date_kind", pa.array(said, pa.string()))


def notice_date_kinds(con: duckdb.DuckDBPyConnection) -> dict[tuple[int, bool], str]:
    """What each deaths table's dates are (``resolver.tables.date_kind``), by its number and
    whether the notice is derived (its record id ends with ``DERIVED_ID_SUFFIX``): from the
    header its 死亡日期 was read from, or, for the notices derived from a 户籍人口 or 残疾人
    table, from that table's registry (``resolver.quality.deaths_tables``). A 死亡人员 table of
    its own that follows a 户籍人口 table on one sheet keeps its header's reading: its record
    ids are the office's.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database.

    Returns
    -------
    dict of (int, bool) to str
        The kind (死亡日期, 火化日期 …) of each (table number, derived); empty without
        ``ingest_sources`` (every date then a 死亡日期).
    """
    return {(table.number, derived): date_kind(table.header, table.origin if derived else None)
            for table in deaths_tables(con) for derived in (False, True)}  # fmt: skip


def notice_date_kind(kinds: dict[tuple[int, bool], str], number: int, record_id: str) -> str:
    """What the date of the notice ``record_id`` of deaths table ``number`` is, by the
    table's ``notice_date_kinds``.

    Parameters
    ----------
    kinds : dict of (int, bool) to str
        The deaths tables' kinds (``notice_date_kinds``).
    number : int
        The notice's table number (``source_no``).
    record_id : str
        The notice's record id (a derived notice's ends with ``DERIVED_ID_SUFFIX``).

    Returns
    -------
    str
        死亡日期, 火化日期, 户口注销日期 …; 死亡日期 for a table ``kinds`` does not hold.

    Examples
    --------
    >>> notice_date_kind({(3, True): "户口注销日期"}, 3, "HJ7-死亡注销"), notice_date_kind({}, 3, "S1")
    ('户口注销日期', '死亡日期')
    """
    return kinds.get((number, record_id.endswith(DERIVED_ID_SUFFIX)), DEATH_DATE)


def _add_deaths(graph, rows) -> None:
    for (person_id, record_id, id18, probability, basis, name, death_date, death_written,
         source, born, gender, source_written, dated_by) in rows:  # fmt: skip
        node = _person_node(graph, person_id, name, id18)
        graph.add_node(("death", record_id), kind="death", death_date=death_date,
                       death_written=death_written, date_kind=dated_by, source=source,
                       source_written=source_written, id18=id18, name=name, birth_date=born,
                       gender=gender)  # fmt: skip
        _edge(graph, "deaths", record_id, (probability, basis), node, ("death", record_id),
              "reported_dead")  # fmt: skip


def _restoration_rows(con) -> pa.Table:
    """Each person whose trusted ID a registration restored (恢复户口) is of, with the
    restoration's date and 记录编号: a restoration names its person by the ID alone."""
    return con.sql(f"""
        SELECT DISTINCT e.person_id, r.restored_on, r.record_id
        FROM restorations r
        JOIN {TRUSTED_IDS} p ON p.id18 = r.id_number
        JOIN {PERSON_OF} e ON e.registry || ':' || e.record_id = p.unique_id
        WHERE r.restored_on IS NOT NULL
        ORDER BY ALL
    """).to_arrow_table()


def _add_restorations(graph, rows) -> None:
    for person_id, restored_on, record_id in rows:
        node = person(person_id)
        if node in graph:
            graph.nodes[node].setdefault("restored", []).append((restored_on, record_id))


def _possible_deaths(con, entities: str, possible: str) -> pa.Table:
    """A death notice linked to no one (its person is the notice alone) that some persons
    match below the threshold, or too evenly to choose (namesakes): each such person with
    the probability of their best pair naming the notice's place as finely as it does, when
    any does (``resolver.outputs.lone_death_candidates``)."""
    found = lone_death_candidates(con, entities=entities, possible=possible)
    return _table_of(found, pa.schema([
        ("record_id", pa.string()), ("person_id", pa.string()), ("probability", pa.float64()),
        ("candidates", pa.int64()), ("set_aside", pa.int64())]))  # fmt: skip


def _add_possible_deaths(graph, rows) -> None:
    """An edge from each person a lone notice may be to the notice, so that a death matching
    a paid member is raised as an uncertain lead instead of being lost."""
    for record_id, person_id, probability, candidates, set_aside in rows:
        node = person(person_id)
        death = ("death", record_id)
        if node in graph and death in graph:
            graph.nodes[death].update(candidates=candidates, set_aside=set_aside)
            _edge(graph, "deaths", record_id, (probability, "可能匹配，未达归并阈值或难以区分"),
                  node, death, "possibly_dead")  # fmt: skip


def _possible_duplicates(con, entities: str) -> pa.Table:
    """Two roster rows of different persons that may be one person
    (``resolver.outputs.possible_roster_duplicates``)."""
    return _table_of(possible_roster_duplicates(con, entities=entities), pa.schema([
        ("record_id", pa.string()), ("person_id", pa.string()), ("other_record_id", pa.string()),
        ("other_person_id", pa.string()), ("probability", pa.float64()),
        ("reason", pa.string())]))  # fmt: skip


def _table_of(rows: list[tuple], schema: pa.Schema) -> pa.Table:
    """``rows`` (tuples in the order of ``schema``'s fields) as a table of ``schema``."""
    columns = list(zip(*rows, strict=True)) or [()] * len(schema)
    return pa.table([pa.array(column, field.type)
                     for column, field in zip(columns, schema, strict=True)], schema=schema)  # fmt: skip


def add_possible_duplicates(graph, rows) -> None:
    """An edge between the persons of two roster rows that may be one person, so that one
    person enrolled twice under a variant of the name is raised as an uncertain lead. Each
    edge is keyed by both rows: one row may be paired with two rows of the other person (an
    ended row of an earlier case, a class change's), and each pair is kept.

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph, holding the persons (a pair of a person it lacks is left out).
    rows : iterable of tuple
        ``resolver.outputs.possible_roster_duplicates``'s pairs: each row's ``record_id`` and
        ``person_id``, the pair's probability and its reason.
    """
    for record_id, person_id, other_record_id, other_person_id, probability, reason in rows:
        left, right = person(person_id), person(other_person_id)
        if left in graph and right in graph:
            _edge(graph, "assistance", record_id, (probability, "可能匹配，未达归并阈值"),
                  left, right, "possibly_same", key=(record_id, other_record_id),
                  other_record_id=other_record_id, reason=reason)  # fmt: skip


# Each table of ``GraphRows``: the registry it is read from and its query, in the order the
# graph adds them (possible deaths and duplicates come last, from linking's possible matches).
_QUERIES = {
    "hukou": ("hukou", _hukou_rows),
    "assistance": ("assistance", _assistance_rows),
    "payments": ("payments", _payment_rows),
    "payment_accounts": ("payments", _payment_account_rows),
    "poverty": ("poverty", _poverty_rows),
    "disability": ("disability", _disability_rows),
    "deaths": ("deaths", _death_rows),
    "restorations": ("restorations", _restoration_rows),
}
_ADDERS = {
    "hukou": _add_hukou,
    "assistance": _add_assistance,
    "payments": _add_payments,
    "payment_accounts": _add_payment_accounts,
    "poverty": _add_poverty,
    "disability": _add_disability,
    "deaths": _add_deaths,
    "restorations": _add_restorations,
    "possible_deaths": _add_possible_deaths,
    "possible_duplicates": add_possible_duplicates,
}
# The nodes each table's rows tie together, as (node kind, column): the first is the row's
# own node, never blank (a payment without its 救助证号 is no case's and is not read). Phones
# and addresses are nodes only when shared (``GraphRows.shared``).
TIES = {
    "hukou": [("person", "person_id"), ("hukou_family", "hukou_no")],
    "assistance": [("person", "person_id"), ("case", "case_no"), ("phone", "phone"),
                   ("address", "address"), ("account", "bank_account")],
    "payments": [("case", "case_no")],
    "payment_accounts": [("case", "case_no"), ("account", "bank_account")],
    "poverty": [("person", "person_id"), ("poverty_household", "poverty_hh_no")],
    "disability": [("person", "person_id")],
    "deaths": [("person", "person_id"), ("death", "record_id")],
    "restorations": [("person", "person_id")],
    "possible_deaths": [("person", "person_id"), ("death", "record_id")],
    "possible_duplicates": [("person", "person_id"), ("person", "other_person_id")],
}  # fmt: skip


def household_subgraph(graph: nx.MultiGraph, person_ids: Iterable[str]) -> dict:
    """The household around a case, as nodes and edges to draw.

    The case's persons, what they are tied to (families, cases, poverty households, deaths,
    certificates, accounts, phones, addresses) and the other members of their families and
    cases (at most ``SUBGRAPH_LIMIT`` nodes).

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph.
    person_ids : Iterable[str]
        The case's persons.

    Returns
    -------
    dict
        ``nodes`` (``id``, ``kind``, ``key``, ``label``, ``focus``: one of the case's persons)
        and ``edges`` (``source``, ``target``, ``kind``, ``registry``, ``record_id``,
        ``probability``) between the nodes kept.
    """
    # networkx's dicts read directly: subgraph views cost several times more, for thousands
    # of cases.
    adjacency, attributes = graph._adj, graph._node
    persons = [("person", pid) for pid in person_ids if ("person", pid) in adjacency]
    chosen: dict[Node, None] = dict.fromkeys(persons)
    for node in persons:
        chosen.update(dict.fromkeys(adjacency[node]))
    for node in [n for n in chosen if n[0] in ("hukou_family", "case", "poverty_household")]:
        chosen.update(dict.fromkeys(adjacency[node]))
    kept = list(chosen)[:SUBGRAPH_LIMIT]
    position = {node: index for index, node in enumerate(kept)}
    nodes = [{"id": f"n{index}", "kind": node[0], "key": node[1],
              "label": attributes[node].get("name") or node[1],
              "focus": node in persons} for index, node in enumerate(kept)]  # fmt: skip
    edges = [{"source": f"n{index}", "target": f"n{position[other]}", "kind": data["kind"],
              "registry": data["registry"], "record_id": data["record_id"],
              "probability": data["probability"]}
             for index, node in enumerate(kept)
             for other, keyed in adjacency[node].items() if position.get(other, -1) > index
             for data in keyed.values()]  # fmt: skip
    return {"nodes": nodes, "edges": edges}


def neighbours(graph: nx.MultiGraph, node: Node, kind: str) -> list[tuple[Node, dict]]:
    """The neighbours of ``node`` over edges of ``kind``, with those edges' attributes.

    The first call groups every node's edges by kind in one pass (O(edges)) and keeps them
    in networkx's cache of the graph: detectors call this for every person, case and family,
    hundreds of thousands of times. networkx clears that cache when a node or an edge is
    added or removed through its methods; a graph is never changed otherwise once built (an
    edge's ``kind`` set in place, or a view's parent changed, would not be seen).

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph.
    node : Node
        The node to look around.
    kind : str
        The kind of edge (``enrolled_in``, ``member_of``...).

    Returns
    -------
    list[tuple[Node, dict]]
        One (neighbour, edge attributes) per edge: a neighbour tied by two records comes
        twice (a new list: the caller may change it).
    """
    cache = graph.__networkx_cache__
    if NEIGHBOURS_BY_KIND not in cache:
        cache[NEIGHBOURS_BY_KIND] = _neighbours_by_kind(graph)
    return list(cache[NEIGHBOURS_BY_KIND][node].get(kind, ()))


NEIGHBOURS_BY_KIND = "doudi_neighbours_by_kind"


def _neighbours_by_kind(graph: nx.MultiGraph) -> dict[Node, dict[str, list[tuple[Node, dict]]]]:
    """Each node's (neighbour, edge attributes) by kind of edge, in adjacency order."""
    by_node = {}
    for node, adjacent in graph._adj.items():
        by_kind: dict[str, list[tuple[Node, dict]]] = {}
        for other, keyed in adjacent.items():
            for data in keyed.values():
                by_kind.setdefault(data["kind"], []).append((other, data))
        by_node[node] = by_kind
    return by_node


def families_of(graph: nx.MultiGraph, person_node: Node) -> list[Node]:
    """The hukou families a person is registered in, but collective hukous (集体户: a 社区
    公共户, an institution's), whose members are strangers to one another: no family rule
    (split households, a household's income, relatives) reads one as a family.

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph.
    person_node : Node
        The person's node.

    Returns
    -------
    list[Node]
        The ``hukou_family`` nodes of the person's family hukous.
    """
    return [family for family, _ in neighbours(graph, person_node, "member_of")
            if not graph.nodes[family].get("collective")]  # fmt: skip


def nodes_of(graph: nx.MultiGraph, kind: str) -> list[Node]:
    """The nodes of ``kind`` (a node's key starts with its kind).

    The nodes of every kind are listed in one pass and kept in networkx's cache of the graph,
    which any change to the graph clears: detectors ask for cases, accounts, phones... again
    and again.

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph.
    kind : str
        The kind of node (``person``, ``case``, ``account``...).

    Returns
    -------
    list[Node]
        Those nodes, in the order they were added (a new list: the caller may change it).
    """
    cache = graph.__networkx_cache__
    if NODES_BY_KIND not in cache:
        by_kind = defaultdict(list)
        for node in graph:
            by_kind[node[0]].append(node)
        cache[NODES_BY_KIND] = by_kind
    return list(cache[NODES_BY_KIND].get(kind, ()))


NODES_BY_KIND = "doudi_nodes_by_kind"


def persons_near(graph: nx.MultiGraph, kind: str) -> list[Node]:
    """The persons with an edge to a node of ``kind``: a detector need not visit everyone.

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph.
    kind : str
        The kind of node (``death``, ``disability``, ``case``...).

    Returns
    -------
    list[Node]
        Those persons' nodes, sorted (a stable order).
    """
    found = {
        other
        for node in nodes_of(graph, kind)
        for other in graph.neighbors(node)
        if other[0] == "person"
    }
    return sorted(found)
