"""Locality policy: the eligibility rules a run applies, read from a policy file.

``policies/default.json`` holds the defaults of ``../shared/CONTRACT.md`` §2. A locality
profile (``policies/<place>.json``, one per source document) names the document it comes
from, sets what the document states, each value with the sentence it comes from
(``sources``), and inherits the rest from the default; ``defaults`` lists what it inherited,
so that a run can say plainly which figures are defaults to be set locally. Codes are those
of ``resolver.normalize`` (poverty status ``not_lifted``, disability type ``mental``...).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import MISSING, asdict, dataclass, field, replace
from datetime import date
from difflib import get_close_matches
from pathlib import Path
from types import UnionType
from typing import Union, get_args, get_origin, get_type_hints

from models.periods import month_index
from resolver.errors import DoudiError, InputError
from resolver.idcard import PROVINCES
from resolver.json_keys import KeyPath, key_lines, repeated_keys
from resolver.normalize import VOCABULARIES, urban_or_rural
from resolver.registries import county_label, county_with_codes

POLICY_DIR = Path(__file__).parent / "policies"
# The areas a roster case is in (城乡属性: ``resolver.normalize.urban_or_rural``).
AREAS = ("rural", "urban")
AREA_WORDS = {"rural": "农村", "urban": "城市"}
# The area whose 低保 standard a case of unknown 城乡属性 is judged by, under a policy that
# sets the two apart: 农村, the lower, so that no income above it is left unflagged (more
# over_standard leads, each saying the area was unknown) and 建档立卡 households, the rural
# poverty registry's, are judged by theirs.
UNKNOWN_AREA = "rural"
# The key of ``dibao_standard_year`` keyed by county whose standard applies to every county of
# the drop the policy does not name.
OTHER_COUNTIES = "其他区县"
# Fields a policy is given when applied to a drop (``Policy.for_drop``): no file sets them,
# no run records them.
APPLIED = ("standard_counties",)
# Who the 渐退 period applies to: every 低保 case, or those of 建档立卡 households only.
GRADUAL_EXIT_SCOPES = ("all", "poverty_households")
# 建档立卡 statuses, disability types and 健康状况 as ``resolver.normalize`` codes them.
POVERTY_STATUSES = tuple(sorted(set(VOCABULARIES["poverty_status"].values())))
DISABILITY_TYPES = tuple(sorted(set(VOCABULARIES["disability_type"].values())))
HEALTH_STATES = tuple(sorted(set(VOCABULARIES["health"].values())))
# The groups of the poverty registry a run can check for coverage (``Policy.key_groups``).
KEY_GROUPS = ("not_lifted", "relapsed", "zero_labor", "lifted_below_standard", "monitored",
              "marginal", "labor_lost", "priority_cause", "severely_disabled_member")  # fmt: skip
# Who may be enrolled alone, and what else they must be (``Policy.single_person_*``).
SINGLE_PERSON_GROUPS = ("severely_disabled", "gravely_ill")
SINGLE_PERSON_CONDITIONS = ("not_lifted", "poverty_registry", "not_whole_household", "application")
# Fields that describe the policy rather than set a rule.
DESCRIPTIVE = ("name", "version", "source", "sources", "defaults")
# The descriptive fields' names in a message
FIELD_LABELS = {"name": "政策名称", "version": "版本号", "source": "政策依据（文件名称）",
                "sources": "各规则所依据的原文", "defaults": "沿用默认值的规则"}  # fmt: skip
# Said after the problems of a file that lacks rules and inherits none: a profile of a few
# local rules is what an office writes (until 2026-12-07 a blind tester's, without
# ``inherits``, got 12 missing fields listed and no word of how to take the rest).
INHERIT_HINT = (
    '只写本地与默认不同的规则时，请在文件中加上 "inherits": "default"，其余规则沿用默认政策'
)
RULE_LABELS = {
    "death_grace_months": "死亡后停发宽限（月）",
    "dibao_standard_year": "低保标准（元/人/年）",
    "poor_statuses": "视为贫困户的建档立卡状态",
    "severe_levels_any_type": "任何类别均属重度的残疾等级",
    "severe_types_any_level": "任何等级均属重度的残疾类别",
    "grave_illness_health": "视为患大病的健康状况",
    "shared_identifier_limit": "共用账号、电话、住址的人数上限",
    "gradual_exit_months": "渐退期（月）",
    "gradual_exit_scope": "渐退期适用对象",
    "gradual_exit_max_months": "名册所记渐退期最长按多少个月计",
    "covered_after_exit": "渐退期满后继续保障的建档立卡状态",
    "single_person_groups": "可单人户保障的人员",
    "single_person_conditions": "单人户保障的附加条件",
    "bc_min_covered": "B、C类低保最少保障人数",
    "key_groups": "需排查是否纳入保障的重点人群",
    "payment_tolerance": "发放额与应发金额之差超过应发金额的比例即为不符",
    "payment_mismatch_months": "发放额不符达到多少个月即列为疑点",
    "a_class_whole_household": "A类低保家庭须整户保障的城乡属性",
    "tekun_eligibility_check": "核查疑似符合特困供养条件而未纳入特困的建档立卡人口",
    "wrongful_exit_check": "核查建档立卡户脱贫时是否不当退出低保（脱贫不脱保、渐退）",
    "roster_comparison": "低保、特困名册与建档立卡台账逐户比对",
    "roster_comparison_areas": "与建档立卡台账比对的救助对象（城市、农村）",
    "bc_min_covered_areas": "B、C类低保最少保障人数适用的城乡属性",
    "monthly_amounts": "各保障类别的月标准（元）",
}


@dataclass(frozen=True)
class Policy:
    name: str
    version: int
    source: str
    death_grace_months: int
    """A payment in a month more than this many months after the death month is 'still paid'."""
    dibao_standard_year: float | dict[str, float | dict]
    """The local 低保 standard, 元 per person per year; below it a household is poor. One
    number for every month, or the standard from each month it took effect, as
    ``monthly_amounts`` dates amounts (``{"2024-01": 6000, "2025-07": 6600}``: standards are
    raised most years, often from July); a month before the first takes the first. Or one
    of these per area where 城市 and 农村 standards differ (``{"urban": 8400, "rural":
    6000}``; a file may write 城市、农村): a case is judged by its area's, one of unknown
    area by ``UNKNOWN_AREA``'s. Or one of these per county of a drop of several
    (``{"双柏县": 5400, "532323": 6000, "其他区县": 6600}``: counties set their own), keyed
    by a county's name or division code, ``OTHER_COUNTIES`` for those not named; such a
    policy is applied to a drop's counties (``for_drop``) before a standard is read."""
    poor_statuses: tuple[str, ...]
    severe_levels_any_type: tuple[int, ...]
    severe_types_any_level: tuple[str, ...]
    grave_illness_health: tuple[str, ...]
    shared_identifier_limit: int
    """An account, phone or address shared by more persons than this ties no one together."""
    gradual_exit_months: int
    """渐退: months a household keeps 低保 after its income rises above the standard (the
    longest the document allows)."""
    single_person_groups: tuple[str, ...]
    """Who may be enrolled alone (单人户): ``severely_disabled``, ``gravely_ill``."""
    bc_min_covered: int | None
    """Fewest members a B or C class 低保 case of a larger household must cover (None: no
    rule)."""
    key_groups: tuple[str, ...]
    """Groups of the poverty registry to check for coverage (``not_lifted``, ``relapsed``,
    ``zero_labor``, ``lifted_below_standard``, ``monitored``, ``marginal``, ``labor_lost``
    (wholly or partly lost the capacity to work, household poor: 兴安盟's 清零),
    ``priority_cause`` (致贫原因 a grave illness, disability or sudden event, household poor:
    沙坡头's priority),
    ``severely_disabled_member``: a severely disabled member of any 建档立卡 household, whatever
    its status or income, raised by ``missed_disability``); none: no check.
    A 返贫 (``relapsed``) household is poor again: where ``not_lifted`` is listed and
    ``relapsed`` is not, it counts as ``not_lifted``."""
    roster_comparison: bool
    """Compare the 低保/特困 roster with the 建档立卡 registry household by household
    (沙坡头): roster households outside the registry, and registry households marked
    扶贫低保户 that are on no roster."""
    monthly_amounts: dict[str, dict[str, float | list[float]]] = field(default_factory=dict)
    """The monthly amount of each class (``A``, ``B``, ``C``, ``tekun``) from the month it took
    effect (``{"A": {"2025-01": 455}}``); 特困 may have a list of its levels (基本生活费 plus
    each care level's 照料护理费, 集中 and 分散供养: ``{"tekun": {"2025-01": [571, 800, 1000]}}``).
    A class it does not set is inferred from the payment ledger (``models.amounts``)."""
    single_person_conditions: tuple[str, ...] = ()
    """What else a member of ``single_person_groups`` must be to be enrolled alone:
    ``not_lifted`` (of a 未脱贫 or 返贫 建档立卡 household, 梁平), ``poverty_registry`` (of a
    建档立卡 household), ``not_whole_household`` (the rest of the hukou family not all
    covered), ``application`` (经个人申请, 大姚: the data cannot show it, and an approved case
    went through its application, so it bars no exemption); none: no further condition."""
    roster_comparison_areas: tuple[str, ...] = ()
    """Which roster cases ``roster_comparison`` compares with the 建档立卡 registry, by
    城乡属性 (``rural``, ``urban``); none: every case. A case whose area the data does not
    give is compared all the same, and its evidence says 城乡属性未知."""
    bc_min_covered_areas: tuple[str, ...] = ()
    """Which B and C class cases ``bc_min_covered`` applies to, by 城乡属性 (``rural``,
    ``urban``); none: every case. A case whose area the data does not give is checked all the
    same, and its evidence says 城乡属性未知."""
    gradual_exit_scope: str = "all"
    """Who the 渐退 period applies to (one of ``GRADUAL_EXIT_SCOPES``): ``all`` 低保 cases, or
    only ``poverty_households``, cases covering a member of a 建档立卡 household (梁平, 兴安盟,
    大姚 tie 渐退 to 建档立卡 households); other cases have no period."""
    gradual_exit_max_months: int = 24
    """The longest a 渐退 the roster dates (``models.periods.noted_gradual_exit``) counts,
    from its start (the income's assessment, else the first month its note writes): one
    noted further off (a typo 2062, a 36-month 渐退) is counted to this bound and the lead
    says so. Where its start is unknown, one ending more than this after the as-of day is a
    typo and not taken. 24: the longest any of the documents allows (兴安盟 12–24 months);
    at least ``gradual_exit_months`` and above 0 (a policy file saying less is refused)."""
    covered_after_exit: tuple[str, ...] = ()
    """建档立卡 statuses (``not_lifted``, ``relapsed``, ``monitored``...) of households that
    stay covered after their 渐退 period ends, not yet stably out of poverty (兴安盟); none:
    no such rule."""
    payment_tolerance: float = 0.1
    """A month's payment differs clearly from what the case's covered members are owed when
    the difference is above this share of it (``payment_mismatch``; a run recorded before
    the check reads as the default's)."""
    payment_mismatch_months: int = 3
    """How many months paid amiss make a ``payment_mismatch`` case."""
    a_class_whole_household: tuple[str, ...] = ()
    """The areas (城乡属性, ``AREAS``) whose 低保 families with a class A member must be
    covered whole (沙坡头: 农村低保A类对象的家庭，要全面按户施保): ``a_class_partial``; none:
    no check."""
    tekun_eligibility_check: bool = False
    """List 建档立卡 households where no one can work and that are poor, whose members are
    not in 特困 (兴安盟, 大姚): ``tekun_eligible``; False: no check."""
    wrongful_exit_check: bool = False
    """Check 建档立卡 households whose 低保 ended at 脱贫 while their income per person is
    still under the standard (大姚 脱贫不脱保; 梁平 and 兴安盟 渐退 before exit):
    ``exit_without_gradual``; False: no check."""
    sources: dict[str, list[str]] = field(default_factory=dict)
    """Per rule, the sentences of the source document that set it, verbatim."""
    defaults: tuple[str, ...] = ()
    """Rules the document does not set, inherited from the contract's defaults."""
    standard_counties: dict[str, str] = field(default_factory=dict)
    """Set by ``for_drop`` alone, never by a file: each county of the drop as stored (the
    key of ``dibao_standard_year`` once applied) with the name evidence gives it."""

    def is_severely_disabled(self, disability_type: str | None, level: int | None) -> bool:
        """Level 一级/二级 of any type, or any level of 智力/精神 (contract §2 by default).

        Parameters
        ----------
        disability_type : str or None
            The certificate's type code (e.g. ``mental``).
        level : int or None
            The certificate's level, 1 to 4; not severe when None.

        Returns
        -------
        bool
            True when the policy counts the disability as severe.
        """
        if level is None:
            return False
        return (
            level in self.severe_levels_any_type or disability_type in self.severe_types_any_level
        )

    def is_poor(self, status: str | None, income_year: float | None, when: date | int,
                area: str | None = None, county: str | None = None) -> bool:  # fmt: skip
        """A 建档立卡 status of a poor household, or an income per person under the standard
        in force ``when`` in ``area``. A 返贫 household (``relapsed``) is poor as a 未脱贫 one
        (``not_lifted``) is.

        Parameters
        ----------
        status : str or None
            The household's 建档立卡 status code (e.g. ``not_lifted``).
        income_year : float or None
            The household's yearly income per person, 元.
        when : date or int
            The day (a run's as-of day) or month index whose standard applies.
        area : str or None, default None
            ``urban``, ``rural``, or None when unknown (``standard``).
        county : str or None, default None
            The household's county as the drop stores it (``standard``).

        Returns
        -------
        bool
            True when the household counts as poor.
        """
        below = income_year is not None and income_year < self.standard(when, area, county)
        if status == "relapsed" and "relapsed" not in self.poor_statuses:
            status = "not_lifted"
        return status in self.poor_statuses or below

    def standard(self, when: date | int, area: str | None = None, county: str | None = None
                 ) -> float:  # fmt: skip
        """The 低保 standard in force on a day or in a month in an area: the latest step that
        took effect by then, the first step before it.

        Parameters
        ----------
        when : date or int
            A day, or a month index (``models.periods.month_index``).
        area : str or None, default None
            The case's 城乡属性, ``urban`` or ``rural``; None when unknown, judged by
            ``UNKNOWN_AREA``'s standard where the policy sets the two apart. A policy of one
            standard applies it to every area.
        county : str or None, default None
            The county of the case or row as the drop stores it
            (``resolver.registries.county_of_number``); read where the policy sets a
            standard per county, applied to the drop (``for_drop``).

        Returns
        -------
        float
            元 per person per year.

        Examples
        --------
        >>> policy = replace(load_policy(), dibao_standard_year={"2024-01": 6000, "2025-07": 6600})
        >>> policy.standard(date(2025, 6, 30)), policy.standard(date(2025, 7, 1))
        (6000, 6600)
        >>> policy = replace(load_policy(), dibao_standard_year={"urban": 8400, "rural": 6000})
        >>> policy.standard(date(2025, 1, 1), "urban"), policy.standard(date(2025, 1, 1), None)
        (8400, 6000)
        """
        return self._step(when, area, county)[1]

    def sets_own(self, rule: str) -> bool:
        """Whether the policy sets ``rule`` itself: not the default profile, whose rules are
        the contract's defaults, nor a rule a profile inherits from it (``defaults``).

        Parameters
        ----------
        rule : str
            The rule's field (``dibao_standard_year``).

        Returns
        -------
        bool
            Whether the evidence may call the rule the locality's own (本地).

        Examples
        --------
        >>> load_policy().sets_own("dibao_standard_year")
        False
        >>> load_policy("大姚县").sets_own("severe_types_any_level")
        True
        """
        return self.name != "default" and rule not in self.defaults

    def standard_text(self, when: date | int, area: str | None = None,
                      county: str | None = None) -> str:  # fmt: skip
        """The 低保 standard in force ``when`` in ``area`` as evidence names it, with the
        month it took effect where the policy dates it, and the area where the policy sets
        城市 and 农村 apart (saying so where the case's area is unknown), and the county's name
        where it sets a standard per county: 本地 only where the policy sets its own (the
        default profile's, and a profile that inherits it, are the contract's default).

        Parameters
        ----------
        when : date or int
            A day, or a month index (``models.periods.month_index``).
        area : str or None, default None
            ``urban``, ``rural``, or None when unknown (``standard``).
        county : str or None, default None
            The county as the drop stores it (``standard``).

        Returns
        -------
        str
            ``本地低保标准 5400 元/人/年``, ``双柏县低保标准 5400 元/人/年``, ``本地低保标准 6000 元/人/年（2024-01 起）``,
            ``本地城市低保标准 8400 元/人/年``, or ``低保标准 4500 元/人/年（默认值，…）``.

        Examples
        --------
        >>> load_policy().standard_text(date(2026, 1, 1))
        '低保标准 4500 元/人/年（系统默认值，未设置本地标准）'
        >>> policy = replace(load_policy("大姚县"), dibao_standard_year={"urban": 8400, "rural": 6000},
        ...                  defaults=())  # its own, as a profile writing both sets them
        >>> policy.standard_text(date(2026, 1, 1), None)
        '本地农村低保标准 6000 元/人/年（城乡属性未知，按农村标准）'
        """
        start, value = self._step(when, area, county)
        amount = f"{value:g} 元/人/年"
        if not self.sets_own("dibao_standard_year"):
            return f"低保标准 {amount}（系统默认值，未设置本地标准）"
        notes = [] if start is None else [f"{start} 起"]
        if (
            start is not None
            and start == min(self._steps(area, county))
            and month_index(start) > _index(when)
        ):
            notes.append("政策所列最早的标准")
        by_area = _by_area(self._county_standard(county))
        if by_area and area is None:
            notes.append(f"城乡属性未知，按{AREA_WORDS[UNKNOWN_AREA]}标准")
        said = f"（{'，'.join(notes)}）" if notes else ""
        place = self.standard_counties.get(county, "本地")
        if place.isdigit():  # a county known by its code alone (a folder named 532322)
            place = f"区县 {place}（区划代码）的"
        return (
            f"{place}{AREA_WORDS[area or UNKNOWN_AREA] if by_area else ''}低保标准 {amount}{said}"
        )

    def standard_bounds(self, area: str | None = None, county: str | None = None
                        ) -> tuple[float, float]:  # fmt: skip
        """The lowest and the highest 低保 standard of any month in ``area`` (one number:
        both).

        Parameters
        ----------
        area : str or None, default None
            ``urban``, ``rural``, or None when unknown (``standard``).
        county : str or None, default None
            The county as the drop stores it (``standard``).

        Returns
        -------
        tuple of (float, float)
            元 per person per year.

        Examples
        --------
        >>> replace(load_policy(), dibao_standard_year={"2024-01": 6000, "2025-07": 6600}).standard_bounds()
        (6000, 6600)
        """
        steps = self._steps(area, county)
        values = list(steps.values()) if isinstance(steps, dict) else [steps]
        return min(values), max(values)

    def for_drop(self, aliases: dict[str, set[str]]) -> Policy:
        """The policy applied to a drop's counties: where it sets a standard per county, each
        county of the drop takes the one its name or code is keyed by, else the
        ``OTHER_COUNTIES`` one; any other policy as it is.

        Parameters
        ----------
        aliases : dict of str to set of str
            Each county of the drop as stored with its other names and codes
            (``resolver.ingest.county_aliases``; empty for a one-county drop).

        Returns
        -------
        Policy
            ``dibao_standard_year`` keyed by the drop's counties as stored, and
            ``standard_counties`` naming them.

        Raises
        ------
        DoudiError
            Before any standard is read: a county the policy names that the drop does not
            hold, or one named twice; a county of the drop the policy neither names nor
            covers by ``OTHER_COUNTIES``; a drop of one county (its rows name none).

        Examples
        --------
        >>> policy = replace(load_policy(), dibao_standard_year={"双柏县": 5400, "其他区县": 6000})
        >>> applied = policy.for_drop({"532322": {"双柏县"}, "532323": {"牟定县"}})
        >>> applied.standard(date(2025, 1, 1), None, "532322"), applied.standard(date(2025, 1, 1), None, "532323")
        (5400, 6000)
        """
        if not _by_county(self.dibao_standard_year):
            return self
        return replace(self, dibao_standard_year=_county_standards(self.dibao_standard_year, aliases),
                       standard_counties={county: county_label(county, names)
                                          for county, names in aliases.items()})  # fmt: skip

    def _county_standard(self, county: str | None) -> float | dict:
        """The standard of ``county`` (one number, dated steps, or per area): the policy's one
        standard where it sets none per county."""
        if not self.standard_counties:
            return self.dibao_standard_year
        if county not in self.dibao_standard_year:  # every county of the drop is applied
            raise DoudiError(f"政策未给出区县 {county} 的低保标准")
        return self.dibao_standard_year[county]

    def _steps(self, area: str | None, county: str | None) -> float | dict[str, float]:
        """The standard of ``area`` (``UNKNOWN_AREA``'s for None) in ``county``: one number or
        dated steps."""
        standard = self._county_standard(county)
        return standard[area or UNKNOWN_AREA] if _by_area(standard) else standard

    def _step(self, when: date | int, area: str | None, county: str | None
              ) -> tuple[str | None, float]:  # fmt: skip
        """The month the standard in force ``when`` in ``area`` and ``county`` took effect
        (None for a single number) and the standard."""
        steps = self._steps(area, county)
        if not isinstance(steps, dict):
            return None, steps
        effective = [start for start in steps if month_index(start) <= _index(when)]
        start = max(effective) if effective else min(steps)
        return start, steps[start]

    def to_json(self) -> str:
        """The policy as JSON, every field included (as a run's output folder holds it) but
        ``APPLIED``, which no file sets.

        Returns
        -------
        str
            Indented JSON, non-ASCII kept.
        """
        fields = {name: value for name, value in asdict(self).items() if name not in APPLIED}
        return json.dumps(fields, ensure_ascii=False, indent=2)


