"""One person table across the five person registries, the input of linking.

Table ``persons``, one row per row of hukou, assistance, poverty, disability and deaths:

- ``unique_id`` (``registry:record_id``), ``registry``, ``record_id``;
- ``name``: the name as linking compares it, without the separator between a given name
  and a father's or clan name (吐尔洪·买买提 and 吐尔洪买买提 are one name: one office writes
  the dot, the next leaves it out); ``written_name``: the name as the row writes it (dot
  kept), for display;
  ``name_pinyin``, ``name_fuzzy``, ``surname`` (the first character: for a
  Mongolian or Tibetan name, no surname at all), ``name_end`` (the last character),
  ``name_first`` and ``name_last`` (the first and last syllables of ``name_fuzzy``);
  ``former_name``: a hukou row's 曾用名 (the first it lists, without the separator; null
  when it is the name, and
  on the other registries' rows), the name a police notice often still carries;
  ``name_sound``: the first letter of each syllable of ``name_fuzzy`` (``er`` as ``r``), on
  which the spellings of one transliterated sound agree (巴特尔, 巴图尔, 巴特儿: ``btr``;
  额尔敦, 额日敦: ``erd``);
- ``id18``: the usable 18-digit ID (valid, or upgraded from 15 digits; for a disability
  certificate holder also the ID inside the certificate number), ``id_status``;
  ``id_text``: the 18 characters of an ID that failed its checks (a typo, kept for fuzzy
  comparison); ``id_prefix``: the reliable leading digits (14 or more) of a damaged ID;
  ``id14``/``id_tail``: first 14 and last 12 characters of whichever of these is present,
  and ``id15``: the first 15 of the usable ID, for blocking. A valid ID is not trusted when it contradicts the row's own birth-date
  column in two of year, month and day (other than day and month swapped), or in one of them
  and the gender column too (no single typo does that: a relative's ID copied into the row,
  a spouse born the same year included; ``id_status`` ``conflicts_birth_date``), or when a
  hukou row holds it under another name and another member of that hukou household bears
  the row's name, unless the row's birth date or gender is the ID's and not that member's
  or its certificate carries the ID (a father's
  death notice carrying his son's ID, the informant's, father
  and son named one character apart; ``conflicts_household``: the number is the relative's,
  and the row is linked as one without an ID), or the ID
  inside the row's disability
  certificate number (issued against a checked ID, so the certificate's ID is used instead;
  ``conflicts_certificate``); the number is kept in ``id_text`` (but for
  ``conflicts_household``);
- ``dob`` (from a usable ID, else the birth-date column, else the date digits of a damaged or
  mistyped ID), ``birth_year`` (also where the birth-date column writes the year alone,
  1973, and ``dob`` is null: no day is made up), ``birth_day`` (month and day), ``gender`` (from a usable ID, else the column);
- ``township`` (when blank, the township named in the address: a 殡葬 record writes only
  ``大姚县龙街镇麦地村7组90号``); ``village``: the village's own name, without 村, 嘎查 or 村委会
  (when blank, the village named in the address: ``某乡黑庄村478号`` gives ``黑庄``; an
  address writing its township bare, ``察尔森胜利嘎查7组``, is read as township ``察尔森`` and
  village ``胜利`` when the drop places that village in that township and knows no village
  ``察尔森胜利``, nor one a character or a sound away, and the address writes no county
  before it but the one the county's own rows write; a death notice's village column
  beside no township column is read so too, while another registry's never is: its village
  counts as known, so the reading is blocked by the row itself); ``address``;
  ``address_area`` and ``address_house``: the village group and the house the address
  names (township, village, group and house number, however the address was written; the
  group may come from the village column; none where the address stops short of them). In
  a province's drop the township and the address keys start with the row's county
  (``532301/城关镇``): a township name recurs across counties, and two rows of different
  counties are never at one place (nor blocked together by place, which would grow with
  the square of the province); ``county``: the row's county (blank in a one-county drop);
  ``phone``; ``phone_rare``: the phone when few
  households use it (a village office's phone is no evidence of identity; a family's phone on
  its hukou, assistance and poverty rows is);
- ``household_key``: the hukou household, assistance case or poverty household the row is a
  member of; two rows with one key are two different people;
- ``started``: the day a roster row began (its coverage in its case runs from ``started`` to
  ``ended``);
- ``ended``: the day a roster row ended, or a death notice's day of death (an office ends a
  row when its member dies: a notice and a row that ended within a month are one person
  more often than chance).
"""

