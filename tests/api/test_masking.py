"""What a role below auditor reads of a case: no ID, account or mobile number in any text."""

from __future__ import annotations

import json
import re

from api.auth import Principal
from api.masking import masked

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
