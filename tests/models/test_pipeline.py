"""End to end on a small synthetic county: the run's cases against its truth."""

from __future__ import annotations

import csv
import json

import pytest

from models.components import split_rows
from models.detection import Searchers
from models.evaluation.cases import load_truth_cases, method_cases, score_cases
from models.graph import graph_rows
from models.pipeline import run_pipeline
from models.policy import load_policy
from resolver.db import connect
from resolver.idcard import check_char
from resolver.settings import LinkSettings
from resolver.synthetic import CASE_TYPES, synthesize  # the types the default policy raises

# Which case type each negative control must not raise.
CONTROLS = {
    "legit_single_person": "split_household",
    "mistyped_enrolled": "missed_disability",
    "lookalike": "deceased_paid",
    "death_within_grace": "deceased_paid",
    "over_standard_within_exit": "over_standard",
}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    drop = synthesize(out / "county", people=10_000, seed=21).drop_dir
    result = run_pipeline(drop, out, policy=load_policy(), settings=LinkSettings())
    cases = [json.loads(line) for line in (out / "cases.jsonl").read_text().splitlines()]
    truth = load_truth_cases(out / "county/truth", load_policy())  # the default's own cases
    return result, cases, truth


def _keys(items, case_type):
    return {
        tuple(sorted((r["registry"], r["record_id"]) for r in item["records"]))
        for item in items
        if item.get("case_type") == case_type
    }


# The first band a reviewer works through: below it, leads the evidence itself doubts.
FIRST_BAND = 0.9


@pytest.mark.slow
@pytest.mark.parametrize("case_type", CASE_TYPES)
def test_cases_match_the_truth(run, case_type):
    _, cases, truth = run
    found, true = _keys(cases, case_type), _keys(truth, case_type)
    first = _keys([case for case in cases if case["risk_score"] >= FIRST_BAND], case_type)
    assert true, "the county must hold cases of every type"
    # A small county holds few cases of a type: one miss costs several points.
    assert len(first & true) / len(first) >= 0.9
    assert len(found & true) / len(true) >= 0.9


def _doubted(case: dict) -> bool:
    """A death lead whose evidence doubts it: the notice may be another's, or the person
    acted after the reported death."""
    doubts = ("未能唯一确认", "只是可能匹配", "生存迹象")
    return any(doubt in text for doubt in doubts for text in case["evidence"])


@pytest.mark.slow
def test_a_false_death_lead_says_why_it_may_be_and_scores_below_the_first_band(run):
    """The county holds living people reported dead and namesakes of the dead: a lead on
    them is raised (a death matching a paid member is the costliest to miss) but its
    evidence says what is doubtful and its score is lower."""
    _, cases, truth = run
    true = _keys(truth, "deceased_paid")
    false = [case for case in cases if case["case_type"] == "deceased_paid"
             and tuple(sorted((r["registry"], r["record_id"]) for r in case["records"])) not in true]  # fmt: skip
    assert all(_doubted(case) and case["risk_score"] < FIRST_BAND for case in false), false


@pytest.mark.slow
def test_amount_at_risk_found_is_the_true_amount(run):
    _, cases, truth = run
    for case_type in ("deceased_paid", "duplicate_enrollment"):
        true = {
            tuple(sorted((r["registry"], r["record_id"]) for r in c["records"])): c[
                "amount_at_risk"
            ]
            for c in truth
            if c["case_type"] == case_type
        }
        found = sum(
            c["amount_at_risk"]
            for c in cases
            if c["case_type"] == case_type
            and tuple(sorted((r["registry"], r["record_id"]) for r in c["records"])) in true
        )
        assert found >= 0.9 * sum(true.values())


