"""What a role below auditor reads of a case: no ID, account or mobile number in any text,
no day of a date in a text; what an admin may read; what the access log keeps."""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from pathlib import Path

import duckdb
import httpx
import pytest

from api.auth import Principal
from api.masking import holds_id_number, masked
from api.published import CaseFilter
from api.validation import says_nothing
from tests.api.served import Server, client

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


def test_a_date_in_a_text_shows_its_year_only_and_a_date_field_stays():
    """A death record's 出生日期 quoted in evidence is a birth date: with the region and check
    digit a mask shows, it would leave a few dozen ID numbers."""
    answer = {
        "evidence": ["死亡记录的出生日期（1950-01-21）与本人身份证号所示（1963-01-21）相差 13 年",
                     "1963年1月21日出生，1963/1/21，19630121；2021-10 至 2024-06"],
        "items": [{"reasons": "在保成员有死亡记录（2021.3.5）", "start_date": "2021-03-05",
                   "recorded_at": "2026-12-05T10:00:00"}],
        "history": [{"reason": "本人 1963年01月21日 生"}],
    }  # fmt: skip
    shown = masked(answer, Principal("a", "analyst"))
    assert shown["evidence"] == [
        "死亡记录的出生日期（1950-**-**）与本人身份证号所示（1963-**-**）相差 13 年",
        "1963年**月**日出生，1963/**/**，1963****；2021-10 至 2024-06",
    ]
    assert shown["items"] == [{"reasons": "在保成员有死亡记录（2021.**.**）",
                               "start_date": "2021-03-05", "recorded_at": "2026-12-05T10:00:00"}]  # fmt: skip
    assert shown["history"] == [{"reason": "本人 1963年**月**日 生"}]
    assert masked(answer, Principal("a", "auditor")) == answer


def test_a_mobile_number_written_into_an_address_is_masked_below_auditor():
    # offices write the contact's mobile into 住址: until 2026-12-06 an analyst read it whole
    written = "金碧镇一村1号 电话13912345678"
    answer = {"rows": [{"address": written, "case_no": "DB13912345678"}],
              "graph": [{"kind": "address", "key": written, "label": written}]}  # fmt: skip
    shown = masked(answer, Principal("a", "analyst"))
    assert shown["rows"] == [{"address": "金碧镇一村1号 电话139****5678",
                              "case_no": "DB13912345678"}]  # fmt: skip
    assert shown["graph"] == [{"kind": "address", "key": "金碧镇一村1号 电话139****5678",
                               "label": "金碧镇一村1号 电话139****5678"}]  # fmt: skip
    assert masked(answer, Principal("a", "auditor")) == answer


def test_numbers_in_groups_are_masked_and_identifiers_a_client_sends_back_are_not():
    typed = "卡号 6228 4800 1234 5678 901，证号 5323 2619 5601 0168 70，532326/19560101/6870，+86 13812345678"
    answer = {"case_id": "c-b17349381123", "unique_id_l": "assistance:530326202401150001234",
              "records": [{"record_id": "530326202401150001234"}], "reason": typed,
              "evidence": ["2021-10 至 2023-04 发放 12,930.00 元"]}  # fmt: skip
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
     "532326-19560101-6870/532326-19600202-1234", "532326195601016870 533325 19600202 1234",
     "532326—19560101—6870", "５３２３２６－１９５６０１０１－６８７０",  # dashes of other widths
     "532326——19560101——6870", "532326−19560101−6870"],  # an input method's dash, a minus
)  # fmt: skip
def test_an_id_in_groups_beside_other_numbers_is_masked(text):
    shown = masked({"evidence": [text]}, Principal("a", "analyst"))["evidence"][0]
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", shown))
    assert "19560101" not in digits and "19600202" not in digits
    assert "1956" not in digits and "6870" not in digits  # no year, no tail beside a mask


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


