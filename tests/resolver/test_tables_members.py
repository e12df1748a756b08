"""A roster of a household per row, its members in numbered column groups, read as a row per
person (``resolver.tables.members_apart``)."""

import openpyxl

from resolver.db import connect
from resolver.ingest import ingest_drop, read_registry_file
from resolver.tables import listed_members

HEAD, WIFE, SON = "刘华", "王莉", "刘小明"
HEAD_ID, WIFE_ID, SON_ID = "532326199001011235", "532326199201021227", "532326201503041215"
ALONE, ALONE_ID = "张伟", "532326194505061217"
HOUSEHOLD = ["救助证号", "姓名", "身份证号码", "救助类型", "是否保障对象", "纳入日期", "家庭人数"]
GROUPS = [
    "成员1姓名",
    "成员1身份证号",
    "成员1与户主关系",
    "成员2姓名",
    "成员2身份证号",
    "成员2与户主关系",
]
ROWS = [
    [
        "DB001",
        HEAD,
        HEAD_ID,
        "低保",
        "是",
        "2021-03-02",
        "3",
        WIFE,
        WIFE_ID,
        "妻",
        SON,
        SON_ID,
        "子",
    ],
    ["TK002", ALONE, ALONE_ID, "特困", "是", "2019-11-20", "1", *[""] * 6],
]
COMPARED = ["row_no", "case_no", "name", "id_number", "relation", "program", "household_size"]


