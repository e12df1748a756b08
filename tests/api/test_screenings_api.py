"""Screenings through the API (issue 20): an auditor uploads a payment list of the served
county, the screening is stored with its held lines, analysts read it, a held line is
cleared by an event and stays listed, and the access log holds the upload and the reads."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import httpx
import openpyxl
import pytest

from api.screenings import MAX_UNPACKED
from tests.api.served import client

pytestmark = pytest.mark.slow
UNKNOWN_CASE = "DB999999999999"
NOTE = "暂缓仅为发放前核实提示，不是停发决定"


def payment_list(county, lines: int = 60) -> tuple[bytes, list[str]]:
    """A CSV of the county's own payments (its drop's first lines), the first line's amount
    tripled, and a line of a case the run does not know, its payee's ID left blank (an ID
    would stand for the case: ``models.screening``); with the payees' ID numbers."""
    source = next(county["drop"].glob("payments*.csv"))
    rows = list(csv.DictReader(io.StringIO(source.read_text(encoding="utf-8-sig"))))[:lines]
    rows[0]["amount"] = f"{float(rows[0]['amount']) * 3:.2f}"
    rows.append(
        {**rows[1], "case_no": UNKNOWN_CASE, "record_id": "FF9999999", "payee_id_number": ""}
    )
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    ids = [row["payee_id_number"] for row in rows if row.get("payee_id_number")]
    return buffer.getvalue().encode("utf-8"), ids


@pytest.fixture(scope="module")
def uploaded(county):
    content, ids = payment_list(county)
    with client(county, "auditor") as http:
        response = http.post("/api/screenings",
                             files={"file": ("2026年10月发放表.csv", content, "text/csv")})  # fmt: skip
    assert response.status_code == 201, response.text
    return {"summary": response.json(), "content": content, "ids": ids}


def test_an_auditor_uploads_a_list_and_the_screening_is_stored(county, uploaded):
    found = uploaded["summary"]
    assert found["file_name"] == "2026年10月发放表.csv" and found["actor"] == "auditor-1"
    assert found["lines"] == 61 and found["passed"] + found["held"] == 61
    assert found["held"] >= 1 and found["by_reason"]["无法核对"] >= 1
    assert found["note"] == NOTE and found["cleared"] == 0
    assert sum(month["lines"] for month in found["by_month"].values()) == 61
    with client(county, "auditor") as http:
        detail = http.get(f"/api/screenings/{found['screening_id']}").json()
        written = http.get(found["file_url"])
    assert len(detail["items"]) == found["held"]
    unknown = next(item for item in detail["items"] if item["case_no"] == UNKNOWN_CASE)
    assert unknown["line_no"] == 61 and unknown["row_no"] == 62
    assert "无法核对" in unknown["labels"] and unknown["status"] == "pending"
    assert unknown["status_label"] == "待核实" and unknown["history"] == []
    first = next((item for item in detail["items"] if item["line_no"] == 1), None)
    assert first is not None and "发放金额与类别人数不符" in first["labels"]
    payees = [
        row["payee_name"] for row in csv.DictReader(io.StringIO(uploaded["content"].decode()))
    ]
    assert (first["payee_name"], unknown["payee_name"]) == (payees[0], payees[60]) != (None, None)
    text = str(detail)
    assert not [number for number in uploaded["ids"] if number in text]  # no full ID kept
    assert not re.search(r"\d{17}[\dXx]", text)
    assert written.status_code == 200
    rows = list(csv.reader(io.StringIO(written.content.decode("utf-8"))))
    assert rows[0][-2:] == ["审核结果", "暂缓原因"] and len(rows) == 62
    assert rows[-1][-2] == "暂缓" and rows[-1][-1].endswith(NOTE)


