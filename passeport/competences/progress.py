"""A progress bar on the terminal, in rows per second (the import commands).

Written on one line that rewrites itself (`\\r`) when the stream is a terminal, and as a few
plain lines otherwise (logs, CI), at most every `interval` seconds.
"""

import sys
import time


class Progress:
    def __init__(self, label: str, *, total: int | None = None, stream=None, interval=0.2):
        self.label = label
        self.total = total
        self.stream = stream or sys.stderr
        self.interval = interval
        self.done = 0
        self.started = time.monotonic()
        self._shown = 0.0
        self._tty = getattr(self.stream, "isatty", lambda: False)()
        self._plain_every = 10.0  # seconds between lines when not a terminal

    def __call__(self, rows: int) -> None:
        self.advance(rows)

    def advance(self, rows: int) -> None:
        self.done += rows
        now = time.monotonic()
        every = self.interval if self._tty else self._plain_every
        if now - self._shown >= every:
            self._shown = now
            self._write(now)

    def rate(self, now: float | None = None) -> float:
        elapsed = (now or time.monotonic()) - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    def line(self, now: float | None = None) -> str:
        rate = f"{self.rate(now):,.0f}".replace(",", " ")
        done = f"{self.done:,}".replace(",", " ")
        if self.total:
            share = min(1.0, self.done / self.total)
            filled = int(share * 30)
            bar = "█" * filled + "░" * (30 - filled)
            return f"{self.label} {bar} {share:4.0%}  {done} lignes  {rate} lignes/s"
        return f"{self.label} {done} lignes  {rate} lignes/s"

    def _write(self, now: float) -> None:
        if self._tty:
            self.stream.write("\r" + self.line(now) + "\x1b[K")
        else:
            self.stream.write(self.line(now) + "\n")
        self.stream.flush()

    def finish(self) -> None:
        now = time.monotonic()
        if self.total:
            self.done = max(self.done, self.total)
        self._write(now)
        if self._tty:
            self.stream.write("\n")
        self.stream.flush()