AMENDED_POLICY = ("改好政策文件后，用 doudi run --policy 该文件 重新运行（doudi update 沿用上次运行的"
                  "政策，不能换用改过的文件）")  # fmt: skip
"""How a refused policy's amended file is taken: a run, not an update (which keeps the run's)."""


def _by_area(standard: float | dict) -> bool:
    """Whether one county's (or the policy's one) standard sets 城市 and 农村 apart."""
    return isinstance(standard, dict) and set(standard) == set(AREAS)


def _by_county(standard: object) -> bool:
    """Whether ``dibao_standard_year`` is keyed by county (``_county_key``), not by area (a
    key of each: the area's refusal names the other)."""
    return (isinstance(standard, dict) and not any(_area_code(key) for key in standard)
            and any(_county_key(key) for key in standard))  # fmt: skip


def _county_standards(standard: dict, aliases: dict[str, set[str]]) -> dict[str, float | dict]:
    """Each county of the drop (as stored) with its standard of a policy keyed by county;
    refused in Chinese when the two do not fit (``Policy.for_drop``)."""
    if not aliases:
        raise DoudiError("政策按区县分设了低保标准（dibao_standard_year），但本数据只有一个区县，"
                         "各表未注明区县：请将 dibao_standard_year 写作本县的标准（一个数、按起始月份"
                         "分段，或城市、农村分设）")  # fmt: skip
    found: dict[str, list[str]] = {}
    for key in standard:
        for county, names in aliases.items():
            if key in {county, *names}:
                found.setdefault(county, []).append(key)
    named = {key for keys in found.values() for key in keys}
    unknown = [key for key in standard if key != OTHER_COUNTIES and key not in named]
    held = "、".join(county_with_codes(county, names) for county, names in aliases.items())
    problems = [f"政策为区县 {'、'.join(unknown)} 设了低保标准，数据中没有{'这些' if len(unknown) > 1 else '这个'}"
                f"区县（数据中的区县：{held}）"] if unknown else []  # fmt: skip
    problems += [f"区县 {county_label(county, aliases[county])} 的低保标准写了两次（{'、'.join(keys)}），"
                 "请只写一个" for county, keys in found.items() if len(keys) > 1]  # fmt: skip
    missing = [county for county in aliases if county not in found]
    if missing and OTHER_COUNTIES not in standard:
        problems.append(f"政策未给出区县 {'、'.join(county_with_codes(c, aliases[c]) for c in missing)} "
                        f'的低保标准：请在 dibao_standard_year 中写出，或以 "{OTHER_COUNTIES}" 写'
                        "未列出区县的标准")  # fmt: skip
    if problems:
        raise DoudiError("按区县分设的低保标准与数据不符：\n  " + "\n  ".join(problems)
                         + f"\n{AMENDED_POLICY}")  # fmt: skip
    return {county: standard[found[county][0] if county in found else OTHER_COUNTIES]
            for county in aliases}  # fmt: skip


