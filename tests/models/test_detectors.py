"""Each detector on a tiny household graph built by hand, one behaviour per test."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from models.amounts import spread_back_pay
from models.cases import CLASS_LOWERED, LIVED_ON, RESTORED, UNDATED, UNLINKED, one_per_finding
from models.detectors.a_class_partial import detect_a_class_partial
from models.detectors.common import single_person_conditions
from models.detectors.deceased_paid import RESTORED_SAID, detect_deceased_paid
from models.detectors.duplicate_enrollment import detect_duplicate_enrollment
from models.detectors.exit_without_gradual import detect_exit_without_gradual
from models.detectors.missed_disability import detect_missed_disability
from models.detectors.over_standard import detect_over_standard, gradual_ends
from models.detectors.payment_mismatch import detect_payment_mismatch
from models.detectors.roster_gap import detect_roster_gap
from models.detectors.single_covered_member import detect_single_covered_member
from models.detectors.split_household import detect_split_household
from models.detectors.suspected_split import detect_suspected_split
from models.detectors.tekun_eligible import detect_tekun_eligible
from models.detectors.unenrolled_key_person import detect_unenrolled_key_person
from models.graph import add_possible_duplicates
from models.periods import month_index, month_text, noted_gradual_exit, noted_gradual_start
from models.policy import load_policy
from models.sketch import AS_OF, HouseholdSketch
from resolver.registries import REGISTRIES

POLICY = load_policy()


MONTHS_2026 = [f"2026-{m:02d}" for m in range(1, 11)]


# The monthly amounts the payment ledger gives each class (``models.amounts``), in 2026.
AMOUNTS_2026 = {(key, month_index(month)): amount for month in MONTHS_2026
                for key, amount in (("A", 455.0), ("C", 305.0), ("tekun", 630.0))}  # fmt: skip


def test_a_death_paid_after_the_grace_month_is_a_case_with_the_members_own_amount():
    drop = HouseholdSketch(AMOUNTS_2026)
    drop.enrol("wife", "DB1", "A1", id18="X1", dibao_class="C")
    drop.enrol("son", "DB1", "A2", dibao_class="A")  # 分类施保: the disabled son is class A
    drop.pay("DB1", MONTHS_2026, 760.0)
    drop.die("wife", "D1", date(2026, 6, 10), id18="X1")
    (case,) = detect_deceased_paid(drop.graph, POLICY)
    assert case.records == [("assistance", "A1")]
    assert case.amount_at_risk == 305.0 * 3  # 2026-08, 09, 10 at her class C amount
    assert "发放记录推算" in case.evidence[2].text
    assert case.features["corroborated"] == 1.0  # the notice carries the roster's valid ID


def test_a_grant_of_another_program_after_the_death_is_named_never_counted():
    """A funeral grant (临时救助) paid to the case after the death is no 低保 money: the lead
    counts the months of 低保 paid after the grace, and names the grant beside them."""
    drop = HouseholdSketch(AMOUNTS_2026)
    drop.enrol("wife", "DB1", "A1", id18="X1", dibao_class="C")
    drop.pay("DB1", MONTHS_2026, 305.0)
    drop.graph.nodes[("case", "DB1")]["other_payments"]["2026-09"].append(("G1", 2000.0))
    drop.die("wife", "D1", date(2026, 6, 10), id18="X1")
    (case,) = detect_deceased_paid(drop.graph, POLICY)
    assert case.amount_at_risk == 305.0 * 3
    assert any(item.text.startswith("另有其他资金（临时救助、取暖费、慰问金等）的发放 1 笔共 2000.00 元（2026-09）")
               and item.record_id == "G1" for item in case.evidence)  # fmt: skip


def _back_paid(drop: HouseholdSketch, case_no: str, amount: float, skipped: list[str]) -> None:
    """Case ``case_no`` paid ``amount`` every month of 2026, but each of the ``skipped`` months
    with the next (补发: twice in that month), as graph building reads a ledger (``graph``)."""
    for month in MONTHS_2026:
        if month in skipped:
            continue
        before = MONTHS_2026[MONTHS_2026.index(month) - 1] if month != MONTHS_2026[0] else None
        drop.pay(case_no, [month], amount * (2 if before in skipped else 1))
    spread_back_pay(drop.graph.nodes[("case", case_no)]["payments"])


def test_a_month_paid_with_the_next_counts_for_its_own_month():
    # 补发: March, June and August each paid with the month after. Read as months paid twice
    # they were a payment_mismatch lead of 2,280 元 paid too much, nothing short; and a death
    # in June left August unpaid for her (three months' amount reported, not four)
    drop = HouseholdSketch(AMOUNTS_2026)
    drop.enrol("wife", "DB1", "A1", id18="X1", dibao_class="C")
    drop.enrol("son", "DB1", "A2", dibao_class="A")
    _back_paid(drop, "DB1", 760.0, ["2026-03", "2026-06", "2026-08"])
    assert detect_payment_mismatch(drop.graph, POLICY) == []
    drop.die("wife", "D1", date(2026, 5, 10), id18="X1")
    (case,) = detect_deceased_paid(drop.graph, POLICY)
    assert case.amount_at_risk == 305.0 * 4  # 2026-07 to 10, August paid in September


def test_a_members_share_is_rounded_to_the_fen_each_month_halves_up():
    # what an inspector adding the months by hand gets: 333.33 a month, and 50.125 -> 50.13
    drop = HouseholdSketch()
    for pid, record_id in (("wife", "A1"), ("husband", "A2"), ("son", "A3")):
        drop.enrol(pid, "DB1", record_id)
    drop.pay("DB1", MONTHS_2026, 1000.0)
    drop.die("wife", "D1", date(2026, 6, 10))
    (case,) = detect_deceased_paid(drop.graph, POLICY)
    assert case.amount_at_risk == 999.99  # 2026-08, 09, 10 at 333.33
    halves = HouseholdSketch()
    halves.enrol("wife", "DB1", "A1")
    halves.enrol("husband", "DB1", "A2")
    halves.pay("DB1", ["2026-10"], 100.25)
    halves.die("wife", "D1", date(2026, 8, 5))
    assert [case.amount_at_risk for case in detect_deceased_paid(halves.graph, POLICY)] == [50.13]
    halves.pay("DB1", ["2026-10"], 589.77)  # 100.25 + 589.77 + 795.93 = 1485.95 in floats
    halves.pay("DB1", ["2026-10"], 795.93)  # is 1485.9499999999998: by hand 742.98 each
    assert [case.amount_at_risk for case in detect_deceased_paid(halves.graph, POLICY)] == [742.98]


def test_months_paid_only_to_the_living_are_not_charged_and_a_part_is_charged_as_paid():
    drop = HouseholdSketch(AMOUNTS_2026)
    drop.enrol("wife", "DB1", "A1", dibao_class="C")
    drop.enrol("son", "DB1", "A2", dibao_class="A")
    drop.pay("DB1", MONTHS_2026[:7], 760.0)
    drop.pay("DB1", MONTHS_2026[7:], 455.0)  # from 2026-08 the son's amount alone
    drop.die("wife", "D1", date(2026, 6, 10))
    assert detect_deceased_paid(drop.graph, POLICY) == []  # nothing was paid for her
    drop.pay("DB1", ["2026-10"], 305.0)  # October at both amounts again
    (case,) = detect_deceased_paid(drop.graph, POLICY)
    assert case.amount_at_risk == 305.0
    assert any("另有 2 个月" in item.text and "不计入" in item.text for item in case.evidence)
    part = HouseholdSketch(AMOUNTS_2026)
    part.enrol("wife", "DB1", "A1", dibao_class="C")
    part.enrol("son", "DB1", "A2", dibao_class="A")
    part.pay("DB1", MONTHS_2026, 600.0)  # 145 a month above the son's 455
    part.die("wife", "D1", date(2026, 6, 10))
    (case,) = detect_deceased_paid(part.graph, POLICY)
    assert case.amount_at_risk == 145.0 * 3
    assert any("其中 3 个月" in item.text for item in case.evidence)


def test_a_month_paid_in_part_is_not_said_to_be_at_the_class_amount():
    """Paid 600 for a class C (305) and a class A (455) member all along, 160 short: the 145
    above the son is what was paid for her, and the evidence says what the figure is rather
    than naming the ledger's class amount as its source (a blind tester's 560 a month was
    said to be 按政策文件规定的类别月标准, which set 640)."""
    drop = HouseholdSketch(AMOUNTS_2026)
    drop.enrol("wife", "DB1", "A1", dibao_class="C")
    drop.enrol("son", "DB1", "A2", dibao_class="A")
    drop.pay("DB1", MONTHS_2026, 600.0)
    drop.die("wife", "D1", date(2026, 6, 10))
    (case,) = detect_deceased_paid(drop.graph, POLICY)
    assert case.amount_at_risk == 145.0 * 3
    assert "发放额超出其他在保成员应发金额的部分计" in case.evidence[2].text
    assert "类别月标准（同月同类别案件的人均发放额）" not in case.evidence[2].text


def test_two_dead_members_share_what_the_payment_leaves_above_the_living_and_refunds():
    drop = HouseholdSketch(AMOUNTS_2026)
    for pid, record_id in (("husband", "A1"), ("wife", "A2"), ("son", "A3")):
        drop.enrol(pid, "DB1", record_id, dibao_class="A")
    drop.pay("DB1", MONTHS_2026[:4], 455.0 * 3)
    drop.pay("DB1", MONTHS_2026[4:9], 455.0 * 2)  # from May one dead member's amount stopped
    drop.die("husband", "D1", date(2026, 3, 10))
    drop.die("wife", "D2", date(2026, 3, 10))
    amounts = [case.amount_at_risk for case in detect_deceased_paid(drop.graph, POLICY)]
    assert amounts == [227.5 * 5, 227.5 * 5]  # 455 a month for the two dead, not 455 each
    drop.pay("DB1", ["2026-10"], -455.0)  # a refund: whose, the data cannot say
    (first, _) = detect_deceased_paid(drop.graph, POLICY)
    assert first.amount_at_risk == 227.5 * 5  # not deducted from either
    assert any("案件中另有成员死亡，未从本人金额中扣除" in item.text for item in first.evidence)


# Amounts whose sums drift in floats (1545.85 - 620.50 - 515.25 is 410.0999…, 715.30 - 515.25
# is 200.04999…): what the detectors add and compare is exact to the fen.
DRIFTING = {(key, month_index(month)): amount for month in MONTHS_2026
            for key, amount in (("A", 620.5), ("B", 515.25), ("C", 410.1))}  # fmt: skip


def test_two_dead_members_together_are_charged_what_was_paid_for_them_to_the_fen():
    """Three class B members (515.25), two dead in March; from May the case is paid 715.30:
    200.05 a month above the living one, 1,200.30 for the six months. Halved, 100.025 each:
    the odd fen goes to one of them (the earlier record id), not lost to rounding."""
    drop = HouseholdSketch(DRIFTING)
    for pid, record_id in (("husband", "A1"), ("wife", "A2"), ("son", "A3")):
        drop.enrol(pid, "DB1", record_id, dibao_class="B")
    drop.pay("DB1", MONTHS_2026, 715.3)
    drop.die("wife", "D1", date(2026, 3, 10))
    drop.die("son", "D2", date(2026, 3, 10))
    cases = {case.records[0][1]: case for case in detect_deceased_paid(drop.graph, POLICY)}
    assert {record: case.amount_at_risk for record, case in cases.items()} == {
        "A2": 600.18, "A3": 600.12}  # fmt: skip
    assert round(sum(case.amount_at_risk for case in cases.values()) * 100) == 120030
    said = "".join(item.text for item in cases["A2"].evidence)
    assert "按各人类别金额的比例分摊" in said and "为本人发放的不足" not in said


def test_a_death_paid_the_full_amount_is_not_said_to_be_paid_in_part():
    """A, B and C members paid 1,545.85, their three amounts exactly; the C member died:
    what the payment leaves above the living is 410.10 to the fen, her whole amount."""
    drop = HouseholdSketch(DRIFTING)
    for n, cls in enumerate("ABC", 1):
        drop.enrol(f"p-{n}", "DB1", f"A{n}", dibao_class=cls, id18=f"X{n}")
    drop.pay("DB1", MONTHS_2026, 1545.85)
    drop.die("p-3", "D1", date(2026, 7, 5), id18="X3")
    (case,) = detect_deceased_paid(drop.graph, POLICY)
    assert case.amount_at_risk == 820.2  # 2026-09 and 10
    assert not any("不足" in item.text or "分摊" in item.text for item in case.evidence)


def test_money_paid_back_after_the_death_is_deducted_and_a_refund_month_is_not_paid():
    drop = HouseholdSketch(AMOUNTS_2026)
    drop.enrol("old", "DB1", "A1", dibao_class="C")
    drop.pay("DB1", MONTHS_2026[:9], 305.0)  # to 2026-09
    drop.pay("DB1", ["2026-09"], -305.0)  # September's paid back in September: not paid
    drop.pay("DB1", ["2026-10"], -305.0)  # a refund (追回) of one month in October
    drop.die("old", "D1", date(2026, 4, 10))
    (case,) = detect_deceased_paid(drop.graph, POLICY)
    assert case.amount_at_risk == 305.0 * 3 - 305.0  # 06, 07, 08 paid; 305 paid back
    said = case.evidence[2].text + "".join(item.text for item in case.evidence)
    assert "仍发放 3 个月（2026-06 至 2026-08）" in said
    # until 2026-12-07 按本人（低保C类）每月金额计 915.00 元: the total read as a month's
    assert "按本人（低保C类）每月 305.00 元计，共 915.00 元" in said
    assert "退回（追回）305.00 元（2026-10）" in said and "尚余 610.00 元" in said


def test_a_death_counts_what_was_paid_for_her_when_it_falls_short_of_her_amount():
    """Paid 445 a month against her class A 455 (within the tolerance): 445 was paid, and
    445 is what can be recovered; a duplicate likewise."""
    drop = HouseholdSketch(AMOUNTS_2026)
    drop.enrol("old", "DB1", "A1", dibao_class="A")
    drop.pay("DB1", MONTHS_2026, 445.0)
    drop.die("old", "D1", date(2026, 6, 10))
    (case,) = detect_deceased_paid(drop.graph, POLICY)
    assert case.amount_at_risk == 445.0 * 3
    assert any("其中 3 个月为本人发放的不足" in item.text for item in case.evidence)
    twice = HouseholdSketch(AMOUNTS_2026)
    twice.enrol("li", "DB1", "A1", dibao_class="A", id18="X1")
    twice.enrol("li", "TK1", "T1", program="tekun", id18="X1")
    twice.pay("DB1", MONTHS_2026, 445.0)
    twice.pay("TK1", MONTHS_2026, 630.0)
    (duplicate,) = detect_duplicate_enrollment(twice.graph, POLICY)
    assert duplicate.amount_at_risk == 445.0 * 10  # above the larger 630, what DB1 paid


def test_a_refund_booked_beside_the_livings_payment_is_deducted():
    """Two members of class A; she died in April. From June to August the case went on
    paying both (455 for her); in September it paid her son's 455 and booked a refund of
    910 (two of her months) in the same month: 455 x 3 - 910 remains."""
    drop = HouseholdSketch(AMOUNTS_2026)
    drop.enrol("old", "DB1", "A1", dibao_class="A")
    drop.enrol("son", "DB1", "A2", dibao_class="A")
    drop.pay("DB1", MONTHS_2026[:8], 910.0)
    drop.pay("DB1", ["2026-09"], 455.0)
    drop.pay("DB1", ["2026-09"], -910.0)
    drop.die("old", "D1", date(2026, 4, 10))
    (case,) = detect_deceased_paid(drop.graph, POLICY)
    assert case.amount_at_risk == 455.0 * 3 - 910.0
    assert any("退回（追回）910.00 元（2026-09）" in item.text for item in case.evidence)
    corrected = HouseholdSketch(AMOUNTS_2026)  # a line reversed and paid again: no refund
    corrected.enrol("old", "DB1", "A1", dibao_class="A")
    corrected.enrol("son", "DB1", "A2", dibao_class="A")
    corrected.pay("DB1", MONTHS_2026, 910.0)
    corrected.pay("DB1", ["2026-09"], -910.0)
    corrected.pay("DB1", ["2026-09"], 910.0)
    corrected.die("old", "D1", date(2026, 4, 10))
    (case,) = detect_deceased_paid(corrected.graph, POLICY)
    assert case.amount_at_risk == 455.0 * 5


def test_a_month_two_rows_of_a_class_change_share_is_counted_once():
    drop = HouseholdSketch(AMOUNTS_2026)
    drop.enrol("wife", "DB1", "A1", dibao_class="A", end=date(2026, 6, 15))
    drop.enrol("wife", "DB1", "A2", dibao_class="C", start=date(2026, 6, 16))
    drop.pay("DB1", MONTHS_2026, 455.0)
    drop.die("wife", "D1", date(2026, 2, 10))
    amounts = {case.records[0][1]: case.amount_at_risk
               for case in detect_deceased_paid(drop.graph, POLICY)}  # fmt: skip
    assert amounts == {"A1": 455.0 * 2, "A2": 305.0 * 5}  # 04-05 at A; 06-10 at C, June once


def test_a_class_the_ledger_cannot_price_falls_back_to_the_members_share():
    drop = HouseholdSketch()
    drop.enrol("wife", "DB1", "A1")
    drop.enrol("husband", "DB1", "A2")
    drop.pay("DB1", MONTHS_2026, 800.0)
    drop.die("wife", "D1", date(2026, 6, 10))
    (case,) = detect_deceased_paid(drop.graph, POLICY)
    assert case.amount_at_risk == 400.0 * 3
    assert "人均份额" in case.evidence[2].text


def test_a_member_of_a_drop_of_several_counties_is_owed_his_countys_amount():
    # a blind tester's city drop: 甲县 pays class A 455 a month, 乙县 600; until 2026-12-06 the
    # pooled 455 priced 乙县's dead member (and raised payment_mismatch on its cases)
    drop = HouseholdSketch(AMOUNTS_2026)
    own = {("A", month_index(month)): 600.0 for month in MONTHS_2026}
    drop.graph.graph["county_amounts"] = {"乙县": (own, {}), "甲县": (AMOUNTS_2026, {})}
    drop.enrol("old", "乙县/DB1", "A1", dibao_class="A")
    drop.pay("乙县/DB1", MONTHS_2026, 600.0)
    drop.die("old", "D1", date(2026, 8, 2))
    (case,) = detect_deceased_paid(drop.graph, POLICY)
    assert case.amount_at_risk == 600.0  # 2026-10, after August plus the grace
    assert detect_payment_mismatch(drop.graph, POLICY) == []


def test_a_tekun_level_few_of_a_countys_cases_are_paid_at_is_one_where_more_of_the_drops_are():
    # a blind tester's 松岭县 pays 全护理 (1,600) to 3 of its 103 特困: too few for a level of
    # its own, a level of the city's. Priced by its own levels alone its dead 全护理 member was
    # owed 1,150 (7,080 元 for 9,780)
    drop = HouseholdSketch()
    tekun = {month_index(month): (900.0, 1150.0) for month in MONTHS_2026}
    drop.graph.graph["tekun_levels"] = {month: (900.0, 1150.0, 1600.0) for month in tekun}
    drop.graph.graph["county_amounts"] = {"松岭县": ({}, tekun), "莲塘区": ({}, {})}
    drop.enrol("old", "松岭县/TK1", "A1", program="tekun")
    drop.pay("松岭县/TK1", MONTHS_2026, 1600.0)
    drop.die("old", "D1", date(2026, 8, 2))
    (case,) = detect_deceased_paid(drop.graph, POLICY)
    assert case.amount_at_risk == 1600.0


def test_a_policy_amount_comes_before_the_ledger():
    drop = HouseholdSketch(AMOUNTS_2026)
    drop.enrol("old", "DB1", "A1", dibao_class="A")
    drop.pay("DB1", MONTHS_2026, 470.0)
    drop.die("old", "D1", date(2026, 8, 2))
    policy = replace(POLICY, monthly_amounts={"A": {"2026-01": 460}})
    (case,) = detect_deceased_paid(drop.graph, policy)
    assert case.amount_at_risk == 460.0  # 2026-10: the policy's, not the ledger's 455
    assert "政策文件" in case.evidence[2].text


def test_evidence_of_life_after_the_death_date_stands_first_and_is_a_feature():
    drop = HouseholdSketch()
    drop.enrol("old", "DB1", "A1", start=date(2026, 3, 1))  # enrolled after the notice
    drop.certify("old", "C9", "physical", 4, issued=date(2026, 5, 20))
    drop.pay("DB1", MONTHS_2026[2:], 420.0)
    drop.die("old", "D1", date(2025, 11, 5))
    (case,) = detect_deceased_paid(drop.graph, POLICY)
    assert case.features["signs_of_life"] == 2.0 and case.features[LIVED_ON] == 1.0
    assert case.evidence[0].text.startswith("生存迹象")
    assert {case.evidence[0].registry, case.evidence[1].registry} == {"assistance", "disability"}


def test_a_registration_restored_after_the_notice_is_a_sign_of_life_before_it_none():
    # a blind tester's 公安 restored 杨有才's 户口 (恢复户口) after 卫健's notice: until
    # 2026-12-06 the row was only skipped and the lead stood at 0.83 (12,060 元)
    drop = HouseholdSketch()
    drop.enrol("old", "DB1", "A1")
    drop.pay("DB1", MONTHS_2026, 420.0)
    drop.die("old", "D1", date(2026, 2, 3), source="health")
    drop.restore("old", "GA44", date(2026, 3, 9))
    (case,) = detect_deceased_paid(drop.graph, POLICY)
    assert case.features["signs_of_life"] == 1.0
    assert case.evidence[0].text.startswith(
        "生存迹象：2026-02-03 之后仍有公安恢复户口（户籍注销表记录 GA44）（2026-03-09）"
    )
    # the row is in no registry's table: named in the text, not cited as a death notice
    assert (case.evidence[0].registry, case.evidence[0].record_id) == (None, None)
    # the police withdrew the cancellation: bounded (RESTORED), corroborating nothing, and
    # said so (a blind tester read 死亡仅凭模糊身份关联认定 of a notice matched by its ID)
    assert case.features[RESTORED] == 1.0 and case.features["corroborated"] == 0.0
    texts = [item.text for item in case.evidence]
    assert RESTORED_SAID in texts and not any("模糊身份关联" in text for text in texts)
    # a real death reported twice after a restoration of an earlier wrong notice is no less
    # true for it (a review found it capped at 0.10)
    drop.die("old", "D2", date(2026, 6, 3), source="police")
    drop.die("old", "D3", date(2026, 6, 5), source="funeral")
    (later,) = detect_deceased_paid(drop.graph, POLICY)
    assert RESTORED not in later.features
    earlier = HouseholdSketch()  # restored years before a death: no sign of this one
    earlier.enrol("old", "DB1", "A1")
    earlier.pay("DB1", MONTHS_2026, 420.0)
    earlier.die("old", "D1", date(2026, 2, 3), source="health")
    earlier.restore("old", None, date(2019, 5, 1))
    (case,) = detect_deceased_paid(earlier.graph, POLICY)
    assert case.features["signs_of_life"] == 0.0


def test_a_new_row_of_the_same_case_for_a_change_of_class_is_no_sign_of_life():
    # a blind tester's clerk moved a dead member from class B to A in January: until
    # 2026-12-06 the new row read as 纳入救助 after the death, a sign of life lowering the lead
    drop = HouseholdSketch()
    drop.enrol("old", "DB1", "A1", end=date(2025, 12, 31), dibao_class="B")
    drop.enrol("old", "DB1", "A2", start=date(2026, 1, 1), dibao_class="A")
    drop.pay("DB1", MONTHS_2026, 420.0)
    drop.die("old", "D1", date(2025, 11, 5))
    (case,) = detect_deceased_paid(drop.graph, POLICY)
    assert case.features["signs_of_life"] == 0.0
    later = HouseholdSketch()  # a row begun months after the last one ended is an enrollment
    later.enrol("old", "DB1", "A1", end=date(2025, 10, 31), dibao_class="B")
    later.enrol("old", "DB1", "A2", start=date(2026, 3, 1), dibao_class="A")
    later.pay("DB1", MONTHS_2026, 420.0)
    later.die("old", "D1", date(2025, 11, 5))
    (case,) = detect_deceased_paid(later.graph, POLICY)
    assert case.features["signs_of_life"] == 1.0 and "纳入救助" in case.evidence[0].text


def test_notices_that_disagree_count_from_the_latest_date_and_say_so():
    drop = HouseholdSketch()
    drop.enrol("old", "DB1", "A1")
    drop.pay("DB1", MONTHS_2026, 420.0)
    drop.die("old", "D1", date(2026, 2, 3))
    drop.die("old", "D2", date(2026, 7, 9), source="funeral")
    (case,) = detect_deceased_paid(drop.graph, POLICY)
    assert case.amount_at_risk == 420.0 * 2  # 2026-09 and 10, after July plus the grace
    assert case.features["signs_of_life"] == 1.0 and "日期不一致" in case.evidence[0].text
    assert LIVED_ON not in case.features  # two dates: a death still, its day unsure


def test_two_offices_reporting_one_death_days_apart_corroborate_it_from_the_earliest_date():
    # a blind tester's 卫健 certificate of 2024-02-28 and 殡葬's cremation of 03-01: until
    # 2026-12-06 a sign of life (日期不一致, the score 0.25) counted from March, a month short
    drop = HouseholdSketch()
    drop.enrol("old", "DB1", "A1")
    drop.pay("DB1", MONTHS_2026, 380.0)
    drop.die("old", "D1", date(2026, 2, 28), source="health")
    drop.die("old", "D2", date(2026, 3, 1), source="funeral")
    (case,) = detect_deceased_paid(drop.graph, POLICY)
    assert case.amount_at_risk == 380.0 * 7  # 2026-04 to 10: February plus the 1-month grace
    assert case.features["signs_of_life"] == 0.0 and case.features["corroborated"] == 1.0
    assert not any("生存迹象" in item.text for item in case.evidence)
    (said,) = [item.text for item in case.evidence if "视为同一死亡" in item.text]
    assert "相差 1 天" in said and "按最早日期 2026-02-28" in said


@pytest.mark.parametrize(
    ("later", "one"),
    [(date(2026, 2, 24), True), (date(2026, 3, 1), False), (date(2026, 3, 5), False)],
)
def test_notices_within_a_month_are_one_death_but_a_month_mistyped_or_more_is_not(later, one):
    # a 公安 cancellation 23 days after the certificate is due within a month (one death); the
    # same day a month on is a month mistyped by one office, as likely the true date (a
    # review); 32 days apart disagree
    drop = HouseholdSketch()
    drop.enrol("old", "DB1", "A1")
    drop.pay("DB1", MONTHS_2026, 400.0)
    drop.die("old", "D1", date(2026, 2, 1), source="health")
    drop.die("old", "D2", later, source="police")
    (case,) = detect_deceased_paid(drop.graph, POLICY)
    assert case.features["signs_of_life"] == (0.0 if one else 1.0)
    assert case.amount_at_risk == 400.0 * (7 if one else 6)


def test_a_notice_matching_two_namesakes_below_the_threshold_is_an_uncertain_lead_on_each():
    drop = HouseholdSketch()
    drop.enrol("zhang-1", "DB1", "A1")
    drop.enrol("zhang-2", "DB2", "A2")
    drop.pay("DB1", MONTHS_2026, 420.0)
    drop.die("zhang-1", "D1", date(2026, 3, 1), probability=0.8, kind="possibly_dead")
    drop.die("zhang-2", "D1", date(2026, 3, 1), probability=0.7, kind="possibly_dead")
    (case,) = detect_deceased_paid(drop.graph, POLICY)  # DB2 was not paid
    assert case.person_ids == ["zhang-1"] and case.features["candidates"] == 2.0
    assert case.features["corroborated"] == 0.0 and case.features["identity"] == 0.8
    (said,) = [item.text for item in case.evidence if "未能唯一确认" in item.text]
    assert "可能对应 2 人：另可能是 zhang-2（人员 zhang-2，救助案件 DB2）" in said
    drop.graph.nodes[("death", "D1")]["candidates"] = 3  # a third namesake, in 户籍 only
    (case,) = detect_deceased_paid(drop.graph, POLICY)
    assert any("救助案件 DB2）；另有 1 人不在救助名册中" in item.text for item in case.evidence)


def test_a_notice_one_person_matches_below_the_threshold_says_so_not_two_candidates():
    drop = HouseholdSketch()
    drop.enrol("zhang", "DB1", "A1")
    drop.pay("DB1", MONTHS_2026, 420.0)
    drop.die("zhang", "D1", date(2026, 3, 1), probability=0.4, kind="possibly_dead")
    (case,) = detect_deceased_paid(drop.graph, POLICY)
    assert any(item.text.startswith("死亡记录与本人只是可能匹配") for item in case.evidence)
    assert not any("未能唯一确认" in item.text for item in case.evidence)


def test_a_corroborated_death_says_which_corroboration_it_has():
    # until 2026-12-07 every such lead read 死亡有两个来源或身份证号完全一致的佐证
    drop = HouseholdSketch()
    drop.enrol("old", "DB1", "A1", id18="53232619590706292X")
    drop.pay("DB1", MONTHS_2026, 400.0)
    drop.die("old", "D1", date(2026, 2, 1), source="health")
    drop.die("old", "D2", date(2026, 2, 3), source="police")
    (case,) = detect_deceased_paid(drop.graph, POLICY)
    assert "死亡有 2 个来源（卫健、公安）：死亡信息有佐证" in [item.text for item in case.evidence]
    drop = HouseholdSketch()
    drop.enrol("old", "DB1", "A1", id18="53232619590706292X")
    drop.pay("DB1", MONTHS_2026, 400.0)
    drop.die("old", "D1", date(2026, 2, 1), source="police", id18="53232619590706292X")
    (case,) = detect_deceased_paid(drop.graph, POLICY)
    assert "死亡记录的身份证号与本人救助记录的完全一致：死亡信息有佐证" in [
        item.text for item in case.evidence]  # fmt: skip


def test_an_uncertain_notice_whose_birth_date_is_not_the_members_says_both():
    # a 公安 notice of 马秀英 born 1959-01-06 links only possibly to the covered 马秀英 of her
    # group, born 1959-07-06 by her ID: the reviewer is told (until 2026-12-07 the evidence
    # was silent on it); a notice of her own birth date says nothing of it
    drop = HouseholdSketch()
    drop.enrol("ma", "DB1", "A1", id18="53232619590706292X")
    drop.pay("DB1", MONTHS_2026, 420.0)
    drop.die("ma", "D1", date(2026, 3, 1), probability=0.04, kind="possibly_dead",
             born=date(1959, 1, 6))  # fmt: skip
    (case,) = detect_deceased_paid(drop.graph, POLICY)
    (said,) = [item.text for item in case.evidence if "只是可能匹配" in item.text]
    assert "死亡记录所填出生日期 1959-01-06 与本人身份证号所示 1959-07-06 不同" in said
    drop.graph.nodes[("death", "D1")]["birth_date"] = date(1959, 7, 6)
    (case,) = detect_deceased_paid(drop.graph, POLICY)
    assert not any("所填出生日期" in item.text for item in case.evidence)


def test_an_uncertain_death_lead_records_its_notices_link_as_its_bound_a_firm_one_none():
    drop = HouseholdSketch()
    drop.enrol("lu", "DB1", "A1")
    drop.enrol("zhang-1", "DB2", "A2")
    drop.enrol("zhang-2", "DB3", "A3")
    drop.enrol("wang", "DB4", "A4")
    for case_no in ("DB1", "DB2", "DB3", "DB4"):
        drop.pay(case_no, MONTHS_2026, 420.0)
    drop.die("lu", "D1", date(2026, 3, 1), probability=0.355, kind="possibly_dead")
    drop.die("zhang-1", "D2", date(2026, 3, 1), probability=0.97, kind="possibly_dead")
    drop.die("zhang-2", "D2", date(2026, 3, 1), probability=0.96, kind="possibly_dead")
    drop.die("wang", "D3", date(2026, 3, 1), probability=0.97)
    bounds = {case.person_ids[0]: case.features.get(UNLINKED)
              for case in detect_deceased_paid(drop.graph, POLICY)}  # fmt: skip
    assert bounds == {"lu": 0.355, "zhang-1": 0.97, "zhang-2": 0.96, "wang": None}


# 梁贵福's valid ID (born 1968-07-19, a man), on his roster row and on a notice of 潘海林
LIANG = "532326196807197039"


def _renamed_notice(**notice) -> HouseholdSketch:
    drop = HouseholdSketch()
    drop.enrol("梁贵福", "DB1", "A1", id18=LIANG)
    drop.pay("DB1", MONTHS_2026, 420.0)
    drop.die("梁贵福", "D1", date(2026, 3, 1), id18=LIANG, probability=0.32,
             kind="possibly_dead", name="潘海林", **notice)  # fmt: skip
    return drop


def test_a_notice_with_the_members_id_under_another_name_says_so_first():
    # a blind tester's 梁贵福, renamed 潘海林, died: the notice linked to no one (0.32) and the
    # lead, when raised, said the IDs were not the same (死亡…身份证号一致 否)
    (case,) = detect_deceased_paid(_renamed_notice(born=date(1968, 7, 19), gender="M").graph,
                                   POLICY)  # fmt: skip
    assert case.evidence[0].text == (
        "死亡记录的身份证号与本人相同，但姓名不同（死亡记录：潘海林；名册：梁贵福）：可能已改名"
        "（请查户籍曾用名或改名记录），也可能是死亡登记填错了身份证号；请先核实")  # fmt: skip
    assert case.amount_at_risk == 420.0 * 6 and case.features["corroborated"] == 1.0
    assert case.features[UNLINKED] == 0.32


@pytest.mark.parametrize("notice", [{"born": date(1968, 7, 18)}, {"gender": "F"},
                                    {"born": date(1969, 7, 19), "gender": "F"}])  # fmt: skip
def test_a_renamed_notice_whose_own_birth_date_or_gender_is_not_the_ids_is_no_lead(notice):
    """A renamed person keeps her birth date and gender: a notice under another name whose
    own are not its ID's is another's notice typed with her ID (the independent counties'
    wrong notices: 5 of 9 such leads were false), listed, never a lead."""
    assert detect_deceased_paid(_renamed_notice(**notice).graph, POLICY) == []


def test_another_womans_notice_with_his_id_does_not_silence_his_own_uncertain_notice():
    """A review: one notice typed with his ID under a woman's name cancelled his whole lead,
    the lead his own (uncertain) notice raised too."""
    drop = _renamed_notice(gender="F")  # 潘海林, 女: another's notice with his ID
    assert detect_deceased_paid(drop.graph, POLICY) == []
    drop.die("梁贵福", "D2", date(2026, 3, 1), probability=0.8, kind="possibly_dead",
             name="梁贵福")  # fmt: skip
    (case,) = detect_deceased_paid(drop.graph, POLICY)
    assert {item.record_id for item in case.evidence if item.registry == "deaths"} == {"D2"}
    assert case.amount_at_risk == 420.0 * 6


def test_two_sources_of_a_death_two_namesakes_may_be_corroborate_neither():
    """Two notices confirm that a death happened, not which namesake died (a review: both
    uncertain leads counted as corroborated, scored 0.75 for 0.50)."""
    drop = HouseholdSketch()
    for pid, case_no, record in (("wang", "DB1", "A1"), ("wang2", "DB2", "A2")):
        drop.enrol(pid, case_no, record)
        drop.pay(case_no, MONTHS_2026, 420.0)
        for notice, source in (("D1", "police"), ("D2", "funeral")):
            drop.die(pid, notice, date(2026, 3, 1), source=source, probability=0.9,
                     kind="possibly_dead")  # fmt: skip
    cases = detect_deceased_paid(drop.graph, POLICY)
    assert [case.features["corroborated"] for case in cases] == [0.0, 0.0]


def test_a_firm_notice_under_another_name_is_no_renamed_notice():
    # linked through a 户籍 row whose 曾用名 bridges the names: nothing to doubt
    drop = HouseholdSketch()
    drop.enrol("梁贵福", "DB1", "A1", id18=LIANG)
    drop.pay("DB1", MONTHS_2026, 420.0)
    drop.die("梁贵福", "D1", date(2026, 3, 1), id18=LIANG, name="潘海林")
    (case,) = detect_deceased_paid(drop.graph, POLICY)
    assert not any("姓名不同" in item.text for item in case.evidence)
    assert UNLINKED not in case.features


def test_a_firm_notice_is_used_before_an_uncertain_one():
    drop = HouseholdSketch()
    drop.enrol("old", "DB1", "A1")
    drop.pay("DB1", MONTHS_2026, 420.0)
    drop.die("old", "D1", date(2026, 3, 1))
    drop.die("old", "D2", date(2026, 1, 1), probability=0.6, kind="possibly_dead")
    (case,) = detect_deceased_paid(drop.graph, POLICY)
    assert case.features["candidates"] == 1.0 and case.amount_at_risk == 420.0 * 6


def test_a_lone_notice_repeating_her_own_counts_from_the_earlier_date_and_says_so():
    # a blind tester's 公安 notice without an ID (04-29), her only candidate dead by her own
    # 殡葬 notice (05-01): until 2026-12-06 counted from May, a month short
    drop = HouseholdSketch()
    drop.enrol("old", "DB1", "A1", id18="X1")
    drop.pay("DB1", [f"2025-{m:02d}" for m in range(1, 11)], 300.0)
    drop.die("old", "D2", date(2025, 5, 1), source="funeral", id18="X1")
    drop.die("old", "D1", date(2025, 4, 29), probability=0.55, kind="possibly_dead")
    (case,) = detect_deceased_paid(drop.graph, POLICY)
    assert case.amount_at_risk == 300.0 * 5 and UNLINKED not in case.features
    said = [item.text for item in case.evidence]
    assert (
        "死亡日期 2025-04-29（来源：公安）" in said and "死亡日期 2025-05-01（来源：殡葬）" in said
    )
    assert any("相差 2 天" in text and "按最早日期 2025-04-29" in text for text in said)
    assert any("死亡记录 D2 日期相近" in text for text in said)


def test_a_lone_notice_is_not_hers_with_a_namesake_set_aside_or_a_month_apart():
    for died, set_aside in ((date(2025, 4, 29), 1), (date(2025, 4, 1), 0)):
        drop = HouseholdSketch()
        drop.enrol("old", "DB1", "A1", id18="X1")
        drop.pay("DB1", [f"2025-{m:02d}" for m in range(1, 11)], 300.0)
        drop.die("old", "D2", date(2025, 5, 1), source="funeral", id18="X1")
        drop.die("old", "D1", died, probability=0.55, kind="possibly_dead")
        drop.graph.nodes[("death", "D1")]["set_aside"] = set_aside
        (case,) = detect_deceased_paid(drop.graph, POLICY)
        assert case.amount_at_risk == 300.0 * 4
        assert not any("D1" in text for text in map(str, case.evidence))


def test_a_namesakes_earlier_notice_is_no_lead_on_a_person_whose_own_death_stopped_the_money():
    drop = HouseholdSketch()
    drop.enrol("old", "DB1", "A1")
    drop.pay("DB1", MONTHS_2026[:7], 420.0)  # to 2026-07: the grace after the own death
    drop.die("old", "D1", date(2026, 6, 20), id18="X1")
    drop.die("old", "D2", date(2026, 1, 5), probability=0.6, kind="possibly_dead")
    assert detect_deceased_paid(drop.graph, POLICY) == []


def test_a_notice_born_years_from_the_member_is_doubted_first_a_slip_of_the_day_is_not():
    drop = HouseholdSketch()
    drop.enrol("chen", "DB1", "A1", id18="532326196301057609")
    drop.pay("DB1", MONTHS_2026, 420.0)
    drop.die("chen", "D1", date(2026, 3, 1), source="funeral", id18="532326196301057609",
             born=date(1959, 1, 9))  # another woman's notice, typed with her ID  # fmt: skip
    drop.enrol("wang", "DB2", "A2", id18="532326194811050504")
    drop.pay("DB2", MONTHS_2026, 420.0)
    drop.die("wang", "D2", date(2026, 3, 1), id18="532326194811050504", born=date(1948, 11, 15))
    doubted, slipped = sorted(detect_deceased_paid(drop.graph, POLICY), key=lambda c: c.records)
    assert doubted.features["signs_of_life"] == 1.0
    assert "1959-01-09" in doubted.evidence[0].text and "相差 4 年" in doubted.evidence[0].text
    assert slipped.features["signs_of_life"] == 0.0


def test_payments_that_stop_within_the_grace_are_not_a_case():
    drop = HouseholdSketch()
    drop.enrol("old", "DB1", "A1")
    drop.pay("DB1", ["2026-05", "2026-06", "2026-07"], 420.0)
    drop.die("old", "D1", date(2026, 6, 3))
    assert detect_deceased_paid(drop.graph, POLICY) == []


def test_a_death_date_with_a_day_its_month_lacks_counts_from_its_month_and_says_so_first():
    # 2026-06-31 was date_unparsed and the notice dropped: a blind tester's 8,500 元 gone
    drop = HouseholdSketch(AMOUNTS_2026)
    drop.enrol("wife", "DB1", "A1", id18="X1", dibao_class="C")
    drop.pay("DB1", MONTHS_2026, 305.0)
    drop.die("wife", "D1", None, id18="X1", written="2026-06-31")
    (case,) = detect_deceased_paid(drop.graph, POLICY)
    assert case.amount_at_risk == 305.0 * 3  # 2026-08, 09, 10, as for a death in June
    assert "「2026-06-31」不是有效日期" in case.evidence[0].text
    assert "只能确定死亡在 2026-06" in case.evidence[0].text
    assert UNDATED not in case.features


@pytest.mark.parametrize("written, said", [(None, "未填写死亡日期"),
                                           ("2026-13-05", "「2026-13-05」无法识别")])  # fmt: skip
def test_a_death_of_no_month_still_paid_is_a_lead_without_an_amount_scored_lower(written, said):
    drop = HouseholdSketch(AMOUNTS_2026)
    drop.enrol("wife", "DB1", "A1", id18="X1", dibao_class="C")
    drop.pay("DB1", MONTHS_2026, 305.0)
    drop.die("wife", "D1", None, id18="X1", written=written)
    (case,) = detect_deceased_paid(drop.graph, POLICY)
    assert (case.records, case.amount_at_risk) == ([("assistance", "A1")], None)
    assert said in case.evidence[0].text
    assert any("金额无法计算" in item.text for item in case.evidence)
    assert case.features[UNDATED] == 1.0


def test_a_registration_restored_at_any_time_is_a_sign_of_life_of_an_undated_death():
    # a 公安 export's cancellation for death with a blank date and a 恢复户口 row: until
    # 2026-12-06 the lead stood at the undated cap, the restoration not said
    drop = HouseholdSketch(AMOUNTS_2026)
    drop.enrol("wife", "DB1", "A1", id18="X1", dibao_class="C")
    drop.pay("DB1", MONTHS_2026, 305.0)
    drop.die("wife", "D1", None, id18="X1")
    drop.restore("wife", "GA44", date(2019, 5, 1))
    (case,) = detect_deceased_paid(drop.graph, POLICY)
    assert case.evidence[0].text.startswith(
        "生存迹象：死亡日期不明，而仍有公安恢复户口（户籍注销表记录 GA44）（2019-05-01）"
    )
    assert case.features["signs_of_life"] == 1.0 and case.features[RESTORED] == 1.0
    assert case.features["corroborated"] == 0.0


def test_a_death_of_no_month_is_no_lead_once_the_case_is_no_longer_paid():
    drop = HouseholdSketch(AMOUNTS_2026)
    drop.enrol("wife", "DB1", "A1", id18="X1", dibao_class="C")
    drop.pay("DB1", MONTHS_2026[:6], 305.0)  # stopped in July: the office heard of it
    drop.die("wife", "D1", None, id18="X1")
    assert detect_deceased_paid(drop.graph, POLICY) == []


def test_a_member_removed_at_death_is_not_a_case_though_the_case_goes_on():
    drop = HouseholdSketch()
    drop.enrol("wife", "DB1", "A1", end=date(2026, 6, 30))
    drop.enrol("husband", "DB1", "A2")
    drop.pay("DB1", MONTHS_2026, 400.0)
    drop.die("wife", "D1", date(2026, 6, 10))
    assert detect_deceased_paid(drop.graph, POLICY) == []


def test_a_case_paid_on_after_its_last_members_row_was_closed_at_death_pays_the_dead():
    # the office set 退出日期 to the day of death after a lead was confirmed, and the case
    # was paid on: the money came back as a payment_mismatch lead (当月无在保成员), the
    # confirmed death lead's 5,400 元 counted twice (a blind tester's 汇总表)
    drop = HouseholdSketch({("tekun", month_index(m)): 900.0 for m in MONTHS_2026})
    drop.enrol("old", "TK1", "A1", program="tekun", end=date(2026, 5, 16))
    drop.pay("TK1", MONTHS_2026, 900.0)
    drop.die("old", "D1", date(2026, 5, 16))
    (case,) = detect_deceased_paid(drop.graph, POLICY)
    assert case.amount_at_risk == 900.0 * 4  # 2026-07 to 10, after May plus the grace
    assert detect_payment_mismatch(drop.graph, POLICY) == []


def test_two_members_closed_at_their_deaths_are_charged_each_month_once():
    # a review found each dead member counted on after both deaths: 4,620 元 charged for
    # 3,360 paid after the first death; the last to die is charged the months after her
    drop = HouseholdSketch()
    drop.enrol("a", "DB1", "A1", end=date(2026, 2, 10))
    drop.enrol("b", "DB1", "A2", end=date(2026, 4, 5))
    drop.pay("DB1", MONTHS_2026[:2], 840.0)
    drop.pay("DB1", MONTHS_2026[2:], 420.0)  # cut to one amount after a's death, paid on
    drop.die("a", "D1", date(2026, 2, 10))
    drop.die("b", "D2", date(2026, 4, 5))
    (case,) = detect_deceased_paid(drop.graph, POLICY)
    assert (case.person_ids, case.amount_at_risk) == (["b"], 420.0 * 5)  # 2026-06 to 10
    assert detect_payment_mismatch(drop.graph, POLICY) == []


def test_a_death_on_a_fuzzy_link_only_is_not_corroborated():
    drop = HouseholdSketch()
    drop.enrol("old", "DB1", "A1")
    drop.pay("DB1", MONTHS_2026, 420.0)
    drop.die("old", "D1", date(2026, 1, 5), probability=0.97)
    (case,) = detect_deceased_paid(drop.graph, POLICY)
    assert case.features["corroborated"] == 0.0
    assert case.features["identity"] == 0.97


# A blind tester's county: 户籍 IDs of 532326, its township 铁锁's 户籍 extract never sent.
LOCAL_ID, OTHER_COUNTY_ID = "532326195604012027", "510322195703231954"


def _dead_without_hukou(drop: HouseholdSketch, township: str = "金碧", id18: str = LOCAL_ID,
                        county: str | None = None):  # fmt: skip
    """The lead on a member paid after her death whom the 户籍人口 holds no row of."""
    drop.enrol("old", "DB1", "A1", id18=id18, township=township, county=county)
    drop.pay("DB1", MONTHS_2026, 420.0)
    drop.die("old", "D1", date(2026, 1, 5), id18=id18)
    (case,) = detect_deceased_paid(drop.graph, POLICY)
    return case


def _hukou_line(case) -> str:
    (line,) = [item.text for item in case.evidence if "户籍" in item.text or "户口" in item.text]
    return line


@pytest.mark.parametrize(
    ("drop", "township", "id18", "county", "said"),
    [
        # the drop holds no 户籍人口 at all
        (HouseholdSketch(registries=frozenset(REGISTRIES) - {"hukou"}), "金碧", LOCAL_ID, None,
         "本次数据未包含户籍人口，无法核对户口是否已注销"),
        # a county of a drop of several whose 户籍人口 is not in it
        (HouseholdSketch(hukou_gaps=frozenset({("乙县", None)}), hukou_regions=frozenset({"532326"})),
         "金碧", LOCAL_ID, "乙县", "本次数据未包含该区县（乙县）的户籍人口，无法核对户口是否已注销"),
        # her township's 派出所 never sent its extract
        (HouseholdSketch(hukou_gaps=frozenset({(None, "铁锁")}), hukou_regions=frozenset({"532326"})),
         "铁锁", LOCAL_ID, None,
         "户籍人口中没有该乡镇（铁锁）的记录（该乡镇户籍数据缺失），无法核对户口是否已注销"),
        # 人户分离: her ID is another county's, her 户口 may be there
        (HouseholdSketch(hukou_regions=frozenset({"532326", "532301"})), "石羊", OTHER_COUNTY_ID,
         None, "身份证号属外地（510322），户籍可能不在本县"),
    ],
)  # fmt: skip
def test_no_hukou_row_where_the_data_cannot_place_her_says_so_and_raises_nothing(
    drop, township, id18, county, said
):
    # a blind tester's county: until 2026-12-06 each such lead said 户籍人口中查无此人（户口可能
    # 已因死亡注销） and its no_hukou 1 raised its score (3 of 铁锁, 1 人户分离, of 15)
    case = _dead_without_hukou(drop, township, id18, county)
    assert _hukou_line(case) == said
    assert case.features["no_hukou"] == 0.0
    assert case.amount_at_risk == 420.0 * 8  # the money is the same


@pytest.mark.parametrize(
    ("township", "id18", "county"),
    [("金碧", LOCAL_ID, None),  # a township the 户籍 holds, an ID of its region
     ("金碧", "532301195604012027", None),  # an old region code the county's 户籍 IDs carry
     ("金碧", LOCAL_ID, "甲县")],  # a county of the drop whose 户籍 is there (乙县's is not)
)  # fmt: skip
def test_a_local_person_the_hukou_should_hold_and_does_not_is_still_no_hukou(
    township, id18, county
):
    drop = HouseholdSketch(hukou_gaps=frozenset({(None, "铁锁"), ("乙县", None)}),
                           hukou_regions=frozenset({"532326", "532301"}))  # fmt: skip
    case = _dead_without_hukou(drop, township, id18, county)
    assert _hukou_line(case) == "户籍人口中查无此人（户口可能已因死亡注销）"
    assert case.features["no_hukou"] == 1.0


def test_a_person_the_hukou_holds_has_no_hukou_line_whatever_her_id_or_township():
    drop = HouseholdSketch(
        hukou_gaps=frozenset({(None, "铁锁")}), hukou_regions=frozenset({"532326"})
    )
    drop.family("F1", "old")
    case = _dead_without_hukou(drop, "铁锁", OTHER_COUNTY_ID)
    assert not [item for item in case.evidence if "户籍" in item.text]
    assert case.features["no_hukou"] == 0.0


def test_dibao_and_tekun_at_once_is_a_duplicate_paid_twice_over_the_overlap():
    drop = HouseholdSketch(AMOUNTS_2026)
    drop.enrol("li", "DB1", "A1", start=date(2019, 3, 1), dibao_class="C")
    drop.enrol("li", "TK1", "A2", start=date(2026, 4, 20), program="tekun")
    drop.pay("DB1", MONTHS_2026, 305.0)
    drop.pay("TK1", MONTHS_2026[3:], 630.0)
    (case,) = detect_duplicate_enrollment(drop.graph, POLICY)
    assert sorted(case.records) == [("assistance", "A1"), ("assistance", "A2")]
    # 2026-04..10 paid twice: above the larger (特困) amount, the class C amount each month,
    # whichever case started later
    assert case.amount_at_risk == 305.0 * 7
    assert case.features["both_programs"] == 1.0 and case.features["months_twice"] == 7.0


def test_a_duplicates_evidence_names_the_person_and_each_rows_township_and_village():
    # until 2026-12-06 it named neither: a blind tester's township office could not see that
    # the second enrollment was another township's, the fact it checks first
    drop = HouseholdSketch(AMOUNTS_2026)
    drop.enrol(
        "li",
        "DB1",
        "A1",
        start=date(2019, 3, 1),
        township="石羊镇",
        village="小河村",
        name="何凤春",
    )
    drop.enrol("li", "DB2", "A2", start=date(2023, 4, 1), township="新街镇", name="何凤春")
    drop.enrol("wang", "DB3", "A3", start=date(2019, 3, 1), township="石羊镇", name="王芳")
    drop.enrol(
        "wang",
        "DB4",
        "A4",
        start=date(2024, 1, 1),
        township="石羊镇",
        village="大河村",
        name="王芳",
    )
    across, within = sorted(detect_duplicate_enrollment(drop.graph, POLICY),
                            key=lambda case: case.person_ids)  # fmt: skip
    texts = [item.text for item in across.evidence]
    assert "跨乡镇：何凤春的救助记录分属石羊镇、新街镇" in texts
    assert (
        "何凤春（石羊镇 小河村）：低保案件 DB1 的保障对象，纳入日期 2019-03-01，无退出日期" in texts
    )
    assert "何凤春（新街镇）：低保案件 DB2 的保障对象，纳入日期 2023-04-01，无退出日期" in texts
    # within one township: each row placed, no word of crossing
    texts = [item.text for item in within.evidence]
    assert (
        "王芳（石羊镇 大河村）：低保案件 DB4 的保障对象，纳入日期 2024-01-01，无退出日期" in texts
    )
    assert not [text for text in texts if "跨乡镇" in text]


def test_a_duplicate_across_counties_says_so_and_names_each_townships_county():
    # a blind tester's province: 跨乡镇 with bare names, and two counties' 城关 read as one
    drop = HouseholdSketch(AMOUNTS_2026)
    drop.enrol("zhao", "DB1", "A1", start=date(2019, 3, 1), township="城关镇", county="532322",
               name="赵燕")  # fmt: skip
    drop.enrol("zhao", "DB2", "A2", start=date(2023, 4, 1), township="城关镇", county="532323",
               name="赵燕")  # fmt: skip
    (case,) = detect_duplicate_enrollment(drop.graph, POLICY)
    texts = [item.text for item in case.evidence]
    assert "跨县：赵燕的救助记录分属532322 城关镇、532323 城关镇" in texts


def test_a_month_only_one_case_paid_is_not_paid_twice():
    drop = HouseholdSketch(AMOUNTS_2026)
    drop.enrol("li", "DB1", "A1", dibao_class="A")
    drop.enrol("li", "DB2", "A2", start=date(2026, 1, 1), dibao_class="A")
    drop.pay("DB1", MONTHS_2026[:4], 455.0)  # DB1 stopped paying after April
    drop.pay("DB2", MONTHS_2026, 455.0)
    (case,) = detect_duplicate_enrollment(drop.graph, POLICY)
    assert case.amount_at_risk == 455.0 * 4


def test_a_month_his_parents_case_paid_only_the_parents_is_not_paid_twice():
    """The son is covered in his parents' case DB1 and in his own DB2 all year; DB1 paid the
    three of them until June, then only the parents' two amounts: he was paid twice from
    January to June only."""
    drop = HouseholdSketch(AMOUNTS_2026)
    for pid, record_id in (("father", "A1"), ("mother", "A2"), ("son", "A3")):
        drop.enrol(pid, "DB1", record_id, dibao_class="C")
    drop.enrol("son", "DB2", "A4", start=date(2025, 1, 1), dibao_class="C")
    drop.pay("DB1", MONTHS_2026[:6], 915.0)
    drop.pay("DB1", MONTHS_2026[6:], 610.0)
    drop.pay("DB2", MONTHS_2026, 305.0)
    (case,) = detect_duplicate_enrollment(drop.graph, POLICY)
    assert case.amount_at_risk == 305.0 * 6 and case.features["months_twice"] == 6.0


def test_a_dead_fellow_members_amount_is_not_what_his_case_paid_the_duplicate():
    """The father died in January (his row never closed); from March, past the grace, DB1's
    455 pays the son, who DB2 pays too: eight months paid twice."""
    drop = HouseholdSketch(AMOUNTS_2026)
    drop.enrol("father", "DB1", "A1", dibao_class="A")
    drop.enrol("son", "DB1", "A2", dibao_class="A")
    drop.enrol("son", "DB2", "A3", dibao_class="A")
    drop.die("father", "D1", date(2026, 1, 10))
    drop.pay("DB1", MONTHS_2026, 455.0)
    drop.pay("DB2", MONTHS_2026, 455.0)
    (case,) = detect_duplicate_enrollment(drop.graph, POLICY)
    assert case.amount_at_risk == 455.0 * 8


def test_rows_of_two_cases_one_after_the_other_are_no_duplicate():
    drop = HouseholdSketch()
    drop.enrol("li", "DB1", "A1", start=date(2019, 3, 1), end=date(2025, 12, 31))
    drop.enrol("li", "DB2", "A2", start=date(2026, 1, 1))
    assert detect_duplicate_enrollment(drop.graph, POLICY) == []


def test_a_move_to_tekun_the_day_after_dibao_ended_is_no_duplicate():
    # the same month on both rows, never the same day
    drop = HouseholdSketch()
    drop.enrol("li", "DB1", "A1", start=date(2019, 3, 1), end=date(2025, 3, 10))
    drop.enrol("li", "TK1", "A2", start=date(2025, 3, 11), program="tekun")
    assert detect_duplicate_enrollment(drop.graph, POLICY) == []
    drop.enrol("li", "TK2", "A3", start=date(2025, 3, 10), program="tekun")  # that same day
    assert [sorted(case.records) for case in detect_duplicate_enrollment(drop.graph, POLICY)] == [
        [("assistance", "A1"), ("assistance", "A2"), ("assistance", "A3")]
    ]


def test_a_month_both_cases_paid_on_rows_that_share_no_day_is_a_duplicate():
    drop = HouseholdSketch(AMOUNTS_2026)
    drop.enrol("li", "DB1", "A1", dibao_class="A", start=date(2019, 3, 1), end=date(2026, 3, 10))
    drop.enrol("li", "TK1", "A2", start=date(2026, 3, 11), program="tekun")
    drop.pay("DB1", MONTHS_2026[:3], 455.0)  # January to March
    drop.pay("TK1", MONTHS_2026[2:], 630.0)  # March on
    (case,) = detect_duplicate_enrollment(drop.graph, POLICY)
    assert sorted(case.records) == [("assistance", "A1"), ("assistance", "A2")]
    assert case.amount_at_risk == 455.0  # March, paid twice: the smaller amount


def test_a_duplicate_no_payment_of_which_is_in_the_ledger_has_no_amount():
    drop = HouseholdSketch()
    drop.enrol("li", "DB1", "A1")
    drop.enrol("li", "TK1", "A2", start=date(2025, 1, 1), program="tekun")
    (case,) = detect_duplicate_enrollment(drop.graph, POLICY)
    assert case.amount_at_risk is None  # unknown, not "nothing paid twice"
    assert any("金额无法计算" in item.text for item in case.evidence)
    drop.pay("DB1", MONTHS_2026, 455.0)  # paid by one case only: nothing paid twice
    assert [case.amount_at_risk for case in detect_duplicate_enrollment(drop.graph, POLICY)] == [0]


def test_a_member_listed_but_not_covered_in_his_parents_case_is_no_duplicate():
    drop = HouseholdSketch(AMOUNTS_2026)
    drop.enrol("father", "DB1", "A1")
    drop.enrol("son", "DB1", "A2", covered=False)
    drop.enrol("son", "DB2", "A3", start=date(2024, 1, 1))
    drop.pay("DB1", MONTHS_2026, 455.0)
    drop.pay("DB2", MONTHS_2026, 455.0)
    assert detect_duplicate_enrollment(drop.graph, POLICY) == []


def test_two_roster_rows_that_may_be_one_person_are_an_uncertain_duplicate_naming_both():
    # 巴特儿 in one township without an ID, 巴特尔 in another: linking left them apart at 0.93
    drop = HouseholdSketch(AMOUNTS_2026)
    drop.enrol("bater", "DB1", "A1", dibao_class="A", probability=0.99)
    drop.enrol("bateer", "DB7", "A7", start=date(2026, 3, 1), dibao_class="A")
    drop.pay("DB1", MONTHS_2026, 455.0)
    drop.pay("DB7", MONTHS_2026[2:], 455.0)
    drop.possibly_same("bateer", "A7", "bater", "A1", 0.93)
    (case,) = detect_duplicate_enrollment(drop.graph, POLICY)
    assert case.person_ids == ["bateer", "bater"]
    assert sorted(case.records) == [("assistance", "A1"), ("assistance", "A7")]
    assert case.amount_at_risk == 455.0 * 8
    assert case.features["identity"] == case.features[UNLINKED] == 0.93
    assert (
        "可能是同一人（出生日期、性别相同，其中一条没有身份证号；匹配概率 0.930"
        in case.evidence[0].text
    )


def test_a_bare_row_under_a_name_one_person_carries_says_why_and_what_to_verify():
    drop = HouseholdSketch()
    drop.enrol("cai", "DB1", "A1", township="归流河", name="蔡平海")
    drop.enrol("bare", "DB2", "A4", start=date(2024, 6, 1), township="索伦", name="蔡平海")
    drop.pay("DB1", MONTHS_2026, 505.0)
    drop.pay("DB2", MONTHS_2026, 505.0)
    drop.possibly_same("bare", "A4", "cai", "A1", 0.3, reason="lone_name")
    (case,) = detect_duplicate_enrollment(drop.graph, POLICY)
    assert case.features[UNLINKED] == 0.3
    assert (case.evidence[0].registry, case.evidence[0].record_id) == ("assistance", "A4")
    assert case.evidence[0].text.startswith(
        "两条救助记录可能是同一人（姓名相同；本条既没有身份证号也没有出生日期，各部门数据中"
        "姓名为蔡平海的只有一人，且有身份证号；仅凭姓名，匹配概率按 0.300 计"
    )
    assert "请核对本条所记之人的身份证件和出生日期" in case.evidence[0].text


def test_a_bare_row_paired_with_two_rows_of_the_other_person_keeps_the_overlapping_pair():
    # a reviewer's drop: the pipeline's graph keyed each pair by the bare row alone, so his
    # ended row of an earlier case (sorting last) replaced his current one: no lead until
    # 2026-12-06
    drop = HouseholdSketch()
    drop.enrol("cai", "DB1", "A40", start=date(2024, 1, 1), township="归流河", name="蔡平海")
    drop.enrol("cai", "DB9", "A9X", start=date(2019, 1, 1), end=date(2023, 12, 31), name="蔡平海")
    drop.enrol("bare", "DB2", "A41", start=date(2024, 6, 1), township="索伦", name="蔡平海")
    drop.pay("DB1", MONTHS_2026, 505.0)
    drop.pay("DB2", MONTHS_2026, 505.0)
    add_possible_duplicates(drop.graph, [("A41", "bare", "A40", "cai", 0.3, "lone_name"),
                                         ("A41", "bare", "A9X", "cai", 0.3, "lone_name")])  # fmt: skip
    (case,) = detect_duplicate_enrollment(drop.graph, POLICY)
    assert case.records == [("assistance", "A41"), ("assistance", "A40")]
    assert case.amount_at_risk == 505.0 * 10


def test_a_row_paired_with_two_overlapping_rows_of_one_case_is_one_lead_counting_once():
    # his two rows of one case (a class change in 2026-05) both beside the bare row: one
    # lead, each month paid twice counted once
    drop = HouseholdSketch()
    drop.enrol("cai", "DB1", "A40", start=date(2024, 1, 1), end=date(2026, 4, 30), name="蔡平海")
    drop.enrol("cai", "DB1", "A42", start=date(2026, 5, 1), name="蔡平海")
    drop.enrol("bare", "DB2", "A41", start=date(2024, 6, 1), name="蔡平海")
    drop.pay("DB1", MONTHS_2026, 505.0)
    drop.pay("DB2", MONTHS_2026, 505.0)
    drop.possibly_same("bare", "A41", "cai", "A40", 0.3, reason="lone_name")
    drop.possibly_same("bare", "A41", "cai", "A42", 0.3, reason="lone_name")
    (case,) = detect_duplicate_enrollment(drop.graph, POLICY)
    assert sorted(case.records) == [("assistance", rid) for rid in ("A40", "A41", "A42")]
    assert case.amount_at_risk == 505.0 * 10


@pytest.mark.parametrize(("bare_end", "pair_amount"), [(None, 3000.0), (date(2026, 2, 28), 600.0)])
def test_a_pair_lead_counts_no_money_of_the_other_persons_own_duplicate(bare_end, pair_amount):
    """A reviewer: li on DB1 and TK1 at once (his own lead, 3,000 元), a bare row that may be
    him beside both: the pair lead counts only what the bare row adds, in the months it is
    active (until 2026-12-06 it counted his own 300 元 a month again: 6,000 and 3,600 元)."""
    drop, months = HouseholdSketch(), MONTHS_2026
    drop.enrol("li", "DB1", "A1", start=date(2019, 3, 1))
    drop.enrol("li", "TK1", "A2", start=date(2026, 1, 1), program="tekun")
    drop.enrol("bao", "DB2", "A3", start=date(2026, 1, 1), end=bare_end)
    for case in ("DB1", "TK1", "DB2"):
        drop.pay(case, months, 300.0)
    drop.possibly_same("bao", "A3", "li", "A1", 0.3, reason="lone_name")
    drop.possibly_same("bao", "A3", "li", "A2", 0.3, reason="lone_name")
    amounts = {tuple(case.person_ids): case.amount_at_risk
               for case in detect_duplicate_enrollment(drop.graph, POLICY)}  # fmt: skip
    assert amounts == {("li",): 3000.0, ("bao", "li"): pair_amount}


@pytest.mark.parametrize("second_case", ["DB1", "DB7"])
def test_possibly_one_person_on_one_case_or_one_after_the_other_is_no_duplicate(second_case):
    drop = HouseholdSketch()
    drop.enrol("bater", "DB1", "A1", end=date(2025, 12, 31))
    drop.enrol("bateer", second_case, "A7", start=date(2026, 3, 1))
    drop.possibly_same("bater", "A1", "bateer", "A7", 0.93)
    assert detect_duplicate_enrollment(drop.graph, POLICY) == []


def test_a_family_in_two_concurrent_dibao_cases_is_split():
    drop = HouseholdSketch()
    drop.family("HK1", "father", "mother", "son")
    drop.enrol("father", "DB1", "A1")
    drop.enrol("mother", "DB1", "A2")
    drop.enrol("son", "DB2", "A3", start=date(2024, 5, 1))
    (case,) = detect_split_household(drop.graph, POLICY)
    assert sorted(case.records) == [
        ("assistance", "A1"),
        ("assistance", "A2"),
        ("assistance", "A3"),
    ]
    assert case.evidence[0].text.endswith("：2024-05 起，至今仍同时有效")


def test_a_splits_evidence_names_each_member_and_his_relation_to_the_hukou_head():
    # until 2026-12-06 it listed the rows' record ids only
    drop = HouseholdSketch()
    drop.family("HK1", "father", "mother", "son",
                relations={"father": "head", "mother": "spouse", "son": "child"})  # fmt: skip
    drop.enrol("father", "DB1", "A1", name="李大山")
    drop.enrol("mother", "DB1", "A2", name="张秀英")
    drop.enrol("son", "DB2", "A3", start=date(2024, 5, 1), relation="head", name="李强")
    (case,) = detect_split_household(drop.graph, POLICY)
    texts = [item.text for item in case.evidence]
    assert (
        "李大山（户籍与户主关系：户主）：低保案件 DB1 的保障对象，纳入日期 2020-01-01，无退出日期"
        in texts
    )
    assert (
        "张秀英（户籍与户主关系：配偶）：低保案件 DB1 的保障对象，纳入日期 2020-01-01，无退出日期"
        in texts
    )
    # his relation in the family, not in the case he heads
    assert (
        "李强（户籍与户主关系：子女）：低保案件 DB2 的保障对象，纳入日期 2024-05-01，无退出日期"
        in texts
    )


def test_two_members_of_a_familys_case_each_enrolled_again_alone_are_duplicates_not_a_split():
    """Contract §2: one person in two cases is a duplicate enrollment. DB2 and DB3 each hold a
    member DB1 covers too: nobody of HK1 is outside DB1, so no split (between DB2 and DB3)."""
    drop = HouseholdSketch()
    drop.family("HK1", "father", "mother")
    drop.enrol("father", "DB1", "A1")
    drop.enrol("mother", "DB1", "A2")
    drop.enrol("father", "DB2", "A3", start=date(2024, 5, 1))
    drop.enrol("mother", "DB3", "A4", start=date(2024, 6, 1))
    assert detect_split_household(drop.graph, POLICY) == []
    drop.family("HK1", "son")  # a son alone in DB4 is split off the family's DB1
    drop.enrol("son", "DB4", "A5", start=date(2025, 1, 1))
    (case,) = detect_split_household(drop.graph, POLICY)
    assert {"A1", "A2", "A5"} <= {record for _, record in case.records}


def test_a_daughter_in_two_hukou_enrolled_with_her_husbands_family_splits_no_one():
    """Her old 户口 with her parents was never cancelled; her case is her husband's 户号's."""
    drop = HouseholdSketch()
    drop.family("HK1", "father", "mother", "daughter")
    drop.family("HK2", "husband", "daughter", "grandson")
    drop.enrol("father", "DB1", "A1")
    drop.enrol("mother", "DB1", "A2")
    for pid, record_id in (("husband", "A3"), ("daughter", "A4"), ("grandson", "A5")):
        drop.enrol(pid, "DB2", record_id)
    assert detect_split_household(drop.graph, POLICY) == []
    drop.enrol("neighbour", "DB2", "A6")  # DB2 is no longer her husband's family alone
    [case] = detect_split_household(drop.graph, POLICY)
    assert "户号 HK1" in case.evidence[0].text


def _disabled_topped_up(cases_topped_up: int) -> HouseholdSketch:
    """Class B (450 元) cases of two members, one of them 一级肢体 (the first one's roster
    says 残疾 instead, no certificate), paid 1,000 元 a month (a 重残加发 of 100 元), and a
    case of two healthy members paid 1,000 元 too."""
    months = [f"2026-{m:02d}" for m in range(1, 7)]
    drop = HouseholdSketch({("B", month_index(m)): 450.0 for m in months})
    for number in range(cases_topped_up):
        drop.enrol(f"disabled{number}", f"DB{number}", f"A{number}", dibao_class="B",
                   health="disabled" if number == 0 else None)  # fmt: skip
        drop.enrol(f"wife{number}", f"DB{number}", f"W{number}", dibao_class="B")
        if number:
            drop.certify(f"disabled{number}", f"C{number}", "肢体", 1)
        drop.pay(f"DB{number}", months, 1000.0)
    drop.enrol("healthy", "DB9", "A9", dibao_class="B")
    drop.enrol("his wife", "DB9", "W9", dibao_class="B")
    drop.pay("DB9", months, 1000.0)
    return drop


def test_a_fixed_add_on_the_county_pays_its_severely_disabled_members_is_no_mismatch():
    leads = detect_payment_mismatch(_disabled_topped_up(3).graph, POLICY)
    assert [lead.records for lead in leads] == [[("assistance", "A9"), ("assistance", "W9")]]
    assert leads[0].amount_at_risk == 600.0  # the healthy family's 100 元 a month stays


def test_money_paid_beyond_the_add_on_is_a_lead_that_says_the_add_on_was_allowed():
    drop = _disabled_topped_up(4)
    drop.pay("DB3", [f"2026-{m:02d}" for m in range(1, 7)], 200.0)  # 1,200: 200 above 900 + 100
    [lead] = [lead for lead in detect_payment_mismatch(drop.graph, POLICY)
              if ("assistance", "A3") in lead.records]  # fmt: skip
    assert lead.amount_at_risk == 1200.0
    assert any(item.text.startswith("残疾人加发不计为多发：在保残疾成员 1 人，每人每月至多 100.00 元")
               for item in lead.evidence)  # fmt: skip


def test_an_add_on_paid_while_a_certificate_held_is_no_excess_once_it_lapsed():
    """The months judged are past: a certificate cancelled at death, expired or re-assessed
    since held when the add-on was paid (a reviewer: each made 600 元 of 多发)."""
    for written in ({"status": "死亡注销"}, {"valid_until": "2026-07-31"}):
        drop = _disabled_topped_up(5)
        drop.graph.nodes[("disability", "C4")].update(written)
        leads = detect_payment_mismatch(drop.graph, POLICY)
        assert [lead.records for lead in leads] == [[("assistance", "A9"), ("assistance", "W9")]]


def test_an_add_on_paid_after_the_certificate_expired_or_was_re_assessed_is_an_excess():
    """Each month is judged by the certificates that held in it: one expired years before,
    or re-assessed below severe before the months paid, excuses no add-on (a review found the
    first fix excusing them for ever)."""
    expired = _disabled_topped_up(5)
    expired.graph.nodes[("disability", "C4")]["valid_until"] = "2018-12-31"
    reassessed = _disabled_topped_up(5)
    reassessed.graph.nodes[("disability", "C4")]["issue_date"] = date(2015, 1, 1)
    reassessed.certify("disabled4", "C5", "肢体", 4, issued=date(2020, 6, 1))
    for drop in (expired, reassessed):
        leads = detect_payment_mismatch(drop.graph, POLICY)
        assert [lead.records for lead in leads] == [
            [("assistance", "A4"), ("assistance", "W4")],
            [("assistance", "A9"), ("assistance", "W9")],
        ]
        assert leads[0].amount_at_risk == 600.0


def test_a_disabled_member_the_ledger_pays_no_add_on_is_owed_none():
    # a member whose roster says 残疾 (any grade), paid the class amounts alone, was a 少发
    # lead of 100 元 a month in a county paying its severely disabled an add-on (a reviewer)
    drop = _disabled_topped_up(3)
    drop.enrol("lame", "DB8", "A8", dibao_class="B", health="disabled")  # alone on his case
    drop.pay("DB8", [f"2026-{m:02d}" for m in range(1, 7)], 450.0)
    leads = detect_payment_mismatch(drop.graph, POLICY)
    assert [lead.records for lead in leads] == [[("assistance", "A9"), ("assistance", "W9")]]


def test_money_above_the_class_amounts_of_a_severely_disabled_member_may_be_an_add_on():
    leads = detect_payment_mismatch(_disabled_topped_up(2).graph, POLICY)  # too few to read
    assert len(leads) == 3
    disabled = [lead for lead in leads if ("assistance", "A0") in lead.records]
    assert any(item.text.startswith("案件有在保残疾成员 1 人（重度残疾证或花名册健康状况为残疾）")
               for item in disabled[0].evidence)  # fmt: skip


def test_a_married_daughter_on_her_husbands_case_before_her_hukou_moved_splits_no_one():
    """She left her parents' case at the end of 2023 and is on her husband's from 2024 as his
    配偶; her 户口 is still her parents', his another 户号."""
    drop = HouseholdSketch()
    drop.family("HH1", "father", "mother", "daughter")
    drop.family("HH2", "husband")
    drop.enrol("father", "DB1", "A1", start=date(2021, 3, 1))
    drop.enrol("mother", "DB1", "A2", start=date(2021, 3, 1))
    drop.enrol("daughter", "DB1", "A3", start=date(2021, 3, 1), end=date(2023, 12, 31))
    drop.enrol("husband", "DB2", "A4", start=date(2024, 1, 1), relation="head")
    drop.enrol("daughter", "DB2", "A5", start=date(2024, 1, 1), relation="spouse")
    assert detect_split_household(drop.graph, POLICY) == []
    drop.enrol("brother", "DB2", "A6", start=date(2024, 1, 1))  # one of her family on DB2 too
    drop.family("HH1", "brother")
    assert len(detect_split_household(drop.graph, POLICY)) == 1