from __future__ import annotations

import re

import duckdb
import pyarrow as pa

from resolver.db import table_names
from resolver.errors import DoudiError
from resolver.normalize import NAME_SEPARATOR, fuzzy_pinyin, pinyin_key
from resolver.outputs import PERSONS
from resolver.registries import PERSON_REGISTRIES

# ``name_sound``: the first letter of each syllable of ``name_fuzzy``, ``er`` as ``r``.
NAME_SOUND = (
    "array_to_string(list_transform(string_split(name_fuzzy, ' '), "
    "lambda s: CASE WHEN s = 'er' THEN 'r' ELSE left(s, 1) END), '')"
)
# A name without the separator between given name and father's or clan name, null when that
# leaves nothing.
_COMPARED = "nullif(replace({}, '" + NAME_SEPARATOR + "', ''), '')"
# Columns each registry contributes, as SQL over its normalised table; a registry without
# one of ``_OPTIONAL`` contributes NULL, so that any subset of registries can be unioned.
_ADDRESS = "address, address_town, address_village, address_group, address_house"
_SOURCES = {
    "hukou": f"birth_date, birth_year_only, gender, {_ADDRESS}, phone, 'hukou:' || hukou_no AS household_key, "
    f"{_COMPARED.format('former_name')} AS former_name",
    "assistance": f"birth_date, birth_year_only, gender, {_ADDRESS}, phone, 'case:' || case_no AS household_key, "
    "start_date AS started, end_date AS ended",
    "poverty": "birth_date, birth_year_only, gender, 'poverty:' || poverty_hh_no AS household_key",
    "disability": "gender, cert_no_id_number AS cert_id",
    "deaths": f"birth_date, birth_year_only, gender, {_ADDRESS}, death_date AS ended",
}
_OPTIONAL = {"birth_date": "DATE", "birth_year_only": "INTEGER", "gender": "VARCHAR", "address": "VARCHAR",
             "address_town": "VARCHAR", "address_village": "VARCHAR",
             "address_group": "VARCHAR", "address_house": "VARCHAR",
             "phone": "VARCHAR", "household_key": "VARCHAR", "cert_id": "VARCHAR",
             "started": "DATE", "ended": "DATE", "former_name": "VARCHAR"}  # fmt: skip
_COMMON = (
    f"record_id, name AS written_name, {_COMPARED.format('name')} AS name, name_pinyin, name_fuzzy, id_number, id_number_status, id_number_prefix, "
    "id_number_birth_date, id_number_gender, township, village_key, county"
)


def _source_sql(registry: str) -> str:
    given = _SOURCES[registry]
    missing = [f"NULL::{sql_type} AS {name}" for name, sql_type in _OPTIONAL.items()
               if not re.search(rf"\b{name}\b", given)]  # fmt: skip
    columns = ", ".join([_COMMON, given, *missing])
    return f"SELECT '{registry}' AS registry, {columns} FROM {registry}"


def build_persons(con: duckdb.DuckDBPyConnection, *, shared_limit: int) -> int:
    """(Re)create ``persons`` from the ingested registries; returns its row count.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database, holding the normalised registries.
    shared_limit : int
        A phone of more households than this (hukou families, assistance cases, poverty
        households) is not used as evidence of identity.

    Returns
    -------
    int
        The number of rows of ``persons``.

    Raises
    ------
    DoudiError
        When the database holds none of the registries (nothing was ingested into it).
    """
    present = table_names(con)
    sources = [name for name in PERSON_REGISTRIES if name in present]
    if not sources:
        raise DoudiError("数据库里没有导入的名册：请先用 doudi ingest 导入数据包（或用 doudi run）")
    union = "\nUNION ALL BY NAME\n".join(_source_sql(name) for name in sources)
    con.execute(f"CREATE OR REPLACE TEMP VIEW person_rows AS {union}")
    con.register("village_sounds", _village_sounds(con))
    try:
        con.execute(_PERSONS_SQL, [shared_limit])
    finally:
        con.unregister("village_sounds")
    return con.execute(f"SELECT count(*) FROM {PERSONS}").fetchall()[0][0]


