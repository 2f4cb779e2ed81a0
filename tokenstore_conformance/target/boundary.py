"""The boundary between the kit and the store: every value a store call returns is checked here.

A store written from a sample can return anything: None where a list was due,
a dict, the query object, a token with no id. If that value reached the kit's
comparisons, the kit's own code would raise (``'NoneType' object is not
iterable``) in every test that touched the call, and each of them would show
up as a fault of its own clause. Instead the value is checked once, as it
leaves the store, and a wrong shape or an exception becomes a failure of the
clauses that own the method's basic behaviour: in those clauses' tests it is
their own failure, in every other test the test is ``blocked by`` them. When
all owners pass (the method misbehaves only in a case they do not exercise),
the blocked test's own clause fails, so nothing is hidden.
"""

from __future__ import annotations

from ..records import describe_value
from ..records.preconditions import PreconditionFailed
from ..sdk import OAuthToken, SDKException

# The clauses whose tests exercise each method's plain case: they own what the method raises and
# what it returns in the wrong shape. docs/guide.md lists them first in "Fix in this order".
FIND_OWNERS = (
    "FIND-BY-ID",
    "FIND-BY-USER",
    "FIND-BY-ACCESS",
    "FIND-BY-GRANT",
    "FIND-BY-REFRESH",
    "FIND-MISS-NONE",
)
OWNERS: dict[str, tuple[str, ...]] = {
    "save_token": ("SAVE-INSERT",),
    "find_token": FIND_OWNERS,
    "find_token_by_id": ("BYID-HIT", "BYID-MISS"),
    "get_tokens": ("GET-EMPTY", "GET-ALL"),
    "delete_token": ("DELETE-ONE", "DELETE-UNKNOWN"),
    "delete_tokens": ("DELETEALL-EMPTIES",),
}
# What a wrong shape of each method's return value is the fault of.
SHAPE_OWNERS: dict[str, tuple[str, ...]] = {
    "find_token": ("FIND-SAME-OBJECT", "FIND-MISS-NONE"),
    "find_token_by_id": ("BYID-HIT", "BYID-MISS"),
    "get_tokens": ("GET-EMPTY", "GET-ALL"),
}
# An SDKException from delete_token for an unknown id is allowed (DELETE-UNKNOWN): it reaches the test.
ALLOWED: dict[str, tuple[type[BaseException], ...]] = {"delete_token": (SDKException,)}


def _type_name(value: object) -> str:
    return type(value).__name__


def shape_fault(method: str, args: tuple, result: object) -> str | None:
    """What is wrong with ``result`` as the return value of ``method(*args)``, or None if nothing."""
    if method in ("find_token", "find_token_by_id"):
        if result is None:
            return None
        if not isinstance(result, OAuthToken):
            return f"returned a {_type_name(result)} ({describe_value(result)}), not an OAuthToken or None"
    if method == "find_token_by_id":
        found = result.get_id()
        if found is None:
            return "returned a token whose id is None; a found token carries its record's id"
        if str(found) != str(args[0]):
            return f"returned the record with id {found!r}, not the one asked for"
    if method == "get_tokens":
        if not isinstance(result, list):
            return f"returned a {_type_name(result)} ({describe_value(result)}), not a list"
        wrong = [item for item in result if not isinstance(item, OAuthToken)]
        if wrong:
            return f"returned a list holding a {_type_name(wrong[0])} ({describe_value(wrong[0])})"
        if len({id(item) for item in result}) != len(result):
            return "returned the same OAuthToken object twice in one list"
        # Every record has an id (SAVE-ID-ASSIGN), so a token without one was not built from it.
        nameless = [item for item in result if item.get_id() is None]
        if nameless:
            return f"returned a token whose id is None ({describe_value(nameless[0])}); each record has an id"
    return None


def call_line(method: str, args: tuple) -> str:
    return f"{method}({', '.join(describe_value(a) for a in args)})"


def checked_return(method: str, args: tuple, result: object) -> object:
    """``result`` if it has the shape ``method`` must return; else PreconditionFailed naming its owners."""
    fault = shape_fault(method, args, result)
    if fault is None:
        return result
    raise PreconditionFailed(SHAPE_OWNERS[method], f"{call_line(method, args)} {fault}")


def owned_exception(method: str, args: tuple, exc: Exception) -> Exception:
    """The exception a store call raised, as the test should see it: owned by the method's clauses."""
    if isinstance(exc, PreconditionFailed) or isinstance(exc, ALLOWED.get(method, ())):
        return exc
    owned = PreconditionFailed(OWNERS[method], f"{call_line(method, args)} raised {_type_name(exc)}: {exc}")
    owned.tokenstore_call = str(owned)
    return owned
