"""One correct dict store per (method, misbehaviour): returns of the wrong shape, and exceptions.

Each misbehaviour is what real stores do: a row dict or a column value where
a token was due, a cursor's list, the values view of a dict, a token with the
database's integer id or none, and raise-instead-of-None in the case the
method gets wrong most often (a miss, an empty store, an update, an unknown
id). ``STORES`` maps each store's name to the clauses the kit must report as
root faults; every other clause must pass, be blocked or not apply. The
stores in ``CORRECT`` misbehave in ways the contract allows and must pass.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from correct_stores.dict_store import DictTokenStore

from tokenstore_conformance.sdk import OAuthToken, SDKException


def _as_dict(token: OAuthToken) -> dict[str, object]:
    return {"id": token.get_id(), "access_token": token.get_access_token()}


def _as_int(value: str) -> object:
    """The id as a database's integer column gives it back (ids the caller chose stay as they are)."""
    return int(value) if value.isdigit() else value


def _renumbered(token: OAuthToken, new_id: object) -> OAuthToken:
    changed = copy.copy(token)
    changed.set_id(new_id)
    return changed


# How a value the correct store returned is turned into the wrong shape; the argument is the
# correct result (a token, None, or a list of tokens) and the call's argument (or None).
Shape = Callable[[object, object], object]
SHAPES: dict[str, Shape] = {
    "none": lambda result, query: None,
    "dict": lambda result, query: (
        [_as_dict(t) for t in result] if isinstance(result, list) else result and _as_dict(result)
    ),
    "str": lambda result, query: (
        ",".join(t.get_id() for t in result)
        if isinstance(result, list)
        else result and result.get_access_token()
    ),
    "query": lambda result, query: (
        {t.get_id(): t for t in result}.values() if isinstance(result, list) else query
    ),
    "list_with_none": lambda result, query: [None, *result] if isinstance(result, list) else [result],
    "id_none": lambda result, query: (
        [_renumbered(t, None) for t in result]
        if isinstance(result, list)
        else result and _renumbered(result, None)
    ),
    "id_int": lambda result, query: (
        [_renumbered(t, _as_int(t.get_id())) for t in result]
        if isinstance(result, list)
        else result and _renumbered(result, _as_int(result.get_id()))
    ),
}
EXCEPTIONS: dict[str, type[Exception]] = {
    "Exception": Exception,
    "SDKException": SDKException,
    "KeyError": KeyError,
}


class _Base(DictTokenStore):
    """Numeric string ids, so that the integer-id misbehaviour has a number to return."""

    def _new_id(self) -> str:
        self._serial = getattr(self, "_serial", 0) + 1
        return str(self._serial)


def _raise(kind: type[Exception], what: str):
    if kind is SDKException:
        raise SDKException("TOKEN_STORE", what)
    raise kind(what)


def _shaped(method: str, shape: str) -> type[_Base]:
    transform = SHAPES[shape]

    def misbehaving(self, *args):
        result = getattr(super(cls, self), method)(*args)
        if method == "find_token" and shape in ("id_none", "id_int") and result is not None:
            # find_token fills the caller's token in place: the misbehaviour is the id it fills in.
            result.set_id(None if shape == "id_none" else _as_int(result.get_id()))
            return result
        return transform(result, args[0] if args else None)

    cls = type(f"{method}_{shape}", (_Base,), {method: misbehaving})
    return cls


def _raising(method: str, kind: type[Exception]) -> type[_Base]:
    """Raise where the method goes wrong most often; the rest of the time behave."""

    def misbehaving(self, *args):
        result = None
        if method in ("find_token", "find_token_by_id"):
            result = getattr(super(cls, self), method)(*args)
            if result is None:
                _raise(kind, f"no token for {args[0]!r}")
            return result
        if method in ("get_tokens", "delete_tokens") and not self._rows:
            _raise(kind, "the store is empty")
        if method == "delete_token" and args[0] not in self._rows:
            _raise(kind, args[0])
        if method == "save_token" and isinstance(args[0], OAuthToken) and self._matching_row(args[0]):
            _raise(kind, "a token for these keys is already stored")
        return getattr(super(cls, self), method)(*args)

    cls = type(f"{method}_raises_{kind.__name__}", (_Base,), {method: misbehaving})
    return cls


