"""The kit's only import point for the Zoho CRM SDK.

Every SDK major that shares the six-method ``TokenStore`` interface installs the
same module name, ``zohocrmsdk``, but the majors differ in small ways. Keeping
every ``zohocrmsdk`` import and every version check in this one module means a
new SDK release is absorbed here and nowhere else.
"""

from __future__ import annotations

import importlib.metadata

from zohocrmsdk.src.com.zoho.api.authenticator.oauth_token import OAuthToken
from zohocrmsdk.src.com.zoho.api.authenticator.store.token_store import TokenStore
from zohocrmsdk.src.com.zoho.crm.api.exception.sdk_exception import SDKException
from zohocrmsdk.src.com.zoho.crm.api.user_signature import UserSignature

__all__ = [
    "OAuthToken",
    "SDKException",
    "TokenStore",
    "UserSignature",
    "sdk_distribution",
    "sdk_major",
]


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
