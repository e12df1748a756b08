"""The case types a run could not judge for lack of data: a registry the drop lacks, or a
township of the roster a registry holds no row of (``resolver.quality.registry_gaps``); a
0 in their count is no finding that all is well."""

from __future__ import annotations

from dataclasses import dataclass

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
            (``死亡人员中未见铁锁的记录…请确认是否缺少该乡镇的死亡人员数据…``).
        """
        gap = self.gap
        registry = REGISTRIES[gap.registry].chinese
        labels = "、".join(CASE_TYPES[name].label for name in self.case_types)
        county = f"{gap.county} " if gap.county else ""
        if gap.township is None:
            return (f"{county}本次数据未包含{registry}：无法判断{labels}（这些疑点为 0 不代表没有问题），"
                    f"请补充{registry}数据")  # fmt: skip
        urban = "，城市案件不计" if gap.registry in RURAL_REGISTRIES else ""
        held = f"{county}{gap.township}的记录（名册中该乡镇有 {gap.cases:,} 个案件、{gap.rows:,} 条记录{urban}）"
        if gap.registry in UNSURE_TOWNSHIP_REGISTRIES:
            return (f"{registry}中未见{held}，请确认是否缺少该乡镇的{registry}数据（也可能按派出所辖区或"
                    f"死亡地点填写了其他乡镇）；如缺少，该乡镇的{labels}无法判断")  # fmt: skip
        return f"{registry}中没有{held}：该乡镇的{labels}无法判断，请补充该乡镇的{registry}数据"

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


def unjudged_everywhere(con: duckdb.DuckDBPyConnection, gaps: list[Unjudged]) -> set[str]:
    """The case types ``gaps`` leave unjudged in every county of the roster (a registry each
    needs absent from each county), whose count is no figure at all.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database.
    gaps : list of Unjudged
        The run's gaps (``unjudged``).

    Returns
    -------
    set of str
        The case types.
    """
    if not gaps:
        return set()
    county = "county" if "county" in column_names(con, "assistance") else "NULL"
    counties = {
        place for (place,) in con.execute(f"SELECT DISTINCT {county} FROM assistance").fetchall()
    }
    lacking: dict[str, set] = {}  # case type -> the counties a registry it needs is absent from
    for item in (item for item in gaps if item.gap.township is None):
        for name in item.case_types:
            lacking.setdefault(name, set()).add(item.gap.county)
    return {name for name, places in lacking.items() if places >= counties}
