"""Why a case resolved by data went away, on published runs made by hand: a run that read
the same files under another policy or threshold says the rules changed, not the data; one
that read other files under other rules says both changed."""

from __future__ import annotations

import json
from datetime import datetime

from api.published import Published

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


def _resolution(second: dict) -> str:
    case = {"case_id": "c", "case_type": "deceased_paid", "risk_score": 0.9,
            "amount_at_risk": 100.0, "township": "东乡", "village": "东村", "person_ids": [],
            "run_id": "r-1", "first_run": "r-1", "resolved_run": "r-2", "records": "[]",
            "evidence": "[]",
            "detail": json.dumps({"rows": [], "links": [], "graph": {}})}  # fmt: skip
    runs = [_run("r-1", 1, FILES, DEFAULT), second]
    return Published([case], [case], [], [], [], runs).case("c")["resolution"]["reason"]


def test_a_policy_change_on_the_same_files_says_the_rules_changed_and_names_the_policy():
    reason = _resolution(_run("r-2", 2, FILES, LENIENT, name="lenient", version=3))
    assert reason.startswith("口径调整（政策或阈值变更）后不再构成疑点")
    assert "lenient 第 3 版" in reason


def test_a_threshold_change_on_the_same_files_names_the_threshold():
    reason = _resolution(_run("r-2", 2, FILES, DEFAULT, threshold=0.95))
    assert "口径调整" in reason and "0.9 → 0.95" in reason


def test_changed_files_under_the_same_rules_say_the_data_changed():
    assert _resolution(_run("r-2", 2, OTHER_FILES, DEFAULT)) == "后续数据中已不再出现"


def test_changed_files_and_policy_say_both_changed_and_name_the_policy():
    reason = _resolution(_run("r-2", 2, OTHER_FILES, LENIENT, name="lenient", version=3))
    assert reason == "数据与口径均有变化，不再构成疑点（政策 lenient 第 3 版）"


def test_changed_files_and_threshold_say_both_changed():
    reason = _resolution(_run("r-2", 2, OTHER_FILES, DEFAULT, threshold=0.95))
    assert reason == "数据与口径均有变化，不再构成疑点（归并阈值 0.9 → 0.95）"
