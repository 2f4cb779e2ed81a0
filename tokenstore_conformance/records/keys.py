"""The contract's lookup keys in their order of precedence: the one table the kit reads.

``save_token`` and ``find_token`` pick a token's record by the first key
that names one: the id, then the user name, then the access token (only
without client credentials), the grant token and the refresh token (only
with both). The model, the clause tests and the state machine all take the
order, and the clause that covers each key, from ``KEY_ORDER``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .tokens import TokenRecord


@dataclass(frozen=True)
class Key:
    field: str  # the TokenRecord field
    save_clause: str  # the clause of an update matched by this key
    find_clause: str  # the clause of a lookup that hits by this key
    credentials: str  # "ignored", "none" (only without client id and secret) or "both"


KEY_ORDER = (
    Key("id", "SAVE-UPSERT-ID", "FIND-BY-ID", "ignored"),
    Key("user_name", "SAVE-UPSERT-USER", "FIND-BY-USER", "ignored"),
    Key("access_token", "SAVE-UPSERT-ACCESS", "FIND-BY-ACCESS", "none"),
    Key("grant_token", "SAVE-UPSERT-GRANT", "FIND-BY-GRANT", "both"),
    Key("refresh_token", "SAVE-UPSERT-REFRESH", "FIND-BY-REFRESH", "both"),
)
KEYS = tuple(key.field for key in KEY_ORDER)
KEY_BY_FIELD = {key.field: key for key in KEY_ORDER}
SAVE_BY = {key.field: key.save_clause for key in KEY_ORDER}
FIND_BY = {key.field: key.find_clause for key in KEY_ORDER}


def credentials_fit(key: Key, token: TokenRecord) -> bool:
    """Whether the token's client id and secret allow ``key`` to decide its record."""
    present = (token.client_id is not None, token.client_secret is not None)
    if key.credentials == "none":
        return present == (False, False)
    if key.credentials == "both":
        return present == (True, True)
    return True


@dataclass(frozen=True)
class Contest:
    """Two keys of one token naming two different records, and which must win."""

    winner: Key
    loser: Key
    credentials: bool  # whether the token carries client id and secret

    @property
    def name(self) -> str:
        with_or_without = "with" if self.credentials else "without"
        return f"{self.winner.field}-over-{self.loser.field}-{with_or_without}-credentials"

    def query(self, a: TokenRecord, b: TokenRecord, client: dict[str, str]) -> dict[str, str | None]:
        """A token naming record ``a`` by the winning key and record ``b`` by the losing one."""
        values = {
            self.winner.field: getattr(a, self.winner.field),
            self.loser.field: getattr(b, self.loser.field),
        }
        return {**values, **(client if self.credentials else {})}


def contests(undefined: frozenset[frozenset[str]] = frozenset()) -> list[Contest]:
    """Every pair of keys, with and without credentials where that matters, and the key that must win.

    The winner is the first key of ``KEY_ORDER`` whose credential rule the
    token meets. ``undefined`` names pairs the contract leaves to the
    implementation (a grant and a refresh token together, always).
    """
    skip = {frozenset({"grant_token", "refresh_token"}), *undefined}
    found = []
    for i, first in enumerate(KEY_ORDER):
        for second in KEY_ORDER[i + 1 :]:
            if frozenset({first.field, second.field}) in skip:
                continue
            rules = {first.credentials, second.credentials} - {"ignored"}
            for credentials in sorted({rule == "both" for rule in rules} or {False}):
                token = TokenRecord(client_id="c", client_secret="s") if credentials else TokenRecord()
                winner = first if credentials_fit(first, token) else second
                loser = second if winner is first else first
                found.append(Contest(winner, loser, credentials))
    return found
