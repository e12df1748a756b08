"""Why a case resolved by data went away, on published runs made by hand: a run that read
the same files under another policy or threshold says the rules changed, not the data; one
that read other files under other rules says both changed."""

from __future__ import annotations

import json
from datetime import date, datetime

from api.ledgers import summary_rows
from api.monthly_report import monthly_report, monthly_summary
from api.published import CaseFilter, Published

FILES = json.dumps([{"registry": "deaths", "path": "d/死亡人员.csv", "sha256": "ab", "rows": 3}])
OTHER_FILES = json.dumps([{"registry": "deaths", "path": "d/死亡人员.csv", "sha256": "cd",
                           "rows": 2}])  # fmt: skip
DEFAULT = json.dumps({"name": "default", "death_grace_months": 0})
LENIENT = json.dumps({"name": "lenient", "death_grace_months": 24})


def _run(run_id, day, inputs, policy, threshold=0.9, name="default", version=1):
    return {"run_id": run_id, "started_at": datetime(2026, 10, day, 9),
            "finished_at": datetime(2026, 10, day, 10), "inputs": inputs,
            "settings": json.dumps({"threshold": threshold}), "policy": policy,
            "policy_name": name, "policy_version": version}  # fmt: skip


# A death notice and a roster row linked as one person, and a roster row of another.
ROWS = [{"unique_id": "deaths:SW1", "registry": "deaths", "person_id": "p1"},
        {"unique_id": "assistance:JZ1", "registry": "assistance", "person_id": "p1"},
        {"unique_id": "assistance:JZ2", "registry": "assistance", "person_id": "p2"}]  # fmt: skip


def _published(second: dict, *, gone=None, labels=(), events=(), paid=None,
               first_policy=DEFAULT, first_as_of=None) -> Published:  # fmt: skip
    case = {"case_id": "c", "case_type": "deceased_paid", "risk_score": 0.9,
            "amount_at_risk": 100.0, "township": "东乡", "village": "东村", "person_ids": [],
            "run_id": "r-1", "first_run": "r-1", "resolved_run": "r-2", "records": "[]",
            "evidence": "[]", "gone_records": gone, "paid_after_gone": paid,
            "detail": json.dumps({"rows": ROWS, "links": [], "graph": {}})}  # fmt: skip
    runs = [_run("r-1", 1, FILES, first_policy) | {"as_of": first_as_of}, second]
    return Published([case], [case], list(events), [], list(labels), runs)


def _resolution(second: dict, **given) -> str:
    return _published(second, **given).case("c")["resolution"]["reason"]


def _label(label_id, left, right, same_person, day=1):
    return {"label_id": label_id, "unique_id_l": left, "unique_id_r": right,
            "same_person": same_person, "pending": False, "actor": "a", "role": "analyst",
            "recorded_at": datetime(2026, 10, day, 12)}  # fmt: skip


def test_a_policy_change_on_the_same_files_says_the_rules_changed_and_names_the_policy():
    reason = _resolution(_run("r-2", 2, FILES, LENIENT, name="lenient", version=3))
    assert reason == ("口径调整后不再构成疑点（政策 default 第 1 版 → lenient 第 3 版："
                      "死亡后停发宽限（月）（death_grace_months）：0 → 24）")  # fmt: skip


def test_a_policy_change_names_every_rule_that_changed_with_its_old_and_new_value():
    """The reason says what changed, not only which policy: each rule with its old and new
    values, the rules that stayed unnamed; a new label on the same rules says so."""
    strict = {"name": "s", "death_grace_months": 0, "payment_tolerance": 0.05, "key_groups": []}
    loose = strict | {"name": "l", "payment_tolerance": 0.1, "key_groups": ["disabled"]}
    second = _run("r-2", 2, FILES, json.dumps(loose), name="l", version=2)
    assert _resolution(second, first_policy=json.dumps(strict)) == (
        "口径调整后不再构成疑点（政策 default 第 1 版 → l 第 2 版："
        "发放额与应发金额之差超过应发金额的比例即为不符（payment_tolerance）：0.05 → 0.1；"
        '需排查是否纳入保障的重点人群（key_groups）：[] → ["disabled"]）'
    )
    renamed = _run("r-2", 2, FILES, json.dumps({"name": "x", "death_grace_months": 0}), name="x")
    assert _resolution(renamed) == (
        "口径调整后不再构成疑点（政策 default 第 1 版 → x 第 1 版：规则未变，仅名称、版本或出处不同）"
    )


def test_a_threshold_change_on_the_same_files_names_the_threshold():
    reason = _resolution(_run("r-2", 2, FILES, DEFAULT, threshold=0.95))
    assert "口径调整" in reason and "0.9 → 0.95" in reason


def test_changed_files_under_the_same_rules_say_the_data_changed():
    assert _resolution(_run("r-2", 2, OTHER_FILES, DEFAULT)) == "后续数据中已不再出现"


def test_changed_files_and_policy_say_both_changed_and_name_the_policy():
    reason = _resolution(_run("r-2", 2, OTHER_FILES, LENIENT, name="lenient", version=3))
    assert reason == ("数据与口径均有变化，不再构成疑点（政策 default 第 1 版 → lenient 第 3 版："
                      "死亡后停发宽限（月）（death_grace_months）：0 → 24）")  # fmt: skip


def test_changed_files_and_threshold_say_both_changed():
    reason = _resolution(_run("r-2", 2, OTHER_FILES, DEFAULT, threshold=0.95))
    assert reason == "数据与口径均有变化，不再构成疑点（归并阈值 0.9 → 0.95）"