@pytest.mark.slow
def test_no_case_on_a_negative_control(run):
    """The control's first record (the legitimate single-person row, the enrolled person's
    disability row, the living namesake's or the properly ended roster row) is in no case
    of the type the control imitates, but for a doubted lead on a namesake of the dead."""
    result, cases, _ = run
    controls_path = result.out_dir / "county" / "truth" / "controls.jsonl"
    controls = [json.loads(line) for line in controls_path.read_text().splitlines()]
    flagged = {
        (case["case_type"], record["registry"], record["record_id"])
        for case in cases
        for record in case["records"]
    }
    doubted = {
        (case["case_type"], record["registry"], record["record_id"])
        for case in cases if case["case_type"] == "deceased_paid" and _doubted(case)
        for record in case["records"]
    }  # fmt: skip
    checked = 0
    for control in controls:
        case_type = CONTROLS.get(control["control_type"])
        if case_type is None:
            continue
        protected = [r for r in control["records"] if r["registry"] != "deaths"]
        key = protected[-1] if control["control_type"] == "mistyped_enrolled" else protected[0]
        lead = (case_type, key["registry"], key["record_id"])
        # a namesake's death may raise a lead that names its doubt (test above)
        assert lead not in flagged or (control["control_type"] == "lookalike"
                                       and lead in doubted), control  # fmt: skip
        checked += 1
    assert checked >= 4 * 3


@pytest.mark.slow
def test_outputs_follow_the_contract(run):
    result, cases, _ = run
    for case in cases:
        assert set(case) == {
            "case_id",
            "case_type",
            "risk_score",
            "records",
            "amount_at_risk",
            "evidence",
        }
        assert case["case_type"] in CASE_TYPES
        assert 0.0 <= case["risk_score"] <= 1.0
        assert case["records"] and all(set(r) == {"registry", "record_id"} for r in case["records"])
        assert case["evidence"] and all(isinstance(text, str) for text in case["evidence"])
    assert len({case["case_id"] for case in cases}) == len(cases)
    with (result.out_dir / "entities.csv").open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header == ["registry", "record_id", "person_id"]


@pytest.fixture(scope="module")
def judged(run):
    """Per profile, the county's truth under it and the cases the run's persons raise under it,
    each built once for the module (several tests read one profile's); ``None``: the
    default policy's truth."""
    result, _, _ = run
    found: dict = {}

    def under(profile: str | None) -> tuple[list[dict], list]:
        if profile not in found:
            policy = load_policy() if profile is None else load_policy(profile)
            truth = load_truth_cases(result.out_dir / "county" / "truth", policy)
            cases = []
            if profile is not None:
                con = connect(result.db_path, read_only=True)
                try:
                    cases = method_cases(con, "doudi", policy)
                finally:
                    con.close()
            found[profile] = truth, cases
        return found[profile]

    return under


@pytest.mark.slow
@pytest.mark.parametrize("profile", ["大姚县", "梁平区回龙镇", "兴安盟"])
def test_over_standard_is_judged_by_each_profiles_reading_of_gradual_exit(judged, profile):
    """12, 6 and 24 months of 渐退 for 建档立卡 households only (none for other cases); 兴安盟
    keeps households not yet stably out of poverty covered: the truth reads each profile."""
    truth, cases = judged(profile)
    scores = score_cases(cases, truth, "over_standard")
    default, _ = judged(None)
    assert {_records(c) for c in truth if c["case_type"] == "over_standard"} != {
        _records(c) for c in default if c["case_type"] == "over_standard"}  # fmt: skip
    assert scores.precision >= 0.9 and scores.recall >= 0.9, scores
    assert scores.amount_reported == pytest.approx(scores.amount_found, rel=0.03)


def _records(case: dict) -> tuple:
    return tuple(sorted(record["record_id"] for record in case["records"]))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("profile", "case_type"),
    [("沙坡头区", "single_covered_member"), ("沙坡头区", "roster_gap"), ("沙坡头区", "a_class_partial"),
     ("大姚县", "unenrolled_key_person"), ("梁平区回龙镇", "unenrolled_key_person"),
     ("兴安盟", "exit_without_gradual"), ("兴安盟", "tekun_eligible"),
     ("兴安盟", "unenrolled_key_person"), ("沙坡头区", "unenrolled_key_person")],
)  # fmt: skip
def test_a_profiles_own_cases_match_its_truth(judged, profile, case_type):
    """Under a profile the county holds cases the default does not raise; the truth marks them."""
    truth, cases = judged(profile)
    scores = score_cases(cases, truth, case_type)
    assert scores.true > 0
    assert scores.precision >= 0.9 and scores.recall >= 0.9, scores
    default_truth, _ = judged(None)
    assert not any(case["case_type"] == case_type for case in default_truth)


