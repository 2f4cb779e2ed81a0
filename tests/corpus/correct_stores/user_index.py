"""A dict store with a second dict from user name to id, kept in step on every write."""

from __future__ import annotations

from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import ID, Row, lookup_key
from tokenstore_conformance.sdk import OAuthToken

from .dict_store import DictTokenStore

EXPECT = Expect()


class UserIndexTokenStore(DictTokenStore):
    """Looks user names up in ``_id_by_user`` instead of scanning every row.

    An index is a second copy of the truth: every method that writes rows
    writes the index too, including delete_token and delete_tokens.
    """

    def __init__(self) -> None:
        super().__init__()
        self._id_by_user: dict[str, str] = {}

    def _matching_row(self, token) -> Row | None:
        row = self._rows.get(token.get_id()) if token.get_id() is not None else None
        if row is not None:
            return row
        key = lookup_key(token)
        if key is None:
            return None
        column, value = key
        if column == "user_name":
            # The index only ever names live records, so a hit is looked up without a fallback.
            return self._rows[self._id_by_user[value]] if value in self._id_by_user else None
        return self._first(column, value)

    def _reindex(self, before: Row | None, after: Row | None) -> None:
        if before is not None and before[1] is not None:
            self._id_by_user.pop(before[1], None)
        if after is not None and after[1] is not None:
            self._id_by_user[after[1]] = after[ID]

    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        before = self._matching_row(token)
        super().save_token(token)
        record_id = before[ID] if before is not None else token.get_id()
        self._reindex(before, self._rows[record_id])

    def delete_token(self, id):
        self._reindex(self._rows.get(id), None)
        super().delete_token(id)

    def delete_tokens(self):
        super().delete_tokens()
        self._id_by_user.clear()


Store = UserIndexTokenStore
