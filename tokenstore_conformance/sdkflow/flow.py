"""Driving the genuine SDK token code against a store and the local fake Zoho server.

The SDK-flow tests check what a store's users actually depend on: that
``Initializer.initialize``, ``OAuthToken.get_token``, ``remove``, ``revoke``
and a real CRM call work with the store. Nothing of the SDK is replaced; the
SDK speaks HTTP to ``fakezoho.FakeZoho`` on 127.0.0.1, and the tests judge the
store by what it holds and by the server's request log, because the SDK
swallows some store errors and returns nothing that would show them.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from ..records import CLIENT, REDIRECT_URL, TokenRecord, describe_value, records_of
from ..records.preconditions import PreconditionFailed
from ..sdk import (
    OAuthToken,
    TokenStore,
    UserSignature,
    call_get_users,
    describe_sdk_log,
    make_environment,
    sdk_environment,
    sdk_finds_user_name,
    sdk_initialize,
    sdk_switch_user,
    sdk_user_name,
)
from .fakezoho import ORG_ZGID, TOKEN_PATH, FakeUser, FakeZoho, LoggedRequest

CLIENT_ID = CLIENT["client_id"]
CLIENT_SECRET = CLIENT["client_secret"]
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class LeftLoopback(Exception):
    """The store handed the SDK a token whose API domain is not on this machine."""


def is_loopback_url(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host in LOOPBACK_HOSTS or host.startswith("127.")


def _refuse_remote(token: object, method: str) -> None:
    getter = getattr(token, "get_api_domain", None)
    domain = getter() if callable(getter) else None
    if isinstance(domain, str) and domain and not is_loopback_url(domain):
        raise LeftLoopback(
            f"{method} gave the SDK a token with api_domain {domain!r}, which the SDK only ever saved as "
            "the local server's address; for a Zoho domain the SDK would switch to that real data "
            "center, so the kit stopped the flow before any request could leave this machine"
        )


class GuardedStore(TokenStore):
    """The store under test as the SDK sees it, with a stop before any token leads off this machine.

    Every call goes to the store itself and every result is the store's own
    object; the only addition is the check of the API domain in what the
    lookups return. ``get_token`` switches to the real data center of a
    known Zoho domain, so the check has to happen before the SDK sees the
    token, which means inside the store call.
    """

    def __init__(self, store: TokenStore, calls: deque[str]) -> None:
        self.wrapped = store
        self.calls = calls  # the SDK's last calls into the store and their results, for failure messages

    def _logged(self, method: str, args: tuple, call: Callable[[], object]) -> object:
        shown = ", ".join(describe_value(a) for a in args)
        try:
            result = call()
        except Exception as exc:
            self.calls.append(f"{method}({shown}) raised {type(exc).__name__}: {exc}")
            raise
        # find_token fills in the token it was given: show the token as the call left it.
        returned = (
            describe_value(args[0])
            if method == "find_token" and result is not None
            else describe_value(result)
        )
        self.calls.append(f"{method}({shown}) -> {returned}")
        return result

    def __getattr__(self, name: str) -> object:
        return getattr(self.wrapped, name)

    def find_token(self, token):
        result = self._logged("find_token", (token,), lambda: self.wrapped.find_token(token))
        _refuse_remote(token, "find_token")
        _refuse_remote(result, "find_token")
        return result

    def find_token_by_id(self, id):
        result = self._logged("find_token_by_id", (id,), lambda: self.wrapped.find_token_by_id(id))
        _refuse_remote(result, "find_token_by_id")
        return result

    def get_tokens(self):
        result = self._logged("get_tokens", (), self.wrapped.get_tokens)
        for token in result or []:
            _refuse_remote(token, "get_tokens")
        return result

    def save_token(self, token):
        return self._logged("save_token", (token,), lambda: self.wrapped.save_token(token))

    def delete_token(self, id):
        return self._logged("delete_token", (id,), lambda: self.wrapped.delete_token(id))

    def delete_tokens(self):
        return self._logged("delete_tokens", (), self.wrapped.delete_tokens)


class Flow:
    """One application's view of the SDK: a store, the fake server and a few users.

    ``store`` is the store under test; every SDK call goes through a
    GuardedStore around it (or around another instance passed in), and every
    read the tests make goes to the store directly.
    """

    def __init__(
        self,
        zoho: FakeZoho,
        store: TokenStore,
        resource_path: Path,
        sdk_log: list[logging.LogRecord],
        new_store: Callable[[], TokenStore],
    ) -> None:
        self.zoho = zoho
        self.store = store
        self.store_calls: deque[str] = deque(maxlen=12)
        self.resource_path = resource_path
        self.sdk_log = sdk_log
        self.new_store = new_store
        self.environment = make_environment(zoho.url, zoho.accounts_url, zoho.url + "/content")
        self.alice = zoho.add_user("alice@example.test")
        self.bob = zoho.add_user("bob@example.test")

    # -- what the server saw -------------------------------------------------

    def only_record(self, store: TokenStore | None = None) -> TokenRecord:
        records = self.records(store)
        if len(records) != 1:
            raise AssertionError(
                f"expected exactly one record, found {len(records)}: {records}{self.log_note()}"
            )
        return records[0]

    def only_record_of(self, user: FakeUser, store: TokenStore | None = None) -> TokenRecord:
        records = self.records_of_user(user, store)
        if len(records) != 1:
            raise AssertionError(
                f"expected one record holding {user.email}'s refresh token, found {len(records)}: "
                f"{self.records(store)}{self.log_note()}"
            )
        return records[0]

    def token_requests_since(self, mark: int) -> list[LoggedRequest]:
        return [r for r in self.zoho.since(mark) if r.path == TOKEN_PATH]

    def assert_call_uses(self, expected: str) -> None:
        """Make one CRM call and check it carried ``expected``, naming whose token it carried instead."""
        used = self.api_call().access_token
        if used != expected:
            owner = self.zoho.user_of_access_token(used)
            whose = f"{owner.email}'s" if owner else "an unknown"
            issued = [i.access_token for i in self.zoho.issued]
            raise AssertionError(
                f"the CRM call carried {whose} access token {used!r}, expected {expected!r} "
                f"(issued so far: {issued}){self.log_note()}"
            )

    # -- tokens as an application builds them -------------------------------

    def login_token(self, user: FakeUser, with_signature: bool = False) -> OAuthToken:
        """A token for a first login: the client's credentials and a fresh grant code for ``user``.

        ``with_signature`` adds the user's UserSignature, as an application
        does when it already knows who is logging in.
        """
        signature = UserSignature(self.user_name(user) or user.email) if with_signature else None
        return OAuthToken(
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            grant_token=self.zoho.grant_code(user),
            redirect_url=REDIRECT_URL,
            user_signature=signature,
        )

    @staticmethod
    def grant_token_again(code: str) -> OAuthToken:
        """The token an application builds again after a restart from the configuration it logged in with."""
        return OAuthToken(
            client_id=CLIENT_ID, client_secret=CLIENT_SECRET, grant_token=code, redirect_url=REDIRECT_URL
        )

    def user_name(self, user: FakeUser) -> str | None:
        """The user name the SDK stores for ``user`` when it looks it up itself (None where it never does)."""
        return sdk_user_name(user.email, ORG_ZGID) if sdk_finds_user_name() else None

    # -- the SDK -------------------------------------------------------------

    def try_initialize(
        self, token: OAuthToken, store: TokenStore | None = None, region: str | None = None
    ) -> Exception | None:
        """``Initializer.initialize`` like a fresh process; the exception it raised, or None.

        ``region`` starts the SDK in that data centre's environment instead of
        the application's default (the US one), as an application configured
        for an EU account does.
        """
        environment = (
            self.environment if region is None else make_environment(*self.zoho.environments()[region])
        )
        try:
            sdk_initialize(
                environment, token, GuardedStore(store or self.store, self.store_calls), self.resource_path
            )
        except PreconditionFailed:
            raise  # the store broke a clause another test owns: that is no outcome of initialize
        except Exception as exc:
            return exc
        self._check_environment()
        return None

    def initialize(
        self, token: OAuthToken, store: TokenStore | None = None, region: str | None = None
    ) -> None:
        error = self.try_initialize(token, store, region)
        if error is not None:
            raise AssertionError(
                f"Initializer.initialize raised {type(error).__name__}: {error}{self.log_note()}"
            ) from error

    def switch_user(self, token: OAuthToken) -> None:
        """``Initializer.switch_user`` to ``token`` (same store), which calls get_token at once."""
        try:
            sdk_switch_user(token)
        except Exception as exc:
            raise AssertionError(
                f"Initializer.switch_user raised {type(exc).__name__}: {exc}{self.log_note()}"
            ) from exc
        self._check_environment()

    def api_call(self) -> LoggedRequest:
        """One real CRM call through the SDK; the request the server got, to see which token it carried."""
        mark = self.zoho.mark()
        try:
            result = call_get_users()
        except Exception as exc:
            raise AssertionError(
                f"UsersOperations().get_users() raised {type(exc).__name__}: {exc}{self.log_note()}"
            ) from exc
        calls = [r for r in self.zoho.since(mark) if r.path.endswith("/users") and "type" not in r.query]
        if result.status != 200 or len(calls) != 1:
            where = ", ".join(f"{r.region} data centre" for r in calls) or "no data centre"
            raise AssertionError(
                f"UsersOperations().get_users() came back with HTTP status {result.status} after "
                f"{len(calls)} request(s) to the server ({where}){self.log_note()}"
            )
        return calls[0]

    def _check_environment(self) -> None:
        environment = sdk_environment()
        accounts = {accounts_url for _, accounts_url, _ in self.zoho.environments().values()}
        if environment is None or environment.accounts_url not in accounts:
            url = getattr(environment, "accounts_url", None)
            raise LeftLoopback(
                f"the SDK switched its accounts URL to {url!r}; a store handed it a foreign domain"
            )

    # -- what the tests read -------------------------------------------------

    def records(self, store: TokenStore | None = None) -> list[TokenRecord]:
        """Every record of ``store`` (default: the store under test), read directly, not through the SDK.

        The store is the kit's time-limited one, whose boundary (target/boundary.py) already
        refuses a listing of the wrong shape or with a record that has no string id.
        """
        return records_of((store or self.store).get_tokens())

    def records_of_user(self, user: FakeUser, store: TokenStore | None = None) -> list[TokenRecord]:
        """The records holding one of the refresh tokens the server issued to ``user``."""
        return [r for r in self.records(store) if r.refresh_token in user.refresh_tokens]

    def log_note(self) -> str:
        """What the SDK did, for failure messages: the requests the server received, the SDK's last
        calls into the store with their results, and the SDK's own log (where it reports the store
        errors it swallows)."""
        note = ""
        for title, lines in (
            ("requests the server received", describe_requests(self.zoho.since(0))),
            ("the SDK's last store calls", list(self.store_calls)),
            ("SDK log", describe_sdk_log(self.sdk_log)),
        ):
            if lines:
                note += f"\n{title}:\n  " + "\n  ".join(lines)
        return note


def loopback_no_proxy(environ: dict[str, str]) -> str:
    """A NO_PROXY value that adds the loopback hosts to what ``environ`` already exempts.

    requests sends even 127.0.0.1 through HTTP_PROXY unless NO_PROXY names
    it, and a proxy would carry the SDK's tokens off the machine.
    """
    current = environ.get("no_proxy") or environ.get("NO_PROXY") or ""
    hosts = [h.strip() for h in current.split(",") if h.strip()]
    return ",".join(dict.fromkeys([*hosts, "127.0.0.1", "localhost", "::1"]))


def describe_requests(requests: list[LoggedRequest]) -> list[str]:
    """Short lines for failure messages: what the SDK asked the server, without secrets' bulk."""
    lines = []
    for r in requests:
        detail = r.grant_type or r.query.get("type") or ""
        lines.append(f"{r.method} {r.path} {detail}".rstrip())
    return lines
