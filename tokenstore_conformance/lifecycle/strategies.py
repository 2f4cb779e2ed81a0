"""Hypothesis strategies for the values the lifecycle state machine puts into tokens.

Real tokens are mostly plain ASCII, but a store that builds SQL from strings,
trims, folds case or truncates breaks only on the odd value, so every field
also gets quotes, SQL and LIKE metacharacters, unicode, padding and values of
2,000 characters. Fields that are not lookup keys (client credentials, expiry,
domain, redirect URL) are drawn from small pools on purpose, so that several
users share them, as they do when they sign in through one client application.
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import strategies as st

from ..records import API_DOMAIN, CLIENT, HOSTILE, HOSTILE_CHARACTERS, NAME_FAMILIES, REDIRECT_URL


def texts() -> st.SearchStrategy[str]:
    """Non-empty strings, hostile ones included (empty strings are left out: they are not lookup keys)."""
    return st.one_of(
        st.sampled_from(tuple(HOSTILE.values())),
        st.text(st.sampled_from(HOSTILE_CHARACTERS + "ab1"), min_size=1, max_size=8),
        st.builds(lambda char, size: char * size, st.sampled_from("xé'%"), st.integers(1000, 2000)),
    )


def token_texts() -> st.SearchStrategy[str]:
    """What the token endpoint hands out: mostly Zoho-shaped, sometimes hostile."""
    return st.one_of(st.just("1000.9f8e7d6c5b4a"), texts())


def user_names() -> st.SearchStrategy[str]:
    """User names; some differ from each other only in case or padding, which makes them different users."""
    return st.one_of(
        st.sampled_from(
            (
                "alice@example.test",
                "Alice@Example.test",
                "alice@example.test ",
                "bob@example.test",
                # as the SDK stores them, "email:org-id"; these two differ in the domain's case and the org
                "alice@example.test:70004000",
                "alice@EXAMPLE.test:70004001",
                "x' or user_name='alice@example.test",
            )
        ),
        texts(),
    )


CLIENT_APPS = (
    CLIENT,
    {"client_id": "1000.SECONDAPP0000000000000000000", "client_secret": "2f0c1e9d8b7a6f5e4d3c2b1a0f9e8d7c6b"},
    {"client_id": CLIENT["client_id"], "client_secret": "rotated-secret"},
    {"client_id": "' or '1'='1", "client_secret": "100%"},
)


def client_apps() -> st.SearchStrategy[dict[str, str]]:
    """Client applications; users of one application share its id and secret."""
    return st.sampled_from(CLIENT_APPS)


def expiries() -> st.SearchStrategy[str]:
    """Expiry times as the SDK writes them, strings of digits, often equal across users.

    Leading zeros and 20 digits come back wrong from a store that keeps them as numbers.
    """
    return st.sampled_from(("1767225600000", "1767229200000", "0", "0017672256000", "99999999999999999999"))


def api_domains() -> st.SearchStrategy[str]:
    return st.sampled_from(
        ("https://www.zohoapis.com", "https://www.zohoapis.eu", API_DOMAIN, *HOSTILE.values())
    )


def redirect_urls() -> st.SearchStrategy[str | None]:
    return st.sampled_from((None, REDIRECT_URL, *HOSTILE.values()))


def caller_ids() -> st.SearchStrategy[str]:
    """Ids a caller chooses; small numbers collide with stores that number their records."""
    return st.one_of(
        st.sampled_from(("1", "2", "3", "4", "5")),
        st.sampled_from(("4150868000000419001", "caller-chosen-id", "%", "' or '1'='1")),
        texts(),
    )


def extras() -> st.SearchStrategy[dict[str, str]]:
    """Non-key fields a caller may already have set on a token it looks up."""
    return st.one_of(
        st.just({}),
        st.builds(
            lambda expiry, domain: {"expires_in": expiry, "api_domain": domain}, expiries(), api_domains()
        ),
    )


NEAR_MISSES: dict[str, Callable[[str], str]] = {
    "prefix": lambda value: value[:-1] or "?",
    "longer": lambda value: value + "0",
    "upper": lambda value: value.upper() if value.upper() != value else value.lower(),
    "padded": lambda value: value + " ",
    "percent": lambda value: "%" + value[1:],
    "underscore": lambda value: value[:-1] + "_",
}


def near_misses() -> st.SearchStrategy[str]:
    """Names of NEAR_MISSES: values that a sloppy comparison (LIKE, case folding, trimming) confuses."""
    return st.sampled_from(sorted(NEAR_MISSES))


def name_variant_kinds() -> st.SearchStrategy[str]:
    """Kinds of near-duplicate user names (``records/names.py``): what one sloppy comparison takes for a name.

    A family of comparisons is drawn first, then one of its kinds.
    """
    return st.sampled_from(tuple(NAME_FAMILIES.values())).flatmap(st.sampled_from)
