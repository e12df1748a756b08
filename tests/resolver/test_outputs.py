"""Readers of linking's outputs, on tiny inline tables."""

from __future__ import annotations

from dataclasses import replace

from resolver.db import connect
from resolver.outputs import lone_death_candidates
from resolver.settings import LinkSettings


def _linked(margin: float | None = None):
    con = connect(":memory:")
    con.execute("CREATE TABLE entities AS SELECT * FROM (VALUES ('deaths', 'D1', 'PD'), "
                "('assistance', 'A1', 'P1'), ('hukou', 'H2', 'P2'), ('assistance', 'A3', 'P3')) "
                "t(registry, record_id, person_id)")  # fmt: skip
    con.execute("CREATE TABLE possible_matches AS SELECT * FROM (VALUES "
                "('assistance:A1', 'deaths:D1', 0.02::DOUBLE, 'below_threshold'), "
                "('deaths:D1', 'hukou:H2', 0.47, 'below_threshold'), "
                "('assistance:A3', 'deaths:D1', 0.30, 'below_threshold')) "
                "t(unique_id_l, unique_id_r, match_probability, reason)")  # fmt: skip
    if margin is not None:
        settings = replace(LinkSettings(), ambiguity_margin=margin)
        con.execute("CREATE TABLE link_model AS SELECT ? AS settings_json", [settings.to_json()])
    return con


def test_a_person_far_less_likely_than_the_notices_best_candidate_is_no_candidate():
    # odds 0.02/0.98 against the best 0.47/0.53: 43 times less likely, beyond 5 bits (32)
    assert lone_death_candidates(_linked()) == [("D1", "P2", 0.47, 2), ("D1", "P3", 0.30, 2)]


def test_the_margin_is_the_runs_ambiguity_margin():
    assert len(lone_death_candidates(_linked(margin=6.0))) == 3
    assert lone_death_candidates(_linked(margin=1.0)) == [("D1", "P2", 0.47, 1)]
