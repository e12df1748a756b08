"""What resolver hands over: the tables linking leaves in the run's database, named once here
with their columns, and the run's files written from them. ``models`` reads these tables by
these names (and the registries' tables, ``resolver.ingest``).

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
- ``LINK_MODEL`` (``link_model``): the run's ``settings_json`` and trained ``model_json``.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from resolver.settings import LinkSettings

PERSONS = "persons"
ENTITIES = "entities"
PERSON_LINKS = "person_links"
LINK_EXPLANATIONS = "link_explanations"
POSSIBLE_MATCHES = "possible_matches"
LINK_MODEL = "link_model"


def write_entities(con: duckdb.DuckDBPyConnection, out_dir: Path, settings: LinkSettings) -> None:
    """``entities.csv`` (contract §3), and the link settings and trained model beside it."""
    out_dir.mkdir(parents=True, exist_ok=True)
    con.execute(
        f"COPY (SELECT registry, record_id, person_id FROM {ENTITIES} "
        "ORDER BY registry, record_id) TO ? (HEADER, DELIMITER ',')",
        [str(out_dir / "entities.csv")],
    )
    settings.save(out_dir / "link_settings.json")
    model_json = con.execute(f"SELECT model_json FROM {LINK_MODEL}").fetchall()[0][0]
    (out_dir / "link_model.json").write_text(model_json, encoding="utf-8")