def test_a_bride_whose_hukou_moved_to_her_husbands_while_on_her_parents_case_splits_no_one():
    """A blind tester's marriage (2026-12-08): her 户口 moved into her husband's 户号 (his 儿媳
    there) in February while the office kept her on her parents' case until the end of the
    month, then moved her to her husband's: a lag, not a split of his family (until then a
    lead at 0.98, kept in every later month)."""
    drop = HouseholdSketch()
    drop.family("HH1", "father", "mother")
    drop.family(
        "HH2",
        "father_in_law",
        "husband",
        "bride",
        relations={"father_in_law": "head", "husband": "child", "bride": "child_in_law"},
    )
    drop.enrol("father", "DB1", "A1", start=date(2021, 3, 1))
    drop.enrol("mother", "DB1", "A2", start=date(2021, 3, 1))
    drop.enrol("bride", "DB1", "A3", start=date(2021, 3, 1), end=date(2026, 2, 28))
    drop.enrol("father_in_law", "DB2", "A4", start=date(2019, 1, 1), relation="head")
    drop.enrol("husband", "DB2", "A5", start=date(2019, 1, 1), relation="child")
    drop.enrol("bride", "DB2", "A6", start=date(2026, 3, 1), relation="child_in_law")
    assert detect_split_household(drop.graph, POLICY) == []
    son = HouseholdSketch()  # his own son on the grandparents' case is his family's split
    son.family("HH1", "father", "mother")
    son.family("HH2", "husband", "grandson", relations={"husband": "head", "grandson": "child"})
    son.enrol("father", "DB1", "A1")
    son.enrol("mother", "DB1", "A2")
    son.enrol("grandson", "DB1", "A3")
    son.enrol("husband", "DB2", "A4", relation="head")
    assert len(detect_split_household(son.graph, POLICY)) == 1