def _index(when: date | int) -> int:
    """A day's month index, or the month index itself."""
    return when if isinstance(when, int) else month_index(when)


def policy_heading(policy: Policy) -> str:
    """The policy as a run names it to its user, wherever it is shown: its name, version
    and where its rules come from (``source``, written for the office that runs Doudi: plain
    Chinese, a rule's field named in parentheses after its words, for editing a policy file).

    Parameters
    ----------
    policy : Policy
        The run's policy.

    Returns
    -------
    str
        ``default（第 8 版）— 兜底内置的默认规则…``.

    Examples
    --------
    >>> policy_heading(load_policy("大姚县"))[:18]
    '大姚县（第 3 版）— 大姚县民政局'
    """
    return f"{policy.name}（第 {policy.version} 版）— {policy.source}"


def rule_named(name: str) -> str:
    """A rule as a user reads it: its Chinese label, then its field in parentheses (the key a
    policy file writes it under).

    Parameters
    ----------
    name : str
        The rule's field (``death_grace_months``).

    Returns
    -------
    str
        ``死亡后停发宽限（月）（death_grace_months）``; the field alone for one without a label.

    Examples
    --------
    >>> rule_named("gradual_exit_scope")
    '渐退期适用对象（gradual_exit_scope）'
    """
    return f"{RULE_LABELS[name]}（{name}）" if name in RULE_LABELS else name