def test_the_rows_that_left_are_named_by_registry_and_record_id():
    reason = _resolution(_run("r-2", 2, OTHER_FILES, DEFAULT), gone=["deaths:SW1"])
    assert reason == "后续数据中该疑点的依据已不再出现：死亡人员 SW1"
    kept = _resolution(_run("r-2", 2, OTHER_FILES, DEFAULT), gone=[])
    assert kept == "后续数据中已不再出现（本案各条记录仍在，其内容或关联有变化）"


def test_a_case_gone_with_its_rows_all_there_after_a_month_more_of_ledger_says_so():
    """A blind tester: leads gone when the ledger grew by a month, nothing of their cases
    changed, read 其内容或关联有变化 (until 2026-12-06): the new month is named."""
    second = _run("r-2", 2, OTHER_FILES, DEFAULT) | {"as_of": date(2026, 3, 31)}
    assert _resolution(second, gone=[], first_as_of=date(2026, 2, 28)) == (
        "后续数据中已不再出现（本案各条记录仍在，发放记录由截至 2026-02 延至 2026-03，"
        "各条记录的内容（如名册的退出日期、收入，死亡记录的死亡日期、身份证号）或人员关联也可能有变化：按新数据重新判断后不再构成疑点）"
    )


def test_a_roster_row_deleted_while_its_case_is_still_paid_says_so():
    reason = _resolution(_run("r-2", 2, OTHER_FILES, DEFAULT), gone=["assistance:JZ1"],
                         paid="2024-07")  # fmt: skip
    assert reason == ("后续数据中该疑点的依据已不再出现：救助对象 JZ1；但名册删除的成员所在案件此后仍有发放"
                      "（至 2024-07），删除名册记录不等于已停发，请核实")  # fmt: skip


def test_a_confirmed_lead_says_it_was_confirmed_and_stays_in_the_confirmed_counts():
    confirmed = [{"event_id": 1, "case_id": "c", "to_status": "confirmed", "kind": "decision"}]
    published = _published(_run("r-2", 2, OTHER_FILES, DEFAULT), gone=["deaths:SW1"],
                           events=confirmed)  # fmt: skip
    reason = published.case("c")["resolution"]["reason"]
    assert reason == "已核实属实；后续数据中该疑点的依据已不再出现：死亡人员 SW1"
    assert published.list_cases(CaseFilter(status="confirmed"), sort="risk", offset=0,
                                limit=5)[0] == 1  # fmt: skip
    assert published.overview()["by_status"]["confirmed"] == 1
    assert summary_rows(published)[-1][-1] == 100.0  # 属实疑点涉及金额


def test_a_label_agreeing_with_the_linking_is_not_the_cause():
    agreeing = [_label(1, "assistance:JZ1", "deaths:SW1", True),
                _label(2, "assistance:JZ2", "deaths:SW1", False)]  # fmt: skip
    published = _published(_run("r-2", 2, OTHER_FILES, DEFAULT), gone=["deaths:SW1"],
                           labels=agreeing)  # fmt: skip
    resolution = published.case("c")["resolution"]
    assert resolution["labels"] == []
    assert resolution["reason"] == "后续数据中该疑点的依据已不再出现：死亡人员 SW1"


def test_a_label_that_parted_or_joined_rows_before_the_run_is_the_cause():
    parting = _label(1, "assistance:JZ1", "deaths:SW1", False)
    joining = _label(2, "assistance:JZ2", "deaths:SW1", True)
    late = _label(3, "assistance:JZ1", "assistance:JZ2", True, day=3)  # after the run
    published = _published(_run("r-2", 2, FILES, DEFAULT), gone=[],
                           labels=[parting, joining, late])  # fmt: skip
    resolution = published.case("c")["resolution"]
    assert [label["label_id"] for label in resolution["labels"]] == [1, 2]
    assert resolution["reason"] == "人员记录的标注改变了关联"


def test_the_status_and_the_monthly_report_say_why_a_lead_went_away():
    """A colluding insider (a blind tester, 2026-12-08) raised the threshold and the leads it
    closed read 因数据变化消除 on the page, in the 台账 and in the monthly report."""
    cases = {
        "rules": _published(_run("r-2", 2, FILES, DEFAULT, threshold=0.95)),
        "data": _published(_run("r-2", 2, OTHER_FILES, DEFAULT)),
        "data_and_rules": _published(_run("r-2", 2, OTHER_FILES, LENIENT, name="l")),
        "relinked": _published(_run("r-2", 2, FILES, DEFAULT), gone=[],
                               labels=[_label(1, "assistance:JZ1", "deaths:SW1", False)]),
    }  # fmt: skip
    labels = {cause: published.case("c")["status_label"] for cause, published in cases.items()}
    assert labels == {"rules": "因口径调整消除（政策或阈值）", "data": "因数据变化消除",
                      "data_and_rules": "因数据变化及口径调整消除",
                      "relinked": "因人员标注改变关联消除"}  # fmt: skip
    said = monthly_summary(monthly_report(cases["rules"], masked=False, made=date(2026, 10, 3)))
    assert "已消除 1 件（因口径调整 1 件：本次运行口径有调整：归并阈值 0.9 → 0.95）" in said
    said = monthly_summary(monthly_report(cases["data"], masked=False, made=date(2026, 10, 3)))
    assert "已消除 1 件（均因数据变化）" in said
