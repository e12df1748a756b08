"""Bearer tokens and the access log: who may call the API, and every read of personal data.
Only a token's hash is stored; the token is shown once."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime
from typing import Any

from api.store import Store

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS api_tokens (
    token_hash VARCHAR PRIMARY KEY, name VARCHAR, role VARCHAR, created_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS access_log (
    accessed_at TIMESTAMP, actor VARCHAR, role VARCHAR, action VARCHAR, target VARCHAR
);
"""
ROLES = ("auditor", "analyst", "consumer", "admin")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenStore:
    """The tokens and the access log in the file."""

    def __init__(self, store: Store) -> None:
        self.store = store
        store.execute_script(SCHEMA)
        self._principals: dict[str, tuple[str, str] | None] = {}

    def create(self, *, name: str, role: str) -> str:
        """A new bearer token; only its hash is stored, the token is returned once."""
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}: one of {', '.join(ROLES)}")
        token = secrets.token_urlsafe(32)
        self.store.cursor.execute(
            "INSERT INTO api_tokens VALUES (?, ?, ?, now(), NULL)", [hash_token(token), name, role]
        )
        log.info("token created for %s (%s)", name, role)
        return token

    def principal(self, token: str) -> tuple[str, str] | None:
        """(name, role) of an active token, None for an unknown or revoked one (cached: the
        server is the one writer of the token table)."""
        digest = hash_token(token)
        if digest not in self._principals:
            found = self.store.rows(
                "SELECT name, role FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL",
                [digest],
            )
            self._principals[digest] = (found[0]["name"], found[0]["role"]) if found else None
        return self._principals[digest]

    def listed(self) -> list[dict[str, Any]]:
        return self.store.rows(
            "SELECT name, role, created_at, revoked_at FROM api_tokens ORDER BY created_at"
        )

    def revoke(self, name: str) -> int:
        revoked = self.store.rows(
            "UPDATE api_tokens SET revoked_at = now() WHERE name = ? AND revoked_at IS NULL "
            "RETURNING name",
            [name],
        )
        self._principals.clear()
        return len(revoked)

    def log_access(self, entries: list[tuple[datetime, str, str, str, str]]) -> None:
        if entries:
            self.store.cursor.executemany("INSERT INTO access_log VALUES (?, ?, ?, ?, ?)", entries)

    def access_log(self, *, offset: int, limit: int) -> tuple[int, list[dict[str, Any]]]:
        total = self.store.rows("SELECT count(*) AS n FROM access_log")[0]["n"]
        items = self.store.rows(
            "SELECT * FROM access_log ORDER BY accessed_at DESC LIMIT ? OFFSET ?", [limit, offset]
        )
        return total, items
