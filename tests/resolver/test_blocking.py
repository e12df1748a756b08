"""Which pairs the blocking rules let through in a province: a row without an ID is compared
across counties by its exact birth date with the first and last syllables of the name, and
by one syllable, or the typo rules (name with birth year, or with month and day), only
within its county or from a death notice."""

from __future__ import annotations

import duckdb

from resolver.comparisons import BLOCKING_RULES

COLUMNS = ("unique_id", "registry", "county", "name_fuzzy", "name_first", "name_last",
           "surname", "name_end", "id18", "id14", "id15", "id_tail", "dob", "birth_year",
           "birth_day", "township", "address_house", "address_area", "phone_rare", "name",
           "former_name")  # fmt: skip
ID = "532301195607120021"


def _row(unique_id: str, county: str, dob: str, id18: str | None = None,
         name: str = "lu xiu zhen") -> tuple:  # fmt: skip
    registry = unique_id.split(":")[0]
    year, day = dob[:4], dob[5:]
    first, last = name.split()[0], name.split()[-1]
    return (unique_id, registry, county, name, first, last, "逯", "珍", id18,
            id18[:14] if id18 else None, id18[:15] if id18 else None,
            id18[6:] if id18 else None, dob, int(year), day, None, None, None, None, None,
            None)  # fmt: skip


def _blocked(rows: list[tuple]) -> set[tuple[str, str]]:
    con = duckdb.connect()
    types = {"dob": "DATE", "birth_year": "INTEGER"}
    columns = ", ".join(f"{column} {types.get(column, 'VARCHAR')}" for column in COLUMNS)
    con.execute(f"CREATE TABLE p ({columns})")
    con.executemany(f"INSERT INTO p VALUES ({', '.join('?' * len(COLUMNS))})", rows)
    union = " UNION ".join(
        f"SELECT l.unique_id, r.unique_id FROM p l JOIN p r ON ({rule}) "
        "AND l.unique_id < r.unique_id"
        for rule in BLOCKING_RULES
    )
    return set(con.execute(union).fetchall())


def test_a_typo_in_the_birth_date_is_looked_for_within_a_county_and_from_a_death_notice():
    pairs = _blocked([
        _row("hukou:A1", "532301", "1956-07-12", ID),  # the person, with her ID
        _row("assistance:A2", "532301", "1956-07-21"),  # her county's roster, no ID, a typo
        _row("assistance:B1", "532322", "1956-07-21"),  # another county's roster, alike
        _row("deaths:B2", "532322", "1956-07-21"),  # another county's notice, alike
    ])  # fmt: skip
    assert ("assistance:A2", "hukou:A1") in pairs  # same county
    assert ("deaths:B2", "hukou:A1") in pairs  # a death is looked for everywhere
    assert ("assistance:B1", "hukou:A1") not in pairs  # across counties: the date must agree
    assert ("assistance:A2", "assistance:B1") in pairs  # exact date and a syllable


def test_one_syllable_with_the_birth_date_looks_within_a_county_and_from_a_death_notice():
    pairs = _blocked([
        _row("hukou:A1", "532301", "1956-07-12", ID),  # the person, with her ID
        _row("assistance:A2", "532301", "1956-07-12", name="lu xiu lin"),  # no ID, last differs
        _row("assistance:B1", "532322", "1956-07-12", name="lu xiu lin"),  # another county
        _row("deaths:B2", "532322", "1956-07-12", name="lu xiu lin"),  # another county's notice
        _row("assistance:B3", "532322", "1956-07-12", name="lu ying zhen"),  # first and last
    ])  # fmt: skip
    assert ("assistance:A2", "hukou:A1") in pairs  # same county: one syllable is enough
    assert ("deaths:B2", "hukou:A1") in pairs  # a death is looked for everywhere
    assert ("assistance:B1", "hukou:A1") not in pairs  # across counties: one is not
    assert ("assistance:B3", "hukou:A1") in pairs  # the first and the last syllables are


def test_one_county_compares_as_before():
    # in a one-county drop every row's county is blank: the typo rules hold for all rows
    pairs = _blocked([_row("hukou:A1", "", "1956-07-12", ID),
                      _row("assistance:B1", "", "1956-07-21")])  # fmt: skip
    assert pairs == {("assistance:B1", "hukou:A1")}


def _named(unique_id: str, name: str, former: str | None, dob: str | None, township: str
           ) -> tuple:  # fmt: skip
    """A row of a Han name (its syllables left out: no rule on them holds) with a former name."""
    values = dict(zip(COLUMNS, _row(unique_id, "", dob or "1900-01-01"), strict=True))
    values.update(
        name=name,
        former_name=former,
        township=township,
        name_fuzzy=None,
        name_first=None,
        name_last=None,
        surname=None,
        name_end=None,
    )
    if dob is None:
        values.update(dob=None, birth_year=None, birth_day=None)
    return tuple(values.values())


def test_a_former_name_is_another_rows_name_with_the_birth_date_or_in_the_township():
    pairs = _blocked([
        _named("hukou:H1", "李淑兰", "李丽", "1950-06-18", "石羊"),  # 曾用名 李丽
        _named("deaths:E1", "李丽", None, None, "石羊"),  # a notice under it, no birth date
        _named("assistance:A1", "李丽", None, "1950-06-18", "金碧"),  # her birth date
        _named("deaths:E2", "李丽", None, None, "金碧"),  # another township, no birth date
    ])  # fmt: skip
    assert ("deaths:E1", "hukou:H1") in pairs
    assert ("assistance:A1", "hukou:H1") in pairs
    assert ("deaths:E2", "hukou:H1") not in pairs