@pytest.mark.slow
def test_searching_by_household_in_worker_processes_finds_the_same_cases(run, tmp_path):
    result, _, _ = run
    con = connect(result.db_path, read_only=True)
    rows = graph_rows(con)
    con.close()
    with Searchers(1, 1) as searchers:
        whole = searchers.detect(rows, load_policy())
    assert len(list(split_rows(rows, 2))) == 2
    # a part per worker, and more parts than workers (a province: one part at a time each)
    for parts in (2, 5):
        with Searchers(parts, 2) as searchers:
            parted = searchers.detect(rows, load_policy())
        assert sorted(case.case_id for case in parted.cases) == sorted(
            case.case_id for case in whole.cases
        )
        assert {case.case_id: case for case in parted.cases} == {
            case.case_id: case for case in whole.cases
        }
        assert parted.subgraphs == whole.subgraphs
        assert sorted(parted.gradual_ends, key=lambda end: end.case_no) == sorted(
            whole.gradual_ends, key=lambda end: end.case_no
        )


def _drop(folder, files: dict[str, str]):
    """A drop of CSV files (name: text) in ``folder``."""
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _leads(tmp_path, files: dict[str, str]) -> list[dict]:
    out = tmp_path / "out"
    run_pipeline(_drop(tmp_path / "drop", files), out, policy=load_policy(),
                 settings=LinkSettings())  # fmt: skip
    return [json.loads(line) for line in (out / "cases.jsonl").read_text().splitlines()]


TEKUN_ROSTER = (
    "记录编号,救助证号,姓名,身份证号码,与户主关系,救助类型,低保类别,是否保障对象,家庭人数,纳入日期,退出日期\n"
    "A1,TK01,杨贵,532326194807070063,本人,特困,,是,1,2022-01-01,\n"
    "A2,TK02,黄桂花,532326194908080076,本人,特困,,是,1,2022-01-01,\n"
)


def test_a_death_paid_by_quarters_is_the_months_after_it_at_a_third_of_each_line(tmp_path):
    # a blind tester's R1: a ledger of quarters (所属月份 2024-01至2024-03) stopped the run
    quarters = "".join(
        f"F{case}{q},TK0{case},{name},2024-{3 * q - 2:02d},2024-{3 * q - 2:02d}至2024-{3 * q:02d},"
        "特困供养金,1901.25,按季发放\n"
        for case, name in ((1, "杨贵"), (2, "黄桂花")) for q in range(1, 5))  # fmt: skip
    leads = _leads(tmp_path, {
        "救助对象.csv": TEKUN_ROSTER,
        "发放记录.csv": "记录编号,救助证号,领款人姓名,发放月份,所属月份,资金类别,发放金额（元）,备注\n"
                      + quarters,
        "死亡人员.csv": "记录编号,姓名,身份证号码,死亡日期,数据来源\n"
                      "D1,杨贵,532326194807070063,2024-02-10,公安\n"})  # fmt: skip
    [lead] = leads
    assert (lead["case_type"], lead["amount_at_risk"]) == ("deceased_paid", 5703.75)  # 9 x 633.75
    spread = "其中 2024-04 至 2024-06 按发放记录 F12 所属月份（多个月）平均分摊计"
    assert spread in lead["evidence"][2]


def test_a_back_pay_line_of_two_months_counts_both_after_the_death(tmp_path):
    # a blind tester's R5: F99 pays 2024-03至2024-04 in May; it was 月份无法识别, and left out
    monthly = "".join(f"F{n},DB02,王国华,2024-{n:02d},2024-{n:02d},低保金,824.00元,\n"
                      for n in range(1, 7))  # fmt: skip
    leads = _leads(tmp_path, {
        "救助对象.csv": "记录编号,救助证号,姓名,身份证号码,与户主关系,救助类型,低保类别,是否保障对象,"
                      "家庭人数,纳入日期,退出日期\n"
                      "A1,DB01,张福,532326195001010007,户主,低保,B,是,2,2020-01-01,\n"
                      "A2,DB01,李秀英,532326195202020017,配偶,低保,B,是,2,2020-01-01,\n"
                      "A3,DB02,王国华,532326196003030022,户主,低保,B,是,2,2020-01-01,\n"
                      "A4,DB02,赵兰,532326196104040035,配偶,低保,B,是,2,2020-01-01,\n",
        "发放记录.csv": "记录编号,救助证号,领款人姓名,发放月份,所属月份,资金类别,发放金额（元）,备注\n"
                      + monthly
                      + "".join(f"F1{n},DB01,张福,2024-{n:02d},2024-{n:02d},低保金,824.00元,\n"
                                for n in (1, 2, 5, 6))
                      + 'F99,DB01,张福,2024-05,2024-03至2024-04,低保金,"1,648.00",补发3-4月\n',
        "死亡人员.csv": "记录编号,姓名,身份证号码,死亡日期,数据来源\n"
                      "D1,张福,532326195001010007,2024-01-05,公安\n"})  # fmt: skip
    [lead] = leads
    assert (lead["case_type"], lead["amount_at_risk"]) == ("deceased_paid", 1648.0)  # 4 x 412