def test_roles_upload_list_and_read(county, uploaded):
    screening_id = uploaded["summary"]["screening_id"]
    files = {"file": ("发放表.csv", uploaded["content"], "text/csv")}
    with client(county, "analyst") as http:
        assert http.post("/api/screenings", files=files).status_code == 403
        listed = http.get("/api/screenings").json()
        assert screening_id in [s["screening_id"] for s in listed]
        assert http.get(f"/api/screenings/{screening_id}").status_code == 200
        assert http.get(f"/api/screenings/{screening_id}/file").status_code == 403
        clear = {"outcome": "released", "note": "已核实"}
        assert http.post(f"/api/screenings/{screening_id}/lines/61/clear",
                         json=clear).status_code == 403  # fmt: skip
        assert http.get("/api/screenings/999999").status_code == 404
    for role in ("consumer", "admin"):
        with client(county, role) as http:
            assert http.get("/api/screenings").status_code == 403
            assert http.get(f"/api/screenings/{screening_id}").status_code == 403
            assert http.post("/api/screenings", files=files).status_code == 403
    with client(county, "auditor") as http:
        bad = http.post("/api/screenings", files={"file": ("发放.csv", b"a,b\n1,2\n", "text/csv")})
        assert bad.status_code == 422 and "发放.csv" in bad.json()["detail"]
        assert "/tmp" not in bad.json()["detail"]


def test_a_cleared_line_keeps_its_history_and_newest_is_listed_first(county, uploaded):
    screening_id = uploaded["summary"]["screening_id"]
    url = f"/api/screenings/{screening_id}/lines/61/clear"
    with client(county, "auditor") as http:
        assert http.post(url, json={"outcome": "kept", "note": ""}).status_code == 422
        assert http.post(f"/api/screenings/{screening_id}/lines/9999/clear",
                         json={"outcome": "kept", "note": "x"}).status_code == 404  # fmt: skip
        first = http.post(url, json={"outcome": "kept", "note": "救助证号待乡镇核对"})
        second = http.post(url, json={"outcome": "released", "note": "已核实，证号录入有误"})
        assert first.status_code == second.status_code == 201
        assert second.json()["outcome_label"] == "核实后放行"
        line = next(item for item in http.get(f"/api/screenings/{screening_id}").json()["items"]
                    if item["line_no"] == 61)  # fmt: skip
        written = http.get(uploaded["summary"]["file_url"]).content.decode("utf-8")
        again = http.post("/api/screenings",
                          files={"file": ("第二次.csv", uploaded["content"], "text/csv")})  # fmt: skip
        listed = http.get("/api/screenings").json()
    assert line["status"] == "released" and line["status_label"] == "核实后放行"
    cleared = list(csv.reader(io.StringIO(written)))[61]  # the file says how it was cleared
    assert cleared[-2] == "通过" and cleared[-1].startswith(
        "核实后放行：已核实，证号录入有误（auditor-1"
    )
    assert "原暂缓原因：" in cleared[-1]
    assert [(e["outcome"], e["note"], e["actor"]) for e in line["history"]] == [
        ("kept", "救助证号待乡镇核对", "auditor-1"),
        ("released", "已核实，证号录入有误", "auditor-1")]  # fmt: skip
    assert listed[0]["screening_id"] == again.json()["screening_id"] > screening_id
    assert next(s for s in listed if s["screening_id"] == screening_id)["cleared"] >= 1
    with client(county, "analyst") as http:
        seen = next(item for item in http.get(f"/api/screenings/{screening_id}").json()["items"]
                    if item["line_no"] == 61)  # fmt: skip
    assert seen["status"] == "released"
    assert {event["note"] for event in seen["history"]} == {"（仅审计员可见）"}