def test_a_wife_on_her_husbands_case_whose_hukou_row_is_missing_is_still_her_familys():
    """The father has no hukou row: his case is not shown to be another 户号's, so his wife
    on it as 配偶 and their children on a case of their own are a split of her 户."""
    drop = HouseholdSketch()
    drop.family("HH1", "mother", "daughter", "son")
    drop.enrol("father", "DB1", "A1", relation="head")
    drop.enrol("mother", "DB1", "A2", relation="spouse")
    drop.enrol("daughter", "DB2", "A3", relation="child")
    drop.enrol("son", "DB2", "A4", relation="child")
    assert len(detect_split_household(drop.graph, POLICY)) == 1


def test_a_son_alone_on_a_case_of_his_own_as_its_head_is_still_a_split():
    drop = HouseholdSketch()
    drop.family("HH1", "father", "mother", "son")
    drop.enrol("father", "DB1", "A1")
    drop.enrol("mother", "DB1", "A2")
    drop.enrol("son", "DB2", "A3", start=date(2024, 1, 1), relation="head")
    assert len(detect_split_household(drop.graph, POLICY)) == 1


def test_strangers_sharing_an_unlabelled_hukou_are_no_family_to_split():
    """A 敬老院's residents under one 户号 not labelled 集体户: the head and members written
    非亲属 (and, beside those, 其他), each on a 低保 case of their own."""
    drop = HouseholdSketch()
    relations = {"wang": "head", "li": "not_kin", "zhang": "not_kin", "liu": "other"}
    drop.family("HK9", *relations, relations=relations)
    for number, pid in enumerate(relations):
        drop.enrol(pid, f"DB{number}", f"A{number}")
    assert detect_split_household(drop.graph, POLICY) == []
    kin = HouseholdSketch()  # the head's son in that 户 on his own case is his family's split
    kin.family("HK9", *relations, "son", relations=relations | {"son": "child"})
    for number, pid in enumerate([*relations, "son"]):
        kin.enrol(pid, f"DB{number}", f"A{number}")
    (case,) = detect_split_household(kin.graph, POLICY)
    assert {record for _, record in case.records} == {"A0", "A4"}