PERSON_ID = "532326196301212449"
NAMED_FILE = f"死亡人员补报（蒋桂兰{PERSON_ID}）.csv"
DAY_IN_TEXT = re.compile(r"(?:18|19|20)\d\d(?:[-/.]\d{1,2}[-/.]\d{1,2}|年\d{1,2}月\d{1,2}日)")


@pytest.fixture(scope="module")
def named_county(tmp_path_factory, county_run):
    """The county served, its run's death notices read from a file named after a person (as
    offices name a late report)."""
    made, run_id, tokens = county_run
    out = tmp_path_factory.mktemp("named")
    shutil.copytree(made, out, dirs_exist_ok=True)
    with duckdb.connect(str(out / "doudi.duckdb")) as con:
        (inputs,) = con.execute("SELECT inputs FROM runs WHERE run_id = ?", [run_id]).fetchone()
        files = json.loads(inputs)
        deaths = next(item for item in files if item["registry"] == "deaths")
        deaths["path"] = str(Path(deaths["path"]).with_name(NAMED_FILE))
        con.execute("UPDATE runs SET inputs = ? WHERE run_id = ?", [json.dumps(files), run_id])
    server = Server(out / "doudi.duckdb")
    server.start()
    yield {"run_id": run_id, "tokens": tokens, "server": server}
    server.stop()


def _log(county) -> list[dict]:
    with client(county, "admin") as admin:
        return admin.get("/api/access-log", params={"limit": 1000}).json()["items"]


def test_an_analyst_reads_no_day_of_a_date_in_any_text_of_a_case(named_county):
    with client(named_county, "auditor") as auditor:
        items = auditor.get("/api/cases", params={"limit": 500}).json()["items"]
        dated = [case["case_id"] for case in items
                 if DAY_IN_TEXT.search(json.dumps(auditor.get(f"/api/cases/{case['case_id']}")
                                                  .json()["evidence"], ensure_ascii=False))]  # fmt: skip
    assert len(dated) > 5
    with client(named_county, "analyst") as analyst:
        for case_id in dated[:20]:
            detail = analyst.get(f"/api/cases/{case_id}").json()
            texts = json.dumps([detail["evidence"], detail["history"], detail["graph"]],
                               ensure_ascii=False)  # fmt: skip
            assert not DAY_IN_TEXT.search(texts), case_id
            assert re.search(r"(?:18|19|20)\d\d-\*\*-\*\*", texts), case_id
        triage = analyst.get("/api/triage").text
        assert not DAY_IN_TEXT.search(json.dumps(json.loads(triage)["items"], ensure_ascii=False))


def test_a_runs_file_named_after_a_person_is_masked_below_auditor_and_its_read_logged(
    named_county,
):
    run_id = named_county["run_id"]
    masked_name = f"死亡人员补报（蒋桂兰{PERSON_ID[:6]}***********{PERSON_ID[-1]}）.csv"
    for role in ("analyst", "admin"):
        with client(named_county, role) as http:
            detail = http.get(f"/api/runs/{run_id}")
            assert detail.status_code == 200
            assert PERSON_ID not in detail.text
            assert masked_name in [Path(item["path"]).name for item in detail.json()["inputs"]]
    with client(named_county, "auditor") as auditor:
        paths = [item["path"] for item in auditor.get(f"/api/runs/{run_id}").json()["inputs"]]
    assert NAMED_FILE in [Path(path).name for path in paths]
    reads = [(entry["actor"], entry["target"]) for entry in _log(named_county)
             if entry["action"] == "read_run"]  # fmt: skip
    assert {actor for actor, _ in reads} == {"analyst-1", "admin-1", "auditor-1"}
    assert all(target.startswith(run_id) for _, target in reads)


