"""In-memory store: records live by reference, commits cost nothing."""

from __future__ import annotations

from collections.abc import Iterable

from durable_mcp.engine.execution import ExecutionRecord
from durable_mcp.engine.model import Json
from durable_mcp.engine.store.base import ExecutionSummary


class MemoryStore:
    def __init__(self) -> None:
        self._records: dict[str, ExecutionRecord] = {}
        self._by_id: dict[str, str] = {}
        self._offset = 0.0
        self._logs: dict[str, list[str]] = {}

    def insert(self, rec: ExecutionRecord) -> None:
        self._records[rec.arn] = rec
        self._by_id[rec.execution_id] = rec.arn

    def commit(self, rec: ExecutionRecord, operation_ids: Iterable[str], events: list[Json]) -> None:
        return None

    def load(self, arn: str) -> ExecutionRecord | None:
        return self._records.get(arn)

    def arn_for_execution_id(self, execution_id: str) -> str | None:
        return self._by_id.get(execution_id)

    def unfinished(self) -> list[str]:
        return [arn for arn, rec in self._records.items() if not rec.terminal]

    def summaries(self, function_name: str) -> list[ExecutionSummary]:
        return [
            ExecutionSummary(r.arn, r.name, r.function_name, r.version, r.status, r.start, r.end)
            for r in self._records.values()
            if r.function_name == function_name
        ]

    def delete(self, arn: str) -> None:
        self._logs.pop(arn, None)
        rec = self._records.pop(arn, None)
        if rec is not None:
            self._by_id.pop(rec.execution_id, None)

    def purge_expired(self, now: float) -> int:
        expired = [
            arn
            for arn, rec in self._records.items()
            if rec.end is not None and rec.end.timestamp() + rec.retention_days * 86_400 < now
        ]
        for arn in expired:
            self.delete(arn)
        return len(expired)

    def append_logs(self, arn: str, lines: list[str]) -> None:
        self._logs.setdefault(arn, []).extend(lines)

    def logs(self, arn: str) -> list[str]:
        return list(self._logs.get(arn, ()))

    def load_clock_offset(self) -> float:
        return self._offset

    def save_clock_offset(self, offset: float) -> None:
        self._offset = offset

    def close(self) -> None:
        return None