def _person_id(born: str, number: int) -> str:
    first17 = f"110101{born}{number:02d}001"
    return first17 + check_char(first17)


def _single_roster(program: str, numbers: range, born: str) -> str:
    """A roster of one-person cases of ``program`` (特困, or 低保 B类), 人n born ``born``+n."""
    prefix, dibao_class = ("TK", "") if program == "特困" else ("DB", "B")
    return ("记录编号,救助证号,姓名,身份证号码,与户主关系,救助类型,低保类别,是否保障对象,家庭人数,"
            "纳入日期,退出日期\n") + "".join(
        f"A{n},{prefix}0{n},人{n},{_person_id(born, n)},本人,{program},{dibao_class},是,1,"
        "2022-01-01,\n" for n in numbers)  # fmt: skip


PAYMENTS_HEAD = "记录编号,救助证号,领款人姓名,发放月份,所属月份,资金类别,发放金额（元）,备注\n"


def test_a_death_paid_by_quarters_written_in_words_is_the_months_after_it(tmp_path):
    # 2024年第N季度 was read as the month paid out carrying three months' money: each
    # quarterly case a payment_mismatch, the death 1,267.50 where six months are 3,802.50
    quarters = "".join(f"Q{n}{q},TK0{n},人{n},2024-{3 * q - 2:02d},2024年第{'一二三四'[q - 1]}季度,"
                       "特困供养金,1901.25,按季发放\n"
                       for n in (1, 2, 3) for q in range(1, 5))  # fmt: skip
    monthly = "".join(f"M{n}{m},TK0{n},人{n},2024-{m:02d},2024-{m:02d},特困供养金,633.75,\n"
                      for n in (4, 5, 6) for m in range(1, 13))  # fmt: skip
    leads = _leads(tmp_path, {
        "救助对象.csv": _single_roster("特困", range(1, 7), "194001"),
        "发放记录.csv": PAYMENTS_HEAD + quarters + monthly,
        "死亡人员.csv": "记录编号,姓名,身份证号码,死亡日期,数据来源\n"
                      f"D1,人1,{_person_id('194001', 1)},2024-05-10,公安\n"})  # fmt: skip
    # 6 x 633.75
    assert [(lead["case_type"], lead["amount_at_risk"]) for lead in leads] == [
        ("deceased_paid", 3802.5)
    ]


def test_a_death_paid_by_quarters_written_only_in_the_note_is_the_months_after_it(tmp_path):
    # a blind tester's county: no 所属月份, 备注 2024年1-3月; each quarter was read as one
    # month paid three times: the death 1,267.50 (twice 633.75) where six months are 3,802.50,
    # and each quarterly case a false payment_mismatch
    quarters = "".join(f"Q{n}{q},TK0{n},人{n},2024-{3 * q - 2:02d},特困供养金,1901.25,"
                       f"2024年{3 * q - 2}-{3 * q}月\n"
                       for n in (1, 2, 3) for q in range(1, 5))  # fmt: skip
    monthly = "".join(f"M{n}{m},TK0{n},人{n},2024-{m:02d},特困供养金,633.75,\n"
                      for n in (4, 5, 6) for m in range(1, 13))  # fmt: skip
    leads = _leads(tmp_path, {
        "救助对象.csv": _single_roster("特困", range(1, 7), "194001"),
        "发放记录.csv": "记录编号,救助证号,领款人姓名,发放月份,资金类别,发放金额（元）,备注\n"
                      + quarters + monthly,
        "死亡人员.csv": "记录编号,姓名,身份证号码,死亡日期,数据来源\n"
                      f"D1,人1,{_person_id('194001', 1)},2024-05-10,公安\n"})  # fmt: skip
    # 6 x 633.75
    assert [(lead["case_type"], lead["amount_at_risk"]) for lead in leads] == [
        ("deceased_paid", 3802.5)
    ]
    said = "其中 2024-07 至 2024-09 按发放记录 Q13 备注等所写月份（多个月）平均分摊计"
    assert any(said in text for text in leads[0]["evidence"])


