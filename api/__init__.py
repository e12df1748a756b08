"""The review API (app factory, routers per resource, dependencies, schemas, storage, auth,
access log, ledgers, the page) and the ``doudi`` command."""

__all__ = ["app", "audit", "auth", "cli", "deps", "ledgers", "loadtest", "published",
           "routers", "schemas", "settings", "storage"]  # fmt: skip
