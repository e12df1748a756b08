"""Ingest, normalisation and person linking: the registries of a data drop read as offices
export them, cleaned, and resolved into persons (the only package that touches Splink)."""

__all__ = [
    "clustering", "comparisons", "db", "errors", "headers", "idcard", "identity", "ingest",
    "labels", "layout", "link", "memory", "normalize", "persons", "quality", "reading",
    "registries", "settings", "splink_backend", "synthetic", "tables",
]  # fmt: skip