def rule_changes(earlier: dict, later: dict) -> list[str]:
    """What changed between two policies' rules, as a reviewer reads it: each rule both
    record whose value differs, its Chinese label, its field and the old and new values as
    the policy file writes them (cut short). The descriptive fields (name, version, source)
    are no rule.

    Parameters
    ----------
    earlier, later : dict
        The two policies as recorded (``Policy.to_json`` read back).

    Returns
    -------
    list of str
        ``死亡后停发宽限（月）（death_grace_months）：1 → 24``, in ``later``'s field order.

    Examples
    --------
    >>> rule_changes({"name": "默认", "death_grace_months": 1, "payment_tolerance": 0.05},
    ...              {"name": "本县", "death_grace_months": 24, "payment_tolerance": 0.05})
    ['死亡后停发宽限（月）（death_grace_months）：1 → 24']
    >>> rule_changes({"name": "默认"}, {"name": "默认", "death_grace_months": 2})  # an earlier version's
    ['死亡后停发宽限（月）（death_grace_months）：（无） → 2']

    A rule one of them predates that a policy may leave out (``OPTIONAL``) is taken at its
    default, as a run reads that record: an earlier Doudi's default profile, which did not
    record ``gradual_exit_max_months``, is no other rule than today's at 24 (until
    2026-12-07 (night) every database of an earlier version refused its next run and update
    over that difference).

    >>> rule_changes({"name": "默认"}, {"name": "默认", "gradual_exit_max_months": 24})
    []
    """
    earlier, later = _with_optional_defaults(earlier), _with_optional_defaults(later)
    names = [*later, *(name for name in earlier if name not in later)]
    changed = [name for name in names if name not in DESCRIPTIVE
               and earlier.get(name, _ABSENT) != later.get(name, _ABSENT)]  # fmt: skip
    return [f"{rule_named(name)}：{_json_text(earlier.get(name, _ABSENT))} → "
            f"{_json_text(later.get(name, _ABSENT))}" for name in changed]  # fmt: skip


_ABSENT = object()  # a rule one of two policies does not record (an earlier version's)


def _with_optional_defaults(recorded: dict) -> dict:
    """A policy as recorded, each ``OPTIONAL`` rule it leaves out at the dataclass's default
    (as ``Policy.to_json`` writes it)."""
    fields = Policy.__dataclass_fields__
    missing = {name: spec.default_factory() if spec.default_factory is not MISSING
               else spec.default
               for name in OPTIONAL if name not in recorded and name not in APPLIED
               for spec in [fields[name]]}  # fmt: skip
    return recorded | json.loads(json.dumps(missing, ensure_ascii=False))


def _json_text(value: object) -> str:
    """A policy value as its file writes it, cut short; （无） for a rule not recorded."""
    if value is _ABSENT:
        return "（无）"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"


