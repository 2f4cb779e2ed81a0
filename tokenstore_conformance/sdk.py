"""The kit's only import point for the Zoho CRM SDK.

Every SDK major that shares the six-method ``TokenStore`` interface installs the
same module name, ``zohocrmsdk``, but the majors differ in small ways. Keeping
every ``zohocrmsdk`` import and every version check in this one module means a
new SDK release is absorbed here and nowhere else.
"""

from __future__ import annotations

import functools
import importlib.metadata
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from zohocrmsdk.src.com.zoho.api.authenticator.oauth_token import OAuthToken
from zohocrmsdk.src.com.zoho.api.authenticator.store.db_store import DBStore
from zohocrmsdk.src.com.zoho.api.authenticator.store.file_store import FileStore
from zohocrmsdk.src.com.zoho.api.authenticator.store.token_store import TokenStore
from zohocrmsdk.src.com.zoho.api.logger import Logger
from zohocrmsdk.src.com.zoho.crm.api.dc.data_center import DataCenter
from zohocrmsdk.src.com.zoho.crm.api.exception.sdk_exception import SDKException
from zohocrmsdk.src.com.zoho.crm.api.initializer import Initializer
from zohocrmsdk.src.com.zoho.crm.api.sdk_config import SDKConfig
from zohocrmsdk.src.com.zoho.crm.api.user_signature import UserSignature

__all__ = [
    "SDK_LOGGER",
    "ApiResult",
    "DBStore",
    "DataCenter",
    "FileStore",
    "Initializer",
    "OAuthToken",
    "SDKException",
    "TokenStore",
    "UserSignature",
    "call_get_users",
    "describe_sdk_log",
    "isolated_sdk",
    "loopback_data_centers",
    "make_environment",
    "sdk_can_revoke",
    "sdk_distribution",
    "sdk_environment",
    "sdk_finds_user_name",
    "sdk_major",
    "sdk_initialize",
    "sdk_retries_unknown_id",
    "sdk_switch_user",
    "sdk_user_name",
]

# The logger every SDK major writes to; several of its calls pass arguments
# their messages have no placeholder for, so formatting them prints a logging
# traceback instead of the message.
SDK_LOGGER = "SDKLogger"
# Where the SDK's own code lives (the zohocrmsdk package): a frame there is the SDK's, not the store's.
SDK_DIRECTORY = os.path.dirname(
    os.path.abspath(sys.modules[OAuthToken.__module__.partition(".")[0]].__file__)
)


@functools.cache
def sdk_distribution() -> tuple[str, str]:
    """Return the installed SDK's (distribution name, version), e.g. ('zohocrmsdk8-0', '7.0.0').

    The distribution name, not the module name, tells which CRM API major is
    installed, because all of them install the module ``zohocrmsdk``.
    """
    names = importlib.metadata.packages_distributions().get("zohocrmsdk", [])
    for name in names:
        version = importlib.metadata.version(name)
        return name.replace("_", "-").lower(), version
    return "zohocrmsdk", "unknown"


def sdk_major() -> int:
    """The CRM API major of the installed SDK (5, 6, 7 or 8); 8 when it cannot be told."""
    name, _ = sdk_distribution()
    digits = name.removeprefix("zohocrmsdk").split("-")[0]
    return int(digits) if digits.isdigit() else 8


# -- what differs between SDK majors --------------------------------------
#
# Each function below names one behaviour of the SDK's token code that the
# SDK-flow contract depends on, so a clause can say "on SDK 5.0 ..." and the
# tests pick the rule from here instead of comparing version numbers.


def sdk_finds_user_name() -> bool:
    """Whether get_token looks up the user name after a token exchange (6.0 on; 5.0 never does).

    The lookup calls ``/crm/vN/users?type=CurrentUser`` and ``/crm/vN/org`` and
    stores ``email:org-id`` as the user name, unless the token already has a
    UserSignature.
    """
    return sdk_major() >= 6


def sdk_user_name(email: str, org_id: str) -> str:
    """The user name the SDK stores for a user it looked up itself."""
    return f"{email}:{org_id}"


def sdk_can_revoke() -> bool:
    """Whether ``OAuthToken.revoke(id)`` reaches the store at all.

    5.0 to 7.0 build ``OAuthToken()`` without arguments inside revoke, which
    their own constructor rejects, so revoke raises before it calls find_token.
    """
    return sdk_major() >= 8


def sdk_retries_unknown_id() -> bool:
    """Whether get_token treats None from find_token_by_id as a miss (8.0) or fails on it (5.0 to 7.0).

    8.0 then goes on with the caller's token (a grant code on it starts a new
    login); 5.0 to 7.0 pass the None to merge_objects, which raises SDKException.
    """
    return sdk_major() >= 8


# -- driving the SDK ------------------------------------------------------


def make_environment(url: str, accounts_url: str, file_upload_url: str) -> DataCenter.Environment:
    """An Environment for a server the SDK does not know, so it never swaps in a real data center.

    5.0's Environment takes a fourth argument, the environment's name.
    """
    if sdk_major() == 5:
        return DataCenter.Environment(url, accounts_url, file_upload_url, "tokenstore-conformance")
    return DataCenter.Environment(url, accounts_url, file_upload_url)


