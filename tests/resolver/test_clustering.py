from datetime import date

import duckdb
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from resolver.clustering import LINK_SCHEMA, Link, Row, cluster_rows, cluster_table, compatible_ids
from resolver.identity import assign_person_ids


def rows(*specs):
    return [Row(uid, id18, household) for uid, id18, household in specs]


def test_a_chain_through_a_blank_id_does_not_join_two_valid_ids():
    result = cluster_rows(
        rows(("a", "X1", None), ("b", None, None), ("c", "X2", None)),
        [Link("a", "b", 0.9999), Link("b", "c", 0.99)],  # b is far likelier a than c
        threshold=0.9,
        bridge_threshold=0.5,
    )
    assert result.cluster_of == {"a": "a", "b": "a", "c": "c"}
    assert [(link.right, reason) for link, reason in result.refused] == [("c", "two_ids")]


def test_members_of_one_household_are_never_one_person():
    result = cluster_rows(
        rows(("h1", None, "hukou:1"), ("h2", None, "hukou:1"), ("a", None, "case:9")),
        [Link("h1", "a", 0.99), Link("h2", "a", 0.98)],
        threshold=0.9,
        bridge_threshold=0.5,
    )
    assert result.cluster_of["h1"] == result.cluster_of["a"] != result.cluster_of["h2"]
    assert result.refused[0][1] == "same_household"


def test_a_member_who_left_and_came_back_is_one_person_across_the_two_rows_of_the_case():
    # The old row with the ID ended 2023-04-30; the new row from 2023-09-01 lost its ID to
    # Excel; another member of the case, covered throughout, is someone else.
    result = cluster_rows(
        [Row("old", "X1", "case:1", date(2020, 1, 1), date(2023, 4, 30)),
         Row("new", None, "case:1", date(2023, 9, 1), None),
         Row("hukou", "X1", "hukou:7"), Row("other", "X2", "case:1", date(2020, 1, 1), None)],
        [Link("old", "new", 0.9999), Link("new", "hukou", 0.999), Link("old", "hukou", 1.0),
         Link("new", "other", 0.97)],
        threshold=0.9, bridge_threshold=0.5,
    )  # fmt: skip
    assert result.cluster_of == {"old": "hukou", "new": "hukou", "hukou": "hukou",
                                 "other": "other"}  # fmt: skip


def test_two_rows_of_one_case_covered_in_the_same_months_stay_two_people():
    # Father and son of one name on one case, both covered from 2020; the son's ID is blank.
    result = cluster_rows(
        [Row("father", "X1", "case:1", date(2020, 1, 1), None),
         Row("son", None, "case:1", date(2020, 1, 1), date(2023, 4, 30)),
         Row("later", None, "case:1", date(2023, 3, 1), None)],
        [Link("father", "son", 0.99), Link("son", "later", 0.99)],
        threshold=0.9, bridge_threshold=0.5,
    )  # fmt: skip
    assert len(set(result.cluster_of.values())) == 3
    assert {reason for _, reason in result.refused} == {"same_household"}


def test_a_weak_single_bridge_between_two_groups_is_cut():
    links = [Link("a", "b", 0.999), Link("c", "d", 0.999), Link("b", "c", 0.95)]
    result = cluster_rows(
        rows(*((uid, None, None) for uid in "abcd")), links, threshold=0.9, bridge_threshold=0.99
    )
    assert result.cluster_of == {"a": "a", "b": "a", "c": "c", "d": "c"}
    assert [reason for _, reason in result.refused] == ["bridge"]


def test_a_weak_link_to_a_single_row_is_kept():
    links = [Link("a", "b", 0.999), Link("b", "c", 0.95)]
    result = cluster_rows(
        rows(*((uid, None, None) for uid in "abc")), links, threshold=0.9, bridge_threshold=0.99
    )
    assert set(result.cluster_of.values()) == {"a"}


def test_below_threshold_links_are_not_taken():
    result = cluster_rows(
        rows(("a", None, None), ("b", None, None)),
        [Link("a", "b", 0.8)],
        threshold=0.9,
        bridge_threshold=0.99,
    )
    assert result.cluster_of == {"a": "a", "b": "b"}


def test_a_row_without_id_equally_like_two_people_joins_neither():
    rows = [Row("notice", None, None), Row("a", "532326196201020765", None),
            Row("b", "53232619620102546X", None)]  # fmt: skip
    links = [Link("notice", "a", 0.97), Link("notice", "b", 0.97)]
    result = cluster_rows(rows, links, threshold=0.9, bridge_threshold=0.5)
    assert result.cluster_of == {"notice": "notice", "a": "a", "b": "b"}
    assert {reason for _, reason in result.refused} == {"ambiguous"}


