"""The HTTP side of the fake Zoho server: requests as it logs them, and the handler that answers them."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

TOKEN_PATH = "/oauth/v2/token"
REVOKE_PATH = TOKEN_PATH + "/revoke"
AUTH_PREFIX = "Zoho-oauthtoken "
HOME = "US"  # the data centre an application talks to unless a token names another


@dataclass(frozen=True)
class LoggedRequest:
    """One request as the server received it; form fields and query parameters as plain strings."""

    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    authorization: str | None
    region: str = HOME  # the data centre whose server received it

    @property
    def grant_type(self) -> str | None:
        return self.form.get("grant_type") if self.path == TOKEN_PATH else None

    @property
    def access_token(self) -> str | None:
        """The access token the request was authorised with, if any."""
        if self.authorization and self.authorization.startswith(AUTH_PREFIX):
            return self.authorization[len(AUTH_PREFIX) :]
        return None


Answer = Callable[[LoggedRequest], "tuple[int, dict]"]


def handler_for(answer: Answer, region: str) -> type[BaseHTTPRequestHandler]:
    """A handler class for the server of data centre ``region``; ``answer`` gives each request's status and body."""

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
                region=region,
            )
            status, payload = answer(request)
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
