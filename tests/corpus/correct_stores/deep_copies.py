"""Keeps OAuthToken objects, never the caller's: a deep copy on every write and every read."""

from __future__ import annotations

import copy

from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import lookup_key
from tokenstore_conformance.sdk import OAuthToken, TokenStore, UserSignature

EXPECT = Expect()

# Getter and setter names of the eight plain string fields besides id and user signature.
FIELDS = (
    "client_id",
    "client_secret",
    "refresh_token",
    "access_token",
    "grant_token",
    "expires_in",
    "redirect_url",
    "api_domain",
)


def _name(token: OAuthToken) -> str | None:
    signature = token.get_user_signature()
    return signature.get_name() if signature is not None else None


def _key_value(token: OAuthToken, column: str) -> str | None:
    return _name(token) if column == "user_name" else getattr(token, f"get_{column}")()


class Store(TokenStore):
    """Tokens by id; copying costs a little time and rules out aliasing for good."""

    tokenstore_concurrency = "none"  # a plain dict, nothing locked

    def __init__(self) -> None:
        self._tokens: dict[str, OAuthToken] = {}

    def _matching(self, token: OAuthToken) -> OAuthToken | None:
        held = self._tokens.get(token.get_id()) if token.get_id() is not None else None
        if held is not None:
            return held
        key = lookup_key(token)
        if key is None:
            return None
        column, value = key
        return next((t for t in self._tokens.values() if _key_value(t, column) == value), None)

    def find_token(self, token):
        if not isinstance(token, OAuthToken):
            return None
        held = self._matching(token)
        if held is None:
            return None
        if token.get_id() is None:
            token.set_id(held.get_id())
        if token.get_user_signature() is None and held.get_user_signature() is not None:
            token.set_user_signature(UserSignature(_name(held)))
        for field in FIELDS:
            if getattr(token, f"get_{field}")() is None:
                getattr(token, f"set_{field}")(getattr(held, f"get_{field}")())
        return token

    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        held = self._matching(token)
        if held is None:
            if token.get_id() is None:
                token.set_id(f"token-{len(self._tokens)}-{id(token):x}")
                while token.get_id() in self._tokens:
                    token.set_id(token.get_id() + "x")
            self._tokens[token.get_id()] = copy.deepcopy(token)
            return
        updated = copy.deepcopy(held)
        if token.get_user_signature() is not None:
            updated.set_user_signature(UserSignature(_name(token)))
        for field in FIELDS:
            value = getattr(token, f"get_{field}")()
            if value is not None:
                getattr(updated, f"set_{field}")(value)
        self._tokens[held.get_id()] = updated
        if token.get_id() is None:
            token.set_id(held.get_id())

    def delete_token(self, id):
        self._tokens.pop(id, None)

    def get_tokens(self):
        return [copy.deepcopy(t) for t in self._tokens.values()]

    def delete_tokens(self):
        self._tokens.clear()

    def find_token_by_id(self, id):
        held = self._tokens.get(id)
        return copy.deepcopy(held) if held is not None else None