def test_an_admin_may_not_read_the_people_a_what_if_or_triage_names(named_county):
    with client(named_county, "admin") as admin:
        assert admin.get("/api/what-if", params={"threshold": 0.9999}).status_code == 403
        assert admin.get("/api/triage").status_code == 403
    with client(named_county, "analyst") as analyst:
        assert analyst.get("/api/what-if", params={"threshold": 0.9999}).status_code == 200
        assert analyst.get("/api/triage").status_code == 200


def test_the_access_log_keeps_no_id_number_typed_into_any_path_or_query(named_county):
    """Every GET route, each path parameter and a few queries given an ID number, by every
    role and by an unknown token: whatever is logged holds the number masked."""
    with client(named_county, "auditor") as auditor:
        paths = auditor.get("/openapi.json").json()["paths"]
    typed = {"who": PERSON_ID, "after": PERSON_ID, "run_id": PERSON_ID}
    urls = [re.sub(r"\{[^}]+\}", PERSON_ID, path) for path, methods in paths.items()
            if "get" in methods and "{" in path]  # fmt: skip
    assert "/api/scores/persons/532326196301212449" in urls
    for role in ("auditor", "analyst", "consumer", "admin"):
        with client(named_county, role) as http:
            for url in urls:
                http.get(url, params=typed)
    with httpx.Client(base_url=named_county["server"].url) as stranger:
        stranger.get(f"/api/scores/id-numbers/{PERSON_ID}",
                     headers={"Authorization": "Bearer nope"})  # fmt: skip
    entries = _log(named_county)
    targets = [entry["target"] for entry in entries]
    assert not [target for target in targets if PERSON_ID in re.sub(r"\D", "", target)]
    logged = {entry["action"] for entry in entries if "532326***********9" in entry["target"]}
    assert {"score_by_person", "score_by_case", "score_by_id_number", "sign_in_failed"} <= logged


@pytest.mark.parametrize(
    "blank", ["\u3164", "\u2800", "\u115f\u1160", "\uffa0", "\u034f\ufe0f\u17b5"]
)
def test_a_text_of_fillers_and_marks_says_nothing(blank):
    # until 2026-12-07 a token named "\u3164" and a dismissal for the reason "\u3164" passed
    assert says_nothing(f" {blank} ")


def test_an_id_in_groups_is_masked_in_a_404_and_found_by_an_auditor(named_county):
    # a blind tester: 没有疑点 echoed the ID typed in the path whole; an auditor's who written
    # in groups found no lead where the plain ID found one
    grouped = f"{PERSON_ID[:6]} {PERSON_ID[6:14]} {PERSON_ID[14:]}"
    with client(named_county, "auditor") as auditor:
        missing = auditor.get(f"/api/cases/{grouped}")
        case_id = auditor.get("/api/cases", params={"limit": 1}).json()["items"][0]["case_id"]
        rows = auditor.get(f"/api/cases/{case_id}").json()["rows"]
        id_number = next(row["id_number"] for row in rows if row.get("id_number"))
        plain = auditor.get("/api/cases", params={"who": id_number}).json()
        dashed = auditor.get("/api/cases", params={"who": f"{id_number[:6]}-{id_number[6:14]} "
                                                           f"{id_number[14:]}"})  # fmt: skip
    assert missing.status_code == 404 and missing.json()["detail"] == "没有疑点 532326***********9"
    assert plain["total"] >= 1 and dashed.json()["total"] == plain["total"]


def test_an_id_in_groups_split_by_underscores_or_tabs_is_masked():
    # a blind tester's reason 532326_19900907_7407 was shown 532326_1990****_7407
    for written in ("532326_19900907_7407", "532326\t19900907\t7407"):
        reason = masked({"reason": f"李四{written}"}, Principal("a", "analyst"))["reason"]
        assert reason == "李四532326***********7"


GROUPED = ("532326", "19840811", "9489")