def load_policy(name_or_path: str | Path = "default") -> Policy:
    """A policy by name (a file of ``models/policies``, by its stem or by the ``name`` in
    it, e.g. ``大姚县``) or by path to a JSON file.

    A profile that ``inherits`` another takes the rest of its rules from it (and so from the
    one that inherits, ``_with_inherited``), and lists those the default gave in ``defaults``.
    Every field is checked as ``policy_from_dict`` checks it.

    Parameters
    ----------
    name_or_path : str or Path, default "default"
        A policy's file stem or name, or a path to a JSON file (a path has a suffix).

    Returns
    -------
    Policy
        The policy.

    Raises
    ------
    DoudiError
        When no such policy exists, its file cannot be read (not UTF-8, not JSON, not a JSON
        object), its fields are wrong (all of them named in one message), or its
        ``inherits`` come back to it.
    """
    path = _policy_path(name_or_path)
    values, _, base_path = _with_inherited(path, ())
    source, lines = str(path), key_lines(_text(path))
    if base_path is not None:
        source = f"{path}（{_inherited_said(base_path)}）"
    try:
        policy = policy_from_dict(values, source=source, held="文件中", lines=lines,
                                  plausible=True)  # fmt: skip
    except DoudiError as error:
        if "defaults" in values or not _rules_missing(values):
            raise
        raise DoudiError(f"{error}\n{INHERIT_HINT}") from None
    return _named_as_its_own(policy, path)


def _with_inherited(path: Path, chain: tuple[Path, ...]) -> tuple[dict, list[str], Path | None]:
    """The values of the policy file at ``path`` with the rules it inherits, its ``inherits``
    followed through every policy inheriting another (a county's file inheriting 大姚县, which
    inherits the default; until 2026-12-07 (late) refused, 本身又继承其他政策, though every
    shipped local profile inherits the default), its ``defaults`` the rules none of them but
    the last sets; also those rules, and the policy it inherits directly (None: none).
    ``chain`` holds the files inheriting it: one of them inherited again is a cycle, refused
    naming them."""
    values = _read(path)
    if "inherits" not in values:
        return values, [name for name in values if name not in DESCRIPTIVE], None
    inherits = values.pop("inherits")
    if not isinstance(inherits, str) or not inherits:
        raise DoudiError(f"{path}：inherits 应为所继承政策的名称（如 \"default\"），"
                         f"文件中是 {_shown(inherits)}")  # fmt: skip
    base_path, chain = _policy_path(inherits), (*chain, path)
    if base_path.resolve() in {item.resolve() for item in chain}:
        names = " → ".join(item.name for item in (*chain, base_path))
        raise DoudiError(f"{chain[0]}：inherits 形成循环继承（{names}），无法确定各项规则；"
                         "请让其中一个政策改为继承 default")  # fmt: skip
    base, from_root, _ = _with_inherited(base_path, chain)
    defaults = [name for name in from_root if name not in values]
    return base | values | {"defaults": defaults}, defaults, base_path


def _inherited_said(path: Path) -> str:
    """What a policy inherits as a refusal names it: 继承默认政策, or 继承政策 and a shipped
    profile's name, not its path in the repository, which means nothing to the office (until
    2026-12-07 a blind tester's refusal read （继承 /work/main/models/policies/default.json））;
    a file of the office's own by the path it gave."""
    if path.parent.resolve() != POLICY_DIR.resolve():
        return f"继承 {path}"
    name = _read(path)["name"]
    return "继承默认政策" if name == "default" else f"继承政策 {name}"


def _rules_missing(values: dict) -> bool:
    """Whether a policy's fields lack a rule ``Policy`` requires."""
    return any(name not in values and name not in DESCRIPTIVE
               for name in get_type_hints(Policy) if name not in OPTIONAL)  # fmt: skip


def _named_as_its_own(policy: Policy, path: Path) -> Policy:
    """A file outside the shipped profiles that keeps a shipped profile's name (a copy of
    ``default.json``, edited) but not all of its rules is named as the file's own,
    ``default（自定义：本县.json）``: a run's record, its summary and its cases' reasons would
    name the shipped rules (``default（第 8 版）``) where others applied."""
    if path.parent.resolve() == POLICY_DIR.resolve():
        return policy
    shipped = {_read(item)["name"]: item for item in POLICY_DIR.glob("*.json")}.get(policy.name)
    if shipped is None or load_policy(shipped) == policy:
        return policy
    return replace(policy, name=f"{policy.name}（自定义：{path.name}）")


def policy_from_dict(values: dict, *, source: str, held: str = "记录中",
                     lines: dict[KeyPath, list[int]] | None = None,
                     plausible: bool = False) -> Policy:  # fmt: skip
    """A policy from its fields (a policy file's, or a run's record of the one it used);
    ``source`` names where they came from in the error.

    Every field is checked against its type in ``Policy`` and its range (``FIELD_RANGES``;
    ``true`` is no number), and every problem found is named in one error.

    Parameters
    ----------
    values : dict
        The policy's fields; lists become tuples.
    source : str
        Where they came from (a path, a run), for the error.
    held : str, default "记录中"
        Where the values are, as the error says it (``文件中`` for a policy file).
    lines : dict, optional
        The lines of the file's keys (``resolver.json_keys.key_lines``): each problem is
        named with the line of its key, or of the nearest key above it.
    plausible : bool, default False
        Also refuse money no county could mean (``STANDARD_RANGE``, ``AMOUNT_RANGE``): for a
        policy file; a run's record of the policy it used is read as it was recorded, so a
        database made before these ranges can still be updated.

    Returns
    -------
    Policy
        The policy.

    Raises
    ------
    DoudiError
        When ``values`` is not a dict, a required field is missing, a field is unknown, or a
        field's value is not of its type or out of its range (an area not one of ``AREAS``,
        a code not one of its field's ``FIELD_CHOICES``, a month count below 0...).

    Examples
    --------
    >>> values = json.loads((POLICY_DIR / "default.json").read_text(encoding="utf-8"))
    >>> policy_from_dict(values, source="default").death_grace_months
    1
    >>> bad = values | {"death_grace_months": "一个月", "payment_tolerance": 50}
    >>> try:
    ...     policy_from_dict(bad, source="p.json", held="文件中")
    ... except DoudiError as error:
    ...     print(error)
    p.json：政策有 2 处错误：
      death_grace_months 应为 0 到 120 之间的整数，文件中是 "一个月"
      payment_tolerance 应为 0 到 1 之间的数（如 0.1 即一成），文件中是 50
    """
    if not isinstance(values, dict):
        raise DoudiError(f"{source}：政策应为 JSON 对象（{{\"字段\": 值, …}}），"
                         f"{held}是{_kind(values)}")  # fmt: skip
    problems = [_at_line(key, said, lines or {})
                for key, said in _problems(values, held, plausible)]  # fmt: skip
    if problems:
        raise DoudiError(f"{source}：政策有 {len(problems)} 处错误：\n  " + "\n  ".join(problems))
    if "dibao_standard_year" in values:
        values = values | {"dibao_standard_year": _standard_codes(values["dibao_standard_year"])}
    return Policy(**{key: tuple(value) if isinstance(value, list) else value
                     for key, value in values.items()})  # fmt: skip


OPTIONAL = ("monthly_amounts", "roster_comparison_areas", "bc_min_covered_areas", "gradual_exit_scope",
            "gradual_exit_max_months", "covered_after_exit", "single_person_conditions", "wrongful_exit_check",
            "tekun_eligibility_check", "a_class_whole_household", "payment_tolerance",
            "payment_mismatch_months", "sources", "defaults", *APPLIED)  # fmt: skip