@contextmanager
def loopback_data_centers(environments: dict[str, tuple[str, str, str]]) -> Iterator[None]:
    """Make the SDK take loopback servers for Zoho's data centres, e.g. ``{"EU": (url, accounts_url, upload_url)}``.

    ``get_token`` looks a token's ``api_domain`` up in the SDK's table of data
    centres (``DataCenter.get``) and, for a known domain, switches the SDK to
    that data centre's production environment. For the duration, each loopback
    URL joins its data centre's row of the table and ``PRODUCTION()`` of that
    data centre returns the loopback environment, so the SDK's own routing
    sends a token of the loopback EU domain to the loopback EU servers. Every
    SDK major has the same table (``Constants.EU_DATACENTER`` and its kin).
    """
    from zohocrmsdk.src.com.zoho.crm.api.dc import AUDataCenter, EUDataCenter, INDataCenter, USDataCenter
    from zohocrmsdk.src.com.zoho.crm.api.util.constants import Constants

    classes = {"US": USDataCenter, "EU": EUDataCenter, "IN": INDataCenter, "AU": AUDataCenter}
    undo: list[tuple[type, object, list, str]] = []
    try:
        for region, (url, accounts_url, upload_url) in environments.items():
            table = getattr(Constants, f"{region}_DATACENTER")
            undo.append((classes[region], classes[region].__dict__["PRODUCTION"], table, url))
            table.append(url)
            classes[region].PRODUCTION = classmethod(
                lambda cls, env=(url, accounts_url, upload_url): make_environment(*env)
            )
        yield
    finally:
        for cls, production, table, url in reversed(undo):
            cls.PRODUCTION = production
            table.remove(url)


def sdk_initialize(
    environment: DataCenter.Environment,
    token: OAuthToken,
    store: TokenStore,
    resource_path: str | os.PathLike[str],
    http_timeout: float = 10.0,
) -> None:
    """``Initializer.initialize`` as an application calls it at start-up; it calls get_token at once.

    5.0 to 7.0 also keep the initializer in a thread-local that wins over the
    one initialize sets, so a second initialize in the same thread would go on
    using the first one's store and token; forgetting the thread-local first
    makes each call behave like a fresh process. The HTTP time limits keep a
    server that never answers from hanging the run.
    """
    Initializer.LOCAL.init = None
    Initializer.initialize(
        environment=environment,
        token=token,
        store=store,
        sdk_config=SDKConfig(connect_timeout=http_timeout, read_timeout=http_timeout),
        resource_path=os.fspath(resource_path),
        logger=Logger.get_instance(Logger.Levels.WARNING),
    )


def sdk_switch_user(token: OAuthToken) -> None:
    """``Initializer.switch_user``: the SDK's way to serve another user from the same store."""
    Initializer.switch_user(token=token)


def sdk_environment() -> DataCenter.Environment | None:
    """The environment the SDK would send the next request to."""
    initializer = Initializer.get_initializer()
    return initializer.environment if initializer is not None else None


@dataclass(frozen=True)
class ApiResult:
    """What one CRM call came back with: HTTP status and the users' e-mail addresses."""

    status: int | None
    emails: tuple[str, ...]


def call_get_users() -> ApiResult:
    """One real CRM call, ``UsersOperations().get_users()``; it authenticates through get_token.

    The SDK returns None when the call failed after authentication (it logs
    the reason instead of raising), which is reported as status None.
    """
    from zohocrmsdk.src.com.zoho.crm.api.users.users_operations import UsersOperations

    response = UsersOperations().get_users()
    if response is None:
        return ApiResult(None, ())
    body = response.get_object()
    users = body.get_users() if hasattr(body, "get_users") else None
    return ApiResult(response.get_status_code(), tuple(u.get_email() for u in users or []))


class _Swallow(logging.Filter):
    """Keeps SDK log records, unformatted, and stops them before any handler sees them.

    A filter on the logger itself runs before every handler, including the
    ones pytest attaches to non-propagating loggers, whose formatting of the
    SDK's malformed calls would raise inside the SDK.
    """

    def __init__(self, records: list[logging.LogRecord]) -> None:
        super().__init__()
        self.records = records

    def filter(self, record: logging.LogRecord) -> bool:
        self.records.append(record)
        return False


@contextmanager
def isolated_sdk() -> Iterator[list[logging.LogRecord]]:
    """Run SDK calls without leaking state into later tests, and without logging noise.

    The SDK keeps the current initializer in a class attribute and a
    thread-local, and sets the level of the "SDKLogger" logger on every
    initialize; all of it is put back as it was on exit, so the application's
    own tests see the SDK as they left it. SDK log records (WARNING and above,
    the level ``sdk_initialize`` asks for) are collected unformatted into the
    yielded list instead of being printed: that is where the SDK reports the
    exceptions it swallows.
    """
    records: list[logging.LogRecord] = []
    logger = logging.getLogger(SDK_LOGGER)
    level = logger.level
    saved = (Initializer.initializer, getattr(Initializer.LOCAL, "init", None))
    swallow = _Swallow(records)
    logger.addFilter(swallow)
    try:
        yield records
    finally:
        Initializer.initializer, Initializer.LOCAL.init = saved
        logger.removeFilter(swallow)
        logger.setLevel(level)


def describe_sdk_log(records: list[logging.LogRecord]) -> list[str]:
    """Readable lines for collected SDK log records, without the formatting that fails on them."""
    lines = []
    for record in records:
        args = record.args if isinstance(record.args, tuple) else (record.args,) if record.args else ()
        details = "; ".join(f"{type(a).__name__}: {a}" for a in args)
        lines.append(f"{record.levelname} {record.msg}" + (f" ({details})" if details else ""))
    return lines
