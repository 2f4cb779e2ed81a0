"""Stores that pass the six-method contract's spirit in most ways but break the SDK flow.

Each module exposes ``Store`` and changes one thing about a reference store,
so the fault it adds is the only difference from a store that works with the
SDK. ``tests/kit/test_sdk_flow.py`` runs the kit's SDK-flow group on them alone
and checks that each fails exactly the FLOW clauses of its ``EXPECT``, which
depend on the installed SDK where the SDK's own flow does.
"""

# The FLOW clauses a store fails when every token it hands back breaks the SDK's get_token (an int
# expiry, a fixed Zoho domain). FLOW-PERSIST is not among them: these list stores do not persist, so it
# does not apply.
READS_BACK = frozenset(
    {
        "FLOW-LOGIN",
        "FLOW-RESTART",
        "FLOW-EXPIRY",
        "FLOW-USERS",
        "FLOW-REMOVE",
        "FLOW-EXCHANGE-FAIL",
        "FLOW-DC",
    }
)
