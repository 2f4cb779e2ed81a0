"""The machine the runner runs: the adversarial machine, kept to one record at a time for a store
declared single-user (for any other store it is the adversarial machine unchanged).

A single-user store (``tokenstore_single_user = True``) holds one user's tokens
at a time by design, and what it does with a token that matches no record
while it holds one is SAVE-SECOND-USER's question, not a sequence's: the
contract lets it replace its record or keep it. So for such a store the
sequences draw one user name (``users_of_the_application`` keeps one; the
rules that add users, or sign near-duplicate users in next to a stored one,
do not run), and before a save that would insert a record while one is
stored, the application signs the holder out, as an application on a
single-slot store does before another login. Everything else (logins by
grant, refresh and access token, refreshes, restarts with a saved or chosen
id, lookups by every key and near miss, deletes, new instances, warm caches,
keys left None) runs as for any store, on that one record.
"""

from __future__ import annotations

from ..records import TokenRecord, record_of
from ..sdk import OAuthToken
from .adversary import AdversarialMachine
from .model import Undefined


class SingleUserMachine(AdversarialMachine):
    """The adversarial machine; for a single-user store, never two records at once."""

    users = AdversarialMachine.users
    records = AdversarialMachine.records

    def _save(self, token: OAuthToken, why: str) -> str:
        if self.run.single_user:
            self._make_room(record_of(token))
        return super()._save(token, why)

    def _make_room(self, asked: TokenRecord) -> None:
        """Delete the stored record if saving ``asked`` would insert a second one."""
        try:
            self.model.check_save(asked)
            rid, _ = self.model.match(asked)
        except Undefined:
            return  # the save is rejected as for any store
        if rid is None:
            for held in list(self.model.records):
                self._delete(held, "the store holds one user: the application signs the holder out first")
