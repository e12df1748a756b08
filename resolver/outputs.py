"""What resolver hands over: the tables linking leaves in the run's database, named once here
with their columns, the readers ``models`` reads them through (the household graph and
publication), and the run's files written from them. ``models`` neither names these tables
nor writes SQL over them (its measurement wing aside, which compares linking methods); it
reads the registries' own tables (``resolver.ingest``) directly, joined with what the
readers here return.

- ``PERSONS`` (``persons``): one row per person row of hukou, assistance, poverty, disability
  and deaths — ``unique_id`` (``registry:record_id``), ``registry``, ``record_id``, ``id18``
  (the ID number the row is trusted with, None when it is not), ``name`` and the normalised
  columns linking compares;
- ``ENTITIES`` (``entities``): ``registry``, ``record_id``, ``person_id`` — who each row is
  (contract §3);
- ``PERSON_LINKS`` (``person_links``): every accepted link, ``unique_id_l``, ``unique_id_r``,
  ``match_probability``, ``match_weight`` and the comparison levels;
- ``LINK_EXPLANATIONS`` (``link_explanations``, a view): per accepted link and comparison,
  ``comparison``, ``level_label`` and ``match_weight`` (a waterfall);
- ``POSSIBLE_MATCHES`` (``possible_matches``): pairs for review that were not merged,
  ``unique_id_l``, ``unique_id_r``, ``match_probability`` and ``reason``;
- ``LINK_MODEL`` (``link_model``): the run's ``settings_json`` and trained ``model_json``;
- ``REMOVED_ROWS`` (``removed_rows``, after an update only): each row the link before scored
  that next month's drop no longer holds, ``registry``, ``record_id``, its person's ``name``
  and ``id18`` in the last published run and the ``file`` that run read it from (None when
  unknown).

The readers, each a small query: for the household graph, ``record_persons`` (who each record
is), ``trusted_ids`` (the ID a row is trusted with), ``accepted_links`` and
``record_attachments`` (how firmly a record is attached to its person) and
``lone_death_candidates``; for publication, ``identified_persons``, ``person_records`` and
``explained_links``.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from resolver.comparisons import ONE_SPELLING
from resolver.db import table_names, view_names
from resolver.labels import current_labels
from resolver.private import mode_to_keep, open_private, private_folder
from resolver.settings import LinkSettings

PERSONS = "persons"
ENTITIES = "entities"
PERSON_LINKS = "person_links"
LINK_EXPLANATIONS = "link_explanations"
POSSIBLE_MATCHES = "possible_matches"
REMOVED_ROWS = "removed_rows"
NOTICE_DATE_SLIP_DAYS = 31
"""Two notices of one person's death whose dates are at most this many days apart report one
death (a day or a month mistyped by one office), not two."""
MAX_CANDIDATES = 3
"""A notice linked to no one that more persons than this may be is no lead on each of them: it
is a question for the police data (which of the namesakes died), not for each family; nor is a
roster row's end near its date evidence of whose it is (among a dozen namesakes one's row ends
within a month of it by chance)."""
LONE_NAME_PROBABILITY = 0.3
"""The probability at most given to two roster rows that may be one person by their name
alone (``possible_roster_duplicates``, reason ``lone_name``): a low one, since a person the
registries do not hold (moved in, registered elsewhere) may carry the name too."""
SCORED_PAIRS = "scored_pairs"
LINK_MODEL = "link_model"


@dataclass(frozen=True)
class PersonAssignment:
    """Who each row is: ``entities``, a table of ``registry``, ``record_id``, ``person_id``,
    ``links``, the table of accepted identity links it came from (None for an assignment
    that did not come from links), and ``possible``, the pairs it left for review (a lone
    death notice's candidates). ``RESOLVED`` is linking's own; threshold tuning and the
    evaluation's baselines hand the readers other tables of the same columns."""

    entities: str = ENTITIES
    links: str | None = PERSON_LINKS
    possible: str = POSSIBLE_MATCHES


RESOLVED = PersonAssignment()


def write_whole(path: Path, content: bytes) -> None:
    """Write a file whole or not at all: into a hidden file beside it, then renamed over it,
    so that a full disk or an interruption never leaves a cut-off file that looks complete
    (a screened payment list a clerk might send to the bank). A new file is owner-only, one
    written over keeps its mode (``resolver.private``).

    Parameters
    ----------
    path : Path
        The file to write (its folder is created).
    content : bytes
        What it holds.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> write_whole(folder / "a" / "b.txt", "好".encode())
    >>> (folder / "a" / "b.txt").read_text(), sorted(p.name for p in (folder / "a").iterdir())
    ('好', ['b.txt'])
    >>> oct((folder / "a" / "b.txt").stat().st_mode & 0o777)
    '0o600'
    """
    if path.is_dir():  # refused naming the file asked for, not the hidden one beside it
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    part = path.with_name(f".{path.name}.part")
    mode = mode_to_keep(path)
    try:
        with open_private(part) as handle:
            handle.write(content)
        os.chmod(part, mode)
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)


