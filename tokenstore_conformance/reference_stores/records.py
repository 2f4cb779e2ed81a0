"""What every reference store shares: the ten columns, the key order, and merging.

A store is correct only if save_token and find_token pick the record the same
way, so the choice lives here once (``lookup_key``) instead of in six methods.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from tokenstore_conformance.sdk import OAuthToken, UserSignature

# Column order of every row tuple, in SQL tables and in the list store alike.
COLUMNS = (
    "id",
    "user_name",
    "client_id",
    "client_secret",
    "refresh_token",
    "access_token",
    "grant_token",
    "expiry_time",
    "redirect_url",
    "api_domain",
)
ID = 0

Row = tuple


def new_id() -> str:
    """A fresh id: random, so ids never collide across instances, deletes or restarts."""
    return uuid.uuid4().hex


def user_name(token: OAuthToken) -> str | None:
    signature = token.get_user_signature()
    return signature.get_name() if signature is not None else None


def row_from_token(token: OAuthToken) -> Row:
    return (
        token.get_id(),
        user_name(token),
        token.get_client_id(),
        token.get_client_secret(),
        token.get_refresh_token(),
        token.get_access_token(),
        token.get_grant_token(),
        token.get_expires_in(),
        token.get_redirect_url(),
        token.get_api_domain(),
    )


def merged_row(stored: Row, token: OAuthToken) -> Row:
    """The stored row updated by the token: the token's non-None values win, None keeps the stored value."""
    incoming = row_from_token(token)
    return tuple(stored[i] if i == ID or incoming[i] is None else incoming[i] for i in range(len(COLUMNS)))


def lookup_key(token: OAuthToken) -> tuple[str, str] | None:
    """The (column, value) that identifies the token's record when its id names none.

    The order follows the SDK: a user name alone decides; an access token counts
    only for a token without client credentials (a token the user created by
    hand); with client credentials the grant token, else the refresh token.
    The kit keeps the same order in ``tokenstore_conformance.records.keys``; it
    is written out again here on purpose, because a store that shared the kit's
    oracle would share its bugs and pass the kit all the same.
    """
    name = user_name(token)
    if name:
        return "user_name", name
    client_id, client_secret = token.get_client_id(), token.get_client_secret()
    access, grant, refresh = token.get_access_token(), token.get_grant_token(), token.get_refresh_token()
    if access and client_id is None and client_secret is None:
        return "access_token", access
    if grant and client_id is not None and client_secret is not None:
        return "grant_token", grant
    if refresh:
        return "refresh_token", refresh
    return None


def fill_token(token: OAuthToken, row: Sequence[str | None]) -> OAuthToken:
    """Fill only the token's None fields from the row and return the same object.

    The SDK keeps using the object it passed to find_token, so values the
    caller set must survive and the object must not be replaced.
    """
    if token.get_id() is None:
        token.set_id(row[0])
    if token.get_user_signature() is None and row[1] is not None:
        token.set_user_signature(UserSignature(row[1]))
    if token.get_client_id() is None:
        token.set_client_id(row[2])
    if token.get_client_secret() is None:
        token.set_client_secret(row[3])
    if token.get_refresh_token() is None:
        token.set_refresh_token(row[4])
    if token.get_access_token() is None:
        token.set_access_token(row[5])
    if token.get_grant_token() is None:
        token.set_grant_token(row[6])
    if token.get_expires_in() is None:
        token.set_expires_in(row[7])
    if token.get_redirect_url() is None:
        token.set_redirect_url(row[8])
    if token.get_api_domain() is None:
        token.set_api_domain(row[9])
    return token


def token_from_row(row: Sequence[str | None]) -> OAuthToken:
    """A new OAuthToken holding the row, sharing nothing with the store."""
    return fill_token(OAuthToken(id=row[0]), row)