@pytest.mark.parametrize(
    "separator", [",", "，", "\u00a0", "|", ":", "：", "+", "、", ", ", " , ", "\u200b", "）（"]
)
def test_an_id_or_a_phone_grouped_by_any_separator_is_masked(separator):
    # a blind tester's 责任人 张三 532326,19840811,9489 was shown 532326,1984****,9489 (14 of
    # 18 digits) and a phone 153,3066,0260 whole
    typed = f"张三 {separator.join(GROUPED)} 电话 {separator.join(('153', '3066', '0260'))}"
    shown = masked({"assignee": typed, "evidence": [typed]}, Principal("a", "analyst"))
    assert shown["assignee"] == "张三 532326***********9 电话 153****0260"
    assert shown["evidence"][0].startswith("张三 532326***********9 电话")


@pytest.mark.parametrize(
    "text",
    ["金额 1,234.50 元，合计 12,930.00 元", "退回 1500.00 200.00 元", "2021-10 10:30:15",
     "2022-01,2022-02,2022-03,2022-04", "案件 DB532326000004，DB532326000005，c-6b340fac5f63",
     "户号 0700900005|0700900006", "人数 3，4，5，6，7，8，9，10，11，12",
     # lists of years, months, amounts or codes, which review found masked as an ID
     "2021、2022、2023、2024", "所属月份 202101、202102、202103", "455，455，455，455，455",
     "村编码 532326101，532326102"],
)  # fmt: skip
def test_amounts_dates_and_case_numbers_with_such_separators_stay(text):
    assert masked({"reason": text}, Principal("a", "analyst")) == {"reason": text}


def test_an_id_ending_in_x_or_a_digit_short_grouped_by_a_list_mark_is_masked_whole():
    # the X after grouped digits was left out of the number (a lazy separator), and a
    # stretch joined by 、 or | is one number where it reads as an ID, a digit short too
    shown = masked({"reason": "532326|19840811|948X，532326、19840811、948"},
                   Principal("a", "analyst"))  # fmt: skip
    assert shown == {"reason": "532326***********X，532326***********"}


def test_the_access_log_keeps_no_id_number_grouped_by_any_separator(named_county):
    # a blind tester's score_by_person '532326,19840811,9489 无疑点' and searches written with
    # a no-break space, a pipe, a colon or a plus were logged with 14 of 18 digits
    forms = [separator.join(GROUPED) for separator in (",", "\u00a0", "|", ":", "+", "，")]
    with client(named_county, "consumer") as consumer:
        for form in forms:
            consumer.get(f"/api/scores/persons/{form}")
    for role in ("analyst", "auditor"):
        with client(named_county, role) as http:
            for form in forms:
                http.get("/api/cases", params={"who": form})
    targets = [entry["target"] for entry in _log(named_county)]
    assert not [target for target in targets if "19840811" in re.sub(r"\D", "", target)]
    assert sum("532326***********9" in target for target in targets) >= 3 * len(forms)


def test_an_id_typed_into_a_path_or_a_query_is_masked_in_every_refusal(named_county):
    # a blind tester: 没有运行记录 532326198408119489 came back whole to an analyst and an admin
    with client(named_county, "analyst") as analyst:
        missing_run = analyst.get(f"/api/runs/{PERSON_ID}").json()["detail"]
        unknown_run = analyst.get("/api/runs/r-20261205-203000-1234").json()["detail"]
        # a review: an ID typed in a run id's shape was answered whole
        run_shaped = analyst.get("/api/runs/r-53232619-840811-9489").json()["detail"]
        county = analyst.get("/api/cases", params={"county": PERSON_ID}).json()["detail"]
    with client(named_county, "admin") as admin:
        token = admin.delete(f"/api/tokens/{PERSON_ID}").json()["detail"]
    assert missing_run == "没有运行记录 532326***********9"
    assert unknown_run == "没有运行记录 r-20261205-203000-1234"  # a run's id stays as typed
    assert "19840811" not in run_shaped.replace("-", "")
    assert county.startswith("数据中没有区县 532326***********9")
    assert token == "没有编号为 532326***********9 的令牌"
