"""The case types a run could not judge for lack of data: a registry the drop lacks, a
township of the roster a registry holds no row of, or payments most of whose lines name no
case of the roster (``resolver.quality.registry_gaps``); a 0 in their count is no finding
that all is well."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import asdict, dataclass, fields

import duckdb

from models.case_types import CASE_TYPES
from models.policy import Policy
from resolver.db import column_names
from resolver.quality import (
    RURAL_REGISTRIES,
    UNSURE_TOWNSHIP_REGISTRIES,
    RegistryGap,
    registry_gaps,
)
from resolver.registries import REGISTRIES


@dataclass(frozen=True)
class Unjudged:
    """A gap in the data and the case types of the run's policy it leaves unjudged."""

    gap: RegistryGap
    case_types: tuple[str, ...]

    def text(self) -> str:
        """The gap in words, for the run's summary and the findings workbook.

        Returns
        -------
        str
            ``本次数据未包含户籍人口：无法判断拆户保障…`` or, for a township,
            ``户籍人口中没有铁锁的记录（名册中该乡镇有 69 个案件、219 条记录）：…``; a township
            whose death notices may be placed elsewhere is asked about
            (``死亡人员中未见铁锁的记录…请确认是否缺少该乡镇的死亡人员数据…``); payments whose
            lines mostly join no roster case say how many
            (``发放记录最近的发放月份（2024-08至2024-10）中 1,445 行（共 1,445 行的 100%）的救助证号为空或不在救助对象
            名册中…``).
        """
        gap = self.gap
        registry = REGISTRIES[gap.registry].chinese
        labels = "、".join(CASE_TYPES[name].label for name in self.case_types)
        county = f"{gap.county} " if gap.county else ""
        if gap.damaged:
            return (f"{county}{registry}中 {gap.damaged:,} 行（共 {gap.lines:,} 行的 "
                    f"{gap.damaged * 100 // gap.lines}%）的身份证号已被表格软件损坏（显示为 5.32326E+17 这样的"
                    f"科学计数法，连出生年份都已看不出），这些记录只能凭姓名和住址与他人关联，同名的人难以区分：{labels}"
                    f"无法判断（这些疑点为 0 不代表没有问题，此前的此类疑点也不因本次数据而消除），请从原系统重新"
                    f"导出{registry}，不要用表格软件打开后再保存（或将身份证号列设为文本）")  # fmt: skip
        if gap.unjoined:
            return (f"{county}{registry}最近的发放月份（{gap.months}）中 {gap.unjoined:,} 行（共 {gap.lines:,} 行的 "
                    f"{gap.unjoined * 100 // gap.lines}%）的救助证号为空或不在救助对象名册中，这些发放无法"
                    f"与名册对应：{labels}无法判断（这些疑点为 0 不代表没有问题），请核对{registry}与救助对象"
                    "名册的救助证号是否一致（是否同一套编号、同一时期的名册）")  # fmt: skip
        if gap.township is None:
            return (f"{county}本次数据未包含{registry}：无法判断{labels}（这些疑点为 0 不代表没有问题），"
                    f"请补充{registry}数据")  # fmt: skip
        urban = "，城市案件不计" if gap.registry in RURAL_REGISTRIES else ""
        held = f"{county}{gap.township}的记录（名册中该乡镇有 {gap.cases:,} 个案件、{gap.rows:,} 条记录{urban}）"
        if gap.registry in UNSURE_TOWNSHIP_REGISTRIES:
            return (f"{registry}中未见{held}，请确认是否缺少该乡镇的{registry}数据（也可能按派出所辖区或"
                    f"死亡地点填写了其他乡镇）；如缺少，该乡镇的{labels}无法判断")  # fmt: skip
        return f"{registry}中没有{held}：该乡镇的{labels}无法判断，请补充该乡镇的{registry}数据"

    def as_dict(self) -> dict:
        """The gap as the run stores it and the review API gives it.

        Returns
        -------
        dict
            ``registry`` (its name) and ``registry_label`` (its Chinese), ``county``,
            ``township`` (None: every township), the roster's ``cases`` and ``rows`` there,
            ``case_types`` and the ``text``.
        """
        return asdict(self.gap) | {"registry_label": REGISTRIES[self.gap.registry].chinese,
                                   "case_types": list(self.case_types), "text": self.text()}  # fmt: skip

    def row(self) -> list:
        """The gap as a row of the findings workbook's sheet ``UNJUDGED_HEADERS``.

        Returns
        -------
        list
            Registry, county, township, the roster's cases and rows there, the case types, the text.
        """
        gap = self.gap
        return [REGISTRIES[gap.registry].chinese, gap.county or "", gap.township or "（全部）",
                gap.cases, gap.rows, "、".join(CASE_TYPES[name].label for name in self.case_types),
                self.text()]  # fmt: skip


