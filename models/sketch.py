"""A household graph sketched by hand, for the detectors' doctests and tests: the same nodes,
edges and attributes ``models.graph.build_household_graph`` gives a graph built from a drop,
without a drop. Months are ``YYYY-MM``; payments are (record id, amount) per month."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import networkx as nx

from models.graph import add_possible_duplicates, neighbours
from models.periods import month_index
from resolver.registries import REGISTRIES
from resolver.tables import DEATH_DATE

AS_OF = date(2026, 10, 31)


class HouseholdSketch:
    """A tiny household graph built by hand, with the attributes ``models.graph`` gives its
    nodes and edges when it builds one from a drop: persons, cases and their payments, death
    notices, certificates, poverty households, hukou families, phones, addresses and
    accounts. ``registries`` are those the sketched drop holds (every one unless told);
    ``hukou_gaps`` the (county, township) its 户籍人口 lacks and ``hukou_regions`` the ID
    regions of its counties (``models.graph.GraphRows``; none unless told)."""

    def __init__(self, class_amounts: dict | None = None, as_of: date = AS_OF,
                 tekun_levels: dict | None = None,
                 registries: frozenset[str] = frozenset(REGISTRIES),
                 hukou_gaps: frozenset = frozenset(),
                 hukou_regions: frozenset[str] = frozenset()) -> None:  # fmt: skip
        self.graph = nx.MultiGraph(as_of=as_of, class_amounts=class_amounts or {},
                                   tekun_levels=tekun_levels or {}, registries=registries,
                                   hukou_gaps=hukou_gaps, hukou_regions=hukou_regions)  # fmt: skip

    def person(self, pid: str) -> tuple:
        """Add a person node named after its id (no ID number).

        Parameters
        ----------
        pid : str
            The person id.

        Returns
        -------
        tuple
            The node, ``("person", pid)``.
        """
        node = ("person", pid)
        self.graph.add_node(node, kind="person", name=pid, id18=None)
        return node

    def _edge(self, left, right, kind, registry, record_id, probability=1.0, **attributes):
        self.graph.add_edge(left, right, kind=kind, registry=registry, record_id=record_id,
                            probability=probability, basis=None, **attributes)  # fmt: skip

    def enrol(self, pid, case_no, record_id, *, start=date(2020, 1, 1), end=None, covered=True,
              program="dibao", health=None, income=None, id18=None, probability=1.0,
              income_since=None, dibao_class=None, area=None, household_size=None,
              birth_date=None, gender=None, gradual_until=None, relation=None, township=None,
              village=None, county=None, name=None, care_level=None):  # fmt: skip
        """Put ``pid`` on the roster of case ``case_no`` (the case is made on first use, class A).

        Parameters
        ----------
        pid : str
            The person id (the person is made when new).
        case_no : str
            The case number.
        record_id : str
            The roster row's assistance record id.
        start : date, default 2020-01-01
            The row's start.
        end : date, optional
            The row's end; None while active.
        covered : bool, default True
            Whether the member is covered (保障对象).
        program : str, default "dibao"
            ``dibao`` or ``tekun``.
        health : str, optional
            The row's health column.
        income : float, optional
            The row's monthly income (``income_month``).
        id18 : str, optional
            The ID number on the row.
        probability : float, default 1.0
            How firmly the row is attached to the person.
        income_since : date, optional
            When the income was assessed (收入核定日期).
        dibao_class : str, optional
            The member's own 低保 class.
        area : str, optional
            ``urban`` or ``rural`` (城乡属性); None when unknown.
        household_size : int, optional
            The row's 家庭人数.
        birth_date : date, optional
            The row's 出生日期.
        gender : str, optional
            The row's 性别, ``M`` or ``F``.
        gradual_until : str, optional
            The last month (``YYYY-MM``) of a 渐退 the row's note dates (备注：渐退至 it).
        relation : str, optional
            The member's relation to the case's head (a code: ``spouse``, ``child`` …).
        township : str, optional
            The row's 乡镇.
        village : str, optional
            The row's 村.
        county : str, optional
            The row's 区县 (a drop of several counties).
        name : str, optional
            The name as the row writes it; the person's (its id) when None.
        care_level : str, optional
            A 特困 row's care level (全自理, 半护理, 全护理).
        """
        case = ("case", case_no)
        if case not in self.graph:
            self.graph.add_node(case, kind="case", program=program, dibao_class="A", area=area,
                                payments=defaultdict(list), base_apart=False,
                                other_payments=defaultdict(list))  # fmt: skip
        node = self.person(pid) if ("person", pid) not in self.graph else ("person", pid)
        if id18 and not self.graph.nodes[node].get("id18"):  # as the graph trusts the row's ID
            self.graph.nodes[node]["id18"] = id18
        self._edge(node, case, "enrolled_in", "assistance", record_id, probability, covered=covered,
                   start=start, end=end, health=health, income_month=income, relation=relation,
                   program=program, id18=id18, income_since=income_since,
                   dibao_class=dibao_class, area=area, household_size=household_size,
                   birth_date=birth_date, gender=gender,
                   gradual_until=month_index(gradual_until) if gradual_until else None,
                   gradual_note=f"渐退至{gradual_until}" if gradual_until else None,
                   township=township, village=village, county=county,
                   name=name or self.graph.nodes[node].get("name") or pid,
                   care_level=care_level)  # fmt: skip

    def pay(self, case_no, months, amount):
        """Payments to case ``case_no``: ``amount`` in each of ``months``.

        Parameters
        ----------
        case_no : str
            The case number (enrolled already).
        months : Iterable of str
            Months as ``YYYY-MM``.
        amount : float
            The amount paid each month.
        """
        for month in months:
            self.graph.nodes[("case", case_no)]["payments"][month].append((f"F{month}", amount))

    def die(self, pid, record_id, died, source="police", id18=None, probability=1.0,
            kind="reported_dead", born=None, source_written=None, name=None,
            gender=None, written=None, date_kind=DEATH_DATE):  # fmt: skip
        """A notice of ``pid``'s death; ``kind`` ``possibly_dead``: a notice linked to no one
        that ``pid`` matches only below the threshold.

        Parameters
        ----------
        pid : str
            The person id (the person is made when new).
        record_id : str
            The death notice's record id.
        died : date or None
            The death date on the notice; None when blank or unread (``written``).
        source : str, default "police"
            Who reported the death.
        id18 : str, optional
            The ID number on the notice.
        probability : float, default 1.0
            How firmly the notice is attached to the person.
        kind : str, default "reported_dead"
            The edge kind: ``reported_dead`` or ``possibly_dead``.
        born : date, optional
            The birth date on the notice.
        source_written : str, optional
            The 数据来源 as the file writes it (a value outside the contract's codes, whose
            ``source`` is None).
        name : str, optional
            The name on the notice.
        gender : str, optional
            The gender on the notice, ``M`` or ``F``.
        written : str, optional
            The 死亡日期 as the file writes it (``2025-11-31``), what the evidence quotes when
            ``died`` is None.
        date_kind : str, default "死亡日期"
            What ``died`` is: the 死亡日期, or another day read as the death's for want of
            one (火化日期, 户口注销日期 …: ``resolver.tables.date_kind``).
        """
        if ("death", record_id) not in self.graph:
            self.graph.add_node(("death", record_id), kind="death", death_date=died,
                                death_written=written, date_kind=date_kind, source=source,
                                source_written=source_written, id18=id18, name=name,
                                birth_date=born, gender=gender,
                                candidates=0, set_aside=0)  # fmt: skip
        self.graph.nodes[("death", record_id)]["candidates"] += kind == "possibly_dead"
        node = ("person", pid) if ("person", pid) in self.graph else self.person(pid)
        self._edge(node, ("death", record_id), kind, "deaths", record_id, probability)

    def restore(self, pid, record_id, day):
        """A 户籍注销 row restoring ``pid``'s registration (恢复户口) on ``day``.

        Parameters
        ----------
        pid : str
            The person id (the person is made when new).
        record_id : str or None
            The row's 记录编号, None when it has none.
        day : date
            The restoration's date.
        """
        node = ("person", pid) if ("person", pid) in self.graph else self.person(pid)
        self.graph.nodes[node].setdefault("restored", []).append((day, record_id))

    def possibly_same(self, pid, record_id, other_pid, other_record_id, probability,
                      reason="same_birth"):  # fmt: skip
        """Roster row ``record_id`` of ``pid`` and row ``other_record_id`` of ``other_pid``
        may be one person (a possible match below the threshold).

        Parameters
        ----------
        pid : str
            The first row's person.
        record_id : str
            The first roster row.
        other_pid : str
            The second row's person.
        other_record_id : str
            The second roster row.
        probability : float
            The pair's match probability.
        reason : str
            Why they may be one person (``resolver.outputs.possible_roster_duplicates``):
            ``same_birth``, ``same_birth_year`` or ``lone_name``.
        """
        add_possible_duplicates(self.graph, [(record_id, pid, other_record_id, other_pid,
                                              probability, reason)])  # fmt: skip

    def certify(self, pid, record_id, disability_type, level, issued=None, status=None,
                cancel_reason=None, valid_until=None, listed_under=None):  # fmt: skip
        """A disability certificate of ``pid``.

        Parameters
        ----------
        pid : str
            The person id.
        record_id : str
            The certificate's record id.
        disability_type : str
            The type, e.g. ``肢体``.
        level : int
            The level, 1 (most severe) to 4.
        issued : date, optional
            The issue date.
        status, cancel_reason, valid_until : str, optional
            Its 证件状态, 注销原因 and 有效期至 as written.
        listed_under : str, optional
            The file and sheet its row was read from.
        """
        self.graph.add_node(("disability", record_id), kind="disability",
                            disability_type=disability_type, level=level, issue_date=issued,
                            status=status, cancel_reason=cancel_reason, valid_until=valid_until,
                            listed_under=listed_under)  # fmt: skip
        self._edge(("person", pid), ("disability", record_id), "certified", "disability",
                   record_id)  # fmt: skip

    def poor(self, pid, record_id, status="monitored", income=None, marked=None, labor=None,
             cause=None, health=None):  # fmt: skip
        """Put ``pid`` in the sketch's one 建档立卡 poverty household (``PH1``).

        Parameters
        ----------
        pid : str
            The person id.
        record_id : str
            The poverty record id.
        status : str, default "monitored"
            The household's status (``not_lifted``, ``relapsed``, ``lifted``, ``monitored``,
            ``marginal``).
        income : float, optional
            The household's yearly income per person.
        marked : bool, optional
            The 扶贫低保户 mark (True, False or None when the column is absent).
        labor : str, optional
            The member's 劳动技能 (``ordinary``, ``skilled``, ``weak``, ``lost``, ``none``).
        cause : str, optional
            The household's 主要致贫原因 (因病, 因残 ...).
        health : str, optional
            The member's 健康状况 (``serious_illness`` ...).
        """
        self.graph.add_node(("poverty_household", "PH1"), kind="poverty_household")
        self._edge(("person", pid), ("poverty_household", "PH1"), "in_poverty_household",
                   "poverty", record_id, status=status, labor=labor, health=health, cause=cause,
                   income_year=income, dibao_marked=marked)  # fmt: skip

    def uses(self, pid, kind, value, record_id):
        """The person's row ``record_id`` (assistance) gives a phone or an address.

        Parameters
        ----------
        pid : str
            The person id, enrolled on row ``record_id``.
        kind : str
            ``phone`` or ``address``.
        value : str
            The phone number or the address.
        record_id : str
            The assistance row giving it.
        """
        case = next(case for case, row in neighbours(self.graph, ("person", pid), "enrolled_in")
                    if row["record_id"] == record_id)  # fmt: skip
        self._edge(("person", pid), (kind, value), "uses", "assistance", record_id, case=case)

    def paid_to(self, case_no, account, payee=None, named_on=None):
        """Case ``case_no`` is paid to bank account ``account``: the payment ledger says so,
        or only the roster row ``named_on``.

        Parameters
        ----------
        case_no : str
            The case number.
        account : str
            The account number.
        payee : tuple of (str or None, str or None), optional
            The payee (领款人) the ledger names: name and ID number.
        named_on : str, optional
            The assistance row of the case giving the account, which the ledger does not pay.
        """
        registry, record_id = ("assistance", named_on) if named_on else ("payments", f"F-{case_no}")
        self._edge(("case", case_no), ("account", account), "paid_to", registry, record_id,
                   named_on=[named_on] if named_on else [], paid=not named_on)  # fmt: skip
        if payee is not None:
            self.graph.nodes[("account", account)].setdefault("payees", set()).add(payee)

    def family(self, hukou_no, *pids, collective=False, relations=None):
        """A hukou family of the persons ``pids`` (each made when new).

        Parameters
        ----------
        hukou_no : str
            The family's 户号.
        *pids : str
            The members' person ids.
        collective : bool
            Whether the 户号 is a collective hukou (集体户) of strangers.
        relations : dict, optional
            Members' relations to the head (codes: ``head``, ``not_kin`` …) by person id;
            None for the others.
        """
        self.graph.add_node(("hukou_family", hukou_no), kind="hukou_family", collective=collective)
        for pid in pids:
            node = ("person", pid) if ("person", pid) in self.graph else self.person(pid)
            self._edge(node, ("hukou_family", hukou_no), "member_of", "hukou", f"H-{pid}",
                       relation=(relations or {}).get(pid))  # fmt: skip
