"""A TokenStore in Redis: tokens shared by every process and host that reaches one server.

Needs the optional extra ``redis`` (``pip install "tokenstore-conformance[redis]"``).
Every save, delete and delete-all is one Lua script (``redis_scripts``), run
atomically by Redis; the key layout is described there.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

import redis

from tokenstore_conformance.sdk import OAuthToken, SDKException, TokenStore

from . import redis_scripts
from .records import COLUMNS, Row, fill_token, lookup_key, new_id, row_from_token, token_from_row

URL_VARIABLE = "TOKENSTORE_REDIS_URL"
DEFAULT_PREFIX = "zoho:oauth:"
T = TypeVar("T")


class RedisTokenStore(TokenStore):
    """Tokens under one key prefix of a Redis database; see ``redis_scripts`` for the keys.

    ``client_or_url`` is a ``redis.Redis`` client or a URL (``redis://host:6379/0``,
    ``unix:///run/redis.sock``). The store holds no tokens itself: every call
    asks Redis, so instances and processes never serve each other stale data.
    redis-py's connection pool notices a fork and opens new connections in the
    child, so an instance may be created before ``fork`` and used on both sides.
    Any Redis error (a server that is down, a timeout) is raised as SDKException
    with the cause; the next call connects again, so the instance recovers.
    """

    # Every instance with the same server and prefix sees the same tokens: that is the point of a server.
    tokenstore_persistent = True
    # Redis serialises the scripts, so processes (and threads) may save at once.
    tokenstore_concurrency = "processes"

    def __init__(self, client_or_url: redis.Redis | str, prefix: str = DEFAULT_PREFIX) -> None:
        if not isinstance(prefix, str) or not prefix:
            raise ValueError(f"prefix must be a non-empty string such as {DEFAULT_PREFIX!r}, not {prefix!r}")
        if isinstance(client_or_url, str):
            client_or_url = connect(client_or_url)
        elif not isinstance(client_or_url, redis.Redis):
            raise TypeError(
                f"client_or_url must be a redis.Redis client or a redis:// URL, not {type(client_or_url).__name__}"
            )
        self.client = client_or_url
        self.prefix = prefix
        # register_script sends EVALSHA and loads the script again after NOSCRIPT
        # (a restarted or failed-over server has an empty script cache).
        self._find = self.client.register_script(redis_scripts.FIND)
        self._save = self.client.register_script(redis_scripts.SAVE)
        self._delete = self.client.register_script(redis_scripts.DELETE)
        self._delete_all = self.client.register_script(redis_scripts.DELETE_ALL)
        self._get_all = self.client.register_script(redis_scripts.GET_ALL)

    def record_key(self, id: str) -> str:
        return f"{self.prefix}rec:{id}"

    def _call(self, action: str, command: Callable[..., T], *args: object) -> T:
        """Run one Redis command or script; a Redis failure becomes the SDK's exception, never a miss."""
        try:
            return command(*args)
        except redis.RedisError as exc:
            raise SDKException("TOKEN_STORE", f"Redis store: could not {action}: ", cause=exc) from exc

    def _script(self, action: str, script: redis.commands.core.Script, *args: str) -> object:
        return self._call(action, lambda: script(keys=[], args=[self.prefix, *args]))

    def _key_args(self, token: OAuthToken) -> list[str]:
        """The lookup arguments every script shares: the id, then the contract's key column and value."""
        column, value = lookup_key(token) or ("", None)
        return [_optional(_text_id(token.get_id())), column, _optional(value)]

    def find_token(self, token):
        if not isinstance(token, OAuthToken):
            return None
        pairs = self._script("find a token", self._find, *self._key_args(token))
        return fill_token(token, _row(pairs)) if pairs else None

    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        values = [_optional(value) for value in row_from_token(token)[1:]]
        status, record_id = map(
            _text, self._script("save a token", self._save, *self._key_args(token), new_id(), *values)
        )
        if status == "user_taken":
            raise SDKException(
                "TOKEN_STORE", f"Redis store: record {record_id!r} already has this token's user name"
            )
        if status != "ok":
            raise SDKException("TOKEN_STORE", f"Redis store: the new id {record_id!r} is taken; save again")
        if token.get_id() is None:
            token.set_id(record_id)

    def delete_token(self, id):
        if isinstance(id, str):
            self._script("delete a token", self._delete, id)

    def get_tokens(self):
        records = self._script("list the tokens", self._get_all)
        return [token_from_row(_row(pairs)) for pairs in records]

    def delete_tokens(self):
        self._script("delete all tokens", self._delete_all)

    def find_token_by_id(self, id):
        if not isinstance(id, str):
            return None
        pairs = self._call("find a token by id", self.client.hgetall, self.record_key(id))
        return token_from_row(_row(pairs)) if pairs else None


def _optional(value: str | None) -> str:
    return redis_scripts.NONE if value is None else redis_scripts.VALUE + value


def _text_id(value: object) -> str | None:
    return None if value is None else str(value)


def _text(value: str | bytes) -> str:
    """A reply as text whether or not the client decodes replies itself."""
    return value.decode("utf-8") if isinstance(value, bytes) else value


def _row(pairs: dict | Sequence) -> Row:
    """A record row from HGETALL's reply: a dict from a command, a flat list from a script."""
    if not isinstance(pairs, dict):
        pairs = dict(zip(pairs[::2], pairs[1::2], strict=False))
    fields = {_text(name): _text(value) for name, value in pairs.items()}
    return tuple(fields.get(column) for column in COLUMNS)


def connect(url: str) -> redis.Redis:
    """A client for ``url`` that decodes replies as UTF-8 and never waits forever on a server."""
    return redis.Redis.from_url(url, decode_responses=True, socket_timeout=5, socket_connect_timeout=5)


@functools.cache
def shared_client(url: str) -> redis.Redis:
    """One client, and so one connection pool, per URL in this process, for factories that build many stores."""
    return connect(url)


def prefix_for(tmp_path: os.PathLike[str] | str, base: str = "tokenstore-test:") -> str:
    """A key prefix of its own for a directory: the same path gives the same prefix, other paths others.

    Test workers (``pytest -n 2``) have different temporary directories, so
    they never share keys, and a second store built for the same directory
    sees the first one's tokens, as a second instance over one file would.
    """
    digest = hashlib.sha256(os.fsencode(Path(tmp_path).resolve())).hexdigest()[:20]
    return f"{base}{digest}:"


def from_env(tmp_path: Path) -> Iterator[RedisTokenStore]:
    """Factory for the kit: a store on ``$TOKENSTORE_REDIS_URL`` under a prefix of its own.

    A generator: the kit takes the store with ``next()`` and closes the
    generator after the test, which deletes every key the store wrote.
    """
    url = os.environ.get(URL_VARIABLE)
    if not url:
        raise RuntimeError(
            f"{URL_VARIABLE} is not set; set it to a Redis server the tests may write to, "
            "e.g. redis://localhost:6379/15"
        )
    store = RedisTokenStore(shared_client(url), prefix=prefix_for(tmp_path))
    try:
        yield store
    finally:
        store.delete_tokens()


from_env.tokenstore_persistent = True
from_env.tokenstore_concurrency = "processes"
