"""A stand-in for Zoho's accounts and CRM servers, on 127.0.0.1 only.

The SDK-flow tests run the genuine SDK token code, which speaks HTTP. Pointing
it at this server keeps every request on the machine and lets a test see
exactly which token requests the SDK made, so "the store made a new login
unnecessary" becomes a count of requests instead of a guess.

The server knows a few users of one organisation. It hands out one-time grant
codes, exchanges them like Zoho does (a code works once), refreshes and
revokes refresh tokens, and answers the two CRM calls the token code uses:
the current user and the organisation. Every request is logged, and a test
can make the next token requests fail.

It also plays Zoho's data centres: the US one (``url``, the default) and the
EU, IN and AU ones, each with its accounts and CRM server on a loopback port
of its own. A user's account lives in one data centre: only that one
exchanges the user's grant codes, refreshes the user's tokens and accepts
them on CRM calls. As at Zoho, the exchange of a grant code names the data
centre's CRM domain in ``api_domain``, and a refresh does not.
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer

from .wire import HOME, REVOKE_PATH, TOKEN_PATH, LoggedRequest, handler_for

__all__ = ["HOME", "REGIONS", "TOKEN_PATH", "FakeUser", "FakeZoho", "Issued", "LoggedRequest", "now_ms"]

ORG_ZGID = "70004000"
LOOPBACK = "127.0.0.1"
REGIONS = (HOME, "EU", "IN", "AU")


@dataclass
class FakeUser:
    """A CRM user; ``email`` is what the SDK stores (with the org id) as the user name."""

    email: str
    user_id: str
    region: str = HOME  # the data centre the account lives in
    refresh_tokens: list[str] = field(default_factory=list)
    access_tokens: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Issued:
    """What one successful token request handed out."""

    user: FakeUser
    access_token: str
    refresh_token: str | None
    grant_type: str


class FakeZoho:
    """A threaded HTTP server on 127.0.0.1 and an ephemeral port; use as a context manager.

    Nothing here ever opens a connection: the server only answers, so a test
    that uses it cannot reach anything off the machine through it.
    """

    def __init__(self, token_lifetime: int = 3600, refresh_api_domain: bool = False) -> None:
        # Seconds the next issued access token lives; a negative value hands
        # out a token that expired that long ago, as if the clock had moved on.
        self.token_lifetime = token_lifetime
        # Zoho names the API domain when it exchanges a grant code, not when it refreshes.
        self.refresh_api_domain = refresh_api_domain
        self.users: list[FakeUser] = []
        self.requests: list[LoggedRequest] = []
        self.issued: list[Issued] = []
        self.revoked: list[str] = []
        self._codes: dict[str, FakeUser] = {}
        self._used_codes: set[str] = set()
        self._failures: list[str] = []
        self._serial = itertools.count(1)
        self._lock = threading.Lock()
        self._servers: dict[str, tuple[ThreadingHTTPServer, threading.Thread]] = {}

    # -- life cycle ---------------------------------------------------------

    def start(self) -> FakeZoho:
        for region in REGIONS:
            server = ThreadingHTTPServer((LOOPBACK, 0), handler_for(self._handle, region))
            server.daemon_threads = True
            thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.005},
                name=f"fake-zoho-{region}",
                daemon=True,
            )
            self._servers[region] = (server, thread)
            thread.start()
        return self

    def stop(self) -> None:
        # shutdown() waits up to a poll interval for its server's loop to notice; the data
        # centres' servers are told at once, so a flow test waits one interval, not one each.
        servers = list(self._servers.values())
        self._servers.clear()
        stoppers = [threading.Thread(target=server.shutdown, daemon=True) for server, _ in servers]
        for stopper in stoppers:
            stopper.start()
        for stopper, (server, thread) in zip(stoppers, servers, strict=True):
            stopper.join(timeout=5)
            server.server_close()
            thread.join(timeout=5)

    def __enter__(self) -> FakeZoho:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The US data centre's base URL, e.g. ``http://127.0.0.1:40123``: the CRM API domain it hands out."""
        return self.region_url(HOME)

    @property
    def accounts_url(self) -> str:
        """The US token endpoint, which is what the SDK calls the accounts URL."""
        return self.region_url(HOME) + TOKEN_PATH

    def region_url(self, region: str) -> str:
        """The base URL of a data centre's server: its CRM API domain, and its accounts server."""
        if region not in self._servers:
            raise RuntimeError(f"the fake Zoho server is not running (data centre {region!r})")
        host, port = self._servers[region][0].server_address[:2]
        return f"http://{host}:{port}"

    def environments(self) -> dict[str, tuple[str, str, str]]:
        """Each data centre's (CRM URL, accounts URL, file upload URL), as the SDK's environments hold them."""
        return {
            r: (self.region_url(r), self.region_url(r) + TOKEN_PATH, self.region_url(r) + "/content")
            for r in REGIONS
        }

    # -- set-up by tests ----------------------------------------------------

    def add_user(self, email: str, region: str = HOME) -> FakeUser:
        """A user whose account lives in the data centre ``region``."""
        if region not in REGIONS:
            raise ValueError(f"unknown data centre {region!r}; the fake plays {', '.join(REGIONS)}")
        with self._lock:
            user = FakeUser(email=email, user_id=f"7000400000{len(self.users) + 1:04d}", region=region)
            self.users.append(user)
            return user

    def grant_code(self, user: FakeUser) -> str:
        """A fresh one-time grant code for ``user``, as the consent screen would hand out."""
        with self._lock:
            code = f"1000.grant{next(self._serial):04d}.{user.user_id}"
            self._codes[code] = user
            return code

    def fail_next_token_requests(self, count: int = 1, error: str = "invalid_code") -> None:
        """Answer the next ``count`` token requests with a Zoho error instead of tokens."""
        with self._lock:
            self._failures.extend([error] * count)

    # -- what tests read ----------------------------------------------------

    def token_requests(self, grant_type: str | None = None) -> list[LoggedRequest]:
        """Token requests so far (both grant types unless one is named); revoke requests are not included."""
        with self._lock:
            return [
                r
                for r in self.requests
                if r.path == TOKEN_PATH and (grant_type is None or r.grant_type == grant_type)
            ]

    def revoke_requests(self) -> list[LoggedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path == REVOKE_PATH]

    def user_of_access_token(self, access_token: str | None, region: str | None = None) -> FakeUser | None:
        """The user the access token was issued to (if ``region`` is given, only a user of that data centre)."""
        with self._lock:
            return self._user_by("access_tokens", access_token, region)

    def _user_by(self, tokens: str, value: str | None, region: str | None) -> FakeUser | None:
        return next(
            (u for u in self.users if value in getattr(u, tokens) and region in (None, u.region)), None
        )

    def mark(self) -> int:
        """A position in the request log; pass it to ``since`` to see only what came after."""
        with self._lock:
            return len(self.requests)

    def since(self, mark: int) -> list[LoggedRequest]:
        with self._lock:
            return list(self.requests[mark:])

    # -- request handling (server threads) ---------------------------------

    def _handle(self, request: LoggedRequest) -> tuple[int, dict]:
        with self._lock:
            self.requests.append(request)
            if request.method == "POST" and request.path == TOKEN_PATH:
                return self._token(request)
            if request.method == "POST" and request.path == REVOKE_PATH:
                return self._revoke(request)
            resource = _crm_resource(request.path)
            if request.method == "GET" and resource is not None:
                return self._crm(request, resource)
            return 404, {"code": "INVALID_URL_PATTERN", "status": "error", "message": "no such endpoint"}

    def _token(self, request: LoggedRequest) -> tuple[int, dict]:
        if self._failures:
            return 200, {"error": self._failures.pop(0)}
        form = request.form
        grant_type = form.get("grant_type")
        if grant_type == "authorization_code":
            code = form.get("code", "")
            user = self._codes.get(code)
            if user is None or code in self._used_codes or user.region != request.region:
                return 200, {"error": "invalid_code"}
            self._used_codes.add(code)
            refresh = f"1000.refresh{next(self._serial):04d}.{user.user_id}"
            user.refresh_tokens.append(refresh)
            return 200, self._issue(user, refresh, grant_type, first=True)
        if grant_type == "refresh_token":
            refresh = form.get("refresh_token", "")
            user = self._user_by("refresh_tokens", refresh, request.region)
            if user is None or refresh in self.revoked:
                return 200, {"error": "invalid_code"}
            return 200, self._issue(user, refresh, grant_type, first=False)
        return 200, {"error": "unsupported_grant_type"}

    def _issue(self, user: FakeUser, refresh: str, grant_type: str, first: bool) -> dict:
        """A token response: a first exchange also hands out the refresh token and names the API domain."""
        access = f"1000.access{next(self._serial):04d}.{user.user_id}"
        user.access_tokens.append(access)
        self.issued.append(Issued(user, access, refresh if first else None, grant_type))
        body: dict = {"access_token": access, "token_type": "Bearer", "expires_in": self.token_lifetime}
        if first or self.refresh_api_domain:
            body["api_domain"] = self.region_url(user.region)
        if first:
            body["refresh_token"] = refresh
        return body

    def _revoke(self, request: LoggedRequest) -> tuple[int, dict]:
        token = request.form.get("token") or request.query.get("token", "")
        if self._user_by("refresh_tokens", token, request.region) and token not in self.revoked:
            self.revoked.append(token)
            return 200, {"status": "success"}
        return 200, {"status": "failure", "error": "invalid_token"}

    def _crm(self, request: LoggedRequest, resource: str) -> tuple[int, dict]:
        user = self._user_by("access_tokens", request.access_token, request.region)
        if user is None:
            return 401, {
                "code": "INVALID_TOKEN",
                "details": {},
                "message": "invalid oauth token",
                "status": "error",
            }
        if resource == "org":
            return 200, {
                "org": [{"id": "70004000000000001", "zgid": ORG_ZGID, "company_name": "Kit Test Org"}]
            }
        users = (
            [user]
            if request.query.get("type") == "CurrentUser"
            else [u for u in self.users if u.region == user.region]
        )
        return 200, {
            "users": [{"id": u.user_id, "email": u.email, "full_name": u.email.split("@")[0]} for u in users],
            "info": {"per_page": 200, "count": len(users), "page": 1, "more_records": False},
        }


def _crm_resource(path: str) -> str | None:
    """'users' or 'org' for ``/crm/vN/users`` and ``/crm/vN/org``; None for anything else."""
    parts = path.strip("/").split("/")
    if len(parts) == 3 and parts[0] == "crm" and parts[1][:1] == "v" and parts[1][1:].isdigit():
        return parts[2] if parts[2] in ("users", "org") else None
    return None


def now_ms() -> int:
    """The current time as the SDK writes expiry times: milliseconds since the epoch."""
    return int(time.time() * 1000)