def test_a_nephew_beside_a_lodger_is_still_kin_to_split():
    """户主, 妻, 侄子 and a 寄居 lodger in one 户: the nephew alone on a case of his own is the
    family's split (a nephew read as 其他 was dropped with the lodger: a reviewer)."""
    drop = HouseholdSketch()
    relations = {"head": "head", "wife": "spouse", "nephew": "relative", "lodger": "not_kin"}
    drop.family("HK1", *relations, relations=relations)
    drop.enrol("head", "DB1", "A1")
    drop.enrol("wife", "DB1", "A2")
    drop.enrol("nephew", "DB2", "A3")
    (case,) = detect_split_household(drop.graph, POLICY)
    assert {record for _, record in case.records} == {"A1", "A2", "A3"}


def test_a_family_registered_under_two_hukou_numbers_is_one_split_lead():
    """The family's 户籍 rows exported twice, under its old 户号 and its new one: each 户号
    finds the same split, one finding (one case id) holding both 户号 in its evidence."""
    drop = HouseholdSketch()
    for hukou_no in ("HK1", "HK9"):
        drop.family(hukou_no, "father", "mother", "son")
    drop.enrol("father", "DB1", "A1")
    drop.enrol("mother", "DB1", "A2")
    drop.enrol("son", "DB2", "A3", start=date(2024, 5, 1))
    found = detect_split_household(drop.graph, POLICY)
    assert len(found) == 2 and len({case.case_id for case in found}) == 1
    (case,) = one_per_finding(found)
    splits = [item.text for item in case.evidence if "家庭成员分属" in item.text]
    assert [text.split(" ")[1] for text in splits] == ["HK1", "HK9"]


def test_a_split_that_ended_years_ago_says_it_is_history():
    drop = HouseholdSketch()
    drop.family("HK1", "father", "son")
    drop.enrol("father", "DB1", "A1", start=date(2015, 1, 1), end=date(2019, 12, 31))
    drop.enrol("son", "DB2", "A2", start=date(2019, 6, 1), end=date(2020, 6, 30))
    (case,) = detect_split_household(drop.graph, POLICY)
    assert "2019-06 至 2019-12，此后已不再同时有效（历史疑点" in case.evidence[0].text


def test_a_split_whose_case_ended_this_month_no_longer_holds():
    drop = HouseholdSketch()
    drop.family("HK1", "father", "son")
    drop.enrol("father", "DB1", "A1", end=date(2026, 10, 5))
    drop.enrol("son", "DB2", "A2", start=date(2024, 5, 1))
    (case,) = detect_split_household(drop.graph, POLICY)
    assert case.evidence[0].text.endswith(
        "：2024-05 至 2026-10，此后已不再同时有效（历史疑点：核查该期间的发放）"
    )


def test_a_members_row_in_the_case_he_left_is_context_not_a_record_of_the_split():
    drop = HouseholdSketch()
    drop.family("HK1", "father", "mother", "son")
    drop.enrol("father", "DB1", "A1")
    drop.enrol("mother", "DB1", "A2")
    drop.enrol("son", "DB1", "A3", end=date(2022, 12, 31))  # he left his parents' case ...
    drop.enrol("son", "DB2", "A4", start=date(2023, 1, 4))  # ... for a case of his own
    (case,) = detect_split_household(drop.graph, POLICY)
    assert sorted(record for _, record in case.records) == ["A1", "A2", "A4"]
    assert any(item.text.startswith("分户前的记录") and item.record_id == "A3"
               for item in case.evidence)  # fmt: skip


def _split_off_under_own_hukou() -> HouseholdSketch:
    """Parents in DB1 under 户号 HK1; their son moved to 户号 HK2 and his own case DB2."""
    drop = HouseholdSketch()
    drop.family("HK1", "father", "mother")
    drop.family("HK2", "son")
    drop.enrol("father", "DB1", "A1")
    drop.enrol("mother", "DB1", "A2")
    drop.enrol("son", "DB2", "A3", start=date(2024, 5, 1))
    return drop


def test_a_family_split_over_two_hukou_paid_to_one_account_is_a_suspected_split_only():
    drop = _split_off_under_own_hukou()
    drop.paid_to("DB1", "6228000011112222")
    drop.paid_to("DB2", "6228000011112222")
    drop.uses("father", "phone", "13900001111", "A1")
    drop.uses("son", "phone", "13900001111", "A3")
    assert detect_split_household(drop.graph, POLICY) == []  # 户号 differ: not one family
    (case,) = detect_suspected_split(drop.graph, POLICY)
    assert sorted(record for _, record in case.records) == ["A1", "A2", "A3"]
    assert "HK1" in case.evidence[0].text and "622800*********2" in case.evidence[0].text
    assert "2222" not in " ".join(item.text for item in case.evidence)  # no more than the mask
    assert case.features["weak_ties"] == 1.0  # the phone, reported beside the account
    assert any("弱关联" in item.text for item in case.evidence)
    assert case.evidence[-1].text.startswith("核实要点")


def test_a_member_who_left_his_familys_case_for_his_own_paid_to_its_account_is_a_suspected_split():
    # the son's earlier row in his parents' case ended when he moved to 户号 HK2 and DB2: the
    # parents' case is HK1's alone, and the two cases paid to one account are compared
    drop = _split_off_under_own_hukou()
    drop.enrol("son", "DB1", "A0", end=date(2024, 4, 30))
    for case_no in ("DB1", "DB2"):
        drop.paid_to(case_no, "6228000011112222")
    (case,) = detect_suspected_split(drop.graph, POLICY)
    assert sorted(record for _, record in case.records) == ["A1", "A2", "A3"]
    (moved,) = [item for item in case.evidence if item.text.startswith("分户前的记录")]
    assert moved.record_id == "A0" and moved.text.endswith("退出日期 2024-04-30，后转入案件 DB2")


def _second_case_of_the_mother(end=None, covered=True) -> HouseholdSketch:
    """Parents of 户号 HK1 in DB1 on account 6228000011112222; the mother on the roster of
    DB2 (户号 HK2's case, paid to its own account) too, her row giving her own account and
    address."""
    drop = HouseholdSketch()
    drop.family("HK1", "father", "mother")
    drop.family("HK2", "wang", "wangson")
    drop.enrol("father", "DB1", "A1")
    drop.enrol("mother", "DB1", "A2")
    drop.enrol("wang", "DB2", "A3")
    drop.enrol("wangson", "DB2", "A4")
    drop.enrol("mother", "DB2", "A5", start=date(2024, 2, 1), end=end, covered=covered)
    drop.paid_to("DB1", "6228000011112222")
    drop.paid_to("DB2", "6228000033334444")
    drop.paid_to("DB2", "6228000011112222", named_on="A5")
    for pid, record_id in (("father", "A1"), ("mother", "A5")):
        drop.uses(pid, "address", "甲村1号", record_id)
    return drop


def test_a_members_ended_row_in_another_households_case_ties_no_cases():
    """Her row in DB2 ended (removed after a duplicate lead): her account and address on it
    are DB2's history, not a tie of DB2 to DB1 now."""
    drop = _second_case_of_the_mother(end=date(2024, 8, 31))
    assert detect_suspected_split(drop.graph, POLICY) == []


@pytest.mark.parametrize(("end", "covered"), [(date(2024, 8, 31), True), (None, False)])
def test_a_tie_through_a_members_ended_or_uncovered_row_is_no_evidence_of_a_split(end, covered):
    """户号 HK2 split over DB2 and DB3: DB3 shares DB1's account and address, which DB2 only
    has on the mother's row that ended or lists her not covered, so DB2 and DB3 share none."""
    drop = _second_case_of_the_mother(end=end, covered=covered)
    drop.family("HK2", "wangdaughter")
    drop.enrol("wangdaughter", "DB3", "A6", start=date(2024, 5, 1))
    drop.paid_to("DB3", "6228000011112222")
    drop.uses("wangdaughter", "address", "甲村1号", "A6")
    (case,) = detect_split_household(drop.graph, POLICY)
    assert case.features["shared_identifiers"] == 0.0
    assert not any("领款银行账号" in item.text or "住址" in item.text for item in case.evidence)


@pytest.mark.parametrize("tie", ["phone", "address"])
def test_separate_households_sharing_a_phone_or_an_address_are_no_lead(tie):
    """Parents with their own 户号 next door to their son, on his phone: two households."""
    drop = _split_off_under_own_hukou()
    for pid, record_id in (("father", "A1"), ("son", "A3")):
        drop.uses(pid, tie, "13900001111" if tie == "phone" else "妙峰村3组17号", record_id)
    assert detect_split_household(drop.graph, POLICY) == []
    assert detect_suspected_split(drop.graph, POLICY) == []


def test_an_account_many_cases_use_ties_no_cases():
    drop = _split_off_under_own_hukou()
    for index in range(POLICY.shared_identifier_limit - 1):  # an agent's account
        drop.enrol(f"villager{index}", f"DBV{index}", f"AV{index}")
        drop.paid_to(f"DBV{index}", "6228000011112222")
    for case_no in ("DB1", "DB2"):
        drop.paid_to(case_no, "6228000011112222")
    assert detect_suspected_split(drop.graph, POLICY) == []


def _collective_hukou(collective: bool = True) -> HouseholdSketch:
    """A 社区公共集体户 (户号 JT1) holding three strangers, each a single-person 低保 case
    with an income under the standard, and a severely disabled worker on no roster."""
    drop = HouseholdSketch()
    drop.family("JT1", "zhao", "qian", "sun", "worker", collective=collective)
    for index, pid in enumerate(("zhao", "qian", "sun")):
        drop.enrol(pid, f"JT{index}", f"A{index}", start=date(2018 + index, 2, 1), income=120.0)
    drop.certify("worker", "C1", "physical", 2)
    return drop


def test_strangers_in_a_collective_hukou_are_no_family_for_any_family_rule():
    registered = _collective_hukou(collective=False)  # as one family: a split, a poor home
    assert len(detect_split_household(registered.graph, POLICY)) == 1
    assert len(detect_missed_disability(registered.graph, POLICY)) == 1
    drop = _collective_hukou()
    assert detect_split_household(drop.graph, POLICY) == []
    assert detect_missed_disability(drop.graph, POLICY) == []
    pair = HouseholdSketch()  # two strangers of a collective hukou, each enrolled alone
    pair.family("JT1", "zhao", "qian", collective=True)
    pair.enrol("zhao", "JT0", "A0")
    pair.enrol("qian", "JT1", "A1")
    checks = single_person_conditions(pair.graph, DAYAO, ("person", "zhao"))
    assert checks["not_whole_household"] is True  # no family, so not a whole household


def test_a_son_moved_into_a_collective_hukou_paid_to_his_parents_account_is_a_suspected_split():
    drop = HouseholdSketch()
    drop.family("HK1", "father", "mother")
    drop.family("JT1", "son", "stranger", collective=True)  # a 社区集体户
    drop.enrol("father", "DB1", "A1")
    drop.enrol("mother", "DB1", "A2")
    drop.enrol("son", "DB2", "A3", start=date(2024, 5, 1))
    for case_no in ("DB1", "DB2"):
        drop.paid_to(case_no, "6228000011112222", payee=("father", None))
    (case,) = detect_suspected_split(drop.graph, POLICY)
    assert sorted(record for _, record in case.records) == ["A1", "A2", "A3"]


def test_an_agents_account_paying_strangers_households_is_no_suspected_split():
    """A 村文书 draws for the old of separate households (代领): the ledger's payee is on none
    of the cases it pays and in none of their families, so the account ties no one."""
    drop = _split_off_under_own_hukou()
    for case_no in ("DB1", "DB2"):
        drop.paid_to(case_no, "6228000011112222", payee=("王文书", "532326197503104010"))
    assert detect_suspected_split(drop.graph, POLICY) == []


@pytest.mark.parametrize(
    "payee",
    [("son", None), (None, "110105199005050136"), ("grandson", None), (None, None)],
    ids=["a-member-by-name", "a-member-by-id", "a-relative-on-no-roster", "payee-unknown"],
)
def test_an_account_a_family_member_draws_from_still_ties_its_cases(payee):
    drop = _split_off_under_own_hukou()
    drop.graph.nodes[("person", "son")]["id18"] = "110105199005050136"
    drop.family("HK2", "grandson")  # in the son's hukou, on no roster
    for case_no in ("DB1", "DB2"):
        drop.paid_to(case_no, "6228000011112222", payee=None if payee == (None, None) else payee)
    (case,) = detect_suspected_split(drop.graph, POLICY)
    assert sorted(record for _, record in case.records) == ["A1", "A2", "A3"]


def test_a_payee_named_without_the_dot_before_his_fathers_name_is_the_member():
    # the roster writes 吐尔洪·买买提, the payment ledger 吐尔洪买买提: his own account, no agent's
    drop = _split_off_under_own_hukou()
    drop.graph.nodes[("person", "son")]["name"] = "吐尔洪·买买提"
    for case_no in ("DB1", "DB2"):
        drop.paid_to(case_no, "6228000011112222", payee=("吐尔洪买买提", None))
    (case,) = detect_suspected_split(drop.graph, POLICY)
    assert sorted(record for _, record in case.records) == ["A1", "A2", "A3"]


def test_cases_the_hukou_registry_does_not_place_are_no_suspected_split():
    drop = _split_off_under_own_hukou()
    drop.enrol("stranger", "DB3", "A5")  # on no hukou row: the data cannot tell
    for case_no in ("DB2", "DB3"):
        drop.paid_to(case_no, "6228000011112222")
    assert detect_suspected_split(drop.graph, POLICY) == []


def test_a_legitimate_single_person_case_of_a_severely_disabled_member_is_no_split():
    drop = HouseholdSketch()
    drop.family("HK1", "father", "mother", "son")
    drop.enrol("father", "DB1", "A1")
    drop.enrol("mother", "DB1", "A2")
    drop.enrol("son", "DB2", "A3", start=date(2024, 5, 1))
    drop.certify("son", "C1", "intellectual", 3)
    assert detect_split_household(drop.graph, POLICY) == []


@pytest.mark.parametrize(("written", "said"), [
    ({"status": "注销"}, "证件状态为「注销」"),
    ({"valid_until": "2021-03-15"}, "有效期至 2021-03-15，已过期"),
])  # fmt: skip
def test_a_single_person_case_resting_on_a_lapsed_certificate_is_a_split(written, said):
    """Only a certificate in force makes a member severely disabled (``models.certificates``):
    a 单人户 whose member's only severe certificate was cancelled or has expired exempts
    nothing, and the evidence names the certificate and why it does not hold (until
    2026-12-06 the split exemption counted every certificate the 残联 export lists)."""
    drop = HouseholdSketch()
    drop.family("HK1", "father", "mother", "son")
    drop.enrol("father", "DB1", "A1")
    drop.enrol("mother", "DB1", "A2")
    drop.enrol("son", "DB2", "A3", start=date(2024, 5, 1))
    drop.certify("son", "C1", "intellectual", 3, **written)
    [case] = detect_split_household(drop.graph, POLICY)
    [note] = [item for item in case.evidence if "单人户" in item.text]
    assert note.text.startswith(f"案件 DB2 为单人户，本人的重度残疾证（残疾人记录 C1），{said}")
    assert note.record_id == "A3"


@pytest.mark.parametrize(("registries", "why"), [
    (frozenset(REGISTRIES), "残联数据中未查到本人"),
    (frozenset(REGISTRIES) - {"disability"}, "本次数据未包含残疾人名册"),
], ids=["not-in-the-file", "no-file"])  # fmt: skip
def test_a_single_person_case_of_a_member_written_disabled_without_a_certificate_says_so(
    registries, why
):
    """A 单人户 whose member the roster writes 残疾 but whom the 残联 data do not certify
    (last year's file, or none) is a split, since only a severe certificate exempts it; the
    evidence says a certificate would (until 2026-12-06 a lead at 0.98 without a word)."""
    drop = HouseholdSketch(registries=registries)
    drop.family("HK1", "father", "mother", "son")
    drop.enrol("father", "DB1", "A1")
    drop.enrol("mother", "DB1", "A2")
    drop.enrol("son", "DB2", "A3", start=date(2024, 5, 1), health="disabled")
    [case] = detect_split_household(drop.graph, POLICY)
    [note] = [item for item in case.evidence if "单人户" in item.text]
    assert note.text == (
        f"案件 DB2 为单人户，花名册记本人健康状况为残疾，但残联数据中未查到其重度残疾证"
        f"（{why}）：如持有重度残疾证，属单人户保障，不属违规；请核实"
    )
    assert note.record_id == "A3"


def test_a_single_person_case_of_a_member_written_healthy_needs_no_such_note():
    drop = HouseholdSketch()
    drop.family("HK1", "father", "son")
    drop.enrol("father", "DB1", "A1")
    drop.enrol("son", "DB2", "A3", start=date(2024, 5, 1), health="healthy")
    [case] = detect_split_household(drop.graph, POLICY)
    assert not [item for item in case.evidence if "单人户" in item.text]


def test_an_ended_single_person_case_is_judged_by_the_certificate_on_its_last_day():
    """A certificate that expired, was cancelled or was re-assessed after the case ended held
    while the case ran (a reviewer: a 单人户 closed in 2024 whose certificate expired in 2025
    was a split)."""
    for written in ({"valid_until": "2025-06-30"}, {"status": "注销"}):
        drop = HouseholdSketch()
        drop.family("HK1", "father", "mother", "son")
        drop.enrol("father", "DB1", "A1", end=date(2024, 12, 31))
        drop.enrol("mother", "DB1", "A2", end=date(2024, 12, 31))
        drop.enrol("son", "DB2", "A3", start=date(2022, 5, 1), end=date(2024, 12, 31))
        drop.certify("son", "C1", "physical", 1, issued=date(2015, 1, 1), **written)
        assert detect_split_household(drop.graph, POLICY) == []
        drop.certify("son", "C2", "physical", 3, issued=date(2025, 3, 1))  # re-assessed since
        assert detect_split_household(drop.graph, POLICY) == []
    drop.certify("son", "C3", "physical", 3, issued=date(2023, 3, 1))  # re-assessed while it ran
    assert len(detect_split_household(drop.graph, POLICY)) == 1


def test_a_single_person_case_keeps_its_history_and_stays_legitimate():
    # the mother's row in the son's 单人户 ended when she went back to DB1: history, not a
    # second member of DB2 now
    drop = HouseholdSketch()
    drop.family("HK1", "father", "mother", "son")
    drop.enrol("father", "DB1", "A1")
    drop.enrol("mother", "DB1", "A2", start=date(2024, 5, 1))
    drop.enrol("mother", "DB2", "A4", end=date(2024, 4, 30))
    drop.enrol("son", "DB2", "A3", start=date(2023, 1, 1))
    drop.certify("son", "C1", "intellectual", 3)
    assert detect_split_household(drop.graph, POLICY) == []


def test_a_member_listed_but_not_covered_in_another_case_splits_no_family():
    """A grandmother of 户号 HK1 listed as not covered (是否保障对象 否) in her other son's
    case DB3 (his own 户号 HK3) is enrolled in no case: HK1 is in DB1 alone."""
    drop = HouseholdSketch()
    drop.family("HK1", "son", "wife", "grandmother")
    drop.family("HK3", "uncle")
    drop.enrol("son", "DB1", "A1")
    drop.enrol("wife", "DB1", "A2")
    drop.enrol("uncle", "DB3", "A3")
    drop.enrol("grandmother", "DB3", "A4", covered=False)
    drop.paid_to("DB1", "6228000011112222")
    drop.paid_to("DB3", "6228000011112222")
    assert detect_split_household(drop.graph, POLICY) == []
    assert detect_suspected_split(drop.graph, POLICY) == []


def test_a_case_listing_a_wife_beside_her_severely_disabled_husband_is_no_single_person_case():
    """单人户保障 is a case of one person (contract §2; both synthetic generators read it so):
    DB2 lists the son's wife too, not covered, so it is a family's case covering one of
    them, and the 户号 is split over DB1 and DB2."""
    drop = HouseholdSketch()
    drop.family("HK1", "father", "mother", "son", "wife")
    drop.enrol("father", "DB1", "A1")
    drop.enrol("mother", "DB1", "A2")
    drop.enrol("son", "DB2", "A3", start=date(2024, 5, 1))
    drop.enrol("wife", "DB2", "A4", start=date(2024, 5, 1), covered=False)
    drop.certify("son", "C1", "intellectual", 2)
    (case,) = detect_split_household(drop.graph, POLICY)
    assert sorted(record for _, record in case.records) == ["A1", "A2", "A3", "A4"]


def test_a_gravely_ill_member_alone_in_a_case_is_no_split():
    drop = HouseholdSketch()
    drop.family("HK1", "father", "son")
    drop.enrol("father", "DB1", "A1")
    drop.enrol("son", "DB2", "A3", health="serious_illness")
    assert detect_split_household(drop.graph, POLICY) == []


def test_a_member_the_poverty_registry_says_is_gravely_ill_alone_in_a_case_is_no_split():
    # 梁平's 重病 分户保障: the roster's 健康状况 is blank, the 建档立卡 row says 患有大病
    drop = HouseholdSketch()
    drop.family("HK1", "father", "daughter")
    drop.enrol("father", "DB1", "A1")
    drop.enrol("daughter", "DB2", "A3")
    drop.poor("daughter", "P1", status="not_lifted", health="serious_illness", cause="因病")
    assert detect_split_household(drop.graph, load_policy("梁平区回龙镇")) == []


def test_a_severely_disabled_poor_person_on_no_roster_is_missed():
    drop = HouseholdSketch()
    drop.person("wang")
    drop.certify("wang", "C1", "mental", 4)
    drop.poor("wang", "P1", status="monitored")
    (case,) = detect_missed_disability(drop.graph, POLICY)
    assert case.records == [("disability", "C1")]


def test_a_missed_disability_lead_names_a_notices_day_as_what_it_is():
    # since 2026-12-07 (night): a 户籍 row cancelled for death is dated by its 户口注销日期,
    # which the lead called 死亡日期
    drop = HouseholdSketch()
    drop.person("wang")
    drop.certify("wang", "C1", "mental", 4)
    drop.poor("wang", "P1", status="monitored")
    drop.die("wang", "H9-死亡注销", date(2025, 3, 1), probability=0.4, kind="possibly_dead",
             date_kind="户口注销日期")  # fmt: skip
    (case,) = detect_missed_disability(drop.graph, POLICY)
    assert (
        case.evidence[0]
        .as_text()
        .startswith(
            "[死亡人员 H9-死亡注销] 本人可能已死亡：死亡记录（户口注销日期 2025-03-01）可能是本人"
        )
    )