"""Fields a policy may leave out (a run recorded before they existed): the dataclass's
defaults apply."""
MAX_MONTHS = 120
"""The longest grace or 渐退期 a policy may set: ten years, five times the longest any
document sets (兴安盟's 24 months). The detectors count a dead member's grace month by
month: a figure mistyped by orders of magnitude (10**30) ran a run out of memory, killed
without a word."""
FIELD_RANGES: dict[str, tuple[float | None, float | None]] = {
    "version": (1, None),
    "death_grace_months": (0, MAX_MONTHS),
    "severe_levels_any_type": (1, 4),  # a certificate's level, 一级 to 四级
    "shared_identifier_limit": (1, None),
    "gradual_exit_months": (0, MAX_MONTHS),
    "gradual_exit_max_months": (1, MAX_MONTHS),
    "bc_min_covered": (1, None),
    "payment_tolerance": (0, 1),
    "payment_mismatch_months": (1, None),
}
"""The least and the most a number field (or each number of a list field) may be; None: no
bound. Months may be 0 and at most ``MAX_MONTHS``, counts (persons, months paid amiss) start
at 1, the tolerance is a share."""
FIELD_CHOICES: dict[str, tuple[str, ...]] = {
    "gradual_exit_scope": GRADUAL_EXIT_SCOPES,
    "roster_comparison_areas": AREAS,
    "bc_min_covered_areas": AREAS,
    "a_class_whole_household": AREAS,
    "poor_statuses": POVERTY_STATUSES,
    "covered_after_exit": POVERTY_STATUSES,
    "severe_types_any_level": DISABILITY_TYPES,
    "grave_illness_health": HEALTH_STATES,
    "key_groups": KEY_GROUPS,
    "single_person_groups": SINGLE_PERSON_GROUPS,
    "single_person_conditions": SINGLE_PERSON_CONDITIONS,
}
"""The codes a text field (or each text of a list field) must be one of."""


def _at_line(key: KeyPath, said: str, lines: dict[KeyPath, list[int]]) -> str:
    """A problem of ``key`` with the line of the key, or of the nearest key above it, where
    the file has it (a missing field has none)."""
    found = next((lines[key[:depth]] for depth in range(len(key), 0, -1) if key[:depth] in lines),
                 None)  # fmt: skip
    return f"第 {found[-1]} 行：{said}" if found else said


def _problems(values: dict, held: str, plausible: bool) -> list[tuple[KeyPath, str]]:
    """Every problem of a policy's fields, each with the path of its key and one Chinese
    sentence: missing and unknown fields, then each field not of its type in ``Policy`` or
    out of its range."""
    hints = get_type_hints(Policy)
    required = [name for name in hints if name not in OPTIONAL]
    problems = [((), f"缺少字段 {name}（{RULE_LABELS.get(name) or FIELD_LABELS[name]}）")
                for name in required if name not in values]  # fmt: skip
    for name in values:
        if name not in hints or name in APPLIED:
            close = get_close_matches(str(name), hints, n=1)
            hint = f"（是否应为 {close[0]}？）" if close else ""
            problems.append(((name,), f"无法识别的字段 {_shown(name)}{hint}"))
    for name, value in values.items():
        if name not in hints or name in APPLIED:
            continue
        if name == "monthly_amounts":
            problems += _amount_problems(value, plausible)
        elif name == "dibao_standard_year":
            problems += _standard_problems(value, held, plausible)
        elif unknown := _unknown_codes(value, name):
            problems.append(((name,), _unknown_codes_said(unknown, name)))
        elif not _fits(value, hints[name], name):
            expected = _SAID.get(name) or _described(hints[name], name)
            problems.append(
                ((name,), f"{name} {_said('应为', expected)}，{held}是 {_shown(value)}")
            )
    return problems + _bound_problems(values, held)


def _bound_problems(values: dict, held: str) -> list[tuple[KeyPath, str]]:
    """The problem of a bound on a noted 渐退 (``gradual_exit_max_months``, its default where
    left out) shorter than the policy's own 渐退 months: the bound would cut the 渐退 the
    policy grants. None where either is no whole number (``_fits`` names it)."""
    months = values.get("gradual_exit_months")
    bound = values.get("gradual_exit_max_months", Policy.gradual_exit_max_months)
    if not all(isinstance(value, int) and not isinstance(value, bool) for value in (months, bound)):
        return []
    if bound >= months:
        return []
    return [(("gradual_exit_max_months",),
             f"gradual_exit_max_months（{RULE_LABELS['gradual_exit_max_months']}）应不少于 "
             f"gradual_exit_months（{RULE_LABELS['gradual_exit_months']}），{held}分别是 "
             f"{bound} 和 {months}")]  # fmt: skip


def _unknown_codes(value: object, name: str) -> list[str]:
    """The texts of a list of codes that are none of its field's (``FIELD_CHOICES``); none
    for a field without codes or a value that is no list of texts (``_fits`` names it)."""
    choices = FIELD_CHOICES.get(name)
    if choices is None or not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        return []
    return [text for text in value if text not in choices]


def _unknown_codes_said(unknown: list[str], name: str) -> str:
    """The problem of ``unknown`` codes in field ``name``, each with the code it may have
    been meant as, then the codes the field takes."""
    choices = FIELD_CHOICES[name]
    said = []
    for code in unknown:
        close = get_close_matches(code, choices, n=1)
        said.append(_shown(code) + (f"（是否应为 {close[0]}？）" if close else ""))
    allowed = "、".join(_shown(choice) for choice in choices)
    return f"{name} 中的 {'、'.join(said)} 不是可用的代码，可用的有：{allowed}"


def _fits(value: object, hint: object, name: str) -> bool:
    """Whether ``value`` (as JSON reads it: a list for a tuple) is of type ``hint`` and in the
    range and choices of field ``name``."""
    origin, args = get_origin(hint), get_args(hint)
    if origin in (Union, UnionType):
        return any(_fits(value, arg, name) for arg in args)
    if hint is type(None):
        return value is None
    if origin in (tuple, list):
        return isinstance(value, list | tuple) and all(_fits(item, args[0], name) for item in value)
    if origin is dict:
        return isinstance(value, dict) and all(
            _fits(key, args[0], name) and _fits(item, args[1], name) for key, item in value.items()
        )
    if hint is bool:
        return isinstance(value, bool)
    if hint is str:
        return isinstance(value, str) and value in FIELD_CHOICES.get(name, (value,))
    if hint in (int, float):
        kinds = int if hint is int else int | float
        if isinstance(value, bool) or not isinstance(value, kinds) or not math.isfinite(value):
            return False
        low, high = FIELD_RANGES.get(name, (None, None))
        return (low is None or value >= low) and (high is None or value <= high)
    raise TypeError(f"policy field {name}: no check for type {hint}")  # a new field's type


def _described(hint: object, name: str) -> str:
    """What a field of type ``hint`` must be, in Chinese, read after 应为."""
    origin, args = get_origin(hint), get_args(hint)
    if origin in (Union, UnionType):
        kinds = [arg for arg in args if arg is not type(None)]
        return _described(kinds[0], name) + "，或 null（不设此规则）"
    if origin in (tuple, list):
        return f"列表，{_said('每项为', _described(args[0], name))}"
    if origin is dict:
        key, value = _described(args[0], name), _described(args[1], name)
        return f"对象，{_said('键为', key)}，{_said('值为', value)}"
    if hint is bool:
        return "true 或 false"
    if hint is str:
        choices = FIELD_CHOICES.get(name)
        return f"以下之一：{'、'.join(_shown(c) for c in choices)}" if choices else "文字"
    low, high = FIELD_RANGES.get(name, (None, None))
    noun = "整数" if hint is int else "数"
    if low is not None and high is not None:
        return f"{low} 到 {high} 之间的{noun}"
    return f"不小于 {low} 的{noun}" if low is not None else noun