@pytest.mark.parametrize("note", ["有效期2024.01-2024.12", "2024年1-12月"])
def test_a_period_noted_on_every_monthly_line_is_no_quarter(tmp_path, note):
    # a review: the lines of the period's first two and last two months were spread over the
    # year: 4 false payment_mismatch of 1,689.92 元 and the death 2,957.60 where 3,802.50
    monthly = "".join(f"M{n}{m},TK0{n},人{n},2024-{m:02d},特困供养金,633.75,{note}\n"
                      for n in (1, 2, 3, 4) for m in range(1, 13))  # fmt: skip
    leads = _leads(tmp_path, {
        "救助对象.csv": _single_roster("特困", range(1, 5), "194001"),
        "发放记录.csv": "记录编号,救助证号,领款人姓名,发放月份,资金类别,发放金额（元）,备注\n" + monthly,
        "死亡人员.csv": "记录编号,姓名,身份证号码,死亡日期,数据来源\n"
                      f"D1,人1,{_person_id('194001', 1)},2024-05-10,公安\n"})  # fmt: skip
    # 6 x 633.75
    assert [(lead["case_type"], lead["amount_at_risk"]) for lead in leads] == [
        ("deceased_paid", 3802.5)
    ]


@pytest.mark.parametrize("line", [
    "X1,DB01,人1,2024-05,2024-01~02,低保金,824.00,补发",  # a range of months before the death
    "X1,DB01,人1,2024-06,2024.1,低保金,412.00,补发",  # 2024.01 typed as a number
])  # fmt: skip
def test_a_back_pay_for_months_before_the_death_is_no_payment_after_it(tmp_path, line):
    # each was read as paid in its 发放月份: a deceased_paid of 412.00 for money owed him
    monthly = "".join(f"F{n}{m},DB0{n},人{n},2024-{m:02d},2024-{m:02d},低保金,412.00,\n"
                      for n in range(1, 5) for m in range(1, 7) if n > 1 or m <= 3)  # fmt: skip
    leads = _leads(tmp_path, {
        "救助对象.csv": _single_roster("低保", range(1, 5), "195001"),
        "发放记录.csv": PAYMENTS_HEAD + monthly + line + "\n",
        "死亡人员.csv": "记录编号,姓名,身份证号码,死亡日期,数据来源\n"
                      f"D1,人1,{_person_id('195001', 1)},2024-03-20,公安\n"})  # fmt: skip
    assert leads == []


def test_a_death_lead_on_a_line_whose_month_was_not_written_says_so(tmp_path):
    # 所属月份 无 is read as a blank one (its 发放月份); the lead did not say the month was
    # not written, though it may be a back pay for months before the death
    monthly = "".join(f"F{n}{m},DB0{n},人{n},2024-{m:02d},2024-{m:02d},低保金,412.00,\n"
                      for n in range(1, 5) for m in range(1, 7) if n > 1 or m <= 3)  # fmt: skip
    [lead] = _leads(tmp_path, {
        "救助对象.csv": _single_roster("低保", range(1, 5), "195001"),
        "发放记录.csv": PAYMENTS_HEAD + monthly + "X1,DB01,人1,2024-06,无,低保金,412.00,\n",
        "死亡人员.csv": "记录编号,姓名,身份证号码,死亡日期,数据来源\n"
                      f"D1,人1,{_person_id('195001', 1)},2024-03-20,公安\n"})  # fmt: skip
    assert (lead["case_type"], lead["amount_at_risk"]) == ("deceased_paid", 412.0)
    said = "其中发放记录 X1 的所属月份没有写月份，按发放月份 2024-06 计，如为补发以前月份请核对"
    assert any(said in text for text in lead["evidence"])