def test_a_missed_disability_lead_on_a_man_a_notice_may_be_says_so_first_and_is_bounded():
    # a grandfather and a father of one name in one house; a notice without ID or birth date
    # may be either: the grandfather's lead scored 0.99 and never mentioned it (Hui county)
    drop = HouseholdSketch()
    drop.person("wang")
    drop.certify("wang", "C1", "mental", 4)
    drop.poor("wang", "P1", status="monitored")
    drop.die("wang", "D9", date(2025, 3, 1), probability=0.4, kind="possibly_dead")
    drop.die("son", "D9", date(2025, 3, 1), probability=0.4, kind="possibly_dead")
    drop.certify("son", "C2", "mental", 4)
    drop.poor("son", "P2", status="monitored")
    case, _ = detect_missed_disability(drop.graph, POLICY)
    assert case.evidence[0].as_text() == (
        "[死亡人员 D9] 本人可能已死亡：死亡记录（死亡日期 2025-03-01）可能是本人（可能对应 2 人，"
        "未能确认），请先核实本人是否在世"
    )
    assert case.features[UNLINKED] == pytest.approx(0.6)
    # one notice is one death: two namesakes it matches at 0.97 each are each half alive (a
    # review found both bounded at 0.03)
    for person in ("wang", "son"):
        for edge in drop.graph.get_edge_data(("person", person), ("death", "D9")).values():
            edge["probability"] = 0.97
    assert [found.features[UNLINKED] for found in detect_missed_disability(drop.graph, POLICY)] == [
        pytest.approx(0.5),
        pytest.approx(0.5),
    ]


@pytest.mark.parametrize("kind", ["reported_dead", "possibly_dead"])
def test_a_notice_contradicted_by_a_later_certificate_neither_drops_nor_bounds_the_lead(kind):
    # 周德明: a notice of 2012-08-06, his certificate issued 2013-02-25; until 2026-12-06 his
    # own notice dropped the lead and a notice linked to no one bounded it at 0.20 (blind tester)
    drop = HouseholdSketch()
    drop.person("zhou")
    drop.certify("zhou", "C1", "hearing", 2, issued=date(2013, 2, 25))
    drop.poor("zhou", "P1", status="not_lifted", income=3019.0)
    drop.die("zhou", "D1", date(2012, 8, 6), probability=0.8, kind=kind)
    (case,) = detect_missed_disability(drop.graph, POLICY)
    assert case.evidence[0].as_text() == (
        "[残疾人 C1] 生存迹象：2012-08-06 之后仍有残疾证发证（2013-02-25），死亡信息可能有误，"
        "请先核实是否在世"
    )
    assert case.evidence[1].record_id == "D1" and "但其后有生存迹象" in case.evidence[1].text
    assert UNLINKED not in case.features
    # a notice after the certificate is contradicted by nothing: he died, no lead; or, linked
    # to no one, the lead is bounded as before
    drop.graph.nodes[("death", "D1")]["death_date"] = date(2014, 1, 1)
    cases = detect_missed_disability(drop.graph, POLICY)
    if kind == "reported_dead":
        assert cases == []
    else:
        assert cases[0].features[UNLINKED] == pytest.approx(0.2)
        assert cases[0].evidence[0].text.startswith("本人可能已死亡")


def _dead_disabled_man(notices: list[tuple[date, int]]) -> HouseholdSketch:
    """A severely disabled, poor, unenrolled man born 1950 (by his ID) and his death notices,
    each (death date, birth year written on it); nothing after them."""
    drop = HouseholdSketch()
    drop.person("zhou")
    drop.graph.nodes[("person", "zhou")]["id18"] = "110101195001011234"
    drop.certify("zhou", "C1", "hearing", 2, issued=date(2010, 2, 25))
    drop.poor("zhou", "P1", status="not_lifted", income=3019.0)
    for i, (died, year) in enumerate(notices):
        drop.die("zhou", f"D{i}", died, source=["health", "police"][i % 2], born=date(year, 1, 1))
    return drop


@pytest.mark.parametrize(
    "dates",
    [[date(2023, 1, 10), date(2023, 3, 15)], [date(2023, 4, 17), date(2023, 5, 17)]],
    ids=["police_cancellation_64_days_late", "month_mistyped"],
)
def test_notices_of_dates_that_disagree_still_drop_the_missed_disability_lead(dates):
    # a 卫健 notice and a 公安 cancellation weeks later, or a month mistyped by one office: two
    # notices are more evidence of death, not less; until 2026-12-06 their disagreeing dates
    # read as a sign of life and raised a lead scored as if he lived (a review)
    drop = _dead_disabled_man([(day, 1950) for day in dates])
    assert detect_missed_disability(drop.graph, POLICY) == []
    # a certificate issued after both contradicts each: a lead, each notice said once
    drop.graph.nodes[("disability", "C1")]["issue_date"] = date(2024, 2, 25)
    (case,) = detect_missed_disability(drop.graph, POLICY)
    assert [fact.record_id for fact in case.evidence[:4]] == ["C1", "D0", "C1", "D1"]
    assert UNLINKED not in case.features


def test_a_death_two_offices_report_alike_is_not_undone_by_a_later_certificate():
    # 公安 and 卫健 both date his death 2025-03-07, 残联 issued a certificate in 2026 (a
    # renewal): until 2026-12-06 (later) the certificate raised a lead scored as if he lived,
    # one false lead on eight of the stress counties
    drop = _dead_disabled_man([(date(2025, 3, 7), 1950), (date(2025, 3, 7), 1950)])
    drop.graph.nodes[("disability", "C1")]["issue_date"] = date(2026, 1, 3)
    assert detect_missed_disability(drop.graph, POLICY) == []
    # one office's notice alone is undone by it: a lead, the sign first
    drop.graph.remove_node(("death", "D1"))
    (case,) = detect_missed_disability(drop.graph, POLICY)
    assert case.evidence[0].text.startswith("生存迹象")


def test_another_persons_notice_typed_with_his_id_does_not_undo_his_own():
    # his own 卫健 notice, and a 公安 notice with his ID but born 1980: the stranger's notice is
    # no evidence either way, his own still drops the lead (until 2026-12-06 the stranger's
    # notice made both doubtful and a lead was raised: a review)
    drop = _dead_disabled_man([(date(2023, 1, 10), 1950), (date(2023, 1, 12), 1980)])
    assert detect_missed_disability(drop.graph, POLICY) == []
    # with the stranger's notice alone he is a lead, scored as alive, the notice's birth date said
    drop.graph.remove_node(("death", "D0"))
    (case,) = detect_missed_disability(drop.graph, POLICY)
    assert case.evidence[0].record_id == "D1" and "相差 30 年" in case.evidence[0].text
    assert case.evidence[1].record_id == "C1" and UNLINKED not in case.features


@pytest.mark.parametrize(
    ("status", "income", "missed"), [("marginal", 3546.0, True), ("lifted", 8000.0, False)]
)
def test_a_severely_disabled_man_on_no_poverty_row_is_poor_with_his_hukou_familys_household(
    status, income, missed
):
    # his wife and daughter are the 建档立卡 household's rows; its member list lags his hukou
    drop = HouseholdSketch()
    drop.family("HH1", "nong", "wife", "daughter")
    drop.certify("nong", "C1", "physical", 1)
    drop.poor("wife", "P1", status=status, income=income)
    drop.poor("daughter", "P2", status=status, income=income)
    cases = detect_missed_disability(drop.graph, POLICY)
    assert [case.records for case in cases] == ([[("disability", "C1")]] if missed else [])
    if missed:
        (reason,) = [fact for fact in cases[0].evidence if fact.registry == "poverty"]
        assert reason.text.startswith("本人无建档立卡记录，其同户（户籍）成员所在建档立卡户，状态")


def test_a_man_on_a_poverty_row_of_his_own_is_judged_by_his_household_not_his_wifes_parents():
    # his household is 已脱贫 and well off; his wife is still on her parents' 监测户's rows
    drop = HouseholdSketch()
    drop.family("HH1", "nong", "wife")
    drop.certify("nong", "C1", "physical", 1)
    drop.poor("nong", "P2", status="lifted", income=15000.0)
    drop.graph.add_node(("poverty_household", "PH9"), kind="poverty_household")
    drop._edge(("person", "wife"), ("poverty_household", "PH9"), "in_poverty_household",
               "poverty", "P9", status="monitored", labor=None, health=None, cause=None,
               income_year=3000.0, dibao_marked=None)  # fmt: skip
    assert detect_missed_disability(drop.graph, POLICY) == []


@pytest.mark.parametrize(
    ("disability_type", "level", "flagged"),
    [("physical", 2, True), ("physical", 3, False), ("intellectual", 4, True)],
)
def test_severity_follows_the_policy(disability_type, level, flagged):
    drop = HouseholdSketch()
    drop.person("wang")
    drop.certify("wang", "C1", disability_type, level)
    drop.poor("wang", "P1", status="lifted", income=3000.0)  # lifted but under the standard
    assert bool(detect_missed_disability(drop.graph, POLICY)) is flagged


@pytest.mark.parametrize(("policy", "said"), [("default", "系统默认规则：智力、精神残疾不论等级均列入核查"),
                                               ("大姚县", "本地政策列为重点核查对象")])  # fmt: skip
def test_a_third_level_intellectual_lead_says_whose_rule_raised_it(policy, said):
    # until 2026-12-07 it said 本地政策 under the default profile, which no locality wrote
    drop = HouseholdSketch()
    drop.person("wang")
    drop.certify("wang", "C1", "intellectual", 3)
    drop.poor("wang", "P1", status="not_lifted")
    (case,) = detect_missed_disability(drop.graph, load_policy(policy))
    assert any(said in fact.text for fact in case.evidence)


@pytest.mark.parametrize("written", [{"status": "注销"}, {"status": "迁出"},
                                     {"valid_until": "2022-05-06"},
                                     {"listed_under": "残疾人.xlsx／注销人员"}])  # fmt: skip
def test_a_cancelled_or_expired_certificate_raises_no_lead_and_is_context_beside_another(written):
    # until 2026-12-06 a certificate 注销, 迁出, expired or on a 注销人员 sheet raised a lead
    drop = HouseholdSketch()
    drop.person("wang")
    drop.certify("wang", "C1", "visual", 1, **written)
    drop.poor("wang", "P1", status="not_lifted")
    assert detect_missed_disability(drop.graph, POLICY) == []
    drop.certify("wang", "C2", "intellectual", 3, status="正常", valid_until="2030-01-01")
    (case,) = detect_missed_disability(drop.graph, POLICY)
    assert case.records == [("disability", "C2")]
    (context,) = [fact for fact in case.evidence if fact.text.startswith("另有残疾证")]
    assert context.record_id == "C1" and "不作为依据" in context.text


def test_a_level_read_from_the_certificate_number_is_said_in_the_evidence():
    drop = HouseholdSketch()
    drop.person("wang")
    drop.certify("wang", "C1", "physical", 2)
    drop.graph.nodes[("disability", "C1")]["level_from_cert"] = True
    drop.poor("wang", "P1", status="not_lifted")
    (case,) = detect_missed_disability(drop.graph, POLICY)
    assert case.evidence[0].text.startswith(
        "肢体残疾2级（残疾等级未填写或无法识别，按残疾证号的等级位读取）"
    )


def test_a_reassessed_certificate_holds_over_the_earlier_one_of_its_category():
    # 肢体 二级 in 2014, re-assessed 三级 in 2023: the 2014 certificate raised a lead and the
    # evidence never named the newer one until 2026-12-06
    drop = HouseholdSketch()
    drop.person("zhang")
    drop.certify("zhang", "C1", "physical", 2, issued=date(2014, 5, 6))
    drop.certify("zhang", "C2", "physical", 3, issued=date(2023, 8, 9))
    drop.poor("zhang", "P1", status="not_lifted")
    assert detect_missed_disability(drop.graph, POLICY) == []
    up = HouseholdSketch()  # re-assessed up: the lead rests on the newer, naming the older
    up.person("zhang")
    up.certify("zhang", "C1", "physical", 3, issued=date(2014, 5, 6))
    up.certify("zhang", "C2", "physical", 2, issued=date(2023, 8, 9))
    up.poor("zhang", "P1", status="not_lifted")
    (case,) = detect_missed_disability(up.graph, POLICY)
    assert case.records == [("disability", "C2")]
    assert any(fact.record_id == "C1" and "取代（重新评定）" in fact.text for fact in case.evidence)
    undated = HouseholdSketch()  # no issue dates: both hold, as before
    undated.person("zhang")
    undated.certify("zhang", "C1", "physical", 2)
    undated.certify("zhang", "C2", "physical", 3)
    undated.poor("zhang", "P1", status="not_lifted")
    assert [case.records for case in detect_missed_disability(undated.graph, POLICY)] == [
        [("disability", "C1")]
    ]


def test_a_low_income_on_a_case_that_ended_is_history_not_poverty():
    drop = HouseholdSketch()
    drop.person("wang")
    drop.certify("wang", "C1", "physical", 1)
    drop.enrol("wang", "DB1", "A1", end=date(2023, 6, 30), income=150.0)
    drop.poor("wang", "P1", status="lifted", income=9000.0)
    assert detect_missed_disability(drop.graph, POLICY) == []
    drop.enrol("wang", "DB2", "A2", covered=False, income=150.0)  # listed, not covered
    assert detect_missed_disability(drop.graph, POLICY) == []


def test_the_households_current_roster_income_makes_a_member_outside_it_poor():
    """The disabled daughter is on no roster; her parents (same 户号) are covered in a 低保
    case whose income is under the standard: a poor household, and she is missed."""
    drop = HouseholdSketch()
    drop.family("HK1", "father", "daughter")
    drop.enrol("father", "DB1", "A1", income=210.0)
    drop.certify("daughter", "C1", "mental", 2)
    (case,) = detect_missed_disability(drop.graph, POLICY)
    assert case.features["poverty_reasons"] == 1.0
    assert "同户成员在低保案件 DB1 中保障" in case.evidence[1].text


def test_a_tekun_members_own_support_says_nothing_of_the_households_income():
    """A childless elder, 特困 (集中供养) with his 户口 in his nephew's household: the case's
    income (0) is his own, not the household's; the nephew's disabled son is not missed."""
    drop = HouseholdSketch()
    drop.family("HK1", "nephew", "son", "uncle")
    drop.enrol("uncle", "TK1", "A1", program="tekun", income=0.0)
    drop.certify("son", "C1", "intellectual", 2)
    assert detect_missed_disability(drop.graph, POLICY) == []
    drop.enrol("nephew", "DB1", "A2", income=210.0)  # the household's own 低保 case
    (case,) = detect_missed_disability(drop.graph, POLICY)
    assert [item.record_id for item in case.evidence if "同户成员" in item.text] == ["A2"]


def test_ended_rows_stand_as_context_beside_a_current_reason():
    drop = HouseholdSketch()
    drop.person("wang")
    drop.certify("wang", "C1", "physical", 1)
    drop.enrol("wang", "DB1", "A1", end=date(2023, 6, 30), income=150.0)
    drop.poor("wang", "P1", status="monitored")
    (case,) = detect_missed_disability(drop.graph, POLICY)
    assert case.features["poverty_reasons"] == 1.0  # the 监测户 status, not the old income
    assert any(item.text.startswith("历史记录") and "不作为贫困依据" in item.text
               for item in case.evidence)  # fmt: skip


def test_context_rows_say_what_they_are_and_incomes_compare_in_one_unit():
    # a member listed, not covered, in his own family's current case: no "曾" (formerly); the
    # household's monthly income is set against the yearly standard in years too
    drop = HouseholdSketch()
    drop.family("HK1", "wang", "li")
    drop.certify("wang", "C1", "physical", 1)
    drop.enrol("wang", "DB1", "A1", covered=False, income=337.0)
    drop.enrol("li", "DB1", "A2", income=337.0)
    (case,) = detect_missed_disability(drop.graph, POLICY)
    texts = [item.text for item in case.evidence]
    assert any(text.startswith("非保障记录：在案件 DB1 中列为非保障对象") for text in texts)
    assert not any("曾在案件 DB1 中为非保障对象" in text for text in texts)
    assert any("家庭人均月纯收入 337 元（年 4044 元），低于低保标准 4500 元/人/年" in text
               for text in texts)  # fmt: skip
    # the reason's income is not said again as history (当时…不作为贫困依据) beside it
    assert not any("不作为贫困依据" in text for text in texts)


def test_an_income_a_fen_below_the_standard_is_written_to_the_fen():
    # 374.99 a month is 4,499.88 a year, below 4,500: written whole, it read "375 元（年 4500
    # 元），低于低保标准 4500 元/人/年", a figure below itself
    drop = HouseholdSketch()
    drop.family("HK1", "wang", "li")
    drop.certify("wang", "C1", "physical", 1)
    drop.enrol("li", "DB1", "A2", income=374.99)
    (case,) = detect_missed_disability(drop.graph, POLICY)
    assert any("家庭人均月纯收入 374.99 元（年 4499.88 元），低于低保标准 4500 元/人/年" in item.text
               for item in case.evidence)  # fmt: skip


def test_an_enrolled_or_dead_or_not_poor_person_is_not_missed():
    enrolled, dead, comfortable = HouseholdSketch(), HouseholdSketch(), HouseholdSketch()
    for drop in (enrolled, dead, comfortable):
        drop.person("wang")
        drop.certify("wang", "C1", "physical", 1)
    enrolled.poor("wang", "P1")
    enrolled.enrol("wang", "DB1", "A1", probability=0.98)  # found through a fuzzy link
    dead.poor("wang", "P1")
    dead.die("wang", "D1", date(2026, 2, 1))
    comfortable.poor("wang", "P1", status="lifted", income=9000.0)
    for drop in (enrolled, dead, comfortable):
        assert detect_missed_disability(drop.graph, POLICY) == []


SHAPOTOU = load_policy("沙坡头区")


def _bc_case(drop: HouseholdSketch, cls: str, size: int) -> None:
    drop.enrol("p-head", "DB9", "A-head", covered=True, dibao_class=cls)
    drop.enrol("p-wife", "DB9", "A-wife", covered=False, dibao_class=cls)
    for _, _, data in drop.graph.edges(("case", "DB9"), data=True):
        data["household_size"] = size


def test_a_b_or_c_case_covering_one_of_a_larger_household_follows_the_locality():
    drop = HouseholdSketch()
    _bc_case(drop, "C", 3)
    [case] = detect_single_covered_member(drop.graph, SHAPOTOU)
    assert case.records == [("assistance", "A-head")] and case.person_ids == ["p-head"]
    assert "每户至少保障 2 人" in case.evidence[0].text
    assert detect_single_covered_member(drop.graph, POLICY) == []  # no such rule by default


@pytest.mark.parametrize(("area", "raised"), [("urban", False), ("rural", True), (None, True)])
def test_shapotous_b_and_c_rule_is_for_rural_cases_as_its_sentence_says(area, raised):
    drop = HouseholdSketch()
    drop.enrol("p-head", "DB9", "A-head", dibao_class="B", household_size=3, area=area)
    drop.enrol("p-wife", "DB9", "A-wife", covered=False, dibao_class="B", household_size=3,
               area=area)  # fmt: skip
    found = detect_single_covered_member(drop.graph, SHAPOTOU)
    assert bool(found) == raised
    if area is None:
        assert "城乡属性未知" in found[0].evidence[-2].text


@pytest.mark.parametrize("uncovered_class", [None, "C"])
def test_the_class_is_the_covered_members_a_member_not_covered_needs_none(uncovered_class):
    """沙坡头 "B类和C类对象的家庭": the class is the 对象's; a roster that leaves 低保类别 blank for a
    member listed but not covered is still a C class family (until 2026-12-05 no lead)."""
    drop = HouseholdSketch()
    drop.enrol("p-head", "DB9", "A-head", dibao_class="C", household_size=3, area="rural")
    for pid, record_id in (("p-wife", "A-wife"), ("p-son", "A-son")):
        drop.enrol(pid, "DB9", record_id, covered=False, dibao_class=uncovered_class,
                   household_size=3, area="rural")  # fmt: skip
    [case] = detect_single_covered_member(drop.graph, SHAPOTOU)
    assert case.records == [("assistance", "A-head")]
    assert case.evidence[0].text.startswith("C类低保案件 DB9 家庭人数 3 人，在保 1 人")


def test_a_case_with_a_class_a_member_is_no_b_or_c_case():
    """分类施保: the disabled mother is class A, her son class C (covered), his wife C (not
    covered): the case covers two, one of them as A."""
    drop = HouseholdSketch()
    drop.enrol("p-mother", "DB9", "A-mother", dibao_class="A")
    drop.enrol("p-son", "DB9", "A-son", dibao_class="C")
    drop.enrol("p-wife", "DB9", "A-wife", covered=False, dibao_class="C")
    assert detect_single_covered_member(drop.graph, SHAPOTOU) == []


def test_class_a_or_a_legitimate_single_member_is_no_case():
    drop = HouseholdSketch()
    _bc_case(drop, "A", 3)
    assert detect_single_covered_member(drop.graph, SHAPOTOU) == []
    drop = HouseholdSketch()
    _bc_case(drop, "B", 2)
    drop.certify("p-head", "C1", "physical", 1)
    assert detect_single_covered_member(drop.graph, SHAPOTOU) == []


DAYAO = load_policy("大姚县")


def test_a_key_group_member_outside_the_rosters_is_listed_where_the_locality_asks():
    drop = HouseholdSketch()
    drop.poor("p-zhao", "JD1", status="monitored", income=3900.0)
    drop.graph.edges[("person", "p-zhao"), ("poverty_household", "PH1"), 0]["labor"] = "lost"
    [case] = detect_unenrolled_key_person(drop.graph, DAYAO)
    assert case.records == [("poverty", "JD1")]
    assert "脱贫监测户" in case.evidence[1].text and "零劳力" in case.evidence[1].text
    assert case.features["below_standard"] == 1.0
    assert detect_unenrolled_key_person(drop.graph, POLICY) == []  # not a default check


def test_relapsed_members_are_a_key_group_in_liangping_and_count_as_not_lifted_elsewhere():
    drop = HouseholdSketch()
    drop.poor("p-sun", "JD2", status="relapsed")  # 返贫
    [case] = detect_unenrolled_key_person(drop.graph, load_policy("梁平区回龙镇"))
    assert case.records == [("poverty", "JD2")]
    assert "状态 返贫" in case.evidence[0].text and case.evidence[1].text.endswith("返贫人口")
    [case] = detect_unenrolled_key_person(drop.graph, DAYAO)  # lists 未脱贫, not 返贫
    assert case.evidence[1].text.endswith("未脱贫建档立卡对象")
    assert DAYAO.is_poor("relapsed", None, AS_OF) and not DAYAO.is_poor("lifted", None, AS_OF)


def test_a_monitored_household_member_is_a_key_group_in_liangping_whose_form_3_lists_them():
    drop = HouseholdSketch()
    drop.poor("p-qian", "JD3", status="monitored", income=5200.0)
    [case] = detect_unenrolled_key_person(drop.graph, load_policy("梁平区回龙镇"))
    assert case.records == [("poverty", "JD3")] and "脱贫监测户" in case.evidence[1].text


def test_an_enrolled_dead_or_severely_disabled_member_is_not_listed():
    for make in (lambda d: d.enrol("p-zhao", "DB1", "A1"),
                 lambda d: d.die("p-zhao", "D1", date(2025, 1, 1)),
                 lambda d: d.certify("p-zhao", "C1", "mental", 3)):  # fmt: skip
        drop = HouseholdSketch()
        drop.poor("p-zhao", "JD1", status="not_lifted")
        make(drop)
        assert detect_unenrolled_key_person(drop.graph, DAYAO) == []


def test_a_member_whose_severe_certificate_lapsed_is_a_key_person_still():
    """A cancelled certificate makes no missed_disability lead, so it excludes no one from
    the key groups (until 2026-12-06 the member was in neither list)."""
    drop = HouseholdSketch()
    drop.poor("p-zhao", "JD1", status="not_lifted")
    drop.certify("p-zhao", "C1", "mental", 3, status="注销", cancel_reason="康复")
    assert detect_missed_disability(drop.graph, DAYAO) == []
    [case] = detect_unenrolled_key_person(drop.graph, DAYAO)
    assert case.records == [("poverty", "JD1")]


def _income_rose(assessed: date | None, status: str | None = "lifted") -> HouseholdSketch:
    """A 低保 case whose income is 500 元 a month per person (6,000 a year, over the 4,500
    standard), assessed on 2025-09-10, paid 350 元 every month of 2025 and 2026 to October;
    the husband in a 建档立卡 household of ``status`` (None: in no such household)."""
    drop = HouseholdSketch()
    drop.enrol("zhang", "DB7", "A1", start=date(2019, 3, 1), income=500.0, income_since=assessed)
    drop.enrol("wife", "DB7", "A2", start=date(2019, 3, 1), income=500.0, income_since=assessed)
    drop.pay("DB7", [f"2025-{m:02d}" for m in range(1, 13)] + MONTHS_2026, 350.0)
    if status is not None:
        drop.poor("zhang", "P7", status=status)
    return drop


def test_a_case_paid_after_its_gradual_exit_ended_is_over_standard():
    drop = _income_rose(date(2025, 9, 10))
    (case,) = detect_over_standard(drop.graph, load_policy("梁平区回龙镇"))  # 6 months
    assert case.records == [("assistance", "A1"), ("assistance", "A2")]
    assert case.amount_at_risk == 350.0 * 7  # 2026-04 to 2026-10
    assert "收入核定日期 2025-09-10" in case.evidence[1].text
    assert "适用于建档立卡贫困户；在保成员在建档立卡台账 P7" in case.evidence[1].text


