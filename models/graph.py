"""The household graph (networkx): who belongs to which family, case and poor household,
who died, who is disabled, and which accounts, phones and addresses people share.

Nodes are ``(kind, key)`` tuples with the attributes below; edges carry ``kind``, the
``registry`` and ``record_id`` they came from, ``probability``: how firmly that record is
attached to its person (the strongest accepted identity link of the record; 1.0 for a record
that stands alone, since no link was needed), and ``basis``: that link's strongest
comparisons in words.

| node kind | key | attributes |
|---|---|---|
| person | person_id | name, id18 |
| hukou_family | hukou_no | |
| case | case_no | program, dibao_class, payments (month -> [(record_id, amount)]) |
| poverty_household | poverty_hh_no | |
| death | record_id | death_date, source, id18 |
| disability | record_id | disability_type, level |
| account | the account number | |
| phone / address | the value, when two or more persons use it | |

| edge kind | between | attributes (besides registry, record_id, probability) |
|---|---|---|
| member_of | person - hukou_family | relation |
| enrolled_in | person - case | covered, start, end, health, income_month, relation, id18 |
| in_poverty_household | person - poverty_household | status, labor, health, income_year |
| reported_dead | person - death | |
| certified | person - disability | |
| paid_to | case - account | |
| uses | person - phone / address | |
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import duckdb
import networkx as nx

from resolver.db import table_names

Node = tuple[str, str]


def person(person_id: str) -> Node:
    return ("person", person_id)


def build_household_graph(
    con: duckdb.DuckDBPyConnection,
    *,
    entities: str = "entities",
    links: bool = True,
    as_of: date | None = None,
) -> nx.MultiGraph:
    """The graph of the ingested drop, persons as resolved in table ``entities``.

    ``links``: take each record's identity probability from the run's accepted links (off
    for a person assignment that did not come from them). ``as_of``: the day the drop
    describes; by default the end of its last payment month.
    """
    present = table_names(con)
    batch = _Batch(_attachment(con, present) if links else {})
    for name, add in _BUILDERS.items():
        if name in present:
            add(batch, con, entities)
    batch.shared_edges()
    graph = nx.MultiGraph(as_of=as_of or _as_of(con))
    graph.add_nodes_from(batch.nodes.items())
    graph.add_edges_from(batch.edges)
    return graph


def _as_of(con: duckdb.DuckDBPyConnection) -> date:
    if "payments" in table_names(con):
        last = con.execute("SELECT max(pay_month) FROM payments").fetchall()[0][0]
        if last:
            return con.execute("SELECT last_day(strptime(?, '%Y-%m'))::DATE", [last]).fetchall()[0][
                0
            ]
    return date.today()


def _attachment(
    con: duckdb.DuckDBPyConnection, present: set[str]
) -> dict[str, tuple[float, str | None]]:
    """Per record: the probability of its strongest accepted identity link, and that link's
    two strongest comparisons in words (``身份证号相同、姓名相同``)."""
    if "person_links" not in present or "link_explanations" not in present:
        return {}
    rows = con.execute(
        """
        WITH ends AS (
            SELECT unique_id_l AS uid, unique_id_l, unique_id_r, match_probability FROM person_links
            UNION ALL
            SELECT unique_id_r, unique_id_l, unique_id_r, match_probability FROM person_links
        ),
        best AS (
            SELECT uid, max(match_probability) AS probability,
                   arg_max(struct_pack(l := unique_id_l, r := unique_id_r), match_probability) AS link
            FROM ends GROUP BY uid
        ),
        reasons AS (
            SELECT unique_id_l, unique_id_r,
                   list_slice(list(level_label ORDER BY match_weight DESC)
                              FILTER (WHERE match_weight > 0), 1, 2) AS labels
            FROM link_explanations GROUP BY ALL
        )
        SELECT uid, probability, array_to_string(labels, '、')
        FROM best LEFT JOIN reasons
          ON reasons.unique_id_l = best.link.l AND reasons.unique_id_r = best.link.r
        """
    ).fetchall()
    return {uid: (probability, basis) for uid, probability, basis in rows}


def _rows(con, entities: str, registry: str, columns: str) -> list[tuple]:
    return con.execute(
        f"SELECT e.person_id, t.record_id, {columns} FROM {registry} t "
        f"JOIN {entities} e ON e.registry = '{registry}' AND e.record_id = t.record_id"
    ).fetchall()


class _Batch:
    """Nodes and edges gathered first and added to the graph at once (much faster than one
    call per edge); an edge's key is the record it came from and its kind."""

    def __init__(self, attachment: dict[str, tuple[float, str | None]]) -> None:
        self.attachment = attachment
        self.nodes: dict[Node, dict] = {}
        self.edges: list[tuple[Node, Node, str, dict]] = []
        self.uses: list[tuple[Node, Node, str, str]] = []

    def node(self, node: Node, **attributes) -> Node:
        if node not in self.nodes:
            self.nodes[node] = {"kind": node[0], **attributes}
        return node

    def person(self, person_id: str, name: str | None, id18: str | None) -> Node:
        node = person(person_id)
        known = self.nodes.get(node)
        if known is None:
            self.nodes[node] = {"kind": "person", "name": name, "id18": id18}
        elif id18 and not known["id18"]:
            known["id18"] = id18
        return node

    def edge(self, registry, record_id, left, right, kind, **attributes) -> None:
        probability, basis = self.attachment.get(f"{registry}:{record_id}", (1.0, None))
        self.edges.append((left, right, f"{registry}:{record_id}:{kind}:{right[0]}", {
            "kind": kind, "registry": registry, "record_id": record_id,
            "probability": probability, "basis": basis, **attributes,
        }))  # fmt: skip

    def shared(self, node: Node, kind: str, value: str | None, registry, record_id) -> None:
        if value:
            self.uses.append((node, (kind, value), registry, record_id))

    def shared_edges(self) -> None:
        """Phones and addresses that tie two or more persons: one used by a single person
        says nothing about a household."""
        users: dict[Node, set[Node]] = defaultdict(set)
        for node, identifier, _, _ in self.uses:
            users[identifier].add(node)
        for node, identifier, registry, record_id in self.uses:
            if len(users[identifier]) > 1:
                self.edge(registry, record_id, node, self.node(identifier), "uses")