def test_a_death_date_unread_keeps_its_lead_counted_from_its_month_or_without_an_amount(tmp_path):
    # a blind tester's county: 2025-11-31 (日期无法识别) and a blank 死亡日期 (必填项为空) on
    # notices carrying the members' valid IDs dropped both leads, 8,500 + 6,800 元, unsaid
    # (人3's June is within the grace)
    monthly = "".join(f"F{n}{m},TK0{n},人{n},2024-{m:02d},2024-{m:02d},特困供养金,633.75,\n"
                      for n in range(1, 4) for m in range(1, 7))  # fmt: skip
    leads = _leads(tmp_path, {
        "救助对象.csv": _single_roster("特困", range(1, 4), "194001"),
        "发放记录.csv": PAYMENTS_HEAD + monthly,
        "死亡人员.csv": "记录编号,姓名,身份证号码,死亡日期,数据来源\n"
                      f"D1,人1,{_person_id('194001', 1)},2024-02-30,公安\n"
                      f"D2,人2,{_person_id('194001', 2)},,卫健\n"
                      f"D3,人3,{_person_id('194001', 3)},2024-05-10,公安\n"})  # fmt: skip
    by_row = {lead["records"][0]["record_id"]: lead for lead in leads}
    assert (by_row["A1"]["amount_at_risk"], by_row["A2"]["amount_at_risk"]) == (1901.25, None)
    assert "「2024-02-30」不是有效日期" in by_row["A1"]["evidence"][0]  # 2024-04 to 06
    assert "未填写死亡日期" in by_row["A2"]["evidence"][0]
    assert by_row["A2"]["risk_score"] <= 0.5 < by_row["A1"]["risk_score"]
    assert set(by_row) == {"A1", "A2"}


@pytest.mark.parametrize("written", ["2024-02-30 00:00:00", "30/02/2024", "02/30/2024"])
def test_a_death_date_its_month_lacks_counts_from_its_month_with_a_time_or_its_year_last(
    tmp_path, written
):
    # a review (2026-12-06): 2024-02-30 counted from February, but the same slip written
    # with a time, or the year last, was undated: a lead without an amount, scored ≤ 0.5
    monthly = "".join(f"F{n}{m},TK0{n},人{n},2024-{m:02d},2024-{m:02d},特困供养金,633.75,\n"
                      for n in range(1, 3) for m in range(1, 7))  # fmt: skip
    [lead] = _leads(tmp_path, {
        "救助对象.csv": _single_roster("特困", range(1, 3), "194001"),
        "发放记录.csv": PAYMENTS_HEAD + monthly,
        "死亡人员.csv": "记录编号,姓名,身份证号码,死亡日期,数据来源\n"
                      f"D1,人1,{_person_id('194001', 1)},{written},公安\n"
                      f"D2,人2,{_person_id('194001', 2)},2024-05-10,公安\n"})  # fmt: skip
    assert lead["amount_at_risk"] == 1901.25  # 2024-04 to 06; 人2's June is within the grace
    assert f"「{written}」不是有效日期" in lead["evidence"][0]
    assert lead["risk_score"] > 0.5


def test_a_run_stopped_before_it_published_leaves_the_last_runs_outputs(tmp_path, monkeypatch):
    """The outputs join the folder once the run is published: a run stopped before (killed,
    a disk error in publishing) leaves a hidden folder, not next month's cases beside a
    database still serving the last run (until 2026-12-07 (night))."""
    drop = synthesize(tmp_path / "county", people=300, seed=3).drop_dir
    out = tmp_path / "out"
    run_pipeline(drop, out, policy=load_policy(), settings=LinkSettings())
    before = {name: (out / name).read_bytes() for name in ("cases.jsonl", "entities.csv")}

    def stopped(*_args, **_kwargs):
        raise OSError("磁盘已满")

    monkeypatch.setattr("models.pipeline.publish_run", stopped)
    later = synthesize(tmp_path / "later", people=300, seed=4).drop_dir  # other leads
    with pytest.raises(OSError):
        run_pipeline(later, out, policy=load_policy(), settings=LinkSettings())
    assert {name: (out / name).read_bytes() for name in before} == before
    assert any(
        path.name.startswith(".r-") and path.name.endswith(".part") for path in out.iterdir()
    )