def test_the_standard_is_called_local_only_where_a_policy_sets_one():
    # the default profile's 4,500 is the contract's: a district whose standard is 7,800
    # read "高于本地低保标准 4500" on 223 leads of a blind tester's urban district
    drop = _income_rose(date(2025, 9, 10))
    (default,) = detect_over_standard(drop.graph, load_policy("梁平区回龙镇"))
    assert "高于低保标准 4500 元/人/年（系统默认值，未设置本地标准）" in default.evidence[0].text
    local = replace(load_policy(), name="本县", dibao_standard_year=5400)
    (case,) = detect_over_standard(drop.graph, local)
    assert "高于本地低保标准 5400 元/人/年" in case.evidence[0].text


def test_the_evidence_names_the_months_of_the_gradual_exit():
    """Assessed in September (梁平: 6 months), the 渐退 ran October to March: a clerk who
    counts September as its first month can tell why March was not a lead."""
    (case,) = detect_over_standard(
        _income_rose(date(2025, 9, 10)).graph, load_policy("梁平区回龙镇")
    )
    assert "收入核定日期 2025-09-10（渐退期 2025-10 至 2026-03）" in case.evidence[1].text
    assert "渐退期满后仍发放 7 个月（2026-04 至 2026-10）" in case.evidence[2].text


def test_a_dated_gradual_exit_as_long_as_the_profiles_names_its_months_once():
    """A 渐退 the roster dates to the month the profile's count also ends (梁平, assessed
    2025-09-10: 2026-03) is the roster's: its months are said from the note, not again as
    （渐退期 2025-10 至 2026-03） beside it."""
    drop = HouseholdSketch()
    for pid, record in (("zhang", "A1"), ("wife", "A2")):
        drop.enrol(pid, "DB7", record, start=date(2019, 3, 1), income=500.0,
                   income_since=date(2025, 9, 10), gradual_until="2026-03")  # fmt: skip
    drop.poor("zhang", "P7", status="lifted")
    drop.pay("DB7", [f"2025-{m:02d}" for m in range(1, 13)] + MONTHS_2026, 350.0)
    (case,) = detect_over_standard(drop.graph, load_policy("梁平区回龙镇"))
    assert "渐退至 2026-03 止" in case.evidence[1].text
    assert "（渐退期 2025-10 至 2026-03）" not in case.evidence[1].text


@pytest.mark.parametrize(("status", "published"),
                         [("lifted", ("2027-04", True)), (None, ("2026-10", False))])  # fmt: skip
def test_a_case_with_no_gradual_exit_is_published_as_having_none(status, published):
    """Assessed in the ledger's last month (2026-10) under 梁平: a 建档立卡 case's 渐退 runs
    to 2027-04; another's has none, and screening must not call its month a 渐退's end."""
    drop = _income_rose(date(2026, 10, 5), status=status)
    (end,) = gradual_ends(drop.graph, load_policy("梁平区回龙镇"))
    assert (end.last_month, end.phased) == published


def test_money_paid_back_after_the_gradual_exit_is_deducted_in_whichever_month_booked():
    alone = HouseholdSketch()  # the refund in a month of its own
    beside = HouseholdSketch()  # the refund beside October's payment
    for drop in (alone, beside):
        drop.enrol("zhang", "DB7", "A1", start=date(2019, 3, 1), income=375.01,
                   income_since=date(2025, 9, 10))  # fmt: skip
        drop.pay("DB7", [f"2025-{m:02d}" for m in range(1, 13)] + MONTHS_2026[:9], 350.0)
        drop.poor("zhang", "P7", status="lifted")
    alone.pay("DB7", ["2026-10"], -350.0)
    beside.pay("DB7", ["2026-10"], 350.0)
    beside.pay("DB7", ["2026-11"], 350.0)
    beside.pay("DB7", ["2026-11"], -700.0)
    liangping = load_policy("梁平区回龙镇")
    (first,) = detect_over_standard(alone.graph, liangping)
    (second,) = detect_over_standard(beside.graph, liangping)
    assert first.amount_at_risk == 350.0 * 6 - 350.0  # 2026-04 to 09, less October's refund
    assert second.amount_at_risk == 350.0 * 7 + 350.0 - 700.0
    assert any("退回（追回）350.00 元（2026-10），已扣除" in item.text for item in first.evidence)
    assert "人均月收入 375.01 元，年 4500.12 元" in first.evidence[0].text


RAISED_IN_JULY = replace(
    load_policy(), name="本县", dibao_standard_year={"2024-01": 6000, "2025-07": 6600}
)
"""A county that raised its standard from July 2025, as standards are raised most years."""
MONTHS_2024_2025 = [f"{y}-{m:02d}" for y in (2024, 2025) for m in range(1, 13)]


def _paid_540_since_2023() -> HouseholdSketch:
    """A 低保 case of income 540 元 a month per person (6,480 a year), enrolled 2023-01
    (no assessment date), paid 460 元 every month of 2024 and 2025, as of 2025-12-31."""
    drop = HouseholdSketch(as_of=date(2025, 12, 31))
    drop.enrol("zhang", "DB2", "A4", start=date(2023, 1, 1), income=540.0)
    drop.pay("DB2", MONTHS_2024_2025, 460.0)
    return drop


def test_each_month_is_judged_by_the_standard_in_force_that_month():
    # a blind tester's county: 6,000 until 2025-06 and 6,600 from 2025-07 could not be said;
    # set to 6,600 its 4 households of 540-549 元 a month raised nothing for 2024-2025-06,
    # set to 6,000 they were charged for July on (540 < 550 a month) as well
    (case,) = detect_over_standard(_paid_540_since_2023().graph, RAISED_IN_JULY)
    assert case.amount_at_risk == 460.0 * 18  # 2024-01 to 2025-06, none from July
    assert "（2024-01 至 2025-06）" in case.evidence[2].text
    assert "高于本地低保标准 6000 元/人/年（2024-01 起）" in case.evidence[0].text
    assert (
        "按现行本地低保标准 6600 元/人/年（2025-07 起），该户收入已不高于标准"
        in case.evidence[1].text
    )
    assert case.features["income_ratio"] == 6480 / 6000


def test_a_gradual_exit_runs_from_the_month_a_new_standard_put_the_income_above_it():
    # under the 6,600 of 2024 when enrolled; the 6,000 of 2025 puts it above: the household's
    # income exceeds the standard from 2025-01, and its 6 months of 渐退 run from then
    lowered = replace(RAISED_IN_JULY, dibao_standard_year={"2024-01": 6600, "2025-01": 6000})
    (case,) = detect_over_standard(_paid_540_since_2023().graph, lowered)
    assert case.amount_at_risk == 460.0 * 5  # 2025-08 to 2025-12
    assert (
        "自 2025-01 起按本地低保标准 6000 元/人/年（2025-01 起）计高于标准" in case.evidence[1].text
    )


def test_income_judged_now_takes_the_standard_in_force_on_the_as_of_day():
    # 6,300 a year: above the 6,000 of 2024, under the 6,600 in force on the as-of day
    drop = HouseholdSketch(as_of=date(2025, 12, 31))
    drop.poor("liu", "JD1", status="lifted", income=6300.0)
    drop.certify("liu", "CJ1", "physical", 1)
    (case,) = detect_missed_disability(drop.graph, RAISED_IN_JULY)
    assert case.records[0] == ("disability", "CJ1")
    earlier = HouseholdSketch(as_of=date(2025, 6, 30))
    earlier.poor("liu", "JD1", status="lifted", income=6300.0)
    earlier.certify("liu", "CJ1", "physical", 1)
    assert detect_missed_disability(earlier.graph, RAISED_IN_JULY) == []


URBAN_AND_RURAL = replace(
    load_policy(), name="本县", dibao_standard_year={"urban": 8400, "rural": 6000}
)
"""A county whose 城市 and 农村 低保 standards differ (a blind tester's: 8,400 and 6,000)."""


def _paid_596_since_2023(area: str | None) -> HouseholdSketch:
    """A 低保 case of ``area`` of income 596 元 a month per person (7,152 a year: above the
    rural standard, under the urban), enrolled 2023-01, paid 460 元 every month of 2024-2025."""
    drop = HouseholdSketch(as_of=date(2025, 12, 31))
    drop.enrol("zhang", "DB2", "A4", start=date(2023, 1, 1), income=596.0, area=area)
    drop.pay("DB2", MONTHS_2024_2025, 460.0)
    return drop


def test_a_case_is_judged_by_the_standard_of_its_area():
    # a blind tester's county set to the rural 6,000 had 33 false leads on urban households
    # (高于本地低保标准 6000 元/人/年 for 7,152 under the urban 8,400); set to 8,400, all 6
    # rural ones were missed
    assert detect_over_standard(_paid_596_since_2023("urban").graph, URBAN_AND_RURAL) == []
    (rural,) = detect_over_standard(_paid_596_since_2023("rural").graph, URBAN_AND_RURAL)
    assert rural.amount_at_risk == 460.0 * 24
    assert "年 7152 元，高于本地农村低保标准 6000 元/人/年" in rural.evidence[0].text
    # of unknown area: the rural, lower standard, and the evidence says so
    (unknown,) = detect_over_standard(_paid_596_since_2023(None).graph, URBAN_AND_RURAL)
    assert unknown.amount_at_risk == rural.amount_at_risk
    assert (
        "高于本地农村低保标准 6000 元/人/年（城乡属性未知，按农村标准）" in unknown.evidence[0].text
    )


def _paid_530_in(county: str) -> HouseholdSketch:
    """A 低保 case of ``county`` of income 530 元 a month per person (6,360 a year), enrolled
    2023-01, paid 460 元 every month of 2024-2025."""
    drop = HouseholdSketch(as_of=date(2025, 12, 31))
    drop.enrol("zhang", f"{county}/DB2", f"{county}/A4", start=date(2023, 1, 1), income=530.0)
    drop.pay(f"{county}/DB2", MONTHS_2024_2025, 460.0)
    return drop


def test_a_case_is_judged_by_the_standard_of_its_county():
    # a blind tester's province of three counties under one standard of 6,000: 南华县's
    # DB0010 (6,360 a year, under its 6,600) was a false lead of 18,270 元, 双柏县's
    # DB0010 (5,760, over its 5,400) was missed
    by_county = replace(
        load_policy(), name="本州", dibao_standard_year={"双柏县": 5400, "532324": 6600}
    )
    by_county = by_county.for_drop({"532322": {"双柏县"}, "532324": {"南华县"}})
    assert detect_over_standard(_paid_530_in("532324").graph, by_county) == []
    (case,) = detect_over_standard(_paid_530_in("532322").graph, by_county)
    assert case.amount_at_risk == 460.0 * 24
    assert "年 6360 元，高于双柏县低保标准 5400 元/人/年" in case.evidence[0].text


def test_a_household_under_its_urban_standard_is_poor_for_missed_disability():
    # a blind tester's urban member listed, not covered, on a case of 600 a month (7,200 a
    # year): under the urban 8,400, the lead was lost to the single rural 6,000
    drop = HouseholdSketch()
    drop.family("HK1", "wang", "li")
    drop.certify("wang", "C1", "physical", 1)
    drop.enrol("wang", "DB1", "A1", covered=False, income=600.0, area="urban")
    drop.enrol("li", "DB1", "A2", income=600.0, area="urban")
    (case,) = detect_missed_disability(drop.graph, URBAN_AND_RURAL)
    assert any("（年 7200 元），低于本地城市低保标准 8400 元/人/年" in item.text
               for item in case.evidence)  # fmt: skip


def _assessed_twice(earlier: float, later: float) -> HouseholdSketch:
    """A case whose rows carry two assessments: ``earlier`` a month per person in 2019 on the
    husband's row, ``later`` in 2025 on the wife's."""
    drop = HouseholdSketch()
    for pid, record_id, income, since in (("zhang", "A1", earlier, date(2019, 2, 16)),
                                          ("wife", "A2", later, date(2025, 6, 1))):  # fmt: skip
        drop.enrol(pid, "DB7", record_id, start=date(2019, 3, 1), income=income,
                   income_since=since)  # fmt: skip
    drop.pay("DB7", MONTHS_2026, 350.0)
    return drop


def test_the_income_is_the_latest_assessments_not_an_older_one_left_on_another_row():
    liangping = load_policy("梁平区回龙镇")
    assert detect_over_standard(_assessed_twice(450.0, 95.6).graph, liangping) == []
    (case,) = detect_over_standard(_assessed_twice(95.6, 450.0).graph, liangping)
    assert "人均月收入 450 元" in case.evidence[0].text
    assert "收入核定日期 2025-06-01" in case.evidence[1].text


def test_a_case_without_any_date_to_count_its_gradual_exit_from_is_no_case():
    drop = HouseholdSketch()
    drop.enrol("li", "DB7", "A1", start=None, income=900.0)
    drop.pay("DB7", MONTHS_2026, 350.0)
    assert detect_over_standard(drop.graph, load_policy("梁平区回龙镇")) == []


def test_within_a_longer_gradual_exit_it_is_no_case():
    drop = _income_rose(date(2025, 9, 10))
    assert detect_over_standard(drop.graph, load_policy("兴安盟")) == []  # 24 months


def test_without_an_assessment_date_the_period_runs_from_enrollment_and_says_so():
    drop = _income_rose(None)
    (case,) = detect_over_standard(drop.graph, load_policy("兴安盟"))
    assert case.features["assessed"] == 0.0
    assert "按纳入日期 2019-03-01 起算" in case.evidence[1].text


@pytest.mark.parametrize(
    ("planned", "raised"), [(date(2027, 2, 28), False), (date(2028, 2, 29), True)]
)
def test_an_undated_income_with_a_planned_exit_within_the_period_is_a_gradual_exit_under_way(
    planned, raised
):
    # the office entered the 渐退's 退出日期 (after the as-of day) on the case's rows: the
    # period ends then, not 6 months after an enrollment of 2019; a date years off is no 渐退
    drop = HouseholdSketch()
    drop.enrol("li", "DB7", "A1", start=date(2019, 3, 1), end=planned, income=900.0)
    drop.poor("li", "P7", status="lifted")
    drop.pay("DB7", MONTHS_2026, 350.0)
    cases = detect_over_standard(drop.graph, load_policy("梁平区回龙镇"))  # 6 months
    assert [case.records for case in cases] == ([[("assistance", "A1")]] if raised else [])


def _noted_gradual(drop: HouseholdSketch, record: str, note: str) -> None:
    """Give the roster row ``record`` the note ``note``, read as the graph reads it."""
    for *_, row in drop.graph.edges(data=True):
        if row.get("kind") == "enrolled_in" and row["record_id"] == record:
            row["gradual_until"], row["gradual_note"] = noted_gradual_exit(note)


@pytest.mark.parametrize(
    ("note", "months_raised"),
    [("渐退期（2026年9月至2027年2月）", 0), ("渐退期（2025年7月至2026年6月）", 4),
     ("渐退期（2026年3月至2028年2月）", 0), ("渐退至2027年2月", 0), ("2025年10月起渐退，期限6个月", 7)],
)  # fmt: skip
def test_an_undated_income_with_a_gradual_exit_its_note_dates_runs_until_then(note, months_raised):
    # the office wrote the 渐退 in the head's 备注: the period ends then, not 6 months after an
    # enrollment of 2019; one ended in 2026-06 (or 2026-03) leaves the months after it; one
    # longer than the policy's 6 months is the office's 渐退 up to the policy's bound of 24
    # months from its first month; one that writes no first month is under way (before
    # 2026-12-06 its 24 months were counted from the enrollment: a lead of 10 months)
    drop = HouseholdSketch()
    drop.enrol("li", "DB7", "A1", start=date(2019, 3, 1), income=900.0)
    drop.enrol("wife", "DB7", "A2", start=date(2019, 3, 1), income=900.0)
    _noted_gradual(drop, "A1", f"备注：{note}，联系电话13812345678")
    drop.poor("li", "P7", status="lifted")
    drop.pay("DB7", MONTHS_2026, 350.0)
    cases = detect_over_standard(drop.graph, load_policy("梁平区回龙镇"))  # 6 months
    assert [case.amount_at_risk for case in cases] == (
        [350.0 * months_raised] if months_raised else []
    )
    if months_raised == 4:
        assert (
            cases[0]
            .evidence[1]
            .text.endswith(
                "本案按名册所记渐退期计算，渐退至 2026-06 止，长于本地政策的渐退期 6 个月"
                "（救助对象 A1 渐退期（2025年7月至2026年6月））"
            )
        )
    assert not any("1381234" in item.text for case in cases for item in case.evidence)


@pytest.mark.parametrize(
    ("noted", "months_raised"), [("2026-03", 7), ("2027-02", 0), ("2062-09", 34)]
)
def test_a_noted_gradual_exit_of_unknown_start_is_taken_unless_it_ends_too_far_off(
    noted, months_raised
):
    # income undated, the note writes no start: an end within 24 months of the as-of day
    # (2026-10-31) is the office's 渐退 (one ended leaves the months after it); 2062-09 is a
    # typo, not taken: counted from the enrollment as without it, and the lead says so.
    # Until 2026-12-06 the 24 months ran from the enrollment of 2019: 34 months each time
    drop = HouseholdSketch()
    drop.enrol("li", "DB7", "A1", start=date(2019, 3, 1), income=900.0, gradual_until=noted)
    drop.poor("li", "P7", status="lifted")
    drop.pay("DB7", [f"{y}-{m:02d}" for y in (2024, 2025, 2026) for m in range(1, 13)
                     if (y, m) <= (2026, 10)], 350.0)  # fmt: skip
    cases = detect_over_standard(drop.graph, load_policy("梁平区回龙镇"))  # 6 months
    assert [case.amount_at_risk for case in cases] == (
        [350.0 * months_raised] if months_raised else []
    )
    if noted == "2062-09":
        said = cases[0].evidence[1].text
        assert "按纳入日期 2019-03-01 起算（最早的可能）" in said and "所列金额可能偏多" in said
        assert "名册所记渐退期至 2062-09，未记起始月份" in said and "疑为笔误，未采用" in said


def test_a_gradual_clause_runs_over_its_commas_to_its_end():
    # until 2026-12-06 a clause broke at commas: 2025年10月起渐退，期限12个月 dated nothing
    for note in ("2025年10月起享受渐退12个月", "备注：2025年10月起渐退，期限12个月",
                 "渐退期：2025年10月起，12个月", "享受渐退政策,2025.10-2026.09"):  # fmt: skip
        last, words = noted_gradual_exit(f"{note}，联系电话13812345678；低保证有效期至2028年12月")
        assert month_text(last) == "2026-09", note
        assert month_text(noted_gradual_start(words)) == "2025-10", note
        assert "1381234" not in words and "2028" not in words


@pytest.mark.parametrize(
    ("noted", "months_raised"), [("2062-09", 13), ("2026-09", 13), ("2025-09", 13)]
)
def test_a_noted_gradual_exit_counts_only_up_to_the_policys_bound(noted, months_raised):
    # income assessed 2023-09-10: a 渐退 noted to 2062-09 (a typo) or 2026-09 (36 months)
    # counts to 2025-09, 24 months on; until 2026-12-06 either hid the lead entirely
    drop = HouseholdSketch()
    drop.enrol("li", "DB7", "A1", start=date(2019, 3, 1), income=900.0,
               income_since=date(2023, 9, 10), gradual_until=noted)  # fmt: skip
    drop.poor("li", "P1", status="lifted")
    drop.pay("DB7", [f"{y}-{m:02d}" for y in (2024, 2025, 2026) for m in range(1, 13)
                     if (y, m) <= (2026, 10)], 350.0)  # fmt: skip
    (case,) = detect_over_standard(drop.graph, load_policy("梁平区回龙镇"))
    assert case.amount_at_risk == 350.0 * months_raised  # 2025-10 to 2026-10
    capped = f"名册所记渐退期至 {noted}，长于政策允许的最长 24 个月，按 24 个月计算，请核实"
    assert (capped in case.evidence[1].text) == (noted != "2025-09")


def test_only_the_gradual_clause_of_a_note_is_read():
    # 低保证有效期至2028年12月 is no 渐退's end; 非渐退 is no 渐退; until 2026-12-06 the latest
    # date after any 至 of the note was read
    assert noted_gradual_exit("渐退期至2026年3月；低保证有效期至2028年12月") == (
        month_index("2026-03"),
        "渐退期至2026年3月",
    )
    assert noted_gradual_exit("非渐退对象，保障期2024年1月至2029年12月") is None
    assert noted_gradual_exit(
        "2023年已渐退，渐退至2024年3月止，2024年4月起恢复全额至2029年12月"
    ) == (month_index("2024-03"), "渐退至2024年3月止")


@pytest.mark.parametrize(("noted", "months_raised"), [("2026-12", 0), ("2026-06", 4)])
def test_a_gradual_exit_the_roster_dates_runs_until_then_even_when_the_income_is_dated(
    noted, months_raised
):
    # a blind tester's county: 渐退期（2025年10月至2026年9月）in 备注, income assessed 2025-09-10;
    # under 梁平's 6 months the period ended 2026-03, but the office granted its 渐退 to the
    # month it wrote: until 2026-12-06 a lead and a hold every month, its note unread
    drop = HouseholdSketch()
    for pid, record in (("zhang", "A1"), ("wife", "A2")):
        drop.enrol(pid, "DB7", record, start=date(2019, 3, 1), income=500.0,
                   income_since=date(2025, 9, 10), gradual_until=noted)  # fmt: skip
    drop.poor("zhang", "P7", status="lifted")
    drop.pay("DB7", [f"2025-{m:02d}" for m in range(1, 13)] + MONTHS_2026, 350.0)
    cases = detect_over_standard(drop.graph, load_policy("梁平区回龙镇"))
    assert [case.amount_at_risk for case in cases] == (
        [350.0 * months_raised] if months_raised else []
    )


@pytest.mark.parametrize("profile", ["梁平区回龙镇", "兴安盟", "大姚县"])
def test_where_gradual_exit_is_for_poverty_households_others_have_none(profile):
    drop = _income_rose(date(2025, 9, 10), status=None)
    (case,) = detect_over_standard(drop.graph, load_policy(profile))
    assert case.amount_at_risk == 350.0 * 13  # 2025-10 to 2026-10: no period at all
    assert case.evidence[1].text.startswith(
        "无渐退期（本地政策文件的渐退期针对建档立卡贫困户，未规定其他低保对象的"
    )
    assert case.evidence[2].text.startswith("收入超标后仍发放 13 个月")


@pytest.mark.parametrize("profile", ["梁平区回龙镇", "兴安盟", "大姚县"])
def test_a_marginal_household_is_no_poverty_household_and_has_no_period(profile):
    """梁平 "建档立卡贫困户中的低保对象…给予6个月的渐退期": a 边缘户 is in the registry but
    was never a 贫困户 (until 2026-12-05 it had the period: 6 months' money under 梁平, 13
    under 兴安盟, 12 under 大姚 left out)."""
    drop = _income_rose(date(2025, 9, 10), status="marginal")
    (case,) = detect_over_standard(drop.graph, load_policy(profile))
    assert case.amount_at_risk == 350.0 * 13  # 2025-10 to 2026-10
    assert "建档立卡台账 P7 为边缘户，不是建档立卡贫困户" in case.evidence[1].text


def test_a_case_covering_a_poverty_household_member_beside_a_marginal_one_has_the_period():
    drop = _income_rose(date(2025, 9, 10), status="marginal")
    drop.poor("wife", "P8", status="lifted")
    (case,) = detect_over_standard(drop.graph, load_policy("梁平区回龙镇"))
    assert case.amount_at_risk == 350.0 * 7  # 2026-04 to 2026-10: after 6 months
    assert "在保成员在建档立卡台账 P8）" in case.evidence[1].text


@pytest.mark.parametrize("profile", ["default", "沙坡头区"])
def test_where_the_policy_is_silent_every_case_has_the_period(profile):
    drop = _income_rose(date(2025, 9, 10), status=None)
    (case,) = detect_over_standard(drop.graph, load_policy(profile))  # 6 months, as before
    assert case.amount_at_risk == 350.0 * 7
    assert "本地政策未限定渐退对象，按全部低保对象适用" in case.evidence[1].text


@pytest.mark.parametrize("status", ["not_lifted", "relapsed", "monitored"])
def test_in_xinganmeng_a_household_not_stably_out_of_poverty_stays_covered(status):
    drop = _income_rose(date(2022, 9, 10), status=status)  # 24 months ended 2024-09
    assert detect_over_standard(drop.graph, load_policy("兴安盟")) == []
    assert detect_over_standard(drop.graph, load_policy("梁平区回龙镇"))  # no such rule


def test_in_xinganmeng_a_lifted_household_is_over_standard_after_the_period():
    drop = _income_rose(date(2022, 9, 10), status="lifted")
    (case,) = detect_over_standard(drop.graph, load_policy("兴安盟"))
    assert case.amount_at_risk == 350.0 * 22  # 2025-01 to 2026-10, all paid after 2024-09


def test_income_under_the_standard_is_no_case():
    drop = HouseholdSketch()
    drop.enrol("li", "DB8", "A3", start=date(2019, 3, 1), income=300.0)
    drop.pay("DB8", MONTHS_2026, 350.0)
    assert detect_over_standard(drop.graph, POLICY) == []


SHAPOTOU = load_policy("沙坡头区")


def test_a_roster_household_outside_the_poverty_registry_is_a_gap_only_where_compared():
    drop = HouseholdSketch()
    drop.enrol("sun", "TK3", "A1", program="tekun")
    drop.enrol("zhao", "DB4", "A2")
    drop.poor("zhao", "P1")
    (case,) = detect_roster_gap(drop.graph, SHAPOTOU)
    assert case.records == [("assistance", "A1")]
    assert case.evidence[0].text == "救助案件 TK3 的在保对象未在建档立卡台账中"  # not 1 名…均
    assert detect_roster_gap(drop.graph, POLICY) == []  # the default compares no ledgers


