"""Token records and sample data: the bottom layer every other part of the kit reads.

Imports only the SDK import point (``tokenstore_conformance.sdk``).
"""

from .keys import FIND_BY, KEY_BY_FIELD, KEY_ORDER, KEYS, SAVE_BY, Contest, Key, contests, credentials_fit
from .names import FAMILIES as NAME_FAMILIES
from .names import VARIANTS as NAME_VARIANTS
from .names import family_variant, near_duplicate, near_duplicate_pairs, near_duplicates
from .observed import Observed, describe_records, first_difference, listing
from .samples import (
    API_DOMAIN,
    CLIENT,
    EXPIRY,
    HOSTILE,
    HOSTILE_CHARACTERS,
    REDIRECT_URL,
    all_stored,
    insert,
    save,
    save_user,
    stored,
    user_values,
)
from .tokens import (
    FIELD_NAMES,
    TokenRecord,
    brief,
    describe,
    describe_value,
    explain_difference,
    make_token,
    record_of,
    records_of,
    sort_records,
)

__all__ = [
    "API_DOMAIN",
    "CLIENT",
    "EXPIRY",
    "FIELD_NAMES",
    "FIND_BY",
    "HOSTILE",
    "HOSTILE_CHARACTERS",
    "KEYS",
    "KEY_BY_FIELD",
    "KEY_ORDER",
    "NAME_FAMILIES",
    "NAME_VARIANTS",
    "REDIRECT_URL",
    "SAVE_BY",
    "Contest",
    "Key",
    "Observed",
    "all_stored",
    "contests",
    "TokenRecord",
    "brief",
    "describe",
    "describe_value",
    "credentials_fit",
    "describe_records",
    "explain_difference",
    "family_variant",
    "first_difference",
    "listing",
    "make_token",
    "near_duplicate",
    "near_duplicate_pairs",
    "near_duplicates",
    "record_of",
    "records_of",
    "insert",
    "save",
    "save_user",
    "sort_records",
    "stored",
    "user_values",
]
