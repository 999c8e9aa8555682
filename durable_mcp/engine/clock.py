"""The service clock: wall time plus an offset that grows when idle time is skipped.

With time skipping, the driver jumps the offset to the next timer instead of sleeping, so waits,
retry backoff, callback timeouts and the execution timeout all fire "on time" in the modelled
timeline while history timestamps keep their modelled gaps. One clock per service keeps every
execution on the same timeline; the offset only ever grows, so timestamps never go backwards.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime


class Clock:
    def __init__(self, *, real_time: bool = False, offset: float = 0.0) -> None:
        self.real_time = real_time
        self._offset = offset
        self._lock = threading.Lock()

    @property
    def offset(self) -> float:
        return self._offset

    def time(self) -> float:
        """Seconds since the epoch in the modelled timeline."""
        return time.time() + self._offset

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time(), tz=UTC)

    def advance_to(self, target: float) -> None:
        """Skip forward so that ``time()`` is at least ``target`` (no-op in real time)."""
        if self.real_time:
            return
        with self._lock:
            gap = target - self.time()
            if gap > 0:
                self._offset += gap
