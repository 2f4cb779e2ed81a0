"""The numbered clauses of the TokenStore contract, as data.

``docs/contract.md`` is the normative text; this table is what the plugin needs
at run time (level and one-line rule for the report), and ``tests/`` checks
that both list the same ids with the same levels, so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Clause:
    id: str
    level: str  # "MUST" or "SHOULD"
    rule: str
    relies_on: tuple[str, ...] = ()  # clauses whose behaviour its tests use, beyond the FOUNDATION


# fmt: off
_CLAUSES = [
    # save_token
    Clause("SAVE-INSERT", "MUST", "a token that matches no record is inserted as exactly one record"),
    Clause("SAVE-ID-ASSIGN", "MUST", "a token saved without an id gets a fresh non-empty string id, set on the object passed in"),
    Clause("SAVE-ID-UNIQUE", "MUST", "no two records ever share an id, however many are saved or deleted"),
    Clause("SAVE-UPSERT-ID", "MUST", "a token whose id names a stored record updates that record"),
    Clause("SAVE-UPSERT-USER", "MUST", "a token with a user name updates the record of that user name"),
    Clause("SAVE-UPSERT-ACCESS", "MUST", "without client id and secret, a token updates the record with its access token"),
    Clause("SAVE-UPSERT-GRANT", "MUST", "with client id and secret, a token updates the record with its grant token"),
    Clause("SAVE-UPSERT-REFRESH", "MUST", "with client id and secret and no grant token, a token updates the record with its refresh token"),
    Clause("SAVE-PRECEDENCE", "MUST", "when keys point at different records, id wins over user name, user name over access, grant and refresh token"),
    Clause("SAVE-IDEMPOTENT", "MUST", "saving an unchanged token again changes nothing"),
    Clause("SAVE-KEEP-STORED", "MUST", "an update keeps the stored value of every field the token leaves None; the token's non-None values win"),
    Clause("SAVE-USER-ISOLATION", "MUST", "saving one user's token never changes another user's record"),
    Clause("SAVE-IGNORE-NON-TOKEN", "MUST", "an argument that is not an OAuthToken is ignored: no record, no exception"),
    Clause("SAVE-COPY", "MUST", "the store keeps its own copy: changing a token after saving it changes nothing stored"),
    Clause("SAVE-ID-ECHO", "SHOULD", "after an update matched by another key, the token passed in carries the record's id"),
    # round trip
    Clause("ROUNDTRIP-FIELDS", "MUST", "all ten fields come back exactly as saved"),
    Clause("ROUNDTRIP-HOSTILE", "MUST", "quotes, backslashes, SQL and LIKE metacharacters and unicode come back unchanged"),
    Clause("ROUNDTRIP-LONG", "MUST", "values of 2,000 characters come back whole"),
    Clause("ROUNDTRIP-EXPIRY-STR", "MUST", "expires_in comes back as the same string of digits, not as a number"),
    # find_token
    Clause("FIND-BY-ID", "MUST", "find_token with an id that names a stored record finds that record"),
    Clause("FIND-BY-USER", "MUST", "find_token with a user name finds that user's record"),
    Clause("FIND-BY-ACCESS", "MUST", "find_token with an access token and no client credentials finds that record"),
    Clause("FIND-BY-GRANT", "MUST", "find_token with client credentials and a grant token finds that record"),
    Clause("FIND-BY-REFRESH", "MUST", "find_token with client credentials and a refresh token finds that record"),
    Clause("FIND-USER-ONLY", "MUST", "when a user name is given (and no stored id), only the user name is used"),
    Clause("FIND-PRECEDENCE", "MUST", "find_token uses the same key order as save_token, an unknown id falling through to the next key"),
    Clause("FIND-MISS-NONE", "MUST", "a miss returns None, raises nothing and changes nothing"),
    Clause("FIND-SAME-OBJECT", "MUST", "a hit returns the very object passed in"),
    Clause("FIND-FILL-NONE-ONLY", "MUST", "a hit fills only the token's None fields; values the caller set stay"),
    # find_token_by_id
    Clause("BYID-HIT", "MUST", "find_token_by_id returns a full OAuthToken for a stored id"),
    Clause("BYID-MISS", "MUST", "find_token_by_id returns None for an unknown id"),
    Clause("BYID-DETACHED", "MUST", "changing the object find_token_by_id returned does not change the store"),
    # delete_token
    Clause("DELETE-ONE", "MUST", "delete_token removes exactly the record with that id"),
    Clause("DELETE-UNKNOWN", "MUST", "delete_token with an unknown id leaves the store unchanged (None or SDKException)"),
    # get_tokens
    Clause("GET-EMPTY", "MUST", "get_tokens on an empty store returns []"),
    Clause("GET-ALL", "MUST", "get_tokens returns one full OAuthToken per record, no duplicates, no omissions"),
    Clause("GET-DETACHED", "MUST", "changing an object get_tokens returned does not change the store"),
    # delete_tokens
    Clause("DELETEALL-EMPTIES", "MUST", "after delete_tokens, get_tokens is [] and every lookup misses"),
    Clause("DELETEALL-REUSABLE", "MUST", "after delete_tokens the store keeps working and new ids are unique"),
    # the key space and caches
    Clause("SAVE-USER-ONLY", "MUST", "a token with a user name no record has (and no stored id) is inserted, whatever its other keys match"),
    Clause("KEY-NONE", "MUST", "a key the token leaves None is no value: it never matches a record whose field is None too"),
    Clause("USER-NAME-EXACT", "MUST", "user names match exactly: names differing in case, accents, spaces, normalisation or the part after @ are different users"),
    Clause("READ-AFTER-WRITE", "MUST", "every read path answers from the current records, even one read just before a delete or a save that changes a key"),
    # instances
    Clause("INSTANCE-ISOLATION", "MUST", "two instances not declared persistent never see each other's records"),
    Clause("INSTANCE-PERSIST", "MUST", "an instance declared persistent sees what an earlier instance saved"),
    Clause("INSTANCE-REOPEN", "MUST", "for a persistent store, a new instance over storage an earlier instance created can be built and used"),
    # single-user stores
    Clause("SAVE-SECOND-USER", "MUST", "a single-user store given another user's token keeps its record or replaces it whole, never mixes the two"),
    Clause("CAPACITY", "MUST", "after 1,000 users are saved, each record is found by every key and by id, get_tokens returns all 1,000, and deleting half leaves the other half"),
    Clause("SCALE", "SHOULD", "find_token by user name and an update cost at most 4x as much at 5,000 tokens as at 500"),
    Clause("LIFECYCLE", "MUST", "every sequence of SDK operations leaves the store agreeing with a model of the MUST clauses"),
    # the machine
    Clause("NET-LOOPBACK", "MUST", "a store opens no network connection to an address outside the machine"),
    # SDK flow
    Clause("FLOW-LOGIN", "MUST", "a first login through the SDK exchanges the grant code once and leaves one record with the issued tokens, expiry, user name (SDK 6.0+) and api domain"),
    Clause("FLOW-RESTART", "MUST", "initialising again with the same grant code, the saved id or the user signature uses the stored token: no token request"),
    Clause("FLOW-EXPIRY", "MUST", "an expired stored token is refreshed once and updated in place, and the next call uses the new access token"),
    Clause("FLOW-USERS", "MUST", "two users served through one store keep their own tokens, one record each, while the SDK switches between them"),
    Clause("FLOW-PERSIST", "MUST", "with a store declared persistent, a new instance resumes the session without a new login"),
    Clause("FLOW-REMOVE", "MUST", "OAuthToken.remove() deletes exactly that token's record, and a start with the removed id finds nothing"),
    Clause("FLOW-REVOKE", "MUST", "OAuthToken.revoke(id) posts the refresh token of the record with that id (SDK 8.0; earlier SDKs cannot revoke)"),
    Clause("FLOW-DC", "MUST", "a user of another data centre keeps its api_domain through a refresh that names none, and the SDK's CRM calls go to that data centre"),
    Clause("FLOW-EXCHANGE-FAIL", "MUST", "a grant code exchange or refresh the server refuses stores nothing and changes nothing"),
    # concurrency
    Clause("CONC-THREADS-DISTINCT", "MUST", "threads saving different users at once lose nothing: each user has one record holding its last save, and ids stay unique"),
    Clause("CONC-THREADS-SAME-USER", "MUST", "threads saving one user at once leave exactly one record, equal field for field to one of the saved tokens"),
    Clause("CONC-THREADS-READ", "MUST", "lookups while other threads update a user never miss it, never raise and never return a record that mixes two saves"),
    Clause("CONC-PROC-DISTINCT", "MUST", "processes saving different users at once lose nothing: one record per user holding its save, ids unique"),
    Clause("CONC-PROC-SAME-USER", "MUST", "processes saving one user at once leave exactly one record, equal field for field to one of the saved tokens"),
    Clause("CONC-PROC-READ", "MUST", "lookups while other processes update a user never miss it, never raise and never return a record that mixes two saves"),
    Clause("CONC-PROC-UPDATE", "MUST", "two processes updating different fields of one record at once both keep their update"),
    Clause("CONC-PROC-VISIBLE", "MUST", "an instance sees on its next lookup what another process saved after the instance was built"),
    Clause("CRASH-DURABLE", "MUST", "after a process is killed while saving, a new instance opens the storage and finds every save that returned, whole"),
    Clause("FLOW-CONCURRENT-REFRESH", "MUST", "worker processes refreshing expired tokens through the SDK at once all succeed and leave one record per user holding a token the server issued"),
]
# fmt: on

# The dependency graph. Every test stands on the FOUNDATION: the clauses that own what each of the
# six methods raises or returns in the wrong shape (target/boundary.py) and the id a new save gets
# (records.save_user). Beyond it, RELIES_ON names what a clause's tests use of other clauses' behaviour,
# each use a requires()/relying_on() step (tests/kit/test_fix_order.py checks that the tests state exactly
# these). When a prerequisite fails, the step makes the test "blocked by" it; the fix order, the
# table's footer, the JSON report and docs/guide.md's "Fix in this order" all read this graph.
_FIND_BY_KEY = ("FIND-BY-ID", "FIND-BY-USER", "FIND-BY-ACCESS", "FIND-BY-GRANT", "FIND-BY-REFRESH")
FIX_TIERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("nothing leaves the machine", ("NET-LOOPBACK",)),
    ("storage that opens again", ("INSTANCE-REOPEN",)),
    (
        "saving and reading back",
        (
            "SAVE-INSERT",
            "SAVE-ID-ASSIGN",
            "SAVE-ID-UNIQUE",
            "SAVE-UPSERT-ID",
            "SAVE-UPSERT-USER",
            "GET-EMPTY",
            "GET-ALL",
            "BYID-HIT",
            "BYID-MISS",
        ),
    ),
    (
        "lookups and deletes",
        (
            *_FIND_BY_KEY,
            "FIND-MISS-NONE",
            "FIND-SAME-OBJECT",
            "DELETE-ONE",
            "DELETE-UNKNOWN",
            "DELETEALL-EMPTIES",
        ),
    ),
)
# The tiers after the machine and the storage: what the boundary and the save helpers stand on.
FOUNDATION: tuple[str, ...] = tuple(cid for _, tier in FIX_TIERS[2:] for cid in tier)
_RELIES_ON: dict[str, tuple[str, ...]] = {
    # Saving a second user keeps the first: tests that save several users and read one back.
    **{cid: ("SAVE-INSERT",) for cid in (*_FIND_BY_KEY, "FIND-MISS-NONE", "GET-ALL", "DELETEALL-REUSABLE")},
    "SAVE-UPSERT-USER": ("SAVE-KEEP-STORED",),
    "SAVE-UPSERT-ACCESS": ("SAVE-KEEP-STORED",),
    "SAVE-UPSERT-GRANT": ("SAVE-KEEP-STORED",),
    "SAVE-UPSERT-REFRESH": ("SAVE-KEEP-STORED",),
    "SAVE-PRECEDENCE": ("SAVE-INSERT", "SAVE-KEEP-STORED"),
    "SAVE-USER-ISOLATION": ("SAVE-INSERT",),
    "SAVE-ID-UNIQUE": ("SAVE-INSERT", "DELETE-ONE"),
    "SAVE-ID-ECHO": ("SAVE-UPSERT-USER", "SAVE-UPSERT-REFRESH"),
    "ROUNDTRIP-FIELDS": ("BYID-HIT", "FIND-BY-ID"),
    "ROUNDTRIP-HOSTILE": ("BYID-HIT", "FIND-BY-ID", "FIND-BY-USER", "FIND-MISS-NONE", "SAVE-INSERT"),
    "ROUNDTRIP-LONG": ("BYID-HIT", "FIND-BY-ID"),
    "ROUNDTRIP-EXPIRY-STR": ("BYID-HIT", "GET-ALL"),
    "FIND-USER-ONLY": ("SAVE-INSERT", "FIND-BY-USER", "FIND-MISS-NONE"),
    "FIND-PRECEDENCE": (*_FIND_BY_KEY, "SAVE-INSERT"),
    "FIND-SAME-OBJECT": (*_FIND_BY_KEY, "SAVE-INSERT"),
    "FIND-FILL-NONE-ONLY": ("SAVE-INSERT", "FIND-BY-USER"),
    "BYID-MISS": ("DELETE-ONE", "GET-EMPTY"),
    "BYID-DETACHED": ("BYID-HIT",),
    "DELETE-ONE": ("BYID-MISS", "SAVE-INSERT"),
    "DELETE-UNKNOWN": ("BYID-HIT", "SAVE-INSERT"),
    "DELETEALL-EMPTIES": ("BYID-MISS", "FIND-MISS-NONE"),
    "INSTANCE-ISOLATION": ("BYID-MISS",),
    "FLOW-REMOVE": ("BYID-MISS",),
    "FLOW-REVOKE": ("FIND-BY-ID",),
    "LIFECYCLE": ("INSTANCE-REOPEN",),
    "CONC-THREADS-DISTINCT": ("INSTANCE-REOPEN",),
    "CONC-THREADS-SAME-USER": ("INSTANCE-REOPEN",),
    "CONC-THREADS-READ": ("INSTANCE-REOPEN",),
    "CONC-PROC-DISTINCT": ("INSTANCE-REOPEN",),
    "CONC-PROC-SAME-USER": ("INSTANCE-REOPEN",),
    "CONC-PROC-READ": ("INSTANCE-REOPEN",),
    "CONC-PROC-UPDATE": ("INSTANCE-REOPEN",),
    "CONC-PROC-VISIBLE": ("INSTANCE-REOPEN",),
    "CRASH-DURABLE": ("INSTANCE-REOPEN",),
    "CAPACITY": (*_FIND_BY_KEY, "BYID-HIT", "SAVE-INSERT"),
}
_CLAUSES = [replace(clause, relies_on=_RELIES_ON.get(clause.id, ())) for clause in _CLAUSES]
CLAUSES: dict[str, Clause] = {clause.id: clause for clause in _CLAUSES}


def fix_rank(clause_id: str) -> int:
    """Where a root fault stands in the fix order: the tier that holds it, everything else last."""
    return next((n for n, (_, tier) in enumerate(FIX_TIERS) if clause_id in tier), len(FIX_TIERS))


def prerequisites(clause_id: str) -> tuple[str, ...]:
    """Every clause whose behaviour the tests of ``clause_id`` rely on: the FOUNDATION and its own."""
    relies_on = CLAUSES[clause_id].relies_on if clause_id in CLAUSES else ()
    return tuple(cid for cid in dict.fromkeys((*FOUNDATION, *relies_on)) if cid != clause_id)
