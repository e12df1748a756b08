"""The case types: one spec each, from which every list of case types derives — the
Chinese labels, the detectors the pipeline runs, the risk model's features, the API's enum
and the ledgers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from models.detectors.a_class_partial import detect_a_class_partial
from models.detectors.deceased_paid import detect_deceased_paid
from models.detectors.duplicate_enrollment import detect_duplicate_enrollment
from models.detectors.exit_without_gradual import detect_exit_without_gradual
from models.detectors.missed_disability import detect_missed_disability
from models.detectors.over_standard import detect_over_standard
from models.detectors.payment_mismatch import detect_payment_mismatch
from models.detectors.roster_gap import detect_roster_gap
from models.detectors.single_covered_member import detect_single_covered_member
from models.detectors.split_household import detect_split_household
from models.detectors.suspected_split import detect_suspected_split
from models.detectors.tekun_eligible import detect_tekun_eligible
from models.detectors.unenrolled_key_person import detect_unenrolled_key_person
from models.policy import Policy

Feature = tuple[str, str, int]
"""(feature, Chinese label, direction): the direction is what common sense says the feature
can do to the odds of a true finding (+1 raise, -1 lower): a learned weight is kept to it, so
that a handful of odd examples cannot teach the model that a corroborated death is less
likely true."""


@dataclass(frozen=True)
class CaseTypeSpec:
    """A case type: its contract name, its Chinese label, the detector that finds it, the
    features its risk score rests on, whether its ledger is a coverage list (应保尽保:
    people not covered, whose ledger asks whether they were enrolled), and whether a case is
    one family's finding (per 救助证号, set of them, or 建档立卡户, resting on the members'
    rows as they stand), which keeps its id when a member joins or leaves; any other is a
    finding on its persons, which keeps its id when its rows are re-keyed
    (``models.carried_ids``); and whether its cases carry an amount at risk (``money``: money
    paid that should not have been; any other type's cases have none, shown as —).

    ``needs`` are the registries besides the roster without whose rows its detector can find
    no case (read from the detector: the 户籍 families a split is of, the death notices and
    the payments a death lead is charged by …); ``switch`` is the policy setting without which
    it looks for none (None: every policy's)."""

    name: str
    label: str
    detector: Callable
    features: tuple[Feature, ...]
    coverage: bool = False
    per_family: bool = False
    money: bool = False
    needs: tuple[str, ...] = ()
    switch: str | None = None

    def runs_under(self, policy: Policy) -> bool:
        """Whether ``policy`` has this type looked for (its ``switch`` set).

        Parameters
        ----------
        policy : Policy
            The run's policy.

        Returns
        -------
        bool
            False where the switch is off (False, None or empty).
        """
        if self.switch is None:
            return True
        setting = getattr(policy, self.switch)
        return setting is not None and setting is not False and setting != ()


IDENTITY: Feature = ("identity_logit", "身份关联强度", 1)
CASE_TYPES: dict[str, CaseTypeSpec] = {
    spec.name: spec
    for spec in (
        CaseTypeSpec(
            "deceased_paid",
            "死亡后仍发放",
            detect_deceased_paid,
            (
                IDENTITY,
                ("corroborated", "死亡有两个来源或身份证号一致", 1),
                ("log_months_after", "死亡后发放月数", 1),
                ("notices", "死亡通知条数", 1),
                ("signs_of_life", "死亡日期后的生存迹象", -1),
                ("no_hukou", "户籍应有而查无此人（可能已注销）", 1),
                ("log_candidates", "死亡记录可能对应的人数", -1),
            ),
            money=True,
            needs=("deaths", "payments"),
        ),
        CaseTypeSpec(
            "duplicate_enrollment",
            "重复享受",
            detect_duplicate_enrollment,
            (
                IDENTITY,
                ("both_programs", "同时享受低保和特困", 1),
                ("same_valid_id", "两条记录身份证号一致", 1),
                ("log_months_twice", "重复发放月数", 1),
            ),
            money=True,
        ),
        CaseTypeSpec(
            "split_household",
            "拆户保障",
            detect_split_household,
            (
                IDENTITY,
                ("cases", "分成的案件数", 1),
                ("shared_identifiers", "分户案件共用的账号、电话", 1),
                ("log_months", "同时在保月数", 1),
            ),
            per_family=True,
            needs=("hukou",),
        ),
        CaseTypeSpec(
            "suspected_split",
            "疑似人为分户",
            detect_suspected_split,
            (
                IDENTITY,
                ("cases", "共用账号的案件数", 1),
                ("weak_ties", "另共用的电话、住址", 1),
                ("log_months", "同时在保月数", 1),
            ),
            per_family=True,
            needs=("hukou",),
        ),
        CaseTypeSpec(
            "missed_disability",
            "重度残疾未纳入",
            detect_missed_disability,
            (
                IDENTITY,
                ("level", "残疾等级（数字越大越轻）", -1),
                ("poverty_reasons", "贫困依据条数", 1),
                ("was_enrolled", "曾纳入救助", -1),
            ),
            coverage=True,
            needs=("disability",),
        ),
        CaseTypeSpec(
            "single_covered_member",
            "B、C类低保1户保1人",
            detect_single_covered_member,
            (
                IDENTITY,
                ("household_size", "家庭人数", 1),
                ("class_c", "C类低保", 1),
                ("listed", "名册所列家庭成员数", 1),
            ),
            per_family=True,
            switch="bc_min_covered",
        ),
        CaseTypeSpec(
            "a_class_partial",
            "A类低保未整户施保",
            detect_a_class_partial,
            (
                IDENTITY,
                ("household_size", "家庭人数", 1),
                ("uncovered", "未保障人数", 1),
            ),
            per_family=True,
            switch="a_class_whole_household",
        ),
        CaseTypeSpec(
            "unenrolled_key_person",
            "重点人群未纳入保障",
            detect_unenrolled_key_person,
            (
                IDENTITY,
                ("groups", "所属重点人群数", 1),
                ("zero_labor", "整户无劳动力", 1),
                ("below_standard", "收入低于低保标准", 1),
            ),
            coverage=True,
            needs=("poverty",),
            switch="key_groups",
        ),
        CaseTypeSpec(
            "tekun_eligible",
            "疑似符合特困条件未纳入特困",
            detect_tekun_eligible,
            (
                IDENTITY,
                ("members", "涉及人数", 1),
                ("relatives", "户籍中其他家庭成员数", -1),
            ),
            per_family=True,
            coverage=True,
            needs=("poverty",),
            switch="tekun_eligibility_check",
        ),
        CaseTypeSpec(
            "over_standard",
            "超标准未退出",
            detect_over_standard,
            (
                ("income_ratio", "人均收入与低保标准之比", 1),
                ("assessed", "有收入核定日期", 1),
                ("log_months_after", "渐退期满后发放月数", 1),
            ),
            per_family=True,
            money=True,
            needs=("payments",),
        ),
        CaseTypeSpec(
            "payment_mismatch",
            "发放金额与类别人数不符",
            detect_payment_mismatch,
            (
                ("log_months", "金额不符月数", 1),
                ("over", "多发", 1),
                ("difference_share", "差额占应发金额之比", 1),
            ),
            per_family=True,
            money=True,
            needs=("payments",),
        ),
        CaseTypeSpec(
            "exit_without_gradual",
            "脱贫即退保（未渐退）",
            detect_exit_without_gradual,
            (
                IDENTITY,
                ("income_ratio", "人均收入与低保标准之比", -1),
                ("members", "涉及人数", 1),
            ),
            per_family=True,
            coverage=True,
            needs=("poverty",),
            switch="wrongful_exit_check",
        ),
        CaseTypeSpec(
            "roster_gap",
            "低保与建档立卡台账不一致",
            detect_roster_gap,
            (
                IDENTITY,
                ("members", "涉及人数", 1),
            ),
            per_family=True,
            needs=("poverty",),
            switch="roster_comparison",
        ),
    )
}
CASE_LABELS = {name: spec.label for name, spec in CASE_TYPES.items()}
# The case types whose cases carry an amount at risk (``CaseTypeSpec.money``).
MONEY_TYPES = frozenset(name for name, spec in CASE_TYPES.items() if spec.money)
DETECTORS = {name: spec.detector for name, spec in CASE_TYPES.items()}
CASE_TABLES = frozenset({"assistance", "poverty", "payments"})
"""Every detector's case rests on a roster row, a 建档立卡 row or a case's payments: where the
rows tie none of them together (most of a county's households), no detector finds a case."""
