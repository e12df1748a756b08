"""What a role below auditor reads of a case: no ID, account or mobile number in any text."""

from __future__ import annotations

import json
import re

import pytest

from api.auth import Principal
from api.masking import holds_id_number, masked
from api.published import CaseFilter

ID = "532326195601016870"
# A case whose 救助证号 is DB and a member's ID (as some counties number cases), with that
# number in its evidence, its graph and a reviewer's texts, some of them written in groups.
DETAIL = {
    "case_id": "c-1",
    "evidence": [f"[救助对象 J1] 低保案件 DB{ID} 的保障对象"],
    "rows": [{"registry": "assistance", "case_no": f"DB{ID}", "id_number": ID,
              "phone": "13812345678"}],
    "graph": {"nodes": [{"kind": "case", "key": f"DB{ID}", "label": f"案件 DB{ID}"}]},
    "history": [{"reason": "户主身份证 532326 19560101 6870（另写作 532326-19560101-6870），"
                           "电话 138 1234 5678",
                 "assignee": f"李四 {ID}"}],
}  # fmt: skip


def test_an_analyst_reads_no_id_account_or_mobile_number_anywhere():
    shown = json.dumps(masked(DETAIL, Principal("a", "analyst")), ensure_ascii=False)
    digits = re.sub(r"[ \-]", "", shown)
    assert ID not in digits and "19560101" not in digits and "12345678" not in digits
    assert shown.count("532326***********0") == 8
    assert "138****5678" in shown and "DB532326***********0" in shown


def test_an_auditor_reads_everything_as_written():
    assert masked(DETAIL, Principal("a", "auditor")) == DETAIL


def test_short_numbers_amounts_and_dates_stay_readable():
    text = "案件 DB532326000004，金额 12930.00 元，2022-01 至 2024-06，记录 JZ0000432"
    assert masked({"evidence": [text]}, Principal("a", "admin")) == {"evidence": [text]}


def test_numbers_in_groups_are_masked_and_identifiers_a_client_sends_back_are_not():
    typed = "卡号 6228 4800 1234 5678 901，证号 5323 2619 5601 0168 70，532326/19560101/6870，+86 13812345678"
    answer = {"case_id": "c-b17349381123", "unique_id_l": "assistance:530326202401150001234",
              "records": [{"record_id": "530326202401150001234"}], "reason": typed,
              "evidence": ["2021-10-11 至 2023-04-02 发放 12,930.00 元"]}  # fmt: skip
    shown = masked(answer, Principal("a", "analyst"))
    assert (
        shown["reason"]
        == "卡号 622848************1，证号 532326***********0，532326***********0，138****5678"
    )
    assert {key: shown[key] for key in ("case_id", "unique_id_l", "records", "evidence")} == {
        key: answer[key] for key in ("case_id", "unique_id_l", "records", "evidence")}  # fmt: skip


@pytest.mark.parametrize(
    "text",
    ["532326 19560101 6870 2021年死亡", "2021-10-11 532326 19560101 6870",
     "532326-19560101-6870/532326-19600202-1234", "532326195601016870 533325 19600202 1234"],
)  # fmt: skip
def test_an_id_in_groups_beside_other_numbers_is_masked(text):
    shown = masked({"evidence": [text]}, Principal("a", "analyst"))["evidence"][0]
    digits = re.sub(r"\D", "", shown)
    assert "19560101" not in digits and "19600202" not in digits


@pytest.mark.parametrize(
    "who",
    [f"DB{ID}", ID, "DB 532326 19560101 6870", "ＤＢ５３２３２６１９５６０１０１６８７０",
     "6228 4800 1234 5678 901", f"{ID[:-1]}x"],
)  # fmt: skip
def test_a_text_holding_an_id_is_one_an_analyst_may_not_search(who):
    assert holds_id_number(who)


def test_a_masked_case_number_is_never_matched_for_a_role_that_sees_its_mask():
    """A search an analyst's role could send (were the router's refusal bypassed) finds a case
    by its case number only where the analyst sees it whole: else a match confirms a guess."""
    case = {"case_id": "c-1", "case_type": "deceased_paid", "township": "东乡", "village": "东村",
            "counties": [], "risk_score": 0.9, "resolved": False, "detail": DETAIL}  # fmt: skip
    assert CaseFilter(who=f"DB{ID}", sees_full_ids=True).admits(case, "open")
    assert not CaseFilter(who=f"DB{ID}").admits(case, "open")
    short = case | {"detail": {"rows": [{"case_no": "DB532326000004", "name": "张三"}]}}
    assert CaseFilter(who="DB532326000004").admits(short, "open")
    assert CaseFilter(who="张三").admits(short, "open")