def test_the_access_log_holds_uploads_and_reads(county, uploaded):
    screening_id = uploaded["summary"]["screening_id"]
    with client(county, "analyst") as http:
        http.get(f"/api/screenings/{screening_id}")
        http.get("/api/screenings")
        http.get("/api/triage")
    with client(county, "auditor") as http:  # an upload refused for its size is logged too
        http.get(f"/api/screenings/{screening_id}")
        http.get(f"/api/screenings/{screening_id}/file")
        assert http.post("/api/screenings", files={"file": ("巨.csv", b"x" * 21_000_000)}
                         ).status_code == 413  # fmt: skip
    with client(county, "admin") as http:
        log = http.get("/api/access-log", params={"limit": 200}).json()["items"]
    actions = {(entry["actor"], entry["action"]) for entry in log}
    assert {("analyst-1", "list_screenings"), ("analyst-1", "read_triage"),
            ("auditor-1", "upload_refused")} <= actions  # fmt: skip
    entries = {(entry["actor"], entry["action"], entry["target"].split()[1]) for entry in log
               if entry["action"] in ("screen_payments", "read_screening",
                                      "download_screening")}  # fmt: skip
    assert ("auditor-1", "screen_payments", str(screening_id)) in entries
    assert ("auditor-1", "read_screening", str(screening_id)) in entries
    assert ("analyst-1", "read_screening", str(screening_id)) in entries
    assert ("auditor-1", "download_screening", str(screening_id)) in entries


def test_a_list_larger_than_the_general_limit_is_read_on_this_route_only(county):
    big = b"x" * 2_000_000  # over the 1 MB of other routes, under this route's 20 MB
    with client(county, "auditor") as http:
        response = http.post("/api/screenings", files={"file": ("大.csv", big, "text/csv")})
        assert response.status_code == 422  # read and refused as a file, not as a body
        assert http.post("/api/cases/c-any/decisions", content=big,
                         headers={"Content-Type": "application/json"}).status_code == 413  # fmt: skip
        huge = http.post("/api/screenings", files={"file": ("巨.csv", b"x" * 21_000_000)})
        assert huge.status_code == 413
    anonymous = httpx.post(f"{county['server'].url}/api/screenings",
                           files={"file": ("大.csv", big, "text/csv")}, timeout=30)  # fmt: skip
    assert anonymous.status_code == 413  # without a bearer token, the general 1 MB holds
    made_up = httpx.post(f"{county['server'].url}/api/screenings",
                         headers={"Authorization": "Bearer " + "0" * 43},
                         files={"file": ("大.csv", big, "text/csv")}, timeout=30)  # fmt: skip
    assert made_up.status_code == 413  # nor with a token nobody was given


@pytest.mark.parametrize(
    ("name", "content"),
    [("空.csv", b""), ("坏.xlsx", b"PK\x03\x04 not a workbook"), ("旧.xls", b"\xd0\xcf\x11\xe0"),
     ("无后缀", b"a,b\n"), ("../../x", b"\x00\xff" * 100), ("表.csv", "发放月份\n2026-10\n".encode())],
)  # fmt: skip
def test_odd_uploads_are_refused_in_chinese_never_a_server_error(county, name, content):
    with client(county, "auditor") as http:
        response = http.post("/api/screenings", files={"file": (name, content, "text/csv")})
    assert response.status_code == 422, response.text
    assert re.search(r"[\u4e00-\u9fff]", str(response.json()["detail"]))


def test_a_form_without_a_file_is_a_422(county):
    with client(county, "auditor") as http:
        assert http.post("/api/screenings", files={"file": ("", b"a,b\n")}).status_code == 422
        assert http.post("/api/screenings", data={"x": "1"}).status_code == 422


def test_an_id_in_a_case_number_or_the_file_name_is_never_kept(county):
    # an office typed an ID in 救助证号, or named the file by one: no full ID is stored
    content, ids = payment_list(county, lines=3)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8"))))
    case = rows[0].index("case_no")
    rows[1][case], rows[2][case] = ids[0], f"DB{ids[1]}"
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    with client(county, "auditor") as http:
        response = http.post("/api/screenings", files={
            "file": (f"低保{ids[2]}.csv", buffer.getvalue().encode("utf-8"), "text/csv")})  # fmt: skip
    assert response.status_code == 201, response.text
    screening_id = response.json()["screening_id"]
    with client(county, "analyst") as http:
        text = str(http.get("/api/screenings").json())
        text += str(http.get(f"/api/screenings/{screening_id}").json())
    assert not re.search(r"\d{15}", text)
    assert f"低保{ids[2][:6]}{'＊' * 11}{ids[2][-1]}.csv" in text