def write_entities(con: duckdb.DuckDBPyConnection, out_dir: Path, settings: LinkSettings) -> None:
    """Write ``entities.csv`` (contract §3), and the link settings and trained model beside it.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database, after linking.
    out_dir : Path
        The output folder (created if missing); gets ``entities.csv``,
        ``link_settings.json`` and ``link_model.json``.
    settings : LinkSettings
        The link settings the run linked with.
    """
    private_folder(out_dir)
    con.execute(
        f"COPY (SELECT registry, record_id, person_id FROM {ENTITIES} "
        "ORDER BY registry, record_id) TO ? (HEADER, DELIMITER ',')",
        [str(out_dir / "entities.csv")],
    )
    settings.save(out_dir / "link_settings.json")
    model_json = con.execute(f"SELECT model_json FROM {LINK_MODEL}").fetchall()[0][0]
    (out_dir / "link_model.json").write_text(model_json, encoding="utf-8")


def accepted_links(con: duckdb.DuckDBPyConnection, links: str | None) -> str | None:
    """The table of accepted links to attach records by, if linking has run.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database.
    links : str | None
        The table of accepted identity links an assignment came from, or None.

    Returns
    -------
    str | None
        ``links``, when linking left its accepted links (and so their explanations) in the
        database; None otherwise, or when ``links`` is None.
    """
    return links if links and PERSON_LINKS in table_names(con) else None


def record_persons(
    con: duckdb.DuckDBPyConnection, *, entities: str = ENTITIES
) -> duckdb.DuckDBPyRelation:
    """Who each record is.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database, after linking.
    entities : str
        The table saying who each row is; linking's own by default.

    Returns
    -------
    duckdb.DuckDBPyRelation
        ``registry``, ``record_id``, ``person_id`` of every record (not yet run: a query to
        join with the registries' tables).
    """
    return con.sql(f"SELECT registry, record_id, person_id FROM {entities}")