def _roster(path, header, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    book = openpyxl.Workbook()
    book.active.title = "花名册"
    for row in [header, *rows]:
        book.active.append(row)
    book.save(path)
    return path


def test_each_member_in_numbered_columns_is_read_as_a_row_of_the_household(tmp_path):
    path = _roster(tmp_path / "低保花名册.xlsx", HOUSEHOLD + GROUPS, ROWS)
    (source,) = read_registry_file(path, "assistance")
    read = source.normalised.select(COMPARED).to_pylist()
    assert [tuple(row.values()) for row in read] == [
        (2, "DB001", HEAD, HEAD_ID, None, "dibao", 3),
        (2, "DB001", WIFE, WIFE_ID, "spouse", "dibao", 3),
        (2, "DB001", SON, SON_ID, "child", "dibao", 3),
        (3, "TK002", ALONE, ALONE_ID, None, "tekun", 1),
    ]
    assert [str(day) for day in source.normalised["start_date"].to_pylist()] == [
        "2021-03-02", "2021-03-02", "2021-03-02", "2019-11-20"]  # fmt: skip
    assert any("2 名家庭成员各读作一行" in note for note in source.notes)
    assert source.unmapped == [] and source.skipped == []
    # the head's derived record id as if the member columns were not there; each distinct
    ids = source.normalised["record_id"].to_pylist()
    plain = _roster(tmp_path / "plain" / "低保花名册.xlsx", HOUSEHOLD, [row[:7] for row in ROWS])
    (alone,) = read_registry_file(plain, "assistance")
    assert [ids[0], ids[3]] == alone.normalised["record_id"].to_pylist()
    assert len(set(ids)) == 4


def test_a_half_filled_member_gets_the_usual_findings_and_a_record_id_its_number(tmp_path):
    # 家庭成员N… and 成员一… forms, a 记录编号 column: the members' ids get their number
    header = ["记录编号", *HOUSEHOLD, "家庭成员1姓名", "家庭成员1身份证号码", "成员二姓名",
              "成员二身份证号码"]  # fmt: skip
    rows = [["A1", *ROWS[0][:7], WIFE, WIFE_ID, SON, ""]]
    drop = tmp_path / "drop"
    _roster(drop / "低保花名册.xlsx", header, rows)
    con = connect(":memory:")
    ingest_drop(con, drop)
    assert con.execute("SELECT record_id, name, id_number FROM assistance ORDER BY 1").fetchall() == [
        ("A1", HEAD, HEAD_ID), ("A1-1", WIFE, WIFE_ID), ("A1-2", SON, None)]  # fmt: skip
    assert con.execute(
        "SELECT record_id, problem FROM dq_findings WHERE registry = 'assistance'"
    ).fetchall() == [("A1-2", "id_blank")]


LISTED = [*HOUSEHOLD, "家庭成员"]


def _listed_rows(*cells):
    return [[*ROWS[0][:7], cells[0]], [*ROWS[1][:7], cells[1]]]


def test_members_listed_in_one_cell_are_read_as_numbered_groups_are(tmp_path):
    # the head listed too (not read twice); ID labelled or not, before or after the relation;
    # full- and half-width brackets and separators, a line break
    cells = (f"{HEAD}（户主，身份证号{HEAD_ID}）、{WIFE}({WIFE_ID},妻)\n{SON}（子）",
             f"{ALONE}（本人）")  # fmt: skip
    path = _roster(tmp_path / "低保花名册.xlsx", LISTED, _listed_rows(*cells))
    (source,) = read_registry_file(path, "assistance")
    read = source.normalised.select(COMPARED).to_pylist()
    assert [tuple(row.values()) for row in read] == [
        (2, "DB001", HEAD, HEAD_ID, None, "dibao", 3),
        (2, "DB001", WIFE, WIFE_ID, "spouse", "dibao", 3),
        (2, "DB001", SON, None, "child", "dibao", 3),
        (3, "TK002", ALONE, ALONE_ID, None, "tekun", 1),
    ]
    assert any("2 名家庭成员各读作一行" in note and "「家庭成员」的格中" in note
               for note in source.notes)  # fmt: skip
    assert source.unmapped == [] and source.skipped == []


def test_a_members_cell_that_lists_no_one_is_a_finding_naming_its_row_and_column(tmp_path):
    cells = (f"{HEAD}（户主）、{WIFE}（妻）", f"{ALONE}、另有一人")
    path = _roster(tmp_path / "低保花名册.xlsx", LISTED, _listed_rows(*cells))
    (source,) = read_registry_file(path, "assistance")
    assert source.normalised["name"].to_pylist() == [HEAD, WIFE, ALONE]
    findings = [row for table in source.findings for row in table.to_pylist()
                if row["problem"] == "members_unlisted"]  # fmt: skip
    assert any("1 格无法拆分为各成员" in note for note in source.notes)
    assert [(row["row_no"], row["column_name"], row["raw_value"]) for row in findings] == [
        (3, "家庭成员", f"{ALONE}、另有一人")]  # fmt: skip


def test_a_members_column_of_something_else_or_beside_each_member_stays_an_extra(tmp_path):
    counts = _roster(tmp_path / "a" / "低保花名册.xlsx", LISTED, _listed_rows("3人", "1人"))
    (source,) = read_registry_file(counts, "assistance")
    assert source.rows == 2 and source.unmapped == ["家庭成员"]
    # a row per person, the household's list beside each: its members are rows already
    listing = f"{HEAD}（户主）、{WIFE}（妻）"
    rows = [
        [*ROWS[0][:7], listing],
        ["DB001", WIFE, WIFE_ID, "低保", "是", "2021-03-02", "3", listing],
    ]
    each = _roster(tmp_path / "b" / "低保花名册.xlsx", LISTED, rows)
    (source,) = read_registry_file(each, "assistance")
    assert source.normalised["name"].to_pylist() == [HEAD, WIFE]
    assert source.unmapped == ["家庭成员"]


def test_a_roster_of_a_row_per_person_listing_the_household_on_its_heads_row_reads_no_one_twice(
    tmp_path,
):
    # the list on the head's row only (or in a cell merged down the household): its members
    # are the rows below, not read again
    listing = f"{HEAD}（户主，{HEAD_ID}）、{WIFE}（妻，{WIFE_ID}）"
    rows = [
        [*ROWS[0][:7], listing],
        ["DB001", WIFE, WIFE_ID, "低保", "是", "2021-03-02", "3", ""],
        [*ROWS[1][:7], f"{ALONE}（本人）"],
    ]
    path = _roster(tmp_path / "低保花名册.xlsx", LISTED, rows)
    (source,) = read_registry_file(path, "assistance")
    assert source.normalised["name"].to_pylist() == [HEAD, WIFE, ALONE]
    assert source.unmapped == ["家庭成员"]


def test_the_head_listed_under_a_mistyped_id_and_no_relation_is_not_read_twice(tmp_path):
    mistyped = HEAD_ID[:-2] + "4" + HEAD_ID[-1]
    cells = (f"{HEAD}（{mistyped}）、{WIFE}（妻，{WIFE_ID}）", f"{ALONE}（本人）")
    path = _roster(tmp_path / "低保花名册.xlsx", LISTED, _listed_rows(*cells))
    (source,) = read_registry_file(path, "assistance")
    assert source.normalised.select(["name", "id_number"]).to_pylist() == [
        {"name": HEAD, "id_number": HEAD_ID}, {"name": WIFE, "id_number": WIFE_ID},
        {"name": ALONE, "id_number": ALONE_ID}]  # fmt: skip
    # the listed ID not read is a finding naming its row and column, and counted in the note
    findings = [row for table in source.findings for row in table.to_pylist()
                if row["problem"] == "member_id_differs"]  # fmt: skip
    assert [(row["row_no"], row["column_name"]) for row in findings] == [(2, "家庭成员")]
    assert any(
        "的 2 人不重复读取（其中 1 人写的身份证号与本行不同" in note for note in source.notes
    )


def test_names_with_a_dot_of_any_kind_or_beyond_the_basic_block_are_listed():
    assert listed_members("买买提•吐尔逊（户主）、古丽・艾山（妻）、王𠮷（女）") == [
        ("买买提•吐尔逊", "户主", ""), ("古丽・艾山", "妻", ""), ("王𠮷", "女", "")]  # fmt: skip


def test_children_named_as_the_head_with_their_own_ids_are_read_and_the_note_counts_the_head(
    tmp_path,
):
    # a daughter named after her mother; two sons named after their father (莫少华 ×3)
    daughter_id, first_id, second_id = "532326202109104529", SON_ID, "532326200501160454"
    cells = (f"{HEAD}（户主，{HEAD_ID}）、{HEAD}（女，身份证号{daughter_id}）",
             f"{ALONE}（{ALONE_ID}）、{ALONE}（子，{first_id}）、{ALONE}（子，{second_id}）")  # fmt: skip
    path = _roster(tmp_path / "低保花名册.xlsx", LISTED, _listed_rows(*cells))
    (source,) = read_registry_file(path, "assistance")
    assert source.normalised.select(["name", "id_number", "relation"]).to_pylist() == [
        {"name": HEAD, "id_number": HEAD_ID, "relation": None},
        {"name": HEAD, "id_number": daughter_id, "relation": "child"},
        {"name": ALONE, "id_number": ALONE_ID, "relation": None},
        {"name": ALONE, "id_number": first_id, "relation": "child"},
        {"name": ALONE, "id_number": second_id, "relation": "child"}]  # fmt: skip
    assert any("的 2 人不重复读取" in note and "3 名家庭成员各读作一行" in note
               for note in source.notes)  # fmt: skip


def test_the_head_listed_by_a_full_id_is_not_read_twice_beside_an_old_damaged_or_masked_one(
    tmp_path,
):
    # the row's ID of 15 digits, damaged by a spreadsheet or a digit short, or the list's
    # masked: the same name with no relation is the row's person, as before 2026-12-07
    listed = f"{HEAD}（{HEAD_ID}）、{WIFE}（妻）"
    for number, (row_id, cell) in enumerate([
            ("532326900101123", listed), ("5.32326199001011E+17", listed),
            (HEAD_ID[:17], listed), (HEAD_ID, f"{HEAD}（532326********1235）、{WIFE}（妻）")]):  # fmt: skip
        rows = _listed_rows(cell, f"{ALONE}（本人）")
        rows[0][2] = row_id
        path = _roster(tmp_path / str(number) / "低保花名册.xlsx", LISTED, rows)
        (source,) = read_registry_file(path, "assistance")
        assert source.normalised.column("name").to_pylist() == [HEAD, WIFE, ALONE], row_id


def test_a_row_of_no_relation_under_the_wifes_name_reads_the_head_it_lists(tmp_path):
    # the roster names the applicant, here the wife, with no 与户主关系 column: the one the
    # list calls 户主 is another person (read), the wife listed again is the row's (a review
    # found the first version of 2026-12-07 reading the wife twice and dropping the head)
    cells = (f"{HEAD}（户主，{HEAD_ID}）、{WIFE}（妻，{WIFE_ID}）", f"{ALONE}（本人）")
    rows = _listed_rows(*cells)
    rows[0][1:3] = [WIFE, WIFE_ID]
    path = _roster(tmp_path / "低保花名册.xlsx", LISTED, rows)
    (source,) = read_registry_file(path, "assistance")
    assert source.normalised.select(["name", "id_number"]).to_pylist() == [
        {"name": WIFE, "id_number": WIFE_ID}, {"name": HEAD, "id_number": HEAD_ID},
        {"name": ALONE, "id_number": ALONE_ID}]  # fmt: skip


def test_lists_that_name_no_rows_own_person_say_so_not_none_set_aside(tmp_path):
    cells = (f"{WIFE}（妻，{WIFE_ID}）、{SON}（子，{SON_ID}）", "")
    path = _roster(tmp_path / "低保花名册.xlsx", LISTED, _listed_rows(*cells))
    (source,) = read_registry_file(path, "assistance")
    assert len(source.normalised) == 4
    (note,) = [note for note in source.notes if "家庭成员各读作一行" in note]
    assert "格中未列本行本人" in note and "0 人" not in note