def _add_hukou(batch: _Batch, con, entities) -> None:
    rows = _rows(con, entities, "hukou", "t.name, t.id_number, t.id_number_status, t.hukou_no, "
                 "t.relation, t.phone, t.address")  # fmt: skip
    for person_id, record_id, name, id_number, status, hukou_no, relation, phone, address in rows:
        node = batch.person(person_id, name, _usable(id_number, status))
        family = batch.node(("hukou_family", hukou_no))
        batch.edge("hukou", record_id, node, family, "member_of", relation=relation)
        batch.shared(node, "phone", phone, "hukou", record_id)
        batch.shared(node, "address", address, "hukou", record_id)


def _add_assistance(batch: _Batch, con, entities) -> None:
    rows = _rows(
        con, entities, "assistance",
        "t.name, t.id_number, t.id_number_status, t.case_no, t.program, t.dibao_class, "
        "t.covered, t.start_date, t.end_date, t.health, t.income_per_capita::DOUBLE, "
        "t.relation, t.phone, t.address, t.bank_account",
    )  # fmt: skip
    for (person_id, record_id, name, id_number, status, case_no, program, dibao_class, covered,
         start, end, health, income, relation, phone, address, account) in rows:  # fmt: skip
        node = batch.person(person_id, name, _usable(id_number, status))
        case = batch.node(("case", case_no), program=program, dibao_class=dibao_class,
                          payments=defaultdict(list))  # fmt: skip
        batch.edge("assistance", record_id, node, case, "enrolled_in",
                   covered=covered == "yes", start=start, end=end, health=health,
                   income_month=income, relation=relation, program=program,
                   id18=_usable(id_number, status))  # fmt: skip
        batch.shared(node, "phone", phone, "assistance", record_id)
        batch.shared(node, "address", address, "assistance", record_id)
        if account:
            batch.edge("assistance", record_id, case, batch.node(("account", account)), "paid_to")


