"""Bearer tokens and the access log: who may call the API, and every read of personal data.

Tokens. Only a token's hash is stored; the token is shown once. Each token has a short
``token_id`` (shown in lists, used to revoke or renew it: names need not be unique), who
minted it (``created_by``) and who revoked it (``revoked_by``), and an expiry (90 days by
default, renewable). The last active admin token cannot be revoked.

The access log is a hash chain: each entry carries a sequence number and the hash of the
entry before it, ``entry_hash = sha256(prev_hash + canonical(entry))``, so that changing,
inserting or deleting an entry in the file breaks the chain (``doudi audit verify``). Every
token event (minted, revoked, renewed) is appended in the same transaction as the change.

Files of older versions open as they are: missing columns are added, old tokens get an id
and an expiry 90 days from the upgrade, old log entries are chained in the order written.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from api.masking import mask_numbers
from api.store import Store
from resolver.db import transaction
from resolver.errors import DoudiError

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS api_tokens (
    token_hash VARCHAR PRIMARY KEY, name VARCHAR, role VARCHAR, created_at TIMESTAMP,
    revoked_at TIMESTAMP, token_id VARCHAR, created_by VARCHAR, revoked_by VARCHAR,
    expires_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS access_log (
    accessed_at TIMESTAMP, actor VARCHAR, role VARCHAR, action VARCHAR, target VARCHAR,
    token_id VARCHAR, seq BIGINT, prev_hash VARCHAR, entry_hash VARCHAR
);
ALTER TABLE api_tokens ADD COLUMN IF NOT EXISTS token_id VARCHAR;
ALTER TABLE api_tokens ADD COLUMN IF NOT EXISTS created_by VARCHAR;
ALTER TABLE api_tokens ADD COLUMN IF NOT EXISTS revoked_by VARCHAR;
ALTER TABLE api_tokens ADD COLUMN IF NOT EXISTS expires_at TIMESTAMP;
ALTER TABLE access_log ADD COLUMN IF NOT EXISTS token_id VARCHAR;
ALTER TABLE access_log ADD COLUMN IF NOT EXISTS seq BIGINT;
ALTER TABLE access_log ADD COLUMN IF NOT EXISTS prev_hash VARCHAR;
ALTER TABLE access_log ADD COLUMN IF NOT EXISTS entry_hash VARCHAR;
"""
ROLES = ("auditor", "analyst", "consumer", "admin")
# Each role as the page names it (``static/app.js`` ROLE_LABELS), for messages to a person
ROLE_NAMES = {"auditor": "审计员", "analyst": "数据分析", "consumer": "接口调用", "admin": "管理员"}
DEFAULT_DAYS = 90
MAX_DAYS = 365
MAX_NAME = 100
# Known tokens kept in memory (least recently used first out); unknown ones never are.
CACHE_SIZE = 1024
# The ``prev_hash`` of the first entry of the access log.
GENESIS = "0" * 64
# Entries per INSERT statement when a batch is appended.
INSERT_ROWS = 100
TOKEN_COLUMNS = "token_id, name, role, created_at, created_by, expires_at, revoked_at, revoked_by"
LOG_COLUMNS = "seq, accessed_at, actor, role, action, target, token_id, prev_hash, entry_hash"


def hash_token(token: str) -> str:
    """The SHA-256 of a token, as stored.

    Parameters
    ----------
    token : str
        The bearer token.

    Returns
    -------
    str
        Its hex digest.
    """
    return hashlib.sha256(token.encode()).hexdigest()


