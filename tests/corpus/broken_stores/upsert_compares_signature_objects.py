"""save_token compares UserSignature objects with ==, which is identity, so every login adds a record."""

from __future__ import annotations

from correct_stores.dict_store import DictTokenStore
from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import ID, lookup_key, merged_row, row_from_token
from tokenstore_conformance.sdk import OAuthToken

EXPECT = Expect(
    fails={"SAVE-UPSERT-USER"},
    collateral={"SAVE-KEEP-STORED", "SAVE-PRECEDENCE", "SAVE-USER-ISOLATION"},
    # Stopped at another clause's precondition by the same fault.
    blocked={"SAVE-ID-ECHO"},
)


class Store(DictTokenStore):
    """Keeps the token's UserSignature object in a side dict, as a store that never unpacks it would."""

    def __init__(self) -> None:
        super().__init__()
        self._signatures: dict[str, object] = {}

    def _matching_for_save(self, token):
        if token.get_id() is not None and token.get_id() in self._rows:
            return self._rows[token.get_id()]
        signature = token.get_user_signature()
        if signature is not None:
            # fault: UserSignature has no __eq__, so this is true only for the very same object
            return next((self._rows[i] for i, s in self._signatures.items() if s == signature), None)
        key = lookup_key(token)
        return self._first(*key) if key else None

    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        row = self._matching_for_save(token)
        if row is None:
            if token.get_id() is None:
                token.set_id(self._new_id())
            self._rows[token.get_id()] = row_from_token(token)
            record_id = token.get_id()
        else:
            record_id = row[ID]
            self._rows[record_id] = merged_row(row, token)
            if token.get_id() is None:
                token.set_id(record_id)
        if token.get_user_signature() is not None:
            self._signatures[record_id] = token.get_user_signature()

    def delete_token(self, id):
        super().delete_token(id)
        self._signatures.pop(id, None)

    def delete_tokens(self):
        super().delete_tokens()
        self._signatures.clear()