def _said(verb: str, what: str) -> str:
    """``verb`` then ``what``, a space between them where ``what`` starts with a digit or a
    letter (应为 0 到 1 之间的数, 应为不小于 0 的整数)."""
    return f"{verb} {what}" if what[0].isascii() else verb + what


_SAID = {
    "payment_tolerance": "0 到 1 之间的数（如 0.1 即一成）",
    "sources": '对象 {"规则名": ["原文句子", …]}',
}
"""What a field must be where ``_described`` would say it less plainly."""


def _shown(value: object) -> str:
    """A value as the policy file writes it (JSON), cut short."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _kind(value: object) -> str:
    """What kind of JSON value ``value`` is, in Chinese."""
    kinds = ((bool, "true/false"), (list, "列表"), (str, "文字"), (int | float, "数"),
             (type(None), "null"))  # fmt: skip
    return next((said for kind, said in kinds if isinstance(value, kind)), type(value).__name__)


STANDARD_BY_AREA = '{"城市": 8400, "农村": 6000}'
"""How a policy file sets the 城市 and 农村 standards apart, as refusals show it."""


def _standard_problems(standard: object, held: str, plausible: bool
                       ) -> list[tuple[KeyPath, str]]:  # fmt: skip
    """The problems of ``dibao_standard_year``, each with its key's path: one number of 元
    per person per year, or ``{"YYYY-MM": 元, …}``, the standard from each month it took
    effect; or one of these per area (``_area_problems``); each within ``STANDARD_RANGE``
    where ``plausible``."""
    if _by_county(standard):
        return _county_problems(standard, held, plausible)
    return _one_standard_problems(standard, ("dibao_standard_year",), held, plausible)


def _one_standard_problems(standard: object, path: KeyPath, held: str, plausible: bool
                           ) -> list[tuple[KeyPath, str]]:  # fmt: skip
    """The problems of the standard of the policy or of one county (at ``path``): one
    number, dated steps, or one of these per area."""
    if isinstance(standard, dict) and any(_area_code(key) for key in standard):
        return _area_problems(standard, path, held, plausible)
    return _steps_problems(standard, path, held, plausible)


def _county_key(key: object) -> bool:
    """Whether a key of ``dibao_standard_year`` names a county: a 6-digit division code (of a
    province: 202401 is a month, written without its dash), a name ending in 县, 区, 市 or 旗,
    or ``OTHER_COUNTIES``."""
    if not isinstance(key, str):
        return False
    code = re.fullmatch(r"\d{6}", key) and key[:2] in PROVINCES
    return key == OTHER_COUNTIES or bool(code) or key.endswith(COUNTY_ENDINGS)


COUNTY_ENDINGS = ("县", "区", "市", "旗")
STANDARD_BY_COUNTY = '{"双柏县": 5400, "牟定县": 6000, "其他区县": 6600}'
"""How a policy file sets a standard per county, as refusals show it."""


def _county_problems(standard: dict, held: str, plausible: bool) -> list[tuple[KeyPath, str]]:
    """The problems of a standard set per county: a key that names no county (each named),
    and each county's standard's (``_one_standard_problems``)."""
    name = "dibao_standard_year"
    said = [((name, key), f"{name} 的 {_shown(key)} 不是区县：按区县分设标准时应写作 "
             f"{STANDARD_BY_COUNTY}（区县名称或 6 位区划代码；未列出的区县按 \"{OTHER_COUNTIES}\" 的标准），"
             "各自为一个数、按起始月份分段，或城市、农村分设")
            for key in standard if not _county_key(key)]  # fmt: skip
    for key in filter(_county_key, standard):
        said += _one_standard_problems(standard[key], (name, key), held, plausible)
    return said


def _area_code(key: object) -> str | None:
    """The area (``AREAS``) a key of ``dibao_standard_year`` names (城市, 农村, urban,
    rural, as ``resolver.normalize.urban_or_rural`` reads a 城乡属性), None for any other."""
    return urban_or_rural(key, None) if isinstance(key, str) else None


def _area_problems(standard: dict, path: KeyPath, held: str, plausible: bool
                   ) -> list[tuple[KeyPath, str]]:  # fmt: skip
    """The problems of a standard set per area (the policy's, or a county's at ``path``): a
    key that names no area (each named), an area written twice or left out, and each area's
    standard's (``_steps_problems``)."""
    name = " ".join(path)
    said = [((*path, key), f"{name} 的 {_shown(key)} 不是城乡属性：城市、农村分设标准时应写作 "
             f"{STANDARD_BY_AREA}（也可写 urban、rural），各自为一个数或按起始月份分段")
            for key in standard if not _area_code(key)]  # fmt: skip
    written = [(_area_code(key), key) for key in standard if _area_code(key)]
    for area in AREAS:
        keys = [_shown(key) for code, key in written if code == area]
        if len(keys) > 1:
            said.append(
                (
                    path,
                    f"{name} 的{AREA_WORDS[area]}标准写了两次（{'、'.join(keys)}），请只写一个",
                )
            )
        elif not keys:
            said.append((path, f"{name} 缺少{AREA_WORDS[area]}低保标准：城市、农村分设标准时"
                         f"两者都应写出，如 {STANDARD_BY_AREA}"))  # fmt: skip
    for _, key in written:
        said += _steps_problems(standard[key], (*path, key), held, plausible)
    return said


def _steps_problems(standard: object, path: KeyPath, held: str, plausible: bool
                    ) -> list[tuple[KeyPath, str]]:  # fmt: skip
    """The problems of one standard (the policy's, or an area's at ``path``): one number of
    元 per person per year, or ``{"YYYY-MM": 元, …}``; each within ``STANDARD_RANGE`` where
    ``plausible``."""
    name = " ".join(path)
    expected = (
        f"{name} 应为一个数（元/人/年），或按起始月份分段的 "
        '{"年-月": 元/人/年, …}（如 {"2024-01": 6000, "2025-07": 6600}）'
    )
    by_area = (f"；城市、农村分设标准时写作 {STANDARD_BY_AREA}，按区县分设时写作 {STANDARD_BY_COUNTY}"
               if len(path) == 1 else "")  # fmt: skip
    if isinstance(standard, dict):
        if not standard:
            return [(path, f"{expected}，{held}是空对象 {{}}")]
        said = [((*path, month), f"{name} 的起始月份 {_shown(month)} 应写作 年-月（如 2025-07）{by_area}")
                for month in standard if not _MONTH.fullmatch(str(month))]  # fmt: skip
        said += [((*path, month), f"{name} {month} 的标准应为不小于 0 的数，{held}是 {_shown(value)}")
                 for month, value in standard.items() if not _amounts_fit(value, several=False)]  # fmt: skip
        said += [((*path, month), f"{name} {month} 的标准 {_shown(value)} 元/人/年{mistake}")
                 for month, value in standard.items() if plausible
                 and _amounts_fit(value, several=False)
                 and (mistake := _implausible_standard(value))]  # fmt: skip
        return said
    if not _amounts_fit(standard, several=False):
        return [(path, f"{expected}，{held}是 {_shown(standard)}")]
    if plausible and (mistake := _implausible_standard(standard)):
        return [(path, f"{name} {held}是 {_shown(standard)} 元/人/年{mistake}")]
    return []