FIND_BY_KEY = {"FIND-BY-ID", "FIND-BY-USER", "FIND-BY-ACCESS", "FIND-BY-GRANT", "FIND-BY-REFRESH"}
# Not an ``EXPECT`` per module, as the rest of the corpus declares: this one module generates a store
# for every (method, misbehaviour) pair, so its declaration is this table, one entry per generated store
# (tests/kit/test_corpus.py turns each into a ``support.corpus.Expect``).
# name -> the clauses the kit must report as root faults; every other clause passes, is blocked or
# does not apply. An SDKException from delete_token for an unknown id is allowed, so that store is correct.
ROOT_FAULTS: dict[str, set[str]] = {
    "find_token_none": FIND_BY_KEY,
    "find_token_dict": {"FIND-SAME-OBJECT"},
    "find_token_str": {"FIND-SAME-OBJECT"},
    "find_token_query": {"FIND-MISS-NONE"},
    "find_token_list_with_none": {"FIND-MISS-NONE", "FIND-SAME-OBJECT"},
    "find_token_id_none": FIND_BY_KEY,
    "find_token_id_int": FIND_BY_KEY,
    "find_token_by_id_none": {"BYID-HIT"},
    "find_token_by_id_dict": {"BYID-HIT"},
    "find_token_by_id_str": {"BYID-HIT"},
    "find_token_by_id_query": {"BYID-MISS", "BYID-HIT"},
    "find_token_by_id_list_with_none": {"BYID-MISS", "BYID-HIT"},
    "find_token_by_id_id_none": {"BYID-HIT"},
    "find_token_by_id_id_int": {"BYID-HIT"},
    "get_tokens_none": {"GET-ALL", "GET-EMPTY"},
    "get_tokens_dict": {"GET-ALL"},
    "get_tokens_str": {"GET-ALL", "GET-EMPTY"},
    "get_tokens_query": {"GET-ALL", "GET-EMPTY"},
    "get_tokens_list_with_none": {"GET-ALL", "GET-EMPTY"},
    "get_tokens_id_none": {"GET-ALL"},
    "get_tokens_id_int": {"GET-ALL"},
    "find_token_raises_Exception": {"FIND-MISS-NONE"},
    "find_token_raises_SDKException": {"FIND-MISS-NONE"},
    "find_token_raises_KeyError": {"FIND-MISS-NONE"},
    "find_token_by_id_raises_Exception": {"BYID-MISS"},
    "find_token_by_id_raises_SDKException": {"BYID-MISS"},
    "find_token_by_id_raises_KeyError": {"BYID-MISS"},
    "get_tokens_raises_Exception": {"GET-EMPTY"},
    "get_tokens_raises_SDKException": {"GET-EMPTY"},
    "get_tokens_raises_KeyError": {"GET-EMPTY"},
    "save_token_raises_Exception": {"SAVE-UPSERT-USER", "SAVE-UPSERT-ID"},
    "save_token_raises_SDKException": {"SAVE-UPSERT-USER", "SAVE-UPSERT-ID"},
    "save_token_raises_KeyError": {"SAVE-UPSERT-USER", "SAVE-UPSERT-ID"},
    "delete_token_raises_Exception": {"DELETE-UNKNOWN"},
    "delete_token_raises_KeyError": {"DELETE-UNKNOWN"},
    "delete_tokens_raises_Exception": {"DELETEALL-EMPTIES"},
    "delete_tokens_raises_SDKException": {"DELETEALL-EMPTIES"},
    "delete_tokens_raises_KeyError": {"DELETEALL-EMPTIES"},
}


for _method in ("find_token", "find_token_by_id", "get_tokens"):
    for _shape in SHAPES:
        globals()[f"{_method}_{_shape}"] = _shaped(_method, _shape)
for _method in (
    "find_token",
    "find_token_by_id",
    "get_tokens",
    "save_token",
    "delete_token",
    "delete_tokens",
):
    for _kind in EXCEPTIONS.values():
        globals()[f"{_method}_raises_{_kind.__name__}"] = _raising(_method, _kind)


class save_token_returns_a_dict(_Base):
    """Correct: the SDK ignores what save_token returns, so may the kit."""

    def save_token(self, token):
        super().save_token(token)
        return {"saved": True}


class delete_tokens_returns_a_count(_Base):
    """Correct: the SDK ignores what delete_tokens returns."""

    def delete_tokens(self):
        count = len(self._rows)
        super().delete_tokens()
        return count


CORRECT = ("save_token_returns_a_dict", "delete_tokens_returns_a_count", "delete_token_raises_SDKException")
