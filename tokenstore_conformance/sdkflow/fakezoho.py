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
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

TOKEN_PATH = "/oauth/v2/token"
REVOKE_PATH = TOKEN_PATH + "/revoke"
ORG_ZGID = "70004000"
AUTH_PREFIX = "Zoho-oauthtoken "
LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class LoggedRequest:
    """One request as the server received it; form fields and query parameters as plain strings."""

    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    authorization: str | None

    @property
    def grant_type(self) -> str | None:
        return self.form.get("grant_type") if self.path == TOKEN_PATH else None

    @property
    def access_token(self) -> str | None:
        """The access token the request was authorised with, if any."""
        if self.authorization and self.authorization.startswith(AUTH_PREFIX):
            return self.authorization[len(AUTH_PREFIX) :]
        return None


@dataclass
class FakeUser:
    """A CRM user; ``email`` is what the SDK stores (with the org id) as the user name."""

    email: str
    user_id: str
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

    def __init__(self, token_lifetime: int = 3600) -> None:
        # Seconds the next issued access token lives; a negative value hands
        # out a token that expired that long ago, as if the clock had moved on.
        self.token_lifetime = token_lifetime
        self.users: list[FakeUser] = []
        self.requests: list[LoggedRequest] = []
        self.issued: list[Issued] = []
        self.revoked: list[str] = []
        self._codes: dict[str, FakeUser] = {}
        self._used_codes: set[str] = set()
        self._failures: list[str] = []
        self._serial = itertools.count(1)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle ---------------------------------------------------------

    def start(self) -> FakeZoho:
        server = ThreadingHTTPServer((LOOPBACK, 0), _handler_for(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-zoho", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeZoho:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:40123``: the CRM API domain the server hands out."""
        if self._server is None:
            raise RuntimeError("the fake Zoho server is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def accounts_url(self) -> str:
        """The token endpoint, which is what the SDK calls the accounts URL."""
        return self.url + TOKEN_PATH

    # -- set-up by tests ----------------------------------------------------

    def add_user(self, email: str) -> FakeUser:
        with self._lock:
            user = FakeUser(email=email, user_id=f"7000400000{len(self.users) + 1:04d}")
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

    def user_of_access_token(self, access_token: str | None) -> FakeUser | None:
        with self._lock:
            return next((u for u in self.users if access_token in u.access_tokens), None)

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
            if user is None or code in self._used_codes:
                return 200, {"error": "invalid_code"}
            self._used_codes.add(code)
            refresh = f"1000.refresh{next(self._serial):04d}.{user.user_id}"
            user.refresh_tokens.append(refresh)
            return 200, self._issue(user, refresh, grant_type, with_refresh=True)
        if grant_type == "refresh_token":
            refresh = form.get("refresh_token", "")
            user = next((u for u in self.users if refresh in u.refresh_tokens), None)
            if user is None or refresh in self.revoked:
                return 200, {"error": "invalid_code"}
            return 200, self._issue(user, refresh, grant_type, with_refresh=False)
        return 200, {"error": "unsupported_grant_type"}

    def _issue(self, user: FakeUser, refresh: str, grant_type: str, with_refresh: bool) -> dict:
        access = f"1000.access{next(self._serial):04d}.{user.user_id}"
        user.access_tokens.append(access)
        self.issued.append(Issued(user, access, refresh if with_refresh else None, grant_type))
        body = {
            "access_token": access,
            "api_domain": self.url,
            "token_type": "Bearer",
            "expires_in": self.token_lifetime,
        }
        if with_refresh:
            body["refresh_token"] = refresh
        return body

    def _revoke(self, request: LoggedRequest) -> tuple[int, dict]:
        token = request.form.get("token") or request.query.get("token", "")
        if any(token in u.refresh_tokens for u in self.users) and token not in self.revoked:
            self.revoked.append(token)
            return 200, {"status": "success"}
        return 200, {"status": "failure", "error": "invalid_token"}

    def _crm(self, request: LoggedRequest, resource: str) -> tuple[int, dict]:
        user = next((u for u in self.users if request.access_token in u.access_tokens), None)
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
        users = [user] if request.query.get("type") == "CurrentUser" else list(self.users)
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


def _handler_for(zoho: FakeZoho) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.0: one request per connection, so no connection outlives a test.
        protocol_version = "HTTP/1.0"

        def do_GET(self) -> None:
            self._answer()

        def do_POST(self) -> None:
            self._answer()

        def _answer(self) -> None:
            split = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
            request = LoggedRequest(
                method=self.command,
                path=split.path,
                query=_flat(parse_qs(split.query, keep_blank_values=True)),
                form=_flat(parse_qs(body, keep_blank_values=True)),
                authorization=self.headers.get("Authorization"),
            )
            status, payload = zoho._handle(request)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json;charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            # The request log is the record; nothing goes to stderr.
            pass

    return Handler


def _flat(values: dict[str, list[str]]) -> dict[str, str]:
    return {key: items[-1] for key, items in values.items()}


def now_ms() -> int:
    """The current time as the SDK writes expiry times: milliseconds since the epoch."""
    return int(time.time() * 1000)
