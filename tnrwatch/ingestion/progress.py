"""A plain-text progress bar for the terminal, e.g. `[####    ] 12/40  3 failed`. No Django import.

On a terminal the bar is redrawn in place; elsewhere (logs, CI) a line is written only every
tenth of the way, so a batch of 10,000 documents does not write 10,000 lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO


@dataclass(frozen=True)
class BatchProgress:
    """Where a batch stands: the same figures on the command line and on the Documents page."""

    job_id: int
    total: int
    done: int  # extracted or failed
    failed: int
    captured: int
    duplicates: int  # captured, but the same bytes were already a Source

    @property
    def finished(self) -> bool:
        return self.done >= self.total

    @property
    def bar(self) -> str:
        return render(self.done, self.total, failed=self.failed)

    @property
    def summary(self) -> str:
        return (f"Job {self.job_id}: {self.total} documents, {self.captured} captured "
                f"({self.duplicates} already known), {self.failed} failed.")


def render(done: int, total: int, *, width: int = 30, failed: int = 0) -> str:
    total = max(total, 0)
    filled = width if total == 0 else min(width, (done * width) // total)
    bar = "#" * filled + " " * (width - filled)
    tail = f"  {failed} failed" if failed else ""
    return f"[{bar}] {done}/{total}{tail}"


class ProgressBar:
    def __init__(self, stream: TextIO, total: int, *, width: int = 30) -> None:
        self.stream = stream
        self.total = total
        self.width = width
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self._last_step = -1
        self._last_line = ""

    def update(self, done: int, *, failed: int = 0) -> None:
        line = render(done, self.total, width=self.width, failed=failed)
        if line == self._last_line:
            return
        self._last_line = line
        if self.tty:
            self.stream.write("\r" + line)
            self.stream.flush()
            return
        step = 10 if self.total == 0 else (done * 10) // max(self.total, 1)
        if step != self._last_step or done >= self.total:
            self._last_step = step
            self.stream.write(line + "\n")
            self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()
