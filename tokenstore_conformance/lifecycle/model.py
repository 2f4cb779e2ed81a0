"""The MUST clauses of the TokenStore contract as a model in plain Python.

The lifecycle state machine runs every operation on the store under test and
on this model, and fails on the first difference. So that a difference always
means the store is wrong, the model is kept too small to hide a bug: a dict of
records, a linear scan, and the key order and merge rule of the contract,
nothing else. It never guesses: a case the contract leaves to the
implementation raises ``Undefined`` instead of being given an answer.
"""

from __future__ import annotations

from ..records import FIELD_NAMES, KEY_ORDER, TokenRecord, credentials_fit, sort_records


class Undefined(Exception):
    """The contract leaves the outcome of this operation to the implementation."""


def lookup_key(token: TokenRecord) -> tuple[str, str] | None:
    """The (field, value) that decides a token's record when its id names none.

    A refresh token whose credentials do not fit is still returned, as the
    last resort a store might use; ``TokenModel.match`` then calls the case
    implementation-defined instead of predicting an insert.
    """
    for key in KEY_ORDER[1:]:
        value = getattr(token, key.field)
        if value and (credentials_fit(key, token) or key is KEY_ORDER[-1]):
            return key.field, value
    return None


def overlay(under: TokenRecord, over: TokenRecord, keep_id: bool) -> TokenRecord:
    """``under`` with every non-None field of ``over`` written on top (the id kept if ``keep_id``)."""
    values = {}
    for name in FIELD_NAMES:
        mine = getattr(over, name)
        keep = mine is None or (keep_id and name == "id")
        values[name] = getattr(under, name) if keep else mine
    return TokenRecord(**values)


class TokenModel:
    """The records a correct store holds, by id."""

    def __init__(self) -> None:
        self.records: dict[str, TokenRecord] = {}

    def match(self, query: TokenRecord) -> tuple[str | None, str | None]:
        """(id of the record the query names or None, the key that decided or None)."""
        if query.id is not None and query.id in self.records:
            return query.id, "id"
        key = lookup_key(query)
        if key is None:
            return None, None
        field, value = key
        if field != "user_name" and query.refresh_token is not None:
            if query.grant_token is not None:
                raise Undefined("the token carries both a grant and a refresh token")
            if None in (query.client_id, query.client_secret):
                raise Undefined("the token carries a refresh token without client credentials")
        hits = [rid for rid, record in self.records.items() if getattr(record, field) == value]
        if len(hits) > 1:
            raise Undefined(f"{len(hits)} records share the {field} {value!r}")
        return (hits[0] if hits else None), field

    def find(self, query: TokenRecord) -> TokenRecord | None:
        """What find_token leaves in the caller's token on a hit (its None fields filled), or None."""
        rid, _ = self.match(query)
        return None if rid is None else overlay(self.records[rid], query, keep_id=False)

    def check_save(self, token: TokenRecord) -> None:
        """Raise Undefined if the contract does not say what saving ``token`` does."""
        rid, key = self.match(token)
        if token.id is not None and key != "id" and rid is not None:
            raise Undefined(f"the id {token.id!r} names no record, but the {key} names one")
        if token.user_name is not None:
            owner, _ = self.match(TokenRecord(user_name=token.user_name))
            if rid is not None and owner not in (None, rid):
                raise Undefined(f"the save would give a second record the user name {token.user_name!r}")

    def save(self, token: TokenRecord, assigned_id: str | None) -> str:
        """Apply save_token; ``assigned_id`` is the id the store gave a token saved without one."""
        self.check_save(token)
        rid, _ = self.match(token)
        if rid is None:
            rid = token.id if token.id is not None else assigned_id
            self.records[rid] = token.replace(id=rid)
        else:
            self.records[rid] = overlay(self.records[rid], token, keep_id=True)
        return rid

    def delete(self, rid: str) -> None:
        self.records.pop(rid, None)

    def delete_all(self) -> None:
        self.records.clear()

    def all(self) -> list[TokenRecord]:
        return sort_records(self.records.values())