def _standard_codes(standard: float | dict) -> float | dict:
    """``dibao_standard_year`` as a policy holds it: a standard per area keyed by its code
    (城市 → ``urban``), in each county where it is set per county, any other as written."""
    if _by_county(standard):
        return {county: _standard_codes(value) for county, value in standard.items()}
    if isinstance(standard, dict) and any(_area_code(key) for key in standard):
        return {_area_code(key): value for key, value in standard.items()}
    return standard


STANDARD_RANGE = (2000, 40000)
"""The least and the most a 低保 standard can be, 元 per person per year: standards run from a
few thousand (the contract's default 4,500; rural standards of the poorest provinces were
above 3,000 by 2018) to about 18,000 (上海 1,510 元 a month in 2024); a county never reaches
either bound, while a monthly figure typed as yearly (at most about 1,600) falls below the
first, and 万元 far below it."""
AMOUNT_RANGE = (10, 6000)
"""The least and the most a class's monthly amount can be, 元 per person: a C class a few
tens of 元, a 特困 level with full care a few thousand; 万元 (0.062) falls below, an amount in
fen or with a zero too many (68000) above."""


def _implausible_standard(value: float) -> str:
    """Why a yearly standard of ``value`` 元 is no county's, with the likely mistake; empty
    when it may be one."""
    low, high = STANDARD_RANGE
    if low <= value <= high:
        return ""
    said = f"，不在各地低保标准的范围内（{low} 到 {high} 元/人/年）："
    if value < 100:
        return said + f"是否以万元为单位？{value:g} 万元即 {value * 10000:g} 元，请以元填写"
    if value < low:
        return said + f"是否填了月标准？年标准为月标准乘 12，{value:g} 元/月即 {value * 12:g} 元/年"
    return said + "是否多写了 0，或以分为单位？请以元/人/年填写"


def _implausible_amount(value: float) -> str:
    """Why a class's monthly amount of ``value`` 元 is no county's, with the likely
    mistake; empty when it may be one."""
    low, high = AMOUNT_RANGE
    if low <= value <= high:
        return ""
    said = f"，不在各地月保障金额的范围内（{low} 到 {high} 元/人/月）："
    if value == 0:
        return said + "不设此类别的金额请删去这一项（删去后按发放台账推断）"
    if value < 1:
        return said + f"是否以万元为单位？{value:g} 万元即 {value * 10000:g} 元，请以元填写"
    if value < low:
        return said + "请核对是否少写了 0"
    return said + "是否多写了 0、以分为单位，或填了年金额？请以元/人/月填写"


AMOUNT_CLASSES = ("A", "B", "C", "tekun")
"""The classes ``monthly_amounts`` sets amounts of: 低保 classes A, B, C and 特困."""


def _amount_problems(amounts: object, plausible: bool) -> list[tuple[KeyPath, str]]:
    """The problems of ``monthly_amounts`` that would make it read wrong, each with its
    key's path: a class Doudi does not know (it would be ignored, the ledger's amount taken
    instead), a month not written YYYY-MM (months are compared as text), an amount that is
    not a number of 元, or, where ``plausible``, none a county could mean (``AMOUNT_RANGE``)."""
    name = "monthly_amounts"
    if not isinstance(amounts, dict):
        return [((name,), f'{name} 应为 {{类别: {{"年-月": 金额}}}}，是 {_shown(amounts)}')]
    problems = [((name, key), f"类别 {_shown(key)} 无法识别（应为 A、B、C 或 tekun）")
                for key in amounts if key not in AMOUNT_CLASSES]  # fmt: skip
    for key, starts in amounts.items():
        if not isinstance(starts, dict):
            problems.append(((name, key), f'{key} 应为 {{"年-月": 金额}}，是 {_shown(starts)}'))
            continue
        problems += [((name, key, month), f"{key} 的起始月份 {_shown(month)} 应写作 年-月（如 2025-01）")
                     for month in starts if not _MONTH.fullmatch(str(month))]  # fmt: skip
        problems += [((name, key, month), f"{key} {month} 的金额 {_shown(value)} 应为不小于 0 的数"
                      + ("（多档金额仅特困 tekun 可用）" if isinstance(value, list) and key != "tekun"
                         else ""))
                     for month, value in starts.items()
                     if not _amounts_fit(value, several=key == "tekun")]  # fmt: skip
        problems += [((name, key, month), f"{key} {month} 的金额 {amount:g} 元{mistake}")
                     for month, value in starts.items()
                     if plausible and _amounts_fit(value, several=key == "tekun")
                     for amount in (value if isinstance(value, list) else [value])
                     if (mistake := _implausible_amount(amount))]  # fmt: skip
    return [(key, f"{name} 有误：{said}") for key, said in problems]


def _amounts_fit(value: object, *, several: bool) -> bool:
    """Whether ``value`` is an amount of 元 (not below 0), or with ``several`` a list of them
    (特困's levels)."""
    if several and isinstance(value, list):
        return bool(value) and all(_amounts_fit(item, several=False) for item in value)
    return (not isinstance(value, bool) and isinstance(value, int | float)
            and math.isfinite(value) and value >= 0)  # fmt: skip


_MONTH = re.compile(r"(19|20)\d{2}-(0[1-9]|1[0-2])")


def _policy_path(name_or_path: str | Path) -> Path:
    path = Path(name_or_path)
    if path.suffix:
        if not path.is_file():
            raise DoudiError(f"政策文件 {path} 不存在")
        return path
    by_name = {_read(p)["name"]: p for p in POLICY_DIR.glob("*.json")}
    found = POLICY_DIR / f"{name_or_path}.json"
    if found.is_file():
        return found
    if str(name_or_path) in by_name:
        return by_name[str(name_or_path)]
    known = ", ".join(sorted(by_name))
    raise DoudiError(f"没有名为 {name_or_path!r} 的政策：已有的政策为 {known}")


def _text(path: Path) -> str:
    """A policy file's text; a file that cannot be read or is not UTF-8 (a BOM is allowed:
    Notepad writes one) is refused in Chinese."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        said = error.strerror or type(error).__name__
        raise InputError(path, None, None, f"无法读取政策文件（{said}）") from error
    except UnicodeDecodeError as error:
        raise InputError(path, None, None, "政策文件不是 UTF-8 编码：请将它另存为 UTF-8 编码的 "
                         "JSON 文件（如记事本“另存为”时编码选 UTF-8）") from error  # fmt: skip


def _read(path: Path) -> dict:
    """A policy file's JSON object; a file that is not UTF-8 JSON, not one object, or whose
    objects repeat a key (JSON would keep the last without a word: two amounts for one
    month, the one written first ignored) is refused in Chinese."""
    text = _text(path)
    try:
        values = json.loads(text)
    except ValueError as error:
        at = f"（第 {error.lineno} 行第 {error.colno} 个字符附近）" if isinstance(
            error, json.JSONDecodeError) else ""  # fmt: skip
        raise InputError(path, None, None, f"政策文件不是有效的 JSON{at}：请检查引号、逗号"
                         "和括号是否成对、是否用了中文标点") from error  # fmt: skip
    if not isinstance(values, dict):
        raise InputError(path, None, None, '政策文件应为一个 JSON 对象（{"字段": 值, …}），'
                         f"文件中是{_kind(values)}")  # fmt: skip
    if repeated := repeated_keys(text):
        raise InputError(path, None, None, "政策文件中同一个键写了两次以上，请删去多余的一个：\n  "
                         + "\n  ".join(repeated))  # fmt: skip
    return values
