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
import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from resolver.errors import DoudiError

POLICY_DIR = Path(__file__).parent / "policies"
# The areas a roster case is in (城乡属性: ``resolver.normalize.urban_or_rural``).
AREAS = ("rural", "urban")
# Who the 渐退 period applies to: every 低保 case, or those of 建档立卡 households only.
GRADUAL_EXIT_SCOPES = ("all", "poverty_households")
# Fields that describe the policy rather than set a rule.
DESCRIPTIVE = ("name", "version", "source", "sources", "defaults")
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
    "monthly_amounts": "各保障类别的月标准（元）",
}


@dataclass(frozen=True)
class Policy:
    name: str
    version: int
    source: str
    death_grace_months: int
    """A payment in a month more than this many months after the death month is 'still paid'."""
    dibao_standard_year: float
    """The local 低保 standard, 元 per person per year; below it a household is poor."""
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
    monthly_amounts: dict[str, dict[str, float]] = field(default_factory=dict)
    """The monthly amount of each class (``A``, ``B``, ``C``, ``tekun``) from the month it took
    effect (``{"A": {"2025-01": 455}}``); a class it does not set is inferred from the
    payment ledger (``models.amounts``)."""
    single_person_conditions: tuple[str, ...] = ()
    """What else a member of ``single_person_groups`` must be to be enrolled alone:
    ``not_lifted`` (of a 未脱贫 or 返贫 建档立卡 household, 梁平), ``poverty_registry`` (of a
    建档立卡 household), ``not_whole_household`` (the rest of the hukou family not all
    covered), ``application`` (经个人申请, 大姚: the data cannot show it, so the exemption is
    never assumed and the lead says to check the file); none: no further condition."""
    roster_comparison_areas: tuple[str, ...] = ()
    """Which roster cases ``roster_comparison`` compares with the 建档立卡 registry, by
    城乡属性 (``rural``, ``urban``); none: every case. A case whose area the data does not
    give is compared all the same, and its evidence says 城乡属性未知."""
    gradual_exit_scope: str = "all"
    """Who the 渐退 period applies to (one of ``GRADUAL_EXIT_SCOPES``): ``all`` 低保 cases, or
    only ``poverty_households``, cases covering a member of a 建档立卡 household (梁平, 兴安盟,
    大姚 tie 渐退 to 建档立卡 households); other cases have no period."""
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

    def is_poor(self, status: str | None, income_year: float | None) -> bool:
        """A 建档立卡 status of a poor household, or an income per person under the standard.
        A 返贫 household (``relapsed``) is poor as a 未脱贫 one (``not_lifted``) is.

        Parameters
        ----------
        status : str or None
            The household's 建档立卡 status code (e.g. ``not_lifted``).
        income_year : float or None
            The household's yearly income per person, 元.

        Returns
        -------
        bool
            True when the household counts as poor.
        """
        below = income_year is not None and income_year < self.dibao_standard_year
        if status == "relapsed" and "relapsed" not in self.poor_statuses:
            status = "not_lifted"
        return status in self.poor_statuses or below

    def to_json(self) -> str:
        """The policy as JSON, every field included (as a run's output folder holds it).

        Returns
        -------
        str
            Indented JSON, non-ASCII kept.
        """
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)


def load_policy(name_or_path: str | Path = "default") -> Policy:
    """A policy by name (a file of ``models/policies``, by its stem or by the ``name`` in
    it, e.g. ``大姚县``) or by path to a JSON file.

    A profile that ``inherits`` another takes the rest of its rules from it, and lists them in
    ``defaults``.

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
        When no such policy exists, its file cannot be read, or its fields are wrong.
    """
    path = _policy_path(name_or_path)
    values = _read(path)
    if "inherits" in values:
        base = _read(_policy_path(values.pop("inherits")))
        rules = [name for name in base if name not in DESCRIPTIVE]
        values = base | values | {"defaults": [name for name in rules if name not in values]}
    return policy_from_dict(values, source=str(path))


def policy_from_dict(values: dict, *, source: str) -> Policy:
    """A policy from its fields (a policy file's, or a run's record of the one it used);
    ``source`` names where they came from in the error.

    Parameters
    ----------
    values : dict
        The policy's fields; lists become tuples.
    source : str
        Where they came from (a path, a run), for the error.

    Returns
    -------
    Policy
        The policy.

    Raises
    ------
    DoudiError
        When a required field is missing, a field is unknown, an area is not one of
        ``AREAS``, or the 渐退 scope is not one of ``GRADUAL_EXIT_SCOPES``.
    """
    names = {item.name for item in fields(Policy)}
    optional = ("monthly_amounts", "roster_comparison_areas", "gradual_exit_scope",
                "covered_after_exit", "single_person_conditions", "wrongful_exit_check",
                "tekun_eligibility_check",
                "a_class_whole_household", "payment_tolerance", "payment_mismatch_months",
                "sources", "defaults")  # fmt: skip
    required = {item.name for item in fields(Policy) if item.name not in optional}
    missing, unknown = required - set(values), set(values) - names
    if missing or unknown:
        raise DoudiError(f"{source}：政策缺少字段 {sorted(missing)}，或有无法识别的字段 "
                         f"{sorted(unknown)}")  # fmt: skip
    for name in ("roster_comparison_areas", "a_class_whole_household"):
        areas = set(values.get(name) or ()) - set(AREAS)
        if areas:
            raise DoudiError(f"{source}：{name} 中的 {sorted(areas)} 不是城乡属性 {AREAS} 之一")
    scope = values.get("gradual_exit_scope", "all")
    if scope not in GRADUAL_EXIT_SCOPES:
        raise DoudiError(f"{source}：gradual_exit_scope {scope!r} 应为 {GRADUAL_EXIT_SCOPES} 之一")
    _check_amounts(values.get("monthly_amounts", {}), source)
    return Policy(**{key: tuple(value) if isinstance(value, list) else value
                     for key, value in values.items()})  # fmt: skip


AMOUNT_CLASSES = ("A", "B", "C", "tekun")
"""The classes ``monthly_amounts`` sets amounts of: 低保 classes A, B, C and 特困."""


def _check_amounts(amounts: object, source: str) -> None:
    """Refuse ``monthly_amounts`` that would be read wrong: a class Doudi does not know (it
    would be ignored, the ledger's amount taken instead), a month not written YYYY-MM (months
    are compared as text), or an amount that is not a number of 元."""
    if not isinstance(amounts, dict):
        raise DoudiError(f'{source}：monthly_amounts 应为 {{类别: {{"年-月": 金额}}}}')
    problems = [f"类别 {key!r} 无法识别（应为 A、B、C 或 tekun）"
                for key in amounts if key not in AMOUNT_CLASSES]  # fmt: skip
    for key, starts in amounts.items():
        if not isinstance(starts, dict):
            problems.append(f'{key} 应为 {{"年-月": 金额}}')
            continue
        problems += [f"{key} 的起始月份 {month!r} 应写作 年-月（如 2025-01）"
                     for month in starts if not _MONTH.fullmatch(str(month))]  # fmt: skip
        problems += [f"{key} {month} 的金额 {value!r} 应为不小于 0 的数" for month, value
                     in starts.items() if isinstance(value, bool)
                     or not isinstance(value, int | float) or value < 0]  # fmt: skip
    if problems:
        raise DoudiError(f"{source}：monthly_amounts 有误：" + "；".join(problems))


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


def _read(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise DoudiError(f"无法读取政策文件 {path}：{error}") from error
