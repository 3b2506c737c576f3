"""A progress bar on standard error for long scans, only when it is a terminal (click's bar); silent otherwise."""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

# A scan shows a bar once it has run this long with this many files still to parse: short scans stay quiet.
SHOW_AFTER_SECONDS = 1.0
MIN_FILES = 100


class ProgressBar:
    """A `runner.Progress` callback that draws a bar on `stream` (default: stderr) when it is a terminal."""

    def __init__(self, stream: TextIO | None = None, clock=time.monotonic) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty()
        self.clock = clock
        self.started = clock()
        self.done = 0
        self.bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        self.done += done
        if not self.enabled:
            return
        if self.bar is None:
            if total < MIN_FILES or self.clock() - self.started < SHOW_AFTER_SECONDS:
                return
            import click

            self.bar = click.progressbar(length=total, label="Scanning", file=self.stream, show_pos=True)
            self.bar.__enter__()
            self.bar.update(self.done - done)
        self.bar.update(done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