class TokenError(DoudiError):
    """A token change that cannot be made, and why: ``kind`` is ``invalid``, ``missing`` (no
    such token) or ``conflict`` (e.g. the last active admin token). ``api.deps`` turns it
    into an HTTP answer, the command line prints it."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass(frozen=True)
class Actor:
    """Who changes a token: an admin's token (``name``, ``role``, ``token_id``), or the
    command line (``cli:<user>``, role ``cli``)."""

    name: str
    role: str
    token_id: str | None = None

    @property
    def label(self) -> str:
        """``name (token_id)``, or the name alone: as ``created_by`` and ``revoked_by``."""
        return f"{self.name} ({self.token_id})" if self.token_id else self.name


@dataclass(frozen=True)
class TokenRecord:
    """A known token as the server checks it (kept in the cache, so with its expiry)."""

    token_id: str
    name: str
    role: str
    expires_at: datetime | None
    revoked_at: datetime | None

    def problem(self, now: datetime) -> str | None:
        """Why the token does not admit its holder, None when it is active.

        Parameters
        ----------
        now : datetime
            The time of the request.

        Returns
        -------
        str or None
            ``revoked``, ``expired`` or None.
        """
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return None


@dataclass(frozen=True)
class LogEntry:
    """One access, before it is chained: when, who (name, role and token id), what."""

    accessed_at: datetime
    actor: str
    role: str
    action: str
    target: str
    token_id: str | None = None


@dataclass(frozen=True)
class ChainCheck:
    """What ``verify_access_log`` found: how many entries, the last one's sequence number
    and hash (write them down elsewhere to notice a truncated log later), and the first
    broken entry with what is wrong (None when the chain holds)."""

    count: int
    head_seq: int
    head_hash: str
    broken_seq: int | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        """Whether every entry is chained to the one before it."""
        return self.broken_seq is None


def canonical(seq: int, entry: LogEntry) -> str:
    """The text an entry's hash covers: its sequence number and every field, as JSON.

    Parameters
    ----------
    seq : int
        The entry's sequence number (1 for the first).
    entry : LogEntry
        The entry.

    Returns
    -------
    str
        ``[seq, accessed_at, actor, role, action, target, token_id]`` as compact JSON,
        the time to the microsecond.
    """
    at = (
        entry.accessed_at.isoformat(sep=" ", timespec="microseconds") if entry.accessed_at else None
    )
    fields = [seq, at, entry.actor, entry.role, entry.action, entry.target, entry.token_id]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))


def chain_hash(prev_hash: str, seq: int, entry: LogEntry) -> str:
    """The hash of an entry chained to the one before it.

    Parameters
    ----------
    prev_hash : str
        The previous entry's hash (``GENESIS`` for the first).
    seq : int
        The entry's sequence number.
    entry : LogEntry
        The entry.

    Returns
    -------
    str
        ``sha256(prev_hash + canonical(seq, entry))`` in hex.
    """
    return hashlib.sha256((prev_hash + canonical(seq, entry)).encode("utf-8")).hexdigest()


def verify_chain(rows: Iterable[Sequence[Any]]) -> ChainCheck:
    """Check a log's entries in sequence order: numbers without gaps, each chained to the
    one before, each hash matching its content.

    Parameters
    ----------
    rows : iterable of sequences
        ``(seq, accessed_at, actor, role, action, target, token_id, prev_hash,
        entry_hash)`` ordered by ``seq``.

    Returns
    -------
    ChainCheck
        The count and the last entry, and the first broken entry if any (in Chinese).
    """
    count, head_seq, head_hash = 0, 0, GENESIS
    for seq, at, actor, role, action, target, token_id, prev_hash, entry_hash in rows:
        expected = head_seq + 1
        entry = LogEntry(at, actor, role, action, target, token_id)
        if seq is None:
            problem = "没有序号：该条不在链上（被插入）"
        elif seq > expected:
            missing = str(expected) if seq == expected + 1 else f"{expected} 至 {seq - 1}"
            problem = f"序号应为 {expected}，实为 {seq}：第 {missing} 条被删除"
        elif seq < expected:
            problem = f"序号应为 {expected}，实为 {seq}：有条目被插入，或序号被改动"
        elif prev_hash != head_hash:
            problem = (f"所记前一条的哈希与第 {head_seq} 条不符：第 {head_seq} 条被改动"
                       "并重算了哈希，或本条的前一条哈希被改动")  # fmt: skip
        elif entry_hash != chain_hash(prev_hash, seq, entry):
            problem = "内容与哈希不符：该条被改动"
        else:
            count, head_seq, head_hash = count + 1, seq, entry_hash
            continue
        return ChainCheck(count, head_seq, head_hash, expected if seq is None else seq, problem)
    return ChainCheck(count, head_seq, head_hash)


class TokenStore:
    """The tokens and the access log in the file."""

    def __init__(self, store: Store) -> None:
        self.store = store
        store.execute_script(SCHEMA)
        self._cache: OrderedDict[str, TokenRecord] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._generation = 0  # counts token changes, so that a lookup racing one is not cached
        # One writer at a time of either table: token events are chained into the log.
        self._writing = threading.RLock()
        self._head: tuple[int, str] | None = None  # the log's last (seq, entry_hash)
        self._migrate()

    # -- tokens ---------------------------------------------------------------------------

    def mint(self, *, name: str, role: str, by: Actor, days: int = DEFAULT_DAYS) -> dict[str, Any]:
        """A new bearer token; only its hash is stored, the token is returned once.

        Parameters
        ----------
        name : str
            Who the token is for (need not be unique).
        role : str
            One of ``ROLES``.
        by : Actor
            Who mints it (``created_by``, and the actor of the log entry).
        days : int, default 90
            Days until it expires (1 to 365).

        Returns
        -------
        dict
            ``token_id``, ``name``, ``role``, ``expires_at`` and ``token`` (shown once).

        Raises
        ------
        TokenError
            ``invalid`` for an unknown role, a blank or overlong name, or days out of range.
        """
        from api.validation import says_nothing  # FastAPI: not loaded by a job that logs a read

        name = name.strip()
        if role not in ROLES:
            raise TokenError("invalid", f"未知角色 {role!r}：应为 {', '.join(ROLES)} 之一")
        if (
            says_nothing(name)
            or len(name) > MAX_NAME
            or any(unicodedata.category(c) == "Cc" for c in name)
        ):
            raise TokenError("invalid", f"令牌名称须为 1 至 {MAX_NAME} 个字符，不含控制字符")
        _check_days(days)
        token = secrets.token_urlsafe(32)
        now = datetime.now()
        expires_at = now + timedelta(days=days)
        with self._changing() as cursor:
            token_id = self._new_id(cursor)
            cursor.execute(
                "INSERT INTO api_tokens (token_hash, name, role, created_at, revoked_at, "
                "token_id, created_by, revoked_by, expires_at) "
                "VALUES (?, ?, ?, ?, NULL, ?, ?, NULL, ?)",
                [hash_token(token), name, role, now, token_id, by.label, expires_at],
            )
            self._event(cursor, by, "token_created", token_id, name, role, expires_at)
        log.info("token %s created for %s (%s) by %s", token_id, name, role, by.label)
        return {"token_id": token_id, "name": name, "role": role, "expires_at": expires_at,
                "token": token}  # fmt: skip

    def create(
        self, *, name: str, role: str, by: Actor | None = None, days: int = DEFAULT_DAYS
    ) -> str:
        """A new bearer token, as ``mint``, returning the token alone.

        Parameters
        ----------
        name : str
            Who the token is for.
        role : str
            One of ``ROLES``.
        by : Actor, optional
            Who mints it; a local process (``local``) when not given.
        days : int, default 90
            Days until it expires.

        Returns
        -------
        str
            The token (shown once; only its hash is stored).
        """
        return self.mint(name=name, role=role, by=by or Actor("local", "cli"), days=days)["token"]

    def find_cached(self, token: str) -> TokenRecord | None:
        """The token's record if it is in memory (no query: safe on the event loop).

        Parameters
        ----------
        token : str
            The bearer token presented.

        Returns
        -------
        TokenRecord or None
            The cached record, None when not cached (unknown, or not yet looked up).
        """
        digest = hash_token(token)
        with self._cache_lock:
            found = self._cache.get(digest)
            if found is not None:
                self._cache.move_to_end(digest)
            return found

    def find(self, token: str) -> TokenRecord | None:
        """The token's record, from memory or the file (a query: call it off the event loop).

        Known tokens are cached (at most ``CACHE_SIZE``, least recently used out first);
        unknown ones are not, so random guesses do not grow the cache.

        Parameters
        ----------
        token : str
            The bearer token presented.

        Returns
        -------
        TokenRecord or None
            The record (active, expired or revoked: see ``TokenRecord.problem``), None for
            an unknown token.
        """
        found = self.find_cached(token)
        if found is not None:
            return found
        digest = hash_token(token)
        with self._cache_lock:
            generation = self._generation
        rows = self.store.rows(
            "SELECT token_id, name, role, expires_at, revoked_at FROM api_tokens "
            "WHERE token_hash = ?",
            [digest],
        )
        if not rows:
            return None
        found = TokenRecord(**rows[0])
        with self._cache_lock:
            if generation != self._generation:  # changed meanwhile: this row may be stale
                return found
            self._cache[digest] = found
            self._cache.move_to_end(digest)
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return found

    def principal(self, token: str) -> tuple[str, str] | None:
        """(name, role) of an active token.

        Parameters
        ----------
        token : str
            The bearer token presented.

        Returns
        -------
        tuple of (str, str) or None
            None for an unknown, revoked or expired token.
        """
        found = self.find(token)
        if found is None or found.problem(datetime.now()):
            return None
        return found.name, found.role

    def listed(self) -> list[dict[str, Any]]:
        """Every token, oldest first, with its status.

        Returns
        -------
        list of dict
            ``token_id``, ``name``, ``role``, ``status`` (``active``, ``expired`` or
            ``revoked``), ``created_at``, ``created_by``, ``expires_at``, ``revoked_at``,
            ``revoked_by``.
        """
        rows = self.store.rows(f"SELECT {TOKEN_COLUMNS} FROM api_tokens ORDER BY created_at")
        return [_with_status(row, datetime.now()) for row in rows]

    def get(self, token_id: str) -> dict[str, Any] | None:
        """One token by its id.

        Parameters
        ----------
        token_id : str
            The token's id.

        Returns
        -------
        dict or None
            As in ``listed``, None when there is no such token.
        """
        rows = self.store.rows(
            f"SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE token_id = ?", [token_id]
        )
        return _with_status(rows[0], datetime.now()) if rows else None

    def revoke(self, token_id: str, *, by: Actor) -> dict[str, Any]:
        """Revoke one token, by its id.

        Parameters
        ----------
        token_id : str
            The token's id.
        by : Actor
            Who revokes it (``revoked_by``, and the actor of the log entry).

        Returns
        -------
        dict
            The token as ``get`` gives it, now revoked.

        Raises
        ------
        TokenError
            ``missing`` for no such token; ``conflict`` when it is already revoked, or it
            is the last active admin token.
        """
        with self._changing() as cursor:
            now = datetime.now()
            found = self._token(cursor, token_id, now)
            if found["status"] == "revoked":
                raise TokenError(
                    "conflict", f"令牌 {token_id} 已于 {found['revoked_at']:%Y-%m-%d %H:%M} 吊销"
                )
            if found["role"] == "admin" and found["status"] == "active":
                others = cursor.execute(
                    "SELECT count(*) FROM api_tokens WHERE role = 'admin' AND token_id <> ? "
                    "AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)",
                    [token_id, now],
                ).fetchone()[0]
                if others == 0:
                    raise TokenError("conflict", f"令牌 {token_id} 是最后一个有效的管理员令牌，不能吊销："
                                                 "请先创建另一个管理员令牌")  # fmt: skip
            cursor.execute(
                "UPDATE api_tokens SET revoked_at = ?, revoked_by = ? WHERE token_id = ?",
                [now, by.label, token_id],
            )
            self._event(cursor, by, "token_revoked", token_id, found["name"], found["role"])
            hashes = cursor.execute(
                "SELECT token_hash FROM api_tokens WHERE token_id = ?", [token_id]
            ).fetchall()
        self._forget(digest for (digest,) in hashes)
        log.info("token %s revoked by %s", token_id, by.label)
        return self.get(token_id)

    def renew(self, token_id: str, *, by: Actor, days: int = DEFAULT_DAYS) -> dict[str, Any]:
        """Extend a token (active or expired, not revoked) to ``days`` from now.

        Parameters
        ----------
        token_id : str
            The token's id.
        by : Actor
            Who renews it (the actor of the log entry).
        days : int, default 90
            Days from now until it expires (1 to 365).

        Returns
        -------
        dict
            The token as ``get`` gives it, with its new expiry.

        Raises
        ------
        TokenError
            ``missing`` for no such token, ``conflict`` for a revoked one, ``invalid`` for
            days out of range.
        """
        _check_days(days)
        with self._changing() as cursor:
            now = datetime.now()
            found = self._token(cursor, token_id, now)
            if found["status"] == "revoked":
                raise TokenError("conflict", f"令牌 {token_id} 已吊销，不能续期")
            expires_at = now + timedelta(days=days)
            cursor.execute(
                "UPDATE api_tokens SET expires_at = ? WHERE token_id = ?", [expires_at, token_id]
            )
            self._event(cursor, by, "token_renewed", token_id, found["name"], found["role"],
                        expires_at)  # fmt: skip
            hashes = cursor.execute(
                "SELECT token_hash FROM api_tokens WHERE token_id = ?", [token_id]
            ).fetchall()
        self._forget(digest for (digest,) in hashes)
        log.info("token %s renewed to %s by %s", token_id, expires_at, by.label)
        return self.get(token_id)

    # -- the access log --------------------------------------------------------------------

    def append_access(self, entries: Sequence[LogEntry]) -> list[int]:
        """Append entries to the access log, chained, in one transaction (committed when
        this returns).

        Parameters
        ----------
        entries : sequence of LogEntry
            The entries, in the order they happened.

        Returns
        -------
        list of int
            Their sequence numbers.
        """
        if not entries:
            return []
        # A batch that fits one INSERT is its own transaction (DuckDB commits each statement
        # by itself): one call into DuckDB, so the writer thread takes the GIL back once.
        with self._changing(atomic=len(entries) > INSERT_ROWS) as cursor:
            return self._append(cursor, entries)

    def access_log(self, *, offset: int, limit: int) -> tuple[int, list[dict[str, Any]]]:
        """A page of the access log, newest first.

        Parameters
        ----------
        offset : int
            Entries to skip.
        limit : int
            Entries to return at most.

        Returns
        -------
        tuple of (int, list of dict)
            The number of entries in all, and the page's entries.
        """
        total = self.store.rows("SELECT count(*) AS n FROM access_log")[0]["n"]
        items = self.store.rows(
            f"SELECT {LOG_COLUMNS} FROM access_log ORDER BY seq DESC LIMIT ? OFFSET ?",
            [limit, offset],
        )
        return total, items

    def access_chain(self, batch: int = 10_000) -> Iterator[tuple[Any, ...]]:
        """Every entry of the access log in sequence order, as ``verify_chain`` reads them.

        Parameters
        ----------
        batch : int, default 10000
            Rows fetched at a time.

        Yields
        ------
        tuple
            ``(seq, accessed_at, actor, role, action, target, token_id, prev_hash,
            entry_hash)``.
        """
        cursor = self.store.con.cursor()
        try:
            result = cursor.execute(
                f"SELECT {LOG_COLUMNS} FROM access_log ORDER BY seq NULLS FIRST, rowid"
            )
            while rows := result.fetchmany(batch):
                yield from rows
        finally:
            cursor.close()

    def verify_access_log(self) -> ChainCheck:
        """Check the access log's hash chain (see ``verify_chain``).

        Returns
        -------
        ChainCheck
            The count, the last entry, and the first broken entry if any.
        """
        with self._writing:
            return verify_chain(self.access_chain())

    # -- inside ----------------------------------------------------------------------------

    @contextmanager
    def _changing(self, *, atomic: bool = True) -> Iterator[Any]:
        """A transaction of the one writer (or, not ``atomic``, statements each committed
        by itself). Should it fail, the log's head is read again from the file (the commit
        may or may not have landed)."""
        with self._writing:
            try:
                if atomic:
                    with transaction(self.store.cursor) as cursor:
                        yield cursor
                else:
                    yield self.store.cursor
            except BaseException:
                self._head = None
                raise

    def _append(self, cursor, entries: Sequence[LogEntry]) -> list[int]:
        """Chain and insert ``entries`` within a ``_changing`` transaction."""
        seq, prev = self._head if self._head is not None else self._read_head(cursor)
        rows, seqs = [], []
        for entry in entries:
            seq += 1
            entry_hash = chain_hash(prev, seq, entry)
            rows.append((entry.accessed_at, entry.actor, entry.role, entry.action, entry.target,
                         entry.token_id, seq, prev, entry_hash))  # fmt: skip
            seqs.append(seq)
            prev = entry_hash
        # One statement per batch: DuckDB binds a statement's rows far faster than it runs
        # a statement per row (executemany).
        for start in range(0, len(rows), INSERT_ROWS):
            chunk = rows[start : start + INSERT_ROWS]
            cursor.execute(
                "INSERT INTO access_log (accessed_at, actor, role, action, target, token_id, "
                "seq, prev_hash, entry_hash) VALUES "
                + ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(chunk)),
                [value for row in chunk for value in row],
            )
        self._head = (seq, prev)  # forgotten by _changing if the transaction fails
        return seqs

    def _read_head(self, cursor) -> tuple[int, str]:
        found = cursor.execute(
            "SELECT seq, entry_hash FROM access_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        return (found[0], found[1]) if found else (0, GENESIS)

    def _event(self, cursor, by: Actor, action: str, token_id: str, name: str, role: str,
               expires_at: datetime | None = None) -> None:  # fmt: skip
        target = f"token_id={token_id} name={name} role={role}"
        if expires_at is not None:
            target += f" expires_at={expires_at:%Y-%m-%d %H:%M}"
        self._append(cursor, [LogEntry(datetime.now(), by.name, by.role, action, target,
                                       by.token_id)])  # fmt: skip

    def _token(self, cursor, token_id: str, now: datetime) -> dict[str, Any]:
        result = cursor.execute(
            f"SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE token_id = ?", [token_id]
        )
        names = [column[0] for column in result.description]
        row = result.fetchone()
        if row is None:
            raise TokenError("missing", f"没有编号为 {mask_numbers(token_id)} 的令牌")
        return _with_status(dict(zip(names, row, strict=True)), now)

    def _new_id(self, cursor) -> str:
        while True:
            token_id = secrets.token_hex(4)
            taken = cursor.execute(
                "SELECT 1 FROM api_tokens WHERE token_id = ?", [token_id]
            ).fetchone()
            if not taken:
                return token_id

    def _forget(self, digests: Iterable[str]) -> None:
        with self._cache_lock:
            self._generation += 1
            for digest in digests:
                self._cache.pop(digest, None)

    def _migrate(self) -> None:
        """Bring a file of an older version up: ids and expiries for its tokens, the chain
        for its log entries."""
        with self._changing() as cursor:
            legacy = cursor.execute(
                "SELECT token_hash FROM api_tokens WHERE token_id IS NULL"
            ).fetchall()
            for (digest,) in legacy:
                cursor.execute(
                    "UPDATE api_tokens SET token_id = ? WHERE token_hash = ?",
                    [self._new_id(cursor), digest],
                )
            cursor.execute(
                "UPDATE api_tokens SET expires_at = ? WHERE expires_at IS NULL",
                [datetime.now() + timedelta(days=DEFAULT_DAYS)],
            )
            unchained = cursor.execute(
                "SELECT rowid, accessed_at, actor, role, action, target, token_id "
                "FROM access_log WHERE seq IS NULL ORDER BY accessed_at, rowid"
            ).fetchall()
            if unchained:
                seq, prev = self._read_head(cursor)
                updates = []
                for rowid, *fields in unchained:
                    seq += 1
                    entry_hash = chain_hash(prev, seq, LogEntry(*fields))
                    updates.append((seq, prev, entry_hash, rowid))
                    prev = entry_hash
                cursor.executemany(
                    "UPDATE access_log SET seq = ?, prev_hash = ?, entry_hash = ? WHERE rowid = ?",
                    updates,
                )
                log.info("chained %d access-log entries of an older version", len(updates))
        self._head = None


def _with_status(row: dict[str, Any], now: datetime) -> dict[str, Any]:
    if row["revoked_at"] is not None:
        status = "revoked"
    elif row["expires_at"] is not None and row["expires_at"] <= now:
        status = "expired"
    else:
        status = "active"
    return row | {"status": status}


def _check_days(days: int) -> None:
    if not 1 <= days <= MAX_DAYS:
        raise TokenError("invalid", f"有效天数须在 1 至 {MAX_DAYS} 之间")