def trusted_ids(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyRelation:
    """The ID number each person row is trusted with.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database, after linking.

    Returns
    -------
    duckdb.DuckDBPyRelation
        ``unique_id`` (``registry:record_id``) and ``id18`` (None when the row is trusted with
        no ID) of every person row (not yet run).
    """
    return con.sql(f"SELECT unique_id, id18 FROM {PERSONS}")


def record_attachments(
    con: duckdb.DuckDBPyConnection, links: str | None = PERSON_LINKS
) -> duckdb.DuckDBPyRelation:
    """How firmly each linked record is attached to its person, and why.

    A record's attachment is its strongest accepted identity link (ties broken by the rows'
    ids, so that every run picks the same link). A record no accepted link reaches is not
    listed: it stands alone.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database, after linking.
    links : str | None
        The table of accepted identity links (their comparisons are read from
        ``LINK_EXPLANATIONS``); None for a person assignment that did not come from links.

    Returns
    -------
    duckdb.DuckDBPyRelation
        Per record reached by a link (not yet run; empty without links): ``uid``
        (``registry:record_id``), ``probability`` (the link's) and ``basis``, the link's two
        strongest comparisons in words (``身份证号相同、姓名相同``).
    """
    if links is None:
        return con.sql(
            "SELECT NULL::VARCHAR AS uid, NULL::DOUBLE AS probability, NULL::VARCHAR AS basis "
            "WHERE false"
        )
    return con.sql(
        f"""
        WITH ends AS (
            SELECT unique_id_l AS uid, unique_id_l, unique_id_r, match_probability FROM {links}
            UNION ALL
            SELECT unique_id_r, unique_id_l, unique_id_r, match_probability FROM {links}
        ),
        best AS (  -- ties broken by the rows' ids, so that every run picks the same link
            SELECT uid, max(match_probability) AS probability,
                   arg_max(struct_pack(l := unique_id_l, r := unique_id_r),
                           struct_pack(p := match_probability, l := unique_id_l,
                                       r := unique_id_r)) AS link
            FROM ends GROUP BY uid
        ),
        reasons AS (  -- the two comparisons that weigh most for the link (ties: by name)
            SELECT unique_id_l, unique_id_r,
                   array_to_string(max_by(level_label, struct_pack(w := match_weight,
                                                                    c := comparison), 2),
                                   '、') AS basis
            FROM {LINK_EXPLANATIONS} WHERE match_weight > 0 GROUP BY ALL
        )
        SELECT uid, probability, basis
        FROM best LEFT JOIN reasons
          ON reasons.unique_id_l = best.link.l AND reasons.unique_id_r = best.link.r
        """
    )


def _given_name_cut(longer: str, shorter: str) -> str:
    """SQL: the name of row ``longer`` (an alias of ``persons``) is that of row ``shorter``
    after the start of a given name its separator shows (努尔买买提·司马义, given name
    努尔买买提, and 买买提司马义): two names, not one after a clan name or surname left out,
    which leaves out whole parts before a separator (吉木·伍呷, or 吉木伍呷 written without
    one, and 伍呷). False where a name is missing."""
    parts = f"string_split({longer}.written_name, '·')"
    # the name as written from each part on, without its separators (no pattern: a name may
    # hold any character a clerk typed)
    tails = (
        f"list_transform(range(1, len({parts}) + 1), lambda i: array_to_string({parts}[i:], ''))"
    )
    return (f"coalesce(length({longer}.name) > length({shorter}.name) "
            f"AND ends_with({longer}.name, {shorter}.name) "
            f"AND contains({longer}.written_name, '·') "
            f"AND NOT list_contains({tails}, {shorter}.name), false)")  # fmt: skip


_ROSTER_ENDS = "SELECT record_id, end_date FROM assistance"
_NO_ROSTER = "SELECT NULL AS record_id, NULL::DATE AS end_date WHERE false"
"""The roster rows' ends (``record_id``, ``end_date``), and none for a drop without a roster."""


def lone_death_candidates(
    con: duckdb.DuckDBPyConnection, *, entities: str = ENTITIES, possible: str = POSSIBLE_MATCHES
) -> list[tuple[str, str, float, int, int]]:
    """The persons a death notice linked to no one may be, below the threshold or ambiguously.

    A notice whose person is the notice alone, that some persons match below the threshold
    or too evenly to choose (namesakes), in ``POSSIBLE_MATCHES``. A pair reviewers labelled
    "not the same person", or of two different valid IDs, is no candidate (a person any of
    whose rows reviewers labelled not the notice's is none: the label is about who died,
    not about one of the person's rows), nor a row whose name is the notice's with the start
    of a given name before it, as its separator shows (努尔买买提·司马义 for 买买提司马义, paired
    or by name: ``_given_name_cut``), nor a row of
    another village of the township the notice names (a notice records where its person
    was registered: a namesake of another village with nothing but the name in common is
    someone else, whom the registries may not hold); nor is a person the notice matches by
    more than the run's ``ambiguity_margin`` bits of match weight worse than its best
    candidate (the hukou row of the notice's namesake next door matching at 0.47 makes a
    child matching at 0.02 no candidate), and only the candidates left are counted. A person
    is matched by her rows that can be compared with the notice's place at the finest level
    both name (the village group or house, else the village, else the township), when she has
    any: a namesake's poverty row, which names no address, cannot contradict the notice's
    hamlet as her hukou row of another hamlet does. For the same reason a person whose rows
    in the notice's township name other villages only, or whose rows in its village name
    other groups only, is no candidate, whether linking kept a pair of those rows or not;
    nor is a person none of whose rows gives the gender the notice gives (a police notice's
    gender is one of the few things it says: a man is no candidate for a woman's death). A
    candidate whose own notice gives the notice's date of death, or one within
    ``NOTICE_DATE_SLIP_DAYS`` of it (a slip of the day or month), is its only candidate: the
    same death reported by a second office (police and funeral home), not a namesake's; a
    person whose own notice gives a date further off is none (a person dies once). Else,
    of at most ``MAX_CANDIDATES``, a candidate the notice matches at least as well as any
    other, whose every roster row ended (退出日期) within ``NOTICE_DATE_SLIP_DAYS`` of its
    date, is its only candidate: the office ended her enrollment for this death, the
    namesake still paid beside her (a son of his father's name and address) is not its
    subject. On a
    notice without an ID, a person of its village whose name is the notice's after a clan
    name or surname left out (伍呷: 吉木伍呷, born within a year of it where both say) is a
    candidate too, paired or not, with probability 0 and no margin to pass: the rules above
    apply to him.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database, after linking.
    entities : str
        The table saying who each row is (``registry``, ``record_id``, ``person_id``).
    possible : str
        The table (or view) of the pairs left for review with their ``reason``, as
        ``possible_matches`` holds them; that of another threshold for threshold tuning.

    Returns
    -------
    list[tuple[str, str, float, int, int]]
        Per notice and candidate person, ordered by both: the notice's ``record_id``, the
        candidate's ``person_id``, the probability of their best pair (of those rows), how
        many persons the notice may be, and how many other persons every rule but the second
        report's and the ended enrollment's left it (``set_aside``: namesakes the notice may
        be as well; 0 but on a notice taken for a second report of a candidate's death or for
        the death her enrollment ended at). Empty when linking left no
        possible matches.
    """
    if not {possible, "deaths"} <= table_names(con) | view_names(con):
        return []
    with _labelled_apart(con):
        return con.execute(
            f"""
            WITH alone AS (
                SELECT 'deaths:' || record_id AS uid, record_id FROM {entities}
                WHERE registry = 'deaths' AND person_id IN (
                    SELECT person_id FROM {entities} GROUP BY person_id HAVING count(*) = 1)
            ),
            candidates AS (  -- not two villages of one township
                SELECT m.unique_id_l, m.unique_id_r, m.match_probability
                FROM {possible} m ANTI JOIN _apart USING (unique_id_l, unique_id_r)
                JOIN {PERSONS} l ON l.unique_id = m.unique_id_l
                JOIN {PERSONS} r ON r.unique_id = m.unique_id_r
                WHERE m.reason NOT IN ('labelled_apart', 'two_ids')
                  AND coalesce(NOT (l.township = r.township AND l.village <> r.village), true)
                  AND NOT {_given_name_cut("l", "r")} AND NOT {_given_name_cut("r", "l")}
            ),
            pairs AS (
                SELECT unique_id_l AS uid, unique_id_r AS other, match_probability FROM candidates
                UNION ALL
                SELECT unique_id_r, unique_id_l, match_probability FROM candidates
            ),
            labelled_apart AS (  -- the notice labelled not one of the person's rows
                SELECT a.record_id, e.person_id
                FROM alone a
                JOIN (SELECT unique_id_l AS uid, unique_id_r AS other FROM _apart
                      UNION ALL SELECT unique_id_r, unique_id_l FROM _apart) x USING (uid)
                JOIN {entities} e ON e.registry || ':' || e.record_id = x.other
            ),
            placed AS (  -- a person's rows placed as finely as the notice, when she has any
                SELECT a.record_id, e.person_id, p.match_probability
                FROM alone a JOIN pairs p USING (uid)
                JOIN {entities} e ON e.registry || ':' || e.record_id = p.other
                JOIN {PERSONS} n ON n.unique_id = a.uid
                JOIN {PERSONS} r ON r.unique_id = p.other
                ANTI JOIN labelled_apart l ON l.record_id = a.record_id
                     AND l.person_id = e.person_id
                QUALIFY rank() OVER (
                    PARTITION BY a.record_id, e.person_id ORDER BY CASE
                        WHEN n.address_area IS NOT NULL AND r.address_area IS NOT NULL
                          OR n.address_house IS NOT NULL AND r.address_house IS NOT NULL
                        THEN 3
                        WHEN n.village IS NOT NULL AND r.village IS NOT NULL THEN 2
                        WHEN n.township IS NOT NULL AND r.township IS NOT NULL THEN 1
                        ELSE 0 END DESC) = 1
            ),
            paired AS (
                SELECT record_id, person_id, max(match_probability) AS probability,
                       least(max(match_probability), 1 - 1e-12) AS capped, false AS by_name
                FROM placed GROUP BY record_id, person_id
            ),
            clan AS (  -- the notice's name after a clan name or surname left out (伍呷:
                -- 吉木伍呷), of its village, on a notice without an ID: unpaired namesakes
                SELECT DISTINCT a.record_id, e.person_id, 0.0 AS probability, 0.0 AS capped,
                       true AS by_name
                FROM alone a JOIN {PERSONS} n ON n.unique_id = a.uid
                JOIN {PERSONS} r ON r.township = n.township AND r.village = n.village
                     AND length(r.name) > length(n.name) AND ends_with(r.name, n.name)
                     AND NOT {_given_name_cut("r", "n")}
                     AND coalesce(abs(r.birth_year - n.birth_year) <= 1, true)
                JOIN {entities} e ON e.registry || ':' || e.record_id = r.unique_id
                WHERE n.id18 IS NULL AND length(n.name) >= 2
                  AND e.person_id NOT IN (SELECT person_id FROM paired p
                                          WHERE p.record_id = a.record_id)
            ),
            scored AS (SELECT * FROM paired UNION ALL SELECT * FROM clan),
            rows_of AS (  -- every row of each candidate, paired with the notice or not
                SELECT s.record_id, s.person_id, r.township, r.village, r.address_area, r.gender
                FROM scored s JOIN {entities} e USING (person_id)
                JOIN {PERSONS} r ON r.unique_id = e.registry || ':' || e.record_id
            ),
            someone_else AS (  -- her rows in the notice's township (village) name other
                -- villages (groups) only, or none gives the notice's gender
                SELECT o.record_id, o.person_id
                FROM rows_of o JOIN {PERSONS} n ON n.unique_id = 'deaths:' || o.record_id
                GROUP BY o.record_id, o.person_id, n.township, n.village, n.address_area,
                         n.gender
                HAVING bool_or(o.township = n.township AND o.village IS NOT NULL)
                       AND NOT bool_or(o.township = n.township AND o.village = n.village)
                    OR bool_or(o.township = n.township AND o.village = n.village
                               AND o.address_area IS NOT NULL)
                       AND NOT bool_or(o.address_area = n.address_area)
                    OR n.gender IS NOT NULL AND bool_or(o.gender IS NOT NULL)
                       AND NOT bool_or(o.gender = n.gender)
            ),
            dead AS (  -- a person dies once: her own notice of a day far off says she did
                SELECT DISTINCT s.record_id, s.person_id FROM scored s
                JOIN deaths n ON n.record_id = s.record_id
                JOIN {entities} o ON o.registry = 'deaths' AND o.person_id = s.person_id
                JOIN deaths d ON d.record_id = o.record_id
                 AND abs(date_diff('day', d.death_date, n.death_date)) > $slip
            ),
            died_that_day AS (  -- candidates whose own notice gives the notice's date
                SELECT DISTINCT s.record_id, s.person_id FROM scored s
                JOIN deaths n ON n.record_id = s.record_id
                JOIN {entities} o ON o.registry = 'deaths' AND o.person_id = s.person_id
                JOIN deaths d ON d.record_id = o.record_id
                 AND abs(date_diff('day', d.death_date, n.death_date)) <= $slip
            ),
            kept AS (  -- every rule but the second report of one death
                SELECT record_id, person_id, probability FROM scored
                ANTI JOIN someone_else USING (record_id, person_id)
                ANTI JOIN dead USING (record_id, person_id)
                QUALIFY by_name OR capped / (1 - capped) * pow(2, $margin)
                        >= max(capped / (1 - capped)) OVER (PARTITION BY record_id)
            ),
            ended_then AS (  -- kept candidates whose every roster row ended at the death,
                -- matched at least as well as any other of the few kept candidates
                SELECT k.record_id, k.person_id FROM kept k
                JOIN deaths n USING (record_id)
                JOIN {entities} e ON e.registry = 'assistance' AND e.person_id = k.person_id
                JOIN ({_ROSTER_ENDS if "assistance" in table_names(con) else _NO_ROSTER}) r
                  ON r.record_id = e.record_id
                WHERE k.probability >= (SELECT max(b.probability) FROM kept b
                                        WHERE b.record_id = k.record_id)
                  AND (SELECT count(*) FROM kept b WHERE b.record_id = k.record_id) <= $most
                GROUP BY k.record_id, k.person_id, n.death_date
                HAVING bool_and(r.end_date IS NOT NULL)
                   AND abs(date_diff('day', max(r.end_date), n.death_date)) <= $slip
            ),
            sole AS (  -- the candidates a notice is taken for: those whose own notice gives
                -- its date, else those whose enrollment ended at it
                SELECT * FROM died_that_day
                UNION ALL
                SELECT * FROM ended_then
                WHERE record_id NOT IN (SELECT record_id FROM died_that_day)
            ),
            plausible AS (
                SELECT * FROM kept
                WHERE record_id NOT IN (SELECT record_id FROM sole)
                UNION ALL
                SELECT record_id, person_id, probability FROM scored
                SEMI JOIN sole USING (record_id, person_id)
            ),
            set_aside AS (  -- the namesakes taking the notice for a sole candidate leaves out
                SELECT record_id, count(*) AS others FROM kept
                ANTI JOIN sole USING (record_id, person_id)
                WHERE record_id IN (SELECT record_id FROM sole)
                GROUP BY record_id
            )
            SELECT record_id, person_id, probability,
                   count(*) OVER (PARTITION BY record_id) AS candidates,
                   coalesce(others, 0) AS set_aside
            FROM plausible LEFT JOIN set_aside USING (record_id)
            ORDER BY record_id, person_id
            """,
            {
                "margin": _stored_settings(con).ambiguity_margin,
                "slip": NOTICE_DATE_SLIP_DAYS,
                "most": MAX_CANDIDATES,
            },
        ).fetchall()


# One roster row writes its birth year alone (no date: ``resolver.persons``), the other
# row's birth year is the same.
SAME_YEAR_ALONE = "(pl.dob IS NULL OR pr.dob IS NULL) AND pl.birth_year = pr.birth_year"


def possible_roster_duplicates(
    con: duckdb.DuckDBPyConnection, *, entities: str = ENTITIES
) -> list[tuple[str, str, str, str, float, str]]:
    """Two roster rows of different persons that may be one person enrolled twice, for one of
    two reasons. ``same_birth``: with the
    same birth date (or birth year, where one row writes the year alone) and gender, one of
    the two rows without any ID (what a second enrollment
    looks like; two rows whose IDs differ are namesakes born the same day more often than
    not), not labelled apart by reviewers, not two persons each holding an ID and none in
    common (twins of one house, namesakes born the same day: the row without one was linked
    to its own person's hukou row, whose ID tells the two apart), nor two rows of whom the
    row without an ID may be a third person (a hukou row of another person with an ID, the
    name, birth date — or year, of a year alone — and gender: namesakes born the same year,
    written 01-01), and either
    scored at or
    above the run's
    ``duplicate_threshold`` or named the way a clerk writes one name again
    (``resolver.comparisons.ONE_SPELLING``: the same sound, or a surname or clan name left
    out) at any score linking kept. The model weighs a variant spelling by how often true
    pairs of every registry show one, and most show the name as it was; on a county of small
    name pools (Uyghur, Yi) it weighed 托合提/托乎提 or 曲比/曲别 against a match, and such
    second enrollments scored 0.04-0.40.

    ``lone_name``: a row with no ID (of any form) and no birth date, of a person no row of
    whom gives either, and a row of a person holding an ID, of one name (two characters or
    more) and gender (a blank one, or that of every row of his that gives one), born in the
    year the bare row writes alone if it writes one (by every row of his that gives one), where no third person of any registry carries the
    name, as name or former name: the second enrollment of the one person the county knows
    by that name, written without her papers. Its probability is that of the pair as
    linking scored it, at most ``LONE_NAME_PROBABILITY`` (most such pairs are never
    compared: a row without a birth date is paired within its own township). A name two
    persons of the registries carry (namesakes) is no such pair: nothing says whose the row
    is.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database, after linking.
    entities : str
        The table saying who each row is (``registry``, ``record_id``, ``person_id``).

    Returns
    -------
    list[tuple[str, str, str, str, float, str]]
        Per pair, ordered: each row's ``record_id`` and ``person_id`` (of a ``lone_name``
        pair the bare row's first), the pair's probability and its reason (``same_birth``,
        ``same_birth_year`` where a row writes the year alone, or ``lone_name``). Empty when linking scored no pairs.
    """
    if SCORED_PAIRS not in table_names(con):
        return []
    names = ", ".join(f"p{side}.{column} AS {column}_{side}" for side in "lr"
                      for column in ("name", "name_pinyin", "name_fuzzy", "name_sound"))  # fmt: skip
    with _labelled_apart(con):
        return con.execute(
            f"""
            WITH person_ids AS (  -- roster persons' trusted IDs
                SELECT e.person_id, p.id18 FROM {entities} e
                JOIN {PERSONS} p ON p.unique_id = e.registry || ':' || e.record_id
                WHERE p.id18 IS NOT NULL AND e.person_id IN (
                    SELECT person_id FROM {entities} WHERE registry = 'assistance')
            ),
            hukou_named AS (  -- hukou rows with an ID: who a row without one may be
                SELECT p.name, p.dob, p.birth_year, p.gender, e.person_id FROM {PERSONS} p
                JOIN {entities} e ON e.registry = 'hukou' AND 'hukou:' || e.record_id = p.unique_id
                WHERE p.registry = 'hukou' AND p.id18 IS NOT NULL AND p.dob IS NOT NULL
            ),
            rosters AS (
                SELECT s.unique_id_l, s.unique_id_r, s.match_probability,
                       CASE WHEN pl.dob = pr.dob THEN pl.dob END AS dob, pl.birth_year,
                       pl.gender,
                       {names}
                FROM {SCORED_PAIRS} s ANTI JOIN _apart USING (unique_id_l, unique_id_r)
                JOIN {PERSONS} pl ON pl.unique_id = s.unique_id_l
                JOIN {PERSONS} pr ON pr.unique_id = s.unique_id_r
                WHERE pl.registry = 'assistance' AND pr.registry = 'assistance'
                  AND (pl.dob = pr.dob OR {SAME_YEAR_ALONE}) AND pl.gender = pr.gender
                  AND (coalesce(pl.id18, pl.id_text, pl.id_prefix) IS NULL
                       OR coalesce(pr.id18, pr.id_text, pr.id_prefix) IS NULL)
            ),
            bare AS (  -- roster rows bare of any ID and of a birth date, of a name of two or more
                SELECT p.unique_id, p.name, p.gender, p.birth_year, e.record_id, e.person_id
                FROM {PERSONS} p JOIN {entities} e ON e.registry = 'assistance'
                     AND 'assistance:' || e.record_id = p.unique_id
                WHERE p.registry = 'assistance' AND length(p.name) >= 2 AND p.dob IS NULL
                  AND coalesce(p.id18, p.id_text, p.id_prefix) IS NULL
            ),
            carriers AS (  -- how many persons carry a bare row's name, as name or former name
                SELECT name, count(DISTINCT person_id) AS persons FROM (
                    SELECT p.name, e.person_id FROM {PERSONS} p
                    JOIN {entities} e ON e.registry || ':' || e.record_id = p.unique_id
                    WHERE p.name IN (SELECT name FROM bare)
                    UNION ALL
                    SELECT p.former_name, e.person_id FROM {PERSONS} p
                    JOIN {entities} e ON e.registry || ':' || e.record_id = p.unique_id
                    WHERE p.former_name IN (SELECT name FROM bare))
                GROUP BY name
            ),
            known AS (  -- bare rows' persons some row of whom gives an ID or a birth date
                SELECT DISTINCT e.person_id FROM {entities} e
                JOIN {PERSONS} p ON p.unique_id = e.registry || ':' || e.record_id
                WHERE e.person_id IN (SELECT person_id FROM bare)
                  AND (coalesce(p.id18, p.id_text, p.id_prefix) IS NOT NULL OR p.dob IS NOT NULL)
            ),
            lone_name AS (  -- a bare row and the one other person of its name
                SELECT least(b.unique_id, o.unique_id) AS unique_id_l,
                       greatest(b.unique_id, o.unique_id) AS unique_id_r,
                       b.record_id AS bare_record, b.person_id AS bare_person,
                       eo.record_id AS other_record, eo.person_id AS other_person
                FROM bare b JOIN {PERSONS} o ON o.name = b.name
                JOIN {entities} eo ON 'assistance:' || eo.record_id = o.unique_id
                     AND eo.registry = 'assistance'
                JOIN carriers c ON c.name = b.name
                WHERE o.registry = 'assistance' AND c.persons = 2 AND b.person_id <> eo.person_id
                  -- of his gender by every row of his that gives one (his roster row may not)
                  AND NOT EXISTS (SELECT 1 FROM {entities} g
                                  JOIN {PERSONS} pg ON pg.unique_id = g.registry || ':' || g.record_id
                                  WHERE g.person_id = eo.person_id AND pg.gender <> b.gender)
                  -- born in the year the bare row writes alone, by every row of his giving one
                  AND NOT EXISTS (SELECT 1 FROM {entities} y
                                  JOIN {PERSONS} py ON py.unique_id = y.registry || ':' || y.record_id
                                  WHERE y.person_id = eo.person_id AND py.birth_year <> b.birth_year)
                  AND b.person_id NOT IN (SELECT person_id FROM known)
                  AND eo.person_id IN (SELECT person_id FROM person_ids)
            ),
            by_name AS (
                SELECT bare_record, bare_person, other_record, other_person,
                       least(coalesce(s.match_probability, 1), $lone), 'lone_name'
                FROM lone_name n ANTI JOIN _apart USING (unique_id_l, unique_id_r)
                LEFT JOIN {SCORED_PAIRS} s USING (unique_id_l, unique_id_r)
            ),
            by_birth AS (
                SELECT el.record_id, el.person_id, er.record_id, er.person_id, m.match_probability,
                       CASE WHEN m.dob IS NULL THEN 'same_birth_year' ELSE 'same_birth' END
                FROM rosters m
                JOIN {entities} el ON 'assistance:' || el.record_id = m.unique_id_l
                     AND el.registry = 'assistance'
                JOIN {entities} er ON 'assistance:' || er.record_id = m.unique_id_r
                     AND er.registry = 'assistance'
                WHERE el.person_id <> er.person_id
                  AND (m.match_probability >= $threshold OR {ONE_SPELLING})
                  AND NOT (el.person_id IN (SELECT person_id FROM person_ids)
                           AND er.person_id IN (SELECT person_id FROM person_ids)
                           AND NOT EXISTS (SELECT 1 FROM person_ids il JOIN person_ids ir USING (id18)
                                           WHERE il.person_id = el.person_id
                                             AND ir.person_id = er.person_id))
                  -- a third person of the name, birth date (year, of a year alone) and gender
                  -- in the hukou registry: the row without an ID may be him as well
                  AND NOT EXISTS (SELECT 1 FROM hukou_named h
                                  WHERE (h.dob = m.dob OR m.dob IS NULL
                                         AND h.birth_year = m.birth_year)
                                    AND h.gender = m.gender
                                    AND h.name IN (m.name_l, m.name_r)
                                    AND h.person_id NOT IN (el.person_id, er.person_id))
            )
            SELECT * FROM by_birth UNION ALL SELECT * FROM by_name
            ORDER BY ALL
            """,
            {"threshold": _stored_settings(con).duplicate_threshold, "lone": LONE_NAME_PROBABILITY},
        ).fetchall()


@contextmanager
def _labelled_apart(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """``_apart`` registered on ``con`` while inside: the pairs reviewers labelled "not the
    same person"."""
    apart = current_labels(con)
    con.register("_apart", apart.filter(pc.invert(apart["same_person"])))
    try:
        yield
    finally:
        con.unregister("_apart")


def _stored_settings(con: duckdb.DuckDBPyConnection) -> LinkSettings:
    """The run's link settings (the defaults before a run stored them)."""
    stored = (con.execute(f"SELECT settings_json FROM {LINK_MODEL}").fetchall()
              if LINK_MODEL in table_names(con) else [])  # fmt: skip
    return LinkSettings.from_json(stored[0][0]) if stored else LinkSettings()


def identified_persons(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyRelation:
    """Each person's trusted ID numbers, with the names the rows give beside them.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database, after linking.

    Returns
    -------
    duckdb.DuckDBPyRelation
        Distinct ``person_id``, ``id18``, ``name`` of every row trusted with an ID (not yet
        run).
    """
    return con.sql(
        "SELECT DISTINCT e.person_id, p.id18, p.written_name AS name "
        f"FROM {ENTITIES} e JOIN {PERSONS} p ON p.unique_id = e.registry || ':' || e.record_id "
        "WHERE p.id18 IS NOT NULL"
    )


def person_records(
    con: duckdb.DuckDBPyConnection, person_ids: Iterable[str]
) -> list[tuple[str, str, str]]:
    """The rows of the given persons.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database, after linking.
    person_ids : Iterable[str]
        The persons.

    Returns
    -------
    list[tuple[str, str, str]]
        ``registry``, ``record_id``, ``person_id`` of each of their rows.
    """
    con.register("_people", pa.table({"person_id": sorted(person_ids)}))
    try:
        return con.execute(
            "SELECT registry, record_id, person_id FROM "
            f"{ENTITIES} SEMI JOIN _people USING (person_id)"
        ).fetchall()
    finally:
        con.unregister("_people")


def explained_links(
    con: duckdb.DuckDBPyConnection, unique_ids: Iterable[str]
) -> list[tuple[str, str, float, float, list[dict]]]:
    """The accepted identity links among the given rows, each with its comparisons' weights.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database, after linking.
    unique_ids : Iterable[str]
        The rows, as ``registry:record_id``.

    Returns
    -------
    list[tuple[str, str, float, float, list[dict]]]
        Per link whose both rows are among ``unique_ids``, ordered: ``unique_id_l``,
        ``unique_id_r``, ``match_probability``, ``match_weight`` and its comparisons
        (``comparison``, ``level``, ``weight``) ordered by name.
    """
    con.register("_uids", pa.table({"uid": sorted(unique_ids)}))
    try:
        links = con.sql(
            f"""
            SELECT l.unique_id_l, l.unique_id_r, l.match_probability, l.match_weight,
                   list(struct_pack(comparison := x.comparison, level := x.level_label,
                                    weight := x.match_weight) ORDER BY x.comparison)
            FROM {PERSON_LINKS} l
            JOIN {LINK_EXPLANATIONS} x USING (unique_id_l, unique_id_r)
            WHERE l.unique_id_l IN (SELECT uid FROM _uids)
              AND l.unique_id_r IN (SELECT uid FROM _uids)
            GROUP BY ALL ORDER BY ALL
            """
        ).to_arrow_table()
    finally:
        con.unregister("_uids")
    # by column through Arrow: DuckDB's own rows build each comparison's dict far slower
    return list(zip(*(column.to_pylist() for column in links.columns), strict=True))