def _village_sounds(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """Each village name of ``person_rows`` (a village column's or an address's) and its sound,
    the fuzzy pinyin on which two spellings of one heard name agree (巴音, 巴因)."""
    names = [name for (name,) in con.execute(
        "SELECT DISTINCT name FROM (SELECT split_part(village_key, '|', 1) AS name FROM person_rows"
        " UNION ALL SELECT address_village FROM person_rows) WHERE nullif(name, '') IS NOT NULL"
    ).fetchall()]  # fmt: skip
    sounds = [fuzzy_pinyin(pinyin_key(name)) for name in names]
    return pa.table(
        {"village": pa.array(names, pa.string()), "sound": pa.array(sounds, pa.string())}
    )


_PERSONS_SQL = f"""
CREATE OR REPLACE TABLE {PERSONS} AS
WITH places AS (
    -- the villages the drop places in a township: by a village column beside a township, or
    -- by an address that writes the township with its 镇, 苏木 or 乡
    SELECT DISTINCT coalesce(county, '') AS county_key, township, village,
           township || village AS place
    FROM (SELECT county, township, split_part(village_key, '|', 1) AS village FROM person_rows
          UNION ALL
          SELECT county, address_town, address_village FROM person_rows)
    WHERE township IS NOT NULL AND nullif(village, '') IS NOT NULL
),
known_villages AS (
    -- the villages the drop knows: those it places, and those the county's own registries
    -- name in a village column, beside a township or not (a death notice's may be another
    -- county's)
    SELECT county_key, village FROM places
    UNION
    SELECT coalesce(county, ''), split_part(village_key, '|', 1) FROM person_rows
    WHERE registry <> 'deaths' AND nullif(split_part(village_key, '|', 1), '') IS NOT NULL
),
read_rows AS (
    -- each row with what its address writes before the township, or else the village, it
    -- reads (兴安盟额尔敦旗 of 兴安盟额尔敦旗察尔森苏木…), and the county that names: its last
    -- 县, 旗 or 区, 自治区 none (额尔敦旗; 大姚县 of 云南省楚雄彝族自治州大姚县)
    SELECT *, CASE WHEN NOT suffix(written_before, '自治区') THEN nullif(regexp_extract(
                   written_before, '([^省州盟市区]+(?:县|旗|区))$', 1), '') END AS county_written
    FROM (SELECT *, CASE WHEN strpos(replace(address, ' ', ''),
                                     coalesce(address_town, address_village)) > 1
                         THEN split_part(replace(address, ' ', ''),
                                         coalesce(address_town, address_village), 1)
                         END AS written_before
          FROM person_rows)
),
own_counties AS (  -- the counties the county's own registries write before a township
    SELECT DISTINCT coalesce(county, '') AS county_key, county_written
    FROM read_rows WHERE registry <> 'deaths' AND address_town IS NOT NULL
         AND county_written IS NOT NULL
),
readings AS (
    -- a village read without a township: from an address writing no 镇, 苏木 or 乡, or from a
    -- village column beside no township column
    SELECT DISTINCT coalesce(county, '') AS county_key, township, address_village AS reading
    FROM person_rows WHERE address_town IS NULL AND address_village IS NOT NULL
    UNION
    SELECT DISTINCT coalesce(county, ''), NULL, split_part(village_key, '|', 1) FROM person_rows
    WHERE township IS NULL AND nullif(split_part(village_key, '|', 1), '') IS NOT NULL
),
bare_towns AS (
    -- a township written bare (察尔森胜利嘎查7组, 兴安盟额尔敦旗察尔森胜利嘎查7组) reads as one
    -- village, 察尔森胜利: when the whole of it is the name of one known township and one of
    -- its villages (of the row's township, when it names one), it is that township and
    -- village (text before it, 科右中巴彦塔拉, is no township's: another banner's, unread) ...
    SELECT r.county_key, r.township, r.reading, any_value(p.township) AS town,
           any_value(p.village) AS village
    FROM readings r
    JOIN places p ON p.county_key = r.county_key AND p.place = r.reading
         AND p.township = coalesce(r.township, p.township)
    GROUP BY ALL HAVING count(*) = 1
),
near_known AS (
    -- ... unless a known village is that name, one character from it (巴音塔拉 of 巴彦塔拉)
    -- or sounds as it (查干哈达 of 察甘哈达): a village the notice may name
    SELECT b.county_key, b.reading FROM bare_towns b
    JOIN known_villages k ON k.county_key = b.county_key
         AND abs(length(k.village) - length(b.reading)) <= 1
         AND levenshtein(k.village, b.reading) <= 1
    UNION
    SELECT b.county_key, b.reading FROM bare_towns b
    JOIN village_sounds read ON read.village = b.reading
    JOIN village_sounds heard ON heard.sound = read.sound
    JOIN known_villages k ON k.county_key = b.county_key AND k.village = heard.village
),
split_readings AS (
    SELECT * FROM bare_towns ANTI JOIN near_known USING (county_key, reading)
),
addressed AS (
    -- a row naming no township reads so only when its address writes no county before the
    -- village, or the county's own: a notice of another banner's 巴彦塔拉嘎查 is no village
    -- of this county's 巴彦苏木
    SELECT r.* EXCLUDE (written_before, county_written) REPLACE (
               coalesce(r.township, v.town) AS township,
               coalesce(a.town, r.address_town) AS address_town,
               coalesce(a.village, r.address_village) AS address_village,
               CASE WHEN v.village IS NULL THEN r.village_key
                    ELSE concat_ws('|', v.village, nullif(split_part(r.village_key, '|', 2), ''))
                    END AS village_key)
    FROM read_rows r
    LEFT JOIN own_counties own ON own.county_key = coalesce(r.county, '')
         AND own.county_written = r.county_written
    LEFT JOIN split_readings a ON r.address_town IS NULL
         AND a.county_key = coalesce(r.county, '') AND a.township IS NOT DISTINCT FROM r.township
         AND a.reading = r.address_village
         AND (r.township IS NOT NULL OR r.written_before IS NULL OR own.county_key IS NOT NULL)
    LEFT JOIN split_readings v ON r.township IS NULL
         AND v.county_key = coalesce(r.county, '') AND v.township IS NULL
         AND v.reading = split_part(r.village_key, '|', 1)
         AND (r.written_before IS NULL OR own.county_key IS NOT NULL)
),
held_by_another AS MATERIALIZED (
    -- A valid ID that a hukou row holds under another name, unless the row's disability
    -- certificate carries the same ID (then it is the row's own): joined on the ID first
    -- (an ID is held by few rows, a name by many)
    SELECT r.registry, r.record_id, r.name, r.id_number, r.birth_date, r.gender,
           r.id_number_birth_date, r.id_number_gender,
           holder.household_key AS holder_household, holder.county AS holder_county
    FROM person_rows r
    JOIN person_rows holder ON holder.registry = 'hukou' AND holder.id_number = r.id_number
    WHERE r.registry <> 'hukou' AND r.id_number_status IN ('valid', 'upgraded')
      AND holder.name <> r.name
      AND holder.former_name IS DISTINCT FROM r.name
      AND r.cert_id IS DISTINCT FROM r.id_number
),
relatives_ids AS (
    -- ... and the row bears the name of another member of the holder's hukou household:
    -- the relative's ID typed into the row (a father's death notice carrying his son's, the
    -- informant's; father and son named one character apart, which no name level tells
    -- apart from a slip). Unless something else on the row says the ID is its own (then the
    -- name is the slip): its birth date or gender is the ID's and not that member's.
    SELECT DISTINCT r.registry, r.record_id
    FROM held_by_another r
    JOIN person_rows named ON named.registry = 'hukou'
         AND named.household_key = r.holder_household
         AND named.county IS NOT DISTINCT FROM r.holder_county
         AND named.name = r.name
    WHERE named.id_number IS DISTINCT FROM r.id_number
      AND NOT coalesce(r.birth_date = r.id_number_birth_date AND r.birth_date
                       <> coalesce(named.id_number_birth_date, named.birth_date), false)
      AND NOT coalesce(r.gender = r.id_number_gender
                       AND r.gender <> coalesce(named.id_number_gender, named.gender), false)
),
compared AS (
    SELECT
        addressed.*,
        relatives_ids.record_id IS NOT NULL AS relative_conflict,
        (year(birth_date) <> year(id_number_birth_date))::INT
        + (month(birth_date) <> month(id_number_birth_date))::INT
        + (day(birth_date) <> day(id_number_birth_date))::INT AS birth_parts_differ
    FROM addressed LEFT JOIN relatives_ids USING (registry, record_id)
),
checked AS (
    SELECT
        *,
        coalesce(id_number_status IN ('valid', 'upgraded') AND (
            (birth_parts_differ >= 2 AND NOT (
                year(birth_date) = year(id_number_birth_date)
                AND month(birth_date) = day(id_number_birth_date)
                AND day(birth_date) = month(id_number_birth_date)))
            OR (birth_parts_differ = 1 AND gender <> id_number_gender)), false)
            AS birth_conflict,
        coalesce(id_number_status IN ('valid', 'upgraded') AND cert_id <> id_number, false)
            AS cert_conflict
    FROM compared
),
judged AS (
    -- a relative's ID: by the row's birth date or by the hukou household
    SELECT *, birth_conflict OR relative_conflict AS relatives_id FROM checked
),
cleaned AS (
    SELECT
        * REPLACE (
            CASE WHEN relatives_id OR cert_conflict THEN NULL
                 ELSE id_number_birth_date END AS id_number_birth_date,
            CASE WHEN relatives_id OR cert_conflict THEN NULL
                 ELSE id_number_gender END AS id_number_gender
        ),
        CASE WHEN cert_conflict THEN cert_id
             WHEN relatives_id THEN NULL
             WHEN id_number_status IN ('valid', 'upgraded') THEN id_number
             WHEN cert_id IS NOT NULL THEN cert_id END AS id18,
        -- kept for comparison, unless the household names whose it is
        CASE WHEN (id_number_status = 'invalid' OR relatives_id OR cert_conflict)
                  AND NOT relative_conflict AND length(id_number) = 18
             THEN id_number END AS id_text,
        CASE WHEN length(id_number_prefix) >= 14 THEN id_number_prefix END AS id_prefix
    FROM judged
),
derived AS (
    SELECT
        *,
        coalesce(nullif(split_part(village_key, '|', 1), ''), address_village) AS village,
        coalesce(address_group, nullif(split_part(village_key, '|', 2), '')) AS village_group,
        -- a place is a place of its county (blank prefix in a one-county drop)
        coalesce(county || '/', '') AS county_prefix,
        coalesce(address_town, township) AS address_township,
        coalesce(id18, id_text, id_prefix) AS id_any,
        coalesce(
            CASE WHEN id18 IS NOT NULL THEN coalesce(id_number_birth_date,
                 try_strptime(substr(id18, 7, 8), '%Y%m%d')::DATE) END,
            birth_date,
            try_strptime(substr(coalesce(id_text, id_prefix), 7, 8), '%Y%m%d')::DATE
        ) AS dob_any,
        coalesce(id_number_gender,
                 CASE WHEN id18 IS NOT NULL
                      THEN CASE WHEN substr(id18, 17, 1)::INT % 2 = 1 THEN 'M' ELSE 'F' END
                 END,
                 gender) AS gender_any
    FROM cleaned
)
SELECT
    registry || ':' || record_id AS unique_id,
    registry,
    record_id,
    name,
    written_name,
    name_pinyin,
    name_fuzzy,
    nullif(former_name, name) AS former_name,
    left(name, 1) AS surname,
    right(name, 1) AS name_end,
    split_part(name_fuzzy, ' ', 1) AS name_first,
    list_last(string_split(name_fuzzy, ' ')) AS name_last,
    {NAME_SOUND} AS name_sound,
    id18,
    CASE WHEN birth_conflict THEN 'conflicts_birth_date'
         WHEN cert_conflict THEN 'conflicts_certificate'
         WHEN relative_conflict THEN 'conflicts_household'
         WHEN id18 IS NOT NULL AND id_number_status NOT IN ('valid', 'upgraded')
         THEN 'certificate' ELSE id_number_status END AS id_status,
    id_text,
    id_prefix,
    CASE WHEN length(id_any) >= 14 THEN left(id_any, 14) END AS id14,
    CASE WHEN length(id_any) = 18 THEN right(id_any, 12) END AS id_tail,
    left(id18, 15) AS id15,
    CASE WHEN dob_any BETWEEN DATE '1870-01-01' AND DATE '2030-12-31' THEN dob_any END AS dob,
    coalesce(year(dob), birth_year_only) AS birth_year,
    strftime(dob, '%m-%d') AS birth_day,
    gender_any AS gender,
    coalesce(county, '') AS county,
    county_prefix || coalesce(township, address_town) AS township,
    village,
    address,
    CASE WHEN village_group IS NOT NULL AND village IS NOT NULL
         THEN county_prefix || concat_ws('|', address_township, village, village_group)
         END AS address_area,
    CASE WHEN address_house IS NOT NULL AND village IS NOT NULL
         THEN county_prefix || concat_ws('|', address_township, village,
                                         coalesce(village_group, ''), address_house)
         END AS address_house,
    phone,
    started,
    ended,
    -- counted over person_rows, whose phones and households derived's rows carry unchanged
    -- (derived, read once, is not materialised)
    CASE WHEN phone IN (SELECT phone FROM person_rows GROUP BY phone
                        HAVING count(DISTINCT household_key) <= ?) THEN phone END AS phone_rare,
    household_key
FROM derived
"""
