"""A progress line on stderr, so a fill of 10,000 tokens into a slow store does not look hung.

On a terminal it redraws one line in place (at most ten times a second). In a
log (a CI job's output, a file) it cannot redraw, so it writes a line each
time another 10% of a store's size is done, once the size has run for a
second (a fast fill stays one line), and at least every ten seconds, so the
log shows the run is alive; then one line when each store and size is done.
No dependency.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

WIDTH = 30
REDRAW_EVERY = 0.1  # seconds between redraws of the live line
LOG_AFTER = 1.0  # seconds a size runs before the log gets lines about it
LOG_STEP = 10  # percent of the work between two log lines
LOG_EVERY = 10.0  # seconds without a log line before one is written anyway


class Progress:
    def __init__(self, stream: TextIO | None = None, enabled: bool = True) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.live = enabled and self.stream.isatty()
        self.label, self.fill, self.rounds, self.done = "", 0, 0, 0
        self.started = self.drawn = self.logged = 0.0
        self.logged_percent = 0

    def start(self, label: str, fill: int, rounds: int) -> None:
        """A store and size begins: ``fill`` saves, then ``rounds`` timed rounds."""
        self.label, self.fill, self.rounds, self.done = label, fill, rounds, 0
        self.started = self.drawn = self.logged = time.monotonic()
        self.logged_percent = 0

    def advance(self, count: int) -> None:
        self.done += count
        if not self.enabled:
            return
        now = time.monotonic()
        if self.live:
            if now - self.drawn >= REDRAW_EVERY:
                self.drawn = now
                self._draw()
        elif self._log_due(now):
            self.logged, self.logged_percent = now, self._percent()
            self._write(f"bench: {self.label} {self._where()}, {now - self.started:.1f}s\n")

    def finish(self) -> None:
        self.stop(f"done in {time.monotonic() - self.started:.1f}s")

    def stop(self, note: str) -> None:
        """End the store and size with one line: done, or why it was not measured."""
        if self.enabled:
            self._write(f"{self._erase()}bench: {self.label} {note}\n")

    def clear(self) -> None:
        """Leave the terminal's line empty, so what is printed next starts at its left edge."""
        if self.enabled:
            self._write(self._erase())

    def _log_due(self, now: float) -> bool:
        if self.done >= self._total():
            return False  # the line saying it is done comes next
        stepped = self._percent() >= self.logged_percent + LOG_STEP and now - self.started >= LOG_AFTER
        return stepped or now - self.logged >= LOG_EVERY

    def _percent(self) -> int:
        return 100 * min(self.done, self._total()) // self._total()

    def _total(self) -> int:
        return max(self.fill + self.rounds, 1)

    def _where(self) -> str:
        if self.done < self.fill:
            return f"filling: {self.done:,} of {self.fill:,} saved"
        return f"timed {self.done - self.fill} of {self.rounds} rounds"

    def _draw(self) -> None:
        filled = WIDTH * self._percent() // 100
        bar = "#" * filled + "." * (WIDTH - filled)
        self._write(f"\r{self.label} [{bar}] {self._percent():3d}% {self._where()}\033[K")

    def _erase(self) -> str:
        return "\r\033[K" if self.live else ""

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()
