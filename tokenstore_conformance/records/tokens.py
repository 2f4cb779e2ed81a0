"""Building tokens and comparing them field by field.

OAuthToken has no ``__eq__`` and hides its fields behind getters, so the
contract tests compare ``TokenRecord`` snapshots instead: a frozen, hashable
view of the ten persisted fields that prints readably in assertion diffs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields

from ..sdk import OAuthToken, SDKException, UserSignature

FIELD_NAMES = (
    "id",
    "user_name",
    "client_id",
    "client_secret",
    "refresh_token",
    "access_token",
    "grant_token",
    "expires_in",
    "redirect_url",
    "api_domain",
)


@dataclass(frozen=True)
class TokenRecord:
    """The ten persisted fields of one token; None where the token has none."""

    id: str | None = None
    user_name: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    refresh_token: str | None = None
    access_token: str | None = None
    grant_token: str | None = None
    expires_in: str | None = None
    redirect_url: str | None = None
    api_domain: str | None = None

    def replace(self, **changes: str | None) -> TokenRecord:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return TokenRecord(**values)


def record_of(token: object) -> TokenRecord | None:
    """Snapshot a token's ten fields (works on any object with OAuthToken's getters); None for None.

    A miss where a hit was due then fails the comparison it is in, with both sides shown, instead
    of raising in the kit.
    """
    if token is None:
        return None
    return TokenRecord(
        id=token.get_id(),
        user_name=_user_name(token.get_user_signature()),
        client_id=token.get_client_id(),
        client_secret=token.get_client_secret(),
        refresh_token=token.get_refresh_token(),
        access_token=token.get_access_token(),
        grant_token=token.get_grant_token(),
        expires_in=token.get_expires_in(),
        redirect_url=token.get_redirect_url(),
        api_domain=token.get_api_domain(),
    )


def _user_name(signature: object) -> str | None:
    """The name in a user signature; a store that put something else there gets it shown as such."""
    if signature is None:
        return None
    get_name = getattr(signature, "get_name", None)
    if callable(get_name):
        return get_name()
    return f"<a {type(signature).__name__} {signature!r} where a UserSignature belongs>"


def make_token(**values: str | None) -> OAuthToken:
    """Build a real OAuthToken with the given fields (names as in FIELD_NAMES).

    The SDK constructor is used whenever it accepts the combination, so stores
    see exactly what the SDK would hand them; combinations it rejects (such as a
    refresh token without client credentials) are completed with setters.
    """
    unknown = set(values) - set(FIELD_NAMES)
    if unknown:
        raise TypeError(f"unknown token fields: {sorted(unknown)}")
    record = TokenRecord(**values)
    signature = UserSignature(record.user_name) if record.user_name is not None else None
    try:
        token = OAuthToken(
            client_id=record.client_id,
            client_secret=record.client_secret,
            grant_token=record.grant_token,
            refresh_token=record.refresh_token,
            redirect_url=record.redirect_url,
            id=record.id,
            access_token=record.access_token,
            user_signature=signature,
            api_domain=record.api_domain,
        )
    except SDKException:
        token = OAuthToken(id="placeholder")
        token.set_id(record.id)
        token.set_client_id(record.client_id)
        token.set_client_secret(record.client_secret)
        token.set_grant_token(record.grant_token)
        token.set_refresh_token(record.refresh_token)
        token.set_redirect_url(record.redirect_url)
        token.set_access_token(record.access_token)
        token.set_user_signature(signature)
        token.set_api_domain(record.api_domain)
    token.set_expires_in(record.expires_in)
    return token


def records_of(tokens: Iterable[object]) -> list[TokenRecord]:
    """Snapshot tokens, sorted so that order never matters in a comparison."""
    return sort_records(record_of(t) for t in tokens)


def sort_records(records: Iterable[TokenRecord]) -> list[TokenRecord]:
    """Records in a fixed order (None sorts last in every field)."""
    return sorted(records, key=lambda r: tuple(_sort_key(getattr(r, n)) for n in FIELD_NAMES))


def _sort_key(value: object) -> tuple[bool, str, str]:
    """None last; a value a store returned as another type than str still sorts, apart from strings."""
    if value is None:
        return (True, "", "")
    return (False, "" if isinstance(value, str) else type(value).__name__, str(value))


def explain_difference(actual: list[TokenRecord], expected: list[TokenRecord]) -> list[str]:
    """Say how two lists of records differ in the store's terms: counts, then field by field.

    pytest's generic list diff shows the first differing index; a store author
    needs "two records for one user" or "refresh_token lost" instead.
    """
    lines = [f"the store holds {len(actual)} record(s); the contract expects {len(expected)}"]
    by_id = {r.id: r for r in expected}
    for record in actual:
        want = by_id.pop(record.id, None)
        if want is None:
            lines.append(f"unexpected record: {record}")
            continue
        for name in FIELD_NAMES:
            got, wanted = getattr(record, name), getattr(want, name)
            if got != wanted:
                lines.append(f"record {record.id!r}: {name} is {got!r}, expected {wanted!r}")
    lines.extend(f"missing record: {record}" for record in by_id.values())
    return lines


def brief(value: object) -> str:
    """A value as a failure message shows it: whole when short, its start and length when long."""
    text = repr(value)
    return text if len(text) <= 48 else f"{text[:40]}...' ({len(str(value))} chars)"


def describe(record: TokenRecord | None) -> str:
    """A record's set fields, in the store's terms: ``{id='3', user_name='alice@x.test'}``."""
    if record is None:
        return "None"
    fields = ", ".join(
        f"{name}={brief(getattr(record, name))}" for name in FIELD_NAMES if getattr(record, name)
    )
    return f"{{{fields}}}"


def describe_value(value: object) -> str:
    """What a store call was given or returned: tokens as their fields, lists by length, the rest by repr."""
    if isinstance(value, OAuthToken):
        return describe(record_of(value))
    if isinstance(value, list):
        return f"[{len(value)} token(s)]" if value else "[]"
    return brief(value)
