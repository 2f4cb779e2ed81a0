"""The names of the kit's settings: each option's name, its environment variable, and how a flag is spelled.

Messages at every layer tell the user which flag to pass ("raise
--tokenstore-timeout"), and the layers below the harness may not import the
harness's options module. So the names live here, at the bottom of the
package, and every module that spells a flag builds it with ``flag()``: a
renamed option is renamed in one place.
"""

from __future__ import annotations

STORES = "tokenstore"  # --tokenstore's dest, and the ini key
STORES_ENV = "TOKENSTORE"
TIMEOUT = "tokenstore_timeout"
BUDGET = "tokenstore_budget"
ALLOW_EXISTING = "tokenstore_allow_existing"
PROFILE = "tokenstore_profile"
SEED = "tokenstore_seed"
STRICT = "tokenstore_strict"  # dest and ini key
STRICT_ENV = "TOKENSTORE_STRICT"
REPORT = "tokenstore_report"  # dest and ini key
EXPECT = "tokenstore_expect"
EXPECT_WRITE = "tokenstore_expect_write"
OUTPUT = "tokenstore_output"


def flag(dest: str) -> str:
    """The command-line spelling of an option, as the header and messages show it."""
    return "--" + dest.replace("_", "-")
