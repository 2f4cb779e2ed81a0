"""The tokens the bench saves and looks up: shaped like the records the SDK keeps.

A login record has a user name, client credentials, a refresh token, an access
token and an expiry; a refresh saves the same record with a new access token
and expiry. Values are drawn from a seeded generator so runs are repeatable,
and sized like Zoho's (``1000.`` followed by 32 + 32 hex digits).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from ..records import make_token
from ..sdk import OAuthToken

CLIENT_ID = "1000.BENCHCLIENT0000000000000000000000"
CLIENT_SECRET = "bench" + "0" * 37
REDIRECT_URL = "https://example.test/oauth/callback"
API_DOMAIN = "https://www.zohoapis.com"


@dataclass
class Workload:
    """The users a store holds during a run, with the values a lookup needs.

    ``ids`` and ``access`` follow the store: ids are what save_token assigned,
    access tokens change with every update, so lookups always name a record
    that is there.
    """

    seed: int = 0
    users: list[int] = field(default_factory=list)
    ids: dict[int, str] = field(default_factory=dict)
    access: dict[int, str] = field(default_factory=dict)
    next_user: int = 0

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def _secret(self) -> str:
        return f"1000.{self.rng.getrandbits(128):032x}.{self.rng.getrandbits(128):032x}"

    def _expiry(self) -> str:
        return str(1_767_225_600_000 + self.rng.randrange(3_600_000))

    def new_logins(self, count: int) -> list[tuple[int, OAuthToken]]:
        """Tokens for ``count`` users the store has never seen, as a first login saves them."""
        logins = []
        for user in range(self.next_user, self.next_user + count):
            access = self._secret()
            token = make_token(
                user_name=user_name(user),
                client_id=CLIENT_ID,
                client_secret=CLIENT_SECRET,
                refresh_token=self._secret(),
                access_token=access,
                expires_in=self._expiry(),
                redirect_url=REDIRECT_URL,
                api_domain=API_DOMAIN,
            )
            self.access[user] = access
            logins.append((user, token))
        self.next_user += count
        return logins

    def saved(self, user: int, token: OAuthToken) -> None:
        """Record a login the store has saved (and the id it gave the token)."""
        self.users.append(user)
        self.ids[user] = token.get_id()

    def forget(self, users: list[int]) -> None:
        gone = set(users)
        self.users = [u for u in self.users if u not in gone]
        for user in gone:
            self.ids.pop(user, None)
            self.access.pop(user, None)

    def pick(self, count: int) -> list[int]:
        """``count`` users held by the store, drawn at random (with repeats when there are few)."""
        return [self.rng.choice(self.users) for _ in range(count)]

    def refresh(self, user: int) -> OAuthToken:
        """The token the SDK saves after refreshing ``user``'s access token: the whole record, new access token."""
        access = self._secret()
        self.access[user] = access
        return make_token(
            id=self.ids[user],
            user_name=user_name(user),
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            access_token=access,
            expires_in=self._expiry(),
            redirect_url=REDIRECT_URL,
            api_domain=API_DOMAIN,
        )


def user_name(user: int) -> str:
    return f"user{user:07d}@example.test"


def by_user_name(user: int) -> OAuthToken:
    """What the SDK passes to find_token when it starts for a user: the user name alone."""
    return make_token(user_name=user_name(user))


def by_access_token(access: str) -> OAuthToken:
    """A token the application built from an access token alone (no client credentials)."""
    return make_token(access_token=access)
