"""Sample values shared by the clause tests, the state machine and the SDK flow, and helpers to save them.

Sample values look like the SDK's real ones (client ids, long access tokens,
millisecond expiry strings), and several users share one client application
and other non-key values, as they do in production. The hostile strings are
the values that break stores which build SQL from strings, trim, fold case or
treat LIKE wildcards as patterns.
"""

from __future__ import annotations

from ..sdk import OAuthToken, TokenStore
from .preconditions import PreconditionFailed, requires
from .tokens import TokenRecord, describe, make_token, record_of, records_of

CLIENT = {
    "client_id": "1000.K3ZP0GD4TQ7V2XN8C1LW5RYJ6HB9MA",
    "client_secret": "8c1f0b9d4e2a7c6b5d3e1f0a9b8c7d6e5f4a3b2c1d",
}
REDIRECT_URL = "https://app.example.test/oauth/callback"
API_DOMAIN = "http://127.0.0.1:9"
EXPIRY = "1767225600000"

# Each names what it trips; the clause tests use the names as test ids.
HOSTILE = {
    "single-quote": "O'Brien",
    "double-quote": 'say "hi"',
    "backslash": "C:\\tokens\\new\\",
    "sql-tautology": "' or '1'='1",
    "sql-statement": "x'); DROP TABLE oauthtoken; --",
    "like-percent": "100%",
    "like-underscore": "a_b",
    "unicode": "Zoë 山田 ✓ 🚀",
    "whitespace": " \t padded\nline ",
    "semicolon-comment": "a;b -- c /* d */",
    "null-word": "NULL",
    "none-word": "None",
}

# Characters that trip stores up: quoting, escaping, LIKE wildcards, SQL comments,
# whitespace that gets trimmed, letters that change length or meaning when
# case-folded or normalised, and characters outside the basic plane.
HOSTILE_CHARACTERS = "'\"\\%_;- \t\néße\u0301İ山🚀\x7f"


def user_values(n: int, **overrides: str | None) -> dict[str, str | None]:
    """All fields but the id of a token of user ``n`` after the first token exchange."""
    values: dict[str, str | None] = {
        "user_name": f"user{n}@example.test",
        **CLIENT,
        "refresh_token": f"1000.refresh{n:04d}.9f8e7d6c5b4a",
        "access_token": f"1000.access{n:04d}.0a1b2c3d4e5f",
        "grant_token": f"1000.grant{n:04d}.5e4d3c2b1a0f",
        "expires_in": str(int(EXPIRY) + n),
        "redirect_url": REDIRECT_URL,
        "api_domain": API_DOMAIN,
    }
    values.update(overrides)
    return values


def save(store: TokenStore, **values: str | None) -> OAuthToken:
    """Build a token with these fields, save it, and return the token (now carrying its id)."""
    token = make_token(**values)
    store.save_token(token)
    return token


def insert(store: TokenStore, **values: str | None) -> OAuthToken:
    """Save a token that matches no record; the id the store assigns is what later steps look it up by."""
    token = save(store, **values)
    assigned = token.get_id()
    requires(
        "SAVE-ID-ASSIGN",
        isinstance(assigned, str) and assigned != "",
        f"save_token left a new token ({describe(record_of(token))}) with the id {assigned!r}, not a string",
    )
    return token


def save_user(store: TokenStore, n: int, **overrides: str | None) -> OAuthToken:
    """Save user ``n``'s first token (see ``insert``)."""
    return insert(store, **user_values(n, **overrides))


def stored(store: TokenStore) -> list[TokenRecord]:
    """Every record in the store, as sorted snapshots."""
    return records_of(store.get_tokens())


def all_stored(store: TokenStore, tokens: list[OAuthToken]) -> bool:
    """Whether the record of each of ``tokens``, saved one after another, is still in the store.

    A test that saves several users and then reads one of them stands on the saves keeping
    each other's records: ``requires("SAVE-INSERT", all_stored(...), ...)``. Where get_tokens
    itself is broken, that is GET-EMPTY's and GET-ALL's to report and nothing is checked here.
    """
    try:
        ids = {record.id for record in stored(store)}
    except PreconditionFailed:
        return True
    return all(token.get_id() in ids for token in tokens)
