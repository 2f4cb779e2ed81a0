"""The SDK's token lifecycle as a Hypothesis state machine, run against a store and the model side by side.

The parametrised contract tests check one clause at a time from an empty
store. Stores that pass them still break on sequences: an update after a
delete, an id saved again after ``delete_tokens``, a second user after a
refresh, a row that stops changing after a few updates, a cache that a second
instance never invalidates. The machine here performs what the SDK does with
its store (logins with a grant, refresh or access token, refreshes, lookups,
deletes, restarts over the same storage) in sequences Hypothesis chooses,
applies each to ``model.TokenModel`` as well, and fails on the first
difference, naming the clauses the failing comparison checks.

Its rules come in groups by concern, each a class over the compared
operations of ``checked.py``: what the SDK does (``sdk_rules.py``), reads
compared with the model and the check after every step (``reads.py``), a
long-running application and warm caches (``caches.py``), and the corners of
the key space (``adversary.py``).

A single-user store (``tokenstore_single_user = True``) holds one user's
tokens at a time by design, so for such a store the sequences draw one user
name, the rules that add users (or sign near-duplicate users in next to a
stored one, or save an unknown user with a stored user's keys) do not run,
and a save that would insert a second record first signs the holder out
(``CheckedSteps._make_room``). Every other rule runs, on that one record.
"""

from __future__ import annotations

from .adversary import AdversarialRules
from .caches import CacheRules
from .reads import ReadRules
from .sdk_rules import SdkRules


class LifecycleMachine(SdkRules, ReadRules, CacheRules, AdversarialRules):
    """Every rule group over one store and one model: the machine the runner runs."""
