"""The store contract. The service keeps live executions in memory and writes through: every
state change of one execution is one ``commit`` (atomic in SQLite), so a crash between commits
loses at most the change in flight and never leaves half of one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from durable_mcp.engine.execution import ExecutionRecord
from durable_mcp.engine.model import Json


class StoreConflict(Exception):
    """Another process changed the execution since this one read it."""


@dataclass(frozen=True)
class ExecutionSummary:
    arn: str
    name: str
    function_name: str
    version: str
    status: str
    start: datetime
    end: datetime | None


class ExecutionStore(Protocol):
    def insert(self, rec: ExecutionRecord) -> None: ...

    def commit(self, rec: ExecutionRecord, operation_ids: Iterable[str], events: list[Json]) -> None:
        """Persist the execution's meta, the given operations and the new events, atomically.
        Raises StoreConflict (and writes nothing) if the stored record moved on meanwhile."""
        ...

    def load(self, arn: str) -> ExecutionRecord | None: ...

    def arn_for_execution_id(self, execution_id: str) -> str | None: ...

    def unfinished(self) -> list[str]:
        """ARNs of executions that are not terminal (to resume after a restart)."""
        ...

    def summaries(self, function_name: str) -> list[ExecutionSummary]: ...

    def delete(self, arn: str) -> None: ...

    def purge_expired(self, now: float) -> int:
        """Delete ended executions whose retention period has passed; returns how many."""
        ...

    def append_logs(self, arn: str, lines: list[str]) -> None: ...

    def logs(self, arn: str) -> list[str]: ...

    def load_clock_offset(self) -> float: ...

    def save_clock_offset(self, offset: float) -> None: ...

    def close(self) -> None: ...
