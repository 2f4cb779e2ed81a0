"""Credentials never reach the kit's output: URLs' passwords and secret environment values are masked.

A store's error quotes what it was given: SQLAlchemy repeats the URL it could
not parse, a driver names the password it was refused, a constructor that
raises shows its arguments. The kit prints those messages, writes them into
the JSON report, the junit file and the known-failures file, and CI keeps all
four as public artifacts. ``redact`` masks the password of every URL in a
text, and every value of an environment variable whose name says it holds a
secret (or that is a URL with a password), and every secret a built store
keeps in its fields, wherever it appears.
"""

from __future__ import annotations

import functools
import os
import re
from urllib.parse import unquote

MASK = "***"
# scheme://user:password@host  ->  scheme://user:***@host
_URL_PASSWORD = re.compile(
    r"(?P<head>\b[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s'\"]*:)(?P<password>[^@\s'\"]+)(?=@)"
)
_SECRET_NAME = re.compile(
    r"PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE|CREDENTIAL|_URL$|_DSN$", re.IGNORECASE
)
_SECRET_FIELD = re.compile(r"PASSWORD|PASSWD|SECRET|API_?KEY|CREDENTIAL", re.IGNORECASE)
SHORTEST_SECRET = 6  # shorter values ("1", "true") would mask ordinary words
_fields: set[str] = set()  # secrets read from the fields of stores built in this process


def remember_fields(store: object) -> None:
    """Note the secrets a store holds in its fields (``self.password``, ``self.url`` with a password)."""
    for name, value in getattr(store, "__dict__", {}).items():
        if not isinstance(value, str):
            continue
        _fields.update(m["password"] for m in _URL_PASSWORD.finditer(value))
        if _SECRET_FIELD.search(name):
            _fields.add(value)


def _secrets() -> tuple[str, ...]:
    """The values to mask anywhere: the environment's secrets, and those of the stores built so far."""
    return _longest_first(_environment_secrets(tuple(os.environ.items())), frozenset(_fields))


@functools.lru_cache(maxsize=1)
def _environment_secrets(environment: tuple[tuple[str, str], ...]) -> frozenset[str]:
    """Secret-named variables, and the passwords inside URL variables: worked out once per environment.

    ``redact`` runs on three reports of every test; the environment rarely
    changes during a run, so it is read, not parsed, on each call.
    """
    found: set[str] = set()
    for name, value in environment:
        # The kit's own variables (TOKENSTORE names the stores) are secret only by the rest of the name.
        if not value or not _SECRET_NAME.search(name.upper().removeprefix("TOKENSTORE")):
            continue
        passwords = [m["password"] for m in _URL_PASSWORD.finditer(value)]
        if passwords:
            found.update(passwords)
            found.update(unquote(p) for p in passwords)
        elif not name.upper().endswith(("_URL", "_DSN")):
            found.add(value)
    return frozenset(found)


@functools.lru_cache(maxsize=1)
def _longest_first(environment: frozenset[str], fields: frozenset[str]) -> tuple[str, ...]:
    """Longest first, so a secret that contains a shorter one is masked whole."""
    found = environment | fields
    return tuple(sorted((s for s in found if len(s) >= SHORTEST_SECRET), key=len, reverse=True))


def redact_report(report: object) -> None:
    """Mask credentials in what pytest prints and writes of a test report: traceback, sections, properties."""
    secrets = _secrets()  # once per report: reading the environment costs more than the masking

    def masked(text: str) -> str:
        return redact(text, secrets)

    longrepr = getattr(report, "longrepr", None)
    if isinstance(longrepr, tuple) and len(longrepr) == 3:  # a skip: (path, line, reason)
        report.longrepr = (longrepr[0], longrepr[1], masked(str(longrepr[2])))
    elif longrepr is not None:
        text = str(longrepr)
        if (hidden := masked(text)) != text:
            report.longrepr = hidden
    report.sections = [(title, masked(body)) for title, body in getattr(report, "sections", [])]
    report.user_properties = [
        (name, masked(value) if isinstance(value, str) else value)
        for name, value in getattr(report, "user_properties", [])
    ]


def redact(text: str, secrets: tuple[str, ...] | None = None) -> str:
    """``text`` with every URL's password and every secret environment value replaced by ``***``.

    ``secrets`` are the values to mask, when the caller has worked them out for several texts.
    """
    if not text:
        return text
    masked = _URL_PASSWORD.sub(lambda m: m["head"] + MASK, text)
    for secret in _secrets() if secrets is None else secrets:
        masked = masked.replace(secret, MASK)
    return masked