def unjudged(con: duckdb.DuckDBPyConnection, policy: Policy) -> list[Unjudged]:
    """The gaps of the ingested drop that leave a case type ``policy`` looks for unjudged
    (``CaseTypeSpec.needs``); a gap no such type rests on is left out.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database.
    policy : Policy
        The run's policy (which case types it looks for).

    Returns
    -------
    list of Unjudged
        In the order of ``resolver.quality.registry_gaps``.
    """
    found = []
    for gap in registry_gaps(con):
        types = tuple(name for name, spec in CASE_TYPES.items()
                      if gap.registry in spec.needs and spec.runs_under(policy))  # fmt: skip
        if types:
            found.append(Unjudged(gap, types))
    return found


def data_gaps(con: duckdb.DuckDBPyConnection, policy: Policy) -> DataGaps:
    """The run's gaps (``unjudged``) with the counties of its roster: computed once, when the
    run publishes, and stored with it (``models.publish``).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database, its drop ingested.
    policy : Policy
        The run's policy.

    Returns
    -------
    DataGaps
        The gaps and the roster's counties (None for a drop without a county column).
    """
    found = unjudged(con, policy)
    if not found:
        return DataGaps()
    county = "county" if "county" in column_names(con, "assistance") else "NULL"
    counties = con.execute(f"SELECT DISTINCT {county} FROM assistance").fetchall()
    return DataGaps(tuple(found), tuple(sorted((place for (place,) in counties), key=str)))


@dataclass(frozen=True)
class DataGaps:
    """What a run's data could not judge: its gaps (``unjudged``) and the counties of its
    roster (``data_gaps``), as the run stored them; empty for a run that judged everything
    or published before 2026-12-06."""

    gaps: tuple[Unjudged, ...] = ()
    counties: tuple[str | None, ...] = ()

    def everywhere(self) -> set[str]:
        """The case types left unjudged in every county of the roster (a registry each needs
        absent from each county, or payments joining it too little), whose count is no
        figure at all.

        Returns
        -------
        set of str
            The case types.
        """
        lacking: dict[str, set] = {}  # case type -> the counties a registry it needs is absent from
        for item in (item for item in self.gaps if item.gap.township is None):
            for name in item.case_types:
                lacking.setdefault(name, set()).add(item.gap.county)
        return {name for name, places in lacking.items() if places >= set(self.counties)}

    def leaves_unjudged(self, case_type: str, counties: Collection[str],
                        township: str | None) -> bool:  # fmt: skip
        """Whether the gaps leave a case of ``case_type`` in this place unjudged: a registry
        it needs absent from its county, or holding none of its township's rows (but for a
        registry whose township is only asked about, ``UNSURE_TOWNSHIP_REGISTRIES``: a death
        notice may name another township). Such a case a run does not raise is not thereby
        resolved: nothing judged it again.

        Parameters
        ----------
        case_type : str
            A case type.
        counties : collection of str
            The counties of the case's rows, as stored (any, in a drop of one county).
        township : str or None
            The case's township, as stored.

        Returns
        -------
        bool
            True when a gap of its type covers its place.

        Examples
        --------
        >>> from resolver.quality import RegistryGap
        >>> gap = RegistryGap("deaths", None, None, 3, 9)
        >>> gaps = DataGaps((Unjudged(gap, ("deceased_paid",)),), (None,))
        >>> gaps.leaves_unjudged("deceased_paid", [], "城关")
        True
        >>> gaps.leaves_unjudged("split_household", [], "城关")
        False
        """
        one = len(set(self.counties)) < 2
        return any(case_type in item.case_types
                   and (one or item.gap.county in counties)
                   and (item.gap.township is None or (item.gap.township == township
                        and item.gap.registry not in UNSURE_TOWNSHIP_REGISTRIES))
                   for item in self.gaps)  # fmt: skip

    def of_county(self, county: str | None) -> DataGaps:
        """The gaps of one county of a province drop (all of them for None).

        Parameters
        ----------
        county : str or None
            The county, as stored.

        Returns
        -------
        DataGaps
            Its gaps, its roster being that county's.
        """
        if county is None:
            return self
        return DataGaps(tuple(item for item in self.gaps if item.gap.county == county), (county,))

    def to_json(self) -> str:
        """The gaps as the run stores them (each with its text, as the API gives it).

        Returns
        -------
        str
            ``{"counties": [...], "gaps": [Unjudged.as_dict(), ...]}``.
        """
        gaps = [item.as_dict() for item in self.gaps]
        return json.dumps({"counties": list(self.counties), "gaps": gaps}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | None) -> DataGaps:
        """The gaps a run stored (``to_json``); none for a run that stored none.

        Parameters
        ----------
        text : str or None
            The stored JSON.

        Returns
        -------
        DataGaps
            The gaps.
        """
        if not text:
            return cls()
        stored = json.loads(text)
        names = [field.name for field in fields(RegistryGap)]  # a run before 2026-12-06 has fewer
        gaps = tuple(Unjudged(RegistryGap(**{name: gap[name] for name in names if name in gap}),
                              tuple(gap["case_types"])) for gap in stored["gaps"])  # fmt: skip
        return cls(gaps, tuple(stored["counties"]))