def test_a_row_without_id_far_likelier_one_person_joins_that_one():
    rows = [Row("notice", None, None), Row("a", "532326196201020765", None),
            Row("b", "53232619620102546X", None)]  # fmt: skip
    links = [Link("notice", "a", 0.99999), Link("notice", "b", 0.97)]
    result = cluster_rows(rows, links, threshold=0.9, bridge_threshold=0.5)
    assert result.cluster_of["notice"] == result.cluster_of["a"] != result.cluster_of["b"]
    assert [reason for _, reason in result.refused] == ["two_ids"]


def test_a_zeroed_tail_is_compatible_with_its_id():
    assert compatible_ids("532326199001011235", "532326199001011000")
    assert not compatible_ids("532326199001011235", "532326199001011243")


def _person_ids(
    clusters: dict[str, str], fingerprints: dict[str, str], history: dict, key: str = "k1"
) -> dict:
    """The ids ``assign_person_ids`` gives, in a database whose secret is ``key``."""
    con = duckdb.connect()
    con.execute("CREATE TABLE person_id_key AS SELECT ? AS secret", [key])
    rows = pa.table({"unique_id": list(clusters), "cluster": list(clusters.values()),
                     "fingerprint": [fingerprints[uid] for uid in clusters]})  # fmt: skip
    old = pa.table({"unique_id": pa.array(list(history), pa.string()),
                    "fingerprint": pa.array([fp for fp, _ in history.values()], pa.string()),
                    "person_id": pa.array([p for _, p in history.values()], pa.string())})  # fmt: skip
    con.register("rows", rows)
    con.register("old", old)
    con.execute("CREATE TABLE person_id_history AS SELECT * FROM old")
    ids = assign_person_ids(con, "rows").to_pydict()
    return dict(zip(ids["unique_id"], ids["person_id"], strict=True))


def test_person_ids_are_kept_for_unchanged_rows_and_fresh_for_new_people():
    first = _person_ids({"a": "a", "b": "a", "c": "c"}, {"a": "1", "b": "2", "c": "3"}, {})
    assert first["a"] == first["b"] != first["c"]
    assert first == _person_ids({"a": "a", "b": "a", "c": "c"}, {"a": "1", "b": "2", "c": "3"}, {})
    history = {uid: (fp, first[uid]) for uid, fp in {"a": "1", "b": "2", "c": "3"}.items()}
    # next month: a new row d joins c's person; b's values changed
    again = _person_ids(
        {"a": "a", "b": "a", "c": "c", "d": "c"}, {"a": "1", "b": "9", "c": "3", "d": "4"}, history
    )
    assert again == {"a": first["a"], "b": first["a"], "c": first["c"], "d": first["c"]}


def test_a_person_whose_only_rows_changed_keeps_the_id():
    history = {"a": ("1", "P1"), "b": ("2", "P1"), "c": ("3", "P2")}
    # a new phone on each of P1's rows, a corrected ID on P2's one row
    result = _person_ids({"a": "a", "b": "a", "c": "c"}, {"a": "7", "b": "8", "c": "9"}, history)
    assert result == {"a": "P1", "b": "P1", "c": "P2"}


def test_an_unchanged_row_outweighs_changed_ones_for_an_old_id():
    history = {"a": ("1", "P1"), "b": ("2", "P1"), "c": ("3", "P1")}
    # P1 split: a alone and unchanged, b and c together but both changed
    result = _person_ids({"a": "a", "b": "b", "c": "b"}, {"a": "1", "b": "8", "c": "9"}, history)
    assert result["a"] == "P1" and result["b"] == result["c"] != "P1"


def test_many_fresh_ids_that_clash_are_salted_apart():
    # persons of two rows, a{i} and b{i}, each id drawn from its first row a{i}
    pairs = {f"{side}{i}": f"a{i}" for i in range(30) for side in "ab"}
    first = _person_ids(pairs, dict.fromkeys(pairs, "x"), {})
    history = {uid: ("x", pid) for uid, pid in first.items()}
    # next month each splits: b{i} unchanged keeps the id, a{i} changed draws the same fresh
    # id from its own row, which is taken, and is salted
    apart = {uid: uid for uid in pairs}
    again = _person_ids(apart, {u: "x" if u[0] == "b" else "y" for u in pairs}, history)
    assert all(again[f"b{i}"] == first[f"a{i}"] for i in range(30))
    fresh = [again[f"a{i}"] for i in range(30)]
    assert len(set(fresh)) == 30 and not set(fresh) & set(first.values())