def _add_payments(batch: _Batch, con, entities) -> None:
    rows = con.execute(
        "SELECT record_id, case_no, pay_month, amount::DOUBLE, bank_account FROM payments"
    ).fetchall()
    accounts = {(left, right) for left, right, _, data in batch.edges if data["kind"] == "paid_to"}
    for record_id, case_no, month, amount, account in rows:
        case = ("case", case_no)
        if case not in batch.nodes or month is None or amount is None:
            continue
        batch.nodes[case]["payments"][month].append((record_id, amount))
        if account and (case, ("account", account)) not in accounts:
            accounts.add((case, ("account", account)))
            batch.edge("payments", record_id, case, batch.node(("account", account)), "paid_to")


def _add_poverty(batch: _Batch, con, entities) -> None:
    rows = _rows(
        con, entities, "poverty",
        "t.name, t.id_number, t.id_number_status, t.poverty_hh_no, t.poverty_status, "
        "t.labor_capacity, t.health, t.income_per_capita_year::DOUBLE",
    )  # fmt: skip
    for (person_id, record_id, name, id_number, status_id, household, status, labor, health,
         income) in rows:  # fmt: skip
        node = batch.person(person_id, name, _usable(id_number, status_id))
        batch.edge("poverty", record_id, node, batch.node(("poverty_household", household)),
                   "in_poverty_household", status=status, labor=labor, health=health,
                   income_year=income)  # fmt: skip


def _add_disability(batch: _Batch, con, entities) -> None:
    rows = _rows(con, entities, "disability", "t.name, t.id_number, t.id_number_status, "
                 "t.disability_type, t.disability_level")  # fmt: skip
    for person_id, record_id, name, id_number, status, kind, level in rows:
        node = batch.person(person_id, name, _usable(id_number, status))
        certificate = batch.node(("disability", record_id), disability_type=kind, level=level)
        batch.edge("disability", record_id, node, certificate, "certified")


def _add_deaths(batch: _Batch, con, entities) -> None:
    rows = _rows(con, entities, "deaths", "t.name, t.id_number, t.id_number_status, "
                 "t.death_date, t.source")  # fmt: skip
    for person_id, record_id, name, id_number, status, death_date, source in rows:
        node = batch.person(person_id, name, _usable(id_number, status))
        notice = batch.node(("death", record_id), death_date=death_date, source=source,
                            id18=_usable(id_number, status))  # fmt: skip
        batch.edge("deaths", record_id, node, notice, "reported_dead")


def _usable(id_number: str | None, status: str | None) -> str | None:
    return id_number if status in ("valid", "upgraded") else None


_BUILDERS = {
    "hukou": _add_hukou,
    "assistance": _add_assistance,
    "payments": _add_payments,
    "poverty": _add_poverty,
    "disability": _add_disability,
    "deaths": _add_deaths,
}


def neighbours(graph: nx.MultiGraph, node: Node, kind: str) -> list[tuple[Node, dict]]:
    """The (neighbour, edge attributes) of ``node`` over edges of ``kind``."""
    return [
        (other, data) for _, other, data in graph.edges(node, data=True) if data["kind"] == kind
    ]


def nodes_of(graph: nx.MultiGraph, kind: str) -> list[Node]:
    return [node for node, node_kind in graph.nodes(data="kind") if node_kind == kind]


def persons_near(graph: nx.MultiGraph, kind: str) -> list[Node]:
    """The persons with an edge to a node of ``kind`` (deaths, certificates, cases), in a
    stable order: a detector need not visit everyone."""
    found = {
        other
        for node in nodes_of(graph, kind)
        for other in graph.neighbors(node)
        if other[0] == "person"
    }
    return sorted(found)
