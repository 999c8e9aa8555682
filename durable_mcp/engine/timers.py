"""Timers in a heap: O(log n) to arm, fire or find the next one, no scans per checkpoint.

A timer is never removed when it becomes moot (a callback answered before its timeout, a heartbeat
that moved the deadline); the owner checks on firing whether the timer still applies. That keeps
arming and cancelling O(log n) and O(1).
"""

from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass, field
from enum import StrEnum


class TimerKind(StrEnum):
    WAIT = "wait"
    RETRY = "retry"
    CALLBACK_TIMEOUT = "callback-timeout"
    CALLBACK_HEARTBEAT = "callback-heartbeat"
    EXECUTION_TIMEOUT = "execution-timeout"
    REINVOKE = "reinvoke"


@dataclass(frozen=True, order=True)
class Timer:
    due: float
    seq: int
    arn: str = field(compare=False)
    kind: TimerKind = field(compare=False)
    operation_id: str = field(compare=False, default="")


class TimerHeap:
    def __init__(self) -> None:
        self._heap: list[Timer] = []
        self._seq = itertools.count()

    def __len__(self) -> int:
        return len(self._heap)

    def arm(self, due: float, arn: str, kind: TimerKind, operation_id: str = "") -> Timer:
        timer = Timer(due, next(self._seq), arn, kind, operation_id)
        heapq.heappush(self._heap, timer)
        return timer

    def pop_due(self, now: float) -> list[Timer]:
        due: list[Timer] = []
        while self._heap and self._heap[0].due <= now:
            due.append(heapq.heappop(self._heap))
        return due

    def next_due(self, arns: set[str] | None = None, *, skip_kinds: frozenset[TimerKind] = frozenset()) -> float | None:
        """Earliest due time among timers of ``arns`` (all when None), ignoring ``skip_kinds``."""
        if arns is None and not skip_kinds:
            return self._heap[0].due if self._heap else None
        best: float | None = None
        for timer in self._heap:
            if (arns is None or timer.arn in arns) and timer.kind not in skip_kinds:
                best = timer.due if best is None else min(best, timer.due)
        return best

    def drop(self, arn: str) -> None:
        self._heap = [t for t in self._heap if t.arn != arn]
        heapq.heapify(self._heap)