def test_fresh_ids_cannot_be_derived_from_record_ids_without_the_databases_secret():
    clusters, fingerprints = {"a": "a", "c": "c"}, {"a": "1", "c": "3"}
    keyed = _person_ids(clusters, fingerprints, {}, key="k1")
    assert not set(keyed.values()) & set(_person_ids(clusters, fingerprints, {}, key="k2").values())
    con = duckdb.connect()
    con.register("rows", pa.table({"unique_id": ["a"], "cluster": ["a"], "fingerprint": ["1"]}))
    drawn = assign_person_ids(con, "rows")["person_id"][0].as_py()
    [(secret,)] = con.execute("SELECT secret FROM person_id_key").fetchall()
    assert len(secret) == 64 and drawn == assign_person_ids(con, "rows")["person_id"][0].as_py()


def test_a_split_person_keeps_its_id_on_the_larger_part():
    history = {"a": ("1", "P1"), "b": ("2", "P1"), "c": ("3", "P1")}
    result = _person_ids({"a": "a", "b": "a", "c": "c"}, {"a": "1", "b": "2", "c": "3"}, history)
    assert result["a"] == result["b"] == "P1"
    assert result["c"] not in {"P1"}


def test_a_fresh_id_already_taken_by_an_old_person_is_salted():
    fresh = _person_ids({"a": "a"}, {"a": "1"}, {})["a"]
    # an old person, whose rows are gone, holds the id that row a would get
    result = _person_ids({"a": "a"}, {"a": "1"}, {"z": ("9", fresh)})
    assert result["a"] != fresh and result["a"].startswith("P")


def test_rows_labelled_apart_never_join_not_even_through_another_row():
    rows = [Row("a", None, None), Row("b", None, None), Row("c", None, None)]
    links = [Link("a", "b", 0.999), Link("b", "c", 0.998)]
    result = cluster_rows(rows, links, threshold=0.9, bridge_threshold=0.5, apart=[("a", "c")])
    assert result.cluster_of["a"] == result.cluster_of["b"] != result.cluster_of["c"]
    assert result.refused == [(Link("b", "c", 0.998), "labelled_apart")]


ROW_IDS = [f"r{number}" for number in range(12)]
# coverage periods: open, an old one, a later one, one of those two years
PERIODS = [(None, None), (date(2020, 1, 1), date(2023, 4, 30)), (date(2023, 9, 1), None),
           (date(2023, 1, 1), date(2024, 12, 31))]  # fmt: skip
ROWS = st.lists(
    st.tuples(st.sampled_from(["X", "Y", "Z", None, None, None, None, None]),
              st.sampled_from(["h1", "h2", None, None, None, None]), st.sampled_from(PERIODS)),
    min_size=12, max_size=12,
).map(lambda specs: [Row(uid, id18, household, *period)
                     for uid, (id18, household, period) in zip(ROW_IDS, specs, strict=True)])  # fmt: skip
LINKS = st.lists(
    st.tuples(st.sampled_from(ROW_IDS), st.sampled_from(ROW_IDS),
              st.sampled_from([0.9, 0.95, 0.97, 0.99, 0.995, 0.9999, 1.0])),
    max_size=20,
).map(lambda triples: list({(min(a, b), max(a, b)): Link(min(a, b), max(a, b), p)
                            for a, b, p in triples if a != b}.values()))  # fmt: skip
APART = st.lists(st.tuples(st.sampled_from(ROW_IDS), st.sampled_from(ROW_IDS)), max_size=2)


@settings(max_examples=600)
@given(ROWS, LINKS, APART)
def test_the_table_clustering_gives_what_the_row_clustering_gives(rows, links, apart):
    options = {"threshold": 0.95, "bridge_threshold": 0.99, "ambiguity_margin": 5.0,
               "apart": [(a, b) for a, b in apart if a != b]}  # fmt: skip
    expected = cluster_rows(rows, links, **options)
    table = cluster_table(
        pa.table({"unique_id": [row.unique_id for row in rows], "id18": [row.id18 for row in rows],
                  "household_key": [row.household_key for row in rows],
                  "started": [row.started for row in rows], "ended": [row.ended for row in rows]}),
        pa.table({"unique_id_l": [link.left for link in links],
                  "unique_id_r": [link.right for link in links],
                  "match_probability": [link.probability for link in links]}, schema=LINK_SCHEMA),
        **options,
    )  # fmt: skip
    clusters = dict(zip(*table.clusters.to_pydict().values(), strict=True))
    assert clusters == {uid: expected.cluster_of[uid] for uid in clusters}
    reached = {end for link in links if link.probability >= 0.95 for end in link[:2]}
    assert set(clusters) == reached
    accepted = zip(*table.accepted.to_pydict().values(), strict=True)
    assert sorted(map(Link._make, accepted)) == sorted(expected.accepted)
    refused = zip(*table.refused.to_pydict().values(), strict=True)
    assert sorted((Link(left, right, p), why) for left, right, p, why in refused) == sorted(
        expected.refused
    )