def test_an_urban_case_is_no_gap_where_only_rural_cases_are_compared():
    drop = HouseholdSketch()
    drop.enrol("zhou", "DB6", "A1", area="urban")  # 城市低保: 应扶尽扶 is about 农村 cases
    drop.enrol("wu", "DB7", "A2", area="rural")
    drop.enrol("zheng", "TK8", "A3", program="tekun")  # 城乡属性 not given
    rural, unknown = detect_roster_gap(drop.graph, SHAPOTOU)
    assert rural.records == [("assistance", "A2")] and unknown.records == [("assistance", "A3")]
    assert any(item.text == "城乡属性：农村" for item in rural.evidence)
    assert any(item.text.startswith("城乡属性未知") for item in unknown.evidence)
    # a profile that names no area compares every case, and says nothing of the area
    every = detect_roster_gap(drop.graph, replace(SHAPOTOU, roster_comparison_areas=()))
    assert len(every) == 3 and not any("城乡" in e.text for c in every for e in c.evidence)


def test_a_marked_poverty_household_on_no_roster_is_a_gap():
    drop = HouseholdSketch()
    drop.person("qian")
    drop.poor("qian", "P2", marked=True)
    (case,) = detect_roster_gap(drop.graph, SHAPOTOU)
    assert case.records == [("poverty", "P2")]
    drop.enrol("qian", "DB5", "A3")  # enrolled through an identity link: no gap either way
    assert detect_roster_gap(drop.graph, SHAPOTOU) == []


def test_an_unmarked_poverty_household_on_no_roster_is_no_gap():
    drop = HouseholdSketch()
    drop.person("wu")
    drop.poor("wu", "P3", marked=None)
    assert detect_roster_gap(drop.graph, SHAPOTOU) == []


def test_dayao_group_three_makes_a_severely_disabled_member_of_a_lifted_household_a_lead():
    """大姚 六类重点人口之三: 已脱贫和未脱贫建档立卡户 members with a severe disability, no
    income test; by default a lifted household above the standard is not poor."""
    drop = HouseholdSketch()
    drop.person("wang")
    drop.certify("wang", "C1", "physical", 1)
    drop.poor("wang", "P1", status="lifted", income=9000.0)
    assert detect_missed_disability(drop.graph, POLICY) == []
    assert detect_missed_disability(drop.graph, load_policy("梁平区回龙镇")) == []
    [case] = detect_missed_disability(drop.graph, DAYAO)
    assert case.records == [("disability", "C1")]
    reason = case.evidence[1]
    assert reason.registry == "poverty" and "状态 已脱贫" in reason.text
    assert "三是通过县级扶贫、残联、医疗保障三部门信息比对" in reason.text
    assert detect_unenrolled_key_person(drop.graph, DAYAO) == []  # one lead, not two
    assert case.evidence[0].text == "肢体残疾1级，属重度残疾"


def test_a_third_or_fourth_level_intellectual_disability_is_not_called_severe():
    drop = HouseholdSketch()
    drop.person("wang")
    drop.certify("wang", "C1", "intellectual", 3)
    drop.poor("wang", "P1", status="lifted", income=9000.0)
    [case] = detect_missed_disability(drop.graph, DAYAO)
    assert case.evidence[0].text.startswith("智力残疾3级，属三级、四级智力或精神残疾")


def _lone_son(status: str | None) -> HouseholdSketch:
    """Parents in 低保 case DB1, their son (一级肢体残疾) alone in DB2; the son of a
    建档立卡 household of ``status`` (None: of none)."""
    drop = HouseholdSketch()
    drop.family("HK1", "father", "mother", "son")
    drop.enrol("father", "DB1", "A1")
    drop.enrol("mother", "DB1", "A2")
    drop.enrol("son", "DB2", "A3", start=date(2024, 5, 1))
    drop.certify("son", "C1", "physical", 1)
    if status:
        drop.poor("son", "P1", status=status)
    return drop


def test_liangping_allows_a_single_person_case_only_to_not_lifted_poverty_members():
    liangping = load_policy("梁平区回龙镇")
    assert liangping.single_person_conditions == ("not_lifted",)
    assert detect_split_household(_lone_son("not_lifted").graph, liangping) == []
    assert detect_split_household(_lone_son("relapsed").graph, liangping) == []
    for status in ("lifted", None):
        drop = _lone_son(status)
        assert detect_split_household(drop.graph, POLICY) == []  # the default is unchanged
        [case] = detect_split_household(drop.graph, liangping)
        [note] = [item for item in case.evidence if "单人户" in item.text]
        assert "数据显示本人不是未脱贫（含返贫）建档立卡户成员" in note.text
        assert note.record_id == "A3"
        assert "未脱贫建档立卡贫困人口中重病、重残" in note.text


def test_dayao_enrols_alone_a_member_every_condition_the_data_shows_holds():
    """大姚 "…（不含整户纳入低保范围的贫困人口），经个人申请，可参照单人户纳入": a 未脱贫
    family of four, its 肢体一级 son alone in DB2, his parents in DB1, his sister on no case
    (the family not covered whole) is no split; the application, which an approved case went
    through and the data cannot show, bars nothing (until 2026-12-07 it did: the split was a
    lead, 3 false ones of 12 on a blind tester's county)."""
    assert DAYAO.single_person_conditions == ("poverty_registry", "not_whole_household",
                                              "application")  # fmt: skip
    drop = _lone_son("not_lifted")
    drop.family("HK1", "daughter")
    assert detect_split_household(drop.graph, DAYAO) == []
    checks = single_person_conditions(drop.graph, DAYAO, ("person", "son"))
    assert checks == {"poverty_registry": True, "not_whole_household": True, "application": None}
    drop.enrol("daughter", "DB1", "A4")  # the family covered whole again: a split
    [case] = detect_split_household(drop.graph, DAYAO)
    [note] = [item for item in case.evidence if "单人户" in item.text]
    assert "医疗救助的人员等完全丧失劳动能力" in note.text  # the sentence whole, no page break
    said = "，数据显示家庭已整户纳入保障（户籍上其他在世的家庭成员均有有效的低保或特困记录），不能按单人户认定"
    assert said in note.text
    assert "个人申请，请在档案中核实" not in note.text


@pytest.mark.parametrize("profile", ["大姚县", "兴安盟"])
def test_a_dead_member_or_a_lodger_off_the_rosters_leaves_the_family_covered_whole(profile):
    """A grandmother dead (her 户籍 row not yet cancelled) or a lodger (非亲属) of the 户 on no
    roster does not make a family whose living kin are all covered one not covered whole:
    the son alone is a split (until a review of 2026-12-07 either exempted him, under 大姚
    too once its application no longer barred the exemption)."""
    policy = load_policy(profile)
    for other, relation in (("grandma", None), ("lodger", "not_kin")):
        drop = _lone_son("not_lifted")
        drop.family("HK1", other, relations={other: relation})
        if other == "grandma":
            drop.die("grandma", "D1", date(2023, 3, 1))
        [case] = detect_split_household(drop.graph, policy)
        [note] = [item for item in case.evidence if "单人户" in item.text]
        assert "户籍上其他在世的家庭成员均有有效的低保或特困记录" in note.text
    drop = _lone_son("not_lifted")
    drop.family("HK1", "grandma")  # alive and on no roster: not covered whole
    assert detect_split_household(drop.graph, policy) == []


def test_a_split_says_the_fact_that_fails_the_single_person_rule_not_the_rule():
    """The evidence said 不符合：本人为建档立卡贫困户成员 of a son in no 建档立卡 household
    (until 2026-12-07), which reads as though he were one."""
    [case] = detect_split_household(_lone_son(None).graph, DAYAO)
    [note] = [item for item in case.evidence if "单人户" in item.text]
    assert "数据显示本人不是建档立卡贫困户成员；家庭已整户纳入保障" in note.text
    assert "不符合" not in note.text and note.record_id == "A3"


def test_xinganmeng_enrols_alone_only_a_member_whose_family_is_not_covered_whole():
    """兴安盟 "将符合整户纳入条件的整户纳入低保范围,不符合整户纳入条件的按照单人户纳入": the
    son's parents are both on 低保, so his family qualified whole and his own case splits it
    (until 2026-12-05 兴安盟 exempted every single-person case of the severely disabled)."""
    xinganmeng = load_policy("兴安盟")
    assert xinganmeng.single_person_conditions == ("not_whole_household",)
    [case] = detect_split_household(_lone_son("not_lifted").graph, xinganmeng)
    [note] = [item for item in case.evidence if "单人户" in item.text]
    assert "不符合整户纳入条件的按照单人户纳入低保范围" in note.text
    assert "数据显示家庭已整户纳入保障" in note.text
    drop = HouseholdSketch()  # the father is listed, not covered: the son may be alone
    drop.family("HK1", "father", "son")
    drop.enrol("father", "DB1", "A1", covered=False)
    drop.enrol("mother", "DB1", "A2")
    drop.enrol("son", "DB2", "A3")
    drop.certify("son", "C1", "physical", 1)
    assert detect_split_household(drop.graph, xinganmeng) == []


def _exited(status: str = "lifted", income: float | None = 3600.0) -> HouseholdSketch:
    """低保 case DB8 of 钱七 and his wife, both rows ended 2025-03-31; 钱七 in a 建档立卡
    household of ``status`` with ``income`` a person a year (the standard is 4,500)."""
    drop = HouseholdSketch()
    drop.enrol("p-qian", "DB8", "A1", end=date(2025, 3, 31), income=150.0)
    drop.enrol("p-wife", "DB8", "A2", end=date(2025, 3, 31))
    drop.poor("p-qian", "P1", status=status, income=income)
    return drop


@pytest.mark.parametrize("profile", ["大姚县", "梁平区回龙镇", "兴安盟"])
def test_a_household_still_poor_that_left_dibao_at_lifting_is_a_lead_where_checked(profile):
    drop = _exited()
    [case] = detect_exit_without_gradual(drop.graph, load_policy(profile))
    assert case.records == [("assistance", "A1")]  # the wife is in no 建档立卡 household
    assert case.amount_at_risk is None
    assert "3600" in case.evidence[0].text
    # the words are 大姚's; 梁平 and 兴安盟 ask for the same without them
    assert ("“脱贫不脱保”" in case.evidence[3].text) == (profile == "大姚县")
    assert profile == "大姚县" or "应继续享受低保" in case.evidence[3].text
    # each document's own 渐退 words (大姚's 可…半年至1年 read 也应先给予渐退期 until 2026-12-07)
    gradual = {"大姚县": "可给予半年至1年的渐退期", "梁平区回龙镇": "给予6个月的渐退期",
               "兴安盟": "给予12-24个月的“渐退期”"}  # fmt: skip
    assert gradual[profile] in case.evidence[3].text and "应先给予" not in case.evidence[3].text
    assert case.features["income_ratio"] == pytest.approx(0.8)
    assert detect_exit_without_gradual(drop.graph, POLICY) == []  # not a default check


@pytest.mark.parametrize("status", ["not_lifted", "relapsed", "monitored"])
def test_in_xinganmeng_a_household_not_stably_out_of_poverty_that_left_dibao_is_a_lead(status):
    """兴安盟 "对于“渐退期”满后仍未实现稳定脱贫的建档立卡贫困人口继续给予低保保障": whatever its
    income, such a household keeps 低保 (until 2026-12-05 its exit raised no lead)."""
    drop = _exited(status=status, income=6000.0)
    [case] = detect_exit_without_gradual(drop.graph, load_policy("兴安盟"))
    assert case.records == [("assistance", "A1")]
    assert case.evidence[0].text.endswith("家庭年人均纯收入 6000 元")
    assert "尚未稳定脱贫，渐退期内应继续保障，期满后仍应继续给予低保保障" in case.evidence[3].text
    assert "仍未实现稳定脱贫的建档立卡贫困人口继续给予低保保障" in case.evidence[3].text
    assert "脱贫不脱保" not in case.evidence[3].text
    assert detect_exit_without_gradual(drop.graph, load_policy("梁平区回龙镇")) == []  # no rule
    assert detect_exit_without_gradual(_exited("lifted", 6000.0).graph, load_policy("兴安盟")) == []


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.enrol("p-qian", "TK2", "A3", program="tekun"),  # covered by 特困 now
        lambda d: d.die("p-qian", "D1", date(2025, 3, 2)),  # left at death
        lambda d: d.enrol("p-wife", "DB8", "A4"),  # the case goes on (a member left)
    ],
)
def test_a_covered_dead_or_ongoing_member_is_no_wrongful_exit(change):
    drop = _exited()
    change(drop)
    assert detect_exit_without_gradual(drop.graph, DAYAO) == []


def test_a_member_who_left_years_before_his_case_closed_is_no_exit_of_it():
    drop = HouseholdSketch()
    drop.enrol("son", "DB8", "A1", end=date(2020, 6, 30))
    drop.enrol("father", "DB8", "A2", end=date(2025, 3, 31))
    drop.poor("son", "P1", status="lifted", income=3600.0)
    assert detect_exit_without_gradual(drop.graph, DAYAO) == []


@pytest.mark.parametrize(("status", "income"), [("lifted", 5200.0), ("lifted", None),
                                                ("not_lifted", 3600.0)])  # fmt: skip
def test_only_lifted_households_under_the_standard_by_the_registry_are_leads(status, income):
    """Above the standard the exit is in order; without a current income, or not yet lifted
    (a key-group lead instead), there is no wrongful exit to show. The ended roster row's
    income (150 a month) is history and never the reason."""
    assert detect_exit_without_gradual(_exited(status, income).graph, DAYAO) == []


def _a_class_family(area: str | None = "rural", size: int | None = None) -> HouseholdSketch:
    """低保 case DB3: 李四, severely disabled, class A alone (分类施保); his wife class B,
    covered; his son listed but not covered."""
    drop = HouseholdSketch()
    drop.enrol("p-li", "DB3", "A1", dibao_class="A", area=area, household_size=size)
    drop.enrol("p-wife", "DB3", "A2", dibao_class="B", area=area, household_size=size)
    drop.enrol("p-son", "DB3", "A3", dibao_class="B", covered=False, area=area,
               household_size=size)  # fmt: skip
    return drop


def test_an_a_class_family_not_covered_whole_is_a_lead_in_shapotou():
    [case] = detect_a_class_partial(_a_class_family().graph, SHAPOTOU)
    assert case.records == [("assistance", "A1"), ("assistance", "A2"), ("assistance", "A3")]
    assert "家庭人数 3 人，在保 2 人" in case.evidence[0].text
    assert case.evidence[1].record_id == "A3"  # the member listed but not covered
    assert case.features["uncovered"] == 1.0
    assert detect_a_class_partial(_a_class_family().graph, POLICY) == []  # not a default rule


def test_a_household_larger_than_the_roster_lists_counts_by_its_size():
    drop = HouseholdSketch()
    drop.enrol("p-li", "DB3", "A1", dibao_class="A", area="rural", household_size=2)
    [case] = detect_a_class_partial(drop.graph, SHAPOTOU)
    assert any("名册只列出 1 人，少于家庭人数 2 人" in item.text for item in case.evidence)


def test_urban_cases_and_whole_families_are_no_a_class_leads_and_an_unknown_area_says_so():
    assert detect_a_class_partial(_a_class_family("urban").graph, SHAPOTOU) == []
    [case] = detect_a_class_partial(_a_class_family(None).graph, SHAPOTOU)
    assert any(item.text.startswith("城乡属性未知") for item in case.evidence)
    whole = _a_class_family()
    whole.enrol("p-son", "DB3", "A3b", dibao_class="B")  # 否 row corrected: now covered
    whole.graph.remove_edge(("person", "p-son"), ("case", "DB3"), 0)
    assert detect_a_class_partial(whole.graph, SHAPOTOU) == []


def _paid(amounts: list[float], *, classes=("A", "C"), known=AMOUNTS_2026) -> HouseholdSketch:
    """Case DB1 of two covered members of ``classes`` (owed 455 + 305 = 760 a month in
    2026), paid ``amounts`` from 2026-01 on."""
    drop = HouseholdSketch(known)
    for n, cls in enumerate(classes, 1):
        drop.enrol(f"p-{n}", "DB1", f"A{n}", dibao_class=cls)
    for month, amount in zip(MONTHS_2026, amounts, strict=False):
        drop.pay("DB1", [month], amount)
    return drop


def test_a_case_paid_for_a_member_too_many_is_a_lead_with_the_excess_at_risk():
    [case] = detect_payment_mismatch(_paid([760.0] * 6 + [1215.0] * 4).graph, POLICY)
    assert case.amount_at_risk == 455.0 * 4
    assert case.records == [("assistance", "A1"), ("assistance", "A2")]
    assert "4 个月" in case.evidence[0].text and "多发合计 1820.00 元" in case.evidence[0].text
    assert "应发 760.00 元（低保A类 1 人、低保C类 1 人）" in case.evidence[1].text
    # three of the four months listed month by month, and the fourth said to exist
    said = [item.text for item in case.evidence]
    assert said.count("另有 1 个月不符未逐月列出（见发放记录）") == 1
    assert sum(text.count("实发") for text in said) == 3


def test_money_paid_too_much_may_be_an_addon_where_the_ledger_gives_no_base_apart():
    """分类施保 (a monthly extra for an old, disabled or child member) is added into a ledger
    that writes no 保障金 apart: the evidence names it as a reason to check; where the ledger
    writes 保障金 apart the comparison is of it alone, and the evidence says so."""
    drop = _paid([760.0] * 6 + [1215.0] * 4)
    [case] = detect_payment_mismatch(drop.graph, POLICY)
    assert any("分类施保" in item.text for item in case.evidence)
    drop.graph.nodes[("case", "DB1")]["base_apart"] = True
    [case] = detect_payment_mismatch(drop.graph, POLICY)
    assert not any("可能是分类施保" in item.text for item in case.evidence)
    assert "实发保障金（不含分类施保金） 1215.00 元" in case.evidence[1].text


def test_payment_mismatch_lists_no_more_months_than_it_names_without_a_word_on_the_rest():
    [case] = detect_payment_mismatch(_paid([760.0] * 7 + [1215.0] * 3).graph, POLICY)
    assert not any("另有" in item.text for item in case.evidence)


def _three_members(current: str, ended: str | None = None) -> HouseholdSketch:
    """DB1's three members, of class ``current`` on the roster (the only class it keeps);
    the third of class ``ended`` and his row ended in July, when one is given."""
    drop = HouseholdSketch(AMOUNTS_2026)
    drop.enrol("li", "DB1", "A1", dibao_class=current)
    drop.enrol("wife", "DB1", "A2", dibao_class=current)
    if ended:
        drop.enrol("son", "DB1", "A3", dibao_class=ended, end=date(2026, 7, 31))
    else:
        drop.enrol("son", "DB1", "A3", dibao_class=current)
    return drop


@pytest.mark.parametrize("since", [10, 9, 7])
def test_a_clean_switch_up_to_the_current_class_is_a_change_however_few_months_it_has(since):
    """类别调整: paid three members' class C amount (305) until a month, the roster's class A
    (455) from it through the ledger's latest (one month, two, four): the earlier months
    were paid at the earlier class, less than now, and are no lead."""
    drop = _three_members("A")
    drop.pay("DB1", MONTHS_2026[: since - 1], 3 * 305.0)
    drop.pay("DB1", MONTHS_2026[since - 1 :], 3 * 455.0)
    assert detect_payment_mismatch(drop.graph, POLICY) == []


@pytest.mark.parametrize("since", [10, 8])
def test_a_switch_down_to_the_current_class_is_an_uncertain_lead(since):
    """A reviewer: paid class A (455) to three members the roster writes C (305) until a
    month, at C from it (the ledger's latest, or three months): if the class was lowered
    late, the months before were paid too much; the data cannot tell, so it is a lead scored
    at most 0.3 that says so first (until 2026-12-06 no lead at all)."""
    drop = _three_members("C")
    drop.pay("DB1", MONTHS_2026[: since - 1], 3 * 455.0)
    drop.pay("DB1", MONTHS_2026[since - 1 :], 3 * 305.0)
    (case,) = detect_payment_mismatch(drop.graph, POLICY)
    assert case.amount_at_risk == (since - 1) * 3 * (455.0 - 305.0)
    assert case.features[CLASS_LOWERED] == 1.0
    assert case.evidence[0].text == (
        f"台账自 2026-{since:02d} 起按现类别发放，此前按 A类 发放：如类别确于 2026-{since:02d} "
        "调整则无多发；调整是否迟延无法从数据判断，请核实类别调整时间"
    )


def test_a_switch_down_after_months_paid_amiss_otherwise_is_no_capped_lead():
    """A reviewer: paid 1,400 (no class) January–March, class A (455 each) April–July, the
    roster's class C (305) since: the months of no class are paid too much whatever the
    class was, so the lead is not capped as a switch down (until 2026-12-06 it was, at 0.3);
    the evidence states the part paid at A apart."""
    drop = _three_members("C")
    drop.pay("DB1", MONTHS_2026[:3], 1400.0)
    drop.pay("DB1", MONTHS_2026[3:7], 3 * 455.0)
    drop.pay("DB1", MONTHS_2026[7:], 3 * 305.0)
    (case,) = detect_payment_mismatch(drop.graph, POLICY)
    assert CLASS_LOWERED not in case.features
    assert case.amount_at_risk == 3 * (1400.0 - 915.0) + 4 * 3 * (455.0 - 305.0)
    assert case.evidence[1].text == (
        "其中 1800.00 元为类别调整前按较高类别（A类）发放（2026-04 至 2026-07），如类别确于 "
        "2026-08 调整则不属多发；调整是否迟延无法从数据判断，请核实类别调整时间"
    )


def test_a_latest_month_paid_above_the_current_class_stays_a_mismatch():
    """Paid class A January–August, C in September, A again in October: the latest month
    is paid amiss, so no class change is read and every month at A is a lead."""
    drop = _three_members("C")
    drop.pay("DB1", MONTHS_2026[:8] + MONTHS_2026[9:], 3 * 455.0)
    drop.pay("DB1", MONTHS_2026[8:9], 3 * 305.0)
    [case] = detect_payment_mismatch(drop.graph, POLICY)
    assert case.amount_at_risk == 9 * 3 * (455.0 - 305.0)


def test_a_change_of_class_and_of_size_in_one_month_is_no_mismatch():
    """Three members paid at class C until July, when the son left; the two left paid at
    class A, the roster's, since."""
    drop = _three_members("A", ended="C")
    drop.pay("DB1", MONTHS_2026[:7], 3 * 305.0)
    drop.pay("DB1", MONTHS_2026[7:], 2 * 455.0)
    assert detect_payment_mismatch(drop.graph, POLICY) == []


@pytest.mark.parametrize(("paid", "months"), [([1400.0] * 7 + [915.0] * 3, 7), ([1400.0] * 10, 10)])
def test_amounts_that_fit_no_class_exactly_stay_a_mismatch(paid, months):
    """A change from an amount of no class (1,400: three members at no class's 455 or 305)
    to the current class C, or a ledger at no class at all, is paid amiss."""
    drop = _three_members("C")
    for month, amount in zip(MONTHS_2026, paid, strict=True):
        drop.pay("DB1", [month], amount)
    [case] = detect_payment_mismatch(drop.graph, POLICY)
    assert case.features["months"] == months
    assert not any("视为类别调整" in item.text for item in case.evidence)


def test_a_lead_left_before_a_change_of_class_says_what_it_took_as_the_earlier_class():
    drop = _three_members("A")
    drop.pay("DB1", MONTHS_2026[:3], 2000.0)  # no class
    drop.pay("DB1", MONTHS_2026[3:7], 3 * 305.0)  # class C
    drop.pay("DB1", MONTHS_2026[7:], 3 * 455.0)  # class A, the roster's
    [case] = detect_payment_mismatch(drop.graph, POLICY)
    assert case.amount_at_risk == 3 * (2000.0 - 1365.0)
    assert any(item.text.startswith("2026-04 至 2026-07 的发放额恰为低保C类按当月人数的标准，2026-08 起按现类别发放："
                                    "视为类别调整") for item in case.evidence)  # fmt: skip


def test_a_case_paid_short_is_a_lead_without_money_at_risk():
    [case] = detect_payment_mismatch(_paid([760.0] * 5 + [455.0] * 5).graph, POLICY)
    assert case.amount_at_risk is None
    assert "少发合计 1525.00 元" in case.evidence[0].text


def test_a_family_paid_the_living_members_amounts_after_a_death_is_not_paid_short():
    """A2 died in February (his row never closed); from May the case was paid A1's amount
    alone: nothing is owed to the dead, and what April paid for him is deceased_paid's."""
    drop = _paid([760.0] * 4 + [455.0] * 6)
    drop.die("p-2", "D1", date(2026, 2, 10))
    assert detect_payment_mismatch(drop.graph, POLICY) == []
    (death,) = detect_deceased_paid(drop.graph, POLICY)
    assert death.amount_at_risk == 305.0  # April, after the grace month: his C amount


