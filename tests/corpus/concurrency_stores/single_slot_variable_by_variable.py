"""A single-user store that writes its slot one variable at a time with no lock, one call per variable.

Like a store that keeps each field in a secret of its own (``ZOHO_ACCESS_TOKEN``,
``ZOHO_REFRESH_TOKEN``, ...) and writes them one call after another; each call
here is a ``time.sleep(0)``, which lets other threads run as waiting on I/O
does. Declared single-user, so the kit empties it between the rounds of the
same-user check: threads saving one user at once leave a slot whose variables
come from different saves (the refresh token of one token response, the
access token of another).
"""

from __future__ import annotations

import contextlib
import time

from correct_stores.single_slot import VARIABLES, SingleSlotTokenStore
from support.corpus import Expect

EXPECT = Expect(
    fails={"CONC-THREADS-SAME-USER"},
)


class Store(SingleSlotTokenStore):
    def __init__(self) -> None:
        super().__init__()
        self._lock = contextlib.nullcontext()  # fault: "threads" declared, nothing to back it

    def _write(self, row) -> None:
        for name, value in zip(VARIABLES, row, strict=False):
            time.sleep(0)  # one call to the secret store per variable
            if value is None:
                self._environ.pop(name, None)
            else:
                self._environ[name] = value