def test_a_workbook_that_unpacks_to_more_than_the_limit_is_refused_before_it_is_read(county):
    buffer = io.BytesIO()  # a few hundred kilobytes that unpack past the limit (a zip bomb)
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member,
    ):
        for _ in range(MAX_UNPACKED // 1_000_000 + 1):
            member.write(b"<row/>" * 166_667)
    with client(county, "auditor") as http:
        response = http.post("/api/screenings", files={"file": ("发放.xlsx", buffer.getvalue())})
    assert response.status_code == 422 and "超过上传核对的上限" in response.json()["detail"]


def _workbook(rows: list[list], far_cell: bool = False, rel_prefix: str = "r") -> bytes:
    """A list as a workbook: a value typed far away (XFD1048576), or the relationships
    namespace bound to another prefix than ``r`` in its workbook part."""
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    if far_cell:
        book.active["XFD1048576"] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    source, out = zipfile.ZipFile(buffer), io.BytesIO()
    with source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/workbook.xml":
                data = data.replace(b"xmlns:r=", f"xmlns:{rel_prefix}=".encode())
                data = data.replace(b" r:id=", f" {rel_prefix}:id=".encode())
            archive.writestr(item, data)
    return out.getvalue()


def test_a_workbook_with_a_value_far_away_is_refused_and_the_server_stays_up(county):
    # the reader would have laid out 2^34 cells and ended the server's process
    content = _workbook([["救助证号", "发放金额"], ["DB1", 300]], far_cell=True)
    with client(county, "auditor") as http:
        response = http.post("/api/screenings", files={"file": ("远处.xlsx", content)})
        assert response.status_code == 422
        assert "删除多余的行和列后另存再试" in response.json()["detail"]
        assert http.get("/api/screenings").status_code == 200
    with client(county, "admin") as http:
        log = http.get("/api/access-log", params={"limit": 50}).json()["items"]
    assert any(entry["target"] == "远处.xlsx 未能审核 422" for entry in log)


def test_a_workbook_binding_the_relationships_namespace_to_another_prefix_is_screened(county):
    csv_content, _ = payment_list(county, lines=5)
    rows = list(csv.reader(io.StringIO(csv_content.decode("utf-8"))))
    content = _workbook(rows, rel_prefix="rel")
    with client(county, "auditor") as http:
        response = http.post("/api/screenings", files={"file": ("发放.xlsx", content)})
        assert response.status_code == 201, response.text
        written = http.get(response.json()["file_url"]).content
    sheet = openpyxl.load_workbook(io.BytesIO(written)).active
    assert [cell.value for cell in sheet[1]][-2:] == ["审核结果", "暂缓原因"]


def test_an_id_in_a_sheets_name_is_kept_masked_and_shown_masked(county):
    # sheets named by a person: the list's (its held lines name it) and one not read (a note)
    content, _ = payment_list(county, lines=3)
    book = openpyxl.Workbook()
    listed = book.active
    listed.title = "低保532326195601016870"
    for row in csv.reader(io.StringIO(content.decode("utf-8"))):
        listed.append(row)
    book.create_sheet("户主532326195308294219").append(["请于月底前报送"])
    buffer = io.BytesIO()
    book.save(buffer)
    with client(county, "auditor") as http:
        response = http.post("/api/screenings", files={"file": ("发放表.xlsx", buffer.getvalue())})
        assert response.status_code == 201, response.text
        screening_id = response.json()["screening_id"]
        stored = str(http.get("/api/screenings").json())  # an auditor reads what is kept
        stored += str(http.get(f"/api/screenings/{screening_id}").json())
    with client(county, "analyst") as http:
        shown = http.get(f"/api/screenings/{screening_id}").json()
        listed_ = http.get("/api/screenings").json()
    assert "工作表「户主532326***********9」未读取" in str(shown["notes"])
    assert {item["sheet"] for item in shown["items"]} == {"低保532326***********0"}
    assert shown["note"] == NOTE and listed_[0]["note"] == NOTE
    for text in (stored, str(shown), str(listed_)):
        assert not re.search(r"\d{15}", text)


def test_clearing_a_held_line_keeps_the_token_and_is_in_the_access_log(county, uploaded):
    screening_id = uploaded["summary"]["screening_id"]
    with client(county, "admin") as http:
        token_id = next(token["token_id"] for token in http.get("/api/tokens").json()
                        if token["name"] == "auditor-1")  # fmt: skip
    with client(county, "auditor") as http:
        cleared = http.post(f"/api/screenings/{screening_id}/lines/61/clear",
                            json={"outcome": "kept", "note": "待乡镇核对"})  # fmt: skip
    assert cleared.status_code == 201 and cleared.json()["token_id"] == token_id
    with client(county, "admin") as http:
        log = http.get("/api/access-log", params={"limit": 500}).json()["items"]
    [entry] = [entry for entry in log if entry["action"] == "clear_screening_line"
               and f"事件 {cleared.json()['event_id']}" in entry["target"]]  # fmt: skip
    assert (entry["actor"], entry["token_id"]) == ("auditor-1", token_id)
    assert entry["target"].startswith(f"screening {screening_id} 第61条 确认暂缓")


def _screened(http, rows: list[dict], name: str) -> tuple[dict, list[list[str]]]:
    """Upload ``rows`` as a CSV list; its summary and the written-back file's rows."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    response = http.post("/api/screenings",
                         files={"file": (name, buffer.getvalue().encode("utf-8"), "text/csv")})  # fmt: skip
    assert response.status_code == 201, response.text
    written = http.get(response.json()["file_url"]).content.decode("utf-8")
    return response.json(), list(csv.reader(io.StringIO(written)))[1:]


def test_a_released_shared_account_or_amount_passes_next_time_until_its_basis_changes(county):
    source = next(county["drop"].glob("payments*.csv"))
    rows = list(csv.DictReader(io.StringIO(source.read_text(encoding="utf-8-sig"))))[300:360]
    with client(county, "auditor") as http:
        _, clean = _screened(http, rows, "原表.csv")
        passing = [i for i, cells in enumerate(clean) if cells[-2] == "通过"]
        a, b, c, d = [i for i in passing if rows[i]["case_no"] not in
                      {rows[j]["case_no"] for j in passing if j < i}][:4]  # fmt: skip
        changed = [dict(row) for row in rows]
        changed[b]["bank_account"] = rows[a]["bank_account"]  # B paid into A's account
        changed[d]["amount"] = f"{float(rows[d]['amount']) * 3:.2f}"
        found, held = _screened(http, changed, "十月.csv")
        assert [held[i][-2] for i in (a, b, d)] == ["暂缓"] * 3
        assert held[a][-1].startswith("领款账号与其他案件共用") and "发放金额" not in held[a][-1]
        assert held[d][-1].startswith("发放金额与类别人数不符")
        for line in (a, d):
            cleared = http.post(f"/api/screenings/{found['screening_id']}/lines/{line + 1}/clear",
                                json={"outcome": "released", "note": "代领，已入户核实"})  # fmt: skip
            assert cleared.status_code == 201
        again, second = _screened(http, changed, "十一月.csv")
        assert [second[i][-2] for i in (a, b, d)] == ["通过", "暂缓", "通过"]
        for i in (a, d):
            assert second[i][-1].startswith("此前已核实放行，本次不再暂缓：")
            assert f"核实后放行，见发放前审核第 {found['screening_id']} 号" in second[i][-1]
            assert "代领" not in second[i][-1]  # the reviewer's note stays in the screening
        assert again["released_before"] == 2 and again["held"] == found["held"] - 2
        changed[c]["bank_account"] = rows[a]["bank_account"]  # a third case on the account
        changed[d]["amount"] = f"{float(rows[d]['amount']) * 4:.2f}"  # another amount
        _, third = _screened(http, changed, "十二月.csv")
    assert [third[i][-2] for i in (a, c, d)] == ["暂缓"] * 3
    assert not third[a][-1].startswith("此前已核实放行")