def test_a_case_paid_double_after_its_members_death_has_the_second_amount_at_risk_too():
    """A single member of class A (455) died in March, her row still active; DB1 was paid
    910 all year. deceased_paid reports her own 455 a month after April, the grace month;
    the second 455 of every month is paid to no one: 10 months of it, the grace and the
    months after included."""
    drop = HouseholdSketch(AMOUNTS_2026)
    drop.enrol("old", "DB1", "A1", dibao_class="A")
    drop.pay("DB1", MONTHS_2026, 910.0)
    drop.die("old", "D1", date(2026, 3, 10))
    (case,) = detect_payment_mismatch(drop.graph, POLICY)
    (death,) = detect_deceased_paid(drop.graph, POLICY)
    assert (case.amount_at_risk, death.amount_at_risk) == (455.0 * 10, 455.0 * 6)
    assert case.amount_at_risk + death.amount_at_risk == 910.0 * 10 - 455.0 * 4  # all not owed
    stopped = HouseholdSketch(AMOUNTS_2026)  # the office stopped her money: no lead
    stopped.enrol("old", "DB1", "A1", dibao_class="A")
    stopped.pay("DB1", MONTHS_2026[:4], 455.0)
    stopped.die("old", "D1", date(2026, 3, 10))
    assert detect_payment_mismatch(stopped.graph, POLICY) == []


def test_a_case_whose_dead_members_row_was_ended_is_judged_on_the_living():
    """The grandfather died in March and the office ended his row: DB2 paid three amounts all
    year for two living members, 455 too much each month after April, the grace month."""
    drop = HouseholdSketch(AMOUNTS_2026)
    drop.enrol("grandpa", "DB2", "A0", dibao_class="A", end=date(2026, 3, 31))
    drop.enrol("li", "DB2", "A1", dibao_class="A")
    drop.enrol("wife", "DB2", "A2", dibao_class="A")
    drop.pay("DB2", MONTHS_2026, 1365.0)
    drop.die("grandpa", "D1", date(2026, 3, 10))
    (case,) = detect_payment_mismatch(drop.graph, POLICY)
    assert case.amount_at_risk == 455.0 * 6


def test_a_month_of_refunds_is_not_judged_as_a_month_paid():
    """Two months paid 455 too much, then a month of 760 and a refund of 910 (the two
    months' excess): two months amiss, fewer than three, and nothing left at risk."""
    drop = _paid([760.0] * 7 + [1215.0] * 2 + [760.0])
    drop.pay("DB1", ["2026-10"], -910.0)
    assert detect_payment_mismatch(drop.graph, POLICY) == []
    only = _paid([760.0] * 7 + [1215.0] * 2)  # the refund alone in October: no month either
    only.pay("DB1", ["2026-10"], -910.0)
    assert detect_payment_mismatch(only.graph, POLICY) == []


def test_refunds_after_months_paid_too_much_are_deducted_from_the_money_at_risk():
    """Three months 455 too much (1,365), then October paid 760 and refunded: all of it back
    is no lead (the office put it right, as a death repaid in full is none); part of it, a
    lead for the rest; a refund before the months paid too much repays none of them."""
    drop = _paid([760.0] * 6 + [1215.0] * 3 + [760.0])
    drop.pay("DB1", ["2026-10"], -1365.0)
    assert detect_payment_mismatch(drop.graph, POLICY) == []
    part = _paid([760.0] * 6 + [1215.0] * 3 + [760.0])
    part.pay("DB1", ["2026-10"], -455.0)  # October nets 305: 760 paid, 455 paid back
    (case,) = detect_payment_mismatch(part.graph, POLICY)
    assert case.amount_at_risk == 910.0 and "4 个月" not in case.evidence[0].text
    said = [item.text for item in case.evidence]
    assert "3 个月" in said[0] and "多发合计 1365.00 元" in said[0]
    assert any("退回（追回）多发的 455.00 元（2026-10），已从多发金额中扣除，尚余 910.00 元" in text
               for text in said)  # fmt: skip
    alone = _paid([760.0] * 6 + [1215.0] * 3)
    alone.pay("DB1", ["2026-10"], -455.0)  # October holds the refund alone: no month paid
    (case,) = detect_payment_mismatch(alone.graph, POLICY)
    assert case.amount_at_risk == 910.0
    assert any("2026-10 的发放记录（含退回）合计不大于零，不作为发放月份核对" in item.text
               for item in case.evidence)  # fmt: skip
    before = _paid([760.0] * 6 + [1215.0] * 4)
    before.pay("DB1", ["2026-02"], -455.0)  # February's refund repays nothing paid later
    (case,) = detect_payment_mismatch(before.graph, POLICY)
    assert case.amount_at_risk == 455.0 * 4


# 特困's levels in 2026 (``models.amounts.tekun_levels``): 分散供养 at home 630, 集中供养 in an
# institution (基本生活费 and 照料护理费) 1000.
TEKUN_LEVELS_2026 = {month_index(month): (630.0, 1000.0) for month in MONTHS_2026}


def _tekun(amounts: list[float]) -> HouseholdSketch:
    """特困 case TK1 of one member, paid ``amounts`` from 2026-01 on."""
    drop = HouseholdSketch(AMOUNTS_2026, tekun_levels=TEKUN_LEVELS_2026)
    drop.enrol("old", "TK1", "T1", program="tekun")
    for month, amount in zip(MONTHS_2026, amounts, strict=False):
        drop.pay("TK1", [month], amount)
    return drop


@pytest.mark.parametrize("amounts", [[1000.0] * 10, [630.0] * 10, [630.0] * 4 + [1000.0] * 6])
def test_a_tekun_case_paid_at_any_of_its_levels_is_no_lead(amounts):
    """集中供养 at 1000 is as legitimate as 分散供养 at 630, and a move into the home too."""
    assert detect_payment_mismatch(_tekun(amounts).graph, POLICY) == []


def test_a_tekun_case_paid_at_no_level_is_judged_by_its_own_level_to_the_fen():
    """Paid 630 (分散) until April, then 1260 six months: 630 too much each month, not the
    260 above the institution's 1000; a case never paid at a level is judged by the nearest."""
    (case,) = detect_payment_mismatch(_tekun([630.0] * 4 + [1260.0] * 6).graph, POLICY)
    assert case.amount_at_risk == 630.0 * 6
    assert "2026-05 实发 1260.00 元，应发 630.00 元（特困 1 人）" in case.evidence[1].text
    (case,) = detect_payment_mismatch(_tekun([1260.0] * 10).graph, POLICY)
    assert case.amount_at_risk == 260.0 * 10
    (case,) = detect_payment_mismatch(_tekun([1000.0] * 7 + [500.0] * 3).graph, POLICY)
    assert case.amount_at_risk is None and "少发合计 1500.00 元" in case.evidence[0].text


def _tekun_at(level: str | None, amounts: list[float]) -> HouseholdSketch:
    """特困 case TK1 of one member whose roster states care level ``level``, paid
    ``amounts``; care levels 全自理 630, 半护理 1000 (``models.amounts.care_amounts``)."""
    drop = _tekun(amounts)
    drop.graph.edges[next(iter(drop.graph.edges(("person", "old"), keys=True)))]["care_level"] = (
        level
    )
    drop.graph.graph["care_amounts"] = {
        (None, "全自理"): dict.fromkeys(TEKUN_LEVELS_2026, 630.0),
        (None, "半护理"): dict.fromkeys(TEKUN_LEVELS_2026, 1000.0)}  # fmt: skip
    return drop


def test_a_tekun_member_paid_above_his_roster_care_level_is_a_lead_for_the_excess():
    """Roster 全自理 (630), paid 半护理 (1000) from 2026-05: 370 too much six months; until
    2026-12-07 he was owed the level he was paid at and raised nothing."""
    (case,) = detect_payment_mismatch(_tekun_at("全自理", [630.0] * 4 + [1000.0] * 6).graph, POLICY)
    assert case.amount_at_risk == 370.0 * 6
    assert any("按花名册护理等级（全自理）" in item.text for item in case.evidence)


@pytest.mark.parametrize("level, amounts", [
    ("半护理", [630.0] * 4 + [1000.0] * 6),  # re-assessed up in May, the roster's level now
    ("全自理", [1000.0] * 4 + [630.0] * 6),  # re-assessed down
    (None, [630.0] * 4 + [1000.0] * 6),  # no level stated: as before
    ("全护理", [630.0] * 4 + [1000.0] * 6),  # the level's amount unknown: as before
])  # fmt: skip
def test_a_care_level_paid_in_the_latest_month_or_unknown_raises_nothing(level, amounts):
    assert detect_payment_mismatch(_tekun_at(level, amounts).graph, POLICY) == []


def test_a_home_resident_paid_no_care_levels_amount_is_judged_by_the_ledgers_levels():
    """Roster 全自理 (分散 630), a home's resident paid its 集中供养 1000 all year (too few of
    the level's cases for ``care_amounts`` to tell 1000 apart): no care level's amount (半护理
    800), so judged as before; until 2026-12-07 (review) a false lead of 370 ten months."""
    drop = _tekun_at("全自理", [1000.0] * 10)
    drop.graph.graph["care_amounts"][(None, "半护理")] = dict.fromkeys(TEKUN_LEVELS_2026, 800.0)
    assert detect_payment_mismatch(drop.graph, POLICY) == []


def test_a_dead_tekun_member_paid_at_the_institutions_level_is_charged_what_was_paid():
    drop = _tekun([1000.0] * 10)
    drop.die("old", "D1", date(2026, 6, 10))
    (case,) = detect_deceased_paid(drop.graph, POLICY)
    assert case.amount_at_risk == 1000.0 * 3  # 2026-08, 09, 10: all that was paid
    assert detect_payment_mismatch(drop.graph, POLICY) == []


def test_the_policys_tekun_levels_are_levels_too():
    policy = replace(POLICY, monthly_amounts={"tekun": {"2026-01": [630, 880, 1180]}})
    drop = HouseholdSketch(AMOUNTS_2026)
    for n, amount in enumerate((630.0, 880.0, 1180.0, 1400.0)):
        drop.enrol(f"p{n}", f"TK{n}", f"T{n}", program="tekun")
        drop.pay(f"TK{n}", MONTHS_2026, amount)
    (case,) = detect_payment_mismatch(drop.graph, policy)
    assert case.records == [("assistance", "T3")] and case.amount_at_risk == 220.0 * 10


@pytest.mark.parametrize(
    "amounts",
    [[760.0] * 10,  # paid as owed
     [760.0] * 8 + [1215.0] * 2,  # two months amiss: fewer than the policy's three
     [800.0] * 10],  # within a tenth of what is owed (rounding, a small allowance)
)  # fmt: skip
def test_payments_as_owed_or_briefly_or_slightly_off_are_no_lead(amounts):
    assert detect_payment_mismatch(_paid(amounts).graph, POLICY) == []


def test_months_whose_amounts_are_unknown_are_not_judged():
    """No class on a row, or a ledger that prices no class (补差): nothing to compare."""
    assert detect_payment_mismatch(_paid([1215.0] * 10, classes=("A", None)).graph, POLICY) == []
    assert detect_payment_mismatch(_paid([1215.0] * 10, known={}).graph, POLICY) == []


def test_a_payment_with_no_covered_member_active_is_amiss():
    drop = _paid([760.0] * 10)
    for _, _, row in drop.graph.edges(("case", "DB1"), data=True):
        row["end"] = date(2026, 6, 30)  # both left in June; paid on through October
    [case] = detect_payment_mismatch(drop.graph, POLICY)
    assert case.amount_at_risk == 760.0 * 4
    assert "当月无在保成员" in case.evidence[1].text
    assert all(item.text for item in case.evidence)  # no amounts owed: no line of their source


@pytest.mark.parametrize(
    ("profile", "member", "listed"),
    [
        ("兴安盟", {"labor": "weak", "status": "monitored"}, True),  # 部分丧失劳动能力, poor
        ("兴安盟", {"labor": "lost", "status": "lifted", "income": 3000.0}, True),  # under standard
        ("兴安盟", {"labor": "lost", "status": "lifted", "income": 6000.0}, False),  # not poor
        ("兴安盟", {"labor": "none", "status": "monitored"}, False),  # never had it (a child)
        ("沙坡头区", {"cause": "因病", "status": "not_lifted"}, True),  # 因大病致贫, poor
        ("沙坡头区", {"cause": "因灾", "status": "lifted", "income": 3000.0}, True),  # 突发事件
        ("沙坡头区", {"cause": "因学", "status": "not_lifted"}, False),
        ("沙坡头区", {"cause": "因残", "status": "lifted", "income": 6000.0}, False),
    ],
)
def test_xinganmeng_clears_lost_labour_and_shapotou_puts_illness_and_disaster_first(
    profile, member, listed
):
    drop = HouseholdSketch()
    drop.poor("p-bao", "JD1", **member)
    cases = detect_unenrolled_key_person(drop.graph, load_policy(profile))
    assert bool(cases) == listed
    assert detect_unenrolled_key_person(drop.graph, POLICY) == []


XINGANMENG = load_policy("兴安盟")


def _no_one_works(status: str = "monitored", income: float | None = None) -> HouseholdSketch:
    """建档立卡 household PH1: 白音 (丧失劳动力, on 低保 DB1) and his wife (无劳动力)."""
    drop = HouseholdSketch()
    drop.poor("p-baiyin", "JD1", status=status, income=income, labor="lost")
    drop.poor("p-wife", "JD2", status=status, income=income, labor="none")
    drop.enrol("p-baiyin", "DB1", "A1")
    return drop


def test_a_poor_household_where_no_one_can_work_and_not_in_tekun_is_listed_with_what_to_check():
    drop = _no_one_works()
    drop.family("H1", "p-baiyin", "p-wife", "p-son")  # a son on the hukou: maybe a supporter
    [case] = detect_tekun_eligible(drop.graph, XINGANMENG)
    assert case.records == [("poverty", "JD1"), ("poverty", "JD2")]
    texts = [item.text for item in case.evidence]
    assert "目前享受低保（案件 DB1）" in texts[1] and "未纳入低保或特困" in texts[2]
    assert any("户籍中另有家庭成员 1 人" in text for text in texts)
    assert any(text.startswith("数据无法显示：有无生活来源") for text in texts)
    assert case.features["relatives"] == 1.0
    assert detect_tekun_eligible(drop.graph, POLICY) == []  # not a default check


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.poor("p-daughter", "JD3", status="monitored", labor="ordinary"),  # she works
        lambda d: [d.enrol(p, f"TK{n}", f"T{n}", program="tekun")
                   for n, p in enumerate(("p-baiyin", "p-wife"))],  # both in 特困 already
    ],
)  # fmt: skip
def test_a_household_with_someone_able_to_work_or_already_in_tekun_is_not_listed(change):
    drop = _no_one_works()
    change(drop)
    assert detect_tekun_eligible(drop.graph, XINGANMENG) == []


def test_a_household_not_poor_is_not_listed():
    assert detect_tekun_eligible(_no_one_works("lifted", 6000.0).graph, XINGANMENG) == []
    assert detect_tekun_eligible(_no_one_works("lifted", 3000.0).graph, XINGANMENG) != []


def test_cases_whose_members_all_exited_but_are_still_paid_rest_on_their_listed_rows():
    # two households of no covered member, both paid on: each case rests on its own rows
    # (with none, both had the same case id and the run could not publish them)
    drop = HouseholdSketch(AMOUNTS_2026)
    for case_no, pid in (("DB1", "li"), ("DB2", "wang")):
        drop.enrol(pid, case_no, f"A-{pid}", dibao_class="A", covered=False)
        drop.pay(case_no, MONTHS_2026, 455.0)
    found = detect_payment_mismatch(drop.graph, POLICY)
    assert sorted(case.records for case in found) == [[("assistance", "A-li")],
                                                      [("assistance", "A-wang")]]  # fmt: skip
    assert len({case.case_id for case in found}) == 2


def test_a_case_closed_after_being_paid_past_its_gradual_exit_keeps_its_lead():
    dated, undated = HouseholdSketch(), HouseholdSketch()
    for drop, since in ((dated, date(2025, 3, 10)), (undated, None)):
        drop.enrol("zhang", "DB7", "A1", start=date(2019, 3, 1), end=date(2026, 6, 30),
                   income=500.0, income_since=since)  # fmt: skip
        drop.enrol("wife", "DB7", "A2", start=date(2019, 3, 1), end=date(2026, 6, 30),
                   covered=False, income=500.0, income_since=since)  # fmt: skip
        drop.pay("DB7", [f"2025-{m:02d}" for m in range(1, 13)]
                 + [f"2026-{m:02d}" for m in range(1, 7)], 350.0)  # fmt: skip
        drop.poor("zhang", "P7", status="lifted")
    (case,) = detect_over_standard(dated.graph, load_policy("梁平区回龙镇"))  # 6 months
    assert case.records == [("assistance", "A1")]
    assert case.amount_at_risk == 350.0 * 9  # 2025-10 to 2026-06, closed at the end of June
    assert any("已于 2026-06-30 退出" in item.text for item in case.evidence)
    assert detect_over_standard(undated.graph, load_policy("梁平区回龙镇")) == []


def test_a_case_closed_on_the_drops_last_day_is_closed():
    """A blind tester's exit for income (2026-12-08): the 退出日期 is the drop's last day, the
    income undated (the assessment that closed it): no lead, as a month later (until then a
    lead of 4,800 元 counted from its 纳入日期, then resolved as gone from the data)."""
    found = []
    for end in (date(2026, 2, 28), None):  # closed that day, or still open
        drop = HouseholdSketch(as_of=date(2026, 2, 28))
        drop.enrol("zhang", "DB7", "A1", start=date(2019, 3, 1), end=end, income=520.0)
        drop.pay("DB7", [f"2025-{m:02d}" for m in range(7, 13)] + ["2026-01", "2026-02"], 600.0)
        found.append(len(detect_over_standard(drop.graph, load_policy())))
    assert found == [0, 1]


@pytest.mark.parametrize(("refund", "left"), [(-455.0, 455.0 * 3), (-455.0 * 4, 0.0)])
def test_money_a_duplicates_case_paid_back_is_deducted_up_to_what_was_paid_twice(refund, left):
    drop = HouseholdSketch(AMOUNTS_2026)
    drop.enrol("li", "DB1", "A1", dibao_class="A")
    drop.enrol("li", "DB2", "A2", start=date(2026, 1, 1), dibao_class="A")
    drop.pay("DB1", MONTHS_2026[:4], 455.0)  # paid twice January to April
    drop.pay("DB2", MONTHS_2026, 455.0)
    drop.pay("DB1", ["2026-06"], refund)  # the township took back one month, or all and more
    (case,) = detect_duplicate_enrollment(drop.graph, POLICY)
    assert case.amount_at_risk == left
    assert any(f"退回（追回）{455.0 * 4 - left:.2f} 元（2026-06）" in item.text
               for item in case.evidence)  # fmt: skip


def test_a_covered_row_of_the_familys_case_left_unlinked_under_his_name_covers_him():
    """泽仁 (ID 1960-01-01, male) is in his son's 低保 case on a row with a blank ID; among
    namesakes in the village linking left that row on its own. The row has his name, birth
    date and gender: he is covered, not missed. A row that is someone else's is no cover: one
    of another birth date, or one linked to a namesake's hukou row."""

    def drop_with(born: date, on_hukou: bool) -> HouseholdSketch:
        drop = HouseholdSketch()
        drop.family("HK1", "son", "zeren")
        drop.graph.nodes[("person", "zeren")]["id18"] = "513338196001015171"
        drop.certify("zeren", "C1", "physical", 1)
        drop.enrol("son", "DB1", "A1", income=303.0)
        drop.enrol("row", "DB1", "A2", income=303.0, birth_date=born, gender="M")
        if on_hukou:
            drop.family("HK2", "row")
        for pid in ("zeren", "row"):
            drop.graph.nodes[("person", pid)]["name"] = "泽仁"
        return drop

    assert detect_missed_disability(drop_with(date(1960, 1, 1), False).graph, POLICY) == []
    assert len(detect_missed_disability(drop_with(date(1971, 5, 2), False).graph, POLICY)) == 1
    assert len(detect_missed_disability(drop_with(date(1960, 1, 1), True).graph, POLICY)) == 1


def test_a_notice_source_outside_the_contracts_codes_is_shown_as_written():
    # a blind tester's Tibetan county: 数据来源 村委会 read as 来源：来源不明 until 2026-12-06
    drop = HouseholdSketch(AMOUNTS_2026)
    drop.enrol("wife", "DB1", "A1", id18="X1", dibao_class="C")
    drop.pay("DB1", MONTHS_2026, 305.0)
    drop.die("wife", "D1", date(2026, 6, 10), source=None, source_written="村委会", id18="X1")
    (case,) = detect_deceased_paid(drop.graph, POLICY)
    assert "（来源：村委会（非标准来源））" in case.evidence[0].text


@pytest.mark.parametrize("later_record", ["A1", "A9"])
def test_a_duplicate_is_filed_first_under_the_later_enrollment(later_record):
    """A case is filed at its first record's township: a duplicate is the township's whose
    enrollment took in a person another case already covered, whatever the record ids."""
    earlier_record = "A5"
    drop = HouseholdSketch(AMOUNTS_2026)
    drop.enrol("he", "DB50", earlier_record, start=date(2019, 3, 1))
    drop.enrol("he", "DB302", later_record, start=date(2023, 5, 1))
    drop.pay("DB50", MONTHS_2026, 455.0)
    drop.pay("DB302", MONTHS_2026, 455.0)
    (case,) = detect_duplicate_enrollment(drop.graph, POLICY)
    assert case.records == [("assistance", later_record), ("assistance", earlier_record)]


CLASS_A_420 = {("A", month_index(month)): 420.0 for month in MONTHS_2026}


def _undated_member(*, paid: float, end: date | None = None) -> HouseholdSketch:
    """A case of one member whose 纳入日期 is blank (or not read), paid ``paid`` a month,
    beside two cases paid their class amount (the ledger pays by class)."""
    drop = _paid_by_class()
    drop.enrol("son", "DB1", "A1", start=None, end=end, dibao_class="A")
    drop.pay("DB1", MONTHS_2026, paid)
    return drop


def _paid_by_class() -> HouseholdSketch:
    drop = HouseholdSketch(CLASS_A_420)
    for number in (2, 3):
        drop.enrol(f"other{number}", f"DB{number}", f"A{number}0", dibao_class="A")
        drop.pay(f"DB{number}", MONTHS_2026, 420.0)
    return drop


def test_a_member_of_no_known_start_paid_his_amount_is_no_mismatch():
    # a blind tester's roster left 纳入日期 blank on two cases' rows: every month read
    # 应发 0.00（当月无在保成员）, two false leads of all their money (7,200 and 14,400 元)
    assert detect_payment_mismatch(_undated_member(paid=420.0).graph, POLICY) == []


def test_a_member_of_no_known_start_paid_twice_his_amount_is_paid_too_much_by_it():
    (case,) = detect_payment_mismatch(_undated_member(paid=840.0).graph, POLICY)
    assert case.amount_at_risk == 420.0 * 10  # his own amount counted as owed, not the whole
    text = "\n".join(item.text for item in case.evidence)
    assert (
        "纳入日期未填写或无法识别" in text and "按当月可能在保计入" in text and "None" not in text
    )


def test_a_member_of_no_known_start_is_owed_nothing_after_his_row_ended_or_he_died():
    drop = _paid_by_class()
    drop.enrol("li", "DB1", "A1", end=date(2026, 4, 30), dibao_class="A")
    drop.enrol("son", "DB1", "A2", start=None, dibao_class="A")
    drop.pay("DB1", MONTHS_2026, 840.0)
    (case,) = detect_payment_mismatch(drop.graph, POLICY)
    assert case.amount_at_risk == 420.0 * 6  # 2026-05 to 10: the son's amount is excused
    # dead in March: the months after his death and the grace are no one's, as with a start
    dead = _undated_member(paid=420.0)
    dead.die("son", "D1", date(2026, 3, 10))
    (case,) = detect_payment_mismatch(dead.graph, POLICY)
    assert case.amount_at_risk == 420.0 * 6


def test_a_member_of_a_county_paying_its_areas_apart_is_owed_his_areas_amount():
    # a blind tester's county: 城市低保 B 560 a month, 农村低保 B 400. Until 2026-12-07 the
    # county's one amount (400) priced every case: each urban B case a false payment_mismatch
    # lead of 160 a month, its dead member owed 400 for 560
    drop = HouseholdSketch({("B", month_index(month)): 400.0 for month in MONTHS_2026})
    drop.graph.graph["area_amounts"] = {
        (None, area): {("B", month_index(month)): amount for month in MONTHS_2026}
        for area, amount in (("urban", 560.0), ("rural", 400.0))}  # fmt: skip
    for case_no, area, paid in (("CS1", "urban", 560.0), ("NC1", "rural", 400.0),
                                ("DB1", None, 480.0)):  # fmt: skip
        drop.enrol(f"p{case_no}", case_no, f"A{case_no}", dibao_class="B", area=area)
        drop.pay(case_no, MONTHS_2026, paid)
    drop.die("pCS1", "D1", date(2026, 8, 2))
    (case,) = detect_deceased_paid(drop.graph, POLICY)
    assert case.amount_at_risk == 560.0  # 2026-10, after August plus the grace
    assert any("城市低保类别月标准" in item.text for item in case.evidence)
    # nor is the case of unknown area judged by either area's amount
    assert detect_payment_mismatch(drop.graph, POLICY) == []


def test_areas_paid_alike_within_the_tolerance_are_priced_as_one():
    drop = HouseholdSketch({("B", month_index(month)): 400.0 for month in MONTHS_2026})
    drop.graph.graph["area_amounts"] = {
        (None, area): {("B", month_index(month)): amount for month in MONTHS_2026}
        for area, amount in (("urban", 420.0), ("rural", 400.0))}  # fmt: skip
    drop.enrol("old", "CS1", "A1", dibao_class="B", area="urban")
    drop.pay("CS1", MONTHS_2026, 420.0)
    drop.die("old", "D1", date(2026, 8, 2))
    (case,) = detect_deceased_paid(drop.graph, POLICY)
    assert case.amount_at_risk == 400.0
