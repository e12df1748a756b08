"""The review API (app factory, routers per resource, dependencies, schemas, storage, auth,
access log, ledgers, the page) and the ``doudi`` command."""

__all__ = [
    "analysis", "app", "audit", "auth", "cli", "deps", "labels", "ledgers", "loadtest",
    "published", "reviews", "routers", "schemas", "settings", "snapshot", "storage", "store",
    "tokens",
]  # fmt: skip
