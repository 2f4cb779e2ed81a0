"""A progress line on stderr, so a fill of 10,000 tokens into a slow store does not look hung.

On a terminal it redraws one line in place (at most ten times a second); in a
log it writes one line when each store and size is done. No dependency.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

WIDTH = 30


class Progress:
    def __init__(self, stream: TextIO | None = None, enabled: bool = True) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.live = enabled and self.stream.isatty()
        self.label, self.total, self.done, self.started, self.drawn = "", 1, 0, 0.0, 0.0

    def start(self, label: str, total: int) -> None:
        self.label, self.total, self.done = label, max(total, 1), 0
        self.started = self.drawn = time.monotonic()

    def advance(self, count: int) -> None:
        self.done += count
        now = time.monotonic()
        if self.live and now - self.drawn >= 0.1:
            self.drawn = now
            filled = WIDTH * min(self.done, self.total) // self.total
            bar = "#" * filled + "." * (WIDTH - filled)
            self.stream.write(f"\r{self.label} [{bar}] {100 * self.done // self.total:3d}%")
            self.stream.flush()

    def finish(self) -> None:
        if not self.enabled:
            return
        elapsed = time.monotonic() - self.started
        end = "\r\033[K" if self.live else ""
        self.stream.write(f"{end}bench: {self.label} done in {elapsed:.1f}s\n")
        self.stream.flush()
